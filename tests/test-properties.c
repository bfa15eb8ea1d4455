/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Properties of the estimator over random scenarios (seeded, so a failure repeats) and over
 * extremes: every answer is finite and non-negative, or a clear refusal; nothing overflows;
 * more work never makes things cheaper. */
#include "config.h"

#include <math.h>

#include "catalog/uth-catalog.h"
#include "core/uth-estimate.h"
#include "core/uth-ops.h"

#define SEED 20261127

static const UthDtype storage[] = {
  UTH_DTYPE_FP32, UTH_DTYPE_BF16, UTH_DTYPE_FP16, UTH_DTYPE_FP8, UTH_DTYPE_INT8, UTH_DTYPE_INT4,
  UTH_DTYPE_Q8_0, UTH_DTYPE_Q4_0, UTH_DTYPE_Q4_K_M, UTH_DTYPE_INT4_G128,
};
/* The first six hold anything; the block formats weights only (q8_0, q4_0 a KV cache too). */
#define N_ANY_STORAGE 6
#define N_KV_STORAGE 8

static UthCatalog *
catalog (void)
{
  static UthCatalog *c = NULL;

  if (c == NULL)
    {
      g_autoptr(GError) error = NULL;

      c = uth_catalog_new ();
      g_assert_true (uth_catalog_load_bundled_full (c, NULL, &error));
      g_assert_no_error (error);
    }
  return c;
}

static void
assert_finite_non_negative (const char *what,
                            double      v)
{
  if (!(isfinite (v) && v >= 0.0))
    g_error ("%s is %g", what, v);
}

/* Why the estimator may refuse a scenario whose numbers are all in range. */
static gboolean
refusal_is_explained (const UthEstimateInput *in)
{
  UthWorkload w = {
    .phase = UTH_PHASE_DECODE, .batch = in->batch, .tokens = in->step_tokens,
    .context = in->context, .weights = in->weights, .kv = in->kv,
    .activations = in->activations, .flash_attention = true, .tensor_parallel = in->gpus,
  };

  if (in->gpus > 1 && !(in->gpu->interconnect_bandwidth > 0.0))
    return TRUE;
  return uth_workload_validate (in->model, &w) != UTH_OPS_OK;
}

static void
check_estimate (const UthEstimateInput *in,
                const UthEstimate      *e)
{
  const double *fields[] = {
    &e->params, &e->active_params, &e->weight_bytes, &e->kv_bytes_per_token, &e->kv_cache_bytes,
    &e->activation_bytes, &e->reserve_bytes, &e->total_memory_bytes, &e->gpu_memory_bytes,
    &e->prefill_flops, &e->prefill_bytes, &e->prefill_seconds, &e->prefill_tokens_per_second,
    &e->ttft_seconds, &e->decode_flops, &e->decode_bytes, &e->decode_step_seconds,
    &e->decode_tokens_per_second, &e->decode_tokens_per_second_per_sequence, &e->request_seconds,
    &e->price_per_hour, &e->cost_per_million_input_tokens, &e->cost_per_million_output_tokens,
    &e->rule_of_thumb.flops_per_token, &e->rule_of_thumb.weight_bytes,
    &e->rule_of_thumb.decode_tokens_per_second, &e->rule_of_thumb.prefill_tokens_per_second,
    &e->rule_of_thumb.decode_intensity,
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *what = g_strdup_printf ("field %u", i);
      assert_finite_non_negative (what, *fields[i]);
    }
  /* Time is never free, and the memory verdict follows from the numbers shown. */
  g_assert_cmpfloat (e->prefill_seconds, >, 0.0);
  g_assert_cmpfloat (e->decode_step_seconds, >, 0.0);
  g_assert_cmpfloat (e->ttft_seconds, >=, e->prefill_seconds);
  g_assert_cmpfloat (e->params, >=, e->active_params);
  g_assert_true (e->fits == (e->total_memory_bytes <= e->gpu_memory_bytes));
  g_assert_cmpfloat_with_epsilon (e->decode_tokens_per_second * e->decode_step_seconds,
                                  (double) in->batch * (double) in->step_tokens,
                                  1e-9 * (double) in->batch * (double) in->step_tokens);
}

/* A log-uniform whole number in [1, max]. */
static guint64
log_uniform (GRand  *rand,
             double  max)
{
  double v = exp (g_rand_double_range (rand, 0.0, log (max)));

  return (guint64) CLAMP (floor (v), 1.0, max);
}

static void
random_input (GRand            *rand,
              UthEstimateInput *in)
{
  UthCatalog *c = catalog ();
  static const guint32 gpu_counts[] = { 1, 1, 1, 2, 3, 4, 8, 16, 64, 256, 1024 };

  uth_estimate_input_init (in);
  in->model = &uth_catalog_get_model (c, g_rand_int_range (rand, 0, (gint32) uth_catalog_get_n_models (c)))->spec;
  in->gpu = &uth_catalog_get_gpu (c, g_rand_int_range (rand, 0, (gint32) uth_catalog_get_n_gpus (c)))->spec;
  in->engine = &uth_catalog_get_engine (c, g_rand_int_range (rand, 0, (gint32) uth_catalog_get_n_engines (c)))->spec;
  in->gpus = gpu_counts[g_rand_int_range (rand, 0, G_N_ELEMENTS (gpu_counts))];
  in->batch = log_uniform (rand, 1e6);
  in->prompt = log_uniform (rand, 1e7);
  in->context = log_uniform (rand, 1e7);
  in->step_tokens = MIN (in->context, log_uniform (rand, 16));
  in->output_tokens = log_uniform (rand, 1e5);
  in->weights = storage[g_rand_int_range (rand, 0, G_N_ELEMENTS (storage))];
  in->kv = storage[g_rand_int_range (rand, 0, N_KV_STORAGE)];
  in->activations = storage[g_rand_int_range (rand, 0, N_ANY_STORAGE)];
  in->price_per_hour = g_rand_boolean (rand) ? -1.0 : g_rand_double_range (rand, 0.0, 100.0);
}

static void
test_random_scenarios (void)
{
  GRand *rand = g_rand_new_with_seed (SEED);
  guint ok = 0, refused = 0;

  /* About half the draws ask for a tensor-parallel degree the model's heads do not divide
   * (refused, and checked to be explained); enough draws that more than 1500 scenarios are
   * estimated and checked whatever the catalog's size does to the sequence. */
  for (guint i = 0; i < 3600; i++)
    {
      UthEstimateInput in;
      UthEstimate e;
      UthEstimateError err;

      random_input (rand, &in);
      err = uth_estimate (&in, &e);
      if (err != UTH_ESTIMATE_OK)
        {
          /* A refusal is allowed only for a reason the app can show. */
          g_assert_cmpint (err, ==, UTH_ESTIMATE_BAD_INPUT);
          g_assert_true (refusal_is_explained (&in));
          refused++;
          continue;
        }
      check_estimate (&in, &e);
      ok++;
    }
  g_test_message ("%u estimated, %u refused (tensor parallelism that does not divide the heads)",
                  ok, refused);
  /* Most random scenarios are valid; a property test that checks nothing is no test. */
  g_assert_cmpuint (ok, >, 1500);
  g_rand_free (rand);
}

/* Twice the sequences never lowers total decode throughput, a longer context never shrinks
 * the KV cache, more GPUs never lower the memory available. */
static void
test_monotonic (void)
{
  GRand *rand = g_rand_new_with_seed (SEED + 1);
  guint checked = 0;

  for (guint i = 0; i < 1000; i++)
    {
      UthEstimateInput in, more;
      UthEstimate a, b;

      random_input (rand, &in);
      if (uth_estimate (&in, &a) != UTH_ESTIMATE_OK)
        continue;
      more = in;
      more.batch = in.batch * 2;
      g_assert_cmpint (uth_estimate (&more, &b), ==, UTH_ESTIMATE_OK);
      g_assert_cmpfloat (b.decode_tokens_per_second, >=, a.decode_tokens_per_second * (1.0 - 1e-9));
      g_assert_cmpfloat (b.kv_cache_bytes, >=, a.kv_cache_bytes);

      more = in;
      more.context = in.context * 2;
      g_assert_cmpint (uth_estimate (&more, &b), ==, UTH_ESTIMATE_OK);
      g_assert_cmpfloat (b.kv_cache_bytes, >=, a.kv_cache_bytes);
      g_assert_cmpfloat (b.decode_step_seconds, >=, a.decode_step_seconds * (1.0 - 1e-9));
      checked++;
    }
  g_assert_cmpuint (checked, >, 500);
  g_rand_free (rand);
}

static void
test_every_dtype (void)
{
  UthCatalog *c = catalog ();
  UthEstimateInput in;
  UthEstimate e;

  uth_estimate_input_init (&in);
  in.model = &uth_catalog_find_model (c, "llama-3-8b")->spec;
  in.gpu = &uth_catalog_find_gpu (c, "h100-sxm")->spec;
  in.engine = &uth_catalog_find_engine (c, "tuned")->spec;
  for (guint w = 0; w < G_N_ELEMENTS (storage); w++)
    for (guint k = 0; k < G_N_ELEMENTS (storage); k++)
      for (guint a = 0; a < UTH_N_DTYPES; a++)
        {
          UthEstimateError err;

          in.weights = storage[w];
          in.kv = storage[k];
          in.activations = (UthDtype) a;
          err = uth_estimate (&in, &e);
          /* tf32 is a compute mode: refused as a storage type, never a wrong number; the
           * block formats hold weights (q8_0 and q4_0 a KV cache too), never activations. */
          if (err != UTH_ESTIMATE_OK)
            {
              g_assert_cmpint (err, ==, UTH_ESTIMATE_BAD_INPUT);
              g_assert_true (!uth_dtype_is_storage ((UthDtype) a) ||
                             !uth_dtype_is_compute ((UthDtype) a) ||
                             !uth_dtype_is_kv (storage[k]));
              continue;
            }
          g_assert_true (uth_dtype_is_compute ((UthDtype) a) && uth_dtype_is_kv (storage[k]));
          check_estimate (&in, &e);
          /* Weight memory is exactly params x bytes per weight. */
          g_assert_cmpfloat (e.weight_bytes, ==, e.params * uth_dtype_bytes (storage[w]));
        }
}

static void
test_extremes (void)
{
  UthCatalog *c = catalog ();
  /* A synthetic model with 1024 heads, so that 1024-way tensor parallelism is valid. */
  UthModel wide = {
    .hidden = 131072, .layers = 4, .heads = 1024, .kv_heads = 1024, .head_dim = 128,
    .ffn = 524288, .gated_mlp = true, .vocab = 256000, .norm = UTH_NORM_RMS,
    .norms_per_layer = 2, .attention = UTH_ATTN_MHA, .max_context = 10000000,
  };
  UthEstimateInput in;
  UthEstimate e;

  uth_estimate_input_init (&in);
  in.gpu = &uth_catalog_find_gpu (c, "b200")->spec;
  in.engine = &uth_catalog_find_engine (c, "tuned")->spec;

  for (guint m = 0; m < uth_catalog_get_n_models (c); m++)
    {
      in.model = &uth_catalog_get_model (c, m)->spec;
      in.gpus = 1;
      in.batch = 1000000;
      in.prompt = 10000000;
      in.context = 10000000;
      in.step_tokens = 1;
      g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
      check_estimate (&in, &e);
      /* A million sequences of ten million tokens fit on no GPU: said plainly. */
      g_assert_false (e.fits);

      in.gpus = 1024;
      if (uth_estimate (&in, &e) == UTH_ESTIMATE_OK)
        check_estimate (&in, &e);
      else
        g_assert_true (refusal_is_explained (&in));
    }

  in.model = &wide;
  g_assert_cmpint (uth_model_validate (&wide), ==, UTH_MODEL_OK);
  for (guint32 gpus = 1; gpus <= 1024; gpus *= 2)
    {
      in.gpus = gpus;
      in.batch = 1;
      in.prompt = in.context = 1;
      g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
      check_estimate (&in, &e);
      in.batch = 1000000;
      in.prompt = in.context = 10000000;
      g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
      check_estimate (&in, &e);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/properties/random", test_random_scenarios);
  g_test_add_func ("/properties/monotonic", test_monotonic);
  g_test_add_func ("/properties/every-dtype", test_every_dtype);
  g_test_add_func ("/properties/extremes", test_extremes);

  return g_test_run ();
}
