/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The core BPE tokenizer against encodings worked out by hand on small vocabularies. */
#include <glib.h>
#include <string.h>

#include "core/uth-bpe.h"
#include "core/uth-bpe-train.h"

/* Spells raw bytes in GPT-2's byte-level alphabet (each byte one code point). */
static char *
spell (const char *raw)
{
  GString *s = g_string_new (NULL);
  const guchar *p;

  for (p = (const guchar *) raw; *p; p++)
    g_string_append_unichar (s, uth_bpe_byte_to_unicode (*p));
  return g_string_free (s, FALSE);
}

/* Ids 0..255 are the bytes; merges follow from 256 in rank order. */
static const char *const toy_merges[][2] = {
  { "t", "h" },      /* 256 th */
  { "th", "e" },     /* 257 the */
  { " ", "the" },    /* 258 " the" */
  { "a", "t" },      /* 259 at */
  { "c", "at" },     /* 260 cat */
  { " ", "cat" },    /* 261 " cat" */
  { "s", "at" },     /* 262 sat */
  { "a", "a" },      /* 263 aa */
};
#define N_TOY_MERGES G_N_ELEMENTS (toy_merges)

typedef struct
{
  GPtrArray *tokens;
  GArray    *ids;
  GPtrArray *left;
  GPtrArray *right;
} Vocab;

static void
vocab_init_bytes (Vocab *v)
{
  guint b;

  v->tokens = g_ptr_array_new_with_free_func (g_free);
  v->ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  v->left = g_ptr_array_new_with_free_func (g_free);
  v->right = g_ptr_array_new_with_free_func (g_free);
  for (b = 0; b < 256; b++)
    {
      GString *s = g_string_new (NULL);
      g_string_append_unichar (s, uth_bpe_byte_to_unicode ((guint8) b));
      g_ptr_array_add (v->tokens, g_string_free (s, FALSE));
      g_array_append_val (v->ids, b);
    }
}

static void
vocab_clear (Vocab *v)
{
  g_ptr_array_unref (v->tokens);
  g_array_unref (v->ids);
  g_ptr_array_unref (v->left);
  g_ptr_array_unref (v->right);
}

static UthBpe *
toy_new (void)
{
  Vocab v;
  UthBpeSpec spec = { 0 };
  UthBpe *bpe;
  UthBpeError error;
  guint i;

  vocab_init_bytes (&v);
  for (i = 0; i < N_TOY_MERGES; i++)
    {
      guint32 id = 256 + i;
      char *joined = g_strconcat (toy_merges[i][0], toy_merges[i][1], NULL);
      g_ptr_array_add (v.tokens, spell (joined));
      g_array_append_val (v.ids, id);
      g_ptr_array_add (v.left, spell (toy_merges[i][0]));
      g_ptr_array_add (v.right, spell (toy_merges[i][1]));
      g_free (joined);
    }
  spec.kind = UTH_BPE_BYTE_LEVEL;
  spec.split = UTH_BPE_SPLIT_GPT2;
  spec.tokens = (const char *const *) v.tokens->pdata;
  spec.ids = (const guint32 *) v.ids->data;
  spec.n_tokens = v.tokens->len;
  spec.merge_left = (const char *const *) v.left->pdata;
  spec.merge_right = (const char *const *) v.right->pdata;
  spec.n_merges = v.left->len;
  spec.unk_id = UTH_BPE_NO_TOKEN;
  bpe = uth_bpe_new (&spec, &error, NULL);
  g_assert_cmpint (error, ==, UTH_BPE_OK);
  g_assert_nonnull (bpe);
  vocab_clear (&v);
  return bpe;
}

static void
test_byte_to_unicode (void)
{
  guint b;

  /* GPT-2's encoder.py: printable bytes map to themselves; the other 68 are numbered
   * from U+0100 in byte order: 0x00..0x20 are U+0100..U+0120 ("Ġ" is the space),
   * 0x7F..0xA0 are U+0121..U+0142, 0xAD is U+0143. */
  g_assert_cmpuint (uth_bpe_byte_to_unicode ('a'), ==, 'a');
  g_assert_cmpuint (uth_bpe_byte_to_unicode (0x00), ==, 0x100);
  g_assert_cmpuint (uth_bpe_byte_to_unicode (' '), ==, 0x120);
  g_assert_cmpuint (uth_bpe_byte_to_unicode ('\n'), ==, 0x10A);
  g_assert_cmpuint (uth_bpe_byte_to_unicode (0x7F), ==, 0x121);
  g_assert_cmpuint (uth_bpe_byte_to_unicode (0xAD), ==, 0x143);
  g_assert_cmpuint (uth_bpe_byte_to_unicode (0xFF), ==, 0xFF);
  for (b = 0; b < 256; b++)
    g_assert_cmpint (uth_bpe_unicode_to_byte (uth_bpe_byte_to_unicode ((guint8) b)), ==, (int) b);
  g_assert_cmpint (uth_bpe_unicode_to_byte (' '), ==, -1);
  g_assert_cmpint (uth_bpe_unicode_to_byte (0x144), ==, -1);
}

static void
test_split (void)
{
  const char *text = "Hello world's 123  !!\n";
  size_t starts[16];
  size_t n = uth_bpe_split_words (UTH_BPE_SPLIT_GPT2, text, strlen (text), starts, 16);
  /* "Hello" " world" "'s" " 123" " " " !!" "\n": the run of two spaces gives its last
   * one to the punctuation that follows. */
  const size_t expect[] = { 0, 5, 11, 13, 17, 18, 21 };
  size_t i;

  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expect));
  for (i = 0; i < n; i++)
    g_assert_cmpuint (starts[i], ==, expect[i]);

  /* Beyond ASCII: a curly apostrophe and quotes are punctuation, not letters (GPT-2 keeps
   * only the ASCII apostrophe for contractions); a word of another script is one word. */
  text = "Don’t “go” 東京";
  n = uth_bpe_split_words (UTH_BPE_SPLIT_GPT2, text, strlen (text), starts, 16);
  /* "Don" "’" "t" " “" "go" "”" " 東京" */
  g_assert_cmpuint (n, ==, 7);
  g_assert_cmpuint (starts[1], ==, 3);
  g_assert_cmpuint (starts[2], ==, 6);
  g_assert_cmpuint (starts[6], ==, strlen ("Don’t “go”"));

  /* Llama 3 keeps digits in runs of at most three, and contractions in any case. */
  text = "12345 IT'S";
  n = uth_bpe_split_words (UTH_BPE_SPLIT_LLAMA3, text, strlen (text), starts, 16);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (starts[1], ==, 3);
  g_assert_cmpuint (starts[2], ==, 5);
  g_assert_cmpuint (starts[3], ==, 8);
}

static void
test_encode (void)
{
  UthBpe *bpe = toy_new ();
  guint32 ids[32];
  size_t n;

  /* "the" -> th e -> the; " cat" -> Ġ c at -> Ġ cat -> Ġcat; " sat" -> Ġ s at -> Ġ sat
   * (no merge joins a space to "sat"). */
  n = uth_bpe_encode (bpe, "the cat sat", 11, ids, G_N_ELEMENTS (ids));
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (ids[0], ==, 257);
  g_assert_cmpuint (ids[1], ==, 261);
  g_assert_cmpuint (ids[2], ==, ' ');
  g_assert_cmpuint (ids[3], ==, 262);

  /* Merges apply left to right without overlapping: aaa -> aa a. */
  n = uth_bpe_encode (bpe, "aaa", 3, ids, G_N_ELEMENTS (ids));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (ids[0], ==, 263);
  g_assert_cmpuint (ids[1], ==, 'a');

  /* Too little room: the count needed is still returned. */
  n = uth_bpe_encode (bpe, "the cat sat", 11, ids, 2);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (uth_bpe_encode (bpe, "", 0, ids, 4), ==, 0);
  uth_bpe_free (bpe);
}

static void
check_concatenation (const UthBpe        *bpe,
                     const UthBpeStepper *stepper,
                     const char          *text)
{
  GString *joined = g_string_new (NULL);
  const guint32 *tokens = uth_bpe_stepper_tokens (stepper);
  const size_t *offsets = uth_bpe_stepper_offsets (stepper);
  size_t i;

  for (i = 0; i < uth_bpe_stepper_n_tokens (stepper); i++)
    {
      size_t len;
      const guint8 *bytes = uth_bpe_token_bytes (bpe, tokens[i], &len);
      g_assert_cmpuint (offsets[i], ==, joined->len);
      g_string_append_len (joined, (const char *) bytes, (gssize) len);
    }
  g_assert_cmpstr (joined->str, ==, text);
  g_string_free (joined, TRUE);
}

static void
test_steps (void)
{
  UthBpe *bpe = toy_new ();
  const char *text = "the cat sat on the mat, aaaa";
  UthBpeStepper *stepper = uth_bpe_stepper_new (bpe, text, strlen (text));
  UthBpeStep step;
  size_t last_rank = 0, steps = 0, i;
  guint32 ids[64];
  size_t n;

  g_assert_nonnull (stepper);
  /* Before any merge: one token per byte. */
  g_assert_cmpuint (uth_bpe_stepper_n_tokens (stepper), ==, strlen (text));
  check_concatenation (bpe, stepper, text);
  while (uth_bpe_stepper_next (stepper, &step))
    {
      guint32 l, r, res;
      steps++;
      /* Rank order: each step's merge ranks at or after the previous one's. */
      g_assert_cmpuint (step.rank, >=, last_rank);
      last_rank = step.rank;
      g_assert_true (uth_bpe_get_merge (bpe, step.rank, &l, &r, &res));
      g_assert_cmpuint (step.left, ==, l);
      g_assert_cmpuint (step.right, ==, r);
      g_assert_cmpuint (step.result, ==, res);
      g_assert_cmpuint (step.places, >=, 1);
      check_concatenation (bpe, stepper, text);
    }
  g_assert_cmpuint (uth_bpe_stepper_n_steps (stepper), ==, steps);
  /* th, the, " the" (second "the"), at (x3), cat, " cat", sat, aa (x2) */
  g_assert_cmpuint (steps, ==, 8);
  /* The last state is the encoding. */
  n = uth_bpe_encode (bpe, text, strlen (text), ids, G_N_ELEMENTS (ids));
  g_assert_cmpuint (n, ==, uth_bpe_stepper_n_tokens (stepper));
  for (i = 0; i < n; i++)
    g_assert_cmpuint (ids[i], ==, uth_bpe_stepper_tokens (stepper)[i]);
  uth_bpe_stepper_free (stepper);
  uth_bpe_free (bpe);
}

static void
test_sentencepiece (void)
{
  /* Llama 2 style: "<unk>", byte fallback tokens, then characters and merges, with "▁"
   * for a space and one put before the text. */
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  const char *pieces[] = { "▁", "t", "h", "e", "he", "▁t", "▁the" };
  const char *left[] = { "h", "▁", "▁t" };
  const char *right[] = { "e", "t", "he" };
  UthBpeSpec spec = { 0 };
  UthBpe *bpe;
  UthBpeError error;
  guint32 out[16], id;
  size_t n, i, len;
  const guint8 *bytes;

  id = 0;
  g_ptr_array_add (tokens, g_strdup ("<unk>"));
  g_array_append_val (ids, id);
  for (i = 0; i < 256; i++)
    {
      id = 1 + (guint32) i;
      g_ptr_array_add (tokens, g_strdup_printf ("<0x%02X>", (guint) i));
      g_array_append_val (ids, id);
    }
  for (i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      id = 257 + (guint32) i;
      g_ptr_array_add (tokens, g_strdup (pieces[i]));
      g_array_append_val (ids, id);
    }
  spec.kind = UTH_BPE_SENTENCEPIECE;
  spec.tokens = (const char *const *) tokens->pdata;
  spec.ids = (const guint32 *) ids->data;
  spec.n_tokens = tokens->len;
  spec.merge_left = left;
  spec.merge_right = right;
  spec.n_merges = G_N_ELEMENTS (left);
  spec.add_prefix_space = TRUE;
  spec.byte_fallback = TRUE;
  spec.unk_id = 0;
  bpe = uth_bpe_new (&spec, &error, NULL);
  g_assert_nonnull (bpe);
  g_assert_cmpuint (uth_bpe_prefix_length (bpe), ==, 1);

  /* "▁the▁é": he, ▁t, ▁the; "é" is not in the vocabulary: bytes C3 A9. */
  n = uth_bpe_encode (bpe, "the é", strlen ("the é"), out, G_N_ELEMENTS (out));
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (out[0], ==, 263);
  g_assert_cmpuint (out[1], ==, 257);
  g_assert_cmpuint (out[2], ==, 1 + 0xC3);
  g_assert_cmpuint (out[3], ==, 1 + 0xA9);
  bytes = uth_bpe_token_bytes (bpe, 263, &len);
  g_assert_cmpmem (bytes, len, " the", 4);

  /* The step-through spells the prefixed text, fallback bytes included. */
  {
    UthBpeStepper *stepper = uth_bpe_stepper_new (bpe, "the é", strlen ("the é"));
    while (uth_bpe_stepper_next (stepper, NULL))
      ;
    check_concatenation (bpe, stepper, " the é");
    g_assert_cmpuint (uth_bpe_stepper_n_steps (stepper), ==, 3);
    uth_bpe_stepper_free (stepper);
  }

  /* Without byte fallback an unknown character is <unk>. */
  spec.byte_fallback = FALSE;
  uth_bpe_free (bpe);
  bpe = uth_bpe_new (&spec, &error, NULL);
  n = uth_bpe_encode (bpe, "é", strlen ("é"), out, G_N_ELEMENTS (out));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (out[1], ==, 0);
  uth_bpe_free (bpe);
  g_ptr_array_unref (tokens);
  g_array_unref (ids);
}

/* Llama 3's ignore_merges: a word that is itself a token is taken whole. */
static void
test_ignore_merges (void)
{
  Vocab v;
  UthBpeSpec spec = { 0 };
  UthBpe *bpe;
  guint32 ids[8], id;

  vocab_init_bytes (&v);
  id = 256;
  g_ptr_array_add (v.tokens, g_strdup ("aa"));
  g_array_append_val (v.ids, id);
  id = 257;
  g_ptr_array_add (v.tokens, g_strdup ("aaa"));
  g_array_append_val (v.ids, id);
  g_ptr_array_add (v.left, g_strdup ("a"));
  g_ptr_array_add (v.right, g_strdup ("a"));
  spec.kind = UTH_BPE_BYTE_LEVEL;
  spec.split = UTH_BPE_SPLIT_GPT2;
  spec.tokens = (const char *const *) v.tokens->pdata;
  spec.ids = (const guint32 *) v.ids->data;
  spec.n_tokens = v.tokens->len;
  spec.merge_left = (const char *const *) v.left->pdata;
  spec.merge_right = (const char *const *) v.right->pdata;
  spec.n_merges = 1;
  spec.unk_id = UTH_BPE_NO_TOKEN;
  /* Merging alone: aaa -> aa a. */
  bpe = uth_bpe_new (&spec, NULL, NULL);
  g_assert_cmpuint (uth_bpe_encode (bpe, "aaa", 3, ids, 8), ==, 2);
  uth_bpe_free (bpe);
  /* Whole words first: aaa is in the vocabulary. */
  spec.ignore_merges = TRUE;
  bpe = uth_bpe_new (&spec, NULL, NULL);
  g_assert_cmpuint (uth_bpe_encode (bpe, "aaa", 3, ids, 8), ==, 1);
  g_assert_cmpuint (ids[0], ==, 257);
  /* "aaaa" is not: merged as before. */
  g_assert_cmpuint (uth_bpe_encode (bpe, "aaaa", 4, ids, 8), ==, 2);
  g_assert_cmpuint (ids[0], ==, 256);

  /* The step-through ends where the encoder does: "aaa aaaa" is [aaa] [Ġ][aa][aa].
   * Step 1 takes the one whole word "aaa" (before, it merged a+a there and ended with
   * [aa][a], one token more than the chips above it); step 2 merges a+a twice. */
  {
    const char *text = "aaa aaaa";
    UthBpeStepper *stepper = uth_bpe_stepper_new (bpe, text, strlen (text));
    UthBpeStep step;
    size_t n = uth_bpe_encode (bpe, text, strlen (text), ids, 8), i;

    g_assert_cmpuint (n, ==, 4);
    g_assert_true (uth_bpe_stepper_next (stepper, &step));
    g_assert_true (step.whole_words);
    g_assert_cmpuint (step.places, ==, 1);
    g_assert_cmpuint (uth_bpe_stepper_n_tokens (stepper), ==, 6);
    g_assert_cmpuint (uth_bpe_stepper_tokens (stepper)[0], ==, 257);
    g_assert_true (uth_bpe_stepper_next (stepper, &step));
    g_assert_false (step.whole_words);
    g_assert_cmpuint (step.result, ==, 256);
    g_assert_cmpuint (step.places, ==, 2);
    g_assert_false (uth_bpe_stepper_next (stepper, &step));
    g_assert_cmpuint (uth_bpe_stepper_n_steps (stepper), ==, 2);
    g_assert_cmpuint (uth_bpe_stepper_n_tokens (stepper), ==, n);
    for (i = 0; i < n; i++)
      g_assert_cmpuint (uth_bpe_stepper_tokens (stepper)[i], ==, ids[i]);
    check_concatenation (bpe, stepper, text);
    uth_bpe_stepper_free (stepper);
  }
  /* No whole word of two or more bytes: no whole-word step, the merges as without. */
  {
    UthBpeStepper *stepper = uth_bpe_stepper_new (bpe, "aaaa", 4);
    UthBpeStep step;

    g_assert_true (uth_bpe_stepper_next (stepper, &step));
    g_assert_false (step.whole_words);
    g_assert_cmpuint (step.result, ==, 256);
    uth_bpe_stepper_free (stepper);
  }
  uth_bpe_free (bpe);
  vocab_clear (&v);
}

/* RoBERTa style byte-level add_prefix_space: "hi" is read as " hi", a text that starts
 * with a space gets no second one (Hugging Face's ByteLevel pre-tokenizer). */
static void
test_byte_prefix_space (void)
{
  Vocab v;
  UthBpeSpec spec = { 0 };
  UthBpe *bpe;
  guint32 ids[8], id = 256;
  UthBpeStepper *stepper;

  vocab_init_bytes (&v);
  g_ptr_array_add (v.tokens, g_strdup ("Ġh"));   /* Ġ is GPT-2's spelling of a space */
  g_array_append_val (v.ids, id);
  g_ptr_array_add (v.left, g_strdup ("Ġ"));
  g_ptr_array_add (v.right, g_strdup ("h"));
  spec.kind = UTH_BPE_BYTE_LEVEL;
  spec.split = UTH_BPE_SPLIT_GPT2;
  spec.tokens = (const char *const *) v.tokens->pdata;
  spec.ids = (const guint32 *) v.ids->data;
  spec.n_tokens = v.tokens->len;
  spec.merge_left = (const char *const *) v.left->pdata;
  spec.merge_right = (const char *const *) v.right->pdata;
  spec.n_merges = 1;
  spec.unk_id = UTH_BPE_NO_TOKEN;

  /* Without: h i. */
  bpe = uth_bpe_new (&spec, NULL, NULL);
  g_assert_cmpuint (uth_bpe_text_prefix_length (bpe, "hi", 2), ==, 0);
  g_assert_cmpuint (uth_bpe_encode (bpe, "hi", 2, ids, 8), ==, 2);
  g_assert_cmpuint (ids[0], ==, 'h');
  uth_bpe_free (bpe);

  spec.add_prefix_space = TRUE;
  bpe = uth_bpe_new (&spec, NULL, NULL);
  g_assert_cmpuint (uth_bpe_prefix_length (bpe), ==, 0);
  g_assert_cmpuint (uth_bpe_text_prefix_length (bpe, "hi", 2), ==, 1);
  g_assert_cmpuint (uth_bpe_text_prefix_length (bpe, " hi", 3), ==, 0);
  /* With: Ġh i, and " hi" the same (no second space). */
  g_assert_cmpuint (uth_bpe_encode (bpe, "hi", 2, ids, 8), ==, 2);
  g_assert_cmpuint (ids[0], ==, 256);
  g_assert_cmpuint (ids[1], ==, 'i');
  g_assert_cmpuint (uth_bpe_encode (bpe, " hi", 3, ids, 8), ==, 2);
  g_assert_cmpuint (ids[0], ==, 256);
  /* "hi hi": the space joins the first word only, the second has its own: Ġh i Ġh i. */
  g_assert_cmpuint (uth_bpe_encode (bpe, "hi hi", 5, ids, 8), ==, 4);
  g_assert_cmpuint (ids[2], ==, 256);
  /* The empty text stays empty (no lone space token). */
  g_assert_cmpuint (uth_bpe_text_prefix_length (bpe, "", 0), ==, 0);
  g_assert_cmpuint (uth_bpe_encode (bpe, "", 0, ids, 8), ==, 0);

  stepper = uth_bpe_stepper_new (bpe, "hi", 2);
  g_assert_cmpuint (uth_bpe_stepper_n_tokens (stepper), ==, 3);
  while (uth_bpe_stepper_next (stepper, NULL))
    ;
  check_concatenation (bpe, stepper, " hi");
  uth_bpe_stepper_free (stepper);
  uth_bpe_free (bpe);
  vocab_clear (&v);
}

static void
test_errors (void)
{
  Vocab v;
  UthBpeSpec spec = { 0 };
  UthBpeError error;
  size_t index = 0;
  guint32 id;

  vocab_init_bytes (&v);
  spec.kind = UTH_BPE_BYTE_LEVEL;
  spec.tokens = (const char *const *) v.tokens->pdata;
  spec.ids = (const guint32 *) v.ids->data;
  spec.unk_id = UTH_BPE_NO_TOKEN;

  /* 255 bytes only: the last is missing. */
  spec.n_tokens = 255;
  g_assert_null (uth_bpe_new (&spec, &error, &index));
  g_assert_cmpint (error, ==, UTH_BPE_MISSING_BYTE);
  g_assert_cmpuint (index, ==, 255);

  /* A merge whose result is not in the vocabulary. */
  g_ptr_array_add (v.left, g_strdup ("a"));
  g_ptr_array_add (v.right, g_strdup ("b"));
  spec.n_tokens = 256;
  spec.merge_left = (const char *const *) v.left->pdata;
  spec.merge_right = (const char *const *) v.right->pdata;
  spec.n_merges = 1;
  g_assert_null (uth_bpe_new (&spec, &error, &index));
  g_assert_cmpint (error, ==, UTH_BPE_BAD_MERGE);
  g_assert_cmpuint (index, ==, 0);

  /* Two tokens with one id. */
  id = 5;
  g_ptr_array_add (v.tokens, g_strdup ("ab"));
  g_array_append_val (v.ids, id);
  spec.tokens = (const char *const *) v.tokens->pdata;
  spec.ids = (const guint32 *) v.ids->data;
  spec.n_tokens = 257;
  spec.n_merges = 0;
  g_assert_null (uth_bpe_new (&spec, &error, &index));
  g_assert_cmpint (error, ==, UTH_BPE_DUPLICATE_ID);
  g_assert_cmpuint (index, ==, 256);

  /* A space is not in the byte-level alphabet (it is spelled "Ġ"). */
  g_array_index (v.ids, guint32, 256) = 300;
  g_free (v.tokens->pdata[256]);
  v.tokens->pdata[256] = g_strdup ("a b");
  g_assert_null (uth_bpe_new (&spec, &error, &index));
  g_assert_cmpint (error, ==, UTH_BPE_BAD_TOKEN);
  vocab_clear (&v);
}

static void
test_train (void)
{
  UthBpeTrainMerge merges[8];
  size_t n;
  const char *text = "ab ab ab";

  /* Words "ab", " ab", " ab": (a, b) occurs 3 times, (space, a) twice. After the first
   * merge the words are [256], [32 256] x 2, so (32, 256) follows with 2. */
  n = uth_bpe_train (text, strlen (text), UTH_BPE_SPLIT_GPT2, 8, 2, merges);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (merges[0].left, ==, 'a');
  g_assert_cmpuint (merges[0].right, ==, 'b');
  g_assert_cmpuint (merges[0].count, ==, 3);
  g_assert_cmpuint (merges[1].left, ==, ' ');
  g_assert_cmpuint (merges[1].right, ==, 256);
  g_assert_cmpuint (merges[1].count, ==, 2);

  /* A tie goes to the smaller pair: (space, c) before (a, b) and (c, d). */
  text = "ab cd";
  n = uth_bpe_train (text, strlen (text), UTH_BPE_SPLIT_GPT2, 1, 1, merges);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (merges[0].left, ==, ' ');
  g_assert_cmpuint (merges[0].right, ==, 'c');
}

/* Trained merges make a tokenizer that spells its own corpus back exactly. */
static void
test_train_round_trip (void)
{
  const char *text = "the cat sat on the mat; the cat ate the rat. The rat sat.";
  UthBpeTrainMerge merges[64];
  GPtrArray *raw = g_ptr_array_new_with_free_func (g_free);
  Vocab v;
  UthBpeSpec spec = { 0 };
  UthBpe *bpe;
  UthBpeStepper *stepper;
  size_t n, i;
  guint32 ids[128];

  n = uth_bpe_train (text, strlen (text), UTH_BPE_SPLIT_GPT2, 64, 2, merges);
  g_assert_cmpuint (n, >, 3);
  vocab_init_bytes (&v);
  for (i = 0; i < 256; i++)
    g_ptr_array_add (raw, g_strdup_printf ("%c", (char) (i ? i : ' ')));
  for (i = 0; i < n; i++)
    {
      guint32 id = 256 + (guint32) i;
      char *joined = g_strconcat (raw->pdata[merges[i].left], raw->pdata[merges[i].right], NULL);
      g_ptr_array_add (v.tokens, spell (joined));
      g_array_append_val (v.ids, id);
      g_ptr_array_add (v.left, spell (raw->pdata[merges[i].left]));
      g_ptr_array_add (v.right, spell (raw->pdata[merges[i].right]));
      g_ptr_array_add (raw, joined);
    }
  spec.kind = UTH_BPE_BYTE_LEVEL;
  spec.split = UTH_BPE_SPLIT_GPT2;
  spec.tokens = (const char *const *) v.tokens->pdata;
  spec.ids = (const guint32 *) v.ids->data;
  spec.n_tokens = v.tokens->len;
  spec.merge_left = (const char *const *) v.left->pdata;
  spec.merge_right = (const char *const *) v.right->pdata;
  spec.n_merges = n;
  spec.unk_id = UTH_BPE_NO_TOKEN;
  bpe = uth_bpe_new (&spec, NULL, NULL);
  g_assert_nonnull (bpe);
  i = uth_bpe_encode (bpe, text, strlen (text), ids, G_N_ELEMENTS (ids));
  /* Fewer tokens than bytes: the merges compress their own corpus. */
  g_assert_cmpuint (i, <, strlen (text));
  stepper = uth_bpe_stepper_new (bpe, text, strlen (text));
  while (uth_bpe_stepper_next (stepper, NULL))
    ;
  check_concatenation (bpe, stepper, text);
  uth_bpe_stepper_free (stepper);
  uth_bpe_free (bpe);
  vocab_clear (&v);
  g_ptr_array_unref (raw);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bpe/byte-to-unicode", test_byte_to_unicode);
  g_test_add_func ("/bpe/split", test_split);
  g_test_add_func ("/bpe/encode", test_encode);
  g_test_add_func ("/bpe/steps", test_steps);
  g_test_add_func ("/bpe/sentencepiece", test_sentencepiece);
  g_test_add_func ("/bpe/ignore-merges", test_ignore_merges);
  g_test_add_func ("/bpe/byte-prefix-space", test_byte_prefix_space);
  g_test_add_func ("/bpe/errors", test_errors);
  g_test_add_func ("/bpe/train", test_train);
  g_test_add_func ("/bpe/train-round-trip", test_train_round_trip);
  return g_test_run ();
}
