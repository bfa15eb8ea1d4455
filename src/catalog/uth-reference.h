/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measured timings: published reference points (data/reference.json) and calibration
 * measurement files (the format of ../shared/calibration/h100-sxm-bf16.json), and the
 * estimator's prediction for each. */
#pragma once

#include <gio/gio.h>

#include "core/uth-engine.h"
#include "core/uth-entry.h"
#include "core/uth-estimate.h"
#include "core/uth-gpu.h"
#include "core/uth-model.h"

G_BEGIN_DECLS

#define UTH_REFERENCE_ERROR (uth_reference_error_quark ())

typedef enum
{
  UTH_REFERENCE_ERROR_PARSE,     /* not JSON, or not the expected shape */
  UTH_REFERENCE_ERROR_FIELD,     /* a point's field missing or out of range */
  UTH_REFERENCE_ERROR_VALIDATION_SET, /* a validation set given where fit data is read,
                                       * or the other way round */
} UthReferenceError;


GQuark      uth_reference_error_quark   (void);
void        uth_reference_point_free    (UthReferencePoint *point);

/* Tokens per second the point measured: batch x prompt / s (prefill), batch x step / s
 * (decode, verify), batch x output_tokens / s (request: output tokens of all GPUs). */
double      uth_reference_point_tokens_per_second (const UthReferencePoint *point);

/* data/reference.json: { "points": [ { ... } ] }. Returns a GPtrArray of
 * UthReferencePoint (freed with the array). A malformed point fails the whole file with
 * an error naming the file, the point and the field. */
GPtrArray  *uth_reference_load_bytes    (GBytes      *bytes,
                                         const char  *name,
                                         GError     **error);
GPtrArray  *uth_reference_load_file     (const char  *path,
                                         GError     **error);
/* The validation set (data/validation.json): the same points, with "kind": "validation" at
 * the top and every point's `where` (the table or figure it was read from) required;
 * `excluded` optional. uth_reference_load_bytes and _load_file refuse such a file, so no
 * fit can read it; these refuse any other. */
GPtrArray  *uth_reference_load_validation_bytes (GBytes      *bytes,
                                                 const char  *name,
                                                 GError     **error);
GPtrArray  *uth_reference_load_validation_file  (const char  *path,
                                                 GError     **error);
/* The validation error of a prediction: exp(|ln(predicted / measured)|) - 1, the factor by
 * which the two differ, minus one (symmetric: 2x too slow and 2x too fast are both 1). */
double      uth_reference_validation_error (double predicted,
                                            double measured);

/* The bundled data/reference.json from the GResource. */
GPtrArray  *uth_reference_load_bundled  (GError     **error);

/* A calibration measurements file. Each model's "config" (d, L, H, KV, F, V; LLaMA-shaped:
 * RMSNorm, rotary, SwiGLU, untied head) becomes the points' spec; points without a time
 * (out of memory) are skipped. gpu_id and engine_id name the GPU measured and the profile
 * fitted to it. */
GPtrArray  *uth_reference_load_calibration (const char  *path,
                                            const char  *gpu_id,
                                            const char  *engine_id,
                                            GError     **error);

/* The estimator's time for the point: prefill_seconds, decode_step_seconds, or for a
 * request prefill + output_tokens decode steps at the mean context prompt + output / 2
 * (decode time grows linearly with context, so the mean step is the step at the mean).
 * model is used when the point has no spec of its own. */
UthEstimateError uth_reference_predict  (const UthReferencePoint *point,
                                         const UthModel          *model,
                                         const UthGpu            *gpu,
                                         const UthEngine         *engine,
                                         double                  *seconds);

/* The implied efficiency of a measurement: the ideal roofline's time for the point
 * (uth_engine_init_roofline) divided by the measured time, i.e. the fraction of the
 * hardware's limit the measured run reached. 0 when the point cannot be estimated. */
double      uth_reference_roofline_fraction (const UthReferencePoint *point,
                                             const UthModel          *model,
                                             const UthGpu            *gpu);

G_END_DECLS
