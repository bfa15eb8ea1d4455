/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Model page: every layer of the model stacked, each block's area its share of the
 * parameters (ctx->view 0), FLOPs per token (1) or bytes moved per pass (2); ctx->phase picks
 * prefill (0) or decode (1) for FLOPs and bytes. */
#pragma once

#include "render/uth-draw.h"

G_BEGIN_DECLS

typedef enum
{
  UTH_MODEL_VIEW_PARAMS,
  UTH_MODEL_VIEW_FLOPS,
  UTH_MODEL_VIEW_BYTES,
} UthModelView;

void     uth_draw_model     (cairo_t                *cr,
                             double                  width,
                             double                  height,
                             const UthFigureContext *ctx);
/* hit->index is the row: 0 embedding, 1..layers the layers, then final norm, lm-head.
 * uth_draw_model_row_layer turns it into a layer index (-1 for the other rows). */
gboolean uth_draw_model_hit (double                  width,
                             double                  height,
                             const UthFigureContext *ctx,
                             double                  x,
                             double                  y,
                             UthFigureHit           *hit);
int      uth_draw_model_row_layer (const UthFigureContext *ctx,
                                   int                     row);
/* "Parameters: 8.03 B; attention 17%, MLP 73%, …" for the accessible description. */
char    *uth_draw_model_describe  (const UthFigureContext *ctx);

G_END_DECLS
