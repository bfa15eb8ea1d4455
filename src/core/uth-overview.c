/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview's numbers, gathered from the estimator, the op list and the roofline. */
#include "uth-overview.h"

#include <math.h>
#include <string.h>

#include "uth-roofline.h"

double
uth_overview_rule_share (UthOpGroup group)
{
  switch (group)
    {
    case UTH_OP_GROUP_ATTN_PROJ:   return 0.30;
    case UTH_OP_GROUP_ATTN_MATMUL: return 0.05;
    case UTH_OP_GROUP_MLP:         return 0.65;
    case UTH_OP_GROUP_OTHER:
    case UTH_N_OP_GROUPS:
    default:                       return 0.0;
    }
}

bool
uth_overview_ridge (const UthGpu     *gpu,
                    const UthEngine  *engine,
                    UthDtype          dtype,
                    UthOverviewRidge *out)
{
  memset (out, 0, sizeof *out);
  if (gpu == NULL || engine == NULL || !uth_gpu_validate (gpu) || !uth_engine_validate (engine) ||
      !(engine->bandwidth_efficiency > 0.0))
    return false;
  out->peak_flops = uth_gpu_peak_flops (gpu, dtype);
  out->bandwidth = gpu->memory_bandwidth;
  out->bandwidth_efficiency = engine->bandwidth_efficiency;
  out->effective_bandwidth = out->bandwidth * out->bandwidth_efficiency;
  out->ridge = out->peak_flops / out->effective_bandwidth;
  out->datasheet_ridge = uth_roofline_ridge (gpu, dtype);
  return isfinite (out->ridge) && out->ridge > 0.0;
}

static void
add_gemm (UthOverview *o,
          const UthOp *op,
          const char  *id,
          uint64_t     n)
{
  UthOverviewGemm *g;

  if (o->n_gemms >= UTH_OVERVIEW_MAX_GEMMS || op->n == 0)
    return;
  g = &o->gemms[o->n_gemms++];
  g->id = id;
  g->op_id = op->id;
  g->kind = op->kind;
  g->group = op->group;
  g->m = op->m;
  g->k = op->k;
  g->n = n;
  g->count = op->count > 0 ? op->count : 1;
  /* FLOPs are linear in n (2 m k n, a bias adds m n), so a part of a fused op takes its
   * share of n. */
  g->flops = op->flops * (double) n / (double) op->n;
  g->flops_per_token = o->tokens > 0 ? g->flops / (double) o->tokens : 0.0;
}

/* The matrix products of one layer, the fused ones as the products they stand for. */
static void
collect_gemms (UthOverview    *o,
               const UthModel *model,
               const UthOp    *ops,
               size_t          n_ops)
{
  size_t i;

  for (i = 0; i < n_ops; i++)
    {
      const UthOp *op = &ops[i];
      uint64_t q = (uint64_t) model->heads * model->head_dim;
      uint64_t kv = (uint64_t) model->kv_heads * model->head_dim;

      if (op->kind != UTH_OP_GEMM && op->kind != UTH_OP_ATTN_MATMUL)
        continue;
      if (strcmp (op->id, "qkv_proj") == 0 && q + 2 * kv == op->n)
        {
          add_gemm (o, op, "q", q);
          add_gemm (o, op, "k", kv);
          add_gemm (o, op, "v", kv);
        }
      else if (strcmp (op->id, "mlp_gate_up") == 0 && model->gated_mlp && op->n % 2 == 0)
        {
          add_gemm (o, op, "gate", op->n / 2);
          add_gemm (o, op, "up", op->n / 2);
        }
      else
        add_gemm (o, op, op->id, op->n);
    }
  /* The largest single weight product (not a set of experts). Ties go to the up
   * projection: gate, up and down of a gated MLP are all d x f, and the up projection is the
   * one the textbooks work out. */
  o->largest = 0;
  for (i = 0; i < o->n_gemms; i++)
    {
      const UthOverviewGemm *g = &o->gemms[i], *best = &o->gemms[o->largest];
      bool up = strcmp (g->id, "up") == 0 || strcmp (g->id, "mlp_up") == 0;

      /* One product, not a set of experts: the worked example is a plain 2·M·K·N. */
      if (g->kind != UTH_OP_GEMM || g->count != 1)
        continue;
      if (best->kind != UTH_OP_GEMM || best->count != 1 || g->flops > best->flops ||
          (up && g->flops == best->flops))
        o->largest = i;
    }
}

static bool
layer (const UthEstimateInput *in,
       UthOverview            *o)
{
  UthOp ops[UTH_MAX_LAYER_OPS];
  UthWorkload w;
  UthOpTotals totals;
  size_t n;
  unsigned g;

  /* The prefill of the scenario's prompt, as the estimator runs it, on one GPU's worth of
   * the whole layer (shapes as the model has them, not split over GPUs). */
  memset (&w, 0, sizeof w);
  w.phase = UTH_PHASE_PREFILL;
  w.batch = in->batch;
  w.tokens = in->prompt;
  w.context = in->prompt;
  w.weights = in->weights;
  w.kv = in->kv;
  w.activations = in->activations;
  w.flash_attention = in->engine->flash_attention;
  w.tensor_parallel = 1;
  /* The last layer: past DeepSeek's leading dense layers, a typical one. */
  n = uth_layer_ops (in->model, &w, in->model->layers - 1, ops, UTH_MAX_LAYER_OPS);
  if (n == 0)
    return false;
  o->tokens = in->batch * in->prompt;
  totals = uth_ops_total (ops, n);
  o->layer_flops = totals.flops;
  for (g = 0; g < UTH_N_OP_GROUPS; g++)
    o->group_flops[g] = totals.group_flops[g];
  for (g = 0; g < UTH_N_OP_GROUPS; g++)
    o->group_share[g] = totals.flops > 0.0 ? totals.group_flops[g] / totals.flops : 0.0;
  collect_gemms (o, in->model, ops, n);
  return o->n_gemms > 0;
}

UthEstimateError
uth_overview_compute (const UthEstimateInput *input,
                      UthOverview            *out)
{
  UthEstimateInput one;
  UthEstimate at_one;
  UthEstimateError err;
  double gpus;

  memset (out, 0, sizeof *out);
  err = uth_estimate (input, &out->estimate);
  if (err != UTH_ESTIMATE_OK)
    {
      memset (out, 0, sizeof *out);
      return err;
    }
  out->layers = input->model->layers;
  if (!uth_overview_ridge (input->gpu, input->engine, input->activations, &out->ridge) ||
      !layer (input, out))
    {
      memset (out, 0, sizeof *out);
      return UTH_ESTIMATE_BAD_INPUT;
    }

  out->prefill_intensity = out->estimate.prefill_bytes > 0.0
                           ? out->estimate.prefill_flops / out->estimate.prefill_bytes : 0.0;
  out->decode_intensity = out->estimate.decode_intensity;
  out->decode_intensity_batch1 = out->decode_intensity;
  out->decode_flops_batch1 = out->estimate.decode_flops;
  out->decode_bytes_batch1 = out->estimate.decode_bytes;
  if (input->batch != 1)
    {
      one = *input;
      one.batch = 1;
      if (uth_estimate (&one, &at_one) == UTH_ESTIMATE_OK)
        {
          out->decode_intensity_batch1 = at_one.decode_intensity;
          out->decode_flops_batch1 = at_one.decode_flops;
          out->decode_bytes_batch1 = at_one.decode_bytes;
        }
    }

  gpus = input->gpus > 0 ? (double) input->gpus : 1.0;
  out->prefill_compute_seconds = out->estimate.prefill_flops / (gpus * out->ridge.peak_flops);
  out->prefill_memory_seconds = out->estimate.prefill_bytes / (gpus * out->ridge.effective_bandwidth);
  out->decode_compute_seconds = out->estimate.decode_flops / (gpus * out->ridge.peak_flops);
  out->decode_memory_seconds = out->estimate.decode_bytes / (gpus * out->ridge.effective_bandwidth);
  out->idle_factor = out->decode_intensity_batch1 > 0.0 ? out->ridge.ridge / out->decode_intensity_batch1 : 0.0;
  out->prefill_attainable = fmin (out->ridge.peak_flops,
                                  out->prefill_intensity * out->ridge.effective_bandwidth);
  out->decode_attainable = fmin (out->ridge.peak_flops,
                                 out->decode_intensity * out->ridge.effective_bandwidth);
  return UTH_ESTIMATE_OK;
}
