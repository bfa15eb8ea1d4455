/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-ngram.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ORDER 3

struct _UthNgram
{
  uint32_t  order;
  uint32_t  vocab;
  size_t    n;
  uint64_t *unigrams;            /* vocab counts */
  uint32_t *grams[MAX_ORDER + 1];/* grams[k]: all k-grams, k ids each, sorted */
  size_t    n_grams[MAX_ORDER + 1];
};

/* qsort has no context argument, so each sort width has its own comparison. */
static int
compare2 (const void *a,
          const void *b)
{
  const uint32_t *x = a, *y = b;

  if (x[0] != y[0])
    return x[0] < y[0] ? -1 : 1;
  return (x[1] > y[1]) - (x[1] < y[1]);
}

static int
compare3 (const void *a,
          const void *b)
{
  const uint32_t *x = a, *y = b;

  if (x[0] != y[0])
    return x[0] < y[0] ? -1 : 1;
  return compare2 (x + 1, y + 1);
}

static int
compare_prefix (const uint32_t *gram,
                const uint32_t *prefix,
                size_t          n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (gram[i] != prefix[i])
      return gram[i] < prefix[i] ? -1 : 1;
  return 0;
}

/* First index in grams of width k whose first n ids are >= prefix (n <= k). */
static size_t
lower_bound (const UthNgram *ngram,
             uint32_t        k,
             const uint32_t *prefix,
             size_t          n)
{
  size_t lo = 0, hi = ngram->n_grams[k];

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (compare_prefix (ngram->grams[k] + mid * k, prefix, n) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static size_t
upper_bound (const UthNgram *ngram,
             uint32_t        k,
             const uint32_t *prefix,
             size_t          n)
{
  size_t lo = 0, hi = ngram->n_grams[k];

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (compare_prefix (ngram->grams[k] + mid * k, prefix, n) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

void
uth_ngram_free (UthNgram *ngram)
{
  uint32_t k;

  if (ngram == NULL)
    return;
  free (ngram->unigrams);
  for (k = 0; k <= MAX_ORDER; k++)
    free (ngram->grams[k]);
  free (ngram);
}

UthNgram *
uth_ngram_new (const uint32_t *ids,
               size_t          n,
               uint32_t        vocab,
               uint32_t        order)
{
  UthNgram *ngram;
  size_t i;
  uint32_t k;

  if (vocab == 0 || order < 1 || order > MAX_ORDER)
    return NULL;
  for (i = 0; i < n; i++)
    if (ids[i] >= vocab)
      return NULL;
  ngram = calloc (1, sizeof *ngram);
  if (ngram == NULL)
    return NULL;
  ngram->order = order;
  ngram->vocab = vocab;
  ngram->n = n;
  ngram->unigrams = calloc (vocab, sizeof (uint64_t));
  if (ngram->unigrams == NULL)
    {
      uth_ngram_free (ngram);
      return NULL;
    }
  for (i = 0; i < n; i++)
    ngram->unigrams[ids[i]]++;
  for (k = 2; k <= order; k++)
    {
      size_t count = n >= k ? n - k + 1 : 0;
      ngram->grams[k] = malloc ((count * k + 1) * sizeof (uint32_t));
      if (ngram->grams[k] == NULL)
        {
          uth_ngram_free (ngram);
          return NULL;
        }
      for (i = 0; i < count; i++)
        memcpy (ngram->grams[k] + i * k, ids + i, k * sizeof (uint32_t));
      ngram->n_grams[k] = count;
      qsort (ngram->grams[k], count, k * sizeof (uint32_t), k == 2 ? compare2 : compare3);
    }
  return ngram;
}

uint32_t
uth_ngram_get_order (const UthNgram *ngram)
{
  return ngram->order;
}

uint32_t
uth_ngram_get_vocab (const UthNgram *ngram)
{
  return ngram->vocab;
}

size_t
uth_ngram_get_n_tokens (const UthNgram *ngram)
{
  return ngram->n;
}

uint64_t
uth_ngram_count (const UthNgram *ngram,
                 const uint32_t *gram,
                 size_t          n)
{
  if (n == 0 || n > ngram->order)
    return 0;
  if (n == 1)
    return gram[0] < ngram->vocab ? ngram->unigrams[gram[0]] : 0;
  return upper_bound (ngram, (uint32_t) n, gram, n) - lower_bound (ngram, (uint32_t) n, gram, n);
}

/* Interpolates one level up: probs holds P(w | shorter history); history has k - 1 ids. */
static bool
interpolate (const UthNgram *ngram,
             uint32_t        k,
             const uint32_t *history,
             double         *probs)
{
  size_t lo = lower_bound (ngram, k, history, k - 1);
  size_t hi = upper_bound (ngram, k, history, k - 1);
  size_t i, distinct = 0;
  double total = (double) (hi - lo), scale;

  if (hi == lo)
    return false;
  for (i = lo; i < hi; i++)
    if (i == lo || ngram->grams[k][i * k + k - 1] != ngram->grams[k][(i - 1) * k + k - 1])
      distinct++;
  scale = (double) distinct / (total + (double) distinct);
  for (i = 0; i < ngram->vocab; i++)
    probs[i] *= scale;
  for (i = lo; i < hi; i++)
    probs[ngram->grams[k][i * k + k - 1]] += 1.0 / (total + (double) distinct);
  return true;
}

uint32_t
uth_ngram_distribution (const UthNgram *ngram,
                        const uint32_t *context,
                        size_t          n_context,
                        double         *probs)
{
  uint32_t i, k, seen = 1;

  for (i = 0; i < ngram->vocab; i++)
    probs[i] = ((double) ngram->unigrams[i] + 1.0) / ((double) ngram->n + ngram->vocab);
  for (k = 2; k <= ngram->order && k - 1 <= n_context; k++)
    {
      const uint32_t *history = context + n_context - (k - 1);
      if (interpolate (ngram, k, history, probs))
        seen = k;
      else
        break;
    }
  return seen;
}
