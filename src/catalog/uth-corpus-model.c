/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "uth-corpus-model.h"

typedef struct
{
  UthNgram *ngram;
  guint     n_words;
  guint     n_files;
} CorpusModel;

static guint
count_words (const char *text)
{
  guint n = 0;
  gboolean in_word = FALSE;

  for (; *text; text++)
    {
      gboolean space = g_ascii_isspace (*text);
      if (!space && !in_word)
        n++;
      in_word = !space;
    }
  return n;
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The corpus files in name order, joined by a blank line as the trainer joins them. */
static char *
load_corpus (guint *n_files)
{
  g_auto(GStrv) names = g_resources_enumerate_children (UTH_CORPUS_RESOURCE_DIR,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  GString *text = g_string_new (NULL);

  *n_files = 0;
  if (names == NULL)
    return g_string_free (text, FALSE);
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_path ("/", UTH_CORPUS_RESOURCE_DIR, names[i], NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      gsize len;
      const char *data;

      if (bytes == NULL)
        continue;
      data = g_bytes_get_data (bytes, &len);
      if (text->len > 0)
        g_string_append (text, "\n\n");
      g_string_append_len (text, data, (gssize) len);
      (*n_files)++;
    }
  return g_string_free (text, FALSE);
}

static const CorpusModel *
get_model (void)
{
  static CorpusModel *model;

  if (g_once_init_enter (&model))
    {
      CorpusModel *m = g_new0 (CorpusModel, 1);
      UthTokenizer *tokenizer = uth_tokenizer_get_default ();
      g_autofree char *text = load_corpus (&m->n_files);

      m->n_words = count_words (text);
      if (tokenizer != NULL && m->n_files > 0)
        {
          g_autoptr(GArray) ids = uth_tokenizer_encode (tokenizer, text, -1);
          m->ngram = uth_ngram_new ((const guint32 *) ids->data, ids->len,
                                    uth_bpe_get_vocab_size (uth_tokenizer_get_bpe (tokenizer)), 3);
        }
      if (m->ngram == NULL)
        g_critical ("The bundled corpus could not be counted into a language model");
      g_once_init_leave (&model, m);
    }
  return model;
}

const UthNgram *
uth_corpus_model_get_default (void)
{
  return get_model ()->ngram;
}

guint
uth_corpus_model_get_n_words (void)
{
  return get_model ()->n_words;
}

guint
uth_corpus_model_get_n_files (void)
{
  return get_model ()->n_files;
}
