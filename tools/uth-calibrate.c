/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fits an engine profile to measured timings and prints how well it fits.
 *
 *   uth-calibrate [--engine ID] [--gpu ID] [--points] [--fit] [--set FIELD=VALUE ...]
 *                 MEASUREMENTS.json
 *   uth-calibrate --validate [--points] data/validation.json
 *
 * MEASUREMENTS.json is a calibration file (the format of
 * ../shared/calibration/h100-sxm-bf16.json) or a reference file (data/reference.json).
 * Without --fit it prints the error of the engine as it is in the catalog (after --set);
 * with --fit it searches the efficiency fields (Nelder-Mead on their logarithms,
 * minimizing the mean squared log error of the target points) and prints the fitted
 * fields as engines.json lines. The summary gives, per phase, the median and worst
 * relative error and the share of points within 25%.
 *
 * --validate checks the catalog's profiles, as they are, against the validation set
 * (data/validation.json): every point with the engine, GPU and model it names. It prints,
 * per engine and over all, the points counted, the median and worst error
 * (exp(|ln(predicted / measured)|) - 1) and the share within 25%, as a Markdown table,
 * then the points excluded and why. The fit cannot read that file: the reference loader
 * refuses a file whose "kind" is "validation". */
#include "config.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-reference.h"

typedef struct
{
  const char *name;
  gsize       offset;
  double      lo, hi;
  double      start;    /* where a fit starts when the profile has 0 (disabled) */
} Field;

#define FIELD(n, lo, hi, start) { #n, G_STRUCT_OFFSET (UthEngine, n), lo, hi, start }

/* The fields a fit may move, with the ranges that stay physical. The first
 * N_DEFAULT_FIT are fitted unless --fit-field names others. */
static const Field fields[] = {
  FIELD (compute_efficiency, 0.05, 1.0, 0.7),
  FIELD (bandwidth_efficiency, 0.05, 1.0, 0.8),
  FIELD (launch_overhead_s, 1e-8, 1e-3, 3e-6),
  FIELD (compute_half_rows, 0.01, 1e5, 16.0),
  FIELD (bandwidth_half_bytes, 1.0, 1e9, 1e6),
  FIELD (attention_compute_efficiency, 0.05, 1.0, 0.4),
  FIELD (attention_bandwidth_efficiency, 0.05, 1.0, 0.8),
  FIELD (attention_half_ctas, 0.001, 100.0, 0.05),
  FIELD (narrow_compute_efficiency, 0.05, 1.0, 0.5),
  FIELD (dequant_compute_efficiency, 0.05, 1.0, 0.9),
  FIELD (comm_efficiency, 0.05, 1.0, 0.7),
  FIELD (comm_latency_s, 1e-8, 1e-2, 1e-5),
};
#define N_DEFAULT_FIT 8

typedef struct
{
  GPtrArray        *points;
  UthCatalog       *catalog;
  const UthGpu     *gpu;
  UthEngine         engine;
  guint             fit_mask;      /* bit i: fields[i] is fitted */
} Ctx;

static double *
field_ptr (UthEngine *e,
           guint      i)
{
  return (double *) ((char *) e + fields[i].offset);
}

static int
find_field (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, name))
      return (int) i;
  return -1;
}

static gboolean all_points;

static gboolean
in_target (const UthReferencePoint *p)
{
  if (all_points)
    return TRUE;
  switch (p->phase)
    {
    case UTH_REFERENCE_DECODE:
      return p->batch >= 1 && p->batch <= 512 && p->context >= 128 && p->context <= 131073;
    case UTH_REFERENCE_PREFILL:
      return p->batch * p->prompt >= 1024;
    case UTH_REFERENCE_VERIFY:
    case UTH_REFERENCE_REQUEST:
      return TRUE;
    case UTH_REFERENCE_N_PHASES:
    default:
      return FALSE;
    }
}

static gboolean
predict (Ctx                     *c,
         const UthReferencePoint *p,
         double                  *seconds)
{
  const UthModel *model = NULL;
  const UthGpu *gpu = c->gpu;

  if (!p->has_spec)
    {
      const UthModelEntry *me = uth_catalog_find_model (c->catalog, p->model);
      const UthGpuEntry *ge = uth_catalog_find_gpu (c->catalog, p->gpu);

      if (me == NULL || ge == NULL)
        return FALSE;
      model = &me->spec;
      gpu = &ge->spec;
    }
  return uth_reference_predict (p, model, gpu, &c->engine, seconds) == UTH_ESTIMATE_OK;
}

static double
objective (Ctx *c)
{
  double sum = 0.0, worst = 0.0;
  guint n = 0;

  if (!uth_engine_validate (&c->engine))
    return INFINITY;
  for (guint i = 0; i < c->points->len; i++)
    {
      const UthReferencePoint *p = g_ptr_array_index (c->points, i);
      double s, e;

      if (!in_target (p))
        continue;
      if (!predict (c, p, &s))
        {
          g_printerr ("cannot estimate %s\n", p->id);
          return INFINITY;
        }
      /* Points with a wider documented tolerance weigh less. */
      e = log (s / p->seconds) * 0.25 / fmax (p->tolerance, 0.05);
      sum += e * e;
      worst = fmax (worst, fabs (e));
      n++;
    }
  /* Mean squared log error, with a push against the single worst point. */
  return n > 0 ? sum / n + 0.1 * worst * worst : INFINITY;
}

static void
set_params (Ctx          *c,
            const double *x)
{
  guint k = 0;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (c->fit_mask & (1u << i))
      {
        double v = exp (x[k++]);   /* CLAMP evaluates its argument more than once */

        *field_ptr (&c->engine, i) = CLAMP (v, fields[i].lo, fields[i].hi);
      }
}

static double
eval_at (Ctx          *c,
         const double *x)
{
  set_params (c, x);
  return objective (c);
}

/* Nelder-Mead on n dimensions; x holds the start and receives the best point. */
static void
nelder_mead (Ctx    *c,
             double *x,
             guint   n,
             guint   iterations)
{
  g_autofree double *simplex = g_new0 (double, (n + 1) * n);
  g_autofree double *f = g_new0 (double, n + 1);
  g_autofree double *centroid = g_new0 (double, n);
  g_autofree double *trial = g_new0 (double, n);
  g_autofree double *trial2 = g_new0 (double, n);

  for (guint i = 0; i <= n; i++)
    {
      memcpy (simplex + i * n, x, n * sizeof (double));
      if (i > 0)
        simplex[i * n + i - 1] += 0.5;
      f[i] = eval_at (c, simplex + i * n);
    }
  for (guint it = 0; it < iterations; it++)
    {
      guint best = 0, worst = 0, second = 0;
      double fr, fe;

      for (guint i = 0; i <= n; i++)
        {
          if (f[i] < f[best])
            best = i;
          if (f[i] > f[worst])
            worst = i;
        }
      second = best;
      for (guint i = 0; i <= n; i++)
        if (i != worst && f[i] > f[second])
          second = i;
      memset (centroid, 0, n * sizeof (double));
      for (guint i = 0; i <= n; i++)
        if (i != worst)
          for (guint j = 0; j < n; j++)
            centroid[j] += simplex[i * n + j] / n;
      for (guint j = 0; j < n; j++)
        trial[j] = centroid[j] + (centroid[j] - simplex[worst * n + j]);
      fr = eval_at (c, trial);
      if (fr < f[best])
        {
          for (guint j = 0; j < n; j++)
            trial2[j] = centroid[j] + 2.0 * (centroid[j] - simplex[worst * n + j]);
          fe = eval_at (c, trial2);
          if (fe < fr)
            {
              memcpy (simplex + worst * n, trial2, n * sizeof (double));
              f[worst] = fe;
            }
          else
            {
              memcpy (simplex + worst * n, trial, n * sizeof (double));
              f[worst] = fr;
            }
        }
      else if (fr < f[second])
        {
          memcpy (simplex + worst * n, trial, n * sizeof (double));
          f[worst] = fr;
        }
      else
        {
          for (guint j = 0; j < n; j++)
            trial[j] = centroid[j] + 0.5 * (simplex[worst * n + j] - centroid[j]);
          fr = eval_at (c, trial);
          if (fr < f[worst])
            {
              memcpy (simplex + worst * n, trial, n * sizeof (double));
              f[worst] = fr;
            }
          else
            for (guint i = 0; i <= n; i++)
              if (i != best)
                {
                  for (guint j = 0; j < n; j++)
                    simplex[i * n + j] = simplex[best * n + j] +
                                         0.5 * (simplex[i * n + j] - simplex[best * n + j]);
                  f[i] = eval_at (c, simplex + i * n);
                }
        }
    }
  {
    guint best = 0;

    for (guint i = 0; i <= n; i++)
      if (f[i] < f[best])
        best = i;
    memcpy (x, simplex + best * n, n * sizeof (double));
    set_params (c, x);
  }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
summarize (Ctx      *c,
           gboolean  show_points)
{
  for (guint phase = 0; phase < UTH_REFERENCE_N_PHASES; phase++)
    {
      g_autoptr (GArray) errs = g_array_new (FALSE, FALSE, sizeof (double));
      guint within = 0;
      const char *worst_id = "";
      double worst = 0.0;

      for (guint i = 0; i < c->points->len; i++)
        {
          const UthReferencePoint *p = g_ptr_array_index (c->points, i);
          double s = 0.0, e;

          if (p->phase != phase)
            continue;
          if (!predict (c, p, &s))
            {
              g_printerr ("%s: cannot estimate (unknown model or GPU, or bad input)\n", p->id);
              continue;
            }
          e = s / p->seconds - 1.0;
          if (show_points)
            g_print ("%-40s %s measured %10.4f ms  estimated %10.4f ms  %+6.1f%%%s\n",
                     p->id, in_target (p) ? " " : "*", p->seconds * 1e3, s * 1e3, e * 100.0,
                     fabs (e) > p->tolerance ? "  (beyond its tolerance)" : "");
          if (!in_target (p))
            continue;
          e = fabs (e);
          g_array_append_val (errs, e);
          within += e <= 0.25;
          if (e > worst)
            {
              worst = e;
              worst_id = p->id;
            }
        }
      if (errs->len == 0)
        continue;
      g_array_sort (errs, compare_double);
      g_print ("%-8s %3u points  median %5.1f%%  worst %5.1f%% (%s)  within 25%%: %5.1f%%\n",
               uth_reference_phase_id (phase), errs->len,
               100.0 * (errs->len % 2 ? g_array_index (errs, double, errs->len / 2) :
                        0.5 * (g_array_index (errs, double, errs->len / 2 - 1) +
                               g_array_index (errs, double, errs->len / 2))),
               100.0 * worst, worst_id, 100.0 * within / errs->len);
    }
}

typedef struct
{
  char   *engine;
  GArray *errors;   /* double */
  double  worst;
  char   *worst_id;
} EngineErrors;

static void
engine_errors_free (gpointer data)
{
  EngineErrors *e = data;

  g_free (e->engine);
  g_array_unref (e->errors);
  g_free (e->worst_id);
  g_free (e);
}

static double
median_of (GArray *errs)
{
  g_array_sort (errs, compare_double);
  if (errs->len == 0)
    return NAN;
  return errs->len % 2 ? g_array_index (errs, double, errs->len / 2) :
         0.5 * (g_array_index (errs, double, errs->len / 2 - 1) +
                g_array_index (errs, double, errs->len / 2));
}

static void
print_errors_row (const char *name,
                  GArray     *errs,
                  double      worst,
                  const char *worst_id)
{
  guint within = 0;

  for (guint i = 0; i < errs->len; i++)
    within += g_array_index (errs, double, i) <= 0.25;
  g_print ("| %s | %u | %.1f%% | %.1f%% (%s) | %.0f%% |\n", name, errs->len,
           100.0 * median_of (errs), 100.0 * worst, worst_id,
           errs->len > 0 ? 100.0 * within / errs->len : 0.0);
}

/* --validate: each point with its own engine, GPU and model from the catalog. */
static int
validate (UthCatalog *catalog,
          const char *path,
          gboolean    show_points)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) points = uth_reference_load_validation_file (path, &error);
  g_autoptr (GPtrArray) engines = g_ptr_array_new_with_free_func (engine_errors_free);
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  double all_worst = 0.0;
  const char *all_worst_id = "";
  guint excluded = 0;

  if (points == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < points->len; i++)
    {
      const UthReferencePoint *p = g_ptr_array_index (points, i);
      const UthModelEntry *me = uth_catalog_find_model (catalog, p->model);
      const UthGpuEntry *ge = uth_catalog_find_gpu (catalog, p->gpu);
      const UthEngineEntry *ee = uth_catalog_find_engine (catalog, p->engine);
      EngineErrors *bucket = NULL;
      double s, e;

      if (me == NULL || ge == NULL || ee == NULL)
        {
          g_printerr ("%s: unknown model, GPU or engine (%s, %s, %s)\n", p->id, p->model,
                      p->gpu, p->engine);
          return 1;
        }
      if (uth_reference_predict (p, &me->spec, &ge->spec, &ee->spec, &s) != UTH_ESTIMATE_OK)
        {
          g_printerr ("%s: cannot estimate\n", p->id);
          return 1;
        }
      e = uth_reference_validation_error (s, p->seconds);
      if (show_points)
        g_print ("%-44s %-16s measured %10.4f ms  estimated %10.4f ms  %+6.1f%%%s\n", p->id,
                 p->engine, p->seconds * 1e3, s * 1e3, (s / p->seconds - 1.0) * 100.0,
                 p->excluded != NULL ? "  (excluded)" : "");
      if (p->excluded != NULL)
        {
          excluded++;
          continue;
        }
      for (guint j = 0; j < engines->len && bucket == NULL; j++)
        if (g_str_equal (((EngineErrors *) g_ptr_array_index (engines, j))->engine, p->engine))
          bucket = g_ptr_array_index (engines, j);
      if (bucket == NULL)
        {
          bucket = g_new0 (EngineErrors, 1);
          bucket->engine = g_strdup (p->engine);
          bucket->errors = g_array_new (FALSE, FALSE, sizeof (double));
          bucket->worst_id = g_strdup ("");
          g_ptr_array_add (engines, bucket);
        }
      g_array_append_val (bucket->errors, e);
      g_array_append_val (all, e);
      if (e > bucket->worst)
        {
          bucket->worst = e;
          g_free (bucket->worst_id);
          bucket->worst_id = g_strdup (p->id);
        }
      if (e > all_worst)
        {
          all_worst = e;
          all_worst_id = p->id;
        }
    }
  g_print ("| Engine | Points | Median error | Worst error | Within 25%% |\n");
  g_print ("| --- | ---: | ---: | ---: | ---: |\n");
  for (guint j = 0; j < engines->len; j++)
    {
      EngineErrors *b = g_ptr_array_index (engines, j);

      print_errors_row (b->engine, b->errors, b->worst, b->worst_id);
    }
  print_errors_row ("all", all, all_worst, all_worst_id);
  g_print ("\n%u points excluded:\n", excluded);
  for (guint i = 0; i < points->len; i++)
    {
      const UthReferencePoint *p = g_ptr_array_index (points, i);

      if (p->excluded != NULL)
        g_print ("- %s: %s\n", p->id, p->excluded);
    }
  return 0;
}

static void
print_engine (const UthEngine *e)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_print ("\"%s\": %.4g,\n", fields[i].name, *field_ptr ((UthEngine *) e, i));
  g_print ("\"kernels_per_layer\": %u, \"flash_attention\": %s\n", e->kernels_per_layer,
           e->flash_attention ? "true" : "false");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *engine_id = g_strdup ("torch-cudagraph");
  g_autofree char *gpu_id = g_strdup ("h100-sxm");
  g_auto (GStrv) sets = NULL;
  g_auto (GStrv) fit_fields = NULL;
  gboolean show_points = FALSE, fit = FALSE, check = FALSE;
  guint iterations = 600;
  GOptionEntry entries[] = {
    { "engine", 'e', 0, G_OPTION_ARG_STRING, &engine_id, "Engine profile to start from", "ID" },
    { "gpu", 'g', 0, G_OPTION_ARG_STRING, &gpu_id, "GPU the measurements were taken on", "ID" },
    { "points", 'p', 0, G_OPTION_ARG_NONE, &show_points, "Print every point", NULL },
    { "all-points", 0, 0, G_OPTION_ARG_NONE, &all_points,
      "Fit and summarize every point (not only decode at context 128 or more and prefill of "
      "1024 tokens or more)", NULL },
    { "fit", 'f', 0, G_OPTION_ARG_NONE, &fit, "Fit the profile", NULL },
    { "validate", 0, 0, G_OPTION_ARG_NONE, &check,
      "Check every profile against a validation set (data/validation.json)", NULL },
    { "fit-field", 0, 0, G_OPTION_ARG_STRING_ARRAY, &fit_fields,
      "Fit only these fields (default: all efficiency fields)", "FIELD" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Set an engine field first", "FIELD=VALUE" },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Nelder-Mead iterations", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) options = g_option_context_new ("MEASUREMENTS.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (UthCatalog) catalog = uth_catalog_new ();
  const UthEngineEntry *engine;
  const UthGpuEntry *gpu;
  Ctx c = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("%s\n", error ? error->message : "one measurements file expected");
      return 2;
    }
  if (!uth_catalog_load_bundled (catalog, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (check)
    {
      if (fit)
        {
          g_printerr ("--validate and --fit are separate commands\n");
          return 2;
        }
      return validate (catalog, argv[1], show_points);
    }
  engine = uth_catalog_find_engine (catalog, engine_id);
  gpu = uth_catalog_find_gpu (catalog, gpu_id);
  if (engine == NULL || gpu == NULL)
    {
      g_printerr ("unknown %s “%s”\n", engine == NULL ? "engine" : "GPU",
                  engine == NULL ? engine_id : gpu_id);
      return 2;
    }
  c.catalog = catalog;
  c.gpu = &gpu->spec;
  c.engine = engine->spec;

  /* A reference file has "points" (only the engine's are used); a calibration file has
   * "models". */
  c.points = uth_reference_load_file (argv[1], &error);
  if (g_error_matches (error, UTH_REFERENCE_ERROR, UTH_REFERENCE_ERROR_VALIDATION_SET))
    {
      /* The fit never reads the validation set. */
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_clear_error (&error);
  if (c.points != NULL)
    {
      for (guint i = c.points->len; i-- > 0;)
        {
          const UthReferencePoint *p = g_ptr_array_index (c.points, i);

          if (g_strcmp0 (p->engine, engine_id) != 0)
            g_ptr_array_remove_index (c.points, i);
        }
    }
  else
    c.points = uth_reference_load_calibration (argv[1], gpu_id, engine_id, &error);
  if (c.points == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (guint i = 0; sets != NULL && sets[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (sets[i], "=", 2);
      int f = kv[0] != NULL ? find_field (kv[0]) : -1;

      if (kv[0] != NULL && g_str_equal (kv[0], "kernels_per_layer") && kv[1] != NULL)
        c.engine.kernels_per_layer = (guint32) g_ascii_strtoull (kv[1], NULL, 10);
      else if (kv[0] != NULL && g_str_equal (kv[0], "flash_attention") && kv[1] != NULL)
        c.engine.flash_attention = g_str_equal (kv[1], "true");
      else if (f >= 0 && kv[1] != NULL)
        *field_ptr (&c.engine, (guint) f) = g_ascii_strtod (kv[1], NULL);
      else
        {
          g_printerr ("--set %s: unknown field\n", sets[i]);
          return 2;
        }
    }

  if (fit)
    {
      double x[G_N_ELEMENTS (fields)];
      guint n = 0;

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        {
          gboolean chosen = fit_fields == NULL ? i < N_DEFAULT_FIT :
                            g_strv_contains ((const char * const *) fit_fields, fields[i].name);
          double v = *field_ptr (&c.engine, i);

          if (!chosen)
            continue;
          c.fit_mask |= 1u << i;
          x[n++] = log (CLAMP (v > 0.0 ? v : fields[i].start, fields[i].lo, fields[i].hi));
        }
      g_print ("start (objective %.5f)\n", eval_at (&c, x));
      for (guint round = 0; round < 4; round++)
        nelder_mead (&c, x, n, iterations);
      g_print ("fitted (objective %.5f):\n", objective (&c));
      print_engine (&c.engine);
    }
  else
    print_engine (&c.engine);
  summarize (&c, show_points);
  g_ptr_array_unref (c.points);
  return 0;
}
