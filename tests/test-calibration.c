/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shipped engine profiles against measurements.
 *
 * - torch-cudagraph against the H100 calibration file (../shared/calibration/ when present,
 *   else the copy in tests/data/): for decode steps (batch 1 to 512, context 128 to 128k),
 *   prefill passes of at least 1024 tokens and verify steps, a median error of at most
 *   10%, at least 90% of points within 25%, none off by more than 50% (issue 8).
 * - every point of the bundled data/reference.json within the tolerance it documents, with
 *   the engine profile it names, on the GPU and model of the catalog.
 * - the reader's error paths. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-reference.h"

static UthCatalog *catalog;

static gboolean
in_target (const UthReferencePoint *p)
{
  switch (p->phase)
    {
    case UTH_REFERENCE_DECODE:
      return p->batch <= 512 && p->context >= 128 && p->context <= 131073;
    case UTH_REFERENCE_PREFILL:
      return p->batch * p->prompt >= 1024;
    case UTH_REFERENCE_VERIFY:
      return TRUE;
    case UTH_REFERENCE_REQUEST:
    case UTH_REFERENCE_N_PHASES:
    default:
      return FALSE;
    }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static char *
calibration_path (void)
{
  const char *shared = g_getenv ("UTH_SHARED_DIR");
  char *path;

  if (shared != NULL)
    {
      path = g_build_filename (shared, "calibration", "h100-sxm-bf16.json", NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;
      g_free (path);
    }
  return g_test_build_filename (G_TEST_DIST, "data", "h100-sxm-bf16.json", NULL);
}

static void
test_calibration_target (void)
{
  g_autofree char *path = calibration_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) points = uth_reference_load_calibration (path, "h100-sxm",
                                                                 "torch-cudagraph", &error);
  const UthEngineEntry *engine = uth_catalog_find_engine (catalog, "torch-cudagraph");
  const UthGpuEntry *gpu = uth_catalog_find_gpu (catalog, "h100-sxm");

  g_test_message ("measurements: %s", path);
  g_assert_no_error (error);
  g_assert_nonnull (engine);
  g_assert_nonnull (gpu);
  g_assert_cmpuint (points->len, >=, 60);

  for (guint phase = UTH_REFERENCE_DECODE; phase <= UTH_REFERENCE_VERIFY; phase++)
    {
      g_autoptr (GArray) errs = g_array_new (FALSE, FALSE, sizeof (double));
      guint within = 0;
      double median;

      for (guint i = 0; i < points->len; i++)
        {
          const UthReferencePoint *p = g_ptr_array_index (points, i);
          double s, e;

          if (p->phase != phase || !in_target (p))
            continue;
          g_assert_cmpint (uth_reference_predict (p, NULL, &gpu->spec, &engine->spec, &s), ==,
                           UTH_ESTIMATE_OK);
          e = fabs (s / p->seconds - 1.0);
          if (e > 0.5)
            g_error ("%s: estimated %.4g s, measured %.4g s: off by more than 50%%",
                     p->id, s, p->seconds);
          within += e <= 0.25;
          g_array_append_val (errs, e);
        }
      g_assert_cmpuint (errs->len, >=, 10);
      g_array_sort (errs, compare_double);
      median = errs->len % 2 ? g_array_index (errs, double, errs->len / 2) :
               0.5 * (g_array_index (errs, double, errs->len / 2 - 1) +
                      g_array_index (errs, double, errs->len / 2));
      g_test_message ("%s: %u points, median %.1f%%, worst %.1f%%, within 25%%: %u",
                      uth_reference_phase_id (phase), errs->len, median * 100,
                      g_array_index (errs, double, errs->len - 1) * 100, within);
      g_assert_cmpfloat (median, <=, 0.10);
      g_assert_cmpfloat ((double) within, >=, 0.9 * errs->len);
    }
}

static void
test_reference_points (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) points = uth_reference_load_bundled (&error);
  guint published = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (points->len, >, 50);
  for (guint i = 0; i < points->len; i++)
    {
      const UthReferencePoint *p = g_ptr_array_index (points, i);
      const UthModelEntry *model = uth_catalog_find_model (catalog, p->model);
      const UthGpuEntry *gpu = uth_catalog_find_gpu (catalog, p->gpu);
      const UthEngineEntry *engine = uth_catalog_find_engine (catalog, p->engine);
      double s, e;

      if (model == NULL || gpu == NULL || engine == NULL)
        g_error ("%s: unknown model, GPU or engine (%s, %s, %s)", p->id, p->model, p->gpu,
                 p->engine);
      g_assert_nonnull (p->source);
      g_assert_cmpfloat (p->seconds, >, 0.0);
      g_assert_cmpfloat (uth_reference_point_tokens_per_second (p), >, 0.0);
      g_assert_cmpint (uth_reference_predict (p, &model->spec, &gpu->spec, &engine->spec, &s),
                       ==, UTH_ESTIMATE_OK);
      /* No measurement beats the ideal roofline (within the slack of rounded sources). */
      if (uth_reference_roofline_fraction (p, &model->spec, &gpu->spec) > 1.05)
        g_error ("%s: faster than the roofline allows", p->id);
      g_assert_cmpfloat (uth_reference_roofline_fraction (p, &model->spec, &gpu->spec), >, 0.0);
      e = s / p->seconds - 1.0;
      if (fabs (e) > p->tolerance)
        g_error ("%s: estimated %.4g s, measured %.4g s (%+.0f%%), beyond its tolerance %.0f%%",
                 p->id, s, p->seconds, e * 100, p->tolerance * 100);
      published += g_str_has_prefix (p->source, "http");
    }
  /* Published points besides the calibration run. */
  g_assert_cmpuint (published, >=, 30);
}

static void
expect_error (const char *json,
              const char *fragment)
{
  g_autoptr (GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) points = uth_reference_load_bytes (bytes, "fixture.json", &error);

  g_assert_null (points);
  g_assert_nonnull (error);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, fragment);
  g_assert_nonnull (strstr (error->message, "fixture.json"));
}

#define POINT(extra) \
  "{\"points\": [{\"id\": \"p1\", \"source\": \"https://example.org\", \"engine\": \"tuned\", " \
  "\"gpu\": \"h100-sxm\", \"model\": \"llama-2-7b\", " extra "}]}"

static void
test_reader_errors (void)
{
  g_autoptr (GBytes) good = NULL;
  g_autoptr (GPtrArray) points = NULL;
  g_autoptr (GError) error = NULL;
  const UthReferencePoint *p;
  const char *ok = POINT ("\"phase\": \"decode\", \"batch\": 4, \"context\": 1024, "
                          "\"tokens_per_second\": 400");

  good = g_bytes_new_static (ok, strlen (ok));
  points = uth_reference_load_bytes (good, "fixture.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 1);
  p = g_ptr_array_index (points, 0);
  /* 4 sequences x 1 token / 400 tok/s = 10 ms; bf16 and 25% by default. */
  g_assert_cmpfloat_with_epsilon (p->seconds, 0.01, 1e-12);
  g_assert_cmpint (p->weights, ==, UTH_DTYPE_BF16);
  g_assert_cmpfloat (p->tolerance, ==, 0.25);
  g_assert_cmpuint (p->step_tokens, ==, 1);

  expect_error ("[1, 2]", "points");
  expect_error (POINT ("\"phase\": \"decode\", \"context\": 1024, \"seconds\": 1"), "batch");
  expect_error (POINT ("\"phase\": \"warmup\", \"batch\": 1, \"context\": 1, \"seconds\": 1"),
                "phase");
  expect_error (POINT ("\"phase\": \"decode\", \"batch\": -1, \"context\": 1, \"seconds\": 1"),
                "batch");
  expect_error (POINT ("\"phase\": \"decode\", \"batch\": 1, \"context\": 8, "
                       "\"step_tokens\": 9, \"seconds\": 1"), "step_tokens");
  expect_error (POINT ("\"phase\": \"prefill\", \"batch\": 1, \"seconds\": 1"), "prompt");
  expect_error (POINT ("\"phase\": \"request\", \"batch\": 1, \"prompt\": 8, \"seconds\": 1"),
                "output_tokens");
  expect_error (POINT ("\"phase\": \"decode\", \"batch\": 1, \"context\": 8"), "seconds");
  expect_error (POINT ("\"phase\": \"decode\", \"batch\": 1, \"context\": 8, "
                       "\"precision\": \"tf32\", \"seconds\": 1"), "precision");
  expect_error (POINT ("\"phase\": \"decode\", \"batch\": 1.5, \"context\": 8, \"seconds\": 1"),
                "batch");
}

static void
expect_calibration_error (const char *json,
                          const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("uth-calibration-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) points = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "measurements.json", NULL);
  g_assert_true (g_file_set_contents (path, json, -1, &error));
  points = uth_reference_load_calibration (path, "h100-sxm", "torch-cudagraph", &error);
  g_assert_null (points);
  g_assert_nonnull (error);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, fragment);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_calibration_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) points = NULL;

  expect_calibration_error ("{\"models\": [1]}", "models");
  expect_calibration_error ("{\"models\": {\"m\": {\"decode\": []}}}", "config");
  expect_calibration_error ("{\"models\": {\"m\": {\"config\": {\"d\": 64, \"L\": 2, "
                            "\"H\": 4, \"KV\": 3, \"F\": 128, \"V\": 100}}}}", "config");
  expect_calibration_error ("{\"models\": {\"m\": {\"config\": {\"d\": 64, \"L\": 0, "
                            "\"H\": 4, \"KV\": 4, \"F\": 128, \"V\": 100}}}}", "L");
  points = uth_reference_load_calibration ("/nonexistent/measurements.json", "h100-sxm",
                                           "torch-cudagraph", &error);
  g_assert_null (points);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  catalog = uth_catalog_new ();
  if (!uth_catalog_load_bundled (catalog, &error))
    g_error ("bundled catalog: %s", error->message);
  g_test_add_func ("/calibration/torch-cudagraph", test_calibration_target);
  g_test_add_func ("/calibration/reference-points", test_reference_points);
  g_test_add_func ("/calibration/reader-errors", test_reader_errors);
  g_test_add_func ("/calibration/measurement-file-errors", test_calibration_errors);
  status = g_test_run ();
  uth_catalog_unref (catalog);
  return status;
}
