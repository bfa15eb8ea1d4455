/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"
#include "render/uth-layout-audit.h"

#define FONT_FAMILY "Cantarell, DejaVu Sans, sans-serif"
#define MONO_FAMILY "DejaVu Sans Mono, monospace"

typedef struct
{
  guint32 light[UTH_N_COLORS];
  guint32 dark[UTH_N_COLORS];
  guint32 hc_light[UTH_N_COLORS];
  guint32 hc_dark[UTH_N_COLORS];
} Palette;

/* Order: background, foreground, dim, grid, card, accent, memory, compute, good, bad.
 * The backgrounds are Adwaita's window colours, so figures sit flush in the app.
 * Memory and compute are Okabe-Ito blue and orange, told apart by colour-blind readers. */
static const Palette palette = {
  { 0xfafafa, 0x1e1e22, 0x55535b, 0xdeddda, 0xefeeec, 0x1c71d8, 0x0072b2, 0xe69f00, 0x009e73, 0xd55e00 },
  { 0x242424, 0xf6f5f4, 0xc0bfbc, 0x48474d, 0x303034, 0x78aeed, 0x56b4e9, 0xe69f00, 0x2ec4a0, 0xff7a3d },
  { 0xffffff, 0x000000, 0x1e1e1e, 0x8a8a8a, 0xffffff, 0x0040a0, 0x0050a0, 0xb86e00, 0x00704f, 0xb03c00 },
  { 0x000000, 0xffffff, 0xf0f0f0, 0x909090, 0x000000, 0x99c8ff, 0x7cc8f5, 0xffb000, 0x40e0b0, 0xff8a50 },
};

/* Okabe & Ito (2008), "Color Universal Design": black replaced by grey so it shows on
 * either background. */
static const guint32 okabe_ito_light[UTH_N_CATEGORICAL] = {
  0x0072b2, 0xe69f00, 0x009e73, 0xcc79a7, 0x56b4e9, 0xd55e00, 0xf0e442, 0x999999,
};
static const guint32 okabe_ito_dark[UTH_N_CATEGORICAL] = {
  0x56b4e9, 0xe69f00, 0x009e73, 0xcc79a7, 0x0072b2, 0xd55e00, 0xf0e442, 0x999999,
};

static void
rgba_from_hex (guint32  hex,
               UthRgba *out)
{
  out->r = ((hex >> 16) & 0xff) / 255.0;
  out->g = ((hex >> 8) & 0xff) / 255.0;
  out->b = (hex & 0xff) / 255.0;
  out->a = 1.0;
}

void
uth_draw_color (const UthFigureContext *ctx,
                UthColorRole            role,
                UthRgba                *out)
{
  const guint32 *set;

  g_return_if_fail (role < UTH_N_COLORS);
  if (ctx != NULL && ctx->high_contrast)
    set = ctx->dark ? palette.hc_dark : palette.hc_light;
  else
    set = (ctx != NULL && ctx->dark) ? palette.dark : palette.light;
  rgba_from_hex (set[role], out);
}

void
uth_draw_set_rgba (cairo_t       *cr,
                   const UthRgba *rgba,
                   double         alpha)
{
  cairo_set_source_rgba (cr, rgba->r, rgba->g, rgba->b, rgba->a * alpha);
}

void
uth_draw_set_color (cairo_t                *cr,
                    const UthFigureContext *ctx,
                    UthColorRole            role)
{
  UthRgba c;

  uth_draw_color (ctx, role, &c);
  uth_draw_set_rgba (cr, &c, 1.0);
}

void
uth_draw_categorical (const UthFigureContext *ctx,
                      guint                   index,
                      UthRgba                *out)
{
  const guint32 *set = (ctx != NULL && ctx->dark) ? okabe_ito_dark : okabe_ito_light;

  rgba_from_hex (set[index % UTH_N_CATEGORICAL], out);
}

void
uth_draw_set_categorical (cairo_t                *cr,
                          const UthFigureContext *ctx,
                          guint                   index)
{
  UthRgba c;

  uth_draw_categorical (ctx, index, &c);
  uth_draw_set_rgba (cr, &c, 1.0);
}

static double
srgb_to_linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
linear_to_srgb (double c)
{
  return c <= 0.0031308 ? c * 12.92 : 1.055 * pow (c, 1.0 / 2.4) - 0.055;
}

void
uth_draw_heat (double   t,
               UthRgba *out)
{
  /* Five points along matplotlib's viridis (van der Walt & Smith): dark purple, blue,
   * teal, green, yellow; lightness rises monotonically between them. */
  static const guint32 anchors[5] = { 0x440154, 0x3b528b, 0x21918c, 0x5ec962, 0xfde725 };
  UthRgba a, b;
  double pos, f;
  int i;

  if (!(t >= 0.0))
    t = 0.0;
  if (t > 1.0)
    t = 1.0;
  pos = t * 4.0;
  i = (int) floor (pos);
  if (i >= 4)
    i = 3;
  f = pos - i;
  rgba_from_hex (anchors[i], &a);
  rgba_from_hex (anchors[i + 1], &b);
  out->r = linear_to_srgb (srgb_to_linear (a.r) * (1 - f) + srgb_to_linear (b.r) * f);
  out->g = linear_to_srgb (srgb_to_linear (a.g) * (1 - f) + srgb_to_linear (b.g) * f);
  out->b = linear_to_srgb (srgb_to_linear (a.b) * (1 - f) + srgb_to_linear (b.b) * f);
  out->a = 1.0;
}

void
uth_draw_contrast_text (const UthRgba *bg,
                        UthRgba       *out)
{
  double l = 0.2126 * srgb_to_linear (bg->r) + 0.7152 * srgb_to_linear (bg->g) +
             0.0722 * srgb_to_linear (bg->b);

  /* WCAG contrast against black is (l + 0.05) / 0.05, against white 1.05 / (l + 0.05). */
  if ((l + 0.05) / 0.05 >= 1.05 / (l + 0.05))
    *out = (UthRgba) { 0, 0, 0, 1 };
  else
    *out = (UthRgba) { 1, 1, 1, 1 };
}

void
uth_draw_background (cairo_t                *cr,
                     double                  width,
                     double                  height,
                     const UthFigureContext *ctx)
{
  uth_draw_set_color (cr, ctx, UTH_COLOR_BACKGROUND);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

/* ---- text ---- */

double
uth_draw_scale (const UthFigureContext *ctx)
{
  return (ctx != NULL && ctx->scale > 0) ? ctx->scale : 1.0;
}

#define ctx_scale uth_draw_scale

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
  return 24.0 * ctx_scale (ctx);
}

double
uth_reflow_page_height (const UthReflowPage    *page,
                        double                  width,
                        const UthFigureContext *ctx)
{
  double s = ctx_scale (ctx);

  return page->min_height (MAX (width, page->min_width * s), s, page->user_data);
}

double
uth_reflow_page_scale (const UthReflowPage    *page,
                       double                  width,
                       double                  height,
                       const UthFigureContext *ctx)
{
  double s = ctx_scale (ctx);
  double min_w = page->min_width * s, wide_w = page->wide_width * s;
  /* Full size in the narrow layout when it fits; failing that, whichever of the two
   * layouts, scaled to fit, comes out larger. */
  double narrow = MIN (1.0, MIN (width / min_w, height / page->min_height (MAX (width, min_w), s, page->user_data)));
  double wide = MIN (1.0, MIN (width / wide_w, height / page->min_height (wide_w, s, page->user_data)));

  if (width >= wide_w)
    wide = MIN (1.0, height / page->min_height (width, s, page->user_data));
  return MAX (MAX (narrow, wide), 0.05);
}

double
uth_reflow_page_fit (const UthReflowPage    *page,
                     double                  width,
                     double                  height,
                     const UthFigureContext *ctx,
                     double                 *vw,
                     double                 *vh)
{
  double f = uth_reflow_page_scale (page, width, height, ctx);

  *vw = width / f;
  *vh = height / f;
  return f;
}

double
uth_draw_font_px (const UthFigureContext *ctx,
                  UthFont                 font)
{
  static const double px[] = { 26, 18, 18, 16, 14, 30, 14 };

  g_return_val_if_fail (font <= UTH_FONT_MONO, 14.0);
  return px[font] * ctx_scale (ctx);
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

/* ---- numbers ---- */

/* Three significant digits of a value in [1, 1000): "1.23", "12.3", "123". */
static char *
three_digits (double v)
{
  if (v >= 99.95)
    return g_strdup_printf ("%.0f", v);
  if (v >= 9.995)
    return g_strdup_printf ("%.1f", v);
  return g_strdup_printf ("%.2f", v);
}

/* Drops trailing zeros after a decimal point: "4.00" -> "4", "1.50" -> "1.5". */
static void
trim_zeros (char *s)
{
  char *dot = strpbrk (s, ".,");
  char *end;

  if (dot == NULL)
    return;
  end = s + strlen (s) - 1;
  while (end > dot && *end == '0')
    *end-- = '\0';
  if (end == dot)
    *end = '\0';
}

char *
uth_format_number (double value)
{
  double a = fabs (value);

  if (!isfinite (value))
    return g_strdup (isnan (value) ? "–" : (value > 0 ? "∞" : "−∞"));
  /* In the locale's digits, like every other number on the figure (German ticks showed
   * "0.01" beside "3,35"). */
  if (a >= 1e5 || (a > 0 && a < 1e-3))
    return g_strdup_printf ("%.3g", value);
  if (a >= 100)
    return g_strdup_printf ("%.0f", value);
  else
    {
      char *s = g_strdup_printf (a >= 10 ? "%.1f" : "%.2f", value);

      trim_zeros (s);
      return s;
    }
}

char *
uth_format_si (double      value,
               const char *unit)
{
  static const char *prefixes[] = { "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E" };
  double a = fabs (value);
  g_autofree char *digits = NULL;
  int e;

  if (unit == NULL)
    unit = "";
  if (!isfinite (value))
    return g_strdup_printf ("%s %s", value > 0 ? "∞" : "–", unit);
  if (a == 0.0)
    return *unit ? g_strdup_printf ("0 %s", unit) : g_strdup ("0");
  e = (int) floor (log10 (a) / 3.0);
  e = CLAMP (e, -4, 6);
  a /= pow (1000.0, e);
  /* Rounding may carry into the next prefix: 999.7 k is 1.00 M. */
  if (a >= 999.5 && e < 6)
    {
      a /= 1000.0;
      e++;
    }
  digits = three_digits (a);
  if (e == 0 && a >= 1.0)
    trim_zeros (digits);
  return g_strdup_printf ("%s%s%s%s%s", value < 0 ? "−" : "", digits,
                          (*unit || *prefixes[e + 4]) ? " " : "", prefixes[e + 4], unit);
}

char *
uth_format_tick (double value)
{
  char *s;
  double a = fabs (value);

  static const char *prefixes[] = { "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E" };
  int e;

  if (!isfinite (value))
    return g_strdup ("–");
  /* The locale's decimal mark, as the other numbers of a figure have it. */
  if (a == 0.0 || (a >= 1e-3 && a < 1e4))
    return g_strdup_printf ("%g", value);
  e = CLAMP ((int) floor (log10 (a) / 3.0), -4, 6);
  s = g_strdup_printf ("%.3g %s", value / pow (1000.0, e), prefixes[e + 4]);
  return s;
}

/* Process-wide, like the preference it mirrors; the command line keeps SI. */
static gboolean binary_bytes;

void
uth_format_set_binary_bytes (gboolean binary)
{
  binary_bytes = !!binary;
}

gboolean
uth_format_get_binary_bytes (void)
{
  return binary_bytes;
}

/* IEC prefixes, 3 significant digits: 2^30 bytes is "1.00 GiB". */
static char *
format_binary_bytes (double bytes)
{
  static const char *prefixes[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
  double a = fabs (bytes);
  g_autofree char *digits = NULL;
  int e = 0;

  if (!isfinite (bytes))
    return g_strdup_printf ("%s B", bytes > 0 ? "∞" : "–");
  while (a >= 1024.0 && e < 6)
    {
      a /= 1024.0;
      e++;
    }
  /* Rounding may carry into the next prefix: 1023.7 Ki is 1.00 Mi. */
  if (a >= 1023.5 && e < 6)
    {
      a /= 1024.0;
      e++;
    }
  digits = three_digits (a);
  if (e == 0)
    trim_zeros (digits);
  return g_strdup_printf ("%s%s %sB", bytes < 0 ? "−" : "", digits, prefixes[e]);
}

char *
uth_format_bytes (double bytes)
{
  if (binary_bytes)
    return format_binary_bytes (bytes);
  return uth_format_si (bytes, "B");
}

char *
uth_format_seconds (double seconds)
{
  g_autofree char *v = NULL;

  if (isfinite (seconds) && fabs (seconds) >= 3600.0)
    {
      v = three_digits (fabs (seconds) / 3600.0 < 1000 ? fabs (seconds) / 3600.0 : 999);
      return g_strdup_printf ("%s %s", v, "h");
    }
  if (isfinite (seconds) && fabs (seconds) >= 60.0)
    {
      v = three_digits (fabs (seconds) / 60.0);
      return g_strdup_printf ("%s %s", v, "min");
    }
  return uth_format_si (seconds, "s");
}

char *
uth_format_flops (double flops)
{
  return uth_format_si (flops, "FLOP");
}

char *
uth_format_flops_rate (double flops_per_s)
{
  return uth_format_si (flops_per_s, "FLOP/s");
}

char *
uth_format_bandwidth (double bytes_per_s)
{
  return uth_format_si (bytes_per_s, "B/s");
}

char *
uth_format_intensity (double flop_per_b)
{
  g_autofree char *n = NULL;

  if (!isfinite (flop_per_b))
    return g_strdup ("∞ FLOP/B");
  if (flop_per_b >= 1e4 || (flop_per_b > 0 && flop_per_b < 0.01))
    return uth_format_si (flop_per_b, "FLOP/B");
  n = uth_format_number (flop_per_b);
  trim_zeros (n);
  return g_strdup_printf ("%s FLOP/B", n);
}

char *
uth_format_count (double count)
{
  static const char *suffix[] = { "", "K", "M", "B", "T" };
  double a = fabs (count);
  g_autofree char *digits = NULL;
  int e;

  if (!isfinite (count))
    return g_strdup ("∞");
  if (a < 10000.0)
    {
      if (a == floor (a))
        return g_strdup_printf ("%.0f", count);
      return uth_format_number (count);
    }
  e = (int) floor (log10 (a) / 3.0);
  e = CLAMP (e, 1, 4);
  a /= pow (1000.0, e);
  if (a >= 999.5 && e < 4)
    {
      a /= 1000.0;
      e++;
    }
  digits = three_digits (a);
  return g_strdup_printf ("%s%s %s", count < 0 ? "−" : "", digits, suffix[e]);
}

char *
uth_format_tokens_rate (double tokens_per_s)
{
  g_autofree char *n = NULL;

  if (tokens_per_s >= 1e4)
    n = uth_format_count (tokens_per_s);
  else
    {
      n = uth_format_number (tokens_per_s);
      if (tokens_per_s >= 1)
        trim_zeros (n);
    }
  return g_strdup_printf ("%s tok/s", n);
}

char *
uth_format_usd (double dollars)
{
  if (!isfinite (dollars))
    return g_strdup ("–");
  if (dollars >= 1000.0)
    return g_strdup_printf ("$%.0f", dollars);
  if (dollars >= 0.01 || dollars == 0.0)
    return g_strdup_printf ("$%.2f", dollars);
  return g_strdup_printf ("$%.3g", dollars);
}

char *
uth_format_percent (double fraction)
{
  double p = fraction * 100.0;

  if (!isfinite (p))
    return g_strdup ("–");
  if (p > 0.0 && p < 0.05)
    return g_strdup ("<0.1%");
  if (p != 0.0 && fabs (p) < 9.95)
    return g_strdup_printf ("%.1f%%", p);
  return g_strdup_printf ("%.0f%%", p);
}

/* ---- plots ---- */

void
uth_plot_init (UthPlot                *plot,
               const UthFigureContext *ctx,
               double                  x,
               double                  y,
               double                  width,
               double                  height,
               const UthChartScale    *xscale,
               const UthChartScale    *yscale)
{
  double s = ctx_scale (ctx);
  double left = 118 * s, bottom = 66 * s, top = 12 * s, right = 24 * s;

  plot->x = *xscale;
  plot->y = *yscale;
  plot->left = x + left;
  plot->top = y + top;
  plot->width = MAX (width - left - right, 10);
  plot->height = MAX (height - top - bottom, 10);
}

double
uth_plot_x (const UthPlot *plot,
            double         value)
{
  return plot->left + uth_chart_scale_to_unit (&plot->x, value) * plot->width;
}

double
uth_plot_y (const UthPlot *plot,
            double         value)
{
  return plot->top + (1.0 - uth_chart_scale_to_unit (&plot->y, value)) * plot->height;
}

static void
draw_minor_log_grid (cairo_t             *cr,
                     const UthPlot       *plot,
                     const UthChartScale *scale,
                     gboolean             vertical)
{
  double d, m;
  double decades = log10 (scale->max) - log10 (scale->min);

  if (decades > 7)
    return;
  for (d = pow (10.0, floor (log10 (scale->min))); d < scale->max; d *= 10.0)
    for (m = 2; m <= 9; m++)
      {
        double v = d * m, u;

        if (v <= scale->min || v >= scale->max)
          continue;
        u = uth_chart_scale_to_unit (scale, v);
        if (vertical)
          {
            double px = plot->left + u * plot->width;
            cairo_move_to (cr, round (px) + 0.5, plot->top);
            cairo_line_to (cr, round (px) + 0.5, plot->top + plot->height);
          }
        else
          {
            double py = plot->top + (1 - u) * plot->height;
            cairo_move_to (cr, plot->left, round (py) + 0.5);
            cairo_line_to (cr, plot->left + plot->width, round (py) + 0.5);
          }
      }
}

void
uth_draw_plot_axes (cairo_t                *cr,
                    const UthFigureContext *ctx,
                    const UthPlot          *plot,
                    const char             *x_title,
                    const char             *y_title,
                    UthFormatFunc           fx,
                    UthFormatFunc           fy)
{
  double s = ctx_scale (ctx);
  double ticks[32];
  size_t n, i;
  UthRgba grid;

  cairo_save (cr);
  uth_draw_color (ctx, UTH_COLOR_GRID, &grid);
  cairo_set_line_width (cr, 1.0);

  /* Minor grid first, fainter. */
  uth_draw_set_rgba (cr, &grid, 0.45);
  if (plot->x.log)
    draw_minor_log_grid (cr, plot, &plot->x, TRUE);
  if (plot->y.log)
    draw_minor_log_grid (cr, plot, &plot->y, FALSE);
  cairo_stroke (cr);

  n = uth_chart_ticks (&plot->x, MAX (2, (size_t) (plot->width / (110 * s))), ticks, G_N_ELEMENTS (ticks));
  for (i = 0; i < n; i++)
    {
      double px = round (uth_plot_x (plot, ticks[i])) + 0.5;
      g_autofree char *label = fx != NULL ? fx (ticks[i]) : uth_format_tick (ticks[i]);

      uth_draw_set_rgba (cr, &grid, 1.0);
      cairo_move_to (cr, px, plot->top);
      cairo_line_to (cr, px, plot->top + plot->height);
      cairo_stroke (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, label, px, plot->top + plot->height + 6 * s,
                     UTH_ANCHOR_N, 0, NULL);
    }
  n = uth_chart_ticks (&plot->y, MAX (2, (size_t) (plot->height / (60 * s))), ticks, G_N_ELEMENTS (ticks));
  for (i = 0; i < n; i++)
    {
      double py = round (uth_plot_y (plot, ticks[i])) + 0.5;
      g_autofree char *label = fy != NULL ? fy (ticks[i]) : uth_format_tick (ticks[i]);

      uth_draw_set_rgba (cr, &grid, 1.0);
      cairo_move_to (cr, plot->left, py);
      cairo_line_to (cr, plot->left + plot->width, py);
      cairo_stroke (cr);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, label, plot->left - 8 * s, py, UTH_ANCHOR_E,
                     0, NULL);
    }

  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  cairo_set_line_width (cr, 1.5 * s);
  cairo_move_to (cr, plot->left, plot->top);
  cairo_line_to (cr, plot->left, plot->top + plot->height);
  cairo_line_to (cr, plot->left + plot->width, plot->top + plot->height);
  cairo_stroke (cr);

  if (x_title != NULL)
    uth_draw_text (cr, ctx, UTH_FONT_LABEL, x_title, plot->left + plot->width / 2,
                   plot->top + plot->height + 32 * s, UTH_ANCHOR_N, plot->width, NULL);
  if (y_title != NULL)
    {
      /* Centred on the plot, but never above its top (a heading sits there): a title
       * longer than the plot is tall runs down beside the x tick labels, in the tick font
       * when the label font is still too long. */
      double room = plot->height + 56 * s, tw, cy;
      UthFont font = UTH_FONT_LABEL;

      uth_draw_text_size (cr, ctx, font, y_title, &tw, NULL);
      if (tw > room)
        {
          font = UTH_FONT_TICK;
          uth_draw_text_size (cr, ctx, font, y_title, &tw, NULL);
        }
      cy = MAX (plot->top + plot->height / 2, plot->top + tw / 2);
      uth_draw_text_vertical (cr, ctx, font, y_title, plot->left - 104 * s, cy);
    }
  cairo_restore (cr);
}

static void
draw_swatch (cairo_t                *cr,
             const UthFigureContext *ctx,
             const UthLegendItem    *item,
             double                  x,
             double                  cy)
{
  double s = ctx_scale (ctx);

  uth_draw_set_rgba (cr, &item->color, 1.0);
  switch (item->style)
    {
    case UTH_LEGEND_LINE:
      cairo_set_line_width (cr, 3 * s);
      cairo_move_to (cr, x, cy);
      cairo_line_to (cr, x + 22 * s, cy);
      cairo_stroke (cr);
      break;
    case UTH_LEGEND_DOT:
      cairo_arc (cr, x + 11 * s, cy, 7 * s, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case UTH_LEGEND_BOX:
    default:
      uth_draw_rounded_rect (cr, x + 2 * s, cy - 8 * s, 18 * s, 16 * s, 3 * s);
      cairo_fill (cr);
      break;
    }
}

static double
legend (cairo_t                *cr,
        const UthFigureContext *ctx,
        const UthLegendItem    *items,
        guint                   n_items,
        double                  x,
        double                  y,
        double                  max_width,
        gboolean                horizontal,
        gboolean                draw);

double
uth_draw_legend (cairo_t                *cr,
                 const UthFigureContext *ctx,
                 const UthLegendItem    *items,
                 guint                   n_items,
                 double                  x,
                 double                  y,
                 double                  max_width,
                 gboolean                horizontal)
{
  return legend (cr, ctx, items, n_items, x, y, max_width, horizontal, TRUE);
}

double
uth_draw_legend_height (cairo_t                *cr,
                        const UthFigureContext *ctx,
                        const UthLegendItem    *items,
                        guint                   n_items,
                        double                  max_width,
                        gboolean                horizontal)
{
  return legend (cr, ctx, items, n_items, 0, 0, max_width, horizontal, FALSE);
}

static double
legend (cairo_t                *cr,
        const UthFigureContext *ctx,
        const UthLegendItem    *items,
        guint                   n_items,
        double                  x,
        double                  y,
        double                  max_width,
        gboolean                horizontal,
        gboolean                draw)
{
  double s = ctx_scale (ctx);
  double row_h = MAX (uth_draw_font_px (ctx, UTH_FONT_LABEL) * 1.5, 22 * s);
  double cx = x, cy = y;
  guint i;

  for (i = 0; i < n_items; i++)
    {
      double tw;
      double item_w;
      UthFont font = UTH_FONT_LABEL;

      uth_draw_text_size (cr, ctx, font, items[i].label, &tw, NULL);
      if (max_width > 0 && 30 * s + tw > max_width)
        {
          /* Too long for the legend's width: the smaller tick font before cutting it. */
          font = UTH_FONT_TICK;
          uth_draw_text_size (cr, ctx, font, items[i].label, &tw, NULL);
        }
      item_w = 30 * s + tw;
      if (horizontal && cx > x && max_width > 0 && cx + item_w > x + max_width)
        {
          cx = x;
          cy += row_h;
        }
      if (draw)
        {
          draw_swatch (cr, ctx, &items[i], cx, cy + row_h / 2);
          uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
          uth_draw_text (cr, ctx, font, items[i].label, cx + 30 * s, cy + row_h / 2,
                         UTH_ANCHOR_W, max_width > 0 ? max_width - 30 * s : 0, NULL);
        }
      if (horizontal)
        cx += item_w + 24 * s;
      else
        cy += row_h;
    }
  if (horizontal && n_items > 0)
    cy += row_h;
  return cy - y;
}

/* ---- furniture ---- */

double
uth_draw_title (cairo_t                *cr,
                const UthFigureContext *ctx,
                const char             *title,
                const char             *subtitle,
                double                  x,
                double                  y,
                double                  width)
{
  double s = ctx_scale (ctx);
  UthChartRect ext = { x, y, 0, 0 };

  if (title != NULL)
    {
      uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
      uth_draw_text (cr, ctx, UTH_FONT_TITLE, title, x, y, UTH_ANCHOR_NW, width, &ext);
      y = ext.y + ext.h + 4 * s;
    }
  if (subtitle != NULL && *subtitle)
    {
      g_autofree char *escaped = g_markup_escape_text (subtitle, -1);

      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      y += uth_draw_paragraph (cr, ctx, UTH_FONT_SUBTITLE, escaped, x, y, width);
    }
  return y + 14 * s;
}

double
uth_draw_title_height (cairo_t                *cr,
                       const UthFigureContext *ctx,
                       const char             *title,
                       const char             *subtitle,
                       double                  width)
{
  double s = ctx_scale (ctx), h = 0;

  if (title != NULL)
    {
      double th;

      uth_draw_text_size (cr, ctx, UTH_FONT_TITLE, title, NULL, &th);
      h += th + 4 * s;
    }
  if (subtitle != NULL && *subtitle)
    {
      g_autofree char *escaped = g_markup_escape_text (subtitle, -1);
      PangoLayout *layout = cached_layout (cr, ctx, UTH_FONT_SUBTITLE, CACHED_PARAGRAPH, escaped,
                                           MAX (width, 1));
      PangoRectangle logical;

      pango_layout_get_pixel_extents (layout, NULL, &logical);
      h += logical.height;
    }
  return h + 14 * s;
}

void
uth_draw_rounded_rect (cairo_t *cr,
                       double   x,
                       double   y,
                       double   width,
                       double   height,
                       double   radius)
{
  radius = MIN (radius, MIN (width, height) / 2);
  if (radius <= 0)
    {
      cairo_rectangle (cr, x, y, width, height);
      return;
    }
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

void
uth_draw_card (cairo_t                *cr,
               const UthFigureContext *ctx,
               double                  x,
               double                  y,
               double                  width,
               double                  height,
               const char             *label,
               const char             *value,
               const char             *detail)
{
  double s = ctx_scale (ctx);
  double pad = 12 * s;
  UthChartRect ext;

  uth_draw_rounded_rect (cr, x, y, width, height, 10 * s);
  uth_draw_set_color (cr, ctx, UTH_COLOR_CARD);
  cairo_fill_preserve (cr);
  uth_draw_set_color (cr, ctx, UTH_COLOR_GRID);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, label != NULL ? label : "", x + pad, y + pad,
                 UTH_ANCHOR_NW, width - 2 * pad, &ext);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_VALUE, value != NULL ? value : "–", x + pad,
                 ext.y + ext.h + 2 * s, UTH_ANCHOR_NW, width - 2 * pad, &ext);
  if (detail != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (detail, -1);

      /* Wrapped rather than cut short where the card is tall enough for it
       * (uth_draw_card_height says how tall that is); else one line, ellipsized. */
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      if (uth_draw_card_height (cr, ctx, width, label, value, detail) <= height + 0.5)
        uth_draw_paragraph (cr, ctx, UTH_FONT_TICK, escaped, x + pad, ext.y + ext.h + 2 * s,
                            width - 2 * pad);
      else
        uth_draw_text (cr, ctx, UTH_FONT_TICK, detail, x + pad, ext.y + ext.h + 2 * s,
                       UTH_ANCHOR_NW, width - 2 * pad, NULL);
    }
}

double
uth_draw_card_height (cairo_t                *cr,
                      const UthFigureContext *ctx,
                      double                  width,
                      const char             *label,
                      const char             *value,
                      const char             *detail)
{
  double s = ctx_scale (ctx), pad = 12 * s, lh, vh, h;

  uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, label != NULL && *label ? label : "Ag", NULL, &lh);
  uth_draw_text_size (cr, ctx, UTH_FONT_VALUE, value != NULL && *value ? value : "–", NULL, &vh);
  h = pad + lh + 2 * s + vh + pad;
  if (detail != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (detail, -1);
      PangoLayout *layout = cached_layout (cr, ctx, UTH_FONT_TICK, CACHED_PARAGRAPH, escaped,
                                           MAX (width - 2 * pad, 1));
      PangoRectangle logical;

      pango_layout_get_pixel_extents (layout, NULL, &logical);
      h += 2 * s + logical.height;
    }
  return h;
}

/* ---- hit geometry ---- */

const UthHitRect *
uth_hit_rects_find (const UthHitRect *rects,
                    guint             n_rects,
                    double            x,
                    double            y)
{
  guint i;

  for (i = 0; i < n_rects; i++)
    {
      const UthChartRect *r = &rects[i].rect;

      if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h)
        return &rects[i];
    }
  return NULL;
}

/* ---- workload ---- */

gboolean
uth_figure_context_workload (const UthFigureContext *ctx,
                             UthPhase                phase,
                             UthWorkload            *out)
{
  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  return uth_estimate_workload (&ctx->input, phase, out);
}

void
uth_draw_push_panel (cairo_t            *cr,
                     const UthChartRect *panel)
{
  uth_layout_audit_note_panel (cr, panel);
  cairo_save (cr);
  cairo_translate (cr, panel->x, panel->y);
  cairo_rectangle (cr, 0, 0, panel->w, panel->h);
  cairo_clip (cr);
}
