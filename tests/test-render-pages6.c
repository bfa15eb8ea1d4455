/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The How LLMs work figures follow the reader's text and the scenario: each renders,
 * is deterministic, changes when the text (or the model) changes, and its hit function
 * finds what was drawn. The generation loop's record is checked directly. */
#include "config.h"

#include <cairo.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "render/uth-draw.h"
#include "render/uth-draw-attention.h"
#include "render/uth-draw-embed.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-generation.h"
#include "render/uth-draw-position.h"
#include "render/uth-draw-shapes.h"
#include "render/uth-draw-softmax.h"
#include "render/uth-draw-tokens.h"
#include "analysis-fixture.h"

#define W 1600
#define H 1000

static const char *const pages[] = { "tokens", "embed", "position", "attention", "softmax", "generation", "shapes" };

typedef struct
{
  UthCatalog       *catalog;
  UthFigureContext  ctx;
  UthEstimate       estimate;
} Fixture;

static void
set_model (Fixture    *f,
           const char *model)
{
  uth_figure_context_set_entries (&f->ctx, uth_catalog_find_model (f->catalog, model),
                                  uth_catalog_find_gpu (f->catalog, "h100-sxm"),
                                  uth_catalog_find_engine (f->catalog, "tuned"));
  g_assert_nonnull (f->ctx.model);
  g_assert_cmpint (uth_estimate (&f->ctx.input, &f->estimate), ==, UTH_ESTIMATE_OK);
  f->ctx.estimate = &f->estimate;
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
  uth_figure_context_init (&f->ctx);
  f->ctx.text = "The cat sat on the mat.";
  set_model (f, "llama-3.1-8b");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  analysis_fixture_clear ();
  uth_catalog_unref (f->catalog);
}

static GBytes *
pixels (const char             *id,
        const UthFigureContext *ctx)
{
  const UthPageFigure *page = uth_draw_find_page (id);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);
  GBytes *bytes;

  g_assert_nonnull (page);
  /* Built: not the placeholder. */
  g_assert_nonnull (page->draw);
  uth_draw_page (page, cr, W, H, analysed ((page)->id, ctx));
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * H);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return bytes;
}

/* Every figure is deterministic; the six that read the text redraw when it changes. */
static void
test_follow_text (Fixture       *f,
                  gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GBytes) a = pixels (pages[i], &f->ctx);
      g_autoptr(GBytes) b = pixels (pages[i], &f->ctx);
      g_autoptr(GBytes) c = NULL;
      UthFigureContext other = f->ctx;

      g_test_message ("page %s", pages[i]);
      g_assert_true (g_bytes_equal (a, b));
      other.text = "Completely different words, 12345, and numbers.";
      c = pixels (pages[i], &other);
      if (strcmp (pages[i], "shapes") == 0)
        g_assert_true (g_bytes_equal (a, c));   /* shapes depend on the model, not the text */
      else
        g_assert_false (g_bytes_equal (a, c));
    }
}

/* Embed, Generation and Shapes state the scenario model's numbers. */
static void
test_follow_model (Fixture       *f,
                   gconstpointer  data)
{
  const char *const model_pages[] = { "embed", "generation", "shapes" };

  for (guint i = 0; i < G_N_ELEMENTS (model_pages); i++)
    {
      g_autoptr(GBytes) a = pixels (model_pages[i], &f->ctx);
      g_autoptr(GBytes) b = NULL;

      set_model (f, "llama-2-7b");
      b = pixels (model_pages[i], &f->ctx);
      g_assert_false (g_bytes_equal (a, b));
      set_model (f, "llama-3.1-8b");
    }
  /* Shapes: prefill and decode differ. An emptied text field ("") falls back to the
   * example sentence and says so in the subtitle; no text at all (NULL: the command line
   * without --text) draws the example without that note. */
  {
    UthFigureContext decode = f->ctx, empty = f->ctx, fallback = f->ctx;
    g_autoptr(GBytes) a = pixels ("shapes", &f->ctx);
    g_autoptr(GBytes) b = NULL;
    g_autoptr(GBytes) c = NULL;
    g_autoptr(GBytes) d = NULL;

    decode.phase = 1;
    b = pixels ("shapes", &decode);
    g_assert_false (g_bytes_equal (a, b));
    empty.text = "";
    fallback.text = NULL;
    c = pixels ("tokens", &empty);
    d = pixels ("tokens", &fallback);
    g_assert_false (g_bytes_equal (c, d));
  }
}

/* Temperature and the page parameters reach the figures. */
static void
test_parameters (Fixture       *f,
                 gconstpointer  data)
{
  UthFigureContext hot = f->ctx, cut = f->ctx, theta = f->ctx, head = f->ctx;
  UthSoftmaxView topk = { 2, 1.0 };
  UthPositionView pv;
  UthAttentionView av = { 2, -1 };
  g_autoptr(GBytes) base = pixels ("softmax", &f->ctx);
  g_autoptr(GBytes) b1 = NULL;
  g_autoptr(GBytes) b2 = NULL;
  g_autoptr(GBytes) p0 = pixels ("position", &f->ctx);
  g_autoptr(GBytes) p1 = NULL;
  g_autoptr(GBytes) h0 = pixels ("attention", &f->ctx);
  g_autoptr(GBytes) h1 = NULL;

  hot.temperature = 2.0;
  b1 = pixels ("softmax", &hot);
  g_assert_false (g_bytes_equal (base, b1));
  cut.page_data = &topk;
  b2 = pixels ("softmax", &cut);
  g_assert_false (g_bytes_equal (base, b2));
  uth_position_view_init (&pv);
  pv.theta = 500000;
  theta.page_data = &pv;
  p1 = pixels ("position", &theta);
  g_assert_false (g_bytes_equal (p0, p1));
  head.page_data = &av;
  h1 = pixels ("attention", &head);
  g_assert_false (g_bytes_equal (h0, h1));
}

/* Hit functions answer from the geometry the figures draw. */
static void
test_hits (Fixture       *f,
           gconstpointer  data)
{
  UthFigureHit hit = { -1, NULL };
  gboolean found = FALSE;

  /* Tokens: scan the top panel for the first chip. */
  for (double y = 200; y < 400 && !found; y += 4)
    for (double x = 30; x < 120 && !found; x += 4)
      if (uth_draw_tokens_hit (W, H, analysed ("tokens", &f->ctx), x, y, &hit))
        found = TRUE;
  g_assert_true (found);
  g_assert_cmpint (hit.index, ==, 0);
  g_assert_nonnull (strstr (hit.tooltip, "id "));
  g_clear_pointer (&hit.tooltip, g_free);
  g_assert_false (uth_draw_tokens_hit (W, H, analysed ("tokens", &f->ctx), 2, 2, &hit));

  /* Shapes: a click somewhere in the left column finds a node with a tooltip. */
  found = FALSE;
  for (double y = 150; y < H && !found; y += 10)
    if (uth_draw_shapes_hit (W, H, &f->ctx, 200, y, &hit))
      found = TRUE;
  g_assert_true (found);
  g_assert_cmpint (hit.index, >=, 0);
  g_assert_cmpint (hit.index, <, UTH_SHAPES_N_NODES);
  g_clear_pointer (&hit.tooltip, g_free);

  /* Attention: a cell below the diagonal has its formula, above it the mask. */
  {
    int masked = 0, open = 0;
    for (double y = 100; y < 700; y += 7)
      for (double x = 100; x < 1100; x += 7)
        if (uth_draw_attention_hit (W, H, analysed ("attention", &f->ctx), x, y, &hit))
          {
            if (strstr (hit.tooltip, "−∞") != NULL)
              masked++;
            else if (strstr (hit.tooltip, "√") != NULL)
              open++;
            g_clear_pointer (&hit.tooltip, g_free);
          }
    g_assert_cmpint (masked, >, 0);
    g_assert_cmpint (open, >, 0);
  }
}

/* The Generation page's run, as its analysis computes it. */
static UthAnalysis *
generation_analysis (const UthFigureContext  *ctx,
                     const UthGenerationView *view)
{
  UthFigureContext c = *ctx;

  c.page_data = view;
  return uth_analysis_compute (fixture_sources, "generation", &c, NULL, NULL);
}

static void
test_generation_run (Fixture       *f,
                     gconstpointer  data)
{
  UthGenerationView view;
  const UthGenerationRun *a, *b;
  UthFigureContext greedy = f->ctx;
  g_autoptr(UthAnalysis) first = NULL;
  g_autoptr(UthAnalysis) second = NULL;

  uth_generation_view_init (&view);
  view.steps = 12;
  first = generation_analysis (&f->ctx, &view);
  a = first->generation;
  g_assert_nonnull (a);
  g_assert_cmpuint (a->generated->len, ==, 12);
  /* The same seed draws the same tokens. */
  second = generation_analysis (&f->ctx, &view);
  b = second->generation;
  g_assert_cmpmem (a->generated->data, a->generated->len * 4, b->generated->data, b->generated->len * 4);
  g_clear_pointer (&second, uth_analysis_unref);
  /* Decode is memory-bound at batch 1 and each step costs about the weights over the
   * bandwidth: 16 GB / 3.35 TB/s is about 4.8 ms for Llama 3.1 8B on an H100 SXM. */
  g_assert_cmpint (a->decode_bound, ==, UTH_BOUND_MEMORY);
  g_assert_cmpfloat (a->step_seconds[0], >, 2e-3);
  g_assert_cmpfloat (a->step_seconds[0], <, 10e-3);
  /* The cache only grows, so later steps are not faster. */
  g_assert_cmpfloat (a->step_seconds[11], >=, a->step_seconds[0]);
  /* 2 x 32 layers x 8 KV heads x 128 x 2 bytes = 131072 bytes per token. */
  g_assert_cmpfloat_with_epsilon (a->kv_bytes_per_token, 131072.0, 1e-6);
  /* Candidates are listed most probable first, and the drawn one is among them with its
   * probability. */
  {
    gboolean listed = FALSE;
    guint32 drawn = g_array_index (a->generated, guint32, a->generated->len - 1);
    for (guint k = 0; k < a->n_candidates; k++)
      {
        g_assert_cmpfloat (a->candidate_probs[k], >, 0.0);
        if (k > 0 && k + 1 < a->n_candidates)
          g_assert_cmpfloat (a->candidate_probs[k], <=, a->candidate_probs[k - 1]);
        listed = listed || a->candidates[k] == drawn;
      }
    g_assert_true (listed);
  }
  g_clear_pointer (&first, uth_analysis_unref);

  /* Greedy takes the most probable candidate every time. */
  greedy.temperature = 0.0;
  first = generation_analysis (&greedy, &view);
  a = first->generation;
  g_assert_cmpuint (a->kept, ==, 1);
  g_assert_cmpuint (g_array_index (a->generated, guint32, a->generated->len - 1), ==, a->candidates[0]);
  g_clear_pointer (&first, uth_analysis_unref);

  /* Top-k 3 leaves three tokens a chance. */
  view.top_k = 3;
  first = generation_analysis (&f->ctx, &view);
  a = first->generation;
  g_assert_cmpuint (a->kept, ==, 3);
}

static void
test_steps (Fixture       *f,
            gconstpointer  data)
{
  UthTokenizer *tok = uth_tokenizer_get_default ();
  UthTokensView view = { tok, 0 };
  UthFigureContext first = f->ctx, last = f->ctx;
  guint n = uth_tokens_count_steps (tok, f->ctx.text);
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;

  /* "The cat sat on the mat." needs several merges with the app's vocabulary. */
  g_assert_cmpuint (n, >, 5);
  first.page_data = &view;
  a = pixels ("tokens", &first);
  view.step = (int) n;
  last.page_data = &view;
  b = pixels ("tokens", &last);
  g_assert_false (g_bytes_equal (a, b));
}

/* A text longer than UTH_ATTENTION_MAX_TOKENS is cut, and the figure says by how much:
 * two texts that share their first 24 tokens but differ in length draw differently (before,
 * both drew the same 24 tokens, pixel for pixel, and nothing said the rest was left out). */
static void
test_attention_cut (Fixture       *f,
                    gconstpointer  data)
{
  UthTokenizer *tok = uth_tokenizer_get_default ();
  g_autofree char *eight = NULL;
  g_autofree char *nine = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  UthFigureContext longer = f->ctx, longest = f->ctx;
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < 8; i++)
    g_string_append (s, "The model reads the prompt, then writes one token at a time. ");
  eight = g_strdup (s->str);
  g_string_append (s, "The model reads the prompt, then writes one token at a time. ");
  nine = g_string_free (s, FALSE);
  ids = uth_tokenizer_encode (tok, eight, -1);
  g_assert_cmpuint (ids->len, >, UTH_ATTENTION_MAX_TOKENS);
  longer.text = eight;
  longest.text = nine;
  a = pixels ("attention", &longer);
  b = pixels ("attention", &longest);
  g_assert_false (g_bytes_equal (a, b));
}

/* An emptied text field draws the example sentence and says so: before, the figures for ""
 * and for the example sentence itself were the same pixels, so the figure's 60 characters
 * and 14 tokens contradicted the empty field. */
static void
test_empty_text (Fixture       *f,
                 gconstpointer  data)
{
  static const char *const texts[] = { "tokens", "embed", "position", "attention", "softmax", "generation" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      UthFigureContext empty = f->ctx, example = f->ctx;
      g_autoptr(GBytes) a = NULL;
      g_autoptr(GBytes) b = NULL;

      g_test_message ("page %s", texts[i]);
      empty.text = "";
      example.text = uth_fundamentals_text (&empty);
      g_assert_cmpstr (example.text, !=, "");
      a = pixels (texts[i], &empty);
      b = pixels (texts[i], &example);
      g_assert_false (g_bytes_equal (a, b));
    }
}

/* A Llama 3 style tokenizer.json: the 256 bytes, "aa" and "aaa", one merge a + a, and
 * model.ignore_merges. "aaa" is a vocabulary entry that merging alone never makes. */
static UthTokenizer *
ignore_merges_tokenizer (void)
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
  json_builder_set_member_name (b, "ignore_merges");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "vocab");
  json_builder_begin_object (b);
  for (guint i = 0; i < 256; i++)
    {
      char spelled[8] = { 0 };
      g_unichar_to_utf8 (uth_bpe_byte_to_unicode ((guint8) i), spelled);
      json_builder_set_member_name (b, spelled);
      json_builder_add_int_value (b, i);
    }
  json_builder_set_member_name (b, "aa");
  json_builder_add_int_value (b, 256);
  json_builder_set_member_name (b, "aaa");
  json_builder_add_int_value (b, 257);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "merges");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "a a");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, NULL);
  bytes = g_bytes_new_take (data, strlen (data));
  tok = uth_tokenizer_new_from_bytes (bytes, "llama3-like.json", &error);
  g_assert_no_error (error);
  return tok;
}

/* With ignore_merges the step-through's first step takes "aaa" whole, as the encoder does,
 * and its last frame is the encoder's [aaa][ ][aa][aa] (before: 1 step, ending [aa][a]...). */
static void
test_steps_ignore_merges (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(UthTokenizer) tok = ignore_merges_tokenizer ();
  UthTokensView view = { tok, 1 };
  UthFigureContext ctx = f->ctx;
  g_autoptr(GArray) ids = uth_tokenizer_encode (tok, "aaa aaaa", -1);
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;

  g_assert_cmpuint (ids->len, ==, 4);
  g_assert_cmpuint (g_array_index (ids, guint32, 0), ==, 257);
  g_assert_cmpuint (uth_tokens_count_steps (tok, "aaa aaaa"), ==, 2);
  ctx.text = "aaa aaaa";
  ctx.page_data = &view;
  a = pixels ("tokens", &ctx);
  view.step = 2;
  b = pixels ("tokens", &ctx);
  g_assert_false (g_bytes_equal (a, b));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/render-pages6/follow-text", Fixture, NULL, fixture_setup, test_follow_text, fixture_teardown);
  g_test_add ("/render-pages6/follow-model", Fixture, NULL, fixture_setup, test_follow_model, fixture_teardown);
  g_test_add ("/render-pages6/parameters", Fixture, NULL, fixture_setup, test_parameters, fixture_teardown);
  g_test_add ("/render-pages6/hits", Fixture, NULL, fixture_setup, test_hits, fixture_teardown);
  g_test_add ("/render-pages6/generation-run", Fixture, NULL, fixture_setup, test_generation_run, fixture_teardown);
  g_test_add ("/render-pages6/steps", Fixture, NULL, fixture_setup, test_steps, fixture_teardown);
  g_test_add ("/render-pages6/attention-cut", Fixture, NULL, fixture_setup, test_attention_cut, fixture_teardown);
  g_test_add ("/render-pages6/empty-text", Fixture, NULL, fixture_setup, test_empty_text, fixture_teardown);
  g_test_add ("/render-pages6/steps-ignore-merges", Fixture, NULL, fixture_setup, test_steps_ignore_merges, fixture_teardown);
  return g_test_run ();
}
