/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-fundamentals.h"
#include "pages/uth-page-overview.h"
#include "pages/uth-playback.h"
#include "render/uth-draw-common.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"
#include "widgets/uth-wrap-box.h"

/* While playing, a step's animation runs for ANIMATION_MS and the built step stays for
 * the rest of STEP_MS, time enough to read its caption; both divided by the Preferences'
 * animation speed. The figure is redrawn every TICK_MS. */
#define STEP_MS      8000.0
#define ANIMATION_MS 5000.0
#define TICK_MS      40

typedef enum
{
  FORMULA_LARGEST,
  FORMULA_MLP_SHARE,
  FORMULA_RIDGE,
  FORMULA_A100_RIDGE,
  FORMULA_PREFILL_INTENSITY,
  FORMULA_DECODE_INTENSITY,
  N_FORMULAS
} Formula;

struct _UthPageOverview
{
  UthPage          parent_instance;

  UthOverviewView  view;
  UthPlayback     *playback;
  gint64           step_started;   /* monotonic time the playing step began */

  UthFigure       *figure;
  GtkToggleButton *play_button;
  GtkButton       *back_button;
  GtkButton       *forward_button;
  UthWrapBox      *links_box;
  UthWrapBox      *formulas_box;
  GtkWidget       *links[UTH_OVERVIEW_N_CHAPTERS];
  GtkWidget       *formulas[N_FORMULAS];
  GtkWidget       *formula_names[N_FORMULAS];
};

G_DEFINE_FINAL_TYPE (UthPageOverview, uth_page_overview, UTH_TYPE_PAGE)

/* ---- formulas ---- */

static void
set_largest (UthPageOverview   *self,
             const UthOverview *o)
{
  const UthOverviewGemm *g = &o->gemms[o->largest];
  g_autofree char *value = uth_format_flops (g->flops_per_token);
  g_autofree char *k = uth_overview_grouped ((double) g->k);
  g_autofree char *n = uth_overview_grouped ((double) g->n);
  g_autofree char *exact = uth_overview_grouped (g->flops_per_token);
  g_autofree char *name = g_strdup_printf (_("%s, FLOPs per token"), uth_overview_gemm_name (g));
  g_autofree char *sub = g_strdup_printf (_("2 × %s × %s = %s FLOP"), k, n, exact);

  gtk_label_set_label (GTK_LABEL (self->formula_names[FORMULA_LARGEST]), name);
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->formulas[FORMULA_LARGEST]), value, name,
                          _("2 × K × N: a multiply and an add for each weight of the K × N matrix"), sub);
}

static void
set_share (UthPageOverview   *self,
           const UthOverview *o)
{
  g_autofree char *value = uth_format_percent (o->group_share[UTH_OP_GROUP_MLP]);
  g_autofree char *mlp = uth_format_flops (o->group_flops[UTH_OP_GROUP_MLP]);
  g_autofree char *all = uth_format_flops (o->layer_flops);
  g_autofree char *sub = g_strdup_printf ("%s ÷ %s = %s", mlp, all, value);

  /* xgettext:no-c-format */
  uth_formula_button_set (UTH_FORMULA_BUTTON (self->formulas[FORMULA_MLP_SHARE]), value,
                          _("MLP share of a layer’s FLOPs"),
                          _("FLOPs of the MLP ÷ FLOPs of the whole layer (rule of thumb: 65%)"), sub);
}

static void
set_ridge (UthPageOverview        *self,
           Formula                 formula,
           const char             *name,
           const UthOverviewRidge *r)
{
  g_autofree char *value = uth_format_intensity (r->ridge);
  g_autofree char *peak = uth_format_flops_rate (r->peak_flops);
  g_autofree char *bw = uth_format_bandwidth (r->bandwidth);
  g_autofree char *pct = uth_format_percent (r->bandwidth_efficiency);
  g_autofree char *eff = uth_format_bandwidth (r->effective_bandwidth);
  /* Translators: "312 TFLOP/s ÷ (2.04 TB/s × 85% = 1.73 TB/s) = 180 FLOP/B" */
  g_autofree char *sub = g_strdup_printf (_("%s ÷ (%s × %s = %s) = %s"), peak, bw, pct, eff, value);

  uth_formula_button_set (UTH_FORMULA_BUTTON (self->formulas[formula]), value, name,
                          _("peak FLOP/s ÷ (memory bandwidth × the engine’s bandwidth efficiency)"), sub);
}

static void
set_intensity (UthPageOverview *self,
               Formula          formula,
               const char      *name,
               const char      *words,
               double           flops,
               double           bytes,
               double           intensity)
{
  g_autofree char *value = uth_format_intensity (intensity);
  g_autofree char *f = uth_format_flops (flops);
  g_autofree char *b = uth_format_bytes (bytes);
  g_autofree char *sub = g_strdup_printf ("%s ÷ %s = %s", f, b, value);

  uth_formula_button_set (UTH_FORMULA_BUTTON (self->formulas[formula]), value, name, words, sub);
}

static void
update_formulas (UthPageOverview *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  UthFigureContext ctx;
  UthOverview o;
  UthOverviewRidge a100;
  g_autofree char *ridge_name = NULL;

  if (scenario == NULL)
    return;
  uth_scenario_get_figure_context (scenario, &ctx);
  if (ctx.input.model == NULL || ctx.input.gpu == NULL || ctx.input.engine == NULL ||
      uth_overview_compute (&ctx.input, &o) != UTH_ESTIMATE_OK)
    {
      Formula f;

      for (f = 0; f < N_FORMULAS; f++)
        uth_formula_button_set (UTH_FORMULA_BUTTON (self->formulas[f]), "–", NULL,
                                _("No estimate for this scenario"), NULL);
      return;
    }
  set_largest (self, &o);
  set_share (self, &o);
  ridge_name = g_strdup_printf (_("Ridge point of the %s"), ctx.gpu != NULL ? ctx.gpu->name : "");
  set_ridge (self, FORMULA_RIDGE, ridge_name, &o.ridge);
  if (uth_overview_a100_ridge (&ctx, &a100))
    set_ridge (self, FORMULA_A100_RIDGE, _("Ridge point of the A100 (the textbook example)"), &a100);
  set_intensity (self, FORMULA_PREFILL_INTENSITY, _("Arithmetic intensity of prefill"),
                 _("FLOPs of the prefill ÷ bytes it moves"),
                 o.estimate.prefill_flops, o.estimate.prefill_bytes, o.prefill_intensity);
  set_intensity (self, FORMULA_DECODE_INTENSITY, _("Arithmetic intensity of decode at batch 1"),
                 _("FLOPs of one decode step ÷ bytes it moves (rule of thumb: 2 × batch ÷ bytes per weight)"),
                 o.decode_flops_batch1, o.decode_bytes_batch1, o.decode_intensity_batch1);
}

static void
add_formula (UthPageOverview *self,
             Formula          formula,
             const char      *label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (label);

  gtk_widget_add_css_class (name, "dim-label");
  self->formula_names[formula] = name;
  self->formulas[formula] = uth_formula_button_new ();
  gtk_widget_set_valign (self->formulas[formula], GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), self->formulas[formula]);
  uth_wrap_box_append (self->formulas_box, box);
}

/* ---- the walk ---- */

static void
update_links (UthPageOverview *self)
{
  int chapter = uth_overview_step_chapter (self->view.step), i;

  for (i = 0; i < UTH_OVERVIEW_N_CHAPTERS; i++)
    {
      if (i == chapter)
        gtk_widget_add_css_class (self->links[i], "suggested-action");
      else
        gtk_widget_remove_css_class (self->links[i], "suggested-action");
    }
}

static void
show_step (UthPageOverview *self,
           int              step,
           double           progress)
{
  self->view.step = CLAMP (step, 0, UTH_OVERVIEW_N_STEPS - 1);
  self->view.progress = CLAMP (progress, 0.0, 1.0);
  update_links (self);
  uth_figure_update (self->figure);
}

/* A tick while playing: the step animates, stays built for the rest of STEP_MS, then the
 * next one starts; after the last step playing stops. */
static gboolean
playback_tick_cb (gpointer owner,
                  int      delta)
{
  UthPageOverview *self = owner;
  double speed = uth_page_get_animation_speed ();
  double elapsed = (double) (g_get_monotonic_time () - self->step_started) / 1000.0 * speed;

  if (elapsed >= STEP_MS)
    {
      if (self->view.step + 1 >= UTH_OVERVIEW_N_STEPS)
        {
          show_step (self, self->view.step, 1.0);
          return FALSE;
        }
      self->step_started = g_get_monotonic_time ();
      show_step (self, self->view.step + 1, 0.0);
      return TRUE;
    }
  if (self->view.progress < 1.0)
    show_step (self, self->view.step, elapsed / ANIMATION_MS);
  return TRUE;
}

static gboolean
playback_step_cb (gpointer owner,
                  int      delta)
{
  UthPageOverview *self = owner;

  uth_page_overview_set_step (self, self->view.step + delta);
  return TRUE;
}

/* Playing from the end starts again from the prompt. */
static void
playback_restart_cb (gpointer owner)
{
  UthPageOverview *self = owner;

  uth_page_overview_set_step (self, self->view.step + 1 >= UTH_OVERVIEW_N_STEPS ? 0 : self->view.step);
}

/* Paused, the step shows built. */
static void
playing_changed_cb (UthPageOverview *self)
{
  if (!uth_playback_get_playing (self->playback))
    show_step (self, self->view.step, 1.0);
}

static void
home_clicked_cb (UthPageOverview *self)
{
  uth_page_open_page (UTH_PAGE (self), "home");
}

static void
link_clicked_cb (GtkButton       *button,
                 UthPageOverview *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "page-id");

  if (id != NULL)
    uth_page_open_page (UTH_PAGE (self), id);
}

static void
item_activated_cb (UthPageOverview *self,
                   int              chapter)
{
  if (chapter >= 0 && chapter < UTH_OVERVIEW_N_CHAPTERS)
    {
      uth_page_overview_set_playing (self, FALSE);
      uth_page_overview_set_step (self, uth_overview_chapter_step (chapter));
    }
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  UthPageOverview *self = user_data;

  ctx->page_data = &self->view;
  ctx->view = self->view.step + 1;
}

static void
uth_page_overview_refresh (UthPage *page)
{
  UthPageOverview *self = UTH_PAGE_OVERVIEW (page);

  update_formulas (self);
  uth_figure_update (self->figure);
}

/* ---- overrides ---- */

static const UthPageFigure *
uth_page_overview_get_figure (UthPage          *page,
                              UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_overview_parent_class)->get_figure (page, ctx);

  context_cb (NULL, ctx, page);
  return figure;
}

static void
uth_page_overview_dispose (GObject *object)
{
  UthPageOverview *self = UTH_PAGE_OVERVIEW (object);

  g_clear_object (&self->playback);
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_OVERVIEW);
  G_OBJECT_CLASS (uth_page_overview_parent_class)->dispose (object);
}

static void
uth_page_overview_class_init (UthPageOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_overview_dispose;
  page_class->refresh = uth_page_overview_refresh;
  page_class->get_figure = uth_page_overview_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-overview.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageOverview, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageOverview, play_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageOverview, back_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageOverview, forward_button);
  gtk_widget_class_bind_template_child (widget_class, UthPageOverview, links_box);
  gtk_widget_class_bind_template_child (widget_class, UthPageOverview, formulas_box);
  gtk_widget_class_bind_template_callback (widget_class, home_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, item_activated_cb);
}

static void
add_links (UthPageOverview *self)
{
  int i;

  for (i = 0; i < UTH_OVERVIEW_N_CHAPTERS; i++)
    {
      const char *id = uth_overview_chapter_page (i);
      const UthPageFigure *page = uth_draw_find_page (id);
      /* Translators: a link to the page that goes deeper into part 2 of the walk: "2 · Generation" */
      g_autofree char *label = g_strdup_printf (_("%d · %s"), i + 1, page != NULL ? _(page->title) : id);
      g_autofree char *tooltip = g_strdup_printf (_("Go deeper into “%s” on the %s page"),
                                                  uth_overview_chapter_title (i),
                                                  page != NULL ? _(page->title) : id);

      self->links[i] = gtk_button_new_with_label (label);
      gtk_widget_set_tooltip_text (self->links[i], tooltip);
      g_object_set_data (G_OBJECT (self->links[i]), "page-id", (gpointer) id);
      g_signal_connect (self->links[i], "clicked", G_CALLBACK (link_clicked_cb), self);
      uth_wrap_box_append (self->links_box, self->links[i]);
    }
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  return uth_overview_describe (ctx);
}

static void
uth_page_overview_init (UthPageOverview *self)
{
  self->view.step = 0;
  self->view.progress = 1.0;
  gtk_widget_init_template (GTK_WIDGET (self));
  add_links (self);
  add_formula (self, FORMULA_LARGEST, _("Largest product, per token"));
  add_formula (self, FORMULA_MLP_SHARE, _("MLP share"));
  add_formula (self, FORMULA_RIDGE, _("Ridge point, your GPU"));
  add_formula (self, FORMULA_A100_RIDGE, _("Ridge point, A100"));
  add_formula (self, FORMULA_PREFILL_INTENSITY, _("Prefill intensity"));
  add_formula (self, FORMULA_DECODE_INTENSITY, _("Decode intensity, batch 1"));
  update_links (self);
  self->playback = uth_playback_new (GTK_WIDGET (self), TICK_MS, playback_step_cb, playback_restart_cb);
  uth_playback_set_tick_func (self->playback, playback_tick_cb);
  uth_playback_set_buttons (self->playback, self->play_button, self->back_button, self->forward_button);
  g_signal_connect_object (self->playback, "notify::playing", G_CALLBACK (playing_changed_cb), self,
                           G_CONNECT_SWAPPED);
  uth_figure_set_draw_func (self->figure, uth_draw_overview, uth_draw_overview_hit);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("What happens when you send a prompt"));
}

/* ---- public API ---- */

const UthOverviewView *
uth_page_overview_get_view (UthPageOverview *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_OVERVIEW (self), NULL);
  return &self->view;
}

void
uth_page_overview_set_step (UthPageOverview *self,
                            int              step)
{
  g_return_if_fail (UTH_IS_PAGE_OVERVIEW (self));
  self->step_started = g_get_monotonic_time ();
  /* Played, a step animates from its start; stepped by hand, it shows built. */
  show_step (self, step, uth_playback_get_playing (self->playback) ? 0.0 : 1.0);
}

void
uth_page_overview_step (UthPageOverview *self,
                        int              delta)
{
  g_return_if_fail (UTH_IS_PAGE_OVERVIEW (self));
  uth_page_overview_set_step (self, self->view.step + delta);
}

void
uth_page_overview_set_playing (UthPageOverview *self,
                               gboolean         playing)
{
  g_return_if_fail (UTH_IS_PAGE_OVERVIEW (self));
  uth_playback_set_playing (self->playback, playing);
}

gboolean
uth_page_overview_get_playing (UthPageOverview *self)
{
  g_return_val_if_fail (UTH_IS_PAGE_OVERVIEW (self), FALSE);
  return uth_playback_get_playing (self->playback);
}

GtkWidget *
uth_page_overview_get_link (UthPageOverview *self,
                            int              chapter)
{
  g_return_val_if_fail (UTH_IS_PAGE_OVERVIEW (self), NULL);
  g_return_val_if_fail (chapter >= 0 && chapter < UTH_OVERVIEW_N_CHAPTERS, NULL);
  return self->links[chapter];
}
