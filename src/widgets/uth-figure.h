/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A widget around any render function: draws it in snapshot, redraws on the scenario's
 * "changed", answers hover with tooltips and clicks with "item-activated" through the
 * figure's hit function, and keeps its accessible label and description current. */
#pragma once

#include <gtk/gtk.h>

#include "render/uth-draw.h"
#include "uth-scenario.h"

G_BEGIN_DECLS

#define UTH_TYPE_FIGURE (uth_figure_get_type ())
G_DECLARE_FINAL_TYPE (UthFigure, uth_figure, UTH, FIGURE, GtkWidget)

/* Lets the owner adjust the context before each draw or hit test (a page's toggles). */
typedef void (*UthFigureContextFunc) (UthFigure        *figure,
                                      UthFigureContext *ctx,
                                      gpointer          user_data);
/* The accessible description of the figure as drawn, in words; newly allocated. */
typedef char *(*UthFigureDescribeFunc) (const UthFigureContext *ctx);
typedef double (*UthFigureHeightFunc) (double                  width,
                                       const UthFigureContext *ctx);

GtkWidget   *uth_figure_new               (void);
UthScenario *uth_figure_get_scenario      (UthFigure             *self);
void         uth_figure_set_scenario      (UthFigure             *self,
                                           UthScenario           *scenario);
/* Draws a render function (hit may be NULL). */
void         uth_figure_set_height_func   (UthFigure             *self,
                                           UthFigureHeightFunc    height);
void         uth_figure_set_draw_func     (UthFigure             *self,
                                           UthDrawFunc            draw,
                                           UthHitFunc             hit);
/* Draws a whole page's figure (its placeholder while draw is NULL). */
void         uth_figure_set_page          (UthFigure             *self,
                                           const UthPageFigure   *page);
void         uth_figure_set_context_func  (UthFigure             *self,
                                           UthFigureContextFunc   func,
                                           gpointer               user_data,
                                           GDestroyNotify         destroy);
void         uth_figure_set_describe_func (UthFigure             *self,
                                           UthFigureDescribeFunc  func);
/* The accessible label (a short name of the figure). */
void         uth_figure_set_label         (UthFigure             *self,
                                           const char            *label);
/* The context the figure draws with: scenario, style, the context func's changes, and the
 * page's analysis (ctx->analysis, src/analysis/uth-analysis.h), computed once per change of
 * its inputs and kept by the figure; a slow one runs on a worker thread, and until it is
 * done ctx->analysis is NULL and ctx->analysis_pending TRUE (the figure draws "Computing…",
 * then redraws). Valid until the next call. */
void         uth_figure_get_context       (UthFigure             *self,
                                           UthFigureContext      *ctx);
/* The item under the pointer, -1 for none. */
int          uth_figure_get_hover         (UthFigure             *self);
/* Redraws and refreshes the accessible description (after a page toggle changed). */
void         uth_figure_update            (UthFigure             *self);
/* Items the keyboard walks: with n > 0 the figure takes focus, arrows move the highlighted
 * item (ctx->hover), Home/End jump, Enter or Space emits "item-activated". */
void         uth_figure_set_n_items       (UthFigure             *self,
                                           int                    n_items);
/* How many redraws the figure has queued for scenario changes (tests). */
guint        uth_figure_get_n_queued      (UthFigure             *self);

G_END_DECLS
