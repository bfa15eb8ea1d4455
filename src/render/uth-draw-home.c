/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The home figure is the app's title figure (export, the command line's render): what the
 * app is, the two learning paths, and the rules of thumb with the scenario's numbers beside
 * the detailed estimate they approximate. */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>

#include "render/uth-draw-common.h"
#include "render/uth-draw-fit.h"
#include "render/uth-draw-home.h"
#include "render/uth-formula.h"

/* The layout is designed at this size; a larger export grows every size with it (up to
 * 2.5 ×), a smaller one shrinks them (down to 0.7 ×), so the figure always fills its frame. */
#define DESIGN_WIDTH 1280.0
#define DESIGN_HEIGHT 760.0

/* One learning path as a line of numbered stops, top to bottom. Returns the bottom. */
static double
draw_path (cairo_t                *cr,
           const UthFigureContext *ctx,
           UthPath                 path,
           const char             *heading,
           const char             *blurb,
           double                  x,
           double                  y,
           double                  width,
           double                  line)
{
  double s = ctx->scale;
  double r = MIN (line * 0.36, 18 * s);
  const UthPageFigure *pages;
  guint n, i, step = 0, steps = 0;
  UthChartRect ext;
  UthRgba badge, ink;
  g_autofree char *blurb_markup = g_markup_escape_text (blurb, -1);

  uth_draw_categorical (ctx, path == UTH_PATH_FUNDAMENTALS ? 2 : 0, &badge);
  uth_draw_set_rgba (cr, &badge, 1.0);
  cairo_rectangle (cr, x, y, 6 * s, uth_draw_font_px (ctx, UTH_FONT_HEADING) * 1.3);
  cairo_fill (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, heading, x + 14 * s, y, UTH_ANCHOR_NW, width - 14 * s, &ext);
  y = ext.y + ext.h + 4 * s;
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  y += uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, blurb_markup, x, y, width) + 10 * s;

  pages = uth_draw_get_page_figures (&n);
  for (i = 0; i < n; i++)
    if (pages[i].path == path)
      steps++;
  /* The line joining the stops, under them. */
  if (steps > 1)
    {
      uth_draw_set_rgba (cr, &badge, 1.0);
      cairo_set_line_width (cr, 4 * s);
      cairo_move_to (cr, x + r, y + line / 2);
      cairo_line_to (cr, x + r, y + line / 2 + (steps - 1) * line);
      cairo_stroke (cr);
    }
  for (i = 0; i < n; i++)
    {
      g_autofree char *num = NULL;

      if (pages[i].path != path)
        continue;
      step++;
      uth_draw_set_rgba (cr, &badge, 1.0);
      cairo_arc (cr, x + r, y + line / 2, r, 0, 2 * G_PI);
      cairo_fill (cr);
      uth_draw_contrast_text (&badge, &ink);
      uth_draw_set_rgba (cr, &ink, 1.0);
      num = g_strdup_printf ("%u", step);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, num, x + r, y + line / 2, UTH_ANCHOR_CENTER, 0, NULL);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_HEADING, _(pages[i].title), x + 2 * r + 12 * s,
                     y + line / 2, UTH_ANCHOR_W, width - 2 * r - 12 * s, NULL);
      y += line;
    }
  return y;
}

/* The detailed estimate's number for a rule, to set beside it; NAN when there is none. */
static double
estimated (UthRule                 rule,
           const UthFigureContext *ctx)
{
  const UthEstimate *e = ctx->estimate;

  if (e == NULL)
    return NAN;
  switch (rule)
    {
    case UTH_RULE_WEIGHT_MEMORY: return e->weight_bytes;
    case UTH_RULE_DECODE_SPEED: return e->decode_tokens_per_second_per_sequence;
    case UTH_RULE_PREFILL_SPEED: return e->prefill_tokens_per_second;
    case UTH_RULE_DECODE_INTENSITY: return e->decode_intensity;
    case UTH_RULE_FLOPS_PER_TOKEN:
    case UTH_N_RULES:
    default: return NAN;
    }
}

static char *
estimated_text (UthRule  rule,
                double   value)
{
  g_autofree char *v = NULL;

  switch (rule)
    {
    case UTH_RULE_WEIGHT_MEMORY: v = uth_format_bytes (value); break;
    case UTH_RULE_DECODE_SPEED:
    case UTH_RULE_PREFILL_SPEED: v = uth_format_tokens_rate (value); break;
    case UTH_RULE_DECODE_INTENSITY: v = uth_format_intensity (value); break;
    case UTH_RULE_FLOPS_PER_TOKEN:
    case UTH_N_RULES:
    default: return NULL;
    }
  return g_strdup_printf (_("detailed estimate: %s"), v);
}

/* One rule as a card: its name, the value in big type, the formula with the scenario's
 * numbers, and the detailed estimate beside it. */
static void
draw_rule (cairo_t                *cr,
           const UthFigureContext *ctx,
           UthRule                 rule,
           double                  x,
           double                  y,
           double                  width,
           double                  height)
{
  double s = ctx->scale, pad = 12 * s;
  g_autofree char *value = uth_rule_value_text (rule, ctx);
  g_autofree char *sub = uth_rule_substituted (rule, ctx);
  g_autofree char *detail = NULL;
  double est = estimated (rule, ctx);
  double vw, right;
  UthChartRect ext;

  uth_draw_rounded_rect (cr, x, y, width, height, 10 * s);
  uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
  cairo_fill_preserve (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  /* Value on the right in big type; name and formula on the left. */
  uth_draw_text_size (cr, ctx, UTH_FONT_VALUE, value, &vw, NULL);
  right = x + width - pad;
  uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
  uth_draw_text (cr, ctx, UTH_FONT_VALUE, value, right, y + pad, UTH_ANCHOR_NE, width * 0.45, NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, uth_rule_name (rule), x + pad, y + pad, UTH_ANCHOR_NW,
                 width - 3 * pad - MIN (vw, width * 0.45), &ext);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, uth_rule_formula (rule), x + pad, ext.y + ext.h + 2 * s,
                 UTH_ANCHOR_NW, width - 3 * pad - MIN (vw, width * 0.45), &ext);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, sub, x + pad, y + height - pad, UTH_ANCHOR_SW,
                 width - 2 * pad, &ext);
  if (isfinite (est) && est > 0)
    {
      detail = estimated_text (rule, est);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, detail, right, ext.y - 2 * s, UTH_ANCHOR_SE,
                     width * 0.5, NULL);
    }
}

void
uth_draw_home (cairo_t                *cr,
               double                  width,
               double                  height,
               const UthFigureContext *given)
{
  UthFigureContext local = *given;
  const UthFigureContext *ctx = &local;
  double base = uth_draw_scale (given);
  double k = CLAMP (MIN (width / (DESIGN_WIDTH * base), height / (DESIGN_HEIGHT * base)), 0.7, 2.5);
  double s, m, y, left_w, col, rules_x, rules_w, rule_h, gap, line, bottom;
  g_autofree char *subtitle = NULL;
  UthChartRect ext;
  UthRule rule;

  local.scale = base * k;
  s = local.scale;
  m = uth_draw_margin (ctx);
  uth_draw_background (cr, width, height, ctx);
  if (ctx->model != NULL && ctx->gpu != NULL)
    subtitle = g_strdup_printf (_("What it costs to run a large language model, and why. Scenario: %s on %u × %s, %s weights, batch %" PRIu64 "."),
                                ctx->model->name, MAX (ctx->input.gpus, 1), ctx->gpu->name,
                                uth_dtype_id (ctx->input.weights), (uint64_t) MAX (ctx->input.batch, 1));
  else
    subtitle = g_strdup (_("What it costs to run a large language model, and why."));
  {
    /* The rules and estimates below are for a set-up that cannot run when it does not fit. */
    char *fit = uth_draw_fit_subtitle (ctx, subtitle);

    g_free (subtitle);
    subtitle = fit;
  }
  y = uth_draw_title (cr, ctx, _("Under the Hood"), subtitle, m, m, width - 2 * m) + 12 * s;
  bottom = height - m - uth_draw_font_px (ctx, UTH_FONT_TICK) * 1.6;

  /* Left: the two paths side by side. Right: the rules of thumb as cards. */
  left_w = (width - 2 * m) * 0.46;
  col = (left_w - 24 * s) / 2;
  line = MIN (52 * s, (bottom - y - 110 * s) / 8);
  draw_path (cr, ctx, UTH_PATH_FUNDAMENTALS, _("How LLMs Work"),
             _("From text to tokens to the next token: what the model computes."),
             m, y, col, line);
  draw_path (cr, ctx, UTH_PATH_PERFORMANCE, _("Making It Fast"),
             _("Where the time and the memory go, and what serving engines do about it."),
             m + col + 24 * s, y, col, line);

  rules_x = m + left_w + 32 * s;
  rules_w = width - m - rules_x;
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Rules of thumb, with this scenario’s numbers"),
                 rules_x, y, UTH_ANCHOR_NW, rules_w, &ext);
  y = ext.y + ext.h + 10 * s;
  gap = 10 * s;
  rule_h = (bottom - y - (UTH_N_RULES - 1) * gap) / UTH_N_RULES;
  for (rule = 0; rule < UTH_N_RULES; rule++)
    draw_rule (cr, ctx, rule, rules_x, y + rule * (rule_h + gap), rules_w, rule_h);

  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK,
                 _("Every number comes from one analytics core; every picture is redrawn the moment a slider moves."),
                 m, height - m, UTH_ANCHOR_SW, width - 2 * m, NULL);
}
