/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Cost page's analysis: rules of thumb against the estimate, and the GPU comparison. */
#include <glib.h>
#include <math.h>

#include "core/uth-cost.h"
#include "core-fixtures.h"

/* https://huggingface.co/meta-llama/Meta-Llama-3-70B/blob/main/config.json */
static UthModel
llama_3_70b (void)
{
  UthModel m = fixture_llama_3_8b ();

  m.hidden = 8192; m.layers = 80; m.heads = 64; m.kv_heads = 8; m.head_dim = 128;
  m.ffn = 28672;
  return m;
}

typedef struct
{
  UthModel         model;
  UthGpu           gpu;
  UthEngine        engine;
  UthEstimateInput input;
} Scenario;

static void
scenario_init (Scenario *s)
{
  s->model = fixture_llama_3_8b ();
  s->gpu = fixture_h100_sxm ();
  uth_engine_init_roofline (&s->engine);
  uth_estimate_input_init (&s->input);
  s->input.model = &s->model;
  s->input.gpu = &s->gpu;
  s->input.engine = &s->engine;
}

static void
test_ids (void)
{
  g_assert_cmpstr (uth_thumb_id (UTH_THUMB_DECODE_SPEED), ==, "decode-speed");
  g_assert_cmpstr (uth_gap_reason_id (UTH_GAP_KV_READS), ==, "kv-reads");
  g_assert_cmpstr (uth_gap_reason_id (UTH_N_GAPS), ==, "unknown");
}

/* Weights: params x 2 bytes either way, so the rule holds exactly. */
static void
test_weight_memory (void)
{
  Scenario s;
  UthThumbCheck c[UTH_N_THUMBS];

  scenario_init (&s);
  g_assert_cmpint (uth_cost_check_thumbs (&s.input, c), ==, UTH_COST_OK);
  g_assert_cmpfloat_with_epsilon (c[UTH_THUMB_WEIGHT_MEMORY].ratio, 1.0, 1e-12);
  g_assert_cmpint (c[UTH_THUMB_WEIGHT_MEMORY].reason, ==, UTH_GAP_NONE);
  /* Llama 3 8B: 8,030,261,248 parameters x 2 bytes. */
  g_assert_cmpfloat (c[UTH_THUMB_WEIGHT_MEMORY].rule, ==, 2.0 * 8030261248.0);
}

/* FLOPs per token at context 1024: attention adds 4 x 1024 x 32 heads x 128 x 32 layers =
 * 0.54 GFLOP (+3.3% of 2 x 8.03e9 = 16.06 GFLOP), while the rule counts the untied 128256 x
 * 4096 embedding (-2 x 525e6 = -1.05 GFLOP, -6.5%) that a lookup never multiplies: the
 * embedding explains the gap. At context 32768 attention adds 17.2 GFLOP (+107%). */
static void
test_flops_reason (void)
{
  Scenario s;
  UthThumbCheck c[UTH_N_THUMBS];
  const UthThumbCheck *f = &c[UTH_THUMB_FLOPS_PER_TOKEN];

  scenario_init (&s);
  s.input.context = 1024;
  g_assert_cmpint (uth_cost_check_thumbs (&s.input, c), ==, UTH_COST_OK);
  g_assert_cmpfloat (fabs (f->share[UTH_GAP_EMBEDDING] + 2.0 * 525336576.0 / f->rule), <, 1e-9);
  g_assert_cmpfloat (fabs (f->share[UTH_GAP_ATTENTION_FLOPS] - 0.0334), <, 0.003);
  g_assert_cmpint (f->reason, ==, UTH_GAP_EMBEDDING);
  g_assert_cmpfloat (f->ratio, <, 1.0);

  s.input.context = 32768;
  g_assert_cmpint (uth_cost_check_thumbs (&s.input, c), ==, UTH_COST_OK);
  g_assert_cmpint (f->reason, ==, UTH_GAP_ATTENTION_FLOPS);
  g_assert_cmpfloat (f->ratio, >, 1.9);
}

/* Decode at batch 1, context 32768: the KV cache is 32768 x 128 KiB = 4.29 GB beside the
 * 16.06 GB of weights the rule counts, of which the 1.05 GB embedding table is not read (one
 * row per token): the ideal speed is 16.06 / (15.01 + 4.29) = 0.83 of the rule, and the KV
 * reads are the larger reason. */
static void
test_decode_reason (void)
{
  Scenario s;
  UthThumbCheck c[UTH_N_THUMBS];
  const UthThumbCheck *d = &c[UTH_THUMB_DECODE_SPEED];

  scenario_init (&s);
  s.input.context = 32768;
  g_assert_cmpint (uth_cost_check_thumbs (&s.input, c), ==, UTH_COST_OK);
  g_assert_cmpint (d->reason, ==, UTH_GAP_KV_READS);
  g_assert_cmpfloat (fabs (d->ratio - 0.83), <, 0.02);
  g_assert_cmpfloat (d->share[UTH_GAP_EMBEDDING], <, 0.0);

  /* Batch 1024 at context 32: 2 x 8.03e9 x 1024 / 989.4e12 = 16.6 ms of compute against
   * (15.0 + 4.3) GB / 3.35 TB/s = 5.8 ms of reads: compute-bound, bandwidth not the limit. */
  s.input.context = 32;
  s.input.batch = 1024;
  g_assert_cmpint (uth_cost_check_thumbs (&s.input, c), ==, UTH_COST_OK);
  g_assert_cmpint (d->reason, ==, UTH_GAP_COMPUTE_BOUND);

  /* A real engine's launch overheads at batch 1 and a short context: 32 layers x 12 x 5 us =
   * 1.9 ms beside the 4.5 ms of weight reads. */
  s.input.batch = 1;
  s.engine.launch_overhead_s = 5e-6;
  s.engine.kernels_per_layer = 12;
  g_assert_cmpint (uth_cost_check_thumbs (&s.input, c), ==, UTH_COST_OK);
  g_assert_cmpint (d->reason, ==, UTH_GAP_OVERHEADS);
}

/* Prefill of 4096 tokens, shares in units of the rule's time per token (2 x params at peak):
 * attention adds, while the lm-head runs once per sequence rather than per token, saving
 * 2 x 128256 x 4096 x (4095 / 4096) FLOPs per token, -6.5% of 16.06 GFLOP. The reason named
 * is the largest share. */
static void
test_prefill_reason (void)
{
  Scenario s;
  UthThumbCheck c[UTH_N_THUMBS];
  const UthThumbCheck *p = &c[UTH_THUMB_PREFILL_SPEED];
  int i, largest = 0;

  scenario_init (&s);
  s.input.prompt = 4096;
  s.input.context = 4096;
  g_assert_cmpint (uth_cost_check_thumbs (&s.input, c), ==, UTH_COST_OK);
  g_assert_cmpfloat (p->share[UTH_GAP_ATTENTION_FLOPS], >, 0.0);
  g_assert_cmpfloat (p->share[UTH_GAP_LM_HEAD], <, 0.0);
  g_assert_cmpfloat (fabs (p->share[UTH_GAP_LM_HEAD] +
                           2.0 * 128256 * 4096 * (4095.0 / 4096) * p->rule / 989.4e12), <, 1e-9);
  g_assert_cmpfloat (fabs (p->share[UTH_GAP_LM_HEAD] + 0.0654), <, 0.001);
  for (i = 1; i < UTH_N_GAPS; i++)
    if (fabs (p->share[i]) > fabs (p->share[largest]))
      largest = i;
  if (fabs (p->ratio - 1.0) >= 0.03)
    g_assert_cmpint (p->reason, ==, largest);
  else
    g_assert_cmpint (p->reason, ==, UTH_GAP_NONE);
}

/* Llama 3 70B in bf16 is 141 GB: it needs two 80 GiB GPUs; 8B fits one. */
static void
test_compare (void)
{
  Scenario s;
  UthGpu gpus[2];
  UthGpuComparison rows[2];

  scenario_init (&s);
  gpus[0] = fixture_h100_sxm ();
  gpus[1] = fixture_a100_sxm_80gb ();
  g_assert_cmpint (uth_cost_compare_gpus (&s.input, gpus, 2, 8, rows), ==, UTH_COST_OK);
  g_assert_cmpuint (rows[0].gpus, ==, 1);
  g_assert_true (rows[0].fits);
  /* H100 has more bandwidth: faster decode, and at $2.99 against $1.79 per hour. */
  g_assert_cmpfloat (rows[0].tokens_per_second, >, rows[1].tokens_per_second);
  g_assert_cmpfloat_with_epsilon (rows[0].price_per_hour, 2.99, 1e-12);

  s.model = llama_3_70b ();
  g_assert_cmpint (uth_cost_compare_gpus (&s.input, gpus, 2, 8, rows), ==, UTH_COST_OK);
  g_assert_cmpuint (rows[0].gpus, ==, 2);
  g_assert_true (rows[0].fits);
  g_assert_cmpfloat_with_epsilon (rows[0].price_per_hour, 2 * 2.99, 1e-12);

  /* Limited to one GPU it does not fit anywhere. */
  g_assert_cmpint (uth_cost_compare_gpus (&s.input, gpus, 2, 1, rows), ==, UTH_COST_OK);
  g_assert_false (rows[0].fits);
  g_assert_false (rows[1].fits);
  g_assert_cmpint (uth_cost_compare_gpus (NULL, gpus, 2, 1, rows), ==, UTH_COST_BAD_INPUT);
}

static void
test_sort (void)
{
  UthGpuComparison rows[4] = {
    { .index = 0, .fits = true, .cost_per_million_output = 3.0, .tokens_per_second = 100, .ttft_s = 0.3 },
    { .index = 1, .fits = false, .cost_per_million_output = 0.1, .tokens_per_second = 900, .ttft_s = 0.01 },
    { .index = 2, .fits = true, .cost_per_million_output = 1.0, .tokens_per_second = 300, .ttft_s = 0.2 },
    { .index = 3, .fits = true, .cost_per_million_output = 2.0, .tokens_per_second = 200, .ttft_s = 0.1 },
  };

  uth_cost_sort (rows, 4, UTH_SORT_COST);
  g_assert_cmpuint (rows[0].index, ==, 2);
  g_assert_cmpuint (rows[1].index, ==, 3);
  g_assert_cmpuint (rows[2].index, ==, 0);
  g_assert_cmpuint (rows[3].index, ==, 1);   /* does not fit: last, however cheap */
  uth_cost_sort (rows, 4, UTH_SORT_THROUGHPUT);
  g_assert_cmpuint (rows[0].index, ==, 2);
  g_assert_cmpuint (rows[2].index, ==, 0);
  uth_cost_sort (rows, 4, UTH_SORT_TTFT);
  g_assert_cmpuint (rows[0].index, ==, 3);
  g_assert_cmpuint (rows[1].index, ==, 2);
  g_assert_cmpuint (rows[3].index, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cost/ids", test_ids);
  g_test_add_func ("/cost/weight-memory", test_weight_memory);
  g_test_add_func ("/cost/flops-reason", test_flops_reason);
  g_test_add_func ("/cost/decode-reason", test_decode_reason);
  g_test_add_func ("/cost/prefill-reason", test_prefill_reason);
  g_test_add_func ("/cost/compare", test_compare);
  g_test_add_func ("/cost/sort", test_sort);
  return g_test_run ();
}
