/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-flash.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_FLASH (uth_page_flash_get_type ())
G_DECLARE_FINAL_TYPE (UthPageFlash, uth_page_flash, UTH, PAGE_FLASH, UthPage)

/* The view the figure draws (for tests). */
const UthFlashView *uth_page_flash_get_view    (UthPageFlash *self);
void                uth_page_flash_set_playing (UthPageFlash *self,
                                                gboolean      playing);
gboolean            uth_page_flash_get_playing (UthPageFlash *self);
/* Moves the block loop by delta steps of (about) one 200th of the loop. */
void                uth_page_flash_step        (UthPageFlash *self,
                                                int           delta);

G_END_DECLS
