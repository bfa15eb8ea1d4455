/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's state, shared by the files that make up UthWindow (uth-window.c, -actions.c,
 * -open.c, -lecture.c) and by nobody else: its template children, bound by
 * gtk_widget_class_bind_template_child in uth-window.c, and each part's own state. */
#pragma once

#include <adwaita.h>

#include "uth-window.h"
#include "widgets/uth-scenario-panel.h"

G_BEGIN_DECLS

typedef struct _UthWindowView    UthWindowView;
typedef struct _UthWindowOpen    UthWindowOpen;
typedef struct _UthWindowLecture UthWindowLecture;

struct _UthWindow
{
  AdwApplicationWindow parent_instance;

  UthScenario     *scenario;
  GPtrArray       *pages;          /* UthPage, in learning order */

  AdwLeaflet      *leaflet;
  GtkListBox      *page_list;
  GtkStack        *stack;
  AdwWindowTitle  *page_title;
  AdwToastOverlay *toast_overlay;
  UthScenarioPanel *scenario_panel;
  GtkWidget       *content;
  GtkWidget       *menu_button;
  GtkWidget       *sidebar;          /* hidden in presentation mode */
  GtkWidget       *sidebar_separator;
  GtkWidget       *back_button;
  GtkWidget       *lecture_overlay;  /* presentation mode's slide goes on it */
  GtkWidget       *content_header;
  GtkWidget       *scenario_toggle;
  gboolean         keep_focus;     /* a page opened from the sidebar by arrow keys */

  /* What each part of the window keeps, owned by the window and freed with it. */
  UthWindowView    *view;          /* uth-window-actions.c: zoom, presentation, settings */
  UthWindowOpen    *open;          /* uth-window-open.c: the model file opened */
  UthWindowLecture *lecture;       /* uth-window-lecture.c: slides of presentation mode */
};

/* uth-window-actions.c: from constructed, after the pages exist: adds the win.* actions
 * and their shortcuts, and restores what the settings hold for an application's window. */
void uth_window_actions_init     (UthWindow      *self);
void uth_window_actions_finalize (UthWindow      *self);

/* uth-window-open.c: installs win.open (Ctrl+O) and win.save-opened-model; the drop target. */
void uth_window_open_class_init  (GtkWidgetClass *widget_class);
void uth_window_open_init        (UthWindow      *self);
void uth_window_open_finalize    (UthWindow      *self);

/* uth-window-lecture.c: from constructed, after uth_window_actions_init. */
void uth_window_lecture_init     (UthWindow      *self);
void uth_window_lecture_finalize (UthWindow      *self);

G_END_DECLS
