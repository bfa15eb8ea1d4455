/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "core/uth-softmax.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-fit.h"
#include "render/uth-draw-generation.h"

void
uth_generation_view_init (UthGenerationView *view)
{
  view->steps = 8;
  view->top_k = 0;
  view->top_p = 1.0;
  view->seed = 42;
}

static const char *
bound_label (UthBound bound)
{
  switch (bound)
    {
    case UTH_BOUND_COMPUTE:
      return _("compute-bound");
    case UTH_BOUND_MEMORY:
      return _("memory-bound");
    case UTH_BOUND_OVERHEAD:
      return _("overhead-bound");
    case UTH_BOUND_COMMUNICATION:
    default:
      return _("communication-bound");
    }
}

static void
draw_text_panel (cairo_t                *cr,
                 const UthFigureContext *ctx,
                 const UthGenerationRun *run,
                 UthChartRect            r)
{
  double s = uth_draw_scale (ctx);
  guint n = run->prompt->len + run->generated->len;
  g_autofree guint32 *ids = g_new0 (guint32, n + 1);
  g_autofree guint *colors = g_new0 (guint, n + 1);
  double y = uth_draw_panel (cr, ctx, r.x, r.y, r.w, r.h,
                             _("Prompt (grey, read in one prefill pass) and the tokens drawn after it, one per step"));
  double h, more_h, room;
  guint fitted;

  for (guint i = 0; i < n; i++)
    {
      gboolean gen = i >= run->prompt->len;
      ids[i] = gen ? g_array_index (run->generated, guint32, i - run->prompt->len)
                   : g_array_index (run->prompt, guint32, i);
      colors[i] = gen ? 5 : 7;
    }
  /* The chips, and under them a line saying how many did not fit, when some do not. */
  uth_draw_text_size (cr, ctx, UTH_FONT_TICK, "Ag", NULL, &more_h);
  room = r.y + r.h - y - 10 * s;
  if (uth_draw_token_chips (NULL, ctx, ids, n, colors, UTH_CHIP_WITH_ID, -1, r.x + 16 * s, y,
                            r.w - 32 * s, room, NULL, &h) < n)
    room -= more_h + 4 * s;
  fitted = uth_draw_token_chips (cr, ctx, ids, n, colors, UTH_CHIP_WITH_ID, n > 0 && run->generated->len > 0 ? (int) n - 1 : -1,
                                 r.x + 16 * s, y, r.w - 32 * s, room, NULL, &h);
  if (fitted < n)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("%u token does not fit", "%u tokens do not fit", n - fitted), n - fitted);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, more, r.x + 16 * s, y + h + 4 * s, UTH_ANCHOR_NW, 0, NULL);
    }
}

static void
draw_candidates (cairo_t                 *cr,
                 const UthFigureContext  *ctx,
                 const UthGenerationView *view,
                 const UthGenerationRun  *run,
                 UthChartRect             r)
{
  double s = uth_draw_scale (ctx);
  guint step = run->generated->len;
  g_autofree char *heading = g_strdup_printf (_("Step %u: the candidates and the one drawn"), step);
  double y = uth_draw_panel (cr, ctx, r.x, r.y, r.w, r.h, heading);
  double label_w = 130 * s, bar_w = r.w - label_w - 150 * s, row_h, pmax = 1e-12;
  guint n_rows, chosen_k = 0;
  guint32 chosen = step > 0 ? g_array_index (run->generated, guint32, step - 1) : 0;
  g_autofree char *rule = NULL;
  g_autofree char *kept = NULL;
  GString *parts = g_string_new (NULL);

  if (ctx->temperature <= 0)
    g_string_append (parts, _("greedy: always the most probable"));
  else
    {
      g_string_append_printf (parts, _("temperature %.2f"), ctx->temperature);
      if (view->top_k > 0)
        g_string_append_printf (parts, _(", top-k %u"), view->top_k);
      if (view->top_p < 1.0)
        g_string_append_printf (parts, _(", top-p %.2f"), view->top_p);
      g_string_append_printf (parts, _(", then a random draw (seed %" PRIu64 ")"), (uint64_t) view->seed);
    }
  kept = g_strdup_printf (ngettext ("%u token keeps a chance", "%u tokens keep a chance", run->kept), run->kept);
  /* Translators: the second %s is "1 token keeps a chance" or "5 tokens keep a chance" */
  rule = g_strdup_printf (_("Rule: %s. %s."), parts->str, kept);
  g_string_free (parts, TRUE);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  y += uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, rule, r.x + 16 * s, y, r.w - 32 * s) + 8 * s;
  if (step == 0)
    {
      uth_draw_note (cr, ctx, _("No token drawn yet: press Step or Play."), r.x + 16 * s, y, r.w - 32 * s);
      return;
    }
  /* A row is at least a line of text tall (24 px at scale 1); where fewer rows fit than
   * there are candidates, the most probable ones are shown and the drawn one last. */
  n_rows = run->n_candidates;
  row_h = MIN (34 * s, (r.y + r.h - y - 12 * s) / MAX (n_rows, 1));
  if (row_h < 24 * s)
    {
      n_rows = MAX (1, (guint) floor ((r.y + r.h - y - 12 * s) / (24 * s)));
      n_rows = MIN (n_rows, run->n_candidates);
      row_h = 24 * s;
      for (guint k = 0; k < run->n_candidates; k++)
        if (run->candidates[k] == chosen)
          chosen_k = k;
    }
  /* Bars are scaled to the most probable candidate so small probabilities stay visible;
   * the percentages give the values. */
  for (guint k = 0; k < run->n_candidates; k++)
    pmax = MAX (pmax, run->candidate_probs[k]);
  for (guint row = 0; row < n_rows; row++)
    {
      guint k = row == n_rows - 1 && chosen_k >= n_rows ? chosen_k : row;
      double p = run->candidate_probs[k], by = y + row * row_h;
      const char *name = uth_analysis_token_label (ctx->analysis, run->candidates[k]);
      g_autofree char *pct = uth_format_percent (p);
      gboolean is_chosen = run->candidates[k] == chosen;
      UthRgba c;

      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_MONO, name, r.x + 16 * s + label_w - 8 * s, by + row_h / 2,
                     UTH_ANCHOR_E, label_w, NULL);
      uth_draw_categorical (ctx, is_chosen ? 5 : 7, &c);
      uth_draw_set_rgba (cr, &c, is_chosen ? 0.9 : 0.5);
      cairo_rectangle (cr, r.x + 16 * s + label_w, by + 0.18 * row_h, MAX (p / pmax * bar_w, 1), 0.64 * row_h);
      cairo_fill (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      {
        g_autofree char *txt = is_chosen ? g_strdup_printf (_("%s ← drawn"), pct) : g_strdup (pct);
        uth_draw_text (cr, ctx, is_chosen ? UTH_FONT_HEADING : UTH_FONT_TICK, txt,
                       r.x + 16 * s + label_w + p / pmax * bar_w + 8 * s, by + row_h / 2, UTH_ANCHOR_W, 0, NULL);
      }
    }
}

static void
draw_cache (cairo_t                *cr,
            const UthFigureContext *ctx,
            const UthGenerationRun *run,
            UthChartRect            r)
{
  double s = uth_draw_scale (ctx);
  const UthModel *model = ctx->input.model;
  guint n = run->prompt->len + run->generated->len;
  guint layers = model != NULL ? model->layers : 32, rows = MIN (layers, 32);
  double y = uth_draw_panel (cr, ctx, r.x, r.y, r.w, r.h,
                             _("KV cache: keys and values of every token in every layer"));
  UthChartRect grid = { r.x + 70 * s, y + 4 * s, r.w - 90 * s, r.y + r.h - y - 90 * s };
  double cw = grid.w / MAX (n, 1), ch = grid.h / rows;
  UthRgba prompt_c, gen_c;
  g_autofree char *rows_label = NULL;

  uth_draw_categorical (ctx, 7, &prompt_c);
  uth_draw_categorical (ctx, 5, &gen_c);
  for (guint i = 0; i < n; i++)
    {
      gboolean gen = i >= run->prompt->len;
      uth_draw_set_rgba (cr, gen ? &gen_c : &prompt_c, i + 1 == n && gen ? 1.0 : 0.55);
      cairo_rectangle (cr, grid.x + i * cw + 0.5, grid.y, MAX (cw - 1, 0.5), grid.h);
      cairo_fill (cr);
    }
  uth_draw_set_color (cr, ctx, UTH_COLOR_BACKGROUND);
  cairo_set_line_width (cr, 1.0);
  for (guint l = 1; l < rows; l++)
    {
      cairo_move_to (cr, grid.x, grid.y + l * ch);
      cairo_line_to (cr, grid.x + grid.w, grid.y + l * ch);
    }
  cairo_stroke (cr);
  rows_label = rows < layers ? g_strdup_printf (_("%u layers (%u rows shown)"), layers, rows)
                             : g_strdup_printf (_("%u layers"), layers);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  {
    /* Beside the grid, centred on it but never above its top (the heading wraps there in
     * a narrow panel). */
    double lw;

    uth_draw_text_size (cr, ctx, UTH_FONT_TICK, rows_label, &lw, NULL);
    uth_draw_text_vertical (cr, ctx, UTH_FONT_TICK, rows_label, r.x + 40 * s,
                            MAX (grid.y + grid.h / 2, grid.y + lw / 2));
  }
  if (model != NULL && run->kv_bytes_per_token > 0)
    {
      g_autofree char *per = uth_format_bytes (run->kv_bytes_per_token);
      g_autofree char *total = uth_format_bytes (run->kv_bytes_per_token * n);
      g_autofree char *bpe = uth_format_number (uth_dtype_bytes (ctx->input.kv));
      g_autofree char *txt = model->attention == UTH_ATTN_MLA
        ? g_strdup_printf (_("%s per token (a compressed latent per layer: multi-head latent attention); %u tokens: %s. Each step adds one column."),
                           per, n, total)
        : g_strdup_printf (_("2 (K and V) × %u layers × %u KV heads × %u × %s bytes (%s) = %s per token; %u tokens: %s. Each step adds one column."),
                                              model->layers, model->kv_heads, model->head_dim,
                                              bpe, uth_dtype_id (ctx->input.kv), per, n, total);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, txt, grid.x, grid.y + grid.h + 8 * s, grid.w);
    }
}

static void
draw_timeline (cairo_t                *cr,
               const UthFigureContext *ctx,
               const UthGenerationRun *run,
               UthChartRect            r)
{
  double s = uth_draw_scale (ctx);
  guint steps = run->generated->len;
  double total = run->prefill_seconds, x, y, w = r.w - 32 * s, bar_h = 34 * s;
  UthRgba pc, dc;
  g_autofree char *pre = NULL;
  g_autofree char *dec = NULL;
  g_autofree char *tot = NULL;

  y = uth_draw_panel (cr, ctx, r.x, r.y, r.w, r.h, _("Time on the scenario’s GPU, from the estimator"));
  if (run->prefill_seconds <= 0)
    {
      uth_draw_note (cr, ctx, _("Choose a model and GPU to see the time of each step."), r.x + 16 * s, y, w);
      return;
    }
  for (guint t = 0; t < steps; t++)
    total += run->step_seconds[t];
  uth_draw_categorical (ctx, 7, &pc);
  uth_draw_categorical (ctx, 5, &dc);
  x = r.x + 16 * s;
  uth_draw_set_rgba (cr, &pc, 0.8);
  cairo_rectangle (cr, x, y, MAX (run->prefill_seconds / total * w, 2 * s), bar_h);
  cairo_fill (cr);
  x += MAX (run->prefill_seconds / total * w, 2 * s);
  for (guint t = 0; t < steps; t++)
    {
      double sw = run->step_seconds[t] / total * w;
      uth_draw_set_rgba (cr, &dc, t + 1 == steps ? 1.0 : 0.6);
      cairo_rectangle (cr, x + 1, y, MAX (sw - 2, 1), bar_h);
      cairo_fill (cr);
      x += sw;
    }
  {
    g_autofree char *pt = uth_format_seconds (run->prefill_seconds);
    g_autofree char *st = uth_format_seconds (steps > 0 ? run->step_seconds[steps - 1] : 0);
    g_autofree char *tt = uth_format_seconds (total);

    pre = g_strdup_printf (ngettext ("Prefill: %u prompt token in one pass, %s, %s.",
                                     "Prefill: %u prompt tokens in one pass, %s, %s.", run->prompt->len),
                           run->prompt->len, pt, bound_label (run->prefill_bound));
    dec = g_strdup_printf (_("Decode: %s per token, %s: every step reads all the weights for one token."),
                           st, bound_label (run->decode_bound));
    tot = g_strdup_printf (_("Total so far: %s."), tt);
  }
  y += bar_h + 10 * s;
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, pre, r.x + 16 * s, y, UTH_ANCHOR_NW, w, NULL);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, dec, r.x + 16 * s, y + 24 * s, UTH_ANCHOR_NW, w, NULL);
  if (ctx->estimate != NULL)
    {
      g_autofree char *sp = uth_format_seconds (ctx->estimate->prefill_seconds);
      g_autofree char *cmp = g_strdup_printf (_("%s For comparison, the scenario’s %" PRIu64 "-token prompt: prefill %s, %s."),
                                              tot, (uint64_t) ctx->input.prompt, sp, bound_label (ctx->estimate->prefill_bound));
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, cmp, r.x + 16 * s, y + 48 * s, UTH_ANCHOR_NW, w, NULL);
    }
}

static void
draw_fitted (cairo_t                *cr,
                     double                  width,
                     double                  height,
                     const UthFigureContext *ctx)
{
  UthGenerationView defaults;
  const UthGenerationView *view = ctx->page_data;
  const UthGenerationRun *analysed = ctx->analysis != NULL ? ctx->analysis->generation : NULL;
  UthGenerationRun run;
  double m = uth_draw_margin (ctx), s = uth_draw_scale (ctx), top, text_h, mid_h, time_h = 178 * s;
  g_autofree char *sub = NULL;

  if (analysed == NULL)
    {
      uth_draw_computing (cr, width, height, ctx);
      return;
    }
  run = *analysed;
  uth_draw_background (cr, width, height, ctx);
  uth_generation_view_init (&defaults);
  if (view == NULL)
    view = &defaults;
  /* Translators: the model's own sentence follows this subtitle */
  sub = g_strdup_printf (_("A real model continues your text on this computer’s CPU, token by token, with the sampling rule below. Times are the estimator’s for %s on %s."),
                         ctx->model != NULL ? ctx->model->name : _("no model"),
                         ctx->gpu != NULL ? ctx->gpu->name : _("no GPU"));
  {
    char *noted = uth_fundamentals_subtitle (ctx, sub);
    g_free (sub);
    sub = uth_draw_fit_subtitle (ctx, noted);
    g_free (noted);
  }
  top = uth_draw_title (cr, ctx, _("Generation: one token at a time"), sub, m, m, width - 2 * m);
  text_h = MAX ((height - m - top - time_h - 32 * s) * 0.3, 180 * s);
  mid_h = height - m - top - time_h - 32 * s - text_h;
  draw_text_panel (cr, ctx, &run, (UthChartRect) { m, top, width - 2 * m, text_h });
  if (uth_figure_shows_build (ctx, 2))
    {
      draw_candidates (cr, ctx, view, &run, (UthChartRect) { m, top + text_h + 16 * s, (width - 2 * m) * 0.5 - 8 * s, mid_h });
    }
  if (uth_figure_shows_build (ctx, 2))
    {
      draw_cache (cr, ctx, &run, (UthChartRect) { m + (width - 2 * m) * 0.5 + 8 * s, top + text_h + 16 * s,
                                                 (width - 2 * m) * 0.5 - 8 * s, mid_h });
    }
  if (uth_figure_shows_build (ctx, 3))
    {
      draw_timeline (cr, ctx, &run, (UthChartRect) { m, height - m - time_h, width - 2 * m, time_h });
    }
}

void
uth_draw_generation (cairo_t                *cr,
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
