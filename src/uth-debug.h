/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measurement hooks for tools/measure-startup, off unless an environment variable asks. */
#pragma once

#include "uth-window.h"

G_BEGIN_DECLS

/* UTH_VISIT_ALL_PAGES=1: once the window has painted its first frame, shows every page in
 * learning order, one page per frame (each painted at the window's size before the next),
 * then writes "all pages visited" on stderr. Does nothing when the variable is unset. */
void uth_debug_attach (UthWindow *window);

G_END_DECLS
