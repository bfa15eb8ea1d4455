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
/* The height the page asks for at a width: narrower than 1100 px (at scale 1) the model's
 * facts go below the figure; as uth_fundamentals_page_height, scaled below its least width. */
double   uth_embed_page_height (double                  width,
                                const UthFigureContext *ctx);
/* hit->index is the token under the pointer. */
gboolean uth_draw_embed_hit  (double                  width,
                         double                  height,
                         const UthFigureContext *ctx,
                         double                  x,
                         double                  y,
                         UthFigureHit           *hit);

G_END_DECLS
