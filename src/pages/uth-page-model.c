/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pages/uth-page-model.h"
#include "render/uth-draw-model.h"
#include "widgets/uth-wrap-box.h"

struct _UthPageModel
{
  UthPage          parent_instance;

  UthFigure       *figure;
  GtkToggleButton *params_button;
  GtkToggleButton *flops_button;
  GtkToggleButton *bytes_button;
  GtkToggleButton *prefill_button;
  GtkToggleButton *decode_button;
};

G_DEFINE_FINAL_TYPE (UthPageModel, uth_page_model, UTH_TYPE_PAGE)

static int
current_view (UthPageModel *self)
{
  if (gtk_toggle_button_get_active (self->flops_button))
    return UTH_MODEL_VIEW_FLOPS;
  if (gtk_toggle_button_get_active (self->bytes_button))
    return UTH_MODEL_VIEW_BYTES;
  return UTH_MODEL_VIEW_PARAMS;
}

static void
apply_toggles (UthPageModel     *self,
               UthFigureContext *ctx)
{
  ctx->view = current_view (self);
  ctx->phase = gtk_toggle_button_get_active (self->decode_button) ? UTH_PHASE_DECODE : UTH_PHASE_PREFILL;
}

static void
context_func (UthFigure        *figure,
              UthFigureContext *ctx,
              gpointer          user_data)
{
  apply_toggles (UTH_PAGE_MODEL (user_data), ctx);
}

static void
view_toggled_cb (UthPageModel *self)
{
  /* The phase matters only for FLOPs and bytes. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->prefill_button), current_view (self) != UTH_MODEL_VIEW_PARAMS);
  gtk_widget_set_sensitive (GTK_WIDGET (self->decode_button), current_view (self) != UTH_MODEL_VIEW_PARAMS);
  uth_figure_update (self->figure);
}

static void
item_activated_cb (UthPageModel *self,
                   int           row)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  UthFigureContext ctx;
  int layer;

  if (scenario == NULL)
    return;
  uth_figure_get_context (self->figure, &ctx);
  layer = uth_draw_model_row_layer (&ctx, row);
  if (layer < 0)
    return;
  uth_scenario_set_layer (scenario, (guint) layer);
  uth_page_open_page (UTH_PAGE (self), "layer");
}

static const UthPageFigure *
uth_page_model_get_figure (UthPage          *page,
                           UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_model_parent_class)->get_figure (page, ctx);

  apply_toggles (UTH_PAGE_MODEL (page), ctx);
  return figure;
}

/* The keyboard walks every row: embedding, the layers, final norm, LM head. */
static void
uth_page_model_refresh (UthPage *page)
{
  const UthModelEntry *model = uth_scenario_get_model (uth_page_get_scenario (page));

  uth_figure_set_n_items (UTH_PAGE_MODEL (page)->figure, model != NULL ? (int) model->spec.layers + 3 : 0);
}

static void
uth_page_model_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_MODEL);
  G_OBJECT_CLASS (uth_page_model_parent_class)->dispose (object);
}

static void
uth_page_model_class_init (UthPageModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_model_dispose;
  page_class->get_figure = uth_page_model_get_figure;
  page_class->refresh = uth_page_model_refresh;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-model.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageModel, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageModel, params_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageModel, flops_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageModel, bytes_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageModel, prefill_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageModel, decode_button);
  gtk_widget_class_bind_template_callback (widget_class, view_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, item_activated_cb);
}

static void
uth_page_model_init (UthPageModel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  uth_figure_set_draw_func (self->figure, uth_draw_model, uth_draw_model_hit);
  uth_figure_set_label (self->figure, _("The model’s layers"));
  uth_figure_set_describe_func (self->figure, uth_draw_model_describe);
  uth_figure_set_context_func (self->figure, context_func, self, NULL);
  view_toggled_cb (self);
}

UthFigure *
uth_page_model_get_figure_widget (UthPageModel *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_MODEL (self), NULL);
  return self->figure;
}

void
uth_page_model_set_view (UthPageModel *self,
                         int           view)
{
  g_return_if_fail (UTH_IS_PAGE_MODEL (self));

  gtk_toggle_button_set_active (view == UTH_MODEL_VIEW_FLOPS ? self->flops_button
                                : view == UTH_MODEL_VIEW_BYTES ? self->bytes_button
                                : self->params_button, TRUE);
}
