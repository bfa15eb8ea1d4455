/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One playback for every animated page: a timer that steps the page while it plays, the
 * play/pause toggle (its icon says what a click does), the step buttons, and the keys
 * (Space plays and pauses, Left and Right step) when no text field has the focus. The page
 * keeps where it is; the playback only asks it to move. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UTH_TYPE_PLAYBACK (uth_playback_get_type ())
G_DECLARE_FINAL_TYPE (UthPlayback, uth_playback, UTH, PLAYBACK, GObject)

/* Moves the page by @delta steps (a tick is +1, the keys and buttons ±1). Returns FALSE when
 * it could not move forward because it is at its end: a playback stops there. A page that
 * loops returns TRUE always. */
typedef gboolean (*UthPlaybackStepFunc)    (gpointer owner,
                                            int      delta);
/* Called when playing starts (uth_playback_get_playing is TRUE already): a page at its end
 * goes back to its start (optional). */
typedef void     (*UthPlaybackRestartFunc) (gpointer owner);

/* @owner is the page (not referenced: the page owns the playback and drops it in its
 * dispose). Ticks come every @interval_ms divided by the Preferences' animation speed. The
 * keys are read by a controller added to @owner. */
UthPlayback *uth_playback_new            (GtkWidget              *owner,
                                          guint                   interval_ms,
                                          UthPlaybackStepFunc     step,
                                          UthPlaybackRestartFunc  restart);
/* The page's ▶ toggle and its ◀ ▶ step buttons (any may be NULL). */
void         uth_playback_set_buttons    (UthPlayback     *self,
                                          GtkToggleButton *play,
                                          GtkButton       *back,
                                          GtkButton       *forward);
/* Instead of step (+1) on every tick: for a page that animates within a step (the Overview
 * reads the time itself). Return FALSE to stop. */
void         uth_playback_set_tick_func  (UthPlayback          *self,
                                          UthPlaybackStepFunc   tick);
gboolean     uth_playback_get_playing    (UthPlayback     *self);
void         uth_playback_set_playing    (UthPlayback     *self,
                                          gboolean         playing);
/* Steps by hand (what Left/Right and the step buttons do); playing goes on. */
void         uth_playback_step           (UthPlayback     *self,
                                          int              delta);
/* What the owner's key controller does with a key: TRUE when it was the playback's
 * (Space, Left, Right without Ctrl or Alt, and no text field focused). */
gboolean     uth_playback_handle_key     (UthPlayback     *self,
                                          guint            keyval,
                                          GdkModifierType  state);

/* Whether a key press should go to a page's shortcuts (Space, arrows) rather than to a
 * focused text field or spin button, or to a Ctrl/Alt shortcut. */
gboolean     uth_playback_keys_free      (GtkWidget       *page,
                                          GdkModifierType  state);

G_END_DECLS
