/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The catalog loader against the bundled catalogs and against malformed files. */
#include "config.h"

#include <glib/gstdio.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-safe-json.h"

/* issue 2: the ids every build must ship. */
static const char * const required_models[] = {
  "llama-2-7b", "llama-2-13b", "llama-2-70b", "llama-3-8b", "llama-3-70b", "llama-3.1-8b",
  "llama-3.1-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b", "mistral-7b",
  "mixtral-8x7b", "mixtral-8x22b", "qwen2.5-7b", "qwen2.5-72b", "gemma-2-9b", "gemma-2-27b",
  "phi-3-mini", "deepseek-v3", "gpt-2", "gpt-2-xl", "gpt-3",
};
static const char * const required_gpus[] = {
  "v100-sxm", "t4", "a10g", "a100-sxm-40gb", "a100-sxm-80gb", "a100-pcie-80gb", "l4", "l40s",
  "h100-sxm", "h100-pcie", "h100-nvl", "h200", "b200", "gb200", "rtx-3090", "rtx-4090",
  "rtx-5090", "mi250x", "mi300x", "mi325x", "tpu-v5e", "tpu-v5p", "tpu-v6e", "m2-ultra",
  "m3-max",
};
static const char * const required_engines[] = { "roofline", "tuned", "torch-cudagraph" };

static GPtrArray *
new_warnings (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
}

static UthCatalog *
load_bundled (void)
{
  g_autoptr(GPtrArray) warnings = new_warnings ();
  g_autoptr(GError) error = NULL;
  UthCatalog *catalog = uth_catalog_new ();

  g_assert_true (uth_catalog_load_bundled_full (catalog, warnings, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < warnings->len; i++)
    g_test_message ("warning: %s", ((GError *) g_ptr_array_index (warnings, i))->message);
  g_assert_cmpuint (warnings->len, ==, 0);
  return catalog;
}

static void
test_bundled (void)
{
  g_autoptr(UthCatalog) catalog = load_bundled ();

  g_assert_cmpuint (uth_catalog_get_n_models (catalog), >=, G_N_ELEMENTS (required_models));
  g_assert_cmpuint (uth_catalog_get_n_gpus (catalog), >=, G_N_ELEMENTS (required_gpus));
  g_assert_cmpuint (uth_catalog_get_n_engines (catalog), >=, G_N_ELEMENTS (required_engines));

  for (guint i = 0; i < uth_catalog_get_n_models (catalog); i++)
    {
      const UthModelEntry *e = uth_catalog_get_model (catalog, i);
      g_assert_true (g_str_has_prefix (e->source, "https://"));
      g_assert_false (e->user);
      g_assert_cmpint (uth_model_validate (&e->spec), ==, UTH_MODEL_OK);
    }
  for (guint i = 0; i < uth_catalog_get_n_gpus (catalog); i++)
    {
      const UthGpuEntry *e = uth_catalog_get_gpu (catalog, i);
      g_assert_true (g_str_has_prefix (e->source, "https://"));
      g_assert_true (uth_gpu_validate (&e->spec));
      /* Every price carries where and when it was seen. */
      if (e->spec.price_per_hour > 0.0)
        {
          g_assert_nonnull (e->price_source);
          g_assert_nonnull (e->price_date);
        }
      /* Every L2 size names its source (issue 15 item 8). */
      g_assert_nonnull (e->l2_source);
      if (e->spec.l2_bytes > 0.0)
        g_assert_true (strstr (e->l2_source, "https://") != NULL || strstr (e->l2_source, "No ") == e->l2_source);
    }
  /* Two by hand from the vendors' whitepapers: H100 SXM 50 MB = 52,428,800 B (50 MiB), A100
   * 40 MB = 41,943,040 B (40 MiB). */
  g_assert_cmpfloat (uth_catalog_find_gpu (catalog, "h100-sxm")->spec.l2_bytes, ==, 52428800.0);
  g_assert_cmpfloat (uth_catalog_find_gpu (catalog, "a100-sxm-80gb")->spec.l2_bytes, ==, 41943040.0);
  for (guint i = 0; i < uth_catalog_get_n_engines (catalog); i++)
    g_assert_true (uth_engine_validate (&uth_catalog_get_engine (catalog, i)->spec));
}

static void
test_required_ids (void)
{
  g_autoptr(UthCatalog) catalog = load_bundled ();

  for (guint i = 0; i < G_N_ELEMENTS (required_models); i++)
    {
      const UthModelEntry *e = uth_catalog_find_model (catalog, required_models[i]);
      g_test_message ("model %s", required_models[i]);
      g_assert_nonnull (e);
      g_assert_cmpstr (e->id, ==, required_models[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (required_gpus); i++)
    {
      g_test_message ("gpu %s", required_gpus[i]);
      g_assert_nonnull (uth_catalog_find_gpu (catalog, required_gpus[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (required_engines); i++)
    g_assert_nonnull (uth_catalog_find_engine (catalog, required_engines[i]));

  g_assert_null (uth_catalog_find_model (catalog, "no-such-model"));
  g_assert_null (uth_catalog_find_gpu (catalog, NULL));
}

/* The core's exact count against what each model's source states (this checks the
 * catalog's configs and the core's formulas together). */
static void
test_params_published (void)
{
  g_autoptr(UthCatalog) catalog = load_bundled ();
  guint checked = 0;

  for (guint i = 0; i < uth_catalog_get_n_models (catalog); i++)
    {
      const UthModelEntry *e = uth_catalog_get_model (catalog, i);

      if (e->params_published == 0)
        continue;
      g_test_message ("%s: published %" G_GUINT64_FORMAT, e->id, e->params_published);
      g_assert_cmpuint (uth_model_params (&e->spec), ==, e->params_published);
      checked++;
    }
  /* issue 2: at least eight models checked exactly. */
  g_assert_cmpuint (checked, >=, 8);

  /* Known answers quoted in issue 2 (the models' safetensors headers). */
  g_assert_cmpuint (uth_model_params (&uth_catalog_find_model (catalog, "llama-3-8b")->spec), ==,
                    G_GUINT64_CONSTANT (8030261248));
  g_assert_cmpuint (uth_model_params (&uth_catalog_find_model (catalog, "llama-2-7b")->spec), ==,
                    G_GUINT64_CONSTANT (6738415616));
  g_assert_cmpuint (uth_model_params (&uth_catalog_find_model (catalog, "mixtral-8x7b")->spec), ==,
                    G_GUINT64_CONSTANT (46702792704));
}

/* Loads a fixture of tests/data; returns whether the file loaded, with its warnings. */
static gboolean
load_fixture (UthCatalog      *catalog,
              UthCatalogKind   kind,
              const char      *name,
              GPtrArray       *warnings,
              GError         **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return uth_catalog_load_file (catalog, kind, file, warnings, error);
}

static void
assert_one_warning (GPtrArray  *warnings,
                    const char *file,
                    const char *entry,
                    const char *field,
                    const char *why)
{
  const GError *w;

  g_assert_cmpuint (warnings->len, ==, 1);
  w = g_ptr_array_index (warnings, 0);
  g_test_message ("%s", w->message);
  g_assert_error (w, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD);
  g_assert_nonnull (strstr (w->message, file));
  g_assert_nonnull (strstr (w->message, entry));
  if (field != NULL)
    g_assert_nonnull (strstr (w->message, field));
  g_assert_nonnull (strstr (w->message, why));
}

static void
test_malformed_entries (void)
{
  static const struct
  {
    const char *file;
    const char *entry;
    const char *field;
    const char *why;
  } cases[] = {
    { "catalog-wrong-type.json", "entry 'wrong-type'", "field 'layers'", "got \"two\"" },
    { "catalog-missing-field.json", "entry 'missing-hidden'", "field 'hidden_size'", "missing" },
    { "catalog-negative.json", "entry 'llama-x'", "field 'layers'", "got -3" },
    { "catalog-bad-kv-heads.json", "entry 'odd-kv'", "field 'kv_heads'", "divide" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(UthCatalog) catalog = uth_catalog_new ();
      g_autoptr(GPtrArray) warnings = new_warnings ();
      g_autoptr(GError) error = NULL;

      g_assert_true (load_fixture (catalog, UTH_CATALOG_MODELS, cases[i].file, warnings, &error));
      g_assert_no_error (error);
      assert_one_warning (warnings, cases[i].file, cases[i].entry, cases[i].field, cases[i].why);
      /* The good entry of the same file still loads. */
      g_assert_cmpuint (uth_catalog_get_n_models (catalog), ==, 1);
      g_assert_nonnull (uth_catalog_find_model (catalog, "good-model"));
      g_assert_true (uth_catalog_find_model (catalog, "good-model")->user);
      g_assert_cmpuint (uth_catalog_find_model (catalog, "good-model")->spec.head_dim, ==, 16);
    }
}

static void
test_malformed_gpus_engines (void)
{
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = new_warnings ();
  g_autoptr(GError) error = NULL;
  const GError *w;

  g_assert_true (load_fixture (catalog, UTH_CATALOG_GPUS, "catalog-bad-gpu.json", warnings, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 3);
  w = g_ptr_array_index (warnings, 0);
  g_assert_nonnull (strstr (w->message, "entry 'no-price-source' field 'price_source': missing"));
  w = g_ptr_array_index (warnings, 1);
  g_assert_nonnull (strstr (w->message, "entry 'string-peak' field 'peak_flops.bf16'"));
  g_assert_nonnull (strstr (w->message, "got \"fast\""));
  w = g_ptr_array_index (warnings, 2);
  g_assert_nonnull (strstr (w->message, "entry #4: expected an object, got \"not an object\""));
  g_assert_cmpuint (uth_catalog_get_n_gpus (catalog), ==, 1);
  g_assert_cmpfloat (uth_catalog_find_gpu (catalog, "good-gpu")->spec.peak_flops[UTH_DTYPE_BF16], ==, 100e12);

  g_ptr_array_set_size (warnings, 0);
  g_assert_true (load_fixture (catalog, UTH_CATALOG_ENGINES, "catalog-bad-engine.json", warnings,
                               &error));
  assert_one_warning (warnings, "catalog-bad-engine.json", "entry 'too-efficient'",
                      "field 'compute_efficiency'", "got 1.5");
  g_assert_cmpuint (uth_catalog_get_n_engines (catalog), ==, 1);
  g_assert_false (uth_catalog_find_engine (catalog, "fine-engine")->spec.flash_attention);
  g_assert_cmpuint (uth_catalog_find_engine (catalog, "fine-engine")->spec.kernels_per_layer, ==, 12);
  /* Omitted fields take the roofline's values. */
  g_assert_cmpfloat (uth_catalog_find_engine (catalog, "fine-engine")->spec.comm_efficiency, ==, 1.0);
}

static void
test_malformed_files (void)
{
  static const struct
  {
    const char *file;
    UthCatalogError code;
    const char *why;
  } cases[] = {
    { "catalog-bad-json.json", UTH_CATALOG_ERROR_PARSE, "not valid JSON" },
    { "catalog-deep.json", UTH_CATALOG_ERROR_PARSE, "nested deeper than" },
    { "catalog-not-a-catalog.json", UTH_CATALOG_ERROR_PARSE, "\"models\"" },
    { "no-such-file.json", UTH_CATALOG_ERROR_IO, "cannot be read" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(UthCatalog) catalog = uth_catalog_new ();
      g_autoptr(GPtrArray) warnings = new_warnings ();
      g_autoptr(GError) error = NULL;

      g_assert_false (load_fixture (catalog, UTH_CATALOG_MODELS, cases[i].file, warnings, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, UTH_CATALOG_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].file));
      g_assert_nonnull (strstr (error->message, cases[i].why));
      g_assert_cmpuint (uth_catalog_get_n_models (catalog), ==, 0);
    }
}

static void
test_inline_errors (void)
{
  static const struct
  {
    const char *json;
    const char *message;   /* NULL: the whole file fails */
  } cases[] = {
    { "{ \"models\": [ { \"name\": \"x\" } ] }", "t.json: entry #1 field 'id': missing" },
    { "{ \"models\": [ { \"id\": \"has space\" } ] }", "field 'id': expected letters" },
    { "{ \"models\": [ { \"id\": \"m\", \"name\": \"m\", \"source\": \"s\", \"hidden_size\": 64,"
      " \"layers\": 2, \"heads\": 4, \"ffn\": 256, \"vocab_size\": 1e400 } ] }",
      "entry 'm' field 'vocab_size': expected a positive integer up to 16777216, got inf" },
    { "{ \"models\": [ { \"id\": \"m\", \"name\": \"m\", \"source\": \"s\", \"hidden_size\": 64,"
      " \"layers\": 2, \"heads\": 4, \"ffn\": 256, \"vocab_size\": 2.5 } ] }",
      "entry 'm' field 'vocab_size': expected a positive integer" },
    { "{ \"models\": [ { \"id\": \"m\", \"name\": \"m\", \"source\": \"s\", \"hidden_size\": 64,"
      " \"layers\": 99999, \"heads\": 4, \"ffn\": 256, \"vocab_size\": 10 } ] }",
      "entry 'm' field 'layers': expected a positive integer up to 4096, got 99999" },
    { "{ \"models\": [ { \"id\": \"m\", \"name\": \"m\", \"source\": \"s\", \"hidden_size\": 64,"
      " \"layers\": 2, \"heads\": 4, \"ffn\": 256, \"vocab_size\": 10, \"moe\": 3 } ] }",
      "entry 'm' field 'moe': expected an object, got 3" },
    { "{ \"models\": [ { \"id\": \"m\", \"name\": \"m\", \"source\": \"s\", \"hidden_size\": 64,"
      " \"layers\": 2, \"heads\": 4, \"vocab_size\": 10, \"moe\": { \"experts\": 4,"
      " \"active_experts\": 8, \"expert_ffn\": 32 } } ] }",
      "field 'moe.active_experts': expected a positive integer up to 4, got 8" },
    { "{ \"models\": [ { \"id\": \"m\", \"name\": \"m\", \"source\": \"s\", \"hidden_size\": 60,"
      " \"layers\": 2, \"heads\": 8, \"ffn\": 256, \"vocab_size\": 10 } ] }",
      "entry 'm' field 'head_dim': missing" },
    { "{ \"models\": [ { \"id\": \"m\", \"name\": \"m\", \"source\": \"s\", \"hidden_size\": 64,"
      " \"layers\": 2, \"heads\": 4, \"ffn\": 256, \"vocab_size\": 10, \"norm\": \"batch\" } ] }",
      "field 'norm': expected \"rms\" or \"layer\", got \"batch\"" },
    { "[ 1, 2 ]", NULL },
    { "", NULL },
    { "{ \"models\": [] } trailing", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(UthCatalog) catalog = uth_catalog_new ();
      g_autoptr(GPtrArray) warnings = new_warnings ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_bytes_new_static (cases[i].json, strlen (cases[i].json));
      gboolean ok = uth_catalog_load_bytes (catalog, UTH_CATALOG_MODELS, bytes, "t.json", TRUE,
                                            warnings, &error);

      g_test_message ("case %u: %s", i, ok ? (warnings->len ? ((GError *) warnings->pdata[0])->message : "ok")
                                           : error->message);
      if (cases[i].message == NULL)
        {
          g_assert_false (ok);
          g_assert_nonnull (strstr (error->message, "t.json"));
          continue;
        }
      g_assert_true (ok);
      g_assert_cmpuint (warnings->len, ==, 1);
      g_assert_nonnull (strstr (((GError *) warnings->pdata[0])->message, cases[i].message));
      g_assert_cmpuint (uth_catalog_get_n_models (catalog), ==, 0);
    }
}

static void
test_duplicate_in_file (void)
{
  const char *json =
    "{ \"engines\": ["
    " { \"id\": \"e\", \"name\": \"first\", \"source\": \"s\", \"compute_efficiency\": 0.5,"
    "   \"bandwidth_efficiency\": 0.5 },"
    " { \"id\": \"e\", \"name\": \"second\", \"source\": \"s\", \"compute_efficiency\": 0.6,"
    "   \"bandwidth_efficiency\": 0.6 } ] }";
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = new_warnings ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (json, strlen (json));

  g_assert_true (uth_catalog_load_bytes (catalog, UTH_CATALOG_ENGINES, bytes, "e.json", FALSE,
                                         warnings, &error));
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (((GError *) warnings->pdata[0])->message, "entry 'e' field 'id'"));
  g_assert_cmpuint (uth_catalog_get_n_engines (catalog), ==, 1);
  g_assert_cmpstr (uth_catalog_find_engine (catalog, "e")->name, ==, "first");
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
}

static void
test_user_override (void)
{
  g_autoptr(UthCatalog) catalog = load_bundled ();
  g_autoptr(GPtrArray) warnings = new_warnings ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("uth-catalog-XXXXXX", &error);
  g_autofree char *gpus_path = NULL;
  g_autofree char *gpus_after = NULL;
  g_autoptr(GFile) dir_file = NULL;
  const UthModelEntry *bundled = uth_catalog_find_model (catalog, "llama-3-8b");
  const UthModelEntry *mine;
  guint n_models = uth_catalog_get_n_models (catalog);
  const char *corrupt = "{ \"gpus\": [ { \"id\": ";

  g_assert_no_error (error);
  g_assert_cmpuint (bundled->spec.layers, ==, 32);
  write_file (dir, "models.json",
              "{ \"models\": ["
              " { \"id\": \"llama-3-8b\", \"name\": \"My Llama\", \"source\": \"https://example.org/\","
              "   \"hidden_size\": 4096, \"layers\": 16, \"heads\": 32, \"kv_heads\": 8,"
              "   \"ffn\": 14336, \"vocab_size\": 128256 },"
              " { \"id\": \"tiny\", \"name\": \"Tiny\", \"source\": \"https://example.org/\","
              "   \"hidden_size\": 64, \"layers\": 2, \"heads\": 4, \"ffn\": 256, \"vocab_size\": 100 }"
              "] }");
  write_file (dir, "gpus.json", corrupt);

  dir_file = g_file_new_for_path (dir);
  uth_catalog_load_user_dir (catalog, dir_file, warnings);

  /* The corrupt file is reported, by name, and left as it was. */
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (((GError *) warnings->pdata[0])->message, "gpus.json"));
  gpus_path = g_build_filename (dir, "gpus.json", NULL);
  g_assert_true (g_file_get_contents (gpus_path, &gpus_after, NULL, NULL));
  g_assert_cmpstr (gpus_after, ==, corrupt);
  g_assert_nonnull (uth_catalog_find_gpu (catalog, "h100-sxm"));

  /* Overridden in place by id, one added; the replaced entry stays readable. */
  g_assert_cmpuint (uth_catalog_get_n_models (catalog), ==, n_models + 1);
  mine = uth_catalog_find_model (catalog, "llama-3-8b");
  g_assert_true (mine != bundled);
  g_assert_true (mine->user);
  g_assert_cmpstr (mine->name, ==, "My Llama");
  g_assert_cmpuint (mine->spec.layers, ==, 16);
  g_assert_cmpuint (bundled->spec.layers, ==, 32);
  g_assert_true (uth_catalog_find_model (catalog, "tiny")->user);

  g_unlink (gpus_path);
  {
    g_autofree char *models_path = g_build_filename (dir, "models.json", NULL);
    g_unlink (models_path);
  }
  g_rmdir (dir);
}

static void
test_add_entries (void)
{
  g_autoptr(UthCatalog) catalog = load_bundled ();
  UthModelEntry entry = *uth_catalog_find_model (catalog, "gpt-2");
  const UthModelEntry *old = uth_catalog_find_model (catalog, "gpt-2");
  UthEngineEntry engine = *uth_catalog_find_engine (catalog, "tuned");
  g_autofree char *old_name = g_strdup (old->name);

  entry.name = (char *) "GPT-2 renamed";
  uth_catalog_add_model (catalog, &entry);
  g_assert_cmpstr (uth_catalog_find_model (catalog, "gpt-2")->name, ==, "GPT-2 renamed");
  g_assert_cmpstr (old->name, ==, old_name);

  engine.id = (char *) "tuned-copy";
  uth_catalog_add_engine (catalog, &engine);
  g_assert_nonnull (uth_catalog_find_engine (catalog, "tuned-copy"));
  g_assert_nonnull (uth_catalog_find_engine (catalog, "tuned"));
}

static void
test_suggest (void)
{
  g_autoptr(UthCatalog) catalog = load_bundled ();
  g_auto(GStrv) typo = uth_catalog_suggest (catalog, UTH_CATALOG_MODELS, "lama-3-8b", 3);
  g_auto(GStrv) prefix = uth_catalog_suggest (catalog, UTH_CATALOG_GPUS, "h100", 3);
  g_auto(GStrv) upper = uth_catalog_suggest (catalog, UTH_CATALOG_GPUS, "RTX-4090", 1);
  g_auto(GStrv) far = uth_catalog_suggest (catalog, UTH_CATALOG_MODELS, "zzzzzzzzzzzz", 3);
  g_auto(GStrv) engine = uth_catalog_suggest (catalog, UTH_CATALOG_ENGINES, "tunned", 3);

  g_assert_cmpstr (typo[0], ==, "llama-3-8b");
  g_assert_cmpuint (g_strv_length (prefix), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (g_str_has_prefix (prefix[i], "h100-"));
  g_assert_cmpstr (upper[0], ==, "rtx-4090");
  g_assert_cmpuint (g_strv_length (upper), ==, 1);
  g_assert_cmpuint (g_strv_length (far), ==, 0);
  g_assert_cmpstr (engine[0], ==, "tuned");
}

static void
test_size_cap (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileIOStream) io = NULL;
  g_autoptr(GFile) file = g_file_new_tmp ("uth-big-XXXXXX.json", &io, &error);
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autofree char *chunk = g_strnfill (1024 * 1024, ' ');
  GOutputStream *out;

  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (io));
  /* 17 MiB of spaces: over the cap before any JSON is seen. */
  for (guint i = 0; i < 17; i++)
    g_assert_true (g_output_stream_write_all (out, chunk, 1024 * 1024, NULL, NULL, &error));
  g_assert_true (g_io_stream_close (G_IO_STREAM (io), NULL, &error));

  g_assert_false (uth_catalog_load_file (catalog, UTH_CATALOG_MODELS, file, NULL, &error));
  g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "larger than the limit of 16 MiB"));
  g_file_delete (file, NULL, NULL);
}

static void
test_depth_check (void)
{
  g_autoptr(GError) error = NULL;

  /* Brackets inside strings do not count; escaped quotes do not end a string. */
  g_assert_true (uth_safe_json_check_depth ("[\"[[[[\\\"[[[[\"]", 14, 2, &error));
  g_assert_no_error (error);
  g_assert_true (uth_safe_json_check_depth ("[[{}]]", 6, 3, &error));
  g_assert_false (uth_safe_json_check_depth ("[[{}]]", 6, 2, &error));
  g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE);
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static JsonObject *
model_object (const char *id,
              const char *name,
              gint64      layers)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "name", name);
  json_object_set_string_member (o, "source", "https://example.org/config.json");
  json_object_set_int_member (o, "hidden_size", 64);
  json_object_set_int_member (o, "layers", layers);
  json_object_set_int_member (o, "heads", 4);
  json_object_set_int_member (o, "ffn", 256);
  json_object_set_int_member (o, "vocab_size", 100);
  return o;
}

static void
test_save_user_entry (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir_path = g_dir_make_tmp ("uth-save-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir_path, "under-the-hood", NULL);
  g_autofree char *path = g_build_filename (sub, "models.json", NULL);
  g_autofree char *bak = g_build_filename (sub, "models.json.bak", NULL);
  g_autofree char *gpus = g_build_filename (sub, "gpus.json", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (sub);
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(UthCatalog) reread = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = new_warnings ();
  g_autoptr(JsonObject) first = model_object ("mine", "First", 2);
  g_autoptr(JsonObject) second = model_object ("mine", "Second", 3);
  g_autoptr(JsonObject) other = model_object ("other", "Other", 2);
  g_autoptr(JsonObject) bad = model_object ("bad", "Bad", -1);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *backup = NULL;
  JsonObject *gpu;

  g_assert_no_error (error);
  /* The folder is created; there is no previous version to keep. */
  g_assert_true (uth_catalog_save_user_entry (catalog, UTH_CATALOG_MODELS, first, dir, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (bak, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (uth_catalog_find_model (catalog, "mine")->name, ==, "First");

  /* Same id: replaced in the file and in the catalog; the previous file is the backup. */
  before = read_text (path);
  g_assert_true (uth_catalog_save_user_entry (catalog, UTH_CATALOG_MODELS, second, dir, &error));
  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_MODELS, other, dir, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (uth_catalog_find_model (catalog, "mine")->name, ==, "Second");
  backup = read_text (bak);
  g_assert_nonnull (strstr (backup, "Second"));
  g_assert_null (strstr (backup, "Other"));
  uth_catalog_load_user_dir (reread, dir, warnings);
  g_assert_cmpuint (warnings->len, ==, 0);
  g_assert_cmpuint (uth_catalog_get_n_models (reread), ==, 2);
  g_assert_cmpuint (uth_catalog_find_model (reread, "mine")->spec.layers, ==, 3);

  /* A wrong entry is refused by the loader's rules and nothing is written. */
  g_free (before);
  before = read_text (path);
  g_assert_false (uth_catalog_save_user_entry (catalog, UTH_CATALOG_MODELS, bad, dir, &error));
  g_assert_nonnull (strstr (error->message, "field 'layers'"));
  g_clear_error (&error);
  after = read_text (path);
  g_assert_cmpstr (before, ==, after);

  /* A corrupt file is reported and left as it was, with no backup made of it. */
  g_assert_true (g_file_set_contents (gpus, "{ \"gpus\": [ oops", -1, NULL));
  gpu = json_object_new ();
  json_object_set_string_member (gpu, "id", "x");
  g_assert_false (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, gpu, dir, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  json_object_unref (gpu);
  g_free (after);
  after = read_text (gpus);
  g_assert_cmpstr (after, ==, "{ \"gpus\": [ oops");

  {
    g_autoptr(JsonObject) g = json_object_new ();
    g_autoptr(JsonObject) peaks = json_object_new ();

    json_object_set_string_member (g, "id", "my-gpu");
    json_object_set_string_member (g, "name", "Mine");
    json_object_set_string_member (g, "source", "https://example.org/");
    json_object_set_double_member (peaks, "bf16", 100e12);
    json_object_set_object_member (g, "peak_flops", json_object_ref (peaks));
    json_object_set_double_member (g, "memory_bytes", 16e9);
    json_object_set_double_member (g, "memory_bandwidth", 1e12);
    json_object_set_int_member (g, "sms", 10);
    g_assert_false (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, g, dir, &error));
    g_assert_nonnull (strstr (error->message, "left untouched"));
    g_clear_error (&error);
  }
  after = (g_free (after), read_text (gpus));
  g_assert_cmpstr (after, ==, "{ \"gpus\": [ oops");
  g_assert_false (g_file_test (bak, G_FILE_TEST_IS_DIR));

  g_unlink (path);
  g_unlink (bak);
  g_unlink (gpus);
  g_rmdir (sub);
  g_rmdir (dir_path);
}

static void
count_changed (UthCatalog *catalog,
               gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* The catalog's "changed": once per entry added, once per loaded text with entries, never
 * for a text without any or one refused, and not after disconnecting. */
static void
test_changed (void)
{
  static const char json[] =
    "{ \"engines\": [ { \"id\": \"e\", \"name\": \"E\", \"source\": \"s\","
    " \"compute_efficiency\": 0.5, \"bandwidth_efficiency\": 0.5 },"
    " { \"id\": \"f\", \"name\": \"F\", \"source\": \"s\","
    " \"compute_efficiency\": 0.5, \"bandwidth_efficiency\": 0.5 } ] }";
  static const char empty[] = "{ \"engines\": [] }";
  static const char broken[] = "{ \"engines\": [ ";
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = new_warnings ();
  g_autoptr(GBytes) bytes = g_bytes_new_static (json, strlen (json));
  g_autoptr(GBytes) none = g_bytes_new_static (empty, strlen (empty));
  g_autoptr(GBytes) bad = g_bytes_new_static (broken, strlen (broken));
  g_autoptr(GError) error = NULL;
  UthModelEntry model = { 0 };
  guint changed = 0, other = 0;
  gulong id = uth_catalog_connect_changed (catalog, count_changed, &changed);
  gulong id2 = uth_catalog_connect_changed (catalog, count_changed, &other);

  g_assert_cmpuint (id, !=, 0);
  g_assert_cmpuint (id2, !=, id);
  g_assert_true (uth_catalog_load_bytes (catalog, UTH_CATALOG_ENGINES, bytes, "e.json", FALSE,
                                         warnings, &error));
  g_assert_cmpuint (changed, ==, 1);     /* two entries, one text: once */
  g_assert_true (uth_catalog_load_bytes (catalog, UTH_CATALOG_ENGINES, none, "n.json", FALSE,
                                         warnings, &error));
  g_assert_cmpuint (changed, ==, 1);
  g_assert_false (uth_catalog_load_bytes (catalog, UTH_CATALOG_ENGINES, bad, "b.json", FALSE,
                                          warnings, &error));
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 1);
  model.id = (char *) "m";
  model.name = (char *) "M";
  uth_catalog_add_model (catalog, &model);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_cmpuint (other, ==, 2);
  uth_catalog_disconnect_changed (catalog, id);
  model.id = (char *) "m2";
  uth_catalog_add_model (catalog, &model);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_cmpuint (other, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/catalog/bundled", test_bundled);
  g_test_add_func ("/catalog/required-ids", test_required_ids);
  g_test_add_func ("/catalog/params-published", test_params_published);
  g_test_add_func ("/catalog/malformed/entries", test_malformed_entries);
  g_test_add_func ("/catalog/malformed/gpus-engines", test_malformed_gpus_engines);
  g_test_add_func ("/catalog/malformed/files", test_malformed_files);
  g_test_add_func ("/catalog/malformed/inline", test_inline_errors);
  g_test_add_func ("/catalog/malformed/duplicate", test_duplicate_in_file);
  g_test_add_func ("/catalog/user-override", test_user_override);
  g_test_add_func ("/catalog/add", test_add_entries);
  g_test_add_func ("/catalog/suggest", test_suggest);
  g_test_add_func ("/catalog/size-cap", test_size_cap);
  g_test_add_func ("/catalog/depth", test_depth_check);
  g_test_add_func ("/catalog/save-user-entry", test_save_user_entry);
  g_test_add_func ("/catalog/changed", test_changed);

  return g_test_run ();
}
