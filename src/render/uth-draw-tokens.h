/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Tokens page: the reader's text as coloured token spans with ids and counts, what
 * the text costs at the scenario's price, and the byte-pair merges step by step. */
#pragma once

#include "catalog/uth-tokenizer.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* Longer texts are cut here (at a character boundary) for this figure. */
#define UTH_TOKENS_MAX_BYTES 2000

/* ctx->page_data of the Tokens page (NULL: the defaults). */
typedef struct
{
  UthTokenizer *tokenizer;  /* NULL: the project's own vocabulary */
  int           step;       /* merge step of the middle frame; -1: halfway */
} UthTokensView;

void     uth_draw_tokens (cairo_t                *cr,
                          double                  width,
                          double                  height,
                          const UthFigureContext *ctx);
/* hit->index is the token under the pointer in the top panel. */
gboolean uth_hit_tokens  (double                  width,
                          double                  height,
                          const UthFigureContext *ctx,
                          double                  x,
                          double                  y,
                          UthFigureHit           *hit);

/* How many merge steps the text (its first UTH_TOKENS_MAX_BYTES) takes with the tokenizer:
 * the step-through's end. */
guint    uth_tokens_count_steps (UthTokenizer *tokenizer,
                                 const char   *text);

G_END_DECLS
