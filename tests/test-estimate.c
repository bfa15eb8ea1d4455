/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The estimator: three scenarios worked by hand with the ideal roofline engine, the rules
 * of thumb, memory, cost and every error path. */
#include <glib.h>
#include <math.h>

#include "core-fixtures.h"
#include "core/uth-estimate.h"

static void
input_for (UthEstimateInput *in,
           const UthModel   *model,
           const UthGpu     *gpu,
           const UthEngine  *engine)
{
  uth_estimate_input_init (in);
  in->model = model;
  in->gpu = gpu;
  in->engine = engine;
}

static void
assert_close (double actual,
              double expected,
              double rel)
{
  if (!(fabs (actual - expected) <= fabs (expected) * rel))
    g_error ("%.9g is not within %.3g%% of %.9g", actual, rel * 100, expected);
}

/* Case 1: Llama 2 7B on one H100 SXM, one sequence decoding with 1024 tokens of context,
 * ideal roofline. Everything is memory-bound at batch 1, so the step is bytes / bandwidth:
 *   weights read: 32 layers x 202,383,360 params x 2 B = 12,952,535,040
 *               + lm-head 32000 x 4096 x 2 = 262,144,000 + one embedding row 8,192
 *               + final norm 8,192                             = 13,214,695,424
 *   (the 13.48 GB of all weights less the embedding table, of which decode gathers one row)
 *   KV cache read: 1024 tokens x 524,288 B = 536,870,912; written: 524,288
 *   activations: 328,704 B per layer x 32 + 96,768 outside layers = 10,615,296
 *   total 13,762,705,920 B / 3.35e12 B/s = 4.1083 ms -> 243.4 tok/s.
 * The rule of thumb, bandwidth / all weight bytes = 3.35e12 / 13,476,831,232 = 248.6 tok/s. */
static void
test_decode_h100 (void)
{
  UthModel m = fixture_llama_2_7b ();
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine ideal;
  UthEstimateInput in;
  UthEstimate e;

  uth_engine_init_roofline (&ideal);
  input_for (&in, &m, &h100, &ideal);
  g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat (e.decode_bytes, ==, 13762705920.0);
  /* The split the Batching page draws: weights and KV cache read, as worked above. */
  g_assert_cmpfloat (e.decode_weight_read_bytes, ==, 13214695424.0);
  g_assert_cmpfloat (e.decode_kv_read_bytes, ==, 536870912.0);
  assert_close (e.decode_step_seconds, 13762705920.0 / 3.35e12, 1e-4);
  assert_close (e.decode_tokens_per_second, 243.41, 1e-3);
  g_assert_cmpfloat (e.decode_tokens_per_second, ==, e.decode_tokens_per_second_per_sequence);
  g_assert_cmpint (e.decode_bound, ==, UTH_BOUND_MEMORY);
  /* Intensity about 1 FLOP/byte at batch 1 and bf16. */
  assert_close (e.decode_intensity, 1.0, 0.01);
  g_assert_cmpfloat (e.decode_comm_seconds, ==, 0.0);

  g_assert_cmpfloat (e.params, ==, 6738415616.0);
  g_assert_cmpfloat (e.weight_bytes, ==, 13476831232.0);
  g_assert_cmpfloat (e.kv_bytes_per_token, ==, 524288.0);
  g_assert_cmpfloat (e.kv_cache_bytes, ==, 536870912.0);
  /* Activations of the 1024-token prefill: residual and normed copy 2 x 1024 x 4096, MLP
   * gate/up plus product 1024 x 3 x 11008, at 2 bytes: 84,410,368; fp32 logits of the last
   * position 32000 x 4 = 128,000. Total 84,538,368. */
  g_assert_cmpfloat (e.activation_bytes, ==, 84538368.0);
  g_assert_cmpfloat (e.reserve_bytes, ==, 0.0);
  g_assert_cmpfloat (e.total_memory_bytes, ==, 13476831232.0 + 536870912.0 + 84538368.0);
  g_assert_true (e.fits);

  /* TTFT = the prefill (its last logits give the first token, as vLLM and TensorRT-LLM
   * emit it; issue 15 item 4); a request of 256 tokens = prefill + 256 steps. */
  g_assert_cmpfloat (e.ttft_seconds, ==, e.prefill_seconds);
  g_assert_cmpuint (e.min_gpus, ==, 1);
  assert_close (e.request_seconds, e.prefill_seconds + 256 * e.decode_step_seconds, 1e-12);
  /* $2.99 per hour: 2.99 / 3600 x 4.1083 ms x 1e6 = $3.412 per million output tokens. */
  g_assert_cmpfloat (e.price_per_hour, ==, 2.99);
  assert_close (e.cost_per_million_output_tokens, 3.4122, 1e-3);
  assert_close (e.cost_per_million_input_tokens,
                2.99 / 3600 * e.prefill_seconds / 1024 * 1e6, 1e-12);

  /* Rules of thumb: 2 x 6,738,415,616 = 13,476,831,232 FLOP/token; the same in bytes at
   * bf16; 3.35e12 / 13,476,831,232 = 248.58 tok/s; 989.4e12 / 13,476,831,232 = 73,415
   * tok/s; decode intensity 2 x batch / 2 bytes = batch = 1. */
  g_assert_cmpfloat (e.rule_of_thumb.flops_per_token, ==, 13476831232.0);
  g_assert_cmpfloat (e.rule_of_thumb.weight_bytes, ==, 13476831232.0);
  assert_close (e.rule_of_thumb.decode_tokens_per_second, 248.575, 1e-4);
  assert_close (e.rule_of_thumb.prefill_tokens_per_second, 73415.4, 1e-4);
  g_assert_cmpfloat (e.rule_of_thumb.decode_intensity, ==, 1.0);
  /* The detailed estimate is a little slower than the rule: it also reads the KV cache. */
  g_assert_cmpfloat (e.decode_tokens_per_second, <, e.rule_of_thumb.decode_tokens_per_second);
}

/* Case 2: Llama 3 8B on one A100 SXM 80GB, prefill of 2048 tokens, ideal roofline.
 *   projections and MLP: 2 x 2048 x 6,979,321,856 weights    = 28,587,302,322,176 FLOP
 *   causal attention: 2 matmuls x 2 x 128 x (2048 x 2049 / 2) x 32 heads x 32 layers
 *                                                           =  1,100,048,498,688
 *   compute-bound matmuls: 29,687,350,820,864 / 312e12      =  95.152 ms
 *   lm-head on the last position: 1.05 GB of weights / 2.039e12 = 0.515 ms (memory-bound)
 *   norms, rotary, residual adds, SwiGLU: 385,875,968 B per layer x 32 + embedding and final
 *   norm 67,117,056 = 12,415,148,032 B / 2.039e12          =   6.089 ms
 *   flash softmax on the fp32 units: 5 x 2,098,176 x 32 x 32 / 19.5e12 = 0.551 ms
 *   total about 102.31 ms: 20,018 tokens/s, compute-bound. */
static void
test_prefill_a100 (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthGpu a100 = fixture_a100_sxm_80gb ();
  UthEngine ideal;
  UthEstimateInput in;
  UthEstimate e;

  uth_engine_init_roofline (&ideal);
  input_for (&in, &m, &a100, &ideal);
  in.prompt = 2048;
  g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
  assert_close (e.prefill_seconds, 102.31e-3, 1e-3);
  assert_close (e.prefill_tokens_per_second, 20018.0, 1e-3);
  g_assert_cmpint (e.prefill_bound, ==, UTH_BOUND_COMPUTE);
  /* FLOPs: the matmuls above plus the lm-head row (1,050,673,152) and the small
   * elementwise work (under 0.1%). */
  assert_close (e.prefill_flops, 29687350820864.0 + 1050673152.0, 1e-3);
  /* The rule of thumb, 312e12 / (2 x 8,030,261,248) = 19,426.5 tok/s, is a little below the
   * detailed 20,018: it charges 2 FLOPs per token for the embedding and lm-head weights,
   * while a gather costs none and prefill runs the lm-head on the last position only. */
  assert_close (e.rule_of_thumb.prefill_tokens_per_second, 19426.5, 1e-4);
}

/* Case 3: Llama 2 7B over two H100 SXM (tensor parallel), decode at batch 1, ideal
 * roofline with an ideal link. Each GPU reads half of the split weights:
 *   layers 32 x (404,750,336 / 2 + 16,384 replicated norm weights) = 6,476,529,664
 *   lm-head half 131,072,000; embedding row and final norm 16,384; KV half 268,435,456
 *   and 262,144 written; activations about 6 MB: 6.8825 GB / 3.35e12 = 2.0545 ms.
 * Two all-reduces per layer of 4096 x 2 bytes, of which a ring sends 2 (2-1)/2 = 1x:
 *   64 x 8,192 / 450e9 = 1.165 us. */
static void
test_tensor_parallel (void)
{
  UthModel m = fixture_llama_2_7b ();
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine ideal;
  UthEstimateInput in;
  UthEstimate e;

  uth_engine_init_roofline (&ideal);
  input_for (&in, &m, &h100, &ideal);
  in.gpus = 2;
  g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
  assert_close (e.decode_step_seconds, 2.0545e-3, 2e-3);
  assert_close (e.decode_comm_seconds, 64 * 8192.0 / 450e9, 1e-9);
  g_assert_cmpfloat (e.gpu_memory_bytes, ==, 2 * 85899345920.0);
  /* Whole-model FLOPs do not depend on the split. */
  assert_close (e.decode_flops, 13760143360.0, 1e-3);
  /* Two GPUs at $2.99 each. */
  assert_close (e.cost_per_million_output_tokens,
                2 * 2.99 / 3600 * e.decode_step_seconds * 1e6, 1e-12);
  /* The rule of thumb uses the bandwidth of both GPUs. */
  assert_close (e.rule_of_thumb.decode_tokens_per_second, 2 * 248.575, 1e-4);
}

static void
test_batching_and_memory (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine ideal;
  UthEstimateInput in;
  UthEstimate one, many;

  uth_engine_init_roofline (&ideal);
  input_for (&in, &m, &h100, &ideal);
  g_assert_cmpint (uth_estimate (&in, &one), ==, UTH_ESTIMATE_OK);
  in.batch = 64;
  g_assert_cmpint (uth_estimate (&in, &many), ==, UTH_ESTIMATE_OK);
  /* Batching shares the weight reads: 64 sequences take far less than 64 steps' time. */
  g_assert_cmpfloat (many.decode_step_seconds, <, 3 * one.decode_step_seconds);
  g_assert_cmpfloat (many.decode_tokens_per_second, >, 20 * one.decode_tokens_per_second);
  g_assert_cmpfloat (many.rule_of_thumb.decode_intensity, ==, 64.0);
  /* KV for 64 x 32768 tokens x 131,072 B = 274.9 GB: does not fit in 80 GiB. */
  in.context = 32768;
  g_assert_cmpint (uth_estimate (&in, &many), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat (many.kv_cache_bytes, ==, 64.0 * 32768 * 131072);
  g_assert_false (many.fits);

  /* int4 weights with bf16 activations: a quarter of the weight bytes, compute in bf16. */
  in.batch = 1;
  in.context = 1024;
  in.weights = UTH_DTYPE_INT4;
  g_assert_cmpint (uth_estimate (&in, &many), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat (many.weight_bytes, ==, 8030261248.0 * 0.5);
  g_assert_cmpfloat (many.decode_step_seconds, <, 0.4 * one.decode_step_seconds);
  assert_close (many.rule_of_thumb.prefill_tokens_per_second,
                one.rule_of_thumb.prefill_tokens_per_second, 1e-12);

  /* Tensor parallelism splits KV heads, but replicates what cannot be split: DeepSeek-V3's
   * latent (70,272 B per token) is held whole by each of 8 GPUs: 8 x 4 x 1024 x 70,272. */
  {
    UthModel ds = fixture_deepseek_v3 ();
    UthEstimate d;

    in.model = &ds;
    in.gpus = 8;
    in.batch = 4;
    g_assert_cmpint (uth_estimate_memory (&in, &d), ==, UTH_ESTIMATE_OK);
    g_assert_cmpfloat (d.kv_cache_bytes, ==, 8.0 * 4 * 1024 * 70272);
    /* Llama 3 8B's 8 KV heads over 16 GPUs: each head on 2 GPUs. */
    in.model = &m;
    in.gpus = 16;
    in.batch = 1;
    g_assert_cmpint (uth_estimate_memory (&in, &d), ==, UTH_ESTIMATE_OK);
    g_assert_cmpfloat (d.kv_cache_bytes, ==, 2.0 * 1024 * 131072);
    in.gpus = 8;
    g_assert_cmpint (uth_estimate_memory (&in, &d), ==, UTH_ESTIMATE_OK);
    g_assert_cmpfloat (d.kv_cache_bytes, ==, 1024.0 * 131072);
    in.gpus = 1;
  }

  /* A runtime reserve counts per GPU. */
  ideal.runtime_reserve_bytes = 1e9;
  ideal.runtime_reserve_fraction = 0.05;
  in.weights = UTH_DTYPE_BF16;
  in.gpus = 2;
  g_assert_cmpint (uth_estimate (&in, &many), ==, UTH_ESTIMATE_OK);
  assert_close (many.reserve_bytes, 2 * (1e9 + 0.05 * 85899345920.0), 1e-12);
}

static void
test_errors (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthModel bad_model = fixture_llama_3_8b ();
  UthGpu h100 = fixture_h100_sxm ();
  UthGpu bad_gpu = fixture_h100_sxm ();
  UthEngine ideal, bad_engine;
  UthEstimateInput in;
  UthEstimate e;

  uth_engine_init_roofline (&ideal);
  bad_engine = ideal;
  bad_engine.compute_efficiency = 0.0;
  bad_model.heads = 0;
  bad_gpu.memory_bandwidth = 0.0;

  g_assert_cmpint (uth_estimate (NULL, &e), ==, UTH_ESTIMATE_BAD_INPUT);
  input_for (&in, &m, &h100, &ideal);
  g_assert_cmpint (uth_estimate (&in, NULL), ==, UTH_ESTIMATE_BAD_INPUT);

#define EXPECT(field, value, err) \
  G_STMT_START { \
    input_for (&in, &m, &h100, &ideal); \
    in.field = value; \
    g_assert_cmpint (uth_estimate (&in, &e), ==, err); \
  } G_STMT_END

  EXPECT (model, NULL, UTH_ESTIMATE_BAD_MODEL);
  EXPECT (model, &bad_model, UTH_ESTIMATE_BAD_MODEL);
  EXPECT (gpu, NULL, UTH_ESTIMATE_BAD_GPU);
  EXPECT (gpu, &bad_gpu, UTH_ESTIMATE_BAD_GPU);
  EXPECT (engine, NULL, UTH_ESTIMATE_BAD_ENGINE);
  EXPECT (engine, &bad_engine, UTH_ESTIMATE_BAD_ENGINE);
  EXPECT (batch, 0, UTH_ESTIMATE_BAD_INPUT);
  EXPECT (gpus, 0, UTH_ESTIMATE_BAD_INPUT);
  EXPECT (gpus, 3, UTH_ESTIMATE_BAD_INPUT);                 /* 32 heads over 3 GPUs */
  EXPECT (gpus, 100000, UTH_ESTIMATE_BAD_INPUT);
  EXPECT (prompt, 0, UTH_ESTIMATE_BAD_INPUT);
  EXPECT (context, 0, UTH_ESTIMATE_BAD_INPUT);
  EXPECT (step_tokens, 0, UTH_ESTIMATE_BAD_INPUT);
  EXPECT (step_tokens, 2048, UTH_ESTIMATE_BAD_INPUT);       /* above the context */
  EXPECT (batch, G_GUINT64_CONSTANT (1) << 50, UTH_ESTIMATE_BAD_INPUT);
  EXPECT (context, G_MAXUINT64, UTH_ESTIMATE_BAD_INPUT);
  EXPECT (price_per_hour, NAN, UTH_ESTIMATE_BAD_INPUT);
  EXPECT (weights, UTH_DTYPE_TF32, UTH_ESTIMATE_BAD_INPUT);  /* not a storage type */
  EXPECT (kv, (UthDtype) 99, UTH_ESTIMATE_BAD_INPUT);
#undef EXPECT

  /* Splitting over GPUs without an interconnect is refused, not divided by zero. */
  bad_gpu = h100;
  bad_gpu.interconnect_bandwidth = 0.0;
  input_for (&in, &m, &bad_gpu, &ideal);
  in.gpus = 2;
  g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_BAD_INPUT);
  in.gpus = 1;
  g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
}

/* The largest values accepted give finite numbers (products are taken in double). */
static void
test_extremes (void)
{
  UthModel m = fixture_llama_3_8b ();
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine ideal;
  UthEstimateInput in;
  UthEstimate e;

  uth_engine_init_roofline (&ideal);
  input_for (&in, &m, &h100, &ideal);
  in.batch = G_GUINT64_CONSTANT (1) << 32;
  in.prompt = G_GUINT64_CONSTANT (1) << 40;
  in.context = G_GUINT64_CONSTANT (1) << 40;
  in.step_tokens = G_GUINT64_CONSTANT (1) << 40;
  in.output_tokens = G_GUINT64_CONSTANT (1) << 40;
  g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
  g_assert_true (isfinite (e.prefill_seconds) && e.prefill_seconds > 0.0);
  g_assert_true (isfinite (e.decode_step_seconds) && e.decode_step_seconds > 0.0);
  g_assert_true (isfinite (e.kv_cache_bytes));
  g_assert_true (isfinite (e.cost_per_million_output_tokens));
  g_assert_false (e.fits);
}

/* uth_estimate_memory gives uth_estimate's memory fields exactly, and its errors. */
static void
test_memory_only (void)
{
  UthModel models[] = { fixture_llama_3_8b (), fixture_mixtral_8x7b (), fixture_deepseek_v3 () };
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine ideal;
  UthEstimateInput in;
  UthEstimate full, mem;
  guint i, gpus;

  uth_engine_init_roofline (&ideal);
  ideal.runtime_reserve_bytes = 1e9;
  ideal.runtime_reserve_fraction = 0.05;
  for (i = 0; i < G_N_ELEMENTS (models); i++)
    for (gpus = 1; gpus <= 8; gpus *= 2)
      {
        input_for (&in, &models[i], &h100, &ideal);
        in.gpus = gpus;
        in.batch = 16;
        in.prompt = 4096;
        in.context = 8192;
        g_assert_cmpint (uth_estimate_memory (&in, &mem), ==, uth_estimate (&in, &full));
        g_assert_cmpfloat (mem.params, ==, full.params);
        g_assert_cmpfloat (mem.active_params, ==, full.active_params);
        g_assert_cmpfloat (mem.weight_bytes, ==, full.weight_bytes);
        g_assert_cmpfloat (mem.kv_bytes_per_token, ==, full.kv_bytes_per_token);
        g_assert_cmpfloat (mem.kv_cache_bytes, ==, full.kv_cache_bytes);
        g_assert_cmpfloat (mem.activation_bytes, ==, full.activation_bytes);
        g_assert_cmpfloat (mem.reserve_bytes, ==, full.reserve_bytes);
        g_assert_cmpfloat (mem.total_memory_bytes, ==, full.total_memory_bytes);
        g_assert_cmpfloat (mem.gpu_memory_bytes, ==, full.gpu_memory_bytes);
        g_assert_cmpint (mem.fits, ==, full.fits);
        /* Nothing of the timing is filled in. */
        g_assert_cmpfloat (mem.decode_step_seconds, ==, 0.0);
      }

  input_for (&in, &models[0], &h100, &ideal);
  in.gpus = 3;                                  /* 32 heads over 3 GPUs */
  g_assert_cmpint (uth_estimate_memory (&in, &mem), ==, UTH_ESTIMATE_BAD_INPUT);
  in.gpus = 1;
  in.model = NULL;
  g_assert_cmpint (uth_estimate_memory (&in, &mem), ==, UTH_ESTIMATE_BAD_MODEL);
  g_assert_cmpint (uth_estimate_memory (NULL, &mem), ==, UTH_ESTIMATE_BAD_INPUT);
  g_assert_cmpint (uth_estimate_memory (&in, NULL), ==, UTH_ESTIMATE_BAD_INPUT);
}

/* Issue 15 item 5: a scenario that does not fit names the least GPU count that does.
 * DeepSeek-V3 in bf16: about 671 G parameters x 2 bytes = 1.34 TB of weights; an H100 has
 * 85.9 GB (the ideal engine keeps no reserve), so at least 1.34 TB / 85.9 GB = 15.6 GPUs,
 * and the tensor-parallel degree must divide the 128 heads: 16 (8 hold 687 GB). At 16 the
 * rest is small: the MLA latent, copied on every GPU, is 61 x 576 x 2 B x 1024 tokens =
 * 72 MB per GPU. */
static void
test_min_gpus (void)
{
  UthModel m = fixture_deepseek_v3 ();
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine ideal;
  UthEstimateInput in;
  UthEstimate e;

  uth_engine_init_roofline (&ideal);
  input_for (&in, &m, &h100, &ideal);
  g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
  g_assert_false (e.fits);
  g_assert_cmpuint (e.min_gpus, ==, 16);
  g_assert_cmpuint (uth_estimate_min_gpus (&in), ==, 16);
  in.gpus = 16;
  g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
  g_assert_true (e.fits);
  g_assert_cmpuint (e.min_gpus, ==, 16);
  /* Nothing fits a GPU without memory for even the KV cache of 2^30 tokens. */
  in.context = (uint64_t) 1 << 30;
  in.prompt = in.context;
  g_assert_cmpuint (uth_estimate_min_gpus (&in), ==, 0);
  /* The attention implementation is part of the input: flash unless asked. */
  g_assert_true (uth_estimate_uses_flash (&in));
  in.attention = UTH_ATTENTION_STANDARD;
  g_assert_false (uth_estimate_uses_flash (&in));
  g_assert_cmpstr (uth_attention_impl_id (in.attention), ==, "standard");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/estimate/decode-h100", test_decode_h100);
  g_test_add_func ("/estimate/prefill-a100", test_prefill_a100);
  g_test_add_func ("/estimate/tensor-parallel", test_tensor_parallel);
  g_test_add_func ("/estimate/batching-memory", test_batching_and_memory);
  g_test_add_func ("/estimate/errors", test_errors);
  g_test_add_func ("/estimate/extremes", test_extremes);
  g_test_add_func ("/estimate/memory-only", test_memory_only);
  g_test_add_func ("/estimate/min-gpus", test_min_gpus);
  return g_test_run ();
}
