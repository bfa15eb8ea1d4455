/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-engine.h"

#include <math.h>
#include <string.h>

void
uth_engine_init_roofline (UthEngine *engine)
{
  memset (engine, 0, sizeof *engine);
  engine->compute_efficiency = 1.0;
  engine->bandwidth_efficiency = 1.0;
  engine->flash_attention = true;
  engine->comm_efficiency = 1.0;
}

static bool
fraction (double v)
{
  return isfinite (v) && v > 0.0 && v <= 1.0;
}

static bool
non_negative (double v)
{
  return isfinite (v) && v >= 0.0;
}

bool
uth_engine_validate (const UthEngine *engine)
{
  if (engine == NULL)
    return false;
  return fraction (engine->compute_efficiency) &&
         fraction (engine->bandwidth_efficiency) &&
         fraction (engine->comm_efficiency) &&
         non_negative (engine->launch_overhead_s) &&
         non_negative (engine->compute_half_rows) &&
         non_negative (engine->bandwidth_half_bytes) &&
         non_negative (engine->comm_latency_s) &&
         non_negative (engine->runtime_reserve_bytes) &&
         isfinite (engine->runtime_reserve_fraction) &&
         engine->runtime_reserve_fraction >= 0.0 && engine->runtime_reserve_fraction < 1.0 &&
         engine->kernels_per_layer <= 1000 &&
         (engine->attention_compute_efficiency == 0.0 ||
          fraction (engine->attention_compute_efficiency)) &&
         (engine->attention_bandwidth_efficiency == 0.0 ||
          fraction (engine->attention_bandwidth_efficiency)) &&
         non_negative (engine->attention_half_ctas) &&
         (engine->narrow_compute_efficiency == 0.0 ||
          fraction (engine->narrow_compute_efficiency)) &&
         (engine->dequant_compute_efficiency == 0.0 ||
          fraction (engine->dequant_compute_efficiency));
}
