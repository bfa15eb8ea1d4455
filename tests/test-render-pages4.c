/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Tiling, Flash Attention and KV cache figures follow the scenario and the page's view:
 * the same input draws the same pixels, a different one different pixels; sub-figures draw
 * something; hit-testing answers from the same geometry. */
#include "config.h"

#include <cairo.h>
#include <string.h>

#include "render/uth-draw-common.h"
#include "render/uth-draw-flash.h"
#include "render/uth-draw-kv.h"
#include "render/uth-draw-tiling.h"
#include "analysis-fixture.h"

#define W 1600
#define H 1000

typedef struct
{
  UthCatalog       *catalog;
  UthFigureContext  ctx;
} Fixture;

static void
set_scenario (Fixture    *f,
              const char *model,
              const char *gpu,
              guint64     batch,
              guint64     prompt)
{
  uth_figure_context_init (&f->ctx);
  uth_figure_context_set_entries (&f->ctx, uth_catalog_find_model (f->catalog, model),
                                  uth_catalog_find_gpu (f->catalog, gpu),
                                  uth_catalog_find_engine (f->catalog, "tuned"));
  g_assert_nonnull (f->ctx.model);
  g_assert_nonnull (f->ctx.gpu);
  f->ctx.input.batch = batch;
  f->ctx.input.prompt = prompt;
  f->ctx.input.context = prompt;
  analysis_fixture_rows (&f->ctx);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->catalog = uth_catalog_new ();
  g_assert_true (uth_catalog_load_bundled (f->catalog, &error));
  analysis_fixture_init (f->catalog);
  g_assert_no_error (error);
  set_scenario (f, "llama-3.1-8b", "h100-sxm", 1, 1024);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  analysis_fixture_clear ();
  uth_catalog_unref (f->catalog);
}

typedef void (*ViewDraw) (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer view);

/* Pixels of a draw function on a white-cleared image surface. */
static GBytes *
pixels (UthDrawFunc             draw,
        ViewDraw                view_draw,
        gconstpointer           view,
        const UthFigureContext *ctx,
        int                     w,
        int                     h)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);
  GBytes *bytes;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (draw != NULL)
    draw (cr, w, h, ctx);
  else
    view_draw (cr, w, h, ctx, view);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * h);
  cairo_surface_destroy (surface);
  return bytes;
}

static GBytes *
blank (int w,
       int h)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);
  GBytes *bytes;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * h);
  cairo_surface_destroy (surface);
  return bytes;
}

/* ---- tiling ---- */

static void
draw_tiling_view (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_tiling_view (cr, w, h, ctx, v);
}

static void
draw_tiling_matrix (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_tiling_matrix (cr, w, h, ctx, v);
}

static void
draw_tiling_sms (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_tiling_sms (cr, w, h, ctx, v);
}

static void
draw_tiling_traffic (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_tiling_traffic (cr, w, h, ctx, v);
}

static void
draw_tiling_kloop (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_tiling_kloop (cr, w, h, ctx, v);
}

/* The scenario's GEMM: Llama 3.1 8B's MLP up-projection at batch 2 x 512 tokens is
 * 1024 x 4096 by 4096 x 14336 (config.json: hidden 4096, intermediate 14336); H100 SXM 132 SMs. */
static void
test_tiling_view_init (Fixture       *f,
                       gconstpointer  data)
{
  UthTilingView view;

  set_scenario (f, "llama-3.1-8b", "h100-sxm", 2, 512);
  g_assert_true (uth_tiling_view_init (&view, &f->ctx));
  g_assert_cmpuint (view.input.m, ==, 1024);
  g_assert_cmpuint (view.input.k, ==, 4096);
  g_assert_cmpuint (view.input.n, ==, 14336);
  g_assert_cmpuint (view.input.sms, ==, 132);
  g_assert_cmpfloat (view.input.bytes_per_element, ==, 2.0);
  set_scenario (f, "llama-3.1-8b", "a100-sxm-80gb", 2, 512);
  g_assert_true (uth_tiling_view_init (&view, &f->ctx));
  g_assert_cmpuint (view.input.sms, ==, 108);
  g_assert_false (uth_tiling_view_init (&view, NULL));
  g_assert_cmpuint (view.input.sms, ==, 132);
}

static void
test_tiling_follows_scenario (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GBytes) a = NULL, a2 = NULL, b = NULL, c = NULL;

  a = pixels (uth_draw_tiling, NULL, NULL, &f->ctx, W, H);
  a2 = pixels (uth_draw_tiling, NULL, NULL, &f->ctx, W, H);
  g_assert_true (g_bytes_equal (a, a2));
  set_scenario (f, "llama-3.1-8b", "a100-sxm-80gb", 1, 1024);
  b = pixels (uth_draw_tiling, NULL, NULL, &f->ctx, W, H);
  g_assert_false (g_bytes_equal (a, b));
  set_scenario (f, "llama-3.1-70b", "h100-sxm", 1, 1024);
  c = pixels (uth_draw_tiling, NULL, NULL, &f->ctx, W, H);
  g_assert_false (g_bytes_equal (a, c));
}

/* 4096 and 4097 draw differently; the view passed as page_data is what the page figure draws. */
static void
test_tiling_view (Fixture       *f,
                  gconstpointer  data)
{
  UthTilingView v4096, v4097;
  g_autoptr(GBytes) a = NULL, b = NULL, c = NULL, d = NULL, empty = blank (640, 400);
  ViewDraw subs[] = { draw_tiling_matrix, draw_tiling_sms, draw_tiling_traffic, draw_tiling_kloop };

  uth_tiling_view_init (&v4096, &f->ctx);
  v4096.input.m = v4096.input.k = v4096.input.n = 4096;
  v4097 = v4096;
  v4097.input.m = v4097.input.k = v4097.input.n = 4097;
  a = pixels (NULL, draw_tiling_view, &v4096, &f->ctx, W, H);
  b = pixels (NULL, draw_tiling_view, &v4097, &f->ctx, W, H);
  g_assert_false (g_bytes_equal (a, b));
  f->ctx.page_data = &v4097;
  c = pixels (uth_draw_tiling, NULL, NULL, &f->ctx, W, H);
  g_assert_true (g_bytes_equal (b, c));
  f->ctx.page_data = NULL;

  /* The animation frame moves with the step. */
  v4096.step = 5;
  d = pixels (NULL, draw_tiling_kloop, &v4096, &f->ctx, 640, 400);
  v4096.step = 6;
  g_clear_pointer (&a, g_bytes_unref);
  a = pixels (NULL, draw_tiling_kloop, &v4096, &f->ctx, 640, 400);
  g_assert_false (g_bytes_equal (a, d));

  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autoptr(GBytes) p = pixels (NULL, subs[i], &v4097, &f->ctx, 640, 400);
      g_assert_false (g_bytes_equal (p, empty));
    }
}

static void
test_tiling_hit (Fixture       *f,
                 gconstpointer  data)
{
  UthTilingView view;
  UthFigureHit hit = { -1, NULL };

  uth_tiling_view_init (&view, &f->ctx);
  view.input.m = view.input.k = view.input.n = 4096;
  /* The matrix area is centred; its middle is tile (16, 16) of 32 x 32 = 528. */
  g_assert_true (uth_draw_tiling_matrix_hit (700, 560, &f->ctx, &view, 40 + (700 - 52) / 2.0 + 2,
                                        40 + (560 - 114) / 2.0 + 2, &hit));
  g_assert_cmpint (hit.index, ==, 16 * 32 + 16);
  g_assert_nonnull (strstr (hit.tooltip, "SM 0 in wave 5 of 8"));
  g_free (hit.tooltip);
  g_assert_false (uth_draw_tiling_matrix_hit (700, 560, &f->ctx, &view, 2, 2, &hit));
  g_assert_null (hit.tooltip);

  /* SM grid of 700 x 500: 366 px high for 132 SMs gives 15 columns x 9 rows of 40.7 px,
   * starting 45 px in. In the last wave (8 of 8) SM 0 runs tile 7 x 132 = 924; SM 131
   * (row 8, column 11) would run tile 1055 of 1024: idle. */
  g_assert_true (uth_draw_tiling_sms_hit (700, 500, &f->ctx, &view, 45 + 5, 36 + 5, &hit));
  g_assert_cmpint (hit.index, ==, -1);
  g_assert_nonnull (strstr (hit.tooltip, "tile 924"));
  g_clear_pointer (&hit.tooltip, g_free);
  g_assert_true (uth_draw_tiling_sms_hit (700, 500, &f->ctx, &view, 45 + 11.5 * 40.66, 36 + 8.5 * 40.66, &hit));
  g_assert_nonnull (strstr (hit.tooltip, "SM 131"));
  g_assert_nonnull (strstr (hit.tooltip, "idle"));
  g_clear_pointer (&hit.tooltip, g_free);

  /* The middle traffic bar is the tiled one: A read 32 times. */
  g_assert_true (uth_draw_tiling_traffic_hit (600, 300, &f->ctx, &view, 300, 36 + (300 - 36 - 48) * 0.5, &hit));
  g_assert_nonnull (strstr (hit.tooltip, "4096 × 4096 × 32"));
  g_clear_pointer (&hit.tooltip, g_free);
}

/* ---- flash ---- */

static void
draw_flash_compare (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_flash_compare (cr, w, h, ctx, v);
}

static void
draw_flash_sweep (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_flash_sweep (cr, w, h, ctx, v);
}

static void
draw_flash_ratio (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_flash_ratio (cr, w, h, ctx, v);
}

/* Llama 3.1 8B: 32 heads of 128; H100 SXM: 228 KiB shared memory per SM. */
static void
test_flash_view_init (Fixture       *f,
                      gconstpointer  data)
{
  UthFlashView view;

  set_scenario (f, "llama-3.1-8b", "h100-sxm", 4, 8192);
  g_assert_true (uth_flash_view_init (&view, &f->ctx));
  g_assert_cmpuint (view.input.seq, ==, 8192);
  g_assert_cmpuint (view.input.head_dim, ==, 128);
  g_assert_cmpuint (view.input.heads, ==, 32);
  g_assert_cmpuint (view.input.batch, ==, 4);
  g_assert_cmpfloat (view.input.sram_bytes, ==, 228.0 * 1024);
  g_assert_true (view.input.causal);
  g_assert_cmpuint (uth_flash_sweep_seq (0), ==, 512);
  g_assert_cmpuint (uth_flash_sweep_seq (4), ==, 1024);
  g_assert_cmpuint (uth_flash_sweep_seq (UTH_FLASH_SWEEP_POINTS - 1), ==, 131072);
}

static void
test_flash_follows_scenario (Fixture       *f,
                             gconstpointer  data)
{
  UthFlashView view;
  g_autoptr(GBytes) a = NULL, a2 = NULL, b = NULL, c = NULL, d = NULL, empty = blank (800, 500);
  ViewDraw subs[] = { draw_flash_compare, draw_flash_sweep, draw_flash_ratio };

  a = pixels (uth_draw_flash, NULL, NULL, &f->ctx, W, H);
  a2 = pixels (uth_draw_flash, NULL, NULL, &f->ctx, W, H);
  g_assert_true (g_bytes_equal (a, a2));
  set_scenario (f, "llama-3.1-8b", "h100-sxm", 1, 8192);
  b = pixels (uth_draw_flash, NULL, NULL, &f->ctx, W, H);
  g_assert_false (g_bytes_equal (a, b));

  uth_flash_view_init (&view, &f->ctx);
  view.step = 3;
  c = pixels (NULL, draw_flash_compare, &view, &f->ctx, 800, 500);
  view.step = 400;
  d = pixels (NULL, draw_flash_compare, &view, &f->ctx, 800, 500);
  g_assert_false (g_bytes_equal (c, d));
  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autoptr(GBytes) p = pixels (NULL, subs[i], &view, &f->ctx, 800, 500);
      g_assert_false (g_bytes_equal (p, empty));
    }
}

static void
test_flash_hit (Fixture       *f,
                gconstpointer  data)
{
  UthFlashView view;
  UthFigureHit hit = { -1, NULL };

  uth_flash_view_init (&view, &f->ctx);
  /* Far right of the plot area: the last point, 128k tokens. */
  g_assert_true (uth_draw_flash_sweep_hit (800, 500, &f->ctx, &view, 770, 200, &hit));
  g_assert_cmpint (hit.index, ==, UTH_FLASH_SWEEP_POINTS - 1);
  g_assert_nonnull (strstr (hit.tooltip, "131072"));
  g_free (hit.tooltip);
  g_assert_false (uth_draw_flash_sweep_hit (800, 500, &f->ctx, &view, 5, 5, &hit));
}

/* ---- kv ---- */

static void
draw_kv_variants (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_kv_variants (cr, w, h, ctx, v);
}

static void
draw_kv_growth (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_kv_growth (cr, w, h, ctx, v);
}

static void
draw_kv_budget (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_kv_budget (cr, w, h, ctx, v);
}

static void
draw_kv_fits (cairo_t *cr, double w, double h, const UthFigureContext *ctx, gconstpointer v)
{
  uth_draw_kv_fits (cr, w, h, ctx, v);
}

static void
test_kv_follows_scenario (Fixture       *f,
                          gconstpointer  data)
{
  UthKvView view;
  g_autoptr(GBytes) a = NULL, a2 = NULL, b = NULL, c = NULL, d = NULL, empty = blank (800, 600);
  ViewDraw subs[] = { draw_kv_variants, draw_kv_growth, draw_kv_budget, draw_kv_fits };

  a = pixels (uth_draw_kv, NULL, NULL, &f->ctx, W, H);
  a2 = pixels (uth_draw_kv, NULL, NULL, &f->ctx, W, H);
  g_assert_true (g_bytes_equal (a, a2));
  set_scenario (f, "llama-3.1-8b", "h100-sxm", 64, 32768);
  b = pixels (uth_draw_kv, NULL, NULL, &f->ctx, W, H);
  g_assert_false (g_bytes_equal (a, b));
  f->ctx.input.kv = UTH_DTYPE_FP8;
  c = pixels (uth_draw_kv, NULL, NULL, &f->ctx, W, H);
  g_assert_false (g_bytes_equal (b, c));

  /* The what-if changes the variant bars. */
  uth_kv_view_init (&view, &f->ctx);
  g_assert_cmpint (view.variant, ==, UTH_ATTN_GQA);
  g_assert_cmpuint (view.group, ==, 4);
  g_clear_pointer (&a, g_bytes_unref);
  a = pixels (NULL, draw_kv_variants, &view, &f->ctx, 800, 600);
  view.variant = UTH_ATTN_MHA;
  d = pixels (NULL, draw_kv_variants, &view, &f->ctx, 800, 600);
  g_assert_false (g_bytes_equal (a, d));
  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autoptr(GBytes) p = pixels (NULL, subs[i], &view, &f->ctx, 800, 600);
      g_assert_false (g_bytes_equal (p, empty));
    }
}

/* The map has a cell per catalog model and GPU; Llama 3.1 8B (16 GB of bf16 weights) fits on
 * one H100 (80 GiB) at batch 1 and 1024 tokens, and its cell answers the pointer. */
static void
test_kv_fits (Fixture       *f,
              gconstpointer  data)
{
  UthKvView view;
  guint rows = 0, cols = 0, r = 0, c = 0;
  g_autofree UthFitCell *cells = uth_kv_fits_compute (&f->ctx, &rows, &cols);
  UthFigureHit hit = { -1, NULL };
  gboolean found = FALSE;

  g_assert_nonnull (cells);
  g_assert_cmpuint (rows, ==, uth_catalog_get_n_models (f->catalog));
  g_assert_cmpuint (cols, ==, uth_catalog_get_n_gpus (f->catalog));
  for (r = 0; r < rows && !found; r++)
    if (strcmp (uth_catalog_get_model (f->catalog, r)->id, "llama-3.1-8b") == 0)
      for (c = 0; c < cols; c++)
        if (strcmp (uth_catalog_get_gpu (f->catalog, c)->id, "h100-sxm") == 0)
          {
            found = TRUE;
            break;
          }
  g_assert_true (found);
  r--;
  g_assert_cmpint (cells[r * cols + c].kind, ==, UTH_FIT_ONE);
  g_assert_cmpuint (cells[r * cols + c].gpus, ==, 1);

  uth_kv_view_init (&view, &f->ctx);
  view.fits = cells;
  view.fits_rows = rows;
  view.fits_cols = cols;
  /* Cell centres from the same geometry the figure uses: 230 px of names (200 when the
   * GPUs' columns would get narrower than 16 px), 156 px of ids. */
  {
    double left = MIN (230.0, MAX (200.0, 900.0 - cols * 16.0));
    double cell_w = MIN ((900.0 - left) / cols, 60), cell_h = MIN ((800.0 - 156 - 40) / rows, 40);

    g_assert_true (uth_draw_kv_fits_hit (900, 800, &f->ctx, &view, left + (c + 0.5) * cell_w,
                                    156 + (r + 0.5) * cell_h, &hit));
  }
  g_assert_cmpint (hit.index, ==, (int) (r * cols + c));
  g_assert_nonnull (strstr (hit.tooltip, "fits on one GPU"));
  g_free (hit.tooltip);
  g_assert_false (uth_draw_kv_fits_hit (900, 800, &f->ctx, &view, 10, 10, &hit));

  /* Variant bars: the first is MHA, 2 x 32 layers x 32 heads. */
  g_assert_true (uth_draw_kv_variants_hit (600, 236, &f->ctx, &view, 300, 36 + 10, &hit));
  g_assert_nonnull (strstr (hit.tooltip, "MHA"));
  g_assert_nonnull (strstr (hit.tooltip, "32 heads"));
  g_clear_pointer (&hit.tooltip, g_free);
  /* The budget bar starts with the weights. */
  g_assert_true (uth_draw_kv_budget_hit (600, 240, &f->ctx, &view, 2, 60, &hit));
  g_assert_nonnull (strstr (hit.tooltip, "Weights"));
  g_clear_pointer (&hit.tooltip, g_free);
  g_assert_false (uth_draw_kv_budget_hit (600, 240, &f->ctx, &view, 2, 200, &hit));
}

/* The largest inputs the cores accept draw in bounded time (this test would time out
 * otherwise): 2^24-square with 16 x 16 tiles is 2^40 tiles in 8,329,633,544 waves on 132
 * SMs; 2^22 tokens with a 256-byte SRAM is one-row blocks, 8.8 x 10^12 steps. */
static void
test_extremes (Fixture       *f,
               gconstpointer  data)
{
  UthTilingView tv;
  UthFlashView fv;
  UthTiling t;
  UthFlash fl;
  g_autoptr(GBytes) a = NULL, b = NULL, empty = blank (800, 500);

  uth_tiling_view_init (&tv, &f->ctx);
  tv.input.m = tv.input.n = (guint64) 1 << 24;
  tv.input.bm = tv.input.bn = 16;
  g_assert_cmpint (uth_tiling_compute (&tv.input, &t), ==, UTH_TILING_OK);
  g_assert_cmpuint (t.tiles, ==, (guint64) 1 << 40);
  g_assert_cmpuint (t.waves, ==, G_GUINT64_CONSTANT (8329633544));
  a = pixels (NULL, draw_tiling_view, &tv, &f->ctx, 800, 500);
  g_assert_false (g_bytes_equal (a, empty));

  uth_flash_view_init (&fv, &f->ctx);
  fv.input.seq = (guint64) 1 << 22;
  fv.input.sram_bytes = 256;
  g_assert_cmpint (uth_flash_compute (&fv.input, &fl), ==, UTH_FLASH_OK);
  g_assert_cmpuint (fl.bc, ==, 1);
  fv.step = fl.steps / 2;
  b = pixels (NULL, draw_flash_compare, &fv, &f->ctx, 800, 500);
  g_assert_false (g_bytes_equal (b, empty));
}

/* The figures reflow instead of shrinking (QA: drawn at 1400 x 860 and scaled to 0.66 in a
 * 1280 x 800 window, 9 px labels). At the width the app gives them at 1280 x 800 with the
 * sidebar (about 1050 px) and the height they ask for (the page scrolls), and on big
 * screens, the text is at full size; the page height they ask for stays under two screens;
 * a short window scales less than the fixed 1400 x 860 design did; only a small figure is
 * scaled down, and then as much as its height says. */
typedef double (*PageHeightFunc) (double width, const UthFigureContext *ctx);
typedef double (*PageScaleFunc) (double width, double height, const UthFigureContext *ctx);

static void
check_layout_scale (const char             *name,
                    PageHeightFunc          page_height,
                    PageScaleFunc           page_scale,
                    double                  min_width,
                    const UthFigureContext *ctx)
{
  double h1050 = page_height (1050, ctx);
  UthFigureContext zoomed = *ctx;

  g_test_message ("%s: height %.0f at 1050 px, scale %.3f at 1050 x 700", name, h1050,
                  page_scale (1050, 700, ctx));
  g_assert_cmpfloat (page_scale (1050, MAX (700, h1050), ctx), >=, 1.0);
  g_assert_cmpfloat (h1050, <=, 1150);
  g_assert_cmpfloat (page_scale (1000, page_height (1000, ctx), ctx), >=, 1.0);
  g_assert_cmpfloat (page_scale (1600, 1000, ctx), >=, 1.0);
  g_assert_cmpfloat (page_scale (1920, 1080, ctx), >=, 1.0);
  /* The old fixed design: min (1050 / 1400, 700 / 860) = 0.75. */
  g_assert_cmpfloat (page_scale (1050, 700, ctx), >, 0.76);
  /* A wider page needs no more height than a narrower one. */
  g_assert_cmpfloat (page_height (1600, ctx), <=, h1050);
  /* Small: scaled, by the width (480 / the least width the page is laid out for) or the
   * height. */
  g_assert_cmpfloat (page_scale (480, 2000, ctx), <=, 480 / min_width + 1e-9);
  g_assert_cmpfloat (page_scale (480, 2000, ctx), >, 0.3);
  g_assert_cmpfloat (page_scale (1600, 400, ctx), <, 0.6);
  /* Presentation mode's larger text asks for more height, not a smaller scale. */
  zoomed.scale = 1.5;
  g_assert_cmpfloat (page_height (1600, &zoomed), >, page_height (1600, ctx));
  g_assert_cmpfloat (page_scale (1600, page_height (1600, &zoomed), &zoomed), >=, 1.0);
}

static void
test_layout_scale (Fixture       *f,
                   gconstpointer  data)
{
  check_layout_scale ("tiling", uth_tiling_page_height, uth_tiling_page_scale, 960, &f->ctx);
  /* Flash Attention is laid out from 800 px (cards in rows of two, its charts stacked). */
  check_layout_scale ("flash", uth_flash_page_height, uth_flash_page_scale, 800, &f->ctx);
  check_layout_scale ("kv", uth_kv_page_height, uth_kv_page_scale, 960, &f->ctx);
}

/* Hit-testing follows the reflowed layout: at 1050 px wide the tiling matrix's tiles answer
 * where the narrow layout draws them (a column of the left half, below the two card rows),
 * and the drawing at that size differs from the wide one. */
static void
test_layout_hit (Fixture       *f,
                 gconstpointer  data)
{
  double h = uth_tiling_page_height (1050, &f->ctx);
  UthFigureHit hit;
  gboolean found = FALSE;

  for (double y = 300; y < h && !found; y += 4)
    {
      if (uth_draw_tiling_hit (1050, h, &f->ctx, 260, y, &hit) && hit.index >= 0)
        found = TRUE;
      g_free (hit.tooltip);
    }
  g_assert_true (found);
  /* Nothing to hit in the cards. */
  g_assert_false (uth_draw_tiling_hit (1050, h, &f->ctx, 260, 200, &hit) && hit.index >= 0);
  g_free (hit.tooltip);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/render-pages4/tiling/view-init", test_tiling_view_init);
  ADD ("/render-pages4/tiling/follows-scenario", test_tiling_follows_scenario);
  ADD ("/render-pages4/tiling/view", test_tiling_view);
  ADD ("/render-pages4/tiling/hit", test_tiling_hit);
  ADD ("/render-pages4/flash/view-init", test_flash_view_init);
  ADD ("/render-pages4/flash/follows-scenario", test_flash_follows_scenario);
  ADD ("/render-pages4/flash/hit", test_flash_hit);
  ADD ("/render-pages4/kv/follows-scenario", test_kv_follows_scenario);
  ADD ("/render-pages4/kv/fits", test_kv_fits);
  ADD ("/render-pages4/extremes", test_extremes);
  ADD ("/render-pages4/layout/scale", test_layout_scale);
  ADD ("/render-pages4/layout/hit", test_layout_hit);
#undef ADD
  return g_test_run ();
}
