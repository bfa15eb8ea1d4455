/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The estimator: memory, prefill, decode and cost of one scenario. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "uth-dtype.h"
#include "uth-engine.h"
#include "uth-gpu.h"
#include "uth-model.h"
#include "uth-ops.h"
#include "uth-roofline.h"

/* How the attention scores are computed: flash attention keeps the score matrix on chip
 * (serving engines' default); standard attention writes it to memory and reads it back. */
typedef enum
{
  UTH_ATTENTION_FLASH = 0,
  UTH_ATTENTION_STANDARD,
} UthAttentionImpl;

const char *uth_attention_impl_id (UthAttentionImpl impl);   /* "flash", "standard" */
/* Parses "flash" or "standard"; false for anything else. */
bool        uth_attention_impl_from_id (const char       *id,
                                        UthAttentionImpl *out);

typedef struct
{
  const UthModel  *model;
  const UthGpu    *gpu;
  const UthEngine *engine;
  uint32_t gpus;            /* tensor-parallel degree, >= 1 */
  uint64_t batch;           /* sequences */
  uint64_t prompt;          /* tokens per sequence in prefill */
  uint64_t context;         /* tokens in the KV cache during decode, new ones included */
  uint64_t step_tokens;     /* new tokens per sequence per decode step (verify: > 1) */
  uint64_t output_tokens;   /* tokens generated per request (time per request) */
  UthDtype weights;
  UthDtype kv;
  UthDtype activations;
  double   price_per_hour;  /* per GPU; < 0 takes the GPU's own price */
  UthAttentionImpl attention; /* flash (default) or standard; flash needs an engine that
                               * has it (UthEngine.flash_attention) */
} UthEstimateInput;

typedef enum
{
  UTH_ESTIMATE_OK = 0,
  UTH_ESTIMATE_BAD_MODEL,
  UTH_ESTIMATE_BAD_GPU,
  UTH_ESTIMATE_BAD_ENGINE,
  UTH_ESTIMATE_BAD_INPUT,   /* zero batch, zero GPUs, step tokens above context, ... */
} UthEstimateError;

typedef struct
{
  double flops_per_token;          /* 2 x active params */
  double weight_bytes;             /* params x bytes per param */
  double decode_tokens_per_second; /* bandwidth / decode weight bytes (per sequence, batch 1) */
  double prefill_tokens_per_second;/* peak FLOP/s / (2 x active params) */
  double decode_intensity;         /* 2 x batch / bytes per weight (FLOP/byte) */
  /* Bytes of the weights one decode token reads: all of them for a dense model; for a
   * mixture of experts the dense part plus the shared and active experts only (active
   * params x bytes). decode_tokens_per_second divides the bandwidth by these. */
  double decode_weight_bytes;
} UthRuleOfThumb;

typedef struct
{
  double   params;
  double   active_params;
  double   weight_bytes;           /* whole model, all GPUs */
  double   kv_bytes_per_token;
  double   kv_cache_bytes;         /* batch sequences of max (prompt, context) tokens
                                    * (sliding-window layers keep at most the window), all
                                    * GPUs: x tp for MLA, x tp / kv_heads when kv_heads < tp */
  double   activation_bytes;       /* peak transient activations of the prefill, all GPUs:
                                    * residual + normed copy, the larger of QKV output and
                                    * MLP intermediates, scores without flash, fp32 logits */
  double   reserve_bytes;          /* runtime reserve, all GPUs */
  double   total_memory_bytes;
  double   gpu_memory_bytes;       /* memory of all GPUs together */
  bool     fits;
  uint32_t min_gpus;               /* least tensor-parallel degree at which the scenario
                                    * fits (the input's own count when it fits), 0 when
                                    * none up to 1024 does */

  double   prefill_flops;
  double   prefill_bytes;
  double   prefill_seconds;
  double   prefill_tokens_per_second;
  double   ttft_seconds;           /* the prefill: serving engines emit the first token
                                    * from the prefill pass's last logits */
  UthBound prefill_bound;
  double   prefill_comm_seconds;

  double   decode_flops;
  double   decode_bytes;
  double   decode_step_seconds;
  double   decode_tokens_per_second;              /* all sequences */
  double   decode_tokens_per_second_per_sequence;
  UthBound decode_bound;
  double   decode_intensity;
  double   decode_comm_seconds;
  double   decode_weight_read_bytes;  /* of decode_bytes: weights read (whole model) */
  double   decode_kv_read_bytes;      /* of decode_bytes: KV cache read (whole model) */

  double   request_seconds;        /* prefill + output_tokens / step_tokens decode steps */
  double   price_per_hour;         /* per GPU, as used */
  double   cost_per_million_input_tokens;
  double   cost_per_million_output_tokens;

  UthRuleOfThumb rule_of_thumb;
} UthEstimate;

/* Fills the input with the project's defaults (1 GPU, batch 1, prompt 1024, context 1024,
 * step 1, 256 output tokens, bf16 everywhere, GPU price). Model, GPU and engine stay NULL. */
void             uth_estimate_input_init (UthEstimateInput *input);
UthEstimateError uth_estimate            (const UthEstimateInput *input,
                                          UthEstimate            *out);
/* Only the memory fields (params, active_params, weight_bytes, kv_*, activation_bytes,
 * reserve_bytes, total_memory_bytes, gpu_memory_bytes, fits), the same numbers as
 * uth_estimate's, and the same validation, without timing the passes: about a tenth of the
 * cost, for the fits map and memory bisections. The other fields are zero. */
UthEstimateError uth_estimate_memory     (const UthEstimateInput *input,
                                          UthEstimate            *out);

/* Whether the scenario's attention runs as flash attention: the input asks for it and
 * the engine (when there is one) has it. */
bool             uth_estimate_uses_flash (const UthEstimateInput *input);

/* The one mapping from a scenario to the workload of one forward pass, used by the
 * estimator, every page and the command line. Prefill runs batch x prompt new tokens
 * (context = prompt); decode one step of step_tokens per sequence with `context` tokens
 * in the cache. Clamps once, the same everywhere: batch, prompt and step tokens at least
 * 1, the decode context at least the step's tokens, tensor parallelism at least 1 (the
 * estimator rejects such inputs before it gets here, so the clamps never change its
 * numbers). Flash attention from uth_estimate_uses_flash. False without a model. */
bool             uth_estimate_workload   (const UthEstimateInput *input,
                                          UthPhase                phase,
                                          UthWorkload            *out);

/* The smallest number of GPUs (tensor-parallel degree the model's heads allow) at which
 * the scenario's memory fits, 0 when none up to 1024 does. */
uint32_t         uth_estimate_min_gpus   (const UthEstimateInput *input);

/* One layer of one pass as the estimator times it: its ops on one GPU of the
 * tensor-parallel group, each op's time, and the sums by bound. The Layer, Model and
 * Shapes pages read this instead of rebuilding the list. */
typedef struct
{
  UthWorkload work;
  uint32_t    layer;                 /* clamped to the model's layers */
  size_t      n;
  UthOp       ops[UTH_MAX_LAYER_OPS];
  UthOpTime   time[UTH_MAX_LAYER_OPS];
  UthOpTotals totals;
  double      seconds;               /* sum of the ops' times (x repeat, which is 1 here) */
  double      compute_seconds;       /* of the compute-bound ops */
  double      memory_seconds;        /* of the memory-bound ops */
  double      other_seconds;         /* of ops bound by launch overhead or communication */
} UthLayerEstimate;

/* False for an invalid model, GPU, engine or workload. */
bool             uth_estimate_layer      (const UthEstimateInput *input,
                                          UthPhase                phase,
                                          uint32_t                layer,
                                          UthLayerEstimate       *out);
