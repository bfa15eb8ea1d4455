/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every figure of every page says what it shows to a screen reader, and keeps saying it
 * as the scenario changes. Read through GTK's in-process test accessibility backend. */
#include "config.h"

#include <adwaita.h>

#include "uth-preferences-window.h"
#include "uth-settings.h"
#include "uth-window.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-log-slider.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
collect_figures (GtkWidget *widget,
                 GPtrArray *figures)
{
  GtkWidget *child;

  if (UTH_IS_FIGURE (widget))
    g_ptr_array_add (figures, widget);
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_figures (child, figures);
}

/* The property's current text: the test backend reports the value when it differs from
 * the one asked for, and no figure describes itself as this. */
static char *
accessible_text (GtkWidget             *widget,
                 GtkAccessibleProperty  property)
{
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property,
                                             "\x01 not a description");
}

static void
test_figures_described (void)
{
  UthWindow *window = uth_window_new (NULL, NULL);
  const char * const *ids = uth_draw_page_ids ();
  guint total = 0;

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) figures = g_ptr_array_new ();

      g_assert_true (uth_window_show_page (window, ids[i]));
      flush_main_loop ();
      collect_figures (GTK_WIDGET (uth_window_get_page (window, ids[i])), figures);
      for (guint j = 0; j < figures->len; j++)
        {
          GtkWidget *figure = g_ptr_array_index (figures, j);
          g_autofree char *label = accessible_text (figure, GTK_ACCESSIBLE_PROPERTY_LABEL);
          g_autofree char *description = accessible_text (figure, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

          g_test_message ("%s, figure %u: “%s”: %s", ids[i], j, label, description);
          g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (figure),
                                                       GTK_ACCESSIBLE_ROLE_IMG));
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (figure),
                                                           GTK_ACCESSIBLE_PROPERTY_LABEL));
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (figure),
                                                           GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
          g_assert_nonnull (label);
          g_assert_cmpuint (strlen (label), >, 0);
          g_assert_nonnull (description);
          /* A sentence in words, not a placeholder. */
          g_assert_cmpuint (strlen (description), >=, 20);
          total++;
        }
    }
  /* Every page but the home page draws at least one figure. */
  g_assert_cmpuint (total, >=, g_strv_length ((char **) ids) - 1);

  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}

/* The Layer page's roofline names the model's numbers: another model, another text. */
static void
test_description_current (void)
{
  UthWindow *window = uth_window_new (NULL, NULL);
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autoptr(GPtrArray) figures = g_ptr_array_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWidget *figure;

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (uth_window_show_page (window, "kv-cache"));
  flush_main_loop ();
  collect_figures (GTK_WIDGET (uth_window_get_page (window, "kv-cache")), figures);
  g_assert_cmpuint (figures->len, >, 0);
  figure = g_ptr_array_index (figures, 0);

  uth_scenario_set_model_id (scenario, "llama-3-8b");
  uth_scenario_flush (scenario);
  flush_main_loop ();
  before = accessible_text (figure, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  uth_scenario_set_model_id (scenario, "llama-2-70b");
  uth_scenario_flush (scenario);
  flush_main_loop ();
  after = accessible_text (figure, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_test_message ("before: %s", before);
  g_test_message ("after: %s", after);
  g_assert_nonnull (before);
  g_assert_nonnull (after);
  g_assert_cmpstr (before, !=, after);

  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}


static void
collect_labels (GtkWidget *widget,
                GPtrArray *labels)
{
  GtkWidget *child;

  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (labels, widget);
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, labels);
}

/* The text of the visible labels inside a widget, which is what a screen reader says for a
 * button or a row without a name of its own. An icon says nothing ("GtkImage"). */
static void
append_content_text (GtkWidget *widget,
                     GString   *text)
{
  GtkWidget *child;

  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_content_text (child, text);
}

static gboolean
role_named_from_content (GtkAccessibleRole role)
{
  switch (role)
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_LABEL:
      return TRUE;
    default:
      return FALSE;
    }
}

/* A name as assistive technologies compute it (the label property, the labels it is
 * labelled by, or for buttons the text inside), or NULL. A type name is no name. GTK 4.8
 * does not name a list row after the text inside it: read under AT-SPI, such a row is "". */
static char *
accessible_name (GtkWidget *widget,
                 GPtrArray *labels)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);
  g_autoptr(GString) text = g_string_new (NULL);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      g_autofree char *label = accessible_text (widget, GTK_ACCESSIBLE_PROPERTY_LABEL);

      if (label != NULL)
        g_string_append (text, label);
    }
  if (text->len == 0 && gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    for (guint i = 0; i < labels->len; i++)
      {
        GtkWidget *label = g_ptr_array_index (labels, i);
        g_autofree char *other = gtk_test_accessible_check_relation (accessible,
                                                                     GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                                                     label, NULL);

        if (other == NULL)
          g_string_append (text, gtk_label_get_text (GTK_LABEL (label)));
      }
  if (text->len == 0 && role_named_from_content (gtk_accessible_get_accessible_role (accessible)))
    append_content_text (widget, text);
  g_strstrip (text->str);
  text->len = strlen (text->str);
  if (text->len == 0 || g_type_from_name (text->str) != 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
is_interactive (GtkWidget *widget)
{
  /* Containers that pass the focus on to their children and are never focused themselves. */
  if (GTK_IS_SCROLLED_WINDOW (widget) || GTK_IS_LIST_BOX (widget) || GTK_IS_FLOW_BOX (widget) ||
      GTK_IS_VIEWPORT (widget))
    return FALSE;
  switch (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_LINK:
      return TRUE;
    default:
      return gtk_widget_get_focusable (widget);
    }
}

/* The parts of a composite control that are not read on their own: a drop-down's button,
 * a spin button's text and +/− buttons, an entry's text, a scale's trough. */
static gboolean
is_composite (GtkWidget *widget)
{
  return GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget) || GTK_IS_ENTRY (widget) ||
         GTK_IS_SCALE (widget) || GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_TEXT (widget);
}

/* Every shown interactive widget under @widget has a name, every slider says its value in
 * words, and no flow-box cell takes the focus; what does not is added to @problems. */
static void
check_controls (GtkWidget  *widget,
                GPtrArray  *labels,
                const char *where,
                GString    *problems,
                guint      *n_checked)
{
  GtkWidget *child;

  /* What the keyboard cannot reach is not read either. */
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget) ||
      !gtk_widget_get_can_focus (widget) || GTK_IS_POPOVER (widget))
    return;
  if (GTK_IS_FLOW_BOX_CHILD (widget) && gtk_widget_get_focusable (widget))
    g_string_append_printf (problems, "%s: a focusable flow-box cell (Tab stops twice)\n", where);
  if (is_interactive (widget) && !GTK_IS_FLOW_BOX_CHILD (widget) && gtk_widget_get_sensitive (widget))
    {
      g_autofree char *name = accessible_name (widget, labels);

      (*n_checked)++;
      if (name == NULL)
        {
          const char *icon = GTK_IS_BUTTON (widget) ? gtk_button_get_icon_name (GTK_BUTTON (widget)) : NULL;
          const char *tip = gtk_widget_get_tooltip_text (widget);

          g_string_append_printf (problems, "%s: %s in %s in %s (icon %s, tooltip “%s”) has no accessible name\n",
                                  where, G_OBJECT_TYPE_NAME (widget),
                                  G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
                                  G_OBJECT_TYPE_NAME (gtk_widget_get_parent (gtk_widget_get_parent (widget))),
                                  icon != NULL ? icon : "–", tip != NULL ? tip : "");
        }
      else
        g_test_message ("%s: %s “%s”", where, G_OBJECT_TYPE_NAME (widget), name);
      if (gtk_test_accessible_has_role (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_ROLE_SLIDER) &&
          !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT))
        g_string_append_printf (problems, "%s: slider “%s” has no value text\n", where,
                                name != NULL ? name : G_OBJECT_TYPE_NAME (widget));
    }
  /* A drop-down's focus is on the toggle button inside it, which GTK 4.8 reads by its
   * type name ("GtkToggleButton") unless it is labelled (seen with AT-SPI under Xvfb). */
  if (GTK_IS_DROP_DOWN (widget) && gtk_widget_get_sensitive (widget))
    for (child = gtk_widget_get_first_child (widget); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_BUTTON (child) &&
          !gtk_test_accessible_has_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
          !gtk_test_accessible_has_relation (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        g_string_append_printf (problems, "%s: the button inside a drop-down in %s reads as its type name\n",
                                where, G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
  if (is_composite (widget))
    return;
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_controls (child, labels, where, problems, n_checked);
}

/* Sends a key to a widget's key controllers as GTK would route a press to it, capture phase
 * first; TRUE when one handled it. */
static gboolean
press_key (GtkWidget *widget,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  static const GtkPropagationPhase phases[] = { GTK_PHASE_CAPTURE, GTK_PHASE_TARGET, GTK_PHASE_BUBBLE };
  gboolean handled = FALSE;

  for (guint p = 0; p < G_N_ELEMENTS (phases) && !handled; p++)
    for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
            gtk_event_controller_get_propagation_phase (controller) == phases[p])
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
      }
  return handled;
}

static GtkWidget *
find_child_of_type (GtkWidget *widget,
                    GType      type)
{
  GtkWidget *child;

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child_of_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Round values in the direction of travel (powers of two), worked by hand. */
static void
test_log_slider_steps (void)
{
  static const struct { guint64 from; int steps; guint64 to; } cases[] = {
    { 1, 1, 2 }, { 2, 1, 4 }, { 4, -1, 2 }, { 1, -1, 1 },
    { 1024, 1, 2048 },       /* Prompt 1024: Right raises it (it went to 1000) */
    { 1000, 1, 1024 },       /* between round values: up to the next one */
    { 1000, -1, 512 },       /* … and down to the one below, never past it upwards */
    { 1, 3, 8 }, { 4096, -3, 512 }, { 3, 2, 8 }, { 3, -2, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpuint (uth_log_slider_next_step (cases[i].from, cases[i].steps), ==, cases[i].to);
}

/* The scenario bar's Batch slider from the keyboard: Right twice goes 1 → 2 → 4, and a screen
 * reader hears the value with its unit, not the log2 position of the scale (it read "0.0"). */
static void
test_log_slider_keys (void)
{
  UthWindow *window = uth_window_new (NULL, NULL);
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autoptr(GPtrArray) sliders = g_ptr_array_new ();
  UthLogSlider *batch = NULL, *prompt = NULL;
  GtkWidget *scale;
  g_autofree char *text = NULL;

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  {
    GPtrArray *stack = g_ptr_array_new ();

    g_ptr_array_add (stack, window);
    while (stack->len > 0)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

        if (UTH_IS_LOG_SLIDER (w))
          g_ptr_array_add (sliders, w);
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_ptr_array_unref (stack);
  }
  for (guint i = 0; i < sliders->len; i++)
    {
      UthLogSlider *s = g_ptr_array_index (sliders, i);

      if (g_strcmp0 (uth_log_slider_get_label (s), "Batch") == 0)
        batch = s;
      else if (g_strcmp0 (uth_log_slider_get_label (s), "Prompt") == 0)
        prompt = s;
    }
  g_assert_nonnull (batch);
  g_assert_nonnull (prompt);

  uth_scenario_set_batch (scenario, 1);
  flush_main_loop ();
  scale = find_child_of_type (GTK_WIDGET (batch), GTK_TYPE_SCALE);
  g_assert_nonnull (scale);
  g_assert_true (press_key (scale, GDK_KEY_Right));
  g_assert_cmpuint (uth_scenario_get_batch (scenario), ==, 2);
  g_assert_true (press_key (scale, GDK_KEY_Right));
  g_assert_cmpuint (uth_scenario_get_batch (scenario), ==, 4);
  text = accessible_text (scale, GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT);
  g_assert_cmpstr (text, ==, "4 sequences");
  g_clear_pointer (&text, g_free);
  g_assert_true (press_key (scale, GDK_KEY_Left));
  g_assert_cmpuint (uth_scenario_get_batch (scenario), ==, 2);
  /* Page Up: three round values (× 8); End and Home: the ends of the range, which is the
   * scenario's own: 1 to 2^24. */
  g_assert_true (press_key (scale, GDK_KEY_Page_Up));
  g_assert_cmpuint (uth_scenario_get_batch (scenario), ==, 16);
  g_assert_true (press_key (scale, GDK_KEY_End));
  g_assert_cmpuint (uth_scenario_get_batch (scenario), ==, 16777216);
  g_assert_true (press_key (scale, GDK_KEY_Page_Up));
  g_assert_cmpuint (uth_scenario_get_batch (scenario), ==, 16777216);
  g_assert_true (press_key (scale, GDK_KEY_Home));
  g_assert_cmpuint (uth_scenario_get_batch (scenario), ==, 1);
  text = accessible_text (scale, GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT);
  g_assert_cmpstr (text, ==, "1 sequence");
  g_clear_pointer (&text, g_free);

  /* Prompt 1024: the first Right must not lower it (it went to 1000). */
  uth_scenario_set_prompt (scenario, 1024);
  flush_main_loop ();
  scale = find_child_of_type (GTK_WIDGET (prompt), GTK_TYPE_SCALE);
  g_assert_true (press_key (scale, GDK_KEY_Right));
  g_assert_cmpuint (uth_scenario_get_prompt (scenario), ==, 2048);
  text = accessible_text (scale, GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT);
  g_assert_cmpstr (text, ==, "2048 tokens");

  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}

/* The Layer page's ops table from the keyboard: Down selects an op, which shows the tooltip
 * hovering it shows and becomes the figure's accessible description; leaving the figure puts
 * the description of the whole back. */
static void
test_figure_item_by_keyboard (void)
{
  UthWindow *window = uth_window_new (NULL, NULL);
  g_autoptr(GPtrArray) figures = g_ptr_array_new ();
  GtkWidget *table = NULL, *popover;
  g_autofree char *whole = NULL;
  g_autofree char *item = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *shown = NULL;

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (uth_window_show_page (window, "layer"));
  /* The window's surface mapped on its monitor, where the popover is placed (a few frames;
   * longer under a sanitizer). */
  {
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

    while (g_get_monotonic_time () < end &&
           (!gdk_surface_get_mapped (surface) ||
            gdk_display_get_monitor_at_surface (gtk_widget_get_display (GTK_WIDGET (window)), surface) == NULL))
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
    g_assert_true (gdk_surface_get_mapped (surface));
  }
  flush_main_loop ();
  collect_figures (GTK_WIDGET (uth_window_get_page (window, "layer")), figures);
  for (guint i = 0; i < figures->len; i++)
    if (gtk_widget_get_focusable (g_ptr_array_index (figures, i)))
      table = g_ptr_array_index (figures, i);
  g_assert_nonnull (table);
  g_assert_true (gtk_widget_grab_focus (table));
  flush_main_loop ();
  whole = accessible_text (table, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  /* The table is under two other figures: scrolled into sight, where a popover can point. */
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (table, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    graphene_rect_t bounds;

    g_assert_true (gtk_widget_compute_bounds (table, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                              &bounds));
    gtk_adjustment_set_value (v, bounds.origin.y);
    while (g_get_monotonic_time () < end &&
           (!gtk_widget_compute_bounds (table, GTK_WIDGET (window), &bounds) ||
            bounds.origin.y < 0 || bounds.origin.y + 40 > gtk_widget_get_height (GTK_WIDGET (window))))
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
    flush_main_loop ();
  }

  g_assert_true (press_key (table, GDK_KEY_Down));
  flush_main_loop ();
  g_assert_cmpint (uth_figure_get_hover (UTH_FIGURE (table)), ==, 0);
  item = accessible_text (table, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_test_message ("whole: %s", whole);
  g_test_message ("item 0: %s", item);
  g_assert_nonnull (item);
  g_assert_cmpstr (item, !=, whole);
  /* The tooltip, shown beside the op, says the same. */
  popover = find_child_of_type (table, GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (popover));
  shown = g_strdup (gtk_label_get_text (GTK_LABEL (gtk_popover_get_child (GTK_POPOVER (popover)))));
  g_assert_cmpstr (shown, ==, item);

  /* The next op says something else. */
  g_assert_true (press_key (table, GDK_KEY_Down));
  flush_main_loop ();
  g_clear_pointer (&restored, g_free);
  restored = accessible_text (table, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_assert_cmpstr (restored, !=, item);

  /* Focus elsewhere: the popover goes and the whole figure is described again. */
  gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
  flush_main_loop ();
  g_assert_false (gtk_widget_has_focus (table));
  g_assert_false (gtk_widget_get_visible (popover));
  g_clear_pointer (&restored, g_free);
  restored = accessible_text (table, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_assert_cmpstr (restored, ==, whole);

  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}

/* Walks the window on every page: the header bar, the scenario bar, the sidebar and the
 * page's own controls (issue 14: 20 icon buttons read "GtkImage", sliders "GtkScale"). */
static void
test_controls_named (void)
{
  UthWindow *window = uth_window_new (NULL, NULL);
  const char * const *ids = uth_draw_page_ids ();
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n_checked = 0;

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      UthPage *page;
      g_autofree char *page_name = NULL;

      g_assert_true (uth_window_show_page (window, ids[i]));
      flush_main_loop ();
      page = uth_window_get_page (window, ids[i]);
      /* The controls a page keeps in a side panel are checked shown. */
      {
        GtkWidget *flap = find_child_of_type (GTK_WIDGET (page), ADW_TYPE_FLAP);

        if (flap != NULL)
          {
            adw_flap_set_reveal_flap (ADW_FLAP (flap), TRUE);
            flush_main_loop ();
          }
      }
      collect_labels (GTK_WIDGET (window), labels);
      check_controls (GTK_WIDGET (window), labels, ids[i], problems, &n_checked);
      /* The page itself, which takes the focus when it has no figure to: by its title. */
      page_name = accessible_text (GTK_WIDGET (page), GTK_ACCESSIBLE_PROPERTY_LABEL);
      g_assert_cmpstr (page_name, ==, uth_page_get_title (page));
      g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_ROLE_GROUP));
    }
  g_test_message ("%u controls checked", n_checked);
  if (problems->len > 0)
    g_test_message ("%s", problems->str);
  g_assert_cmpstr (problems->str, ==, "");
  /* The header bar, the scenario bar and the pages' controls: well over a hundred. */
  g_assert_cmpuint (n_checked, >, 100);

  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}

static void
collect_of_type (GtkWidget *widget,
                 GType      type,
                 GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_of_type (child, type, found);
}

/* Preferences, each of its pages: the spin buttons in rows were read "GtkSpinButton". */
static void
test_preferences_named (void)
{
  UthPreferencesWindow *preferences = uth_preferences_window_new (NULL, uth_settings_get ());
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  guint n_checked = 0;

  g_object_ref (preferences);
  gtk_window_present (GTK_WINDOW (preferences));
  flush_main_loop ();
  collect_of_type (GTK_WIDGET (preferences), ADW_TYPE_PREFERENCES_PAGE, pages);
  g_assert_cmpuint (pages->len, >=, 2);
  /* Every page at once: the stack's hidden pages are walked too (no page switch, which pops
   * nothing up). */
  for (guint i = 0; i < pages->len; i++)
    gtk_widget_set_child_visible (g_ptr_array_index (pages, i), TRUE);
  collect_labels (GTK_WIDGET (preferences), labels);
  check_controls (GTK_WIDGET (preferences), labels, "preferences", problems, &n_checked);
  g_test_message ("%u controls checked", n_checked);
  if (problems->len > 0)
    g_test_message ("%s", problems->str);
  g_assert_cmpstr (problems->str, ==, "");
  g_assert_cmpuint (n_checked, >=, 5);

  gtk_window_destroy (GTK_WINDOW (preferences));
  flush_main_loop ();
  g_assert_finalize_object (preferences);
}

int
main (int   argc,
      char *argv[])
{
  /* The test backend keeps what widgets tell it, without a bus (the others' tests use none). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* No cross-fade: the page shown is the only one mapped. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/accessibility/figures-described", test_figures_described);
  g_test_add_func ("/accessibility/description-current", test_description_current);
  g_test_add_func ("/accessibility/controls-named", test_controls_named);
  g_test_add_func ("/accessibility/preferences-named", test_preferences_named);
  g_test_add_func ("/accessibility/log-slider-steps", test_log_slider_steps);
  g_test_add_func ("/accessibility/log-slider-keys", test_log_slider_keys);
  g_test_add_func ("/accessibility/figure-item-by-keyboard", test_figure_item_by_keyboard);

  return g_test_run ();
}
