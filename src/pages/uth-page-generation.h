/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-generation.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_GENERATION (uth_page_generation_get_type ())
G_DECLARE_FINAL_TYPE (UthPageGeneration, uth_page_generation, UTH, PAGE_GENERATION, UthPage)

const UthGenerationView *uth_page_generation_get_view    (UthPageGeneration *self);
/* Generates delta more tokens (or takes them back), within 0 .. UTH_GENERATION_MAX_STEPS. */
void                     uth_page_generation_step        (UthPageGeneration *self,
                                                          int                delta);
void                     uth_page_generation_set_playing (UthPageGeneration *self,
                                                          gboolean           playing);
gboolean                 uth_page_generation_get_playing (UthPageGeneration *self);

G_END_DECLS
