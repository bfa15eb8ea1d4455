/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The catalogs of models, GPUs and engine profiles: bundled, plus the user's own. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "core/uth-engine.h"
#include "core/uth-entry.h"
#include "core/uth-gpu.h"
#include "core/uth-model.h"

G_BEGIN_DECLS

#define UTH_CATALOG_ERROR (uth_catalog_error_quark ())

typedef enum
{
  UTH_CATALOG_ERROR_PARSE,       /* not JSON, or not the expected shape */
  UTH_CATALOG_ERROR_FIELD,       /* a field missing, of the wrong type, or out of range */
  UTH_CATALOG_ERROR_NOT_FOUND,   /* an unknown id */
  UTH_CATALOG_ERROR_IO,
} UthCatalogError;

typedef enum
{
  UTH_CATALOG_MODELS,
  UTH_CATALOG_GPUS,
  UTH_CATALOG_ENGINES,
} UthCatalogKind;


typedef struct _UthCatalog UthCatalog;

GQuark      uth_catalog_error_quark (void);

GType       uth_catalog_get_type    (void) G_GNUC_CONST;
UthCatalog *uth_catalog_new         (void);
UthCatalog *uth_catalog_ref         (UthCatalog *self);
void        uth_catalog_unref       (UthCatalog *self);

/* Loads the bundled catalogs from the GResource; fails only if they are broken.
 * A malformed bundled entry is skipped and printed as a warning. */
gboolean    uth_catalog_load_bundled (UthCatalog  *self,
                                      GError     **error);
/* Same, collecting the skipped entries' errors in warnings (tests expect none). */
gboolean    uth_catalog_load_bundled_full (UthCatalog  *self,
                                           GPtrArray   *warnings,
                                           GError     **error);
/* Loads one catalog file, adding entries or overriding by id. A malformed entry is skipped
 * and described in warnings (file, entry, field, why) as a GError; a malformed file fails. */
gboolean    uth_catalog_load_file   (UthCatalog      *self,
                                     UthCatalogKind   kind,
                                     GFile           *file,
                                     GPtrArray       *warnings,
                                     GError         **error);
/* Same from bytes already in memory; name is used in messages. */
gboolean    uth_catalog_load_bytes  (UthCatalog      *self,
                                     UthCatalogKind   kind,
                                     GBytes          *bytes,
                                     const char      *name,
                                     gboolean         user,
                                     GPtrArray       *warnings,
                                     GError         **error);
/* Loads $XDG_CONFIG_HOME/under-the-hood/{models,gpus,engines}.json when present.
 * A corrupt file is reported in warnings and left untouched; never fails. */
void        uth_catalog_load_user   (UthCatalog *self,
                                     GPtrArray  *warnings);
/* Same from a given folder instead of the XDG config folder. */
void        uth_catalog_load_user_dir (UthCatalog *self,
                                       GFile      *dir,
                                       GPtrArray  *warnings);
/* The bundled catalog plus the user's, loaded once per process and kept until exit.
 * Problems are printed on stderr and kept: see uth_catalog_get_load_warnings(). */
UthCatalog *uth_catalog_get_default (void);
/* GErrors (UTH_CATALOG_ERROR) of what uth_catalog_get_default() skipped; never NULL. */
GPtrArray  *uth_catalog_get_load_warnings (UthCatalog *self);

/* Called on the main thread after entries joined the catalog (uth_catalog_add_*, a loaded
 * file or text with entries, a user entry saved): the catalog's "changed". */
typedef void (*UthCatalogChangedFunc) (UthCatalog *catalog,
                                       gpointer    user_data);
gulong      uth_catalog_connect_changed    (UthCatalog            *self,
                                            UthCatalogChangedFunc  func,
                                            gpointer               user_data);
void        uth_catalog_disconnect_changed (UthCatalog *self,
                                            gulong      id);

guint                 uth_catalog_get_n_models  (UthCatalog *self);
const UthModelEntry  *uth_catalog_get_model     (UthCatalog *self, guint index);
const UthModelEntry  *uth_catalog_find_model    (UthCatalog *self, const char *id);
guint                 uth_catalog_get_n_gpus    (UthCatalog *self);
const UthGpuEntry    *uth_catalog_get_gpu       (UthCatalog *self, guint index);
const UthGpuEntry    *uth_catalog_find_gpu      (UthCatalog *self, const char *id);
guint                 uth_catalog_get_n_engines (UthCatalog *self);
const UthEngineEntry *uth_catalog_get_engine    (UthCatalog *self, guint index);
const UthEngineEntry *uth_catalog_find_engine   (UthCatalog *self, const char *id);

/* Up to max ids of the kind closest to id, NULL-terminated (never NULL, maybe empty):
 * ids that id is a prefix of come first, then ids by edit distance (ignoring case);
 * ids too far from id to be the one meant are left out. */
char      **uth_catalog_suggest     (UthCatalog     *self,
                                     UthCatalogKind  kind,
                                     const char     *id,
                                     guint           max);

/* Adds or replaces an entry (copied). A replaced entry stays valid until the catalog is
 * freed, so pointers the app holds never dangle; find() returns the new one. */
void        uth_catalog_add_model   (UthCatalog *self, const UthModelEntry *entry);
void        uth_catalog_add_gpu     (UthCatalog *self, const UthGpuEntry *entry);
void        uth_catalog_add_engine  (UthCatalog *self, const UthEngineEntry *entry);

/* The user's catalogs, written by one writer (uth-catalog-save.c) for the app's "Save to My
 * Models" and for Preferences. The folder: $XDG_CONFIG_HOME/under-the-hood. */
GFile      *uth_catalog_user_dir        (void);
/* The file of one kind inside dir ("models.json", "gpus.json", "engines.json"). */
GFile      *uth_catalog_user_file       (GFile           *dir,
                                         UthCatalogKind   kind);
/* The entries of the user's file of that kind in file order, read with the strict, bounded
 * reader (uth-safe-json.h); an empty array when the file does not exist; NULL and an error
 * naming the file when it cannot be read or is not a catalog. */
JsonArray  *uth_catalog_read_user_entries (GFile         *dir,
                                           UthCatalogKind kind,
                                           GError       **error);
/* The same, keeping only the first max entries (the file is still read and checked whole,
 * but never held whole); *n_entries (may be NULL) is how many the list has. */
JsonArray  *uth_catalog_read_user_entries_range (GFile         *dir,
                                                 UthCatalogKind kind,
                                                 guint          max,
                                                 guint         *n_entries,
                                                 GError       **error);
/* Saves one entry (a JSON object in the schema of data/catalog/README.md) in the user's
 * catalog file of that kind inside dir ($XDG_CONFIG_HOME/under-the-hood when NULL). The entry
 * is checked by the loader first (errors name the field); it replaces the entry of the same
 * id or is appended. Nothing is lost: entries and members left unchanged keep their original
 * text, the file keeps its mode, a symlink stays a link (its target is replaced), the new text
 * is read back before it replaces the original, and the last good version is kept as
 * <file>.bak. A file that exists but is not a valid catalog (for the strict reader: comments
 * are not JSON) is reported and left untouched. On success the entry is also added to self
 * when self is not NULL, so the running application sees it at once. */
gboolean    uth_catalog_save_user_entry (UthCatalog      *self,
                                         UthCatalogKind   kind,
                                         JsonObject      *entry,
                                         GFile           *dir,
                                         GError         **error);
/* Removes the entry with that id from the user's file, written as above; an unknown id is an
 * error. The running catalog keeps the entry until the next start. */
gboolean    uth_catalog_remove_user_entry (GFile         *dir,
                                           UthCatalogKind kind,
                                           const char    *id,
                                           GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UthCatalog, uth_catalog_unref)

G_END_DECLS
