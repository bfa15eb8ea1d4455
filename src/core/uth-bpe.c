/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-bpe.h"

#include <stdlib.h>
#include <string.h>

#include "uth-pair-map.h"

struct _UthBpe
{
  UthBpeKind  kind;
  UthBpeSplit split;
  bool        add_prefix_space;
  bool        byte_fallback;
  bool        ignore_merges;
  uint32_t    unk_id;
  UthBpeClassifyFunc classify;

  uint32_t    vocab_size;     /* largest id + 1 */
  size_t     *tok_offset;     /* into blob, per id */
  uint32_t   *tok_len;        /* UINT32_MAX: no token with this id */
  uint8_t    *blob;
  size_t      blob_len;

  uint32_t    byte_token[256];/* byte-level: the single byte; SentencePiece: <0xNN> */

  uint32_t   *table;          /* bytes -> id, open addressing, UTH_BPE_NO_TOKEN empty */
  size_t      table_capacity;

  UthPairMap  ranks;          /* (left, right) -> rank << 32 | result */
  uint32_t   *merges;         /* 3 per rank: left, right, result */
  size_t      n_merges;
};

/* The symbols of a text while merging: ids, where each starts in the spelled text, and
 * whether a word starts there (merges never cross a word start). */
typedef struct
{
  uint32_t *ids;
  size_t   *offsets;
  bool     *word_start;
  size_t    n;
} Symbols;

struct _UthBpeStepper
{
  const UthBpe *bpe;
  Symbols       symbols;
  size_t        n_steps;
  /* ignore_merges: the spelled text, and whether the whole-word step is still to come. */
  uint8_t      *spelled;
  size_t        spelled_len;
  bool          whole_pending;
};

/* GPT-2's table: printable Latin-1 bytes keep their code point, the other 68 bytes are
 * numbered from U+0100 upwards in byte order. */
static bool
byte_is_printable (uint8_t b)
{
  return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
}

/* The 68 others in byte order: 0x00-0x20 (33 bytes), 0x7F-0xA0 (34), 0xAD. Closed forms,
 * as every byte of every token spelling is converted when a vocabulary loads. */
uint32_t
uth_bpe_byte_to_unicode (uint8_t byte)
{
  if (byte_is_printable (byte))
    return byte;
  if (byte <= 0x20)
    return 256u + byte;
  if (byte >= 0x7F && byte <= 0xA0)
    return 256u + 33u + (uint32_t) (byte - 0x7F);
  return 256u + 67u;   /* 0xAD, the last */
}

int
uth_bpe_unicode_to_byte (uint32_t code_point)
{
  if (code_point < 256)
    return byte_is_printable ((uint8_t) code_point) ? (int) code_point : -1;
  if (code_point < 256 + 33)
    return (int) (code_point - 256);
  if (code_point < 256 + 67)
    return (int) (0x7F + (code_point - 256 - 33));
  return code_point == 256 + 67 ? 0xAD : -1;
}

/* Decodes one UTF-8 character; invalid or truncated sequences give one byte as U+FFFD. */
static size_t
utf8_next (const uint8_t *s,
           size_t         len,
           uint32_t      *cp)
{
  size_t need, i;
  uint32_t c;

  if (s[0] < 0x80)
    {
      *cp = s[0];
      return 1;
    }
  if ((s[0] & 0xE0) == 0xC0)
    need = 2, c = s[0] & 0x1F;
  else if ((s[0] & 0xF0) == 0xE0)
    need = 3, c = s[0] & 0x0F;
  else if ((s[0] & 0xF8) == 0xF0)
    need = 4, c = s[0] & 0x07;
  else
    need = 0, c = 0;
  if (need == 0 || need > len)
    {
      *cp = 0xFFFD;
      return 1;
    }
  for (i = 1; i < need; i++)
    {
      if ((s[i] & 0xC0) != 0x80)
        {
          *cp = 0xFFFD;
          return 1;
        }
      c = (c << 6) | (s[i] & 0x3F);
    }
  *cp = c;
  return need;
}

static uint64_t
hash_bytes (const uint8_t *s,
            size_t         len)
{
  /* FNV-1a */
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t i;

  for (i = 0; i < len; i++)
    {
      h ^= s[i];
      h *= 0x100000001b3ULL;
    }
  return h;
}

static size_t
table_find (const UthBpe  *bpe,
            const uint8_t *s,
            size_t         len)
{
  size_t mask = bpe->table_capacity - 1;
  size_t i = (size_t) hash_bytes (s, len) & mask;

  for (;;)
    {
      uint32_t id = bpe->table[i];
      if (id == UTH_BPE_NO_TOKEN)
        return i;
      if (bpe->tok_len[id] == len && memcmp (bpe->blob + bpe->tok_offset[id], s, len) == 0)
        return i;
      i = (i + 1) & mask;
    }
}

uint32_t
uth_bpe_lookup (const UthBpe  *bpe,
                const uint8_t *bytes,
                size_t         length)
{
  if (bpe == NULL || bpe->table_capacity == 0)
    return UTH_BPE_NO_TOKEN;
  return bpe->table[table_find (bpe, bytes, length)];
}

/* Converts a vocabulary spelling to raw bytes in out (at least 4 x strlen bytes).
 * Returns the length, or -1 when the spelling is not valid for the kind. Sets
 * *fallback_byte to the byte of a SentencePiece "<0xNN>" token, else -1. */
static long
spelling_to_bytes (UthBpeKind  kind,
                   const char *spelling,
                   uint8_t    *out,
                   int        *fallback_byte)
{
  const uint8_t *s = (const uint8_t *) spelling;
  size_t len = strlen (spelling);
  size_t i = 0, n = 0;

  *fallback_byte = -1;
  if (len == 0)
    return -1;
  if (kind == UTH_BPE_SENTENCEPIECE)
    {
      static const char hex[] = "0123456789ABCDEF";
      if (len == 6 && memcmp (s, "<0x", 3) == 0 && s[5] == '>' &&
          strchr (hex, s[3]) != NULL && strchr (hex, s[4]) != NULL && s[3] && s[4])
        {
          *fallback_byte = (int) ((strchr (hex, s[3]) - hex) * 16 + (strchr (hex, s[4]) - hex));
          out[0] = (uint8_t) *fallback_byte;
          return 1;
        }
      while (i < len)
        {
          /* U+2581 LOWER ONE EIGHTH BLOCK stands for a space */
          if (i + 3 <= len && s[i] == 0xE2 && s[i + 1] == 0x96 && s[i + 2] == 0x81)
            {
              out[n++] = ' ';
              i += 3;
            }
          else
            out[n++] = s[i++];
        }
      return (long) n;
    }
  while (i < len)
    {
      uint32_t cp;
      int b;

      i += utf8_next (s + i, len - i, &cp);
      b = uth_bpe_unicode_to_byte (cp);
      if (b < 0)
        return -1;
      out[n++] = (uint8_t) b;
    }
  return (long) n;
}

void
uth_bpe_free (UthBpe *bpe)
{
  if (bpe == NULL)
    return;
  free (bpe->tok_offset);
  free (bpe->tok_len);
  free (bpe->blob);
  free (bpe->table);
  free (bpe->merges);
  uth_pair_map_clear (&bpe->ranks);
  free (bpe);
}

static UthBpe *
fail (UthBpe      *bpe,
      UthBpeError  code,
      size_t       index,
      UthBpeError *error,
      size_t      *error_index)
{
  if (error != NULL)
    *error = code;
  if (error_index != NULL)
    *error_index = index;
  uth_bpe_free (bpe);
  return NULL;
}

static UthBpeError
add_tokens (UthBpe           *bpe,
            const UthBpeSpec *spec,
            size_t           *bad)
{
  size_t i, total = 0;
  uint8_t *scratch;

  for (i = 0; i < spec->n_tokens; i++)
    total += strlen (spec->tokens[i]);
  bpe->blob = malloc (total + 1);
  scratch = malloc (total * 4 + 4);
  if (bpe->blob == NULL || scratch == NULL)
    {
      free (scratch);
      return UTH_BPE_NO_MEMORY;
    }
  for (i = 0; i < spec->n_tokens; i++)
    {
      uint32_t id = spec->ids[i];
      int fallback;
      long n = spelling_to_bytes (spec->kind, spec->tokens[i], scratch, &fallback);
      size_t slot;

      *bad = i;
      if (n < 0)
        {
          free (scratch);
          return UTH_BPE_BAD_TOKEN;
        }
      if (bpe->tok_len[id] != UINT32_MAX)
        {
          free (scratch);
          return UTH_BPE_DUPLICATE_ID;
        }
      /* Raw bytes are never longer than the spelling. */
      memcpy (bpe->blob + bpe->blob_len, scratch, (size_t) n);
      bpe->tok_offset[id] = bpe->blob_len;
      bpe->tok_len[id] = (uint32_t) n;
      bpe->blob_len += (size_t) n;
      if (fallback >= 0)
        {
          bpe->byte_token[fallback] = id;
          continue;
        }
      slot = table_find (bpe, scratch, (size_t) n);
      if (bpe->table[slot] == UTH_BPE_NO_TOKEN)
        bpe->table[slot] = id;
      if (spec->kind == UTH_BPE_BYTE_LEVEL && n == 1)
        bpe->byte_token[scratch[0]] = id;
    }
  free (scratch);
  return UTH_BPE_OK;
}

static UthBpeError
add_merges (UthBpe           *bpe,
            const UthBpeSpec *spec,
            size_t           *bad)
{
  size_t i, longest = 0;
  uint8_t *l, *r;
  UthBpeError err = UTH_BPE_OK;

  for (i = 0; i < spec->n_merges; i++)
    {
      size_t a = strlen (spec->merge_left[i]), b = strlen (spec->merge_right[i]);
      if (a + b > longest)
        longest = a + b;
    }
  bpe->merges = malloc ((spec->n_merges + 1) * 3 * sizeof (uint32_t));
  l = malloc (longest * 4 + 8);
  r = malloc (longest * 4 + 8);
  if (bpe->merges == NULL || l == NULL || r == NULL ||
      !uth_pair_map_init (&bpe->ranks, spec->n_merges))
    err = UTH_BPE_NO_MEMORY;
  for (i = 0; err == UTH_BPE_OK && i < spec->n_merges; i++)
    {
      int fb;
      long nl = spelling_to_bytes (spec->kind, spec->merge_left[i], l, &fb);
      long nr = spelling_to_bytes (spec->kind, spec->merge_right[i], r, &fb);
      uint32_t left, right, result;

      *bad = i;
      if (nl < 0 || nr < 0)
        {
          err = UTH_BPE_BAD_MERGE;
          break;
        }
      left = uth_bpe_lookup (bpe, l, (size_t) nl);
      right = uth_bpe_lookup (bpe, r, (size_t) nr);
      memcpy (l + nl, r, (size_t) nr);
      result = uth_bpe_lookup (bpe, l, (size_t) (nl + nr));
      if (left == UTH_BPE_NO_TOKEN || right == UTH_BPE_NO_TOKEN || result == UTH_BPE_NO_TOKEN)
        {
          err = UTH_BPE_BAD_MERGE;
          break;
        }
      bpe->merges[3 * i] = left;
      bpe->merges[3 * i + 1] = right;
      bpe->merges[3 * i + 2] = result;
      /* A repeated pair keeps its first (lowest) rank. */
      if (!uth_pair_map_lookup (&bpe->ranks, left, right, NULL) &&
          !uth_pair_map_set (&bpe->ranks, left, right, ((uint64_t) i << 32) | result))
        err = UTH_BPE_NO_MEMORY;
    }
  bpe->n_merges = spec->n_merges;
  free (l);
  free (r);
  return err;
}

UthBpe *
uth_bpe_new (const UthBpeSpec *spec,
             UthBpeError      *error,
             size_t           *error_index)
{
  UthBpe *bpe;
  size_t i, bad = 0;
  uint32_t max_id = 0;
  UthBpeError err;

  if (error != NULL)
    *error = UTH_BPE_OK;
  bpe = calloc (1, sizeof *bpe);
  if (bpe == NULL)
    return fail (NULL, UTH_BPE_NO_MEMORY, 0, error, error_index);
  bpe->kind = spec->kind;
  bpe->split = spec->kind == UTH_BPE_SENTENCEPIECE ? UTH_BPE_SPLIT_NONE : spec->split;
  bpe->add_prefix_space = spec->add_prefix_space;
  bpe->byte_fallback = spec->byte_fallback;
  bpe->ignore_merges = spec->ignore_merges;
  bpe->unk_id = spec->unk_id;
  bpe->classify = spec->classify;
  for (i = 0; i < 256; i++)
    bpe->byte_token[i] = UTH_BPE_NO_TOKEN;

  for (i = 0; i < spec->n_tokens; i++)
    {
      if (spec->ids[i] >= UTH_BPE_MAX_VOCAB)
        return fail (bpe, UTH_BPE_BAD_ID, i, error, error_index);
      if (spec->ids[i] > max_id)
        max_id = spec->ids[i];
    }
  bpe->vocab_size = spec->n_tokens > 0 ? max_id + 1 : 0;
  bpe->tok_offset = calloc (bpe->vocab_size + 1, sizeof (size_t));
  bpe->tok_len = malloc ((bpe->vocab_size + 1) * sizeof (uint32_t));
  bpe->table_capacity = 16;
  while (bpe->table_capacity < spec->n_tokens * 2 + 1)
    bpe->table_capacity *= 2;
  bpe->table = malloc (bpe->table_capacity * sizeof (uint32_t));
  if (bpe->tok_offset == NULL || bpe->tok_len == NULL || bpe->table == NULL)
    return fail (bpe, UTH_BPE_NO_MEMORY, 0, error, error_index);
  memset (bpe->tok_len, 0xFF, (bpe->vocab_size + 1) * sizeof (uint32_t));
  memset (bpe->table, 0xFF, bpe->table_capacity * sizeof (uint32_t));

  err = add_tokens (bpe, spec, &bad);
  if (err != UTH_BPE_OK)
    return fail (bpe, err, bad, error, error_index);
  if (bpe->unk_id != UTH_BPE_NO_TOKEN &&
      (bpe->unk_id >= bpe->vocab_size || bpe->tok_len[bpe->unk_id] == UINT32_MAX))
    bpe->unk_id = UTH_BPE_NO_TOKEN;
  if (spec->kind == UTH_BPE_BYTE_LEVEL)
    for (i = 0; i < 256; i++)
      if (bpe->byte_token[i] == UTH_BPE_NO_TOKEN)
        return fail (bpe, UTH_BPE_MISSING_BYTE, i, error, error_index);
  err = add_merges (bpe, spec, &bad);
  if (err != UTH_BPE_OK)
    return fail (bpe, err, bad, error, error_index);
  return bpe;
}

UthBpeKind
uth_bpe_get_kind (const UthBpe *bpe)
{
  return bpe->kind;
}

uint32_t
uth_bpe_get_vocab_size (const UthBpe *bpe)
{
  return bpe->vocab_size;
}

size_t
uth_bpe_get_n_merges (const UthBpe *bpe)
{
  return bpe->n_merges;
}

const uint8_t *
uth_bpe_token_bytes (const UthBpe *bpe,
                     uint32_t      id,
                     size_t       *length)
{
  if (id >= bpe->vocab_size || bpe->tok_len[id] == UINT32_MAX)
    {
      if (length != NULL)
        *length = 0;
      return NULL;
    }
  if (length != NULL)
    *length = bpe->tok_len[id];
  return bpe->blob + bpe->tok_offset[id];
}

bool
uth_bpe_get_merge (const UthBpe *bpe,
                   size_t        rank,
                   uint32_t     *left,
                   uint32_t     *right,
                   uint32_t     *result)
{
  if (rank >= bpe->n_merges)
    return false;
  if (left != NULL)
    *left = bpe->merges[3 * rank];
  if (right != NULL)
    *right = bpe->merges[3 * rank + 1];
  if (result != NULL)
    *result = bpe->merges[3 * rank + 2];
  return true;
}

size_t
uth_bpe_prefix_length (const UthBpe *bpe)
{
  return bpe->add_prefix_space && bpe->kind == UTH_BPE_SENTENCEPIECE ? 1 : 0;
}

size_t
uth_bpe_text_prefix_length (const UthBpe *bpe,
                            const char   *text,
                            size_t        length)
{
  if (!bpe->add_prefix_space)
    return 0;
  if (bpe->kind == UTH_BPE_SENTENCEPIECE)
    return 1;
  /* Byte-level (RoBERTa style): a space only when the text does not start with one;
   * none for the empty text, which has no word to put it before. */
  return length == 0 || text[0] == ' ' ? 0 : 1;
}

/* The text the tokens spell: the input, or a copy with the prefix space. Returns the
 * input itself when no space is added (*owned false); NULL when memory runs out. */
static const uint8_t *
spelled_text (const UthBpe *bpe,
              const char   *text,
              size_t        length,
              size_t       *spelled_len,
              bool         *owned)
{
  size_t prefix = uth_bpe_text_prefix_length (bpe, text, length);
  uint8_t *copy;

  *owned = false;
  *spelled_len = length + prefix;
  if (prefix == 0)
    return (const uint8_t *) text;
  copy = malloc (length + 1);
  if (copy == NULL)
    return NULL;
  copy[0] = ' ';
  if (length > 0)
    memcpy (copy + 1, text, length);
  *owned = true;
  return copy;
}

/* Character classes of the split patterns (\s, \p{L}, \p{N} and the rest). Without
 * Unicode tables, a code point above ASCII is a letter unless it lies in a block of
 * spaces, digits, punctuation, symbols or combining marks listed here: close enough for
 * text people type (curly quotes, dashes, ellipses, emoji and other scripts' digits are
 * classed as GPT-2's regex classes them). */
typedef UthBpeCharClass CharClass;
#define CLASS_LETTER UTH_BPE_CHAR_LETTER
#define CLASS_DIGIT  UTH_BPE_CHAR_NUMBER
#define CLASS_SPACE  UTH_BPE_CHAR_SPACE
#define CLASS_OTHER  UTH_BPE_CHAR_OTHER

typedef struct
{
  uint32_t lo, hi;
} Range;

static const Range unicode_spaces[] = {
  { 0x85, 0x85 }, { 0xA0, 0xA0 }, { 0x1680, 0x1680 }, { 0x2000, 0x200A },
  { 0x2028, 0x2029 }, { 0x202F, 0x202F }, { 0x205F, 0x205F }, { 0x3000, 0x3000 },
};

static const Range unicode_digits[] = {
  { 0xB2, 0xB3 }, { 0xB9, 0xB9 }, { 0xBC, 0xBE }, { 0x660, 0x669 }, { 0x6F0, 0x6F9 },
  { 0x966, 0x96F }, { 0x2070, 0x2079 }, { 0x2080, 0x2089 }, { 0x2150, 0x218B },
  { 0x2460, 0x249B }, { 0xFF10, 0xFF19 },
};

static const Range unicode_other[] = {
  { 0x80, 0x9F }, { 0xA1, 0xA9 }, { 0xAB, 0xB1 }, { 0xB4, 0xB4 }, { 0xB6, 0xB8 },
  { 0xBB, 0xBB }, { 0xBF, 0xBF }, { 0xD7, 0xD7 }, { 0xF7, 0xF7 },
  { 0x300, 0x36F },                       /* combining marks */
  { 0x2010, 0x2027 }, { 0x2030, 0x205E },  /* dashes, quotes, ellipsis, primes */
  { 0x20A0, 0x20CF },                     /* currency */
  { 0x2100, 0x214F },                     /* letterlike symbols (a few are letters) */
  { 0x2190, 0x23FF }, { 0x2500, 0x27BF }, { 0x2900, 0x2BFF },
  { 0x3001, 0x303F },                     /* CJK punctuation */
  { 0xFE30, 0xFE4F }, { 0xFF01, 0xFF0F }, { 0xFF1A, 0xFF20 }, { 0xFF3B, 0xFF40 },
  { 0xFF5B, 0xFF65 },
  { 0x1F000, 0x1FAFF },                   /* emoji and pictographs */
};

static bool
in_ranges (uint32_t     cp,
           const Range *ranges,
           size_t       n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (cp >= ranges[i].lo && cp <= ranges[i].hi)
      return true;
  return false;
}

static CharClass
classify (UthBpeClassifyFunc fn,
          uint32_t           cp)
{
  if (cp < 0x80)
    {
      if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
        return CLASS_LETTER;
      if (cp >= '0' && cp <= '9')
        return CLASS_DIGIT;
      if (cp == ' ' || (cp >= '\t' && cp <= '\r'))
        return CLASS_SPACE;
      return CLASS_OTHER;
    }
  if (fn != NULL)
    return fn (cp);
  if (in_ranges (cp, unicode_spaces, sizeof unicode_spaces / sizeof unicode_spaces[0]))
    return CLASS_SPACE;
  if (in_ranges (cp, unicode_digits, sizeof unicode_digits / sizeof unicode_digits[0]))
    return CLASS_DIGIT;
  if (cp == 0xFFFD || in_ranges (cp, unicode_other, sizeof unicode_other / sizeof unicode_other[0]))
    return CLASS_OTHER;
  return CLASS_LETTER;
}

/* The class of the character at s and its length in bytes. */
static CharClass
class_at (UthBpeClassifyFunc  fn,
          const uint8_t      *s,
          size_t              len,
          size_t             *n,
          uint32_t           *cp)
{
  uint32_t c;

  *n = utf8_next (s, len, &c);
  if (cp != NULL)
    *cp = c;
  return classify (fn, c);
}

/* Length in bytes of the run of characters of one class from s (at most max chars). */
static size_t
run_of (UthBpeClassifyFunc  fn,
        const uint8_t      *s,
        size_t              len,
        CharClass           cls,
        size_t              max)
{
  size_t i = 0, count = 0, n;

  while (i < len && count < max && class_at (fn, s + i, len - i, &n, NULL) == cls)
    {
      i += n;
      count++;
    }
  return i;
}

static size_t
match_contraction (const uint8_t *s,
                   size_t         len,
                   bool           any_case)
{
  static const char *const forms[] = { "'ll", "'re", "'ve", "'s", "'t", "'m", "'d" };
  size_t f, i;

  for (f = 0; f < sizeof forms / sizeof forms[0]; f++)
    {
      size_t n = strlen (forms[f]);
      bool ok = n <= len;

      for (i = 0; ok && i < n; i++)
        {
          uint8_t c = s[i];
          if (any_case && c >= 'A' && c <= 'Z')
            c = (uint8_t) (c - 'A' + 'a');
          ok = c == (uint8_t) forms[f][i];
        }
      if (ok)
        return n;
    }
  return 0;
}

/* Length of the word starting at s (at least 1 byte). */
static size_t
word_length (UthBpeSplit         split,
             UthBpeClassifyFunc  fn,
             const uint8_t      *s,
             size_t              len)
{
  bool llama3 = split == UTH_BPE_SPLIT_LLAMA3;
  size_t n0, n1 = 0, i, k, r;
  uint32_t cp0;
  CharClass c0 = class_at (fn, s, len, &n0, &cp0), c1 = CLASS_SPACE;

  if (s[0] == '\'' && (k = match_contraction (s, len, llama3)) > 0)
    return k;
  if (n0 < len)
    c1 = class_at (fn, s + n0, len - n0, &n1, NULL);
  /* ' ?\p{L}+' (Llama 3: any one character that is not a letter, digit or newline) */
  if (c1 == CLASS_LETTER &&
      (cp0 == ' ' || (llama3 && c0 != CLASS_LETTER && c0 != CLASS_DIGIT && cp0 != '\n' && cp0 != '\r')))
    return n0 + run_of (fn, s + n0, len - n0, CLASS_LETTER, SIZE_MAX);
  if (c0 == CLASS_LETTER)
    return run_of (fn, s, len, CLASS_LETTER, SIZE_MAX);
  /* ' ?\p{N}+', Llama 3: '\p{N}{1,3}' */
  if (llama3 && c0 == CLASS_DIGIT)
    return run_of (fn, s, len, CLASS_DIGIT, 3);
  if (!llama3 && cp0 == ' ' && c1 == CLASS_DIGIT)
    return n0 + run_of (fn, s + n0, len - n0, CLASS_DIGIT, SIZE_MAX);
  if (c0 == CLASS_DIGIT)
    return run_of (fn, s, len, CLASS_DIGIT, SIZE_MAX);
  /* ' ?[^\s\p{L}\p{N}]+' (Llama 3 adds '[\r\n]*') */
  i = (cp0 == ' ' && c1 == CLASS_OTHER) ? n0 : 0;
  if (class_at (fn, s + i, len - i, &k, NULL) == CLASS_OTHER)
    {
      i += run_of (fn, s + i, len - i, CLASS_OTHER, SIZE_MAX);
      if (llama3)
        while (i < len && (s[i] == '\r' || s[i] == '\n'))
          i++;
      return i;
    }
  /* '\s+(?!\S)|\s+': a run of spaces leaves its last one to the word that follows. */
  r = run_of (fn, s, len, CLASS_SPACE, SIZE_MAX);
  if (r < len && r > n0)
    {
      /* Back off one character: find where the last space character starts. */
      size_t last = 0, j = 0, n;
      while (j < r)
        {
          last = j;
          class_at (fn, s + j, r - j, &n, NULL);
          j += n;
        }
      r = last;
    }
  return r > 0 ? r : n0;
}

size_t
uth_bpe_split_words (UthBpeSplit  split,
                     const char  *text,
                     size_t       length,
                     size_t      *starts,
                     size_t       max)
{
  return uth_bpe_split_words_classified (split, NULL, text, length, starts, max);
}

size_t
uth_bpe_split_words_classified (UthBpeSplit         split,
                                UthBpeClassifyFunc  fn,
                                const char         *text,
                                size_t              length,
                                size_t             *starts,
                                size_t              max)
{
  const uint8_t *s = (const uint8_t *) text;
  size_t pos = 0, n = 0;

  if (split == UTH_BPE_SPLIT_NONE)
    {
      if (length > 0 && max > 0)
        starts[0] = 0;
      return length > 0 ? 1 : 0;
    }
  while (pos < length)
    {
      if (n < max)
        starts[n] = pos;
      n++;
      pos += word_length (split, fn, s + pos, length - pos);
    }
  return n;
}

static void
symbols_clear (Symbols *sym)
{
  free (sym->ids);
  free (sym->offsets);
  free (sym->word_start);
  memset (sym, 0, sizeof *sym);
}

static bool
symbols_alloc (Symbols *sym,
               size_t   n)
{
  sym->ids = malloc ((n + 1) * sizeof (uint32_t));
  sym->offsets = malloc ((n + 1) * sizeof (size_t));
  sym->word_start = malloc ((n + 1) * sizeof (bool));
  sym->n = 0;
  if (sym->ids == NULL || sym->offsets == NULL || sym->word_start == NULL)
    {
      symbols_clear (sym);
      return false;
    }
  return true;
}

static void
symbols_push (Symbols  *sym,
              uint32_t  id,
              size_t    offset,
              bool      word_start)
{
  sym->ids[sym->n] = id;
  sym->offsets[sym->n] = offset;
  sym->word_start[sym->n] = word_start;
  sym->n++;
}

/* The starting symbols of a text: bytes (byte-level) or characters with byte fallback
 * (SentencePiece). Offsets are in the spelled text (after the prefix space). */
static bool
symbols_init (const UthBpe *bpe,
              const char   *text,
              size_t        length,
              Symbols      *sym)
{
  const uint8_t *s = (const uint8_t *) text;
  size_t i, prefix = uth_bpe_text_prefix_length (bpe, text, length);

  if (!symbols_alloc (sym, length + prefix))
    return false;
  if (bpe->kind == UTH_BPE_BYTE_LEVEL)
    {
      /* The words are cut from the spelled text, so a prefix space joins the first word. */
      size_t spelled_len, n_words, w = 0;
      bool owned;
      const uint8_t *spelled = spelled_text (bpe, text, length, &spelled_len, &owned);
      size_t *starts = malloc ((spelled_len + 1) * sizeof (size_t));

      if (starts == NULL || spelled == NULL)
        {
          free (starts);
          if (owned)
            free ((void *) spelled);
          symbols_clear (sym);
          return false;
        }
      n_words = uth_bpe_split_words_classified (bpe->split, bpe->classify,
                                                (const char *) spelled, spelled_len, starts,
                                                spelled_len + 1);
      for (i = 0; i < spelled_len; i++)
        {
          bool start = w < n_words && starts[w] == i;
          if (start)
            w++;
          symbols_push (sym, bpe->byte_token[spelled[i]], i, start);
        }
      free (starts);
      if (owned)
        free ((void *) spelled);
      return true;
    }
  if (prefix > 0)
    {
      uint32_t id = uth_bpe_lookup (bpe, (const uint8_t *) " ", 1);
      if (id == UTH_BPE_NO_TOKEN && bpe->byte_fallback)
        id = bpe->byte_token[' '];
      if (id == UTH_BPE_NO_TOKEN)
        id = bpe->unk_id;
      if (id != UTH_BPE_NO_TOKEN)
        symbols_push (sym, id, 0, sym->n == 0);
    }
  for (i = 0; i < length;)
    {
      uint32_t cp, id;
      size_t n = utf8_next (s + i, length - i, &cp), j;

      id = uth_bpe_lookup (bpe, s + i, n);
      if (id != UTH_BPE_NO_TOKEN)
        symbols_push (sym, id, prefix + i, sym->n == 0);
      else if (bpe->byte_fallback)
        for (j = 0; j < n; j++)
          {
            uint32_t b = bpe->byte_token[s[i + j]];
            if (b == UTH_BPE_NO_TOKEN)
              b = bpe->unk_id;
            if (b != UTH_BPE_NO_TOKEN)
              symbols_push (sym, b, prefix + i + j, sym->n == 0);
          }
      else if (bpe->unk_id != UTH_BPE_NO_TOKEN)
        symbols_push (sym, bpe->unk_id, prefix + i, sym->n == 0);
      i += n;
    }
  return true;
}

/* ignore_merges (Llama 3): every word of several symbols whose bytes are a vocabulary
 * entry becomes that one token, before any merge. Returns how many words were taken. */
static size_t
take_whole_words (const UthBpe  *bpe,
                  const uint8_t *spelled,
                  size_t         spelled_len,
                  Symbols       *sym)
{
  size_t w, out = 0, taken = 0;

  for (w = 0; w < sym->n;)
    {
      size_t end = w + 1, last;
      uint32_t whole;

      while (end < sym->n && !sym->word_start[end])
        end++;
      last = end < sym->n ? sym->offsets[end] : spelled_len;
      whole = end - w > 1 ? uth_bpe_lookup (bpe, spelled + sym->offsets[w],
                                             last - sym->offsets[w])
                          : UTH_BPE_NO_TOKEN;
      if (whole != UTH_BPE_NO_TOKEN)
        {
          sym->ids[out] = whole;
          sym->offsets[out] = sym->offsets[w];
          sym->word_start[out] = sym->word_start[w];
          out++;
          taken++;
        }
      else
        for (; w < end; w++, out++)
          {
            sym->ids[out] = sym->ids[w];
            sym->offsets[out] = sym->offsets[w];
            sym->word_start[out] = sym->word_start[w];
          }
      w = end;
    }
  sym->n = out;
  return taken;
}

/* One merge step over symbols [from, to): the lowest-ranked pair anywhere, merged at
 * every place left to right. False when no pair has a rank. */
static bool
merge_step (const UthBpe *bpe,
            Symbols      *sym,
            size_t        from,
            size_t        to,
            UthBpeStep   *step,
            size_t       *new_to)
{
  uint64_t best = UINT64_MAX, v;
  size_t i, out;
  uint32_t left, right, result;

  for (i = from; i + 1 < to; i++)
    if (!sym->word_start[i + 1] &&
        uth_pair_map_lookup (&bpe->ranks, sym->ids[i], sym->ids[i + 1], &v) && v < best)
      best = v;
  if (best == UINT64_MAX)
    return false;
  left = bpe->merges[3 * (best >> 32)];
  right = bpe->merges[3 * (best >> 32) + 1];
  result = (uint32_t) (best & 0xFFFFFFFFu);
  step->rank = (size_t) (best >> 32);
  step->left = left;
  step->right = right;
  step->result = result;
  step->places = 0;
  for (i = from, out = from; i < to; out++)
    {
      sym->offsets[out] = sym->offsets[i];
      sym->word_start[out] = sym->word_start[i];
      if (i + 1 < to && !sym->word_start[i + 1] &&
          sym->ids[i] == left && sym->ids[i + 1] == right)
        {
          sym->ids[out] = result;
          step->places++;
          i += 2;
        }
      else
        sym->ids[out] = sym->ids[i++];
    }
  *new_to = out;
  return true;
}

static size_t
emit (size_t    *n,
      uint32_t  *ids,
      size_t     max_ids,
      uint32_t   id)
{
  if (*n < max_ids)
    ids[*n] = id;
  return ++*n;
}

/* Words longer than this merge through a heap of candidate pairs (ordered by rank, then
 * place): O(n log n) rather than the step-by-step O(n^2), so a pasted megabyte without a
 * space does not hang. Both merge the lowest rank first and, within a rank, from the left,
 * so they agree whenever every merge comes after the merges that make its two parts (true
 * of every trained vocabulary; tests/test-gpt2-tokenizer.c checks it on GPT-2's). */
#define HEAP_WORD_SYMBOLS 48

typedef struct
{
  uint64_t *keys;  /* rank << 32 | place */
  size_t    n;
} PairHeap;

static void
heap_push (PairHeap *h,
           uint64_t  key)
{
  size_t i = h->n++;

  while (i > 0 && h->keys[(i - 1) / 2] > key)
    {
      h->keys[i] = h->keys[(i - 1) / 2];
      i = (i - 1) / 2;
    }
  h->keys[i] = key;
}

static uint64_t
heap_pop (PairHeap *h)
{
  uint64_t top = h->keys[0], last = h->keys[--h->n];
  size_t i = 0;

  for (;;)
    {
      size_t c = 2 * i + 1;
      if (c >= h->n)
        break;
      if (c + 1 < h->n && h->keys[c + 1] < h->keys[c])
        c++;
      if (h->keys[c] >= last)
        break;
      h->keys[i] = h->keys[c];
      i = c;
    }
  if (h->n > 0)
    h->keys[i] = last;
  return top;
}

/* Pushes the pair starting at place i (whose right neighbour is next[i]) if it has a rank. */
static void
heap_offer (const UthBpe   *bpe,
            PairHeap       *h,
            const uint32_t *ids,
            const uint32_t *next,
            uint32_t        i)
{
  uint64_t v;

  if (next[i] != UINT32_MAX && uth_pair_map_lookup (&bpe->ranks, ids[i], ids[next[i]], &v))
    heap_push (h, (v & 0xFFFFFFFF00000000ULL) | i);
}

/* Merges symbols [from, to) of one word completely; returns the new end. False from
 * *ok when memory runs out (the word is then left as it was). */
static size_t
merge_word_heap (const UthBpe *bpe,
                 Symbols      *sym,
                 size_t        from,
                 size_t        to,
                 bool         *ok)
{
  size_t m = to - from, i, out;
  uint32_t *ids = sym->ids + from;
  uint32_t *next = malloc (m * sizeof (uint32_t));
  uint32_t *prev = malloc (m * sizeof (uint32_t));
  bool *dead = calloc (m, sizeof (bool));
  PairHeap h = { malloc (3 * m * sizeof (uint64_t)), 0 };

  *ok = next != NULL && prev != NULL && dead != NULL && h.keys != NULL && m < UINT32_MAX;
  if (!*ok)
    goto done;
  for (i = 0; i < m; i++)
    {
      next[i] = i + 1 < m ? (uint32_t) (i + 1) : UINT32_MAX;
      prev[i] = i > 0 ? (uint32_t) (i - 1) : UINT32_MAX;
    }
  for (i = 0; i + 1 < m; i++)
    heap_offer (bpe, &h, ids, next, (uint32_t) i);
  /* The heap is sized for every push: m - 1 at the start, at most 2 per merge. */
  while (h.n > 0)
    {
      uint64_t key = heap_pop (&h), v;
      uint32_t p = (uint32_t) (key & 0xFFFFFFFFu), q;

      /* Stale: the place was merged into its left neighbour, or its pair changed. */
      if (dead[p] || next[p] == UINT32_MAX ||
          !uth_pair_map_lookup (&bpe->ranks, ids[p], ids[next[p]], &v) ||
          (v >> 32) != (key >> 32))
        continue;
      q = next[p];
      ids[p] = (uint32_t) (v & 0xFFFFFFFFu);
      dead[q] = true;
      next[p] = next[q];
      if (next[q] != UINT32_MAX)
        prev[next[q]] = p;
      if (prev[p] != UINT32_MAX)
        heap_offer (bpe, &h, ids, next, prev[p]);
      heap_offer (bpe, &h, ids, next, p);
    }
  for (i = 0, out = from; i < m; i++)
    if (!dead[i])
      {
        sym->ids[out] = ids[i];
        sym->offsets[out] = sym->offsets[from + i];
        sym->word_start[out] = sym->word_start[from + i];
        out++;
      }
  to = out;

done:
  free (next);
  free (prev);
  free (dead);
  free (h.keys);
  return to;
}

size_t
uth_bpe_encode (const UthBpe *bpe,
                const char   *text,
                size_t        length,
                uint32_t     *ids,
                size_t        max_ids)
{
  Symbols sym = { 0 };
  size_t w, n = 0;

  if (bpe == NULL || text == NULL || !symbols_init (bpe, text, length, &sym))
    return 0;
  if (bpe->ignore_merges && bpe->kind == UTH_BPE_BYTE_LEVEL)
    {
      size_t spelled_len;
      bool owned;
      const uint8_t *spelled = spelled_text (bpe, text, length, &spelled_len, &owned);

      if (spelled == NULL)
        {
          symbols_clear (&sym);
          return 0;
        }
      take_whole_words (bpe, spelled, spelled_len, &sym);
      if (owned)
        free ((void *) spelled);
    }
  for (w = 0; w < sym.n;)
    {
      size_t end = w + 1, i;
      UthBpeStep step;

      while (end < sym.n && !sym.word_start[end])
        end++;
      /* Merging only shrinks the word; symbols after it stay where they are. */
      {
        size_t to = end;
        bool ok = false;

        if (end - w > HEAP_WORD_SYMBOLS)
          to = merge_word_heap (bpe, &sym, w, end, &ok);
        if (!ok)
          while (merge_step (bpe, &sym, w, to, &step, &to))
            ;
        for (i = w; i < to; i++)
          emit (&n, ids, max_ids, sym.ids[i]);
      }
      w = end;
    }
  symbols_clear (&sym);
  return n;
}

UthBpeStepper *
uth_bpe_stepper_new (const UthBpe *bpe,
                     const char   *text,
                     size_t        length)
{
  UthBpeStepper *stepper = calloc (1, sizeof *stepper);

  if (stepper == NULL)
    return NULL;
  stepper->bpe = bpe;
  if (!symbols_init (bpe, text, length, &stepper->symbols))
    {
      free (stepper);
      return NULL;
    }
  if (bpe->ignore_merges && bpe->kind == UTH_BPE_BYTE_LEVEL)
    {
      bool owned;
      const uint8_t *spelled = spelled_text (bpe, text, length, &stepper->spelled_len, &owned);

      stepper->spelled = malloc (stepper->spelled_len + 1);
      if (spelled == NULL || stepper->spelled == NULL)
        {
          if (owned)
            free ((void *) spelled);
          uth_bpe_stepper_free (stepper);
          return NULL;
        }
      if (stepper->spelled_len > 0)
        memcpy (stepper->spelled, spelled, stepper->spelled_len);
      if (owned)
        free ((void *) spelled);
      stepper->whole_pending = true;
    }
  return stepper;
}

void
uth_bpe_stepper_free (UthBpeStepper *stepper)
{
  if (stepper == NULL)
    return;
  symbols_clear (&stepper->symbols);
  free (stepper->spelled);
  free (stepper);
}

bool
uth_bpe_stepper_next (UthBpeStepper *stepper,
                      UthBpeStep    *step)
{
  UthBpeStep local;
  size_t to;

  if (step == NULL)
    step = &local;
  step->whole_words = false;
  /* As the encoder: whole words first, in one step of their own (when there are any). */
  if (stepper->whole_pending)
    {
      size_t taken = take_whole_words (stepper->bpe, stepper->spelled, stepper->spelled_len,
                                       &stepper->symbols);
      stepper->whole_pending = false;
      if (taken > 0)
        {
          step->whole_words = true;
          step->rank = SIZE_MAX;
          step->left = step->right = step->result = UTH_BPE_NO_TOKEN;
          step->places = taken;
          stepper->n_steps++;
          return true;
        }
    }
  if (!merge_step (stepper->bpe, &stepper->symbols, 0, stepper->symbols.n,
                   step, &to))
    return false;
  stepper->symbols.n = to;
  stepper->n_steps++;
  return true;
}

size_t
uth_bpe_stepper_n_steps (const UthBpeStepper *stepper)
{
  return stepper->n_steps;
}

size_t
uth_bpe_stepper_n_tokens (const UthBpeStepper *stepper)
{
  return stepper->symbols.n;
}

const uint32_t *
uth_bpe_stepper_tokens (const UthBpeStepper *stepper)
{
  return stepper->symbols.ids;
}

const size_t *
uth_bpe_stepper_offsets (const UthBpeStepper *stepper)
{
  return stepper->symbols.offsets;
}
