/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The forward pass's figures for `bench`: the app's default model (or, when it is not
 * installed, random weights of its shape) over a 64-token text and for one generated
 * token, and a reader's 135M-parameter model when $UTH_BENCH_LARGE_MODEL names one. */
#define G_LOG_DOMAIN "uth-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/uth-model-weights.h"
#include "core/uth-forward.h"
#include "core/uth-rng.h"
#include "core/uth-sample.h"
#include "uth-cli-private.h"

/* The shape of the shipped model (data/model/config.json): Llama, 4 layers of width 128,
 * 4 heads of 32, an MLP of 384, 2,048 tokens, tied embeddings, f32. */
#define DEFAULT_HIDDEN 128
#define DEFAULT_LAYERS 4
#define DEFAULT_HEADS  4
#define DEFAULT_FFN    384
#define DEFAULT_VOCAB  2048

struct _UthBenchForward
{
  UthModelWeights   *weights;     /* a model from disk, or NULL */
  UthForwardWeights  synthetic;   /* else random weights of the default shape */
  float             *arena;
  UthForward        *forward;
  UthForwardTrace    trace;
  guint32           *tokens;
  guint32            n_prompt;
  guint32            vocab;
  char              *description;
};

static void
fill_view (UthTensorView *v,
           float        **at,
           guint32        rows,
           guint32        cols)
{
  v->data = *at;
  v->type = UTH_WEIGHT_F32;
  v->rows = rows;
  v->cols = cols;
  *at += (gsize) rows * cols;
}

/* Random f32 weights of the default model's shape (what is timed does not depend on the
 * values, only on the shapes). */
static void
build_synthetic (UthBenchForward *self)
{
  UthForwardWeights *w = &self->synthetic;
  UthForwardConfig *c = &w->config;
  guint32 h = DEFAULT_HIDDEN, f = DEFAULT_FFN;
  gsize per_layer = 2 * (gsize) h + 4 * (gsize) h * h + 3 * (gsize) h * f;
  gsize total = (gsize) DEFAULT_VOCAB * h + h + DEFAULT_LAYERS * per_layer;
  float *at;
  UthRng rng;

  *c = (UthForwardConfig) { .arch = UTH_ARCH_LLAMA, .vocab = DEFAULT_VOCAB, .hidden = h,
                            .layers = DEFAULT_LAYERS, .heads = DEFAULT_HEADS,
                            .kv_heads = DEFAULT_HEADS, .head_dim = h / DEFAULT_HEADS, .ffn = f,
                            .norm_eps = 1e-5f, .rope_theta = 10000.0 };
  self->arena = g_new (float, total);
  uth_rng_init (&rng, 16);
  for (gsize i = 0; i < total; i++)
    self->arena[i] = (float) (uth_rng_uniform (&rng) - 0.5) * 0.2f;
  at = self->arena;
  w->layers = g_new0 (UthForwardLayer, DEFAULT_LAYERS);
  fill_view (&w->token_embedding, &at, DEFAULT_VOCAB, h);
  fill_view (&w->final_norm, &at, 1, h);
  for (guint i = 0; i < DEFAULT_LAYERS; i++)
    {
      UthForwardLayer *L = &w->layers[i];

      fill_view (&L->attn_norm, &at, 1, h);
      fill_view (&L->mlp_norm, &at, 1, h);
      fill_view (&L->q, &at, h, h);
      fill_view (&L->k, &at, h, h);
      fill_view (&L->v, &at, h, h);
      fill_view (&L->o, &at, h, h);
      fill_view (&L->gate, &at, f, h);
      fill_view (&L->up, &at, f, h);
      fill_view (&L->down, &at, h, f);
    }
  g_assert ((gsize) (at - self->arena) == total);
}

void
uth_bench_forward_free (UthBenchForward *self)
{
  if (self == NULL)
    return;
  uth_forward_free (self->forward);
  uth_forward_trace_clear (&self->trace);
  g_clear_pointer (&self->weights, uth_model_weights_free);
  g_free (self->synthetic.layers);
  g_free (self->arena);
  g_free (self->tokens);
  g_free (self->description);
  g_free (self);
}

static UthBenchForward *
bench_new (UthModelWeights *weights,
           guint32          n_prompt,
           gboolean         traced)
{
  UthBenchForward *self = g_new0 (UthBenchForward, 1);
  const UthForwardWeights *w;
  UthRng rng;

  self->weights = weights;
  if (weights == NULL)
    build_synthetic (self);
  w = weights != NULL ? uth_model_weights_get_forward (weights) : &self->synthetic;
  self->vocab = w->config.vocab;
  self->n_prompt = n_prompt;
  self->forward = uth_forward_new (w, n_prompt + 1);
  /* What the pages draw: everything but every position's logits. */
  if (traced)
    self->trace.flags = UTH_TRACE_EMBEDDINGS | UTH_TRACE_POSITIONS | UTH_TRACE_ATTENTION |
                        UTH_TRACE_RESIDUAL_NORMS;
  self->tokens = g_new (guint32, n_prompt + 1);
  uth_rng_init (&rng, 64);
  for (guint32 i = 0; i <= n_prompt; i++)
    self->tokens[i] = (guint32) (uth_rng_uniform (&rng) * self->vocab);
  if (self->forward == NULL)
    {
      uth_bench_forward_free (self);
      return NULL;
    }
  return self;
}

UthBenchForward *
uth_bench_forward_new_default (guint32 n_prompt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = uth_cli_find_default_model (NULL);
  UthModelWeights *weights = folder != NULL ? uth_model_weights_open (folder, &error) : NULL;
  UthBenchForward *self;

  if (folder != NULL && weights == NULL)
    g_printerr ("%s\n", error->message);
  self = bench_new (weights, n_prompt, TRUE);
  if (self != NULL)
    self->description = weights != NULL ? g_strdup (_("the default model"))
                                        : g_strdup (_("random weights of the default model's shape"));
  return self;
}

UthBenchForward *
uth_bench_forward_new_large (guint32   n_prompt,
                             char    **skip_reason)
{
  const char *dir = g_getenv ("UTH_BENCH_LARGE_MODEL");
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;
  UthModelWeights *weights;
  UthBenchForward *self;

  if (dir == NULL || dir[0] == '\0')
    {
      *skip_reason = g_strdup (_("no 135M-parameter model to time: set UTH_BENCH_LARGE_MODEL "
                                 "to its folder (SmolLM2-135M, bf16)"));
      return NULL;
    }
  folder = g_file_new_for_path (dir);
  weights = uth_model_weights_open (folder, &error);
  if (weights == NULL)
    {
      *skip_reason = g_strdup (error->message);
      return NULL;
    }
  self = bench_new (weights, n_prompt, FALSE);
  if (self == NULL)
    *skip_reason = g_strdup (_("out of memory"));
  else
    self->description = g_path_get_basename (dir);
  return self;
}

const char *
uth_bench_forward_describe (UthBenchForward *self)
{
  return self->description;
}

guint64
uth_bench_forward_weight_bytes (UthBenchForward *self)
{
  return self->weights != NULL ? uth_model_weights_get_bytes (self->weights) : 0;
}

/* The whole prompt from an empty cache, traced as the pages trace it. */
void
uth_bench_forward_prefill (gpointer data)
{
  UthBenchForward *self = data;

  uth_forward_reset (self->forward);
  uth_forward_eval (self->forward, self->tokens, self->n_prompt,
                    self->trace.flags != 0 ? &self->trace : NULL);
}

/* One generated token after the prompt: sample from the prompt's logits, run the token. */
void
uth_bench_forward_token (gpointer data)
{
  UthBenchForward *self = data;
  UthSampleParams params = { 0.8, 40, 0.95 };

  if (uth_forward_n_past (self->forward) < self->n_prompt)
    {
      uth_forward_reset (self->forward);
      uth_forward_eval (self->forward, self->tokens, self->n_prompt, NULL);
    }
  /* The previous call's token leaves the cache: every call decodes at the same position. */
  uth_forward_truncate (self->forward, self->n_prompt);
  self->tokens[self->n_prompt] = uth_sample_token (uth_forward_logits (self->forward),
                                                   self->vocab, &params, 0.5) % self->vocab;
  uth_forward_eval (self->forward, &self->tokens[self->n_prompt], 1, NULL);
}
