/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the How LLMs work pages share: the reader's text entry kept in step with the
 * scenario, so text typed on one page is the text of every page. */
#pragma once

#include "pages/uth-page.h"

G_BEGIN_DECLS

/* Copies the scenario's text into entry when they differ (guarding *updating so the
 * entry's "changed" handler does not write it back). */
void     uth_fundamentals_entry_from_scenario (UthPage     *page,
                                               GtkEditable *entry,
                                               gboolean    *updating);
/* Writes the entry's text to the scenario (from the entry's "changed" handler). */
void     uth_fundamentals_entry_to_scenario   (UthPage     *page,
                                               GtkEditable *entry,
                                               gboolean     updating);
/* Whether a key press should go to the page's shortcuts (Space, arrows) rather than to a
 * focused text field or spin button. */
gboolean uth_fundamentals_keys_free           (GtkWidget       *page,
                                               GdkModifierType  state);
/* Keeps a play toggle's icon saying what a click does: play while stopped, pause while
 * playing (a pressed ▶ alone does not read as "playing" on a projector). */
void     uth_fundamentals_play_button_init    (GtkToggleButton *button);

G_END_DECLS
