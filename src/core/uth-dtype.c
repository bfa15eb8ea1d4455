/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-dtype.h"

#include <strings.h>

static const struct
{
  const char *id;
  double      bytes;
  bool        storage;
} dtypes[UTH_N_DTYPES] = {
  [UTH_DTYPE_FP32] = { "fp32", 4.0, true },
  [UTH_DTYPE_TF32] = { "tf32", 4.0, false },
  [UTH_DTYPE_BF16] = { "bf16", 2.0, true },
  [UTH_DTYPE_FP16] = { "fp16", 2.0, true },
  [UTH_DTYPE_FP8]  = { "fp8",  1.0, true },
  [UTH_DTYPE_INT8] = { "int8", 1.0, true },
  [UTH_DTYPE_INT4] = { "int4", 0.5, true },
};

double
uth_dtype_bytes (UthDtype dtype)
{
  if ((unsigned) dtype >= UTH_N_DTYPES)
    return 0.0;
  return dtypes[dtype].bytes;
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
