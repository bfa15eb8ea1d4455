/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview's numbers (uth_overview_compute) against values worked by hand, for
 * Llama 2 7B on an A100 SXM 80 GB and Llama 3 8B on an H100 SXM: the up projection's
 * FLOPs per token, the FLOP shares of one layer, the ridge points and the intensity of
 * decode at batch 1. */
#include <glib.h>
#include <string.h>

#include "core/uth-overview.h"
#include "core-fixtures.h"

typedef struct
{
  UthModel         model;
  UthGpu           gpu;
  UthEngine        engine;
  UthEstimateInput input;
} Scenario;

/* The ideal roofline engine with the tuned engine's bandwidth efficiency (data/catalog/
 * engines.json: "weights stream at 85% of bandwidth", 0.849). */
static void
scenario_init (Scenario *s,
               UthModel  model,
               UthGpu    gpu)
{
  s->model = model;
  s->gpu = gpu;
  uth_engine_init_roofline (&s->engine);
  s->engine.bandwidth_efficiency = 0.849;
  uth_estimate_input_init (&s->input);   /* batch 1, prompt 1024, context 1024, bf16 */
  s->input.model = &s->model;
  s->input.gpu = &s->gpu;
  s->input.engine = &s->engine;
}

static gboolean
has_gemm (const UthOverview *o,
          const char        *id)
{
  size_t i;

  for (i = 0; i < o->n_gemms; i++)
    if (strcmp (o->gemms[i].id, id) == 0)
      return TRUE;
  return FALSE;
}

/* The product with that id; the test fails when there is none. */
static const UthOverviewGemm *
find_gemm (const UthOverview *o,
           const char        *id)
{
  size_t i;

  for (i = 0; i < o->n_gemms; i++)
    if (strcmp (o->gemms[i].id, id) == 0)
      return &o->gemms[i];
  g_error ("no product “%s” in the layer", id);
}

/* Llama 2 7B (d 4096, f 11008, 32 heads of 128, MHA): the fused gate/up op of the op list
 * is split into gate and up, 4096 x 11008 each. Up projection per token: 2 x 4096 x 11008
 * = 90,177,536 FLOP; for the 1024-token prompt 1024 times that = 92,341,796,864. */
static void
test_llama2_up_projection (void)
{
  Scenario s;
  UthOverview o;
  const UthOverviewGemm *up, *q, *v;

  scenario_init (&s, fixture_llama_2_7b (), fixture_a100_sxm_80gb ());
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_OK);
  g_assert_cmpuint (o.layers, ==, 32);
  g_assert_cmpuint (o.tokens, ==, 1024);
  up = find_gemm (&o, "up");
  g_assert_nonnull (up);
  g_assert_cmpstr (up->op_id, ==, "mlp_gate_up");
  g_assert_cmpuint (up->m, ==, 1024);
  g_assert_cmpuint (up->k, ==, 4096);
  g_assert_cmpuint (up->n, ==, 11008);
  g_assert_cmpfloat (up->flops_per_token, ==, 90177536.0);
  g_assert_cmpfloat (up->flops, ==, 92341796864.0);
  /* Gate, up and down all take 2 x 1024 x 4096 x 11008: the tie goes to the up projection,
   * the product the page works out. */
  g_assert_true (&o.gemms[o.largest] == up);
  /* Q, K and V are parts of the fused qkv_proj: 4096 x 4096 each under MHA. */
  q = find_gemm (&o, "q");
  v = find_gemm (&o, "v");
  g_assert_nonnull (q);
  g_assert_nonnull (v);
  g_assert_cmpuint (q->n, ==, 4096);
  g_assert_cmpuint (v->n, ==, 4096);
  g_assert_cmpfloat (q->flops_per_token, ==, 2.0 * 4096 * 4096);
  /* QK^T per head: (1024 x 128) . (128 x 1024), 32 heads. */
  g_assert_true (has_gemm (&o, "attn_scores"));
  g_assert_cmpuint (find_gemm (&o, "attn_scores")->count, ==, 32);
  g_assert_cmpuint (find_gemm (&o, "attn_scores")->k, ==, 128);
}

/* Llama 3 8B (f 14336, 8 KV heads): up projection per token 2 x 4096 x 14336 = 117,440,512;
 * K and V are 4096 x 1024 (8 heads of 128). */
static void
test_llama3_up_projection (void)
{
  Scenario s;
  UthOverview o;
  const UthOverviewGemm *up, *k;

  scenario_init (&s, fixture_llama_3_8b (), fixture_h100_sxm ());
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_OK);
  up = find_gemm (&o, "up");
  k = find_gemm (&o, "k");
  g_assert_nonnull (up);
  g_assert_nonnull (k);
  g_assert_cmpuint (up->n, ==, 14336);
  g_assert_cmpfloat (up->flops_per_token, ==, 117440512.0);
  g_assert_cmpuint (k->n, ==, 1024);
  g_assert_cmpfloat (k->flops_per_token, ==, 2.0 * 4096 * 1024);
  g_assert_true (&o.gemms[o.largest] == up);
}

/* One layer in the prefill of 1024 tokens (causal pairs 1024·1024 − 1024·1023/2 = 524,800):
 *   Llama 2 7B   projections 2·1024·4096·(12288 + 4096)        = 137,438,953,472
 *                attention    2·2·128·524800·32 + 5·524800·32    =   8,682,291,200
 *                MLP          2·1024·4096·(22016 + 11008) + 5·1024·11008 = 277,081,751,552
 *                other        norms 2·4·1024·4096, rotary 3·1024·64·128, adds 2·1024·4096
 *                                                               =      67,108,864
 *                total                                          = 423,270,105,088
 *   → MLP 65.46%, projections 32.47%, attention 2.05%: close to the 65/30/5 rule.
 *   Llama 3 8B   projections 2·1024·4096·(6144 + 4096) = 85,899,345,920; MLP
 *                2·1024·4096·(28672 + 14336) + 5·1024·14336 = 360,850,653,184; attention as
 *                above; other 57,671,680; total 455,489,961,984
 *   → MLP 79.22%, projections 18.86%, attention 1.91%: the rule of thumb is only a rule. */
static void
test_shares (void)
{
  Scenario s;
  UthOverview o;

  scenario_init (&s, fixture_llama_2_7b (), fixture_a100_sxm_80gb ());
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat (o.layer_flops, ==, 423270105088.0);
  g_assert_cmpfloat (o.group_flops[UTH_OP_GROUP_ATTN_PROJ], ==, 137438953472.0);
  g_assert_cmpfloat (o.group_flops[UTH_OP_GROUP_ATTN_MATMUL], ==, 8682291200.0);
  g_assert_cmpfloat (o.group_flops[UTH_OP_GROUP_MLP], ==, 277081751552.0);
  g_assert_cmpfloat_with_epsilon (o.group_share[UTH_OP_GROUP_MLP], 0.654622, 1e-6);
  g_assert_cmpfloat_with_epsilon (o.group_share[UTH_OP_GROUP_ATTN_PROJ], 0.324707, 1e-6);
  g_assert_cmpfloat_with_epsilon (o.group_share[UTH_OP_GROUP_ATTN_MATMUL], 0.020512, 1e-6);

  scenario_init (&s, fixture_llama_3_8b (), fixture_h100_sxm ());
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat (o.layer_flops, ==, 455489961984.0);
  g_assert_cmpfloat_with_epsilon (o.group_share[UTH_OP_GROUP_MLP], 0.792225, 1e-6);
  g_assert_cmpfloat_with_epsilon (o.group_share[UTH_OP_GROUP_ATTN_PROJ], 0.188587, 1e-6);
  g_assert_cmpfloat_with_epsilon (o.group_share[UTH_OP_GROUP_ATTN_MATMUL], 0.019061, 1e-6);

  /* The rule the page compares with. */
  g_assert_cmpfloat (uth_overview_rule_share (UTH_OP_GROUP_MLP), ==, 0.65);
  g_assert_cmpfloat (uth_overview_rule_share (UTH_OP_GROUP_ATTN_PROJ), ==, 0.30);
  g_assert_cmpfloat (uth_overview_rule_share (UTH_OP_GROUP_ATTN_MATMUL), ==, 0.05);
  g_assert_cmpfloat (uth_overview_rule_share (UTH_OP_GROUP_OTHER), ==, 0.0);
}

/* A longer prompt: the attention matmuls grow with the square of the sequence, the rest
 * linearly, so their share grows (Llama 2 7B at 4096 tokens: pairs 8,390,656, attention
 * 4·128·8390656·32 + 5·8390656·32 = 138,815,012,864 per layer, 7.72% of the layer's
 * 1,797,166,268,416). */
static void
test_shares_grow_with_length (void)
{
  Scenario s;
  UthOverview short_prompt, long_prompt;

  scenario_init (&s, fixture_llama_2_7b (), fixture_a100_sxm_80gb ());
  g_assert_cmpint (uth_overview_compute (&s.input, &short_prompt), ==, UTH_ESTIMATE_OK);
  s.input.prompt = s.input.context = 4096;
  g_assert_cmpint (uth_overview_compute (&s.input, &long_prompt), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat (long_prompt.group_flops[UTH_OP_GROUP_ATTN_MATMUL], ==, 138815012864.0);
  g_assert_cmpfloat (long_prompt.group_share[UTH_OP_GROUP_ATTN_MATMUL], >,
                     3 * short_prompt.group_share[UTH_OP_GROUP_ATTN_MATMUL]);
  g_assert_cmpfloat_with_epsilon (long_prompt.group_share[UTH_OP_GROUP_ATTN_MATMUL], 0.07724, 1e-5);
}

/* Ridge = peak ÷ (bandwidth × 0.849):
 *   A100: 312e12 ÷ (2.039e12 × 0.849 = 1.7311e12) = 180.23 FLOP/B (datasheet: 153.02)
 *   H100: 989.4e12 ÷ (3.35e12 × 0.849 = 2.8442e12) = 347.87 FLOP/B (datasheet: 295.34) */
static void
test_ridges (void)
{
  UthGpu a100 = fixture_a100_sxm_80gb (), h100 = fixture_h100_sxm ();
  UthEngine engine, broken;
  UthOverviewRidge r;

  uth_engine_init_roofline (&engine);
  engine.bandwidth_efficiency = 0.849;
  g_assert_true (uth_overview_ridge (&a100, &engine, UTH_DTYPE_BF16, &r));
  g_assert_cmpfloat (r.peak_flops, ==, 312e12);
  g_assert_cmpfloat_with_epsilon (r.effective_bandwidth, 1.731111e12, 1e6);
  g_assert_cmpfloat_with_epsilon (r.ridge, 180.231, 1e-3);
  g_assert_cmpfloat_with_epsilon (r.datasheet_ridge, 153.016, 1e-3);
  g_assert_true (uth_overview_ridge (&h100, &engine, UTH_DTYPE_BF16, &r));
  g_assert_cmpfloat_with_epsilon (r.ridge, 347.872, 1e-3);
  g_assert_cmpfloat_with_epsilon (r.datasheet_ridge, 295.343, 1e-3);

  /* The whole overview carries the scenario GPU's. */
  {
    Scenario s;
    UthOverview o;

    scenario_init (&s, fixture_llama_2_7b (), fixture_a100_sxm_80gb ());
    g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_OK);
    g_assert_cmpfloat_with_epsilon (o.ridge.ridge, 180.231, 1e-3);
  }

  /* Bad input: no GPU, or an engine that moves no bytes. */
  g_assert_false (uth_overview_ridge (NULL, &engine, UTH_DTYPE_BF16, &r));
  g_assert_cmpfloat (r.ridge, ==, 0.0);
  broken = engine;
  broken.bandwidth_efficiency = 0.0;
  g_assert_false (uth_overview_ridge (&a100, &broken, UTH_DTYPE_BF16, &r));
}

/* Decode at batch 1 reads every weight once and does 2 FLOPs with it: about 1 FLOP/byte in
 * bf16. With the KV cache of 1024 tokens:
 *   Llama 2 7B: weights streamed W = 32 layers x 202,383,360 + lm-head 131,072,000
 *     = 6,607,339,520 (2W FLOPs, 2W bytes); attention 4·128·1024·32·32 = 536,870,912 FLOPs
 *     over K and V of 2·1024·4096·2 B·32 = 536,870,912 bytes (MHA: 1 FLOP/byte too)
 *     → 1.00 FLOP/B.
 *   Llama 3 8B: W = 32 x 218,112,000 + 525,336,576 = 7,504,920,576; attention FLOPs as
 *     above, but GQA reads a quarter of the KV: 134,217,728 bytes
 *     → (2W + 536,870,912) ÷ (2W + 134,217,728) = 1.027 FLOP/B.
 * (Norms, the embedding row and activations add well under 1%.) The balance puts decode
 * far below the ridge, prefill of 1024 tokens above it. */
static void
test_decode_intensity (void)
{
  Scenario s;
  UthOverview o;

  scenario_init (&s, fixture_llama_2_7b (), fixture_a100_sxm_80gb ());
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat_with_epsilon (o.decode_intensity_batch1, 1.000, 0.01);
  g_assert_cmpfloat (o.decode_intensity_batch1, ==, o.decode_intensity);
  g_assert_cmpfloat (o.estimate.rule_of_thumb.decode_intensity, ==, 1.0);   /* 2 x 1 ÷ 2 B */
  g_assert_cmpfloat_with_epsilon (o.idle_factor, o.ridge.ridge / o.decode_intensity_batch1, 1e-9);
  g_assert_cmpfloat_with_epsilon (o.idle_factor, 180.2, 1.0);
  g_assert_cmpfloat (o.decode_memory_seconds, >, 100 * o.decode_compute_seconds);
  g_assert_cmpfloat (o.prefill_compute_seconds, >, o.prefill_memory_seconds);
  g_assert_cmpfloat (o.prefill_intensity, >, o.ridge.ridge);
  /* On the slope, a point's attainable rate is its intensity times the bandwidth. */
  g_assert_cmpfloat_with_epsilon (o.decode_attainable, o.decode_intensity * o.ridge.effective_bandwidth, 1.0);
  g_assert_cmpfloat (o.prefill_attainable, ==, o.ridge.peak_flops);

  scenario_init (&s, fixture_llama_3_8b (), fixture_h100_sxm ());
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat_with_epsilon (o.decode_intensity_batch1, 1.027, 0.006);

  /* At batch 16 the scenario's decode does about 16 times the work per byte of weights;
   * the batch-1 figure stays what it was. */
  s.input.batch = 16;
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat_with_epsilon (o.decode_intensity_batch1, 1.027, 0.006);
  g_assert_cmpfloat (o.decode_intensity, >, 10 * o.decode_intensity_batch1);
}

/* The balance is the estimate's FLOPs at the peak and bytes at the effective bandwidth. */
static void
test_balance (void)
{
  Scenario s;
  UthOverview o;

  scenario_init (&s, fixture_llama_3_8b (), fixture_h100_sxm ());
  s.input.gpus = 2;
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat_with_epsilon (o.prefill_compute_seconds, o.estimate.prefill_flops / (2 * 989.4e12), 1e-12);
  g_assert_cmpfloat_with_epsilon (o.decode_memory_seconds, o.estimate.decode_bytes / (2 * 3.35e12 * 0.849), 1e-12);
}

/* Mixtral 8x7B: the experts' products come as sets (count 8, m the tokens each expert gets
 * on average, 1024 x 2 / 8 = 256); the worked example stays a single product: the largest
 * with count 1 is a 4096 x 4096 attention projection (Q first), 2 x 4096 x 4096 = 33,554,432
 * FLOP per token. */
static void
test_moe (void)
{
  Scenario s;
  UthOverview o;
  const UthOverviewGemm *experts;

  scenario_init (&s, fixture_mixtral_8x7b (), fixture_h100_sxm ());
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_OK);
  experts = find_gemm (&o, "experts_gate_up");
  g_assert_nonnull (experts);
  g_assert_cmpuint (experts->count, ==, 8);
  g_assert_cmpuint (experts->m, ==, 256);
  g_assert_cmpuint (o.gemms[o.largest].count, ==, 1);
  g_assert_cmpstr (o.gemms[o.largest].id, ==, "q");
  g_assert_cmpfloat (o.gemms[o.largest].flops_per_token, ==, 33554432.0);
  g_assert_false (has_gemm (&o, "up"));
}

static void
test_errors (void)
{
  Scenario s;
  UthOverview o;

  scenario_init (&s, fixture_llama_2_7b (), fixture_a100_sxm_80gb ());
  s.input.batch = 0;
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_BAD_INPUT);
  g_assert_cmpuint (o.n_gemms, ==, 0);
  g_assert_cmpfloat (o.ridge.ridge, ==, 0.0);
  scenario_init (&s, fixture_llama_2_7b (), fixture_a100_sxm_80gb ());
  s.model.hidden = 0;
  g_assert_cmpint (uth_overview_compute (&s.input, &o), ==, UTH_ESTIMATE_BAD_MODEL);
  scenario_init (&s, fixture_llama_2_7b (), fixture_a100_sxm_80gb ());
  s.input.gpu = NULL;
  g_assert_cmpint (uth_overview_compute (&s.input, &o), !=, UTH_ESTIMATE_OK);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/overview/up-projection/llama-2-7b", test_llama2_up_projection);
  g_test_add_func ("/overview/up-projection/llama-3-8b", test_llama3_up_projection);
  g_test_add_func ("/overview/shares", test_shares);
  g_test_add_func ("/overview/shares-grow-with-length", test_shares_grow_with_length);
  g_test_add_func ("/overview/ridges", test_ridges);
  g_test_add_func ("/overview/decode-intensity", test_decode_intensity);
  g_test_add_func ("/overview/balance", test_balance);
  g_test_add_func ("/overview/moe", test_moe);
  g_test_add_func ("/overview/errors", test_errors);
  return g_test_run ();
}
