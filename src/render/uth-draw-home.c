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

/* The page reflows rather than shrinks (sizes at scale 1): from HOME_WIDE_WIDTH the two
 * paths sit on the left and the rules of thumb on the right; narrower, the rules go below
 * the paths at the full width, and the figure asks for the height that takes (it scrolls).
 * The text never gets smaller than the figure's scale makes it. */
#define HOME_WIDE_WIDTH 1100.0
#define HOME_MIN_WIDTH 760.0
#define HOME_PATHS_SHARE 0.5        /* of the width inside the margins, in the wide layout */
#define HOME_COLUMN_GAP 24.0        /* between the two paths, and paths and rules */
#define HOME_STOP_LINE 52.0         /* one stop of a path */
#define HOME_BADGE_RADIUS 18.0
#define HOME_BADGE_GAP 12.0         /* badge to the page title */
#define HOME_PATH_BAR_W 6.0         /* the coloured bar beside a path's heading */
#define HOME_PATH_HEADING_INDENT 14.0
#define HOME_PATH_LINE_W 4.0        /* the line joining the stops */
#define HOME_SECTION_GAP 12.0
#define HOME_RULE_GAP 10.0          /* between two rule cards */
#define HOME_RULE_PAD 12.0
#define HOME_RULE_RADIUS 10.0
#define HOME_LINE_GAP 4.0
#define HOME_DESIGN_WIDTH 1280.0   /* a larger title figure grows from this width … */
#define HOME_MAX_GROW 2.5          /* … up to this many times */

static gboolean
is_wide (double width,
         double s)
{
  return width >= HOME_WIDE_WIDTH * s - 0.5;
}

/* One learning path as a line of numbered stops, top to bottom, from y; draws only when
 * draw is TRUE. Returns the bottom. */
static double
draw_path (cairo_t                *cr,
           const UthFigureContext *ctx,
           UthPath                 path,
           const char             *heading,
           const char             *blurb,
           double                  x,
           double                  y,
           double                  width,
           gboolean                draw)
{
  double s = uth_draw_scale (ctx);
  double line = HOME_STOP_LINE * s, r = HOME_BADGE_RADIUS * s;
  double text_x = x + 2 * r + HOME_BADGE_GAP * s, text_w = width - 2 * r - HOME_BADGE_GAP * s;
  const UthPageFigure *pages;
  guint n, i, step = 0, steps = 0;
  UthRgba badge, ink;
  g_autofree char *heading_markup = g_markup_escape_text (heading, -1);
  g_autofree char *blurb_markup = g_markup_escape_text (blurb, -1);
  double hh;

  uth_draw_categorical (ctx, path == UTH_PATH_FUNDAMENTALS ? 2 : 0, &badge);
  hh = uth_draw_paragraph_height (cr, ctx, UTH_FONT_HEADING, heading_markup,
                                  width - HOME_PATH_HEADING_INDENT * s);
  if (draw)
    {
      uth_draw_set_rgba (cr, &badge, 1.0);
      cairo_rectangle (cr, x, y, HOME_PATH_BAR_W * s, hh);
      cairo_fill (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, heading_markup, x + HOME_PATH_HEADING_INDENT * s,
                          y, width - HOME_PATH_HEADING_INDENT * s);
    }
  y += hh + HOME_LINE_GAP * s;
  if (draw)
    uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  y += (draw ? uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, blurb_markup, x, y, width)
             : uth_draw_paragraph_height (cr, ctx, UTH_FONT_TICK, blurb_markup, width))
       + HOME_RULE_GAP * s;

  pages = uth_draw_get_page_figures (&n);
  for (i = 0; i < n; i++)
    if (pages[i].path == path)
      steps++;
  /* The line joining the stops, under them. */
  if (draw && steps > 1)
    {
      uth_draw_set_rgba (cr, &badge, 1.0);
      cairo_set_line_width (cr, HOME_PATH_LINE_W * s);
      cairo_move_to (cr, x + r, y + line / 2);
      cairo_line_to (cr, x + r, y + line / 2 + (steps - 1) * line);
      cairo_stroke (cr);
    }
  for (i = 0; i < n; i++)
    {
      g_autofree char *num = NULL;
      g_autofree char *title = NULL;
      double th;

      if (pages[i].path != path)
        continue;
      step++;
      /* A long title (German) wraps and makes its stop taller. */
      title = g_markup_escape_text (_(pages[i].title), -1);
      th = uth_draw_paragraph_height (cr, ctx, UTH_FONT_HEADING, title, text_w);
      if (draw)
        {
          uth_draw_set_rgba (cr, &badge, 1.0);
          cairo_arc (cr, x + r, y + line / 2, r, 0, 2 * G_PI);
          cairo_fill (cr);
          uth_draw_contrast_text (&badge, &ink);
          uth_draw_set_rgba (cr, &ink, 1.0);
          num = g_strdup_printf ("%u", step);
          uth_draw_text (cr, ctx, UTH_FONT_LABEL, num, x + r, y + line / 2, UTH_ANCHOR_CENTER, 0, NULL);
          uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
          uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, title, text_x,
                              y + MAX (line - th, 0) / 2, text_w);
        }
      y += MAX (line, th + HOME_LINE_GAP * s);
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

/* One rule as a card: its name and the value in big type, the formula, the formula with
 * the scenario's numbers, and the detailed estimate, each wrapped to the card's width.
 * Draws only when draw is TRUE; returns the card's height. */
static double
draw_rule (cairo_t                *cr,
           const UthFigureContext *ctx,
           UthRule                 rule,
           double                  x,
           double                  y,
           double                  width,
           double                  extra,
           gboolean                draw)
{
  double s = uth_draw_scale (ctx), pad = HOME_RULE_PAD * s, gap = HOME_LINE_GAP * s;
  double inner = width - 2 * pad;
  g_autofree char *value = uth_rule_value_text (rule, ctx);
  g_autofree char *sub = uth_rule_substituted (rule, ctx);
  g_autofree char *name = g_markup_escape_text (uth_rule_name (rule), -1);
  g_autofree char *formula = g_markup_escape_text (uth_rule_formula (rule), -1);
  g_autofree char *sub_markup = g_markup_escape_text (sub, -1);
  g_autofree char *detail = NULL;
  double est = estimated (rule, ctx);
  double vw, vh, name_w, name_h, cy, h;

  if (isfinite (est) && est > 0)
    {
      g_autofree char *d = estimated_text (rule, est);

      detail = g_markup_escape_text (d, -1);
    }
  /* The value on the right in big type, the name beside it on the left. */
  uth_draw_text_size (cr, ctx, UTH_FONT_VALUE, value, &vw, &vh);
  name_w = MAX (inner - vw - pad, inner * 0.4);
  name_h = uth_draw_paragraph_height (cr, ctx, UTH_FONT_HEADING, name, name_w);
  h = pad + MAX (vh, name_h) + gap
      + uth_draw_paragraph_height (cr, ctx, UTH_FONT_TICK, formula, inner) + gap
      + uth_draw_paragraph_height (cr, ctx, UTH_FONT_LABEL, sub_markup, inner)
      + (detail != NULL ? gap + uth_draw_paragraph_height (cr, ctx, UTH_FONT_TICK, detail, inner) : 0)
      + pad + extra;
  if (!draw)
    return h;

  uth_draw_rounded_rect (cr, x, y, width, h, HOME_RULE_RADIUS * s);
  uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
  cairo_fill_preserve (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
  uth_draw_text (cr, ctx, UTH_FONT_VALUE, value, x + width - pad, y + pad, UTH_ANCHOR_NE, 0, NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, name, x + pad, y + pad, name_w);
  cy = y + pad + MAX (vh, name_h) + gap;
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  cy += uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, formula, x + pad, cy, inner) + gap;
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cy += uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, sub_markup, x + pad, cy, inner);
  if (detail != NULL)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, detail, x + pad, cy + gap, inner);
    }
  return h;
}

static char *
home_subtitle (const UthFigureContext *ctx)
{
  g_autofree char *subtitle = NULL;

  if (ctx->model != NULL && ctx->gpu != NULL)
    subtitle = g_strdup_printf (_("What it costs to run a large language model, and why. Scenario: %s on %u × %s, %s weights, batch %" PRIu64 "."),
                                ctx->model->name, MAX (ctx->input.gpus, 1), ctx->gpu->name,
                                uth_dtype_id (ctx->input.weights), (uint64_t) MAX (ctx->input.batch, 1));
  else
    subtitle = g_strdup (_("What it costs to run a large language model, and why."));
  /* The rules and estimates below are for a set-up that cannot run when it does not fit. */
  return uth_draw_fit_subtitle (ctx, subtitle);
}

/* Lays the page out at a width (drawing when draw is TRUE); returns the height it takes.
 * Given a taller frame (height > 0), the rule cards share the spare height and the footer
 * sits at the bottom, so a large export is filled. */
static double
home_layout (cairo_t                *cr,
             const UthFigureContext *ctx,
             double                  width,
             double                  height,
             gboolean                draw)
{
  double s = uth_draw_scale (ctx), m = uth_draw_margin (ctx);
  double inner = width - 2 * m, gap = HOME_COLUMN_GAP * s;
  gboolean wide = is_wide (width, s);
  double paths_w = wide ? inner * HOME_PATHS_SHARE : inner;
  double col = (paths_w - gap) / 2;
  double rules_x = wide ? m + paths_w + gap : m, rules_w = wide ? inner - paths_w - gap : inner;
  double y, top, left_bottom, right_bottom, paths_bottom, rules_y;
  g_autofree char *subtitle = home_subtitle (ctx);
  g_autofree char *heading = g_markup_escape_text (_("Rules of thumb, with this scenario’s numbers"), -1);
  g_autofree char *footer = g_markup_escape_text (_("Every number comes from one analytics core; every picture is redrawn the moment a slider moves."), -1);
  UthRule rule;
  double extra = 0;

  if (draw && height > 0)
    extra = MAX (0, height - home_layout (cr, ctx, width, 0, FALSE)) / UTH_N_RULES;
  if (draw)
    y = uth_draw_title (cr, ctx, _("Under the Hood"), subtitle, m, m, inner);
  else
    y = m + uth_draw_title_height (cr, ctx, _("Under the Hood"), subtitle, inner);
  top = y + HOME_SECTION_GAP * s;

  /* The two paths side by side. */
  left_bottom = draw_path (cr, ctx, UTH_PATH_FUNDAMENTALS, _("How LLMs Work"),
                           _("From text to tokens to the next token: what the model computes."),
                           m, top, col, draw);
  right_bottom = draw_path (cr, ctx, UTH_PATH_PERFORMANCE, _("Making It Fast"),
                            _("Where the time and the memory go, and what serving engines do about it."),
                            m + col + gap, top, col, draw);
  paths_bottom = MAX (left_bottom, right_bottom);

  /* The rules of thumb as cards: beside the paths when wide, below them when narrow. */
  rules_y = wide ? top : paths_bottom + HOME_SECTION_GAP * s;
  if (draw)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      rules_y += uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, heading, rules_x, rules_y, rules_w);
    }
  else
    rules_y += uth_draw_paragraph_height (cr, ctx, UTH_FONT_HEADING, heading, rules_w);
  rules_y += HOME_RULE_GAP * s;
  for (rule = 0; rule < UTH_N_RULES; rule++)
    rules_y += draw_rule (cr, ctx, rule, rules_x, rules_y, rules_w, extra, draw) + HOME_RULE_GAP * s;

  y = MAX (paths_bottom, rules_y) + HOME_SECTION_GAP * s;
  if (draw)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      y += uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, footer, m, y, inner);
    }
  else
    y += uth_draw_paragraph_height (cr, ctx, UTH_FONT_TICK, footer, inner);
  return y + m;
}

static double
min_height_at (double   width,
               double   s,
               gpointer user_data)
{
  const UthFigureContext *given = user_data;
  UthFigureContext local = *given;
  cairo_t *mc = uth_draw_scratch ();
  double h;

  local.scale = s;
  h = home_layout (mc, &local, width, 0, FALSE);
  cairo_destroy (mc);
  return h;
}

double
uth_home_page_height (double                  width,
                      const UthFigureContext *ctx)
{
  UthReflowPage reflow = { HOME_MIN_WIDTH, HOME_WIDE_WIDTH, min_height_at, (gpointer) ctx };

  return uth_reflow_page_height (&reflow, width, ctx);
}

void
uth_draw_home (cairo_t                *cr,
               double                  width,
               double                  height,
               const UthFigureContext *ctx)
{
  UthReflowPage reflow = { HOME_MIN_WIDTH, HOME_WIDE_WIDTH, min_height_at, (gpointer) ctx };
  double vw, vh, fit = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);

  if (fit >= 1.0)
    {
      /* The title figure fills a large export: everything grows with the frame (up to
       * HOME_MAX_GROW ×, from HOME_DESIGN_WIDTH) as long as the grown layout still fits
       * its height. It never shrinks here: a small frame reflows instead. */
      double base = uth_draw_scale (ctx), s = uth_draw_scale (ctx);
      double k = MIN (HOME_MAX_GROW, width / (HOME_DESIGN_WIDTH * base));

      while (k > 1.0 && min_height_at (width / k, s, (gpointer) ctx) * k > height)
        k = MAX (1.0, k * 0.95);
      if (k > 1.0)
        {
          fit = k;
          vw = width / k;
          vh = height / k;
        }
    }
  uth_draw_background (cr, width, height, ctx);
  cairo_save (cr);
  cairo_scale (cr, fit, fit);
  home_layout (cr, ctx, vw, vh, TRUE);
  cairo_restore (cr);
}
