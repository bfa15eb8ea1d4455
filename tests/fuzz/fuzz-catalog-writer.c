/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The user-catalog writer's round trip: the input as a user's catalog file; when it is one,
 * saving an entry into it and loading it again gives every entry that loaded before, the same,
 * plus the saved one (load → save → load is the identity on what loads); when it is not, the
 * save is refused and the file left byte for byte as it was. */
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-safe-json.h"
#include "fuzz.h"

static char *scratch = NULL;

static void
remove_scratch (void)
{
  static const char * const names[] = { "models.json", "models.json.bak" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (scratch, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (scratch);
}

static const char *
scratch_dir (void)
{
  if (scratch == NULL)
    {
      scratch = g_dir_make_tmp ("uth-fuzz-writer-XXXXXX", NULL);
      g_assert (scratch != NULL);
      atexit (remove_scratch);
    }
  return scratch;
}

static JsonObject *
new_model (void)
{
  JsonObject *m = json_object_new ();

  json_object_set_string_member (m, "id", "fuzz-added");
  json_object_set_string_member (m, "name", "Added by the fuzzer");
  json_object_set_string_member (m, "source", "fuzz");
  json_object_set_int_member (m, "hidden_size", 64);
  json_object_set_int_member (m, "layers", 2);
  json_object_set_int_member (m, "heads", 4);
  json_object_set_int_member (m, "ffn", 256);
  json_object_set_int_member (m, "vocab_size", 100);
  return m;
}

static gboolean
same_model (const UthModelEntry *a,
            const UthModelEntry *b)
{
  return g_strcmp0 (a->id, b->id) == 0 && g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->family, b->family) == 0 && g_strcmp0 (a->source, b->source) == 0 &&
         a->params_published == b->params_published &&
         memcmp (&a->spec, &b->spec, sizeof a->spec) == 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GFile) dir = g_file_new_for_path (scratch_dir ());
  g_autofree char *path = g_build_filename (scratch_dir (), "models.json", NULL);
  g_autofree char *backup = g_build_filename (scratch_dir (), "models.json.bak", NULL);
  g_autoptr(UthCatalog) before = uth_catalog_new ();
  g_autoptr(UthCatalog) after = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(JsonObject) added = new_model ();
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) load_error = NULL;
  g_autoptr(GError) save_error = NULL;
  g_autofree char *left = NULL;
  gsize left_size = 0;
  gboolean loads;

  g_unlink (backup);
  g_assert (g_file_set_contents (path, (const char *) data, (gssize) size, NULL));
  loads = uth_catalog_load_bytes (before, UTH_CATALOG_MODELS, bytes, path, TRUE, warnings, &load_error);

  if (!uth_catalog_save_user_entry (NULL, UTH_CATALOG_MODELS, added, dir, &save_error))
    {
      /* Refused: nothing changed. (A file that loads may still be refused, e.g. when the
       * writer cannot hold one of its numbers; it is then left alone.) */
      g_assert (g_file_get_contents (path, &left, &left_size, NULL));
      g_assert (left_size == size && memcmp (left, data, size) == 0);
      return 0;
    }
  /* Saved: the old file was a catalog, and is the .bak byte for byte (when it existed). */
  g_assert (loads);
  g_assert (g_file_get_contents (backup, &left, &left_size, NULL));
  g_assert (left_size == size && memcmp (left, data, size) == 0);

  g_ptr_array_set_size (warnings, 0);
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GError) error = NULL;

    if (!uth_catalog_load_file (after, UTH_CATALOG_MODELS, file, warnings, &error))
      g_error ("the saved file does not load: %s", error->message);
  }
  for (guint i = 0; i < uth_catalog_get_n_models (before); i++)
    {
      const UthModelEntry *was = uth_catalog_get_model (before, i);
      const UthModelEntry *now = uth_catalog_find_model (after, was->id);

      if (g_str_equal (was->id, "fuzz-added"))
        continue;
      if (now == NULL || !same_model (was, now))
        g_error ("entry '%s' changed across a save", was->id);
    }
  g_assert (uth_catalog_find_model (after, "fuzz-added") != NULL);
  g_assert (uth_catalog_get_n_models (after) ==
            uth_catalog_get_n_models (before) + (uth_catalog_find_model (before, "fuzz-added") ? 0 : 1));
  return 0;
}
