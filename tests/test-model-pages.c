/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The How LLMs work pages run the app's own model (issue 16 item 4): the model compiled
 * into the program loads, and each page's analysis holds the numbers the core's forward
 * pass gives for the same text, computed here directly with uth_forward: attention
 * weights and scores of every layer and head, embeddings, RoPE angles, the next-token
 * logits, the sampled tokens and their candidates. */
#include "config.h"

#include <math.h>
#include <glib/gstdio.h>
#include <string.h>

#include "analysis/uth-analysis.h"
#include "catalog/uth-runnable-model.h"
#include "core/uth-forward.h"
#include "core/uth-sample.h"
#include "render/uth-draw-attention.h"
#include "render/uth-draw-generation.h"
#include "render/uth-draw-softmax.h"

#define TEXT "In the beginning God created the heaven and the earth."

static UthRunnableModel *
model (void)
{
  UthRunnableModel *m = uth_runnable_model_get_default ();

  g_assert_nonnull (m);
  return m;
}

static const UthForwardWeights *
weights (void)
{
  return uth_model_weights_get_forward (uth_runnable_model_get_weights (model ()));
}

/* The model's tokens for text as the pages feed them: its first token, then the text. */
static GArray *
model_ids (const char *text)
{
  GArray *ids = uth_tokenizer_encode (uth_runnable_model_get_tokenizer (model ()), text, -1);
  guint32 bos = uth_runnable_model_get_bos (model ());

  g_array_prepend_val (ids, bos);
  return ids;
}

static UthAnalysis *
analyse (const char *page_id,
         const char *text,
         double      temperature,
         gpointer    page_data)
{
  g_autoptr(UthAnalysisSources) sources = uth_analysis_sources_new_app (NULL);
  UthFigureContext ctx;
  UthAnalysis *a;

  uth_figure_context_init (&ctx);
  ctx.text = text;
  ctx.temperature = temperature;
  ctx.page_data = page_data;
  a = uth_analysis_compute (sources, page_id, &ctx, NULL, NULL);
  g_assert_nonnull (a);
  return a;
}

/* The shipped model, from the program's own resources: the numbers of its record
 * (data/model/training.json: 1,115,264 parameters, 4 layers of width 128, 4 heads of 32,
 * <|endoftext|> 2047 first) and the heads its training found. */
static void
test_default_model (void)
{
  UthRunnableModel *m = model ();
  UthModelWeights *w = uth_runnable_model_get_weights (m);
  const UthForwardConfig *c = &weights ()->config;
  const UthNamedHead *heads;
  guint n_heads;
  gboolean found = FALSE;

  g_assert_true (uth_runnable_model_get_default () == m);   /* loaded once */
  g_assert_true (uth_runnable_model_is_default (m));
  g_assert_cmpstr (uth_runnable_model_get_name (m), ==, "uth-kjv-1m");
  g_assert_cmpuint (uth_model_weights_get_params (w), ==, 1115264);
  /* model.safetensors whole, in the program's mapping. */
  g_assert_cmpuint (uth_model_weights_get_bytes (w), ==, 4465112);
  g_assert_cmpuint (c->layers, ==, 4);
  g_assert_cmpuint (c->hidden, ==, 128);
  g_assert_cmpuint (c->heads, ==, 4);
  g_assert_cmpuint (c->head_dim, ==, 32);
  g_assert_cmpfloat (c->rope_theta, ==, 10000.0);
  g_assert_cmpuint (uth_runnable_model_get_bos (m), ==, 2047);
  g_assert_cmpuint (uth_runnable_model_get_context (m, 1000), ==, 64);
  heads = uth_runnable_model_get_heads (m, &n_heads);
  for (guint i = 0; i < n_heads; i++)
    found = found || (heads[i].layer == 3 && heads[i].head == 1 &&
                      heads[i].pattern == UTH_HEAD_PREVIOUS_TOKEN);
  g_assert_true (found);
}

/* A folder without tokenizer.json is refused, naming the file. */
static void
test_missing_tokenizer (void)
{
  g_autofree char *dir = g_dir_make_tmp ("uth-model-XXXXXX", NULL);
  const char *names[] = { "config.json", "model.safetensors" };
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthRunnableModel) m = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *src = g_build_filename (UTH_RUNNABLE_MODEL_RESOURCE, names[i], NULL);
      g_autoptr(GFile) from = g_file_new_for_uri (src);
      g_autoptr(GFile) to = g_file_get_child (folder, names[i]);

      g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL));
    }
  m = uth_runnable_model_open (folder, &error);
  g_assert_null (m);
  g_assert_nonnull (strstr (error->message, "tokenizer.json"));
  {
    /* The copied folder runs once the tokenizer is beside it. */
    g_autoptr(GFile) from = g_file_new_for_uri (UTH_RUNNABLE_MODEL_RESOURCE "/tokenizer.json");
    g_autoptr(GFile) to = g_file_get_child (folder, "tokenizer.json");

    g_clear_error (&error);
    g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL));
    m = uth_runnable_model_open (folder, &error);
    g_assert_no_error (error);
    g_assert_false (uth_runnable_model_is_default (m));
    g_assert_cmpuint (uth_runnable_model_get_bos (m), ==, 2047);
    g_file_delete (to, NULL, NULL);
  }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GFile) f = g_file_get_child (folder, names[i]);
      g_file_delete (f, NULL, NULL);
    }
  g_rmdir (dir);
}

/* Attention: every layer's and head's weights and scores are the core's for the same
 * tokens (the first UTH_ATTENTION_MAX_TOKENS). */
static void
test_attention_matches_core (void)
{
  g_autoptr(UthAnalysis) a = analyse ("attention", TEXT, 1.0, NULL);
  g_autoptr(GArray) ids = model_ids (TEXT);
  const UthForwardConfig *c = &weights ()->config;
  const UthForwardData *f = a->forward;
  UthForwardTrace trace = { UTH_TRACE_ATTENTION | UTH_TRACE_SCORES, 0 };
  UthForward *forward;
  guint n = MIN (ids->len, UTH_ATTENTION_MAX_TOKENS);

  g_assert_nonnull (f);
  g_assert_cmpuint (f->n, ==, n);
  g_assert_cmpuint (f->n_layers, ==, 4);
  g_assert_cmpuint (f->n_heads, ==, 4);
  g_assert_cmpuint (g_array_index (a->text->ids, guint32, 0), ==, 2047);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (f->ids[i], ==, g_array_index (ids, guint32, i));
  forward = uth_forward_new (weights (), n);
  g_assert_cmpint (uth_forward_eval (forward, (const guint32 *) ids->data, n, &trace), ==, UTH_FORWARD_OK);
  for (guint l = 0; l < c->layers; l++)
    for (guint h = 0; h < c->heads; h++)
      for (guint i = 0; i < n; i++)
        {
          double sum = 0;

          for (guint j = 0; j < n; j++)
            {
              gsize at = (((gsize) l * c->heads + h) * n + i) * n + j;

              g_assert_cmpfloat (f->weights[at], ==, trace.attention[at]);
              if (j <= i)
                g_assert_cmpfloat (f->scores[at], ==, trace.scores[at]);
              sum += f->weights[at];
            }
          /* Each row a distribution over the tokens up to i. */
          g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
        }
  /* The first row sees only the first token. */
  g_assert_cmpfloat_with_epsilon (f->weights[0], 1.0, 1e-6);
  /* The head training.json names is marked (layer 3, head 1: previous token). */
  g_assert_nonnull (f->head_patterns);
  g_assert_cmpuint (f->head_patterns[3 * c->heads + 1], ==, 1 + UTH_HEAD_PREVIOUS_TOKEN);
  g_assert_nonnull (strstr (a->model_note, "uth-kjv-1m"));
  g_assert_nonnull (strstr (a->model_note, "1.1 M"));
  uth_forward_trace_clear (&trace);
  uth_forward_free (forward);
}

/* Softmax: the logits after the text are the core's. */
static void
test_softmax_matches_core (void)
{
  UthSoftmaxView view = { 0, 1.0 };
  g_autoptr(UthAnalysis) a = analyse ("softmax", TEXT, 0.7, &view);
  g_autoptr(GArray) ids = model_ids (TEXT);
  const UthSoftmaxData *d = a->softmax;
  UthForward *forward = uth_forward_new (weights (), ids->len);
  const float *logits;
  guint best = 0;
  double sum = 0;

  g_assert_nonnull (d);
  g_assert_cmpuint (d->vocab, ==, 2048);
  g_assert_cmpint (uth_forward_eval (forward, (const guint32 *) ids->data, ids->len, NULL), ==, UTH_FORWARD_OK);
  logits = uth_forward_logits (forward);
  for (guint i = 0; i < d->vocab; i++)
    {
      g_assert_cmpfloat (d->logits[i], ==, logits[i]);
      if (logits[i] > logits[best])
        best = i;
      sum += d->probs[i];
    }
  g_assert_cmpuint (d->order[0], ==, best);
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-9);
  uth_forward_free (forward);
}

/* Generation, greedy: the tokens the page draws are the core's greedy choices one at a time,
 * and the last step's candidates are uth_sample_top's. */
static void
test_generation_matches_core (void)
{
  UthGenerationView view;
  g_autoptr(UthAnalysis) a = NULL;
  g_autoptr(GArray) ids = model_ids (TEXT);
  const UthGenerationRun *run;
  UthSampleParams greedy = { 0.0, 0, 1.0 };
  UthForward *forward;
  guint32 top_ids[UTH_GENERATION_CANDIDATES];
  float top_p[UTH_GENERATION_CANDIDATES];
  guint n_top = 0;

  uth_generation_view_init (&view);
  view.steps = 6;
  a = analyse ("generation", TEXT, 0.0, &view);
  run = a->generation;
  g_assert_nonnull (run);
  g_assert_cmpuint (run->prompt->len, ==, ids->len);
  g_assert_cmpuint (run->generated->len, ==, 6);
  forward = uth_forward_new (weights (), ids->len + 6);
  g_assert_cmpint (uth_forward_eval (forward, (const guint32 *) ids->data, ids->len, NULL), ==, UTH_FORWARD_OK);
  for (guint t = 0; t < 6; t++)
    {
      guint32 next = uth_sample_token (uth_forward_logits (forward), 2048, &greedy, 0.0);

      g_assert_cmpuint (g_array_index (run->generated, guint32, t), ==, next);
      if (t == 5)
        n_top = uth_sample_top (uth_forward_logits (forward), 2048, 1.0, UTH_GENERATION_CANDIDATES,
                                top_ids, top_p);
      else
        g_assert_cmpint (uth_forward_eval (forward, &next, 1, NULL), ==, UTH_FORWARD_OK);
    }
  /* Greedy keeps one token, the most likely: the only candidate, with probability 1. */
  g_assert_cmpuint (n_top, >, 0);
  g_assert_cmpuint (run->n_candidates, ==, 1);
  g_assert_cmpuint (run->kept, ==, 1);
  g_assert_cmpuint (run->candidates[0], ==, top_ids[0]);
  g_assert_cmpfloat_with_epsilon (run->candidate_probs[0], 1.0, 1e-12);
  uth_forward_free (forward);
}

/* Generation with temperature 1 and top-k 5: the same seed draws the same tokens, each one
 * among the five most likely of its step, and the candidates are those five with the
 * renormalised probabilities of uth_sample_top. */
static void
test_generation_sampling (void)
{
  UthGenerationView view;
  g_autoptr(UthAnalysis) a = NULL;
  g_autoptr(UthAnalysis) b = NULL;
  g_autoptr(GArray) ids = model_ids (TEXT);
  const UthGenerationRun *run;
  UthForward *forward;
  guint32 top_ids[5];
  float top_p[5];
  double total = 0;

  uth_generation_view_init (&view);
  view.steps = 5;
  view.top_k = 5;
  view.top_p = 1.0;
  a = analyse ("generation", TEXT, 1.0, &view);
  b = analyse ("generation", TEXT, 1.0, &view);
  run = a->generation;
  g_assert_cmpuint (run->generated->len, ==, 5);
  for (guint t = 0; t < 5; t++)
    g_assert_cmpuint (g_array_index (run->generated, guint32, t), ==,
                      g_array_index (b->generation->generated, guint32, t));
  forward = uth_forward_new (weights (), ids->len + 5);
  g_assert_cmpint (uth_forward_eval (forward, (const guint32 *) ids->data, ids->len, NULL), ==, UTH_FORWARD_OK);
  for (guint t = 0; t < 5; t++)
    {
      guint32 drawn = g_array_index (run->generated, guint32, t);
      gboolean among = FALSE;

      uth_sample_top (uth_forward_logits (forward), 2048, 1.0, 5, top_ids, top_p);
      for (guint k = 0; k < 5; k++)
        among = among || top_ids[k] == drawn;
      g_assert_true (among);
      if (t + 1 < 5)
        g_assert_cmpint (uth_forward_eval (forward, &drawn, 1, NULL), ==, UTH_FORWARD_OK);
    }
  for (guint k = 0; k < 5; k++)
    total += top_p[k];
  g_assert_cmpuint (run->n_candidates, ==, 5);
  g_assert_cmpuint (run->kept, ==, 5);
  for (guint k = 0; k < 5; k++)
    {
      g_assert_cmpuint (run->candidates[k], ==, top_ids[k]);
      g_assert_cmpfloat_with_epsilon (run->candidate_probs[k], top_p[k] / total, 1e-5);
    }
  uth_forward_free (forward);
}

/* Embed and Position: each token's row is its row of the embedding table; the angles are
 * position × frequency, θ^(−2i/32). */
static void
test_embed_and_position (void)
{
  g_autoptr(UthAnalysis) e = analyse ("embed", TEXT, 1.0, NULL);
  g_autoptr(UthAnalysis) p = analyse ("position", TEXT, 1.0, NULL);
  const UthForwardData *f = e->forward;
  float row[128];
  double freq[16];

  g_assert_nonnull (f);
  g_assert_cmpuint (f->d_model, ==, 128);
  g_assert_cmpuint (f->table_rows, >, 0);
  for (guint i = 0; i < f->n; i++)
    {
      uth_tensor_view_row (&weights ()->token_embedding, f->ids[i], row);
      for (guint k = 0; k < 128; k++)
        g_assert_cmpfloat (f->embeddings[(gsize) i * 128 + k], ==, row[k]);
    }
  uth_tensor_view_row (&weights ()->token_embedding, 0, row);
  for (guint k = 0; k < 128; k++)
    g_assert_cmpfloat (f->table[k], ==, row[k]);   /* the table's first row is token 0's */
  f = p->forward;
  g_assert_nonnull (f->angles);
  g_assert_cmpfloat (f->rope_theta, ==, 10000.0);
  g_assert_cmpuint (f->head_dim, ==, 32);
  uth_forward_rope_frequencies (&weights ()->config, freq);
  /* Pair 1's frequency: 10000^(-2/32) = 0.5623413. */
  g_assert_cmpfloat_with_epsilon (freq[1], 0.5623413251903491, 1e-12);
  for (guint t = 0; t < f->n; t++)
    for (guint i = 0; i < 16; i++)
      g_assert_cmpfloat_with_epsilon (f->angles[(gsize) t * 16 + i], t * freq[i], 1e-4 * (1 + t));
}

/* A text longer than the model's 64 positions: the pass runs on the first 64 tokens and
 * the note says so. */
static void
test_long_text_is_cut (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(UthAnalysis) a = NULL;
  g_autofree char *said = NULL;

  for (guint i = 0; i < 40; i++)
    g_string_append (text, "And God said, Let there be light. ");
  a = analyse ("softmax", text->str, 1.0, NULL);
  g_assert_cmpuint (a->forward->n, ==, 64);
  g_assert_cmpuint (a->forward->n_text, >, 64);
  said = g_strdup_printf ("first 64 of your %u tokens", a->forward->n_text);
  g_assert_nonnull (strstr (a->model_note, said));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model-pages/default-model", test_default_model);
  g_test_add_func ("/model-pages/missing-tokenizer", test_missing_tokenizer);
  g_test_add_func ("/model-pages/attention", test_attention_matches_core);
  g_test_add_func ("/model-pages/softmax", test_softmax_matches_core);
  g_test_add_func ("/model-pages/generation-greedy", test_generation_matches_core);
  g_test_add_func ("/model-pages/generation-sampling", test_generation_sampling);
  g_test_add_func ("/model-pages/embed-position", test_embed_and_position);
  g_test_add_func ("/model-pages/long-text", test_long_text_is_cut);
  return g_test_run ();
}
