/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-cost.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-cost.h"
#include "widgets/uth-figure.h"

struct _UthPageCost
{
  UthPage        parent_instance;

  UthFigure     *figure;
  AdwActionRow  *price_row;
  GtkSpinButton *price_spin;
  AdwComboRow   *sort_row;
  GtkLabel      *status_label;
};

G_DEFINE_FINAL_TYPE (UthPageCost, uth_page_cost, UTH_TYPE_PAGE)

static void price_changed_cb (UthPageCost *self);

/* Shows the price in use and where the catalog's comes from. */
static void
sync_price (UthPageCost *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  const UthGpuEntry *gpu = scenario != NULL ? uth_scenario_get_gpu (scenario) : NULL;
  double price = scenario != NULL ? uth_scenario_get_price (scenario) : -1.0;
  g_autofree char *subtitle = NULL, *usd = NULL;

  if (gpu == NULL)
    return;
  usd = uth_format_usd (gpu->spec.price_per_hour);
  if (price < 0)
    /* Translators: the catalog's GPU price, its source (a web address) and its date. */
    subtitle = g_strdup_printf (_("Catalog price %s from %s, %s"), usd,
                                gpu->price_source != NULL ? gpu->price_source : "?",
                                gpu->price_date != NULL ? gpu->price_date : "?");
  else
    subtitle = g_strdup_printf (_("Your price; the catalog’s is %s (%s, %s)"), usd,
                                gpu->price_source != NULL ? gpu->price_source : "?",
                                gpu->price_date != NULL ? gpu->price_date : "?");
  adw_action_row_set_subtitle (self->price_row, subtitle);
  /* Showing the catalog's price is not choosing it: the handler is for the reader's edits. */
  g_signal_handlers_block_by_func (self->price_spin, price_changed_cb, self);
  gtk_spin_button_set_value (self->price_spin, price < 0 ? gpu->spec.price_per_hour : price);
  g_signal_handlers_unblock_by_func (self->price_spin, price_changed_cb, self);
}

static void
uth_page_cost_refresh (UthPage *page)
{
  UthPageCost *self = UTH_PAGE_COST (page);
  UthScenario *scenario = uth_page_get_scenario (page);
  UthEstimateError error = UTH_ESTIMATE_OK;

  sync_price (self);
  if (uth_scenario_get_estimate (scenario, &error) == NULL)
    gtk_label_set_text (self->status_label,
                        _("The estimator cannot cost this scenario: check the model, GPU, engine and lengths."));
  else
    gtk_label_set_text (self->status_label, "");
}

static void
price_changed_cb (UthPageCost *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));

  if (scenario == NULL)
    return;
  uth_scenario_set_price (scenario, gtk_spin_button_get_value (self->price_spin));
}

static void
catalog_price_clicked_cb (UthPageCost *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));

  if (scenario != NULL)
    uth_scenario_set_price (scenario, -1.0);
}

static void
sort_changed_cb (UthPageCost *self)
{
  uth_figure_update (self->figure);
}

/* A click on a GPU of the comparison makes it (and the GPU count it needs) the scenario's. */
static void
gpu_activated_cb (UthFigure   *figure,
                  int          index,
                  UthPageCost *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  g_autofree UthGpuComparison *rows = NULL;
  UthFigureContext ctx;
  UthCatalog *catalog;
  guint n, i;

  if (scenario == NULL || index < 0)
    return;
  catalog = uth_scenario_get_catalog (scenario);
  if ((guint) index >= uth_catalog_get_n_gpus (catalog))
    return;
  uth_scenario_get_figure_context (scenario, &ctx);
  n = uth_cost_gpu_rows (&ctx, (UthGpuSort) uth_page_cost_get_sort (self), &rows);
  uth_scenario_set_gpu_id (scenario, uth_catalog_get_gpu (catalog, (guint) index)->id);
  for (i = 0; i < n; i++)
    if (rows[i].index == (gsize) index && rows[i].fits)
      uth_scenario_set_gpus (scenario, rows[i].gpus);
}

static void
figure_context_cb (UthFigure        *figure,
                   UthFigureContext *ctx,
                   gpointer          user_data)
{
  UthPageCost *self = user_data;

  ctx->view = uth_page_cost_get_sort (self);
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  g_autofree char *in = NULL, *out = NULL;

  if (ctx->estimate == NULL)
    return g_strdup (_("The cost of the scenario could not be estimated."));
  in = uth_format_usd (ctx->estimate->cost_per_million_input_tokens);
  out = uth_format_usd (ctx->estimate->cost_per_million_output_tokens);
  return g_strdup_printf (_("Cost of the scenario: %s per million input tokens and %s per million output tokens, with the rules of thumb and every GPU compared."),
                          in, out);
}

static const UthPageFigure *
uth_page_cost_get_figure (UthPage          *page,
                          UthFigureContext *ctx)
{
  const UthPageFigure *figure;

  figure = UTH_PAGE_CLASS (uth_page_cost_parent_class)->get_figure (page, ctx);
  ctx->view = uth_page_cost_get_sort (UTH_PAGE_COST (page));
  return figure;
}

static void
uth_page_cost_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_COST);
  G_OBJECT_CLASS (uth_page_cost_parent_class)->dispose (object);
}

static void
uth_page_cost_class_init (UthPageCostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_cost_dispose;
  page_class->refresh = uth_page_cost_refresh;
  page_class->get_figure = uth_page_cost_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-cost.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageCost, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageCost, price_row);
  gtk_widget_class_bind_template_child (widget_class, UthPageCost, price_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageCost, sort_row);
  gtk_widget_class_bind_template_child (widget_class, UthPageCost, status_label);
  gtk_widget_class_bind_template_callback (widget_class, price_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, catalog_price_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sort_changed_cb);
}

static void
uth_page_cost_init (UthPageCost *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  uth_figure_set_page (self->figure, uth_draw_find_page ("cost"));
  uth_figure_set_context_func (self->figure, figure_context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Cost estimate"));
  g_signal_connect (self->figure, "item-activated", G_CALLBACK (gpu_activated_cb), self);
}

int
uth_page_cost_get_sort (UthPageCost *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_COST (self), 0);
  return (int) MIN (adw_combo_row_get_selected (self->sort_row), 2);
}
