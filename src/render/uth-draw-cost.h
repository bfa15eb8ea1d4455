/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Cost page's figure: the estimate as cards, memory and time per request, the rules of
 * thumb beside the detailed estimate, and the scenario's model on every GPU. */
#pragma once

#include "core/uth-cost.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* The GPU comparison's sort key is UthFigureContext.view: 0 ($ per million output tokens),
 * 1 (tokens/s), 2 (time to first token), as UthGpuSort. */

/* The rule of thumb's formula and the reason for a gap, in words (translated). */
const char *uth_cost_thumb_name  (UthThumb     thumb);
const char *uth_cost_gap_reason  (UthGapReason reason);

/* Fills rows with every catalog GPU (in catalog order) and sorts them by key; returns how
 * many; *rows is newly allocated (g_free). Each row's index is the catalog index. */
guint       uth_cost_gpu_rows    (const UthFigureContext *ctx,
                                  UthGpuSort              key,
                                  UthGpuComparison      **rows);

/* Hover and click on the GPU comparison: the row's catalog GPU index and its numbers. */
gboolean    uth_draw_cost_hit    (double                  width,
                                  double                  height,
                                  const UthFigureContext *ctx,
                                  double                  x,
                                  double                  y,
                                  UthFigureHit           *hit);
/* The height the figure asks for at a width: it draws at full size from 1300 px wide when
 * it is that tall (the page scrolls), and scales to fit otherwise. */
double      uth_cost_page_height (double                  width,
                                  const UthFigureContext *ctx);
void        uth_draw_cost        (cairo_t                *cr,
                                  double                  width,
                                  double                  height,
                                  const UthFigureContext *ctx);

G_END_DECLS
