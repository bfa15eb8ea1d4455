/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Home: what the app is, the two learning paths, and the rules of thumb. */
#pragma once

#include "pages/uth-page.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_HOME (uth_page_home_get_type ())
G_DECLARE_FINAL_TYPE (UthPageHome, uth_page_home, UTH, PAGE_HOME, UthPage)

G_END_DECLS
