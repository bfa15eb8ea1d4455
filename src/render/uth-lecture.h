/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Teaching with the app: each learning page as a sequence of builds for presentation mode.
 *
 * A page's builds, in order: its figure builds (1..F, each revealing one more part of the
 * figure in teaching order; build F is the figure fully built), then its explanation in
 * projection-size type, a build for each of What you see, Why it matters and Try this, then
 * for each question to put to the room, the question alone and then the question with its
 * answer and working. So a page has F + 3 + 2 Q builds. Questions are computed from the scenario with the same core
 * functions the pages use; the window also offers them as "Check yourself".
 *
 * Builds are 1-based; 0 means "fully built" everywhere (the figure's last figure build). */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "render/uth-draw.h"

G_BEGIN_DECLS

typedef enum
{
  UTH_BUILD_FIGURE,       /* part of the figure (ctx->build = the build) */
  UTH_BUILD_EXPLANATION,  /* What you see, Why it matters or Try this (the part, 0..2) */
  UTH_BUILD_QUESTION,     /* a question to the room */
  UTH_BUILD_ANSWER,       /* the same question with its answer and working */
} UthBuildKind;

/* One question about a page, worked out for one scenario. All strings translated. */
typedef struct
{
  char    *question;
  char    *answer;       /* the answer, with its number(s) */
  char    *working;      /* how it is worked out */
  char    *value_text;   /* the answer's main number as written in answer; NULL: none */
  double   value;        /* that number, in the unit value_text shows it in SI; NAN: none */
  gboolean from_scenario;/* the numbers depend on the scenario (model, GPU, text, …) */
} UthQuestion;

void          uth_question_clear              (UthQuestion            *q);

/* Builds of a page (0 for an unknown id; 1 for Home, which has no lecture). */
guint         uth_lecture_n_builds            (const char             *page_id);
/* Figure builds of a page: the first builds; the last of them is the figure fully built. */
guint         uth_lecture_n_figure_builds     (const char             *page_id);
/* Questions of a page (0 for Home and unknown ids). */
guint         uth_lecture_n_questions         (const char             *page_id);
/* What build (1-based) is; question is set to the question for the question and answer
 * builds, to the part (0..2) for the explanation's. build 0 is the last figure build. */
UthBuildKind  uth_lecture_build_kind          (const char             *page_id,
                                               guint                   build,
                                               guint                  *question);
/* A short caption of the build, translated (static; "" for an unknown build). */
const char   *uth_lecture_build_caption       (const char             *page_id,
                                               guint                   build);
/* Question i of the page worked out for ctx; FALSE (q cleared) for an unknown index. A
 * scenario the estimator refuses still gives the question, its answer saying what is
 * missing (value NAN). */
gboolean      uth_lecture_question            (const char             *page_id,
                                               guint                   i,
                                               const UthFigureContext *ctx,
                                               UthQuestion            *q);
/* The page's explanation as Pango markup: the three headings in bold, each followed by its
 * paragraph, translated. It is read from the page's user interface (the text the window
 * shows below the figure) when the UI resources are linked, else taken from this module.
 * NULL when the page has none. */
char         *uth_lecture_explanation         (const char             *page_id);
/* One paragraph of it, plain text: 0 What you see, 1 Why it matters, 2 Try this. */
char         *uth_lecture_explanation_part    (const char             *page_id,
                                               guint                   part);


/* Draws the page as presentation mode shows it at build (0: fully built): the build's
 * figure, explanation, question or answer, with the build's caption and the slide counter
 * ("3 / 7": the page's step on its path) in a footer. ctx->build is ignored (set from
 * build). */
void          uth_lecture_draw_slide          (const UthPageFigure    *page,
                                               cairo_t                *cr,
                                               double                  width,
                                               double                  height,
                                               const UthFigureContext *ctx,
                                               guint                   build);
/* The same into a PNG, SVG or PDF file (by extension). */
gboolean      uth_lecture_slide_to_file       (const UthPageFigure    *page,
                                               const UthFigureContext *ctx,
                                               guint                   build,
                                               const char             *path,
                                               int                     width,
                                               int                     height,
                                               GError                **error);

/* Draws a page's figure into a slide's width x height, which cannot scroll: a figure that
 * asks for more height is drawn at a smaller text scale (not below 1), then shrunk whole. */
void          uth_lecture_draw_figure         (const UthPageFigure    *page,
                                               cairo_t                *cr,
                                               double                  width,
                                               double                  height,
                                               const UthFigureContext *ctx);

G_END_DECLS
