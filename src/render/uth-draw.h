/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The render layer: every figure of every page, drawn onto any cairo_t with Pango text.
 * Widgets, export and the command line all call these, so every figure renders headless. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "catalog/uth-catalog.h"
#include "core/uth-estimate.h"

G_BEGIN_DECLS

/* Everything a figure may read about the shared scenario. Plain data: the app fills it
 * from its UthScenario, the command line from its options. */
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
  int                   phase;       /* page toggle where a page has one (0 prefill, 1 decode) */
  int                   layer;       /* selected layer (Layer page) */
} UthFigureContext;

typedef void (*UthDrawFunc) (cairo_t                *cr,
                             double                  width,
                             double                  height,
                             const UthFigureContext *ctx);

typedef struct
{
  const char  *id;      /* page id as in DESIGN.md */
  UthDrawFunc  draw;    /* the page's figures as the app shows them */
} UthPageFigure;

G_END_DECLS
