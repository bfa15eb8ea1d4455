/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-render"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <inttypes.h>

#include "core/uth-memory.h"
#include "render/uth-draw-batching.h"
#include "render/uth-draw-common.h"

/* The page reflows rather than shrinks (sizes at scale 1): from BATCHING_WIDE_WIDTH the two
 * timelines sit side by side and the utilization plot beside the cards; narrower, each
 * takes the full width, one below the other, and the figure asks for the height (it
 * scrolls). Each part has a least height that grows with the type. */
#define BATCHING_WIDE_WIDTH 1100.0
#define BATCHING_MIN_WIDTH 760.0
#define TIMELINE_MIN_HEIGHT 380.0
#define UTILIZATION_MIN_HEIGHT 340.0
#define COLUMN_GAP 32.0
#define SECTION_GAP 16.0
#define LEGEND_SWATCH_W 46.0
#define LEGEND_SWATCH_H 20.0
#define LEGEND_GAP 28.0
#define LEGEND_ROW_GAP 6.0
#define CARD_PAD 12.0
#define CARD_GAP 12.0
#define STRIP_KEY_GAP 16.0      /* between two keys of the activity strip */

/* Timelines show at most this many slots; more would be thinner than a line of text. */
#define MAX_ROWS 16
/* The automatic window covers the first requests of the trace. */
#define WINDOW_REQUESTS 40

void
uth_batching_view_init (UthBatchingView        *view,
                        const UthFigureContext *ctx)
{
  uint64_t batch = ctx != NULL ? ctx->input.batch : 1;

  memset (view, 0, sizeof *view);
  uth_batch_config_init (&view->config);
  view->config.requests = 48;
  view->config.arrival_rate = 6.0;
  view->config.prompt = (UthLengthSpec) { UTH_LENGTH_UNIFORM, 512, 128, 1024 };
  view->config.output = (UthLengthSpec) { UTH_LENGTH_EXPONENTIAL, 128, 8, 512 };
  view->config.max_batch = batch > 1 ? (uint32_t) MIN (batch, 1024) : 8;
  view->config.record_timeline = true;
  view->play_time_s = -1.0;
  view->window_s = 0.0;
}

guint
uth_batching_view_rows (const UthBatchingView *view)
{
  return MIN (view->config.max_batch, MAX_ROWS);
}

double
uth_batching_view_window (const UthBatchingView *view,
                          const UthBatchResult  *a,
                          const UthBatchResult  *b)
{
  const UthBatchResult *r[2] = { a, b };
  double end = 0.0;
  size_t i, k;

  if (view->window_s > 0.0)
    return view->window_s;
  /* Long enough for the first requests to finish under both policies. */
  for (k = 0; k < 2; k++)
    if (r[k] != NULL)
      for (i = 0; i < MIN (r[k]->n_requests, WINDOW_REQUESTS); i++)
        end = MAX (end, r[k]->requests[i].finish);
  return end > 0.0 ? end * 1.02 : 1.0;
}

static char *
format_seconds_tick (double v)
{
  g_autofree char *n = uth_format_number (v);

  return g_strdup_printf ("%s", n);
}

static char *
format_percent_tick (double v)
{
  return uth_format_percent (v);
}

static char *
format_batch_tick (double v)
{
  return g_strdup_printf ("%.0f", v);
}

/* Diagonal lines across a rectangle: the padding pattern, visible without colour. */
static void
hatch (cairo_t *cr,
       double   x,
       double   y,
       double   w,
       double   h,
       double   step)
{
  double d;

  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  for (d = -h; d < w; d += step)
    {
      cairo_move_to (cr, x + d, y + h);
      cairo_line_to (cr, x + d + h, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
request_color (const UthFigureContext *ctx,
               uint32_t                request,
               UthRgba                *out)
{
  /* Seven colours: the eighth Okabe-Ito colour is the grey that marks padding. */
  uth_draw_categorical (ctx, request % 7, out);
}

/* The padding pattern as a repeating tile: one fill per padded segment instead of a
 * clipped stroke of many lines (the timelines hold hundreds of them). */
static cairo_pattern_t *
hatch_pattern (const UthFigureContext *ctx)
{
  double s = uth_draw_scale (ctx);
  int n = MAX (4, (int) round (7 * s));
  cairo_surface_t *tile = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, n, n);
  cairo_t *t = cairo_create (tile);
  cairo_pattern_t *pattern;

  uth_draw_set_color (t, ctx, UTH_COLOR_DIM);
  cairo_set_line_width (t, 1.2 * s);
  /* The diagonal and its two neighbours, so that tiles join seamlessly. */
  cairo_move_to (t, -n, n);
  cairo_line_to (t, n, -n);
  cairo_move_to (t, 0, 2 * n);
  cairo_line_to (t, 2 * n, 0);
  cairo_move_to (t, 0, n);
  cairo_line_to (t, n, 0);
  cairo_stroke (t);
  cairo_destroy (t);
  pattern = cairo_pattern_create_for_surface (tile);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_REPEAT);
  cairo_surface_destroy (tile);
  return pattern;
}

static void
draw_segment (cairo_t                *cr,
              const UthFigureContext *ctx,
              const UthBatchSegment  *seg,
              cairo_pattern_t        *padding,
              double                  x0,
              double                  x1,
              double                  row_y,
              double                  row_h)
{
  double s = uth_draw_scale (ctx);
  double thin = row_h * 0.5, w = MAX (x1 - x0, 1.0);
  UthRgba c, fg;

  request_color (ctx, seg->request, &c);
  uth_draw_color (ctx, UTH_COLOR_FOREGROUND, &fg);
  switch (seg->kind)
    {
    case UTH_SEGMENT_PREFILL:
      /* Prefill fills the whole row, outlined: a different shape from decode. */
      cairo_rectangle (cr, x0, row_y, w, row_h);
      uth_draw_set_rgba (cr, &c, 1.0);
      cairo_fill_preserve (cr);
      uth_draw_set_rgba (cr, &fg, 0.85);
      cairo_set_line_width (cr, 1.5 * s);
      cairo_stroke (cr);
      break;
    case UTH_SEGMENT_DECODE:
      cairo_rectangle (cr, x0, row_y + (row_h - thin) / 2, w, thin);
      uth_draw_set_rgba (cr, &c, 0.9);
      cairo_fill (cr);
      break;
    case UTH_SEGMENT_PADDING:
    default:
      if (padding != NULL)
        {
          cairo_rectangle (cr, x0, row_y + (row_h - thin) / 2, w, thin);
          cairo_set_source (cr, padding);
          cairo_fill (cr);
        }
      else
        {
          uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
          cairo_set_line_width (cr, 1.2 * s);
          hatch (cr, x0, row_y + (row_h - thin) / 2, w, thin, 7 * s);
        }
      break;
    }
}

typedef struct
{
  double x, y, w, h;          /* the lanes */
  double axis_y;              /* where the time axis goes, below the activity strip */
  double window;
  guint  rows;
} Lanes;

static void
draw_lanes_axes (cairo_t                *cr,
                 const UthFigureContext *ctx,
                 const Lanes            *l)
{
  double s = uth_draw_scale (ctx);
  double row_h = l->h / l->rows, ticks[16];
  UthChartScale xs = { 0.0, l->window, false };
  size_t n, i;
  guint r;

  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1.0);
  n = uth_chart_ticks (&xs, MAX (2, (size_t) (l->w / (90 * s))), ticks, G_N_ELEMENTS (ticks));
  for (i = 0; i < n; i++)
    {
      double px = round (l->x + ticks[i] / l->window * l->w) + 0.5;
      g_autofree char *label = format_seconds_tick (ticks[i]);

      uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
      cairo_move_to (cr, px, l->y);
      cairo_line_to (cr, px, l->axis_y);
      cairo_stroke (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, label, px, l->axis_y + 4 * s, UTH_ANCHOR_N, 0, NULL);
    }
  for (r = 0; r < l->rows; r++)
    {
      g_autofree char *label = g_strdup_printf ("%u", r + 1);

      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, label, l->x - 8 * s, l->y + (r + 0.5) * row_h,
                     UTH_ANCHOR_E, 0, NULL);
    }
  uth_draw_text_vertical (cr, ctx, UTH_FONT_LABEL, _("Batch slot"), l->x - 44 * s,
                          l->y + l->h / 2);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("Time (s)"), l->x + l->w / 2,
                 l->axis_y + 26 * s, UTH_ANCHOR_N, 0, NULL);
}

#define ACTIVITY_BINS 160

/* Under the lanes, on one 0..100% scale: compute used (the steps' FLOP/s ÷ peak, bars) and
 * memory bandwidth used (bytes/s ÷ peak, a line), and the queue on its own scale (dashed).
 * Decode keeps the memory busy while the arithmetic units mostly wait. */
static void
draw_activity (cairo_t                *cr,
               const UthFigureContext *ctx,
               const UthBatchResult   *r,
               const Lanes            *l,
               double                  limit,
               double                  y,
               double                  h)
{
  double s = uth_draw_scale (ctx);
  double flops[ACTIVITY_BINS] = { 0 }, bytes[ACTIVITY_BINS] = { 0 }, queue[ACTIVITY_BINS] = { 0 };
  double dt = l->window / ACTIVITY_BINS, peak, bandwidth, top_q = 0, bw = l->w / ACTIVITY_BINS;
  double dash[] = { 5 * s, 3 * s }, inner = h - 20 * s;   /* the key row stays clear */
  g_autofree char *q_text = NULL;
  UthRgba compute, memory;
  UthChartRect ext;
  size_t i;
  int b;

  cairo_rectangle (cr, l->x, y, l->w, h);
  uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
  cairo_fill (cr);
  if (r == NULL || r->n_steps_log == 0 || ctx->input.gpu == NULL)
    return;
  peak = uth_gpu_peak_flops (ctx->input.gpu, ctx->input.activations) * ctx->input.gpus;
  bandwidth = ctx->input.gpu->memory_bandwidth * ctx->input.gpus;
  for (i = 0; i < r->n_steps_log; i++)
    {
      const UthBatchStep *st = &r->steps_log[i];
      double t1 = MIN (st->t1, limit);

      if (st->t0 >= limit)
        break;
      /* Spread the step's FLOPs and bytes over the bins it covers, in proportion to time. */
      for (b = (int) (st->t0 / dt); b < ACTIVITY_BINS && b * dt < t1; b++)
        {
          double overlap = MIN (t1, (b + 1) * dt) - MAX (st->t0, b * dt);

          if (overlap > 0 && st->t1 > st->t0)
            {
              flops[b] += st->flops * overlap / (st->t1 - st->t0);
              bytes[b] += st->bytes * overlap / (st->t1 - st->t0);
            }
          queue[b] = MAX (queue[b], st->queue);
        }
    }
  for (b = 0; b < ACTIVITY_BINS; b++)
    {
      flops[b] = peak > 0 ? MIN (flops[b] / (dt * peak), 1.0) : 0;
      bytes[b] = bandwidth > 0 ? MIN (bytes[b] / (dt * bandwidth), 1.0) : 0;
      top_q = MAX (top_q, queue[b]);
    }
  uth_draw_color (ctx, UTH_COLOR_COMPUTE, &compute);
  uth_draw_color (ctx, UTH_COLOR_MEMORY, &memory);
  uth_draw_set_rgba (cr, &compute, 0.8);
  for (b = 0; b < ACTIVITY_BINS; b++)
    if (flops[b] > 0)
      cairo_rectangle (cr, l->x + b * bw, y + h - flops[b] * inner, bw, flops[b] * inner);
  cairo_fill (cr);
  uth_draw_set_rgba (cr, &memory, 1.0);
  cairo_set_line_width (cr, 2 * s);
  for (b = 0; b < ACTIVITY_BINS && b * dt < limit; b++)
    {
      double my = y + h - bytes[b] * inner;

      if (b == 0)
        cairo_move_to (cr, l->x, my);
      else
        cairo_line_to (cr, l->x + b * bw, my);
      cairo_line_to (cr, l->x + (b + 1) * bw, my);
    }
  cairo_stroke (cr);
  if (top_q > 0)
    {
      cairo_save (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      cairo_set_line_width (cr, 1.5 * s);
      cairo_set_dash (cr, dash, 2, 0);
      for (b = 0; b < ACTIVITY_BINS && b * dt < limit; b++)
        {
          double qy = y + h - queue[b] / top_q * inner;

          if (b == 0)
            cairo_move_to (cr, l->x, qy);
          else
            cairo_line_to (cr, l->x + b * bw, qy);
          cairo_line_to (cr, l->x + (b + 1) * bw, qy);
        }
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  /* Key: swatches and words, so colour is not the only cue. */
  uth_draw_set_rgba (cr, &compute, 1.0);
  cairo_rectangle (cr, l->x + 4 * s, y + 5 * s, 12 * s, 10 * s);
  cairo_fill (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, _("compute"), l->x + 20 * s, y + 2 * s, UTH_ANCHOR_NW, 0, &ext);
  uth_draw_set_rgba (cr, &memory, 1.0);
  cairo_set_line_width (cr, 2.5 * s);
  cairo_move_to (cr, ext.x + ext.w + 10 * s, y + 10 * s);
  cairo_line_to (cr, ext.x + ext.w + 24 * s, y + 10 * s);
  cairo_stroke (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  /* xgettext:no-c-format */
  uth_draw_text (cr, ctx, UTH_FONT_TICK, _("memory, % of peak (0–100)"), ext.x + ext.w + 28 * s,
                 y + 2 * s, UTH_ANCHOR_NW, 0, &ext);
  q_text = g_strdup_printf (_("┄ queue, up to %.0f waiting"), top_q);
  /* The queue's key at the right of the same line, or of the next when the line is full. */
  {
    double qw, qy = y + 2 * s;

    uth_draw_text_size (cr, ctx, UTH_FONT_TICK, q_text, &qw, NULL);
    if (ext.x + ext.w + STRIP_KEY_GAP * s + qw > l->x + l->w - 4 * s)
      qy += ext.h + 2 * s;
    uth_draw_text (cr, ctx, UTH_FONT_TICK, q_text, l->x + l->w - 4 * s, qy, UTH_ANCHOR_NE, 0, NULL);
  }
}

#define STRIP_HEIGHT 66.0
/* The lanes' left edge (their slot numbers and axis title) from the timeline's. */
#define LANES_INDENT 64.0
#define LANES_AXIS_H 54.0        /* the time axis and its title below the strip */

/* A timeline's summary: throughput, then median time to first token (NULL without r). */
static char *
timeline_summary (const UthBatchResult *r)
{
  g_autofree char *tput = NULL, *ttft = NULL;

  if (r == NULL)
    return NULL;
  tput = uth_format_tokens_rate (r->output_tokens_per_s);
  ttft = uth_format_seconds (r->ttft_s.p50);
  /* Translators: a timeline's summary: throughput, then median time to first token. */
  return g_strdup_printf (_("%s · median time to first token %s"), tput, ttft);
}

/* Draws a timeline's heading and its summary (beside the heading, or below it when it
 * does not fit there) and places its lanes; drawing and hit-testing share it. */
static void
timeline_lanes (cairo_t                *cr,
                const UthFigureContext *ctx,
                const UthBatchingView  *view,
                const UthBatchResult   *r,
                const char             *heading,
                double                  window,
                double                  x,
                double                  y,
                double                  w,
                double                  h,
                gboolean                draw,
                Lanes                  *l)
{
  double s = uth_draw_scale (ctx);
  double strip_h = STRIP_HEIGHT * s;
  g_autofree char *markup = g_markup_escape_text (heading, -1);
  g_autofree char *summary = timeline_summary (r);
  double hw, hh, bottom, sw = 0, sh = 0;
  PangoLayout *layout = uth_draw_layout (cr, ctx, UTH_FONT_HEADING, heading);
  int pw;

  pango_layout_get_pixel_size (layout, &pw, NULL);
  g_object_unref (layout);
  hw = MIN (pw, w);
  hh = uth_draw_paragraph_height (cr, ctx, UTH_FONT_HEADING, markup, w);
  if (draw)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, markup, x, y, w);
    }
  bottom = y + hh;
  if (summary != NULL)
    {
      uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, summary, &sw, &sh);
      if (draw)
        uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      if (hh < 1.5 * sh && hw + 16 * s + sw <= w)
        {
          if (draw)
            uth_draw_text (cr, ctx, UTH_FONT_LABEL, summary, x + w, y + 2 * s, UTH_ANCHOR_NE, 0, NULL);
        }
      else
        {
          g_autofree char *sm = g_markup_escape_text (summary, -1);

          if (draw)
            bottom += uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, sm, x, bottom + 2 * s, w) + 2 * s;
          else
            bottom += uth_draw_paragraph_height (cr, ctx, UTH_FONT_LABEL, sm, w) + 2 * s;
        }
    }
  l->x = x + LANES_INDENT * s;
  l->y = bottom + 10 * s;
  l->w = w - LANES_INDENT * s - 8 * s;
  l->h = h - (l->y - y) - LANES_AXIS_H * s - strip_h - 6 * s;
  l->axis_y = l->y + l->h + 6 * s + strip_h;
  l->window = window;
  l->rows = uth_batching_view_rows (view);
}

static void
draw_timeline (cairo_t                *cr,
               const UthFigureContext *ctx,
               const UthBatchingView  *view,
               const UthBatchResult   *r,
               const char             *heading,
               double                  window,
               double                  x,
               double                  y,
               double                  w,
               double                  h)
{
  double s = uth_draw_scale (ctx);
  double limit = view->play_time_s >= 0 ? MIN (view->play_time_s, window) : window;
  double strip_h = STRIP_HEIGHT * s;
  cairo_pattern_t *padding;
  Lanes l;
  size_t i;

  timeline_lanes (cr, ctx, view, r, heading, window, x, y, w, h, TRUE, &l);

  cairo_rectangle (cr, l.x, l.y, l.w, l.h);
  uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
  cairo_fill (cr);
  draw_activity (cr, ctx, r, &l, limit, l.y + l.h + 6 * s, strip_h);
  draw_lanes_axes (cr, ctx, &l);
  if (r == NULL)
    return;

  padding = hatch_pattern (ctx);
  cairo_save (cr);
  cairo_rectangle (cr, l.x, l.y, l.w, l.h);
  cairo_clip (cr);
  for (i = 0; i < r->n_segments; i++)
    {
      const UthBatchSegment *seg = &r->segments[i];
      double row_h = l.h / l.rows, t1;

      if (seg->slot >= l.rows || seg->t0 >= limit)
        continue;
      t1 = MIN (seg->t1, limit);
      draw_segment (cr, ctx, seg, padding, l.x + seg->t0 / window * l.w, l.x + t1 / window * l.w,
                    l.y + seg->slot * row_h + row_h * 0.1, row_h * 0.8);
    }
  cairo_restore (cr);
  cairo_pattern_destroy (padding);

  if (view->play_time_s >= 0 && view->play_time_s <= window)
    {
      double px = l.x + view->play_time_s / window * l.w;

      uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
      cairo_set_line_width (cr, 2.5 * s);
      cairo_move_to (cr, px, l.y - 4 * s);
      cairo_line_to (cr, px, l.axis_y + 4 * s);
      cairo_stroke (cr);
    }
  if (view->config.max_batch > l.rows)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("%u more slot not shown",
                                                         "%u more slots not shown",
                                                         view->config.max_batch - l.rows),
                                               view->config.max_batch - l.rows);

      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, more, l.x + l.w, l.axis_y + 26 * s,
                     UTH_ANCHOR_NE, 0, NULL);
    }
}

/* The key below the timelines: "One colour per request." and the three kinds of segment,
 * wrapping onto more rows as the width needs. Draws only when draw is TRUE; returns its
 * height. */
static double
draw_legend (cairo_t                *cr,
             const UthFigureContext *ctx,
             double                  x,
             double                  y,
             double                  w,
             gboolean                draw)
{
  double s = uth_draw_scale (ctx);
  double cx = x, sw = LEGEND_SWATCH_W * s, sh = LEGEND_SWATCH_H * s, gap = LEGEND_GAP * s;
  double row_h = MAX (sh, uth_draw_font_px (ctx, UTH_FONT_LABEL) * 1.3) + LEGEND_ROW_GAP * s, cy = y;
  const char *labels[3] = { _("Prefill (full height, outlined)"), _("Decode (thin bar)"),
                            _("Padding: a finished sequence still computed (hatched)") };
  UthBatchSegment seg = { 0, 0, UTH_SEGMENT_PREFILL, 0, 0 };
  double tw;
  int i;

  uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, _("One colour per request."), &tw, NULL);
  if (draw)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("One colour per request."), cx, cy + sh / 2,
                     UTH_ANCHOR_W, 0, NULL);
    }
  cx += tw + gap;
  for (i = 0; i < 3; i++)
    {
      g_autofree char *markup = g_markup_escape_text (labels[i], -1);
      double item_w, text_w;

      uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, labels[i], &tw, NULL);
      text_w = MIN (tw, w - sw - 8 * s);
      item_w = sw + 8 * s + text_w;
      if (cx > x && cx + item_w > x + w)
        {
          cx = x;
          cy += row_h;
        }
      if (draw)
        {
          seg.kind = (UthSegmentKind) i;
          seg.request = 0;
          draw_segment (cr, ctx, &seg, NULL, cx, cx + sw, cy, sh);
          uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
          uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, markup, cx + sw + 8 * s,
                              cy + sh / 2 - uth_draw_font_px (ctx, UTH_FONT_LABEL) * 0.65, text_w + 1);
        }
      if (tw > text_w)
        cy += uth_draw_paragraph_height (cr, ctx, UTH_FONT_LABEL, markup, text_w + 1) - row_h + LEGEND_ROW_GAP * s;
      cx += item_w + gap;
    }
  return cy + row_h - y;
}

static void
diamond (cairo_t *cr,
         double   x,
         double   y,
         double   r)
{
  cairo_new_sub_path (cr);
  cairo_move_to (cr, x, y - r);
  cairo_line_to (cr, x + r, y);
  cairo_line_to (cr, x, y + r);
  cairo_line_to (cr, x - r, y);
  cairo_close_path (cr);
}

/* Measured decode steps of this model on this GPU (data/reference.json) at a context near
 * the scenario's: the utilization they imply, FLOPs and bytes of the step from the
 * estimator divided by the measured time and the peaks. Returns how many were drawn. */
static guint
draw_measured (cairo_t                *cr,
               const UthFigureContext *ctx,
               const UthPlot          *plot)
{
  double s = uth_draw_scale (ctx);
  const UthMeasuredMatch *pts[64];
  double peak = uth_gpu_peak_flops (ctx->input.gpu, ctx->input.activations) * ctx->input.gpus;
  double bw = ctx->input.gpu->memory_bandwidth * ctx->input.gpus;
  guint n = uth_analysis_measured (ctx->analysis, UTH_REFERENCE_DECODE, pts, G_N_ELEMENTS (pts)), i, drawn = 0;
  UthRgba col;
  int k;

  for (i = 0; i < n; i++)
    {
      const UthReferencePoint *p = pts[i]->point;
      UthEstimateInput in = ctx->input;
      UthEstimate est;
      double ratio = (double) p->context / (double) MAX (ctx->input.context, 1);

      if (ratio > 2.0 || ratio < 0.5 || p->batch < 1 || p->batch > 1024 || !(p->seconds > 0))
        continue;
      if (p->has_spec)
        in.model = &p->spec;
      in.batch = p->batch;
      in.context = p->context;
      in.step_tokens = 1;
      if (uth_estimate (&in, &est) != UTH_ESTIMATE_OK)
        continue;
      for (k = 0; k < 2; k++)
        {
          double v = k == 0 ? est.decode_flops / (p->seconds * peak) : est.decode_bytes / (p->seconds * bw);

          uth_draw_color (ctx, k == 0 ? UTH_COLOR_COMPUTE : UTH_COLOR_MEMORY, &col);
          v = CLAMP (v, plot->y.min, plot->y.max);
          diamond (cr, uth_plot_x (plot, p->batch), uth_plot_y (plot, v), 8 * s);
          uth_draw_set_color (cr, ctx, UTH_COLOR_BACKGROUND);
          cairo_fill_preserve (cr);
          uth_draw_set_rgba (cr, &col, 1.0);
          cairo_set_line_width (cr, 2.5 * s);
          cairo_stroke (cr);
        }
      drawn++;
    }
  return drawn;
}

/* Decode utilization at batch 1, 2, 4, ... 1024 on the scenario: from a fraction of a
 * percent, where every weight byte read feeds one multiply-add, towards the ridge. */
static void
draw_utilization (cairo_t                *cr,
                  const UthFigureContext *ctx,
                  const UthBatchingView  *view,
                  double                  x,
                  double                  y,
                  double                  w,
                  double                  h)
{
  double s = uth_draw_scale (ctx);
  UthBatchUtilization u[11];
  UthChartScale xs = { 1, 1024, true }, ys = { 0.001, 1.0, true };
  UthPlot plot;
  UthLegendItem items[3];
  UthChartRect ext;
  UthBatchRidge ridge;
  double heading_y, heading_w;
  gboolean ok[11];
  uint64_t mem_limit;
  int i, k;

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("GPU utilization of a decode step against batch size"),
                 x, y, UTH_ANCHOR_NW, w, &ext);
  heading_y = y;
  heading_w = ext.w;
  y = ext.y + ext.h + 6 * s;
  h -= ext.h + 6 * s;
  {
    /* The note on measured points goes beside the heading, or on a line of its own below
     * it when it does not fit there whole. */
    double nw, nh;

    uth_draw_text_size (cr, ctx, UTH_FONT_TICK, _("◇ measured (data/reference.json)"), &nw, &nh);
    if (nw > w - heading_w - 12 * s)
      {
        heading_y = y;
        heading_w = 0;
        y += nh + 4 * s;
        h -= nh + 4 * s;
      }
  }
  for (i = 0; i < 11; i++)
    ok[i] = uth_batch_utilization (&ctx->input, (uint64_t) 1 << i, &u[i]);
  /* Batches beyond memory cannot run: the curves stop at the last batch that fits. */
  mem_limit = uth_memory_max_batch (&ctx->input, 1024);

  /* Why compute utilisation stops climbing: the weights are shared, the KV cache is not. */
  if (uth_batch_ridge (&ctx->input, &ridge))
    {
      g_autofree char *wb = uth_format_bytes (ridge.weight_bytes);
      g_autofree char *kb = uth_format_bytes (ridge.kv_bytes);
      g_autofree char *lim = uth_format_intensity (ridge.limit_intensity);
      g_autofree char *rid = uth_format_intensity (ridge.ridge);
      g_autofree char *text = NULL, *tail = NULL;
      double ph;

      if (ridge.ridge_batch > 0 && isfinite (ridge.ridge_batch))
        tail = g_strdup_printf (_("it reaches the ridge %s at about batch %.0f."), rid, ceil (ridge.ridge_batch));
      else
        tail = g_strdup_printf (_("below the ridge %s at any batch: only contexts under %.0f tokens get there."),
                                rid, floor (ridge.ridge_context));
      /* Translators: weights' bytes, one sequence's KV cache bytes, the limit intensity, then the sentence about the ridge */
      text = g_strdup_printf (_("Each step reads the weights it uses once for the whole batch (%s at batch 1) but every sequence’s KV cache (%s each), so its FLOPs per byte tend to %s, not to infinity: %s"),
                              wb, kb, lim, tail);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      ph = uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, text, x, y, w);
      y += ph + 4 * s;
      h -= ph + 4 * s;
    }

  uth_draw_color (ctx, UTH_COLOR_COMPUTE, &items[0].color);
  items[0].label = _("compute: FLOP/s ÷ peak");
  items[0].style = UTH_LEGEND_LINE;
  uth_draw_color (ctx, UTH_COLOR_MEMORY, &items[1].color);
  items[1].label = _("memory: bytes/s ÷ peak");
  items[1].style = UTH_LEGEND_LINE;
  uth_draw_color (ctx, UTH_COLOR_DIM, &items[2].color);
  items[2].label = _("KV cache’s share of the bytes (dashed; the rest is weights)");
  items[2].style = UTH_LEGEND_LINE;
  /* One row from the panel's left edge where it fits (two rows squeezed the plot to a
   * strip at 1280 px); the legend's height is measured, so a second row still fits. */
  {
    double lh;

    lh = uth_draw_legend_height (cr, ctx, items, 3, w, TRUE);

    uth_draw_legend (cr, ctx, items, 3, x, y + h - lh, w, TRUE);
    h -= lh + 4 * s;
  }

  uth_plot_init (&plot, ctx, x, y, w, h - 4 * s, &xs, &ys);
  uth_draw_plot_axes (cr, ctx, &plot, _("Sequences in the batch"), _("Share of peak"),
                      format_batch_tick, format_percent_tick);

  /* Beyond the memory limit: shaded and labelled, no curve. */
  if (mem_limit < 1024)
    {
      double lx = uth_plot_x (&plot, MAX (mem_limit, 1));
      g_autofree char *lab = mem_limit > 0
        ? g_strdup_printf (_("memory limit: %" PRIu64), mem_limit)
        : g_strdup (_("not one sequence fits in memory"));

      uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
      cairo_rectangle (cr, lx, plot.top, plot.left + plot.width - lx, plot.height);
      cairo_fill (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
      cairo_set_line_width (cr, 2 * s);
      cairo_move_to (cr, lx, plot.top);
      cairo_line_to (cr, lx, plot.top + plot.height);
      cairo_stroke (cr);
      /* At the top of the line, clear of the batch labels near the compute curve. */
      uth_draw_text (cr, ctx, UTH_FONT_TICK, lab, lx + 4 * s, plot.top + 4 * s,
                     UTH_ANCHOR_NW, 0, NULL);
    }
  for (i = 0; i < 11; i++)
    ok[i] = ok[i] && u[i].fits;
  /* The KV cache's share of each step's bytes. */
  {
    gboolean started = FALSE;
    static const double dash[] = { 6, 4 };

    uth_draw_set_rgba (cr, &items[2].color, 1.0);
    cairo_set_line_width (cr, 2 * s);
    cairo_set_dash (cr, dash, 2, 0);
    for (i = 0; i < 11; i++)
      {
        double tot = u[i].weight_bytes + u[i].kv_bytes;
        double v = tot > 0 ? CLAMP (u[i].kv_bytes / tot, ys.min, ys.max) : ys.min;

        if (!ok[i])
          continue;
        if (!started)
          cairo_move_to (cr, uth_plot_x (&plot, u[i].batch), uth_plot_y (&plot, v));
        else
          cairo_line_to (cr, uth_plot_x (&plot, u[i].batch), uth_plot_y (&plot, v));
        started = TRUE;
      }
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0);
  }
  for (k = 0; k < 2; k++)
    {
      gboolean started = FALSE;

      uth_draw_set_rgba (cr, &items[k].color, 1.0);
      cairo_set_line_width (cr, 3 * s);
      for (i = 0; i < 11; i++)
        {
          double v = k == 0 ? u[i].compute_utilization : u[i].bandwidth_utilization;

          if (!ok[i])
            continue;
          v = CLAMP (v, ys.min, ys.max);
          if (!started)
            cairo_move_to (cr, uth_plot_x (&plot, u[i].batch), uth_plot_y (&plot, v));
          else
            cairo_line_to (cr, uth_plot_x (&plot, u[i].batch), uth_plot_y (&plot, v));
          started = TRUE;
        }
      cairo_stroke (cr);
      for (i = 0; i < 11; i++)
        if (ok[i])
          {
            double v = CLAMP (k == 0 ? u[i].compute_utilization : u[i].bandwidth_utilization,
                              ys.min, ys.max);

            cairo_new_sub_path (cr);
            cairo_arc (cr, uth_plot_x (&plot, u[i].batch), uth_plot_y (&plot, v), 4.5 * s, 0, 2 * G_PI);
            cairo_fill (cr);
          }
    }

  if (draw_measured (cr, ctx, &plot) > 0)
    {
      g_autofree char *note = g_strdup (_("◇ measured (data/reference.json)"));

      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, note, x + w, heading_y + 2 * s, UTH_ANCHOR_NE,
                     w - heading_w - 12 * s, NULL);
    }

  /* Label batch 1 and the page's batch limit with their values. */
  for (i = 0; i < 2; i++)
    {
      uint64_t b = i == 0 ? 1 : view->config.max_batch;
      UthBatchUtilization one;
      g_autofree char *pct = NULL, *label = NULL;
      double px, py;

      if (b > 1024 || (i == 1 && b == 1) || !uth_batch_utilization (&ctx->input, b, &one))
        continue;
      pct = uth_format_percent (one.compute_utilization);
      label = i == 0 ? g_strdup_printf (_("batch 1: %s"), pct)
              : one.fits ? g_strdup_printf (_("batch limit %u: %s"), (guint) b, pct)
                         : g_strdup_printf (_("batch limit %u: does not fit"), (guint) b);
      px = uth_plot_x (&plot, b);
      py = uth_plot_y (&plot, CLAMP (one.compute_utilization, ys.min, ys.max));
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      cairo_new_path (cr);
      cairo_arc (cr, px, py, 7 * s, 0, 2 * G_PI);
      cairo_set_line_width (cr, 2 * s);
      cairo_stroke (cr);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, label, px + 10 * s, py + 6 * s, UTH_ANCHOR_NW, 0, NULL);
    }
}

/* A card comparing the two runs: the label (wrapped), then one line per policy. */
static double
compare_card_height (cairo_t                *cr,
                     const UthFigureContext *ctx,
                     double                  w,
                     const char             *label)
{
  double s = uth_draw_scale (ctx), pad = CARD_PAD * s;
  g_autofree char *markup = g_markup_escape_text (label, -1);

  return 2 * pad + uth_draw_paragraph_height (cr, ctx, UTH_FONT_LABEL, markup, w - 2 * pad)
         + 2 * uth_draw_font_px (ctx, UTH_FONT_HEADING) * 1.5;
}

static void
draw_compare_card (cairo_t                *cr,
                   const UthFigureContext *ctx,
                   double                  x,
                   double                  y,
                   double                  w,
                   double                  h,
                   const char             *label,
                   const char             *a,
                   const char             *b)
{
  double s = uth_draw_scale (ctx);
  double pad = CARD_PAD * s, lh, line;
  const char *names[2] = { _("static"), _("continuous") };
  const char *values[2] = { a, b };
  g_autofree char *markup = g_markup_escape_text (label, -1);
  int i;

  uth_draw_rounded_rect (cr, x, y, w, h, 10 * s);
  uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
  cairo_fill_preserve (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  lh = uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, markup, x + pad, y + pad, w - 2 * pad);
  line = (h - 2 * pad - lh) / 2;
  for (i = 0; i < 2; i++)
    {
      double cy = y + pad + lh + line * (i + 0.5), nw;

      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, names[i], x + pad, cy, UTH_ANCHOR_W, 0, NULL);
      uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, names[i], &nw, NULL);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_HEADING, values[i], x + w - pad, cy, UTH_ANCHOR_E,
                     w - 3 * pad - nw, NULL);
    }
}

/* The six cards, two a row, each row as tall as its tallest label needs (h shared out when
 * it is more). Draws only when draw is TRUE; returns the height. */
static double
draw_cards (cairo_t                *cr,
            const UthFigureContext *ctx,
            const UthBatchResult   *st,
            const UthBatchResult   *co,
            double                  x,
            double                  y,
            double                  w,
            double                  h,
            gboolean                draw)
{
  double s = uth_draw_scale (ctx);
  double gap = CARD_GAP * s, cw = (w - gap) / 2, ch = (h - 2 * gap) / 3;
  struct { const char *label; double a, b; char *(*fmt) (double); } rows[6] = {
    { N_("Throughput"), st->output_tokens_per_s, co->output_tokens_per_s, uth_format_tokens_rate },
    { N_("Time to first token, p50"), st->ttft_s.p50, co->ttft_s.p50, uth_format_seconds },
    { N_("Time to first token, p99"), st->ttft_s.p99, co->ttft_s.p99, uth_format_seconds },
    { N_("Time per output token, p50"), st->tpot_s.p50, co->tpot_s.p50, uth_format_seconds },
    { N_("Compute · bandwidth used (÷ peak)"), st->compute_utilization, co->compute_utilization, uth_format_percent },
    { N_("Mean sequences per step"), st->mean_batch, co->mean_batch, uth_format_number },
  };
  int i;

  for (i = 0; i < 6; i++)
    ch = MAX (ch, compare_card_height (cr, ctx, cw, _(rows[i].label)));
  if (!draw)
    return 3 * ch + 2 * gap;
  for (i = 0; i < 6; i++)
    {
      g_autofree char *a = rows[i].fmt (rows[i].a);
      g_autofree char *b = rows[i].fmt (rows[i].b);

      if (i == 4)
        {
          /* Compute and memory side by side: decode keeps the memory busy, not the ALUs. */
          g_autofree char *ma = uth_format_percent (st->bandwidth_utilization);
          g_autofree char *mb = uth_format_percent (co->bandwidth_utilization);
          char *ca = g_strdup_printf ("%s · %s", a, ma);
          char *cb = g_strdup_printf ("%s · %s", b, mb);

          g_free (a);
          g_free (b);
          a = ca;
          b = cb;
        }
      draw_compare_card (cr, ctx, x + (i % 2) * (cw + gap), y + (i / 2) * (ch + gap), cw, ch,
                         _(rows[i].label), a, b);
    }
  return 3 * ch + 2 * gap;
}

/* The continuous timeline's title names the chunk size when prefill is chunked. */
static char *
continuous_title (const UthBatchingView *view)
{
  if (view->config.chunked_prefill)
    return g_strdup_printf (_("Continuous batching, prefill in %u-token chunks"),
                            view->config.prefill_chunk);
  return g_strdup (_("Continuous batching"));
}

static char *
batching_subtitle (const UthFigureContext *ctx,
                   const UthBatchingView  *view)
{
  if (view->config.arrival == UTH_ARRIVAL_BURST)
    return g_strdup_printf (ngettext ("%s on %u × %s · %u requests all at once · at most %u sequence per batch",
                                      "%s on %u × %s · %u requests all at once · at most %u sequences per batch",
                                      view->config.max_batch),
                            ctx->model != NULL ? ctx->model->name : "?", ctx->input.gpus,
                            ctx->gpu != NULL ? ctx->gpu->name : "?", view->config.requests,
                            view->config.max_batch);
  return g_strdup_printf (ngettext ("%s on %u × %s · %u requests at %.3g per second · at most %u sequence per batch",
                                    "%s on %u × %s · %u requests at %.3g per second · at most %u sequences per batch",
                                    view->config.max_batch),
                          ctx->model != NULL ? ctx->model->name : "?", ctx->input.gpus,
                          ctx->gpu != NULL ? ctx->gpu->name : "?", view->config.requests,
                          view->config.arrival_rate, view->config.max_batch);
}

/* Results to draw: the page's, or a simulation of the view made here (then own is set). */
static gboolean
view_results (const UthFigureContext  *ctx,
              const UthBatchingView   *view,
              UthBatchResult           own[2],
              const UthBatchResult   **st,
              const UthBatchResult   **co,
              UthBatchError            err[2])
{
  UthBatchConfig config;

  memset (own, 0, 2 * sizeof *own);
  err[0] = err[1] = UTH_BATCH_OK;
  *st = view->static_result;
  *co = view->continuous_result;
  if (*st != NULL && *co != NULL)
    return TRUE;
  config = view->config;
  config.record_timeline = true;
  config.policy = UTH_BATCH_STATIC;
  err[0] = uth_batch_simulate (&ctx->input, &config, NULL, &own[0]);
  config.policy = UTH_BATCH_CONTINUOUS;
  err[1] = uth_batch_simulate (&ctx->input, &config, NULL, &own[1]);
  *st = &own[0];
  *co = &own[1];
  return err[0] == UTH_BATCH_OK && err[1] == UTH_BATCH_OK;
}

typedef struct
{
  double       top;
  UthChartRect timeline[2];
  double       legend_x, legend_y, legend_w;
  UthChartRect utilization, cards;
  double       needed;      /* the least height of the whole layout */
} BatchingLayout;

typedef struct
{
  const UthFigureContext *ctx;
  const UthBatchingView  *view;
  const UthBatchResult   *st, *co;
} BatchingInput;

/* The page's parts at a width (and height: more than the least height goes to the plots). */
static void
batching_layout (cairo_t             *cr,
                 const BatchingInput *in,
                 double               width,
                 double               height,
                 BatchingLayout      *L)
{
  const UthFigureContext *ctx = in->ctx;
  double s = uth_draw_scale (ctx), m = uth_draw_margin (ctx), inner = width - 2 * m;
  double gap = SECTION_GAP * s, tl_min = TIMELINE_MIN_HEIGHT * s, legend_h, spare;
  g_autofree char *subtitle = batching_subtitle (ctx, in->view);

  L->top = m + uth_draw_title_height (cr, ctx, _("Batching: static against continuous"), subtitle, inner);
  L->legend_x = m + LANES_INDENT * s;
  L->legend_w = inner - LANES_INDENT * s;
  legend_h = draw_legend (cr, ctx, L->legend_x, 0, L->legend_w, FALSE);
  if (width >= BATCHING_WIDE_WIDTH * s - 0.5)
    {
      double col = (inner - COLUMN_GAP * s) / 2, half = width * 0.5 - m - gap;
      double cards_h = in->st != NULL && in->co != NULL
                       ? draw_cards (cr, ctx, in->st, in->co, 0, 0, half, 0, FALSE) : 0;
      double bottom_min = MAX (UTILIZATION_MIN_HEIGHT * s, cards_h), tl_h, bottom_h, by;

      L->needed = L->top + tl_min + legend_h + gap + bottom_min + m;
      spare = MAX (0, height - L->needed);
      tl_h = tl_min + spare * 0.52;
      bottom_h = bottom_min + spare * 0.48;
      L->timeline[0] = (UthChartRect) { m, L->top, col, tl_h };
      L->timeline[1] = (UthChartRect) { m + col + COLUMN_GAP * s, L->top, col, tl_h };
      L->legend_y = L->top + tl_h;
      by = L->legend_y + legend_h + gap;
      L->utilization = (UthChartRect) { m, by, width * 0.5 - m, bottom_h };
      L->cards = (UthChartRect) { width * 0.5 + gap, by, half, bottom_h };
    }
  else
    {
      double cards_h = in->st != NULL && in->co != NULL
                       ? draw_cards (cr, ctx, in->st, in->co, 0, 0, inner, 0, FALSE) : 0;
      double util_h = UTILIZATION_MIN_HEIGHT * s;

      L->needed = L->top + 2 * tl_min + gap + legend_h + gap + util_h + gap + cards_h + m;
      spare = MAX (0, height - L->needed);
      L->timeline[0] = (UthChartRect) { m, L->top, inner, tl_min + spare * 0.3 };
      L->timeline[1] = (UthChartRect) { m, L->top + L->timeline[0].h + gap, inner, tl_min + spare * 0.3 };
      L->legend_y = L->timeline[1].y + L->timeline[1].h;
      L->utilization = (UthChartRect) { m, L->legend_y + legend_h + gap, inner, util_h + spare * 0.4 };
      L->cards = (UthChartRect) { m, L->utilization.y + L->utilization.h + gap, inner, cards_h };
    }
}

static double
min_height_at (double   width,
               double   s,
               gpointer user_data)
{
  const BatchingInput *given = user_data;
  UthFigureContext local = *given->ctx;
  BatchingInput in = *given;
  cairo_t *cr = uth_draw_scratch ();
  BatchingLayout L;

  local.scale = s;
  in.ctx = &local;
  batching_layout (cr, &in, width, 0, &L);
  cairo_destroy (cr);
  return L.needed;
}

double
uth_batching_page_height (double                  width,
                          const UthFigureContext *ctx)
{
  UthBatchingView defaults;
  UthBatchResult own[2];
  UthBatchError err[2];
  BatchingInput in = { ctx, ctx->page_data, NULL, NULL };
  UthReflowPage reflow = { BATCHING_MIN_WIDTH, BATCHING_WIDE_WIDTH, min_height_at, &in };
  double h;

  if (in.view == NULL)
    {
      uth_batching_view_init (&defaults, ctx);
      in.view = &defaults;
    }
  if (!view_results (ctx, in.view, own, &in.st, &in.co, err))
    in.st = in.co = NULL;
  h = uth_reflow_page_height (&reflow, width, ctx);
  uth_batch_result_clear (&own[0]);
  uth_batch_result_clear (&own[1]);
  return h;
}

void
uth_draw_batching (cairo_t                *cr,
                   double                  width,
                   double                  height,
                   const UthFigureContext *ctx)
{
  double m = uth_draw_margin (ctx);
  double window, fit, vw, vh;
  UthBatchingView defaults;
  UthBatchResult own[2];
  UthBatchError err[2];
  BatchingInput in = { ctx, ctx->page_data, NULL, NULL };
  UthReflowPage reflow = { BATCHING_MIN_WIDTH, BATCHING_WIDE_WIDTH, min_height_at, &in };
  BatchingLayout L;
  g_autofree char *subtitle = NULL, *co_title = NULL;

  if (in.view == NULL)
    {
      uth_batching_view_init (&defaults, ctx);
      in.view = &defaults;
    }
  if (!view_results (ctx, in.view, own, &in.st, &in.co, err))
    in.st = in.co = NULL;

  uth_draw_background (cr, width, height, ctx);
  fit = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);
  cairo_save (cr);
  cairo_scale (cr, fit, fit);
  width = vw;
  height = vh;
  subtitle = batching_subtitle (ctx, in.view);
  uth_draw_title (cr, ctx, _("Batching: static against continuous"), subtitle, m, m, width - 2 * m);

  if (err[0] != UTH_BATCH_OK || err[1] != UTH_BATCH_OK)
    {
      double y = m + uth_draw_title_height (cr, ctx, _("Batching: static against continuous"), subtitle, width - 2 * m);

      uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
      uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING,
                          (err[0] == UTH_BATCH_DOES_NOT_FIT || err[1] == UTH_BATCH_DOES_NOT_FIT) &&
                          own[0].kv_capacity_tokens <= 0.0
                            ? _("The model’s weights alone do not fit in these GPUs’ memory: choose more GPUs, a smaller model or a smaller weight type.")
                            : err[0] == UTH_BATCH_DOES_NOT_FIT || err[1] == UTH_BATCH_DOES_NOT_FIT
                            ? _("A request of this trace does not fit in the memory the GPU has left after the weights: choose shorter prompts or outputs, more GPUs, or a smaller model.")
                            : _("The simulation cannot run for this scenario: check the model, GPU and engine."),
                          m, y, width - 2 * m);
      cairo_restore (cr);
      uth_batch_result_clear (&own[0]);
      uth_batch_result_clear (&own[1]);
      return;
    }

  batching_layout (cr, &in, width, height, &L);
  window = uth_batching_view_window (in.view, in.st, in.co);
  draw_timeline (cr, ctx, in.view, in.st, _("Static batching"), window,
                 L.timeline[0].x, L.timeline[0].y, L.timeline[0].w, L.timeline[0].h);
  co_title = continuous_title (in.view);
  /* Presentation builds: 1 static, 2 continuous beside it, 3 utilization and throughput. */
  if (uth_figure_shows_build (ctx, 2))
    draw_timeline (cr, ctx, in.view, in.co, co_title, window,
                   L.timeline[1].x, L.timeline[1].y, L.timeline[1].w, L.timeline[1].h);
  draw_legend (cr, ctx, L.legend_x, L.legend_y, L.legend_w, TRUE);

  if (uth_figure_shows_build (ctx, 3))
    {
      draw_utilization (cr, ctx, in.view, L.utilization.x, L.utilization.y, L.utilization.w, L.utilization.h);
      draw_cards (cr, ctx, in.st, in.co, L.cards.x, L.cards.y, L.cards.w, L.cards.h, TRUE);
    }
  cairo_restore (cr);
  uth_batch_result_clear (&own[0]);
  uth_batch_result_clear (&own[1]);
}

static char *
segment_tooltip (const UthBatchResult  *r,
                 const UthBatchSegment *seg)
{
  const UthBatchRequest *q = &r->requests[seg->request];
  const char *what = seg->kind == UTH_SEGMENT_PREFILL ? _("prefill")
                   : seg->kind == UTH_SEGMENT_DECODE ? _("decode")
                   : _("padding: finished, still computed");
  g_autofree char *arrival = uth_format_seconds (q->arrival);
  g_autofree char *wait = uth_format_seconds (q->admitted - q->arrival);
  g_autofree char *ttft = uth_format_seconds (q->first_token - q->arrival);
  g_autofree char *total = uth_format_seconds (q->finish - q->arrival);

  return g_strdup_printf (_("<b>Request %u</b> (slot %u, %s)\n%u prompt tokens, %u output tokens\narrived at %s, waited %s\nfirst token after %s, done after %s"),
                          seg->request + 1, seg->slot + 1, what, q->prompt, q->output, arrival,
                          wait, ttft, total);
}

gboolean
uth_draw_batching_hit (double                  width,
                       double                  height,
                       const UthFigureContext *ctx,
                       double                  x,
                       double                  y,
                       UthFigureHit           *hit)
{
  const UthBatchingView *view = ctx->page_data;
  UthBatchingView defaults;
  UthBatchResult own[2];
  const UthBatchResult *r[2];
  UthBatchError err[2];
  cairo_surface_t *scratch;
  cairo_t *cr;
  BatchingInput in = { ctx, NULL, NULL, NULL };
  UthReflowPage reflow = { BATCHING_MIN_WIDTH, BATCHING_WIDE_WIDTH, min_height_at, &in };
  BatchingLayout L;
  double window, limit, f, vw, vh;
  gboolean found = FALSE;
  int k;

  hit->index = -1;
  hit->tooltip = NULL;
  if (view == NULL)
    {
      uth_batching_view_init (&defaults, ctx);
      view = &defaults;
    }
  if (!view_results (ctx, view, own, &r[0], &r[1], err))
    {
      uth_batch_result_clear (&own[0]);
      uth_batch_result_clear (&own[1]);
      return FALSE;
    }
  in.view = view;
  in.st = r[0];
  in.co = r[1];
  f = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);
  x /= f;
  y /= f;
  scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (scratch);
  batching_layout (cr, &in, vw, vh, &L);
  window = uth_batching_view_window (view, r[0], r[1]);
  limit = view->play_time_s >= 0 ? MIN (view->play_time_s, window) : window;
  for (k = 0; k < 2 && !found; k++)
    {
      Lanes l;
      double row_h, t;
      guint slot;
      size_t i;
      g_autofree char *co_title = continuous_title (view);

      timeline_lanes (cr, ctx, view, r[k], k == 0 ? _("Static batching") : co_title, window,
                      L.timeline[k].x, L.timeline[k].y, L.timeline[k].w, L.timeline[k].h, FALSE, &l);
      if (x < l.x || x > l.x + l.w || y < l.y || y >= l.y + l.h)
        continue;
      row_h = l.h / l.rows;
      slot = (guint) ((y - l.y) / row_h);
      t = (x - l.x) / l.w * window;
      for (i = 0; i < r[k]->n_segments && !found; i++)
        {
          const UthBatchSegment *seg = &r[k]->segments[i];

          if (seg->slot == slot && seg->t0 <= t && t <= seg->t1 && seg->t0 < limit)
            {
              hit->index = (int) seg->request;
              hit->tooltip = segment_tooltip (r[k], seg);
              found = TRUE;
            }
        }
    }
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
  uth_batch_result_clear (&own[0]);
  uth_batch_result_clear (&own[1]);
  return found;
}
