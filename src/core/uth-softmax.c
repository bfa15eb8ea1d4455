/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-softmax.h"

#include <math.h>
#include <stdlib.h>

typedef struct
{
  double p;
  size_t i;
} Ranked;

static int
ranked_compare (const void *a,
                const void *b)
{
  const Ranked *x = a, *y = b;

  if (x->p != y->p)
    return x->p > y->p ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

size_t
uth_argmax (const double *values,
            size_t        n)
{
  size_t i, best = 0;

  for (i = 1; i < n; i++)
    if (values[i] > values[best])
      best = i;
  return best;
}

bool
uth_softmax (const double *logits,
             size_t        n,
             double        temperature,
             double       *out)
{
  double max, sum = 0.0;
  size_t i;

  if (n == 0)
    return false;
  for (i = 0; i < n; i++)
    if (isnan (logits[i]))
      return false;
  if (temperature <= 0.0)
    {
      size_t best = uth_argmax (logits, n);
      for (i = 0; i < n; i++)
        out[i] = i == best ? 1.0 : 0.0;
      return true;
    }
  max = logits[uth_argmax (logits, n)] / temperature;
  if (isinf (max))
    {
      /* Infinite logits: the probability is shared by the infinite ones. */
      size_t count = 0;
      for (i = 0; i < n; i++)
        count += logits[i] / temperature == max;
      for (i = 0; i < n; i++)
        out[i] = logits[i] / temperature == max ? 1.0 / (double) count : 0.0;
      return true;
    }
  for (i = 0; i < n; i++)
    {
      out[i] = exp (logits[i] / temperature - max);
      sum += out[i];
    }
  /* sum >= 1: the largest term is exp (0). */
  for (i = 0; i < n; i++)
    out[i] /= sum;
  return true;
}

bool
uth_softmax_naive (const double *logits,
                   size_t        n,
                   double        temperature,
                   double       *out)
{
  double sum = 0.0;
  size_t i;
  bool finite = true;

  if (n == 0 || temperature <= 0.0)
    return false;
  for (i = 0; i < n; i++)
    {
      out[i] = exp (logits[i] / temperature);
      sum += out[i];
    }
  for (i = 0; i < n; i++)
    {
      out[i] /= sum;
      finite = finite && isfinite (out[i]);
    }
  return finite;
}

static void
normalise (double *probs,
           size_t  n)
{
  double sum = 0.0;
  size_t i;

  for (i = 0; i < n; i++)
    sum += probs[i];
  if (sum > 0.0)
    for (i = 0; i < n; i++)
      probs[i] /= sum;
}

/* The entries in decreasing order of probability; NULL when memory runs out. */
static Ranked *
rank (const double *probs,
      size_t        n)
{
  Ranked *r = malloc ((n + 1) * sizeof (Ranked));
  size_t i;

  if (r == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    {
      r[i].p = probs[i];
      r[i].i = i;
    }
  qsort (r, n, sizeof (Ranked), ranked_compare);
  return r;
}

static size_t
keep_first (double       *probs,
            const Ranked *r,
            size_t        n,
            size_t        keep)
{
  size_t i;

  for (i = keep; i < n; i++)
    probs[r[i].i] = 0.0;
  normalise (probs, n);
  return keep;
}

size_t
uth_top_k (double *probs,
           size_t  n,
           size_t  k)
{
  Ranked *r;
  size_t kept;

  if (k == 0 || k >= n)
    return n;
  r = rank (probs, n);
  if (r == NULL)
    return n;
  kept = keep_first (probs, r, n, k);
  free (r);
  return kept;
}

size_t
uth_top_p (double *probs,
           size_t  n,
           double  p)
{
  Ranked *r;
  double total = 0.0, sum = 0.0;
  size_t i, keep;

  if (n == 0 || p >= 1.0)
    return n;
  r = rank (probs, n);
  if (r == NULL)
    return n;
  for (i = 0; i < n; i++)
    total += probs[i];
  for (keep = 0; keep < n; keep++)
    {
      if (r[keep].p <= 0.0 && keep > 0)
        break;
      sum += r[keep].p;
      if (sum >= p * total)
        {
          keep++;
          break;
        }
    }
  if (keep > n)
    keep = n;
  keep = keep_first (probs, r, n, keep);
  free (r);
  return keep;
}

bool
uth_sampler_distribution (const UthSampler *sampler,
                          const double     *logits,
                          size_t            n,
                          double           *probs)
{
  if (!uth_softmax (logits, n, sampler->temperature, probs))
    return false;
  uth_top_k (probs, n, sampler->top_k);
  uth_top_p (probs, n, sampler->top_p);
  return true;
}

size_t
uth_sample (const double *probs,
            size_t        n,
            UthRng       *rng)
{
  double total = 0.0, u, acc = 0.0;
  size_t i, last = 0;

  if (n == 0)
    return 0;
  for (i = 0; i < n; i++)
    if (probs[i] > 0.0)
      {
        total += probs[i];
        last = i;
      }
  u = uth_rng_uniform (rng) * total;
  for (i = 0; i < n; i++)
    {
      if (probs[i] <= 0.0)
        continue;
      acc += probs[i];
      if (u < acc)
        return i;
    }
  return last;
}
