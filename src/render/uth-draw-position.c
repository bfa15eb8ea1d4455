/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "core/uth-encoding.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-position.h"

#define MAX_POSITIONS 48
#define SHOWN_PAIRS 6
#define MAX_DISTANCE 256

/* The layout at scale 1, in pixels: the heat map's row-label column, the gap from the map
 * to its tick labels and from those to the axis title, and the least width of the column
 * beside the relative-distance plot (its legend and note), which takes SIDE_SHARE of the
 * panel when that is wider. */
#define ROW_LABEL_W   120
#define TICK_GAP      4
#define AXIS_GAP      22
#define SIDE_MIN_W    280
#define SIDE_SHARE    0.24
#define PANEL_PAD     16

void
uth_position_view_init (UthPositionView *view)
{
  view->theta = 10000.0;
  view->dims = 64;
  view->position = -1;
}

/* One pixel per cell, scaled up with hard edges: a single paint instead of one antialiased
 * fill per cell (positions x dims of them; bench: most of the page's time). */
static void
draw_cells (cairo_t                *cr,
            const UthPositionView  *v,
            guint                   n,
            const UthChartRect     *map)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) v->dims, (int) n);
  guint32 *data = (guint32 *) cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image) / 4;
  cairo_pattern_t *pattern;
  cairo_matrix_t m;

  cairo_surface_flush (image);
  for (guint p = 0; p < n; p++)
    for (guint d = 0; d < v->dims; d++)
      {
        UthRgba c;

        uth_draw_diverging (uth_sinusoid (p, d, v->dims, v->theta), &c);
        data[p * stride + d] = ((guint32) (c.r * 255 + 0.5) << 16) |
                               ((guint32) (c.g * 255 + 0.5) << 8) | (guint32) (c.b * 255 + 0.5);
      }
  cairo_surface_mark_dirty (image);
  pattern = cairo_pattern_create_for_surface (image);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_matrix_init_scale (&m, v->dims / map->w, n / map->h);
  cairo_matrix_translate (&m, -map->x, -map->y);
  cairo_pattern_set_matrix (pattern, &m);
  cairo_set_source (cr, pattern);
  cairo_rectangle (cr, map->x, map->y, map->w, map->h);
  cairo_fill (cr);
  cairo_pattern_destroy (pattern);
  cairo_surface_destroy (image);
}

static void
draw_heatmap (cairo_t                *cr,
              const UthFigureContext *ctx,
              const UthPositionView  *v,
              const UthAnalysis      *analysis,
              GArray                 *ids,
              UthChartRect            r)
{
  double s = uth_draw_scale (ctx), y0, label_w = ROW_LABEL_W * s, axis_h;
  guint n = MAX (MIN (ids->len, MAX_POSITIONS), 1), step;
  double ch;
  UthChartRect map;
  g_autofree char *axis = NULL;

  y0 = uth_draw_panel (cr, ctx, r.x, r.y, r.w, r.h,
                       _("Sinusoidal: sin and cos of pos / θ^(2i/d)"));
  axis = g_strdup_printf (_("dimension (d = %u), fast waves left, slow right; a row per position"), v->dims);
  {
    /* The axis title wraps under the map (German is long) and the map leaves it room. */
    g_autofree char *escaped = g_markup_escape_text (axis, -1);

    axis_h = AXIS_GAP * s + uth_draw_paragraph_height (cr, ctx, UTH_FONT_LABEL, escaped, r.w - 2 * PANEL_PAD * s)
             + 8 * s;
  }
  map = (UthChartRect) { r.x + PANEL_PAD * s + label_w, y0, r.w - 2 * PANEL_PAD * s - label_w, r.y + r.h - y0 - axis_h };
  ch = map.h / n;
  draw_cells (cr, v, n, &map);
  /* Row labels: each position's token, as many as fit. */
  step = (guint) ceil (18 * s / ch);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  for (guint p = 0; p < n && p < ids->len; p += MAX (step, 1))
    {
      const char *tok_text = uth_analysis_token_label (analysis, g_array_index (ids, guint32, p));
      g_autofree char *label = g_strdup_printf ("%u %s", p, tok_text);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, label, map.x - 6 * s, map.y + (p + 0.5) * ch,
                     UTH_ANCHOR_E, label_w - 4 * s, NULL);
    }
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, "0", map.x, map.y + map.h + TICK_GAP * s, UTH_ANCHOR_NW, 0, NULL);
  {
    g_autofree char *last = g_strdup_printf ("%u", v->dims - 1);
    uth_draw_text (cr, ctx, UTH_FONT_TICK, last, map.x + map.w, map.y + map.h + TICK_GAP * s, UTH_ANCHOR_NE, 0, NULL);
  }
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  {
    /* Centred under labels and map together, on as many lines as it needs. */
    PangoLayout *layout = uth_draw_layout (cr, ctx, UTH_FONT_LABEL, axis);

    pango_layout_set_width (layout, (int) ((r.w - 2 * PANEL_PAD * s) * PANGO_SCALE));
    pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
    pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
    cairo_move_to (cr, r.x + PANEL_PAD * s, map.y + map.h + AXIS_GAP * s);
    uth_draw_show_layout (cr, layout);
    cairo_new_path (cr);
    g_object_unref (layout);
  }
}

/* A caption centred under a dial at y: one line (ellipsized at width), or wrapped onto
 * centred lines when wrap is TRUE. Returns its height. */
static double
centred_lines (cairo_t                *cr,
               const UthFigureContext *ctx,
               const char             *text,
               double                  cx,
               double                  y,
               double                  width,
               gboolean                wrap)
{
  UthChartRect ext;

  if (wrap)
    {
      PangoLayout *layout = uth_draw_layout (cr, ctx, UTH_FONT_TICK, text);
      int h;

      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, NULL, &h);
      cairo_move_to (cr, cx - width / 2, y);
      uth_draw_show_layout (cr, layout);
      cairo_new_path (cr);
      g_object_unref (layout);
      return h;
    }
  uth_draw_text (cr, ctx, UTH_FONT_TICK, text, cx, y, UTH_ANCHOR_N, width, &ext);
  return ext.h;
}

static void
draw_pairs (cairo_t                *cr,
            const UthFigureContext *ctx,
            const UthPositionView  *v,
            guint                   pos,
            UthChartRect            r)
{
  double s = uth_draw_scale (ctx);
  guint pairs = v->dims / 2;
  g_autofree char *heading = g_strdup_printf (_("RoPE at position %u: pair i turns pos × θ^(−2i/d) rad"), pos);
  double y0 = uth_draw_panel (cr, ctx, r.x, r.y, r.w, r.h, heading);
  double cell_w = (r.w - 32 * s) / 3, cell_h = (r.y + r.h - y0 - 8 * s) / 2;
  /* "one turn per 47117 tokens" (the longest period θ = 10000 gives has 5 digits) on one
   * line under its dial, or on two when the cell is too narrow (German), the dial smaller. */
  g_autofree char *longest = g_strdup_printf (_("one turn per %s tokens"), "47117");
  g_autofree char *longest_label = g_strdup_printf (_("pair %u: %s rad/token"), 31, "0.000133");
  double longest_w, label_w, line_h;
  gboolean two_lines, label_two_lines;
  double rad;

  uth_draw_text_size (cr, ctx, UTH_FONT_TICK, longest, &longest_w, &line_h);
  uth_draw_text_size (cr, ctx, UTH_FONT_TICK, longest_label, &label_w, NULL);
  two_lines = longest_w > cell_w - 8 * s;
  label_two_lines = label_w > cell_w - 8 * s;
  rad = MIN (cell_w, cell_h - 64 * s - (two_lines + label_two_lines) * line_h) / 2 - 6 * s;

  for (guint k = 0; k < SHOWN_PAIRS; k++)
    {
      /* Pairs spread from the fastest to the slowest. */
      guint i = pairs > 1 ? (guint) llround ((double) k * (pairs - 1) / (SHOWN_PAIRS - 1)) : 0;
      double f = uth_rope_frequency (i, v->dims, v->theta);
      double cx = r.x + 16 * s + (k % 3 + 0.5) * cell_w;
      double cy = y0 + (k / 3) * cell_h + rad + 6 * s;
      double a = pos * f;
      g_autofree char *label = NULL;
      g_autofree char *freq = g_strdup_printf ("%.3g", f);
      g_autofree char *turn = NULL;
      UthRgba c;

      label = g_strdup_printf (_("pair %u: %s rad/token"), i, freq);
      if (f > 0)
        {
          g_autofree char *period = g_strdup_printf (2 * G_PI / f >= 100 ? "%.0f" : "%.3g", 2 * G_PI / f);
          turn = g_strdup_printf (_("one turn per %s tokens"), period);
        }
      uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
      cairo_set_line_width (cr, 1.5 * s);
      cairo_new_path (cr);
      cairo_arc (cr, cx, cy, rad, 0, 2 * G_PI);
      cairo_stroke (cr);
      /* Where the pair pointed at earlier positions, fading back. */
      uth_draw_categorical (ctx, k, &c);
      for (guint p = 0; p <= pos; p++)
        {
          double ap = p * f;
          uth_draw_set_rgba (cr, &c, 0.15 + 0.5 * (p + 1.0) / (pos + 1.0));
          cairo_new_path (cr);
          cairo_arc (cr, cx + rad * cos (ap), cy - rad * sin (ap), 3.5 * s, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      uth_draw_set_rgba (cr, &c, 1.0);
      cairo_set_line_width (cr, 3.5 * s);
      cairo_new_path (cr);
      cairo_move_to (cr, cx, cy);
      cairo_line_to (cr, cx + rad * cos (a), cy - rad * sin (a));
      cairo_stroke (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      {
        double ty = cy + rad + 6 * s;

        ty += centred_lines (cr, ctx, label, cx, ty, cell_w - 8 * s, label_two_lines) + 6 * s;
        uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
        if (turn != NULL)
          centred_lines (cr, ctx, turn, cx, ty, cell_w - 8 * s, two_lines);
      }
    }
}

static char *
format_plain (double v)
{
  return uth_format_number (v);
}

static void
draw_relative (cairo_t                *cr,
               const UthFigureContext *ctx,
               const UthPositionView  *v,
               UthChartRect            r)
{
  double s = uth_draw_scale (ctx), q[UTH_ROPE_MAX_DIM];
  double y0 = uth_draw_panel (cr, ctx, r.x, r.y, r.w, r.h,
                              _("Why RoPE: ⟨R(m)q, R(n)k⟩ depends only on the distance n − m (here q = k = all ones, divided by d)"));
  UthChartScale xs = { 0, MAX_DISTANCE, false }, ys = { -0.4, 1.0, false };
  UthPlot plot;
  UthRgba c0, c1;
  UthLegendItem items[2];
  const double starts[2] = { 0, 1000 };
  double side_w = MAX (r.w * SIDE_SHARE, SIDE_MIN_W * s), side_x = r.x + r.w - side_w - PANEL_PAD * s / 2;

  for (guint i = 0; i < v->dims; i++)
    q[i] = 1.0;
  uth_plot_init (&plot, ctx, r.x + 8 * s, y0, side_x - r.x - 8 * s - PANEL_PAD * s, r.y + r.h - y0 - 4 * s, &xs, &ys);
  uth_draw_plot_axes (cr, ctx, &plot, _("relative distance n − m (tokens)"), _("dot product / d"),
                      format_plain, format_plain);
  uth_draw_categorical (ctx, 0, &c0);
  uth_draw_categorical (ctx, 5, &c1);
  for (int series = 0; series < 2; series++)
    {
      double m = starts[series];
      cairo_new_path (cr);
      for (int dist = 0; dist <= MAX_DISTANCE; dist += series == 0 ? 1 : 8)
        {
          double dot = uth_rope_dot (q, q, v->dims, m, m + dist, v->theta) / v->dims;
          double px = uth_plot_x (&plot, dist), py = uth_plot_y (&plot, dot);
          if (series == 0)
            cairo_line_to (cr, px, py);
          else
            {
              cairo_new_sub_path (cr);
              cairo_arc (cr, px, py, 5 * s, 0, 2 * G_PI);
            }
        }
      uth_draw_set_rgba (cr, series == 0 ? &c0 : &c1, 1.0);
      cairo_set_line_width (cr, 3 * s);
      /* Cairo's 4x4 antialiasing: a 257-point polyline took ~3 ms to stroke with the default
       * rasterizer and ~1 ms with this one, and the two look the same (compared at 3x). */
      cairo_save (cr);
      cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
      if (series == 0)
        cairo_stroke (cr);
      else
        cairo_fill (cr);
      cairo_restore (cr);
    }
  items[0] = (UthLegendItem) { _("from m = 0"), c0, UTH_LEGEND_LINE };
  items[1] = (UthLegendItem) { _("from m = 1000: the same values"), c1, UTH_LEGEND_DOT };
  y0 += 10 * s + uth_draw_legend (cr, ctx, items, 2, side_x, y0 + 10 * s, side_w - PANEL_PAD * s / 2, FALSE);
  uth_draw_note (cr, ctx,
                 _("Rotating q by its position m and k by n turns each pair by (n − m) relative to the other, so the score sees distance, not place. Nearby tokens score higher on average; far ones average out."),
                 side_x, y0 + 12 * s, side_w - PANEL_PAD * s / 2);
}

static void
draw_fitted (cairo_t                *cr,
                   double                  width,
                   double                  height,
                   const UthFigureContext *ctx)
{
  UthPositionView defaults;
  const UthPositionView *v = ctx->page_data;
  const UthTextAnalysis *text = ctx->analysis != NULL ? ctx->analysis->text : NULL;
  GArray *ids;
  double m = uth_draw_margin (ctx), s = uth_draw_scale (ctx), top, mid;
  g_autofree char *sub = NULL;
  guint pos;
  UthPositionView view;

  if (text == NULL)
    {
      uth_draw_computing (cr, width, height, ctx);
      return;
    }
  uth_draw_background (cr, width, height, ctx);
  uth_position_view_init (&defaults);
  view = v != NULL ? *v : defaults;
  view.dims = CLAMP (view.dims - view.dims % 2, 4, UTH_ROPE_MAX_DIM);
  if (!(view.theta > 1.0))
    view.theta = defaults.theta;
  ids = text->ids;
  pos = view.position >= 0 ? (guint) view.position : (ids->len > 0 ? ids->len - 1 : 0);
  {
    g_autofree char *theta = uth_format_number (view.theta);
    sub = g_strdup_printf (_("Attention by itself cannot tell word order. Positions are written into the vectors: θ = %s, d = %u. The original transformer added sine waves; Llama, Qwen and Mistral rotate pairs of numbers instead (RoPE)."),
                           theta, view.dims);
  }
  {
    const UthForwardData *f = ctx->analysis != NULL ? ctx->analysis->forward : NULL;
    char *noted;

    /* Whether the controls show the model's own rotation or another. */
    if (f != NULL && f->rope_theta > 0)
      {
        g_autofree char *model_theta = uth_format_number (f->rope_theta);
        char *with = (fabs (view.theta - f->rope_theta) < 1e-9 && view.dims == f->head_dim)
                     /* Translators: the model's RoPE base and head size */
                     ? g_strdup_printf (_("%s These are the model’s own: θ = %s over heads of %u numbers."),
                                        sub, model_theta, f->head_dim)
                     : g_strdup_printf (_("%s The model below uses θ = %s over heads of %u numbers."),
                                        sub, model_theta, f->head_dim);
        g_free (sub);
        sub = with;
      }
    noted = uth_fundamentals_subtitle (ctx, sub);
    g_free (sub);
    sub = noted;
  }
  top = uth_draw_title (cr, ctx, _("Position: where each token sits"), sub, m, m, width - 2 * m);
  mid = top + (height - m - top) * 0.56;
  draw_heatmap (cr, ctx, &view, ctx->analysis, ids, (UthChartRect) { m, top, (width - 2 * m) * 0.5 - 8 * s, mid - top - 8 * s });
  if (uth_figure_shows_build (ctx, 2))
    {
      draw_pairs (cr, ctx, &view, pos, (UthChartRect) { m + (width - 2 * m) * 0.5 + 8 * s, top,
                                                        (width - 2 * m) * 0.5 - 8 * s, mid - top - 8 * s });
    }
  if (uth_figure_shows_build (ctx, 3))
    {
      draw_relative (cr, ctx, &view, (UthChartRect) { m, mid + 8 * s, width - 2 * m, height - m - mid - 8 * s });
    }
}

void
uth_draw_position (cairo_t                *cr,
                  double                  width,
                  double                  height,
                  const UthFigureContext *ctx)
{
  double f = uth_fundamentals_fit (&width, &height);

  cairo_save (cr);
  cairo_scale (cr, f, f);
  draw_fitted (cr, width, height, ctx);
  cairo_restore (cr);
}
