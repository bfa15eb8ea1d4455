/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-fundamentals.h"
#include "pages/uth-page-generation.h"
#include "pages/uth-playback.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-common.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"

/* Milliseconds between generated tokens while playing. */
#define STEP_INTERVAL_MS 600

typedef enum { RULE_GREEDY, RULE_TEMPERATURE, RULE_TOP_K, RULE_TOP_P } Rule;

struct _UthPageGeneration
{
  UthPage            parent_instance;

  UthGenerationView  view;
  UthPlayback       *playback;

  UthFigure         *figure;
  GtkEditable       *text_entry;
  GtkSpinButton     *steps_spin;
  GtkDropDown       *rule_drop;
  GtkRange          *temperature_scale;
  GtkSpinButton     *topk_spin;
  GtkRange          *topp_scale;
  GtkSpinButton     *seed_spin;
  GtkToggleButton   *play_button;
  GtkButton         *back_button;
  GtkButton         *forward_button;
  GtkWidget         *step_formula;
};

G_DEFINE_FINAL_TYPE (UthPageGeneration, uth_page_generation, UTH_TYPE_PAGE)

/* The view into the controls. Each control's handler reads its own field back, so one
 * written before the next does not undo it. */
static void
write_controls (UthPageGeneration *self)
{
  UthGenerationView view = self->view;

  gtk_spin_button_set_value (self->steps_spin, view.steps);
  gtk_spin_button_set_value (self->topk_spin, view.top_k);
  gtk_range_set_value (self->topp_scale, view.top_p);
  gtk_spin_button_set_value (self->seed_spin, (double) view.seed);
  self->view = view;
}

/* The decode step against its rule of thumb: all the weights read once per token. */
static void
update_formula (UthPageGeneration *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  const UthEstimate *est = scenario != NULL ? uth_scenario_get_estimate (scenario, NULL) : NULL;
  UthFigureContext ctx;
  g_autofree char *value = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *weights = NULL;
  g_autofree char *bandwidth = NULL;
  g_autofree char *thumb = NULL;

  if (est == NULL || est->rule_of_thumb.decode_weight_bytes <= 0)
    return;
  uth_scenario_get_figure_context (scenario, &ctx);
  if (ctx.input.gpu == NULL || ctx.input.gpu->memory_bandwidth <= 0)
    return;
  value = uth_format_seconds (est->decode_step_seconds);
  /* The decode rule's bytes: the weights a token reads (shared and active experts only
   * for a mixture of experts), as on Cost and Home. */
  weights = uth_format_bytes (est->rule_of_thumb.decode_weight_bytes);
  bandwidth = uth_format_bandwidth (ctx.input.gpu->memory_bandwidth * MAX (ctx.input.gpus, 1));
  /* Computed here from the two numbers shown, so the substitution adds up. */
  thumb = uth_format_seconds (est->rule_of_thumb.decode_weight_bytes /
                              (ctx.input.gpu->memory_bandwidth * MAX (ctx.input.gpus, 1)));
  /* Translators: "16.1 GB ÷ 3.35 TB/s = 4.80 ms by the rule of thumb; 7.61 ms estimated" */
  sub = g_strdup_printf (_("%s ÷ %s = %s by the rule of thumb; %s estimated (KV cache reads, achievable bandwidth, overheads)"),
                         weights, bandwidth, thumb, value);
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->step_formula), value, _("Time of one decode step"),
                          est->rule_of_thumb.decode_weight_bytes < est->rule_of_thumb.weight_bytes
                          ? _("≈ bytes of the weights a token reads (shared and active experts) ÷ memory bandwidth")
                          : _("≈ bytes of all the weights ÷ memory bandwidth"), sub);
}

static void
uth_page_generation_refresh (UthPage *page)
{
  UthPageGeneration *self = UTH_PAGE_GENERATION (page);

  update_formula (self);
  uth_figure_update (self->figure);
}

static void
controls_changed_cb (UthPageGeneration *self)
{
  self->view.steps = (guint) gtk_spin_button_get_value_as_int (self->steps_spin);
  self->view.top_k = (guint) gtk_spin_button_get_value_as_int (self->topk_spin);
  self->view.top_p = gtk_range_get_value (self->topp_scale);
  self->view.seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  uth_figure_update (self->figure);
}

/* A rule preset: the settings that make it that rule alone. */
static void
rule_changed_cb (UthPageGeneration *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  Rule rule = (Rule) gtk_drop_down_get_selected (self->rule_drop);
  double temperature = scenario != NULL ? uth_scenario_get_temperature (scenario) : 1.0;

  self->view.top_k = 0;
  self->view.top_p = 1.0;
  switch (rule)
    {
    case RULE_GREEDY:
      temperature = 0.0;
      break;
    case RULE_TOP_K:
      self->view.top_k = 10;
      break;
    case RULE_TOP_P:
      self->view.top_p = 0.9;
      break;
    case RULE_TEMPERATURE:
    default:
      break;
    }
  if (rule != RULE_GREEDY && temperature <= 0.0)
    temperature = 1.0;
  write_controls (self);
  if (scenario != NULL)
    uth_scenario_set_temperature (scenario, temperature);
  uth_figure_update (self->figure);
}

/* One generated token; FALSE at the last step, where playing stops. */
static gboolean
playback_step_cb (gpointer owner,
                  int      delta)
{
  UthPageGeneration *self = owner;
  int steps = CLAMP ((int) self->view.steps + delta, 0, UTH_GENERATION_MAX_STEPS);

  if ((guint) steps == self->view.steps)
    return FALSE;
  self->view.steps = (guint) steps;
  write_controls (self);
  uth_figure_update (self->figure);
  return TRUE;
}

/* Playing from the end starts again after the prompt. */
static void
playback_restart_cb (gpointer owner)
{
  UthPageGeneration *self = owner;

  if (self->view.steps >= UTH_GENERATION_MAX_STEPS)
    playback_step_cb (self, -UTH_GENERATION_MAX_STEPS);
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  UthPageGeneration *self = user_data;

  ctx->page_data = &self->view;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  const UthGenerationView *v = ctx->page_data;
  guint steps = v != NULL ? v->steps : 0;

  return g_strdup_printf (ngettext ("The generation loop after %u step: prefill of your prompt, then one token drawn per step, the KV cache growing and each step’s time.",
                                    "The generation loop after %u steps: prefill of your prompt, then one token drawn per step, the KV cache growing and each step’s time.",
                                    steps), steps);
}

static const UthPageFigure *
uth_page_generation_get_figure (UthPage          *page,
                                UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_generation_parent_class)->get_figure (page, ctx);

  context_cb (NULL, ctx, page);
  return figure;
}

static void
uth_page_generation_dispose (GObject *object)
{
  UthPageGeneration *self = UTH_PAGE_GENERATION (object);

  g_clear_object (&self->playback);
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_GENERATION);
  G_OBJECT_CLASS (uth_page_generation_parent_class)->dispose (object);
}

static void
uth_page_generation_class_init (UthPageGenerationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_generation_dispose;
  page_class->refresh = uth_page_generation_refresh;
  page_class->get_figure = uth_page_generation_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-generation.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, text_entry);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, steps_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, rule_drop);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, temperature_scale);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, topk_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, topp_scale);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, play_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, back_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, forward_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageGeneration, step_formula);
  gtk_widget_class_bind_template_callback (widget_class, controls_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, rule_changed_cb);
}

static void
uth_page_generation_init (UthPageGeneration *self)
{
  uth_generation_view_init (&self->view);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Its preset (no top-k, no top-p) is the view's start; the scenario keeps its temperature. */
  gtk_drop_down_set_selected (self->rule_drop, RULE_TEMPERATURE);
  write_controls (self);
  uth_fundamentals_bind_text (UTH_PAGE (self), self->text_entry);
  uth_page_bind (UTH_PAGE (self), "temperature", gtk_range_get_adjustment (self->temperature_scale), "value",
                 G_BINDING_BIDIRECTIONAL);
  self->playback = uth_playback_new (GTK_WIDGET (self), STEP_INTERVAL_MS, playback_step_cb, playback_restart_cb);
  uth_playback_set_buttons (self->playback, self->play_button, self->back_button, self->forward_button);
  uth_figure_set_draw_func (self->figure, uth_draw_generation, NULL);
  uth_figure_set_height_func (self->figure, uth_fundamentals_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("The generation loop"));
}

const UthGenerationView *
uth_page_generation_get_view (UthPageGeneration *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_GENERATION (self), NULL);
  return &self->view;
}

void
uth_page_generation_step (UthPageGeneration *self,
                          int                delta)
{
  g_return_if_fail (UTH_IS_PAGE_GENERATION (self));
  uth_playback_step (self->playback, delta);
}

void
uth_page_generation_set_playing (UthPageGeneration *self,
                                 gboolean           playing)
{
  g_return_if_fail (UTH_IS_PAGE_GENERATION (self));
  uth_playback_set_playing (self->playback, playing);
}

gboolean
uth_page_generation_get_playing (UthPageGeneration *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_GENERATION (self), FALSE);
  return uth_playback_get_playing (self->playback);
}
