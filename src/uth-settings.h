/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application's GSettings, when its schema is installed. */
#pragma once

#include <gio/gio.h>

#include "catalog/uth-this-computer.h"

G_BEGIN_DECLS

/* The process's settings (io.github.underthehood.UnderTheHood), or NULL when the schema is
 * not installed (a build run without GSETTINGS_SCHEMA_DIR): the app then runs with defaults
 * and remembers nothing, instead of aborting as g_settings_new() would. Borrowed. */
GSettings *uth_settings_get (void);

/* This computer's last measurement from the settings; FALSE when there is none (or no
 * schema, or a malformed value). */
gboolean   uth_settings_get_this_computer (UthThisComputer       *out);
/* Remembers a measurement; does nothing without the schema. */
void       uth_settings_set_this_computer (const UthThisComputer *measured);

G_END_DECLS
