/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <adwaita.h>

#include "widgets/uth-figure.h"

struct _UthFigure
{
  GtkWidget              parent_instance;

  UthScenario           *scenario;
  UthDrawFunc            draw;
  UthHitFunc             hit;
  const UthPageFigure   *page;
  UthFigureContextFunc   context_func;
  gpointer               context_data;
  GDestroyNotify         context_destroy;
  UthFigureDescribeFunc  describe;
  int                    hover;
  int                    n_items;
  guint                  n_queued;
  int                    natural_width;
  UthFigureHeightFunc    height_func;
  char                  *description;   /* the whole figure in words */
  GtkPopover            *item_popover;  /* the item the keyboard selected: its tooltip */
  GtkLabel              *item_label;
  gboolean               keyboard_item; /* hover came from the keyboard, not the pointer */
  UthAnalysisCache      *analysis;      /* the page's analysis, until its inputs change */
};

enum
{
  PROP_0,
  PROP_SCENARIO,
  PROP_NATURAL_WIDTH,
  N_PROPS
};

enum
{
  ITEM_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UthFigure, uth_figure, GTK_TYPE_WIDGET)

static void
update_description (UthFigure *self)
{
  UthFigureContext ctx;
  g_autofree char *text = NULL;

  if (self->describe != NULL && self->scenario != NULL)
    {
      uth_figure_get_context (self, &ctx);
      text = self->describe (&ctx);
    }
  else if (self->page != NULL)
    text = g_strdup (g_dgettext (GETTEXT_PACKAGE, self->page->summary));
  if (text != NULL)
    {
      g_free (self->description);
      self->description = g_strdup (text);
      /* While the keyboard is on an item, the description says that item. */
      if (!self->keyboard_item || self->hover < 0)
        gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
    }
}

static void
scenario_changed_cb (UthFigure *self)
{
  self->n_queued++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_description (self);
}

/* A slow analysis finished on its worker thread: draw what it found. */
static void
analysis_ready_cb (gpointer user_data)
{
  UthFigure *self = user_data;

  gtk_widget_queue_draw (GTK_WIDGET (self));
  gtk_widget_queue_resize (GTK_WIDGET (self));
  update_description (self);
}

/* The page whose analysis the figure draws: its page, or the page whose whole-page draw
 * function it was given; NULL for a figure of part of a page (the catalog rows do). */
static const char *
analysis_page_id (UthFigure *self)
{
  const UthPageFigure *pages;
  guint n;

  if (self->page != NULL)
    return self->page->id;
  if (self->draw == NULL)
    return NULL;
  pages = uth_draw_get_page_figures (&n);
  for (guint i = 0; i < n; i++)
    if (pages[i].draw == self->draw)
      return pages[i].id;
  return NULL;
}

static void
style_changed_cb (UthFigure *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
hit_test (UthFigure    *self,
          double        x,
          double        y,
          UthFigureHit *hit)
{
  UthFigureContext ctx;
  UthHitFunc func = self->page != NULL ? self->page->hit : self->hit;
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));

  hit->index = -1;
  hit->tooltip = NULL;
  if (func == NULL || self->scenario == NULL || w <= 0 || h <= 0)
    return FALSE;
  uth_figure_get_context (self, &ctx);
  return func (w, h, &ctx, x, y, hit);
}

static void
set_hover (UthFigure *self,
           int        index)
{
  if (self->hover == index)
    return;
  self->hover = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* A new item under the pointer needs its own tooltip, not the last one's. */
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
}

/* Where item @index is drawn: the first point of a grid over the figure that hits it (hit
 * functions answer points, not items). Its tooltip is returned too. */
static gboolean
find_item (UthFigure *self,
           int        index,
           double    *x,
           double    *y,
           char     **tooltip)
{
  UthFigureContext ctx;
  UthHitFunc func = self->page != NULL ? self->page->hit : self->hit;
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));

  if (func == NULL || self->scenario == NULL || w <= 0 || h <= 0)
    return FALSE;
  uth_figure_get_context (self, &ctx);
  for (double py = 3; py < h; py += 6)
    for (double px = 3; px < w; px += 6)
      {
        UthFigureHit hit = { -1, NULL };

        if (func (w, h, &ctx, px, py, &hit) && hit.index == index)
          {
            *x = px;
            *y = py;
            *tooltip = hit.tooltip;
            return TRUE;
          }
        g_free (hit.tooltip);
      }
  return FALSE;
}

/* Whether a popover can point at (x, y) of @widget: GTK places it on the monitor under that
 * point, and with none there (the point scrolled out of the window, or the window not yet on
 * a monitor) it fails with a critical. */
static gboolean
point_in_window (GtkWidget *widget,
                 double     x,
                 double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  double wx, wy;

  if (surface == NULL || !gdk_surface_get_mapped (surface) ||
      gdk_display_get_monitor_at_surface (gtk_widget_get_display (widget), surface) == NULL ||
      !gtk_widget_translate_coordinates (widget, GTK_WIDGET (native), x, y, &wx, &wy))
    return FALSE;
  return wx >= 0 && wy >= 0 && wx < gtk_widget_get_width (GTK_WIDGET (native)) &&
         wy < gtk_widget_get_height (GTK_WIDGET (native));
}

/* An item reached by the keyboard shows the tooltip hovering shows (GTK 4 has no keyboard
 * tooltips), beside it, and becomes the figure's accessible description, so a screen reader
 * says what the row on screen says. */
static void
show_keyboard_item (UthFigure *self)
{
  g_autofree char *markup = NULL;
  g_autofree char *plain = NULL;
  double x = 0, y = 0;

  if (self->hover < 0 || !find_item (self, self->hover, &x, &y, &markup) || markup == NULL ||
      !pango_parse_markup (markup, -1, 0, NULL, &plain, NULL, NULL))
    {
      if (self->item_popover != NULL)
        gtk_popover_popdown (self->item_popover);
      if (self->description != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                        self->description, -1);
      return;
    }
  if (self->item_popover == NULL)
    {
      self->item_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_wrap (self->item_label, TRUE);
      gtk_label_set_max_width_chars (self->item_label, 48);
      self->item_popover = GTK_POPOVER (gtk_popover_new ());
      gtk_popover_set_child (self->item_popover, GTK_WIDGET (self->item_label));
      gtk_popover_set_autohide (self->item_popover, FALSE);
      gtk_widget_set_can_focus (GTK_WIDGET (self->item_popover), FALSE);
      gtk_widget_set_can_target (GTK_WIDGET (self->item_popover), FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (self->item_popover), "figure-item");
      gtk_widget_set_parent (GTK_WIDGET (self->item_popover), GTK_WIDGET (self));
    }
  gtk_label_set_markup (self->item_label, markup);
  gtk_popover_set_pointing_to (self->item_popover, &(GdkRectangle) { (int) x - 3, (int) y - 3, 6, 6 });
  /* Out of sight (scrolled away), no popover; the description below still says the item. */
  if (point_in_window (GTK_WIDGET (self), x, y))
    gtk_popover_popup (self->item_popover);
  else
    gtk_popover_popdown (self->item_popover);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  plain, -1);
}

static void
end_keyboard_item (UthFigure *self)
{
  if (!self->keyboard_item)
    return;
  self->keyboard_item = FALSE;
  if (self->item_popover != NULL)
    gtk_popover_popdown (self->item_popover);
  if (self->description != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    self->description, -1);
}

static void
focus_leave_cb (GtkEventControllerFocus *focus,
                UthFigure               *self)
{
  end_keyboard_item (self);
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           UthFigure                *self)
{
  UthFigureHit hit;

  hit_test (self, x, y, &hit);
  g_free (hit.tooltip);
  /* The pointer takes over from the keyboard, with GTK's own tooltips. */
  if (hit.index != self->hover)
    end_keyboard_item (self);
  set_hover (self, hit.index);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          UthFigure                *self)
{
  set_hover (self, -1);
}

static void
released_cb (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             UthFigure       *self)
{
  UthFigureHit hit;

  if (hit_test (self, x, y, &hit) && hit.index >= 0)
    g_signal_emit (self, signals[ITEM_ACTIVATED], 0, hit.index);
  g_free (hit.tooltip);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                UthFigure             *self)
{
  int next = self->hover;

  if (self->n_items <= 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_Left:
      next = self->hover <= 0 ? 0 : self->hover - 1;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_Right:
      next = self->hover < 0 ? 0 : MIN (self->hover + 1, self->n_items - 1);
      break;
    case GDK_KEY_Home:
      next = 0;
      break;
    case GDK_KEY_End:
      next = self->n_items - 1;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      if (self->hover >= 0)
        g_signal_emit (self, signals[ITEM_ACTIVATED], 0, self->hover);
      return self->hover >= 0;
    default:
      return FALSE;
    }
  set_hover (self, next);
  self->keyboard_item = TRUE;
  show_keyboard_item (self);
  return TRUE;
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  UthFigure  *self)
{
  UthFigureHit hit;
  gboolean shown = FALSE;

  if (hit_test (self, x, y, &hit) && hit.tooltip != NULL)
    {
      gtk_tooltip_set_markup (tooltip, hit.tooltip);
      shown = TRUE;
    }
  g_free (hit.tooltip);
  return shown;
}

static void
uth_figure_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  UthFigure *self = UTH_FIGURE (widget);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  UthFigureContext ctx;
  cairo_t *cr;

  if (w <= 0 || h <= 0 || self->scenario == NULL || (self->draw == NULL && self->page == NULL))
    return;
  uth_figure_get_context (self, &ctx);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (self->page != NULL)
    uth_draw_page (self->page, cr, w, h, &ctx);
  else
    self->draw (cr, w, h, &ctx);
  cairo_destroy (cr);
}

static void
uth_figure_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  UthFigure *self = UTH_FIGURE (widget);

  if (orientation == GTK_ORIENTATION_VERTICAL && self->height_func != NULL)
    {
      UthFigureContext ctx;

      /* A reflowing figure asks for the height its layout needs at this width, so it
       * draws at full text size and the page scrolls. */
      uth_figure_get_context (self, &ctx);
      *minimum = *natural = (int) ceil (self->height_func (for_size > 0 ? for_size : self->natural_width,
                                                           &ctx));
      return;
    }
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? self->natural_width : 500;
}

static GtkSizeRequestMode
uth_figure_get_request_mode (GtkWidget *widget)
{
  return UTH_FIGURE (widget)->height_func != NULL ? GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH
                                                  : GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
uth_figure_dispose (GObject *object)
{
  UthFigure *self = UTH_FIGURE (object);

  uth_figure_set_scenario (self, NULL);
  uth_figure_set_context_func (self, NULL, NULL, NULL);
  g_clear_pointer (&self->analysis, uth_analysis_cache_free);
  if (self->item_popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->item_popover));
  self->item_popover = NULL;
  self->item_label = NULL;
  G_OBJECT_CLASS (uth_figure_parent_class)->dispose (object);
}

static void
uth_figure_finalize (GObject *object)
{
  UthFigure *self = UTH_FIGURE (object);

  g_free (self->description);
  G_OBJECT_CLASS (uth_figure_parent_class)->finalize (object);
}

static void
uth_figure_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  UthFigure *self = UTH_FIGURE (widget);

  if (self->item_popover != NULL)
    gtk_popover_present (self->item_popover);
}

static void
uth_figure_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  UthFigure *self = UTH_FIGURE (object);

  switch (prop_id)
    {
    case PROP_SCENARIO: g_value_set_object (value, self->scenario); break;
    case PROP_NATURAL_WIDTH: g_value_set_int (value, self->natural_width); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_figure_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  UthFigure *self = UTH_FIGURE (object);

  switch (prop_id)
    {
    case PROP_SCENARIO: uth_figure_set_scenario (self, g_value_get_object (value)); break;
    case PROP_NATURAL_WIDTH:
      if (self->natural_width != g_value_get_int (value))
        {
          self->natural_width = g_value_get_int (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_figure_class_init (UthFigureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = uth_figure_dispose;
  object_class->finalize = uth_figure_finalize;
  widget_class->size_allocate = uth_figure_size_allocate;
  object_class->get_property = uth_figure_get_property;
  object_class->set_property = uth_figure_set_property;
  widget_class->snapshot = uth_figure_snapshot;
  widget_class->measure = uth_figure_measure;
  widget_class->get_request_mode = uth_figure_get_request_mode;

  properties[PROP_SCENARIO] =
    g_param_spec_object ("scenario", NULL, NULL, UTH_TYPE_SCENARIO,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The width the figure reads well at without scaling down: a container that folds by
   * natural size (AdwFlap) gives it the room before it puts a side panel beside it. */
  properties[PROP_NATURAL_WIDTH] =
    g_param_spec_int ("natural-width", NULL, NULL, 240, 8192, 800,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * UthFigure::item-activated:
   * @index: the item the hit function found (a layer, an op, ...)
   */
  signals[ITEM_ACTIVATED] = g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "uthfigure");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
uth_figure_init (UthFigure *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->hover = -1;
  g_signal_connect (focus, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  self->natural_width = 800;
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
uth_figure_new (void)
{
  return g_object_new (UTH_TYPE_FIGURE, NULL);
}

UthScenario *
uth_figure_get_scenario (UthFigure *self)
{
  g_return_val_if_fail (UTH_IS_FIGURE (self), NULL);
  return self->scenario;
}

void
uth_figure_set_scenario (UthFigure   *self,
                         UthScenario *scenario)
{
  g_return_if_fail (UTH_IS_FIGURE (self));
  g_return_if_fail (scenario == NULL || UTH_IS_SCENARIO (scenario));

  if (self->scenario == scenario)
    return;
  if (self->scenario != NULL)
    g_signal_handlers_disconnect_by_func (self->scenario, scenario_changed_cb, self);
  g_set_object (&self->scenario, scenario);
  if (scenario != NULL)
    g_signal_connect_object (scenario, "changed", G_CALLBACK (scenario_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCENARIO]);
  uth_figure_update (self);
}

void
uth_figure_set_draw_func (UthFigure   *self,
                          UthDrawFunc  draw,
                          UthHitFunc   hit)
{
  g_return_if_fail (UTH_IS_FIGURE (self));

  self->draw = draw;
  self->hit = hit;
  self->page = NULL;
  uth_figure_update (self);
}

void
uth_figure_set_page (UthFigure           *self,
                     const UthPageFigure *page)
{
  g_return_if_fail (UTH_IS_FIGURE (self));

  self->page = page;
  self->draw = NULL;
  self->hit = NULL;
  /* A page that reflows to a taller layout says how tall (its page must scroll). */
  if (page != NULL && page->height != NULL)
    uth_figure_set_height_func (self, page->height);
  if (page != NULL)
    uth_figure_set_label (self, g_dgettext (GETTEXT_PACKAGE, page->title));
  uth_figure_update (self);
}

void
uth_figure_set_context_func (UthFigure            *self,
                             UthFigureContextFunc  func,
                             gpointer              user_data,
                             GDestroyNotify        destroy)
{
  g_return_if_fail (UTH_IS_FIGURE (self));

  if (self->context_destroy != NULL)
    self->context_destroy (self->context_data);
  self->context_func = func;
  self->context_data = user_data;
  self->context_destroy = destroy;
}

void
uth_figure_set_describe_func (UthFigure             *self,
                              UthFigureDescribeFunc  func)
{
  g_return_if_fail (UTH_IS_FIGURE (self));

  self->describe = func;
  update_description (self);
}

void
uth_figure_set_label (UthFigure  *self,
                      const char *label)
{
  g_return_if_fail (UTH_IS_FIGURE (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label != NULL ? label : "", -1);
}

void
uth_figure_get_context (UthFigure        *self,
                        UthFigureContext *ctx)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_return_if_fail (UTH_IS_FIGURE (self));
  g_return_if_fail (ctx != NULL);

  if (self->scenario != NULL)
    uth_scenario_get_figure_context (self->scenario, ctx);
  else
    uth_figure_context_init (ctx);
  ctx->dark = adw_style_manager_get_dark (style);
  ctx->high_contrast = ctx->high_contrast || adw_style_manager_get_high_contrast (style);
  ctx->hover = self->hover;
  if (self->context_func != NULL)
    self->context_func (self, ctx, self->context_data);
  /* The page's analysis: computed once per change of its inputs (on a worker thread when
   * slow, "Computing…" meanwhile), never per frame. */
  if (self->scenario != NULL && analysis_page_id (self) != NULL)
    {
      if (self->analysis == NULL)
        self->analysis = uth_analysis_cache_new ();
      uth_analysis_cache_attach (self->analysis, uth_scenario_get_analysis_sources (self->scenario),
                                 analysis_page_id (self), ctx, analysis_ready_cb, self);
    }
}

int
uth_figure_get_hover (UthFigure *self)
{
  g_return_val_if_fail (UTH_IS_FIGURE (self), -1);
  return self->hover;
}

void
uth_figure_update (UthFigure *self)
{
  g_return_if_fail (UTH_IS_FIGURE (self));

  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_description (self);
}

void
uth_figure_set_n_items (UthFigure *self,
                        int        n_items)
{
  g_return_if_fail (UTH_IS_FIGURE (self));

  self->n_items = MAX (n_items, 0);
  gtk_widget_set_focusable (GTK_WIDGET (self), self->n_items > 0);
  if (self->hover >= self->n_items)
    set_hover (self, self->n_items - 1);
}

guint
uth_figure_get_n_queued (UthFigure *self)
{
  g_return_val_if_fail (UTH_IS_FIGURE (self), 0);
  return self->n_queued;
}

/**
 * uth_figure_set_height_func:
 * @height: the height the figure's layout needs at a width, or %NULL for a fixed request
 *
 * Makes the figure height-for-width: it asks for what @height returns for its width
 * (presentation mode's text scale included), instead of being scaled to fit.
 */
void
uth_figure_set_height_func (UthFigure           *self,
                            UthFigureHeightFunc  height)
{
  g_return_if_fail (UTH_IS_FIGURE (self));

  if (self->height_func == height)
    return;
  self->height_func = height;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
