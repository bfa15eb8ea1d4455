/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Speculative Decode page: a draft proposes, the target verifies. */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-speculative.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_SPECULATIVE (uth_page_speculative_get_type ())
G_DECLARE_FINAL_TYPE (UthPageSpeculative, uth_page_speculative, UTH, PAGE_SPECULATIVE, UthPage)

/* The view the figure draws (for tests). */
const UthSpeculativeView *uth_page_speculative_get_view (UthPageSpeculative *self);

G_END_DECLS
