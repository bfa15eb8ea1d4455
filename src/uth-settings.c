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
