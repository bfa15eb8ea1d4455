/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-render"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "core/uth-ops.h"
#include "core/uth-roofline.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-tiling.h"

/* Above this many tiles (or below this many pixels a tile) the matrix is painted as runs of
 * one wave per tile row instead of tile by tile: the picture is the same, the cost bounded. */
#define MAX_TILES_DRAWN 40000
#define MIN_TILE_PX 2.5

typedef struct
{
  UthChartRect cards;
  UthChartRect matrix;
  UthChartRect sms;
  UthChartRect kloop;
  UthChartRect traffic;
  int          card_cols;
} PageLayout;

/* The page reflows rather than shrinks: from WIDE_PAGE_WIDTH the six cards stand in one row
 * and the subtitle on one line; narrower, the cards go in two rows of three and the subtitle
 * gets two lines, and the figure asks for more height (the page scrolls). Only below
 * MIN_PAGE_WIDTH, or when the height is less than the layout needs, is everything drawn
 * larger and scaled down. */
#define WIDE_PAGE_WIDTH 1360.0
#define MIN_PAGE_WIDTH 960.0
/* Least height of the matrix-and-SMs row and of the K-loop-and-traffic row at scale 1. */
#define MIN_UPPER_HEIGHT 290.0
#define MIN_LOWER_HEIGHT 270.0

static void
layout_bands (double  width,
              double  s,
              double *top,
              double *cards_h,
              int    *card_cols)
{
  /* (A hair's tolerance: the scaled-down width of the wide layout lands on the threshold.) */
  gboolean wide = width >= WIDE_PAGE_WIDTH * s - 0.5;

  *card_cols = wide ? 6 : 3;
  *top = 24 * s + (wide ? 76 : 104) * s;
  /* A wide card holds two lines of detail (German needs them in a sixth of the width). */
  *cards_h = wide ? 122 * s : 2 * 100 * s + 12 * s;
}

static double
min_height_at (double   width,
               double   s,
               gpointer user_data)
{
  double top, cards_h;
  int cols;

  layout_bands (width, s, &top, &cards_h, &cols);
  return top + cards_h + 28 * s + (MIN_UPPER_HEIGHT + 28 + MIN_LOWER_HEIGHT) * s + 24 * s;
}

static const UthReflowPage reflow = { MIN_PAGE_WIDTH, WIDE_PAGE_WIDTH, min_height_at, NULL };

double
uth_tiling_page_height (double                  width,
                        const UthFigureContext *ctx)
{
  return uth_reflow_page_height (&reflow, width, ctx);
}

double
uth_tiling_page_scale (double                  width,
                       double                  height,
                       const UthFigureContext *ctx)
{
  return uth_reflow_page_scale (&reflow, width, height, ctx);
}

static void
mix (const UthRgba *a,
     const UthRgba *b,
     double         t,
     UthRgba       *out)
{
  out->r = a->r * (1 - t) + b->r * t;
  out->g = a->g * (1 - t) + b->g * t;
  out->b = a->b * (1 - t) + b->b * t;
  out->a = 1.0;
}

static char *
format_kib (double bytes)
{
  g_autofree char *num = uth_format_number (bytes / 1024.0);

  /* TRANSLATORS: binary kilobytes, e.g. "32 KiB" */
  return g_strdup_printf (_("%s KiB"), num);
}

static guint64
last_wave (const UthTiling *t)
{
  return t->waves > 0 ? t->waves - 1 : 0;
}

static guint64
shown_wave (const UthTilingView *view,
            const UthTiling     *t)
{
  if (view->wave < 0 || (guint64) view->wave >= t->waves)
    return last_wave (t);
  return (guint64) view->wave;
}

static guint64
shown_tile (const UthTilingView *view,
            const UthTiling     *t)
{
  if (view->tile >= 0 && (guint64) view->tile < t->tiles)
    return (guint64) view->tile;
  return last_wave (t) * view->input.sms;
}

static void
wave_color (const UthTiling *t,
            guint64          wave,
            UthRgba         *out)
{
  /* Early waves dark, late waves light, along the sequential ramp. */
  double f = t->waves > 1 ? (double) wave / (double) (t->waves - 1) : 0.5;

  uth_draw_heat (0.1 + 0.8 * f, out);
}

gboolean
uth_tiling_view_init (UthTilingView          *view,
                      const UthFigureContext *ctx)
{
  const UthModel *model = ctx != NULL ? ctx->input.model : NULL;
  const UthGpu *gpu = ctx != NULL ? ctx->input.gpu : NULL;
  UthDtype dtype = ctx != NULL ? ctx->input.activations : UTH_DTYPE_BF16;
  guint64 rows;

  memset (view, 0, sizeof *view);
  view->wave = -1;
  view->tile = -1;
  view->hover = -1;
  view->input.bm = 128;
  view->input.bn = 128;
  view->input.bk = 32;
  view->input.double_buffered = TRUE;
  view->input.bytes_per_element = uth_dtype_bytes (dtype);
  if (!(view->input.bytes_per_element > 0))
    view->input.bytes_per_element = 2.0;

  rows = ctx != NULL ? ctx->input.batch * ctx->input.prompt : 0;
  view->input.m = CLAMP (rows, 1, (guint64) 1 << 24);
  view->input.k = model != NULL && model->hidden > 0 ? model->hidden : 4096;
  view->input.n = 4 * view->input.k;
  if (model != NULL && model->ffn > 0)
    view->input.n = model->ffn;
  else if (model != NULL && model->expert_ffn > 0)
    view->input.n = model->expert_ffn;

  /* Without a GPU the picture keeps a 132-SM grid (H100 SXM) so it is never empty. */
  view->input.sms = gpu != NULL && gpu->sms > 0 ? gpu->sms : 132;
  view->input.smem_per_sm_bytes = gpu != NULL ? gpu->smem_per_sm_bytes : 0.0;
  view->input.peak_flops = gpu != NULL ? uth_gpu_peak_flops (gpu, dtype) : 0.0;
  view->input.l2_bytes = gpu != NULL ? gpu->l2_bytes : 0.0;
  return model != NULL && gpu != NULL;
}

/* ---- the output matrix ---- */

static void
matrix_area (double                width,
             double                height,
             double                s,
             const UthTilingInput *in,
             UthChartRect         *area)
{
  double left = 40 * s, top = 40 * s, bottom = 96 * s, right = 12 * s;
  double bw = MAX (width - left - right, 10), bh = MAX (height - top - bottom, 10);
  /* Keep the shape of the matrix, but never thinner than 1 : 4 so both sides stay visible. */
  double aspect = CLAMP ((double) in->n / (double) in->m, 1.0 / 4.0, 4.0);

  if (bw / bh > aspect)
    {
      area->h = bh;
      area->w = bh * aspect;
    }
  else
    {
      area->w = bw;
      area->h = bw / aspect;
    }
  area->x = left + (bw - area->w) / 2;
  area->y = top + (bh - area->h) / 2;
}

static void
unit_to_area (const UthChartRect *area,
              const UthUnitRect  *u,
              UthChartRect       *out)
{
  out->x = area->x + u->x * area->w;
  out->y = area->y + u->y * area->h;
  out->w = u->width * area->w;
  out->h = u->height * area->h;
}

/* Too many tiles to paint one by one (a 2^24-square product has 10^12): sample the grid
 * once per pixel into an image and paint that, so the cost is bounded by the area. */
static void
draw_matrix_raster (cairo_t                *cr,
                    const UthFigureContext *ctx,
                    const UthTilingView    *view,
                    const UthTiling        *t,
                    const UthChartRect     *area)
{
  int w = (int) MAX (1, MIN (ceil (area->w), 2048)), h = (int) MAX (1, MIN (ceil (area->h), 2048));
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  unsigned char *data;
  int stride;

  if (cairo_surface_status (img) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (img);
      return;
    }
  cairo_surface_flush (img);
  data = cairo_image_surface_get_data (img);
  stride = cairo_image_surface_get_stride (img);
  for (int py = 0; py < h; py++)
    {
      guint64 row = MIN ((guint64) ((py + 0.5) / h * (double) view->input.m) / view->input.bm, t->tiles_m - 1);
      guint32 *line = (guint32 *) (data + (gsize) py * stride);

      for (int px = 0; px < w; px++)
        {
          guint64 col = MIN ((guint64) ((px + 0.5) / w * (double) view->input.n) / view->input.bn, t->tiles_n - 1);
          UthRgba c;

          wave_color (t, (row * t->tiles_n + col) / view->input.sms, &c);
          line[px] = ((guint32) (c.r * 255) << 16) | ((guint32) (c.g * 255) << 8) | (guint32) (c.b * 255);
        }
    }
  cairo_surface_mark_dirty (img);
  cairo_save (cr);
  cairo_translate (cr, area->x, area->y);
  cairo_scale (cr, area->w / w, area->h / h);
  cairo_set_source_surface (cr, img, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (img);
}

static void
draw_matrix_tiles (cairo_t                *cr,
                   const UthFigureContext *ctx,
                   const UthTilingView    *view,
                   const UthTiling        *t,
                   const UthChartRect     *area)
{
  const UthTilingInput *in = &view->input;
  UthRgba bg, base, c;
  gboolean per_tile = t->tiles <= MAX_TILES_DRAWN &&
                      area->w / t->tiles_n >= MIN_TILE_PX && area->h / t->tiles_m >= MIN_TILE_PX;

  uth_draw_color (ctx, UTH_COLOR_BACKGROUND, &bg);
  /* Runs of one wave per tile row stay few while rows and waves per row are few. */
  if (!per_tile && (double) t->tiles_m * ((double) t->tiles_n / in->sms + 2) > MAX_TILES_DRAWN)
    {
      draw_matrix_raster (cr, ctx, view, t, area);
      return;
    }
  for (guint64 r = 0; r < t->tiles_m; r++)
    {
      guint64 first = r * t->tiles_n;
      guint64 col = 0;

      while (col < t->tiles_n)
        {
          guint64 tile = first + col;
          guint64 wave = tile / in->sms;
          guint64 end = per_tile ? col + 1 : MIN (t->tiles_n, (wave + 1) * in->sms - first);
          UthUnitRect u0 = uth_tiling_tile_rect (in, r, col);
          UthUnitRect u1 = uth_tiling_tile_rect (in, r, end - 1);
          UthUnitRect u = { u0.x, u0.y, u1.x + u1.width - u0.x, u0.height };
          UthChartRect px;

          wave_color (t, wave, &base);
          if (per_tile)
            mix (&base, &bg, 0.45 * (double) (tile % in->sms) / MAX (in->sms - 1, 1), &c);
          else
            c = base;
          unit_to_area (area, &u, &px);
          uth_draw_set_rgba (cr, &c, 1.0);
          cairo_rectangle (cr, px.x, px.y, px.w, px.h);
          cairo_fill (cr);
          col = end;
        }
    }
  /* Tile borders where tiles are big enough to tell apart. */
  if (per_tile && area->w / t->tiles_n >= 6 && area->h / t->tiles_m >= 6)
    {
      uth_draw_set_rgba (cr, &bg, 0.8);
      cairo_set_line_width (cr, 1.0);
      for (guint64 col = 1; col < t->tiles_n; col++)
        {
          double x = area->x + uth_tiling_tile_rect (in, 0, col).x * area->w;
          cairo_move_to (cr, x, area->y);
          cairo_line_to (cr, x, area->y + area->h);
        }
      for (guint64 r = 1; r < t->tiles_m; r++)
        {
          double y = area->y + uth_tiling_tile_rect (in, r, 0).y * area->h;
          cairo_move_to (cr, area->x, y);
          cairo_line_to (cr, area->x + area->w, y);
        }
      cairo_stroke (cr);
    }
}

/* Outline of the last wave's tiles: its runs, one per tile row it touches. */
static void
draw_tail_outline (cairo_t                *cr,
                   const UthFigureContext *ctx,
                   const UthTilingView    *view,
                   const UthTiling        *t,
                   const UthChartRect     *area)
{
  const UthTilingInput *in = &view->input;
  guint64 start = last_wave (t) * in->sms;
  double s = uth_draw_scale (ctx);

  if (t->waves < 2 || t->tail_tiles == in->sms)
    return;
  uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
  cairo_set_line_width (cr, 2.5 * s);
  for (guint64 tile = start; tile < t->tiles;)
    {
      guint64 r = tile / t->tiles_n, col = tile % t->tiles_n;
      guint64 end = MIN (t->tiles, (r + 1) * t->tiles_n);
      UthUnitRect u0 = uth_tiling_tile_rect (in, r, col);
      UthUnitRect u1 = uth_tiling_tile_rect (in, r, (end - 1) % t->tiles_n);
      UthUnitRect u = { u0.x, u0.y, u1.x + u1.width - u0.x, u0.height };
      UthChartRect px;

      unit_to_area (area, &u, &px);
      cairo_rectangle (cr, px.x, px.y, px.w, px.h);
      tile = end;
    }
  cairo_stroke (cr);
}

void
uth_draw_tiling_matrix (cairo_t                *cr,
                        double                  width,
                        double                  height,
                        const UthFigureContext *ctx,
                        const UthTilingView    *view)
{
  double s = uth_draw_scale (ctx);
  UthTiling t;
  UthChartRect area;
  g_autofree char *heading = NULL, *ncols = NULL, *mrows = NULL, *first = NULL, *last = NULL;
  UthLegendItem legend[3];
  UthRgba tail;

  if (uth_tiling_compute (&view->input, &t) != UTH_TILING_OK || width < 40 || height < 40)
    return;
  matrix_area (width, height, s, &view->input, &area);

  heading = g_strdup_printf (_("Output C: %" PRIu64 " × %" PRIu64 " tiles of %u × %u"),
                             t.tiles_m, t.tiles_n, view->input.bm, view->input.bn);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, heading, 0, 0, UTH_ANCHOR_NW, width, NULL);

  draw_matrix_tiles (cr, ctx, view, &t, &area);
  draw_tail_outline (cr, ctx, view, &t, &area);

  if (view->hover >= 0 && (guint64) view->hover < t.tiles)
    {
      guint64 r = (guint64) view->hover / t.tiles_n, c = (guint64) view->hover % t.tiles_n;
      UthUnitRect u = uth_tiling_tile_rect (&view->input, r, c);
      UthChartRect px;

      unit_to_area (&area, &u, &px);
      uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
      cairo_set_line_width (cr, 3 * s);
      cairo_rectangle (cr, px.x - 1.5 * s, px.y - 1.5 * s, px.w + 3 * s, px.h + 3 * s);
      cairo_stroke (cr);
    }

  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  ncols = g_strdup_printf (_("N = %" PRIu64 " columns"), view->input.n);
  mrows = g_strdup_printf (_("M = %" PRIu64 " rows"), view->input.m);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, ncols, area.x + area.w / 2, area.y - 4 * s,
                 UTH_ANCHOR_S, area.w + 60 * s, NULL);
  uth_draw_text_vertical (cr, ctx, UTH_FONT_TICK, mrows, area.x - 14 * s, area.y + area.h / 2);
  if ((double) view->input.n / (double) view->input.m > 4.0 || (double) view->input.m / (double) view->input.n > 4.0)
    uth_draw_text (cr, ctx, UTH_FONT_TICK, _("(shape squeezed to 1 : 4 to fit)"), area.x + area.w / 2,
                   area.y + area.h + 4 * s, UTH_ANCHOR_N, area.w + 60 * s, NULL);
  /* Partial edge tiles are nearly invisible at 4097: say what they cost. */
  if (view->input.m % view->input.bm != 0 || view->input.n % view->input.bn != 0)
    {
      g_autofree char *edge = g_strdup_printf (_("Edge tiles hold %" PRIu64 " of %u rows and %" PRIu64 " of %u columns, but cost a whole tile"),
                                               view->input.m % view->input.bm ? view->input.m % view->input.bm : view->input.bm, view->input.bm,
                                               view->input.n % view->input.bn ? view->input.n % view->input.bn : view->input.bn, view->input.bn);

      uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, edge, area.x + area.w / 2, area.y + area.h + 22 * s,
                     UTH_ANCHOR_N, width, NULL);
    }

  wave_color (&t, 0, &legend[0].color);
  wave_color (&t, last_wave (&t), &legend[1].color);
  uth_draw_color (ctx, UTH_COLOR_BAD, &tail);
  first = g_strdup (_("wave 1"));
  last = g_strdup_printf (_("wave %" PRIu64), t.waves);
  legend[0].label = first;
  legend[0].style = UTH_LEGEND_BOX;
  legend[1].label = last;
  legend[1].style = UTH_LEGEND_BOX;
  legend[2].label = _("last wave, partly idle");
  legend[2].color = tail;
  legend[2].style = UTH_LEGEND_LINE;
  uth_draw_legend (cr, ctx, legend, t.waves >= 2 && t.tail_tiles < view->input.sms ? 3 : (t.waves >= 2 ? 2 : 1),
                   0, height - 50 * s, width, TRUE);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, _("lighter shade within a wave: higher SM number"),
                 0, height - 2 * s, UTH_ANCHOR_SW, width, NULL);
}

gboolean
uth_draw_tiling_matrix_hit (double                  width,
                       double                  height,
                       const UthFigureContext *ctx,
                       const UthTilingView    *view,
                       double                  x,
                       double                  y,
                       UthFigureHit           *hit)
{
  double s = uth_draw_scale (ctx);
  UthTiling t;
  UthChartRect area;
  guint64 row, col, tile, wave, r0, c0;
  guint32 sm;

  hit->index = -1;
  hit->tooltip = NULL;
  if (uth_tiling_compute (&view->input, &t) != UTH_TILING_OK)
    return FALSE;
  matrix_area (width, height, s, &view->input, &area);
  if (x < area.x || y < area.y || x >= area.x + area.w || y >= area.y + area.h)
    return FALSE;
  r0 = (guint64) ((y - area.y) / area.h * (double) view->input.m);
  c0 = (guint64) ((x - area.x) / area.w * (double) view->input.n);
  row = MIN (r0 / view->input.bm, t.tiles_m - 1);
  col = MIN (c0 / view->input.bn, t.tiles_n - 1);
  tile = row * t.tiles_n + col;
  if (!uth_tiling_tile_place (&view->input, &t, tile, &sm, &wave))
    return FALSE;
  hit->index = (int) MIN (tile, (guint64) G_MAXINT);
  hit->tooltip = g_strdup_printf (_("<b>Tile %" PRIu64 "</b> (row %" PRIu64 ", column %" PRIu64 ")\n"
                                    "C rows %" PRIu64 "–%" PRIu64 ", columns %" PRIu64 "–%" PRIu64 "\n"
                                    "SM %u in wave %" PRIu64 " of %" PRIu64),
                                  tile, row, col,
                                  row * view->input.bm, MIN ((row + 1) * view->input.bm, view->input.m) - 1,
                                  col * view->input.bn, MIN ((col + 1) * view->input.bn, view->input.n) - 1,
                                  sm, wave + 1, t.waves);
  return TRUE;
}

/* ---- the SMs ---- */

static void
draw_wave_bars (cairo_t                *cr,
                const UthFigureContext *ctx,
                const UthTilingView    *view,
                const UthTiling        *t,
                guint64                 shown,
                double                  x,
                double                  y,
                double                  w,
                double                  h)
{
  double s = uth_draw_scale (ctx);
  double label_w = 70 * s;
  double bw = (w - label_w) / (double) t->waves;
  double gap = bw > 6 * s ? 2 * s : 0;
  g_autofree char *top = g_strdup_printf ("%u", view->input.sms);
  UthRgba c;

  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, top, x + label_w - 8 * s, y, UTH_ANCHOR_E, 0, NULL);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, "0", x + label_w - 8 * s, y + h, UTH_ANCHOR_E, 0, NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, x + label_w, y);
  cairo_line_to (cr, x + w, y);
  cairo_stroke (cr);
  /* Thousands of waves: one band for the full ones, the last drawn on its own. */
  if (bw < 1.0 && t->waves > 1)
    {
      double full_w = bw * (double) (t->waves - 1);
      cairo_pattern_t *ramp = cairo_pattern_create_linear (x + label_w, 0, x + label_w + full_w, 0);

      for (int i = 0; i <= 4; i++)
        {
          wave_color (t, (guint64) ((t->waves - 1) * (i / 4.0)), &c);
          cairo_pattern_add_color_stop_rgba (ramp, i / 4.0, c.r, c.g, c.b, 0.55);
        }
      cairo_set_source (cr, ramp);
      cairo_rectangle (cr, x + label_w, y, full_w, h);
      cairo_fill (cr);
      cairo_pattern_destroy (ramp);
      wave_color (t, t->waves - 1, &c);
      uth_draw_set_rgba (cr, &c, 1.0);
      cairo_rectangle (cr, x + label_w + full_w, y + h * (1 - t->tail_utilization), MAX (bw, 2), h * t->tail_utilization);
      cairo_fill (cr);
      return;
    }
  for (guint64 wv = 0; wv < t->waves; wv++)
    {
      double busy = wv + 1 == t->waves ? t->tail_utilization : 1.0;
      double bx = x + label_w + (double) wv * bw;

      wave_color (t, wv, &c);
      uth_draw_set_rgba (cr, &c, wv == shown ? 1.0 : 0.55);
      cairo_rectangle (cr, bx + gap / 2, y + h * (1 - busy), MAX (bw - gap, 0.5), h * busy);
      cairo_fill (cr);
    }
  uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
  cairo_set_line_width (cr, 2 * s);
  cairo_rectangle (cr, x + label_w + (double) shown * bw, y, MAX (bw, 1), h);
  cairo_stroke (cr);
}

/* Where the SM grid sits inside the SM sub-figure; drawing and hit-testing share it. */
static void
sm_grid (double   width,
         double   height,
         double   s,
         guint32  sms,
         guint32 *cols,
         guint32 *rows,
         double  *cell,
         double  *gx,
         double  *gy)
{
  double grid_top = 36 * s, bars_h = 56 * s, caption_h = 26 * s;
  double grid_h = MAX (height - grid_top - bars_h - caption_h - 16 * s, 1);

  uth_grid_layout (sms, width / grid_h, cols, rows);
  *cell = MIN (width / MAX (*cols, 1), grid_h / MAX (*rows, 1));
  *gx = (width - *cell * *cols) / 2;
  *gy = grid_top;
}

gboolean
uth_draw_tiling_sms_hit (double                  width,
                    double                  height,
                    const UthFigureContext *ctx,
                    const UthTilingView    *view,
                    double                  x,
                    double                  y,
                    UthFigureHit           *hit)
{
  double s = uth_draw_scale (ctx);
  UthTiling t;
  guint32 cols, rows, col, row, sm;
  double cell, gx, gy;
  guint64 wave, tile;

  hit->index = -1;
  hit->tooltip = NULL;
  if (uth_tiling_compute (&view->input, &t) != UTH_TILING_OK)
    return FALSE;
  sm_grid (width, height, s, view->input.sms, &cols, &rows, &cell, &gx, &gy);
  if (x < gx || y < gy || cell <= 0)
    return FALSE;
  col = (guint32) ((x - gx) / cell);
  row = (guint32) ((y - gy) / cell);
  if (col >= cols || row >= rows)
    return FALSE;
  sm = row * cols + col;
  if (sm >= view->input.sms)
    return FALSE;
  wave = shown_wave (view, &t);
  tile = wave * view->input.sms + sm;
  if (tile < t.tiles)
    hit->tooltip = g_strdup_printf (_("<b>SM %u</b> in wave %" PRIu64 ": tile %" PRIu64 " (row %" PRIu64 ", column %" PRIu64 ")"),
                                    sm, wave + 1, tile, tile / t.tiles_n, tile % t.tiles_n);
  else
    hit->tooltip = g_strdup_printf (_("<b>SM %u</b> is idle in wave %" PRIu64 ": the %" PRIu64 " tiles ran out"),
                                    sm, wave + 1, t.tiles);
  return TRUE;
}

void
uth_draw_tiling_sms (cairo_t                *cr,
                     double                  width,
                     double                  height,
                     const UthFigureContext *ctx,
                     const UthTilingView    *view)
{
  double s = uth_draw_scale (ctx);
  UthTiling t;
  guint64 shown, busy;
  guint32 cols, rows, sm;
  double bars_h = 56 * s;
  double cell, gx, gy, gap;
  g_autofree char *heading = NULL;
  UthRgba c, idle;

  if (uth_tiling_compute (&view->input, &t) != UTH_TILING_OK || width < 60 || height < 80)
    return;
  shown = shown_wave (view, &t);
  busy = shown + 1 == t.waves ? t.tail_tiles : view->input.sms;

  heading = g_strdup_printf (_("The GPU’s %u SMs in wave %" PRIu64 " of %" PRIu64 ": %" PRIu64 " busy, %" PRIu64 " idle"),
                             view->input.sms, shown + 1, t.waves, busy, view->input.sms - busy);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, heading, 0, 0, UTH_ANCHOR_NW, width, NULL);

  sm_grid (width, height, s, view->input.sms, &cols, &rows, &cell, &gx, &gy);
  gap = cell > 10 * s ? 2 * s : 1;
  wave_color (&t, shown, &c);
  uth_draw_color (ctx, UTH_COLOR_DIM, &idle);
  /* One path for the busy SMs and one for the idle ones: two paints, not one per SM. */
  for (sm = 0; sm < busy && sm < view->input.sms; sm++)
    cairo_rectangle (cr, gx + (sm % cols) * cell + gap / 2, gy + (sm / cols) * cell + gap / 2,
                     cell - gap, cell - gap);
  uth_draw_set_rgba (cr, &c, 1.0);
  cairo_fill (cr);
  if (busy < view->input.sms)
    {
      double dash[] = { 3 * s, 2 * s };

      for (sm = (guint32) busy; sm < view->input.sms; sm++)
        cairo_rectangle (cr, gx + (sm % cols) * cell + gap / 2, gy + (sm / cols) * cell + gap / 2,
                         cell - gap, cell - gap);
      cairo_save (cr);
      uth_draw_set_rgba (cr, &idle, 0.9);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_set_line_width (cr, 1.2 * s);
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, _("Busy SMs in each wave (the outlined wave is shown above)"),
                 0, height - bars_h - 6 * s, UTH_ANCHOR_SW, width, NULL);
  draw_wave_bars (cr, ctx, view, &t, shown, 0, height - bars_h, width, bars_h - 8 * s);
}

/* ---- traffic ---- */

/* Where each count puts the product against the ridge, and the estimator's own time of
 * it (uth_roofline_op_time of the same GEMM, the Layer page's number): NULL without a GPU
 * and an engine. */
static char *
traffic_note (const UthFigureContext *ctx,
              const UthTilingView    *view,
              const UthTiling        *t)
{
  double ridge;
  UthOp op;
  UthOpTime ot;
  g_autofree char *rs = NULL, *ts = NULL;

  if (ctx == NULL || ctx->input.gpu == NULL || ctx->input.engine == NULL)
    return NULL;
  ridge = uth_roofline_ridge (ctx->input.gpu, ctx->input.activations);
  rs = uth_format_intensity (ridge);
  uth_gemm_op (view->input.m, view->input.k, view->input.n, view->input.bytes_per_element, &op);
  ot = uth_roofline_op_time (&op, ctx->input.gpu, ctx->input.engine, ctx->input.activations);
  ts = uth_format_seconds (ot.seconds);
  /* Translators: ridge; then FLOP/byte of tiled, tiled with L2 (and its share absorbed), each-once; the estimator's bound and time */
  return g_strdup_printf (_("Against the ridge %s: tiled %.0f FLOP/B (%s), with the L2 %.0f FLOP/B (%s; it absorbs %.0f%% of the operand reads), each once %.0f FLOP/B. The estimator counts each once: %s-bound, %s."),
                          rs, t->intensity_tiled, t->intensity_tiled >= ridge ? _("compute-bound") : _("memory-bound"),
                          t->intensity_l2, t->intensity_l2 >= ridge ? _("compute-bound") : _("memory-bound"),
                          100.0 * t->l2_absorbed, t->intensity_ideal, uth_bound_id (ot.bound), ts);
}

/* The top of the bars: below the heading and the note (drawn in the current colour). */
static double
traffic_top (cairo_t                *cr,
             const UthFigureContext *ctx,
             const char             *note,
             double                  width)
{
  double s = uth_draw_scale (ctx);

  if (note == NULL)
    return 36 * s;
  return 30 * s + uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, note, 0, 28 * s, width) + 6 * s;
}

void
uth_draw_tiling_traffic (cairo_t                *cr,
                         double                  width,
                         double                  height,
                         const UthFigureContext *ctx,
                         const UthTilingView    *view)
{
  double s = uth_draw_scale (ctx);
  UthTiling t;
  UthChartScale scale;
  double values[4], ticks[16];
  const char *names[4];
  g_autofree char *tiled_name = NULL, *l2_name = NULL, *l2_size = NULL, *note = NULL;
  double label_w = 230 * s, top, axis_h = 48 * s;
  double bar_area, bar_h, plot_w;
  size_t n;
  UthRgba colors[4];

  if (uth_tiling_compute (&view->input, &t) != UTH_TILING_OK || width < 200 || height < 100)
    return;
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("DRAM traffic of the whole product"), 0, 0,
                 UTH_ANCHOR_NW, width, NULL);

  values[0] = t.bytes_naive;
  values[1] = t.bytes_tiled;
  values[2] = t.bytes_l2;
  values[3] = t.bytes_ideal;
  names[0] = _("No reuse");
  tiled_name = g_strdup_printf (_("Tiled %u × %u"), view->input.bm, view->input.bn);
  names[1] = tiled_name;
  l2_size = uth_format_bytes (view->input.l2_bytes);
  l2_name = view->input.l2_bytes > 0 ? g_strdup_printf (_("Tiled, with %s of L2"), l2_size)
                                     : g_strdup (_("Tiled, no L2 known"));
  names[2] = l2_name;
  names[3] = _("Each once (the estimator)");
  uth_draw_color (ctx, UTH_COLOR_BAD, &colors[0]);
  uth_draw_color (ctx, UTH_COLOR_MEMORY, &colors[1]);
  uth_draw_categorical (ctx, 4, &colors[2]);
  uth_draw_color (ctx, UTH_COLOR_GOOD, &colors[3]);
  note = traffic_note (ctx, view, &t);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  top = traffic_top (cr, ctx, note, width);

  /* The names' column as wide as the widest name, leaving the bars and their labels room. */
  label_w = 0;
  for (int i = 0; i < 3; i++)
    {
      double nw;

      uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, names[i], &nw, NULL);
      label_w = MAX (label_w, nw + 20 * s);
    }
  label_w = MIN (label_w, 230 * s);
  scale = uth_chart_scale_nice (t.bytes_ideal / 2, t.bytes_naive * 1.5, TRUE);
  plot_w = width - label_w - 12 * s;
  {
    /* The tiled bar's label, at its most compact (two lines in the tick font), must fit
     * beside or inside its bar: when it does not (German), the names take the tick font
     * and their column narrows to give the bars the room. */
    g_autofree char *value = uth_format_bytes (values[1]);
    g_autofree char *times = g_strdup_printf (_("%s — A read %" PRIu64 "×, B read %" PRIu64 "×"),
                                              value, t.tiles_n, t.tiles_m);
    char *dash = strstr (times, " — ");
    double tw, len = plot_w * CLAMP (uth_chart_scale_to_unit (&scale, values[1]), 0, 1);

    if (dash != NULL)
      {
        dash[0] = '\n';
        memmove (dash + 1, dash + strlen (" — "), strlen (dash + strlen (" — ")) + 1);
      }
    uth_draw_text_size (cr, ctx, UTH_FONT_TICK, times, &tw, NULL);
    if (tw + 4 * s > MAX (len - 16 * s, width - label_w - len - 8 * s))
      {
        label_w = 0;
        for (int i = 0; i < 3; i++)
          {
            double nw;

            uth_draw_text_size (cr, ctx, UTH_FONT_TICK, names[i], &nw, NULL);
            label_w = MAX (label_w, nw + 20 * s);
          }
        label_w = MIN (label_w, 230 * s);
        plot_w = width - label_w - 12 * s;
      }
  }
  bar_area = height - top - axis_h;
  bar_h = bar_area / 4;
  for (int i = 0; i < 4; i++)
    {
      double y = top + i * bar_h;
      double len = plot_w * CLAMP (uth_chart_scale_to_unit (&scale, values[i]), 0, 1);
      g_autofree char *value = uth_format_bytes (values[i]);
      g_autofree char *times = NULL;
      double ty = y + bar_h * 0.4;

      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, names[i], label_w - 10 * s, ty, UTH_ANCHOR_E, label_w - 10 * s, NULL);
      uth_draw_set_rgba (cr, &colors[i], 1.0);
      cairo_rectangle (cr, label_w, y + bar_h * 0.12, len, bar_h * 0.56);
      cairo_fill (cr);
      if (i == 1)
        times = g_strdup_printf (_("%s — A read %" PRIu64 "×, B read %" PRIu64 "×"),
                                 value, t.tiles_n, t.tiles_m);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      {
        /* The label goes inside the bar or right of it, wherever it fits whole: in the
         * label font, else the tick font, else on the side with more room. */
        char *text = times != NULL ? times : value;
        double inside = len - 16 * s, outside = width - label_w - len - 8 * s, tw = 0;
        UthFont font = UTH_FONT_LABEL;
        gboolean in_bar;

        uth_draw_text_size (cr, ctx, font, text, &tw, NULL);
        if (tw > MAX (inside, outside))
          {
            font = UTH_FONT_TICK;
            uth_draw_text_size (cr, ctx, font, text, &tw, NULL);
          }
        if (tw > MAX (inside, outside) && strstr (text, " — ") != NULL)
          {
            /* Still too wide: the bytes, then how often A and B are read, on two lines. */
            char *dash = strstr (text, " — ");

            dash[0] = '\n';
            memmove (dash + 1, dash + strlen (" — "), strlen (dash + strlen (" — ")) + 1);
            uth_draw_text_size (cr, ctx, font, text, &tw, NULL);
          }
        in_bar = len > plot_w * 0.6 ? tw <= inside || inside >= outside : tw > outside && inside > outside;
        if (in_bar)
          {
            UthRgba ink;

            uth_draw_contrast_text (&colors[i], &ink);
            uth_draw_set_rgba (cr, &ink, 1.0);
            uth_draw_text (cr, ctx, font, text, label_w + 8 * s, ty, UTH_ANCHOR_W, inside, NULL);
          }
        else
          uth_draw_text (cr, ctx, font, text, label_w + len + 8 * s, ty, UTH_ANCHOR_W, outside, NULL);
      }
    }

  n = uth_chart_ticks (&scale, MAX (2, (size_t) (plot_w / (90 * s))), ticks, G_N_ELEMENTS (ticks));
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cairo_set_line_width (cr, 1.5 * s);
  cairo_move_to (cr, label_w, top + bar_area);
  cairo_line_to (cr, label_w + plot_w, top + bar_area);
  cairo_stroke (cr);
  for (size_t i = 0; i < n; i++)
    {
      double x = label_w + plot_w * uth_chart_scale_to_unit (&scale, ticks[i]);
      g_autofree char *label = uth_format_bytes (ticks[i]);

      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      cairo_move_to (cr, x, top + bar_area);
      cairo_line_to (cr, x, top + bar_area + 5 * s);
      cairo_stroke (cr);
      {
        /* The end ticks' labels stay inside the panel. */
        double tw;

        uth_draw_text_size (cr, ctx, UTH_FONT_TICK, label, &tw, NULL);
        uth_draw_text (cr, ctx, UTH_FONT_TICK, label, CLAMP (x, tw / 2, width - tw / 2),
                       top + bar_area + 6 * s, UTH_ANCHOR_N, 0, NULL);
      }
    }
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, _("bytes read and written, log scale"),
                 label_w + plot_w / 2, height, UTH_ANCHOR_S, plot_w, NULL);
}

gboolean
uth_draw_tiling_traffic_hit (double                  width,
                        double                  height,
                        const UthFigureContext *ctx,
                        const UthTilingView    *view,
                        double                  x,
                        double                  y,
                        UthFigureHit           *hit)
{
  double s = uth_draw_scale (ctx);
  double top, axis_h = 48 * s, bar_h;
  const UthTilingInput *in = &view->input;
  UthTiling t;
  int i;
  g_autofree char *v = NULL, *note = NULL;

  hit->index = -1;
  hit->tooltip = NULL;
  if (uth_tiling_compute (in, &t) != UTH_TILING_OK)
    return FALSE;
  /* The bars' top as drawn: below the note, measured on a scratch surface. */
  {
    cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create (scratch);

    note = traffic_note (ctx, view, &t);
    top = traffic_top (cr, ctx, note, width);
    cairo_destroy (cr);
    cairo_surface_destroy (scratch);
  }
  if (y < top || y >= height - axis_h)
    return FALSE;
  bar_h = (height - top - axis_h) / 4;
  i = (int) ((y - top) / bar_h);
  if (i == 0)
    {
      v = uth_format_bytes (t.bytes_naive);
      hit->tooltip = g_strdup_printf (_("<b>No reuse: %s</b>\nEvery multiply-add reads its A and B element from DRAM:\n(2 × %" PRIu64 " × %" PRIu64 " × %" PRIu64 " + %" PRIu64 " × %" PRIu64 ") × %g bytes"),
                                      v, in->m, in->n, in->k, in->m, in->n, in->bytes_per_element);
    }
  else if (i == 1)
    {
      v = uth_format_bytes (t.bytes_tiled);
      hit->tooltip = g_strdup_printf (_("<b>Tiled: %s</b>\nA read once per column of tiles, B once per row of tiles:\n(%" PRIu64 " × %" PRIu64 " × %" PRIu64 " + %" PRIu64 " × %" PRIu64 " × %" PRIu64 " + %" PRIu64 " × %" PRIu64 ") × %g bytes\nIntensity %.1f FLOP/byte"),
                                      v, in->m, in->k, t.tiles_n, in->k, in->n, t.tiles_m, in->m, in->n,
                                      in->bytes_per_element, t.intensity_tiled);
    }
  else if (i == 2)
    {
      g_autofree char *l2 = uth_format_bytes (in->l2_bytes);

      v = uth_format_bytes (t.bytes_l2);
      hit->tooltip = g_strdup_printf (_("<b>Tiled, with the L2: %s</b>\nThe %" PRIu64 " tiles of a wave run together and share their panels of A and B: when a wave’s panels fit in the %s L2, DRAM sends each once and the L2 serves the rest (%.0f%% of the operand reads).\nIntensity %.1f FLOP/byte"),
                                      v, (guint64) in->sms, l2, 100.0 * t.l2_absorbed, t.intensity_l2);
    }
  else
    {
      v = uth_format_bytes (t.bytes_ideal);
      hit->tooltip = g_strdup_printf (_("<b>Ideal: %s</b>\nA and B read once, C written once:\n(%" PRIu64 " × %" PRIu64 " + %" PRIu64 " × %" PRIu64 " + %" PRIu64 " × %" PRIu64 ") × %g bytes\nIntensity %.1f FLOP/byte"),
                                      v, in->m, in->k, in->k, in->n, in->m, in->n, in->bytes_per_element,
                                      t.intensity_ideal);
    }
  return TRUE;
}

/* ---- the K loop ---- */

static void
draw_strip (cairo_t                *cr,
            const UthFigureContext *ctx,
            double                  x,
            double                  y,
            double                  w,
            double                  h,
            gboolean                horizontal,
            guint64                 steps,
            guint64                 current)
{
  double s = uth_draw_scale (ctx);
  double len = horizontal ? w : h;
  double seg = len / (double) steps;
  UthRgba done, now, next, grid;

  uth_draw_color (ctx, UTH_COLOR_MEMORY, &done);
  uth_draw_color (ctx, UTH_COLOR_ACCENT, &now);
  uth_draw_color (ctx, UTH_COLOR_COMPUTE, &next);
  uth_draw_color (ctx, UTH_COLOR_GRID, &grid);

  /* Done so far, the block in use, the one loading behind it (double buffer). */
  uth_draw_set_rgba (cr, &done, 0.3);
  if (horizontal)
    cairo_rectangle (cr, x, y, seg * current, h);
  else
    cairo_rectangle (cr, x, y, w, seg * current);
  cairo_fill (cr);
  uth_draw_set_rgba (cr, &now, 1.0);
  if (horizontal)
    cairo_rectangle (cr, x + seg * current, y, MAX (seg, 2 * s), h);
  else
    cairo_rectangle (cr, x, y + seg * current, w, MAX (seg, 2 * s));
  cairo_fill (cr);
  if (current + 1 < steps)
    {
      uth_draw_set_rgba (cr, &next, 0.8);
      if (horizontal)
        cairo_rectangle (cr, x + seg * (current + 1), y, MAX (seg, 2 * s), h);
      else
        cairo_rectangle (cr, x, y + seg * (current + 1), w, MAX (seg, 2 * s));
      cairo_fill (cr);
    }
  uth_draw_set_rgba (cr, &grid, 1.0);
  cairo_set_line_width (cr, 1.0);
  if (seg >= 5 * s)
    for (guint64 i = 1; i < steps; i++)
      {
        if (horizontal)
          {
            cairo_move_to (cr, x + seg * i, y);
            cairo_line_to (cr, x + seg * i, y + h);
          }
        else
          {
            cairo_move_to (cr, x, y + seg * i);
            cairo_line_to (cr, x + w, y + seg * i);
          }
      }
  cairo_rectangle (cr, x, y, w, h);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cairo_stroke (cr);
}

void
uth_draw_tiling_kloop (cairo_t                *cr,
                       double                  width,
                       double                  height,
                       const UthFigureContext *ctx,
                       const UthTilingView    *view)
{
  double s = uth_draw_scale (ctx);
  const UthTilingInput *in = &view->input;
  UthTiling t;
  guint64 tile, step, row, col;
  double top = 36 * s, foot = 66 * s, thick, ax, ay, bx, by, sx, sw;
  double per_step, loaded;
  g_autofree char *heading = NULL, *line1 = NULL, *line2 = NULL, *smem = NULL, *limit = NULL;
  g_autofree char *loaded_s = NULL, *per_s = NULL;
  UthRgba now, next;

  if (uth_tiling_compute (in, &t) != UTH_TILING_OK || width < 200 || height < 120)
    return;
  tile = shown_tile (view, &t);
  step = MIN (view->step, t.k_steps - 1);
  row = tile / t.tiles_n;
  col = tile % t.tiles_n;

  heading = g_strdup_printf (_("Tile %" PRIu64 "’s K loop: step %" PRIu64 " of %" PRIu64),
                             tile, step + 1, t.k_steps);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, heading, 0, 0, UTH_ANCHOR_NW, width, NULL);

  /* A's row panel runs left to right into C's tile; B's column panel runs top to bottom
   * into it: the classic picture of C[tile] += A[row panel, k] · B[k, column panel]. */
  sw = CLAMP (width * 0.4, MIN (230 * s, width * 0.5), 320 * s);
  {
    /* The two panels both run along K but get the room each side has, not equal lengths. */
    double left_w = width - sw - 40 * s, avail_h = height - top - foot - 28 * s;
    double len_a, len_b;
    g_autofree char *a_label = g_strdup_printf (_("A: %u rows × K"), in->bm);
    g_autofree char *b_label = g_strdup_printf (_("B: K × %u columns"), in->bn);

    thick = CLAMP (MIN (left_w, avail_h) * 0.2, 18 * s, 52 * s);
    len_a = MAX (left_w - thick - 16 * s, 20 * s);
    len_b = MAX (avail_h - thick, 20 * s);
    ax = 8 * s;
    bx = ax + len_a;
    by = top + 22 * s;
    ay = by + len_b;
    draw_strip (cr, ctx, ax, ay, len_a, thick, TRUE, t.k_steps, step);
    draw_strip (cr, ctx, bx, by, thick, len_b, FALSE, t.k_steps, step);
    uth_draw_color (ctx, UTH_COLOR_COMPUTE, &next);
    uth_draw_set_rgba (cr, &next, 0.25 + 0.75 * (double) (step + 1) / (double) t.k_steps);
    cairo_rectangle (cr, bx, ay, thick, thick);
    cairo_fill (cr);
    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
    cairo_set_line_width (cr, 1.5 * s);
    cairo_rectangle (cr, bx, ay, thick, thick);
    cairo_stroke (cr);
    uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
    uth_draw_text (cr, ctx, UTH_FONT_TICK, a_label, ax, ay - 4 * s, UTH_ANCHOR_SW, len_a, NULL);
    uth_draw_text (cr, ctx, UTH_FONT_TICK, b_label, bx - 8 * s, by, UTH_ANCHOR_NE, len_a, NULL);
    uth_draw_text (cr, ctx, UTH_FONT_TICK, _("C tile"), bx + thick / 2, ay + thick + 4 * s, UTH_ANCHOR_N, 0, NULL);
  }

  /* Shared memory: the stage being multiplied and, double-buffered, the one being loaded. */
  sx = width - sw;
  {
    double bh = (height - top - foot - 30 * s) / (in->double_buffered ? 2 : 1);
    double ry = top + 24 * s;

    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
    uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("Shared memory of the SM"), sx, top, UTH_ANCHOR_NW, sw, NULL);
    uth_draw_color (ctx, UTH_COLOR_ACCENT, &now);
    for (int stage = 0; stage < (in->double_buffered ? 2 : 1); stage++)
      {
        g_autofree char *what = NULL;
        double y = ry + stage * bh;

        if (stage == 0)
          what = g_strdup_printf (_("multiplying step %" PRIu64), step + 1);
        else if (step + 1 < t.k_steps)
          what = g_strdup_printf (_("loading step %" PRIu64), step + 2);
        else
          what = g_strdup (_("idle: the last step"));
        uth_draw_rounded_rect (cr, sx, y, sw, bh - 8 * s, 8 * s);
        uth_draw_set_rgba (cr, stage == 0 ? &now : &next, stage == 0 ? 0.25 : 0.2);
        cairo_fill_preserve (cr);
        uth_draw_set_rgba (cr, stage == 0 ? &now : &next, 1.0);
        cairo_set_line_width (cr, 1.5 * s);
        cairo_stroke (cr);
        uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
        uth_draw_text (cr, ctx, UTH_FONT_TICK, what, sx + 10 * s, y + 8 * s, UTH_ANCHOR_NW, sw - 20 * s, NULL);
        line1 = g_strdup_printf (_("A %u × %u + B %u × %u"), in->bm, in->bk, in->bk, in->bn);
        uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
        uth_draw_text (cr, ctx, UTH_FONT_MONO, line1, sx + 10 * s, y + bh - 16 * s, UTH_ANCHOR_SW, sw - 20 * s, NULL);
        g_clear_pointer (&line1, g_free);
      }
  }

  per_step = ((double) in->bm * in->bk + (double) in->bk * in->bn) * in->bytes_per_element;
  loaded = per_step * (double) (step + 1);
  per_s = uth_format_bytes (per_step);
  loaded_s = uth_format_bytes (loaded);
  smem = format_kib (t.smem_tile_bytes);
  limit = in->smem_per_sm_bytes > 0 ? format_kib (in->smem_per_sm_bytes) : g_strdup (_("unknown"));
  line1 = g_strdup_printf (_("C rows %" PRIu64 "–%" PRIu64 ", columns %" PRIu64 "–%" PRIu64 ": %s per step, %s loaded so far"),
                           row * in->bm, MIN ((row + 1) * in->bm, in->m) - 1,
                           col * in->bn, MIN ((col + 1) * in->bn, in->n) - 1, per_s, loaded_s);
  line2 = g_strdup_printf (in->double_buffered
                           ? _("Shared memory per tile: %s (two stages) of %s per SM")
                           : _("Shared memory per tile: %s (one stage) of %s per SM"),
                           smem, limit);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, line1, 0, height - 28 * s, UTH_ANCHOR_SW, width, NULL);
  uth_draw_set_color (cr, ctx, t.smem_fits ? UTH_COLOR_FOREGROUND : UTH_COLOR_BAD);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, line2, 0, height - 4 * s, UTH_ANCHOR_SW, width, NULL);
}

/* ---- the page ---- */

static void
page_layout (double      width,
             double      height,
             double      s,
             PageLayout *l)
{
  double m = 24 * s, gap = 28 * s;
  double top, cards_h;
  double body_top, body_h, col_w, upper;
  int cols;

  layout_bands (width, s, &top, &cards_h, &cols);
  body_top = top + cards_h + gap;
  body_h = height - body_top - m;
  col_w = (width - 2 * m - gap) / 2;
  /* The spare height goes 56 : 44 to the two rows, each keeping its least height. */
  upper = MAX (MIN_UPPER_HEIGHT * s, body_h * 0.56);
  upper = MIN (upper, body_h - gap - MIN_LOWER_HEIGHT * s);
  l->card_cols = cols;
  l->cards = (UthChartRect) { m, top, width - 2 * m, cards_h };
  l->matrix = (UthChartRect) { m, body_top, col_w, upper };
  l->sms = (UthChartRect) { m + col_w + gap, body_top, col_w, upper };
  l->kloop = (UthChartRect) { m, body_top + upper + gap, col_w, body_h - upper - gap };
  l->traffic = (UthChartRect) { m + col_w + gap, body_top + upper + gap, col_w, body_h - upper - gap };
}

static void
draw_cards (cairo_t                *cr,
            const UthFigureContext *ctx,
            const UthTilingView    *view,
            const UthTiling        *t,
            const UthChartRect     *r,
            int                     cols)
{
  double s = uth_draw_scale (ctx);
  double gap = (cols == 6 ? 16 : 12) * s, w = (r->w - (cols - 1) * gap) / cols;
  int rows = (6 + cols - 1) / cols;
  double h = (r->h - (rows - 1) * gap) / rows;
  UthChartRect c[6];
  g_autofree char *v0 = NULL, *d0 = NULL, *v1 = NULL, *d1 = NULL, *v2 = NULL, *d2 = NULL;
  g_autofree char *v3 = NULL, *d3 = NULL, *v4 = NULL, *d4 = NULL, *v5 = NULL, *d5 = NULL;
  g_autofree char *limit = NULL;
  double ridge = ctx != NULL && ctx->input.gpu != NULL
                 ? uth_roofline_ridge (ctx->input.gpu, ctx->input.activations) : 0.0;

  v0 = g_strdup_printf ("%" PRIu64, t->tiles);
  d0 = g_strdup_printf (_("%" PRIu64 " × %" PRIu64 " thread blocks"), t->tiles_m, t->tiles_n);
  v1 = g_strdup_printf ("%" PRIu64, t->waves);
  d1 = g_strdup_printf (_("%" PRIu64 " tiles ÷ %u SMs, rounded up"), t->tiles, view->input.sms);
  v2 = g_strdup_printf (_("%" PRIu64 " of %u"), t->tail_tiles, view->input.sms);
  d2 = uth_format_percent (t->tail_utilization);
  {
    g_autofree char *pct = g_steal_pointer (&d2);
    d2 = g_strdup_printf (_("SMs busy in the last wave (%s)"), pct);
  }
  v3 = uth_format_percent (t->efficiency);
  d3 = g_strdup (_("of what the waves could do"));
  v4 = format_kib (t->smem_tile_bytes);
  limit = view->input.smem_per_sm_bytes > 0 ? format_kib (view->input.smem_per_sm_bytes) : g_strdup (_("unknown"));
  d4 = g_strdup_printf (t->smem_fits ? _("fits in %s per SM") : _("does not fit in %s per SM"), limit);
  v5 = uth_format_intensity (t->intensity_tile);
  if (ridge > 0)
    {
      g_autofree char *rs = uth_format_intensity (ridge);
      d5 = g_strdup_printf (_("GPU ridge point: %s"), rs);
    }
  else
    d5 = g_strdup (_("per K step of one tile"));

  for (int i = 0; i < 6; i++)
    c[i] = (UthChartRect) { r->x + (i % cols) * (w + gap), r->y + (i / cols) * (h + gap), w, h };
  uth_draw_card (cr, ctx, c[0].x, c[0].y, w, h, _("Tiles"), v0, d0);
  uth_draw_card (cr, ctx, c[1].x, c[1].y, w, h, _("Waves"), v1, d1);
  uth_draw_card (cr, ctx, c[2].x, c[2].y, w, h, _("Last wave"), v2, d2);
  uth_draw_card (cr, ctx, c[3].x, c[3].y, w, h, _("SM efficiency"), v3, d3);
  uth_draw_card (cr, ctx, c[4].x, c[4].y, w, h, _("Shared memory per tile"), v4, d4);
  uth_draw_card (cr, ctx, c[5].x, c[5].y, w, h, _("Tile intensity"), v5, d5);
}

void
uth_draw_tiling_view (cairo_t                *cr,
                      double                  width,
                      double                  height,
                      const UthFigureContext *ctx,
                      const UthTilingView    *view)
{
  double s = uth_draw_scale (ctx);
  double m = uth_draw_margin (ctx);
  PageLayout l;
  UthTiling t;
  UthTilingError err;
  g_autofree char *subtitle = NULL;
  const char *gpu_name = ctx != NULL && ctx->gpu != NULL ? ctx->gpu->name : _("a 132-SM GPU");

  uth_draw_background (cr, width, height, ctx);
  err = uth_tiling_compute (&view->input, &t);
  if (err != UTH_TILING_OK)
    {
      uth_draw_title (cr, ctx, _("GEMM tiling"),
                      _("These matrix and tile sizes cannot be drawn: every size must be 1 to 16,777,216 and every tile side 1 to 4096."),
                      m, m, width - 2 * m);
      return;
    }
  subtitle = g_strdup_printf (_("C (M × N) = A (M × K) · B (K × N) with M = %" PRIu64 ", K = %" PRIu64 ", N = %" PRIu64
                                ", %s per element, on %s; tiles %u × %u, K step %u"),
                              view->input.m, view->input.k, view->input.n,
                              ctx != NULL ? uth_dtype_id (ctx->input.activations) : "bf16",
                              gpu_name, view->input.bm, view->input.bn, view->input.bk);
  uth_draw_title (cr, ctx, _("GEMM tiling: tiles, waves and traffic"), subtitle, m, m, width - 2 * m);
  page_layout (width, height, s, &l);
  draw_cards (cr, ctx, view, &t, &l.cards, l.card_cols);

  uth_draw_push_panel (cr, &l.matrix);
  uth_draw_tiling_matrix (cr, l.matrix.w, l.matrix.h, ctx, view);
  cairo_restore (cr);
  /* Presentation builds: 1 the tiles, 2 the SMs, 3 the K loop, 4 the traffic. */
  if (uth_figure_shows_build (ctx, 2))
    {
      uth_draw_push_panel (cr, &l.sms);
      uth_draw_tiling_sms (cr, l.sms.w, l.sms.h, ctx, view);
      cairo_restore (cr);
    }
  if (uth_figure_shows_build (ctx, 3))
    {
      uth_draw_push_panel (cr, &l.kloop);
      uth_draw_tiling_kloop (cr, l.kloop.w, l.kloop.h, ctx, view);
      cairo_restore (cr);
    }
  if (uth_figure_shows_build (ctx, 4))
    {
      uth_draw_push_panel (cr, &l.traffic);
      uth_draw_tiling_traffic (cr, l.traffic.w, l.traffic.h, ctx, view);
      cairo_restore (cr);
    }
}

void
uth_draw_tiling (cairo_t                *cr,
                 double                  width,
                 double                  height,
                 const UthFigureContext *ctx)
{
  UthTilingView view;

  /* The page passes its sliders' view; export and the command line use the scenario's. */
  if (ctx != NULL && ctx->page_data != NULL)
    view = *(const UthTilingView *) ctx->page_data;
  else
    {
      UthTiling t;

      uth_tiling_view_init (&view, ctx);
      /* A still picture shows a third of the K loop, so both stages have something in them. */
      if (uth_tiling_compute (&view.input, &t) == UTH_TILING_OK)
        view.step = t.k_steps / 3;
    }
  if (ctx != NULL)
    view.hover = ctx->hover;
  {
    double vw, vh, fit = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);

    cairo_save (cr);
    cairo_scale (cr, fit, fit);
    uth_draw_tiling_view (cr, vw, vh, ctx, &view);
    cairo_restore (cr);
  }
}

gboolean
uth_draw_tiling_hit (double                  width,
                double                  height,
                const UthFigureContext *ctx,
                double                  x,
                double                  y,
                UthFigureHit           *hit)
{
  UthTilingView view;
  PageLayout l;

  hit->index = -1;
  hit->tooltip = NULL;
  if (ctx != NULL && ctx->page_data != NULL)
    view = *(const UthTilingView *) ctx->page_data;
  else
    uth_tiling_view_init (&view, ctx);
  {
    double vw, vh, fit = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);

    width = vw;
    height = vh;
    x /= fit;
    y /= fit;
  }
  page_layout (width, height, uth_draw_scale (ctx), &l);
  if (uth_draw_tiling_matrix_hit (l.matrix.w, l.matrix.h, ctx, &view, x - l.matrix.x, y - l.matrix.y, hit))
    return TRUE;
  /* Only the matrix's tiles are items (hover highlights them); the rest just explain. */
  if (x >= l.sms.x && y >= l.sms.y && x < l.sms.x + l.sms.w && y < l.sms.y + l.sms.h)
    return uth_draw_tiling_sms_hit (l.sms.w, l.sms.h, ctx, &view, x - l.sms.x, y - l.sms.y, hit);
  if (x >= l.traffic.x && y >= l.traffic.y && x < l.traffic.x + l.traffic.w && y < l.traffic.y + l.traffic.h)
    return uth_draw_tiling_traffic_hit (l.traffic.w, l.traffic.h, ctx, &view, x - l.traffic.x, y - l.traffic.y, hit);
  return FALSE;
}
