/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "uth-scenario.h"

/* Upper bound of batch, prompt and context: far beyond any model's window, small enough
 * that products of them stay exact in a double. */
#define MAX_TOKENS (G_GUINT64_CONSTANT (1) << 24)

struct _UthScenario
{
  GObject        parent_instance;

  UthCatalog    *catalog;
  UthAnalysisSources *sources;   /* what the pages' analyses read (issue 20) */
  UthAnalysis   *rows;           /* the catalog rows, for every figure context */
  char          *rows_key;
  char          *model_id;
  char          *gpu_id;
  char          *engine_id;
  guint          gpus;
  UthDtype       weights;
  UthDtype       kv;
  UthDtype       activations;
  guint64        batch;
  guint64        prompt;
  guint64        context;
  guint64        output_tokens;
  guint64        step_tokens;
  double         price;
  char          *text;
  double         temperature;
  guint          layer;
  double         figure_scale;
  gboolean       presentation;
  gboolean       flash_attention;

  UthEstimate      estimate;
  UthEstimateError estimate_error;
  gboolean         estimate_valid;

  gboolean       pending;
  guint          idle_id;
  GdkFrameClock *frame_clock;
  gulong         update_handler;
  guint          n_changes;
};

enum
{
  PROP_0,
  PROP_MODEL_ID,
  PROP_GPU_ID,
  PROP_GPUS,
  PROP_ENGINE_ID,
  PROP_WEIGHTS,
  PROP_KV,
  PROP_ACTIVATIONS,
  PROP_BATCH,
  PROP_PROMPT,
  PROP_CONTEXT,
  PROP_OUTPUT_TOKENS,
  PROP_STEP_TOKENS,
  PROP_PRICE,
  PROP_TEXT,
  PROP_TEMPERATURE,
  PROP_LAYER,
  PROP_FIGURE_SCALE,
  PROP_PRESENTATION,
  PROP_FLASH_ATTENTION,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UthScenario, uth_scenario, G_TYPE_OBJECT)

static void
emit_changed (UthScenario *self)
{
  self->pending = FALSE;
  g_clear_handle_id (&self->idle_id, g_source_remove);
  self->n_changes++;
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
changed_idle_cb (gpointer data)
{
  UthScenario *self = data;

  self->idle_id = 0;
  if (self->pending)
    emit_changed (self);
  return G_SOURCE_REMOVE;
}

static void
frame_update_cb (GdkFrameClock *clock,
                 UthScenario   *self)
{
  if (self->pending)
    emit_changed (self);
}

static void
queue_changed (UthScenario *self)
{
  self->estimate_valid = FALSE;
  if (self->pending)
    return;
  self->pending = TRUE;
  if (self->frame_clock != NULL)
    gdk_frame_clock_request_phase (self->frame_clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
  else
    /* Before GTK's layout and paint (GDK_PRIORITY_REDRAW), after this turn's events. */
    self->idle_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 15, changed_idle_cb, self, NULL);
}

static void
set_string (UthScenario *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  queue_changed (self);
}

static void
set_uint64 (UthScenario *self,
            guint64     *field,
            guint64      value,
            guint        prop)
{
  value = CLAMP (value, 1, MAX_TOKENS);
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  queue_changed (self);
}

static void
set_dtype (UthScenario *self,
           UthDtype    *field,
           UthDtype     value,
           guint        prop)
{
  g_return_if_fail (value < UTH_N_DTYPES);
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  queue_changed (self);
}

static void
uth_scenario_dispose (GObject *object)
{
  UthScenario *self = UTH_SCENARIO (object);

  g_clear_handle_id (&self->idle_id, g_source_remove);
  uth_scenario_set_frame_clock (self, NULL);
  G_OBJECT_CLASS (uth_scenario_parent_class)->dispose (object);
}

static void
uth_scenario_finalize (GObject *object)
{
  UthScenario *self = UTH_SCENARIO (object);

  g_clear_pointer (&self->rows, uth_analysis_unref);
  g_clear_pointer (&self->rows_key, g_free);
  g_clear_pointer (&self->sources, uth_analysis_sources_unref);
  g_clear_pointer (&self->catalog, uth_catalog_unref);
  g_free (self->model_id);
  g_free (self->gpu_id);
  g_free (self->engine_id);
  g_free (self->text);
  G_OBJECT_CLASS (uth_scenario_parent_class)->finalize (object);
}

static void
uth_scenario_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  UthScenario *self = UTH_SCENARIO (object);

  switch (prop_id)
    {
    case PROP_MODEL_ID: g_value_set_string (value, self->model_id); break;
    case PROP_GPU_ID: g_value_set_string (value, self->gpu_id); break;
    case PROP_GPUS: g_value_set_uint (value, self->gpus); break;
    case PROP_ENGINE_ID: g_value_set_string (value, self->engine_id); break;
    case PROP_WEIGHTS: g_value_set_enum (value, self->weights); break;
    case PROP_KV: g_value_set_enum (value, self->kv); break;
    case PROP_ACTIVATIONS: g_value_set_enum (value, self->activations); break;
    case PROP_BATCH: g_value_set_uint64 (value, self->batch); break;
    case PROP_PROMPT: g_value_set_uint64 (value, self->prompt); break;
    case PROP_CONTEXT: g_value_set_uint64 (value, self->context); break;
    case PROP_OUTPUT_TOKENS: g_value_set_uint64 (value, self->output_tokens); break;
    case PROP_STEP_TOKENS: g_value_set_uint64 (value, self->step_tokens); break;
    case PROP_PRICE: g_value_set_double (value, self->price); break;
    case PROP_TEXT: g_value_set_string (value, self->text); break;
    case PROP_TEMPERATURE: g_value_set_double (value, self->temperature); break;
    case PROP_LAYER: g_value_set_uint (value, self->layer); break;
    case PROP_FIGURE_SCALE: g_value_set_double (value, self->figure_scale); break;
    case PROP_PRESENTATION: g_value_set_boolean (value, self->presentation); break;
    case PROP_FLASH_ATTENTION: g_value_set_boolean (value, self->flash_attention); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_scenario_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  UthScenario *self = UTH_SCENARIO (object);

  switch (prop_id)
    {
    case PROP_MODEL_ID: uth_scenario_set_model_id (self, g_value_get_string (value)); break;
    case PROP_GPU_ID: uth_scenario_set_gpu_id (self, g_value_get_string (value)); break;
    case PROP_GPUS: uth_scenario_set_gpus (self, g_value_get_uint (value)); break;
    case PROP_ENGINE_ID: uth_scenario_set_engine_id (self, g_value_get_string (value)); break;
    case PROP_WEIGHTS: uth_scenario_set_weights (self, g_value_get_enum (value)); break;
    case PROP_KV: uth_scenario_set_kv (self, g_value_get_enum (value)); break;
    case PROP_ACTIVATIONS: uth_scenario_set_activations (self, g_value_get_enum (value)); break;
    case PROP_BATCH: uth_scenario_set_batch (self, g_value_get_uint64 (value)); break;
    case PROP_PROMPT: uth_scenario_set_prompt (self, g_value_get_uint64 (value)); break;
    case PROP_CONTEXT: uth_scenario_set_context (self, g_value_get_uint64 (value)); break;
    case PROP_OUTPUT_TOKENS: uth_scenario_set_output_tokens (self, g_value_get_uint64 (value)); break;
    case PROP_STEP_TOKENS: uth_scenario_set_step_tokens (self, g_value_get_uint64 (value)); break;
    case PROP_PRICE: uth_scenario_set_price (self, g_value_get_double (value)); break;
    case PROP_TEXT: uth_scenario_set_text (self, g_value_get_string (value)); break;
    case PROP_TEMPERATURE: uth_scenario_set_temperature (self, g_value_get_double (value)); break;
    case PROP_LAYER: uth_scenario_set_layer (self, g_value_get_uint (value)); break;
    case PROP_FIGURE_SCALE: uth_scenario_set_figure_scale (self, g_value_get_double (value)); break;
    case PROP_PRESENTATION: uth_scenario_set_presentation (self, g_value_get_boolean (value)); break;
    case PROP_FLASH_ATTENTION: uth_scenario_set_flash_attention (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define RW (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
uth_scenario_class_init (UthScenarioClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = uth_scenario_dispose;
  object_class->finalize = uth_scenario_finalize;
  object_class->get_property = uth_scenario_get_property;
  object_class->set_property = uth_scenario_set_property;

  properties[PROP_MODEL_ID] = g_param_spec_string ("model-id", NULL, NULL, NULL, RW);
  properties[PROP_GPU_ID] = g_param_spec_string ("gpu-id", NULL, NULL, NULL, RW);
  properties[PROP_GPUS] = g_param_spec_uint ("gpus", NULL, NULL, 1, 1024, 1, RW);
  properties[PROP_ENGINE_ID] = g_param_spec_string ("engine-id", NULL, NULL, NULL, RW);
  properties[PROP_WEIGHTS] = g_param_spec_enum ("weights", NULL, NULL, UTH_TYPE_DTYPE, UTH_DTYPE_BF16, RW);
  /* The attention implementation: flash (serving engines' default) or standard. */
  properties[PROP_FLASH_ATTENTION] = g_param_spec_boolean ("flash-attention", NULL, NULL, TRUE, RW);
  properties[PROP_KV] = g_param_spec_enum ("kv", NULL, NULL, UTH_TYPE_DTYPE, UTH_DTYPE_BF16, RW);
  properties[PROP_ACTIVATIONS] = g_param_spec_enum ("activations", NULL, NULL, UTH_TYPE_DTYPE, UTH_DTYPE_BF16, RW);
  properties[PROP_BATCH] = g_param_spec_uint64 ("batch", NULL, NULL, 1, MAX_TOKENS, 1, RW);
  properties[PROP_PROMPT] = g_param_spec_uint64 ("prompt", NULL, NULL, 1, MAX_TOKENS, 1024, RW);
  properties[PROP_CONTEXT] = g_param_spec_uint64 ("context", NULL, NULL, 1, MAX_TOKENS, 1024, RW);
  properties[PROP_OUTPUT_TOKENS] = g_param_spec_uint64 ("output-tokens", NULL, NULL, 1, MAX_TOKENS, 256, RW);
  properties[PROP_STEP_TOKENS] = g_param_spec_uint64 ("step-tokens", NULL, NULL, 1, MAX_TOKENS, 1, RW);
  properties[PROP_PRICE] = g_param_spec_double ("price", NULL, NULL, -1.0, 1e6, -1.0, RW);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, RW);
  properties[PROP_TEMPERATURE] = g_param_spec_double ("temperature", NULL, NULL, 0.0, 100.0, 1.0, RW);
  properties[PROP_LAYER] = g_param_spec_uint ("layer", NULL, NULL, 0, 4095, 0, RW);
  properties[PROP_FIGURE_SCALE] = g_param_spec_double ("figure-scale", NULL, NULL, 0.25, 8.0, 1.0, RW);
  properties[PROP_PRESENTATION] = g_param_spec_boolean ("presentation", NULL, NULL, FALSE, RW);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * UthScenario::changed:
   *
   * Something changed; emitted at most once per frame however many properties changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
uth_scenario_init (UthScenario *self)
{
  self->gpus = 1;
  self->weights = UTH_DTYPE_BF16;
  self->kv = UTH_DTYPE_BF16;
  self->flash_attention = TRUE;
  self->activations = UTH_DTYPE_BF16;
  self->batch = 1;
  self->prompt = 1024;
  self->context = 1024;
  self->output_tokens = 256;
  self->step_tokens = 1;
  self->price = -1.0;
  self->temperature = 1.0;
  self->figure_scale = 1.0;
  self->text = g_strdup (_("The quick brown fox jumps over the lazy dog."));
}

/* The first id of the list the catalog knows, else its first entry. */
static const char *
pick_default (UthCatalog     *catalog,
              UthCatalogKind  kind,
              const char     *const *preferred)
{
  guint i;

  for (i = 0; preferred[i] != NULL; i++)
    if ((kind == UTH_CATALOG_MODELS && uth_catalog_find_model (catalog, preferred[i])) ||
        (kind == UTH_CATALOG_GPUS && uth_catalog_find_gpu (catalog, preferred[i])) ||
        (kind == UTH_CATALOG_ENGINES && uth_catalog_find_engine (catalog, preferred[i])))
      return preferred[i];
  if (kind == UTH_CATALOG_MODELS && uth_catalog_get_n_models (catalog) > 0)
    return uth_catalog_get_model (catalog, 0)->id;
  if (kind == UTH_CATALOG_GPUS && uth_catalog_get_n_gpus (catalog) > 0)
    return uth_catalog_get_gpu (catalog, 0)->id;
  if (kind == UTH_CATALOG_ENGINES && uth_catalog_get_n_engines (catalog) > 0)
    return uth_catalog_get_engine (catalog, 0)->id;
  return NULL;
}

UthScenario *
uth_scenario_new (UthCatalog *catalog)
{
  static const char *const models[] = { "llama-3.1-8b", NULL };
  static const char *const gpus[] = { "h100-sxm", NULL };
  static const char *const engines[] = { "tuned", NULL };
  UthScenario *self = g_object_new (UTH_TYPE_SCENARIO, NULL);

  self->catalog = uth_catalog_ref (catalog != NULL ? catalog : uth_catalog_get_default ());
  self->model_id = g_strdup (pick_default (self->catalog, UTH_CATALOG_MODELS, models));
  self->gpu_id = g_strdup (pick_default (self->catalog, UTH_CATALOG_GPUS, gpus));
  self->engine_id = g_strdup (pick_default (self->catalog, UTH_CATALOG_ENGINES, engines));
  return self;
}

UthCatalog *
uth_scenario_get_catalog (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);
  return self->catalog;
}

const char *
uth_scenario_get_model_id (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);
  return self->model_id;
}

void
uth_scenario_set_model_id (UthScenario *self,
                           const char  *id)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  g_return_if_fail (id != NULL);

  if (self->catalog != NULL && uth_catalog_find_model (self->catalog, id) == NULL)
    {
      g_warning ("Unknown model “%s”: the scenario keeps “%s”", id, self->model_id);
      return;
    }
  set_string (self, &self->model_id, id, PROP_MODEL_ID);
}

const UthModelEntry *
uth_scenario_get_model (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);
  return self->model_id ? uth_catalog_find_model (self->catalog, self->model_id) : NULL;
}

const char *
uth_scenario_get_gpu_id (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);
  return self->gpu_id;
}

void
uth_scenario_set_gpu_id (UthScenario *self,
                         const char  *id)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  g_return_if_fail (id != NULL);

  if (self->catalog != NULL && uth_catalog_find_gpu (self->catalog, id) == NULL)
    {
      g_warning ("Unknown GPU “%s”: the scenario keeps “%s”", id, self->gpu_id);
      return;
    }
  set_string (self, &self->gpu_id, id, PROP_GPU_ID);
}

const UthGpuEntry *
uth_scenario_get_gpu (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);
  return self->gpu_id ? uth_catalog_find_gpu (self->catalog, self->gpu_id) : NULL;
}

guint
uth_scenario_get_gpus (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), 1);
  return self->gpus;
}

void
uth_scenario_set_gpus (UthScenario *self,
                       guint        gpus)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));

  gpus = CLAMP (gpus, 1, 1024);
  if (self->gpus == gpus)
    return;
  self->gpus = gpus;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GPUS]);
  queue_changed (self);
}

const char *
uth_scenario_get_engine_id (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);
  return self->engine_id;
}

void
uth_scenario_set_engine_id (UthScenario *self,
                            const char  *id)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  g_return_if_fail (id != NULL);

  if (self->catalog != NULL && uth_catalog_find_engine (self->catalog, id) == NULL)
    {
      g_warning ("Unknown engine “%s”: the scenario keeps “%s”", id, self->engine_id);
      return;
    }
  set_string (self, &self->engine_id, id, PROP_ENGINE_ID);
}

const UthEngineEntry *
uth_scenario_get_engine (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);
  return self->engine_id ? uth_catalog_find_engine (self->catalog, self->engine_id) : NULL;
}

UthDtype
uth_scenario_get_weights (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), UTH_DTYPE_BF16);
  return self->weights;
}

void
uth_scenario_set_weights (UthScenario *self,
                          UthDtype     dtype)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  set_dtype (self, &self->weights, dtype, PROP_WEIGHTS);
}

UthDtype
uth_scenario_get_kv (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), UTH_DTYPE_BF16);
  return self->kv;
}

void
uth_scenario_set_kv (UthScenario *self,
                     UthDtype     dtype)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  set_dtype (self, &self->kv, dtype, PROP_KV);
}

UthDtype
uth_scenario_get_activations (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), UTH_DTYPE_BF16);
  return self->activations;
}

void
uth_scenario_set_activations (UthScenario *self,
                              UthDtype     dtype)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  set_dtype (self, &self->activations, dtype, PROP_ACTIVATIONS);
}

guint64
uth_scenario_get_batch (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), 1);
  return self->batch;
}

void
uth_scenario_set_batch (UthScenario *self,
                        guint64      batch)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  set_uint64 (self, &self->batch, batch, PROP_BATCH);
}

guint64
uth_scenario_get_prompt (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), 1);
  return self->prompt;
}

void
uth_scenario_set_prompt (UthScenario *self,
                         guint64      prompt)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  set_uint64 (self, &self->prompt, prompt, PROP_PROMPT);
}

guint64
uth_scenario_get_context (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), 1);
  return self->context;
}

void
uth_scenario_set_context (UthScenario *self,
                          guint64      context)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  set_uint64 (self, &self->context, context, PROP_CONTEXT);
}

guint64
uth_scenario_get_output_tokens (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), 1);
  return self->output_tokens;
}

void
uth_scenario_set_output_tokens (UthScenario *self,
                                guint64      tokens)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  set_uint64 (self, &self->output_tokens, tokens, PROP_OUTPUT_TOKENS);
}

guint64
uth_scenario_get_step_tokens (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), 1);
  return self->step_tokens;
}

void
uth_scenario_set_step_tokens (UthScenario *self,
                              guint64      tokens)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  set_uint64 (self, &self->step_tokens, tokens, PROP_STEP_TOKENS);
}

double
uth_scenario_get_price (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), -1.0);
  return self->price;
}

void
uth_scenario_set_price (UthScenario *self,
                        double       price)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));

  if (!(price >= 0))
    price = -1.0;
  if (self->price == price)
    return;
  self->price = price;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRICE]);
  queue_changed (self);
}

const char *
uth_scenario_get_text (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);
  return self->text;
}

void
uth_scenario_set_text (UthScenario *self,
                       const char  *text)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  set_string (self, &self->text, text != NULL ? text : "", PROP_TEXT);
}

double
uth_scenario_get_temperature (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), 1.0);
  return self->temperature;
}

void
uth_scenario_set_temperature (UthScenario *self,
                              double       temperature)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));

  temperature = CLAMP (temperature, 0.0, 100.0);
  if (self->temperature == temperature)
    return;
  self->temperature = temperature;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPERATURE]);
  queue_changed (self);
}

guint
uth_scenario_get_layer (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), 0);
  return self->layer;
}

void
uth_scenario_set_layer (UthScenario *self,
                        guint        layer)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));

  layer = MIN (layer, 4095);
  if (self->layer == layer)
    return;
  self->layer = layer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
  queue_changed (self);
}

double
uth_scenario_get_figure_scale (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), 1.0);
  return self->figure_scale;
}

void
uth_scenario_set_figure_scale (UthScenario *self,
                               double       scale)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));

  scale = CLAMP (scale, 0.25, 8.0);
  if (self->figure_scale == scale)
    return;
  self->figure_scale = scale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIGURE_SCALE]);
  queue_changed (self);
}

gboolean
uth_scenario_get_presentation (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), FALSE);
  return self->presentation;
}

void
uth_scenario_set_presentation (UthScenario *self,
                               gboolean     presentation)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));

  presentation = !!presentation;
  if (self->presentation == presentation)
    return;
  self->presentation = presentation;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION]);
  queue_changed (self);
}

static void
fill_input (UthScenario      *self,
            UthFigureContext *ctx)
{
  UthEstimateInput *in = &ctx->input;

  uth_figure_context_set_entries (ctx, uth_scenario_get_model (self),
                                  uth_scenario_get_gpu (self),
                                  uth_scenario_get_engine (self));
  in->gpus = self->gpus;
  in->batch = self->batch;
  in->prompt = self->prompt;
  in->context = self->context;
  in->step_tokens = self->step_tokens;
  in->output_tokens = self->output_tokens;
  in->weights = self->weights;
  in->kv = self->kv;
  in->activations = self->activations;
  in->price_per_hour = self->price;
  in->attention = self->flash_attention ? UTH_ATTENTION_FLASH : UTH_ATTENTION_STANDARD;
}

gboolean
uth_scenario_get_flash_attention (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), TRUE);
  return self->flash_attention;
}

void
uth_scenario_set_flash_attention (UthScenario *self,
                                  gboolean     flash)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));
  flash = !!flash;
  if (self->flash_attention == flash)
    return;
  self->flash_attention = flash;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLASH_ATTENTION]);
  queue_changed (self);
}

const UthEstimate *
uth_scenario_get_estimate (UthScenario      *self,
                           UthEstimateError *error)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);

  if (!self->estimate_valid)
    {
      UthFigureContext ctx;

      uth_figure_context_init (&ctx);
      fill_input (self, &ctx);
      if (ctx.input.model == NULL || ctx.input.gpu == NULL || ctx.input.engine == NULL)
        self->estimate_error = ctx.input.model == NULL ? UTH_ESTIMATE_BAD_MODEL
                             : ctx.input.gpu == NULL ? UTH_ESTIMATE_BAD_GPU
                             : UTH_ESTIMATE_BAD_ENGINE;
      else
        self->estimate_error = uth_estimate (&ctx.input, &self->estimate);
      self->estimate_valid = TRUE;
    }
  if (error != NULL)
    *error = self->estimate_error;
  return self->estimate_error == UTH_ESTIMATE_OK ? &self->estimate : NULL;
}

void
uth_scenario_get_figure_context (UthScenario      *self,
                                 UthFigureContext *ctx)
{
  const UthModelEntry *model;

  g_return_if_fail (UTH_IS_SCENARIO (self));
  g_return_if_fail (ctx != NULL);

  uth_figure_context_init (ctx);
  fill_input (self, ctx);
  model = ctx->model;
  ctx->text = self->text;
  ctx->temperature = self->temperature;
  ctx->scale = self->figure_scale;
  ctx->high_contrast = self->presentation;
  ctx->layer = (int) self->layer;
  if (model != NULL && model->spec.layers > 0 && self->layer >= model->spec.layers)
    ctx->layer = (int) model->spec.layers - 1;
  ctx->analysis = uth_scenario_get_catalog_rows (self);
  ctx->estimate = uth_scenario_get_estimate (self, NULL);
}

UthAnalysisSources *
uth_scenario_get_analysis_sources (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);

  if (self->sources == NULL)
    self->sources = uth_analysis_sources_new_app (self->catalog);
  return self->sources;
}

void
uth_scenario_set_runnable_model (UthScenario      *self,
                                 UthRunnableModel *model)
{
  UthAnalysisSources *next;

  g_return_if_fail (UTH_IS_SCENARIO (self));

  if (model == NULL)
    model = uth_runnable_model_get_default ();
  if (model == uth_scenario_get_runnable_model (self))
    return;
  next = uth_analysis_sources_new_with_model (uth_scenario_get_analysis_sources (self), model);
  g_clear_pointer (&self->sources, uth_analysis_sources_unref);
  self->sources = next;
  emit_changed (self);
}

UthRunnableModel *
uth_scenario_get_runnable_model (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);
  return uth_analysis_sources_get_model (uth_scenario_get_analysis_sources (self));
}

const UthAnalysis *
uth_scenario_get_catalog_rows (UthScenario *self)
{
  UthAnalysisSources *sources;
  g_autofree char *key = NULL;

  g_return_val_if_fail (UTH_IS_SCENARIO (self), NULL);

  sources = uth_scenario_get_analysis_sources (self);
  key = uth_analysis_key (sources, NULL, NULL);
  /* Rebuilt when the catalog gains an entry (a model file opened, a model saved). */
  if (self->rows == NULL || g_strcmp0 (key, self->rows_key) != 0)
    {
      g_clear_pointer (&self->rows, uth_analysis_unref);
      self->rows = uth_analysis_new_catalog_rows (sources);
      g_free (self->rows_key);
      self->rows_key = g_steal_pointer (&key);
    }
  return self->rows;
}

void
uth_scenario_set_frame_clock (UthScenario   *self,
                              GdkFrameClock *clock)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));

  if (self->frame_clock == clock)
    return;
  if (self->frame_clock != NULL)
    {
      g_clear_signal_handler (&self->update_handler, self->frame_clock);
      g_clear_object (&self->frame_clock);
    }
  if (clock != NULL)
    {
      self->frame_clock = g_object_ref (clock);
      self->update_handler = g_signal_connect (clock, "update", G_CALLBACK (frame_update_cb), self);
      if (self->pending)
        gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
    }
}

void
uth_scenario_flush (UthScenario *self)
{
  g_return_if_fail (UTH_IS_SCENARIO (self));

  if (self->pending)
    emit_changed (self);
}

guint
uth_scenario_get_n_changes (UthScenario *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO (self), 0);
  return self->n_changes;
}

gboolean
uth_scenario_get_range (const char *property,
                        double     *minimum,
                        double     *maximum,
                        double     *default_value)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (UTH_TYPE_SCENARIO);
  GParamSpec *pspec;
  double lo, hi, def;

  g_return_val_if_fail (property != NULL, FALSE);

  pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), property);
  if (pspec == NULL)
    return FALSE;
  if (G_IS_PARAM_SPEC_UINT64 (pspec))
    {
      GParamSpecUInt64 *p = G_PARAM_SPEC_UINT64 (pspec);

      lo = (double) p->minimum;
      hi = (double) p->maximum;
      def = (double) p->default_value;
    }
  else if (G_IS_PARAM_SPEC_UINT (pspec))
    {
      GParamSpecUInt *p = G_PARAM_SPEC_UINT (pspec);

      lo = p->minimum;
      hi = p->maximum;
      def = p->default_value;
    }
  else if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    {
      GParamSpecDouble *p = G_PARAM_SPEC_DOUBLE (pspec);

      lo = p->minimum;
      hi = p->maximum;
      def = p->default_value;
    }
  else
    return FALSE;
  if (minimum != NULL)
    *minimum = lo;
  if (maximum != NULL)
    *maximum = hi;
  if (default_value != NULL)
    *default_value = def;
  return TRUE;
}
