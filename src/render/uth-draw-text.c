/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"
#include "render/uth-layout-audit.h"

#define FONT_FAMILY "Cantarell, DejaVu Sans, sans-serif"
#define MONO_FAMILY "DejaVu Sans Mono, monospace"

double
uth_draw_scale (const UthFigureContext *ctx)
{
  return (ctx != NULL && ctx->scale > 0) ? ctx->scale : 1.0;
}

void
uth_draw_show_layout (cairo_t     *cr,
                      PangoLayout *layout)
{
  uth_layout_audit_note_layout (cr, layout);
  pango_cairo_show_layout (cr, layout);
}

double
uth_draw_margin (const UthFigureContext *ctx)
{
  return 24.0 * uth_draw_scale (ctx);
}


double
uth_draw_font_px (const UthFigureContext *ctx,
                  UthFont                 font)
{
  static const double px[] = { 26, 18, 18, 16, 14, 30, 14 };

  g_return_val_if_fail (font <= UTH_FONT_MONO, 14.0);
  return px[font] * uth_draw_scale (ctx);
}

PangoLayout *
uth_draw_layout (cairo_t                *cr,
                 const UthFigureContext *ctx,
                 UthFont                 font,
                 const char             *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_new ();
  PangoContext *pctx = pango_layout_get_context (layout);
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Same glyph positions on every surface and at every size: figures stay deterministic
   * and measured text matches drawn text. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pctx, options);
  pango_cairo_context_set_resolution (pctx, 96.0);
  pango_layout_context_changed (layout);
  cairo_font_options_destroy (options);

  pango_font_description_set_family (desc, font == UTH_FONT_MONO ? MONO_FAMILY : FONT_FAMILY);
  pango_font_description_set_absolute_size (desc, uth_draw_font_px (ctx, font) * PANGO_SCALE);
  if (font == UTH_FONT_TITLE || font == UTH_FONT_VALUE || font == UTH_FONT_HEADING)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  if (text != NULL)
    pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Laying text out (Pango itemizes, HarfBuzz shapes) is most of the cost of a label, and a
 * figure draws the same labels on every frame, often measuring one before drawing it. Laid-out
 * layouts are therefore kept, per thread, by everything that shapes them (font, size, wrap
 * width, markup or not, text); pango_cairo_update_layout re-lays one out only when the
 * cairo_t's matrix or font options differ. Bounded: the table is emptied when full. */
#define LAYOUT_CACHE_MAX 1024

static void
layout_cache_free (gpointer data)
{
  g_hash_table_unref (data);
}

static GPrivate layout_cache_key = G_PRIVATE_INIT (layout_cache_free);

typedef enum
{
  CACHED_TEXT,         /* plain text, one line, ellipsized to the width when it is > 0 */
  CACHED_MARKUP,       /* Pango markup, likewise */
  CACHED_PARAGRAPH,    /* Pango markup wrapped at the width */
} CachedKind;

/* What pango_cairo_update_layout derives from a cairo_t: the matrix without its translation
 * and the target surface's font options. */
typedef struct
{
  double  xx, yx, xy, yy;
  gulong  options;
} LayoutTarget;

static void
layout_target_get (cairo_t      *cr,
                   LayoutTarget *target)
{
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_matrix_t m;

  cairo_get_matrix (cr, &m);
  cairo_surface_get_font_options (cairo_get_target (cr), options);
  *target = (LayoutTarget) { m.xx, m.yx, m.xy, m.yy, cairo_font_options_hash (options) };
  cairo_font_options_destroy (options);
}

/* pango_cairo_update_layout always lays the text out again (Pango 1.50), so it is called only
 * when the cairo_t differs from the one the layout was last laid out for. */
static void
layout_sync (cairo_t     *cr,
             PangoLayout *layout)
{
  LayoutTarget *last = g_object_get_data (G_OBJECT (layout), "uth-layout-target");
  LayoutTarget now;

  layout_target_get (cr, &now);
  if (last != NULL && memcmp (last, &now, sizeof now) == 0)
    return;
  if (last != NULL)
    pango_cairo_update_layout (cr, layout);
  g_object_set_data_full (G_OBJECT (layout), "uth-layout-target",
                          g_memdup2 (&now, sizeof now), g_free);
}

/* A layout owned by the cache (do not unref; valid until the next call on this thread),
 * ready to draw on cr. */
static PangoLayout *
cached_layout (cairo_t                *cr,
               const UthFigureContext *ctx,
               UthFont                 font,
               CachedKind              kind,
               const char             *text,
               double                  width)
{
  GHashTable *cache = g_private_get (&layout_cache_key);
  int pango_width = width > 0 ? (int) (width * PANGO_SCALE) : -1;
  char *key;
  PangoLayout *layout;

  if (cache == NULL)
    {
      cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      g_private_set (&layout_cache_key, cache);
    }
  key = g_strdup_printf ("%d %a %d %d %s", (int) font, uth_draw_font_px (ctx, font), pango_width,
                         (int) kind, text);
  layout = g_hash_table_lookup (cache, key);
  if (layout != NULL)
    {
      g_free (key);
      layout_sync (cr, layout);
      return layout;
    }

  if (g_hash_table_size (cache) >= LAYOUT_CACHE_MAX)
    g_hash_table_remove_all (cache);
  layout = uth_draw_layout (cr, ctx, font, kind == CACHED_TEXT ? text : NULL);
  if (kind != CACHED_TEXT)
    pango_layout_set_markup (layout, text, -1);
  if (pango_width > 0)
    {
      pango_layout_set_width (layout, pango_width);
      if (kind == CACHED_PARAGRAPH)
        pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      else
        pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  layout_sync (cr, layout);   /* made for cr: records it */
  g_hash_table_insert (cache, key, layout);
  return layout;
}

static void
anchor_offset (UthAnchor anchor,
               double    w,
               double    h,
               double   *dx,
               double   *dy)
{
  switch (anchor % 3)
    {
    case 0: *dx = 0; break;
    case 1: *dx = -w / 2; break;
    default: *dx = -w; break;
    }
  switch (anchor / 3)
    {
    case 0: *dy = 0; break;
    case 1: *dy = -h / 2; break;
    default: *dy = -h; break;
    }
}

static void
show_layout_at (cairo_t      *cr,
                PangoLayout  *layout,
                double        x,
                double        y,
                UthAnchor     anchor,
                double        max_width,
                UthChartRect *extents)
{
  PangoRectangle logical;
  double dx, dy;

  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  anchor_offset (anchor, logical.width, logical.height, &dx, &dy);
  /* With a width set, the logical rect starts at the left edge of the box. */
  cairo_move_to (cr, x + dx - logical.x, y + dy - logical.y);
  uth_draw_show_layout (cr, layout);
  /* Leave no current point behind: a following arc would draw a line from it. */
  cairo_new_path (cr);
  if (extents != NULL)
    *extents = (UthChartRect) { x + dx, y + dy, logical.width, logical.height };
}

/* The next smaller font of the same kind, or the font itself at the bottom (14 px). */
static UthFont
smaller_font (UthFont font)
{
  switch (font)
    {
    case UTH_FONT_VALUE: return UTH_FONT_TITLE;
    case UTH_FONT_TITLE: return UTH_FONT_HEADING;
    case UTH_FONT_HEADING:
    case UTH_FONT_SUBTITLE: return UTH_FONT_LABEL;
    case UTH_FONT_LABEL: return UTH_FONT_TICK;
    case UTH_FONT_TICK:
    case UTH_FONT_MONO:
    default: return font;
    }
}

/* A text too long for max_width steps down through the smaller fonts (never below the tick
 * font's 14 px) before it is cut short with an ellipsis: a label in a narrow panel or in a
 * longer language stays whole and readable. */
static UthFont
font_to_fit (cairo_t                *cr,
             const UthFigureContext *ctx,
             UthFont                 font,
             CachedKind              kind,
             const char             *text,
             double                  max_width)
{
  if (max_width <= 0)
    return font;
  for (;;)
    {
      PangoLayout *layout = cached_layout (cr, ctx, font, kind, text, 0);
      PangoRectangle logical;
      UthFont next;

      pango_layout_get_pixel_extents (layout, NULL, &logical);
      next = smaller_font (font);
      if (logical.width <= max_width || next == font)
        return font;
      font = next;
    }
}

void
uth_draw_text (cairo_t                *cr,
               const UthFigureContext *ctx,
               UthFont                 font,
               const char             *text,
               double                  x,
               double                  y,
               UthAnchor               anchor,
               double                  max_width,
               UthChartRect           *extents)
{
  PangoLayout *layout;

  g_return_if_fail (text != NULL);
  font = font_to_fit (cr, ctx, font, CACHED_TEXT, text, max_width);
  layout = cached_layout (cr, ctx, font, CACHED_TEXT, text, max_width);
  show_layout_at (cr, layout, x, y, anchor, max_width, extents);
}

void
uth_draw_markup (cairo_t                *cr,
                 const UthFigureContext *ctx,
                 UthFont                 font,
                 const char             *markup,
                 double                  x,
                 double                  y,
                 UthAnchor               anchor,
                 double                  max_width,
                 UthChartRect           *extents)
{
  PangoLayout *layout;

  g_return_if_fail (markup != NULL);
  font = font_to_fit (cr, ctx, font, CACHED_MARKUP, markup, max_width);
  layout = cached_layout (cr, ctx, font, CACHED_MARKUP, markup, max_width);
  show_layout_at (cr, layout, x, y, anchor, max_width, extents);
}

void
uth_draw_text_vertical (cairo_t                *cr,
                        const UthFigureContext *ctx,
                        UthFont                 font,
                        const char             *text,
                        double                  x,
                        double                  y)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, -G_PI / 2);
  uth_draw_text (cr, ctx, font, text, 0, 0, UTH_ANCHOR_CENTER, 0, NULL);
  cairo_restore (cr);
}

double
uth_draw_paragraph (cairo_t                *cr,
                    const UthFigureContext *ctx,
                    UthFont                 font,
                    const char             *markup,
                    double                  x,
                    double                  y,
                    double                  width)
{
  PangoLayout *layout = cached_layout (cr, ctx, font, CACHED_PARAGRAPH, markup, MAX (width, 1));
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  cairo_move_to (cr, x, y);
  uth_draw_show_layout (cr, layout);
  cairo_new_path (cr);
  return logical.height;
}

cairo_t *
uth_draw_scratch (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface);
  return cr;
}

double
uth_draw_paragraph_height (cairo_t                *cr,
                           const UthFigureContext *ctx,
                           UthFont                 font,
                           const char             *markup,
                           double                  width)
{
  PangoLayout *layout = cached_layout (cr, ctx, font, CACHED_PARAGRAPH, markup, MAX (width, 1));
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  return logical.height;
}

void
uth_draw_text_size (cairo_t                *cr,
                    const UthFigureContext *ctx,
                    UthFont                 font,
                    const char             *text,
                    double                 *width,
                    double                 *height)
{
  PangoLayout *layout = cached_layout (cr, ctx, font, CACHED_TEXT, text, 0);
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  if (width != NULL)
    *width = logical.width;
  if (height != NULL)
    *height = logical.height;
}
