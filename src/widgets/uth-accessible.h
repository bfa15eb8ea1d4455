/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Names for the parts of composite controls that assistive technologies read on their own. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GTK 4.8's GtkDropDown and GtkMenuButton move the keyboard focus to a button inside them,
 * which a screen reader announces by that button's own name: its type name
 * ("GtkToggleButton") for a drop-down. Labels that inner button by @label (a GtkLabel) or,
 * when @label is NULL, names it @name. */
void uth_accessible_label_inner_button (GtkWidget  *control,
                                        GtkWidget  *label,
                                        const char *name);
/* Every drop-down under @root that has a mnemonic label gets its inner button labelled by it
 * (the .ui files name drop-downs that way). */
void uth_accessible_label_drop_downs   (GtkWidget  *root);

G_END_DECLS
