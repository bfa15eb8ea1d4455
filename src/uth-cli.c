/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "uth-cli-private.h"

typedef int (*UthCliCommand) (int argc, char **argv);

static const struct
{
  const char    *name;
  UthCliCommand  run;
} commands[] = {
  { "catalog",  uth_cli_catalog },
  { "estimate", uth_cli_estimate },
  { "gemm",     uth_cli_gemm },
  { "inspect",  uth_cli_inspect },
  { "render",   uth_cli_render },
  { "bench",    uth_cli_bench },
  { "run",      uth_cli_run_model },
  { "tokenize", uth_cli_tokenize },
};

static void
print_usage (void)
{
  g_print ("%s\n", _("Usage:"));
  g_print ("  under-the-hood                      %s\n", _("open the application"));
  g_print ("  under-the-hood --version\n");
  g_print ("  under-the-hood catalog models|gpus|engines [--json]\n");
  g_print ("  under-the-hood estimate --model ID --gpu ID [OPTION…] [--json]\n");
  g_print ("  under-the-hood gemm --m M --k K --n N --gpu ID [--dtype DTYPE] [--engine ID] [--json]\n");
  g_print ("  under-the-hood inspect FILE [--json]\n");
  g_print ("  under-the-hood render PAGE --output FILE.png|svg|pdf [OPTION…]\n");
  g_print ("  under-the-hood bench [OPTION…]\n");
  g_print ("  under-the-hood run [MODEL_DIR] --prompt TEXT [OPTION…] [--json]\n");
  g_print ("  under-the-hood tokenize [--tokenizer gpt2|app|PATH] TEXT [--json]\n");
  g_print ("\n%s\n", _("Run a subcommand with --help for its options."));
  g_print ("%s\n", _("Exit status: 0 success, 1 failure, 2 bad usage."));
}

gboolean
uth_cli_handles (int    argc,
                 char **argv)
{
  const char *first;

  if (argc < 2 || argv[1] == NULL)
    return FALSE;
  first = argv[1];
  if (g_str_equal (first, "--version") || g_str_equal (first, "help") ||
      g_str_equal (first, "--help") || g_str_equal (first, "-h"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (first, commands[i].name))
      return TRUE;
  /* A word that is neither an option of the application nor a file to open is a mistyped
   * subcommand: answer it here rather than open a window. */
  return first[0] != '-' && !g_file_test (first, G_FILE_TEST_EXISTS);
}

int
uth_cli_run (int    argc,
             char **argv)
{
  const char *first;

  g_return_val_if_fail (argc >= 2 && argv != NULL, 2);

  first = argv[1];
  if (g_str_equal (first, "--version"))
    {
      g_print ("under-the-hood %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_str_equal (first, "help") || g_str_equal (first, "--help") || g_str_equal (first, "-h"))
    {
      print_usage ();
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (first, commands[i].name))
      {
        int status = commands[i].run (argc - 1, argv + 1);

        /* A full disk or a closed pipe must not pass for success. */
        if (fflush (stdout) != 0 || ferror (stdout))
          {
            int saved = errno;
            return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                                              _("cannot write the output: %s"),
                                              g_strerror (saved)));
          }
        return status;
      }

  return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                                    _("unknown subcommand '%s'; run 'under-the-hood --help'"),
                                    first));
}
