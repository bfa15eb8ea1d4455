/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "render/uth-draw-embed.h"
#include "render/uth-draw-fundamentals.h"

/* Tokens drawn down the left; more are summarised. */
#define MAX_ROWS 14

/* The layout at scale 1, in pixels. Wide: the panel of tokens, table and picked rows takes
 * PANEL_SHARE of the width and the model's facts the rest. Stacked (narrower than
 * STACK_BELOW): the panel takes the whole width, STACKED_PANEL_H high, the facts below it.
 * In the panel, from its left: the chips' column, the table and the picked rows. */
#define PANEL_SHARE      0.64
#define STACK_BELOW      1100
#define STACKED_PANEL_H  620
#define COLUMN_GAP       20
#define PANEL_PAD        16
#define INNER_TOP        70
#define ROW_H            48
#define CHIPS_W          130
#define TABLE_X          290
#define TABLE_W          110
#define PICKED_X         480
#define CARD_MIN_H       100
#define CARD_GAP         12

typedef struct
{
  double       s;
  gboolean     stacked;
  UthChartRect panel;
  UthChartRect chips;     /* column of token chips */
  UthChartRect table;     /* the whole V x d table */
  UthChartRect picked;    /* the picked rows, n x d */
  UthChartRect facts;     /* the scenario model's numbers */
  double       row_h;     /* of chips and picked rows */
} Layout;

static double draw_facts (cairo_t *cr, const UthFigureContext *ctx, const UthChartRect *r,
                          guint n_tokens, gboolean draw);

/* Lays out the figure for up to n tokens and returns how many rows fit: a chip with its
 * id needs about 48 px. */
static guint
layout_init (Layout                 *l,
             cairo_t                *cr,
             const UthFigureContext *ctx,
             double                  width,
             double                  height,
             double                  top,
             guint                   n)
{
  guint rows;
  double m = uth_draw_margin (ctx), s = uth_draw_scale (ctx);
  double left_w, inner_top;

  l->s = s;
  l->stacked = width < STACK_BELOW * s;
  if (l->stacked)
    {
      left_w = width - 2 * m;
      l->panel = (UthChartRect) { m, top, left_w, STACKED_PANEL_H * s };
      l->facts = (UthChartRect) { m, top + l->panel.h + COLUMN_GAP * s, left_w, 0 };
      l->facts.h = MAX (height - m - l->facts.y, draw_facts (cr, ctx, &l->facts, n, FALSE));
    }
  else
    {
      left_w = (width - 2 * m) * PANEL_SHARE;
      l->panel = (UthChartRect) { m, top, left_w, height - m - top };
      l->facts = (UthChartRect) { m + left_w + COLUMN_GAP * s, top, width - 2 * m - left_w - COLUMN_GAP * s, height - m - top };
    }
  inner_top = top + INNER_TOP * s;
  rows = MIN (MIN (n, MAX_ROWS), (guint) MAX ((l->panel.h - 190 * s) / (ROW_H * s), 1));
  l->row_h = ROW_H * s;
  l->chips = (UthChartRect) { m + PANEL_PAD * s, inner_top, CHIPS_W * s, rows * l->row_h };
  l->table = (UthChartRect) { m + TABLE_X * s, inner_top, TABLE_W * s, l->panel.h - 120 * s };
  l->picked = (UthChartRect) { m + PICKED_X * s, inner_top, left_w - (PICKED_X + 20) * s, rows * l->row_h };
  return rows;
}

#define TITLE    N_("Embed: each token id picks one row of a table")
#define SUBTITLE N_("The embedding table has a row of d numbers for every token in the vocabulary. Your tokens’ ids select their rows; the stacked rows are what the first layer receives.")

double
uth_embed_page_height (double                  width,
                       const UthFigureContext *ctx)
{
  double f = 1.0, s = uth_draw_scale (ctx), m = uth_draw_margin (ctx), need = 0;

  if (width > 0 && width < UTH_FUNDAMENTALS_MIN_WIDTH)
    {
      f = width / UTH_FUNDAMENTALS_MIN_WIDTH;
      width = UTH_FUNDAMENTALS_MIN_WIDTH;
    }
  if (width < STACK_BELOW * s)
    {
      /* The facts below the panel, measured for a four-digit token count (the note that
       * names it wraps the same or longer than for fewer tokens). */
      cairo_t *cr = uth_draw_scratch ();
      g_autofree char *sub = uth_fundamentals_subtitle (ctx, _(SUBTITLE));
      UthChartRect facts = { m, 0, width - 2 * m, 0 };

      need = m + uth_draw_title_height (cr, ctx, _(TITLE), sub, width - 2 * m)
             + (STACKED_PANEL_H + COLUMN_GAP) * s + draw_facts (cr, ctx, &facts, 9999, FALSE) + m;
      cairo_destroy (cr);
    }
  return MAX (uth_fundamentals_page_height (width, ctx), need) * f;
}

/* The colour scale of the model's numbers: three times their root mean square, so the
 * picture is not washed out by a few large values. */
static double
value_scale (const UthForwardData *f)
{
  double sum = 0.0;
  gsize n = (gsize) f->table_rows * f->d_model;

  for (gsize i = 0; i < n; i++)
    sum += f->table[i] * f->table[i];
  return n > 0 && sum > 0 ? 3.0 * sqrt (sum / (double) n) : 1.0;
}

/* The table's picture: the analysis's sampled rows of the model's embedding table, one
 * pixel per number. */
static cairo_surface_t *
table_image_new (const UthForwardData *f,
                 double                scale)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) f->d_model,
                                                      (int) f->table_rows);
  guint32 *data = (guint32 *) cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image) / 4;

  cairo_surface_flush (image);
  for (guint r = 0; r < f->table_rows; r++)
    for (guint c = 0; c < f->d_model; c++)
      {
        UthRgba col;

        uth_draw_diverging (f->table[(gsize) r * f->d_model + c] / scale, &col);
        data[r * stride + c] = ((guint32) (col.r * 255) << 16) | ((guint32) (col.g * 255) << 8) |
                               (guint32) (col.b * 255);
      }
  cairo_surface_mark_dirty (image);
  return image;
}

static void
draw_table (cairo_t                *cr,
            const UthFigureContext *ctx,
            const UthForwardData   *f,
            double                  scale,
            const UthChartRect     *r)
{
  cairo_surface_t *image = table_image_new (f, scale);
  double w = f->d_model, h = f->table_rows;

  /* Nearest sampling, one source cell per device pixel: the columns stay crisp. */
  cairo_save (cr);
  cairo_translate (cr, r->x, r->y);
  cairo_scale (cr, r->w / w, r->h / h);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, 0, 0, w, h);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cairo_set_line_width (cr, 1.5);
  cairo_rectangle (cr, r->x, r->y, r->w, r->h);
  cairo_stroke (cr);
}

static void
draw_picked (cairo_t                *cr,
             const UthFigureContext *ctx,
             const Layout           *l,
             const UthForwardData   *f,
             double                  scale,
             guint                   rows,
             const UthChartRect     *chips)
{
  double cell_w = l->picked.w / f->d_model;

  for (guint i = 0; i < rows && i < f->n; i++)
    {
      double y = l->picked.y + i * l->row_h + 4 * l->s, h = l->row_h - 8 * l->s;
      double ty = l->table.y + (f->ids[i] + 0.5) / f->vocab * l->table.h;
      const double *row = f->embeddings + (gsize) i * f->d_model;
      UthRgba c;

      for (guint32 k = 0; k < f->d_model; k++)
        {
          uth_draw_diverging (row[k] / scale, &c);
          uth_draw_set_rgba (cr, &c, 1.0);
          cairo_rectangle (cr, l->picked.x + k * cell_w, y, cell_w + 0.5, h);
          cairo_fill (cr);
        }
      /* id -> its row in the table -> the copied row */
      uth_draw_categorical (ctx, i, &c);
      uth_draw_set_rgba (cr, &c, (int) i == ctx->hover || ctx->hover < 0 ? 1.0 : 0.3);
      cairo_set_line_width (cr, ((int) i == ctx->hover ? 3.5 : 2) * l->s);
      /* A chip that did not fit in its row has no rectangle: no line from it. */
      if (chips[i].w > 0)
        {
          cairo_move_to (cr, chips[i].x + chips[i].w + 2 * l->s, chips[i].y + chips[i].h / 2);
          cairo_line_to (cr, l->table.x, ty);
          cairo_stroke (cr);
        }
      cairo_move_to (cr, l->table.x - 6 * l->s, ty);
      cairo_line_to (cr, l->table.x + l->table.w + 6 * l->s, ty);
      cairo_stroke (cr);
      cairo_move_to (cr, l->table.x + l->table.w + 6 * l->s, ty);
      cairo_line_to (cr, l->picked.x - 4 * l->s, y + h / 2);
      cairo_stroke (cr);
    }
}

/* uth_draw_note, or only its height when draw is FALSE. */
static double
facts_note (cairo_t                *cr,
            const UthFigureContext *ctx,
            const char             *text,
            double                  x,
            double                  y,
            double                  width,
            gboolean                draw)
{
  g_autofree char *escaped = NULL, *markup = NULL;

  if (draw)
    return uth_draw_note (cr, ctx, text, x, y, width);
  escaped = g_markup_escape_text (text, -1);
  markup = g_strdup_printf ("<i>%s</i>", escaped);
  return uth_draw_paragraph_height (cr, ctx, UTH_FONT_TICK, markup, width);
}

/* The model's facts in r, or (draw FALSE) only the height they take at r's width. */
static double
draw_facts (cairo_t                *cr,
            const UthFigureContext *ctx,
            const UthChartRect     *r,
            guint                   n_tokens,
            gboolean                draw)
{
  const UthModel *model = ctx->input.model;
  double s = uth_draw_scale (ctx), x = r->x, w = r->w, y = r->y, card_h = CARD_MIN_H * s;
  double bpp = uth_dtype_bytes (ctx->input.weights);
  g_autofree char *heading = NULL;

  if (model == NULL)
    {
      if (draw)
        uth_draw_panel (cr, ctx, x, y, w, r->h, _("Choose a model to see its table"));
      return uth_draw_panel_top (cr, ctx, w, _("Choose a model to see its table"));
    }
  {
    double params = (double) model->vocab * model->hidden;
    double total = (double) uth_model_params (model);
    g_autofree char *v = uth_format_count (model->vocab);
    g_autofree char *d = uth_format_count (model->hidden);
    g_autofree char *p = uth_format_count (params);
    g_autofree char *share = uth_format_percent (total > 0 ? params / total : 0);
    g_autofree char *bytes = uth_format_bytes (params * bpp);
    g_autofree char *bpp_s = uth_format_number (bpp);
    g_autofree char *read = uth_format_bytes ((double) n_tokens * model->hidden * bpp);
    g_autofree char *p_detail = g_strdup_printf (_("%s of the model’s parameters"), share);
    g_autofree char *formula = NULL;
    g_autofree char *lookup = NULL;

    heading = g_strdup_printf (_("The real table of %s"), ctx->model != NULL ? ctx->model->name : "");
    if (draw)
      y = uth_draw_panel (cr, ctx, x, y, w, r->h, heading);
    else
      y += uth_draw_panel_top (cr, ctx, w, heading);
    x += PANEL_PAD * s;
    w -= 2 * PANEL_PAD * s;
    {
      g_autofree char *rows = g_strdup_printf (_("%u rows, one per token"), model->vocab);
      double half = w / 2 - CARD_GAP * s / 2;
      /* Side by side when each card's detail stays on one line (as tall as a card of the
       * whole width), else one above the other. */
      double one_line = uth_draw_card_height (cr, ctx, w, _("Vocabulary V"), v, rows);
      double hv = uth_draw_card_height (cr, ctx, half, _("Vocabulary V"), v, rows);
      double hd = uth_draw_card_height (cr, ctx, half, _("Width d"), d, _("numbers per row"));

      if (MAX (hv, hd) <= one_line + 0.5)
        {
          if (draw)
            {
              uth_draw_card (cr, ctx, x, y, half, MAX (card_h, one_line), _("Vocabulary V"), v, rows);
              uth_draw_card (cr, ctx, x + half + CARD_GAP * s, y, half, MAX (card_h, one_line), _("Width d"), d,
                             _("numbers per row"));
            }
          y += MAX (card_h, one_line) + CARD_GAP * s;
        }
      else
        {
          hv = MAX (card_h, one_line);
          if (draw)
            uth_draw_card (cr, ctx, x, y, w, hv, _("Vocabulary V"), v, rows);
          y += hv + CARD_GAP * s;
          hd = MAX (card_h, uth_draw_card_height (cr, ctx, w, _("Width d"), d, _("numbers per row")));
          if (draw)
            uth_draw_card (cr, ctx, x, y, w, hd, _("Width d"), d, _("numbers per row"));
          y += hd + CARD_GAP * s;
        }
    }
    {
      double h = MAX (card_h, uth_draw_card_height (cr, ctx, w, _("Parameters V × d"), p, p_detail));

      if (draw)
        uth_draw_card (cr, ctx, x, y, w, h, _("Parameters V × d"), p, p_detail);
      y += h + CARD_GAP * s;
    }
    /* Translators: weight data type, e.g. "Memory in bf16" */
    {
      g_autofree char *label = g_strdup_printf (_("Memory in %s"), uth_dtype_id (ctx->input.weights));
      const char *detail = model->tied_embeddings ? _("the output layer reuses this table (tied)")
                                                  : _("the output layer (lm-head) is a second table this size");
      double h = MAX (card_h, uth_draw_card_height (cr, ctx, w, label, bytes, detail));

      if (draw)
        uth_draw_card (cr, ctx, x, y, w, h, label, bytes, detail);
      y += h + 16 * s;
    }
    /* Translators: "128256 × 4096 × 2 bytes = 1.05 GB" */
    formula = g_strdup_printf (_("%u × %u × %s bytes = %s"), model->vocab, model->hidden, bpp_s, bytes);
    if (draw)
      {
        uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
        y += uth_draw_paragraph (cr, ctx, UTH_FONT_MONO, formula, x, y, w) + CARD_GAP * s;
      }
    else
      y += uth_draw_paragraph_height (cr, ctx, UTH_FONT_MONO, formula, w) + CARD_GAP * s;
    lookup = g_strdup_printf (ngettext ("Looking up your %u token does no arithmetic: it reads %u row of %u numbers, %s.",
                                        "Looking up your %u tokens does no arithmetic: it reads %u rows of %u numbers, %s.",
                                        n_tokens),
                              n_tokens, n_tokens, model->hidden, read);
    y += facts_note (cr, ctx, lookup, x, y, w, draw) + 8 * s;
    if (model->learned_positions > 0)
      y += facts_note (cr, ctx, _("This model also learns a table of positions, added to each row (see Position)."),
                 x, y, w, draw);
  }
  return y - r->y + PANEL_PAD * s;
}

static void
draw_fitted (cairo_t                *cr,
                double                  width,
                double                  height,
                const UthFigureContext *ctx)
{
  const UthTextAnalysis *text = ctx->analysis != NULL ? ctx->analysis->text : NULL;
  const UthForwardData *f = ctx->analysis != NULL ? ctx->analysis->forward : NULL;
  GArray *ids;
  Layout l;
  double m = uth_draw_margin (ctx), top, s = uth_draw_scale (ctx);
  guint rows;
  guint32 vocab;
  double scale;
  g_autofree UthChartRect *rects = NULL;
  g_autofree char *table_label = NULL;
  g_autofree char *picked_label = NULL;
  g_autofree char *note = NULL;

  if (text == NULL || f == NULL || f->embeddings == NULL || f->table == NULL)
    {
      uth_draw_computing (cr, width, height, ctx);
      return;
    }
  uth_draw_background (cr, width, height, ctx);
  ids = text->ids;
  vocab = f->vocab;
  scale = value_scale (f);
  {
    g_autofree char *sub = uth_fundamentals_subtitle (ctx, _(SUBTITLE));
    top = uth_draw_title (cr, ctx, _(TITLE), sub,
                          m, m, width - 2 * m);
  }
  rows = layout_init (&l, cr, ctx, width, height, top, ids->len);
  uth_draw_panel (cr, ctx, l.panel.x, l.panel.y, l.panel.w, l.panel.h,
                  _("Your tokens, the table, and the rows they pick"));
  rects = g_new0 (UthChartRect, rows + 1);
  for (guint i = 0; i < rows; i++)
    {
      double h;
      guint colors[1] = { i };
      uth_draw_token_chips (cr, ctx, &g_array_index (ids, guint32, i), 1, colors,
                            UTH_CHIP_WITH_ID | UTH_CHIP_COMPACT, (int) i == ctx->hover ? 0 : -1,
                            l.chips.x, l.chips.y + i * l.row_h, l.chips.w, l.row_h, &rects[i], &h);
    }
  /* Presentation builds: 1 the tokens, 2 the table, 3 the rows picked and the facts. */
  if (uth_figure_shows_build (ctx, 2))
    draw_table (cr, ctx, f, scale, &l.table);
  if (uth_figure_shows_build (ctx, 3))
    draw_picked (cr, ctx, &l, f, scale, rows, rects);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  table_label = g_strdup_printf (_("%u rows × %u"), vocab, f->d_model);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, table_label, l.table.x + l.table.w / 2, l.table.y - 4 * s,
                 UTH_ANCHOR_S, 0, NULL);
  picked_label = g_strdup_printf (_("%u × %u: one row per token"), f->n, f->d_model);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, picked_label, l.picked.x, l.picked.y - 4 * s,
                 UTH_ANCHOR_SW, 0, NULL);
  if (ids->len > rows)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("… and %u more token", "… and %u more tokens",
                                                         ids->len - rows), ids->len - rows);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, more, l.chips.x, l.chips.y + rows * l.row_h + 4 * s,
                     UTH_ANCHOR_NW, 0, NULL);
    }
  /* Translators: the vocabulary size, then the width of a row */
  note = g_strdup_printf (_("The model’s own %u-token table, rows of width %u, blue negative, red positive (the picture shows every %u-th row). Training made tokens used alike have similar rows."),
                          vocab, f->d_model, MAX (vocab / MAX (f->table_rows, 1), 1));
  uth_draw_note (cr, ctx, note, l.panel.x + PANEL_PAD * s, l.panel.y + l.panel.h - 46 * s, l.panel.w - 2 * PANEL_PAD * s);
  if (uth_figure_shows_build (ctx, 3))
    draw_facts (cr, ctx, &l.facts, ids->len, TRUE);
}

void
uth_draw_embed (cairo_t                *cr,
               double                  width,
               double                  height,
               const UthFigureContext *ctx)
{
  double f = uth_fundamentals_fit (&width, &height);

  cairo_save (cr);
  cairo_scale (cr, f, f);
  draw_fitted (cr, width, height, ctx);
  cairo_restore (cr);
}

gboolean
uth_draw_embed_hit (double                  width,
               double                  height,
               const UthFigureContext *ctx,
               double                  x,
               double                  y,
               UthFigureHit           *hit)
{
  const UthTextAnalysis *text = ctx->analysis != NULL ? ctx->analysis->text : NULL;
  GArray *ids;
  cairo_t *cr;
  Layout l;
  double top, m = uth_draw_margin (ctx);
  guint rows, i;
  double f = uth_fundamentals_fit (&width, &height);

  x /= f;
  y /= f;
  hit->index = -1;
  hit->tooltip = NULL;
  if (text == NULL)
    return FALSE;
  ids = text->ids;
  cr = uth_draw_scratch ();
  {
    g_autofree char *sub = uth_fundamentals_subtitle (ctx, _(SUBTITLE));
    top = uth_draw_title (cr, ctx, _(TITLE), sub,
                          m, m, width - 2 * m);
  }
  rows = layout_init (&l, cr, ctx, width, height, top, ids->len);
  cairo_destroy (cr);
  if (y < l.chips.y || (x >= l.table.x && x < l.picked.x) || x < l.chips.x ||
      x > l.picked.x + l.picked.w)
    return FALSE;
  i = (guint) ((y - l.chips.y) / l.row_h);
  if (i >= rows)
    return FALSE;
  hit->index = (int) i;
  hit->tooltip = g_strdup_printf (_("Token %u has id %u: it copies row %u of the table"), i + 1,
                                  g_array_index (ids, guint32, i), g_array_index (ids, guint32, i));
  return TRUE;
}
