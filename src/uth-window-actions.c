/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "uth-preferences-window.h"
#include "uth-settings.h"
#include "render/uth-draw-common.h"
#include "uth-window-actions.h"
#include "uth-window-private.h"
#include "widgets/uth-scenario-panel.h"

/* What the window remembers and shows beyond its pages; lives as long as the window. */
typedef struct _UthWindowView ViewState;
struct _UthWindowView
{
  UthWindow      *window;       /* not a reference: the state is the window's own data */
  GSettings      *settings;     /* borrowed; NULL without the installed schema */
  GdkDisplay     *display;
  GtkCssProvider *css;
  char           *css_class;    /* one per window, so zooms of two windows do not mix */
  double          zoom;
  gboolean        presentation;
  gboolean        restoring;    /* no settings writes while restoring them */
};

/* A scenario property kept in a settings key of the same meaning (numbers and data types:
 * g_settings_bind maps uint64 to "t" and enums to their nicks). */
static const struct
{
  const char *key;
  const char *property;
} bound_keys[] = {
  { "gpus", "gpus" },
  { "weights-dtype", "weights" },
  { "kv-dtype", "kv" },
  { "activations-dtype", "activations" },
  { "batch", "batch" },
  { "prompt", "prompt" },
  { "context", "context" },
  { "output-tokens", "output-tokens" },
  { "price", "price" },
  { "temperature", "temperature" },
};

static guint n_windows;

static ViewState *
get_state (UthWindow *self)
{
  return self->view;
}

static void
view_state_free (gpointer data)
{
  ViewState *state = data;

  if (state->display != NULL)
    {
      gtk_style_context_remove_provider_for_display (state->display,
                                                     GTK_STYLE_PROVIDER (state->css));
      g_object_unref (state->display);
    }
  g_clear_object (&state->css);
  g_free (state->css_class);
  g_free (state);
}

/* Text zoom: the window's font size (the desktop's, times the scale) set in CSS; labels
 * inherit it and libadwaita's relative sizes (titles, captions) follow. */
static void
update_css (ViewState *state,
            double     scale)
{
  GtkSettings *gtk_settings = gtk_settings_get_for_display (state->display);
  g_autofree char *font_name = NULL;
  g_autofree char *css = NULL;
  PangoFontDescription *desc;
  char size[G_ASCII_DTOSTR_BUF_SIZE];
  double points = 11.0;
  const char *unit = "pt";

  g_object_get (gtk_settings, "gtk-font-name", &font_name, NULL);
  desc = pango_font_description_from_string (font_name != NULL ? font_name : "Sans 11");
  if (pango_font_description_get_size (desc) > 0)
    {
      points = pango_font_description_get_size (desc) / (double) PANGO_SCALE;
      if (pango_font_description_get_size_is_absolute (desc))
        unit = "px";
    }
  pango_font_description_free (desc);

  if (fabs (scale - 1.0) < 1e-6)
    css = g_strdup ("");
  else
    /* CSS wants a dot, whatever the locale's decimal separator. */
    css = g_strdup_printf ("window.%s { font-size: %s%s; }", state->css_class,
                           g_ascii_formatd (size, sizeof size, "%.2f", points * scale), unit);
  gtk_css_provider_load_from_data (state->css, css, -1);
}

static void
set_action_state (ViewState  *state,
                  const char *name,
                  gboolean    enabled,
                  GVariant   *value)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (state->window), name);

  if (action == NULL)
    return;
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
  if (value != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), value);
}

/* The leaflet's back button leads to the sidebar, which presentation mode hides: it stays
 * hidden then, although its visibility follows the leaflet's folding otherwise. */
static void
back_button_visible_cb (GtkWidget  *button,
                        GParamSpec *pspec,
                        ViewState  *state)
{
  GtkWidget *back = state->window->back_button;
  gboolean visible = !state->presentation && adw_leaflet_get_folded (state->window->leaflet);

  if (gtk_widget_get_visible (back) != visible)
    gtk_widget_set_visible (back, visible);
}

static void
apply_view (ViewState *state)
{
  GtkWidget *window = GTK_WIDGET (state->window);
  UthScenario *scenario = uth_window_get_scenario (state->window);
  double scale = uth_window_get_scale (state->window);
  GtkWidget *chrome[] = { state->window->sidebar, state->window->sidebar_separator };

  if (scenario != NULL)
    {
      uth_scenario_set_figure_scale (scenario, scale);
      uth_scenario_set_presentation (scenario, state->presentation);
    }
  update_css (state, scale);
  if (fabs (scale - 1.0) < 1e-6)
    gtk_widget_remove_css_class (window, state->css_class);
  else
    gtk_widget_add_css_class (window, state->css_class);

  for (guint i = 0; i < G_N_ELEMENTS (chrome); i++)
    gtk_widget_set_visible (chrome[i], !state->presentation);
  back_button_visible_cb (NULL, NULL, state);
  if (state->presentation)
    {
      gtk_widget_add_css_class (window, "presentation");
      gtk_window_fullscreen (GTK_WINDOW (window));
    }
  else
    {
      gtk_widget_remove_css_class (window, "presentation");
      gtk_window_unfullscreen (GTK_WINDOW (window));
    }

  set_action_state (state, "presentation", TRUE, g_variant_new_boolean (state->presentation));
  set_action_state (state, "leave-presentation", state->presentation, NULL);
  set_action_state (state, "zoom-in", state->zoom < UTH_ZOOM_MAX - 1e-6, NULL);
  set_action_state (state, "zoom-out", state->zoom > UTH_ZOOM_MIN + 1e-6, NULL);
  set_action_state (state, "zoom-reset", fabs (state->zoom - 1.0) > 1e-6, NULL);

  if (state->settings != NULL && !state->restoring)
    {
      g_settings_set_double (state->settings, "zoom", state->zoom);
      g_settings_set_boolean (state->settings, "presentation-mode", state->presentation);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Actions                                                                                  */

static void
presentation_change_state (GSimpleAction *action,
                           GVariant      *value,
                           gpointer       user_data)
{
  uth_window_set_presentation (UTH_WINDOW (user_data), g_variant_get_boolean (value));
}

static void
leave_presentation_activate (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  uth_window_set_presentation (UTH_WINDOW (user_data), FALSE);
}

static void
zoom_in_activate (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  UthWindow *self = user_data;

  /* Steps of 10 %, kept on the grid so that in and out return to the same values. */
  uth_window_set_zoom (self, round (uth_window_get_zoom (self) * 10.0 + 1.0) / 10.0);
}

static void
zoom_out_activate (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  UthWindow *self = user_data;

  uth_window_set_zoom (self, round (uth_window_get_zoom (self) * 10.0 - 1.0) / 10.0);
}

static void
zoom_reset_activate (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  uth_window_set_zoom (UTH_WINDOW (user_data), 1.0);
}

static void
preferences_activate (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  ViewState *state = get_state (UTH_WINDOW (user_data));
  UthPreferencesWindow *preferences;

  g_return_if_fail (state->settings != NULL);
  preferences = uth_preferences_window_new (GTK_WINDOW (state->window), state->settings);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_activate (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  uth_window_show_about (GTK_WINDOW (user_data));
}

static const GActionEntry view_entries[] = {
  { "presentation", NULL, NULL, "false", presentation_change_state, { 0 } },
  { "leave-presentation", leave_presentation_activate, NULL, NULL, NULL, { 0 } },
  { "zoom-in", zoom_in_activate, NULL, NULL, NULL, { 0 } },
  { "zoom-out", zoom_out_activate, NULL, NULL, NULL, { 0 } },
  { "zoom-reset", zoom_reset_activate, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_activate, NULL, NULL, NULL, { 0 } },
  { "about", about_activate, NULL, NULL, NULL, { 0 } },
};

/* Shortcuts on the window itself, in the capture phase, so that they work whatever has the
 * focus and without an application (tests). A disabled action lets the key through: Escape
 * only leaves presentation mode when the window is in it. */
static void
add_shortcuts (UthWindow *self)
{
  static const struct
  {
    const char *trigger;
    const char *action;
  } shortcuts[] = {
    { "F5", "win.presentation" },
    { "Escape", "win.leave-presentation" },
    { "<Control>plus|<Control>equal|<Control>KP_Add", "win.zoom-in" },
    { "<Control>minus|<Control>KP_Subtract", "win.zoom-out" },
    { "<Control>0|<Control>KP_0", "win.zoom-reset" },
    { "<Control>comma", "win.preferences" },
    { "<Control>w", "window.close" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (shortcuts[i].trigger),
                                                            gtk_named_action_new (shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* ---------------------------------------------------------------------------------------- */
/* Remembered state                                                                         */

static void
size_changed_cb (GtkWindow  *window,
                 GParamSpec *pspec,
                 ViewState  *state)
{
  int width = 0, height = 0;

  /* The size worth restoring is the one of a normal window: not full screen, and a
   * maximized window keeps the size it returns to. */
  if (state->restoring || state->presentation || gtk_window_is_fullscreen (window))
    return;
  g_settings_set_boolean (state->settings, "window-maximized", gtk_window_is_maximized (window));
  if (gtk_window_is_maximized (window))
    return;
  gtk_window_get_default_size (window, &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (state->settings, "window-width", width);
      g_settings_set_int (state->settings, "window-height", height);
    }
}

static void
page_changed_cb (GObject    *stack,
                 GParamSpec *pspec,
                 ViewState  *state)
{
  const char *id = uth_window_get_visible_page_id (state->window);

  if (!state->restoring && id != NULL)
    g_settings_set_string (state->settings, "last-page", id);
}

static void
scenario_id_changed_cb (UthScenario *scenario,
                        GParamSpec  *pspec,
                        UthWindow   *window)
{
  ViewState *state = get_state (window);
  const char *key;
  g_autofree char *value = NULL;

  if (state->restoring)
    return;
  if (g_str_equal (pspec->name, "model-id"))
    key = "model";
  else if (g_str_equal (pspec->name, "gpu-id"))
    key = "gpu";
  else if (g_str_equal (pspec->name, "engine-id"))
    key = "engine";
  else
    key = "text";
  g_object_get (scenario, pspec->name, &value, NULL);
  if (value != NULL)
    g_settings_set_string (state->settings, key, value);
}

static void
zoom_setting_changed_cb (GSettings  *settings,
                         const char *key,
                         ViewState  *state)
{
  double zoom = g_settings_get_double (settings, "zoom");

  /* Preferences changed it; the window's own changes come back here too and stop. */
  if (fabs (zoom - state->zoom) > 1e-9)
    uth_window_set_zoom (state->window, zoom);
}

/* Whether the user (not the schema) set the key: the scenario's own defaults stand until
 * the reader changes something, so the schema's defaults never fight the scenario's. */
static gboolean
user_set (GSettings  *settings,
          const char *key)
{
  g_autoptr(GVariant) value = g_settings_get_user_value (settings, key);

  return value != NULL;
}

/* Ids that left the catalog since they were saved are not restored: the scenario keeps
 * its defaults rather than warning about an unknown model at every start. */
static void
restore_scenario (ViewState   *state,
                  UthScenario *scenario)
{
  UthCatalog *catalog = uth_scenario_get_catalog (scenario);
  g_autofree char *model = g_settings_get_string (state->settings, "model");
  g_autofree char *gpu = g_settings_get_string (state->settings, "gpu");
  g_autofree char *engine = g_settings_get_string (state->settings, "engine");
  g_autofree char *text = g_settings_get_string (state->settings, "text");
  static const char *id_properties[] = { "model-id", "gpu-id", "engine-id", "text" };

  if (user_set (state->settings, "model") && catalog != NULL
      && uth_catalog_find_model (catalog, model) != NULL)
    uth_scenario_set_model_id (scenario, model);
  if (user_set (state->settings, "gpu") && catalog != NULL
      && uth_catalog_find_gpu (catalog, gpu) != NULL)
    uth_scenario_set_gpu_id (scenario, gpu);
  if (user_set (state->settings, "engine") && catalog != NULL
      && uth_catalog_find_engine (catalog, engine) != NULL)
    uth_scenario_set_engine_id (scenario, engine);
  if (user_set (state->settings, "text") && *text != '\0')
    uth_scenario_set_text (scenario, text);

  /* A key the user set is read now and kept in both directions; one never set is only
   * written, from the scenario's first change on. */
  for (guint i = 0; i < G_N_ELEMENTS (bound_keys); i++)
    g_settings_bind (state->settings, bound_keys[i].key, scenario, bound_keys[i].property,
                     user_set (state->settings, bound_keys[i].key)
                     ? G_SETTINGS_BIND_DEFAULT : G_SETTINGS_BIND_SET);
  for (guint i = 0; i < G_N_ELEMENTS (id_properties); i++)
    {
      g_autofree char *signal = g_strconcat ("notify::", id_properties[i], NULL);

      g_signal_connect_object (scenario, signal, G_CALLBACK (scenario_id_changed_cb),
                               state->window, 0);
    }
}

static void
restore_state (ViewState *state)
{
  GtkWindow *window = GTK_WINDOW (state->window);
  UthScenario *scenario = uth_window_get_scenario (state->window);
  g_autofree char *page = NULL;

  state->restoring = TRUE;
  gtk_window_set_default_size (window,
                               g_settings_get_int (state->settings, "window-width"),
                               g_settings_get_int (state->settings, "window-height"));
  if (g_settings_get_boolean (state->settings, "window-maximized"))
    gtk_window_maximize (window);
  page = g_settings_get_string (state->settings, "last-page");
  uth_window_show_page (state->window, page);
  state->zoom = CLAMP (g_settings_get_double (state->settings, "zoom"), UTH_ZOOM_MIN, UTH_ZOOM_MAX);
  state->presentation = g_settings_get_boolean (state->settings, "presentation-mode");
  if (scenario != NULL)
    restore_scenario (state, scenario);
  state->restoring = FALSE;

  g_signal_connect (window, "notify::default-width", G_CALLBACK (size_changed_cb), state);
  g_signal_connect (window, "notify::default-height", G_CALLBACK (size_changed_cb), state);
  g_signal_connect (window, "notify::maximized", G_CALLBACK (size_changed_cb), state);
  g_signal_connect (state->window->stack, "notify::visible-child", G_CALLBACK (page_changed_cb), state);
  g_signal_connect (state->settings, "changed::zoom", G_CALLBACK (zoom_setting_changed_cb), state);
}

/* ---------------------------------------------------------------------------------------- */

static void
window_destroyed_cb (UthWindow *self,
                     ViewState *state)
{
  /* The settings outlive the window: drop the handlers that point at its state. */
  if (state->settings != NULL)
    g_signal_handlers_disconnect_by_data (state->settings, state);
}

/* Starts remembering: restores what the settings hold and keeps them current. */
static void
attach_settings (ViewState *state)
{
  /* The process-wide preferences (style, animation speed, byte units) are the
   * application's (uth-application.c); a window keeps its own view and scenario. */
  state->settings = uth_settings_get ();
  set_action_state (state, "preferences", state->settings != NULL, NULL);
  if (state->settings == NULL)
    return;
  restore_state (state);
  apply_view (state);
}

static void
application_set_cb (GtkWindow  *window,
                    GParamSpec *pspec,
                    ViewState  *state)
{
  if (state->settings != NULL || gtk_window_get_application (window) == NULL)
    return;
  g_signal_handlers_disconnect_by_func (window, application_set_cb, state);
  attach_settings (state);
}

void
uth_window_actions_init (UthWindow *self)
{
  ViewState *state;

  g_return_if_fail (UTH_IS_WINDOW (self));
  g_return_if_fail (get_state (self) == NULL);

  state = g_new0 (ViewState, 1);
  state->window = self;
  state->display = g_object_ref (gtk_widget_get_display (GTK_WIDGET (self)));
  state->css = gtk_css_provider_new ();
  state->css_class = g_strdup_printf ("uth-zoom-%u", ++n_windows);
  state->zoom = 1.0;
  gtk_style_context_add_provider_for_display (state->display, GTK_STYLE_PROVIDER (state->css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  self->view = state;

  g_action_map_add_action_entries (G_ACTION_MAP (self), view_entries,
                                   G_N_ELEMENTS (view_entries), self);
  /* Enabled once there are settings to edit. */
  set_action_state (state, "preferences", FALSE, NULL);
  add_shortcuts (self);
  g_signal_connect (self->back_button, "notify::visible", G_CALLBACK (back_button_visible_cb), state);
  g_signal_connect (self, "destroy", G_CALLBACK (window_destroyed_cb), state);

  /* Only the application's windows remember: a bare window (tests) starts from the defaults
   * and leaves the settings alone, whatever windows before it did. g_object_new sets the
   * application after constructed, so it may only arrive later. */
  if (gtk_window_get_application (GTK_WINDOW (self)) != NULL)
    attach_settings (state);
  else
    g_signal_connect (self, "notify::application", G_CALLBACK (application_set_cb), state);
  apply_view (state);
}

void
uth_window_actions_finalize (UthWindow *self)
{
  g_clear_pointer (&self->view, view_state_free);
}

gboolean
uth_window_get_presentation (UthWindow *self)
{
  g_return_val_if_fail (UTH_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (get_state (self) != NULL, FALSE);

  return get_state (self)->presentation;
}

void
uth_window_set_presentation (UthWindow *self,
                             gboolean   presentation)
{
  ViewState *state;

  g_return_if_fail (UTH_IS_WINDOW (self));
  g_return_if_fail (get_state (self) != NULL);

  state = get_state (self);
  presentation = !!presentation;
  if (state->presentation == presentation)
    return;
  state->presentation = presentation;
  apply_view (state);
}

double
uth_window_get_zoom (UthWindow *self)
{
  g_return_val_if_fail (UTH_IS_WINDOW (self), 1.0);
  g_return_val_if_fail (get_state (self) != NULL, 1.0);

  return get_state (self)->zoom;
}

void
uth_window_set_zoom (UthWindow *self,
                     double     zoom)
{
  ViewState *state;

  g_return_if_fail (UTH_IS_WINDOW (self));
  g_return_if_fail (get_state (self) != NULL);

  state = get_state (self);
  zoom = CLAMP (zoom, UTH_ZOOM_MIN, UTH_ZOOM_MAX);
  if (fabs (state->zoom - zoom) < 1e-9)
    return;
  state->zoom = zoom;
  apply_view (state);
}

double
uth_window_get_scale (UthWindow *self)
{
  ViewState *state;

  g_return_val_if_fail (UTH_IS_WINDOW (self), 1.0);

  state = get_state (self);
  if (state == NULL)
    return 1.0;
  return state->zoom * (state->presentation ? UTH_PRESENTATION_SCALE : 1.0);
}

void
uth_window_show_about (GtkWindow *parent)
{
  static const char *developers[] = { "The Under the Hood authors", NULL };
  GtkWidget *about = adw_about_window_new ();
  /* Translators: your names and addresses, one a line ("Ana Example <ana@example.org>"), as
   * in the Last-Translator line of your .po file: they are credited in the About window */
  const char *credits = _("translator-credits");

  g_object_set (about,
                "transient-for", parent,
                "modal", parent != NULL,
                "application-name", _("Under the Hood"),
                "application-icon", APPLICATION_ID,
                "version", PACKAGE_VERSION,
                "developer-name", _("The Under the Hood authors"),
                "developers", developers,
                "comments", _("Learn what it costs to run a large language model, and why"),
                "website", "https://github.com/underthehood/under-the-hood",
                "issue-url", "https://github.com/underthehood/under-the-hood/issues",
                "license-type", GTK_LICENSE_GPL_3_0,
                "copyright", "© 2026 The Under the Hood authors",
                /* Untranslated (English), the placeholder is not a credit. */
                "translator-credits", g_strcmp0 (credits, "translator-credits") != 0 ? credits : NULL,
                "release-notes-version", PACKAGE_VERSION,
                "release-notes", _("<p>First release: two learning paths, a cost estimator for any model on any GPU, a presentation mode and a command line for exporting figures.</p>"),
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}
