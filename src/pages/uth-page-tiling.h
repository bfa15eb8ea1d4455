/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-tiling.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_TILING (uth_page_tiling_get_type ())
G_DECLARE_FINAL_TYPE (UthPageTiling, uth_page_tiling, UTH, PAGE_TILING, UthPage)

/* The view the figure draws (for tests). */
const UthTilingView *uth_page_tiling_get_view (UthPageTiling *self);
/* Starts or stops the K-loop animation; advances it one step (tests, keys). */
void                 uth_page_tiling_set_playing (UthPageTiling *self,
                                                  gboolean       playing);
gboolean             uth_page_tiling_get_playing (UthPageTiling *self);
void                 uth_page_tiling_step        (UthPageTiling *self,
                                                  int            delta);

G_END_DECLS
