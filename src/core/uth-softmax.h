/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Softmax and sampling: from a model's logits to the next token.
 *
 *   p_i = exp (z_i / T) / sum_j exp (z_j / T)
 *
 * computed stably by subtracting the largest z / T first (the result is the same, since
 * the factor exp (-max) cancels, and exp never sees a positive argument). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uth-rng.h"

/* Stable softmax at temperature T into out (may alias logits). T <= 0 is the greedy
 * limit: all probability on the largest logit (the first one on a tie). Returns false
 * for n == 0 or a NaN logit. */
bool     uth_softmax       (const double *logits,
                            size_t        n,
                            double        temperature,
                            double       *out);

/* The textbook form without the subtraction, to show why it is not used: with logits
 * near 1000, exp overflows to infinity and the result is NaN. Returns false when any
 * output is not finite. */
bool     uth_softmax_naive (const double *logits,
                            size_t        n,
                            double        temperature,
                            double       *out);

/* Keeps the k most probable entries (ties broken by lower index), zeroes the rest and
 * renormalises. k == 0 or k >= n keeps all. Returns how many are kept. */
size_t   uth_top_k         (double *probs,
                            size_t  n,
                            size_t  k);

/* Keeps the smallest set of most probable entries whose total reaches p (nucleus
 * sampling), zeroes the rest and renormalises. p >= 1 keeps all; the most probable entry
 * is always kept. Returns how many are kept. */
size_t   uth_top_p         (double *probs,
                            size_t  n,
                            double  p);

typedef struct
{
  double   temperature;   /* <= 0: greedy */
  size_t   top_k;         /* 0: off */
  double   top_p;         /* >= 1: off */
} UthSampler;

/* Applies temperature, then top-k, then top-p to logits, giving the distribution sampled
 * from (the order Hugging Face's generate uses). */
bool     uth_sampler_distribution (const UthSampler *sampler,
                                   const double     *logits,
                                   size_t            n,
                                   double           *probs);

/* Draws an index from probs (which need not sum exactly to 1) with one uniform number
 * from rng: the first index whose running total exceeds it. */
size_t   uth_sample        (const double *probs,
                            size_t        n,
                            UthRng       *rng);

/* Index of the largest entry (first on a tie); 0 for n == 0. */
size_t   uth_argmax        (const double *values,
                            size_t        n);
