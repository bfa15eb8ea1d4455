/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's view actions and remembered state: presentation mode (F5, Escape), zoom
 * (Ctrl+plus, Ctrl+minus, Ctrl+0), Preferences (Ctrl+comma), About, and the window size,
 * last page and scenario kept in GSettings. */
#pragma once

#include "uth-window.h"

G_BEGIN_DECLS

/* Figures and text in presentation mode are this much larger than at the same zoom. */
#define UTH_PRESENTATION_SCALE 1.5
#define UTH_ZOOM_MIN 0.5
#define UTH_ZOOM_MAX 3.0


gboolean uth_window_get_presentation   (UthWindow      *self);
/* Full screen, sidebar hidden, figures and text scaled by UTH_PRESENTATION_SCALE, the
 * high-contrast figure palette; FALSE restores the window as it was. */
void     uth_window_set_presentation   (UthWindow      *self,
                                        gboolean        presentation);
double   uth_window_get_zoom           (UthWindow      *self);
/* Clamped to UTH_ZOOM_MIN .. UTH_ZOOM_MAX. */
void     uth_window_set_zoom           (UthWindow      *self,
                                        double          zoom);
/* What figures and text are scaled by now: zoom, times the presentation scale. */
double   uth_window_get_scale          (UthWindow      *self);

void     uth_window_show_about         (GtkWindow      *parent);

G_END_DECLS
