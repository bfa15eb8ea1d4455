/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared pieces of the How LLMs work figures: the reader's text, and its tokens (from the
 * page's analysis, ctx->analysis) as chips laid out in a wrapping flow. */
#pragma once

#include "render/uth-draw-common.h"

G_BEGIN_DECLS

/* The text the figures use when the reader has typed none (N_ comes from the including
 * file's gi18n header). */
#define UTH_DEFAULT_TEXT N_("The model reads the prompt, then writes one token at a time.")

/* ctx->text, or the translated default when it is NULL or empty. */
const char *uth_fundamentals_text        (const UthFigureContext *ctx);
/* A figure's subtitle, plus, when the reader emptied the text field (ctx->text ""), a
 * sentence saying the figure shows the example sentence instead. Free with g_free. */
char       *uth_fundamentals_subtitle    (const UthFigureContext *ctx,
                                          const char             *subtitle);
/* The figures are laid out for at least UTH_FUNDAMENTALS_MIN_WIDTH pixels (1000: a
 * 1024 px screen draws them at full size, as the layout audit checks): a narrower
 * figure is drawn at that width and scaled down. Returns the factor (<= 1) and turns
 * width and height into the virtual size; hit functions divide x and y by it. */
#define UTH_FUNDAMENTALS_MIN_WIDTH 800.0
double      uth_fundamentals_fit         (double                 *width,
                                          double                 *height);
/* The height a figure of these pages asks for at a width: UTH_FUNDAMENTALS_HEIGHT (what
 * their pages give them in the window) times the text scale, so presentation mode's larger
 * type gets the room it needs instead of squeezing the panels (the page scrolls); scaled
 * with the figure below UTH_FUNDAMENTALS_MIN_WIDTH. */
#define UTH_FUNDAMENTALS_HEIGHT 760.0
double      uth_fundamentals_page_height (double                  width,
                                          const UthFigureContext *ctx);

typedef enum
{
  UTH_CHIP_WITH_ID     = 1 << 0,  /* the id under the text */
  UTH_CHIP_COMPACT     = 1 << 1,  /* smaller padding, for step-through frames */
  UTH_CHIP_DIM         = 1 << 2,  /* all chips in a neutral colour */
} UthChipFlags;

/* Lays out (and when cr is not NULL, draws) chips for ids from x, y within width,
 * wrapping lines, stopping before max_height: returns how many fitted. Each chip is
 * labelled as ctx->analysis writes its id. Chip i is
 * coloured by colors[i] (categorical index; NULL: i), and its rectangle goes to
 * rects[i] when rects is not NULL. *height receives the height used. */
guint       uth_draw_token_chips         (cairo_t                *cr,
                                          const UthFigureContext *ctx,
                                          const guint32          *ids,
                                          guint                   n,
                                          const guint            *colors,
                                          UthChipFlags            flags,
                                          int                     highlight,
                                          double                  x,
                                          double                  y,
                                          double                  width,
                                          double                  max_height,
                                          UthChartRect           *rects,
                                          double                 *height);

/* A panel: a card-coloured rounded rectangle with a heading (wrapped when
 * the panel is narrow); returns the y below the heading. */
double      uth_draw_panel               (cairo_t                *cr,
                                          const UthFigureContext *ctx,
                                          double                  x,
                                          double                  y,
                                          double                  width,
                                          double                  height,
                                          const char             *heading);

/* How far below a panel's top uth_draw_panel's heading ends (the heading wraps in a
 * narrow panel), drawing nothing. */
double      uth_draw_panel_top           (cairo_t                *cr,
                                          const UthFigureContext *ctx,
                                          double                  width,
                                          const char             *heading);

/* A small note in the dim colour, e.g. what is illustrative; returns its height. */
double      uth_draw_note                (cairo_t                *cr,
                                          const UthFigureContext *ctx,
                                          const char             *text,
                                          double                  x,
                                          double                  y,
                                          double                  width);

/* A diverging colour for value v in [-1, 1]: blue for negative, red for positive. */
void        uth_draw_diverging           (double                  v,
                                          UthRgba                *out);

G_END_DECLS
