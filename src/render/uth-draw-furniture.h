/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Figure furniture: titles, cards, rounded rectangles. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "core/uth-chart.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* ---- furniture ---- */
/* Title and optional subtitle from x, y (top-left); returns the y below them. */
double uth_draw_title            (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  const char             *title,
                                  const char             *subtitle,
                                  double                  x,
                                  double                  y,
                                  double                  width);
/* How far below y uth_draw_title's result lies, measured without drawing. */
double uth_draw_title_height     (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  const char             *title,
                                  const char             *subtitle,
                                  double                  width);
/* A rounded card: small label above a big value, optional detail below (wrapped). */
void   uth_draw_card             (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  double                  x,
                                  double                  y,
                                  double                  width,
                                  double                  height,
                                  const char             *label,
                                  const char             *value,
                                  const char             *detail);
/* The height a card of this width needs for its label, value and (wrapped) detail. */
double uth_draw_card_height      (cairo_t                *cr,
                                  const UthFigureContext *ctx,
                                  double                  width,
                                  const char             *label,
                                  const char             *value,
                                  const char             *detail);
void   uth_draw_rounded_rect     (cairo_t                *cr,
                                  double                  x,
                                  double                  y,
                                  double                  width,
                                  double                  height,
                                  double                  radius);

G_END_DECLS
