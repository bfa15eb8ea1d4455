/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A forward pass of a decoder-only transformer on the CPU, for real weights: GPT-2
 * (LayerNorm, learned positions, GELU tanh, fused QKV Conv1D, tied embeddings) and the
 * Llama family (RMSNorm, RoPE with θ and "linear" or "llama3" scaling, grouped-query
 * attention, SwiGLU, optional QKV bias as in Qwen2, optional tied embeddings): Llama,
 * Mistral, Qwen2, SmolLM, TinyLlama.
 *
 * The core never reads a file: the caller hands it views of the weights (pointer, type,
 * shape), usually into a memory-mapped file. Types f32, f16, bf16 and GGUF's Q8_0 are
 * converted a row at a time inside the matrix products; no tensor is ever expanded whole.
 * Decoding is incremental: keys and values of past tokens stay in a cache. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum
{
  UTH_WEIGHT_F32,
  UTH_WEIGHT_F16,
  UTH_WEIGHT_BF16,
  UTH_WEIGHT_Q8_0,   /* GGUF: blocks of 32 values, an f16 scale then 32 int8 (34 bytes) */
} UthWeightType;

/* A matrix of rows × cols, row-major (a vector is 1 × n). A transposed view holds the
 * matrix's transpose in memory (cols rows of rows values each): GPT-2's Conv1D weights are
 * stored [in, out] and are used as an out × in matrix through such a view. Q8_0 views are
 * never transposed (the blocks run along a row). data NULL: the tensor is absent. */
typedef struct
{
  const void    *data;
  UthWeightType  type;
  uint32_t       rows;
  uint32_t       cols;
  bool           transposed;
} UthTensorView;

typedef enum
{
  UTH_ARCH_GPT2,
  UTH_ARCH_LLAMA,
} UthForwardArch;

typedef enum
{
  UTH_ROPE_SCALING_NONE,
  UTH_ROPE_SCALING_LINEAR,   /* positions divided by factor */
  UTH_ROPE_SCALING_LLAMA3,   /* Llama 3.1: low frequencies divided by factor, a smooth band */
} UthRopeScaling;

typedef enum
{
  UTH_ROPE_HALVES,        /* Hugging Face: dimension i turns with i + head_dim / 2 */
  UTH_ROPE_INTERLEAVED,   /* GGUF llama (its Q and K rows are permuted): 2i with 2i + 1 */
} UthRopeStyle;

typedef struct
{
  UthForwardArch arch;
  uint32_t       vocab;
  uint32_t       hidden;
  uint32_t       layers;
  uint32_t       heads;
  uint32_t       kv_heads;        /* divides heads */
  uint32_t       head_dim;        /* even for RoPE */
  uint32_t       ffn;
  uint32_t       max_positions;   /* GPT-2: rows of the position table; 0 = no limit */
  float          norm_eps;
  /* Llama family. */
  double         rope_theta;
  UthRopeStyle   rope_style;
  UthRopeScaling rope_scaling;
  double         rope_factor;
  double         rope_low_freq_factor;          /* llama3 */
  double         rope_high_freq_factor;         /* llama3 */
  double         rope_original_max_positions;   /* llama3 */
} UthForwardConfig;

/* One layer's weights. GPT-2 uses qkv (fused, out 3 × hidden), o, up (c_fc), down
 * (c_proj) and the norms with their biases; Llama uses q, k, v (biases optional), o,
 * gate, up, down and the norms' weights. Matrices are out × in. */
typedef struct
{
  UthTensorView attn_norm, attn_norm_bias;
  UthTensorView qkv, qkv_bias;
  UthTensorView q, k, v, q_bias, k_bias, v_bias;
  UthTensorView o, o_bias;
  UthTensorView mlp_norm, mlp_norm_bias;
  UthTensorView gate, up, up_bias, down, down_bias;
} UthForwardLayer;

typedef struct
{
  UthForwardConfig  config;
  UthTensorView     token_embedding;      /* vocab × hidden */
  UthTensorView     position_embedding;   /* GPT-2: max_positions × hidden */
  UthForwardLayer  *layers;               /* config.layers of them */
  UthTensorView     final_norm, final_norm_bias;
  UthTensorView     lm_head;              /* vocab × hidden; absent: tied to token_embedding */
  UthTensorView     rope_factors;         /* optional 1 × head_dim/2 (GGUF rope_freqs.weight of
                                           * Llama 3.1): each frequency is divided by its factor */
} UthForwardWeights;

typedef enum
{
  UTH_FORWARD_OK,
  UTH_FORWARD_BAD_CONFIG,      /* a size is 0, heads do not divide, head_dim odd for RoPE */
  UTH_FORWARD_MISSING_TENSOR,
  UTH_FORWARD_BAD_SHAPE,
  UTH_FORWARD_BAD_TYPE,        /* a transposed Q8_0 view, or a Q8_0 row not a multiple of 32 */
  UTH_FORWARD_BAD_TOKEN,       /* a token id not below vocab */
  UTH_FORWARD_CONTEXT_FULL,    /* more tokens than the cache (or GPT-2's position table) holds */
  UTH_FORWARD_NO_MEMORY,
} UthForwardStatus;

/* Checks the config and every view's presence, type and shape; on failure *layer is the
 * layer at fault (-1 outside the layers) and *what the role ("q", "token_embedding"). */
UthForwardStatus uth_forward_weights_check (const UthForwardWeights *weights,
                                            int                     *layer,
                                            const char             **what);

/* What a pass may record for the pages, chosen by flags (nothing is recorded, and nothing
 * slows generation, when flags is 0). Arrays are allocated by the pass, for the n tokens
 * of the call, starting at position first (the tokens already in the cache):
 *   embeddings      n × hidden: the token embedding rows
 *   positions       GPT-2: n × hidden learned position vectors;
 *                   RoPE: n × head_dim/2 rotation angles (radians) of each pair
 *   attention       layers × heads × n × (first + n): row t is token first + t's weights
 *                   over positions 0 … first + t (later positions hold 0)
 *   residual_norms  (layers + 1) × n: the residual stream's L2 norm after the embedding
 *                   (row 0) and after each layer
 *   logits          n × vocab, every position's (the pass always keeps the last one's)
 *   scores          layers × heads × n × (first + n): the attention scores q·k / √head_dim
 *                   before the softmax (later positions hold 0)
 *   q, k, v, heads  layers × heads × n × head_dim (flag UTH_TRACE_VECTORS): each head's
 *                   query and key after the rotary positions, its value (a query head's
 *                   shared key-value head under grouped-query attention) and its output,
 *                   the weighted sum of values, before the output projection */
enum
{
  UTH_TRACE_EMBEDDINGS     = 1 << 0,
  UTH_TRACE_POSITIONS      = 1 << 1,
  UTH_TRACE_ATTENTION      = 1 << 2,
  UTH_TRACE_RESIDUAL_NORMS = 1 << 3,
  UTH_TRACE_LOGITS         = 1 << 4,
  UTH_TRACE_SCORES         = 1 << 5,
  UTH_TRACE_VECTORS        = 1 << 6,
};

typedef struct
{
  unsigned  flags;
  uint32_t  n_tokens;        /* of the last pass */
  uint32_t  first;           /* its first position */
  uint32_t  n_angles;        /* per token in positions, for RoPE: head_dim / 2 */
  float    *embeddings;
  float    *positions;
  float    *attention;
  float    *residual_norms;
  float    *logits;
  float    *scores;
  float    *q;
  float    *k;
  float    *v;
  float    *heads;
} UthForwardTrace;

/* Frees the arrays (flags stay). */
void uth_forward_trace_clear (UthForwardTrace *trace);

typedef struct _UthForward UthForward;

/* A pass over weights (which must outlive it and pass uth_forward_weights_check) with a
 * cache of max_tokens positions. NULL when out of memory. */
UthForward       *uth_forward_new      (const UthForwardWeights *weights,
                                        uint32_t                 max_tokens);
void              uth_forward_free     (UthForward *self);
/* Forgets the cached tokens. */
void              uth_forward_reset    (UthForward *self);
/* Keeps the first n cached tokens (all when n ≥ uth_forward_n_past): an edit at the end of
 * a text reruns only what follows the change. The logits stay those of the last eval. */
void              uth_forward_truncate (UthForward *self,
                                        uint32_t    n);
uint32_t          uth_forward_n_past   (const UthForward *self);
/* Runs n tokens after those cached; trace may be NULL. The last token's logits are then at
 * uth_forward_logits. On error nothing is added to the cache. */
UthForwardStatus  uth_forward_eval     (UthForward              *self,
                                        const uint32_t          *tokens,
                                        uint32_t                 n,
                                        UthForwardTrace         *trace);
const float      *uth_forward_logits   (const UthForward *self);

/* RoPE frequencies of a config (radians per position, head_dim / 2 of them). */
void              uth_forward_rope_frequencies (const UthForwardConfig *config,
                                                double                  *out);

/* Elementwise conversions, exposed for tests. */
float             uth_half_to_float    (uint16_t h);
float             uth_bfloat_to_float  (uint16_t b);
/* One row of a view as floats (out holds cols values). */
void              uth_tensor_view_row  (const UthTensorView *view,
                                        uint32_t             row,
                                        float               *out);
