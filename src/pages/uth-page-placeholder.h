/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A page not built yet: says so, and says what it will show. */
#pragma once

#include "pages/uth-page.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_PLACEHOLDER (uth_page_placeholder_get_type ())
G_DECLARE_FINAL_TYPE (UthPagePlaceholder, uth_page_placeholder, UTH, PAGE_PLACEHOLDER, UthPage)

GtkWidget *uth_page_placeholder_new (const char *id);

G_END_DECLS
