/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading one catalog entry field by field: every problem names the file, the entry and
 * the field (data/catalog/README.md is the schema). */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uth-catalog-private.h"
#include "uth-safe-json.h"

/* The core's limits (uth_model_validate): dimensions up to 2^24, layers up to 4096. */
#define MAX_DIM    (1u << 24)
#define MAX_LAYERS 4096u

/* ---------------------------------------------------------------------------------------- */
/* Entries                                                                                  */

void
uth_catalog_model_entry_free (gpointer data)
{
  UthModelEntry *e = data;

  g_free (e->id);
  g_free (e->name);
  g_free (e->family);
  g_free (e->source);
  g_free (e);
}

void
uth_catalog_gpu_entry_free (gpointer data)
{
  UthGpuEntry *e = data;

  g_free (e->id);
  g_free (e->name);
  g_free (e->vendor);
  g_free (e->source);
  g_free (e->interconnect);
  g_free (e->price_source);
  g_free (e->l2_source);
  g_free (e->price_date);
  g_free (e);
}

void
uth_catalog_engine_entry_free (gpointer data)
{
  UthEngineEntry *e = data;

  g_free (e->id);
  g_free (e->name);
  g_free (e->source);
  g_free (e->description);
  g_free (e);
}

/* ---------------------------------------------------------------------------------------- */
/* Reading fields                                                                           */

static void
set_entry_error (GError     **error,
                 const UthCatalogReader *r,
                 const char   *field,
                 const char   *why)
{
  if (r->id != NULL && field != NULL)
    g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                 _("%s: entry '%s' field '%s%s': %s"), r->file, r->id, r->prefix, field, why);
  else if (r->id != NULL)
    g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                 _("%s: entry '%s': %s"), r->file, r->id, why);
  else if (field != NULL)
    g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                 _("%s: entry #%u field '%s%s': %s"), r->file, r->index, r->prefix, field, why);
  else
    g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                 _("%s: entry #%u: %s"), r->file, r->index, why);
}

gboolean
uth_catalog_field_error (GError      **error,
             const UthCatalogReader *r,
             const char   *field,
             const char   *format,
             ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  set_entry_error (error, r, field, why);
  return FALSE;
}

static gboolean
missing (GError      **error,
         const UthCatalogReader *r,
         const char   *field)
{
  return uth_catalog_field_error (error, r, field, "%s", _("missing (it is required)"));
}

static gboolean
read_uint (const UthCatalogReader *r,
           JsonObject   *obj,
           const char   *field,
           gboolean      required,
           guint64       min,
           guint64       max,
           guint64      *out,
           GError      **error)
{
  JsonNode *node = json_object_get_member (obj, field);
  g_autofree char *got = NULL;
  gboolean ok = FALSE;
  guint64 value = 0;

  if (node == NULL)
    return required ? missing (error, r, field) : TRUE;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);
      ok = v >= 0 && (guint64) v >= min && (guint64) v <= max;
      value = (guint64) MAX (v, 0);
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      /* 8.03e9 is a fine way to write an integer; 2^64 and above are not. */
      double v = json_node_get_double (node);
      ok = isfinite (v) && v == floor (v) && v >= (double) min && v <= (double) max &&
           v < 18446744073709551616.0;
      value = ok ? (guint64) v : 0;
    }

  if (ok)
    {
      *out = value;
      return TRUE;
    }

  got = uth_safe_json_describe (node);
  if (min == 1)
    return uth_catalog_field_error (error, r, field,
                        _("expected a positive integer up to %" PRIu64 ", got %s"),
                        max, got);
  return uth_catalog_field_error (error, r, field,
                      _("expected an integer from %" PRIu64 " to %" PRIu64
                        ", got %s"), min, max, got);
}

static gboolean
read_u32 (const UthCatalogReader *r,
          JsonObject   *obj,
          const char   *field,
          gboolean      required,
          guint64       min,
          guint64       max,
          uint32_t     *out,
          GError      **error)
{
  guint64 v = *out;

  g_assert (max <= G_MAXUINT32);
  if (!read_uint (r, obj, field, required, min, max, &v, error))
    return FALSE;
  *out = (uint32_t) v;
  return TRUE;
}

/* A finite number in [min, max]; min_exclusive makes it (min, max]. */
static gboolean
read_number (const UthCatalogReader *r,
             JsonObject   *obj,
             const char   *field,
             gboolean      required,
             double        min,
             gboolean      min_exclusive,
             double        max,
             double       *out,
             GError      **error)
{
  JsonNode *node = json_object_get_member (obj, field);
  g_autofree char *got = NULL;
  double v = 0.0;
  gboolean is_number = FALSE;

  if (node == NULL)
    return required ? missing (error, r, field) : TRUE;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      v = (double) json_node_get_int (node);
      is_number = TRUE;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      v = json_node_get_double (node);
      is_number = TRUE;
    }

  if (is_number && isfinite (v) && (min_exclusive ? v > min : v >= min) && v <= max)
    {
      *out = v;
      return TRUE;
    }

  got = uth_safe_json_describe (node);
  if (min_exclusive && min == 0.0 && max >= G_MAXDOUBLE)
    return uth_catalog_field_error (error, r, field, _("expected a positive number, got %s"), got);
  if (min == 0.0 && max >= G_MAXDOUBLE)
    return uth_catalog_field_error (error, r, field, _("expected a number of at least 0, got %s"), got);
  if (min_exclusive)
    return uth_catalog_field_error (error, r, field, _("expected a number above %g and at most %g, got %s"),
                        min, max, got);
  return uth_catalog_field_error (error, r, field, _("expected a number from %g to %g, got %s"),
                      min, max, got);
}

static gboolean
read_bool (const UthCatalogReader *r,
           JsonObject   *obj,
           const char   *field,
           bool         *out,
           GError      **error)
{
  JsonNode *node = json_object_get_member (obj, field);
  g_autofree char *got = NULL;

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      *out = json_node_get_boolean (node);
      return TRUE;
    }
  got = uth_safe_json_describe (node);
  return uth_catalog_field_error (error, r, field, _("expected true or false, got %s"), got);
}

/* A non-empty string of at most 4096 bytes. */
static gboolean
read_string (const UthCatalogReader *r,
             JsonObject   *obj,
             const char   *field,
             gboolean      required,
             char        **out,
             GError      **error)
{
  JsonNode *node = json_object_get_member (obj, field);
  g_autofree char *got = NULL;

  if (node == NULL)
    return required ? missing (error, r, field) : TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      gsize len = strlen (s);

      if (len > 0 && len <= 4096)
        {
          g_free (*out);
          *out = g_strdup (s);
          return TRUE;
        }
    }
  got = uth_safe_json_describe (node);
  return uth_catalog_field_error (error, r, field, _("expected a non-empty text of at most 4096 bytes, got %s"),
                      got);
}

/* Ids are typed on the command line: letters, digits and . _ - + only. */
static gboolean
read_id (UthCatalogReader      *r,
         JsonObject  *obj,
         char       **out,
         GError     **error)
{
  if (!read_string (r, obj, "id", TRUE, out, error))
    return FALSE;
  for (const char *p = *out; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._-+", *p) == NULL)
      {
        g_autofree char *escaped = g_strescape (*out, NULL);
        return uth_catalog_field_error (error, r, "id",
                            _("expected letters, digits, '.', '_', '-' or '+', got \"%s\""),
                            escaped);
      }
  if (strlen (*out) > 128)
    return uth_catalog_field_error (error, r, "id", "%s", _("longer than 128 characters"));
  r->id = *out;
  return TRUE;
}

/* A nested object such as "moe": NULL when absent, an error when not an object. */
static gboolean
read_object (const UthCatalogReader *r,
             JsonObject   *obj,
             const char   *field,
             JsonObject  **out,
             GError      **error)
{
  JsonNode *node = json_object_get_member (obj, field);
  g_autofree char *got = NULL;

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      *out = json_node_get_object (node);
      return TRUE;
    }
  got = uth_safe_json_describe (node);
  return uth_catalog_field_error (error, r, field, _("expected an object, got %s"), got);
}

/* ---------------------------------------------------------------------------------------- */
/* Models                                                                                   */

static gboolean
read_moe (UthCatalogReader     *r,
          JsonObject *moe,
          UthModel   *m,
          GError    **error)
{
  UthCatalogReader nested = *r;

  nested.prefix = "moe.";
  return read_u32 (&nested, moe, "experts", TRUE, 1, 65536, &m->experts, error) &&
         read_u32 (&nested, moe, "active_experts", TRUE, 1, m->experts, &m->active_experts, error) &&
         read_u32 (&nested, moe, "shared_experts", FALSE, 0, 65536, &m->shared_experts, error) &&
         read_u32 (&nested, moe, "expert_ffn", TRUE, 1, MAX_DIM, &m->expert_ffn, error) &&
         read_u32 (&nested, moe, "dense_layers", FALSE, 0, m->layers, &m->dense_layers, error) &&
         read_bool (&nested, moe, "router_bias", &m->router_bias, error);
}

static gboolean
read_mla (UthCatalogReader     *r,
          JsonObject *mla,
          UthModel   *m,
          GError    **error)
{
  UthCatalogReader nested = *r;

  nested.prefix = "mla.";
  return read_u32 (&nested, mla, "q_lora_rank", FALSE, 0, MAX_DIM, &m->q_lora_rank, error) &&
         read_u32 (&nested, mla, "kv_lora_rank", TRUE, 1, MAX_DIM, &m->kv_lora_rank, error) &&
         read_u32 (&nested, mla, "qk_rope_dim", TRUE, 1, MAX_DIM, &m->qk_rope_dim, error) &&
         read_u32 (&nested, mla, "qk_nope_dim", TRUE, 1, MAX_DIM, &m->qk_nope_dim, error) &&
         read_u32 (&nested, mla, "v_head_dim", TRUE, 1, MAX_DIM, &m->v_head_dim, error);
}

static gboolean
read_norm (const UthCatalogReader *r,
           JsonObject   *obj,
           UthModel     *m,
           GError      **error)
{
  g_autofree char *norm = NULL;

  if (!read_string (r, obj, "norm", FALSE, &norm, error))
    return FALSE;
  if (norm == NULL || g_str_equal (norm, "rms"))
    m->norm = UTH_NORM_RMS;
  else if (g_str_equal (norm, "layer"))
    m->norm = UTH_NORM_LAYER;
  else
    return uth_catalog_field_error (error, r, "norm", _("expected \"rms\" or \"layer\", got \"%s\""), norm);
  return TRUE;
}

/* Why the core refused a spec whose fields each looked fine on their own. */
static gboolean
model_validate (const UthCatalogReader   *r,
                const UthModel *m,
                GError        **error)
{
  switch (uth_model_validate (m))
    {
    case UTH_MODEL_OK:
      return TRUE;
    case UTH_MODEL_ZERO_FIELD:
      return uth_catalog_field_error (error, r, NULL, "%s",
                          _("hidden_size, layers, heads, head_dim, vocab_size and ffn must all be above 0"));
    case UTH_MODEL_BAD_KV_HEADS:
      return uth_catalog_field_error (error, r, "kv_heads",
                          _("must be at least 1, at most heads (%u) and divide it, got %u"),
                          m->heads, m->kv_heads);
    case UTH_MODEL_BAD_MOE:
      return uth_catalog_field_error (error, r, "moe", "%s",
                          _("active_experts must not exceed experts, and expert_ffn must be set"));
    case UTH_MODEL_BAD_MLA:
      return uth_catalog_field_error (error, r, "mla", "%s",
                          _("multi-head latent attention needs kv_lora_rank, qk_rope_dim, "
                            "qk_nope_dim and v_head_dim"));
    case UTH_MODEL_TOO_MANY_PARAMS:
      return uth_catalog_field_error (error, r, NULL, "%s",
                          _("its parameters number more than 2^53 (9.0e15), the most this app counts"));
    case UTH_MODEL_TOO_LARGE:
    default:
      return uth_catalog_field_error (error, r, NULL, "%s",
                          _("a dimension is beyond 16777216, or layers beyond 4096"));
    }
}

static gboolean
read_model_spec (UthCatalogReader     *r,
                 JsonObject *obj,
                 UthModel   *m,
                 GError    **error)
{
  JsonObject *moe = NULL;
  JsonObject *mla = NULL;

  memset (m, 0, sizeof *m);
  m->gated_mlp = true;
  m->norms_per_layer = 2;

  if (!read_u32 (r, obj, "hidden_size", TRUE, 1, MAX_DIM, &m->hidden, error) ||
      !read_u32 (r, obj, "layers", TRUE, 1, MAX_LAYERS, &m->layers, error) ||
      !read_u32 (r, obj, "heads", TRUE, 1, MAX_DIM, &m->heads, error) ||
      !read_u32 (r, obj, "vocab_size", TRUE, 1, MAX_DIM, &m->vocab, error) ||
      !read_object (r, obj, "moe", &moe, error) ||
      !read_object (r, obj, "mla", &mla, error))
    return FALSE;
  if (moe != NULL && !read_moe (r, moe, m, error))
    return FALSE;
  if (mla != NULL && !read_mla (r, mla, m, error))
    return FALSE;

  /* Defaults that depend on other fields (data/catalog/README.md). */
  m->kv_heads = m->heads;
  if (mla != NULL)
    m->head_dim = m->qk_nope_dim + m->qk_rope_dim;
  else if (m->hidden % m->heads == 0)
    m->head_dim = m->hidden / m->heads;
  if (moe != NULL)
    m->ffn = m->expert_ffn;

  if (!read_u32 (r, obj, "kv_heads", FALSE, 1, m->heads, &m->kv_heads, error) ||
      !read_u32 (r, obj, "head_dim", m->head_dim == 0, 1, MAX_DIM, &m->head_dim, error) ||
      !read_u32 (r, obj, "ffn", m->ffn == 0, 1, MAX_DIM, &m->ffn, error) ||
      !read_bool (r, obj, "gated_mlp", &m->gated_mlp, error) ||
      !read_bool (r, obj, "tied_embeddings", &m->tied_embeddings, error) ||
      !read_norm (r, obj, m, error) ||
      !read_u32 (r, obj, "norms_per_layer", FALSE, 0, 16, &m->norms_per_layer, error) ||
      !read_bool (r, obj, "qkv_bias", &m->qkv_bias, error) ||
      !read_bool (r, obj, "out_bias", &m->out_bias, error) ||
      !read_bool (r, obj, "mlp_bias", &m->mlp_bias, error) ||
      !read_u32 (r, obj, "learned_positions", FALSE, 0, MAX_DIM, &m->learned_positions, error) ||
      !read_uint (r, obj, "max_context", FALSE, 0, G_GUINT64_CONSTANT (1) << 40,
                  &m->max_context, error) ||
      !read_u32 (r, obj, "sliding_window", FALSE, 0, G_MAXUINT32, &m->sliding_window, error) ||
      !read_u32 (r, obj, "sliding_layers", FALSE, 0, m->layers, &m->sliding_layers, error))
    return FALSE;

  m->attention = mla != NULL ? UTH_ATTN_MLA : uth_model_attention_kind (m);
  return model_validate (r, m, error);
}

UthModelEntry *
uth_catalog_read_model (UthCatalogReader     *r,
            JsonObject *obj,
            GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  UthModelEntry *e = g_new0 (UthModelEntry, 1);

  if (!read_id (r, obj, &e->id, &local_error) ||
      !read_string (r, obj, "name", TRUE, &e->name, &local_error) ||
      !read_string (r, obj, "family", FALSE, &e->family, &local_error) ||
      !read_string (r, obj, "source", TRUE, &e->source, &local_error) ||
      !read_uint (r, obj, "params_published", FALSE, 1, G_GUINT64_CONSTANT (1) << 50,
                  &e->params_published, &local_error) ||
      !read_model_spec (r, obj, &e->spec, &local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      uth_catalog_model_entry_free (e);
      return NULL;
    }
  return e;
}

/* ---------------------------------------------------------------------------------------- */
/* GPUs                                                                                     */

static gboolean
read_peak_flops (UthCatalogReader     *r,
                 JsonObject *obj,
                 UthGpu     *g,
                 GPtrArray  *warnings,
                 GError    **error)
{
  JsonObject *peaks = NULL;
  g_autoptr(GList) members = NULL;
  UthCatalogReader nested = *r;

  if (!read_object (r, obj, "peak_flops", &peaks, error))
    return FALSE;
  if (peaks == NULL)
    return missing (error, r, "peak_flops");

  nested.prefix = "peak_flops.";
  members = json_object_get_members (peaks);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      UthDtype dtype;

      if (!uth_dtype_from_id (key, &dtype) || !uth_dtype_is_compute (dtype))
        {
          /* A type the core does not model (fp4, fp6), or a weight format (q4_0) that has no
           * rate of its own: worth a warning, not worth the entry. */
          GError *warning = NULL;
          uth_catalog_field_error (&warning, &nested, key, "%s",
                       _("not a data type this app models (fp32, tf32, bf16, fp16, fp8, int8, "
                         "int4); ignored"));
          if (warnings != NULL)
            g_ptr_array_add (warnings, warning);
          else
            g_error_free (warning);
          continue;
        }
      if (!read_number (&nested, peaks, key, TRUE, 0.0, FALSE, 1e20, &g->peak_flops[dtype], error))
        return FALSE;
    }
  if (!(uth_gpu_peak_flops (g, UTH_DTYPE_BF16) > 0.0))
    return uth_catalog_field_error (error, r, "peak_flops", "%s",
                        _("needs a positive figure for bf16, fp16 or fp32"));
  return TRUE;
}

/* YYYY-MM-DD, a real day. */
static gboolean
valid_date (const char *s)
{
  if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (s[i]))
      return FALSE;
  return g_date_valid_dmy ((GDateDay) atoi (s + 8), (GDateMonth) atoi (s + 5),
                           (GDateYear) atoi (s));
}

static gboolean
read_price (UthCatalogReader      *r,
            JsonObject  *obj,
            UthGpuEntry *e,
            GError     **error)
{
  if (!read_number (r, obj, "price_per_hour", FALSE, 0.0, FALSE, 1e6, &e->spec.price_per_hour, error) ||
      !read_string (r, obj, "price_source", e->spec.price_per_hour > 0.0, &e->price_source, error) ||
      !read_string (r, obj, "l2_source", FALSE, &e->l2_source, error) ||
      !read_string (r, obj, "price_date", e->spec.price_per_hour > 0.0, &e->price_date, error))
    return FALSE;

  if (e->price_date != NULL && !valid_date (e->price_date))
    return uth_catalog_field_error (error, r, "price_date", _("expected a date as YYYY-MM-DD, got \"%s\""),
                        e->price_date);
  return TRUE;
}

UthGpuEntry *
uth_catalog_read_gpu (UthCatalogReader     *r,
          JsonObject *obj,
          GPtrArray  *warnings,
          GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  UthGpuEntry *e = g_new0 (UthGpuEntry, 1);
  UthGpu *g = &e->spec;

  if (!read_id (r, obj, &e->id, &local_error) ||
      !read_string (r, obj, "name", TRUE, &e->name, &local_error) ||
      !read_string (r, obj, "vendor", FALSE, &e->vendor, &local_error) ||
      !read_string (r, obj, "source", TRUE, &e->source, &local_error) ||
      !read_peak_flops (r, obj, g, warnings, &local_error) ||
      !read_number (r, obj, "memory_bytes", TRUE, 0.0, TRUE, 1e18, &g->memory_bytes, &local_error) ||
      !read_number (r, obj, "memory_bandwidth", TRUE, 0.0, TRUE, 1e18, &g->memory_bandwidth,
                    &local_error) ||
      !read_u32 (r, obj, "sms", TRUE, 1, 1000000, &g->sms, &local_error) ||
      !read_number (r, obj, "l2_bytes", FALSE, 0.0, FALSE, 1e15, &g->l2_bytes, &local_error) ||
      !read_number (r, obj, "smem_per_sm_bytes", FALSE, 0.0, FALSE, 1e12, &g->smem_per_sm_bytes,
                    &local_error) ||
      !read_string (r, obj, "interconnect", FALSE, &e->interconnect, &local_error) ||
      !read_number (r, obj, "interconnect_bandwidth", FALSE, 0.0, FALSE, 1e18,
                    &g->interconnect_bandwidth, &local_error) ||
      !read_price (r, obj, e, &local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      uth_catalog_gpu_entry_free (e);
      return NULL;
    }
  if (!uth_gpu_validate (g))
    {
      uth_catalog_field_error (error, r, NULL, "%s", _("the core refused these numbers"));
      uth_catalog_gpu_entry_free (e);
      return NULL;
    }
  return e;
}

/* ---------------------------------------------------------------------------------------- */
/* Engines                                                                                  */

static gboolean
read_engine_spec (UthCatalogReader     *r,
                  JsonObject *obj,
                  UthEngine  *s,
                  GError    **error)
{
  uth_engine_init_roofline (s);
  return read_number (r, obj, "compute_efficiency", TRUE, 0.0, TRUE, 1.0, &s->compute_efficiency, error) &&
         read_number (r, obj, "bandwidth_efficiency", TRUE, 0.0, TRUE, 1.0, &s->bandwidth_efficiency,
                      error) &&
         read_number (r, obj, "launch_overhead_s", FALSE, 0.0, FALSE, 1.0, &s->launch_overhead_s, error) &&
         read_u32 (r, obj, "kernels_per_layer", FALSE, 0, 1000, &s->kernels_per_layer, error) &&
         read_bool (r, obj, "flash_attention", &s->flash_attention, error) &&
         read_number (r, obj, "compute_half_rows", FALSE, 0.0, FALSE, 1e12, &s->compute_half_rows, error) &&
         read_number (r, obj, "bandwidth_half_bytes", FALSE, 0.0, FALSE, 1e18, &s->bandwidth_half_bytes,
                      error) &&
         read_number (r, obj, "comm_efficiency", FALSE, 0.0, TRUE, 1.0, &s->comm_efficiency, error) &&
         read_number (r, obj, "comm_latency_s", FALSE, 0.0, FALSE, 1.0, &s->comm_latency_s, error) &&
         read_number (r, obj, "runtime_reserve_bytes", FALSE, 0.0, FALSE, 1e15, &s->runtime_reserve_bytes,
                      error) &&
         read_number (r, obj, "runtime_reserve_fraction", FALSE, 0.0, FALSE, 0.99,
                      &s->runtime_reserve_fraction, error) &&
         read_number (r, obj, "attention_compute_efficiency", FALSE, 0.0, FALSE, 1.0,
                      &s->attention_compute_efficiency, error) &&
         read_number (r, obj, "attention_bandwidth_efficiency", FALSE, 0.0, FALSE, 1.0,
                      &s->attention_bandwidth_efficiency, error) &&
         read_number (r, obj, "attention_half_ctas", FALSE, 0.0, FALSE, 1e6,
                      &s->attention_half_ctas, error) &&
         read_number (r, obj, "narrow_compute_efficiency", FALSE, 0.0, FALSE, 1.0,
                      &s->narrow_compute_efficiency, error) &&
         read_number (r, obj, "dequant_compute_efficiency", FALSE, 0.0, FALSE, 1.0,
                      &s->dequant_compute_efficiency, error);
}

UthEngineEntry *
uth_catalog_read_engine (UthCatalogReader     *r,
             JsonObject *obj,
             GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  UthEngineEntry *e = g_new0 (UthEngineEntry, 1);

  if (!read_id (r, obj, &e->id, &local_error) ||
      !read_string (r, obj, "name", TRUE, &e->name, &local_error) ||
      !read_string (r, obj, "source", TRUE, &e->source, &local_error) ||
      !read_string (r, obj, "description", FALSE, &e->description, &local_error) ||
      !read_engine_spec (r, obj, &e->spec, &local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      uth_catalog_engine_entry_free (e);
      return NULL;
    }
  if (!uth_engine_validate (&e->spec))
    {
      uth_catalog_field_error (error, r, NULL, "%s", _("the core refused these numbers"));
      uth_catalog_engine_entry_free (e);
      return NULL;
    }
  return e;
}
