/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-tokens.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_TOKENS (uth_page_tokens_get_type ())
G_DECLARE_FINAL_TYPE (UthPageTokens, uth_page_tokens, UTH, PAGE_TOKENS, UthPage)

/* The view the figure draws (for tests). */
const UthTokensView *uth_page_tokens_get_view      (UthPageTokens *self);
/* Uses a tokenizer (NULL: the page's default, GPT-2's) and resets the step-through. */
void                 uth_page_tokens_set_tokenizer (UthPageTokens *self,
                                                    UthTokenizer  *tokenizer);
/* Moves the step-through by delta merge steps (clamped). */
void                 uth_page_tokens_step          (UthPageTokens *self,
                                                    int            delta);
void                 uth_page_tokens_set_playing   (UthPageTokens *self,
                                                    gboolean       playing);

G_END_DECLS
