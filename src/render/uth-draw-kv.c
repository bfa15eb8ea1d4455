/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-render"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"
#include "render/uth-draw-kv.h"

#define GROWTH_MIN 512.0
#define GROWTH_MAX 131072.0
#define GROWTH_POINTS 33

typedef struct
{
  UthChartRect cards;
  UthChartRect variants;
  UthChartRect growth;
  UthChartRect budget;
  UthChartRect fits;
} PageLayout;

/* The page reflows rather than shrinks: from WIDE_PAGE_WIDTH the subtitle has one line and
 * the left column half the width; narrower, the subtitle gets two lines and the model-by-GPU
 * grid more of the width so its cells keep room for a digit, and the figure asks for the
 * height that needs (the page scrolls). Only below MIN_PAGE_WIDTH, or when the height is
 * less than the layout needs, is everything drawn larger and scaled down. */
#define WIDE_PAGE_WIDTH 1360.0
#define MIN_PAGE_WIDTH 960.0
/* Least height of the body below the cards at scale 1: the grid's header, legend and about
 * thirty rows of 14 px, and the three charts of the left column, which need more when the
 * column is narrow (their legends take two rows). */
#define MIN_BODY_HEIGHT 600.0
#define MIN_NARROW_BODY_HEIGHT 800.0
/* Shares of the left column's height: the variants' bars, and the memory budget (its bar,
 * legend and two notes, which in German take a line more when the column is narrow). */
#define VARIANTS_SHARE       0.21
#define BUDGET_SHARE_WIDE    0.27
#define BUDGET_SHARE_NARROW  0.34
/* The fits map's column of model names (the longest, "Phi-3 Medium 4K Instruct (14B)",
 * on one line in the tick font). */
#define FITS_LABEL_W         230
#define FITS_LABEL_MIN_W     230
#define FITS_CELL_MIN_W      12   /* labels go on every n-th column, so cells can be narrow */

static gboolean
is_wide (double width,
         double s)
{
  /* (A hair's tolerance: the scaled-down width of the wide layout lands on the threshold.) */
  return width >= WIDE_PAGE_WIDTH * s - 0.5;
}

static double
min_height_at (double   width,
               double   s,
               gpointer user_data)
{
  return 24 * s + (is_wide (width, s) ? 76 : 104) * s + 104 * s + 28 * s
         + (is_wide (width, s) ? MIN_BODY_HEIGHT : MIN_NARROW_BODY_HEIGHT) * s + 24 * s;
}

static const UthReflowPage reflow = { MIN_PAGE_WIDTH, WIDE_PAGE_WIDTH, min_height_at, NULL };

double
uth_kv_page_height (double                  width,
                    const UthFigureContext *ctx)
{
  return uth_reflow_page_height (&reflow, width, ctx);
}

double
uth_kv_page_scale (double                  width,
                   double                  height,
                   const UthFigureContext *ctx)
{
  return uth_reflow_page_scale (&reflow, width, height, ctx);
}

static double
kv_element_bytes (const UthFigureContext *ctx)
{
  double b = uth_dtype_bytes (ctx->input.kv);

  return b > 0 ? b : 2.0;
}

void
uth_kv_view_init (UthKvView              *view,
                  const UthFigureContext *ctx)
{
  const UthModel *model = ctx != NULL ? ctx->input.model : NULL;

  memset (view, 0, sizeof *view);
  view->hover = -1;
  view->block = 16;
  view->variant = model != NULL ? uth_model_attention_kind (model) : UTH_ATTN_GQA;
  view->group = model != NULL ? uth_memory_group_size (model) : 8;
  if (view->group <= 1 && model != NULL && model->heads >= 8)
    view->group = 8;
}

/* The catalog rows of the page's analysis: every model and GPU. */
static const UthAnalysis *
rows_of (const UthFigureContext *ctx)
{
  const UthAnalysis *a = ctx != NULL ? ctx->analysis : NULL;

  return a != NULL && a->n_models > 0 && a->n_gpus > 0 ? a : NULL;
}

UthFitCell *
uth_kv_fits_compute (const UthFigureContext *ctx,
                     guint                  *rows,
                     guint                  *cols)
{
  const UthAnalysis *catalog = rows_of (ctx);
  guint nm, ng;
  g_autofree UthModel *models = NULL;
  g_autofree UthGpu *gpus = NULL;
  UthFitCell *cells;
  UthEngine roofline;
  UthEstimateInput base;

  *rows = *cols = 0;
  if (catalog == NULL || ctx == NULL)
    return NULL;
  nm = catalog->n_models;
  ng = catalog->n_gpus;
  if (nm == 0 || ng == 0)
    return NULL;
  models = g_new (UthModel, nm);
  gpus = g_new (UthGpu, ng);
  for (guint i = 0; i < nm; i++)
    models[i] = catalog->models[i]->spec;
  for (guint i = 0; i < ng; i++)
    gpus[i] = catalog->gpus[i]->spec;
  base = ctx->input;
  if (base.engine == NULL)
    {
      uth_engine_init_roofline (&roofline);
      base.engine = &roofline;
    }
  cells = g_new0 (UthFitCell, (gsize) nm * ng);
  uth_memory_fits_map (models, nm, gpus, ng, &base, cells);
  *rows = nm;
  *cols = ng;
  return cells;
}

/* ---- bytes per token by variant ---- */

static const char *
variant_name (UthAttnKind kind)
{
  switch (kind)
    {
    case UTH_ATTN_MHA: return _("MHA");
    case UTH_ATTN_GQA: return _("GQA");
    case UTH_ATTN_MQA: return _("MQA");
    case UTH_ATTN_MLA: return _("MLA");
    default: return "?";
    }
}

void
uth_draw_kv_variants (cairo_t                *cr,
                      double                  width,
                      double                  height,
                      const UthFigureContext *ctx,
                      const UthKvView        *view)
{
  static const UthAttnKind kinds[4] = { UTH_ATTN_MHA, UTH_ATTN_GQA, UTH_ATTN_MQA, UTH_ATTN_MLA };
  const UthModel *model = ctx->input.model;
  double s = uth_draw_scale (ctx);
  double top = 36 * s, label_w = 170 * s, bar_h, max = 0, values[4];
  double eb = kv_element_bytes (ctx);
  UthAttnKind own;
  guint32 group;
  g_autofree char *heading = NULL;

  if (model == NULL || width < 200 || height < 100)
    return;
  own = uth_model_attention_kind (model);
  group = view->group > 0 ? view->group : uth_memory_group_size (model);
  heading = g_strdup_printf (_("KV cache per token, all %u layers, in %s"), model->layers,
                             uth_dtype_id (ctx->input.kv));
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, heading, 0, 0, UTH_ANCHOR_NW, width, NULL);

  for (int i = 0; i < 4; i++)
    {
      /* The model's own variant with its own group; the GQA bar uses the chosen group. */
      guint32 g = kinds[i] == UTH_ATTN_GQA ? group : 0;

      if (kinds[i] == own && own == UTH_ATTN_GQA && view->variant != UTH_ATTN_GQA)
        g = uth_memory_group_size (model);
      values[i] = (double) uth_memory_kv_elements_as (model, kinds[i], g) * eb;
      max = MAX (max, values[i]);
    }
  bar_h = (height - top) / 4;
  for (int i = 0; i < 4; i++)
    {
      double y = top + i * bar_h;
      double len = max > 0 ? (width - label_w - 190 * s) * values[i] / max : 0;
      g_autofree char *name = NULL, *value = uth_format_bytes (values[i]);
      gboolean chosen = kinds[i] == view->variant;
      UthRgba c;

      if (kinds[i] == UTH_ATTN_GQA)
        name = g_strdup_printf (_("GQA, groups of %u"), group);
      else
        name = g_strdup (variant_name (kinds[i]));
      if (kinds[i] == own)
        {
          g_autofree char *plain = g_steal_pointer (&value);
          value = g_strdup_printf (_("%s: this model"), plain);
        }
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, name, label_w - 10 * s, y + bar_h / 2, UTH_ANCHOR_E, label_w, NULL);
      uth_draw_categorical (ctx, (guint) i, &c);
      uth_draw_set_rgba (cr, &c, kinds[i] == own || chosen ? 1.0 : 0.55);
      cairo_rectangle (cr, label_w, y + bar_h * 0.15, MAX (len, 1), bar_h * 0.7);
      cairo_fill (cr);
      if (chosen)
        {
          uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
          cairo_set_line_width (cr, 3 * s);
          cairo_rectangle (cr, label_w, y + bar_h * 0.15, MAX (len, 1), bar_h * 0.7);
          cairo_stroke (cr);
        }
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, value, label_w + len + 8 * s, y + bar_h / 2,
                     UTH_ANCHOR_W, 190 * s, NULL);
    }
}

/* ---- growth with context ---- */

static void
growth_plot (double                  width,
             double                  height,
             const UthFigureContext *ctx,
             double                  lo,
             double                  hi,
             UthPlot                *plot)
{
  double s = uth_draw_scale (ctx);
  UthChartScale xs = { GROWTH_MIN, GROWTH_MAX, TRUE };
  UthChartScale ys = uth_chart_scale_nice (lo, hi, TRUE);

  /* A narrow chart's legend takes two rows. */
  uth_plot_init (plot, ctx, 0, 36 * s, width, height - 36 * s - (width < 560 * s ? 64 : 40) * s, &xs, &ys);
}

static char *
format_tokens (double v)
{
  if (v >= 1000 && fmod (v, 1000) == 0)
    return g_strdup_printf ("%.0fk", v / 1000);
  return g_strdup_printf ("%.0f", v);
}

static double
growth_context (int i)
{
  return GROWTH_MIN * pow (2.0, i / 4.0);
}

static void
hline (cairo_t                *cr,
       const UthFigureContext *ctx,
       const UthPlot          *plot,
       double                  value,
       UthColorRole            role,
       const char             *label,
       gboolean                below)
{
  double s = uth_draw_scale (ctx);
  double y;

  if (!(value > 0) || value < plot->y.min || value > plot->y.max)
    return;
  y = uth_plot_y (plot, value);
  uth_draw_set_color (cr, ctx, role);
  cairo_set_line_width (cr, 2.5 * s);
  cairo_move_to (cr, plot->left, y);
  cairo_line_to (cr, plot->left + plot->width, y);
  cairo_stroke (cr);
  if (below)
    uth_draw_text (cr, ctx, UTH_FONT_TICK, label, plot->left + 8 * s, y + 3 * s, UTH_ANCHOR_NW,
                   plot->width - 16 * s, NULL);
  else
    uth_draw_text (cr, ctx, UTH_FONT_TICK, label, plot->left + plot->width - 8 * s, y - 3 * s,
                   UTH_ANCHOR_SE, plot->width - 16 * s, NULL);
}

void
uth_draw_kv_growth (cairo_t                *cr,
                    double                  width,
                    double                  height,
                    const UthFigureContext *ctx,
                    const UthKvView        *view)
{
  const UthModel *model = ctx->input.model;
  double s = uth_draw_scale (ctx);
  double eb = kv_element_bytes (ctx), lo, hi, available = 0, left_for_kv = 0, whatif_ratio;
  guint64 batches[5] = { 1, 8, 32, 128, 0 };
  guint n_batches = 4;
  UthMemoryBudget budget;
  UthPlot plot;
  UthLegendItem legend[6];
  char *labels[6] = { NULL };  /* g_autofree on an array frees only [0] */
  guint n_legend = 0;

  if (model == NULL || width < 200 || height < 150)
    return;
  if (ctx->input.batch != 1 && ctx->input.batch != 8 && ctx->input.batch != 32 && ctx->input.batch != 128)
    batches[n_batches++] = ctx->input.batch;
  if (uth_memory_budget (&ctx->input, &budget) == UTH_ESTIMATE_OK)
    {
      available = budget.available;
      left_for_kv = budget.available - budget.weights - budget.activations - budget.reserve;
    }
  whatif_ratio = (double) uth_memory_kv_elements_as (model, view->variant, view->group) /
                 MAX ((double) uth_model_kv_elements_per_token (model), 1.0);

  lo = uth_model_kv_bytes_at_context (model, eb, (guint64) GROWTH_MIN);
  hi = 0;
  for (guint b = 0; b < n_batches; b++)
    hi = MAX (hi, uth_model_kv_bytes_at_context (model, eb, (guint64) GROWTH_MAX) * (double) batches[b]);
  hi = MAX (hi, available * 1.2);
  lo = MIN (lo, lo * whatif_ratio);
  growth_plot (width, height, ctx, MAX (lo, 1.0), MAX (hi, 10.0), &plot);

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("KV cache against context, for several batch sizes"),
                 0, 0, UTH_ANCHOR_NW, width, NULL);
  uth_draw_plot_axes (cr, ctx, &plot, _("Context (tokens per sequence, log scale)"), _("KV cache (bytes, log scale)"),
                      format_tokens, uth_format_bytes);
  cairo_save (cr);
  cairo_rectangle (cr, plot.left, plot.top, plot.width, plot.height);
  cairo_clip (cr);
  /* The scenario's context. */
  if ((double) ctx->input.context >= GROWTH_MIN && (double) ctx->input.context <= GROWTH_MAX)
    {
      double dash[] = { 4 * s, 4 * s };
      double cx = uth_plot_x (&plot, (double) ctx->input.context);

      cairo_save (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_set_line_width (cr, 1.5 * s);
      cairo_move_to (cr, cx, plot.top);
      cairo_line_to (cr, cx, plot.top + plot.height);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  for (guint b = 0; b < n_batches; b++)
    {
      gboolean scenario = batches[b] == ctx->input.batch;
      UthRgba c;

      uth_draw_categorical (ctx, b, &c);
      uth_draw_set_rgba (cr, &c, 1.0);
      cairo_set_line_width (cr, (scenario ? 4.0 : 2.0) * s);
      for (int i = 0; i < GROWTH_POINTS; i++)
        {
          double x = growth_context (i);
          double y = uth_model_kv_bytes_at_context (model, eb, (guint64) x) * (double) batches[b];

          if (i == 0)
            cairo_move_to (cr, uth_plot_x (&plot, x), uth_plot_y (&plot, y));
          else
            cairo_line_to (cr, uth_plot_x (&plot, x), uth_plot_y (&plot, y));
        }
      cairo_stroke (cr);
      labels[n_legend] = g_strdup_printf (scenario ? _("batch %" PRIu64 " (scenario)") : _("batch %" PRIu64),
                                          batches[b]);
      legend[n_legend] = (UthLegendItem) { labels[n_legend], c, UTH_LEGEND_LINE };
      n_legend++;
    }
  /* The what-if at the scenario's batch, dashed, when it differs from the model. */
  if (fabs (whatif_ratio - 1.0) > 1e-9)
    {
      double dash[] = { 8 * s, 5 * s };
      UthRgba c;

      uth_draw_color (ctx, UTH_COLOR_ACCENT, &c);
      cairo_save (cr);
      cairo_set_dash (cr, dash, 2, 0);
      uth_draw_set_rgba (cr, &c, 1.0);
      cairo_set_line_width (cr, 3 * s);
      for (int i = 0; i < GROWTH_POINTS; i++)
        {
          double x = growth_context (i);
          double y = uth_model_kv_bytes_at_context (model, eb, (guint64) x) * (double) ctx->input.batch * whatif_ratio;

          if (i == 0)
            cairo_move_to (cr, uth_plot_x (&plot, x), uth_plot_y (&plot, MAX (y, plot.y.min)));
          else
            cairo_line_to (cr, uth_plot_x (&plot, x), uth_plot_y (&plot, MAX (y, plot.y.min)));
        }
      cairo_stroke (cr);
      cairo_restore (cr);
      labels[n_legend] = g_strdup_printf (_("as %s, scenario batch"), variant_name (view->variant));
      legend[n_legend] = (UthLegendItem) { labels[n_legend], c, UTH_LEGEND_LINE };
      n_legend++;
    }
  {
    g_autofree char *a = uth_format_bytes (available), *l = uth_format_bytes (left_for_kv);
    g_autofree char *la = g_strdup_printf (_("all GPU memory: %s"), a);
    g_autofree char *ll = g_strdup_printf (_("left for the KV cache: %s"), l);

    hline (cr, ctx, &plot, available, UTH_COLOR_FOREGROUND, la, FALSE);
    hline (cr, ctx, &plot, left_for_kv, UTH_COLOR_BAD, ll, TRUE);
  }
  cairo_restore (cr);
  uth_draw_legend (cr, ctx, legend, n_legend, plot.left, height - (width < 560 * s ? 50 : 26) * s,
                   width - plot.left, TRUE);
  for (guint k = 0; k < G_N_ELEMENTS (labels); k++)
    g_free (labels[k]);
}

/* ---- the memory budget ---- */

void
uth_draw_kv_budget (cairo_t                *cr,
                    double                  width,
                    double                  height,
                    const UthFigureContext *ctx,
                    const UthKvView        *view)
{
  static const char *names[4] = { N_("weights"), N_("KV cache"), N_("activations"), N_("runtime reserve") };
  static const guint colors[4] = { 0, 1, 2, 7 };
  double s = uth_draw_scale (ctx);
  UthMemoryBudget b;
  UthMemoryStack st;
  double bar_y = 40 * s, bar_h = 44 * s, line_x, values[4], notes_y;
  g_autofree char *heading = NULL, *tot = NULL, *av = NULL, *fit = NULL;
  UthLegendItem legend[4];
  char *labels[4] = { NULL };

  if (ctx->input.model == NULL || width < 200 || height < 120)
    return;
  if (uth_memory_budget (&ctx->input, &b) != UTH_ESTIMATE_OK)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("The scenario has no valid estimate: check batch, context and GPU count."),
                     0, 0, UTH_ANCHOR_NW, width, NULL);
      return;
    }
  uth_memory_stack (&b, &st);
  tot = uth_format_bytes (b.total);
  av = uth_format_bytes (b.available);
  heading = g_strdup_printf (b.fits ? ngettext ("Memory: %s of %s on %u GPU: fits",
                                              "Memory: %s of %s on %u GPUs: fits", ctx->input.gpus)
                                    : ngettext ("Memory: %s of %s on %u GPU: does not fit",
                                                "Memory: %s of %s on %u GPUs: does not fit", ctx->input.gpus),
                             tot, av, ctx->input.gpus);
  uth_draw_set_color (cr, ctx, b.fits ? UTH_COLOR_FOREGROUND : UTH_COLOR_BAD);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, heading, 0, 0, UTH_ANCHOR_NW, width, NULL);

  values[0] = b.weights;
  values[1] = b.kv;
  values[2] = b.activations;
  values[3] = b.reserve;
  for (int i = 0; i < 4; i++)
    {
      UthRgba c;
      g_autofree char *v = uth_format_bytes (values[i]);

      uth_draw_categorical (ctx, colors[i], &c);
      uth_draw_set_rgba (cr, &c, 1.0);
      cairo_rectangle (cr, st.start[i] * width, bar_y, (st.end[i] - st.start[i]) * width, bar_h);
      cairo_fill (cr);
      labels[i] = g_strdup_printf ("%s %s", _(names[i]), v);
      legend[i] = (UthLegendItem) { labels[i], c, UTH_LEGEND_BOX };
    }
  /* The GPUs' memory: everything right of this line does not fit. */
  line_x = st.line * width;
  if (!b.fits)
    {
      UthRgba bad;

      /* Stripes over what does not fit, so the segments keep their colours. */
      uth_draw_color (ctx, UTH_COLOR_BAD, &bad);
      cairo_save (cr);
      cairo_rectangle (cr, line_x, bar_y - 6 * s, width - line_x, bar_h + 12 * s);
      cairo_clip (cr);
      uth_draw_set_rgba (cr, &bad, 0.9);
      cairo_set_line_width (cr, 3 * s);
      for (double x = line_x - bar_h; x < width + bar_h; x += 14 * s)
        {
          cairo_move_to (cr, x, bar_y + bar_h + 6 * s);
          cairo_line_to (cr, x + bar_h + 12 * s, bar_y - 6 * s);
        }
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cairo_set_line_width (cr, 3 * s);
  cairo_move_to (cr, MIN (line_x, width - 1.5 * s), bar_y - 10 * s);
  cairo_line_to (cr, MIN (line_x, width - 1.5 * s), bar_y + bar_h + 10 * s);
  cairo_stroke (cr);
  /* The notes below follow the legend, which wraps into two rows on a narrow figure. */
  notes_y = bar_y + bar_h + 14 * s + uth_draw_legend (cr, ctx, legend, 4, 0, bar_y + bar_h + 14 * s, width, TRUE) + 4 * s;
  for (guint k = 0; k < G_N_ELEMENTS (labels); k++)
    g_free (labels[k]);

  /* Where it stops fitting, and what paging saves. */
  {
    guint64 mb = uth_memory_max_batch (&ctx->input, 1 << 16);
    guint64 mc = uth_memory_max_context (&ctx->input, (guint64) 1 << 24);
    guint64 max_len = ctx->input.model->max_context > 0 ? ctx->input.model->max_context : ctx->input.context;
    guint64 n = MIN (ctx->input.batch, (guint64) 4096);
    g_autofree guint64 *lengths = g_new (guint64, n);
    UthPaging paging;
    g_autofree char *l1 = NULL, *l2 = NULL, *pw = NULL, *cw = NULL, *m1 = NULL, *m2 = NULL;
    double y = notes_y;

    for (guint64 i = 0; i < n; i++)
      lengths[i] = ctx->input.context;
    if (mb > 0)
      {
        g_autofree char *tokens = g_strdup_printf (ngettext ("%" PRIu64 " token", "%" PRIu64 " tokens", mc), mc);

        /* Translators: the %s is "1 token" or "4096 tokens" */
        l1 = g_strdup_printf (_("Stops fitting above batch %" PRIu64 " at this context, or above %s of context at this batch (model limit %" PRIu64 ")."),
                              mb, tokens, ctx->input.model->max_context);
      }
    else if (b.weights > b.available)
      l1 = g_strdup (_("Not even one sequence fits: the weights alone are too large for these GPUs."));
    else
      l1 = g_strdup (_("Not even one sequence of this context fits beside the weights."));
    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
    m1 = g_markup_escape_text (l1, -1);
    y += uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, m1, 0, y, width) + 2 * s;
    if (uth_memory_paging (b.kv_bytes_per_token, lengths, n, MAX (max_len, 1), view->block, &paging))
      {
        pw = uth_format_bytes (paging.paged_waste_bytes);
        cw = uth_format_bytes (paging.contiguous_waste_bytes);
        l2 = g_strdup_printf (_("Reserving %" PRIu64 " tokens per sequence up front wastes %s (%.0f%%); %u-token pages waste %s."),
                              max_len, cw, 100.0 * paging.contiguous_waste_fraction, view->block, pw);
        uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
        m2 = g_markup_escape_text (l2, -1);
        uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, m2, 0, y, width);
      }
  }
}

/* ---- the fits map ---- */

typedef struct
{
  double left, top, cell_w, cell_h;
  guint  rows, cols;
} FitsGeometry;

static void
fits_geometry (double        width,
               double        height,
               double        s,
               guint         rows,
               guint         cols,
               FitsGeometry *g)
{
  g->rows = rows;
  g->cols = cols;
  /* The names' column as wide as the longest name needs, unless the GPUs' columns would
   * get too narrow for their rotated labels. */
  g->left = MIN (FITS_LABEL_W * s, MAX (FITS_LABEL_MIN_W * s, width - cols * FITS_CELL_MIN_W * s));
  g->top = 36 * s + 120 * s;
  g->cell_w = cols > 0 ? MIN ((width - g->left) / cols, 60 * s) : 0;
  /* Under the grid its legend: one row, or two when the grid is narrow. */
  g->cell_h = rows > 0 ? MIN ((height - g->top - (width < 700 * s ? 64 : 40) * s) / rows, 40 * s) : 0;
}

static gboolean
same_id (const char *a,
         const char *b)
{
  return a != NULL && b != NULL && strcmp (a, b) == 0;
}

void
uth_draw_kv_fits (cairo_t                *cr,
                  double                  width,
                  double                  height,
                  const UthFigureContext *ctx,
                  const UthKvView        *view)
{
  double s = uth_draw_scale (ctx);
  const UthAnalysis *catalog = rows_of (ctx);
  g_autofree UthFitCell *owned = NULL;
  const UthFitCell *cells = view->fits;
  guint rows = view->fits_rows, cols = view->fits_cols;
  FitsGeometry g;
  g_autofree char *heading = NULL;
  UthLegendItem legend[3];
  UthRgba good, several, none;
  guint stride;
  gint labelled = -1;   /* the scenario's GPU's column */

  if (catalog == NULL || width < 200 || height < 200)
    return;
  if (cells == NULL || rows != catalog->n_models || cols != catalog->n_gpus)
    {
      owned = uth_kv_fits_compute (ctx, &rows, &cols);
      cells = owned;
    }
  if (cells == NULL)
    return;
  fits_geometry (width, height, s, rows, cols, &g);
  {
    g_autofree char *tokens = g_strdup_printf (ngettext ("%" PRIu64 " token", "%" PRIu64 " tokens", ctx->input.context),
                                               ctx->input.context);

    /* Translators: the %s is "1 token" or "4096 tokens" */
    heading = g_strdup_printf (_("Which models fit on which GPUs: batch %" PRIu64 ", %s of context"),
                               ctx->input.batch, tokens);
  }
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, heading, 0, 0, UTH_ANCHOR_NW, width, NULL);

  uth_draw_color (ctx, UTH_COLOR_GOOD, &good);
  uth_draw_color (ctx, UTH_COLOR_COMPUTE, &several);
  uth_draw_color (ctx, UTH_COLOR_GRID, &none);
  /* Columns narrower than a line of tick text get a label every `stride` columns (and the
   * scenario's GPU always, its neighbours within the stride not), so no two labels overlap
   * however many GPUs the catalog holds; hovering a cell names its GPU. */
  stride = g.cell_w > 0 ? MAX (1u, (guint) ceil (14.0 * 1.25 * s / g.cell_w)) : 1u;
  for (guint c = 0; c < cols && ctx->gpu != NULL; c++)
    if (same_id (catalog->gpus[c]->id, ctx->gpu->id))
      labelled = (gint) c;
  for (guint c = 0; c < cols; c++)
    {
      const UthGpuEntry *gpu = catalog->gpus[c];
      double x = g.left + (c + 0.5) * g.cell_w;

      if ((gint) c != labelled &&
          (c % stride != 0 || (labelled >= 0 && (guint) ABS ((gint) c - labelled) < stride)))
        continue;
      cairo_save (cr);
      cairo_translate (cr, x, g.top - 6 * s);
      cairo_rotate (cr, -G_PI / 2);
      uth_draw_set_color (cr, ctx, same_id (gpu->id, ctx->gpu != NULL ? ctx->gpu->id : NULL) ? UTH_COLOR_ACCENT : UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, gpu->id, 0, 0, UTH_ANCHOR_W, 116 * s, NULL);
      cairo_restore (cr);
    }
  for (guint r = 0; r < rows; r++)
    {
      const UthModelEntry *model = catalog->models[r];
      double y = g.top + r * g.cell_h;

      uth_draw_set_color (cr, ctx, same_id (model->id, ctx->model != NULL ? ctx->model->id : NULL) ? UTH_COLOR_ACCENT : UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, model->name, g.left - 8 * s, y + g.cell_h / 2,
                     UTH_ANCHOR_E, g.left - 8 * s, NULL);
    }
  /* Cells by kind (and GPU count): one paint per kind instead of one per cell. */
  for (int kind = 0; kind < 5; kind++)
    {
      /* 0: one GPU, 1..3: 2, 4 or 8 GPUs, 4: does not fit. */
      const UthRgba *fill = kind == 0 ? &good : kind == 4 ? &none : &several;
      double alpha = kind >= 1 && kind <= 3 ? 0.45 + 0.15 * kind : 1.0;

      for (guint r = 0; r < rows; r++)
        for (guint c = 0; c < cols; c++)
          {
            const UthFitCell *cell = &cells[r * cols + c];
            int k = cell->kind == UTH_FIT_ONE ? 0 : cell->kind == UTH_FIT_NONE ? 4
                    : cell->gpus <= 2 ? 1 : cell->gpus <= 4 ? 2 : 3;

            if (k == kind)
              cairo_rectangle (cr, g.left + c * g.cell_w + 1, g.top + r * g.cell_h + 1, g.cell_w - 2, g.cell_h - 2);
          }
      uth_draw_set_rgba (cr, fill, alpha);
      cairo_fill (cr);
    }
  if (g.cell_h >= 12 * s)
    for (guint r = 0; r < rows; r++)
      for (guint c = 0; c < cols; c++)
        {
          const UthFitCell *cell = &cells[r * cols + c];
          g_autofree char *num = NULL;
          UthRgba ink;

          if (cell->kind != UTH_FIT_SEVERAL)
            continue;
          num = g_strdup_printf ("%u", cell->gpus);
          uth_draw_contrast_text (&several, &ink);
          uth_draw_set_rgba (cr, &ink, 1.0);
          uth_draw_text (cr, ctx, UTH_FONT_TICK, num, g.left + (c + 0.5) * g.cell_w,
                         g.top + (r + 0.5) * g.cell_h, UTH_ANCHOR_CENTER, 0, NULL);
        }
  /* The scenario's cell and the one under the pointer. */
  for (guint r = 0; r < rows; r++)
    for (guint c = 0; c < cols; c++)
      {
        gboolean current = same_id (catalog->models[r]->id, ctx->model != NULL ? ctx->model->id : NULL) &&
                           same_id (catalog->gpus[c]->id, ctx->gpu != NULL ? ctx->gpu->id : NULL);
        gboolean hovered = view->hover >= 0 && (guint) view->hover == r * cols + c;

        if (!current && !hovered)
          continue;
        uth_draw_set_color (cr, ctx, current ? UTH_COLOR_ACCENT : UTH_COLOR_FOREGROUND);
        cairo_set_line_width (cr, 3 * s);
        cairo_rectangle (cr, g.left + c * g.cell_w, g.top + r * g.cell_h, g.cell_w, g.cell_h);
        cairo_stroke (cr);
      }
  legend[0] = (UthLegendItem) { _("fits on one GPU"), good, UTH_LEGEND_BOX };
  legend[1] = (UthLegendItem) { _("fits on 2, 4 or 8 (the number)"), several, UTH_LEGEND_BOX };
  legend[2] = (UthLegendItem) { _("does not fit on 8"), none, UTH_LEGEND_BOX };
  uth_draw_legend (cr, ctx, legend, 3, 0, g.top + rows * g.cell_h + 8 * s, width, TRUE);
}

gboolean
uth_draw_kv_fits_hit (double                  width,
                 double                  height,
                 const UthFigureContext *ctx,
                 const UthKvView        *view,
                 double                  x,
                 double                  y,
                 UthFigureHit           *hit)
{
  double s = uth_draw_scale (ctx);
  const UthAnalysis *catalog = rows_of (ctx);
  g_autofree UthFitCell *owned = NULL;
  const UthFitCell *cells = view->fits;
  guint rows = view->fits_rows, cols = view->fits_cols, r, c;
  FitsGeometry g;
  const UthFitCell *cell;
  g_autofree char *need = NULL, *what = NULL;
  const UthModelEntry *model;
  const UthGpuEntry *gpu;

  hit->index = -1;
  hit->tooltip = NULL;
  if (catalog == NULL)
    return FALSE;
  rows = catalog->n_models;
  cols = catalog->n_gpus;
  fits_geometry (width, height, s, rows, cols, &g);
  if (x < g.left || y < g.top || g.cell_w <= 0 || g.cell_h <= 0)
    return FALSE;
  c = (guint) ((x - g.left) / g.cell_w);
  r = (guint) ((y - g.top) / g.cell_h);
  if (r >= rows || c >= cols)
    return FALSE;
  if (cells == NULL || view->fits_rows != rows || view->fits_cols != cols)
    {
      owned = uth_kv_fits_compute (ctx, &rows, &cols);
      cells = owned;
    }
  if (cells == NULL)
    return FALSE;
  cell = &cells[r * cols + c];
  model = catalog->models[r];
  gpu = catalog->gpus[c];
  need = uth_format_bytes (cell->total_bytes);
  if (cell->kind == UTH_FIT_ONE)
    what = g_strdup_printf (_("needs %s: fits on one GPU"), need);
  else if (cell->kind == UTH_FIT_SEVERAL)
    what = g_strdup_printf (_("needs %s: fits on %u GPUs"), need, cell->gpus);
  else
    what = g_strdup_printf (_("does not fit even on 8 GPUs (needs %s there)"), need);
  hit->index = (int) (r * cols + c);
  {
    g_autofree char *mn = g_markup_escape_text (model->name, -1), *gn = g_markup_escape_text (gpu->name, -1);
    hit->tooltip = g_strdup_printf (_("<b>%s on %s</b>\n%s\nClick to make this the scenario."), mn, gn, what);
  }
  return TRUE;
}

gboolean
uth_draw_kv_variants_hit (double                  width,
                     double                  height,
                     const UthFigureContext *ctx,
                     const UthKvView        *view,
                     double                  x,
                     double                  y,
                     UthFigureHit           *hit)
{
  static const UthAttnKind kinds[4] = { UTH_ATTN_MHA, UTH_ATTN_GQA, UTH_ATTN_MQA, UTH_ATTN_MLA };
  const UthModel *m = ctx->input.model;
  double s = uth_draw_scale (ctx), top = 36 * s, eb = kv_element_bytes (ctx);
  guint32 group;
  int i;
  g_autofree char *v = NULL;

  hit->index = -1;
  hit->tooltip = NULL;
  if (m == NULL || y < top || y >= height)
    return FALSE;
  i = (int) ((y - top) / ((height - top) / 4));
  if (i < 0 || i > 3)
    return FALSE;
  group = view->group > 0 ? view->group : uth_memory_group_size (m);
  v = uth_format_bytes ((double) uth_memory_kv_elements_as (m, kinds[i], kinds[i] == UTH_ATTN_GQA ? group : 0) * eb);
  switch (kinds[i])
    {
    case UTH_ATTN_MHA:
      hit->tooltip = g_strdup_printf (_("<b>MHA: %s per token</b>\nEvery query head has its own key and value:\n2 × %u layers × %u heads × head dim × %g bytes"),
                                      v, m->layers, m->heads, eb);
      break;
    case UTH_ATTN_GQA:
      hit->tooltip = g_strdup_printf (_("<b>GQA: %s per token</b>\n%u query heads share each key and value head:\n2 × %u layers × ⌈%u / %u⌉ KV heads × head dim × %g bytes"),
                                      v, group, m->layers, m->heads, group, eb);
      break;
    case UTH_ATTN_MQA:
      hit->tooltip = g_strdup_printf (_("<b>MQA: %s per token</b>\nAll query heads share one key and value head:\n2 × %u layers × head dim × %g bytes"),
                                      v, m->layers, eb);
      break;
    default:
      if (m->attention == UTH_ATTN_MLA)
        hit->tooltip = g_strdup_printf (_("<b>MLA: %s per token</b>\nOne compressed latent and a shared rotary key per layer:\n%u layers × (%u + %u) × %g bytes"),
                                        v, m->layers, m->kv_lora_rank, m->qk_rope_dim, eb);
      else
        hit->tooltip = g_strdup_printf (_("<b>MLA: %s per token</b>\nWith DeepSeek-V2’s proportions, a latent of 4 × head dim and a rotary key of head dim ÷ 2:\n%u layers × 4.5 × %u × %g bytes"),
                                        v, m->layers, m->head_dim, eb);
      break;
    }
  return TRUE;
}

gboolean
uth_draw_kv_budget_hit (double                  width,
                   double                  height,
                   const UthFigureContext *ctx,
                   const UthKvView        *view,
                   double                  x,
                   double                  y,
                   UthFigureHit           *hit)
{
  static const char *names[4] = { N_("Weights"), N_("KV cache"), N_("Activations"), N_("Runtime reserve") };
  static const char *what[4] = {
    N_("parameters × bytes per weight, split over the GPUs"),
    N_("batch × context × KV bytes per token (sliding-window layers keep only the window)"),
    N_("the largest transient tensors of a forward pass"),
    N_("what the engine keeps for itself (CUDA context, workspace)"),
  };
  double s = uth_draw_scale (ctx), bar_y = 40 * s, bar_h = 44 * s, values[4];
  UthMemoryBudget b;
  UthMemoryStack st;

  hit->index = -1;
  hit->tooltip = NULL;
  if (ctx->input.model == NULL || y < bar_y || y > bar_y + bar_h ||
      uth_memory_budget (&ctx->input, &b) != UTH_ESTIMATE_OK)
    return FALSE;
  uth_memory_stack (&b, &st);
  values[0] = b.weights;
  values[1] = b.kv;
  values[2] = b.activations;
  values[3] = b.reserve;
  for (int i = 0; i < 4; i++)
    if (x >= st.start[i] * width && x < st.end[i] * width)
      {
        g_autofree char *v = uth_format_bytes (values[i]);

        hit->tooltip = g_strdup_printf ("<b>%s: %s</b>\n%s", _(names[i]), v, _(what[i]));
        return TRUE;
      }
  return FALSE;
}

/* ---- the page ---- */

static void
page_layout (double      width,
             double      height,
             double      s,
             PageLayout *l)
{
  double m = 24 * s, gap = 28 * s;
  double top = m + (is_wide (width, s) ? 76 : 104) * s, cards_h = 104 * s;
  double body_top = top + cards_h + gap;
  double body_h = height - body_top - m;
  double left_w = (width - 2 * m - gap) * (is_wide (width, s) ? 0.52 : 0.42);
  double right_w = width - 2 * m - gap - left_w;
  double v_h = body_h * VARIANTS_SHARE, b_h = body_h * (is_wide (width, s) ? BUDGET_SHARE_WIDE : BUDGET_SHARE_NARROW);

  l->cards = (UthChartRect) { m, top, width - 2 * m, cards_h };
  l->variants = (UthChartRect) { m, body_top, left_w, v_h };
  l->growth = (UthChartRect) { m, body_top + v_h + gap, left_w, body_h - v_h - b_h - 2 * gap };
  l->budget = (UthChartRect) { m, body_top + body_h - b_h, left_w, b_h };
  l->fits = (UthChartRect) { m + left_w + gap, body_top, right_w, body_h };
}

static void
draw_cards (cairo_t                *cr,
            const UthFigureContext *ctx,
            const UthChartRect     *r)
{
  double s = uth_draw_scale (ctx);
  double gap = 16 * s, w = (r->w - 3 * gap) / 4;
  const UthModel *model = ctx->input.model;
  UthMemoryBudget b;
  double eb = kv_element_bytes (ctx);
  g_autofree char *ebs = NULL;
  g_autofree char *v0 = NULL, *d0 = NULL, *v1 = NULL, *d1 = NULL, *v2 = NULL, *d2 = NULL;
  g_autofree char *v3 = NULL, *d3 = NULL;
  guint64 mb;

  if (uth_memory_budget (&ctx->input, &b) != UTH_ESTIMATE_OK)
    return;
  v0 = uth_format_bytes (b.kv_bytes_per_token);
  d0 = g_strdup_printf (_("%" PRIu64 " elements of %s bytes"),
                        uth_model_kv_elements_per_token (model), (ebs = uth_format_number (eb)));
  v1 = uth_format_bytes (b.kv);
  /* The estimator caches the longer of the prompt and the context for each sequence
   * (issue 15 item 9: with context 1 the card said "1 × 1 tokens" beside 1024 tokens' bytes). */
  if (ctx->input.prompt > ctx->input.context)
    d1 = g_strdup_printf (ngettext ("%" PRIu64 " sequence × %" PRIu64 " prompt tokens",
                                    "%" PRIu64 " sequences × %" PRIu64 " prompt tokens",
                                    (unsigned long) MIN (ctx->input.batch, 1000000)),
                          ctx->input.batch, ctx->input.prompt);
  else
    d1 = g_strdup_printf (ngettext ("%" PRIu64 " sequence × %" PRIu64 " tokens",
                                    "%" PRIu64 " sequences × %" PRIu64 " tokens",
                                    (unsigned long) MIN (ctx->input.batch, 1000000)),
                          ctx->input.batch, ctx->input.context);
  v2 = uth_format_bytes (b.total);
  {
    g_autofree char *av = uth_format_bytes (b.available);
    d2 = g_strdup_printf (b.fits ? _("fits in %s") : _("more than the %s there is"), av);
  }
  mb = uth_memory_max_batch (&ctx->input, 1 << 16);
  v3 = g_strdup_printf ("%" PRIu64, mb);
  d3 = g_strdup_printf (ngettext ("sequences of %" PRIu64 " token", "sequences of %" PRIu64 " tokens",
                                  MAX (ctx->input.prompt, ctx->input.context)),
                        MAX (ctx->input.prompt, ctx->input.context));
  uth_draw_card (cr, ctx, r->x, r->y, w, r->h, _("KV cache per token"), v0, d0);
  uth_draw_card (cr, ctx, r->x + (w + gap), r->y, w, r->h, _("KV cache in all"), v1, d1);
  uth_draw_card (cr, ctx, r->x + 2 * (w + gap), r->y, w, r->h, _("Memory needed"), v2, d2);
  uth_draw_card (cr, ctx, r->x + 3 * (w + gap), r->y, w, r->h, _("Largest batch"), v3, d3);
}

void
uth_draw_kv_view (cairo_t                *cr,
                  double                  width,
                  double                  height,
                  const UthFigureContext *ctx,
                  const UthKvView        *view)
{
  double s = uth_draw_scale (ctx);
  double m = uth_draw_margin (ctx);
  PageLayout l;
  g_autofree char *subtitle = NULL;

  uth_draw_background (cr, width, height, ctx);
  if (ctx == NULL || ctx->input.model == NULL || ctx->input.gpu == NULL)
    {
      uth_draw_title (cr, ctx, _("KV cache and memory"), _("Choose a model and a GPU to see their memory."),
                      m, m, width - 2 * m);
      return;
    }
  subtitle = g_strdup_printf (_("%s on %u × %s; weights in %s, KV cache in %s; batch %" PRIu64 ", prompt %" PRIu64 ", context %" PRIu64 " tokens"),
                              ctx->model != NULL ? ctx->model->name : "", ctx->input.gpus,
                              ctx->gpu != NULL ? ctx->gpu->name : "",
                              uth_dtype_id (ctx->input.weights), uth_dtype_id (ctx->input.kv),
                              ctx->input.batch, ctx->input.prompt, ctx->input.context);
  uth_draw_title (cr, ctx, _("KV cache and memory: what fits"), subtitle, m, m, width - 2 * m);
  page_layout (width, height, s, &l);
  draw_cards (cr, ctx, &l.cards);
  uth_draw_push_panel (cr, &l.variants);
  uth_draw_kv_variants (cr, l.variants.w, l.variants.h, ctx, view);
  cairo_restore (cr);
  if (uth_figure_shows_build (ctx, 2))
    {
      uth_draw_push_panel (cr, &l.growth);
      uth_draw_kv_growth (cr, l.growth.w, l.growth.h, ctx, view);
      cairo_restore (cr);
    }
  if (uth_figure_shows_build (ctx, 3))
    {
      uth_draw_push_panel (cr, &l.budget);
      uth_draw_kv_budget (cr, l.budget.w, l.budget.h, ctx, view);
      cairo_restore (cr);
    }
  if (uth_figure_shows_build (ctx, 4))
    {
      uth_draw_push_panel (cr, &l.fits);
      uth_draw_kv_fits (cr, l.fits.w, l.fits.h, ctx, view);
      cairo_restore (cr);
    }
}

void
uth_draw_kv (cairo_t                *cr,
             double                  width,
             double                  height,
             const UthFigureContext *ctx)
{
  UthKvView view;

  if (ctx != NULL && ctx->page_data != NULL)
    view = *(const UthKvView *) ctx->page_data;
  else
    uth_kv_view_init (&view, ctx);
  if (ctx != NULL)
    view.hover = ctx->hover;
  {
    double vw, vh, fit = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);

    cairo_save (cr);
    cairo_scale (cr, fit, fit);
    uth_draw_kv_view (cr, vw, vh, ctx, &view);
    cairo_restore (cr);
  }
}

gboolean
uth_draw_kv_hit (double                  width,
            double                  height,
            const UthFigureContext *ctx,
            double                  x,
            double                  y,
            UthFigureHit           *hit)
{
  UthKvView view;
  PageLayout l;

  hit->index = -1;
  hit->tooltip = NULL;
  if (ctx == NULL || ctx->input.model == NULL || ctx->input.gpu == NULL)
    return FALSE;
  if (ctx->page_data != NULL)
    view = *(const UthKvView *) ctx->page_data;
  else
    uth_kv_view_init (&view, ctx);
  {
    double vw, vh, fit = uth_reflow_page_fit (&reflow, width, height, ctx, &vw, &vh);

    width = vw;
    height = vh;
    x /= fit;
    y /= fit;
  }
  page_layout (width, height, uth_draw_scale (ctx), &l);
  if (x >= l.variants.x && y >= l.variants.y && x < l.variants.x + l.variants.w && y < l.variants.y + l.variants.h)
    return uth_draw_kv_variants_hit (l.variants.w, l.variants.h, ctx, &view, x - l.variants.x, y - l.variants.y, hit);
  if (x >= l.budget.x && y >= l.budget.y && x < l.budget.x + l.budget.w && y < l.budget.y + l.budget.h)
    return uth_draw_kv_budget_hit (l.budget.w, l.budget.h, ctx, &view, x - l.budget.x, y - l.budget.y, hit);
  return uth_draw_kv_fits_hit (l.fits.w, l.fits.h, ctx, &view, x - l.fits.x, y - l.fits.y, hit);
}
