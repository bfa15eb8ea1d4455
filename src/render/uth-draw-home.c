/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "render/uth-draw-common.h"
#include "render/uth-draw-home.h"
#include "render/uth-formula.h"

static double
draw_path (cairo_t                *cr,
           const UthFigureContext *ctx,
           UthPath                 path,
           const char             *heading,
           double                  x,
           double                  y,
           double                  width)
{
  double s = ctx->scale > 0 ? ctx->scale : 1.0;
  const UthPageFigure *pages;
  guint n, i, step = 0;
  UthChartRect ext;

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, heading, x, y, UTH_ANCHOR_NW, width, &ext);
  y = ext.y + ext.h + 8 * s;
  pages = uth_draw_get_page_figures (&n);
  for (i = 0; i < n; i++)
    {
      g_autofree char *num = NULL;
      double r = 13 * s, line = 34 * s;
      UthRgba badge, ink;

      if (pages[i].path != path)
        continue;
      step++;
      uth_draw_categorical (ctx, path == UTH_PATH_FUNDAMENTALS ? 2 : 0, &badge);
      uth_draw_set_rgba (cr, &badge, 1.0);
      cairo_arc (cr, x + r, y + line / 2, r, 0, 2 * G_PI);
      cairo_fill (cr);
      uth_draw_contrast_text (&badge, &ink);
      uth_draw_set_rgba (cr, &ink, 1.0);
      num = g_strdup_printf ("%u", step);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, num, x + r, y + line / 2, UTH_ANCHOR_CENTER, 0, NULL);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, _(pages[i].title), x + 2 * r + 10 * s,
                     y + line / 2, UTH_ANCHOR_W, width - 2 * r - 10 * s, NULL);
      y += line;
    }
  return y;
}

void
uth_draw_home (cairo_t                *cr,
               double                  width,
               double                  height,
               const UthFigureContext *ctx)
{
  double s = ctx->scale > 0 ? ctx->scale : 1.0;
  double m = uth_draw_margin (ctx);
  double col = (width - 2 * m) / 3.0;
  double y, ry;
  g_autofree char *subtitle = NULL;
  UthRule rule;

  uth_draw_background (cr, width, height, ctx);
  if (ctx->model != NULL && ctx->gpu != NULL)
    subtitle = g_strdup_printf (_("What it costs to run a large language model, and why. Scenario: %s on %u × %s."),
                                ctx->model->name, MAX (ctx->input.gpus, 1), ctx->gpu->name);
  else
    subtitle = g_strdup (_("What it costs to run a large language model, and why."));
  y = uth_draw_title (cr, ctx, _("Under the Hood"), subtitle, m, m, width - 2 * m);

  draw_path (cr, ctx, UTH_PATH_FUNDAMENTALS, _("How LLMs work"), m, y, col - m);
  draw_path (cr, ctx, UTH_PATH_PERFORMANCE, _("Making it fast"), m + col, y, col - m);

  ry = y;
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Rules of thumb"), m + 2 * col, ry,
                 UTH_ANCHOR_NW, col, NULL);
  ry += 36 * s;
  for (rule = 0; rule < UTH_N_RULES; rule++)
    {
      g_autofree char *sub = uth_rule_substituted (rule, ctx);
      g_autofree char *formula = g_markup_escape_text (uth_rule_formula (rule), -1);
      g_autofree char *sub_markup = g_markup_escape_text (sub, -1);
      double h = 0;

      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      h = uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, formula, m + 2 * col, ry, col);
      ry += h + 2 * s;
      uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
      h = uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, sub_markup, m + 2 * col + 16 * s, ry,
                              col - 16 * s);
      ry += h + 16 * s;
    }
  (void) height;
}
