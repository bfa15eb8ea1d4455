/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Teaching with the window: in presentation mode (F5) the visible page is shown as slides,
 * build by build (render/uth-lecture.h), driven by a presenter's clicker:
 *
 *   PageDown, Right, Space   next build; after the page's last build, the next page of the
 *                            same path (at the path's last page it stays: the end)
 *   PageUp, Left, BackSpace  previous build; before the first, the previous page's last
 *   Home, End                the page's first and last build
 *   B or "."                 blank the screen black; W white; any of them again unblanks
 *   S                        show or hide the scenario bar
 *   Escape                   leave presentation mode (win.leave-presentation)
 *
 * Presentation mode hides the header bar, the sidebar and the scenario bar; a footer on the
 * slide names the build and counts the pages of the path ("3 / 7"). Outside presentation
 * mode the pages are shown fully built as always, and the header bar's "Check yourself"
 * button opens the page's questions, each with its answer behind an expander. */
#pragma once

#include "uth-window.h"

G_BEGIN_DECLS

typedef enum
{
  UTH_BLANK_NONE,
  UTH_BLANK_BLACK,
  UTH_BLANK_WHITE,
} UthBlank;


/* The build of the visible page presentation mode shows (1-based); 0 outside it (the
 * page fully built). */
guint     uth_window_get_build          (UthWindow      *self);
UthBlank  uth_window_get_blank          (UthWindow      *self);
/* One step as the clicker makes it: +1 forward, -1 back. FALSE when there is nothing more
 * that way (the path's first or last build) or not presenting. */
gboolean  uth_window_lecture_step       (UthWindow      *self,
                                         int             direction);
/* Whether the slide area is shown (presentation mode) and drawn unblanked. */
gboolean  uth_window_lecture_showing    (UthWindow      *self);
/* Refills the "Check yourself" popover for the visible page; returns its questions. */
guint     uth_window_lecture_fill_check (UthWindow      *self);

G_END_DECLS
