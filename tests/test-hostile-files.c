/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 19, the model-file findings: each hostile (or unusual but valid) file is built here,
 * in memory or in a temporary folder, and must be refused with a message naming the file
 * and the problem, or read correctly. Every test here failed before the fix. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-model-file.h"
#include "catalog/uth-safe-json.h"
#include "catalog/uth-tokenizer-json.h"
#include "gguf-writer.h"

/* ---------------------------------------------------------------------------------------- */
/* Writers                                                                                  */

static GBytes *
make_safetensors (const char *header,
                  gsize       data_len)
{
  GByteArray *a = g_byte_array_new ();
  guint64 n = GUINT64_TO_LE (strlen (header));
  guint8 zero = 0;

  g_byte_array_append (a, (const guint8 *) &n, 8);
  g_byte_array_append (a, (const guint8 *) header, (guint) strlen (header));
  for (gsize i = 0; i < data_len; i++)
    g_byte_array_append (a, &zero, 1);
  return g_byte_array_free_to_bytes (a);
}

/* One tensor info: n_dims sizes from dims. */
static void
put_tensor (GByteArray    *a,
            const char    *name,
            guint32        n_dims,
            const guint64 *dims,
            guint32        type,
            guint64        offset)
{
  put_str (a, name);
  put_u32 (a, n_dims);
  for (guint i = 0; i < n_dims; i++)
    put_u64 (a, dims[i]);
  put_u32 (a, type);
  put_u64 (a, offset);
}

static GByteArray *
gguf_start (guint64 n_tensors,
            guint64 n_kv)
{
  GByteArray *a = g_byte_array_new ();

  g_byte_array_append (a, (const guint8 *) "GGUF", 4);
  put_u32 (a, 3);
  put_u64 (a, n_tensors);
  put_u64 (a, n_kv);
  return a;
}

/* Pads to the default alignment of 32, then appends data_len zero bytes. */
static GBytes *
gguf_finish (GByteArray *a,
             gsize       data_len)
{
  guint8 zero = 0;

  while (a->len % 32 != 0)
    g_byte_array_append (a, &zero, 1);
  for (gsize i = 0; i < data_len; i++)
    g_byte_array_append (a, &zero, 1);
  return g_byte_array_free_to_bytes (a);
}

static void
assert_refused (GBytes     *bytes,
                const char *name,
                const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) f = uth_model_file_inspect_bytes (bytes, name, &error);

  g_assert_null (f);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, name));
  g_assert_nonnull (strstr (error->message, expected));
}

static UthModelFile *
assert_read (GBytes     *bytes,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  UthModelFile *f = uth_model_file_inspect_bytes (bytes, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (f);
  return f;
}

static char *
write_temp (const char *dir,
            const char *name,
            const char *data,
            gsize       length)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, (gssize) length, &error));
  return path;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/* ---------------------------------------------------------------------------------------- */
/* Item 4: a FIFO is refused at once, never opened (opening it waits for a writer)            */

static UthModelFile *
inspect_path (const char  *path,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return uth_model_file_inspect (file, error);
}

static void
test_fifo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("uth-fifo-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "model.gguf", NULL);
  g_autofree char *folder = g_build_filename (dir, "model", NULL);
  g_autofree char *config_fifo = g_build_filename (folder, "config.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) f = NULL;
  gint64 start = g_get_monotonic_time ();

  /* Without the fix the first inspect never returns: the alarm turns that into a failure. */
  alarm (20);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  f = inspect_path (fifo, &error);
  g_assert_null (f);
  g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO);
  g_assert_nonnull (strstr (error->message, fifo));
  g_assert_nonnull (strstr (error->message, "is a FIFO, not a regular file"));
  g_clear_error (&error);

  /* A FIFO config.json in a model folder. */
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_cmpint (mkfifo (config_fifo, 0600), ==, 0);
  f = inspect_path (folder, &error);
  g_assert_null (f);
  g_assert_nonnull (strstr (error->message, config_fifo));
  g_assert_nonnull (strstr (error->message, "is a FIFO"));
  g_clear_error (&error);

  /* A character device, likewise. */
  if (g_file_test ("/dev/null", G_FILE_TEST_EXISTS))
    {
      f = inspect_path ("/dev/null", &error);
      g_assert_null (f);
      g_assert_nonnull (strstr (error->message, "/dev/null: is a character device"));
      g_clear_error (&error);
    }

  /* At once: well under the alarm. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  alarm (0);
  remove_tree (dir);
}

/* A FIFO shard of a sharded model: refused, named with its folder. */
static void
test_fifo_shard (void)
{
  static const char *index =
    "{\"metadata\":{\"total_size\":16},\"weight_map\":{"
    "\"a.weight\":\"model-00001-of-00002.safetensors\","
    "\"b.weight\":\"model-00002-of-00002.safetensors\"}}";
  static const char *header =
    "{\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
  g_autofree char *dir = g_dir_make_tmp ("uth-shard-XXXXXX", NULL);
  g_autoptr(GBytes) shard = make_safetensors (header, 8);
  g_autofree char *index_path = write_temp (dir, "model.safetensors.index.json", index,
                                            strlen (index));
  g_autofree char *first = write_temp (dir, "model-00001-of-00002.safetensors",
                                       g_bytes_get_data (shard, NULL), g_bytes_get_size (shard));
  g_autofree char *second = g_build_filename (dir, "model-00002-of-00002.safetensors", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) f = NULL;

  alarm (20);
  g_assert_cmpint (mkfifo (second, 0600), ==, 0);
  f = inspect_path (index_path, &error);
  g_assert_null (f);
  g_test_message ("%s", error->message);
  /* The whole path: the shard and its folder. */
  g_assert_nonnull (strstr (error->message, second));
  g_assert_nonnull (strstr (error->message, "is a FIFO"));
  alarm (0);
  remove_tree (dir);
}

/* A shard's own error names its folder too, not only "model-00001…safetensors". */
static void
test_shard_error_names_folder (void)
{
  static const char *index =
    "{\"weight_map\":{\"a.weight\":\"model-00001-of-00001.safetensors\"}}";
  /* The shard's data has 4 bytes left over: refused (item 7), with the shard's path. */
  static const char *header =
    "{\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
  g_autofree char *dir = g_dir_make_tmp ("uth-shard-XXXXXX", NULL);
  g_autoptr(GBytes) shard = make_safetensors (header, 12);
  g_autofree char *index_path = write_temp (dir, "model.safetensors.index.json", index,
                                            strlen (index));
  g_autofree char *shard_path = write_temp (dir, "model-00001-of-00001.safetensors",
                                            g_bytes_get_data (shard, NULL),
                                            g_bytes_get_size (shard));
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) f = inspect_path (index_path, &error);

  g_assert_null (f);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, shard_path));
  remove_tree (dir);
}

/* ---------------------------------------------------------------------------------------- */
/* Item 5: counts checked on the products                                                   */

static void
test_config_overflow (void)
{
  /* Each field within its limit (2^24, 4096 layers), but q_proj alone is
   * hidden x heads x head_dim = 2^24 x 2^24 x 2^24 = 2^72 per layer: the true count is
   * 7.74e25; 64-bit arithmetic wrapped it to 3.459e18 and the file was accepted. */
  static const char *config =
    "{\"model_type\":\"llama\",\"hidden_size\":16777216,\"num_hidden_layers\":4096,"
    "\"num_attention_heads\":16777216,\"num_key_value_heads\":16777216,\"head_dim\":16777216,"
    "\"intermediate_size\":16777216,\"vocab_size\":16777216}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (config, strlen (config));

  assert_refused (bytes, "config.json", "more than 2^53");
}

/* ---------------------------------------------------------------------------------------- */
/* Item 6: the same shape rules everywhere, bounded counts                                   */

static void
test_gpt2_heads (void)
{
  /* 100 / 3 is no whole head width; the Llama reader refused the same, GPT-2 took 33. */
  static const char *config =
    "{\"model_type\":\"gpt2\",\"n_embd\":100,\"n_layer\":2,\"n_head\":3,\"vocab_size\":50}";
  static const char *good =
    "{\"model_type\":\"gpt2\",\"n_embd\":96,\"n_layer\":2,\"n_head\":3,\"vocab_size\":50}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (config, strlen (config));
  g_autoptr(GBytes) good_bytes = g_bytes_new_static (good, strlen (good));
  g_autoptr(UthModelFile) f = NULL;

  assert_refused (bytes, "config.json", "n_embd");
  f = assert_read (good_bytes, "config.json");
  g_assert_cmpuint (f->head_dim, ==, 32);
}

static void
test_gguf_scalar_quantized (void)
{
  /* 0 dimensions is one element (ggml pads the shape with 1); Q4_0 holds blocks of 32, so
   * one element cannot be Q4_0. It was read as one parameter in 0 bytes. */
  GByteArray *a = gguf_start (1, 0);
  g_autoptr(GBytes) bytes = NULL;

  put_tensor (a, "scalar", 0, NULL, 2 /* Q4_0 */, 0);
  bytes = gguf_finish (a, 32);
  assert_refused (bytes, "q.gguf", "not a multiple of the Q4_0 block of 32");
}

static void
test_gguf_block_count (void)
{
  GByteArray *a = gguf_start (0, 2);
  g_autoptr(GBytes) bytes = NULL;

  put_str (a, "general.architecture");
  put_u32 (a, 8);
  put_str (a, "llama");
  put_kv_u64 (a, "llama.block_count", G_GUINT64_CONSTANT (1) << 63);
  bytes = gguf_finish (a, 0);
  assert_refused (bytes, "b.gguf", "llama.block_count is 9223372036854775808");
}

static void
test_safetensors_many_layers (void)
{
  /* A tensor named layer 999999: 1,000,000 layers were shown. */
  static const char *header =
    "{\"model.layers.999999.w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
  g_autoptr(GBytes) bytes = make_safetensors (header, 4);
  g_autoptr(UthModelFile) f = assert_read (bytes, "l.safetensors");

  g_assert_cmpuint (f->layers, ==, 0);
  g_assert_cmpuint (f->notes->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (f->notes, 0), "999999"));
}

/* ---------------------------------------------------------------------------------------- */
/* Item 7: what the reference readers refuse                                                 */

static void
test_safetensors_strict (void)
{
  static const struct
  {
    const char *header;
    gsize       data;
    const char *expected;
  } cases[] = {
    /* A gap: bytes 8 to 16 belong to no tensor. */
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}", 24, "gap" },
    /* Trailing bytes: 4 after the last tensor. */
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12,
      "4 bytes after the last tensor" },
    /* Overlap. */
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlaps" },
    /* __metadata__ holds strings only. */
    { "{\"__metadata__\":{\"format\":1},"
      "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "not a string" },
    { "{\"__metadata__\":[],"
      "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "__metadata__" },
    /* The same name twice: json-glib kept one, and a tensor vanished. */
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16, "twice" },
    /* Names that differ only after a NUL collide as C strings. */
    { "{\"a\\u0000x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"a\\u0000y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16, "NUL" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = make_safetensors (cases[i].header, cases[i].data);

      g_test_message ("case %u", i);
      assert_refused (bytes, "s.safetensors", cases[i].expected);
    }
}

static void
test_gguf_strict (void)
{
  static const guint64 two[] = { 32, 1 };
  g_autoptr(GBytes) dup_key = NULL;
  g_autoptr(GBytes) dup_tensor = NULL;
  g_autoptr(GBytes) string_align = NULL;
  g_autoptr(GBytes) float_align = NULL;
  g_autoptr(GBytes) gap = NULL;
  GByteArray *a;

  a = gguf_start (0, 2);
  put_kv_u32 (a, "llama.block_count", 2);
  put_kv_u32 (a, "llama.block_count", 3);
  dup_key = gguf_finish (a, 0);
  assert_refused (dup_key, "k.gguf", "'llama.block_count' appears twice");

  /* Two F32 tensors of 32 elements (128 bytes each), same name. */
  a = gguf_start (2, 0);
  put_tensor (a, "w", 2, two, 0, 0);
  put_tensor (a, "w", 2, two, 0, 128);
  dup_tensor = gguf_finish (a, 256);
  assert_refused (dup_tensor, "t.gguf", "tensor 'w' appears twice");

  /* A string alignment: 32 was used instead. */
  a = gguf_start (0, 1);
  put_str (a, "general.alignment");
  put_u32 (a, 8);
  put_str (a, "64");
  string_align = gguf_finish (a, 0);
  assert_refused (string_align, "a.gguf", "general.alignment must be a whole number");

  a = gguf_start (0, 1);
  put_str (a, "general.alignment");
  put_u32 (a, 6);   /* FLOAT32 */
  put_u32 (a, 0x42000000u);   /* 32.0 */
  float_align = gguf_finish (a, 0);
  assert_refused (float_align, "a.gguf", "general.alignment must be a whole number");

  /* A gap: the second tensor at 256 where the first ends at 128. */
  a = gguf_start (2, 0);
  put_tensor (a, "a", 2, two, 0, 0);
  put_tensor (a, "b", 2, two, 0, 256);
  gap = gguf_finish (a, 384);
  assert_refused (gap, "g.gguf", "the tensors before it end at 128");
}

/* ---------------------------------------------------------------------------------------- */
/* Item 8: valid files that were refused                                                    */

static void
test_zero_size_tensors (void)
{
  /* A zero-size tensor at the offset where a real one starts: nothing overlaps. */
  static const char *header =
    "{\"empty\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[0,0]},"
    "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
    "\"also_empty\":{\"dtype\":\"BF16\",\"shape\":[0],\"data_offsets\":[8,8]}}";
  static const guint64 empty[] = { 0, 4 };
  static const guint64 four[] = { 4 };
  g_autoptr(GBytes) st = make_safetensors (header, 8);
  g_autoptr(UthModelFile) f = assert_read (st, "z.safetensors");
  g_autoptr(UthModelFile) g = NULL;
  g_autoptr(GBytes) gguf = NULL;
  GByteArray *a;

  g_assert_cmpuint (f->tensors, ==, 3);
  g_assert_cmpuint (f->params, ==, 2);
  g_assert_cmpuint (f->weight_bytes, ==, 8);

  /* GGUF: a zero-size tensor and an F32 of 4 (16 bytes) both at offset 0. */
  a = gguf_start (2, 0);
  put_tensor (a, "empty", 2, empty, 0, 0);
  put_tensor (a, "w", 1, four, 0, 0);
  gguf = gguf_finish (a, 16);
  g = assert_read (gguf, "z.gguf");
  g_assert_cmpuint (g->tensors, ==, 2);
  g_assert_cmpuint (g->params, ==, 4);
  g_assert_cmpuint (g->weight_bytes, ==, 16);
}

static void
test_gguf_no_tensors (void)
{
  /* Metadata only, no padding after it: 4 + 4 + 8 + 8 + (8 + 12 + 4 + 4) = 52 bytes, not a
   * multiple of 32, and no data section. */
  GByteArray *a = gguf_start (0, 1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(UthModelFile) f = NULL;

  put_kv_u32 (a, "general.test", 7);
  g_assert_cmpuint (a->len, ==, 52);
  bytes = g_byte_array_free_to_bytes (a);
  f = assert_read (bytes, "empty.gguf");
  g_assert_cmpuint (f->tensors, ==, 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Item 10: a tokenizer.json's vocabulary and merges read without a json-glib tree           */

/* The split reading gives what the whole tree gives: 4 tokens (one a surrogate pair, one
 * with an escape), 2 merges in both forms, 3 added tokens of which "a" is in the vocabulary:
 * vocabulary 4 + 2 = 6. */
static void
test_tokenizer_split (void)
{
  static const char *text =
    "{\"version\":\"1.0\",\"model\":{\"type\":\"BPE\",\"dropout\":null,"
    "\"vocab\":{\"a\":0,\"b\":1,\"\\u0120x\":2,\"\\ud83d\\ude00\":3},"
    "\"merges\":[\"a b\",[\"\\u0120x\",\"b\"]]},"
    "\"added_tokens\":[{\"content\":\"a\"},{\"content\":\"<s>\"},{\"content\":\"</s>\"}]}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr(GBytes) rest = NULL;
  g_autoptr(UthModelFile) split = assert_read (bytes, "tokenizer.json");
  g_autoptr(UthModelFile) whole = uth_model_file_new (UTH_MODEL_FILE_TOKENIZER, "t");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  UthTokenizerLists lists;

  g_assert_cmpint (split->format, ==, UTH_MODEL_FILE_TOKENIZER);
  g_assert_cmpuint (split->vocab_size, ==, 6);
  g_assert_cmpuint (split->merges, ==, 2);
  g_assert_cmpuint (split->added_tokens, ==, 3);
  g_assert_cmpstr (split->tokenizer_model, ==, "BPE");

  root = uth_safe_json_parse (bytes, "t", UTH_JSON_MAX_BYTES, UTH_JSON_MAX_DEPTH, &error);
  g_assert_no_error (error);
  g_assert_true (uth_tokenizer_json_read (json_node_get_object (root), whole, &error));
  g_assert_cmpuint (whole->vocab_size, ==, split->vocab_size);
  g_assert_cmpuint (whole->merges, ==, split->merges);
  g_assert_cmpuint (whole->added_tokens, ==, split->added_tokens);

  /* The lists hold the decoded strings; the rest has the two values emptied. */
  rest = uth_tokenizer_json_split (bytes, &lists);
  g_assert_nonnull (rest);
  g_assert_cmpuint (lists.tokens->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (lists.tokens, 2), ==, "\xc4\xa0x");
  g_assert_cmpstr (g_ptr_array_index (lists.tokens, 3), ==, "\xf0\x9f\x98\x80");
  g_assert_cmpuint (g_array_index (lists.ids, guint32, 3), ==, 3);
  g_assert_cmpstr (g_ptr_array_index (lists.left, 1), ==, "\xc4\xa0x");
  g_assert_cmpstr (g_ptr_array_index (lists.right, 0), ==, "b");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (rest, NULL), (gssize) g_bytes_get_size (rest),
                                  "\"vocab\":{},\"merges\":[]}"));
  uth_tokenizer_lists_clear (&lists);

  /* Not of the plain shape (a lone surrogate, an id with a sign, a merge of three tokens):
   * not split, so the whole-tree reader names the problem. */
  {
    static const char *odd[] = {
      "{\"model\":{\"vocab\":{\"\\ud83d\":0},\"merges\":[]}}",
      "{\"model\":{\"vocab\":{\"a\":-1},\"merges\":[]}}",
      "{\"model\":{\"vocab\":{\"a\":01},\"merges\":[]}}",
      "{\"model\":{\"vocab\":{\"a\":0},\"merges\":[\"a b c\"]}}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
      {
        g_autoptr(GBytes) b = g_bytes_new_static (odd[i], strlen (odd[i]));
        g_autoptr(GBytes) r = uth_tokenizer_json_split (b, &lists);

        g_assert_null (r);
        g_assert_null (lists.tokens);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hostile-files/fifo", test_fifo);
  g_test_add_func ("/hostile-files/fifo-shard", test_fifo_shard);
  g_test_add_func ("/hostile-files/shard-error-names-folder", test_shard_error_names_folder);
  g_test_add_func ("/hostile-files/config-overflow", test_config_overflow);
  g_test_add_func ("/hostile-files/gpt2-heads", test_gpt2_heads);
  g_test_add_func ("/hostile-files/gguf-scalar-quantized", test_gguf_scalar_quantized);
  g_test_add_func ("/hostile-files/gguf-block-count", test_gguf_block_count);
  g_test_add_func ("/hostile-files/safetensors-many-layers", test_safetensors_many_layers);
  g_test_add_func ("/hostile-files/safetensors-strict", test_safetensors_strict);
  g_test_add_func ("/hostile-files/gguf-strict", test_gguf_strict);
  g_test_add_func ("/hostile-files/zero-size-tensors", test_zero_size_tensors);
  g_test_add_func ("/hostile-files/gguf-no-tensors", test_gguf_no_tensors);
  g_test_add_func ("/hostile-files/tokenizer-split", test_tokenizer_split);
  return g_test_run ();
}
