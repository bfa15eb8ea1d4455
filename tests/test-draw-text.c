/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text drawing reuses laid-out text between calls (uth-draw-common.c): a reused layout must
 * give what a fresh one would, whatever was drawn before it, on whatever cairo_t. */
#include "config.h"

#include <glib.h>
#include <locale.h>

#include "render/uth-draw-common.h"

static cairo_t *
new_cr (cairo_surface_t **surface)
{
  *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 200);
  return cairo_create (*surface);
}

/* An ellipsized drawing of a text must not change the measured size of the same text. */
static void
test_text_width_separate (void)
{
  UthFigureContext ctx;
  cairo_surface_t *surface;
  cairo_t *cr = new_cr (&surface);
  const char *text = "Arithmetic intensity of the decode step (FLOP/byte)";
  UthChartRect box;
  double w1, h1, w2, h2;

  uth_figure_context_init (&ctx);
  uth_draw_text_size (cr, &ctx, UTH_FONT_LABEL, text, &w1, &h1);
  g_assert_cmpfloat (w1, >, 200.0);
  uth_draw_text (cr, &ctx, UTH_FONT_LABEL, text, 10, 10, UTH_ANCHOR_NW, 100, &box);
  g_assert_cmpfloat (box.w, <=, 100.0);
  uth_draw_text_size (cr, &ctx, UTH_FONT_LABEL, text, &w2, &h2);
  g_assert_cmpfloat (w2, ==, w1);
  g_assert_cmpfloat (h2, ==, h1);
  /* Drawn again without a width: full length. */
  uth_draw_text (cr, &ctx, UTH_FONT_LABEL, text, 10, 10, UTH_ANCHOR_NW, 0, &box);
  g_assert_cmpfloat (box.w, ==, w1);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* The same characters as plain text and as markup are different things. */
static void
test_text_markup_separate (void)
{
  UthFigureContext ctx;
  cairo_surface_t *surface;
  cairo_t *cr = new_cr (&surface);
  UthChartRect plain, markup;

  uth_figure_context_init (&ctx);
  uth_draw_text (cr, &ctx, UTH_FONT_LABEL, "<b>bold</b>", 10, 10, UTH_ANCHOR_NW, 0, &plain);
  uth_draw_markup (cr, &ctx, UTH_FONT_LABEL, "<b>bold</b>", 10, 10, UTH_ANCHOR_NW, 0, &markup);
  /* The plain one shows the tags too. */
  g_assert_cmpfloat (plain.w, >, markup.w * 1.5);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* Size and scale are part of what was laid out. */
static void
test_text_scale_separate (void)
{
  UthFigureContext ctx;
  cairo_surface_t *surface;
  cairo_t *cr = new_cr (&surface);
  double w1, w2, w3;

  uth_figure_context_init (&ctx);
  uth_draw_text_size (cr, &ctx, UTH_FONT_LABEL, "Tokens per second", &w1, NULL);
  ctx.scale = 2.0;
  uth_draw_text_size (cr, &ctx, UTH_FONT_LABEL, "Tokens per second", &w2, NULL);
  g_assert_cmpfloat (w2, >, 1.8 * w1);
  /* A scaled cairo_t: the layout follows it (user-space width about the same). */
  ctx.scale = 1.0;
  cairo_scale (cr, 2.0, 2.0);
  uth_draw_text_size (cr, &ctx, UTH_FONT_LABEL, "Tokens per second", &w3, NULL);
  g_assert_cmpfloat (w3, >, 0.9 * w1);
  g_assert_cmpfloat (w3, <, 1.1 * w1);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* Drawing a text twice, the second time from the reused layout, gives the same pixels. */
static void
test_text_same_pixels (void)
{
  UthFigureContext ctx;
  cairo_surface_t *a, *b;
  cairo_t *cra = new_cr (&a);
  cairo_t *crb;
  const char *markup = "decode: <b>4.02 ms</b> per step, 249 tok/s";
  int stride, height;

  uth_figure_context_init (&ctx);
  uth_draw_background (cra, 800, 200, &ctx);
  uth_draw_set_color (cra, &ctx, UTH_COLOR_FOREGROUND);
  uth_draw_markup (cra, &ctx, UTH_FONT_LABEL, markup, 20, 20, UTH_ANCHOR_NW, 0, NULL);
  uth_draw_paragraph (cra, &ctx, UTH_FONT_TICK, markup, 20, 80, 150);
  cairo_surface_flush (a);

  /* Something else in between, on another cairo_t with another matrix. */
  crb = new_cr (&b);
  cairo_scale (crb, 1.5, 1.5);
  uth_draw_markup (crb, &ctx, UTH_FONT_LABEL, markup, 0, 0, UTH_ANCHOR_NW, 0, NULL);
  cairo_destroy (crb);
  cairo_surface_destroy (b);

  crb = new_cr (&b);
  uth_draw_background (crb, 800, 200, &ctx);
  uth_draw_set_color (crb, &ctx, UTH_COLOR_FOREGROUND);
  uth_draw_markup (crb, &ctx, UTH_FONT_LABEL, markup, 20, 20, UTH_ANCHOR_NW, 0, NULL);
  uth_draw_paragraph (crb, &ctx, UTH_FONT_TICK, markup, 20, 80, 150);
  cairo_surface_flush (b);

  stride = cairo_image_surface_get_stride (a);
  height = cairo_image_surface_get_height (a);
  g_assert_cmpmem (cairo_image_surface_get_data (a), stride * height,
                   cairo_image_surface_get_data (b), stride * height);

  cairo_destroy (cra);
  cairo_destroy (crb);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

/* Figure numbers follow the locale's decimal mark, all of them: in German a tick read
 * "0.01" beside a bandwidth "3,35 TB/s" (issue 14). tools/setup generates de_DE.UTF-8. */
static void
test_format_locale_digits (void)
{
  g_autofree char *tick = NULL, *si = NULL, *number = NULL, *small = NULL;
  g_autofree char *old = g_strdup (setlocale (LC_NUMERIC, NULL));

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL)
    {
      g_test_skip ("the de_DE.UTF-8 locale is not generated (tools/setup generates it)");
      return;
    }
  tick = uth_format_tick (0.01);
  si = uth_format_si (3.35e12, "B/s");       /* 3.35 × 10^12 = 3,35 T */
  number = uth_format_number (1.5);
  small = uth_format_tick (0.25);
  setlocale (LC_NUMERIC, old);
  g_assert_cmpstr (tick, ==, "0,01");
  g_assert_cmpstr (si, ==, "3,35 TB/s");
  g_assert_cmpstr (number, ==, "1,5");
  g_assert_cmpstr (small, ==, "0,25");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/draw-text/width-separate", test_text_width_separate);
  g_test_add_func ("/draw-text/markup-separate", test_text_markup_separate);
  g_test_add_func ("/draw-text/scale-separate", test_text_scale_separate);
  g_test_add_func ("/draw-text/same-pixels", test_text_same_pixels);
  g_test_add_func ("/format/locale-digits", test_format_locale_digits);
  return g_test_run ();
}
