/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Data types of weights, KV cache and activations. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The block-quantized formats store scales (and zero points) beside the codes, so their
 * bytes per element are their real bits over 8, not the width of one code:
 *   q8_0       llama.cpp Q8_0: blocks of 32 int8 codes and one fp16 scale, (32 x 8 + 16) / 32
 *              = 8.5 bits.
 *   q4_0       llama.cpp Q4_0: blocks of 32 4-bit codes and one fp16 scale, (32 x 4 + 16) / 32
 *              = 4.5 bits.
 *   q4_k_m     llama.cpp Q4_K_M: Q4_K super-blocks (4.5 bits) with some tensors in Q6_K
 *              (6.5625 bits); a whole Llama-2-7B file is 3.80 GiB for 6.74 B parameters
 *              (llama.cpp pull request 3084's table), 3.80 x 2^30 x 8 / 6.74e9 = 4.85 bits.
 *   int4-g128  GPTQ or AWQ 4-bit with group size 128: 4-bit codes plus, per group of 128
 *              weights, an fp16 scale and a 4-bit zero point, 4 + (16 + 4) / 128 = 4.15625 bits.
 * These hold weights only (q8_0 and q4_0 also a KV cache, as llama.cpp's --cache-type-k/v
 * allow); matrix products run in the activation type. */
typedef enum
{
  UTH_DTYPE_FP32,
  UTH_DTYPE_TF32,
  UTH_DTYPE_BF16,
  UTH_DTYPE_FP16,
  UTH_DTYPE_FP8,
  UTH_DTYPE_INT8,
  UTH_DTYPE_INT4,
  UTH_DTYPE_Q8_0,      /*< nick=q8_0 >*/
  UTH_DTYPE_Q4_0,      /*< nick=q4_0 >*/
  UTH_DTYPE_Q4_K_M,    /*< nick=q4_k_m >*/
  UTH_DTYPE_INT4_G128,
  UTH_N_DTYPES /*< skip >*/
} UthDtype;

/* Bytes per element: 4, 4 (tf32 is stored as fp32), 2, 2, 1, 1, 0.5, and the block formats'
 * real bits over 8: 8.5 / 8, 4.5 / 8, 4.85 / 8, 4.15625 / 8. */
double      uth_dtype_bytes   (UthDtype dtype);
/* Bits per element, scales included (uth_dtype_bytes x 8). */
double      uth_dtype_bits    (UthDtype dtype);
/* Stable lower-case id: "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4", "q8_0",
 * "q4_0", "q4_k_m", "int4-g128". */
const char *uth_dtype_id      (UthDtype dtype);
/* Parses an id (case-insensitive; "gptq-int4" and "awq-int4" are read as int4-g128);
 * false when unknown. */
bool        uth_dtype_from_id (const char *id,
                               UthDtype   *out);
/* Whether the type may be used to store tensors (tf32 is a compute mode only). */
bool        uth_dtype_is_storage (UthDtype dtype);
/* Whether matrix products can run in the type (false for the block-quantized formats,
 * which are dequantized into the activation type). */
bool        uth_dtype_is_compute (UthDtype dtype);
/* Whether a KV cache can be stored in the type (every storage type but q4_k_m and
 * int4-g128, which are weight formats). */
bool        uth_dtype_is_kv      (UthDtype dtype);
/* Whether the type is a block-quantized weight format that a kernel dequantizes before
 * (or while) multiplying: q8_0, q4_0, q4_k_m, int4-g128. */
bool        uth_dtype_is_block   (UthDtype dtype);
