/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The roofline model: an op takes max(compute time, memory time). */
#pragma once

#include "uth-dtype.h"
#include "uth-engine.h"
#include "uth-gpu.h"
#include "uth-ops.h"

typedef enum
{
  UTH_BOUND_COMPUTE,
  UTH_BOUND_MEMORY,
  UTH_BOUND_OVERHEAD,       /* launch overhead exceeds both */
  UTH_BOUND_COMMUNICATION,
} UthBound;

const char *uth_bound_id (UthBound bound);   /* "compute", "memory", "overhead", "communication" */

/* FLOP per byte where the bandwidth slope meets the compute roof. */
double uth_roofline_ridge      (const UthGpu *gpu,
                                UthDtype      dtype);
/* min(peak, intensity x bandwidth). */
double uth_roofline_attainable (const UthGpu *gpu,
                                UthDtype      dtype,
                                double        intensity);

typedef struct
{
  double   seconds;         /* max(compute, memory) + overhead, x op repeat not applied */
  double   compute_seconds;
  double   memory_seconds;
  double   overhead_seconds;
  UthBound bound;
} UthOpTime;

/* Time of one op (not x repeat) on a GPU with an engine; compute in the given dtype. */
UthOpTime uth_roofline_op_time (const UthOp     *op,
                                const UthGpu    *gpu,
                                const UthEngine *engine,
                                UthDtype         compute_dtype);

/* What the engine reaches on large ops, as uth_roofline_op_time rates a large GEMM and a
 * large weight stream: peak(dtype) x compute_efficiency (narrow_compute_efficiency for
 * 8- and 4-bit math) and bandwidth x bandwidth_efficiency. The dashed roof of the Layer
 * page and its ridge. Either output may be NULL. */
void uth_roofline_engine_rates (const UthGpu    *gpu,
                                const UthEngine *engine,
                                UthDtype         compute_dtype,
                                double          *flops_per_second,
                                double          *bytes_per_second);

/* The parts of an op's time, for pages that explain them. */
/* Fraction of peak the op's matmul reaches: compute_efficiency x rows / (rows + half). */
double uth_roofline_compute_efficiency (const UthEngine *engine,
                                        const UthOp     *op);
/* Weights, KV cache and activations as separate streams, each (bytes + half) / rate. */
double uth_roofline_memory_seconds     (const UthOp     *op,
                                        const UthGpu    *gpu,
                                        const UthEngine *engine);
/* Bytes/s the op's KV-cache stream reaches (attention efficiency and parallelism). */
double uth_roofline_kv_bandwidth       (const UthOp     *op,
                                        const UthGpu    *gpu,
                                        const UthEngine *engine);
/* launch_overhead_s x the op's kernels (scaled to the engine's kernels per layer). */
double uth_roofline_overhead_seconds   (const UthOp     *op,
                                        const UthEngine *engine);
