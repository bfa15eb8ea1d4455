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

G_END_DECLS
