/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one writer of the user's catalogs ($XDG_CONFIG_HOME/under-the-hood/{models,gpus,
 * engines}.json), used by "Save to My Models" and by Preferences. It cannot lose data:
 *
 * - the file is read with the strict reader; a file it cannot read (comments, a second value,
 *   1e999 ...) is never written over: the save is refused with the reader's message;
 * - entries and members it does not change are copied as their original text (an integer
 *   above 2^63, an exponent, the order of members all survive);
 * - the new text is written to a temporary file next to the real one (through a symlink to
 *   its target), with the file's mode, read back with the strict reader and compared with what
 *   was meant, and only then renamed over the original, whose last good version is kept as
 *   <file>.bak (with the same mode). */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uth-catalog.h"
#include "uth-safe-json.h"

static const char * const kind_files[] = { "models.json", "gpus.json", "engines.json" };
static const char * const kind_lists[] = { "models", "gpus", "engines" };

/* As deep as the loader allows (uth-catalog.c). */
#define CATALOG_MAX_DEPTH 16

GFile *
uth_catalog_user_dir (void)
{
  return g_file_new_build_filename (g_get_user_config_dir (), "under-the-hood", NULL);
}

GFile *
uth_catalog_user_file (GFile          *dir,
                       UthCatalogKind  kind)
{
  g_return_val_if_fail (G_IS_FILE (dir), NULL);
  g_return_val_if_fail ((guint) kind <= UTH_CATALOG_ENGINES, NULL);

  return g_file_get_child (dir, kind_files[kind]);
}

/* ---------------------------------------------------------------------------------------- */
/* The file as it is                                                                        */

typedef struct
{
  char            *path;     /* as the user knows it: dir/models.json */
  char            *target;   /* where the data lives, symlinks followed */
  gboolean         exists;
  mode_t           mode;
  GBytes          *bytes;
  UthJsonDocument *doc;
  JsonArray       *list;     /* in doc; NULL when the file does not exist */
} UserFile;

static void
user_file_clear (UserFile *uf)
{
  g_clear_pointer (&uf->path, g_free);
  g_clear_pointer (&uf->target, g_free);
  g_clear_pointer (&uf->bytes, g_bytes_unref);
  g_clear_pointer (&uf->doc, uth_json_document_free);
  uf->list = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UserFile, user_file_clear)

/* Follows symlinks (relative ones from their own folder), so that a save replaces the file
 * the link points to and the link stays a link. */
static char *
resolve_links (const char *path)
{
  char *current = g_strdup (path);

  for (guint i = 0; i < 40; i++)
    {
      char *link = g_file_read_link (current, NULL);
      char *next;

      if (link == NULL)
        break;
      if (g_path_is_absolute (link))
        next = link;
      else
        {
          g_autofree char *dir = g_path_get_dirname (current);
          next = g_build_filename (dir, link, NULL);
          g_free (link);
        }
      g_free (current);
      current = next;
    }
  return current;
}

static const char *
entry_id (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return uth_safe_json_get_string (json_node_get_object (node), "id");
}

/* Reads the user's file of that kind; a missing file is an empty catalog. */
static gboolean
user_file_open (GFile          *dir,
                UthCatalogKind  kind,
                UserFile       *uf,
                GError        **error)
{
  g_autoptr(GFile) file = uth_catalog_user_file (dir, kind);
  JsonNode *root;
  JsonNode *list;
  struct stat st;

  uf->path = g_file_get_path (file);
  if (uf->path == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: the user's catalog must be a local file"), kind_files[kind]);
      return FALSE;
    }
  uf->target = resolve_links (uf->path);
  uf->mode = 0644;
  /* No file (not even a dangling link) is an empty catalog. */
  if (g_lstat (uf->path, &st) != 0 && errno == ENOENT)
    return TRUE;
  uf->bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, error);
  if (uf->bytes == NULL)
    return FALSE;
  uf->exists = TRUE;
  if (g_stat (uf->target, &st) == 0)
    uf->mode = st.st_mode & 07777;

  uf->doc = uth_json_document_parse (uf->bytes, uf->path, UTH_CATALOG_MAX_BYTES,
                                     CATALOG_MAX_DEPTH, UTH_JSON_KEEP_INFINITE, error);
  if (uf->doc == NULL)
    return FALSE;
  root = uth_json_document_get_root (uf->doc);
  list = JSON_NODE_HOLDS_OBJECT (root)
         ? json_object_get_member (json_node_get_object (root), kind_lists[kind]) : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: expected an object with a list \"%s\": [ … ]"), uf->path, kind_lists[kind]);
      return FALSE;
    }
  uf->list = json_node_get_array (list);
  return TRUE;
}

JsonArray *
uth_catalog_read_user_entries (GFile           *dir,
                               UthCatalogKind   kind,
                               GError         **error)
{
  return uth_catalog_read_user_entries_range (dir, kind, G_MAXUINT, NULL, error);
}

typedef struct
{
  JsonArray *kept;
  guint      max;
  guint      count;
} Range;

static gboolean
keep_first (JsonNode  *element,
            guint      index,
            gpointer   user_data,
            GError   **error)
{
  Range *range = user_data;

  range->count = index + 1;
  if (index < range->max)
    json_array_add_element (range->kept, json_node_ref (element));
  return TRUE;
}

JsonArray *
uth_catalog_read_user_entries_range (GFile           *dir,
                                     UthCatalogKind   kind,
                                     guint            max,
                                     guint           *n_entries,
                                     GError         **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonArray) kept = json_array_new ();
  g_autofree char *path = NULL;
  Range range = { kept, max, 0 };
  JsonNode *list;
  struct stat st;

  g_return_val_if_fail (G_IS_FILE (dir), NULL);
  g_return_val_if_fail ((guint) kind <= UTH_CATALOG_ENGINES, NULL);

  if (n_entries != NULL)
    *n_entries = 0;
  file = uth_catalog_user_file (dir, kind);
  path = g_file_get_parse_name (file);
  if (g_file_peek_path (file) != NULL && g_lstat (g_file_peek_path (file), &st) != 0 && errno == ENOENT)
    return g_steal_pointer (&kept);
  bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, error);
  if (bytes == NULL)
    return NULL;
  /* Streamed: only the entries kept are ever held, whatever the size of the file. */
  root = uth_safe_json_parse_list (bytes, path, UTH_CATALOG_MAX_BYTES, CATALOG_MAX_DEPTH,
                                   UTH_JSON_KEEP_INFINITE, kind_lists[kind], keep_first, &range,
                                   error);
  if (root == NULL)
    return NULL;
  list = JSON_NODE_HOLDS_OBJECT (root)
         ? json_object_get_member (json_node_get_object (root), kind_lists[kind]) : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: expected an object with a list \"%s\": [ … ]"), path, kind_lists[kind]);
      return NULL;
    }
  if (n_entries != NULL)
    *n_entries = range.count;
  return g_steal_pointer (&kept);
}

/* ---------------------------------------------------------------------------------------- */
/* Writing                                                                                  */

/* One element of the new list: a node of the file (copied as it was written), or a new
 * entry with the entry of the file it replaces (NULL for an added one). */
typedef struct
{
  JsonNode *node;
  JsonNode *original;
} Element;

static void
append_key (GString    *out,
            const char *key)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), key);

  g_string_append (out, "  ");
  uth_json_write (out, node, NULL, NULL, NULL, 0, NULL);
  g_string_append (out, ": ");
}

static gboolean
append_list (GString          *out,
             UthJsonDocument  *doc,
             GArray           *elements,
             GError          **error)
{
  if (elements->len == 0)
    {
      g_string_append (out, "[]");
      return TRUE;
    }
  g_string_append (out, "[\n");
  for (guint i = 0; i < elements->len; i++)
    {
      Element *e = &g_array_index (elements, Element, i);

      g_string_append (out, "    ");
      if (!uth_json_write (out, e->node, doc, e->original, NULL, 2, error))
        return FALSE;
      g_string_append (out, i + 1 < elements->len ? ",\n" : "\n");
    }
  g_string_append (out, "  ]");
  return TRUE;
}

/* The new text: the file's other top-level members as they were, the list from elements. */
static GString *
catalog_text (UthCatalogKind   kind,
              UthJsonDocument *doc,
              GArray          *elements,
              GError         **error)
{
  g_autoptr(GString) out = g_string_new ("{\n");
  g_autoptr(GList) members = NULL;
  JsonObject *root = NULL;
  gboolean wrote_list = FALSE;

  if (doc != NULL && JSON_NODE_HOLDS_OBJECT (uth_json_document_get_root (doc)))
    {
      root = json_node_get_object (uth_json_document_get_root (doc));
      members = json_object_get_members (root);
    }
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;

      append_key (out, key);
      if (g_str_equal (key, kind_lists[kind]))
        {
          if (!append_list (out, doc, elements, error))
            return NULL;
          wrote_list = TRUE;
        }
      else if (!uth_json_write (out, json_object_get_member (root, key), doc, NULL, NULL, 1, error))
        return NULL;
      g_string_append (out, l->next != NULL || !wrote_list ? ",\n" : "\n");
    }
  if (!wrote_list)
    {
      append_key (out, kind_lists[kind]);
      if (!append_list (out, doc, elements, error))
        return NULL;
      g_string_append (out, "\n");
    }
  g_string_append (out, "}\n");
  return g_steal_pointer (&out);
}

/* Whether text, read back from disk, holds what was meant. */
static gboolean
read_back_matches (const char     *tmp,
                   const char     *path,
                   UthCatalogKind  kind,
                   GString        *text,
                   GArray         *elements,
                   GError        **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (tmp);
  g_autoptr(GBytes) bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, error);
  g_autoptr(JsonNode) root = NULL;
  JsonNode *list;
  JsonArray *array;

  if (bytes == NULL)
    return FALSE;
  if (g_bytes_get_size (bytes) != text->len ||
      memcmp (g_bytes_get_data (bytes, NULL), text->str, text->len) != 0)
    goto differs;
  root = uth_safe_json_parse_flags (bytes, path, UTH_CATALOG_MAX_BYTES, CATALOG_MAX_DEPTH,
                                    UTH_JSON_KEEP_INFINITE, error);
  if (root == NULL)
    return FALSE;
  list = JSON_NODE_HOLDS_OBJECT (root)
         ? json_object_get_member (json_node_get_object (root), kind_lists[kind]) : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    goto differs;
  array = json_node_get_array (list);
  if (json_array_get_length (array) != elements->len)
    goto differs;
  for (guint i = 0; i < elements->len; i++)
    if (!json_node_equal (json_array_get_element (array, i),
                          g_array_index (elements, Element, i).node))
      goto differs;
  return TRUE;

differs:
  g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
               _("%s: what was written did not read back the same; the file was left as it was"),
               path);
  return FALSE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* A temporary file next to target with mode, holding data; its path, or NULL. */
static char *
write_temporary (const char  *target,
                 const char  *shown,
                 mode_t       mode,
                 const char  *data,
                 gsize        length,
                 GError     **error)
{
  char *tmp = g_strconcat (target, ".XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  int saved;

  if (fd < 0)
    {
      saved = errno;
      goto fail;
    }
  if (!write_all (fd, data, length) || fchmod (fd, mode) != 0 || fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      goto fail;
    }
  if (close (fd) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      goto fail;
    }
  return tmp;

fail:
  g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
               _("%s: cannot be written: %s"), shown, g_strerror (saved));
  g_free (tmp);
  return NULL;
}

static gboolean
user_file_write (UserFile        *uf,
                 GFile           *dir,
                 UthCatalogKind   kind,
                 GArray          *elements,
                 GError         **error)
{
  g_autoptr(GString) text = NULL;
  g_autofree char *dir_path = g_file_get_path (dir);
  g_autofree char *target_dir = g_path_get_dirname (uf->target);
  g_autofree char *tmp = NULL;

  text = catalog_text (kind, uf->doc, elements, error);
  if (text == NULL)
    return FALSE;

  if (dir_path == NULL || g_mkdir_with_parents (dir_path, 0700) != 0 ||
      g_mkdir_with_parents (target_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: cannot create the folder: %s"), target_dir, g_strerror (saved));
      return FALSE;
    }
  tmp = write_temporary (uf->target, uf->path, uf->mode, text->str, text->len, error);
  if (tmp == NULL)
    return FALSE;
  if (!read_back_matches (tmp, uf->path, kind, text, elements, error))
    {
      g_unlink (tmp);
      return FALSE;
    }
  /* The last good version first, so that at every moment one good copy exists. */
  if (uf->exists)
    {
      g_autofree char *backup = g_strconcat (uf->target, ".bak", NULL);
      g_autofree char *backup_tmp = write_temporary (backup, backup, uf->mode,
                                                     g_bytes_get_data (uf->bytes, NULL),
                                                     g_bytes_get_size (uf->bytes), error);

      if (backup_tmp == NULL)
        {
          g_unlink (tmp);
          return FALSE;
        }
      if (g_rename (backup_tmp, backup) != 0)
        {
          int saved = errno;
          g_unlink (backup_tmp);
          g_unlink (tmp);
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: cannot keep the previous version: %s"), backup, g_strerror (saved));
          return FALSE;
        }
    }
  if (g_rename (tmp, uf->target) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: cannot be written: %s"), uf->path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* The same file, or the save refused: a file the strict reader cannot read is the user's to
 * fix (it may hold comments, or be half-edited), never ours to overwrite. */
static gboolean
open_for_writing (GFile          *dir,
                  UthCatalogKind  kind,
                  UserFile       *uf,
                  GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  if (user_file_open (dir, kind, uf, &local_error))
    return TRUE;
  if (uf->path == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
               _("%s is not a valid catalog, so it was left untouched (fix or move it, then "
                 "save again): %s"), uf->path, local_error->message);
  return FALSE;
}

/* {"<list>": [entry]} as the writer writes it. */
static GBytes *
single_entry_bytes (UthCatalogKind   kind,
                    JsonObject      *entry,
                    GError         **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), entry);
  GString *out = g_string_new ("{\n  \"");

  g_string_append (out, kind_lists[kind]);
  g_string_append (out, "\": [\n    ");
  if (!uth_json_write (out, node, NULL, NULL, NULL, 2, error))
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  g_string_append (out, "\n  ]\n}\n");
  return g_string_free_to_bytes (out);
}

/* The entry through the real loader, into catalog: the same rules and messages. */
static gboolean
check_entry (UthCatalogKind   kind,
             JsonObject      *entry,
             const char      *name,
             UthCatalog      *catalog,
             GError         **error)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(UthCatalog) scratch = NULL;
  g_autoptr(GBytes) bytes = single_entry_bytes (kind, entry, error);

  if (bytes == NULL)
    return FALSE;
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
uth_catalog_save_user_entry (UthCatalog      *self,
                             UthCatalogKind   kind,
                             JsonObject      *entry,
                             GFile           *dir,
                             GError         **error)
{
  g_autoptr(GFile) default_dir = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GArray) elements = g_array_new (FALSE, FALSE, sizeof (Element));
  g_autoptr(JsonNode) entry_node = NULL;
  g_autofree char *path = NULL;
  g_auto(UserFile) uf = { 0 };
  gboolean replaced = FALSE;
  const char *id;

  g_return_val_if_fail ((guint) kind <= UTH_CATALOG_ENGINES, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (dir == NULL)
    dir = default_dir = uth_catalog_user_dir ();
  file = uth_catalog_user_file (dir, kind);
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: the user's catalog must be a local file"), kind_files[kind]);
      return FALSE;
    }

  /* Checked first, into a scratch catalog, so nothing is written or added when it is wrong. */
  if (!check_entry (kind, entry, path, NULL, error))
    return FALSE;
  id = uth_safe_json_get_string (entry, "id");
  if (!open_for_writing (dir, kind, &uf, error))
    return FALSE;

  entry_node = json_node_init_object (json_node_alloc (), entry);
  for (guint i = 0; uf.list != NULL && i < json_array_get_length (uf.list); i++)
    {
      JsonNode *node = json_array_get_element (uf.list, i);
      Element e = { node, NULL };

      if (!replaced && g_strcmp0 (entry_id (node), id) == 0)
        {
          /* Members the entry kept unchanged are copied from the replaced one as written. */
          e.node = entry_node;
          e.original = node;
          replaced = TRUE;
        }
      g_array_append_val (elements, e);
    }
  if (!replaced)
    {
      Element e = { entry_node, NULL };
      g_array_append_val (elements, e);
    }
  if (!user_file_write (&uf, dir, kind, elements, error))
    return FALSE;

  if (self != NULL)
    return check_entry (kind, entry, path, self, error);
  return TRUE;
}

gboolean
uth_catalog_remove_user_entry (GFile           *dir,
                               UthCatalogKind   kind,
                               const char      *id,
                               GError         **error)
{
  g_autoptr(GArray) elements = g_array_new (FALSE, FALSE, sizeof (Element));
  g_auto(UserFile) uf = { 0 };
  gboolean found = FALSE;

  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail ((guint) kind <= UTH_CATALOG_ENGINES, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!open_for_writing (dir, kind, &uf, error))
    return FALSE;
  for (guint i = 0; uf.list != NULL && i < json_array_get_length (uf.list); i++)
    {
      JsonNode *node = json_array_get_element (uf.list, i);
      Element e = { node, NULL };

      if (!found && g_strcmp0 (entry_id (node), id) == 0)
        {
          found = TRUE;
          continue;
        }
      g_array_append_val (elements, e);
    }
  if (!found)
    {
      g_autofree char *escaped = g_strescape (id, NULL);
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_NOT_FOUND,
                   _("%s: no entry with the id “%s”"), uf.path, escaped);
      return FALSE;
    }
  return user_file_write (&uf, dir, kind, elements, error);
}
