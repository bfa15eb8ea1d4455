/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPT-2's merges reader on hostile files: whatever loads must encode a text of every kind
 * of character (long words through the heap among them) and decode it back byte for byte. */
#include <string.h>

#include "catalog/uth-tokenizer.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char text[] = "Hello wörld, it's 1234 tokens\n\t é 🙂 ²½ 中文  \xff\xc3 "
                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
                             "ababababababababababababababababababababababababababababab";
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthTokenizer) tok = uth_tokenizer_new_from_gpt2_merges (bytes, "merges.txt", &error);
  g_autoptr(GArray) ids = NULL;
  g_autofree char *back = NULL;
  gsize len = 0;

  if (tok == NULL)
    return 0;
  ids = uth_tokenizer_encode (tok, text, -1);
  back = uth_tokenizer_decode (tok, (const guint32 *) ids->data, ids->len, &len);
  if (len != strlen (text) || memcmp (back, text, len) != 0)
    __builtin_trap ();
  return 0;
}
