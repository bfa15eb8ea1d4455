/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading untrusted files: a size cap before anything is read, and JSON refused before
 * json-glib sees it when it is not UTF-8 or nests deeper than a limit (json-glib's
 * parser recurses once per level, so a file of a million '[' would exhaust the stack). */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Catalog files are a few hundred kilobytes; a tokenizer.json a few tens of megabytes. */
#define UTH_CATALOG_MAX_BYTES   (16u * 1024u * 1024u)
#define UTH_JSON_MAX_BYTES      (64u * 1024u * 1024u)
/* Values (nodes) json-glib may build from one file: a real tokenizer.json holds under a
 * million; this bounds the memory of a hostile one to a few hundred megabytes. */
#define UTH_JSON_MAX_VALUES     (4u * 1024u * 1024u)
/* Deep enough for every format we read (catalogs need 4, tokenizer.json about 8). */
#define UTH_JSON_MAX_DEPTH      32u

/* Reads a whole file, failing without reading further once it exceeds max_bytes.
 * Errors are UTH_CATALOG_ERROR_IO and name the file. */
GBytes   *uth_safe_load_file        (GFile       *file,
                                     gsize        max_bytes,
                                     GError     **error);
/* Whether data nests arrays and objects at most max_depth deep (strings skipped). */
gboolean  uth_safe_json_check_depth (const char  *data,
                                     gsize        length,
                                     guint        max_depth,
                                     GError     **error);
/* Parses JSON after the UTF-8, size, depth and value-count checks; name appears in every
 * message. */
JsonNode *uth_safe_json_parse       (GBytes      *bytes,
                                     const char  *name,
                                     gsize        max_bytes,
                                     guint        max_depth,
                                     GError     **error);
/* A short description of a JSON value for messages: 42, "text", true, an object... */
char     *uth_safe_json_describe    (JsonNode    *node);

G_END_DECLS

G_BEGIN_DECLS

/* An optional whole-number member from 0 to max: absent or null leaves *out and sets
 * *present (may be NULL) to FALSE; anything else is an error naming file and field. */
gboolean  uth_safe_json_get_uint    (JsonObject  *object,
                                     const char  *file,
                                     const char  *field,
                                     guint64      max,
                                     guint64     *out,
                                     gboolean    *present,
                                     GError     **error);
/* The member as a string, or NULL when absent or not a string. */
const char *uth_safe_json_get_string (JsonObject *object,
                                      const char *field);
/* The member as a boolean; fallback when absent, null or not a boolean. */
gboolean  uth_safe_json_get_bool    (JsonObject  *object,
                                     const char  *field,
                                     gboolean     fallback);

G_END_DECLS
