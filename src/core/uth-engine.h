/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The efficiency model of an inference engine: how close to the roofline it gets. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct
{
  double   compute_efficiency;     /* achievable fraction of peak FLOP/s on large GEMMs, 0..1 */
  double   bandwidth_efficiency;   /* achievable fraction of memory bandwidth on large reads */
  double   launch_overhead_s;      /* fixed cost of one kernel launch */
  uint32_t kernels_per_layer;      /* kernel launches per layer per forward pass */
  bool     flash_attention;        /* attention scores never go through HBM */
  /* Shape dependence: an op reaches half of the achievable fraction at these sizes. 0 disables. */
  double   compute_half_rows;      /* GEMM rows (tokens) at which compute efficiency is halved */
  double   bandwidth_half_bytes;   /* bytes of one stream at which bandwidth efficiency is halved */
  double   comm_efficiency;        /* achievable fraction of interconnect bandwidth */
  double   comm_latency_s;         /* fixed latency of one all-reduce */
  double   runtime_reserve_bytes;  /* memory the runtime keeps (CUDA context, workspace) */
  double   runtime_reserve_fraction; /* plus this fraction of GPU memory */
  /* Attention kernels (QK^T, softmax, PV) differ from weight GEMMs; 0 takes the fields above. */
  double   attention_compute_efficiency;   /* fraction of peak of (flash) attention matmuls */
  double   attention_bandwidth_efficiency; /* fraction of bandwidth of KV-cache reads */
  /* Parallel work of an attention op (sequences x KV heads on one GPU), as a multiple of
   * the GPU's SMs, at which its KV bandwidth efficiency is halved: one sequence of a GQA
   * model keeps few SMs busy. 0 disables. */
  double   attention_half_ctas;
  /* GEMMs in 8 or 4 bits (fp8, int8 activations) double or quadruple the math rate but not
   * the data paths feeding it; they reach this fraction of their own peak. 0 takes
   * compute_efficiency. */
  double   narrow_compute_efficiency;
  /* GEMMs whose weights are in a block-quantized format (q8_0, q4_0, q4_k_m, int4-g128)
   * dequantize them on the way in; they reach this fraction of the compute rate the same
   * GEMM reaches with 16-bit weights. 0 takes 1 (no cost). */
  double   dequant_compute_efficiency;
} UthEngine;

/* The ideal: 100% of peak and bandwidth, no launch overhead, flash attention, no reserve. */
void uth_engine_init_roofline (UthEngine *engine);
bool uth_engine_validate      (const UthEngine *engine);
