/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "analysis/uth-analysis.h"
#include "catalog/uth-corpus-model.h"
#include "catalog/uth-runnable-model.h"
#include "core/uth-forward.h"
#include "core/uth-rng.h"
#include "core/uth-sample.h"
#include "core/uth-softmax.h"
#include "render/uth-draw-attention.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-generation.h"
#include "render/uth-draw-softmax.h"
#include "render/uth-draw-tokens.h"

/* A text at least this long is tokenized on a worker thread. */
#define SLOW_TEXT_BYTES 20000
/* A model with more parameters than this runs on a worker thread (the app's own, 1.1 M,
 * takes a few milliseconds over its 64 positions). */
#define SLOW_MODEL_PARAMS 5000000
/* Positions a pass runs at most (a reader's model may allow far more). */
#define MAX_MODEL_TOKENS 256
/* Rows of the embedding table kept for its picture. */
#define TABLE_ROWS 512

struct _UthAnalysisSources
{
  gatomicrefcount  ref;
  UthCatalog      *catalog;
  UthTokenizer    *tokenizer;
  const UthNgram  *ngram;
  guint            corpus_words;
  GPtrArray       *points;
  UthRunnableModel *model;    /* what the How LLMs work pages run; NULL: none */
};

static guint run_count;     /* atomic */
static guint test_delay_ms; /* atomic */

UthAnalysisSources *
uth_analysis_sources_new (UthCatalog     *catalog,
                          UthTokenizer   *tokenizer,
                          const UthNgram *ngram,
                          guint           corpus_words,
                          GPtrArray      *points)
{
  UthAnalysisSources *self = g_new0 (UthAnalysisSources, 1);

  g_atomic_ref_count_init (&self->ref);
  self->catalog = catalog != NULL ? uth_catalog_ref (catalog) : NULL;
  self->tokenizer = tokenizer != NULL ? uth_tokenizer_ref (tokenizer) : NULL;
  self->ngram = ngram;
  self->corpus_words = corpus_words;
  self->points = points != NULL ? g_ptr_array_ref (points) : NULL;
  self->model = uth_runnable_model_get_default ();
  if (self->model != NULL)
    uth_runnable_model_ref (self->model);
  return self;
}

UthAnalysisSources *
uth_analysis_sources_new_with_model (UthAnalysisSources *base,
                                     UthRunnableModel   *model)
{
  UthAnalysisSources *self = uth_analysis_sources_new (base->catalog, base->tokenizer, base->ngram,
                                                       base->corpus_words, base->points);

  g_clear_pointer (&self->model, uth_runnable_model_unref);
  self->model = model != NULL ? uth_runnable_model_ref (model) : NULL;
  return self;
}

UthRunnableModel *
uth_analysis_sources_get_model (UthAnalysisSources *self)
{
  return self->model;
}

/* The bundled measured points, loaded once per process; NULL when the file is broken (a
 * warning says why). */
static GPtrArray *
bundled_points (void)
{
  static GPtrArray *points = NULL;
  static gsize loaded = 0;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GError) error = NULL;

      points = uth_reference_load_bundled (&error);
      if (points == NULL)
        g_warning ("Measured reference points not shown: %s", error->message);
      g_once_init_leave (&loaded, 1);
    }
  return points;
}

UthAnalysisSources *
uth_analysis_sources_new_app (UthCatalog *catalog)
{
  return uth_analysis_sources_new (catalog != NULL ? catalog : uth_catalog_get_default (),
                                   uth_tokenizer_get_default (),
                                   uth_corpus_model_get_default (),
                                   uth_corpus_model_get_n_words (),
                                   bundled_points ());
}

UthAnalysisSources *
uth_analysis_sources_ref (UthAnalysisSources *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
uth_analysis_sources_unref (UthAnalysisSources *self)
{
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  g_clear_pointer (&self->catalog, uth_catalog_unref);
  g_clear_pointer (&self->tokenizer, uth_tokenizer_unref);
  g_clear_pointer (&self->points, g_ptr_array_unref);
  g_clear_pointer (&self->model, uth_runnable_model_unref);
  g_free (self);
}

UthCatalog *
uth_analysis_sources_get_catalog (UthAnalysisSources *self)
{
  return self->catalog;
}

guint
uth_analysis_get_run_count (void)
{
  return g_atomic_int_get (&run_count);
}

void
uth_analysis_set_delay_for_testing (guint milliseconds)
{
  g_atomic_int_set (&test_delay_ms, milliseconds);
}

/* ---- which page needs what ---- */

static gboolean
page_is (const char *page_id,
         const char *id)
{
  return g_strcmp0 (page_id, id) == 0;
}

/* Pages whose figures show the reader's text as tokens. */
static gboolean
needs_text (const char *page_id)
{
  return page_is (page_id, "tokens") || page_is (page_id, "embed") ||
         page_is (page_id, "position") || page_is (page_id, "attention") ||
         page_is (page_id, "softmax") || page_is (page_id, "generation") ||
         page_is (page_id, "overview");
}

/* Pages that run the model on the reader's text. */
static gboolean
needs_model (const char *page_id)
{
  return page_is (page_id, "embed") || page_is (page_id, "position") ||
         page_is (page_id, "attention") || page_is (page_id, "softmax") ||
         page_is (page_id, "generation");
}

static gboolean
needs_measured (const char *page_id)
{
  return page_is (page_id, "batching") || page_is (page_id, "cost");
}

/* The tokenizer of a page: the model's on the pages that run it, the Tokens page's own
 * choice, else the sources'. */
static UthTokenizer *
page_tokenizer (UthAnalysisSources     *sources,
                const char             *page_id,
                const UthFigureContext *ctx)
{
  const UthTokensView *view = page_is (page_id, "tokens") && ctx != NULL ? ctx->page_data : NULL;

  if (needs_model (page_id) && sources->model != NULL)
    return uth_runnable_model_get_tokenizer (sources->model);
  return view != NULL && view->tokenizer != NULL ? view->tokenizer : sources->tokenizer;
}

static void
append_input (GString                *key,
              const UthFigureContext *ctx)
{
  const UthEstimateInput *in = &ctx->input;

  g_string_append_printf (key, "|%p,%p,%p|%p,%p,%p|%u,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                          ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                          ",%d,%d,%d,%a,%d",
                          (void *) ctx->model, (void *) ctx->gpu, (void *) ctx->engine,
                          (void *) in->model, (void *) in->gpu, (void *) in->engine,
                          in->gpus, (guint64) in->batch, (guint64) in->prompt, (guint64) in->context,
                          (guint64) in->step_tokens, (guint64) in->output_tokens,
                          (int) in->weights, (int) in->kv, (int) in->activations,
                          in->price_per_hour, (int) in->attention);
}

char *
uth_analysis_key (UthAnalysisSources     *sources,
                  const char             *page_id,
                  const UthFigureContext *ctx)
{
  GString *key = g_string_new (page_id != NULL ? page_id : "-");

  g_string_append_printf (key, "|%p|%u,%u,%u", (void *) sources,
                          sources->catalog != NULL ? uth_catalog_get_n_models (sources->catalog) : 0,
                          sources->catalog != NULL ? uth_catalog_get_n_gpus (sources->catalog) : 0,
                          sources->catalog != NULL ? uth_catalog_get_n_engines (sources->catalog) : 0);
  if (ctx == NULL)
    return g_string_free (key, FALSE);
  if (needs_measured (page_id))
    append_input (key, ctx);
  if (page_is (page_id, "softmax"))
    {
      const UthSoftmaxView *v = ctx->page_data;

      g_string_append_printf (key, "|T%a|k%u|p%a", ctx->temperature, v != NULL ? v->top_k : 0,
                              v != NULL ? v->top_p : 1.0);
    }
  if (page_is (page_id, "generation"))
    {
      UthGenerationView v;

      if (ctx->page_data != NULL)
        v = *(const UthGenerationView *) ctx->page_data;
      else
        uth_generation_view_init (&v);
      g_string_append_printf (key, "|T%a|n%u|k%u|p%a|s%" G_GUINT64_FORMAT, ctx->temperature,
                              v.steps, v.top_k, v.top_p, (guint64) v.seed);
      append_input (key, ctx);
    }
  if (page_is (page_id, "tokens"))
    {
      const UthTokensView *v = ctx->page_data;

      g_string_append_printf (key, "|step%d", v != NULL ? v->step : -1);
    }
  if (needs_text (page_id))
    {
      /* The text last: it is the longest part. */
      g_string_append_printf (key, "|tok%p|", (void *) page_tokenizer (sources, page_id, ctx));
      g_string_append (key, uth_fundamentals_text (ctx));
    }
  return g_string_free (key, FALSE);
}

gboolean
uth_analysis_is_slow (UthAnalysisSources     *sources,
                      const char             *page_id,
                      const UthFigureContext *ctx)
{
  if (g_atomic_int_get (&test_delay_ms) > 0)
    return TRUE;
  if (needs_model (page_id) && sources->model != NULL &&
      uth_model_weights_get_params (uth_runnable_model_get_weights (sources->model)) > SLOW_MODEL_PARAMS)
    return TRUE;
  return needs_text (page_id) && ctx != NULL && strlen (uth_fundamentals_text (ctx)) >= SLOW_TEXT_BYTES;
}

/* ---- the parts ---- */

static void
add_label (UthAnalysis  *a,
           UthTokenizer *tok,
           guint32       id)
{
  gsize len = 0;
  const guint8 *bytes;

  if (g_hash_table_contains (a->labels, GUINT_TO_POINTER (id)))
    return;
  bytes = uth_bpe_token_bytes (uth_tokenizer_get_bpe (tok), id, &len);
  uth_analysis_set_label (a, id, uth_tokenizer_describe_token (tok, id),
                          bytes != NULL ? g_bytes_new (bytes, len) : NULL);
}

static void
add_labels (UthAnalysis   *a,
            UthTokenizer  *tok,
            const guint32 *ids,
            gsize          n)
{
  for (gsize i = 0; i < n; i++)
    add_label (a, tok, ids[i]);
}

/* The first UTH_ANALYSIS_MAX_TEXT_BYTES of text, cut at a character boundary. */
static char *
cut_text (const char *text,
          gboolean   *cut)
{
  const char *end;

  *cut = strlen (text) > UTH_ANALYSIS_MAX_TEXT_BYTES;
  if (!*cut)
    return g_strdup (text);
  /* Merging step by step costs (steps x symbols): bound it so a pasted book stays
   * interactive. */
  end = g_utf8_find_prev_char (text, text + UTH_ANALYSIS_MAX_TEXT_BYTES + 1);
  return g_strndup (text, end != NULL ? (gsize) (end - text) : UTH_ANALYSIS_MAX_TEXT_BYTES);
}

guint
uth_tokens_count_steps (UthTokenizer *tokenizer,
                        const char   *text)
{
  gboolean cut;
  g_autofree char *bounded = cut_text (text, &cut);
  UthBpeStepper *stepper = uth_bpe_stepper_new (uth_tokenizer_get_bpe (tokenizer), bounded, strlen (bounded));
  guint n = 0;

  if (stepper == NULL)
    return 0;
  while (uth_bpe_stepper_next (stepper, NULL))
    n++;
  uth_bpe_stepper_free (stepper);
  return n;
}

/* The merge step-through's frame after `step` merges. */
static void
merge_frame (UthAnalysis   *a,
             UthTokenizer  *tok,
             const char    *text,
             guint          step,
             UthMergeFrame *frame)
{
  const UthBpe *bpe = uth_tokenizer_get_bpe (tok);
  UthBpeStepper *stepper = uth_bpe_stepper_new (bpe, text, strlen (text));
  UthBpeStep last = { 0 };
  guint i;

  frame->step = step;
  if (stepper == NULL)
    return;
  for (i = 0; i < step && uth_bpe_stepper_next (stepper, &last); i++)
    ;
  frame->last = last;
  frame->n = (guint) uth_bpe_stepper_n_tokens (stepper);
  frame->ids = g_memdup2 (uth_bpe_stepper_tokens (stepper), sizeof (guint32) * MAX (frame->n, 1));
  frame->bytes = g_new0 (guint8, MAX (frame->n, 1));
  for (i = 0; i < frame->n; i++)
    {
      gsize len = 0;

      uth_bpe_token_bytes (bpe, frame->ids[i], &len);
      frame->bytes[i] = (guint8) MIN (len, 255);
    }
  add_labels (a, tok, frame->ids, frame->n);
  if (step > 0 && !last.whole_words)
    {
      add_label (a, tok, last.left);
      add_label (a, tok, last.right);
      add_label (a, tok, last.result);
    }
  uth_bpe_stepper_free (stepper);
}

static UthTextAnalysis *
text_analysis (UthAnalysis            *a,
               UthTokenizer           *tok,
               guint32                 bos,
               const char             *page_id,
               const UthFigureContext *ctx)
{
  UthTextAnalysis *t = g_new0 (UthTextAnalysis, 1);
  const UthBpe *bpe = uth_tokenizer_get_bpe (tok);
  gboolean tokens_page = page_is (page_id, "tokens");

  if (tokens_page)
    t->text = cut_text (uth_fundamentals_text (ctx), &t->cut);
  else
    t->text = g_strdup (uth_fundamentals_text (ctx));
  t->ids = uth_tokenizer_encode (tok, t->text, -1);
  /* The model reads its tokenizer's first token before the text, as it was trained. */
  if (bos != G_MAXUINT32)
    g_array_prepend_val (t->ids, bos);
  t->tokenizer.name = g_strdup (uth_tokenizer_get_name (tok));
  t->tokenizer.is_default = uth_tokenizer_is_default (tok);
  t->tokenizer.byte_level = uth_bpe_get_kind (bpe) == UTH_BPE_BYTE_LEVEL;
  t->tokenizer.vocab_size = uth_bpe_get_vocab_size (bpe);
  t->tokenizer.n_merges = (guint) uth_bpe_get_n_merges (bpe);
  add_labels (a, tok, (const guint32 *) t->ids->data, t->ids->len);
  /* The model's first token is written as what it does, short enough for a token chip
   * (its own spelling, <|endoftext|> for the app's model, is in its bytes). */
  if (bos != G_MAXUINT32)
    {
      gsize len = 0;
      const guint8 *bytes = uth_bpe_token_bytes (bpe, bos, &len);

      uth_analysis_set_label (a, bos, g_strdup ("BOS"), bytes != NULL ? g_bytes_new (bytes, len) : NULL);
    }
  if (tokens_page)
    {
      const UthTokensView *view = ctx->page_data;

      t->n_steps = uth_tokens_count_steps (tok, t->text);
      t->step = view != NULL && view->step >= 0 ? MIN ((guint) view->step, t->n_steps) : t->n_steps / 2;
      merge_frame (a, tok, t->text, 0, &t->frames[0]);
      merge_frame (a, tok, t->text, t->step, &t->frames[1]);
      merge_frame (a, tok, t->text, t->n_steps, &t->frames[2]);
    }
  return t;
}

static double *
to_doubles (const float *in,
            gsize        n)
{
  double *out;

  if (in == NULL)
    return NULL;
  out = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    out[i] = in[i];
  return out;
}

/* One traced pass of the model over the text's first tokens (at most max_tokens and the
 * model's context): what the page's figure shows, flags of core/uth-forward.h. NULL when
 * there is nothing to run or the pass fails (out of memory). */
static UthForwardData *
model_forward (UthRunnableModel      *model,
               const UthTextAnalysis *text,
               guint                  max_tokens,
               unsigned               flags,
               gboolean               table)
{
  const UthForwardWeights *fw = uth_model_weights_get_forward (uth_runnable_model_get_weights (model));
  const UthForwardConfig *c = &fw->config;
  UthForwardTrace trace = { 0 };
  UthForward *forward;
  UthForwardData *f;
  guint n = MIN (text->ids->len, uth_runnable_model_get_context (model, max_tokens));
  gsize per_head;

  if (n == 0 || (forward = uth_forward_new (fw, n)) == NULL)
    return NULL;
  trace.flags = flags;
  if (uth_forward_eval (forward, (const guint32 *) text->ids->data, n, &trace) != UTH_FORWARD_OK)
    {
      uth_forward_trace_clear (&trace);
      uth_forward_free (forward);
      return NULL;
    }
  f = g_new0 (UthForwardData, 1);
  f->source = g_strdup (uth_runnable_model_get_name (model));
  f->n = n;
  f->n_text = text->ids->len;
  f->ids = g_memdup2 (text->ids->data, sizeof (guint32) * n);
  f->d_model = c->hidden;
  f->n_layers = c->layers;
  f->n_heads = c->heads;
  f->head_dim = c->head_dim;
  f->rope_theta = c->arch == UTH_ARCH_LLAMA ? c->rope_theta : 0.0;
  f->vocab = c->vocab;
  per_head = (gsize) c->layers * c->heads * n;
  f->embeddings = to_doubles (trace.embeddings, (gsize) n * c->hidden);
  if (c->arch == UTH_ARCH_GPT2)
    f->positions = to_doubles (trace.positions, (gsize) n * c->hidden);
  else
    f->angles = to_doubles (trace.positions, (gsize) n * trace.n_angles);
  /* The pass starts at position 0, so each row spans the n tokens. */
  f->weights = to_doubles (trace.attention, per_head * n);
  f->scores = to_doubles (trace.scores, per_head * n);
  f->q = to_doubles (trace.q, per_head * c->head_dim);
  f->k = to_doubles (trace.k, per_head * c->head_dim);
  f->v = to_doubles (trace.v, per_head * c->head_dim);
  f->out = to_doubles (trace.heads, per_head * c->head_dim);
  f->residual_norms = to_doubles (trace.residual_norms, (gsize) (c->layers + 1) * n);
  f->logits = to_doubles (uth_forward_logits (forward), c->vocab);
  if (table)
    {
      g_autofree float *row = g_new (float, c->hidden);

      f->table_rows = MIN (c->vocab, TABLE_ROWS);
      f->table = g_new (double, (gsize) f->table_rows * c->hidden);
      for (guint r = 0; r < f->table_rows; r++)
        {
          uth_tensor_view_row (&fw->token_embedding, (guint32) ((guint64) r * c->vocab / f->table_rows), row);
          for (guint k = 0; k < c->hidden; k++)
            f->table[(gsize) r * c->hidden + k] = row[k];
        }
    }
  {
    guint n_named;
    const UthNamedHead *named = uth_runnable_model_get_heads (model, &n_named);

    if (n_named > 0)
      {
        f->head_patterns = g_new0 (guint, (gsize) c->layers * c->heads);
        for (guint i = 0; i < n_named; i++)
          if (f->head_patterns[named[i].layer * c->heads + named[i].head] == 0)
            f->head_patterns[named[i].layer * c->heads + named[i].head] = 1 + (guint) named[i].pattern;
        /* The record lists the strongest head of a pattern first. */
        if (named[0].pattern == UTH_HEAD_PREVIOUS_TOKEN)
          /* Translators: which layer and head to choose to see a pattern */
          f->pattern_hint = g_strdup_printf (_("Try layer %u, head %u: it attends to the previous token."),
                                             named[0].layer, named[0].head);
        else if (named[0].pattern == UTH_HEAD_FIRST_TOKEN)
          f->pattern_hint = g_strdup_printf (_("Try layer %u, head %u: it attends to the first token."),
                                             named[0].layer, named[0].head);
        else
          f->pattern_hint = g_strdup_printf (_("Try layer %u, head %u: it looks for what followed an earlier occurrence."),
                                             named[0].layer, named[0].head);
      }
  }
  uth_forward_trace_clear (&trace);
  uth_forward_free (forward);
  return f;
}

/* Which model ran, in a sentence for the figure, and what did not fit its context. */
static char *
model_note (UthRunnableModel *model,
            guint             n_run,
            guint             n_text)
{
  UthModelWeights *w = uth_runnable_model_get_weights (model);
  guint layers = uth_model_weights_get_forward (w)->config.layers;
  double params = (double) uth_model_weights_get_params (w);
  g_autofree char *count = params >= 1e9 ? g_strdup_printf ("%.1f G", params / 1e9)
                         : params >= 1e6 ? g_strdup_printf ("%.1f M", params / 1e6)
                         : g_strdup_printf ("%.0f k", params / 1e3);
  g_autofree char *which = NULL;

  if (uth_runnable_model_is_default (model))
    /* Translators: the model the pages run: its name, layers and parameters ("1.1 M") */
    which = g_strdup_printf (ngettext ("Model: %s, %u layer, %s parameters, trained by this app on the King James Bible.",
                                       "Model: %s, %u layers, %s parameters, trained by this app on the King James Bible.",
                                       layers),
                             uth_runnable_model_get_name (model), layers, count);
  else
    /* Translators: the model the pages run: its name, architecture, layers and parameters */
    which = g_strdup_printf (ngettext ("Model: %s (%s), %u layer, %s parameters, opened from this computer.",
                                       "Model: %s (%s), %u layers, %s parameters, opened from this computer.",
                                       layers),
                             uth_runnable_model_get_name (model),
                             uth_model_weights_get_architecture (w), layers, count);
  if (n_run < n_text)
    /* Translators: appended to the model's sentence when the text is longer than it runs */
    return g_strdup_printf (_("%s It ran on the first %u of your %u tokens."),
                            which, n_run, n_text);
  return g_steal_pointer (&which);
}

/* The next-token distribution from the model's logits after the text. */
static UthSoftmaxData *
softmax_data (UthAnalysis            *a,
              UthTokenizer           *tok,
              const UthForwardData   *f,
              const UthFigureContext *ctx)
{
  const UthSoftmaxView defaults = { 0, 1.0 };
  const UthSoftmaxView *view = ctx->page_data != NULL ? ctx->page_data : &defaults;
  UthSampler sampler = { ctx->temperature, view->top_k, view->top_p };
  UthSoftmaxData *d;

  if (f == NULL || f->logits == NULL)
    return NULL;
  d = g_new0 (UthSoftmaxData, 1);
  d->temperature = ctx->temperature;
  d->top_k = view->top_k;
  d->top_p = view->top_p;
  d->vocab = f->vocab;
  d->logits = g_memdup2 (f->logits, sizeof (double) * f->vocab);
  d->probs = g_new0 (double, d->vocab);
  d->plain = g_new0 (double, d->vocab);
  uth_sampler_distribution (&sampler, d->logits, d->vocab, d->probs);
  uth_softmax (d->logits, d->vocab, 1.0, d->plain);
  for (guint i = 0; i < d->vocab; i++)
    d->kept += d->probs[i] > 0;
  /* The candidates with the largest logits, in order. */
  for (guint k = 0; k < UTH_ANALYSIS_SOFTMAX_SHOWN && k < d->vocab; k++)
    {
      guint best = G_MAXUINT;
      for (guint i = 0; i < d->vocab; i++)
        {
          gboolean taken = FALSE;
          for (guint j = 0; j < k; j++)
            taken = taken || d->order[j] == i;
          if (!taken && (best == G_MAXUINT || d->logits[i] > d->logits[best]))
            best = i;
        }
      d->order[k] = best;
      d->shown = k + 1;
      add_label (a, tok, best);
    }
  return d;
}

static void
estimate_times (const UthFigureContext *ctx,
                UthGenerationRun       *run,
                guint                   steps)
{
  UthEstimateInput in;
  UthEstimate est;
  guint64 prompt = MAX (run->prompt->len, 1);

  if (ctx->input.model == NULL || ctx->input.gpu == NULL || ctx->input.engine == NULL)
    return;
  in = ctx->input;
  in.prompt = prompt;
  in.step_tokens = 1;
  for (guint t = 0; t < MAX (steps, 1); t++)
    {
      /* The cache holds the prompt and the tokens drawn so far, plus the new one. */
      in.context = prompt + t + 1;
      if (uth_estimate (&in, &est) != UTH_ESTIMATE_OK)
        return;
      if (t == 0)
        {
          run->prefill_seconds = est.prefill_seconds;
          run->prefill_bound = est.prefill_bound;
          run->kv_bytes_per_token = est.kv_bytes_per_token;
        }
      run->step_seconds[t] = est.decode_step_seconds;
      run->decode_bound = est.decode_bound;
    }
}

/* The Generation page's loop: the model reads the prompt, then draws one token a step with
 * the sampling rule (core/uth-sample.h), each step timed by the estimator for the
 * scenario. A prompt too long for the model's context keeps its first token and its end. */
static UthGenerationRun *
generation_run (UthAnalysis            *a,
                UthRunnableModel       *model,
                const UthTextAnalysis  *text,
                const UthFigureContext *ctx)
{
  const UthForwardWeights *fw = uth_model_weights_get_forward (uth_runnable_model_get_weights (model));
  UthTokenizer *tok = uth_runnable_model_get_tokenizer (model);
  guint vocab = fw->config.vocab;
  guint context = uth_runnable_model_get_context (model, MAX_MODEL_TOKENS);
  UthGenerationView defaults;
  const UthGenerationView *view = ctx->page_data;
  UthGenerationRun *run;
  UthSampler sampler;
  UthSampleParams params;
  UthForward *forward;
  UthForwardStatus status;
  guint steps, keep;
  g_autofree double *logits = g_new (double, vocab);
  g_autofree double *dist = g_new (double, vocab);
  UthRng rng;

  uth_generation_view_init (&defaults);
  if (view == NULL)
    view = &defaults;
  if (text->ids->len == 0 || context < 2)
    return NULL;
  sampler = (UthSampler) { ctx->temperature, view->top_k, view->top_p };
  params = (UthSampleParams) { MAX (ctx->temperature, 0.0), view->top_k, CLAMP (view->top_p, 1e-9, 1.0) };
  steps = MIN (MIN (view->steps, UTH_GENERATION_MAX_STEPS), context - 1);
  keep = context - steps;
  run = g_new0 (UthGenerationRun, 1);
  run->generated = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (text->ids->len <= keep)
    run->prompt = g_array_copy (text->ids);
  else
    {
      run->prompt = g_array_sized_new (FALSE, FALSE, sizeof (guint32), keep);
      g_array_append_vals (run->prompt, text->ids->data, 1);
      g_array_append_vals (run->prompt, &g_array_index (text->ids, guint32, text->ids->len - (keep - 1)),
                           keep - 1);
      run->prompt_cut = text->ids->len - keep;
    }
  forward = uth_forward_new (fw, run->prompt->len + steps);
  if (forward == NULL)
    {
      uth_generation_run_free (run);
      return NULL;
    }
  status = uth_forward_eval (forward, (const guint32 *) run->prompt->data, run->prompt->len, NULL);
  uth_rng_init (&rng, view->seed);
  for (guint t = 0; status == UTH_FORWARD_OK && t < steps; t++)
    {
      const float *out = uth_forward_logits (forward);
      double u = uth_rng_uniform (&rng);
      guint32 next;

      next = uth_sample_token (out, vocab, &params, ctx->temperature > 0 ? u : 0.0);
      if (next >= vocab)
        break;
      if (t + 1 == steps)
        {
          /* The last step's candidates, after the same rule. */
          for (guint i = 0; i < vocab; i++)
            logits[i] = out[i];
          uth_sampler_distribution (&sampler, logits, vocab, dist);
          {
            double chosen = dist[next];
            gboolean listed = FALSE;

            run->kept = 0;
            for (guint i = 0; i < vocab; i++)
              run->kept += dist[i] > 0;
            for (guint k = 0; k < UTH_GENERATION_CANDIDATES; k++)
              {
                guint best = (guint) uth_argmax (dist, vocab);

                if (dist[best] <= 0)
                  break;
                run->candidates[k] = best;
                run->candidate_probs[k] = dist[best];
                run->n_candidates = k + 1;
                dist[best] = -1;   /* taken */
              }
            /* The chosen token is always listed, in the last place if it was not among the
             * most probable. */
            for (guint k = 0; k < run->n_candidates; k++)
              listed = listed || run->candidates[k] == next;
            if (!listed && run->n_candidates > 0)
              {
                run->candidates[run->n_candidates - 1] = next;
                run->candidate_probs[run->n_candidates - 1] = chosen;
              }
          }
        }
      g_array_append_val (run->generated, next);
      if (t + 1 < steps)
        status = uth_forward_eval (forward, &next, 1, NULL);
    }
  uth_forward_free (forward);
  estimate_times (ctx, run, steps);
  add_labels (a, tok, (const guint32 *) run->prompt->data, run->prompt->len);
  add_labels (a, tok, (const guint32 *) run->generated->data, run->generated->len);
  add_labels (a, tok, run->candidates, run->n_candidates);
  return run;
}

/* Two catalog models with the same shapes run the same kernels (Llama 3 and 3.1 8B differ
 * only in their rotary scaling and context limit), so one's measurements stand for the other. */
gboolean
uth_measured_same_architecture (const UthModel *a,
                                const UthModel *b)
{
  return a->hidden == b->hidden && a->layers == b->layers && a->heads == b->heads &&
         a->kv_heads == b->kv_heads && a->head_dim == b->head_dim && a->ffn == b->ffn &&
         a->gated_mlp == b->gated_mlp && a->vocab == b->vocab &&
         a->tied_embeddings == b->tied_embeddings && a->experts == b->experts &&
         a->active_experts == b->active_experts && a->attention == b->attention &&
         a->sliding_window == b->sliding_window;
}

static gboolean
model_matches (UthAnalysisSources      *sources,
               const UthFigureContext  *ctx,
               const UthReferencePoint *p)
{
  const UthModelEntry *measured;

  if (g_strcmp0 (p->model, ctx->model->id) == 0)
    return TRUE;
  measured = sources->catalog != NULL ? uth_catalog_find_model (sources->catalog, p->model) : NULL;
  return measured != NULL && uth_measured_same_architecture (&measured->spec, &ctx->model->spec);
}

/* The published points of the scenario's model (or a catalog model of the same shapes),
 * GPU, GPU count and weight type, in file order, each with the estimator's time. */
static void
measured_matches (UthAnalysis            *a,
                  UthAnalysisSources     *sources,
                  const UthFigureContext *ctx)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (UthMeasuredMatch));

  for (guint i = 0; sources->points != NULL && ctx->model != NULL && ctx->gpu != NULL &&
                    i < sources->points->len; i++)
    {
      const UthReferencePoint *p = g_ptr_array_index (sources->points, i);
      UthMeasuredMatch m = { p, FALSE, 0, 0 };

      if (g_strcmp0 (p->gpu, ctx->gpu->id) != 0 || !model_matches (sources, ctx, p) ||
          p->gpus != ctx->input.gpus || p->weights != ctx->input.weights)
        continue;
      if (ctx->engine != NULL)
        m.predicted_ok = uth_reference_predict (p, &ctx->model->spec, &ctx->gpu->spec, &ctx->engine->spec,
                                                &m.predicted) == UTH_ESTIMATE_OK;
      m.roofline_fraction = uth_reference_roofline_fraction (p, &ctx->model->spec, &ctx->gpu->spec);
      g_array_append_val (out, m);
    }
  a->n_measured = out->len;
  a->measured = (UthMeasuredMatch *) (void *) g_array_free (out, FALSE);
}

static void
catalog_rows (UthAnalysis        *a,
              UthAnalysisSources *sources)
{
  UthCatalog *catalog = sources->catalog;

  a->owner = uth_analysis_sources_ref (sources);
  a->owner_free = (GDestroyNotify) uth_analysis_sources_unref;
  if (catalog == NULL)
    return;
  a->n_models = uth_catalog_get_n_models (catalog);
  a->models = g_new0 (const UthModelEntry *, MAX (a->n_models, 1));
  for (guint i = 0; i < a->n_models; i++)
    a->models[i] = uth_catalog_get_model (catalog, i);
  a->n_gpus = uth_catalog_get_n_gpus (catalog);
  a->gpus = g_new0 (const UthGpuEntry *, MAX (a->n_gpus, 1));
  for (guint i = 0; i < a->n_gpus; i++)
    a->gpus[i] = uth_catalog_get_gpu (catalog, i);
  a->a100 = uth_catalog_find_gpu (catalog, "a100-sxm-80gb");
  a->tuned = uth_catalog_find_engine (catalog, "tuned");
}

UthAnalysis *
uth_analysis_new_catalog_rows (UthAnalysisSources *sources)
{
  UthAnalysis *a = uth_analysis_new (NULL);

  catalog_rows (a, sources);
  return a;
}

/* What reads the catalog (its rows, the measured points' models): on the calling thread,
 * the one that may add entries to the catalog. */
static UthAnalysis *
analysis_begin (UthAnalysisSources     *sources,
                const char             *page_id,
                const UthFigureContext *ctx)
{
  UthAnalysis *a = uth_analysis_new (page_id);

  g_atomic_int_inc (&run_count);
  catalog_rows (a, sources);
  if (needs_measured (page_id))
    measured_matches (a, sources, ctx);
  return a;
}

/* The rest, from immutable sources (the tokenizer, the counting model) and ctx's copy:
 * safe on a worker thread. FALSE when cancelled. */
static gboolean
analysis_finish (UthAnalysis            *a,
                 UthAnalysisSources     *sources,
                 const char             *page_id,
                 const UthFigureContext *ctx,
                 GCancellable           *cancellable,
                 GError                **error)
{
  guint delay = g_atomic_int_get (&test_delay_ms);

  if (needs_text (page_id))
    {
      UthTokenizer *tok = page_tokenizer (sources, page_id, ctx);
      UthRunnableModel *model = needs_model (page_id) ? sources->model : NULL;

      if (tok != NULL)
        a->text = text_analysis (a, tok, model != NULL ? uth_runnable_model_get_bos (model) : G_MAXUINT32,
                                 page_id, ctx);
      if (a->text != NULL && model != NULL)
        {
          gboolean attention = page_is (page_id, "attention");
          unsigned flags = page_is (page_id, "embed") ? UTH_TRACE_EMBEDDINGS
                         : page_is (page_id, "position") ? UTH_TRACE_EMBEDDINGS | UTH_TRACE_POSITIONS
                         : attention ? UTH_TRACE_ATTENTION | UTH_TRACE_SCORES | UTH_TRACE_VECTORS |
                                       UTH_TRACE_RESIDUAL_NORMS
                         : 0;

          if (!page_is (page_id, "generation"))
            a->forward = model_forward (model, a->text,
                                        attention ? UTH_ATTENTION_MAX_TOKENS : MAX_MODEL_TOKENS,
                                        flags, page_is (page_id, "embed"));
          if (page_is (page_id, "softmax"))
            a->softmax = softmax_data (a, tok, a->forward, ctx);
          if (page_is (page_id, "generation"))
            a->generation = generation_run (a, model, a->text, ctx);
          a->model_note = model_note (model, a->forward != NULL ? a->forward->n
                                             : a->generation != NULL ? a->generation->prompt->len
                                             : 0,
                                      a->forward != NULL ? a->forward->n_text
                                      : a->generation != NULL ? a->generation->prompt->len +
                                                                a->generation->prompt_cut
                                      : 0);
        }
    }
  /* Tests: a slow analysis, waited for in slices so that a cancel ends it at once. */
  for (guint waited = 0; waited < delay && !g_cancellable_is_cancelled (cancellable); waited += 5)
    g_usleep (5000);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

UthAnalysis *
uth_analysis_compute (UthAnalysisSources     *sources,
                      const char             *page_id,
                      const UthFigureContext *ctx,
                      GCancellable           *cancellable,
                      GError                **error)
{
  g_autoptr(UthAnalysis) a = NULL;

  g_return_val_if_fail (sources != NULL, NULL);
  g_return_val_if_fail (ctx != NULL, NULL);

  a = analysis_begin (sources, page_id, ctx);
  if (!analysis_finish (a, sources, page_id, ctx, cancellable, error))
    return NULL;
  return g_steal_pointer (&a);
}

UthAnalysis *
uth_analysis_prepare (UthAnalysisSources *sources,
                      const char         *page_id,
                      UthFigureContext   *ctx)
{
  UthAnalysis *a = uth_analysis_compute (sources, page_id, ctx, NULL, NULL);

  ctx->analysis = a;
  ctx->analysis_pending = FALSE;
  return a;
}

/* ---- on a worker thread ---- */

typedef struct
{
  UthAnalysisSources *sources;
  char               *page_id;
  UthFigureContext    ctx;
  char               *text;
  gpointer            page_data;
  UthTokenizer       *tokenizer;  /* the Tokens page's choice, kept alive */
  UthAnalysis        *analysis;   /* begun on the calling thread */
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  uth_analysis_sources_unref (job->sources);
  g_free (job->page_id);
  g_free (job->text);
  g_free (job->page_data);
  g_clear_pointer (&job->tokenizer, uth_tokenizer_unref);
  g_clear_pointer (&job->analysis, uth_analysis_unref);
  g_free (job);
}

/* A copy of what the page's analysis reads from ctx, owned by the job. */
static Job *
job_new (UthAnalysisSources     *sources,
         const char             *page_id,
         const UthFigureContext *ctx)
{
  Job *job = g_new0 (Job, 1);
  gsize size = 0;

  job->sources = uth_analysis_sources_ref (sources);
  job->page_id = g_strdup (page_id);
  job->ctx = *ctx;
  job->ctx.analysis = NULL;
  job->text = g_strdup (ctx->text);
  job->ctx.text = job->text;
  if (ctx->page_data != NULL)
    size = page_is (page_id, "softmax") ? sizeof (UthSoftmaxView)
         : page_is (page_id, "generation") ? sizeof (UthGenerationView)
         : page_is (page_id, "tokens") ? sizeof (UthTokensView) : 0;
  job->page_data = size > 0 ? g_memdup2 (ctx->page_data, size) : NULL;
  job->ctx.page_data = job->page_data;
  if (page_is (page_id, "tokens") && job->page_data != NULL)
    {
      UthTokensView *view = job->page_data;

      if (view->tokenizer != NULL)
        job->tokenizer = uth_tokenizer_ref (view->tokenizer);
    }
  return job;
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (!analysis_finish (job->analysis, job->sources, job->page_id, &job->ctx, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, uth_analysis_ref (job->analysis), (GDestroyNotify) uth_analysis_unref);
}

void
uth_analysis_compute_async (UthAnalysisSources     *sources,
                            const char             *page_id,
                            const UthFigureContext *ctx,
                            GCancellable           *cancellable,
                            GAsyncReadyCallback     callback,
                            gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = job_new (sources, page_id, ctx);

  job->analysis = analysis_begin (sources, page_id, ctx);
  g_task_set_source_tag (task, uth_analysis_compute_async);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, compute_thread);
}

UthAnalysis *
uth_analysis_compute_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the cache ---- */

struct _UthAnalysisCache
{
  UthAnalysis          *analysis;
  char                 *key;
  /* The computation under way, if any. */
  char                 *pending_key;
  GCancellable         *cancellable;
  UthAnalysisReadyFunc  ready;
  gpointer              ready_data;
};

typedef struct
{
  UthAnalysisCache *cache;  /* NULL once the cache is freed or the job superseded */
  char             *key;
} Pending;

/* The pending job of each live cache, so that a freed cache's job finds nothing. */
static void
pending_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;
  UthAnalysis *a = uth_analysis_compute_finish (result, &error);
  UthAnalysisCache *cache = pending->cache;

  if (cache != NULL && a != NULL && g_strcmp0 (cache->pending_key, pending->key) == 0)
    {
      g_clear_pointer (&cache->analysis, uth_analysis_unref);
      cache->analysis = g_steal_pointer (&a);
      g_free (cache->key);
      cache->key = g_steal_pointer (&cache->pending_key);
      g_clear_object (&cache->cancellable);
      if (cache->ready != NULL)
        cache->ready (cache->ready_data);
    }
  else if (a == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Analysis of %s failed: %s", pending->key, error->message);
  g_clear_pointer (&a, uth_analysis_unref);
  g_free (pending->key);
  g_free (pending);
}

UthAnalysisCache *
uth_analysis_cache_new (void)
{
  return g_new0 (UthAnalysisCache, 1);
}

static void
cache_cancel (UthAnalysisCache *cache)
{
  if (cache->cancellable != NULL)
    {
      Pending *pending = g_object_get_data (G_OBJECT (cache->cancellable), "uth-pending");

      if (pending != NULL)
        pending->cache = NULL;
      g_cancellable_cancel (cache->cancellable);
      g_clear_object (&cache->cancellable);
    }
  g_clear_pointer (&cache->pending_key, g_free);
}

void
uth_analysis_cache_free (UthAnalysisCache *cache)
{
  if (cache == NULL)
    return;
  cache_cancel (cache);
  g_clear_pointer (&cache->analysis, uth_analysis_unref);
  g_free (cache->key);
  g_free (cache);
}

gboolean
uth_analysis_cache_is_pending (UthAnalysisCache *cache)
{
  return cache->pending_key != NULL;
}

void
uth_analysis_cache_attach (UthAnalysisCache     *cache,
                           UthAnalysisSources   *sources,
                           const char           *page_id,
                           UthFigureContext     *ctx,
                           UthAnalysisReadyFunc  ready,
                           gpointer              user_data)
{
  g_autofree char *key = NULL;
  Pending *pending;

  g_return_if_fail (cache != NULL);
  g_return_if_fail (sources != NULL);
  g_return_if_fail (ctx != NULL);

  key = uth_analysis_key (sources, page_id, ctx);
  ctx->analysis_pending = FALSE;
  if (cache->analysis != NULL && g_strcmp0 (key, cache->key) == 0)
    {
      ctx->analysis = cache->analysis;
      return;
    }
  if (cache->pending_key != NULL && g_strcmp0 (key, cache->pending_key) == 0)
    {
      ctx->analysis = NULL;
      ctx->analysis_pending = TRUE;
      return;
    }
  cache_cancel (cache);
  if (ready == NULL || !uth_analysis_is_slow (sources, page_id, ctx))
    {
      g_clear_pointer (&cache->analysis, uth_analysis_unref);
      cache->analysis = uth_analysis_compute (sources, page_id, ctx, NULL, NULL);
      g_free (cache->key);
      cache->key = g_steal_pointer (&key);
      ctx->analysis = cache->analysis;
      return;
    }
  cache->ready = ready;
  cache->ready_data = user_data;
  cache->pending_key = g_strdup (key);
  cache->cancellable = g_cancellable_new ();
  pending = g_new0 (Pending, 1);
  pending->cache = cache;
  pending->key = g_steal_pointer (&key);
  g_object_set_data (G_OBJECT (cache->cancellable), "uth-pending", pending);
  uth_analysis_compute_async (sources, page_id, ctx, cache->cancellable, pending_done_cb, pending);
  ctx->analysis = NULL;
  ctx->analysis_pending = TRUE;
}
