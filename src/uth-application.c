/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "pages/uth-page.h"
#include "render/uth-draw.h"
#include "render/uth-draw-common.h"
#include "uth-application.h"
#include "uth-debug.h"
#include "uth-preferences-window.h"
#include "uth-settings.h"
#include "uth-window.h"
#include "uth-window-open.h"

struct _UthApplication
{
  AdwApplication parent_instance;

  char          *initial_page;
};

G_DEFINE_FINAL_TYPE (UthApplication, uth_application, ADW_TYPE_APPLICATION)

static UthWindow *
ensure_window (UthApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (uth_window_new (GTK_APPLICATION (self), NULL));
      uth_debug_attach (UTH_WINDOW (window));   /* off unless tools/measure-startup asks */
    }
  return UTH_WINDOW (window);
}

static void
show_page_action_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  UthApplication *self = user_data;
  UthWindow *window = ensure_window (self);

  uth_window_show_page (window, g_variant_get_string (parameter, NULL));
  gtk_window_present (GTK_WINDOW (window));
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "show-page", show_page_action_cb, "s", NULL, NULL, { 0 } },
  { "quit", quit_action_cb, NULL, NULL, NULL, { 0 } },
};

static int
uth_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  UthApplication *self = UTH_APPLICATION (app);
  const char *page = NULL;
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }
  if (!g_variant_dict_lookup (options, "page", "&s", &page))
    return -1;
  if (uth_draw_find_page (page) == NULL)
    {
      g_autofree char *ids = uth_draw_page_ids_string ();

      g_printerr (_("Unknown page “%s”. The pages are: %s\n"), page, ids);
      return 2;
    }
  /* A running instance shows the page; otherwise activate opens on it. */
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (g_application_get_is_remote (app))
    {
      g_action_group_activate_action (G_ACTION_GROUP (app), "show-page", g_variant_new_string (page));
      return 0;
    }
  g_free (self->initial_page);
  self->initial_page = g_strdup (page);
  return -1;
}

static void
uth_application_activate (GApplication *app)
{
  UthApplication *self = UTH_APPLICATION (app);
  UthWindow *window = ensure_window (self);

  if (self->initial_page != NULL)
    {
      uth_window_show_page (window, self->initial_page);
      g_clear_pointer (&self->initial_page, g_free);
    }
  gtk_window_present (GTK_WINDOW (window));
}

/* `under-the-hood FILE` and Files' "Open With": the file opens in the window as with
 * File › Open, whose checks and error messages it shares (a file that is not a model says
 * so in the window). One model at a time: the first file is the one opened. */
static void
uth_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  uth_application_activate (app);
  if (n_files > 0)
    uth_window_open_file (ensure_window (UTH_APPLICATION (app)), files[0]);
}

/* ---- process-wide preferences ---- */

static void
animation_speed_changed_cb (GSettings  *settings,
                            const char *key,
                            gpointer    user_data)
{
  uth_page_set_animation_speed (g_settings_get_double (settings, "animation-speed"));
}

/* Byte units changed in Preferences: every figure and label shows sizes anew. */
static void
units_changed_cb (GSettings  *settings,
                  const char *key,
                  gpointer    user_data)
{
  GList *toplevels;

  uth_format_set_binary_bytes (g_settings_get_enum (settings, "units") == 1);
  /* The pages redo their labels and figures on the scenario's "changed". */
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (UTH_IS_WINDOW (l->data) && uth_window_get_scenario (l->data) != NULL)
      g_signal_emit_by_name (uth_window_get_scenario (l->data), "changed");
  g_list_free (toplevels);
}

/* The Preferences that hold for every window of the process, bound once, here: the style
 * (light, dark, system), the animation speed and the byte units. */
static void
bind_preferences (UthApplication *self)
{
  GSettings *settings = uth_settings_get ();

  if (settings == NULL)
    return;
  uth_preferences_bind_style (settings);
  g_signal_connect_object (settings, "changed::animation-speed",
                           G_CALLBACK (animation_speed_changed_cb), self, 0);
  animation_speed_changed_cb (settings, "animation-speed", NULL);
  g_signal_connect_object (settings, "changed::units", G_CALLBACK (units_changed_cb), self, 0);
  units_changed_cb (settings, "units", NULL);
}

static void
uth_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (uth_application_parent_class)->startup (app);
  /* This computer, measured before (Preferences), is a device like the catalog's. */
  {
    UthThisComputer measured;

    if (uth_settings_get_this_computer (&measured))
      uth_this_computer_add_to_catalog (&measured, uth_catalog_get_default ());
  }
  bind_preferences (UTH_APPLICATION (app));
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
uth_application_finalize (GObject *object)
{
  UthApplication *self = UTH_APPLICATION (object);

  g_free (self->initial_page);
  G_OBJECT_CLASS (uth_application_parent_class)->finalize (object);
}

static void
uth_application_class_init (UthApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = uth_application_finalize;
  app_class->handle_local_options = uth_application_handle_local_options;
  app_class->activate = uth_application_activate;
  app_class->open = uth_application_open;
  app_class->startup = uth_application_startup;
}

static void
uth_application_init (UthApplication *self)
{
  static const GOptionEntry entries[] = {
    { "page", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Open on a page (home, tokens, …, layer, cost)"), N_("ID") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[COMMAND … | FILE]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Without a command, opens the window, and the model FILE in it if one is given. Commands: catalog, estimate, gemm, render, inspect, bench (see COMMAND --help)."));
}

UthApplication *
uth_application_new (void)
{
  return g_object_new (UTH_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
