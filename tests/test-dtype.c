/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Data types with their real bits: the block formats count their scales. */
#include "config.h"

#include <glib.h>

#include "core/uth-dtype.h"
#include "core/uth-estimate.h"
#include "core-fixtures.h"

static void
test_bits (void)
{
  /* Q8_0: a block of 32 int8 codes and one fp16 scale = (32 x 8 + 16) / 32 = 8.5 bits. */
  g_assert_cmpfloat (uth_dtype_bits (UTH_DTYPE_Q8_0), ==, 8.5);
  g_assert_cmpfloat (uth_dtype_bytes (UTH_DTYPE_Q8_0), ==, 8.5 / 8.0);
  /* Q4_0: 32 4-bit codes and one fp16 scale = (32 x 4 + 16) / 32 = 4.5 bits. */
  g_assert_cmpfloat (uth_dtype_bits (UTH_DTYPE_Q4_0), ==, 4.5);
  /* Q4_K_M: a Llama-2-7B file of 3.80 GiB for 6.74e9 parameters (llama.cpp PR 3084):
   * 3.80 x 2^30 x 8 / 6.74e9 = 4.843 bits, about 4.85. */
  g_assert_cmpfloat_with_epsilon (uth_dtype_bits (UTH_DTYPE_Q4_K_M),
                                  3.80 * 1073741824.0 * 8.0 / 6.74e9, 0.01);
  /* GPTQ/AWQ, group 128: 4 + (16-bit scale + 4-bit zero) / 128 = 4.15625. */
  g_assert_cmpfloat (uth_dtype_bits (UTH_DTYPE_INT4_G128), ==, 4.15625);
  g_assert_cmpfloat (uth_dtype_bits (UTH_DTYPE_FP8), ==, 8.0);
  g_assert_cmpfloat (uth_dtype_bits (UTH_DTYPE_BF16), ==, 16.0);
  g_assert_cmpfloat (uth_dtype_bits (UTH_N_DTYPES), ==, 0.0);
}

static void
test_ids (void)
{
  for (guint i = 0; i < UTH_N_DTYPES; i++)
    {
      UthDtype back;

      g_assert_true (uth_dtype_from_id (uth_dtype_id ((UthDtype) i), &back));
      g_assert_cmpint (back, ==, i);
      /* Every type is a storage type, a compute type or both. */
      g_assert_true (uth_dtype_is_storage ((UthDtype) i) || uth_dtype_is_compute ((UthDtype) i));
      /* A block format is never a compute type; a KV type is always a storage type. */
      g_assert_true (!uth_dtype_is_block ((UthDtype) i) || !uth_dtype_is_compute ((UthDtype) i));
      g_assert_true (!uth_dtype_is_kv ((UthDtype) i) || uth_dtype_is_storage ((UthDtype) i));
    }
  {
    UthDtype d;

    g_assert_true (uth_dtype_from_id ("Q4_K_M", &d));
    g_assert_cmpint (d, ==, UTH_DTYPE_Q4_K_M);
    g_assert_true (uth_dtype_from_id ("gptq-int4", &d));
    g_assert_cmpint (d, ==, UTH_DTYPE_INT4_G128);
    g_assert_true (uth_dtype_from_id ("awq-int4", &d));
    g_assert_cmpint (d, ==, UTH_DTYPE_INT4_G128);
    g_assert_false (uth_dtype_from_id ("q4_k", &d));
    g_assert_false (uth_dtype_from_id (NULL, &d));
  }
  g_assert_true (uth_dtype_is_kv (UTH_DTYPE_Q8_0));
  g_assert_true (uth_dtype_is_kv (UTH_DTYPE_Q4_0));
  g_assert_false (uth_dtype_is_kv (UTH_DTYPE_Q4_K_M));
  g_assert_false (uth_dtype_is_kv (UTH_DTYPE_INT4_G128));
  g_assert_false (uth_dtype_is_compute (UTH_DTYPE_Q4_0));
  g_assert_true (uth_dtype_is_compute (UTH_DTYPE_TF32));
  g_assert_false (uth_dtype_is_storage (UTH_DTYPE_TF32));
}

static void
test_weight_bytes (void)
{
  UthModel model = fixture_llama_2_7b ();
  UthGpu gpu = fixture_h100_sxm ();
  UthEstimateInput in;
  UthEstimate q8, q4, bf16;
  UthEngine engine;

  uth_estimate_input_init (&in);
  in.model = &model;
  in.gpu = &gpu;
  uth_engine_init_roofline (&engine);
  in.engine = &engine;
  in.weights = UTH_DTYPE_Q8_0;
  g_assert_cmpint (uth_estimate_memory (&in, &q8), ==, UTH_ESTIMATE_OK);
  in.weights = UTH_DTYPE_Q4_0;
  g_assert_cmpint (uth_estimate_memory (&in, &q4), ==, UTH_ESTIMATE_OK);
  in.weights = UTH_DTYPE_BF16;
  g_assert_cmpint (uth_estimate_memory (&in, &bf16), ==, UTH_ESTIMATE_OK);
  /* Weight bytes are params x real bits / 8: Q8_0 is 8.5 / 16 of bf16, Q4_0 4.5 / 16. */
  g_assert_cmpfloat_with_epsilon (q8.weight_bytes / bf16.weight_bytes, 8.5 / 16.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (q4.weight_bytes / bf16.weight_bytes, 4.5 / 16.0, 1e-12);

  /* A block format holds weights, never activations; q4_k_m holds no KV cache. */
  in.activations = UTH_DTYPE_Q4_0;
  g_assert_cmpint (uth_estimate_memory (&in, &q4), ==, UTH_ESTIMATE_BAD_INPUT);
  in.activations = UTH_DTYPE_BF16;
  in.kv = UTH_DTYPE_Q4_K_M;
  g_assert_cmpint (uth_estimate_memory (&in, &q4), ==, UTH_ESTIMATE_BAD_INPUT);
  in.kv = UTH_DTYPE_Q8_0;
  g_assert_cmpint (uth_estimate_memory (&in, &q4), ==, UTH_ESTIMATE_OK);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dtype/bits", test_bits);
  g_test_add_func ("/dtype/ids", test_ids);
  g_test_add_func ("/dtype/weight-bytes", test_weight_bytes);
  return g_test_run ();
}
