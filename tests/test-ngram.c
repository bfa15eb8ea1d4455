/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The n-gram model: counts and Witten-Bell probabilities worked by hand. */
#include <glib.h>

#include "core/uth-ngram.h"

static void
test_counts (void)
{
  const guint32 ids[] = { 0, 1, 0, 1, 0, 2 };
  const guint32 g01[] = { 0, 1 }, g010[] = { 0, 1, 0 }, g2[] = { 2 };
  UthNgram *ngram = uth_ngram_new (ids, 6, 3, 3);

  g_assert_nonnull (ngram);
  g_assert_cmpuint (uth_ngram_count (ngram, g01, 2), ==, 2);
  g_assert_cmpuint (uth_ngram_count (ngram, g010, 3), ==, 2);
  g_assert_cmpuint (uth_ngram_count (ngram, g2, 1), ==, 1);
  uth_ngram_free (ngram);
  /* An id beyond the vocabulary is refused. */
  g_assert_null (uth_ngram_new (ids, 6, 2, 2));
}

static void
test_witten_bell (void)
{
  const guint32 ids[] = { 0, 1, 0, 1, 0, 2 };
  const guint32 ctx[] = { 0 }, unseen[] = { 2 };
  UthNgram *ngram = uth_ngram_new (ids, 6, 3, 2);
  double p[3];

  /* Unigrams (add one): (3+1)/9, (2+1)/9, (1+1)/9. After 0: c = 3 in 2 distinct
   * followers, so P(w|0) = (c(0,w) + 2 P(w)) / 5:
   * P(1|0) = (2 + 2*3/9)/5, P(2|0) = (1 + 2*2/9)/5, P(0|0) = (2*4/9)/5. */
  g_assert_cmpuint (uth_ngram_distribution (ngram, ctx, 1, p), ==, 2);
  g_assert_cmpfloat_with_epsilon (p[1], (2.0 + 6.0 / 9.0) / 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (p[2], (1.0 + 4.0 / 9.0) / 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (p[0], (8.0 / 9.0) / 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (p[0] + p[1] + p[2], 1.0, 1e-12);
  /* 2 is never followed by anything: back off to the unigrams. */
  g_assert_cmpuint (uth_ngram_distribution (ngram, unseen, 1, p), ==, 1);
  g_assert_cmpfloat_with_epsilon (p[0], 4.0 / 9.0, 1e-12);
  uth_ngram_free (ngram);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ngram/counts", test_counts);
  g_test_add_func ("/ngram/witten-bell", test_witten_bell);
  return g_test_run ();
}
