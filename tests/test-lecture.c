/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Presentation builds and questions (render/uth-lecture.h), without a display. */
#include "config.h"

#include <cairo.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "catalog/uth-tokenizer.h"
#include "core/uth-encoding.h"
#include "core/uth-flash.h"
#include "core/uth-roofline.h"
#include "core/uth-softmax.h"
#include "core/uth-speculative.h"
#include "core/uth-tiling.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-flash.h"
#include "render/uth-draw-position.h"
#include "render/uth-draw-tiling.h"
#include "core/uth-overview.h"
#include "render/uth-draw-overview.h"
#include "render/uth-lecture.h"
#include "analysis-fixture.h"

typedef struct
{
  UthCatalog       *catalog;
  UthFigureContext  ctx;
  UthEstimate       estimate;
} Fixture;

static void
set_scenario (Fixture    *f,
              const char *model,
              const char *gpu,
              guint64     batch,
              guint64     context,
              const char *text,
              double      temperature)
{
  uth_figure_context_init (&f->ctx);
  uth_figure_context_set_entries (&f->ctx, uth_catalog_find_model (f->catalog, model),
                                  uth_catalog_find_gpu (f->catalog, gpu),
                                  uth_catalog_find_engine (f->catalog, "tuned"));
  g_assert_nonnull (f->ctx.model);
  g_assert_nonnull (f->ctx.gpu);
  f->ctx.input.batch = batch;
  f->ctx.input.context = context;
  f->ctx.input.prompt = context;
  f->ctx.text = text;
  f->ctx.temperature = temperature;
  g_assert_cmpint (uth_estimate (&f->ctx.input, &f->estimate), ==, UTH_ESTIMATE_OK);
  f->ctx.estimate = &f->estimate;
  analysis_fixture_rows (&f->ctx);
}

static void
set_a (Fixture *f)
{
  set_scenario (f, "llama-3.1-8b", "h100-sxm", 1, 1024, "The quick brown fox jumps over the lazy dog.", 1.0);
}

static void
set_b (Fixture *f)
{
  set_scenario (f, "gemma-2-2b", "a100-sxm-80gb", 8, 2048,
                "Attention is all you need, and a GPU with a lot of memory bandwidth.", 0.5);
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
  set_a (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  analysis_fixture_clear ();
  g_clear_pointer (&f->catalog, uth_catalog_unref);
}

/* The number each question's answer must carry, computed here from the core. */
static double
expected_value (const char             *id,
                guint                   i,
                const UthFigureContext *ctx)
{
  const UthModel *m = ctx->input.model;
  UthEstimate e;

  g_assert_cmpint (uth_estimate (&ctx->input, &e), ==, UTH_ESTIMATE_OK);
  if (g_str_equal (id, "tokens"))
    {
      g_autoptr(GArray) ids = uth_tokenizer_encode (uth_tokenizer_get_default (), ctx->text, -1);

      return i == 0 ? ids->len : ceil (log2 (m->vocab));
    }
  if (g_str_equal (id, "embed"))
    return i == 0 ? (double) uth_model_embedding_params (m)
                  : (double) uth_model_embedding_params (m) * uth_dtype_bytes (ctx->input.weights);
  if (g_str_equal (id, "position"))
    {
      UthPositionView view;

      uth_position_view_init (&view);
      return i == 0 ? m->head_dim / 2
                    : round (2 * G_PI / uth_rope_frequency (m->head_dim / 2 - 1, m->head_dim, view.theta));
    }
  if (g_str_equal (id, "attention"))
    {
      double n = (double) ctx->input.prompt;

      return i == 0 ? n * n
                    : ctx->input.batch * m->heads * n * n * uth_dtype_bytes (ctx->input.activations);
    }
  if (g_str_equal (id, "softmax"))
    {
      const double logits[3] = { 2, 1, 0 };
      double p[3];

      g_assert_true (uth_softmax (logits, 3, i == 0 ? ctx->temperature : 2 * ctx->temperature, p));
      return p[0];
    }
  if (g_str_equal (id, "generation"))
    return i == 0 ? e.ttft_seconds : e.request_seconds;
  if (g_str_equal (id, "shapes"))
    return i == 0 ? (double) ctx->input.batch * ctx->input.prompt * m->heads * m->head_dim
                  : (double) uth_model_layer_params (m, m->layers - 1).attention;
  if (g_str_equal (id, "model"))
    return i == 0 ? (double) uth_model_params (m) : e.rule_of_thumb.flops_per_token;
  if (g_str_equal (id, "layer"))
    return i == 0 ? uth_roofline_ridge (ctx->input.gpu, ctx->input.activations)
                  : e.rule_of_thumb.decode_intensity;
  if (g_str_equal (id, "tiling"))
    {
      UthTilingView view;
      UthTiling t;

      uth_tiling_view_init (&view, ctx);
      g_assert_cmpint (uth_tiling_compute (&view.input, &t), ==, UTH_TILING_OK);
      return i == 0 ? (double) t.tiles : t.tail_utilization;
    }
  if (g_str_equal (id, "flash-attention"))
    {
      UthFlashView view;
      UthFlash fl;

      g_assert_true (uth_flash_view_init (&view, ctx));
      g_assert_cmpint (uth_flash_compute (&view.input, &fl), ==, UTH_FLASH_OK);
      return i == 0 ? fl.standard_peak_bytes : fl.traffic_ratio;
    }
  if (g_str_equal (id, "kv-cache"))
    return i == 0 ? e.kv_bytes_per_token : e.kv_cache_bytes;
  if (g_str_equal (id, "batching"))
    {
      UthEstimateInput in = ctx->input;

      in.batch = i == 0 ? 1 : (ctx->input.batch > 1 ? ctx->input.batch : 64);
      g_assert_cmpint (uth_estimate (&in, &e), ==, UTH_ESTIMATE_OK);
      return e.decode_tokens_per_second;
    }
  if (g_str_equal (id, "speculative"))
    {
      UthEstimateInput in = ctx->input;
      UthEstimate five;

      if (i == 1)
        return uth_speculative_expected_tokens (0.8, 4);
      in.step_tokens = 5;
      g_assert_cmpint (uth_estimate (&in, &five), ==, UTH_ESTIMATE_OK);
      return five.decode_step_seconds / e.decode_step_seconds;
    }
  if (g_str_equal (id, "cost"))
    return i == 0 ? e.cost_per_million_output_tokens : e.rule_of_thumb.decode_tokens_per_second;
  if (g_str_equal (id, "overview"))
    {
      UthOverview o;

      g_assert_cmpint (uth_overview_compute (&ctx->input, &o), ==, UTH_ESTIMATE_OK);
      return i == 0 ? o.gemms[o.largest].flops_per_token : o.idle_factor;
    }
  g_assert_not_reached ();
  return NAN;
}

/* Every learning page: figure builds, the explanation, then question and answer pairs. */
static void
test_builds (Fixture       *f,
             gconstpointer  data)
{
  const UthPageFigure *figures;
  guint n, learning = 0;

  figures = uth_draw_get_page_figures (&n);
  for (guint p = 0; p < n; p++)
    {
      const char *id = figures[p].id;
      guint builds = uth_lecture_n_builds (id), fig = uth_lecture_n_figure_builds (id);
      guint questions = uth_lecture_n_questions (id), q;

      /* Home has no lecture; the Overview, on the same row of the sidebar, has one build per
       * step of its walk. */
      if (figures[p].path == UTH_PATH_HOME && !g_str_equal (id, "overview"))
        {
          g_assert_cmpuint (builds, ==, 1);
          g_assert_cmpuint (questions, ==, 0);
          continue;
        }
      learning++;
      g_assert_cmpuint (fig, >=, 2);
      g_assert_cmpuint (questions, >=, 2);
      g_assert_cmpuint (builds, ==, fig + 3 + 2 * questions);
      for (guint b = 1; b <= builds; b++)
        {
          UthBuildKind kind = uth_lecture_build_kind (id, b, &q);

          g_assert_cmpstr (uth_lecture_build_caption (id, b), !=, "");
          if (b <= fig)
            g_assert_cmpint (kind, ==, UTH_BUILD_FIGURE);
          else if (b <= fig + 3)
            {
              g_autofree char *part = uth_lecture_explanation_part (id, q);

              /* What you see, Why it matters, Try this: one build each. */
              g_assert_cmpint (kind, ==, UTH_BUILD_EXPLANATION);
              g_assert_cmpuint (q, ==, b - fig - 1);
              g_assert_cmpuint (strlen (part), >, 80);
            }
          else
            {
              /* Question q, then its answer. */
              g_assert_cmpint (kind, ==, (b - fig - 3) % 2 == 1 ? UTH_BUILD_QUESTION : UTH_BUILD_ANSWER);
              g_assert_cmpuint (q, ==, (b - fig - 4) / 2);
            }
        }
      g_assert_cmpstr (uth_lecture_build_caption (id, fig + 2), ==, "Why it matters");
      /* Build 0 is the figure fully built; past the end there is no caption. */
      g_assert_cmpint (uth_lecture_build_kind (id, 0, NULL), ==, UTH_BUILD_FIGURE);
      g_assert_cmpstr (uth_lecture_build_caption (id, 0), ==, uth_lecture_build_caption (id, fig));
      g_assert_cmpstr (uth_lecture_build_caption (id, builds + 1), ==, "");
    }
  g_assert_cmpuint (learning, ==, 16);
  g_assert_cmpuint (uth_lecture_n_figure_builds ("overview"), ==, UTH_OVERVIEW_N_STEPS);
  g_assert_cmpuint (uth_lecture_n_builds ("no-such-page"), ==, 0);
  /* A context starts fully built: the window and plain renders are unchanged. */
  g_assert_cmpint (f->ctx.build, ==, 0);
  g_assert_true (uth_figure_shows_build (&f->ctx, 99));
  f->ctx.build = 2;
  g_assert_true (uth_figure_shows_build (&f->ctx, 2));
  g_assert_false (uth_figure_shows_build (&f->ctx, 3));
}

/* The explanation of a page whose .ui has one is that text, translated; Model and Layer,
 * whose .ui has none, have their own. */
static void
test_explanation (Fixture       *f,
                  gconstpointer  data)
{
  const UthPageFigure *figures;
  guint n;

  figures = uth_draw_get_page_figures (&n);
  for (guint p = 0; p < n; p++)
    {
      g_autofree char *markup = uth_lecture_explanation (figures[p].id);

      if (figures[p].path == UTH_PATH_HOME && !g_str_equal (figures[p].id, "overview"))
        {
          g_assert_null (markup);
          continue;
        }
      g_assert_nonnull (markup);
      g_assert_true (pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL));
      g_assert_nonnull (strstr (markup, "<b>What you see</b>"));
      g_assert_nonnull (strstr (markup, "<b>Why it matters</b>"));
      g_assert_nonnull (strstr (markup, "<b>Try this</b>"));
      g_assert_cmpuint (strlen (markup), >, 300);
    }
  {
    /* From ui/pages/uth-page-embed.ui, the paragraph after "What you see". */
    g_autofree char *embed = uth_lecture_explanation ("embed");

    g_assert_nonnull (strstr (embed, "Each token id selects one row of the embedding table"));
  }
}

static void
check_questions (Fixture *f,
                 double   values[][2],
                 char    *texts[][2])
{
  const UthPageFigure *figures;
  guint n;

  figures = uth_draw_get_page_figures (&n);
  for (guint p = 0; p < n; p++)
    for (guint i = 0; i < uth_lecture_n_questions (figures[p].id); i++)
      {
        UthQuestion q;
        double want = expected_value (figures[p].id, i, &f->ctx);

        g_assert_true (uth_lecture_question (figures[p].id, i, analysed (figures[p].id, &f->ctx), &q));
        g_test_message ("%s %u: %s / %s (%g)", figures[p].id, i, q.question, q.answer, q.value);
        g_assert_cmpuint (strlen (q.question), >, 20);
        g_assert_cmpuint (strlen (q.working), >, 20);
        g_assert_nonnull (q.value_text);
        g_assert_true (isfinite (q.value));
        /* The number shown is in the answer, and it is the core's. */
        g_assert_nonnull (strstr (q.answer, q.value_text));
        g_assert_cmpfloat_with_epsilon (q.value, want, fabs (want) * 1e-9 + 1e-12);
        values[p][i] = q.value;
        texts[p][i] = g_strdup (q.answer);
        uth_question_clear (&q);
      }
  g_assert_false (uth_lecture_question ("tokens", 2, analysed ("tokens", &f->ctx), &(UthQuestion) { 0 }));
  g_assert_false (uth_lecture_question ("home", 0, &f->ctx, &(UthQuestion) { 0 }));
}

/* Every page's questions carry the core's numbers for the scenario, and another scenario
 * gives other numbers. */
static void
test_questions (Fixture       *f,
                gconstpointer  data)
{
  double a[32][2] = { { 0 } }, b[32][2] = { { 0 } };
  char *ta[32][2] = { { NULL } }, *tb[32][2] = { { NULL } };
  const UthPageFigure *figures;
  guint n;

  figures = uth_draw_get_page_figures (&n);
  g_assert_cmpuint (n, <=, 32);
  check_questions (f, a, ta);
  set_b (f);
  check_questions (f, b, tb);
  for (guint p = 0; p < n; p++)
    for (guint i = 0; i < uth_lecture_n_questions (figures[p].id); i++)
      {
        UthQuestion q;

        uth_lecture_question (figures[p].id, i, analysed (figures[p].id, &f->ctx), &q);
        if (q.from_scenario)
          {
            g_test_message ("%s %u: %g against %g", figures[p].id, i, a[p][i], b[p][i]);
            g_assert_cmpfloat (a[p][i], !=, b[p][i]);
            g_assert_cmpstr (ta[p][i], !=, tb[p][i]);
          }
        uth_question_clear (&q);
        g_free (ta[p][i]);
        g_free (tb[p][i]);
      }

  /* Known answers, worked by hand for Llama 3.1 8B on an H100 (scenario A). */
  set_a (f);
  {
    UthQuestion q;

    /* 128,256 tokens x 4,096 wide = 525,336,576 parameters. */
    uth_lecture_question ("embed", 0, analysed ("embed", &f->ctx), &q);
    g_assert_cmpfloat (q.value, ==, 525336576.0);
    uth_question_clear (&q);
    /* 2^16 = 65,536 < 128,256 <= 2^17 = 131,072: 17 bits. */
    uth_lecture_question ("tokens", 1, &f->ctx, &q);
    g_assert_cmpfloat (q.value, ==, 17.0);
    g_assert_nonnull (strstr (q.answer, "17"));
    uth_question_clear (&q);
    /* head_dim 128: 64 pairs. */
    uth_lecture_question ("position", 0, &f->ctx, &q);
    g_assert_cmpfloat (q.value, ==, 64.0);
    uth_question_clear (&q);
    /* 1,024 tokens: 1,048,576 scores. */
    uth_lecture_question ("attention", 0, &f->ctx, &q);
    g_assert_cmpfloat (q.value, ==, 1048576.0);
    uth_question_clear (&q);
    /* T = 1: 1 / (1 + e^-1 + e^-2) = 1 / 1.503214724 = 0.665240956. */
    uth_lecture_question ("softmax", 0, &f->ctx, &q);
    g_assert_cmpfloat_with_epsilon (q.value, 0.665240956, 1e-9);
    uth_question_clear (&q);
    /* Batch 1, bf16 weights: 2 x 1 / 2 = 1 FLOP per byte. */
    uth_lecture_question ("layer", 1, &f->ctx, &q);
    g_assert_cmpfloat_with_epsilon (q.value, 1.0, 1e-12);
    g_assert_nonnull (strstr (q.answer, "memory-bound"));
    uth_question_clear (&q);
  }

  /* No model: the question still comes, saying what it needs, with no number. */
  {
    UthQuestion q;

    uth_figure_context_set_entries (&f->ctx, NULL, NULL, NULL);
    f->ctx.estimate = NULL;
    g_assert_true (uth_lecture_question ("kv-cache", 0, &f->ctx, &q));
    g_assert_nonnull (q.question);
    g_assert_true (isnan (q.value));
    g_assert_null (q.value_text);
    uth_question_clear (&q);
  }
}

static cairo_surface_t *
draw_slide (const UthPageFigure    *page,
            const UthFigureContext *ctx,
            guint                   build,
            int                     width,
            int                     height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);

  uth_lecture_draw_slide (page, cr, width, height, ctx, build);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Rows [0, rows) of two surfaces of the same size are the same. */
static gboolean
same_rows (cairo_surface_t *a,
           cairo_surface_t *b,
           int              rows)
{
  int stride = cairo_image_surface_get_stride (a);
  int width = cairo_image_surface_get_width (a);

  for (int y = 0; y < rows; y++)
    if (memcmp (cairo_image_surface_get_data (a) + y * stride,
                cairo_image_surface_get_data (b) + y * stride, (size_t) width * 4) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
uniform (cairo_surface_t *s)
{
  int stride = cairo_image_surface_get_stride (s);
  const guint32 *first = (const guint32 *) cairo_image_surface_get_data (s);

  for (int y = 0; y < cairo_image_surface_get_height (s); y++)
    for (int x = 0; x < cairo_image_surface_get_width (s); x++)
      if ((((const guint32 *) (cairo_image_surface_get_data (s) + y * stride))[x] & 0xffffff) != (*first & 0xffffff))
        return FALSE;
  return TRUE;
}

/* Each build draws something; a figure build shows less than the whole figure; the last
 * figure build and build 0 are the figure exactly as uth_draw_page draws it. */
static void
test_slides (Fixture       *f,
             gconstpointer  data)
{
  const UthPageFigure *figures;
  const int w = 960, h = 600;
  guint n;

  f->ctx.scale = uth_draw_presentation_scale (w, h);
  f->ctx.high_contrast = TRUE;
  figures = uth_draw_get_page_figures (&n);
  for (guint p = 0; p < n; p++)
    {
      const UthPageFigure *page = &figures[p];
      guint builds = uth_lecture_n_builds (page->id), fig = uth_lecture_n_figure_builds (page->id);
      double foot = uth_draw_font_px (&f->ctx, UTH_FONT_LABEL) * 2.2;
      cairo_surface_t *full = draw_slide (page, analysed (page->id, &f->ctx), 0, w, h);
      cairo_surface_t *plain = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      cairo_t *cr = cairo_create (plain);

      uth_draw_background (cr, w, h, &f->ctx);
      cairo_rectangle (cr, 0, 0, w, h - foot);
      cairo_clip (cr);
      uth_lecture_draw_figure (page, cr, w, h - foot, analysed (page->id, &f->ctx));
      cairo_destroy (cr);
      cairo_surface_flush (plain);
      g_assert_true (same_rows (full, plain, (int) floor (h - foot) - 1));
      /* A figure that would fit as the window draws it is drawn exactly so. */
      if (page->height == NULL || page->height (w, &f->ctx) <= h - foot)
        {
          cairo_surface_t *window = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);

          cr = cairo_create (window);
          uth_draw_background (cr, w, h, &f->ctx);
          cairo_rectangle (cr, 0, 0, w, h - foot);
          cairo_clip (cr);
          uth_draw_page (page, cr, w, h - foot, analysed ((page)->id, &f->ctx));
          cairo_destroy (cr);
          cairo_surface_flush (window);
          g_assert_true (same_rows (full, window, (int) floor (h - foot) - 1));
          cairo_surface_destroy (window);
        }
      g_assert_false (uniform (full));

      for (guint b = 1; b <= builds; b++)
        {
          cairo_surface_t *s = draw_slide (page, analysed (page->id, &f->ctx), b, w, h);

          g_test_message ("%s build %u", page->id, b);
          g_assert_false (uniform (s));
          if (b == fig)
            g_assert_true (same_rows (s, full, h));
          else if (b < fig)
            /* Build 1 shows less than the whole figure (the footers differ anyway). */
            g_assert_false (same_rows (s, full, (int) floor (h - foot) - 1));
          cairo_surface_destroy (s);
        }
      cairo_surface_destroy (full);
      cairo_surface_destroy (plain);
    }
}

/* Slides to files, as render --presentation writes them. */
static void
test_slide_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("uth-lecture-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "layer.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "layer.gif", NULL);
  cairo_surface_t *s;

  g_assert_no_error (error);
  g_assert_true (uth_lecture_slide_to_file (uth_draw_find_page ("layer"), &f->ctx, 2, png, 640, 360, &error));
  g_assert_no_error (error);
  s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 640);
  cairo_surface_destroy (s);
  g_assert_false (uth_lecture_slide_to_file (uth_draw_find_page ("layer"), &f->ctx, 2, bad, 640, 360, &error));
  g_assert_error (error, UTH_DRAW_ERROR, UTH_DRAW_ERROR_FORMAT);
  g_remove (png);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/lecture/builds", Fixture, NULL, fixture_setup, test_builds, fixture_teardown);
  g_test_add ("/lecture/explanation", Fixture, NULL, fixture_setup, test_explanation, fixture_teardown);
  g_test_add ("/lecture/questions", Fixture, NULL, fixture_setup, test_questions, fixture_teardown);
  g_test_add ("/lecture/slides", Fixture, NULL, fixture_setup, test_slides, fixture_teardown);
  g_test_add ("/lecture/slide-file", Fixture, NULL, fixture_setup, test_slide_file, fixture_teardown);
  return g_test_run ();
}
