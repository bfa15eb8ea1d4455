/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "pages/uth-page-flash.h"
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
  guint            timer;
  gboolean         updating;

  UthFigure       *figure;
  GtkBox          *seq_box;
  UthLogSlider    *seq_slider;
  GtkSpinButton   *head_dim_spin;
  GtkSpinButton   *heads_spin;
  GtkSpinButton   *sram_spin;
  GtkSwitch       *causal_switch;
  GtkSwitch       *scenario_flash_switch;
  GtkToggleButton *play_button;
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

static void
write_controls (UthPageFlash *self)
{
  self->updating = TRUE;
  uth_log_slider_set_value (self->seq_slider, self->view.input.seq);
  gtk_spin_button_set_value (self->head_dim_spin, self->view.input.head_dim);
  gtk_spin_button_set_value (self->heads_spin, self->view.input.heads);
  gtk_spin_button_set_value (self->sram_spin, self->view.input.sram_bytes / 1024.0);
  gtk_switch_set_active (self->causal_switch, self->view.input.causal);
  self->updating = FALSE;
}

static void
control_changed_cb (UthPageFlash *self)
{
  if (self->updating)
    return;
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
scenario_changed_cb (UthPageFlash *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
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
  /* Setting the same value back is a no-op in the scenario: no guard needed. */
  gtk_switch_set_active (self->scenario_flash_switch, uth_scenario_get_flash_attention (scenario));
  write_controls (self);
  refresh (self);
}

static gboolean
tick_cb (gpointer data)
{
  uth_page_flash_step (UTH_PAGE_FLASH (data), 1);
  return G_SOURCE_CONTINUE;
}

static void
play_toggled_cb (UthPageFlash *self)
{
  uth_page_flash_set_playing (self, gtk_toggle_button_get_active (self->play_button));
}

static void
step_back_cb (UthPageFlash *self)
{
  uth_page_flash_step (self, -1);
}

static void
step_forward_cb (UthPageFlash *self)
{
  uth_page_flash_step (self, 1);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                UthPageFlash          *self)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));

  if (focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT (focus) || GTK_IS_RANGE (focus)))
    return FALSE;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_space:
      uth_page_flash_set_playing (self, self->timer == 0);
      return TRUE;
    case GDK_KEY_Left:
      uth_page_flash_step (self, -1);
      return TRUE;
    case GDK_KEY_Right:
      uth_page_flash_step (self, 1);
      return TRUE;
    default:
      return FALSE;
    }
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

/* The scenario's attention implementation, which Shapes, Layer and the estimate follow. */
static void
scenario_flash_changed_cb (UthPageFlash *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));

  if (scenario != NULL)
    uth_scenario_set_flash_attention (scenario, gtk_switch_get_active (self->scenario_flash_switch));
}

static void
uth_page_flash_scenario_changed (UthPage     *page,
                                 UthScenario *old)
{
  UthPageFlash *self = UTH_PAGE_FLASH (page);
  UthScenario *scenario = uth_page_get_scenario (page);

  if (old != NULL)
    g_signal_handlers_disconnect_by_func (old, scenario_changed_cb, self);
  uth_figure_set_scenario (self->figure, scenario);
  self->have_scenario = FALSE;
  if (scenario != NULL)
    {
      g_signal_connect_object (scenario, "changed", G_CALLBACK (scenario_changed_cb), self, G_CONNECT_SWAPPED);
      scenario_changed_cb (self);
    }
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

  g_clear_handle_id (&self->timer, g_source_remove);
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
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, blocks_formula);
  gtk_widget_class_bind_template_child (widget_class, UthPageFlash, traffic_formula);
  gtk_widget_class_bind_template_callback (widget_class, control_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, scenario_flash_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, play_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, step_back_cb);
  gtk_widget_class_bind_template_callback (widget_class, step_forward_cb);
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
  GtkEventController *keys;

  uth_flash_view_init (&self->view, NULL);
  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Sequence length on a log scale, 512 to 128k tokens as on the charts. */
  self->seq_slider = UTH_LOG_SLIDER (uth_log_slider_new (UTH_FLASH_SWEEP_MIN, UTH_FLASH_SWEEP_MIN * 256));
  gtk_widget_set_hexpand (GTK_WIDGET (self->seq_slider), TRUE);
  uth_log_slider_set_label (self->seq_slider, _("Sequence length"));
  uth_log_slider_set_value_text_func (self->seq_slider, tokens_text, NULL, NULL);
  /* Narrow enough to sit beside its label in a phone-sized window (360 px). */
  gtk_widget_set_size_request (GTK_WIDGET (self->seq_slider), 200, -1);
  gtk_box_append (self->seq_box, GTK_WIDGET (self->seq_slider));
  g_signal_connect_swapped (self->seq_slider, "notify::value", G_CALLBACK (control_changed_cb), self);
  self->updating = FALSE;

  uth_figure_set_draw_func (self->figure, uth_draw_flash, uth_draw_flash_hit);
  uth_figure_set_height_func (self->figure, uth_flash_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Standard attention against Flash Attention"));
  write_controls (self);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
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

  if (playing == (self->timer != 0))
    return;
  if (playing)
    self->timer = g_timeout_add (STEP_INTERVAL_MS, tick_cb, self);
  else
    g_clear_handle_id (&self->timer, g_source_remove);
  if (gtk_toggle_button_get_active (self->play_button) != playing)
    gtk_toggle_button_set_active (self->play_button, playing);
}

gboolean
uth_page_flash_get_playing (UthPageFlash *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_FLASH (self), FALSE);
  return self->timer != 0;
}

void
uth_page_flash_step (UthPageFlash *self,
                     int           delta)
{
  UthFlash f;
  guint64 chunk;

  g_return_if_fail (UTH_IS_PAGE_FLASH (self));
  if (uth_flash_compute (&self->view.input, &f) != UTH_FLASH_OK || f.steps == 0)
    return;
  /* Long sequences have hundreds of thousands of blocks: move by a slice of the loop. */
  chunk = MAX (f.steps / FRAMES_PER_LOOP, 1);
  if (delta < 0)
    self->view.step = self->view.step >= chunk ? self->view.step - chunk : f.steps - 1;
  else
    self->view.step = self->view.step + chunk < f.steps ? self->view.step + chunk : 0;
  uth_figure_update (self->figure);
}
