/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview page's numbers: what happens when a prompt is sent, for one scenario.
 * Nothing new is modelled here: the numbers are the estimator's (both phases), the op
 * list's (one layer's matrix products) and the roofline's (ridge points), gathered in one
 * place with the few ratios the page shows between them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uth-estimate.h"
#include "uth-ops.h"

/* Enough for the GEMMs of any layer of a supported model (fused ops split into parts). */
#define UTH_OVERVIEW_MAX_GEMMS 24

/* One matrix product of a layer: (m x k) . (k x n), count times. A fused op of the op list
 * (qkv_proj, mlp_gate_up) appears as its parts (Q, K, V; gate, up), each with its own n
 * and its share of the fused op's FLOPs. */
typedef struct
{
  const char *id;           /* the op's id, or the part's: "q", "k", "v", "gate", "up" */
  const char *op_id;        /* the op of uth_layer_ops it is (part of) */
  UthOpKind   kind;         /* UTH_OP_GEMM (weights) or UTH_OP_ATTN_MATMUL */
  UthOpGroup  group;
  uint64_t    m, k, n;
  uint64_t    count;        /* 1 for a weight GEMM; heads x batch for attention */
  double      flops;        /* the whole product, count included: 2 m k n count (+ bias) */
  double      flops_per_token; /* flops / tokens of the pass */
} UthOverviewGemm;

/* Where compute meets bandwidth on one GPU with one engine. */
typedef struct
{
  double peak_flops;            /* dense peak in the compute data type, FLOP/s */
  double bandwidth;             /* datasheet memory bandwidth, bytes/s */
  double bandwidth_efficiency;  /* the engine's achievable fraction of it */
  double effective_bandwidth;   /* bandwidth x bandwidth_efficiency */
  double ridge;                 /* peak_flops / effective_bandwidth, FLOP/byte */
  double datasheet_ridge;       /* uth_roofline_ridge: peak_flops / bandwidth */
} UthOverviewRidge;

typedef struct
{
  UthEstimate      estimate;        /* the scenario's */
  uint32_t         layers;

  /* One layer (the first) in the prefill of batch x prompt tokens, the whole layer
   * (not split over GPUs). */
  uint64_t         tokens;          /* batch x prompt: M of the weight GEMMs */
  UthOverviewGemm  gemms[UTH_OVERVIEW_MAX_GEMMS];
  size_t           n_gemms;
  size_t           largest;         /* the single weight GEMM (count 1) with the most FLOPs */
  double           layer_flops;     /* every op of the layer */
  double           group_flops[UTH_N_OP_GROUPS]; /* uth_ops_total's, by group */
  double           group_share[UTH_N_OP_GROUPS]; /* of layer_flops */

  /* The phases, from the estimate. */
  double           prefill_intensity;  /* prefill FLOPs / bytes, FLOP/byte */
  double           decode_intensity;   /* one decode step's, at the scenario's batch */
  double           decode_intensity_batch1; /* the same scenario at batch 1 */
  double           decode_flops_batch1;     /* its FLOPs and bytes (whole model, one step) */
  double           decode_bytes_batch1;
  /* How far below the ridge decode at batch 1 sits: ridge / its intensity, the factor of
   * arithmetic the GPU could do but decode does not ask for. */
  double           idle_factor;
  /* The balance of each pass on the scenario's GPUs: its FLOPs at the dense peak and its
   * bytes at the engine's effective bandwidth. The larger one is what the pass waits for. */
  double           prefill_compute_seconds;
  double           prefill_memory_seconds;
  double           decode_compute_seconds;
  double           decode_memory_seconds;
  /* Where each phase sits under the roof: min (peak, intensity x effective bandwidth). */
  double           prefill_attainable;
  double           decode_attainable;

  UthOverviewRidge ridge;           /* the scenario's GPU and engine */
} UthOverview;

/* The rule of thumb for a dense decoder layer's FLOPs: attention projections 30%,
 * attention matmuls 5%, MLP 65% (other: 0). */
double           uth_overview_rule_share (UthOpGroup               group);

/* The ridge point of gpu with engine's bandwidth efficiency, computing in dtype. False
 * (out zeroed) for a missing or invalid GPU or engine. */
bool             uth_overview_ridge      (const UthGpu            *gpu,
                                          const UthEngine         *engine,
                                          UthDtype                 dtype,
                                          UthOverviewRidge        *out);

/* Everything the Overview shows for a scenario. Errors as uth_estimate's (out zeroed). */
UthEstimateError uth_overview_compute    (const UthEstimateInput  *input,
                                          UthOverview             *out);
