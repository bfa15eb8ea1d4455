/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preferences and the window with hostile user catalogs (issue 19 items 1-4, 10, 11; issue
 * 18 item 6). XDG_CONFIG_HOME is a scratch folder set before anything reads it, holding a
 * models.json with comments, so the process-wide catalog has a start-up warning to show. */
#include "config.h"

#include <adwaita.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/uth-catalog.h"
#include "uth-preferences-window.h"
#include "uth-settings.h"
#include "uth-window.h"

static char *config_home;
static char *catalog_dir;
static char *models_path;

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The first label under widget whose text contains needle. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *needle)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), needle) != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, needle);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The editor's error: a visible label with the "error" style. */
static GtkWidget *
find_error_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      gtk_widget_has_css_class (widget, "error"))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_error_label (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

#define MODEL(id, extra) \
  "{ \"id\": \"" id "\", \"name\": \"Model " id "\", \"source\": \"s\", \"hidden_size\": 64," \
  " \"layers\": 2, \"heads\": 4, \"ffn\": 256, \"vocab_size\": 10" extra " }"

static void
write_models (const char *text)
{
  g_autoptr(GError) error = NULL;

  g_unlink (models_path);
  g_assert_true (g_file_set_contents (models_path, text, -1, &error));
  g_assert_no_error (error);
}

static char *
read_models (void)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (models_path, &contents, NULL, NULL));
  return contents;
}

static UthPreferencesWindow *
open_preferences (void)
{
  UthPreferencesWindow *preferences = uth_preferences_window_new (NULL, uth_settings_get ());

  g_object_ref_sink (preferences);
  gtk_window_present (GTK_WINDOW (preferences));
  flush_main_loop ();
  return preferences;
}

static void
close_preferences (UthPreferencesWindow *preferences)
{
  gtk_window_destroy (GTK_WINDOW (preferences));
  flush_main_loop ();
  g_object_unref (preferences);
}

static AdwActionRow *
first_model_row (UthPreferencesWindow *preferences)
{
  GtkListBox *list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                                  UTH_TYPE_PREFERENCES_WINDOW,
                                                                  "models_list"));
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, 0);

  g_assert_true (ADW_IS_ACTION_ROW (row));
  return ADW_ACTION_ROW (row);
}

/* The start-up warning about models.json (it has comments) is in the window, not only on
 * stderr (issue 19 item 11). */
static void
test_startup_warning_shown (void)
{
  UthWindow *window = uth_window_new (NULL, NULL);
  GtkWidget *dialog = NULL;
  GList *toplevels;

  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_nonnull (find_label (GTK_WIDGET (window), "models.json"));
  g_assert_nonnull (find_button (GTK_WIDGET (window), "_Details"));

  /* Details: every problem whole (the toast may cut the first one short). */
  g_action_group_activate_action (G_ACTION_GROUP (window), "catalog-problems", NULL);
  flush_main_loop ();
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      dialog = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "models.json"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "a comment, which JSON does not allow"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
}

/* Files Preferences must refuse at once, naming the problem: it segfaulted on the nested one,
 * froze on /dev/zero and the 27 MB file, and hung on the FIFO. */
static void
test_unreadable_catalogs (void)
{
  static const char * const says[] = {
    "nested deeper than", "a device", "larger than the limit", "(a FIFO)", "comment",
    "appears twice",
  };

  for (guint i = 0; i < G_N_ELEMENTS (says); i++)
    {
      UthPreferencesWindow *preferences;
      AdwActionRow *row;

      g_unlink (models_path);
      if (i == 0)
        {
          g_autofree char *deep = g_malloc (200001);

          memset (deep, '[', 200000);
          deep[200000] = '\0';
          write_models (deep);
        }
      else if (i == 1)
        g_assert_cmpint (symlink ("/dev/zero", models_path), ==, 0);
      else if (i == 2)
        {
          int fd = g_open (models_path, O_WRONLY | O_CREAT, 0600);
          g_assert_cmpint (ftruncate (fd, 27 * 1000 * 1000), ==, 0);
          close (fd);
        }
      else if (i == 3)
        g_assert_cmpint (mkfifo (models_path, 0600), ==, 0);
      else if (i == 4)
        write_models ("{ \"models\": [ /* mine */ " MODEL ("a", "") " ] }");
      else
        write_models ("{ \"models\": [ " MODEL ("a", ", \"layers\": 3") " ] }");

      preferences = open_preferences ();
      row = first_model_row (preferences);
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                       "This file cannot be read");
      if (strstr (adw_action_row_get_subtitle (row), says[i]) == NULL)
        g_error ("case %u: expected \"%s\" in: %s", i, says[i], adw_action_row_get_subtitle (row));
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "models.json"));
      close_preferences (preferences);
    }
  g_unlink (models_path);
}

/* Opens the first model in the editor and saves it unchanged; the editor's error or NULL. */
static char *
edit_and_save_first (UthPreferencesWindow *preferences)
{
  GtkWidget *error_label;

  g_signal_emit_by_name (first_model_row (preferences), "activated");
  flush_main_loop ();
  g_signal_emit_by_name (find_button (GTK_WIDGET (preferences), "_Save"), "clicked");
  flush_main_loop ();
  error_label = find_error_label (GTK_WIDGET (preferences));
  return error_label != NULL ? g_strdup (gtk_label_get_label (GTK_LABEL (error_label))) : NULL;
}

/* Files Preferences reads, edits and saves without losing anything (issue 19 item 2). */
static void
test_saves_keep_everything (void)
{
  g_autofree char *real = g_build_filename (config_home, "real-models.json", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *message = NULL;
  UthPreferencesWindow *preferences;
  struct stat st;

  /* A big integer in an unknown member; mode 0600; models.json a symlink to another file. */
  g_unlink (real);
  g_unlink (models_path);
  g_assert_true (g_file_set_contents (real, "{ \"models\": [ "
                                      MODEL ("a", ", \"serial\": 18446744073709551616") " ] }", -1, NULL));
  g_assert_cmpint (g_chmod (real, 0600), ==, 0);
  g_assert_cmpint (symlink (real, models_path), ==, 0);

  preferences = open_preferences ();
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first_model_row (preferences))),
                   ==, "Model a");
  message = edit_and_save_first (preferences);
  g_assert_null (message);
  close_preferences (preferences);

  g_assert_true (g_file_test (models_path, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (real, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"serial\": 18446744073709551616"));
  g_assert_cmpint (g_stat (real, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_unlink (models_path);
  g_unlink (real);
  g_clear_pointer (&contents, g_free);

  /* 1e999 in an unknown member: listed, but saving that entry is refused with the field
   * named, and the file keeps its text (it used to become "inf.0"). */
  write_models ("{ \"models\": [ " MODEL ("b", ", \"spare\": 1e999") " ] }");
  preferences = open_preferences ();
  message = edit_and_save_first (preferences);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "spare"));
  close_preferences (preferences);
  contents = read_models ();
  g_assert_nonnull (strstr (contents, "\"spare\": 1e999"));
  g_clear_pointer (&contents, g_free);

  /* A name that is not a text: a row without a Json-CRITICAL (fatal in tests). */
  write_models ("{ \"models\": [ { \"id\": \"c\", \"name\": 42 } ] }");
  preferences = open_preferences ();
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first_model_row (preferences))),
                   ==, "c");
  close_preferences (preferences);
  g_unlink (models_path);
}

/* 100,000 entries: Preferences builds a bounded number of rows and says how many it left out
 * (issue 19 item 10: one widget per entry froze it for 30 s). */
static void
test_many_entries (void)
{
  g_autoptr(GString) text = g_string_new ("{ \"models\": [");
  UthPreferencesWindow *preferences;
  GtkListBox *list;
  guint rows = 0;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (text, "%s{\"id\": \"m%u\", \"name\": \"M%u\"}", i > 0 ? "," : "", i, i);
  g_string_append (text, "] }");
  write_models (text->str);
  preferences = open_preferences ();
  list = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                     UTH_TYPE_PREFERENCES_WINDOW, "models_list"));
  while (gtk_list_box_get_row_at_index (list, rows) != NULL)
    rows++;
  /* 200 entries and one row saying how many more there are. */
  g_assert_cmpuint (rows, ==, 201);
  g_assert_nonnull (find_label (GTK_WIDGET (list), "99800 more entries"));

  /* Activating that row lists 200 more: every entry stays reachable without editing the
   * file, 200 at a time. Row 300 is entry m300 (0-based), beyond the first 200. */
  g_signal_emit_by_name (gtk_list_box_get_row_at_index (list, 200), "activated");
  rows = 0;
  while (gtk_list_box_get_row_at_index (list, rows) != NULL)
    rows++;
  g_assert_cmpuint (rows, ==, 401);
  g_assert_nonnull (find_label (GTK_WIDGET (list), "99600 more entries"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_list_box_get_row_at_index (list, 300))),
                   ==, "m300");
  close_preferences (preferences);
  g_unlink (models_path);
}

/* Issue 18 item 6: the style and units choices round-trip through GSettings for every
 * value (the nick arrays were not NULL-terminated: g_strv_length read past their end). */
static void
test_style_and_units (void)
{
  static const char * const styles[] = { "system", "light", "dark" };
  static const char * const units[] = { "decimal", "binary" };
  GSettings *settings = uth_settings_get ();
  UthPreferencesWindow *preferences = open_preferences ();
  AdwComboRow *style_row = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                                         UTH_TYPE_PREFERENCES_WINDOW,
                                                                         "style_row"));
  AdwComboRow *units_row = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                                         UTH_TYPE_PREFERENCES_WINDOW,
                                                                         "units_row"));

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      g_autofree char *nick = NULL;

      adw_combo_row_set_selected (style_row, i);
      nick = g_settings_get_string (settings, "style");
      g_assert_cmpstr (nick, ==, styles[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      g_autofree char *nick = NULL;

      adw_combo_row_set_selected (units_row, i);
      nick = g_settings_get_string (settings, "units");
      g_assert_cmpstr (nick, ==, units[i]);
      g_settings_set_string (settings, "units", units[1 - i]);
      g_assert_cmpuint (adw_combo_row_get_selected (units_row), ==, 1 - i);
    }
  /* Each row's nicks are NULL-terminated right after its last item: nick_to_index loops to
   * NULL and index_to_nick counts with g_strv_length (issue 18 item 6: they were not, and
   * g_strv_length returned 5 for the two units). */
  g_assert_cmpuint (g_strv_length ((char **) uth_preferences_window_get_nicks ("style")), ==,
                    g_list_model_get_n_items (adw_combo_row_get_model (style_row)));
  g_assert_cmpuint (g_strv_length ((char **) uth_preferences_window_get_nicks ("units")), ==,
                    g_list_model_get_n_items (adw_combo_row_get_model (units_row)));
  g_assert_null (uth_preferences_window_get_nicks ("zoom"));
  g_settings_reset (settings, "style");
  g_settings_reset (settings, "units");
  close_preferences (preferences);
}

/* The files a test left (catalogs, their .bak), then the folder itself. */
static void
remove_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (!g_file_test (child, G_FILE_TEST_IS_DIR) || g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        g_unlink (child);
    }
  g_rmdir (path);
}

static AdwActionRow *
this_computer_row (UthPreferencesWindow *preferences)
{
  GtkWidget *title = find_label (GTK_WIDGET (preferences), "Measured Figures");

  g_assert_nonnull (title);
  return ADW_ACTION_ROW (gtk_widget_get_ancestor (title, ADW_TYPE_ACTION_ROW));
}

static void
catalog_changed_cb (UthCatalog *catalog,
                    gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* Measure, from Preferences: a progress bar while it runs, the button cancels meanwhile;
 * then the figures in the row, in the settings, and "This computer" in the catalog, which
 * says "changed". Cancelled, nothing is remembered. */
static void
test_measure_this_computer (void)
{
  UthPreferencesWindow *preferences;
  GSettings *settings = uth_settings_get ();
  GtkWidget *button;
  AdwActionRow *row;
  guint changed = 0;
  gulong handler;
  gint64 deadline;
  UthThisComputer measured;
  g_autofree char *remembered = NULL;

  g_settings_reset (settings, "this-computer");
  preferences = open_preferences ();
  row = this_computer_row (preferences);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Not measured yet");
  /* The running catalog says when This computer joins it (the scenario bars listen). */
  handler = uth_catalog_connect_changed (uth_catalog_get_default (), catalog_changed_cb, &changed);

  /* Started and cancelled at once: nothing measured, nothing remembered. */
  button = find_button (GTK_WIDGET (preferences), "_Measure");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Cancel");
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_prev_sibling (button)));
  g_assert_true (GTK_IS_PROGRESS_BAR (gtk_widget_get_prev_sibling (button)));
  g_signal_emit_by_name (button, "clicked");
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), "_Measure") != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Measure");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Not measured yet");
  remembered = g_settings_get_string (settings, "this-computer");
  g_assert_cmpstr (remembered, ==, "");
  g_assert_cmpuint (changed, ==, 0);
  g_clear_pointer (&remembered, g_free);

  /* Measured to the end. */
  g_signal_emit_by_name (button, "clicked");
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (changed == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_prev_sibling (button)));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Measure");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), "This computer: "));
  remembered = g_settings_get_string (settings, "this-computer");
  g_assert_true (uth_this_computer_from_string (&measured, remembered));
  g_assert_cmpfloat (measured.memory_bandwidth, >, 1e8);
  g_assert_nonnull (uth_catalog_find_gpu (uth_catalog_get_default (), UTH_THIS_COMPUTER_ID));
  g_assert_cmpfloat (uth_catalog_find_gpu (uth_catalog_get_default (), UTH_THIS_COMPUTER_ID)->spec.memory_bandwidth,
                     ==, measured.memory_bandwidth);
  uth_catalog_disconnect_changed (uth_catalog_get_default (), handler);
  close_preferences (preferences);
  g_settings_reset (settings, "this-computer");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Before anything asks GLib for the config folder (it is read once per process). */
  config_home = g_dir_make_tmp ("uth-preferences-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  catalog_dir = g_build_filename (config_home, "under-the-hood", NULL);
  models_path = g_build_filename (catalog_dir, "models.json", NULL);
  g_assert_cmpint (g_mkdir_with_parents (catalog_dir, 0700), ==, 0);
  write_models ("{ \"models\": [ /* a comment */ ] }");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (uth_settings_get ());

  g_test_add_func ("/preferences/startup-warning-shown", test_startup_warning_shown);
  g_test_add_func ("/preferences/unreadable-catalogs", test_unreadable_catalogs);
  g_test_add_func ("/preferences/saves-keep-everything", test_saves_keep_everything);
  g_test_add_func ("/preferences/many-entries", test_many_entries);
  g_test_add_func ("/preferences/style-and-units", test_style_and_units);
  g_test_add_func ("/preferences/measure-this-computer", test_measure_this_computer);

  status = g_test_run ();
  remove_folder (catalog_dir);
  remove_folder (config_home);
  return status;
}
