/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Memory at inference: the KV cache per token for each attention variant, its growth with
 * context and batch, the whole budget against the GPUs' memory, paged against contiguous
 * allocation, and which models fit on which GPUs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uth-estimate.h"
#include "uth-model.h"

/* K and V elements per token, all layers, if the model's attention were `kind`:
 * MHA caches 2 x layers x heads x head_dim; GQA 2 x layers x (heads / group) x head_dim;
 * MQA 2 x layers x head_dim; MLA layers x (kv_lora_rank + qk_rope_dim). A model that is not
 * MLA gets DeepSeek-V2's proportions for the what-if: kv_lora_rank = 4 head_dim and
 * qk_rope_dim = head_dim / 2 (DeepSeek-AI, "DeepSeek-V2", 2024, section 2.1.3 and table 1).
 * An MLA model's per-head key width is qk_nope_dim + qk_rope_dim and value width v_head_dim.
 * group is the number of query heads sharing one KV head (GQA only; clamped to 1..heads).
 * Returns 0 for an invalid model. */
uint64_t uth_memory_kv_elements_as (const UthModel *model,
                                    UthAttnKind     kind,
                                    uint32_t        group);

/* The GQA group size the model uses (heads / kv_heads), 1 for MHA, heads for MQA. */
uint32_t uth_memory_group_size     (const UthModel *model);

/* KV cache bytes of batch sequences of context tokens each: batch x context x per token. */
double   uth_memory_kv_bytes       (double   bytes_per_token,
                                    uint64_t context,
                                    uint64_t batch);

typedef struct
{
  double   weights;
  double   kv;
  double   activations;
  double   reserve;
  double   total;               /* the four above */
  double   available;           /* GPU memory x GPU count */
  bool     fits;
  double   kv_bytes_per_token;
} UthMemoryBudget;

/* The budget the estimator computes for the scenario (same numbers as the Cost page). */
UthEstimateError uth_memory_budget (const UthEstimateInput *input,
                                    UthMemoryBudget        *out);

/* Largest batch (<= limit) that fits at the input's context; 0 when not even one sequence
 * fits or the input is invalid. */
uint64_t uth_memory_max_batch   (const UthEstimateInput *input,
                                 uint64_t                limit);
/* Longest context (<= limit) that fits at the input's batch; 0 when none does. The prompt is
 * cut to the context where it would exceed it. */
uint64_t uth_memory_max_context (const UthEstimateInput *input,
                                 uint64_t                limit);

/* Paged allocation (Kwon et al., "Efficient Memory Management for Large Language Model Serving
 * with PagedAttention", SOSP 2023) against reserving every request's maximum length up front.
 * Paged: each sequence holds ceil (tokens / block) blocks, wasting less than one block.
 * Contiguous: each sequence holds max_tokens slots, wasting max_tokens - tokens. */
typedef struct
{
  double   used_bytes;          /* tokens actually cached */
  uint64_t blocks;              /* blocks the paged allocator hands out */
  double   paged_bytes;         /* blocks x block x per token */
  double   paged_waste_bytes;   /* paged_bytes - used_bytes */
  double   contiguous_bytes;    /* sequences x max_tokens x per token */
  double   contiguous_waste_bytes;
  double   paged_waste_fraction;      /* waste / allocated */
  double   contiguous_waste_fraction;
} UthPaging;

/* lengths: tokens cached by each of n sequences (each clamped to max_tokens). False when
 * block or max_tokens is 0, bytes_per_token is not positive or n is 0. */
bool     uth_memory_paging (double          bytes_per_token,
                            const uint64_t *lengths,
                            size_t          n,
                            uint64_t        max_tokens,
                            uint32_t        block,
                            UthPaging      *out);

typedef enum
{
  UTH_FIT_ONE,                  /* fits on a single GPU */
  UTH_FIT_SEVERAL,              /* fits on gpus = 2, 4 or 8 */
  UTH_FIT_NONE,                 /* not even on 8, or the shape cannot be split that way */
} UthFitKind;

typedef struct
{
  UthFitKind kind;
  uint32_t   gpus;              /* smallest of 1, 2, 4, 8 that fits; 0 for none */
  double     total_bytes;       /* memory needed at that count (or at 8 for none) */
} UthFitCell;

/* Every model x every GPU at the base input's batch, context and data types (its model, gpu
 * and gpus are replaced). out has n_models x n_gpus cells, row r = model, column c = GPU. */
void     uth_memory_fits_map (const UthModel         *models,
                              size_t                  n_models,
                              const UthGpu           *gpus,
                              size_t                  n_gpus,
                              const UthEstimateInput *base,
                              UthFitCell             *out);
/* One cell of the map. */
UthFitCell uth_memory_fit (const UthEstimateInput *input);

/* Unit-coordinate segments of a stacked bar of the budget: weights, KV, activations, reserve,
 * each as [start, end) of a scale running 0 .. max (total, available). The available memory's
 * position is *line. */
typedef struct
{
  double start[4];
  double end[4];
  double line;
} UthMemoryStack;

void     uth_memory_stack (const UthMemoryBudget *budget,
                           UthMemoryStack        *out);
