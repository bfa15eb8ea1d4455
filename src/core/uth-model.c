/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parameter counts and KV-cache sizes of a decoder-only transformer.
 *
 * Every count follows the layout of the Hugging Face reference implementations
 * (LlamaForCausalLM, MixtralForCausalLM, GPT2LMHeadModel, DeepseekV3ForCausalLM):
 * the parameter tensors are listed in the comments next to the arithmetic. */
#include "uth-model.h"

#include <stddef.h>

#define UTH_MODEL_MAX_DIM    (1u << 24)
#define UTH_MODEL_MAX_LAYERS 4096u

/* Counts are exact: each dimension fits in 24 bits, but their products need not fit in 64
 * (hidden 2^24 times 2^48 query widths is 2^72), so the arithmetic saturates at UINT64_MAX
 * and uth_model_validate refuses counts above UTH_MODEL_MAX_PARAMS. */
static uint64_t
sat_add (uint64_t a,
         uint64_t b)
{
  uint64_t r;

  return __builtin_add_overflow (a, b, &r) ? UINT64_MAX : r;
}

static uint64_t
sat_mul (uint64_t a,
         uint64_t b)
{
  uint64_t r;

  return __builtin_mul_overflow (a, b, &r) ? UINT64_MAX : r;
}

static uint64_t
sat_mul3 (uint64_t a,
          uint64_t b,
          uint64_t c)
{
  return sat_mul (sat_mul (a, b), c);
}

static uint64_t count_params_unchecked (const UthModel *model,
                                        bool            active);

static bool
is_moe (const UthModel *model)
{
  return model->experts > 0;
}

static bool
too_large (const UthModel *model)
{
  const uint32_t dims[] = {
    model->hidden, model->heads, model->kv_heads, model->head_dim, model->ffn, model->vocab,
    model->learned_positions, model->experts, model->active_experts, model->shared_experts,
    model->expert_ffn, model->q_lora_rank, model->kv_lora_rank, model->qk_rope_dim,
    model->qk_nope_dim, model->v_head_dim, model->norms_per_layer,
  };
  size_t i;

  for (i = 0; i < sizeof dims / sizeof dims[0]; i++)
    if (dims[i] > UTH_MODEL_MAX_DIM)
      return true;
  return model->layers > UTH_MODEL_MAX_LAYERS ||
         model->sliding_window > UTH_MODEL_MAX_DIM * 64u ||
         model->max_context > ((uint64_t) 1 << 40);
}

UthModelError
uth_model_validate (const UthModel *model)
{
  if (model == NULL)
    return UTH_MODEL_ZERO_FIELD;
  if (too_large (model))
    return UTH_MODEL_TOO_LARGE;

  if (model->hidden == 0 || model->layers == 0 || model->heads == 0 || model->vocab == 0)
    return UTH_MODEL_ZERO_FIELD;
  /* A pure MoE model may have no dense MLP at all (ffn 0), but then every layer is MoE. */
  if (model->ffn == 0 && (!is_moe (model) || model->dense_layers > 0))
    return UTH_MODEL_ZERO_FIELD;

  if (model->attention == UTH_ATTN_MLA)
    {
      if (model->kv_lora_rank == 0 || model->qk_rope_dim == 0 ||
          model->qk_nope_dim == 0 || model->v_head_dim == 0)
        return UTH_MODEL_BAD_MLA;
    }
  else
    {
      if (model->head_dim == 0)
        return UTH_MODEL_ZERO_FIELD;
      if (model->kv_heads == 0 || model->kv_heads > model->heads ||
          model->heads % model->kv_heads != 0)
        return UTH_MODEL_BAD_KV_HEADS;
    }

  if (is_moe (model))
    {
      if (model->active_experts == 0 || model->active_experts > model->experts ||
          model->expert_ffn == 0 || model->dense_layers > model->layers)
        return UTH_MODEL_BAD_MOE;
    }
  else if (model->active_experts > 0 || model->shared_experts > 0)
    return UTH_MODEL_BAD_MOE;

  if (model->sliding_layers > model->layers)
    return UTH_MODEL_ZERO_FIELD;

  /* Every dimension within its limit is not enough: their products are the counts. */
  if (count_params_unchecked (model, false) > UTH_MODEL_MAX_PARAMS)
    return UTH_MODEL_TOO_MANY_PARAMS;

  return UTH_MODEL_OK;
}

UthAttnKind
uth_model_attention_kind (const UthModel *model)
{
  if (model->attention == UTH_ATTN_MLA)
    return UTH_ATTN_MLA;
  if (model->kv_heads == model->heads)
    return UTH_ATTN_MHA;
  if (model->kv_heads == 1)
    return UTH_ATTN_MQA;
  return UTH_ATTN_GQA;
}

bool
uth_model_layer_is_moe (const UthModel *model,
                        uint32_t        layer)
{
  return is_moe (model) && layer >= model->dense_layers;
}

bool
uth_model_layer_is_sliding (const UthModel *model,
                            uint32_t        layer)
{
  uint64_t s = model->sliding_layers;
  uint64_t n = model->layers;

  if (model->sliding_window == 0 || s == 0 || layer >= n)
    return false;
  /* Spread the sliding layers evenly, starting with layer 0: with half of the layers
   * sliding this gives the even layers, as in Gemma 2 (local, global, local, ...). */
  return ((layer + 1) * s + n - 1) / n > (layer * s + n - 1) / n;
}

static uint64_t
norm_params (const UthModel *model,
             uint64_t        width)
{
  return model->norm == UTH_NORM_LAYER ? sat_mul (2, width) : width;
}

static uint64_t
attention_params (const UthModel *model)
{
  uint64_t d = model->hidden;
  uint64_t p = 0;

  if (model->attention == UTH_ATTN_MLA)
    {
      uint64_t h = model->heads;
      uint64_t qk = (uint64_t) model->qk_nope_dim + model->qk_rope_dim;

      if (model->q_lora_rank > 0)
        {
          p = sat_add (p, sat_mul (d, model->q_lora_rank));              /* q_a_proj */
          p = sat_add (p, norm_params (model, model->q_lora_rank));      /* q_a_layernorm */
          p = sat_add (p, sat_mul3 (model->q_lora_rank, h, qk));         /* q_b_proj */
        }
      else
        p = sat_add (p, sat_mul3 (d, h, qk));                            /* q_proj */
      p = sat_add (p, sat_mul (d, (uint64_t) model->kv_lora_rank +
                                  model->qk_rope_dim));                  /* kv_a_proj_with_mqa */
      p = sat_add (p, norm_params (model, model->kv_lora_rank));         /* kv_a_layernorm */
      p = sat_add (p, sat_mul3 (model->kv_lora_rank, h,
                                (uint64_t) model->qk_nope_dim + model->v_head_dim)); /* kv_b_proj */
      p = sat_add (p, sat_mul3 (h, model->v_head_dim, d));               /* o_proj */
      return p;
    }

  {
    uint64_t q = (uint64_t) model->heads * model->head_dim;      /* below 2^48 */
    uint64_t kv = (uint64_t) model->kv_heads * model->head_dim;

    p = sat_add (sat_mul (2, sat_mul (d, q)), sat_mul3 (2, d, kv)); /* q and o, k and v */
    if (model->qkv_bias)
      p = sat_add (p, q + 2 * kv);
    if (model->out_bias)
      p = sat_add (p, d);
  }
  return p;
}

/* One MLP of intermediate size f, with its biases. */
static uint64_t
mlp_params (const UthModel *model,
            uint64_t        f)
{
  uint64_t d = model->hidden;
  uint64_t p;

  if (model->gated_mlp)
    {
      p = sat_mul3 (3, d, f);                                   /* gate, up, down */
      if (model->mlp_bias)
        p = sat_add (p, 2 * f + d);
    }
  else
    {
      p = sat_mul3 (2, d, f);                                   /* up (c_fc), down (c_proj) */
      if (model->mlp_bias)
        p = sat_add (p, f + d);
    }
  return p;
}

static uint64_t
router_params (const UthModel *model)
{
  uint64_t p = (uint64_t) model->hidden * model->experts;

  if (model->router_bias)
    p += model->experts;                                    /* e_score_correction_bias */
  return p;
}

/* The counts without validation (the structure was checked), saturating at UINT64_MAX. */
static UthLayerParams
layer_params_unchecked (const UthModel *model,
                        uint32_t        layer)
{
  UthLayerParams lp = { 0, 0, 0, 0 };

  lp.attention = attention_params (model);
  lp.norms = sat_mul (model->norms_per_layer, norm_params (model, model->hidden));
  if (uth_model_layer_is_moe (model, layer))
    {
      uint64_t expert = mlp_params (model, model->expert_ffn);
      uint64_t shared = sat_mul (model->shared_experts, expert);

      lp.mlp = sat_add (sat_add (sat_mul (model->experts, expert), shared), router_params (model));
      lp.mlp_active = sat_add (sat_add (sat_mul (model->active_experts, expert), shared),
                               router_params (model));
    }
  else
    {
      lp.mlp = mlp_params (model, model->ffn);
      lp.mlp_active = lp.mlp;
    }
  return lp;
}

UthLayerParams
uth_model_layer_params (const UthModel *model,
                        uint32_t        layer)
{
  UthLayerParams lp = { 0, 0, 0, 0 };

  if (uth_model_validate (model) != UTH_MODEL_OK || layer >= model->layers)
    return lp;
  return layer_params_unchecked (model, layer);
}

uint64_t
uth_model_embedding_params (const UthModel *model)
{
  if (uth_model_validate (model) != UTH_MODEL_OK)
    return 0;
  return ((uint64_t) model->vocab + model->learned_positions) * model->hidden;
}

uint64_t
uth_model_lm_head_params (const UthModel *model)
{
  if (uth_model_validate (model) != UTH_MODEL_OK || model->tied_embeddings)
    return 0;
  return (uint64_t) model->vocab * model->hidden;
}

uint64_t
uth_model_final_norm_params (const UthModel *model)
{
  if (uth_model_validate (model) != UTH_MODEL_OK)
    return 0;
  return norm_params (model, model->hidden);
}

static uint64_t
count_params_unchecked (const UthModel *model,
                        bool            active)
{
  uint64_t total;
  UthLayerParams dense, moe;
  uint64_t n_moe;

  /* Embedding (+ positions), lm-head unless tied, final norm: each below 2^50. */
  total = ((uint64_t) model->vocab + model->learned_positions) * model->hidden +
          (model->tied_embeddings ? 0 : (uint64_t) model->vocab * model->hidden) +
          norm_params (model, model->hidden);
  /* Layers come in at most two kinds (dense and MoE); count each kind once. */
  n_moe = is_moe (model) ? model->layers - model->dense_layers : 0;
  if (n_moe > 0)
    {
      moe = layer_params_unchecked (model, model->layers - 1);
      total = sat_add (total, sat_mul (n_moe, sat_add (sat_add (moe.attention, moe.norms),
                                                       active ? moe.mlp_active : moe.mlp)));
    }
  if (n_moe < model->layers)
    {
      dense = layer_params_unchecked (model, 0);
      total = sat_add (total, sat_mul (model->layers - n_moe,
                                       sat_add (sat_add (dense.attention, dense.norms), dense.mlp)));
    }
  return total;
}

static uint64_t
count_params (const UthModel *model,
              bool            active)
{
  if (uth_model_validate (model) != UTH_MODEL_OK)
    return 0;
  return count_params_unchecked (model, active);
}

uint64_t
uth_model_params (const UthModel *model)
{
  return count_params (model, false);
}

uint64_t
uth_model_active_params (const UthModel *model)
{
  return count_params (model, true);
}

uint64_t
uth_model_kv_elements_per_token_layer (const UthModel *model)
{
  if (uth_model_validate (model) != UTH_MODEL_OK)
    return 0;
  if (model->attention == UTH_ATTN_MLA)
    return (uint64_t) model->kv_lora_rank + model->qk_rope_dim;   /* latent + rope key */
  return 2 * (uint64_t) model->kv_heads * model->head_dim;        /* K and V */
}

uint64_t
uth_model_kv_elements_per_token (const UthModel *model)
{
  return uth_model_kv_elements_per_token_layer (model) * (uint64_t) model->layers;
}

double
uth_model_kv_bytes_per_token (const UthModel *model,
                              double          bytes_per_element)
{
  return (double) uth_model_kv_elements_per_token (model) * bytes_per_element;
}

double
uth_model_kv_bytes_at_context (const UthModel *model,
                               double          bytes_per_element,
                               uint64_t        context)
{
  double per_layer = (double) uth_model_kv_elements_per_token_layer (model) * bytes_per_element;
  double n_sliding = 0.0;
  double window;
  uint32_t i;

  if (per_layer <= 0.0)
    return 0.0;
  for (i = 0; i < model->layers; i++)
    if (uth_model_layer_is_sliding (model, i))
      n_sliding += 1.0;
  window = (double) model->sliding_window;
  return per_layer * ((model->layers - n_sliding) * (double) context +
                      n_sliding * ((double) context < window ? (double) context : window));
}
