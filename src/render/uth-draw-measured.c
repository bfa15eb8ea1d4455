/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-render"

#include "config.h"

#include "render/uth-draw-measured.h"

GPtrArray *
uth_measured_points (void)
{
  static GPtrArray *points = NULL;
  static gsize loaded = 0;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GError) error = NULL;

      points = uth_reference_load_bundled (&error);
      if (points == NULL)
        g_warning ("Measured reference points not shown: %s", error->message);
      g_once_init_leave (&loaded, 1);
    }
  return points;
}

guint
uth_measured_match (const UthFigureContext   *ctx,
                    UthReferencePhase         phase,
                    const UthReferencePoint **out,
                    guint                     max)
{
  GPtrArray *points = uth_measured_points ();
  guint i, n = 0;

  if (points == NULL || ctx->model == NULL || ctx->gpu == NULL)
    return 0;
  for (i = 0; i < points->len && n < max; i++)
    {
      const UthReferencePoint *p = g_ptr_array_index (points, i);

      if ((phase == UTH_REFERENCE_N_PHASES || p->phase == phase) &&
          g_strcmp0 (p->model, ctx->model->id) == 0 && g_strcmp0 (p->gpu, ctx->gpu->id) == 0 &&
          p->gpus == ctx->input.gpus && p->weights == ctx->input.weights)
        out[n++] = p;
    }
  return n;
}
