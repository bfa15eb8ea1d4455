/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-attention.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_ATTENTION (uth_page_attention_get_type ())
G_DECLARE_FINAL_TYPE (UthPageAttention, uth_page_attention, UTH, PAGE_ATTENTION, UthPage)

const UthAttentionView *uth_page_attention_get_view (UthPageAttention *self);

G_END_DECLS
