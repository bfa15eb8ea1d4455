/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-fundamentals.h"
#include "pages/uth-page-attention.h"
#include "catalog/uth-runnable-model.h"
#include "render/uth-draw-fundamentals.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"

struct _UthPageAttention
{
  UthPage      parent_instance;

  UthAttentionView  view;
  UthFigure   *figure;
  GtkEditable *text_entry;
  GtkDropDown *head_drop;
  GtkDropDown *layer_drop;
  GtkStringList *layer_list;
  GtkSpinButton *row_spin;
};

G_DEFINE_FINAL_TYPE (UthPageAttention, uth_page_attention, UTH_TYPE_PAGE)

static void refresh (UthPageAttention *self);
static void controls_changed_cb (UthPageAttention *self);

static guint
n_tokens (UthPage *page)
{
  UthScenario *scenario = uth_page_get_scenario (page);
  UthRunnableModel *model = scenario != NULL ? uth_scenario_get_runnable_model (scenario)
                                             : uth_runnable_model_get_default ();
  const char *text = scenario != NULL ? uth_scenario_get_text (scenario) : NULL;
  g_autoptr(GArray) ids = NULL;

  if (model == NULL)
    return 0;
  ids = uth_tokenizer_encode (uth_runnable_model_get_tokenizer (model),
                              text != NULL && *text ? text : _(UTH_DEFAULT_TEXT), -1);
  /* The model reads its first token before the text. */
  return ids->len + (uth_runnable_model_get_bos (model) != G_MAXUINT32 ? 1 : 0);
}

/* One item per layer of the model the page runs (a model the reader opened has its own). */
static void
fill_layers (UthPageAttention *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  UthRunnableModel *model = scenario != NULL ? uth_scenario_get_runnable_model (scenario)
                                             : uth_runnable_model_get_default ();
  guint layers = model != NULL ? uth_model_weights_get_forward (uth_runnable_model_get_weights (model))->config.layers : 1;
  guint had = g_list_model_get_n_items (G_LIST_MODEL (self->layer_list));

  if (layers == had)
    return;
  g_signal_handlers_block_by_func (self->layer_drop, controls_changed_cb, self);
  gtk_string_list_splice (self->layer_list, 0, had, NULL);
  for (guint l = 0; l < layers; l++)
    {
      /* Translators: an item of the Attention page's Layer list */
      g_autofree char *item = g_strdup_printf (_("Layer %u"), l);
      gtk_string_list_append (self->layer_list, item);
    }
  self->view.layer = MIN (self->view.layer, layers - 1);
  gtk_drop_down_set_selected (self->layer_drop, self->view.layer);
  g_signal_handlers_unblock_by_func (self->layer_drop, controls_changed_cb, self);
}

static void
refresh (UthPageAttention *self)
{
  guint n = MIN (n_tokens (UTH_PAGE (self)), UTH_ATTENTION_MAX_TOKENS);

  fill_layers (self);
  /* The row spin button follows the text: its handler is for the reader's changes only
   * (row -1, the last row, stays -1 when the text grows). */
  g_signal_handlers_block_by_func (self->row_spin, controls_changed_cb, self);
  gtk_spin_button_set_range (self->row_spin, 0, MAX (n, 1) - 1);
  if (self->view.row < 0 || (guint) self->view.row >= n)
    {
      self->view.row = -1;
      gtk_spin_button_set_value (self->row_spin, MAX (n, 1) - 1);
    }
  g_signal_handlers_unblock_by_func (self->row_spin, controls_changed_cb, self);
  uth_figure_update (self->figure);
}

static void
controls_changed_cb (UthPageAttention *self)
{
  self->view.head = MIN (gtk_drop_down_get_selected (self->head_drop), 3);
  self->view.layer = gtk_drop_down_get_selected (self->layer_drop);
  if (self->view.layer == GTK_INVALID_LIST_POSITION)
    self->view.layer = 0;
  self->view.row = gtk_spin_button_get_value_as_int (self->row_spin);
  refresh (self);
}

static void
uth_page_attention_refresh (UthPage *page)
{
  refresh (UTH_PAGE_ATTENTION (page));
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  UthPageAttention *self = user_data;

  ctx->page_data = &self->view;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  const UthAttentionView *v = ctx->page_data;

  return g_strdup_printf (_("Layer %u, head %u of the model’s attention: the score matrix of your tokens with its causal mask, and each row’s softmax weights."),
                          v != NULL ? v->layer : 0, v != NULL ? v->head : 0);
}

static const UthPageFigure *
uth_page_attention_get_figure (UthPage          *page,
                         UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_attention_parent_class)->get_figure (page, ctx);

  /* Export draws what the reader sees, the page's controls included. */
  context_cb (NULL, ctx, page);
  return figure;
}

static void
uth_page_attention_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_ATTENTION);
  G_OBJECT_CLASS (uth_page_attention_parent_class)->dispose (object);
}

static void
uth_page_attention_class_init (UthPageAttentionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_attention_dispose;
  page_class->refresh = uth_page_attention_refresh;
  page_class->get_figure = uth_page_attention_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-attention.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageAttention, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageAttention, text_entry);
  gtk_widget_class_bind_template_child (widget_class, UthPageAttention, head_drop);
  gtk_widget_class_bind_template_child (widget_class, UthPageAttention, layer_drop);
  gtk_widget_class_bind_template_child (widget_class, UthPageAttention, layer_list);
  gtk_widget_class_bind_template_child (widget_class, UthPageAttention, row_spin);
  gtk_widget_class_bind_template_callback (widget_class, controls_changed_cb);
}

static void
uth_page_attention_init (UthPageAttention *self)
{
  self->view.head = 0;
  self->view.row = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  uth_fundamentals_bind_text (UTH_PAGE (self), self->text_entry);
  fill_layers (self);
  uth_figure_set_draw_func (self->figure, uth_draw_attention, uth_draw_attention_hit);
  uth_figure_set_height_func (self->figure, uth_attention_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Attention scores, mask and weights"));
  refresh (self);
}

const UthAttentionView *
uth_page_attention_get_view (UthPageAttention *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_ATTENTION (self), NULL);
  return &self->view;
}
