/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The render layer: every figure of every page, drawn onto any cairo_t with Pango text.
 * Widgets, export and the command line all call these, so every figure renders headless. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "core/uth-entry.h"
#include "core/uth-estimate.h"
#include "render/uth-analysis-data.h"

G_BEGIN_DECLS

/* Everything a figure may read about the shared scenario. Plain data: the app fills it
 * from its UthScenario, the command line from its options, and the analysis step
 * (src/analysis/uth-analysis.h) adds what the page computes from them. */
typedef struct
{
  const UthModelEntry  *model;
  const UthGpuEntry    *gpu;
  const UthEngineEntry *engine;
  UthEstimateInput      input;       /* model/gpu/engine point at the entries' specs */
  const char           *text;        /* the reader's text (How LLMs work pages) */
  double                temperature; /* sampling temperature */
  gboolean              dark;        /* dark style */
  gboolean              high_contrast; /* presentation palette */
  double                scale;       /* text and line scale: 1 normal, >1 zoom/presentation */
  UthPhase              phase;       /* page toggle where a page has one: prefill (default) or decode */
  int                   layer;       /* selected layer (Layer page) */
  /* Added for the app and the pages: */
  int                   view;        /* a page's view toggle (Model: 0 params, 1 FLOPs, 2 bytes) */
  int                   hover;       /* item under the pointer (from the hit function), -1 none */
  const UthAnalysis    *analysis;    /* the page's analysis (uth-analysis-data.h): tokens,
                                      * forward pass, runs, measured points, catalog rows;
                                      * NULL while it is computed */
  gboolean              analysis_pending; /* a newer analysis is being computed */
  const UthEstimate    *estimate;    /* the scenario's estimate, NULL when it failed */
  gconstpointer         page_data;   /* a page's own parameters (its header says which
                                      * struct), NULL for the page's defaults */
  int                   build;       /* presentation build (uth-lecture.h): 0 fully built,
                                      * k >= 1 only the parts of builds 1..k drawn */
} UthFigureContext;

/* Whether a figure drawn for ctx shows the part that build k (1-based) reveals: always when
 * the context is fully built (build 0, the window, exports and plain renders). */
static inline gboolean
uth_figure_shows_build (const UthFigureContext *ctx,
                        int                     k)
{
  return ctx == NULL || ctx->build <= 0 || ctx->build >= k;
}

typedef void (*UthDrawFunc) (cairo_t                *cr,
                             double                  width,
                             double                  height,
                             const UthFigureContext *ctx);

/* What is under the pointer. */
typedef struct
{
  int   index;     /* the item (layer, op, ...), -1 for none */
  char *tooltip;   /* Pango markup, newly allocated, or NULL */
} UthFigureHit;

/* Answers what is at (x, y) of a figure drawn at width x height: fills hit and returns
 * TRUE when something is there. Shares its geometry with the draw function. */
typedef gboolean (*UthHitFunc) (double                  width,
                                double                  height,
                                const UthFigureContext *ctx,
                                double                  x,
                                double                  y,
                                UthFigureHit           *hit);

/* The height a figure that reflows asks for at a width (its page scrolls when the window is
 * shorter); see UthReflowPage. */
typedef double (*UthHeightFunc) (double                  width,
                                 const UthFigureContext *ctx);

/* Which learning path a page belongs to. */
typedef enum
{
  UTH_PATH_HOME,
  UTH_PATH_FUNDAMENTALS,   /* How LLMs work */
  UTH_PATH_PERFORMANCE,    /* Making it fast */
} UthPath;

typedef struct
{
  const char  *id;      /* page id as in DESIGN.md */
  UthDrawFunc  draw;    /* the page's figures as the app shows them; NULL: placeholder */
  UthHitFunc   hit;     /* hover/click for the whole-page figure, may be NULL */
  const char  *title;   /* N_() page title */
  const char  *summary; /* N_() what the figure shows; the accessible description */
  UthPath      path;
  UthHeightFunc height; /* the height it asks for at a width, NULL: it fits any height */
} UthPageFigure;

#define UTH_DRAW_ERROR (uth_draw_error_quark ())

typedef enum
{
  UTH_DRAW_ERROR_FORMAT,   /* unknown file extension */
  UTH_DRAW_ERROR_SIZE,     /* width or height out of range */
  UTH_DRAW_ERROR_CAIRO,    /* cairo could not write the file */
} UthDrawError;

GQuark               uth_draw_error_quark      (void);

/* Every page in learning order: home, How LLMs work, Making it fast. */
const UthPageFigure *uth_draw_get_page_figures (guint                  *n_pages);
/* NULL for an unknown id. */
const UthPageFigure *uth_draw_find_page        (const char             *id);
/* A NULL-terminated array of the ids (static, do not free). */
const char * const  *uth_draw_page_ids         (void);
/* The ids joined with ", " for messages. */
char                *uth_draw_page_ids_string  (void);

/* Draws a page's figure (or its placeholder) onto cr. */
void                 uth_draw_page             (const UthPageFigure    *page,
                                                cairo_t                *cr,
                                                double                  width,
                                                double                  height,
                                                const UthFigureContext *ctx);
/* The honest placeholder of a page not built yet: its title and what it will show. */
void                 uth_draw_placeholder      (const UthPageFigure    *page,
                                                cairo_t                *cr,
                                                double                  width,
                                                double                  height,
                                                const UthFigureContext *ctx);
/* Writes the page's figure to path as PNG, SVG or PDF by its extension (case-insensitive). */
gboolean             uth_draw_to_file          (const UthPageFigure    *page,
                                                const UthFigureContext *ctx,
                                                const char             *path,
                                                int                     width,
                                                int                     height,
                                                GError                **error);
typedef void (*UthDrawFileFunc) (cairo_t  *cr,
                                 double    width,
                                 double    height,
                                 gpointer  user_data);
/* The same for any drawing: what uth_draw_to_file and the presentation slides share. */
gboolean             uth_draw_func_to_file     (UthDrawFileFunc         draw,
                                                gpointer                user_data,
                                                const char             *path,
                                                int                     width,
                                                int                     height,
                                                GError                **error);
/* The text and line scale of presentation mode for a screen of width x height pixels: the
 * smallest text (14 px at scale 1) is 24 px at 1920 x 1080 and grows with the screen (twice
 * at 3840 x 2160); never below the window's scale 1. */
double               uth_draw_presentation_scale (double                width,
                                                  double                height);
/* The state of a figure whose analysis is not there yet: the background and "Computing…".
 * Never blocks. */
void                 uth_draw_computing        (cairo_t                *cr,
                                                double                  width,
                                                double                  height,
                                                const UthFigureContext *ctx);
/* Sets light style, scale 1, no hover, phase 0, layer 0, and input defaults; the caller
 * then points model, gpu, engine (and input's specs) at catalog entries. */
void                 uth_figure_context_init   (UthFigureContext       *ctx);
/* Points ctx at the entries (and input.model/gpu/engine at their specs). */
void                 uth_figure_context_set_entries (UthFigureContext     *ctx,
                                                     const UthModelEntry  *model,
                                                     const UthGpuEntry    *gpu,
                                                     const UthEngineEntry *engine);

G_END_DECLS
