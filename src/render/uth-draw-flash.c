/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-render"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "core/uth-estimate.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-flash.h"

/* Above this many blocks a side the grid lines of the score matrix are left out. */
#define MAX_GRID_LINES 64

typedef struct
{
  UthChartRect cards;
  UthChartRect compare;
  UthChartRect sweep;
  UthChartRect ratio;
  int          card_cols;
} PageLayout;

/* The page reflows rather than shrinks: from WIDE_PAGE_WIDTH the five cards stand in one row
 * and the subtitle on one line; narrower, the cards go in rows of three and two and the
 * subtitle gets two lines, and the figure asks for more height (the page scrolls). Only
 * below MIN_PAGE_WIDTH, or when the height is less than the layout needs, is everything
 * drawn larger and scaled down. */
#define WIDE_PAGE_WIDTH 1360.0
#define MIN_PAGE_WIDTH 800.0
/* Narrower than this (at scale 1) the cards go in rows of two and the two charts at the
 * bottom one above the other. */
#define NARROW_PAGE_WIDTH 1000.0
/* Least height of the side-by-side comparison and of the two charts below it at scale 1. */
#define MIN_UPPER_HEIGHT 320.0
#define MIN_LOWER_HEIGHT 280.0

static void
layout_bands (double  width,
              double  s,
              double *top,
              double *cards_h,
              int    *card_cols)
{
  /* (A hair's tolerance: the scaled-down width of the wide layout lands on the threshold.) */
  gboolean wide = width >= WIDE_PAGE_WIDTH * s - 0.5;

  gboolean narrow = width < NARROW_PAGE_WIDTH * s - 0.5;

  *card_cols = wide ? 5 : narrow ? 2 : 3;
  *top = 24 * s + (wide ? 76 : 104) * s;
  *cards_h = wide ? 104 * s : narrow ? 3 * 100 * s + 2 * 12 * s : 2 * 100 * s + 12 * s;
}

/* Whether the sweep and the ratio charts go one above the other. */
static gboolean
charts_stacked (double width,
                double s)
{
  return width < NARROW_PAGE_WIDTH * s - 0.5;
}

static double
min_height_at (double   width,
               double   s,
               gpointer user_data)
{
  double top, cards_h;
  int cols;

  layout_bands (width, s, &top, &cards_h, &cols);
  return top + cards_h + 28 * s + (MIN_UPPER_HEIGHT + 28 + MIN_LOWER_HEIGHT) * s + 24 * s
         + (charts_stacked (width, s) ? (28 + MIN_LOWER_HEIGHT) * s : 0);
}

static const UthReflowPage reflow = { MIN_PAGE_WIDTH, WIDE_PAGE_WIDTH, min_height_at, NULL };

double
uth_flash_page_height (double                  width,
                       const UthFigureContext *ctx)
{
  return uth_reflow_page_height (&reflow, width, ctx);
}

double
uth_flash_page_scale (double                  width,
                      double                  height,
                      const UthFigureContext *ctx)
{
  return uth_reflow_page_scale (&reflow, width, height, ctx);
}

guint64
uth_flash_sweep_seq (int i)
{
  /* Four points per doubling, rounded to whole tokens. */
  return (guint64) llround (UTH_FLASH_SWEEP_MIN * pow (2.0, i / 4.0));
}

gboolean
uth_flash_view_init (UthFlashView           *view,
                     const UthFigureContext *ctx)
{
  const UthModel *model = ctx != NULL ? ctx->input.model : NULL;
  const UthGpu *gpu = ctx != NULL ? ctx->input.gpu : NULL;

  memset (view, 0, sizeof *view);
  view->hover = -1;
  view->dtype = ctx != NULL ? ctx->input.activations : UTH_DTYPE_BF16;
  view->input.bytes_per_element = uth_dtype_bytes (view->dtype);
  if (!(view->input.bytes_per_element > 0))
    view->input.bytes_per_element = 2.0;
  view->input.seq = ctx != NULL && ctx->input.prompt > 0 ? ctx->input.prompt : 4096;
  view->input.seq = MIN (view->input.seq, (guint64) 1 << 22);
  view->input.head_dim = model != NULL ? model->head_dim : 128;
  view->input.heads = model != NULL ? model->heads : 32;
  view->input.batch = ctx != NULL && ctx->input.batch > 0 ? ctx->input.batch : 1;
  /* The on-chip memory one thread block may use: the SM's shared memory. */
  view->input.sram_bytes = gpu != NULL && gpu->smem_per_sm_bytes > 0 ? gpu->smem_per_sm_bytes
                                                                      : 192.0 * 1024.0;
  view->input.causal = TRUE;
  return model != NULL;
}

static guint64
clamp_step (const UthFlashView *view,
            const UthFlash     *f)
{
  return f->steps > 0 ? MIN (view->step, f->steps - 1) : 0;
}

/* ---- side by side ---- */

/* A side of the comparison at scale 1: the heading and status line above the tensors, a
 * second status line's height, and the width below which the status may need it. */
#define SIDE_HEAD_H    64
#define SIDE_LINE_H    20
#define SIDE_NARROW_W  440
#define STATUS_Y       26

/* A side's status under its heading, wrapped when the side is too narrow for one line. */
static void
draw_status (cairo_t                *cr,
             const UthFigureContext *ctx,
             const char             *text,
             double                  x,
             double                  y,
             double                  w)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, escaped, x, y, w);
}

typedef struct
{
  double x, y, w, h;        /* panel */
  double bar_w, sq, top;    /* tensor bar width, score square side, top of the tensors */
  gboolean short_lines;     /* no room for the shapes in the list right of the square */
} SidePanel;

static void
side_geometry (double     x,
               double     y,
               double     w,
               double     h,
               double     s,
               SidePanel *p)
{
  /* A narrow side leaves its status line room to wrap onto a second line. */
  double head = (w < SIDE_NARROW_W * s ? SIDE_HEAD_H + SIDE_LINE_H : SIDE_HEAD_H) * s;

  p->x = x;
  p->y = y;
  p->w = w;
  p->h = h;
  p->top = y + head;
  p->bar_w = 26 * s;
  p->sq = MIN (h - head - 112 * s, w - 4 * 34 * s - 40 * s);
  p->sq = MAX (p->sq, 20 * s);
  /* A narrow side (the page at about 1000 px) lists what the memory holds without the
   * shapes, so the lines right of the square are not cut. */
  p->short_lines = w - 4 * 34 * s - 40 * s - p->sq < 270 * s;
}

static void
draw_tensor_bars (cairo_t                *cr,
                  const UthFigureContext *ctx,
                  const SidePanel        *p,
                  double                  hi_q0,
                  double                  hi_q1,
                  double                  hi_k0,
                  double                  hi_k1)
{
  static const char *names[4] = { "Q", "K", "V", "O" };
  double s = uth_draw_scale (ctx);
  UthRgba mem, acc;

  uth_draw_color (ctx, UTH_COLOR_MEMORY, &mem);
  uth_draw_color (ctx, UTH_COLOR_ACCENT, &acc);
  for (int i = 0; i < 4; i++)
    {
      double bx = p->x + i * (p->bar_w + 8 * s);
      double lo = (i == 0 || i == 3) ? hi_q0 : hi_k0, hi = (i == 0 || i == 3) ? hi_q1 : hi_k1;

      uth_draw_set_rgba (cr, &mem, 0.25);
      cairo_rectangle (cr, bx, p->top, p->bar_w, p->sq);
      cairo_fill (cr);
      if (hi > lo)
        {
          uth_draw_set_rgba (cr, &acc, 0.9);
          cairo_rectangle (cr, bx, p->top + lo * p->sq, p->bar_w, MAX ((hi - lo) * p->sq, 2 * s));
          cairo_fill (cr);
        }
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      cairo_set_line_width (cr, 1.0);
      cairo_rectangle (cr, bx, p->top, p->bar_w, p->sq);
      cairo_stroke (cr);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, names[i], bx + p->bar_w / 2, p->top - 4 * s,
                     UTH_ANCHOR_S, 0, NULL);
    }
}

static double
square_x (const SidePanel *p,
          double           s)
{
  return p->x + 4 * (p->bar_w + 8 * s) + 20 * s;
}

/* A short list of what a memory holds, right of the square. */
static void
draw_holdings (cairo_t                *cr,
               const UthFigureContext *ctx,
               const SidePanel        *p,
               const char             *heading,
               const char * const     *lines,
               int                     n)
{
  double s = uth_draw_scale (ctx);
  double x = square_x (p, s) + p->sq + 20 * s, w = p->x + p->w - x, y = p->top;

  if (w < 80 * s)
    return;
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, heading, x, y, UTH_ANCHOR_NW, w, NULL);
  y += 26 * s;
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  for (int i = 0; i < n; i++)
    {
      uth_draw_text (cr, ctx, UTH_FONT_TICK, lines[i], x, y, UTH_ANCHOR_NW, w, NULL);
      y += 22 * s;
    }
}

static void
draw_counters (cairo_t                *cr,
               const UthFigureContext *ctx,
               const SidePanel        *p,
               double                  read,
               double                  written,
               double                  full,
               double                  peak)
{
  double s = uth_draw_scale (ctx);
  double y = p->top + p->sq + 18 * s;
  double bw = p->w - 10 * s;
  g_autofree char *r = uth_format_bytes (read), *w = uth_format_bytes (written);
  g_autofree char *pk = uth_format_bytes (peak);
  g_autofree char *line = NULL, *line2 = NULL;
  UthRgba mem, grid;

  uth_draw_color (ctx, UTH_COLOR_MEMORY, &mem);
  uth_draw_color (ctx, UTH_COLOR_GRID, &grid);
  line = g_strdup_printf (_("HBM read %s, written %s"), r, w);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, line, p->x, y, UTH_ANCHOR_NW, p->w, NULL);
  y += 28 * s;
  /* The bar's full length is the standard algorithm's total, so both sides compare. */
  uth_draw_set_rgba (cr, &grid, 1.0);
  cairo_rectangle (cr, p->x, y, bw, 14 * s);
  cairo_fill (cr);
  uth_draw_set_rgba (cr, &mem, 1.0);
  cairo_rectangle (cr, p->x, y, bw * CLAMP ((read + written) / full, 0, 1), 14 * s);
  cairo_fill (cr);
  y += 22 * s;
  line2 = g_strdup_printf (_("Peak memory of attention: %s"), pk);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, line2, p->x, y, UTH_ANCHOR_NW, p->w, NULL);
}

static void
draw_standard_side (cairo_t                *cr,
                    const UthFigureContext *ctx,
                    const SidePanel        *p,
                    const UthFlashInput    *in,
                    const UthFlash         *f,
                    double                  progress)
{
  double n_d = (double) in->seq * in->head_dim, n_n = (double) in->seq * (double) in->seq;
  static const char *pass_names[UTH_FLASH_N_PASSES] = {
    N_("Pass 1 of 3: S = QKᵀ, written to HBM"),
    N_("Pass 2 of 3: P = softmax (S), S read, P written"),
    N_("Pass 3 of 3: O = PV, P read from HBM"),
  };
  double s = uth_draw_scale (ctx);
  double sx = square_x (p, s), within;
  double read, written;
  UthFlashPass pass;
  UthRgba score, prob, acc;

  uth_flash_standard_bytes_at (f, progress, &read, &written, &pass);
  within = CLAMP (progress * UTH_FLASH_N_PASSES - pass, 0, 1);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Standard attention"), p->x, p->y, UTH_ANCHOR_NW, p->w, NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  draw_status (cr, ctx, _(pass_names[pass]), p->x, p->y + STATUS_Y * s, p->w);

  /* Each pass streams whole tensors: no block to point at. */
  draw_tensor_bars (cr, ctx, p, 0, 0, 0, 0);

  /* The N x N matrix lives in HBM: S fills row by row, then turns into P, then is read. */
  uth_draw_color (ctx, UTH_COLOR_BAD, &score);
  uth_draw_color (ctx, UTH_COLOR_COMPUTE, &prob);
  uth_draw_color (ctx, UTH_COLOR_ACCENT, &acc);
  if (pass == UTH_FLASH_PASS_SCORES)
    {
      uth_draw_set_rgba (cr, &score, 0.8);
      cairo_rectangle (cr, sx, p->top, p->sq, p->sq * within);
      cairo_fill (cr);
    }
  else
    {
      double turned = pass == UTH_FLASH_PASS_SOFTMAX ? within : 1.0;

      uth_draw_set_rgba (cr, &prob, 0.8);
      cairo_rectangle (cr, sx, p->top, p->sq, p->sq * turned);
      cairo_fill (cr);
      uth_draw_set_rgba (cr, &score, 0.8);
      cairo_rectangle (cr, sx, p->top + p->sq * turned, p->sq, p->sq * (1 - turned));
      cairo_fill (cr);
      if (pass == UTH_FLASH_PASS_OUTPUT)
        {
          uth_draw_set_rgba (cr, &acc, 1.0);
          cairo_set_line_width (cr, 3 * s);
          cairo_move_to (cr, sx, p->top + p->sq * within);
          cairo_line_to (cr, sx + p->sq, p->top + p->sq * within);
          cairo_stroke (cr);
        }
    }
  {
    double turned = pass == UTH_FLASH_PASS_SCORES ? 0.0 : (pass == UTH_FLASH_PASS_SOFTMAX ? within : 1.0);
    double filled = pass == UTH_FLASH_PASS_SCORES ? within : 1.0;
    /* A small square (a narrow page) names the matrices by their letters alone. */
    gboolean wide = p->sq >= 170 * s;

    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);

    if (turned * p->sq > 30 * s)
      uth_draw_text (cr, ctx, UTH_FONT_HEADING, wide ? _("P (probabilities)") : "P", sx + p->sq / 2,
                     p->top + p->sq * turned / 2, UTH_ANCHOR_CENTER, p->sq, NULL);
    if ((filled - turned) * p->sq > 30 * s)
      uth_draw_text (cr, ctx, UTH_FONT_HEADING, wide ? _("S (scores)") : "S", sx + p->sq / 2,
                     p->top + p->sq * (turned + filled) / 2, UTH_ANCHOR_CENTER, p->sq, NULL);
  }
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cairo_set_line_width (cr, 1.5 * s);
  cairo_rectangle (cr, sx, p->top, p->sq, p->sq);
  cairo_stroke (cr);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, pass == UTH_FLASH_PASS_SCORES ? _("S: N × N in HBM") : _("S, then P: N × N in HBM"),
                 sx + p->sq / 2, p->top - 4 * s, UTH_ANCHOR_S, p->sq + 40 * s, NULL);

  draw_counters (cr, ctx, p, read, written, f->standard_bytes, f->standard_peak_bytes);
  {
    double per = f->standard_peak_bytes / (4.0 * n_d + 2.0 * n_n);
    g_autofree char *qkvo = uth_format_bytes (4.0 * n_d * per), *sp = uth_format_bytes (2.0 * n_n * per);
    g_autofree char *l0 = p->short_lines ? g_strdup_printf (_("Q, K, V, O: %s"), qkvo)
                                         : g_strdup_printf (_("Q, K, V, O: 4 × N × d, %s"), qkvo);
    g_autofree char *l1 = p->short_lines ? g_strdup_printf (_("S and P: %s"), sp)
                                         : g_strdup_printf (_("S and P: 2 × N × N, %s"), sp);
    const char *lines[] = { l0, l1 };

    draw_holdings (cr, ctx, p, _("In HBM"), lines, 2);
  }
}

static void
draw_flash_side (cairo_t                *cr,
                 const UthFigureContext *ctx,
                 const SidePanel        *p,
                 const UthFlashView     *view,
                 const UthFlash         *f,
                 guint64                 step)
{
  double s = uth_draw_scale (ctx);
  double sx = square_x (p, s);
  double n = (double) view->input.seq;
  double read, written, dash[] = { 6 * s, 4 * s };
  guint64 bi = 0, bj = 0;
  g_autofree char *status = NULL;
  UthRgba done, acc, grid;

  uth_flash_step_block (&view->input, f, step, &bi, &bj);
  uth_flash_bytes_at_step (&view->input, f, step, &read, &written);
  status = g_strdup_printf (_("Step %" PRIu64 " of %" PRIu64 ": block of K, V %" PRIu64 " against block of Q %" PRIu64 " in SRAM"),
                            step + 1, f->steps, bj + 1, bi + 1);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Flash Attention"), p->x, p->y, UTH_ANCHOR_NW, p->w, NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  draw_status (cr, ctx, status, p->x, p->y + STATUS_Y * s, p->w);

  draw_tensor_bars (cr, ctx, p,
                    bi * f->br / n, MIN ((bi + 1) * f->br, view->input.seq) / n,
                    bj * f->bc / n, MIN ((bj + 1) * f->bc, view->input.seq) / n);

  /* Blocks already done, column by column (the outer loop runs over K and V blocks). */
  uth_draw_color (ctx, UTH_COLOR_COMPUTE, &done);
  uth_draw_color (ctx, UTH_COLOR_ACCENT, &acc);
  uth_draw_color (ctx, UTH_COLOR_GRID, &grid);
  uth_draw_set_rgba (cr, &done, 0.6);
  if (f->tc <= 2048)
    for (guint64 col = 0; col <= bj && col < f->tc; col++)
      {
        guint64 first = view->input.causal ? (col * f->bc) / f->br : 0;
        guint64 last = col < bj ? f->tr - 1 : bi;
        double x0 = sx + p->sq * (col * f->bc) / n;
        double x1 = sx + p->sq * MIN ((col + 1) * f->bc, view->input.seq) / n;
        double y0, y1;

        if (first > last)
          continue;
        y0 = p->top + p->sq * (first * f->br) / n;
        y1 = p->top + p->sq * MIN ((last + 1) * f->br, view->input.seq) / n;
        cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
      }
  else
    {
      /* Blocks far below a pixel: the finished columns as one shape (a trapezoid under
       * the diagonal when causal), the current column up to the current block. */
      double xj = sx + p->sq * (bj * f->bc) / n;
      double xe = sx + p->sq * MIN ((bj + 1) * f->bc, view->input.seq) / n;
      double yi = p->top + p->sq * MIN ((bi + 1) * f->br, view->input.seq) / n;

      cairo_move_to (cr, sx, p->top);
      cairo_line_to (cr, xj, view->input.causal ? p->top + (xj - sx) : p->top);
      cairo_line_to (cr, xj, p->top + p->sq);
      cairo_line_to (cr, sx, p->top + p->sq);
      cairo_close_path (cr);
      cairo_rectangle (cr, xj, view->input.causal ? p->top + (xj - sx) : p->top, xe - xj,
                       yi - (view->input.causal ? p->top + (xj - sx) : p->top));
    }
  cairo_fill (cr);
  /* The block in SRAM now. */
  uth_draw_set_rgba (cr, &acc, 1.0);
  cairo_rectangle (cr, sx + p->sq * (bj * f->bc) / n, p->top + p->sq * (bi * f->br) / n,
                   MAX (p->sq * f->bc / n, 3 * s), MAX (p->sq * f->br / n, 3 * s));
  cairo_fill (cr);
  /* Causal: the blocks above the diagonal are never visited. */
  if (view->input.causal)
    {
      uth_draw_set_rgba (cr, &grid, 0.9);
      cairo_move_to (cr, sx, p->top);
      cairo_line_to (cr, sx + p->sq, p->top + p->sq);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
    }
  if (f->tr <= MAX_GRID_LINES && f->tc <= MAX_GRID_LINES)
    {
      uth_draw_set_rgba (cr, &grid, 1.0);
      cairo_set_line_width (cr, 1.0);
      for (guint64 c = 1; c < f->tc; c++)
        {
          cairo_move_to (cr, sx + p->sq * (c * f->bc) / n, p->top);
          cairo_line_to (cr, sx + p->sq * (c * f->bc) / n, p->top + p->sq);
        }
      for (guint64 r = 1; r < f->tr; r++)
        {
          cairo_move_to (cr, sx, p->top + p->sq * (r * f->br) / n);
          cairo_line_to (cr, sx + p->sq, p->top + p->sq * (r * f->br) / n);
        }
      cairo_stroke (cr);
    }
  cairo_save (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_set_line_width (cr, 1.5 * s);
  cairo_rectangle (cr, sx, p->top, p->sq, p->sq);
  cairo_stroke (cr);
  cairo_restore (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("S: never in HBM"),
                 sx + p->sq / 2, p->top - 4 * s, UTH_ANCHOR_S, p->sq + 40 * s, NULL);

  draw_counters (cr, ctx, p, read, written, f->standard_bytes, f->flash_peak_bytes);
  {
    double e = view->input.bytes_per_element, d = view->input.head_dim;
    g_autofree char *kv = uth_format_bytes (2.0 * f->bc * d * e), *qo = uth_format_bytes (2.0 * f->br * d * e);
    g_autofree char *sb = uth_format_bytes ((double) f->br * f->bc * e), *m = uth_format_bytes (view->input.sram_bytes);
    g_autofree char *l0 = p->short_lines ? g_strdup_printf (_("K, V blocks: %s"), kv)
                                         : g_strdup_printf (_("K, V blocks: 2 × %" PRIu64 " × %u, %s"), f->bc, view->input.head_dim, kv);
    g_autofree char *l1 = p->short_lines ? g_strdup_printf (_("Q, O blocks: %s"), qo)
                                         : g_strdup_printf (_("Q, O blocks: 2 × %" PRIu64 " × %u, %s"), f->br, view->input.head_dim, qo);
    g_autofree char *l2 = p->short_lines ? g_strdup_printf (_("S block: %s"), sb)
                                         : g_strdup_printf (_("S block: %" PRIu64 " × %" PRIu64 ", %s"), f->br, f->bc, sb);
    g_autofree char *l3 = g_strdup_printf (_("of M = %s"), m);
    const char *lines[] = { l0, l1, l2, l3 };

    draw_holdings (cr, ctx, p, _("In SRAM now"), lines, 4);
  }
}

void
uth_draw_flash_compare (cairo_t                *cr,
                        double                  width,
                        double                  height,
                        const UthFigureContext *ctx,
                        const UthFlashView     *view)
{
  double s = uth_draw_scale (ctx);
  double gap = 40 * s, half = (width - gap) / 2;
  UthFlash f;
  SidePanel left, right;
  guint64 step;
  double progress;

  if (uth_flash_compute (&view->input, &f) != UTH_FLASH_OK || width < 200 || height < 200)
    return;
  step = clamp_step (view, &f);
  progress = (double) (step + 1) / (double) f.steps;
  side_geometry (0, 0, half, height, s, &left);
  side_geometry (half + gap, 0, half, height, s, &right);
  draw_standard_side (cr, ctx, &left, &view->input, &f, progress);
  draw_flash_side (cr, ctx, &right, view, &f, step);

  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, half + gap / 2, 0);
  cairo_line_to (cr, half + gap / 2, height);
  cairo_stroke (cr);
}

/* ---- against sequence length ---- */

typedef struct
{
  double seq[UTH_FLASH_SWEEP_POINTS];
  double std_bytes[UTH_FLASH_SWEEP_POINTS];
  double flash_bytes[UTH_FLASH_SWEEP_POINTS];
  double std_peak[UTH_FLASH_SWEEP_POINTS];
  double flash_peak[UTH_FLASH_SWEEP_POINTS];
  gboolean ok[UTH_FLASH_SWEEP_POINTS];
} Sweep;

static void
compute_sweep (const UthFlashView *view,
               Sweep              *sw)
{
  UthFlashInput in = view->input;
  UthFlash f;

  for (int i = 0; i < UTH_FLASH_SWEEP_POINTS; i++)
    {
      in.seq = uth_flash_sweep_seq (i);
      sw->seq[i] = (double) in.seq;
      sw->ok[i] = uth_flash_compute (&in, &f) == UTH_FLASH_OK;
      sw->std_bytes[i] = f.standard_bytes;
      sw->flash_bytes[i] = f.flash_bytes;
      sw->std_peak[i] = f.standard_peak_bytes;
      sw->flash_peak[i] = f.flash_peak_bytes;
    }
}

static void
plot_series (cairo_t       *cr,
             const UthPlot *plot,
             const double  *xs,
             const double  *ys,
             const gboolean *ok,
             const UthRgba *color,
             gboolean       dashed,
             double         s)
{
  double dash[] = { 8 * s, 5 * s };
  gboolean started = FALSE;

  cairo_save (cr);
  uth_draw_set_rgba (cr, color, 1.0);
  cairo_set_line_width (cr, 3 * s);
  if (dashed)
    cairo_set_dash (cr, dash, 2, 0);
  for (int i = 0; i < UTH_FLASH_SWEEP_POINTS; i++)
    {
      double x, y;

      if (!ok[i] || !(ys[i] > 0))
        continue;
      x = uth_plot_x (plot, xs[i]);
      y = uth_plot_y (plot, ys[i]);
      if (!started)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
      started = TRUE;
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static char *
format_tokens (double v)
{
  if (v >= 1000 && fmod (v, 1000) == 0)
    return g_strdup_printf ("%.0fk", v / 1000);
  return g_strdup_printf ("%.0f", v);
}

/* Room under the plot for its legend: the sweep's four items take three rows when the chart
 * is narrow (the page at about 1000 px). */
static double
sweep_legend_room (double   width,
                   double   s,
                   gboolean ratio)
{
  return (!ratio && width < 720 * s ? 88 : 64) * s;
}

static void
sweep_plot (double                  width,
            double                  height,
            const UthFigureContext *ctx,
            const Sweep            *sw,
            gboolean                ratio,
            UthPlot                *plot)
{
  double s = uth_draw_scale (ctx);
  UthChartScale xs = { UTH_FLASH_SWEEP_MIN, UTH_FLASH_SWEEP_MIN * 256.0, TRUE };
  UthChartScale ys;
  double lo = G_MAXDOUBLE, hi = 0;

  for (int i = 0; i < UTH_FLASH_SWEEP_POINTS; i++)
    {
      double v[4];
      int n = 0;

      if (!sw->ok[i])
        continue;
      if (ratio)
        {
          v[n++] = sw->std_bytes[i] / sw->flash_bytes[i];
          v[n++] = sw->std_peak[i] / sw->flash_peak[i];
        }
      else
        {
          v[n++] = sw->std_bytes[i];
          v[n++] = sw->flash_bytes[i];
          v[n++] = sw->std_peak[i];
          v[n++] = sw->flash_peak[i];
        }
      for (int k = 0; k < n; k++)
        {
          lo = MIN (lo, v[k]);
          hi = MAX (hi, v[k]);
        }
    }
  if (hi <= 0)
    {
      lo = 1;
      hi = 10;
    }
  ys = uth_chart_scale_nice (lo, hi, TRUE);
  uth_plot_init (plot, ctx, 0, 36 * s, width, height - 36 * s - sweep_legend_room (width, s, ratio), &xs, &ys);
}

static void
draw_current_seq (cairo_t                *cr,
                  const UthFigureContext *ctx,
                  const UthPlot          *plot,
                  double                  seq)
{
  double s = uth_draw_scale (ctx);
  double x;

  if (seq < plot->x.min || seq > plot->x.max)
    return;
  x = uth_plot_x (plot, seq);
  uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
  cairo_set_line_width (cr, 2 * s);
  cairo_move_to (cr, x, plot->top);
  cairo_line_to (cr, x, plot->top + plot->height);
  cairo_stroke (cr);
}

void
uth_draw_flash_sweep (cairo_t                *cr,
                      double                  width,
                      double                  height,
                      const UthFigureContext *ctx,
                      const UthFlashView     *view)
{
  double s = uth_draw_scale (ctx);
  Sweep sw;
  UthPlot plot;
  UthLegendItem legend[4];
  UthRgba mem, comp;

  if (width < 200 || height < 150)
    return;
  compute_sweep (view, &sw);
  sweep_plot (width, height, ctx, &sw, FALSE, &plot);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("HBM traffic and peak memory against sequence length"),
                 0, 0, UTH_ANCHOR_NW, width, NULL);
  uth_draw_plot_axes (cr, ctx, &plot, _("Sequence length N (tokens, log scale)"), _("Bytes (log scale)"), format_tokens, uth_format_bytes);
  draw_current_seq (cr, ctx, &plot, (double) view->input.seq);

  uth_draw_color (ctx, UTH_COLOR_BAD, &mem);
  uth_draw_color (ctx, UTH_COLOR_GOOD, &comp);
  plot_series (cr, &plot, sw.seq, sw.std_bytes, sw.ok, &mem, FALSE, s);
  plot_series (cr, &plot, sw.seq, sw.flash_bytes, sw.ok, &comp, FALSE, s);
  plot_series (cr, &plot, sw.seq, sw.std_peak, sw.ok, &mem, TRUE, s);
  plot_series (cr, &plot, sw.seq, sw.flash_peak, sw.ok, &comp, TRUE, s);

  if (view->hover >= 0 && view->hover < UTH_FLASH_SWEEP_POINTS)
    draw_current_seq (cr, ctx, &plot, sw.seq[view->hover]);

  legend[0] = (UthLegendItem) { _("standard: traffic"), mem, UTH_LEGEND_LINE };
  legend[1] = (UthLegendItem) { _("flash: traffic"), comp, UTH_LEGEND_LINE };
  legend[2] = (UthLegendItem) { _("standard: peak memory (dashed)"), mem, UTH_LEGEND_LINE };
  legend[3] = (UthLegendItem) { _("flash: peak memory (dashed)"), comp, UTH_LEGEND_LINE };
  uth_draw_legend (cr, ctx, legend, 4, plot.left, height - sweep_legend_room (width, s, FALSE) + 4 * s,
                   width - plot.left, TRUE);
}

gboolean
uth_draw_flash_sweep_hit (double                  width,
                     double                  height,
                     const UthFigureContext *ctx,
                     const UthFlashView     *view,
                     double                  x,
                     double                  y,
                     UthFigureHit           *hit)
{
  Sweep sw;
  UthPlot plot;
  double best = G_MAXDOUBLE;
  int index = -1;
  g_autofree char *sb = NULL, *fb = NULL, *sp = NULL, *fp = NULL;

  hit->index = -1;
  hit->tooltip = NULL;
  compute_sweep (view, &sw);
  sweep_plot (width, height, ctx, &sw, FALSE, &plot);
  if (x < plot.left || x > plot.left + plot.width || y < plot.top || y > plot.top + plot.height)
    return FALSE;
  for (int i = 0; i < UTH_FLASH_SWEEP_POINTS; i++)
    if (sw.ok[i] && fabs (uth_plot_x (&plot, sw.seq[i]) - x) < best)
      {
        best = fabs (uth_plot_x (&plot, sw.seq[i]) - x);
        index = i;
      }
  if (index < 0)
    return FALSE;
  sb = uth_format_bytes (sw.std_bytes[index]);
  fb = uth_format_bytes (sw.flash_bytes[index]);
  sp = uth_format_bytes (sw.std_peak[index]);
  fp = uth_format_bytes (sw.flash_peak[index]);
  hit->index = index;
  hit->tooltip = g_strdup_printf (_("<b>N = %.0f tokens</b>\nTraffic: standard %s, flash %s (%.1f×)\nPeak memory: standard %s, flash %s (%.1f×)"),
                                  sw.seq[index], sb, fb, sw.std_bytes[index] / sw.flash_bytes[index],
                                  sp, fp, sw.std_peak[index] / sw.flash_peak[index]);
  return TRUE;
}

void
uth_draw_flash_ratio (cairo_t                *cr,
                      double                  width,
                      double                  height,
                      const UthFigureContext *ctx,
                      const UthFlashView     *view)
{
  double s = uth_draw_scale (ctx);
  Sweep sw;
  UthPlot plot;
  double traffic[UTH_FLASH_SWEEP_POINTS], memory[UTH_FLASH_SWEEP_POINTS];
  UthLegendItem legend[2];
  UthRgba a, b;

  if (width < 200 || height < 150)
    return;
  compute_sweep (view, &sw);
  for (int i = 0; i < UTH_FLASH_SWEEP_POINTS; i++)
    {
      traffic[i] = sw.ok[i] ? sw.std_bytes[i] / sw.flash_bytes[i] : 0;
      memory[i] = sw.ok[i] ? sw.std_peak[i] / sw.flash_peak[i] : 0;
    }
  sweep_plot (width, height, ctx, &sw, TRUE, &plot);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("How many times less: standard ÷ flash"),
                 0, 0, UTH_ANCHOR_NW, width, NULL);
  uth_draw_plot_axes (cr, ctx, &plot, _("Sequence length N (tokens, log scale)"), _("Ratio (×, log scale)"), format_tokens, NULL);
  draw_current_seq (cr, ctx, &plot, (double) view->input.seq);
  uth_draw_color (ctx, UTH_COLOR_MEMORY, &a);
  uth_draw_color (ctx, UTH_COLOR_COMPUTE, &b);
  plot_series (cr, &plot, sw.seq, traffic, sw.ok, &a, FALSE, s);
  plot_series (cr, &plot, sw.seq, memory, sw.ok, &b, TRUE, s);
  legend[0] = (UthLegendItem) { _("HBM traffic"), a, UTH_LEGEND_LINE };
  legend[1] = (UthLegendItem) { _("peak memory (dashed)"), b, UTH_LEGEND_LINE };
  uth_draw_legend (cr, ctx, legend, 2, plot.left, height - 60 * s, width - plot.left, TRUE);
}

/* ---- the page ---- */

static void
page_layout (double      width,
             double      height,
             double      s,
             PageLayout *l)
{
  double m = 24 * s, gap = 28 * s;
  double top, cards_h, body_top, body_h, upper, lower_w, split;
  int cols;

  layout_bands (width, s, &top, &cards_h, &cols);
  body_top = top + cards_h + gap;
  body_h = height - body_top - m;
  /* The spare height goes half and half, each part keeping its least height. */
  if (charts_stacked (width, s))
    {
      /* The comparison, then the sweep, then the ratio, each its least height at least. */
      double lower = MAX (MIN_LOWER_HEIGHT * s, (body_h - 2 * gap) * 0.3);

      upper = body_h - 2 * gap - 2 * lower;
      l->card_cols = cols;
      l->cards = (UthChartRect) { m, top, width - 2 * m, cards_h };
      l->compare = (UthChartRect) { m, body_top, width - 2 * m, upper };
      l->sweep = (UthChartRect) { m, body_top + upper + gap, width - 2 * m, lower };
      l->ratio = (UthChartRect) { m, body_top + upper + lower + 2 * gap, width - 2 * m, lower };
      return;
    }
  upper = MAX (MIN_UPPER_HEIGHT * s, body_h * 0.5);
  upper = MIN (upper, body_h - gap - MIN_LOWER_HEIGHT * s);
  lower_w = width - 2 * m - gap;
  l->card_cols = cols;
  l->cards = (UthChartRect) { m, top, width - 2 * m, cards_h };
  l->compare = (UthChartRect) { m, body_top, width - 2 * m, upper };
  /* Narrow, the sweep takes more of the width so its four-item legend stays in two rows. */
  split = cols == 5 ? 0.58 : 0.63;
  l->sweep = (UthChartRect) { m, body_top + upper + gap, lower_w * split, body_h - upper - gap };
  l->ratio = (UthChartRect) { m + lower_w * split + gap, body_top + upper + gap, lower_w * (1 - split), body_h - upper - gap };
}

static void
draw_cards (cairo_t                *cr,
            const UthFigureContext *ctx,
            const UthFlashView     *view,
            const UthFlash         *f,
            const UthChartRect     *r,
            int                     cols)
{
  double s = uth_draw_scale (ctx);
  double gap = (cols == 5 ? 16 : 12) * s, w = (r->w - (cols - 1) * gap) / cols;
  int rows = (5 + cols - 1) / cols;
  double h = (r->h - (rows - 1) * gap) / rows;
  UthChartRect c[5];
  UthFlashTime time;
  UthEngine roofline;
  const UthEngine *engine = ctx != NULL && ctx->input.engine != NULL ? ctx->input.engine : NULL;
  g_autofree char *v0 = NULL, *d0 = NULL, *v1 = NULL, *d1 = NULL, *v2 = NULL, *d2 = NULL;
  g_autofree char *v3 = NULL, *d3 = NULL, *v4 = NULL, *d4 = NULL, *a = NULL, *b = NULL;

  v0 = g_strdup_printf ("%" PRIu64 " × %" PRIu64, f->br, f->bc);
  d0 = g_strdup_printf (_("Br × Bc from M = %" PRIu64 " elements"), f->sram_elements);
  a = uth_format_bytes (f->standard_bytes);
  b = uth_format_bytes (f->flash_bytes);
  v1 = g_strdup_printf ("%.1f×", f->traffic_ratio);
  d1 = g_strdup_printf (_("less traffic: %s → %s"), a, b);
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);
  a = uth_format_bytes (f->standard_peak_bytes);
  b = uth_format_bytes (f->flash_peak_bytes);
  v2 = g_strdup_printf ("%.1f×", f->memory_ratio);
  d2 = g_strdup_printf (_("less memory: %s → %s"), a, b);
  v3 = uth_format_flops (f->flash_flops);
  d3 = g_strdup_printf (view->input.causal ? _("flash, causal: %.0f%% of the full 4N²d")
                                           : _("the full 4N²d: %.0f%%"),
                        100.0 * f->flash_flops / f->standard_flops);
  /* The card's title says roofline: the pure roofline (peak FLOP/s and full bandwidth, no
   * launches); the engine's estimate, with its efficiencies and overheads, is the detail. */
  uth_engine_init_roofline (&roofline);
  if (ctx != NULL && ctx->input.gpu != NULL)
    {
      g_autofree char *ts = NULL, *tf = NULL;

      uth_flash_time (&view->input, f, ctx->input.gpu, &roofline, view->dtype, &time);
      ts = uth_format_seconds (time.standard_seconds);
      tf = uth_format_seconds (time.flash_seconds);
      v4 = g_strdup_printf ("%s → %s", ts, tf);
      if (engine != NULL)
        {
          g_autofree char *es = NULL, *ef = NULL;

          uth_flash_time (&view->input, f, ctx->input.gpu, engine, view->dtype, &time);
          es = uth_format_seconds (time.standard_seconds);
          ef = uth_format_seconds (time.flash_seconds);
          /* Translators: the engine's estimated times, standard → flash */
          d4 = g_strdup_printf (_("engine’s estimate: %s → %s"), es, ef);
        }
      else
        d4 = g_strdup_printf (_("on %s"), ctx->gpu != NULL ? ctx->gpu->name : "GPU");
    }
  for (int i = 0; i < 5; i++)
    c[i] = (UthChartRect) { r->x + (i % cols) * (w + gap), r->y + (i / cols) * (h + gap), w, h };
  uth_draw_card (cr, ctx, c[0].x, c[0].y, w, h, _("Block sizes"), v0, d0);
  uth_draw_card (cr, ctx, c[1].x, c[1].y, w, h, _("HBM traffic"), v1, d1);
  uth_draw_card (cr, ctx, c[2].x, c[2].y, w, h, _("Peak memory"), v2, d2);
  uth_draw_card (cr, ctx, c[3].x, c[3].y, w, h, _("Matmul work"), v3, d3);
  uth_draw_card (cr, ctx, c[4].x, c[4].y, w, h, _("Roofline time, standard → flash"), v4, d4);
}

void
uth_draw_flash_view (cairo_t                *cr,
                     double                  width,
                     double                  height,
                     const UthFigureContext *ctx,
                     const UthFlashView     *view)
{
  double s = uth_draw_scale (ctx);
  double m = uth_draw_margin (ctx);
  PageLayout l;
  UthFlash f;
  UthFlashError err;
  g_autofree char *subtitle = NULL, *sram = NULL;

  uth_draw_background (cr, width, height, ctx);
  err = uth_flash_compute (&view->input, &f);
  if (err != UTH_FLASH_OK)
    {
      uth_draw_title (cr, ctx, _("Flash Attention"),
                      err == UTH_FLASH_SRAM_TOO_SMALL
                      ? _("The SRAM is too small: it must hold at least one row of d elements.")
                      : _("These sizes cannot be drawn: the sequence must be 1 to 4,194,304 tokens and the head dimension 1 to 4096."),
                      m, m, width - 2 * m);
      return;
    }
  sram = uth_format_bytes (view->input.sram_bytes);
  subtitle = g_strdup_printf (_("N = %" PRIu64 " tokens, head dimension d = %u, %u heads × %" PRIu64 " sequences, %s, SRAM M = %s%s"),
                              view->input.seq, view->input.head_dim, view->input.heads, view->input.batch,
                              uth_dtype_id (view->dtype), sram,
                              view->input.causal ? _(", causal") : "");
  if (ctx != NULL && ctx->input.model != NULL)
    {
      /* Which of the two the scenario's other pages (Shapes, Layer, the estimate) use. */
      char *with = g_strdup_printf ("%s · %s", subtitle, uth_estimate_uses_flash (&ctx->input)
                                    ? _("the scenario uses flash attention")
                                    : _("the scenario uses standard attention"));

      g_free (subtitle);
      subtitle = with;
    }
  uth_draw_title (cr, ctx, _("Flash Attention: the same maths, far fewer bytes"), subtitle, m, m, width - 2 * m);
  page_layout (width, height, s, &l);
  draw_cards (cr, ctx, view, &f, &l.cards, l.card_cols);
  uth_draw_push_panel (cr, &l.compare);
  uth_draw_flash_compare (cr, l.compare.w, l.compare.h, ctx, view);
  cairo_restore (cr);
  if (uth_figure_shows_build (ctx, 2))
    {
      uth_draw_push_panel (cr, &l.sweep);
      uth_draw_flash_sweep (cr, l.sweep.w, l.sweep.h, ctx, view);
      cairo_restore (cr);
    }
  if (uth_figure_shows_build (ctx, 3))
    {
      uth_draw_push_panel (cr, &l.ratio);
      uth_draw_flash_ratio (cr, l.ratio.w, l.ratio.h, ctx, view);
      cairo_restore (cr);
    }
}

void
uth_draw_flash (cairo_t                *cr,
                double                  width,
                double                  height,
                const UthFigureContext *ctx)
{
  UthFlashView view;
  UthFlash f;

  if (ctx != NULL && ctx->page_data != NULL)
    view = *(const UthFlashView *) ctx->page_data;
  else
    {
      uth_flash_view_init (&view, ctx);
      /* A still picture stops half-way, where the difference shows most. */
      if (uth_flash_compute (&view.input, &f) == UTH_FLASH_OK)
        view.step = f.steps / 2;
    }
  if (ctx != NULL)
    view.hover = ctx->hover;
  {
    double vw, vh, fit = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);

    cairo_save (cr);
    cairo_scale (cr, fit, fit);
    uth_draw_flash_view (cr, vw, vh, ctx, &view);
    cairo_restore (cr);
  }
}

gboolean
uth_draw_flash_hit (double                  width,
               double                  height,
               const UthFigureContext *ctx,
               double                  x,
               double                  y,
               UthFigureHit           *hit)
{
  UthFlashView view;
  PageLayout l;

  hit->index = -1;
  hit->tooltip = NULL;
  if (ctx != NULL && ctx->page_data != NULL)
    view = *(const UthFlashView *) ctx->page_data;
  else
    uth_flash_view_init (&view, ctx);
  {
    double vw, vh, fit = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);

    width = vw;
    height = vh;
    x /= fit;
    y /= fit;
  }
  page_layout (width, height, uth_draw_scale (ctx), &l);
  return uth_draw_flash_sweep_hit (l.sweep.w, l.sweep.h, ctx, &view, x - l.sweep.x, y - l.sweep.y, hit);
}
