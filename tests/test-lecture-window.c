/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Presentation mode driven by a presenter's keys (real key presses from xdotool), in-process
 * under Xvfb: every build of every page of both paths, blanking, the scenario bar, Escape,
 * and "Check yourself" outside presentation mode. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "render/uth-lecture.h"
#include "uth-window-actions.h"
#include "uth-window-lecture.h"
#include "uth-window.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

typedef struct
{
  UthWindow  *window;
  const char *page;
  guint       build;
  UthBlank    blank;
} Expect;

static gboolean
reached (const Expect *e)
{
  return g_strcmp0 (uth_window_get_visible_page_id (e->window), e->page) == 0 &&
         uth_window_get_build (e->window) == e->build &&
         uth_window_get_blank (e->window) == e->blank;
}

/* Runs the main loop until the window shows what e says or about five seconds have passed
 * (a key sent from another process arrives asynchronously). */
static gboolean
wait_for (const Expect *e)
{
  for (guint i = 0; i < 500 && !reached (e); i++)
    {
      flush_main_loop ();
      g_usleep (10000);
    }
  return reached (e);
}

/* One xdotool reading commands from a pipe for the whole test: starting a process for
 * every key press took most of the test's time on a loaded machine. */
static GSubprocess *xdotool;

static void
send_keys (const char *keys)
{
  g_autofree char *line = g_strdup_printf ("key %s\n", keys);
  g_autoptr(GError) error = NULL;
  GOutputStream *in;

  if (xdotool == NULL)
    {
      xdotool = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "xdotool", "-", NULL);
      g_assert_no_error (error);
      in = g_subprocess_get_stdin_pipe (xdotool);
      g_assert_true (g_output_stream_write_all (in, "mousemove 200 200\n", 18, NULL, NULL, &error));
    }
  in = g_subprocess_get_stdin_pipe (xdotool);
  g_assert_true (g_output_stream_write_all (in, line, strlen (line), NULL, NULL, &error));
  g_assert_true (g_output_stream_flush (in, NULL, &error));
  g_assert_no_error (error);
}

static void
stop_xdotool (void)
{
  g_autoptr(GError) error = NULL;

  if (xdotool == NULL)
    return;
  g_output_stream_close (g_subprocess_get_stdin_pipe (xdotool), NULL, NULL);
  g_assert_true (g_subprocess_wait_check (xdotool, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&xdotool);
}

/* Sends keys and waits for the window to reach page at build, blanked or not. */
static void
press_and_expect_blank (UthWindow  *window,
                        const char *keys,
                        const char *page,
                        guint       build,
                        UthBlank    blank)
{
  Expect e = { window, page, build, blank };
  gint64 t0 = g_get_monotonic_time (), t1;

  send_keys (keys);
  t1 = g_get_monotonic_time ();
  if (!wait_for (&e))
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

      g_error ("after %s: expected %s build %u blank %d, got %s build %u blank %d (focus %s)",
               keys, page, build, blank,
               uth_window_get_visible_page_id (window), uth_window_get_build (window),
               uth_window_get_blank (window), focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "none");
    }
  g_test_message ("%s: %s build %u: key %.0f ms, reached %.0f ms", keys, page, build,
                  (t1 - t0) / 1000.0, (g_get_monotonic_time () - t1) / 1000.0);
}

static void
press_and_expect (UthWindow  *window,
                  const char *keys,
                  const char *page,
                  guint       build)
{
  press_and_expect_blank (window, keys, page, build, UTH_BLANK_NONE);
}

static gboolean
template_visible (UthWindow  *window,
                  const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), UTH_TYPE_WINDOW, name);

  g_assert_true (GTK_IS_WIDGET (child));
  return gtk_widget_get_visible (GTK_WIDGET (child)) &&
         (!GTK_IS_TOGGLE_BUTTON (child) || gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (child)));
}

/* The slide the window shows now draws something: not one flat colour. */
static void
assert_slide_drawn (UthWindow *window)
{
  UthPage *page = uth_window_get_page (window, uth_window_get_visible_page_id (window));
  UthFigureContext ctx;
  const UthPageFigure *figure = uth_page_get_figure (page, &ctx);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 480, 300);
  cairo_t *cr = cairo_create (s);
  const guint32 *px;
  gboolean flat = TRUE;
  int stride;

  g_assert_true (uth_window_lecture_showing (window));
  g_assert_nonnull (figure);
  uth_lecture_draw_slide (figure, cr, 480, 300, &ctx, uth_window_get_build (window));
  cairo_destroy (cr);
  cairo_surface_flush (s);
  stride = cairo_image_surface_get_stride (s);
  px = (const guint32 *) cairo_image_surface_get_data (s);
  for (int y = 0; y < 300 && flat; y++)
    for (int x = 0; x < 480 && flat; x++)
      flat = (((const guint32 *) ((const guint8 *) px + y * stride))[x] & 0xffffff) == (px[0] & 0xffffff);
  cairo_surface_destroy (s);
  g_assert_false (flat);
}

static UthWindow *
new_window (void)
{
  UthWindow *window = uth_window_new (NULL, NULL);

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  return window;
}

static void
close_window (UthWindow *window)
{
  stop_xdotool ();
  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (window);
}

static gboolean
have_xdotool (void)
{
  g_autofree char *program = g_find_program_in_path ("xdotool");

  if (program == NULL)
    /* tools/setup installs it; a missing tool must not pass silently. */
    g_test_fail_printf ("xdotool is needed to send real key presses");
  return program != NULL;
}

/* From the first page of a path to its last, through every build, by the clicker's
 * forward keys; at the end it stays; then back to the start by its back keys. */
static void
walk_path (UthWindow *window,
           UthPath    path)
{
  const char *forward[] = { "Next", "Right", "space" };
  const char *back[] = { "Prior", "Left" };
  const UthPageFigure *figures;
  const char *first = NULL, *last = NULL;
  guint n, presses = 0;

  figures = uth_draw_get_page_figures (&n);
  for (guint i = 0; i < n; i++)
    if (figures[i].path == path)
      {
        if (first == NULL)
          first = figures[i].id;
        last = figures[i].id;
      }
  g_assert_true (uth_window_show_page (window, first));
  flush_main_loop ();
  g_assert_cmpuint (uth_window_get_build (window), ==, 1);

  for (guint i = 0; i < n; i++)
    {
      if (figures[i].path != path)
        continue;
      for (guint b = 1; b <= uth_lecture_n_builds (figures[i].id); b++)
        {
          const char *next_page = figures[i].id;
          guint next_build = b + 1;

          g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, figures[i].id);
          g_assert_cmpuint (uth_window_get_build (window), ==, b);
          g_assert_cmpint (uth_window_get_blank (window), ==, UTH_BLANK_NONE);
          assert_slide_drawn (window);
          if (b == uth_lecture_n_builds (figures[i].id))
            {
              if (g_str_equal (figures[i].id, last))
                break;
              next_page = figures[i + 1].id;
              next_build = 1;
            }
          press_and_expect (window, forward[presses++ % G_N_ELEMENTS (forward)], next_page, next_build);
        }
    }
  /* The end of the path: another click changes nothing. */
  {
    guint end = uth_lecture_n_builds (last);

    g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, last);
    g_assert_cmpuint (uth_window_get_build (window), ==, end);
    send_keys ("Next");
    for (guint k = 0; k < 20; k++)
      {
        flush_main_loop ();
        g_usleep (5000);
      }
    g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, last);
    g_assert_cmpuint (uth_window_get_build (window), ==, end);
  }
  /* Back through the whole path: the previous page opens at its last build. */
  for (int i = (int) n - 1; i >= 0; i--)
    {
      if (figures[i].path != path)
        continue;
      for (guint b = uth_lecture_n_builds (figures[i].id); b >= 1; b--)
        {
          const char *prev_page = figures[i].id;
          guint prev_build = b - 1;

          g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, figures[i].id);
          g_assert_cmpuint (uth_window_get_build (window), ==, b);
          if (b == 1)
            {
              if (g_str_equal (figures[i].id, first))
                break;
              prev_page = figures[i - 1].id;
              prev_build = uth_lecture_n_builds (prev_page);
            }
          press_and_expect (window, back[presses++ % G_N_ELEMENTS (back)], prev_page, prev_build);
        }
    }
  g_assert_false (uth_window_lecture_step (window, -1));
  g_assert_cmpstr (uth_window_get_visible_page_id (window), ==, first);
}

static void
test_paths (void)
{
  UthWindow *window;

  if (!have_xdotool ())
    return;
  window = new_window ();
  g_assert_cmpuint (uth_window_get_build (window), ==, 0);
  send_keys ("F5");
  {
    /* The window opens on the Overview. */
    Expect e = { window, "overview", 1, UTH_BLANK_NONE };

    g_assert_true (wait_for (&e));
  }
  g_assert_true (uth_window_get_presentation (window));
  /* The slide has the screen: no header bar, sidebar or scenario bar. */
  g_assert_false (template_visible (window, "content_header"));
  g_assert_false (template_visible (window, "sidebar"));
  g_assert_false (template_visible (window, "scenario_toggle"));
  /* The Overview's walk a build per press, then Home, then on to How LLMs work. */
  for (guint b = 2; b <= uth_lecture_n_builds ("overview"); b++)
    press_and_expect (window, "Next", "overview", b);
  press_and_expect (window, "Next", "home", 1);
  press_and_expect (window, "Next", "tokens", 1);
  walk_path (window, UTH_PATH_FUNDAMENTALS);
  walk_path (window, UTH_PATH_PERFORMANCE);

  send_keys ("Escape");
  {
    Expect e = { window, "model", 0, UTH_BLANK_NONE };

    g_assert_true (wait_for (&e));
  }
  g_assert_false (uth_window_get_presentation (window));
  g_assert_true (template_visible (window, "content_header"));
  g_assert_true (template_visible (window, "scenario_toggle"));
  g_assert_false (uth_window_lecture_showing (window));
  close_window (window);
}

static void
test_blank (void)
{
  UthWindow *window;

  if (!have_xdotool ())
    return;
  window = new_window ();
  uth_window_show_page (window, "layer");
  flush_main_loop ();
  press_and_expect (window, "F5", "layer", 1);
  press_and_expect (window, "Next", "layer", 2);

  press_and_expect_blank (window, "b", "layer", 2, UTH_BLANK_BLACK);
  g_assert_false (uth_window_lecture_showing (window));
  press_and_expect (window, "b", "layer", 2);

  press_and_expect_blank (window, "period", "layer", 2, UTH_BLANK_BLACK);
  press_and_expect (window, "period", "layer", 2);

  press_and_expect_blank (window, "w", "layer", 2, UTH_BLANK_WHITE);
  /* Any blanking key brings the screen back. */
  press_and_expect (window, "b", "layer", 2);

  /* A click on a blank screen brings it back and does not skip a build. */
  press_and_expect_blank (window, "B", "layer", 2, UTH_BLANK_BLACK);
  press_and_expect (window, "Next", "layer", 2);
  press_and_expect (window, "Next", "layer", 3);

  /* S shows the scenario bar again, and hides it. */
  g_assert_false (template_visible (window, "scenario_toggle"));
  send_keys ("s");
  for (guint i = 0; i < 500 && !template_visible (window, "scenario_toggle"); i++)
    {
      flush_main_loop ();
      g_usleep (10000);
    }
  g_assert_true (template_visible (window, "scenario_toggle"));
  g_assert_cmpuint (uth_window_get_build (window), ==, 3);
  send_keys ("s");
  for (guint i = 0; i < 500 && template_visible (window, "scenario_toggle"); i++)
    {
      flush_main_loop ();
      g_usleep (10000);
    }
  g_assert_false (template_visible (window, "scenario_toggle"));

  /* Escape on a blank screen leaves presentation mode with the screen back. */
  press_and_expect_blank (window, "b", "layer", 3, UTH_BLANK_BLACK);
  press_and_expect (window, "Escape", "layer", 0);
  g_assert_false (uth_window_get_presentation (window));

  /* Outside presentation mode the same keys are the page's: nothing is blanked. */
  send_keys ("b");
  for (guint i = 0; i < 20; i++)
    {
      flush_main_loop ();
      g_usleep (5000);
    }
  g_assert_cmpint (uth_window_get_blank (window), ==, UTH_BLANK_NONE);
  g_assert_cmpuint (uth_window_get_build (window), ==, 0);
  close_window (window);
}

/* Outside presentation mode, each learning page offers its questions. */
static void
test_check_yourself (void)
{
  UthWindow *window = new_window ();
  const UthPageFigure *figures;
  guint n;

  figures = uth_draw_get_page_figures (&n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (uth_window_show_page (window, figures[i].id));
      flush_main_loop ();
      g_assert_cmpuint (uth_window_lecture_fill_check (window), ==,
                        figures[i].path == UTH_PATH_HOME && !g_str_equal (figures[i].id, "overview")
                        ? 0 : uth_lecture_n_questions (figures[i].id));
    }
  g_assert_false (uth_window_lecture_step (window, 1));
  close_window (window);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/lecture-window/paths", test_paths);
  g_test_add_func ("/lecture-window/blank", test_blank);
  g_test_add_func ("/lecture-window/check-yourself", test_check_yourself);
  return g_test_run ();
}
