/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measurement hooks: resident memory "after visiting every page" (issue 10) needs every
 * page built, laid out and painted once in a real window. tools/measure-startup sets
 * UTH_VISIT_ALL_PAGES=1 and waits for the line this writes at the end. */
#define G_LOG_DOMAIN "uth-app"

#include "config.h"

#include "uth-debug.h"

typedef struct
{
  guint frames;
  guint visited;
} VisitState;

/* Runs at the start of each frame, before layout and paint: the page shown on the previous
 * tick has been painted by then, so the next one can be shown. */
static gboolean
visit_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  VisitState *state = user_data;

  /* The first tick comes before the first paint: let the opening page be painted. */
  if (state->frames++ == 0)
    return G_SOURCE_CONTINUE;
  if (state->visited == 0)
    {
      /* The first page of the sidebar (the Overview); stepping visits the rest. */
      uth_window_show_page (UTH_WINDOW (widget), uth_draw_page_ids ()[0]);
      state->visited = 1;
      return G_SOURCE_CONTINUE;
    }
  if (uth_window_step (UTH_WINDOW (widget), 1))
    {
      state->visited++;
      return G_SOURCE_CONTINUE;
    }
  g_printerr ("all pages visited (%u pages, %u frames)\n", state->visited, state->frames);
  return G_SOURCE_REMOVE;
}

void
uth_debug_attach (UthWindow *window)
{
  g_return_if_fail (UTH_IS_WINDOW (window));

  if (g_strcmp0 (g_getenv ("UTH_VISIT_ALL_PAGES"), "1") != 0)
    return;
  gtk_widget_add_tick_callback (GTK_WIDGET (window), visit_tick_cb, g_new0 (VisitState, 1), g_free);
}
