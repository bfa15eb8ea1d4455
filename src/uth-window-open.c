/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "catalog/uth-model-file.h"
#include "render/uth-draw-common.h"
#include "catalog/uth-runnable-model.h"
#include "uth-window-open.h"
#include "uth-window-private.h"
#include "widgets/uth-scenario-panel.h"

/* What the window remembers of its opens (kept as object data: the window's struct is
 * private to uth-window.c). */
typedef struct _UthWindowOpen OpenState;
struct _UthWindowOpen
{
  GCancellable *cancellable;     /* of the open running now, or NULL */
  AdwToast     *progress;        /* "Reading …" while it runs */
  GError       *last_error;
  UthModelFile *opened;          /* the last opened model with a full architecture */
  char         *opened_name;
  char         *opened_source;
  char         *model_id;        /* its id in the running catalog */
};

#define SHOWN_AT_KEY "uth-window-open-shown-at"

/* libadwaita 1.2's AdwToastOverlay frees a toast's bookkeeping when the toast's hide animation
 * (300 ms) ends, without stopping its show animation (300 ms, 500 ms when it replaces a toast
 * still hiding); when that one ends it writes to the freed memory (a SIGSEGV in g_object_unref
 * from adw_animation_skip, fixed in later libadwaita). The read of a small file ends well
 * inside 200 ms, so the progress toast was dismissed while it still slid in. A toast on screen
 * is therefore dismissed only once its show animation is surely over. */
#define PROGRESS_SETTLE_USEC (800 * G_TIME_SPAN_MILLISECOND)

/* The progress toast's title went on screen: its show animation starts now. */
static void
progress_mapped_cb (GtkWidget *title,
                    AdwToast  *toast)
{
  gint64 now = g_get_monotonic_time ();

  g_object_set_data_full (G_OBJECT (toast), SHOWN_AT_KEY, g_memdup2 (&now, sizeof now), g_free);
}

static gboolean
dismiss_later_cb (gpointer data)
{
  adw_toast_dismiss (ADW_TOAST (data));
  return G_SOURCE_REMOVE;
}

/* Dismisses the progress toast (taking the reference): at once when it is queued or no longer
 * on screen (no animation runs), else once PROGRESS_SETTLE_USEC have passed since it showed. */
static void
dismiss_progress (AdwToast *toast)
{
  GtkWidget *title = adw_toast_get_custom_title (toast);
  const gint64 *shown_at = g_object_get_data (G_OBJECT (toast), SHOWN_AT_KEY);
  gint64 wait = 0;

  if (title != NULL && shown_at != NULL && gtk_widget_get_mapped (title))
    wait = *shown_at + PROGRESS_SETTLE_USEC - g_get_monotonic_time ();
  if (wait <= 0)
    {
      adw_toast_dismiss (toast);
      g_object_unref (toast);
      return;
    }
  g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (wait / G_TIME_SPAN_MILLISECOND) + 1,
                      dismiss_later_cb, toast, g_object_unref);
}

static void
open_state_free (gpointer data)
{
  OpenState *state = data;

  if (state->cancellable != NULL)
    g_cancellable_cancel (state->cancellable);
  g_clear_object (&state->cancellable);
  g_clear_object (&state->progress);
  g_clear_error (&state->last_error);
  g_clear_pointer (&state->opened, uth_model_file_free);
  g_free (state->opened_name);
  g_free (state->opened_source);
  g_free (state->model_id);
  g_free (state);
}

static OpenState *
get_state (UthWindow *self)
{
  if (self->open == NULL)
    self->open = g_new0 (OpenState, 1);
  return self->open;
}

static void
show_toast (UthWindow *self,
            AdwToast  *toast)
{
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* g_set_str () is GLib 2.76. */
static void
set_str (char       **slot,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*slot);
  *slot = copy;
}

/* ---- The worker thread ---- */

/* A folder without a config.json may still hold weights: the sharded index first, then a
 * GGUF file, then a safetensors file (first by name, so the choice does not depend on the
 * order the file system lists them in). NULL when the folder holds none. */
static GFile *
pick_in_folder (GFile        *dir,
                GCancellable *cancellable)
{
  g_autoptr(GFile) config = g_file_get_child (dir, "config.json");
  g_autoptr(GFile) index = g_file_get_child (dir, "model.safetensors.index.json");
  g_autoptr(GFileEnumerator) children = NULL;
  g_autofree char *gguf = NULL;
  g_autofree char *safetensors = NULL;
  GFileInfo *info;

  if (g_file_query_exists (config, cancellable))
    return g_object_ref (dir);   /* the parser reads config.json and the weights beside it */
  if (g_file_query_exists (index, cancellable))
    return g_steal_pointer (&index);
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  while (children != NULL
         && g_file_enumerator_iterate (children, &info, NULL, cancellable, NULL) && info != NULL)
    {
      const char *name = g_file_info_get_name (info);
      g_autofree char *lower = g_ascii_strdown (name, -1);

      if (g_str_has_suffix (lower, ".gguf") && (gguf == NULL || strcmp (name, gguf) < 0))
        set_str (&gguf, name);
      else if (g_str_has_suffix (lower, ".safetensors")
               && (safetensors == NULL || strcmp (name, safetensors) < 0))
        set_str (&safetensors, name);
    }
  if (gguf != NULL)
    return g_file_get_child (dir, gguf);
  if (safetensors != NULL)
    return g_file_get_child (dir, safetensors);
  return NULL;
}

static void
inspect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GFile) target = NULL;
  g_autoptr(GError) error = NULL;
  UthModelFile *result;

  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, cancellable) == G_FILE_TYPE_DIRECTORY)
    {
      target = pick_in_folder (file, cancellable);
      if (target == NULL)
        {
          g_autofree char *name = g_file_get_parse_name (file);

          g_task_return_new_error (task, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                                   _("%s: a folder without a config.json, a "
                                     "model.safetensors.index.json, a .safetensors or a .gguf "
                                     "file"), name);
          return;
        }
    }
  else
    target = g_object_ref (file);

  result = uth_model_file_inspect (target, &error);
  /* A folder, .safetensors or .gguf may be a model the How LLMs work pages can run: its
   * weights mapped and checked here, off the main loop; why not, when not. */
  if (result != NULL && result->has_spec && !g_cancellable_is_cancelled (cancellable))
    {
      g_autofree char *base = g_file_get_basename (file);
      GType type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, cancellable);

      if (type == G_FILE_TYPE_DIRECTORY || g_str_has_suffix (base, ".safetensors") ||
          g_str_has_suffix (base, ".gguf"))
        {
          GError *run_error = NULL;
          UthRunnableModel *runnable = uth_runnable_model_open (file, &run_error);

          if (runnable != NULL)
            g_object_set_data_full (G_OBJECT (task), "uth-runnable", runnable,
                                    (GDestroyNotify) uth_runnable_model_unref);
          else
            g_object_set_data_full (G_OBJECT (task), "uth-runnable-error", run_error,
                                    (GDestroyNotify) g_error_free);
        }
    }
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (g_task_return_error_if_cancelled (task))
    uth_model_file_free (result);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) uth_model_file_free);
}

/* ---- Results, in the main loop ---- */

/* The name a person would call the model: GGUF's general.name, else the folder of a
 * config.json or sharded index, else the file name without its extension. */
static char *
display_name (GFile              *file,
              const UthModelFile *f)
{
  g_autofree char *base = g_file_get_basename (file);
  char *dot;

  if (f->title != NULL && f->title[0] != '\0')
    return g_strdup (f->title);
  if (base == NULL)
    return g_strdup (f->name);
  if (g_str_has_suffix (base, ".json"))
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);

      if (parent != NULL)
        {
          g_autofree char *folder = g_file_get_basename (parent);

          if (folder != NULL && g_strcmp0 (folder, "/") != 0)
            return g_steal_pointer (&folder);
        }
    }
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

/* Lower-case letters, digits and dashes, as the catalog's ids are written. */
static char *
slug (const char *name)
{
  GString *out = g_string_new (NULL);
  gboolean dash = FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '.')
        {
          if (dash && out->len > 0)
            g_string_append_c (out, '-');
          g_string_append_c (out, g_ascii_tolower (*p));
          dash = FALSE;
        }
      else
        dash = TRUE;
    }
  if (out->len == 0)
    g_string_append (out, "model");
  return g_string_free (out, FALSE);
}

static void
append_line (GString    *text,
             const char *label,
             const char *value)
{
  if (text->len > 0)
    g_string_append_c (text, '\n');
  /* TRANSLATORS: one line of a file summary: "Tensors: 291" */
  g_string_append_printf (text, _("%s: %s"), label, value);
}

static void
append_count (GString    *text,
              const char *label,
              guint64     value)
{
  g_autofree char *formatted = NULL;

  if (value == 0)
    return;
  formatted = uth_format_count ((double) value);
  append_line (text, label, formatted);
}

/* What a file without a full architecture does tell: format, tensors, bytes, vocabulary. */
static char *
summary_text (const UthModelFile *f)
{
  GString *text = g_string_new (NULL);
  g_autofree char *bytes = NULL;

  append_line (text, _("Format"), uth_model_file_format_id (f->format));
  if (f->architecture != NULL)
    append_line (text, _("Architecture"), f->architecture);
  append_count (text, _("Parameters"), f->params);
  append_count (text, _("Layers"), f->layers);
  append_count (text, _("Tensors"), f->tensors);
  if (f->weight_bytes > 0)
    {
      bytes = uth_format_bytes ((double) f->weight_bytes);
      append_line (text, _("Weights"), bytes);
    }
  if (f->dtype != NULL)
    append_line (text, _("Data type"), f->dtype);
  append_count (text, _("Vocabulary"), f->vocab_size);
  if (f->tokenizer_model != NULL)
    append_line (text, _("Tokenizer"), f->tokenizer_model);
  append_count (text, _("Merges"), f->merges);
  for (guint i = 0; f->notes != NULL && i < f->notes->len; i++)
    g_string_append_printf (text, "\n%s", (const char *) g_ptr_array_index (f->notes, i));
  g_string_append_printf (text, "\n\n%s",
                          _("It does not describe a whole model, so the scenario is unchanged. "
                            "Open the model's config.json or its folder to use it."));
  return g_string_free (text, FALSE);
}

static void
show_message (UthWindow  *self,
              const char *heading,
              const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The opened architecture joins the running catalog (not the user's file) and becomes the
 * scenario's model; pages follow the scenario's "changed". */
static void
use_model (UthWindow    *self,
           OpenState    *state,
           GFile        *file,
           UthModelFile *f)
{
  UthScenario *scenario = uth_window_get_scenario (self);
  UthCatalog *catalog = uth_scenario_get_catalog (scenario);
  g_autofree char *name = display_name (file, f);
  g_autofree char *id_slug = slug (name);
  g_autofree char *id = g_strconcat ("file:", id_slug, NULL);
  /* TRANSLATORS: a model in the scenario bar that was opened from a file, not saved */
  g_autofree char *entry_name = g_strdup_printf (_("%s (opened file)"), name);
  g_autofree char *source = g_file_get_parse_name (file);
  g_autofree char *params = uth_format_count ((double) uth_model_params (&f->spec));
  g_autofree char *message = NULL;
  UthModelEntry entry = { 0 };
  AdwToast *toast;

  entry.id = id;
  entry.name = entry_name;
  entry.family = f->architecture;
  entry.source = source;
  entry.user = FALSE;
  entry.spec = f->spec;
  uth_catalog_add_model (catalog, &entry);
  /* The catalog's "changed" refills the scenario bar. */
  uth_scenario_set_model_id (scenario, id);

  g_clear_pointer (&state->opened, uth_model_file_free);
  state->opened = f;
  set_str (&state->opened_name, name);
  set_str (&state->opened_source, source);
  set_str (&state->model_id, id);

  /* TRANSLATORS: "Opened Llama 3 8B: 8.03 B parameters" */
  message = g_strdup_printf (_("Opened %s: %s parameters"), name, params);
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("Save to My Models"));
  adw_toast_set_action_name (toast, "win.save-opened-model");
  adw_toast_set_timeout (toast, 10);
  show_toast (self, toast);
}

/* gtk_window_destroy () takes a window out of the toplevels; it lives on while the task
 * holds it. */
static gboolean
is_open (UthWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (window == (GObject *) self)
        return TRUE;
    }
  return FALSE;
}

static void
inspect_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  UthWindow *self = UTH_WINDOW (source);
  GTask *task = G_TASK (result);
  GFile *file = g_task_get_task_data (task);
  OpenState *state = get_state (self);
  g_autoptr(GError) error = NULL;
  UthModelFile *f = g_task_propagate_pointer (task, &error);

  /* A newer open replaced this one: its result is of no interest. */
  if (g_task_get_cancellable (task) != state->cancellable)
    {
      g_clear_pointer (&f, uth_model_file_free);
      return;
    }
  g_clear_object (&state->cancellable);
  if (state->progress != NULL)
    dismiss_progress (g_steal_pointer (&state->progress));
  /* The window was closed while the file was read: nothing to show it in. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !is_open (self))
    {
      g_clear_pointer (&f, uth_model_file_free);
      return;
    }

  if (f == NULL)
    {
      g_autofree char *base = g_file_get_basename (file);
      /* TRANSLATORS: heading of the message when a model file cannot be read */
      g_autofree char *heading = g_strdup_printf (_("Cannot Open “%s”"), base);

      state->last_error = g_steal_pointer (&error);
      show_message (self, heading, state->last_error->message);
      return;
    }
  if (f->has_spec)
    {
      UthRunnableModel *runnable = g_object_get_data (G_OBJECT (task), "uth-runnable");
      const GError *run_error = g_object_get_data (G_OBJECT (task), "uth-runnable-error");
      g_autofree char *base = g_file_get_basename (file);
      g_autofree char *message = NULL;

      use_model (self, state, file, f);
      if (runnable != NULL)
        {
          uth_scenario_set_runnable_model (uth_window_get_scenario (self), runnable);
          /* TRANSLATORS: toast after opening a model the pages can run */
          message = g_strdup_printf (_("The How LLMs work pages now run %s"), base);
        }
      else if (run_error != NULL)
        /* TRANSLATORS: toast when an opened model cannot run; the last %s says why */
        message = g_strdup_printf (_("The How LLMs work pages cannot run %s: %s"), base,
                                   run_error->message);
      if (message != NULL)
        {
          AdwToast *toast = adw_toast_new (message);

          adw_toast_set_timeout (toast, 10);
          show_toast (self, toast);
        }
    }
  else
    {
      /* The file's own name: "tokenizer.json" says more here than its folder's. */
      g_autofree char *base = g_file_get_basename (file);
      g_autofree char *body = summary_text (f);

      show_message (self, f->title != NULL ? f->title : base, body);
      uth_model_file_free (f);
    }
}

void
uth_window_open_file (UthWindow *self,
                      GFile     *file)
{
  OpenState *state;
  g_autoptr(GTask) task = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;
  GtkWidget *box, *spinner, *label;

  g_return_if_fail (UTH_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  state = get_state (self);
  if (state->cancellable != NULL)
    g_cancellable_cancel (state->cancellable);
  g_clear_object (&state->cancellable);
  g_clear_error (&state->last_error);
  state->cancellable = g_cancellable_new ();

  /* A large GGUF header takes a moment to read: say so while it does. */
  base = g_file_get_basename (file);
  text = g_strdup_printf (_("Reading “%s”…"), base);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  label = gtk_label_new (text);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), label);
  if (state->progress != NULL)
    dismiss_progress (g_steal_pointer (&state->progress));
  state->progress = adw_toast_new ("");
  adw_toast_set_custom_title (state->progress, box);
  g_signal_connect_object (box, "map", G_CALLBACK (progress_mapped_cb), state->progress, 0);
  adw_toast_set_timeout (state->progress, 0);
  show_toast (self, g_object_ref (state->progress));

  task = g_task_new (self, state->cancellable, inspect_done_cb, NULL);
  g_task_set_source_tag (task, uth_window_open_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, inspect_thread);
}

gboolean
uth_window_open_is_busy (UthWindow *self)
{
  g_return_val_if_fail (UTH_IS_WINDOW (self), FALSE);
  return get_state (self)->cancellable != NULL;
}

const GError *
uth_window_open_get_last_error (UthWindow *self)
{
  g_return_val_if_fail (UTH_IS_WINDOW (self), NULL);
  return get_state (self)->last_error;
}

const char *
uth_window_open_get_model_id (UthWindow *self)
{
  g_return_val_if_fail (UTH_IS_WINDOW (self), NULL);
  return get_state (self)->model_id;
}

gboolean
uth_window_open_save (UthWindow  *self,
                      GFile      *dir,
                      GError    **error)
{
  OpenState *state;
  UthScenario *scenario;
  g_autofree char *id_slug = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) entry = NULL;

  g_return_val_if_fail (UTH_IS_WINDOW (self), FALSE);

  state = get_state (self);
  if (state->opened == NULL)
    {
      g_set_error_literal (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_NOT_FOUND,
                           _("No opened model to save: open a model file first"));
      return FALSE;
    }
  /* "my-" keeps a saved file from replacing a bundled model of the same name. */
  id_slug = slug (state->opened_name);
  id = g_strconcat ("my-", id_slug, NULL);
  entry = uth_model_file_to_catalog_entry (state->opened, id, state->opened_name,
                                           state->opened_source);
  if (entry == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: no full architecture to save"), state->opened_source);
      return FALSE;
    }
  scenario = uth_window_get_scenario (self);
  if (!uth_catalog_save_user_entry (uth_scenario_get_catalog (scenario), UTH_CATALOG_MODELS,
                                    entry, dir, error))
    return FALSE;
  /* The saved entry is the same model and survives a restart: the scenario moves to it (the
   * catalog's "changed" has refilled the scenario bar). */
  uth_scenario_set_model_id (scenario, id);
  return TRUE;
}

/* ---- Actions, the file chooser, the drop target ---- */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  UthWindow *self = UTH_WINDOW (widget);
  OpenState *state = get_state (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (uth_window_open_save (self, NULL, &error))
    /* TRANSLATORS: toast after saving an opened model to the user's catalog */
    message = g_strdup_printf (_("Saved %s to My Models"), state->opened_name);
  else
    message = g_strdup_printf (_("Cannot save to My Models: %s"), error->message);
  show_toast (self, adw_toast_new (message));
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     UthWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        uth_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

/* Files are told apart by content, not name, so "All files" is offered too. A folder is
 * opened by choosing it and pressing Open (GTK 4.8 has no chooser for "file or folder":
 * the Folder filter is there to make folders easy to pick). */
static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  static const char *const model_patterns[] = { "*.json", "*.safetensors", "*.gguf", NULL };
  static const char *const all_patterns[] = { "*", NULL };
  UthWindow *self = UTH_WINDOW (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open Model File or Folder"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_filter (GTK_FILE_CHOOSER (native),
              _("Model files (config.json, tokenizer.json, .safetensors, .gguf)"), model_patterns);
  add_filter (GTK_FILE_CHOOSER (native), _("All files"), all_patterns);
  g_signal_connect (native, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  UthWindow *self = UTH_WINDOW (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Open Model Folder"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         UthWindow     *self)
{
  GFile *file = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      /* One model at a time: the first file dropped. */
      file = files != NULL ? files->data : NULL;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);
  if (file == NULL)
    return FALSE;
  uth_window_open_file (self, file);
  return TRUE;
}

static void
window_destroy_cb (UthWindow *self)
{
  OpenState *state = self->open;

  if (state != NULL && state->cancellable != NULL)
    g_cancellable_cancel (state->cancellable);
}

void
uth_window_open_init (UthWindow *self)
{
  GtkDropTarget *target;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  g_return_if_fail (UTH_IS_WINDOW (self));

  target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  g_signal_connect (self, "destroy", G_CALLBACK (window_destroy_cb), NULL);
}

void
uth_window_open_finalize (UthWindow *self)
{
  g_clear_pointer (&self->open, open_state_free);
}

void
uth_window_open_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.save-opened-model", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.open-folder", NULL);
}
