/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "core/uth-bpe.h"

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

/* ---------------------------------------------------------------------------------------- */
/* The vocabulary and merges without a tree                                                 */

typedef struct
{
  const char *text;
  gsize       length;
  gsize       pos;
} Scan;

static void
skip_space (Scan *s)
{
  while (s->pos < s->length && (s->text[s->pos] == ' ' || s->text[s->pos] == '\t' ||
                                s->text[s->pos] == '\n' || s->text[s->pos] == '\r'))
    s->pos++;
}

static gboolean
expect (Scan *s,
        char  c)
{
  skip_space (s);
  if (s->pos >= s->length || s->text[s->pos] != c)
    return FALSE;
  s->pos++;
  return TRUE;
}

static gboolean
hex4 (Scan    *s,
      guint32 *out)
{
  guint32 v = 0;

  if (s->length - s->pos < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (s->text[s->pos + i]);
      if (d < 0)
        return FALSE;
      v = v * 16 + (guint32) d;
    }
  s->pos += 4;
  *out = v;
  return TRUE;
}

/* A JSON string at s->pos, decoded into buf (RFC 8259: no raw control characters, escapes
 * only those it lists, surrogates in pairs). NUL is refused: it would cut a C string. */
static gboolean
read_string (Scan    *s,
             GString *buf)
{
  g_string_truncate (buf, 0);
  if (!expect (s, '"'))
    return FALSE;
  while (s->pos < s->length)
    {
      guchar c = (guchar) s->text[s->pos++];

      if (c == '"')
        return TRUE;
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        {
          g_string_append_c (buf, (char) c);
          continue;
        }
      if (s->pos >= s->length)
        return FALSE;
      c = (guchar) s->text[s->pos++];
      switch (c)
        {
        case '"': case '\\': case '/': g_string_append_c (buf, (char) c); break;
        case 'b': g_string_append_c (buf, '\b'); break;
        case 'f': g_string_append_c (buf, '\f'); break;
        case 'n': g_string_append_c (buf, '\n'); break;
        case 'r': g_string_append_c (buf, '\r'); break;
        case 't': g_string_append_c (buf, '\t'); break;
        case 'u':
          {
            guint32 u, low;

            if (!hex4 (s, &u) || u == 0 || (u >= 0xDC00 && u <= 0xDFFF))
              return FALSE;
            if (u >= 0xD800 && u <= 0xDBFF)
              {
                if (s->length - s->pos < 2 || s->text[s->pos] != '\\' || s->text[s->pos + 1] != 'u')
                  return FALSE;
                s->pos += 2;
                if (!hex4 (s, &low) || low < 0xDC00 || low > 0xDFFF)
                  return FALSE;
                u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
              }
            g_string_append_unichar (buf, u);
            break;
          }
        default:
          return FALSE;
        }
    }
  return FALSE;
}

/* Skips one value of valid JSON (strings may hold brackets). */
static gboolean
skip_value (Scan *s)
{
  guint depth = 0;

  skip_space (s);
  do
    {
      if (s->pos >= s->length)
        return FALSE;
      switch (s->text[s->pos])
        {
        case '"':
          s->pos++;
          while (s->pos < s->length && s->text[s->pos] != '"')
            s->pos += s->text[s->pos] == '\\' ? 2 : 1;
          if (s->pos >= s->length)
            return FALSE;
          s->pos++;
          break;
        case '{': case '[':
          depth++;
          s->pos++;
          break;
        case '}': case ']':
          if (depth == 0)
            return FALSE;
          depth--;
          s->pos++;
          break;
        default:
          if (depth == 0)
            {
              /* A number or a literal: up to the next delimiter. */
              gsize start = s->pos;
              while (s->pos < s->length && strchr (",}] \t\r\n", s->text[s->pos]) == NULL)
                s->pos++;
              return s->pos > start;
            }
          s->pos++;
        }
    }
  while (depth > 0);
  return TRUE;
}

/* {"token": id, ...}: ids are plain whole numbers below the core's limit. */
static gboolean
read_vocab_object (Scan              *s,
                   UthTokenizerLists *lists)
{
  g_autoptr(GString) token = g_string_new (NULL);

  if (!expect (s, '{'))
    return FALSE;
  skip_space (s);
  if (s->pos < s->length && s->text[s->pos] == '}')
    {
      s->pos++;
      return TRUE;
    }
  do
    {
      guint64 id = 0;
      gsize digits = 0;

      if (!read_string (s, token) || memchr (token->str, '\0', token->len) != NULL ||
          !expect (s, ':'))
        return FALSE;
      skip_space (s);
      while (s->pos < s->length && g_ascii_isdigit (s->text[s->pos]) && digits < 10)
        {
          id = id * 10 + (guint64) (s->text[s->pos++] - '0');
          digits++;
        }
      if (digits == 0 || (digits > 1 && s->text[s->pos - digits] == '0') ||
          id >= UTH_BPE_MAX_VOCAB || lists->tokens->len >= UTH_BPE_MAX_VOCAB ||
          (s->pos < s->length && strchr (",} \t\r\n", s->text[s->pos]) == NULL))
        return FALSE;
      g_ptr_array_add (lists->tokens, g_string_chunk_insert_len (lists->chunk, token->str,
                                                                 (gssize) token->len));
      g_array_append_val (lists->ids, (guint32) { (guint32) id });
    }
  while (expect (s, ','));
  return expect (s, '}');
}

/* ["a b", ...] or [["a", "b"], ...]. */
static gboolean
read_merge_list (Scan              *s,
                 UthTokenizerLists *lists)
{
  g_autoptr(GString) a = g_string_new (NULL);
  g_autoptr(GString) b = g_string_new (NULL);

  if (!expect (s, '['))
    return FALSE;
  skip_space (s);
  if (s->pos < s->length && s->text[s->pos] == ']')
    {
      s->pos++;
      return TRUE;
    }
  do
    {
      skip_space (s);
      if (s->pos < s->length && s->text[s->pos] == '[')
        {
          s->pos++;
          if (!read_string (s, a) || !expect (s, ',') || !read_string (s, b) || !expect (s, ']'))
            return FALSE;
        }
      else
        {
          const char *space;

          if (!read_string (s, a))
            return FALSE;
          /* The same rule as the loader's: two tokens separated by one space. */
          space = strchr (a->str, ' ');
          if (space == NULL || space == a->str || space[1] == '\0' ||
              strchr (space + 1, ' ') != NULL)
            return FALSE;
          g_string_assign (b, space + 1);
          g_string_truncate (a, (gsize) (space - a->str));
        }
      if (memchr (a->str, '\0', a->len) != NULL || memchr (b->str, '\0', b->len) != NULL)
        return FALSE;
      g_ptr_array_add (lists->left, g_string_chunk_insert_len (lists->chunk, a->str, (gssize) a->len));
      g_ptr_array_add (lists->right, g_string_chunk_insert_len (lists->chunk, b->str, (gssize) b->len));
    }
  while (expect (s, ','));
  return expect (s, ']');
}

void
uth_tokenizer_lists_clear (UthTokenizerLists *lists)
{
  g_clear_pointer (&lists->tokens, g_ptr_array_unref);
  g_clear_pointer (&lists->ids, g_array_unref);
  g_clear_pointer (&lists->left, g_ptr_array_unref);
  g_clear_pointer (&lists->right, g_ptr_array_unref);
  g_clear_pointer (&lists->chunk, g_string_chunk_free);
  lists->has_vocab = lists->has_merges = FALSE;
}

GBytes *
uth_tokenizer_json_split (GBytes            *bytes,
                          UthTokenizerLists *lists)
{
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GString) rest = NULL;
  Scan s = { NULL, 0, 0 };
  gsize vocab[2] = { 0, 0 }, merges[2] = { 0, 0 };
  gboolean found = FALSE;

  memset (lists, 0, sizeof *lists);
  lists->chunk = g_string_chunk_new (64 * 1024);
  lists->tokens = g_ptr_array_new ();
  lists->ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  lists->left = g_ptr_array_new ();
  lists->right = g_ptr_array_new ();

  s.text = g_bytes_get_data (bytes, &s.length);
  if (s.text == NULL || !g_utf8_validate_len (s.text, s.length, NULL))
    goto not_split;
  if (s.length >= 3 && memcmp (s.text, "\xEF\xBB\xBF", 3) == 0)
    s.pos = 3;
  /* The top-level object: only "model" is looked into. */
  if (!expect (&s, '{'))
    goto not_split;
  do
    {
      if (!read_string (&s, key) || !expect (&s, ':'))
        goto not_split;
      skip_space (&s);
      if (g_str_equal (key->str, "model") && !found && s.pos < s.length && s.text[s.pos] == '{')
        {
          found = TRUE;
          s.pos++;
          skip_space (&s);
          if (s.pos < s.length && s.text[s.pos] == '}')
            s.pos++;
          else
            {
              do
                {
                  gsize start;

                  if (!read_string (&s, key) || !expect (&s, ':'))
                    goto not_split;
                  skip_space (&s);
                  start = s.pos;
                  if (g_str_equal (key->str, "vocab") && !lists->has_vocab &&
                      s.pos < s.length && s.text[s.pos] == '{')
                    {
                      if (!read_vocab_object (&s, lists))
                        goto not_split;
                      lists->has_vocab = TRUE;
                      vocab[0] = start;
                      vocab[1] = s.pos;
                    }
                  else if (g_str_equal (key->str, "merges") && !lists->has_merges &&
                           s.pos < s.length && s.text[s.pos] == '[')
                    {
                      if (!read_merge_list (&s, lists))
                        goto not_split;
                      lists->has_merges = TRUE;
                      merges[0] = start;
                      merges[1] = s.pos;
                    }
                  else if (!skip_value (&s))
                    goto not_split;
                }
              while (expect (&s, ','));
              if (!expect (&s, '}'))
                goto not_split;
            }
        }
      else if (!skip_value (&s))
        goto not_split;
    }
  while (expect (&s, ','));
  if (!expect (&s, '}') || (!lists->has_vocab && !lists->has_merges))
    goto not_split;

  /* The rest, in order, with the two values emptied (an absent one is an empty range). */
  {
    struct { gsize at, end; const char *empty; } cut[2] = {
      { vocab[0], vocab[1], lists->has_vocab ? "{}" : "" },
      { merges[0], merges[1], lists->has_merges ? "[]" : "" },
    };
    gsize done = 0;

    if (!lists->has_vocab || (lists->has_merges && merges[0] < vocab[0]))
      {
        cut[0].at = merges[0], cut[0].end = merges[1], cut[0].empty = "[]";
        cut[1].at = vocab[0], cut[1].end = vocab[1], cut[1].empty = lists->has_vocab ? "{}" : "";
        if (!lists->has_vocab)
          cut[1].at = cut[1].end = merges[1];
      }
    else if (!lists->has_merges)
      cut[1].at = cut[1].end = vocab[1];
    rest = g_string_sized_new (s.length);
    for (guint i = 0; i < 2; i++)
      {
        g_string_append_len (rest, s.text + done, (gssize) (cut[i].at - done));
        g_string_append (rest, cut[i].empty);
        done = cut[i].end;
      }
    g_string_append_len (rest, s.text + done, (gssize) (s.length - done));
  }
  return g_string_free_to_bytes (g_steal_pointer (&rest));

not_split:
  uth_tokenizer_lists_clear (lists);
  return NULL;
}

gboolean
uth_tokenizer_json_read_lists (JsonObject         *root,
                               UthTokenizerLists  *lists,
                               UthModelFile       *out,
                               GError            **error)
{
  JsonObject *model = model_of (root);
  JsonNode *added = json_object_get_member (root, "added_tokens");
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  const char *type;
  guint64 extra = 0;

  if (!lists->has_vocab)
    {
      /* Only the merges were split off: the vocabulary is in the tree. */
      if (!uth_tokenizer_json_read (root, out, error))
        return FALSE;
      out->merges = lists->left->len;
      return TRUE;
    }
  if (model == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: not a tokenizer.json: no \"model\" object"), out->name);
      return FALSE;
    }
  type = uth_safe_json_get_string (model, "type");
  if (type == NULL)
    type = lists->has_merges ? "BPE" : NULL;

  /* Added tokens not in the vocabulary: the few added ones looked up in one pass. */
  out->added_tokens = 0;
  if (added != NULL && JSON_NODE_HOLDS_ARRAY (added))
    {
      JsonArray *list = json_node_get_array (added);

      out->added_tokens = json_array_get_length (list);
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *t = json_array_get_element (list, i);
          const char *content = JSON_NODE_HOLDS_OBJECT (t)
            ? uth_safe_json_get_string (json_node_get_object (t), "content") : NULL;
          if (content != NULL)
            {
              extra++;
              g_hash_table_insert (wanted, (gpointer) content,
                                   GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (wanted, content)) + 1));
            }
        }
      /* Each added token whose content the vocabulary has is no extra one. */
      for (guint i = 0; i < lists->tokens->len && g_hash_table_size (wanted) > 0; i++)
        {
          gpointer n = g_hash_table_lookup (wanted, g_ptr_array_index (lists->tokens, i));
          if (n != NULL)
            {
              extra -= GPOINTER_TO_UINT (n);
              g_hash_table_remove (wanted, g_ptr_array_index (lists->tokens, i));
            }
        }
    }
  out->vocab_size = lists->tokens->len + extra;
  out->merges = lists->left->len;
  g_free (out->tokenizer_model);
  out->tokenizer_model = g_strdup (type);
  g_free (out->architecture);
  out->architecture = NULL;
  return TRUE;
}
