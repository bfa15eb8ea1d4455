/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uth-catalog.h"
#include "uth-safe-json.h"

#define CATALOG_RESOURCE RESOURCE_BASE "/catalog/"
/* A catalog nests four levels (root, list, entry, moe/mla/peak_flops); allow some slack. */
#define CATALOG_MAX_DEPTH 16
/* The core's limits (uth_model_validate): dimensions up to 2^24, layers up to 4096. */
#define MAX_DIM    (1u << 24)
#define MAX_LAYERS 4096u

struct _UthCatalog
{
  gatomicrefcount  ref_count;
  GPtrArray       *entries[3];   /* by UthCatalogKind; every entry starts with char *id */
  GPtrArray       *retired[3];   /* replaced entries, kept so that pointers stay valid */
  GPtrArray       *load_warnings;
};

G_DEFINE_BOXED_TYPE (UthCatalog, uth_catalog, uth_catalog_ref, uth_catalog_unref)
G_DEFINE_QUARK (uth-catalog-error-quark, uth_catalog_error)

static const char * const kind_files[] = { "models.json", "gpus.json", "engines.json" };
static const char * const kind_lists[] = { "models", "gpus", "engines" };

/* What is being read: names the file, the entry and the field in every message. */
typedef struct
{
  const char *file;
  const char *id;       /* NULL until the entry's id is known */
  guint       index;    /* 1-based position in the list */
  const char *prefix;   /* "moe." inside a nested object, else "" */
} Reader;

/* ---------------------------------------------------------------------------------------- */
/* Entries                                                                                  */

static void
model_entry_free (gpointer data)
{
  UthModelEntry *e = data;

  g_free (e->id);
  g_free (e->name);
  g_free (e->family);
  g_free (e->source);
  g_free (e);
}

static void
gpu_entry_free (gpointer data)
{
  UthGpuEntry *e = data;

  g_free (e->id);
  g_free (e->name);
  g_free (e->vendor);
  g_free (e->source);
  g_free (e->interconnect);
  g_free (e->price_source);
  g_free (e->price_date);
  g_free (e);
}

static void
engine_entry_free (gpointer data)
{
  UthEngineEntry *e = data;

  g_free (e->id);
  g_free (e->name);
  g_free (e->source);
  g_free (e->description);
  g_free (e);
}

static const GDestroyNotify kind_free[] = { model_entry_free, gpu_entry_free, engine_entry_free };

static const char *
entry_id (gconstpointer entry)
{
  return *(char * const *) entry;
}

static gint
find_index (UthCatalog     *self,
            UthCatalogKind  kind,
            const char     *id)
{
  GPtrArray *entries = self->entries[kind];

  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (entry_id (g_ptr_array_index (entries, i)), id) == 0)
      return (gint) i;
  return -1;
}

/* Takes ownership of entry; replaces an entry of the same id in place (keeping the order). */
static void
take_entry (UthCatalog     *self,
            UthCatalogKind  kind,
            gpointer        entry)
{
  GPtrArray *entries = self->entries[kind];
  gint index = find_index (self, kind, entry_id (entry));

  if (index < 0)
    {
      g_ptr_array_add (entries, entry);
      return;
    }
  g_ptr_array_add (self->retired[kind], entries->pdata[index]);
  entries->pdata[index] = entry;
}

/* ---------------------------------------------------------------------------------------- */
/* Reading fields                                                                           */

static void
set_entry_error (GError     **error,
                 const Reader *r,
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

G_GNUC_PRINTF (4, 5)
static gboolean
field_error (GError      **error,
             const Reader *r,
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
         const Reader *r,
         const char   *field)
{
  return field_error (error, r, field, "%s", _("missing (it is required)"));
}

static gboolean
read_uint (const Reader *r,
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
    return field_error (error, r, field,
                        _("expected a positive integer up to %" G_GUINT64_FORMAT ", got %s"),
                        max, got);
  return field_error (error, r, field,
                      _("expected an integer from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                        ", got %s"), min, max, got);
}

static gboolean
read_u32 (const Reader *r,
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
read_number (const Reader *r,
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
    return field_error (error, r, field, _("expected a positive number, got %s"), got);
  if (min == 0.0 && max >= G_MAXDOUBLE)
    return field_error (error, r, field, _("expected a number of at least 0, got %s"), got);
  if (min_exclusive)
    return field_error (error, r, field, _("expected a number above %g and at most %g, got %s"),
                        min, max, got);
  return field_error (error, r, field, _("expected a number from %g to %g, got %s"),
                      min, max, got);
}

static gboolean
read_bool (const Reader *r,
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
  return field_error (error, r, field, _("expected true or false, got %s"), got);
}

/* A non-empty string of at most 4096 bytes. */
static gboolean
read_string (const Reader *r,
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
  return field_error (error, r, field, _("expected a non-empty text of at most 4096 bytes, got %s"),
                      got);
}

/* Ids are typed on the command line: letters, digits and . _ - + only. */
static gboolean
read_id (Reader      *r,
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
        return field_error (error, r, "id",
                            _("expected letters, digits, '.', '_', '-' or '+', got \"%s\""),
                            escaped);
      }
  if (strlen (*out) > 128)
    return field_error (error, r, "id", "%s", _("longer than 128 characters"));
  r->id = *out;
  return TRUE;
}

/* A nested object such as "moe": NULL when absent, an error when not an object. */
static gboolean
read_object (const Reader *r,
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
  return field_error (error, r, field, _("expected an object, got %s"), got);
}

/* ---------------------------------------------------------------------------------------- */
/* Models                                                                                   */

static gboolean
read_moe (Reader     *r,
          JsonObject *moe,
          UthModel   *m,
          GError    **error)
{
  Reader nested = *r;

  nested.prefix = "moe.";
  return read_u32 (&nested, moe, "experts", TRUE, 1, 65536, &m->experts, error) &&
         read_u32 (&nested, moe, "active_experts", TRUE, 1, m->experts, &m->active_experts, error) &&
         read_u32 (&nested, moe, "shared_experts", FALSE, 0, 65536, &m->shared_experts, error) &&
         read_u32 (&nested, moe, "expert_ffn", TRUE, 1, MAX_DIM, &m->expert_ffn, error) &&
         read_u32 (&nested, moe, "dense_layers", FALSE, 0, m->layers, &m->dense_layers, error) &&
         read_bool (&nested, moe, "router_bias", &m->router_bias, error);
}

static gboolean
read_mla (Reader     *r,
          JsonObject *mla,
          UthModel   *m,
          GError    **error)
{
  Reader nested = *r;

  nested.prefix = "mla.";
  return read_u32 (&nested, mla, "q_lora_rank", FALSE, 0, MAX_DIM, &m->q_lora_rank, error) &&
         read_u32 (&nested, mla, "kv_lora_rank", TRUE, 1, MAX_DIM, &m->kv_lora_rank, error) &&
         read_u32 (&nested, mla, "qk_rope_dim", TRUE, 1, MAX_DIM, &m->qk_rope_dim, error) &&
         read_u32 (&nested, mla, "qk_nope_dim", TRUE, 1, MAX_DIM, &m->qk_nope_dim, error) &&
         read_u32 (&nested, mla, "v_head_dim", TRUE, 1, MAX_DIM, &m->v_head_dim, error);
}

static gboolean
read_norm (const Reader *r,
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
    return field_error (error, r, "norm", _("expected \"rms\" or \"layer\", got \"%s\""), norm);
  return TRUE;
}

/* Why the core refused a spec whose fields each looked fine on their own. */
static gboolean
model_validate (const Reader   *r,
                const UthModel *m,
                GError        **error)
{
  switch (uth_model_validate (m))
    {
    case UTH_MODEL_OK:
      return TRUE;
    case UTH_MODEL_ZERO_FIELD:
      return field_error (error, r, NULL, "%s",
                          _("hidden_size, layers, heads, head_dim, vocab_size and ffn must all be above 0"));
    case UTH_MODEL_BAD_KV_HEADS:
      return field_error (error, r, "kv_heads",
                          _("must be at least 1, at most heads (%u) and divide it, got %u"),
                          m->heads, m->kv_heads);
    case UTH_MODEL_BAD_MOE:
      return field_error (error, r, "moe", "%s",
                          _("active_experts must not exceed experts, and expert_ffn must be set"));
    case UTH_MODEL_BAD_MLA:
      return field_error (error, r, "mla", "%s",
                          _("multi-head latent attention needs kv_lora_rank, qk_rope_dim, "
                            "qk_nope_dim and v_head_dim"));
    case UTH_MODEL_TOO_LARGE:
    default:
      return field_error (error, r, NULL, "%s",
                          _("a dimension is beyond 16777216, or layers beyond 4096"));
    }
}

static gboolean
read_model_spec (Reader     *r,
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

static UthModelEntry *
read_model (Reader     *r,
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
      model_entry_free (e);
      return NULL;
    }
  return e;
}

/* ---------------------------------------------------------------------------------------- */
/* GPUs                                                                                     */

static gboolean
read_peak_flops (Reader     *r,
                 JsonObject *obj,
                 UthGpu     *g,
                 GPtrArray  *warnings,
                 GError    **error)
{
  JsonObject *peaks = NULL;
  g_autoptr(GList) members = NULL;
  Reader nested = *r;

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

      if (!uth_dtype_from_id (key, &dtype))
        {
          /* A type the core does not model (fp4, fp6): worth a warning, not worth the entry. */
          GError *warning = NULL;
          field_error (&warning, &nested, key, "%s",
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
    return field_error (error, r, "peak_flops", "%s",
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
read_price (Reader      *r,
            JsonObject  *obj,
            UthGpuEntry *e,
            GError     **error)
{
  if (!read_number (r, obj, "price_per_hour", FALSE, 0.0, FALSE, 1e6, &e->spec.price_per_hour, error) ||
      !read_string (r, obj, "price_source", e->spec.price_per_hour > 0.0, &e->price_source, error) ||
      !read_string (r, obj, "price_date", e->spec.price_per_hour > 0.0, &e->price_date, error))
    return FALSE;

  if (e->price_date != NULL && !valid_date (e->price_date))
    return field_error (error, r, "price_date", _("expected a date as YYYY-MM-DD, got \"%s\""),
                        e->price_date);
  return TRUE;
}

static UthGpuEntry *
read_gpu (Reader     *r,
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
      gpu_entry_free (e);
      return NULL;
    }
  if (!uth_gpu_validate (g))
    {
      field_error (error, r, NULL, "%s", _("the core refused these numbers"));
      gpu_entry_free (e);
      return NULL;
    }
  return e;
}

/* ---------------------------------------------------------------------------------------- */
/* Engines                                                                                  */

static gboolean
read_engine_spec (Reader     *r,
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
                      &s->narrow_compute_efficiency, error);
}

static UthEngineEntry *
read_engine (Reader     *r,
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
      engine_entry_free (e);
      return NULL;
    }
  if (!uth_engine_validate (&e->spec))
    {
      field_error (error, r, NULL, "%s", _("the core refused these numbers"));
      engine_entry_free (e);
      return NULL;
    }
  return e;
}

/* ---------------------------------------------------------------------------------------- */
/* Files                                                                                    */

static void
add_warning (GPtrArray *warnings,
             GError    *warning)
{
  if (warnings != NULL)
    g_ptr_array_add (warnings, warning);
  else
    {
      g_message ("%s", warning->message);
      g_error_free (warning);
    }
}

static gpointer
read_entry (UthCatalogKind  kind,
            Reader         *r,
            JsonNode       *node,
            GPtrArray      *warnings,
            GError        **error)
{
  g_autofree char *got = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      got = uth_safe_json_describe (node);
      field_error (error, r, NULL, _("expected an object, got %s"), got);
      return NULL;
    }
  switch (kind)
    {
    case UTH_CATALOG_MODELS:
      return read_model (r, json_node_get_object (node), error);
    case UTH_CATALOG_GPUS:
      return read_gpu (r, json_node_get_object (node), warnings, error);
    case UTH_CATALOG_ENGINES:
    default:
      return read_engine (r, json_node_get_object (node), error);
    }
}

static void
set_user (UthCatalogKind kind,
          gpointer       entry,
          gboolean       user)
{
  if (kind == UTH_CATALOG_MODELS)
    ((UthModelEntry *) entry)->user = user;
  else if (kind == UTH_CATALOG_GPUS)
    ((UthGpuEntry *) entry)->user = user;
  else
    ((UthEngineEntry *) entry)->user = user;
}

gboolean
uth_catalog_load_bytes (UthCatalog      *self,
                        UthCatalogKind   kind,
                        GBytes          *bytes,
                        const char      *name,
                        gboolean         user,
                        GPtrArray       *warnings,
                        GError         **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) seen = NULL;
  JsonNode *list_node;
  JsonArray *list;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail ((guint) kind <= UTH_CATALOG_ENGINES, FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  root = uth_safe_json_parse (bytes, name, UTH_CATALOG_MAX_BYTES, CATALOG_MAX_DEPTH, error);
  if (root == NULL)
    return FALSE;

  list_node = JSON_NODE_HOLDS_OBJECT (root)
    ? json_object_get_member (json_node_get_object (root), kind_lists[kind]) : NULL;
  if (list_node == NULL || !JSON_NODE_HOLDS_ARRAY (list_node))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: expected an object with a list \"%s\": [ … ]"), name, kind_lists[kind]);
      return FALSE;
    }

  list = json_node_get_array (list_node);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      Reader r = { name, NULL, i + 1, "" };
      GError *entry_error = NULL;
      gpointer entry = read_entry (kind, &r, json_array_get_element (list, i), warnings,
                                   &entry_error);

      if (entry == NULL)
        {
          add_warning (warnings, entry_error);
          continue;
        }
      if (g_hash_table_contains (seen, entry_id (entry)))
        {
          field_error (&entry_error, &r, "id", "%s",
                       _("the same id appears earlier in this file; this entry is skipped"));
          add_warning (warnings, entry_error);
          kind_free[kind] (entry);
          continue;
        }
      g_hash_table_add (seen, g_strdup (entry_id (entry)));
      set_user (kind, entry, user);
      take_entry (self, kind, entry);
    }
  return TRUE;
}

gboolean
uth_catalog_load_file (UthCatalog      *self,
                       UthCatalogKind   kind,
                       GFile           *file,
                       GPtrArray       *warnings,
                       GError         **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, error);
  if (bytes == NULL)
    return FALSE;
  name = g_file_get_parse_name (file);
  return uth_catalog_load_bytes (self, kind, bytes, name, TRUE, warnings, error);
}

gboolean
uth_catalog_load_bundled_full (UthCatalog  *self,
                               GPtrArray   *warnings,
                               GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint kind = 0; kind < G_N_ELEMENTS (kind_files); kind++)
    {
      g_autofree char *path = g_strconcat (CATALOG_RESOURCE, kind_files[kind], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) local_error = NULL;

      bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
      if (bytes == NULL)
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: not in the application's resources: %s"), kind_files[kind],
                       local_error->message);
          return FALSE;
        }
      if (!uth_catalog_load_bytes (self, kind, bytes, kind_files[kind], FALSE, warnings, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
uth_catalog_load_bundled (UthCatalog  *self,
                          GError     **error)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  gboolean ok = uth_catalog_load_bundled_full (self, warnings, error);

  for (guint i = 0; i < warnings->len; i++)
    g_warning ("%s", ((GError *) g_ptr_array_index (warnings, i))->message);
  return ok;
}

void
uth_catalog_load_user_dir (UthCatalog *self,
                           GFile      *dir,
                           GPtrArray  *warnings)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_FILE (dir));

  for (guint kind = 0; kind < G_N_ELEMENTS (kind_files); kind++)
    {
      g_autoptr(GFile) file = g_file_get_child (dir, kind_files[kind]);
      GError *local_error = NULL;

      if (!g_file_query_exists (file, NULL))
        continue;
      /* A broken user file only costs its own entries; the file itself is never touched. */
      if (!uth_catalog_load_file (self, kind, file, warnings, &local_error))
        add_warning (warnings, local_error);
    }
}

void
uth_catalog_load_user (UthCatalog *self,
                       GPtrArray  *warnings)
{
  g_autoptr(GFile) dir = NULL;

  g_return_if_fail (self != NULL);

  dir = g_file_new_build_filename (g_get_user_config_dir (), "under-the-hood", NULL);
  uth_catalog_load_user_dir (self, dir, warnings);
}

UthCatalog *
uth_catalog_get_default (void)
{
  static UthCatalog *catalog = NULL;

  if (g_once_init_enter (&catalog))
    {
      UthCatalog *c = uth_catalog_new ();
      GError *error = NULL;

      if (!uth_catalog_load_bundled_full (c, c->load_warnings, &error))
        g_ptr_array_add (c->load_warnings, error);
      uth_catalog_load_user (c, c->load_warnings);
      for (guint i = 0; i < c->load_warnings->len; i++)
        g_printerr (_("Warning: %s\n"), ((GError *) g_ptr_array_index (c->load_warnings, i))->message);
      g_once_init_leave (&catalog, c);
    }
  return catalog;
}

GPtrArray *
uth_catalog_get_load_warnings (UthCatalog *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->load_warnings;
}

/* ---------------------------------------------------------------------------------------- */
/* Life cycle and lookups                                                                   */

UthCatalog *
uth_catalog_new (void)
{
  UthCatalog *self = g_new0 (UthCatalog, 1);

  g_atomic_ref_count_init (&self->ref_count);
  for (guint kind = 0; kind < 3; kind++)
    {
      self->entries[kind] = g_ptr_array_new_with_free_func (kind_free[kind]);
      self->retired[kind] = g_ptr_array_new_with_free_func (kind_free[kind]);
    }
  self->load_warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  return self;
}

UthCatalog *
uth_catalog_ref (UthCatalog *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
uth_catalog_unref (UthCatalog *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (guint kind = 0; kind < 3; kind++)
    {
      g_ptr_array_unref (self->entries[kind]);
      g_ptr_array_unref (self->retired[kind]);
    }
  g_ptr_array_unref (self->load_warnings);
  g_free (self);
}

static gconstpointer
get_entry (UthCatalog     *self,
           UthCatalogKind  kind,
           guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->entries[kind]->len, NULL);
  return g_ptr_array_index (self->entries[kind], index);
}

static gconstpointer
find_entry (UthCatalog     *self,
            UthCatalogKind  kind,
            const char     *id)
{
  gint index;

  g_return_val_if_fail (self != NULL, NULL);
  if (id == NULL)
    return NULL;
  index = find_index (self, kind, id);
  return index < 0 ? NULL : g_ptr_array_index (self->entries[kind], index);
}

guint
uth_catalog_get_n_models (UthCatalog *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->entries[UTH_CATALOG_MODELS]->len;
}

const UthModelEntry *
uth_catalog_get_model (UthCatalog *self,
                       guint       index)
{
  return get_entry (self, UTH_CATALOG_MODELS, index);
}

const UthModelEntry *
uth_catalog_find_model (UthCatalog *self,
                        const char *id)
{
  return find_entry (self, UTH_CATALOG_MODELS, id);
}

guint
uth_catalog_get_n_gpus (UthCatalog *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->entries[UTH_CATALOG_GPUS]->len;
}

const UthGpuEntry *
uth_catalog_get_gpu (UthCatalog *self,
                     guint       index)
{
  return get_entry (self, UTH_CATALOG_GPUS, index);
}

const UthGpuEntry *
uth_catalog_find_gpu (UthCatalog *self,
                      const char *id)
{
  return find_entry (self, UTH_CATALOG_GPUS, id);
}

guint
uth_catalog_get_n_engines (UthCatalog *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->entries[UTH_CATALOG_ENGINES]->len;
}

const UthEngineEntry *
uth_catalog_get_engine (UthCatalog *self,
                        guint       index)
{
  return get_entry (self, UTH_CATALOG_ENGINES, index);
}

const UthEngineEntry *
uth_catalog_find_engine (UthCatalog *self,
                         const char *id)
{
  return find_entry (self, UTH_CATALOG_ENGINES, id);
}

/* ---------------------------------------------------------------------------------------- */
/* Suggestions                                                                              */

/* Levenshtein distance with two rows; both strings are short (ids are capped at 128). */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = MIN (strlen (a), 128);
  gsize lb = MIN (strlen (b), 128);
  guint row0[129], row1[129];
  guint *prev = row0, *cur = row1;

  for (gsize j = 0; j <= lb; j++)
    prev[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint *tmp;

      cur[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
          cur[j] = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        }
      tmp = prev;
      prev = cur;
      cur = tmp;
    }
  return prev[lb];
}

typedef struct
{
  const char *id;
  guint       rank;   /* 0: id starts with the query, 1: contains it, 2: only close */
  guint       distance;
} Candidate;

static gint
candidate_compare (gconstpointer a,
                   gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  if (x->distance != y->distance)
    return x->distance < y->distance ? -1 : 1;
  return strcmp (x->id, y->id);
}

char **
uth_catalog_suggest (UthCatalog     *self,
                     UthCatalogKind  kind,
                     const char     *id,
                     guint           max)
{
  g_autoptr(GArray) candidates = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autofree char *query = NULL;
  GPtrArray *entries;
  guint threshold;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail ((guint) kind <= UTH_CATALOG_ENGINES, NULL);

  builder = g_strv_builder_new ();
  if (id == NULL || *id == '\0' || strlen (id) > 128)
    return g_strv_builder_end (builder);

  query = g_ascii_strdown (id, -1);
  /* A third of the letters wrong is still recognisably the same id; more is a guess. */
  threshold = MAX (2u, (guint) strlen (query) / 3);
  entries = self->entries[kind];
  candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  for (guint i = 0; i < entries->len; i++)
    {
      const char *cand_id = entry_id (g_ptr_array_index (entries, i));
      g_autofree char *cand = g_ascii_strdown (cand_id, -1);
      Candidate c = { cand_id, 2, edit_distance (query, cand) };

      if (g_str_has_prefix (cand, query))
        c.rank = 0;
      else if (strstr (cand, query) != NULL)
        c.rank = 1;
      else if (c.distance > threshold)
        continue;
      g_array_append_val (candidates, c);
    }
  g_array_sort (candidates, candidate_compare);
  for (guint i = 0; i < candidates->len && i < max; i++)
    g_strv_builder_add (builder, g_array_index (candidates, Candidate, i).id);
  return g_strv_builder_end (builder);
}

/* ---------------------------------------------------------------------------------------- */
/* Adding entries                                                                           */

void
uth_catalog_add_model (UthCatalog          *self,
                       const UthModelEntry *entry)
{
  UthModelEntry *copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (entry != NULL && entry->id != NULL);

  copy = g_memdup2 (entry, sizeof *entry);
  copy->id = g_strdup (entry->id);
  copy->name = g_strdup (entry->name);
  copy->family = g_strdup (entry->family);
  copy->source = g_strdup (entry->source);
  take_entry (self, UTH_CATALOG_MODELS, copy);
}

void
uth_catalog_add_gpu (UthCatalog        *self,
                     const UthGpuEntry *entry)
{
  UthGpuEntry *copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (entry != NULL && entry->id != NULL);

  copy = g_memdup2 (entry, sizeof *entry);
  copy->id = g_strdup (entry->id);
  copy->name = g_strdup (entry->name);
  copy->vendor = g_strdup (entry->vendor);
  copy->source = g_strdup (entry->source);
  copy->interconnect = g_strdup (entry->interconnect);
  copy->price_source = g_strdup (entry->price_source);
  copy->price_date = g_strdup (entry->price_date);
  take_entry (self, UTH_CATALOG_GPUS, copy);
}

void
uth_catalog_add_engine (UthCatalog           *self,
                        const UthEngineEntry *entry)
{
  UthEngineEntry *copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (entry != NULL && entry->id != NULL);

  copy = g_memdup2 (entry, sizeof *entry);
  copy->id = g_strdup (entry->id);
  copy->name = g_strdup (entry->name);
  copy->source = g_strdup (entry->source);
  copy->description = g_strdup (entry->description);
  take_entry (self, UTH_CATALOG_ENGINES, copy);
}
