/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The header of a .safetensors file (the weights are never read), and the index of a
 * sharded model (model.safetensors.index.json) with its shards' headers. */
#pragma once

#include "uth-model-file.h"

G_BEGIN_DECLS

/* Whether the first bytes of a file of file_size bytes look like safetensors: an 8-byte
 * little-endian header length that fits in the file, then '{'. */
gboolean uth_safetensors_detect        (const guint8  *data,
                                        gsize          length,
                                        guint64        file_size);
/* Reads the header at the start of data (which holds at least the 8-byte length and the
 * header); file_size is the size of the whole file, against which offsets are checked. */
gboolean uth_safetensors_read_header   (const guint8  *data,
                                        gsize          length,
                                        guint64        file_size,
                                        UthModelFile  *out,
                                        GError       **error);
/* Reads the header from a stream at the start of a file of size bytes. */
gboolean uth_safetensors_read_stream   (GInputStream  *stream,
                                        guint64        size,
                                        UthModelFile  *out,
                                        GError       **error);
/* Reads a file's header from disk (opened with uth_model_file_open): only 8 + header-length bytes are read. */
gboolean uth_safetensors_read_file     (GFile         *file,
                                        UthModelFile  *out,
                                        GError       **error);

gboolean uth_safetensors_index_detect  (JsonObject    *root);
/* Reads the index; when dir is not NULL, the headers of the shards found there are read
 * too (shard names must be plain file names: no folders). */
gboolean uth_safetensors_index_read    (JsonObject    *root,
                                        GFile         *dir,
                                        UthModelFile  *out,
                                        GError       **error);

G_END_DECLS
