/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "render/uth-draw.h"
#include "render/uth-draw-batching.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw-cost.h"
#include "render/uth-draw-flash.h"
#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-home.h"
#include "render/uth-draw-kv.h"
#include "render/uth-draw-layer.h"
#include "render/uth-draw-model.h"
#include "render/uth-draw-overview.h"
#include "render/uth-draw-speculative.h"
#include "render/uth-draw-tiling.h"
#include "render/uth-draw-attention.h"
#include "render/uth-draw-embed.h"
#include "render/uth-draw-generation.h"
#include "render/uth-draw-position.h"
#include "render/uth-draw-shapes.h"
#include "render/uth-draw-softmax.h"
#include "render/uth-draw-tokens.h"

/* Every page in learning order (the Overview first: where a new reader starts). A page not built yet has draw == NULL and shows an honest
 * placeholder made from its title and summary. Building a page replaces NULL, NULL in its
 * one line with its draw and hit functions (see HACKING.md, "Adding a page"). */
static const UthPageFigure page_figures[] = {
  { "overview", uth_draw_overview, uth_draw_overview_hit, N_("Overview"), N_("What happens when you send a prompt: tokens, prefill and decode, why one is compute-bound and the other memory-bound, the matrix products of a layer, and arithmetic intensity against the GPU’s ridge point, step by step."), UTH_PATH_HOME },
  { "home", uth_draw_home, NULL, N_("Home"), N_("What Under the Hood is, its two learning paths, and the rules of thumb checked against the chosen scenario."), UTH_PATH_HOME, uth_home_page_height },
  { "tokens", uth_draw_tokens, uth_draw_tokens_hit, N_("Tokens"), N_("Your text split into tokens as coloured spans with their ids and count, and the byte-pair merges that build them up step by step."), UTH_PATH_FUNDAMENTALS, uth_fundamentals_page_height },
  { "embed", uth_draw_embed, uth_draw_embed_hit, N_("Embed"), N_("Token ids picking rows of the embedding matrix (a vocabulary × hidden-size heat map), and that matrix’s size and memory for the chosen model."), UTH_PATH_FUNDAMENTALS, uth_embed_page_height },
  { "position", uth_draw_position, NULL, N_("Position"), N_("Sinusoidal and rotary position encodings as heat maps, how RoPE rotates pairs of dimensions, and the dot product against relative distance."), UTH_PATH_FUNDAMENTALS, uth_fundamentals_page_height },
  { "attention", uth_draw_attention, uth_draw_attention_hit, N_("Attention"), N_("Q, K and V for your tokens, the QKᵀ score matrix with its causal mask, and the attention pattern of each head."), UTH_PATH_FUNDAMENTALS, uth_attention_page_height },
  { "softmax", uth_draw_softmax, NULL, N_("Softmax"), N_("Logits turned into probabilities as bars, what temperature does to them, and why the maximum is subtracted first."), UTH_PATH_FUNDAMENTALS, uth_softmax_page_height },
  { "generation", uth_draw_generation, NULL, N_("Generation"), N_("The generation loop: prefill, then one token per step; greedy, temperature, top-k and top-p sampling; the KV cache growing; which phase is compute- or memory-bound."), UTH_PATH_FUNDAMENTALS, uth_fundamentals_page_height },
  { "shapes", uth_draw_shapes, uth_draw_shapes_hit, N_("Shapes"), N_("Tensor shapes through one layer of the chosen model, symbolic (B, S, d, H, hd) and with the numbers filled in."), UTH_PATH_FUNDAMENTALS, uth_shapes_page_height },
  { "model", uth_draw_model, uth_draw_model_hit, N_("Model"), N_("All layers of the chosen model stacked, sized by parameters, FLOPs per token or bytes moved, with the totals."), UTH_PATH_PERFORMANCE },
  { "layer", uth_draw_layer, uth_draw_layer_hit, N_("Layer"), N_("Every op of one layer: a table of FLOPs, bytes, intensity and time, the FLOPs share by group, and a roofline chart with each op as a point."), UTH_PATH_PERFORMANCE, uth_layer_page_height },
  { "tiling", uth_draw_tiling, uth_draw_tiling_hit, N_("Tiling"), N_("A matrix product cut into tiles, the tiles mapped onto the GPU’s SMs in waves with a tail wave, and DRAM traffic with and without reuse."), UTH_PATH_PERFORMANCE, uth_tiling_page_height },
  { "flash-attention", uth_draw_flash, uth_draw_flash_hit, N_("Flash Attention"), N_("Standard attention, its N × N scores going through memory, beside Flash Attention’s tiles in on-chip SRAM with an online softmax: the same maths, the bytes moved, memory against sequence length."), UTH_PATH_PERFORMANCE, uth_flash_page_height },
  { "kv-cache", uth_draw_kv, uth_draw_kv_hit, N_("KV Cache"), N_("KV bytes per token for MHA, GQA, MQA and MLA, its growth with length and batch, and a memory bar of weights, KV cache and activations against the GPU."), UTH_PATH_PERFORMANCE, uth_kv_page_height },
  { "batching", uth_draw_batching, uth_draw_batching_hit, N_("Batching"), N_("A simulator: utilization from batch 1 upwards, and static against continuous batching as timelines with throughput and latency."), UTH_PATH_PERFORMANCE, uth_batching_page_height },
  { "speculative", uth_draw_speculative, uth_draw_speculative_hit, N_("Speculative Decode"), N_("A draft model proposes tokens and the target verifies them in one pass: acceptance rate and draft length, and when it speeds things up and when it does not."), UTH_PATH_PERFORMANCE, uth_speculative_page_height },
  { "cost", uth_draw_cost, uth_draw_cost_hit, N_("Cost"), N_("Prefill and decode speed, memory, time to first token and dollars per million input and output tokens, with the rules of thumb beside the detailed estimate."), UTH_PATH_PERFORMANCE, uth_cost_page_height },
};

G_DEFINE_QUARK (uth-draw-error-quark, uth_draw_error)

const UthPageFigure *
uth_draw_get_page_figures (guint *n_pages)
{
  if (n_pages != NULL)
    *n_pages = G_N_ELEMENTS (page_figures);
  return page_figures;
}

const UthPageFigure *
uth_draw_find_page (const char *id)
{
  gsize i;

  if (id == NULL)
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (page_figures); i++)
    if (strcmp (page_figures[i].id, id) == 0)
      return &page_figures[i];
  return NULL;
}

const char * const *
uth_draw_page_ids (void)
{
  static const char *ids[G_N_ELEMENTS (page_figures) + 1];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      gsize i;

      for (i = 0; i < G_N_ELEMENTS (page_figures); i++)
        ids[i] = page_figures[i].id;
      ids[i] = NULL;
      g_once_init_leave (&initialized, 1);
    }
  return ids;
}

char *
uth_draw_page_ids_string (void)
{
  return g_strjoinv (", ", (char **) uth_draw_page_ids ());
}

void
uth_draw_placeholder (const UthPageFigure    *page,
                      cairo_t                *cr,
                      double                  width,
                      double                  height,
                      const UthFigureContext *ctx)
{
  double s = uth_draw_scale (ctx);
  double m = uth_draw_margin (ctx);
  double box_w = MIN (width - 2 * m, 900 * s);
  double x = (width - box_w) / 2;
  double y = MAX (m, height * 0.22);
  double dash[] = { 10 * s, 8 * s };
  g_autofree char *body = NULL;

  g_return_if_fail (page != NULL);
  uth_draw_background (cr, width, height, ctx);

  cairo_save (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 2 * s);
  cairo_set_dash (cr, dash, 2, 0);
  uth_draw_rounded_rect (cr, m / 2, m / 2, width - m, height - m, 16 * s);
  cairo_stroke (cr);
  cairo_restore (cr);

  y = uth_draw_title (cr, ctx, _(page->title),
                      _("This page is not built yet. When it is, it will show:"),
                      x, y, box_w);
  body = g_markup_escape_text (_(page->summary), -1);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_paragraph (cr, ctx, UTH_FONT_HEADING, body, x, y, box_w);
}

void
uth_draw_computing (cairo_t                *cr,
                    double                  width,
                    double                  height,
                    const UthFigureContext *ctx)
{
  double m = uth_draw_margin (ctx);

  uth_draw_background (cr, width, height, ctx);
  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  /* Translators: a figure waits for its numbers (tokens, a model's forward pass) */
  uth_draw_text (cr, ctx, UTH_FONT_HEADING, _("Computing…"), width / 2, height / 2,
                 UTH_ANCHOR_CENTER, MAX (width - 2 * m, 1), NULL);
}

void
uth_draw_page (const UthPageFigure    *page,
               cairo_t                *cr,
               double                  width,
               double                  height,
               const UthFigureContext *ctx)
{
  g_return_if_fail (page != NULL);
  g_return_if_fail (cr != NULL);

  if (width < 1 || height < 1)
    return;
  cairo_save (cr);
  if (page->draw != NULL)
    page->draw (cr, width, height, ctx);
  else
    uth_draw_placeholder (page, cr, width, height, ctx);
  cairo_restore (cr);
}

static gboolean
check_status (cairo_status_t   status,
              const char      *path,
              GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, UTH_DRAW_ERROR, UTH_DRAW_ERROR_CAIRO,
               _("Cannot write “%s”: %s"), path, cairo_status_to_string (status));
  return FALSE;
}

/* Reproducible PDFs: the creation date is SOURCE_DATE_EPOCH when it is set. */
static void
set_pdf_date (cairo_surface_t *surface)
{
  const char *epoch = g_getenv ("SOURCE_DATE_EPOCH");
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *iso = NULL;

  if (epoch == NULL || *epoch == '\0')
    return;
  date = g_date_time_new_from_unix_utc (g_ascii_strtoll (epoch, NULL, 10));
  if (date == NULL)
    return;
  iso = g_date_time_format (date, "%Y-%m-%dT%H:%M:%SZ");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_MOD_DATE, iso);
}

typedef struct
{
  const UthPageFigure    *page;
  const UthFigureContext *ctx;
} PageDrawData;

static void
draw_page_cb (cairo_t  *cr,
              double    width,
              double    height,
              gpointer  user_data)
{
  PageDrawData *d = user_data;

  uth_draw_page (d->page, cr, width, height, d->ctx);
}

gboolean
uth_draw_to_file (const UthPageFigure    *page,
                  const UthFigureContext *ctx,
                  const char             *path,
                  int                     width,
                  int                     height,
                  GError                **error)
{
  PageDrawData d = { page, ctx };

  g_return_val_if_fail (page != NULL, FALSE);
  return uth_draw_func_to_file (draw_page_cb, &d, path, width, height, error);
}

gboolean
uth_draw_func_to_file (UthDrawFileFunc   draw,
                       gpointer          user_data,
                       const char       *path,
                       int               width,
                       int               height,
                       GError          **error)
{
  g_autofree char *lower = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  enum { PNG, SVG, PDF } format;
  gboolean ok;

  g_return_val_if_fail (draw != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    format = PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    format = SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    format = PDF;
  else
    {
      g_set_error (error, UTH_DRAW_ERROR, UTH_DRAW_ERROR_FORMAT,
                   _("Cannot tell the format of “%s”: the name must end in .png, .svg or .pdf"),
                   path);
      return FALSE;
    }
  if (width < 16 || height < 16 || width > 16384 || height > 16384)
    {
      g_set_error (error, UTH_DRAW_ERROR, UTH_DRAW_ERROR_SIZE,
                   _("A figure of %d × %d pixels is out of range: width and height must be 16 to 16384"),
                   width, height);
      return FALSE;
    }

  if (format == PNG)
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  else if (format == SVG)
    surface = cairo_svg_surface_create (path, width, height);
  else
    {
      surface = cairo_pdf_surface_create (path, width, height);
      if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
        set_pdf_date (surface);
    }
  if (!check_status (cairo_surface_status (surface), path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }

  cr = cairo_create (surface);
  cairo_save (cr);
  draw (cr, width, height, user_data);
  cairo_restore (cr);
  ok = check_status (cairo_status (cr), path, error);
  cairo_destroy (cr);
  if (ok && format == PNG)
    ok = check_status (cairo_surface_write_to_png (surface, path), path, error);
  cairo_surface_finish (surface);
  if (ok)
    ok = check_status (cairo_surface_status (surface), path, error);
  cairo_surface_destroy (surface);
  return ok;
}

double
uth_draw_presentation_scale (double width,
                             double height)
{
  return MAX (1.0, 24.0 / 14.0 * MIN (width / 1920.0, height / 1080.0));
}

void
uth_figure_context_init (UthFigureContext *ctx)
{
  g_return_if_fail (ctx != NULL);

  memset (ctx, 0, sizeof *ctx);
  uth_estimate_input_init (&ctx->input);
  ctx->temperature = 1.0;
  ctx->scale = 1.0;
  ctx->hover = -1;
}

void
uth_figure_context_set_entries (UthFigureContext     *ctx,
                                const UthModelEntry  *model,
                                const UthGpuEntry    *gpu,
                                const UthEngineEntry *engine)
{
  g_return_if_fail (ctx != NULL);

  ctx->model = model;
  ctx->gpu = gpu;
  ctx->engine = engine;
  ctx->input.model = model != NULL ? &model->spec : NULL;
  ctx->input.gpu = gpu != NULL ? &gpu->spec : NULL;
  ctx->input.engine = engine != NULL ? &engine->spec : NULL;
}
