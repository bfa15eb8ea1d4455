/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chart geometry in unit coordinates: scales, ticks, stacked blocks, roofline lines.
 * Painting and hit-testing share these, and they are tested without a display. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct
{
  double min;
  double max;
  bool   log;          /* log10 scale; min and max must then be > 0 */
} UthChartScale;

typedef struct
{
  double x, y, w, h;   /* unit or pixel coordinates, y down */
} UthChartRect;

/* Maps a value onto 0..1 of the scale (0 at min), clamping non-positive values on a log
 * scale to min. Values outside the range map outside 0..1. */
double        uth_chart_scale_to_unit   (const UthChartScale *scale,
                                         double               value);
/* The inverse of uth_chart_scale_to_unit. */
double        uth_chart_scale_from_unit (const UthChartScale *scale,
                                         double               unit);
/* A scale covering lo..hi with round ends: whole decades on a log scale, multiples of
 * the tick step on a linear one. Degenerate ranges are widened. */
UthChartScale uth_chart_scale_nice      (double lo,
                                         double hi,
                                         bool   log);
/* Round tick values inside the scale, at most max of them and about target:
 * 1-2-5 steps on a linear scale, decades (or every n-th decade) on a log scale.
 * Returns the number written. */
size_t        uth_chart_ticks           (const UthChartScale *scale,
                                         size_t               target,
                                         double              *out,
                                         size_t               max);

/* Splits the unit interval 0..1 into n consecutive spans proportional to values (negative
 * counts as 0), each at least min_span long (when n * min_span < 1), in order. Writes
 * n start/length pairs into out[2*i], out[2*i+1]. Returns the sum of values. */
double        uth_chart_stack           (const double *values,
                                         size_t        n,
                                         double        min_span,
                                         double       *out);
/* Index of the first rect containing (x, y), or -1. */
int           uth_chart_hit_rect        (const UthChartRect *rects,
                                         size_t              n,
                                         double              x,
                                         double              y);

/* The roofline in unit coordinates of two log scales: the bandwidth slope from the left
 * edge to the ridge, then the flat compute roof. */
typedef struct
{
  double ridge_intensity;      /* FLOP/byte where slope meets roof */
  double slope_x0, slope_y0;   /* unit coordinates, y up (0 bottom) */
  double ridge_x, ridge_y;
  double roof_x1, roof_y1;
} UthChartRoofline;

/* Scales that frame a roofline with bandwidth (B/s) and peak (FLOP/s) and the points
 * (intensity, FLOP/s) with some room around them; n may be 0. */
void          uth_chart_roofline_scales (double               peak,
                                         double               bandwidth,
                                         const double        *intensity,
                                         const double        *performance,
                                         size_t               n,
                                         UthChartScale       *x,
                                         UthChartScale       *y);
/* The lines of the roofline on the given scales. */
UthChartRoofline uth_chart_roofline     (double               peak,
                                         double               bandwidth,
                                         const UthChartScale *x,
                                         const UthChartScale *y);

/* Moves labels apart along one axis: given the wanted positions (any order) and a label
 * extent, writes positions at least `extent` apart that keep the labels' order, stay in
 * lo..hi when they fit, and move each label as little as a greedy pass allows. */
void          uth_chart_spread_labels   (const double        *wanted,
                                         size_t               n,
                                         double               extent,
                                         double               lo,
                                         double               hi,
                                         double              *out);
/* Every n-th item to label so labels of `extent` fit rows of `row` height: 1, 2, 5, 10,
 * 20, 50, ... */
unsigned      uth_chart_label_step      (double               row,
                                         double               extent);
