/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs the target on every file of the folders (or files) given: a regression test of the
 * corpus in builds without libFuzzer. */
#include <gio/gio.h>

#include "fuzz.h"

static int
run_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize size = 0;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &data, &size, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  LLVMFuzzerTestOneInput ((const uint8_t *) data, size);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  guint ran = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        {
          if (run_file (argv[i]) != 0)
            return 1;
          ran++;
          continue;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          if (run_file (path) != 0)
            return 1;
          ran++;
        }
    }
  /* An empty corpus tests nothing: fail rather than pass. */
  if (ran == 0)
    {
      g_printerr ("no inputs\n");
      return 1;
    }
  g_print ("%u inputs ran without a crash\n", ran);
  return 0;
}
