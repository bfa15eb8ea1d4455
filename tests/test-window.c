/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window in-process: pages, stepping, export, and everything finalizes. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pages/uth-page.h"
#include "pages/uth-page-layer.h"
#include "pages/uth-page-model.h"
#include "uth-window.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"
#include "widgets/uth-log-slider.h"
#include "widgets/uth-scenario-panel.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* A shown window emits the scenario's "changed" on its frame clock: wait for that tick. */
static void
wait_for_change (UthScenario *scenario,
                 guint        before)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (uth_scenario_get_n_changes (scenario) == before && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (uth_scenario_get_n_changes (scenario), >, before);
  flush_main_loop ();
}

static UthWindow *
new_window (UthScenario *scenario)
{
  UthWindow *window = uth_window_new (NULL, scenario);

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  return window;
}

static void
close_window (UthWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}

static void
test_switch_pages (void)
{
  UthWindow *window = new_window (NULL);
  const char * const *ids = uth_draw_page_ids ();
  guint i;

  /* A new reader starts on the Overview; Home, with both learning paths, is the next row. */
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "overview");
  g_assert_cmpstr (ids[0], ==, "overview");
  g_assert_cmpstr (ids[1], ==, "home");
  for (i = 0; ids[i] != NULL; i++)
    {
      UthPage *page;

      g_assert_true (uth_window_show_page (window, ids[i]));
      flush_main_loop ();
      g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, ids[i]);
      page = uth_window_get_page (window, ids[i]);
      g_assert_true (UTH_IS_PAGE (page));
      g_assert_cmpstr (uth_page_get_id (page), ==, ids[i]);
      g_assert_true (uth_page_get_scenario (page) == uth_window_get_scenario (window));
      g_assert_nonnull (uth_page_get_title (page));
    }
  g_assert_false (uth_window_show_page (window, "no-such-page"));
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "cost");
  close_window (window);
}

/* Is widget inside a header bar (the Back button, the menus)? */
static gboolean
in_header_bar (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (ADW_IS_HEADER_BAR (widget) || GTK_IS_HEADER_BAR (widget))
      return TRUE;
  return FALSE;
}

/* The shown page has the keyboard focus, at start-up and after each switch: on the header
 * bar's Back button (where GTK put it first) Space, the play key of these pages, went back. */
static void
test_focus_on_page (void)
{
  static const char *const ids[] = {
    "tokens", "position", "generation", "tiling", "batching", "speculative",
  };
  UthWindow *window = new_window (NULL);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  UthPage *page = uth_window_get_page (window, uth_window_get_visible_page_id (window));

  g_test_message ("start-up (%s): focus on %s", uth_window_get_visible_page_id (window),
                  focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "nothing");
  g_assert_nonnull (focus);
  g_assert_false (in_header_bar (focus));
  g_assert_true (focus == GTK_WIDGET (page) || gtk_widget_is_ancestor (focus, GTK_WIDGET (page)));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_assert_true (uth_window_show_page (window, ids[i]));
      flush_main_loop ();
      page = uth_window_get_page (window, ids[i]);
      focus = gtk_root_get_focus (GTK_ROOT (window));
      g_test_message ("%s: focus on %s", ids[i], focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "nothing");
      g_assert_nonnull (focus);
      g_assert_false (in_header_bar (focus));
      g_assert_true (focus == GTK_WIDGET (page) || gtk_widget_is_ancestor (focus, GTK_WIDGET (page)));
      /* A text field would take Space as a character: play would not start. */
      g_assert_false (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT (focus));
    }
  /* Stepping (Alt+Right) moves the focus along. */
  g_assert_true (uth_window_step (window, -1));
  flush_main_loop ();
  page = uth_window_get_page (window, uth_window_get_visible_page_id (window));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == GTK_WIDGET (page) || gtk_widget_is_ancestor (focus, GTK_WIDGET (page)));
  close_window (window);
}

static void
test_step (void)
{
  UthWindow *window = new_window (NULL);
  const char * const *ids = uth_draw_page_ids ();
  guint i, n = g_strv_length ((char **) ids);

  g_assert_false (uth_window_step (window, -1));
  /* The actions behind Alt+Right and Alt+Left walk the learning order. */
  for (i = 1; i < n; i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next-page", NULL));
      flush_main_loop ();
      g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, ids[i]);
    }
  g_assert_false (uth_window_step (window, 1));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.previous-page", NULL);
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, ids[n - 2]);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "model");
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "model");
  close_window (window);
}

static void
test_open_page_signal (void)
{
  UthWindow *window = new_window (NULL);

  uth_page_open_page (uth_window_get_page (window, "home"), "layer");
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "layer");
  uth_page_toast (uth_window_get_page (window, "layer"), "hello");
  flush_main_loop ();
  close_window (window);
}

static void
test_export (void)
{
  UthWindow *window = new_window (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("uth-window-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "home.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "home.gif", NULL);

  g_assert_true (uth_window_export_to_file (window, png, 320, 200, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_assert_false (uth_window_export_to_file (window, bad, 320, 200, &error));
  g_assert_error (error, UTH_DRAW_ERROR, UTH_DRAW_ERROR_FORMAT);
  g_unlink (png);
  g_rmdir (dir);
  close_window (window);
}

/* Every page class of the window and every widget lets go of everything. */
static void
test_finalize_pages (void)
{
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);
  UthWindow *window = new_window (scenario);
  const char * const *ids = uth_draw_page_ids ();
  guint i;

  for (i = 0; ids[i] != NULL; i++)
    {
      GType type = G_OBJECT_TYPE (uth_window_get_page (window, ids[i]));
      GtkWidget *page = g_object_ref_sink (g_object_new (type, "id", ids[i], "scenario", scenario, NULL));

      g_test_message ("page %s (%s)", ids[i], g_type_name (type));
      uth_scenario_set_batch (scenario, uth_scenario_get_batch (scenario) + 1);
      flush_main_loop ();
      g_assert_finalize_object (page);
    }
  close_window (window);
  g_assert_finalize_object (g_steal_pointer (&scenario));
}

static void
test_finalize_widgets (void)
{
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);
  GtkWidget *widgets[] = {
    uth_figure_new (),
    uth_log_slider_new (1, 4096),
    uth_formula_button_new (),
    uth_scenario_panel_new (scenario),
  };
  gsize i;

  uth_figure_set_scenario (UTH_FIGURE (widgets[0]), scenario);
  uth_figure_set_page (UTH_FIGURE (widgets[0]), uth_draw_find_page ("home"));
  uth_formula_button_set (UTH_FORMULA_BUTTON (widgets[2]), "208 tok/s", "Decode speed",
                          "bandwidth ÷ weight bytes", "3.35 TB/s ÷ 16.1 GB = 208 tok/s");
  for (i = 0; i < G_N_ELEMENTS (widgets); i++)
    {
      g_object_ref_sink (widgets[i]);
      uth_scenario_set_batch (scenario, 3 + i);
      flush_main_loop ();
      g_assert_finalize_object (widgets[i]);
    }
  g_assert_finalize_object (g_steal_pointer (&scenario));
}

/* The scenario bar writes what the reader picks into the scenario, and back. */
static void
test_scenario_panel (void)
{
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);
  GtkWidget *panel = g_object_ref_sink (uth_scenario_panel_new (scenario));
  GtkWidget *slider = g_object_ref_sink (uth_log_slider_new (1, 4096));
  guint64 v = 0;

  uth_scenario_set_batch (scenario, 32);
  uth_log_slider_set_value (UTH_LOG_SLIDER (slider), 4000);
  g_assert_cmpuint (uth_log_slider_get_value (UTH_LOG_SLIDER (slider)), ==, 4000);
  uth_log_slider_set_value (UTH_LOG_SLIDER (slider), 100000);
  g_assert_cmpuint (uth_log_slider_get_value (UTH_LOG_SLIDER (slider)), ==, 4096);
  g_assert_true (uth_log_slider_parse ("4k", &v));
  g_assert_cmpuint (v, ==, 4000);
  g_assert_true (uth_log_slider_parse ("4Ki", &v));
  g_assert_cmpuint (v, ==, 4096);
  g_assert_true (uth_log_slider_parse (" 32,768 ", &v));
  g_assert_cmpuint (v, ==, 32768);
  g_assert_true (uth_log_slider_parse ("1.5M", &v));
  g_assert_cmpuint (v, ==, 1500000);
  g_assert_false (uth_log_slider_parse ("-3", &v));
  g_assert_false (uth_log_slider_parse ("many", &v));
  g_assert_false (uth_log_slider_parse ("", &v));
  g_assert_finalize_object (slider);
  g_assert_finalize_object (panel);
}

/* A typed value out of range or not a number says what is wrong under the entry (not only by
 * a red field), and a good value takes the message away. */
static void
test_slider_error (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *slider = uth_log_slider_new (1, 4096);
  GtkWidget *entry = NULL, *child;
  GtkPopover *popover = NULL;

  gtk_window_set_child (GTK_WINDOW (window), slider);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  for (child = gtk_widget_get_first_child (slider); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_ENTRY (child))
      entry = child;
  g_assert_nonnull (entry);
  for (child = gtk_widget_get_first_child (entry); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      popover = GTK_POPOVER (child);
  g_assert_nonnull (popover);

  gtk_editable_set_text (GTK_EDITABLE (entry), "1e30");
  g_signal_emit_by_name (entry, "activate");
  flush_main_loop ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gtk_popover_get_child (popover))), "4096"));
  g_assert_cmpuint (uth_log_slider_get_value (UTH_LOG_SLIDER (slider)), ==, 1);

  gtk_editable_set_text (GTK_EDITABLE (entry), "64");
  g_signal_emit_by_name (entry, "activate");
  flush_main_loop ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpuint (uth_log_slider_get_value (UTH_LOG_SLIDER (slider)), ==, 64);
  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
}

/* Clicking a layer on the Model page opens the Layer page on it. */
static void
test_model_opens_layer (void)
{
  UthWindow *window = new_window (NULL);
  UthPage *model = uth_window_get_page (window, "model");
  UthFigure *figure;

  g_assert_true (UTH_IS_PAGE_MODEL (model));
  uth_window_show_page (window, "model");
  flush_main_loop ();
  figure = uth_page_model_get_figure_widget (UTH_PAGE_MODEL (model));
  /* The keyboard can reach the rows. */
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (figure)));
  /* Row 0 is the embedding: no layer, nothing opens. */
  g_signal_emit_by_name (figure, "item-activated", 0);
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "model");
  /* Row 5 is the fifth layer, index 4. */
  g_signal_emit_by_name (figure, "item-activated", 5);
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "layer");
  g_assert_cmpuint (uth_scenario_get_layer (uth_window_get_scenario (window)), ==, 4);
  close_window (window);
}

/* The Layer page follows the scenario: its data changes and its figures queue a redraw.
 * In decode at batch 1 the projections are memory-bound; at batch 1024 they do about
 * 1024 FLOP per weight byte at bf16, past the H100's ridge of 295: compute-bound. */
static void
test_layer_follows_scenario (void)
{
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);
  UthWindow *window = new_window (scenario);
  UthPageLayer *layer = UTH_PAGE_LAYER (uth_window_get_page (window, "layer"));
  g_autofree char *before = NULL;
  guint queued, changes;

  uth_scenario_set_model_id (scenario, "llama-3.1-8b");
  uth_scenario_set_gpu_id (scenario, "h100-sxm");
  uth_scenario_set_batch (scenario, 1);
  uth_scenario_flush (scenario);
  uth_window_show_page (window, "layer");
  uth_page_layer_set_phase (layer, 1);
  flush_main_loop ();
  before = g_strdup (uth_page_layer_get_description (layer));
  g_test_message ("batch 1: %s", before);
  g_assert_nonnull (strstr (before, "Memory-bound: "));
  g_assert_nonnull (strstr (strstr (before, "Memory-bound: "), "qkv_proj"));
  g_assert_null (strstr (strstr (before, "Compute-bound: "), "qkv_proj"));

  queued = uth_figure_get_n_queued (uth_page_layer_get_roofline (layer));
  changes = uth_scenario_get_n_changes (scenario);
  uth_scenario_set_batch (scenario, 1024);
  wait_for_change (scenario, changes);
  g_test_message ("batch 1024: %s", uth_page_layer_get_description (layer));
  g_assert_cmpstr (uth_page_layer_get_description (layer), !=, before);
  g_assert_nonnull (strstr (strstr (uth_page_layer_get_description (layer), "Compute-bound: "), "qkv_proj"));
  g_assert_cmpuint (uth_figure_get_n_queued (uth_page_layer_get_roofline (layer)), ==, queued + 1);

  /* Export carries the page's toggle: a decode figure differs from a prefill one. */
  {
    g_autofree char *dir = g_dir_make_tmp ("uth-layer-XXXXXX", NULL);
    g_autofree char *a = g_build_filename (dir, "decode.png", NULL);
    g_autofree char *b = g_build_filename (dir, "prefill.png", NULL);
    g_autofree char *ca = NULL, *cb = NULL;
    gsize la, lb;

    g_assert_true (uth_window_export_to_file (window, a, 400, 300, NULL));
    uth_page_layer_set_phase (layer, 0);
    flush_main_loop ();
    g_assert_true (uth_window_export_to_file (window, b, 400, 300, NULL));
    g_assert_true (g_file_get_contents (a, &ca, &la, NULL));
    g_assert_true (g_file_get_contents (b, &cb, &lb, NULL));
    g_assert_false (la == lb && memcmp (ca, cb, la) == 0);
    g_unlink (a);
    g_unlink (b);
    g_rmdir (dir);
  }
  close_window (window);
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

  g_test_add_func ("/window/switch-pages", test_switch_pages);
  g_test_add_func ("/window/step", test_step);
  g_test_add_func ("/window/focus-on-page", test_focus_on_page);
  g_test_add_func ("/window/open-page-signal", test_open_page_signal);
  g_test_add_func ("/window/export", test_export);
  g_test_add_func ("/window/finalize-pages", test_finalize_pages);
  g_test_add_func ("/window/finalize-widgets", test_finalize_widgets);
  g_test_add_func ("/window/scenario-panel", test_scenario_panel);
  g_test_add_func ("/window/slider-error", test_slider_error);
  g_test_add_func ("/window/model-opens-layer", test_model_opens_layer);
  g_test_add_func ("/window/layer-follows-scenario", test_layer_follows_scenario);
  return g_test_run ();
}
