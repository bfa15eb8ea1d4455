/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one scenario every page shares: a model chosen on one page is the model on the next.
 * Property changes notify at once; "changed" is emitted at most once per frame after any
 * number of them, so a slider storm costs one recompute and one redraw. */
#pragma once

#include <gtk/gtk.h>

#include "catalog/uth-catalog.h"
#include "core/uth-estimate.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

#define UTH_TYPE_DTYPE (uth_dtype_get_type ())
GType uth_dtype_get_type (void) G_GNUC_CONST;

#define UTH_TYPE_SCENARIO (uth_scenario_get_type ())
G_DECLARE_FINAL_TYPE (UthScenario, uth_scenario, UTH, SCENARIO, GObject)

/* Uses the default catalog (bundled plus the user's) when catalog is NULL. */
UthScenario          *uth_scenario_new            (UthCatalog    *catalog);
UthCatalog           *uth_scenario_get_catalog    (UthScenario   *self);

const char           *uth_scenario_get_model_id   (UthScenario   *self);
void                  uth_scenario_set_model_id   (UthScenario   *self,
                                                   const char    *id);
const UthModelEntry  *uth_scenario_get_model      (UthScenario   *self);
const char           *uth_scenario_get_gpu_id     (UthScenario   *self);
void                  uth_scenario_set_gpu_id     (UthScenario   *self,
                                                   const char    *id);
const UthGpuEntry    *uth_scenario_get_gpu        (UthScenario   *self);
guint                 uth_scenario_get_gpus       (UthScenario   *self);
void                  uth_scenario_set_gpus       (UthScenario   *self,
                                                   guint          gpus);
const char           *uth_scenario_get_engine_id  (UthScenario   *self);
void                  uth_scenario_set_engine_id  (UthScenario   *self,
                                                   const char    *id);
const UthEngineEntry *uth_scenario_get_engine     (UthScenario   *self);
UthDtype              uth_scenario_get_weights    (UthScenario   *self);
void                  uth_scenario_set_weights    (UthScenario   *self,
                                                   UthDtype       dtype);
UthDtype              uth_scenario_get_kv         (UthScenario   *self);
void                  uth_scenario_set_kv         (UthScenario   *self,
                                                   UthDtype       dtype);
UthDtype              uth_scenario_get_activations(UthScenario   *self);
void                  uth_scenario_set_activations(UthScenario   *self,
                                                   UthDtype       dtype);
guint64               uth_scenario_get_batch      (UthScenario   *self);
void                  uth_scenario_set_batch      (UthScenario   *self,
                                                   guint64        batch);
guint64               uth_scenario_get_prompt     (UthScenario   *self);
void                  uth_scenario_set_prompt     (UthScenario   *self,
                                                   guint64        prompt);
guint64               uth_scenario_get_context    (UthScenario   *self);
void                  uth_scenario_set_context    (UthScenario   *self,
                                                   guint64        context);
guint64               uth_scenario_get_output_tokens (UthScenario *self);
void                  uth_scenario_set_output_tokens (UthScenario *self,
                                                      guint64      tokens);
guint64               uth_scenario_get_step_tokens (UthScenario  *self);
void                  uth_scenario_set_step_tokens (UthScenario  *self,
                                                    guint64       tokens);
/* US dollars per GPU-hour; negative takes the GPU's own price. */
double                uth_scenario_get_price      (UthScenario   *self);
void                  uth_scenario_set_price      (UthScenario   *self,
                                                   double         price);
const char           *uth_scenario_get_text       (UthScenario   *self);
void                  uth_scenario_set_text       (UthScenario   *self,
                                                   const char    *text);
double                uth_scenario_get_temperature (UthScenario  *self);
void                  uth_scenario_set_temperature (UthScenario  *self,
                                                    double        temperature);
/* The layer the Layer page shows (clamped to the model's layers when read into a figure). */
guint                 uth_scenario_get_layer      (UthScenario   *self);
void                  uth_scenario_set_layer      (UthScenario   *self,
                                                   guint          layer);
/* Figure text/line scale (zoom, presentation mode); 1 is normal. */
double                uth_scenario_get_figure_scale (UthScenario *self);
void                  uth_scenario_set_figure_scale (UthScenario *self,
                                                     double       scale);
/* High-contrast figure palette (presentation mode). */
gboolean              uth_scenario_get_presentation (UthScenario *self);
void                  uth_scenario_set_presentation (UthScenario *self,
                                                     gboolean     presentation);

/* The estimate of the current values, computed once per change; NULL (and error set to
 * the core's code) when the scenario is not valid. */
const UthEstimate    *uth_scenario_get_estimate   (UthScenario      *self,
                                                   UthEstimateError *error);
/* Fills a figure context: entries, input, text, temperature, layer, estimate, catalog and
 * scale. Style (dark, high contrast) comes from AdwStyleManager and presentation mode.
 * The pointers stay valid until the scenario next changes. */
void                  uth_scenario_get_figure_context (UthScenario      *self,
                                                       UthFigureContext *ctx);

/* Emits "changed" once per frame of this clock instead of from an idle (optional). */
void                  uth_scenario_set_frame_clock (UthScenario   *self,
                                                    GdkFrameClock *clock);
/* Emits a pending "changed" now (tests, and before export). */
void                  uth_scenario_flush           (UthScenario   *self);
/* How many times "changed" has been emitted (for tests of coalescing). */
guint                 uth_scenario_get_n_changes   (UthScenario   *self);

G_END_DECLS
