/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-kv.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_KV (uth_page_kv_get_type ())
G_DECLARE_FINAL_TYPE (UthPageKv, uth_page_kv, UTH, PAGE_KV, UthPage)

/* The view the figure draws (for tests). */
const UthKvView *uth_page_kv_get_view    (UthPageKv *self);
/* What a click on fits-map cell `index` does: the cell's model and GPU become the scenario's. */
void             uth_page_kv_choose_cell (UthPageKv *self,
                                          int        index);

G_END_DECLS
