/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lays children out left to right at their natural width and starts a new line when the
 * next one does not fit, like words in a paragraph (GTK 4.8 has no wrap box). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UTH_TYPE_WRAP_LAYOUT (uth_wrap_layout_get_type ())
G_DECLARE_FINAL_TYPE (UthWrapLayout, uth_wrap_layout, UTH, WRAP_LAYOUT, GtkLayoutManager)

GtkLayoutManager *uth_wrap_layout_new (int column_spacing,
                                       int row_spacing);
void              uth_wrap_layout_set_use_natural (UthWrapLayout *self,
                                                   gboolean       use_natural);
/* Equal columns side by side while each gets its minimum width, else one per line (the
 * "What you see / Why it matters" pair of a page, stacked in a narrow window). */
void              uth_wrap_layout_set_columns     (UthWrapLayout *self,
                                                   gboolean       columns);

G_END_DECLS
