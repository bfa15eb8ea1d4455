/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "uth-catalog.h"
#include "uth-runnable-model.h"
#include "uth-safe-json.h"
#include "uth-tokenizer-json.h"

struct _UthRunnableModel
{
  gatomicrefcount  ref;
  UthModelWeights *weights;
  UthTokenizer    *tokenizer;
  guint32          bos;
  char            *name;
  char            *corpus;
  gboolean         is_default;
  GArray          *heads;     /* UthNamedHead */
};

/* The id a Hugging Face tokenizer puts before a text (its post_processor's template starts
 * with a special token: Llama's <s>, Llama 3's <|begin_of_text|>); G_MAXUINT32 for none. */
static guint32
find_bos (JsonObject *processor)
{
  const char *type = uth_safe_json_get_string (processor, "type");
  JsonNode *node;

  if (g_strcmp0 (type, "Sequence") == 0 &&
      (node = json_object_get_member (processor, "processors")) != NULL &&
      JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *list = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *p = json_array_get_element (list, i);
          guint32 id = JSON_NODE_HOLDS_OBJECT (p) ? find_bos (json_node_get_object (p))
                                                  : G_MAXUINT32;
          if (id != G_MAXUINT32)
            return id;
        }
      return G_MAXUINT32;
    }
  if (g_strcmp0 (type, "TemplateProcessing") == 0)
    {
      JsonNode *single = json_object_get_member (processor, "single");
      JsonNode *specials = json_object_get_member (processor, "special_tokens");
      JsonNode *first, *special, *entry, *ids;
      const char *name;

      if (single == NULL || !JSON_NODE_HOLDS_ARRAY (single) ||
          json_array_get_length (json_node_get_array (single)) == 0 ||
          specials == NULL || !JSON_NODE_HOLDS_OBJECT (specials))
        return G_MAXUINT32;
      first = json_array_get_element (json_node_get_array (single), 0);
      if (!JSON_NODE_HOLDS_OBJECT (first) ||
          (special = json_object_get_member (json_node_get_object (first), "SpecialToken")) == NULL ||
          !JSON_NODE_HOLDS_OBJECT (special) ||
          (name = uth_safe_json_get_string (json_node_get_object (special), "id")) == NULL ||
          (entry = json_object_get_member (json_node_get_object (specials), name)) == NULL ||
          !JSON_NODE_HOLDS_OBJECT (entry) ||
          (ids = json_object_get_member (json_node_get_object (entry), "ids")) == NULL ||
          !JSON_NODE_HOLDS_ARRAY (ids) || json_array_get_length (json_node_get_array (ids)) != 1)
        return G_MAXUINT32;
      first = json_array_get_element (json_node_get_array (ids), 0);
      if (JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_INT64 &&
          json_node_get_int (first) >= 0 && json_node_get_int (first) < G_MAXUINT32)
        return (guint32) json_node_get_int (first);
    }
  return G_MAXUINT32;
}

guint32
uth_tokenizer_json_find_bos (GBytes     *bytes,
                             const char *name)
{
  g_autoptr(GBytes) rest = NULL;
  g_autoptr(JsonNode) root = NULL;
  UthTokenizerLists lists;
  JsonNode *processor;

  /* The post-processor, read without the vocabulary and merges. */
  rest = uth_tokenizer_json_split (bytes, &lists);
  if (rest != NULL)
    uth_tokenizer_lists_clear (&lists);
  root = uth_safe_json_parse (rest != NULL ? rest : bytes, name, UTH_JSON_MAX_BYTES,
                              UTH_JSON_MAX_DEPTH, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      (processor = json_object_get_member (json_node_get_object (root), "post_processor")) != NULL &&
      JSON_NODE_HOLDS_OBJECT (processor))
    return find_bos (json_node_get_object (processor));
  return G_MAXUINT32;
}

static void
read_heads (UthRunnableModel *self,
            JsonObject       *patterns,
            const char       *member,
            UthHeadPattern    pattern)
{
  JsonNode *node = json_object_get_member (patterns, member);
  JsonArray *list;
  const UthForwardConfig *c = &uth_model_weights_get_forward (self->weights)->config;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *e = json_array_get_element (list, i);
      JsonArray *t;
      UthNamedHead h = { 0, 0, pattern, 0 };

      if (!JSON_NODE_HOLDS_ARRAY (e) || json_array_get_length (t = json_node_get_array (e)) != 3)
        continue;
      h.layer = (guint) json_array_get_int_element (t, 0);
      h.head = (guint) json_array_get_int_element (t, 1);
      h.score = json_array_get_double_element (t, 2);
      /* Only heads the model has. */
      if (h.layer < c->layers && h.head < c->heads)
        g_array_append_val (self->heads, h);
    }
}

/* training.json (the app's own record), when the folder has one: the name, the corpus and
 * the heads it found. A broken one is ignored: it only adds notes. */
static void
read_training (UthRunnableModel *self,
               GFile            *folder)
{
  g_autoptr(GFile) file = g_file_get_child (folder, "training.json");
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;
  JsonNode *patterns;

  if (!g_file_query_exists (file, NULL) ||
      (bytes = uth_safe_load_file (file, UTH_JSON_MAX_BYTES, NULL)) == NULL ||
      (root = uth_safe_json_parse (bytes, name, UTH_JSON_MAX_BYTES, UTH_JSON_MAX_DEPTH, NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    return;
  obj = json_node_get_object (root);
  if (uth_safe_json_get_string (obj, "name") != NULL)
    {
      g_free (self->name);
      self->name = g_strdup (uth_safe_json_get_string (obj, "name"));
    }
  self->corpus = g_strdup (uth_safe_json_get_string (obj, "corpus"));
  patterns = json_object_get_member (obj, "head_patterns");
  if (patterns != NULL && JSON_NODE_HOLDS_OBJECT (patterns))
    {
      read_heads (self, json_node_get_object (patterns), "previous_token", UTH_HEAD_PREVIOUS_TOKEN);
      read_heads (self, json_node_get_object (patterns), "first_token", UTH_HEAD_FIRST_TOKEN);
      read_heads (self, json_node_get_object (patterns), "induction", UTH_HEAD_INDUCTION);
    }
}

UthRunnableModel *
uth_runnable_model_open (GFile   *file,
                         GError **error)
{
  g_autoptr(UthRunnableModel) self = g_new0 (UthRunnableModel, 1);
  g_autoptr(GFile) tok_file = NULL;
  g_autofree char *tok_name = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GFile *folder;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  g_atomic_ref_count_init (&self->ref);
  self->bos = G_MAXUINT32;
  self->heads = g_array_new (FALSE, FALSE, sizeof (UthNamedHead));
  self->weights = uth_model_weights_open (file, error);
  if (self->weights == NULL)
    return NULL;
  folder = uth_model_weights_get_folder (self->weights);
  self->name = g_file_get_basename (file);
  tok_file = g_file_get_child (folder, "tokenizer.json");
  tok_name = g_file_get_parse_name (tok_file);
  if (!g_file_query_exists (tok_file, NULL))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: missing; the model's tokenizer.json must be beside its weights"), tok_name);
      return NULL;
    }
  bytes = uth_safe_load_file (tok_file, UTH_JSON_MAX_BYTES, error);
  if (bytes == NULL)
    return NULL;
  self->tokenizer = uth_tokenizer_new_from_bytes (bytes, tok_name, error);
  if (self->tokenizer == NULL)
    return NULL;
  self->bos = uth_tokenizer_json_find_bos (bytes, tok_name);
  if (self->bos >= uth_model_weights_get_forward (self->weights)->config.vocab)
    self->bos = G_MAXUINT32;
  read_training (self, folder);
  return g_steal_pointer (&self);
}

UthRunnableModel *
uth_runnable_model_get_default (void)
{
  static UthRunnableModel *model;

  if (g_once_init_enter (&model))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GFile) folder = g_file_new_for_uri (UTH_RUNNABLE_MODEL_RESOURCE);
      UthRunnableModel *loaded = uth_runnable_model_open (folder, &error);

      if (loaded == NULL)
        g_critical ("The bundled model is broken: %s", error->message);
      else
        loaded->is_default = TRUE;
      g_once_init_leave (&model, loaded);
    }
  return model;
}

UthRunnableModel *
uth_runnable_model_ref (UthRunnableModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
uth_runnable_model_unref (UthRunnableModel *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  g_clear_pointer (&self->tokenizer, uth_tokenizer_unref);
  g_clear_pointer (&self->weights, uth_model_weights_free);
  g_clear_pointer (&self->heads, g_array_unref);
  g_free (self->name);
  g_free (self->corpus);
  g_free (self);
}

UthModelWeights *
uth_runnable_model_get_weights (UthRunnableModel *self)
{
  return self->weights;
}

UthTokenizer *
uth_runnable_model_get_tokenizer (UthRunnableModel *self)
{
  return self->tokenizer;
}

guint32
uth_runnable_model_get_bos (UthRunnableModel *self)
{
  return self->bos;
}

const char *
uth_runnable_model_get_name (UthRunnableModel *self)
{
  return self->name;
}

const char *
uth_runnable_model_get_corpus (UthRunnableModel *self)
{
  return self->corpus;
}

gboolean
uth_runnable_model_is_default (UthRunnableModel *self)
{
  return self->is_default;
}

guint
uth_runnable_model_get_context (UthRunnableModel *self,
                                guint             max)
{
  guint64 context = uth_model_weights_get_max_context (self->weights);

  return context > 0 && context < max ? (guint) context : max;
}

const UthNamedHead *
uth_runnable_model_get_heads (UthRunnableModel *self,
                              guint            *n)
{
  *n = self->heads->len;
  return (const UthNamedHead *) (void *) self->heads->data;
}
