/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Preferences editor's writer of the user's catalogs: checked by the loader, atomic,
 * never destroying a file it cannot read, and read back by the real start-up path. */
#include "config.h"

#include <glib/gstdio.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-safe-json.h"

typedef struct
{
  char  *path;
  GFile *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->path = g_dir_make_tmp ("uth-user-catalog-XXXXXX", &error);
  g_assert_no_error (error);
  f->dir = g_file_new_for_path (f->path);
}

static void
remove_all (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_all (f->path);
  g_object_unref (f->dir);
  g_free (f->path);
}

/* A small accelerator with round numbers: 100 TFLOP/s bf16, 16 GiB, 500 GB/s, 40 SMs. */
static JsonObject *
make_gpu (const char *id,
          double      bandwidth)
{
  JsonObject *gpu = json_object_new ();
  JsonObject *peaks = json_object_new ();

  json_object_set_string_member (gpu, "id", id);
  json_object_set_string_member (gpu, "name", "Lab accelerator");
  json_object_set_string_member (gpu, "source", "measured in our lab");
  json_object_set_double_member (peaks, "bf16", 100e12);
  json_object_set_object_member (gpu, "peak_flops", peaks);
  json_object_set_double_member (gpu, "memory_bytes", 17179869184.0);
  json_object_set_double_member (gpu, "memory_bandwidth", bandwidth);
  json_object_set_int_member (gpu, "sms", 40);
  return gpu;
}

static char *
read_file (Fixture    *f,
           const char *name)
{
  g_autofree char *path = g_build_filename (f->path, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static void
test_save_and_load (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) gpu = make_gpu ("lab-gpu", 500e9);
  g_autoptr(UthCatalog) running = uth_catalog_new ();
  g_autoptr(UthCatalog) next_start = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) entries = NULL;
  const UthGpuEntry *entry;

  g_assert_true (uth_catalog_save_user_entry (running, UTH_CATALOG_GPUS, gpu, f->dir, &error));
  g_assert_no_error (error);

  /* The running catalog has it at once, marked as the user's. */
  entry = uth_catalog_find_gpu (running, "lab-gpu");
  g_assert_nonnull (entry);
  g_assert_true (entry->user);
  g_assert_cmpfloat (entry->spec.memory_bandwidth, ==, 500e9);

  /* The next start reads it from the file through the loader. */
  uth_catalog_load_user_dir (next_start, f->dir, warnings);
  g_assert_cmpuint (warnings->len, ==, 0);
  entry = uth_catalog_find_gpu (next_start, "lab-gpu");
  g_assert_nonnull (entry);
  g_assert_cmpfloat (entry->spec.memory_bytes, ==, 17179869184.0);
  g_assert_cmpfloat (uth_gpu_peak_flops (&entry->spec, UTH_DTYPE_BF16), ==, 100e12);
  g_assert_cmpuint (entry->spec.sms, ==, 40);

  entries = uth_catalog_read_user_entries (f->dir, UTH_CATALOG_GPUS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
}

static void
test_replace_by_id (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) first = make_gpu ("a", 500e9);
  g_autoptr(JsonObject) second = make_gpu ("b", 600e9);
  g_autoptr(JsonObject) again = make_gpu ("a", 700e9);
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, first, f->dir, &error));
  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, second, f->dir, &error));
  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, again, f->dir, &error));
  g_assert_no_error (error);

  /* Replaced in place: still two entries, "a" first with the new bandwidth. */
  entries = uth_catalog_read_user_entries (f->dir, UTH_CATALOG_GPUS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0), "id"),
                   ==, "a");
  uth_catalog_load_user_dir (catalog, f->dir, warnings);
  g_assert_cmpfloat (uth_catalog_find_gpu (catalog, "a")->spec.memory_bandwidth, ==, 700e9);
  g_assert_cmpfloat (uth_catalog_find_gpu (catalog, "b")->spec.memory_bandwidth, ==, 600e9);

  /* The version before the last save is kept as gpus.json.bak: "a" at its old bandwidth. */
  {
    g_autoptr(GFile) backup = g_file_get_child (f->dir, "gpus.json.bak");
    g_autoptr(UthCatalog) previous = uth_catalog_new ();

    g_assert_true (uth_catalog_load_file (previous, UTH_CATALOG_GPUS, backup, warnings, &error));
    g_assert_no_error (error);
    g_assert_cmpfloat (uth_catalog_find_gpu (previous, "a")->spec.memory_bandwidth, ==, 500e9);
    g_assert_nonnull (uth_catalog_find_gpu (previous, "b"));
  }
}

static void
test_bad_entry_writes_nothing (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(JsonObject) gpu = make_gpu ("lab-gpu", 500e9);
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  json_object_remove_member (gpu, "memory_bandwidth");
  g_assert_false (uth_catalog_save_user_entry (catalog, UTH_CATALOG_GPUS, gpu, f->dir, &error));
  g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD);
  /* The loader's message names the field. */
  g_assert_nonnull (strstr (error->message, "memory_bandwidth"));
  contents = read_file (f, "gpus.json");
  g_assert_null (contents);
  g_assert_null (uth_catalog_find_gpu (catalog, "lab-gpu"));
}

static void
test_corrupt_file_kept (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) gpu = make_gpu ("lab-gpu", 500e9);
  g_autofree char *path = g_build_filename (f->path, "gpus.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *broken = "{ \"gpus\": [ { \"id\": \"mine\", ";

  g_assert_true (g_file_set_contents (path, broken, -1, NULL));
  g_assert_false (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, gpu, f->dir, &error));
  g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "gpus.json"));
  contents = read_file (f, "gpus.json");
  g_assert_cmpstr (contents, ==, broken);
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JsonObject) first = make_gpu ("a", 500e9);
  g_autoptr(JsonObject) second = make_gpu ("b", 600e9);
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, first, f->dir, &error));
  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, second, f->dir, &error));
  g_assert_true (uth_catalog_remove_user_entry (f->dir, UTH_CATALOG_GPUS, "a", &error));
  g_assert_no_error (error);
  entries = uth_catalog_read_user_entries (f->dir, UTH_CATALOG_GPUS, &error);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0), "id"),
                   ==, "b");

  g_assert_false (uth_catalog_remove_user_entry (f->dir, UTH_CATALOG_GPUS, "a", &error));
  g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_NOT_FOUND);
}

static void
test_model (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(JsonObject) model = json_object_new ();
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(GError) error = NULL;
  const UthModelEntry *entry;

  /* Llama 2 7B's shape (config.json on Hugging Face): 6,738,415,616 parameters. */
  json_object_set_string_member (model, "id", "my-llama");
  json_object_set_string_member (model, "name", "My Llama");
  json_object_set_string_member (model, "source", "copied from Llama 2 7B's config.json");
  json_object_set_int_member (model, "hidden_size", 4096);
  json_object_set_int_member (model, "layers", 32);
  json_object_set_int_member (model, "heads", 32);
  json_object_set_int_member (model, "kv_heads", 32);
  json_object_set_int_member (model, "head_dim", 128);
  json_object_set_int_member (model, "ffn", 11008);
  json_object_set_boolean_member (model, "gated_mlp", TRUE);
  json_object_set_int_member (model, "vocab_size", 32000);
  json_object_set_string_member (model, "norm", "rms");

  g_assert_true (uth_catalog_save_user_entry (catalog, UTH_CATALOG_MODELS, model, f->dir, &error));
  g_assert_no_error (error);
  entry = uth_catalog_find_model (catalog, "my-llama");
  g_assert_nonnull (entry);
  g_assert_cmpuint (uth_model_params (&entry->spec), ==, G_GUINT64_CONSTANT (6738415616));

  /* kv_heads that do not divide heads are refused with the field named. */
  json_object_set_int_member (model, "kv_heads", 5);
  g_assert_false (uth_catalog_save_user_entry (NULL, UTH_CATALOG_MODELS, model, f->dir, &error));
  g_assert_nonnull (strstr (error->message, "kv_heads"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/user-catalog/save-and-load", Fixture, NULL,
              fixture_set_up, test_save_and_load, fixture_tear_down);
  g_test_add ("/user-catalog/replace-by-id", Fixture, NULL,
              fixture_set_up, test_replace_by_id, fixture_tear_down);
  g_test_add ("/user-catalog/bad-entry-writes-nothing", Fixture, NULL,
              fixture_set_up, test_bad_entry_writes_nothing, fixture_tear_down);
  g_test_add ("/user-catalog/corrupt-file-kept", Fixture, NULL,
              fixture_set_up, test_corrupt_file_kept, fixture_tear_down);
  g_test_add ("/user-catalog/remove", Fixture, NULL,
              fixture_set_up, test_remove, fixture_tear_down);
  g_test_add ("/user-catalog/model", Fixture, NULL,
              fixture_set_up, test_model, fixture_tear_down);

  return g_test_run ();
}
