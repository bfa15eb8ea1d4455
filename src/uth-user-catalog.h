/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing the user's own catalog entries ($XDG_CONFIG_HOME/under-the-hood/{gpus,models}.json)
 * from the Preferences editor: checked by the real loader first, written atomically. */
#pragma once

#include <json-glib/json-glib.h>

#include "catalog/uth-catalog.h"

G_BEGIN_DECLS

/* The folder holding the user's catalogs: $XDG_CONFIG_HOME/under-the-hood. */
GFile      *uth_user_catalog_default_dir (void);
/* The file of one kind inside dir ("models.json", "gpus.json", "engines.json"). */
GFile      *uth_user_catalog_file        (GFile           *dir,
                                          UthCatalogKind   kind);
/* The entries of the user's file of that kind, in file order; an empty array when the file
 * does not exist; NULL and an error when it exists but cannot be read or is not a catalog. */
JsonArray  *uth_user_catalog_read        (GFile           *dir,
                                          UthCatalogKind   kind,
                                          GError         **error);
/* Checks entry with the catalog loader (same rules and messages as at start-up), then adds it
 * to the user's file, replacing an entry with the same id, and writes the file atomically
 * (a crash leaves the old file or the new one, never half of one). A file that exists but is
 * not a valid catalog is never overwritten. When catalog is not NULL the entry is also added
 * to it, so the running application sees it at once. */
gboolean    uth_user_catalog_save_entry  (GFile           *dir,
                                          UthCatalogKind   kind,
                                          JsonObject      *entry,
                                          UthCatalog      *catalog,
                                          GError         **error);
/* Removes the entry with that id from the user's file (atomically); an unknown id is an
 * error. The running catalog keeps the entry until the next start. */
gboolean    uth_user_catalog_remove_entry (GFile          *dir,
                                           UthCatalogKind  kind,
                                           const char     *id,
                                           GError        **error);

G_END_DECLS
