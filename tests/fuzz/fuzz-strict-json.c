/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The strict JSON reader: whatever it accepts, the writer writes as JSON it reads back equal
 * (without the original text), and with the original text the writer copies it unchanged. */
#include <string.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-safe-json.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(UthJsonDocument) doc = NULL;
  g_autoptr(GString) fresh = g_string_new (NULL);
  g_autoptr(GString) copied = g_string_new (NULL);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(JsonNode) back = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;
  gsize length;
  JsonNode *root;

  doc = uth_json_document_parse (bytes, "fuzz.json", UTH_JSON_MAX_BYTES, UTH_JSON_MAX_DEPTH,
                                 UTH_JSON_STRICT, &error);
  if (doc == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }
  root = uth_json_document_get_root (doc);

  if (!uth_json_write (fresh, root, NULL, NULL, NULL, 0, &error))
    g_error ("an accepted text could not be written: %s", error->message);
  again = g_string_free_to_bytes (g_steal_pointer (&fresh));
  back = uth_safe_json_parse (again, "written.json", G_MAXSIZE, UTH_JSON_MAX_DEPTH, &error);
  if (back == NULL)
    g_error ("the writer wrote what the reader refuses: %s", error->message);
  if (!json_node_equal (back, root))
    g_error ("what was written reads back different");

  /* With the document, the root is its own text, byte for byte. */
  g_assert (uth_json_document_get_text (doc, root, &text, &length));
  g_assert (uth_json_write (copied, root, doc, NULL, NULL, 0, NULL));
  g_assert (copied->len == length && memcmp (copied->str, text, length) == 0);
  return 0;
}
