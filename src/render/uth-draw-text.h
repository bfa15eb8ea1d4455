/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Figure text: fonts in pixels times the figure's scale, anchored and fitted text,
 * paragraphs, all reported to a running layout audit. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "core/uth-chart.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

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
/* A 1 x 1 surface's context, for measuring text where no cairo_t is at hand (hit and
 * height functions). Free with cairo_destroy. */
cairo_t *uth_draw_scratch        (void);
/* The height uth_draw_paragraph would take, drawing nothing. */
double uth_draw_paragraph_height (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  UthFont                 font,
                                  const char             *markup,
                                  double                  width);
void   uth_draw_text_size        (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  UthFont                 font,
                                  const char             *text,
                                  double                 *width,
                                  double                 *height);

/* Standard outer margin of a figure in pixels. */
double uth_draw_margin           (const UthFigureContext *ctx);

G_END_DECLS
