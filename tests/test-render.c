/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every page's figure renders headless to PNG, SVG and PDF, is deterministic for a scenario
 * and changes when the scenario changes; the shared helpers format numbers right. */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"
#include "render/uth-draw.h"
#include "render/uth-draw-layer.h"
#include "render/uth-draw-model.h"
#include "render/uth-formula.h"
#include "analysis-fixture.h"

typedef struct
{
  UthCatalog       *catalog;
  UthFigureContext  ctx;
  UthEstimate       estimate;
  char             *dir;
} Fixture;

static void
set_scenario (Fixture    *f,
              const char *model,
              const char *gpu,
              guint64     batch,
              guint64     context)
{
  uth_figure_context_init (&f->ctx);
  uth_figure_context_set_entries (&f->ctx, uth_catalog_find_model (f->catalog, model),
                                  uth_catalog_find_gpu (f->catalog, gpu),
                                  uth_catalog_find_engine (f->catalog, "tuned"));
  g_assert_nonnull (f->ctx.model);
  g_assert_nonnull (f->ctx.gpu);
  g_assert_nonnull (f->ctx.engine);
  f->ctx.input.batch = batch;
  f->ctx.input.context = context;
  f->ctx.input.prompt = context;
  f->ctx.text = "Hello, world! Tokens are pieces of words.";
  g_assert_cmpint (uth_estimate (&f->ctx.input, &f->estimate), ==, UTH_ESTIMATE_OK);
  f->ctx.estimate = &f->estimate;
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
  f->dir = g_dir_make_tmp ("uth-render-XXXXXX", &error);
  g_assert_no_error (error);
  set_scenario (f, "llama-3.1-8b", "h100-sxm", 1, 1024);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  analysis_fixture_clear ();
  uth_catalog_unref (f->catalog);
}

/* Pixels of a figure drawn onto an image surface. */
static GBytes *
render_pixels (const UthPageFigure    *page,
               const UthFigureContext *ctx,
               int                     width,
               int                     height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  GBytes *bytes;

  uth_draw_page (page, cr, width, height, analysed ((page)->id, ctx));
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * height);
  cairo_surface_destroy (surface);
  return bytes;
}

static void
check_file (const char *path,
            const char *magic)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (memcmp (contents, magic, strlen (magic)) == 0);
}

static void
test_formats (Fixture       *f,
              gconstpointer  data)
{
  guint n, i;
  const UthPageFigure *pages = uth_draw_get_page_figures (&n);

  /* The Overview, Home, 7 pages of How LLMs work, 8 of Making it fast. */
  g_assert_cmpuint (n, ==, 17);
  for (i = 0; i < n; i++)
    {
      static const struct { const char *ext; const char *magic; } formats[] = {
        { "png", "\x89PNG" }, { "svg", "<?xml" }, { "pdf", "%PDF" },
      };
      gsize j;

      for (j = 0; j < G_N_ELEMENTS (formats); j++)
        {
          g_autofree char *name = g_strdup_printf ("%s.%s", pages[i].id, formats[j].ext);
          g_autofree char *path = g_build_filename (f->dir, name, NULL);
          g_autoptr(GError) error = NULL;

          g_test_message ("rendering %s", name);
          g_assert_true (uth_draw_to_file (&pages[i], analysed ((&pages[i])->id, &f->ctx), path, 800, 500, &error));
          g_assert_no_error (error);
          check_file (path, formats[j].magic);
        }
    }
}

static void
test_deterministic (Fixture       *f,
                    gconstpointer  data)
{
  guint n, i;
  const UthPageFigure *pages = uth_draw_get_page_figures (&n);

  for (i = 0; i < n; i++)
    {
      g_autoptr(GBytes) a = render_pixels (&pages[i], &f->ctx, 640, 400);
      g_autoptr(GBytes) b = render_pixels (&pages[i], &f->ctx, 640, 400);

      g_test_message ("page %s", pages[i].id);
      g_assert_true (g_bytes_equal (a, b));
    }
}

static void
test_deterministic_files (Fixture       *f,
                          gconstpointer  data)
{
  static const char *exts[] = { "png", "svg", "pdf" };
  const UthPageFigure *page = uth_draw_find_page ("home");
  gsize j;

  g_setenv ("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  for (j = 0; j < G_N_ELEMENTS (exts); j++)
    {
      g_autofree char *a = g_strdup_printf ("%s/a.%s", f->dir, exts[j]);
      g_autofree char *b = g_strdup_printf ("%s/b.%s", f->dir, exts[j]);
      g_autofree char *ca = NULL, *cb = NULL;
      gsize la, lb;

      g_assert_true (uth_draw_to_file (page, analysed ((page)->id, &f->ctx), a, 800, 500, NULL));
      g_assert_true (uth_draw_to_file (page, analysed ((page)->id, &f->ctx), b, 800, 500, NULL));
      g_assert_true (g_file_get_contents (a, &ca, &la, NULL));
      g_assert_true (g_file_get_contents (b, &cb, &lb, NULL));
      g_test_message ("format %s", exts[j]);
      if (j == 1)
        {
          /* cairo names an SVG's top group after a process-wide surface counter
           * (id="surfaceN"); everything else must match byte for byte. */
          g_autoptr(GRegex) re = g_regex_new ("id=\"surface[0-9]+\"", 0, 0, NULL);
          g_autofree char *na = g_regex_replace_literal (re, ca, la, 0, "id=\"surface\"", 0, NULL);
          g_autofree char *nb = g_regex_replace_literal (re, cb, lb, 0, "id=\"surface\"", 0, NULL);

          g_assert_cmpstr (na, ==, nb);
        }
      else
        g_assert_cmpmem (ca, la, cb, lb);
    }
}

/* Pages that draw the scenario (not placeholders) change with it. */
static void
test_scenario_changes (Fixture       *f,
                       gconstpointer  data)
{
  guint n, i;
  const UthPageFigure *pages = uth_draw_get_page_figures (&n);

  for (i = 0; i < n; i++)
    {
      g_autoptr(GBytes) a = NULL;
      g_autoptr(GBytes) b = NULL;

      if (pages[i].draw == NULL)
        continue;
      set_scenario (f, "llama-3.1-8b", "h100-sxm", 1, 1024);
      a = render_pixels (&pages[i], &f->ctx, 640, 400);
      set_scenario (f, "llama-3.1-70b", "a100-sxm-80gb", 16, 8192);
      /* The How LLMs work pages read the reader's text and temperature too. */
      f->ctx.text = "A different sentence, with other tokens in it.";
      f->ctx.temperature = 0.5;
      b = render_pixels (&pages[i], &f->ctx, 640, 400);
      g_test_message ("page %s", pages[i].id);
      g_assert_false (g_bytes_equal (a, b));
    }
}

static void
test_placeholder (Fixture       *f,
                  gconstpointer  data)
{
  const UthPageFigure *page = uth_draw_find_page ("home");
  UthPageFigure fake = *page;
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;

  /* A page without a draw function still draws: its honest placeholder. */
  fake.draw = NULL;
  a = render_pixels (&fake, &f->ctx, 400, 300);
  b = render_pixels (page, &f->ctx, 400, 300);
  g_assert_false (g_bytes_equal (a, b));
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  const UthPageFigure *page = uth_draw_find_page ("home");
  g_autofree char *path = g_build_filename (f->dir, "x.jpg", NULL);
  g_autofree char *ok = g_build_filename (f->dir, "x.png", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (uth_draw_to_file (page, analysed ((page)->id, &f->ctx), path, 800, 500, &error));
  g_assert_error (error, UTH_DRAW_ERROR, UTH_DRAW_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "x.jpg"));
  g_clear_error (&error);
  g_assert_false (uth_draw_to_file (page, analysed ((page)->id, &f->ctx), ok, 0, 500, &error));
  g_assert_error (error, UTH_DRAW_ERROR, UTH_DRAW_ERROR_SIZE);
  g_clear_error (&error);
  g_assert_false (uth_draw_to_file (page, analysed ((page)->id, &f->ctx), "/nonexistent-dir/x.png", 100, 100, &error));
  g_assert_error (error, UTH_DRAW_ERROR, UTH_DRAW_ERROR_CAIRO);
}

static void
test_table (void)
{
  const char * const *ids = uth_draw_page_ids ();
  static const char *expected[] = {
    "overview", "home", "tokens", "embed", "position", "attention", "softmax", "generation", "shapes",
    "model", "layer", "tiling", "flash-attention", "kv-cache", "batching", "speculative", "cost",
  };
  gsize i;

  /* DESIGN.md's learning order, after the Overview where a new reader starts. */
  g_assert_cmpuint (g_strv_length ((char **) ids), ==, G_N_ELEMENTS (expected));
  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpstr (ids[i], ==, expected[i]);
      g_assert_true (uth_draw_find_page (expected[i]) != NULL);
      g_assert_nonnull (uth_draw_find_page (expected[i])->title);
      g_assert_nonnull (uth_draw_find_page (expected[i])->summary);
    }
  g_assert_null (uth_draw_find_page ("nope"));
  g_assert_null (uth_draw_find_page (NULL));
}

static void
check_format (char       *got,
              const char *expected)
{
  g_assert_cmpstr (got, ==, expected);
  g_free (got);
}

static void
test_format (void)
{
  check_format (uth_format_bytes (16.06e9), "16.1 GB");
  check_format (uth_format_bytes (13.5e9), "13.5 GB");
  check_format (uth_format_bytes (0), "0 B");
  check_format (uth_format_bytes (512), "512 B");
  check_format (uth_format_bytes (999.7e3), "1.00 MB");
  check_format (uth_format_seconds (4.0234e-3), "4.02 ms");
  check_format (uth_format_seconds (2.5e-6), "2.50 µs");
  check_format (uth_format_seconds (90), "1.50 min");
  check_format (uth_format_flops_rate (989.4e12), "989 TFLOP/s");
  check_format (uth_format_flops_rate (1.234e12), "1.23 TFLOP/s");
  check_format (uth_format_intensity (295.2), "295 FLOP/B");
  check_format (uth_format_intensity (0.99), "0.99 FLOP/B");
  check_format (uth_format_bandwidth (3.35e12), "3.35 TB/s");
  check_format (uth_format_count (8030261248.0), "8.03 B");
  check_format (uth_format_count (4096), "4096");
  check_format (uth_format_count (405e9), "405 B");
  check_format (uth_format_percent (0.653), "65%");
  check_format (uth_format_percent (0.048), "4.8%");
  check_format (uth_format_usd (2.5), "$2.50");
  check_format (uth_format_tokens_rate (208.4), "208 tok/s");
  check_format (uth_format_si (-1500, "W"), "−1.50 kW");
}

static void
test_heat (void)
{
  UthRgba lo, mid, hi;

  uth_draw_heat (0.0, &lo);
  uth_draw_heat (0.5, &mid);
  uth_draw_heat (1.0, &hi);
  /* Viridis: dark purple (0x44, 0x01, 0x54) to yellow (0xfd, 0xe7, 0x25). */
  g_assert_cmpfloat_with_epsilon (lo.r, 0x44 / 255.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lo.b, 0x54 / 255.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (hi.g, 0xe7 / 255.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (mid.g, 0x91 / 255.0, 1e-9);
  /* Out of range clamps. */
  uth_draw_heat (-3, &mid);
  g_assert_cmpfloat_with_epsilon (mid.r, lo.r, 1e-12);
}

static void
test_rules (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *decode = uth_rule_substituted (UTH_RULE_DECODE_SPEED, &f->ctx);
  double params = (double) uth_model_params (&f->ctx.model->spec);

  /* Weight memory = parameters x 2 bytes at bf16. */
  g_assert_cmpfloat_with_epsilon (uth_rule_value (UTH_RULE_WEIGHT_MEMORY, &f->ctx), params * 2, 1);
  /* Decode speed = bandwidth / weight bytes. */
  g_assert_cmpfloat_with_epsilon (uth_rule_value (UTH_RULE_DECODE_SPEED, &f->ctx),
                                  f->ctx.gpu->spec.memory_bandwidth / (params * 2), 1e-6);
  g_assert_nonnull (strstr (decode, " ÷ "));
  g_assert_nonnull (strstr (decode, "tok/s"));
  /* Decode intensity at batch 1, bf16: 2 x 1 / 2 = 1 FLOP/B. */
  g_assert_cmpfloat_with_epsilon (uth_rule_value (UTH_RULE_DECODE_INTENSITY, &f->ctx), 1.0, 1e-12);
}

/* Hover and click on the Model page find the row under the pointer, for 32 and 126 layers. */
static void
test_model_hit (Fixture       *f,
                gconstpointer  data)
{
  static const char *models[] = { "llama-3.1-8b", "llama-3.1-405b" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (models); i++)
    {
      UthFigureHit hit;
      guint layers, found = 0;
      double y;
      int last = -1;

      set_scenario (f, models[i], "h100-sxm", 1, 1024);
      layers = f->ctx.model->spec.layers;
      /* Walk down the middle of the stack: every row from the embedding to the LM head
       * shows up, in order. */
      for (y = 0; y < 1000; y += 0.5)
        if (uth_draw_model_hit (1600, 1000, &f->ctx, 600, y, &hit))
          {
            g_assert_cmpint (hit.index, >=, last);
            if (hit.index != last)
              found++;
            last = hit.index;
            g_assert_nonnull (hit.tooltip);
            g_free (hit.tooltip);
          }
      g_assert_cmpuint (found, ==, layers + 3);
      g_assert_cmpint (uth_draw_model_row_layer (&f->ctx, 1), ==, 0);
      g_assert_cmpint (uth_draw_model_row_layer (&f->ctx, (int) layers), ==, (int) layers - 1);
      g_assert_cmpint (uth_draw_model_row_layer (&f->ctx, 0), ==, -1);
      g_assert_cmpint (uth_draw_model_row_layer (&f->ctx, (int) layers + 1), ==, -1);
      /* Outside the stack nothing is hit. */
      g_assert_false (uth_draw_model_hit (1600, 1000, &f->ctx, 5, 500, &hit));
    }
}

/* The seed's rule of thumb holds for a GPT-2-style layer (MHA, 4d MLP) on short sequences:
 * per token, MLP 2 x 2 x d x 4d = 16 d^2 FLOPs, projections 2 x 4 d^2 = 8 d^2, and the
 * attention matmuls 4 d x (S+1)/2 on average under the causal mask. At d = 768, S = 128:
 * 16/24.3 = 65.7% MLP, 32.9% projections, 1.4% matmuls. Long sequences break it. */
static void
test_layer_shares (Fixture       *f,
                   gconstpointer  data)
{
  double sh[UTH_N_OP_GROUPS];

  set_scenario (f, "gpt-2", "h100-sxm", 1, 128);
  g_assert_true (uth_draw_layer_group_shares (&f->ctx, 128, sh));
  g_test_message ("gpt-2 at 128: proj %.3f, matmul %.3f, mlp %.3f", sh[0], sh[1], sh[2]);
  g_assert_cmpfloat_with_epsilon (sh[UTH_OP_GROUP_MLP], 0.657, 0.015);
  g_assert_cmpfloat_with_epsilon (sh[UTH_OP_GROUP_ATTN_PROJ], 0.329, 0.015);
  g_assert_cmpfloat (sh[UTH_OP_GROUP_ATTN_MATMUL], <, 0.03);

  /* Llama 3.1 8B at 32k tokens: the matmuls grow with S and take over a third. */
  set_scenario (f, "llama-3.1-8b", "h100-sxm", 1, 1024);
  g_assert_true (uth_draw_layer_group_shares (&f->ctx, 32768, sh));
  g_test_message ("llama-3.1-8b at 32k: matmul %.3f", sh[UTH_OP_GROUP_ATTN_MATMUL]);
  g_assert_cmpfloat (sh[UTH_OP_GROUP_ATTN_MATMUL], >, 0.33);
}

static void
test_layer_hit (Fixture       *f,
                gconstpointer  data)
{
  UthFigureHit hit;
  gboolean any = FALSE;
  double y;

  /* The op table fills the bottom of the page: rows answer with their op. */
  for (y = 600; y < 1000; y += 4)
    if (uth_draw_layer_hit (1600, 1000, &f->ctx, 300, y, &hit))
      {
        any = TRUE;
        g_assert_cmpint (hit.index, >=, 0);
        g_assert_nonnull (strstr (hit.tooltip, "FLOP"));
        g_free (hit.tooltip);
      }
  g_assert_true (any);
}

/* The roofline colours ops by the rates the engine reaches, so it draws that roof too and
 * shades memory- and compute-bound at the engine's ridge: H100 SXM bf16 peak 989 TFLOP/s and
 * 3.35 TB/s (ridge 295 FLOP/B); the engine's large-op efficiencies lower both. An op between
 * the two ridges (prefill attn_scores at 1024 tokens, 293 FLOP/B) must fall on its colour's
 * side of the drawn boundary. */
static void
test_layer_engine_roof (Fixture       *f,
                        gconstpointer  data)
{
  const UthEngine *e;
  double peak, bw, engine_ridge, peak_ridge;
  g_autofree char *text = NULL, *want_peak = NULL, *want_engine = NULL;
  UthFigureHit hit = { -1, NULL };
  gboolean found = FALSE;
  double x, y;

  set_scenario (f, "llama-3.1-8b", "h100-sxm", 1, 1024);
  f->ctx.phase = 0;
  e = f->ctx.input.engine;
  peak = uth_gpu_peak_flops (f->ctx.input.gpu, f->ctx.input.activations);
  bw = f->ctx.input.gpu->memory_bandwidth;
  peak_ridge = peak / bw;
  engine_ridge = (peak * e->compute_efficiency) / (bw * e->bandwidth_efficiency);
  g_assert_cmpfloat (fabs (engine_ridge - peak_ridge), >, 1.0);
  want_peak = uth_format_intensity (peak_ridge);
  want_engine = uth_format_intensity (engine_ridge);
  text = uth_draw_layer_describe (&f->ctx);
  g_assert_nonnull (strstr (text, want_peak));
  g_assert_nonnull (strstr (text, want_engine));

  /* Hovering the roofline finds attn_scores, compute-bound, with the op's own ridge. */
  for (y = 0; y < 700 && !found; y += 2)
    for (x = 0; x < 1000 && !found; x += 2)
      if (uth_draw_layer_roofline_hit (1000, 700, &f->ctx, x, y, &hit))
        {
          if (strstr (hit.tooltip, "attn_scores") != NULL)
            {
              found = TRUE;
              g_assert_nonnull (strstr (hit.tooltip, "compute-bound"));
              g_assert_nonnull (strstr (hit.tooltip, "achievable rates"));
            }
          g_clear_pointer (&hit.tooltip, g_free);
        }
  g_assert_true (found);
}

/* The home figure is the app's title figure: it fills its frame at any export size (the
 * rules of thumb reach into the bottom fifth, also at 2.5 times the size) instead of leaving
 * half of it empty. Counted in ink pixels that differ from the background corner. */
static void
test_home_fills (Fixture       *f,
                 gconstpointer  data)
{
  static const int sizes[][2] = { { 1600, 1000 }, { 4000, 2500 }, { 900, 560 } };
  const UthPageFigure *home = uth_draw_find_page ("home");
  guint si;

  set_scenario (f, "llama-3.1-8b", "h100-sxm", 1, 1024);
  for (si = 0; si < G_N_ELEMENTS (sizes); si++)
    {
      int w = sizes[si][0], h = sizes[si][1], x, y, stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, w);
      g_autoptr(GBytes) px = render_pixels (home, &f->ctx, w, h);
      const guint32 *pix = g_bytes_get_data (px, NULL);
      guint32 bg = pix[0];
      guint64 right_bottom = 0;

      for (y = h * 4 / 5; y < h; y++)
        for (x = w / 2; x < w; x++)
          right_bottom += pix[(gsize) y * (stride / 4) + x] != bg;
      g_test_message ("home %dx%d: %" G_GUINT64_FORMAT " ink pixels bottom right", w, h, right_bottom);
      g_assert_cmpuint (right_bottom, >, (guint64) w * h / 200);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/table", test_table);
  g_test_add_func ("/render/format", test_format);
  g_test_add_func ("/render/heat", test_heat);
  g_test_add ("/render/formats", Fixture, NULL, fixture_setup, test_formats, fixture_teardown);
  g_test_add ("/render/deterministic", Fixture, NULL, fixture_setup, test_deterministic, fixture_teardown);
  g_test_add ("/render/deterministic-files", Fixture, NULL, fixture_setup, test_deterministic_files, fixture_teardown);
  g_test_add ("/render/scenario-changes", Fixture, NULL, fixture_setup, test_scenario_changes, fixture_teardown);
  g_test_add ("/render/placeholder", Fixture, NULL, fixture_setup, test_placeholder, fixture_teardown);
  g_test_add ("/render/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/render/rules", Fixture, NULL, fixture_setup, test_rules, fixture_teardown);
  g_test_add ("/render/model-hit", Fixture, NULL, fixture_setup, test_model_hit, fixture_teardown);
  g_test_add ("/render/layer-shares", Fixture, NULL, fixture_setup, test_layer_shares, fixture_teardown);
  g_test_add ("/render/layer-hit", Fixture, NULL, fixture_setup, test_layer_hit, fixture_teardown);
  g_test_add ("/render/home-fills", Fixture, NULL, fixture_setup, test_home_fills, fixture_teardown);
  g_test_add ("/render/layer-engine-roof", Fixture, NULL, fixture_setup, test_layer_engine_roof, fixture_teardown);
  return g_test_run ();
}
