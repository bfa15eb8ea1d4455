/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hugging Face tokenizer.json: the inspection summary here, and the checked parse for the
 * Tokens page's loader to reuse (vocabulary and merges as json-glib nodes). */
#pragma once

#include "uth-model-file.h"

G_BEGIN_DECLS

/* Parses a tokenizer.json with the size, UTF-8 and depth guards and checks its shape:
 * an object whose "model" is an object with a "type" string (or a "vocab"). Returns the
 * root (free with json_node_unref). Errors name the file. */
JsonNode   *uth_tokenizer_json_parse      (GBytes      *bytes,
                                           const char  *name,
                                           GError     **error);
/* Whether a parsed JSON object looks like a tokenizer.json. */
gboolean    uth_tokenizer_json_detect     (JsonObject  *root);
/* model.vocab: an object token → id (BPE, WordPiece, WordLevel) or an array of
 * [token, score] pairs (Unigram); NULL when absent or of another shape. */
JsonNode   *uth_tokenizer_json_get_vocab  (JsonObject  *root);
/* model.merges: an array of "a b" strings or of ["a", "b"] pairs; NULL when absent. */
JsonArray  *uth_tokenizer_json_get_merges (JsonObject  *root);
/* Fills the summary: model type, vocabulary size (model vocabulary plus added tokens not
 * in it), merges and added tokens. */
gboolean    uth_tokenizer_json_read       (JsonObject    *root,
                                           UthModelFile  *out,
                                           GError       **error);

/* The two largest parts of a tokenizer.json, model.vocab (an object of token: id) and
 * model.merges ("a b" strings or ["a", "b"] pairs), read into compact lists: a json-glib
 * tree of a million merges costs over half a gigabyte, these lists a few tens of megabytes. */
typedef struct
{
  GStringChunk *chunk;        /* the strings */
  GPtrArray    *tokens;       /* const char *, in the file's order */
  GArray       *ids;          /* guint32, one per token */
  GPtrArray    *left;         /* const char *, one per merge */
  GPtrArray    *right;
  gboolean      has_vocab;
  gboolean      has_merges;
} UthTokenizerLists;

/* Splits tokenizer.json text: fills lists (initialised here; clear with
 * uth_tokenizer_lists_clear) and returns the rest of the text, with model.vocab as {} and
 * model.merges as [], to parse with uth_tokenizer_json_parse. NULL when the text does not
 * have that plain shape (then parse it whole: the parser names what is wrong). */
GBytes     *uth_tokenizer_json_split      (GBytes             *bytes,
                                           UthTokenizerLists  *lists);
void        uth_tokenizer_lists_clear     (UthTokenizerLists  *lists);
/* uth_tokenizer_json_read for a root whose vocabulary and merges were split off. */
gboolean    uth_tokenizer_json_read_lists (JsonObject         *root,
                                           UthTokenizerLists  *lists,
                                           UthModelFile       *out,
                                           GError            **error);

G_END_DECLS
