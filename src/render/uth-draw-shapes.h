/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Shapes page: the tensor shapes through one layer of the scenario model, symbolic
 * (B, S, C, d, H, hd, F, V) and numeric, for prefill (ctx->phase 0) or decode (1); each shape
 * names the op that made it, its FLOPs and its bytes. */
#pragma once

#include "render/uth-draw.h"

G_BEGIN_DECLS

#define UTH_SHAPES_N_NODES 16

/* ctx->page_data of the Shapes page (NULL: the score matrix selected). ctx->hover is
 * the node under the pointer. */
typedef struct
{
  int selected;   /* node detailed in the side panel; -1: the attention scores */
} UthShapesView;

/* The height the figure asks for at a width: eight rows of boxes with three lines each
 * need 820 px at scale 1 (more than the other How LLMs work figures' 760). */
double   uth_shapes_page_height (double                  width,
                                 const UthFigureContext *ctx);
void     uth_draw_shapes (cairo_t                *cr,
                          double                  width,
                          double                  height,
                          const UthFigureContext *ctx);
/* hit->index is the node (0 .. UTH_SHAPES_N_NODES - 1) under the pointer. */
gboolean uth_draw_shapes_hit  (double                  width,
                          double                  height,
                          const UthFigureContext *ctx,
                          double                  x,
                          double                  y,
                          UthFigureHit           *hit);

G_END_DECLS
