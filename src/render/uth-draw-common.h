/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared drawing vocabulary of every figure: palette, fonts, text, numbers with units,
 * axes, legends, titles and cards. Sizes are pixels times ctx->scale; at 1600x1000 and
 * scale 1 a title is 26 px and the smallest label 14 px, readable when projected. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "core/uth-chart.h"
#include "core/uth-ops.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

typedef struct
{
  double r, g, b, a;
} UthRgba;

typedef enum
{
  UTH_COLOR_BACKGROUND,
  UTH_COLOR_FOREGROUND,   /* text, axes */
  UTH_COLOR_DIM,          /* secondary text, tick labels */
  UTH_COLOR_GRID,         /* grid lines, separators */
  UTH_COLOR_CARD,         /* card and panel fill */
  UTH_COLOR_ACCENT,       /* selection, the highlighted thing */
  UTH_COLOR_MEMORY,       /* memory-bound, bytes */
  UTH_COLOR_COMPUTE,      /* compute-bound, FLOPs */
  UTH_COLOR_GOOD,
  UTH_COLOR_BAD,
  UTH_N_COLORS
} UthColorRole;

/* Categorical colours (Okabe-Ito, safe for the common colour-vision deficiencies);
 * index wraps around. */
#define UTH_N_CATEGORICAL 8

typedef enum
{
  UTH_FONT_TITLE,     /* 26 px bold */
  UTH_FONT_SUBTITLE,  /* 18 px */
  UTH_FONT_HEADING,   /* 18 px bold: a panel's heading */
  UTH_FONT_LABEL,     /* 16 px: axis titles, legends, annotations */
  UTH_FONT_TICK,      /* 14 px: tick labels, table cells */
  UTH_FONT_VALUE,     /* 30 px bold: a card's big number */
  UTH_FONT_MONO,      /* 14 px monospace: ids, shapes */
} UthFont;

typedef enum
{
  UTH_ANCHOR_NW, UTH_ANCHOR_N, UTH_ANCHOR_NE,
  UTH_ANCHOR_W,  UTH_ANCHOR_CENTER, UTH_ANCHOR_E,
  UTH_ANCHOR_SW, UTH_ANCHOR_S, UTH_ANCHOR_SE,
} UthAnchor;

/* ---- palette ---- */
void   uth_draw_color            (const UthFigureContext *ctx,
                                  UthColorRole            role,
                                  UthRgba                *out);
void   uth_draw_set_color        (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  UthColorRole            role);
void   uth_draw_categorical      (const UthFigureContext *ctx,
                                  guint                   index,
                                  UthRgba                *out);
void   uth_draw_set_categorical  (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  guint                   index);
/* A sequential perceptually-even ramp (viridis-like), t in 0..1, interpolated from five
 * anchor colours in linear light. */
void   uth_draw_heat             (double                  t,
                                  UthRgba                *out);
void   uth_draw_set_rgba         (cairo_t                *cr,
                                  const UthRgba          *rgba,
                                  double                  alpha);
/* Black or white, whichever reads better on top of the colour. */
void   uth_draw_contrast_text    (const UthRgba          *background,
                                  UthRgba                *out);
/* Fills the whole figure with the background colour. */
void   uth_draw_background       (cairo_t                *cr,
                                  double                  width,
                                  double                  height,
                                  const UthFigureContext *ctx);

/* The text and line scale of a figure: ctx->scale, 1 when unset. */
double       uth_draw_scale      (const UthFigureContext *ctx);

/* ---- text ---- */
/* Shows a layout at the current point, as pango_cairo_show_layout, and reports it to a
 * running layout audit (uth-layout-audit.h): draw every text through this or the helpers
 * below. */
void         uth_draw_show_layout (cairo_t               *cr,
                                   PangoLayout           *layout);
double       uth_draw_font_px    (const UthFigureContext *ctx,
                                  UthFont                 font);
PangoLayout *uth_draw_layout     (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  UthFont                 font,
                                  const char             *text);
/* Draws text (Pango markup when markup is TRUE) with its anchor point at x, y in the
 * current colour. A text wider than max_width > 0 takes the next smaller font (down to
 * UTH_FONT_TICK: a heading becomes a label, a label a tick label), and is ellipsized at
 * the end when even that is too wide. Writes the box it took when extents is not NULL. */
void   uth_draw_text             (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  UthFont                 font,
                                  const char             *text,
                                  double                  x,
                                  double                  y,
                                  UthAnchor               anchor,
                                  double                  max_width,
                                  UthChartRect           *extents);
void   uth_draw_markup           (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  UthFont                 font,
                                  const char             *markup,
                                  double                  x,
                                  double                  y,
                                  UthAnchor               anchor,
                                  double                  max_width,
                                  UthChartRect           *extents);
/* Text rotated a quarter turn counter-clockwise (for a y axis title), centred at x, y. */
void   uth_draw_text_vertical    (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  UthFont                 font,
                                  const char             *text,
                                  double                  x,
                                  double                  y);
/* Wrapped paragraph of the given width from x, y (top-left); returns its height. */
double uth_draw_paragraph        (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  UthFont                 font,
                                  const char             *markup,
                                  double                  x,
                                  double                  y,
                                  double                  width);
void   uth_draw_text_size        (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  UthFont                 font,
                                  const char             *text,
                                  double                 *width,
                                  double                 *height);

/* ---- numbers ---- */
/* value with an SI prefix and unit, 3 significant digits: "13.5 GB", "4.02 ms",
 * "1.23 TFLOP/s". unit may be "" for a bare number ("8.03 G"). */
char  *uth_format_si             (double                  value,
                                  const char             *unit);
char  *uth_format_bytes          (double                  bytes);      /* "16.1 GB" */
/* Whether uth_format_bytes counts in binary units ("15.0 GiB") instead of SI ("16.1 GB"):
 * the app's Preferences set it for the whole process; rates (GB/s) stay SI. */
void      uth_format_set_binary_bytes (gboolean binary);
gboolean  uth_format_get_binary_bytes (void);
char  *uth_format_seconds        (double                  seconds);    /* "4.02 ms" */
char  *uth_format_flops          (double                  flops);      /* "1.23 TFLOP" */
char  *uth_format_flops_rate     (double                  flops_per_s);/* "989 TFLOP/s" */
char  *uth_format_bandwidth      (double                  bytes_per_s);/* "3.35 TB/s" */
char  *uth_format_intensity      (double                  flop_per_b); /* "295 FLOP/B" */
char  *uth_format_count          (double                  count);      /* "8.03 B", "4,096" */
char  *uth_format_tokens_rate    (double                  tokens_per_s);/* "208 tok/s" */
char  *uth_format_usd            (double                  dollars);    /* "$2.50" */
char  *uth_format_percent        (double                  fraction);   /* "65%" */
/* A tick label: plain below 10^4 ("0.01", "250"), else SI without trailing zeros ("10 k",
 * "1.5 T"). The unit belongs in the axis title. */
char  *uth_format_tick           (double                  value);
/* Three significant digits without unit, locale-independent decimal point. */
char  *uth_format_number         (double                  value);

typedef char *(*UthFormatFunc) (double value);

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
 * max_width. Returns its height. */
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

/* ---- furniture ---- */
/* Title and optional subtitle from x, y (top-left); returns the y below them. */
double uth_draw_title            (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  const char             *title,
                                  const char             *subtitle,
                                  double                  x,
                                  double                  y,
                                  double                  width);
/* How far below y uth_draw_title's result lies, measured without drawing. */
double uth_draw_title_height     (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  const char             *title,
                                  const char             *subtitle,
                                  double                  width);
/* A rounded card: small label above a big value, optional detail below (wrapped). */
void   uth_draw_card             (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  double                  x,
                                  double                  y,
                                  double                  width,
                                  double                  height,
                                  const char             *label,
                                  const char             *value,
                                  const char             *detail);
/* The height a card of this width needs for its label, value and (wrapped) detail. */
double uth_draw_card_height      (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  double                  width,
                                  const char             *label,
                                  const char             *value,
                                  const char             *detail);
void   uth_draw_rounded_rect     (cairo_t                *cr,
                                  double                  x,
                                  double                  y,
                                  double                  width,
                                  double                  height,
                                  double                  radius);
/* Standard outer margin of a figure in pixels. */
double uth_draw_margin           (const UthFigureContext *ctx);

/* ---- reflowing pages ---- */
/* A page that reflows rather than shrinks: a narrow layout from min_width and a wide one
 * from wide_width (both at scale 1), each asking for its own least height. The figures
 * that do this share one rule for the height they ask for and the scale they draw at. */
typedef double (*UthReflowMinHeight) (double   width,
                                      double   s,
                                      gpointer user_data);

typedef struct
{
  double             min_width;
  double             wide_width;
  UthReflowMinHeight min_height;  /* least height at a width and scale */
  gpointer           user_data;
} UthReflowPage;

/* The height the page asks for at a width: what its layout needs there, or at min_width
 * when narrower. */
double uth_reflow_page_height (const UthReflowPage    *page,
                               double                  width,
                               const UthFigureContext *ctx);
/* Full size in the narrow layout when it fits; failing that, whichever of the two layouts,
 * scaled to fit, comes out larger (never below 0.05). */
double uth_reflow_page_scale  (const UthReflowPage    *page,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx);
/* The scale, with the virtual size (*vw, *vh) the page is laid out at before scaling. */
double uth_reflow_page_fit    (const UthReflowPage    *page,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               double                 *vw,
                               double                 *vh);

/* ---- the scenario as the core's workload ---- */
/* The workload of one forward pass of the scenario: uth_estimate_workload of ctx->input,
 * the estimator's own mapping and clamping. FALSE when ctx has no model. */
gboolean uth_figure_context_workload (const UthFigureContext *ctx,
                                      UthPhase                phase,
                                      UthWorkload            *out);

/* ---- hit geometry ---- */
/* A rectangle that answers hover and click: painting and hit-testing compute the same
 * array, then uth_hit_rects_find picks the one under the pointer. */
typedef struct
{
  UthChartRect rect;
  int          index;    /* the item it stands for (a layer, an op, ...) */
} UthHitRect;

const UthHitRect *uth_hit_rects_find (const UthHitRect *rects,
                                      guint             n_rects,
                                      double            x,
                                      double            y);

/* Saves the state, moves the origin to the panel's corner and clips to it; pair with
 * cairo_restore. */
void uth_draw_push_panel (cairo_t            *cr,
                          const UthChartRect *panel);

G_END_DECLS
