/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preferences: style, zoom, animation speed, units, and the user's own GPUs and models. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define UTH_TYPE_PREFERENCES_WINDOW (uth_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (UthPreferencesWindow, uth_preferences_window, UTH, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* settings: the application's GSettings (io.github.underthehood.UnderTheHood). */
UthPreferencesWindow *uth_preferences_window_new (GtkWindow *parent,
                                                  GSettings *settings);
/* Opens the editor for a new GPU (kind "gpu") or model (kind "model"), as the Add buttons do. */
void                  uth_preferences_window_add_entry (UthPreferencesWindow *self,
                                                        const char           *kind);
/* Applies the "style" key to AdwStyleManager now and whenever it changes. */
void                  uth_preferences_bind_style (GSettings *settings);

/* The GSettings nicks the Style ("style") or Byte units ("units") row stands for, in row
 * order and NULL-terminated; NULL for another key. For tests. */
const char * const   *uth_preferences_window_get_nicks (const char *key);

G_END_DECLS
