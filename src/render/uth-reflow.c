/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"

double
uth_reflow_page_height (const UthReflowPage    *page,
                        double                  width,
                        const UthFigureContext *ctx)
{
  double s = uth_draw_scale (ctx);

  return page->min_height (MAX (width, page->min_width * s), s, page->user_data);
}

double
uth_reflow_page_scale (const UthReflowPage    *page,
                       double                  width,
                       double                  height,
                       const UthFigureContext *ctx)
{
  double s = uth_draw_scale (ctx);
  double min_w = page->min_width * s, wide_w = page->wide_width * s;
  /* Full size in the narrow layout when it fits; failing that, whichever of the two
   * layouts, scaled to fit, comes out larger. */
  double narrow = MIN (1.0, MIN (width / min_w, height / page->min_height (MAX (width, min_w), s, page->user_data)));
  double wide;

  /* Full size already: the other layout cannot do better (and need not be measured). */
  if (narrow >= 1.0)
    return 1.0;
  wide = MIN (1.0, MIN (width / wide_w, height / page->min_height (wide_w, s, page->user_data)));
  if (width >= wide_w)
    wide = MIN (1.0, height / page->min_height (width, s, page->user_data));
  return MAX (MAX (narrow, wide), 0.05);
}

double
uth_reflow_page_fit (const UthReflowPage    *page,
                     double                  width,
                     double                  height,
                     const UthFigureContext *ctx,
                     double                 *vw,
                     double                 *vh)
{
  double f = uth_reflow_page_scale (page, width, height, ctx);

  *vw = width / f;
  *vh = height / f;
  return f;
}
