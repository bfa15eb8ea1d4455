/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Generation page's language model: a trigram model (src/core/uth-ngram.h) counted
 * over the project's own corpus, tokenized with the project's own vocabulary. */
#pragma once

#include <gio/gio.h>

#include "core/uth-ngram.h"
#include "uth-tokenizer.h"

G_BEGIN_DECLS

#define UTH_CORPUS_RESOURCE_DIR "/io/github/underthehood/UnderTheHood/corpus"

/* The model, built once per process from the bundled corpus (a few milliseconds).
 * NULL only if the bundled data is broken. Transfer none. */
const UthNgram *uth_corpus_model_get_default   (void);
/* Words and files the model was counted from. */
guint           uth_corpus_model_get_n_words   (void);
guint           uth_corpus_model_get_n_files   (void);

G_END_DECLS
