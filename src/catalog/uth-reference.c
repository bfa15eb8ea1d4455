/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "uth-reference.h"
#include "uth-safe-json.h"

#define REFERENCE_RESOURCE RESOURCE_BASE "/reference.json"
#define MAX_COUNT          ((guint64) 1 << 40)

G_DEFINE_QUARK (uth-reference-error-quark, uth_reference_error)

void
uth_reference_point_free (UthReferencePoint *point)
{
  if (point == NULL)
    return;
  g_free (point->id);
  g_free (point->source);
  g_free (point->measured_with);
  g_free (point->engine);
  g_free (point->gpu);
  g_free (point->model);
  g_free (point->note);
  g_free (point->where);
  g_free (point->excluded);
  g_free (point);
}

double
uth_reference_point_tokens_per_second (const UthReferencePoint *point)
{
  double tokens;

  if (point == NULL || !(point->seconds > 0.0))
    return 0.0;
  if (point->phase == UTH_REFERENCE_PREFILL)
    tokens = (double) point->batch * (double) point->prompt;
  else if (point->phase == UTH_REFERENCE_REQUEST)
    tokens = (double) point->batch * (double) point->output_tokens;
  else
    tokens = (double) point->batch * (double) point->step_tokens;
  return tokens / point->seconds;
}

static gboolean
field_error (GError     **error,
             const char  *name,
             const char  *point,
             const char  *field,
             const char  *why)
{
  g_set_error (error, UTH_REFERENCE_ERROR, UTH_REFERENCE_ERROR_FIELD,
               /* Translators: file, measured point, field, problem */
               _("%s: point “%s”, field “%s”: %s"), name, point, field, why);
  return FALSE;
}

static gboolean
get_string (JsonObject  *obj,
            const char  *field,
            gboolean     required,
            char       **out,
            const char  *name,
            const char  *point,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, field);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return field_error (error, name, point, field, _("missing"));
      *out = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return field_error (error, name, point, field, _("not a string"));
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/* A number in [min, max]; absent gives fallback (or an error when fallback is NAN). */
static gboolean
get_number (JsonObject  *obj,
            const char  *field,
            double       fallback,
            double       min,
            double       max,
            double      *out,
            const char  *name,
            const char  *point,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, field);
  GType type;
  double v;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (isnan (fallback))
        return field_error (error, name, point, field, _("missing"));
      *out = fallback;
      return TRUE;
    }
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return field_error (error, name, point, field, _("not a number"));
  v = json_node_get_double (node);
  if (!isfinite (v) || v < min || v > max)
    {
      g_autofree char *why = g_strdup_printf (_("%g is outside %g to %g"), v, min, max);
      return field_error (error, name, point, field, why);
    }
  *out = v;
  return TRUE;
}

static gboolean
get_count (JsonObject  *obj,
           const char  *field,
           double       fallback,
           guint64     *out,
           const char  *name,
           const char  *point,
           GError     **error)
{
  double v;

  if (!get_number (obj, field, fallback, 0.0, (double) MAX_COUNT, &v, name, point, error))
    return FALSE;
  if (v != floor (v))
    return field_error (error, name, point, field, _("not a whole number"));
  *out = (guint64) v;
  return TRUE;
}

static gboolean
get_dtype (JsonObject  *obj,
           const char  *field,
           UthDtype    *out,
           const char  *name,
           const char  *point,
           GError     **error)
{
  g_autofree char *id = NULL;

  if (!get_string (obj, field, FALSE, &id, name, point, error))
    return FALSE;
  if (id == NULL)
    {
      *out = UTH_DTYPE_BF16;
      return TRUE;
    }
  if (!uth_dtype_from_id (id, out) || !uth_dtype_is_storage (*out))
    return field_error (error, name, point, field, _("not a storage data type"));
  return TRUE;
}

static gboolean
parse_phase (const char        *id,
             UthReferencePhase *out)
{
  if (g_strcmp0 (id, "decode") == 0)
    *out = UTH_REFERENCE_DECODE;
  else if (g_strcmp0 (id, "prefill") == 0)
    *out = UTH_REFERENCE_PREFILL;
  else if (g_strcmp0 (id, "verify") == 0)
    *out = UTH_REFERENCE_VERIFY;
  else if (g_strcmp0 (id, "request") == 0)
    *out = UTH_REFERENCE_REQUEST;
  else
    return FALSE;
  return TRUE;
}

static UthReferencePoint *
parse_point (JsonNode    *node,
             gboolean     validation,
             guint        index,
             const char  *name,
             GError     **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *label = g_strdup_printf ("#%u", index);
  g_autofree char *phase = NULL;
  UthReferencePoint *p = g_new0 (UthReferencePoint, 1);
  JsonObject *obj;
  double gpus, tps, seconds;
  double tokens;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      field_error (error, name, label, "points", _("not an object"));
      goto fail;
    }
  obj = json_node_get_object (node);
  if (!get_string (obj, "id", TRUE, &p->id, name, label, error))
    goto fail;
  g_free (label);
  label = g_strdup (p->id);
  if (!get_string (obj, "source", TRUE, &p->source, name, label, error) ||
      !get_string (obj, "measured_with", FALSE, &p->measured_with, name, label, error) ||
      !get_string (obj, "engine", TRUE, &p->engine, name, label, error) ||
      !get_string (obj, "gpu", TRUE, &p->gpu, name, label, error) ||
      !get_string (obj, "model", TRUE, &p->model, name, label, error) ||
      !get_string (obj, "note", FALSE, &p->note, name, label, error) ||
      !get_string (obj, "where", validation, &p->where, name, label, error) ||
      !get_string (obj, "excluded", FALSE, &p->excluded, name, label, error) ||
      !get_string (obj, "phase", TRUE, &phase, name, label, error) ||
      !get_dtype (obj, "precision", &p->weights, name, label, error))
    goto fail;
  p->kv = p->weights;
  if (json_object_has_member (obj, "kv") && !get_dtype (obj, "kv", &p->kv, name, label, error))
    goto fail;
  if (!parse_phase (phase, &p->phase))
    {
      field_error (error, name, label, "phase", _("not decode, prefill, verify or request"));
      goto fail;
    }
  if (!get_number (obj, "gpus", 1.0, 1.0, 1024.0, &gpus, name, label, error) ||
      !get_count (obj, "batch", NAN, &p->batch, name, label, error) ||
      !get_count (obj, "prompt", 0.0, &p->prompt, name, label, error) ||
      !get_count (obj, "context", 0.0, &p->context, name, label, error) ||
      !get_count (obj, "step_tokens", 1.0, &p->step_tokens, name, label, error) ||
      !get_count (obj, "output_tokens", 0.0, &p->output_tokens, name, label, error) ||
      !get_number (obj, "seconds", 0.0, 0.0, 1e6, &seconds, name, label, error) ||
      !get_number (obj, "tokens_per_second", 0.0, 0.0, 1e12, &tps, name, label, error) ||
      !get_number (obj, "tolerance", 0.25, 0.0, 10.0, &p->tolerance, name, label, error))
    goto fail;
  p->gpus = (guint) gpus;
  if (p->batch == 0)
    {
      field_error (error, name, label, "batch", _("must be at least 1"));
      goto fail;
    }
  if (p->phase == UTH_REFERENCE_PREFILL || p->phase == UTH_REFERENCE_REQUEST ?
      p->prompt == 0 : p->context == 0)
    {
      field_error (error, name, label,
                   p->phase == UTH_REFERENCE_PREFILL || p->phase == UTH_REFERENCE_REQUEST ?
                   "prompt" : "context", _("must be at least 1"));
      goto fail;
    }
  if (p->phase == UTH_REFERENCE_REQUEST && p->output_tokens == 0)
    {
      field_error (error, name, label, "output_tokens", _("must be at least 1"));
      goto fail;
    }
  if (p->step_tokens == 0 ||
      ((p->phase == UTH_REFERENCE_DECODE || p->phase == UTH_REFERENCE_VERIFY) &&
       p->step_tokens > p->context))
    {
      field_error (error, name, label, "step_tokens", _("must be 1 to the context"));
      goto fail;
    }
  /* Either the time or the throughput; the other follows. */
  tokens = (double) p->batch *
           (double) (p->phase == UTH_REFERENCE_PREFILL ? p->prompt :
                     p->phase == UTH_REFERENCE_REQUEST ? p->output_tokens : p->step_tokens);
  if (seconds > 0.0)
    p->seconds = seconds;
  else if (tps > 0.0)
    p->seconds = tokens / tps;
  else
    {
      field_error (error, name, label, "seconds", _("neither seconds nor tokens_per_second given"));
      goto fail;
    }
  return p;

fail:
  uth_reference_point_free (p);
  return NULL;
}

static GPtrArray *
load_points (GBytes      *bytes,
             const char  *name,
             gboolean     validation,
             GError     **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) points = NULL;
  JsonNode *list, *kind;
  JsonArray *array;
  guint i, n;
  gboolean is_validation;

  g_return_val_if_fail (bytes != NULL, NULL);
  root = uth_safe_json_parse (bytes, name, UTH_CATALOG_MAX_BYTES, UTH_JSON_MAX_DEPTH, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (list = json_object_get_member (json_node_get_object (root), "points")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, UTH_REFERENCE_ERROR, UTH_REFERENCE_ERROR_PARSE,
                   _("%s: expected an object with a “points” list"), name);
      return NULL;
    }
  kind = json_object_get_member (json_node_get_object (root), "kind");
  is_validation = kind != NULL && JSON_NODE_HOLDS_VALUE (kind) &&
                  json_node_get_value_type (kind) == G_TYPE_STRING &&
                  g_str_equal (json_node_get_string (kind), "validation");
  if (is_validation != validation)
    {
      /* The fit and the check are separate: a fit never sees the validation set. */
      g_set_error (error, UTH_REFERENCE_ERROR, UTH_REFERENCE_ERROR_VALIDATION_SET,
                   validation ? _("%s: not a validation set (its “kind” is not “validation”)")
                              : _("%s: a validation set; only uth-calibrate --validate reads it"),
                   name);
      return NULL;
    }
  array = json_node_get_array (list);
  n = json_array_get_length (array);
  points = g_ptr_array_new_with_free_func ((GDestroyNotify) uth_reference_point_free);
  for (i = 0; i < n; i++)
    {
      UthReferencePoint *p = parse_point (json_array_get_element (array, i), validation, i, name,
                                          error);

      if (p == NULL)
        return NULL;
      g_ptr_array_add (points, p);
    }
  return g_steal_pointer (&points);
}

GPtrArray *
uth_reference_load_bytes (GBytes      *bytes,
                          const char  *name,
                          GError     **error)
{
  return load_points (bytes, name != NULL ? name : "reference.json", FALSE, error);
}

GPtrArray *
uth_reference_load_validation_bytes (GBytes      *bytes,
                                     const char  *name,
                                     GError     **error)
{
  return load_points (bytes, name != NULL ? name : "validation.json", TRUE, error);
}

GPtrArray *
uth_reference_load_validation_file (const char  *path,
                                    GError     **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GBytes) bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, error);

  if (bytes == NULL)
    return NULL;
  return uth_reference_load_validation_bytes (bytes, path, error);
}

double
uth_reference_validation_error (double predicted,
                                double measured)
{
  if (!(predicted > 0.0) || !(measured > 0.0) || !isfinite (predicted) || !isfinite (measured))
    return INFINITY;
  return exp (fabs (log (predicted / measured))) - 1.0;
}

GPtrArray *
uth_reference_load_file (const char  *path,
                         GError     **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GBytes) bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, error);

  if (bytes == NULL)
    return NULL;
  return uth_reference_load_bytes (bytes, path, error);
}

GPtrArray *
uth_reference_load_bundled (GError **error)
{
  g_autoptr (GBytes) bytes = g_resources_lookup_data (REFERENCE_RESOURCE,
                                                      G_RESOURCE_LOOKUP_FLAGS_NONE, error);

  if (bytes == NULL)
    return NULL;
  return uth_reference_load_bytes (bytes, "reference.json", error);
}

/* ---- calibration measurement files ---- */

static gboolean
config_dim (JsonObject  *config,
            const char  *field,
            guint32     *out,
            const char  *name,
            const char  *model,
            GError     **error)
{
  double v;

  if (!get_number (config, field, NAN, 1.0, (double) (1u << 24), &v, name, model, error))
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

static gboolean
calibration_spec (JsonObject  *config,
                  UthModel    *m,
                  const char  *name,
                  const char  *model,
                  GError     **error)
{
  memset (m, 0, sizeof *m);
  if (!config_dim (config, "d", &m->hidden, name, model, error) ||
      !config_dim (config, "L", &m->layers, name, model, error) ||
      !config_dim (config, "H", &m->heads, name, model, error) ||
      !config_dim (config, "KV", &m->kv_heads, name, model, error) ||
      !config_dim (config, "F", &m->ffn, name, model, error) ||
      !config_dim (config, "V", &m->vocab, name, model, error))
    return FALSE;
  m->head_dim = m->hidden / m->heads;
  m->gated_mlp = true;
  m->tied_embeddings = false;
  m->norm = UTH_NORM_RMS;
  m->norms_per_layer = 2;
  m->attention = m->kv_heads == m->heads ? UTH_ATTN_MHA :
                 m->kv_heads == 1 ? UTH_ATTN_MQA : UTH_ATTN_GQA;
  if (uth_model_validate (m) != UTH_MODEL_OK)
    return field_error (error, name, model, "config", _("not a valid model shape"));
  return TRUE;
}

static void
add_calibration_points (GPtrArray         *points,
                        JsonArray         *list,
                        UthReferencePhase  phase,
                        const char        *path,
                        const char        *model,
                        const UthModel    *spec,
                        const char        *gpu_id,
                        const char        *engine_id)
{
  guint i, n = json_array_get_length (list);

  for (i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *o;
      UthReferencePoint *p;
      const char *time_field = phase == UTH_REFERENCE_PREFILL ? "s" : "step_s";
      double seconds;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      o = json_node_get_object (node);
      seconds = json_object_get_double_member_with_default (o, time_field, 0.0);
      /* Points that ran out of memory carry no time. */
      if (!(seconds > 0.0) || !isfinite (seconds))
        continue;
      p = g_new0 (UthReferencePoint, 1);
      p->phase = phase;
      p->batch = (guint64) json_object_get_int_member_with_default (o, "batch", 0);
      p->prompt = (guint64) json_object_get_int_member_with_default (o, "prompt", 0);
      p->step_tokens = (guint64) json_object_get_int_member_with_default (o, "new_tokens", 1);
      /* ctx counts the cached tokens; the step's new tokens are added to it. */
      p->context = (guint64) json_object_get_int_member_with_default (o, "ctx", 0);
      if (phase != UTH_REFERENCE_PREFILL)
        p->context += p->step_tokens;
      p->seconds = seconds;
      if (p->batch == 0 || p->step_tokens == 0 ||
          (phase == UTH_REFERENCE_PREFILL ? p->prompt == 0 : p->context == 0) ||
          p->batch > MAX_COUNT || p->prompt > MAX_COUNT || p->context > MAX_COUNT)
        {
          uth_reference_point_free (p);
          continue;
        }
      p->id = phase == UTH_REFERENCE_PREFILL ?
              g_strdup_printf ("%s/prefill/b%" PRIu64 "/s%" PRIu64,
                               model, p->batch, p->prompt) :
              g_strdup_printf ("%s/%s/b%" PRIu64 "/ctx%" PRIu64
                               "/t%" PRIu64, model, uth_reference_phase_id (phase),
                               p->batch, p->context - p->step_tokens, p->step_tokens);
      p->source = g_strdup (path);
      p->measured_with = g_strdup ("PyTorch eager kernels; decode as CUDA graphs");
      p->engine = g_strdup (engine_id);
      p->gpu = g_strdup (gpu_id);
      p->model = g_strdup (model);
      p->weights = UTH_DTYPE_BF16;
      p->kv = UTH_DTYPE_BF16;
      p->gpus = 1;
      p->tolerance = 0.25;
      p->has_spec = TRUE;
      p->spec = *spec;
      g_ptr_array_add (points, p);
    }
}

GPtrArray *
uth_reference_load_calibration (const char  *path,
                                const char  *gpu_id,
                                const char  *engine_id,
                                GError     **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) points = NULL;
  JsonNode *models;
  JsonObjectIter iter;
  const char *model;
  JsonNode *entry;

  bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, error);
  if (bytes == NULL)
    return NULL;
  root = uth_safe_json_parse (bytes, path, UTH_CATALOG_MAX_BYTES, UTH_JSON_MAX_DEPTH, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (models = json_object_get_member (json_node_get_object (root), "models")) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (models))
    {
      g_set_error (error, UTH_REFERENCE_ERROR, UTH_REFERENCE_ERROR_PARSE,
                   _("%s: expected an object with a “models” object"), path);
      return NULL;
    }
  points = g_ptr_array_new_with_free_func ((GDestroyNotify) uth_reference_point_free);
  json_object_iter_init (&iter, json_node_get_object (models));
  while (json_object_iter_next (&iter, &model, &entry))
    {
      static const struct { const char *key; UthReferencePhase phase; } lists[] = {
        { "decode", UTH_REFERENCE_DECODE },
        { "prefill", UTH_REFERENCE_PREFILL },
        { "verify", UTH_REFERENCE_VERIFY },
      };
      JsonObject *o;
      JsonNode *config;
      UthModel spec;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        continue;
      o = json_node_get_object (entry);
      config = json_object_get_member (o, "config");
      if (config == NULL || !JSON_NODE_HOLDS_OBJECT (config))
        {
          field_error (error, path, model, "config", _("missing"));
          return NULL;
        }
      if (!calibration_spec (json_node_get_object (config), &spec, path, model, error))
        return NULL;
      for (guint k = 0; k < G_N_ELEMENTS (lists); k++)
        {
          JsonNode *list = json_object_get_member (o, lists[k].key);

          if (list != NULL && JSON_NODE_HOLDS_ARRAY (list))
            add_calibration_points (points, json_node_get_array (list), lists[k].phase, path,
                                    model, &spec, gpu_id, engine_id);
        }
    }
  return g_steal_pointer (&points);
}

UthEstimateError
uth_reference_predict (const UthReferencePoint *point,
                       const UthModel          *model,
                       const UthGpu            *gpu,
                       const UthEngine         *engine,
                       double                  *seconds)
{
  UthEstimateInput in;
  UthEstimate e;
  UthEstimateError err;

  if (seconds != NULL)
    *seconds = 0.0;
  if (point == NULL || seconds == NULL)
    return UTH_ESTIMATE_BAD_INPUT;
  uth_estimate_input_init (&in);
  in.model = point->has_spec ? &point->spec : model;
  in.gpu = gpu;
  in.engine = engine;
  in.gpus = point->gpus;
  in.batch = point->batch;
  in.weights = point->weights;
  in.kv = point->kv;
  /* Activations stay 16-bit unless the weights are fp8 (FP8 serving runs fp8 GEMMs). */
  in.activations = point->weights == UTH_DTYPE_FP8 ? UTH_DTYPE_FP8 : UTH_DTYPE_BF16;
  if (point->phase == UTH_REFERENCE_PREFILL)
    {
      in.prompt = point->prompt;
      in.context = point->prompt;
      in.step_tokens = 1;
    }
  else if (point->phase == UTH_REFERENCE_REQUEST)
    {
      in.prompt = point->prompt;
      in.context = point->prompt + point->output_tokens / 2;
      in.step_tokens = 1;
      in.output_tokens = point->output_tokens;
    }
  else
    {
      in.prompt = point->context;
      in.context = point->context;
      in.step_tokens = point->step_tokens;
    }
  err = uth_estimate (&in, &e);
  if (err != UTH_ESTIMATE_OK)
    return err;
  if (point->phase == UTH_REFERENCE_PREFILL)
    *seconds = e.prefill_seconds;
  else if (point->phase == UTH_REFERENCE_REQUEST)
    *seconds = e.request_seconds;
  else
    *seconds = e.decode_step_seconds;
  return UTH_ESTIMATE_OK;
}

double
uth_reference_roofline_fraction (const UthReferencePoint *point,
                                 const UthModel          *model,
                                 const UthGpu            *gpu)
{
  UthEngine ideal;
  double seconds;

  if (point == NULL || !(point->seconds > 0.0))
    return 0.0;
  uth_engine_init_roofline (&ideal);
  if (uth_reference_predict (point, model, gpu, &ideal, &seconds) != UTH_ESTIMATE_OK)
    return 0.0;
  return seconds / point->seconds;
}
