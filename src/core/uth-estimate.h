/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The estimator: memory, prefill, decode and cost of one scenario. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "uth-dtype.h"
#include "uth-engine.h"
#include "uth-gpu.h"
#include "uth-model.h"
#include "uth-roofline.h"

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
  double decode_tokens_per_second; /* bandwidth / weight bytes (per sequence, batch 1) */
  double prefill_tokens_per_second;/* peak FLOP/s / (2 x active params) */
  double decode_intensity;         /* 2 x batch / bytes per weight (FLOP/byte) */
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

  double   prefill_flops;
  double   prefill_bytes;
  double   prefill_seconds;
  double   prefill_tokens_per_second;
  double   ttft_seconds;           /* prefill plus one decode step */
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
