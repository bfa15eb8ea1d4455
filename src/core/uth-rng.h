/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small, fast, seeded pseudo-random generator (splitmix64) for the simulations.
 * Same seed, same sequence, on every machine. */
#pragma once

#include <stdint.h>

typedef struct
{
  uint64_t state;
} UthRng;

void     uth_rng_init        (UthRng *rng,
                              uint64_t seed);
uint64_t uth_rng_next        (UthRng *rng);
/* Uniform in [0, 1), 53 bits. */
double   uth_rng_uniform     (UthRng *rng);
/* Exponential with the given mean (> 0). */
double   uth_rng_exponential (UthRng *rng,
                              double  mean);
