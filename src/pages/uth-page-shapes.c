/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-shapes.h"
#include "render/uth-draw-fundamentals.h"
#include "widgets/uth-figure.h"

struct _UthPageShapes
{
  UthPage          parent_instance;

  UthShapesView    view;
  UthPhase         phase;

  UthFigure       *figure;
  GtkToggleButton *prefill_button;
  GtkToggleButton *decode_button;
  GtkLabel        *selected_label;
};

G_DEFINE_FINAL_TYPE (UthPageShapes, uth_page_shapes, UTH_TYPE_PAGE)

static void
update_label (UthPageShapes *self)
{
  gtk_label_set_label (self->selected_label,
                       _("Click a shape to see the op that made it, its FLOPs and its bytes in the panel on the right."));
}

static void
phase_toggled_cb (UthPageShapes *self)
{
  uth_page_shapes_set_phase (self, gtk_toggle_button_get_active (self->decode_button) ? UTH_PHASE_DECODE : UTH_PHASE_PREFILL);
}

static void
item_activated_cb (UthPageShapes *self,
                   int            index)
{
  uth_page_shapes_select (self, index);
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  UthPageShapes *self = user_data;

  ctx->phase = self->phase;
  ctx->page_data = &self->view;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  if (ctx->model == NULL)
    return g_strdup (_("Choose a model to see its tensor shapes."));
  return g_strdup_printf (ctx->phase == UTH_PHASE_DECODE
                          ? _("The tensor shapes through one layer of %s while decoding one token.")
                          : _("The tensor shapes through one layer of %s while reading the prompt."),
                          ctx->model->name);
}

static const UthPageFigure *
uth_page_shapes_get_figure (UthPage          *page,
                            UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_shapes_parent_class)->get_figure (page, ctx);

  context_cb (NULL, ctx, page);
  return figure;
}

static void
uth_page_shapes_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_SHAPES);
  G_OBJECT_CLASS (uth_page_shapes_parent_class)->dispose (object);
}

static void
uth_page_shapes_class_init (UthPageShapesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_shapes_dispose;
  page_class->get_figure = uth_page_shapes_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-shapes.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageShapes, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageShapes, prefill_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageShapes, decode_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageShapes, selected_label);
  gtk_widget_class_bind_template_callback (widget_class, phase_toggled_cb);
}

static void
uth_page_shapes_init (UthPageShapes *self)
{
  self->view.selected = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  uth_figure_set_draw_func (self->figure, uth_draw_shapes, uth_draw_shapes_hit);
  uth_figure_set_height_func (self->figure, uth_shapes_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Tensor shapes through one layer"));
  g_signal_connect_object (self->figure, "item-activated", G_CALLBACK (item_activated_cb), self, G_CONNECT_SWAPPED);
  update_label (self);
}

const UthShapesView *
uth_page_shapes_get_view (UthPageShapes *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_SHAPES (self), NULL);
  return &self->view;
}

UthPhase
uth_page_shapes_get_phase (UthPageShapes *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_SHAPES (self), UTH_PHASE_PREFILL);
  return self->phase;
}

void
uth_page_shapes_set_phase (UthPageShapes *self,
                           UthPhase       phase)
{
  g_return_if_fail (UTH_IS_PAGE_SHAPES (self));

  phase = phase == UTH_PHASE_DECODE ? UTH_PHASE_DECODE : UTH_PHASE_PREFILL;
  if (phase == self->phase)
    return;
  self->phase = phase;
  if (gtk_toggle_button_get_active (self->decode_button) != (phase == UTH_PHASE_DECODE))
    gtk_toggle_button_set_active (phase == UTH_PHASE_DECODE ? self->decode_button : self->prefill_button, TRUE);
  uth_figure_update (self->figure);
}

void
uth_page_shapes_select (UthPageShapes *self,
                        int            node)
{
  g_return_if_fail (UTH_IS_PAGE_SHAPES (self));

  if (node < 0 || node >= UTH_SHAPES_N_NODES || node == self->view.selected)
    return;
  self->view.selected = node;
  uth_figure_update (self->figure);
}
