/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A Hugging Face tokenizer.json (BPE: byte-level as in GPT-2 and Llama 3, or
 * SentencePiece style as in Llama 2) read into the core's BPE tokenizer; the project's
 * own vocabulary, trained at build time from its corpus; and GPT-2's tokenizer, shipped
 * in data/gpt2/ as its merges. Byte-level text is cut into words with GLib's Unicode
 * classes (\p{L}, \p{N}, White_Space), as GPT-2's pattern asks. */
#pragma once

#include <gio/gio.h>

#include "core/uth-bpe.h"

G_BEGIN_DECLS

typedef struct _UthTokenizer UthTokenizer;

#define UTH_TOKENIZER_RESOURCE "/io/github/underthehood/UnderTheHood/uth-tokenizer.json"
#define UTH_TOKENIZER_GPT2_RESOURCE "/io/github/underthehood/UnderTheHood/gpt2/gpt2-merges.txt"
#define UTH_TOKENIZER_GPT2_NAME "GPT-2"

GType          uth_tokenizer_get_type        (void) G_GNUC_CONST;
UthTokenizer  *uth_tokenizer_ref             (UthTokenizer *self);
void           uth_tokenizer_unref           (UthTokenizer *self);

/* Parses tokenizer.json text; name (a file name) appears in every error message, which
 * also names the field at fault. Errors are in UTH_CATALOG_ERROR. */
UthTokenizer  *uth_tokenizer_new_from_bytes  (GBytes      *bytes,
                                              const char  *name,
                                              GError     **error);
/* Reads at most UTH_JSON_MAX_BYTES of a file. */
UthTokenizer  *uth_tokenizer_new_from_file   (GFile       *file,
                                              GError     **error);
/* The project's vocabulary from the GResource, loaded once per process. NULL (with a
 * critical warning) only if the build shipped a broken one. Transfer none. */
UthTokenizer  *uth_tokenizer_get_default     (void);

/* GPT-2's byte-level BPE from its merges file (vocab.bpe: a "#version" line, then one
 * "left right" pair a line in rank order). The vocabulary follows from the merges: ids
 * 0-255 the bytes in the order of GPT-2's byte-to-unicode table, merge i makes id 256 + i,
 * then <|endoftext|>. Errors name the file and the line. */
UthTokenizer  *uth_tokenizer_new_from_gpt2_merges (GBytes      *merges,
                                                   const char  *name,
                                                   GError     **error);
/* GPT-2's tokenizer (50,257 tokens) from the GResource, loaded once per process; the Tokens
 * page's default. NULL (with a critical warning) only if the build shipped a broken one.
 * Transfer none. */
UthTokenizer  *uth_tokenizer_get_gpt2        (void);

/* The core tokenizer; owned by self. */
const UthBpe  *uth_tokenizer_get_bpe         (UthTokenizer *self);
/* The file's base name, "uth-tokenizer.json" or "GPT-2". */
const char    *uth_tokenizer_get_name        (UthTokenizer *self);
gboolean       uth_tokenizer_is_default      (UthTokenizer *self);

/* Encodes text into a new array of guint32 ids. */
GArray        *uth_tokenizer_encode          (UthTokenizer *self,
                                              const char   *text,
                                              gssize        length);
/* The bytes the ids spell, concatenated (ids that name no token spell nothing), with a
 * NUL after them that length does not count; the bytes may hold NULs of their own. */
char          *uth_tokenizer_decode          (UthTokenizer   *self,
                                              const guint32  *ids,
                                              gsize           n_ids,
                                              gsize          *length);
/* A token shown to a reader: its bytes as text, a space as "␣", a newline as "↵", a tab
 * as "→", other control bytes and partial UTF-8 as <0xNN>. */
char          *uth_tokenizer_describe_token  (UthTokenizer *self,
                                              guint32       id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UthTokenizer, uth_tokenizer_unref)

G_END_DECLS
