/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `under-the-hood bench --json --quick` as a user runs it: the structure of its JSON (keys,
 * every page, finite non-negative seconds, min <= median <= max). Never its timings: a timed
 * test fails on a busy machine and proves nothing. */
#include "config.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

/* The page ids of DESIGN.md ("overview" and "home" first, then both learning paths). Written out here rather
 * than asked of the binary, so a page missing from the bench is caught. */
static const char * const page_ids[] = {
  "overview", "home",
  "tokens", "embed", "position", "attention", "softmax", "generation", "shapes",
  "model", "layer", "tiling", "flash-attention", "kv-cache", "batching", "speculative", "cost",
};

static const char * const figure_keys[] = {
  "estimate_seconds", "fits_matrix_seconds", "batching_10k_seconds",
  "forward_prompt_64_seconds", "forward_token_seconds",
};

static void
run_binary (const char * const *args,
            char              **out,
            char              **err,
            int                *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  guint i;

  g_ptr_array_add (argv, (gpointer) UTH_BINARY);
  for (i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out, err, status, &error);
  g_assert_no_error (error);
}

/* Checks one {"median", "min", "max"} object and returns its median. */
static double
check_stats (JsonObject *parent,
             const char *name)
{
  JsonNode *node;
  JsonObject *stats;
  double median, min, max;

  g_test_message ("checking %s", name);
  node = json_object_get_member (parent, name);
  g_assert_nonnull (node);
  g_assert_cmpint (JSON_NODE_TYPE (node), ==, JSON_NODE_OBJECT);
  stats = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (stats), ==, 3);
  g_assert_true (json_object_has_member (stats, "median"));
  g_assert_true (json_object_has_member (stats, "min"));
  g_assert_true (json_object_has_member (stats, "max"));
  median = json_object_get_double_member (stats, "median");
  min = json_object_get_double_member (stats, "min");
  max = json_object_get_double_member (stats, "max");
  g_assert_true (isfinite (median) && isfinite (min) && isfinite (max));
  g_assert_cmpfloat (min, >=, 0.0);
  g_assert_cmpfloat (min, <=, median);
  g_assert_cmpfloat (median, <=, max);
  return median;
}

static void
test_bench_json (void)
{
  const char * const args[] = { "bench", "--json", "--quick", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *render, *analysis;
  double total = 0.0;
  int status;
  guint i;

  run_binary (args, &out, &err, &status);
  g_test_message ("stderr: %s", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (JSON_NODE_TYPE (json_parser_get_root (parser)), ==, JSON_NODE_OBJECT);
  root = json_node_get_object (json_parser_get_root (parser));

  for (i = 0; i < G_N_ELEMENTS (figure_keys); i++)
    total += check_stats (root, figure_keys[i]);

  g_assert_true (json_object_has_member (root, "render_seconds"));
  g_assert_cmpint (JSON_NODE_TYPE (json_object_get_member (root, "render_seconds")), ==,
                   JSON_NODE_OBJECT);
  render = json_object_get_object_member (root, "render_seconds");
  for (i = 0; i < G_N_ELEMENTS (page_ids); i++)
    total += check_stats (render, page_ids[i]);
  /* One entry per page and nothing else. */
  g_assert_cmpuint (json_object_get_size (render), ==, G_N_ELEMENTS (page_ids));
  /* Each page's analysis is timed apart from its drawing (issue 20). */
  g_assert_true (json_object_has_member (root, "analysis_seconds"));
  analysis = json_object_get_object_member (root, "analysis_seconds");
  g_assert_nonnull (analysis);
  for (i = 0; i < G_N_ELEMENTS (page_ids); i++)
    check_stats (analysis, page_ids[i]);
  g_assert_cmpuint (json_object_get_size (analysis), ==, G_N_ELEMENTS (page_ids));

  /* Something was measured: a bench of zeros would pass every check above. */
  g_assert_cmpfloat (total, >, 0.0);
}

static void
test_bench_text (void)
{
  const char * const args[] = { "bench", "--quick", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;
  guint i;

  run_binary (args, &out, &err, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  /* Every page has a row for its analysis and one for its drawing, with budget marks. */
  for (i = 0; i < G_N_ELEMENTS (page_ids); i++)
    {
      g_autofree char *analysis = g_strdup_printf (" %s, analysis ", page_ids[i]);
      g_autofree char *draw = g_strdup_printf (" %s, draw ", page_ids[i]);

      g_assert_nonnull (strstr (out, analysis));
      g_assert_nonnull (strstr (out, draw));
    }
  g_assert_true (strstr (out, "PASS") != NULL || strstr (out, "OVER") != NULL);
}

static void
test_bench_bad_usage (void)
{
  const char * const unknown[] = { "bench", "--no-such-option", NULL };
  const char * const extra[] = { "bench", "pages", NULL };
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;
  int status;

  run_binary (unknown, &out1, &err1, &status);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err1, "--no-such-option"));
  g_assert_cmpstr (out1, ==, "");

  run_binary (extra, &out2, &err2, &status);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err2, "pages"));
  g_assert_cmpstr (out2, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bench/json", test_bench_json);
  g_test_add_func ("/bench/text", test_bench_text);
  g_test_add_func ("/bench/bad-usage", test_bench_bad_usage);
  return g_test_run ();
}
