/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The base of every page: an id from DESIGN.md, a title, the shared scenario, and the
 * figure that export draws. Pages never reach into the window: they emit "toast" and
 * "open-page", which the window connects. */
#pragma once

#include <gtk/gtk.h>

#include "render/uth-draw.h"
#include "uth-scenario.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE (uth_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (UthPage, uth_page, UTH, PAGE, GtkWidget)

struct _UthPageClass
{
  GtkWidgetClass parent_class;

  /* The figure Ctrl+E exports and its context. The default returns the page id's entry of
   * the figure table with the scenario's context; override to add the page's toggles. */
  const UthPageFigure *(*get_figure)       (UthPage          *self,
                                            UthFigureContext *ctx);
  /* Called after the scenario property changed (also to NULL), before notify. Not called
   * from dispose: there the base drops the scenario and every handler the page connected
   * to it with the page as data. */
  void                 (*scenario_changed) (UthPage          *self,
                                            UthScenario      *old_scenario);

  /* Puts the keyboard focus in the page when the window shows it, so that the page's keys
   * (Space plays and pauses) reach it and not the header bar's Back button. The default
   * focuses the first focusable figure, else the page itself. */
  void                 (*focus_content)    (UthPage          *self);

  gpointer padding[7];
};

const char          *uth_page_get_id       (UthPage          *self);
const char          *uth_page_get_title    (UthPage          *self);
UthScenario         *uth_page_get_scenario (UthPage          *self);
void                 uth_page_set_scenario (UthPage          *self,
                                            UthScenario      *scenario);
const UthPageFigure *uth_page_get_figure   (UthPage          *self,
                                            UthFigureContext *ctx);
/* Puts the keyboard focus inside the page (the focus_content vfunc); FALSE when nothing in
 * it can take the focus. */
gboolean             uth_page_focus_content (UthPage         *self);
void                 uth_page_set_scale_value_label (UthPage  *self,
                                                     GtkRange *range,
                                                     GtkLabel *label);
/* Asks the window to show a toast. */
void                 uth_page_toast        (UthPage          *self,
                                            const char       *message);
/* Asks the window to show another page. */
void                 uth_page_open_page    (UthPage          *self,
                                            const char       *id);

/* The Preferences' animation speed for every page: 1 normal, 2 twice as fast. A page that
 * animates divides its step interval by it: g_timeout_add (STEP_MS / speed, …). */
double               uth_page_get_animation_speed (void);
void                 uth_page_set_animation_speed (double speed);

G_END_DECLS
