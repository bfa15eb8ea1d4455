/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The analysis step in the window (issue 20): on a How LLMs work page, the page's analysis
 * (tokens, the forward pass) runs once per change of the text, not once per frame, and a
 * slow analysis runs on a worker thread while the main loop keeps turning, the figure
 * "Computing…" until it is done. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "analysis/uth-analysis.h"
#include "pages/uth-page-attention.h"
#include "uth-scenario.h"
#include "widgets/uth-figure.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWidget *
find_child (GtkWidget  *root,
            const char *id)
{
  const char *own = gtk_buildable_get_buildable_id (GTK_BUILDABLE (root));

  if (own != NULL && g_str_equal (own, id))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  UthScenario *scenario;
  GtkWidget   *window;
  GtkWidget   *page;
  UthFigure   *figure;
  GtkWidget   *entry;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->scenario = uth_scenario_new (NULL);
  uth_scenario_set_model_id (f->scenario, "llama-3.1-8b");
  uth_scenario_set_gpu_id (f->scenario, "h100-sxm");
  uth_scenario_set_text (f->scenario, "The cat sat on the mat.");
  f->window = gtk_window_new ();
  f->page = g_object_new (UTH_TYPE_PAGE_ATTENTION, "id", "attention", NULL);
  g_object_ref_sink (f->page);
  uth_page_set_scenario (UTH_PAGE (f->page), f->scenario);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (f->window), f->page);
  gtk_window_present (GTK_WINDOW (f->window));
  flush_main_loop ();
  f->figure = UTH_FIGURE (find_child (f->page, "figure"));
  f->entry = find_child (f->page, "text_entry");
  g_assert_nonnull (f->figure);
  g_assert_nonnull (f->entry);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  uth_analysis_set_delay_for_testing (0);
  gtk_window_destroy (GTK_WINDOW (f->window));
  flush_main_loop ();
  g_assert_finalize_object (f->page);
  g_assert_finalize_object (f->scenario);
}

/* What a frame does: the figure asks for its context (snapshot, hover and the accessible
 * description all do), and the window draws it. */
static void
frame (Fixture *f)
{
  UthFigureContext ctx;

  gtk_widget_queue_draw (GTK_WIDGET (f->figure));
  flush_main_loop ();
  uth_figure_get_context (f->figure, &ctx);
}

static void
type_text (Fixture    *f,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (f->entry), text);
  flush_main_loop ();
  uth_scenario_flush (f->scenario);
  flush_main_loop ();
}

/* Ten frames after each of three texts: three analyses, one per text. */
static void
test_once_per_change (Fixture       *f,
                      gconstpointer  data)
{
  const char *const texts[] = { "Hello there", "Hello there, general", "A third text" };
  guint before;

  frame (f);
  before = uth_analysis_get_run_count ();
  for (int i = 0; i < 10; i++)
    frame (f);
  /* Nothing changed: no analysis at all. */
  g_assert_cmpuint (uth_analysis_get_run_count (), ==, before);
  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    {
      UthFigureContext ctx;

      type_text (f, texts[t]);
      for (int i = 0; i < 10; i++)
        frame (f);
      g_assert_cmpuint (uth_analysis_get_run_count (), ==, before + t + 1);
      /* And the figure holds the new text's tokens. */
      uth_figure_get_context (f->figure, &ctx);
      g_assert_nonnull (ctx.analysis);
      g_assert_cmpstr (ctx.analysis->text->text, ==, texts[t]);
      g_assert_nonnull (ctx.analysis->forward);
    }
}

typedef struct
{
  gint64 last;
  gint64 longest;   /* the longest gap between two ticks, µs */
  guint  ticks;
} Ticker;

static gboolean
tick_cb (gpointer user_data)
{
  Ticker *t = user_data;
  gint64 now = g_get_monotonic_time ();

  if (t->last > 0)
    t->longest = MAX (t->longest, now - t->last);
  t->last = now;
  t->ticks++;
  return G_SOURCE_CONTINUE;
}

/* An analysis that takes 600 ms runs on a worker thread: meanwhile the figure is pending
 * (it draws "Computing…"), the main loop keeps ticking every few milliseconds, and when it
 * is done the figure has the new text's analysis. A second change while one runs cancels
 * it: only the newest is installed. */
static void
test_slow_stays_responsive (Fixture       *f,
                            gconstpointer  data)
{
  Ticker ticker = { 0 };
  UthFigureContext ctx;
  guint source;
  gint64 started, deadline;
  gboolean was_pending = FALSE;

  frame (f);
  uth_analysis_set_delay_for_testing (600);
  type_text (f, "First slow text");
  type_text (f, "Second slow text");
  uth_figure_get_context (f->figure, &ctx);
  g_assert_true (ctx.analysis_pending);
  g_assert_null (ctx.analysis);

  source = g_timeout_add (5, tick_cb, &ticker);
  started = g_get_monotonic_time ();
  deadline = started + 10 * G_USEC_PER_SEC;
  do
    {
      g_main_context_iteration (NULL, TRUE);
      uth_figure_get_context (f->figure, &ctx);
      was_pending = was_pending || ctx.analysis_pending;
    }
  while (ctx.analysis == NULL && g_get_monotonic_time () < deadline);
  g_source_remove (source);

  g_assert_true (was_pending);
  g_assert_nonnull (ctx.analysis);
  g_assert_cmpstr (ctx.analysis->text->text, ==, "Second slow text");
  /* It took the delay (the analysis really was slow) ... */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 500 * 1000);
  /* ... and the main loop turned all along: dozens of ticks, none held up long. */
  g_test_message ("%u ticks, longest gap %" G_GINT64_FORMAT " µs", ticker.ticks, ticker.longest);
  g_assert_cmpuint (ticker.ticks, >=, 20);
  g_assert_cmpint (ticker.longest, <, 250 * 1000);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add ("/analysis-window/once-per-change", Fixture, NULL, fixture_setup,
              test_once_per_change, fixture_teardown);
  g_test_add ("/analysis-window/slow-stays-responsive", Fixture, NULL, fixture_setup,
              test_slow_stays_responsive, fixture_teardown);
  return g_test_run ();
}
