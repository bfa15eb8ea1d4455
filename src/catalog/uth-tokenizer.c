/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "uth-catalog.h"
#include "uth-safe-json.h"
#include "uth-tokenizer-json.h"
#include "uth-tokenizer.h"

struct _UthTokenizer
{
  gatomicrefcount  ref_count;
  char            *name;
  UthBpe          *bpe;
  gboolean         is_default;
};

G_DEFINE_BOXED_TYPE (UthTokenizer, uth_tokenizer, uth_tokenizer_ref, uth_tokenizer_unref)

/* Everything read from the file before the core builds the tokenizer. The strings point
 * into the parsed JSON or into chunk. */
typedef struct
{
  UthBpeSpec    spec;
  GPtrArray    *tokens;
  GArray       *ids;
  GPtrArray    *left;
  GPtrArray    *right;
  GStringChunk *chunk;
} Reading;

static void
reading_clear (Reading *r)
{
  g_clear_pointer (&r->tokens, g_ptr_array_unref);
  g_clear_pointer (&r->ids, g_array_unref);
  g_clear_pointer (&r->left, g_ptr_array_unref);
  g_clear_pointer (&r->right, g_ptr_array_unref);
  g_clear_pointer (&r->chunk, g_string_chunk_free);
}

static gboolean
field_error (GError     **error,
             const char  *name,
             const char  *field,
             JsonNode    *found,
             const char  *expected)
{
  g_autofree char *what = uth_safe_json_describe (found);

  /* Translators: "tokenizer.json: field “model.vocab”: expected an object, found 42" */
  g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
               _("%s: field “%s”: expected %s, found %s"), name, field, expected, what);
  return FALSE;
}

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_bool (JsonObject *object,
             const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return FALSE;
  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Calls found for the component and, for a "Sequence", each of its members. */
typedef void (*ComponentFunc) (JsonObject *component, gpointer data);

static void
visit_components (JsonObject    *component,
                  ComponentFunc  func,
                  gpointer       data)
{
  const char *type = member_string (component, "type");

  if (component == NULL)
    return;
  func (component, data);
  if (g_strcmp0 (type, "Sequence") == 0)
    {
      const char *lists[] = { "pretokenizers", "normalizers", "decoders" };
      for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
        {
          JsonNode *node = json_object_has_member (component, lists[l])
                           ? json_object_get_member (component, lists[l]) : NULL;
          if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
            continue;
          for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
            {
              JsonNode *child = json_array_get_element (json_node_get_array (node), i);
              if (JSON_NODE_HOLDS_OBJECT (child))
                visit_components (json_node_get_object (child), func, data);
            }
        }
    }
}

typedef struct
{
  gboolean byte_level;
  gboolean metaspace;
  gboolean prefix_space;
  gboolean byte_prefix_space;
  gboolean llama3_digits;
} Flavour;

/* RoBERTa style: the pre-tokenizer's ByteLevel adds a space before a text that does not
 * start with one. Only the pre-tokenizer's counts: Llama 3's decoder and post-processor
 * say add_prefix_space true, but its pre-tokenizer adds nothing. */
static void
inspect_byte_prefix (JsonObject *component,
                     gpointer    data)
{
  Flavour *f = data;

  if (g_strcmp0 (member_string (component, "type"), "ByteLevel") == 0 &&
      member_bool (component, "add_prefix_space"))
    f->byte_prefix_space = TRUE;
}

static void
inspect_component (JsonObject *component,
                   gpointer    data)
{
  Flavour *f = data;
  const char *type = member_string (component, "type");
  const char *scheme = member_string (component, "prepend_scheme");
  JsonObject *pattern = member_object (component, "pattern");
  const char *regex = member_string (pattern, "Regex");
  const char *prepend = member_string (component, "prepend");
  const char *content = member_string (component, "content");

  if (g_strcmp0 (type, "ByteLevel") == 0)
    f->byte_level = TRUE;
  if (g_strcmp0 (type, "Metaspace") == 0)
    {
      f->metaspace = TRUE;
      if (member_bool (component, "add_prefix_space") ||
          g_strcmp0 (scheme, "always") == 0 || g_strcmp0 (scheme, "first") == 0)
        f->prefix_space = TRUE;
    }
  /* Llama 2: normalizer Prepend("▁") then Replace(" ", "▁"). */
  if (g_strcmp0 (type, "Prepend") == 0 && g_strcmp0 (prepend, "▁") == 0)
    f->metaspace = f->prefix_space = TRUE;
  if (g_strcmp0 (type, "Replace") == 0 && g_strcmp0 (content, "▁") == 0)
    f->metaspace = TRUE;
  /* Llama 3's split pattern cuts digits in runs of at most three. */
  if (g_strcmp0 (type, "Split") == 0 && regex != NULL && strstr (regex, "\\p{N}{1,3}") != NULL)
    f->llama3_digits = TRUE;
}

static gboolean
read_vocab (Reading     *r,
            JsonObject  *model,
            const char  *name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (model, "vocab");
  JsonObject *vocab;
  JsonObjectIter iter;
  const char *token;
  JsonNode *value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return field_error (error, name, "model.vocab", node, _("an object of token: id"));
  vocab = json_node_get_object (node);
  if (json_object_get_size (vocab) == 0 || json_object_get_size (vocab) > UTH_BPE_MAX_VOCAB)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: field “model.vocab”: %u tokens; expected 1 to %u"),
                   name, json_object_get_size (vocab), UTH_BPE_MAX_VOCAB);
      return FALSE;
    }
  json_object_iter_init (&iter, vocab);
  while (json_object_iter_next (&iter, &token, &value))
    {
      guint32 id;

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64 ||
          json_node_get_int (value) < 0 || json_node_get_int (value) >= UTH_BPE_MAX_VOCAB)
        {
          g_autofree char *field = g_strdup_printf ("model.vocab[\"%s\"]", token);
          return field_error (error, name, field, value, _("a token id from 0 to 4194303"));
        }
      id = (guint32) json_node_get_int (value);
      g_ptr_array_add (r->tokens, (gpointer) token);
      g_array_append_val (r->ids, id);
    }
  return TRUE;
}

/* The field's name is made only for an error, not for each of a million merges. */
static gboolean
merge_error (GError     **error,
             const char  *name,
             guint        index,
             JsonNode    *found,
             const char  *expected)
{
  g_autofree char *field = g_strdup_printf ("model.merges[%u]", index);

  return field_error (error, name, field, found, expected);
}

static gboolean
read_merges (Reading     *r,
             JsonObject  *model,
             const char  *name,
             GError     **error)
{
  JsonNode *node = json_object_get_member (model, "merges");
  JsonArray *merges;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;   /* a vocabulary without merges is legal: it only spells bytes */
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return field_error (error, name, "model.merges", node, _("an array"));
  merges = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (merges); i++)
    {
      JsonNode *m = json_array_get_element (merges, i);

      /* Two forms: "left right" (tokenizers < 0.20) and ["left", "right"]. */
      if (JSON_NODE_HOLDS_VALUE (m) && json_node_get_value_type (m) == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (m);
          const char *space = strchr (s, ' ');
          if (space == NULL || space == s || space[1] == '\0' || strchr (space + 1, ' ') != NULL)
            return merge_error (error, name, i, m, _("two tokens separated by one space"));
          g_ptr_array_add (r->left, g_string_chunk_insert_len (r->chunk, s, space - s));
          g_ptr_array_add (r->right, (gpointer) (space + 1));
        }
      else if (JSON_NODE_HOLDS_ARRAY (m) && json_array_get_length (json_node_get_array (m)) == 2)
        {
          JsonArray *pair = json_node_get_array (m);
          JsonNode *a = json_array_get_element (pair, 0), *b = json_array_get_element (pair, 1);
          if (!JSON_NODE_HOLDS_VALUE (a) || json_node_get_value_type (a) != G_TYPE_STRING ||
              !JSON_NODE_HOLDS_VALUE (b) || json_node_get_value_type (b) != G_TYPE_STRING)
            return merge_error (error, name, i, m, _("a pair of token strings"));
          g_ptr_array_add (r->left, (gpointer) json_node_get_string (a));
          g_ptr_array_add (r->right, (gpointer) json_node_get_string (b));
        }
      else
        return merge_error (error, name, i, m, _("a pair of token strings"));
    }
  return TRUE;
}

static gboolean
core_error (UthBpeError  code,
            gsize        index,
            Reading     *r,
            const char  *name,
            GError     **error)
{
  const char *token = index < r->tokens->len ? r->tokens->pdata[index] : "";

  switch (code)
    {
    case UTH_BPE_DUPLICATE_ID:
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: field “model.vocab”: token “%s” reuses id %u"), name, token,
                   g_array_index (r->ids, guint32, index));
      break;
    case UTH_BPE_BAD_TOKEN:
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: field “model.vocab”: token “%s” is not spelled in the byte-level alphabet"),
                   name, token);
      break;
    case UTH_BPE_MISSING_BYTE:
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: field “model.vocab”: no token for byte 0x%02X; a byte-level vocabulary needs all 256"),
                   name, (guint) index);
      break;
    case UTH_BPE_BAD_MERGE:
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: field “model.merges[%zu]”: “%s” + “%s” names a token, or makes one, that is not in the vocabulary"),
                   name, index, index < r->left->len ? (char *) r->left->pdata[index] : "",
                   index < r->right->len ? (char *) r->right->pdata[index] : "");
      break;
    case UTH_BPE_BAD_ID:
    case UTH_BPE_NO_MEMORY:
    case UTH_BPE_OK:
    default:
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: the vocabulary is too large to load"), name);
      break;
    }
  return FALSE;
}

/* The vocabulary split off by uth_tokenizer_json_split, checked like read_vocab's. */
static gboolean
take_vocab (Reading            *r,
            UthTokenizerLists  *lists,
            const char         *name,
            GError            **error)
{
  if (lists->tokens->len == 0 || lists->tokens->len > UTH_BPE_MAX_VOCAB)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: field “model.vocab”: %u tokens; expected 1 to %u"),
                   name, lists->tokens->len, UTH_BPE_MAX_VOCAB);
      return FALSE;
    }
  g_ptr_array_unref (r->tokens);
  g_array_unref (r->ids);
  r->tokens = g_steal_pointer (&lists->tokens);
  r->ids = g_steal_pointer (&lists->ids);
  return TRUE;
}

static UthTokenizer *
tokenizer_from_root (JsonNode           *root,
                     UthTokenizerLists  *lists,
                     const char         *name,
                     GError            **error)
{
  JsonObject *object, *model;
  Reading r = { 0 };
  Flavour f = { 0 };
  const char *type, *unk;
  UthBpeError code = UTH_BPE_OK;
  gsize index = 0;
  UthTokenizer *self = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      field_error (error, name, "(root)", root, _("an object"));
      return NULL;
    }
  object = json_node_get_object (root);
  model = member_object (object, "model");
  if (model == NULL)
    {
      field_error (error, name, "model",
                   json_object_has_member (object, "model") ? json_object_get_member (object, "model") : NULL,
                   _("an object"));
      return NULL;
    }
  type = member_string (model, "type");
  /* Old files leave the type out of a BPE model. */
  if (type != NULL && strcmp (type, "BPE") != 0)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: field “model.type”: “%s” is not supported; only BPE tokenizers are"),
                   name, type);
      return NULL;
    }

  visit_components (member_object (object, "normalizer"), inspect_component, &f);
  visit_components (member_object (object, "pre_tokenizer"), inspect_component, &f);
  visit_components (member_object (object, "pre_tokenizer"), inspect_byte_prefix, &f);
  visit_components (member_object (object, "decoder"), inspect_component, &f);
  if (!f.byte_level && !f.metaspace && !member_bool (model, "byte_fallback"))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                   _("%s: field “pre_tokenizer”: neither byte-level (GPT-2, Llama 3) nor SentencePiece-style (Llama 2) BPE"),
                   name);
      return NULL;
    }

  r.tokens = g_ptr_array_new ();
  r.ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  r.left = g_ptr_array_new ();
  r.right = g_ptr_array_new ();
  r.chunk = g_string_chunk_new (4096);
  if ((lists->has_vocab ? take_vocab (&r, lists, name, error) : read_vocab (&r, model, name, error)) &&
      (lists->has_merges ? TRUE : read_merges (&r, model, name, error)))
    {
      UthBpeSpec *spec = &r.spec;
      UthBpe *bpe;

      spec->kind = f.byte_level ? UTH_BPE_BYTE_LEVEL : UTH_BPE_SENTENCEPIECE;
      spec->split = f.llama3_digits ? UTH_BPE_SPLIT_LLAMA3 : UTH_BPE_SPLIT_GPT2;
      spec->tokens = (const char *const *) r.tokens->pdata;
      spec->ids = (const guint32 *) r.ids->data;
      spec->n_tokens = r.tokens->len;
      if (lists->has_merges)
        {
          g_ptr_array_unref (r.left);
          g_ptr_array_unref (r.right);
          r.left = g_steal_pointer (&lists->left);
          r.right = g_steal_pointer (&lists->right);
        }
      spec->merge_left = (const char *const *) r.left->pdata;
      spec->merge_right = (const char *const *) r.right->pdata;
      spec->n_merges = r.left->len;
      spec->add_prefix_space = f.byte_level ? f.byte_prefix_space : f.prefix_space;
      spec->byte_fallback = member_bool (model, "byte_fallback");
      spec->ignore_merges = member_bool (model, "ignore_merges");
      spec->unk_id = UTH_BPE_NO_TOKEN;
      unk = member_string (model, "unk_token");
      for (guint i = 0; unk != NULL && i < r.tokens->len; i++)
        if (strcmp (r.tokens->pdata[i], unk) == 0)
          spec->unk_id = g_array_index (r.ids, guint32, i);
      bpe = uth_bpe_new (spec, &code, &index);
      if (bpe == NULL)
        core_error (code, index, &r, name, error);
      else
        {
          self = g_new0 (UthTokenizer, 1);
          g_atomic_ref_count_init (&self->ref_count);
          self->name = g_path_get_basename (name);
          self->bpe = bpe;
        }
    }
  reading_clear (&r);
  return self;
}

UthTokenizer *
uth_tokenizer_new_from_bytes (GBytes      *bytes,
                              const char  *name,
                              GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) rest = NULL;
  UthTokenizerLists lists;
  UthTokenizer *self = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  /* The vocabulary and merges in compact lists, not a json-glib tree (a million merges
   * would cost over half a gigabyte); a file of another shape is parsed whole. */
  rest = uth_tokenizer_json_split (bytes, &lists);
  root = uth_safe_json_parse (rest != NULL ? rest : bytes, name, UTH_JSON_MAX_BYTES,
                              UTH_JSON_MAX_DEPTH, error);
  if (root != NULL)
    self = tokenizer_from_root (root, &lists, name, error);
  uth_tokenizer_lists_clear (&lists);
  return self;
}

UthTokenizer *
uth_tokenizer_new_from_file (GFile   *file,
                             GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  bytes = uth_safe_load_file (file, UTH_JSON_MAX_BYTES, error);
  if (bytes == NULL)
    return NULL;
  name = g_file_get_parse_name (file);
  return uth_tokenizer_new_from_bytes (bytes, name, error);
}

UthTokenizer *
uth_tokenizer_get_default (void)
{
  static UthTokenizer *tokenizer;

  if (g_once_init_enter (&tokenizer))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_resources_lookup_data (UTH_TOKENIZER_RESOURCE,
                                                         G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      UthTokenizer *loaded = NULL;

      if (bytes != NULL)
        loaded = uth_tokenizer_new_from_bytes (bytes, "uth-tokenizer.json", &error);
      if (loaded == NULL)
        g_critical ("The bundled vocabulary is broken: %s", error->message);
      else
        loaded->is_default = TRUE;
      g_once_init_leave (&tokenizer, loaded);
    }
  return tokenizer;
}

UthTokenizer *
uth_tokenizer_ref (UthTokenizer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
uth_tokenizer_unref (UthTokenizer *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      uth_bpe_free (self->bpe);
      g_free (self->name);
      g_free (self);
    }
}

const UthBpe *
uth_tokenizer_get_bpe (UthTokenizer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->bpe;
}

const char *
uth_tokenizer_get_name (UthTokenizer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

gboolean
uth_tokenizer_is_default (UthTokenizer *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->is_default;
}

GArray *
uth_tokenizer_encode (UthTokenizer *self,
                      const char   *text,
                      gssize        length)
{
  GArray *ids;
  gsize n, len;

  g_return_val_if_fail (self != NULL, NULL);
  if (text == NULL)
    text = "";
  len = length < 0 ? strlen (text) : (gsize) length;
  ids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), (guint) len + 2);
  g_array_set_size (ids, (guint) len + 2);
  n = uth_bpe_encode (self->bpe, text, len, (guint32 *) ids->data, len + 2);
  g_array_set_size (ids, (guint) MIN (n, len + 2));
  return ids;
}

char *
uth_tokenizer_describe_token (UthTokenizer *self,
                              guint32       id)
{
  gsize len, i = 0;
  const guint8 *bytes;
  GString *s;

  g_return_val_if_fail (self != NULL, NULL);
  bytes = uth_bpe_token_bytes (self->bpe, id, &len);
  if (bytes == NULL)
    return g_strdup ("?");
  s = g_string_new (NULL);
  while (i < len)
    {
      const char *p = (const char *) bytes + i;
      gunichar c = g_utf8_get_char_validated (p, (gssize) (len - i));

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (s, "<0x%02X>", bytes[i]);
          i++;
          continue;
        }
      if (c == ' ')
        g_string_append (s, "␣");
      else if (c == '\n')
        g_string_append (s, "↵");
      else if (c == '\t')
        g_string_append (s, "→");
      else if (g_unichar_iscntrl (c))
        g_string_append_printf (s, "<0x%02X>", bytes[i]);
      else
        g_string_append_unichar (s, c);
      i += (gsize) (g_utf8_next_char (p) - p);
    }
  return g_string_free (s, FALSE);
}
