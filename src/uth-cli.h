/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Headless subcommands: catalog, estimate, gemm, render, inspect, bench. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether argv names a subcommand (or --version/--help of the CLI) rather than the app. */
gboolean uth_cli_handles (int    argc,
                          char **argv);
/* Runs it: 0 success, 1 failure, 2 bad usage. Output on stdout, errors on stderr. */
int      uth_cli_run     (int    argc,
                          char **argv);

G_END_DECLS
