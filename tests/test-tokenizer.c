/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading tokenizer.json into the core BPE: small fixtures built here, encodings worked
 * by hand, every refusal naming the file and the field. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-corpus-model.h"
#include "catalog/uth-tokenizer.h"

static char *
spell (const char *raw)
{
  GString *s = g_string_new (NULL);

  for (const guchar *p = (const guchar *) raw; *p; p++)
    g_string_append_unichar (s, uth_bpe_byte_to_unicode (*p));
  return g_string_free (s, FALSE);
}

/* GPT-2 style: the 256 bytes with id = byte, then merges from 256 in rank order. */
static const char *const merges_raw[][2] = {
  { "t", "h" }, { "th", "e" }, { " ", "the" }, { "a", "t" },
  { "c", "at" }, { " ", "cat" }, { "s", "at" },
  { "1", "2" }, { "3", "4" }, { "12", "3" },   /* 263 12, 264 34, 265 123 */
};

static GBytes *
byte_level_fixture (gboolean array_merges,
                    gboolean llama3)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *data;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pre_tokenizer");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  if (llama3)
    {
      json_builder_add_string_value (b, "Sequence");
      json_builder_set_member_name (b, "pretokenizers");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "Split");
      json_builder_set_member_name (b, "pattern");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Regex");
      json_builder_add_string_value (b, "(?i:'s|'t)|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+");
      json_builder_end_object (b);
      json_builder_end_object (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "ByteLevel");
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  else
    json_builder_add_string_value (b, "ByteLevel");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "BPE");
  json_builder_set_member_name (b, "vocab");
  json_builder_begin_object (b);
  for (guint i = 0; i < 256; i++)
    {
      char raw[2] = { (char) i, 0 };
      g_autofree char *s = NULL;
      if (i == 0)
        {
          json_builder_set_member_name (b, "Ā");   /* U+0100 is byte 0 */
          json_builder_add_int_value (b, 0);
          continue;
        }
      s = spell (raw);
      json_builder_set_member_name (b, s);
      json_builder_add_int_value (b, i);
    }
  for (guint i = 0; i < G_N_ELEMENTS (merges_raw); i++)
    {
      g_autofree char *joined = g_strconcat (merges_raw[i][0], merges_raw[i][1], NULL);
      g_autofree char *s = spell (joined);
      json_builder_set_member_name (b, s);
      json_builder_add_int_value (b, 256 + i);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "merges");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (merges_raw); i++)
    {
      g_autofree char *l = spell (merges_raw[i][0]);
      g_autofree char *r = spell (merges_raw[i][1]);
      if (array_merges)
        {
          json_builder_begin_array (b);
          json_builder_add_string_value (b, l);
          json_builder_add_string_value (b, r);
          json_builder_end_array (b);
        }
      else
        {
          g_autofree char *m = g_strconcat (l, " ", r, NULL);
          json_builder_add_string_value (b, m);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, NULL);
  return g_bytes_new_take (data, strlen (data));
}

static void
assert_ids (GArray        *ids,
            const guint32 *expect,
            guint          n)
{
  g_assert_cmpuint (ids->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (ids, guint32, i), ==, expect[i]);
}

static void
test_byte_level (void)
{
  /* "the" -> the (257); " cat" -> Ġcat (261); " sat" -> Ġ (32) sat (262). */
  const guint32 expect[] = { 257, 261, 32, 262 };

  for (int form = 0; form < 2; form++)
    {
      g_autoptr(GBytes) bytes = byte_level_fixture (form == 1, FALSE);
      g_autoptr(GError) error = NULL;
      g_autoptr(UthTokenizer) tok = uth_tokenizer_new_from_bytes (bytes, "gpt2-like/tokenizer.json", &error);
      g_autoptr(GArray) ids = NULL;
      g_autofree char *shown = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (uth_bpe_get_kind (uth_tokenizer_get_bpe (tok)), ==, UTH_BPE_BYTE_LEVEL);
      g_assert_cmpuint (uth_bpe_get_n_merges (uth_tokenizer_get_bpe (tok)), ==, 10);
      g_assert_cmpstr (uth_tokenizer_get_name (tok), ==, "tokenizer.json");
      ids = uth_tokenizer_encode (tok, "the cat sat", -1);
      assert_ids (ids, expect, G_N_ELEMENTS (expect));
      shown = uth_tokenizer_describe_token (tok, 261);
      g_assert_cmpstr (shown, ==, "␣cat");
    }
}

static void
test_llama3_split (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) gpt2_bytes = byte_level_fixture (TRUE, FALSE);
  g_autoptr(GBytes) llama3_bytes = byte_level_fixture (TRUE, TRUE);
  g_autoptr(UthTokenizer) gpt2 = uth_tokenizer_new_from_bytes (gpt2_bytes, "gpt2.json", &error);
  g_autoptr(UthTokenizer) llama3 = uth_tokenizer_new_from_bytes (llama3_bytes, "llama3.json", &error);
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  /* GPT-2 keeps "1234" one word: 1 2 -> 12, 3 4 -> 34: [12, 34].
   * Llama 3's \p{N}{1,3} cuts it into "123" and "4": 12, then 12 3 -> 123: [123, "4"]. */
  const guint32 expect_gpt2[] = { 263, 264 };
  const guint32 expect_llama3[] = { 265, '4' };

  g_assert_no_error (error);
  a = uth_tokenizer_encode (gpt2, "1234", -1);
  assert_ids (a, expect_gpt2, 2);
  b = uth_tokenizer_encode (llama3, "1234", -1);
  assert_ids (b, expect_llama3, 2);
}

/* The GPT-2 fixture's JSON with one replacement made in it. */
static GBytes *
edited_fixture (const char *find,
                const char *replace)
{
  g_autoptr(GBytes) bytes = byte_level_fixture (FALSE, FALSE);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  char *at = strstr (text, find);
  GString *s = g_string_new (NULL);

  g_assert_nonnull (at);
  g_string_append_len (s, text, at - text);
  g_string_append (s, replace);
  g_string_append (s, at + strlen (find));
  return g_string_free_to_bytes (s);
}

/* RoBERTa style: the pre-tokenizer's ByteLevel has add_prefix_space true, so "the" is
 * read as " the" (258, by the merge " " + "the"). The same flag on the decoder alone (as
 * in Llama 3's file) adds nothing. */
static void
test_byte_prefix_space (void)
{
  g_autoptr(GBytes) pre = edited_fixture ("{\"type\":\"ByteLevel\"}",
                                          "{\"type\":\"ByteLevel\",\"add_prefix_space\":true}");
  g_autoptr(GBytes) dec = edited_fixture ("{\"pre_tokenizer\"",
                                          "{\"decoder\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true},\"pre_tokenizer\"");
  g_autoptr(GError) error = NULL;
  g_autoptr(UthTokenizer) roberta = uth_tokenizer_new_from_bytes (pre, "roberta.json", &error);
  g_autoptr(UthTokenizer) plain = NULL;
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  g_autoptr(GArray) c = NULL;
  const guint32 prefixed[] = { 258, 261 };   /* " the", " cat" */
  const guint32 bare[] = { 257, 261 };       /* "the", " cat" */

  g_assert_no_error (error);
  plain = uth_tokenizer_new_from_bytes (dec, "decoder-only.json", &error);
  g_assert_no_error (error);
  a = uth_tokenizer_encode (roberta, "the cat", -1);
  assert_ids (a, prefixed, 2);
  /* A text that starts with a space gets no second one. */
  b = uth_tokenizer_encode (roberta, " the cat", -1);
  assert_ids (b, prefixed, 2);
  c = uth_tokenizer_encode (plain, "the cat", -1);
  assert_ids (c, bare, 2);
}

static GBytes *
llama2_fixture (void)
{
  GString *s = g_string_new ("{\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": ["
                             "{\"type\": \"Prepend\", \"prepend\": \"▁\"},"
                             "{\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, \"content\": \"▁\"}]},"
                             "\"pre_tokenizer\": null,"
                             "\"model\": {\"type\": \"BPE\", \"unk_token\": \"<unk>\","
                             " \"byte_fallback\": true, \"fuse_unk\": true,"
                             " \"vocab\": {\"<unk>\": 0, \"<s>\": 1, \"</s>\": 2");
  const char *pieces[] = { "▁", "t", "h", "e", "he", "▁t", "▁the" };

  for (guint i = 0; i < 256; i++)
    g_string_append_printf (s, ", \"<0x%02X>\": %u", i, 3 + i);
  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    g_string_append_printf (s, ", \"%s\": %u", pieces[i], 259 + i);
  g_string_append (s, "}, \"merges\": [\"h e\", \"▁ t\", \"▁t he\"]}}");
  return g_string_free_to_bytes (s);
}

static void
test_sentencepiece (void)
{
  g_autoptr(GBytes) bytes = llama2_fixture ();
  g_autoptr(GError) error = NULL;
  g_autoptr(UthTokenizer) tok = uth_tokenizer_new_from_bytes (bytes, "llama2-like.json", &error);
  g_autoptr(GArray) ids = NULL;
  /* "▁the▁é": ▁the (265), ▁ (259), then é missing: bytes C3 A9 as <0xC3> <0xA9>. */
  const guint32 expect[] = { 265, 259, 3 + 0xC3, 3 + 0xA9 };
  g_autofree char *shown = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (uth_bpe_get_kind (uth_tokenizer_get_bpe (tok)), ==, UTH_BPE_SENTENCEPIECE);
  ids = uth_tokenizer_encode (tok, "the é", -1);
  assert_ids (ids, expect, G_N_ELEMENTS (expect));
  shown = uth_tokenizer_describe_token (tok, 3 + 0xC3);
  g_assert_cmpstr (shown, ==, "<0xC3>");
}

static void
expect_error (const char *json,
              const char *fragment)
{
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;
  UthTokenizer *tok = uth_tokenizer_new_from_bytes (bytes, "bad/tokenizer.json", &error);

  g_assert_null (tok);
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD) ||
                 g_error_matches (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE));
  if (g_test_verbose ())
    g_printerr ("%s\n", error->message);
  g_assert_nonnull (strstr (error->message, "bad/tokenizer.json"));
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_errors (void)
{
  GString *deep = g_string_new (NULL);

  expect_error ("", "empty");
  expect_error ("{\"model\": ", "not valid JSON");
  expect_error ("[]", "(root)");
  expect_error ("{\"pre_tokenizer\": {\"type\": \"ByteLevel\"}}", "“model”");
  expect_error ("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}", "model.type");
  expect_error ("{\"pre_tokenizer\": {\"type\": \"ByteLevel\"}, \"model\": {\"vocab\": 42}}", "model.vocab");
  expect_error ("{\"pre_tokenizer\": {\"type\": \"ByteLevel\"}, \"model\": {\"vocab\": {\"a\": -1}}}",
                "model.vocab[\"a\"]");
  expect_error ("{\"pre_tokenizer\": {\"type\": \"ByteLevel\"}, \"model\": {\"vocab\": {\"a\": 0}}}",
                "byte 0x00");
  expect_error ("{\"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"model\": {\"vocab\": {\"a\": 0}}}",
                "pre_tokenizer");
  expect_error ("{\"normalizer\": {\"type\": \"Prepend\", \"prepend\": \"▁\"}, \"model\": {\"vocab\": {\"a\": 0}, \"merges\": [\"a\"]}}",
                "model.merges[0]");
  expect_error ("{\"normalizer\": {\"type\": \"Prepend\", \"prepend\": \"▁\"}, \"model\": {\"vocab\": {\"a\": 0}, \"merges\": [\"a a\"]}}",
                "model.merges[0]");
  expect_error ("{\"normalizer\": {\"type\": \"Prepend\", \"prepend\": \"▁\"}, \"model\": {\"vocab\": {\"a\": 0, \"b\": 0}}}",
                "reuses id 0");
  /* A hostile file nested a thousand deep is refused before json-glib recurses into it. */
  for (int i = 0; i < 1000; i++)
    g_string_append_c (deep, '[');
  expect_error (deep->str, "nested deeper");
  g_string_free (deep, TRUE);
}

static void
test_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = llama2_fixture ();
  g_autofree char *dir = g_dir_make_tmp ("uth-tokenizer-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tokenizer.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/tokenizer.json");
  g_autoptr(UthTokenizer) tok = NULL;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), &error));
  tok = uth_tokenizer_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tok);
  g_assert_null (uth_tokenizer_new_from_file (missing, &error));
  g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/tokenizer.json"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_default (void)
{
  UthTokenizer *tok = uth_tokenizer_get_default ();
  const char *text = "The model reads the prompt, then writes one token at a time.";
  g_autoptr(GArray) ids = NULL;
  GString *joined = g_string_new (NULL);
  const UthBpe *bpe;

  g_assert_nonnull (tok);
  g_assert_true (uth_tokenizer_is_default (tok));
  bpe = uth_tokenizer_get_bpe (tok);
  /* Trained at build time with at least a few hundred merges from the corpus. */
  g_assert_cmpuint (uth_bpe_get_n_merges (bpe), >, 300);
  g_assert_cmpuint (uth_bpe_get_vocab_size (bpe), ==, 256 + uth_bpe_get_n_merges (bpe));
  ids = uth_tokenizer_encode (tok, text, -1);
  /* Words of its own corpus compress well below one token per byte. */
  g_assert_cmpuint (ids->len, <, strlen (text) / 2);
  for (guint i = 0; i < ids->len; i++)
    {
      gsize len;
      const guint8 *b = uth_bpe_token_bytes (bpe, g_array_index (ids, guint32, i), &len);
      g_string_append_len (joined, (const char *) b, (gssize) len);
    }
  g_assert_cmpstr (joined->str, ==, text);
  g_string_free (joined, TRUE);
}

static void
test_corpus_model (void)
{
  const UthNgram *ngram = uth_corpus_model_get_default ();
  UthTokenizer *tok = uth_tokenizer_get_default ();
  g_autoptr(GArray) ids = uth_tokenizer_encode (tok, "The key", -1);
  g_autofree double *p = NULL;
  double sum = 0.0;
  guint32 vocab;

  g_assert_nonnull (ngram);
  g_assert_cmpuint (uth_corpus_model_get_n_files (), ==, 6);
  g_assert_cmpuint (uth_corpus_model_get_n_words (), >, 4000);
  vocab = uth_ngram_get_vocab (ngram);
  p = g_new0 (double, vocab);
  uth_ngram_distribution (ngram, (const guint32 *) ids->data, ids->len, p);
  for (guint32 i = 0; i < vocab; i++)
    sum += p[i];
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-9);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tokenizer/byte-level", test_byte_level);
  g_test_add_func ("/tokenizer/llama3-split", test_llama3_split);
  g_test_add_func ("/tokenizer/byte-prefix-space", test_byte_prefix_space);
  g_test_add_func ("/tokenizer/sentencepiece", test_sentencepiece);
  g_test_add_func ("/tokenizer/errors", test_errors);
  g_test_add_func ("/tokenizer/file", test_file);
  g_test_add_func ("/tokenizer/default", test_default);
  g_test_add_func ("/tokenizer/corpus-model", test_corpus_model);
  return g_test_run ();
}
