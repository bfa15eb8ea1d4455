/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Preferences editor's writer of the user's catalogs: checked by the loader, atomic,
 * never destroying a file it cannot read, and read back by the real start-up path. */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* A GPU entry as a user would write it by hand, with extra members the app does not know. */
#define GPU_TEXT(id, extra) \
  "{ \"id\": \"" id "\", \"name\": \"Lab\", \"source\": \"lab\", \"peak_flops\": { \"bf16\": 1e14 }," \
  " \"memory_bytes\": 17179869184, \"memory_bandwidth\": 5e11, \"sms\": 40" extra " }"

static void
write_text (Fixture    *f,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (f->path, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* Issue 19 item 2: an extra field holding 1e999 loaded silently and the next save wrote
 * "inf.0" (not JSON), so every entry vanished at the next start. Now the entry is skipped
 * with a warning naming file, entry and field, the others load, and a save keeps the file
 * readable with that entry's text untouched. */
static void
test_infinite_number (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(UthCatalog) next_start = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(JsonObject) gpu = make_gpu ("added", 600e9);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *message;

  write_text (f, "gpus.json", "{ \"gpus\": [ " GPU_TEXT ("bad", ", \"spare_bytes\": 1e999") ", "
                              GPU_TEXT ("good", "") " ] }\n");
  uth_catalog_load_user_dir (catalog, f->dir, warnings);
  g_assert_cmpuint (warnings->len, ==, 1);
  message = ((GError *) g_ptr_array_index (warnings, 0))->message;
  g_assert_nonnull (strstr (message, "gpus.json"));
  g_assert_nonnull (strstr (message, "entry 'bad'"));
  g_assert_nonnull (strstr (message, "spare_bytes"));
  g_assert_null (uth_catalog_find_gpu (catalog, "bad"));
  g_assert_nonnull (uth_catalog_find_gpu (catalog, "good"));

  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, gpu, f->dir, &error));
  g_assert_no_error (error);
  contents = read_file (f, "gpus.json");
  g_assert_nonnull (strstr (contents, "\"spare_bytes\": 1e999"));
  g_assert_null (strstr (contents, "inf"));
  g_ptr_array_set_size (warnings, 0);
  uth_catalog_load_user_dir (next_start, f->dir, warnings);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (uth_catalog_find_gpu (next_start, "good"));
  g_assert_nonnull (uth_catalog_find_gpu (next_start, "added"));
}

/* Comments were accepted at load and silently stripped by a save. Now the file is refused at
 * load with a message naming it, and a save or removal leaves it exactly as it was. */
static void
test_comments_refused (Fixture       *f,
                       gconstpointer  data)
{
  const char *text = "{ \"gpus\": [ /* my lab's card */ " GPU_TEXT ("mine", "") " ] }\n";
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(JsonObject) gpu = make_gpu ("added", 600e9);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *message;

  write_text (f, "gpus.json", text);
  uth_catalog_load_user_dir (catalog, f->dir, warnings);
  g_assert_cmpuint (warnings->len, ==, 1);
  message = ((GError *) g_ptr_array_index (warnings, 0))->message;
  g_assert_nonnull (strstr (message, "gpus.json"));
  g_assert_nonnull (strstr (message, "comment"));

  g_assert_false (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, gpu, f->dir, &error));
  g_assert_nonnull (strstr (error->message, "left untouched"));
  g_clear_error (&error);
  g_assert_false (uth_catalog_remove_user_entry (f->dir, UTH_CATALOG_GPUS, "mine", &error));
  g_clear_error (&error);
  contents = read_file (f, "gpus.json");
  g_assert_cmpstr (contents, ==, text);
  g_assert_null (read_file (f, "gpus.json.bak"));
}

/* 18446744073709551616 became -1 on save. Unknown members keep their text, in the entry left
 * alone and in the entry replaced by an edited copy; other top-level members stay too. */
static void
test_unknown_text_kept (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) added = make_gpu ("added", 600e9);
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonObject) edited = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *again = NULL;

  write_text (f, "gpus.json", "{ \"note\": \"mine, keep\", \"gpus\": [ "
                              GPU_TEXT ("a", ", \"serial\": 18446744073709551616")
                              ", " GPU_TEXT ("b", ", \"serial\": 18446744073709551617") " ] }\n");
  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, added, f->dir, &error));
  g_assert_no_error (error);
  contents = read_file (f, "gpus.json");
  g_assert_nonnull (strstr (contents, "\"serial\": 18446744073709551616"));
  g_assert_nonnull (strstr (contents, "\"serial\": 18446744073709551617"));
  g_assert_nonnull (strstr (contents, "\"note\": \"mine, keep\""));

  /* Edit "b" as Preferences does: the entry as read, one member changed. */
  entries = uth_catalog_read_user_entries (f->dir, UTH_CATALOG_GPUS, &error);
  g_assert_no_error (error);
  edited = json_object_ref (json_array_get_object_element (entries, 1));
  json_object_set_string_member (edited, "name", "Lab, renamed");
  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, edited, f->dir, &error));
  g_assert_no_error (error);
  again = read_file (f, "gpus.json");
  g_assert_nonnull (strstr (again, "\"serial\": 18446744073709551617"));
  g_assert_nonnull (strstr (again, "Lab, renamed"));
  g_assert_nonnull (strstr (again, "\"serial\": 18446744073709551616"));
}

/* A symlinked gpus.json was replaced by a plain file and 0600 became 0644: now the link stays,
 * its target gets the new text, and the file and its .bak keep the mode. */
static void
test_link_and_mode_kept (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *real_dir = g_build_filename (f->path, "real", NULL);
  g_autofree char *target = g_build_filename (real_dir, "gpus.json", NULL);
  g_autofree char *target_bak = g_build_filename (real_dir, "gpus.json.bak", NULL);
  g_autofree char *link = g_build_filename (f->path, "gpus.json", NULL);
  g_autoptr(JsonObject) first = make_gpu ("a", 500e9);
  g_autoptr(JsonObject) second = make_gpu ("b", 600e9);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  struct stat st;

  g_assert_cmpint (g_mkdir (real_dir, 0700), ==, 0);
  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, first, f->dir, &error));
  g_assert_cmpint (g_rename (link, target), ==, 0);
  g_assert_cmpint (symlink ("real/gpus.json", link), ==, 0);
  g_assert_cmpint (g_chmod (target, 0600), ==, 0);

  g_assert_true (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, second, f->dir, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"b\""));
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (target_bak, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_unlink (link);
  g_unlink (target);
  g_unlink (target_bak);
  g_rmdir (real_dir);
}

/* Issue 19 items 1, 3 and 4: a gpus.json of 200,000 '[' crashed Preferences' reader, a
 * symlink to /dev/zero or a 27 MB file was read without a cap, and a FIFO hung every command.
 * Each is now refused at once, at start-up, by the reader Preferences uses and by a save. */
static void
test_hostile_files (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->path, "gpus.json", NULL);
  g_autofree char *deep = g_malloc (200001);
  const char *says[] = { "nested deeper than", "a device", "larger than the limit", "(a FIFO)" };

  memset (deep, '[', 200000);
  deep[200000] = '\0';
  for (guint i = 0; i < G_N_ELEMENTS (says); i++)
    {
      g_autoptr(UthCatalog) catalog = uth_catalog_new ();
      g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
      g_autoptr(JsonObject) gpu = make_gpu ("added", 600e9);
      g_autoptr(JsonArray) entries = NULL;
      g_autoptr(GError) error = NULL;

      g_unlink (path);
      if (i == 0)
        write_text (f, "gpus.json", deep);
      else if (i == 1)
        g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
      else if (i == 2)
        {
          int fd = g_open (path, O_WRONLY | O_CREAT, 0600);
          g_assert_cmpint (ftruncate (fd, 27 * 1000 * 1000), ==, 0);
          close (fd);
        }
      else
        g_assert_cmpint (mkfifo (path, 0600), ==, 0);

      uth_catalog_load_user_dir (catalog, f->dir, warnings);
      g_assert_cmpuint (warnings->len, ==, 1);
      g_assert_nonnull (strstr (((GError *) g_ptr_array_index (warnings, 0))->message, says[i]));
      entries = uth_catalog_read_user_entries (f->dir, UTH_CATALOG_GPUS, &error);
      g_assert_null (entries);
      g_assert_nonnull (strstr (error->message, says[i]));
      g_assert_nonnull (strstr (error->message, "gpus.json"));
      g_clear_error (&error);
      g_assert_false (uth_catalog_save_user_entry (NULL, UTH_CATALOG_GPUS, gpu, f->dir, &error));
      g_assert_nonnull (strstr (error->message, says[i]));
    }
  g_unlink (path);
}

/* The loader reads entries as the parser reaches them (a catalog of 100,000 never holds all
 * its nodes); a text that turns out bad after them adds none of them. */
static void
test_bad_end_adds_nothing (Fixture       *f,
                           gconstpointer  data)
{
  static const char * const texts[] = {
    "{ \"gpus\": [ " GPU_TEXT ("a", "") ", " GPU_TEXT ("b", "") " ] } /* c */",
    "{ \"gpus\": [ " GPU_TEXT ("a", "") ", " GPU_TEXT ("b", "") " ] } {}",
    "{ \"gpus\": [ " GPU_TEXT ("a", "") ", " GPU_TEXT ("b", "") " ], \"gpus\": [] }",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (texts[i], strlen (texts[i]));
      g_autoptr(UthCatalog) catalog = uth_catalog_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (uth_catalog_load_bytes (catalog, UTH_CATALOG_GPUS, bytes, "gpus.json", TRUE,
                                              NULL, &error));
      g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE);
      g_assert_cmpuint (uth_catalog_get_n_gpus (catalog), ==, 0);
    }
}

/* Preferences lists the first entries of a long file without holding the rest. */
static void
test_read_range (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("{ \"gpus\": [");
  g_autoptr(JsonArray) first = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (text, "%s{ \"id\": \"g%u\" }", i > 0 ? ", " : "", i);
  g_string_append (text, "] }");
  write_text (f, "gpus.json", text->str);
  first = uth_catalog_read_user_entries_range (f->dir, UTH_CATALOG_GPUS, 10, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1000);
  g_assert_cmpuint (json_array_get_length (first), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (first, 9), "id"),
                   ==, "g9");
}

/* A user entry whose name is not a text: the loader names the field (no Json-CRITICAL). */
static void
test_name_not_text (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  const char *message;

  write_text (f, "gpus.json", "{ \"gpus\": [ { \"id\": \"x\", \"name\": 42 } ] }");
  uth_catalog_load_user_dir (catalog, f->dir, warnings);
  g_assert_cmpuint (warnings->len, ==, 1);
  message = ((GError *) g_ptr_array_index (warnings, 0))->message;
  g_assert_nonnull (strstr (message, "entry 'x' field 'name': expected a non-empty text"));
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
  g_test_add ("/user-catalog/infinite-number", Fixture, NULL,
              fixture_set_up, test_infinite_number, fixture_tear_down);
  g_test_add ("/user-catalog/comments-refused", Fixture, NULL,
              fixture_set_up, test_comments_refused, fixture_tear_down);
  g_test_add ("/user-catalog/unknown-text-kept", Fixture, NULL,
              fixture_set_up, test_unknown_text_kept, fixture_tear_down);
  g_test_add ("/user-catalog/link-and-mode-kept", Fixture, NULL,
              fixture_set_up, test_link_and_mode_kept, fixture_tear_down);
  g_test_add ("/user-catalog/hostile-files", Fixture, NULL,
              fixture_set_up, test_hostile_files, fixture_tear_down);
  g_test_add ("/user-catalog/bad-end-adds-nothing", Fixture, NULL,
              fixture_set_up, test_bad_end_adds_nothing, fixture_tear_down);
  g_test_add ("/user-catalog/read-range", Fixture, NULL,
              fixture_set_up, test_read_range, fixture_tear_down);
  g_test_add ("/user-catalog/name-not-text", Fixture, NULL,
              fixture_set_up, test_name_not_text, fixture_tear_down);

  return g_test_run ();
}
