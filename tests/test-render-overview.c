/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview's figure headless: every step draws at the sizes a reader and a projector
 * use, its numbers are the core's for the scenario (Llama 2 7B on an A100 SXM 80 GB and
 * Llama 3 8B on an H100 SXM), the A100 example is the catalog's, and the tabs answer hover
 * and click from the geometry they are drawn with. */
#include "config.h"

#include <cairo.h>
#include <string.h>

#include "core/uth-overview.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-overview.h"
#include "analysis-fixture.h"

typedef struct
{
  UthCatalog       *catalog;
  UthFigureContext  ctx;
  UthEstimate       estimate;
  UthOverviewView   view;
} Fixture;

static void
set_scenario (Fixture    *f,
              const char *model,
              const char *gpu)
{
  uth_figure_context_init (&f->ctx);
  uth_figure_context_set_entries (&f->ctx, uth_catalog_find_model (f->catalog, model),
                                  uth_catalog_find_gpu (f->catalog, gpu),
                                  uth_catalog_find_engine (f->catalog, "tuned"));
  g_assert_nonnull (f->ctx.model);
  g_assert_nonnull (f->ctx.gpu);
  g_assert_nonnull (f->ctx.engine);
  f->ctx.text = "Hello, world! Tokens are pieces of words.";
  g_assert_cmpint (uth_estimate (&f->ctx.input, &f->estimate), ==, UTH_ESTIMATE_OK);
  f->ctx.estimate = &f->estimate;
  f->view.step = 0;
  f->view.progress = 1.0;
  f->ctx.page_data = &f->view;
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
  set_scenario (f, "llama-2-7b", "a100-sxm-80gb");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  analysis_fixture_clear ();
  uth_catalog_unref (f->catalog);
}

/* Draws onto an image surface; returns how many distinct colours of a coarse sample it has
 * (a blank or one-colour figure has 1). */
static guint
draw_colours (const UthFigureContext *ctx,
              int                     width,
              int                     height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  const guint32 *data;
  int stride, x, y;

  uth_draw_overview (cr, width, height, ctx);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  data = (const guint32 *) cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface) / 4;
  for (y = 0; y < height; y += 7)
    for (x = 0; x < width; x += 7)
      g_hash_table_add (seen, GUINT_TO_POINTER (data[y * stride + x]));
  cairo_surface_destroy (surface);
  return g_hash_table_size (seen);
}

/* Every step, built and half-way through its animation, at the three sizes of the brief
 * and at presentation scale, draws a figure with text and colour in it. */
static void
test_every_step_draws (Fixture       *f,
                       gconstpointer  data)
{
  static const int sizes[][2] = { { 1280, 800 }, { 1024, 768 }, { 1920, 1080 } };
  int step;
  gsize i;

  for (step = 0; step < UTH_OVERVIEW_N_STEPS; step++)
    for (i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        f->view.step = step;
        f->view.progress = 1.0;
        f->ctx.scale = 1.0;
        g_assert_cmpuint (draw_colours (&f->ctx, sizes[i][0], sizes[i][1]), >, 8);
        f->view.progress = 0.5;
        f->ctx.scale = 1.5;
        g_assert_cmpuint (draw_colours (&f->ctx, sizes[i][0], sizes[i][1]), >, 8);
      }
  /* Steps out of range are clamped, not read past the tables. */
  f->view.step = 99;
  g_assert_cmpuint (draw_colours (&f->ctx, 640, 400), >, 8);
  f->view.step = -3;
  g_assert_cmpuint (draw_colours (&f->ctx, 640, 400), >, 8);
  /* Without page data (the command line) the step is ctx->view (1-based; 0 the last). */
  f->ctx.page_data = NULL;
  f->ctx.view = 10;
  g_assert_cmpuint (draw_colours (&f->ctx, 800, 500), >, 8);
  {
    g_autofree char *last = NULL, *third = NULL;

    f->ctx.view = 0;
    last = uth_overview_describe (&f->ctx);
    g_assert_true (g_str_has_prefix (last, "Step 11 of 11"));
    f->ctx.view = 3;
    third = uth_overview_describe (&f->ctx);
    g_assert_true (g_str_has_prefix (third, "Step 3 of 11"));
  }
  /* The table of pages draws it too. */
  g_assert_true (uth_draw_find_page ("overview")->draw == uth_draw_overview);
  g_assert_cmpstr (uth_draw_page_ids ()[0], ==, "overview");
}

/* Steps map onto five chapters, each with the page that goes deeper. */
static void
test_chapters (void)
{
  static const int chapter_of[UTH_OVERVIEW_N_STEPS] = { 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4 };
  static const char *const pages[] = { "tokens", "generation", "layer", "tiling", "cost" };
  int i;

  for (i = 0; i < UTH_OVERVIEW_N_STEPS; i++)
    g_assert_cmpint (uth_overview_step_chapter (i), ==, chapter_of[i]);
  g_assert_cmpint (uth_overview_step_chapter (-1), ==, 0);
  g_assert_cmpint (uth_overview_step_chapter (100), ==, 4);
  for (i = 0; i < UTH_OVERVIEW_N_CHAPTERS; i++)
    {
      g_assert_cmpstr (uth_overview_chapter_page (i), ==, pages[i]);
      g_assert_nonnull (uth_draw_find_page (pages[i]));
      g_assert_cmpint (uth_overview_step_chapter (uth_overview_chapter_step (i)), ==, i);
      g_assert_true (uth_overview_chapter_step (i) == 0 ||
                     uth_overview_step_chapter (uth_overview_chapter_step (i) - 1) == i - 1);
      g_assert_nonnull (uth_overview_chapter_title (i));
    }
}

/* The A100 example: the catalog's A100 SXM 80 GB (312 TFLOP/s bf16, 2.039 TB/s) with the
 * tuned engine's bandwidth efficiency 0.849: 312e12 ÷ 1.7311e12 = 180.2 FLOP/byte. */
static void
test_a100_example (Fixture       *f,
                   gconstpointer  data)
{
  UthOverviewRidge r;

  g_assert_true (uth_overview_a100_ridge (&f->ctx, &r));
  g_assert_cmpfloat (r.peak_flops, ==, 312e12);
  g_assert_cmpfloat (r.bandwidth, ==, 2.039e12);
  g_assert_cmpfloat (r.bandwidth_efficiency, ==, 0.849);
  g_assert_cmpfloat_with_epsilon (r.ridge, 180.231, 1e-3);
}

/* The description says what the step shows, with the core's numbers in it. */
static void
test_describe_numbers (Fixture       *f,
                       gconstpointer  data)
{
  UthOverview o;
  g_autofree char *step1 = NULL, *step8 = NULL, *step9 = NULL, *step10 = NULL, *step11 = NULL;
  g_autofree char *mlp = NULL, *a100 = NULL, *ridge = NULL, *decode = NULL;

  g_assert_cmpint (uth_overview_compute (&f->ctx.input, &o), ==, UTH_ESTIMATE_OK);
  f->view.step = 0;
  step1 = uth_overview_describe (&f->ctx);
  g_assert_true (g_str_has_prefix (step1, "Step 1 of 11, What happens when you send a prompt"));
  g_assert_null (strstr (step1, "<b>"));   /* markup stripped */

  /* A presentation build is that step of the walk, whatever step the page shows. */
  {
    g_autofree char *build5 = NULL;

    f->ctx.build = 5;
    build5 = uth_overview_describe (&f->ctx);
    g_assert_true (g_str_has_prefix (build5, "Step 5 of 11, Prefill is compute-bound"));
    f->ctx.build = 0;
  }

  /* Step 8: Llama 2 7B's up projection is the 4,096 × 11,008 weight matrix. */
  f->view.step = 7;
  step8 = uth_overview_describe (&f->ctx);
  g_assert_nonnull (strstr (step8, "Up projection"));
  g_assert_nonnull (strstr (step8, "4,096 × 11,008"));

  /* Step 9: the MLP's share, 277,081,751,552 of 423,270,105,088 FLOPs = 65.5% (test-overview). */
  f->view.step = 8;
  step9 = uth_overview_describe (&f->ctx);
  mlp = uth_format_percent (o.group_share[UTH_OP_GROUP_MLP]);
  g_assert_cmpfloat_with_epsilon (o.group_share[UTH_OP_GROUP_MLP], 0.6546, 1e-4);
  g_assert_nonnull (strstr (step9, mlp));

  /* Step 10: both ridges, 180 FLOP/B for the example and, on the A100 itself, the same. */
  f->view.step = 9;
  step10 = uth_overview_describe (&f->ctx);
  a100 = uth_format_intensity (180.231);
  ridge = uth_format_intensity (o.ridge.ridge);
  g_assert_nonnull (strstr (step10, a100));
  g_assert_nonnull (strstr (step10, ridge));
  g_assert_cmpstr (a100, ==, ridge);

  /* Step 11: decode at batch 1, about 1 FLOP/byte. */
  f->view.step = 10;
  step11 = uth_overview_describe (&f->ctx);
  decode = uth_format_intensity (o.decode_intensity_batch1);
  g_assert_cmpfloat_with_epsilon (o.decode_intensity_batch1, 1.0, 0.01);
  g_assert_nonnull (strstr (step11, decode));

  /* Llama 3 8B on an H100: ridge 989.4e12 ÷ (3.35e12 × 0.849) = 347.9 FLOP/B. */
  set_scenario (f, "llama-3-8b", "h100-sxm");
  g_assert_cmpint (uth_overview_compute (&f->ctx.input, &o), ==, UTH_ESTIMATE_OK);
  g_assert_cmpfloat_with_epsilon (o.ridge.ridge, 347.872, 1e-3);
  g_assert_cmpfloat (o.gemms[o.largest].flops_per_token, ==, 117440512.0);
  f->view.step = 9;
  g_free (step10);
  step10 = uth_overview_describe (&f->ctx);
  g_free (ridge);
  ridge = uth_format_intensity (347.872);
  g_assert_nonnull (strstr (step10, ridge));
  g_assert_nonnull (strstr (step10, a100));   /* the example stays the A100's */
}

/* A scenario without an estimate draws a message and describes itself as such. */
static void
test_bad_scenario (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *text = NULL;

  f->ctx.input.batch = 0;
  g_assert_cmpuint (draw_colours (&f->ctx, 800, 500), >, 2);
  text = uth_overview_describe (&f->ctx);
  g_assert_nonnull (strstr (text, "no estimate"));
}

/* The tabs: the centre of tab i is chapter i; the caption area is nothing. */
static void
test_hit (Fixture       *f,
          gconstpointer  data)
{
  static const int sizes[][2] = { { 1280, 800 }, { 1024, 768 }, { 1920, 1080 } };
  gsize k;
  int i;

  for (k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      double w = sizes[k][0], h = sizes[k][1];
      /* The canvas is 980 x 700 scaled by min (w / 980, h / 700); tabs sit at the top,
       * margin 24, 44 high, five across the width less the margins with 10 between. */
      double fit = MIN (w / 980.0, h / 700.0), vw = w / fit;
      double tw = (vw - 48 - 40) / 5;
      UthFigureHit hit;

      for (i = 0; i < UTH_OVERVIEW_N_CHAPTERS; i++)
        {
          double cx = (24 + i * (tw + 10) + tw / 2) * fit, cy = (24 + 22) * fit;

          g_assert_true (uth_draw_overview_hit (w, h, &f->ctx, cx, cy, &hit));
          g_assert_cmpint (hit.index, ==, i);
          g_assert_nonnull (hit.tooltip);
          g_free (hit.tooltip);
        }
      g_assert_false (uth_draw_overview_hit (w, h, &f->ctx, w / 2, h - 10, &hit));
      g_assert_cmpint (hit.index, ==, -1);
    }
}

/* Decode's weight bytes: a dense model reads all of them (Llama 3 8B: 8.03e9 x 2 B = 16.1 GB);
 * Mixtral 8x7B reads only the experts its tokens use (the estimator's decode_weight_read_bytes,
 * 2 of 8 experts a token: about 25 of 93 GB at batch 1), and the text says so. */
static void
test_decode_weights (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *dense = NULL, *moe = NULL, *read = NULL;

  set_scenario (f, "llama-3-8b", "h100-sxm");
  f->ctx.page_data = NULL;
  f->ctx.view = 3;
  dense = uth_overview_describe (&f->ctx);
  g_assert_nonnull (strstr (dense, "reads all 16.1 GB of weights"));
  g_assert_null (strstr (dense, "mixture of experts"));

  set_scenario (f, "mixtral-8x7b", "h200");
  f->ctx.page_data = NULL;
  f->ctx.view = 3;
  moe = uth_overview_describe (&f->ctx);
  read = uth_format_bytes (f->estimate.decode_weight_read_bytes);
  g_assert_cmpfloat (f->estimate.decode_weight_read_bytes, <, 0.3 * f->estimate.weight_bytes);
  g_assert_nonnull (strstr (moe, read));
  g_assert_nonnull (strstr (moe, "mixture of experts reads only the experts"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render-overview/chapters", test_chapters);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/render-overview/every-step-draws", test_every_step_draws);
  ADD ("/render-overview/a100-example", test_a100_example);
  ADD ("/render-overview/describe-numbers", test_describe_numbers);
  ADD ("/render-overview/bad-scenario", test_bad_scenario);
  ADD ("/render-overview/hit", test_hit);
  ADD ("/render-overview/decode-weights", test_decode_weights);
#undef ADD
  return g_test_run ();
}
