/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Builds, captions and questions of every learning page, and the presentation slide. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "core/uth-encoding.h"
#include "core/uth-estimate.h"
#include "core/uth-flash.h"
#include "core/uth-model.h"
#include "core/uth-overview.h"
#include "core/uth-roofline.h"
#include "core/uth-softmax.h"
#include "core/uth-speculative.h"
#include "core/uth-tiling.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-flash.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-overview.h"
#include "render/uth-draw-position.h"
#include "render/uth-draw-tiling.h"
#include "render/uth-draw-tokens.h"
#include "render/uth-lecture.h"

/* The Overview's walk has eleven steps, one build each; the learning pages up to four. */
#define MAX_FIGURE_BUILDS UTH_OVERVIEW_N_STEPS
#define N_QUESTIONS 2
/* What you see, Why it matters, Try this: a build each, so each is read at projection size. */
#define N_EXPLANATION 3

typedef gboolean (*QuestionFunc) (const UthFigureContext *ctx,
                                  UthQuestion            *q);

typedef struct
{
  const char   *id;
  const char   *ui;                                   /* its page's .ui file name part */
  const char   *captions[MAX_FIGURE_BUILDS + 1];      /* N_(), NULL-terminated */
  QuestionFunc  questions[N_QUESTIONS];
  const char   *explanation[3];                       /* N_(), when the .ui has none */
} LecturePage;

/* ---------------------------------------------------------------------------------------- */
/* Helpers for the questions                                                                */

static void
question_set (UthQuestion *q,
              char        *question,
              char        *answer,
              char        *working,
              char        *value_text,
              double       value,
              gboolean     from_scenario)
{
  q->question = question;
  q->answer = answer;
  q->working = working;
  q->value_text = value_text;
  q->value = value;
  q->from_scenario = from_scenario;
}

/* "Llama 3.1 8B on one H100 SXM", "… on 2 × H100 SXM". */
static char *
setup_name (const UthFigureContext *ctx)
{
  const char *model = ctx->model != NULL ? ctx->model->name : "";
  const char *gpu = ctx->gpu != NULL ? ctx->gpu->name : "";

  if (ctx->input.gpus <= 1)
    /* TRANSLATORS: model, GPU: "Llama 3.1 8B on one H100 SXM" */
    return g_strdup_printf (_("%s on one %s"), model, gpu);
  /* TRANSLATORS: model, GPU count, GPU: "Llama 3.1 70B on 4 × H100 SXM" */
  return g_strdup_printf (_("%s on %u × %s"), model, ctx->input.gpus, gpu);
}

static gboolean
estimate_at (const UthFigureContext *ctx,
             const UthEstimateInput *input,
             UthEstimate            *out)
{
  if (ctx->input.model == NULL || ctx->input.gpu == NULL || ctx->input.engine == NULL)
    return FALSE;
  return uth_estimate (input != NULL ? input : &ctx->input, out) == UTH_ESTIMATE_OK;
}

/* A number formatted for a sentence; the string lives until the next few calls (a small
 * ring), so that one printf may take several. */
static const char *
num (double value)
{
  static char *ring[8];
  static guint next;
  char *text = uth_format_number (value);

  next = (next + 1) % G_N_ELEMENTS (ring);
  g_free (ring[next]);
  ring[next] = text;
  return text;
}

static const char *
dtype_name (UthDtype dtype)
{
  return uth_dtype_id (dtype);
}

/* ---------------------------------------------------------------------------------------- */
/* The questions, page by page                                                              */

/* Tokens 1: how many tokens the reader's text splits into. */
static gboolean
q_tokens_count (const UthFigureContext *ctx,
                UthQuestion            *q)
{
  /* The tokens the page shows (its analysis: the tokenizer the reader opened there, else
   * the app's own). */
  const UthTextAnalysis *a = ctx->analysis != NULL ? ctx->analysis->text : NULL;
  const char *text;
  GArray *ids;
  gsize bytes;
  g_autofree char *ratio = NULL;

  if (a == NULL || a->ids == NULL)
    return FALSE;
  text = a->text;
  ids = a->ids;
  bytes = strlen (text);
  ratio = uth_format_number (ids->len > 0 ? (double) bytes / ids->len : 0.0);
  question_set (q,
                g_strdup_printf (_("The text on the page is %" PRIu64 " bytes long. How many tokens does the tokenizer %s split it into?"),
                                 (guint64) bytes, a->tokenizer.name),
                g_strdup_printf (ngettext ("%u token.", "%u tokens.", ids->len), ids->len),
                g_strdup_printf (_("Byte-pair encoding starts from single bytes and applies its learned merges until none is left: %" PRIu64 " bytes become %u tokens, %s bytes a token. Common words end as one token, rare ones in pieces."),
                                 (guint64) bytes, ids->len, ratio),
                g_strdup_printf ("%u", ids->len), ids->len, TRUE);
  return TRUE;
}

/* Tokens 2: bits of a token id, from the model's vocabulary. */
static gboolean
q_tokens_bits (const UthFigureContext *ctx,
               UthQuestion            *q)
{
  const UthModel *m = ctx->input.model;
  g_autofree char *vocab = NULL;
  double bits;

  if (m == NULL || m->vocab < 2)
    return FALSE;
  bits = ceil (log2 ((double) m->vocab));
  vocab = g_strdup_printf ("%u", m->vocab);
  question_set (q,
                g_strdup_printf (_("%s has a vocabulary of %s tokens. How many bits does one token id need at least?"),
                                 ctx->model != NULL ? ctx->model->name : "", vocab),
                g_strdup_printf (_("%.0f bits."), bits),
                g_strdup_printf (_("2 to the power %.0f is the first power of two that reaches %s, so ids need %.0f bits; models store them as 32-bit integers anyway."),
                                 bits, vocab, bits),
                g_strdup_printf ("%.0f", bits), bits, TRUE);
  return TRUE;
}

/* Embed 1: parameters of the embedding table. */
static gboolean
q_embed_params (const UthFigureContext *ctx,
                UthQuestion            *q)
{
  const UthModel *m = ctx->input.model;
  g_autofree char *params = NULL, *vocab = NULL, *hidden = NULL;
  double p;

  if (m == NULL)
    return FALSE;
  p = (double) uth_model_embedding_params (m);
  params = uth_format_count (p);
  vocab = g_strdup_printf ("%u", m->vocab);
  hidden = g_strdup_printf ("%u", m->hidden);
  question_set (q,
                g_strdup_printf (_("%s: how many parameters does its embedding table hold?"),
                                 ctx->model != NULL ? ctx->model->name : ""),
                g_strdup_printf (_("%s parameters."), params),
                m->learned_positions > 0
                ? g_strdup_printf (_("One row per token of the vocabulary, one column per dimension of the model: %s × %s, plus %u rows of learned positions."),
                                   vocab, hidden, m->learned_positions)
                : g_strdup_printf (_("One row per token of the vocabulary, one column per dimension of the model: %s × %s."),
                                   vocab, hidden),
                g_strdup (params), p, TRUE);
  return TRUE;
}

/* Embed 2: the table's memory and its share of the model. */
static gboolean
q_embed_bytes (const UthFigureContext *ctx,
               UthQuestion            *q)
{
  const UthModel *m = ctx->input.model;
  g_autofree char *bytes = NULL, *share = NULL, *params = NULL;
  double p, b;

  if (m == NULL || uth_model_params (m) == 0)
    return FALSE;
  p = (double) uth_model_embedding_params (m);
  b = p * uth_dtype_bytes (ctx->input.weights);
  bytes = uth_format_bytes (b);
  share = uth_format_percent (p / (double) uth_model_params (m));
  params = uth_format_count (p);
  question_set (q,
                g_strdup_printf (_("How much memory does that table take in %s, and what share of all the model’s parameters is it?"),
                                 dtype_name (ctx->input.weights)),
                g_strdup_printf (_("%s, %s of the parameters."), bytes, share),
                g_strdup_printf (_("%s parameters × %s bytes each. A lookup does no arithmetic, but the table must sit in memory all the same%s."),
                                 params, num (uth_dtype_bytes (ctx->input.weights)),
                                 m->tied_embeddings ? _("; the output layer reuses it") : _("; the output layer has a second table of the same size")),
                g_strdup (bytes), b, TRUE);
  return TRUE;
}

/* Position 1: pairs RoPE rotates in one head. */
static gboolean
q_position_pairs (const UthFigureContext *ctx,
                  UthQuestion            *q)
{
  const UthModel *m = ctx->input.model;
  guint pairs;

  if (m == NULL || m->head_dim < 2)
    return FALSE;
  pairs = m->head_dim / 2;
  question_set (q,
                g_strdup_printf (_("%s has attention heads of %u dimensions. How many pairs of dimensions does RoPE rotate in each head?"),
                                 ctx->model != NULL ? ctx->model->name : "", m->head_dim),
                g_strdup_printf (_("%u pairs, each turning at its own speed."), pairs),
                g_strdup_printf (_("RoPE treats dimensions (0, 1), (2, 3), … as points in a plane and turns each by position × its frequency: %u ÷ 2 = %u pairs."),
                                 m->head_dim, pairs),
                g_strdup_printf ("%u", pairs), pairs, TRUE);
  return TRUE;
}

/* Position 2: the wavelength of the slowest pair. */
static gboolean
q_position_wavelength (const UthFigureContext *ctx,
                       UthQuestion            *q)
{
  const UthModel *m = ctx->input.model;
  UthPositionView view;
  g_autofree char *len = NULL, *theta = NULL;
  double freq, wave;
  guint pair;

  if (m == NULL || m->head_dim < 4)
    return FALSE;
  uth_position_view_init (&view);
  pair = m->head_dim / 2 - 1;
  freq = uth_rope_frequency (pair, m->head_dim, view.theta);
  if (!(freq > 0))
    return FALSE;
  wave = 2 * G_PI / freq;
  len = uth_format_count (round (wave));
  theta = g_strdup_printf ("%.0f", view.theta);
  question_set (q,
                g_strdup_printf (_("With the base θ = %s the page uses and heads of %u dimensions, after how many tokens does the slowest pair come back to where it started?"),
                                 theta, m->head_dim),
                g_strdup_printf (_("After about %s tokens."), len),
                g_strdup_printf (_("Pair i turns θ^(−2i/d) radians a token; the last pair, i = %u, turns %s radians, so a full turn takes 2π ÷ that. Slow pairs tell far-apart positions apart, fast ones near neighbours."),
                                 pair, num (freq)),
                g_strdup (len), round (wave), TRUE);
  return TRUE;
}

/* Attention 1: scores of one head for the prompt. */
static gboolean
q_attention_scores (const UthFigureContext *ctx,
                    UthQuestion            *q)
{
  double n = (double) ctx->input.prompt;
  g_autofree char *all = NULL, *kept = NULL, *tokens = NULL;

  if (ctx->input.prompt == 0)
    return FALSE;
  all = uth_format_count (n * n);
  kept = uth_format_count (n * (n + 1) / 2);
  tokens = uth_format_count (n);
  question_set (q,
                g_strdup_printf (_("A prompt of %s tokens: how many scores does one attention head compute in QKᵀ, and how many does the causal mask keep?"),
                                 tokens),
                g_strdup_printf (_("%s scores, of which %s are kept."), all, kept),
                g_strdup_printf (_("Every token scores every token: %s × %s. The mask keeps a token’s own score and those of the tokens before it: %s × (%s + 1) ÷ 2."),
                                 tokens, tokens, tokens, tokens),
                g_strdup (all), n * n, TRUE);
  return TRUE;
}

/* Attention 2: bytes of the score matrices of one layer. */
static gboolean
q_attention_bytes (const UthFigureContext *ctx,
                   UthQuestion            *q)
{
  const UthModel *m = ctx->input.model;
  double n = (double) ctx->input.prompt, b;
  g_autofree char *bytes = NULL, *tokens = NULL;

  if (m == NULL || ctx->input.prompt == 0)
    return FALSE;
  b = (double) ctx->input.batch * m->heads * n * n * uth_dtype_bytes (ctx->input.activations);
  bytes = uth_format_bytes (b);
  tokens = uth_format_count (n);
  question_set (q,
                g_strdup_printf (ngettext ("Written out in full, how much memory do the scores of one layer of %s take for a batch of %" PRIu64 " prompt of %s tokens in %s?",
                                           "Written out in full, how much memory do the scores of one layer of %s take for a batch of %" PRIu64 " prompts of %s tokens in %s?",
                                           (unsigned long) ctx->input.batch),
                                 ctx->model != NULL ? ctx->model->name : "", ctx->input.batch, tokens,
                                 dtype_name (ctx->input.activations)),
                g_strdup_printf (_("%s."), bytes),
                g_strdup_printf (_("batch × heads × N × N × bytes = %" PRIu64 " × %u × %s × %s × %s. It grows with the square of the prompt: this is what Flash Attention never writes out."),
                                 ctx->input.batch, m->heads, tokens, tokens,
                                 num (uth_dtype_bytes (ctx->input.activations))),
                g_strdup (bytes), b, TRUE);
  return TRUE;
}

/* Softmax: the top probability of logits 2, 1, 0 at a temperature. */
static gboolean
softmax_question (const UthFigureContext *ctx,
                  double                  temperature,
                  gboolean                doubled,
                  UthQuestion            *q)
{
  static const double logits[3] = { 2.0, 1.0, 0.0 };
  double p[3];
  g_autofree char *t = uth_format_number (temperature);
  g_autofree char *top = NULL;

  if (temperature <= 0)
    {
      p[0] = 1.0;
      p[1] = p[2] = 0.0;
    }
  else if (!uth_softmax (logits, 3, temperature, p))
    return FALSE;
  top = uth_format_percent (p[0]);
  question_set (q,
                doubled
                ? g_strdup_printf (_("And at twice that temperature, T = %s?"), t)
                : g_strdup_printf (_("Three tokens have the logits 2, 1 and 0. At the temperature set on the page, T = %s, what probability does the first token get?"), t),
                g_strdup_printf (_("%s."), top),
                temperature > 0
                ? g_strdup_printf (_("Divide the logits by T, subtract the largest and exponentiate: the weights are e^0, e^(−1/T), e^(−2/T); the first is %s of their sum. A higher temperature flattens the distribution, a lower one sharpens it."), top)
                : g_strdup (_("Temperature 0 is greedy decoding: the largest logit always wins.")),
                g_strdup (top), p[0], TRUE);
  return TRUE;
}

static gboolean
q_softmax_top (const UthFigureContext *ctx,
               UthQuestion            *q)
{
  return softmax_question (ctx, ctx->temperature, FALSE, q);
}

static gboolean
q_softmax_hotter (const UthFigureContext *ctx,
                  UthQuestion            *q)
{
  return softmax_question (ctx, ctx->temperature > 0 ? 2 * ctx->temperature : 1.0,
                           ctx->temperature > 0, q);
}

/* Generation 1: time to the first token. */
static gboolean
q_generation_ttft (const UthFigureContext *ctx,
                   UthQuestion            *q)
{
  UthEstimate e;
  g_autofree char *setup = NULL, *ttft = NULL, *prefill = NULL, *tokens = NULL;

  if (!estimate_at (ctx, NULL, &e))
    return FALSE;
  setup = setup_name (ctx);
  ttft = uth_format_seconds (e.ttft_seconds);
  prefill = uth_format_seconds (e.prefill_seconds);
  tokens = uth_format_count ((double) ctx->input.prompt);
  question_set (q,
                g_strdup_printf (ngettext ("%s, a batch of %" PRIu64 " prompt of %s tokens: how long until the first new token appears?",
                                           "%s, a batch of %" PRIu64 " prompts of %s tokens: how long until the first new token appears?",
                                           (unsigned long) ctx->input.batch),
                                 setup, ctx->input.batch, tokens),
                g_strdup_printf (_("About %s."), ttft),
                g_strdup_printf (_("The whole prompt goes through the model in one pass (prefill, %s, %s-bound), then one decode step produces the first token."),
                                 prefill, uth_bound_id (e.prefill_bound)),
                g_strdup (ttft), e.ttft_seconds, TRUE);
  return TRUE;
}

/* Generation 2: the whole request. */
static gboolean
q_generation_request (const UthFigureContext *ctx,
                      UthQuestion            *q)
{
  UthEstimate e;
  g_autofree char *total = NULL, *step = NULL;

  if (!estimate_at (ctx, NULL, &e))
    return FALSE;
  total = uth_format_seconds (e.request_seconds);
  step = uth_format_seconds (e.decode_step_seconds);
  question_set (q,
                g_strdup_printf (_("And how long until all %" PRIu64 " output tokens are written?"),
                                 ctx->input.output_tokens),
                g_strdup_printf (_("About %s."), total),
                g_strdup_printf (_("Prefill once, then one decode step per token, each about %s and %s-bound: every step reads all the weights again to produce one token per sequence."),
                                 step, uth_bound_id (e.decode_bound)),
                g_strdup (total), e.request_seconds, TRUE);
  return TRUE;
}

/* Shapes 1: elements of Q entering attention. */
static gboolean
q_shapes_q (const UthFigureContext *ctx,
            UthQuestion            *q)
{
  const UthModel *m = ctx->input.model;
  double elements;
  g_autofree char *count = NULL;

  if (m == NULL || ctx->input.prompt == 0)
    return FALSE;
  elements = (double) ctx->input.batch * ctx->input.prompt * m->heads * m->head_dim;
  count = uth_format_count (elements);
  question_set (q,
                g_strdup_printf (ngettext ("%s, a batch of %" PRIu64 " prompt of %" PRIu64 " tokens: what shape has Q in attention, and how many numbers is that?",
                                           "%s, a batch of %" PRIu64 " prompts of %" PRIu64 " tokens: what shape has Q in attention, and how many numbers is that?",
                                           (unsigned long) ctx->input.batch),
                                 ctx->model != NULL ? ctx->model->name : "", ctx->input.batch, ctx->input.prompt),
                g_strdup_printf (_("B × S × H × hd = %" PRIu64 " × %" PRIu64 " × %u × %u: %s numbers."),
                                 ctx->input.batch, ctx->input.prompt, m->heads, m->head_dim, count),
                g_strdup_printf (_("Q has a row per token (B × S) and per head a vector of head_dim numbers; K and V have %u heads of it (fewer than Q’s when grouped-query attention shares them)."),
                                 m->kv_heads),
                g_strdup (count), elements, TRUE);
  return TRUE;
}

/* Shapes 2: parameters of one layer's attention and MLP. */
static gboolean
q_shapes_params (const UthFigureContext *ctx,
                 UthQuestion            *q)
{
  const UthModel *m = ctx->input.model;
  UthLayerParams p;
  g_autofree char *att = NULL, *mlp = NULL;

  if (m == NULL || m->layers == 0)
    return FALSE;
  p = uth_model_layer_params (m, m->layers - 1);
  att = uth_format_count ((double) p.attention);
  mlp = uth_format_count ((double) p.mlp);
  question_set (q,
                g_strdup_printf (_("How many parameters do the attention and the MLP of one layer of %s hold?"),
                                 ctx->model != NULL ? ctx->model->name : ""),
                g_strdup_printf (_("Attention %s, MLP %s."), att, mlp),
                g_strdup_printf (_("Attention: the Q, K, V and output projections, d × (H + 2 KV heads) × hd and back. The MLP: %s matrices of d × %u. The MLP usually holds about two thirds of a layer."),
                                 m->gated_mlp ? "3" : "2", m->ffn),
                g_strdup (att), (double) p.attention, TRUE);
  return TRUE;
}

/* Model 1: parameters. */
static gboolean
q_model_params (const UthFigureContext *ctx,
                UthQuestion            *q)
{
  const UthModel *m = ctx->input.model;
  g_autofree char *all = NULL, *active = NULL;
  double p;

  if (m == NULL)
    return FALSE;
  p = (double) uth_model_params (m);
  all = uth_format_count (p);
  active = uth_format_count ((double) uth_model_active_params (m));
  question_set (q,
                g_strdup_printf (_("How many parameters has %s, and how many of them does one token use?"),
                                 ctx->model != NULL ? ctx->model->name : ""),
                g_strdup_printf (_("%s parameters; a token uses %s."), all, active),
                g_strdup_printf (_("Embedding, %u layers of attention and MLP, the final norm and the output layer, summed. A mixture-of-experts model routes each token through a few experts only, so it uses fewer than it has."),
                                 m->layers),
                g_strdup (all), p, TRUE);
  return TRUE;
}

/* Model 2: FLOPs per token. */
static gboolean
q_model_flops (const UthFigureContext *ctx,
               UthQuestion            *q)
{
  UthEstimate e;
  g_autofree char *flops = NULL, *active = NULL;

  if (!estimate_at (ctx, NULL, &e))
    return FALSE;
  flops = uth_format_flops (e.rule_of_thumb.flops_per_token);
  active = uth_format_count (e.active_params);
  question_set (q,
                g_strdup (_("By the rule of thumb, how much arithmetic does one token cost in a forward pass?")),
                g_strdup_printf (_("About %s."), flops),
                g_strdup_printf (_("2 FLOPs (a multiply and an add) per active parameter: 2 × %s. Attention over a long context adds to it."),
                                 active),
                g_strdup (flops), e.rule_of_thumb.flops_per_token, TRUE);
  return TRUE;
}

/* Layer 1: the GPU's ridge point. */
static gboolean
q_layer_ridge (const UthFigureContext *ctx,
               UthQuestion            *q)
{
  const UthGpu *gpu = ctx->input.gpu;
  g_autofree char *ridge = NULL, *peak = NULL, *bw = NULL;
  double r;

  if (gpu == NULL)
    return FALSE;
  r = uth_roofline_ridge (gpu, ctx->input.activations);
  if (!(r > 0))
    return FALSE;
  ridge = uth_format_intensity (r);
  peak = uth_format_flops_rate (gpu->peak_flops[ctx->input.activations]);
  bw = uth_format_bandwidth (gpu->memory_bandwidth);
  question_set (q,
                g_strdup_printf (_("Where is the ridge point of the %s in %s: how many FLOPs must an op do per byte it moves to keep the GPU busy?"),
                                 ctx->gpu != NULL ? ctx->gpu->name : "", dtype_name (ctx->input.activations)),
                g_strdup_printf (_("%s."), ridge),
                g_strdup_printf (_("Peak compute ÷ memory bandwidth = %s ÷ %s. An op below it waits on memory; above it, on compute."),
                                 peak, bw),
                g_strdup (ridge), r, TRUE);
  return TRUE;
}

/* Layer 2: decode intensity against the ridge. */
static gboolean
q_layer_decode (const UthFigureContext *ctx,
                UthQuestion            *q)
{
  UthEstimate e;
  g_autofree char *inten = NULL, *ridge = NULL;
  double r;

  if (!estimate_at (ctx, NULL, &e))
    return FALSE;
  r = uth_roofline_ridge (ctx->input.gpu, ctx->input.activations);
  inten = uth_format_intensity (e.rule_of_thumb.decode_intensity);
  ridge = uth_format_intensity (r);
  question_set (q,
                g_strdup_printf (_("Decode at batch %" PRIu64 " with %s weights: about how many FLOPs per byte do the weight matrix products do? Memory- or compute-bound?"),
                                 ctx->input.batch, dtype_name (ctx->input.weights)),
                e.rule_of_thumb.decode_intensity < r
                ? g_strdup_printf (_("About %s: below the ridge (%s), memory-bound."), inten, ridge)
                : g_strdup_printf (_("About %s: above the ridge (%s), compute-bound."), inten, ridge),
                g_strdup_printf (_("Each weight is read once and used for 2 FLOPs per sequence: 2 × batch ÷ bytes per weight = 2 × %" PRIu64 " ÷ %s."),
                                 ctx->input.batch, num (uth_dtype_bytes (ctx->input.weights))),
                g_strdup (inten), e.rule_of_thumb.decode_intensity, TRUE);
  return TRUE;
}

/* Tiling 1: tiles and waves of the page's product. */
static gboolean
q_tiling_waves (const UthFigureContext *ctx,
                UthQuestion            *q)
{
  UthTilingView view;
  UthTiling t;
  g_autofree char *tiles = NULL;

  if (ctx->input.gpu == NULL)
    return FALSE;
  uth_tiling_view_init (&view, ctx);
  if (uth_tiling_compute (&view.input, &t) != UTH_TILING_OK)
    return FALSE;
  tiles = uth_format_count ((double) t.tiles);
  question_set (q,
                g_strdup_printf (_("The MLP’s up projection of a prefill: C (%" PRIu64 " × %" PRIu64 ") = A (%" PRIu64 " × %" PRIu64 ") × B, in %u × %u tiles. How many tiles, and how many waves on the %u SMs of the %s?"),
                                 view.input.m, view.input.n, view.input.m, view.input.k,
                                 view.input.bm, view.input.bn, view.input.sms,
                                 ctx->gpu != NULL ? ctx->gpu->name : ""),
                g_strdup_printf (ngettext ("%s tiles in %" PRIu64 " wave.", "%s tiles in %" PRIu64 " waves.",
                                           (unsigned long) t.waves), tiles, t.waves),
                g_strdup_printf (_("⌈%" PRIu64 " ÷ %u⌉ × ⌈%" PRIu64 " ÷ %u⌉ = %" PRIu64 " × %" PRIu64 " tiles; each SM runs one tile at a time, so ⌈tiles ÷ %u⌉ waves."),
                                 view.input.m, view.input.bm, view.input.n, view.input.bn,
                                 t.tiles_m, t.tiles_n, view.input.sms),
                g_strdup (tiles), (double) t.tiles, TRUE);
  return TRUE;
}

/* Tiling 2: the tail wave. */
static gboolean
q_tiling_tail (const UthFigureContext *ctx,
               UthQuestion            *q)
{
  UthTilingView view;
  UthTiling t;
  g_autofree char *tail = NULL, *util = NULL;

  if (ctx->input.gpu == NULL)
    return FALSE;
  uth_tiling_view_init (&view, ctx);
  if (uth_tiling_compute (&view.input, &t) != UTH_TILING_OK)
    return FALSE;
  tail = uth_format_percent (t.tail_utilization);
  util = uth_format_percent (t.wave_utilization);
  question_set (q,
                g_strdup (_("In the last wave of that product, what share of the SMs has a tile to work on?")),
                g_strdup_printf (_("%s of them; over all waves %s."), tail, util),
                g_strdup_printf (_("%" PRIu64 " tiles left for the last wave ÷ %u SMs. The idle SMs of a tail wave are time lost: a product one tile larger than a full wave takes a whole wave more."),
                                 t.tail_tiles, view.input.sms),
                g_strdup (tail), t.tail_utilization, TRUE);
  return TRUE;
}

static gboolean
flash_of (const UthFigureContext *ctx,
          UthFlashView           *view,
          UthFlash               *f)
{
  if (ctx->input.model == NULL || ctx->input.gpu == NULL)
    return FALSE;
  if (!uth_flash_view_init (view, ctx))
    return FALSE;
  return uth_flash_compute (&view->input, f) == UTH_FLASH_OK;
}

/* Flash 1: memory of standard attention. */
static gboolean
q_flash_memory (const UthFigureContext *ctx,
                UthQuestion            *q)
{
  UthFlashView view;
  UthFlash f;
  g_autofree char *std = NULL, *fl = NULL, *tokens = NULL;

  if (!flash_of (ctx, &view, &f))
    return FALSE;
  std = uth_format_bytes (f.standard_peak_bytes);
  fl = uth_format_bytes (f.flash_peak_bytes);
  tokens = uth_format_count ((double) view.input.seq);
  question_set (q,
                g_strdup_printf (_("Attention of one layer of %s over %s tokens, batch %" PRIu64 ": how much memory does standard attention need at its peak, and Flash Attention?"),
                                 ctx->model != NULL ? ctx->model->name : "", tokens, view.input.batch),
                g_strdup_printf (_("Standard %s; Flash Attention %s."), std, fl),
                g_strdup_printf (_("Standard attention keeps Q, K, V, O and the N × N scores and probabilities for each of %u heads: 4Nd + 2N² numbers a head. Flash Attention keeps only 4Nd + 2N: the scores live in on-chip memory, a tile at a time."),
                                 view.input.heads),
                g_strdup (std), f.standard_peak_bytes, TRUE);
  return TRUE;
}

/* Flash 2: the traffic ratio. */
static gboolean
q_flash_traffic (const UthFigureContext *ctx,
                 UthQuestion            *q)
{
  UthFlashView view;
  UthFlash f;
  g_autofree char *ratio = NULL, *std = NULL, *fl = NULL;

  if (!flash_of (ctx, &view, &f))
    return FALSE;
  ratio = uth_format_number (f.traffic_ratio);
  std = uth_format_bytes (f.standard_bytes);
  fl = uth_format_bytes (f.flash_bytes);
  question_set (q,
                g_strdup (_("How many times fewer bytes does Flash Attention move to and from GPU memory for the same attention?")),
                g_strdup_printf (_("%s× fewer."), ratio),
                g_strdup_printf (_("Standard attention writes the scores, reads them for the softmax, writes the probabilities and reads them again: %s. Flash Attention reads Q, K, V in tiles and writes O: %s. Same FLOPs, same result."),
                                 std, fl),
                g_strdup (ratio), f.traffic_ratio, TRUE);
  return TRUE;
}

/* KV cache 1: bytes per token. */
static gboolean
q_kv_per_token (const UthFigureContext *ctx,
                UthQuestion            *q)
{
  const UthModel *m = ctx->input.model;
  UthEstimate e;
  g_autofree char *per = NULL;

  if (!estimate_at (ctx, NULL, &e))
    return FALSE;
  per = uth_format_bytes (e.kv_bytes_per_token);
  question_set (q,
                g_strdup_printf (_("How many bytes of KV cache does %s keep for every token, in %s?"),
                                 ctx->model != NULL ? ctx->model->name : "", dtype_name (ctx->input.kv)),
                g_strdup_printf (_("%s per token."), per),
                g_strdup_printf (_("A key and a value vector for each KV head in each layer: 2 × %u layers × %u KV heads × %u × %s bytes (MLA and sliding windows change the count)."),
                                 m->layers, m->kv_heads, m->head_dim,
                                 num (uth_dtype_bytes (ctx->input.kv))),
                g_strdup (per), e.kv_bytes_per_token, TRUE);
  return TRUE;
}

/* KV cache 2: the cache of the whole batch. */
static gboolean
q_kv_total (const UthFigureContext *ctx,
            UthQuestion            *q)
{
  UthEstimate e;
  g_autofree char *kv = NULL, *total = NULL, *mem = NULL, *setup = NULL, *ctxlen = NULL;

  if (!estimate_at (ctx, NULL, &e))
    return FALSE;
  kv = uth_format_bytes (e.kv_cache_bytes);
  total = uth_format_bytes (e.total_memory_bytes);
  mem = uth_format_bytes (e.gpu_memory_bytes);
  setup = setup_name (ctx);
  ctxlen = uth_format_count ((double) MAX (ctx->input.prompt, ctx->input.context));
  question_set (q,
                g_strdup_printf (ngettext ("%s, %" PRIu64 " sequence of %s tokens: how large is the KV cache, and does everything fit?",
                                           "%s, %" PRIu64 " sequences of %s tokens: how large is the KV cache, and does everything fit?",
                                           (unsigned long) ctx->input.batch),
                                 setup, ctx->input.batch, ctxlen),
                e.fits
                ? g_strdup_printf (_("%s of KV cache; with the weights %s of %s: it fits."), kv, total, mem)
                : g_strdup_printf (_("%s of KV cache; with the weights %s of %s: it does not fit."), kv, total, mem),
                g_strdup_printf (_("Bytes per token × tokens × sequences; the cache grows with both, while the weights stay the same."
                                   )),
                g_strdup (kv), e.kv_cache_bytes, TRUE);
  return TRUE;
}

/* Batching 1: decode at batch 1. */
static gboolean
q_batching_one (const UthFigureContext *ctx,
                UthQuestion            *q)
{
  UthEstimateInput in = ctx->input;
  UthEstimate e;
  g_autofree char *rate = NULL, *setup = NULL, *wb = NULL, *bw = NULL;

  in.batch = 1;
  if (!estimate_at (ctx, &in, &e))
    return FALSE;
  rate = uth_format_tokens_rate (e.decode_tokens_per_second);
  setup = setup_name (ctx);
  wb = uth_format_bytes (e.weight_bytes);
  bw = uth_format_bandwidth (ctx->input.gpu->memory_bandwidth * ctx->input.gpus);
  question_set (q,
                g_strdup_printf (_("%s: how many tokens per second can decode reach at batch 1?"), setup),
                g_strdup_printf (_("About %s."), rate),
                g_strdup_printf (_("Every step reads all %s of weights for one token: at most %s ÷ %s, less the engine’s overheads. The GPU’s arithmetic is mostly idle."),
                                 wb, bw, wb),
                g_strdup (rate), e.decode_tokens_per_second, TRUE);
  return TRUE;
}

/* Batching 2: decode at a larger batch. */
static gboolean
q_batching_many (const UthFigureContext *ctx,
                 UthQuestion            *q)
{
  UthEstimateInput in = ctx->input;
  UthEstimate e;
  g_autofree char *rate = NULL, *per = NULL;

  in.batch = ctx->input.batch > 1 ? ctx->input.batch : 64;
  if (!estimate_at (ctx, &in, &e))
    return FALSE;
  rate = uth_format_tokens_rate (e.decode_tokens_per_second);
  per = uth_format_tokens_rate (e.decode_tokens_per_second_per_sequence);
  question_set (q,
                g_strdup_printf (_("And at batch %" PRIu64 ": how many tokens per second in all, and for each sequence?"), in.batch),
                g_strdup_printf (_("About %s in all, %s for each sequence."), rate, per),
                g_strdup_printf (_("The weights are read once per step for all %" PRIu64 " sequences, so the step costs little more while it stays memory-bound (here %s-bound): throughput grows with the batch, each sequence slows a little."),
                                 in.batch, uth_bound_id (e.decode_bound)),
                g_strdup (rate), e.decode_tokens_per_second, TRUE);
  return TRUE;
}

/* Speculative 1: the cost of a verify pass. */
static gboolean
q_speculative_verify (const UthFigureContext *ctx,
                      UthQuestion            *q)
{
  UthEstimateInput in = ctx->input;
  UthEstimate one, five;
  g_autofree char *ratio = NULL, *a = NULL, *b = NULL, *setup = NULL;
  double r;

  in.step_tokens = 5;
  in.context = MAX (in.context, 5);
  if (!estimate_at (ctx, NULL, &one) || !estimate_at (ctx, &in, &five) || !(one.decode_step_seconds > 0))
    return FALSE;
  r = five.decode_step_seconds / one.decode_step_seconds;
  ratio = uth_format_number (r);
  a = uth_format_seconds (one.decode_step_seconds);
  b = uth_format_seconds (five.decode_step_seconds);
  setup = setup_name (ctx);
  question_set (q,
                g_strdup_printf (_("%s, batch %" PRIu64 ": a draft proposed 4 tokens, and the target checks them and one more in a single pass of 5 tokens. How much longer does that pass take than an ordinary decode step?"),
                                 setup, ctx->input.batch),
                g_strdup_printf (_("%s× as long (%s against %s)."), ratio, b, a),
                g_strdup (_("While decode is memory-bound the pass reads the same weights whatever the number of tokens, so 5 tokens cost about as much as 1: that is why speculative decoding can pay.")),
                g_strdup (ratio), r, TRUE);
  return TRUE;
}

/* Speculative 2: expected tokens per pass and the speedup. */
static gboolean
q_speculative_expected (const UthFigureContext *ctx,
                        UthQuestion            *q)
{
  const double alpha = 0.8;
  const guint gamma = 4;
  double e = uth_speculative_expected_tokens (alpha, gamma);
  double sp = uth_speculative_speedup (alpha, gamma, 0.05);
  g_autofree char *et = uth_format_number (e), *st = uth_format_number (sp);

  question_set (q,
                /* xgettext:no-c-format */
                g_strdup (_("The target accepts each draft token with probability 0.8, the draft proposes 4. On average, how many tokens does one target pass yield, and how much faster is it with a draft costing 5% of a target step?")),
                g_strdup_printf (_("%s tokens a pass; %s× faster."), et, st),
                g_strdup_printf (_("(1 − 0.8⁵) ÷ (1 − 0.8) = %s: accepted tokens up to the first rejection, plus the target’s own. Divided by the time of 4 draft steps and one pass, 4 × 0.05 + 1 = 1.2."),
                                 et),
                g_strdup (et), e, FALSE);
  return TRUE;
}

/* Cost 1: dollars per million output tokens. */
static gboolean
q_cost_output (const UthFigureContext *ctx,
               UthQuestion            *q)
{
  UthEstimate e;
  g_autofree char *usd = NULL, *price = NULL, *setup = NULL, *rate = NULL;

  if (!estimate_at (ctx, NULL, &e))
    return FALSE;
  usd = uth_format_usd (e.cost_per_million_output_tokens);
  price = uth_format_usd (e.price_per_hour);
  rate = uth_format_tokens_rate (e.decode_tokens_per_second);
  setup = setup_name (ctx);
  question_set (q,
                g_strdup_printf (_("%s at %s per GPU-hour, batch %" PRIu64 ": what do a million output tokens cost?"),
                                 setup, price, ctx->input.batch),
                g_strdup_printf (_("About %s."), usd),
                g_strdup_printf (ngettext ("The set-up costs %s an hour for %u GPU and decodes %s in all: dollars per hour ÷ (tokens per second × 3600) × 1,000,000.",
                                           "The set-up costs %s an hour for each of %u GPUs and decodes %s in all: dollars per hour ÷ (tokens per second × 3600) × 1,000,000.",
                                           ctx->input.gpus),
                                 price, ctx->input.gpus, rate),
                g_strdup (usd), e.cost_per_million_output_tokens, TRUE);
  return TRUE;
}

/* Cost 2: the rule of thumb for decode speed. */
static gboolean
q_cost_thumb (const UthFigureContext *ctx,
              UthQuestion            *q)
{
  UthEstimate e;
  g_autofree char *rate = NULL, *bw = NULL, *wb = NULL, *detailed = NULL;

  if (!estimate_at (ctx, NULL, &e))
    return FALSE;
  rate = uth_format_tokens_rate (e.rule_of_thumb.decode_tokens_per_second);
  bw = uth_format_bandwidth (ctx->input.gpu->memory_bandwidth * ctx->input.gpus);
  wb = uth_format_bytes (e.weight_bytes);
  detailed = uth_format_tokens_rate (e.decode_tokens_per_second_per_sequence);
  question_set (q,
                g_strdup (_("Without the estimator, by the rule of thumb: how fast can one sequence decode on this set-up?")),
                g_strdup_printf (_("At most about %s."), rate),
                g_strdup_printf (_("Memory bandwidth ÷ bytes of weights = %s ÷ %s. The detailed estimate, with the KV cache and the engine’s efficiency, gives %s per sequence at this batch."),
                                 bw, wb, detailed),
                g_strdup (rate), e.rule_of_thumb.decode_tokens_per_second, TRUE);
  return TRUE;
}

/* Overview 1: the FLOPs per token of the layer's largest single product (the up projection). */
static gboolean
q_overview_up (const UthFigureContext *ctx,
               UthQuestion            *q)
{
  UthOverview o;
  const UthOverviewGemm *g;
  g_autofree char *k = NULL, *n = NULL, *exact = NULL, *value = NULL, *layers = NULL;

  if (ctx->input.model == NULL || ctx->input.gpu == NULL || ctx->input.engine == NULL ||
      uth_overview_compute (&ctx->input, &o) != UTH_ESTIMATE_OK)
    return FALSE;
  g = &o.gemms[o.largest];
  k = uth_overview_grouped ((double) g->k);
  n = uth_overview_grouped ((double) g->n);
  exact = uth_overview_grouped (g->flops_per_token);
  value = uth_format_flops (g->flops_per_token);
  layers = uth_format_flops (g->flops_per_token * o.layers);
  question_set (q,
                g_strdup_printf (_("%s of %s: a %s × %s weight matrix. How many FLOPs does it take per token?"),
                                 uth_overview_gemm_name (g), ctx->model != NULL ? ctx->model->name : _("the model"), k, n),
                g_strdup_printf (_("%s FLOP, about %s."), exact, value),
                g_strdup_printf (_("2 × K × N = 2 × %s × %s: a multiply and an add for each weight. Over %u layers that is %s per token for this product alone."),
                                 k, n, o.layers, layers),
                g_strdup (value), g->flops_per_token, TRUE);
  return TRUE;
}

/* Overview 2: how far below the ridge decode at batch 1 sits. */
static gboolean
q_overview_decode (const UthFigureContext *ctx,
                   UthQuestion            *q)
{
  UthOverview o;
  g_autofree char *ridge = NULL, *decode = NULL, *factor = NULL, *peak = NULL, *bw = NULL;

  if (ctx->input.model == NULL || ctx->input.gpu == NULL || ctx->input.engine == NULL ||
      uth_overview_compute (&ctx->input, &o) != UTH_ESTIMATE_OK)
    return FALSE;
  ridge = uth_format_intensity (o.ridge.ridge);
  decode = uth_format_intensity (o.decode_intensity_batch1);
  factor = uth_format_number (o.idle_factor);
  peak = uth_format_flops_rate (o.ridge.peak_flops);
  bw = uth_format_bandwidth (o.ridge.effective_bandwidth);
  question_set (q,
                g_strdup_printf (_("Decode at batch 1 does about %s. How many times more arithmetic per byte could the %s do?"),
                                 decode, ctx->gpu != NULL ? ctx->gpu->name : _("the GPU")),
                g_strdup_printf (_("About %s times: its ridge is at %s."), factor, ridge),
                g_strdup_printf (_("Ridge = peak ÷ effective bandwidth = %s ÷ %s = %s; %s ÷ %s = %s."),
                                 peak, bw, ridge, ridge, decode, factor),
                g_strdup (factor), o.idle_factor, TRUE);
  return TRUE;
}

/* ---------------------------------------------------------------------------------------- */
/* The table                                                                                */

static const LecturePage lecture_pages[] = {
  /* The Overview: one build per step of its walk (render/uth-draw-overview.h). */
  { "overview", "overview",
    { N_("Your text becomes token ids"), N_("Prefill: every prompt token through every layer at once"),
      N_("Decode: one token per step, all the weights each time"), N_("Prefill waits on the arithmetic"),
      N_("Decode waits on memory"), N_("Compute against getting data to it"), N_("What Making it fast is for"),
      N_("The matrix products of one layer"), N_("Their FLOP shares against 65/30/5"),
      N_("Arithmetic intensity and the ridge"), N_("Both phases on the roofline"), NULL },
    { q_overview_up, q_overview_decode }, { NULL, NULL, NULL } },
  { "tokens", "tokens",
    { N_("Your text and its token count"), N_("The tokens as coloured spans"), N_("The merges that build them, step by step"), NULL },
    { q_tokens_count, q_tokens_bits }, { NULL, NULL, NULL } },
  { "embed", "embed",
    { N_("Your tokens"), N_("The embedding table"), N_("The rows they pick, and the real table’s size"), NULL },
    { q_embed_params, q_embed_bytes }, { NULL, NULL, NULL } },
  { "position", "position",
    { N_("Sinusoidal positions as a heat map"), N_("RoPE turns pairs of dimensions"), N_("The dot product against distance"), NULL },
    { q_position_pairs, q_position_wavelength }, { NULL, NULL, NULL } },
  { "attention", "attention",
    { N_("The scores QKᵀ, with the causal mask"), N_("Softmax of each row: the weights"), N_("Where each head looks"), NULL },
    { q_attention_scores, q_attention_bytes }, { NULL, NULL, NULL } },
  { "softmax", "softmax",
    { N_("The logits: raw scores"), N_("Probabilities after temperature and cut-offs"), NULL },
    { q_softmax_top, q_softmax_hotter }, { NULL, NULL, NULL } },
  { "generation", "generation",
    { N_("The text so far"), N_("The candidates and the growing KV cache"), N_("Prefill, then one token a step"), NULL },
    { q_generation_ttft, q_generation_request }, { NULL, NULL, NULL } },
  { "shapes", "shapes",
    { N_("Tensor shapes through one layer"), N_("One tensor in detail"), NULL },
    { q_shapes_q, q_shapes_params }, { NULL, NULL, NULL } },
  { "model", "model",
    { N_("The layers, stacked"), N_("The totals"), NULL },
    { q_model_params, q_model_flops },
    { N_("Every layer of the chosen model stacked from the embedding at the top to the output layer at the bottom, each as long as its parameters, its FLOPs per token or the bytes it moves (the toggle above the figure). The panel on the right sums them."),
      N_("What a model costs to run follows from these sums: its parameters fix the memory for the weights and the bytes each decode step reads, its FLOPs per token the arithmetic of a prefill. Attention and the MLP share a layer unevenly."),
      N_("Switch between parameters, FLOPs and bytes, and between prefill and decode. Choose a mixture-of-experts model such as Mixtral: it has far more parameters than a token uses.") } },
  { "layer", "layer",
    { N_("The op list: FLOPs, bytes, time"), N_("Where the FLOPs go"), N_("The roofline, with the ridge"),
      N_("Memory-bound against compute-bound"), NULL },
    { q_layer_ridge, q_layer_decode },
    { N_("Every op of one layer of the chosen model as a row of a table with its FLOPs, the bytes it moves, their ratio (the arithmetic intensity) and its time; the share of FLOPs by group; and a roofline chart: each op as a point at its intensity, under the GPU’s memory slope and compute roof."),
      N_("An op whose intensity is left of the ridge waits on memory, one right of it on compute. In decode every matrix product sits far left, which is why decode speed is set by memory bandwidth and why batching helps."),
      N_("Switch from prefill to decode and watch the points slide left. Raise the batch until the matrix products cross the ridge. Choose a GPU with more bandwidth and see the ridge move.") } },
  { "tiling", "tiling",
    { N_("A matrix product cut into tiles"), N_("Tiles onto SMs, in waves"), N_("The K loop of one tile"), N_("DRAM traffic with and without reuse"), NULL },
    { q_tiling_waves, q_tiling_tail }, { NULL, NULL, NULL } },
  { "flash-attention", "flash",
    { N_("Standard against Flash Attention"), N_("Bytes against sequence length"), N_("How many times less"), NULL },
    { q_flash_memory, q_flash_traffic }, { NULL, NULL, NULL } },
  { "kv-cache", "kv",
    { N_("KV bytes per token: MHA, GQA, MQA, MLA"), N_("Growth with length and batch"), N_("The memory budget"), N_("What fits"), NULL },
    { q_kv_per_token, q_kv_total }, { NULL, NULL, NULL } },
  { "batching", "batching",
    { N_("Static batching"), N_("Continuous batching beside it"), N_("Utilization and throughput"), NULL },
    { q_batching_one, q_batching_many }, { NULL, NULL, NULL } },
  { "speculative", "speculative",
    { N_("A draft proposes, the target verifies"), N_("Acceptance and draft length"), N_("When it stops paying"), NULL },
    { q_speculative_verify, q_speculative_expected }, { NULL, NULL, NULL } },
  { "cost", "cost",
    { N_("Speed, memory and time"), N_("Rules of thumb beside the estimate"), N_("Every GPU compared"), NULL },
    { q_cost_output, q_cost_thumb }, { NULL, NULL, NULL } },
};

static const LecturePage *
find_lecture (const char *page_id)
{
  if (page_id == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (lecture_pages); i++)
    if (strcmp (lecture_pages[i].id, page_id) == 0)
      return &lecture_pages[i];
  return NULL;
}

void
uth_question_clear (UthQuestion *q)
{
  g_return_if_fail (q != NULL);

  g_free (q->question);
  g_free (q->answer);
  g_free (q->working);
  g_free (q->value_text);
  memset (q, 0, sizeof *q);
  q->value = NAN;
}

guint
uth_lecture_n_figure_builds (const char *page_id)
{
  const LecturePage *p = find_lecture (page_id);
  guint n = 0;

  if (p == NULL)
    return uth_draw_find_page (page_id) != NULL ? 1 : 0;
  while (n < MAX_FIGURE_BUILDS && p->captions[n] != NULL)
    n++;
  return n;
}

guint
uth_lecture_n_questions (const char *page_id)
{
  return find_lecture (page_id) != NULL ? N_QUESTIONS : 0;
}

guint
uth_lecture_n_builds (const char *page_id)
{
  const LecturePage *p = find_lecture (page_id);

  if (p == NULL)
    return uth_lecture_n_figure_builds (page_id);
  return uth_lecture_n_figure_builds (page_id) + N_EXPLANATION + 2 * N_QUESTIONS;
}

UthBuildKind
uth_lecture_build_kind (const char *page_id,
                        guint       build,
                        guint      *question)
{
  guint f = uth_lecture_n_figure_builds (page_id);

  if (question != NULL)
    *question = 0;
  if (build == 0 || build <= f || find_lecture (page_id) == NULL)
    return UTH_BUILD_FIGURE;
  if (build <= f + N_EXPLANATION)
    {
      if (question != NULL)
        *question = build - f - 1;
      return UTH_BUILD_EXPLANATION;
    }
  build = MIN (build, uth_lecture_n_builds (page_id)) - f - N_EXPLANATION - 1;
  if (question != NULL)
    *question = build / 2;
  return build % 2 == 0 ? UTH_BUILD_QUESTION : UTH_BUILD_ANSWER;
}

static const char *
explanation_heading (guint part)
{
  switch (part)
    {
    case 0: return _("What you see");
    case 1: return _("Why it matters");
    default: return _("Try this");
    }
}

const char *
uth_lecture_build_caption (const char *page_id,
                           guint       build)
{
  const LecturePage *p = find_lecture (page_id);
  guint f = uth_lecture_n_figure_builds (page_id), question;

  if (p == NULL)
    return "";
  if (build == 0)
    build = f;
  if (build > uth_lecture_n_builds (page_id))
    return "";
  switch (uth_lecture_build_kind (page_id, build, &question))
    {
    case UTH_BUILD_FIGURE: return _(p->captions[build - 1]);
    case UTH_BUILD_EXPLANATION: return explanation_heading (question);
    case UTH_BUILD_QUESTION: return _("A question for the room");
    case UTH_BUILD_ANSWER: return _("The answer, worked out");
    default: return "";
    }
}

gboolean
uth_lecture_question (const char             *page_id,
                      guint                   i,
                      const UthFigureContext *ctx,
                      UthQuestion            *q)
{
  const LecturePage *p = find_lecture (page_id);

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (q != NULL, FALSE);

  memset (q, 0, sizeof *q);
  q->value = NAN;
  if (p == NULL || i >= N_QUESTIONS)
    return FALSE;
  if (!p->questions[i] (ctx, q))
    {
      uth_question_clear (q);
      question_set (q, g_strdup (_("This question needs a valid scenario.")),
                    g_strdup (_("Choose a model, a GPU and a workload the estimator accepts, and the question is worked out for them.")),
                    g_strdup (""), NULL, NAN, FALSE);
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------------------- */
/* The explanation, read from the page's user interface                                    */

typedef struct
{
  gboolean   in_label;
  char      *context;
  GString   *text;
  GPtrArray *labels;   /* translated label strings, in document order */
} UiScan;

static void
ui_start (GMarkupParseContext  *context,
          const char           *element,
          const char          **names,
          const char          **values,
          gpointer              user_data,
          GError              **error)
{
  UiScan *scan = user_data;
  const char *name = NULL, *translatable = NULL, *msgctxt = NULL;

  if (strcmp (element, "property") != 0)
    return;
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], "name") == 0)
      name = values[i];
    else if (strcmp (names[i], "translatable") == 0)
      translatable = values[i];
    else if (strcmp (names[i], "context") == 0)
      msgctxt = values[i];
  if (g_strcmp0 (name, "label") == 0 && g_strcmp0 (translatable, "yes") == 0)
    {
      scan->in_label = TRUE;
      g_free (scan->context);
      scan->context = g_strdup (msgctxt);
      g_string_truncate (scan->text, 0);
    }
}

static void
ui_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 len,
         gpointer              user_data,
         GError              **error)
{
  UiScan *scan = user_data;

  if (scan->in_label)
    g_string_append_len (scan->text, text, (gssize) len);
}

static void
ui_end (GMarkupParseContext  *context,
        const char           *element,
        gpointer              user_data,
        GError              **error)
{
  UiScan *scan = user_data;

  if (!scan->in_label || strcmp (element, "property") != 0)
    return;
  scan->in_label = FALSE;
  g_ptr_array_add (scan->labels,
                   g_strdup (scan->context != NULL
                             ? g_dpgettext2 (GETTEXT_PACKAGE, scan->context, scan->text->str)
                             : g_dgettext (GETTEXT_PACKAGE, scan->text->str)));
}

/* The three paragraphs that follow the headings in the page's .ui, translated; FALSE when
 * the resource is not linked or has no explanation. */
static gboolean
explanation_from_ui (const LecturePage *p,
                     char              *out[3])
{
  static const GMarkupParser parser = { ui_start, ui_end, ui_text, NULL, NULL };
  const char *headings[3] = { explanation_heading (0), explanation_heading (1), explanation_heading (2) };
  g_autofree char *path = g_strdup_printf ("%s/pages/uth-page-%s.ui", RESOURCE_BASE, p->ui);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  GMarkupParseContext *context;
  UiScan scan = { FALSE, NULL, g_string_new (NULL), g_ptr_array_new_with_free_func (g_free) };
  gsize size;
  const char *data;
  gboolean found = FALSE;

  out[0] = out[1] = out[2] = NULL;
  if (bytes == NULL)
    goto out;
  data = g_bytes_get_data (bytes, &size);
  context = g_markup_parse_context_new (&parser, 0, &scan, NULL);
  if (g_markup_parse_context_parse (context, data, (gssize) size, NULL))
    for (guint i = 0; i + 1 < scan.labels->len; i++)
      for (guint h = 0; h < 3; h++)
        if (out[h] == NULL && strcmp (g_ptr_array_index (scan.labels, i), headings[h]) == 0)
          out[h] = g_strdup (g_ptr_array_index (scan.labels, i + 1));
  g_markup_parse_context_free (context);
  found = out[0] != NULL && out[1] != NULL && out[2] != NULL;
  if (!found)
    for (guint h = 0; h < 3; h++)
      g_clear_pointer (&out[h], g_free);
out:
  g_string_free (scan.text, TRUE);
  g_ptr_array_unref (scan.labels);
  g_free (scan.context);
  return found;
}

/* The three paragraphs, translated, from the .ui or else this module; FALSE when none. */
/* The .ui paragraphs of each page, read once (a slide is redrawn every frame it animates
 * or resizes; parsing the page's .ui there each time would be work in the draw path). The
 * value is a strv of the three paragraphs, or an empty strv when the .ui has none; kept for
 * the life of the process, like the translations it holds. */
G_LOCK_DEFINE_STATIC (explanations);
static GHashTable *explanations;

static gboolean
explanation_from_ui_cached (const LecturePage *p,
                            char              *out[3])
{
  /* Translated when read: one entry per page and language. */
  g_autofree char *key = g_strdup_printf ("%s|%s", p->ui, g_get_language_names ()[0]);
  char **cached;

  G_LOCK (explanations);
  if (explanations == NULL)
    explanations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  cached = g_hash_table_lookup (explanations, key);
  if (cached == NULL)
    {
      char *read[3];

      cached = g_new0 (char *, 4);
      if (explanation_from_ui (p, read))
        for (guint h = 0; h < 3; h++)
          cached[h] = read[h];
      g_hash_table_insert (explanations, g_strdup (key), cached);
    }
  for (guint h = 0; h < 3; h++)
    out[h] = g_strdup (cached[h]);
  G_UNLOCK (explanations);
  return out[0] != NULL;
}

static gboolean
explanation_parts (const LecturePage *p,
                   char              *parts[3])
{
  if (explanation_from_ui_cached (p, parts))
    return TRUE;
  if (p->explanation[0] == NULL)
    return FALSE;
  for (guint h = 0; h < 3; h++)
    parts[h] = g_strdup (_(p->explanation[h]));
  return TRUE;
}

char *
uth_lecture_explanation_part (const char *page_id,
                              guint       part)
{
  const LecturePage *p = find_lecture (page_id);
  char *parts[3] = { NULL, NULL, NULL };
  char *text;

  if (p == NULL || part >= 3 || !explanation_parts (p, parts))
    return NULL;
  text = parts[part];
  for (guint h = 0; h < 3; h++)
    if (h != part)
      g_free (parts[h]);
  return text;
}

char *
uth_lecture_explanation (const char *page_id)
{
  const LecturePage *p = find_lecture (page_id);
  char *parts[3] = { NULL, NULL, NULL };
  GString *markup;

  if (p == NULL || !explanation_parts (p, parts))
    return NULL;
  markup = g_string_new (NULL);
  for (guint h = 0; h < 3; h++)
    {
      g_autofree char *head = g_markup_escape_text (explanation_heading (h), -1);
      g_autofree char *body = g_markup_escape_text (parts[h], -1);

      g_string_append_printf (markup, "%s<b>%s</b>\n%s", h > 0 ? "\n\n" : "", head, body);
      g_free (parts[h]);
    }
  return g_string_free (markup, FALSE);
}

/* ---------------------------------------------------------------------------------------- */
/* The slide                                                                                */

/* "3 / 7": the page's step on its path; NULL for Home. */
static char *
slide_counter (const UthPageFigure *page)
{
  const UthPageFigure *figures;
  guint n, step = 0, steps = 0;

  if (page->path == UTH_PATH_HOME)
    return NULL;
  figures = uth_draw_get_page_figures (&n);
  for (guint i = 0; i < n; i++)
    if (figures[i].path == page->path)
      {
        steps++;
        if (&figures[i] <= page)
          step++;
      }
  return g_strdup_printf ("%u / %u", step, steps);
}

/* Paragraphs of markup in font from y; at a smaller scale until they fit above bottom. */
static void
draw_fitted_text (cairo_t                *cr,
                  const UthFigureContext *ctx,
                  const char * const     *markup,
                  const UthFont          *fonts,
                  const UthColorRole     *colors,
                  guint                   n,
                  double                  x,
                  double                  y,
                  double                  width,
                  double                  bottom,
                  double                  grow)
{
  UthFigureContext c = *ctx;
  double gap;

  /* From larger than the page's type down to fit: a slide of text fills the screen. */
  c.scale = ctx->scale * grow;

  for (int attempt = 0; attempt < 8; attempt++)
    {
      double h = 0;

      gap = uth_draw_font_px (&c, UTH_FONT_LABEL) * 0.8;
      for (guint i = 0; i < n; i++)
        {
          PangoLayout *layout = uth_draw_layout (cr, &c, fonts[i], "");
          int pw, ph;

          pango_layout_set_markup (layout, markup[i], -1);
          pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
          pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
          pango_layout_get_pixel_size (layout, &pw, &ph);
          h += ph + (i > 0 ? gap : 0);
          g_object_unref (layout);
        }
      if (y + h <= bottom || c.scale <= ctx->scale * 0.6)
        break;
      c.scale *= 0.9;
    }
  for (guint i = 0; i < n; i++)
    {
      uth_draw_set_color (cr, &c, colors[i]);
      y += uth_draw_paragraph (cr, &c, fonts[i], markup[i], x, y, width) + gap;
    }
}

static void
draw_text_build (const UthPageFigure    *page,
                 cairo_t                *cr,
                 double                  width,
                 double                  height,
                 const UthFigureContext *ctx,
                 UthBuildKind            kind,
                 guint                   question)
{
  double m = uth_draw_margin (ctx) * 2;
  double text_w = MIN (width - 2 * m, 1500 * ctx->scale);
  double x = (width - text_w) / 2;
  double y;
  g_autofree char *subtitle = NULL;

  uth_draw_background (cr, width, height, ctx);
  if (kind == UTH_BUILD_EXPLANATION)
    subtitle = g_strdup (explanation_heading (question));
  else
    subtitle = g_strdup_printf (_("Question %u of %u"), question + 1, uth_lecture_n_questions (page->id));
  y = uth_draw_title (cr, ctx, _(page->title), subtitle, x, m, text_w) + uth_draw_font_px (ctx, UTH_FONT_LABEL);

  if (kind == UTH_BUILD_EXPLANATION)
    {
      g_autofree char *text = uth_lecture_explanation_part (page->id, question);
      g_autofree char *markup = g_markup_escape_text (text != NULL ? text : "", -1);
      const char *parts[1] = { markup };
      const UthFont fonts[1] = { UTH_FONT_SUBTITLE };
      const UthColorRole colors[1] = { UTH_COLOR_FOREGROUND };

      draw_fitted_text (cr, ctx, parts, fonts, colors, 1, x, y, text_w, height - m / 2, 1.5);
    }
  else
    {
      UthQuestion q;
      g_autofree char *qm = NULL, *am = NULL, *wm = NULL;

      uth_lecture_question (page->id, question, ctx, &q);
      qm = g_markup_escape_text (q.question != NULL ? q.question : "", -1);
      am = g_markup_escape_text (q.answer != NULL ? q.answer : "", -1);
      wm = g_markup_escape_text (q.working != NULL ? q.working : "", -1);
      if (kind == UTH_BUILD_QUESTION)
        {
          const char *parts[1] = { qm };
          const UthFont fonts[1] = { UTH_FONT_TITLE };
          const UthColorRole colors[1] = { UTH_COLOR_FOREGROUND };

          draw_fitted_text (cr, ctx, parts, fonts, colors, 1, x, y, text_w, height - m / 2, 1.4);
        }
      else
        {
          const char *parts[3] = { qm, am, wm };
          const UthFont fonts[3] = { UTH_FONT_SUBTITLE, UTH_FONT_TITLE, UTH_FONT_SUBTITLE };
          const UthColorRole colors[3] = { UTH_COLOR_DIM, UTH_COLOR_ACCENT, UTH_COLOR_FOREGROUND };

          draw_fitted_text (cr, ctx, parts, fonts, colors, 3, x, y, text_w, height - m / 2, 1.3);
        }
      uth_question_clear (&q);
    }
}

/* The least text scale tried for a figure too tall for its slide at the window's scale. */
#define LECTURE_MIN_TRIAL_SCALE 0.7

/* A slide cannot scroll: a figure that asks for more height than the slide has is drawn
 * with a smaller text scale, down to the window's (1), where its layout fits; if it still
 * does not fit, that layout is shrunk as a whole. Never squashed into a height its layout
 * was not made for (bars collapsed into a strip, chips replaced by "… and N more"). */
void
uth_lecture_draw_figure (const UthPageFigure    *page,
                         cairo_t                *cr,
                         double                  width,
                         double                  height,
                         const UthFigureContext *ctx)
{
  UthFigureContext copy = *ctx, *c = &copy;
  double wanted;

  if (page->height == NULL)
    {
      uth_draw_page (page, cr, width, height, c);
      return;
    }
  wanted = page->height (width, c);
  while (wanted > height && c->scale > 1.0)
    {
      c->scale = MAX (1.0, c->scale * 0.95);
      wanted = page->height (width, c);
    }
  if (wanted <= height)
    {
      uth_draw_page (page, cr, width, height, c);
      return;
    }
  {
    /* Still too tall at the window's scale: a little less may switch the page to a wider
     * layout that fits far better (Cost's two columns); keep the scale whose drawing,
     * shrunk to the slide, shows the largest text. */
    UthFigureContext trial = *c;
    double best = c->scale * height / wanted;

    for (trial.scale = c->scale * 0.95; trial.scale >= LECTURE_MIN_TRIAL_SCALE; trial.scale *= 0.95)
      {
        double w = page->height (width, &trial);
        double shown = trial.scale * MIN (1.0, height / w);

        if (shown > best + 1e-9)
          {
            best = shown;
            c->scale = trial.scale;
            wanted = w;
          }
      }
  }
  if (wanted <= height)
    {
      uth_draw_page (page, cr, width, height, c);
      return;
    }
  {
    double k = height / wanted;

    cairo_save (cr);
    cairo_translate (cr, (width - width * k) / 2, 0);
    cairo_scale (cr, k, k);
    uth_draw_page (page, cr, width, wanted, c);
    cairo_restore (cr);
  }
}

void
uth_lecture_draw_slide (const UthPageFigure    *page,
                        cairo_t                *cr,
                        double                  width,
                        double                  height,
                        const UthFigureContext *ctx,
                        guint                   build)
{
  UthFigureContext c;
  guint n = uth_lecture_n_builds (page->id), f = uth_lecture_n_figure_builds (page->id), question;
  UthBuildKind kind;
  double s, foot_h, m;
  g_autofree char *counter = NULL, *caption = NULL;

  g_return_if_fail (page != NULL);
  g_return_if_fail (cr != NULL);
  g_return_if_fail (ctx != NULL);

  if (width < 1 || height < 1)
    return;
  c = *ctx;
  if (build == 0 || build > n)
    build = f;
  kind = uth_lecture_build_kind (page->id, build, &question);
  s = c.scale > 0 ? c.scale : 1.0;
  m = uth_draw_margin (&c);
  foot_h = uth_draw_font_px (&c, UTH_FONT_LABEL) * 2.2;

  cairo_save (cr);
  uth_draw_background (cr, width, height, &c);
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height - foot_h);
  cairo_clip (cr);
  if (kind == UTH_BUILD_FIGURE)
    {
      /* The last figure build is the figure exactly as the window draws it. */
      c.build = build >= f ? 0 : (int) build;
      uth_lecture_draw_figure (page, cr, width, height - foot_h, &c);
    }
  else
    {
      c.build = 0;
      draw_text_build (page, cr, width, height - foot_h, &c, kind, question);
    }
  cairo_restore (cr);

  /* The footer: the build's caption and where the lecture is. */
  uth_draw_set_color (cr, &c, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1.5 * s);
  cairo_move_to (cr, m, height - foot_h + 0.75 * s);
  cairo_line_to (cr, width - m, height - foot_h + 0.75 * s);
  cairo_stroke (cr);
  counter = slide_counter (page);
  if (n > 1)
    /* "2/8 · The embedding table": numbers and a separator, the same in every language. */
    caption = g_strdup_printf ("%u/%u · %s", build, n, uth_lecture_build_caption (page->id, build));
  else
    caption = g_strdup (_(page->title));
  {
    UthChartRect ext = { 0, 0, 0, 0 };
    double right = width - m;

    if (counter != NULL)
      {
        uth_draw_set_color (cr, &c, UTH_COLOR_DIM);
        uth_draw_text (cr, &c, UTH_FONT_LABEL, counter, right, height - foot_h / 2,
                       UTH_ANCHOR_E, 0, &ext);
        right = ext.x - 24 * s;
      }
    uth_draw_set_color (cr, &c, UTH_COLOR_FOREGROUND);
    uth_draw_text (cr, &c, UTH_FONT_LABEL, caption, m, height - foot_h / 2, UTH_ANCHOR_W,
                   MAX (right - m, 10), NULL);
  }
  cairo_restore (cr);
}

typedef struct
{
  const UthPageFigure    *page;
  const UthFigureContext *ctx;
  guint                   build;
} SlideData;

static void
slide_cb (cairo_t  *cr,
          double    width,
          double    height,
          gpointer  user_data)
{
  SlideData *d = user_data;

  uth_lecture_draw_slide (d->page, cr, width, height, d->ctx, d->build);
}

gboolean
uth_lecture_slide_to_file (const UthPageFigure    *page,
                           const UthFigureContext *ctx,
                           guint                   build,
                           const char             *path,
                           int                     width,
                           int                     height,
                           GError                **error)
{
  SlideData d = { page, ctx, build };

  g_return_val_if_fail (page != NULL, FALSE);
  g_return_val_if_fail (ctx != NULL, FALSE);
  return uth_draw_func_to_file (slide_cb, &d, path, width, height, error);
}
