/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uth-catalog.h"
#include "uth-gguf.h"
#include "uth-hf-config.h"
#include "uth-model-file.h"
#include "uth-safe-json.h"
#include "uth-safetensors.h"
#include "uth-tokenizer-json.h"

static void
share_clear (gpointer data)
{
  g_free (((UthDtypeShare *) data)->dtype);
}

UthModelFile *
uth_model_file_new (UthModelFileFormat  format,
                    const char         *name)
{
  UthModelFile *self = g_new0 (UthModelFile, 1);

  self->format = format;
  self->name = g_strdup (name);
  self->dtypes = g_array_new (FALSE, TRUE, sizeof (UthDtypeShare));
  g_array_set_clear_func (self->dtypes, share_clear);
  self->notes = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
uth_model_file_free (UthModelFile *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->architecture);
  g_free (self->title);
  g_free (self->dtype);
  g_free (self->tokenizer_model);
  g_array_unref (self->dtypes);
  g_ptr_array_unref (self->notes);
  g_free (self);
}

const char *
uth_model_file_format_id (UthModelFileFormat format)
{
  switch (format)
    {
    case UTH_MODEL_FILE_HF_CONFIG:         return "hf-config";
    case UTH_MODEL_FILE_TOKENIZER:         return "tokenizer";
    case UTH_MODEL_FILE_SAFETENSORS:       return "safetensors";
    case UTH_MODEL_FILE_SAFETENSORS_INDEX: return "safetensors-index";
    case UTH_MODEL_FILE_GGUF:              return "gguf";
    default:                               return "unknown";
    }
}

gboolean
uth_model_file_add_tensors (UthModelFile *self,
                            const char   *dtype,
                            guint64       tensors,
                            guint64       params,
                            guint64       bytes)
{
  UthDtypeShare *share = NULL;

  for (guint i = 0; i < self->dtypes->len && share == NULL; i++)
    if (g_str_equal (g_array_index (self->dtypes, UthDtypeShare, i).dtype, dtype))
      share = &g_array_index (self->dtypes, UthDtypeShare, i);
  if (share == NULL)
    {
      UthDtypeShare fresh = { g_strdup (dtype), 0, 0, 0 };
      g_array_append_val (self->dtypes, fresh);
      share = &g_array_index (self->dtypes, UthDtypeShare, self->dtypes->len - 1);
    }
  return g_uint64_checked_add (&share->tensors, share->tensors, tensors) &&
         g_uint64_checked_add (&share->params, share->params, params) &&
         g_uint64_checked_add (&share->bytes, share->bytes, bytes) &&
         g_uint64_checked_add (&self->tensors, self->tensors, tensors) &&
         g_uint64_checked_add (&self->params, self->params, params) &&
         g_uint64_checked_add (&self->weight_bytes, self->weight_bytes, bytes);
}

static gint
share_compare (gconstpointer a,
               gconstpointer b)
{
  const UthDtypeShare *x = a, *y = b;

  if (x->bytes != y->bytes)
    return x->bytes > y->bytes ? -1 : 1;
  return strcmp (x->dtype, y->dtype);
}

/* A format's name of a tensor type (GGUF's or safetensors') as the scenario's type. */
static gboolean
scenario_dtype (const char *name,
                UthDtype   *out)
{
  static const struct { const char *name; UthDtype dtype; } map[] = {
    { "F32", UTH_DTYPE_FP32 },     { "F16", UTH_DTYPE_FP16 },     { "BF16", UTH_DTYPE_BF16 },
    { "F8_E4M3", UTH_DTYPE_FP8 },  { "F8_E5M2", UTH_DTYPE_FP8 },  { "I8", UTH_DTYPE_INT8 },
    { "Q8_0", UTH_DTYPE_Q8_0 },    { "Q4_0", UTH_DTYPE_Q4_0 },
    /* Q4_K_M files hold most bytes in Q4_K and some tensors in Q6_K. */
    { "Q4_K", UTH_DTYPE_Q4_K_M },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (name, map[i].name))
      {
        *out = map[i].dtype;
        return TRUE;
      }
  return FALSE;
}

void
uth_model_file_finish (UthModelFile *self)
{
  if (self->dtypes->len == 0)
    return;
  g_array_sort (self->dtypes, share_compare);
  g_free (self->dtype);
  self->dtype = g_strdup (g_array_index (self->dtypes, UthDtypeShare, 0).dtype);
  if (self->packed_int4_tensors > 0)
    {
      /* The I32 words pack eight codes each: the parameters the shapes count are an
       * eighth of the real ones, so the bits per weight are known only beside a config's
       * architecture (a model folder). */
      self->has_weights_dtype = TRUE;
      self->weights_dtype = UTH_DTYPE_INT4_G128;
      self->bits_per_weight = self->has_spec && self->params > 0 ?
                              8.0 * (double) self->weight_bytes / (double) self->params : 0.0;
      return;
    }
  self->has_weights_dtype = scenario_dtype (self->dtype, &self->weights_dtype);
  self->bits_per_weight = self->params > 0 ? 8.0 * (double) self->weight_bytes / (double) self->params
                                           : 0.0;
}

void
uth_model_file_add_note (UthModelFile *self,
                         const char   *format,
                         ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->notes, g_strdup_vprintf (format, args));
  va_end (args);
}

/* ---------------------------------------------------------------------------------------- */
/* Detection                                                                                */

static gboolean
looks_like_json (const guint8 *data,
                 gsize         length)
{
  gsize i = 0;

  if (length >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
    i = 3;
  while (i < length && g_ascii_isspace (data[i]))
    i++;
  return i < length && data[i] == '{';
}

static UthModelFile *
not_a_model_file (const char  *name,
                  GError     **error)
{
  g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
               _("%s: not a file this app reads (a config.json, tokenizer.json, .safetensors, "
                 "model.safetensors.index.json or .gguf)"), name);
  return NULL;
}

/* A JSON file: config.json, tokenizer.json or a safetensors index. dir holds the shards. */
static UthModelFile *
inspect_json (GBytes      *bytes,
              const char  *name,
              GFile       *dir,
              GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(UthModelFile) out = NULL;
  g_autoptr(GBytes) rest = NULL;
  UthTokenizerLists lists;
  JsonObject *obj;
  gboolean ok;

  /* A tokenizer.json's vocabulary and merges are counted without a json-glib tree (a
   * million merges would cost over half a gigabyte); the rest is parsed as usual. */
  rest = uth_tokenizer_json_split (bytes, &lists);
  if (rest != NULL)
    {
      root = uth_safe_json_parse (rest, name, UTH_MODEL_FILE_MAX_JSON_BYTES, UTH_JSON_MAX_DEPTH,
                                  error);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
          uth_tokenizer_json_detect (json_node_get_object (root)))
        {
          out = uth_model_file_new (UTH_MODEL_FILE_TOKENIZER, name);
          ok = uth_tokenizer_json_read_lists (json_node_get_object (root), &lists, out, error);
          uth_tokenizer_lists_clear (&lists);
          if (!ok)
            return NULL;
          uth_model_file_finish (out);
          return g_steal_pointer (&out);
        }
      uth_tokenizer_lists_clear (&lists);
      g_clear_pointer (&root, json_node_unref);
      g_clear_error (error);
    }

  root = uth_safe_json_parse (bytes, name, UTH_MODEL_FILE_MAX_JSON_BYTES, UTH_JSON_MAX_DEPTH,
                              error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return not_a_model_file (name, error);
  obj = json_node_get_object (root);

  if (uth_safetensors_index_detect (obj))
    {
      out = uth_model_file_new (UTH_MODEL_FILE_SAFETENSORS_INDEX, name);
      ok = uth_safetensors_index_read (obj, dir, out, error);
    }
  else if (uth_tokenizer_json_detect (obj))
    {
      out = uth_model_file_new (UTH_MODEL_FILE_TOKENIZER, name);
      ok = uth_tokenizer_json_read (obj, out, error);
    }
  else if (uth_hf_config_detect (obj))
    {
      out = uth_model_file_new (UTH_MODEL_FILE_HF_CONFIG, name);
      ok = uth_hf_config_read (obj, out, error);
    }
  else
    return not_a_model_file (name, error);

  if (!ok)
    return NULL;
  uth_model_file_finish (out);
  return g_steal_pointer (&out);
}

UthModelFile *
uth_model_file_inspect_bytes (GBytes      *bytes,
                              const char  *name,
                              GError     **error)
{
  g_autoptr(UthModelFile) out = NULL;
  const guint8 *data;
  gsize length;

  g_return_val_if_fail (bytes != NULL && name != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  if (uth_gguf_detect (data, length))
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);

      out = uth_model_file_new (UTH_MODEL_FILE_GGUF, name);
      if (!uth_gguf_read_stream (stream, length, out, error))
        return NULL;
    }
  else if (uth_safetensors_detect (data, length, length))
    {
      out = uth_model_file_new (UTH_MODEL_FILE_SAFETENSORS, name);
      if (!uth_safetensors_read_header (data, length, length, out, error))
        return NULL;
    }
  else if (looks_like_json (data, length))
    return inspect_json (bytes, name, NULL, error);
  else
    return not_a_model_file (name, error);

  uth_model_file_finish (out);
  return g_steal_pointer (&out);
}

/* ---------------------------------------------------------------------------------------- */
/* Opening files                                                                            */

/* Why a file that is not a regular file is refused, as one sentence naming it; NULL. */
static gpointer
not_regular (const char  *name,
             mode_t       mode,
             GError     **error)
{
  GQuark q = UTH_CATALOG_ERROR;
  int code = UTH_CATALOG_ERROR_IO;

  if (S_ISFIFO (mode))
    g_set_error (error, q, code, _("%s: is a FIFO, not a regular file"), name);
  else if (S_ISSOCK (mode))
    g_set_error (error, q, code, _("%s: is a socket, not a regular file"), name);
  else if (S_ISCHR (mode))
    g_set_error (error, q, code, _("%s: is a character device, not a regular file"), name);
  else if (S_ISBLK (mode))
    g_set_error (error, q, code, _("%s: is a block device, not a regular file"), name);
  else if (S_ISDIR (mode))
    g_set_error (error, q, code, _("%s: is a folder, not a regular file"), name);
  else
    g_set_error (error, q, code, _("%s: is not a regular file"), name);
  return NULL;
}

/* "NAME: cannot be read: WHY"; NULL. */
static gpointer
io_error (const char  *name,
          const char  *why,
          GError     **error)
{
  g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO, _("%s: cannot be read: %s"),
               name, why);
  return NULL;
}

GInputStream *
uth_model_file_open (GFile       *file,
                     const char  *name,
                     guint64     *size,
                     GError     **error)
{
  g_autofree char *path = g_file_get_path (file);
  GStatBuf st;
  int fd, flags;

  if (path == NULL)
    {
      /* Not a local file (a GVfs location): ask GIO for the type, then read it. */
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                                     G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                                     G_FILE_QUERY_INFO_NONE, NULL, &local_error);
      GFileInputStream *stream;

      if (info == NULL)
        return io_error (name, local_error->message, error);
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: is not a regular file"), name);
          return NULL;
        }
      stream = g_file_read (file, NULL, &local_error);
      if (stream == NULL)
        return io_error (name, local_error->message, error);
      *size = (guint64) MAX (g_file_info_get_size (info), 0);
      return G_INPUT_STREAM (stream);
    }

  /* The type first, so that a FIFO is refused without opening it (opening one waits for a
   * writer); then one non-blocking open, checked again in case the file changed between. */
  if (g_stat (path, &st) != 0)
    return io_error (name, g_strerror (errno), error);
  if (!S_ISREG (st.st_mode))
    return not_regular (name, st.st_mode, error);
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    return io_error (name, g_strerror (errno), error);
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;

      close (fd);
      return io_error (name, g_strerror (saved), error);
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      return not_regular (name, st.st_mode, error);
    }
  flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
  *size = (guint64) MAX (st.st_size, 0);
  return g_unix_input_stream_new (fd, TRUE);
}

GBytes *
uth_model_file_read_bounded (GInputStream  *stream,
                             const char    *name,
                             gsize          max_bytes,
                             GError       **error)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  g_autoptr(GError) local_error = NULL;
  guint8 chunk[64 * 1024];

  for (;;)
    {
      gssize n = g_input_stream_read (stream, chunk, sizeof chunk, NULL, &local_error);

      if (n < 0)
        return io_error (name, local_error->message, error);
      if (n == 0)
        break;
      if ((gsize) n > max_bytes - MIN (max_bytes, buffer->len))
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: larger than the limit of %u MiB"), name,
                       (guint) (max_bytes / (1024 * 1024)));
          return NULL;
        }
      g_byte_array_append (buffer, chunk, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

/* Detects the format from the first bytes of an open file (peeked, not consumed) and reads
 * it from the same stream: the file is opened once. dir holds a sharded index's shards. */
static UthModelFile *
inspect_stream (GInputStream  *stream,
                guint64        size,
                const char    *name,
                GFile         *dir,
                GError       **error)
{
  g_autoptr(GInputStream) buffered = g_buffered_input_stream_new_sized (stream, 256 * 1024);
  GBufferedInputStream *b = G_BUFFERED_INPUT_STREAM (buffered);
  g_autoptr(UthModelFile) out = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *head;
  gsize got;

  while ((got = g_buffered_input_stream_get_available (b)) < 4096)
    {
      gssize n = g_buffered_input_stream_fill (b, (gssize) (4096 - got), NULL, &local_error);

      if (n < 0)
        return io_error (name, local_error->message, error);
      if (n == 0)
        break;
    }
  head = g_buffered_input_stream_peek_buffer (b, &got);

  if (uth_gguf_detect (head, got))
    {
      out = uth_model_file_new (UTH_MODEL_FILE_GGUF, name);
      if (!uth_gguf_read_stream (buffered, size, out, error))
        return NULL;
    }
  else if (uth_safetensors_detect (head, got, size))
    {
      out = uth_model_file_new (UTH_MODEL_FILE_SAFETENSORS, name);
      if (!uth_safetensors_read_stream (buffered, size, out, error))
        return NULL;
    }
  else if (looks_like_json (head, got))
    {
      g_autoptr(GBytes) bytes = NULL;

      if (size > UTH_MODEL_FILE_MAX_JSON_BYTES)
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: larger than the limit of %u MiB"), name,
                       UTH_MODEL_FILE_MAX_JSON_BYTES / (1024 * 1024));
          return NULL;
        }
      bytes = uth_model_file_read_bounded (buffered, name, UTH_MODEL_FILE_MAX_JSON_BYTES, error);
      if (bytes == NULL)
        return NULL;
      return inspect_json (bytes, name, dir, error);
    }
  else
    return not_a_model_file (name, error);

  uth_model_file_finish (out);
  return g_steal_pointer (&out);
}

/* A model folder: its config.json, with the tensors of its safetensors when present. */
static UthModelFile *
inspect_folder (GFile       *dir,
                const char  *name,
                GError     **error)
{
  g_autoptr(GFile) config = g_file_get_child (dir, "config.json");
  g_autoptr(GFile) index = g_file_get_child (dir, "model.safetensors.index.json");
  g_autoptr(GFile) single = g_file_get_child (dir, "model.safetensors");
  g_autoptr(UthModelFile) out = NULL;
  g_autoptr(UthModelFile) weights = NULL;

  if (!g_file_query_exists (config, NULL))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: a folder without a config.json"), name);
      return NULL;
    }
  out = uth_model_file_inspect (config, error);
  if (out == NULL)
    return NULL;
  if (g_file_query_exists (index, NULL))
    weights = uth_model_file_inspect (index, error);
  else if (g_file_query_exists (single, NULL))
    weights = uth_model_file_inspect (single, error);
  else
    return g_steal_pointer (&out);
  if (weights == NULL)
    return NULL;

  /* The config describes the architecture; the weights say how it is stored. */
  out->tensors = weights->tensors;
  out->weight_bytes = weights->weight_bytes;
  out->packed_int4_tensors = weights->packed_int4_tensors;
  g_array_set_size (out->dtypes, 0);
  for (guint i = 0; i < weights->dtypes->len; i++)
    {
      UthDtypeShare *s = &g_array_index (weights->dtypes, UthDtypeShare, i);
      UthDtypeShare copy = { g_strdup (s->dtype), s->tensors, s->params, s->bytes };
      g_array_append_val (out->dtypes, copy);
    }
  for (guint i = 0; i < weights->notes->len; i++)
    g_ptr_array_add (out->notes, g_strdup (g_ptr_array_index (weights->notes, i)));
  if (weights->params > 0 && weights->params != out->params)
    uth_model_file_add_note (out, _("The weights hold %" PRIu64 " parameters; the "
                                    "config's architecture has %" PRIu64 "."),
                             weights->params, out->params);
  uth_model_file_finish (out);
  return g_steal_pointer (&out);
}

UthModelFile *
uth_model_file_inspect (GFile   *file,
                        GError **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  guint64 size = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  path = g_file_get_path (file);
  if (path != NULL)
    {
      GStatBuf st;

      if (g_stat (path, &st) == 0 && S_ISDIR (st.st_mode))
        return inspect_folder (file, name, error);
    }
  else if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    return inspect_folder (file, name, error);

  stream = uth_model_file_open (file, name, &size, error);
  if (stream == NULL)
    return NULL;
  dir = g_file_get_parent (file);
  return inspect_stream (stream, size, name, dir, error);
}

UthModelFile *
uth_model_file_inspect_stdin (GError **error)
{
  const char *name = _("standard input");
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GStatBuf st;

  if (fstat (STDIN_FILENO, &st) != 0)
    return io_error (name, g_strerror (errno), error);
  if (isatty (STDIN_FILENO))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s is a terminal: pipe a file into it, or give the file's name"), name);
      return NULL;
    }
  stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  /* A file redirected with < is read like any file; a pipe is read once, whole, into a
   * bounded buffer (its size is known only at its end). */
  if (S_ISREG (st.st_mode))
    {
      off_t at = lseek (STDIN_FILENO, 0, SEEK_CUR);
      guint64 size = (guint64) MAX (st.st_size - MAX (at, 0), 0);

      return inspect_stream (stream, size, name, NULL, error);
    }
  bytes = uth_safe_load_stdin (UTH_MODEL_FILE_MAX_STDIN_BYTES, error);
  if (bytes == NULL)
    return NULL;
  return uth_model_file_inspect_bytes (bytes, name, error);
}

/* ---------------------------------------------------------------------------------------- */
/* To the user's catalog                                                                    */

JsonObject *
uth_model_file_to_catalog_entry (const UthModelFile *self,
                                 const char         *id,
                                 const char         *name,
                                 const char         *source)
{
  const UthModel *m;
  JsonObject *o;

  g_return_val_if_fail (self != NULL && id != NULL && name != NULL, NULL);
  if (!self->has_spec)
    return NULL;

  m = &self->spec;
  o = json_object_new ();
  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "name", name);
  if (self->architecture != NULL)
    json_object_set_string_member (o, "family", self->architecture);
  json_object_set_string_member (o, "source", source != NULL ? source : self->name);
  json_object_set_int_member (o, "hidden_size", m->hidden);
  json_object_set_int_member (o, "layers", m->layers);
  json_object_set_int_member (o, "heads", m->heads);
  json_object_set_int_member (o, "kv_heads", m->kv_heads);
  json_object_set_int_member (o, "head_dim", m->head_dim);
  json_object_set_int_member (o, "ffn", m->ffn);
  json_object_set_boolean_member (o, "gated_mlp", m->gated_mlp);
  json_object_set_int_member (o, "vocab_size", m->vocab);
  json_object_set_boolean_member (o, "tied_embeddings", m->tied_embeddings);
  json_object_set_string_member (o, "norm", m->norm == UTH_NORM_LAYER ? "layer" : "rms");
  json_object_set_int_member (o, "norms_per_layer", m->norms_per_layer);
  json_object_set_boolean_member (o, "qkv_bias", m->qkv_bias);
  json_object_set_boolean_member (o, "out_bias", m->out_bias);
  json_object_set_boolean_member (o, "mlp_bias", m->mlp_bias);
  json_object_set_int_member (o, "learned_positions", m->learned_positions);
  json_object_set_int_member (o, "max_context", (gint64) MIN (m->max_context, (guint64) G_MAXINT64));
  json_object_set_int_member (o, "sliding_window", m->sliding_window);
  json_object_set_int_member (o, "sliding_layers", m->sliding_layers);
  if (m->experts > 0)
    {
      JsonObject *moe = json_object_new ();
      json_object_set_int_member (moe, "experts", m->experts);
      json_object_set_int_member (moe, "active_experts", m->active_experts);
      json_object_set_int_member (moe, "shared_experts", m->shared_experts);
      json_object_set_int_member (moe, "expert_ffn", m->expert_ffn);
      json_object_set_int_member (moe, "dense_layers", m->dense_layers);
      json_object_set_boolean_member (moe, "router_bias", m->router_bias);
      json_object_set_object_member (o, "moe", moe);
    }
  if (m->attention == UTH_ATTN_MLA)
    {
      JsonObject *mla = json_object_new ();
      json_object_set_int_member (mla, "q_lora_rank", m->q_lora_rank);
      json_object_set_int_member (mla, "kv_lora_rank", m->kv_lora_rank);
      json_object_set_int_member (mla, "qk_rope_dim", m->qk_rope_dim);
      json_object_set_int_member (mla, "qk_nope_dim", m->qk_nope_dim);
      json_object_set_int_member (mla, "v_head_dim", m->v_head_dim);
      json_object_set_object_member (o, "mla", mla);
    }
  return o;
}
