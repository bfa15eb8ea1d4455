/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>

#include "uth-user-catalog.h"

static const char * const kind_lists[] = { "models", "gpus", "engines" };

GFile *
uth_user_catalog_default_dir (void)
{
  return g_file_new_build_filename (g_get_user_config_dir (), "under-the-hood", NULL);
}

GFile *
uth_user_catalog_file (GFile          *dir,
                       UthCatalogKind  kind)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (dir), NULL);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_lists), NULL);

  name = g_strconcat (kind_lists[kind], ".json", NULL);
  return g_file_get_child (dir, name);
}

JsonArray *
uth_user_catalog_read (GFile           *dir,
                       UthCatalogKind   kind,
                       GError         **error)
{
  g_autoptr(GFile) file = uth_user_catalog_file (dir, kind);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonNode *list;

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return json_array_new ();
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: cannot be read: %s"), path, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  list = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
    ? json_object_get_member (json_node_get_object (root), kind_lists[kind]) : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: expected an object with a list \"%s\": [ … ]"), path, kind_lists[kind]);
      return NULL;
    }
  return json_array_ref (json_node_get_array (list));
}

/* {"<kind>": [ entries ]} as pretty-printed JSON. */
static char *
catalog_to_data (UthCatalogKind  kind,
                 JsonArray      *entries,
                 gsize          *length)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonObject *object = json_object_new ();
  char *data;

  json_object_set_array_member (object, kind_lists[kind], json_array_ref (entries));
  json_node_take_object (root, object);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  data = json_generator_to_data (generator, length);
  /* End with a newline, as a hand-edited file would. */
  data = g_realloc (data, *length + 2);
  data[(*length)++] = '\n';
  data[*length] = '\0';
  return data;
}

static gboolean
write_catalog (GFile           *dir,
               UthCatalogKind   kind,
               JsonArray       *entries,
               GError         **error)
{
  g_autoptr(GFile) file = uth_user_catalog_file (dir, kind);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *dir_path = g_file_get_path (dir);
  g_autofree char *data = NULL;
  gsize length = 0;

  if (g_mkdir_with_parents (dir_path, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: cannot create the folder: %s"), dir_path, g_strerror (saved));
      return FALSE;
    }
  data = catalog_to_data (kind, entries, &length);
  /* The previous version kept as <file>.bak first (as uth_catalog_save_user_entry does), so
   * a mistaken save or removal can be undone by hand. */
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *backup = g_strconcat (path, ".bak", NULL);
      g_autoptr(GFile) backup_file = g_file_new_for_path (backup);
      g_autoptr(GError) local_error = NULL;

      if (!g_file_copy (file, backup_file, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error))
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: cannot keep the previous version: %s"), backup, local_error->message);
          return FALSE;
        }
    }
  /* Written to a temporary file and renamed over the old one: atomic on POSIX. */
  return g_file_set_contents_full (path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static const char *
entry_id (JsonObject *entry)
{
  JsonNode *node = json_object_get_member (entry, "id");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Index of the entry with that id, or -1. */
static int
find_entry (JsonArray  *entries,
            const char *id)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);

      if (JSON_NODE_HOLDS_OBJECT (node)
          && g_strcmp0 (entry_id (json_node_get_object (node)), id) == 0)
        return (int) i;
    }
  return -1;
}

/* Runs the entry through the real loader into catalog (or a scratch one). */
static gboolean
check_entry (UthCatalogKind   kind,
             JsonObject      *entry,
             const char      *name,
             UthCatalog      *catalog,
             GError         **error)
{
  g_autoptr(JsonArray) one = json_array_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(UthCatalog) scratch = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *data;
  gsize length = 0;

  json_array_add_object_element (one, json_object_ref (entry));
  data = catalog_to_data (kind, one, &length);
  bytes = g_bytes_new_take (data, length);
  if (catalog == NULL)
    catalog = scratch = uth_catalog_new ();
  if (!uth_catalog_load_bytes (catalog, kind, bytes, name, TRUE, warnings, error))
    return FALSE;
  if (warnings->len > 0)
    {
      /* The loader skipped the entry: its message names the field and the problem. */
      g_propagate_error (error, g_error_copy (g_ptr_array_index (warnings, 0)));
      return FALSE;
    }
  return TRUE;
}

gboolean
uth_user_catalog_save_entry (GFile           *dir,
                             UthCatalogKind   kind,
                             JsonObject      *entry,
                             UthCatalog      *catalog,
                             GError         **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) updated = NULL;
  g_autofree char *path = NULL;
  const char *id;
  int index;

  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (kind == UTH_CATALOG_MODELS || kind == UTH_CATALOG_GPUS
                        || kind == UTH_CATALOG_ENGINES, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  file = uth_user_catalog_file (dir, kind);
  path = g_file_get_path (file);

  /* Check first, into a scratch catalog, so nothing is written or added when it is wrong. */
  if (!check_entry (kind, entry, path, NULL, error))
    return FALSE;

  entries = uth_user_catalog_read (dir, kind, error);
  if (entries == NULL)
    return FALSE;

  id = entry_id (entry);
  index = find_entry (entries, id);
  updated = json_array_new ();
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      if ((int) i == index)
        json_array_add_object_element (updated, json_object_ref (entry));
      else
        json_array_add_element (updated, json_node_copy (json_array_get_element (entries, i)));
    }
  if (index < 0)
    json_array_add_object_element (updated, json_object_ref (entry));

  if (!write_catalog (dir, kind, updated, error))
    return FALSE;
  if (catalog != NULL)
    return check_entry (kind, entry, path, catalog, error);
  return TRUE;
}

gboolean
uth_user_catalog_remove_entry (GFile           *dir,
                               UthCatalogKind   kind,
                               const char      *id,
                               GError         **error)
{
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) updated = NULL;
  int index;

  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  entries = uth_user_catalog_read (dir, kind, error);
  if (entries == NULL)
    return FALSE;
  index = find_entry (entries, id);
  if (index < 0)
    {
      g_autoptr(GFile) file = uth_user_catalog_file (dir, kind);
      g_autofree char *path = g_file_get_path (file);

      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_NOT_FOUND,
                   _("%s: no entry with the id “%s”"), path, id);
      return FALSE;
    }
  updated = json_array_new ();
  for (guint i = 0; i < json_array_get_length (entries); i++)
    if ((int) i != index)
      json_array_add_element (updated, json_node_copy (json_array_get_element (entries, i)));
  return write_catalog (dir, kind, updated, error);
}
