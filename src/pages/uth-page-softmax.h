/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-softmax.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_SOFTMAX (uth_page_softmax_get_type ())
G_DECLARE_FINAL_TYPE (UthPageSoftmax, uth_page_softmax, UTH, PAGE_SOFTMAX, UthPage)

const UthSoftmaxView *uth_page_softmax_get_view (UthPageSoftmax *self);

G_END_DECLS
