/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Data types of weights, KV cache and activations. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum
{
  UTH_DTYPE_FP32,
  UTH_DTYPE_TF32,
  UTH_DTYPE_BF16,
  UTH_DTYPE_FP16,
  UTH_DTYPE_FP8,
  UTH_DTYPE_INT8,
  UTH_DTYPE_INT4,
  UTH_N_DTYPES /*< skip >*/
} UthDtype;

/* Bytes per element: 4, 4 (tf32 is stored as fp32), 2, 2, 1, 1, 0.5. */
double      uth_dtype_bytes   (UthDtype dtype);
/* Stable lower-case id: "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4". */
const char *uth_dtype_id      (UthDtype dtype);
/* Parses an id (case-insensitive); false when unknown. */
bool        uth_dtype_from_id (const char *id,
                               UthDtype   *out);
/* Whether the type may be used to store tensors (tf32 is a compute mode only). */
bool        uth_dtype_is_storage (UthDtype dtype);
