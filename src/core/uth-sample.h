/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Choosing the next token from a forward pass's logits: temperature, top-k, top-p. The
 * caller draws the uniform number (uth-rng.h), so a seed gives the same text everywhere. */
#pragma once

#include <stdint.h>

/* temperature 0 is greedy (the lowest id among equal maxima); top_k 0 and top_p 1 keep
 * every token. */
typedef struct
{
  double   temperature;
  uint32_t top_k;
  double   top_p;
} UthSampleParams;

/* The next token from logits, drawing one uniform number u in [0, 1) (ignored when greedy):
 * softmax(logits / temperature), the top_k most likely, then the fewest of those (most
 * likely first) whose renormalised probabilities reach top_p, renormalised again; u picks
 * along their cumulative sum, most likely first (the order of Hugging Face's warpers).
 * Returns n on a bad argument (n 0, temperature negative or not finite, top_p outside
 * (0, 1], u outside [0, 1)) or when out of memory. */
uint32_t          uth_sample_token     (const float           *logits,
                                        uint32_t               n,
                                        const UthSampleParams *params,
                                        double                 u);
/* The k most likely tokens by softmax(logits / temperature) (temperature ≤ 0 counts as
 * 1), most likely first, lower id first among equals; returns how many were written. */
uint32_t          uth_sample_top       (const float *logits,
                                        uint32_t     n,
                                        double       temperature,
                                        uint32_t     k,
                                        uint32_t    *ids,
                                        float       *probabilities);
