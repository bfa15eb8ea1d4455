/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window: the pages in a stack, a sidebar of numbered steps, the scenario bar. */
#pragma once

#include <adwaita.h>

#include "pages/uth-page.h"
#include "uth-scenario.h"

G_BEGIN_DECLS

#define UTH_TYPE_WINDOW (uth_window_get_type ())
G_DECLARE_FINAL_TYPE (UthWindow, uth_window, UTH, WINDOW, AdwApplicationWindow)

/* app may be NULL (tests); scenario NULL makes a new one from the default catalog. */
UthWindow   *uth_window_new                 (GtkApplication *app,
                                             UthScenario    *scenario);
UthScenario *uth_window_get_scenario        (UthWindow      *self);
/* FALSE (and nothing changes) for an unknown id. */
gboolean     uth_window_show_page           (UthWindow      *self,
                                             const char     *id);
const char  *uth_window_get_visible_page_id (UthWindow      *self);
UthPage     *uth_window_get_page            (UthWindow      *self,
                                             const char     *id);
/* Walks the learning order: -1 previous, +1 next. FALSE at either end. */
gboolean     uth_window_step                (UthWindow      *self,
                                             int             direction);
/* Writes the visible page's figure (light, 1600 x 1000 unless width/height > 0). */
gboolean     uth_window_export_to_file      (UthWindow      *self,
                                             const char     *path,
                                             int             width,
                                             int             height,
                                             GError        **error);

G_END_DECLS
