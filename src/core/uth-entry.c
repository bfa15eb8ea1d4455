/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "core/uth-entry.h"

const char *
uth_reference_phase_id (UthReferencePhase phase)
{
  switch (phase)
    {
    case UTH_REFERENCE_DECODE:  return "decode";
    case UTH_REFERENCE_PREFILL: return "prefill";
    case UTH_REFERENCE_VERIFY:  return "verify";
    case UTH_REFERENCE_REQUEST: return "request";
    case UTH_REFERENCE_N_PHASES:
    default:                    return "unknown";
    }
}
