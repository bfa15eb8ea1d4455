/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "catalog/uth-gguf.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(UthModelFile) f = uth_model_file_new (UTH_MODEL_FILE_GGUF, "fuzz.gguf");
  g_autoptr(GError) error = NULL;

  if (uth_gguf_read_stream (stream, size, f, &error))
    uth_model_file_finish (f);
  return 0;
}
