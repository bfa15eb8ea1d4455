/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scenario bar: model, GPU and count, engine, data types, batch, prompt and context,
 * each control bound to the shared UthScenario. */
#pragma once

#include <gtk/gtk.h>

#include "uth-scenario.h"

G_BEGIN_DECLS

#define UTH_TYPE_SCENARIO_PANEL (uth_scenario_panel_get_type ())
G_DECLARE_FINAL_TYPE (UthScenarioPanel, uth_scenario_panel, UTH, SCENARIO_PANEL, GtkWidget)

GtkWidget   *uth_scenario_panel_new          (UthScenario      *scenario);
UthScenario *uth_scenario_panel_get_scenario (UthScenarioPanel *self);
void         uth_scenario_panel_set_scenario (UthScenarioPanel *self,
                                              UthScenario      *scenario);

G_END_DECLS
