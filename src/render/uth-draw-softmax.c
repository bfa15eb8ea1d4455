/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <stdlib.h>

#include "core/uth-softmax.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-softmax.h"

/* The page's distribution, computed by the analysis step (ctx->analysis->softmax). */
typedef UthSoftmaxData Data;

static char *
format_plain (double v)
{
  return uth_format_number (v);
}

/* Bars are labelled by their tokens: no numbers on the y axis. */
static char *
format_none (double v)
{
  return g_strdup ("");
}

/* Horizontal bars, one per shown candidate; returns the y of the first bar. */
static void
draw_bars (cairo_t                *cr,
           const UthFigureContext *ctx,
           const Data             *d,
           UthChartRect            r,
           gboolean                probabilities)
{
  double s = uth_draw_scale (ctx), label_w = 120 * s;
  double lo = d->logits[d->order[d->shown - 1]], hi = d->logits[d->order[0]];
  double pmax = 0.0;
  UthChartScale xs;
  UthChartScale ys = { 0, d->shown, false };
  UthPlot plot;
  double bar_h;

  /* Probabilities on a scale up to the largest shown (the T = 1 outline included), so
   * small ones stay visible; the axis and the labels give the values. */
  for (guint k = 0; k < d->shown; k++)
    pmax = MAX (pmax, MAX (d->probs[d->order[k]], d->plain[d->order[k]]));
  xs = probabilities ? uth_chart_scale_nice (0, MIN (MAX (pmax, 0.01), 1.0), false)
                     : uth_chart_scale_nice (floor (lo) - 1, ceil (hi) + 0.5, false);
  if (probabilities && xs.max > 1.0)
    xs.max = 1.0;
  uth_plot_init (&plot, ctx, r.x + label_w - 118 * s, r.y, r.w - label_w + 118 * s - 60 * s, r.h, &xs, &ys);
  bar_h = plot.height / d->shown;
  uth_draw_plot_axes (cr, ctx, &plot,
                      probabilities ? _("probability") : _("logit z (higher is likelier)"),
                      NULL, probabilities ? uth_format_percent : format_plain, format_none);
  for (guint k = 0; k < d->shown; k++)
    {
      guint i = d->order[k];
      double y = plot.top + k * bar_h;
      const char *name = uth_analysis_token_label (ctx->analysis, i);
      g_autofree char *value = NULL;
      double v = probabilities ? d->probs[i] : d->logits[i];
      double x0 = uth_plot_x (&plot, probabilities ? 0 : xs.min), x1 = uth_plot_x (&plot, v);
      UthRgba c;

      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_MONO, name, plot.left - 8 * s, y + bar_h / 2, UTH_ANCHOR_E,
                     label_w - 10 * s, NULL);
      if (probabilities)
        {
          /* T = 1 without cut-offs, as an outline to compare with. */
          uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
          cairo_set_line_width (cr, 1.5 * s);
          cairo_rectangle (cr, x0, y + 0.15 * bar_h, uth_plot_x (&plot, d->plain[i]) - x0, 0.7 * bar_h);
          cairo_stroke (cr);
        }
      if (probabilities && d->probs[i] <= 0)
        {
          uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
          uth_draw_text (cr, ctx, UTH_FONT_TICK, _("cut"), x0 + 6 * s, y + bar_h / 2, UTH_ANCHOR_W, 0, NULL);
          continue;
        }
      uth_draw_categorical (ctx, probabilities ? 2 : 0, &c);
      uth_draw_set_rgba (cr, &c, 0.85);
      cairo_rectangle (cr, x0, y + 0.2 * bar_h, MAX (x1 - x0, 1), 0.6 * bar_h);
      cairo_fill (cr);
      value = probabilities ? uth_format_percent (v) : g_strdup_printf ("%.2f", v);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, value, MAX (x1, uth_plot_x (&plot, probabilities ? d->plain[i] : v)) + 6 * s,
                     y + bar_h / 2, UTH_ANCHOR_W, 0, NULL);
    }
}

static void
draw_overflow (cairo_t                *cr,
               const UthFigureContext *ctx,
               const Data             *d,
               UthChartRect            r)
{
  double s = uth_draw_scale (ctx);
  double y = uth_draw_panel (cr, ctx, r.x, r.y, r.w, r.h,
                             _("Why the maximum is subtracted first: the same three logits plus 1000"));
  double z[3], naive[3], stable[3], col = (r.w - 48 * s) / 2;
  GString *a = g_string_new (NULL), *b = g_string_new (NULL);
  gboolean ok;

  for (int i = 0; i < 3; i++)
    z[i] = d->logits[d->order[i]] + 1000.0;
  ok = uth_softmax_naive (z, 3, 1.0, naive);
  uth_softmax (z, 3, 1.0, stable);
  g_string_append_printf (a, _("Naive: e^z / Σ e^z\n"));
  for (int i = 0; i < 3; i++)
    g_string_append_printf (a, "e^%.2f = %s\n", z[i], isinf (exp (z[i])) ? "∞" : "…");
  g_string_append_printf (a, _("∞ / ∞ = %s%s"), isnan (naive[0]) ? "NaN" : "?",
                          ok ? "" : _("  (doubles overflow above e^709.78)"));
  g_string_append_printf (b, _("Stable: subtract max z = %.2f first\n"), z[0]);
  for (int i = 0; i < 3; i++)
    g_string_append_printf (b, "e^(%.2f − %.2f) = %.3f  →  p = %.3f\n", z[i], z[0], exp (z[i] - z[0]), stable[i]);
  g_string_append (b, _("The same probabilities as without the +1000: softmax ignores a common shift."));
  uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
  {
    g_autofree char *e = g_markup_escape_text (a->str, -1);
    uth_draw_paragraph (cr, ctx, UTH_FONT_MONO, e, r.x + 16 * s, y, col);
  }
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  {
    g_autofree char *e = g_markup_escape_text (b->str, -1);
    uth_draw_paragraph (cr, ctx, UTH_FONT_MONO, e, r.x + 32 * s + col, y, col);
  }
  g_string_free (a, TRUE);
  g_string_free (b, TRUE);
}

/* The layout at scale 1, in pixels: the panel of the overflow example at the bottom, the
 * gap between panels, the room under each chart for the formula or the note, and the
 * least height of a bar (its token's label, 14 px monospace, must not touch the next). */
#define BOTTOM_H   200
#define GAP        16
#define BELOW_BARS 90
#define BAR_MIN_H  22
#define TITLE      N_("Softmax: from logits to probabilities")
#define LOGITS_HEADING N_("Logits: the model’s raw scores, top 12 of the vocabulary")
#define PROBS_HEADING  N_("Probabilities: what the next token is drawn from")

static char *
subtitle (const UthFigureContext *ctx,
          const UthSoftmaxView   *view)
{
  g_autofree char *t = g_strdup_printf ("%.2f", ctx->temperature);
  g_autofree char *k = view->top_k > 0 ? g_strdup_printf ("%u", view->top_k) : g_strdup (_("off"));
  g_autofree char *p = view->top_p < 1.0 ? g_strdup_printf ("%.2f", view->top_p) : g_strdup (_("off"));
  g_autofree char *sub = g_strdup_printf (_("The model’s scores (logits) for the token after your text. Temperature T = %s, top-k %s, top-p %s."),
                                          ctx->temperature > 0 ? t : _("0 (greedy)"), k, p);

  return uth_fundamentals_subtitle (ctx, sub);
}

double
uth_softmax_page_height (double                  width,
                         const UthFigureContext *ctx)
{
  const UthSoftmaxView defaults = { 0, 1.0 };
  const UthSoftmaxView *view = ctx->page_data != NULL ? ctx->page_data : &defaults;
  double f = 1.0, s = uth_draw_scale (ctx), m = uth_draw_margin (ctx), half, need;
  g_autofree char *sub = subtitle (ctx, view);
  cairo_t *cr = uth_draw_scratch ();

  if (width > 0 && width < UTH_FUNDAMENTALS_MIN_WIDTH)
    {
      f = width / UTH_FUNDAMENTALS_MIN_WIDTH;
      width = UTH_FUNDAMENTALS_MIN_WIDTH;
    }
  half = (width - 2 * m - GAP * s) / 2;
  /* Title, the taller heading of the two panels, the bars with the plot's own room above
   * and below them (uth_plot_init: 12 and 66 px), then what sits under the charts. */
  need = m + uth_draw_title_height (cr, ctx, _(TITLE), sub, width - 2 * m)
         + MAX (uth_draw_panel_top (cr, ctx, half, _(LOGITS_HEADING)),
                uth_draw_panel_top (cr, ctx, half, _(PROBS_HEADING)))
         + (UTH_SOFTMAX_SHOWN * BAR_MIN_H + 12 + 66 + BELOW_BARS + GAP + BOTTOM_H) * s + m;
  cairo_destroy (cr);
  return MAX (uth_fundamentals_page_height (width, ctx), need) * f;
}

static void
draw_fitted (cairo_t                *cr,
                  double                  width,
                  double                  height,
                  const UthFigureContext *ctx)
{
  const UthSoftmaxView defaults = { 0, 1.0 };
  const UthSoftmaxView *view = ctx->page_data != NULL ? ctx->page_data : &defaults;
  const Data *analysed = ctx->analysis != NULL ? ctx->analysis->softmax : NULL;
  Data d;
  double m = uth_draw_margin (ctx), s = uth_draw_scale (ctx), top, y, half, bottom_h = BOTTOM_H * s;
  g_autofree char *sub = NULL;
  g_autofree char *right = NULL;
  double others = 0;

  if (analysed == NULL)
    {
      uth_draw_computing (cr, width, height, ctx);
      return;
    }
  d = *analysed;
  uth_draw_background (cr, width, height, ctx);
  sub = subtitle (ctx, view);
  top = uth_draw_title (cr, ctx, _(TITLE), sub, m, m, width - 2 * m);
  half = (width - 2 * m - 16 * s) / 2;
  y = uth_draw_panel (cr, ctx, m, top, half, height - m - top - bottom_h - 16 * s,
                      _(LOGITS_HEADING));
  draw_bars (cr, ctx, &d, (UthChartRect) { m + 16 * s, y, half - 32 * s, top + height - m - top - bottom_h - 16 * s - y - 90 * s }, FALSE);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING,
                      "p<sub>i</sub> = e<sup>(z<sub>i</sub> − z<sub>max</sub>)/T</sup> / Σ<sub>j</sub> e<sup>(z<sub>j</sub> − z<sub>max</sub>)/T</sup>",
                      m + 16 * s, height - m - bottom_h - 16 * s - 76 * s, half - 32 * s);
  for (guint i = 0; i < d.vocab; i++)
    others += d.probs[i];
  for (guint k2 = 0; k2 < d.shown; k2++)
    others -= d.probs[d.order[k2]];
  {
    g_autofree char *o = uth_format_percent (MAX (others, 0));
    g_autofree char *kept = g_strdup_printf (ngettext ("%u token keeps a chance", "%u tokens keep a chance", d.kept),
                                             d.kept);

    /* Translators: the first %s is "1 token keeps a chance" or "5 tokens keep a chance" */
    right = g_strdup_printf (_("Probabilities after T and the cut-offs; outline: T = 1, no cut-off. %s; the %u not shown hold %s."),
                             kept, d.vocab - d.shown, o);
  }
  /* Presentation build 2: the probabilities. */
  if (uth_figure_shows_build (ctx, 2))
    {
  y = uth_draw_panel (cr, ctx, m + half + 16 * s, top, half, height - m - top - bottom_h - 16 * s,
                      _(PROBS_HEADING));
  draw_bars (cr, ctx, &d, (UthChartRect) { m + half + 32 * s, y, half - 32 * s, top + height - m - top - bottom_h - 16 * s - y - 90 * s }, TRUE);
  uth_draw_note (cr, ctx, right, m + half + 32 * s, height - m - bottom_h - 16 * s - 76 * s, half - 48 * s);
  draw_overflow (cr, ctx, &d, (UthChartRect) { m, height - m - bottom_h, width - 2 * m, bottom_h });
    }
}

void
uth_draw_softmax (cairo_t                *cr,
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
