/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Byte-pair encoding: a vocabulary of byte strings and a ranked list of merges turn text
 * into token ids. Two flavours, as Hugging Face tokenizer.json files use them:
 *
 * - byte-level (GPT-2, Llama 3): text is split into words by a GPT-2 style pattern, each
 *   word starts as single bytes, and the vocabulary spells bytes with GPT-2's
 *   byte-to-unicode table ("Ġ" is a space);
 * - SentencePiece style (Llama 2): a "▁" is put before the text and stands for every
 *   space, the text starts as characters, and a character missing from the vocabulary
 *   falls back to byte tokens "<0xNN>".
 *
 * Then, in both, the adjacent pair with the lowest merge rank is merged until no pair has
 * a rank. The vocabulary comes in as arrays; nothing here reads files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum
{
  UTH_BPE_BYTE_LEVEL,
  UTH_BPE_SENTENCEPIECE,
} UthBpeKind;

/* How byte-level text is cut into words before merging (merges never cross words). */
typedef enum
{
  UTH_BPE_SPLIT_GPT2,    /* 's 't..., ' ?letters', ' ?digits', ' ?other', whitespace */
  UTH_BPE_SPLIT_LLAMA3,  /* as GPT-2, but digits in runs of at most 3, contractions any case,
                          * and letters may follow one punctuation character */
  UTH_BPE_SPLIT_NONE,    /* the whole text is one word (SentencePiece style) */
} UthBpeSplit;

/* The classes of GPT-2's split pattern: \p{L}, \p{N}, \s and everything else. */
typedef enum
{
  UTH_BPE_CHAR_LETTER,
  UTH_BPE_CHAR_NUMBER,
  UTH_BPE_CHAR_SPACE,
  UTH_BPE_CHAR_OTHER,
} UthBpeCharClass;

/* Classifies a code point above ASCII (ASCII is classed here, as the pattern does). The
 * core has no Unicode tables: callers that have them (GLib) pass one; without, a built-in
 * approximation classes common punctuation, digits and spaces right and the rest as
 * letters. */
typedef UthBpeCharClass (*UthBpeClassifyFunc) (uint32_t code_point);

typedef enum
{
  UTH_BPE_OK = 0,
  UTH_BPE_NO_MEMORY,
  UTH_BPE_BAD_ID,          /* an id beyond UTH_BPE_MAX_VOCAB */
  UTH_BPE_DUPLICATE_ID,    /* two tokens with one id */
  UTH_BPE_BAD_TOKEN,       /* empty, or a character outside the byte-level alphabet */
  UTH_BPE_MISSING_BYTE,    /* byte-level vocabulary without all 256 single bytes */
  UTH_BPE_BAD_MERGE,       /* a merge naming a token not in the vocabulary, or whose
                            * result is not in the vocabulary */
} UthBpeError;

#define UTH_BPE_MAX_VOCAB   (1u << 22)
#define UTH_BPE_NO_TOKEN    UINT32_MAX

typedef struct
{
  UthBpeKind  kind;
  UthBpeSplit split;
  /* Tokens as spelled in the vocabulary (byte-level: GPT-2's alphabet; SentencePiece:
   * "▁" for spaces, "<0xNN>" for byte fallback), with their ids. */
  const char *const *tokens;
  const uint32_t    *ids;
  size_t             n_tokens;
  /* Merges in rank order (rank 0 first): left and right token spellings. */
  const char *const *merge_left;
  const char *const *merge_right;
  size_t             n_merges;
  /* Put a space before the text: SentencePiece always ("▁"), byte-level (RoBERTa style)
   * when the text does not start with one; fall back to bytes; token for the unknown. */
  bool               add_prefix_space;
  bool               byte_fallback;
  /* Llama 3: a word that is itself in the vocabulary is taken whole, without merging
   * (the step-through does this in its first step, see UthBpeStep.whole_words). */
  bool               ignore_merges;
  uint32_t           unk_id;           /* UTH_BPE_NO_TOKEN when none */
  /* Byte-level split: classes of non-ASCII characters; NULL for the built-in table. */
  UthBpeClassifyFunc classify;
} UthBpeSpec;

typedef struct _UthBpe UthBpe;

/* Builds a tokenizer; on failure returns NULL and sets error and, when it helps, the
 * index of the token or merge at fault in error_index. */
UthBpe   *uth_bpe_new             (const UthBpeSpec *spec,
                                   UthBpeError      *error,
                                   size_t           *error_index);
void      uth_bpe_free            (UthBpe *bpe);

UthBpeKind uth_bpe_get_kind       (const UthBpe *bpe);
/* One more than the largest id. */
uint32_t  uth_bpe_get_vocab_size  (const UthBpe *bpe);
size_t    uth_bpe_get_n_merges    (const UthBpe *bpe);
/* The token's raw bytes (a space is a space, byte fallback is the byte); NULL for an id
 * that names no token. Not NUL-terminated. */
const uint8_t *uth_bpe_token_bytes (const UthBpe *bpe,
                                    uint32_t      id,
                                    size_t       *length);
/* The merge of the given rank: left, right and resulting ids; false past the end. */
bool      uth_bpe_get_merge       (const UthBpe *bpe,
                                   size_t        rank,
                                   uint32_t     *left,
                                   uint32_t     *right,
                                   uint32_t     *result);
/* Raw bytes to token id; UTH_BPE_NO_TOKEN when absent. */
uint32_t  uth_bpe_lookup          (const UthBpe  *bpe,
                                   const uint8_t *bytes,
                                   size_t         length);

/* The text the tokens spell, byte for byte: the input, with a leading space when
 * add_prefix_space asks for one. Every encoding's token bytes concatenate to it (except
 * unknown characters without byte fallback). uth_bpe_prefix_length is the SentencePiece
 * prefix (the same for every text; 0 for byte-level); uth_bpe_text_prefix_length the
 * prefix of this text (byte-level adds a space only when the text starts without one). */
size_t    uth_bpe_prefix_length   (const UthBpe *bpe);
size_t    uth_bpe_text_prefix_length (const UthBpe *bpe,
                                      const char   *text,
                                      size_t        length);

/* Encodes text. Writes at most max_ids ids and returns how many the text needs (never
 * more than length + 1), so a second call with enough room completes it. O(n log n) in the
 * longest word, so text without spaces cannot make it hang. */
size_t    uth_bpe_encode          (const UthBpe *bpe,
                                   const char   *text,
                                   size_t        length,
                                   uint32_t     *ids,
                                   size_t        max_ids);

/* Word boundaries: writes up to max word start offsets, returns how many words. The
 * classify function may be NULL (the built-in approximation). */
size_t    uth_bpe_split_words     (UthBpeSplit  split,
                                   const char  *text,
                                   size_t       length,
                                   size_t      *starts,
                                   size_t       max);
size_t    uth_bpe_split_words_classified (UthBpeSplit         split,
                                          UthBpeClassifyFunc  fn,
                                          const char         *text,
                                          size_t              length,
                                          size_t             *starts,
                                          size_t              max);

/* GPT-2's byte-to-unicode table: every byte as a printable code point. */
uint32_t  uth_bpe_byte_to_unicode (uint8_t byte);
/* The inverse; -1 for a code point outside the table. */
int       uth_bpe_unicode_to_byte (uint32_t code_point);

/* Merging step by step. Each step applies the lowest-ranked merge that occurs anywhere in
 * the text, at every place it occurs (left to right, not overlapping), so the steps show
 * the merges in rank order and end with the same tokens as uth_bpe_encode (which merges
 * words of more than 48 bytes through a heap: the same tokens whenever every merge's two
 * parts are made by earlier merges, as in every trained vocabulary). With
 * ignore_merges (byte-level), the first step instead takes every word that is itself a
 * vocabulary entry whole, as the encoder does (only when some word of two or more bytes
 * is). */
typedef struct _UthBpeStepper UthBpeStepper;

typedef struct
{
  size_t   rank;      /* of the merge applied */
  uint32_t left;
  uint32_t right;
  uint32_t result;
  size_t   places;    /* how many times it applied (whole_words: how many words) */
  /* ignore_merges' step: words taken whole, no merge (rank SIZE_MAX, ids UTH_BPE_NO_TOKEN). */
  bool     whole_words;
} UthBpeStep;

/* NULL when memory runs out. */
UthBpeStepper  *uth_bpe_stepper_new        (const UthBpe *bpe,
                                            const char   *text,
                                            size_t        length);
void            uth_bpe_stepper_free       (UthBpeStepper *stepper);
/* Applies one step; false when no merge applies any more (the encoding is final). */
bool            uth_bpe_stepper_next       (UthBpeStepper *stepper,
                                            UthBpeStep    *step);
size_t          uth_bpe_stepper_n_steps    (const UthBpeStepper *stepper);
size_t          uth_bpe_stepper_n_tokens   (const UthBpeStepper *stepper);
const uint32_t *uth_bpe_stepper_tokens     (const UthBpeStepper *stepper);
/* Offset of each token in the spelled text (see uth_bpe_prefix_length). */
const size_t   *uth_bpe_stepper_offsets    (const UthBpeStepper *stepper);
