/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The architecture of a decoder-only transformer, and its exact parameter count. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef enum
{
  UTH_ATTN_MHA,   /* kv_heads == heads */
  UTH_ATTN_GQA,   /* 1 < kv_heads < heads */
  UTH_ATTN_MQA,   /* kv_heads == 1 */
  UTH_ATTN_MLA,   /* multi-head latent attention (DeepSeek-V2/V3) */
} UthAttnKind;

typedef enum
{
  UTH_NORM_RMS,    /* weight only */
  UTH_NORM_LAYER,  /* weight and bias */
} UthNormKind;

typedef struct
{
  uint32_t    hidden;           /* d_model */
  uint32_t    layers;
  uint32_t    heads;            /* query heads */
  uint32_t    kv_heads;
  uint32_t    head_dim;         /* explicit; not always hidden / heads */
  uint32_t    ffn;              /* dense MLP intermediate size */
  bool        gated_mlp;        /* SwiGLU/GeGLU: gate, up, down; else up, down */
  uint32_t    vocab;
  bool        tied_embeddings;  /* lm-head shares the embedding matrix */
  uint32_t    learned_positions;/* rows of a learned position table (GPT-2), 0 for RoPE */

  UthNormKind norm;
  uint32_t    norms_per_layer;  /* 2 for most, 4 for Gemma 2 */
  bool        qkv_bias;         /* biases on Q, K, V projections (Qwen2, GPT-2) */
  bool        out_bias;         /* bias on the attention output projection (GPT-2) */
  bool        mlp_bias;         /* biases on the MLP projections (GPT-2) */

  /* Mixture of experts: experts == 0 means a dense model. */
  uint32_t    experts;          /* routed experts per MoE layer */
  uint32_t    active_experts;   /* routed experts each token uses */
  uint32_t    shared_experts;   /* always-on experts (DeepSeek) */
  uint32_t    expert_ffn;       /* intermediate size of one expert */
  uint32_t    dense_layers;     /* leading layers with a dense MLP (DeepSeek-V3: 3) */
  bool        router_bias;      /* per-expert routing bias (DeepSeek-V3) */

  UthAttnKind attention;
  /* MLA only (0 otherwise). */
  uint32_t    q_lora_rank;      /* 0: Q projected directly */
  uint32_t    kv_lora_rank;     /* latent width cached per token */
  uint32_t    qk_rope_dim;      /* decoupled rotary key width, cached per token */
  uint32_t    qk_nope_dim;
  uint32_t    v_head_dim;

  uint32_t    sliding_window;   /* 0: full attention everywhere */
  uint32_t    sliding_layers;   /* how many layers use the window (Gemma 2: every other) */
  uint64_t    max_context;
} UthModel;

typedef enum
{
  UTH_MODEL_OK = 0,
  UTH_MODEL_ZERO_FIELD,         /* hidden, layers, heads, head_dim, vocab or ffn is 0 */
  UTH_MODEL_BAD_KV_HEADS,       /* kv_heads is 0, above heads, or does not divide heads */
  UTH_MODEL_BAD_MOE,            /* active experts above experts, or no expert size */
  UTH_MODEL_BAD_MLA,            /* MLA without its ranks */
  UTH_MODEL_TOO_LARGE,          /* a dimension beyond 2^24, or layers beyond 4096 */
  UTH_MODEL_TOO_MANY_PARAMS,    /* each dimension within limits, but the count is above
                                 * UTH_MODEL_MAX_PARAMS */
} UthModelError;

/* 2^53 (9.0e15, some 4500 times the largest published model): every count below it is
 * exact in a double, and its bytes at 8 per parameter fit in 64 bits. */
#define UTH_MODEL_MAX_PARAMS ((uint64_t) 1 << 53)

UthModelError uth_model_validate        (const UthModel *model);
/* The attention variant implied by heads / kv_heads (MLA stays MLA). */
UthAttnKind   uth_model_attention_kind  (const UthModel *model);

/* Exact parameter counts (embedding, lm-head unless tied, every layer, final norm). */
uint64_t      uth_model_params          (const UthModel *model);
/* Parameters a token touches: only its active and shared experts. */
uint64_t      uth_model_active_params   (const UthModel *model);
/* Per-layer breakdown for one layer index (dense and MoE layers differ). */
typedef struct
{
  uint64_t attention;           /* Q, K, V, O (or MLA's projections), their biases and norms */
  uint64_t mlp;                 /* dense MLP or all experts, shared experts and router */
  uint64_t mlp_active;          /* what one token uses of the MLP */
  uint64_t norms;               /* the layer's norms */
} UthLayerParams;
UthLayerParams uth_model_layer_params   (const UthModel *model,
                                         uint32_t        layer);
uint64_t      uth_model_embedding_params (const UthModel *model);  /* token (+ position) tables */
uint64_t      uth_model_lm_head_params  (const UthModel *model);   /* 0 when tied */

/* K and V (or MLA latent + rope key) elements cached per token, all layers. */
uint64_t      uth_model_kv_elements_per_token (const UthModel *model);
/* Bytes of KV cache per token at a given element size. */
double        uth_model_kv_bytes_per_token    (const UthModel *model,
                                               double          bytes_per_element);

/* Whether a layer uses the MoE MLP (every layer after dense_layers of an MoE model). */
bool          uth_model_layer_is_moe          (const UthModel *model,
                                               uint32_t        layer);
/* Whether a layer attends over the sliding window only. The sliding_layers are spread
 * evenly from layer 0 on: all of them when sliding_layers == layers (Mistral 7B v0.1),
 * the even layers when it is half (Gemma 2). */
bool          uth_model_layer_is_sliding      (const UthModel *model,
                                               uint32_t        layer);
/* The final norm's parameters (weight, plus bias for LayerNorm). */
uint64_t      uth_model_final_norm_params     (const UthModel *model);
/* Elements cached per token in one layer: 2 x kv_heads x head_dim, or
 * kv_lora_rank + qk_rope_dim for MLA. */
uint64_t      uth_model_kv_elements_per_token_layer (const UthModel *model);
/* Bytes of KV cache of one sequence holding `context` tokens: sliding-window layers keep
 * at most the window, the others every token. */
double        uth_model_kv_bytes_at_context   (const UthModel *model,
                                               double          bytes_per_element,
                                               uint64_t        context);
