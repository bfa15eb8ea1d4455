/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measured reference points (data/reference.json) that match a figure's scenario, for the
 * "measured" markers of the Batching and Cost figures. */
#pragma once

#include "catalog/uth-reference.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* The bundled points, loaded once per process; NULL when the file is broken (a warning
 * says why). Do not free. */
GPtrArray *uth_measured_points (void);
/* Whether two models have the same shapes (so the same kernels and timings). */
gboolean   uth_measured_same_architecture (const UthModel *a,
                                           const UthModel *b);
/* Points of the scenario's model (or a catalog model of the same architecture), GPU, GPU
 * count and weight type in a phase (all phases when phase is UTH_REFERENCE_N_PHASES), up to
 * max, in file order. Returns how many. */
guint      uth_measured_match  (const UthFigureContext   *ctx,
                                UthReferencePhase         phase,
                                const UthReferencePoint **out,
                                guint                     max);

G_END_DECLS
