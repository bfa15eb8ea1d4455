/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-dtype.h"

#include <strings.h>

static const struct
{
  const char *id;
  double      bits;
  bool        storage;
  bool        compute;
  bool        kv;
} dtypes[UTH_N_DTYPES] = {
  [UTH_DTYPE_FP32]      = { "fp32",      32.0,    true,  true,  true },
  [UTH_DTYPE_TF32]      = { "tf32",      32.0,    false, true,  false },
  [UTH_DTYPE_BF16]      = { "bf16",      16.0,    true,  true,  true },
  [UTH_DTYPE_FP16]      = { "fp16",      16.0,    true,  true,  true },
  [UTH_DTYPE_FP8]       = { "fp8",        8.0,    true,  true,  true },
  [UTH_DTYPE_INT8]      = { "int8",       8.0,    true,  true,  true },
  [UTH_DTYPE_INT4]      = { "int4",       4.0,    true,  true,  true },
  /* (32 x 8 + 16) / 32 */
  [UTH_DTYPE_Q8_0]      = { "q8_0",       8.5,    true,  false, true },
  /* (32 x 4 + 16) / 32 */
  [UTH_DTYPE_Q4_0]      = { "q4_0",       4.5,    true,  false, true },
  /* a Llama-2-7B file: 3.80 GiB x 8 / 6.74e9 parameters */
  [UTH_DTYPE_Q4_K_M]    = { "q4_k_m",     4.85,   true,  false, false },
  /* 4 + (16-bit scale + 4-bit zero) / 128 */
  [UTH_DTYPE_INT4_G128] = { "int4-g128",  4.15625, true, false, false },
};

double
uth_dtype_bits (UthDtype dtype)
{
  if ((unsigned) dtype >= UTH_N_DTYPES)
    return 0.0;
  return dtypes[dtype].bits;
}

double
uth_dtype_bytes (UthDtype dtype)
{
  return uth_dtype_bits (dtype) / 8.0;
}

const char *
uth_dtype_id (UthDtype dtype)
{
  if ((unsigned) dtype >= UTH_N_DTYPES)
    return "unknown";
  return dtypes[dtype].id;
}

bool
uth_dtype_from_id (const char *id,
                   UthDtype   *out)
{
  if (id == NULL)
    return false;
  if (strcasecmp (id, "gptq-int4") == 0 || strcasecmp (id, "awq-int4") == 0)
    {
      if (out != NULL)
        *out = UTH_DTYPE_INT4_G128;
      return true;
    }
  for (unsigned i = 0; i < UTH_N_DTYPES; i++)
    {
      if (strcasecmp (id, dtypes[i].id) == 0)
        {
          if (out != NULL)
            *out = (UthDtype) i;
          return true;
        }
    }
  return false;
}

bool
uth_dtype_is_storage (UthDtype dtype)
{
  return (unsigned) dtype < UTH_N_DTYPES && dtypes[dtype].storage;
}

bool
uth_dtype_is_compute (UthDtype dtype)
{
  return (unsigned) dtype < UTH_N_DTYPES && dtypes[dtype].compute;
}

bool
uth_dtype_is_kv (UthDtype dtype)
{
  return (unsigned) dtype < UTH_N_DTYPES && dtypes[dtype].kv;
}

bool
uth_dtype_is_block (UthDtype dtype)
{
  return (unsigned) dtype < UTH_N_DTYPES && dtypes[dtype].storage && !dtypes[dtype].compute;
}
