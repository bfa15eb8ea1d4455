/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <inttypes.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-fundamentals.h"
#include "analysis/uth-analysis.h"
#include "pages/uth-page-tokens.h"
#include "pages/uth-playback.h"
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
  char            *counted_text;  /* the text n_steps counts: another restarts the steps */
  UthPlayback     *playback;
  GCancellable    *cancellable;
  GtkFileChooserNative *chooser;

  UthFigure       *figure;
  GtkEditable     *text_entry;
  GtkSpinButton   *step_spin;
  GtkToggleButton *play_button;
  GtkButton       *back_button;
  GtkButton       *forward_button;
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

/* The scenario (its text) or the tokenizer changed: count the steps again and keep the
 * frame in range; another text starts again from its middle. */
static void
refresh (UthPageTokens *self)
{
  UthTokenizer *tok = current_tokenizer (self);
  g_autofree char *label = NULL;
  int step = self->view.step;

  if (g_strcmp0 (self->counted_text, current_text (self)) != 0)
    {
      g_free (self->counted_text);
      self->counted_text = g_strdup (current_text (self));
      step = -1;
    }
  self->n_steps = tok != NULL ? uth_tokens_count_steps (tok, current_text (self)) : 0;
  if (step < 0 || (guint) step > self->n_steps)
    step = (int) self->n_steps / 2;
  /* The new range may move the spin button, whose handler writes view.step: set it after. */
  gtk_spin_button_set_range (self->step_spin, 0, MAX (self->n_steps, 1));
  self->view.step = step;
  gtk_spin_button_set_value (self->step_spin, step);
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
uth_page_tokens_refresh (UthPage *page)
{
  refresh (UTH_PAGE_TOKENS (page));
}

static void
step_changed_cb (UthPageTokens *self)
{
  self->view.step = gtk_spin_button_get_value_as_int (self->step_spin);
  uth_figure_update (self->figure);
}

/* One merge step; FALSE at the last merge, where playing stops. */
static gboolean
playback_step_cb (gpointer owner,
                  int      delta)
{
  UthPageTokens *self = owner;
  int step = CLAMP (self->view.step + delta, 0, (int) self->n_steps);

  if (step == self->view.step)
    return FALSE;
  self->view.step = step;
  gtk_spin_button_set_value (self->step_spin, step);
  uth_figure_update (self->figure);
  return TRUE;
}

/* Playing from the end starts again from the raw bytes. */
static void
playback_restart_cb (gpointer owner)
{
  UthPageTokens *self = owner;

  if ((guint) self->view.step >= self->n_steps)
    playback_step_cb (self, -(int) self->n_steps);
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

  g_clear_object (&self->playback);
  g_clear_pointer (&self->counted_text, g_free);
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
  page_class->refresh = uth_page_tokens_refresh;
  page_class->get_figure = uth_page_tokens_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-tokens.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, text_entry);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, step_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, play_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, back_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, forward_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, tokenizer_label);
  gtk_widget_class_bind_template_child (widget_class, UthPageTokens, ratio_formula);
  gtk_widget_class_bind_template_callback (widget_class, step_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_cb);
  gtk_widget_class_bind_template_callback (widget_class, default_cb);
  gtk_widget_class_bind_template_callback (widget_class, gpt2_cb);
}

static void
uth_page_tokens_init (UthPageTokens *self)
{
  self->view.step = -1;
  /* The choice is explicit in the view the figure draws: GPT-2 unless the reader picks
   * another. */
  if (page_default_tokenizer () != NULL)
    self->tokenizer = uth_tokenizer_ref (page_default_tokenizer ());
  self->view.tokenizer = self->tokenizer;
  gtk_widget_init_template (GTK_WIDGET (self));
  uth_fundamentals_bind_text (UTH_PAGE (self), self->text_entry);
  self->playback = uth_playback_new (GTK_WIDGET (self), STEP_INTERVAL_MS, playback_step_cb, playback_restart_cb);
  uth_playback_set_buttons (self->playback, self->play_button, self->back_button, self->forward_button);
  uth_figure_set_draw_func (self->figure, uth_draw_tokens, uth_draw_tokens_hit);
  uth_figure_set_height_func (self->figure, uth_fundamentals_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Your text as tokens"));
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
  g_return_if_fail (UTH_IS_PAGE_TOKENS (self));
  uth_playback_step (self->playback, delta);
}

void
uth_page_tokens_set_playing (UthPageTokens *self,
                             gboolean       playing)
{
  g_return_if_fail (UTH_IS_PAGE_TOKENS (self));
  uth_playback_set_playing (self->playback, playing);
}
