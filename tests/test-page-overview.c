/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview page in a real window: the app opens on it, its keys and buttons step
 * through every build, play runs the walk to its end, a click on a tab jumps to that
 * chapter, each chapter's link opens the page that goes deeper, and its formula buttons
 * carry the core's numbers. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pages/uth-page-overview.h"
#include "render/uth-draw-common.h"
#include "uth-window.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWidget *
find_child (GtkWidget  *root,
            const char *id)
{
  const char *own = gtk_buildable_get_buildable_id (GTK_BUILDABLE (root));

  if (own != NULL && g_str_equal (own, id))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_type (GtkWidget *root,
              GType      type,
              GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (out, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_type (child, type, out);
}

static UthWindow *
new_window (UthScenario *scenario)
{
  UthWindow *window = uth_window_new (NULL, scenario);

  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
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

static UthPageOverview *
overview_of (UthWindow *window)
{
  UthPage *page = uth_window_get_page (window, "overview");

  g_assert_true (UTH_IS_PAGE_OVERVIEW (page));
  return UTH_PAGE_OVERVIEW (page);
}

static void
press (GtkWidget *page,
       guint      keyval)
{
  GListModel *controllers = gtk_widget_observe_controllers (page);

  /* Through the page's own key controller, as a key press reaches it. */
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        {
          gboolean handled = FALSE;
          g_signal_emit_by_name (c, "key-pressed", keyval, 0, 0, &handled);
          g_assert_true (handled);
        }
    }
  g_object_unref (controllers);
  flush_main_loop ();
}

static char *
figure_description (UthPageOverview *page)
{
  GtkWidget *figure = find_child (GTK_WIDGET (page), "figure");
  UthFigureContext ctx;

  g_assert_true (UTH_IS_FIGURE (figure));
  uth_figure_get_context (UTH_FIGURE (figure), &ctx);
  return uth_overview_describe (&ctx);
}

/* The app opens on the Overview, at its first step. */
static void
test_opens_on_overview (void)
{
  UthWindow *window = new_window (NULL);
  UthPageOverview *page;

  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "overview");
  page = overview_of (window);
  g_assert_cmpint (uth_page_overview_get_view (page)->step, ==, 0);
  g_assert_false (uth_page_overview_get_playing (page));
  close_window (window);
}

/* Right steps through every build to the end and no further, Left back to the start; the
 * figure's description and the highlighted link follow. */
static void
test_steps (void)
{
  UthWindow *window = new_window (NULL);
  UthPageOverview *page = overview_of (window);
  int i;

  for (i = 0; i < UTH_OVERVIEW_N_STEPS; i++)
    {
      g_autofree char *text = figure_description (page);
      g_autofree char *expected = g_strdup_printf ("Step %d of %d, %s", i + 1, UTH_OVERVIEW_N_STEPS,
                                                   uth_overview_chapter_title (uth_overview_step_chapter (i)));
      int chapter = uth_overview_step_chapter (i), j;

      g_test_message ("%s", text);
      g_assert_cmpint (uth_page_overview_get_view (page)->step, ==, i);
      g_assert_cmpfloat (uth_page_overview_get_view (page)->progress, ==, 1.0);
      g_assert_true (g_str_has_prefix (text, expected));
      for (j = 0; j < UTH_OVERVIEW_N_CHAPTERS; j++)
        g_assert_true (gtk_widget_has_css_class (uth_page_overview_get_link (page, j), "suggested-action") == (j == chapter));
      press (GTK_WIDGET (page), GDK_KEY_Right);
    }
  /* Past the end it stays. */
  g_assert_cmpint (uth_page_overview_get_view (page)->step, ==, UTH_OVERVIEW_N_STEPS - 1);
  press (GTK_WIDGET (page), GDK_KEY_Left);
  g_assert_cmpint (uth_page_overview_get_view (page)->step, ==, UTH_OVERVIEW_N_STEPS - 2);
  uth_page_overview_set_step (page, 0);
  press (GTK_WIDGET (page), GDK_KEY_Left);
  g_assert_cmpint (uth_page_overview_get_view (page)->step, ==, 0);

  /* A click on the fourth tab (item 3) jumps to the matrix products' first step. */
  g_signal_emit_by_name (find_child (GTK_WIDGET (page), "figure"), "item-activated", 3);
  flush_main_loop ();
  g_assert_cmpint (uth_page_overview_get_view (page)->step, ==, 7);
  close_window (window);
}

/* Space plays: each step animates, then the next comes, until the last, where play stops;
 * Space again from the end starts from the prompt. */
static void
test_play (void)
{
  UthWindow *window = new_window (NULL);
  UthPageOverview *page = overview_of (window);
  gint64 deadline;
  gboolean saw_partial = FALSE;

  /* A step of 8 s at the fastest speed, 4 x: 2 s; from the third-last step about 4 s. */
  uth_page_set_animation_speed (4.0);
  uth_page_overview_set_step (page, UTH_OVERVIEW_N_STEPS - 3);
  press (GTK_WIDGET (page), GDK_KEY_space);
  g_assert_true (uth_page_overview_get_playing (page));
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (uth_page_overview_get_playing (page) && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (uth_page_overview_get_view (page)->progress < 1.0)
        saw_partial = TRUE;
    }
  g_assert_false (uth_page_overview_get_playing (page));
  g_assert_true (saw_partial);
  g_assert_cmpint (uth_page_overview_get_view (page)->step, ==, UTH_OVERVIEW_N_STEPS - 1);
  g_assert_cmpfloat (uth_page_overview_get_view (page)->progress, ==, 1.0);

  press (GTK_WIDGET (page), GDK_KEY_space);
  g_assert_true (uth_page_overview_get_playing (page));
  g_assert_cmpint (uth_page_overview_get_view (page)->step, ==, 0);
  press (GTK_WIDGET (page), GDK_KEY_space);
  g_assert_false (uth_page_overview_get_playing (page));
  g_assert_cmpfloat (uth_page_overview_get_view (page)->progress, ==, 1.0);
  uth_page_set_animation_speed (1.0);
  close_window (window);
}

/* Each chapter's link opens the page that goes deeper; "Both learning paths" opens Home. */
static void
test_links (void)
{
  static const char *const expected[] = { "tokens", "generation", "layer", "tiling", "cost" };
  UthWindow *window = new_window (NULL);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *home = NULL;
  int i;

  for (i = 0; i < UTH_OVERVIEW_N_CHAPTERS; i++)
    {
      g_assert_true (uth_window_show_page (window, "overview"));
      flush_main_loop ();
      /* "clicked", as a click emits it (activate would wait for the press animation). */
      g_signal_emit_by_name (uth_page_overview_get_link (overview_of (window), i), "clicked");
      flush_main_loop ();
      g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, expected[i]);
    }
  g_assert_true (uth_window_show_page (window, "overview"));
  flush_main_loop ();
  collect_type (GTK_WIDGET (overview_of (window)), GTK_TYPE_BUTTON, buttons);
  for (guint j = 0; j < buttons->len; j++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, j)), "Both learning paths") == 0)
      home = g_ptr_array_index (buttons, j);
  g_assert_nonnull (home);
  g_signal_emit_by_name (home, "clicked");
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "home");
  close_window (window);
}

/* The formula buttons carry the core's numbers, worked out: Llama 2 7B's up projection is
 * 2 × 4,096 × 11,008 = 90,177,536 FLOP per token; on an A100 with the tuned engine the
 * ridge is 312 TFLOP/s ÷ (2.04 TB/s × 85% = 1.73 TB/s) = 180 FLOP/B, the example's too. */
static void
test_formulas (void)
{
  g_autoptr(UthScenario) scenario = uth_scenario_new (NULL);
  UthWindow *window;
  g_autoptr(GPtrArray) formulas = g_ptr_array_new ();
  g_autofree char *export_dir = g_dir_make_tmp ("uth-overview-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (export_dir, "overview.png", NULL);
  g_autoptr(GError) error = NULL;
  const char *sub;

  uth_scenario_set_model_id (scenario, "llama-2-7b");
  uth_scenario_set_gpu_id (scenario, "a100-sxm-80gb");
  uth_scenario_set_engine_id (scenario, "tuned");
  uth_scenario_flush (scenario);
  window = new_window (scenario);
  flush_main_loop ();
  collect_type (GTK_WIDGET (overview_of (window)), UTH_TYPE_FORMULA_BUTTON, formulas);
  g_assert_cmpuint (formulas->len, ==, 6);
  sub = uth_formula_button_get_substituted (g_ptr_array_index (formulas, 0));
  g_test_message ("%s", sub);
  g_assert_nonnull (strstr (sub, "2 × 4,096 × 11,008 = 90,177,536 FLOP"));
  g_assert_cmpstr (uth_formula_button_get_value (g_ptr_array_index (formulas, 2)), ==, "180 FLOP/B");
  g_assert_cmpstr (uth_formula_button_get_value (g_ptr_array_index (formulas, 3)), ==, "180 FLOP/B");
  /* Decode at batch 1: the core's intensity, about 1 FLOP/B (test-overview works it out). */
  {
    UthFigureContext ctx;
    UthOverview o;
    g_autofree char *decode = NULL;

    uth_scenario_get_figure_context (scenario, &ctx);
    g_assert_cmpint (uth_overview_compute (&ctx.input, &o), ==, UTH_ESTIMATE_OK);
    decode = uth_format_intensity (o.decode_intensity_batch1);
    g_assert_cmpfloat_with_epsilon (o.decode_intensity_batch1, 1.0, 0.01);
    g_assert_cmpstr (uth_formula_button_get_value (g_ptr_array_index (formulas, 5)), ==, decode);
  }

  /* Another model: the numbers follow. Llama 3 8B: 2 × 4,096 × 14,336 = 117,440,512. */
  uth_scenario_set_model_id (scenario, "llama-3-8b");
  uth_scenario_set_gpu_id (scenario, "h100-sxm");
  uth_scenario_flush (scenario);
  flush_main_loop ();
  sub = uth_formula_button_get_substituted (g_ptr_array_index (formulas, 0));
  g_assert_nonnull (strstr (sub, "2 × 4,096 × 14,336 = 117,440,512 FLOP"));
  g_assert_cmpstr (uth_formula_button_get_value (g_ptr_array_index (formulas, 2)), ==, "348 FLOP/B");
  g_assert_cmpstr (uth_formula_button_get_value (g_ptr_array_index (formulas, 3)), ==, "180 FLOP/B");

  /* Export draws the step shown. */
  uth_page_overview_set_step (overview_of (window), 10);
  g_assert_true (uth_window_export_to_file (window, png, 1280, 800, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_unlink (png);
  g_rmdir (export_dir);
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/page-overview/opens-on-overview", test_opens_on_overview);
  g_test_add_func ("/page-overview/steps", test_steps);
  g_test_add_func ("/page-overview/play", test_play);
  g_test_add_func ("/page-overview/links", test_links);
  g_test_add_func ("/page-overview/formulas", test_formulas);
  return g_test_run ();
}
