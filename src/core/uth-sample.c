/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-sample.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct
{
  double   p;
  uint32_t id;
} Candidate;

/* Most likely first, lower id first among equals. */
static int
candidate_compare (const void *a,
                   const void *b)
{
  const Candidate *x = a, *y = b;

  if (x->p != y->p)
    return x->p > y->p ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id ? 1 : 0;
}

/* Sifts c[i] down a heap of n whose root is the least likely (by candidate_compare, the
 * largest). */
static void
sift_down (Candidate *c,
           uint32_t   n,
           uint32_t   i)
{
  for (;;)
    {
      uint32_t l = 2 * i + 1, r = l + 1, worst = i;
      Candidate tmp;

      if (l < n && candidate_compare (&c[l], &c[worst]) > 0)
        worst = l;
      if (r < n && candidate_compare (&c[r], &c[worst]) > 0)
        worst = r;
      if (worst == i)
        return;
      tmp = c[i];
      c[i] = c[worst];
      c[worst] = tmp;
      i = worst;
    }
}

/* Moves the m most likely of n candidates to the front, sorted: a heap of m, O(n log m),
 * where sorting every token of a 150,000-token vocabulary would cost milliseconds. */
static void
select_top (Candidate *c,
            uint32_t   n,
            uint32_t   m)
{
  for (uint32_t i = m / 2; i-- > 0;)
    sift_down (c, m, i);
  for (uint32_t i = m; i < n; i++)
    if (candidate_compare (&c[i], &c[0]) < 0)
      {
        c[0] = c[i];
        sift_down (c, m, 0);
      }
  qsort (c, m, sizeof *c, candidate_compare);
}

static uint32_t
argmax (const float *logits,
        uint32_t     n)
{
  uint32_t best = 0;

  for (uint32_t i = 1; i < n; i++)
    if (logits[i] > logits[best])
      best = i;
  return best;
}

uint32_t
uth_sample_token (const float           *logits,
                  uint32_t               n,
                  const UthSampleParams *params,
                  double                 u)
{
  Candidate *c;
  double max, total = 0.0, kept = 0.0, target;
  uint32_t m, chosen;

  if (n == 0 || params == NULL || !(params->temperature >= 0.0) || isinf (params->temperature) ||
      !(params->top_p > 0.0 && params->top_p <= 1.0) || !(u >= 0.0 && u < 1.0))
    return n;
  if (params->temperature == 0.0)
    return argmax (logits, n);

  c = malloc ((size_t) n * sizeof *c);
  if (c == NULL)
    return n;
  max = logits[argmax (logits, n)];
  for (uint32_t i = 0; i < n; i++)
    {
      c[i].p = exp ((logits[i] - max) / params->temperature);
      c[i].id = i;
    }
  m = params->top_k > 0 && params->top_k < n ? params->top_k : n;
  if (m < n)
    select_top (c, n, m);
  else if (params->top_p < 1.0)
    qsort (c, n, sizeof *c, candidate_compare);
  for (uint32_t i = 0; i < m; i++)
    total += c[i].p;
  if (params->top_p < 1.0)
    {
      uint32_t keep = 0;

      while (keep < m && kept < params->top_p * total)
        kept += c[keep++].p;
      m = keep > 0 ? keep : 1;
      total = kept > 0.0 ? kept : c[0].p;
    }
  target = u * total;
  chosen = c[m - 1].id;
  for (uint32_t i = 0; i < m; i++)
    {
      target -= c[i].p;
      if (target < 0.0)
        {
          chosen = c[i].id;
          break;
        }
    }
  free (c);
  return chosen;
}

uint32_t
uth_sample_top (const float *logits,
                uint32_t     n,
                double       temperature,
                uint32_t     k,
                uint32_t    *ids,
                float       *probabilities)
{
  double t = temperature > 0.0 && isfinite (temperature) ? temperature : 1.0;
  double max, sum = 0.0;
  uint32_t have = 0;

  if (n == 0 || k == 0)
    return 0;
  max = logits[argmax (logits, n)];
  for (uint32_t i = 0; i < n; i++)
    {
      uint32_t at;

      sum += exp ((logits[i] - max) / t);
      /* Insertion into the k best so far: a later id never passes an equal earlier one. */
      if (have == k && !(logits[i] > logits[ids[k - 1]]))
        continue;
      at = have < k ? have++ : k - 1;
      while (at > 0 && logits[i] > logits[ids[at - 1]])
        {
          ids[at] = ids[at - 1];
          at--;
        }
      ids[at] = i;
    }
  for (uint32_t i = 0; i < have; i++)
    probabilities[i] = (float) (exp ((logits[ids[i]] - max) / t) / sum);
  return have;
}
