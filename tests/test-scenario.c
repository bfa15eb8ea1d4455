/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shared scenario: properties, the once-per-frame "changed", the cached estimate. */
#include "config.h"

#include <adwaita.h>

#include "uth-scenario.h"
#include "widgets/uth-figure.h"
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
  return g_test_run ();
}
