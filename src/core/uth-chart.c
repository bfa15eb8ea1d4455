/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-chart.h"

#include <math.h>

/* 1-2-5 step of about range / target. */
static double
nice_step (double range,
           size_t target)
{
  double raw, mag, norm;

  if (target < 1)
    target = 1;
  raw = range / (double) target;
  if (!(raw > 0) || !isfinite (raw))
    return 1.0;
  mag = pow (10.0, floor (log10 (raw)));
  norm = raw / mag;
  if (norm <= 1.0)
    return mag;
  if (norm <= 2.0)
    return 2.0 * mag;
  if (norm <= 5.0)
    return 5.0 * mag;
  return 10.0 * mag;
}

double
uth_chart_scale_to_unit (const UthChartScale *scale,
                         double               value)
{
  if (scale->log)
    {
      double lo = log10 (scale->min), hi = log10 (scale->max);

      if (!(value > 0))
        value = scale->min;
      if (hi == lo)
        return 0.0;
      return (log10 (value) - lo) / (hi - lo);
    }
  if (scale->max == scale->min)
    return 0.0;
  return (value - scale->min) / (scale->max - scale->min);
}

double
uth_chart_scale_from_unit (const UthChartScale *scale,
                           double               unit)
{
  if (scale->log)
    {
      double lo = log10 (scale->min), hi = log10 (scale->max);

      return pow (10.0, lo + unit * (hi - lo));
    }
  return scale->min + unit * (scale->max - scale->min);
}

UthChartScale
uth_chart_scale_nice (double lo,
                      double hi,
                      bool   log)
{
  UthChartScale s = { 0.0, 1.0, log };
  double step;

  if (!isfinite (lo) || !isfinite (hi))
    {
      s.min = log ? 1.0 : 0.0;
      s.max = 10.0;
      return s;
    }
  if (lo > hi)
    {
      double t = lo;
      lo = hi;
      hi = t;
    }
  if (log)
    {
      if (!(hi > 0))
        hi = 10.0;
      if (!(lo > 0))
        lo = hi / 1000.0;
      s.min = pow (10.0, floor (log10 (lo) + 1e-9));
      s.max = pow (10.0, ceil (log10 (hi) - 1e-9));
      if (s.max <= s.min)
        s.max = s.min * 10.0;
      return s;
    }
  if (hi == lo)
    {
      if (lo == 0.0)
        hi = 1.0;
      else
        {
          double d = fabs (lo) * 0.5;
          lo -= d;
          hi += d;
        }
    }
  step = nice_step (hi - lo, 5);
  s.min = floor (lo / step + 1e-9) * step;
  s.max = ceil (hi / step - 1e-9) * step;
  return s;
}

size_t
uth_chart_ticks (const UthChartScale *scale,
                 size_t               target,
                 double              *out,
                 size_t               max)
{
  size_t n = 0;

  if (max == 0)
    return 0;
  if (scale->log)
    {
      long first, last, every, d;

      if (!(scale->min > 0) || !(scale->max > scale->min))
        return 0;
      first = (long) ceil (log10 (scale->min) - 1e-9);
      last = (long) floor (log10 (scale->max) + 1e-9);
      if (target < 1)
        target = 1;
      every = (long) ceil ((double) (last - first + 1) / (double) target);
      if (every < 1)
        every = 1;
      for (d = first; d <= last && n < max; d += every)
        out[n++] = pow (10.0, (double) d);
      return n;
    }
  else
    {
      double step, v, lo, hi;

      lo = scale->min < scale->max ? scale->min : scale->max;
      hi = scale->min < scale->max ? scale->max : scale->min;
      if (!(hi > lo))
        return 0;
      step = nice_step (hi - lo, target);
      for (v = ceil (lo / step - 1e-9) * step; v <= hi + step * 1e-9 && n < max; v += step)
        out[n++] = fabs (v) < step * 1e-9 ? 0.0 : v;
      return n;
    }
}

double
uth_chart_stack (const double *values,
                 size_t        n,
                 double        min_span,
                 double       *out)
{
  double total = 0.0, free_total, free_len, pos;
  size_t i, n_fixed, before;

  if (n == 0)
    return 0.0;
  for (i = 0; i < n; i++)
    if (values[i] > 0)
      total += values[i];
  if (min_span < 0 || (double) n * min_span >= 1.0)
    min_span = 0.0;

  /* out[2i+1] < 0 marks a span pinned to min_span; repeat until no free span falls below. */
  for (i = 0; i < n; i++)
    out[2 * i + 1] = 0.0;
  n_fixed = 0;
  do
    {
      before = n_fixed;
      free_total = 0.0;
      for (i = 0; i < n; i++)
        if (out[2 * i + 1] >= 0 && values[i] > 0)
          free_total += values[i];
      free_len = 1.0 - (double) n_fixed * min_span;
      for (i = 0; i < n; i++)
        {
          double v = values[i] > 0 ? values[i] : 0.0;
          double len;

          if (out[2 * i + 1] < 0)
            continue;
          len = free_total > 0 ? v / free_total * free_len
                               : (total > 0 ? 0.0 : free_len / (double) (n - n_fixed));
          if (min_span > 0 && len < min_span)
            {
              out[2 * i + 1] = -1.0;
              n_fixed++;
            }
        }
    }
  while (n_fixed != before && n_fixed < n);

  free_total = 0.0;
  for (i = 0; i < n; i++)
    if (out[2 * i + 1] >= 0 && values[i] > 0)
      free_total += values[i];
  free_len = 1.0 - (double) n_fixed * min_span;
  pos = 0.0;
  for (i = 0; i < n; i++)
    {
      double v = values[i] > 0 ? values[i] : 0.0;
      double len;

      if (out[2 * i + 1] < 0)
        len = min_span;
      else if (free_total > 0)
        len = v / free_total * free_len;
      else
        len = total > 0 ? 0.0 : free_len / (double) (n - n_fixed);
      out[2 * i] = pos;
      out[2 * i + 1] = len;
      pos += len;
    }
  return total;
}

int
uth_chart_hit_rect (const UthChartRect *rects,
                    size_t              n,
                    double              x,
                    double              y)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (x >= rects[i].x && x < rects[i].x + rects[i].w &&
        y >= rects[i].y && y < rects[i].y + rects[i].h)
      return (int) i;
  return -1;
}

void
uth_chart_roofline_scales (double               peak,
                           double               bandwidth,
                           const double        *intensity,
                           const double        *performance,
                           size_t               n,
                           UthChartScale       *x,
                           UthChartScale       *y)
{
  double ridge, xlo, xhi, ylo, yhi;
  size_t i;

  if (!(peak > 0))
    peak = 1.0;
  if (!(bandwidth > 0))
    bandwidth = 1.0;
  ridge = peak / bandwidth;
  xlo = ridge / 100.0;
  xhi = ridge * 30.0;
  for (i = 0; i < n; i++)
    {
      if (intensity[i] > 0 && intensity[i] / 2.0 < xlo)
        xlo = intensity[i] / 2.0;
      if (intensity[i] * 3.0 > xhi && isfinite (intensity[i]))
        xhi = intensity[i] * 3.0;
    }
  *x = uth_chart_scale_nice (xlo, xhi, true);
  yhi = peak * 3.0;
  ylo = bandwidth * x->min;
  for (i = 0; i < n; i++)
    if (performance[i] > 0 && performance[i] / 2.0 < ylo)
      ylo = performance[i] / 2.0;
  /* Keep the plot from spanning absurd decades: at most 8 below the roof. */
  if (ylo < peak * 1e-8)
    ylo = peak * 1e-8;
  *y = uth_chart_scale_nice (ylo, yhi, true);
}

UthChartRoofline
uth_chart_roofline (double               peak,
                    double               bandwidth,
                    const UthChartScale *x,
                    const UthChartScale *y)
{
  UthChartRoofline r;
  double x0 = x->min;

  if (!(bandwidth > 0))
    bandwidth = 1.0;
  r.ridge_intensity = peak / bandwidth;
  if (bandwidth * x0 < y->min)
    x0 = y->min / bandwidth;
  r.slope_x0 = uth_chart_scale_to_unit (x, x0);
  r.slope_y0 = uth_chart_scale_to_unit (y, bandwidth * x0);
  r.ridge_x = uth_chart_scale_to_unit (x, r.ridge_intensity);
  r.ridge_y = uth_chart_scale_to_unit (y, peak);
  r.roof_x1 = 1.0;
  r.roof_y1 = r.ridge_y;
  return r;
}

void
uth_chart_spread_labels (const double *wanted,
                         size_t        n,
                         double        extent,
                         double        lo,
                         double        hi,
                         double       *out)
{
  size_t i, j;
  size_t order_buf[256];
  size_t *order = order_buf;

  if (n == 0)
    return;
  if (n > 256)
    n = 256;  /* more labels than this never fit anyway; the rest stay where wanted */
  for (i = 0; i < n; i++)
    order[i] = i;
  /* Insertion sort by wanted position: n is small. */
  for (i = 1; i < n; i++)
    for (j = i; j > 0 && wanted[order[j]] < wanted[order[j - 1]]; j--)
      {
        size_t t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
  /* Downward pass: each label at least extent below the previous. */
  for (i = 0; i < n; i++)
    {
      double v = wanted[order[i]];

      if (v < lo)
        v = lo;
      if (i > 0 && v < out[order[i - 1]] + extent)
        v = out[order[i - 1]] + extent;
      out[order[i]] = v;
    }
  /* Upward pass from hi when the stack ran past it. */
  for (i = n; i-- > 0;)
    {
      double limit = (i + 1 < n) ? out[order[i + 1]] - extent : hi;

      if (out[order[i]] > limit)
        out[order[i]] = limit;
    }
}

unsigned
uth_chart_label_step (double row,
                      double extent)
{
  static const unsigned steps[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000 };
  size_t i;

  if (!(row > 0))
    return steps[sizeof steps / sizeof steps[0] - 1];
  for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
    if (row * steps[i] >= extent)
      return steps[i];
  return steps[sizeof steps / sizeof steps[0] - 1];
}
