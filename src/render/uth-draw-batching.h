/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Batching page's figure: static and continuous batching as per-slot timelines, GPU
 * utilization against batch size, and the metrics of both runs. */
#pragma once

#include "core/uth-batching.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* What the Batching page passes as UthFigureContext.page_data. */
typedef struct
{
  UthBatchConfig        config;        /* the trace; policy is ignored, both are drawn */
  double                play_time_s;   /* draw the timelines up to here; < 0 for all */
  double                window_s;      /* timeline span in seconds; <= 0 picks one */
  /* Results the page computed (off the main thread); NULL to simulate while drawing. */
  const UthBatchResult *static_result;
  const UthBatchResult *continuous_result;
} UthBatchingView;

/* The figure's defaults for the scenario: 48 requests arriving at 6 per second, prompts
 * of 128..1024 tokens, outputs of mean 128 tokens, the scenario's batch as the limit
 * (8 when the scenario's batch is 1, so that batching shows), seed 1. */
void uth_batching_view_init (UthBatchingView        *view,
                             const UthFigureContext *ctx);
/* The rows and time span the timelines show. */
guint  uth_batching_view_rows   (const UthBatchingView *view);
double uth_batching_view_window (const UthBatchingView *view,
                                 const UthBatchResult  *a,
                                 const UthBatchResult  *b);

/* Hover on a timeline: the request under the pointer (its index) and its times. */
gboolean uth_draw_batching_hit (double                  width,
                                double                  height,
                                const UthFigureContext *ctx,
                                double                  x,
                                double                  y,
                                UthFigureHit           *hit);

/* The height the batching figure asks for at a width (it reflows; the page scrolls). */
double uth_batching_page_height (double                  width,
                                 const UthFigureContext *ctx);
void uth_draw_batching (cairo_t                *cr,
                        double                  width,
                        double                  height,
                        const UthFigureContext *ctx);

G_END_DECLS
