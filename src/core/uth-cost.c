/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-cost.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uth-ops.h"

/* Gaps below this fraction of the rule are "none": the rule holds. */
#define GAP_TOLERANCE 0.03

const char *
uth_thumb_id (UthThumb thumb)
{
  static const char *ids[UTH_N_THUMBS] = {
    "flops-per-token", "weight-memory", "decode-speed", "prefill-speed", "decode-intensity",
  };

  return (unsigned) thumb < UTH_N_THUMBS ? ids[thumb] : "unknown";
}

const char *
uth_gap_reason_id (UthGapReason reason)
{
  static const char *ids[UTH_N_GAPS] = {
    "none", "attention-flops", "lm-head", "embedding", "kv-reads", "efficiency", "overheads",
    "compute-bound", "memory-bound-ops",
  };

  return (unsigned) reason < UTH_N_GAPS ? ids[reason] : "unknown";
}

/* FLOPs of the attention matmuls (QK^T, softmax, PV) of one whole pass, all GPUs. */
static double
attention_flops (const UthEstimateInput *in,
                 UthPhase                phase,
                 uint64_t                tokens,
                 uint64_t                context)
{
  UthOp ops[UTH_MAX_MODEL_OPS];
  UthWorkload w;
  UthOpTotals totals;
  size_t n;

  memset (&w, 0, sizeof w);
  w.phase = phase;
  w.batch = in->batch;
  w.tokens = tokens;
  w.context = context;
  w.weights = in->weights;
  w.kv = in->kv;
  w.activations = in->activations;
  w.flash_attention = in->engine->flash_attention;
  w.tensor_parallel = 1;
  n = uth_model_ops (in->model, &w, ops, UTH_MAX_MODEL_OPS);
  if (n == 0)
    return 0.0;
  totals = uth_ops_total (ops, n);
  return totals.group_flops[UTH_OP_GROUP_ATTN_MATMUL];
}

/* Picks the reason with the largest contribution, or none when the rule is close. */
static void
finish_check (UthThumbCheck *c,
              UthThumb       thumb,
              double         rule,
              double         detailed)
{
  int i;
  double best = 0.0;

  c->thumb = thumb;
  c->rule = rule;
  c->detailed = detailed;
  c->ratio = rule != 0.0 ? detailed / rule : 0.0;
  c->reason = UTH_GAP_NONE;
  if (fabs (c->ratio - 1.0) < GAP_TOLERANCE)
    return;
  for (i = 1; i < UTH_N_GAPS; i++)
    if (fabs (c->share[i]) > best)
      {
        best = fabs (c->share[i]);
        c->reason = (UthGapReason) i;
      }
}

static void
check_flops (const UthEstimateInput *in,
             const UthEstimate      *est,
             UthThumbCheck          *c)
{
  double rule = est->rule_of_thumb.flops_per_token;
  double per_token = (double) in->batch * in->step_tokens;
  double detailed = est->decode_flops / per_token;

  /* Attention grows with the context; the rule counts the embedding table as parameters
   * although a lookup costs no FLOPs (a tied table does its work as the lm-head). */
  c->share[UTH_GAP_ATTENTION_FLOPS] =
    attention_flops (in, UTH_PHASE_DECODE, in->step_tokens, in->context) / per_token / rule;
  if (!in->model->tied_embeddings)
    c->share[UTH_GAP_EMBEDDING] = -2.0 * (double) uth_model_embedding_params (in->model) / rule;
  finish_check (c, UTH_THUMB_FLOPS_PER_TOKEN, rule, detailed);
}

static double
launch_seconds (const UthEstimateInput *in)
{
  return in->engine->launch_overhead_s * in->engine->kernels_per_layer * in->model->layers;
}

/* The same scenario on the ideal engine (the roofline: full peak and bandwidth, no
 * launches): what is left between it and the real engine is efficiency and overheads. */
static bool
ideal_estimate (const UthEstimateInput *in,
                UthEstimate            *out)
{
  UthEstimateInput ideal = *in;
  UthEngine engine;

  uth_engine_init_roofline (&engine);
  engine.flash_attention = in->engine->flash_attention;
  ideal.engine = &engine;
  return uth_estimate (&ideal, out) == UTH_ESTIMATE_OK;
}

static void
check_decode (const UthEstimateInput *in,
              const UthEstimate      *est,
              const UthEstimate      *ideal,
              double                  bw,
              UthThumbCheck          *c)
{
  double rule = est->rule_of_thumb.decode_tokens_per_second;
  double t_rule = 1.0 / rule;
  double kv_read = (double) in->batch *
                   uth_model_kv_bytes_at_context (in->model, uth_dtype_bytes (in->kv), in->context);
  double over = launch_seconds (in) + est->decode_comm_seconds;

  /* Time of one step against the rule's weights / bandwidth, in units of the rule's time.
   * A lookup reads one row of an untied embedding table, not the table the rule counts;
   * whatever the ideal engine needs beyond its reads is compute. */
  c->share[UTH_GAP_KV_READS] = kv_read / bw / t_rule;
  if (!in->model->tied_embeddings)
    c->share[UTH_GAP_EMBEDDING] = -(double) uth_model_embedding_params (in->model) *
                                  uth_dtype_bytes (in->weights) / bw / t_rule;
  c->share[UTH_GAP_COMPUTE_BOUND] =
    fmax (0.0, ideal->decode_step_seconds - ideal->decode_bytes / bw) / t_rule;
  c->share[UTH_GAP_OVERHEADS] = over / t_rule;
  c->share[UTH_GAP_EFFICIENCY] =
    fmax (0.0, est->decode_step_seconds - ideal->decode_step_seconds - over) / t_rule;
  finish_check (c, UTH_THUMB_DECODE_SPEED, rule, est->decode_tokens_per_second_per_sequence);
}

static void
check_prefill (const UthEstimateInput *in,
               const UthEstimate      *est,
               const UthEstimate      *ideal,
               double                  peak,
               UthThumbCheck          *c)
{
  double rule = est->rule_of_thumb.prefill_tokens_per_second;
  double tokens = (double) in->batch * in->prompt;
  double t_rule = 1.0 / rule;
  double head = 2.0 * in->model->vocab * (double) in->model->hidden;
  double over = (launch_seconds (in) + est->prefill_comm_seconds) / tokens;

  /* Per token: the rule's 2 x params at peak, against what the estimator spends. */
  c->share[UTH_GAP_ATTENTION_FLOPS] =
    attention_flops (in, UTH_PHASE_PREFILL, in->prompt, in->prompt) / tokens / peak / t_rule;
  c->share[UTH_GAP_LM_HEAD] = -head * (tokens - in->batch) / tokens / peak / t_rule;
  if (!in->model->tied_embeddings)
    c->share[UTH_GAP_EMBEDDING] =
      -2.0 * (double) uth_model_embedding_params (in->model) / peak / t_rule;
  c->share[UTH_GAP_MEMORY_BOUND_OPS] =
    fmax (0.0, ideal->prefill_seconds - ideal->prefill_flops / peak) / tokens / t_rule;
  c->share[UTH_GAP_OVERHEADS] = over / t_rule;
  c->share[UTH_GAP_EFFICIENCY] =
    fmax (0.0, (est->prefill_seconds - ideal->prefill_seconds) / tokens - over) / t_rule;
  finish_check (c, UTH_THUMB_PREFILL_SPEED, rule, est->prefill_tokens_per_second);
}

UthCostError
uth_cost_check_thumbs (const UthEstimateInput *scenario,
                       UthThumbCheck           out[UTH_N_THUMBS])
{
  UthEstimate est, ideal;
  UthThumbCheck *c;
  double peak, bw;

  if (scenario == NULL || out == NULL || scenario->gpu == NULL || scenario->model == NULL ||
      scenario->engine == NULL)
    return UTH_COST_BAD_INPUT;
  if (uth_estimate (scenario, &est) != UTH_ESTIMATE_OK || !ideal_estimate (scenario, &ideal))
    return UTH_COST_ESTIMATE_FAILED;
  memset (out, 0, UTH_N_THUMBS * sizeof *out);
  peak = uth_gpu_peak_flops (scenario->gpu, scenario->activations) * scenario->gpus;
  bw = scenario->gpu->memory_bandwidth * scenario->gpus;
  if (!(peak > 0.0) || !(bw > 0.0))
    return UTH_COST_BAD_INPUT;

  check_flops (scenario, &est, &out[UTH_THUMB_FLOPS_PER_TOKEN]);
  finish_check (&out[UTH_THUMB_WEIGHT_MEMORY], UTH_THUMB_WEIGHT_MEMORY,
                est.rule_of_thumb.weight_bytes, est.weight_bytes);
  check_decode (scenario, &est, &ideal, bw, &out[UTH_THUMB_DECODE_SPEED]);
  check_prefill (scenario, &est, &ideal, peak, &out[UTH_THUMB_PREFILL_SPEED]);

  /* Decode reads the KV cache as well as the weights, so fewer FLOPs per byte. */
  c = &out[UTH_THUMB_DECODE_INTENSITY];
  if (est.rule_of_thumb.decode_intensity > 0.0)
    c->share[UTH_GAP_KV_READS] = est.decode_intensity / est.rule_of_thumb.decode_intensity - 1.0;
  finish_check (c, UTH_THUMB_DECODE_INTENSITY, est.rule_of_thumb.decode_intensity,
                est.decode_intensity);
  return UTH_COST_OK;
}

UthCostError
uth_cost_compare_gpus (const UthEstimateInput *scenario,
                       const UthGpu           *gpus,
                       size_t                  n,
                       uint32_t                max_gpus,
                       UthGpuComparison       *out)
{
  size_t i;

  if (scenario == NULL || (n > 0 && (gpus == NULL || out == NULL)) || max_gpus < 1)
    return UTH_COST_BAD_INPUT;
  for (i = 0; i < n; i++)
    {
      UthEstimateInput in = *scenario;
      UthEstimate est;
      UthGpuComparison *row = &out[i];
      bool have = false;
      uint32_t tp;

      memset (row, 0, sizeof *row);
      row->index = i;
      in.gpu = &gpus[i];
      in.price_per_hour = -1.0;   /* each GPU at its own catalog price */
      for (tp = 1; tp <= max_gpus; tp *= 2)
        {
          in.gpus = tp;
          if (uth_estimate (&in, &est) != UTH_ESTIMATE_OK)
            break;
          have = true;
          row->gpus = tp;
          if (est.fits)
            break;
        }
      if (!have)
        continue;
      row->fits = est.fits;
      row->tokens_per_second = est.decode_tokens_per_second;
      row->tokens_per_second_per_sequence = est.decode_tokens_per_second_per_sequence;
      row->ttft_s = est.ttft_seconds;
      row->prefill_tokens_per_second = est.prefill_tokens_per_second;
      row->cost_per_million_input = est.cost_per_million_input_tokens;
      row->cost_per_million_output = est.cost_per_million_output_tokens;
      row->price_per_hour = est.price_per_hour * row->gpus;
      row->memory_fraction = est.gpu_memory_bytes > 0.0 ?
                             est.total_memory_bytes / est.gpu_memory_bytes : 0.0;
    }
  return UTH_COST_OK;
}

static double
sort_value (const UthGpuComparison *row,
            UthGpuSort              key)
{
  switch (key)
    {
    case UTH_SORT_THROUGHPUT: return -row->tokens_per_second;
    case UTH_SORT_TTFT: return row->ttft_s;
    case UTH_SORT_COST:
    default: return row->cost_per_million_output;
    }
}

void
uth_cost_sort (UthGpuComparison *rows,
               size_t            n,
               UthGpuSort        key)
{
  size_t i, j;

  /* Insertion sort: stable, and the catalog holds tens of GPUs. */
  for (i = 1; i < n; i++)
    {
      UthGpuComparison row = rows[i];
      double v = sort_value (&row, key);

      for (j = i; j > 0; j--)
        {
          const UthGpuComparison *prev = &rows[j - 1];
          bool after = row.fits && !prev->fits;

          if (!after && !(row.fits == prev->fits && v < sort_value (prev, key)))
            break;
          rows[j] = rows[j - 1];
        }
      rows[j] = row;
    }
}
