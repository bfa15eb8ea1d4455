/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "pages/uth-page-flash.h"
#include "pages/uth-playback.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"
#include "widgets/uth-log-slider.h"

#define STEP_INTERVAL_MS 60
/* The animation crosses the block loop in about this many frames, however many blocks. */
#define FRAMES_PER_LOOP 200

struct _UthPageFlash
{
  UthPage          parent_instance;

  UthFlashView     view;
  UthFlashView     last_scenario;  /* what the scenario last implied, to see what changed */
  gboolean         have_scenario;
  char            *model_id;       /* a new model or GPU brings its own heads or SRAM */
  char            *gpu_id;
  UthPlayback     *playback;

  UthFigure       *figure;
  GtkBox          *seq_box;
  UthLogSlider    *seq_slider;
  GtkSpinButton   *head_dim_spin;
  GtkSpinButton   *heads_spin;
  GtkSpinButton   *sram_spin;
  GtkSwitch       *causal_switch;
  GtkSwitch       *scenario_flash_switch;
  GtkToggleButton *play_button;
  GtkButton       *back_button;
  GtkButton       *forward_button;
  GtkWidget       *blocks_formula;
  GtkWidget       *traffic_formula;
};

G_DEFINE_FINAL_TYPE (UthPageFlash, uth_page_flash, UTH_TYPE_PAGE)

static void
update_formulas (UthPageFlash *self)
{
  const UthFlashInput *in = &self->view.input;
  UthFlash f;
  g_autofree char *bc = NULL, *bc_sub = NULL, *ratio = NULL, *ratio_sub = NULL;

  if (uth_flash_compute (in, &f) != UTH_FLASH_OK)
    return;
  bc = g_strdup_printf ("%" PRIu64 " × %" PRIu64, f.br, f.bc);
  bc_sub = g_strdup_printf ("M = %.0f B ÷ %g B = %" PRIu64 "; Bc = ⌈%" PRIu64 " / (4 × %u)⌉ = %" PRIu64 "; Br = min (Bc, %u) = %" PRIu64,
                            in->sram_bytes, in->bytes_per_element, f.sram_elements, f.sram_elements,
                            in->head_dim, f.bc, in->head_dim, f.br);
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->blocks_formula), bc, _("Block sizes Br × Bc"),
                          _("Bc = ⌈M / 4d⌉, Br = min (Bc, d) (Dao et al. 2022, Algorithm 1)"), bc_sub);
  ratio = g_strdup_printf ("%.2f×", f.traffic_ratio);
  ratio_sub = g_strdup_printf ("(4Nd + 4N²) ÷ (2Nd + Tc·(3Nd + 4N) + Nd + 2N) with N = %" PRIu64 ", d = %u, Tc = %" PRIu64 "%s = %.2f",
                               in->seq, in->head_dim, f.tc,
                               in->causal ? _(" (causal: only blocks on or below the diagonal)") : "",
                               f.traffic_ratio);
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->traffic_formula), ratio, _("Traffic, standard ÷ flash"),
                          _("standard HBM bytes ÷ Flash Attention HBM bytes"), ratio_sub);
}

static void
refresh (UthPageFlash *self)
{
  UthFlash f;

  if (uth_flash_compute (&self->view.input, &f) == UTH_FLASH_OK && self->view.step >= f.steps)
    self->view.step = 0;
  update_formulas (self);
  uth_figure_update (self->figure);
}

/* The view into the controls. Their handler reads them all back, so the view is kept
 * aside while they are written one by one. */
static void
write_controls (UthPageFlash *self)
{
  UthFlashView view = self->view;

  uth_log_slider_set_value (self->seq_slider, view.input.seq);
  gtk_spin_button_set_value (self->head_dim_spin, view.input.head_dim);
  gtk_spin_button_set_value (self->heads_spin, view.input.heads);
  gtk_spin_button_set_value (self->sram_spin, view.input.sram_bytes / 1024.0);
  gtk_switch_set_active (self->causal_switch, view.input.causal);
  self->view = view;
}

static void
control_changed_cb (UthPageFlash *self)
{
  self->view.input.seq = uth_log_slider_get_value (self->seq_slider);
  self->view.input.head_dim = (guint32) gtk_spin_button_get_value (self->head_dim_spin);
  self->view.input.heads = (guint32) gtk_spin_button_get_value (self->heads_spin);
  self->view.input.sram_bytes = gtk_spin_button_get_value (self->sram_spin) * 1024.0;
  self->view.input.causal = gtk_switch_get_active (self->causal_switch);
  self->view.step = 0;
  refresh (self);
}

/* The scenario sets what it changed; the reader's other slider values stay. */
/* The figure reflows to its width and asks for the height its layout needs there at full
 * text size (the page scrolls), instead of shrinking to the window's height. */
static void
uth_page_flash_refresh (UthPage *page)
{
  UthPageFlash *self = UTH_PAGE_FLASH (page);
  UthScenario *scenario = uth_page_get_scenario (page);
  UthFigureContext ctx;
  UthFlashView fresh;
  const UthFlashView *last = &self->last_scenario;
  gboolean all, new_model, new_gpu;

  if (scenario == NULL)
    return;
  /* Presentation mode's text scale changes the height the figure needs. */
  gtk_widget_queue_resize (GTK_WIDGET (self->figure));
  uth_scenario_get_figure_context (scenario, &ctx);
  uth_flash_view_init (&fresh, &ctx);
  all = !self->have_scenario;
  new_model = g_strcmp0 (self->model_id, uth_scenario_get_model_id (scenario)) != 0;
  new_gpu = g_strcmp0 (self->gpu_id, uth_scenario_get_gpu_id (scenario)) != 0;
  if (all || fresh.input.seq != last->input.seq)
    self->view.input.seq = fresh.input.seq;
  if (all || new_model || fresh.input.head_dim != last->input.head_dim)
    self->view.input.head_dim = fresh.input.head_dim;
  if (all || new_model || fresh.input.heads != last->input.heads)
    self->view.input.heads = fresh.input.heads;
  if (all || new_gpu || fresh.input.sram_bytes != last->input.sram_bytes)
    self->view.input.sram_bytes = fresh.input.sram_bytes;
  g_free (self->model_id);
  self->model_id = g_strdup (uth_scenario_get_model_id (scenario));
  g_free (self->gpu_id);
  self->gpu_id = g_strdup (uth_scenario_get_gpu_id (scenario));
  if (all)
    self->view.input.causal = fresh.input.causal;
  /* Sequences and the data type have no slider here: always the scenario's. */
  self->view.input.batch = fresh.input.batch;
  self->view.input.bytes_per_element = fresh.input.bytes_per_element;
  self->view.dtype = fresh.dtype;
  self->last_scenario = fresh;
  self->have_scenario = TRUE;
  write_controls (self);
  refresh (self);
}

/* Moves through the block loop, which wraps around: playing never stops on its own. */
static gboolean
playback_step_cb (gpointer owner,
                  int      delta)
{
  UthPageFlash *self = owner;
  UthFlash f;
  guint64 chunk;

  if (uth_flash_compute (&self->view.input, &f) != UTH_FLASH_OK || f.steps == 0)
    return TRUE;
  /* Long sequences have hundreds of thousands of blocks: move by a slice of the loop. */
  chunk = MAX (f.steps / FRAMES_PER_LOOP, 1);
  if (delta < 0)
    self->view.step = self->view.step >= chunk ? self->view.step - chunk : f.steps - 1;
  else
    self->view.step = self->view.step + chunk < f.steps ? self->view.step + chunk : 0;
  uth_figure_update (self->figure);
  return TRUE;
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  ctx->page_data = &UTH_PAGE_FLASH (user_data)->view;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  const UthFlashView *view = ctx->page_data;
  UthFlash f;

  if (view == NULL || uth_flash_compute (&view->input, &f) != UTH_FLASH_OK)
    return g_strdup (_("Standard attention beside Flash Attention."));
  return g_strdup_printf (_("At %" PRIu64 " tokens Flash Attention moves %.1f times fewer bytes and needs %.1f times less memory than standard attention."),
                          view->input.seq, f.traffic_ratio, f.memory_ratio);
}

/* A new scenario sets every control from itself. */
static void
uth_page_flash_scenario_changed (UthPage     *page,
                                 UthScenario *old)
{
  UTH_PAGE_FLASH (page)->have_scenario = FALSE;
}

static const UthPageFigure *
uth_page_flash_get_figure (UthPage          *page,
                           UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_flash_parent_class)->get_figure (page, ctx);

  ctx->page_data = &UTH_PAGE_FLASH (page)->view;
  return figure;
}

static void
uth_page_flash_dispose (GObject *object)
{
  UthPageFlash *self = UTH_PAGE_FLASH (object);

  g_clear_object (&self->playback);
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_FLASH);
  G_OBJECT_CLASS (uth_page_flash_parent_class)->dispose (object);
}

static void
uth_page_flash_finalize (GObject *object)
{
  UthPageFlash *self = UTH_PAGE_FLASH (object);

  g_free (self->model_id);
  g_free (self->gpu_id);
  G_OBJECT_CLASS (uth_page_flash_parent_class)->finalize (object);
}

static void
uth_page_flash_class_init (UthPageFlashClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_flash_dispose;
  object_class->finalize = uth_page_flash_finalize;
  page_class->scenario_changed = uth_page_flash_scenario_changed;
  page_class->refresh = uth_page_flash_refresh;
  page_class->get_figure = uth_page_flash_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-flash.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, seq_box);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, head_dim_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, heads_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, sram_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, causal_switch);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, scenario_flash_switch);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, play_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, back_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, forward_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, blocks_formula);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, traffic_formula);
  gtk_widget_class_bind_template_callback (widget_class, control_changed_cb);
}

static char *
tokens_text (guint64  value,
             gpointer user_data)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRIu64 " token", "%" PRIu64 " tokens", value),
                          value);
}

static void
uth_page_flash_init (UthPageFlash *self)
{
  uth_flash_view_init (&self->view, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Sequence length on a log scale, 512 to 128k tokens as on the charts. */
  self->seq_slider = UTH_LOG_SLIDER (uth_log_slider_new (UTH_FLASH_SWEEP_MIN, UTH_FLASH_SWEEP_MIN * 256));
  gtk_widget_set_hexpand (GTK_WIDGET (self->seq_slider), TRUE);
  uth_log_slider_set_label (self->seq_slider, _("Sequence length"));
  uth_log_slider_set_value_text_func (self->seq_slider, tokens_text, NULL, NULL);
  /* Narrow enough to sit beside its label in a phone-sized window (360 px). */
  gtk_widget_set_size_request (GTK_WIDGET (self->seq_slider), 200, -1);
  gtk_box_append (self->seq_box, GTK_WIDGET (self->seq_slider));
  /* The scenario's attention implementation, which Shapes, Layer and the estimate follow. */
  uth_page_bind (UTH_PAGE (self), "flash-attention", self->scenario_flash_switch, "active",
                 G_BINDING_BIDIRECTIONAL);

  uth_figure_set_draw_func (self->figure, uth_draw_flash, uth_draw_flash_hit);
  uth_figure_set_height_func (self->figure, uth_flash_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Standard attention against Flash Attention"));
  write_controls (self);
  /* The reader's changes, connected after the view is in the controls. */
  g_signal_connect_swapped (self->seq_slider, "notify::value", G_CALLBACK (control_changed_cb), self);
  self->playback = uth_playback_new (GTK_WIDGET (self), STEP_INTERVAL_MS, playback_step_cb, NULL);
  uth_playback_set_buttons (self->playback, self->play_button, self->back_button, self->forward_button);
  refresh (self);
}

const UthFlashView *
uth_page_flash_get_view (UthPageFlash *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_FLASH (self), NULL);
  return &self->view;
}

void
uth_page_flash_set_playing (UthPageFlash *self,
                            gboolean      playing)
{
  g_return_if_fail (UTH_IS_PAGE_FLASH (self));
  uth_playback_set_playing (self->playback, playing);
}

gboolean
uth_page_flash_get_playing (UthPageFlash *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_FLASH (self), FALSE);
  return uth_playback_get_playing (self->playback);
}

void
uth_page_flash_step (UthPageFlash *self,
                     int           delta)
{
  g_return_if_fail (UTH_IS_PAGE_FLASH (self));
  uth_playback_step (self->playback, delta);
}
