/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The roofline: ridge points from the datasheets, op times worked by hand. */
#include <glib.h>
#include <math.h>

#include "core-fixtures.h"
#include "core/uth-roofline.h"

static UthOp
gemm_op (double m,
         double k,
         double n)
{
  UthOp op;

  memset (&op, 0, sizeof op);
  op.id = "gemm";
  op.kind = UTH_OP_GEMM;
  op.m = (guint64) m;
  op.k = (guint64) k;
  op.n = (guint64) n;
  op.count = 1;
  op.repeat = 1.0;
  op.rows = m;
  op.kernels = 1.0;
  op.flops = 2.0 * m * k * n;
  op.weight_bytes = k * n * 2.0;
  op.act_read_bytes = m * k * 2.0;
  op.act_write_bytes = m * n * 2.0;
  op.layer = -1;
  return op;
}

static void
test_ridge (void)
{
  UthGpu a100 = fixture_a100_sxm_80gb ();
  UthGpu h100 = fixture_h100_sxm ();

  /* A100 SXM: 312e12 / 2.039e12 = 153.0 FLOP/byte; H100 SXM: 989.4e12 / 3.35e12 = 295.3. */
  g_assert_cmpfloat_with_epsilon (uth_roofline_ridge (&a100, UTH_DTYPE_BF16), 153.02, 0.01);
  g_assert_cmpfloat_with_epsilon (uth_roofline_ridge (&h100, UTH_DTYPE_BF16), 295.34, 0.01);
  /* fp8 doubles the H100's ridge; the A100 has no fp8 and falls back to its bf16 rate. */
  g_assert_cmpfloat_with_epsilon (uth_roofline_ridge (&h100, UTH_DTYPE_FP8), 590.7, 0.1);
  g_assert_cmpfloat_with_epsilon (uth_roofline_ridge (&a100, UTH_DTYPE_FP8), 153.02, 0.01);
  /* int4 on the A100 runs at its int8 rate: 624e12 / 2.039e12 = 306.0. */
  g_assert_cmpfloat_with_epsilon (uth_roofline_ridge (&a100, UTH_DTYPE_INT4), 306.03, 0.01);
  g_assert_cmpfloat (uth_roofline_ridge (NULL, UTH_DTYPE_BF16), ==, 0.0);
}

static void
test_attainable (void)
{
  UthGpu h100 = fixture_h100_sxm ();

  /* Below the ridge the slope: 100 FLOP/byte x 3.35e12 B/s = 3.35e14 FLOP/s. */
  g_assert_cmpfloat_with_epsilon (uth_roofline_attainable (&h100, UTH_DTYPE_BF16, 100.0),
                                  3.35e14, 1e3);
  /* Above it the roof. */
  g_assert_cmpfloat (uth_roofline_attainable (&h100, UTH_DTYPE_BF16, 1000.0), ==, 989.4e12);
  g_assert_cmpfloat (uth_roofline_attainable (&h100, UTH_DTYPE_BF16, -1.0), ==, 0.0);
}

static void
test_ideal_times (void)
{
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine ideal;
  UthOp big = gemm_op (4096, 4096, 4096);
  UthOp skinny = gemm_op (1, 4096, 4096);
  UthOpTime t;

  uth_engine_init_roofline (&ideal);
  /* 2 x 4096^3 = 1.374e11 FLOP / 989.4e12 = 138.9 us; 3 x 4096^2 x 2 bytes = 100.7 MB /
   * 3.35e12 = 30.05 us: compute-bound. */
  t = uth_roofline_op_time (&big, &h100, &ideal, UTH_DTYPE_BF16);
  g_assert_cmpint (t.bound, ==, UTH_BOUND_COMPUTE);
  g_assert_cmpfloat_with_epsilon (t.compute_seconds, 138.91e-6, 0.01e-6);
  g_assert_cmpfloat_with_epsilon (t.memory_seconds, 30.05e-6, 0.01e-6);
  g_assert_cmpfloat (t.seconds, ==, t.compute_seconds);
  g_assert_cmpfloat (t.overhead_seconds, ==, 0.0);
  /* One row: 33.55 MB of weights + 16 KB of activations / 3.35e12 = 10.02 us, memory-bound. */
  t = uth_roofline_op_time (&skinny, &h100, &ideal, UTH_DTYPE_BF16);
  g_assert_cmpint (t.bound, ==, UTH_BOUND_MEMORY);
  g_assert_cmpfloat_with_epsilon (t.seconds, (33554432.0 + 16384.0) / 3.35e12, 1e-12);
  /* fp8 compute halves the big GEMM's compute time. */
  t = uth_roofline_op_time (&big, &h100, &ideal, UTH_DTYPE_FP8);
  g_assert_cmpfloat_with_epsilon (t.compute_seconds, 69.45e-6, 0.01e-6);
}

static void
test_engine_efficiency (void)
{
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine e;
  UthOp big = gemm_op (4096, 4096, 4096);
  UthOp skinny = gemm_op (1, 4096, 4096);
  UthOpTime t;

  uth_engine_init_roofline (&e);
  e.compute_efficiency = 0.5;
  e.bandwidth_efficiency = 0.8;
  e.launch_overhead_s = 5e-6;
  /* 138.91 us / 0.5 = 277.8 us, plus one launch of 5 us. */
  t = uth_roofline_op_time (&big, &h100, &e, UTH_DTYPE_BF16);
  g_assert_cmpfloat_with_epsilon (t.seconds, 277.83e-6 + 5e-6, 0.02e-6);
  /* 10.02 us / 0.8 = 12.52 us, plus 5 us. */
  t = uth_roofline_op_time (&skinny, &h100, &e, UTH_DTYPE_BF16);
  g_assert_cmpfloat_with_epsilon (t.seconds, 12.527e-6 + 5e-6, 0.002e-6);

  /* Shape: rows equal to half_rows reach half of the efficiency: 4096 rows with half
   * 4096 -> 0.25 of peak: 555.7 us. */
  e.compute_half_rows = 4096;
  g_assert_cmpfloat (uth_roofline_compute_efficiency (&e, &big), ==, 0.25);
  t = uth_roofline_op_time (&big, &h100, &e, UTH_DTYPE_BF16);
  g_assert_cmpfloat_with_epsilon (t.compute_seconds, 555.65e-6, 0.05e-6);

  /* Streams: each non-empty stream pays half_bytes more: weights 33,554,432 + 1e6 and
   * activations 16,384 + 1e6, at 0.8 x 3.35e12. */
  e.bandwidth_half_bytes = 1e6;
  g_assert_cmpfloat_with_epsilon (uth_roofline_memory_seconds (&skinny, &h100, &e),
                                  (33554432.0 + 16384.0 + 2e6) / (0.8 * 3.35e12), 1e-12);

  /* An op standing for 1 of a layer's 10 launches, in an engine that launches 20 per
   * layer, is charged 2 launches. */
  skinny.layer_kernels = 10.0;
  e.kernels_per_layer = 20;
  g_assert_cmpfloat_with_epsilon (uth_roofline_overhead_seconds (&skinny, &e), 10e-6, 1e-15);
}

static void
test_overhead_bound (void)
{
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine e;
  UthOp tiny = gemm_op (1, 64, 64);
  UthOpTime t;

  uth_engine_init_roofline (&e);
  e.launch_overhead_s = 5e-6;
  t = uth_roofline_op_time (&tiny, &h100, &e, UTH_DTYPE_BF16);
  g_assert_cmpint (t.bound, ==, UTH_BOUND_OVERHEAD);
  g_assert_cmpstr (uth_bound_id (t.bound), ==, "overhead");
}

/* An all-reduce: 10 us latency plus 8,192 bytes at 0.5 x 450 GB/s = 10.0364 us. */
static void
test_comm (void)
{
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine e;
  UthOp op;
  UthOpTime t;

  memset (&op, 0, sizeof op);
  op.kind = UTH_OP_COMM;
  op.comm_bytes = 8192.0;
  uth_engine_init_roofline (&e);
  e.comm_efficiency = 0.5;
  e.comm_latency_s = 10e-6;
  t = uth_roofline_op_time (&op, &h100, &e, UTH_DTYPE_BF16);
  g_assert_cmpint (t.bound, ==, UTH_BOUND_COMMUNICATION);
  g_assert_cmpfloat_with_epsilon (t.seconds, 10e-6 + 8192.0 / 225e9, 1e-15);
  g_assert_cmpstr (uth_bound_id (UTH_BOUND_COMMUNICATION), ==, "communication");
  g_assert_cmpstr (uth_bound_id (UTH_BOUND_COMPUTE), ==, "compute");
  g_assert_cmpstr (uth_bound_id (UTH_BOUND_MEMORY), ==, "memory");
}

/* The attention and 8-bit fields of the efficiency model. */
static void
test_attention_and_narrow (void)
{
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine e;
  UthOp attn, big = gemm_op (4096, 4096, 4096);
  UthOpTime t;

  memset (&attn, 0, sizeof attn);
  attn.kind = UTH_OP_ATTN_MATMUL;
  attn.rows = 4;
  attn.parallel = 8;                 /* one sequence x 8 KV heads */
  attn.kv_read_bytes = 1e9;
  attn.flops = 4e9;
  uth_engine_init_roofline (&e);
  e.bandwidth_efficiency = 0.9;
  e.attention_bandwidth_efficiency = 0.8;
  e.attention_half_ctas = 0.05;      /* half at 0.05 x 132 SMs = 6.6 units */
  /* 0.8 x 8 / (8 + 6.6) of 3.35e12 B/s = 1.4685e12 B/s; 1e9 bytes take 0.681 ms. */
  g_assert_cmpfloat_with_epsilon (uth_roofline_kv_bandwidth (&attn, &h100, &e),
                                  3.35e12 * 0.8 * 8.0 / 14.6, 1e3);
  g_assert_cmpfloat_with_epsilon (uth_roofline_memory_seconds (&attn, &h100, &e),
                                  1e9 / (3.35e12 * 0.8 * 8.0 / 14.6), 1e-12);
  /* 0 falls back to the general bandwidth efficiency. */
  e.attention_bandwidth_efficiency = 0.0;
  e.attention_half_ctas = 0.0;
  g_assert_cmpfloat_with_epsilon (uth_roofline_kv_bandwidth (&attn, &h100, &e), 0.9 * 3.35e12, 1e3);

  /* Attention keeps the 16-bit rate when the GEMMs run in fp8: 4e9 / 989.4e12 = 4.04 us. */
  e.attention_compute_efficiency = 0.5;
  t = uth_roofline_op_time (&attn, &h100, &e, UTH_DTYPE_FP8);
  g_assert_cmpfloat_with_epsilon (t.compute_seconds, 4e9 / (989.4e12 * 0.5), 1e-15);

  /* An fp8 GEMM reaches narrow_compute_efficiency of the fp8 peak:
   * 1.374e11 / (1978.9e12 x 0.4) = 173.6 us; in bf16 at 0.8 of 989.4e12: 173.6 us too. */
  e.compute_efficiency = 0.8;
  e.narrow_compute_efficiency = 0.4;
  t = uth_roofline_op_time (&big, &h100, &e, UTH_DTYPE_FP8);
  g_assert_cmpfloat_with_epsilon (t.compute_seconds, big.flops / (1978.9e12 * 0.4), 1e-12);
  t = uth_roofline_op_time (&big, &h100, &e, UTH_DTYPE_BF16);
  g_assert_cmpfloat_with_epsilon (t.compute_seconds, big.flops / (989.4e12 * 0.8), 1e-12);

  /* Out-of-range fields are refused. */
  e.narrow_compute_efficiency = 1.5;
  g_assert_false (uth_engine_validate (&e));
  e.narrow_compute_efficiency = 0.4;
  e.attention_half_ctas = -1.0;
  g_assert_false (uth_engine_validate (&e));
  e.attention_half_ctas = 0.0;
  g_assert_true (uth_engine_validate (&e));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/roofline/ridge", test_ridge);
  g_test_add_func ("/roofline/attainable", test_attainable);
  g_test_add_func ("/roofline/ideal-times", test_ideal_times);
  g_test_add_func ("/roofline/engine-efficiency", test_engine_efficiency);
  g_test_add_func ("/roofline/overhead-bound", test_overhead_bound);
  g_test_add_func ("/roofline/communication", test_comm);
  g_test_add_func ("/roofline/attention-and-narrow", test_attention_and_narrow);
  return g_test_run ();
}
