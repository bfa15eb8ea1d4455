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
  /* Called after the scenario property changed (also to NULL), before refresh and notify:
   * for what a new scenario resets (most pages need nothing here). The base has already
   * given every UthFigure in the page the scenario; the page's bindings (uth_page_bind)
   * move to it right after this. Not called from dispose. */
  void                 (*scenario_changed) (UthPage          *self,
                                            UthScenario      *old_scenario);
  /* Brings the page up to date with its scenario: called when a scenario is set and on
   * every "changed" of it (at most once per frame), never with no scenario. The base
   * connects and disconnects (a GSignalGroup); a page only overrides this. */
  void                 (*refresh)          (UthPage          *self);

  /* Puts the keyboard focus in the page when the window shows it, so that the page's keys
   * (Space plays and pauses) reach it and not the header bar's Back button. The default
   * focuses the first focusable figure, else the page itself. */
  void                 (*focus_content)    (UthPage          *self);

  gpointer padding[6];
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
/* Keeps @target's @target_property in step with the page's scenario's @scenario_property
 * (G_BINDING_SYNC_CREATE is implied; add G_BINDING_BIDIRECTIONAL for a control that sets
 * it): a GBindingGroup moves the binding along when the scenario is replaced. No guard
 * flag is needed, GBinding does not echo a value back to where it came from. Call from
 * init, after gtk_widget_init_template. */
void                 uth_page_bind         (UthPage          *self,
                                            const char       *scenario_property,
                                            gpointer          target,
                                            const char       *target_property,
                                            GBindingFlags     flags);
/* The same with transforms (as g_binding_group_bind_full; user_data is not owned). */
void                 uth_page_bind_full    (UthPage               *self,
                                            const char            *scenario_property,
                                            gpointer               target,
                                            const char            *target_property,
                                            GBindingFlags          flags,
                                            GBindingTransformFunc  transform_to,
                                            GBindingTransformFunc  transform_from,
                                            gpointer               user_data);
/* Calls the refresh vfunc now (after a page's own control changed what it draws). */
void                 uth_page_refresh      (UthPage          *self);
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
