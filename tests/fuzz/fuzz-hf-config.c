/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "catalog/uth-hf-config.h"
#include "catalog/uth-safe-json.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = uth_safe_json_parse (bytes, "config.json", UTH_MODEL_FILE_MAX_JSON_BYTES,
                                                  UTH_JSON_MAX_DEPTH, &error);
  g_autoptr(UthModelFile) f = uth_model_file_new (UTH_MODEL_FILE_HF_CONFIG, "config.json");

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  /* Read even what detection would turn away: the reader must hold on its own. */
  if (uth_hf_config_read (json_node_get_object (root), f, &error))
    {
      g_autoptr(JsonObject) entry = uth_model_file_to_catalog_entry (f, "fuzz", "Fuzz", NULL);
      (void) uth_model_params (&f->spec);
      (void) uth_model_active_params (&f->spec);
      (void) uth_model_kv_bytes_per_token (&f->spec, 2.0);
    }
  return 0;
}
