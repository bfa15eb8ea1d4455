/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app's own small model as shipped in data/model/ (made by tools/trainer, see
 * data/model/MODEL_CARD.md): its tokenizer round-trips its validation text (the held-out
 * chapters of the King James Bible, tests/data/kjv-valid.txt) and any bytes; the folder
 * reads back with the configuration the record states; and the validation loss recorded in
 * data/model/training.json is recomputed with the trainer's forward pass on a slice of the
 * held-out text and checked against bounds. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "uth-train-io.h"

static char *
source_path (const char *first, ...)
{
  const char *root = g_getenv ("UTH_SOURCE_ROOT");
  GPtrArray *parts = g_ptr_array_new ();
  const char *p;
  va_list ap;
  char *path;

  g_ptr_array_add (parts, (gpointer) (root != NULL ? root : "."));
  va_start (ap, first);
  for (p = first; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (ap);
  g_ptr_array_add (parts, NULL);
  path = g_build_filenamev ((char **) parts->pdata);
  g_ptr_array_free (parts, TRUE);
  return path;
}

static UthTokenizer *
load_tokenizer (void)
{
  g_autofree char *path = source_path ("data", "model", "tokenizer.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  UthTokenizer *tok = uth_tokenizer_new_from_file (file, &error);

  g_assert_no_error (error);
  return tok;
}

static JsonObject *
load_record (JsonParser *parser)
{
  g_autofree char *path = source_path ("data", "model", "training.json", NULL);
  g_autoptr (GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_tokenizer (void)
{
  g_autoptr (UthTokenizer) tok = load_tokenizer ();
  g_autofree char *valid = source_path ("tests", "data", "kjv-valid.txt", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  const UthBpe *bpe = uth_tokenizer_get_bpe (tok);
  const char *odd = "Æther: naïve ﬁ 日本語 \t\r\n\x01 “quoted” 1234567 ";
  GArray *ids;
  GString *back;
  gsize length = 0;

  /* 256 bytes + 1,791 merges + <|endoftext|> */
  g_assert_cmpuint (uth_bpe_get_vocab_size (bpe), ==, 2048);
  g_assert_cmpuint (uth_bpe_lookup (bpe, (const uint8_t *) UTH_TRAIN_SPECIAL,
                                    strlen (UTH_TRAIN_SPECIAL)), ==, 2047);
  /* The held-out text: encoded, the tokens spell it back byte for byte (checked inside). */
  ids = uth_train_tokenize_file (tok, valid, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (valid, &text, &length, NULL));
  /* 202,736 bytes in 57,227 tokens when the record was made: 3.5 bytes per token (a
   * vocabulary learnt on this kind of text; bytes alone would be 1). */
  g_assert_cmpuint (length, ==, 202736);
  g_assert_cmpuint (ids->len, ==, 57227);
  /* No token of the text is the special token. */
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpuint (g_array_index (ids, guint32, i), <, 2047);
  g_array_unref (ids);

  /* Text unlike the corpus still round-trips: the vocabulary has every byte. */
  ids = uth_tokenizer_encode (tok, odd, -1);
  back = uth_train_decode (tok, (const guint32 *) ids->data, ids->len);
  g_assert_cmpstr (back->str, ==, odd);
  g_string_free (back, TRUE);
  g_array_unref (ids);

  /* Common words of the corpus are one token each, with their space: " the", " LORD". */
  ids = uth_tokenizer_encode (tok, " the LORD", -1);
  g_assert_cmpuint (ids->len, ==, 2);
  g_array_unref (ids);
}

static void
test_folder (void)
{
  g_autofree char *dir = source_path ("data", "model", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *record = load_record (parser);
  UthTrainModel model;
  float norm_sum = 0;

  uth_train_model_load (&model, dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (model.cfg.vocab_size, ==, 2048);
  g_assert_cmpint (model.bos_id, ==, 2047);
  g_assert_cmpint (model.cfg.dim, ==, json_object_get_int_member (record, "dim"));
  g_assert_cmpint (model.cfg.n_layers, ==, json_object_get_int_member (record, "layers"));
  g_assert_cmpint (model.cfg.n_heads, ==, json_object_get_int_member (record, "attention_heads"));
  g_assert_cmpint (model.cfg.context, ==, json_object_get_int_member (record, "context"));
  g_assert_cmpuint (uth_train_n_params (&model.cfg), ==,
                    (guint64) json_object_get_int_member (record, "parameters"));
  /* Trained, not initial: the final norm's weights moved away from their initial ones. */
  for (int i = 0; i < model.cfg.dim; i++)
    norm_sum += fabsf (uth_train_final_norm (&model.cfg, model.params)[i] - 1.0f);
  g_assert_cmpfloat (norm_sum / model.cfg.dim, >, 0.01);
  uth_train_model_clear (&model);
}

static void
test_validation_loss (void)
{
  g_autoptr (UthTokenizer) tok = load_tokenizer ();
  g_autofree char *dir = source_path ("data", "model", NULL);
  g_autofree char *valid = source_path ("tests", "data", "kjv-valid.txt", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *record = load_record (parser);
  double recorded_slice = json_object_get_double_member (record, "validation_loss_slice");
  double recorded = json_object_get_double_member (record, "validation_loss");
  int windows = (int) json_object_get_int_member (record, "validation_slice_windows");
  double unigram = 0, loss;
  gsize counted = 0;
  guint *counts;
  UthTrainModel model;
  GArray *ids;

  uth_train_model_load (&model, dir, &error);
  g_assert_no_error (error);
  ids = uth_train_tokenize_file (tok, valid, &error);
  g_assert_no_error (error);

  /* The trainer's forward pass over the first windows of the held-out text (BOS + 63
   * tokens each) gives the recorded loss (the same sums in the same order; 1e-4 leaves
   * room for another libm's expf). */
  loss = uth_train_eval_windows (&model, (const guint32 *) ids->data, ids->len,
                                 model.cfg.context, windows, 2, &counted);
  g_test_message ("validation loss over %d windows (%" G_GSIZE_FORMAT " tokens): %.6f, "
                  "recorded %.6f; whole split recorded %.4f", windows, counted, loss,
                  recorded_slice, recorded);
  g_assert_cmpuint (counted, ==, (gsize) windows * (model.cfg.context - 1));
  g_assert_cmpfloat (fabs (loss - recorded_slice), <, 1e-4);

  /* Bounds. Uniform guessing costs ln 2048 = 7.62 nats a token; a model that knows only
   * how often each token occurs in this very text (its unigram entropy, an optimistic
   * bound for such a model) costs 5.92. The trained model must beat that by more
   * than 1.5 nats, on the slice and on the whole held-out split as recorded. */
  counts = g_new0 (guint, model.cfg.vocab_size);
  for (guint i = 0; i < ids->len; i++)
    counts[g_array_index (ids, guint32, i)]++;
  for (int v = 0; v < model.cfg.vocab_size; v++)
    if (counts[v] > 0)
      unigram -= counts[v] / (double) ids->len * log (counts[v] / (double) ids->len);
  g_test_message ("unigram entropy of the held-out text: %.4f nats", unigram);
  g_assert_cmpfloat (unigram, >, 5.0);
  g_assert_cmpfloat (loss, <, unigram - 1.5);
  g_assert_cmpfloat (recorded, <, unigram - 1.5);
  g_assert_cmpfloat (fabs (recorded - loss), <, 0.3);   /* the slice is like the whole */
  g_free (counts);
  g_array_unref (ids);
  uth_train_model_clear (&model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/train/model/tokenizer", test_tokenizer);
  g_test_add_func ("/train/model/folder", test_folder);
  g_test_add_func ("/train/model/validation-loss", test_validation_loss);
  return g_test_run ();
}
