/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview page: what happens when you send a prompt, as a walk of steps in five
 * chapters (the pass, the two phases, the tension, the matrix products, intensity and the
 * ridge), with the numbers of the scenario. */
#pragma once

#include "core/uth-overview.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

#define UTH_OVERVIEW_N_STEPS    11
#define UTH_OVERVIEW_N_CHAPTERS 5

/* ctx->page_data of the Overview page. NULL: step ctx->view (1-based, clamped; 0 the last
 * step, the walk fully built). A presentation build k > 0 (ctx->build) draws step k. */
typedef struct
{
  int    step;      /* 0 .. UTH_OVERVIEW_N_STEPS - 1: one build of the walk */
  double progress;  /* 0 .. 1: how far the step's animation has run; 1 fully built */
} UthOverviewView;

/* The chapter (0 .. 4) a step belongs to, and a chapter's first step. */
int          uth_overview_step_chapter   (int step);
int          uth_overview_chapter_step   (int chapter);
/* The page that goes deeper into a chapter: tokens, generation, layer, tiling, cost. */
const char  *uth_overview_chapter_page   (int chapter);
/* The chapter's title, translated. */
const char  *uth_overview_chapter_title  (int chapter);

void         uth_draw_overview           (cairo_t                *cr,
                                          double                  width,
                                          double                  height,
                                          const UthFigureContext *ctx);
/* hit->index is the chapter (0 .. 4) of the tab under the pointer. */
gboolean     uth_draw_overview_hit       (double                  width,
                                          double                  height,
                                          const UthFigureContext *ctx,
                                          double                  x,
                                          double                  y,
                                          UthFigureHit           *hit);
/* A product's name as the page shows it ("Up projection"), translated. */
const char  *uth_overview_gemm_name      (const UthOverviewGemm  *gemm);
/* A whole number with thousands separators: "90,177,536". Free with g_free. */
char        *uth_overview_grouped        (double                  value);
/* The A100 SXM of the catalog with the tuned engine's bandwidth efficiency (both from the
 * page's analysis, ctx->analysis->a100 and ->tuned): the ridge
 * example of the textbooks (about 180 FLOP/byte). FALSE when either is missing. */
gboolean     uth_overview_a100_ridge     (const UthFigureContext *ctx,
                                          UthOverviewRidge       *out);
/* What the figure shows at its step, in words (the accessible description). */
char        *uth_overview_describe       (const UthFigureContext *ctx);

G_END_DECLS
