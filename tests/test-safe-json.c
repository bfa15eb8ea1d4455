/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The guarded reader of files and JSON (src/catalog/uth-safe-json.c): strict RFC 8259, checked
 * against Python's json made strict; limits on depth, size and memory; files that are not
 * regular refused at once; the writer's round trip. Issue 19, items 1, 3, 4, 6 and 10. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-safe-json.h"

static JsonNode *
parse (const char  *text,
       GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return uth_safe_json_parse (bytes, "test.json", UTH_JSON_MAX_BYTES, UTH_JSON_MAX_DEPTH, error);
}

/* Every case of tests/data/json-strict-cases.txt (tools/gen-json-cases.py: Python's verdict). */
static void
test_differential (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "json-strict-cases.txt", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint accepted = 0, refused = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GError) parse_error = NULL;
      gsize hex_len;
      guint8 *data;
      gboolean expect;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", 3);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      expect = fields[0][0] == 'A';
      hex_len = strlen (fields[1]);
      data = g_malloc (hex_len / 2 + 1);
      for (gsize j = 0; j < hex_len / 2; j++)
        data[j] = (guint8) (g_ascii_xdigit_value (fields[1][2 * j]) * 16 +
                            g_ascii_xdigit_value (fields[1][2 * j + 1]));
      bytes = g_bytes_new_take (data, hex_len / 2);
      root = uth_safe_json_parse (bytes, "case.json", UTH_JSON_MAX_BYTES, UTH_JSON_MAX_DEPTH,
                                  &parse_error);
      if ((root != NULL) != expect)
        g_error ("line %u (%s, %s): Python says %s, the strict reader %s%s", i + 1, fields[2],
                 fields[1], expect ? "accept" : "refuse", root != NULL ? "accepted" : "refused: ",
                 parse_error != NULL ? parse_error->message : "");
      if (root == NULL)
        g_assert_nonnull (parse_error);
      expect ? accepted++ : refused++;
    }
  /* Both verdicts well represented (the generator's seed gives 375 and 316). */
  g_assert_cmpuint (accepted, >, 100);
  g_assert_cmpuint (refused, >, 100);
}

/* json-glib alone reads these (issue 19 item 6); the strict reader names what is wrong. */
static void
test_refusals_named (void)
{
  static const struct { const char *text; const char *says; } cases[] = {
    { "{\"a\": 010}", "leading zero" },
    { "{\"a\": 0x40}", "hexadecimal" },
    { "{\"a\": 1} /* note */", "comment" },
    { "{'a': 1}", "single quote" },
    { "{\"a\": 1} {\"b\": 2}", "after the JSON value" },
    { "{\"a\": 1, \"a\": 2}", "\"a\" appears twice" },
    { "[NaN]", "NaN and Infinity" },
    { "[-Infinity]", "NaN and Infinity" },
    { "\"\\u0000\"", "NUL" },
    { "\"a\nb\"", "control character" },
    { "\xef\xbb\xbf{}", "byte order mark" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = parse (cases[i].text, &error);

      g_assert_null (root);
      g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE);
      if (strstr (error->message, cases[i].says) == NULL || strstr (error->message, "test.json") == NULL)
        g_error ("%s: expected a message with \"%s\", got: %s", cases[i].text, cases[i].says,
                 error->message);
    }
}

/* 1e999 is not finite: refused, naming file, line, entry and field (issue 19 item 2). */
static void
test_infinite_number_named (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = parse ("{\"models\": [\n {\"id\": \"mine\",\n  \"memory_bytes\": 1e999}]}",
                                    &error);

  g_assert_null (root);
  g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "test.json"));
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_assert_nonnull (strstr (error->message, "models[0].memory_bytes"));
  g_assert_nonnull (strstr (error->message, "entry 'mine'"));
  g_assert_nonnull (strstr (error->message, "1e999"));
}

/* Integers beyond 64 bits are doubles (not -1), integers within stay exact. */
static void
test_numbers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = parse ("[18446744073709551616, 9223372036854775807, -0, 1.5e3, 8]", &error);
  JsonArray *a;

  g_assert_no_error (error);
  a = json_node_get_array (root);
  g_assert_cmpint (json_node_get_value_type (json_array_get_element (a, 0)), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_array_get_double_element (a, 0), ==, 18446744073709551616.0);
  g_assert_cmpint (json_array_get_int_element (a, 1), ==, G_MAXINT64);
  g_assert_cmpint (json_array_get_int_element (a, 2), ==, 0);
  g_assert_cmpfloat (json_array_get_double_element (a, 3), ==, 1500.0);
  g_assert_cmpint (json_array_get_int_element (a, 4), ==, 8);   /* 010 would be 8 in json-glib */
}

/* 200,000 '[' (issue 19 item 1: json-glib recursed 74,867 frames deep): refused, no crash. */
static void
test_deep_nesting (void)
{
  gsize n = 200000;
  char *text = g_malloc (n + 1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  memset (text, '[', n);
  text[n] = '\0';
  bytes = g_bytes_new_take (text, n);
  root = uth_safe_json_parse (bytes, "deep.json", UTH_CATALOG_MAX_BYTES, 16, &error);
  g_assert_null (root);
  g_assert_nonnull (strstr (error->message, "nested deeper than 16 levels"));
}

/* A 13 MB file of tiny objects cost json-glib about 1 GB (issue 19 item 10): the memory
 * budget (UTH_JSON_MEMORY_FACTOR bytes per byte of text) refuses such a file before it is
 * built; 4 MB of them shows it (each 9-byte {"a":{}}, costs about 580 bytes, 64 per byte).
 * A tokenizer-like file (a vocabulary object and pairs of merges) still loads. */
static void
test_memory_budget (void)
{
  g_autoptr(GString) objects = g_string_new ("[");
  g_autoptr(GString) tokenizer = g_string_new ("{\"vocab\": {");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  while (objects->len < 4 * 1000 * 1000)
    g_string_append (objects, "{\"a\":{}},");
  g_string_append (objects, "{}]");
  bytes = g_string_free_to_bytes (g_steal_pointer (&objects));
  root = uth_safe_json_parse (bytes, "config.json", UTH_JSON_MAX_BYTES, UTH_JSON_MAX_DEPTH, &error);
  g_assert_null (root);
  g_assert_nonnull (strstr (error->message, "MiB of memory"));
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (tokenizer, "%s\"tok%u\": %u", i > 0 ? ", " : "", i, i);
  g_string_append (tokenizer, "}, \"merges\": [");
  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (tokenizer, "%s[\"t%u\", \"k%u\"]", i > 0 ? ", " : "", i, i);
  g_string_append (tokenizer, "]}");
  bytes = g_string_free_to_bytes (g_steal_pointer (&tokenizer));
  root = uth_safe_json_parse (bytes, "tokenizer.json", UTH_JSON_MAX_BYTES, UTH_JSON_MAX_DEPTH, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
}

/* A FIFO, a symlink to /dev/zero, a folder, a 27 MB file: refused at once, naming the file
 * (issue 19 items 3 and 4: the old reader blocked on the FIFO and read /dev/zero forever). */
static void
test_files_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("uth-safe-json-XXXXXX", &error);
  g_autofree char *fifo = g_build_filename (dir, "models.json", NULL);
  g_autofree char *zero = g_build_filename (dir, "zero.json", NULL);
  g_autofree char *big = g_build_filename (dir, "big.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  const char *paths[] = { fifo, zero, dir, big };
  const char *says[] = { "(a FIFO)", "a device", "(a directory)", "larger than the limit of 16 MiB" };
  int fd;

  g_assert_no_error (error);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  fd = g_open (big, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 27 * 1000 * 1000), ==, 0);
  close (fd);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);
      g_autoptr(GBytes) bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, &error);

      g_assert_null (bytes);
      g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO);
      if (strstr (error->message, says[i]) == NULL || strstr (error->message, paths[i]) == NULL)
        g_error ("%s: expected \"%s\", got: %s", paths[i], says[i], error->message);
      g_clear_error (&error);
    }
  {
    g_autoptr(GFile) file = g_file_new_for_path (missing);
    g_autoptr(GBytes) bytes = uth_safe_load_file (file, UTH_CATALOG_MAX_BYTES, &error);

    g_assert_null (bytes);
    g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO);
    g_clear_error (&error);
  }
  g_unlink (fifo);
  g_unlink (zero);
  g_unlink (big);
  g_rmdir (dir);
}

/* A pipe is read once, up to the cap, and called what it is ("standard input" for stdin). */
static void
test_pipe (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int fds[2];
  char block[4096];

  g_assert_cmpint (pipe (fds), ==, 0);
  g_assert_cmpint (write (fds[1], "{\"a\": 1}", 8), ==, 8);
  close (fds[1]);
  bytes = uth_safe_load_fd (fds[0], "standard input", 1024, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 8);
  close (fds[0]);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* 8 KiB into a cap of 4 KiB: refused, naming standard input. */
  g_assert_cmpint (pipe (fds), ==, 0);
  memset (block, ' ', sizeof block);
  g_assert_cmpint (write (fds[1], block, sizeof block), ==, sizeof block);
  g_assert_cmpint (write (fds[1], block, sizeof block), ==, sizeof block);
  close (fds[1]);
  bytes = uth_safe_load_fd (fds[0], "standard input", 4096, &error);
  g_assert_null (bytes);
  g_assert_nonnull (strstr (error->message, "standard input"));
  close (fds[0]);
  g_clear_error (&error);

  /* The same through the real standard input, as `inspect -` reads it: 8 KiB over a cap of
   * 4 KiB, and the message says "standard input", not a path. */
  {
    int saved = dup (STDIN_FILENO);

    g_assert_cmpint (pipe (fds), ==, 0);
    g_assert_cmpint (write (fds[1], block, sizeof block), ==, sizeof block);
    g_assert_cmpint (write (fds[1], block, sizeof block), ==, sizeof block);
    close (fds[1]);
    g_assert_cmpint (dup2 (fds[0], STDIN_FILENO), ==, STDIN_FILENO);
    close (fds[0]);
    bytes = uth_safe_load_stdin (4096, &error);
    g_assert_cmpint (dup2 (saved, STDIN_FILENO), ==, STDIN_FILENO);
    close (saved);
    g_assert_null (bytes);
    g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO);
    g_assert_true (g_str_has_prefix (error->message, "standard input: larger than the limit"));
  }
}

/* The writer: values it did not change keep their text; what it writes reads back equal;
 * non-finite numbers are refused, naming the field. */
static void
test_writer (void)
{
  const char *text = "{\"big\": 18446744073709551616, \"e\": 1E+2, \"s\": \"\\u00e9\", \"n\": 1}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = NULL;
  g_autoptr(UthJsonDocument) doc = uth_json_document_parse (bytes, "w.json", 1024, 8, UTH_JSON_STRICT, &error);
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(JsonNode) back = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) fresh = g_string_new (NULL);

  g_assert_no_error (error);
  /* A deep copy (json_node_copy shares the object) with one member changed: the others are
   * copied as written. */
  g_assert_true (uth_json_write (fresh, uth_json_document_get_root (doc), NULL, NULL, NULL, 0, &error));
  copy = parse (fresh->str, &error);
  g_assert_no_error (error);
  g_assert_false (uth_json_document_get_text (doc, copy, &(const char *) { NULL }, &(gsize) { 0 }));
  g_string_truncate (fresh, 0);
  json_object_set_double_member (json_node_get_object (copy), "n", 17179869184.0);
  g_assert_true (uth_json_write (out, copy, doc, uth_json_document_get_root (doc), NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out->str, "\"big\": 18446744073709551616"));
  g_assert_nonnull (strstr (out->str, "\"e\": 1E+2"));
  g_assert_nonnull (strstr (out->str, "\"s\": \"\\u00e9\""));
  /* A whole double stays a double when read back. */
  g_assert_nonnull (strstr (out->str, "\"n\": 17179869184.0"));
  back = parse (out->str, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (back, copy));

  /* Without the document: still JSON that reads back equal. */
  g_assert_true (uth_json_write (fresh, copy, NULL, NULL, NULL, 0, &error));
  g_clear_pointer (&back, json_node_unref);
  back = parse (fresh->str, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (back, copy));

  /* inf is not JSON: nothing written for it, the field named. */
  json_object_set_double_member (json_node_get_object (copy), "memory_bytes", INFINITY);
  g_string_truncate (fresh, 0);
  g_assert_false (uth_json_write (fresh, copy, NULL, NULL, NULL, 0, &error));
  g_assert_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD);
  g_assert_nonnull (strstr (error->message, "memory_bytes"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/safe-json/differential", test_differential);
  g_test_add_func ("/safe-json/refusals-named", test_refusals_named);
  g_test_add_func ("/safe-json/infinite-number-named", test_infinite_number_named);
  g_test_add_func ("/safe-json/numbers", test_numbers);
  g_test_add_func ("/safe-json/deep-nesting", test_deep_nesting);
  g_test_add_func ("/safe-json/memory-budget", test_memory_budget);
  g_test_add_func ("/safe-json/files-refused", test_files_refused);
  g_test_add_func ("/safe-json/pipe", test_pipe);
  g_test_add_func ("/safe-json/writer", test_writer);
  return g_test_run ();
}
