/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Flash Attention page: standard attention beside Flash Attention on the same input,
 * bytes moved counted live, and traffic and memory against sequence length. */
#pragma once

#include "core/uth-flash.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* What the page's controls set. The page passes it as ctx->page_data to the page figure. */
typedef struct
{
  UthFlashInput input;
  UthDtype      dtype;   /* compute and storage type of Q, K, V, O */
  guint64       step;    /* animation: block step of Algorithm 1 (clamped to the steps) */
  int           hover;   /* sweep point under the pointer, -1 for none */
} UthFlashView;

/* Sweep of the sequence-length charts: 512 to 131072 tokens, four points per doubling. */
#define UTH_FLASH_SWEEP_MIN    512
#define UTH_FLASH_SWEEP_POINTS 33

/* A view of the scenario: N = the prompt length, the model's head_dim and query heads, the
 * scenario's batch, the GPU's shared memory per SM as M, causal, in the activation type.
 * FALSE (view still usable, with Llama-like defaults) when the scenario has no model. */
gboolean uth_flash_view_init  (UthFlashView           *view,
                               const UthFigureContext *ctx);
/* Sequence length of sweep point i. */
guint64  uth_flash_sweep_seq  (int                     i);

void     uth_draw_flash       (cairo_t                *cr,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx);
gboolean uth_draw_flash_hit        (double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               double                  x,
                               double                  y,
                               UthFigureHit           *hit);
/* The page figure reflows to its width and is drawn at full text size from about 960 px
 * wide when it is at least uth_flash_page_height() tall (the page asks for that height);
 * uth_flash_page_scale() is the factor it is scaled down by otherwise (1: not at all). */
double   uth_flash_page_height (double                  width,
                                const UthFigureContext *ctx);
double   uth_flash_page_scale  (double                  width,
                                double                  height,
                                const UthFigureContext *ctx);
void     uth_draw_flash_view  (cairo_t                *cr,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               const UthFlashView     *view);

/* Sub-figures, each filling width x height from (0, 0). */
/* Both algorithms side by side at the same fraction of the work, with live byte counters. */
void     uth_draw_flash_compare (cairo_t                *cr,
                                 double                  width,
                                 double                  height,
                                 const UthFigureContext *ctx,
                                 const UthFlashView     *view);
/* HBM traffic and peak memory of both against sequence length (log axes). */
void     uth_draw_flash_sweep   (cairo_t                *cr,
                                 double                  width,
                                 double                  height,
                                 const UthFigureContext *ctx,
                                 const UthFlashView     *view);
/* The sweep point nearest x: hit->index is the point, the tooltip its numbers. */
gboolean uth_draw_flash_sweep_hit    (double                  width,
                                 double                  height,
                                 const UthFigureContext *ctx,
                                 const UthFlashView     *view,
                                 double                  x,
                                 double                  y,
                                 UthFigureHit           *hit);
/* Standard ÷ Flash for traffic and for memory against sequence length. */
void     uth_draw_flash_ratio   (cairo_t                *cr,
                                 double                  width,
                                 double                  height,
                                 const UthFigureContext *ctx,
                                 const UthFlashView     *view);

G_END_DECLS
