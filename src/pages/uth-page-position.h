/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-position.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_POSITION (uth_page_position_get_type ())
G_DECLARE_FINAL_TYPE (UthPagePosition, uth_page_position, UTH, PAGE_POSITION, UthPage)

const UthPositionView *uth_page_position_get_view (UthPagePosition *self);

G_END_DECLS
