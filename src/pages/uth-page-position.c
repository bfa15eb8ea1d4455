/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "pages/uth-page-fundamentals.h"
#include "pages/uth-page-position.h"
#include "pages/uth-playback.h"
#include "render/uth-draw-fundamentals.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"

struct _UthPagePosition
{
  UthPage      parent_instance;

  UthPositionView  view;
  UthFigure   *figure;
  GtkEditable *text_entry;
  GtkRange    *theta_scale;
  GtkSpinButton *dims_spin;
  GtkSpinButton *pos_spin;
  GtkLabel    *theta_label;
  UthPlayback *playback;
};

G_DEFINE_FINAL_TYPE (UthPagePosition, uth_page_position, UTH_TYPE_PAGE)

static void refresh (UthPagePosition *self);
static void controls_changed_cb (UthPagePosition *self);

static guint
n_tokens (UthPage *page)
{
  UthScenario *scenario = uth_page_get_scenario (page);
  UthTokenizer *tok = uth_tokenizer_get_default ();
  const char *text = scenario != NULL ? uth_scenario_get_text (scenario) : NULL;
  g_autoptr(GArray) ids = NULL;

  if (tok == NULL)
    return 0;
  ids = uth_tokenizer_encode (tok, text != NULL && *text ? text : _(UTH_DEFAULT_TEXT), -1);
  return ids->len;
}

static void
refresh (UthPagePosition *self)
{
  guint n = n_tokens (UTH_PAGE (self));
  g_autofree char *theta = g_strdup_printf ("θ = %.0f", self->view.theta);

  /* The position spin button follows the text: its handler is for the reader's changes
   * only (position -1, the last token, stays -1 when the text grows). */
  g_signal_handlers_block_by_func (self->pos_spin, controls_changed_cb, self);
  gtk_spin_button_set_range (self->pos_spin, 0, MAX (n, 1) - 1);
  if (self->view.position >= 0)
    gtk_spin_button_set_value (self->pos_spin, self->view.position);
  else
    gtk_spin_button_set_value (self->pos_spin, MAX (n, 1) - 1);
  g_signal_handlers_unblock_by_func (self->pos_spin, controls_changed_cb, self);
  gtk_label_set_label (self->theta_label, theta);
  uth_figure_update (self->figure);
}

static void
controls_changed_cb (UthPagePosition *self)
{
  self->view.theta = pow (10.0, gtk_range_get_value (self->theta_scale));
  self->view.dims = (guint) gtk_spin_button_get_value_as_int (self->dims_spin) & ~1u;
  self->view.position = gtk_spin_button_get_value_as_int (self->pos_spin);
  refresh (self);
}

static void
uth_page_position_refresh (UthPage *page)
{
  refresh (UTH_PAGE_POSITION (page));
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  UthPagePosition *self = user_data;

  ctx->page_data = &self->view;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  const UthPositionView *v = ctx->page_data;

  if (v == NULL)
    return g_strdup (_("Position encodings."));
  return g_strdup_printf (_("Sinusoidal encodings of your token positions over %u dimensions, and RoPE pairs turning at frequencies θ^(−2i/d) with θ = %.0f."),
                          v->dims, v->theta);
}

static const UthPageFigure *
uth_page_position_get_figure (UthPage          *page,
                         UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_position_parent_class)->get_figure (page, ctx);

  /* Export draws what the reader sees, the page's controls included. */
  context_cb (NULL, ctx, page);
  return figure;
}

/* Space turns the pairs by stepping the position round and round; the arrow keys step it
 * by hand. */
static gboolean
playback_step_cb (gpointer owner,
                  int      delta)
{
  UthPagePosition *self = owner;
  guint n = MAX (n_tokens (UTH_PAGE (self)), 1);
  int pos = self->view.position >= 0 ? self->view.position : (int) n - 1;

  pos = (pos + delta + (int) n) % (int) n;
  self->view.position = pos;
  refresh (self);
  return TRUE;
}

static void
uth_page_position_dispose (GObject *object)
{
  g_clear_object (&UTH_PAGE_POSITION (object)->playback);
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_POSITION);
  G_OBJECT_CLASS (uth_page_position_parent_class)->dispose (object);
}

static void
uth_page_position_class_init (UthPagePositionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_position_dispose;
  page_class->refresh = uth_page_position_refresh;
  page_class->get_figure = uth_page_position_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-position.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPagePosition, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPagePosition, text_entry);
  gtk_widget_class_bind_template_child (widget_class, UthPagePosition, theta_scale);
  gtk_widget_class_bind_template_child (widget_class, UthPagePosition, dims_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPagePosition, pos_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPagePosition, theta_label);
  gtk_widget_class_bind_template_callback (widget_class, controls_changed_cb);
}

static void
uth_page_position_init (UthPagePosition *self)
{
  uth_position_view_init (&self->view);
  gtk_widget_init_template (GTK_WIDGET (self));
  uth_fundamentals_bind_text (UTH_PAGE (self), self->text_entry);
  uth_figure_set_draw_func (self->figure, uth_draw_position, NULL);
  uth_figure_set_height_func (self->figure, uth_fundamentals_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Sinusoidal and rotary position encodings"));
  /* The scale moves log10 θ; a screen reader hears θ itself, as the label shows it. */
  uth_page_set_scale_value_label (UTH_PAGE (self), self->theta_scale, self->theta_label);
  self->playback = uth_playback_new (GTK_WIDGET (self), 400, playback_step_cb, NULL);
  refresh (self);
}

const UthPositionView *
uth_page_position_get_view (UthPagePosition *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_POSITION (self), NULL);
  return &self->view;
}
