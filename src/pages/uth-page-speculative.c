/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "core/uth-speculative.h"
#include "pages/uth-page-speculative.h"
#include "pages/uth-playback.h"
#include "widgets/uth-figure.h"

struct _UthPageSpeculative
{
  UthPage             parent_instance;

  UthFigure          *figure;
  AdwComboRow        *target_row;
  AdwComboRow        *draft_row;
  GtkScale           *alpha_scale;
  GtkScale           *gamma_scale;
  GtkSpinButton      *seed_spin;
  GtkLabel           *status_label;

  UthSpeculativeView  view;
  UthCatalog         *catalog;    /* the models the drop-downs list */
  UthPlayback        *playback;
};

G_DEFINE_FINAL_TYPE (UthPageSpeculative, uth_page_speculative, UTH_TYPE_PAGE)

static guint
model_index (UthCatalog *catalog,
             const char *id)
{
  guint i, n = uth_catalog_get_n_models (catalog);

  for (i = 0; i < n; i++)
    if (g_strcmp0 (uth_catalog_get_model (catalog, i)->id, id) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

/* Fills both drop-downs with the catalog's models (once per catalog). */
static void
fill_models (UthPageSpeculative *self,
             UthCatalog         *catalog)
{
  g_autoptr(GtkStringList) targets = NULL, drafts = NULL;
  guint i, n;

  if (catalog == self->catalog)
    return;
  g_clear_pointer (&self->catalog, uth_catalog_unref);
  self->catalog = catalog != NULL ? uth_catalog_ref (catalog) : NULL;
  targets = gtk_string_list_new (NULL);
  drafts = gtk_string_list_new (NULL);
  n = catalog != NULL ? uth_catalog_get_n_models (catalog) : 0;
  for (i = 0; i < n; i++)
    {
      gtk_string_list_append (targets, uth_catalog_get_model (catalog, i)->name);
      gtk_string_list_append (drafts, uth_catalog_get_model (catalog, i)->name);
    }
  adw_combo_row_set_model (self->target_row, G_LIST_MODEL (targets));
  adw_combo_row_set_model (self->draft_row, G_LIST_MODEL (drafts));
}

static void
update_status (UthPageSpeculative *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  const UthModelEntry *target = scenario != NULL ? uth_scenario_get_model (scenario) : NULL;
  g_autofree char *msg = NULL;

  if (target != NULL && self->view.draft != NULL && !uth_speculative_can_draft (self->view.draft, target))
    msg = g_strdup_printf (_("%s and %s come from different families (vocabularies of %u and %u tokens): a real draft must share the target’s tokenizer. The timing is still shown."),
                           self->view.draft->name, target->name, self->view.draft->spec.vocab,
                           target->spec.vocab);
  else if (target != NULL && self->view.draft != NULL &&
           uth_model_params (&self->view.draft->spec) >= uth_model_params (&target->spec))
    msg = g_strdup (_("The draft is not smaller than the target: every drafted token costs at least a target step, so speculation cannot pay."));
  gtk_label_set_text (self->status_label, msg != NULL ? msg : "");
}

static void
read_controls (UthPageSpeculative *self)
{
  guint draft = adw_combo_row_get_selected (self->draft_row);

  self->view.alpha = gtk_range_get_value (GTK_RANGE (self->alpha_scale));
  self->view.gamma = (guint) CLAMP (lround (gtk_range_get_value (GTK_RANGE (self->gamma_scale))), 1, 16);
  self->view.seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  if (self->catalog != NULL && draft < uth_catalog_get_n_models (self->catalog))
    self->view.draft = uth_catalog_get_model (self->catalog, draft);
}

static void
control_changed_cb (UthPageSpeculative *self)
{
  read_controls (self);
  update_status (self);
  uth_figure_update (self->figure);
}

static void
draft_changed_cb (UthPageSpeculative *self)
{
  control_changed_cb (self);
}

/* The target is the scenario's model, shared with every other page: its id as the
 * drop-down's item, and the item as an id (one function for both ways of the binding). */
static gboolean
target_transform (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  UthCatalog *catalog = UTH_PAGE_SPECULATIVE (user_data)->catalog;
  guint i;

  if (catalog == NULL)
    return FALSE;
  if (G_VALUE_HOLDS_STRING (from))
    {
      i = model_index (catalog, g_value_get_string (from));
      if (i != GTK_INVALID_LIST_POSITION)
        g_value_set_uint (to, i);
      return i != GTK_INVALID_LIST_POSITION;
    }
  i = g_value_get_uint (from);
  if (i >= uth_catalog_get_n_models (catalog))
    return FALSE;
  g_value_set_string (to, uth_catalog_get_model (catalog, i)->id);
  return TRUE;
}

/* The drop-downs list the new scenario's catalog before the target is bound to it. */
static void
uth_page_speculative_scenario_changed (UthPage     *page,
                                       UthScenario *old)
{
  UthScenario *scenario = uth_page_get_scenario (page);

  if (scenario != NULL)
    fill_models (UTH_PAGE_SPECULATIVE (page), uth_scenario_get_catalog (scenario));
}

static void
uth_page_speculative_refresh (UthPage *page)
{
  UthPageSpeculative *self = UTH_PAGE_SPECULATIVE (page);
  UthScenario *scenario = uth_page_get_scenario (page);
  const UthModelEntry *target = uth_scenario_get_model (scenario);

  /* A new target that the current draft cannot draft for gets its default draft. */
  if (self->catalog != NULL &&
      (self->view.draft == NULL ||
       (target != NULL && !uth_speculative_can_draft (self->view.draft, target))))
    {
      UthFigureContext ctx;
      const UthModelEntry *draft;

      uth_scenario_get_figure_context (scenario, &ctx);
      draft = uth_speculative_view_default_draft (&ctx);
      if (draft != NULL)
        adw_combo_row_set_selected (self->draft_row, model_index (self->catalog, draft->id));
    }
  read_controls (self);
  update_status (self);
  uth_figure_update (self->figure);
}

/* One draft step, then the verdict of the target's pass; back, the other way. Playing
 * stops when every pass is shown; a step forward from there starts again. */
static gboolean
playback_step_cb (gpointer owner,
                  int      delta)
{
  UthPageSpeculative *self = owner;

  if (delta >= 0 && self->view.passes >= UTH_SPECULATIVE_SHOWN_PASSES)
    {
      self->view.passes = 0;
      self->view.drafting = 0;
    }
  if (delta >= 0 && self->view.drafting < self->view.gamma)
    self->view.drafting++;
  else if (delta >= 0)
    {
      self->view.drafting = 0;
      self->view.passes++;
    }
  else if (self->view.drafting > 0)
    self->view.drafting--;
  else if (self->view.passes > 0)
    {
      self->view.passes = MIN (self->view.passes, UTH_SPECULATIVE_SHOWN_PASSES) - 1;
      self->view.drafting = self->view.gamma;
    }
  uth_figure_update (self->figure);
  return self->view.passes < UTH_SPECULATIVE_SHOWN_PASSES;
}

/* Animating starts from the first pass. */
static void
playback_restart_cb (gpointer owner)
{
  UthPageSpeculative *self = owner;

  self->view.passes = 0;
  self->view.drafting = 0;
  uth_figure_update (self->figure);
}

/* Stopped by hand (Space), every pass shows at once. */
static void
playing_changed_cb (UthPageSpeculative *self)
{
  if (uth_playback_get_playing (self->playback))
    return;
  self->view.passes = UTH_SPECULATIVE_SHOWN_PASSES;
  self->view.drafting = 0;
  uth_figure_update (self->figure);
}

/* The Animate button starts again from the first pass, also while it runs. */
static void
animate_clicked_cb (UthPageSpeculative *self)
{
  uth_playback_set_playing (self->playback, FALSE);
  uth_playback_set_playing (self->playback, TRUE);
}

static void
figure_context_cb (UthFigure        *figure,
                   UthFigureContext *ctx,
                   gpointer          user_data)
{
  UthPageSpeculative *self = user_data;

  ctx->page_data = &self->view;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  const UthSpeculativeView *view = ctx->page_data;

  if (view == NULL)
    return g_strdup (_("Speculative decoding: drafted tokens accepted or rejected, and the speedup against draft length and batch size."));
  return g_strdup_printf (_("Speculative decoding with acceptance rate %.2f and %u drafted tokens per pass: %.2f tokens per target pass on average."),
                          view->alpha, view->gamma,
                          uth_speculative_expected_tokens (view->alpha, view->gamma));
}

static const UthPageFigure *
uth_page_speculative_get_figure (UthPage          *page,
                                 UthFigureContext *ctx)
{
  const UthPageFigure *figure;

  figure = UTH_PAGE_CLASS (uth_page_speculative_parent_class)->get_figure (page, ctx);
  ctx->page_data = &UTH_PAGE_SPECULATIVE (page)->view;
  return figure;
}

static void
uth_page_speculative_dispose (GObject *object)
{
  UthPageSpeculative *self = UTH_PAGE_SPECULATIVE (object);

  g_clear_object (&self->playback);
  gtk_widget_dispose_template (GTK_WIDGET (self), UTH_TYPE_PAGE_SPECULATIVE);
  self->view.draft = NULL;
  g_clear_pointer (&self->catalog, uth_catalog_unref);
  G_OBJECT_CLASS (uth_page_speculative_parent_class)->dispose (object);
}

static void
uth_page_speculative_class_init (UthPageSpeculativeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_speculative_dispose;
  page_class->scenario_changed = uth_page_speculative_scenario_changed;
  page_class->refresh = uth_page_speculative_refresh;
  page_class->get_figure = uth_page_speculative_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-speculative.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageSpeculative, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageSpeculative, target_row);
  gtk_widget_class_bind_template_child (widget_class, UthPageSpeculative, draft_row);
  gtk_widget_class_bind_template_child (widget_class, UthPageSpeculative, alpha_scale);
  gtk_widget_class_bind_template_child (widget_class, UthPageSpeculative, gamma_scale);
  gtk_widget_class_bind_template_child (widget_class, UthPageSpeculative, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageSpeculative, status_label);
  gtk_widget_class_bind_template_callback (widget_class, control_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, draft_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, animate_clicked_cb);
}

static void
uth_page_speculative_init (UthPageSpeculative *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  uth_page_bind_full (UTH_PAGE (self), "model-id", self->target_row, "selected", G_BINDING_BIDIRECTIONAL,
                      target_transform, target_transform, self);
  /* Space animates the passes (or shows them all at once while they run), the arrows step
   * the animation by one draft step: the page works without a mouse. */
  self->playback = uth_playback_new (GTK_WIDGET (self), 350, playback_step_cb, playback_restart_cb);
  g_signal_connect_object (self->playback, "notify::playing", G_CALLBACK (playing_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->view.alpha = 0.8;
  self->view.gamma = 4;
  self->view.seed = 1;
  self->view.passes = UTH_SPECULATIVE_SHOWN_PASSES;
  uth_figure_set_page (self->figure, uth_draw_find_page ("speculative"));
  uth_figure_set_context_func (self->figure, figure_context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Speculative decoding"));
}

const UthSpeculativeView *
uth_page_speculative_get_view (UthPageSpeculative *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_SPECULATIVE (self), NULL);
  return &self->view;
}
