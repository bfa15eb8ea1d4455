/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "uth-catalog.h"
#include "uth-hf-config.h"
#include "uth-safe-json.h"

/* The core's limits (uth_model_validate). */
#define MAX_DIM    (G_GUINT64_CONSTANT (1) << 24)
#define MAX_LAYERS G_GUINT64_CONSTANT (4096)

typedef enum
{
  ARCH_LLAMA,      /* also the reading of unknown architectures */
  ARCH_MISTRAL,
  ARCH_MIXTRAL,
  ARCH_QWEN2,
  ARCH_GEMMA,
  ARCH_GEMMA2,
  ARCH_PHI3,
  ARCH_GPT2,
  ARCH_DEEPSEEK,   /* deepseek_v2 and deepseek_v3: MLA and shared experts */
} Arch;

static const struct
{
  const char *model_type;
  Arch        arch;
} arches[] = {
  { "llama", ARCH_LLAMA },
  { "mistral", ARCH_MISTRAL },
  { "mixtral", ARCH_MIXTRAL },
  { "qwen2", ARCH_QWEN2 },
  { "gemma", ARCH_GEMMA },
  { "gemma2", ARCH_GEMMA2 },
  { "phi3", ARCH_PHI3 },
  { "gpt2", ARCH_GPT2 },
  { "deepseek_v2", ARCH_DEEPSEEK },
  { "deepseek_v3", ARCH_DEEPSEEK },
};

typedef struct
{
  JsonObject *obj;
  const char *file;
} Cfg;

static gboolean
get (const Cfg  *c,
     const char *field,
     guint64     max,
     gboolean    required,
     guint64    *out,
     GError    **error)
{
  gboolean present = FALSE;

  if (!uth_safe_json_get_uint (c->obj, c->file, field, max, out, &present, error))
    return FALSE;
  if (!present && required)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: field '%s': missing (this architecture needs it)"), c->file, field);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get32 (const Cfg  *c,
       const char *field,
       guint64     max,
       gboolean    required,
       uint32_t   *out,
       GError    **error)
{
  guint64 v = *out;

  if (!get (c, field, max, required, &v, error))
    return FALSE;
  *out = (uint32_t) v;
  return TRUE;
}

static gboolean
read_sliding (const Cfg  *c,
              Arch        arch,
              UthModel   *m,
              GError    **error)
{
  guint64 window = 0, max_window_layers = m->layers;

  if (!get (c, "sliding_window", MAX_DIM * 64, FALSE, &window, error))
    return FALSE;
  m->sliding_window = (uint32_t) window;
  if (window == 0)
    return TRUE;

  switch (arch)
    {
    case ARCH_GEMMA2:
      /* Gemma 2 alternates local (sliding) and global layers. */
      m->sliding_layers = m->layers / 2;
      break;
    case ARCH_QWEN2:
      /* Qwen2 slides only when asked, and only in the layers from max_window_layers on. */
      if (!uth_safe_json_get_bool (c->obj, "use_sliding_window", FALSE))
        {
          m->sliding_window = 0;
          break;
        }
      if (!get (c, "max_window_layers", m->layers, FALSE, &max_window_layers, error))
        return FALSE;
      m->sliding_layers = m->layers - (uint32_t) max_window_layers;
      if (m->sliding_layers == 0)
        m->sliding_window = 0;
      break;
    default:
      /* Mistral 7B v0.1, Phi-3: every layer. */
      m->sliding_layers = m->layers;
      break;
    }
  return TRUE;
}

/* The shape rule of every architecture reader: without a head width of its own, the heads
 * split the hidden size evenly (a remainder would be a width no tensor has). */
static gboolean
split_heads (const Cfg   *c,
             const char  *head_dim_field,
             const char  *hidden_field,
             const char  *heads_field,
             UthModel    *m,
             GError     **error)
{
  if (m->heads > 0 && m->hidden % m->heads == 0)
    {
      m->head_dim = m->hidden / m->heads;
      return TRUE;
    }
  if (head_dim_field != NULL)
    g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                 _("%s: field '%s': missing, and %s (%u) is not a multiple of %s (%u)"),
                 c->file, head_dim_field, hidden_field, m->hidden, heads_field, m->heads);
  else
    g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                 _("%s: field '%s': %u is not a multiple of %s (%u)"),
                 c->file, hidden_field, m->hidden, heads_field, m->heads);
  return FALSE;
}

static gboolean
read_llama_like (const Cfg  *c,
                 Arch        arch,
                 UthModel   *m,
                 GError    **error)
{
  guint64 kv = 0;
  gboolean has_kv = FALSE, has_head_dim = FALSE;
  guint64 head_dim = 0;

  if (!get32 (c, "hidden_size", MAX_DIM, TRUE, &m->hidden, error) ||
      !get32 (c, "num_hidden_layers", MAX_LAYERS, TRUE, &m->layers, error) ||
      !get32 (c, "num_attention_heads", MAX_DIM, TRUE, &m->heads, error) ||
      !get32 (c, "intermediate_size", MAX_DIM, TRUE, &m->ffn, error) ||
      !get32 (c, "vocab_size", MAX_DIM, TRUE, &m->vocab, error) ||
      !get (c, "max_position_embeddings", G_GUINT64_CONSTANT (1) << 40, FALSE, &m->max_context, error) ||
      !uth_safe_json_get_uint (c->obj, c->file, "num_key_value_heads", MAX_DIM, &kv, &has_kv, error) ||
      !uth_safe_json_get_uint (c->obj, c->file, "head_dim", MAX_DIM, &head_dim, &has_head_dim, error))
    return FALSE;

  m->kv_heads = has_kv ? (uint32_t) kv : m->heads;
  if (has_head_dim)
    m->head_dim = (uint32_t) head_dim;
  else if (!split_heads (c, "head_dim", "hidden_size", "num_attention_heads", m, error))
    return FALSE;

  m->gated_mlp = true;
  m->norm = UTH_NORM_RMS;
  m->norms_per_layer = arch == ARCH_GEMMA2 ? 4 : 2;
  /* Gemma ties its embeddings by default; the others do not. */
  m->tied_embeddings = uth_safe_json_get_bool (c->obj, "tie_word_embeddings",
                                               arch == ARCH_GEMMA || arch == ARCH_GEMMA2);
  /* Llama's attention_bias puts biases on Q, K, V and O; Qwen2 always has them on Q, K, V. */
  m->qkv_bias = arch == ARCH_QWEN2 || uth_safe_json_get_bool (c->obj, "attention_bias", FALSE);
  m->out_bias = arch != ARCH_QWEN2 && uth_safe_json_get_bool (c->obj, "attention_bias", FALSE);
  m->mlp_bias = uth_safe_json_get_bool (c->obj, "mlp_bias", FALSE);

  if (arch == ARCH_MIXTRAL)
    {
      if (!get32 (c, "num_local_experts", 65536, TRUE, &m->experts, error) ||
          !get32 (c, "num_experts_per_tok", 65536, TRUE, &m->active_experts, error))
        return FALSE;
      m->expert_ffn = m->ffn;
    }
  return read_sliding (c, arch, m, error);
}

static gboolean
read_gpt2 (const Cfg  *c,
           UthModel   *m,
           GError    **error)
{
  guint64 inner = 0, positions = 0;

  if (!get32 (c, "n_embd", MAX_DIM, TRUE, &m->hidden, error) ||
      !get32 (c, "n_layer", MAX_LAYERS, TRUE, &m->layers, error) ||
      !get32 (c, "n_head", MAX_DIM, TRUE, &m->heads, error) ||
      !get32 (c, "vocab_size", MAX_DIM, TRUE, &m->vocab, error) ||
      !get (c, "n_inner", MAX_DIM, FALSE, &inner, error) ||
      !get (c, "n_positions", MAX_DIM, FALSE, &positions, error))
    return FALSE;
  if (positions == 0 && !get (c, "n_ctx", MAX_DIM, FALSE, &positions, error))
    return FALSE;
  if (positions == 0)
    positions = 1024;

  /* n_inner null means 4 x n_embd; every projection has a bias; LayerNorm; a learned
   * position table; the lm-head is the embedding. */
  m->ffn = inner > 0 ? (uint32_t) inner : 4 * m->hidden;
  /* GPT-2 has no head width of its own: n_embd / n_head, which must divide (as in the
   * reference GPT2Attention, which raises otherwise). */
  m->kv_heads = m->heads;
  if (!split_heads (c, NULL, "n_embd", "n_head", m, error))
    return FALSE;
  m->gated_mlp = false;
  m->norm = UTH_NORM_LAYER;
  m->norms_per_layer = 2;
  m->qkv_bias = m->out_bias = m->mlp_bias = true;
  m->learned_positions = (uint32_t) positions;
  m->max_context = positions;
  m->tied_embeddings = uth_safe_json_get_bool (c->obj, "tie_word_embeddings", TRUE);
  return TRUE;
}

static gboolean
read_deepseek (const Cfg  *c,
               UthModel   *m,
               GError    **error)
{
  const char *topk = uth_safe_json_get_string (c->obj, "topk_method");

  if (!get32 (c, "hidden_size", MAX_DIM, TRUE, &m->hidden, error) ||
      !get32 (c, "num_hidden_layers", MAX_LAYERS, TRUE, &m->layers, error) ||
      !get32 (c, "num_attention_heads", MAX_DIM, TRUE, &m->heads, error) ||
      !get32 (c, "intermediate_size", MAX_DIM, TRUE, &m->ffn, error) ||
      !get32 (c, "vocab_size", MAX_DIM, TRUE, &m->vocab, error) ||
      !get (c, "max_position_embeddings", G_GUINT64_CONSTANT (1) << 40, FALSE, &m->max_context, error) ||
      !get32 (c, "n_routed_experts", 65536, TRUE, &m->experts, error) ||
      !get32 (c, "num_experts_per_tok", 65536, TRUE, &m->active_experts, error) ||
      !get32 (c, "n_shared_experts", 65536, FALSE, &m->shared_experts, error) ||
      !get32 (c, "moe_intermediate_size", MAX_DIM, TRUE, &m->expert_ffn, error) ||
      !get32 (c, "first_k_dense_replace", MAX_LAYERS, FALSE, &m->dense_layers, error) ||
      !get32 (c, "q_lora_rank", MAX_DIM, FALSE, &m->q_lora_rank, error) ||
      !get32 (c, "kv_lora_rank", MAX_DIM, TRUE, &m->kv_lora_rank, error) ||
      !get32 (c, "qk_rope_head_dim", MAX_DIM, TRUE, &m->qk_rope_dim, error) ||
      !get32 (c, "qk_nope_head_dim", MAX_DIM, TRUE, &m->qk_nope_dim, error) ||
      !get32 (c, "v_head_dim", MAX_DIM, TRUE, &m->v_head_dim, error))
    return FALSE;

  /* MLA caches one latent per token for all heads; the query/key head is nope + rope wide. */
  m->attention = UTH_ATTN_MLA;
  m->kv_heads = m->heads;
  m->head_dim = m->qk_nope_dim + m->qk_rope_dim;
  m->gated_mlp = true;
  m->norm = UTH_NORM_RMS;
  m->norms_per_layer = 2;
  m->tied_embeddings = uth_safe_json_get_bool (c->obj, "tie_word_embeddings", FALSE);
  /* DeepSeek-V3's auxiliary-loss-free routing keeps a bias per expert. */
  m->router_bias = topk != NULL && g_str_equal (topk, "noaux_tc");
  if (m->dense_layers > m->layers)
    m->dense_layers = m->layers;
  return TRUE;
}

static const char *
validate_reason (UthModelError err)
{
  switch (err)
    {
    case UTH_MODEL_ZERO_FIELD:   return _("a size is zero");
    case UTH_MODEL_BAD_KV_HEADS: return _("num_key_value_heads must divide num_attention_heads");
    case UTH_MODEL_BAD_MOE:      return _("more experts per token than experts, or no expert size");
    case UTH_MODEL_BAD_MLA:      return _("latent attention without its ranks");
    case UTH_MODEL_TOO_LARGE:    return _("a dimension beyond 16777216 or more than 4096 layers");
    case UTH_MODEL_TOO_MANY_PARAMS:
      return _("its parameters number more than 2^53 (9.0e15), the most this app counts");
    case UTH_MODEL_OK:
    default:                     return "";
    }
}

gboolean
uth_hf_config_detect (JsonObject *root)
{
  return root != NULL &&
         (json_object_has_member (root, "model_type") ||
          json_object_has_member (root, "architectures")) &&
         (json_object_has_member (root, "hidden_size") || json_object_has_member (root, "n_embd"));
}

static const char *
model_type_of (JsonObject *root)
{
  const char *type = uth_safe_json_get_string (root, "model_type");
  JsonNode *archs;

  if (type != NULL)
    return type;
  archs = json_object_get_member (root, "architectures");
  if (archs != NULL && JSON_NODE_HOLDS_ARRAY (archs) &&
      json_array_get_length (json_node_get_array (archs)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (archs), 0);
      if (JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_STRING)
        return json_node_get_string (first);
    }
  return NULL;
}

gboolean
uth_hf_config_read (JsonObject    *root,
                    UthModelFile  *out,
                    GError       **error)
{
  Cfg c = { root, out->name };
  const char *type = model_type_of (root);
  const char *dtype;
  Arch arch = ARCH_LLAMA;
  gboolean known = FALSE;
  UthModel *m = &out->spec;
  UthModelError err;
  gboolean ok;

  g_return_val_if_fail (root != NULL && out != NULL, FALSE);

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (arches); i++)
    if (g_str_equal (type, arches[i].model_type))
      {
        arch = arches[i].arch;
        known = TRUE;
      }

  memset (m, 0, sizeof *m);
  if (arch == ARCH_GPT2)
    ok = read_gpt2 (&c, m, error);
  else if (arch == ARCH_DEEPSEEK)
    ok = read_deepseek (&c, m, error);
  else
    ok = read_llama_like (&c, arch, m, error);
  if (!ok)
    return FALSE;

  if (m->attention != UTH_ATTN_MLA)
    m->attention = uth_model_attention_kind (m);
  err = uth_model_validate (m);
  if (err != UTH_MODEL_OK)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: not a model the app can compute with: %s"), out->name,
                   validate_reason (err));
      return FALSE;
    }

  g_free (out->architecture);
  out->architecture = g_strdup (type);
  if (!known)
    uth_model_file_add_note (out, _("Architecture '%s' is not one this app knows; its config "
                                    "was read as a Llama-like model, so the counts may be off."),
                             type != NULL ? type : "?");
  out->has_spec = TRUE;
  out->params = uth_model_params (m);
  out->layers = m->layers;
  out->hidden_size = m->hidden;
  out->heads = m->heads;
  out->kv_heads = m->kv_heads;
  out->head_dim = m->head_dim;
  out->vocab_size = m->vocab;
  dtype = uth_safe_json_get_string (root, "torch_dtype");
  if (dtype == NULL)
    dtype = uth_safe_json_get_string (root, "dtype");
  g_free (out->dtype);
  out->dtype = g_strdup (dtype);
  return TRUE;
}
