/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Generation page: the loop. Prefill reads the prompt in one pass, then each decode
 * step draws one token from the next-token distribution with the sampling rule, and the
 * KV cache grows by a column; each step's time comes from the estimator. */
#pragma once

#include "core/uth-estimate.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

#define UTH_GENERATION_MAX_STEPS 64
#define UTH_GENERATION_CANDIDATES 8

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

/* The loop's record, computed by uth_generation_run. */
typedef struct
{
  GArray  *prompt;           /* guint32 ids of the reader's text */
  GArray  *generated;        /* guint32 ids drawn, one per step */
  /* The last step's candidates, most probable first, after the sampling rule; the drawn
   * token takes the last place when it was not among them. */
  guint32  candidates[UTH_GENERATION_CANDIDATES];
  double   candidate_probs[UTH_GENERATION_CANDIDATES];
  guint    n_candidates;
  guint    kept;             /* tokens with a chance after the rule, last step */
  guint    history;          /* n-gram order the last step could use (1 to 3) */
  /* Estimator times on the scenario (0 when it has no model or GPU). */
  double   prefill_seconds;
  UthBound prefill_bound;
  double   step_seconds[UTH_GENERATION_MAX_STEPS];
  UthBound decode_bound;
  double   kv_bytes_per_token;
} UthGenerationRun;

/* Runs the loop for view->steps tokens after the reader's text. FALSE when the bundled
 * language model is missing. */
gboolean uth_generation_run   (const UthFigureContext  *ctx,
                               const UthGenerationView *view,
                               UthGenerationRun        *run);
void     uth_generation_clear (UthGenerationRun        *run);

void uth_draw_generation (cairo_t                *cr,
                          double                  width,
                          double                  height,
                          const UthFigureContext *ctx);

G_END_DECLS
