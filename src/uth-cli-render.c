/* SPDX-License-Identifier: GPL-3.0-or-later */
/* under-the-hood render PAGE --output FILE.png|svg|pdf: a page's figure, headless. */
#include "config.h"

/* The largest image render draws: 128 MiB of 32-bit pixels. */
#define MAX_PIXELS 33554432u

#include <inttypes.h>
#include <glib/gi18n.h>

#include "analysis/uth-analysis.h"
#include "render/uth-draw-tokens.h"
#include "render/uth-draw.h"
#include "render/uth-lecture.h"
#include "uth-cli-private.h"

/* Builds of every page for presentation mode: figure builds, then the explanation, then
 * each question and its answer. */
static void
print_builds (void)
{
  const UthPageFigure *figures;
  guint n;

  figures = uth_draw_get_page_figures (&n);
  g_print ("\n%s\n", _("Builds in presentation mode (--build N):"));
  for (guint i = 0; i < n; i++)
    {
      guint builds = uth_lecture_n_builds (figures[i].id);
      guint f = uth_lecture_n_figure_builds (figures[i].id);

      g_autofree char *text = NULL;

      if (builds > f)
        /* TRANSLATORS: builds, figure builds, explanation builds (from, to), questions */
        text = g_strdup_printf (_("%u builds: figure 1–%u, explanation %u–%u, %u questions with answers"),
                                builds, f, f + 1, builds - 2 * uth_lecture_n_questions (figures[i].id),
                                uth_lecture_n_questions (figures[i].id));
      else
        text = g_strdup_printf (ngettext ("%u build", "%u builds", builds), builds);
      g_print ("  %-16s %s\n", figures[i].id, text);
    }
}

static void
print_usage (void)
{
  g_autofree char *ids = uth_draw_page_ids_string ();

  g_print ("%s\n  under-the-hood render PAGE --output FILE.png|svg|pdf [OPTION…]\n\n%s\n\n%s\n%s\n\n%s\n",
           _("Usage:"),
           _("Draws a page’s figures as the app shows them (light style) into a PNG, SVG or PDF file."),
           _("Pages:"), ids,
           _("Options:"));
  g_print ("  --output FILE        %s\n", _("where to write; the extension picks the format"));
  g_print ("  --width W            %s\n", _("width in pixels (default 1600)"));
  g_print ("  --height H           %s\n", _("height in pixels (default 1000); each side 16 to 16384,\n"
                                           "                       at most 33554432 pixels in all (8192 × 4096)"));
  g_print ("  --text TEXT          %s\n", _("the reader’s text (How LLMs work pages)"));
  g_print ("  --temperature T      %s\n", _("sampling temperature (default 1)"));
  g_print ("  --phase prefill|decode  %s\n", _("the page’s phase toggle (default prefill)"));
  g_print ("  --layer N            %s\n", _("the layer the Layer page shows (default 0)"));
  g_print ("  --view N             %s\n", _("a page’s view toggle (Model: 0 parameters, 1 FLOPs, 2 bytes)"));
  g_print ("  --dark               %s\n", _("the dark style"));
  g_print ("  --presentation       %s\n", _("draw the page as presentation mode shows it (large type, high contrast, caption and slide counter)"));
  g_print ("  --build N            %s\n", _("with --presentation: the build to show, 1 to the page’s builds (default: the figure fully built)"));
  g_print ("%s\n", uth_cli_scenario_help ());
  print_builds ();
}

typedef struct
{
  char     *output;
  char     *width;
  char     *height;
  char     *text;
  char     *temperature;
  char     *phase;
  char     *layer;
  char     *view;
  char     *build;
  gboolean  dark;
  gboolean  presentation;
} RenderOptions;

static void
render_options_clear (RenderOptions *o)
{
  g_free (o->output);
  g_free (o->width);
  g_free (o->height);
  g_free (o->text);
  g_free (o->temperature);
  g_free (o->phase);
  g_free (o->layer);
  g_free (o->view);
  g_free (o->build);
}

static gboolean
apply_options (const RenderOptions  *o,
               UthFigureContext     *ctx,
               guint64              *width,
               guint64              *height,
               GError              **error)
{
  guint64 v;

  if (o->output == NULL)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE, "%s",
                   _("render needs --output FILE.png, FILE.svg or FILE.pdf"));
      return FALSE;
    }
  {
    g_autofree char *lower = g_ascii_strdown (o->output, -1);

    if (!g_str_has_suffix (lower, ".png") && !g_str_has_suffix (lower, ".svg") &&
        !g_str_has_suffix (lower, ".pdf"))
      {
        g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                     _("--output “%s”: the name must end in .png, .svg or .pdf"), o->output);
        return FALSE;
      }
  }
  if (o->width != NULL && !uth_cli_parse_uint ("--width", o->width, 16, 16384, width, error))
    return FALSE;
  if (o->height != NULL && !uth_cli_parse_uint ("--height", o->height, 16, 16384, height, error))
    return FALSE;
  /* Each side may reach 16384, but not both: 16384 × 16384 is a 1 GiB image. */
  if (*width * *height > MAX_PIXELS)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                   _("--width × --height: %" PRIu64 " × %" PRIu64 " is %" PRIu64 " pixels, more "
                     "than the limit of %u (8192 × 4096, a 128 MiB image)"),
                   *width, *height, *width * *height, MAX_PIXELS);
      return FALSE;
    }
  if (o->temperature != NULL &&
      !uth_cli_parse_double ("--temperature", o->temperature, 0.0, 100.0, &ctx->temperature, error))
    return FALSE;
  if (o->layer != NULL)
    {
      if (!uth_cli_parse_uint ("--layer", o->layer, 0, 4095, &v, error))
        return FALSE;
      ctx->layer = (int) v;
    }
  if (o->view != NULL)
    {
      if (!uth_cli_parse_uint ("--view", o->view, 0, 15, &v, error))
        return FALSE;
      ctx->view = (int) v;
    }
  if (o->phase != NULL)
    {
      if (g_ascii_strcasecmp (o->phase, "prefill") == 0)
        ctx->phase = UTH_PHASE_PREFILL;
      else if (g_ascii_strcasecmp (o->phase, "decode") == 0)
        ctx->phase = UTH_PHASE_DECODE;
      else
        {
          g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                       _("--phase: “%s” is neither prefill nor decode"), o->phase);
          return FALSE;
        }
    }
  ctx->text = o->text;
  ctx->dark = o->dark;
  return TRUE;
}

static const UthPageFigure *
find_page (int       argc,
           char    **argv,
           GError  **error)
{
  const UthPageFigure *page;
  g_autofree char *ids = uth_draw_page_ids_string ();

  if (argc < 2)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                   _("render needs a page: one of %s"), ids);
      return NULL;
    }
  page = uth_draw_find_page (argv[1]);
  if (page == NULL)
    g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                 _("unknown page “%s”; the pages are: %s"), argv[1], ids);
  return page;
}

int
uth_cli_render (int    argc,
                char **argv)
{
  g_autoptr(GError) error = NULL;
  RenderOptions o = { 0 };
  UthCliScenario scenario;
  UthFigureContext ctx;
  UthEstimate estimate;
  const UthPageFigure *page;
  guint64 width = 1600, height = 1000;
  int status = 0;
  const UthCliOption options[] = {
    { "--output", &o.output, NULL },
    { "--width", &o.width, NULL },
    { "--height", &o.height, NULL },
    { "--text", &o.text, NULL },
    { "--temperature", &o.temperature, NULL },
    { "--phase", &o.phase, NULL },
    { "--layer", &o.layer, NULL },
    { "--view", &o.view, NULL },
    { "--dark", NULL, &o.dark },
    { "--build", &o.build, NULL },
    { "--presentation", NULL, &o.presentation },
  };
  guint64 build = 0;
  g_autoptr(UthAnalysisSources) sources = NULL;
  g_autoptr(UthAnalysis) analysis = NULL;
  UthTokensView tokens_view = { NULL, -1 };

  if (uth_cli_wants_help (argc, argv))
    {
      print_usage ();
      return 0;
    }
  uth_figure_context_init (&ctx);
  if (!uth_cli_take_options (&argc, &argv, options, G_N_ELEMENTS (options), &error) ||
      !uth_cli_parse_scenario (&argc, &argv, "llama-3.1-8b", "h100-sxm", &scenario, &error) ||
      (page = find_page (argc, argv, &error)) == NULL ||
      !uth_cli_expect_no_more (argc - 1, argv + 1, &error) ||
      !apply_options (&o, &ctx, &width, &height, &error))
    {
      render_options_clear (&o);
      return uth_cli_fail (g_steal_pointer (&error));
    }

  uth_figure_context_set_entries (&ctx, scenario.model, scenario.gpu, scenario.engine);
  ctx.input = scenario.input;
  /* A scenario the estimator refuses still draws: figures show what they can. */
  if (uth_estimate (&ctx.input, &estimate) == UTH_ESTIMATE_OK)
    ctx.estimate = &estimate;
  if (ctx.model != NULL && ctx.layer >= (int) ctx.model->spec.layers)
    ctx.layer = (int) ctx.model->spec.layers - 1;
  /* The Tokens page names its tokenizer: GPT-2's unless the reader picks another. */
  if (g_str_equal (page->id, "tokens") && ctx.page_data == NULL)
    {
      tokens_view.tokenizer = uth_tokenizer_get_gpt2 ();
      ctx.page_data = &tokens_view;
    }
  /* The page's analysis, as the window computes it (src/analysis). */
  sources = uth_analysis_sources_new_app (scenario.catalog);
  analysis = uth_analysis_prepare (sources, page->id, &ctx);

  if (o.build != NULL)
    {
      guint builds = uth_lecture_n_builds (page->id);

      if (!o.presentation)
        error = g_error_new_literal (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                                     _("--build needs --presentation: builds are what presentation mode shows"));
      else
        uth_cli_parse_uint ("--build", o.build, 1, builds, &build, &error);
      if (error != NULL)
        {
          render_options_clear (&o);
          return uth_cli_fail (g_steal_pointer (&error));
        }
    }
  if (o.presentation)
    {
      ctx.scale = uth_draw_presentation_scale ((double) width, (double) height);
      ctx.high_contrast = TRUE;
    }

  if (o.presentation
      ? !uth_lecture_slide_to_file (page, &ctx, (guint) build, o.output, (int) width, (int) height, &error)
      : !uth_draw_to_file (page, &ctx, o.output, (int) width, (int) height, &error))
    status = uth_cli_fail (g_error_new_literal (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED, error->message));
  render_options_clear (&o);
  return status;
}
