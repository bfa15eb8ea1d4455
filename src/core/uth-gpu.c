/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-gpu.h"

#include <math.h>

/* Where a chip has no path for a type, it runs at the rate of the next type it has.
 * Narrower types fall back to wider ones; bf16 and fp16 stand in for each other. */
static const UthDtype fallbacks[UTH_N_DTYPES][4] = {
  [UTH_DTYPE_FP32] = { UTH_DTYPE_FP32, UTH_DTYPE_FP32, UTH_DTYPE_FP32, UTH_DTYPE_FP32 },
  [UTH_DTYPE_TF32] = { UTH_DTYPE_TF32, UTH_DTYPE_FP32, UTH_DTYPE_FP32, UTH_DTYPE_FP32 },
  [UTH_DTYPE_BF16] = { UTH_DTYPE_BF16, UTH_DTYPE_FP16, UTH_DTYPE_FP32, UTH_DTYPE_FP32 },
  [UTH_DTYPE_FP16] = { UTH_DTYPE_FP16, UTH_DTYPE_BF16, UTH_DTYPE_FP32, UTH_DTYPE_FP32 },
  [UTH_DTYPE_FP8]  = { UTH_DTYPE_FP8,  UTH_DTYPE_BF16, UTH_DTYPE_FP16, UTH_DTYPE_FP32 },
  [UTH_DTYPE_INT8] = { UTH_DTYPE_INT8, UTH_DTYPE_FP16, UTH_DTYPE_BF16, UTH_DTYPE_FP32 },
  [UTH_DTYPE_INT4] = { UTH_DTYPE_INT4, UTH_DTYPE_INT8, UTH_DTYPE_FP16, UTH_DTYPE_BF16 },
  /* Block-quantized weights are dequantized into 16 bits before the multiply. */
  [UTH_DTYPE_Q8_0]      = { UTH_DTYPE_FP16, UTH_DTYPE_BF16, UTH_DTYPE_FP32, UTH_DTYPE_FP32 },
  [UTH_DTYPE_Q4_0]      = { UTH_DTYPE_FP16, UTH_DTYPE_BF16, UTH_DTYPE_FP32, UTH_DTYPE_FP32 },
  [UTH_DTYPE_Q4_K_M]    = { UTH_DTYPE_FP16, UTH_DTYPE_BF16, UTH_DTYPE_FP32, UTH_DTYPE_FP32 },
  [UTH_DTYPE_INT4_G128] = { UTH_DTYPE_FP16, UTH_DTYPE_BF16, UTH_DTYPE_FP32, UTH_DTYPE_FP32 },
};

double
uth_gpu_peak_flops (const UthGpu *gpu,
                    UthDtype      dtype)
{
  if (gpu == NULL || (unsigned) dtype >= UTH_N_DTYPES)
    return 0.0;
  for (unsigned i = 0; i < 4; i++)
    {
      double peak = gpu->peak_flops[fallbacks[dtype][i]];
      if (peak > 0.0)
        return peak;
    }
  return gpu->peak_flops[UTH_DTYPE_FP32];
}

static bool
positive (double v)
{
  return isfinite (v) && v > 0.0;
}

bool
uth_gpu_validate (const UthGpu *gpu)
{
  if (gpu == NULL)
    return false;
  for (unsigned i = 0; i < UTH_N_DTYPES; i++)
    if (!isfinite (gpu->peak_flops[i]) || gpu->peak_flops[i] < 0.0)
      return false;
  return positive (uth_gpu_peak_flops (gpu, UTH_DTYPE_BF16)) &&
         positive (gpu->memory_bytes) &&
         positive (gpu->memory_bandwidth) &&
         gpu->sms > 0 &&
         isfinite (gpu->l2_bytes) && gpu->l2_bytes >= 0.0 &&
         isfinite (gpu->smem_per_sm_bytes) && gpu->smem_per_sm_bytes >= 0.0 &&
         isfinite (gpu->interconnect_bandwidth) && gpu->interconnect_bandwidth >= 0.0 &&
         isfinite (gpu->price_per_hour) && gpu->price_per_hour >= 0.0;
}
