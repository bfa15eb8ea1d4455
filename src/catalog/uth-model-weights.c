/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "uth-catalog.h"
#include "uth-gguf.h"
#include "uth-model-file.h"
#include "uth-model-weights.h"
#include "uth-safe-json.h"
#include "uth-safetensors.h"

/* One tensor of the mapped files. */
typedef struct
{
  const guint8 *data;
  char         *dtype;       /* as the format names it */
  gboolean      supported;
  UthWeightType type;
  guint         n_dims;
  guint64       dims[8];     /* as the file lists them */
  gboolean      gguf;        /* dims[0] is the contiguous one */
} Tensor;

struct _UthModelWeights
{
  char              *name;
  GFile             *folder;
  char              *architecture;
  GPtrArray         *maps;      /* GMappedFile */
  GPtrArray         *resources; /* GBytes of a model compiled into the program */
  GHashTable        *tensors;   /* name → Tensor */
  UthForwardWeights  fw;
  guint64            max_context;
  guint64            params;
  guint64            bytes;
  char              *dtype;
  gboolean           tied;      /* config.json: tie_word_embeddings */
};

static void
tensor_free (gpointer data)
{
  Tensor *t = data;

  g_free (t->dtype);
  g_free (t);
}

void
uth_model_weights_free (UthModelWeights *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_clear_object (&self->folder);
  g_free (self->architecture);
  g_clear_pointer (&self->tensors, g_hash_table_unref);
  g_clear_pointer (&self->maps, g_ptr_array_unref);
  g_clear_pointer (&self->resources, g_ptr_array_unref);
  g_free (self->fw.layers);
  g_free (self->dtype);
  g_free (self);
}

static gboolean
fail (GError    **error,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError    **error,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                                                format, args));
  va_end (args);
  return FALSE;
}

/* ---- mapping the files --------------------------------------------------------------- */

/* Opens a file once (regular files only), lets check read its header from the stream, then
 * maps the same descriptor. */
static GMappedFile *
map_file (GFile        *file,
          const char   *name,
          gboolean    (*check) (GInputStream *, guint64, UthModelFile *, GError **),
          UthModelFile *out,
          GError      **error)
{
  guint64 size = 0;
  g_autoptr(GInputStream) stream = uth_model_file_open (file, name, &size, error);
  g_autoptr(GInputStream) buffered = NULL;
  GMappedFile *mapped;
  GError *local_error = NULL;

  if (stream == NULL)
    return NULL;
  if (!G_IS_UNIX_INPUT_STREAM (stream))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: not a local file; the weights must be on this computer to be mapped"),
                   name);
      return NULL;
    }
  buffered = g_buffered_input_stream_new_sized (stream, 256 * 1024);
  if (!check (buffered, size, out, error))
    return NULL;
  mapped = g_mapped_file_new_from_fd (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (stream)),
                                      FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO, _("%s: cannot be mapped: %s"),
                   name, local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  if ((guint64) g_mapped_file_get_length (mapped) != size)
    {
      g_mapped_file_unref (mapped);
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: changed while it was read"), name);
      return NULL;
    }
  return mapped;
}

static gboolean
safetensors_type (const char    *dtype,
                  UthWeightType *type)
{
  if (g_str_equal (dtype, "F32"))
    *type = UTH_WEIGHT_F32;
  else if (g_str_equal (dtype, "F16"))
    *type = UTH_WEIGHT_F16;
  else if (g_str_equal (dtype, "BF16"))
    *type = UTH_WEIGHT_BF16;
  else
    return FALSE;
  return TRUE;
}

/* A file compiled into the program (resource:///…): stored uncompressed, its bytes are
 * those of the program's own mapping, so nothing is copied. */
static GBytes *
map_resource (GFile        *file,
              const char   *name,
              gboolean    (*check) (GInputStream *, guint64, UthModelFile *, GError **),
              UthModelFile *out,
              GError      **error)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *path = g_uri_unescape_string (uri + strlen ("resource://"), NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) stream = NULL;
  GError *local_error = NULL;

  bytes = path != NULL ? g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error)
                       : NULL;
  if (bytes == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO, _("%s: cannot be read: %s"),
                   name, local_error != NULL ? local_error->message : "?");
      g_clear_error (&local_error);
      return NULL;
    }
  stream = g_memory_input_stream_new_from_bytes (bytes);
  if (!check (stream, g_bytes_get_size (bytes), out, error))
    return NULL;
  return g_steal_pointer (&bytes);
}

/* The tensors of one mapped safetensors file (its header was checked by the inspection
 * parser: offsets inside the file, shapes matching sizes, dtypes known). */
static gboolean
add_safetensors (UthModelWeights *self,
                 GFile           *file,
                 GError         **error)
{
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(UthModelFile) info = uth_model_file_new (UTH_MODEL_FILE_SAFETENSORS, name);
  g_autoptr(GBytes) header = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) members = NULL;
  GMappedFile *mapped;
  const guint8 *base;
  guint64 n, length;

  if (g_file_has_uri_scheme (file, "resource"))
    {
      GBytes *bytes = map_resource (file, name, uth_safetensors_read_stream, info, error);

      if (bytes == NULL)
        return FALSE;
      g_ptr_array_add (self->resources, bytes);
      base = g_bytes_get_data (bytes, NULL);
      length = g_bytes_get_size (bytes);
    }
  else
    {
      mapped = map_file (file, name, uth_safetensors_read_stream, info, error);
      if (mapped == NULL)
        return FALSE;
      g_ptr_array_add (self->maps, mapped);
      base = (const guint8 *) g_mapped_file_get_contents (mapped);
      length = g_mapped_file_get_length (mapped);
    }
  memcpy (&n, base, 8);
  n = GUINT64_FROM_LE (n);
  header = g_bytes_new_static (base + 8, (gsize) n);
  root = uth_safe_json_parse (header, name, (gsize) n, 8, error);
  if (root == NULL)
    return FALSE;
  members = json_object_get_members (json_node_get_object (root));
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonObject *t;
      JsonArray *shape;
      Tensor *tensor;

      if (g_str_equal (l->data, "__metadata__"))
        continue;
      if (g_hash_table_contains (self->tensors, l->data))
        return fail (error, _("%s: tensor '%s' is in two shards"), name, (const char *) l->data);
      t = json_object_get_object_member (json_node_get_object (root), l->data);
      shape = json_object_get_array_member (t, "shape");
      tensor = g_new0 (Tensor, 1);
      tensor->dtype = g_strdup (json_object_get_string_member (t, "dtype"));
      tensor->supported = safetensors_type (tensor->dtype, &tensor->type);
      tensor->n_dims = json_array_get_length (shape);
      for (guint i = 0; i < tensor->n_dims; i++)
        tensor->dims[i] = (guint64) json_array_get_int_element (shape, i);
      tensor->data = base + 8 + n +
                     json_array_get_int_element (json_object_get_array_member (t, "data_offsets"), 0);
      g_hash_table_insert (self->tensors, g_strdup (l->data), tensor);
    }
  self->bytes += length;
  self->params += info->params;
  return TRUE;
}

/* ---- views --------------------------------------------------------------------------- */

static char *
format_shape (const guint64 *dims,
              guint          n)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%" PRIu64, i > 0 ? ", " : "", dims[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* A view of tensor name, of rows × cols (1 × n for a vector): absent is an error when
 * required. conv1d: stored [in, out] (GPT-2's Conv1D) and used transposed. */
static gboolean
view (UthModelWeights *self,
      const char      *name,
      gboolean         required,
      guint32          rows,
      guint32          cols,
      gboolean         conv1d,
      UthTensorView   *out,
      GError         **error)
{
  Tensor *t = g_hash_table_lookup (self->tensors, name);
  guint64 want[2];
  guint n_want = rows == 1 ? 1 : 2;

  memset (out, 0, sizeof *out);
  if (t == NULL)
    return !required || fail (error, _("%s: tensor '%s' is missing (the %s architecture needs "
                                       "it)"), self->name, name, self->architecture);
  if (!t->supported)
    return fail (error, _("%s: tensor '%s' is stored as %s; the forward pass reads F32, F16, "
                          "BF16 and GGUF's Q8_0"), self->name, name, t->dtype);
  /* The expected shape in the file's own order. */
  if (n_want == 1)
    want[0] = cols;
  else if (t->gguf || conv1d)
    {
      want[0] = cols;
      want[1] = rows;
    }
  else
    {
      want[0] = rows;
      want[1] = cols;
    }
  if (t->n_dims != n_want || t->dims[0] != want[0] || (n_want == 2 && t->dims[1] != want[1]))
    {
      g_autofree char *has = format_shape (t->dims, t->n_dims);
      g_autofree char *expected = format_shape (want, n_want);

      return fail (error, _("%s: tensor '%s' has shape %s, expected %s"), self->name, name, has,
                   expected);
    }
  out->data = t->data;
  out->type = t->type;
  out->rows = rows;
  out->cols = cols;
  out->transposed = conv1d && !t->gguf;
  return TRUE;
}

/* ---- config -------------------------------------------------------------------------- */

/* A number field of config.json; fallback when absent or null. */
static gboolean
config_number (JsonObject  *obj,
               const char  *file,
               const char  *field,
               double       fallback,
               double      *out,
               GError     **error)
{
  JsonNode *node = json_object_get_member (obj, field);

  *out = fallback;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
                                        json_node_get_value_type (node) != G_TYPE_INT64))
    return fail (error, _("%s: field '%s': expected a number"), file, field);
  *out = json_node_get_double (node);
  return TRUE;
}

static gboolean
read_rope_scaling (JsonObject       *obj,
                   const char       *file,
                   UthForwardConfig *c,
                   GError          **error)
{
  JsonNode *node = json_object_get_member (obj, "rope_scaling");
  JsonObject *rs;
  const char *type;

  c->rope_scaling = UTH_ROPE_SCALING_NONE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, _("%s: field 'rope_scaling': expected an object"), file);
  rs = json_node_get_object (node);
  type = uth_safe_json_get_string (rs, "rope_type");
  if (type == NULL)
    type = uth_safe_json_get_string (rs, "type");
  if (type == NULL || g_str_equal (type, "default"))
    return TRUE;
  if (g_str_equal (type, "linear"))
    c->rope_scaling = UTH_ROPE_SCALING_LINEAR;
  else if (g_str_equal (type, "llama3"))
    c->rope_scaling = UTH_ROPE_SCALING_LLAMA3;
  else
    return fail (error, _("%s: rope_scaling of type '%s' is not supported (this app applies "
                          "'linear' and 'llama3')"), file, type);
  if (!config_number (rs, file, "factor", 0.0, &c->rope_factor, error))
    return FALSE;
  if (!(c->rope_factor > 0.0))
    return fail (error, _("%s: field 'rope_scaling.factor': missing or not above 0"), file);
  if (c->rope_scaling == UTH_ROPE_SCALING_LLAMA3 &&
      (!config_number (rs, file, "low_freq_factor", 1.0, &c->rope_low_freq_factor, error) ||
       !config_number (rs, file, "high_freq_factor", 4.0, &c->rope_high_freq_factor, error) ||
       !config_number (rs, file, "original_max_position_embeddings", 8192.0,
                       &c->rope_original_max_positions, error)))
    return FALSE;
  if (c->rope_scaling == UTH_ROPE_SCALING_LLAMA3 &&
      !(c->rope_high_freq_factor > c->rope_low_freq_factor && c->rope_low_freq_factor > 0.0 &&
        c->rope_original_max_positions > 0.0))
    return fail (error, _("%s: rope_scaling: llama3 needs 0 < low_freq_factor < "
                          "high_freq_factor and original_max_position_embeddings above 0"), file);
  return TRUE;
}

/* The forward config from config.json: the inspection's spec plus the numbers it leaves. */
static gboolean
read_hf_config (UthModelWeights *self,
                GFile           *config,
                GError         **error)
{
  g_autofree char *name = g_file_get_parse_name (config);
  g_autoptr(UthModelFile) info = uth_model_file_inspect (config, error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  UthForwardConfig *c = &self->fw.config;
  const UthModel *m;
  JsonObject *obj;
  double eps, theta = 10000.0, sliding = 0.0;
  const char *act;
  gboolean gpt2;

  if (info == NULL)
    return FALSE;
  if (info->format != UTH_MODEL_FILE_HF_CONFIG)
    return fail (error, _("%s: not a config.json"), name);
  self->architecture = g_strdup (info->architecture != NULL ? info->architecture : "?");
  gpt2 = g_strcmp0 (info->architecture, "gpt2") == 0;
  if (!gpt2 && g_strcmp0 (info->architecture, "llama") != 0 &&
      g_strcmp0 (info->architecture, "mistral") != 0 && g_strcmp0 (info->architecture, "qwen2") != 0)
    return fail (error, _("%s: architecture '%s' is not supported; the forward pass runs gpt2, "
                          "llama, mistral and qwen2 (SmolLM, TinyLlama)"), name,
                 self->architecture);
  if (!info->has_spec)
    return fail (error, _("%s: the architecture is incomplete"), name);
  bytes = uth_safe_load_file (config, UTH_MODEL_FILE_MAX_JSON_BYTES, error);
  if (bytes == NULL || (root = uth_safe_json_parse (bytes, name, UTH_MODEL_FILE_MAX_JSON_BYTES,
                                                    UTH_JSON_MAX_DEPTH, error)) == NULL)
    return FALSE;
  obj = json_node_get_object (root);
  m = &info->spec;
  if (m->experts > 0)
    return fail (error, _("%s: a mixture of experts is not supported"), name);
  if (!gpt2 && (m->mlp_bias || !m->gated_mlp))
    return fail (error, _("%s: an MLP with biases or without a gate is not supported for %s"),
                 name, self->architecture);
  act = uth_safe_json_get_string (obj, gpt2 ? "activation_function" : "hidden_act");
  if (act != NULL && !g_str_equal (act, gpt2 ? "gelu_new" : "silu") &&
      !(gpt2 && g_str_equal (act, "gelu_pytorch_tanh")))
    return fail (error, _("%s: activation '%s' is not supported (GPT-2: gelu_new; Llama "
                          "family: silu)"), name, act);

  c->arch = gpt2 ? UTH_ARCH_GPT2 : UTH_ARCH_LLAMA;
  c->vocab = m->vocab;
  c->hidden = m->hidden;
  c->layers = m->layers;
  c->heads = m->heads;
  c->kv_heads = m->kv_heads;
  c->head_dim = m->head_dim;
  c->ffn = m->ffn;
  c->max_positions = gpt2 ? m->learned_positions : 0;
  c->rope_style = UTH_ROPE_HALVES;
  if (!config_number (obj, name, gpt2 ? "layer_norm_epsilon" : "rms_norm_eps",
                      gpt2 ? 1e-5 : 1e-6, &eps, error) ||
      (!gpt2 && !config_number (obj, name, "rope_theta", 10000.0, &theta, error)) ||
      (!gpt2 && !read_rope_scaling (obj, name, c, error)) ||
      (g_str_equal (self->architecture, "mistral") &&
       !config_number (obj, name, "sliding_window", 0.0, &sliding, error)))
    return FALSE;
  c->norm_eps = (float) eps;
  c->rope_theta = theta;
  self->max_context = gpt2 ? m->learned_positions : m->max_context;
  if (sliding >= 1.0 && (self->max_context == 0 || sliding < (double) self->max_context))
    self->max_context = (guint64) sliding;
  self->tied = m->tied_embeddings;
  return TRUE;
}

/* ---- Hugging Face names ---------------------------------------------------------------- */

static gboolean
map_hf_llama (UthModelWeights *self,
              GError         **error)
{
  UthForwardWeights *w = &self->fw;
  const UthForwardConfig *c = &w->config;
  guint32 qd = c->heads * c->head_dim, kvd = c->kv_heads * c->head_dim;
  gboolean tied = self->tied;

  if (!view (self, "model.embed_tokens.weight", TRUE, c->vocab, c->hidden, FALSE,
             &w->token_embedding, error) ||
      !view (self, "model.norm.weight", TRUE, 1, c->hidden, FALSE, &w->final_norm, error) ||
      !view (self, "lm_head.weight", !tied, c->vocab, c->hidden, FALSE, &w->lm_head, error))
    return FALSE;
  if (tied)
    memset (&w->lm_head, 0, sizeof w->lm_head);
  for (guint32 i = 0; i < c->layers; i++)
    {
      UthForwardLayer *L = &w->layers[i];
      g_autofree char *p = g_strdup_printf ("model.layers.%u.", i);
      g_autofree char *n1 = g_strconcat (p, "input_layernorm.weight", NULL);
      g_autofree char *n2 = g_strconcat (p, "post_attention_layernorm.weight", NULL);
      g_autofree char *nq = g_strconcat (p, "self_attn.q_proj.weight", NULL);
      g_autofree char *nk = g_strconcat (p, "self_attn.k_proj.weight", NULL);
      g_autofree char *nv = g_strconcat (p, "self_attn.v_proj.weight", NULL);
      g_autofree char *no = g_strconcat (p, "self_attn.o_proj.weight", NULL);
      g_autofree char *bq = g_strconcat (p, "self_attn.q_proj.bias", NULL);
      g_autofree char *bk = g_strconcat (p, "self_attn.k_proj.bias", NULL);
      g_autofree char *bv = g_strconcat (p, "self_attn.v_proj.bias", NULL);
      g_autofree char *bo = g_strconcat (p, "self_attn.o_proj.bias", NULL);
      g_autofree char *ng = g_strconcat (p, "mlp.gate_proj.weight", NULL);
      g_autofree char *nu = g_strconcat (p, "mlp.up_proj.weight", NULL);
      g_autofree char *nd = g_strconcat (p, "mlp.down_proj.weight", NULL);
      gboolean qwen = g_str_equal (self->architecture, "qwen2");

      if (!view (self, n1, TRUE, 1, c->hidden, FALSE, &L->attn_norm, error) ||
          !view (self, n2, TRUE, 1, c->hidden, FALSE, &L->mlp_norm, error) ||
          !view (self, nq, TRUE, qd, c->hidden, FALSE, &L->q, error) ||
          !view (self, nk, TRUE, kvd, c->hidden, FALSE, &L->k, error) ||
          !view (self, nv, TRUE, kvd, c->hidden, FALSE, &L->v, error) ||
          !view (self, no, TRUE, c->hidden, qd, FALSE, &L->o, error) ||
          !view (self, bq, qwen, 1, qd, FALSE, &L->q_bias, error) ||
          !view (self, bk, qwen, 1, kvd, FALSE, &L->k_bias, error) ||
          !view (self, bv, qwen, 1, kvd, FALSE, &L->v_bias, error) ||
          !view (self, bo, FALSE, 1, c->hidden, FALSE, &L->o_bias, error) ||
          !view (self, ng, TRUE, c->ffn, c->hidden, FALSE, &L->gate, error) ||
          !view (self, nu, TRUE, c->ffn, c->hidden, FALSE, &L->up, error) ||
          !view (self, nd, TRUE, c->hidden, c->ffn, FALSE, &L->down, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
map_hf_gpt2 (UthModelWeights *self,
             GError         **error)
{
  UthForwardWeights *w = &self->fw;
  const UthForwardConfig *c = &w->config;
  gboolean tied = self->tied;
  const char *p0 = g_hash_table_contains (self->tensors, "transformer.wte.weight") ? "transformer." : "";
  g_autofree char *wte = g_strconcat (p0, "wte.weight", NULL);
  g_autofree char *wpe = g_strconcat (p0, "wpe.weight", NULL);
  g_autofree char *lnf = g_strconcat (p0, "ln_f.weight", NULL);
  g_autofree char *lnfb = g_strconcat (p0, "ln_f.bias", NULL);
  guint32 h = c->hidden;

  if (!view (self, wte, TRUE, c->vocab, h, FALSE, &w->token_embedding, error) ||
      !view (self, wpe, TRUE, c->max_positions, h, FALSE, &w->position_embedding, error) ||
      !view (self, lnf, TRUE, 1, h, FALSE, &w->final_norm, error) ||
      !view (self, lnfb, TRUE, 1, h, FALSE, &w->final_norm_bias, error) ||
      !view (self, "lm_head.weight", FALSE, c->vocab, h, FALSE, &w->lm_head, error))
    return FALSE;
  if (tied)
    memset (&w->lm_head, 0, sizeof w->lm_head);
  for (guint32 i = 0; i < c->layers; i++)
    {
      UthForwardLayer *L = &w->layers[i];
      static const char * const names[] = {
        "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias",
        "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias",
        "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias",
      };
      struct { UthTensorView *v; guint32 rows, cols; gboolean conv; } s[] = {
        { &L->attn_norm, 1, h, FALSE }, { &L->attn_norm_bias, 1, h, FALSE },
        { &L->qkv, 3 * h, h, TRUE }, { &L->qkv_bias, 1, 3 * h, FALSE },
        { &L->o, h, h, TRUE }, { &L->o_bias, 1, h, FALSE },
        { &L->mlp_norm, 1, h, FALSE }, { &L->mlp_norm_bias, 1, h, FALSE },
        { &L->up, c->ffn, h, TRUE }, { &L->up_bias, 1, c->ffn, FALSE },
        { &L->down, h, c->ffn, TRUE }, { &L->down_bias, 1, h, FALSE },
      };

      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        {
          g_autofree char *name = g_strdup_printf ("%sh.%u.%s", p0, i, names[j]);

          if (!view (self, name, TRUE, s[j].rows, s[j].cols, s[j].conv, s[j].v, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* ---- GGUF ---------------------------------------------------------------------------- */

static double
gguf_float (UthGgufDirectory *dir,
            const char       *arch,
            const char       *suffix,
            double            fallback)
{
  g_autofree char *key = g_strconcat (arch, ".", suffix, NULL);
  double *v = g_hash_table_lookup (dir->floats, key);

  return v != NULL ? *v : fallback;
}

static guint64
gguf_number (UthGgufDirectory *dir,
             const char       *arch,
             const char       *suffix)
{
  g_autofree char *key = g_strconcat (arch, ".", suffix, NULL);
  guint64 *v = g_hash_table_lookup (dir->numbers, key);

  return v != NULL ? *v : 0;
}

static gboolean
gguf_type (guint32        type,
           UthWeightType *out)
{
  switch (type)
    {
    case 0: *out = UTH_WEIGHT_F32; return TRUE;
    case 1: *out = UTH_WEIGHT_F16; return TRUE;
    case 8: *out = UTH_WEIGHT_Q8_0; return TRUE;
    case 30: *out = UTH_WEIGHT_BF16; return TRUE;
    default: return FALSE;
    }
}

static gboolean
read_gguf_config (UthModelWeights  *self,
                  UthGgufDirectory *dir,
                  GError          **error)
{
  UthForwardConfig *c = &self->fw.config;
  const char *arch = self->architecture;
  gboolean gpt2 = g_str_equal (arch, "gpt2");
  g_autofree char *scaling_key = g_strconcat (arch, ".rope.scaling.type", NULL);
  const char *scaling = g_hash_table_lookup (dir->strings, scaling_key);
  Tensor *embd = g_hash_table_lookup (self->tensors, "token_embd.weight");
  guint64 layers = gguf_number (dir, arch, "block_count");
  guint64 hidden = gguf_number (dir, arch, "embedding_length");
  guint64 heads = gguf_number (dir, arch, "attention.head_count");
  guint64 kv = gguf_number (dir, arch, "attention.head_count_kv");
  guint64 head_dim = gguf_number (dir, arch, "attention.key_length");
  guint64 ffn = gguf_number (dir, arch, "feed_forward_length");

  if (!gpt2 && !g_str_equal (arch, "llama") && !g_str_equal (arch, "qwen2"))
    return fail (error, _("%s: architecture '%s' is not supported; the forward pass runs gpt2, "
                          "llama and qwen2 GGUF files"), self->name, arch);
  if (embd == NULL || embd->n_dims != 2)
    return fail (error, _("%s: tensor '%s' is missing (the %s architecture needs it)"),
                 self->name, "token_embd.weight", arch);
  if (kv == 0)
    kv = heads;
  if (head_dim == 0 && heads > 0 && hidden % heads == 0)
    head_dim = hidden / heads;
  if (layers == 0 || layers > 4096 || hidden == 0 || hidden > (1u << 24) || heads == 0 ||
      heads > (1u << 24) || kv > heads || heads % kv != 0 || head_dim == 0 ||
      head_dim > (1u << 24) || ffn == 0 || ffn > (1u << 24) || embd->dims[1] > (1u << 24))
    return fail (error, _("%s: the %s.* metadata does not describe a complete model"),
                 self->name, arch);
  c->arch = gpt2 ? UTH_ARCH_GPT2 : UTH_ARCH_LLAMA;
  c->vocab = (guint32) embd->dims[1];
  c->hidden = (guint32) hidden;
  c->layers = (guint32) layers;
  c->heads = (guint32) heads;
  c->kv_heads = (guint32) kv;
  c->head_dim = (guint32) head_dim;
  c->ffn = (guint32) ffn;
  c->norm_eps = (float) gguf_float (dir, arch, gpt2 ? "attention.layer_norm_epsilon"
                                                    : "attention.layer_norm_rms_epsilon", 1e-5);
  c->rope_theta = gguf_float (dir, arch, "rope.freq_base", 10000.0);
  /* llama.cpp's converter permutes llama's Q and K rows so that pairs turn together. */
  c->rope_style = g_str_equal (arch, "llama") ? UTH_ROPE_INTERLEAVED : UTH_ROPE_HALVES;
  if (scaling != NULL && g_str_equal (scaling, "linear"))
    {
      c->rope_scaling = UTH_ROPE_SCALING_LINEAR;
      c->rope_factor = gguf_float (dir, arch, "rope.scaling.factor", 0.0);
      if (!(c->rope_factor > 0.0))
        return fail (error, _("%s: %s.rope.scaling.factor: missing or not above 0"), self->name,
                     arch);
    }
  else if (scaling != NULL && !g_str_equal (scaling, "none"))
    return fail (error, _("%s: RoPE scaling '%s' is not supported (this app applies 'linear', "
                          "and Llama 3.1's factors as rope_freqs.weight)"), self->name, scaling);
  self->max_context = gguf_number (dir, arch, "context_length");
  if (gpt2)
    {
      Tensor *pos = g_hash_table_lookup (self->tensors, "position_embd.weight");
      c->max_positions = pos != NULL && pos->n_dims == 2 && pos->dims[1] <= G_MAXUINT32
                         ? (guint32) pos->dims[1] : 0;
      self->max_context = c->max_positions;
    }
  return TRUE;
}

static gboolean
map_gguf (UthModelWeights *self,
          GError         **error)
{
  UthForwardWeights *w = &self->fw;
  const UthForwardConfig *c = &w->config;
  gboolean gpt2 = c->arch == UTH_ARCH_GPT2;
  guint32 h = c->hidden, qd = c->heads * c->head_dim, kvd = c->kv_heads * c->head_dim;

  if (!view (self, "token_embd.weight", TRUE, c->vocab, h, FALSE, &w->token_embedding, error) ||
      !view (self, "output_norm.weight", TRUE, 1, h, FALSE, &w->final_norm, error) ||
      !view (self, "output_norm.bias", gpt2, 1, h, FALSE, &w->final_norm_bias, error) ||
      !view (self, "output.weight", FALSE, c->vocab, h, FALSE, &w->lm_head, error) ||
      !view (self, "rope_freqs.weight", FALSE, 1, c->head_dim / 2, FALSE, &w->rope_factors, error) ||
      (gpt2 && !view (self, "position_embd.weight", TRUE, c->max_positions, h, FALSE,
                      &w->position_embedding, error)))
    return FALSE;
  for (guint32 i = 0; i < c->layers; i++)
    {
      UthForwardLayer *L = &w->layers[i];
      struct { const char *name; UthTensorView *v; gboolean required; guint32 rows, cols; } s[] = {
        { "attn_norm.weight", &L->attn_norm, TRUE, 1, h },
        { "attn_norm.bias", &L->attn_norm_bias, gpt2, 1, h },
        { "ffn_norm.weight", &L->mlp_norm, TRUE, 1, h },
        { "ffn_norm.bias", &L->mlp_norm_bias, gpt2, 1, h },
        { "attn_qkv.weight", &L->qkv, gpt2, 3 * qd, h },
        { "attn_qkv.bias", &L->qkv_bias, gpt2, 1, 3 * qd },
        { "attn_q.weight", &L->q, !gpt2, qd, h },
        { "attn_k.weight", &L->k, !gpt2, kvd, h },
        { "attn_v.weight", &L->v, !gpt2, kvd, h },
        { "attn_q.bias", &L->q_bias, FALSE, 1, qd },
        { "attn_k.bias", &L->k_bias, FALSE, 1, kvd },
        { "attn_v.bias", &L->v_bias, FALSE, 1, kvd },
        { "attn_output.weight", &L->o, TRUE, h, qd },
        { "attn_output.bias", &L->o_bias, gpt2, 1, h },
        { "ffn_gate.weight", &L->gate, !gpt2, c->ffn, h },
        { "ffn_up.weight", &L->up, TRUE, c->ffn, h },
        { "ffn_up.bias", &L->up_bias, gpt2, 1, c->ffn },
        { "ffn_down.weight", &L->down, TRUE, h, c->ffn },
        { "ffn_down.bias", &L->down_bias, gpt2, 1, h },
      };

      for (guint j = 0; j < G_N_ELEMENTS (s); j++)
        {
          g_autofree char *name = g_strdup_printf ("blk.%u.%s", i, s[j].name);

          if ((gpt2 && (s[j].v == &L->q || s[j].v == &L->k || s[j].v == &L->v || s[j].v == &L->gate)) ||
              (!gpt2 && (s[j].v == &L->qkv || s[j].v == &L->qkv_bias)))
            continue;
          if (!view (self, name, s[j].required, s[j].rows, s[j].cols, FALSE, s[j].v, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
open_gguf (UthModelWeights *self,
           GFile           *file,
           GError         **error)
{
  g_autoptr(UthModelFile) info = uth_model_file_new (UTH_MODEL_FILE_GGUF, self->name);
  UthGgufDirectory dir;
  GMappedFile *mapped = NULL;
  guint64 size = 0;
  g_autoptr(GInputStream) stream = uth_model_file_open (file, self->name, &size, error);
  g_autoptr(GInputStream) buffered = NULL;
  GError *local_error = NULL;
  gboolean ok = FALSE;
  const guint8 *base;

  if (stream == NULL)
    return FALSE;
  if (!G_IS_UNIX_INPUT_STREAM (stream))
    return fail (error, _("%s: not a local file; the weights must be on this computer to be "
                          "mapped"), self->name);
  uth_gguf_directory_init (&dir);
  buffered = g_buffered_input_stream_new_sized (stream, 256 * 1024);
  if (!uth_gguf_read_stream_directory (buffered, size, info, &dir, error))
    goto out;
  mapped = g_mapped_file_new_from_fd (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (stream)),
                                      FALSE, &local_error);
  if (mapped == NULL)
    {
      fail (error, _("%s: cannot be mapped: %s"), self->name, local_error->message);
      g_error_free (local_error);
      goto out;
    }
  g_ptr_array_add (self->maps, mapped);
  if ((guint64) g_mapped_file_get_length (mapped) != size)
    {
      fail (error, _("%s: changed while it was read"), self->name);
      goto out;
    }
  base = (const guint8 *) g_mapped_file_get_contents (mapped);
  for (guint i = 0; i < dir.tensors->len; i++)
    {
      UthGgufTensorInfo *t = &g_array_index (dir.tensors, UthGgufTensorInfo, i);
      Tensor *tensor = g_new0 (Tensor, 1);

      tensor->dtype = g_strdup (uth_gguf_type_name (t->type));
      tensor->supported = gguf_type (t->type, &tensor->type);
      tensor->n_dims = t->n_dims;
      memcpy (tensor->dims, t->dims, sizeof t->dims);
      tensor->data = base + t->offset;
      tensor->gguf = TRUE;
      g_hash_table_insert (self->tensors, g_strdup (t->name), tensor);
    }
  self->architecture = g_strdup (info->architecture != NULL ? info->architecture : "?");
  self->bytes = size;
  self->params = info->params;
  ok = read_gguf_config (self, &dir, error);
out:
  uth_gguf_directory_clear (&dir);
  return ok;
}

/* ---- opening ------------------------------------------------------------------------- */

static gboolean
open_safetensors (UthModelWeights *self,
                  GFile           *folder,
                  GFile           *single,
                  GError         **error)
{
  g_autoptr(GFile) config = g_file_get_child (folder, "config.json");
  g_autoptr(GFile) index = g_file_get_child (folder, "model.safetensors.index.json");
  g_autoptr(GFile) model = single != NULL ? g_object_ref (single)
                                          : g_file_get_child (folder, "model.safetensors");

  if (!g_file_query_exists (config, NULL))
    return fail (error, _("%s: no config.json beside the weights"), self->name);
  if (!read_hf_config (self, config, error))
    return FALSE;
  if (single == NULL && g_file_query_exists (index, NULL))
    {
      g_autofree char *iname = g_file_get_parse_name (index);
      g_autoptr(GBytes) bytes = uth_safe_load_file (index, UTH_MODEL_FILE_MAX_JSON_BYTES, error);
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(UthModelFile) info = uth_model_file_new (UTH_MODEL_FILE_SAFETENSORS_INDEX, iname);
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      JsonObject *map;
      g_autoptr(GList) members = NULL;

      if (bytes == NULL ||
          (root = uth_safe_json_parse (bytes, iname, UTH_MODEL_FILE_MAX_JSON_BYTES,
                                       UTH_JSON_MAX_DEPTH, error)) == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_OBJECT (root) ||
          !uth_safetensors_index_detect (json_node_get_object (root)))
        return fail (error, _("%s: not a safetensors index (no weight_map)"), iname);
      /* The index's own checks (plain shard names next to it), without reading shards. */
      if (!uth_safetensors_index_read (json_node_get_object (root), NULL, info, error))
        return FALSE;
      map = json_object_get_object_member (json_node_get_object (root), "weight_map");
      members = json_object_get_members (map);
      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *shard = json_object_get_string_member (map, l->data);
          g_autoptr(GFile) file = NULL;

          if (!g_hash_table_add (seen, (gpointer) shard))
            continue;
          file = g_file_get_child (folder, shard);
          if (!add_safetensors (self, file, error))
            return FALSE;
        }
      return TRUE;
    }
  if (!g_file_query_exists (model, NULL))
    return fail (error, _("%s: no model.safetensors or model.safetensors.index.json"),
                 self->name);
  return add_safetensors (self, model, error);
}

static guint64
physical_memory (void)
{
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
  long pages = sysconf (_SC_PHYS_PAGES), page = sysconf (_SC_PAGESIZE);

  if (pages > 0 && page > 0)
    return (guint64) pages * (guint64) page;
#endif
  return 0;
}

static void
find_dtype (UthModelWeights *self)
{
  g_autoptr(GHashTable) bytes = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;
  guint64 best = 0;

  g_hash_table_iter_init (&iter, self->tensors);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Tensor *t = value;
      guint64 n = GPOINTER_TO_SIZE (g_hash_table_lookup (bytes, t->dtype)) + 1;
      g_hash_table_insert (bytes, t->dtype, GSIZE_TO_POINTER (n));
      if (n > best)
        {
          best = n;
          g_free (self->dtype);
          self->dtype = g_strdup (t->dtype);
        }
    }
}

UthModelWeights *
uth_model_weights_open (GFile   *file,
                        GError **error)
{
  g_autoptr(UthModelWeights) self = g_new0 (UthModelWeights, 1);
  g_autofree char *base = g_file_get_basename (file);
  const UthForwardConfig *c;
  GFileType type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL);
  guint64 ram;
  gboolean ok;
  int layer;
  const char *what;
  UthForwardStatus status;

  self->name = g_file_get_parse_name (file);
  self->maps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_mapped_file_unref);
  self->resources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, tensor_free);
  if (type == G_FILE_TYPE_DIRECTORY)
    {
      self->folder = g_object_ref (file);
      ok = open_safetensors (self, file, NULL, error);
    }
  else if (type == G_FILE_TYPE_UNKNOWN)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO, _("%s: no such file or folder"),
                   self->name);
      return NULL;
    }
  else
    {
      self->folder = g_file_get_parent (file);
      if (g_str_has_suffix (base, ".gguf"))
        ok = open_gguf (self, file, error);
      else if (g_str_has_suffix (base, ".safetensors"))
        ok = open_safetensors (self, self->folder, file, error);
      else
        ok = fail (error, _("%s: not a model folder, .safetensors or .gguf"), self->name);
    }
  if (!ok)
    return NULL;

  c = &self->fw.config;
  self->fw.layers = g_new0 (UthForwardLayer, c->layers);
  if (g_hash_table_contains (self->tensors, "token_embd.weight"))
    ok = map_gguf (self, error);
  else if (c->arch == UTH_ARCH_GPT2)
    ok = map_hf_gpt2 (self, error);
  else
    ok = map_hf_llama (self, error);
  if (!ok)
    return NULL;
  status = uth_forward_weights_check (&self->fw, &layer, &what);
  if (status != UTH_FORWARD_OK)
    {
      /* The names were checked above; what is left is the config or a Q8_0 layout. */
      if (status == UTH_FORWARD_BAD_CONFIG)
        fail (error, _("%s: the configuration is inconsistent (heads, key-value heads, head "
                       "size or norm epsilon)"), self->name);
      else
        fail (error, _("%s: the forward pass cannot use the weights '%s' of layer %d"),
              self->name, what != NULL ? what : "?", layer);
      return NULL;
    }
  ram = physical_memory ();
  if (ram > 0 && self->bytes > ram)
    {
      g_autofree char *need = g_format_size (self->bytes);
      g_autofree char *have = g_format_size (ram);

      fail (error, _("%s: the weights take %s, more than this computer's memory (%s)"),
            self->name, need, have);
      return NULL;
    }
  find_dtype (self);
  return g_steal_pointer (&self);
}

const UthForwardWeights *
uth_model_weights_get_forward (UthModelWeights *self)
{
  return &self->fw;
}

const char *
uth_model_weights_get_architecture (UthModelWeights *self)
{
  return self->architecture;
}

GFile *
uth_model_weights_get_folder (UthModelWeights *self)
{
  return self->folder;
}

guint64
uth_model_weights_get_max_context (UthModelWeights *self)
{
  return self->max_context;
}

guint64
uth_model_weights_get_params (UthModelWeights *self)
{
  return self->params;
}

guint64
uth_model_weights_get_bytes (UthModelWeights *self)
{
  return self->bytes;
}

const char *
uth_model_weights_get_dtype (UthModelWeights *self)
{
  return self->dtype != NULL ? self->dtype : "?";
}
