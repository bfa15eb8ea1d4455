/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GGUF (versions 2 and 3), the llama.cpp format: metadata and tensor infos are read, the
 * tensor data never. Parameter count and bytes per quantization type come from the tensor
 * infos; the architecture from the metadata. */
#pragma once

#include "uth-model-file.h"

G_BEGIN_DECLS

/* Whether data starts with the GGUF magic. */
gboolean    uth_gguf_detect          (const guint8  *data,
                                      gsize          length);
/* Reads the header from a stream positioned at the start of a file of file_size bytes. */
gboolean    uth_gguf_read_stream     (GInputStream  *stream,
                                      guint64        file_size,
                                      UthModelFile  *out,
                                      GError       **error);
gboolean    uth_gguf_read_file       (GFile         *file,
                                      UthModelFile  *out,
                                      GError       **error);
/* Block size (elements) and bytes per block of a ggml tensor type; FALSE when unknown. */
gboolean    uth_gguf_type_size       (guint32        type,
                                      guint         *block,
                                      guint         *bytes);
/* "F32", "Q4_K", ...; NULL when unknown. */
const char *uth_gguf_type_name       (guint32        type);

G_END_DECLS
