/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UthPlayback, the play/pause timer, step buttons and keys of every animated page: a toy
 * page with positions 0..END that stops at its end. */
#include "config.h"

#include <adwaita.h>

#include "pages/uth-page.h"
#include "pages/uth-playback.h"

#define END 3

typedef struct
{
  int   position;
  guint steps;      /* calls of the step function */
  guint restarts;
  guint notifies;   /* notify::playing */
} Toy;

static Toy toy;

static gboolean
toy_step (gpointer owner,
          int      delta)
{
  int next = CLAMP (toy.position + delta, 0, END);

  g_assert_true (GTK_IS_WIDGET (owner));
  toy.steps++;
  if (next == toy.position)
    return FALSE;
  toy.position = next;
  return TRUE;
}

static void
toy_restart (gpointer owner)
{
  toy.restarts++;
  if (toy.position >= END)
    toy.position = 0;
}

static void
notify_cb (UthPlayback *playback,
           GParamSpec  *pspec,
           gpointer     user_data)
{
  toy.notifies++;
}

static UthPlayback *
new_playback (GtkWidget *owner,
              guint      interval_ms)
{
  UthPlayback *playback = uth_playback_new (owner, interval_ms, toy_step, toy_restart);

  memset (&toy, 0, sizeof toy);
  g_signal_connect (playback, "notify::playing", G_CALLBACK (notify_cb), NULL);
  return playback;
}

/* Runs the main loop until the playback stops or five seconds pass. */
static void
run_until_stopped (UthPlayback *playback)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  while (uth_playback_get_playing (playback) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

/* Playing ticks +1 until the page says it is at its end, then stops by itself; the toggle
 * follows and its icon says what a click would do. */
static void
test_plays_to_the_end (void)
{
  g_autoptr(GtkWidget) owner = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0));
  GtkWidget *play = gtk_toggle_button_new ();
  g_autoptr(UthPlayback) playback = new_playback (owner, 5);

  gtk_box_append (GTK_BOX (owner), play);
  uth_playback_set_buttons (playback, GTK_TOGGLE_BUTTON (play), NULL, NULL);
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (play)), ==, "media-playback-start-symbolic");

  uth_playback_set_playing (playback, TRUE);
  g_assert_true (uth_playback_get_playing (playback));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (play)));
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (play)), ==, "media-playback-pause-symbolic");
  g_assert_cmpuint (toy.restarts, ==, 1);
  g_assert_cmpuint (toy.notifies, ==, 1);

  run_until_stopped (playback);
  g_assert_false (uth_playback_get_playing (playback));
  /* 0→1, 1→2, 2→3, then a fourth tick that cannot move: four calls. */
  g_assert_cmpint (toy.position, ==, END);
  g_assert_cmpuint (toy.steps, ==, END + 1);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (play)));
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (play)), ==, "media-playback-start-symbolic");
  g_assert_cmpuint (toy.notifies, ==, 2);

  /* Played again from the end, it starts from the beginning (the restart function). */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (play), TRUE);
  g_assert_true (uth_playback_get_playing (playback));
  g_assert_cmpint (toy.position, ==, 0);
  g_assert_cmpuint (toy.restarts, ==, 2);
  /* Paused by its toggle: no more steps. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (play), FALSE);
  g_assert_false (uth_playback_get_playing (playback));
  toy.steps = 0;
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_usleep (20000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (toy.steps, ==, 0);
  /* Setting what it already is notifies nothing. */
  toy.notifies = 0;
  uth_playback_set_playing (playback, FALSE);
  g_assert_cmpuint (toy.notifies, ==, 0);
}

/* The step buttons and the keys: Left and Right step, Space plays and pauses; not with Ctrl
 * or Alt held, nor while a text field has the focus (the field keeps its keys). */
static void
test_buttons_and_keys (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *back = gtk_button_new ();
  GtkWidget *forward = gtk_button_new ();
  GtkWidget *entry = gtk_entry_new ();
  g_autoptr(UthPlayback) playback = NULL;

  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_box_append (GTK_BOX (box), back);
  gtk_box_append (GTK_BOX (box), forward);
  gtk_box_append (GTK_BOX (box), entry);
  playback = new_playback (box, 60000);
  uth_playback_set_buttons (playback, NULL, GTK_BUTTON (back), GTK_BUTTON (forward));

  g_signal_emit_by_name (forward, "clicked");
  g_signal_emit_by_name (forward, "clicked");
  g_assert_cmpint (toy.position, ==, 2);
  g_signal_emit_by_name (back, "clicked");
  g_assert_cmpint (toy.position, ==, 1);

  g_assert_true (uth_playback_handle_key (playback, GDK_KEY_Right, 0));
  g_assert_cmpint (toy.position, ==, 2);
  g_assert_true (uth_playback_handle_key (playback, GDK_KEY_Left, 0));
  g_assert_cmpint (toy.position, ==, 1);
  g_assert_false (uth_playback_handle_key (playback, GDK_KEY_Right, GDK_CONTROL_MASK));
  g_assert_false (uth_playback_handle_key (playback, GDK_KEY_space, GDK_ALT_MASK));
  g_assert_false (uth_playback_handle_key (playback, GDK_KEY_a, 0));
  g_assert_cmpint (toy.position, ==, 1);
  g_assert_false (uth_playback_get_playing (playback));

  g_assert_true (uth_playback_handle_key (playback, GDK_KEY_space, 0));
  g_assert_true (uth_playback_get_playing (playback));
  /* Stepping by hand while playing moves without stopping. */
  g_assert_true (uth_playback_handle_key (playback, GDK_KEY_Right, 0));
  g_assert_cmpint (toy.position, ==, 2);
  g_assert_true (uth_playback_get_playing (playback));
  g_assert_true (uth_playback_handle_key (playback, GDK_KEY_space, 0));
  g_assert_false (uth_playback_get_playing (playback));

  /* A text field with the focus keeps Space and the arrows. */
  gtk_window_set_focus (GTK_WINDOW (window), entry);
  if (gtk_root_get_focus (GTK_ROOT (window)) != NULL)
    {
      g_assert_false (uth_playback_keys_free (box, 0));
      g_assert_false (uth_playback_handle_key (playback, GDK_KEY_space, 0));
      g_assert_false (uth_playback_get_playing (playback));
      g_assert_cmpint (toy.position, ==, 2);
    }
  gtk_window_set_focus (GTK_WINDOW (window), back);
  g_assert_true (uth_playback_keys_free (box, 0));

  /* The buttons outlive the playback: their handlers go with it. */
  g_clear_object (&playback);
  g_signal_emit_by_name (forward, "clicked");
  g_assert_cmpint (toy.position, ==, 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The interval is divided by the Preferences' animation speed: at speed 4 a 400 ms step
 * comes every 100 ms, so four steps take well under the 1.6 s they take at speed 1. A
 * playback dropped while playing stops its timer. */
static void
test_speed_and_dispose (void)
{
  g_autoptr(GtkWidget) owner = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0));
  UthPlayback *playback = new_playback (owner, 400);
  gint64 start;

  uth_page_set_animation_speed (4.0);
  start = g_get_monotonic_time ();
  uth_playback_set_playing (playback, TRUE);
  run_until_stopped (playback);
  g_assert_cmpint (toy.position, ==, END);
  /* END + 1 ticks at 100 ms: 0.4 s; at speed 1 it would be 1.6 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1400 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, (END + 1) * 100 * G_TIME_SPAN_MILLISECOND - 5000);
  uth_page_set_animation_speed (1.0);

  toy.position = 0;
  uth_playback_set_playing (playback, TRUE);
  g_object_unref (playback);
  toy.steps = 0;
  g_usleep (500000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (toy.steps, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* Without a display gtk_test_init fails the test (never a skip). */
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/playback/plays-to-the-end", test_plays_to_the_end);
  g_test_add_func ("/playback/buttons-and-keys", test_buttons_and_keys);
  g_test_add_func ("/playback/speed-and-dispose", test_speed_and_dispose);
  return g_test_run ();
}
