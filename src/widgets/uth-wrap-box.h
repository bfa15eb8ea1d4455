/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A container that lays its children out like words (UthWrapLayout), for .ui files: GTK 4.8's
 * GtkFlowBox wraps each child in a focusable cell (Tab stopped twice), and a cell made
 * unfocusable swallows Tab in GTK 4.8 instead of passing the focus on. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UTH_TYPE_WRAP_BOX (uth_wrap_box_get_type ())
G_DECLARE_FINAL_TYPE (UthWrapBox, uth_wrap_box, UTH, WRAP_BOX, GtkWidget)

GtkWidget *uth_wrap_box_new    (int         column_spacing,
                                int         row_spacing);
void       uth_wrap_box_append (UthWrapBox *self,
                                GtkWidget  *child);

G_END_DECLS
