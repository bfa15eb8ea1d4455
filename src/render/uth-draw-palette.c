/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"

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
