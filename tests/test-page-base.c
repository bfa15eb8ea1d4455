/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UthPage's scenario wiring: the refresh vfunc (on a new scenario and on each "changed",
 * through a GSignalGroup), figures given the scenario, and controls bound to scenario
 * properties (uth_page_bind, a GBindingGroup) that follow a replaced scenario. */
#include "config.h"

#include <adwaita.h>

#include "pages/uth-page.h"
#include "widgets/uth-figure.h"

#define TEST_TYPE_PAGE (test_page_get_type ())
G_DECLARE_FINAL_TYPE (TestPage, test_page, TEST, PAGE, UthPage)

struct _TestPage
{
  UthPage      parent_instance;

  GtkWidget   *figure;      /* inside a box, as a template would put it */
  GtkWidget   *batch_spin;
  guint        refreshes;
  UthScenario *refreshed;   /* the scenario the last refresh saw */
  guint        scenario_changes;
};

G_DEFINE_FINAL_TYPE (TestPage, test_page, UTH_TYPE_PAGE)

static void
test_page_refresh (UthPage *page)
{
  TestPage *self = TEST_PAGE (page);

  self->refreshes++;
  self->refreshed = uth_page_get_scenario (page);
  g_assert_nonnull (self->refreshed);
  /* The figures have the scenario before the page refreshes. */
  g_assert_true (uth_figure_get_scenario (UTH_FIGURE (self->figure)) == self->refreshed);
}

static void
test_page_scenario_changed (UthPage     *page,
                            UthScenario *old)
{
  TEST_PAGE (page)->scenario_changes++;
}

static void
test_page_class_init (TestPageClass *klass)
{
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  page_class->refresh = test_page_refresh;
  page_class->scenario_changed = test_page_scenario_changed;
}

static void
test_page_init (TestPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->figure = uth_figure_new ();
  self->batch_spin = gtk_spin_button_new_with_range (1, 1 << 20, 1);
  gtk_box_append (GTK_BOX (box), self->figure);
  gtk_box_append (GTK_BOX (box), self->batch_spin);
  gtk_widget_set_parent (box, GTK_WIDGET (self));
  uth_page_bind (UTH_PAGE (self), "batch", self->batch_spin, "value", G_BINDING_BIDIRECTIONAL);
}

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_refresh_and_figures (void)
{
  g_autoptr(UthScenario) s = uth_scenario_new (NULL);
  TestPage *page = g_object_ref_sink (g_object_new (TEST_TYPE_PAGE, "id", "test", NULL));

  /* No scenario: no refresh. */
  g_assert_cmpuint (page->refreshes, ==, 0);
  g_assert_null (uth_figure_get_scenario (UTH_FIGURE (page->figure)));

  uth_page_set_scenario (UTH_PAGE (page), s);
  g_assert_cmpuint (page->refreshes, ==, 1);
  g_assert_cmpuint (page->scenario_changes, ==, 1);
  g_assert_true (page->refreshed == s);
  g_assert_true (uth_figure_get_scenario (UTH_FIGURE (page->figure)) == s);

  /* Many changes in one turn of the main loop: one "changed", one refresh. */
  uth_scenario_set_prompt (s, 2048);
  uth_scenario_set_context (s, 4096);
  uth_scenario_set_gpus (s, 2);
  g_assert_cmpuint (page->refreshes, ==, 1);
  flush_main_loop ();
  g_assert_cmpuint (page->refreshes, ==, 2);

  /* Setting the same scenario again does nothing. */
  uth_page_set_scenario (UTH_PAGE (page), s);
  g_assert_cmpuint (page->refreshes, ==, 2);
  g_assert_cmpuint (page->scenario_changes, ==, 1);

  /* Without a scenario the figure has none and changes of the old one reach nobody. */
  uth_page_set_scenario (UTH_PAGE (page), NULL);
  g_assert_cmpuint (page->scenario_changes, ==, 2);
  g_assert_null (uth_figure_get_scenario (UTH_FIGURE (page->figure)));
  uth_scenario_set_prompt (s, 512);
  flush_main_loop ();
  g_assert_cmpuint (page->refreshes, ==, 2);

  /* A disposed page is no longer connected: the scenario outlives it. */
  uth_page_set_scenario (UTH_PAGE (page), s);
  g_assert_cmpuint (page->refreshes, ==, 3);
  g_object_run_dispose (G_OBJECT (page));
  g_object_unref (page);
  uth_scenario_set_prompt (s, 1024);
  flush_main_loop ();
  g_assert_cmpuint (uth_scenario_get_prompt (s), ==, 1024);
}

static void
test_bindings_follow_the_scenario (void)
{
  g_autoptr(UthScenario) a = uth_scenario_new (NULL);
  g_autoptr(UthScenario) b = uth_scenario_new (NULL);
  TestPage *page = g_object_ref_sink (g_object_new (TEST_TYPE_PAGE, "id", "test", NULL));
  GtkSpinButton *spin = GTK_SPIN_BUTTON (page->batch_spin);

  uth_scenario_set_batch (a, 10);
  uth_scenario_set_batch (b, 300);
  uth_page_set_scenario (UTH_PAGE (page), a);
  /* Scenario → control at once, control → scenario at once. */
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 10);
  uth_scenario_set_batch (a, 32);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 32);
  gtk_spin_button_set_value (spin, 64);
  g_assert_cmpuint (uth_scenario_get_batch (a), ==, 64);

  /* Replaced: the control shows the new scenario's batch and writes to it alone. */
  uth_page_set_scenario (UTH_PAGE (page), b);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 300);
  g_assert_cmpuint (uth_scenario_get_batch (a), ==, 64);
  gtk_spin_button_set_value (spin, 128);
  g_assert_cmpuint (uth_scenario_get_batch (b), ==, 128);
  g_assert_cmpuint (uth_scenario_get_batch (a), ==, 64);
  uth_scenario_set_batch (a, 7);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 128);

  /* Without a scenario the control keeps its value and writes nowhere. */
  uth_page_set_scenario (UTH_PAGE (page), NULL);
  gtk_spin_button_set_value (spin, 5);
  g_assert_cmpuint (uth_scenario_get_batch (b), ==, 128);

  g_object_run_dispose (G_OBJECT (page));
  g_object_unref (page);
}

int
main (int   argc,
      char *argv[])
{
  /* Without a display gtk_test_init fails the test (never a skip). */
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/page-base/refresh-and-figures", test_refresh_and_figures);
  g_test_add_func ("/page-base/bindings-follow-the-scenario", test_bindings_follow_the_scenario);
  return g_test_run ();
}
