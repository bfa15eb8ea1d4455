/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Layer: every op of one layer, its roofline, its FLOPs share, prefill or decode. */
#pragma once

#include "pages/uth-page.h"
#include "widgets/uth-figure.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_LAYER (uth_page_layer_get_type ())
G_DECLARE_FINAL_TYPE (UthPageLayer, uth_page_layer, UTH, PAGE_LAYER, UthPage)

UthPhase    uth_page_layer_get_phase       (UthPageLayer *self);
void        uth_page_layer_set_phase       (UthPageLayer *self,
                                            UthPhase      phase);
UthFigure  *uth_page_layer_get_roofline    (UthPageLayer *self);
/* The page's data in words, recomputed whenever the scenario or a toggle changes:
 * which ops are memory- and which compute-bound. */
const char *uth_page_layer_get_description (UthPageLayer *self);

G_END_DECLS
