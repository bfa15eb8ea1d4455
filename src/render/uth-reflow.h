/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pages that reflow rather than shrink: one rule for the height they ask for and the
 * scale they draw at. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "core/uth-chart.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* ---- reflowing pages ---- */
/* A page that reflows rather than shrinks: a narrow layout from min_width and a wide one
 * from wide_width (both at scale 1), each asking for its own least height. The figures
 * that do this share one rule for the height they ask for and the scale they draw at. */
typedef double (*UthReflowMinHeight) (double   width,
                                      double   s,
                                      gpointer user_data);

typedef struct
{
  double             min_width;
  double             wide_width;
  UthReflowMinHeight min_height;  /* least height at a width and scale */
  gpointer           user_data;
} UthReflowPage;

/* The height the page asks for at a width: what its layout needs there, or at min_width
 * when narrower. */
double uth_reflow_page_height (const UthReflowPage    *page,
                               double                  width,
                               const UthFigureContext *ctx);
/* Full size in the narrow layout when it fits; failing that, whichever of the two layouts,
 * scaled to fit, comes out larger (never below 0.05). */
double uth_reflow_page_scale  (const UthReflowPage    *page,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx);
/* The scale, with the virtual size (*vw, *vh) the page is laid out at before scaling. */
double uth_reflow_page_fit    (const UthReflowPage    *page,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               double                 *vw,
                               double                 *vh);

G_END_DECLS
