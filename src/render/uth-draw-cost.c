/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-render"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"
#include "render/uth-draw-cost.h"
#include "render/uth-formula.h"

#define MIN_WIDTH 1300.0
#define MIN_HEIGHT 1000.0
/* Narrower than MIN_WIDTH the page reflows into one column (the GPU list below the rest),
 * drawn at full size from NARROW_MIN_WIDTH; its parts get these heights at scale 1. */
#define NARROW_MIN_WIDTH 700.0
#define NARROW_THUMBS_H 330.0
#define NARROW_MEASURED_H 170.0
#define GPU_ROW_H 28.0
/* The speed and price cards: the gap between them, and the padding uth_draw_card gives
 * its label. */
#define CARD_GAP 12.0
#define CARD_PAD 12.0
/* In the one-column layout the rules of thumb keep their five-column table from this
 * width, else each rule is a block of wrapped lines (the two-column layout keeps it). */
#define THUMBS_TABLE_MIN_WIDTH 900.0
#define THUMBS_BLOCK_GAP 8.0

const char *
uth_cost_thumb_name (UthThumb thumb)
{
  switch (thumb)
    {
    case UTH_THUMB_FLOPS_PER_TOKEN: return _("FLOPs per token ≈ 2 × parameters");
    case UTH_THUMB_WEIGHT_MEMORY: return _("Weight memory = parameters × bytes each");
    case UTH_THUMB_DECODE_SPEED: return _("Decode tok/s ≈ bandwidth ÷ bytes a token reads");
    case UTH_THUMB_PREFILL_SPEED: return _("Prefill tok/s ≈ FLOP/s ÷ (2 × parameters)");
    case UTH_THUMB_DECODE_INTENSITY: return _("Decode intensity ≈ 2 × batch ÷ bytes per weight");
    case UTH_N_THUMBS:
    default: return "";
    }
}

const char *
uth_cost_gap_reason (UthGapReason reason)
{
  switch (reason)
    {
    case UTH_GAP_NONE: return _("the rule holds (within 3%)");
    case UTH_GAP_ATTENTION_FLOPS: return _("attention FLOPs, which grow with the context");
    case UTH_GAP_LM_HEAD: return _("prefill runs the lm-head once per sequence, not per token");
    case UTH_GAP_EMBEDDING: return _("the embedding table is counted but only looked up");
    case UTH_GAP_KV_READS: return _("decode reads the KV cache as well as the weights");
    case UTH_GAP_EFFICIENCY: return _("kernels reach only part of peak FLOP/s and bandwidth");
    case UTH_GAP_OVERHEADS: return _("kernel launches and communication between the GPUs");
    case UTH_GAP_COMPUTE_BOUND: return _("the batch made decode compute-bound");
    case UTH_GAP_MEMORY_BOUND_OPS: return _("norms and element-wise ops wait on memory");
    case UTH_N_GAPS:
    default: return "";
    }
}

/* GPU i of the catalog rows in the page's analysis. */
static const UthGpuEntry *
gpu_of (const UthFigureContext *ctx,
        guint                   i)
{
  return ctx->analysis->gpus[i];
}

guint
uth_cost_gpu_rows (const UthFigureContext *ctx,
                   UthGpuSort              key,
                   UthGpuComparison      **rows)
{
  guint n = ctx->analysis != NULL ? ctx->analysis->n_gpus : 0, i;
  g_autofree UthGpu *gpus = g_new0 (UthGpu, MAX (n, 1));

  *rows = g_new0 (UthGpuComparison, MAX (n, 1));
  for (i = 0; i < n; i++)
    gpus[i] = gpu_of (ctx, i)->spec;
  if (n == 0 || uth_cost_compare_gpus (&ctx->input, gpus, n, 8, *rows) != UTH_COST_OK)
    return 0;
  uth_cost_sort (*rows, n, key);
  return n;
}

static char *
format_value (UthThumb thumb,
              double   v)
{
  switch (thumb)
    {
    case UTH_THUMB_FLOPS_PER_TOKEN: return uth_format_flops (v);
    case UTH_THUMB_WEIGHT_MEMORY: return uth_format_bytes (v);
    case UTH_THUMB_DECODE_SPEED:
    case UTH_THUMB_PREFILL_SPEED: return uth_format_tokens_rate (v);
    case UTH_THUMB_DECODE_INTENSITY: return uth_format_intensity (v);
    case UTH_N_THUMBS:
    default: return uth_format_number (v);
    }
}

static double
draw_cards (cairo_t                *cr,
            const UthFigureContext *ctx,
            const UthEstimate      *est,
            double                  x,
            double                  y,
            double                  w,
            double                  h)
{
  double s = uth_draw_scale (ctx);
  int cols = 3, rows;
  double gap = CARD_GAP * s, cw, ch;
  g_autofree char *pre = uth_format_tokens_rate (est->prefill_tokens_per_second);
  g_autofree char *ttft = uth_format_seconds (est->ttft_seconds);
  g_autofree char *seq = uth_format_tokens_rate (est->decode_tokens_per_second_per_sequence);
  g_autofree char *tot = uth_format_tokens_rate (est->decode_tokens_per_second);
  g_autofree char *cin = uth_format_usd (est->cost_per_million_input_tokens);
  g_autofree char *cout = uth_format_usd (est->cost_per_million_output_tokens);
  g_autofree char *pre_d = NULL, *ttft_d = NULL, *seq_d = NULL, *tot_d = NULL;
  g_autofree char *step = uth_format_seconds (est->decode_step_seconds);

  pre_d = g_strdup_printf (_("%s-bound"), uth_bound_id (est->prefill_bound));
  /* Serving engines take the first token from the prefill's last logits. */
  ttft_d = g_strdup_printf (_("= the prefill, %s-bound"), uth_bound_id (est->prefill_bound));
  seq_d = g_strdup_printf (_("one step every %s, %s-bound"), step, uth_bound_id (est->decode_bound));
  tot_d = g_strdup_printf (ngettext ("%llu sequence in the batch",
                                     "all %llu sequences of the batch",
                                     ctx->input.batch), (unsigned long long) ctx->input.batch);

  {
    /* Three cards a row, or two (three rows) where three would cut a label short (a card's
     * label may step down to the tick font before it is cut). */
    const char *labels[6] = { _("Prefill speed"), _("Time to first token"), _("$ per million input tokens"),
                              _("Decode speed per sequence"), _("Decode speed in total"), _("$ per million output tokens") };
    double three = (w - 2 * gap) / 3 - 2 * CARD_PAD * s;

    for (int i = 0; i < 6; i++)
      {
        double tw;

        uth_draw_text_size (cr, ctx, UTH_FONT_TICK, labels[i], &tw, NULL);
        if (tw > three)
          cols = 2;
      }
    rows = cols == 3 ? 2 : 3;
    cw = (w - (cols - 1) * gap) / cols;
    ch = (h - (rows - 1) * gap) / rows;
  }
  {
    /* As tall as the wordiest card needs, at least h in all. */
    const char *labels[6] = { _("Prefill speed"), _("Time to first token"), _("$ per million input tokens"),
                              _("Decode speed per sequence"), _("Decode speed in total"), _("$ per million output tokens") };
    const char *values[6] = { pre, ttft, cin, seq, tot, cout };
    const char *details[6] = { pre_d, ttft_d, _("prefill time × price"), seq_d, tot_d,
                               _("decode time × price, at this batch") };

    for (int i = 0; i < 6; i++)
      ch = MAX (ch, uth_draw_card_height (cr, ctx, cw, labels[i], values[i], details[i]));
  }
  {
    /* In reading order: prefill, first token and input price, then the decode's. */
    const char *labels[6] = { _("Prefill speed"), _("Time to first token"), _("$ per million input tokens"),
                              _("Decode speed per sequence"), _("Decode speed in total"), _("$ per million output tokens") };
    const char *values[6] = { pre, ttft, cin, seq, tot, cout };
    const char *details[6] = { pre_d, ttft_d, _("prefill time × price"), seq_d, tot_d,
                               _("decode time × price, at this batch") };

    for (int i = 0; i < 6; i++)
      uth_draw_card (cr, ctx, x + (i % cols) * (cw + gap), y + (i / cols) * (ch + gap), cw, ch,
                     labels[i], values[i], details[i]);
  }
  return rows * ch + (rows - 1) * gap;
}

/* In place of the cards when the scenario does not fit: a set-up that cannot run has no
 * speed and no price, so the page says so and names the smallest one that does. */
static void
draw_does_not_fit (cairo_t                *cr,
                   const UthFigureContext *ctx,
                   const UthEstimate      *est,
                   double                  x,
                   double                  y,
                   double                  w,
                   double                  h)
{
  double s = uth_draw_scale (ctx), pad = 16 * s;
  g_autofree char *need = uth_format_bytes (est->total_memory_bytes);
  g_autofree char *have = uth_format_bytes (est->gpu_memory_bytes);
  g_autofree char *head = NULL, *body = NULL, *esc_gpu = NULL;
  UthChartRect ext;

  esc_gpu = g_markup_escape_text (ctx->gpu != NULL ? ctx->gpu->name : "?", -1);
  head = g_strdup_printf (_("Does not fit: needs %s, %u × %s have %s"), need, ctx->input.gpus,
                          ctx->gpu != NULL ? ctx->gpu->name : "?", have);
  if (est->min_gpus > 0)
    body = g_strdup_printf (ngettext ("The smallest set-up that fits is <b>%u × %s</b>: set GPUs to %u. No speed or price is shown for a set-up that cannot run.",
                                      "The smallest set-up that fits is <b>%u × %s</b>: set GPUs to %u. No speed or price is shown for a set-up that cannot run.",
                                      est->min_gpus),
                            est->min_gpus, esc_gpu, est->min_gpus);
  else
    body = g_strdup (_("No count of these GPUs up to 1024 holds it: choose smaller data types, a shorter context or a smaller batch. No speed or price is shown for a set-up that cannot run."));
  uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
  uth_draw_rounded_rect (cr, x, y, w, h, 10 * s);
  cairo_set_line_width (cr, 3 * s);
  cairo_stroke (cr);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, head, x + pad, y + pad, UTH_ANCHOR_NW, w - 2 * pad, &ext);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, body, x + pad, ext.y + ext.h + 10 * s, w - 2 * pad);
}

/* A horizontal stacked bar of parts with their labels below, against a total. */
static double
draw_stacked (cairo_t                *cr,
              const UthFigureContext *ctx,
              const char             *heading,
              const double           *values,
              const char * const     *labels,
              const guint            *colors,
              guint                   n,
              double                  total,
              const char             *total_label,
              UthFormatFunc           fmt,
              double                  x,
              double                  y,
              double                  w)
{
  double s = uth_draw_scale (ctx);
  double bar_h = 34 * s, sum = 0, px = x, scale_max;
  UthLegendItem items[6];
  UthChartRect ext;
  guint i;

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, heading, x, y, UTH_ANCHOR_NW, w, &ext);
  y = ext.y + ext.h + 8 * s;
  for (i = 0; i < n; i++)
    sum += MAX (values[i], 0);
  scale_max = MAX (sum, total);
  if (!(scale_max > 0))
    return y;

  cairo_rectangle (cr, x, y, w, bar_h);
  uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
  cairo_fill_preserve (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  for (i = 0; i < n; i++)
    {
      double bw = MAX (values[i], 0) / scale_max * w;
      g_autofree char *v = fmt (values[i]);

      uth_draw_categorical (ctx, colors[i], &items[i].color);
      uth_draw_set_rgba (cr, &items[i].color, 1.0);
      cairo_rectangle (cr, px, y, bw, bar_h);
      cairo_fill (cr);
      items[i].label = g_strdup_printf ("%s %s", labels[i], v);
      items[i].style = UTH_LEGEND_BOX;
      px += bw;
    }
  if (total > 0)
    {
      double tx = x + total / scale_max * w;

      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      cairo_set_line_width (cr, 3 * s);
      cairo_move_to (cr, tx, y - 6 * s);
      cairo_line_to (cr, tx, y + bar_h + 6 * s);
      cairo_stroke (cr);
      {
        double tw, th, lx;
        gboolean left;

        /* Left of the line where it fits, else right of it (a model far too big for the
         * GPUs puts the line near the bar's start, and the label was cut off); on a
         * background patch, as it lies over the bar's colours. */
        uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, total_label, &tw, &th);
        left = tx - 6 * s - tw - 8 * s >= x;
        lx = left ? tx - 6 * s - tw : tx + 6 * s;
        uth_draw_set_color (cr, ctx, UTH_COLOR_BACKGROUND);
        uth_draw_rounded_rect (cr, lx - 4 * s, y + bar_h / 2 - th / 2 - 2 * s, tw + 8 * s, th + 4 * s, 4 * s);
        cairo_fill (cr);
        uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
        uth_draw_text (cr, ctx, UTH_FONT_LABEL, total_label, lx, y + bar_h / 2, UTH_ANCHOR_W, 0, NULL);
      }
    }
  y += bar_h + 6 * s;
  y += uth_draw_legend (cr, ctx, items, n, x, y, w, TRUE);
  for (i = 0; i < n; i++)
    g_free ((char *) items[i].label);
  return y;
}

static double
draw_memory (cairo_t                *cr,
             const UthFigureContext *ctx,
             const UthEstimate      *est,
             double                  x,
             double                  y,
             double                  w)
{
  double values[4] = { est->weight_bytes, est->kv_cache_bytes, est->activation_bytes,
                       est->reserve_bytes };
  const char *labels[4] = { _("weights"), _("KV cache"), _("activations"), _("runtime reserve") };
  static const guint colors[4] = { 0, 1, 2, 7 };
  g_autofree char *total = uth_format_bytes (est->total_memory_bytes);
  g_autofree char *gpu = uth_format_bytes (est->gpu_memory_bytes);
  g_autofree char *heading = NULL, *mark = NULL;

  heading = est->fits ? g_strdup_printf (_("Memory: %s of %s"), total, gpu)
                      : g_strdup_printf (_("Memory: %s does not fit in %s"), total, gpu);
  mark = g_strdup_printf (_("GPU memory %s"), gpu);
  return draw_stacked (cr, ctx, heading, values, labels, colors, 4, est->gpu_memory_bytes, mark,
                       uth_format_bytes, x, y, w);
}

static double
draw_request_time (cairo_t                *cr,
                   const UthFigureContext *ctx,
                   const UthEstimate      *est,
                   double                  x,
                   double                  y,
                   double                  w)
{
  double decode = est->request_seconds - est->prefill_seconds;
  double values[2] = { est->prefill_seconds, decode };
  const char *labels[2] = { _("prefill"), _("decode") };
  static const guint colors[2] = { 1, 0 };
  g_autofree char *total = uth_format_seconds (est->request_seconds);
  g_autofree char *step = uth_format_seconds (est->decode_step_seconds);
  g_autofree char *heading = NULL;
  guint64 steps = ctx->input.step_tokens > 0 ?
                  (ctx->input.output_tokens + ctx->input.step_tokens - 1) / ctx->input.step_tokens : 0;

  heading = g_strdup_printf (_("Time per request: %s = prefill + %llu decode steps × %s"),
                             total, (unsigned long long) steps, step);
  return draw_stacked (cr, ctx, heading, values, labels, colors, 2, 0, NULL,
                       uth_format_seconds, x, y, w);
}

static const char *
thumb_reason (const UthFigureContext *ctx,
              const UthThumbCheck    *k)
{
  return k->reason == UTH_GAP_OVERHEADS && ctx->input.gpus <= 1
         /* One GPU sends nothing to another: only launches remain. */
         ? _("kernel launches (one GPU: no communication)")
         : uth_cost_gap_reason (k->reason);
}

/* The rules of thumb where the table does not fit: each rule a block of wrapped lines (its
 * name, with this scenario's numbers, rule and detailed values, why they differ). Draws
 * only when draw is TRUE; returns the bottom. */
static double
draw_thumb_blocks (cairo_t                *cr,
                   const UthFigureContext *ctx,
                   const UthThumbCheck    *checks,
                   double                  x,
                   double                  y,
                   double                  w,
                   gboolean                draw)
{
  double s = uth_draw_scale (ctx), pad = THUMBS_BLOCK_GAP * s;

  for (int i = 0; i < UTH_N_THUMBS; i++)
    {
      const UthThumbCheck *k = &checks[i];
      g_autofree char *rule = format_value (k->thumb, k->rule);
      g_autofree char *det = format_value (k->thumb, k->detailed);
      g_autofree char *sub = uth_rule_substituted ((UthRule) k->thumb, ctx);
      g_autofree char *name = g_markup_escape_text (uth_cost_thumb_name (k->thumb), -1);
      g_autofree char *sub_m = g_markup_escape_text (sub, -1);
      g_autofree char *why = g_markup_escape_text (thumb_reason (ctx, k), -1);
      g_autofree char *values = g_markup_printf_escaped ("%s: %s · %s: %s · %s: %.2f×",
                                                         _("Rule"), rule, _("Detailed"), det,
                                                         _("Detailed ÷ rule"), k->ratio);
      const char *lines[4] = { name, sub_m, values, why };
      const UthColorRole colors[4] = { UTH_COLOR_FOREGROUND, UTH_COLOR_DIM,
                                   k->reason != UTH_GAP_NONE ? UTH_COLOR_ACCENT : UTH_COLOR_FOREGROUND,
                                   UTH_COLOR_DIM };
      double top = y, bh = 2 * pad;

      for (int l = 0; l < 4; l++)
        bh += uth_draw_paragraph_height (cr, ctx, l == 0 ? UTH_FONT_LABEL : UTH_FONT_TICK, lines[l], w - 2 * pad);
      if (draw && i % 2 == 0)
        {
          uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
          cairo_rectangle (cr, x, top, w, bh);
          cairo_fill (cr);
        }
      y += pad;
      for (int l = 0; l < 4; l++)
        {
          UthFont font = l == 0 ? UTH_FONT_LABEL : UTH_FONT_TICK;

          if (draw)
            {
              uth_draw_set_color (cr, ctx, colors[l]);
              y += uth_draw_paragraph (cr, ctx, font, lines[l], x + pad, y, w - 2 * pad);
            }
          else
            y += uth_draw_paragraph_height (cr, ctx, font, lines[l], w - 2 * pad);
        }
      y = top + bh;
    }
  return y;
}

static double
draw_thumbs (cairo_t                *cr,
             const UthFigureContext *ctx,
             double                  x,
             double                  y,
             double                  w,
             double                  h,
             gboolean                may_stack,
             gboolean                draw)
{
  double s = uth_draw_scale (ctx);
  double cols[5] = { 0, 0.40, 0.51, 0.62, 0.745 };
  const char *heads[5] = { _("Rule of thumb"), _("Rule"), _("Detailed"), _("Detailed ÷ rule"), _("Why they differ") };
  UthThumbCheck checks[UTH_N_THUMBS];
  UthChartRect ext;
  double row_h;
  int i, c;

  {
    g_autofree char *heading = g_markup_escape_text (_("Rules of thumb beside the detailed estimate: try these and see how close they get"), -1);

    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
    ext.h = draw ? uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, heading, x, y, w)
                 : uth_draw_paragraph_height (cr, ctx, UTH_FONT_HEADING, heading, w);
    y += ext.h + 10 * s;
  }
  if (uth_cost_check_thumbs (&ctx->input, checks) != UTH_COST_OK)
    return y;
  if (may_stack && w < THUMBS_TABLE_MIN_WIDTH * s)
    return draw_thumb_blocks (cr, ctx, checks, x, y, w, draw);
  if (!draw)
    return y + (UTH_N_THUMBS + 1) * 46 * s;
  row_h = MIN ((h - ext.h - 10 * s) / (UTH_N_THUMBS + 1), 46 * s);
  if (row_h < 30 * s)
    return y;   /* no room for a readable table (the figure scales below 920 px high) */
  for (c = 0; c < 5; c++)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, heads[c], x + cols[c] * w, y + row_h / 2,
                     UTH_ANCHOR_W, (c < 4 ? cols[c + 1] - cols[c] : 1 - cols[c]) * w - 8 * s, NULL);
    }
  for (i = 0; i < UTH_N_THUMBS; i++)
    {
      const UthThumbCheck *k = &checks[i];
      double ry = y + (i + 1) * row_h;
      g_autofree char *rule = format_value (k->thumb, k->rule);
      g_autofree char *det = format_value (k->thumb, k->detailed);
      g_autofree char *ratio = g_strdup_printf ("%.2f×", k->ratio);
      const char *cells[5] = { uth_cost_thumb_name (k->thumb), rule, det, ratio, thumb_reason (ctx, k) };

      if (i % 2 == 0)
        {
          uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
          cairo_rectangle (cr, x - 6 * s, ry, w + 6 * s, row_h);
          cairo_fill (cr);
        }
      for (c = 0; c < 5; c++)
        {
          double cw = (c < 4 ? cols[c + 1] - cols[c] : 1 - cols[c]) * w - 8 * s;

          uth_draw_set_color (cr, ctx, c == 3 && k->reason != UTH_GAP_NONE ? UTH_COLOR_ACCENT
                                                                           : UTH_COLOR_FOREGROUND);
          if (c == 4)
            {
              g_autofree char *esc = g_markup_escape_text (cells[c], -1);
              PangoLayout *layout = uth_draw_layout (cr, ctx, UTH_FONT_TICK, NULL);
              int lh;

              pango_layout_set_markup (layout, esc, -1);
              pango_layout_set_width (layout, (int) (cw * PANGO_SCALE));
              pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
              pango_layout_get_pixel_size (layout, NULL, &lh);
              cairo_move_to (cr, x + cols[c] * w, ry + (row_h - lh) / 2);
              uth_draw_show_layout (cr, layout);
              g_object_unref (layout);
            }
          else if (c == 0)
            {
              /* The rule, then the rule with this scenario's numbers in it. */
              g_autofree char *sub = uth_rule_substituted ((UthRule) k->thumb, ctx);

              uth_draw_text (cr, ctx, UTH_FONT_TICK, cells[c], x, ry + row_h * 0.28,
                             UTH_ANCHOR_W, cw, NULL);
              uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
              uth_draw_text (cr, ctx, UTH_FONT_TICK, sub, x, ry + row_h * 0.72, UTH_ANCHOR_W, cw, NULL);
            }
          else
            uth_draw_text (cr, ctx, UTH_FONT_TICK, cells[c], x + cols[c] * w, ry + row_h / 2,
                           UTH_ANCHOR_W, cw, NULL);
        }
    }
  return y + (UTH_N_THUMBS + 1) * row_h;
}

/* How far a measured point's set-up is from the scenario's (0: the same batch and lengths). */
static double
point_distance (const UthReferencePoint *p,
                const UthFigureContext  *ctx)
{
  double lengths = p->phase == UTH_REFERENCE_PREFILL ? (double) p->prompt / ctx->input.prompt
                 : p->phase == UTH_REFERENCE_REQUEST ? (double) p->output_tokens / MAX (ctx->input.output_tokens, 1)
                 : (double) p->context / ctx->input.context;

  return fabs (log ((double) p->batch / ctx->input.batch)) + fabs (log (MAX (lengths, 1e-9)));
}

static void
draw_measured (cairo_t                *cr,
               const UthFigureContext *ctx,
               double                  x,
               double                  y,
               double                  w,
               double                  h)
{
  double s = uth_draw_scale (ctx);
  const UthMeasuredMatch *all[128], *best[UTH_REFERENCE_N_PHASES] = { NULL };
  guint n = uth_analysis_measured (ctx->analysis, UTH_REFERENCE_N_PHASES, all, G_N_ELEMENTS (all)), i;
  UthChartRect ext;
  double line;

  if (h < 60 * s)
    return;
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Measured beside the estimate"), x, y, UTH_ANCHOR_NW, w, &ext);
  y = ext.y + ext.h + 6 * s;
  if (n == 0)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_paragraph (cr, ctx, UTH_FONT_TICK,
                          _("No published measurement of this model on this GPU in data/reference.json."),
                          x, y, w);
      return;
    }
  /* The closest set-up of each phase. */
  for (i = 0; i < n; i++)
    if (best[all[i]->point->phase] == NULL ||
        point_distance (all[i]->point, ctx) < point_distance (best[all[i]->point->phase]->point, ctx))
      best[all[i]->point->phase] = all[i];
  uth_draw_text_size (cr, ctx, UTH_FONT_TICK, "Ag", NULL, &line);
  for (i = 0; i < UTH_REFERENCE_N_PHASES && y + line <= ext.y + h; i++)
    {
      const UthMeasuredMatch *match = best[i];
      const UthReferencePoint *p = match != NULL ? match->point : NULL;
      double predicted = match != NULL ? match->predicted : 0, fraction;
      g_autofree char *measured = NULL, *estimated = NULL, *text = NULL, *eff = NULL;
      guint64 length;

      if (p == NULL || !match->predicted_ok || !(predicted > 0))
        continue;
      measured = uth_format_seconds (p->seconds);
      estimated = uth_format_seconds (predicted);
      fraction = match->roofline_fraction;
      eff = uth_format_percent (fraction);
      length = p->phase == UTH_REFERENCE_PREFILL ? p->prompt
             : p->phase == UTH_REFERENCE_REQUEST ? p->output_tokens : p->context;
      /* Translators: phase, batch, tokens; measured and estimated times; the ratio; the
       * fraction of the roofline the measured run reached; what was measured. */
      if (g_strcmp0 (p->model, ctx->model->id) != 0)
        /* Translators: a measurement taken on another model of the same shapes. */
        text = g_strdup_printf (_("%s (same shapes), %s, batch %llu, %llu tokens: measured %s, estimated %s (%.2f×), %s of the roofline, %s"),
                                p->model, uth_reference_phase_id (p->phase), (unsigned long long) p->batch,
                                (unsigned long long) length, measured, estimated,
                                predicted / p->seconds, eff,
                                p->measured_with != NULL ? p->measured_with : "?");
      else
        text = g_strdup_printf (_("%s, batch %llu, %llu tokens: measured %s, estimated %s (%.2f×), %s of the roofline, %s"),
                                uth_reference_phase_id (p->phase), (unsigned long long) p->batch,
                                (unsigned long long) length, measured, estimated,
                                predicted / p->seconds, eff,
                                p->measured_with != NULL ? p->measured_with : "?");
      uth_draw_set_categorical (cr, ctx, 5);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, "◇", x, y, UTH_ANCHOR_NW, 0, NULL);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      {
        /* Wrapped, when it is not cut off by the bottom of the panel. */
        g_autofree char *escaped = g_markup_escape_text (text, -1);

        y += uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, escaped, x + 20 * s, y, w - 20 * s) + 6 * s;
      }
    }
}

static void
cost_titles (const UthFigureContext *ctx,
             const UthEstimate      *est,
             char                  **title,
             char                  **subtitle)
{
  g_autofree char *price = NULL;

  *title = g_strdup_printf (_("Cost: %s on %u × %s"), ctx->model != NULL ? ctx->model->name : "?",
                            ctx->input.gpus, ctx->gpu != NULL ? ctx->gpu->name : "?");
  *subtitle = NULL;
  if (est != NULL)
    price = uth_format_usd (est->price_per_hour);
  if (est != NULL && ctx->gpu != NULL && ctx->input.price_per_hour < 0)
    *subtitle = g_strdup_printf (_("batch %llu · prompt %llu · context %llu · %llu output tokens · engine %s · %s per GPU-hour (%s, %s)"),
                                (unsigned long long) ctx->input.batch,
                                (unsigned long long) ctx->input.prompt,
                                (unsigned long long) ctx->input.context,
                                (unsigned long long) ctx->input.output_tokens, ctx->engine != NULL ? _(ctx->engine->name) : "?",
                                price, ctx->gpu->price_source != NULL ? ctx->gpu->price_source : "?",
                                ctx->gpu->price_date != NULL ? ctx->gpu->price_date : "?");
  else if (est != NULL)
    *subtitle = g_strdup_printf (_("batch %llu · prompt %llu · context %llu · %llu output tokens · engine %s · %s per GPU-hour (your price)"),
                                (unsigned long long) ctx->input.batch,
                                (unsigned long long) ctx->input.prompt,
                                (unsigned long long) ctx->input.context,
                                (unsigned long long) ctx->input.output_tokens, ctx->engine != NULL ? _(ctx->engine->name) : "?",
                                price);
}

/* The top-left of the GPU comparison's rows and their height, shared by drawing and
 * hit-testing (which measures the title on a scratch surface). */
typedef struct
{
  double x, y, w, row_h, name_w;
  guint  n;
} GpuRows;

static void
gpu_rows_geometry (cairo_t                *cr,
                   const UthFigureContext *ctx,
                   double                  x,
                   double                  y,
                   double                  w,
                   double                  h,
                   guint                   n,
                   GpuRows                *out)
{
  double s = uth_draw_scale (ctx);
  double line;

  uth_draw_text_size (cr, ctx, UTH_FONT_HEADING, "Ag", NULL, &line);
  out->x = x;
  out->y = y + 2 * line + 16 * s;
  out->w = w;
  out->n = n;
  out->row_h = n > 0 ? (h - 2 * line - 16 * s) / n : 0;
  out->name_w = w * 0.42;
}

/* The names' column of the GPU rows: as wide as the widest name (in the font of a row this
 * tall), from 42% of the panel up to 60%. */
static double
gpu_name_width (cairo_t                *cr,
                const UthFigureContext *ctx,
                const UthGpuComparison *rows,
                guint                   n,
                double                  w,
                UthFont                 font)
{
  double s = uth_draw_scale (ctx), widest = 0;

  for (guint i = 0; i < n; i++)
    {
      const UthGpuEntry *g = gpu_of (ctx, rows[i].index);
      g_autofree char *name = rows[i].gpus > 1 ? g_strdup_printf ("%u × %s", rows[i].gpus, g->name)
                                               : g_strdup (g->name);
      double tw;

      uth_draw_text_size (cr, ctx, font, name, &tw, NULL);
      widest = MAX (widest, tw);
    }
  return CLAMP (widest + 10 * s, w * 0.42, w * 0.6);
}

static double
row_metric (const UthGpuComparison *row,
            UthGpuSort              key)
{
  switch (key)
    {
    case UTH_SORT_THROUGHPUT: return row->tokens_per_second;
    case UTH_SORT_TTFT: return row->ttft_s;
    case UTH_SORT_COST:
    default: return row->cost_per_million_output;
    }
}

static void
draw_gpus (cairo_t                *cr,
           const UthFigureContext *ctx,
           double                  x,
           double                  y,
           double                  w,
           double                  h)
{
  double s = uth_draw_scale (ctx);
  UthGpuSort key = ctx->view >= 0 && ctx->view <= 2 ? (UthGpuSort) ctx->view : UTH_SORT_COST;
  const char *titles[3] = { _("The model on every GPU, cheapest first ($ per million output tokens)"),
                            _("The model on every GPU, fastest first (decode tokens/s, whole batch)"),
                            _("The model on every GPU, quickest first (time to first token)") };
  g_autofree UthGpuComparison *rows = NULL;
  GpuRows geo;
  double row_h, name_w, bar_w, max_v = 0;
  guint n, i;

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, titles[key], x, y, w);
  n = uth_cost_gpu_rows (ctx, key, &rows);
  if (n == 0)
    return;
  gpu_rows_geometry (cr, ctx, x, y, w, h, n, &geo);
  y = geo.y;
  row_h = geo.row_h;
  name_w = gpu_name_width (cr, ctx, rows, n, w, row_h >= 26 * s ? UTH_FONT_LABEL : UTH_FONT_TICK);
  bar_w = w - name_w - 110 * s;
  for (i = 0; i < n; i++)
    if (rows[i].fits && isfinite (row_metric (&rows[i], key)))
      max_v = MAX (max_v, row_metric (&rows[i], key));

  for (i = 0; i < n; i++)
    {
      const UthGpuEntry *g = gpu_of (ctx, rows[i].index);
      double ry = y + i * row_h, v = row_metric (&rows[i], key);
      gboolean current = ctx->gpu != NULL && g_strcmp0 (g->id, ctx->gpu->id) == 0;
      g_autofree char *name = rows[i].gpus > 1 ? g_strdup_printf ("%u × %s", rows[i].gpus, g->name)
                                               : g_strdup (g->name);
      g_autofree char *value = NULL;
      UthFont font = row_h >= 26 * s ? UTH_FONT_LABEL : UTH_FONT_TICK;
      double tw;

      /* A name too long for the column in the label font takes the tick font. */
      uth_draw_text_size (cr, ctx, font, name, &tw, NULL);
      if (tw > name_w - 8 * s)
        font = UTH_FONT_TICK;

      uth_draw_set_color (cr, ctx, current ? UTH_COLOR_ACCENT : rows[i].fits ? UTH_COLOR_FOREGROUND
                                                                              : UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, font, name, x + name_w - 8 * s, ry + row_h / 2, UTH_ANCHOR_E,
                     name_w - 8 * s, NULL);
      if (!rows[i].fits)
        {
          uth_draw_text (cr, ctx, UTH_FONT_TICK, _("does not fit on 8 GPUs"), x + name_w, ry + row_h / 2,
                         UTH_ANCHOR_W, 0, NULL);
          continue;
        }
      value = key == UTH_SORT_THROUGHPUT ? uth_format_tokens_rate (v)
            : key == UTH_SORT_TTFT ? uth_format_seconds (v) : uth_format_usd (v);
      if (max_v > 0 && isfinite (v))
        {
          double bw = MAX (v / max_v * bar_w, 1.0);

          if (current)
            uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
          else
            uth_draw_set_categorical (cr, ctx, key == UTH_SORT_COST ? 1 : key == UTH_SORT_TTFT ? 2 : 0);
          cairo_rectangle (cr, x + name_w, ry + row_h * 0.18, bw, row_h * 0.64);
          cairo_fill (cr);
          uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
          uth_draw_text (cr, ctx, font, value, x + name_w + bw + 6 * s, ry + row_h / 2,
                         UTH_ANCHOR_W, 0, NULL);
        }
    }
}

/* Below this size the panels would crowd each other: draw at it and scale down. */
static void
fit_to_minimum (cairo_t                *cr,
                const UthFigureContext *ctx,
                double                 *width,
                double                 *height)
{
  double s = uth_draw_scale (ctx);
  double f = MIN (1.0, MIN (*width / (MIN_WIDTH * s), *height / (MIN_HEIGHT * s)));

  if (f < 1.0 && f > 0.0)
    {
      cairo_scale (cr, f, f);
      *width /= f;
      *height /= f;
    }
}

/* How many rows the GPU list has. */
static guint
gpu_row_count (const UthFigureContext *ctx)
{
  UthGpuSort key = ctx->view >= 0 && ctx->view <= 2 ? (UthGpuSort) ctx->view : UTH_SORT_COST;
  g_autofree UthGpuComparison *rows = NULL;

  return uth_cost_gpu_rows (ctx, key, &rows);
}

/* The height of the GPU list with its heading, each row GPU_ROW_H tall. */
static double
gpu_list_height (cairo_t                *cr,
                 const UthFigureContext *ctx)
{
  double s = uth_draw_scale (ctx), line;

  uth_draw_text_size (cr, ctx, UTH_FONT_HEADING, "Ag", NULL, &line);
  return 2 * line + 16 * s + gpu_row_count (ctx) * GPU_ROW_H * s;
}

/* The narrow layout below the title at y: one column, the GPU list last (its top in
 * *gpu_y). Returns the height of the whole figure. */
static double
narrow_body (cairo_t                *cr,
             const UthFigureContext *ctx,
             const UthEstimate      *est,
             double                  width,
             double                  y,
             double                 *gpu_y)
{
  double s = uth_draw_scale (ctx), m = uth_draw_margin (ctx), w = width - 2 * m;
  double gh = gpu_list_height (cr, ctx);

  y += draw_cards (cr, ctx, est, m, y, w, 200 * s) + 22 * s;
  y = draw_memory (cr, ctx, est, m, y, w) + 12 * s;
  y = draw_request_time (cr, ctx, est, m, y, w) + 16 * s;
  /* Presentation builds as in the wide layout: 2 rules of thumb, 3 the GPUs (their place
   * is kept, so the page does not jump between builds). */
  {
    /* The rules as tall as their table or blocks take (at least NARROW_THUMBS_H). */
    gboolean shown = uth_figure_shows_build (ctx, 2);
    double bottom = draw_thumbs (cr, ctx, m, y, w, NARROW_THUMBS_H * s, TRUE, shown);

    bottom = MAX (bottom, y + NARROW_THUMBS_H * s);

    if (shown)
      draw_measured (cr, ctx, m, bottom + 14 * s, w, NARROW_MEASURED_H * s);
    y = bottom + 14 * s + NARROW_MEASURED_H * s + 14 * s;
  }
  *gpu_y = y;
  if (uth_figure_shows_build (ctx, 3))
    draw_gpus (cr, ctx, m, y, w, gh);
  return y + gh + m;
}

/* The narrow layout's scale: 1 from NARROW_MIN_WIDTH. */
static double
narrow_fit (const UthFigureContext *ctx,
            double                  width)
{
  double s = uth_draw_scale (ctx);

  return MIN (1.0, width / (NARROW_MIN_WIDTH * s));
}

/* Lays the narrow layout out on a scratch surface at the virtual width vw: the height it
 * takes and the top of the GPU list. */
static double
narrow_measure (const UthFigureContext *ctx,
                double                  vw,
                double                 *gpu_y)
{
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);
  double m = uth_draw_margin (ctx), y, h = 0;
  UthEstimate own;
  const UthEstimate *est = ctx->estimate;
  g_autofree char *title = NULL, *subtitle = NULL;

  *gpu_y = 0;
  if (est == NULL && uth_estimate (&ctx->input, &own) == UTH_ESTIMATE_OK)
    est = &own;
  cost_titles (ctx, est, &title, &subtitle);
  y = uth_draw_title (cr, ctx, title, subtitle, m, m, vw - 2 * m);
  if (est != NULL)
    h = narrow_body (cr, ctx, est, vw, y, gpu_y);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
  return MAX (h, y + m);
}

/* Whether the figure takes the one-column layout: narrower than MIN_WIDTH, in presentation
 * mode too (a slide that cannot show it whole draws it with a smaller text scale, see
 * uth_lecture_draw_figure, rather than shrinking the two columns below readable). */
static gboolean
use_narrow (const UthFigureContext *ctx,
            double                  width)
{
  double s = uth_draw_scale (ctx);

  return width < MIN_WIDTH * s;
}

double
uth_cost_page_height (double                  width,
                      const UthFigureContext *ctx)
{
  double s = uth_draw_scale (ctx), f, gpu_y;

  if (!use_narrow (ctx, width))
    return MIN_HEIGHT * s * MIN (1.0, width / (MIN_WIDTH * s));
  f = narrow_fit (ctx, width);
  return narrow_measure (ctx, width / f, &gpu_y) * f;
}

void
uth_draw_cost (cairo_t                *cr,
               double                  width,
               double                  height,
               const UthFigureContext *ctx)
{
  double s = uth_draw_scale (ctx);
  double m = uth_draw_margin (ctx);
  double left_w, y;
  UthEstimate own;
  const UthEstimate *est = ctx->estimate;
  g_autofree char *title = NULL, *subtitle = NULL;

  if (ctx->analysis == NULL)
    {
      uth_draw_computing (cr, width, height, ctx);
      return;
    }
  if (est == NULL && uth_estimate (&ctx->input, &own) == UTH_ESTIMATE_OK)
    est = &own;
  if (use_narrow (ctx, width))
    {
      double f = narrow_fit (ctx, width), gpu_y;

      if (f < 1.0)
        {
          cairo_scale (cr, f, f);
          width /= f;
          height /= f;
        }
      uth_draw_background (cr, width, height, ctx);
      cost_titles (ctx, est, &title, &subtitle);
      y = uth_draw_title (cr, ctx, title, subtitle, m, m, width - 2 * m);
      if (est != NULL)
        narrow_body (cr, ctx, est, width, y, &gpu_y);
      else
        {
          uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
          uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING,
                              _("The estimator cannot cost this scenario: check the model, GPU, engine and lengths."),
                              m, y, width - 2 * m);
        }
      return;
    }
  fit_to_minimum (cr, ctx, &width, &height);
  left_w = width * 0.6 - m;
  uth_draw_background (cr, width, height, ctx);
  cost_titles (ctx, est, &title, &subtitle);
  y = uth_draw_title (cr, ctx, title, subtitle, m, m, width - 2 * m);
  if (est == NULL)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
      uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING,
                          _("The estimator cannot cost this scenario: check the model, GPU, engine and lengths."),
                          m, y, width - 2 * m);
      return;
    }

  /* Presentation builds: 1 speed, memory and time, 2 rules of thumb, 3 the GPUs. */
  if (uth_figure_shows_build (ctx, 3))
    draw_gpus (cr, ctx, width * 0.6 + 24 * s, y, width * 0.4 - m - 24 * s, height - m - y);
  if (est->fits)
    y += draw_cards (cr, ctx, est, m, y, left_w, 200 * s) + 22 * s;
  else
    {
      draw_does_not_fit (cr, ctx, est, m, y, left_w, 200 * s);
      y += 200 * s + 22 * s;
    }
  y = draw_memory (cr, ctx, est, m, y, left_w) + 12 * s;
  y = draw_request_time (cr, ctx, est, m, y, left_w) + 16 * s;
  if (!uth_figure_shows_build (ctx, 2))
    return;
  y = draw_thumbs (cr, ctx, m, y, left_w, height - m - y - 110 * s, FALSE, TRUE) + 14 * s;
  draw_measured (cr, ctx, m, y, left_w, height - m - y);
}

gboolean
uth_draw_cost_hit (double                  width,
                   double                  height,
                   const UthFigureContext *ctx,
                   double                  x,
                   double                  y,
                   UthFigureHit           *hit)
{
  double s = uth_draw_scale (ctx);
  double m = uth_draw_margin (ctx);
  double f = MIN (1.0, MIN (width / (MIN_WIDTH * s), height / (MIN_HEIGHT * s)));
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);
  UthGpuSort key = ctx->view >= 0 && ctx->view <= 2 ? (UthGpuSort) ctx->view : UTH_SORT_COST;
  g_autofree UthGpuComparison *rows = NULL;
  g_autofree char *title = NULL, *subtitle = NULL;
  UthEstimate own;
  const UthEstimate *est = ctx->estimate;
  GpuRows geo;
  gboolean found = FALSE, narrow;
  guint n;
  int i;

  hit->index = -1;
  hit->tooltip = NULL;
  if (est == NULL && uth_estimate (&ctx->input, &own) == UTH_ESTIMATE_OK)
    est = &own;
  narrow = use_narrow (ctx, width);
  if (narrow)
    f = narrow_fit (ctx, width);
  if (f > 0.0 && f < 1.0)
    {
      width /= f;
      height /= f;
      x /= f;
      y /= f;
    }
  n = est != NULL ? uth_cost_gpu_rows (ctx, key, &rows) : 0;
  if (n > 0 && narrow)
    {
      double gpu_y;

      narrow_measure (ctx, width, &gpu_y);
      gpu_rows_geometry (cr, ctx, m, gpu_y, width - 2 * m, gpu_list_height (cr, ctx), n, &geo);
    }
  else if (n > 0)
    {
      double top;

      cost_titles (ctx, est, &title, &subtitle);
      top = uth_draw_title (cr, ctx, title, subtitle, m, m, width - 2 * m);
      gpu_rows_geometry (cr, ctx, width * 0.6 + 24 * s, top, width * 0.4 - m - 24 * s,
                         height - m - top, n, &geo);
    }
  if (n > 0)
    {
      i = geo.row_h > 0 ? (int) floor ((y - geo.y) / geo.row_h) : -1;
      if (x >= geo.x && x <= geo.x + geo.w && i >= 0 && i < (int) n)
        {
          const UthGpuComparison *r = &rows[i];
          const UthGpuEntry *g = gpu_of (ctx, r->index);
          g_autofree char *name = g_markup_escape_text (g->name, -1);
          g_autofree char *tps = uth_format_tokens_rate (r->tokens_per_second);
          g_autofree char *seq = uth_format_tokens_rate (r->tokens_per_second_per_sequence);
          g_autofree char *ttft = uth_format_seconds (r->ttft_s);
          g_autofree char *cin = uth_format_usd (r->cost_per_million_input);
          g_autofree char *cout = uth_format_usd (r->cost_per_million_output);
          g_autofree char *price = uth_format_usd (r->price_per_hour);
          g_autofree char *mem = uth_format_percent (r->memory_fraction);

          hit->index = (int) r->index;
          if (r->fits)
            hit->tooltip = g_strdup_printf (_("<b>%u × %s</b>\nmemory used: %s\ndecode: %s in total, %s per sequence\ntime to first token: %s\n%s per million input tokens, %s per million output tokens\n%s per hour for the set-up\nClick to make it the scenario’s GPU."),
                                            r->gpus, name, mem, tps, seq, ttft, cin, cout, price);
          else
            hit->tooltip = g_strdup_printf (_("<b>%s</b>\nthe model does not fit on 8 of them (%s of their memory)"),
                                            name, mem);
          found = TRUE;
        }
    }
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
  return found;
}
