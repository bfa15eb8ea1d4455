/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/uth-estimate.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-fit.h"

char *
uth_draw_fit_warning (const UthFigureContext *ctx)
{
  UthEstimate own;
  const UthEstimate *est;
  g_autofree char *need = NULL, *have = NULL;
  const char *gpu;
  uint32_t min_gpus;

  if (ctx == NULL)
    return NULL;
  est = ctx->estimate;
  if (est == NULL)
    {
      if (uth_estimate_memory (&ctx->input, &own) != UTH_ESTIMATE_OK)
        return NULL;
      est = &own;
    }
  if (est->fits)
    return NULL;
  /* The memory-only estimate leaves min_gpus 0: ask the core for it. */
  min_gpus = est->min_gpus > 0 ? est->min_gpus : uth_estimate_min_gpus (&ctx->input);
  need = uth_format_bytes (est->total_memory_bytes);
  have = uth_format_bytes (est->gpu_memory_bytes);
  gpu = ctx->gpu != NULL ? ctx->gpu->name : "GPU";
  if (min_gpus > 0)
    return g_strdup_printf (_("⚠ Does not fit: needs %s, %u × %s have %s; the smallest set-up that fits is %u × %s. Times shown here are for a set-up that cannot run."),
                            need, ctx->input.gpus, gpu, have, min_gpus, gpu);
  return g_strdup_printf (_("⚠ Does not fit: needs %s, %u × %s have %s, and no count of them up to 1024 holds it. Times shown here are for a set-up that cannot run."),
                          need, ctx->input.gpus, gpu, have);
}

char *
uth_draw_fit_subtitle (const UthFigureContext *ctx,
                       const char             *subtitle)
{
  g_autofree char *warning = uth_draw_fit_warning (ctx);

  if (warning == NULL)
    return g_strdup (subtitle);
  if (subtitle == NULL || *subtitle == '\0')
    return g_steal_pointer (&warning);
  return g_strdup_printf ("%s %s", warning, subtitle);
}
