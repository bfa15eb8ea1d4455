/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A number that shows how it was computed: clicked, a popover gives the formula and the
 * formula with the current values substituted ("3.35 TB/s ÷ 16.1 GB = 208 tok/s"). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UTH_TYPE_FORMULA_BUTTON (uth_formula_button_get_type ())
G_DECLARE_FINAL_TYPE (UthFormulaButton, uth_formula_button, UTH, FORMULA_BUTTON, GtkWidget)

GtkWidget  *uth_formula_button_new             (void);
/* Sets everything at once: the value shown, the quantity's name, the formula in words and
 * the formula with the values substituted. */
void        uth_formula_button_set             (UthFormulaButton *self,
                                                const char       *value,
                                                const char       *name,
                                                const char       *formula,
                                                const char       *substituted);
const char *uth_formula_button_get_value       (UthFormulaButton *self);
const char *uth_formula_button_get_substituted (UthFormulaButton *self);
void        uth_formula_button_popup           (UthFormulaButton *self);

G_END_DECLS
