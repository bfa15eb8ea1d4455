/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Model: every layer stacked, sized by parameters, FLOPs per token or bytes moved. */
#pragma once

#include "pages/uth-page.h"
#include "widgets/uth-figure.h"

G_BEGIN_DECLS

#define UTH_TYPE_PAGE_MODEL (uth_page_model_get_type ())
G_DECLARE_FINAL_TYPE (UthPageModel, uth_page_model, UTH, PAGE_MODEL, UthPage)

UthFigure *uth_page_model_get_figure_widget (UthPageModel *self);
/* 0 parameters, 1 FLOPs per token, 2 bytes moved (UthModelView). */
void       uth_page_model_set_view          (UthPageModel *self,
                                             int           view);

G_END_DECLS
