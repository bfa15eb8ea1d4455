/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"
#include "render/uth-layout-audit.h"

/* ---- hit geometry ---- */

const UthHitRect *
uth_hit_rects_find (const UthHitRect *rects,
                    guint             n_rects,
                    double            x,
                    double            y)
{
  guint i;

  for (i = 0; i < n_rects; i++)
    {
      const UthChartRect *r = &rects[i].rect;

      if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h)
        return &rects[i];
    }
  return NULL;
}

/* ---- workload ---- */

gboolean
uth_figure_context_workload (const UthFigureContext *ctx,
                             UthPhase                phase,
                             UthWorkload            *out)
{
  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  return uth_estimate_workload (&ctx->input, phase, out);
}

void
uth_draw_push_panel (cairo_t            *cr,
                     const UthChartRect *panel)
{
  uth_layout_audit_note_panel (cr, panel);
  cairo_save (cr);
  cairo_translate (cr, panel->x, panel->y);
  cairo_rectangle (cr, 0, 0, panel->w, panel->h);
  cairo_clip (cr);
}
