/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "pages/uth-page-kv.h"
#include "render/uth-draw-common.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"

struct _UthPageKv
{
  UthPage        parent_instance;

  UthKvView      view;
  UthFitCell    *fits;          /* cached map, recomputed when the scenario changes */
  char          *model_id;      /* the model the what-if was last reset for */

  UthFigure     *figure;
  GtkDropDown   *variant_drop;
  GtkDropDown   *kv_drop;
  GtkSpinButton *group_spin;
  GtkSpinButton *block_spin;
  GtkWidget     *per_token_formula;
  GtkWidget     *max_batch_formula;
};

G_DEFINE_FINAL_TYPE (UthPageKv, uth_page_kv, UTH_TYPE_PAGE)

/* The drop-down's order. */
static const UthAttnKind variants[] = { UTH_ATTN_MHA, UTH_ATTN_GQA, UTH_ATTN_MQA, UTH_ATTN_MLA };
static const UthDtype kv_types[] = { UTH_DTYPE_BF16, UTH_DTYPE_FP8, UTH_DTYPE_INT4 };

static void
update_formulas (UthPageKv *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  UthFigureContext ctx;
  UthMemoryBudget b;
  const UthModel *m;
  g_autofree char *v = NULL, *sub = NULL, *mb = NULL, *mb_sub = NULL, *left = NULL, *per = NULL;
  guint64 batch;

  if (scenario == NULL)
    return;
  /* Presentation mode's text scale changes the height the figure needs. */
  gtk_widget_queue_resize (GTK_WIDGET (self->figure));
  uth_scenario_get_figure_context (scenario, &ctx);
  m = ctx.input.model;
  if (m == NULL || uth_memory_budget (&ctx.input, &b) != UTH_ESTIMATE_OK)
    return;
  v = g_strdup_printf ("%.0f B", b.kv_bytes_per_token);
  if (m->attention == UTH_ATTN_MLA)
    sub = g_strdup_printf ("%u layers × (%u + %u) × %g B = %.0f B", m->layers, m->kv_lora_rank,
                           m->qk_rope_dim, uth_dtype_bytes (ctx.input.kv), b.kv_bytes_per_token);
  else
    sub = g_strdup_printf ("2 × %u layers × %u KV heads × %u × %g B = %.0f B", m->layers, m->kv_heads,
                           m->head_dim, uth_dtype_bytes (ctx.input.kv), b.kv_bytes_per_token);
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->per_token_formula), v, _("KV cache per token"),
                          m->attention == UTH_ATTN_MLA ? _("layers × (latent rank + rope key width) × bytes")
                                                       : _("2 (K and V) × layers × KV heads × head dim × bytes"),
                          sub);
  batch = uth_memory_max_batch (&ctx.input, 1 << 16);
  mb = g_strdup_printf ("%" PRIu64, batch);
  left = uth_format_bytes (b.available - b.weights - b.reserve);
  per = uth_format_bytes (uth_model_kv_bytes_at_context (m, uth_dtype_bytes (ctx.input.kv), ctx.input.context));
  mb_sub = g_strdup_printf (_("about %s ÷ %s per sequence of %" PRIu64 " tokens, less the activations a larger batch needs: %" PRIu64),
                            left, per, ctx.input.context, batch);
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->max_batch_formula), mb, _("Largest batch"),
                          _("largest B with weights + B × KV per sequence + activations (B) + reserve ≤ GPU memory × GPUs"),
                          mb_sub);
}

static void
recompute_fits (UthPageKv *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  UthFigureContext ctx;
  guint rows = 0, cols = 0;

  g_clear_pointer (&self->fits, g_free);
  self->view.fits = NULL;
  self->view.fits_rows = self->view.fits_cols = 0;
  if (scenario == NULL)
    return;
  uth_scenario_get_figure_context (scenario, &ctx);
  self->fits = uth_kv_fits_compute (&ctx, &rows, &cols);
  self->view.fits = self->fits;
  self->view.fits_rows = rows;
  self->view.fits_cols = cols;
}

static void
control_changed_cb (UthPageKv *self)
{
  self->view.variant = variants[MIN (gtk_drop_down_get_selected (self->variant_drop), G_N_ELEMENTS (variants) - 1)];
  self->view.group = (guint32) gtk_spin_button_get_value (self->group_spin);
  self->view.block = (guint32) gtk_spin_button_get_value (self->block_spin);
  uth_figure_update (self->figure);
}

/* The scenario's KV data type as the drop-down's item (int8 shows as its fp8 neighbour),
 * and the item as a data type: one function for both ways of the binding. */
static gboolean
kv_transform (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  guint item = 0;

  if (G_VALUE_HOLDS_ENUM (from))
    {
      UthDtype dtype = g_value_get_enum (from);

      for (guint i = 0; i < G_N_ELEMENTS (kv_types); i++)
        if (kv_types[i] == dtype)
          item = i;
      /* 8-bit types show as their fp8 neighbour, 4-bit ones as int4. */
      if (dtype == UTH_DTYPE_INT8 || dtype == UTH_DTYPE_Q8_0)
        item = 1;
      else if (dtype == UTH_DTYPE_Q4_0)
        item = 2;
      g_value_set_uint (to, item);
      return TRUE;
    }
  item = g_value_get_uint (from);
  if (item >= G_N_ELEMENTS (kv_types))
    return FALSE;
  g_value_set_enum (to, kv_types[item]);
  return TRUE;
}

/* The figure reflows to its width and asks for the height its layout needs there at full
 * text size (the page scrolls), instead of shrinking to the window's height. */
static void
uth_page_kv_refresh (UthPage *page)
{
  UthPageKv *self = UTH_PAGE_KV (page);
  UthScenario *scenario = uth_page_get_scenario (page);
  UthFigureContext ctx;
  UthKvView fresh;

  if (scenario == NULL)
    return;
  uth_scenario_get_figure_context (scenario, &ctx);
  uth_kv_view_init (&fresh, &ctx);
  /* A new model starts from its own attention; otherwise the what-if and the page size
   * stay the reader's. */
  if (g_strcmp0 (self->model_id, uth_scenario_get_model_id (scenario)) != 0)
    {
      self->view.variant = fresh.variant;
      self->view.group = fresh.group;
      g_free (self->model_id);
      self->model_id = g_strdup (uth_scenario_get_model_id (scenario));
    }
  /* The what-if's controls show the view; their handler reads the reader's changes only. */
  g_signal_handlers_block_by_func (self->variant_drop, control_changed_cb, self);
  g_signal_handlers_block_by_func (self->group_spin, control_changed_cb, self);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    if (variants[i] == self->view.variant)
      gtk_drop_down_set_selected (self->variant_drop, i);
  gtk_spin_button_set_value (self->group_spin, self->view.group);
  g_signal_handlers_unblock_by_func (self->variant_drop, control_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->group_spin, control_changed_cb, self);
  recompute_fits (self);
  update_formulas (self);
  uth_figure_update (self->figure);
}

static void
item_activated_cb (UthPageKv *self,
                   int        index)
{
  uth_page_kv_choose_cell (self, index);
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  ctx->page_data = &UTH_PAGE_KV (user_data)->view;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  UthMemoryBudget b;
  g_autofree char *per = NULL, *tot = NULL, *av = NULL;

  if (ctx->input.model == NULL || uth_memory_budget (&ctx->input, &b) != UTH_ESTIMATE_OK)
    return g_strdup (_("KV cache and memory."));
  per = uth_format_bytes (b.kv_bytes_per_token);
  tot = uth_format_bytes (b.total);
  av = uth_format_bytes (b.available);
  return g_strdup_printf (b.fits ? _("%s of KV cache per token; %s needed of %s: it fits.")
                                 : _("%s of KV cache per token; %s needed of %s: it does not fit."),
                          per, tot, av);
}

static const UthPageFigure *
uth_page_kv_get_figure (UthPage          *page,
                        UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_kv_parent_class)->get_figure (page, ctx);

  ctx->page_data = &UTH_PAGE_KV (page)->view;
  return figure;
}

static void
uth_page_kv_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_KV);
  G_OBJECT_CLASS (uth_page_kv_parent_class)->dispose (object);
}

static void
uth_page_kv_finalize (GObject *object)
{
  UthPageKv *self = UTH_PAGE_KV (object);

  g_clear_pointer (&self->fits, g_free);
  g_clear_pointer (&self->model_id, g_free);
  G_OBJECT_CLASS (uth_page_kv_parent_class)->finalize (object);
}

static void
uth_page_kv_class_init (UthPageKvClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_kv_dispose;
  object_class->finalize = uth_page_kv_finalize;
  page_class->refresh = uth_page_kv_refresh;
  page_class->get_figure = uth_page_kv_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-kv.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageKv, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageKv, variant_drop);
  gtk_widget_class_bind_template_child (widget_class, UthPageKv, kv_drop);
  gtk_widget_class_bind_template_child (widget_class, UthPageKv, group_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageKv, block_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageKv, per_token_formula);
  gtk_widget_class_bind_template_child (widget_class, UthPageKv, max_batch_formula);
  gtk_widget_class_bind_template_callback (widget_class, control_changed_cb);
}

static void
uth_page_kv_init (UthPageKv *self)
{
  uth_kv_view_init (&self->view, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_handlers_block_by_func (self->variant_drop, control_changed_cb, self);
  gtk_drop_down_set_selected (self->variant_drop, 1);
  g_signal_handlers_unblock_by_func (self->variant_drop, control_changed_cb, self);
  uth_page_bind_full (UTH_PAGE (self), "kv", self->kv_drop, "selected", G_BINDING_BIDIRECTIONAL,
                      kv_transform, kv_transform, NULL);
  uth_figure_set_draw_func (self->figure, uth_draw_kv, uth_draw_kv_hit);
  uth_figure_set_height_func (self->figure, uth_kv_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("KV cache and memory"));
  g_signal_connect_swapped (self->figure, "item-activated", G_CALLBACK (item_activated_cb), self);
}

const UthKvView *
uth_page_kv_get_view (UthPageKv *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_KV (self), NULL);
  return &self->view;
}

void
uth_page_kv_choose_cell (UthPageKv *self,
                         int        index)
{
  UthScenario *scenario;
  UthCatalog *catalog;
  guint models, gpus;

  g_return_if_fail (UTH_IS_PAGE_KV (self));
  scenario = uth_page_get_scenario (UTH_PAGE (self));
  if (scenario == NULL || index < 0)
    return;
  catalog = uth_scenario_get_catalog (scenario);
  models = uth_catalog_get_n_models (catalog);
  gpus = uth_catalog_get_n_gpus (catalog);
  if (gpus == 0 || (guint) index >= models * gpus)
    return;
  uth_scenario_set_model_id (scenario, uth_catalog_get_model (catalog, (guint) index / gpus)->id);
  uth_scenario_set_gpu_id (scenario, uth_catalog_get_gpu (catalog, (guint) index % gpus)->id);
}
