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
/* What the forward pass needs beyond the summary: every tensor's type, shape and place,
 * and the metadata's numbers (guint64), floats (double) and strings by key. */
typedef struct
{
  char    *name;
  guint32  type;       /* ggml type id (0 F32, 1 F16, 8 Q8_0, 30 BF16, ...) */
  guint32  n_dims;
  guint64  dims[4];    /* dims[0] is the contiguous one (a row); unused ones are 1 */
  guint64  offset;     /* from the start of the file */
  guint64  bytes;
} UthGgufTensorInfo;

typedef struct
{
  GArray     *tensors;   /* UthGgufTensorInfo, in the file's order */
  GHashTable *numbers;   /* key → guint64 * (integers) */
  GHashTable *floats;    /* key → double * */
  GHashTable *strings;   /* key → char * */
} UthGgufDirectory;

void        uth_gguf_directory_init  (UthGgufDirectory *dir);
void        uth_gguf_directory_clear (UthGgufDirectory *dir);
/* uth_gguf_read_stream that also fills dir (initialised by the caller). */
gboolean    uth_gguf_read_stream_directory (GInputStream      *stream,
                                            guint64            file_size,
                                            UthModelFile      *out,
                                            UthGgufDirectory  *dir,
                                            GError           **error);
/* Block size (elements) and bytes per block of a ggml tensor type; FALSE when unknown. */
gboolean    uth_gguf_type_size       (guint32        type,
                                      guint         *block,
                                      guint         *bytes);
/* "F32", "Q4_K", ...; NULL when unknown. */
const char *uth_gguf_type_name       (guint32        type);

G_END_DECLS
