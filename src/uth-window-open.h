/* SPDX-License-Identifier: GPL-3.0-or-later */
/* File › Open (Ctrl+O) and drag-and-drop of a model file or folder onto the window: the file
 * is inspected in a worker thread; a full architecture becomes the scenario's model (and can
 * be saved to the user's catalog), anything else is summarised, a failure is reported and
 * nothing of the scenario changes. */
#pragma once

#include "uth-window.h"

G_BEGIN_DECLS

/* Inspects file (a model file or a model folder) in a thread; a previous open still
 * running is cancelled. The result arrives in the main loop. */
void          uth_window_open_file           (UthWindow      *self,
                                              GFile          *file);
/* TRUE while an open is running. */
gboolean      uth_window_open_is_busy        (UthWindow      *self);
/* The error of the last open that failed, cleared when an open starts; NULL if none. */
const GError *uth_window_open_get_last_error (UthWindow      *self);
/* The catalog id the last opened model got in the running catalog ("file:…"), or NULL. */
const char   *uth_window_open_get_model_id   (UthWindow      *self);
/* Saves the last opened model to the user's models.json in dir ($XDG_CONFIG_HOME/
 * under-the-hood when NULL), previous version kept as .bak; the scenario switches to the
 * saved entry. FALSE with an error when nothing was opened or the save failed. */
gboolean      uth_window_open_save           (UthWindow      *self,
                                              GFile          *dir,
                                              GError        **error);

G_END_DECLS
