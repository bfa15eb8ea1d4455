/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GGUF layout (little-endian): "GGUF", u32 version, u64 tensor count, u64 metadata
 * count; the metadata as key (u64 length + bytes), u32 type, value; the tensor infos as
 * name, u32 dimensions, u64 sizes, u32 ggml type, u64 offset into the data; then the data,
 * aligned to general.alignment (32 by default). Every count and length read from the file
 * is checked against what is left of it before it is used. */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "uth-catalog.h"
#include "uth-gguf.h"

#define GGUF_MAGIC       0x46554747u   /* "GGUF" read as a little-endian u32 */
#define MAX_DIMS         4u
#define MAX_KEY_BYTES    1024u
#define MAX_ARRAY_DEPTH  3u
#define DEFAULT_ALIGN    32u
#define MAX_KEPT_NUMBERS 4096u
#define MAX_NAME_BYTES   256u
/* The core's limits (uth_model_validate): the architecture's numbers are refused beyond. */
#define MAX_LAYERS       4096u
#define MAX_DIM          (G_GUINT64_CONSTANT (1) << 24)

/* Block sizes and block bytes from ggml's ggml-common.h (the block structs) and the type
 * ids of ggml.h. */
static const struct
{
  guint32     type;
  const char *name;
  guint       block;
  guint       bytes;
} ggml_types[] = {
  { 0, "F32", 1, 4 },       { 1, "F16", 1, 2 },       { 2, "Q4_0", 32, 18 },
  { 3, "Q4_1", 32, 20 },    { 6, "Q5_0", 32, 22 },    { 7, "Q5_1", 32, 24 },
  { 8, "Q8_0", 32, 34 },    { 9, "Q8_1", 32, 36 },    { 10, "Q2_K", 256, 84 },
  { 11, "Q3_K", 256, 110 }, { 12, "Q4_K", 256, 144 }, { 13, "Q5_K", 256, 176 },
  { 14, "Q6_K", 256, 210 }, { 15, "Q8_K", 256, 292 }, { 16, "IQ2_XXS", 256, 66 },
  { 17, "IQ2_XS", 256, 74 }, { 18, "IQ3_XXS", 256, 98 }, { 19, "IQ1_S", 256, 50 },
  { 20, "IQ4_NL", 32, 18 }, { 21, "IQ3_S", 256, 110 }, { 22, "IQ2_S", 256, 82 },
  { 23, "IQ4_XS", 256, 136 }, { 24, "I8", 1, 1 },     { 25, "I16", 1, 2 },
  { 26, "I32", 1, 4 },      { 27, "I64", 1, 8 },      { 28, "F64", 1, 8 },
  { 29, "IQ1_M", 256, 56 }, { 30, "BF16", 1, 2 },     { 34, "TQ1_0", 256, 54 },
  { 35, "TQ2_0", 256, 66 }, { 39, "MXFP4", 32, 17 },
};

/* Metadata value types. */
enum
{
  T_U8, T_I8, T_U16, T_I16, T_U32, T_I32, T_F32, T_BOOL, T_STRING, T_ARRAY, T_U64, T_I64, T_F64,
  T_COUNT
};
static const guint scalar_bytes[T_COUNT] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };

typedef struct
{
  GInputStream *in;
  guint64       pos;
  guint64       size;      /* the file */
  guint64       limit;     /* the header must end before this */
  const char   *name;
  GError      **error;
} Rd;

typedef struct
{
  guint64 offset;
  guint64 bytes;
  char   *name;
  guint32 type;
  guint32 n_dims;
  guint64 dims[MAX_DIMS];
} Tensor;

gboolean
uth_gguf_type_size (guint32  type,
                    guint   *block,
                    guint   *bytes)
{
  for (guint i = 0; i < G_N_ELEMENTS (ggml_types); i++)
    if (ggml_types[i].type == type)
      {
        *block = ggml_types[i].block;
        *bytes = ggml_types[i].bytes;
        return TRUE;
      }
  return FALSE;
}

const char *
uth_gguf_type_name (guint32 type)
{
  for (guint i = 0; i < G_N_ELEMENTS (ggml_types); i++)
    if (ggml_types[i].type == type)
      return ggml_types[i].name;
  return NULL;
}

gboolean
uth_gguf_detect (const guint8 *data,
                 gsize         length)
{
  return length >= 4 && memcmp (data, "GGUF", 4) == 0;
}

G_GNUC_PRINTF (2, 3)
static gboolean
fail (Rd         *r,
      const char *format,
      ...)
{
  g_autofree char *why = NULL;
  va_list args;

  if (r->error != NULL && *r->error != NULL)
    return FALSE;
  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (r->error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE, "%s: %s", r->name, why);
  return FALSE;
}

static gboolean
need (Rd      *r,
      guint64  n)
{
  if (n > r->limit - r->pos)
    {
      if (r->limit < r->size)
        return fail (r, _("the header is larger than the limit of %u MiB"),
                     UTH_MODEL_FILE_MAX_HEADER_BYTES / (1024 * 1024));
      return fail (r, _("truncated: %" PRIu64 " bytes needed at offset %" PRIu64
                        ", but the file has %" PRIu64), n, r->pos, r->size);
    }
  return TRUE;
}

static gboolean
rd_bytes (Rd      *r,
          void    *buf,
          gsize    n)
{
  g_autoptr(GError) local_error = NULL;
  gsize got = 0;

  if (!need (r, n))
    return FALSE;
  if (!g_input_stream_read_all (r->in, buf, n, &got, NULL, &local_error))
    return fail (r, _("cannot be read: %s"), local_error->message);
  if (got != n)
    return fail (r, _("truncated at offset %" PRIu64), r->pos + got);
  r->pos += n;
  return TRUE;
}

static gboolean
rd_skip (Rd      *r,
         guint64  n)
{
  if (!need (r, n))
    return FALSE;
  while (n > 0)
    {
      g_autoptr(GError) local_error = NULL;
      gssize skipped = g_input_stream_skip (r->in, (gsize) MIN (n, G_GUINT64_CONSTANT (1) << 30),
                                            NULL, &local_error);
      if (skipped <= 0)
        return fail (r, _("truncated at offset %" PRIu64), r->pos);
      n -= (guint64) skipped;
      r->pos += (guint64) skipped;
    }
  return TRUE;
}

static gboolean
rd_u32 (Rd      *r,
        guint32 *out)
{
  guint32 v;

  if (!rd_bytes (r, &v, 4))
    return FALSE;
  *out = GUINT32_FROM_LE (v);
  return TRUE;
}

static gboolean
rd_u64 (Rd      *r,
        guint64 *out)
{
  guint64 v;

  if (!rd_bytes (r, &v, 8))
    return FALSE;
  *out = GUINT64_FROM_LE (v);
  return TRUE;
}

/* A string: kept (as valid UTF-8) when out is given and it is at most keep bytes, else
 * skipped; *out stays NULL when skipped. */
static gboolean
rd_string (Rd       *r,
           guint64   keep,
           char    **out)
{
  guint64 len;
  g_autofree char *buf = NULL;

  if (out != NULL)
    *out = NULL;
  if (!rd_u64 (r, &len) || !need (r, len))
    return FALSE;
  if (out == NULL || len > keep)
    return rd_skip (r, len);
  buf = g_malloc ((gsize) len + 1);
  if (!rd_bytes (r, buf, (gsize) len))
    return FALSE;
  buf[len] = '\0';
  *out = g_utf8_make_valid (buf, (gssize) len);
  return TRUE;
}

/* A string's raw bytes appended to arena (no conversion: two keys are equal when their bytes
 * are); *at and *len say where. */
static gboolean
rd_raw (Rd         *r,
        GByteArray *arena,
        guint32    *at,
        guint32    *len)
{
  guint64 n;

  if (!rd_u64 (r, &n) || !need (r, n))
    return FALSE;
  /* The header is at most UTH_MODEL_FILE_MAX_HEADER_BYTES: offsets fit in 32 bits. */
  *at = arena->len;
  *len = (guint32) n;
  if (n == 0)
    return TRUE;
  g_byte_array_set_size (arena, arena->len + (guint) n);
  return rd_bytes (r, arena->data + *at, (gsize) n);
}

/* Skips or reads one value of a type; integers land in *number when given. */
static gboolean
rd_value (Rd       *r,
          guint32   type,
          guint     depth,
          guint64  *number,
          guint64  *array_len,
          char    **string)
{
  if (type >= T_COUNT)
    return fail (r, _("unknown metadata value type %u"), type);
  if (type == T_STRING)
    return rd_string (r, 4096, string);
  if (type == T_ARRAY)
    {
      guint32 elem;
      guint64 n;

      if (depth >= MAX_ARRAY_DEPTH)
        return fail (r, "%s", _("arrays nested too deep in the metadata"));
      if (!rd_u32 (r, &elem) || !rd_u64 (r, &n))
        return FALSE;
      if (elem >= T_COUNT)
        return fail (r, _("unknown metadata value type %u"), elem);
      if (array_len != NULL)
        *array_len = n;
      if (scalar_bytes[elem] > 0)
        {
          guint64 bytes;
          if (!g_uint64_checked_mul (&bytes, n, scalar_bytes[elem]))
            return fail (r, "%s", _("an array's size overflows 64 bits"));
          return rd_skip (r, bytes);
        }
      /* Strings and arrays take at least 8 bytes each: refuse counts the file cannot hold
       * before looping over them. */
      if (n > (r->limit - r->pos) / 8)
        return need (r, r->limit - r->pos + 1);
      for (guint64 i = 0; i < n; i++)
        if (!rd_value (r, elem, depth + 1, NULL, NULL, NULL))
          return FALSE;
      return TRUE;
    }
  if (number != NULL && type != T_F32 && type != T_F64 && type != T_BOOL)
    {
      guint64 v = 0;
      guint8 buf[8];

      if (!rd_bytes (r, buf, scalar_bytes[type]))
        return FALSE;
      for (guint i = scalar_bytes[type]; i > 0; i--)
        v = (v << 8) | buf[i - 1];
      /* Negative signed values are no count or size: drop them. */
      if ((type == T_I8 && (buf[0] & 0x80)) || (type == T_I16 && (buf[1] & 0x80)) ||
          (type == T_I32 && (buf[3] & 0x80)) || (type == T_I64 && (buf[7] & 0x80)))
        v = 0;
      *number = v;
      return TRUE;
    }
  return rd_skip (r, scalar_bytes[type]);
}

typedef struct
{
  GHashTable *numbers;      /* key → guint64 (boxed in the pointer table as g_memdup) */
  char       *architecture;
  char       *title;
  guint64     alignment;
  guint64     vocab;
  GByteArray *arena;        /* every key's bytes, for the duplicate check */
  GArray     *keys;         /* KeyRef into arena */
  UthGgufDirectory *dir;    /* when the caller wants floats and strings too */
} Meta;

typedef struct
{
  guint32 at, len;
} KeyRef;

static gint
key_compare (gconstpointer a,
             gconstpointer b,
             gpointer      arena)
{
  const KeyRef *x = a, *y = b;
  const guint8 *base = ((GByteArray *) arena)->data;
  int c = MIN (x->len, y->len) > 0 ? memcmp (base + x->at, base + y->at, MIN (x->len, y->len)) : 0;

  if (c != 0)
    return c;
  return x->len < y->len ? -1 : x->len > y->len ? 1 : 0;
}

/* Like the reference reader: a key may appear once (which of two would count?). Sorting the
 * keys' bytes keeps the memory to the header's size. */
static gboolean
check_unique_keys (Rd   *r,
                   Meta *meta)
{
  g_array_sort_with_data (meta->keys, key_compare, meta->arena);
  for (guint i = 1; i < meta->keys->len; i++)
    if (key_compare (&g_array_index (meta->keys, KeyRef, i - 1),
                     &g_array_index (meta->keys, KeyRef, i), meta->arena) == 0)
      {
        const KeyRef *k = &g_array_index (meta->keys, KeyRef, i);
        /* Two empty keys: the arena may hold no bytes at all (its data NULL). */
        g_autofree char *shown = k->len == 0
                                 ? g_strdup ("")
                                 : g_utf8_make_valid ((const char *) meta->arena->data + k->at,
                                                      MIN (k->len, 200));
        return fail (r, _("the metadata key '%s' appears twice"), shown);
      }
  return TRUE;
}

/* A float value kept for the forward pass (rope.freq_base, layer_norm_rms_epsilon). */
static gboolean
rd_float (Rd               *r,
          guint32           type,
          const char       *key,
          UthGgufDirectory *dir)
{
  guint8 buf[8];
  double *boxed;

  if (!rd_bytes (r, buf, scalar_bytes[type]))
    return FALSE;
  if (g_hash_table_size (dir->floats) >= MAX_KEPT_NUMBERS)
    return TRUE;
  boxed = g_new (double, 1);
  if (type == T_F32)
    {
      guint32 bits = (guint32) buf[0] | (guint32) buf[1] << 8 | (guint32) buf[2] << 16 |
                     (guint32) buf[3] << 24;
      float f;

      memcpy (&f, &bits, 4);
      *boxed = f;
    }
  else
    {
      guint64 bits = 0;

      for (guint i = 8; i > 0; i--)
        bits = (bits << 8) | buf[i - 1];
      memcpy (boxed, &bits, 8);
    }
  g_hash_table_replace (dir->floats, g_strdup (key), boxed);
  return TRUE;
}

static gboolean
is_integer_type (guint32 type)
{
  return type == T_U8 || type == T_I8 || type == T_U16 || type == T_I16 || type == T_U32 ||
         type == T_I32 || type == T_U64 || type == T_I64;
}

static gboolean
read_metadata (Rd      *r,
               guint64  n_kv,
               Meta    *meta)
{
  /* A key takes at least 8 + 4 bytes and a value at least 1. */
  if (n_kv > (r->limit - r->pos) / 13)
    return fail (r, _("claims %" PRIu64 " metadata entries, more than the file can hold"),
                 n_kv);
  for (guint64 i = 0; i < n_kv; i++)
    {
      g_autofree char *key = NULL;
      g_autofree char *string = NULL;
      KeyRef ref;
      guint32 type;
      guint64 number = 0, array_len = 0;
      gboolean is_number;

      if (!rd_raw (r, meta->arena, &ref.at, &ref.len) || !rd_u32 (r, &type))
        return FALSE;
      g_array_append_val (meta->keys, ref);
      if (ref.len == 0)
        key = g_strdup ("");
      else if (ref.len <= MAX_KEY_BYTES && memchr (meta->arena->data + ref.at, '\0', ref.len) == NULL)
        key = g_strndup ((const char *) meta->arena->data + ref.at, ref.len);
      is_number = is_integer_type (type);
      if (key != NULL && g_str_equal (key, "general.alignment") && !is_number)
        return fail (r, "%s", _("general.alignment must be a whole number"));
      if (key != NULL && meta->dir != NULL && (type == T_F32 || type == T_F64))
        {
          if (!rd_float (r, type, key, meta->dir))
            return FALSE;
          continue;
        }
      if (!rd_value (r, type, 0, is_number ? &number : NULL, &array_len,
                     key != NULL && type == T_STRING ? &string : NULL))
        return FALSE;
      if (key == NULL)
        continue;
      if (meta->dir != NULL && string != NULL &&
          g_hash_table_size (meta->dir->strings) < MAX_KEPT_NUMBERS)
        g_hash_table_replace (meta->dir->strings, g_strdup (key), g_strdup (string));
      if (g_str_equal (key, "general.alignment"))
        meta->alignment = number;
      /* Bounded: a file of millions of tiny entries keeps only the first few thousand. */
      if (is_number && g_hash_table_size (meta->numbers) < MAX_KEPT_NUMBERS)
        {
          guint64 *boxed = g_new (guint64, 1);
          *boxed = number;
          g_hash_table_replace (meta->numbers, g_steal_pointer (&key), boxed);
        }
      else if (g_str_equal (key, "general.architecture") && string != NULL)
        {
          g_free (meta->architecture);
          meta->architecture = g_steal_pointer (&string);
        }
      else if (g_str_equal (key, "general.name") && string != NULL)
        {
          g_free (meta->title);
          meta->title = g_steal_pointer (&string);
        }
      else if (g_str_equal (key, "tokenizer.ggml.tokens") && type == T_ARRAY)
        meta->vocab = array_len;
    }
  return check_unique_keys (r, meta);
}

static void
tensor_clear (gpointer data)
{
  g_free (((Tensor *) data)->name);
}

static gboolean
read_tensor_info (Rd           *r,
                  UthModelFile *out,
                  GArray       *tensors,
                  GHashTable   *names)
{
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  Tensor t = { 0, 0, NULL };
  guint32 n_dims, type, at, len;
  guint block, block_bytes;
  guint64 numel = 1, first = 1;

  if (!rd_raw (r, raw, &at, &len))
    return FALSE;
  /* Like the reference reader (64 bytes there): names are short, and unique as C strings. */
  if (len > MAX_NAME_BYTES)
    return fail (r, _("a tensor name of %u bytes (at most %u)"), len, MAX_NAME_BYTES);
  g_byte_array_append (raw, (const guint8 *) "", 1);   /* also makes data non-NULL */
  if (memchr (raw->data, '\0', len) != NULL)
    return fail (r, "%s", _("a tensor name holds a NUL character"));
  t.name = g_strdup ((const char *) raw->data);
  if (g_hash_table_contains (names, t.name))
    {
      g_autofree char *shown = g_utf8_make_valid (t.name, -1);

      fail (r, _("tensor '%s' appears twice"), shown);
      goto failed_unowned;
    }
  g_hash_table_add (names, t.name);
  if (!rd_u32 (r, &n_dims))
    goto failed;
  if (n_dims > MAX_DIMS)
    {
      fail (r, _("tensor '%s' has %u dimensions (at most %u)"), t.name, n_dims, MAX_DIMS);
      goto failed;
    }
  /* ggml pads the shape with 1: a tensor of 0 dimensions is one element, its row one wide. */
  for (guint i = 0; i < n_dims; i++)
    {
      guint64 d;
      if (!rd_u64 (r, &d))
        goto failed;
      if (d > G_MAXINT64 || !g_uint64_checked_mul (&numel, numel, d))
        {
          fail (r, _("tensor '%s': its dimensions overflow 64 bits"), t.name);
          goto failed;
        }
      t.dims[i] = d;
      if (i == 0)
        first = d;
    }
  if (!rd_u32 (r, &type) || !rd_u64 (r, &t.offset))
    goto failed;
  t.type = type;
  t.n_dims = n_dims;
  if (!uth_gguf_type_size (type, &block, &block_bytes))
    {
      fail (r, _("tensor '%s': unknown ggml type %u"), t.name, type);
      goto failed;
    }
  if (first % block != 0)
    {
      fail (r, _("tensor '%s': %" PRIu64 " elements per row is not a multiple of the "
                 "%s block of %u"), t.name, first, uth_gguf_type_name (type), block);
      goto failed;
    }
  if (!g_uint64_checked_mul (&t.bytes, numel / block, block_bytes))
    {
      fail (r, _("tensor '%s': its size overflows 64 bits"), t.name);
      goto failed;
    }
  if (!uth_model_file_add_tensors (out, uth_gguf_type_name (type), 1, numel, t.bytes))
    {
      fail (r, "%s", _("the totals overflow 64 bits"));
      goto failed;
    }
  g_array_append_val (tensors, t);
  return TRUE;

failed:
  /* The name stays in names until the table goes; the tensor array owns it otherwise. */
  g_hash_table_steal (names, t.name);
failed_unowned:
  g_free (t.name);
  return FALSE;
}

/* Like the reference reader: the tensors' data back to back in the order of their infos,
 * each starting at the previous one's end padded to the alignment (zero-size tensors share
 * an offset), all inside the file. A file without tensors needs no data section. */
static gboolean
check_data (Rd      *r,
            guint64  alignment,
            GArray  *tensors,
            guint64 *start)
{
  guint64 data_start = r->pos, data_size, expected = 0;

  if (tensors->len == 0)
    return TRUE;
  if (data_start % alignment != 0 &&
      !g_uint64_checked_add (&data_start, data_start, alignment - data_start % alignment))
    return fail (r, "%s", _("the data section starts beyond 64 bits"));
  if (data_start > r->size)
    return fail (r, "%s", _("truncated: the file ends before its data section"));
  data_size = r->size - data_start;
  *start = data_start;

  for (guint i = 0; i < tensors->len; i++)
    {
      Tensor *t = &g_array_index (tensors, Tensor, i);

      if (t->offset != expected)
        return fail (r, _("tensor '%s': its data is at offset %" PRIu64 ", but the tensors "
                          "before it end at %" PRIu64 " (padded to %" PRIu64 " bytes)"),
                     t->name, t->offset, expected, alignment);
      if (t->offset > data_size || t->bytes > data_size - t->offset)
        return fail (r, _("tensor '%s': its data lies beyond the end of the file (truncated?)"),
                     t->name);
      expected = t->offset + t->bytes;
      if (expected % alignment != 0)
        expected += alignment - expected % alignment;
    }
  return TRUE;
}

static guint64
meta_number (Meta       *meta,
             const char *arch,
             const char *suffix)
{
  g_autofree char *key = g_strconcat (arch, ".", suffix, NULL);
  guint64 *v = g_hash_table_lookup (meta->numbers, key);

  return v != NULL ? *v : 0;
}

/* A number of the architecture's metadata beyond the core's limit: refused, like a
 * config.json field, rather than shown as 9.22e18 layers. */
static gboolean
check_limit (Rd         *r,
             const char *arch,
             const char *suffix,
             guint64     value,
             guint64     max)
{
  if (value <= max)
    return TRUE;
  return fail (r, _("%s.%s is %" PRIu64 ", beyond the limit of %" PRIu64), arch, suffix, value,
               max);
}

/* The architecture's numbers from the metadata, and a spec for the Llama-like families
 * whose layer shapes these keys fully describe. */
static gboolean
fill_architecture (Rd           *r,
                   Meta         *meta,
                   GHashTable   *names,
                   UthModelFile *out)
{
  static const char * const llama_like[] = { "llama", "mistral", "qwen2", "gemma", "gemma2", "phi3" };
  const char *arch = meta->architecture;
  UthModel *m = &out->spec;
  guint64 layers, hidden, heads, kv, head_dim, ffn, vocab;
  gboolean spec_family = FALSE;

  if (arch == NULL)
    return TRUE;
  layers = meta_number (meta, arch, "block_count");
  hidden = meta_number (meta, arch, "embedding_length");
  heads = meta_number (meta, arch, "attention.head_count");
  kv = meta_number (meta, arch, "attention.head_count_kv");
  head_dim = meta_number (meta, arch, "attention.key_length");
  ffn = meta_number (meta, arch, "feed_forward_length");
  vocab = meta_number (meta, arch, "vocab_size");
  if (vocab == 0)
    vocab = meta->vocab;
  if (!check_limit (r, arch, "block_count", layers, MAX_LAYERS) ||
      !check_limit (r, arch, "embedding_length", hidden, MAX_DIM) ||
      !check_limit (r, arch, "attention.head_count", heads, MAX_DIM) ||
      !check_limit (r, arch, "attention.head_count_kv", kv, MAX_DIM) ||
      !check_limit (r, arch, "attention.key_length", head_dim, MAX_DIM) ||
      !check_limit (r, arch, "feed_forward_length", ffn, MAX_DIM) ||
      !check_limit (r, arch, "vocab_size", vocab, MAX_DIM))
    return FALSE;
  if (kv == 0)
    kv = heads;
  /* The shape rule of every reader: without a head width, heads split the hidden size. */
  if (head_dim == 0 && heads > 0)
    {
      if (hidden % heads != 0)
        return fail (r, _("%s.attention.key_length is missing, and %s.embedding_length (%"
                          PRIu64 ") is not a multiple of %s.attention.head_count (%" PRIu64 ")"),
                     arch, arch, hidden, arch, heads);
      head_dim = hidden / heads;
    }

  out->layers = layers > 0 ? layers : out->layers;
  out->hidden_size = hidden;
  out->heads = heads;
  out->kv_heads = heads > 0 ? kv : 0;
  out->head_dim = heads > 0 ? head_dim : 0;
  out->vocab_size = vocab;

  for (guint i = 0; i < G_N_ELEMENTS (llama_like); i++)
    spec_family |= g_str_equal (arch, llama_like[i]);
  if (!spec_family || layers == 0 || hidden == 0 || heads == 0 || kv > heads || ffn == 0 ||
      vocab == 0)
    return TRUE;

  memset (m, 0, sizeof *m);
  m->hidden = (uint32_t) hidden;
  m->layers = (uint32_t) layers;
  m->heads = (uint32_t) heads;
  m->kv_heads = (uint32_t) kv;
  m->head_dim = (uint32_t) head_dim;
  m->ffn = (uint32_t) ffn;
  m->vocab = (uint32_t) vocab;
  m->gated_mlp = true;
  m->norm = UTH_NORM_RMS;
  m->norms_per_layer = g_str_equal (arch, "gemma2") ? 4 : 2;
  m->qkv_bias = g_str_equal (arch, "qwen2");
  /* llama.cpp leaves out output.weight when the lm-head is the embedding. */
  m->tied_embeddings = !g_hash_table_contains (names, "output.weight");
  m->max_context = meta_number (meta, arch, "context_length");
  m->experts = (uint32_t) MIN (meta_number (meta, arch, "expert_count"), 65536);
  m->active_experts = (uint32_t) MIN (meta_number (meta, arch, "expert_used_count"), 65536);
  m->expert_ffn = m->experts > 0 ? m->ffn : 0;
  m->sliding_window = (uint32_t) MIN (meta_number (meta, arch, "attention.sliding_window"), G_MAXUINT32);
  if (m->sliding_window > 0)
    m->sliding_layers = g_str_equal (arch, "gemma2") ? m->layers / 2 : m->layers;
  m->attention = uth_model_attention_kind (m);
  out->has_spec = uth_model_validate (m) == UTH_MODEL_OK;
  if (!out->has_spec)
    memset (m, 0, sizeof *m);
  return TRUE;
}

static gboolean
read_stream (GInputStream      *stream,
             guint64            file_size,
             UthModelFile      *out,
             UthGgufDirectory  *dir,
             GError           **error)
{
  Rd r = { stream, 0, file_size, MIN (file_size, UTH_MODEL_FILE_MAX_HEADER_BYTES), out->name, error };
  Meta meta = { NULL, NULL, NULL, DEFAULT_ALIGN, 0, NULL, NULL, dir };
  guint64 data_start = 0;
  g_autoptr(GArray) tensors = NULL;
  g_autoptr(GHashTable) names = NULL;   /* the tensors' names, owned by tensors */
  guint64 max_block = 0;
  gboolean any_block = FALSE;
  guint32 magic, version;
  guint64 n_tensors, n_kv;
  gboolean ok = FALSE;

  if (!rd_u32 (&r, &magic) || !rd_u32 (&r, &version))
    return FALSE;
  if (magic != GGUF_MAGIC)
    return fail (&r, "%s", _("not a GGUF file (no GGUF magic)"));
  if (version != 2 && version != 3)
    return fail (&r, _("GGUF version %u; this app reads versions 2 and 3"), version);
  if (!rd_u64 (&r, &n_tensors) || !rd_u64 (&r, &n_kv))
    return FALSE;
  if (n_tensors > UTH_MODEL_FILE_MAX_TENSORS)
    return fail (&r, _("claims %" PRIu64 " tensors (at most %u)"), n_tensors,
                 UTH_MODEL_FILE_MAX_TENSORS);

  meta.numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  meta.arena = g_byte_array_new ();
  meta.keys = g_array_new (FALSE, FALSE, sizeof (KeyRef));
  tensors = g_array_new (FALSE, FALSE, sizeof (Tensor));
  g_array_set_clear_func (tensors, tensor_clear);
  names = g_hash_table_new (g_str_hash, g_str_equal);
  if (!read_metadata (&r, n_kv, &meta))
    goto out;

  if (meta.alignment == 0 || meta.alignment > (1u << 20) || (meta.alignment & (meta.alignment - 1)) != 0)
    {
      fail (&r, _("general.alignment %" PRIu64 " is not a power of two up to 1 MiB"),
            meta.alignment);
      goto out;
    }

  /* A tensor info takes at least 24 bytes. */
  if (n_tensors > (r.limit - r.pos) / 24)
    {
      fail (&r, _("claims %" PRIu64 " tensors, more than the file can hold"), n_tensors);
      goto out;
    }
  for (guint64 i = 0; i < n_tensors; i++)
    if (!read_tensor_info (&r, out, tensors, names))
      goto out;
  if (!check_data (&r, meta.alignment, tensors, &data_start))
    goto out;

  /* Layers by name ("blk.12.attn_q.weight"), within the core's limit. */
  for (guint i = 0; i < tensors->len; i++)
    {
      const char *name = g_array_index (tensors, Tensor, i).name;
      if (g_str_has_prefix (name, "blk.") && g_ascii_isdigit (name[4]))
        {
          max_block = MAX (max_block, g_ascii_strtoull (name + 4, NULL, 10));
          any_block = TRUE;
        }
    }
  if (any_block && max_block >= MAX_LAYERS)
    uth_model_file_add_note (out, _("Tensor names number layers up to %" PRIu64 ", more than "
                                    "the %u this app reads: the layer count is left out."),
                             max_block, MAX_LAYERS);
  else if (any_block)
    out->layers = MAX (out->layers, max_block + 1);
  g_free (out->architecture);
  out->architecture = g_strdup (meta.architecture);
  g_free (out->title);
  out->title = g_strdup (meta.title);
  ok = fill_architecture (&r, &meta, names, out);
  if (ok && dir != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, meta.numbers);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_replace (dir->numbers, g_strdup (key), g_memdup2 (value, sizeof (guint64)));
      for (guint i = 0; i < tensors->len; i++)
        {
          Tensor *t = &g_array_index (tensors, Tensor, i);
          UthGgufTensorInfo info = { NULL, t->type, t->n_dims, { 1, 1, 1, 1 }, 0, t->bytes };

          info.name = g_strdup (t->name);
          memcpy (info.dims, t->dims, sizeof (guint64) * t->n_dims);
          info.offset = data_start + t->offset;
          g_array_append_val (dir->tensors, info);
        }
    }

out:
  /* names points into tensors: it goes first. */
  g_clear_pointer (&names, g_hash_table_unref);
  g_hash_table_unref (meta.numbers);
  g_byte_array_unref (meta.arena);
  g_array_unref (meta.keys);
  g_free (meta.architecture);
  g_free (meta.title);
  return ok;
}

gboolean
uth_gguf_read_stream (GInputStream  *stream,
                      guint64        file_size,
                      UthModelFile  *out,
                      GError       **error)
{
  return read_stream (stream, file_size, out, NULL, error);
}

static void
tensor_info_clear (gpointer data)
{
  g_free (((UthGgufTensorInfo *) data)->name);
}

void
uth_gguf_directory_init (UthGgufDirectory *dir)
{
  dir->tensors = g_array_new (FALSE, TRUE, sizeof (UthGgufTensorInfo));
  g_array_set_clear_func (dir->tensors, tensor_info_clear);
  dir->numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  dir->floats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  dir->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
uth_gguf_directory_clear (UthGgufDirectory *dir)
{
  g_clear_pointer (&dir->tensors, g_array_unref);
  g_clear_pointer (&dir->numbers, g_hash_table_unref);
  g_clear_pointer (&dir->floats, g_hash_table_unref);
  g_clear_pointer (&dir->strings, g_hash_table_unref);
}

gboolean
uth_gguf_read_stream_directory (GInputStream      *stream,
                                guint64            file_size,
                                UthModelFile      *out,
                                UthGgufDirectory  *dir,
                                GError           **error)
{
  return read_stream (stream, file_size, out, dir, error);
}

gboolean
uth_gguf_read_file (GFile         *file,
                    UthModelFile  *out,
                    GError       **error)
{
  guint64 size = 0;
  g_autoptr(GInputStream) stream = uth_model_file_open (file, out->name, &size, error);
  g_autoptr(GInputStream) buffered = NULL;

  if (stream == NULL)
    return FALSE;
  buffered = g_buffered_input_stream_new_sized (stream, 256 * 1024);
  return uth_gguf_read_stream (buffered, size, out, error);
}
