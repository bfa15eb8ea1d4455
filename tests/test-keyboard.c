/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window by keyboard and in a phone-sized window (issue 14): the sidebar always names the
 * page shown, whatever opened it; at 360×640 every page keeps the focus on something visible
 * and Tab reaches its controls; `under-the-hood FILE` opens the file in the window. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "pages/uth-page.h"
#include "uth-application.h"
#include "uth-window.h"
#include "uth-window-open.h"
#include "widgets/uth-log-slider.h"
#include "widgets/uth-scenario-panel.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Lets the window lay itself out (a size change takes a frame or two under Xvfb). */
static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 5;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  flush_main_loop ();
}

static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *css_class)
{
  GtkWidget *child;

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      (css_class == NULL || gtk_widget_has_css_class (widget, css_class)))
    return widget;
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static UthWindow *
new_window (int width,
            int height)
{
  UthWindow *window = uth_window_new (NULL, NULL);

  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  settle ();
  return window;
}

static void
close_window (UthWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}

/* The sidebar's selected row is the page shown, and the window's title names it (what a
 * screen reader reads as the window's name: "Layer – Under the Hood"). */
static void
assert_sidebar_matches (UthWindow *window,
                        GtkListBox *list)
{
  const char * const *ids = uth_draw_page_ids ();
  GtkListBoxRow *row = gtk_list_box_get_selected_row (list);
  UthPage *page = uth_window_get_page (window, uth_window_get_visible_page_id (window));
  g_autofree char *title = NULL;

  g_assert_nonnull (row);
  g_assert_cmpstr (ids[gtk_list_box_row_get_index (row)], ==, uth_window_get_visible_page_id (window));
  g_assert_nonnull (page);
  title = g_strconcat (uth_page_get_title (page), " – Under the Hood", NULL);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, title);
}

/* Sends a key to a widget's key controllers as GTK routes a press to it, capture phase
 * first; TRUE when one handled it. */
static gboolean
press_key (GtkWidget       *widget,
           guint            keyval,
           GdkModifierType  state)
{
  static const GtkPropagationPhase phases[] = { GTK_PHASE_CAPTURE, GTK_PHASE_TARGET, GTK_PHASE_BUBBLE };
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint p = 0; p < G_N_ELEMENTS (phases) && !handled; p++)
    for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
            gtk_event_controller_get_propagation_phase (controller) == phases[p])
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
      }
  return handled;
}

/* The keyboard's Down in the list, as GtkListBox binds it (move-cursor; GTK 4.8 has the
 * extend and modify arguments). */
static void
list_key_down (GtkListBox *list)
{
  GSignalQuery query;

  g_signal_query (g_signal_lookup ("move-cursor", GTK_TYPE_LIST_BOX), &query);
  if (query.n_params == 4)
    g_signal_emit_by_name (list, "move-cursor", GTK_MOVEMENT_DISPLAY_LINES, 1, FALSE, FALSE);
  else
    g_signal_emit_by_name (list, "move-cursor", GTK_MOVEMENT_DISPLAY_LINES, 1);
}

static void
test_sidebar_follows (void)
{
  UthWindow *window = new_window (1280, 800);
  GtkListBox *list = GTK_LIST_BOX (find_widget (GTK_WIDGET (window), GTK_TYPE_LIST_BOX, "navigation-sidebar"));
  GtkListBoxRow *row;
  GtkWidget *focus;

  g_assert_nonnull (list);
  assert_sidebar_matches (window, list);

  /* A click (row activation) opens the row's page. */
  row = gtk_list_box_get_row_at_index (list, 3);
  gtk_widget_activate (GTK_WIDGET (row));
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, uth_draw_page_ids ()[3]);
  assert_sidebar_matches (window, list);

  /* Alt+Right and Alt+Left. */
  for (int i = 0; i < 3; i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next-page", NULL));
      flush_main_loop ();
      assert_sidebar_matches (window, list);
    }
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, uth_draw_page_ids ()[6]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.previous-page", NULL));
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, uth_draw_page_ids ()[5]);
  assert_sidebar_matches (window, list);

  /* A link on the Home page ("open-page"). */
  g_assert_true (uth_window_show_page (window, "home"));
  uth_page_open_page (uth_window_get_page (window, "home"), "tiling");
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "tiling");
  assert_sidebar_matches (window, list);

  /* The keyboard in the sidebar: Down selects the next row, which opens its page, and the
   * focus stays in the list for the next Down. */
  row = gtk_list_box_get_selected_row (list);
  gtk_widget_grab_focus (GTK_WIDGET (row));
  list_key_down (list);
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==,
                   uth_draw_page_ids ()[gtk_list_box_row_get_index (row) + 1]);
  assert_sidebar_matches (window, list);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (list)));
  list_key_down (list);
  flush_main_loop ();
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==,
                   uth_draw_page_ids ()[gtk_list_box_row_get_index (row) + 2]);
  assert_sidebar_matches (window, list);
  /* Tab leaves the list for the page shown (GtkListBox went row to row, selecting each, which
   * opened each page): one stop, the page unchanged. */
  {
    const char *shown = uth_window_get_visible_page_id (window);

    g_assert_true (press_key (GTK_WIDGET (list), GDK_KEY_Tab, 0));
    flush_main_loop ();
    g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, shown);
    focus = gtk_root_get_focus (GTK_ROOT (window));
    g_assert_false (gtk_widget_is_ancestor (focus, GTK_WIDGET (list)));
    assert_sidebar_matches (window, list);
    gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_selected_row (list)));
    g_assert_true (press_key (GTK_WIDGET (list), GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
    flush_main_loop ();
    g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, shown);
    g_assert_false (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (list)));
    gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_selected_row (list)));
  }
  /* Enter (activation) then moves the focus into the page. */
  gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_selected_row (list)));
  flush_main_loop ();
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == GTK_WIDGET (uth_window_get_page (window, uth_window_get_visible_page_id (window))) ||
                 gtk_widget_is_ancestor (focus, GTK_WIDGET (uth_window_get_page (window, uth_window_get_visible_page_id (window)))));

  close_window (window);
}


/* The control a focused part belongs to (a drop-down's button, a spin button's text). */
static GtkWidget *
owning_control (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (GTK_IS_DROP_DOWN (w) || GTK_IS_SPIN_BUTTON (w) || GTK_IS_MENU_BUTTON (w) || UTH_IS_LOG_SLIDER (w))
      return w;
  return widget;
}

/* Tab goes through the scenario bar as it reads: Model, GPU, ×, Engine, Batch (it went ×,
 * Model, GPU: a shorter field centred higher came first). */
static void
test_scenario_bar_order (void)
{
  UthWindow *window = new_window (1280, 800);
  GtkWidget *panel = find_widget (GTK_WIDGET (window), UTH_TYPE_SCENARIO_PANEL, NULL);
  GtkWidget *model = find_widget (panel, GTK_TYPE_DROP_DOWN, NULL);
  GType expected[] = { GTK_TYPE_DROP_DOWN, GTK_TYPE_SPIN_BUTTON, GTK_TYPE_MENU_BUTTON, UTH_TYPE_LOG_SLIDER };
  GtkWidget *previous = model;

  g_assert_nonnull (model);
  g_assert_true (gtk_widget_child_focus (model, GTK_DIR_TAB_FORWARD));
  g_assert_true (owning_control (gtk_root_get_focus (GTK_ROOT (window))) == model);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GtkWidget *control;
      graphene_rect_t a, b;

      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
      control = owning_control (gtk_root_get_focus (GTK_ROOT (window)));
      g_test_message ("tab %u: %s", i, G_OBJECT_TYPE_NAME (control));
      g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (control, expected[i]));
      g_assert_true (control != previous);
      /* As read: right of the previous one, or on a line below it. */
      g_assert_true (gtk_widget_compute_bounds (previous, panel, &a));
      g_assert_true (gtk_widget_compute_bounds (control, panel, &b));
      g_assert_true (b.origin.x > a.origin.x || b.origin.y > a.origin.y + a.size.height / 2);
      previous = control;
    }
  close_window (window);
}

/* Visible: mapped, with some of it inside the window. */
static gboolean
is_shown (GtkWidget *widget,
          GtkWidget *window)
{
  graphene_rect_t bounds;

  if (widget == NULL || !gtk_widget_get_mapped (widget) || !gtk_widget_compute_bounds (widget, window, &bounds))
    return FALSE;
  return bounds.size.width > 0 && bounds.size.height > 0 &&
         bounds.origin.x < gtk_widget_get_width (window) && bounds.origin.x + bounds.size.width > 0 &&
         bounds.origin.y < gtk_widget_get_height (window) && bounds.origin.y + bounds.size.height > 0;
}

static void
dump_wide (GtkWidget *w, int depth)
{
  int min = 0;
  if (!gtk_widget_get_visible (w)) return;
  gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  if (min > 300)
    g_test_message ("%*s%s min %d", depth, "", G_OBJECT_TYPE_NAME (w), min);
  else
    return;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    dump_wide (c, depth + 1);
}

static void
assert_focus_shown (UthWindow *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  graphene_rect_t b;

  g_assert_nonnull (focus);
  if (!is_shown (focus, GTK_WIDGET (window)))
    {
      if (gtk_widget_compute_bounds (focus, GTK_WIDGET (window), &b))
        g_test_message ("%s (in %s) at %g,%g %g×%g is not shown", G_OBJECT_TYPE_NAME (focus),
                        G_OBJECT_TYPE_NAME (gtk_widget_get_parent (focus)),
                        b.origin.x, b.origin.y, b.size.width, b.size.height);
      else
        g_test_message ("%s (in %s), mapped %d, is not shown", G_OBJECT_TYPE_NAME (focus),
                        G_OBJECT_TYPE_NAME (gtk_widget_get_parent (focus)), gtk_widget_get_mapped (focus));
    }
  g_assert_true (is_shown (focus, GTK_WIDGET (window)));
}

/* At 360×640 (a phone-sized GNOME window) the window is that narrow, folded on the page;
 * on every page the focus is on a visible widget and Tab reaches a control of the page. */
static void
test_narrow_window (void)
{
  UthWindow *window = new_window (360, 640);
  const char * const *ids = uth_draw_page_ids ();
  AdwLeaflet *leaflet = ADW_LEAFLET (find_widget (GTK_WIDGET (window), ADW_TYPE_LEAFLET, NULL));

  g_assert_nonnull (leaflet);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      GtkWidget *page, *focus;
      gboolean reached = FALSE;

      g_assert_true (uth_window_show_page (window, ids[i]));
      /* Narrowed on each page, as a person would (xdotool windowsize W 360 640): a window
       * keeps a width it grew to, so each page proves it can be this narrow itself. */
      gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
      settle ();
      page = GTK_WIDGET (uth_window_get_page (window, ids[i]));
      {
        GtkWidget *sw = find_widget (page, GTK_TYPE_SCROLLED_WINDOW, NULL);

        if (sw != NULL)
          {
            GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (sw));

            g_test_message ("%s: content %g wide in %g", ids[i], gtk_adjustment_get_upper (h),
                            gtk_adjustment_get_page_size (h));
            if (g_getenv ("UTH_DUMP") != NULL)
              dump_wide (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (sw)), 0);
            /* The controls wrap: nothing scrolls sideways (the Model page's size toggles
             * and its prefill/decode pair take two rows). */
            g_assert_cmpfloat (gtk_adjustment_get_upper (h), <=, gtk_adjustment_get_page_size (h) + 1);
          }
      }
      g_test_message ("%s: window %d×%d, page %d wide", ids[i],
                      gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)),
                      gtk_widget_get_width (page));
      if (gtk_widget_get_width (GTK_WIDGET (window)) > 360 || g_getenv ("UTH_DUMP") != NULL)
        dump_wide (GTK_WIDGET (window), 0);
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 360);
      g_assert_true (adw_leaflet_get_folded (leaflet));
      g_assert_true (is_shown (page, GTK_WIDGET (window)));
      assert_focus_shown (window);
      /* Tab from there reaches the page's own controls, each visible when it has the focus. */
      for (int tab = 0; tab < 60 && !reached; tab++)
        {
          g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
          focus = gtk_root_get_focus (GTK_ROOT (window));
          g_assert_nonnull (focus);
          reached = focus != page && gtk_widget_is_ancestor (focus, page);
          if (g_test_verbose ())
            g_test_message ("  tab %d: %s %s", tab, G_OBJECT_TYPE_NAME (focus),
                            G_OBJECT_TYPE_NAME (gtk_widget_get_parent (focus)));
        }
      g_assert_true (reached);
      settle ();
      assert_focus_shown (window);
    }
  /* The back button shows the list of pages, and the focus goes with it. */
  adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  settle ();
  g_assert_true (is_shown (find_widget (GTK_WIDGET (window), GTK_TYPE_LIST_BOX, "navigation-sidebar"),
                           GTK_WIDGET (window)));
  assert_focus_shown (window);
  /* Alt+Left from there shows the page before, with the focus in it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.previous-page", NULL));
  settle ();
  g_assert_true (adw_leaflet_get_visible_child (leaflet) != gtk_widget_get_first_child (GTK_WIDGET (leaflet)));
  assert_focus_shown (window);
  close_window (window);
}

/* A wide window with the focus in the sidebar, narrowed until it folds onto the page: the
 * focus moves to the page (it stayed in the hidden list, where no key did anything). */
static void
test_fold_moves_focus (void)
{
  UthWindow *window = new_window (1280, 800);
  GtkListBox *list = GTK_LIST_BOX (find_widget (GTK_WIDGET (window), GTK_TYPE_LIST_BOX, "navigation-sidebar"));
  AdwLeaflet *leaflet = ADW_LEAFLET (find_widget (GTK_WIDGET (window), ADW_TYPE_LEAFLET, NULL));

  g_assert_true (uth_window_show_page (window, "kv-cache"));
  settle ();
  g_assert_false (adw_leaflet_get_folded (leaflet));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_selected_row (list))));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  settle ();
  g_assert_true (adw_leaflet_get_folded (leaflet));
  assert_focus_shown (window);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         GTK_WIDGET (uth_window_get_page (window, "kv-cache"))) ||
                 gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (uth_window_get_page (window, "kv-cache")));
  close_window (window);
}

static char *tmp_root;

static UthWindow *
open_with_application (UthApplication *app,
                       const char     *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GFile *files[] = { file };
  UthWindow *window;
  gint64 end;

  g_application_open (G_APPLICATION (app), files, 1, "");
  window = UTH_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (uth_window_open_is_busy (window) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (uth_window_open_is_busy (window));
  flush_main_loop ();
  return window;
}

/* `under-the-hood FILE` is GApplication's open: the model opens in the window; a file that is
 * not a model gets File › Open's error, in the window. */
static void
test_open_from_command_line (void)
{
  g_autoptr(UthApplication) app = uth_application_new ();
  g_autofree char *config = g_build_filename (tmp_root, "config.json", NULL);
  g_autofree char *text = g_build_filename (tmp_root, "hostname", NULL);
  UthWindow *window;
  const GError *error;

  g_assert_true (g_application_get_flags (G_APPLICATION (app)) & G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_file_set_contents (config,
    "{ \"model_type\": \"llama\", \"architectures\": [\"LlamaForCausalLM\"],\n"
    "  \"hidden_size\": 64, \"intermediate_size\": 128, \"num_hidden_layers\": 2,\n"
    "  \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"vocab_size\": 1000,\n"
    "  \"max_position_embeddings\": 2048, \"rms_norm_eps\": 1e-5, \"hidden_act\": \"silu\",\n"
    "  \"tie_word_embeddings\": false, \"torch_dtype\": \"bfloat16\" }\n", -1, NULL));
  g_assert_true (g_file_set_contents (text, "a-machine\n", -1, NULL));
  /* No D-Bus in the test: a non-unique application registers without a bus. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_hold (G_APPLICATION (app));

  window = open_with_application (app, config);
  g_assert_null (uth_window_open_get_last_error (window));
  g_assert_nonnull (uth_window_open_get_model_id (window));
  g_assert_cmpstr (uth_scenario_get_model_id (uth_window_get_scenario (window)), ==,
                   uth_window_open_get_model_id (window));

  /* The same window again, with File › Open's error naming the file. */
  g_assert_true (open_with_application (app, text) == window);
  error = uth_window_open_get_last_error (window);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "hostname"));

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  flush_main_loop ();
  g_object_unref (window);
  g_unlink (config);
  g_unlink (text);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* A UI test without a display is a failure, not a skip: CI must not go green. */
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run this test under xvfb-run (meson test does).\n");
      return 1;
    }
  adw_init ();
  /* GNOME's title buttons (its default button-layout, "appmenu:close"), not GTK's fallback
   * with minimize and maximize that no GNOME session shows. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE,
                "gtk-decoration-layout", "menu:close", NULL);
  tmp_root = g_dir_make_tmp ("uth-keyboard-XXXXXX", NULL);
  g_assert_nonnull (tmp_root);

  g_test_add_func ("/keyboard/sidebar-follows", test_sidebar_follows);
  g_test_add_func ("/keyboard/scenario-bar-order", test_scenario_bar_order);
  g_test_add_func ("/keyboard/narrow-window", test_narrow_window);
  g_test_add_func ("/keyboard/fold-moves-focus", test_fold_moves_focus);
  g_test_add_func ("/keyboard/open-from-command-line", test_open_from_command_line);
  status = g_test_run ();
  g_rmdir (tmp_root);
  return status;
}
