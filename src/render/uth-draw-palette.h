/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Figure colours: Adwaita-matched roles, Okabe-Ito categories, a sequential ramp. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "core/uth-chart.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

typedef struct
{
  double r, g, b, a;
} UthRgba;

typedef enum
{
  UTH_COLOR_BACKGROUND,
  UTH_COLOR_FOREGROUND,   /* text, axes */
  UTH_COLOR_DIM,          /* secondary text, tick labels */
  UTH_COLOR_GRID,         /* grid lines, separators */
  UTH_COLOR_CARD,         /* card and panel fill */
  UTH_COLOR_ACCENT,       /* selection, the highlighted thing */
  UTH_COLOR_MEMORY,       /* memory-bound, bytes */
  UTH_COLOR_COMPUTE,      /* compute-bound, FLOPs */
  UTH_COLOR_GOOD,
  UTH_COLOR_BAD,
  UTH_N_COLORS
} UthColorRole;

/* Categorical colours (Okabe-Ito, safe for the common colour-vision deficiencies);
 * index wraps around. */
#define UTH_N_CATEGORICAL 8

/* ---- palette ---- */
void   uth_draw_color            (const UthFigureContext *ctx,
                                  UthColorRole            role,
                                  UthRgba                *out);
void   uth_draw_set_color        (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  UthColorRole            role);
void   uth_draw_categorical      (const UthFigureContext *ctx,
                                  guint                   index,
                                  UthRgba                *out);
void   uth_draw_set_categorical  (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  guint                   index);
/* A sequential perceptually-even ramp (viridis-like), t in 0..1, interpolated from five
 * anchor colours in linear light. */
void   uth_draw_heat             (double                  t,
                                  UthRgba                *out);
void   uth_draw_set_rgba         (cairo_t                *cr,
                                  const UthRgba          *rgba,
                                  double                  alpha);
/* Black or white, whichever reads better on top of the colour. */
void   uth_draw_contrast_text    (const UthRgba          *background,
                                  UthRgba                *out);
/* Fills the whole figure with the background colour. */
void   uth_draw_background       (cairo_t                *cr,
                                  double                  width,
                                  double                  height,
                                  const UthFigureContext *ctx);

G_END_DECLS
