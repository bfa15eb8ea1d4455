/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Known answers for the memory core, by hand from the formulas in uth-memory.h.
 * Llama 3 8B's shape is from its config.json (meta-llama/Meta-Llama-3-8B); DeepSeek-V3's MLA
 * ranks from its config.json (deepseek-ai/DeepSeek-V3); paging from Kwon et al., "Efficient
 * Memory Management for Large Language Model Serving with PagedAttention" (SOSP 2023). */
#include <glib.h>

#include "core/uth-memory.h"
#include "core-fixtures.h"


static UthGpu
gpu_with_memory (double bytes)
{
  UthGpu g = { 0 };

  g.peak_flops[UTH_DTYPE_BF16] = 989e12;
  g.peak_flops[UTH_DTYPE_FP32] = 67e12;
  g.memory_bytes = bytes;
  g.memory_bandwidth = 3.35e12;
  g.sms = 132;
  g.smem_per_sm_bytes = 228.0 * 1024;
  g.interconnect_bandwidth = 450e9;
  return g;
}

/* Llama 3 8B (32 layers, 32 query heads, 8 KV heads, head_dim 128), elements per token:
 * MHA 2 x 32 x 32 x 128 = 262144; its own GQA (group 4) 2 x 32 x 8 x 128 = 65536 (128 KiB at
 * bf16); MQA 2 x 32 x 128 = 8192; MLA what-if 32 x (4 x 128 + 64) = 18432. Group 3 rounds up
 * to ceil (32 / 3) = 11 KV heads: 90112. */
static void
test_variants (void)
{
  UthModel m = fixture_llama_3_8b ();

  g_assert_cmpuint (uth_memory_group_size (&m), ==, 4);
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_MHA, 0), ==, 262144);
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_GQA, 4), ==, 65536);
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_MQA, 0), ==, 8192);
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_MLA, 0), ==, 18432);
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_GQA, 3), ==, 90112);
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_GQA, 1), ==, 262144);
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_GQA, 32), ==, 8192);
  /* The scenario's own answer agrees with the model's. */
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_GQA, uth_memory_group_size (&m)), ==,
                    uth_model_kv_elements_per_token (&m));
}

/* DeepSeek-V3 caches the latent and the rope key: 61 x (512 + 64) = 35136 elements, 70272 bytes
 * at bf16. As MHA it would cache 128 heads of 192-wide keys and 128-wide values:
 * 61 x 128 x 320 = 2498560, 71 times as much. */
static void
test_mla (void)
{
  UthModel m = fixture_deepseek_v3 ();

  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_MLA, 0), ==, 35136);
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_MHA, 0), ==, 2498560);
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_MQA, 0), ==, 61 * 320);
  g_assert_cmpuint (uth_memory_group_size (&m), ==, 1);
  g_assert_cmpuint (uth_memory_kv_elements_as (&m, UTH_ATTN_MLA, 0), ==,
                    uth_model_kv_elements_per_token (&m));
}

/* 128 KiB per token x 8192 tokens x 16 sequences = 16 GiB. */
static void
test_growth (void)
{
  g_assert_cmpfloat (uth_memory_kv_bytes (131072.0, 8192, 16), ==, 17179869184.0);
  g_assert_cmpfloat (uth_memory_kv_bytes (131072.0, 8192, 32), ==, 2 * 17179869184.0);
  g_assert_cmpfloat (uth_memory_kv_bytes (131072.0, 0, 32), ==, 0.0);
}

/* Lengths 100, 17 and 16 with 16-token blocks: 7 + 2 + 1 = 10 blocks, 160 slots for 133 tokens,
 * 27 wasted (under one block per sequence, the vLLM paper's bound). Reserving 2048 each: 6144
 * slots, 6011 wasted. */
static void
test_paging (void)
{
  const uint64_t lengths[] = { 100, 17, 16 };
  UthPaging p;

  g_assert_true (uth_memory_paging (131072.0, lengths, 3, 2048, 16, &p));
  g_assert_cmpuint (p.blocks, ==, 10);
  g_assert_cmpfloat (p.used_bytes, ==, 133.0 * 131072);
  g_assert_cmpfloat (p.paged_bytes, ==, 160.0 * 131072);
  g_assert_cmpfloat (p.paged_waste_bytes, ==, 27.0 * 131072);
  g_assert_cmpfloat (p.contiguous_bytes, ==, 6144.0 * 131072);
  g_assert_cmpfloat (p.contiguous_waste_bytes, ==, 6011.0 * 131072);
  g_assert_cmpfloat_with_epsilon (p.paged_waste_fraction, 27.0 / 160.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (p.contiguous_waste_fraction, 6011.0 / 6144.0, 1e-12);
  g_assert_cmpfloat (p.paged_waste_bytes, <, 3.0 * 16 * 131072);

  /* A length over the maximum is cut to it. */
  {
    const uint64_t longer[] = { 5000 };
    g_assert_true (uth_memory_paging (1.0, longer, 1, 2048, 16, &p));
    g_assert_cmpfloat (p.used_bytes, ==, 2048.0);
    g_assert_cmpfloat (p.contiguous_waste_bytes, ==, 0.0);
  }
  g_assert_false (uth_memory_paging (1.0, lengths, 3, 2048, 0, &p));
  g_assert_false (uth_memory_paging (0.0, lengths, 3, 2048, 16, &p));
  g_assert_false (uth_memory_paging (1.0, lengths, 0, 2048, 16, &p));
}

static UthEstimateInput
scenario (const UthModel *m,
          const UthGpu   *g,
          const UthEngine *e)
{
  UthEstimateInput in;

  uth_estimate_input_init (&in);
  in.model = m;
  in.gpu = g;
  in.engine = e;
  return in;
}

/* The budget is the estimator's: weights = 8 030 261 248 parameters x 2 bytes; KV = 1024
 * tokens x 131072 bytes at batch 1. */
static void
test_budget (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthGpu g = gpu_with_memory (80e9);
  UthEngine e;
  UthEstimateInput in;
  UthMemoryBudget b;
  UthMemoryStack s;

  uth_engine_init_roofline (&e);
  in = scenario (&m, &g, &e);
  g_assert_cmpint (uth_memory_budget (&in, &b), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat (b.weights, ==, 8030261248.0 * 2);
  g_assert_cmpfloat (b.kv, ==, 1024.0 * 131072);
  g_assert_cmpfloat (b.kv_bytes_per_token, ==, 131072.0);
  g_assert_cmpfloat (b.available, ==, 80e9);
  g_assert_cmpfloat_with_epsilon (b.total, b.weights + b.kv + b.activations + b.reserve, 1.0);
  g_assert_true (b.fits);

  uth_memory_stack (&b, &s);
  g_assert_cmpfloat (s.start[0], ==, 0.0);
  g_assert_cmpfloat (s.end[0], ==, s.start[1]);
  g_assert_cmpfloat (s.line, ==, 1.0);        /* fits: the GPU is the longer bar */
  g_assert_cmpfloat_with_epsilon (s.end[3], b.total / 80e9, 1e-12);

  in.model = NULL;
  g_assert_cmpint (uth_memory_budget (&in, &b), !=, UTH_ESTIMATE_OK);
}

/* The largest batch fits and one more does not. Beside the weights an 80 GB GPU has
 * 80e9 - 16 060 522 496 bytes, which hold at most 476 sequences of 1024 x 128 KiB. */
static void
test_max_batch (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthGpu g = gpu_with_memory (80e9);
  UthEngine e;
  UthEstimateInput in;
  uint64_t b, c;

  uth_engine_init_roofline (&e);
  in = scenario (&m, &g, &e);
  b = uth_memory_max_batch (&in, 1 << 20);
  g_assert_cmpuint (b, >, 1);
  g_assert_cmpuint (b, <=, 476);
  in.batch = b;
  g_assert_true (uth_memory_fit (&in).kind == UTH_FIT_ONE);
  in.batch = b + 1;
  {
    UthMemoryBudget budget;
    g_assert_cmpint (uth_memory_budget (&in, &budget), ==, UTH_ESTIMATE_OK);
    g_assert_false (budget.fits);
  }
  /* The limit caps the answer. */
  in.batch = 1;
  g_assert_cmpuint (uth_memory_max_batch (&in, 8), ==, 8);

  /* Longest context at batch 1: 63 939 477 504 / 131072 = 487 819 tokens at most. */
  c = uth_memory_max_context (&in, 1 << 22);
  g_assert_cmpuint (c, >, 1024);
  g_assert_cmpuint (c, <=, 487819);

  /* A GPU smaller than the weights fits nothing. */
  g = gpu_with_memory (8e9);
  g_assert_cmpuint (uth_memory_max_batch (&in, 1024), ==, 0);
  g_assert_cmpuint (uth_memory_max_context (&in, 1024), ==, 0);
}

/* 16.06 GB of weights: a 16 GB GPU is too small alone, two are enough; 80 GB hold it on one;
 * 1 GB GPUs do not hold it even eight at a time. */
static void
test_fits_map (void)
{
  UthModel models[1];
  UthGpu gpus[3];
  UthEngine e;
  UthEstimateInput base;
  UthFitCell cells[3];

  models[0] = fixture_llama_3_8b ();
  gpus[0] = gpu_with_memory (80e9);
  gpus[1] = gpu_with_memory (16e9);
  gpus[2] = gpu_with_memory (1e9);
  uth_engine_init_roofline (&e);
  base = scenario (NULL, NULL, &e);
  uth_memory_fits_map (models, 1, gpus, 3, &base, cells);
  g_assert_cmpint (cells[0].kind, ==, UTH_FIT_ONE);
  g_assert_cmpuint (cells[0].gpus, ==, 1);
  g_assert_cmpint (cells[1].kind, ==, UTH_FIT_SEVERAL);
  g_assert_cmpuint (cells[1].gpus, ==, 2);
  g_assert_cmpint (cells[2].kind, ==, UTH_FIT_NONE);
  g_assert_cmpuint (cells[2].gpus, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/memory/variants", test_variants);
  g_test_add_func ("/memory/mla", test_mla);
  g_test_add_func ("/memory/growth", test_growth);
  g_test_add_func ("/memory/paging", test_paging);
  g_test_add_func ("/memory/budget", test_budget);
  g_test_add_func ("/memory/max-batch", test_max_batch);
  g_test_add_func ("/memory/fits-map", test_fits_map);
  return g_test_run ();
}
