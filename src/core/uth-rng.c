/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-rng.h"

#include <math.h>

/* splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014): a Weyl sequence through a 64-bit mixing function. Passes BigCrush, needs
 * one word of state, and any seed (0 included) is a good one. */
#define GOLDEN_GAMMA UINT64_C (0x9e3779b97f4a7c15)

void
uth_rng_init (UthRng   *rng,
              uint64_t  seed)
{
  rng->state = seed;
}

uint64_t
uth_rng_next (UthRng *rng)
{
  uint64_t z;

  rng->state += GOLDEN_GAMMA;
  z = rng->state;
  z = (z ^ (z >> 30)) * UINT64_C (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

double
uth_rng_uniform (UthRng *rng)
{
  /* The top 53 bits fill a double's mantissa exactly. */
  return (double) (uth_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
uth_rng_exponential (UthRng *rng,
                     double  mean)
{
  /* Inverse transform; 1 - u lies in (0, 1], so the logarithm is finite. */
  return -mean * log (1.0 - uth_rng_uniform (rng));
}
