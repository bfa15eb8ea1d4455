/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-toy-transformer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uth-encoding.h"
#include "uth-rng.h"
#include "uth-softmax.h"

void
uth_toy_config_init (UthToyConfig *config)
{
  config->d_model = 32;
  config->heads = 4;
  config->seed = 2024;
  config->rope_theta = 10000.0;
}

/* An approximately standard normal number: the sum of four uniforms has variance 1/3,
 * so it is centred and scaled by sqrt (3). Plenty for illustrative weights. */
static double
normal (UthRng *rng)
{
  double s = 0.0;
  int i;

  for (i = 0; i < 4; i++)
    s += uth_rng_uniform (rng);
  return (s - 2.0) * sqrt (3.0);
}

static void
fill_weights (double   *w,
              uint32_t  d,
              uint64_t  seed,
              uint64_t  stream)
{
  UthRng rng;
  uint32_t i;

  uth_rng_init (&rng, seed ^ (stream * 0x9e3779b97f4a7c15ULL));
  /* Entries of variance 1/d keep X W at the scale of X. */
  for (i = 0; i < d * d; i++)
    w[i] = normal (&rng) / sqrt ((double) d);
}

void
uth_toy_attention_clear (UthToyAttention *att)
{
  free (att->x);
  free (att->q);
  free (att->k);
  free (att->v);
  free (att->scores);
  free (att->weights);
  free (att->out);
  memset (att, 0, sizeof *att);
}

static bool
allocate (UthToyAttention *att,
          size_t           n,
          uint32_t         d,
          uint32_t         heads)
{
  att->x = calloc (n * d + 1, sizeof (double));
  att->q = calloc (n * d + 1, sizeof (double));
  att->k = calloc (n * d + 1, sizeof (double));
  att->v = calloc (n * d + 1, sizeof (double));
  att->out = calloc (n * d + 1, sizeof (double));
  att->scores = calloc (heads * n * n + 1, sizeof (double));
  att->weights = calloc (heads * n * n + 1, sizeof (double));
  return att->x && att->q && att->k && att->v && att->out && att->scores && att->weights;
}

/* Y = X W into the per-head layout heads x n x hd. */
static void
project (const double *x,
         const double *w,
         size_t        n,
         uint32_t      d,
         uint32_t      hd,
         double       *y)
{
  size_t t;
  uint32_t c, r;

  for (t = 0; t < n; t++)
    for (c = 0; c < d; c++)
      {
        double sum = 0.0;
        for (r = 0; r < d; r++)
          sum += x[t * d + r] * w[r * d + c];
        y[((c / hd) * n + t) * hd + c % hd] = sum;
      }
}

static void
attend (UthToyAttention *att,
        uint32_t         h)
{
  size_t n = att->n, i, j;
  uint32_t hd = att->head_dim, c;
  double row[UTH_TOY_MAX_TOKENS];

  for (i = 0; i < n; i++)
    {
      for (j = 0; j < n; j++)
        att->scores[(h * n + i) * n + j] =
          uth_dot (uth_toy_attention_q (att, h, i), uth_toy_attention_k (att, h, j), hd) /
          sqrt ((double) hd);
      /* Causal mask: position i sees positions 0..i only. */
      uth_softmax (&att->scores[(h * n + i) * n], i + 1, 1.0, row);
      for (j = 0; j < n; j++)
        att->weights[(h * n + i) * n + j] = j <= i ? row[j] : 0.0;
      for (c = 0; c < hd; c++)
        {
          double sum = 0.0;
          for (j = 0; j <= i; j++)
            sum += row[j] * uth_toy_attention_v (att, h, j)[c];
          att->out[(h * n + i) * hd + c] = sum;
        }
    }
}

void
uth_toy_embedding (const UthToyConfig *config,
                   uint32_t            id,
                   double             *row)
{
  UthRng rng;
  uint32_t c;

  /* The same id always gets the same row, as a lookup in a table would. */
  uth_rng_init (&rng, config->seed ^ ((uint64_t) id * 0xd1b54a32d192ed03ULL));
  for (c = 0; c < config->d_model; c++)
    row[c] = normal (&rng);
}

bool
uth_toy_attention_run (const UthToyConfig *config,
                       const uint32_t     *ids,
                       size_t              n,
                       UthToyAttention    *out)
{
  uint32_t d = config->d_model, hd, h;
  double *w = NULL;
  size_t t;
  bool ok;

  memset (out, 0, sizeof *out);
  if (config->heads == 0 || d == 0 || d > UTH_TOY_MAX_WIDTH || d % config->heads != 0)
    return false;
  hd = d / config->heads;
  if (n > UTH_TOY_MAX_TOKENS)
    n = UTH_TOY_MAX_TOKENS;
  out->config = *config;
  out->n = n;
  out->head_dim = hd;
  w = malloc (3 * (size_t) d * d * sizeof (double));
  ok = w != NULL && allocate (out, n, d, config->heads);
  if (!ok)
    {
      free (w);
      uth_toy_attention_clear (out);
      return false;
    }
  for (t = 0; t < n; t++)
    uth_toy_embedding (config, ids[t], &out->x[t * d]);
  fill_weights (w, d, config->seed, 1);
  fill_weights (w + d * d, d, config->seed, 2);
  fill_weights (w + 2 * d * d, d, config->seed, 3);
  project (out->x, w, n, d, hd, out->q);
  project (out->x, w + d * d, n, d, hd, out->k);
  project (out->x, w + 2 * d * d, n, d, hd, out->v);
  free (w);
  if (config->rope_theta > 0.0)
    for (h = 0; h < config->heads; h++)
      for (t = 0; t < n; t++)
        {
          uth_rope_rotate (&out->q[(h * n + t) * hd], &out->q[(h * n + t) * hd], hd,
                           (double) t, config->rope_theta);
          uth_rope_rotate (&out->k[(h * n + t) * hd], &out->k[(h * n + t) * hd], hd,
                           (double) t, config->rope_theta);
        }
  for (h = 0; h < config->heads; h++)
    attend (out, h);
  return true;
}

double
uth_toy_attention_score (const UthToyAttention *att,
                         uint32_t               head,
                         size_t                 i,
                         size_t                 j)
{
  return att->scores[(head * att->n + i) * att->n + j];
}

double
uth_toy_attention_weight (const UthToyAttention *att,
                          uint32_t               head,
                          size_t                 i,
                          size_t                 j)
{
  return att->weights[(head * att->n + i) * att->n + j];
}

const double *
uth_toy_attention_q (const UthToyAttention *att, uint32_t head, size_t i)
{
  return &att->q[(head * att->n + i) * att->head_dim];
}

const double *
uth_toy_attention_k (const UthToyAttention *att, uint32_t head, size_t i)
{
  return &att->k[(head * att->n + i) * att->head_dim];
}

const double *
uth_toy_attention_v (const UthToyAttention *att, uint32_t head, size_t i)
{
  return &att->v[(head * att->n + i) * att->head_dim];
}

const double *
uth_toy_attention_out (const UthToyAttention *att, uint32_t head, size_t i)
{
  return &att->out[(head * att->n + i) * att->head_dim];
}
