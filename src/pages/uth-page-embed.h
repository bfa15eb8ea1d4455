/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pages/uth-page.h"
#include "render/uth-draw-embed.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_EMBED (uth_page_embed_get_type ())
G_DECLARE_FINAL_TYPE (UthPageEmbed, uth_page_embed, UTH, PAGE_EMBED, UthPage)

G_END_DECLS
