/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Known answers for standard against Flash Attention, computed by hand from Dao et al.,
 * "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness" (2022):
 * Algorithm 0 (standard, Theta (Nd + N^2) HBM accesses) and Algorithm 1 (Theorem 2:
 * Theta (N^2 d^2 / M) HBM accesses), counting every load and store of the loops. */
#include <glib.h>
#include <math.h>

#include "core/uth-flash.h"

/* N = 1024, d = 64, one head, bf16, 64 KiB of SRAM: M = 32768 elements,
 * Bc = ceil (32768 / 256) = 128, Br = min (128, 64) = 64, Tc = 8, Tr = 16. */
static UthFlashInput
small_input (void)
{
  UthFlashInput in = { 0 };

  in.seq = 1024;
  in.head_dim = 64;
  in.heads = 1;
  in.batch = 1;
  in.bytes_per_element = 2.0;
  in.sram_bytes = 65536.0;
  return in;
}

static void
test_blocks (void)
{
  UthFlashInput in = small_input ();
  UthFlash f;

  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  g_assert_cmpuint (f.sram_elements, ==, 32768);
  g_assert_cmpuint (f.bc, ==, 128);
  g_assert_cmpuint (f.br, ==, 64);
  g_assert_cmpuint (f.tc, ==, 8);
  g_assert_cmpuint (f.tr, ==, 16);
  g_assert_cmpuint (f.steps, ==, 128);

  /* H100: 228 KiB per SM, d = 128: M = 116736, Bc = ceil (116736 / 512) = 228, Br = 128. */
  in.head_dim = 128;
  in.sram_bytes = 228.0 * 1024.0;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  g_assert_cmpuint (f.bc, ==, 228);
  g_assert_cmpuint (f.br, ==, 128);
  g_assert_cmpuint (f.tc, ==, 5);   /* ceil (1024 / 228) */
  g_assert_cmpuint (f.tr, ==, 8);

  /* An SRAM bigger than the sequence: one block each way. */
  in = small_input ();
  in.seq = 64;
  in.sram_bytes = 1 << 20;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  g_assert_cmpuint (f.bc, ==, 64);
  g_assert_cmpuint (f.br, ==, 64);
  g_assert_cmpuint (f.tc, ==, 1);
  g_assert_cmpuint (f.tr, ==, 1);
}

/* Standard, elements: scores read 2Nd = 131072, write N^2 = 1048576; softmax read and write
 * N^2; output read N^2 + Nd = 1114112, write Nd = 65536. Sum 4Nd + 4N^2 = 4456448, x 2 bytes.
 * Flash: read 2Nd + Tc (2Nd + 2N) = 131072 + 8 x 133120 = 1196032; write (Tc + 1)(Nd + 2N) =
 * 9 x 67584 = 608256. The leading term 3 Tc N d = 12 N^2 d^2 / M = 1572864 is Theorem 2's. */
static void
test_traffic (void)
{
  UthFlashInput in = small_input ();
  UthFlash f;

  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  g_assert_cmpfloat (f.standard_read_bytes[UTH_FLASH_PASS_SCORES], ==, 131072.0 * 2);
  g_assert_cmpfloat (f.standard_write_bytes[UTH_FLASH_PASS_SCORES], ==, 1048576.0 * 2);
  g_assert_cmpfloat (f.standard_read_bytes[UTH_FLASH_PASS_SOFTMAX], ==, 1048576.0 * 2);
  g_assert_cmpfloat (f.standard_write_bytes[UTH_FLASH_PASS_SOFTMAX], ==, 1048576.0 * 2);
  g_assert_cmpfloat (f.standard_read_bytes[UTH_FLASH_PASS_OUTPUT], ==, 1114112.0 * 2);
  g_assert_cmpfloat (f.standard_write_bytes[UTH_FLASH_PASS_OUTPUT], ==, 65536.0 * 2);
  g_assert_cmpfloat (f.standard_bytes, ==, 4456448.0 * 2);
  g_assert_cmpfloat (f.flash_read_bytes, ==, 1196032.0 * 2);
  g_assert_cmpfloat (f.flash_write_bytes, ==, 608256.0 * 2);
  g_assert_cmpfloat (f.flash_bytes, ==, 1804288.0 * 2);
  g_assert_cmpfloat_with_epsilon (f.traffic_ratio, 4456448.0 / 1804288.0, 1e-12);
  g_assert_cmpfloat (f.flash_bytes / 2 - 12.0 * 1024 * 1024 * 64 * 64 / 32768, ==,
                     2.0 * 1024 * 64 + 8 * 4 * 1024 + 1024 * 64 + 2 * 1024);

  /* Heads and sequences multiply everything. */
  in.heads = 8;
  in.batch = 3;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  g_assert_cmpfloat (f.standard_bytes, ==, 4456448.0 * 2 * 24);
  g_assert_cmpfloat (f.flash_bytes, ==, 1804288.0 * 2 * 24);
}

/* Doubling the SRAM halves Tc: 128 KiB gives Bc = 256, Tc = 4; read 131072 + 4 x 133120 =
 * 663552, write 5 x 67584 = 337920. Standard attention does not change. */
static void
test_sram (void)
{
  UthFlashInput in = small_input ();
  UthFlash f;

  in.sram_bytes = 131072.0;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  g_assert_cmpuint (f.tc, ==, 4);
  g_assert_cmpfloat (f.flash_read_bytes, ==, 663552.0 * 2);
  g_assert_cmpfloat (f.flash_write_bytes, ==, 337920.0 * 2);
  g_assert_cmpfloat (f.standard_bytes, ==, 4456448.0 * 2);
}

/* Peak memory: standard keeps Q, K, V, O and S, P: 4Nd + 2N^2 = 262144 + 2097152 elements;
 * flash keeps Q, K, V, O and l, m: 4Nd + 2N = 264192. FLOPs 4 N^2 d = 268435456 for both. */
static void
test_memory_flops (void)
{
  UthFlashInput in = small_input ();
  UthFlash f;

  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  g_assert_cmpfloat (f.standard_peak_bytes, ==, 2359296.0 * 2);
  g_assert_cmpfloat (f.flash_peak_bytes, ==, 264192.0 * 2);
  g_assert_cmpfloat (f.standard_flops, ==, 268435456.0);
  g_assert_cmpfloat (f.flash_flops, ==, 268435456.0);
}

/* Causal: column block j starts at key 128 j, first needed by row block floor (128 j / 64) =
 * 2j, so column j visits 16 - 2j blocks (72 in all) covering 1024 - 128 j rows (4608 in all).
 * Read 131072 + 4608 x 130 = 730112, write 67584 + 4608 x 66 = 371712; FLOPs 4 x 4608 x 128
 * x 64 = 150994944, 0.5625 of the full 4 N^2 d: diagonal blocks are computed whole. */
static void
test_causal (void)
{
  UthFlashInput in = small_input ();
  UthFlash f;
  uint64_t i = 0, j = 0;
  double r, w;

  in.causal = true;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  g_assert_cmpuint (f.steps, ==, 72);
  g_assert_cmpfloat (f.flash_read_bytes, ==, 730112.0 * 2);
  g_assert_cmpfloat (f.flash_write_bytes, ==, 371712.0 * 2);
  g_assert_cmpfloat (f.flash_flops, ==, 150994944.0);
  g_assert_cmpfloat (f.flash_flops / f.standard_flops, ==, 0.5625);
  /* The standard algorithm computes all of S and then masks it. */
  g_assert_cmpfloat (f.standard_flops, ==, 268435456.0);

  g_assert_true (uth_flash_step_block (&in, &f, 15, &i, &j));
  g_assert_cmpuint (i, ==, 15);
  g_assert_cmpuint (j, ==, 0);
  g_assert_true (uth_flash_step_block (&in, &f, 16, &i, &j));
  g_assert_cmpuint (i, ==, 2);
  g_assert_cmpuint (j, ==, 1);
  g_assert_true (uth_flash_step_block (&in, &f, 70, &i, &j));
  g_assert_cmpuint (i, ==, 14);
  g_assert_cmpuint (j, ==, 7);
  g_assert_false (uth_flash_step_block (&in, &f, 72, &i, &j));
  g_assert_false (uth_flash_block_visited (&in, &f, 13, 7));
  g_assert_true (uth_flash_block_visited (&in, &f, 14, 7));

  uth_flash_bytes_at_step (&in, &f, 71, &r, &w);
  g_assert_cmpfloat (r, ==, f.flash_read_bytes);
  g_assert_cmpfloat (w, ==, f.flash_write_bytes);
}

/* Step 0 loads K_0, V_0 (2 x 128 x 64) and Q_0, O_0, l_0, m_0 (64 x 130), and writes O_0, l_0,
 * m_0 (64 x 66) after the initial Nd + 2N: read 24704, written 71808 elements. */
static void
test_steps (void)
{
  UthFlashInput in = small_input ();
  UthFlash f;
  uint64_t i = 0, j = 0;
  double r, w, last_r = 0.0, last_w = 0.0;

  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  uth_flash_bytes_at_step (&in, &f, 0, &r, &w);
  g_assert_cmpfloat (r, ==, 24704.0 * 2);
  g_assert_cmpfloat (w, ==, 71808.0 * 2);
  g_assert_true (uth_flash_step_block (&in, &f, 17, &i, &j));
  g_assert_cmpuint (i, ==, 1);
  g_assert_cmpuint (j, ==, 1);
  for (uint64_t s = 0; s < f.steps; s++)
    {
      uth_flash_bytes_at_step (&in, &f, s, &r, &w);
      g_assert_cmpfloat (r, >, last_r);
      g_assert_cmpfloat (w, >, last_w);
      last_r = r;
      last_w = w;
    }
  g_assert_cmpfloat (last_r, ==, f.flash_read_bytes);
  g_assert_cmpfloat (last_w, ==, f.flash_write_bytes);
}

static void
test_standard_progress (void)
{
  UthFlashInput in = small_input ();
  UthFlash f;
  UthFlashPass pass;
  double r, w;

  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  uth_flash_standard_bytes_at (&f, 0.0, &r, &w, &pass);
  g_assert_cmpfloat (r + w, ==, 0.0);
  /* A third of the way: the whole of S has been written. */
  uth_flash_standard_bytes_at (&f, 1.0 / 3.0 + 1e-12, &r, &w, &pass);
  g_assert_cmpint (pass, ==, UTH_FLASH_PASS_SOFTMAX);
  g_assert_cmpfloat_with_epsilon (w, 1048576.0 * 2, 1.0);
  uth_flash_standard_bytes_at (&f, 1.0, &r, &w, &pass);
  g_assert_cmpint (pass, ==, UTH_FLASH_PASS_OUTPUT);
  g_assert_cmpfloat (r + w, ==, f.standard_bytes);
}

/* Roofline with 1 PFLOP/s and 1 TB/s, ideal engine: flash takes max (flops / peak, bytes / bw)
 * and standard the sum of its three passes, the softmax pass by its bytes alone. */
static void
test_time (void)
{
  UthFlashInput in = small_input ();
  UthFlash f;
  UthFlashTime t;
  UthGpu gpu = { 0 };
  UthEngine engine;
  double expect;

  gpu.peak_flops[UTH_DTYPE_BF16] = 1e15;
  gpu.peak_flops[UTH_DTYPE_FP32] = 1e14;
  gpu.memory_bytes = 80e9;
  gpu.memory_bandwidth = 1e12;
  gpu.sms = 100;
  uth_engine_init_roofline (&engine);
  in.heads = 32;
  in.batch = 4;
  in.seq = 8192;
  in.head_dim = 128;
  in.sram_bytes = 192.0 * 1024;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_OK);
  uth_flash_time (&in, &f, &gpu, &engine, UTH_DTYPE_BF16, &t);

  expect = fmax (f.flash_flops / 1e15, f.flash_bytes / 1e12);
  g_assert_cmpfloat_with_epsilon (t.flash_seconds, expect, expect * 1e-9);
  expect = (f.standard_read_bytes[1] + f.standard_write_bytes[1]) / 1e12;
  g_assert_cmpfloat_with_epsilon (t.standard[UTH_FLASH_PASS_SOFTMAX].seconds, expect, expect * 1e-9);
  g_assert_cmpint (t.standard[UTH_FLASH_PASS_SOFTMAX].bound, ==, UTH_BOUND_MEMORY);
  g_assert_cmpfloat_with_epsilon (t.standard_seconds,
                                  t.standard[0].seconds + t.standard[1].seconds + t.standard[2].seconds,
                                  1e-15);
  g_assert_cmpfloat (t.standard_seconds, >, t.flash_seconds);
}

static void
test_errors (void)
{
  UthFlashInput in = small_input ();
  UthFlash f;

  in.seq = 0;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_BAD_SEQ);
  in = small_input ();
  in.head_dim = 0;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_BAD_HEAD_DIM);
  in = small_input ();
  in.heads = 0;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_BAD_HEADS);
  in = small_input ();
  in.bytes_per_element = -1;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_BAD_ELEMENT);
  /* 100 bytes hold 50 elements, less than one row of d = 64. */
  in = small_input ();
  in.sram_bytes = 100;
  g_assert_cmpint (uth_flash_compute (&in, &f), ==, UTH_FLASH_SRAM_TOO_SMALL);
  g_assert_cmpuint (f.steps, ==, 0);
  g_assert_cmpint (uth_flash_compute (NULL, &f), ==, UTH_FLASH_BAD_SEQ);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/flash/blocks", test_blocks);
  g_test_add_func ("/flash/traffic", test_traffic);
  g_test_add_func ("/flash/sram", test_sram);
  g_test_add_func ("/flash/memory-flops", test_memory_flops);
  g_test_add_func ("/flash/causal", test_causal);
  g_test_add_func ("/flash/steps", test_steps);
  g_test_add_func ("/flash/standard-progress", test_standard_progress);
  g_test_add_func ("/flash/time", test_time);
  g_test_add_func ("/flash/errors", test_errors);
  return g_test_run ();
}
