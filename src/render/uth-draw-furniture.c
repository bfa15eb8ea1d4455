/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"

double
uth_draw_title (cairo_t                *cr,
                const UthFigureContext *ctx,
                const char             *title,
                const char             *subtitle,
                double                  x,
                double                  y,
                double                  width)
{
  double s = uth_draw_scale (ctx);
  UthChartRect ext = { x, y, 0, 0 };

  if (title != NULL)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_TITLE, title, x, y, UTH_ANCHOR_NW, width, &ext);
      y = ext.y + ext.h + 4 * s;
    }
  if (subtitle != NULL && *subtitle)
    {
      g_autofree char *escaped = g_markup_escape_text (subtitle, -1);

      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      y += uth_draw_paragraph (cr, ctx, UTH_FONT_SUBTITLE, escaped, x, y, width);
    }
  return y + 14 * s;
}

double
uth_draw_title_height (cairo_t                *cr,
                       const UthFigureContext *ctx,
                       const char             *title,
                       const char             *subtitle,
                       double                  width)
{
  double s = uth_draw_scale (ctx), h = 0;

  if (title != NULL)
    {
      double th;

      uth_draw_text_size (cr, ctx, UTH_FONT_TITLE, title, NULL, &th);
      h += th + 4 * s;
    }
  if (subtitle != NULL && *subtitle)
    {
      g_autofree char *escaped = g_markup_escape_text (subtitle, -1);

      h += uth_draw_paragraph_height (cr, ctx, UTH_FONT_SUBTITLE, escaped, width);
    }
  return h + 14 * s;
}

void
uth_draw_rounded_rect (cairo_t *cr,
                       double   x,
                       double   y,
                       double   width,
                       double   height,
                       double   radius)
{
  radius = MIN (radius, MIN (width, height) / 2);
  if (radius <= 0)
    {
      cairo_rectangle (cr, x, y, width, height);
      return;
    }
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

void
uth_draw_card (cairo_t                *cr,
               const UthFigureContext *ctx,
               double                  x,
               double                  y,
               double                  width,
               double                  height,
               const char             *label,
               const char             *value,
               const char             *detail)
{
  double s = uth_draw_scale (ctx);
  double pad = 12 * s;
  UthChartRect ext;

  uth_draw_rounded_rect (cr, x, y, width, height, 10 * s);
  uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
  cairo_fill_preserve (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, label != NULL ? label : "", x + pad, y + pad,
                 UTH_ANCHOR_NW, width - 2 * pad, &ext);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_VALUE, value != NULL ? value : "–", x + pad,
                 ext.y + ext.h + 2 * s, UTH_ANCHOR_NW, width - 2 * pad, &ext);
  if (detail != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (detail, -1);

      /* Wrapped rather than cut short where the card is tall enough for it
       * (uth_draw_card_height says how tall that is); else one line, ellipsized. */
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      if (uth_draw_card_height (cr, ctx, width, label, value, detail) <= height + 0.5)
        uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, escaped, x + pad, ext.y + ext.h + 2 * s,
                            width - 2 * pad);
      else
        uth_draw_text (cr, ctx, UTH_FONT_TICK, detail, x + pad, ext.y + ext.h + 2 * s,
                       UTH_ANCHOR_NW, width - 2 * pad, NULL);
    }
}

double
uth_draw_card_height (cairo_t                *cr,
                      const UthFigureContext *ctx,
                      double                  width,
                      const char             *label,
                      const char             *value,
                      const char             *detail)
{
  double s = uth_draw_scale (ctx), pad = 12 * s, lh, vh, h;

  uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, label != NULL && *label ? label : "Ag", NULL, &lh);
  uth_draw_text_size (cr, ctx, UTH_FONT_VALUE, value != NULL && *value ? value : "–", NULL, &vh);
  h = pad + lh + 2 * s + vh + pad;
  if (detail != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (detail, -1);

      h += 2 * s + uth_draw_paragraph_height (cr, ctx, UTH_FONT_TICK, escaped, width - 2 * pad);
    }
  return h;
}
