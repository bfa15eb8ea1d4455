/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Speculative Decode page's figure: draft-then-verify passes, the speedup against draft
 * length for several acceptance rates, and against batch size. */
#pragma once

#include "render/uth-draw.h"

G_BEGIN_DECLS

/* What the Speculative Decode page passes as UthFigureContext.page_data. */
typedef struct
{
  const UthModelEntry *draft;     /* NULL: uth_speculative_view_default_draft */
  double               alpha;     /* acceptance rate, 0..1 */
  guint                gamma;     /* drafted tokens per pass, 1..16 */
  guint64              seed;      /* the Monte-Carlo passes */
  guint                passes;    /* passes shown so far in the animation, 0..6; 6 = all */
  guint                drafting;  /* tokens the draft has proposed so far in the next pass,
                                   * not yet verified (0..gamma) */
} UthSpeculativeView;

#define UTH_SPECULATIVE_SHOWN_PASSES 6

/* alpha 0.8, gamma 4, seed 1, every pass shown, the default draft. */
void                 uth_speculative_view_init          (UthSpeculativeView     *view,
                                                         const UthFigureContext *ctx);
/* Whether draft can draft for target: same family, vocabularies within 1% (padding). */
gboolean             uth_speculative_can_draft          (const UthModelEntry    *draft,
                                                         const UthModelEntry    *target);
/* A draft for the scenario's target from the catalog: the smallest smaller model that can
 * draft for it (a draft must speak the same tokens), else the smallest model. */
const UthModelEntry *uth_speculative_view_default_draft (const UthFigureContext *ctx);

/* The height the speculative figure asks for at a width (it reflows; the page scrolls). */
double uth_speculative_page_height (double                  width,
                                    const UthFigureContext *ctx);
void uth_draw_speculative (cairo_t                *cr,
                           double                  width,
                           double                  height,
                           const UthFigureContext *ctx);
/* Hover: a pass row (tokens kept), a draft length on the γ chart (speedup for every α), a
 * batch on the batch chart (timed speedup). */
gboolean uth_draw_speculative_hit (double                  width,
                                   double                  height,
                                   const UthFigureContext *ctx,
                                   double                  x,
                                   double                  y,
                                   UthFigureHit           *hit);

G_END_DECLS
