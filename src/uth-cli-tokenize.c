/* SPDX-License-Identifier: GPL-3.0-or-later */
/* under-the-hood tokenize [--tokenizer gpt2|app|PATH] TEXT [--json]: a text's tokens and
 * their ids, with GPT-2's tokenizer (the default), this app's own vocabulary, or a
 * tokenizer.json read through the same checked reader as the Tokens page's. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "catalog/uth-tokenizer.h"
#include "uth-cli-private.h"

static void
print_usage (void)
{
  g_print ("%s\n  under-the-hood tokenize [--tokenizer gpt2|app|PATH] TEXT [--json]\n\n%s\n",
           _("Usage:"),
           _("Cuts TEXT into tokens by byte-pair encoding and prints each token's id and text\n"
             "(a space shown as ␣, a newline as ↵, a piece of a character as <0xNN>).\n"
             "Tokenizers: gpt2 (GPT-2's 50,257 tokens, the default), app (this app's own\n"
             "vocabulary, trained from its pages) or the PATH of a Hugging Face tokenizer.json\n"
             "(byte-level or SentencePiece-style BPE). Put -- before a TEXT that starts with a dash."));
  g_print ("  --tokenizer NAME      %s\n", _("gpt2, app or the path of a tokenizer.json"));
  g_print ("  --json                %s\n",
           _("print {\"tokens\": […], \"ids\": […]} (a token's bytes that are not UTF-8 as U+FFFD)"));
}

/* The tokenizer the option names; a new reference. */
static UthTokenizer *
choose_tokenizer (const char  *name,
                  GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) local = NULL;
  UthTokenizer *tok;

  if (name == NULL || g_str_equal (name, "gpt2"))
    tok = uth_tokenizer_get_gpt2 ();
  else if (g_str_equal (name, "app"))
    tok = uth_tokenizer_get_default ();
  else
    {
      /* A bare word that names no file is a mistyped tokenizer, not a missing file. */
      if (strchr (name, '/') == NULL && strchr (name, '.') == NULL &&
          !g_file_test (name, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                       _("tokenize: unknown tokenizer '%s'; use gpt2, app or the path of a tokenizer.json"),
                       name);
          return NULL;
        }
      file = g_file_new_for_commandline_arg (name);
      tok = uth_tokenizer_new_from_file (file, &local);
      if (tok == NULL)
        {
          g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED, "%s", local->message);
          return NULL;
        }
      return tok;
    }
  if (tok == NULL)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                   _("tokenize: the bundled tokenizer '%s' could not be loaded"), name);
      return NULL;
    }
  return uth_tokenizer_ref (tok);
}

static void
print_json (UthTokenizer *tok,
            GArray       *ids)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const UthBpe *bpe = uth_tokenizer_get_bpe (tok);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tokens");
  json_builder_begin_array (b);
  for (guint i = 0; i < ids->len; i++)
    {
      gsize len;
      const guint8 *bytes = uth_bpe_token_bytes (bpe, g_array_index (ids, guint32, i), &len);
      g_autofree char *text = g_utf8_make_valid ((const char *) bytes, (gssize) len);

      json_builder_add_string_value (b, text);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "ids");
  json_builder_begin_array (b);
  for (guint i = 0; i < ids->len; i++)
    json_builder_add_int_value (b, g_array_index (ids, guint32, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  uth_cli_json_print (b);
}

static void
print_text (UthTokenizer *tok,
            const char   *text,
            GArray       *ids)
{
  g_autofree char *name = uth_cli_escape (uth_tokenizer_is_default (tok) ? _("This app’s vocabulary")
                                                                        : uth_tokenizer_get_name (tok));
  glong chars = g_utf8_validate (text, -1, NULL) ? g_utf8_strlen (text, -1) : (glong) strlen (text);
  g_autofree char *largest = g_strdup_printf ("%u", uth_bpe_get_vocab_size (uth_tokenizer_get_bpe (tok)));
  int width = (int) strlen (largest);

  if (ids->len > 0)
    /* Translators: tokenizer name, number of tokens, characters per token */
    g_print (ngettext ("%s: %u token, %.2f characters per token\n",
                       "%s: %u tokens, %.2f characters per token\n", ids->len),
             name, ids->len, (double) chars / ids->len);
  else
    /* Translators: tokenizer name */
    g_print (_("%s: no tokens (the text is empty)\n"), name);
  for (guint i = 0; i < ids->len; i++)
    {
      guint32 id = g_array_index (ids, guint32, i);
      g_autofree char *token = uth_tokenizer_describe_token (tok, id);
      g_autofree char *safe = uth_cli_escape (token);

      g_print ("%*u  %s\n", width, id, safe);
    }
}

int
uth_cli_tokenize (int    argc,
                  char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UthTokenizer) tok = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *tokenizer = NULL;
  gboolean json = FALSE;
  const UthCliOption options[] = {
    { "--tokenizer", &tokenizer, NULL },
    { "--json", NULL, &json },
  };
  const char *text;
  gboolean dashes = FALSE;

  if (uth_cli_wants_help (argc, argv))
    {
      print_usage ();
      return 0;
    }
  if (!uth_cli_take_options (&argc, &argv, options, G_N_ELEMENTS (options), &error))
    return uth_cli_fail (g_steal_pointer (&error));
  /* Skip a "--" that protects a text starting with a dash. */
  if (argc >= 2 && g_str_equal (argv[1], "--"))
    {
      argv[1] = argv[0];
      argc--;
      argv++;
      dashes = TRUE;
    }
  for (int i = 1; i < argc && !dashes; i++)
    if (argv[i][0] == '-' && argv[i][1] != '\0')
      return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                                        _("tokenize: unknown option '%s' (put -- before a text that starts with a dash)"),
                                        argv[i]));
  if (argc < 2)
    return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE, "%s",
                                      _("tokenize: which text? under-the-hood tokenize [--tokenizer gpt2|app|PATH] TEXT [--json]")));
  if (argc > 2)
    return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                                      _("tokenize: one text at a time; quote it (unexpected '%s')"),
                                      argv[2]));
  text = argv[1];

  tok = choose_tokenizer (tokenizer, &error);
  if (tok == NULL)
    return uth_cli_fail (g_steal_pointer (&error));
  ids = uth_tokenizer_encode (tok, text, -1);
  if (json)
    print_json (tok, ids);
  else
    print_text (tok, text, ids);
  return 0;
}
