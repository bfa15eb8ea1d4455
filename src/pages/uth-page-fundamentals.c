/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pages/uth-page-fundamentals.h"

void
uth_fundamentals_entry_from_scenario (UthPage     *page,
                                      GtkEditable *entry,
                                      gboolean    *updating)
{
  UthScenario *scenario = uth_page_get_scenario (page);
  const char *text;

  if (scenario == NULL)
    return;
  text = uth_scenario_get_text (scenario);
  if (text == NULL)
    text = "";
  if (g_strcmp0 (gtk_editable_get_text (entry), text) == 0)
    return;
  *updating = TRUE;
  gtk_editable_set_text (entry, text);
  *updating = FALSE;
}

void
uth_fundamentals_entry_to_scenario (UthPage     *page,
                                    GtkEditable *entry,
                                    gboolean     updating)
{
  UthScenario *scenario = uth_page_get_scenario (page);

  if (updating || scenario == NULL)
    return;
  uth_scenario_set_text (scenario, gtk_editable_get_text (entry));
}

static void
play_active_cb (GtkToggleButton *button)
{
  gtk_button_set_icon_name (GTK_BUTTON (button),
                            gtk_toggle_button_get_active (button)
                            ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
}

void
uth_fundamentals_play_button_init (GtkToggleButton *button)
{
  g_signal_connect (button, "notify::active", G_CALLBACK (play_active_cb), NULL);
  play_active_cb (button);
}

gboolean
uth_fundamentals_keys_free (GtkWidget       *page,
                            GdkModifierType  state)
{
  GtkRoot *root = gtk_widget_get_root (page);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  /* Typing in a text or number field keeps its keys. */
  return !(focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT (focus)));
}
