/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shared scenario: properties, the once-per-frame "changed", the cached estimate. */
#include "config.h"

#include <adwaita.h>

#include "uth-scenario.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-log-slider.h"
#include "widgets/uth-scenario-panel.h"
#include "render/uth-draw-home.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
count_cb (UthScenario *scenario,
          guint       *count)
{
  (*count)++;
}

static void
notify_cb (UthScenario *scenario,
           GParamSpec  *pspec,
           guint       *count)
{
  (*count)++;
}

static void
test_coalesce (void)
{
  g_autoptr(UthScenario) s = uth_scenario_new (NULL);
  guint changed = 0, notified = 0;

  g_signal_connect (s, "changed", G_CALLBACK (count_cb), &changed);
  g_signal_connect (s, "notify::batch", G_CALLBACK (notify_cb), &notified);
  flush_main_loop ();
  g_assert_cmpuint (changed, ==, 0);

  /* A slider storm: many values in one turn of the main loop. */
  for (guint64 b = 2; b <= 64; b++)
    uth_scenario_set_batch (s, b);
  uth_scenario_set_prompt (s, 4096);
  uth_scenario_set_gpu_id (s, "a100-sxm-80gb");
  g_assert_cmpuint (notified, ==, 63);
  g_assert_cmpuint (changed, ==, 0);
  flush_main_loop ();
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (uth_scenario_get_n_changes (s), ==, 1);

  /* Setting what is already there changes nothing. */
  uth_scenario_set_batch (s, 64);
  uth_scenario_set_gpu_id (s, "a100-sxm-80gb");
  flush_main_loop ();
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (notified, ==, 63);

  /* flush emits a pending change at once, and only once. */
  uth_scenario_set_context (s, 2048);
  uth_scenario_flush (s);
  g_assert_cmpuint (changed, ==, 2);
  flush_main_loop ();
  g_assert_cmpuint (changed, ==, 2);
}

static void
test_properties (void)
{
  g_autoptr(UthScenario) s = uth_scenario_new (NULL);
  guint64 batch = 0;
  UthDtype kv;

  g_assert_cmpstr (uth_scenario_get_model_id (s), ==, "llama-3.1-8b");
  g_assert_cmpstr (uth_scenario_get_gpu_id (s), ==, "h100-sxm");
  g_assert_cmpstr (uth_scenario_get_engine_id (s), ==, "tuned");
  g_assert_cmpuint (uth_scenario_get_prompt (s), ==, 1024);

  g_object_set (s, "batch", (guint64) 8, "kv", UTH_DTYPE_FP8, NULL);
  g_object_get (s, "batch", &batch, "kv", &kv, NULL);
  g_assert_cmpuint (batch, ==, 8);
  g_assert_cmpint (kv, ==, UTH_DTYPE_FP8);

  /* Out of range values are clamped, never stored as nonsense. */
  uth_scenario_set_batch (s, 0);
  g_assert_cmpuint (uth_scenario_get_batch (s), ==, 1);
  uth_scenario_set_gpus (s, 0);
  g_assert_cmpuint (uth_scenario_get_gpus (s), ==, 1);

  /* An unknown id is refused with a warning naming it; the old one stays. */
  g_test_expect_message ("uth-widgets", G_LOG_LEVEL_WARNING, "*Unknown model “no-such-model”*");
  uth_scenario_set_model_id (s, "no-such-model");
  g_test_assert_expected_messages ();
  g_assert_cmpstr (uth_scenario_get_model_id (s), ==, "llama-3.1-8b");
}

static void
test_estimate (void)
{
  g_autoptr(UthScenario) s = uth_scenario_new (NULL);
  const UthEstimate *e;
  double intensity_1, weights;
  UthFigureContext ctx;
  UthEstimateError err = UTH_ESTIMATE_BAD_INPUT;

  e = uth_scenario_get_estimate (s, &err);
  g_assert_nonnull (e);
  g_assert_cmpint (err, ==, UTH_ESTIMATE_OK);
  g_assert_true (uth_scenario_get_estimate (s, NULL) == e);
  intensity_1 = e->rule_of_thumb.decode_intensity;
  weights = e->weight_bytes;
  /* Llama 3.1 8B at bf16: 8.03 B parameters x 2 bytes (Meta's model card). */
  g_assert_cmpfloat (weights, >, 16.0e9);
  g_assert_cmpfloat (weights, <, 16.1e9);

  /* The cache is recomputed after a change: decode intensity is 2 x batch / 2 bytes. */
  uth_scenario_set_batch (s, 8);
  e = uth_scenario_get_estimate (s, NULL);
  g_assert_cmpfloat_with_epsilon (e->rule_of_thumb.decode_intensity, 8 * intensity_1, 1e-9);

  uth_scenario_set_layer (s, 1000);
  uth_scenario_get_figure_context (s, &ctx);
  g_assert_true (ctx.model == uth_scenario_get_model (s));
  g_assert_true (ctx.input.model == &ctx.model->spec);
  g_assert_cmpuint (ctx.input.batch, ==, 8);
  g_assert_true (ctx.estimate == e);
  /* The layer is clamped to the model's 32 layers. */
  g_assert_cmpint (ctx.layer, ==, 31);
}

/* A figure queues exactly one redraw per coalesced change. */
static void
test_figure_redraw (void)
{
  g_autoptr(UthScenario) s = uth_scenario_new (NULL);
  GtkWidget *figure = g_object_ref_sink (uth_figure_new ());

  uth_figure_set_draw_func (UTH_FIGURE (figure), uth_draw_home, NULL);
  uth_figure_set_scenario (UTH_FIGURE (figure), s);
  flush_main_loop ();
  g_assert_cmpuint (uth_figure_get_n_queued (UTH_FIGURE (figure)), ==, 0);
  uth_scenario_set_batch (s, 4);
  uth_scenario_set_context (s, 8192);
  uth_scenario_set_model_id (s, "llama-3.1-70b");
  flush_main_loop ();
  g_assert_cmpuint (uth_figure_get_n_queued (UTH_FIGURE (figure)), ==, 1);

  /* The figure lets go of the scenario when it is finalized. */
  g_assert_finalize_object (figure);
  uth_scenario_set_batch (s, 5);
  flush_main_loop ();
}

/* A first start (GSettings defaults) and a bare scenario (tests, the command line) must show
 * the same model: the schema's default is the scenario's own default. */
static void
test_default_model (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);

  g_assert_nonnull (source);
  schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  g_assert_nonnull (schema);
  key = g_settings_schema_get_key (schema, "model");
  value = g_settings_schema_key_get_default_value (key);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, uth_scenario_get_model_id (scenario));
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, "llama-3.1-8b");
}

/* The n-th widget of a type below root, depth first. */
static GtkWidget *
nth_of_type (GtkWidget *root,
             GType      type,
             guint     *n)
{
  GtkWidget *child;

  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (*n)-- == 0)
    return root;
  for (child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = nth_of_type (child, type, n);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static UthLogSlider *
panel_slider (GtkWidget *panel,
              guint      n)
{
  return UTH_LOG_SLIDER (nth_of_type (panel, UTH_TYPE_LOG_SLIDER, &n));
}

/* Issue 18 item 5: a batch of 10,000 was shown as 4,096 by the scenario bar, whose slider
 * stopped there while the scenario allows 2^24. The bar's controls take their ranges from
 * the scenario's properties, so whatever the scenario holds is what they show. */
static void
test_panel_shows_what_the_scenario_holds (void)
{
  g_autoptr(UthScenario) s = uth_scenario_new (NULL);
  GtkWidget *panel = g_object_ref_sink (uth_scenario_panel_new (s));
  double lo = 0, hi = 0, def = 0;

  /* Batch, prompt, context: the bar's three sliders in order. */
  uth_scenario_set_batch (s, 10000);
  g_assert_cmpuint (uth_log_slider_get_value (panel_slider (panel, 0)), ==, 10000);
  g_assert_true (uth_scenario_get_range ("batch", &lo, &hi, &def));
  g_assert_cmpfloat (lo, ==, 1);
  g_assert_cmpfloat (hi, ==, 16777216);   /* 2^24 */
  g_assert_cmpfloat (def, ==, 1);
  uth_scenario_set_batch (s, (guint64) hi);
  g_assert_cmpuint (uth_log_slider_get_value (panel_slider (panel, 0)), ==, 16777216);
  uth_scenario_set_prompt (s, 3000000);
  uth_scenario_set_context (s, 2000000);
  g_assert_cmpuint (uth_log_slider_get_value (panel_slider (panel, 1)), ==, 3000000);
  g_assert_cmpuint (uth_log_slider_get_value (panel_slider (panel, 2)), ==, 2000000);
  /* And back: the slider sets the scenario. */
  uth_log_slider_set_value (panel_slider (panel, 0), 12345);
  g_assert_cmpuint (uth_scenario_get_batch (s), ==, 12345);
  /* The drop-downs are bound too: model, GPU, then engine, weights, KV cache and
   * activations in the engine button's popover. */
  {
    UthCatalog *catalog = uth_scenario_get_catalog (s);
    guint n = 0;
    GtkDropDown *model = GTK_DROP_DOWN (nth_of_type (panel, GTK_TYPE_DROP_DOWN, &n));
    GtkDropDown *gpu, *kv;

    n = 1;
    gpu = GTK_DROP_DOWN (nth_of_type (panel, GTK_TYPE_DROP_DOWN, &n));
    n = 4;
    kv = GTK_DROP_DOWN (nth_of_type (panel, GTK_TYPE_DROP_DOWN, &n));
    g_assert_cmpuint (uth_catalog_get_n_models (catalog), >, 2);
    gtk_drop_down_set_selected (model, 2);
    g_assert_cmpstr (uth_scenario_get_model_id (s), ==, uth_catalog_get_model (catalog, 2)->id);
    uth_scenario_set_gpu_id (s, uth_catalog_get_gpu (catalog, 1)->id);
    g_assert_cmpuint (gtk_drop_down_get_selected (gpu), ==, 1);
    /* fp32, bf16, fp16, fp8, int8, int4: int8 is the fifth. */
    uth_scenario_set_kv (s, UTH_DTYPE_INT8);
    g_assert_cmpuint (gtk_drop_down_get_selected (kv), ==, 4);
    gtk_drop_down_set_selected (kv, 5);
    g_assert_cmpint (uth_scenario_get_kv (s), ==, UTH_DTYPE_INT4);
    /* A catalog entry added later is listed, and the scenario's model stays selected. */
    {
      UthModelEntry entry = *uth_catalog_get_model (catalog, 0);
      guint before = g_list_model_get_n_items (gtk_drop_down_get_model (model));

      entry.id = (char *) "test-panel-added";
      entry.name = (char *) "Added while the bar was open";
      uth_catalog_add_model (catalog, &entry);
      g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (model)), ==, before + 1);
      g_assert_cmpstr (uth_scenario_get_model_id (s), ==, uth_catalog_get_model (catalog, 2)->id);
      g_assert_cmpuint (gtk_drop_down_get_selected (model), ==, 2);
    }
  }
  /* A property that is not a number has no range. */
  g_assert_false (uth_scenario_get_range ("model-id", &lo, NULL, NULL));
  g_assert_false (uth_scenario_get_range ("no-such-property", NULL, NULL, NULL));
  g_object_run_dispose (G_OBJECT (panel));
  g_object_unref (panel);
}

/* The settings schema keeps the scenario between runs: its ranges and defaults are the
 * scenario's own, or a remembered value could be one the scenario clamps. */
static void
test_schema_matches_scenario (void)
{
  static const char *const keys[] = { "gpus", "batch", "prompt", "context", "output-tokens", "price",
                                      "temperature" };
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  g_assert_nonnull (source);
  schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  g_assert_nonnull (schema);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, keys[i]);
      g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
      g_autoptr(GVariant) bounds = NULL;
      g_autoptr(GVariant) vmin = NULL, vmax = NULL;
      g_autoptr(GVariant) vdef = g_settings_schema_key_get_default_value (key);
      g_autofree char *kind = NULL;
      double lo, hi, def, slo, shi, sdef;

      g_test_message ("key %s", keys[i]);
      g_assert_true (uth_scenario_get_range (keys[i], &lo, &hi, &def));
      g_variant_get (range, "(sv)", &kind, &bounds);
      g_assert_cmpstr (kind, ==, "range");
      vmin = g_variant_get_child_value (bounds, 0);
      vmax = g_variant_get_child_value (bounds, 1);
      if (g_variant_is_of_type (vmin, G_VARIANT_TYPE_UINT32))
        {
          slo = g_variant_get_uint32 (vmin);
          shi = g_variant_get_uint32 (vmax);
          sdef = g_variant_get_uint32 (vdef);
        }
      else if (g_variant_is_of_type (vmin, G_VARIANT_TYPE_UINT64))
        {
          slo = (double) g_variant_get_uint64 (vmin);
          shi = (double) g_variant_get_uint64 (vmax);
          sdef = (double) g_variant_get_uint64 (vdef);
        }
      else
        {
          slo = g_variant_get_double (vmin);
          shi = g_variant_get_double (vmax);
          sdef = g_variant_get_double (vdef);
        }
      g_assert_cmpfloat (slo, ==, lo);
      g_assert_cmpfloat (shi, ==, hi);
      g_assert_cmpfloat (sdef, ==, def);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* A UI test without a display is a failure, not a skip: CI must not go green. */
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run this test under xvfb-run (meson test does).\n");
      return 1;
    }
  adw_init ();

  g_test_add_func ("/scenario/coalesce", test_coalesce);
  g_test_add_func ("/scenario/properties", test_properties);
  g_test_add_func ("/scenario/estimate", test_estimate);
  g_test_add_func ("/scenario/figure-redraw", test_figure_redraw);
  g_test_add_func ("/scenario/default-model", test_default_model);
  g_test_add_func ("/scenario/panel-shows-what-the-scenario-holds", test_panel_shows_what_the_scenario_holds);
  g_test_add_func ("/scenario/schema-matches-scenario", test_schema_matches_scenario);
  return g_test_run ();
}
