/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Cost page: everything the estimator knows about the scenario, and every GPU. */
#pragma once

#include "pages/uth-page.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_COST (uth_page_cost_get_type ())
G_DECLARE_FINAL_TYPE (UthPageCost, uth_page_cost, UTH, PAGE_COST, UthPage)

/* The GPU comparison's sort key (UthGpuSort), as the figure's view. */
int uth_page_cost_get_sort (UthPageCost *self);

G_END_DECLS
