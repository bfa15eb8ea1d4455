/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "uth-settings.h"

GSettings *
uth_settings_get (void)
{
  static GSettings *settings;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = NULL;

      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
      if (schema != NULL)
        settings = g_settings_new_full (schema, NULL, NULL);
      else
        g_debug ("Schema %s is not installed; settings are not remembered", APPLICATION_ID);
      g_once_init_leave (&initialized, 1);
    }
  return settings;
}

gboolean
uth_settings_get_this_computer (UthThisComputer *out)
{
  GSettings *settings = uth_settings_get ();
  g_autofree char *text = NULL;

  if (settings == NULL)
    return FALSE;
  text = g_settings_get_string (settings, "this-computer");
  return uth_this_computer_from_string (out, text);
}

void
uth_settings_set_this_computer (const UthThisComputer *measured)
{
  GSettings *settings = uth_settings_get ();
  g_autofree char *text = NULL;

  if (settings == NULL)
    return;
  text = uth_this_computer_to_string (measured);
  g_settings_set_string (settings, "this-computer", text);
}
