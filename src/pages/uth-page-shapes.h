/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-shapes.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_SHAPES (uth_page_shapes_get_type ())
G_DECLARE_FINAL_TYPE (UthPageShapes, uth_page_shapes, UTH, PAGE_SHAPES, UthPage)

const UthShapesView *uth_page_shapes_get_view   (UthPageShapes *self);
/* 0 prefill, 1 decode. */
UthPhase             uth_page_shapes_get_phase  (UthPageShapes *self);
void                 uth_page_shapes_set_phase  (UthPageShapes *self,
                                                 UthPhase       phase);
/* Details one shape (as a click on it does). */
void                 uth_page_shapes_select     (UthPageShapes *self,
                                                 int            node);

G_END_DECLS
