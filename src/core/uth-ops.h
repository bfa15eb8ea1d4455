/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The operations of a forward pass, their FLOPs and bytes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uth-dtype.h"
#include "uth-model.h"

typedef enum
{
  UTH_OP_GEMM,
  UTH_OP_ATTN_MATMUL,
  UTH_OP_NORM,
  UTH_OP_ELEMENTWISE,
  UTH_OP_SOFTMAX,
  UTH_OP_EMBEDDING,
  UTH_OP_LM_HEAD,
  UTH_OP_COMM,
  UTH_N_OP_KINDS
} UthOpKind;

/* What the FLOPs-share bar groups by. */
typedef enum
{
  UTH_OP_GROUP_ATTN_PROJ,   /* Q, K, V, O projections */
  UTH_OP_GROUP_ATTN_MATMUL, /* QK^T, softmax, PV */
  UTH_OP_GROUP_MLP,         /* MLP or experts, router */
  UTH_OP_GROUP_OTHER,       /* norms, rotary, residual adds, embedding, lm-head, communication */
  UTH_N_OP_GROUPS
} UthOpGroup;

typedef enum
{
  UTH_PHASE_PREFILL,        /* batch sequences x tokens new tokens, context == tokens */
  UTH_PHASE_DECODE,         /* batch sequences x tokens new tokens, context tokens cached */
} UthPhase;

typedef struct
{
  UthPhase phase;
  uint64_t batch;           /* B sequences */
  uint64_t tokens;          /* new tokens per sequence: S in prefill, T in decode */
  uint64_t context;         /* tokens in each sequence's KV cache, the new ones included */
  UthDtype weights;
  UthDtype kv;
  UthDtype activations;
  bool     flash_attention; /* scores stay on chip */
  uint32_t tensor_parallel; /* GPUs the layer is split over; 1 for none */
} UthWorkload;

typedef struct
{
  const char *id;           /* stable, e.g. "q_proj", "attn_scores", "mlp_down" */
  UthOpKind   kind;
  UthOpGroup  group;
  uint64_t    m, k, n;      /* (m x k) . (k x n) for matmuls; elements in m*n otherwise */
  uint64_t    count;        /* independent instances (heads x batch for attention matmuls) */
  double      repeat;       /* how many times the op runs in the pass (layers), >= 1 */
  double      flops;        /* one instance set (count included), not x repeat */
  double      weight_bytes;
  double      act_read_bytes;
  double      act_write_bytes;
  double      kv_read_bytes;
  double      kv_write_bytes;
  /* Added for the efficiency model and the layer page. */
  double      comm_bytes;     /* bytes each GPU sends over the interconnect (UTH_OP_COMM) */
  double      kernels;        /* kernel launches of the op as listed (0: fused into another) */
  double      layer_kernels;  /* sum of kernels of the op's layer; 0 outside layers */
  int32_t     layer;          /* first layer index this op stands for; -1 outside layers */
  double      rows;           /* rows that share one weight (or key) stream: B T for a GEMM,
                               * T x query heads per KV head for attention; sets how close
                               * to peak the op's compute gets (UthEngine.compute_half_rows) */
  double      parallel;       /* independent work units of an attention op: sequences x KV
                               * heads (MLA: sequences); 0 for other ops */
  bool        dequantize;     /* a weight GEMM whose weights are in a block format
                               * (uth_dtype_is_block): the kernel dequantizes them */
} UthOp;

/* Enough for any layer of any supported model. */
#define UTH_MAX_LAYER_OPS 32
#define UTH_MAX_MODEL_OPS 128

double      uth_op_bytes      (const UthOp *op);   /* every byte read and written */
double      uth_op_intensity  (const UthOp *op);   /* flops / bytes, 0 when no bytes */
const char *uth_op_kind_id    (UthOpKind kind);    /* "gemm", "attention", "norm", ... */

/* One plain matrix product (m x k) . (k x n) as the estimator counts it: A read as
 * activations, B as weights, C written, each matrix once (the estimator's assumption that
 * caches and tiling reuse every operand); for the gemm command and the Tiling page. */
void        uth_gemm_op       (uint64_t     m,
                               uint64_t     k,
                               uint64_t     n,
                               double       bytes_per_element,
                               UthOp       *out);

/* Ops of one layer (layer index picks dense or MoE), per GPU under tensor parallelism.
 * Returns the number written (<= max), or 0 for an invalid model or workload. */
size_t uth_layer_ops (const UthModel    *model,
                      const UthWorkload *work,
                      uint32_t           layer,
                      UthOp             *out,
                      size_t             max);

/* Validates a workload against a model: 0 when fine, else a UthOpsError. */
typedef enum
{
  UTH_OPS_OK = 0,
  UTH_OPS_BAD_MODEL,
  UTH_OPS_BAD_WORKLOAD,       /* zero batch or tokens, context < tokens, bad dtype or tp */
  UTH_OPS_BAD_TP,             /* tensor parallelism does not divide the heads */
} UthOpsError;
UthOpsError uth_workload_validate (const UthModel    *model,
                                   const UthWorkload *work);

/* Query-key pairs one head of one sequence computes when `tokens` new queries (the last
 * of `context` positions) attend causally, with an optional sliding window (0: none):
 * tokens x context - tokens (tokens - 1) / 2 without a window. */
double uth_attention_pairs (uint64_t tokens,
                            uint64_t context,
                            uint64_t window);

/* Ops of the whole pass: embedding, each distinct kind of layer with repeat set,
 * final norm, lm-head (only the last position of each sequence in prefill). */
size_t uth_model_ops (const UthModel    *model,
                      const UthWorkload *work,
                      UthOp             *out,
                      size_t             max);

typedef struct
{
  double flops;
  double bytes;
  double weight_bytes;
  double kv_read_bytes;
  double group_flops[UTH_N_OP_GROUPS];
} UthOpTotals;

/* Sums ops (each x repeat). */
UthOpTotals uth_ops_total (const UthOp *ops,
                           size_t       n_ops);
