/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "render/uth-draw-fundamentals.h"

/* A panel's layout at scale 1: its inner padding, the heading's distance from the top and
 * the gap below the heading. */
#define PANEL_PAD      16
#define PANEL_HEAD_TOP 12
#define PANEL_HEAD_GAP 10

const char *
uth_fundamentals_text (const UthFigureContext *ctx)
{
  if (ctx != NULL && ctx->text != NULL && ctx->text[0] != '\0')
    return ctx->text;
  return _(UTH_DEFAULT_TEXT);
}

char *
uth_fundamentals_subtitle (const UthFigureContext *ctx,
                           const char             *subtitle)
{
  /* An empty field still draws the example's numbers (60 characters, 14 tokens): say so,
   * or the figure contradicts the empty field above it. */
  if (ctx != NULL && ctx->text != NULL && ctx->text[0] == '\0')
    {
      size_t len = strlen (subtitle);
      g_autofree char *ended = len > 0 && subtitle[len - 1] != '.'
                               ? g_strconcat (subtitle, ".", NULL) : g_strdup (subtitle);

      /* Translators: a figure's subtitle (ending in a full stop), then the example sentence */
      if (ctx->analysis != NULL && ctx->analysis->model_note != NULL)
        /* Translators: a figure's subtitle, the example sentence, then which model ran */
        return g_strdup_printf (_("%s Your text is empty, so this shows the example sentence: “%s” Type your own in the text field. %s"),
                                ended, _(UTH_DEFAULT_TEXT), ctx->analysis->model_note);
      return g_strdup_printf (_("%s Your text is empty, so this shows the example sentence: “%s” Type your own in the text field."),
                              ended, _(UTH_DEFAULT_TEXT));
    }
  /* The pages that run a model say which (and what of the text it ran on). */
  if (ctx != NULL && ctx->analysis != NULL && ctx->analysis->model_note != NULL)
    return g_strdup_printf ("%s %s", subtitle, ctx->analysis->model_note);
  return g_strdup (subtitle);
}

double
uth_fundamentals_fit (double *width,
                      double *height)
{
  double f;

  if (*width >= UTH_FUNDAMENTALS_MIN_WIDTH || *width <= 0)
    return 1.0;
  f = *width / UTH_FUNDAMENTALS_MIN_WIDTH;
  *width = UTH_FUNDAMENTALS_MIN_WIDTH;
  *height /= f;
  return f;
}

double
uth_fundamentals_page_height (double                  width,
                              const UthFigureContext *ctx)
{
  double f = width > 0 && width < UTH_FUNDAMENTALS_MIN_WIDTH ? width / UTH_FUNDAMENTALS_MIN_WIDTH : 1.0;

  return UTH_FUNDAMENTALS_HEIGHT * uth_draw_scale (ctx) * f;
}

guint
uth_draw_token_chips (cairo_t                *cr,
                      const UthFigureContext *ctx,
                      const guint32          *ids,
                      guint                   n,
                      const guint            *colors,
                      UthChipFlags            flags,
                      int                     highlight,
                      double                  x,
                      double                  y,
                      double                  width,
                      double                  max_height,
                      UthChartRect           *rects,
                      double                 *height)
{
  double s = uth_draw_scale (ctx);
  gboolean compact = (flags & UTH_CHIP_COMPACT) != 0;
  gboolean with_id = (flags & UTH_CHIP_WITH_ID) != 0;
  double pad = (compact ? 5 : 8) * s, gap = (compact ? 4 : 6) * s;
  double text_h, id_h = 0, chip_h, cx = x, cy = y, bottom = y;
  cairo_t *measure = cr != NULL ? cr : uth_draw_scratch ();
  guint i;

  uth_draw_text_size (measure, ctx, UTH_FONT_MONO, "Ag", NULL, &text_h);
  if (with_id)
    uth_draw_text_size (measure, ctx, UTH_FONT_TICK, "0", NULL, &id_h);
  chip_h = text_h + id_h + 2 * pad;
  for (i = 0; i < n; i++)
    {
      const char *label = uth_analysis_token_label (ctx->analysis, ids[i]);
      g_autofree char *id = g_strdup_printf ("%u", ids[i]);
      double tw, iw = 0, w;
      UthRgba color;

      uth_draw_text_size (measure, ctx, UTH_FONT_MONO, label, &tw, NULL);
      if (with_id)
        uth_draw_text_size (measure, ctx, UTH_FONT_TICK, id, &iw, NULL);
      w = MIN (MAX (tw, iw) + 2 * pad, width);
      if (cx > x && cx + w > x + width)
        {
          cx = x;
          cy += chip_h + gap;
        }
      if (cy + chip_h > y + max_height)
        break;
      bottom = cy + chip_h;
      if (rects != NULL)
        {
          rects[i].x = cx;
          rects[i].y = cy;
          rects[i].w = w;
          rects[i].h = chip_h;
        }
      if (cr != NULL)
        {
          cairo_antialias_t antialias = cairo_get_antialias (cr);

          if (flags & UTH_CHIP_DIM)
            uth_draw_color (ctx, UTH_COLOR_GRID, &color);
          else
            uth_draw_categorical (ctx, colors != NULL ? colors[i] : i, &color);
          /* Cairo's 4x4 antialiasing for the chip's shape: indistinguishable at this size
           * (compared at 4x zoom), and a page draws a hundred chips (37 -> 22 us each). */
          cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
          uth_draw_rounded_rect (cr, cx, cy, w, chip_h, 6 * s);
          uth_draw_set_rgba (cr, &color, (int) i == highlight ? 0.75 : 0.28);
          cairo_fill_preserve (cr);
          uth_draw_set_rgba (cr, &color, 1.0);
          cairo_set_line_width (cr, ((int) i == highlight ? 3 : 1.5) * s);
          cairo_stroke (cr);
          cairo_set_antialias (cr, antialias);
          uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
          uth_draw_text (cr, ctx, UTH_FONT_MONO, label, cx + w / 2, cy + pad, UTH_ANCHOR_N,
                         w - 2 * pad + 1, NULL);
          if (with_id)
            {
              uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
              uth_draw_text (cr, ctx, UTH_FONT_TICK, id, cx + w / 2, cy + pad + text_h,
                             UTH_ANCHOR_N, 0, NULL);
            }
        }
      cx += w + gap;
    }
  if (height != NULL)
    /* The rows drawn: not the row the first chip that did not fit would have started. */
    *height = bottom - y;
  if (cr == NULL)
    cairo_destroy (measure);
  return i;
}

double
uth_draw_panel (cairo_t                *cr,
                const UthFigureContext *ctx,
                double                  x,
                double                  y,
                double                  width,
                double                  height,
                const char             *heading)
{
  double s = uth_draw_scale (ctx);
  UthChartRect ext = { x, y, 0, 0 };

  uth_draw_rounded_rect (cr, x, y, width, height, 12 * s);
  uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
  cairo_fill_preserve (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1.0 * s);
  cairo_stroke (cr);
  if (heading == NULL)
    return y + 14 * s;
  /* Wrapped, not cut short: a narrow panel (or a long German heading) takes two lines. */
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  {
    g_autofree char *escaped = g_markup_escape_text (heading, -1);

    ext.h = uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, escaped, x + PANEL_PAD * s,
                                y + PANEL_HEAD_TOP * s, width - 2 * PANEL_PAD * s);
  }
  return y + PANEL_HEAD_TOP * s + ext.h + PANEL_HEAD_GAP * s;
}

double
uth_draw_panel_top (cairo_t                *cr,
                    const UthFigureContext *ctx,
                    double                  width,
                    const char             *heading)
{
  double s = uth_draw_scale (ctx);
  g_autofree char *escaped = NULL;

  if (heading == NULL)
    return 14 * s;
  escaped = g_markup_escape_text (heading, -1);
  return PANEL_HEAD_TOP * s
         + uth_draw_paragraph_height (cr, ctx, UTH_FONT_HEADING, escaped, width - 2 * PANEL_PAD * s)
         + PANEL_HEAD_GAP * s;
}

double
uth_draw_note (cairo_t                *cr,
               const UthFigureContext *ctx,
               const char             *text,
               double                  x,
               double                  y,
               double                  width)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *markup = g_strdup_printf ("<i>%s</i>", escaped);

  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  return uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, markup, x, y, width);
}

void
uth_draw_diverging (double   v,
                    UthRgba *out)
{
  /* White at 0, towards a blue (negative) or a red (positive) of similar lightness. */
  double t = CLAMP (fabs (v), 0.0, 1.0);
  const UthRgba neg = { 0.16, 0.40, 0.70, 1 }, pos = { 0.78, 0.22, 0.18, 1 };
  const UthRgba *end = v < 0 ? &neg : &pos;

  out->r = 1.0 + (end->r - 1.0) * t;
  out->g = 1.0 + (end->g - 1.0) * t;
  out->b = 1.0 + (end->b - 1.0) * t;
  out->a = 1.0;
}
