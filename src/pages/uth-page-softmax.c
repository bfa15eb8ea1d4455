/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-fundamentals.h"
#include "pages/uth-page-softmax.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-softmax.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"

struct _UthPageSoftmax
{
  UthPage      parent_instance;

  UthSoftmaxView  view;
  UthFigure   *figure;
  GtkEditable *text_entry;
  GtkRange    *temperature_scale;
  GtkSpinButton *topk_spin;
  GtkRange    *topp_scale;
};

G_DEFINE_FINAL_TYPE (UthPageSoftmax, uth_page_softmax, UTH_TYPE_PAGE)

static void
controls_changed_cb (UthPageSoftmax *self)
{
  self->view.top_k = (guint) gtk_spin_button_get_value_as_int (self->topk_spin);
  self->view.top_p = gtk_range_get_value (self->topp_scale);
  uth_figure_update (self->figure);
}

static void
uth_page_softmax_refresh (UthPage *page)
{
  uth_figure_update (UTH_PAGE_SOFTMAX (page)->figure);
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  UthPageSoftmax *self = user_data;

  ctx->page_data = &self->view;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  return g_strdup_printf (_("The next token’s logits after your text, and the probabilities softmax gives them at temperature %.2f."),
                          ctx->temperature);
}

static const UthPageFigure *
uth_page_softmax_get_figure (UthPage          *page,
                         UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_softmax_parent_class)->get_figure (page, ctx);

  /* Export draws what the reader sees, the page's controls included. */
  context_cb (NULL, ctx, page);
  return figure;
}

static void
uth_page_softmax_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_SOFTMAX);
  G_OBJECT_CLASS (uth_page_softmax_parent_class)->dispose (object);
}

static void
uth_page_softmax_class_init (UthPageSoftmaxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_softmax_dispose;
  page_class->refresh = uth_page_softmax_refresh;
  page_class->get_figure = uth_page_softmax_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-softmax.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageSoftmax, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageSoftmax, text_entry);
  gtk_widget_class_bind_template_child (widget_class, UthPageSoftmax, temperature_scale);
  gtk_widget_class_bind_template_child (widget_class, UthPageSoftmax, topk_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageSoftmax, topp_scale);
  gtk_widget_class_bind_template_callback (widget_class, controls_changed_cb);
}

static void
uth_page_softmax_init (UthPageSoftmax *self)
{
  self->view.top_k = 0;
  self->view.top_p = 1.0;
  gtk_widget_init_template (GTK_WIDGET (self));
  uth_fundamentals_bind_text (UTH_PAGE (self), self->text_entry);
  /* Temperature belongs to the scenario: the Generation page samples with it too. */
  uth_page_bind (UTH_PAGE (self), "temperature", gtk_range_get_adjustment (self->temperature_scale), "value",
                 G_BINDING_BIDIRECTIONAL);
  uth_figure_set_draw_func (self->figure, uth_draw_softmax, NULL);
  uth_figure_set_height_func (self->figure, uth_softmax_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Logits becoming probabilities"));
}

const UthSoftmaxView *
uth_page_softmax_get_view (UthPageSoftmax *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_SOFTMAX (self), NULL);
  return &self->view;
}
