/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <math.h>

#include "core/uth-ops.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-model.h"

enum { PART_ATTN, PART_MLP, PART_OTHER, N_PARTS };

/* Everything draw and hit share: the numbers, then where they go. */
typedef struct
{
  gboolean      valid;
  guint         n_layers;
  guint         n_rows;          /* embedding, layers, final norm, lm-head */
  double       *parts;           /* n_rows x N_PARTS; non-layer rows use PART_OTHER */
  double       *total;           /* n_rows */
  double        sum[N_PARTS];    /* over the layers */
  double        grand_total;
  UthChartRect *rect;            /* n_rows, pixels */
  double        top;             /* below the title */
  double        stack_x, stack_w, stack_y, stack_h;
  double        panel_x, panel_w;
  UthWorkload   work;
} Layout;

/* The value of one op under the view: FLOPs per new token, or bytes per pass. */
static double
op_value (const UthOp       *op,
          const UthWorkload *w,
          int                view)
{
  if (view == UTH_MODEL_VIEW_FLOPS)
    return op->flops / ((double) w->batch * (double) w->tokens);
  return uth_op_bytes (op);
}

static int
part_of (UthOpGroup group)
{
  switch (group)
    {
    case UTH_OP_GROUP_ATTN_PROJ:
    case UTH_OP_GROUP_ATTN_MATMUL:
      return PART_ATTN;
    case UTH_OP_GROUP_MLP:
      return PART_MLP;
    case UTH_OP_GROUP_OTHER:
    case UTH_N_OP_GROUPS:
    default:
      return PART_OTHER;
    }
}

static void
fill_values (Layout                 *L,
             const UthFigureContext *ctx)
{
  const UthModel *m = ctx->input.model;
  int view = CLAMP (ctx->view, 0, 2);
  guint i, last = L->n_rows - 1;
  UthOp ops[UTH_MAX_MODEL_OPS];
  size_t n, k;

  if (view == UTH_MODEL_VIEW_PARAMS)
    {
      L->parts[0 * N_PARTS + PART_OTHER] = (double) uth_model_embedding_params (m);
      for (i = 0; i < L->n_layers; i++)
        {
          UthLayerParams p = uth_model_layer_params (m, i);

          L->parts[(i + 1) * N_PARTS + PART_ATTN] = (double) p.attention;
          L->parts[(i + 1) * N_PARTS + PART_MLP] = (double) p.mlp;
          L->parts[(i + 1) * N_PARTS + PART_OTHER] = (double) p.norms;
        }
      L->parts[(last - 1) * N_PARTS + PART_OTHER] = (double) uth_model_final_norm_params (m);
      L->parts[last * N_PARTS + PART_OTHER] = (double) uth_model_lm_head_params (m);
      return;
    }

  for (i = 0; i < L->n_layers; i++)
    {
      n = uth_layer_ops (m, &L->work, i, ops, UTH_MAX_LAYER_OPS);
      for (k = 0; k < n; k++)
        L->parts[(i + 1) * N_PARTS + part_of (ops[k].group)] += op_value (&ops[k], &L->work, view);
    }
  n = uth_model_ops (m, &L->work, ops, UTH_MAX_MODEL_OPS);
  for (k = 0; k < n; k++)
    {
      if (ops[k].layer >= 0)
        continue;
      if (g_strcmp0 (ops[k].id, "embedding") == 0)
        L->parts[0 * N_PARTS + PART_OTHER] += op_value (&ops[k], &L->work, view);
      else if (g_strcmp0 (ops[k].id, "lm_head") == 0)
        L->parts[last * N_PARTS + PART_OTHER] += op_value (&ops[k], &L->work, view);
      else
        L->parts[(last - 1) * N_PARTS + PART_OTHER] += op_value (&ops[k], &L->work, view);
    }
}

static void
layout_clear (Layout *L)
{
  g_free (L->parts);
  g_free (L->total);
  g_free (L->rect);
}

static gboolean
layout_compute (Layout                 *L,
                double                  width,
                double                  height,
                const UthFigureContext *ctx)
{
  double s = uth_draw_scale (ctx), m = uth_draw_margin (ctx);
  g_autofree double *spans = NULL;
  guint i, p;

  memset (L, 0, sizeof *L);
  if (ctx->input.model == NULL || uth_model_validate (ctx->input.model) != UTH_MODEL_OK ||
      !uth_estimate_workload (&ctx->input, ctx->phase, &L->work))
    return FALSE;
  /* The whole model, not one GPU's share of it. */
  L->work.tensor_parallel = 1;
  if (ctx->view != UTH_MODEL_VIEW_PARAMS && uth_workload_validate (ctx->input.model, &L->work) != UTH_OPS_OK)
    return FALSE;

  L->n_layers = ctx->input.model->layers;
  L->n_rows = L->n_layers + 3;
  L->parts = g_new0 (double, (gsize) L->n_rows * N_PARTS);
  L->total = g_new0 (double, L->n_rows);
  L->rect = g_new0 (UthChartRect, L->n_rows);
  fill_values (L, ctx);
  for (i = 0; i < L->n_rows; i++)
    {
      for (p = 0; p < N_PARTS; p++)
        {
          L->total[i] += L->parts[i * N_PARTS + p];
          if (i >= 1 && i <= L->n_layers)
            L->sum[p] += L->parts[i * N_PARTS + p];
        }
      L->grand_total += L->total[i];
    }

  L->top = m + 92 * s;
  L->panel_w = MIN (MAX (width * 0.32, 260 * s), 520 * s);
  L->panel_x = width - m - L->panel_w;
  {
    /* The row labels' column as wide as the widest of them (German's "Abschließende
     * Normierung" needs more than the 110 px English does). */
    cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *mc = cairo_create (scratch);
    g_autofree char *last = g_strdup_printf (_("Layer %u"), L->n_layers);
    const char *names[4] = { _("Embedding"), last, _("Final norm"), _("LM head") };
    double widest = 110 * s;

    for (i = 0; i < 4; i++)
      {
        double tw;

        uth_draw_text_size (mc, ctx, UTH_FONT_TICK, names[i], &tw, NULL);
        widest = MAX (widest, tw + 2 * s);
      }
    cairo_destroy (mc);
    cairo_surface_destroy (scratch);
    L->stack_x = m + widest + 20 * s;
  }
  L->stack_w = MAX (L->panel_x - 40 * s - L->stack_x, 40);
  L->stack_y = L->top;
  L->stack_h = MAX (height - m - L->top, 40);

  /* Each row at least 2 px, so a tied lm-head or a final norm still shows and is hit. */
  spans = g_new (double, 2 * L->n_rows);
  uth_chart_stack (L->total, L->n_rows, 2.0 / L->stack_h, spans);
  for (i = 0; i < L->n_rows; i++)
    L->rect[i] = (UthChartRect) { L->stack_x, L->stack_y + spans[2 * i] * L->stack_h,
                                  L->stack_w, spans[2 * i + 1] * L->stack_h };
  L->valid = TRUE;
  return TRUE;
}

static char *
format_value (int    view,
              double v)
{
  switch (view)
    {
    case UTH_MODEL_VIEW_FLOPS: return uth_format_flops (v);
    case UTH_MODEL_VIEW_BYTES: return uth_format_bytes (v);
    case UTH_MODEL_VIEW_PARAMS:
    default: return uth_format_count (v);
    }
}

static char *
row_name (const Layout *L,
          guint         row)
{
  if (row == 0)
    return g_strdup (_("Embedding"));
  if (row <= L->n_layers)
    return g_strdup_printf (_("Layer %u"), row);
  if (row == L->n_layers + 1)
    return g_strdup (_("Final norm"));
  return g_strdup (_("LM head"));
}

static void
part_color (const UthFigureContext *ctx,
            const Layout           *L,
            guint                   row,
            int                     part,
            UthRgba                *c)
{
  if (row == 0)
    uth_draw_categorical (ctx, 2, c);
  else if (row == L->n_rows - 1)
    uth_draw_categorical (ctx, 3, c);
  else if (row > L->n_layers || part == PART_OTHER)
    uth_draw_categorical (ctx, 7, c);
  else
    uth_draw_categorical (ctx, part == PART_ATTN ? 0 : 1, c);
}

static void
draw_rows (cairo_t                *cr,
           const UthFigureContext *ctx,
           const Layout           *L)
{
  guint i;
  int p;
  UthRgba bg;

  uth_draw_color (ctx, UTH_COLOR_BACKGROUND, &bg);
  for (i = 0; i < L->n_rows; i++)
    {
      const UthChartRect *r = &L->rect[i];
      double x = r->x;
      double spans[2 * N_PARTS];
      double vals[N_PARTS];

      for (p = 0; p < N_PARTS; p++)
        vals[p] = L->parts[i * N_PARTS + p];
      uth_chart_stack (vals, N_PARTS, 0.0, spans);
      for (p = 0; p < N_PARTS; p++)
        {
          UthRgba c;
          double w = spans[2 * p + 1] * r->w;

          if (w <= 0)
            continue;
          part_color (ctx, L, i, p, &c);
          uth_draw_set_rgba (cr, &c, 1.0);
          cairo_rectangle (cr, x, r->y, w, r->h);
          cairo_fill (cr);
          x += w;
        }
      /* A hairline between rows that are tall enough to keep it. */
      if (r->h >= 4 && i > 0)
        {
          uth_draw_set_rgba (cr, &bg, 1.0);
          cairo_rectangle (cr, r->x, r->y, r->w, 1.0);
          cairo_fill (cr);
        }
    }
  if (ctx->hover >= 0 && ctx->hover < (int) L->n_rows)
    {
      const UthChartRect *r = &L->rect[ctx->hover];

      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      cairo_set_line_width (cr, 3 * uth_draw_scale (ctx));
      cairo_rectangle (cr, r->x - 1.5, r->y - 1.5, r->w + 3, MAX (r->h, 1) + 3);
      cairo_stroke (cr);
    }
}

static void
draw_labels (cairo_t                *cr,
             const UthFigureContext *ctx,
             const Layout           *L)
{
  double s = uth_draw_scale (ctx);
  double fh = uth_draw_font_px (ctx, UTH_FONT_TICK) * 1.3;
  double avg = L->stack_h / MAX (L->n_rows, 1);
  unsigned step = uth_chart_label_step (avg, fh);
  guint rows[300];
  double wanted[300], placed[300];
  guint n = 0, i;

  rows[n++] = 0;
  /* The first and last layer, and every step-th between them that is not crowding them. */
  for (i = 1; i <= L->n_layers && n < 296; i++)
    if (i == 1 || i == L->n_layers ||
        (i % step == 0 && i >= 1 + step && i + step <= L->n_layers))
      rows[n++] = i;
  rows[n++] = L->n_layers + 1;
  rows[n++] = L->n_layers + 2;
  for (i = 0; i < n; i++)
    wanted[i] = L->rect[rows[i]].y + L->rect[rows[i]].h / 2;
  uth_chart_spread_labels (wanted, n, fh, L->stack_y + fh / 2, L->stack_y + L->stack_h - fh / 2, placed);
  /* A label that had to move too far for its row would mislead: drop a layer label then. */
  for (i = 0; i < n; i++)
    {
      g_autofree char *name = row_name (L, rows[i]);
      gboolean is_layer = rows[i] >= 1 && rows[i] <= L->n_layers;

      if (is_layer && rows[i] != 1 && rows[i] != L->n_layers && fabs (placed[i] - wanted[i]) > fh)
        continue;
      uth_draw_set_color (cr, ctx, is_layer ? UTH_COLOR_DIM : UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, name, L->stack_x - 16 * s, placed[i], UTH_ANCHOR_E,
                     L->stack_x - 16 * s - uth_draw_margin (ctx), NULL);
      uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
      cairo_set_line_width (cr, 1.0);
      cairo_move_to (cr, L->stack_x - 12 * s, placed[i]);
      cairo_line_to (cr, L->stack_x - 2 * s, wanted[i]);
      cairo_stroke (cr);
    }
}

static const char *
view_name (int view)
{
  switch (view)
    {
    case UTH_MODEL_VIEW_FLOPS: return _("FLOPs per token");
    case UTH_MODEL_VIEW_BYTES: return _("Bytes moved per pass");
    case UTH_MODEL_VIEW_PARAMS:
    default: return _("Parameters");
    }
}

static void
draw_panel (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Layout           *L,
            double                  height)
{
  double s = uth_draw_scale (ctx), y = L->top, x = L->panel_x, w = L->panel_w;
  int view = CLAMP (ctx->view, 0, 2);
  UthLegendItem items[5];
  g_autofree char *total = format_value (view, L->grand_total);
  g_autofree char *per_layer = format_value (view, L->n_layers > 0 ? (L->sum[0] + L->sum[1] + L->sum[2]) / L->n_layers : 0);
  g_autofree char *detail = g_strdup_printf (_("%s per layer on average"), per_layer);
  const char *names[] = { N_("Attention"), N_("MLP"), N_("Norms, rotary, residuals") };
  guint i;

  uth_draw_card (cr, ctx, x, y, w, 112 * s, view_name (view), total, detail);
  y += 128 * s;

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Where it goes"), x, y, UTH_ANCHOR_NW, w, NULL);
  y += 32 * s;
  for (i = 0; i < 5; i++)
    {
      double v;
      g_autofree char *pct = NULL, *val = NULL;
      char *label;

      if (i == 0)
        v = L->total[0];
      else if (i <= 3)
        v = L->sum[i - 1];
      else
        v = L->total[L->n_rows - 1] + L->total[L->n_rows - 2];
      pct = uth_format_percent (L->grand_total > 0 ? v / L->grand_total : 0);
      val = format_value (view, v);
      label = g_strdup_printf ("%s  %s  (%s)",
                               i == 0 ? _("Embedding") : i <= 3 ? _(names[i - 1]) : _("LM head and final norm"),
                               pct, val);
      items[i].label = label;
      items[i].style = UTH_LEGEND_BOX;
      uth_draw_categorical (ctx, i == 0 ? 2 : i == 1 ? 0 : i == 2 ? 1 : i == 3 ? 7 : 3, &items[i].color);
    }
  y += uth_draw_legend (cr, ctx, items, 5, x, y, w, FALSE) + 16 * s;
  for (i = 0; i < 5; i++)
    g_free ((char *) items[i].label);

  {
    g_autofree char *rule = NULL;
    double active = (double) uth_model_active_params (ctx->input.model);
    double wbytes = (double) uth_model_params (ctx->input.model) * uth_dtype_bytes (ctx->input.weights);

    if (view == UTH_MODEL_VIEW_FLOPS)
      {
        g_autofree char *a = uth_format_count (active), *r = uth_format_flops (2 * active);
        g_autofree char *diff = uth_format_percent (fabs (L->grand_total - 2 * active) / (2 * active));

        rule = g_strdup_printf (_("Rule of thumb: 2 × %s active parameters = %s per token, %s from this count (attention grows with context; in prefill the LM head runs only for the last position)."),
                                a, r, diff);
      }
    else if (view == UTH_MODEL_VIEW_BYTES)
      {
        g_autofree char *wb = uth_format_bytes (wbytes);

        rule = g_strdup_printf (_("The weights alone are %s at %s: every pass reads them all once, whatever the batch."),
                                wb, uth_dtype_id (ctx->input.weights));
      }
    else
      {
        g_autofree char *wb = uth_format_bytes (wbytes);

        rule = g_strdup_printf (_("Weight memory = parameters × bytes per parameter = %s at %s."),
                                wb, uth_dtype_id (ctx->input.weights));
      }
    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
    y += uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, rule, x, y, w) + 14 * s;
  }
  if (view == UTH_MODEL_VIEW_PARAMS && ctx->input.model->tied_embeddings)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      y += uth_draw_paragraph (cr, ctx, UTH_FONT_TICK,
                               _("The LM head shares the embedding matrix (tied), so it adds no parameters."),
                               x, y, w) + 10 * s;
    }
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_paragraph (cr, ctx, UTH_FONT_TICK,
                      _("Each block’s area is its share of the total. Hover a block for its numbers; click a layer to open it on the Layer page."),
                      x, y, w);
  (void) height;
}

void
uth_draw_model (cairo_t                *cr,
                double                  width,
                double                  height,
                const UthFigureContext *ctx)
{
  double m = uth_draw_margin (ctx);
  g_autofree char *title = NULL, *subtitle = NULL;
  Layout L;

  uth_draw_background (cr, width, height, ctx);
  if (!layout_compute (&L, width, height, ctx))
    {
      uth_draw_title (cr, ctx, _("Model"),
                      _("Choose a valid model and a workload the model accepts to see its layers."),
                      m, m, width - 2 * m);
      layout_clear (&L);
      return;
    }
  if (ctx->view == UTH_MODEL_VIEW_FLOPS)
    title = g_strdup_printf (_("%s: %u layers sized by FLOPs per token"), ctx->model != NULL ? ctx->model->name : "", L.n_layers);
  else if (ctx->view == UTH_MODEL_VIEW_BYTES)
    title = g_strdup_printf (_("%s: %u layers sized by bytes moved"), ctx->model != NULL ? ctx->model->name : "", L.n_layers);
  else
    title = g_strdup_printf (_("%s: %u layers sized by parameters"), ctx->model != NULL ? ctx->model->name : "", L.n_layers);
  if (ctx->view == UTH_MODEL_VIEW_PARAMS)
    subtitle = g_strdup (_("Top to bottom as a token flows: embedding, the layers, final norm, LM head."));
  else if (ctx->phase == UTH_PHASE_DECODE)
    {
      g_autofree char *seqs = g_strdup_printf (ngettext ("%" PRIu64 " sequence", "%" PRIu64 " sequences",
                                                         L.work.batch), L.work.batch);
      g_autofree char *tokens = g_strdup_printf (ngettext ("%" PRIu64 " token", "%" PRIu64 " tokens",
                                                           L.work.context), L.work.context);

      /* Translators: "One decode step of 8 sequences with 4096 tokens of context, …" */
      subtitle = g_strdup_printf (_("One decode step of %s with %s of context, whole model (all GPUs together)."),
                                  seqs, tokens);
    }
  else
    subtitle = g_strdup_printf (_("Prefill of %" PRIu64 " × %" PRIu64
                                  " tokens, whole model (all GPUs together)."),
                                L.work.batch, L.work.tokens);
  uth_draw_title (cr, ctx, title, subtitle, m, m, width - 2 * m);
  draw_rows (cr, ctx, &L);
  draw_labels (cr, ctx, &L);
  if (uth_figure_shows_build (ctx, 2))
    draw_panel (cr, ctx, &L, height);
  layout_clear (&L);
}

static char *
row_tooltip (const Layout *L,
             int           view,
             guint         row)
{
  GString *t = g_string_new (NULL);
  g_autofree char *name = row_name (L, row);
  g_autofree char *total = format_value (view, L->total[row]);
  g_autofree char *share = uth_format_percent (L->grand_total > 0 ? L->total[row] / L->grand_total : 0);
  /* Markup: every value escaped, a share under 0.1 % is written "<0.1%". */
  g_autofree char *head = g_markup_printf_escaped ("<b>%s</b>: %s (%s)", name, total, share);

  g_string_append (t, head);
  if (row >= 1 && row <= L->n_layers)
    {
      static const char *names[] = { N_("Attention"), N_("MLP"), N_("Norms, rotary, residuals") };
      int p;

      for (p = 0; p < N_PARTS; p++)
        {
          g_autofree char *v = format_value (view, L->parts[row * N_PARTS + p]);
          g_autofree char *pct = uth_format_percent (L->total[row] > 0 ? L->parts[row * N_PARTS + p] / L->total[row] : 0);

          g_autofree char *line = g_markup_printf_escaped ("\n%s: %s (%s)", _(names[p]), v, pct);

          g_string_append (t, line);
        }
      g_string_append_printf (t, "\n<i>%s</i>", _("Click to open this layer"));
    }
  return g_string_free (t, FALSE);
}

gboolean
uth_draw_model_hit (double                  width,
                    double                  height,
                    const UthFigureContext *ctx,
                    double                  x,
                    double                  y,
                    UthFigureHit           *hit)
{
  Layout L;
  guint i;
  gboolean found = FALSE;

  hit->index = -1;
  hit->tooltip = NULL;
  if (!layout_compute (&L, width, height, ctx))
    {
      layout_clear (&L);
      return FALSE;
    }
  for (i = 0; i < L.n_rows && !found; i++)
    {
      UthChartRect r = L.rect[i];

      /* Thin rows answer over at least 3 px. */
      if (r.h < 3)
        {
          r.y -= (3 - r.h) / 2;
          r.h = 3;
        }
      if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h)
        {
          hit->index = (int) i;
          hit->tooltip = row_tooltip (&L, CLAMP (ctx->view, 0, 2), i);
          found = TRUE;
        }
    }
  layout_clear (&L);
  return found;
}

int
uth_draw_model_row_layer (const UthFigureContext *ctx,
                          int                     row)
{
  if (ctx->input.model == NULL || row < 1 || row > (int) ctx->input.model->layers)
    return -1;
  return row - 1;
}

char *
uth_draw_model_describe (const UthFigureContext *ctx)
{
  Layout L;
  char *text;
  g_autofree char *total = NULL, *attn = NULL, *mlp = NULL;

  if (!layout_compute (&L, 1600, 1000, ctx))
    {
      layout_clear (&L);
      return g_strdup (_("No valid model chosen."));
    }
  total = format_value (ctx->view, L.grand_total);
  attn = uth_format_percent (L.grand_total > 0 ? L.sum[PART_ATTN] / L.grand_total : 0);
  mlp = uth_format_percent (L.grand_total > 0 ? L.sum[PART_MLP] / L.grand_total : 0);
  text = g_strdup_printf (_("%u layers. %s: %s in total; attention %s, MLP %s."),
                          L.n_layers, view_name (ctx->view), total, attn, mlp);
  layout_clear (&L);
  return text;
}
