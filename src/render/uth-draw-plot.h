/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plots (axes, grid, ticks, axis titles) and legends. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "core/uth-chart.h"
#include "render/uth-draw.h"
#include "render/uth-draw-palette.h"
#include "render/uth-format.h"

G_BEGIN_DECLS

/* ---- plots ---- */
typedef struct
{
  UthChartScale x;
  UthChartScale y;
  double        left, top, width, height;   /* the plot area in pixels */
} UthPlot;

/* Reserves room inside the box for tick labels and axis titles and sets the plot area. */
void   uth_plot_init             (UthPlot                *plot,
                                  const UthFigureContext *ctx,
                                  double                  x,
                                  double                  y,
                                  double                  width,
                                  double                  height,
                                  const UthChartScale    *xscale,
                                  const UthChartScale    *yscale);
double uth_plot_x                (const UthPlot          *plot,
                                  double                  value);
double uth_plot_y                (const UthPlot          *plot,
                                  double                  value);
/* Grid, axes, tick labels (formatted by fx/fy, NULL for plain numbers) and axis titles
 * (which should name the unit, e.g. "Arithmetic intensity (FLOP/byte)"). */
void   uth_draw_plot_axes        (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  const UthPlot          *plot,
                                  const char             *x_title,
                                  const char             *y_title,
                                  UthFormatFunc           fx,
                                  UthFormatFunc           fy);

typedef enum
{
  UTH_LEGEND_BOX,
  UTH_LEGEND_LINE,
  UTH_LEGEND_DOT,
} UthLegendStyle;

typedef struct
{
  const char     *label;
  UthRgba         color;
  UthLegendStyle  style;
} UthLegendItem;

/* A legend in one row (horizontal) or one column from x, y (top-left), wrapping rows at
 * max_width; a label too long for max_width even in the tick font wraps onto more lines
 * (in a row of its own), never cut short. Returns its height. */
double uth_draw_legend           (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  const UthLegendItem    *items,
                                  guint                   n_items,
                                  double                  x,
                                  double                  y,
                                  double                  max_width,
                                  gboolean                horizontal);
/* The height uth_draw_legend would take, drawing nothing. */
double uth_draw_legend_height    (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  const UthLegendItem    *items,
                                  guint                   n_items,
                                  double                  max_width,
                                  gboolean                horizontal);

G_END_DECLS
