/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Batching page: a simulated server, static against continuous batching. */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-batching.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_BATCHING (uth_page_batching_get_type ())
G_DECLARE_FINAL_TYPE (UthPageBatching, uth_page_batching, UTH, PAGE_BATCHING, UthPage)

/* The view the figure draws (for tests). */
const UthBatchingView *uth_page_batching_get_view     (UthPageBatching *self);
/* Whether a simulation is running in the background (for tests). */
gboolean               uth_page_batching_is_running   (UthPageBatching *self);

G_END_DECLS
