/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"


#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "core/uth-estimate.h"
#include "core/uth-ops.h"
#include "core/uth-roofline.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-fit.h"
#include "render/uth-draw-layer.h"

/* The seed's rule of thumb for a dense decoder layer's FLOPs. */
static const double rule_share[UTH_N_OP_GROUPS] = { 0.30, 0.05, 0.65, 0.0 };

typedef struct
{
  UthOp       ops[UTH_MAX_LAYER_OPS];
  UthOpTime   time[UTH_MAX_LAYER_OPS];
  size_t      n;
  UthWorkload work;
  UthOpTotals totals;
  double      peak;
  double      bandwidth;
  double      ridge;
  /* What the engine reaches on large ops: the roof the bound colours follow. */
  double      engine_peak;
  double      engine_bandwidth;
  double      engine_ridge;
  guint       layer;
} LayerData;

/* The last layer estimate, keyed by everything it depends on: the roofline, the share
 * bar, the table, their hit tests and the description all draw the same layer after a
 * change, so the estimator builds its op list once per change instead of once per call. */
typedef struct
{
  UthEstimateInput input;   /* its model/gpu/engine pointers cleared */
  UthModel         model;
  UthGpu           gpu;
  UthEngine        engine;
  UthPhase         phase;
  uint32_t         layer;
} LayerKey;

G_LOCK_DEFINE_STATIC (layer_cache);
static LayerKey         cache_key;
static UthLayerEstimate cache_value;
static gboolean         cache_valid;
static gboolean         cache_ok;

static gboolean
layer_estimate (const UthFigureContext *ctx,
                UthLayerEstimate       *le)
{
  LayerKey key;
  gboolean ok;

  if (ctx->input.model == NULL || ctx->input.gpu == NULL || ctx->input.engine == NULL)
    return uth_estimate_layer (&ctx->input, ctx->phase, (uint32_t) MAX (ctx->layer, 0), le);
  memset (&key, 0, sizeof key);
  key.input = ctx->input;
  key.input.model = NULL;
  key.input.gpu = NULL;
  key.input.engine = NULL;
  key.model = *ctx->input.model;
  key.gpu = *ctx->input.gpu;
  key.engine = *ctx->input.engine;
  key.phase = ctx->phase;
  key.layer = (uint32_t) MAX (ctx->layer, 0);
  G_LOCK (layer_cache);
  if (cache_valid && memcmp (&key, &cache_key, sizeof key) == 0)
    {
      *le = cache_value;
      ok = cache_ok;
      G_UNLOCK (layer_cache);
      return ok;
    }
  G_UNLOCK (layer_cache);
  ok = uth_estimate_layer (&ctx->input, ctx->phase, key.layer, le);
  G_LOCK (layer_cache);
  cache_key = key;
  cache_value = *le;
  cache_ok = ok;
  cache_valid = TRUE;
  G_UNLOCK (layer_cache);
  return ok;
}

static gboolean
layer_data (const UthFigureContext *ctx,
            LayerData              *d)
{
  UthLayerEstimate le;

  memset (d, 0, sizeof *d);
  /* The op list and its times come from the estimator, as the Model and Shapes pages
   * read them: one list for the same scenario. */
  if (!layer_estimate (ctx, &le))
    return FALSE;
  d->n = le.n;
  memcpy (d->ops, le.ops, le.n * sizeof le.ops[0]);
  memcpy (d->time, le.time, le.n * sizeof le.time[0]);
  d->work = le.work;
  d->totals = le.totals;
  d->layer = le.layer;
  d->peak = uth_gpu_peak_flops (ctx->input.gpu, ctx->input.activations);
  d->bandwidth = ctx->input.gpu->memory_bandwidth;
  d->ridge = uth_roofline_ridge (ctx->input.gpu, ctx->input.activations);
  uth_roofline_engine_rates (ctx->input.gpu, ctx->input.engine, ctx->input.activations,
                             &d->engine_peak, &d->engine_bandwidth);
  d->engine_ridge = d->engine_bandwidth > 0 ? d->engine_peak / d->engine_bandwidth : 0;
  return d->peak > 0 && d->bandwidth > 0;
}

static gboolean
plotted (const UthOp *op)
{
  return op->kind != UTH_OP_COMM && op->flops > 0 && uth_op_bytes (op) > 0;
}

static double
achieved (const LayerData *d,
          size_t           i)
{
  return d->time[i].seconds > 0 ? d->ops[i].flops / d->time[i].seconds : 0;
}

/* Presentation build 4 colours ops by what bounds them; before it they are plain. */
static UthColorRole
bound_role (const UthFigureContext *ctx,
            UthBound                bound)
{
  if (!uth_figure_shows_build (ctx, 4))
    return UTH_COLOR_FOREGROUND;
  switch (bound)
    {
    case UTH_BOUND_COMPUTE: return UTH_COLOR_COMPUTE;
    case UTH_BOUND_MEMORY: return UTH_COLOR_MEMORY;
    case UTH_BOUND_OVERHEAD:
    case UTH_BOUND_COMMUNICATION:
    default: return UTH_COLOR_DIM;
    }
}

static const char *
bound_name (UthBound bound)
{
  switch (bound)
    {
    case UTH_BOUND_COMPUTE: return _("compute");
    case UTH_BOUND_MEMORY: return _("memory");
    case UTH_BOUND_OVERHEAD: return _("launch overhead");
    case UTH_BOUND_COMMUNICATION: return _("communication");
    default: return "";
    }
}

static const char *
group_name (UthOpGroup group)
{
  switch (group)
    {
    case UTH_OP_GROUP_ATTN_PROJ: return _("Attention projections");
    case UTH_OP_GROUP_ATTN_MATMUL: return _("Attention matmuls");
    case UTH_OP_GROUP_MLP: return _("MLP");
    case UTH_OP_GROUP_OTHER:
    case UTH_N_OP_GROUPS:
    default: return _("Other");
    }
}

static void
group_color (const UthFigureContext *ctx,
             UthOpGroup              group,
             UthRgba                *c)
{
  static const guint index[UTH_N_OP_GROUPS] = { 0, 5, 1, 7 };

  uth_draw_categorical (ctx, index[group], c);
}

/* ---- roofline ---- */

typedef struct
{
  UthPlot plot;
  double  px[UTH_MAX_LAYER_OPS];
  double  py[UTH_MAX_LAYER_OPS];
  gboolean shown[UTH_MAX_LAYER_OPS];
} RoofGeometry;

static const char *
engine_name (const UthFigureContext *ctx)
{
  /* A bundled engine's name is translated (uth-scenario-panel.c lists them for xgettext). */
  return ctx->engine != NULL && ctx->engine->name != NULL ? _(ctx->engine->name) : _("the engine");
}

/* The legend starts right of the y axis' title and ticks. */
#define ROOF_LEGEND_INDENT 118.0
/* A line of the roofline's labels, in font sizes. */
#define ROOF_LABEL_LINE 1.25

/* The legend above the plot, so it never covers a point; it wraps into as many rows as
 * the width needs. Returns the band it takes. */
static double
roof_legend (cairo_t                *cr,
             const UthFigureContext *ctx,
             const LayerData        *d,
             double                  x,
             double                  y,
             double                  width,
             gboolean                draw)
{
  UthLegendItem items[4];
  g_autofree char *e_peak = uth_format_flops_rate (d->engine_peak);
  g_autofree char *e_bw = uth_format_bandwidth (d->engine_bandwidth);
  /* Translators: the engine's name, then a FLOP/s and a byte/s rate. */
  g_autofree char *engine = g_strdup_printf (_("dashed: %s reaches %s and %s"), engine_name (ctx), e_peak, e_bw);
  guint n = d->engine_peak > 0 && d->engine_bandwidth > 0 ? 4 : 3;

  items[0] = (UthLegendItem) { _("memory-bound op"), { 0 }, UTH_LEGEND_DOT };
  items[1] = (UthLegendItem) { _("compute-bound op"), { 0 }, UTH_LEGEND_DOT };
  items[2] = (UthLegendItem) { _("bound by launch overhead"), { 0 }, UTH_LEGEND_DOT };
  items[3] = (UthLegendItem) { engine, { 0 }, UTH_LEGEND_LINE };
  uth_draw_color (ctx, UTH_COLOR_MEMORY, &items[0].color);
  uth_draw_color (ctx, UTH_COLOR_COMPUTE, &items[1].color);
  uth_draw_color (ctx, UTH_COLOR_DIM, &items[2].color);
  uth_draw_color (ctx, UTH_COLOR_FOREGROUND, &items[3].color);
  return (draw ? uth_draw_legend (cr, ctx, items, n, x, y, width, TRUE)
               : uth_draw_legend_height (cr, ctx, items, n, width, TRUE)) + 6 * uth_draw_scale (ctx);
}

static void
roof_geometry (const LayerData        *d,
               const UthFigureContext *ctx,
               double                  x,
               double                  y,
               double                  width,
               double                  height,
               double                  band,
               RoofGeometry           *g)
{
  double xi[UTH_MAX_LAYER_OPS], yp[UTH_MAX_LAYER_OPS];
  size_t i, n = 0;
  UthChartScale xs, ys;

  for (i = 0; i < d->n; i++)
    if (plotted (&d->ops[i]))
      {
        xi[n] = uth_op_intensity (&d->ops[i]);
        yp[n] = achieved (d, i);
        n++;
      }
  uth_chart_roofline_scales (d->peak, d->bandwidth, xi, yp, n, &xs, &ys);
  y += band;
  height -= band;
  uth_plot_init (&g->plot, ctx, x, y, width, height, &xs, &ys);
  for (i = 0; i < d->n; i++)
    {
      g->shown[i] = plotted (&d->ops[i]);
      g->px[i] = uth_plot_x (&g->plot, uth_op_intensity (&d->ops[i]));
      g->py[i] = uth_plot_y (&g->plot, achieved (d, i));
    }
}


static void
draw_roof_lines (cairo_t                *cr,
                 const UthFigureContext *ctx,
                 const LayerData        *d,
                 const RoofGeometry     *g)
{
  const UthPlot *p = &g->plot;
  UthChartRoofline r = uth_chart_roofline (d->peak, d->bandwidth, &p->x, &p->y);
  double s = uth_draw_scale (ctx);
  double x0 = p->left + r.slope_x0 * p->width, y0 = p->top + (1 - r.slope_y0) * p->height;
  double xr = p->left + r.ridge_x * p->width, yr = p->top + (1 - r.ridge_y) * p->height;
  double x1 = p->left + p->width, bottom = p->top + p->height;
  double xe = xr, ye = yr, ex0 = x0, ey0 = y0;
  double dash[] = { 6 * s, 5 * s }, long_dash[] = { 14 * s, 7 * s };
  gboolean engine_roof = d->engine_peak > 0 && d->engine_bandwidth > 0;
  gboolean engine_left;
  g_autofree char *ridge = uth_format_intensity (d->ridge);
  char *ridge_label = g_strdup_printf (_("peak ridge %s"), ridge);
  g_autofree char *peak = uth_format_flops_rate (d->peak);
  g_autofree char *bw = uth_format_bandwidth (d->bandwidth);
  g_autofree char *roof_label = g_strdup_printf (_("peak compute %s"), peak);
  char *slope_label = g_strdup_printf (_("peak memory slope %s"), bw);
  g_autofree char *e_ridge = uth_format_intensity (d->engine_ridge);
  g_autofree char *e_ridge_label = NULL;
  UthRgba mem, comp;

  uth_draw_color (ctx, UTH_COLOR_MEMORY, &mem);
  uth_draw_color (ctx, UTH_COLOR_COMPUTE, &comp);
  if (engine_roof)
    {
      UthChartRoofline e = uth_chart_roofline (d->engine_peak, d->engine_bandwidth, &p->x, &p->y);

      xe = p->left + e.ridge_x * p->width;
      ye = p->top + (1 - e.ridge_y) * p->height;
      ex0 = p->left + e.slope_x0 * p->width;
      ey0 = p->top + (1 - e.slope_y0) * p->height;
    }
  engine_left = xe < xr;

  /* Shade the two regions lightly at the ridge the engine reaches: that is where an op
   * turns from memory- to compute-bound, so the shading agrees with the points' colours. */
  if (uth_figure_shows_build (ctx, 4))
    {
      uth_draw_set_rgba (cr, &mem, 0.07);
      cairo_rectangle (cr, p->left, p->top, xe - p->left, p->height);
      cairo_fill (cr);
      uth_draw_set_rgba (cr, &comp, 0.07);
      cairo_rectangle (cr, xe, p->top, x1 - xe, p->height);
      cairo_fill (cr);
    }

  cairo_save (cr);
  cairo_rectangle (cr, p->left, p->top, p->width, p->height);
  cairo_clip (cr);
  cairo_set_line_width (cr, 3.5 * s);
  uth_draw_set_rgba (cr, &mem, 1.0);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, xr, yr);
  cairo_stroke (cr);
  uth_draw_set_rgba (cr, &comp, 1.0);
  cairo_move_to (cr, xr, yr);
  cairo_line_to (cr, x1, yr);
  cairo_stroke (cr);
  if (engine_roof)
    {
      /* The engine's achievable roof: the same colours, dashed and thinner. */
      cairo_set_line_width (cr, 2.5 * s);
      cairo_set_dash (cr, long_dash, 2, 0);
      uth_draw_set_rgba (cr, &mem, 1.0);
      cairo_move_to (cr, ex0, ey0);
      cairo_line_to (cr, xe, ye);
      cairo_stroke (cr);
      uth_draw_set_rgba (cr, &comp, 1.0);
      cairo_move_to (cr, xe, ye);
      cairo_line_to (cr, x1, ye);
      cairo_stroke (cr);
    }
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  cairo_set_line_width (cr, 1.5 * s);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, xr, yr);
  cairo_line_to (cr, xr, bottom);
  cairo_stroke (cr);
  if (engine_roof)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      cairo_set_line_width (cr, 2 * s);
      cairo_move_to (cr, xe, ye);
      cairo_line_to (cr, xe, bottom);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  /* The two ridge labels sit on the outer sides of their lines, so they never cross; where
   * the peak ridge's label would run out of the plot it gives its value only (the
   * subtitle names it). */
  {
    double rw, sw, rfw, fh = uth_draw_font_px (ctx, UTH_FONT_TICK) * ROOF_LABEL_LINE;
    double slope_y = p->top + 6 * s;

    uth_draw_text_size (cr, ctx, UTH_FONT_TICK, ridge_label, &rw, NULL);
    if (engine_left ? xr + 6 * s + rw > x1 : xr - 6 * s - rw < p->left)
      {
        g_free (ridge_label);
        ridge_label = g_strdup (ridge);
      }
    uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
    uth_draw_text (cr, ctx, UTH_FONT_TICK, ridge_label, engine_left ? xr + 6 * s : xr - 6 * s,
                   bottom - 8 * s, engine_left ? UTH_ANCHOR_SW : UTH_ANCHOR_SE, 0, NULL);
    /* The slope's label at the top left gives its rate only when the roof's label (right,
     * above the roof) would run into it. */
    uth_draw_text_size (cr, ctx, UTH_FONT_TICK, slope_label, &sw, NULL);
    uth_draw_text_size (cr, ctx, UTH_FONT_TICK, roof_label, &rfw, NULL);
    if (p->left + 8 * s + sw + 8 * s > x1 - 4 * s - rfw && yr - 4 * s - fh < slope_y + fh)
      {
        g_free (slope_label);
        slope_label = g_strdup (bw);
      }
    uth_draw_set_rgba (cr, &comp, 1.0);
    uth_draw_text (cr, ctx, UTH_FONT_TICK, roof_label, x1 - 4 * s, yr - 4 * s, UTH_ANCHOR_SE, 0, NULL);
    uth_draw_set_rgba (cr, &mem, 1.0);
    uth_draw_text (cr, ctx, UTH_FONT_TICK, slope_label, p->left + 8 * s, slope_y, UTH_ANCHOR_NW, 0, NULL);
  }
  if (engine_roof)
    {
      e_ridge_label = g_strdup_printf (_("engine ridge %s"), e_ridge);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, e_ridge_label, engine_left ? xe - 6 * s : xe + 6 * s,
                     bottom - 8 * s, engine_left ? UTH_ANCHOR_SE : UTH_ANCHOR_SW, 0, NULL);
    }
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, _("memory-bound ←"), xe - 8 * s, bottom - 46 * s,
                 UTH_ANCHOR_E, 0, NULL);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, _("→ compute-bound"), xe + 8 * s, bottom - 46 * s,
                 UTH_ANCHOR_W, 0, NULL);
  g_free (ridge_label);
  g_free (slope_label);
}

static void
draw_points (cairo_t                *cr,
             const UthFigureContext *ctx,
             const LayerData        *d,
             const RoofGeometry     *g)
{
  double s = uth_draw_scale (ctx), r = 8 * s;
  double fh = uth_draw_font_px (ctx, UTH_FONT_TICK) * 1.25;
  double wanted[UTH_MAX_LAYER_OPS], placed[UTH_MAX_LAYER_OPS];
  size_t lead[UTH_MAX_LAYER_OPS];
  GString *labels[UTH_MAX_LAYER_OPS];
  guint shared[UTH_MAX_LAYER_OPS];
  size_t i, j, n = 0;

  /* Points that fall on the same spot share one label: "q_proj, o_proj". */
  for (i = 0; i < d->n; i++)
    {
      if (!g->shown[i])
        continue;
      for (j = 0; j < n; j++)
        if (fabs (g->px[lead[j]] - g->px[i]) < 2 * r && fabs (g->py[lead[j]] - g->py[i]) < 2 * r)
          break;
      if (j == n)
        {
          lead[n] = i;
          labels[n] = g_string_new (d->ops[i].id);
          shared[n] = 1;
          wanted[n] = g->py[i];
          n++;
        }
      else
        {
          g_string_append_printf (labels[j], ", %s", d->ops[i].id);
          shared[j]++;
        }
    }
  /* Keep labels below the compute roof, whose own label sits above it, and above the
   * "memory-bound ← → compute-bound" row 46 px over the x axis (draw_roof). */
  uth_chart_spread_labels (wanted, n, fh, MAX (g->plot.top + fh / 2, uth_plot_y (&g->plot, d->peak) + fh * 0.7),
                           g->plot.top + g->plot.height - 46 * s - fh, placed);

  for (i = 0; i < d->n; i++)
    {
      UthRgba c;

      if (!g->shown[i])
        continue;
      uth_draw_color (ctx, bound_role (ctx, d->time[i].bound), &c);
      uth_draw_set_rgba (cr, &c, 1.0);
      cairo_arc (cr, g->px[i], g->py[i], (int) i == ctx->hover ? r * 1.5 : r, 0, 2 * G_PI);
      cairo_fill_preserve (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_BACKGROUND);
      cairo_set_line_width (cr, 1.5 * s);
      cairo_stroke (cr);
    }
  for (j = 0; j < n; j++)
    {
      /* Labels go right of their point where they fit, else left of it. */
      double tw;
      gboolean left;
      double lx;
      double room;

      uth_draw_text_size (cr, ctx, UTH_FONT_MONO, labels[j]->str, &tw, NULL);
      left = g->px[lead[j]] + r + 8 * s + tw > g->plot.left + g->plot.width;
      lx = left ? g->px[lead[j]] - r - 8 * s : g->px[lead[j]] + r + 8 * s;
      room = left ? lx - g->plot.left : g->plot.left + g->plot.width - lx;
      if (tw > room && shared[j] > 1)
        {
          /* Too many ops on one spot for the room: the first and how many more (each is
           * in the table and in its tooltip), never a label cut short. */
          g_autofree char *first = g_strndup (labels[j]->str, strcspn (labels[j]->str, ","));

          g_string_printf (labels[j], "%s +%u", first, shared[j] - 1);
          uth_draw_text_size (cr, ctx, UTH_FONT_MONO, labels[j]->str, &tw, NULL);
          left = g->px[lead[j]] + r + 8 * s + tw > g->plot.left + g->plot.width;
          lx = left ? g->px[lead[j]] - r - 8 * s : g->px[lead[j]] + r + 8 * s;
          room = left ? lx - g->plot.left : g->plot.left + g->plot.width - lx;
        }

      uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
      cairo_set_line_width (cr, 1.0);
      if (fabs (placed[j] - wanted[j]) > 2)
        {
          cairo_move_to (cr, g->px[lead[j]] + (left ? -r : r), g->py[lead[j]]);
          cairo_line_to (cr, lx + (left ? 2 : -2) * s, placed[j]);
          cairo_stroke (cr);
        }
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_MONO, labels[j]->str, lx, placed[j],
                     left ? UTH_ANCHOR_E : UTH_ANCHOR_W, MAX (room, 80 * s), NULL);
      g_string_free (labels[j], TRUE);
    }
}

static void
draw_roofline_at (cairo_t                *cr,
                  const UthFigureContext *ctx,
                  const LayerData        *d,
                  double                  x,
                  double                  y,
                  double                  width,
                  double                  height)
{
  RoofGeometry g;
  double s = uth_draw_scale (ctx);
  double band = roof_legend (cr, ctx, d, x + ROOF_LEGEND_INDENT * s, y, width - ROOF_LEGEND_INDENT * s, TRUE);

  roof_geometry (d, ctx, x, y, width, height, band, &g);
  uth_draw_plot_axes (cr, ctx, &g.plot, _("Arithmetic intensity (FLOP/byte)"),
                      _("Achieved performance (FLOP/s)"), NULL, NULL);
  draw_roof_lines (cr, ctx, d, &g);
  draw_points (cr, ctx, d, &g);
}

void
uth_draw_layer_roofline (cairo_t                *cr,
                         double                  width,
                         double                  height,
                         const UthFigureContext *ctx)
{
  LayerData d;

  uth_draw_background (cr, width, height, ctx);
  if (!layer_data (ctx, &d))
    return;
  draw_roofline_at (cr, ctx, &d, 0, 0, width, height);
}

static char *
op_tooltip (const UthFigureContext *ctx,
            const LayerData        *d,
            size_t                  i)
{
  const UthOp *op = &d->ops[i];
  g_autofree char *flops = uth_format_flops (op->flops);
  g_autofree char *bytes = uth_format_bytes (uth_op_bytes (op));
  g_autofree char *intensity = uth_format_intensity (uth_op_intensity (op));
  g_autofree char *t = uth_format_seconds (d->time[i].seconds);
  g_autofree char *perf = uth_format_flops_rate (achieved (d, i));
  g_autofree char *base = g_markup_printf_escaped (_("<b>%s</b> (%s)\n%s, %s: %s\n%s in %s = %s\n%s-bound"),
                                                   op->id, group_name (op->group), flops, bytes, intensity,
                                                   flops, t, perf, bound_name (d->time[i].bound));
  const UthOpTime *ot = &d->time[i];

  /* The op's own ridge: where its compute time would equal its memory time at the rates
   * the engine reaches for an op of this shape. */
  if (ot->compute_seconds > 0 && ot->memory_seconds > 0)
    {
      g_autofree char *own = uth_format_intensity ((op->flops / ot->compute_seconds) /
                                                   (uth_op_bytes (op) / ot->memory_seconds));
      /* base is markup already: only the new value is escaped. */
      g_autofree char *line = g_markup_printf_escaped (_("ridge at this op’s achievable rates: %s"),
                                                       own);

      return g_strconcat (base, "\n", line, NULL);
    }
  return g_steal_pointer (&base);
}

static gboolean
roof_hit_at (const UthFigureContext *ctx,
             const LayerData        *d,
             double                  x0,
             double                  y0,
             double                  width,
             double                  height,
             double                  x,
             double                  y,
             UthFigureHit           *hit)
{
  RoofGeometry g;
  double s = uth_draw_scale (ctx), best = 14 * s;
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);
  double band = roof_legend (cr, ctx, d, x0 + ROOF_LEGEND_INDENT * s, y0, width - ROOF_LEGEND_INDENT * s, FALSE);
  size_t i;

  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
  roof_geometry (d, ctx, x0, y0, width, height, band, &g);
  for (i = 0; i < d->n; i++)
    {
      double dist = hypot (g.px[i] - x, g.py[i] - y);

      if (g.shown[i] && dist < best)
        {
          best = dist;
          hit->index = (int) i;
        }
    }
  if (hit->index >= 0)
    hit->tooltip = op_tooltip (ctx, d, (size_t) hit->index);
  return hit->index >= 0;
}

gboolean
uth_draw_layer_roofline_hit (double                  width,
                             double                  height,
                             const UthFigureContext *ctx,
                             double                  x,
                             double                  y,
                             UthFigureHit           *hit)
{
  LayerData d;

  hit->index = -1;
  hit->tooltip = NULL;
  return layer_data (ctx, &d) && roof_hit_at (ctx, &d, 0, 0, width, height, x, y, hit);
}

/* ---- FLOPs share ---- */

gboolean
uth_draw_layer_group_shares (const UthFigureContext *ctx,
                             guint64                 context,
                             double                 *shares)
{
  UthFigureContext c = *ctx;
  LayerData d;
  int g;

  if (ctx->phase == UTH_PHASE_DECODE)
    c.input.context = context;
  else
    c.input.prompt = context;
  if (!layer_data (&c, &d) || !(d.totals.flops > 0))
    return FALSE;
  for (g = 0; g < UTH_N_OP_GROUPS; g++)
    shares[g] = d.totals.group_flops[g] / d.totals.flops;
  return TRUE;
}

static double
draw_share_bar (cairo_t                *cr,
                const UthFigureContext *ctx,
                const double           *shares,
                const char             *label,
                double                  x,
                double                  y,
                double                  width,
                double                  bar_h)
{
  double s = uth_draw_scale (ctx), lw = 150 * s, bx = x + lw, bw = width - lw;
  double spans[2 * UTH_N_OP_GROUPS];
  int g;

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, label, x, y + bar_h / 2, UTH_ANCHOR_W, lw - 8 * s, NULL);
  uth_chart_stack (shares, UTH_N_OP_GROUPS, 0.0, spans);
  for (g = 0; g < UTH_N_OP_GROUPS; g++)
    {
      UthRgba c, ink;
      double sx = bx + spans[2 * g] * bw, sw = spans[2 * g + 1] * bw;
      g_autofree char *pct = uth_format_percent (shares[g]);
      double tw;

      if (sw <= 0)
        continue;
      group_color (ctx, g, &c);
      uth_draw_set_rgba (cr, &c, 1.0);
      cairo_rectangle (cr, sx, y, sw, bar_h);
      cairo_fill (cr);
      uth_draw_text_size (cr, ctx, UTH_FONT_TICK, pct, &tw, NULL);
      if (tw + 6 * s < sw)
        {
          uth_draw_contrast_text (&c, &ink);
          uth_draw_set_rgba (cr, &ink, 1.0);
          uth_draw_text (cr, ctx, UTH_FONT_TICK, pct, sx + sw / 2, y + bar_h / 2, UTH_ANCHOR_CENTER, 0, NULL);
        }
    }
  return y + bar_h;
}

static void
draw_share_at (cairo_t                *cr,
               const UthFigureContext *ctx,
               const LayerData        *d,
               double                  x,
               double                  y,
               double                  width,
               double                  height)
{
  double s = uth_draw_scale (ctx), bar_h = 30 * s, shares[UTH_N_OP_GROUPS], y0 = y;
  UthLegendItem items[UTH_N_OP_GROUPS];
  guint64 max_ctx, lo = 128, ctx_now = d->work.context;
  double xs_v[32], ys_v[UTH_N_OP_GROUPS][32], cross = 0;
  int g, n = 0, k;
  UthChartScale xs, ys = { 0, 1, false };
  UthPlot plot;
  g_autofree char *note = NULL;

  for (g = 0; g < UTH_N_OP_GROUPS; g++)
    shares[g] = d->totals.flops > 0 ? d->totals.group_flops[g] / d->totals.flops : 0;

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Where the layer’s FLOPs go"), x, y, UTH_ANCHOR_NW, width, NULL);
  y += 34 * s;
  /* This model's own split, then the general rule of thumb for a dense decoder layer,
   * each labelled as what it is (issue 15 item 8). */
  y = draw_share_bar (cr, ctx, shares, _("This model"), x, y, width, bar_h) + 8 * s;
  y = draw_share_bar (cr, ctx, rule_share, _("General rule"), x, y, width, bar_h * 0.6) + 10 * s;
  for (g = 0; g < UTH_N_OP_GROUPS; g++)
    {
      items[g].label = group_name (g);
      items[g].style = UTH_LEGEND_BOX;
      group_color (ctx, g, &items[g].color);
    }
  y += uth_draw_legend (cr, ctx, items, UTH_N_OP_GROUPS, x, y, width, TRUE) + 8 * s;

  /* The shares against sequence length: where the rule holds and where it breaks. */
  max_ctx = ctx->input.model->max_context > 0 ? ctx->input.model->max_context : 131072;
  max_ctx = MAX (max_ctx, ctx_now * 2);
  max_ctx = MIN (max_ctx, (guint64) 1 << 22);
  xs = uth_chart_scale_nice ((double) lo, (double) max_ctx, true);
  for (k = 0; k < 32; k++)
    {
      double v = uth_chart_scale_from_unit (&xs, k / 31.0);
      double sh[UTH_N_OP_GROUPS];

      if (!uth_draw_layer_group_shares (ctx, (guint64) llround (v), sh))
        continue;
      xs_v[n] = v;
      for (g = 0; g < UTH_N_OP_GROUPS; g++)
        ys_v[g][n] = sh[g];
      if (cross == 0 && n > 0 && ys_v[UTH_OP_GROUP_ATTN_MATMUL][n] >= 0.10 &&
          ys_v[UTH_OP_GROUP_ATTN_MATMUL][n - 1] < 0.10)
        cross = xs_v[n - 1] + (xs_v[n] - xs_v[n - 1]) * (0.10 - ys_v[UTH_OP_GROUP_ATTN_MATMUL][n - 1]) /
                (ys_v[UTH_OP_GROUP_ATTN_MATMUL][n] - ys_v[UTH_OP_GROUP_ATTN_MATMUL][n - 1]);
      n++;
    }
  if (n < 2 || y0 + height - y < 120 * s)
    return;
  if (cross > 0)
    {
      g_autofree char *at = uth_format_count (cross);
      note = g_strdup_printf (_("Attention matmuls pass 10%% of the layer’s FLOPs at about %s tokens of context: beyond that the rule of thumb no longer holds."), at);
    }
  else if (ys_v[UTH_OP_GROUP_ATTN_MATMUL][0] >= 0.10)
    /* xgettext:no-c-format */
    /* xgettext:no-c-format */
    note = g_strdup (_("Attention matmuls are over 10% of the FLOPs even for short sequences here: the rule of thumb does not fit this model."));
  else
    /* xgettext:no-c-format */
    /* xgettext:no-c-format */
    note = g_strdup (_("Attention matmuls stay under 10% of the FLOPs up to the model’s longest context: the rule of thumb holds."));
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  y += uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, note, x, y, width) + 4 * s;

  uth_plot_init (&plot, ctx, x - 20 * s, y, width + 20 * s, y0 + height - y, &xs, &ys);
  uth_draw_plot_axes (cr, ctx, &plot, ctx->phase == UTH_PHASE_DECODE ? _("Tokens in the KV cache") : _("Prompt length (tokens)"),
                      _("Share of FLOPs"), NULL, uth_format_percent);
  cairo_save (cr);
  cairo_rectangle (cr, plot.left, plot.top, plot.width, plot.height);
  cairo_clip (cr);
  for (g = 0; g < UTH_OP_GROUP_OTHER; g++)
    {
      UthRgba c;
      double dash[] = { 4 * s, 4 * s };

      group_color (ctx, g, &c);
      uth_draw_set_rgba (cr, &c, 0.8);
      cairo_set_line_width (cr, 1.5 * s);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, plot.left, uth_plot_y (&plot, rule_share[g]));
      cairo_line_to (cr, plot.left + plot.width, uth_plot_y (&plot, rule_share[g]));
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_set_line_width (cr, 3 * s);
      uth_draw_set_rgba (cr, &c, 1.0);
      for (k = 0; k < n; k++)
        cairo_line_to (cr, uth_plot_x (&plot, xs_v[k]), uth_plot_y (&plot, ys_v[g][k]));
      cairo_stroke (cr);
    }
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cairo_set_line_width (cr, 1.5 * s);
  cairo_move_to (cr, uth_plot_x (&plot, (double) ctx_now), plot.top);
  cairo_line_to (cr, uth_plot_x (&plot, (double) ctx_now), plot.top + plot.height);
  cairo_stroke (cr);
  cairo_restore (cr);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, _("now"), uth_plot_x (&plot, (double) ctx_now) + 4 * s,
                 plot.top + 2 * s, UTH_ANCHOR_NW, 0, NULL);
}

void
uth_draw_layer_share (cairo_t                *cr,
                      double                  width,
                      double                  height,
                      const UthFigureContext *ctx)
{
  LayerData d;
  double m = 12 * uth_draw_scale (ctx);

  uth_draw_background (cr, width, height, ctx);
  if (!layer_data (ctx, &d))
    return;
  draw_share_at (cr, ctx, &d, m, m, width - 2 * m, height - 2 * m);
}

/* ---- table ---- */

/* The table keeps its eight columns while they fit the width, each as wide as its widest
 * cell; narrower, every op takes two lines (a card per row): the op, its kind, its time
 * and what bounds it, then its shapes and its FLOPs, bytes and intensity. */
#define TABLE_N_COLS 8
#define TABLE_LINE_H 24.0        /* a line of the table at scale 1 */
#define TABLE_MIN_LINE_H 20.0    /* rows squeezed by a short figure stop here */
#define TABLE_COL_GAP 14.0       /* least room between two columns */
#define TABLE_CARD_PAD 6.0       /* above and below a two-line row */
#define TABLE_CARD_INDENT 16.0   /* the second line of a two-line row */
#define TABLE_CARD_GAP 16.0      /* between two texts on one line of a two-line row */

typedef struct
{
  double row_h;
  double line_h;
  double header_h;                     /* 0 when stacked: no header row */
  double header_y;
  double first_y;
  double x, width;
  gboolean stacked;                    /* two lines per op */
  double col_x[TABLE_N_COLS];          /* left edge (text) or right edge (numbers) */
  size_t n_rows;                       /* ops shown */
  size_t op[UTH_MAX_LAYER_OPS];        /* which op each row shows, in layer order */
  double hidden_seconds;               /* time of the ops left out */
} TableGeometry;

static const gboolean table_right[TABLE_N_COLS] = { FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, FALSE };

static UthFont
table_font (int c)
{
  return c == 0 || c == 2 ? UTH_FONT_MONO : UTH_FONT_TICK;
}

static char *op_shape (const UthOp *op);

/* The eight cells of op i's row. */
static void
table_cells (const LayerData *d,
             size_t           i,
             char            *cells[TABLE_N_COLS])
{
  const UthOp *op = &d->ops[i];

  cells[0] = g_strdup (op->id);
  cells[1] = g_strdup (uth_op_kind_id (op->kind));
  cells[2] = op_shape (op);
  cells[3] = op->flops > 0 ? uth_format_flops (op->flops) : g_strdup ("–");
  cells[4] = uth_format_bytes (op->kind == UTH_OP_COMM ? op->comm_bytes : uth_op_bytes (op));
  cells[5] = op->flops > 0 && uth_op_bytes (op) > 0 ? uth_format_intensity (uth_op_intensity (op)) : g_strdup ("–");
  cells[6] = uth_format_seconds (d->time[i].seconds);
  cells[7] = g_strdup (bound_name (d->time[i].bound));
}

static void
table_heads (const char *heads[TABLE_N_COLS])
{
  heads[0] = _("Op");
  heads[1] = _("Kind");
  heads[2] = _("Shapes");
  heads[3] = _("FLOPs");
  heads[4] = _("Bytes");
  heads[5] = _("Intensity");
  heads[6] = _("Time");
  heads[7] = _("Bound");
}

/* Places the eight columns, each as wide as its widest cell, the spare width shared out
 * between them; FALSE when they do not fit the width. */
static gboolean
table_columns (cairo_t                *cr,
               const UthFigureContext *ctx,
               const LayerData        *d,
               double                  width,
               double                  col_x[TABLE_N_COLS])
{
  double s = uth_draw_scale (ctx), widest[TABLE_N_COLS], total = 0, spare, x = 0;
  const char *heads[TABLE_N_COLS];
  size_t i;
  int c;

  table_heads (heads);
  for (c = 0; c < TABLE_N_COLS; c++)
    {
      g_autofree char *head = g_markup_printf_escaped ("<b>%s</b>", heads[c]);
      PangoLayout *layout = uth_draw_layout (cr, ctx, UTH_FONT_TICK, "");
      int hw;

      pango_layout_set_markup (layout, head, -1);
      pango_layout_get_pixel_size (layout, &hw, NULL);
      g_object_unref (layout);
      widest[c] = hw;
    }
  for (i = 0; i < d->n; i++)
    {
      char *cells[TABLE_N_COLS];

      table_cells (d, i, cells);
      for (c = 0; c < TABLE_N_COLS; c++)
        {
          double tw;

          uth_draw_text_size (cr, ctx, table_font (c), cells[c], &tw, NULL);
          widest[c] = MAX (widest[c], tw);
          g_free (cells[c]);
        }
    }
  for (c = 0; c < TABLE_N_COLS; c++)
    total += widest[c];
  spare = width - total - (TABLE_N_COLS - 1) * TABLE_COL_GAP * s;
  if (spare < 0)
    return FALSE;
  for (c = 0; c < TABLE_N_COLS; c++)
    {
      col_x[c] = table_right[c] ? x + widest[c] : x;
      x += widest[c] + TABLE_COL_GAP * s + spare / (TABLE_N_COLS - 1);
    }
  return TRUE;
}

/* The height the whole table takes at a width, every op shown. */
static double
table_full_height (cairo_t                *cr,
                   const UthFigureContext *ctx,
                   const LayerData        *d,
                   double                  width)
{
  double s = uth_draw_scale (ctx), col_x[TABLE_N_COLS];

  if (table_columns (cr, ctx, d, width, col_x))
    return (d->n + 1) * TABLE_LINE_H * s + 1;   /* (a pixel over: every row fits despite rounding) */
  return d->n * (2 * TABLE_LINE_H + TABLE_CARD_PAD) * s + 1;
}

static void
table_geometry (cairo_t                *cr,
                const LayerData        *d,
                const UthFigureContext *ctx,
                double                  x,
                double                  y,
                double                  width,
                double                  height,
                TableGeometry          *t)
{
  double s = uth_draw_scale (ctx);

  size_t fit, i, j;
  gboolean keep[UTH_MAX_LAYER_OPS] = { FALSE };

  t->x = x;
  t->width = width;
  t->header_y = y;
  t->stacked = !table_columns (cr, ctx, d, width, t->col_x);
  /* Rows stay at least 20 px a line so the 14 px text reads. When not every op fits, the
   * rows go to the slowest ops (in layer order) and one line sums up the rest. */
  if (t->stacked)
    {
      t->line_h = TABLE_LINE_H * s;
      t->header_h = 0;
      t->row_h = 2 * t->line_h + TABLE_CARD_PAD * s;
      fit = (size_t) MAX (floor ((height - t->line_h) / t->row_h), 1);
      if (d->n * t->row_h <= height + 1)
        fit = d->n;
    }
  else
    {
      t->line_h = t->row_h = MAX (MIN (26 * s, height / (double) (d->n + 1)), TABLE_MIN_LINE_H * s);
      t->header_h = t->row_h;
      fit = (size_t) MAX (floor (height / t->row_h) - 1, 1);
    }
  t->first_y = y + t->header_h;
  t->hidden_seconds = 0;
  if (fit >= d->n)
    {
      for (i = 0; i < d->n; i++)
        t->op[i] = i;
      t->n_rows = d->n;
      return;
    }
  if (!t->stacked)
    fit -= 1;   /* the summary line */
  for (j = 0; j < fit; j++)
    {
      size_t best = d->n;

      for (i = 0; i < d->n; i++)
        if (!keep[i] && (best == d->n || d->time[i].seconds > d->time[best].seconds))
          best = i;
      keep[best] = TRUE;
    }
  t->n_rows = 0;
  for (i = 0; i < d->n; i++)
    {
      if (keep[i])
        t->op[t->n_rows++] = i;
      else
        t->hidden_seconds += d->time[i].seconds;
    }
}

static char *
op_shape (const UthOp *op)
{
  g_autofree char *core = NULL;

  if (op->kind == UTH_OP_GEMM || op->kind == UTH_OP_ATTN_MATMUL || op->kind == UTH_OP_LM_HEAD)
    core = g_strdup_printf ("%" PRIu64 "×%" PRIu64 " · %" PRIu64 "×%" PRIu64,
                            op->m, op->k, op->k, op->n);
  else if (op->n <= 1)
    {
      g_autofree char *count = uth_format_count ((double) op->m);

      /* TRANSLATORS: an element count, e.g. "4.19 M elements" */
      core = g_strdup_printf (_("%s elements"), count);
    }
  else
    core = g_strdup_printf ("%" PRIu64 "×%" PRIu64, op->m, op->n);
  if (op->count > 1)
    return g_strdup_printf ("%" PRIu64 " × (%s)", op->count, core);
  return g_steal_pointer (&core);
}

/* One op as two lines: op, kind … time, bound; then shapes … FLOPs · bytes · intensity. */
static void
draw_table_card (cairo_t                *cr,
                 const UthFigureContext *ctx,
                 const LayerData        *d,
                 size_t                  i,
                 char                   *cells[TABLE_N_COLS],
                 double                  x,
                 double                  y,
                 double                  width,
                 double                  line_h)
{
  double s = uth_draw_scale (ctx), gap = TABLE_CARD_GAP * s, cy = y + line_h / 2;
  double id_w, bound_w, time_w, numbers_w;
  g_autofree char *numbers = g_strdup_printf ("%s · %s · %s", cells[3], cells[4], cells[5]);
  UthRgba bc;

  uth_draw_text_size (cr, ctx, UTH_FONT_MONO, cells[0], &id_w, NULL);
  uth_draw_text_size (cr, ctx, UTH_FONT_TICK, cells[7], &bound_w, NULL);
  uth_draw_text_size (cr, ctx, UTH_FONT_TICK, cells[6], &time_w, NULL);
  uth_draw_text_size (cr, ctx, UTH_FONT_TICK, numbers, &numbers_w, NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_MONO, cells[0], x, cy, UTH_ANCHOR_W, 0, NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, cells[1], x + id_w + gap, cy, UTH_ANCHOR_W,
                 MAX (width - id_w - bound_w - time_w - 3 * gap, 1), NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, cells[6], x + width - bound_w - gap, cy, UTH_ANCHOR_E, 0, NULL);
  uth_draw_color (ctx, bound_role (ctx, d->time[i].bound), &bc);
  uth_draw_set_rgba (cr, &bc, 1.0);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, cells[7], x + width, cy, UTH_ANCHOR_E, 0, NULL);
  cy += line_h;
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_MONO, cells[2], x + TABLE_CARD_INDENT * s, cy, UTH_ANCHOR_W,
                 MAX (width - TABLE_CARD_INDENT * s - numbers_w - gap, 1), NULL);
  uth_draw_text (cr, ctx, UTH_FONT_TICK, numbers, x + width, cy, UTH_ANCHOR_E, 0, NULL);
}

static void
draw_table_at (cairo_t                *cr,
               const UthFigureContext *ctx,
               const LayerData        *d,
               double                  x,
               double                  y,
               double                  width,
               double                  height)
{
  const char *heads[TABLE_N_COLS];
  TableGeometry t;
  double s = uth_draw_scale (ctx);
  size_t r;
  int c;

  table_heads (heads);
  table_geometry (cr, d, ctx, x, y, width, height, &t);
  if (!t.stacked)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      for (c = 0; c < TABLE_N_COLS; c++)
        {
          g_autofree char *head = g_markup_printf_escaped ("<b>%s</b>", heads[c]);

          uth_draw_markup (cr, ctx, UTH_FONT_TICK, head, x + t.col_x[c], t.header_y + t.row_h / 2,
                           table_right[c] ? UTH_ANCHOR_E : UTH_ANCHOR_W, 0, NULL);
        }
      uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
      cairo_rectangle (cr, x, t.first_y - 1, width, 1.5);
      cairo_fill (cr);
    }

  for (r = 0; r < t.n_rows; r++)
    {
      size_t i = t.op[r];
      double ry = t.first_y + r * t.row_h, cy = ry + t.row_h / 2;
      char *cells[TABLE_N_COLS];
      UthRgba bc;

      if ((int) i == ctx->hover || r % 2 == 1)
        {
          uth_draw_set_color (cr, ctx, (int) i == ctx->hover ? UTH_COLOR_GRID : UTH_COLOR_CARD);
          cairo_rectangle (cr, x, ry, width, t.row_h);
          cairo_fill (cr);
        }
      table_cells (d, i, cells);
      if (t.stacked)
        draw_table_card (cr, ctx, d, i, cells, x, ry + TABLE_CARD_PAD * s / 2, width, t.line_h);
      else
        for (c = 0; c < TABLE_N_COLS; c++)
          {
            if (c == 7)
              {
                uth_draw_color (ctx, bound_role (ctx, d->time[i].bound), &bc);
                uth_draw_set_rgba (cr, &bc, 1.0);
              }
            else
              uth_draw_set_color (cr, ctx, c == 1 ? UTH_COLOR_DIM : UTH_COLOR_FOREGROUND);
            uth_draw_text (cr, ctx, table_font (c), cells[c], x + t.col_x[c], cy,
                           table_right[c] ? UTH_ANCHOR_E : UTH_ANCHOR_W, 0, NULL);
          }
      for (c = 0; c < TABLE_N_COLS; c++)
        g_free (cells[c]);
    }
  if (t.n_rows < d->n)
    {
      g_autofree char *time = uth_format_seconds (t.hidden_seconds);
      g_autofree char *line = g_strdup_printf (ngettext ("… and %u more op taking %s in all",
                                                         "… and %u more ops taking %s in all",
                                                         (unsigned long) (d->n - t.n_rows)),
                                               (unsigned) (d->n - t.n_rows), time);

      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, line, x, t.first_y + t.n_rows * t.row_h + t.line_h / 2,
                     UTH_ANCHOR_W, width, NULL);
    }
}

void
uth_draw_layer_table (cairo_t                *cr,
                      double                  width,
                      double                  height,
                      const UthFigureContext *ctx)
{
  LayerData d;
  double m = 12 * uth_draw_scale (ctx);

  uth_draw_background (cr, width, height, ctx);
  if (!layer_data (ctx, &d))
    return;
  draw_table_at (cr, ctx, &d, m, m, width - 2 * m, height - 2 * m);
}

static gboolean
table_hit_at (const UthFigureContext *ctx,
              const LayerData        *d,
              double                  x0,
              double                  y0,
              double                  width,
              double                  height,
              double                  x,
              double                  y,
              UthFigureHit           *hit)
{
  TableGeometry t;
  int row;
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);

  table_geometry (cr, d, ctx, x0, y0, width, height, &t);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
  if (x < t.x || x >= t.x + t.width || y < t.first_y)
    return FALSE;
  row = (int) floor ((y - t.first_y) / t.row_h);
  if (row < 0 || row >= (int) t.n_rows)
    return FALSE;
  hit->index = (int) t.op[row];
  hit->tooltip = op_tooltip (ctx, d, t.op[row]);
  return TRUE;
}

gboolean
uth_draw_layer_table_hit (double                  width,
                          double                  height,
                          const UthFigureContext *ctx,
                          double                  x,
                          double                  y,
                          UthFigureHit           *hit)
{
  LayerData d;
  double m = 12 * uth_draw_scale (ctx);

  hit->index = -1;
  hit->tooltip = NULL;
  return layer_data (ctx, &d) && table_hit_at (ctx, &d, m, m, width - 2 * m, height - 2 * m, x, y, hit);
}

/* ---- the whole page ---- */

/* The page reflows rather than shrinks: from LAYER_WIDE_WIDTH (at scale 1) the roofline
 * and the FLOPs share sit side by side above the table; narrower, they stack, each at the
 * full width. The plots are never squeezed below their least heights (which grow with
 * the type): the page asks for the height (it scrolls) rather than flattening them. */
typedef struct
{
  double top, m, gap;
  UthChartRect roof, share;
  double table_y, table_h;
} PageGeometry;

#define LAYER_WIDE_WIDTH 1100.0
#define LAYER_ROOF_SHARE 0.56          /* of the width, in the wide layout */
#define MIN_UPPER_HEIGHT 380.0         /* roofline and share side by side */
#define MIN_ROOF_PLOT_HEIGHT 300.0     /* the roofline's plot below its legend, stacked */
#define MIN_SHARE_HEIGHT 440.0         /* the share panel, stacked */
#define LAYER_PANEL_GAP 28.0

static void
page_titles (const UthFigureContext *ctx,
             const LayerData        *d,
             char                  **title,
             char                  **subtitle)
{
  g_autofree char *ridge = uth_format_intensity (d->ridge);
  g_autofree char *e_ridge = uth_format_intensity (d->engine_ridge);

  if (d->work.phase == UTH_PHASE_DECODE)
    *title = g_strdup_printf (ngettext ("Layer %u of %u in decode: %" PRIu64 " × %" PRIu64
                                          " new token, %" PRIu64 " in the cache",
                                          "Layer %u of %u in decode: %" PRIu64 " × %" PRIu64
                                          " new tokens, %" PRIu64 " in the cache",
                                          (unsigned long) d->work.tokens),
                              d->layer + 1, ctx->input.model->layers, d->work.batch, d->work.tokens, d->work.context);
  else
    *title = g_strdup_printf (_("Layer %u of %u in prefill: %" PRIu64 " × %" PRIu64 " tokens"),
                              d->layer + 1, ctx->input.model->layers, d->work.batch, d->work.tokens);
  {
    g_autofree char *head = NULL, *split = NULL;
    /* Which attention the score ops' bytes assume (the scenario's, as on Shapes), and how
     * the layer is split. */
    const char *attn = d->work.flash_attention ? _("Flash attention (scores stay on chip).")
                                               : _("Standard attention (scores written to memory).");

    head = g_strdup_printf (_("%s on %s (%s, per GPU). Peak ridge %s; at the rates %s reaches, %s: ops left of it wait on memory, ops right of it on compute."),
                            ctx->model != NULL ? ctx->model->name : "", ctx->gpu != NULL ? ctx->gpu->name : "",
                            uth_dtype_id (ctx->input.activations), ridge, engine_name (ctx), e_ridge);
    split = d->work.tensor_parallel > 1
      ? g_strdup_printf (_("Each of the %u GPUs holds 1/%u of the heads and of the MLP."),
                         d->work.tensor_parallel, d->work.tensor_parallel)
      : g_strdup ("");
    /* A set-up that does not fit says that first (the times are for one that cannot run). */
    {
      g_autofree char *all = g_strdup_printf ("%s %s %s", head, attn, split);

      *subtitle = uth_draw_fit_subtitle (ctx, all);
    }
  }
}

/* The page from the top: the title (as tall as it wraps), the roofline and the share
 * (beside each other or stacked) at least their least heights, then every op's row of the
 * table; *needed is the height that takes. Given more height, the plots get it; given
 * less, they keep their minimum and the table below is cut (the page asks for *needed, so
 * it scrolls instead). */
static void
page_geometry_full (double                  width,
                    double                  height,
                    const UthFigureContext *ctx,
                    const LayerData        *d,
                    PageGeometry           *p,
                    double                 *needed)
{
  double s = uth_draw_scale (ctx);
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);
  g_autofree char *title = NULL, *subtitle = NULL;
  double inner, upper_min, spare;

  page_titles (ctx, d, &title, &subtitle);
  p->m = uth_draw_margin (ctx);
  p->gap = LAYER_PANEL_GAP * s;
  inner = width - 2 * p->m;
  p->top = p->m + uth_draw_title_height (cr, ctx, title, subtitle, inner);
  p->table_h = table_full_height (cr, ctx, d, inner);
  if (width >= LAYER_WIDE_WIDTH * s - 0.5)
    {
      upper_min = MIN_UPPER_HEIGHT * s;
      spare = MAX (0, height - p->m - p->table_h - p->gap - p->top - upper_min);
      p->roof = (UthChartRect) { p->m, p->top, inner * LAYER_ROOF_SHARE, upper_min + spare };
      p->share = (UthChartRect) { p->m + p->roof.w + p->gap, p->top, inner - p->roof.w - p->gap, upper_min + spare };
    }
  else
    {
      double roof_min = roof_legend (cr, ctx, d, p->m + ROOF_LEGEND_INDENT * s, 0, inner - ROOF_LEGEND_INDENT * s, FALSE)
                        + MIN_ROOF_PLOT_HEIGHT * s;
      double share_min = MIN_SHARE_HEIGHT * s;

      upper_min = roof_min + p->gap + share_min;
      spare = MAX (0, height - p->m - p->table_h - p->gap - p->top - upper_min);
      p->roof = (UthChartRect) { p->m, p->top, inner, roof_min + spare / 2 };
      p->share = (UthChartRect) { p->m, p->top + p->roof.h + p->gap, inner, share_min + spare / 2 };
    }
  p->table_y = p->top + upper_min + spare + p->gap;
  if (needed != NULL)
    *needed = p->top + upper_min + p->gap + p->table_h + p->m;
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
}

static void
page_geometry (double                  width,
               double                  height,
               const UthFigureContext *ctx,
               const LayerData        *d,
               PageGeometry           *p)
{
  page_geometry_full (width, height, ctx, d, p, NULL);
}

double
uth_layer_page_height (double                  width,
                       const UthFigureContext *ctx)
{
  PageGeometry p;
  LayerData d;
  double needed = 0;

  if (!layer_data (ctx, &d))
    return 0;
  page_geometry_full (width, 0, ctx, &d, &p, &needed);
  return needed;
}

void
uth_draw_layer (cairo_t                *cr,
                double                  width,
                double                  height,
                const UthFigureContext *ctx)
{
  double m = uth_draw_margin (ctx);
  g_autofree char *title = NULL, *subtitle = NULL;
  PageGeometry p;
  LayerData d;

  uth_draw_background (cr, width, height, ctx);
  if (!layer_data (ctx, &d))
    {
      uth_draw_title (cr, ctx, _("Layer"),
                      _("Choose a valid model, GPU and engine, and a workload the model accepts, to see the ops of a layer."),
                      m, m, width - 2 * m);
      return;
    }
  page_geometry (width, height, ctx, &d, &p);
  page_titles (ctx, &d, &title, &subtitle);
  uth_draw_title (cr, ctx, title, subtitle, m, m, width - 2 * m);
  /* Presentation builds: 1 the op table, 2 the FLOPs share, 3 the roofline. */
  if (uth_figure_shows_build (ctx, 3))
    draw_roofline_at (cr, ctx, &d, p.roof.x, p.roof.y, p.roof.w, p.roof.h);
  if (uth_figure_shows_build (ctx, 2))
    draw_share_at (cr, ctx, &d, p.share.x, p.share.y, p.share.w, p.share.h);
  draw_table_at (cr, ctx, &d, m, p.table_y, width - 2 * m, p.table_h);
}

gboolean
uth_draw_layer_hit (double                  width,
                    double                  height,
                    const UthFigureContext *ctx,
                    double                  x,
                    double                  y,
                    UthFigureHit           *hit)
{
  PageGeometry p;
  LayerData d;
  double m = uth_draw_margin (ctx);

  hit->index = -1;
  hit->tooltip = NULL;
  if (!layer_data (ctx, &d))
    return FALSE;
  page_geometry (width, height, ctx, &d, &p);
  if (y >= p.table_y)
    return table_hit_at (ctx, &d, m, p.table_y, width - 2 * m, p.table_h, x, y, hit);
  if (x >= p.roof.x && x < p.roof.x + p.roof.w && y >= p.roof.y && y < p.roof.y + p.roof.h)
    return roof_hit_at (ctx, &d, p.roof.x, p.roof.y, p.roof.w, p.roof.h, x, y, hit);
  return FALSE;
}

char *
uth_draw_layer_describe (const UthFigureContext *ctx)
{
  LayerData d;
  GString *mem = g_string_new (NULL), *comp = g_string_new (NULL);
  g_autofree char *ridge = NULL, *e_ridge = NULL;
  char *text;
  size_t i;

  if (!layer_data (ctx, &d))
    {
      g_string_free (mem, TRUE);
      g_string_free (comp, TRUE);
      return g_strdup (_("No valid scenario for this layer."));
    }
  for (i = 0; i < d.n; i++)
    {
      GString *to = d.time[i].bound == UTH_BOUND_COMPUTE ? comp : d.time[i].bound == UTH_BOUND_MEMORY ? mem : NULL;

      if (to != NULL)
        g_string_append_printf (to, "%s%s", to->len > 0 ? ", " : "", d.ops[i].id);
    }
  ridge = uth_format_intensity (d.ridge);
  e_ridge = uth_format_intensity (d.engine_ridge);
  text = g_strdup_printf (_("Roofline with the peak ridge at %s and the ridge %s reaches at %s. Memory-bound: %s. Compute-bound: %s."),
                          ridge, engine_name (ctx), e_ridge, mem->len > 0 ? mem->str : _("none"),
                          comp->len > 0 ? comp->str : _("none"));
  g_string_free (mem, TRUE);
  g_string_free (comp, TRUE);
  return text;
}
