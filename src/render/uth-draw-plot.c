/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"

void
uth_plot_init (UthPlot                *plot,
               const UthFigureContext *ctx,
               double                  x,
               double                  y,
               double                  width,
               double                  height,
               const UthChartScale    *xscale,
               const UthChartScale    *yscale)
{
  double s = uth_draw_scale (ctx);
  double left = 118 * s, bottom = 66 * s, top = 12 * s, right = 24 * s;

  plot->x = *xscale;
  plot->y = *yscale;
  plot->left = x + left;
  plot->top = y + top;
  plot->width = MAX (width - left - right, 10);
  plot->height = MAX (height - top - bottom, 10);
}

double
uth_plot_x (const UthPlot *plot,
            double         value)
{
  return plot->left + uth_chart_scale_to_unit (&plot->x, value) * plot->width;
}

double
uth_plot_y (const UthPlot *plot,
            double         value)
{
  return plot->top + (1.0 - uth_chart_scale_to_unit (&plot->y, value)) * plot->height;
}

static void
draw_minor_log_grid (cairo_t             *cr,
                     const UthPlot       *plot,
                     const UthChartScale *scale,
                     gboolean             vertical)
{
  double d, m;
  double decades = log10 (scale->max) - log10 (scale->min);

  if (decades > 7)
    return;
  for (d = pow (10.0, floor (log10 (scale->min))); d < scale->max; d *= 10.0)
    for (m = 2; m <= 9; m++)
      {
        double v = d * m, u;

        if (v <= scale->min || v >= scale->max)
          continue;
        u = uth_chart_scale_to_unit (scale, v);
        if (vertical)
          {
            double px = plot->left + u * plot->width;
            cairo_move_to (cr, round (px) + 0.5, plot->top);
            cairo_line_to (cr, round (px) + 0.5, plot->top + plot->height);
          }
        else
          {
            double py = plot->top + (1 - u) * plot->height;
            cairo_move_to (cr, plot->left, round (py) + 0.5);
            cairo_line_to (cr, plot->left + plot->width, round (py) + 0.5);
          }
      }
}

void
uth_draw_plot_axes (cairo_t                *cr,
                    const UthFigureContext *ctx,
                    const UthPlot          *plot,
                    const char             *x_title,
                    const char             *y_title,
                    UthFormatFunc           fx,
                    UthFormatFunc           fy)
{
  double s = uth_draw_scale (ctx);
  double ticks[32];
  size_t n, i;
  UthRgba grid;

  cairo_save (cr);
  uth_draw_color (ctx, UTH_COLOR_GRID, &grid);
  cairo_set_line_width (cr, 1.0);

  /* Minor grid first, fainter. */
  uth_draw_set_rgba (cr, &grid, 0.45);
  if (plot->x.log)
    draw_minor_log_grid (cr, plot, &plot->x, TRUE);
  if (plot->y.log)
    draw_minor_log_grid (cr, plot, &plot->y, FALSE);
  cairo_stroke (cr);

  n = uth_chart_ticks (&plot->x, MAX (2, (size_t) (plot->width / (110 * s))), ticks, G_N_ELEMENTS (ticks));
  for (i = 0; i < n; i++)
    {
      double px = round (uth_plot_x (plot, ticks[i])) + 0.5;
      g_autofree char *label = fx != NULL ? fx (ticks[i]) : uth_format_tick (ticks[i]);

      uth_draw_set_rgba (cr, &grid, 1.0);
      cairo_move_to (cr, px, plot->top);
      cairo_line_to (cr, px, plot->top + plot->height);
      cairo_stroke (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, label, px, plot->top + plot->height + 6 * s,
                     UTH_ANCHOR_N, 0, NULL);
    }
  n = uth_chart_ticks (&plot->y, MAX (2, (size_t) (plot->height / (60 * s))), ticks, G_N_ELEMENTS (ticks));
  for (i = 0; i < n; i++)
    {
      double py = round (uth_plot_y (plot, ticks[i])) + 0.5;
      g_autofree char *label = fy != NULL ? fy (ticks[i]) : uth_format_tick (ticks[i]);

      uth_draw_set_rgba (cr, &grid, 1.0);
      cairo_move_to (cr, plot->left, py);
      cairo_line_to (cr, plot->left + plot->width, py);
      cairo_stroke (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, label, plot->left - 8 * s, py, UTH_ANCHOR_E,
                     0, NULL);
    }

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cairo_set_line_width (cr, 1.5 * s);
  cairo_move_to (cr, plot->left, plot->top);
  cairo_line_to (cr, plot->left, plot->top + plot->height);
  cairo_line_to (cr, plot->left + plot->width, plot->top + plot->height);
  cairo_stroke (cr);

  if (x_title != NULL)
    {
      double tw;

      uth_draw_text_size (cr, ctx, UTH_FONT_TICK, x_title, &tw, NULL);
      if (tw <= plot->width)
        /* One line: in the label font, or the tick font when only that fits. */
        uth_draw_text (cr, ctx, UTH_FONT_LABEL, x_title, plot->left + plot->width / 2,
                       plot->top + plot->height + 32 * s, UTH_ANCHOR_N, plot->width, NULL);
      else
        {
          /* Too long for the plot's width even in the tick font (a narrow plot, German):
           * two centred lines in the tick font, which the room uth_plot_init keeps below
           * the plot holds, rather than a title cut short. */
          PangoLayout *layout = uth_draw_layout (cr, ctx, UTH_FONT_TICK, x_title);

          pango_layout_set_width (layout, (int) (plot->width * PANGO_SCALE));
          pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
          pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
          cairo_move_to (cr, plot->left, plot->top + plot->height + 28 * s);
          uth_draw_show_layout (cr, layout);
          cairo_new_path (cr);
          g_object_unref (layout);
        }
    }
  if (y_title != NULL)
    {
      /* Centred on the plot, but never above its top (a heading sits there): a title
       * longer than the plot is tall runs down beside the x tick labels, in the tick font
       * when the label font is still too long. */
      double room = plot->height + 56 * s, tw, cy;
      UthFont font = UTH_FONT_LABEL;

      uth_draw_text_size (cr, ctx, font, y_title, &tw, NULL);
      if (tw > room)
        {
          font = UTH_FONT_TICK;
          uth_draw_text_size (cr, ctx, font, y_title, &tw, NULL);
        }
      cy = MAX (plot->top + plot->height / 2, plot->top + tw / 2);
      uth_draw_text_vertical (cr, ctx, font, y_title, plot->left - 104 * s, cy);
    }
  cairo_restore (cr);
}

static void
draw_swatch (cairo_t                *cr,
             const UthFigureContext *ctx,
             const UthLegendItem    *item,
             double                  x,
             double                  cy)
{
  double s = uth_draw_scale (ctx);

  uth_draw_set_rgba (cr, &item->color, 1.0);
  switch (item->style)
    {
    case UTH_LEGEND_LINE:
      cairo_set_line_width (cr, 3 * s);
      cairo_move_to (cr, x, cy);
      cairo_line_to (cr, x + 22 * s, cy);
      cairo_stroke (cr);
      break;
    case UTH_LEGEND_DOT:
      cairo_arc (cr, x + 11 * s, cy, 7 * s, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case UTH_LEGEND_BOX:
    default:
      uth_draw_rounded_rect (cr, x + 2 * s, cy - 8 * s, 18 * s, 16 * s, 3 * s);
      cairo_fill (cr);
      break;
    }
}

/* A legend item: its swatch column, and the gap after an item in a horizontal legend. */
#define LEGEND_SWATCH_W 30.0
#define LEGEND_GAP 24.0

static double
legend (cairo_t                *cr,
        const UthFigureContext *ctx,
        const UthLegendItem    *items,
        guint                   n_items,
        double                  x,
        double                  y,
        double                  max_width,
        gboolean                horizontal,
        gboolean                draw);

double
uth_draw_legend (cairo_t                *cr,
                 const UthFigureContext *ctx,
                 const UthLegendItem    *items,
                 guint                   n_items,
                 double                  x,
                 double                  y,
                 double                  max_width,
                 gboolean                horizontal)
{
  return legend (cr, ctx, items, n_items, x, y, max_width, horizontal, TRUE);
}

double
uth_draw_legend_height (cairo_t                *cr,
                        const UthFigureContext *ctx,
                        const UthLegendItem    *items,
                        guint                   n_items,
                        double                  max_width,
                        gboolean                horizontal)
{
  return legend (cr, ctx, items, n_items, 0, 0, max_width, horizontal, FALSE);
}

static double
legend (cairo_t                *cr,
        const UthFigureContext *ctx,
        const UthLegendItem    *items,
        guint                   n_items,
        double                  x,
        double                  y,
        double                  max_width,
        gboolean                horizontal,
        gboolean                draw)
{
  double s = uth_draw_scale (ctx);
  double row_h = MAX (uth_draw_font_px (ctx, UTH_FONT_LABEL) * 1.5, 22 * s);
  double cx = x, cy = y;
  guint i;

  for (i = 0; i < n_items; i++)
    {
      double tw;
      double item_w;
      double item_h = row_h;
      UthFont font = UTH_FONT_LABEL;
      g_autofree char *wrapped = NULL;

      uth_draw_text_size (cr, ctx, font, items[i].label, &tw, NULL);
      if (max_width > 0 && LEGEND_SWATCH_W * s + tw > max_width)
        {
          /* Too long for the legend's width: the smaller tick font before wrapping it. */
          font = UTH_FONT_TICK;
          uth_draw_text_size (cr, ctx, font, items[i].label, &tw, NULL);
        }
      if (max_width > LEGEND_SWATCH_W * s && LEGEND_SWATCH_W * s + tw > max_width)
        {
          /* Still too long: wrapped onto as many lines as it needs, never cut short. */
          wrapped = g_markup_escape_text (items[i].label, -1);
          tw = max_width - LEGEND_SWATCH_W * s;
          item_h = MAX (row_h, uth_draw_paragraph_height (cr, ctx, font, wrapped, tw)
                                 + (row_h - uth_draw_font_px (ctx, font) * 1.2));
        }
      item_w = LEGEND_SWATCH_W * s + tw;
      if (horizontal && cx > x && max_width > 0 && cx + item_w > x + max_width)
        {
          cx = x;
          cy += row_h;
        }
      if (draw)
        {
          uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
          if (wrapped != NULL)
            {
              double ph = uth_draw_paragraph_height (cr, ctx, font, wrapped, tw);

              draw_swatch (cr, ctx, &items[i], cx, cy + row_h / 2);
              uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
              uth_draw_paragraph (cr, ctx, font, wrapped, cx + LEGEND_SWATCH_W * s,
                                  cy + (item_h - ph) / 2, tw);
            }
          else
            {
              draw_swatch (cr, ctx, &items[i], cx, cy + row_h / 2);
              uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
              uth_draw_text (cr, ctx, font, items[i].label, cx + LEGEND_SWATCH_W * s, cy + row_h / 2,
                             UTH_ANCHOR_W, max_width > 0 ? max_width - LEGEND_SWATCH_W * s : 0, NULL);
            }
        }
      if (horizontal && wrapped == NULL)
        cx += item_w + LEGEND_GAP * s;
      else if (horizontal)
        {
          /* A wrapped item takes a whole row of its own. */
          cx = x;
          cy += item_h;
          if (i + 1 == n_items)
            cy -= row_h;
        }
      else
        cy += item_h;
    }
  if (horizontal && n_items > 0)
    cy += row_h;
  return cy - y;
}
