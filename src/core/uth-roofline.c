/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The roofline: an op is limited either by arithmetic or by memory traffic.
 *
 * The efficiency model on top of the ideal roofline (UthEngine):
 * - compute: matmuls reach compute_efficiency x peak(dtype) when they have many rows;
 *   a weight GEMM with r rows reaches r / (r + half) of that (half = compute_half_rows):
 *   a skinny GEMM cannot fill the tensor cores. Attention kernels are not scaled by rows:
 *   decode attention kernels are built for few query rows and stay memory-bound.
 *   Norms, rotary, softmax and other elementwise work run on the vector units at the
 *   fp32 peak.
 * - memory: each stream the op reads or writes (weights, KV cache, activations) moves at
 *   bandwidth_efficiency x bandwidth x s / (s + half) for a stream of s bytes
 *   (half = bandwidth_half_bytes): small transfers do not reach full bandwidth. Summed
 *   over streams this is (s + half) / (bandwidth x efficiency) per stream: a fixed
 *   start-up cost per stream plus the bytes at the achievable rate.
 *   The KV cache stream of attention moves at attention_bandwidth_efficiency instead,
 *   times u / (u + attention_half_ctas x SMs) for u sequences x KV heads: attention
 *   kernels spread that work over the SMs, and a few units leave most SMs idle.
 * - attention matmuls reach attention_compute_efficiency of peak (flash kernels do more
 *   than matmuls: masking, online softmax), and run at the 16-bit rate even when the
 *   GEMMs run in fp8 or int8. GEMMs in 8 bits reach narrow_compute_efficiency of their
 *   peak instead of compute_efficiency. GEMMs whose weights are block-quantized (q4_0 ...)
 *   reach dequant_compute_efficiency of the rate they would reach with 16-bit weights.
 * - overhead: launch_overhead_s per kernel launch; when the engine states its kernels per
 *   layer, a layer's launches are scaled to that number.
 * - communication: comm_latency_s plus the bytes sent over the interconnect at
 *   comm_efficiency of its bandwidth. */
#include "uth-roofline.h"

#include <math.h>

const char *
uth_bound_id (UthBound bound)
{
  switch (bound)
    {
    case UTH_BOUND_COMPUTE:       return "compute";
    case UTH_BOUND_MEMORY:        return "memory";
    case UTH_BOUND_OVERHEAD:      return "overhead";
    case UTH_BOUND_COMMUNICATION: return "communication";
    default:                      return "unknown";
    }
}

double
uth_roofline_ridge (const UthGpu *gpu,
                    UthDtype      dtype)
{
  if (gpu == NULL || !(gpu->memory_bandwidth > 0.0))
    return 0.0;
  return uth_gpu_peak_flops (gpu, dtype) / gpu->memory_bandwidth;
}

double
uth_roofline_attainable (const UthGpu *gpu,
                         UthDtype      dtype,
                         double        intensity)
{
  double peak, slope;

  if (gpu == NULL || !(intensity >= 0.0))
    return 0.0;
  peak = uth_gpu_peak_flops (gpu, dtype);
  slope = intensity * gpu->memory_bandwidth;
  return slope < peak ? slope : peak;
}

static bool
uses_matrix_units (UthOpKind kind)
{
  return kind == UTH_OP_GEMM || kind == UTH_OP_ATTN_MATMUL || kind == UTH_OP_LM_HEAD;
}

double
uth_roofline_compute_efficiency (const UthEngine *engine,
                                 const UthOp     *op)
{
  double eff = engine->compute_efficiency;

  if ((op->kind == UTH_OP_ATTN_MATMUL || op->kind == UTH_OP_SOFTMAX) &&
      engine->attention_compute_efficiency > 0.0)
    eff = engine->attention_compute_efficiency;

  if ((op->kind == UTH_OP_GEMM || op->kind == UTH_OP_LM_HEAD) && engine->compute_half_rows > 0.0)
    {
      double rows = op->rows > 0.0 ? op->rows : (double) op->m;

      if (rows < 1.0)
        rows = 1.0;
      eff *= rows / (rows + engine->compute_half_rows);
    }
  return eff;
}

/* Seconds to move one stream of `bytes`, with the per-stream start-up of half-bytes. */
static double
stream_seconds (double           bytes,
                double           rate,
                const UthEngine *engine)
{
  if (!(bytes > 0.0))
    return 0.0;
  return (bytes + engine->bandwidth_half_bytes) / rate;
}

double
uth_roofline_kv_bandwidth (const UthOp     *op,
                           const UthGpu    *gpu,
                           const UthEngine *engine)
{
  double eff = engine->attention_bandwidth_efficiency > 0.0 ?
               engine->attention_bandwidth_efficiency : engine->bandwidth_efficiency;

  if (engine->attention_half_ctas > 0.0 && op->parallel > 0.0)
    {
      double half = engine->attention_half_ctas * (gpu->sms > 0 ? gpu->sms : 1);

      eff *= op->parallel / (op->parallel + half);
    }
  return gpu->memory_bandwidth * eff;
}

double
uth_roofline_memory_seconds (const UthOp     *op,
                             const UthGpu    *gpu,
                             const UthEngine *engine)
{
  double rate = gpu->memory_bandwidth * engine->bandwidth_efficiency;
  double kv_rate = uth_roofline_kv_bandwidth (op, gpu, engine);

  if (!(rate > 0.0) || !(kv_rate > 0.0))
    return 0.0;
  return stream_seconds (op->weight_bytes, rate, engine) +
         stream_seconds (op->kv_read_bytes + op->kv_write_bytes, kv_rate, engine) +
         stream_seconds (op->act_read_bytes + op->act_write_bytes, rate, engine);
}

double
uth_roofline_overhead_seconds (const UthOp     *op,
                               const UthEngine *engine)
{
  double kernels = op->kernels;

  if (engine->kernels_per_layer > 0 && op->layer_kernels > 0.0)
    kernels *= engine->kernels_per_layer / op->layer_kernels;
  return engine->launch_overhead_s * kernels;
}

UthOpTime
uth_roofline_op_time (const UthOp     *op,
                      const UthGpu    *gpu,
                      const UthEngine *engine,
                      UthDtype         compute_dtype)
{
  UthOpTime t = { 0.0, 0.0, 0.0, 0.0, UTH_BOUND_MEMORY };
  double peak, busy;

  if (op == NULL || gpu == NULL || engine == NULL)
    return t;

  if (op->kind == UTH_OP_COMM)
    {
      double rate = gpu->interconnect_bandwidth * engine->comm_efficiency;

      t.overhead_seconds = engine->comm_latency_s;
      t.memory_seconds = op->comm_bytes > 0.0 ? (rate > 0.0 ? op->comm_bytes / rate : INFINITY)
                                              : 0.0;
      t.seconds = t.overhead_seconds + t.memory_seconds;
      t.bound = UTH_BOUND_COMMUNICATION;
      return t;
    }

  /* Attention keeps 16 bits even when the GEMMs run in fp8 or int8: its probabilities
   * and running softmax need the range (serving engines' default). */
  if (op->kind == UTH_OP_ATTN_MATMUL && uth_dtype_bytes (compute_dtype) < 2.0)
    compute_dtype = UTH_DTYPE_BF16;
  peak = uses_matrix_units (op->kind) ? uth_gpu_peak_flops (gpu, compute_dtype)
                                      : uth_gpu_peak_flops (gpu, UTH_DTYPE_FP32);
  peak *= uth_roofline_compute_efficiency (engine, op);
  if ((op->kind == UTH_OP_GEMM || op->kind == UTH_OP_LM_HEAD) &&
      uth_dtype_bytes (compute_dtype) < 2.0 && engine->narrow_compute_efficiency > 0.0)
    peak *= engine->narrow_compute_efficiency / engine->compute_efficiency;
  if (op->dequantize && engine->dequant_compute_efficiency > 0.0)
    peak *= engine->dequant_compute_efficiency;
  t.compute_seconds = op->flops > 0.0 && peak > 0.0 ? op->flops / peak : 0.0;
  t.memory_seconds = uth_roofline_memory_seconds (op, gpu, engine);
  t.overhead_seconds = uth_roofline_overhead_seconds (op, engine);

  busy = fmax (t.compute_seconds, t.memory_seconds);
  t.seconds = busy + t.overhead_seconds;
  if (t.overhead_seconds > busy)
    t.bound = UTH_BOUND_OVERHEAD;
  else if (t.compute_seconds >= t.memory_seconds && t.compute_seconds > 0.0)
    t.bound = UTH_BOUND_COMPUTE;
  else
    t.bound = UTH_BOUND_MEMORY;
  return t;
}

void
uth_roofline_engine_rates (const UthGpu    *gpu,
                           const UthEngine *engine,
                           UthDtype         compute_dtype,
                           double          *flops_per_second,
                           double          *bytes_per_second)
{
  double peak = 0.0, bw = 0.0;

  if (gpu != NULL && engine != NULL)
    {
      double eff = engine->compute_efficiency;

      if (uth_dtype_bytes (compute_dtype) < 2.0 && engine->narrow_compute_efficiency > 0.0)
        eff = engine->narrow_compute_efficiency;
      peak = uth_gpu_peak_flops (gpu, compute_dtype) * eff;
      bw = gpu->memory_bandwidth * engine->bandwidth_efficiency;
    }
  if (flops_per_second != NULL)
    *flops_per_second = peak;
  if (bytes_per_second != NULL)
    *bytes_per_second = bw;
}
