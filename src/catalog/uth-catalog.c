/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uth-catalog-private.h"
#include "uth-catalog.h"
#include "uth-safe-json.h"

#define CATALOG_RESOURCE RESOURCE_BASE "/catalog/"
/* A catalog nests four levels (root, list, entry, moe/mla/peak_flops); allow some slack. */
#define CATALOG_MAX_DEPTH 16

struct _UthCatalog
{
  gatomicrefcount  ref_count;
  GPtrArray       *entries[3];   /* by UthCatalogKind; every entry starts with char *id */
  GPtrArray       *retired[3];   /* replaced entries, kept so that pointers stay valid */
  GHashTable      *index[3];     /* id -> position + 1 in entries: lookups in O(1), so a
                                  * catalog of 100,000 user entries loads in well under 1 s */
  GPtrArray       *load_warnings;
  GHookList        changed;      /* uth_catalog_connect_changed: called after entries join */
};

G_DEFINE_BOXED_TYPE (UthCatalog, uth_catalog, uth_catalog_ref, uth_catalog_unref)
G_DEFINE_QUARK (uth-catalog-error-quark, uth_catalog_error)

static void
call_changed_hook (GHook   *hook,
                   gpointer data)
{
  ((UthCatalogChangedFunc) hook->func) (data, hook->data);
}

/* Entries joined the catalog: whoever lists them (the scenario bar) lists them anew. */
static void
emit_changed (UthCatalog *self)
{
  g_hook_list_marshal (&self->changed, FALSE, call_changed_hook, self);
}

static const char * const kind_files[] = { "models.json", "gpus.json", "engines.json" };
static const char * const kind_lists[] = { "models", "gpus", "engines" };

/* ---------------------------------------------------------------------------------------- */
/* Entries                                                                                  */

static const GDestroyNotify kind_free[] = { uth_catalog_model_entry_free, uth_catalog_gpu_entry_free, uth_catalog_engine_entry_free };

static const char *
entry_id (gconstpointer entry)
{
  return *(char * const *) entry;
}

static gint
find_index (UthCatalog     *self,
            UthCatalogKind  kind,
            const char     *id)
{
  gpointer position = id != NULL ? g_hash_table_lookup (self->index[kind], id) : NULL;

  return position != NULL ? (gint) GPOINTER_TO_UINT (position) - 1 : -1;
}

/* Takes ownership of entry; replaces an entry of the same id in place (keeping the order). */
static void
take_entry (UthCatalog     *self,
            UthCatalogKind  kind,
            gpointer        entry)
{
  GPtrArray *entries = self->entries[kind];
  gint index = find_index (self, kind, entry_id (entry));

  if (index < 0)
    {
      g_ptr_array_add (entries, entry);
      /* The key is the entry's own id, which lives as long as the entry stays current. */
      g_hash_table_insert (self->index[kind], (gpointer) entry_id (entry),
                           GUINT_TO_POINTER (entries->len));
      return;
    }
  g_ptr_array_add (self->retired[kind], entries->pdata[index]);
  entries->pdata[index] = entry;
  g_hash_table_replace (self->index[kind], (gpointer) entry_id (entry),
                        GUINT_TO_POINTER ((guint) index + 1));
}

/* ---------------------------------------------------------------------------------------- */
/* Files                                                                                    */

static void
add_warning (GPtrArray *warnings,
             GError    *warning)
{
  if (warnings != NULL)
    g_ptr_array_add (warnings, warning);
  else
    {
      g_message ("%s", warning->message);
      g_error_free (warning);
    }
}

static gpointer
read_entry (UthCatalogKind  kind,
            UthCatalogReader         *r,
            JsonNode       *node,
            GPtrArray      *warnings,
            GError        **error)
{
  g_autofree char *got = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      got = uth_safe_json_describe (node);
      uth_catalog_field_error (error, r, NULL, _("expected an object, got %s"), got);
      return NULL;
    }
  switch (kind)
    {
    case UTH_CATALOG_MODELS:
      return uth_catalog_read_model (r, json_node_get_object (node), error);
    case UTH_CATALOG_GPUS:
      return uth_catalog_read_gpu (r, json_node_get_object (node), warnings, error);
    case UTH_CATALOG_ENGINES:
    default:
      return uth_catalog_read_engine (r, json_node_get_object (node), error);
    }
}

static void
set_user (UthCatalogKind kind,
          gpointer       entry,
          gboolean       user)
{
  if (kind == UTH_CATALOG_MODELS)
    ((UthModelEntry *) entry)->user = user;
  else if (kind == UTH_CATALOG_GPUS)
    ((UthGpuEntry *) entry)->user = user;
  else
    ((UthEngineEntry *) entry)->user = user;
}

/* What the entries of one file gave, kept aside until the whole text has been checked: a file
 * that turns out not to be JSON at its end adds nothing. */
typedef struct
{
  UthCatalogKind  kind;
  const char     *name;
  GPtrArray      *entries;    /* owned entries, in file order */
  GPtrArray      *problems;   /* GError *, in file order */
  GHashTable     *seen;       /* ids read so far */
} Loading;

static gboolean
read_list_element (JsonNode  *node,
                   guint      index,
                   gpointer   user_data,
                   GError   **error)
{
  Loading *l = user_data;
  UthCatalogReader r = { l->name, NULL, index + 1, "" };
  GError *entry_error = NULL;
  g_autofree char *bad = NULL;
  gpointer entry = read_entry (l->kind, &r, node, l->problems, &entry_error);

  if (entry == NULL)
    {
      g_ptr_array_add (l->problems, entry_error);
      return TRUE;
    }
  /* A field the reader does not know may hold 1e999 too: the entry is refused, so that
   * nothing in the running catalog came from a number JSON cannot write back. */
  bad = uth_safe_json_find_non_finite (node);
  if (bad != NULL)
    uth_catalog_field_error (&entry_error, &r, bad, "%s",
                             _("a number too large for a 64-bit float (not finite); "
                               "this entry is skipped"));
  else if (g_hash_table_contains (l->seen, entry_id (entry)))
    uth_catalog_field_error (&entry_error, &r, "id", "%s",
                             _("the same id appears earlier in this file; this entry is skipped"));
  if (entry_error != NULL)
    {
      g_ptr_array_add (l->problems, entry_error);
      kind_free[l->kind] (entry);
      return TRUE;
    }
  g_hash_table_add (l->seen, (gpointer) entry_id (entry));
  g_ptr_array_add (l->entries, entry);
  return TRUE;
}

gboolean
uth_catalog_load_bytes (UthCatalog      *self,
                        UthCatalogKind   kind,
                        GBytes          *bytes,
                        const char      *name,
                        gboolean         user,
                        GPtrArray       *warnings,
                        GError         **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GHashTable) seen = NULL;
  JsonNode *list_node;
  Loading loading;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail ((guint) kind <= UTH_CATALOG_ENGINES, FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  /* The entries are read one by one as the parser reaches them (a catalog of 100,000 never
   * holds all its JSON nodes at once), into a side list that joins the catalog only when the
   * whole text is good. */
  entries = g_ptr_array_new_with_free_func (kind_free[kind]);
  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  loading = (Loading) { kind, name, entries, problems, seen };
  root = uth_safe_json_parse_list (bytes, name, UTH_CATALOG_MAX_BYTES, CATALOG_MAX_DEPTH,
                                   UTH_JSON_KEEP_INFINITE, kind_lists[kind], read_list_element,
                                   &loading, error);
  if (root == NULL)
    return FALSE;

  list_node = JSON_NODE_HOLDS_OBJECT (root)
    ? json_object_get_member (json_node_get_object (root), kind_lists[kind]) : NULL;
  if (list_node == NULL || !JSON_NODE_HOLDS_ARRAY (list_node))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: expected an object with a list \"%s\": [ … ]"), name, kind_lists[kind]);
      return FALSE;
    }

  for (guint i = 0; i < problems->len; i++)
    add_warning (warnings, g_steal_pointer (&problems->pdata[i]));
  g_ptr_array_set_free_func (problems, NULL);
  /* Ids in seen point into the entries, which now move to the catalog. */
  g_hash_table_remove_all (seen);
  for (guint i = 0; i < entries->len; i++)
    {
      gpointer entry = g_steal_pointer (&entries->pdata[i]);

      set_user (kind, entry, user);
      take_entry (self, kind, entry);
    }
  g_ptr_array_set_free_func (entries, NULL);
  if (entries->len > 0)
    emit_changed (self);
  return TRUE;
}

gboolean
uth_catalog_load_file (UthCatalog      *self,
                       UthCatalogKind   kind,
                       GFile           *file,
                       GPtrArray       *warnings,
                       GError         **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, error);
  if (bytes == NULL)
    return FALSE;
  name = g_file_get_parse_name (file);
  return uth_catalog_load_bytes (self, kind, bytes, name, TRUE, warnings, error);
}

gboolean
uth_catalog_load_bundled_full (UthCatalog  *self,
                               GPtrArray   *warnings,
                               GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint kind = 0; kind < G_N_ELEMENTS (kind_files); kind++)
    {
      g_autofree char *path = g_strconcat (CATALOG_RESOURCE, kind_files[kind], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) local_error = NULL;

      bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
      if (bytes == NULL)
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: not in the application's resources: %s"), kind_files[kind],
                       local_error->message);
          return FALSE;
        }
      if (!uth_catalog_load_bytes (self, kind, bytes, kind_files[kind], FALSE, warnings, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
uth_catalog_load_bundled (UthCatalog  *self,
                          GError     **error)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  gboolean ok = uth_catalog_load_bundled_full (self, warnings, error);

  for (guint i = 0; i < warnings->len; i++)
    g_warning ("%s", ((GError *) g_ptr_array_index (warnings, i))->message);
  return ok;
}

void
uth_catalog_load_user_dir (UthCatalog *self,
                           GFile      *dir,
                           GPtrArray  *warnings)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_FILE (dir));

  for (guint kind = 0; kind < G_N_ELEMENTS (kind_files); kind++)
    {
      g_autoptr(GFile) file = g_file_get_child (dir, kind_files[kind]);
      GError *local_error = NULL;

      if (!g_file_query_exists (file, NULL))
        continue;
      /* A broken user file only costs its own entries; the file itself is never touched. */
      if (!uth_catalog_load_file (self, kind, file, warnings, &local_error))
        add_warning (warnings, local_error);
    }
}

void
uth_catalog_load_user (UthCatalog *self,
                       GPtrArray  *warnings)
{
  g_autoptr(GFile) dir = NULL;

  g_return_if_fail (self != NULL);

  dir = g_file_new_build_filename (g_get_user_config_dir (), "under-the-hood", NULL);
  uth_catalog_load_user_dir (self, dir, warnings);
}

UthCatalog *
uth_catalog_get_default (void)
{
  static UthCatalog *catalog = NULL;

  if (g_once_init_enter (&catalog))
    {
      UthCatalog *c = uth_catalog_new ();
      GError *error = NULL;

      if (!uth_catalog_load_bundled_full (c, c->load_warnings, &error))
        g_ptr_array_add (c->load_warnings, error);
      uth_catalog_load_user (c, c->load_warnings);
      for (guint i = 0; i < c->load_warnings->len; i++)
        g_printerr (_("Warning: %s\n"), ((GError *) g_ptr_array_index (c->load_warnings, i))->message);
      g_once_init_leave (&catalog, c);
    }
  return catalog;
}

GPtrArray *
uth_catalog_get_load_warnings (UthCatalog *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->load_warnings;
}

/* ---------------------------------------------------------------------------------------- */
/* Life cycle and lookups                                                                   */

UthCatalog *
uth_catalog_new (void)
{
  UthCatalog *self = g_new0 (UthCatalog, 1);

  g_atomic_ref_count_init (&self->ref_count);
  for (guint kind = 0; kind < 3; kind++)
    {
      self->entries[kind] = g_ptr_array_new_with_free_func (kind_free[kind]);
      self->retired[kind] = g_ptr_array_new_with_free_func (kind_free[kind]);
      self->index[kind] = g_hash_table_new (g_str_hash, g_str_equal);
    }
  self->load_warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_hook_list_init (&self->changed, sizeof (GHook));
  return self;
}

UthCatalog *
uth_catalog_ref (UthCatalog *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
uth_catalog_unref (UthCatalog *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (guint kind = 0; kind < 3; kind++)
    {
      g_ptr_array_unref (self->entries[kind]);
      g_ptr_array_unref (self->retired[kind]);
      g_hash_table_unref (self->index[kind]);
    }
  g_ptr_array_unref (self->load_warnings);
  g_hook_list_clear (&self->changed);
  g_free (self);
}

gulong
uth_catalog_connect_changed (UthCatalog            *self,
                             UthCatalogChangedFunc  func,
                             gpointer               user_data)
{
  GHook *hook;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (func != NULL, 0);

  hook = g_hook_alloc (&self->changed);
  hook->func = (gpointer) func;
  hook->data = user_data;
  g_hook_append (&self->changed, hook);
  return hook->hook_id;
}

void
uth_catalog_disconnect_changed (UthCatalog *self,
                                gulong      id)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (id != 0);

  if (!g_hook_destroy (&self->changed, id))
    g_critical ("%s: no handler %lu on this catalog", G_STRFUNC, id);
}

static gconstpointer
get_entry (UthCatalog     *self,
           UthCatalogKind  kind,
           guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->entries[kind]->len, NULL);
  return g_ptr_array_index (self->entries[kind], index);
}

static gconstpointer
find_entry (UthCatalog     *self,
            UthCatalogKind  kind,
            const char     *id)
{
  gint index;

  g_return_val_if_fail (self != NULL, NULL);
  if (id == NULL)
    return NULL;
  index = find_index (self, kind, id);
  return index < 0 ? NULL : g_ptr_array_index (self->entries[kind], index);
}

guint
uth_catalog_get_n_models (UthCatalog *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->entries[UTH_CATALOG_MODELS]->len;
}

const UthModelEntry *
uth_catalog_get_model (UthCatalog *self,
                       guint       index)
{
  return get_entry (self, UTH_CATALOG_MODELS, index);
}

const UthModelEntry *
uth_catalog_find_model (UthCatalog *self,
                        const char *id)
{
  return find_entry (self, UTH_CATALOG_MODELS, id);
}

guint
uth_catalog_get_n_gpus (UthCatalog *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->entries[UTH_CATALOG_GPUS]->len;
}

const UthGpuEntry *
uth_catalog_get_gpu (UthCatalog *self,
                     guint       index)
{
  return get_entry (self, UTH_CATALOG_GPUS, index);
}

const UthGpuEntry *
uth_catalog_find_gpu (UthCatalog *self,
                      const char *id)
{
  return find_entry (self, UTH_CATALOG_GPUS, id);
}

guint
uth_catalog_get_n_engines (UthCatalog *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->entries[UTH_CATALOG_ENGINES]->len;
}

const UthEngineEntry *
uth_catalog_get_engine (UthCatalog *self,
                        guint       index)
{
  return get_entry (self, UTH_CATALOG_ENGINES, index);
}

const UthEngineEntry *
uth_catalog_find_engine (UthCatalog *self,
                         const char *id)
{
  return find_entry (self, UTH_CATALOG_ENGINES, id);
}

/* ---------------------------------------------------------------------------------------- */
/* Suggestions                                                                              */

/* Levenshtein distance with two rows; both strings are short (ids are capped at 128). */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = MIN (strlen (a), 128);
  gsize lb = MIN (strlen (b), 128);
  guint row0[129], row1[129];
  guint *prev = row0, *cur = row1;

  for (gsize j = 0; j <= lb; j++)
    prev[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint *tmp;

      cur[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
          cur[j] = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        }
      tmp = prev;
      prev = cur;
      cur = tmp;
    }
  return prev[lb];
}

typedef struct
{
  const char *id;
  guint       rank;   /* 0: id starts with the query, 1: contains it, 2: only close */
  guint       distance;
} Candidate;

static gint
candidate_compare (gconstpointer a,
                   gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  if (x->distance != y->distance)
    return x->distance < y->distance ? -1 : 1;
  return strcmp (x->id, y->id);
}

char **
uth_catalog_suggest (UthCatalog     *self,
                     UthCatalogKind  kind,
                     const char     *id,
                     guint           max)
{
  g_autoptr(GArray) candidates = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autofree char *query = NULL;
  GPtrArray *entries;
  guint threshold;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail ((guint) kind <= UTH_CATALOG_ENGINES, NULL);

  builder = g_strv_builder_new ();
  if (id == NULL || *id == '\0' || strlen (id) > 128)
    return g_strv_builder_end (builder);

  query = g_ascii_strdown (id, -1);
  /* A third of the letters wrong is still recognisably the same id; more is a guess. */
  threshold = MAX (2u, (guint) strlen (query) / 3);
  entries = self->entries[kind];
  candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  for (guint i = 0; i < entries->len; i++)
    {
      const char *cand_id = entry_id (g_ptr_array_index (entries, i));
      g_autofree char *cand = g_ascii_strdown (cand_id, -1);
      Candidate c = { cand_id, 2, edit_distance (query, cand) };

      if (g_str_has_prefix (cand, query))
        c.rank = 0;
      else if (strstr (cand, query) != NULL)
        c.rank = 1;
      else if (c.distance > threshold)
        continue;
      g_array_append_val (candidates, c);
    }
  g_array_sort (candidates, candidate_compare);
  for (guint i = 0; i < candidates->len && i < max; i++)
    g_strv_builder_add (builder, g_array_index (candidates, Candidate, i).id);
  return g_strv_builder_end (builder);
}

/* ---------------------------------------------------------------------------------------- */
/* Adding entries                                                                           */

void
uth_catalog_add_model (UthCatalog          *self,
                       const UthModelEntry *entry)
{
  UthModelEntry *copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (entry != NULL && entry->id != NULL);

  copy = g_memdup2 (entry, sizeof *entry);
  copy->id = g_strdup (entry->id);
  copy->name = g_strdup (entry->name);
  copy->family = g_strdup (entry->family);
  copy->source = g_strdup (entry->source);
  take_entry (self, UTH_CATALOG_MODELS, copy);
  emit_changed (self);
}

void
uth_catalog_add_gpu (UthCatalog        *self,
                     const UthGpuEntry *entry)
{
  UthGpuEntry *copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (entry != NULL && entry->id != NULL);

  copy = g_memdup2 (entry, sizeof *entry);
  copy->id = g_strdup (entry->id);
  copy->name = g_strdup (entry->name);
  copy->vendor = g_strdup (entry->vendor);
  copy->source = g_strdup (entry->source);
  copy->interconnect = g_strdup (entry->interconnect);
  copy->price_source = g_strdup (entry->price_source);
  copy->price_date = g_strdup (entry->price_date);
  copy->l2_source = g_strdup (entry->l2_source);
  take_entry (self, UTH_CATALOG_GPUS, copy);
  emit_changed (self);
}

void
uth_catalog_add_engine (UthCatalog           *self,
                        const UthEngineEntry *entry)
{
  UthEngineEntry *copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (entry != NULL && entry->id != NULL);

  copy = g_memdup2 (entry, sizeof *entry);
  copy->id = g_strdup (entry->id);
  copy->name = g_strdup (entry->name);
  copy->source = g_strdup (entry->source);
  copy->description = g_strdup (entry->description);
  take_entry (self, UTH_CATALOG_ENGINES, copy);
  emit_changed (self);
}
