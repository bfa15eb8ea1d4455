/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-log-slider.h"
#include "widgets/uth-wrap-box.h"

typedef struct
{
  char         *id;
  char         *title;
  UthScenario  *scenario;
  /* The scenario's "changed", connected once for the page's life: setting the target
   * moves it to a new scenario. */
  GSignalGroup *scenario_signals;
  /* The page's controls bound to scenario properties (uth_page_bind). */
  GBindingGroup *bindings;
  UthAnalysisCache *analysis;  /* the analysis uth_page_get_figure hands out */
} UthPagePrivate;

enum
{
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_SCENARIO,
  N_PROPS
};

enum
{
  TOAST,
  OPEN_PAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_TYPE_WITH_PRIVATE (UthPage, uth_page, GTK_TYPE_WIDGET)

static const UthPageFigure *
uth_page_real_get_figure (UthPage          *self,
                          UthFigureContext *ctx)
{
  UthPagePrivate *priv = uth_page_get_instance_private (self);

  if (priv->scenario != NULL)
    uth_scenario_get_figure_context (priv->scenario, ctx);
  else
    uth_figure_context_init (ctx);
  return uth_draw_find_page (priv->id);
}

/* The first figure below widget, in child order, that can take the focus now. */
static GtkWidget *
find_focusable_figure (GtkWidget *widget)
{
  GtkWidget *child;

  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return NULL;
  if (UTH_IS_FIGURE (widget) && gtk_widget_get_focusable (widget)
      && gtk_widget_is_sensitive (widget))
    return widget;
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_focusable_figure (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The figure when it takes keys itself (its items), else the page: the page's own keys (Space
 * plays and pauses, arrows step) then reach it, where the first control in Tab order would
 * take Space itself (a text field types it, a drop-down opens, a button presses). Tab moves
 * on into the page's controls. */
/* A figure whose top is below the first screenful of the page: focusing it would put the
 * focus out of sight (the Layer page's ops table, under two other figures). */
static gboolean
below_the_fold (UthPage   *self,
                GtkWidget *figure)
{
  graphene_rect_t bounds;
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  return gtk_widget_compute_bounds (figure, GTK_WIDGET (self), &bounds) &&
         bounds.origin.y > height - 48;
}

static void
focus_page_itself (UthPage *self)
{
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  if (!gtk_widget_grab_focus (GTK_WIDGET (self)))
    gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

/* A page shown for the first time has no size yet, so where its figure lands is not known:
 * the page itself holds the focus until it is laid out, then the figure takes it if it is
 * in sight and the focus has not moved meanwhile. */
static gboolean
focus_after_layout_cb (GtkWidget     *widget,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  UthPage *self = UTH_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *figure;

  if (gtk_widget_get_height (widget) <= 0 && GPOINTER_TO_INT (user_data) > 0)
    {
      gtk_widget_add_tick_callback (widget, focus_after_layout_cb,
                                    GINT_TO_POINTER (GPOINTER_TO_INT (user_data) - 1), NULL);
      return G_SOURCE_REMOVE;
    }
  figure = find_focusable_figure (widget);
  if (root != NULL && gtk_root_get_focus (root) == widget && figure != NULL && !below_the_fold (self, figure))
    gtk_widget_grab_focus (figure);
  return G_SOURCE_REMOVE;
}

/* The figure when it takes keys itself (its items), else the page: the page's own keys (Space
 * plays and pauses, arrows step) then reach it, where the first control in Tab order would
 * take Space itself (a text field types it, a drop-down opens, a button presses). Tab moves
 * on into the page's controls. */
static void
uth_page_real_focus_content (UthPage *self)
{
  GtkWidget *figure = find_focusable_figure (GTK_WIDGET (self));

  if (figure != NULL && gtk_widget_get_height (GTK_WIDGET (self)) <= 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      focus_page_itself (self);
      gtk_widget_add_tick_callback (GTK_WIDGET (self), focus_after_layout_cb, GINT_TO_POINTER (5), NULL);
      return;
    }
  if (figure != NULL && !below_the_fold (self, figure) && gtk_widget_grab_focus (figure))
    return;
  focus_page_itself (self);
}

/* Every UthFigure in the page draws the page's scenario: a page has no figure of its own
 * that shows another one. */
static void
give_figures_scenario (GtkWidget   *widget,
                       UthScenario *scenario)
{
  GtkWidget *child;

  if (UTH_IS_FIGURE (widget))
    uth_figure_set_scenario (UTH_FIGURE (widget), scenario);
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    give_figures_scenario (child, scenario);
}

static void
uth_page_dispose (GObject *object)
{
  UthPage *self = UTH_PAGE (object);
  GtkWidget *child;

  UthPagePrivate *priv = uth_page_get_instance_private (self);

  /* The subclass is already disposed (its template children are gone), so neither
   * scenario_changed nor refresh is called from here: the signal and binding groups let go
   * of the scenario, and handlers the page connected to it with itself as data are dropped. */
  if (priv->scenario_signals != NULL)
    g_signal_group_set_target (priv->scenario_signals, NULL);
  if (priv->bindings != NULL)
    g_binding_group_set_source (priv->bindings, NULL);
  if (priv->scenario != NULL)
    {
      g_signal_handlers_disconnect_matched (priv->scenario, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      g_clear_object (&priv->scenario);
    }
  g_clear_object (&priv->scenario_signals);
  g_clear_object (&priv->bindings);
  /* A subclass with a template disposes it in its own dispose (gtk_widget_dispose_template
   * criticals on a type without one); what is left is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (uth_page_parent_class)->dispose (object);
}

static void
uth_page_finalize (GObject *object)
{
  UthPagePrivate *priv = uth_page_get_instance_private (UTH_PAGE (object));

  g_free (priv->id);
  g_free (priv->title);
  g_clear_pointer (&priv->analysis, uth_analysis_cache_free);
  G_OBJECT_CLASS (uth_page_parent_class)->finalize (object);
}

static void
uth_page_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  UthPagePrivate *priv = uth_page_get_instance_private (UTH_PAGE (object));

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, priv->id); break;
    case PROP_TITLE: g_value_set_string (value, priv->title); break;
    case PROP_SCENARIO: g_value_set_object (value, priv->scenario); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_page_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  UthPage *self = UTH_PAGE (object);
  UthPagePrivate *priv = uth_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      g_free (priv->id);
      priv->id = g_value_dup_string (value);
      break;
    case PROP_TITLE:
      g_free (priv->title);
      priv->title = g_value_dup_string (value);
      break;
    case PROP_SCENARIO:
      uth_page_set_scenario (self, g_value_get_object (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GQuark value_label_quark;

/* A plain scale reports its position as a bare number; a screen reader gets what the eye
 * gets: the label the page keeps beside it ("θ = 10000", uth_page_set_scale_value_label),
 * else the number the scale draws, with its digits and the locale's decimal mark. */
static void
update_scale_value_text (GtkRange *range)
{
  GtkLabel *label = g_object_get_qdata (G_OBJECT (range), value_label_quark);
  g_autofree char *text = NULL;

  if (label != NULL)
    text = g_strdup (gtk_label_get_text (label));
  else
    text = g_strdup_printf ("%.*f", GTK_IS_SCALE (range) ? gtk_scale_get_digits (GTK_SCALE (range)) : 0,
                            gtk_range_get_value (range));
  gtk_accessible_update_property (GTK_ACCESSIBLE (range), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);
}

static void
give_scales_value_text (GtkWidget *widget)
{
  GtkWidget *child;

  /* A log slider says its value itself. */
  if (UTH_IS_LOG_SLIDER (widget))
    return;
  if (GTK_IS_SCALE (widget))
    {
      /* After the page's own handler, which updates the label beside it. */
      g_signal_connect_after (widget, "value-changed", G_CALLBACK (update_scale_value_text), NULL);
      update_scale_value_text (GTK_RANGE (widget));
    }
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    give_scales_value_text (child);
}

static gboolean
is_row_control (GtkWidget *widget)
{
  return GTK_IS_SPIN_BUTTON (widget) || GTK_IS_SCALE (widget) || GTK_IS_DROP_DOWN (widget) ||
         GTK_IS_SWITCH (widget) || GTK_IS_ENTRY (widget) || GTK_IS_CHECK_BUTTON (widget);
}

static void
name_row_controls (GtkWidget  *widget,
                   const char *title,
                   const char *subtitle)
{
  GtkWidget *child;

  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (is_row_control (child))
      {
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
        if (subtitle != NULL && *subtitle != '\0')
          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                          subtitle, -1);
      }
    else
      name_row_controls (child, title, subtitle);
}

/* A spin button or a scale at the end of a row was read "GtkSpinButton": the row's title
 * beside it is what it sets, and the subtitle what that means. */
static void
name_controls_in_rows (GtkWidget *widget)
{
  GtkWidget *child;

  if (ADW_IS_ACTION_ROW (widget) && !ADW_IS_COMBO_ROW (widget))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

      if (title != NULL && *title != '\0')
        name_row_controls (widget, title, adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)));
      return;
    }
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_controls_in_rows (child);
}

/* A page wider than a narrow window (a figure that cannot reflow, a row of controls) scrolls
 * sideways instead of holding the window wider than the screen (Layer held it at 739 px). */
static void
scroll_sideways_when_narrow (GtkWidget *widget)
{
  GtkWidget *child;

  if (GTK_IS_SCROLLED_WINDOW (widget))
    {
      GtkPolicyType h, v;

      gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (widget), &h, &v);
      if (h == GTK_POLICY_NEVER)
        gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (widget), GTK_POLICY_AUTOMATIC, v);
      return;
    }
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    scroll_sideways_when_narrow (child);
}

static void
uth_page_constructed (GObject *object)
{
  UthPagePrivate *priv = uth_page_get_instance_private (UTH_PAGE (object));
  const UthPageFigure *figure;

  G_OBJECT_CLASS (uth_page_parent_class)->constructed (object);
  /* The title defaults to the figure table's, so a page needs only its id. */
  figure = uth_draw_find_page (priv->id);
  if (priv->title == NULL && figure != NULL)
    priv->title = g_strdup (_(figure->title));
  /* Read by its title, not its class name ("UthPageCost"), when it or a control in it
   * takes the focus. */
  if (priv->title != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (object), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    priv->title, -1);
  give_scales_value_text (GTK_WIDGET (object));
  name_controls_in_rows (GTK_WIDGET (object));
  scroll_sideways_when_narrow (GTK_WIDGET (object));
}

static void
uth_page_class_init (UthPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = uth_page_dispose;
  object_class->finalize = uth_page_finalize;
  object_class->get_property = uth_page_get_property;
  object_class->set_property = uth_page_set_property;
  object_class->constructed = uth_page_constructed;
  klass->get_figure = uth_page_real_get_figure;
  klass->focus_content = uth_page_real_focus_content;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCENARIO] =
    g_param_spec_object ("scenario", NULL, NULL, UTH_TYPE_SCENARIO,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * UthPage::toast:
   * @message: the text to show
   */
  signals[TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * UthPage::open-page:
   * @id: the page to show
   */
  signals[OPEN_PAGE] = g_signal_new ("open-page", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "uthpage");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  /* The pages' controls wrap in one (GtkFlowBox's cells took the focus: Tab stopped twice). */
  g_type_ensure (UTH_TYPE_WRAP_BOX);
  value_label_quark = g_quark_from_static_string ("uth-page-value-label");
}

static void
scenario_emitted_changed_cb (UthPage *self)
{
  uth_page_refresh (self);
}

static void
uth_page_init (UthPage *self)
{
  UthPagePrivate *priv = uth_page_get_instance_private (self);

  priv->scenario_signals = g_signal_group_new (UTH_TYPE_SCENARIO);
  g_signal_group_connect_swapped (priv->scenario_signals, "changed",
                                  G_CALLBACK (scenario_emitted_changed_cb), self);
  priv->bindings = g_binding_group_new ();
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

const char *
uth_page_get_id (UthPage *self)
{
  UthPagePrivate *priv = uth_page_get_instance_private (self);

  g_return_val_if_fail (UTH_IS_PAGE (self), NULL);
  return priv->id;
}

const char *
uth_page_get_title (UthPage *self)
{
  UthPagePrivate *priv = uth_page_get_instance_private (self);

  g_return_val_if_fail (UTH_IS_PAGE (self), NULL);
  return priv->title;
}

UthScenario *
uth_page_get_scenario (UthPage *self)
{
  UthPagePrivate *priv = uth_page_get_instance_private (self);

  g_return_val_if_fail (UTH_IS_PAGE (self), NULL);
  return priv->scenario;
}

void
uth_page_set_scenario (UthPage     *self,
                       UthScenario *scenario)
{
  UthPagePrivate *priv = uth_page_get_instance_private (self);
  g_autoptr(UthScenario) old = NULL;

  g_return_if_fail (UTH_IS_PAGE (self));
  g_return_if_fail (scenario == NULL || UTH_IS_SCENARIO (scenario));

  if (priv->scenario == scenario)
    return;
  old = g_steal_pointer (&priv->scenario);
  priv->scenario = scenario != NULL ? g_object_ref (scenario) : NULL;
  /* Controls the page resets for the new scenario do not write to the old one. */
  g_binding_group_set_source (priv->bindings, NULL);
  give_figures_scenario (GTK_WIDGET (self), scenario);
  if (UTH_PAGE_GET_CLASS (self)->scenario_changed != NULL)
    UTH_PAGE_GET_CLASS (self)->scenario_changed (self, old);
  g_binding_group_set_source (priv->bindings, scenario);
  g_signal_group_set_target (priv->scenario_signals, scenario);
  uth_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCENARIO]);
}

void
uth_page_refresh (UthPage *self)
{
  UthPagePrivate *priv = uth_page_get_instance_private (self);

  g_return_if_fail (UTH_IS_PAGE (self));

  if (priv->scenario != NULL && UTH_PAGE_GET_CLASS (self)->refresh != NULL)
    UTH_PAGE_GET_CLASS (self)->refresh (self);
}

void
uth_page_bind (UthPage       *self,
               const char    *scenario_property,
               gpointer       target,
               const char    *target_property,
               GBindingFlags  flags)
{
  uth_page_bind_full (self, scenario_property, target, target_property, flags, NULL, NULL, NULL);
}

void
uth_page_bind_full (UthPage               *self,
                    const char            *scenario_property,
                    gpointer               target,
                    const char            *target_property,
                    GBindingFlags          flags,
                    GBindingTransformFunc  transform_to,
                    GBindingTransformFunc  transform_from,
                    gpointer               user_data)
{
  UthPagePrivate *priv = uth_page_get_instance_private (self);
  g_autoptr(GTypeClass) scenario_class = g_type_class_ref (UTH_TYPE_SCENARIO);

  g_return_if_fail (UTH_IS_PAGE (self));
  g_return_if_fail (G_IS_OBJECT (target));
  g_return_if_fail (g_object_class_find_property (G_OBJECT_CLASS (scenario_class),
                                                  scenario_property) != NULL);

  g_binding_group_bind_full (priv->bindings, scenario_property, target, target_property,
                             flags | G_BINDING_SYNC_CREATE, transform_to, transform_from,
                             user_data, NULL);
}

const UthPageFigure *
uth_page_get_figure (UthPage          *self,
                     UthFigureContext *ctx)
{
  UthPagePrivate *priv = uth_page_get_instance_private (self);
  const UthPageFigure *figure;

  g_return_val_if_fail (UTH_IS_PAGE (self), NULL);
  g_return_val_if_fail (ctx != NULL, NULL);
  figure = UTH_PAGE_GET_CLASS (self)->get_figure (self, ctx);
  /* The page's analysis (issue 20), the same the page's figure draws; kept until its
   * inputs change, so slides drawn every frame do not compute it again. */
  if (figure != NULL && priv->scenario != NULL)
    {
      if (priv->analysis == NULL)
        priv->analysis = uth_analysis_cache_new ();
      uth_analysis_cache_attach (priv->analysis, uth_scenario_get_analysis_sources (priv->scenario),
                                 figure->id, ctx, NULL, NULL);
    }
  return figure;
}

void
uth_page_toast (UthPage    *self,
                const char *message)
{
  g_return_if_fail (UTH_IS_PAGE (self));
  g_signal_emit (self, signals[TOAST], 0, message);
}

void
uth_page_open_page (UthPage    *self,
                    const char *id)
{
  g_return_if_fail (UTH_IS_PAGE (self));
  g_signal_emit (self, signals[OPEN_PAGE], 0, id);
}

/* Process-wide, like the preference it mirrors; set by the window from GSettings. */
static double animation_speed = 1.0;

double
uth_page_get_animation_speed (void)
{
  return animation_speed;
}

void
uth_page_set_animation_speed (double speed)
{
  g_return_if_fail (speed > 0.0);
  animation_speed = CLAMP (speed, 0.25, 4.0);
}

gboolean
uth_page_focus_content (UthPage *self)
{
  GtkRoot *root;
  GtkWidget *focus;

  g_return_val_if_fail (UTH_IS_PAGE (self), FALSE);

  if (UTH_PAGE_GET_CLASS (self)->focus_content != NULL)
    UTH_PAGE_GET_CLASS (self)->focus_content (self);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  return focus != NULL
         && (focus == GTK_WIDGET (self) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self)));
}

/* For a scale whose position is not its value (θ on a log scale): assistive technologies read
 * @label's text as the scale's value. Call from the page's init. */
void
uth_page_set_scale_value_label (UthPage  *self,
                                GtkRange *range,
                                GtkLabel *label)
{
  g_return_if_fail (UTH_IS_PAGE (self));
  g_return_if_fail (GTK_IS_RANGE (range));
  g_return_if_fail (label == NULL || GTK_IS_LABEL (label));

  g_object_set_qdata (G_OBJECT (range), value_label_quark, label);
  /* The page writes the label after the value changes, and when the scenario arrives. */
  if (label != NULL)
    g_signal_connect_object (label, "notify::label", G_CALLBACK (update_scale_value_text), range,
                             G_CONNECT_SWAPPED);
  update_scale_value_text (range);
}
