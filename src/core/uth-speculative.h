/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Speculative decoding (Leviathan, Kalman and Matias, "Fast Inference from Transformers via
 * Speculative Decoding", ICML 2023, arXiv:2211.17192): a small draft model proposes gamma
 * tokens, the target checks them all in one pass of gamma + 1 tokens. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uth-estimate.h"
#include "uth-rng.h"

#define UTH_SPECULATIVE_MAX_GAMMA 32

typedef enum
{
  UTH_SPECULATIVE_OK = 0,
  UTH_SPECULATIVE_BAD_INPUT,        /* alpha outside [0, 1], gamma 0 or too large, c < 0 */
  UTH_SPECULATIVE_ESTIMATE_FAILED,  /* the estimator refused the target or the draft */
} UthSpeculativeError;

/* Paper, eq. (1): expected tokens per target pass, (1 - alpha^(gamma+1)) / (1 - alpha);
 * gamma + 1 at alpha = 1. */
double   uth_speculative_expected_tokens (double   alpha,
                                          uint32_t gamma);
/* Paper, theorem 3.8: walltime speedup (1 - alpha^(gamma+1)) / ((1 - alpha)(gamma c + 1)),
 * which assumes the verify pass costs one ordinary target step. */
double   uth_speculative_speedup         (double   alpha,
                                          uint32_t gamma,
                                          double   c);
/* The gamma in 1..max_gamma with the largest paper speedup. */
uint32_t uth_speculative_best_gamma      (double   alpha,
                                          double   c,
                                          uint32_t max_gamma);

/* The same with every pass timed by the estimator for the scenario (batch, context). */
typedef struct
{
  double   target_step_s;    /* target decode step, 1 new token per sequence */
  double   verify_step_s;    /* target pass over gamma + 1 tokens per sequence */
  double   draft_step_s;     /* draft decode step, 1 token per sequence */
  double   c;                /* draft_step_s / target_step_s */
  double   verify_ratio;     /* verify_step_s / target_step_s: ~1 while memory-bound */
  double   expected_tokens;
  double   speedup_paper;    /* with this c and a verify pass as cheap as one step */
  double   speedup_timed;    /* E x target_step / (gamma x draft_step + verify_step) */
  bool     verify_compute_bound;
} UthSpeculativeTiming;

/* target is the scenario (its model is the target); draft is the draft model, run on the
 * same GPU, engine, data types, batch and context. */
UthSpeculativeError uth_speculative_time      (const UthEstimateInput *target,
                                               const UthModel         *draft,
                                               double                  alpha,
                                               uint32_t                gamma,
                                               UthSpeculativeTiming   *out);
/* The gamma in 1..max_gamma with the largest timed speedup. */
UthSpeculativeError uth_speculative_best_gamma_timed (const UthEstimateInput *target,
                                                      const UthModel         *draft,
                                                      double                  alpha,
                                                      uint32_t                max_gamma,
                                                      uint32_t               *best,
                                                      UthSpeculativeTiming   *timing);
/* Timed speedup at each batch size; *stops_paying is the first batch (of those given) where
 * the speedup falls below 1, or 0 when it never does. */
UthSpeculativeError uth_speculative_batch_sweep (const UthEstimateInput *target,
                                                 const UthModel         *draft,
                                                 double                  alpha,
                                                 uint32_t                gamma,
                                                 const uint64_t         *batches,
                                                 size_t                  n,
                                                 double                 *speedups,
                                                 uint64_t               *stops_paying);

/* One pass of the draft-then-verify loop with independent acceptance at rate alpha:
 * how many of the gamma drafted tokens the target accepts (0..gamma). The pass yields
 * accepted + 1 tokens: a corrected token at the first rejection, a bonus token when all
 * gamma are accepted. */
uint32_t uth_speculative_draw_pass (UthRng  *rng,
                                    double   alpha,
                                    uint32_t gamma);

typedef struct
{
  uint64_t passes;
  uint64_t tokens;           /* accepted + corrected + bonus */
  uint64_t drafted;
  uint64_t accepted;
  uint64_t bonus;            /* passes where all gamma were accepted */
  double   tokens_per_pass;
  double   speedup;          /* tokens_per_pass / (gamma c + 1) */
} UthSpeculativeMonteCarlo;

UthSpeculativeError uth_speculative_monte_carlo (double                    alpha,
                                                 uint32_t                  gamma,
                                                 double                    c,
                                                 uint64_t                  passes,
                                                 uint64_t                  seed,
                                                 UthSpeculativeMonteCarlo *out);
