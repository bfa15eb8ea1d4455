/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sinusoidal and rotary position encodings. */
#include <glib.h>
#include <math.h>

#include "core/uth-encoding.h"

static void
test_sinusoid (void)
{
  /* Vaswani et al. 2017, section 3.5: PE(pos, 2i) = sin (pos / 10000^(2i/d)),
   * PE(pos, 2i+1) = cos (same). */
  g_assert_cmpfloat (uth_sinusoid (0, 0, 8, 10000), ==, 0.0);
  g_assert_cmpfloat (uth_sinusoid (0, 1, 8, 10000), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (uth_sinusoid (1, 0, 8, 10000), 0.841470984807897, 1e-12);
  g_assert_cmpfloat_with_epsilon (uth_sinusoid (1, 1, 8, 10000), 0.540302305868140, 1e-12);
  /* d = 4, dims 2 and 3: angle 2 / 10000^(2/4) = 0.02. */
  g_assert_cmpfloat_with_epsilon (uth_sinusoid (2, 2, 4, 10000), 0.019998666693333, 1e-12);
  g_assert_cmpfloat_with_epsilon (uth_sinusoid (2, 3, 4, 10000), 0.999800006666578, 1e-12);
}

static void
test_frequency (void)
{
  g_assert_cmpfloat (uth_rope_frequency (0, 8, 10000), ==, 1.0);
  /* 10000^(-4/8) = 0.01 */
  g_assert_cmpfloat_with_epsilon (uth_rope_frequency (2, 8, 10000), 0.01, 1e-15);
  /* Llama 3's theta 500000 slows the last pairs further. */
  g_assert_cmpfloat (uth_rope_frequency (3, 8, 500000), <, uth_rope_frequency (3, 8, 10000));
}

static void
test_rotation (void)
{
  const double v[] = { 1.0, 0.0, 0.5, -2.0 };
  double r[4];

  /* Pair 0 turns by pos x 1 radian: (1, 0) at position pi/2 is (0, 1). */
  uth_rope_rotate (v, r, 4, G_PI / 2, 10000);
  g_assert_cmpfloat_with_epsilon (r[0], 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (r[1], 1.0, 1e-12);
  /* A rotation keeps every pair's length. */
  g_assert_cmpfloat_with_epsilon (r[2] * r[2] + r[3] * r[3], 0.25 + 4.0, 1e-12);
  /* Position 0 is the identity. */
  uth_rope_rotate (v, r, 4, 0, 10000);
  g_assert_cmpfloat (r[3], ==, -2.0);
}

static void
test_relative (void)
{
  /* RoFormer (Su et al. 2021), eq. 16: <R(m) q, R(n) k> = q^T R(n - m) k, a function of
   * n - m alone. Checked on fixed vectors for many absolute positions. */
  double q[16], k[16];
  guint i;
  int m, shift;

  for (i = 0; i < 16; i++)
    {
      q[i] = sin (1.0 + i);
      k[i] = cos (2.0 * i + 0.5);
    }
  for (m = 0; m < 20; m += 3)
    for (shift = 1; shift < 500; shift *= 7)
      {
        double a = uth_rope_dot (q, k, 16, m, m + 4, 10000);
        double b = uth_rope_dot (q, k, 16, m + shift, m + shift + 4, 10000);
        g_assert_cmpfloat_with_epsilon (a, b, 1e-9);
      }
  /* Same position: the plain dot product. */
  g_assert_cmpfloat_with_epsilon (uth_rope_dot (q, k, 16, 37, 37, 10000), uth_dot (q, k, 16), 1e-9);
  /* A different distance gives a different value here. */
  g_assert_cmpfloat (fabs (uth_rope_dot (q, k, 16, 0, 1, 10000) - uth_rope_dot (q, k, 16, 0, 5, 10000)), >, 1e-3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/encoding/sinusoid", test_sinusoid);
  g_test_add_func ("/encoding/frequency", test_frequency);
  g_test_add_func ("/encoding/rotation", test_rotation);
  g_test_add_func ("/encoding/relative", test_relative);
  return g_test_run ();
}
