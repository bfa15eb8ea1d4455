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
  gboolean     updating;
  UthFigure   *figure;
  GtkEditable *text_entry;
  GtkRange    *temperature_scale;
  GtkSpinButton *topk_spin;
  GtkRange    *topp_scale;
};

G_DEFINE_FINAL_TYPE (UthPageSoftmax, uth_page_softmax, UTH_TYPE_PAGE)

static void refresh (UthPageSoftmax *self);

static void
refresh (UthPageSoftmax *self)
{
  uth_figure_update (self->figure);
}

static void
controls_changed_cb (UthPageSoftmax *self)
{
  if (self->updating)
    return;
  self->view.top_k = (guint) gtk_spin_button_get_value_as_int (self->topk_spin);
  self->view.top_p = gtk_range_get_value (self->topp_scale);
  refresh (self);
}

static void
temperature_changed_cb (UthPageSoftmax *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));

  if (self->updating || scenario == NULL)
    return;
  /* Temperature belongs to the scenario: the Generation page samples with it too. */
  uth_scenario_set_temperature (scenario, gtk_range_get_value (self->temperature_scale));
}

static void
text_changed_cb (UthPageSoftmax *self)
{
  uth_fundamentals_entry_to_scenario (UTH_PAGE (self), self->text_entry, self->updating);
}

static void
scenario_changed_cb (UthPageSoftmax *self)
{
  uth_fundamentals_entry_from_scenario (UTH_PAGE (self), self->text_entry, &self->updating);
  if (uth_page_get_scenario (UTH_PAGE (self)) != NULL)
    {
      self->updating = TRUE;
      gtk_range_set_value (self->temperature_scale, uth_scenario_get_temperature (uth_page_get_scenario (UTH_PAGE (self))));
      self->updating = FALSE;
    }
  refresh (self);
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

static void
uth_page_softmax_scenario_changed (UthPage     *page,
                               UthScenario *old)
{
  UthPageSoftmax *self = UTH_PAGE_SOFTMAX (page);
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
  page_class->scenario_changed = uth_page_softmax_scenario_changed;
  page_class->get_figure = uth_page_softmax_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-softmax.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageSoftmax, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageSoftmax, text_entry);
  gtk_widget_class_bind_template_child (widget_class, UthPageSoftmax, temperature_scale);
  gtk_widget_class_bind_template_child (widget_class, UthPageSoftmax, topk_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageSoftmax, topp_scale);
  gtk_widget_class_bind_template_callback (widget_class, text_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, controls_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, temperature_changed_cb);
}

static void
uth_page_softmax_init (UthPageSoftmax *self)
{
  self->view.top_k = 0;
  self->view.top_p = 1.0;
  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->updating = FALSE;
  uth_figure_set_draw_func (self->figure, uth_draw_softmax, NULL);
  uth_figure_set_height_func (self->figure, uth_softmax_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Logits becoming probabilities"));
  refresh (self);
}

const UthSoftmaxView *
uth_page_softmax_get_view (UthPageSoftmax *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_SOFTMAX (self), NULL);
  return &self->view;
}
