/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "render/uth-draw.h"

G_BEGIN_DECLS

/* The home page: what the app is, the two paths, the rules of thumb with the scenario. */
void uth_draw_home (cairo_t                *cr,
                    double                  width,
                    double                  height,
                    const UthFigureContext *ctx);
/* The height the home figure asks for at a width (it reflows; the page scrolls). */
double uth_home_page_height (double                  width,
                             const UthFigureContext *ctx);

G_END_DECLS
