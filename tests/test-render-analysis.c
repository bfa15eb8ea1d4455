/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Figures draw what they are given (issue 20). Every page is drawn from a context whose
 * analysis was computed from a test catalog, a test tokenizer and a counting model over
 * that tokenizer's ids — none of the bundled ones — and the texts the figure drew (the
 * layout audit's recorder) hold their values: the test GPUs' and models' names, the test
 * vocabulary's tokens. Without an analysis a figure that needs one says "Computing…". An
 * analysis is computed once per input change: a redraw (hover) reuses it. */
#include "config.h"

#include <cairo.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "analysis/uth-analysis.h"
#include "core/uth-bpe.h"
#include "render/uth-draw-softmax.h"
#include "render/uth-draw-tokens.h"
#include "render/uth-layout-audit.h"

#define W 1600
#define H 1000

/* The test vocabulary: the 256 bytes, then "zo" (256), "zor" (257) and "zorb" (258), so
 * "zorb" is one token that no bundled vocabulary spells alone. */
#define TEST_TEXT "zorb zorb zor zorb zo zorb zorb"
#define TEST_TOKENIZER_NAME "zorb-vocab.json"

typedef struct
{
  UthCatalog         *catalog;
  UthTokenizer       *tokenizer;
  UthNgram           *ngram;
  UthAnalysisSources *sources;
  UthFigureContext    ctx;
  UthEstimate         estimate;
} Fixture;

static UthTokenizer *
test_tokenizer (void)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  UthTokenizer *tok;
  char *data;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pre_tokenizer");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "ByteLevel");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "BPE");
  json_builder_set_member_name (b, "vocab");
  json_builder_begin_object (b);
  for (guint i = 0; i < 256; i++)
    {
      char spelled[8] = { 0 };

      g_unichar_to_utf8 (uth_bpe_byte_to_unicode ((guint8) i), spelled);
      json_builder_set_member_name (b, spelled);
      json_builder_add_int_value (b, i);
    }
  json_builder_set_member_name (b, "zo");
  json_builder_add_int_value (b, 256);
  json_builder_set_member_name (b, "zor");
  json_builder_add_int_value (b, 257);
  json_builder_set_member_name (b, "zorb");
  json_builder_add_int_value (b, 258);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "merges");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "z o");
  json_builder_add_string_value (b, "zo r");
  json_builder_add_string_value (b, "zor b");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, NULL);
  bytes = g_bytes_new_take (data, strlen (data));
  tok = uth_tokenizer_new_from_bytes (bytes, TEST_TOKENIZER_NAME, &error);
  g_assert_no_error (error);
  return tok;
}

/* A catalog of its own: two models and two GPUs with made-up names (shapes and specs
 * borrowed from the bundled entries, so the estimator has real numbers), and the tuned
 * engine. */
static UthCatalog *
test_catalog (void)
{
  g_autoptr(UthCatalog) bundled = uth_catalog_new ();
  g_autoptr(GError) error = NULL;
  UthCatalog *catalog = uth_catalog_new ();
  UthModelEntry model;
  UthGpuEntry gpu;

  g_assert_true (uth_catalog_load_bundled (bundled, &error));
  g_assert_no_error (error);

  model = *uth_catalog_find_model (bundled, "llama-3.1-8b");
  model.id = (char *) "zorblax-8b";
  model.name = (char *) "Zorblax 8B";
  model.family = (char *) "zorblax";
  uth_catalog_add_model (catalog, &model);
  model = *uth_catalog_find_model (bundled, "llama-3.2-1b");
  model.id = (char *) "zorblax-1b";
  model.name = (char *) "Zorblax 1B";
  model.family = (char *) "zorblax";
  model.spec.vocab = uth_catalog_find_model (bundled, "llama-3.1-8b")->spec.vocab;
  uth_catalog_add_model (catalog, &model);

  gpu = *uth_catalog_find_gpu (bundled, "h100-sxm");
  gpu.id = (char *) "quokka-q9";
  gpu.name = (char *) "Quokka Q9";
  uth_catalog_add_gpu (catalog, &gpu);
  /* The Overview's ridge example is the catalog's A100 (by id). */
  gpu = *uth_catalog_find_gpu (bundled, "a100-sxm-80gb");
  gpu.name = (char *) "Quokka A1";
  uth_catalog_add_gpu (catalog, &gpu);

  uth_catalog_add_engine (catalog, uth_catalog_find_engine (bundled, "tuned"));
  return catalog;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  /* The counting model's corpus: the test text's ids, so its predictions are test tokens. */
  g_autoptr(GArray) corpus = NULL;

  f->catalog = test_catalog ();
  f->tokenizer = test_tokenizer ();
  corpus = uth_tokenizer_encode (f->tokenizer, TEST_TEXT " " TEST_TEXT, -1);
  f->ngram = uth_ngram_new ((const guint32 *) corpus->data, corpus->len,
                            uth_bpe_get_vocab_size (uth_tokenizer_get_bpe (f->tokenizer)), 3);
  g_assert_nonnull (f->ngram);
  f->sources = uth_analysis_sources_new (f->catalog, f->tokenizer, f->ngram, 7, NULL);
  uth_figure_context_init (&f->ctx);
  uth_figure_context_set_entries (&f->ctx, uth_catalog_find_model (f->catalog, "zorblax-8b"),
                                  uth_catalog_find_gpu (f->catalog, "quokka-q9"),
                                  uth_catalog_find_engine (f->catalog, "tuned"));
  f->ctx.text = TEST_TEXT;
  g_assert_cmpint (uth_estimate (&f->ctx.input, &f->estimate), ==, UTH_ESTIMATE_OK);
  f->ctx.estimate = &f->estimate;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  uth_analysis_sources_unref (f->sources);
  uth_ngram_free (f->ngram);
  uth_tokenizer_unref (f->tokenizer);
  uth_catalog_unref (f->catalog);
}

/* Every text the page drew with ctx, joined by newlines. */
static char *
drawn_texts (const UthPageFigure    *page,
             const UthFigureContext *ctx)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(UthLayoutAudit) audit = uth_layout_audit_new (W, H, 1);
  GString *all = g_string_new (NULL);

  uth_layout_audit_begin (audit);
  uth_draw_page (page, cr, W, H, ctx);
  uth_layout_audit_end (audit);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  for (guint i = 0; i < uth_layout_audit_get_n_texts (audit); i++)
    g_string_append_printf (all, "%s\n", uth_layout_audit_get_text (audit, i)->text);
  return g_string_free (all, FALSE);
}

/* What each page must show of the test sources: a token of the test vocabulary, the test
 * tokenizer's name, the test model's or GPU's name. */
typedef struct
{
  const char *page;
  const char *expect[3];
} Expectation;

static const Expectation expectations[] = {
  { "overview", { "Quokka Q9", NULL } },             /* the last step: your GPU's ridge */
  { "tokens", { "zorb", TEST_TOKENIZER_NAME, NULL } },
  /* The pages that run a model (issue 16) tokenize with the model's own tokenizer, not the
   * sources' test vocabulary: they show the sources' model (the app's own, uth-kjv-1m,
   * 2,048 tokens), its first token <|endoftext|> (labelled BOS), and the scenario's names where they
   * time things. */
  { "embed", { "BOS", "2048 rows", "uth-kjv-1m" } },
  { "position", { "BOS", "uth-kjv-1m", NULL } },
  { "attention", { "BOS", "uth-kjv-1m", NULL } },
  { "softmax", { "uth-kjv-1m", NULL } },
  { "generation", { "BOS", "Zorblax 8B", "Quokka Q9" } },
  { "cost", { "Quokka Q9", "Quokka A1", NULL } },     /* the GPU list is the catalog's */
  { "kv-cache", { "Zorblax 8B", "Zorblax 1B", "quokka-q9" } },  /* the fits map: models × GPU ids */
  { "speculative", { "Zorblax 1B", NULL } },          /* the draft found in the catalog */
};

static void
test_every_page (Fixture       *f,
                 gconstpointer  data)
{
  guint n_pages;
  const UthPageFigure *pages = uth_draw_get_page_figures (&n_pages);

  for (guint i = 0; i < n_pages; i++)
    {
      const UthPageFigure *page = &pages[i];
      UthFigureContext ctx = f->ctx;
      g_autoptr(UthAnalysis) analysis = uth_analysis_prepare (f->sources, page->id, &ctx);
      g_autofree char *texts = drawn_texts (page, &ctx);

      g_test_message ("%s", page->id);
      g_assert_nonnull (analysis);
      g_assert_true (ctx.analysis == analysis);
      /* Drawn from the analysis, never "Computing…". */
      g_assert_null (strstr (texts, "Computing…"));
      /* Nothing of the bundled catalog: its GPUs and models are not in this one. */
      g_assert_null (strstr (texts, "H200"));
      g_assert_null (strstr (texts, "Mixtral"));
      for (guint e = 0; e < G_N_ELEMENTS (expectations); e++)
        if (g_str_equal (expectations[e].page, page->id))
          for (guint k = 0; k < G_N_ELEMENTS (expectations[e].expect) && expectations[e].expect[k] != NULL; k++)
            {
              if (strstr (texts, expectations[e].expect[k]) == NULL)
                g_error ("%s does not show “%s”; it drew:\n%s", page->id, expectations[e].expect[k], texts);
            }
    }
}

/* Without an analysis, a figure that needs one shows that it is computing: no catalog or
 * tokenizer is reached for behind the caller's back. */
static void
test_computing (Fixture       *f,
                gconstpointer  data)
{
  const char *const ids[] = { "tokens", "embed", "position", "attention", "softmax", "generation", "cost" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *texts = drawn_texts (uth_draw_find_page (ids[i]), &f->ctx);

      g_test_message ("%s", ids[i]);
      g_assert_nonnull (strstr (texts, "Computing…"));
      g_assert_null (strstr (texts, "zorb"));
    }
}

/* The analysis' numbers, worked by hand: "zorb zorb zor zorb zo zorb zorb" with the test
 * merges is zorb, ␣, zorb, ␣, zor, ␣, zorb, ␣, zo, ␣, zorb, ␣, zorb: 13 tokens; the first
 * is id 258. The merge step-through goes z+o (5 places... every z is followed by o: 7),
 * zo+r (6), zor+b (5): 3 steps, the middle frame (step 1, halfway rounded down) after z+o. */
static void
test_text_analysis (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(UthAnalysis) a = uth_analysis_compute (f->sources, "tokens", &f->ctx, NULL, NULL);
  const UthTextAnalysis *t = a->text;

  g_assert_nonnull (t);
  g_assert_cmpuint (t->ids->len, ==, 13);
  g_assert_cmpuint (g_array_index (t->ids, guint32, 0), ==, 258);
  g_assert_cmpstr (uth_analysis_token_label (a, 258), ==, "zorb");
  g_assert_cmpstr (uth_analysis_token_label (a, g_array_index (t->ids, guint32, 1)), ==, "␣");
  g_assert_cmpstr (t->tokenizer.name, ==, TEST_TOKENIZER_NAME);
  g_assert_false (t->tokenizer.is_default);
  g_assert_cmpuint (t->tokenizer.vocab_size, ==, 259);
  g_assert_cmpuint (t->n_steps, ==, 3);
  g_assert_cmpuint (t->step, ==, 1);
  g_assert_cmpuint (t->frames[0].n, ==, strlen (TEST_TEXT));
  g_assert_cmpuint (t->frames[1].last.result, ==, 256);
  g_assert_cmpuint (t->frames[1].last.places, ==, 7);
  g_assert_cmpuint (t->frames[2].n, ==, 13);
}

/* The key names the inputs: the same context gives the same key; hover and style are not
 * inputs, the text and (on Softmax) the temperature are. */
static void
test_key (Fixture       *f,
          gconstpointer  data)
{
  UthFigureContext other = f->ctx;
  g_autofree char *a = uth_analysis_key (f->sources, "softmax", &f->ctx);
  g_autofree char *b = NULL, *c = NULL, *d = NULL, *e = NULL;

  other.hover = 3;
  other.dark = TRUE;
  other.scale = 2;
  b = uth_analysis_key (f->sources, "softmax", &other);
  g_assert_cmpstr (a, ==, b);
  other.temperature = 0.5;
  c = uth_analysis_key (f->sources, "softmax", &other);
  g_assert_cmpstr (a, !=, c);
  /* Temperature is not an input of the Tokens page. */
  d = uth_analysis_key (f->sources, "tokens", &other);
  other.temperature = f->ctx.temperature;
  e = uth_analysis_key (f->sources, "tokens", &other);
  g_assert_cmpstr (d, ==, e);
  other.text = "zo";
  g_clear_pointer (&e, g_free);
  e = uth_analysis_key (f->sources, "tokens", &other);
  g_assert_cmpstr (d, !=, e);
}

/* A cache computes once per input change: drawing ten times (a hover each time) runs the
 * analysis once; a new text runs it once more. */
static void
test_cache (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(UthAnalysisCache) cache = uth_analysis_cache_new ();
  guint before = uth_analysis_get_run_count ();
  UthFigureContext ctx;

  for (int i = 0; i < 10; i++)
    {
      ctx = f->ctx;
      ctx.hover = i;
      uth_analysis_cache_attach (cache, f->sources, "attention", &ctx, NULL, NULL);
      g_assert_nonnull (ctx.analysis);
      g_assert_nonnull (ctx.analysis->forward);
    }
  g_assert_cmpuint (uth_analysis_get_run_count () - before, ==, 1);
  ctx = f->ctx;
  ctx.text = "zo zo";
  uth_analysis_cache_attach (cache, f->sources, "attention", &ctx, NULL, NULL);
  g_assert_cmpuint (uth_analysis_get_run_count () - before, ==, 2);
  /* Attention runs the model (issue 16) over its own tokens of "zo zo" after its first
   * token <|endoftext|>: causal, so row 0 sees itself only. */
  {
    UthRunnableModel *model = uth_analysis_sources_get_model (f->sources);
    g_autoptr(GArray) ids = uth_tokenizer_encode (uth_runnable_model_get_tokenizer (model), "zo zo", -1);
    guint n = ids->len + 1;

    g_assert_cmpuint (ctx.analysis->forward->n, ==, n);
    g_assert_cmpuint (ctx.analysis->forward->ids[0], ==, uth_runnable_model_get_bos (model));
    g_assert_cmpfloat (ctx.analysis->forward->weights[0 * n + 0], ==, 1.0);
    g_assert_cmpfloat (ctx.analysis->forward->weights[0 * n + 1], ==, 0.0);
  }
}

/* A cancelled computation ends with G_IO_ERROR_CANCELLED and no analysis. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (uth_analysis_compute (f->sources, "tokens", &f->ctx, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/render-analysis/every-page", Fixture, NULL, fixture_setup, test_every_page, fixture_teardown);
  g_test_add ("/render-analysis/computing", Fixture, NULL, fixture_setup, test_computing, fixture_teardown);
  g_test_add ("/render-analysis/text", Fixture, NULL, fixture_setup, test_text_analysis, fixture_teardown);
  g_test_add ("/render-analysis/key", Fixture, NULL, fixture_setup, test_key, fixture_teardown);
  g_test_add ("/render-analysis/cache", Fixture, NULL, fixture_setup, test_cache, fixture_teardown);
  g_test_add ("/render-analysis/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  return g_test_run ();
}
