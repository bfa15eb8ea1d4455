/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every figure of every page says what it shows to a screen reader, and keeps saying it
 * as the scenario changes. Read through GTK's in-process test accessibility backend. */
#include "config.h"

#include <adwaita.h>

#include "uth-window.h"
#include "widgets/uth-figure.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
collect_figures (GtkWidget *widget,
                 GPtrArray *figures)
{
  GtkWidget *child;

  if (UTH_IS_FIGURE (widget))
    g_ptr_array_add (figures, widget);
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_figures (child, figures);
}

/* The property's current text: the test backend reports the value when it differs from
 * the one asked for, and no figure describes itself as this. */
static char *
accessible_text (GtkWidget             *widget,
                 GtkAccessibleProperty  property)
{
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property,
                                             "\x01 not a description");
}

static void
test_figures_described (void)
{
  UthWindow *window = uth_window_new (NULL, NULL);
  const char * const *ids = uth_draw_page_ids ();
  guint total = 0;

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) figures = g_ptr_array_new ();

      g_assert_true (uth_window_show_page (window, ids[i]));
      flush_main_loop ();
      collect_figures (GTK_WIDGET (uth_window_get_page (window, ids[i])), figures);
      for (guint j = 0; j < figures->len; j++)
        {
          GtkWidget *figure = g_ptr_array_index (figures, j);
          g_autofree char *label = accessible_text (figure, GTK_ACCESSIBLE_PROPERTY_LABEL);
          g_autofree char *description = accessible_text (figure, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

          g_test_message ("%s, figure %u: “%s”: %s", ids[i], j, label, description);
          g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (figure),
                                                       GTK_ACCESSIBLE_ROLE_IMG));
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (figure),
                                                           GTK_ACCESSIBLE_PROPERTY_LABEL));
          g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (figure),
                                                           GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
          g_assert_nonnull (label);
          g_assert_cmpuint (strlen (label), >, 0);
          g_assert_nonnull (description);
          /* A sentence in words, not a placeholder. */
          g_assert_cmpuint (strlen (description), >=, 20);
          total++;
        }
    }
  /* Every page but the home page draws at least one figure. */
  g_assert_cmpuint (total, >=, g_strv_length ((char **) ids) - 1);

  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}

/* The Layer page's roofline names the model's numbers: another model, another text. */
static void
test_description_current (void)
{
  UthWindow *window = uth_window_new (NULL, NULL);
  UthScenario *scenario = uth_window_get_scenario (window);
  g_autoptr(GPtrArray) figures = g_ptr_array_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWidget *figure;

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (uth_window_show_page (window, "kv-cache"));
  flush_main_loop ();
  collect_figures (GTK_WIDGET (uth_window_get_page (window, "kv-cache")), figures);
  g_assert_cmpuint (figures->len, >, 0);
  figure = g_ptr_array_index (figures, 0);

  uth_scenario_set_model_id (scenario, "llama-3-8b");
  uth_scenario_flush (scenario);
  flush_main_loop ();
  before = accessible_text (figure, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  uth_scenario_set_model_id (scenario, "llama-2-70b");
  uth_scenario_flush (scenario);
  flush_main_loop ();
  after = accessible_text (figure, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_test_message ("before: %s", before);
  g_test_message ("after: %s", after);
  g_assert_nonnull (before);
  g_assert_nonnull (after);
  g_assert_cmpstr (before, !=, after);

  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  /* The test backend keeps what widgets tell it, without a bus (the others' tests use none). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/accessibility/figures-described", test_figures_described);
  g_test_add_func ("/accessibility/description-current", test_description_current);

  return g_test_run ();
}
