/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Tiling, Flash Attention and KV cache pages in a real window: their controls change
 * what the figure draws, the animation steps and plays, the scenario reaches them, a click
 * on the fits map sets the scenario, and everything finalizes. */
#include "config.h"

#include <adwaita.h>

#include "pages/uth-page-flash.h"
#include "pages/uth-page-kv.h"
#include "pages/uth-page-tiling.h"
#include "render/uth-draw-flash.h"
#include "render/uth-draw-kv.h"
#include "render/uth-draw-tiling.h"
#include "uth-window.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-log-slider.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static UthWindow *
new_window (void)
{
  UthWindow *window = uth_window_new (NULL, NULL);

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

/* Descendants of a type in depth-first order: the order the controls appear in the .ui. */
static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *out)
{
  GtkWidget *child;

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);
  for (child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect (child, type, out);
}

static GtkWidget *
nth_of_type (GtkWidget *root,
             GType      type,
             guint      n)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  collect (root, type, all);
  g_assert_cmpuint (all->len, >, n);
  return g_ptr_array_index (all, n);
}

/* The play button: the toggle button with the play icon (drop-downs hold toggle buttons too). */
static GtkToggleButton *
play_button (GtkWidget *root)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  collect (root, GTK_TYPE_TOGGLE_BUTTON, all);
  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (gtk_button_get_icon_name (g_ptr_array_index (all, i)), "media-playback-start-symbolic") == 0)
      return g_ptr_array_index (all, i);
  g_assert_not_reached ();
  return NULL;
}

static void
show (UthWindow  *window,
      const char *id)
{
  g_assert_true (uth_window_show_page (window, id));
  flush_main_loop ();
}

/* Setting M, K and N to 4097 gives 33 x 33 = 1089 tiles in 9 waves on an H100's 132 SMs. */
static void
test_tiling_sliders (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  UthPageTiling *page;
  const UthTilingView *view;
  UthTiling t;

  uth_scenario_set_gpu_id (scenario, "h100-sxm");
  uth_scenario_flush (scenario);
  show (window, "tiling");
  page = UTH_PAGE_TILING (uth_window_get_page (window, "tiling"));
  view = uth_page_tiling_get_view (page);
  /* M, K and N are the first three log sliders. */
  for (guint i = 0; i < 3; i++)
    uth_log_slider_set_value (UTH_LOG_SLIDER (nth_of_type (GTK_WIDGET (page), UTH_TYPE_LOG_SLIDER, i)), 4097);
  flush_main_loop ();
  g_assert_cmpuint (view->input.m, ==, 4097);
  g_assert_cmpuint (view->input.k, ==, 4097);
  g_assert_cmpuint (view->input.n, ==, 4097);
  g_assert_cmpuint (view->input.sms, ==, 132);
  g_assert_cmpint (uth_tiling_compute (&view->input, &t), ==, UTH_TILING_OK);
  g_assert_cmpuint (t.tiles, ==, 1089);
  g_assert_cmpuint (t.waves, ==, 9);

  /* Tile sizes are powers of two from drop-downs: 64 rows is the third entry. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (nth_of_type (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN, 0)), 2);
  flush_main_loop ();
  g_assert_cmpuint (view->input.bm, ==, 64);

  /* The scenario's GPU reaches the page: an A100 has 108 SMs. */
  uth_scenario_set_gpu_id (scenario, "a100-sxm-80gb");
  uth_scenario_flush (scenario);
  flush_main_loop ();
  g_assert_cmpuint (view->input.sms, ==, 108);
  g_assert_cmpuint (view->input.m, ==, 4097);
  close_window (window);
}

static void
test_tiling_animation (void)
{
  UthWindow *window = new_window ();
  UthPageTiling *page;
  const UthTilingView *view;
  UthTiling t;

  show (window, "tiling");
  page = UTH_PAGE_TILING (uth_window_get_page (window, "tiling"));
  view = uth_page_tiling_get_view (page);
  g_assert_cmpint (uth_tiling_compute (&view->input, &t), ==, UTH_TILING_OK);
  g_assert_cmpuint (view->step, ==, 0);
  uth_page_tiling_step (page, 1);
  g_assert_cmpuint (view->step, ==, 1);
  uth_page_tiling_step (page, -1);
  uth_page_tiling_step (page, -1);
  /* Stepping back from the first K step wraps to the last. */
  g_assert_cmpuint (view->step, ==, t.k_steps - 1);

  g_assert_false (uth_page_tiling_get_playing (page));
  gtk_toggle_button_set_active (play_button (GTK_WIDGET (page)), TRUE);
  g_assert_true (uth_page_tiling_get_playing (page));
  uth_page_tiling_set_playing (page, FALSE);
  g_assert_false (uth_page_tiling_get_playing (page));
  g_assert_false (gtk_toggle_button_get_active (play_button (GTK_WIDGET (page))));
  close_window (window);
}

static void
test_flash_sliders (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  UthPageFlash *page;
  const UthFlashView *view;
  UthLogSlider *seq;
  guint64 before;

  show (window, "flash-attention");
  page = UTH_PAGE_FLASH (uth_window_get_page (window, "flash-attention"));
  view = uth_page_flash_get_view (page);
  seq = UTH_LOG_SLIDER (nth_of_type (GTK_WIDGET (page), UTH_TYPE_LOG_SLIDER, 0));
  uth_log_slider_set_value (seq, 32768);
  flush_main_loop ();
  g_assert_cmpuint (view->input.seq, ==, 32768);
  /* Head dim, heads, SRAM: the spin buttons in that order. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (nth_of_type (GTK_WIDGET (page), GTK_TYPE_SPIN_BUTTON, 0)), 64);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (nth_of_type (GTK_WIDGET (page), GTK_TYPE_SPIN_BUTTON, 1)), 8);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (nth_of_type (GTK_WIDGET (page), GTK_TYPE_SPIN_BUTTON, 2)), 100);
  flush_main_loop ();
  g_assert_cmpuint (view->input.head_dim, ==, 64);
  g_assert_cmpuint (view->input.heads, ==, 8);
  g_assert_cmpfloat (view->input.sram_bytes, ==, 100 * 1024.0);
  gtk_switch_set_active (GTK_SWITCH (nth_of_type (GTK_WIDGET (page), GTK_TYPE_SWITCH, 0)), FALSE);
  flush_main_loop ();
  g_assert_false (view->input.causal);

  before = view->step;
  uth_page_flash_step (page, 1);
  g_assert_cmpuint (view->step, >, before);
  uth_page_flash_set_playing (page, TRUE);
  g_assert_true (uth_page_flash_get_playing (page));
  uth_page_flash_set_playing (page, FALSE);

  /* A scenario change the sliders do not show (batch) keeps the reader's values. */
  uth_scenario_set_batch (scenario, 4);
  uth_scenario_flush (scenario);
  flush_main_loop ();
  g_assert_cmpuint (view->input.batch, ==, 4);
  g_assert_cmpuint (view->input.head_dim, ==, 64);
  g_assert_cmpuint (view->input.seq, ==, 32768);

  /* A new model brings its own heads: Llama 3.1 70B has 64 of 128. */
  uth_scenario_set_model_id (scenario, "llama-3.1-70b");
  uth_scenario_flush (scenario);
  flush_main_loop ();
  g_assert_cmpuint (view->input.heads, ==, 64);
  g_assert_cmpuint (view->input.head_dim, ==, 128);
  close_window (window);
}

static void
test_kv_controls (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  UthCatalog *catalog = uth_scenario_get_catalog (scenario);
  UthPageKv *page;
  const UthKvView *view;
  guint gpus = uth_catalog_get_n_gpus (catalog);

  show (window, "kv-cache");
  page = UTH_PAGE_KV (uth_window_get_page (window, "kv-cache"));
  view = uth_page_kv_get_view (page);
  g_assert_nonnull (view->fits);
  g_assert_cmpuint (view->fits_rows, ==, uth_catalog_get_n_models (catalog));

  /* The what-if drop-down, then the KV type, which sets the scenario's. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (nth_of_type (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN, 0)), 0);
  flush_main_loop ();
  g_assert_cmpint (view->variant, ==, UTH_ATTN_MHA);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (nth_of_type (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN, 1)), 1);
  flush_main_loop ();
  g_assert_cmpint (uth_scenario_get_kv (scenario), ==, UTH_DTYPE_FP8);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (nth_of_type (GTK_WIDGET (page), GTK_TYPE_SPIN_BUTTON, 1)), 32);
  flush_main_loop ();
  g_assert_cmpuint (view->block, ==, 32);
  /* Moving the batch keeps the what-if; a new model resets it to the model's own. */
  uth_scenario_set_batch (scenario, 8);
  uth_scenario_flush (scenario);
  flush_main_loop ();
  g_assert_cmpint (view->variant, ==, UTH_ATTN_MHA);
  uth_scenario_set_model_id (scenario, "llama-3.1-70b");
  uth_scenario_flush (scenario);
  flush_main_loop ();
  g_assert_cmpint (view->variant, ==, UTH_ATTN_GQA);
  g_assert_cmpuint (view->group, ==, 8);

  /* Clicking model 1 on GPU 2 makes them the scenario's. */
  uth_page_kv_choose_cell (page, (int) (1 * gpus + 2));
  uth_scenario_flush (scenario);
  flush_main_loop ();
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, uth_catalog_get_model (catalog, 1)->id);
  g_assert_cmpstr (uth_scenario_get_gpu_id (scenario), ==, uth_catalog_get_gpu (catalog, 2)->id);
  /* Out of range: nothing changes. */
  uth_page_kv_choose_cell (page, 1 << 30);
  uth_page_kv_choose_cell (page, -1);
  g_assert_cmpstr (uth_scenario_get_gpu_id (scenario), ==, uth_catalog_get_gpu (catalog, 2)->id);
  close_window (window);
}

/* In a 1280 x 800 window (the classroom case: about 1050 px beside the sidebar) the three
 * figures get the height their reflowed layout needs at that width (the page scrolls), so
 * they draw at full text size, not scaled to fit the view. */
/* A page built on its first show is laid out on a later frame: wait (bounded) until the
 * widget has a size, iterating the main loop as the frame clock needs. */
static void
wait_for_allocation (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (gtk_widget_get_width (widget) == 0 && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static void
test_full_size (void)
{
  const char *const ids[] = { "tiling", "flash-attention", "kv-cache" };
  UthWindow *window = uth_window_new (NULL, NULL);

  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      GtkWidget *page;
      UthFigure *figure;
      UthFigureContext ctx;
      double w, h, scale;

      show (window, ids[i]);
      page = GTK_WIDGET (uth_window_get_page (window, ids[i]));
      figure = UTH_FIGURE (nth_of_type (page, UTH_TYPE_FIGURE, 0));
      wait_for_allocation (GTK_WIDGET (figure));
      w = gtk_widget_get_width (GTK_WIDGET (figure));
      h = gtk_widget_get_height (GTK_WIDGET (figure));
      uth_figure_get_context (figure, &ctx);
      if (i == 0)
        scale = uth_tiling_page_scale (w, h, &ctx);
      else if (i == 1)
        scale = uth_flash_page_scale (w, h, &ctx);
      else
        scale = uth_kv_page_scale (w, h, &ctx);
      g_test_message ("%s: figure %.0f x %.0f, scale %.3f", ids[i], w, h, scale);
      g_assert_cmpfloat (w, >=, 960);
      g_assert_cmpfloat (scale, >=, 1.0);
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
  g_test_add_func ("/pages4/tiling/sliders", test_tiling_sliders);
  g_test_add_func ("/pages4/tiling/animation", test_tiling_animation);
  g_test_add_func ("/pages4/flash/sliders", test_flash_sliders);
  g_test_add_func ("/pages4/kv/controls", test_kv_controls);
  g_test_add_func ("/pages4/full-size", test_full_size);
  return g_test_run ();
}
