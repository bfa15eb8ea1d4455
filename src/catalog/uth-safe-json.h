/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading untrusted files and JSON, the one way every reader of the app does it:
 *
 * - files: opened once, without waiting (a FIFO never blocks the open), then fstat'ed: only
 *   a regular file is read, its size checked against a cap before a byte is read, and the read
 *   stops at the cap too (the file may grow). Standard input is read once, with the same cap.
 * - JSON: a strict RFC 8259 parser of our own builds the json-glib tree, so json-glib's parser
 *   never sees the text: no comments, single quotes, leading zeros, hex, NaN/Infinity, control
 *   characters in strings or a second top-level value; duplicate keys refused; numbers must be
 *   finite (1e999 is refused naming the field); a depth cap (the parser recurses once per
 *   level) and a memory budget proportional to the size of the text (estimated from the nodes
 *   built), so a small file cannot cost gigabytes.
 *
 * Deliberate differences from Python's json (tests/data/json-strict-cases.txt): a lone UTF-16
 * surrogate and \u0000 in a string are refused (the text could not be UTF-8 / a C string). */
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
/* The tree may cost at most this many bytes per byte of text, plus UTH_JSON_MEMORY_SLACK.
 * Real files cost under 25 (a tokenizer's merges as pairs); a file of tiny nested objects
 * about 60, and is refused. */
#define UTH_JSON_MEMORY_FACTOR  32u
#define UTH_JSON_MEMORY_SLACK   (4u * 1024u * 1024u)

/* Reads a whole regular file, failing at once for a FIFO, a device, a socket or a folder
 * (never blocking on it), and without reading once the size exceeds max_bytes. The file is
 * opened once. Errors are UTH_CATALOG_ERROR_IO and name the file. */
GBytes   *uth_safe_load_file        (GFile       *file,
                                     gsize        max_bytes,
                                     GError     **error);
/* Reads an already open descriptor to its end (a pipe too), at most max_bytes; name is
 * what messages call it. The descriptor is not closed. */
GBytes   *uth_safe_load_fd          (int          fd,
                                     const char  *name,
                                     gsize        max_bytes,
                                     GError     **error);
/* Standard input read once into a bounded buffer, named "standard input" in messages (for
 * `inspect -` and `inspect /dev/stdin`). */
GBytes   *uth_safe_load_stdin       (gsize        max_bytes,
                                     GError     **error);
/* Whether data nests arrays and objects at most max_depth deep (strings skipped). */
gboolean  uth_safe_json_check_depth (const char  *data,
                                     gsize        length,
                                     guint        max_depth,
                                     GError     **error);
typedef enum
{
  UTH_JSON_STRICT        = 0,
  /* 1e999 becomes an infinite double instead of an error, for a reader that then refuses
   * only the entry holding it, naming the field (the user's catalogs: one bad number must
   * not cost every entry of the file). */
  UTH_JSON_KEEP_INFINITE = 1 << 0,
} UthJsonFlags;

/* Parses strict JSON (see above) after the UTF-8 and size checks; name appears in every
 * message, with the line, column and the path of the value (models[0].memory_bytes). */
JsonNode *uth_safe_json_parse       (GBytes      *bytes,
                                     const char  *name,
                                     gsize        max_bytes,
                                     guint        max_depth,
                                     GError     **error);
JsonNode *uth_safe_json_parse_flags (GBytes      *bytes,
                                     const char  *name,
                                     gsize        max_bytes,
                                     guint        max_depth,
                                     UthJsonFlags flags,
                                     GError     **error);
/* Called with each element of a streamed list (borrowed: ref it to keep it) and its 0-based
 * index; FALSE with an error stops the parse, which then fails with that error. */
typedef gboolean (*UthJsonElementFunc) (JsonNode  *element,
                                        guint      index,
                                        gpointer   user_data,
                                        GError   **error);
/* As uth_safe_json_parse_flags, but the elements of the array root[list_key] (root an object)
 * go to func one at a time instead of into the tree, so a catalog of 100,000 entries never
 * holds all its nodes at once (the returned root has an empty array there). The text is still
 * checked whole: when the parse fails after some elements were passed, the caller must drop
 * what it took from them. */
JsonNode *uth_safe_json_parse_list  (GBytes             *bytes,
                                     const char         *name,
                                     gsize               max_bytes,
                                     guint               max_depth,
                                     UthJsonFlags        flags,
                                     const char         *list_key,
                                     UthJsonElementFunc  func,
                                     gpointer            user_data,
                                     GError            **error);
/* The path of the first non-finite number inside node ("peak_flops.bf16"; "" for node
 * itself), or NULL when every number is finite. */
char     *uth_safe_json_find_non_finite (JsonNode *node);
/* A short description of a JSON value for messages: 42, "text", true, an object... */
char     *uth_safe_json_describe    (JsonNode    *node);

/* A parsed text that remembers where each value came from, so that a writer can copy the
 * values it did not change exactly as they were written (18446744073709551616 stays that,
 * not the double json-glib holds for it). */
typedef struct _UthJsonDocument UthJsonDocument;

UthJsonDocument *uth_json_document_parse    (GBytes           *bytes,
                                             const char       *name,
                                             gsize             max_bytes,
                                             guint             max_depth,
                                             UthJsonFlags      flags,
                                             GError          **error);
/* Owned by the document; do not modify the tree (copy it). */
JsonNode        *uth_json_document_get_root (UthJsonDocument  *doc);
/* The original text of node, a value of this document; FALSE for any other node. */
gboolean         uth_json_document_get_text (UthJsonDocument  *doc,
                                             JsonNode         *node,
                                             const char      **text,
                                             gsize            *length);
void             uth_json_document_free     (UthJsonDocument  *doc);

/* Appends node as JSON (two-space indentation, starting at indent levels). A value that is
 * a node of doc, or is equal to its counterpart in original (a node of doc: same key in an
 * object, same position in an array), is copied from doc's text. hints (may be NULL) maps a
 * node to the node of doc it replaces. Fails, naming the path, on a non-finite number: the
 * output is always JSON that uth_safe_json_parse reads back. doc and original may be NULL. */
gboolean  uth_json_write            (GString          *out,
                                     JsonNode         *node,
                                     UthJsonDocument  *doc,
                                     JsonNode         *original,
                                     GHashTable       *hints,
                                     guint             indent,
                                     GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UthJsonDocument, uth_json_document_free)

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
