/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Tokens page: the reader's text as coloured token spans with ids and counts, what
 * the text costs at the scenario's price, and the byte-pair merges step by step. */
#pragma once

#include "render/uth-draw.h"

G_BEGIN_DECLS

/* Longer texts are cut here (at a character boundary) for this figure. */
#define UTH_TOKENS_MAX_BYTES UTH_ANALYSIS_MAX_TEXT_BYTES

/* ctx->page_data of the Tokens page (NULL: the defaults). */
typedef struct
{
  gpointer      tokenizer;  /* a UthTokenizer of the catalog layer, NULL: the project's
                             * own vocabulary. An input of the page's analysis: the figure
                             * draws the tokens it made (ctx->analysis->text). */
  int           step;       /* merge step of the middle frame; -1: halfway */
} UthTokensView;

void     uth_draw_tokens (cairo_t                *cr,
                          double                  width,
                          double                  height,
                          const UthFigureContext *ctx);
/* hit->index is the token under the pointer in the top panel. */
gboolean uth_draw_tokens_hit  (double                  width,
                          double                  height,
                          const UthFigureContext *ctx,
                          double                  x,
                          double                  y,
                          UthFigureHit           *hit);

G_END_DECLS
