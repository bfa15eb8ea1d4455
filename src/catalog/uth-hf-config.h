/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A Hugging Face config.json read into the core's model spec, architecture by architecture:
 * llama, mistral, mixtral, qwen2, gemma, gemma2, phi3, gpt2, deepseek_v2/v3 (others are read
 * as llama-like, with a note). */
#pragma once

#include "uth-model-file.h"

G_BEGIN_DECLS

/* Whether a parsed JSON object looks like a config.json. */
gboolean uth_hf_config_detect (JsonObject    *root);
/* Fills out's spec and the fields it knows; errors name out->name and the field. */
gboolean uth_hf_config_read   (JsonObject    *root,
                               UthModelFile  *out,
                               GError       **error);

G_END_DECLS
