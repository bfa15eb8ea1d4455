/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Files of the trainer (tools/trainer): the corpus as token ids, the model as a Hugging
 * Face Llama folder (config.json, model.safetensors in f32), and the evaluation and
 * attention measurements the record (data/model/MODEL_CARD.md) and the tests use.
 * GLib and json-glib; the maths is uth-train-model.h (single precision here). */
#pragma once

#include <glib.h>

#include "catalog/uth-tokenizer.h"
#include "uth-train-model.h"

G_BEGIN_DECLS

#define UTH_TRAIN_SPECIAL "<|endoftext|>"

typedef struct
{
  UthTrainConfig cfg;
  int            bos_id;       /* also the end of text */
  float         *params;       /* uth_train_n_params (&cfg) */
} UthTrainModel;

/* Reads a text file and encodes it; fails unless the tokens spell the text back byte for
 * byte (the round trip). Returns the ids (guint32) or NULL with error set. */
GArray   *uth_train_tokenize_file   (UthTokenizer  *tokenizer,
                                     const char    *path,
                                     GError       **error);
/* The text the ids spell. */
GString  *uth_train_decode          (UthTokenizer  *tokenizer,
                                     const guint32 *ids,
                                     gsize          n);

/* Writes DIR/config.json and DIR/model.safetensors (f32, Hugging Face Llama tensor names). */
gboolean  uth_train_model_save      (const UthTrainModel *model,
                                     const char          *dir,
                                     GError             **error);
/* Reads them back (only the layout uth_train_model_save writes: f32, tied embeddings). */
gboolean  uth_train_model_load      (UthTrainModel *model,
                                     const char    *dir,
                                     GError       **error);
void      uth_train_model_clear     (UthTrainModel *model);

/* The validation loss as the record states it: the ids cut into consecutive windows of
 * seq_len − 1 tokens, each run as BOS + window, every window token predicted (the first
 * from BOS); mean cross-entropy in nats over the first max_windows windows (all when
 * max_windows is 0). n_tokens (may be NULL) says how many targets were counted. */
double    uth_train_eval_windows    (const UthTrainModel *model,
                                     const guint32       *ids,
                                     gsize                n_ids,
                                     int                  seq_len,
                                     int                  max_windows,
                                     int                  n_threads,
                                     gsize               *n_tokens);

/* Per head (layer-major, n_layers × n_heads each), averaged over windows of the text as
 * above and over positions t ≥ 1:
 *   previous: the weight on position t − 1;
 *   first:    the weight on position 0 (the BOS token);
 * and, over n_induction sequences BOS + R + R of random tokens R (seeded), at each
 * position of the second R:
 *   induction: the weight on the position just after the same token's first occurrence. */
typedef struct
{
  double *previous, *first, *induction;
} UthTrainHeadScores;

gboolean  uth_train_head_scores     (const UthTrainModel *model,
                                     const guint32       *ids,
                                     gsize                n_ids,
                                     int                  seq_len,
                                     int                  max_windows,
                                     int                  n_induction,
                                     guint64              seed,
                                     UthTrainHeadScores  *out);
void      uth_train_head_scores_clear (UthTrainHeadScores *scores);

G_END_DECLS
