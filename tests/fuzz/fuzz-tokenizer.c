/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Tokens page's loader on hostile tokenizer.json files: whatever loads must also
 * encode and step through its merges without a crash. */
#include <string.h>

#include "catalog/uth-tokenizer.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char text[] = "Hello wörld, 1234 tokens\n\t é ▁ <0x41>";
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthTokenizer) tok = uth_tokenizer_new_from_bytes (bytes, "tokenizer.json", &error);
  g_autoptr(GArray) ids = NULL;
  UthBpeStepper *stepper;

  if (tok == NULL)
    return 0;
  ids = uth_tokenizer_encode (tok, text, -1);
  for (guint i = 0; i < ids->len; i++)
    g_free (uth_tokenizer_describe_token (tok, g_array_index (ids, guint32, i)));
  stepper = uth_bpe_stepper_new (uth_tokenizer_get_bpe (tok), text, strlen (text));
  while (stepper != NULL && uth_bpe_stepper_next (stepper, NULL))
    ;
  uth_bpe_stepper_free (stepper);
  return 0;
}
