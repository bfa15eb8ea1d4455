/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-render"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "core/uth-speculative.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-speculative.h"


#define MAX_GAMMA_PLOT 12
/* Of the height below the title: the passes and the cards; the charts get the rest. */
#define MC_PASSES 10000
#define MC_PASSES_PER_GAMMA 2000

static const double alphas[] = { 0.5, 0.6, 0.7, 0.8, 0.9 };

typedef enum
{
  TOKEN_DRAFTED,      /* proposed, not yet verified */
  TOKEN_ACCEPTED,
  TOKEN_REJECTED,
  TOKEN_DISCARDED,
  TOKEN_CORRECTED,
  TOKEN_BONUS,
} TokenKind;


gboolean
uth_speculative_can_draft (const UthModelEntry *draft,
                           const UthModelEntry *target)
{
  double a, b;

  if (draft == NULL || target == NULL || g_strcmp0 (draft->family, target->family) != 0)
    return FALSE;
  /* Vocabularies padded to different sizes (Qwen 2.5: 151936 and 152064) hold the same
   * tokenizer; beyond 1% they are different ones. */
  a = draft->spec.vocab;
  b = target->spec.vocab;
  return fabs (a - b) <= 0.01 * MAX (a, b);
}

const UthModelEntry *
uth_speculative_view_default_draft (const UthFigureContext *ctx)
{
  const UthAnalysis *catalog = ctx->analysis;
  const UthModelEntry *best = NULL, *smallest = NULL;
  guint i, n;
  uint64_t target = ctx->input.model != NULL ? uth_model_params (ctx->input.model) : 0;

  n = catalog != NULL ? catalog->n_models : 0;
  for (i = 0; i < n; i++)
    {
      const UthModelEntry *e = catalog->models[i];
      uint64_t p = uth_model_params (&e->spec);

      if (smallest == NULL || p < uth_model_params (&smallest->spec))
        smallest = e;
      if (ctx->model != NULL && uth_speculative_can_draft (e, ctx->model) && p < target &&
          (best == NULL || p < uth_model_params (&best->spec)))
        best = e;
    }
  return best != NULL ? best : smallest;
}

void
uth_speculative_view_init (UthSpeculativeView     *view,
                           const UthFigureContext *ctx)
{
  memset (view, 0, sizeof *view);
  view->draft = uth_speculative_view_default_draft (ctx);
  view->alpha = 0.8;
  view->gamma = 4;
  view->seed = 1;
  view->passes = UTH_SPECULATIVE_SHOWN_PASSES;
}

static char *
format_times (double v)
{
  return g_strdup_printf ("%.3g×", v);
}

static char *
format_int (double v)
{
  return g_strdup_printf ("%.0f", v);
}

/* Colour-blind-safe pair (Okabe-Ito blue and vermillion), and a shape for each kind, so
 * colour is never the only cue. */
static void
draw_token (cairo_t                *cr,
            const UthFigureContext *ctx,
            TokenKind               kind,
            double                  x,
            double                  y,
            double                  size)
{
  double s = uth_draw_scale (ctx);
  double dash[] = { 5 * s, 4 * s };
  const char *glyph = NULL;
  UthRgba fill, ink;

  uth_draw_rounded_rect (cr, x, y, size, size, 6 * s);
  switch (kind)
    {
    case TOKEN_ACCEPTED:
      uth_draw_categorical (ctx, 0, &fill);
      glyph = "✓";
      break;
    case TOKEN_REJECTED:
      uth_draw_categorical (ctx, 5, &fill);
      glyph = "✗";
      break;
    case TOKEN_BONUS:
      uth_draw_categorical (ctx, 2, &fill);
      glyph = "★";
      break;
    case TOKEN_CORRECTED:
      uth_draw_color (ctx, UTH_COLOR_FOREGROUND, &fill);
      glyph = "T";
      break;
    case TOKEN_DRAFTED:
      cairo_save (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
      cairo_set_line_width (cr, 3 * s);
      cairo_stroke (cr);
      cairo_restore (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
      uth_draw_text (cr, ctx, UTH_FONT_HEADING, "?", x + size / 2, y + size / 2,
                     UTH_ANCHOR_CENTER, 0, NULL);
      return;
    case TOKEN_DISCARDED:
    default:
      cairo_save (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      cairo_set_line_width (cr, 2 * s);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_stroke (cr);
      cairo_restore (cr);
      return;
    }
  uth_draw_set_rgba (cr, &fill, 1.0);
  cairo_fill (cr);
  uth_draw_contrast_text (&fill, &ink);
  uth_draw_set_rgba (cr, &ink, 1.0);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, glyph, x + size / 2, y + size / 2,
                 UTH_ANCHOR_CENTER, 0, NULL);
}

#define PASS_GAP 6.0
#define PASS_LABEL_W 84.0
#define PASS_MIN_ROW 40.0       /* a pass's row at least (its tokens and "+N tokens") */
#define PASS_KEY_TOKEN 22.0
#define PASS_KEY_GAP 18.0
#define PASS_KEY_ROW_GAP 8.0

/* The passes' key: the six kinds of token, wrapping at the width. Draws only when draw is
 * TRUE; returns its height. */
static double
passes_key (cairo_t                *cr,
            const UthFigureContext *ctx,
            double                  x,
            double                  y,
            double                  w,
            gboolean                draw)
{
  double s = uth_draw_scale (ctx), lx = x, ly = y, ls = PASS_KEY_TOKEN * s;
  const char *labels[6] = { _("drafted, not yet checked"), _("accepted draft token"), _("rejected"),
                            _("discarded after a rejection"), _("the target’s own token"),
                            _("bonus: all accepted") };
  TokenKind kinds[6] = { TOKEN_DRAFTED, TOKEN_ACCEPTED, TOKEN_REJECTED, TOKEN_DISCARDED,
                         TOKEN_CORRECTED, TOKEN_BONUS };
  double row = MAX (ls, uth_draw_font_px (ctx, UTH_FONT_TICK) * 1.3);

  for (guint i = 0; i < 6; i++)
    {
      double tw;

      uth_draw_text_size (cr, ctx, UTH_FONT_TICK, labels[i], &tw, NULL);
      if (lx > x && lx + ls + 6 * s + tw > x + w)
        {
          lx = x;
          ly += row + PASS_KEY_ROW_GAP * s;
        }
      if (draw)
        {
          draw_token (cr, ctx, kinds[i], lx, ly + (row - ls) / 2, ls);
          uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
          uth_draw_text (cr, ctx, UTH_FONT_TICK, labels[i], lx + ls + 6 * s, ly + row / 2,
                         UTH_ANCHOR_W, 0, NULL);
        }
      lx += ls + 6 * s + tw + PASS_KEY_GAP * s;
    }
  return ly + row - y;
}

static char *
passes_heading (const UthSpeculativeView *view)
{
  return g_markup_printf_escaped (ngettext ("Draft %u token, verify it in one target pass (%u passes, seed %llu)",
                                            "Draft %u tokens, verify them in one target pass (%u passes, seed %llu)",
                                            view->gamma),
                                  view->gamma, UTH_SPECULATIVE_SHOWN_PASSES, (unsigned long long) view->seed);
}

/* The least height of the passes at a width: heading, a readable row per pass, the key. */
static double
passes_min_height (cairo_t                  *cr,
                   const UthFigureContext   *ctx,
                   const UthSpeculativeView *view,
                   double                    w)
{
  double s = uth_draw_scale (ctx);
  g_autofree char *heading = passes_heading (view);

  return uth_draw_paragraph_height (cr, ctx, UTH_FONT_HEADING, heading, w) + 10 * s
         + UTH_SPECULATIVE_SHOWN_PASSES * PASS_MIN_ROW * s
         + 10 * s + passes_key (cr, ctx, 0, 0, w, FALSE);
}

/* Draws the passes' heading and gives the rows below it: where they start, their height
 * and the token size. Shared by the drawing and the hit test. */
static void
passes_frame (cairo_t                  *cr,
              const UthFigureContext   *ctx,
              const UthSpeculativeView *view,
              double                    x,
              double                   *y,
              double                    w,
              double                   *h,
              double                   *row_h,
              double                   *size)
{
  double s = uth_draw_scale (ctx), hh;
  g_autofree char *heading = passes_heading (view);
  double gain_w;

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  hh = uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, heading, x, *y, w);
  *y += hh + 10 * s;
  *h -= hh + 10 * s + 10 * s + passes_key (cr, ctx, x, 0, w, FALSE);
  *row_h = *h / UTH_SPECULATIVE_SHOWN_PASSES;
  /* Room for the label column, the tokens and "+N tokens" after them. */
  {
    g_autofree char *gain = g_strdup_printf (ngettext ("+%u token", "+%u tokens", view->gamma + 1), view->gamma + 1);

    uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, gain, &gain_w, NULL);
  }
  *size = MIN (*row_h - 8 * s, (w - PASS_LABEL_W * s - gain_w - 6 * PASS_GAP * s) / (view->gamma + 1) - PASS_GAP * s);
  *size = MAX (*size, 6 * s);
}

static void
draw_passes (cairo_t                  *cr,
             const UthFigureContext   *ctx,
             const UthSpeculativeView *view,
             double                    x,
             double                    y,
             double                    w,
             double                    h)
{
  double s = uth_draw_scale (ctx);
  double row_h, size, gap = PASS_GAP * s, label_w = PASS_LABEL_W * s;
  UthRng rng;
  guint p, i, total = 0;

  passes_frame (cr, ctx, view, x, &y, w, &h, &row_h, &size);

  uth_rng_init (&rng, view->seed);
  for (p = 0; p < UTH_SPECULATIVE_SHOWN_PASSES; p++)
    {
      uint32_t k = uth_speculative_draw_pass (&rng, view->alpha, view->gamma);
      double ry = y + p * row_h + (row_h - size) / 2;
      g_autofree char *label = g_strdup_printf (_("Pass %u"), p + 1);
      g_autofree char *gain = NULL;

      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, label, x, ry + size / 2, UTH_ANCHOR_W, label_w, NULL);
      if (p == view->passes && view->drafting > 0)
        {
          /* The draft proposing, one token per draft step, before the target checks. */
          for (i = 0; i < MIN (view->drafting, view->gamma); i++)
            draw_token (cr, ctx, TOKEN_DRAFTED, x + label_w + i * (size + gap), ry, size);
          uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
          uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("drafting…"),
                         x + label_w + (view->gamma + 1) * (size + gap) + 4 * gap, ry + size / 2,
                         UTH_ANCHOR_W, 0, NULL);
        }
      if (p >= view->passes)
        continue;
      for (i = 0; i < view->gamma; i++)
        draw_token (cr, ctx, i < k ? TOKEN_ACCEPTED : i == k ? TOKEN_REJECTED : TOKEN_DISCARDED,
                    x + label_w + i * (size + gap), ry, size);
      /* The target's pass always yields one token of its own: the correction at the first
       * rejection, or a bonus after the last draft when all were accepted. */
      draw_token (cr, ctx, k == view->gamma ? TOKEN_BONUS : TOKEN_CORRECTED,
                  x + label_w + view->gamma * (size + gap) + 2 * gap, ry, size);
      total += k + 1;
      gain = g_strdup_printf (ngettext ("+%u token", "+%u tokens", k + 1), k + 1);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, gain,
                     x + label_w + (view->gamma + 1) * (size + gap) + 4 * gap, ry + size / 2,
                     UTH_ANCHOR_W, 0, NULL);
    }

  passes_key (cr, ctx, x, y + h + 10 * s, w, TRUE);
  (void) total;
}

/* A card whose detail wraps over several lines instead of being cut. */
static void
draw_card_wrapped (cairo_t                *cr,
                   const UthFigureContext *ctx,
                   double                  x,
                   double                  y,
                   double                  w,
                   double                  h,
                   const char             *label,
                   const char             *value,
                   const char             *detail)
{
  double s = uth_draw_scale (ctx);
  double lh, vh, top, room;
  PangoLayout *layout;

  uth_draw_card (cr, ctx, x, y, w, h, label, value, NULL);
  uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, label, NULL, &lh);
  uth_draw_text_size (cr, ctx, UTH_FONT_VALUE, value, NULL, &vh);
  top = y + 12 * s + lh + vh + 6 * s;
  room = y + h - 8 * s - top;
  if (room < uth_draw_font_px (ctx, UTH_FONT_TICK))
    return;
  /* As many lines as the card holds, the last one ellipsized: the detail never runs out of
   * its card into the next one (the formula button in the panel has it in full). */
  layout = uth_draw_layout (cr, ctx, UTH_FONT_TICK, detail);
  pango_layout_set_width (layout, (int) ((w - 24 * s) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height (layout, (int) (room * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  cairo_move_to (cr, x + 12 * s, top);
  uth_draw_show_layout (cr, layout);
  g_object_unref (layout);
}

#define N_CARDS 4
#define CARD_GAP 12.0
#define CARD_PAD 12.0

static const char *const card_labels[N_CARDS] = {
  N_("Tokens per target pass"), N_("Speedup, paper formula"), N_("Speedup, every pass timed"),
  N_("Best draft length"),
};

/* The four cards' labels, values and details (with the numbers substituted), shared by the
 * drawing and the hover, which gives a detail in full when the card is too small for it. */
static void
card_texts (const UthFigureContext     *ctx,
            const UthSpeculativeView   *view,
            const UthModel             *draft,
            const UthSpeculativeTiming *t,
            gboolean                    timed,
            const char                 *labels[N_CARDS],
            char                       *values[N_CARDS],
            char                       *details[N_CARDS])
{
  double c = timed ? t->c : 0.0;
  UthSpeculativeMonteCarlo mc;
  g_autofree char *mc_passes = g_strdup_printf ("%d", MC_PASSES);
  uint32_t best = uth_speculative_best_gamma (view->alpha, c, 16), best_timed = 0;
  UthSpeculativeTiming bt;

  for (guint i = 0; i < N_CARDS; i++)
    labels[i] = _(card_labels[i]);
  memset (&mc, 0, sizeof mc);
  uth_speculative_monte_carlo (view->alpha, view->gamma, c, MC_PASSES, view->seed, &mc);
  values[0] = g_strdup_printf ("%.2f", uth_speculative_expected_tokens (view->alpha, view->gamma));
  if (view->alpha < 1.0)
    details[0] = g_strdup_printf (_("E = (1 − α^(γ+1)) ÷ (1 − α) = (1 − %.2f^%u) ÷ %.2f. A seeded Monte-Carlo run of %s passes gives %.3f."),
                                  view->alpha, view->gamma + 1, 1.0 - view->alpha, mc_passes, mc.tokens_per_pass);
  else
    details[0] = g_strdup_printf (_("E = γ + 1 = %u at α = 1: every draft and the bonus are kept. Monte-Carlo (%s passes): %.3f."),
                                  view->gamma + 1, mc_passes, mc.tokens_per_pass);
  values[1] = g_strdup_printf ("%.2f×", uth_speculative_speedup (view->alpha, view->gamma, c));
  details[1] = g_strdup_printf (_("E ÷ (γc + 1) = %.2f ÷ (%u × %.3f + 1), as if verifying γ + 1 tokens cost one target step. Monte-Carlo: %.2f×."),
                                uth_speculative_expected_tokens (view->alpha, view->gamma), view->gamma, c,
                                mc.speedup);
  if (timed)
    {
      g_autofree char *ts = uth_format_seconds (t->target_step_s);
      g_autofree char *ds = uth_format_seconds (t->draft_step_s);
      g_autofree char *vs = uth_format_seconds (t->verify_step_s);

      values[2] = g_strdup_printf ("%.2f×", t->speedup_timed);
      details[2] = g_strdup_printf (_("E × target step ÷ (γ × draft step + verify step) = %.2f × %s ÷ (%u × %s + %s): verifying %u tokens costs %.2f target steps here."),
                                    t->expected_tokens, ts, view->gamma, ds, vs, view->gamma + 1,
                                    t->verify_ratio);
    }
  else
    {
      values[2] = g_strdup ("–");
      details[2] = g_strdup (_("The estimator refused the scenario."));
    }
  values[3] = g_strdup_printf (_("γ = %u: %.2f×"), best, uth_speculative_speedup (view->alpha, best, c));
  if (timed && draft != NULL &&
      uth_speculative_best_gamma_timed (&ctx->input, draft, view->alpha, 16, &best_timed, &bt) ==
      UTH_SPECULATIVE_OK)
    details[3] = g_strdup_printf (_("By the paper formula, γ from 1 to 16. With every pass timed: γ = %u, %.2f×. More drafts add tokens, but each costs a draft step."),
                                  best_timed, bt.speedup_timed);
  else
    details[3] = g_strdup (_("By the paper formula, γ from 1 to 16: more drafts add tokens, but each costs a draft step."));
}

static void
card_rect (double  x,
           double  y,
           double  w,
           double  h,
           double  s,
           guint   cols,
           guint   i,
           double *cx,
           double *cy,
           double *cw,
           double *ch)
{
  double gap = CARD_GAP * s;
  guint rows = N_CARDS / cols;

  *cw = (w - (cols - 1) * gap) / cols;
  *ch = (h - (rows - 1) * gap) / rows;
  *cx = x + (i % cols) * (*cw + gap);
  *cy = y + (i / cols) * (*ch + gap);
}

/* Two cards a row where every label fits whole in half the width, else one. */
static guint
card_columns (const UthFigureContext *ctx,
              double                  w)
{
  double s = uth_draw_scale (ctx), widest = 0;
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);

  for (guint i = 0; i < N_CARDS; i++)
    {
      double tw;

      uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, _(card_labels[i]), &tw, NULL);
      widest = MAX (widest, tw);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
  return widest + 2 * CARD_PAD * s <= (w - CARD_GAP * s) / 2 ? 2 : 1;
}

/* The height the four cards need for their details in full at this width. */
static double
cards_height (cairo_t                *cr,
              const UthFigureContext *ctx,
              const char *const      *labels,
              char *const            *values,
              char *const            *details,
              double                  w)
{
  guint cols = card_columns (ctx, w);
  double s = uth_draw_scale (ctx), gap = CARD_GAP * s, cw = (w - (cols - 1) * gap) / cols, most = 0;

  for (guint i = 0; i < N_CARDS; i++)
    {
      double lh, vh, dh;
      /* (The layout cache's wrapped paragraph: measured once, not on every hit test.) */
      g_autofree char *detail = g_markup_escape_text (details[i], -1);

      uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, labels[i], NULL, &lh);
      uth_draw_text_size (cr, ctx, UTH_FONT_VALUE, values[i], NULL, &vh);
      dh = uth_draw_paragraph_height (cr, ctx, UTH_FONT_TICK, detail, cw - 24 * s);
      /* As draw_card_wrapped lays it out, with a pixel to spare for rounding. */
      most = MAX (most, 12 * s + lh + vh + 6 * s + dh + 8 * s + 1);
    }
  return (N_CARDS / cols) * (most + gap) - gap;
}

static void
draw_cards (cairo_t                *cr,
            const UthFigureContext *ctx,
            const char *const      *labels,
            char *const            *values,
            char *const            *details,
            double                  x,
            double                  y,
            double                  w,
            double                  h)
{
  double s = uth_draw_scale (ctx);
  guint i, cols = card_columns (ctx, w);

  for (i = 0; i < N_CARDS; i++)
    {
      double cx, cy, cw, ch;

      card_rect (x, y, w, h, s, cols, i, &cx, &cy, &cw, &ch);
      draw_card_wrapped (cr, ctx, cx, cy, cw, ch, labels[i], values[i], details[i]);
    }
}

static void
draw_one_line (cairo_t       *cr,
               const UthPlot *plot,
               const double  *xs,
               const double  *ys,
               guint          n)
{
  guint i;

  for (i = 0; i < n; i++)
    {
      double py = uth_plot_y (plot, CLAMP (ys[i], plot->y.min, plot->y.max));

      if (i == 0)
        cairo_move_to (cr, uth_plot_x (plot, xs[i]), py);
      else
        cairo_line_to (cr, uth_plot_x (plot, xs[i]), py);
    }
  cairo_stroke (cr);
}

static void
draw_break_even (cairo_t                *cr,
                 const UthFigureContext *ctx,
                 const UthPlot          *plot)
{
  double s = uth_draw_scale (ctx);
  double dash[] = { 8 * s, 6 * s };
  double py = uth_plot_y (plot, 1.0);

  cairo_save (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cairo_set_line_width (cr, 1.5 * s);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, plot->left, py);
  cairo_line_to (cr, plot->left + plot->width, py);
  cairo_stroke (cr);
  cairo_restore (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, _("1× = no gain"), plot->left + 6 * s, py + 4 * s,
                 UTH_ANCHOR_NW, 0, NULL);
}

/* Draws the heading of the speedup-against-γ chart and sets up its plot area. */
static void
gamma_plot_frame (cairo_t                  *cr,
                  const UthFigureContext   *ctx,
                  const UthSpeculativeView *view,
                  double                    c,
                  double                    x,
                  double                    y,
                  double                    w,
                  double                    h,
                  UthPlot                  *plot)
{
  double s = uth_draw_scale (ctx);
  double top = 1.0;
  g_autofree char *heading = NULL;
  UthChartScale xsc, ysc;
  UthChartRect ext;
  guint a, g;

  heading = g_markup_printf_escaped (_("Speedup against draft length γ (paper formula, c = %.3f)"), c);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  ext.h = uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, heading, x, y, w);
  y += ext.h + 6 * s;
  h -= ext.h + 6 * s;
  {
    /* The seeded Monte-Carlo run beside the formula: its key on a line of its own. */
    g_autofree char *note = g_markup_printf_escaped (_("○ Monte-Carlo for α = %.2f, %d passes per γ"),
                                                     view->alpha, MC_PASSES_PER_GAMMA);

    uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
    ext.h = uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, note, x, y, w);
    y += ext.h + 6 * s;
    h -= ext.h + 6 * s;
  }
  for (a = 0; a < G_N_ELEMENTS (alphas); a++)
    for (g = 1; g <= MAX_GAMMA_PLOT; g++)
      top = MAX (top, uth_speculative_speedup (alphas[a], g, c));
  top = MAX (top, uth_speculative_speedup (view->alpha, view->gamma, c));
  xsc = (UthChartScale) { 1, MAX_GAMMA_PLOT, false };
  ysc = uth_chart_scale_nice (0, top * 1.08, false);
  uth_plot_init (plot, ctx, x, y, w - 70 * s, h, &xsc, &ysc);
}

static void
draw_gamma_plot (cairo_t                  *cr,
                 const UthFigureContext   *ctx,
                 const UthSpeculativeView *view,
                 double                    c,
                 double                    x,
                 double                    y,
                 double                    w,
                 double                    h)
{
  double s = uth_draw_scale (ctx);
  double xs[MAX_GAMMA_PLOT], ys[MAX_GAMMA_PLOT];
  double wanted[G_N_ELEMENTS (alphas) + 1], placed[G_N_ELEMENTS (alphas) + 1];
  double label_alpha[G_N_ELEMENTS (alphas) + 1];
  UthRgba label_col[G_N_ELEMENTS (alphas) + 1];
  guint n_labels = 0;
  UthChartScale ysc;
  UthPlot plot;
  guint a, g;

  gamma_plot_frame (cr, ctx, view, c, x, y, w, h, &plot);
  ysc = plot.y;
  uth_draw_plot_axes (cr, ctx, &plot, _("Drafted tokens per pass, γ"), _("Speedup"),
                      format_int, format_times);
  draw_break_even (cr, ctx, &plot);

  for (a = 0; a <= G_N_ELEMENTS (alphas); a++)
    {
      /* The preset rates, then the reader's own α drawn on top. */
      double alpha = a < G_N_ELEMENTS (alphas) ? alphas[a] : view->alpha;
      UthRgba col;

      if (a < G_N_ELEMENTS (alphas) && fabs (alpha - view->alpha) < 1e-9)
        continue;
      for (g = 1; g <= MAX_GAMMA_PLOT; g++)
        {
          xs[g - 1] = g;
          ys[g - 1] = uth_speculative_speedup (alpha, g, c);
        }
      if (a < G_N_ELEMENTS (alphas))
        {
          uth_draw_categorical (ctx, a + 1, &col);
          cairo_set_line_width (cr, 2 * s);
        }
      else
        {
          uth_draw_color (ctx, UTH_COLOR_FOREGROUND, &col);
          cairo_set_line_width (cr, 4 * s);
        }
      uth_draw_set_rgba (cr, &col, 1.0);
      draw_one_line (cr, &plot, xs, ys, MAX_GAMMA_PLOT);
      wanted[n_labels] = uth_plot_y (&plot, CLAMP (ys[MAX_GAMMA_PLOT - 1], ysc.min, ysc.max));
      label_alpha[n_labels] = alpha;
      label_col[n_labels] = col;
      n_labels++;
    }
  /* The line ends' labels spread apart, so close curves (α 0.5 and 0.6) stay readable. */
  uth_chart_spread_labels (wanted, n_labels, uth_draw_font_px (ctx, UTH_FONT_LABEL) * 1.15,
                           plot.top + uth_draw_font_px (ctx, UTH_FONT_LABEL) * 0.6,
                           plot.top + plot.height, placed);
  for (a = 0; a < n_labels; a++)
    {
      g_autofree char *label = g_strdup_printf ("α = %.2f", label_alpha[a]);
      gboolean own = a == n_labels - 1;

      uth_draw_set_rgba (cr, &label_col[a], 1.0);
      uth_draw_text (cr, ctx, own ? UTH_FONT_LABEL : UTH_FONT_TICK, label,
                     plot.left + plot.width + 6 * s, placed[a], UTH_ANCHOR_W, 0, NULL);
    }

  /* The seeded Monte-Carlo run beside the formula, for the reader's α at every γ. */
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cairo_set_line_width (cr, 2 * s);
  for (g = 1; g <= MAX_GAMMA_PLOT; g++)
    {
      UthSpeculativeMonteCarlo mc;

      if (uth_speculative_monte_carlo (view->alpha, g, c, MC_PASSES_PER_GAMMA, view->seed + g, &mc) !=
          UTH_SPECULATIVE_OK)
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, uth_plot_x (&plot, g), uth_plot_y (&plot, CLAMP (mc.speedup, ysc.min, ysc.max)),
                 6 * s, 0, 2 * G_PI);
    }
  cairo_stroke (cr);
  if (view->gamma <= MAX_GAMMA_PLOT)
    {
      double px = uth_plot_x (&plot, view->gamma);
      double py = uth_plot_y (&plot, uth_speculative_speedup (view->alpha, view->gamma, c));

      uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
      cairo_new_path (cr);
      cairo_arc (cr, px, py, 8 * s, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

#define N_BATCHES 11

/* Draws the heading of the speedup-against-batch chart, sweeps batches 1, 2, 4 … 1024
 * (xs, ys, stops) and sets up the plot area. FALSE when the estimator cannot time the pair;
 * then only plot->top (below the heading) is set. */
static gboolean
batch_plot_frame (cairo_t                  *cr,
                  const UthFigureContext   *ctx,
                  const UthSpeculativeView *view,
                  const UthModel           *draft,
                  double                    x,
                  double                    y,
                  double                    w,
                  double                    h,
                  double                   *xs,
                  double                   *ys,
                  uint64_t                 *stops,
                  UthPlot                  *plot)
{
  double s = uth_draw_scale (ctx);
  uint64_t batches[N_BATCHES];
  double top = 1.5;
  UthChartScale xsc = { 1, 1024, true }, ysc;
  UthChartRect ext;
  g_autofree char *heading = NULL;
  guint i;

  heading = g_markup_printf_escaped (_("Speedup against batch size (every pass timed, α = %.2f, γ = %u)"),
                                     view->alpha, view->gamma);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  ext.h = uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, heading, x, y, w);
  y += ext.h + 6 * s;
  h -= ext.h + 6 * s;
  memset (plot, 0, sizeof *plot);
  plot->top = y;
  for (i = 0; i < N_BATCHES; i++)
    {
      batches[i] = (uint64_t) 1 << i;
      xs[i] = batches[i];
    }
  *stops = 0;
  if (draft == NULL ||
      uth_speculative_batch_sweep (&ctx->input, draft, view->alpha, view->gamma, batches, N_BATCHES,
                                   ys, stops) != UTH_SPECULATIVE_OK)
    return FALSE;
  for (i = 0; i < N_BATCHES; i++)
    top = MAX (top, ys[i]);
  ysc = uth_chart_scale_nice (0, top * 1.08, false);
  uth_plot_init (plot, ctx, x, y, w, h, &xsc, &ysc);
  return TRUE;
}

static void
draw_batch_plot (cairo_t                  *cr,
                 const UthFigureContext   *ctx,
                 const UthSpeculativeView *view,
                 const UthModel           *draft,
                 double                    x,
                 double                    y,
                 double                    w,
                 double                    h)
{
  double s = uth_draw_scale (ctx);
  double xs[N_BATCHES], ys[N_BATCHES];
  uint64_t stops = 0;
  UthChartScale ysc;
  UthPlot plot;
  g_autofree char *note = NULL;
  guint i;

  if (!batch_plot_frame (cr, ctx, view, draft, x, y, w, h, xs, ys, &stops, &plot))
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
      uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL,
                          _("The estimator cannot time this target and draft on this GPU."),
                          x, plot.top + 20 * s, w);
      return;
    }
  ysc = plot.y;

  /* Shade where speculation is slower than plain decoding. */
  uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
  cairo_save (cr);
  cairo_rectangle (cr, plot.left, uth_plot_y (&plot, 1.0), plot.width,
                   plot.top + plot.height - uth_plot_y (&plot, 1.0));
  cairo_clip (cr);
  cairo_paint_with_alpha (cr, 0.10);
  cairo_restore (cr);
  uth_draw_plot_axes (cr, ctx, &plot, _("Sequences in the batch"), _("Speedup"),
                      format_int, format_times);
  draw_break_even (cr, ctx, &plot);

  uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
  cairo_set_line_width (cr, 3.5 * s);
  draw_one_line (cr, &plot, xs, ys, N_BATCHES);
  for (i = 0; i < N_BATCHES; i++)
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, uth_plot_x (&plot, xs[i]), uth_plot_y (&plot, CLAMP (ys[i], ysc.min, ysc.max)),
                 4.5 * s, 0, 2 * G_PI);
    }
  cairo_fill (cr);

  /* The scenario's own batch on the curve. */
  if (ctx->input.batch >= 1 && ctx->input.batch <= 1024)
    {
      UthSpeculativeTiming here;

      if (uth_speculative_time (&ctx->input, draft, view->alpha, view->gamma, &here) ==
          UTH_SPECULATIVE_OK)
        {
          double px = uth_plot_x (&plot, ctx->input.batch);
          double py = uth_plot_y (&plot, CLAMP (here.speedup_timed, ysc.min, ysc.max));
          g_autofree char *label = g_strdup_printf (_("your batch %llu: %.2f×"),
                                                    (unsigned long long) ctx->input.batch,
                                                    here.speedup_timed);

          uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
          cairo_new_path (cr);
          cairo_arc (cr, px, py, 9 * s, 0, 2 * G_PI);
          cairo_set_line_width (cr, 2.5 * s);
          cairo_stroke (cr);
          uth_draw_text (cr, ctx, UTH_FONT_LABEL, label, px + 12 * s, py + 8 * s, UTH_ANCHOR_NW, 0, NULL);
        }
    }

  if (stops > 0)
    {
      double px = uth_plot_x (&plot, stops);

      uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
      cairo_set_line_width (cr, 2 * s);
      cairo_move_to (cr, px, plot.top);
      cairo_line_to (cr, px, plot.top + plot.height);
      cairo_stroke (cr);
      if (stops <= 1)
        {
          /* Slower from batch 1: the draft is too slow against its target (c near 1). */
          note = g_strdup (_("never pays here: drafting costs more than it saves"));
          uth_draw_text (cr, ctx, UTH_FONT_LABEL, note, px + 6 * s, plot.top + 4 * s, UTH_ANCHOR_NW,
                         plot.left + plot.width - px - 12 * s, NULL);
        }
      else
        {
          note = g_strdup_printf (_("stops paying at batch %llu: the verify pass is compute-bound"),
                                  (unsigned long long) stops);
          uth_draw_text (cr, ctx, UTH_FONT_LABEL, note, px - 6 * s, plot.top + 4 * s, UTH_ANCHOR_NE,
                         px - plot.left - 12 * s, NULL);
        }
    }
  else
    {
      note = g_strdup (_("still pays at batch 1024 here: reading the KV cache, which verifying does not repeat, dominates"));
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      /* Below the break-even line and its label: the curve stays above it here. */
      uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, note, plot.left + 8 * s,
                          uth_plot_y (&plot, 1.0) + 10 * s + uth_draw_font_px (ctx, UTH_FONT_TICK) * 1.4,
                          plot.width * 0.7);
    }
}

/* What both the drawing and the hit test need: the view (or its defaults), the draft and
 * the timing of one pass. */
static gboolean
resolve_view (const UthFigureContext    *ctx,
              UthSpeculativeView        *defaults,
              const UthSpeculativeView **view,
              const UthModel           **draft,
              UthSpeculativeTiming      *t)
{
  *view = ctx->page_data;
  if (*view == NULL)
    {
      uth_speculative_view_init (defaults, ctx);
      *view = defaults;
    }
  *draft = (*view)->draft != NULL ? &(*view)->draft->spec : NULL;
  if (*draft == NULL)
    {
      const UthModelEntry *e = uth_speculative_view_default_draft (ctx);

      *draft = e != NULL ? &e->spec : NULL;
    }
  memset (t, 0, sizeof *t);
  return *draft != NULL &&
         uth_speculative_time (&ctx->input, *draft, (*view)->alpha, MAX ((*view)->gamma, 1), t) ==
         UTH_SPECULATIVE_OK;
}

static char *
speculative_subtitle (const UthFigureContext   *ctx,
                      const UthSpeculativeView *view,
                      const UthSpeculativeTiming *t)
{
  char *subtitle = g_strdup_printf (_("%s drafts for %s on %u × %s · acceptance rate α = %.2f · draft step ÷ target step c = %.3f (estimator) · Leviathan et al. 2023"),
                                    view->draft != NULL ? view->draft->name : "?",
                                    ctx->model != NULL ? ctx->model->name : "?", ctx->input.gpus,
                                    ctx->gpu != NULL ? ctx->gpu->name : "?", view->alpha, t->c);

  if (view->draft != NULL && ctx->model != NULL && !uth_speculative_can_draft (view->draft, ctx->model))
    {
      /* Translators: appended to the subtitle when the draft cannot really draft. */
      char *warned = g_strdup_printf (_("%s · the draft does not share the target’s tokenizer, so a real system could not use it"),
                                      subtitle);

      g_free (subtitle);
      subtitle = warned;
    }
  if (ctx->estimate != NULL && !ctx->estimate->fits)
    {
      g_autofree char *need = uth_format_bytes (ctx->estimate->total_memory_bytes);
      g_autofree char *have = uth_format_bytes (ctx->estimate->gpu_memory_bytes);
      /* Translators: appended to the subtitle when the target does not fit the GPUs. */
      char *warned = g_strdup_printf (_("%s · the target needs %s but the GPUs hold %s: the times below assume it fitted"),
                                      subtitle, need, have);

      g_free (subtitle);
      subtitle = warned;
    }
  return subtitle;
}

/* The page reflows rather than shrinks (sizes at scale 1): from SPEC_WIDE_WIDTH the passes
 * sit beside the cards and the two plots side by side; narrower, each takes the full
 * width, one below the other, and the figure asks for the height (it scrolls). */
#define SPEC_WIDE_WIDTH 1100.0
#define SPEC_MIN_WIDTH 760.0
#define SPEC_PASSES_SHARE 0.56    /* of the width, in the wide layout */
#define SPEC_PLOT_MIN_HEIGHT 320.0
#define SPEC_COLUMN_GAP 16.0
#define SPEC_SECTION_GAP 24.0

typedef struct
{
  UthChartRect passes, cards, gamma, batch;
  double       needed;
} SpecLayout;

typedef struct
{
  const UthFigureContext     *ctx;
  const UthSpeculativeView   *view;
  const UthModel             *draft;
  const UthSpeculativeTiming *t;
  gboolean                    timed;
  /* The cards' texts, made once per drawing (a detail runs a Monte-Carlo). */
  const char                 *labels[N_CARDS];
  char                       *values[N_CARDS];
  char                       *details[N_CARDS];
} SpecInput;

static void
spec_input_init (SpecInput                  *in,
                 const UthFigureContext     *ctx,
                 UthSpeculativeView         *defaults,
                 UthSpeculativeTiming       *t)
{
  memset (in, 0, sizeof *in);
  in->ctx = ctx;
  in->t = t;
  in->timed = resolve_view (ctx, defaults, &in->view, &in->draft, t);
  card_texts (ctx, in->view, in->draft, t, in->timed, in->labels, in->values, in->details);
}

static void
spec_input_clear (SpecInput *in)
{
  for (guint i = 0; i < N_CARDS; i++)
    {
      g_free (in->values[i]);
      g_free (in->details[i]);
    }
}

static void
spec_layout (cairo_t         *cr,
             const SpecInput *in,
             double           width,
             double           height,
             SpecLayout      *L)
{
  const UthFigureContext *ctx = in->ctx;
  double s = uth_draw_scale (ctx), m = uth_draw_margin (ctx), inner = width - 2 * m;
  double gap = SPEC_SECTION_GAP * s, plot_min = SPEC_PLOT_MIN_HEIGHT * s, top, spare;
  g_autofree char *subtitle = speculative_subtitle (ctx, in->view, in->t);

  top = m + uth_draw_title_height (cr, ctx, _("Speculative decoding: a draft proposes, the target verifies"),
                                   subtitle, inner);
  if (width >= SPEC_WIDE_WIDTH * s - 0.5)
    {
      double pw = width * SPEC_PASSES_SHARE - m, cx = width * SPEC_PASSES_SHARE + 8 * s, cw = width - m - cx;
      double top_h = MAX (passes_min_height (cr, ctx, in->view, pw),
                          cards_height (cr, ctx, in->labels, in->values, in->details, cw));
      double half = width * 0.5 - m - SPEC_COLUMN_GAP * s, by;

      L->needed = top + top_h + gap + plot_min + m;
      spare = MAX (0, height - L->needed);
      top_h += spare * 0.47;
      L->passes = (UthChartRect) { m, top, pw, top_h };
      L->cards = (UthChartRect) { cx, top, cw, top_h };
      by = top + top_h + gap;
      L->gamma = (UthChartRect) { m, by, half, plot_min + spare * 0.53 };
      L->batch = (UthChartRect) { width * 0.5 + SPEC_COLUMN_GAP * s, by, half, plot_min + spare * 0.53 };
    }
  else
    {
      double ph = passes_min_height (cr, ctx, in->view, inner);
      double ch = cards_height (cr, ctx, in->labels, in->values, in->details, inner);

      L->needed = top + ph + gap + ch + gap + plot_min + gap + plot_min + m;
      spare = MAX (0, height - L->needed);
      L->passes = (UthChartRect) { m, top, inner, ph + spare * 0.3 };
      L->cards = (UthChartRect) { m, L->passes.y + L->passes.h + gap, inner, ch };
      L->gamma = (UthChartRect) { m, L->cards.y + ch + gap, inner, plot_min + spare * 0.35 };
      L->batch = (UthChartRect) { m, L->gamma.y + L->gamma.h + gap, inner, plot_min + spare * 0.35 };
    }
}

static double
min_height_at (double   width,
               double   s,
               gpointer user_data)
{
  const SpecInput *given = user_data;
  UthFigureContext local = *given->ctx;
  SpecInput in = *given;
  cairo_t *cr = uth_draw_scratch ();
  SpecLayout L;

  local.scale = s;
  in.ctx = &local;
  spec_layout (cr, &in, width, 0, &L);
  cairo_destroy (cr);
  return L.needed;
}

double
uth_speculative_page_height (double                  width,
                             const UthFigureContext *ctx)
{
  UthSpeculativeView defaults;
  UthSpeculativeTiming t;
  SpecInput in;
  UthReflowPage reflow = { SPEC_MIN_WIDTH, SPEC_WIDE_WIDTH, min_height_at, &in };
  double h;

  spec_input_init (&in, ctx, &defaults, &t);
  h = uth_reflow_page_height (&reflow, width, ctx);
  spec_input_clear (&in);
  return h;
}

void
uth_draw_speculative (cairo_t                *cr,
                      double                  width,
                      double                  height,
                      const UthFigureContext *ctx)
{
  double m = uth_draw_margin (ctx);
  UthSpeculativeView defaults;
  UthSpeculativeTiming t;
  SpecInput in;
  UthReflowPage reflow = { SPEC_MIN_WIDTH, SPEC_WIDE_WIDTH, min_height_at, &in };
  g_autofree char *subtitle = NULL;
  double fit, vw, vh;
  SpecLayout L;

  spec_input_init (&in, ctx, &defaults, &t);
  uth_draw_background (cr, width, height, ctx);
  fit = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);
  cairo_save (cr);
  cairo_scale (cr, fit, fit);
  subtitle = speculative_subtitle (ctx, in.view, &t);
  uth_draw_title (cr, ctx, _("Speculative decoding: a draft proposes, the target verifies"),
                  subtitle, m, m, vw - 2 * m);
  spec_layout (cr, &in, vw, vh, &L);
  draw_passes (cr, ctx, in.view, L.passes.x, L.passes.y, L.passes.w, L.passes.h);
  draw_cards (cr, ctx, in.labels, in.values, in.details, L.cards.x, L.cards.y, L.cards.w, L.cards.h);
  /* Presentation builds: 1 the passes, 2 draft length, 3 batch. */
  if (uth_figure_shows_build (ctx, 2))
    draw_gamma_plot (cr, ctx, in.view, in.timed ? t.c : 0.0, L.gamma.x, L.gamma.y, L.gamma.w, L.gamma.h);
  if (uth_figure_shows_build (ctx, 3))
    draw_batch_plot (cr, ctx, in.view, in.draft, L.batch.x, L.batch.y, L.batch.w, L.batch.h);
  cairo_restore (cr);
  spec_input_clear (&in);
}

static gboolean
inside_plot (const UthPlot *plot,
             double         x,
             double         y,
             double         slack)
{
  return x >= plot->left - slack && x <= plot->left + plot->width + slack &&
         y >= plot->top && y <= plot->top + plot->height;
}

/* The pass row under the pointer: how many drafts the target kept and what it added. */
static gboolean
hit_passes (cairo_t                  *cr,
            const UthFigureContext   *ctx,
            const UthSpeculativeView *view,
            double                    x0,
            double                    y0,
            double                    w,
            double                    h,
            double                    x,
            double                    y,
            UthFigureHit             *hit)
{
  double row_h, size;
  UthRng rng;
  guint p, row;
  uint32_t k = 0;

  passes_frame (cr, ctx, view, x0, &y0, w, &h, &row_h, &size);
  if (x < x0 || x > x0 + w || y < y0 || y >= y0 + h || row_h <= 0)
    return FALSE;
  row = (guint) ((y - y0) / row_h);
  if (row >= UTH_SPECULATIVE_SHOWN_PASSES || row >= view->passes)
    return FALSE;
  uth_rng_init (&rng, view->seed);
  for (p = 0; p <= row; p++)
    k = uth_speculative_draw_pass (&rng, view->alpha, view->gamma);
  hit->index = (int) row;
  if (k == view->gamma)
    hit->tooltip = g_markup_printf_escaped (_("<b>Pass %u</b>\nall %u drafted tokens accepted, plus the target’s bonus token: %u tokens for one target pass"),
                                            row + 1, view->gamma, k + 1);
  else
    hit->tooltip = g_markup_printf_escaped (_("<b>Pass %u</b>\n%u of %u drafted tokens accepted, draft %u rejected and the rest discarded; the target adds its own token: %u tokens for one target pass"),
                                            row + 1, k, view->gamma, k + 1, k + 1);
  return TRUE;
}

/* A card under the pointer: its formula in full, whatever the card had room for. */
static gboolean
hit_cards (const UthFigureContext     *ctx,
           const UthSpeculativeView   *view,
           const UthModel             *draft,
           const UthSpeculativeTiming *t,
           gboolean                    timed,
           double                      x0,
           double                      y0,
           double                      w,
           double                      h,
           double                      x,
           double                      y,
           UthFigureHit               *hit)
{
  double s = uth_draw_scale (ctx);
  const char *labels[N_CARDS];
  char *values[N_CARDS], *details[N_CARDS];
  int found = -1;
  guint i;

  for (i = 0; i < N_CARDS; i++)
    {
      double cx, cy, cw, ch;

      card_rect (x0, y0, w, h, s, card_columns (ctx, w), i, &cx, &cy, &cw, &ch);
      if (x >= cx && x <= cx + cw && y >= cy && y <= cy + ch)
        found = (int) i;
    }
  if (found < 0)
    return FALSE;
  card_texts (ctx, view, draft, t, timed, labels, values, details);
  hit->index = 300 + found;
  hit->tooltip = g_markup_printf_escaped ("<b>%s: %s</b>\n%s", labels[found], values[found], details[found]);
  for (i = 0; i < N_CARDS; i++)
    {
      g_free (values[i]);
      g_free (details[i]);
    }
  return TRUE;
}

/* The draft length under the pointer: the speedup for the reader's α and every preset α. */
static gboolean
hit_gamma (cairo_t                  *cr,
           const UthFigureContext   *ctx,
           const UthSpeculativeView *view,
           double                    c,
           double                    x0,
           double                    y0,
           double                    w,
           double                    h,
           double                    x,
           double                    y,
           UthFigureHit             *hit)
{
  double s = uth_draw_scale (ctx);
  UthPlot plot;
  GString *text;
  guint g, a;

  gamma_plot_frame (cr, ctx, view, c, x0, y0, w, h, &plot);
  if (!inside_plot (&plot, x, y, 12 * s) || plot.width <= 0)
    return FALSE;
  g = (guint) CLAMP (lround (1 + (x - plot.left) / plot.width * (MAX_GAMMA_PLOT - 1)), 1, MAX_GAMMA_PLOT);
  text = g_string_new (NULL);
  g_string_append_printf (text, ngettext ("<b>γ = %u drafted token per pass</b> (c = %.3f)",
                                          "<b>γ = %u drafted tokens per pass</b> (c = %.3f)", g), g, c);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("your α = %.2f: %.2f tokens per pass, speedup %.2f×"), view->alpha,
                          uth_speculative_expected_tokens (view->alpha, g),
                          uth_speculative_speedup (view->alpha, g, c));
  for (a = 0; a < G_N_ELEMENTS (alphas); a++)
    {
      if (fabs (alphas[a] - view->alpha) < 1e-9)
        continue;
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("α = %.2f: speedup %.2f×"), alphas[a],
                              uth_speculative_speedup (alphas[a], g, c));
    }
  hit->index = 100 + (int) g;
  hit->tooltip = g_string_free (text, FALSE);
  return TRUE;
}

/* The batch size under the pointer: the timed speedup there. */
static gboolean
hit_batch (cairo_t                  *cr,
           const UthFigureContext   *ctx,
           const UthSpeculativeView *view,
           const UthModel           *draft,
           double                    x0,
           double                    y0,
           double                    w,
           double                    h,
           double                    x,
           double                    y,
           UthFigureHit             *hit)
{
  double s = uth_draw_scale (ctx);
  double xs[N_BATCHES], ys[N_BATCHES];
  uint64_t stops;
  UthPlot plot;
  guint i, best = 0;

  if (!batch_plot_frame (cr, ctx, view, draft, x0, y0, w, h, xs, ys, &stops, &plot) ||
      !inside_plot (&plot, x, y, 12 * s))
    return FALSE;
  for (i = 1; i < N_BATCHES; i++)
    if (fabs (uth_plot_x (&plot, xs[i]) - x) < fabs (uth_plot_x (&plot, xs[best]) - x))
      best = i;
  hit->index = 200 + (int) best;
  hit->tooltip = g_markup_printf_escaped (_("<b>Batch %.0f</b>\nspeedup %.2f× with every pass timed (α = %.2f, γ = %u)\n%s"),
                                          xs[best], ys[best], view->alpha, view->gamma,
                                          ys[best] >= 1.0 ? _("speculation pays here")
                                                          : _("slower than plain decoding here"));
  return TRUE;
}

gboolean
uth_draw_speculative_hit (double                  width,
                          double                  height,
                          const UthFigureContext *ctx,
                          double                  x,
                          double                  y,
                          UthFigureHit           *hit)
{
  UthSpeculativeView defaults;
  UthSpeculativeTiming t;
  SpecInput in;
  UthReflowPage reflow = { SPEC_MIN_WIDTH, SPEC_WIDE_WIDTH, min_height_at, &in };
  gboolean found;
  cairo_surface_t *scratch;
  cairo_t *cr;
  double f, vw, vh;
  SpecLayout L;

  hit->index = -1;
  hit->tooltip = NULL;
  spec_input_init (&in, ctx, &defaults, &t);
  /* The same scale as the drawing. */
  f = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);
  x /= f;
  y /= f;
  scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (scratch);
  spec_layout (cr, &in, vw, vh, &L);
  found = hit_passes (cr, ctx, in.view, L.passes.x, L.passes.y, L.passes.w, L.passes.h, x, y, hit) ||
          hit_cards (ctx, in.view, in.draft, &t, in.timed, L.cards.x, L.cards.y, L.cards.w, L.cards.h,
                     x, y, hit) ||
          hit_gamma (cr, ctx, in.view, in.timed ? t.c : 0.0, L.gamma.x, L.gamma.y, L.gamma.w, L.gamma.h,
                     x, y, hit) ||
          hit_batch (cr, ctx, in.view, in.draft, L.batch.x, L.batch.y, L.batch.w, L.batch.h, x, y, hit);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
  spec_input_clear (&in);
  return found;
}
