/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Attention page: Q, K and V for the reader's tokens through a small illustrative
 * layer; QK^T / sqrt(hd) as a heat map with its causal mask, each row's softmax, the
 * weighted sum of V, and every head's pattern. */
#pragma once

#include "render/uth-draw.h"

G_BEGIN_DECLS

/* Tokens shown; a longer text is cut here. */
#define UTH_ATTENTION_MAX_TOKENS 24

/* ctx->page_data of the Attention page (NULL: layer 0, head 0, last row). ctx->hover is the cell
 * i * n + j under the pointer, -1 for none. */
typedef struct
{
  guint layer;     /* of the model's layers, from 0 */
  guint head;
  int   row;       /* query row detailed on the right; -1: the last token */
} UthAttentionView;

void     uth_draw_attention (cairo_t                *cr,
                             double                  width,
                             double                  height,
                             const UthFigureContext *ctx);
/* hit->index is i * n + j for a cell of either matrix; the tooltip gives its numbers
 * and formula. */
/* The height the page asks for at a width: narrower than 1100 px (at scale 1) the row's
 * detail goes below the matrices; as uth_fundamentals_page_height, scaled below its least
 * width. */
double   uth_attention_page_height (double                  width,
                                    const UthFigureContext *ctx);
gboolean uth_draw_attention_hit  (double                  width,
                             double                  height,
                             const UthFigureContext *ctx,
                             double                  x,
                             double                  y,
                             UthFigureHit           *hit);

G_END_DECLS
