/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Saving entries to the user's catalogs: checked, atomic, with the previous file kept. */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "uth-catalog.h"
#include "uth-safe-json.h"

static const char * const kind_files[] = { "models.json", "gpus.json", "engines.json" };
static const char * const kind_lists[] = { "models", "gpus", "engines" };

/* {"<list>": entries} as pretty JSON ending in a newline, as a hand-edited file would. */
static GBytes *
catalog_bytes (UthCatalogKind  kind,
               JsonArray      *entries)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonObject *object = json_object_new ();
  g_autofree char *text = NULL;

  json_object_set_array_member (object, kind_lists[kind], json_array_ref (entries));
  json_node_take_object (root, object);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  return g_bytes_new_take (g_strconcat (text, "\n", NULL), strlen (text) + 1);
}

/* The entry through the real loader, into a scratch catalog: the same rules and messages. */
static gboolean
check_entry (UthCatalogKind   kind,
             JsonObject      *entry,
             const char      *name,
             GError         **error)
{
  g_autoptr(JsonArray) one = json_array_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(UthCatalog) scratch = uth_catalog_new ();
  g_autoptr(GBytes) bytes = NULL;

  json_array_add_object_element (one, json_object_ref (entry));
  bytes = catalog_bytes (kind, one);
  if (!uth_catalog_load_bytes (scratch, kind, bytes, name, TRUE, warnings, error))
    return FALSE;
  if (warnings->len > 0)
    {
      g_propagate_error (error, g_error_copy (g_ptr_array_index (warnings, 0)));
      return FALSE;
    }
  return TRUE;
}

/* The entries of an existing file; NULL with an error when it is not a valid catalog. */
static JsonArray *
read_existing (GFile           *file,
               UthCatalogKind   kind,
               const char      *name,
               GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, &local_error);
  g_autoptr(JsonNode) root = NULL;
  JsonNode *list = NULL;

  if (bytes != NULL)
    root = uth_safe_json_parse (bytes, name, UTH_CATALOG_MAX_BYTES, 16, &local_error);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    list = json_object_get_member (json_node_get_object (root), kind_lists[kind]);
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s is not a valid catalog, so it was left untouched (fix or move it, then "
                     "save again): %s"), name,
                   local_error != NULL ? local_error->message : _("no list of entries"));
      return NULL;
    }
  return json_array_ref (json_node_get_array (list));
}

static const char *
object_id (JsonObject *object)
{
  return uth_safe_json_get_string (object, "id");
}

gboolean
uth_catalog_save_user_entry (UthCatalog      *self,
                             UthCatalogKind   kind,
                             JsonObject      *entry,
                             GFile           *dir,
                             GError         **error)
{
  g_autoptr(GFile) default_dir = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(JsonArray) existing = NULL;
  g_autoptr(JsonArray) updated = json_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *dir_path = NULL;
  gboolean replaced = FALSE;
  const char *id;

  g_return_val_if_fail ((guint) kind <= UTH_CATALOG_ENGINES, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (dir == NULL)
    dir = default_dir = g_file_new_build_filename (g_get_user_config_dir (), "under-the-hood", NULL);
  file = g_file_get_child (dir, kind_files[kind]);
  path = g_file_get_path (file);
  dir_path = g_file_get_path (dir);
  if (path == NULL || dir_path == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: the user's catalog must be a local file"), kind_files[kind]);
      return FALSE;
    }

  if (!check_entry (kind, entry, path, error))
    return FALSE;
  id = object_id (entry);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      existing = read_existing (file, kind, path, error);
      if (existing == NULL)
        return FALSE;
    }
  for (guint i = 0; existing != NULL && i < json_array_get_length (existing); i++)
    {
      JsonNode *node = json_array_get_element (existing, i);

      if (JSON_NODE_HOLDS_OBJECT (node) && g_strcmp0 (object_id (json_node_get_object (node)), id) == 0)
        {
          json_array_add_object_element (updated, json_object_ref (entry));
          replaced = TRUE;
        }
      else
        json_array_add_element (updated, json_node_copy (node));
    }
  if (!replaced)
    json_array_add_object_element (updated, json_object_ref (entry));
  bytes = catalog_bytes (kind, updated);

  if (g_mkdir_with_parents (dir_path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: cannot create the folder: %s"), dir_path, g_strerror (saved));
      return FALSE;
    }
  /* The previous version first, so that at every moment one good copy exists. */
  if (existing != NULL)
    {
      g_autoptr(GFile) backup_file = NULL;
      g_autoptr(GError) local_error = NULL;

      backup = g_strconcat (path, ".bak", NULL);
      backup_file = g_file_new_for_path (backup);
      if (!g_file_copy (file, backup_file, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error))
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: cannot keep the previous version: %s"), backup, local_error->message);
          return FALSE;
        }
    }
  /* Written to a temporary file in the same folder and renamed over the old one. */
  if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    return FALSE;

  if (self != NULL)
    {
      g_autoptr(JsonArray) one = json_array_new ();
      g_autoptr(GBytes) single = NULL;

      json_array_add_object_element (one, json_object_ref (entry));
      single = catalog_bytes (kind, one);
      return uth_catalog_load_bytes (self, kind, single, path, TRUE, NULL, error);
    }
  return TRUE;
}
