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

/* The classes of GPT-2's pattern for a code point above ASCII, from GLib's Unicode tables:
 * \p{L} is the five letter categories (Lu, Ll, Lt, Lm, Lo), \p{N} the three number ones
 * (Nd, Nl, No), \s Unicode's White_Space (the separators Zs, Zl, Zp and U+0085 NEXT LINE,
 * as in the Python regex module of OpenAI's encoder). Marks, symbols, punctuation, format
 * and private-use characters are the rest. (JavaScript's \s differs on two code points:
 * it has U+FEFF and lacks U+0085.) */
static UthBpeCharClass
classify_unichar (uint32_t code_point)
{
  switch (g_unichar_type (code_point))
    {
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
      return UTH_BPE_CHAR_LETTER;
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
      return UTH_BPE_CHAR_NUMBER;
    case G_UNICODE_SPACE_SEPARATOR:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return UTH_BPE_CHAR_SPACE;
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
    case G_UNICODE_CURRENCY_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
    default:
      return code_point == 0x85 ? UTH_BPE_CHAR_SPACE : UTH_BPE_CHAR_OTHER;
    }
}

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
      spec->classify = classify_unichar;
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

/* ---------------------------------------------------------------------------------------- */
/* GPT-2's merges                                                                           */

static gboolean
gpt2_line_error (GError     **error,
                 const char  *name,
                 guint        line,
                 const char  *problem)
{
  /* Translators: "gpt2-merges.txt: line 12: expected two tokens separated by one space" */
  g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE, _("%s: line %u: %s"),
               name, line, problem);
  return FALSE;
}

/* Reads the merges into left and right (pointing into chunk). */
static gboolean
read_gpt2_merges (const char    *text,
                  gsize          length,
                  const char    *name,
                  GStringChunk  *chunk,
                  GPtrArray     *left,
                  GPtrArray     *right,
                  GError       **error)
{
  const char *p = text, *end = text + length;
  guint line = 1;

  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: not UTF-8 text"), name);
      return FALSE;
    }
  if (length < 8 || memcmp (text, "#version", 8) != 0)
    return gpt2_line_error (error, name, 1, _("expected “#version”, the first line of a GPT-2 merges file (vocab.bpe)"));
  p = memchr (p, '\n', length);
  p = p != NULL ? p + 1 : end;
  while (p < end)
    {
      const char *eol = memchr (p, '\n', (gsize) (end - p));
      const char *space;
      gsize n;

      line++;
      if (eol == NULL)
        eol = end;
      n = (gsize) (eol - p);
      space = memchr (p, ' ', n);
      if (n > 0 || eol < end)
        {
          if (space == NULL || space == p || space + 1 == eol ||
              memchr (space + 1, ' ', (gsize) (eol - space - 1)) != NULL ||
              memchr (p, '\0', n) != NULL)
            return gpt2_line_error (error, name, line, _("expected two tokens separated by one space"));
          if (left->len >= UTH_BPE_MAX_VOCAB - 257)
            return gpt2_line_error (error, name, line, _("too many merges"));
          g_ptr_array_add (left, g_string_chunk_insert_len (chunk, p, space - p));
          g_ptr_array_add (right, g_string_chunk_insert_len (chunk, space + 1, eol - space - 1));
        }
      p = eol + 1;
    }
  return TRUE;
}

UthTokenizer *
uth_tokenizer_new_from_gpt2_merges (GBytes      *merges,
                                    const char  *name,
                                    GError     **error)
{
  g_autoptr(GPtrArray) left = g_ptr_array_new ();
  g_autoptr(GPtrArray) right = g_ptr_array_new ();
  g_autoptr(GPtrArray) tokens = g_ptr_array_new ();
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GHashTable) spelled = g_hash_table_new (g_str_hash, g_str_equal);
  GStringChunk *chunk = g_string_chunk_new (64 * 1024);
  UthBpeSpec spec = { 0 };
  UthBpeError code = UTH_BPE_OK;
  gsize index = 0, length;
  const char *text;
  UthTokenizer *self = NULL;
  UthBpe *bpe;

  g_return_val_if_fail (merges != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  text = g_bytes_get_data (merges, &length);
  if (text == NULL)
    text = "";
  if (!read_gpt2_merges (text, length, name, chunk, left, right, error))
    goto out;

  /* Ids 0-255: the bytes in the order of GPT-2's byte-to-unicode table, that is by the
   * code point that spells them (the printable bytes keep theirs, below U+0100; the
   * other 68 are U+0100 onwards). */
  for (guint32 cp = 0; cp < 256 + 68; cp++)
    if (uth_bpe_unicode_to_byte (cp) >= 0)
      {
        char buf[8] = { 0 };
        guint32 id = tokens->len;

        g_unichar_to_utf8 (cp, buf);
        g_ptr_array_add (tokens, g_string_chunk_insert (chunk, buf));
        g_array_append_val (ids, id);
      }
  for (guint i = 0; i < tokens->len; i++)
    g_hash_table_add (spelled, tokens->pdata[i]);
  /* Merge i makes id 256 + i: each result must be new, or the ids would not be GPT-2's. */
  for (guint i = 0; i < left->len; i++)
    {
      g_autofree char *joined = g_strconcat (left->pdata[i], right->pdata[i], NULL);
      char *token;
      guint32 id = tokens->len;

      if (g_hash_table_contains (spelled, joined))
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                       _("%s: line %u: the merge makes “%s”, which an earlier line or a byte already makes"),
                       name, i + 2, joined);
          goto out;
        }
      token = g_string_chunk_insert (chunk, joined);
      g_hash_table_add (spelled, token);
      g_ptr_array_add (tokens, token);
      g_array_append_val (ids, id);
    }
  {
    guint32 id = tokens->len;
    g_ptr_array_add (tokens, (gpointer) "<|endoftext|>");
    g_array_append_val (ids, id);
  }

  spec.kind = UTH_BPE_BYTE_LEVEL;
  spec.split = UTH_BPE_SPLIT_GPT2;
  spec.tokens = (const char *const *) tokens->pdata;
  spec.ids = (const guint32 *) ids->data;
  spec.n_tokens = tokens->len;
  spec.merge_left = (const char *const *) left->pdata;
  spec.merge_right = (const char *const *) right->pdata;
  spec.n_merges = left->len;
  spec.unk_id = UTH_BPE_NO_TOKEN;
  spec.classify = classify_unichar;
  bpe = uth_bpe_new (&spec, &code, &index);
  if (bpe == NULL)
    {
      /* The core names a merge, or a token (256 + the merge that makes it). */
      gsize merge = code == UTH_BPE_BAD_MERGE ? index
                    : code == UTH_BPE_BAD_TOKEN && index >= 256 ? index - 256 : G_MAXSIZE;

      if (merge < left->len)
        g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                     _("%s: line %u: “%s” + “%s” is not spelled in GPT-2’s byte-level alphabet"),
                     name, (guint) merge + 2, (char *) left->pdata[merge], (char *) right->pdata[merge]);
      else
        g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                     _("%s: the vocabulary is too large to load"), name);
      goto out;
    }
  self = g_new0 (UthTokenizer, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_path_get_basename (name);
  self->bpe = bpe;

out:
  g_string_chunk_free (chunk);
  return self;
}

UthTokenizer *
uth_tokenizer_get_gpt2 (void)
{
  static UthTokenizer *tokenizer;

  if (g_once_init_enter (&tokenizer))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_resources_lookup_data (UTH_TOKENIZER_GPT2_RESOURCE,
                                                         G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      UthTokenizer *loaded = NULL;

      if (bytes != NULL)
        loaded = uth_tokenizer_new_from_gpt2_merges (bytes, UTH_TOKENIZER_GPT2_NAME, &error);
      if (loaded == NULL)
        g_critical ("The bundled GPT-2 tokenizer is broken: %s", error->message);
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
uth_tokenizer_decode (UthTokenizer  *self,
                      const guint32 *ids,
                      gsize          n_ids,
                      gsize         *length)
{
  GString *s;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);
  s = g_string_new (NULL);
  for (gsize i = 0; i < n_ids; i++)
    {
      gsize len;
      const guint8 *bytes = uth_bpe_token_bytes (self->bpe, ids[i], &len);

      if (bytes != NULL)
        g_string_append_len (s, (const char *) bytes, (gssize) len);
    }
  if (length != NULL)
    *length = s->len;
  return g_string_free (s, FALSE);
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
