/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "uth-catalog.h"
#include "uth-safe-json.h"
#include "uth-tokenizer-json.h"

static JsonObject *
model_of (JsonObject *root)
{
  JsonNode *model = root != NULL ? json_object_get_member (root, "model") : NULL;

  return model != NULL && JSON_NODE_HOLDS_OBJECT (model) ? json_node_get_object (model) : NULL;
}

gboolean
uth_tokenizer_json_detect (JsonObject *root)
{
  JsonObject *model = model_of (root);

  return model != NULL &&
         (json_object_has_member (model, "vocab") || json_object_has_member (model, "type"));
}

JsonNode *
uth_tokenizer_json_parse (GBytes      *bytes,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(JsonNode) root = uth_safe_json_parse (bytes, name, UTH_MODEL_FILE_MAX_JSON_BYTES,
                                                  UTH_JSON_MAX_DEPTH, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root) || !uth_tokenizer_json_detect (json_node_get_object (root)))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: not a tokenizer.json: no \"model\" object with a vocabulary"), name);
      return NULL;
    }
  return g_steal_pointer (&root);
}

JsonNode *
uth_tokenizer_json_get_vocab (JsonObject *root)
{
  JsonObject *model = model_of (root);
  JsonNode *vocab = model != NULL ? json_object_get_member (model, "vocab") : NULL;

  if (vocab == NULL || !(JSON_NODE_HOLDS_OBJECT (vocab) || JSON_NODE_HOLDS_ARRAY (vocab)))
    return NULL;
  return vocab;
}

JsonArray *
uth_tokenizer_json_get_merges (JsonObject *root)
{
  JsonObject *model = model_of (root);
  JsonNode *merges = model != NULL ? json_object_get_member (model, "merges") : NULL;

  if (merges == NULL || !JSON_NODE_HOLDS_ARRAY (merges))
    return NULL;
  return json_node_get_array (merges);
}

/* Added tokens that are not already in the model's vocabulary (most are, e.g. <s>). */
static guint64
count_added (JsonObject *root,
             JsonNode   *vocab,
             guint64    *listed)
{
  JsonNode *added = json_object_get_member (root, "added_tokens");
  JsonArray *list;
  guint64 extra = 0;

  *listed = 0;
  if (added == NULL || !JSON_NODE_HOLDS_ARRAY (added))
    return 0;
  list = json_node_get_array (added);
  *listed = json_array_get_length (list);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *t = json_array_get_element (list, i);
      const char *content;

      if (!JSON_NODE_HOLDS_OBJECT (t))
        continue;
      content = uth_safe_json_get_string (json_node_get_object (t), "content");
      if (content == NULL)
        continue;
      if (vocab == NULL || !JSON_NODE_HOLDS_OBJECT (vocab) ||
          !json_object_has_member (json_node_get_object (vocab), content))
        extra++;
    }
  return extra;
}

gboolean
uth_tokenizer_json_read (JsonObject    *root,
                         UthModelFile  *out,
                         GError       **error)
{
  JsonObject *model = model_of (root);
  JsonNode *vocab;
  JsonArray *merges;
  const char *type;
  guint64 base = 0, extra;

  if (model == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: not a tokenizer.json: no \"model\" object"), out->name);
      return FALSE;
    }
  vocab = uth_tokenizer_json_get_vocab (root);
  merges = uth_tokenizer_json_get_merges (root);
  type = uth_safe_json_get_string (model, "type");
  /* Old files name no type; merges make it BPE. */
  if (type == NULL)
    type = merges != NULL ? "BPE" : NULL;

  if (vocab != NULL && JSON_NODE_HOLDS_OBJECT (vocab))
    base = json_object_get_size (json_node_get_object (vocab));
  else if (vocab != NULL)
    base = json_array_get_length (json_node_get_array (vocab));

  extra = count_added (root, vocab, &out->added_tokens);
  out->vocab_size = base + extra;
  out->merges = merges != NULL ? json_array_get_length (merges) : 0;
  g_free (out->tokenizer_model);
  out->tokenizer_model = g_strdup (type);
  g_free (out->architecture);
  out->architecture = NULL;
  if (vocab == NULL)
    uth_model_file_add_note (out, "%s", _("The tokenizer has no vocabulary in the file."));
  return TRUE;
}
