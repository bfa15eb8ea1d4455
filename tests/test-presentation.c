/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Presentation mode, zoom, the remembered window state and the Preferences bindings,
 * in-process under Xvfb. */
#include "config.h"

#include <adwaita.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "render/uth-draw-common.h"
#include "uth-preferences-window.h"
#include "uth-settings.h"
#include "uth-application.h"
#include "uth-window-actions.h"
#include "uth-window.h"

static GtkApplication *app;

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Runs the main loop until check() holds or about five seconds have passed (a key sent
 * from another process arrives asynchronously). Returns whether it held. */
static gboolean
wait_for (gboolean (*check) (gpointer),
          gpointer data)
{
  for (guint i = 0; i < 500 && !check (data); i++)
    {
      flush_main_loop ();
      g_usleep (10000);
    }
  return check (data);
}

static UthWindow *
new_window (GtkApplication *application)
{
  UthWindow *window = uth_window_new (application, NULL);

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

static gboolean
widget_visible (UthWindow  *window,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), UTH_TYPE_WINDOW, name);

  g_assert_true (GTK_IS_WIDGET (child));
  return gtk_widget_get_visible (GTK_WIDGET (child));
}

static double
context_scale (UthWindow *window,
               gboolean  *high_contrast)
{
  UthFigureContext ctx;

  uth_scenario_get_figure_context (uth_window_get_scenario (window), &ctx);
  if (high_contrast != NULL)
    *high_contrast = ctx.high_contrast;
  return ctx.scale;
}

static gboolean
is_fullscreen (gpointer data)
{
  return gtk_window_is_fullscreen (GTK_WINDOW (data));
}

static gboolean
is_not_fullscreen (gpointer data)
{
  return !gtk_window_is_fullscreen (GTK_WINDOW (data));
}

static void
test_presentation_toggle (void)
{
  UthWindow *window = new_window (NULL);
  GActionGroup *actions = G_ACTION_GROUP (window);
  g_autoptr(GVariant) state = NULL;
  gboolean high_contrast = TRUE;

  g_assert_false (uth_window_get_presentation (window));
  g_assert_cmpfloat (context_scale (window, &high_contrast), ==, 1.0);
  g_assert_false (high_contrast);
  g_assert_true (widget_visible (window, "sidebar"));
  g_assert_false (g_action_group_get_action_enabled (actions, "leave-presentation"));

  /* F5 and the header button activate this action. No window manager runs under Xvfb, and
   * only a window manager grants full screen to a mapped window; an unmapped one takes the
   * state when it is shown. So the window is hidden while the mode changes. */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_action_group_activate_action (actions, "presentation", NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_fullscreen, window));
  g_assert_true (uth_window_get_presentation (window));
  state = g_action_group_get_action_state (actions, "presentation");
  g_assert_true (g_variant_get_boolean (state));
  g_assert_false (widget_visible (window, "sidebar"));
  g_assert_false (widget_visible (window, "sidebar_separator"));
  /* Its back button would lead to the hidden sidebar. */
  g_assert_false (widget_visible (window, "back_button"));
  g_assert_cmpfloat (context_scale (window, &high_contrast), ==, UTH_PRESENTATION_SCALE);
  g_assert_true (high_contrast);
  g_assert_true (uth_scenario_get_presentation (uth_window_get_scenario (window)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "presentation"));

  /* Escape activates this one; it is only enabled in presentation mode, so that Escape
   * reaches everything else otherwise. */
  g_assert_true (g_action_group_get_action_enabled (actions, "leave-presentation"));
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_action_group_activate_action (actions, "leave-presentation", NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_not_fullscreen, window));
  g_assert_false (uth_window_get_presentation (window));
  g_assert_true (widget_visible (window, "sidebar"));
  g_assert_cmpfloat (context_scale (window, &high_contrast), ==, 1.0);
  g_assert_false (high_contrast);
  g_assert_false (g_action_group_get_action_enabled (actions, "leave-presentation"));

  close_window (window);
}

static gboolean
is_presenting (gpointer data)
{
  return uth_window_get_presentation (data);
}

static gboolean
is_not_presenting (gpointer data)
{
  return !uth_window_get_presentation (data);
}

static gboolean
is_zoomed_in (gpointer data)
{
  return uth_window_get_zoom (data) > 1.0;
}

/* Real key presses from outside the process, as a teacher's keyboard sends them. */
static void
send_keys (const char *keys)
{
  g_autofree char *command = g_strdup_printf ("xdotool mousemove 200 200 key %s", keys);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_presentation_keys (void)
{
  UthWindow *window = new_window (NULL);
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");

  if (xdotool == NULL)
    {
      /* tools/setup installs it; a missing tool must not pass silently. */
      g_test_fail_printf ("xdotool is needed to send real key presses");
      close_window (window);
      return;
    }
  send_keys ("F5");
  g_assert_true (wait_for (is_presenting, window));
  send_keys ("Escape");
  g_assert_true (wait_for (is_not_presenting, window));
  send_keys ("ctrl+plus");
  g_assert_true (wait_for (is_zoomed_in, window));
  g_assert_cmpfloat_with_epsilon (uth_window_get_zoom (window), 1.1, 1e-9);
  close_window (window);
}

static void
test_zoom (void)
{
  UthWindow *window = new_window (NULL);
  GActionGroup *actions = G_ACTION_GROUP (window);
  UthScenario *scenario = uth_window_get_scenario (window);
  guint i;

  g_assert_cmpfloat (uth_window_get_zoom (window), ==, 1.0);
  g_assert_false (g_action_group_get_action_enabled (actions, "zoom-reset"));

  g_action_group_activate_action (actions, "zoom-in", NULL);
  g_assert_cmpfloat_with_epsilon (uth_window_get_zoom (window), 1.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (uth_scenario_get_figure_scale (scenario), 1.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (context_scale (window, NULL), 1.1, 1e-9);
  g_assert_true (g_action_group_get_action_enabled (actions, "zoom-reset"));

  g_action_group_activate_action (actions, "zoom-out", NULL);
  g_action_group_activate_action (actions, "zoom-out", NULL);
  g_assert_cmpfloat_with_epsilon (uth_window_get_zoom (window), 0.9, 1e-9);
  g_assert_cmpfloat_with_epsilon (context_scale (window, NULL), 0.9, 1e-9);

  /* In and out stay on the 10 % grid: ten steps in from 0.9 land on 1.9 exactly. */
  for (i = 0; i < 10; i++)
    g_action_group_activate_action (actions, "zoom-in", NULL);
  g_assert_cmpfloat_with_epsilon (uth_window_get_zoom (window), 1.9, 1e-9);

  g_action_group_activate_action (actions, "zoom-reset", NULL);
  g_assert_cmpfloat (uth_window_get_zoom (window), ==, 1.0);
  g_assert_cmpfloat (context_scale (window, NULL), ==, 1.0);

  /* Clamped, and the action that would go further is disabled. */
  uth_window_set_zoom (window, 10.0);
  g_assert_cmpfloat (uth_window_get_zoom (window), ==, UTH_ZOOM_MAX);
  g_assert_false (g_action_group_get_action_enabled (actions, "zoom-in"));
  uth_window_set_zoom (window, 0.0);
  g_assert_cmpfloat (uth_window_get_zoom (window), ==, UTH_ZOOM_MIN);
  g_assert_false (g_action_group_get_action_enabled (actions, "zoom-out"));

  /* Zoom and presentation multiply. */
  uth_window_set_zoom (window, 1.2);
  uth_window_set_presentation (window, TRUE);
  g_assert_cmpfloat_with_epsilon (uth_window_get_scale (window), 1.2 * UTH_PRESENTATION_SCALE, 1e-9);
  g_assert_cmpfloat_with_epsilon (context_scale (window, NULL), 1.2 * UTH_PRESENTATION_SCALE, 1e-9);
  uth_window_set_presentation (window, FALSE);
  g_assert_cmpfloat_with_epsilon (context_scale (window, NULL), 1.2, 1e-9);

  close_window (window);
}

static GtkWidget *
find_label (GtkWidget *widget)
{
  GtkWidget *child;

  if (GTK_IS_LABEL (widget))
    return widget;
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *label = find_label (child);

      if (label != NULL)
        return label;
    }
  return NULL;
}

static int
font_size (GtkWidget *label)
{
  PangoContext *context = gtk_widget_get_pango_context (label);

  return pango_font_description_get_size (pango_context_get_font_description (context));
}

typedef struct
{
  GtkWidget *label;
  int        size;   /* Pango units */
} FontWait;

static gboolean
font_is (gpointer data)
{
  FontWait *wait = data;

  return abs (font_size (wait->label) - wait->size) <= wait->size / 50;
}

/* Text zoom is CSS on the window: its labels' font grows with the zoom (restyled at the
 * next frame, hence the waits). */
static void
test_zoom_text (void)
{
  UthWindow *window = new_window (NULL);
  GObject *title = gtk_widget_get_template_child (GTK_WIDGET (window), UTH_TYPE_WINDOW, "page_title");
  FontWait wait = { NULL, 0 };
  int normal;

  g_assert_true (ADW_IS_WINDOW_TITLE (title));
  wait.label = find_label (GTK_WIDGET (title));
  g_assert_nonnull (wait.label);
  normal = font_size (wait.label);
  g_assert_cmpint (normal, >, 0);

  uth_window_set_zoom (window, 2.0);
  wait.size = 2 * normal;
  g_assert_true (wait_for (font_is, &wait));

  uth_window_set_zoom (window, 1.0);
  wait.size = normal;
  g_assert_true (wait_for (font_is, &wait));
  close_window (window);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_remembered (void)
{
  GSettings *settings = uth_settings_get ();
  UthWindow *window;

  g_assert_nonnull (settings);
  /* Nothing set by the user: the scenario keeps its own defaults, whatever the schema's. */
  {
    g_autoptr(UthScenario) fresh = uth_scenario_new (NULL);

    window = new_window (app);
    g_assert_cmpstr (uth_scenario_get_model_id (uth_window_get_scenario (window)), ==,
                     uth_scenario_get_model_id (fresh));
    g_assert_cmpuint (uth_scenario_get_prompt (uth_window_get_scenario (window)), ==,
                      uth_scenario_get_prompt (fresh));
    close_window (window);
  }
  g_settings_set_string (settings, "last-page", "layer");
  g_settings_set_string (settings, "model", "llama-2-7b");
  g_settings_set_uint64 (settings, "batch", 8);

  window = new_window (app);
  /* Restored: the page and the scenario. */
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "layer");
  g_assert_cmpstr (uth_scenario_get_model_id (uth_window_get_scenario (window)), ==, "llama-2-7b");
  g_assert_cmpuint (uth_scenario_get_batch (uth_window_get_scenario (window)), ==, 8);

  /* Remembered: page, scenario, zoom and presentation as they change. */
  uth_window_show_page (window, "cost");
  uth_scenario_set_gpu_id (uth_window_get_scenario (window), "a100-sxm-80gb");
  uth_scenario_set_context (uth_window_get_scenario (window), 4096);
  uth_window_set_zoom (window, 1.3);
  uth_window_set_presentation (window, TRUE);
  flush_main_loop ();
  {
    g_autofree char *page = g_settings_get_string (settings, "last-page");
    g_autofree char *gpu = g_settings_get_string (settings, "gpu");

    g_assert_cmpstr (page, ==, "cost");
    g_assert_cmpstr (gpu, ==, "a100-sxm-80gb");
  }
  g_assert_cmpuint (g_settings_get_uint64 (settings, "context"), ==, 4096);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "zoom"), 1.3, 1e-9);
  g_assert_true (g_settings_get_boolean (settings, "presentation-mode"));

  /* Preferences writes the keys; the open window follows. */
  g_settings_set_double (settings, "zoom", 1.6);
  flush_main_loop ();
  g_assert_cmpfloat_with_epsilon (uth_window_get_zoom (window), 1.6, 1e-9);
  g_settings_set_double (settings, "animation-speed", 2.0);
  g_assert_cmpfloat (uth_page_get_animation_speed (), ==, 2.0);
  g_settings_reset (settings, "animation-speed");
  g_assert_cmpfloat (uth_page_get_animation_speed (), ==, 1.0);
  {
    g_autofree char *decimal = NULL;
    g_autofree char *binary = NULL;
    guint changes = 0;
    gulong handler = g_signal_connect_swapped (uth_window_get_scenario (window), "changed",
                                               G_CALLBACK (count_cb), &changes);

    /* 2^30 bytes: 1.07 GB in SI units, 1.00 GiB in binary ones; the pages redraw. */
    decimal = uth_format_bytes (1073741824.0);
    g_assert_cmpstr (decimal, ==, "1.07 GB");
    g_settings_set_enum (settings, "units", 1);
    binary = uth_format_bytes (1073741824.0);
    g_assert_cmpstr (binary, ==, "1.00 GiB");
    g_assert_cmpuint (changes, ==, 1);
    g_signal_handler_disconnect (uth_window_get_scenario (window), handler);
    g_settings_reset (settings, "units");
    g_assert_false (uth_format_get_binary_bytes ());
  }
  close_window (window);

  /* The next start comes back as it was left. */
  window = new_window (app);
  g_assert_true (uth_window_get_presentation (window));
  g_assert_cmpfloat_with_epsilon (uth_window_get_zoom (window), 1.6, 1e-9);
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, "cost");
  g_assert_cmpstr (uth_scenario_get_gpu_id (uth_window_get_scenario (window)), ==, "a100-sxm-80gb");
  close_window (window);

  /* An id that left the catalog is not restored: the defaults stay, nothing warns. */
  g_settings_set_string (settings, "model", "no-such-model");
  window = new_window (app);
  g_assert_cmpstr (uth_scenario_get_model_id (uth_window_get_scenario (window)), !=, "no-such-model");
  close_window (window);

  g_settings_reset (settings, "last-page");
  g_settings_reset (settings, "model");
  g_settings_reset (settings, "gpu");
  g_settings_reset (settings, "batch");
  g_settings_reset (settings, "context");
  g_settings_reset (settings, "zoom");
  g_settings_reset (settings, "presentation-mode");
}

static void
test_preferences (void)
{
  GSettings *settings = uth_settings_get ();
  UthPreferencesWindow *preferences = uth_preferences_window_new (NULL, settings);
  GtkAdjustment *zoom;
  AdwComboRow *style;

  g_object_ref (preferences);
  gtk_window_present (GTK_WINDOW (preferences));
  flush_main_loop ();

  zoom = GTK_ADJUSTMENT (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                        UTH_TYPE_PREFERENCES_WINDOW,
                                                        "zoom_adjustment"));
  style = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                        UTH_TYPE_PREFERENCES_WINDOW,
                                                        "style_row"));
  /* The zoom row shows percent; the key holds the factor. */
  g_assert_cmpfloat (gtk_adjustment_get_value (zoom), ==, 100.0);
  gtk_adjustment_set_value (zoom, 150.0);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "zoom"), 1.5, 1e-9);

  uth_preferences_bind_style (settings);
  adw_combo_row_set_selected (style, 2);
  g_assert_cmpint (g_settings_get_enum (settings, "style"), ==, 2);
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==,
                   ADW_COLOR_SCHEME_FORCE_DARK);
  adw_combo_row_set_selected (style, 0);
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==,
                   ADW_COLOR_SCHEME_DEFAULT);

  /* The editor opens as a subpage without complaint. */
  uth_preferences_window_add_entry (preferences, "gpu");
  flush_main_loop ();
  uth_preferences_window_add_entry (preferences, "model");
  flush_main_loop ();

  gtk_window_destroy (GTK_WINDOW (preferences));
  flush_main_loop ();
  g_assert_finalize_object (preferences);
  g_settings_reset (settings, "zoom");
  g_settings_reset (settings, "style");
}

/* Any drop-down under widget listing text. */
static gboolean
drop_down_lists (GtkWidget  *widget,
                 const char *text)
{
  GtkWidget *child;

  if (GTK_IS_DROP_DOWN (widget))
    {
      GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));

      for (guint i = 0; GTK_IS_STRING_LIST (model) && i < g_list_model_get_n_items (model); i++)
        if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), text) == 0)
          return TRUE;
    }
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (drop_down_lists (child, text))
      return TRUE;
  return FALSE;
}

/* A GPU saved in Preferences appears in the window's scenario bar at once. */
static void
test_user_gpu (void)
{
  UthWindow *window = new_window (app);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir_path = g_dir_make_tmp ("uth-presentation-XXXXXX", &error);
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(GFile) file = NULL;
  g_autoptr(JsonObject) gpu = json_object_new ();
  JsonObject *peaks = json_object_new ();
  GObject *panel = gtk_widget_get_template_child (GTK_WIDGET (window), UTH_TYPE_WINDOW, "scenario_panel");
  GtkWidget *preferences = NULL;
  GList *toplevels;

  g_assert_no_error (error);
  g_assert_true (GTK_IS_WIDGET (panel));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "preferences"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "preferences", NULL);
  flush_main_loop ();
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (UTH_IS_PREFERENCES_WINDOW (l->data))
      preferences = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (preferences);

  json_object_set_string_member (gpu, "id", "lab-gpu");
  json_object_set_string_member (gpu, "name", "Lab accelerator 7");
  json_object_set_string_member (gpu, "source", "measured in our lab");
  json_object_set_double_member (peaks, "bf16", 100e12);
  json_object_set_object_member (gpu, "peak_flops", peaks);
  json_object_set_double_member (gpu, "memory_bytes", 17179869184.0);
  json_object_set_double_member (gpu, "memory_bandwidth", 500e9);
  json_object_set_int_member (gpu, "sms", 40);
  g_assert_false (drop_down_lists (GTK_WIDGET (panel), "Lab accelerator 7"));
  /* What the editor's Save does, into a scratch folder instead of the user's. */
  g_assert_true (uth_catalog_save_user_entry (uth_scenario_get_catalog (uth_window_get_scenario (window)),
                                              UTH_CATALOG_GPUS, gpu, dir, &error));
  g_assert_no_error (error);
  /* The catalog's own "changed" refills the scenario bar: nobody has to tell it. */
  g_assert_true (drop_down_lists (GTK_WIDGET (panel), "Lab accelerator 7"));

  gtk_window_destroy (GTK_WINDOW (preferences));
  close_window (window);
  file = uth_catalog_user_file (dir, UTH_CATALOG_GPUS);
  g_file_delete (file, NULL, NULL);
  g_rmdir (dir_path);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  GtkWidget *child;

  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Editing an entry in Preferences keeps what the editor does not show. */
static void
test_edit_keeps_members (void)
{
  GSettings *settings = uth_settings_get ();
  g_autoptr(GFile) dir = uth_catalog_user_dir ();
  g_autoptr(GFile) file = uth_catalog_user_file (dir, UTH_CATALOG_GPUS);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *dir_path = g_file_get_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) entries = NULL;
  const char *text =
    "{ \"gpus\": [ { \"id\": \"lab-edit\", \"name\": \"Lab\", \"source\": \"lab\","
    " \"note\": \"keep me\", \"peak_flops\": { \"bf16\": 1e14, \"int4\": 4e14 },"
    " \"memory_bytes\": 17179869184, \"memory_bandwidth\": 5e11, \"sms\": 40 } ] }";
  UthPreferencesWindow *preferences;
  GtkListBox *list;
  GtkListBoxRow *row;
  GtkWidget *save;
  JsonObject *entry;

  g_assert_cmpint (g_mkdir_with_parents (dir_path, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  preferences = uth_preferences_window_new (NULL, settings);
  g_object_ref (preferences);
  gtk_window_present (GTK_WINDOW (preferences));
  flush_main_loop ();

  list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                      UTH_TYPE_PREFERENCES_WINDOW, "gpus_list"));
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activated");
  flush_main_loop ();
  save = find_button (GTK_WIDGET (preferences), "_Save");
  g_assert_nonnull (save);
  g_signal_emit_by_name (save, "clicked");
  flush_main_loop ();

  entries = uth_catalog_read_user_entries (dir, UTH_CATALOG_GPUS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  entry = json_array_get_object_element (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "note"), ==, "keep me");
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (entry, "peak_flops"), "int4"),
                     ==, 4e14);
  g_assert_cmpfloat (json_object_get_double_member (entry, "memory_bandwidth"), ==, 5e11);

  gtk_window_destroy (GTK_WINDOW (preferences));
  flush_main_loop ();
  g_assert_finalize_object (preferences);
  g_assert_true (g_file_delete (file, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* Windows of an application remember their state; bare windows do not. */
  /* The application binds the process-wide preferences (style, animation speed, units). */
  app = g_object_new (UTH_TYPE_APPLICATION, "application-id", APPLICATION_ID ".Tests",
                      "flags", G_APPLICATION_NON_UNIQUE, "resource-base-path", RESOURCE_BASE, NULL);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/presentation/toggle", test_presentation_toggle);
  g_test_add_func ("/presentation/keys", test_presentation_keys);
  g_test_add_func ("/presentation/zoom", test_zoom);
  g_test_add_func ("/presentation/zoom-text", test_zoom_text);
  g_test_add_func ("/presentation/remembered", test_remembered);
  g_test_add_func ("/presentation/preferences", test_preferences);
  g_test_add_func ("/presentation/user-gpu", test_user_gpu);
  g_test_add_func ("/presentation/edit-keeps-members", test_edit_keeps_members);

  status = g_test_run ();
  g_object_unref (app);
  return status;
}
