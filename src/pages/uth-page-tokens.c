/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <inttypes.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-fundamentals.h"
#include "analysis/uth-analysis.h"
#include "pages/uth-page-tokens.h"
#include "render/uth-draw-fundamentals.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"

/* Milliseconds between merge steps while playing. */
#define STEP_INTERVAL_MS 350

struct _UthPageTokens
{
  UthPage          parent_instance;

  UthTokensView    view;
  UthTokenizer    *tokenizer;   /* owned: GPT-2's, the app's own or one the reader opened */
  guint            n_steps;
  guint            timer;
  gboolean         updating;
  GCancellable    *cancellable;
  GtkFileChooserNative *chooser;

  UthFigure       *figure;
  GtkEditable     *text_entry;
  GtkSpinButton   *step_spin;
  GtkToggleButton *play_button;
  GtkLabel        *tokenizer_label;
  GtkWidget       *ratio_formula;
};

G_DEFINE_FINAL_TYPE (UthPageTokens, uth_page_tokens, UTH_TYPE_PAGE)

/* The page's default: GPT-2's tokenizer (the app's own only if that failed to load). */
static UthTokenizer *
page_default_tokenizer (void)
{
  UthTokenizer *gpt2 = uth_tokenizer_get_gpt2 ();

  return gpt2 != NULL ? gpt2 : uth_tokenizer_get_default ();
}

static UthTokenizer *
current_tokenizer (UthPageTokens *self)
{
  return self->tokenizer != NULL ? self->tokenizer : page_default_tokenizer ();
}

static const char *
current_text (UthPageTokens *self)
{
  const char *text = gtk_editable_get_text (self->text_entry);

  return text != NULL && *text ? text : _(UTH_DEFAULT_TEXT);
}

static void
update_formula (UthPageTokens *self,
                UthTokenizer  *tok)
{
  const char *text = current_text (self);
  g_autoptr(GArray) ids = uth_tokenizer_encode (tok, text, -1);
  glong chars = g_utf8_strlen (text, -1);
  g_autofree char *value = NULL;
  g_autofree char *sub = NULL;

  if (ids->len == 0)
    return;
  value = g_strdup_printf ("%.2f", (double) chars / ids->len);
  sub = g_strdup_printf ("%ld ÷ %u = %.2f", chars, ids->len, (double) chars / ids->len);
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->ratio_formula), value, _("Characters per token"),
                          _("characters of your text ÷ its tokens"), sub);
}

/* The text or tokenizer changed: count the steps again and keep the frame in range. */
static void
refresh (UthPageTokens *self)
{
  UthTokenizer *tok = current_tokenizer (self);
  g_autofree char *label = NULL;

  self->n_steps = tok != NULL ? uth_tokens_count_steps (tok, current_text (self)) : 0;
  if (self->view.step < 0 || (guint) self->view.step > self->n_steps)
    self->view.step = (int) self->n_steps / 2;
  self->updating = TRUE;
  gtk_spin_button_set_range (self->step_spin, 0, MAX (self->n_steps, 1));
  gtk_spin_button_set_value (self->step_spin, self->view.step);
  self->updating = FALSE;
  if (tok != NULL)
    {
      const UthBpe *bpe = uth_tokenizer_get_bpe (tok);
      label = g_strdup_printf (_("%s: %u tokens, %" PRIu64 " merges"),
                               uth_tokenizer_is_default (tok) ? _("This app’s vocabulary") : uth_tokenizer_get_name (tok),
                               uth_bpe_get_vocab_size (bpe), (uint64_t) uth_bpe_get_n_merges (bpe));
      gtk_label_set_label (self->tokenizer_label, label);
      update_formula (self, tok);
    }
  uth_figure_update (self->figure);
}

static void
text_changed_cb (UthPageTokens *self)
{
  uth_fundamentals_entry_to_scenario (UTH_PAGE (self), self->text_entry, self->updating);
  self->view.step = -1;
  refresh (self);
}

static void
scenario_changed_cb (UthPageTokens *self)
{
  uth_fundamentals_entry_from_scenario (UTH_PAGE (self), self->text_entry, &self->updating);
  refresh (self);
}

static void
step_changed_cb (UthPageTokens *self)
{
  if (self->updating)
    return;
  self->view.step = gtk_spin_button_get_value_as_int (self->step_spin);
  uth_figure_update (self->figure);
}

static gboolean
tick_cb (gpointer data)
{
  UthPageTokens *self = data;

  if ((guint) self->view.step >= self->n_steps)
    {
      self->timer = 0;
      gtk_toggle_button_set_active (self->play_button, FALSE);
      return G_SOURCE_REMOVE;
    }
  uth_page_tokens_step (self, 1);
  return G_SOURCE_CONTINUE;
}

static void
play_toggled_cb (UthPageTokens *self)
{
  uth_page_tokens_set_playing (self, gtk_toggle_button_get_active (self->play_button));
}

static void
step_back_cb (UthPageTokens *self)
{
  uth_page_tokens_step (self, -1);
}

static void
step_forward_cb (UthPageTokens *self)
{
  uth_page_tokens_step (self, 1);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                UthPageTokens         *self)
{
  if (!uth_fundamentals_keys_free (GTK_WIDGET (self), state))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_space:
      uth_page_tokens_set_playing (self, self->timer == 0);
      return TRUE;
    case GDK_KEY_Left:
      uth_page_tokens_step (self, -1);
      return TRUE;
    case GDK_KEY_Right:
      uth_page_tokens_step (self, 1);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UthTokenizer) tok = g_task_propagate_pointer (G_TASK (result), &error);
  UthPageTokens *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = UTH_PAGE_TOKENS (user_data);
  if (tok == NULL)
    {
      uth_page_toast (UTH_PAGE (self), error->message);
      return;
    }
  uth_page_tokens_set_tokenizer (self, tok);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  UthTokenizer *tok = uth_tokenizer_new_from_file (G_FILE (task_data), &error);

  if (tok == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tok, (GDestroyNotify) uth_tokenizer_unref);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     UthPageTokens   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GTask) task = NULL;

      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      /* A Llama 3 tokenizer.json is about 9 MB: parse it off the main thread. */
      task = g_task_new (NULL, self->cancellable, loaded_cb, self);
      g_task_set_task_data (task, g_object_ref (file), g_object_unref);
      g_task_run_in_thread (task, load_thread);
    }
  g_clear_object (&self->chooser);
}

static void
open_cb (UthPageTokens *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open a tokenizer.json"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Hugging Face tokenizer (JSON)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
default_cb (UthPageTokens *self)
{
  uth_page_tokens_set_tokenizer (self, uth_tokenizer_get_default ());
}

static void
gpt2_cb (UthPageTokens *self)
{
  uth_page_tokens_set_tokenizer (self, NULL);
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  UthPageTokens *self = user_data;

  self->view.tokenizer = self->tokenizer;
  ctx->page_data = &self->view;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  const UthTokensView *view = ctx->page_data;
  UthTokenizer *tok = view != NULL && view->tokenizer != NULL ? view->tokenizer : page_default_tokenizer ();
  const char *text = ctx->text != NULL && *ctx->text ? ctx->text : _(UTH_DEFAULT_TEXT);
  g_autoptr(GArray) ids = NULL;

  if (tok == NULL)
    return g_strdup (_("The tokenizer could not be loaded."));
  ids = uth_tokenizer_encode (tok, text, -1);
  return g_strdup_printf (ngettext ("Your text of %ld characters is %u token.",
                                    "Your text of %ld characters is %u tokens.", ids->len),
                          g_utf8_strlen (text, -1), ids->len);
}

static void
uth_page_tokens_scenario_changed (UthPage     *page,
                                  UthScenario *old)
{
  UthPageTokens *self = UTH_PAGE_TOKENS (page);
  UthScenario *scenario = uth_page_get_scenario (page);

  if (old != NULL)
    g_signal_handlers_disconnect_by_func (old, scenario_changed_cb, self);
  uth_figure_set_scenario (self->figure, scenario);
  if (scenario != NULL)
    {
      g_signal_connect_object (scenario, "changed", G_CALLBACK (scenario_changed_cb), self, G_CONNECT_SWAPPED);
      scenario_changed_cb (self);
    }
}

static const UthPageFigure *
uth_page_tokens_get_figure (UthPage          *page,
                            UthFigureContext *ctx)
{
  UthPageTokens *self = UTH_PAGE_TOKENS (page);
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_tokens_parent_class)->get_figure (page, ctx);

  self->view.tokenizer = self->tokenizer;
  ctx->page_data = &self->view;
  return figure;
}

static void
uth_page_tokens_dispose (GObject *object)
{
  UthPageTokens *self = UTH_PAGE_TOKENS (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->chooser, chooser_response_cb, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  g_clear_pointer (&self->tokenizer, uth_tokenizer_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_TOKENS);
  G_OBJECT_CLASS (uth_page_tokens_parent_class)->dispose (object);
}

static void
uth_page_tokens_class_init (UthPageTokensClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_tokens_dispose;
  page_class->scenario_changed = uth_page_tokens_scenario_changed;
  page_class->get_figure = uth_page_tokens_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-tokens.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, text_entry);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, step_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, play_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, tokenizer_label);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, ratio_formula);
  gtk_widget_class_bind_template_callback (widget_class, text_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, step_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, play_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, step_back_cb);
  gtk_widget_class_bind_template_callback (widget_class, step_forward_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_cb);
  gtk_widget_class_bind_template_callback (widget_class, default_cb);
  gtk_widget_class_bind_template_callback (widget_class, gpt2_cb);
}

static void
uth_page_tokens_init (UthPageTokens *self)
{
  GtkEventController *keys;

  self->view.step = -1;
  /* The choice is explicit in the view the figure draws: GPT-2 unless the reader picks
   * another. */
  if (page_default_tokenizer () != NULL)
    self->tokenizer = uth_tokenizer_ref (page_default_tokenizer ());
  self->view.tokenizer = self->tokenizer;
  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->updating = FALSE;
  uth_fundamentals_play_button_init (self->play_button);
  uth_figure_set_draw_func (self->figure, uth_draw_tokens, uth_draw_tokens_hit);
  uth_figure_set_height_func (self->figure, uth_fundamentals_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Your text as tokens"));
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  refresh (self);
}

const UthTokensView *
uth_page_tokens_get_view (UthPageTokens *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_TOKENS (self), NULL);
  self->view.tokenizer = self->tokenizer;
  return &self->view;
}

void
uth_page_tokens_set_tokenizer (UthPageTokens *self,
                               UthTokenizer  *tokenizer)
{
  g_return_if_fail (UTH_IS_PAGE_TOKENS (self));

  if (tokenizer == NULL)
    tokenizer = page_default_tokenizer ();
  if (tokenizer == self->tokenizer)
    return;
  g_clear_pointer (&self->tokenizer, uth_tokenizer_unref);
  if (tokenizer != NULL)
    self->tokenizer = uth_tokenizer_ref (tokenizer);
  self->view.step = -1;
  refresh (self);
}

void
uth_page_tokens_step (UthPageTokens *self,
                      int            delta)
{
  int step;

  g_return_if_fail (UTH_IS_PAGE_TOKENS (self));
  step = CLAMP (self->view.step + delta, 0, (int) self->n_steps);
  if (step == self->view.step)
    return;
  self->view.step = step;
  self->updating = TRUE;
  gtk_spin_button_set_value (self->step_spin, step);
  self->updating = FALSE;
  uth_figure_update (self->figure);
}

void
uth_page_tokens_set_playing (UthPageTokens *self,
                             gboolean       playing)
{
  g_return_if_fail (UTH_IS_PAGE_TOKENS (self));

  if (playing == (self->timer != 0))
    return;
  if (playing)
    {
      /* Playing from the end starts again from the raw bytes. */
      if ((guint) self->view.step >= self->n_steps)
        uth_page_tokens_step (self, -(int) self->n_steps);
      self->timer = g_timeout_add ((guint) (STEP_INTERVAL_MS / uth_page_get_animation_speed ()), tick_cb, self);
    }
  else
    g_clear_handle_id (&self->timer, g_source_remove);
  if (gtk_toggle_button_get_active (self->play_button) != playing)
    gtk_toggle_button_set_active (self->play_button, playing);
}
