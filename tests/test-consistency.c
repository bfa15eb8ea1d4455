/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One truth across pages (issue 15): for four scenarios, the pages that show the same
 * quantity report the same value. What a page reports is read from what its figure says
 * (hover text, subtitles drawn from the shared accessors) and compared with the estimator
 * and with the other pages; a page that computed its own copy (its own workload mapping,
 * its own attention choice, its own TTFT) would disagree here. */
#include "config.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "catalog/uth-catalog.h"
#include "analysis-fixture.h"
#include "core/uth-batching.h"
#include "core/uth-estimate.h"
#include "core/uth-memory.h"
#include "core/uth-ops.h"
#include "core/uth-tiling.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-cost.h"
#include "render/uth-draw-fit.h"
#include "render/uth-draw-flash.h"
#include "render/uth-draw-layer.h"
#include "render/uth-draw-tiling.h"
#include "render/uth-draw.h"
#include "render/uth-formula.h"
#include "render/uth-layout-audit.h"

typedef struct
{
  const char *model;
  const char *gpu;
  guint       gpus;
  UthDtype    weights;
} Scenario;

/* DeepSeek-V3 is served in fp8, its native weights: 671 G x 1 byte fits in 8 x 141 GB,
 * in bf16 (1.34 TB) it would not. */
static const Scenario scenarios[] = {
  { "llama-3-8b", "h100-sxm", 1, UTH_DTYPE_BF16 },
  { "llama-3-70b", "h100-sxm", 2, UTH_DTYPE_BF16 },
  { "mixtral-8x7b", "h200", 1, UTH_DTYPE_BF16 },
  { "deepseek-v3", "h200", 8, UTH_DTYPE_FP8 },
};

static void
context_for (const Scenario   *sc,
             UthFigureContext *ctx)
{
  UthCatalog *catalog = uth_catalog_get_default ();
  const UthModelEntry *m = uth_catalog_find_model (catalog, sc->model);
  const UthGpuEntry *g = uth_catalog_find_gpu (catalog, sc->gpu);
  const UthEngineEntry *e = uth_catalog_find_engine (catalog, "tuned");

  g_assert_nonnull (m);
  g_assert_nonnull (g);
  g_assert_nonnull (e);
  uth_figure_context_init (ctx);
  uth_figure_context_set_entries (ctx, m, g, e);
  ctx->input.gpus = sc->gpus;
  ctx->input.weights = sc->weights;
  if (fixture_sources == NULL)
    analysis_fixture_init (catalog);
  analysis_fixture_rows (ctx);
}

/* Every tooltip a hit function answers down one vertical line at x, joined. */
static char *
scan_tooltips (UthHitFunc              hit_func,
               double                  width,
               double                  height,
               const UthFigureContext *ctx,
               double                  x,
               double                  step)
{
  GString *all = g_string_new (NULL);

  for (double y = step / 2; y < height; y += step)
    {
      UthFigureHit hit = { -1, NULL };

      if (hit_func (width, height, ctx, x, y, &hit) && hit.tooltip != NULL &&
          strstr (all->str, hit.tooltip) == NULL)
        g_string_append_printf (all, "%s\n----\n", hit.tooltip);
      g_free (hit.tooltip);
    }
  return g_string_free (all, FALSE);
}

static const UthOp *
find_op (const UthLayerEstimate *le,
         const char             *id)
{
  for (size_t i = 0; i < le->n; i++)
    if (strcmp (le->ops[i].id, id) == 0)
      return &le->ops[i];
  return NULL;
}

/* The workload every page uses is the estimator's, with one clamping. */
static void
test_one_workload (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      UthFigureContext ctx;
      UthWorkload a, b;

      context_for (&scenarios[i], &ctx);
      ctx.input.batch = 4;
      ctx.input.prompt = 300;
      ctx.input.context = 2000;
      ctx.input.step_tokens = 3;
      for (int p = 0; p < 2; p++)
        {
          g_assert_true (uth_figure_context_workload (&ctx, (UthPhase) p, &a));
          g_assert_true (uth_estimate_workload (&ctx.input, (UthPhase) p, &b));
          g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
        }
      /* Decode: 3 new tokens per sequence, 2000 cached; prefill: 300 with 300 cached. */
      g_assert_cmpuint (a.tokens, ==, 3);
      g_assert_cmpuint (a.context, ==, 2000);
      g_assert_cmpuint (a.tensor_parallel, ==, scenarios[i].gpus);
      g_assert_true (a.flash_attention);
    }
}

/* Layer's table reports the estimator's op list and times: the attention-scores op's
 * bytes and time, and a GEMM's bound and time, read from the table's hover text. */
static void
test_layer_reads_the_estimator (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      UthFigureContext ctx;
      UthLayerEstimate le;
      const UthOp *scores, *qkv;
      g_autofree char *tips = NULL, *bytes = NULL, *t = NULL, *want = NULL;
      size_t k;

      context_for (&scenarios[i], &ctx);
      g_assert_true (uth_estimate_layer (&ctx.input, UTH_PHASE_PREFILL, 0, &le));
      scores = find_op (&le, "attn_scores");
      qkv = find_op (&le, "qkv_proj") != NULL ? find_op (&le, "qkv_proj") : find_op (&le, "q_proj");
      g_assert_nonnull (scores);
      tips = scan_tooltips (uth_draw_layer_table_hit, 1400, 900, &ctx, 100, 4);
      bytes = uth_format_bytes (uth_op_bytes (scores));
      want = g_strdup_printf ("<b>attn_scores</b>");
      g_assert_nonnull (strstr (tips, want));
      g_assert_nonnull (strstr (strstr (tips, want), bytes));
      for (k = 0; k < le.n; k++)
        if (&le.ops[k] == scores)
          break;
      t = uth_format_seconds (le.time[k].seconds);
      g_assert_nonnull (strstr (strstr (tips, want), t));
      if (qkv != NULL)
        {
          g_autofree char *q = g_strdup_printf ("<b>%s</b>", qkv->id);
          g_assert_nonnull (strstr (tips, q));
        }
      /* The layer's time sums its ops (the time formula of the page). */
      {
        double sum = 0;

        for (k = 0; k < le.n; k++)
          sum += le.time[k].seconds * le.ops[k].repeat;
        g_assert_cmpfloat_with_epsilon (sum, le.seconds, 1e-15);
        g_assert_cmpfloat_with_epsilon (le.compute_seconds + le.memory_seconds + le.other_seconds,
                                        le.seconds, 1e-15);
      }
    }
}

/* Shapes shows the whole layer, Layer one GPU's share: the attention scores of one
 * layer split over the GPUs exactly (heads are split), and both follow the scenario's
 * attention. Hand check, Llama 3 8B prefill of 1024 with flash: QK^T reads Q (1024 x 32
 * x 128) and K (1024 x 8 x 128) at 2 bytes = 8,388,608 + 2,097,152 = 10,485,760 B, writes
 * the new tokens' K and V to the cache (1024 x 2 x 8 x 128 x 2 = 4,194,304 B) and no
 * scores (they stay on chip): 14,680,064 B = 14.7 MB, Layer's figure of issue 15 item 1.
 * Standard attention adds the 32 x 1024 x 1024 score matrix written at 2 bytes,
 * 67,108,864 B: 81.8 MB, the figure Shapes showed without saying why. */
static void
test_attention_bytes_agree (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      UthFigureContext ctx;
      UthLayerEstimate per_gpu, whole;
      UthEstimateInput one;

      context_for (&scenarios[i], &ctx);
      g_assert_true (uth_estimate_layer (&ctx.input, UTH_PHASE_PREFILL, 0, &per_gpu));
      one = ctx.input;
      one.gpus = 1;
      g_assert_true (uth_estimate_layer (&one, UTH_PHASE_PREFILL, 0, &whole));
      g_assert_cmpfloat_with_epsilon (uth_op_bytes (find_op (&per_gpu, "attn_scores")) * scenarios[i].gpus,
                                      uth_op_bytes (find_op (&whole, "attn_scores")), 1.0);
    }
  {
    UthFigureContext ctx;
    UthLayerEstimate le;

    context_for (&scenarios[0], &ctx);
    g_assert_true (uth_estimate_layer (&ctx.input, UTH_PHASE_PREFILL, 0, &le));
    g_assert_cmpfloat (uth_op_bytes (find_op (&le, "attn_scores")), ==, 14680064.0);
    ctx.input.attention = UTH_ATTENTION_STANDARD;
    g_assert_true (uth_estimate_layer (&ctx.input, UTH_PHASE_PREFILL, 0, &le));
    g_assert_cmpfloat (uth_op_bytes (find_op (&le, "attn_scores")), ==, 14680064.0 + 67108864.0);
    g_assert_false (le.work.flash_attention);
  }
}

/* Cost's GPU comparison reports, for the scenario's GPU at the scenario's count, the
 * same tokens/s, TTFT and $/M as the estimate (the cards and `estimate`). */
static void
test_cost_rows_match_estimate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      UthFigureContext ctx;
      UthEstimate est;
      g_autofree char *tips = NULL, *head = NULL, *tps = NULL, *ttft = NULL, *cout = NULL;
      const char *row;

      context_for (&scenarios[i], &ctx);
      g_assert_cmpint (uth_estimate (&ctx.input, &est), ==, UTH_ESTIMATE_OK);
      ctx.estimate = &est;
      g_assert_true (est.fits);
      /* TTFT is the prefill everywhere (item 4). */
      g_assert_cmpfloat (est.ttft_seconds, ==, est.prefill_seconds);
      tips = scan_tooltips (uth_draw_cost_hit, 1600, 1000, &ctx, 1300, 8);
      head = g_markup_printf_escaped ("<b>%u × %s</b>", scenarios[i].gpus, ctx.gpu->name);
      row = strstr (tips, head);
      g_assert_nonnull (row);
      tps = uth_format_tokens_rate (est.decode_tokens_per_second);
      ttft = uth_format_seconds (est.ttft_seconds);
      cout = uth_format_usd (est.cost_per_million_output_tokens);
      g_assert_nonnull (strstr (row, tps));
      g_assert_nonnull (strstr (row, ttft));
      g_assert_nonnull (strstr (row, cout));
    }
}

/* The KV cache page's budget and the Batching page's step are the estimator's. */
static void
test_kv_and_batching_match_estimate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      UthFigureContext ctx;
      UthEstimate est;
      UthMemoryBudget b;
      UthBatchUtilization u;

      context_for (&scenarios[i], &ctx);
      g_assert_cmpint (uth_estimate (&ctx.input, &est), ==, UTH_ESTIMATE_OK);
      g_assert_cmpint (uth_memory_budget (&ctx.input, &b), ==, UTH_ESTIMATE_OK);
      g_assert_cmpfloat (b.kv, ==, est.kv_cache_bytes);
      g_assert_true (uth_batch_utilization (&ctx.input, 1, &u));
      g_assert_cmpfloat (u.tokens_per_second, ==, est.decode_tokens_per_second);
      g_assert_cmpfloat (u.weight_bytes + u.kv_bytes, <=, est.decode_bytes);
    }
}

/* The decode rule of thumb is the same on Cost, Home and the CLI (uth_rule_value and the
 * estimator's rule_of_thumb), and for a mixture of experts reads only the weights a token
 * uses. Mixtral 8x7B, per layer: attention 4096 x 4096 x 2 + 4096 x 1024 x 2 = 41,943,040,
 * two active experts 2 x 3 x 4096 x 14336 = 352,321,536, router 4096 x 8 = 32,768, norms
 * 8,192: 394,305,536; x 32 layers = 12,617,777,152; embedding and lm-head 2 x 32000 x 4096
 * = 262,144,000; final norm 4,096: 12,879,925,248 active parameters. H200 4.8 TB/s ÷
 * (12.88 G x 2 bytes) = 186.3 tok/s (against 51 tok/s dividing by all 46.7 G). */
static void
test_rules_of_thumb_agree (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      UthFigureContext ctx;
      UthEstimate est;

      context_for (&scenarios[i], &ctx);
      g_assert_cmpint (uth_estimate (&ctx.input, &est), ==, UTH_ESTIMATE_OK);
      g_assert_cmpfloat_with_epsilon (uth_rule_value (UTH_RULE_DECODE_SPEED, &ctx) /
                                      est.rule_of_thumb.decode_tokens_per_second, 1.0, 1e-12);
      g_assert_cmpfloat (est.rule_of_thumb.decode_weight_bytes, ==,
                         est.active_params * uth_dtype_bytes (scenarios[i].weights));
    }
  {
    UthFigureContext ctx;
    UthEstimate est;

    context_for (&scenarios[2], &ctx);
    g_assert_cmpint (uth_estimate (&ctx.input, &est), ==, UTH_ESTIMATE_OK);
    g_assert_cmpfloat (est.active_params, ==, 12879925248.0);
    g_assert_cmpfloat_with_epsilon (est.rule_of_thumb.decode_tokens_per_second,
                                    4.8e12 / (12879925248.0 * 2.0), 1e-6);
  }
}

/* Tiling and the estimator on the same GEMM: the each-once count is the estimator's op
 * (bytes and intensity), and the L2 count lies between tiled and each-once. Llama 3 8B,
 * M = 1024, K = 4096, N = 14336, bf16: each once = (1024 x 4096 + 4096 x 14336 + 1024 x
 * 14336) x 2 = (4,194,304 + 58,720,256 + 14,680,064) x 2 = 155,189,248 B; tiled 128 x 128
 * reads A 112 times and B 8 times (469,762,048 + 469,762,048 + 14,680,064) x 2:
 * (1024 x 4096 x 112 + 4096 x 14336 x 8 + 1024 x 14336) x 2 = 1,908,408,320 B. */
static void
test_tiling_matches_estimator (void)
{
  UthFigureContext ctx;
  UthTilingView view;
  UthTiling t;
  UthOp op;

  context_for (&scenarios[0], &ctx);
  g_assert_true (uth_tiling_view_init (&view, &ctx));
  g_assert_cmpfloat (view.input.l2_bytes, ==, 52428800.0);
  g_assert_cmpint (uth_tiling_compute (&view.input, &t), ==, UTH_TILING_OK);
  uth_gemm_op (view.input.m, view.input.k, view.input.n, view.input.bytes_per_element, &op);
  g_assert_cmpfloat (t.bytes_ideal, ==, 155189248.0);
  g_assert_cmpfloat (uth_op_bytes (&op), ==, t.bytes_ideal);
  g_assert_cmpfloat (t.bytes_tiled, ==, 1908408320.0);
  g_assert_cmpfloat (t.bytes_l2, <, t.bytes_tiled);
  g_assert_cmpfloat (t.bytes_l2, >=, t.bytes_ideal);
  g_assert_cmpfloat (t.l2_absorbed, >, 0.0);
  g_assert_cmpfloat (t.l2_absorbed, <, 1.0);
}

/* Does-not-fit is a state (item 5): Llama 3 70B on one H100 needs 141 GB of weights
 * against 85.9 GB; every page that shows its speed (Home, Generation, Layer, Cost) says so
 * with the least set-up that fits, two of them (see test-cli's hand count); on two it fits
 * and no page warns. Cost's GPU rows stop at what fits: the scenario's GPU is listed at 2. */
static void
test_does_not_fit (void)
{
  UthFigureContext ctx;
  UthEstimate est;
  g_autofree char *warning = NULL, *want = NULL, *tips = NULL, *head = NULL;

  context_for (&scenarios[1], &ctx);
  ctx.input.gpus = 1;
  g_assert_cmpint (uth_estimate (&ctx.input, &est), ==, UTH_ESTIMATE_OK);
  g_assert_false (est.fits);
  g_assert_cmpuint (est.min_gpus, ==, 2);
  warning = uth_draw_fit_warning (&ctx);
  g_assert_nonnull (warning);
  want = g_strdup_printf ("2 × %s", ctx.gpu->name);
  g_assert_nonnull (strstr (warning, want));
  ctx.estimate = &est;
  tips = scan_tooltips (uth_draw_cost_hit, 1600, 1000, &ctx, 1300, 8);
  head = g_markup_printf_escaped ("<b>2 × %s</b>", ctx.gpu->name);
  g_assert_nonnull (strstr (tips, head));
  ctx.input.gpus = 2;
  ctx.estimate = NULL;
  g_assert_null (uth_draw_fit_warning (&ctx));
}

/* Every text a figure draws at width x height, joined by newlines (the layout audit's
 * recorder sees every text the shared helpers draw). */
static char *
drawn_texts (UthDrawFunc             draw,
             const UthFigureContext *ctx,
             int                     width,
             int                     height)
{
  g_autoptr(UthLayoutAudit) audit = uth_layout_audit_new (width, height, 1);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  GString *all = g_string_new (NULL);

  uth_layout_audit_begin (audit);
  draw (cr, width, height, ctx);
  uth_layout_audit_end (audit);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  for (guint i = 0; i < uth_layout_audit_get_n_texts (audit); i++)
    g_string_append_printf (all, "%s\n", uth_layout_audit_get_text (audit, i)->text);
  return g_string_free (all, FALSE);
}

/* Llama 3 70B in bf16 needs 141 GB of weights: on one H100 (80 GB) the Cost page draws the
 * does-not-fit box naming 2 x H100 and none of its speed or price cards; on two it draws
 * the cards and no such box. */
static void
test_cost_does_not_fit_drawn (void)
{
  UthFigureContext ctx;
  UthEstimate est;
  g_autofree char *one = NULL, *two = NULL;

  context_for (&scenarios[1], &ctx);
  ctx.input.gpus = 1;
  g_assert_cmpint (uth_estimate (&ctx.input, &est), ==, UTH_ESTIMATE_OK);
  ctx.estimate = &est;
  one = drawn_texts (uth_draw_cost, &ctx, 1600, 1000);
  g_assert_nonnull (strstr (one, "Does not fit"));
  g_assert_nonnull (strstr (one, "set GPUs to 2"));
  g_assert_null (strstr (one, "$ per million input tokens\n"));
  g_assert_null (strstr (one, "Decode speed per sequence"));

  ctx.input.gpus = 2;
  g_assert_cmpint (uth_estimate (&ctx.input, &est), ==, UTH_ESTIMATE_OK);
  two = drawn_texts (uth_draw_cost, &ctx, 1600, 1000);
  g_assert_null (strstr (two, "Does not fit"));
  g_assert_nonnull (strstr (two, "Decode speed per sequence"));
}

/* Labels that say what they count (issue 15 items 3, 7, 8): Flash Attention's roofline card
 * is the pure roofline with the engine's estimate beside it; Layer's share bars name this
 * model's split and the general rule; on one GPU the rule-of-thumb gap names no
 * communication, on two it may. */
static void
test_labels_drawn (void)
{
  UthFigureContext ctx;
  UthEstimate est;
  g_autofree char *flash = NULL, *layer = NULL, *one = NULL, *two = NULL;

  context_for (&scenarios[0], &ctx);
  g_assert_cmpint (uth_estimate (&ctx.input, &est), ==, UTH_ESTIMATE_OK);
  ctx.estimate = &est;
  flash = drawn_texts (uth_draw_flash, &ctx, 1600, 1000);
  g_assert_nonnull (strstr (flash, "Roofline time, standard → flash"));
  g_assert_nonnull (strstr (flash, "engine’s estimate: "));
  layer = drawn_texts (uth_draw_layer, &ctx, 1600, 1000);
  g_assert_nonnull (strstr (layer, "This model"));
  g_assert_nonnull (strstr (layer, "General rule"));
  one = drawn_texts (uth_draw_cost, &ctx, 1600, 1000);
  g_assert_nonnull (strstr (one, "one GPU: no communication"));

  context_for (&scenarios[1], &ctx);
  g_assert_cmpint (uth_estimate (&ctx.input, &est), ==, UTH_ESTIMATE_OK);
  ctx.estimate = &est;
  two = drawn_texts (uth_draw_cost, &ctx, 1600, 1000);
  g_assert_null (strstr (two, "one GPU: no communication"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/consistency/workload", test_one_workload);
  g_test_add_func ("/consistency/layer-reads-the-estimator", test_layer_reads_the_estimator);
  g_test_add_func ("/consistency/attention-bytes", test_attention_bytes_agree);
  g_test_add_func ("/consistency/cost-rows", test_cost_rows_match_estimate);
  g_test_add_func ("/consistency/kv-and-batching", test_kv_and_batching_match_estimate);
  g_test_add_func ("/consistency/rules-of-thumb", test_rules_of_thumb_agree);
  g_test_add_func ("/consistency/tiling", test_tiling_matches_estimator);
  g_test_add_func ("/consistency/does-not-fit", test_does_not_fit);
  g_test_add_func ("/consistency/cost-does-not-fit-drawn", test_cost_does_not_fit_drawn);
  g_test_add_func ("/consistency/labels-drawn", test_labels_drawn);
  return g_test_run ();
}
