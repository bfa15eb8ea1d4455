/* SPDX-License-Identifier: GPL-3.0-or-later */
/* under-the-hood run, as a user runs it, on the fixture model tests/data/forward/cli-llama
 * (one layer, a byte-level BPE tokenizer.json of 260 tokens): the JSON's shape, greedy
 * decoding is deterministic, a seed reproduces a sampled text, and bad input is refused. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs the binary; data_dir, when given, becomes $UTH_DATA_DIR and $UTH_SOURCE_ROOT is
 * dropped, so that only that folder can hold the default model. */
static void
run_env (Run        *r,
         const char *data_dir,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) UTH_BINARY);
  va_start (ap, data_dir);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (data_dir != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "UTH_DATA_DIR", data_dir, TRUE);
      g_subprocess_launcher_unsetenv (launcher, "UTH_SOURCE_ROOT");
    }
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
  g_test_message ("exit %d\nstdout: %.2000s\nstderr: %s", r->status, r->out, r->err);
}

#define run(r, ...) run_env ((r), NULL, __VA_ARGS__, NULL)

static char *
fixture (void)
{
  return g_test_build_filename (G_TEST_DIST, "data", "forward", "cli-llama", NULL);
}

/* The generated ids of a --json run, checking the JSON's shape on the way. */
static GArray *
check_json (const char *text,
            guint       n_steps)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonObject *root;
  JsonArray *steps;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  root = json_node_get_object (node);
  /* Exactly the three members. */
  g_assert_cmpuint (json_object_get_size (root), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (root, "prefill_seconds"), >=, 0.0);
  g_assert_true (json_object_has_member (root, "tokens_per_second"));
  steps = json_object_get_array_member (root, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, n_steps);
  for (guint i = 0; i < n_steps; i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);
      JsonArray *top = json_object_get_array_member (step, "top");
      gint64 id = json_object_get_int_member (step, "id");
      double sum = 0.0, last = 1.0;

      g_assert_cmpuint (json_object_get_size (step), ==, 3);
      g_assert_nonnull (json_object_get_string_member (step, "token"));
      g_assert_cmpint (id, >=, 0);
      g_assert_cmpint (id, <, 260);
      g_array_append_val (ids, id);
      g_assert_cmpuint (json_array_get_length (top), ==, 10);
      for (guint k = 0; k < 10; k++)
        {
          JsonObject *c = json_array_get_object_element (top, k);
          double p = json_object_get_double_member (c, "p");

          g_assert_cmpuint (json_object_get_size (c), ==, 3);
          g_assert_nonnull (json_object_get_string_member (c, "token"));
          g_assert_cmpint (json_object_get_int_member (c, "id"), <, 260);
          /* Most likely first. */
          g_assert_cmpfloat (p, <=, last);
          g_assert_cmpfloat (p, >, 0.0);
          last = p;
          sum += p;
        }
      g_assert_cmpfloat (sum, <=, 1.0 + 1e-6);
    }
  return ids;
}

static void
test_json_greedy (void)
{
  g_autofree char *model = fixture ();
  g_auto(Run) a = { 0 };
  g_auto(Run) b = { 0 };
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) second = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *steps;

  run (&a, "run", model, "--prompt", "the cat in the hat", "--tokens", "6", "--temperature", "0",
       "--seed", "1", "--json");
  g_assert_cmpint (a.status, ==, 0);
  first = check_json (a.out, 6);
  /* Greedy ignores the seed; the same text twice. */
  run (&b, "run", model, "--prompt", "the cat in the hat", "--tokens", "6", "--temperature", "0",
       "--seed", "2", "--json");
  g_assert_cmpint (b.status, ==, 0);
  second = check_json (b.out, 6);
  g_assert_cmpmem (first->data, first->len * 8, second->data, second->len * 8);
  /* Greedy takes the most likely candidate every time. */
  node = json_from_string (a.out, NULL);
  steps = json_object_get_array_member (json_node_get_object (node), "steps");
  for (guint i = 0; i < 6; i++)
    {
      JsonObject *step = json_array_get_object_element (steps, i);
      JsonObject *best = json_array_get_object_element (json_object_get_array_member (step, "top"), 0);

      g_assert_cmpint (json_object_get_int_member (step, "id"), ==,
                       json_object_get_int_member (best, "id"));
    }
}

static void
test_seed (void)
{
  g_autofree char *model = fixture ();
  g_auto(Run) a = { 0 };
  g_auto(Run) b = { 0 };
  g_auto(Run) c = { 0 };
  g_autoptr(GArray) ia = NULL;
  g_autoptr(GArray) ib = NULL;
  g_autoptr(GArray) ic = NULL;

  /* Hot sampling from every token: two seeds part within 20 tokens (the odds of the same
   * 20 draws are far below one in a million for this model). */
  run (&a, "run", model, "--prompt", "in the", "--tokens", "20", "--temperature", "2",
       "--top-k", "0", "--top-p", "1", "--seed", "7", "--json");
  run (&b, "run", model, "--prompt", "in the", "--tokens", "20", "--temperature", "2",
       "--top-k", "0", "--top-p", "1", "--seed", "7", "--json");
  run (&c, "run", model, "--prompt", "in the", "--tokens", "20", "--temperature", "2",
       "--top-k", "0", "--top-p", "1", "--seed", "8", "--json");
  g_assert_cmpint (a.status, ==, 0);
  g_assert_cmpint (b.status, ==, 0);
  g_assert_cmpint (c.status, ==, 0);
  ia = check_json (a.out, 20);
  ib = check_json (b.out, 20);
  ic = check_json (c.out, 20);
  g_assert_cmpmem (ia->data, ia->len * 8, ib->data, ib->len * 8);
  g_assert_false (memcmp (ia->data, ic->data, ia->len * 8) == 0);
}

static void
test_text (void)
{
  g_autofree char *model = fixture ();
  g_auto(Run) r = { 0 };

  run (&r, "run", model, "--prompt", "the", "--tokens", "3", "--seed", "5");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Model: llama, 1 layer,"));
  g_assert_nonnull (strstr (r.out, "Step 3: "));
  g_assert_null (strstr (r.out, "Step 4: "));
  /* "the" is t + he after the merge (h, e): two tokens. */
  g_assert_nonnull (strstr (r.out, "Prompt: 2 tokens in "));
  g_assert_nonnull (strstr (r.out, "Seed: 5"));
}

static void
test_default_model (void)
{
  g_autofree char *model = fixture ();
  g_autofree char *dir = g_dir_make_tmp ("uth-run-XXXXXX", NULL);
  g_autofree char *link = g_build_filename (dir, "model", NULL);
  g_auto(Run) found = { 0 };
  g_auto(Run) missing = { 0 };

  /* Nothing in the data folder: a clear error (unless this machine installed the app). */
  run_env (&missing, dir, "run", "--prompt", "the", "--tokens", "2", NULL);
  if (!g_file_test (PKGDATADIR "/model/config.json", G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (missing.status, ==, 1);
      g_assert_nonnull (strstr (missing.err, "the default model is not installed"));
    }
  g_assert_cmpint (symlink (model, link), ==, 0);
  run_env (&found, dir, "run", "--prompt", "the", "--tokens", "2", "--json", NULL);
  g_assert_cmpint (found.status, ==, 0);
  g_array_unref (check_json (found.out, 2));
  g_unlink (link);
  g_rmdir (dir);
}

static void
test_errors (void)
{
  g_autofree char *model = fixture ();
  g_autofree char *dir = g_dir_make_tmp ("uth-run-XXXXXX", NULL);
  g_auto(Run) no_prompt = { 0 };
  g_auto(Run) bad_p = { 0 };
  g_auto(Run) bad_n = { 0 };
  g_auto(Run) empty = { 0 };
  g_auto(Run) no_model = { 0 };
  g_auto(Run) too_long = { 0 };

  run (&no_prompt, "run", model);
  g_assert_cmpint (no_prompt.status, ==, 2);
  g_assert_nonnull (strstr (no_prompt.err, "--prompt"));
  run (&bad_p, "run", model, "--prompt", "a", "--top-p", "0");
  g_assert_cmpint (bad_p.status, ==, 2);
  g_assert_nonnull (strstr (bad_p.err, "--top-p"));
  run (&bad_n, "run", model, "--prompt", "a", "--tokens", "0");
  g_assert_cmpint (bad_n.status, ==, 2);
  g_assert_nonnull (strstr (bad_n.err, "--tokens"));
  run (&empty, "run", model, "--prompt", "");
  g_assert_cmpint (empty.status, ==, 2);
  g_assert_nonnull (strstr (empty.err, "the prompt is empty"));
  run (&no_model, "run", dir, "--prompt", "a");
  g_assert_cmpint (no_model.status, ==, 1);
  g_assert_nonnull (strstr (no_model.err, "no config.json"));
  /* The fixture's context is 128 positions. */
  run (&too_long, "run", model, "--prompt", "a", "--tokens", "200");
  g_assert_cmpint (too_long.status, ==, 2);
  g_assert_nonnull (strstr (too_long.err, "context of 128 tokens"));
  g_rmdir (dir);
}

/* inspect says whether a folder can be run, and why not. */
static void
test_inspect_runnable (void)
{
  g_autofree char *model = fixture ();
  g_autofree char *config = g_build_filename (model, "config.json", NULL);
  g_autofree char *dir = g_dir_make_tmp ("uth-run-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "config.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) edited = NULL;
  g_auto(Run) good = { 0 };
  g_auto(Run) refused = { 0 };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root;

  run (&good, "inspect", model, "--json");
  g_assert_cmpint (good.status, ==, 0);
  node = json_from_string (good.out, NULL);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "runnable"));
  g_clear_pointer (&node, json_node_unref);

  /* The same config as a Gemma, without weights beside it. */
  g_assert_true (g_file_get_contents (config, &text, NULL, NULL));
  edited = g_string_new (text);
  g_string_replace (edited, "\"llama\"", "\"gemma\"", 1);
  g_assert_true (g_file_set_contents (bad, edited->str, -1, NULL));
  run (&refused, "inspect", dir, "--json");
  g_assert_cmpint (refused.status, ==, 0);
  node = json_from_string (refused.out, NULL);
  root = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (root, "runnable"));
  g_assert_nonnull (strstr (json_object_get_string_member (root, "not_runnable_because"),
                            "architecture 'gemma' is not supported"));
  g_unlink (bad);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-run/json-greedy", test_json_greedy);
  g_test_add_func ("/cli-run/seed", test_seed);
  g_test_add_func ("/cli-run/text", test_text);
  g_test_add_func ("/cli-run/default-model", test_default_model);
  g_test_add_func ("/cli-run/errors", test_errors);
  g_test_add_func ("/cli-run/inspect-runnable", test_inspect_runnable);
  return g_test_run ();
}
