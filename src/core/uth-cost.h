/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Cost page's analysis: the rules of thumb against the detailed estimate, with the
 * reason for each gap, and the scenario's model on every GPU. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uth-estimate.h"

typedef enum
{
  UTH_THUMB_FLOPS_PER_TOKEN,   /* 2 x active parameters */
  UTH_THUMB_WEIGHT_MEMORY,     /* parameters x bytes per parameter */
  UTH_THUMB_DECODE_SPEED,      /* bandwidth / weight bytes, tokens/s per sequence */
  UTH_THUMB_PREFILL_SPEED,     /* peak FLOP/s / (2 x active parameters), tokens/s */
  UTH_THUMB_DECODE_INTENSITY,  /* 2 x batch / bytes per weight, FLOP/byte */
  UTH_N_THUMBS
} UthThumb;

typedef enum
{
  UTH_GAP_NONE,                /* within 3% */
  UTH_GAP_ATTENTION_FLOPS,     /* QK^T and PV grow with context; the rule ignores them */
  UTH_GAP_LM_HEAD,             /* prefill runs the lm-head once per sequence, not per token */
  UTH_GAP_EMBEDDING,           /* the embedding lookup is counted as parameters, costs no FLOPs */
  UTH_GAP_KV_READS,            /* decode reads the KV cache as well as the weights */
  UTH_GAP_EFFICIENCY,          /* kernels reach only a fraction of peak FLOP/s or bandwidth */
  UTH_GAP_OVERHEADS,           /* kernel launches, communication */
  UTH_GAP_COMPUTE_BOUND,       /* the batch made decode compute-bound: bandwidth is not the limit */
  UTH_GAP_MEMORY_BOUND_OPS,    /* norms, activations, softmax: prefill ops that wait on memory */
  UTH_N_GAPS
} UthGapReason;

typedef struct
{
  UthThumb     thumb;
  double       rule;         /* the rule of thumb's value (SI units) */
  double       detailed;     /* the estimator's value */
  double       ratio;        /* detailed / rule */
  UthGapReason reason;       /* the largest contributor to the gap */
  double       share[UTH_N_GAPS]; /* signed contribution of each reason, in units of rule */
} UthThumbCheck;

typedef enum
{
  UTH_COST_OK = 0,
  UTH_COST_BAD_INPUT,
  UTH_COST_ESTIMATE_FAILED,
} UthCostError;

const char  *uth_thumb_id      (UthThumb thumb);        /* "flops-per-token", ... */
const char  *uth_gap_reason_id (UthGapReason reason);   /* "attention-flops", ... */

/* Every rule of thumb for the scenario, beside the detailed estimate. */
UthCostError uth_cost_check_thumbs (const UthEstimateInput *scenario,
                                    UthThumbCheck           out[UTH_N_THUMBS]);

/* The scenario's model on one GPU at the smallest tensor-parallel degree (1, 2, 4, 8, up to
 * max_gpus) that fits; each GPU at its own catalog price. */
typedef struct
{
  size_t   index;                  /* position in the array given */
  uint32_t gpus;                   /* tensor-parallel degree used */
  bool     fits;                   /* false: does not fit even at max_gpus */
  double   tokens_per_second;      /* decode, all sequences */
  double   tokens_per_second_per_sequence;
  double   ttft_s;
  double   prefill_tokens_per_second;
  double   cost_per_million_input;
  double   cost_per_million_output;
  double   price_per_hour;         /* all GPUs of the set-up */
  double   memory_fraction;        /* memory needed / memory of the set-up */
} UthGpuComparison;

typedef enum
{
  UTH_SORT_COST,        /* $ per million output tokens, cheapest first */
  UTH_SORT_THROUGHPUT,  /* tokens/s, fastest first */
  UTH_SORT_TTFT,        /* time to first token, shortest first */
} UthGpuSort;

/* Fills out[0..n-1]; rows whose estimate fails get fits = false. */
UthCostError uth_cost_compare_gpus (const UthEstimateInput *scenario,
                                    const UthGpu           *gpus,
                                    size_t                  n,
                                    uint32_t                max_gpus,
                                    UthGpuComparison       *out);
/* Sorts by the key; set-ups that do not fit go last; ties keep their order. */
void         uth_cost_sort         (UthGpuComparison *rows,
                                    size_t            n,
                                    UthGpuSort        key);
