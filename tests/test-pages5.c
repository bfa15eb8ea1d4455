/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Batching, Speculative Decode and Cost pages in-process: their controls reach the
 * figure and the shared scenario, the scenario reaches the controls, and all finalize. */
#include "config.h"

#include <adwaita.h>

#include "pages/uth-page-batching.h"
#include "pages/uth-page-cost.h"
#include "pages/uth-page-speculative.h"
#include "uth-scenario.h"
#include "widgets/uth-figure.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* A template child by its id in the .ui. */
static GtkWidget *
find_child (GtkWidget  *root,
            const char *id)
{
  GtkWidget *child;
  const char *own = gtk_buildable_get_buildable_id (GTK_BUILDABLE (root));

  if (own != NULL && g_str_equal (own, id))
    return root;
  for (child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Sends a key press to the page's own key controller, as the keyboard would with the focus
 * on the page (not in a number field). Returns whether the page handled it. */
static gboolean
press_key (GtkWidget *page,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (page);
  guint i, n = g_list_model_get_n_items (controllers);
  gboolean handled = FALSE;

  for (i = 0; i < n && !handled; i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
    }
  flush_main_loop ();
  return handled;
}

/* Shows a page in a window with a scenario, as the app does. */
static GtkWidget *
show_page (GType        type,
           const char  *id,
           UthScenario *scenario)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = g_object_new (type, "id", id, NULL);

  g_object_ref_sink (page);
  uth_page_set_scenario (UTH_PAGE (page), scenario);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  return page;
}

static void
close_page (GtkWidget *page)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (page));

  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (page);
}

/* Runs the main loop until the page's background simulation has finished. */
static void
wait_batching (UthPageBatching *page)
{
  guint i;

  for (i = 0; i < 1000000 && uth_page_batching_is_running (page); i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (uth_page_batching_is_running (page));
  flush_main_loop ();
}

static void
test_batching (void)
{
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);
  UthPageBatching *page;
  const UthBatchingView *view;
  GtkWidget *w;
  UthFigureContext ctx;
  const UthPageFigure *figure;

  uth_scenario_set_model_id (scenario, "llama-3-8b");
  uth_scenario_set_gpu_id (scenario, "h100-sxm");
  uth_scenario_set_batch (scenario, 4);
  flush_main_loop ();
  page = UTH_PAGE_BATCHING (show_page (UTH_TYPE_PAGE_BATCHING, "batching", scenario));
  wait_batching (page);
  view = uth_page_batching_get_view (page);
  g_assert_nonnull (view->static_result);
  g_assert_nonnull (view->continuous_result);
  g_assert_cmpuint (view->config.max_batch, ==, 4);
  g_assert_cmpuint (view->continuous_result->n_requests, ==, 48);

  /* The batch limit is the scenario's batch, both ways. */
  w = find_child (GTK_WIDGET (page), "batch_spin");
  g_assert_nonnull (w);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (w)), ==, 4);
  uth_scenario_set_batch (scenario, 12);
  flush_main_loop ();
  wait_batching (page);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (w)), ==, 12);
  g_assert_cmpuint (view->config.max_batch, ==, 12);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 16);
  flush_main_loop ();
  wait_batching (page);
  g_assert_cmpuint (uth_scenario_get_batch (scenario), ==, 16);
  g_assert_cmpuint (view->config.max_batch, ==, 16);

  /* More requests run in the background and arrive in the view. */
  w = find_child (GTK_WIDGET (page), "requests_spin");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 2000);
  flush_main_loop ();
  wait_batching (page);
  g_assert_cmpuint (view->config.requests, ==, 2000);
  g_assert_cmpuint (view->static_result->n_requests, ==, 2000);

  /* Stepping moves the playback time to the end of a server step. */
  g_assert_cmpfloat (view->play_time_s, <, 0);
  w = find_child (GTK_WIDGET (page), "step_button");
  g_signal_emit_by_name (w, "clicked");
  g_assert_cmpfloat (view->play_time_s, >, 0);
  w = find_child (GTK_WIDGET (page), "show_all_button");
  g_signal_emit_by_name (w, "clicked");
  g_assert_cmpfloat (view->play_time_s, <, 0);

  /* The prefill chunk is the reader's, and only offered while chunked prefill is on. */
  w = find_child (GTK_WIDGET (page), "chunk_spin");
  g_assert_nonnull (w);
  g_assert_cmpuint (view->config.prefill_chunk, ==, 512);
  g_assert_false (gtk_widget_is_sensitive (w));
  gtk_switch_set_active (GTK_SWITCH (find_child (GTK_WIDGET (page), "chunked_switch")), TRUE);
  g_assert_true (gtk_widget_is_sensitive (w));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 128);
  flush_main_loop ();
  wait_batching (page);
  g_assert_true (view->config.chunked_prefill);
  g_assert_cmpuint (view->config.prefill_chunk, ==, 128);

  /* Export carries the page's view. */
  figure = uth_page_get_figure (UTH_PAGE (page), &ctx);
  g_assert_cmpstr (figure->id, ==, "batching");
  g_assert_true (ctx.page_data == (gconstpointer) view);

  close_page (GTK_WIDGET (page));
}

static void
test_speculative (void)
{
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);
  UthPageSpeculative *page;
  const UthSpeculativeView *view;
  GtkWidget *w;
  UthFigureContext ctx;

  uth_scenario_set_model_id (scenario, "llama-3-8b");
  flush_main_loop ();
  page = UTH_PAGE_SPECULATIVE (show_page (UTH_TYPE_PAGE_SPECULATIVE, "speculative", scenario));
  view = uth_page_speculative_get_view (page);
  g_assert_nonnull (view->draft);
  g_assert_cmpstr (view->draft->id, ==, "llama-3.2-1b");
  g_assert_cmpfloat (view->alpha, ==, 0.8);
  g_assert_cmpuint (view->gamma, ==, 4);

  w = find_child (GTK_WIDGET (page), "alpha_scale");
  gtk_range_set_value (GTK_RANGE (w), 0.6);
  g_assert_cmpfloat_with_epsilon (view->alpha, 0.6, 1e-9);
  w = find_child (GTK_WIDGET (page), "gamma_scale");
  gtk_range_set_value (GTK_RANGE (w), 7);
  g_assert_cmpuint (view->gamma, ==, 7);

  /* The target drop-down is the scenario's model. */
  w = find_child (GTK_WIDGET (page), "target_row");
  adw_combo_row_set_selected (ADW_COMBO_ROW (w),
                              adw_combo_row_get_selected (ADW_COMBO_ROW (w)) + 1);
  flush_main_loop ();
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), !=, "llama-3-8b");
  uth_scenario_set_model_id (scenario, "llama-3-70b");
  flush_main_loop ();
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (w))),
                   ==, uth_scenario_get_model (scenario)->name);
  g_assert_cmpstr (view->draft->id, ==, "llama-3.2-1b");
  /* A target of another family gets a draft of its own family. */
  uth_scenario_set_model_id (scenario, "qwen2.5-72b");
  flush_main_loop ();
  g_assert_cmpstr (view->draft->id, ==, "qwen2.5-0.5b");

  /* Animating starts from no pass shown. */
  w = find_child (GTK_WIDGET (page), "animate_button");
  g_signal_emit_by_name (w, "clicked");
  g_assert_cmpuint (view->passes, ==, 0);

  uth_page_get_figure (UTH_PAGE (page), &ctx);
  g_assert_true (ctx.page_data == (gconstpointer) view);
  close_page (GTK_WIDGET (page));
}

static void
test_cost (void)
{
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);
  UthPageCost *page;
  GtkWidget *w;
  UthFigureContext ctx;

  uth_scenario_set_gpu_id (scenario, "h100-sxm");
  flush_main_loop ();
  page = UTH_PAGE_COST (show_page (UTH_TYPE_PAGE_COST, "cost", scenario));

  /* The price shows the catalog's until the reader types one. */
  w = find_child (GTK_WIDGET (page), "price_spin");
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (w)),
                                  uth_scenario_get_gpu (scenario)->spec.price_per_hour, 1e-9);
  g_assert_cmpfloat (uth_scenario_get_price (scenario), <, 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), 4.5);
  flush_main_loop ();
  g_assert_cmpfloat_with_epsilon (uth_scenario_get_price (scenario), 4.5, 1e-9);
  g_signal_emit_by_name (find_child (GTK_WIDGET (page), "catalog_price_button"), "clicked");
  flush_main_loop ();
  g_assert_cmpfloat (uth_scenario_get_price (scenario), <, 0);

  /* Sorting is the figure's view, and export carries it. */
  g_assert_cmpint (uth_page_cost_get_sort (page), ==, 0);
  w = find_child (GTK_WIDGET (page), "sort_row");
  adw_combo_row_set_selected (ADW_COMBO_ROW (w), 2);
  g_assert_cmpint (uth_page_cost_get_sort (page), ==, 2);
  uth_page_get_figure (UTH_PAGE (page), &ctx);
  g_assert_cmpint (ctx.view, ==, 2);

  /* Clicking a GPU of the comparison makes it the scenario's, with the GPUs it needs:
   * Llama 3 70B (141 GB in bf16) on A100 80 GB takes more than one. */
  uth_scenario_set_model_id (scenario, "llama-3-70b");
  flush_main_loop ();
  g_signal_emit_by_name (find_child (GTK_WIDGET (page), "figure"), "item-activated",
                         (int) uth_catalog_get_n_gpus (uth_scenario_get_catalog (scenario)) + 5);
  g_assert_cmpstr (uth_scenario_get_gpu_id (scenario), ==, "h100-sxm");
  for (guint i = 0; i < uth_catalog_get_n_gpus (uth_scenario_get_catalog (scenario)); i++)
    if (g_str_equal (uth_catalog_get_gpu (uth_scenario_get_catalog (scenario), i)->id, "a100-sxm-80gb"))
      g_signal_emit_by_name (find_child (GTK_WIDGET (page), "figure"), "item-activated", (int) i);
  flush_main_loop ();
  g_assert_cmpstr (uth_scenario_get_gpu_id (scenario), ==, "a100-sxm-80gb");
  g_assert_cmpuint (uth_scenario_get_gpus (scenario), >=, 2);
  close_page (GTK_WIDGET (page));
}

/* A page alone in a window of the given size (the app's sidebar takes 230 px of 1280). */
static GtkWidget *
show_page_sized (GType        type,
                 const char  *id,
                 UthScenario *scenario,
                 int          width,
                 int          height)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = g_object_new (type, "id", id, NULL);

  g_object_ref_sink (page);
  uth_page_set_scenario (UTH_PAGE (page), scenario);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  return page;
}

/* At 1280 px less the window's sidebar the figures of Batching, Speculative Decode and Cost
 * need all the width (they are drawn at 1100 px and scaled down below it): the side panel
 * folds away and slides over the figure on demand. With room for both (1280 px without a
 * sidebar) it stands beside it. */
static void
test_panel_folds (void)
{
  const char *const ids[] = { "batching", "speculative", "cost" };
  GType types[3];
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);
  guint i;

  types[0] = UTH_TYPE_PAGE_BATCHING;
  types[1] = UTH_TYPE_PAGE_SPECULATIVE;
  types[2] = UTH_TYPE_PAGE_COST;
  for (i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      GtkWidget *page = show_page_sized (types[i], ids[i], scenario, 1050, 700);
      GtkWidget *flap = find_child (page, "flap");
      GtkWidget *figure = find_child (page, "figure");
      GtkWidget *button = find_child (page, "panel_button");

      g_test_message ("page %s", ids[i]);
      g_assert_true (ADW_IS_FLAP (flap));
      g_assert_true (adw_flap_get_folded (ADW_FLAP (flap)));
      g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
      g_assert_cmpint (gtk_widget_get_width (figure), >=, 1000);
      /* The button slides the panel over the figure, which keeps its width. */
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
      flush_main_loop ();
      g_assert_true (adw_flap_get_reveal_flap (ADW_FLAP (flap)));
      g_assert_cmpint (gtk_widget_get_width (figure), >=, 1000);
      close_page (page);

      /* The whole width of the test's screen: room for both. */
      page = show_page_sized (types[i], ids[i], scenario, 1280, 900);
      flap = find_child (page, "flap");
      figure = find_child (page, "figure");
      g_assert_false (adw_flap_get_folded (ADW_FLAP (flap)));
      g_assert_true (adw_flap_get_reveal_flap (ADW_FLAP (flap)));
      g_assert_cmpint (gtk_widget_get_width (figure), >=, 880);
      g_assert_cmpint (gtk_widget_get_width (figure), <=, 1280 - 360);
      close_page (page);
    }
}

/* Batching and Speculative Decode play without a mouse: Space plays and stops, Right steps. */
static void
test_keys (void)
{
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);
  GtkWidget *page;
  const UthBatchingView *bview;
  const UthSpeculativeView *sview;
  GtkWidget *play;

  page = show_page (UTH_TYPE_PAGE_BATCHING, "batching", scenario);
  wait_batching (UTH_PAGE_BATCHING (page));
  bview = uth_page_batching_get_view (UTH_PAGE_BATCHING (page));
  play = find_child (page, "play_button");
  g_assert_cmpfloat (bview->play_time_s, <, 0);
  g_assert_true (press_key (page, GDK_KEY_space));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (play)));
  g_assert_true (press_key (page, GDK_KEY_space));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (play)));
  g_assert_true (press_key (page, GDK_KEY_Right));
  g_assert_cmpfloat (bview->play_time_s, >, 0);
  g_assert_true (press_key (page, GDK_KEY_Home));
  g_assert_cmpfloat (bview->play_time_s, <, 0);
  close_page (page);

  page = show_page (UTH_TYPE_PAGE_SPECULATIVE, "speculative", scenario);
  sview = uth_page_speculative_get_view (UTH_PAGE_SPECULATIVE (page));
  g_assert_cmpuint (sview->passes, ==, UTH_SPECULATIVE_SHOWN_PASSES);
  /* Right from the whole picture starts over with the draft's first token. */
  g_assert_true (press_key (page, GDK_KEY_Right));
  g_assert_cmpuint (sview->passes, ==, 0);
  g_assert_cmpuint (sview->drafting, ==, 1);
  /* Space runs the animation from the start; Space again shows every pass. */
  g_assert_true (press_key (page, GDK_KEY_space));
  g_assert_cmpuint (sview->passes, <, UTH_SPECULATIVE_SHOWN_PASSES);
  g_assert_true (press_key (page, GDK_KEY_space));
  g_assert_cmpuint (sview->passes, ==, UTH_SPECULATIVE_SHOWN_PASSES);
  g_assert_false (press_key (page, GDK_KEY_a));
  close_page (page);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/pages5/batching", test_batching);
  g_test_add_func ("/pages5/speculative", test_speculative);
  g_test_add_func ("/pages5/cost", test_cost);
  g_test_add_func ("/pages5/panel-folds", test_panel_folds);
  g_test_add_func ("/pages5/keys", test_keys);
  return g_test_run ();
}
