/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The safetensors layout: an unsigned 64-bit little-endian N, N bytes of JSON mapping each
 * tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the
 * byte after the header) plus an optional "__metadata__" of strings, then the data. */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "uth-catalog.h"
#include "uth-safe-json.h"
#include "uth-safetensors.h"

/* A header is at most a few megabytes for the largest models; json-glib needs several times
 * the text in memory, so the cap stays well below the format's own 100 MB. */
#define MAX_HEADER_BYTES (16u * 1024u * 1024u)

static const struct
{
  const char *id;
  guint       bits;
} dtypes[] = {
  { "F64", 64 }, { "F32", 32 }, { "F16", 16 }, { "BF16", 16 },
  { "I64", 64 }, { "I32", 32 }, { "I16", 16 }, { "I8", 8 },
  { "U64", 64 }, { "U32", 32 }, { "U16", 16 }, { "U8", 8 }, { "BOOL", 8 },
  { "F8_E4M3", 8 }, { "F8_E5M2", 8 }, { "F8_E8M0", 8 },
  { "F6_E2M3", 6 }, { "F6_E3M2", 6 }, { "F4", 4 },
};

/* Layer indices in tensor names beyond the core's limit are no layer count. */
#define MAX_LAYERS 4096

typedef struct
{
  guint64     begin, end;
  const char *tensor;
} Span;

/* By start, then by end: zero-size tensors may share an offset with their neighbour. */
static gint
span_compare (gconstpointer a,
              gconstpointer b)
{
  const Span *x = a, *y = b;

  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end ? 1 : 0;
}

/* The member names at the top level of a JSON object's text, counted: json-glib keeps only
 * the last of two equal names (and cuts a name at an escaped NUL, so "a\u0000b" and
 * "a\u0000c" collide), so fewer members than names means a tensor would be lost. *nul is
 * set when a name holds an escaped NUL. The text was parsed already: it is valid JSON. */
static guint64
count_top_level_names (const char *text,
                       gsize       length,
                       gboolean   *nul)
{
  guint64 names = 0;
  guint depth = 0;

  *nul = FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '"')
        {
          gsize start = ++i;
          gsize j;

          while (i < length && text[i] != '"')
            i += text[i] == '\\' ? 2 : 1;
          if (depth != 1)
            continue;
          /* A name is a string followed by ':'. */
          for (j = i + 1; j < length && g_ascii_isspace (text[j]); j++)
            ;
          if (j < length && text[j] == ':')
            {
              names++;
              for (gsize k = start; k + 6 <= i; k++)
                if (text[k] == '\\')
                  {
                    if (strncmp (text + k, "\\u0000", 6) == 0)
                      *nul = TRUE;
                    k++;
                  }
            }
        }
      else if (c == '{' || c == '[')
        depth++;
      else if (c == '}' || c == ']')
        depth--;
    }
  return names;
}

gboolean
uth_safetensors_detect (const guint8 *data,
                        gsize         length,
                        guint64       file_size)
{
  guint64 n;

  if (length < 9 || file_size < 9)
    return FALSE;
  memcpy (&n, data, 8);
  n = GUINT64_FROM_LE (n);
  return n >= 2 && n <= file_size - 8 && data[8] == '{';
}

/* "model.layers.12.mlp..." → 12; -1 when the name has no layer index. */
static gint64
layer_index (const char *name)
{
  static const char * const markers[] = { "layers.", ".h.", "blocks.", "blk." };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      const char *p = strstr (name, markers[i]);
      guint64 v = 0;
      guint digits = 0;

      if (p == NULL || (i == 1 && p == name))
        continue;
      p += strlen (markers[i]);
      while (g_ascii_isdigit (*p) && digits < 6)
        {
          v = v * 10 + (guint64) (*p - '0');
          p++;
          digits++;
        }
      if (digits > 0 && *p == '.')
        return (gint64) v;
    }
  return -1;
}

/* The token embedding tells vocabulary and hidden size: [vocab, hidden]. */
static gboolean
is_embedding (const char *name)
{
  return g_str_has_suffix (name, "embed_tokens.weight") || g_str_has_suffix (name, "wte.weight") ||
         g_str_equal (name, "token_embd.weight");
}

static gboolean
tensor_error (GError    **error,
              const char *file,
              const char *tensor,
              const char *why)
{
  g_autofree char *shown = g_utf8_make_valid (tensor, MIN (strlen (tensor), 200));

  g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
               _("%s: tensor '%s': %s"), file, shown, why);
  return FALSE;
}

/* One tensor entry: checks it and adds it to out; spans collects its data range. */
static gboolean
read_tensor (const char   *file,
             const char   *tensor,
             JsonNode     *node,
             guint64       data_len,
             UthModelFile *out,
             GArray       *spans,
             gint64       *max_layer,
             GError      **error)
{
  JsonObject *t;
  JsonNode *shape, *offsets;
  JsonArray *dims, *range;
  const char *dtype;
  guint bits = 0;
  guint64 numel = 1, bytes, first_dim = 0, last_dim = 0;
  Span span;
  gint64 layer;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return tensor_error (error, file, tensor, _("expected an object"));
  t = json_node_get_object (node);
  dtype = uth_safe_json_get_string (t, "dtype");
  for (guint i = 0; dtype != NULL && i < G_N_ELEMENTS (dtypes); i++)
    if (g_str_equal (dtype, dtypes[i].id))
      bits = dtypes[i].bits;
  if (bits == 0)
    return tensor_error (error, file, tensor, _("unknown or missing dtype"));

  shape = json_object_get_member (t, "shape");
  if (shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape) ||
      json_array_get_length (dims = json_node_get_array (shape)) > 8)
    return tensor_error (error, file, tensor, _("shape must be a list of at most 8 sizes"));
  for (guint i = 0; i < json_array_get_length (dims); i++)
    {
      JsonNode *d = json_array_get_element (dims, i);
      gint64 v;

      if (!JSON_NODE_HOLDS_VALUE (d) || json_node_get_value_type (d) != G_TYPE_INT64 ||
          (v = json_node_get_int (d)) < 0)
        return tensor_error (error, file, tensor, _("a size in its shape is not a whole number"));
      if (!g_uint64_checked_mul (&numel, numel, (guint64) v))
        return tensor_error (error, file, tensor, _("its shape overflows 64 bits"));
      if (i == 0)
        first_dim = (guint64) v;
      last_dim = (guint64) v;
    }
  if (!g_uint64_checked_mul (&bytes, numel, bits) || bytes % 8 != 0)
    return tensor_error (error, file, tensor, _("its size in bytes is not a whole number"));
  bytes /= 8;

  offsets = json_object_get_member (t, "data_offsets");
  if (offsets == NULL || !JSON_NODE_HOLDS_ARRAY (offsets) ||
      json_array_get_length (range = json_node_get_array (offsets)) != 2)
    return tensor_error (error, file, tensor, _("data_offsets must be [begin, end]"));
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *o = json_array_get_element (range, i);
      if (!JSON_NODE_HOLDS_VALUE (o) || json_node_get_value_type (o) != G_TYPE_INT64 ||
          json_node_get_int (o) < 0)
        return tensor_error (error, file, tensor, _("data_offsets must be whole numbers"));
    }
  span.tensor = tensor;
  span.begin = (guint64) json_array_get_int_element (range, 0);
  span.end = (guint64) json_array_get_int_element (range, 1);
  if (span.begin > span.end || span.end > data_len)
    return tensor_error (error, file, tensor, _("its data lies outside the file"));
  if (span.end - span.begin != bytes)
    return tensor_error (error, file, tensor, _("its data_offsets do not match its dtype and shape"));
  g_array_append_val (spans, span);

  if (!uth_model_file_add_tensors (out, dtype, 1, numel, bytes))
    return tensor_error (error, file, tensor, _("the totals overflow 64 bits"));
  if (g_str_has_suffix (tensor, ".qweight") && g_str_equal (dtype, "I32"))
    out->packed_int4_tensors++;
  layer = layer_index (tensor);
  *max_layer = MAX (*max_layer, layer);
  if (is_embedding (tensor) && json_array_get_length (dims) == 2 && first_dim <= G_MAXUINT32 &&
      last_dim <= G_MAXUINT32)
    {
      out->vocab_size = first_dim;
      out->hidden_size = last_dim;
    }
  return TRUE;
}

/* "__metadata__" maps names to strings, nothing else. */
static gboolean
read_metadata (const char  *file,
               JsonNode    *node,
               GError     **error)
{
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: __metadata__ must be an object of strings"), file);
      return FALSE;
    }
  members = json_object_get_members (json_node_get_object (node));
  for (GList *l = members; l != NULL; l = l->next)
    if (uth_safe_json_get_string (json_node_get_object (node), l->data) == NULL)
      {
        g_autofree char *shown = g_utf8_make_valid (l->data, MIN (strlen (l->data), 200));

        g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                     _("%s: __metadata__ '%s' is not a string"), file, shown);
        return FALSE;
      }
  return TRUE;
}

gboolean
uth_safetensors_read_header (const guint8  *data,
                             gsize          length,
                             guint64        file_size,
                             UthModelFile  *out,
                             GError       **error)
{
  g_autoptr(GBytes) header = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) spans = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *obj;
  guint64 n, data_len, end = 0;
  gint64 max_layer = -1;
  gboolean nul = FALSE;

  g_return_val_if_fail (out != NULL, FALSE);

  if (length < 8 || file_size < 8)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: too short for a safetensors file (%" PRIu64 " bytes)"),
                   out->name, file_size);
      return FALSE;
    }
  memcpy (&n, data, 8);
  n = GUINT64_FROM_LE (n);
  if (n > MAX_HEADER_BYTES)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: header of %" PRIu64 " bytes is over the limit of %u MiB"),
                   out->name, n, MAX_HEADER_BYTES / (1024 * 1024));
      return FALSE;
    }
  if (n > file_size - 8 || n > length - 8)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: truncated: the header claims %" PRIu64 " bytes but the file "
                     "has %" PRIu64 " after the length"), out->name, n, file_size - 8);
      return FALSE;
    }
  data_len = file_size - 8 - n;

  header = g_bytes_new (data + 8, (gsize) n);
  root = uth_safe_json_parse (header, out->name, MAX_HEADER_BYTES, 8, error);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: the header is not a JSON object"), out->name);
      return FALSE;
    }
  obj = json_node_get_object (root);
  if (json_object_get_size (obj) > UTH_MODEL_FILE_MAX_TENSORS)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: more than %u tensors"), out->name, UTH_MODEL_FILE_MAX_TENSORS);
      return FALSE;
    }

  /* Like the reference reader: every name once, none with a NUL. */
  if (count_top_level_names ((const char *) data + 8, (gsize) n, &nul) != json_object_get_size (obj) ||
      nul)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   nul ? _("%s: a tensor name holds a NUL character")
                       : _("%s: a tensor name appears twice in the header"), out->name);
      return FALSE;
    }

  spans = g_array_new (FALSE, FALSE, sizeof (Span));
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *tensor = l->data;

      if (g_str_equal (tensor, "__metadata__"))
        {
          if (!read_metadata (out->name, json_object_get_member (obj, tensor), error))
            return FALSE;
          continue;
        }
      if (!read_tensor (out->name, tensor, json_object_get_member (obj, tensor), data_len, out,
                        spans, &max_layer, error))
        return FALSE;
    }

  /* The data holds the tensors back to back, from its first byte to the file's last: no
   * byte shared, none unused (zero-size tensors may share an offset). */
  g_array_sort (spans, span_compare);
  for (guint i = 0; i < spans->len; i++)
    {
      const Span *span = &g_array_index (spans, Span, i);

      if (span->begin < end)
        return tensor_error (error, out->name, span->tensor,
                             _("its data overlaps another tensor's"));
      if (span->begin > end)
        return tensor_error (error, out->name, span->tensor,
                             _("its data starts after a gap of unused bytes"));
      end = span->end;
    }
  if (end != data_len)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: %" PRIu64 " bytes after the last tensor's data belong to no tensor"),
                   out->name, data_len - end);
      return FALSE;
    }
  if (max_layer >= MAX_LAYERS)
    uth_model_file_add_note (out, _("Tensor names number layers up to %" PRIu64 ", more than "
                                    "the %u this app reads: the layer count is left out."),
                             (guint64) max_layer, MAX_LAYERS);
  else if (max_layer >= 0)
    out->layers = MAX (out->layers, (guint64) max_layer + 1);
  return TRUE;
}

gboolean
uth_safetensors_read_stream (GInputStream  *stream,
                             guint64        size,
                             UthModelFile  *out,
                             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *buffer = NULL;
  guint8 head[8];
  gsize got = 0;
  guint64 n;

  if (!g_input_stream_read_all (stream, head, 8, &got, NULL, &local_error) || got < 8)
    return uth_safetensors_read_header (head, got, got, out, error);
  memcpy (&n, head, 8);
  n = GUINT64_FROM_LE (n);
  /* Checked before anything is allocated for it. */
  if (n > MAX_HEADER_BYTES || size < 8 || n > size - 8)
    return uth_safetensors_read_header (head, 8, MAX (size, 8), out, error);

  buffer = g_malloc ((gsize) n + 8);
  memcpy (buffer, head, 8);
  if (!g_input_stream_read_all (stream, buffer + 8, (gsize) n, &got, NULL, &local_error))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO, _("%s: cannot be read: %s"),
                   out->name, local_error->message);
      return FALSE;
    }
  /* A file that shrank while we read is as truncated as one that was. */
  return uth_safetensors_read_header (buffer, got + 8, MIN (size, got + 8 + (size - 8 - n)), out,
                                      error);
}

gboolean
uth_safetensors_read_file (GFile         *file,
                           UthModelFile  *out,
                           GError       **error)
{
  guint64 size = 0;
  g_autoptr(GInputStream) stream = uth_model_file_open (file, out->name, &size, error);

  if (stream == NULL)
    return FALSE;
  return uth_safetensors_read_stream (stream, size, out, error);
}

gboolean
uth_safetensors_index_detect (JsonObject *root)
{
  JsonNode *map = root != NULL ? json_object_get_member (root, "weight_map") : NULL;

  return map != NULL && JSON_NODE_HOLDS_OBJECT (map);
}

/* A shard is named by a plain file name next to the index, never a path. */
static gboolean
valid_shard_name (const char *s)
{
  return s[0] != '\0' && s[0] != '.' && strchr (s, '/') == NULL && strchr (s, '\\') == NULL &&
         strlen (s) <= 255;
}

gboolean
uth_safetensors_index_read (JsonObject    *root,
                            GFile         *dir,
                            UthModelFile  *out,
                            GError       **error)
{
  JsonObject *map = json_node_get_object (json_object_get_member (root, "weight_map"));
  JsonNode *meta = json_object_get_member (root, "metadata");
  g_autoptr(GList) members = json_object_get_members (map);
  g_autoptr(GPtrArray) shards = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint64 total_size = 0, listed = json_object_get_size (map);

  if (meta != NULL && JSON_NODE_HOLDS_OBJECT (meta) &&
      !uth_safe_json_get_uint (json_node_get_object (meta), out->name, "total_size",
                               G_GUINT64_CONSTANT (1) << 60, &total_size, NULL, error))
    return FALSE;

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *shard = uth_safe_json_get_string (map, l->data);

      if (shard == NULL || !valid_shard_name (shard))
        return tensor_error (error, out->name, l->data,
                             _("its shard must be a plain file name next to the index"));
      if (g_hash_table_add (seen, (gpointer) shard))
        g_ptr_array_add (shards, (gpointer) shard);
      if (shards->len > UTH_MODEL_FILE_MAX_SHARDS)
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                       _("%s: more than %u shards"), out->name, UTH_MODEL_FILE_MAX_SHARDS);
          return FALSE;
        }
    }
  out->shards = shards->len;

  for (guint i = 0; dir != NULL && i < shards->len; i++)
    {
      g_autoptr(GFile) file = g_file_get_child (dir, g_ptr_array_index (shards, i));
      g_autoptr(UthModelFile) shard = NULL;
      g_autofree char *shown = NULL;

      if (!g_file_query_exists (file, NULL))
        continue;
      shown = g_file_get_parse_name (file);
      /* Named with its folder: "shard.safetensors" alone does not say which model. */
      shard = uth_model_file_new (UTH_MODEL_FILE_SAFETENSORS, shown);
      if (!uth_safetensors_read_file (file, shard, error))
        return FALSE;
      for (guint j = 0; j < shard->dtypes->len; j++)
        {
          UthDtypeShare *s = &g_array_index (shard->dtypes, UthDtypeShare, j);
          if (!uth_model_file_add_tensors (out, s->dtype, s->tensors, s->params, s->bytes))
            return tensor_error (error, out->name, "*", _("the totals overflow 64 bits"));
        }
      out->layers = MAX (out->layers, shard->layers);
      if (shard->vocab_size > 0)
        {
          out->vocab_size = shard->vocab_size;
          out->hidden_size = shard->hidden_size;
        }
      out->shards_read++;
    }

  if (out->shards_read < out->shards)
    {
      /* Without every shard the exact count is unknown: keep only what the index states. */
      g_array_set_size (out->dtypes, 0);
      out->params = 0;
      out->layers = 0;
      out->vocab_size = out->hidden_size = 0;
      out->tensors = listed;
      out->weight_bytes = total_size;
      uth_model_file_add_note (out, _("%" PRIu64 " of %" PRIu64 " shards are "
                                      "not next to the index: the parameter count needs them all."),
                               out->shards - out->shards_read, out->shards);
    }
  else if (out->tensors != listed)
    uth_model_file_add_note (out, _("The index lists %" PRIu64 " tensors but the shards "
                                    "hold %" PRIu64 "."), listed, out->tensors);
  return TRUE;
}
