/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "pages/uth-page-tiling.h"
#include "pages/uth-playback.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"
#include "widgets/uth-log-slider.h"

/* Milliseconds between animation steps. */
#define STEP_INTERVAL_MS 180

struct _UthPageTiling
{
  UthPage         parent_instance;

  UthTilingView   view;
  UthPlayback    *playback;

  UthFigure      *figure;
  GtkBox         *m_box;
  GtkBox         *k_box;
  GtkBox         *n_box;
  UthLogSlider   *m_slider;
  UthLogSlider   *k_slider;
  UthLogSlider   *n_slider;
  GtkDropDown    *bm_drop;
  GtkDropDown    *bn_drop;
  GtkDropDown    *bk_drop;
  GtkSwitch      *double_switch;
  GtkSpinButton  *wave_spin;
  GtkToggleButton *play_button;
  GtkButton      *back_button;
  GtkButton      *forward_button;
  GtkWidget      *waves_formula;
  GtkWidget      *tail_formula;
  GtkWidget      *traffic_formula;
};

G_DEFINE_FINAL_TYPE (UthPageTiling, uth_page_tiling, UTH_TYPE_PAGE)

/* Tile sides offered: powers of two, as the drop-downs list them. */
static const guint tile_sizes[] = { 16, 32, 64, 128, 256 };
static const guint k_sizes[] = { 8, 16, 32, 64, 128 };

static guint
drop_index (const guint *sizes,
            guint        n,
            guint        value)
{
  for (guint i = 0; i < n; i++)
    if (sizes[i] == value)
      return i;
  return 0;
}

static void
update_formulas (UthPageTiling *self)
{
  UthTiling t;
  g_autofree char *waves = NULL, *waves_sub = NULL, *tail = NULL, *tail_sub = NULL;
  g_autofree char *bytes = NULL, *bytes_sub = NULL;

  if (uth_tiling_compute (&self->view.input, &t) != UTH_TILING_OK)
    return;
  waves = g_strdup_printf ("%" PRIu64, t.waves);
  waves_sub = g_strdup_printf ("⌈%" PRIu64 " / %u⌉ × ⌈%" PRIu64 " / %u⌉ = %" PRIu64 " tiles; ⌈%" PRIu64 " / %u⌉ = %" PRIu64 " waves",
                               self->view.input.m, self->view.input.bm, self->view.input.n, self->view.input.bn,
                               t.tiles, t.tiles, self->view.input.sms, t.waves);
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->waves_formula), waves, _("Waves"),
                          _("waves = ⌈⌈M / BM⌉ × ⌈N / BN⌉ ÷ SMs⌉"), waves_sub);
  tail = g_strdup_printf ("%.0f%%", 100.0 * t.tail_utilization);
  tail_sub = g_strdup_printf ("%" PRIu64 " − (%" PRIu64 " − 1) × %u = %" PRIu64 " tiles on %u SMs = %.1f%%",
                              t.tiles, t.waves, self->view.input.sms, t.tail_tiles, self->view.input.sms,
                              100.0 * t.tail_utilization);
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->tail_formula), tail, _("Last wave busy"),
                          _("tiles − (waves − 1) × SMs, out of SMs"), tail_sub);
  bytes = g_strdup_printf ("%.3g GB", t.bytes_tiled / 1e9);
  bytes_sub = g_strdup_printf ("(%" PRIu64 "×%" PRIu64 "×%" PRIu64 " + %" PRIu64 "×%" PRIu64 "×%" PRIu64 " + %" PRIu64 "×%" PRIu64 ") × %g B = %.4g GB",
                               self->view.input.m, self->view.input.k, t.tiles_n,
                               self->view.input.k, self->view.input.n, t.tiles_m,
                               self->view.input.m, self->view.input.n,
                               self->view.input.bytes_per_element, t.bytes_tiled / 1e9);
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->traffic_formula), bytes, _("Tiled DRAM traffic"),
                          _("(M·K·⌈N/BN⌉ + K·N·⌈M/BM⌉ + M·N) × bytes per element"), bytes_sub);
}

static void wave_changed_cb (UthPageTiling *self);

static void
refresh (UthPageTiling *self)
{
  UthTiling t;

  if (uth_tiling_compute (&self->view.input, &t) == UTH_TILING_OK)
    {
      /* The wave spin button follows the tiling: its handler is for the reader's changes
       * only (wave -1, the last wave, stays -1 when the sizes change). */
      g_signal_handlers_block_by_func (self->wave_spin, wave_changed_cb, self);
      gtk_spin_button_set_range (self->wave_spin, 1, (double) t.waves);
      if (self->view.wave >= 0)
        gtk_spin_button_set_value (self->wave_spin, self->view.wave + 1);
      else
        gtk_spin_button_set_value (self->wave_spin, (double) t.waves);
      g_signal_handlers_unblock_by_func (self->wave_spin, wave_changed_cb, self);
      if (self->view.step >= t.k_steps)
        self->view.step = 0;
    }
  update_formulas (self);
  uth_figure_update (self->figure);
}

static void
read_controls (UthPageTiling *self)
{
  self->view.input.m = uth_log_slider_get_value (self->m_slider);
  self->view.input.k = uth_log_slider_get_value (self->k_slider);
  self->view.input.n = uth_log_slider_get_value (self->n_slider);
  self->view.input.bm = tile_sizes[MIN (gtk_drop_down_get_selected (self->bm_drop), G_N_ELEMENTS (tile_sizes) - 1)];
  self->view.input.bn = tile_sizes[MIN (gtk_drop_down_get_selected (self->bn_drop), G_N_ELEMENTS (tile_sizes) - 1)];
  self->view.input.bk = k_sizes[MIN (gtk_drop_down_get_selected (self->bk_drop), G_N_ELEMENTS (k_sizes) - 1)];
  self->view.input.double_buffered = gtk_switch_get_active (self->double_switch);
}

/* The view into the controls. Their handler reads them all back, so the view is kept
 * aside while they are written one by one. */
static void
write_controls (UthPageTiling *self)
{
  UthTilingView view = self->view;

  uth_log_slider_set_value (self->m_slider, view.input.m);
  uth_log_slider_set_value (self->k_slider, view.input.k);
  uth_log_slider_set_value (self->n_slider, view.input.n);
  gtk_drop_down_set_selected (self->bm_drop, drop_index (tile_sizes, G_N_ELEMENTS (tile_sizes), view.input.bm));
  gtk_drop_down_set_selected (self->bn_drop, drop_index (tile_sizes, G_N_ELEMENTS (tile_sizes), view.input.bn));
  gtk_drop_down_set_selected (self->bk_drop, drop_index (k_sizes, G_N_ELEMENTS (k_sizes), view.input.bk));
  gtk_switch_set_active (self->double_switch, view.input.double_buffered);
  self->view = view;
}

static void
control_changed_cb (UthPageTiling *self)
{
  read_controls (self);
  self->view.wave = -1;
  self->view.step = 0;
  refresh (self);
}

static void
wave_changed_cb (UthPageTiling *self)
{
  self->view.wave = (int) gtk_spin_button_get_value (self->wave_spin) - 1;
  uth_figure_update (self->figure);
}

/* The scenario gives the GPU (SMs, shared memory, peak) and the data type; the matrix
 * sizes stay the reader's unless they ask for the scenario's GEMM. */
static void
uth_page_tiling_refresh (UthPage *page)
{
  UthPageTiling *self = UTH_PAGE_TILING (page);
  UthScenario *scenario = uth_page_get_scenario (page);
  UthFigureContext ctx;
  UthTilingView fresh;

  uth_scenario_get_figure_context (scenario, &ctx);
  uth_tiling_view_init (&fresh, &ctx);
  self->view.input.sms = fresh.input.sms;
  self->view.input.smem_per_sm_bytes = fresh.input.smem_per_sm_bytes;
  self->view.input.peak_flops = fresh.input.peak_flops;
  self->view.input.bytes_per_element = fresh.input.bytes_per_element;
  /* Presentation mode's text scale changes the height the figure needs. */
  gtk_widget_queue_resize (GTK_WIDGET (self->figure));
  refresh (self);
}

static void
use_scenario_cb (UthPageTiling *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  UthFigureContext ctx;

  if (scenario == NULL)
    return;
  uth_scenario_get_figure_context (scenario, &ctx);
  uth_tiling_view_init (&self->view, &ctx);
  write_controls (self);
  refresh (self);
}

static void
set_square_cb (UthPageTiling *self,
               guint64        size)
{
  self->view.input.m = self->view.input.k = self->view.input.n = size;
  write_controls (self);
  self->view.wave = -1;
  self->view.step = 0;
  refresh (self);
}

static void
square_4096_cb (UthPageTiling *self)
{
  set_square_cb (self, 4096);
}

static void
square_4097_cb (UthPageTiling *self)
{
  set_square_cb (self, 4097);
}

/* Moves through the K loop, which wraps around: playing never stops on its own. */
static gboolean
playback_step_cb (gpointer owner,
                  int      delta)
{
  UthPageTiling *self = owner;
  UthTiling t;

  if (uth_tiling_compute (&self->view.input, &t) != UTH_TILING_OK || t.k_steps == 0)
    return TRUE;
  if (delta < 0)
    self->view.step = self->view.step == 0 ? t.k_steps - 1 : MIN (self->view.step, t.k_steps) - 1;
  else
    self->view.step = (self->view.step + (guint64) delta) % t.k_steps;
  uth_figure_update (self->figure);
  return TRUE;
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  UthPageTiling *self = user_data;

  ctx->page_data = &self->view;
}

/* The figure reflows to its width and asks for the height its layout needs there at full
 * text size (the page scrolls), instead of shrinking to the window's height. */
static char *
describe_cb (const UthFigureContext *ctx)
{
  const UthTilingView *view = ctx->page_data;
  UthTiling t;

  if (view == NULL || uth_tiling_compute (&view->input, &t) != UTH_TILING_OK)
    return g_strdup (_("A matrix product cut into tiles."));
  return g_strdup_printf (_("%" PRIu64 " tiles run in %" PRIu64 " waves on %u SMs; the last wave keeps %" PRIu64 " SMs busy."),
                          t.tiles, t.waves, view->input.sms, t.tail_tiles);
}

/* A new scenario brings its own GEMM. */
static void
uth_page_tiling_scenario_changed (UthPage     *page,
                                  UthScenario *old)
{
  UthPageTiling *self = UTH_PAGE_TILING (page);

  if (uth_page_get_scenario (page) != NULL)
    use_scenario_cb (self);
}

static const UthPageFigure *
uth_page_tiling_get_figure (UthPage          *page,
                            UthFigureContext *ctx)
{
  UthPageTiling *self = UTH_PAGE_TILING (page);
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_tiling_parent_class)->get_figure (page, ctx);

  /* Export draws what the reader sees, sliders included. */
  ctx->page_data = &self->view;
  return figure;
}

static void
uth_page_tiling_dispose (GObject *object)
{
  UthPageTiling *self = UTH_PAGE_TILING (object);

  g_clear_object (&self->playback);
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_TILING);
  G_OBJECT_CLASS (uth_page_tiling_parent_class)->dispose (object);
}

static UthLogSlider *
add_size_slider (UthPageTiling *self,
                 GtkBox        *box,
                 const char    *name)
{
  GtkWidget *slider = uth_log_slider_new (1, (guint64) 1 << 24);

  /* The box's visible letter ("M") is too short to say what the slider sets. */
  uth_log_slider_set_label (UTH_LOG_SLIDER (slider), name);

  gtk_widget_set_size_request (slider, 220, -1);
  gtk_box_append (box, slider);
  g_signal_connect_swapped (slider, "notify::value", G_CALLBACK (control_changed_cb), self);
  return UTH_LOG_SLIDER (slider);
}

static void
uth_page_tiling_class_init (UthPageTilingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_tiling_dispose;
  page_class->scenario_changed = uth_page_tiling_scenario_changed;
  page_class->refresh = uth_page_tiling_refresh;
  page_class->get_figure = uth_page_tiling_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-tiling.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, m_box);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, k_box);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, n_box);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, bm_drop);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, bn_drop);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, bk_drop);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, double_switch);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, wave_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, play_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, back_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, forward_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, waves_formula);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, tail_formula);
  gtk_widget_class_bind_template_child (widget_class, UthPageTiling, traffic_formula);
  gtk_widget_class_bind_template_callback (widget_class, control_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, wave_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, use_scenario_cb);
  gtk_widget_class_bind_template_callback (widget_class, square_4096_cb);
  gtk_widget_class_bind_template_callback (widget_class, square_4097_cb);
}

static void
uth_page_tiling_init (UthPageTiling *self)
{
  uth_tiling_view_init (&self->view, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Log-scale sliders with a typed entry: 4096 and 4097 are one keystroke apart. */
  self->m_slider = add_size_slider (self, self->m_box, _("M, rows of A and C"));
  self->k_slider = add_size_slider (self, self->k_box, _("K, columns of A and rows of B"));
  self->n_slider = add_size_slider (self, self->n_box, _("N, columns of B and C"));
  uth_figure_set_draw_func (self->figure, uth_draw_tiling, uth_draw_tiling_hit);
  uth_figure_set_height_func (self->figure, uth_tiling_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Tiling of a matrix product"));
  write_controls (self);
  self->playback = uth_playback_new (GTK_WIDGET (self), STEP_INTERVAL_MS, playback_step_cb, NULL);
  uth_playback_set_buttons (self->playback, self->play_button, self->back_button, self->forward_button);
  refresh (self);
}

const UthTilingView *
uth_page_tiling_get_view (UthPageTiling *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_TILING (self), NULL);
  return &self->view;
}

void
uth_page_tiling_set_playing (UthPageTiling *self,
                             gboolean       playing)
{
  g_return_if_fail (UTH_IS_PAGE_TILING (self));
  uth_playback_set_playing (self->playback, playing);
}

gboolean
uth_page_tiling_get_playing (UthPageTiling *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_TILING (self), FALSE);
  return uth_playback_get_playing (self->playback);
}

void
uth_page_tiling_step (UthPageTiling *self,
                      int            delta)
{
  g_return_if_fail (UTH_IS_PAGE_TILING (self));
  uth_playback_step (self->playback, delta);
}
