/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared between uth-catalog.c (files, lookups) and uth-catalog-read.c (entries). */
#pragma once

#include "uth-catalog.h"

G_BEGIN_DECLS

/* What is being read: names the file, the entry and the field in every message. */
typedef struct
{
  const char *file;
  const char *id;       /* NULL until the entry's id is known */
  guint       index;    /* 1-based position in the list */
  const char *prefix;   /* "moe." inside a nested object, else "" */
} UthCatalogReader;

void            uth_catalog_model_entry_free  (gpointer data);
void            uth_catalog_gpu_entry_free    (gpointer data);
void            uth_catalog_engine_entry_free (gpointer data);

/* Sets a UTH_CATALOG_ERROR_FIELD naming file, entry and field (NULL: the entry itself);
 * always returns FALSE. */
gboolean        uth_catalog_field_error (GError                 **error,
                                         const UthCatalogReader  *r,
                                         const char              *field,
                                         const char              *format,
                                         ...) G_GNUC_PRINTF (4, 5);

/* One entry; NULL and an error naming the field when it is malformed. A GPU's unknown
 * peak_flops data types are added to warnings (the entry still loads). */
UthModelEntry  *uth_catalog_read_model  (UthCatalogReader  *r,
                                         JsonObject        *obj,
                                         GError           **error);
UthGpuEntry    *uth_catalog_read_gpu    (UthCatalogReader  *r,
                                         JsonObject        *obj,
                                         GPtrArray         *warnings,
                                         GError           **error);
UthEngineEntry *uth_catalog_read_engine (UthCatalogReader  *r,
                                         JsonObject        *obj,
                                         GError           **error);

G_END_DECLS
