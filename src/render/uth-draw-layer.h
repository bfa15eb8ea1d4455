/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Layer page: every op of layer ctx->layer in prefill (ctx->phase 0) or decode (1):
 * a roofline chart with each op as a point, the FLOPs share by group against the rule of
 * thumb and against sequence length, and the op table. Hover indices are op indices, shared
 * by the roofline and the table. */
#pragma once

#include "render/uth-draw.h"

G_BEGIN_DECLS

/* The whole page, as exported and rendered by the command line. */
void     uth_draw_layer          (cairo_t *cr, double width, double height, const UthFigureContext *ctx);
/* The height the whole-page figure asks for at a width: the title, the roofline and share
 * at least 380 px (times the text scale) and every op's row. */
double   uth_layer_page_height   (double width, const UthFigureContext *ctx);
gboolean uth_draw_layer_hit      (double width, double height, const UthFigureContext *ctx,
                                  double x, double y, UthFigureHit *hit);
/* The parts, for the page's own figure widgets. */
void     uth_draw_layer_roofline (cairo_t *cr, double width, double height, const UthFigureContext *ctx);
gboolean uth_draw_layer_roofline_hit (double width, double height, const UthFigureContext *ctx,
                                      double x, double y, UthFigureHit *hit);
void     uth_draw_layer_share    (cairo_t *cr, double width, double height, const UthFigureContext *ctx);
void     uth_draw_layer_table    (cairo_t *cr, double width, double height, const UthFigureContext *ctx);
gboolean uth_draw_layer_table_hit (double width, double height, const UthFigureContext *ctx,
                                   double x, double y, UthFigureHit *hit);
/* In words, for the accessible description: which ops are memory- or compute-bound. */
char    *uth_draw_layer_describe (const UthFigureContext *ctx);

/* FLOPs share of each UthOpGroup in one layer at a context length (prefill: that many new
 * tokens; decode: one step with that many cached), for the page and the tests. */
gboolean uth_draw_layer_group_shares (const UthFigureContext *ctx,
                                      guint64                 context,
                                      double                 *shares);

G_END_DECLS
