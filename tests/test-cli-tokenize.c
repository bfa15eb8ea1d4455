/* SPDX-License-Identifier: GPL-3.0-or-later */
/* under-the-hood tokenize, run as a user runs it: GPT-2's ids (from gpt-3-encoder's own
 * JavaScript encoder, see tests/test-gpt2-tokenizer.c), JSON, a tokenizer.json worked by
 * hand, and every refusal with its exit code. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_argv (Run         *r,
          const char **argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config = g_dir_make_tmp ("uth-cli-tokenize-XXXXXX", &error);

  g_assert_no_error (error);
  g_ptr_array_add (args, (gpointer) UTH_BINARY);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  g_assert_no_error (error);
  /* A crash is never an acceptable answer. */
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
  if (r->out == NULL)
    r->out = g_strdup ("");
  if (r->err == NULL)
    r->err = g_strdup ("");
  g_test_message ("exit %d\nstdout: %.2000s\nstderr: %s", r->status, r->out, r->err);
  g_rmdir (config);
}

#define run(r, ...) run_argv ((r), (const char *[]) { __VA_ARGS__, NULL })

/* The "tokens" and "ids" of tokenize --json output. */
static void
parse_tokens (const char  *json,
              GPtrArray  **tokens,
              GArray     **ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = json_from_string (json, &error);
  JsonObject *o;
  JsonArray *t, *i;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  o = json_node_get_object (root);
  g_assert_cmpuint (json_object_get_size (o), ==, 2);
  t = json_object_get_array_member (o, "tokens");
  i = json_object_get_array_member (o, "ids");
  g_assert_nonnull (t);
  g_assert_nonnull (i);
  g_assert_cmpuint (json_array_get_length (t), ==, json_array_get_length (i));
  *tokens = g_ptr_array_new_with_free_func (g_free);
  *ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint k = 0; k < json_array_get_length (t); k++)
    {
      gint64 id = json_array_get_int_element (i, k);

      g_ptr_array_add (*tokens, g_strdup (json_array_get_string_element (t, k)));
      g_assert_cmpint (id, >=, 0);
      g_array_append_val (*ids, (guint32) { (guint32) id });
    }
}

static const guint32 fox_ids[] = { 464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13 };
#define FOX "The quick brown fox jumps over the lazy dog."

static void
test_text (void)
{
  g_auto(Run) r = { 0 };
  g_auto(GStrv) lines = NULL;

  run (&r, "tokenize", FOX);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  lines = g_strsplit (r.out, "\n", -1);
  /* A heading (44 characters in 10 tokens), a line per token, then the final newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, 12);
  g_assert_cmpstr (lines[0], ==, "GPT-2: 10 tokens, 4.40 characters per token");
  g_assert_cmpstr (lines[1], ==, "  464  The");          /* ids right-aligned to 5 digits */
  g_assert_cmpstr (lines[2], ==, " 2068  ␣quick");       /* a space shown as ␣ */
  g_assert_cmpstr (lines[4], ==, "21831  ␣fox");
  g_assert_cmpstr (lines[10], ==, "   13  .");
  g_assert_cmpstr (lines[11], ==, "");
}

static void
test_json (void)
{
  g_auto(Run) r = { 0 };
  g_auto(Run) named = { 0 };
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *joined = NULL;

  run (&r, "tokenize", FOX, "--json");
  g_assert_cmpint (r.status, ==, 0);
  parse_tokens (r.out, &tokens, &ids);
  g_assert_cmpmem (ids->data, ids->len * sizeof (guint32), fox_ids, sizeof fox_ids);
  g_assert_cmpstr (tokens->pdata[0], ==, "The");
  g_assert_cmpstr (tokens->pdata[1], ==, " quick");
  g_ptr_array_add (tokens, NULL);
  joined = g_strjoinv ("", (char **) tokens->pdata);
  g_assert_cmpstr (joined, ==, FOX);

  /* --tokenizer gpt2 is the default, named. */
  run (&named, "tokenize", "--json", "--tokenizer", "gpt2", FOX);
  g_assert_cmpint (named.status, ==, 0);
  g_assert_cmpstr (named.out, ==, r.out);
}

static void
test_non_ascii (void)
{
  g_auto(Run) r = { 0 };
  g_auto(Run) emoji = { 0 };
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GArray) ids = NULL;
  static const guint32 expected[] = { 2616, 38776, 40304 };   /* "na", "ïve", " café" */

  run (&r, "tokenize", "--json", "naïve café");
  g_assert_cmpint (r.status, ==, 0);
  parse_tokens (r.out, &tokens, &ids);
  g_assert_cmpmem (ids->data, ids->len * sizeof (guint32), expected, sizeof expected);
  g_assert_cmpstr (tokens->pdata[1], ==, "ïve");
  g_assert_cmpstr (tokens->pdata[2], ==, " café");

  /* 👍🏽 is 5 tokens, pieces of characters: the text output shows their bytes. */
  run (&emoji, "tokenize", "👍🏽");
  g_assert_cmpint (emoji.status, ==, 0);
  g_assert_nonnull (strstr (emoji.out, "GPT-2: 5 tokens, 0.40 characters per token\n"));
  g_assert_nonnull (strstr (emoji.out, "41840  <0xF0><0x9F><0x91>\n"));
  g_assert_nonnull (strstr (emoji.out, "  235  <0x8D>\n"));
}

static void
test_app_vocabulary (void)
{
  g_auto(Run) r = { 0 };
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *joined = NULL;

  run (&r, "tokenize", "--tokenizer", "app", "--json", FOX);
  g_assert_cmpint (r.status, ==, 0);
  parse_tokens (r.out, &tokens, &ids);
  /* The app's small vocabulary needs more tokens than GPT-2 and spells the same text. */
  g_assert_cmpuint (ids->len, >, G_N_ELEMENTS (fox_ids));
  g_ptr_array_add (tokens, NULL);
  joined = g_strjoinv ("", (char **) tokens->pdata);
  g_assert_cmpstr (joined, ==, FOX);
}

/* GPT-2's byte-to-unicode spelling of one byte, written out for the fixture. */
static void
append_spelled_byte (GString *s,
                     guint    byte)
{
  gboolean printable = (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || byte >= 0xAE;
  guint n = 0;

  if (printable)
    {
      g_string_append_unichar (s, byte);
      return;
    }
  for (guint b = 0; b < byte; b++)
    if (!((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE))
      n++;
  g_string_append_unichar (s, 256 + n);
}

/* A byte-level tokenizer.json: the 256 bytes with id = byte, then "h i" (256) and "Ġ hi"
 * (257). So "hi hi" is 256 then 257. */
static char *
write_fixture (const char *dir)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "tokenizer.json", NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pre_tokenizer");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "ByteLevel");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "BPE");
  json_builder_set_member_name (b, "vocab");
  json_builder_begin_object (b);
  for (guint byte = 0; byte < 256; byte++)
    {
      g_autoptr(GString) s = g_string_new (NULL);

      append_spelled_byte (s, byte);
      json_builder_set_member_name (b, s->str);
      json_builder_add_int_value (b, byte);
    }
  json_builder_set_member_name (b, "hi");
  json_builder_add_int_value (b, 256);
  json_builder_set_member_name (b, "Ġhi");
  json_builder_add_int_value (b, 257);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "merges");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "h i");
  json_builder_add_string_value (b, "Ġ hi");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  g_assert_true (json_generator_to_file (gen, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_tokenizer_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("uth-tokenize-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *text_path = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_auto(Run) r = { 0 };
  g_auto(Run) text = { 0 };
  g_auto(Run) gone = { 0 };
  g_auto(Run) folder = { 0 };
  g_auto(Run) not_json = { 0 };
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GArray) ids = NULL;

  g_assert_no_error (error);
  path = write_fixture (dir);
  run (&r, "tokenize", "--tokenizer", path, "--json", "hi hi");
  g_assert_cmpint (r.status, ==, 0);
  parse_tokens (r.out, &tokens, &ids);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpuint (g_array_index (ids, guint32, 0), ==, 256);
  g_assert_cmpuint (g_array_index (ids, guint32, 1), ==, 257);
  g_assert_cmpstr (tokens->pdata[0], ==, "hi");
  g_assert_cmpstr (tokens->pdata[1], ==, " hi");

  /* Text output names the file. */
  run (&text, "tokenize", "--tokenizer", path, "hi");
  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (text.out, ==, "tokenizer.json: 1 token, 2.00 characters per token\n256  hi\n");

  /* A missing file, a folder, a file that is not JSON: exit 1, naming the path. */
  run (&gone, "tokenize", "--tokenizer", missing, "hi");
  g_assert_cmpint (gone.status, ==, 1);
  g_assert_nonnull (strstr (gone.err, "missing.json"));
  g_assert_cmpstr (gone.out, ==, "");
  run (&folder, "tokenize", "--tokenizer", dir, "hi");
  g_assert_cmpint (folder.status, ==, 1);
  g_assert_nonnull (strstr (folder.err, "a directory"));
  g_assert_true (g_file_set_contents (text_path, "# not a tokenizer\n", -1, &error));
  g_assert_no_error (error);
  run (&not_json, "tokenize", "--tokenizer", text_path, "hi");
  g_assert_cmpint (not_json.status, ==, 1);
  g_assert_nonnull (strstr (not_json.err, "notes.txt"));
  g_assert_nonnull (strstr (not_json.err, "not valid JSON"));

  g_unlink (text_path);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_usage_errors (void)
{
  g_auto(Run) unknown = { 0 };
  g_auto(Run) none = { 0 };
  g_auto(Run) two = { 0 };
  g_auto(Run) option = { 0 };
  g_auto(Run) no_value = { 0 };
  g_auto(Run) dashes = { 0 };
  g_auto(Run) empty = { 0 };
  g_auto(Run) help = { 0 };
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GArray) ids = NULL;

  run (&unknown, "tokenize", "--tokenizer", "gpt3", "hi");
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "unknown tokenizer 'gpt3'; use gpt2, app or the path of a tokenizer.json"));
  run (&none, "tokenize");
  g_assert_cmpint (none.status, ==, 2);
  g_assert_nonnull (strstr (none.err, "which text?"));
  run (&two, "tokenize", "hello", "world");
  g_assert_cmpint (two.status, ==, 2);
  g_assert_nonnull (strstr (two.err, "unexpected 'world'"));
  run (&option, "tokenize", "--jsn", "hello");
  g_assert_cmpint (option.status, ==, 2);
  g_assert_nonnull (strstr (option.err, "--jsn"));
  run (&no_value, "tokenize", "hello", "--tokenizer");
  g_assert_cmpint (no_value.status, ==, 2);
  g_assert_nonnull (strstr (no_value.err, "--tokenizer"));
  g_assert_cmpstr (no_value.out, ==, "");

  /* After --, a text may start with a dash: "-5" is "-" (12) and "5" (20). */
  run (&dashes, "tokenize", "--json", "--", "-5");
  g_assert_cmpint (dashes.status, ==, 0);
  g_assert_nonnull (strstr (dashes.out, "12"));
  g_assert_nonnull (strstr (dashes.out, "20"));
  /* The empty text has no tokens. */
  run (&empty, "tokenize", "--json", "");
  g_assert_cmpint (empty.status, ==, 0);
  parse_tokens (empty.out, &tokens, &ids);
  g_assert_cmpuint (ids->len, ==, 0);
  run (&help, "tokenize", "--help");
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "tokenize [--tokenizer gpt2|app|PATH] TEXT [--json]"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/tokenize/text", test_text);
  g_test_add_func ("/cli/tokenize/json", test_json);
  g_test_add_func ("/cli/tokenize/non-ascii", test_non_ascii);
  g_test_add_func ("/cli/tokenize/app", test_app_vocabulary);
  g_test_add_func ("/cli/tokenize/tokenizer-json", test_tokenizer_json);
  g_test_add_func ("/cli/tokenize/usage-errors", test_usage_errors);
  return g_test_run ();
}
