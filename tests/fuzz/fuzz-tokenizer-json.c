/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "catalog/uth-tokenizer-json.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = uth_tokenizer_json_parse (bytes, "tokenizer.json", &error);
  g_autoptr(UthModelFile) f = uth_model_file_new (UTH_MODEL_FILE_TOKENIZER, "tokenizer.json");
  JsonObject *obj;
  UthTokenizerLists lists;
  g_autoptr(GBytes) rest = uth_tokenizer_json_split (bytes, &lists);

  /* The splitter (vocabulary and merges without a tree) and the summary from its lists. */
  if (rest != NULL)
    {
      g_autoptr(GError) rest_error = NULL;
      g_autoptr(JsonNode) rest_root = uth_tokenizer_json_parse (rest, "tokenizer.json", &rest_error);
      g_autoptr(UthModelFile) g = uth_model_file_new (UTH_MODEL_FILE_TOKENIZER, "tokenizer.json");

      if (rest_root != NULL)
        uth_tokenizer_json_read_lists (json_node_get_object (rest_root), &lists, g, &rest_error);
      uth_tokenizer_lists_clear (&lists);
    }
  if (root == NULL)
    return 0;
  obj = json_node_get_object (root);
  uth_tokenizer_json_read (obj, f, &error);
  (void) uth_tokenizer_json_get_vocab (obj);
  (void) uth_tokenizer_json_get_merges (obj);
  return 0;
}
