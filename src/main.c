/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "uth-application.h"
#include "uth-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(UthApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Subcommands run headless; anything else opens the window. */
  if (uth_cli_handles (argc, argv))
    return uth_cli_run (argc, argv);

  app = uth_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
