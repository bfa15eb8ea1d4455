/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview: where a new reader starts. What happens when you send a prompt, as an
 * animated walk of steps (the builds of presentation mode), each chapter linking to the
 * page that goes deeper. */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-overview.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_OVERVIEW (uth_page_overview_get_type ())
G_DECLARE_FINAL_TYPE (UthPageOverview, uth_page_overview, UTH, PAGE_OVERVIEW, UthPage)

const UthOverviewView *uth_page_overview_get_view    (UthPageOverview *self);
/* Shows step (clamped to 0 .. UTH_OVERVIEW_N_STEPS - 1), fully built. */
void                   uth_page_overview_set_step    (UthPageOverview *self,
                                                      int              step);
/* Moves delta steps on or back, within the walk. */
void                   uth_page_overview_step        (UthPageOverview *self,
                                                      int              delta);
void                   uth_page_overview_set_playing (UthPageOverview *self,
                                                      gboolean         playing);
gboolean               uth_page_overview_get_playing (UthPageOverview *self);
/* The button that opens the page going deeper into a chapter (0 .. 4). */
GtkWidget             *uth_page_overview_get_link    (UthPageOverview *self,
                                                      int              chapter);

G_END_DECLS
