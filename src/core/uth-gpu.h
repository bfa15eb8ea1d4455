/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An accelerator's peak numbers. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "uth-dtype.h"

typedef struct
{
  /* Dense (no 2:4 sparsity) peak FLOP/s per data type; 0 where the chip has no such path. */
  double   peak_flops[UTH_N_DTYPES];
  double   memory_bytes;
  double   memory_bandwidth;       /* bytes/s */
  uint32_t sms;                    /* streaming multiprocessors / compute units / cores */
  double   l2_bytes;
  double   smem_per_sm_bytes;      /* shared memory (or local store) per SM */
  double   interconnect_bandwidth; /* bytes/s per GPU, one direction (NVLink, xGMI, ICI, PCIe) */
  double   price_per_hour;         /* US dollars per GPU-hour */
} UthGpu;

/* The peak used for compute in a dtype: falls back to the nearest wider type the chip has
 * (fp8 on A100 runs at fp16 rate, int4 at int8 rate, bf16 on V100 at fp16 rate, tf32 at fp32). */
double uth_gpu_peak_flops (const UthGpu *gpu,
                           UthDtype      dtype);
bool   uth_gpu_validate   (const UthGpu *gpu);
