/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The estimator: memory, prefill, decode and cost of one scenario.
 *
 * Time of a pass = sum over its ops (uth_model_ops, on one GPU of the tensor-parallel
 * group) of the roofline time of each op x its repeat (uth_roofline_op_time): every
 * weight is read once per pass, whatever the batch. The FLOPs and bytes reported are
 * those of the whole model (the op list with tensor parallelism 1).
 *
 * Definitions (fixed by issue 2, used by the command line and the Cost page):
 * - prefill: one forward pass over batch x prompt tokens.
 * - decode step: each of the batch's sequences adds step_tokens tokens with `context`
 *   tokens (the new ones included) in its KV cache.
 * - TTFT = the prefill: the first token comes from the prefill pass's last logits, as
 *   vLLM and TensorRT-LLM emit and measure it (queueing is the Batching page's).
 * - cost per million input tokens = price x gpus / 3600 x prefill seconds
 *   / (batch x prompt) x 1e6; output likewise with the decode step and batch x step tokens.
 * - memory: weights (params x bytes), the KV cache of batch sequences of
 *   max (prompt, context) tokens (with its copies when tensor parallelism replicates KV
 *   heads or MLA's latent), peak activations of the prefill, and the engine's runtime
 *   reserve; it fits when the sum is at most the memory of all GPUs.
 * - compute runs in the activation dtype: int4 or fp8 weights with bf16 activations are
 *   dequantized and multiplied in bf16. */
#include "uth-estimate.h"

#include <math.h>
#include <string.h>

#include "uth-ops.h"

#define UTH_ESTIMATE_MAX_BATCH  ((uint64_t) 1 << 32)
#define UTH_ESTIMATE_MAX_TOKENS ((uint64_t) 1 << 40)
#define UTH_ESTIMATE_MAX_GPUS   1024u

void
uth_estimate_input_init (UthEstimateInput *input)
{
  memset (input, 0, sizeof *input);
  input->gpus = 1;
  input->batch = 1;
  input->prompt = 1024;
  input->context = 1024;
  input->step_tokens = 1;
  input->output_tokens = 256;
  input->weights = UTH_DTYPE_BF16;
  input->kv = UTH_DTYPE_BF16;
  input->activations = UTH_DTYPE_BF16;
  input->price_per_hour = -1.0;
}

typedef struct
{
  double   seconds;
  double   flops;
  double   bytes;
  double   comm_seconds;
  double   weight_bytes;
  double   kv_read_bytes;
  UthBound bound;
} PassTime;

const char *
uth_attention_impl_id (UthAttentionImpl impl)
{
  return impl == UTH_ATTENTION_STANDARD ? "standard" : "flash";
}

bool
uth_attention_impl_from_id (const char       *id,
                            UthAttentionImpl *out)
{
  if (id == NULL || out == NULL)
    return false;
  if (strcmp (id, "flash") == 0)
    *out = UTH_ATTENTION_FLASH;
  else if (strcmp (id, "standard") == 0)
    *out = UTH_ATTENTION_STANDARD;
  else
    return false;
  return true;
}

bool
uth_estimate_uses_flash (const UthEstimateInput *in)
{
  if (in == NULL)
    return true;
  return in->attention != UTH_ATTENTION_STANDARD &&
         (in->engine == NULL || in->engine->flash_attention);
}

static uint64_t
at_least_1 (uint64_t v)
{
  return v > 0 ? v : 1;
}

bool
uth_estimate_workload (const UthEstimateInput *in,
                       UthPhase                phase,
                       UthWorkload            *w)
{
  if (w == NULL)
    return false;
  memset (w, 0, sizeof *w);
  if (in == NULL || in->model == NULL)
    return false;
  w->phase = phase;
  w->batch = at_least_1 (in->batch);
  if (phase == UTH_PHASE_PREFILL)
    {
      w->tokens = at_least_1 (in->prompt);
      w->context = w->tokens;
    }
  else
    {
      w->tokens = at_least_1 (in->step_tokens);
      w->context = in->context > w->tokens ? in->context : w->tokens;
    }
  w->weights = in->weights;
  w->kv = in->kv;
  w->activations = in->activations;
  w->flash_attention = uth_estimate_uses_flash (in);
  w->tensor_parallel = in->gpus > 0 ? in->gpus : 1;
  return true;
}

static UthWorkload
workload (const UthEstimateInput *in,
          UthPhase                phase,
          uint32_t                tp)
{
  UthWorkload w;

  uth_estimate_workload (in, phase, &w);
  w.tensor_parallel = tp;
  return w;
}

/* Times one pass on one GPU of the group; FLOPs and bytes of the whole model. */
static bool
pass_time (const UthEstimateInput *in,
           UthPhase                phase,
           PassTime               *out)
{
  UthOp ops[UTH_MAX_MODEL_OPS];
  UthWorkload w = workload (in, phase, in->gpus);
  double by_bound[4] = { 0.0, 0.0, 0.0, 0.0 };
  UthOpTotals totals;
  size_t n, i;
  unsigned b, best = UTH_BOUND_MEMORY;

  memset (out, 0, sizeof *out);
  n = uth_model_ops (in->model, &w, ops, UTH_MAX_MODEL_OPS);
  if (n == 0)
    return false;
  for (i = 0; i < n; i++)
    {
      UthOpTime t = uth_roofline_op_time (&ops[i], in->gpu, in->engine, in->activations);
      double s = t.seconds * ops[i].repeat;

      out->seconds += s;
      if (ops[i].kind == UTH_OP_COMM)
        out->comm_seconds += s;
      if ((unsigned) t.bound < 4)
        by_bound[t.bound] += s;
    }
  for (b = 0; b < 4; b++)
    if (by_bound[b] > by_bound[best])
      best = b;
  out->bound = (UthBound) best;

  /* Whole-model FLOPs and bytes: the same list when nothing is split. */
  if (w.tensor_parallel != 1)
    {
      w.tensor_parallel = 1;
      n = uth_model_ops (in->model, &w, ops, UTH_MAX_MODEL_OPS);
      if (n == 0)
        return false;
    }
  totals = uth_ops_total (ops, n);
  out->flops = totals.flops;
  out->bytes = totals.bytes;
  out->weight_bytes = totals.weight_bytes;
  out->kv_read_bytes = totals.kv_read_bytes;
  return isfinite (out->seconds) && out->seconds > 0.0;
}

/* Peak transient activations of one GPU during the prefill of batch x prompt tokens:
 * the residual stream and its normed copy, the larger of the QKV output and the MLP's
 * intermediate tensors (gate/up output plus activated product), the score matrix of one
 * layer when attention is not flash, and the fp32 logits of the last positions. */
static double
activation_bytes (const UthEstimateInput *in)
{
  const UthModel *m = in->model;
  double ab = uth_dtype_bytes (in->activations);
  double tp = in->gpus;
  double tok = (double) in->batch * (double) in->prompt;
  double d = m->hidden;
  double up = m->gated_mlp ? 3.0 : 2.0;
  double heads = (double) m->heads / tp;
  double qkv, mlp, scores = 0.0, logits;

  if (m->attention == UTH_ATTN_MLA)
    qkv = tok * heads * (2.0 * (m->qk_nope_dim + m->qk_rope_dim) + m->v_head_dim);
  else
    qkv = tok * (heads + 2.0 * fmax (1.0, m->kv_heads / tp)) * m->head_dim;
  if (m->experts > 0 && m->dense_layers < m->layers)
    mlp = tok * up * m->expert_ffn / tp * ((double) m->active_experts + m->shared_experts);
  else
    mlp = 0.0;
  mlp = fmax (mlp, tok * up * m->ffn / tp);
  if (!uth_estimate_uses_flash (in))
    scores = (double) in->batch * heads * (double) in->prompt * (double) in->prompt;
  logits = (double) in->batch * m->vocab / tp * 4.0;
  return tp * ((2.0 * tok * d + fmax (qkv, mlp) + scores) * ab + logits);
}

/* Copies of the KV cache over the tensor-parallel group: each GPU keeps its own KV heads,
 * but with fewer KV heads than GPUs a head is kept by tp / kv_heads GPUs, and MLA's
 * latent is needed whole by every GPU. */
static double
kv_replicas (const UthEstimateInput *in)
{
  const UthModel *m = in->model;
  double tp = in->gpus;

  if (m->attention == UTH_ATTN_MLA)
    return tp;
  if (m->kv_heads < in->gpus)
    return tp / m->kv_heads;
  return 1.0;
}

static UthEstimateError
validate (const UthEstimateInput *in)
{
  UthWorkload w;

  if (in->model == NULL || uth_model_validate (in->model) != UTH_MODEL_OK)
    return UTH_ESTIMATE_BAD_MODEL;
  if (in->gpu == NULL || !uth_gpu_validate (in->gpu))
    return UTH_ESTIMATE_BAD_GPU;
  if (in->engine == NULL || !uth_engine_validate (in->engine))
    return UTH_ESTIMATE_BAD_ENGINE;
  if (in->gpus == 0 || in->gpus > UTH_ESTIMATE_MAX_GPUS ||
      in->batch == 0 || in->batch > UTH_ESTIMATE_MAX_BATCH ||
      in->prompt == 0 || in->prompt > UTH_ESTIMATE_MAX_TOKENS ||
      in->context == 0 || in->context > UTH_ESTIMATE_MAX_TOKENS ||
      in->step_tokens == 0 || in->step_tokens > in->context ||
      in->output_tokens > UTH_ESTIMATE_MAX_TOKENS ||
      !isfinite (in->price_per_hour) || in->price_per_hour > 1e6)
    return UTH_ESTIMATE_BAD_INPUT;
  /* Splitting a model over GPUs needs a link between them. */
  if (in->gpus > 1 && !(in->gpu->interconnect_bandwidth > 0.0))
    return UTH_ESTIMATE_BAD_INPUT;
  w = workload (in, UTH_PHASE_DECODE, in->gpus);
  if (uth_workload_validate (in->model, &w) != UTH_OPS_OK)
    return UTH_ESTIMATE_BAD_INPUT;
  w = workload (in, UTH_PHASE_PREFILL, in->gpus);
  if (uth_workload_validate (in->model, &w) != UTH_OPS_OK)
    return UTH_ESTIMATE_BAD_INPUT;
  return UTH_ESTIMATE_OK;
}

static void
rules_of_thumb (const UthEstimateInput *in,
                UthEstimate            *out)
{
  UthRuleOfThumb *r = &out->rule_of_thumb;
  double wb = uth_dtype_bytes (in->weights);
  double gpus = in->gpus;

  r->flops_per_token = 2.0 * out->active_params;
  r->weight_bytes = out->params * wb;
  /* A decode token reads every weight of a dense model, but only the dense part and the
   * shared and active experts of a mixture of experts. */
  r->decode_weight_bytes = out->active_params * wb;
  r->decode_tokens_per_second = gpus * in->gpu->memory_bandwidth / r->decode_weight_bytes;
  r->prefill_tokens_per_second = gpus * uth_gpu_peak_flops (in->gpu, in->activations) /
                                 r->flops_per_token;
  r->decode_intensity = 2.0 * (double) in->batch / wb;
}

/* The memory half of the estimate: what the fits map and the KV Cache page need, without
 * timing two passes (a few per cent of the cost of uth_estimate). */
static void
memory (const UthEstimateInput *input,
        UthEstimate            *out)
{
  double gpus = input->gpus;

  out->params = (double) uth_model_params (input->model);
  out->active_params = (double) uth_model_active_params (input->model);
  out->weight_bytes = out->params * uth_dtype_bytes (input->weights);
  out->kv_bytes_per_token = uth_model_kv_bytes_per_token (input->model,
                                                          uth_dtype_bytes (input->kv));
  out->kv_cache_bytes = (double) input->batch * kv_replicas (input) *
                        uth_model_kv_bytes_at_context (input->model, uth_dtype_bytes (input->kv),
                                                       input->prompt > input->context ?
                                                       input->prompt : input->context);
  out->activation_bytes = activation_bytes (input);
  out->reserve_bytes = gpus * (input->engine->runtime_reserve_bytes +
                               input->engine->runtime_reserve_fraction *
                               input->gpu->memory_bytes);
  out->total_memory_bytes = out->weight_bytes + out->kv_cache_bytes + out->activation_bytes +
                            out->reserve_bytes;
  out->gpu_memory_bytes = gpus * input->gpu->memory_bytes;
  out->fits = out->total_memory_bytes <= out->gpu_memory_bytes;
}

uint32_t
uth_estimate_min_gpus (const UthEstimateInput *input)
{
  UthEstimateInput in;
  UthEstimate est;
  uint32_t g;

  if (input == NULL)
    return 0;
  in = *input;
  for (g = 1; g <= UTH_ESTIMATE_MAX_GPUS; g++)
    {
      in.gpus = g;
      /* Counts the heads do not divide (or no link between GPUs) fail validation. */
      if (uth_estimate_memory (&in, &est) == UTH_ESTIMATE_OK && est.fits)
        return g;
    }
  return 0;
}

bool
uth_estimate_layer (const UthEstimateInput *input,
                    UthPhase                phase,
                    uint32_t                layer,
                    UthLayerEstimate       *out)
{
  size_t i;

  if (out == NULL)
    return false;
  memset (out, 0, sizeof *out);
  if (input == NULL || input->model == NULL || uth_model_validate (input->model) != UTH_MODEL_OK ||
      input->gpu == NULL || !uth_gpu_validate (input->gpu) ||
      input->engine == NULL || !uth_engine_validate (input->engine) ||
      !uth_estimate_workload (input, phase, &out->work) ||
      uth_workload_validate (input->model, &out->work) != UTH_OPS_OK)
    return false;
  out->layer = layer < input->model->layers ? layer : input->model->layers - 1;
  out->n = uth_layer_ops (input->model, &out->work, out->layer, out->ops, UTH_MAX_LAYER_OPS);
  if (out->n == 0)
    return false;
  for (i = 0; i < out->n; i++)
    {
      UthOpTime t = uth_roofline_op_time (&out->ops[i], input->gpu, input->engine,
                                          input->activations);
      double sec = t.seconds * out->ops[i].repeat;

      out->time[i] = t;
      out->seconds += sec;
      if (t.bound == UTH_BOUND_COMPUTE)
        out->compute_seconds += sec;
      else if (t.bound == UTH_BOUND_MEMORY)
        out->memory_seconds += sec;
      else
        out->other_seconds += sec;
    }
  out->totals = uth_ops_total (out->ops, out->n);
  return true;
}

UthEstimateError
uth_estimate_memory (const UthEstimateInput *input,
                     UthEstimate            *out)
{
  UthEstimateError err;

  if (out == NULL)
    return UTH_ESTIMATE_BAD_INPUT;
  memset (out, 0, sizeof *out);
  if (input == NULL)
    return UTH_ESTIMATE_BAD_INPUT;
  err = validate (input);
  if (err != UTH_ESTIMATE_OK)
    return err;
  memory (input, out);
  return UTH_ESTIMATE_OK;
}

UthEstimateError
uth_estimate (const UthEstimateInput *input,
              UthEstimate            *out)
{
  UthEstimateError err;
  PassTime prefill, decode;
  double gpus, tokens_in, tokens_step, price, dollars_per_second, steps;

  if (out == NULL)
    return UTH_ESTIMATE_BAD_INPUT;
  memset (out, 0, sizeof *out);
  if (input == NULL)
    return UTH_ESTIMATE_BAD_INPUT;
  err = validate (input);
  if (err != UTH_ESTIMATE_OK)
    return err;
  if (!pass_time (input, UTH_PHASE_PREFILL, &prefill) ||
      !pass_time (input, UTH_PHASE_DECODE, &decode))
    return UTH_ESTIMATE_BAD_INPUT;

  gpus = input->gpus;
  tokens_in = (double) input->batch * (double) input->prompt;
  tokens_step = (double) input->batch * (double) input->step_tokens;

  memory (input, out);

  out->prefill_flops = prefill.flops;
  out->prefill_bytes = prefill.bytes;
  out->prefill_seconds = prefill.seconds;
  out->prefill_tokens_per_second = tokens_in / prefill.seconds;
  out->prefill_bound = prefill.bound;
  out->prefill_comm_seconds = prefill.comm_seconds;

  out->decode_flops = decode.flops;
  out->decode_bytes = decode.bytes;
  out->decode_step_seconds = decode.seconds;
  out->decode_tokens_per_second = tokens_step / decode.seconds;
  out->decode_tokens_per_second_per_sequence = (double) input->step_tokens / decode.seconds;
  out->decode_bound = decode.bound;
  out->decode_intensity = decode.bytes > 0.0 ? decode.flops / decode.bytes : 0.0;
  out->decode_comm_seconds = decode.comm_seconds;
  out->decode_weight_read_bytes = decode.weight_bytes;
  out->decode_kv_read_bytes = decode.kv_read_bytes;

  out->ttft_seconds = prefill.seconds;
  steps = ceil ((double) input->output_tokens / (double) input->step_tokens);
  out->request_seconds = prefill.seconds + steps * decode.seconds;

  price = input->price_per_hour >= 0.0 ? input->price_per_hour : input->gpu->price_per_hour;
  out->price_per_hour = price;
  dollars_per_second = price * gpus / 3600.0;
  out->cost_per_million_input_tokens = dollars_per_second * prefill.seconds / tokens_in * 1e6;
  out->cost_per_million_output_tokens = dollars_per_second * decode.seconds / tokens_step * 1e6;

  rules_of_thumb (input, out);
  out->min_gpus = out->fits ? input->gpus : uth_estimate_min_gpus (input);
  return UTH_ESTIMATE_OK;
}
