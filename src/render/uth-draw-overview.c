/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview: what happens when you send a prompt, in eleven steps of five chapters.
 * Every number is uth_overview_compute's for the scenario (the estimator, the op list and
 * the roofline); the A100 example is the catalog's A100 with the tuned engine's bandwidth
 * efficiency. The figure is laid out on a canvas of at least 980 x 700 (times the
 * scale) and scaled to the size it is given, so the story reads the same at any size. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "core/uth-overview.h"
#include "core/uth-roofline.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-overview.h"

#define CANVAS_W 980.0
#define CANVAS_H 700.0
#define MAX_TOKENS 48
#define MAX_STACK_BARS 12
#define DECODE_CHIPS 6

/* The chapter of each step: the pass (3 steps), the phases (2), the tension (2), the
 * matrix products (2), intensity and the ridge (2). */
static const int step_chapter[UTH_OVERVIEW_N_STEPS] = { 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4 };
static const char *const chapter_page[UTH_OVERVIEW_N_CHAPTERS] = {
  "tokens", "generation", "layer", "tiling", "cost",
};

typedef struct
{
  double       f;        /* device pixels per canvas pixel */
  double       vw, vh;   /* the canvas */
  double       s, m;
  UthChartRect tabs[UTH_OVERVIEW_N_CHAPTERS];
  double       title_y;
} Layout;

/* Everything one draw needs, computed once per draw from the context. */
typedef struct
{
  UthOverviewView  view;
  int              chapter;
  UthOverview      o;
  gboolean         ok;
  UthOverviewRidge a100;
  gboolean         a100_ok;
} Story;

/* ---- steps and chapters ---- */

int
uth_overview_step_chapter (int step)
{
  return step_chapter[CLAMP (step, 0, UTH_OVERVIEW_N_STEPS - 1)];
}

int
uth_overview_chapter_step (int chapter)
{
  int i;

  chapter = CLAMP (chapter, 0, UTH_OVERVIEW_N_CHAPTERS - 1);
  for (i = 0; i < UTH_OVERVIEW_N_STEPS; i++)
    if (step_chapter[i] == chapter)
      return i;
  return 0;
}

const char *
uth_overview_chapter_page (int chapter)
{
  return chapter_page[CLAMP (chapter, 0, UTH_OVERVIEW_N_CHAPTERS - 1)];
}

const char *
uth_overview_chapter_title (int chapter)
{
  switch (CLAMP (chapter, 0, UTH_OVERVIEW_N_CHAPTERS - 1))
    {
    case 0: return _("What happens when you send a prompt");
    case 1: return _("Prefill is compute-bound, decode is memory-bound");
    case 2: return _("The central tension: compute against getting data to it");
    case 3: return _("Matrix multiplication is everything");
    case 4:
    default: return _("The two numbers that matter: intensity and the ridge");
    }
}

/* The tab's short name. */
static const char *
chapter_tab (int chapter)
{
  switch (chapter)
    {
    case 0: return _("Send a prompt");
    case 1: return _("Two phases");
    case 2: return _("The tension");
    case 3: return _("Matrix products");
    case 4:
    default: return _("Intensity");
    }
}

/* ---- the numbers ---- */

gboolean
uth_overview_a100_ridge (const UthFigureContext *ctx,
                         UthOverviewRidge       *out)
{
  const UthAnalysis *a = ctx != NULL ? ctx->analysis : NULL;
  const UthGpuEntry *a100 = a != NULL ? a->a100 : NULL;
  const UthEngineEntry *tuned = a != NULL ? a->tuned : NULL;

  memset (out, 0, sizeof *out);
  /* The A100's bf16 peak over its bandwidth at the efficiency the tuned engine documents
   * (85%, fitted to published A100 and H100 runs). */
  return a100 != NULL && tuned != NULL &&
         uth_overview_ridge (&a100->spec, &tuned->spec, UTH_DTYPE_BF16, out);
}

static void
story_init (Story                  *st,
            const UthFigureContext *ctx)
{
  const UthOverviewView *v = ctx->page_data;

  memset (st, 0, sizeof *st);
  if (v != NULL)
    st->view = *v;
  else
    {
      /* Without the page (render, export of a bare figure): ctx->view 1 .. 11 is that step,
       * 0 the walk fully built, its last step, as presentation build 0 is. */
      st->view.step = ctx->view > 0 ? ctx->view - 1 : UTH_OVERVIEW_N_STEPS - 1;
      st->view.progress = 1.0;
    }
  /* A presentation build is a step of the walk, fully built (build 0: the page's own). */
  if (ctx->build > 0)
    {
      st->view.step = ctx->build - 1;
      st->view.progress = 1.0;
    }
  st->view.step = CLAMP (st->view.step, 0, UTH_OVERVIEW_N_STEPS - 1);
  st->view.progress = CLAMP (st->view.progress, 0.0, 1.0);
  st->chapter = uth_overview_step_chapter (st->view.step);
  st->ok = ctx->input.model != NULL && ctx->input.gpu != NULL && ctx->input.engine != NULL &&
           uth_overview_compute (&ctx->input, &st->o) == UTH_ESTIMATE_OK;
  st->a100_ok = uth_overview_a100_ridge (ctx, &st->a100);
}

/* 90177536 as "90,177,536": worked products are shown digit for digit. */
char *
uth_overview_grouped (double value)
{
  g_autofree char *plain = g_strdup_printf ("%.0f", fabs (value));
  GString *out = g_string_new (value < 0 ? "−" : "");
  gsize n = strlen (plain), i;

  for (i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, plain[i]);
    }
  return g_string_free (out, FALSE);
}

const char *
uth_overview_gemm_name (const UthOverviewGemm *g)
{
  static const struct { const char *id; const char *name; } names[] = {
    { "q", N_("Q projection") }, { "k", N_("K projection") }, { "v", N_("V projection") },
    { "q_proj", N_("Q projection") }, { "o_proj", N_("Output projection") },
    { "attn_scores", N_("Scores QKᵀ") }, { "attn_pv", N_("Scores × V") },
    { "gate", N_("Gate projection") }, { "up", N_("Up projection") },
    { "mlp_up", N_("Up projection") }, { "mlp_down", N_("Down projection") },
    { "router", N_("Expert router") }, { "qkv_proj", N_("QKV projection") },
    { "mlp_gate_up", N_("Gate and up projections") },
    { "q_a_proj", N_("Q to latent") }, { "q_b_proj", N_("Q from latent") },
    { "kv_a_proj", N_("KV to latent") }, { "kv_b_proj", N_("KV from latent") },
    { "q_absorb", N_("Q absorbed into latent") }, { "v_absorb", N_("V from latent") },
    { "experts_gate_up", N_("Experts: gate and up") }, { "experts_down", N_("Experts: down") },
    { "shared_gate_up", N_("Shared expert: gate and up") }, { "shared_down", N_("Shared expert: down") },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (g->id, names[i].id) == 0)
      return _(names[i].name);
  return g->id;
}

/* "4,096 × 11,008" */
static char *
matrix_text (uint64_t rows,
             uint64_t cols)
{
  g_autofree char *r = uth_overview_grouped ((double) rows);
  g_autofree char *c = uth_overview_grouped ((double) cols);

  return g_strdup_printf ("%s × %s", r, c);
}

/* The shared helpers draw their smallest text (token ids, tick labels, card details, notes)
 * at the tick size; this figure keeps every text at least at the label size, so that it stays
 * readable when the whole figure is scaled to fit (in presentation mode, on a projector).
 * Those helpers get a context one size larger. */
static UthFigureContext
larger (const UthFigureContext *ctx)
{
  UthFigureContext big = *ctx;

  big.scale = (uth_draw_scale (ctx)) * uth_draw_font_px (ctx, UTH_FONT_LABEL) /
              uth_draw_font_px (ctx, UTH_FONT_TICK);
  return big;
}

static double
note (cairo_t                *cr,
      const UthFigureContext *ctx,
      const char             *text,
      double                  x,
      double                  y,
      double                  width)
{
  g_autofree char *markup = g_markup_printf_escaped ("<i>%s</i>", text);

  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  return uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, markup, x, y, width);
}

/* "1,024×4,096", for the table */
static char *
compact_matrix (uint64_t rows,
                uint64_t cols)
{
  g_autofree char *r = uth_overview_grouped ((double) rows);
  g_autofree char *c = uth_overview_grouped ((double) cols);

  return g_strdup_printf ("%s×%s", r, c);
}

/* ---- layout ---- */

static void
layout_compute (double                  width,
                double                  height,
                const UthFigureContext *ctx,
                Layout                 *l)
{
  double s = uth_draw_scale (ctx), gap, tw;
  int i;

  l->s = s;
  l->f = MIN (width / (CANVAS_W * s), height / (CANVAS_H * s));
  if (!(l->f > 0))
    l->f = 1.0;
  l->vw = width / l->f;
  l->vh = height / l->f;
  l->m = uth_draw_margin (ctx);
  gap = 10 * s;
  tw = (l->vw - 2 * l->m - (UTH_OVERVIEW_N_CHAPTERS - 1) * gap) / UTH_OVERVIEW_N_CHAPTERS;
  for (i = 0; i < UTH_OVERVIEW_N_CHAPTERS; i++)
    l->tabs[i] = (UthChartRect) { l->m + i * (tw + gap), l->m, tw, 44 * s };
  l->title_y = l->m + 44 * s + 18 * s;
}

/* ---- furniture ---- */

static void
draw_tabs (cairo_t                *cr,
           const UthFigureContext *ctx,
           const Layout           *l,
           const Story            *st,
           int                     hover)
{
  double s = l->s;
  int i;

  for (i = 0; i < UTH_OVERVIEW_N_CHAPTERS; i++)
    {
      const UthChartRect *r = &l->tabs[i];
      g_autofree char *label = g_strdup_printf ("%d  %s", i + 1, chapter_tab (i));
      gboolean current = i == st->chapter;
      UthRgba accent, text;

      uth_draw_rounded_rect (cr, r->x, r->y, r->w, r->h, r->h / 2);
      uth_draw_color (ctx, current ? UTH_COLOR_ACCENT : UTH_COLOR_CARD, &accent);
      uth_draw_set_rgba (cr, &accent, 1.0);
      cairo_fill_preserve (cr);
      uth_draw_set_color (cr, ctx, i == hover || i < st->chapter ? UTH_COLOR_ACCENT : UTH_COLOR_GRID);
      cairo_set_line_width (cr, (i == hover ? 3.0 : 1.5) * s);
      cairo_stroke (cr);
      if (current)
        {
          uth_draw_contrast_text (&accent, &text);
          uth_draw_set_rgba (cr, &text, 1.0);
        }
      else
        uth_draw_set_color (cr, ctx, i < st->chapter ? UTH_COLOR_FOREGROUND : UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, label, r->x + r->w / 2, r->y + r->h / 2,
                     UTH_ANCHOR_CENTER, r->w - 20 * s, NULL);
    }
}

static void
arrow (cairo_t *cr,
       double   x0,
       double   y0,
       double   x1,
       double   y1,
       double   s)
{
  double a = atan2 (y1 - y0, x1 - x0), head = 12 * s;

  cairo_set_line_width (cr, 3 * s);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1 - cos (a) * head * 0.6, y1 - sin (a) * head * 0.6);
  cairo_stroke (cr);
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x1 - head * cos (a - 0.45), y1 - head * sin (a - 0.45));
  cairo_line_to (cr, x1 - head * cos (a + 0.45), y1 - head * sin (a + 0.45));
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* A rounded chip with centred text in a role's colour; returns its width. */
static double
chip (cairo_t                *cr,
      const UthFigureContext *ctx,
      const char             *text,
      double                  x,
      double                  y,
      double                  h,
      UthColorRole            role,
      double                  alpha)
{
  double s = uth_draw_scale (ctx), tw, w;
  UthRgba fill, fg;

  uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, text, &tw, NULL);
  w = tw + 20 * s;
  uth_draw_color (ctx, role, &fill);
  uth_draw_rounded_rect (cr, x, y, w, h, 8 * s);
  uth_draw_set_rgba (cr, &fill, alpha);
  cairo_fill (cr);
  uth_draw_contrast_text (&fill, &fg);
  uth_draw_set_rgba (cr, &fg, alpha);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, text, x + w / 2, y + h / 2, UTH_ANCHOR_CENTER, 0, NULL);
  return w;
}

/* ---- chapter 1: the pass ---- */

static void
draw_stack (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Story            *st,
            double                  x,
            double                  y,
            double                  w,
            double                  h)
{
  double s = uth_draw_scale (ctx), bar_h, gap = 5 * s, by;
  guint layers = st->o.layers, bars = MIN (layers, MAX_STACK_BARS), i;
  int step = st->view.step;
  double t = st->view.progress;
  UthRgba c;

  bar_h = (h - (bars - 1) * gap) / bars;
  for (i = 0; i < bars; i++)
    {
      gboolean elided = layers > MAX_STACK_BARS && i == bars / 2;
      double alpha = 0.18;
      UthColorRole role = UTH_COLOR_DIM;

      by = y + i * (bar_h + gap);
      if (step == 1)
        {
          role = UTH_COLOR_COMPUTE;  /* every layer at once */
          alpha = 0.25 + 0.65 * t;
        }
      else if (step == 2)
        {
          /* The pass sweeps down the stack, a layer at a time, each step. */
          double sweep = fmod (t * DECODE_CHIPS, 1.0) * bars;

          role = UTH_COLOR_MEMORY;
          alpha = fabs (sweep - (i + 0.5)) < 1.0 ? 0.95 : 0.45;
        }
      uth_draw_color (ctx, role, &c);
      uth_draw_rounded_rect (cr, x, by, w, bar_h, 4 * s);
      uth_draw_set_rgba (cr, &c, alpha);
      cairo_fill (cr);
      if (elided)
        {
          uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
          uth_draw_text (cr, ctx, UTH_FONT_LABEL, "⋮", x + w / 2, by + bar_h / 2, UTH_ANCHOR_CENTER, 0, NULL);
        }
    }
}

static void
draw_pass (cairo_t                *cr,
           const UthFigureContext *ctx,
           const Story            *st,
           UthChartRect            r)
{
  double s = uth_draw_scale (ctx), g = 40 * s, g2 = 100 * s;
  double c1 = r.w * 0.35, c2 = r.w * 0.25, c3 = r.w - c1 - c2 - g - g2;
  double x2 = r.x + c1 + g, x3 = x2 + c2 + g2, y, chips_h = 0, stack_top, stack_h, mem_h = 64 * s;
  int step = st->view.step;
  double t = st->view.progress;
  UthFigureContext big = larger (ctx);
  GArray *ids = NULL;
  g_autofree char *quoted = NULL, *count = NULL, *weights = NULL;
  g_autofree char *layers = NULL;
  guint n_ids = 0;

  /* Your prompt: the text, its tokens and their ids. */
  y = uth_draw_panel (cr, ctx, r.x, r.y, c1, r.h, _("Your prompt"));
  quoted = g_markup_printf_escaped ("“%s”", uth_fundamentals_text (ctx));
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  y += uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, quoted, r.x + 16 * s, y, c1 - 32 * s) + 10 * s;
  if (ctx->analysis != NULL && ctx->analysis->text != NULL)
    {
      ids = ctx->analysis->text->ids;
      n_ids = ids != NULL ? ids->len : 0;
    }
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  count = g_strdup_printf (ngettext ("↓ %u token, each an integer id", "↓ %u tokens, each an integer id", n_ids), n_ids);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, count, r.x + 16 * s, y, UTH_ANCHOR_NW, c1 - 32 * s, NULL);
  y += 30 * s;
  if (n_ids > 0)
    uth_draw_token_chips (cr, &big, (const guint32 *) ids->data, MIN (n_ids, MAX_TOKENS),
                          NULL, UTH_CHIP_WITH_ID, -1, r.x + 16 * s, y, c1 - 32 * s,
                          r.y + r.h - y - 64 * s, NULL, &chips_h);
  if (step >= 1)
    {
      g_autofree char *prompt = uth_overview_grouped ((double) ctx->input.prompt);
      g_autofree char *text = g_strdup_printf (_("The times are for the scenario’s prompt of %s tokens."), prompt);

      note (cr, ctx, text, r.x + 16 * s, r.y + r.h - 58 * s, c1 - 32 * s);
    }

  /* The model: a stack of layers over the weights in memory. */
  uth_draw_panel (cr, ctx, x2, r.y, c2, r.h, NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, ctx->model != NULL ? ctx->model->name : "", x2 + c2 / 2,
                 r.y + 12 * s, UTH_ANCHOR_N, c2 - 20 * s, NULL);
  if (step == 1)
    layers = g_strdup_printf (ngettext ("%u layer, all tokens at once", "%u layers, all tokens at once", st->o.layers), st->o.layers);
  else if (step == 2)
    layers = g_strdup_printf (ngettext ("%u layer, one token per pass", "%u layers, one token per pass", st->o.layers), st->o.layers);
  else
    layers = g_strdup_printf (ngettext ("%u layer", "%u layers", st->o.layers), st->o.layers);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, layers, x2 + c2 / 2, r.y + 42 * s, UTH_ANCHOR_N, c2 - 20 * s, NULL);
  stack_top = r.y + 72 * s;
  stack_h = r.h - (stack_top - r.y) - mem_h - 40 * s;
  draw_stack (cr, ctx, st, x2 + 20 * s, stack_top, c2 - 40 * s, stack_h);
  /* The weights in GPU memory, read on every decode step. */
  {
    double my = r.y + r.h - mem_h - 12 * s;
    UthRgba mc;

    weights = uth_format_bytes (st->o.estimate.weight_bytes);
    uth_draw_color (ctx, UTH_COLOR_MEMORY, &mc);
    uth_draw_rounded_rect (cr, x2 + 12 * s, my, c2 - 24 * s, mem_h, 8 * s);
    uth_draw_set_rgba (cr, &mc, step == 2 ? 0.35 : 0.15);
    cairo_fill (cr);
    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
    uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("weights in GPU memory"), x2 + c2 / 2, my + 8 * s,
                   UTH_ANCHOR_N, c2 - 36 * s, NULL);
    uth_draw_text (cr, ctx, UTH_FONT_HEADING, weights, x2 + c2 / 2, my + mem_h - 8 * s,
                   UTH_ANCHOR_S, c2 - 36 * s, NULL);
    if (step == 2)
      {
        uth_draw_set_color (cr, ctx, UTH_COLOR_MEMORY);
        arrow (cr, x2 + c2 / 2, my - 2 * s, x2 + c2 / 2, stack_top + stack_h + 4 * s, s);
      }
  }

  /* The output. */
  y = uth_draw_panel (cr, ctx, x3, r.y, c3, r.h, _("Output"));
  if (step == 0)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("nothing yet"), x3 + 16 * s, y, UTH_ANCHOR_NW, c3 - 32 * s, NULL);
    }
  else
    {
      int n = step == 1 ? (t > 0.6 ? 1 : 0) : 1 + (int) floor (t * (DECODE_CHIPS - 1) + 1e-9);
      double cy = y, ch = 36 * s;
      int i;

      for (i = 0; i < n; i++)
        {
          /* Translators: the n-th generated token, as a chip: "token 3" */
          g_autofree char *label = g_strdup_printf (_("token %d"), i + 1);
          double cw = chip (cr, ctx, label, x3 + 16 * s, cy, ch, i == 0 ? UTH_COLOR_COMPUTE : UTH_COLOR_MEMORY, 1.0);

          uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
          uth_draw_text (cr, ctx, UTH_FONT_LABEL, i == 0 ? _("from prefill") : _("one decode step"),
                         x3 + 28 * s + cw, cy + ch / 2, UTH_ANCHOR_W, c3 - 44 * s - cw, NULL);
          cy += ch + 10 * s;
        }
      if (step == 2 && n == DECODE_CHIPS)
        {
          g_autofree char *limit = g_strdup_printf (_("… until a stop token or the limit of %" PRIu64 " tokens"),
                                                    ctx->input.output_tokens);
          uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
          uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, limit, x3 + 16 * s, cy, c3 - 32 * s);
        }
    }

  /* Arrows: prompt into the stack, stack to the output, and decode's loop back in. */
  if (step >= 1)
    {
      double ay = stack_top + stack_h * 0.3;

      uth_draw_set_color (cr, ctx, step == 1 ? UTH_COLOR_COMPUTE : UTH_COLOR_DIM);
      arrow (cr, r.x + c1 + 4 * s, ay, x2 + 14 * s, ay, s);
      uth_draw_set_color (cr, ctx, step == 1 ? UTH_COLOR_COMPUTE : UTH_COLOR_MEMORY);
      arrow (cr, x2 + c2 - 14 * s, ay, x3 - 4 * s, ay, s);
    }
  if (step == 2)
    {
      double ly = stack_top + stack_h * 0.7;

      uth_draw_set_color (cr, ctx, UTH_COLOR_MEMORY);
      arrow (cr, x3 - 4 * s, ly, x2 + c2 - 14 * s, ly, s);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("fed back in"), x3 - g2 / 2 - 5 * s, ly + 8 * s,
                     UTH_ANCHOR_N, g2 - 4 * s, NULL);
    }
}

/* ---- chapter 2: the phases ---- */

static void
draw_balance (cairo_t                *cr,
              const UthFigureContext *ctx,
              const Story            *st,
              UthChartRect            r,
              gboolean                decode)
{
  const UthOverview *o = &st->o;
  double s = uth_draw_scale (ctx), t = st->view.progress;
  double compute = decode ? o->decode_compute_seconds : o->prefill_compute_seconds;
  double memory = decode ? o->decode_memory_seconds : o->prefill_memory_seconds;
  double flops = decode ? o->estimate.decode_flops : o->estimate.prefill_flops;
  double bytes = decode ? o->estimate.decode_bytes : o->estimate.prefill_bytes;
  double most = MAX (compute, memory), y, label_w = r.w * 0.42, bar_x, bar_w, bar_h = 34 * s;
  gboolean compute_bound = compute >= memory;
  g_autofree char *heading = NULL, *f = NULL, *b = NULL, *peak = NULL, *bw = NULL;
  g_autofree char *cs = NULL, *ms = NULL, *cl = NULL, *ml = NULL, *verdict = NULL;
  g_autofree char *gpus = NULL;
  int row;

  if (decode)
    heading = g_strdup_printf (ngettext ("Decode: one new token for %" PRIu64 " sequence per step",
                                         "Decode: one new token for each of %" PRIu64 " sequences per step",
                                         ctx->input.batch), ctx->input.batch);
  else
    {
      g_autofree char *tokens = uth_overview_grouped ((double) ctx->input.prompt);

      heading = g_strdup_printf (ngettext ("Prefill: %" PRIu64 " sequence of %s prompt tokens in one pass",
                                           "Prefill: %" PRIu64 " sequences of %s prompt tokens in one pass",
                                           ctx->input.batch), ctx->input.batch, tokens);
    }
  y = uth_draw_panel (cr, ctx, r.x, r.y, r.w, r.h, heading);
  f = uth_format_flops (flops);
  b = uth_format_bytes (bytes);
  peak = uth_format_flops_rate (o->ridge.peak_flops * MAX (ctx->input.gpus, 1));
  bw = uth_format_bandwidth (o->ridge.effective_bandwidth * MAX (ctx->input.gpus, 1));
  cs = uth_format_seconds (compute);
  ms = uth_format_seconds (memory);
  /* Translators: "14.0 TFLOP of arithmetic ÷ 989 TFLOP/s" */
  cl = g_strdup_printf (_("Compute: %s ÷ %s"), f, peak);
  /* Translators: "16.2 GB of memory traffic ÷ 2.84 TB/s" */
  ml = g_strdup_printf (_("Memory: %s ÷ %s"), b, bw);
  bar_x = r.x + 16 * s + label_w;
  bar_w = r.w - 32 * s - label_w - 110 * s;
  for (row = 0; row < 2; row++)
    {
      double value = row == 0 ? compute : memory;
      double by = y + 2 * s + row * (bar_h + 10 * s);
      double len = most > 0 ? bar_w * value / most * t : 0;

      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, row == 0 ? cl : ml, r.x + 16 * s, by + bar_h / 2,
                     UTH_ANCHOR_W, label_w - 12 * s, NULL);
      uth_draw_set_color (cr, ctx, row == 0 ? UTH_COLOR_COMPUTE : UTH_COLOR_MEMORY);
      cairo_rectangle (cr, bar_x, by, MAX (len, 2 * s), bar_h);
      cairo_fill (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_HEADING, row == 0 ? cs : ms, bar_x + MAX (len, 2 * s) + 8 * s,
                     by + bar_h / 2, UTH_ANCHOR_W, 0, NULL);
    }
  if (compute_bound)
    verdict = g_strdup (_("The arithmetic takes longer: compute-bound"));
  else
    verdict = g_strdup (_("Waiting for memory takes longer: memory-bound"));
  uth_draw_set_color (cr, ctx, compute_bound ? UTH_COLOR_COMPUTE : UTH_COLOR_MEMORY);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, verdict, r.x + 16 * s, y + 2 * (bar_h + 10 * s) + 4 * s,
                 UTH_ANCHOR_NW, r.w - 32 * s, NULL);
  if (ctx->input.gpus > 1)
    gpus = g_strdup_printf (_("Arithmetic alone (at the peak of %u GPUs) against moving the bytes alone: the longer sets the pace."),
                            ctx->input.gpus);
  else
    gpus = g_strdup (_("Arithmetic alone (at the GPU’s peak) against moving the bytes alone: the longer sets the pace."));
  note (cr, ctx, gpus, r.x + 16 * s, y + 2 * (bar_h + 10 * s) + 34 * s, r.w - 32 * s);
}

static void
draw_phases (cairo_t                *cr,
             const UthFigureContext *ctx,
             const Story            *st,
             UthChartRect            r)
{
  double s = uth_draw_scale (ctx), h = (r.h - 16 * s) / 2;
  Story prefill = *st;

  prefill.view.progress = st->view.step == 3 ? st->view.progress : 1.0;
  draw_balance (cr, ctx, &prefill, (UthChartRect) { r.x, r.y, r.w, h }, FALSE);
  if (st->view.step >= 4)
    draw_balance (cr, ctx, st, (UthChartRect) { r.x, r.y + h + 16 * s, r.w, h }, TRUE);
}

/* ---- chapter 3: the tension ---- */

static void
draw_tension (cairo_t                *cr,
              const UthFigureContext *ctx,
              const Story            *st,
              UthChartRect            r)
{
  const UthOverview *o = &st->o;
  double s = uth_draw_scale (ctx), t = st->view.progress;
  double top_h = r.h * 0.52, mem_w = r.w * 0.22, comp_w = r.w * 0.40, pipe_w = r.w - mem_w - comp_w;
  double pipe_h = 26 * s, py = r.y + top_h / 2 - pipe_h / 2;
  int i;
  g_autofree char *mem = NULL, *peak = NULL, *bw = NULL, *raw = NULL, *ridge = NULL;
  g_autofree char *pipe = NULL, *formula = NULL;
  UthFigureContext big;
  UthRgba mc, cc;

  uth_draw_color (ctx, UTH_COLOR_MEMORY, &mc);
  uth_draw_color (ctx, UTH_COLOR_COMPUTE, &cc);
  mem = uth_format_bytes (ctx->input.gpu->memory_bytes);
  peak = uth_format_flops_rate (o->ridge.peak_flops);
  bw = uth_format_bandwidth (o->ridge.effective_bandwidth);
  raw = uth_format_bandwidth (o->ridge.bandwidth);
  ridge = uth_format_intensity (o->ridge.ridge);

  /* Memory, the pipe, the compute units. */
  uth_draw_rounded_rect (cr, r.x, r.y, mem_w, top_h, 12 * s);
  uth_draw_set_rgba (cr, &mc, 0.25);
  cairo_fill (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Memory"), r.x + mem_w / 2, r.y + top_h / 2 - 6 * s,
                 UTH_ANCHOR_S, mem_w - 16 * s, NULL);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, mem, r.x + mem_w / 2, r.y + top_h / 2 + 6 * s,
                 UTH_ANCHOR_N, mem_w - 16 * s, NULL);
  uth_draw_set_rgba (cr, &mc, 0.35);
  cairo_rectangle (cr, r.x + mem_w, py, pipe_w, pipe_h);
  cairo_fill (cr);
  /* Bytes flowing through the pipe. */
  uth_draw_set_rgba (cr, &mc, 1.0);
  for (i = 0; i < 6; i++)
    {
      double u = fmod (i / 6.0 + t, 1.0);

      cairo_arc (cr, r.x + mem_w + 10 * s + u * (pipe_w - 20 * s), py + pipe_h / 2, 7 * s, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  pipe = g_strdup_printf (_("%s effective (datasheet %s)"), bw, raw);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, bw, r.x + mem_w + pipe_w / 2, py - 10 * s, UTH_ANCHOR_S, pipe_w - 10 * s, NULL);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, pipe, r.x + mem_w + pipe_w / 2, py + pipe_h + 10 * s, UTH_ANCHOR_N, pipe_w - 10 * s, NULL);
  uth_draw_rounded_rect (cr, r.x + mem_w + pipe_w, r.y, comp_w, top_h, 12 * s);
  uth_draw_set_rgba (cr, &cc, 0.25);
  cairo_fill (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Compute units"), r.x + mem_w + pipe_w + comp_w / 2,
                 r.y + top_h / 2 - 8 * s, UTH_ANCHOR_S, comp_w - 16 * s, NULL);
  uth_draw_text (cr, ctx, UTH_FONT_VALUE, peak, r.x + mem_w + pipe_w + comp_w / 2, r.y + top_h / 2,
                 UTH_ANCHOR_N, comp_w - 16 * s, NULL);

  /* The ratio, and (next build) what the fast path does about it. */
  formula = g_strdup_printf (_("%s ÷ %s"), peak, bw);
  big = larger (ctx);
  uth_draw_card (cr, &big, r.x, r.y + top_h + 20 * s, r.w * 0.42, MIN (r.h - top_h - 20 * s, 130 * s),
                 _("FLOPs it could do per byte that arrives"), ridge, formula);
  if (st->view.step >= 6)
    {
      static const char *const ways[] = {
        N_("Batching: one weight read serves many sequences"),
        N_("KV cache: keep keys and values instead of recomputing"),
        N_("Flash Attention: keep the scores on chip"),
        N_("Speculative decoding: several tokens per weight read"),
        N_("Fewer bits per weight: fewer bytes to move"),
      };
      double x = r.x + r.w * 0.42 + 24 * s, y = r.y + top_h + 20 * s, w = r.w * 0.58 - 24 * s;
      gsize k;

      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Making it fast manages this tension:"), x, y,
                     UTH_ANCHOR_NW, w, NULL);
      y += 32 * s;
      for (k = 0; k < G_N_ELEMENTS (ways); k++)
        {
          g_autofree char *line = g_strdup_printf ("•  %s", _(ways[k]));

          uth_draw_text (cr, ctx, UTH_FONT_LABEL, line, x, y, UTH_ANCHOR_NW, w, NULL);
          y += 28 * s;
        }
    }
}

/* ---- chapter 4: the matrix products ---- */

static void
draw_shares (cairo_t                *cr,
             const UthFigureContext *ctx,
             const Story            *st,
             UthChartRect            r)
{
  static const UthOpGroup order[] = { UTH_OP_GROUP_MLP, UTH_OP_GROUP_ATTN_PROJ, UTH_OP_GROUP_ATTN_MATMUL, UTH_OP_GROUP_OTHER };
  static const guint colors[] = { 1, 0, 5, 7 };
  double s = uth_draw_scale (ctx), label_w = 230 * s, bar_h = 28 * s;
  UthLegendItem legend[4];
  int row;
  gsize k;

  for (row = 0; row < 2; row++)
    {
      double x = r.x + label_w, y = r.y + row * (bar_h + 8 * s), w = r.w - label_w;
      g_autofree char *name = g_strdup (row == 0 ? (ctx->model != NULL ? ctx->model->name : "")
                                                 : _("Rule of thumb"));

      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, name, r.x, y + bar_h / 2, UTH_ANCHOR_W, label_w - 10 * s, NULL);
      for (k = 0; k < G_N_ELEMENTS (order); k++)
        {
          double share = row == 0 ? st->o.group_share[order[k]] : uth_overview_rule_share (order[k]);
          double len = w * share;
          UthRgba c, fg;

          if (len <= 0)
            continue;
          uth_draw_categorical (ctx, colors[k], &c);
          uth_draw_set_rgba (cr, &c, 1.0);
          cairo_rectangle (cr, x, y, len, bar_h);
          cairo_fill (cr);
          if (len > 60 * s)
            {
              g_autofree char *pct = uth_format_percent (share);

              uth_draw_contrast_text (&c, &fg);
              uth_draw_set_rgba (cr, &fg, 1.0);
              uth_draw_text (cr, ctx, UTH_FONT_LABEL, pct, x + len / 2, y + bar_h / 2, UTH_ANCHOR_CENTER, len - 6 * s, NULL);
            }
          x += len;
        }
    }
  legend[0] = (UthLegendItem) { _("MLP (gate, up, down)"), { 0 }, UTH_LEGEND_BOX };
  legend[1] = (UthLegendItem) { _("Attention projections (Q, K, V, O)"), { 0 }, UTH_LEGEND_BOX };
  legend[2] = (UthLegendItem) { _("Attention matmuls (QKᵀ, × V)"), { 0 }, UTH_LEGEND_BOX };
  legend[3] = (UthLegendItem) { _("Other"), { 0 }, UTH_LEGEND_BOX };
  for (k = 0; k < 4; k++)
    uth_draw_categorical (ctx, colors[k], &legend[k].color);
  uth_draw_legend (cr, ctx, legend, 4, r.x, r.y + 2 * bar_h + 14 * s, r.w, TRUE);
}

static void
draw_gemms (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Story            *st,
            UthChartRect            r)
{
  const UthOverview *o = &st->o;
  double s = uth_draw_scale (ctx);
  double shares_h = st->view.step >= 8 ? 104 * s : 0;
  double table_w = r.w * 0.6, table_h = r.h - shares_h - (shares_h > 0 ? 16 * s : 0);
  double row_h, y, cx[3], room;
  size_t i, rows;

  /* The table: each product, its shapes and 2·M·K·N; when they do not all fit at a
   * readable row height (MLA and MoE layers have a dozen), the rows that fit and a line
   * saying how many more. */
  y = uth_draw_panel (cr, ctx, r.x, r.y, table_w, table_h, _("The matrix products of one layer"));
  room = r.y + table_h - y - 36 * s;
  rows = o->n_gemms;
  if (rows * 22 * s > room)
    rows = (size_t) MAX (floor (room / (22 * s)) - 1, 1);
  row_h = MIN (30 * s, room / MAX (rows + (rows < o->n_gemms ? 1 : 0), 1));
  cx[0] = r.x + 16 * s;
  cx[1] = r.x + table_w * 0.30;
  cx[2] = r.x + table_w - 16 * s;
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("Product"), cx[0], y, UTH_ANCHOR_NW, 0, NULL);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("M×K · K×N"), cx[1], y, UTH_ANCHOR_NW, 0, NULL);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, _("2·M·K·N"), cx[2], y, UTH_ANCHOR_NE, 0, NULL);
  y += 28 * s;
  for (i = 0; i < rows; i++)
    {
      const UthOverviewGemm *g = &o->gemms[i];
      g_autofree char *a = compact_matrix (g->m, g->k), *b = compact_matrix (g->k, g->n);
      g_autofree char *shape = NULL, *fl = uth_format_flops (g->flops);
      UthFont font = UTH_FONT_LABEL;

      if (g->count > 1)
        /* Translators: a matrix product repeated per head: "1,024×128 · 128×1,024 (×32)" */
        shape = g_strdup_printf (_("%s · %s (×%" PRIu64 ")"), a, b, g->count);
      else
        shape = g_strdup_printf ("%s · %s", a, b);
      if (i == o->largest)
        {
          UthRgba acc;

          uth_draw_color (ctx, UTH_COLOR_ACCENT, &acc);
          uth_draw_set_rgba (cr, &acc, 0.18);
          cairo_rectangle (cr, r.x + 6 * s, y - 2 * s, table_w - 12 * s, row_h);
          cairo_fill (cr);
        }
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, font, uth_overview_gemm_name (g), cx[0], y + row_h / 2 - 2 * s, UTH_ANCHOR_W, cx[1] - cx[0] - 8 * s, NULL);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, shape, cx[1], y + row_h / 2 - 2 * s, UTH_ANCHOR_W, cx[2] - cx[1] - 110 * s, NULL);
      uth_draw_text (cr, ctx, font, fl, cx[2], y + row_h / 2 - 2 * s, UTH_ANCHOR_E, 0, NULL);
      y += row_h;
    }
  if (rows < o->n_gemms)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("… and %u more product", "… and %u more products",
                                                         (guint) (o->n_gemms - rows)),
                                               (guint) (o->n_gemms - rows));

      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, more, cx[0], y + row_h / 2 - 2 * s, UTH_ANCHOR_W, 0, NULL);
    }

  /* The largest product worked out. */
  {
    const UthOverviewGemm *g = &o->gemms[o->largest];
    double x = r.x + table_w + 20 * s, w = r.w - table_w - 20 * s;
    g_autofree char *m = uth_overview_grouped ((double) g->m), *k = uth_overview_grouped ((double) g->k), *n = uth_overview_grouped ((double) g->n);
    g_autofree char *per_token = uth_overview_grouped (g->flops_per_token), *layer = uth_format_flops (g->flops);
    g_autofree char *all = uth_format_flops (g->flops * o->layers);
    g_autofree char *heading = g_strdup_printf (_("%s worked out"), uth_overview_gemm_name (g));
    g_autofree char *text = NULL;

    y = uth_draw_panel (cr, ctx, x, r.y, w, table_h, heading);
    text = g_markup_printf_escaped (_("A weight matrix of %s × %s, times %s tokens:\n\n"
                                      "<b>2 · %s · %s · %s = %s</b> per layer\n\n"
                                      "per token: 2 · %s · %s = <b>%s FLOP</b>\n\n"
                                      "× %u layers = %s for this prompt"),
                                    k, n, m, m, k, n, layer, k, n, per_token, o->layers, all);
    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
    uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, text, x + 16 * s, y, w - 32 * s);
  }
  if (shares_h > 0)
    draw_shares (cr, ctx, st, (UthChartRect) { r.x, r.y + table_h + 16 * s, r.w, shares_h });
}

/* ---- chapter 5: intensity and the ridge ---- */

static void
ridge_card (cairo_t                *cr,
            const UthFigureContext *ctx,
            UthChartRect            r,
            const char             *name,
            const UthOverviewRidge *ridge)
{
  double s = uth_draw_scale (ctx);
  g_autofree char *peak = uth_format_flops_rate (ridge->peak_flops);
  g_autofree char *bw = uth_format_bandwidth (ridge->bandwidth);
  g_autofree char *eff = uth_format_bandwidth (ridge->effective_bandwidth);
  g_autofree char *pct = uth_format_percent (ridge->bandwidth_efficiency);
  g_autofree char *value = uth_format_intensity (ridge->ridge);
  g_autofree char *text = NULL;
  double y;

  y = uth_draw_panel (cr, ctx, r.x, r.y, r.w, r.h, name);
  text = g_markup_printf_escaped (_("%s ÷ (%s × %s = %s effective)"), peak, bw, pct, eff);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  y += uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, text, r.x + 16 * s, y, r.w - 32 * s) + 4 * s;
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_VALUE, value, r.x + 16 * s, y, UTH_ANCHOR_NW, r.w - 32 * s, NULL);
}

static void
draw_roofline (cairo_t                *cr,
               const UthFigureContext *ctx,
               const Story            *st,
               UthChartRect            r)
{
  const UthOverview *o = &st->o;
  double s = uth_draw_scale (ctx);
  double xi[3] = { o->prefill_intensity, o->decode_intensity, o->decode_intensity_batch1 };
  double yp[3] = { o->prefill_attainable, o->decode_attainable, 0 };
  const char *names[3];
  UthChartScale xs, ys;
  UthChartRoofline line;
  UthFigureContext big = larger (ctx);
  UthPlot plot;
  double x0, y0, xr, yr, x1, dash[] = { 6 * s, 5 * s };
  g_autofree char *ridge_label = NULL;
  g_autofree char *decode_name = NULL;
  size_t n = ctx->input.batch != 1 ? 3 : 2, i;

  yp[2] = fmin (o->ridge.peak_flops, o->decode_intensity_batch1 * o->ridge.effective_bandwidth);
  uth_chart_roofline_scales (o->ridge.peak_flops, o->ridge.effective_bandwidth, xi, yp, n, &xs, &ys);
  uth_plot_init (&plot, &big, r.x, r.y, r.w, r.h, &xs, &ys);
  uth_draw_plot_axes (cr, &big, &plot, _("Arithmetic intensity (FLOP/byte)"), _("Attainable (FLOP/s)"),
                      uth_format_tick, uth_format_tick);
  line = uth_chart_roofline (o->ridge.peak_flops, o->ridge.effective_bandwidth, &plot.x, &plot.y);
  x0 = plot.left + line.slope_x0 * plot.width;
  y0 = plot.top + (1 - line.slope_y0) * plot.height;
  xr = plot.left + line.ridge_x * plot.width;
  yr = plot.top + (1 - line.ridge_y) * plot.height;
  x1 = plot.left + line.roof_x1 * plot.width;
  uth_draw_set_color (cr, ctx, UTH_COLOR_MEMORY);
  cairo_set_line_width (cr, 3.5 * s);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, xr, yr);
  cairo_stroke (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_COMPUTE);
  cairo_move_to (cr, xr, yr);
  cairo_line_to (cr, x1, yr);
  cairo_stroke (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  cairo_set_line_width (cr, 1.5 * s);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, xr, yr);
  cairo_line_to (cr, xr, plot.top + plot.height);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  {
    g_autofree char *ridge = uth_format_intensity (o->ridge.ridge);

    ridge_label = g_strdup_printf (_("ridge %s"), ridge);
  }
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, ridge_label, xr + 8 * s, plot.top + plot.height - 8 * s,
                 UTH_ANCHOR_SW, 0, NULL);

  names[0] = _("prefill");
  decode_name = g_strdup_printf (ngettext ("decode, batch %" PRIu64, "decode, batch %" PRIu64, ctx->input.batch),
                                 ctx->input.batch);
  names[1] = decode_name;
  names[2] = _("decode, batch 1");
  for (i = 0; i < n; i++)
    {
      double px = uth_plot_x (&plot, xi[i]), py = uth_plot_y (&plot, yp[i]);
      gboolean above = xi[i] >= o->ridge.ridge;
      g_autofree char *value = uth_format_intensity (xi[i]);
      g_autofree char *label = g_markup_printf_escaped ("%s\n<b>%s</b>", names[i], value);

      uth_draw_set_color (cr, ctx, above ? UTH_COLOR_COMPUTE : UTH_COLOR_MEMORY);
      cairo_arc (cr, px, py, 9 * s, 0, 2 * G_PI);
      cairo_fill (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      /* Two lines: above a point under the roof (the space up to the axis' end is free),
       * below and right of a point on the slope (the slope rises away from it). */
      if (above)
        uth_draw_markup (cr, ctx, UTH_FONT_LABEL, label, px, py - 14 * s, UTH_ANCHOR_S, 0, NULL);
      else
        uth_draw_markup (cr, ctx, UTH_FONT_LABEL, label, px + 12 * s, py + 12 * s + (i == 2 ? 50 * s : 0),
                         UTH_ANCHOR_NW, 0, NULL);
    }
}

static void
draw_intensity (cairo_t                *cr,
                const UthFigureContext *ctx,
                const Story            *st,
                UthChartRect            r)
{
  double s = uth_draw_scale (ctx), left = r.w * 0.4, y = r.y, card_h;
  g_autofree char *gpu_name = g_strdup_printf (_("Your GPU: %s"), ctx->gpu != NULL ? ctx->gpu->name : "");
  g_autofree char *def = g_markup_printf_escaped ("<b>%s</b>", _("Arithmetic intensity = FLOPs ÷ bytes moved"));

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  y += uth_draw_paragraph (cr, ctx, UTH_FONT_SUBTITLE, def, r.x, y, left - 10 * s) + 12 * s;
  card_h = MIN ((r.y + r.h - y - 16 * s) / 2, 140 * s);
  if (st->a100_ok)
    ridge_card (cr, ctx, (UthChartRect) { r.x, y, left - 10 * s, card_h },
                _("The textbook example: A100 ridge point"), &st->a100);
  ridge_card (cr, ctx, (UthChartRect) { r.x, y + card_h + 16 * s, left - 10 * s, card_h }, gpu_name,
              &st->o.ridge);
  {
    g_autofree char *ridge = uth_format_intensity (st->o.ridge.ridge);
    g_autofree char *decode = uth_format_intensity (st->o.decode_intensity_batch1);
    g_autofree char *factor = uth_format_number (st->o.idle_factor);
    g_autofree char *text = NULL;
    double ty = y + 2 * card_h + 32 * s;

    /* The Layer page's ridge is peak FLOP/s over datasheet bandwidth: named here, so the
     * two numbers on two pages do not read as a contradiction. */
    g_autofree char *datasheet = uth_format_intensity (st->o.ridge.datasheet_ridge);

    if (st->view.step >= 10)
      text = g_markup_printf_escaped (_("Decode at batch 1: <b>%s</b>, %s× below the ridge of %s (%s at datasheet bandwidth, as on the Layer page). The compute units wait for the weights."),
                                      decode, factor, ridge, datasheet);
    else
      text = g_strdup (_("Below the ridge an op waits on memory; above it, on the arithmetic."));
    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
    uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, text, r.x, ty, left - 10 * s);
  }
  if (st->view.step >= 10)
    draw_roofline (cr, ctx, st, (UthChartRect) { r.x + left + 20 * s, r.y, r.w - left - 20 * s, r.h });
  else
    {
      UthChartRect box = { r.x + left + 20 * s, r.y, r.w - left - 20 * s, r.h };
      double py = uth_draw_panel (cr, ctx, box.x, box.y, box.w, box.h, _("The ridge point"));

      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_paragraph (cr, ctx, UTH_FONT_SUBTITLE,
                          _("The ridge is peak FLOP/s ÷ bytes/s: the intensity at which an op needs the arithmetic and the memory for the same time.\n\n"
                            "An op <b>below</b> the ridge finishes its arithmetic and waits for bytes: memory-bound.\n\n"
                            "An op <b>above</b> it keeps the compute units busy: compute-bound."),
                          box.x + 16 * s, py, box.w - 32 * s);
    }
}

/* ---- captions ---- */

static char *
caption (const UthFigureContext *ctx,
         const Story            *st)
{
  const UthOverview *o = &st->o;
  const UthEstimate *e = &o->estimate;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  switch (st->view.step)
    {
    case 0:
      return g_strdup (_("Your text is cut into <b>tokens</b>, and each token becomes an integer id: the model only ever sees these numbers."));
    case 1:
      a = uth_format_seconds (e->prefill_seconds);
      b = uth_format_seconds (e->ttft_seconds);
      c = uth_overview_grouped ((double) ctx->input.prompt);
      return g_markup_printf_escaped (_("<b>Prefill</b>: all %s prompt tokens go through every one of the %u layers at once, in one pass, and out comes the first new token. Prefill takes %s here; the first token is on screen after %s."),
                                      c, o->layers, a, b);
    case 2:
      b = uth_format_seconds (e->decode_step_seconds);
      /* A mixture of experts reads only the experts its tokens use (the estimator's count). A
       * dense model reads every layer's weights (its embedding table only one row a token,
       * which is why the estimator's count is a little under the whole). */
      if (ctx->input.model != NULL && ctx->input.model->experts > 0
          && e->decode_weight_read_bytes > 0 && e->decode_weight_read_bytes < e->weight_bytes)
        {
          g_autofree char *all = uth_format_bytes (e->weight_bytes);

          a = uth_format_bytes (e->decode_weight_read_bytes);
          return g_markup_printf_escaped (_("<b>Decode</b>: then one token per step, each step a full pass through all %u layers that reads %s of the %s of weights from memory (a mixture of experts reads only the experts its tokens use): %s per step, until a stop token or the length limit."),
                                          o->layers, a, all, b);
        }
      a = uth_format_bytes (e->weight_bytes);
      return g_markup_printf_escaped (_("<b>Decode</b>: then one token per step, each step a full pass through all %u layers that reads all %s of weights from memory: %s per step, until a stop token or the length limit."),
                                      o->layers, a, b);
    case 3:
      if (o->prefill_compute_seconds >= o->prefill_memory_seconds)
        return g_strdup (_("Prefill has a lot of work, all of it there from the start: the arithmetic units are the bottleneck. Prefill is <b>compute-bound</b>."));
      return g_strdup (_("This prompt is so short that even prefill waits on memory: with more tokens the arithmetic soon dominates."));
    case 4:
      if (o->decode_memory_seconds >= o->decode_compute_seconds)
        return g_strdup (_("Decode must load all the weights for every token but does little arithmetic with them: memory is the bottleneck. Decode is <b>memory-bound</b>."));
      return g_strdup (_("With this many sequences per step, each weight read serves enough arithmetic that decode becomes compute-bound: that is what batching is for."));
    case 5:
      a = uth_format_number (o->ridge.ridge);
      return g_markup_printf_escaped (_("The GPU has enormous compute, but getting data to it is the bottleneck: for each byte that arrives from memory it could do %s FLOPs."), a);
    case 6:
      return g_strdup (_("Most of inference engineering manages this tension: do more work per byte moved, or move fewer bytes."));
    case 7:
      a = matrix_text (o->gemms[o->largest].k, o->gemms[o->largest].n);
      b = uth_format_flops (o->layer_flops);
      return g_markup_printf_escaped (_("Inside a layer almost all the work is matrix products. An (M × K) · (K × N) product takes <b>2·M·K·N</b> FLOPs. Largest here: %s, a %s weight matrix. The whole layer: %s, %u layers deep."),
                                      uth_overview_gemm_name (&o->gemms[o->largest]), a, b, o->layers);
    case 8:
      a = uth_format_percent (o->group_share[UTH_OP_GROUP_MLP]);
      b = uth_format_percent (o->group_share[UTH_OP_GROUP_ATTN_PROJ]);
      c = uth_format_percent (o->group_share[UTH_OP_GROUP_ATTN_MATMUL]);
      /* xgettext:no-c-format */
      return g_markup_printf_escaped (_("The MLP takes %s of the FLOPs, the attention projections %s, the attention matmuls %s, against the rule of thumb of 65, 30 and 5 per cent. Only QKᵀ and scores × V grow with the sequence length squared."),
                                      a, b, c);
    case 9:
      a = st->a100_ok ? uth_format_intensity (st->a100.ridge) : g_strdup ("–");
      b = uth_format_intensity (o->ridge.ridge);
      return g_markup_printf_escaped (_("Every op has FLOPs and bytes; their ratio is its <b>arithmetic intensity</b>. The <b>ridge point</b> is where compute and bandwidth balance: %s on an A100, %s on %s. Below the ridge an op waits on memory."),
                                      a, b, ctx->gpu != NULL ? ctx->gpu->name : "");
    case 10:
    default:
      a = uth_format_intensity (o->prefill_intensity);
      d = uth_format_intensity (o->decode_intensity_batch1);
      return g_markup_printf_escaped (_("Prefill sits at %s. Decode at batch 1 does about %s: the GPU idles while the weights stream in. That is why every technique in Making it fast exists."),
                                      a, d);
    }
}

/* ---- the figure ---- */

static void
draw_body (cairo_t                *cr,
           const UthFigureContext *ctx,
           const Layout           *l,
           const Story            *st)
{
  double s = l->s, y, cap_h;
  g_autofree char *title = NULL, *text = NULL, *step = NULL;
  UthChartRect body;

  title = g_strdup_printf ("%d · %s", st->chapter + 1, uth_overview_chapter_title (st->chapter));
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_TITLE, title, l->m, l->title_y, UTH_ANCHOR_NW, l->vw - 2 * l->m - 140 * s, NULL);
  /* Translators: the walk's position, "step 3 of 11" */
  step = g_strdup_printf (_("step %d of %d"), st->view.step + 1, UTH_OVERVIEW_N_STEPS);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, step, l->vw - l->m, l->title_y + 6 * s, UTH_ANCHOR_NE, 0, NULL);
  y = l->title_y + 48 * s;
  if (!st->ok)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_BAD);
      uth_draw_paragraph (cr, ctx, UTH_FONT_SUBTITLE,
                          _("This scenario has no estimate (check the model, the GPU count and the lengths in the scenario bar), so there is nothing to show."),
                          l->m, y, l->vw - 2 * l->m);
      return;
    }
  text = caption (ctx, st);
  cap_h = 84 * s;
  body = (UthChartRect) { l->m, y, l->vw - 2 * l->m, l->vh - l->m - cap_h - 12 * s - y };
  switch (st->chapter)
    {
    case 0: draw_pass (cr, ctx, st, body); break;
    case 1: draw_phases (cr, ctx, st, body); break;
    case 2: draw_tension (cr, ctx, st, body); break;
    case 3: draw_gemms (cr, ctx, st, body); break;
    case 4:
    default: draw_intensity (cr, ctx, st, body); break;
    }
  {
    double cy = l->vh - l->m - cap_h, ch;

    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
    ch = uth_draw_paragraph (cr, ctx, UTH_FONT_SUBTITLE, text, l->m + 16 * s, cy, l->vw - 2 * l->m - 16 * s);
    uth_draw_set_color (cr, ctx, UTH_COLOR_ACCENT);
    cairo_rectangle (cr, l->m, cy, 5 * s, ch);
    cairo_fill (cr);
  }
}

void
uth_draw_overview (cairo_t                *cr,
                   double                  width,
                   double                  height,
                   const UthFigureContext *ctx)
{
  Layout l;
  Story st;

  g_return_if_fail (ctx != NULL);
  if (width <= 0 || height <= 0)
    return;
  layout_compute (width, height, ctx, &l);
  story_init (&st, ctx);
  cairo_save (cr);
  cairo_scale (cr, l.f, l.f);
  uth_draw_background (cr, l.vw, l.vh, ctx);
  draw_tabs (cr, ctx, &l, &st, ctx->hover);
  draw_body (cr, ctx, &l, &st);
  cairo_restore (cr);
}

gboolean
uth_draw_overview_hit (double                  width,
                       double                  height,
                       const UthFigureContext *ctx,
                       double                  x,
                       double                  y,
                       UthFigureHit           *hit)
{
  Layout l;
  int i;

  g_return_val_if_fail (ctx != NULL && hit != NULL, FALSE);
  hit->index = -1;
  hit->tooltip = NULL;
  if (width <= 0 || height <= 0)
    return FALSE;
  layout_compute (width, height, ctx, &l);
  x /= l.f;
  y /= l.f;
  for (i = 0; i < UTH_OVERVIEW_N_CHAPTERS; i++)
    {
      const UthChartRect *r = &l.tabs[i];

      if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h)
        {
          hit->index = i;
          hit->tooltip = g_markup_printf_escaped ("<b>%s</b>\n%s", uth_overview_chapter_title (i),
                                                  _("Click to go to this part of the walk"));
          return TRUE;
        }
    }
  return FALSE;
}

char *
uth_overview_describe (const UthFigureContext *ctx)
{
  Story st;
  g_autofree char *markup = NULL;
  g_autofree char *plain = NULL;

  g_return_val_if_fail (ctx != NULL, NULL);
  story_init (&st, ctx);
  if (!st.ok)
    return g_strdup (_("What happens when you send a prompt: this scenario has no estimate."));
  markup = caption (ctx, &st);
  if (!pango_parse_markup (markup, -1, 0, NULL, &plain, NULL, NULL))
    plain = g_strdup (markup);
  /* Translators: "Step 3 of 11, What happens when you send a prompt: <the step's caption>" */
  return g_strdup_printf (_("Step %d of %d, %s: %s"), st.view.step + 1, UTH_OVERVIEW_N_STEPS,
                          uth_overview_chapter_title (st.chapter), plain);
}
