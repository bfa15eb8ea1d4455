/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "pages/uth-page-batching.h"
#include "pages/uth-playback.h"
#include "render/uth-draw-common.h"
#include "widgets/uth-accessible.h"
#include "widgets/uth-figure.h"

struct _UthPageBatching
{
  UthPage          parent_instance;

  UthFigure       *figure;
  GtkToggleButton *play_button;
  GtkDropDown     *speed_dropdown;
  AdwComboRow     *arrival_row;
  AdwComboRow     *prompt_kind_row;
  AdwComboRow     *output_kind_row;
  GtkSpinButton   *rate_spin;
  GtkSpinButton   *requests_spin;
  GtkSpinButton   *prompt_spin;
  GtkSpinButton   *output_spin;
  GtkSpinButton   *seed_spin;
  GtkSpinButton   *batch_spin;
  AdwActionRow    *batch_row;
  GtkSpinButton   *timeout_spin;
  GtkSwitch       *chunked_switch;
  GtkSpinButton   *chunk_spin;
  GtkLabel        *status_label;

  UthBatchingView  view;          /* what the figure draws */
  UthBatchResult   results[2];    /* static, continuous; the view points at them */
  GCancellable    *cancellable;   /* the simulation running in the background */
  guint            run_idle;
  guint            tick_id;
  gint64           last_frame_us;
  gboolean         batch_chosen;  /* the reader set the batch limit here */
};

G_DEFINE_FINAL_TYPE (UthPageBatching, uth_page_batching, UTH_TYPE_PAGE)

/* One background simulation: copies of everything it reads, so the scenario may change
 * (and its entries move) while it runs. */
typedef struct
{
  UthModel         model;
  UthGpu           gpu;
  UthEngine        engine;
  UthEstimateInput input;
  UthBatchConfig   config;
  UthBatchResult   results[2];
  UthBatchError    error;
} SimData;

static void
sim_data_free (gpointer data)
{
  SimData *d = data;

  uth_batch_result_clear (&d->results[0]);
  uth_batch_result_clear (&d->results[1]);
  g_free (d);
}

static void
simulate_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SimData *d = task_data;
  UthStepCache *cache;
  int k;

  d->input.model = &d->model;
  d->input.gpu = &d->gpu;
  d->input.engine = &d->engine;
  cache = uth_step_cache_new (&d->input, d->config.max_batch);
  d->error = cache != NULL ? UTH_BATCH_OK : UTH_BATCH_NO_MEMORY;
  for (k = 0; k < 2 && d->error == UTH_BATCH_OK; k++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      d->config.policy = k == 0 ? UTH_BATCH_STATIC : UTH_BATCH_CONTINUOUS;
      d->error = uth_batch_simulate (&d->input, &d->config, cache, &d->results[k]);
    }
  uth_step_cache_free (cache);
  g_task_return_boolean (task, !g_cancellable_is_cancelled (cancellable));
}

static const char *
error_text (UthBatchError error)
{
  switch (error)
    {
    case UTH_BATCH_OK: return "";
    case UTH_BATCH_BAD_CONFIG: return _("These settings cannot be simulated: check the counts and lengths.");
    case UTH_BATCH_DOES_NOT_FIT: return _("A request of this trace does not fit in the memory left after the weights: shorten the prompts or outputs, or choose more GPUs.");
    case UTH_BATCH_ESTIMATE_FAILED: return _("The estimator cannot time this scenario: check the model, GPU and engine.");
    case UTH_BATCH_NO_MEMORY:
    default: return _("Not enough memory to simulate this many requests.");
    }
}

/* The task holds only a weak reference to the page, so that a page closed while it runs
 * finalizes at once; the result is then dropped. */
static void
simulate_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(UthPageBatching) self = g_weak_ref_get (ref);
  SimData *d = g_task_get_task_data (G_TASK (result));
  gboolean done = g_task_propagate_boolean (G_TASK (result), NULL);

  g_weak_ref_clear (ref);
  g_free (ref);
  if (self == NULL)
    return;
  if (g_task_get_cancellable (G_TASK (result)) == self->cancellable)
    g_clear_object (&self->cancellable);
  if (!done)
    return;   /* cancelled: a newer run replaces it */
  if (d->error == UTH_BATCH_DOES_NOT_FIT && d->results[0].kv_capacity_tokens <= 0.0)
    gtk_label_set_text (self->status_label,
                        _("The model’s weights alone do not fit in these GPUs’ memory: choose more GPUs, a smaller model or a smaller weight type."));
  else
    gtk_label_set_text (self->status_label, error_text (d->error));
  if (d->error != UTH_BATCH_OK)
    {
      /* Old results would show a scenario that is no longer there: the figure then runs
       * the simulation itself and explains the error. */
      self->view.static_result = self->view.continuous_result = NULL;
      uth_batch_result_clear (&self->results[0]);
      uth_batch_result_clear (&self->results[1]);
      self->view.config = d->config;
      uth_figure_update (self->figure);
      return;
    }
  if (d->config.max_batch == 1)
    gtk_label_set_text (self->status_label,
                        _("With a batch limit of 1 both servers run one request at a time and look the same: raise the batch limit to see batching."));
  else if (!self->batch_chosen && uth_page_get_scenario (UTH_PAGE (self)) != NULL &&
           uth_scenario_get_batch (uth_page_get_scenario (UTH_PAGE (self))) == 1)
    gtk_label_set_text (self->status_label,
                        _("The scenario’s batch is 1, where both servers look the same: this page runs a batch limit of 8. Change it to make it the scenario’s batch."));
  uth_batch_result_clear (&self->results[0]);
  uth_batch_result_clear (&self->results[1]);
  self->results[0] = d->results[0];
  self->results[1] = d->results[1];
  memset (d->results, 0, sizeof d->results);
  self->view.config = d->config;
  self->view.static_result = &self->results[0];
  self->view.continuous_result = &self->results[1];
  uth_figure_update (self->figure);
}

static void
length_spec (UthLengthSpec *spec,
             guint          kind,
             double         mean)
{
  double m = MAX (1.0, round (mean));

  switch (kind)
    {
    case 0:
      *spec = (UthLengthSpec) { UTH_LENGTH_FIXED, m, 1, 1u << 20 };
      break;
    case 1:
      *spec = (UthLengthSpec) { UTH_LENGTH_UNIFORM, m, (uint32_t) MAX (1.0, floor (m / 2)),
                                (uint32_t) MAX (1.0, floor (m * 1.5)) };
      break;
    default:
      *spec = (UthLengthSpec) { UTH_LENGTH_EXPONENTIAL, m, 1, (uint32_t) MIN (m * 8, 1u << 20) };
      break;
    }
}

static void
read_config (UthPageBatching *self,
             UthBatchConfig  *c)
{
  uth_batch_config_init (c);
  c->arrival = adw_combo_row_get_selected (self->arrival_row) == 1 ? UTH_ARRIVAL_BURST
                                                                    : UTH_ARRIVAL_POISSON;
  c->arrival_rate = gtk_spin_button_get_value (self->rate_spin);
  c->requests = (uint32_t) gtk_spin_button_get_value_as_int (self->requests_spin);
  length_spec (&c->prompt, adw_combo_row_get_selected (self->prompt_kind_row),
               gtk_spin_button_get_value (self->prompt_spin));
  length_spec (&c->output, adw_combo_row_get_selected (self->output_kind_row),
               gtk_spin_button_get_value (self->output_spin));
  c->max_batch = (uint32_t) gtk_spin_button_get_value_as_int (self->batch_spin);
  c->chunked_prefill = gtk_switch_get_active (self->chunked_switch);
  c->prefill_chunk = (uint32_t) gtk_spin_button_get_value_as_int (self->chunk_spin);
  c->batch_timeout_s = gtk_spin_button_get_value (self->timeout_spin);
  c->seed = (uint64_t) gtk_spin_button_get_value (self->seed_spin);
  c->record_timeline = true;
}

static gboolean
run_idle_cb (gpointer user_data)
{
  UthPageBatching *self = user_data;
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  g_autoptr(GTask) task = NULL;
  UthFigureContext ctx;
  GWeakRef *ref;
  SimData *d;

  self->run_idle = 0;
  if (scenario == NULL)
    return G_SOURCE_REMOVE;
  uth_scenario_get_figure_context (scenario, &ctx);
  if (ctx.input.model == NULL || ctx.input.gpu == NULL || ctx.input.engine == NULL)
    {
      gtk_label_set_text (self->status_label, error_text (UTH_BATCH_ESTIMATE_FAILED));
      return G_SOURCE_REMOVE;
    }
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  d = g_new0 (SimData, 1);
  d->model = *ctx.input.model;
  d->gpu = *ctx.input.gpu;
  d->engine = *ctx.input.engine;
  d->input = ctx.input;
  read_config (self, &d->config);
  if (d->config.requests > 1000)
    {
      g_autofree char *msg = g_strdup_printf (_("Simulating %u requests…"), d->config.requests);

      gtk_label_set_text (self->status_label, msg);
    }
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  task = g_task_new (NULL, self->cancellable, simulate_done_cb, ref);
  g_task_set_task_data (task, d, sim_data_free);
  g_task_run_in_thread (task, simulate_thread);
  return G_SOURCE_REMOVE;
}

/* Any number of changes in one main-loop iteration start one simulation. */
static void
schedule_run (UthPageBatching *self)
{
  if (self->run_idle == 0)
    self->run_idle = g_idle_add (run_idle_cb, self);
}

static void
control_changed_cb (UthPageBatching *self)
{
  schedule_run (self);
}

static void
batch_changed_cb (UthPageBatching *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));

  /* The batch limit is the scenario's batch: every page sees the same one. */
  self->batch_chosen = TRUE;
  if (scenario != NULL)
    uth_scenario_set_batch (scenario, (guint64) gtk_spin_button_get_value_as_int (self->batch_spin));
  schedule_run (self);
}

static void
uth_page_batching_refresh (UthPage *page)
{
  UthPageBatching *self = UTH_PAGE_BATCHING (page);
  UthScenario *scenario = uth_page_get_scenario (page);
  guint64 batch = uth_scenario_get_batch (scenario);
  g_autofree char *subtitle = NULL;

  /* At the scenario's default batch of 1 both servers look the same: until the reader
   * chooses a limit, the page opens on the figure's default of 8 (uth_batching_view_init),
   * where static and continuous batching differ, and says so. */
  if (batch == 1 && !self->batch_chosen)
    {
      UthBatchingView defaults;

      uth_batching_view_init (&defaults, NULL);
      batch = defaults.config.max_batch;
    }
  /* The simulator runs at most UTH_BATCH_MAX_SLOTS slots: a larger scenario batch is run
   * with that many, and the row says so instead of ignoring it. */
  if (batch > UTH_BATCH_MAX_SLOTS)
    subtitle = g_strdup_printf (_("the scenario’s batch of %" PRIu64 " is more than the simulator’s %u slots: simulated with %u"),
                                batch, UTH_BATCH_MAX_SLOTS, UTH_BATCH_MAX_SLOTS);
  adw_action_row_set_subtitle (self->batch_row, subtitle != NULL ? subtitle : _("the scenario’s batch: sequences at once"));
  /* Showing the scenario's batch is not choosing a limit: the handler is for the reader's. */
  g_signal_handlers_block_by_func (self->batch_spin, batch_changed_cb, self);
  gtk_spin_button_set_value (self->batch_spin, (double) MIN (batch, UTH_BATCH_MAX_SLOTS));
  g_signal_handlers_unblock_by_func (self->batch_spin, batch_changed_cb, self);
  schedule_run (self);
}

/* ---- playback ---- */

static double
window_s (UthPageBatching *self)
{
  return uth_batching_view_window (&self->view, self->view.static_result,
                                   self->view.continuous_result);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  UthPageBatching *self = UTH_PAGE_BATCHING (widget);
  static const double speeds[] = { 0.25, 1.0, 4.0 };
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  guint speed = MIN (gtk_drop_down_get_selected (self->speed_dropdown), G_N_ELEMENTS (speeds) - 1);

  if (self->last_frame_us > 0)
    self->view.play_time_s += (now - self->last_frame_us) / 1e6 * speeds[speed] * uth_page_get_animation_speed ();
  self->last_frame_us = now;
  if (self->view.play_time_s >= window_s (self))
    {
      self->view.play_time_s = -1.0;
      gtk_toggle_button_set_active (self->play_button, FALSE);
    }
  uth_figure_update (self->figure);
  return G_SOURCE_CONTINUE;
}

static void
stop_ticking (UthPageBatching *self)
{
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
}

static void
play_toggled_cb (UthPageBatching *self)
{
  if (!gtk_toggle_button_get_active (self->play_button))
    {
      stop_ticking (self);
      gtk_button_set_icon_name (GTK_BUTTON (self->play_button), "media-playback-start-symbolic");
      return;
    }
  if (self->view.play_time_s < 0 || self->view.play_time_s >= window_s (self))
    self->view.play_time_s = 0.0;
  self->last_frame_us = 0;
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button), "media-playback-pause-symbolic");
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
  uth_figure_update (self->figure);
}

/* Moves to the end of the next step of either server. */
static void
step_clicked_cb (UthPageBatching *self)
{
  const UthBatchResult *r[2] = { self->view.static_result, self->view.continuous_result };
  double now, next = G_MAXDOUBLE;
  size_t i;
  int k;

  gtk_toggle_button_set_active (self->play_button, FALSE);
  now = MAX (self->view.play_time_s, 0.0);
  for (k = 0; k < 2; k++)
    if (r[k] != NULL)
      for (i = 0; i < r[k]->n_steps_log; i++)
        if (r[k]->steps_log[i].t1 > now + 1e-12)
          {
            next = MIN (next, r[k]->steps_log[i].t1);
            break;
          }
  self->view.play_time_s = next < G_MAXDOUBLE ? MIN (next, window_s (self)) : 0.0;
  uth_figure_update (self->figure);
}

static void
show_all_clicked_cb (UthPageBatching *self)
{
  gtk_toggle_button_set_active (self->play_button, FALSE);
  self->view.play_time_s = -1.0;
  uth_figure_update (self->figure);
}

/* Space plays and pauses the timelines, Right steps to the next server step, Home shows
 * everything: the page works without a mouse, like Tiling and Flash Attention. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                UthPageBatching       *self)
{
  if (!uth_playback_keys_free (GTK_WIDGET (self), state))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_space:
      gtk_toggle_button_set_active (self->play_button, !gtk_toggle_button_get_active (self->play_button));
      return TRUE;
    case GDK_KEY_Right:
      step_clicked_cb (self);
      return TRUE;
    case GDK_KEY_Home:
      show_all_clicked_cb (self);
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---- figure ---- */

static void
figure_context_cb (UthFigure        *figure,
                   UthFigureContext *ctx,
                   gpointer          user_data)
{
  UthPageBatching *self = user_data;

  ctx->page_data = &self->view;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  const UthBatchingView *view = ctx->page_data;
  g_autofree char *a = NULL, *b = NULL;
  g_autofree char *requests = NULL, *most = NULL;

  if (view == NULL || view->static_result == NULL || view->continuous_result == NULL)
    return g_strdup (_("Static against continuous batching as timelines, and GPU utilization against batch size."));
  a = uth_format_tokens_rate (view->static_result->output_tokens_per_s);
  b = uth_format_tokens_rate (view->continuous_result->output_tokens_per_s);
  requests = g_strdup_printf (ngettext ("%u request", "%u requests", view->config.requests),
                              view->config.requests);
  most = g_strdup_printf (ngettext ("at most %u sequence per batch", "at most %u sequences per batch",
                                    view->config.max_batch), view->config.max_batch);
  /* Translators: "Timelines of 64 requests served with at most 8 sequences per batch: …" */
  return g_strdup_printf (_("Timelines of %s served with %s: static batching reaches %s, continuous batching %s."),
                          requests, most, a, b);
}

static const UthPageFigure *
uth_page_batching_get_figure (UthPage          *page,
                              UthFigureContext *ctx)
{
  UthPageBatching *self = UTH_PAGE_BATCHING (page);
  const UthPageFigure *figure;

  figure = UTH_PAGE_CLASS (uth_page_batching_parent_class)->get_figure (page, ctx);
  ctx->page_data = &self->view;
  return figure;
}

static void
uth_page_batching_dispose (GObject *object)
{
  UthPageBatching *self = UTH_PAGE_BATCHING (object);

  stop_ticking (self);
  g_clear_handle_id (&self->run_idle, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), UTH_TYPE_PAGE_BATCHING);
  G_OBJECT_CLASS (uth_page_batching_parent_class)->dispose (object);
}

static void
uth_page_batching_finalize (GObject *object)
{
  UthPageBatching *self = UTH_PAGE_BATCHING (object);

  uth_batch_result_clear (&self->results[0]);
  uth_batch_result_clear (&self->results[1]);
  G_OBJECT_CLASS (uth_page_batching_parent_class)->finalize (object);
}

static void
uth_page_batching_class_init (UthPageBatchingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_batching_dispose;
  object_class->finalize = uth_page_batching_finalize;
  page_class->refresh = uth_page_batching_refresh;
  page_class->get_figure = uth_page_batching_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-batching.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, play_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, arrival_row);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, prompt_kind_row);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, output_kind_row);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, requests_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, prompt_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, output_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, batch_row);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, chunked_switch);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, chunk_spin);
  gtk_widget_class_bind_template_child (widget_class, UthPageBatching, status_label);
  gtk_widget_class_bind_template_callback (widget_class, control_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, batch_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, play_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, step_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, show_all_clicked_cb);
}

static void
uth_page_batching_init (UthPageBatching *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Named in the .ui by its label property, which the button inside cannot read. */
  uth_accessible_label_inner_button (GTK_WIDGET (self->speed_dropdown), NULL, _("Playback speed"));
  /* The core's limit, not a second copy of it in the .ui. */
  gtk_spin_button_set_range (self->batch_spin, 1, UTH_BATCH_MAX_SLOTS);
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  uth_batching_view_init (&self->view, NULL);
  read_config (self, &self->view.config);
  uth_figure_set_page (self->figure, uth_draw_find_page ("batching"));
  uth_figure_set_context_func (self->figure, figure_context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Batching simulator"));
}

const UthBatchingView *
uth_page_batching_get_view (UthPageBatching *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_BATCHING (self), NULL);
  return &self->view;
}

gboolean
uth_page_batching_is_running (UthPageBatching *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_BATCHING (self), FALSE);
  return self->cancellable != NULL || self->run_idle != 0;
}
