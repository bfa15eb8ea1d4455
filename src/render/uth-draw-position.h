/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Position page: sinusoidal encodings of the reader's positions as a heat map, RoPE
 * as pairs rotating at their frequencies, and the dot product of two rotated vectors
 * against their relative distance. */
#pragma once

#include "render/uth-draw.h"

G_BEGIN_DECLS

/* ctx->page_data of the Position page (NULL: the defaults). */
typedef struct
{
  double theta;      /* RoPE base and sinusoid base; 10000 in the papers, 500000 in Llama 3 */
  guint  dims;       /* width of the encoded vectors, even, 4 to 256 */
  int    position;   /* the token whose rotation is shown; -1: the last one */
} UthPositionView;

void uth_position_view_init (UthPositionView *view);

void uth_draw_position (cairo_t                *cr,
                        double                  width,
                        double                  height,
                        const UthFigureContext *ctx);

G_END_DECLS
