/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `under-the-hood bench`: times the core and every page's drawing in this process.
 *
 * Each figure is measured in repeated runs after a warm-up. A run times a batch of calls
 * (as many as make the batch last at least BENCH_MIN_SAMPLE_S, so a sub-microsecond call is
 * not lost in the clock's resolution) and divides by the batch size; the figures reported
 * are the median, minimum and maximum of those per-call times, in seconds. */
#define G_LOG_DOMAIN "uth-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analysis/uth-analysis.h"
#include "catalog/uth-catalog.h"
#include "core/uth-batching.h"
#include "core/uth-estimate.h"
#include "core/uth-memory.h"
#include "render/uth-draw-common.h"
#include "render/uth-draw.h"
#include "uth-cli-private.h"

#define BENCH_MODEL  "llama-3-8b"
#define BENCH_GPU    "h100-sxm"
#define BENCH_WIDTH  1920
#define BENCH_HEIGHT 1080
#define BENCH_BATCH_REQUESTS 10000

/* One batch of calls lasts at least this long, so the clock's resolution does not matter. */
#define BENCH_MIN_SAMPLE_S 2e-4

/* The budgets of issue 10, in seconds. */
#define BUDGET_ESTIMATE_S 10e-6
#define BUDGET_FITS_S     2e-3
#define BUDGET_BATCHING_S 100e-3
#define BUDGET_PAGE_S     8e-3
/* The forward pass's budgets of issue 16: the default model over a 64-token text and per
 * generated token; a 135M-parameter model's 32-token prompt and its tokens (10 per second). */
#define FORWARD_PROMPT_TOKENS      64
#define BUDGET_FORWARD_PROMPT_S    10e-3
#define BUDGET_FORWARD_TOKEN_S     2e-3
#define LARGE_PROMPT_TOKENS        32
#define BUDGET_LARGE_PROMPT_S      2.0
#define BUDGET_LARGE_TOKEN_S       0.1

typedef void (*BenchFunc) (gpointer data);

typedef struct
{
  guint  min_runs;
  guint  max_runs;
  double max_seconds;    /* stop after min_runs once a figure has taken this long */
} BenchPlan;

typedef struct
{
  double median;
  double min;
  double max;
  double cpu_median;     /* this thread's CPU time per call: what a busy machine hides */
  guint  runs;
  guint  calls_per_run;
} BenchStats;

typedef struct
{
  BenchStats  estimate;
  BenchStats  fits;
  BenchStats  batching;
  GArray     *pages;      /* BenchStats of drawing, in the order of uth_draw_page_ids () */
  GArray     *analyses;   /* BenchStats of the page's analysis, the same order */
  /* The forward pass. */
  char       *forward_model;
  BenchStats  forward_prompt;
  BenchStats  forward_token;
  char       *large_model;  /* NULL when skipped, with large_skip saying why */
  char       *large_skip;
  BenchStats  large_prompt;
  BenchStats  large_token;
  double      large_rss;    /* bytes resident after the large model ran, above the baseline */
  double      large_rss_budget;
} BenchResults;

typedef struct
{
  UthCatalog       *catalog;
  UthEstimateInput  input;
  UthEstimate       out;
  UthModel         *models;    /* the catalog's specs side by side, as the fits map takes them */
  guint             n_models;
  UthGpu           *gpus;
  guint             n_gpus;
  UthFitCell       *cells;
  const UthPageFigure *page;
  UthFigureContext *ctx;
  UthAnalysisSources *sources;
  UthAnalysis      *analysis;  /* the page's, computed once: a redraw draws only */
  cairo_surface_t  *surface;
  UthBatchConfig    batch;
  UthBatchError     batch_error;
} BenchData;

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* Wall-clock seconds of calls calls; their CPU time in *cpu when not NULL. */
static double
time_calls (BenchFunc func,
            gpointer  data,
            guint     calls,
            double   *cpu)
{
  double t0 = now_seconds (), c0 = cpu_seconds ();
  guint i;

  for (i = 0; i < calls; i++)
    func (data);
  if (cpu != NULL)
    *cpu = cpu_seconds () - c0;
  return now_seconds () - t0;
}

static double
median_of (GArray *sorted)
{
  guint n = sorted->len;

  if (n % 2 == 1)
    return g_array_index (sorted, double, n / 2);
  return 0.5 * (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2));
}

static void
bench_measure (BenchFunc        func,
               gpointer         data,
               const BenchPlan *plan,
               BenchStats      *stats)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_samples = g_array_new (FALSE, FALSE, sizeof (double));
  guint calls = 1;
  double started;

  /* Warm-up: caches, lazily loaded fonts and glyphs; then grow the batch until it is long
   * enough to time. */
  while (time_calls (func, data, calls, NULL) < BENCH_MIN_SAMPLE_S && calls < (1u << 20))
    calls *= 2;

  started = now_seconds ();
  while (samples->len < plan->max_runs
         && (samples->len < plan->min_runs || now_seconds () - started < plan->max_seconds))
    {
      double cpu, per_call = time_calls (func, data, calls, &cpu) / calls;

      cpu /= calls;
      g_array_append_val (samples, per_call);
      g_array_append_val (cpu_samples, cpu);
    }

  g_array_sort (samples, compare_doubles);
  g_array_sort (cpu_samples, compare_doubles);
  stats->runs = samples->len;
  stats->calls_per_run = calls;
  stats->min = g_array_index (samples, double, 0);
  stats->max = g_array_index (samples, double, samples->len - 1);
  stats->median = median_of (samples);
  stats->cpu_median = median_of (cpu_samples);
}

/* ---- what is measured ---- */

static void
run_estimate (gpointer user_data)
{
  BenchData *d = user_data;

  uth_estimate (&d->input, &d->out);
}

/* Every catalog model on every catalog GPU: on how many GPUs (1, 2, 4 or 8) does the
 * scenario fit? The Kv Cache page's map. */
static void
run_fits_matrix (gpointer user_data)
{
  BenchData *d = user_data;

  uth_memory_fits_map (d->models, d->n_models, d->gpus, d->n_gpus, &d->input, d->cells);
}

static void
run_batching (gpointer user_data)
{
  BenchData *d = user_data;
  UthBatchResult result = { 0 };

  /* No step cache: a slider change on the Batching page starts from scratch too. */
  d->batch_error = uth_batch_simulate (&d->input, &d->batch, NULL, &result);
  uth_batch_result_clear (&result);
}

/* The page's analysis: what changes when its inputs change (tokens, forward pass, runs,
 * measured points, catalog rows). */
static void
run_analysis (gpointer user_data)
{
  BenchData *d = user_data;

  uth_analysis_unref (uth_analysis_compute (d->sources, d->page->id, d->ctx, NULL, NULL));
}

/* A redraw with the inputs unchanged (hover, resize, animation): the drawing only. */
static void
run_render (gpointer user_data)
{
  BenchData *d = user_data;
  cairo_t *cr = cairo_create (d->surface);

  uth_draw_page (d->page, cr, BENCH_WIDTH, BENCH_HEIGHT, d->ctx);
  cairo_destroy (cr);
  cairo_surface_flush (d->surface);
}

/* Resident memory of this process, from /proc (0 when unknown). */
static double
resident_bytes (void)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) ||
      (line = strstr (text, "VmRSS:")) == NULL)
    return 0.0;
  return g_ascii_strtod (line + 6, NULL) * 1024.0;
}

/* The forward pass: the default model (its shape when not installed), then a 135M model
 * when one is named. */
static void
bench_forward (const BenchPlan *plan,
               BenchResults    *results)
{
  BenchPlan large_plan = { MIN (plan->min_runs, 3), MIN (plan->max_runs, 5), 5.0 };
  double baseline = resident_bytes ();
  UthBenchForward *f = uth_bench_forward_new_default (FORWARD_PROMPT_TOKENS);

  if (f != NULL)
    {
      results->forward_model = g_strdup (uth_bench_forward_describe (f));
      bench_measure (uth_bench_forward_prefill, f, plan, &results->forward_prompt);
      bench_measure (uth_bench_forward_token, f, plan, &results->forward_token);
      uth_bench_forward_free (f);
    }
  f = uth_bench_forward_new_large (LARGE_PROMPT_TOKENS, &results->large_skip);
  if (f == NULL)
    return;
  results->large_model = g_strdup (uth_bench_forward_describe (f));
  bench_measure (uth_bench_forward_prefill, f, &large_plan, &results->large_prompt);
  bench_measure (uth_bench_forward_token, f, &large_plan, &results->large_token);
  results->large_rss = resident_bytes () - baseline;
  results->large_rss_budget = 1.3 * (double) uth_bench_forward_weight_bytes (f);
  uth_bench_forward_free (f);
}

/* ---- output ---- */

static void
add_stats_json (JsonBuilder      *builder,
                const char       *name,
                const BenchStats *stats)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "median");
  json_builder_add_double_value (builder, stats->median);
  json_builder_set_member_name (builder, "min");
  json_builder_add_double_value (builder, stats->min);
  json_builder_set_member_name (builder, "max");
  json_builder_add_double_value (builder, stats->max);
  json_builder_end_object (builder);
}

/* Pads to a width in characters, not bytes: "µs" and "×" are two bytes each. */
static void
print_padded (const char *text,
              int         width,
              gboolean    right)
{
  int pad = width - (int) g_utf8_strlen (text, -1);

  if (right)
    g_print ("%*s%s", MAX (pad, 0), "", text);
  else
    g_print ("%s%*s", text, MAX (pad, 0), "");
}

static gboolean
print_stats_row (const char       *what,
                 const BenchStats *stats,
                 double            budget)
{
  g_autofree char *median = uth_format_seconds (stats->median);
  g_autofree char *min = uth_format_seconds (stats->min);
  g_autofree char *max = uth_format_seconds (stats->max);
  g_autofree char *cpu = uth_format_seconds (stats->cpu_median);
  g_autofree char *limit = uth_format_seconds (budget);
  g_autofree char *runs = g_strdup_printf ("%u", stats->runs);
  gboolean pass = stats->median <= budget;

  g_print ("  ");
  print_padded (what, 34, FALSE);
  print_padded (median, 10, TRUE);
  print_padded (min, 10, TRUE);
  print_padded (max, 10, TRUE);
  print_padded (cpu, 10, TRUE);
  print_padded (runs, 6, TRUE);
  print_padded (limit, 10, TRUE);
  g_print ("  %s\n", pass ? _("PASS") : _("OVER"));
  return pass;
}

/* Other processes competing for the CPUs stretch wall-clock figures: say how busy it was. */
static void
print_load (void)
{
  g_autofree char *text = NULL;
  double load1 = -1.0;

  if (g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    load1 = g_ascii_strtod (text, NULL);
  if (load1 < 0.0)
    return;
  if (load1 > 0.5 * g_get_num_processors ())
    g_print (_("Load average over the last minute: %.2f on %u CPUs; the machine was busy, so the wall-clock figures are inflated.\n"),
             load1, g_get_num_processors ());
  else
    g_print (_("Load average over the last minute: %.2f on %u CPUs.\n"), load1, g_get_num_processors ());
}

static void
print_header (const BenchPlan *plan)
{
  g_print (_("Under the Hood benchmark: per-call time, median of %u to %u runs after a warm-up.\n"),
           plan->min_runs, plan->max_runs);
  g_print (_("PASS when the median is within the budget of issue 10. CPU is this thread’s CPU time\n"
             "per call (median); where it is far below the median, the machine was busy.\n\n"));
  g_print ("  ");
  print_padded (_("Figure"), 34, FALSE);
  print_padded (_("Median"), 10, TRUE);
  print_padded (_("Min"), 10, TRUE);
  print_padded (_("Max"), 10, TRUE);
  /* Translators: CPU time per call, a column heading */
  print_padded (_("CPU"), 10, TRUE);
  print_padded (_("Runs"), 6, TRUE);
  print_padded (_("Budget"), 10, TRUE);
  g_print ("\n");
}

/* ---- the subcommand ---- */

static void
print_usage (void)
{
  g_print ("%s\n", _("Usage: under-the-hood bench [--json] [--quick] [SCENARIO OPTION…]"));
  g_print ("\n%s\n", _("Times one estimate, the fits matrix (every catalog model on every catalog GPU),\n"
                         "a 10,000-request batching simulation, and for every page its analysis (tokens,\n"
                         "forward pass, runs, measured points) and its figures drawn from it at\n"
                         "1920×1080 onto a Cairo image surface, in this process, and compares the medians\n"
                         "with the budgets. The scenario defaults to llama-3-8b on h100-sxm."));
  g_print ("\n%s\n", _("Options:"));
  g_print ("  --json    %s\n", _("print the figures as JSON: {\"median\", \"min\", \"max\"} in seconds"));
  g_print ("  --quick   %s\n", _("three runs each: checks that everything runs, measures nothing well"));
  g_print ("\n%s\n", uth_cli_scenario_help ());
}

static void
bench_clear (BenchData *d)
{
  g_clear_pointer (&d->models, g_free);
  g_clear_pointer (&d->gpus, g_free);
  g_clear_pointer (&d->cells, g_free);
  g_clear_pointer (&d->surface, cairo_surface_destroy);
  g_clear_pointer (&d->analysis, uth_analysis_unref);
  g_clear_pointer (&d->sources, uth_analysis_sources_unref);
}

static gboolean
bench_prepare (BenchData            *d,
               const UthCliScenario *scenario,
               UthFigureContext     *ctx,
               GError              **error)
{
  guint i;

  d->catalog = scenario->catalog;
  uth_figure_context_init (ctx);
  uth_figure_context_set_entries (ctx, scenario->model, scenario->gpu, scenario->engine);
  ctx->input = scenario->input;
  d->sources = uth_analysis_sources_new_app (d->catalog);
  d->input = scenario->input;
  if (uth_estimate (&d->input, &d->out) != UTH_ESTIMATE_OK)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                   _("bench: the estimator refused the scenario (%s on %s)"),
                   scenario->model->id, scenario->gpu->id);
      return FALSE;
    }
  ctx->estimate = &d->out;
  d->ctx = ctx;

  d->n_models = uth_catalog_get_n_models (d->catalog);
  d->n_gpus = uth_catalog_get_n_gpus (d->catalog);
  d->models = g_new0 (UthModel, MAX (d->n_models, 1));
  d->gpus = g_new0 (UthGpu, MAX (d->n_gpus, 1));
  d->cells = g_new0 (UthFitCell, MAX (d->n_models * d->n_gpus, 1));
  for (i = 0; i < d->n_models; i++)
    d->models[i] = uth_catalog_get_model (d->catalog, i)->spec;
  for (i = 0; i < d->n_gpus; i++)
    d->gpus[i] = uth_catalog_get_gpu (d->catalog, i)->spec;

  uth_batch_config_init (&d->batch);
  d->batch.requests = BENCH_BATCH_REQUESTS;
  return TRUE;
}

/* Measures everything; fails only when the batching simulation refuses the scenario. */
static gboolean
bench_run (BenchData       *d,
           const BenchPlan *plan,
           BenchResults    *results,
           GError         **error)
{
  const char * const *ids = uth_draw_page_ids ();
  guint i;

  bench_measure (run_estimate, d, plan, &results->estimate);
  bench_measure (run_fits_matrix, d, plan, &results->fits);
  bench_measure (run_batching, d, plan, &results->batching);
  if (d->batch_error != UTH_BATCH_OK)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                   _("bench: the %u-request batching simulation failed: %s"),
                   BENCH_BATCH_REQUESTS, uth_batch_error_id (d->batch_error));
      return FALSE;
    }

  d->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, BENCH_WIDTH, BENCH_HEIGHT);
  results->pages = g_array_new (FALSE, FALSE, sizeof (BenchStats));
  results->analyses = g_array_new (FALSE, FALSE, sizeof (BenchStats));
  for (i = 0; ids[i] != NULL; i++)
    {
      BenchStats stats;

      d->page = uth_draw_find_page (ids[i]);
      g_assert (d->page != NULL);
      d->ctx->analysis = NULL;
      bench_measure (run_analysis, d, plan, &stats);
      g_array_append_val (results->analyses, stats);
      g_clear_pointer (&d->analysis, uth_analysis_unref);
      d->analysis = uth_analysis_prepare (d->sources, d->page->id, d->ctx);
      bench_measure (run_render, d, plan, &stats);
      g_array_append_val (results->pages, stats);
    }
  d->ctx->analysis = NULL;
  bench_forward (plan, results);
  return TRUE;
}

static void
print_json (const BenchResults *results)
{
  const char * const *ids = uth_draw_page_ids ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint i;

  json_builder_begin_object (builder);
  add_stats_json (builder, "estimate_seconds", &results->estimate);
  add_stats_json (builder, "fits_matrix_seconds", &results->fits);
  add_stats_json (builder, "batching_10k_seconds", &results->batching);
  json_builder_set_member_name (builder, "render_seconds");
  json_builder_begin_object (builder);
  for (i = 0; ids[i] != NULL; i++)
    add_stats_json (builder, ids[i], &g_array_index (results->pages, BenchStats, i));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "analysis_seconds");
  json_builder_begin_object (builder);
  for (i = 0; ids[i] != NULL; i++)
    add_stats_json (builder, ids[i], &g_array_index (results->analyses, BenchStats, i));
  json_builder_end_object (builder);
  if (results->forward_model != NULL)
    {
      add_stats_json (builder, "forward_prompt_64_seconds", &results->forward_prompt);
      add_stats_json (builder, "forward_token_seconds", &results->forward_token);
    }
  if (results->large_model != NULL)
    {
      add_stats_json (builder, "forward_large_prompt_32_seconds", &results->large_prompt);
      add_stats_json (builder, "forward_large_token_seconds", &results->large_token);
    }
  json_builder_end_object (builder);
  uth_cli_json_print (builder);
}

static void
print_text (const BenchResults   *results,
            const BenchData      *d,
            const UthCliScenario *scenario,
            const BenchPlan      *plan)
{
  const char * const *ids = uth_draw_page_ids ();
  g_autofree char *what_estimate = g_strdup_printf (_("estimate (%s, %s)"), scenario->model->id,
                                                    scenario->gpu->id);
  g_autofree char *what_fits = g_strdup_printf (_("fits matrix (%u models × %u GPUs)"),
                                                d->n_models, d->n_gpus);
  g_autofree char *what_batching = g_strdup_printf (_("batching, %u requests"), BENCH_BATCH_REQUESTS);
  guint i, n_pass = 0, n_figures = 3;

  print_header (plan);
  n_pass += print_stats_row (what_estimate, &results->estimate, BUDGET_ESTIMATE_S);
  n_pass += print_stats_row (what_fits, &results->fits, BUDGET_FITS_S);
  n_pass += print_stats_row (what_batching, &results->batching, BUDGET_BATCHING_S);
  for (i = 0; ids[i] != NULL; i++, n_figures++)
    {
      const UthPageFigure *page = uth_draw_find_page (ids[i]);
      g_autofree char *what = NULL;
      g_autofree char *analysis = g_strdup_printf (_("page %s, analysis"), ids[i]);

      /* A page still drawn by its placeholder is timed too, but says so. */
      if (page->draw != NULL)
        what = g_strdup_printf (_("page %s, draw"), ids[i]);
      else
        what = g_strdup_printf (_("page %s (placeholder)"), ids[i]);
      /* Computed once per change of the page's inputs; a redraw (hover, resize) is the draw alone. */
      n_pass += print_stats_row (analysis, &g_array_index (results->analyses, BenchStats, i), BUDGET_PAGE_S);
      n_figures++;
      n_pass += print_stats_row (what, &g_array_index (results->pages, BenchStats, i), BUDGET_PAGE_S);
    }
  if (results->forward_model != NULL)
    {
      g_autofree char *what = g_strdup_printf (_("forward, %d tokens"), FORWARD_PROMPT_TOKENS);

      n_pass += print_stats_row (what, &results->forward_prompt, BUDGET_FORWARD_PROMPT_S);
      n_pass += print_stats_row (_("forward, one generated token"), &results->forward_token,
                                 BUDGET_FORWARD_TOKEN_S);
      n_figures += 2;
    }
  if (results->large_model != NULL)
    {
      g_autofree char *what = g_strdup_printf (_("135M model, %d-token prompt"), LARGE_PROMPT_TOKENS);

      n_pass += print_stats_row (what, &results->large_prompt, BUDGET_LARGE_PROMPT_S);
      n_pass += print_stats_row (_("135M model, one token"), &results->large_token,
                                 BUDGET_LARGE_TOKEN_S);
      n_figures += 2;
    }
  g_print ("\n");
  if (results->forward_model != NULL)
    g_print (_("Forward pass: %s, one thread; the 64-token pass records what the pages draw.\n"),
             results->forward_model);
  if (results->large_model != NULL)
    {
      g_autofree char *rss = uth_format_bytes (results->large_rss);
      g_autofree char *budget = uth_format_bytes (results->large_rss_budget);

      g_print (_("135M model: %s; resident memory grew by %s (budget 1.3 × the weight file: %s, plus the KV cache) %s\n"),
               results->large_model, rss, budget,
               results->large_rss <= results->large_rss_budget ? _("PASS") : _("OVER"));
    }
  else if (results->large_skip != NULL)
    {
      g_autofree char *why = uth_cli_escape (results->large_skip);
      g_print (_("135M model skipped: %s.\n"), why);
    }
  g_print (_("%u of %u figures within budget; pages drawn at %d×%d onto a Cairo image surface.\n"),
           n_pass, n_figures, BENCH_WIDTH, BENCH_HEIGHT);
  print_load ();
}

int
uth_cli_bench (int    argc,
               char **argv)
{
  gboolean json = FALSE;
  gboolean quick = FALSE;
  const UthCliOption options[] = {
    { "--json", NULL, &json },
    { "--quick", NULL, &quick },
  };
  GError *error = NULL;
  UthCliScenario scenario;
  BenchData d = { 0 };
  UthFigureContext ctx;
  BenchPlan plan = { 10, 200, 1.0 };
  BenchResults results = { 0 };
  gboolean ok;

  if (uth_cli_wants_help (argc, argv))
    {
      print_usage ();
      return 0;
    }
  if (!uth_cli_take_options (&argc, &argv, options, G_N_ELEMENTS (options), &error)
      || !uth_cli_parse_scenario (&argc, &argv, BENCH_MODEL, BENCH_GPU, &scenario, &error)
      || !uth_cli_expect_no_more (argc, argv, &error))
    return uth_cli_fail (error);
  if (quick)
    plan = (BenchPlan) { 3, 3, 0.0 };

  ok = bench_prepare (&d, &scenario, &ctx, &error) && bench_run (&d, &plan, &results, &error);
  if (ok && json)
    print_json (&results);
  else if (ok)
    print_text (&results, &d, &scenario, &plan);
  bench_clear (&d);
  g_clear_pointer (&results.pages, g_array_unref);
  g_free (results.forward_model);
  g_free (results.large_model);
  g_free (results.large_skip);
  g_clear_pointer (&results.analyses, g_array_unref);
  return ok ? 0 : uth_cli_fail (error);
}
