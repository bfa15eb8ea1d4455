/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Softmax, temperature, top-k, top-p and seeded sampling. */
#include <glib.h>
#include <math.h>

#include "core/uth-softmax.h"

static double
sum (const double *v, size_t n)
{
  double s = 0.0;
  size_t i;

  for (i = 0; i < n; i++)
    s += v[i];
  return s;
}

static void
test_stable (void)
{
  const double logits[] = { 1000.0, 999.0, 998.0 };
  /* Subtracting 1000 leaves exp (0), exp (-1), exp (-2) over their sum
   * 1 + 0.367879441 + 0.135335283 = 1.503214724. */
  const double expect[] = { 0.665240956, 0.244728471, 0.090030573 };
  double p[3];
  size_t i;

  g_assert_true (uth_softmax (logits, 3, 1.0, p));
  for (i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (p[i], expect[i], 1e-9);
  g_assert_cmpfloat_with_epsilon (sum (p, 3), 1.0, 1e-12);

  /* The naive form overflows: exp (1000) is infinite in double precision, inf / inf is NaN. */
  g_assert_false (uth_softmax_naive (logits, 3, 1.0, p));
  g_assert_true (isnan (p[0]));
  /* With small logits both forms agree. */
  {
    const double small[] = { 1.0, 0.0, -1.0 };
    double q[3];
    g_assert_true (uth_softmax_naive (small, 3, 1.0, p));
    g_assert_true (uth_softmax (small, 3, 1.0, q));
    for (i = 0; i < 3; i++)
      g_assert_cmpfloat_with_epsilon (p[i], q[i], 1e-15);
  }
  /* Shifting every logit changes nothing. */
  {
    const double shifted[] = { 0.0, -1.0, -2.0 };
    double q[3];
    g_assert_true (uth_softmax (shifted, 3, 1.0, q));
    for (i = 0; i < 3; i++)
      g_assert_cmpfloat_with_epsilon (q[i], expect[i], 1e-9);
  }
  g_assert_false (uth_softmax (logits, 0, 1.0, p));
}

static void
test_temperature (void)
{
  const double logits[] = { 2.0, 1.0, 0.0 };
  const double halved[] = { 1.0, 0.5, 0.0 };
  double p[3], q[3];
  size_t i;

  /* T = 2 is the softmax of logits / 2. */
  uth_softmax (logits, 3, 2.0, p);
  uth_softmax (halved, 3, 1.0, q);
  for (i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (p[i], q[i], 1e-15);
  /* T -> 0 is greedy; T = 0 is exactly one-hot on the largest. */
  uth_softmax (logits, 3, 0.0, p);
  g_assert_cmpfloat (p[0], ==, 1.0);
  g_assert_cmpfloat (p[1], ==, 0.0);
  uth_softmax (logits, 3, 0.01, p);
  g_assert_cmpfloat_with_epsilon (p[0], 1.0, 1e-12);
  /* T -> infinity is uniform. */
  uth_softmax (logits, 3, 1e9, p);
  for (i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (p[i], 1.0 / 3.0, 1e-8);
  /* Lower temperature sharpens: the top probability only grows as T falls. */
  {
    double last = 0.0, t;
    for (t = 4.0; t > 0.1; t /= 2.0)
      {
        uth_softmax (logits, 3, t, p);
        g_assert_cmpfloat (p[0], >, last);
        last = p[0];
      }
  }
}

static void
test_top_k (void)
{
  double p[] = { 0.1, 0.4, 0.2, 0.3 };

  /* k = 2 keeps 0.4 and 0.3, renormalised over 0.7. */
  g_assert_cmpuint (uth_top_k (p, 4, 2), ==, 2);
  g_assert_cmpfloat (p[0], ==, 0.0);
  g_assert_cmpfloat (p[2], ==, 0.0);
  g_assert_cmpfloat_with_epsilon (p[1], 4.0 / 7.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (p[3], 3.0 / 7.0, 1e-12);
  /* k = 0 is off. */
  g_assert_cmpuint (uth_top_k (p, 4, 0), ==, 4);
}

static void
test_top_p (void)
{
  double p[] = { 0.1, 0.4, 0.2, 0.3 };
  double q[] = { 0.1, 0.4, 0.2, 0.3 };
  double r[] = { 0.1, 0.4, 0.2, 0.3 };

  /* Sorted: 0.4, 0.3 (0.7 >= 0.5): two kept. */
  g_assert_cmpuint (uth_top_p (p, 4, 0.5), ==, 2);
  g_assert_cmpfloat_with_epsilon (p[1], 4.0 / 7.0, 1e-12);
  g_assert_cmpfloat (p[0], ==, 0.0);
  /* 0.35: the most probable alone reaches it. */
  g_assert_cmpuint (uth_top_p (q, 4, 0.35), ==, 1);
  g_assert_cmpfloat (q[1], ==, 1.0);
  /* 0.95 needs 0.4 + 0.3 + 0.2 + 0.1. */
  g_assert_cmpuint (uth_top_p (r, 4, 0.95), ==, 4);
  /* A tiny p still keeps the top one. */
  {
    double s[] = { 0.5, 0.5 };
    g_assert_cmpuint (uth_top_p (s, 2, 1e-9), ==, 1);
    g_assert_cmpfloat (s[0], ==, 1.0);
  }
}

static void
test_sampling (void)
{
  const double probs[] = { 0.5, 0.3, 0.2, 0.0 };
  guint counts[4] = { 0 };
  const guint draws = 200000;
  UthRng rng, again;
  guint i;

  uth_rng_init (&rng, 42);
  for (i = 0; i < draws; i++)
    counts[uth_sample (probs, 4, &rng)]++;
  /* Binomial standard deviation sqrt (p (1 - p) / n) is at most 0.0012 here: 0.01 is
   * more than eight of them. */
  g_assert_cmpfloat_with_epsilon (counts[0] / (double) draws, 0.5, 0.01);
  g_assert_cmpfloat_with_epsilon (counts[1] / (double) draws, 0.3, 0.01);
  g_assert_cmpfloat_with_epsilon (counts[2] / (double) draws, 0.2, 0.01);
  g_assert_cmpuint (counts[3], ==, 0);

  /* The same seed draws the same sequence. */
  uth_rng_init (&rng, 7);
  uth_rng_init (&again, 7);
  for (i = 0; i < 100; i++)
    g_assert_cmpuint (uth_sample (probs, 4, &rng), ==, uth_sample (probs, 4, &again));
}

static void
test_sampler (void)
{
  const double logits[] = { 3.0, 2.0, 1.0, 0.0 };
  UthSampler s = { 1.0, 2, 1.0 };
  double p[4];

  g_assert_true (uth_sampler_distribution (&s, logits, 4, p));
  /* top-2 of softmax: e^3 and e^2 over their sum. */
  g_assert_cmpfloat_with_epsilon (p[0], exp (3) / (exp (3) + exp (2)), 1e-12);
  g_assert_cmpfloat (p[2], ==, 0.0);
  s.temperature = 0.0;
  g_assert_true (uth_sampler_distribution (&s, logits, 4, p));
  g_assert_cmpfloat (p[0], ==, 1.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/softmax/stable", test_stable);
  g_test_add_func ("/softmax/temperature", test_temperature);
  g_test_add_func ("/softmax/top-k", test_top_k);
  g_test_add_func ("/softmax/top-p", test_top_p);
  g_test_add_func ("/softmax/sampling", test_sampling);
  g_test_add_func ("/softmax/sampler", test_sampler);
  return g_test_run ();
}
