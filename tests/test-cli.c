/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line run as a user runs it: exit codes, JSON keys, numbers worked by hand. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

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

/* Runs the binary with a private, empty user config folder unless config_dir is given. */
static void
run_in (Run         *r,
        const char  *config_dir,
        const char  *stdout_path,
        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) UTH_BINARY);
  va_start (ap, stdout_path);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  if (config_dir == NULL)
    {
      tmp = g_dir_make_tmp ("uth-cli-XXXXXX", &error);
      g_assert_no_error (error);
      config_dir = tmp;
    }
  launcher = g_subprocess_launcher_new (stdout_path != NULL
                                        ? G_SUBPROCESS_FLAGS_STDERR_PIPE
                                        : G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_dir, TRUE);
  if (stdout_path != NULL)
    g_subprocess_launcher_set_stdout_file_path (launcher, stdout_path);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  g_assert_no_error (error);
  /* A crash is never an acceptable answer. */
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
  if (r->out == NULL)
    r->out = g_strdup ("");
  g_test_message ("exit %d\nstdout: %.2000s\nstderr: %s", r->status, r->out, r->err);
  if (tmp != NULL)
    g_rmdir (tmp);
}

#define run(r, ...) run_in ((r), NULL, NULL, __VA_ARGS__, NULL)

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* The object's members are exactly the space-separated keys. */
static void
assert_keys (JsonObject *object,
             const char *keys)
{
  g_auto(GStrv) expected = g_strsplit (keys, " ", -1);
  g_autoptr(GList) members = json_object_get_members (object);

  for (guint i = 0; expected[i] != NULL; i++)
    {
      g_test_message ("key %s", expected[i]);
      g_assert_true (json_object_has_member (object, expected[i]));
    }
  g_assert_cmpuint (g_list_length (members), ==, g_strv_length (expected));
}

static void
test_version (void)
{
  g_auto(Run) r = { 0 };

  run (&r, "--version");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "under-the-hood " PACKAGE_VERSION "\n");
}

static const char *estimate_keys =
  "model gpu engine gpus batch prompt context step_tokens params active_params weight_bytes "
  "kv_bytes_per_token kv_cache_bytes activation_bytes total_memory_bytes gpu_memory_bytes fits min_gpus attention "
  "prefill_flops prefill_seconds prefill_tokens_per_second ttft_seconds prefill_bound decode_flops "
  "decode_bytes decode_step_seconds decode_tokens_per_second decode_tokens_per_second_per_sequence "
  "decode_bound cost_per_million_input_tokens cost_per_million_output_tokens rule_of_thumb";

static void
test_estimate_json (void)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o, *rules;

  run (&r, "estimate", "--model", "llama-3-8b", "--gpu", "h100-sxm", "--json");
  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  o = json_node_get_object (root);
  assert_keys (o, estimate_keys);
  rules = json_object_get_object_member (o, "rule_of_thumb");
  assert_keys (rules, "flops_per_token weight_bytes decode_tokens_per_second "
                      "prefill_tokens_per_second decode_intensity decode_weight_bytes");

  /* The defaults of issue 2. */
  g_assert_cmpstr (json_object_get_string_member (o, "model"), ==, "llama-3-8b");
  g_assert_cmpstr (json_object_get_string_member (o, "gpu"), ==, "h100-sxm");
  g_assert_cmpstr (json_object_get_string_member (o, "engine"), ==, "tuned");
  g_assert_cmpint (json_object_get_int_member (o, "gpus"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "batch"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "prompt"), ==, 1024);
  g_assert_cmpint (json_object_get_int_member (o, "context"), ==, 1024);
  g_assert_cmpint (json_object_get_int_member (o, "step_tokens"), ==, 1);

  /* By hand: Llama 3 8B has 8,030,261,248 parameters (its safetensors index); bf16 weights
   * are 2 bytes each; KV per token = 2 (K, V) x 32 layers x 8 KV heads x 128 x 2 bytes
   * = 131,072; the H100 SXM has 80 GiB. */
  g_assert_cmpint (json_object_get_int_member (o, "params"), ==, G_GINT64_CONSTANT (8030261248));
  g_assert_cmpint (json_object_get_int_member (o, "active_params"), ==, G_GINT64_CONSTANT (8030261248));
  g_assert_cmpint (json_object_get_int_member (o, "weight_bytes"), ==, G_GINT64_CONSTANT (16060522496));
  g_assert_cmpint (json_object_get_int_member (o, "kv_bytes_per_token"), ==, 131072);
  g_assert_cmpint (json_object_get_int_member (o, "kv_cache_bytes"), ==, 131072 * 1024);
  g_assert_cmpint (json_object_get_int_member (o, "gpu_memory_bytes"), ==, G_GINT64_CONSTANT (85899345920));
  g_assert_true (json_object_get_boolean_member (o, "fits"));
  g_assert_cmpint (json_object_get_int_member (o, "min_gpus"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "attention"), ==, "flash");
  /* TTFT is the prefill (issue 15 item 4). */
  g_assert_cmpfloat (json_object_get_double_member (o, "ttft_seconds"), ==,
                     json_object_get_double_member (o, "prefill_seconds"));
  g_assert_cmpstr (json_object_get_string_member (o, "prefill_bound"), ==, "compute");
  g_assert_cmpstr (json_object_get_string_member (o, "decode_bound"), ==, "memory");

  /* Rules of thumb: 2 x params FLOPs per token; 2 x batch / 2 bytes = 1 FLOP/byte;
   * 3.35e12 B/s / 16,060,522,496 B = 208.59 tokens/s. */
  g_assert_cmpint (json_object_get_int_member (rules, "flops_per_token"), ==, G_GINT64_CONSTANT (16060522496));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (rules, "decode_intensity"), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (rules, "decode_tokens_per_second"),
                                  3.35e12 / 16060522496.0, 1e-6);
  /* The detailed decode cannot beat the bandwidth bound, and the cost follows from it:
   * $2.99 per hour x step seconds / 3600 per token. */
  g_assert_cmpfloat (json_object_get_double_member (o, "decode_tokens_per_second"), <,
                     json_object_get_double_member (rules, "decode_tokens_per_second"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "cost_per_million_output_tokens"),
                                  2.99 / 3600.0 * json_object_get_double_member (o, "decode_step_seconds") * 1e6,
                                  1e-9);
}

static void
test_estimate_options (void)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  run (&r, "estimate", "--model=llama-2-70b", "--gpu", "a100-sxm-80gb", "--gpus", "4", "--batch", "8",
       "--prompt", "512", "--context", "2048", "--step-tokens", "2", "--weights", "int8",
       "--kv", "fp8", "--engine", "roofline", "--price", "1.5", "--output-tokens", "100", "--json");
  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  o = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (o, "gpus"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (o, "batch"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (o, "context"), ==, 2048);
  g_assert_cmpint (json_object_get_int_member (o, "step_tokens"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (o, "engine"), ==, "roofline");
  /* int8 weights: one byte per parameter. */
  g_assert_cmpfloat (json_object_get_double_member (o, "weight_bytes"), ==,
                     json_object_get_double_member (o, "params"));
  /* Llama 2 70B, fp8 KV: 2 x 80 layers x 8 KV heads x 128 x 1 byte = 163,840 per token. */
  g_assert_cmpint (json_object_get_int_member (o, "kv_bytes_per_token"), ==, 163840);
  g_assert_cmpint (json_object_get_int_member (o, "gpu_memory_bytes"), ==, 4 * G_GINT64_CONSTANT (85899345920));
}

static void
test_estimate_text (void)
{
  g_auto(Run) r = { 0 };

  run (&r, "estimate", "--model", "mixtral-8x7b", "--gpu", "h100-sxm", "--gpus", "2");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "GiB"));
  g_assert_nonnull (strstr (r.out, "ms"));
  g_assert_nonnull (strstr (r.out, "tok/s"));
  g_assert_nonnull (strstr (r.out, "active per token"));
  g_assert_cmpstr (r.err, ==, "");
}

/* estimate --gpu this-computer measures this machine (no remembered figures: the tests' settings
 * live in memory) and estimates on it like on any catalog device. */
static void
test_estimate_this_computer (void)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  run (&r, "estimate", "--model", "llama-3-8b", "--gpu", "this-computer", "--json");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "Measuring this computer"));
  g_assert_nonnull (strstr (r.err, "GB/s from memory"));
  root = parse_json (r.out);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "gpu"), ==, "this-computer");
  g_assert_cmpfloat (json_object_get_double_member (o, "gpu_memory_bytes"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (o, "decode_step_seconds"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (o, "prefill_seconds"), >, 0);
}

static void
test_estimate_does_not_fit (void)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) root = NULL;

  run (&r, "estimate", "--model", "llama-3.1-405b", "--gpu", "rtx-4090", "--json");
  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "fits"));

  run_clear (&r);
  run (&r, "estimate", "--model", "llama-3.1-405b", "--gpu", "rtx-4090");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "does not fit"));
  g_assert_nonnull (strstr (r.out, "Fits on"));

  /* Llama 3 70B on one H100 (issue 15 item 5): 70,553,706,496 params x 2 bytes = 141.1 GB
   * of weights against 85.9 GB. On two: 171.8 GB, less the tuned engine's 10% reserve
   * (17.2 GB), leaves 154.6 GB for 141.1 GB of weights, 0.34 GB of KV cache (1024 tokens
   * x 327,680 B) and well under 1 GB of activations: it fits, so min_gpus is 2. */
  run_clear (&r);
  g_clear_pointer (&root, json_node_unref);
  run (&r, "estimate", "--model", "llama-3-70b", "--gpu", "h100-sxm", "--json");
  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (root), "fits"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "min_gpus"), ==, 2);
  g_assert_nonnull (strstr (r.out, "\"min_gpus\""));

  /* --attention takes flash or standard and nothing else. */
  run_clear (&r);
  run (&r, "estimate", "--model", "llama-3-8b", "--gpu", "h100-sxm", "--attention", "sparse");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--attention"));
}

static void
test_gemm_known_answer (void)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  run (&r, "gemm", "--m", "4096", "--k", "4096", "--n", "4096", "--gpu", "h100-sxm",
       "--engine", "roofline", "--json");
  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  o = json_node_get_object (root);
  assert_keys (o, "flops bytes intensity ridge_intensity bound seconds");
  /* 2 x 4096^3 = 137,438,953,472 FLOP; 3 x 4096^2 x 2 bytes = 100,663,296 bytes;
   * intensity 137438953472 / 100663296 = 1365.33; the H100 SXM's ridge is
   * 989.4e12 / 3.35e12 = 295.3, so compute-bound in 1.374e11 / 989.4e12 = 1.389e-4 s. */
  g_assert_cmpint (json_object_get_int_member (o, "flops"), ==, G_GINT64_CONSTANT (137438953472));
  g_assert_cmpint (json_object_get_int_member (o, "bytes"), ==, 100663296);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "intensity"), 4096.0 / 3.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "ridge_intensity"),
                                  989.4e12 / 3.35e12, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (o, "bound"), ==, "compute");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "seconds"),
                                  137438953472.0 / 989.4e12, 1e-12);
}

static void
test_gemm_memory_bound (void)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  /* A matrix-vector product: 2 x 4096 x 4096 FLOP over (4096 + 4096^2 + 4096) x 2 bytes,
   * about 1 FLOP/byte, far below the ridge: the time is the bytes over the bandwidth. */
  run (&r, "gemm", "--m", "1", "--k", "4096", "--n", "4096", "--gpu", "a100-sxm-80gb",
       "--engine", "roofline", "--dtype", "fp16", "--json");
  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "bound"), ==, "memory");
  g_assert_cmpint (json_object_get_int_member (o, "bytes"), ==, (4096 + 4096 * 4096 + 4096) * 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "intensity"),
                                  2.0 * 4096 * 4096 / ((4096.0 + 4096.0 * 4096 + 4096) * 2), 1e-12);

  run_clear (&r);
  memset (&r, 0, sizeof r);
  run (&r, "gemm", "--m", "4096", "--k", "4096", "--n", "4096", "--gpu", "h100-sxm");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "2 × 4096 × 4096 × 4096"));
  g_assert_nonnull (strstr (r.out, "compute-bound"));
}

static void
test_catalog_json (void)
{
  static const struct
  {
    const char *which;
    const char *keys;
    const char *id;
  } cases[] = {
    { "models", "id name params layers hidden_size heads kv_heads head_dim vocab_size source", "gpt-2" },
    { "gpus", "id name bf16_flops_per_second memory_bandwidth_bytes_per_second memory_bytes "
              "price_per_hour source", "h100-sxm" },
    { "engines", "id name compute_efficiency bandwidth_efficiency launch_overhead_s "
                 "kernels_per_layer flash_attention source", "tuned" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) r = { 0 };
      g_autoptr(JsonNode) root = NULL;
      JsonArray *list;
      gboolean found = FALSE;

      run (&r, "catalog", cases[i].which, "--json");
      g_assert_cmpint (r.status, ==, 0);
      root = parse_json (r.out);
      g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
      list = json_node_get_array (root);
      g_assert_cmpuint (json_array_get_length (list), >=, 3);
      for (guint j = 0; j < json_array_get_length (list); j++)
        {
          JsonObject *o = json_array_get_object_element (list, j);
          assert_keys (o, cases[i].keys);
          if (g_str_equal (json_object_get_string_member (o, "id"), cases[i].id))
            found = TRUE;
          /* GPT-2 small: 124,439,808 parameters (tied embeddings, 1024 learned positions). */
          if (g_str_equal (json_object_get_string_member (o, "id"), "gpt-2"))
            g_assert_cmpint (json_object_get_int_member (o, "params"), ==, 124439808);
          if (g_str_equal (json_object_get_string_member (o, "id"), "h100-sxm"))
            g_assert_cmpfloat (json_object_get_double_member (o, "bf16_flops_per_second"), ==, 989.4e12);
        }
      g_assert_true (found);

      run_clear (&r);
      memset (&r, 0, sizeof r);
      run (&r, "catalog", cases[i].which);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, cases[i].id));
    }
}

static void
test_usage_errors (void)
{
  static const struct
  {
    const char *args[12];
    const char *mentions[3];
  } cases[] = {
    { { "estimate", "--model", "lama-3-8b", "--gpu", "h100-sxm" }, { "lama-3-8b", "llama-3-8b" } },
    { { "estimate", "--model", "llama-3-8b", "--gpu", "h100" }, { "'h100'", "h100-sxm" } },
    { { "estimate", "--model", "llama-3-8b", "--gpu", "h100-sxm", "--engine", "tunned" }, { "tuned" } },
    { { "estimate", "--model", "llama-3-8b", "--gpu", "h100-sxm", "--batch", "many" }, { "--batch", "many" } },
    { { "estimate", "--model", "llama-3-8b", "--gpu", "h100-sxm", "--batch", "-1" }, { "--batch" } },
    { { "estimate", "--model", "llama-3-8b", "--gpu", "h100-sxm", "--price", "cheap" }, { "--price" } },
    { { "estimate", "--model", "llama-3-8b", "--gpu", "h100-sxm", "--weights", "fp7" }, { "--weights", "fp7" } },
    { { "estimate", "--model", "llama-3-8b", "--gpu", "h100-sxm", "--context", "4", "--step-tokens", "8" },
      { "--step-tokens" } },
    { { "estimate", "--model", "llama-3-8b", "--gpu", "h100-sxm", "--gpus", "3" }, { "--gpus" } },
    { { "estimate", "--gpu", "h100-sxm" }, { "--model" } },
    { { "estimate", "--model", "llama-3-8b", "--gpu", "h100-sxm", "--bogus" }, { "--bogus" } },
    { { "estimate", "--model" }, { "--model" } },
    { { "gemm", "--m", "0", "--k", "1", "--n", "1", "--gpu", "t4" }, { "--m" } },
    { { "gemm", "--m", "1", "--k", "1.5", "--n", "1", "--gpu", "t4" }, { "--k" } },
    { { "gemm", "--m", "1", "--k", "1", "--gpu", "t4" }, { "--n" } },
    { { "gemm", "--m", "1", "--k", "1", "--n", "1", "--gpu", "t4", "--dtype", "fp64" }, { "--dtype" } },
    { { "catalog", "widgets" }, { "widgets" } },
    { { "catalog" }, { "models" } },
    { { "frobnicate" }, { "frobnicate" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) r = { 0 };
      const char *a[13] = { NULL };

      memcpy (a, cases[i].args, sizeof cases[i].args);
      run_in (&r, NULL, NULL, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_cmpstr (r.out, ==, "");
      /* One line on stderr that names what was wrong. */
      g_assert_true (g_str_has_suffix (r.err, "\n"));
      g_assert_true (strchr (r.err, '\n') == r.err + strlen (r.err) - 1);
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].mentions) && cases[i].mentions[j] != NULL; j++)
        g_assert_nonnull (strstr (r.err, cases[i].mentions[j]));
    }
}

static void
test_failure_exit (void)
{
  g_auto(Run) r = { 0 };

  /* Output that cannot be written is a failure, not a success. */
  run_in (&r, NULL, "/dev/full", "catalog", "models", "--json", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "output"));
}

static void
test_help (void)
{
  g_auto(Run) r = { 0 };

  run (&r, "--help");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "estimate"));
  run_clear (&r);
  memset (&r, 0, sizeof r);
  run (&r, "estimate", "--help");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--step-tokens"));
}

static void
test_user_catalog (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("uth-cli-user-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir, "under-the-hood", NULL);
  g_autofree char *models = g_build_filename (sub, "models.json", NULL);
  g_autofree char *gpus = g_build_filename (sub, "gpus.json", NULL);
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) root = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (models,
    "{ \"models\": [ { \"id\": \"tiny\", \"name\": \"Tiny\", \"source\": \"https://example.org/\","
    " \"hidden_size\": 64, \"layers\": 2, \"heads\": 4, \"ffn\": 256, \"vocab_size\": 100 } ] }",
    -1, &error));
  g_assert_true (g_file_set_contents (gpus, "{ broken", -1, &error));

  /* The user's model is usable; the broken file is reported and does not stop anything. */
  run_in (&r, dir, NULL, "estimate", "--model", "tiny", "--gpu", "t4", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "gpus.json"));
  root = parse_json (r.out);
  /* 2 layers x (4 x 64 x 64 attention + 3 x 64 x 256 MLP + 2 x 64 norms) + 100 x 64
   * embedding + 100 x 64 lm-head + 64 final norm = 2 x 65,664 + 12,864 = 144,192. */
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "params"), ==, 144192);

  g_unlink (models);
  g_unlink (gpus);
  g_rmdir (sub);
  g_rmdir (dir);
}

static void
test_inspect (void)
{
  g_autofree char *config = g_test_build_filename (G_TEST_DIST, "data", "hf", "llama-3-8b.json", NULL);
  g_autofree char *garbage = g_test_build_filename (G_TEST_DIST, "data", "catalog-deep.json", NULL);
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  run (&r, "inspect", config, "--json");
  g_assert_cmpint (r.status, ==, 0);
  root = parse_json (r.out);
  o = json_node_get_object (root);
  assert_keys (o, "format architecture params layers hidden_size heads kv_heads head_dim vocab_size dtype");
  g_assert_cmpstr (json_object_get_string_member (o, "format"), ==, "hf-config");
  g_assert_cmpint (json_object_get_int_member (o, "params"), ==, G_GINT64_CONSTANT (8030261248));

  /* Failures exit 1 with one line on stderr that names the file. */
  run_clear (&r);
  memset (&r, 0, sizeof r);
  run (&r, "inspect", "/nonexistent/model.gguf");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "/nonexistent/model.gguf"));
  g_assert_true (strchr (r.err, '\n') == r.err + strlen (r.err) - 1);

  run_clear (&r);
  memset (&r, 0, sizeof r);
  run (&r, "inspect", garbage);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "catalog-deep.json"));
  g_assert_true (strchr (r.err, '\n') == r.err + strlen (r.err) - 1);

  run_clear (&r);
  memset (&r, 0, sizeof r);
  run (&r, "inspect");
  g_assert_cmpint (r.status, ==, 2);
}

/* render --presentation [--build N]: a slide of presentation mode; --help lists builds. */
static void
test_render_presentation (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("uth-cli-slide-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "slide.png", NULL);
  g_autofree char *whole = g_build_filename (dir, "whole.png", NULL);
  g_autofree char *a = NULL, *b = NULL;
  gsize la = 0, lb = 0;

  g_assert_no_error (error);
  {
    g_auto(Run) r = { 0 };

    run (&r, "render", "--help");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "--presentation"));
    /* Layer: four figure builds, three of explanation, two questions and their answers. */
    g_assert_nonnull (strstr (r.out, "11 builds: figure 1–4, explanation 5–7, 2 questions"));
  }
  {
    g_auto(Run) r = { 0 };

    run (&r, "render", "layer", "--presentation", "--build", "1", "--width", "960", "--height", "540",
         "--output", png);
    g_assert_cmpint (r.status, ==, 0);
  }
  {
    g_auto(Run) r = { 0 };

    run (&r, "render", "layer", "--presentation", "--width", "960", "--height", "540", "--output", whole);
    g_assert_cmpint (r.status, ==, 0);
  }
  /* Build 1 (the op table alone) is not the fully built slide. */
  g_assert_true (g_file_get_contents (png, &a, &la, NULL));
  g_assert_true (g_file_get_contents (whole, &b, &lb, NULL));
  g_assert_true (la != lb || memcmp (a, b, la) != 0);
  {
    g_auto(Run) r = { 0 };

    run (&r, "render", "layer", "--presentation", "--build", "12", "--output", png);
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "--build"));
  }
  {
    g_auto(Run) r = { 0 };

    run (&r, "render", "layer", "--build", "2", "--output", png);
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "--presentation"));
  }
  g_remove (png);
  g_remove (whole);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/estimate/json", test_estimate_json);
  g_test_add_func ("/cli/estimate/options", test_estimate_options);
  g_test_add_func ("/cli/estimate/text", test_estimate_text);
  g_test_add_func ("/cli/estimate/this-computer", test_estimate_this_computer);
  g_test_add_func ("/cli/estimate/does-not-fit", test_estimate_does_not_fit);
  g_test_add_func ("/cli/gemm/known-answer", test_gemm_known_answer);
  g_test_add_func ("/cli/gemm/memory-bound", test_gemm_memory_bound);
  g_test_add_func ("/cli/catalog/json", test_catalog_json);
  g_test_add_func ("/cli/exit/usage", test_usage_errors);
  g_test_add_func ("/cli/exit/failure", test_failure_exit);
  g_test_add_func ("/cli/user-catalog", test_user_catalog);
  g_test_add_func ("/cli/inspect", test_inspect);

  g_test_add_func ("/cli/render-presentation", test_render_presentation);
  return g_test_run ();
}
