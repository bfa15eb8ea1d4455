/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Tiling page: one matrix product cut into tiles, the tiles on the GPU's SMs in waves,
 * DRAM traffic with and without reuse, and one tile's K loop. */
#pragma once

#include "core/uth-tiling.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* What the page's sliders set. The page passes it as ctx->page_data to the page figure. */
typedef struct
{
  UthTilingInput input;
  int            wave;   /* wave the SM grid shows, 0-based; -1 (or past the end): the last */
  guint64        step;   /* K-loop animation: the K step being loaded (clamped to the loop) */
  gint64         tile;   /* tile whose K loop is shown; -1: the first tile of the last wave */
  int            hover;  /* tile under the pointer in the matrix, -1 for none */
} UthTilingView;

/* A view of the scenario's MLP up-projection GEMM: M = batch x prompt tokens, K = hidden,
 * N = MLP width, 128 x 128 tiles with a 32-wide K step, double-buffered, in the activation
 * type, on the scenario GPU's SMs. FALSE (view still usable, on a 132-SM default) when the
 * scenario has no model or GPU. */
gboolean uth_tiling_view_init     (UthTilingView          *view,
                                   const UthFigureContext *ctx);

/* The whole page figure, for the page table, export and the command line. */
void     uth_draw_tiling          (cairo_t                *cr,
                                   double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx);
gboolean uth_draw_tiling_hit           (double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx,
                                   double                  x,
                                   double                  y,
                                   UthFigureHit           *hit);
/* The page figure reflows to its width and is drawn at full text size from about 960 px
 * wide when it is at least uth_tiling_page_height() tall (the page asks for that height);
 * uth_tiling_page_scale() is the factor it is scaled down by otherwise (1: not at all). */
double   uth_tiling_page_height   (double                  width,
                                   const UthFigureContext *ctx);
double   uth_tiling_page_scale    (double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx);
/* The whole figure for a given view. */
void     uth_draw_tiling_view     (cairo_t                *cr,
                                   double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx,
                                   const UthTilingView    *view);

/* Sub-figures, each filling width x height from (0, 0). */
/* Output matrix, each tile coloured by its wave and shaded by its SM. */
void     uth_draw_tiling_matrix   (cairo_t                *cr,
                                   double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx,
                                   const UthTilingView    *view);
/* The tile under (x, y) of the matrix sub-figure: hit->index is the tile number. */
gboolean uth_draw_tiling_matrix_hit    (double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx,
                                   const UthTilingView    *view,
                                   double                  x,
                                   double                  y,
                                   UthFigureHit           *hit);
/* The GPU's SMs in the chosen wave, idle ones visible, and every wave's busy fraction. */
void     uth_draw_tiling_sms      (cairo_t                *cr,
                                   double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx,
                                   const UthTilingView    *view);
/* The SM under (x, y): the tile it runs in the shown wave, or that it idles (index -1). */
gboolean uth_draw_tiling_sms_hit       (double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx,
                                   const UthTilingView    *view,
                                   double                  x,
                                   double                  y,
                                   UthFigureHit           *hit);
/* The traffic bar under (x, y) with its formula and values (index -1). */
gboolean uth_draw_tiling_traffic_hit   (double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx,
                                   const UthTilingView    *view,
                                   double                  x,
                                   double                  y,
                                   UthFigureHit           *hit);
/* DRAM bytes without reuse, tiled and ideal, on a log scale. */
void     uth_draw_tiling_traffic  (cairo_t                *cr,
                                   double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx,
                                   const UthTilingView    *view);
/* One frame of a tile's K loop: the A and B blocks of step view->step in shared memory. */
void     uth_draw_tiling_kloop    (cairo_t                *cr,
                                   double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx,
                                   const UthTilingView    *view);

G_END_DECLS
