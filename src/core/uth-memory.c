/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-memory.h"

#include <math.h>
#include <string.h>

uint32_t
uth_memory_group_size (const UthModel *model)
{
  if (model == NULL || model->kv_heads == 0 || model->attention == UTH_ATTN_MLA)
    return 1;
  return model->heads / model->kv_heads;
}

uint64_t
uth_memory_kv_elements_as (const UthModel *model,
                           UthAttnKind     kind,
                           uint32_t        group)
{
  uint64_t key_dim, value_dim, kv_heads, layers;

  if (model == NULL || uth_model_validate (model) != UTH_MODEL_OK)
    return 0;
  layers = model->layers;
  if (model->attention == UTH_ATTN_MLA)
    {
      key_dim = (uint64_t) model->qk_nope_dim + model->qk_rope_dim;
      value_dim = model->v_head_dim;
    }
  else
    {
      key_dim = model->head_dim;
      value_dim = model->head_dim;
    }

  switch (kind)
    {
    case UTH_ATTN_MHA:
      kv_heads = model->heads;
      break;
    case UTH_ATTN_GQA:
      if (group < 1)
        group = 1;
      if (group > model->heads)
        group = model->heads;
      /* A group that does not divide the heads leaves one smaller group: round up. */
      kv_heads = (model->heads + group - 1) / group;
      break;
    case UTH_ATTN_MQA:
      kv_heads = 1;
      break;
    case UTH_ATTN_MLA:
      if (model->attention == UTH_ATTN_MLA)
        return layers * ((uint64_t) model->kv_lora_rank + model->qk_rope_dim);
      /* DeepSeek-V2 sets d_c = 4 d_h and d_h^R = d_h / 2: 4.5 d_h per token and layer. */
      return layers * (4 * (uint64_t) model->head_dim + model->head_dim / 2);
    default:
      return 0;
    }
  return layers * kv_heads * (key_dim + value_dim);
}

double
uth_memory_kv_bytes (double   bytes_per_token,
                     uint64_t context,
                     uint64_t batch)
{
  return bytes_per_token * (double) context * (double) batch;
}

UthEstimateError
uth_memory_budget (const UthEstimateInput *input,
                   UthMemoryBudget        *out)
{
  UthEstimate est;
  UthEstimateError err;

  memset (out, 0, sizeof *out);
  if (input == NULL)
    return UTH_ESTIMATE_BAD_INPUT;
  err = uth_estimate_memory (input, &est);
  if (err != UTH_ESTIMATE_OK)
    return err;
  out->weights = est.weight_bytes;
  out->kv = est.kv_cache_bytes;
  out->activations = est.activation_bytes;
  out->reserve = est.reserve_bytes;
  out->total = out->weights + out->kv + out->activations + out->reserve;
  out->available = est.gpu_memory_bytes;
  out->fits = out->total <= out->available;
  out->kv_bytes_per_token = est.kv_bytes_per_token;
  return UTH_ESTIMATE_OK;
}

static bool
fits (const UthEstimateInput *input)
{
  UthMemoryBudget budget;

  return uth_memory_budget (input, &budget) == UTH_ESTIMATE_OK && budget.fits;
}

/* Memory grows with batch and with context, so the largest value that fits is found by
 * bisection: lo always fits, hi never does (or is the limit + 1). */
static uint64_t
largest_fitting (UthEstimateInput *probe,
                 uint64_t         *field,
                 bool              clamp_prompt,
                 uint64_t          limit)
{
  uint64_t lo = 0, hi = limit + 1;
  uint64_t prompt = probe->prompt;

  while (hi - lo > 1)
    {
      uint64_t mid = lo + (hi - lo) / 2;

      *field = mid;
      if (clamp_prompt)
        probe->prompt = prompt < mid ? prompt : mid;
      if (fits (probe))
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

uint64_t
uth_memory_max_batch (const UthEstimateInput *input,
                      uint64_t                limit)
{
  UthEstimateInput probe;

  if (input == NULL || limit == 0)
    return 0;
  probe = *input;
  return largest_fitting (&probe, &probe.batch, false, limit);
}

uint64_t
uth_memory_max_context (const UthEstimateInput *input,
                        uint64_t                limit)
{
  UthEstimateInput probe;

  if (input == NULL || limit == 0)
    return 0;
  probe = *input;
  /* Decode steps need at least step_tokens of context. */
  if (probe.step_tokens > 1 && limit < probe.step_tokens)
    return 0;
  return largest_fitting (&probe, &probe.context, true, limit);
}

bool
uth_memory_paging (double          bytes_per_token,
                   const uint64_t *lengths,
                   size_t          n,
                   uint64_t        max_tokens,
                   uint32_t        block,
                   UthPaging      *out)
{
  double used = 0.0, blocks = 0.0;

  memset (out, 0, sizeof *out);
  if (lengths == NULL || n == 0 || max_tokens == 0 || block == 0 ||
      !isfinite (bytes_per_token) || bytes_per_token <= 0.0)
    return false;
  for (size_t s = 0; s < n; s++)
    {
      uint64_t len = lengths[s] < max_tokens ? lengths[s] : max_tokens;

      used += (double) len;
      blocks += (double) (len / block + (len % block != 0));
    }
  out->blocks = (uint64_t) blocks;
  out->used_bytes = used * bytes_per_token;
  out->paged_bytes = blocks * block * bytes_per_token;
  out->paged_waste_bytes = out->paged_bytes - out->used_bytes;
  out->contiguous_bytes = (double) n * (double) max_tokens * bytes_per_token;
  out->contiguous_waste_bytes = out->contiguous_bytes - out->used_bytes;
  out->paged_waste_fraction = out->paged_bytes > 0.0 ? out->paged_waste_bytes / out->paged_bytes : 0.0;
  out->contiguous_waste_fraction = out->contiguous_waste_bytes / out->contiguous_bytes;
  return true;
}

UthFitCell
uth_memory_fit (const UthEstimateInput *input)
{
  static const uint32_t counts[] = { 1, 2, 4, 8 };
  UthFitCell cell = { UTH_FIT_NONE, 0, 0.0 };
  UthEstimateInput probe;

  if (input == NULL)
    return cell;
  probe = *input;
  for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++)
    {
      UthMemoryBudget budget;

      probe.gpus = counts[c];
      /* A model whose heads cannot be split over this many GPUs is an error here: skip it. */
      if (uth_memory_budget (&probe, &budget) != UTH_ESTIMATE_OK)
        continue;
      cell.total_bytes = budget.total;
      if (budget.fits)
        {
          cell.kind = counts[c] == 1 ? UTH_FIT_ONE : UTH_FIT_SEVERAL;
          cell.gpus = counts[c];
          return cell;
        }
    }
  return cell;
}

void
uth_memory_fits_map (const UthModel         *models,
                     size_t                  n_models,
                     const UthGpu           *gpus,
                     size_t                  n_gpus,
                     const UthEstimateInput *base,
                     UthFitCell             *out)
{
  UthEstimateInput probe;

  if (models == NULL || gpus == NULL || base == NULL || out == NULL)
    return;
  probe = *base;
  for (size_t r = 0; r < n_models; r++)
    for (size_t c = 0; c < n_gpus; c++)
      {
        probe.model = &models[r];
        probe.gpu = &gpus[c];
        out[r * n_gpus + c] = uth_memory_fit (&probe);
      }
}

void
uth_memory_stack (const UthMemoryBudget *budget,
                  UthMemoryStack        *out)
{
  double parts[4];
  double scale, at = 0.0;

  memset (out, 0, sizeof *out);
  if (budget == NULL)
    return;
  parts[0] = budget->weights;
  parts[1] = budget->kv;
  parts[2] = budget->activations;
  parts[3] = budget->reserve;
  scale = fmax (budget->total, budget->available);
  if (!(scale > 0.0) || !isfinite (scale))
    return;
  for (int i = 0; i < 4; i++)
    {
      double p = isfinite (parts[i]) && parts[i] > 0.0 ? parts[i] : 0.0;

      out->start[i] = at / scale;
      at += p;
      out->end[i] = at / scale;
    }
  out->line = budget->available / scale;
}
