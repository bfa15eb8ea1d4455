/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A model the How LLMs work pages can run: its weights mapped for the forward pass
 * (uth-model-weights.h), the tokenizer.json beside them, the token its tokenizer puts
 * first, and what its training.json (the app's own model) says about its heads. The app's
 * own small model is compiled into the program as a GResource (uncompressed, so its
 * weights stay in the program's mapping) and loaded once per process. Immutable once
 * made: worker threads share it. */
#pragma once

#include <gio/gio.h>

#include "catalog/uth-model-weights.h"
#include "catalog/uth-tokenizer.h"

G_BEGIN_DECLS

#define UTH_RUNNABLE_MODEL_RESOURCE "resource:///io/github/underthehood/UnderTheHood/model"

typedef enum
{
  UTH_HEAD_PREVIOUS_TOKEN,
  UTH_HEAD_FIRST_TOKEN,
  UTH_HEAD_INDUCTION,
} UthHeadPattern;

/* A head training.json names, with its mean attention score (0-based layer and head). */
typedef struct
{
  guint          layer;
  guint          head;
  UthHeadPattern pattern;
  double         score;
} UthNamedHead;

typedef struct _UthRunnableModel UthRunnableModel;

/* A folder (or a .safetensors / .gguf with tokenizer.json beside it). Errors
 * (UTH_CATALOG_ERROR) name the file and what is wrong: an unsupported architecture, a
 * missing tokenizer, a model larger than this computer's memory. */
UthRunnableModel   *uth_runnable_model_open          (GFile            *file,
                                                      GError          **error);
/* The app's own model from the GResource, loaded once; NULL (with a critical warning)
 * only if the build shipped a broken one. Transfer none. */
UthRunnableModel   *uth_runnable_model_get_default   (void);
UthRunnableModel   *uth_runnable_model_ref           (UthRunnableModel *self);
void                uth_runnable_model_unref         (UthRunnableModel *self);

UthModelWeights    *uth_runnable_model_get_weights   (UthRunnableModel *self);
UthTokenizer       *uth_runnable_model_get_tokenizer (UthRunnableModel *self);
/* The id the tokenizer puts before a text (its post_processor), G_MAXUINT32 for none. */
guint32             uth_runnable_model_get_bos       (UthRunnableModel *self);
/* training.json's name, else the file's base name. */
const char         *uth_runnable_model_get_name      (UthRunnableModel *self);
/* The corpus training.json names, NULL when it has none. */
const char         *uth_runnable_model_get_corpus    (UthRunnableModel *self);
gboolean            uth_runnable_model_is_default    (UthRunnableModel *self);
/* Positions a pass may run: the model's context, at most max. */
guint               uth_runnable_model_get_context   (UthRunnableModel *self,
                                                      guint             max);
/* The heads training.json names, best score first within a pattern. */
const UthNamedHead *uth_runnable_model_get_heads     (UthRunnableModel *self,
                                                      guint            *n);

/* The id a Hugging Face tokenizer.json's post_processor puts before a text (a template
 * starting with a special token: Llama's <s>, Llama 3's <|begin_of_text|>); G_MAXUINT32
 * for none. */
guint32             uth_tokenizer_json_find_bos      (GBytes           *bytes,
                                                      const char       *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UthRunnableModel, uth_runnable_model_unref)

G_END_DECLS
