/* SPDX-License-Identifier: GPL-3.0-or-later */
/* File › Open in the window: a config.json or a model folder becomes the scenario's model,
 * a corrupt file changes nothing and is reported, a file without a full architecture is
 * summarised, and an opened model saves to the user's catalog with a .bak of the previous. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include <string.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-runnable-model.h"
#include "uth-window.h"
#include "uth-window-open.h"

/* A llama-like model small enough to count by hand (formulas of DESIGN.md, "Parameters"):
 * hidden 64, 2 layers, 4 heads of 16, 2 KV heads, MLP 128 (SwiGLU), vocabulary 1000, untied.
 * Per layer: q 64·64 = 4096, k and v 64·(2·16) = 2048 each, o 4096, gate/up/down
 * 3·64·128 = 24576, two RMSNorms 2·64 = 128: 36992; two layers 73984.
 * Embedding 1000·64 = 64000, lm head 64000, final norm 64. Total 202048. */
static const char tiny_llama[] =
  "{ \"model_type\": \"llama\", \"architectures\": [\"LlamaForCausalLM\"],\n"
  "  \"hidden_size\": 64, \"intermediate_size\": 128, \"num_hidden_layers\": 2,\n"
  "  \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"vocab_size\": 1000,\n"
  "  \"max_position_embeddings\": 2048, \"rms_norm_eps\": 1e-5, \"hidden_act\": \"silu\",\n"
  "  \"tie_word_embeddings\": false, \"torch_dtype\": \"bfloat16\" }\n";
#define TINY_LLAMA_PARAMS G_GUINT64_CONSTANT (202048)

static char *tmp_root;

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The open runs in a thread; its result arrives in the main loop. The deadline only stops
 * a broken build from hanging the suite. */
static void
wait_for_open (UthWindow *window)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (uth_window_open_is_busy (window) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (uth_window_open_is_busy (window));
  flush_main_loop ();
}

/* Closes the message dialogs shown so far; returns how many there were. */
static guint
close_dialogs (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GPtrArray *dialogs = g_ptr_array_new ();
  guint n;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWindow *w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w))
        g_ptr_array_add (dialogs, w);
      g_object_unref (w);
    }
  n = dialogs->len;
  for (guint i = 0; i < dialogs->len; i++)
    gtk_window_destroy (g_ptr_array_index (dialogs, i));
  g_ptr_array_unref (dialogs);
  flush_main_loop ();
  return n;
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
  close_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}

/* <tmp_root>/<folder>/<name> holding contents; returns the file. */
static GFile *
write_fixture (const char *folder,
               const char *name,
               const char *contents)
{
  g_autofree char *dir = g_build_filename (tmp_root, folder, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

/* Is the drop-down of the scenario bar showing label? */
static gboolean
drop_down_shows (GtkWidget  *widget,
                 const char *label)
{
  if (GTK_IS_DROP_DOWN (widget))
    {
      GObject *item = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (widget));

      if (GTK_IS_STRING_OBJECT (item)
          && g_strcmp0 (gtk_string_object_get_string (GTK_STRING_OBJECT (item)), label) == 0)
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (drop_down_shows (child, label))
      return TRUE;
  return FALSE;
}

static void
test_config (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autoptr(GFile) file = write_fixture ("tiny-llama", "config.json", tiny_llama);
  const UthModelEntry *model;

  uth_window_open_file (window, file);
  g_assert_true (uth_window_open_is_busy (window));
  wait_for_open (window);

  g_assert_null (uth_window_open_get_last_error (window));
  g_assert_cmpstr (uth_window_open_get_model_id (window), ==, "file:tiny-llama");
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, "file:tiny-llama");
  model = uth_scenario_get_model (scenario);
  g_assert_cmpuint (uth_model_params (&model->spec), ==, TINY_LLAMA_PARAMS);
  g_assert_cmpuint (model->spec.layers, ==, 2);
  g_assert_cmpstr (model->name, ==, "tiny-llama (opened file)");
  /* The scenario bar lists the opened model and shows it selected. */
  g_assert_true (drop_down_shows (GTK_WIDGET (window), "tiny-llama (opened file)"));
  g_assert_cmpuint (close_dialogs (), ==, 0);
  close_window (window);
}

static void
test_folder (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autoptr(GFile) file = write_fixture ("folder-llama", "config.json", tiny_llama);
  g_autoptr(GFile) folder = g_file_get_parent (file);

  uth_window_open_file (window, folder);
  wait_for_open (window);
  g_assert_null (uth_window_open_get_last_error (window));
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, "file:folder-llama");
  g_assert_cmpuint (uth_model_params (&uth_scenario_get_model (scenario)->spec), ==,
                    TINY_LLAMA_PARAMS);
  /* A config without weights cannot run: the How LLMs work pages keep the app's model. */
  g_assert_true (uth_scenario_get_runnable_model (scenario) == uth_runnable_model_get_default ());
  close_window (window);
}

/* A folder with weights and a tokenizer (a copy of the app's own model, under another
 * name) is opened on the worker thread and the How LLMs work pages run it: the Attention
 * page's analysis names it as a model opened from this computer. */
static void
test_runnable (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autofree char *dir = g_build_filename (tmp_root, "kjv-copy", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  const char *names[] = { "config.json", "model.safetensors", "tokenizer.json" };
  UthRunnableModel *running;
  UthFigureContext ctx;
  g_autoptr(UthAnalysis) a = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *uri = g_build_filename (UTH_RUNNABLE_MODEL_RESOURCE, names[i], NULL);
      g_autoptr(GFile) from = g_file_new_for_uri (uri);
      g_autoptr(GFile) to = g_file_get_child (folder, names[i]);

      g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL));
    }
  uth_window_open_file (window, folder);
  wait_for_open (window);
  g_assert_null (uth_window_open_get_last_error (window));
  running = uth_scenario_get_runnable_model (scenario);
  g_assert_nonnull (running);
  g_assert_false (uth_runnable_model_is_default (running));
  g_assert_cmpstr (uth_runnable_model_get_name (running), ==, "kjv-copy");
  uth_scenario_get_figure_context (scenario, &ctx);
  ctx.text = "And God said";
  a = uth_analysis_compute (uth_scenario_get_analysis_sources (scenario), "attention", &ctx, NULL, NULL);
  g_assert_nonnull (a->forward);
  g_assert_cmpuint (a->forward->n_layers, ==, 4);
  g_assert_nonnull (strstr (a->model_note, "kjv-copy"));
  close_window (window);
}

static void
test_corrupt (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autofree char *before = g_strdup (uth_scenario_get_model_id (scenario));
  g_autoptr(GFile) broken = write_fixture ("broken", "config.json", "{ \"model_type\": \"llama\", ");
  g_autoptr(GFile) empty_dir = g_file_new_build_filename (tmp_root, "empty-folder", NULL);
  g_autofree char *empty_path = g_file_get_path (empty_dir);
  const GError *error;

  uth_window_open_file (window, broken);
  wait_for_open (window);
  error = uth_window_open_get_last_error (window);
  g_assert_nonnull (error);
  g_assert_true (error->domain == UTH_CATALOG_ERROR);
  /* The message names the file. */
  g_assert_nonnull (strstr (error->message, "config.json"));
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, before);
  g_assert_null (uth_window_open_get_model_id (window));
  g_assert_cmpuint (close_dialogs (), ==, 1);

  /* A folder with nothing this app reads. */
  g_assert_cmpint (g_mkdir_with_parents (empty_path, 0700), ==, 0);
  uth_window_open_file (window, empty_dir);
  wait_for_open (window);
  g_assert_nonnull (uth_window_open_get_last_error (window));
  g_assert_nonnull (strstr (uth_window_open_get_last_error (window)->message, "empty-folder"));
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, before);
  g_assert_cmpuint (close_dialogs (), ==, 1);

  /* A file that is not there. */
  {
    g_autoptr(GFile) missing = g_file_new_build_filename (tmp_root, "no-such-model.gguf", NULL);

    uth_window_open_file (window, missing);
    wait_for_open (window);
    g_assert_nonnull (uth_window_open_get_last_error (window));
    g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, before);
    g_assert_cmpuint (close_dialogs (), ==, 1);
  }
  close_window (window);
}

/* A tokenizer.json tells the vocabulary but no architecture: summarised, scenario kept. */
static void
test_no_spec (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autofree char *before = g_strdup (uth_scenario_get_model_id (scenario));
  g_autoptr(GFile) file = write_fixture ("tok", "tokenizer.json",
                                         "{ \"version\": \"1.0\", \"added_tokens\": [],\n"
                                         "  \"model\": { \"type\": \"BPE\", \"vocab\": "
                                         "{ \"a\": 0, \"b\": 1, \"ab\": 2 },\n"
                                         "  \"merges\": [\"a b\"] } }\n");

  uth_window_open_file (window, file);
  wait_for_open (window);
  g_assert_null (uth_window_open_get_last_error (window));
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, before);
  g_assert_cmpuint (close_dialogs (), ==, 1);
  close_window (window);
}

/* The drop target takes a file list (a file manager) or a single file. */
static gboolean
drop_on (UthWindow    *window,
         const GValue *value)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        {
          g_signal_emit_by_name (controller, "drop", value, 10.0, 10.0, &handled);
          return handled;
        }
    }
  g_assert_not_reached ();
}

static void
test_drop (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autoptr(GFile) file = write_fixture ("dropped-llama", "config.json", tiny_llama);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autoptr(GFile) other = write_fixture ("dropped-folder", "config.json", tiny_llama);
  g_autoptr(GFile) other_folder = g_file_get_parent (other);
  GFile *files[] = { file };
  GValue list = G_VALUE_INIT;
  GValue single = G_VALUE_INIT;

  g_value_init (&list, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&list, gdk_file_list_new_from_array (files, G_N_ELEMENTS (files)));
  g_assert_true (drop_on (window, &list));
  wait_for_open (window);
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, "file:dropped-llama");
  g_value_unset (&list);

  g_value_init (&single, G_TYPE_FILE);
  g_value_set_object (&single, other_folder);
  g_assert_true (drop_on (window, &single));
  wait_for_open (window);
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, "file:dropped-folder");
  g_value_unset (&single);
  g_assert_nonnull (folder);
  close_window (window);
}

/* A second open while the first still runs replaces it: only the second's result counts
 * (the first, a broken file, would otherwise leave an error and a dialog). */
static void
test_replace_running (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autoptr(GFile) broken = write_fixture ("broken-first", "config.json", "{ \"model_type\": ");
  g_autoptr(GFile) good = write_fixture ("second-llama", "config.json", tiny_llama);

  uth_window_open_file (window, broken);
  uth_window_open_file (window, good);
  wait_for_open (window);
  g_assert_null (uth_window_open_get_last_error (window));
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, "file:second-llama");
  g_assert_cmpuint (close_dialogs (), ==, 0);
  close_window (window);
}

/* Closing the window while a file is read cancels the read: no dialog, the window goes. */
static void
test_close_while_reading (void)
{
  UthWindow *window = new_window ();
  g_autoptr(GFile) broken = write_fixture ("broken-closed", "config.json", "{ \"model_type\": ");

  uth_window_open_file (window, broken);
  gtk_window_destroy (GTK_WINDOW (window));
  wait_for_open (window);
  g_assert_cmpuint (close_dialogs (), ==, 0);
  g_assert_finalize_object (window);
}

static void
test_save (void)
{
  UthWindow *window = new_window ();
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autoptr(GFile) file = write_fixture ("saved-llama", "config.json", tiny_llama);
  g_autoptr(GFile) dir = g_file_new_build_filename (g_get_user_config_dir (), "under-the-hood", NULL);
  g_autoptr(GFile) models = g_file_get_child (dir, "models.json");
  g_autoptr(GFile) backup = g_file_get_child (dir, "models.json.bak");
  g_autoptr(UthCatalog) reread = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(GError) error = NULL;
  const UthModelEntry *saved;

  /* Nothing opened yet in this window: nothing to save. */
  g_assert_false (uth_window_open_save (window, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  uth_window_open_file (window, file);
  wait_for_open (window);
  g_assert_true (uth_window_open_save (window, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_query_exists (models, NULL));
  g_assert_false (g_file_query_exists (backup, NULL));
  g_assert_cmpstr (uth_scenario_get_model_id (scenario), ==, "my-saved-llama");

  /* The file as the app reads it at start-up. */
  uth_catalog_load_user_dir (reread, dir, warnings);
  g_assert_cmpuint (warnings->len, ==, 0);
  saved = uth_catalog_find_model (reread, "my-saved-llama");
  g_assert_nonnull (saved);
  g_assert_true (saved->user);
  g_assert_cmpuint (uth_model_params (&saved->spec), ==, TINY_LLAMA_PARAMS);

  /* Saving again keeps the previous file as models.json.bak. */
  g_assert_true (uth_window_open_save (window, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_query_exists (backup, NULL));
  close_window (window);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  int status;

  tmp_root = g_dir_make_tmp ("uth-open-XXXXXX", &error);
  g_assert_no_error (error);
  /* This test's own user catalog folder, empty, so saving starts from no file and other
   * tests running at the same time never see it. Set before GLib caches the path. */
  config = g_build_filename (tmp_root, "xdg-config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);

  g_test_init (&argc, &argv, NULL);
  /* A UI test without a display is a failure, not a skip: CI must not go green. */
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run this test under xvfb-run (meson test does).\n");
      return 1;
    }
  adw_init ();

  g_test_add_func ("/open/config", test_config);
  g_test_add_func ("/open/folder", test_folder);
  g_test_add_func ("/open/runnable", test_runnable);
  g_test_add_func ("/open/corrupt", test_corrupt);
  g_test_add_func ("/open/no-spec", test_no_spec);
  g_test_add_func ("/open/drop", test_drop);
  g_test_add_func ("/open/replace-running", test_replace_running);
  g_test_add_func ("/open/close-while-reading", test_close_while_reading);
  g_test_add_func ("/open/save", test_save);
  status = g_test_run ();
  remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
