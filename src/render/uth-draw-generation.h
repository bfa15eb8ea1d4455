/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Generation page: the loop. Prefill reads the prompt in one pass, then each decode
 * step draws one token from the next-token distribution with the sampling rule, and the
 * KV cache grows by a column; each step's time comes from the estimator. */
#pragma once

#include "core/uth-estimate.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

#define UTH_GENERATION_MAX_STEPS UTH_ANALYSIS_GENERATION_MAX_STEPS
#define UTH_GENERATION_CANDIDATES UTH_ANALYSIS_GENERATION_CANDIDATES

/* ctx->page_data of the Generation page (NULL: the defaults). Temperature is
 * ctx->temperature; 0 is greedy. */
typedef struct
{
  guint   steps;     /* tokens generated so far, 0 to UTH_GENERATION_MAX_STEPS */
  guint   top_k;     /* 0: off */
  double  top_p;     /* >= 1: off */
  guint64 seed;
} UthGenerationView;

void uth_generation_view_init (UthGenerationView *view);

/* The loop's record (UthGenerationRun, uth-analysis-data.h) comes from the page's analysis. */
void uth_draw_generation (cairo_t                *cr,
                          double                  width,
                          double                  height,
                          const UthFigureContext *ctx);

G_END_DECLS
