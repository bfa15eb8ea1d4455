/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "catalog/uth-safe-json.h"
#include "catalog/uth-safetensors.h"
#include "fuzz.h"

/* A header, or (when the input starts with '{') a sharded index without its shards. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(UthModelFile) f = uth_model_file_new (UTH_MODEL_FILE_SAFETENSORS, "fuzz.safetensors");
  g_autoptr(GError) error = NULL;

  if (size > 0 && data[0] == '{')
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
      g_autoptr(JsonNode) root = uth_safe_json_parse (bytes, "fuzz.json", UTH_MODEL_FILE_MAX_JSON_BYTES,
                                                      UTH_JSON_MAX_DEPTH, &error);

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
          uth_safetensors_index_detect (json_node_get_object (root)))
        uth_safetensors_index_read (json_node_get_object (root), NULL, f, &error);
      return 0;
    }
  if (uth_safetensors_read_header (data, size, size, f, &error))
    uth_model_file_finish (f);
  return 0;
}
