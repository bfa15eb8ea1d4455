/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chart geometry in unit coordinates: scales, ticks, stacks, hit rects, roofline, labels. */
#include <glib.h>
#include <math.h>

#include "core/uth-chart.h"

static void
test_scale (void)
{
  UthChartScale lin = { 0, 200, false };
  UthChartScale lg = { 1, 1e4, true };

  g_assert_cmpfloat_with_epsilon (uth_chart_scale_to_unit (&lin, 50), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (uth_chart_scale_from_unit (&lin, 0.25), 50, 1e-12);
  /* Four decades: 100 is half-way, 10 a quarter. */
  g_assert_cmpfloat_with_epsilon (uth_chart_scale_to_unit (&lg, 100), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (uth_chart_scale_to_unit (&lg, 10), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (uth_chart_scale_from_unit (&lg, 0.75), 1000, 1e-9);
  /* Non-positive values sit at the bottom of a log scale instead of NaN. */
  g_assert_cmpfloat_with_epsilon (uth_chart_scale_to_unit (&lg, 0), 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (uth_chart_scale_to_unit (&lg, -5), 0.0, 1e-12);
}

static void
test_nice (void)
{
  UthChartScale s = uth_chart_scale_nice (3.2, 870, true);

  g_assert_true (s.log);
  g_assert_cmpfloat_with_epsilon (s.min, 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.max, 1000, 1e-9);
  s = uth_chart_scale_nice (0.13, 0.87, false);
  /* Step for a range of 0.74 in about 5 ticks is 0.2: 0 .. 1. */
  g_assert_cmpfloat_with_epsilon (s.min, 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.max, 1.0, 1e-12);
  s = uth_chart_scale_nice (5, 5, false);
  g_assert_cmpfloat (s.max, >, s.min);
  s = uth_chart_scale_nice (0, 0, true);
  g_assert_cmpfloat (s.min, >, 0);
  g_assert_cmpfloat (s.max, >, s.min);
  s = uth_chart_scale_nice (NAN, 4, false);
  g_assert_cmpfloat (s.max, >, s.min);
}

static void
test_ticks (void)
{
  UthChartScale lin = { 0, 1, false };
  UthChartScale lg = { 0.01, 1e4, true };
  double t[32];
  size_t n;

  n = uth_chart_ticks (&lin, 5, t, 32);
  g_assert_cmpuint (n, ==, 6);    /* 0, 0.2, ..., 1 */
  g_assert_cmpfloat_with_epsilon (t[1], 0.2, 1e-12);
  g_assert_cmpfloat (t[0], ==, 0.0);
  g_assert_cmpfloat_with_epsilon (t[5], 1.0, 1e-12);
  n = uth_chart_ticks (&lg, 10, t, 32);
  g_assert_cmpuint (n, ==, 7);    /* 0.01 .. 10^4: seven decades */
  g_assert_cmpfloat_with_epsilon (t[0], 0.01, 1e-15);
  g_assert_cmpfloat_with_epsilon (t[6], 1e4, 1e-9);
  /* Fewer wanted than decades: every second decade. */
  n = uth_chart_ticks (&lg, 4, t, 32);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat_with_epsilon (t[1], 1.0, 1e-12);
  /* max bounds the output. */
  g_assert_cmpuint (uth_chart_ticks (&lg, 10, t, 3), ==, 3);
  g_assert_cmpuint (uth_chart_ticks (&lg, 10, t, 0), ==, 0);
}

static void
test_stack (void)
{
  const double v[] = { 1, 3, 0, 4 };
  const double tiny[] = { 1000, 1, 1000 };
  double out[8];
  double sum;

  sum = uth_chart_stack (v, 4, 0.0, out);
  g_assert_cmpfloat (sum, ==, 8.0);
  g_assert_cmpfloat_with_epsilon (out[0], 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[1], 0.125, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[2], 0.125, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[3], 0.375, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[5], 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[6] + out[7], 1.0, 1e-12);

  /* A tiny block gets the minimum span; the others share the rest in proportion. */
  uth_chart_stack (tiny, 3, 0.02, out);
  g_assert_cmpfloat_with_epsilon (out[3], 0.02, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[1], 0.49, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[5], 0.49, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[4] + out[5], 1.0, 1e-12);

  /* All zero: equal spans rather than nothing. */
  {
    const double zero[] = { 0, 0 };

    uth_chart_stack (zero, 2, 0.0, out);
    g_assert_cmpfloat_with_epsilon (out[1], 0.5, 1e-12);
  }
}

static void
test_hit (void)
{
  const UthChartRect r[] = { { 0, 0, 10, 10 }, { 10, 0, 10, 10 } };

  g_assert_cmpint (uth_chart_hit_rect (r, 2, 5, 5), ==, 0);
  g_assert_cmpint (uth_chart_hit_rect (r, 2, 10, 5), ==, 1);   /* edges belong to the right */
  g_assert_cmpint (uth_chart_hit_rect (r, 2, 20, 5), ==, -1);
  g_assert_cmpint (uth_chart_hit_rect (r, 2, 5, -1), ==, -1);
}

static void
test_roofline (void)
{
  /* H100 SXM dense bf16: 989 TFLOP/s and 3.35 TB/s (NVIDIA datasheet) make the ridge
   * 989e12 / 3.35e12 = 295.2 FLOP/byte. */
  const double peak = 989e12, bw = 3.35e12;
  const double xi[] = { 1.0, 8000 }, perf[] = { 3e12, 900e12 };
  UthChartScale x, y;
  UthChartRoofline r;

  uth_chart_roofline_scales (peak, bw, xi, perf, 2, &x, &y);
  g_assert_true (x.log && y.log);
  g_assert_cmpfloat (x.min, <=, 0.5);
  g_assert_cmpfloat (x.max, >=, 24000);
  g_assert_cmpfloat (y.max, >=, peak);
  r = uth_chart_roofline (peak, bw, &x, &y);
  g_assert_cmpfloat_with_epsilon (r.ridge_intensity, 295.2238806, 1e-6);
  /* The ridge sits on the roof, and the slope rises at 45 degrees in decades. */
  g_assert_cmpfloat_with_epsilon (r.ridge_y, r.roof_y1, 1e-12);
  g_assert_cmpfloat_with_epsilon (uth_chart_scale_from_unit (&x, r.ridge_x), 295.2238806, 1e-6);
  g_assert_cmpfloat_with_epsilon (uth_chart_scale_from_unit (&y, r.slope_y0),
                                  bw * uth_chart_scale_from_unit (&x, r.slope_x0), 1e3);
}

static void
test_spread (void)
{
  const double wanted[] = { 50, 10, 12, 14, 95 };
  double out[5];

  uth_chart_spread_labels (wanted, 5, 10, 0, 100, out);
  /* Order kept, at least 10 apart, inside 0..100. */
  g_assert_cmpfloat (out[1], ==, 10);
  g_assert_cmpfloat (out[2], ==, 20);
  g_assert_cmpfloat (out[3], ==, 30);
  g_assert_cmpfloat (out[0], ==, 50);
  g_assert_cmpfloat (out[4], ==, 95);

  /* Too close to the end: pushed back up from hi. */
  {
    const double end[] = { 98, 99, 100 };

    uth_chart_spread_labels (end, 3, 10, 0, 100, out);
    g_assert_cmpfloat (out[2], ==, 100);
    g_assert_cmpfloat (out[1], ==, 90);
    g_assert_cmpfloat (out[0], ==, 80);
  }
  g_assert_cmpuint (uth_chart_label_step (20, 18), ==, 1);
  g_assert_cmpuint (uth_chart_label_step (6, 18), ==, 5);   /* 126 layers in 800 px */
  g_assert_cmpuint (uth_chart_label_step (1, 18), ==, 20);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart/scale", test_scale);
  g_test_add_func ("/chart/nice", test_nice);
  g_test_add_func ("/chart/ticks", test_ticks);
  g_test_add_func ("/chart/stack", test_stack);
  g_test_add_func ("/chart/hit", test_hit);
  g_test_add_func ("/chart/roofline", test_roofline);
  g_test_add_func ("/chart/spread", test_spread);
  return g_test_run ();
}
