/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Embed page: token ids pick rows of an embedding table; the scenario model's real
 * V x d and its bytes. */
#pragma once

#include "render/uth-draw.h"

G_BEGIN_DECLS

/* ctx->hover is the token (index in the reader's text) whose row is highlighted. */
void     uth_draw_embed (cairo_t                *cr,
                         double                  width,
                         double                  height,
                         const UthFigureContext *ctx);
/* hit->index is the token under the pointer. */
gboolean uth_hit_embed  (double                  width,
                         double                  height,
                         const UthFigureContext *ctx,
                         double                  x,
                         double                  y,
                         UthFigureHit           *hit);

G_END_DECLS
