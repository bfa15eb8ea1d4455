/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Softmax page: next-token logits after the reader's text as bars becoming
 * probabilities; temperature (ctx->temperature); top-k and top-p cut-offs; and the naive
 * formula overflowing where the stable one does not. */
#pragma once

#include "render/uth-draw.h"

G_BEGIN_DECLS

/* Candidates shown as bars. */
#define UTH_SOFTMAX_SHOWN UTH_ANALYSIS_SOFTMAX_SHOWN

/* ctx->page_data of the Softmax page (NULL: no cut-offs). */
typedef struct
{
  guint  top_k;   /* 0: off */
  double top_p;   /* >= 1: off */
} UthSoftmaxView;

void uth_draw_softmax (cairo_t                *cr,
                       double                  width,
                       double                  height,
                       const UthFigureContext *ctx);

/* The height the page asks for at a width: its bars keep room for their labels under a
 * long (German) title; as uth_fundamentals_page_height, scaled below its least width. */
double uth_softmax_page_height (double                  width,
                                const UthFigureContext *ctx);
/* The next-token logits (ln of the corpus model's probabilities) after text, for the
 * project's vocabulary: a new array of vocab doubles, or NULL. */

G_END_DECLS
