/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "core/uth-encoding.h"
#include "render/uth-draw-attention.h"
#include "render/uth-draw-fundamentals.h"

typedef struct
{
  const UthAnalysis    *a;
  const UthForwardData *f;     /* the page's forward pass (ctx->analysis) */
  guint                 layer;
  guint                 head;
  guint                 row;
  gboolean              ok;
} Data;

typedef struct
{
  double       s;
  UthChartRect scores;     /* cell area of the score matrix */
  UthChartRect weights;    /* cell area of the weight matrix */
  double       cell;
  UthChartRect panel;      /* the matrices' panel */
  UthChartRect detail;     /* the row detail panel */
  UthChartRect heads;      /* thumbnails of every head */
  double       top;
} Layout;

static void
data_init (Data                   *d,
           const UthFigureContext *ctx)
{
  const UthAttentionView *view = ctx->page_data;
  guint n;

  d->a = ctx->analysis;
  d->f = d->a != NULL ? d->a->forward : NULL;
  d->ok = d->f != NULL && d->f->n > 0 && d->f->n_heads > 0 && d->f->scores != NULL &&
          d->f->weights != NULL;
  n = d->ok ? d->f->n : 0;
  d->layer = view != NULL && d->ok ? MIN (view->layer, d->f->n_layers - 1) : 0;
  d->head = view != NULL && d->ok ? MIN (view->head, d->f->n_heads - 1) : 0;
  d->row = n > 0 ? n - 1 : 0;
  if (view != NULL && view->row >= 0 && (guint) view->row < n)
    d->row = (guint) view->row;
  /* Hovering a cell details its row. */
  if (ctx->hover >= 0 && n > 0 && (guint) ctx->hover < n * n)
    d->row = (guint) ctx->hover / n;
}

static void
data_clear (Data *d)
{
}

/* Entry [layer][head][i][j] of an n x n array of the forward pass. */
static double
att_cell (const Data   *d,
          const double *m,
          guint         head,
          guint         i,
          guint         j)
{
  gsize n = d->f->n;

  return m[((d->layer * (gsize) d->f->n_heads + head) * n + i) * n + j];
}

static double
att_score (const Data *d, guint head, guint i, guint j)
{
  return att_cell (d, d->f->scores, head, i, j);
}

static double
att_weight (const Data *d, guint head, guint i, guint j)
{
  return att_cell (d, d->f->weights, head, i, j);
}

/* Row i of an [layer][head][i][head_dim] array, NULL when the pass did not keep it. */
static const double *
att_vector (const Data   *d,
            const double *m,
            guint         head,
            guint         i)
{
  if (m == NULL)
    return NULL;
  return m + ((d->layer * (gsize) d->f->n_heads + head) * d->f->n + i) * d->f->head_dim;
}

static const char *
token_label (const Data *d,
             guint       i)
{
  return uth_analysis_token_label (d->a, d->f->ids[i]);
}

/* The subtitle says when a long text was cut to the first UTH_ATTENTION_MAX_TOKENS tokens:
 * without it the matrices end mid-sentence and nothing tells why. */
static double
draw_header (cairo_t                *cr,
             const UthFigureContext *ctx,
             double                  width,
             const Data             *d)
{
  double m = uth_draw_margin (ctx);
  g_autofree char *sub = NULL;
  g_autofree char *noted = NULL;
  guint pattern = d->ok && d->f->head_patterns != NULL
                  ? d->f->head_patterns[d->layer * d->f->n_heads + d->head] : 0;

  /* Translators: the layer and head shown, then what training found this head does */
  sub = g_strdup_printf (_("Layer %u, head %u: the model’s real scores and weights for your tokens. %s"),
                         d->layer, d->head,
                         pattern == 1 ? _("Training found that this head attends to the previous token.")
                         : pattern == 2 ? _("Training found that this head attends to the first token.")
                         : pattern == 3 ? _("Training found that this head copies what followed an earlier occurrence (induction).")
                         : d->ok && d->f->pattern_hint != NULL ? d->f->pattern_hint : "");
  noted = uth_fundamentals_subtitle (ctx, sub);
  return uth_draw_title (cr, ctx, _("Attention: each token looks back at the tokens before it"),
                         noted, m, m, width - 2 * m);
}

/* The layout at scale 1, in pixels. Wide: the two matrices on the left (LEFT_SHARE of the
 * width), the row's detail beside them, every head's thumbnail along the bottom. Stacked
 * (narrower than STACK_BELOW): the matrices take the whole width, the detail goes below
 * them, as tall as the bars of the longest text need, then the heads. */
#define LEFT_SHARE     0.68
#define STACK_BELOW    1100
#define GAP            16
#define ROW_LABEL_W    96
#define HEADS_H        150
#define MATRIX_TOP     50
#define BELOW_MATRIX   (56 + 90)
/* Under a matrix its column labels, turned 60° (up to 80 px long), then the note. */
#define LABELS_BELOW   84
#define STACKED_BELOW_MATRIX (LABELS_BELOW + 76)
#define BAR_MAX_H      26
#define BAR_MIN_H      17
#define BELOW_BARS     200
#define STRIP_MIN_H    16
#define STACKED_DETAIL_H (40 + UTH_ATTENTION_MAX_TOKENS * 22 + BELOW_BARS + 60)

static gboolean
is_stacked (double width,
            double s)
{
  return width < STACK_BELOW * s;
}

/* The matrices' panel height when stacked: square matrices of the width they get. */
static double
stacked_panel_h (double width,
                 double m,
                 double s)
{
  double mat_w = (width - 2 * m - 3 * GAP * s) / 2 - ROW_LABEL_W * s;

  return MATRIX_TOP * s + mat_w + STACKED_BELOW_MATRIX * s;
}

static void
layout_init (Layout                 *l,
             const UthFigureContext *ctx,
             double                  width,
             double                  height,
             double                  top,
             guint                   n)
{
  double m = uth_draw_margin (ctx), s = uth_draw_scale (ctx);
  double label_w = ROW_LABEL_W * s, head_h = HEADS_H * s;
  gboolean stacked = is_stacked (width, s);
  double left_w = stacked ? width - 2 * m : (width - 2 * m) * LEFT_SHARE;
  double mat_w = (left_w - 3 * GAP * s) / 2 - label_w;
  double mat_h = stacked ? mat_w : height - m - top - head_h - GAP * s - BELOW_MATRIX * s;

  l->s = s;
  l->top = top;
  l->cell = MIN (mat_w, mat_h) / MAX (n, 1);
  l->scores = (UthChartRect) { m + GAP * s + label_w, top + MATRIX_TOP * s, l->cell * n, l->cell * n };
  l->weights = (UthChartRect) { m + left_w / 2 + GAP * s / 2 + label_w, top + MATRIX_TOP * s, l->cell * n, l->cell * n };
  if (stacked)
    {
      double panel_h = stacked_panel_h (width, m, s);

      l->panel = (UthChartRect) { m, top, left_w, panel_h };
      l->detail = (UthChartRect) { m, top + panel_h + GAP * s, left_w,
                                   MAX (STACKED_DETAIL_H * s, height - m - head_h - GAP * s - (top + panel_h + GAP * s)) };
      l->heads = (UthChartRect) { m, l->detail.y + l->detail.h + GAP * s, width - 2 * m, head_h };
    }
  else
    {
      l->detail = (UthChartRect) { m + left_w + GAP * s, top, width - 2 * m - left_w - GAP * s,
                                   height - m - top - head_h - GAP * s };
      l->panel = (UthChartRect) { m, top, left_w, l->detail.h };
      l->heads = (UthChartRect) { m, height - m - head_h, width - 2 * m, head_h };
    }
}

double
uth_attention_page_height (double                  width,
                           const UthFigureContext *ctx)
{
  double f = 1.0, s = uth_draw_scale (ctx), m = uth_draw_margin (ctx), need = 0;

  if (width > 0 && width < UTH_FUNDAMENTALS_MIN_WIDTH)
    {
      f = width / UTH_FUNDAMENTALS_MIN_WIDTH;
      width = UTH_FUNDAMENTALS_MIN_WIDTH;
    }
  if (is_stacked (width, s))
    {
      cairo_t *cr = uth_draw_scratch ();
      Data d = { 0 };
      double top;

      data_init (&d, ctx);
      top = draw_header (cr, ctx, width, &d);
      data_clear (&d);
      cairo_destroy (cr);
      need = top + stacked_panel_h (width, m, s) + (GAP + STACKED_DETAIL_H + GAP + HEADS_H) * s + m;
    }
  return MAX (uth_fundamentals_page_height (width, ctx), need) * f;
}

static void
draw_labels (cairo_t                *cr,
             const UthFigureContext *ctx,
             const Data             *d,
             const Layout           *l,
             const UthChartRect     *r)
{
  guint n = (guint) d->f->n, step = (guint) ceil (16 * l->s / l->cell);

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  for (guint i = 0; i < n; i += MAX (step, 1))
    {
      g_autofree char *t = g_strdup (token_label (d, i));
      uth_draw_text (cr, ctx, UTH_FONT_TICK, t, r->x - 6 * l->s, r->y + (i + 0.5) * l->cell,
                     UTH_ANCHOR_E, 90 * l->s, NULL);
      cairo_save (cr);
      cairo_translate (cr, r->x + (i + 0.5) * l->cell, r->y + r->h + 6 * l->s);
      cairo_rotate (cr, G_PI / 3);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, t, 0, 0, UTH_ANCHOR_W, 80 * l->s, NULL);
      cairo_restore (cr);
    }
}

static void
draw_matrix (cairo_t                *cr,
             const UthFigureContext *ctx,
             const Data             *d,
             const Layout           *l,
             guint                   head,
             const UthChartRect     *r,
             gboolean                weights,
             double                  cell,
             gboolean                highlight)
{
  guint n = (guint) d->f->n;
  double max_abs = 1e-9;

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j <= i; j++)
      max_abs = MAX (max_abs, fabs (att_score (d, head, i, j)));
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        UthRgba c;
        double x = r->x + j * cell, y = r->y + i * cell;

        if (j > i)
          {
            /* The causal mask: the future is −∞ before softmax, 0 after. */
            uth_draw_color (ctx, UTH_COLOR_GRID, &c);
            uth_draw_set_rgba (cr, &c, 0.55);
            cairo_rectangle (cr, x, y, cell, cell);
            cairo_fill (cr);
            continue;
          }
        if (weights)
          uth_draw_heat (sqrt (att_weight (d, head, i, j)), &c);
        else
          uth_draw_diverging (att_score (d, head, i, j) / max_abs, &c);
        uth_draw_set_rgba (cr, &c, 1.0);
        cairo_rectangle (cr, x, y, cell + 0.3, cell + 0.3);
        cairo_fill (cr);
      }
  if (highlight && ctx->hover >= 0 && (guint) ctx->hover < n * n)
    {
      guint i = (guint) ctx->hover / n, j = (guint) ctx->hover % n;
      uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
      cairo_set_line_width (cr, 3 * l->s);
      cairo_rectangle (cr, r->x + j * cell, r->y + i * cell, cell, cell);
      cairo_stroke (cr);
    }
  if (highlight)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      cairo_set_line_width (cr, 1.5 * l->s);
      cairo_rectangle (cr, r->x, r->y + d->row * cell, r->w, cell);
      cairo_stroke (cr);
    }
}

/* The value vectors of the three largest weights and the output they sum to, as rows of
 * hd cells (blue negative, red positive, on one scale). */
static void
draw_value_strips (cairo_t                *cr,
                   const UthFigureContext *ctx,
                   const Data             *d,
                   double                  x,
                   double                  y,
                   double                  w,
                   double                  room)
{
  double s = uth_draw_scale (ctx), label_w = 110 * s;
  double row_h = MIN (26 * s, room / 5), cell = MIN ((w - label_w) / d->f->head_dim, 28 * s);
  guint hd = d->f->head_dim, order[UTH_ATTENTION_MAX_TOKENS], shown = MIN (d->row + 1, 3);
  double max_abs = 1e-9;

  /* Rows thinner than their labels (14 px) would print them over each other: no strips. */
  if (row_h < STRIP_MIN_H * s || d->f->v == NULL || d->f->out == NULL)
    return;
  for (guint j = 0; j <= d->row; j++)
    order[j] = j;
  for (guint a = 0; a < shown; a++)
    for (guint b = a + 1; b <= d->row; b++)
      if (att_weight (d, d->head, d->row, order[b]) >
          att_weight (d, d->head, d->row, order[a]))
        {
          guint tmp = order[a];
          order[a] = order[b];
          order[b] = tmp;
        }
  for (guint k = 0; k < shown; k++)
    for (guint c = 0; c < hd; c++)
      max_abs = MAX (max_abs, fabs (att_vector (d, d->f->v, d->head, order[k])[c]));
  for (guint k = 0; k <= shown; k++)
    {
      gboolean out = k == shown;
      const double *v = out ? att_vector (d, d->f->out, d->head, d->row)
                            : att_vector (d, d->f->v, d->head, order[k]);
      g_autofree char *t = out ? NULL
                               : g_strdup (token_label (d, order[k]));
      g_autofree char *label = out ? g_strdup (_("= out")) : g_strdup_printf ("v(%s)", t);
      double ry = y + k * row_h + (out ? 6 * s : 0);

      uth_draw_set_color (cr, ctx, out ? UTH_COLOR_FOREGROUND : UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, label, x + label_w - 8 * s, ry + row_h / 2, UTH_ANCHOR_E,
                     label_w - 8 * s, NULL);
      for (guint c = 0; c < hd; c++)
        {
          UthRgba col;
          uth_draw_diverging (v[c] / max_abs, &col);
          uth_draw_set_rgba (cr, &col, 1.0);
          cairo_rectangle (cr, x + label_w + c * cell, ry + 2 * s, cell - 1, row_h - 4 * s);
          cairo_fill (cr);
        }
    }
}

/* The height of a wrapped paragraph of markup at this width. */
static double
paragraph_height (cairo_t                *cr,
                  const UthFigureContext *ctx,
                  UthFont                 font,
                  const char             *markup,
                  double                  width)
{
  PangoLayout *layout = uth_draw_layout (cr, ctx, font, NULL);
  int h;

  pango_layout_set_markup (layout, markup, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_get_pixel_size (layout, NULL, &h);
  g_object_unref (layout);
  return h;
}

static void
draw_detail (cairo_t                *cr,
             const UthFigureContext *ctx,
             const Data             *d,
             const Layout           *l)
{
  double s = l->s, x = l->detail.x + 16 * s, w = l->detail.w - 32 * s;
  g_autofree char *t = g_strdup (token_label (d, d->row));
  g_autofree char *heading = g_strdup_printf (_("Row %u, “%s”: where it looks"), d->row, t);
  double y = uth_draw_panel (cr, ctx, l->detail.x, l->detail.y, l->detail.w, l->detail.h, heading);
  /* Every bar a line of text tall at least (its token and weight labelled, the largest
   * included); the sum and the value rows below take what is left. */
  double bar_h = MIN (BAR_MAX_H * s, MAX (BAR_MIN_H * s, (l->detail.y + l->detail.h - y - BELOW_BARS * s) / (d->row + 1)));
  double label_w = 90 * s, bar_w = w - label_w - 60 * s;
  GString *sum = g_string_new ("out = ");
  guint shown = 0;
  /* Rows thinner than a line of text (a long text in a short window) would stack their
   * labels on top of each other: label every label_step-th row then (all bars stay). */
  guint label_step = bar_h >= 15 * s ? 1 : (guint) ceil (15 * s / MAX (bar_h, 1e-3));

  for (guint j = 0; j <= d->row; j++)
    {
      double a = att_weight (d, d->head, d->row, j);
      g_autofree char *tj = g_strdup (token_label (d, j));
      g_autofree char *v = g_strdup_printf ("%.2f", a);
      double by = y + j * bar_h;
      UthRgba c;

      if (bar_h < 8 * s)
        break;
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      if (j % label_step == 0)
        uth_draw_text (cr, ctx, bar_h >= 18 * s ? UTH_FONT_TICK : UTH_FONT_MONO, tj, x + label_w - 6 * s,
                       by + bar_h / 2, UTH_ANCHOR_E, label_w, NULL);
      uth_draw_heat (sqrt (a), &c);
      uth_draw_set_rgba (cr, &c, 1.0);
      cairo_rectangle (cr, x + label_w, by + 2 * s, MAX (a * bar_w, 1), bar_h - 4 * s);
      cairo_fill (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      if (j % label_step == 0)
        uth_draw_text (cr, ctx, UTH_FONT_TICK, v, x + label_w + a * bar_w + 4 * s, by + bar_h / 2,
                       UTH_ANCHOR_W, 0, NULL);
    }
  y += (d->row + 1) * bar_h + 14 * s;
  /* The weighted sum, largest terms first. */
  {
    guint order[UTH_ATTENTION_MAX_TOKENS];
    for (guint j = 0; j <= d->row; j++)
      order[j] = j;
    for (guint a = 0; a <= d->row; a++)
      for (guint b = a + 1; b <= d->row; b++)
        if (att_weight (d, d->head, d->row, order[b]) >
            att_weight (d, d->head, d->row, order[a]))
          {
            guint tmp = order[a];
            order[a] = order[b];
            order[b] = tmp;
          }
    for (guint k = 0; k <= d->row && shown < 3; k++, shown++)
      {
        g_autofree char *tj = g_strdup (token_label (d, order[k]));
        g_string_append_printf (sum, "%s%.2f × v(%s)", k ? " + " : "",
                                att_weight (d, d->head, d->row, order[k]), tj);
      }
    if (d->row + 1 > shown)
      g_string_append (sum, " + …");
  }
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  {
    /* The explanation and the sum where the panel has room for them below the bars (with
     * many tokens the bars take it all). */
    const char *why = _("Each weight is e^(S − max) over the row’s sum (softmax), so a row adds up to 1. The output is the weighted sum of the value vectors:");
    g_autofree char *escaped = g_markup_escape_text (sum->str, -1);
    double bottom = l->detail.y + l->detail.h - 12 * s;
    double why_h = paragraph_height (cr, ctx, UTH_FONT_LABEL, why, w);
    double sum_h = paragraph_height (cr, ctx, UTH_FONT_MONO, escaped, w);

    if (y + why_h + 6 * s + sum_h <= bottom)
      {
        y += uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, why, x, y, w) + 6 * s;
        y += uth_draw_paragraph (cr, ctx, UTH_FONT_MONO, escaped, x, y, w) + 10 * s;
      }
    else if (y + sum_h <= bottom)
      y += uth_draw_paragraph (cr, ctx, UTH_FONT_MONO, escaped, x, y, w) + 10 * s;
  }
  g_string_free (sum, TRUE);
  draw_value_strips (cr, ctx, d, x, y, w, l->detail.y + l->detail.h - 12 * s - y);
}

static void
draw_heads (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Data             *d,
            const Layout           *l)
{
  double s = l->s, y = uth_draw_panel (cr, ctx, l->heads.x, l->heads.y, l->heads.w, l->heads.h,
                                       _("Every head’s weights (each head has its own W_Q, W_K, W_V and looks for something else)"));
  guint heads = d->f->n_heads, n = (guint) d->f->n;
  double size = l->heads.y + l->heads.h - y - 10 * s, cell = size / MAX (n, 1);

  for (guint h = 0; h < heads; h++)
    {
      UthChartRect r = { l->heads.x + 24 * s + h * (size + 120 * s), y, size, size };
      g_autofree char *label = g_strdup_printf (_("head %u"), h);

      draw_matrix (cr, ctx, d, l, h, &r, TRUE, cell, FALSE);
      uth_draw_set_color (cr, ctx, h == d->head ? UTH_COLOR_ACCENT : UTH_COLOR_GRID);
      cairo_set_line_width (cr, (h == d->head ? 3 : 1) * s);
      cairo_rectangle (cr, r.x, r.y, r.w, r.h);
      cairo_stroke (cr);
      uth_draw_set_color (cr, ctx, h == d->head ? UTH_COLOR_FOREGROUND : UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, label, r.x + r.w + 10 * s, r.y + r.h / 2, UTH_ANCHOR_W, 0, NULL);
    }
}

static void
draw_fitted (cairo_t                *cr,
                    double                  width,
                    double                  height,
                    const UthFigureContext *ctx)
{
  Data d = { 0 };
  Layout l;
  double top, s = uth_draw_scale (ctx);
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;
  UthChartRect panel;

  if (ctx->analysis == NULL || ctx->analysis->forward == NULL)
    {
      uth_draw_computing (cr, width, height, ctx);
      return;
    }
  uth_draw_background (cr, width, height, ctx);
  data_init (&d, ctx);
  top = draw_header (cr, ctx, width, &d);
  if (!d.ok)
    {
      data_clear (&d);
      return;
    }
  layout_init (&l, ctx, width, height, top, (guint) d.f->n);
  panel = l.panel;
  uth_draw_panel (cr, ctx, panel.x, panel.y, panel.w, panel.h, NULL);
  left = g_strdup_printf (_("Scores S = QKᵀ / √%u (head %u)"), d.f->head_dim, d.head);
  right = g_strdup (_("Weights A = softmax of each row"));
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  /* The headings start above the row labels, not above the matrices: at the figure's
   * narrowest (then 1150 px) "Weights A = softmax of each row" ran past the panel's edge into the
   * detail panel. Each gets its half of the panel at most. */
  {
    double half = (panel.w - 32 * s) / 2 - 8 * s;

    uth_draw_text (cr, ctx, UTH_FONT_HEADING, left, l.scores.x - 96 * s, top + 14 * s,
                   UTH_ANCHOR_NW, half, NULL);
    uth_draw_text (cr, ctx, UTH_FONT_HEADING, right, l.weights.x - 96 * s, top + 14 * s,
                   UTH_ANCHOR_NW, half, NULL);
  }
  draw_matrix (cr, ctx, &d, &l, d.head, &l.scores, FALSE, l.cell, TRUE);
  if (uth_figure_shows_build (ctx, 2))
    draw_matrix (cr, ctx, &d, &l, d.head, &l.weights, TRUE, l.cell, TRUE);
  draw_labels (cr, ctx, &d, &l, &l.scores);
  if (uth_figure_shows_build (ctx, 2))
    draw_labels (cr, ctx, &d, &l, &l.weights);
  uth_draw_note (cr, ctx,
                 _("Rows are queries (the token looking), columns are keys (the tokens looked at). Grey cells are the causal mask: a token may not see later tokens, so their score is −∞ and their weight 0. Blue scores are negative, red positive."),
                 panel.x + GAP * s, MAX (panel.y + panel.h - 56 * s, l.scores.y + l.scores.h + LABELS_BELOW * s),
                 panel.w - 2 * GAP * s);
  if (uth_figure_shows_build (ctx, 3))
    {
      draw_detail (cr, ctx, &d, &l);
      draw_heads (cr, ctx, &d, &l);
    }
  data_clear (&d);
}

void
uth_draw_attention (cairo_t                *cr,
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
uth_draw_attention_hit (double                  width,
                   double                  height,
                   const UthFigureContext *ctx,
                   double                  x,
                   double                  y,
                   UthFigureHit           *hit)
{
  Data d = { 0 };
  Layout l;
  double f = uth_fundamentals_fit (&width, &height);
  cairo_t *cr = uth_draw_scratch ();
  double top;
  const UthChartRect *areas[2];
  gboolean found = FALSE;
  guint n;

  x /= f;
  y /= f;
  hit->index = -1;
  hit->tooltip = NULL;
  data_init (&d, ctx);
  top = draw_header (cr, ctx, width, &d);
  cairo_destroy (cr);
  if (!d.ok)
    {
      data_clear (&d);
      return FALSE;
    }
  n = (guint) d.f->n;
  layout_init (&l, ctx, width, height, top, n);
  areas[0] = &l.scores;
  areas[1] = &l.weights;
  for (int a = 0; a < 2 && !found; a++)
    if (x >= areas[a]->x && x < areas[a]->x + areas[a]->w && y >= areas[a]->y && y < areas[a]->y + areas[a]->h)
      {
        guint i = (guint) ((y - areas[a]->y) / l.cell), j = (guint) ((x - areas[a]->x) / l.cell);
        g_autofree char *ti = NULL;
        g_autofree char *tj = NULL;
        g_autofree char *ei = NULL;
        g_autofree char *ej = NULL;

        if (i >= n || j >= n)
          break;
        ti = g_strdup (token_label (&d, i));
        tj = g_strdup (token_label (&d, j));
        ei = g_markup_escape_text (ti, -1);
        ej = g_markup_escape_text (tj, -1);
        hit->index = (int) (i * n + j);
        if (j > i)
          hit->tooltip = g_strdup_printf (_("“%s” (row %u) may not look at “%s” (column %u), which comes later: masked, score −∞, weight 0"),
                                          ei, i, ej, j);
        else
          {
            double dot = uth_dot (att_vector (&d, d.f->q, d.head, i), att_vector (&d, d.f->k, d.head, j), d.f->head_dim);
            /* Translators: tooltip with the numbers of one attention cell */
            hit->tooltip = g_strdup_printf (_("Query “%s” (row %u), key “%s” (column %u)\n"
                                              "S = q·k / √%u = %.3f / %.3f = %.3f\n"
                                              "A = softmax over row %u = %.3f"),
                                            ei, i, ej, j, d.f->head_dim, dot, sqrt (d.f->head_dim),
                                            att_score (&d, d.head, i, j), i,
                                            att_weight (&d, d.head, i, j));
          }
        found = TRUE;
      }
  data_clear (&d);
  return found;
}
