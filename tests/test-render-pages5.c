/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Batching, Speculative Decode and Cost figures follow the scenario and the page's own
 * parameters (UthFigureContext.page_data, view), and their helpers answer right. */
#include "config.h"

#include <cairo.h>
#include <pango/pango.h>
#include <math.h>
#include <string.h>

#include "core/uth-speculative.h"
#include "render/uth-draw-batching.h"
#include "render/uth-draw-cost.h"
#include "render/uth-draw-speculative.h"
#include "analysis-fixture.h"

typedef struct
{
  UthCatalog       *catalog;
  UthFigureContext  ctx;
} Fixture;

static void
set_scenario (Fixture    *f,
              const char *model,
              const char *gpu,
              guint64     batch)
{
  uth_figure_context_init (&f->ctx);
  uth_figure_context_set_entries (&f->ctx, uth_catalog_find_model (f->catalog, model),
                                  uth_catalog_find_gpu (f->catalog, gpu),
                                  uth_catalog_find_engine (f->catalog, "tuned"));
  g_assert_nonnull (f->ctx.model);
  g_assert_nonnull (f->ctx.gpu);
  g_assert_nonnull (f->ctx.engine);
  f->ctx.input.batch = batch;
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
  set_scenario (f, "llama-3-8b", "h100-sxm", 8);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  analysis_fixture_clear ();
  uth_catalog_unref (f->catalog);
}

static GBytes *
pixels (UthDrawFunc             draw,
        const UthFigureContext *ctx,
        int                     width,
        int                     height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  GBytes *bytes;

  draw (cr, width, height, ctx);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * height);
  cairo_surface_destroy (surface);
  return bytes;
}

/* The figure's defaults take the scenario's batch as the limit, 8 for a batch of 1. */
static void
test_batching_defaults (Fixture       *f,
                        gconstpointer  data)
{
  UthBatchingView view;

  uth_batching_view_init (&view, &f->ctx);
  g_assert_cmpuint (view.config.max_batch, ==, 8);
  g_assert_cmpuint (uth_batching_view_rows (&view), ==, 8);
  f->ctx.input.batch = 64;
  uth_batching_view_init (&view, &f->ctx);
  g_assert_cmpuint (view.config.max_batch, ==, 64);
  g_assert_cmpuint (uth_batching_view_rows (&view), ==, 16);   /* rows are capped */
  f->ctx.input.batch = 1;
  uth_batching_view_init (&view, &f->ctx);
  g_assert_cmpuint (view.config.max_batch, ==, 8);
  uth_batching_view_init (&view, NULL);
  g_assert_cmpuint (view.config.requests, ==, 48);
  g_assert_cmpfloat (view.play_time_s, <, 0.0);
}

/* Results the page computed draw exactly as the figure's own simulation of the same view;
 * the playback time, the batch limit and the scenario's GPU all change the picture. */
static void
test_batching_follows (Fixture       *f,
                       gconstpointer  data)
{
  UthBatchingView view;
  UthBatchResult st, co;
  UthBatchConfig c;
  g_autoptr(GBytes) own = NULL, given = NULL, played = NULL, bigger = NULL, other_gpu = NULL;
  double window;

  uth_batching_view_init (&view, &f->ctx);
  f->ctx.page_data = &view;
  own = pixels (uth_draw_batching, &f->ctx, 1200, 750);

  c = view.config;
  c.policy = UTH_BATCH_STATIC;
  g_assert_cmpint (uth_batch_simulate (&f->ctx.input, &c, NULL, &st), ==, UTH_BATCH_OK);
  c.policy = UTH_BATCH_CONTINUOUS;
  g_assert_cmpint (uth_batch_simulate (&f->ctx.input, &c, NULL, &co), ==, UTH_BATCH_OK);
  view.static_result = &st;
  view.continuous_result = &co;
  given = pixels (uth_draw_batching, &f->ctx, 1200, 750);
  g_assert_true (g_bytes_equal (own, given));

  /* The window covers the first 40 requests of both runs. */
  window = uth_batching_view_window (&view, &st, &co);
  g_assert_cmpfloat (window, >=, st.requests[39].finish);
  g_assert_cmpfloat (window, >=, co.requests[39].finish);
  g_assert_cmpfloat (window, <, MAX (st.makespan_s, co.makespan_s) * 1.03);

  view.play_time_s = window / 3;
  played = pixels (uth_draw_batching, &f->ctx, 1200, 750);
  g_assert_false (g_bytes_equal (own, played));
  view.play_time_s = -1;
  view.static_result = view.continuous_result = NULL;

  view.config.max_batch = 16;
  bigger = pixels (uth_draw_batching, &f->ctx, 1200, 750);
  g_assert_false (g_bytes_equal (own, bigger));
  view.config.max_batch = 8;

  set_scenario (f, "llama-3-8b", "a100-sxm-80gb", 8);
  f->ctx.page_data = &view;
  other_gpu = pixels (uth_draw_batching, &f->ctx, 1200, 750);
  g_assert_false (g_bytes_equal (own, other_gpu));

  uth_batch_result_clear (&st);
  uth_batch_result_clear (&co);
}

/* A scenario whose requests cannot fit draws an explanation instead of timelines. */
static void
test_batching_does_not_fit (Fixture       *f,
                            gconstpointer  data)
{
  UthBatchingView view;
  g_autoptr(GBytes) a = NULL;

  set_scenario (f, "llama-3.1-405b", "l4", 8);
  uth_batching_view_init (&view, &f->ctx);
  f->ctx.page_data = &view;
  a = pixels (uth_draw_batching, &f->ctx, 800, 500);
  g_assert_nonnull (a);
}

/* Llama 3 8B's vocabulary (128256) is shared by Llama 3.2 1B, the smallest such model. */
static void
test_speculative_draft (Fixture       *f,
                        gconstpointer  data)
{
  const UthModelEntry *draft = uth_speculative_view_default_draft (&f->ctx);
  UthSpeculativeView view;

  g_assert_nonnull (draft);
  g_assert_cmpstr (draft->id, ==, "llama-3.2-1b");
  uth_speculative_view_init (&view, &f->ctx);
  g_assert_true (view.draft == draft);
  g_assert_cmpfloat (view.alpha, ==, 0.8);
  g_assert_cmpuint (view.gamma, ==, 4);
  g_assert_cmpuint (view.passes, ==, UTH_SPECULATIVE_SHOWN_PASSES);

  /* Qwen 2.5 7B drafts with Qwen 2.5 0.5B (vocabulary 152064). */
  set_scenario (f, "qwen2.5-7b", "h100-sxm", 1);
  draft = uth_speculative_view_default_draft (&f->ctx);
  g_assert_cmpstr (draft->id, ==, "qwen2.5-0.5b");
}

static void
test_speculative_follows (Fixture       *f,
                          gconstpointer  data)
{
  UthSpeculativeView view;
  g_autoptr(GBytes) a = NULL, b = NULL, c = NULL, d = NULL, e = NULL;

  uth_speculative_view_init (&view, &f->ctx);
  f->ctx.page_data = &view;
  a = pixels (uth_draw_speculative, &f->ctx, 1200, 750);
  b = pixels (uth_draw_speculative, &f->ctx, 1200, 750);
  g_assert_true (g_bytes_equal (a, b));
  view.alpha = 0.6;
  c = pixels (uth_draw_speculative, &f->ctx, 1200, 750);
  g_assert_false (g_bytes_equal (a, c));
  view.alpha = 0.8;
  view.passes = 2;
  d = pixels (uth_draw_speculative, &f->ctx, 1200, 750);
  g_assert_false (g_bytes_equal (a, d));
  /* Mid-pass: the draft has proposed 3 tokens the target has not checked yet. */
  view.drafting = 3;
  {
    g_autoptr(GBytes) mid = pixels (uth_draw_speculative, &f->ctx, 1200, 750);

    g_assert_false (g_bytes_equal (d, mid));
  }
  view.drafting = 0;
  view.passes = UTH_SPECULATIVE_SHOWN_PASSES;
  f->ctx.input.batch = 256;
  e = pixels (uth_draw_speculative, &f->ctx, 1200, 750);
  g_assert_false (g_bytes_equal (a, e));
}

/* Speculative hover answers from the drawn geometry: pass rows top-left (tokens kept, from
 * the same seeded passes as the drawing), draft lengths left-bottom (speedup by the paper
 * formula E / (γc + 1)), batches right-bottom; in order from left to right; nothing in the
 * margin. Also at a size below the figure's minimum, where it is scaled down. */
static void
test_speculative_hit (Fixture       *f,
                      gconstpointer  data)
{
  static const double sizes[][2] = { { 1600, 1000 }, { 900, 600 } };
  UthSpeculativeView view;
  UthSpeculativeTiming t;
  guint si;

  uth_speculative_view_init (&view, &f->ctx);
  f->ctx.page_data = &view;
  g_assert_cmpint (uth_speculative_time (&f->ctx.input, &view.draft->spec, view.alpha, view.gamma, &t),
                   ==, UTH_SPECULATIVE_OK);
  for (si = 0; si < G_N_ELEMENTS (sizes); si++)
    {
      double w = sizes[si][0], h = sizes[si][1], x, y;
      int last_gamma = 0, last_batch = 0, rows = 0, last_row = -1;
      gboolean saw_gamma4 = FALSE;
      UthFigureHit hit = { -1, NULL };

      g_assert_false (uth_draw_speculative_hit (w, h, &f->ctx, 2, 2, &hit));
      g_assert_null (hit.tooltip);
      /* Down the left of the pass rows. */
      for (y = 0; y < h * 0.5; y += 2)
        if (uth_draw_speculative_hit (w, h, &f->ctx, w * 0.15, y, &hit))
          {
            if (hit.index >= 0 && hit.index < UTH_SPECULATIVE_SHOWN_PASSES && hit.index != last_row)
              {
                g_assert_cmpint (hit.index, ==, last_row + 1);
                g_assert_true (pango_parse_markup (hit.tooltip, -1, 0, NULL, NULL, NULL, NULL));
                last_row = hit.index;
                rows++;
              }
            g_clear_pointer (&hit.tooltip, g_free);
          }
      g_assert_cmpint (rows, ==, UTH_SPECULATIVE_SHOWN_PASSES);
      /* The cards give their formulas in full, however little of them fits. */
      {
        gboolean card = FALSE;

        for (y = 0; y < h * 0.5 && !card; y += 2)
          if (uth_draw_speculative_hit (w, h, &f->ctx, w * 0.62, y, &hit))
            {
              if (hit.index == 300)
                {
                  card = TRUE;
                  g_assert_nonnull (strstr (hit.tooltip, "Monte-Carlo run of 10000 passes"));
                }
              g_clear_pointer (&hit.tooltip, g_free);
            }
        g_assert_true (card);
      }
      /* Across the bottom: γ 1 … 12, then batches 1 … 1024. */
      for (x = 0; x < w; x += 1)
        if (uth_draw_speculative_hit (w, h, &f->ctx, x, h * 0.8, &hit))
          {
            g_assert_true (pango_parse_markup (hit.tooltip, -1, 0, NULL, NULL, NULL, NULL));
            if (hit.index > 100 && hit.index <= 112)
              {
                g_assert_cmpint (last_batch, ==, 0);
                g_assert_cmpint (hit.index, >=, last_gamma);
                last_gamma = hit.index;
                if (hit.index == 104 && !saw_gamma4)
                  {
                    g_autofree char *want = g_strdup_printf ("%.2f×", uth_speculative_speedup (0.8, 4, t.c));

                    g_assert_nonnull (strstr (hit.tooltip, want));
                    saw_gamma4 = TRUE;
                  }
              }
            else
              {
                g_assert_cmpint (hit.index, >=, 200);
                g_assert_cmpint (hit.index, <=, 210);
                g_assert_cmpint (hit.index, >=, last_batch);
                last_batch = hit.index;
              }
            g_clear_pointer (&hit.tooltip, g_free);
          }
      g_assert_cmpint (last_gamma, ==, 112);
      g_assert_true (saw_gamma4);
      g_assert_cmpint (last_batch, ==, 210);
    }
}

/* A target that does not fit its GPUs (Llama 3.1 405B, 810 GB of bf16 weights, on one 80 GB
 * H100) is still timed, but the figure says so instead of showing speedups as if it ran. */
static void
test_speculative_does_not_fit (Fixture       *f,
                               gconstpointer  data)
{
  UthEstimate e;
  g_autoptr(GBytes) a = NULL, b = NULL;

  set_scenario (f, "llama-3.1-405b", "h100-sxm", 1);
  g_assert_cmpint (uth_estimate (&f->ctx.input, &e), ==, UTH_ESTIMATE_OK);
  g_assert_false (e.fits);
  a = pixels (uth_draw_speculative, &f->ctx, 1200, 750);
  f->ctx.estimate = &e;
  b = pixels (uth_draw_speculative, &f->ctx, 1200, 750);
  g_assert_false (g_bytes_equal (a, b));
  f->ctx.estimate = NULL;
}

/* Every GPU of the catalog is compared, cheapest first, set-ups that do not fit last; Llama
 * 3 70B in bf16 (141 GB) needs two or more GPUs of 80 GB. */
static void
test_cost_rows (Fixture       *f,
                gconstpointer  data)
{
  g_autofree UthGpuComparison *rows = NULL;
  g_autofree UthGpuComparison *fast = NULL;
  guint n, i;
  const UthGpuEntry *h100;

  set_scenario (f, "llama-3-70b", "h100-sxm", 1);
  n = uth_cost_gpu_rows (&f->ctx, UTH_SORT_COST, &rows);
  g_assert_cmpuint (n, ==, uth_catalog_get_n_gpus (f->catalog));
  for (i = 1; i < n; i++)
    {
      g_assert_true (rows[i - 1].fits || !rows[i].fits);
      if (rows[i].fits)
        g_assert_cmpfloat (rows[i - 1].cost_per_million_output, <=, rows[i].cost_per_million_output);
    }
  for (i = 0; i < n; i++)
    {
      h100 = uth_catalog_get_gpu (f->catalog, rows[i].index);
      if (g_str_equal (h100->id, "h100-sxm"))
        break;
    }
  g_assert_cmpuint (i, <, n);
  g_assert_true (rows[i].fits);
  g_assert_cmpuint (rows[i].gpus, >=, 2);

  n = uth_cost_gpu_rows (&f->ctx, UTH_SORT_THROUGHPUT, &fast);
  for (i = 1; i < n; i++)
    if (fast[i].fits)
      g_assert_cmpfloat (fast[i - 1].tokens_per_second, >=, fast[i].tokens_per_second);
}

static void
test_cost_names (Fixture       *f,
                 gconstpointer  data)
{
  int i;

  for (i = 0; i < UTH_N_THUMBS; i++)
    g_assert_cmpstr (uth_cost_thumb_name ((UthThumb) i), !=, "");
  for (i = 0; i < UTH_N_GAPS; i++)
    g_assert_cmpstr (uth_cost_gap_reason ((UthGapReason) i), !=, "");
  g_assert_cmpstr (uth_cost_gap_reason (UTH_N_GAPS), ==, "");
}

/* The sort key, the price and the batch change the picture (at a size where the GPU list
 * stands beside the rest, so all of it is in the picture). */
static void
test_cost_follows (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) a = NULL, b = NULL, c = NULL, d = NULL;

  a = pixels (uth_draw_cost, &f->ctx, 1400, 1000);
  f->ctx.view = UTH_SORT_TTFT;
  b = pixels (uth_draw_cost, &f->ctx, 1400, 1000);
  g_assert_false (g_bytes_equal (a, b));
  f->ctx.view = UTH_SORT_COST;
  f->ctx.input.price_per_hour = 10.0;
  c = pixels (uth_draw_cost, &f->ctx, 1400, 1000);
  g_assert_false (g_bytes_equal (a, c));
  f->ctx.input.price_per_hour = -1.0;
  f->ctx.input.batch = 64;
  d = pixels (uth_draw_cost, &f->ctx, 1200, 750);
  g_assert_false (g_bytes_equal (a, d));
}

/* Small and large sizes draw without cairo errors (the layouts scale down below their
 * minimum sizes). */
static void
test_sizes (Fixture       *f,
            gconstpointer  data)
{
  static const int sizes[][2] = { { 320, 200 }, { 800, 500 }, { 1920, 1080 } };
  UthDrawFunc draws[] = { uth_draw_batching, uth_draw_speculative, uth_draw_cost };
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (j = 0; j < G_N_ELEMENTS (draws); j++)
      {
        g_autoptr(GBytes) p = pixels (draws[j], &f->ctx, sizes[i][0], sizes[i][1]);

        g_assert_nonnull (p);
      }
}

/* The measured markers: data/reference.json holds decode steps of Llama 3 8B on one H100
 * in bf16, none on an L4; every match is of the scenario's model, GPU, count and type. */
static guint
measured_match (Fixture                 *f,
                UthReferencePhase        phase,
                const UthReferencePoint **pts,
                guint                    max)
{
  const UthMeasuredMatch *m[128];
  guint n = uth_analysis_measured (analysed ("cost", &f->ctx)->analysis, phase, m, MIN (max, G_N_ELEMENTS (m)));

  for (guint i = 0; i < n; i++)
    pts[i] = m[i]->point;
  return n;
}

static void
test_measured (Fixture       *f,
               gconstpointer  data)
{
  const UthReferencePoint *pts[128];
  guint n, i;

  n = measured_match (f, UTH_REFERENCE_DECODE, pts, G_N_ELEMENTS (pts));
  g_assert_cmpuint (n, >, 0);
  for (i = 0; i < n; i++)
    {
      g_assert_cmpstr (pts[i]->model, ==, "llama-3-8b");
      g_assert_cmpstr (pts[i]->gpu, ==, "h100-sxm");
      g_assert_cmpuint (pts[i]->gpus, ==, 1);
      g_assert_cmpint (pts[i]->phase, ==, UTH_REFERENCE_DECODE);
    }
  g_assert_cmpuint (measured_match (f, UTH_REFERENCE_DECODE, pts, 2), ==, MIN (n, 2));
  f->ctx.input.gpus = 2;
  g_assert_cmpuint (measured_match (f, UTH_REFERENCE_DECODE, pts, G_N_ELEMENTS (pts)), ==, 0);
  set_scenario (f, "llama-3-8b", "l4", 1);
  g_assert_cmpuint (measured_match (f, UTH_REFERENCE_N_PHASES, pts, G_N_ELEMENTS (pts)), ==, 0);

  /* Llama 3.1 8B has Llama 3 8B's shapes: its measurements stand for it. Llama 2 7B does
   * not (another vocabulary and MLP): only its own points match. */
  set_scenario (f, "llama-3.1-8b", "h100-sxm", 1);
  g_assert_cmpuint (measured_match (f, UTH_REFERENCE_DECODE, pts, G_N_ELEMENTS (pts)), ==, n);
  set_scenario (f, "llama-2-7b", "h100-sxm", 1);
  n = measured_match (f, UTH_REFERENCE_N_PHASES, pts, G_N_ELEMENTS (pts));
  g_assert_cmpuint (n, >, 0);
  for (i = 0; i < n; i++)
    g_assert_cmpstr (pts[i]->model, ==, "llama-2-7b");
  g_assert_false (uth_measured_same_architecture (&uth_catalog_find_model (f->catalog, "llama-2-7b")->spec,
                                                  &uth_catalog_find_model (f->catalog, "llama-3-8b")->spec));
}

/* Hovering the GPU comparison names the row's GPU; the title area answers nothing. The
 * rows fill the right 40% below the title, so a point near the bottom right is a row. */
static void
test_cost_hit (Fixture       *f,
               gconstpointer  data)
{
  UthFigureHit hit = { -1, NULL };
  g_autofree UthGpuComparison *rows = NULL;
  guint n = uth_cost_gpu_rows (&f->ctx, UTH_SORT_COST, &rows);

  g_assert_cmpuint (n, >, 0);
  g_assert_true (uth_draw_cost_hit (1600, 1000, &f->ctx, 1400, 960, &hit));
  g_assert_cmpint (hit.index, >=, 0);
  g_assert_cmpint (hit.index, ==, (int) rows[n - 1].index);   /* the last, most expensive row */
  g_assert_nonnull (hit.tooltip);
  g_assert_nonnull (strstr (hit.tooltip, uth_catalog_get_gpu (f->catalog, hit.index)->name));
  g_free (hit.tooltip);
  g_assert_false (uth_draw_cost_hit (1600, 1000, &f->ctx, 200, 20, &hit));
  g_assert_cmpint (hit.index, ==, -1);
  g_assert_null (hit.tooltip);
  /* Scaled down in height (the wide layout scales below 1300 x 1000), the same row answers
   * at the same relative place. */
  g_assert_true (uth_draw_cost_hit (1400, 700, &f->ctx, 1225, 672, &hit));
  g_assert_cmpint (hit.index, ==, (int) rows[n - 1].index);
  g_free (hit.tooltip);
  /* Narrower than 1300 px the page reflows into one column with the GPU list last, at full
   * size from 700 px: at 800 px, in a figure as tall as it asks (far taller than the wide
   * layout's 1000 px), the last row (28 px) is centred 14 px above the 24 px bottom margin. */
  {
    double h = uth_cost_page_height (800, &f->ctx);

    g_assert_cmpfloat (h, >, 1000 + n * 28);
    g_assert_true (uth_draw_cost_hit (800, h, &f->ctx, 400, h - 24 - 14, &hit));
    g_assert_cmpint (hit.index, ==, (int) rows[n - 1].index);
    g_free (hit.tooltip);
    g_assert_true (uth_draw_cost_hit (800, h, &f->ctx, 400, h - 24 - 14 - (n - 1) * 28.0, &hit));
    g_assert_cmpint (hit.index, ==, (int) rows[0].index);
    g_free (hit.tooltip);
  }
}

/* Hovering a timeline names a request of the trace; the title answers nothing. */
static void
test_batching_hit (Fixture       *f,
                   gconstpointer  data)
{
  UthBatchingView view;
  UthFigureHit hit = { -1, NULL };
  guint hits = 0;
  int x, y;

  UthBatchResult st, co;
  UthBatchConfig c;

  uth_batching_view_init (&view, &f->ctx);
  f->ctx.page_data = &view;
  g_assert_false (uth_draw_batching_hit (1600, 1000, &f->ctx, 300, 20, &hit));
  /* The page's own results, as the page passes them (faster than simulating per hit). */
  c = view.config;
  c.policy = UTH_BATCH_STATIC;
  g_assert_cmpint (uth_batch_simulate (&f->ctx.input, &c, NULL, &st), ==, UTH_BATCH_OK);
  c.policy = UTH_BATCH_CONTINUOUS;
  g_assert_cmpint (uth_batch_simulate (&f->ctx.input, &c, NULL, &co), ==, UTH_BATCH_OK);
  view.static_result = &st;
  view.continuous_result = &co;
  g_assert_null (hit.tooltip);
  for (x = 100; x < 1600; x += 40)
    for (y = 100; y < 500; y += 10)
      if (uth_draw_batching_hit (1600, 1000, &f->ctx, x, y, &hit))
        {
          g_assert_cmpint (hit.index, >=, 0);
          g_assert_cmpint (hit.index, <, (int) view.config.requests);
          g_assert_nonnull (strstr (hit.tooltip, "Request"));
          g_free (hit.tooltip);
          hits++;
        }
  g_assert_cmpuint (hits, >, 20);
  /* While playing, nothing after the playback time answers. */
  view.play_time_s = 0.0;
  for (x = 100; x < 1600; x += 40)
    for (y = 100; y < 500; y += 10)
      g_assert_false (uth_draw_batching_hit (1600, 1000, &f->ctx, x, y, &hit));
  uth_batch_result_clear (&st);
  uth_batch_result_clear (&co);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/render-pages5/batching/defaults", test_batching_defaults);
  ADD ("/render-pages5/batching/follows", test_batching_follows);
  ADD ("/render-pages5/batching/does-not-fit", test_batching_does_not_fit);
  ADD ("/render-pages5/speculative/draft", test_speculative_draft);
  ADD ("/render-pages5/speculative/follows", test_speculative_follows);
  ADD ("/render-pages5/cost/rows", test_cost_rows);
  ADD ("/render-pages5/cost/names", test_cost_names);
  ADD ("/render-pages5/cost/follows", test_cost_follows);
  ADD ("/render-pages5/sizes", test_sizes);
  ADD ("/render-pages5/measured", test_measured);
  ADD ("/render-pages5/cost/hit", test_cost_hit);
  ADD ("/render-pages5/batching/hit", test_batching_hit);
  ADD ("/render-pages5/speculative/hit", test_speculative_hit);
  ADD ("/render-pages5/speculative/does-not-fit", test_speculative_does_not_fit);
#undef ADD
  return g_test_run ();
}
