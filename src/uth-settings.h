/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application's GSettings, when its schema is installed. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The process's settings (io.github.underthehood.UnderTheHood), or NULL when the schema is
 * not installed (a build run without GSETTINGS_SCHEMA_DIR): the app then runs with defaults
 * and remembers nothing, instead of aborting as g_settings_new() would. Borrowed. */
GSettings *uth_settings_get (void);

G_END_DECLS
