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

/* Two catalog models with the same shapes run the same kernels (Llama 3 and 3.1 8B differ
 * only in their rotary scaling and context limit), so one's measurements stand for the other. */
gboolean
uth_measured_same_architecture (const UthModel *a,
                                const UthModel *b)
{
  return a->hidden == b->hidden && a->layers == b->layers && a->heads == b->heads &&
         a->kv_heads == b->kv_heads && a->head_dim == b->head_dim && a->ffn == b->ffn &&
         a->gated_mlp == b->gated_mlp && a->vocab == b->vocab &&
         a->tied_embeddings == b->tied_embeddings && a->experts == b->experts &&
         a->active_experts == b->active_experts && a->attention == b->attention &&
         a->sliding_window == b->sliding_window;
}

static gboolean
model_matches (const UthFigureContext  *ctx,
               const UthReferencePoint *p)
{
  UthCatalog *catalog = ctx->catalog != NULL ? ctx->catalog : uth_catalog_get_default ();
  const UthModelEntry *measured;

  if (g_strcmp0 (p->model, ctx->model->id) == 0)
    return TRUE;
  measured = catalog != NULL ? uth_catalog_find_model (catalog, p->model) : NULL;
  return measured != NULL && uth_measured_same_architecture (&measured->spec, &ctx->model->spec);
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
          g_strcmp0 (p->gpu, ctx->gpu->id) == 0 && model_matches (ctx, p) &&
          p->gpus == ctx->input.gpus && p->weights == ctx->input.weights)
        out[n++] = p;
    }
  return n;
}
