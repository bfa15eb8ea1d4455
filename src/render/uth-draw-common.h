/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared drawing vocabulary of every figure: palette, fonts, text, numbers with units,
 * axes, legends, titles and cards. Sizes are pixels times ctx->scale; at 1600x1000 and
 * scale 1 a title is 26 px and the smallest label 14 px, readable when projected. *
 * This header gathers the job headers (palette, text, format, plot, furniture, reflow)
 * and holds the hit geometry and panel helpers. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "core/uth-chart.h"
#include "core/uth-ops.h"
#include "render/uth-draw.h"
#include "render/uth-draw-palette.h"
#include "render/uth-draw-text.h"
#include "render/uth-format.h"
#include "render/uth-draw-plot.h"
#include "render/uth-draw-furniture.h"
#include "render/uth-reflow.h"

G_BEGIN_DECLS

/* ---- the scenario as the core's workload ---- */
/* The workload of one forward pass of the scenario: uth_estimate_workload of ctx->input,
 * the estimator's own mapping and clamping. FALSE when ctx has no model. */
gboolean uth_figure_context_workload (const UthFigureContext *ctx,
                                      UthPhase                phase,
                                      UthWorkload            *out);

/* ---- hit geometry ---- */
/* A rectangle that answers hover and click: painting and hit-testing compute the same
 * array, then uth_hit_rects_find picks the one under the pointer. */
typedef struct
{
  UthChartRect rect;
  int          index;    /* the item it stands for (a layer, an op, ...) */
} UthHitRect;

const UthHitRect *uth_hit_rects_find (const UthHitRect *rects,
                                      guint             n_rects,
                                      double            x,
                                      double            y);

/* Saves the state, moves the origin to the panel's corner and clips to it; pair with
 * cairo_restore. */
void uth_draw_push_panel (cairo_t            *cr,
                          const UthChartRect *panel);

G_END_DECLS
