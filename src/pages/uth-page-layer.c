/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "core/uth-estimate.h"
#include "core/uth-roofline.h"
#include "pages/uth-page-layer.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-layer.h"
#include "widgets/uth-formula-button.h"

struct _UthPageLayer
{
  UthPage          parent_instance;

  UthFigure       *roofline;
  UthFigure       *share;
  UthFigure       *table;
  GtkToggleButton *prefill_button;
  GtkToggleButton *decode_button;
  GtkSpinButton   *layer_spin;
  GtkAdjustment   *layer_adjustment;
  UthFormulaButton *ridge_button;
  UthFormulaButton *time_button;
  char            *description;
};

G_DEFINE_FINAL_TYPE (UthPageLayer, uth_page_layer, UTH_TYPE_PAGE)

static void
context_func (UthFigure        *figure,
              UthFigureContext *ctx,
              gpointer          user_data)
{
  ctx->phase = uth_page_layer_get_phase (UTH_PAGE_LAYER (user_data));
}

static void
update_formulas (UthPageLayer           *self,
                 const UthFigureContext *ctx,
                 const UthLayerEstimate *le)
{
  g_autofree char *ridge = NULL, *peak = NULL, *bw = NULL, *sub = NULL;
  g_autofree char *total = NULL, *time_sub = NULL, *compute = NULL, *memory = NULL, *overhead = NULL;
  g_autofree char *eps = NULL, *ebs = NULL, *ers = NULL;
  double ep, eb;

  if (ctx->input.gpu == NULL || ctx->input.engine == NULL)
    return;
  ridge = uth_format_intensity (uth_roofline_ridge (ctx->input.gpu, ctx->input.activations));
  peak = uth_format_flops_rate (uth_gpu_peak_flops (ctx->input.gpu, ctx->input.activations));
  bw = uth_format_bandwidth (ctx->input.gpu->memory_bandwidth);
  /* The engine's large-op rates, as the roofline draws them dashed: the ridge the bound
   * colours follow. */
  uth_roofline_engine_rates (ctx->input.gpu, ctx->input.engine, ctx->input.activations, &ep, &eb);
  eps = uth_format_flops_rate (ep);
  ebs = uth_format_bandwidth (eb);
  ers = uth_format_intensity (eb > 0 ? ep / eb : 0);
  /* Translators: the peak ridge, then the ridge at the rates the engine reaches. */
  sub = g_strdup_printf (_("peak: %s ÷ %s = %s; reached by the engine: %s ÷ %s = %s"),
                         peak, bw, ridge, eps, ebs, ers);
  uth_formula_button_set (self->ridge_button, ridge, _("Ridge point"),
                          _("ridge = FLOP/s ÷ memory bandwidth: below this intensity an op waits on memory. The engine reaches less than the peak of each, which moves the ridge the ops’ colours follow."),
                          sub);

  total = uth_format_seconds (le->seconds);
  compute = uth_format_seconds (le->compute_seconds);
  memory = uth_format_seconds (le->memory_seconds);
  overhead = uth_format_seconds (le->other_seconds);
  time_sub = g_strdup_printf (_("%s in compute-bound ops + %s in memory-bound ops + %s in ops bound by launch overhead or communication = %s"),
                              compute, memory, overhead, total);
  uth_formula_button_set (self->time_button, total, _("Time of this layer"),
                          _("Σ over ops of max(FLOPs ÷ achievable FLOP/s, bytes ÷ achievable bandwidth) + launch overhead"),
                          time_sub);
}

static void
refresh (UthPageLayer *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  UthFigureContext ctx;
  guint layers;

  if (scenario == NULL)
    return;
  uth_figure_get_context (self->roofline, &ctx);
  layers = ctx.model != NULL ? ctx.model->spec.layers : 1;
  /* The spin button counts from 1 to the model's layers; a layer beyond a smaller model's
   * last becomes its last (the scenario holds what the spin button shows). */
  gtk_adjustment_set_upper (self->layer_adjustment, MAX (layers, 1));
  gtk_adjustment_set_value (self->layer_adjustment, ctx.layer + 1);
  g_free (self->description);
  self->description = uth_draw_layer_describe (&ctx);
  {
    /* The estimator's op list for this layer, once for the formulas and the table size. */
    UthLayerEstimate le;
    int n = 0;

    if (uth_estimate_layer (&ctx.input, ctx.phase, (uint32_t) MAX (ctx.layer, 0), &le))
      n = (int) le.n;
    /* The keyboard walks the ops in the table, which is tall enough for every one. */
    uth_figure_set_n_items (self->table, n);
    gtk_widget_set_size_request (GTK_WIDGET (self->table), -1, MAX (n + 1, 4) * 26 + 30);
    if (n > 0)
      update_formulas (self, &ctx, &le);
  }
}

static void
uth_page_layer_refresh (UthPage *page)
{
  refresh (UTH_PAGE_LAYER (page));
}

static void
phase_toggled_cb (UthPageLayer *self)
{
  uth_figure_update (self->roofline);
  uth_figure_update (self->share);
  uth_figure_update (self->table);
  refresh (self);
}

/* The scenario's layer counts from 0, the spin button from 1 (one function for both ways
 * of the binding: a guint is the scenario's, a double the spin button's). */
static gboolean
layer_transform (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  if (G_VALUE_HOLDS_UINT (from))
    g_value_set_double (to, (double) g_value_get_uint (from) + 1.0);
  else
    g_value_set_uint (to, g_value_get_double (from) >= 1.0 ? (guint) g_value_get_double (from) - 1 : 0);
  return TRUE;
}

static const UthPageFigure *
uth_page_layer_get_figure (UthPage          *page,
                           UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_layer_parent_class)->get_figure (page, ctx);

  ctx->phase = uth_page_layer_get_phase (UTH_PAGE_LAYER (page));
  return figure;
}

static void
uth_page_layer_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_LAYER);
  G_OBJECT_CLASS (uth_page_layer_parent_class)->dispose (object);
}

static void
uth_page_layer_finalize (GObject *object)
{
  g_free (UTH_PAGE_LAYER (object)->description);
  G_OBJECT_CLASS (uth_page_layer_parent_class)->finalize (object);
}

/* The share bar in words, for screen readers: each group's part of the layer's FLOPs. */
static char *
describe_share (const UthFigureContext *ctx)
{
  double shares[UTH_N_OP_GROUPS];
  guint64 context = ctx->phase == UTH_PHASE_DECODE ? ctx->input.context : ctx->input.prompt;

  if (!uth_draw_layer_group_shares (ctx, context, shares))
    return g_strdup (_("No valid scenario for this layer."));
  /* Translators: the FLOPs of one layer split into groups of ops, as percentages */
  return g_strdup_printf (_("FLOPs of this layer: attention projections %.0f%%, attention matmuls %.0f%%, MLP %.0f%%, other ops %.0f%%."),
                          100.0 * shares[UTH_OP_GROUP_ATTN_PROJ],
                          100.0 * shares[UTH_OP_GROUP_ATTN_MATMUL],
                          100.0 * shares[UTH_OP_GROUP_MLP],
                          100.0 * shares[UTH_OP_GROUP_OTHER]);
}

static void
uth_page_layer_class_init (UthPageLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_layer_dispose;
  object_class->finalize = uth_page_layer_finalize;
  page_class->get_figure = uth_page_layer_get_figure;
  page_class->refresh = uth_page_layer_refresh;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-layer.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageLayer, roofline);
  gtk_widget_class_bind_template_child (widget_class, UthPageLayer, share);
  gtk_widget_class_bind_template_child (widget_class, UthPageLayer, table);
  gtk_widget_class_bind_template_child (widget_class, UthPageLayer, prefill_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageLayer, decode_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageLayer, layer_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageLayer, layer_adjustment);
  gtk_widget_class_bind_template_child (widget_class, UthPageLayer, ridge_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageLayer, time_button);
  gtk_widget_class_bind_template_callback (widget_class, phase_toggled_cb);
}

static void
uth_page_layer_init (UthPageLayer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  uth_page_bind_full (UTH_PAGE (self), "layer", self->layer_adjustment, "value", G_BINDING_BIDIRECTIONAL,
                      layer_transform, layer_transform, NULL);
  uth_figure_set_draw_func (self->roofline, uth_draw_layer_roofline, uth_draw_layer_roofline_hit);
  uth_figure_set_draw_func (self->share, uth_draw_layer_share, NULL);
  uth_figure_set_draw_func (self->table, uth_draw_layer_table, uth_draw_layer_table_hit);
  uth_figure_set_label (self->roofline, _("Roofline of the layer’s ops"));
  uth_figure_set_label (self->share, _("FLOPs share of the layer"));
  uth_figure_set_label (self->table, _("The layer’s ops"));
  uth_figure_set_describe_func (self->roofline, uth_draw_layer_describe);
  uth_figure_set_describe_func (self->share, describe_share);
  uth_figure_set_describe_func (self->table, uth_draw_layer_describe);
  uth_figure_set_context_func (self->roofline, context_func, self, NULL);
  uth_figure_set_context_func (self->share, context_func, self, NULL);
  uth_figure_set_context_func (self->table, context_func, self, NULL);
}

UthPhase
uth_page_layer_get_phase (UthPageLayer *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_LAYER (self), UTH_PHASE_PREFILL);
  return gtk_toggle_button_get_active (self->decode_button) ? UTH_PHASE_DECODE : UTH_PHASE_PREFILL;
}

void
uth_page_layer_set_phase (UthPageLayer *self,
                          UthPhase      phase)
{
  g_return_if_fail (UTH_IS_PAGE_LAYER (self));
  gtk_toggle_button_set_active (phase == UTH_PHASE_DECODE ? self->decode_button : self->prefill_button, TRUE);
}

UthFigure *
uth_page_layer_get_roofline (UthPageLayer *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_LAYER (self), NULL);
  return self->roofline;
}

const char *
uth_page_layer_get_description (UthPageLayer *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_LAYER (self), NULL);
  return self->description;
}
