/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Trains the project's byte-level BPE vocabulary from its own corpus and writes it as a
 * Hugging Face tokenizer.json, so the app reads it with the same loader as any other.
 * Run by meson at build time:
 *
 *   uth-train-bpe --merges 2000 --output uth-tokenizer.json CORPUS-FILES...
 *
 * --special TOKEN appends a special token (say <|endoftext|>) after the merges' tokens, in
 * the vocabulary and in added_tokens, as the app's own model uses one (tools/trainer).
 *
 * The files are joined with a blank line between them. Training is deterministic (see
 * src/core/uth-bpe-train.h), so the same corpus always gives the same vocabulary. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/uth-bpe.h"
#include "core/uth-bpe-train.h"

#define MAX_CORPUS (8u * 1024u * 1024u)

typedef struct
{
  char   *data;
  size_t  length;
} Buffer;

static int
append_file (Buffer     *buf,
             const char *path)
{
  FILE *f = fopen (path, "rb");
  size_t n;

  if (f == NULL)
    {
      fprintf (stderr, "uth-train-bpe: %s: %s\n", path, strerror (errno));
      return -1;
    }
  if (buf->length > 0)
    {
      memcpy (buf->data + buf->length, "\n\n", 2);
      buf->length += 2;
    }
  n = fread (buf->data + buf->length, 1, MAX_CORPUS - buf->length, f);
  buf->length += n;
  if (!feof (f))
    {
      fprintf (stderr, "uth-train-bpe: %s: corpus larger than %u bytes\n", path, MAX_CORPUS);
      fclose (f);
      return -1;
    }
  fclose (f);
  return 0;
}

/* Writes a code point as UTF-8, escaping what JSON requires. */
static void
put_code_point (FILE     *out,
                unsigned  cp)
{
  if (cp == '"' || cp == '\\')
    fprintf (out, "\\%c", (char) cp);
  else if (cp < 0x20)
    fprintf (out, "\\u%04x", cp);
  else if (cp < 0x80)
    fputc ((int) cp, out);
  else if (cp < 0x800)
    {
      fputc ((int) (0xC0 | (cp >> 6)), out);
      fputc ((int) (0x80 | (cp & 0x3F)), out);
    }
  else
    {
      fputc ((int) (0xE0 | (cp >> 12)), out);
      fputc ((int) (0x80 | ((cp >> 6) & 0x3F)), out);
      fputc ((int) (0x80 | (cp & 0x3F)), out);
    }
}

/* A token's raw bytes in GPT-2's byte-level alphabet. */
static void
put_token (FILE          *out,
           const uint8_t *bytes,
           size_t         length)
{
  size_t i;

  for (i = 0; i < length; i++)
    put_code_point (out, uth_bpe_byte_to_unicode (bytes[i]));
}

static int
write_tokenizer (const char             *path,
                 const UthBpeTrainMerge *merges,
                 size_t                  n_merges,
                 const char             *special)
{
  /* Raw bytes of every token: the 256 bytes, then each merge's left + right. */
  size_t n_tokens = 256 + n_merges, i;
  uint8_t **bytes = calloc (n_tokens, sizeof (uint8_t *));
  size_t *lengths = calloc (n_tokens, sizeof (size_t));
  FILE *out;
  int ret = 0;

  if (bytes == NULL || lengths == NULL)
    return -1;
  for (i = 0; i < n_tokens; i++)
    {
      if (i < 256)
        {
          lengths[i] = 1;
          bytes[i] = malloc (1);
          if (bytes[i] != NULL)
            bytes[i][0] = (uint8_t) i;
        }
      else
        {
          const UthBpeTrainMerge *m = &merges[i - 256];
          lengths[i] = lengths[m->left] + lengths[m->right];
          bytes[i] = malloc (lengths[i]);
          if (bytes[i] != NULL)
            {
              memcpy (bytes[i], bytes[m->left], lengths[m->left]);
              memcpy (bytes[i] + lengths[m->left], bytes[m->right], lengths[m->right]);
            }
        }
      if (bytes[i] == NULL)
        return -1;
    }

  out = fopen (path, "wb");
  if (out == NULL)
    {
      fprintf (stderr, "uth-train-bpe: %s: %s\n", path, strerror (errno));
      ret = -1;
      goto done;
    }
  fputs ("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n",
         out);
  if (special != NULL)
    {
      fprintf (out, "  \"added_tokens\": [{\"id\": %zu, \"content\": \"", n_tokens);
      put_token (out, (const uint8_t *) special, strlen (special));
      fputs ("\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, "
             "\"normalized\": false, \"special\": true}],\n", out);
    }
  else
    fputs ("  \"added_tokens\": [],\n", out);
  fputs ("  \"normalizer\": null,\n"
         "  \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false, "
         "\"trim_offsets\": true, \"use_regex\": true},\n", out);
  /* The special token starts every text, as Llama's <s> does: the model was trained on
   * windows that begin with it, and readers of the file (`run`, Hugging Face) put it first. */
  if (special != NULL)
    {
      fputs ("  \"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": "
             "[{\"SpecialToken\": {\"id\": \"", out);
      put_token (out, (const uint8_t *) special, strlen (special));
      fputs ("\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}], "
             "\"pair\": [{\"SpecialToken\": {\"id\": \"", out);
      put_token (out, (const uint8_t *) special, strlen (special));
      fputs ("\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}, "
             "{\"Sequence\": {\"id\": \"B\", \"type_id\": 1}}], \"special_tokens\": {\"", out);
      put_token (out, (const uint8_t *) special, strlen (special));
      fputs ("\": {\"id\": \"", out);
      put_token (out, (const uint8_t *) special, strlen (special));
      fprintf (out, "\", \"ids\": [%zu], \"tokens\": [\"", n_tokens);
      put_token (out, (const uint8_t *) special, strlen (special));
      fputs ("\"]}}},\n", out);
    }
  else
    fputs ("  \"post_processor\": null,\n", out);
  fputs ("  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false, "
         "\"trim_offsets\": true, \"use_regex\": true},\n"
         "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n"
         "    \"unk_token\": null,\n    \"continuing_subword_prefix\": null,\n"
         "    \"end_of_word_suffix\": null,\n    \"fuse_unk\": false,\n"
         "    \"byte_fallback\": false,\n    \"vocab\": {", out);
  for (i = 0; i < n_tokens; i++)
    {
      fputs (i == 0 ? "\n      \"" : ",\n      \"", out);
      put_token (out, bytes[i], lengths[i]);
      fprintf (out, "\": %zu", i);
    }
  if (special != NULL)
    {
      fputs (",\n      \"", out);
      put_token (out, (const uint8_t *) special, strlen (special));
      fprintf (out, "\": %zu", n_tokens);
    }
  fputs ("\n    },\n    \"merges\": [", out);
  for (i = 0; i < n_merges; i++)
    {
      fputs (i == 0 ? "\n      \"" : ",\n      \"", out);
      put_token (out, bytes[merges[i].left], lengths[merges[i].left]);
      fputc (' ', out);
      put_token (out, bytes[merges[i].right], lengths[merges[i].right]);
      fputc ('"', out);
    }
  fputs ("\n    ]\n  }\n}\n", out);
  if (fclose (out) != 0)
    {
      fprintf (stderr, "uth-train-bpe: %s: %s\n", path, strerror (errno));
      ret = -1;
    }
done:
  for (i = 0; i < n_tokens; i++)
    free (bytes[i]);
  free (bytes);
  free (lengths);
  return ret;
}

static void
usage (void)
{
  fputs ("usage: uth-train-bpe [--merges N] [--min-count N] [--special TOKEN] --output FILE "
         "CORPUS...\n", stderr);
}

int
main (int    argc,
      char **argv)
{
  Buffer corpus = { NULL, 0 };
  const char *output = NULL, *special = NULL;
  size_t max_merges = 2000, n, i;
  unsigned long min_count = 2;
  UthBpeTrainMerge *merges;
  int first_input = 0;

  for (i = 1; i < (size_t) argc; i++)
    {
      if (strcmp (argv[i], "--merges") == 0 && i + 1 < (size_t) argc)
        max_merges = strtoul (argv[++i], NULL, 10);
      else if (strcmp (argv[i], "--min-count") == 0 && i + 1 < (size_t) argc)
        min_count = strtoul (argv[++i], NULL, 10);
      else if (strcmp (argv[i], "--special") == 0 && i + 1 < (size_t) argc)
        special = argv[++i];
      else if (strcmp (argv[i], "--output") == 0 && i + 1 < (size_t) argc)
        output = argv[++i];
      else if (argv[i][0] == '-')
        {
          usage ();
          return 2;
        }
      else
        {
          first_input = (int) i;
          break;
        }
    }
  if (output == NULL || first_input == 0 || max_merges == 0 || max_merges > 100000 ||
      (special != NULL && special[0] == '\0'))
    {
      usage ();
      return 2;
    }
  corpus.data = malloc (MAX_CORPUS + 2);
  merges = calloc (max_merges, sizeof (UthBpeTrainMerge));
  if (corpus.data == NULL || merges == NULL)
    return 1;
  for (i = (size_t) first_input; i < (size_t) argc; i++)
    if (append_file (&corpus, argv[i]) != 0)
      return 1;
  n = uth_bpe_train (corpus.data, corpus.length, UTH_BPE_SPLIT_GPT2, max_merges,
                     min_count, merges);
  if (n == SIZE_MAX)
    {
      fputs ("uth-train-bpe: out of memory\n", stderr);
      return 1;
    }
  if (write_tokenizer (output, merges, n, special) != 0)
    return 1;
  printf ("uth-train-bpe: %zu merges (asked for %zu, pairs seen at least %lu times) from "
          "%zu bytes in %d files; vocabulary of %zu tokens\n",
          n, max_merges, min_count, corpus.length, argc - first_input,
          256 + n + (special != NULL));
  free (corpus.data);
  free (merges);
  return 0;
}
