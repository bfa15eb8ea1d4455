/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Speculative decoding: the formulas of Leviathan, Kalman and Matias, "Fast Inference from
 * Transformers via Speculative Decoding" (ICML 2023, arXiv:2211.17192), eq. (1) and
 * theorem 3.8, against hand-computed values, a Monte-Carlo run and the estimator. */
#include <glib.h>
#include <math.h>

#include "core/uth-speculative.h"
#include "core-fixtures.h"

/* https://huggingface.co/meta-llama/Llama-3.2-1B/blob/main/config.json */
static UthModel
llama_3_2_1b (void)
{
  UthModel m = fixture_llama_3_8b ();

  m.hidden = 2048; m.layers = 16; m.heads = 32; m.kv_heads = 8; m.head_dim = 64;
  m.ffn = 8192; m.tied_embeddings = true; m.max_context = 131072;
  return m;
}

typedef struct
{
  UthModel         target, draft;
  UthGpu           gpu;
  UthEngine        engine;
  UthEstimateInput input;
} Scenario;

static void
scenario_init (Scenario *s)
{
  s->target = fixture_llama_3_8b ();
  s->draft = llama_3_2_1b ();
  s->gpu = fixture_h100_sxm ();
  uth_engine_init_roofline (&s->engine);
  uth_estimate_input_init (&s->input);
  s->input.model = &s->target;
  s->input.gpu = &s->gpu;
  s->input.engine = &s->engine;
  s->input.context = 1024;
}

static void
test_formulas (void)
{
  /* E = (1 - 0.8^5) / (1 - 0.8) = (1 - 0.32768) / 0.2 = 3.3616. */
  g_assert_cmpfloat_with_epsilon (uth_speculative_expected_tokens (0.8, 4), 3.3616, 1e-12);
  /* Speedup = 3.3616 / (4 x 0.05 + 1) = 3.3616 / 1.2 = 2.80133. */
  g_assert_cmpfloat_with_epsilon (uth_speculative_speedup (0.8, 4, 0.05), 2.801333333, 1e-8);
  /* alpha = 1: every drafted token and the bonus; alpha = 0: only the target's own token. */
  g_assert_cmpfloat (uth_speculative_expected_tokens (1.0, 4), ==, 5.0);
  g_assert_cmpfloat (uth_speculative_expected_tokens (0.0, 4), ==, 1.0);
  /* alpha = 0.6, gamma = 2, c = 0.1: (1 + 0.6 + 0.36) / 1.2 = 1.96 / 1.2 = 1.6333. */
  g_assert_cmpfloat_with_epsilon (uth_speculative_speedup (0.6, 2, 0.1), 1.96 / 1.2, 1e-12);
  g_assert_true (isnan (uth_speculative_expected_tokens (1.5, 4)));
  g_assert_true (isnan (uth_speculative_speedup (0.8, 4, -1.0)));
}

/* alpha = 0.8, c = 0.05: speedups for gamma = 6, 7, 8, 9 are 3.951/1.30 = 3.039,
 * 4.161/1.35 = 3.082, 4.329/1.40 = 3.092, 4.463/1.45 = 3.078: the best is 8. A draft as
 * costly as the target (c = 1) never pays and the best is the smallest gamma. */
static void
test_best_gamma (void)
{
  g_assert_cmpuint (uth_speculative_best_gamma (0.8, 0.05, 16), ==, 8);
  g_assert_cmpuint (uth_speculative_best_gamma (0.8, 1.0, 16), ==, 1);
  g_assert_cmpfloat (uth_speculative_speedup (0.8, 1, 1.0), <, 1.0);
}

/* 200,000 passes: the mean tokens per pass has a standard error of about 1.5 / 447 = 0.0034;
 * 1% of 3.36 is ten of those. */
static void
test_monte_carlo (void)
{
  UthSpeculativeMonteCarlo mc, again;

  g_assert_cmpint (uth_speculative_monte_carlo (0.8, 4, 0.05, 200000, 1, &mc), ==,
                   UTH_SPECULATIVE_OK);
  g_assert_cmpfloat (fabs (mc.tokens_per_pass - 3.3616) / 3.3616, <, 0.01);
  g_assert_cmpfloat (fabs (mc.speedup - 2.801333) / 2.801333, <, 0.01);
  /* All four accepted with probability 0.8^4 = 0.4096. */
  g_assert_cmpfloat (fabs ((double) mc.bonus / mc.passes - 0.4096), <, 0.01);
  g_assert_cmpuint (mc.tokens, ==, mc.accepted + mc.passes);
  g_assert_cmpuint (mc.drafted, ==, 4 * mc.passes);
  g_assert_cmpint (uth_speculative_monte_carlo (0.8, 4, 0.05, 200000, 1, &again), ==, 0);
  g_assert_cmpuint (again.tokens, ==, mc.tokens);
  g_assert_cmpint (uth_speculative_monte_carlo (1.2, 4, 0.05, 10, 1, &mc), ==,
                   UTH_SPECULATIVE_BAD_INPUT);
  g_assert_cmpint (uth_speculative_monte_carlo (0.8, 0, 0.05, 10, 1, &mc), ==,
                   UTH_SPECULATIVE_BAD_INPUT);
  g_assert_cmpint (uth_speculative_monte_carlo (0.8, 4, 0.05, 0, 1, &mc), ==,
                   UTH_SPECULATIVE_BAD_INPUT);
}

/* At batch 1 decode is memory-bound: verifying 5 tokens costs about one step, and the timed
 * speedup is close to the paper's. The draft reads ~2.5 GB of weights against the target's
 * ~16 GB, so c is about 0.15 (more with the draft's own overheads). */
static void
test_timed (void)
{
  Scenario s;
  UthSpeculativeTiming t;

  scenario_init (&s);
  g_assert_cmpint (uth_speculative_time (&s.input, &s.draft, 0.8, 4, &t), ==,
                   UTH_SPECULATIVE_OK);
  g_assert_cmpfloat (t.verify_ratio, >=, 1.0);
  g_assert_cmpfloat (t.verify_ratio, <, 1.1);
  g_assert_cmpfloat (t.c, >, 0.1);
  g_assert_cmpfloat (t.c, <, 0.25);
  g_assert_cmpfloat_with_epsilon (t.expected_tokens, 3.3616, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.speedup_paper, 3.3616 / (4 * t.c + 1), 1e-12);
  g_assert_cmpfloat_with_epsilon (t.speedup_timed,
                                  3.3616 * t.target_step_s / (4 * t.draft_step_s + t.verify_step_s),
                                  1e-12);
  g_assert_cmpfloat (fabs (t.speedup_timed - t.speedup_paper) / t.speedup_paper, <, 0.1);
  g_assert_false (t.verify_compute_bound);
  g_assert_cmpint (uth_speculative_time (&s.input, &s.draft, 0.8, 0, &t), ==,
                   UTH_SPECULATIVE_BAD_INPUT);
}

/* With a large batch the verify pass of gamma + 1 tokens per sequence is compute-bound and
 * costs ~gamma + 1 steps: speculation stops paying. On an H100 at bf16 the ridge is ~295
 * FLOP/byte, reached near batch x 5 tokens ~ 300. A short context (128) keeps the KV reads,
 * which verification does not multiply, from hiding this: at batch 1024 the target step is
 * 2 x 8e9 x 1024 / 989.4e12 = 16.6 ms of compute against ~10 ms of weight and KV reads. */
static void
test_batch_sweep (void)
{
  Scenario s;
  static const uint64_t batches[] = { 1, 4, 16, 64, 256, 1024 };
  double speedups[G_N_ELEMENTS (batches)];
  uint64_t stops = 0;
  UthSpeculativeTiming t;
  guint i;

  scenario_init (&s);
  s.input.context = 128;
  g_assert_cmpint (uth_speculative_batch_sweep (&s.input, &s.draft, 0.8, 4, batches,
                                                G_N_ELEMENTS (batches), speedups, &stops),
                   ==, UTH_SPECULATIVE_OK);
  g_assert_cmpfloat (speedups[0], >, 2.0);
  for (i = 1; i < G_N_ELEMENTS (batches); i++)
    g_assert_cmpfloat (speedups[i], <=, speedups[i - 1] * 1.001);
  g_assert_cmpuint (stops, >=, 64);
  g_assert_cmpuint (stops, <=, 1024);
  g_assert_cmpfloat (speedups[G_N_ELEMENTS (batches) - 1], <, 1.0);

  s.input.batch = 1024;
  g_assert_cmpint (uth_speculative_time (&s.input, &s.draft, 0.8, 4, &t), ==, 0);
  g_assert_true (t.verify_compute_bound);
  g_assert_cmpfloat (t.verify_ratio, >, 3.0);
}

static void
test_best_gamma_timed (void)
{
  Scenario s;
  UthSpeculativeTiming t;
  uint32_t best = 0, g;

  scenario_init (&s);
  g_assert_cmpint (uth_speculative_best_gamma_timed (&s.input, &s.draft, 0.8, 16, &best, &t),
                   ==, UTH_SPECULATIVE_OK);
  g_assert_cmpuint (best, >=, 2);
  for (g = 1; g <= 16; g++)
    {
      UthSpeculativeTiming other;

      g_assert_cmpint (uth_speculative_time (&s.input, &s.draft, 0.8, g, &other), ==, 0);
      g_assert_cmpfloat (other.speedup_timed, <=, t.speedup_timed);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/speculative/formulas", test_formulas);
  g_test_add_func ("/speculative/best-gamma", test_best_gamma);
  g_test_add_func ("/speculative/monte-carlo", test_monte_carlo);
  g_test_add_func ("/speculative/timed", test_timed);
  g_test_add_func ("/speculative/batch-sweep", test_batch_sweep);
  g_test_add_func ("/speculative/best-gamma-timed", test_best_gamma_timed);
  return g_test_run ();
}
