/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "render/uth-lecture.h"
#include "uth-window-actions.h"
#include "uth-window-lecture.h"
#include "uth-window-private.h"

typedef struct _UthWindowLecture LectureState;
struct _UthWindowLecture
{
  UthWindow *window;          /* not a reference: the state is the window's own data */
  GtkWidget *slide;           /* drawing area over the pages, shown while presenting */
  GtkWidget *check_button;    /* header bar: "Check yourself" */
  GtkWidget *check_box;       /* its popover's content */
  guint      build;           /* 1-based, while presenting */
  guint      pending_build;   /* the build a page change of our own lands on; 0: the first */
  UthBlank   blank;
  gboolean   presenting;
  gboolean   scenario_was_shown;
};

static LectureState *
get_state (UthWindow *self)
{
  return self->lecture;
}

static UthPage *
visible_page (UthWindow *self)
{
  const char *id = uth_window_get_visible_page_id (self);

  return id != NULL ? uth_window_get_page (self, id) : NULL;
}

static void
update_slide (LectureState *state)
{
  UthPage *page = visible_page (state->window);
  const char *id = page != NULL ? uth_page_get_id (page) : NULL;
  g_autofree char *description = NULL;

  if (state->presenting && id != NULL)
    {
      guint n = uth_lecture_n_builds (id);

      state->build = CLAMP (state->build, 1, MAX (n, 1));
      description = g_strdup_printf ("%s: %s", uth_page_get_title (page),
                                     uth_lecture_build_caption (id, state->build));
      gtk_accessible_update_property (GTK_ACCESSIBLE (state->slide),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
    }
  gtk_widget_queue_draw (state->slide);
}

static void
draw_slide (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  LectureState *state = user_data;
  UthPage *page;
  const UthPageFigure *figure;
  UthFigureContext ctx;

  if (state->blank != UTH_BLANK_NONE)
    {
      double v = state->blank == UTH_BLANK_WHITE ? 1.0 : 0.0;

      cairo_set_source_rgb (cr, v, v, v);
      cairo_paint (cr);
      return;
    }
  page = visible_page (state->window);
  if (page == NULL)
    return;
  figure = uth_page_get_figure (page, &ctx);
  if (figure == NULL)
    return;
  /* The slide's text follows the surface as `render --presentation` and the layout audit do
   * (24 px body text at 1920 x 1080), times the reader's zoom. */
  ctx.scale *= uth_draw_presentation_scale (width, height) / UTH_PRESENTATION_SCALE;
  uth_lecture_draw_slide (figure, cr, width, height, &ctx, state->build);
}

/* The next (direction > 0) or previous page of the same path, by index in the figure
 * table; from Home forward, the first page of How LLMs work. NULL at a path's end. */
static const UthPageFigure *
neighbour_page (const char *id,
                int         direction)
{
  const UthPageFigure *figures;
  guint n;
  int i;

  figures = uth_draw_get_page_figures (&n);
  for (i = 0; i < (int) n; i++)
    if (g_strcmp0 (figures[i].id, id) == 0)
      break;
  if (i >= (int) n)
    return NULL;
  if (figures[i].path == UTH_PATH_HOME)
    return direction > 0 && i + 1 < (int) n ? &figures[i + 1] : NULL;
  i += direction > 0 ? 1 : -1;
  if (i < 0 || i >= (int) n)
    return NULL;
  return figures[i].path == figures[i - (direction > 0 ? 1 : -1)].path ? &figures[i] : NULL;
}

gboolean
uth_window_lecture_step (UthWindow *self,
                         int        direction)
{
  LectureState *state;
  const char *id;
  const UthPageFigure *next;

  g_return_val_if_fail (UTH_IS_WINDOW (self), FALSE);
  state = get_state (self);
  if (state == NULL || !state->presenting)
    return FALSE;
  id = uth_window_get_visible_page_id (self);
  if (id == NULL)
    return FALSE;
  if (direction > 0 && state->build < uth_lecture_n_builds (id))
    {
      state->build++;
      update_slide (state);
      return TRUE;
    }
  if (direction < 0 && state->build > 1)
    {
      state->build--;
      update_slide (state);
      return TRUE;
    }
  next = neighbour_page (id, direction);
  if (next == NULL)
    return FALSE;
  state->pending_build = direction > 0 ? 1 : MAX (uth_lecture_n_builds (next->id), 1);
  uth_window_show_page (self, next->id);
  return TRUE;
}

static void
set_blank (LectureState *state,
           UthBlank      blank);

static void
slide_clicked_cb (GtkGestureClick *click,
                  int              n_press,
                  double           x,
                  double           y,
                  LectureState    *state)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (click));

  if (state->blank != UTH_BLANK_NONE)
    set_blank (state, UTH_BLANK_NONE);
  else if (button == GDK_BUTTON_PRIMARY)
    uth_window_lecture_step (state->window, 1);
  else if (button == GDK_BUTTON_SECONDARY)
    uth_window_lecture_step (state->window, -1);
}

static void
set_blank (LectureState *state,
           UthBlank      blank)
{
  state->blank = blank;
  update_slide (state);
}

static void
show_scenario_bar (LectureState *state,
                   gboolean      show)
{
  GtkWidget *toggle = state->window->scenario_toggle;

  if (GTK_IS_TOGGLE_BUTTON (toggle))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), show);
}

static gboolean
scenario_bar_shown (LectureState *state)
{
  GtkWidget *toggle = state->window->scenario_toggle;

  return GTK_IS_TOGGLE_BUTTON (toggle) && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle));
}

/* Keys typed into the scenario bar's fields stay there. */
static gboolean
focus_in_scenario_bar (LectureState *state)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (state->window));
  GtkWidget *panel = GTK_WIDGET (state->window->scenario_panel);

  return focus != NULL && panel != NULL && gtk_widget_is_ancestor (focus, panel) &&
         gtk_widget_get_mapped (panel);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        modifiers,
                LectureState          *state)
{
  if (!state->presenting)
    return FALSE;
  if ((modifiers & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;
  if (focus_in_scenario_bar (state) && keyval != GDK_KEY_Page_Down && keyval != GDK_KEY_Page_Up)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_b: case GDK_KEY_B: case GDK_KEY_period: case GDK_KEY_KP_Decimal:
      set_blank (state, state->blank == UTH_BLANK_NONE ? UTH_BLANK_BLACK : UTH_BLANK_NONE);
      return TRUE;
    case GDK_KEY_w: case GDK_KEY_W:
      set_blank (state, state->blank == UTH_BLANK_NONE ? UTH_BLANK_WHITE : UTH_BLANK_NONE);
      return TRUE;
    case GDK_KEY_Escape:
      /* Leaves presentation mode (the window's shortcut); the screen comes back with it. */
      state->blank = UTH_BLANK_NONE;
      return FALSE;
    default:
      break;
    }
  /* A blank screen comes back first: a click meant for the next build does not skip one
   * the room never saw. */
  if (state->blank != UTH_BLANK_NONE)
    {
      switch (keyval)
        {
        case GDK_KEY_Page_Down: case GDK_KEY_KP_Page_Down: case GDK_KEY_Right: case GDK_KEY_space:
        case GDK_KEY_Page_Up: case GDK_KEY_KP_Page_Up: case GDK_KEY_Left: case GDK_KEY_BackSpace:
          set_blank (state, UTH_BLANK_NONE);
          return TRUE;
        default:
          return FALSE;
        }
    }
  switch (keyval)
    {
    case GDK_KEY_Page_Down: case GDK_KEY_KP_Page_Down: case GDK_KEY_Right: case GDK_KEY_space:
      uth_window_lecture_step (state->window, 1);
      return TRUE;
    case GDK_KEY_Page_Up: case GDK_KEY_KP_Page_Up: case GDK_KEY_Left: case GDK_KEY_BackSpace:
      uth_window_lecture_step (state->window, -1);
      return TRUE;
    case GDK_KEY_Home:
      state->build = 1;
      update_slide (state);
      return TRUE;
    case GDK_KEY_End:
      state->build = G_MAXUINT;
      update_slide (state);
      return TRUE;
    case GDK_KEY_s: case GDK_KEY_S:
      show_scenario_bar (state, !scenario_bar_shown (state));
      return TRUE;
    default:
      return FALSE;
    }
}

static void
presentation_changed_cb (UthScenario  *scenario,
                         GParamSpec   *pspec,
                         LectureState *state)
{
  gboolean presenting = uth_scenario_get_presentation (scenario);
  GtkWidget *header = state->window->content_header;

  if (presenting == state->presenting)
    return;
  state->presenting = presenting;
  state->blank = UTH_BLANK_NONE;
  if (presenting)
    {
      state->build = 1;
      state->scenario_was_shown = scenario_bar_shown (state);
      show_scenario_bar (state, FALSE);
    }
  else
    {
      state->build = 0;
      show_scenario_bar (state, state->scenario_was_shown);
    }
  if (header != NULL)
    gtk_widget_set_visible (header, !presenting);
  gtk_widget_set_visible (state->slide, presenting);
  update_slide (state);
}

static void
page_changed_cb (GObject      *stack,
                 GParamSpec   *pspec,
                 LectureState *state)
{
  if (state->presenting)
    state->build = state->pending_build > 0 ? state->pending_build : 1;
  state->pending_build = 0;
  update_slide (state);
  if (state->check_button != NULL)
    {
      const char *id = uth_window_get_visible_page_id (state->window);

      gtk_widget_set_sensitive (state->check_button, uth_lecture_n_questions (id) > 0);
    }
}

static void
scenario_changed_cb (UthScenario  *scenario,
                     LectureState *state)
{
  if (state->presenting)
    gtk_widget_queue_draw (state->slide);
}

/* ---------------------------------------------------------------------------------------- */
/* Check yourself                                                                           */

static GtkWidget *
wrapped_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 50);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

guint
uth_window_lecture_fill_check (UthWindow *self)
{
  LectureState *state;
  GtkWidget *child;
  const char *id;
  UthPage *page;
  UthFigureContext ctx;
  guint n;

  g_return_val_if_fail (UTH_IS_WINDOW (self), 0);
  state = get_state (self);
  g_return_val_if_fail (state != NULL, 0);

  while ((child = gtk_widget_get_first_child (state->check_box)) != NULL)
    gtk_box_remove (GTK_BOX (state->check_box), child);
  page = visible_page (self);
  id = page != NULL ? uth_page_get_id (page) : NULL;
  n = uth_lecture_n_questions (id);
  if (n == 0 || uth_page_get_figure (page, &ctx) == NULL)
    return 0;
  child = wrapped_label (_("Check yourself"), "title-4");
  gtk_label_set_selectable (GTK_LABEL (child), FALSE);
  gtk_box_append (GTK_BOX (state->check_box), child);
  for (guint i = 0; i < n; i++)
    {
      UthQuestion q;
      GtkWidget *expander, *box;

      uth_lecture_question (id, i, &ctx, &q);
      /* Not selectable: the popover's focus would start on it, its text selected. */
      child = wrapped_label (q.question, "heading");
      gtk_label_set_selectable (GTK_LABEL (child), FALSE);
      gtk_box_append (GTK_BOX (state->check_box), child);
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      child = wrapped_label (q.answer, "accent");
      gtk_widget_add_css_class (child, "heading");
      gtk_box_append (GTK_BOX (box), child);
      gtk_box_append (GTK_BOX (box), wrapped_label (q.working, NULL));
      expander = gtk_expander_new (_("Show the answer"));
      gtk_expander_set_child (GTK_EXPANDER (expander), box);
      gtk_box_append (GTK_BOX (state->check_box), expander);
      uth_question_clear (&q);
    }
  return n;
}

/* Filled just before it opens, for the page and scenario of that moment. */
static void
check_popup_cb (GtkMenuButton *button,
                gpointer       user_data)
{
  LectureState *state = user_data;

  uth_window_lecture_fill_check (state->window);
}

static void
add_check_button (LectureState *state)
{
  GtkWidget *header = state->window->content_header;
  GtkWidget *popover, *scrolled;

  state->check_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (state->check_box, 12);
  gtk_widget_set_margin_end (state->check_box, 12);
  gtk_widget_set_margin_top (state->check_box, 12);
  gtk_widget_set_margin_bottom (state->check_box, 12);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 560);
  /* Wrapping labels ask for little width: the popover gets a readable measure. */
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 440);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), state->check_box);
  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), scrolled);

  state->check_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (state->check_button), "dialog-question-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (state->check_button), popover);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (state->check_button), check_popup_cb, state, NULL);
  gtk_widget_set_tooltip_text (state->check_button, _("Check yourself"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (state->check_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Check yourself"), -1);
  /* The focus lands on the menu button's inner button, which has only an icon (issue 14). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_first_child (state->check_button)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Check yourself"), -1);
  if (ADW_IS_HEADER_BAR (header))
    adw_header_bar_pack_end (ADW_HEADER_BAR (header), state->check_button);
}

/* ---------------------------------------------------------------------------------------- */

static void
window_destroyed_cb (UthWindow    *self,
                     LectureState *state)
{
  UthScenario *scenario = uth_window_get_scenario (self);
  GtkWidget *stack = GTK_WIDGET (self->stack);

  if (scenario != NULL)
    g_signal_handlers_disconnect_by_data (scenario, state);
  /* Pages leaving the stack as the window goes must not redraw a slide. */
  if (stack != NULL)
    g_signal_handlers_disconnect_by_data (stack, state);
}

void
uth_window_lecture_finalize (UthWindow *self)
{
  g_clear_pointer (&self->lecture, g_free);
}

void
uth_window_lecture_init (UthWindow *self)
{
  LectureState *state;
  GtkWidget *overlay, *stack;
  GtkEventController *keys;
  GtkGesture *click;
  UthScenario *scenario = uth_window_get_scenario (self);

  g_return_if_fail (UTH_IS_WINDOW (self));
  g_return_if_fail (get_state (self) == NULL);

  state = g_new0 (LectureState, 1);
  state->window = self;
  self->lecture = state;

  state->slide = gtk_drawing_area_new ();
  gtk_widget_set_hexpand (state->slide, TRUE);
  gtk_widget_set_vexpand (state->slide, TRUE);
  gtk_widget_set_visible (state->slide, FALSE);
  gtk_widget_set_can_target (state->slide, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (state->slide),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Presentation slide"), -1);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (state->slide), draw_slide, state, NULL);
  /* A click on the slide advances, a right click goes back, as on a presenter's remote. */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "released", G_CALLBACK (slide_clicked_cb), state);
  gtk_widget_add_controller (state->slide, GTK_EVENT_CONTROLLER (click));
  overlay = self->lecture_overlay;
  g_return_if_fail (GTK_IS_OVERLAY (overlay));
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), state->slide);

  add_check_button (state);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), state);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  stack = GTK_WIDGET (self->stack);
  if (stack != NULL)
    g_signal_connect (stack, "notify::visible-child", G_CALLBACK (page_changed_cb), state);
  /* The scenario may outlive the window (a test's): its handlers go when the window does. */
  g_signal_connect (scenario, "notify::presentation", G_CALLBACK (presentation_changed_cb), state);
  g_signal_connect (scenario, "changed", G_CALLBACK (scenario_changed_cb), state);
  g_signal_connect (self, "destroy", G_CALLBACK (window_destroyed_cb), state);
  presentation_changed_cb (scenario, NULL, state);
  page_changed_cb (NULL, NULL, state);
}

guint
uth_window_get_build (UthWindow *self)
{
  LectureState *state;

  g_return_val_if_fail (UTH_IS_WINDOW (self), 0);
  state = get_state (self);
  return state != NULL && state->presenting ? state->build : 0;
}

UthBlank
uth_window_get_blank (UthWindow *self)
{
  LectureState *state;

  g_return_val_if_fail (UTH_IS_WINDOW (self), UTH_BLANK_NONE);
  state = get_state (self);
  return state != NULL ? state->blank : UTH_BLANK_NONE;
}

gboolean
uth_window_lecture_showing (UthWindow *self)
{
  LectureState *state;

  g_return_val_if_fail (UTH_IS_WINDOW (self), FALSE);
  state = get_state (self);
  return state != NULL && state->presenting && state->blank == UTH_BLANK_NONE &&
         gtk_widget_get_mapped (state->slide);
}
