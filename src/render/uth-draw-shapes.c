/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "core/uth-estimate.h"
#include "core/uth-ops.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-shapes.h"

typedef enum { DIM_B, DIM_S, DIM_C, DIM_D, DIM_H, DIM_HKV, DIM_HD, DIM_F, DIM_2F, DIM_HHD, DIM_ONE, DIM_V, DIM_NONE } Dim;

typedef struct
{
  const char *name;      /* N_() */
  const char *op;        /* op id in uth-ops.c that writes this tensor */
  const char *what;      /* N_() what the op does */
  Dim         dims[4];
  int         col, row;  /* grid place */
  int         sub;       /* -1: full width; 0..2: a third (Q, K, V) */
} Node;

static const Node nodes[UTH_SHAPES_N_NODES] = {
  { N_("x, the layer’s input"), NULL, N_("The residual stream from the previous layer (or the embedding)."), { DIM_B, DIM_S, DIM_D, DIM_NONE }, 0, 0, -1 },
  { N_("normalised x"), "attn_norm", N_("RMSNorm or LayerNorm: each token’s vector rescaled."), { DIM_B, DIM_S, DIM_D, DIM_NONE }, 0, 1, -1 },
  { N_("Q"), "qkv_proj", N_("x · W_Q, one query per head (Q, K and V come from one fused matrix product)."), { DIM_B, DIM_S, DIM_H, DIM_HD }, 0, 2, 0 },
  { N_("K → cache"), "qkv_proj", N_("x · W_K: keys, appended to the KV cache."), { DIM_B, DIM_S, DIM_HKV, DIM_HD }, 0, 2, 1 },
  { N_("V → cache"), "qkv_proj", N_("x · W_V: values, appended to the KV cache."), { DIM_B, DIM_S, DIM_HKV, DIM_HD }, 0, 2, 2 },
  { N_("scores QKᵀ/√hd"), "attn_scores", N_("Every query against every cached key: S × C scores per head."), { DIM_B, DIM_H, DIM_S, DIM_C }, 0, 3, -1 },
  { N_("weights (softmax)"), "attn_softmax", N_("Causal mask, then softmax along each row."), { DIM_B, DIM_H, DIM_S, DIM_C }, 0, 4, -1 },
  { N_("heads’ outputs"), "attn_pv", N_("Weights · V per head, heads side by side."), { DIM_B, DIM_S, DIM_HHD, DIM_NONE }, 0, 5, -1 },
  { N_("attention output"), "o_proj", N_("The output projection mixes the heads back to width d."), { DIM_B, DIM_S, DIM_D, DIM_NONE }, 0, 6, -1 },
  { N_("x + attention"), "attn_residual", N_("The residual add: the layer changes x rather than replacing it."), { DIM_B, DIM_S, DIM_D, DIM_NONE }, 0, 7, -1 },
  { N_("normalised"), "mlp_norm", N_("The second norm, before the MLP."), { DIM_B, DIM_S, DIM_D, DIM_NONE }, 1, 0, -1 },
  { N_("gate and up"), "mlp_gate_up", N_("Two projections to the wide MLP width F (one for plain MLPs)."), { DIM_B, DIM_S, DIM_2F, DIM_NONE }, 1, 1, -1 },
  { N_("activation"), "mlp_act", N_("SiLU(gate) × up, or GELU: the only non-linear step."), { DIM_B, DIM_S, DIM_F, DIM_NONE }, 1, 2, -1 },
  { N_("down"), "mlp_down", N_("Back from F to d."), { DIM_B, DIM_S, DIM_D, DIM_NONE }, 1, 3, -1 },
  { N_("x + MLP: the layer’s output"), "mlp_residual", N_("The second residual add; the next layer reads this."), { DIM_B, DIM_S, DIM_D, DIM_NONE }, 1, 4, -1 },
  { N_("logits, after the last layer"), "lm_head", N_("After all the layers and a final norm, the lm-head scores every token of the vocabulary, for the last position only: that is all choosing the next token needs."), { DIM_B, DIM_ONE, DIM_V, DIM_NONE }, 1, 6, -1 },
};

typedef struct
{
  guint64 v[DIM_NONE];
  gboolean gated;
} Dims;

static const char *const symbols[DIM_NONE] = { "B", "S", "C", "d", "H", "Hkv", "hd", "F", "2F", "H·hd", "1", "V" };

static void
dims_init (Dims                   *d,
           const UthFigureContext *ctx)
{
  const UthModel *m = ctx->input.model;
  gboolean decode = ctx->phase == UTH_PHASE_DECODE;
  guint64 ffn = m->ffn > 0 ? m->ffn : m->expert_ffn;

  d->gated = m->gated_mlp;
  d->v[DIM_B] = MAX (ctx->input.batch, 1);
  d->v[DIM_S] = decode ? 1 : MAX (ctx->input.prompt, 1);
  d->v[DIM_C] = decode ? MAX (ctx->input.context, 1) : MAX (ctx->input.prompt, 1);
  d->v[DIM_D] = m->hidden;
  d->v[DIM_H] = m->heads;
  d->v[DIM_HKV] = m->kv_heads;
  d->v[DIM_HD] = m->head_dim;
  d->v[DIM_F] = ffn;
  d->v[DIM_2F] = m->gated_mlp ? 2 * ffn : ffn;
  d->v[DIM_HHD] = (guint64) m->heads * m->head_dim;
  d->v[DIM_ONE] = 1;
  d->v[DIM_V] = m->vocab;
}

static char *
shape_symbolic (const Node *n,
                const Dims *d)
{
  GString *s = g_string_new ("[");

  for (int i = 0; i < 4 && n->dims[i] != DIM_NONE; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", n->dims[i] == DIM_2F && !d->gated ? "F" : symbols[n->dims[i]]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static char *
shape_numeric (const Node *n,
               const Dims *d,
               double     *elements)
{
  GString *s = g_string_new ("[");

  *elements = 1;
  for (int i = 0; i < 4 && n->dims[i] != DIM_NONE; i++)
    {
      g_string_append_printf (s, "%s%" PRIu64, i ? ", " : "", d->v[n->dims[i]]);
      *elements *= (double) d->v[n->dims[i]];
    }
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* The layout at scale 1, in pixels. Wide: the attention column, the MLP column and the
 * detail panel side by side (COL0_SHARE and COL1_SHARE of the width). Stacked, when a third
 * of the attention column cannot hold "[1,1024,32,128]": the two columns share the width
 * (STACKED_COL0_SHARE for attention) and the detail panel goes below them. */
#define COL0_SHARE          0.42
#define COL1_SHARE          0.27
#define STACKED_COL0_SHARE  0.62
#define COL_GAP             40
#define DETAIL_GAP          40
#define HEADING_H           36
#define ARROW_H             18
#define SUB_GAP             6
#define BOX_PAD             10
#define STACKED_ROW_H       80
#define STACKED_DETAIL_H    380
#define WIDE_HEIGHT         820

typedef struct
{
  double       s;
  gboolean     stacked;
  UthChartRect grid[2];   /* the two columns */
  double       row_h, box_h;
  UthChartRect detail;
} Layout;

static double draw_header (cairo_t *cr, const UthFigureContext *ctx, double width);

/* Whether the Q, K and V boxes (a third of the attention column each) are too narrow in
 * the wide layout for Q's numbers without spaces. */
static gboolean
needs_stacking (cairo_t                *cr,
                const UthFigureContext *ctx,
                double                  width)
{
  double m = uth_draw_margin (ctx), s = uth_draw_scale (ctx), elements, w;
  double third = ((width - 2 * m) * COL0_SHARE - 2 * SUB_GAP * s) / 3;
  Dims d;
  g_autofree char *num = NULL;
  GString *compact = g_string_new (NULL);

  if (ctx->input.model == NULL)
    return FALSE;
  dims_init (&d, ctx);
  num = shape_numeric (&nodes[2], &d, &elements);
  for (const char *p = num; *p != '\0'; p++)
    if (*p != ' ')
      g_string_append_c (compact, *p);
  uth_draw_text_size (cr, ctx, UTH_FONT_MONO, compact->str, &w, NULL);
  g_string_free (compact, TRUE);
  return w > third - 2 * BOX_PAD * s;
}

double
uth_shapes_page_height (double                  width,
                        const UthFigureContext *ctx)
{
  double s = uth_draw_scale (ctx), f = 1.0, h, top;
  cairo_t *cr;

  if (width > 0 && width < UTH_FUNDAMENTALS_MIN_WIDTH)
    {
      f = width / UTH_FUNDAMENTALS_MIN_WIDTH;
      width = UTH_FUNDAMENTALS_MIN_WIDTH;
    }
  cr = uth_draw_scratch ();
  if (ctx->input.model != NULL && needs_stacking (cr, ctx, width))
    {
      top = draw_header (cr, ctx, width);
      h = top + HEADING_H * s + 8 * STACKED_ROW_H * s + DETAIL_GAP * s + STACKED_DETAIL_H * s
          + uth_draw_margin (ctx);
    }
  else
    h = WIDE_HEIGHT * s;
  cairo_destroy (cr);
  return MAX (h, WIDE_HEIGHT * s) * f;
}

static void
layout_init (Layout                 *l,
             cairo_t                *cr,
             const UthFigureContext *ctx,
             double                  width,
             double                  height,
             double                  top)
{
  double m = uth_draw_margin (ctx), s = uth_draw_scale (ctx);
  /* The attention column is wider: its row of three (Q, K, V) must hold
   * "[1, 1024, 32, 128]" each, which at a third of an equal column was cut to "[1, 1024, …". */
  double col0 = (width - 2 * m) * COL0_SHARE, col1 = (width - 2 * m) * COL1_SHARE, grid_h;

  l->s = s;
  l->stacked = needs_stacking (cr, ctx, width);
  if (l->stacked)
    {
      col0 = (width - 2 * m - COL_GAP * s) * STACKED_COL0_SHARE;
      col1 = width - 2 * m - COL_GAP * s - col0;
      grid_h = 8 * STACKED_ROW_H * s;
    }
  else
    grid_h = height - m - top - HEADING_H * s;
  l->grid[0] = (UthChartRect) { m, top + HEADING_H * s, col0, grid_h };
  l->grid[1] = (UthChartRect) { m + col0 + COL_GAP * s, top + HEADING_H * s, col1, grid_h };
  l->row_h = l->grid[0].h / 8;
  l->box_h = l->row_h - ARROW_H * s;
  if (l->stacked)
    {
      double y = l->grid[0].y + grid_h + DETAIL_GAP * s;

      l->detail = (UthChartRect) { m, y, width - 2 * m, MAX (height - m - y, STACKED_DETAIL_H * s) };
    }
  else
    l->detail = (UthChartRect) { m + col0 + col1 + 2 * COL_GAP * s, top,
                                 width - 2 * m - col0 - col1 - 2 * COL_GAP * s, height - m - top };
}

static UthChartRect
node_rect (const Layout *l,
           int           i)
{
  const Node *n = &nodes[i];
  UthChartRect g = l->grid[n->col];
  UthChartRect r = { g.x, g.y + n->row * l->row_h, g.w, l->box_h };

  if (n->sub >= 0)
    {
      double gap = SUB_GAP * l->s, w = (g.w - 2 * gap) / 3;
      r.x = g.x + n->sub * (w + gap);
      r.w = w;
    }
  return r;
}

static const UthOp *
find_op (const UthOp *ops,
         size_t       n,
         const char  *id)
{
  for (size_t i = 0; id != NULL && i < n; i++)
    if (strcmp (ops[i].id, id) == 0 || (strcmp (id, "mlp_gate_up") == 0 && strcmp (ops[i].id, "mlp_up") == 0))
      return &ops[i];
  return NULL;
}

static size_t
layer_ops (const UthFigureContext *ctx,
           UthOp                  *ops,
           gboolean                whole_model)
{
  UthWorkload w;

  /* The scenario's workload as the estimator maps it (its attention implementation
   * included), for the whole layer: shapes are not split over GPUs here. */
  if (!uth_estimate_workload (&ctx->input, ctx->phase, &w))
    return 0;
  w.tensor_parallel = 1;
  /* The first dense layer (DeepSeek's first layers are dense). */
  if (whole_model)
    return uth_model_ops (ctx->input.model, &w, ops, UTH_MAX_MODEL_OPS);
  return uth_layer_ops (ctx->input.model, &w, 0, ops, UTH_MAX_LAYER_OPS);
}

/* A shape for a narrow box: as is when it fits in room, else without the spaces. */
static char *
fit_shape (cairo_t                *cr,
           const UthFigureContext *ctx,
           const char             *shape,
           double                  room)
{
  PangoLayout *layout = uth_draw_layout (cr, ctx, UTH_FONT_MONO, shape);
  int w = 0;
  GString *compact;

  pango_layout_get_pixel_size (layout, &w, NULL);
  g_object_unref (layout);
  if (w <= room)
    return g_strdup (shape);
  compact = g_string_new (NULL);
  for (const char *p = shape; *p != '\0'; p++)
    if (*p != ' ')
      g_string_append_c (compact, *p);
  return g_string_free (compact, FALSE);
}

static void
draw_node (cairo_t                *cr,
           const UthFigureContext *ctx,
           const Layout           *l,
           const Dims             *d,
           int                     i,
           gboolean                selected)
{
  const Node *n = &nodes[i];
  UthChartRect r = node_rect (l, i);
  double s = l->s, elements;
  g_autofree char *sym = shape_symbolic (n, d);
  g_autofree char *num = shape_numeric (n, d, &elements);
  g_autofree char *bytes = uth_format_bytes (elements * uth_dtype_bytes (ctx->input.activations));
  gboolean narrow = n->sub >= 0;
  /* A short window leaves boxes of about 62 px: three lines at 6/28/48 px ran the numbers
   * into the box's bottom edge; tighter lines fit them. */
  gboolean tight = r.h < 70 * s;
  double y_sym = r.y + (tight ? 23 : 28) * s, y_num = r.y + (tight ? 41 : 48) * s;
  UthRgba c;

  uth_draw_categorical (ctx, n->col == 0 ? (n->row >= 3 && n->row <= 5 ? 1 : 0) : 2, &c);
  uth_draw_rounded_rect (cr, r.x, r.y, r.w, r.h, 8 * s);
  uth_draw_set_rgba (cr, &c, selected || i == ctx->hover ? 0.45 : 0.18);
  cairo_fill_preserve (cr);
  uth_draw_set_rgba (cr, &c, 1.0);
  cairo_set_line_width (cr, (selected ? 3.5 : 1.5) * s);
  cairo_stroke (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, _(n->name), r.x + BOX_PAD * s, r.y + (tight ? 4 : 6) * s, UTH_ANCHOR_NW, r.w - 2 * BOX_PAD * s, NULL);
  if (narrow)
    {
      char *f = fit_shape (cr, ctx, sym, r.w - 2 * BOX_PAD * s);
      g_free (sym);
      sym = f;
      f = fit_shape (cr, ctx, num, r.w - 2 * BOX_PAD * s);
      g_free (num);
      num = f;
    }
  uth_draw_text (cr, ctx, UTH_FONT_MONO, sym, r.x + BOX_PAD * s, y_sym, UTH_ANCHOR_NW, r.w - 2 * BOX_PAD * s, NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  if (!narrow)
    {
      g_autofree char *line = g_strdup_printf ("%s  %s", num, bytes);
      uth_draw_text (cr, ctx, UTH_FONT_MONO, line, r.x + BOX_PAD * s, y_num, UTH_ANCHOR_NW, r.w - 2 * BOX_PAD * s, NULL);
    }
  else
    uth_draw_text (cr, ctx, UTH_FONT_MONO, num, r.x + BOX_PAD * s, y_num, UTH_ANCHOR_NW, r.w - 2 * BOX_PAD * s, NULL);
}

static void
draw_arrows (cairo_t                *cr,
             const UthFigureContext *ctx,
             const Layout           *l)
{
  double s = l->s;

  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  cairo_set_line_width (cr, 2 * s);
  for (int col = 0; col < 2; col++)
    {
      int rows = col == 0 ? 8 : 5;
      for (int row = 0; row + 1 < rows; row++)
        {
          double x = l->grid[col].x + l->grid[col].w / 2;
          double y0 = l->grid[col].y + row * l->row_h + l->box_h, y1 = y0 + ARROW_H * s;
          cairo_move_to (cr, x, y0);
          cairo_line_to (cr, x, y1 - 2 * s);
          cairo_stroke (cr);
          cairo_move_to (cr, x - 5 * s, y1 - 7 * s);
          cairo_line_to (cr, x, y1);
          cairo_line_to (cr, x + 5 * s, y1 - 7 * s);
          cairo_stroke (cr);
        }
    }
  /* From the layer's output, through the other layers, to the logits. */
  {
    double x = l->grid[1].x + l->grid[1].w / 2, y0 = l->grid[1].y + 4 * l->row_h + l->box_h;
    double y1 = l->grid[1].y + 6 * l->row_h, dash[] = { 6 * s, 5 * s };
    cairo_save (cr);
    cairo_set_dash (cr, dash, 2, 0);
    cairo_move_to (cr, x, y0);
    cairo_line_to (cr, x, y1 - 2 * s);
    cairo_stroke (cr);
    cairo_restore (cr);
    /* Wrapped, not ellipsized: half a column is too narrow for it on one line. */
    uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, _("… the other layers, the final norm …"), x + 10 * s,
                        (y0 + y1) / 2 - uth_draw_font_px (ctx, UTH_FONT_TICK) * 1.2,
                        l->grid[1].w / 2 - 10 * s);
  }
  /* From the attention residual to the MLP column. */
  {
    double x0 = l->grid[0].x + l->grid[0].w, y0 = l->grid[0].y + 7 * l->row_h + l->box_h / 2;
    double x1 = l->grid[1].x, y1 = l->grid[1].y + l->box_h / 2;
    cairo_move_to (cr, x0, y0);
    cairo_curve_to (cr, x0 + 30 * s, y0, x1 - 30 * s, y1, x1 - 2 * s, y1);
    cairo_stroke (cr);
  }
}

static void
draw_detail (cairo_t                *cr,
             const UthFigureContext *ctx,
             const Layout           *l,
             const Dims             *d,
             int                     i)
{
  const Node *n = &nodes[i];
  double s = l->s, x = l->detail.x + 16 * s, w = l->detail.w - 32 * s, elements;
  double y = uth_draw_panel (cr, ctx, l->detail.x, l->detail.y, l->detail.w, l->detail.h, _(n->name));
  g_autofree char *sym = shape_symbolic (n, d);
  g_autofree char *num = shape_numeric (n, d, &elements);
  g_autofree char *bytes = uth_format_bytes (elements * uth_dtype_bytes (ctx->input.activations));
  g_autofree char *count = uth_format_count (elements);
  g_autofree char *element_bytes = uth_format_number (uth_dtype_bytes (ctx->input.activations));
  UthOp ops[UTH_MAX_MODEL_OPS];
  size_t n_ops = layer_ops (ctx, ops, g_strcmp0 (n->op, "lm_head") == 0);
  const UthOp *op = find_op (ops, n_ops, n->op);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n= %s\n", sym, num);
  g_string_append_printf (text, _("%s numbers × %s bytes (%s) = %s\n\n"), count,
                          element_bytes, uth_dtype_id (ctx->input.activations), bytes);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  {
    g_autofree char *e = g_markup_escape_text (text->str, -1);
    y += uth_draw_paragraph (cr, ctx, UTH_FONT_MONO, e, x, y, w);
  }
  g_string_truncate (text, 0);
  g_string_append (text, _(n->what));
  if (op != NULL)
    {
      g_autofree char *fl = uth_format_flops (op->flops);
      g_autofree char *by = uth_format_bytes (uth_op_bytes (op));
      g_autofree char *wb = uth_format_bytes (op->weight_bytes);
      g_autofree char *ai = uth_format_intensity (uth_op_intensity (op));
      g_string_append_printf (text, _("\n\nMade by the op “%s”: %s, moving %s (of which weights %s), %s."),
                              op->id, fl, by, wb, ai);
      if (op->kind == UTH_OP_GEMM || op->kind == UTH_OP_ATTN_MATMUL)
        {
          double full = 2.0 * (double) op->m * (double) op->k * (double) op->n * (double) op->count;

          g_string_append_printf (text, _(" A matrix product (%" PRIu64 " × %" PRIu64 ") · (%" PRIu64 " × %" PRIu64 "), %" PRIu64 " times: 2·m·k·n FLOPs each."),
                                  (uint64_t) op->m, (uint64_t) op->k, (uint64_t) op->k,
                                  (uint64_t) op->n, (uint64_t) op->count);
          /* The causal mask: a query meets only the keys at or before it, and the op counts
           * only those pairs; without saying so the total reads as half of 2·m·k·n. */
          if (op->kind == UTH_OP_ATTN_MATMUL && op->flops < 0.99 * full)
            {
              g_autofree char *all = uth_format_flops (full);
              g_string_append_printf (text, _(" The causal mask skips the pairs where a key comes after its query: %s counted of the %s the full product would take."),
                                      fl, all);
            }
        }
    }
  uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, text->str, x, y, w);
  g_string_free (text, TRUE);
}

static double
draw_header (cairo_t                *cr,
             const UthFigureContext *ctx,
             double                  width)
{
  double m = uth_draw_margin (ctx);
  const UthModel *model = ctx->input.model;
  g_autofree char *sub = NULL, *head = NULL;
  UthWorkload w;

  if (model == NULL || !uth_estimate_workload (&ctx->input, ctx->phase, &w))
    return uth_draw_title (cr, ctx, _("Shapes: one layer’s tensors"), _("Choose a model."), m, m, width - 2 * m);
  head = g_strdup_printf (_("%s, %s: batch B = %" PRIu64 ", new tokens S = %" PRIu64 ", cached tokens C = %" PRIu64 ", d = %u, H = %u heads (Hkv = %u for K and V), hd = %u, F = %u, V = %u. Click a shape for the op that made it."),
                          ctx->model != NULL ? ctx->model->name : "", ctx->phase == UTH_PHASE_DECODE ? _("decode") : _("prefill"),
                          (uint64_t) w.batch, (uint64_t) w.tokens, (uint64_t) w.context,
                          model->hidden, model->heads, model->kv_heads, model->head_dim,
                          model->ffn > 0 ? model->ffn : model->expert_ffn, model->vocab);
  /* Which attention the bytes of the score ops assume: the scenario's, as on Layer. */
  sub = g_strdup_printf ("%s %s", head, w.flash_attention
                         ? _("Attention: flash (scores stay on chip).")
                         : _("Attention: standard (scores written to memory)."));
  return uth_draw_title (cr, ctx, _("Shapes: one layer’s tensors, symbolic and in numbers"), sub, m, m, width - 2 * m);
}

static void
draw_fitted (cairo_t                *cr,
                 double                  width,
                 double                  height,
                 const UthFigureContext *ctx)
{
  const UthShapesView *view = ctx->page_data;
  int selected = view != NULL && view->selected >= 0 && view->selected < UTH_SHAPES_N_NODES ? view->selected : 5;
  Layout l;
  Dims d;
  double top;

  uth_draw_background (cr, width, height, ctx);
  top = draw_header (cr, ctx, width);
  if (ctx->input.model == NULL)
    return;
  dims_init (&d, ctx);
  layout_init (&l, cr, ctx, width, height, top);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Attention"), l.grid[0].x, top, UTH_ANCHOR_NW, 0, NULL);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("MLP"), l.grid[1].x, top, UTH_ANCHOR_NW, 0, NULL);
  draw_arrows (cr, ctx, &l);
  for (int i = 0; i < UTH_SHAPES_N_NODES; i++)
    draw_node (cr, ctx, &l, &d, i, i == selected);
  if (ctx->input.model->experts > 0 || ctx->input.model->attention == UTH_ATTN_MLA)
    uth_draw_note (cr, ctx, _("Simplified for this model: in its mixture-of-experts layers each token goes through a few experts, each an MLP like this one, and multi-head latent attention caches a compressed latent instead of K and V. The op details follow the estimator."),
                   l.grid[1].x, l.grid[1].y + 7 * l.row_h, l.grid[1].w);
  if (uth_figure_shows_build (ctx, 2))
    draw_detail (cr, ctx, &l, &d, selected);
}

void
uth_draw_shapes (cairo_t                *cr,
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
uth_draw_shapes_hit (double                  width,
                double                  height,
                const UthFigureContext *ctx,
                double                  x,
                double                  y,
                UthFigureHit           *hit)
{
  double f = uth_fundamentals_fit (&width, &height);
  cairo_t *cr = uth_draw_scratch ();
  double top = draw_header (cr, ctx, width);
  Layout l;

  x /= f;
  y /= f;
  hit->index = -1;
  hit->tooltip = NULL;
  if (ctx->input.model == NULL)
    {
      cairo_destroy (cr);
      return FALSE;
    }
  layout_init (&l, cr, ctx, width, height, top);
  cairo_destroy (cr);
  for (int i = 0; i < UTH_SHAPES_N_NODES; i++)
    {
      UthChartRect r = node_rect (&l, i);
      if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h)
        {
          hit->index = i;
          hit->tooltip = g_markup_printf_escaped ("%s", _(nodes[i].what));
          return TRUE;
        }
    }
  return FALSE;
}
