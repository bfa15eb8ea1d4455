/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Catalog entries and measured reference points as plain data: what a figure may show about
 * a model, a GPU, an engine profile or a published measurement. The catalog layer reads them
 * from JSON (catalog/uth-catalog.h, catalog/uth-reference.h); the render layer draws them
 * without knowing where they came from. Flags are ints (the catalog's gboolean). */
#pragma once

#include <stdint.h>

#include "core/uth-dtype.h"
#include "core/uth-engine.h"
#include "core/uth-gpu.h"
#include "core/uth-model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
  char     *id;
  char     *name;
  char     *family;
  char     *source;
  uint64_t  params_published;  /* 0 when the source states none */
  int       user;              /* from the user's catalog */
  UthModel  spec;
} UthModelEntry;

typedef struct
{
  char     *id;
  char     *name;
  char     *vendor;
  char     *source;
  char     *interconnect;
  char     *price_source;
  char     *price_date;
  char     *l2_source;   /* where spec.l2_bytes comes from; NULL when not given */
  int       user;
  UthGpu    spec;
} UthGpuEntry;

typedef struct
{
  char      *id;
  char      *name;
  char      *source;
  char      *description;
  int        user;
  UthEngine  spec;
} UthEngineEntry;

typedef enum
{
  UTH_REFERENCE_DECODE,          /* one step, 1 new token per sequence */
  UTH_REFERENCE_PREFILL,         /* one pass over batch x prompt tokens */
  UTH_REFERENCE_VERIFY,          /* one step with step_tokens > 1 new tokens per sequence */
  UTH_REFERENCE_REQUEST,         /* a static batch: prefill of batch x prompt, then
                                  * output_tokens decode steps; seconds is the whole run */
  UTH_REFERENCE_N_PHASES
} UthReferencePhase;

typedef struct
{
  char              *id;             /* unique within the file */
  char              *source;         /* URL of the publication or measurement file */
  char              *measured_with;  /* the software measured, e.g. "vLLM 0.5 (FP8)" */
  char              *engine;         /* engine profile id that should reproduce it */
  char              *gpu;            /* GPU catalog id */
  char              *model;          /* model catalog id */
  char              *note;           /* how the number was read from the source, or NULL */
  char              *where;          /* validation set: the table or figure of the source */
  char              *excluded;       /* validation set: why the point measures something
                                      * else and is not counted, or NULL */
  UthDtype           weights;
  UthDtype           kv;
  UthReferencePhase  phase;
  unsigned int       gpus;
  uint64_t           batch;
  uint64_t           prompt;         /* prefill: tokens per sequence */
  uint64_t           context;        /* decode/verify: KV-cache tokens, new ones included */
  uint64_t           step_tokens;    /* decode 1, verify > 1 */
  uint64_t           output_tokens;  /* request: tokens generated per sequence */
  double             seconds;        /* measured time of the pass or step */
  double             tolerance;      /* relative error the profile is documented to meet */
  int                has_spec;       /* the point carries its own model shape */
  UthModel           spec;
} UthReferencePoint;

/* "decode", "prefill", "verify", "request" ("unknown" otherwise). */
const char *uth_reference_phase_id (UthReferencePhase phase);

#ifdef __cplusplus
}
#endif
