/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A model's weights memory-mapped and handed to the core's forward pass (core/uth-forward.h):
 * a folder with config.json and model.safetensors (or a sharded index), a .safetensors
 * with its config.json beside it, or a single .gguf. The files are checked by the
 * inspection parsers first, then mapped (never read whole); Hugging Face and GGUF tensor
 * names become the core's views. Anything the forward pass cannot run is refused with a
 * message naming it: the architecture, a missing tensor, a wrong shape, a data type, a
 * model larger than this computer's memory. */
#pragma once

#include <gio/gio.h>

#include "core/uth-forward.h"

G_BEGIN_DECLS

typedef struct _UthModelWeights UthModelWeights;

/* Errors are UTH_CATALOG_ERROR and name the file or folder. */
UthModelWeights         *uth_model_weights_open             (GFile            *file,
                                                             GError          **error);
void                     uth_model_weights_free             (UthModelWeights  *self);

/* The views, valid as long as self. */
const UthForwardWeights *uth_model_weights_get_forward      (UthModelWeights  *self);
/* "gpt2", "llama", "mistral", "qwen2" (config.json's model_type or GGUF's architecture). */
const char              *uth_model_weights_get_architecture (UthModelWeights  *self);
/* The folder holding the weights (where tokenizer.json is looked for). */
GFile                   *uth_model_weights_get_folder       (UthModelWeights  *self);
/* Positions the model attends over correctly (its position table, or a sliding window
 * this pass does not apply); 0 when it does not say. */
guint64                  uth_model_weights_get_max_context  (UthModelWeights  *self);
guint64                  uth_model_weights_get_params       (UthModelWeights  *self);
/* Bytes mapped (the weight files). */
guint64                  uth_model_weights_get_bytes        (UthModelWeights  *self);
/* The data type holding most weights: "F32", "BF16", "Q8_0". */
const char              *uth_model_weights_get_dtype        (UthModelWeights  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UthModelWeights, uth_model_weights_free)

G_END_DECLS
