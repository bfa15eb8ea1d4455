/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The KV cache page: bytes per token for each attention variant, growth with context and
 * batch, the memory budget against the GPUs, paged allocation, and which models fit where. */
#pragma once

#include "core/uth-memory.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* What the page's controls set. The page passes it as ctx->page_data to the page figure. */
typedef struct
{
  UthAttnKind       variant;   /* what-if attention for the scenario model */
  guint32           group;     /* query heads per KV head of the GQA what-if */
  guint32           block;     /* tokens per block of the paged allocator */
  int               hover;     /* fits-map cell under the pointer (row x GPUs + column), -1 */
  const UthFitCell *fits;      /* a map computed by uth_kv_fits_compute, or NULL to compute */
  guint             fits_rows; /* its models and GPUs (must match the catalog) */
  guint             fits_cols;
} UthKvView;

/* The scenario model's own variant and group, 16-token blocks. */
void        uth_kv_view_init    (UthKvView              *view,
                                 const UthFigureContext *ctx);
/* Every catalog model x GPU of the analysis' rows (ctx->analysis->models, ->gpus) at the scenario's batch, context and data types; a newly
 * allocated array of rows x cols cells (g_free it), NULL without rows. */
UthFitCell *uth_kv_fits_compute (const UthFigureContext *ctx,
                                 guint                  *rows,
                                 guint                  *cols);

void     uth_draw_kv          (cairo_t                *cr,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx);
gboolean uth_draw_kv_hit           (double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               double                  x,
                               double                  y,
                               UthFigureHit           *hit);
/* The page figure reflows to its width and is drawn at full text size from about 960 px
 * wide when it is at least uth_kv_page_height() tall (the page asks for that height);
 * uth_kv_page_scale() is the factor it is scaled down by otherwise (1: not at all). */
double   uth_kv_page_height   (double                  width,
                               const UthFigureContext *ctx);
double   uth_kv_page_scale    (double                  width,
                               double                  height,
                               const UthFigureContext *ctx);
void     uth_draw_kv_view     (cairo_t                *cr,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               const UthKvView        *view);

/* Sub-figures, each filling width x height from (0, 0). */
void     uth_draw_kv_variants (cairo_t                *cr,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               const UthKvView        *view);
void     uth_draw_kv_growth   (cairo_t                *cr,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               const UthKvView        *view);
void     uth_draw_kv_budget   (cairo_t                *cr,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               const UthKvView        *view);
void     uth_draw_kv_fits     (cairo_t                *cr,
                               double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               const UthKvView        *view);
/* The variant bar under (x, y) with its formula (index -1). */
gboolean uth_draw_kv_variants_hit  (double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               const UthKvView        *view,
                               double                  x,
                               double                  y,
                               UthFigureHit           *hit);
/* The budget segment under (x, y) with its value and what it is (index -1). */
gboolean uth_draw_kv_budget_hit    (double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               const UthKvView        *view,
                               double                  x,
                               double                  y,
                               UthFigureHit           *hit);
/* The fits-map cell under (x, y): hit->index = model row x GPUs + GPU column. */
gboolean uth_draw_kv_fits_hit      (double                  width,
                               double                  height,
                               const UthFigureContext *ctx,
                               const UthKvView        *view,
                               double                  x,
                               double                  y,
                               UthFigureHit           *hit);

G_END_DECLS
