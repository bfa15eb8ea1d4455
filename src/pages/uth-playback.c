/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "pages/uth-page.h"
#include "pages/uth-playback.h"

struct _UthPlayback
{
  GObject                 parent_instance;

  GtkWidget              *owner;      /* not owned: it owns us */
  guint                   interval_ms;
  UthPlaybackStepFunc     step;
  UthPlaybackStepFunc     tick;
  UthPlaybackRestartFunc  restart;
  guint                   timer;
  GtkToggleButton        *play;
  GtkButton              *back;
  GtkButton              *forward;
};

enum
{
  PROP_0,
  PROP_PLAYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (UthPlayback, uth_playback, G_TYPE_OBJECT)

static void
disconnect_buttons (UthPlayback *self)
{
  if (self->play != NULL)
    g_signal_handlers_disconnect_by_data (self->play, self);
  if (self->back != NULL)
    g_signal_handlers_disconnect_by_data (self->back, self);
  if (self->forward != NULL)
    g_signal_handlers_disconnect_by_data (self->forward, self);
  g_clear_weak_pointer (&self->play);
  g_clear_weak_pointer (&self->back);
  g_clear_weak_pointer (&self->forward);
}

static void
uth_playback_dispose (GObject *object)
{
  UthPlayback *self = UTH_PLAYBACK (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  disconnect_buttons (self);
  G_OBJECT_CLASS (uth_playback_parent_class)->dispose (object);
}

static void
uth_playback_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  UthPlayback *self = UTH_PLAYBACK (object);

  switch (prop_id)
    {
    case PROP_PLAYING: g_value_set_boolean (value, self->timer != 0); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_playback_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  UthPlayback *self = UTH_PLAYBACK (object);

  switch (prop_id)
    {
    case PROP_PLAYING: uth_playback_set_playing (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_playback_class_init (UthPlaybackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = uth_playback_dispose;
  object_class->get_property = uth_playback_get_property;
  object_class->set_property = uth_playback_set_property;

  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
uth_playback_init (UthPlayback *self)
{
}

/* The toggle says what a click does: play while stopped, pause while playing (a pressed ▶
 * alone does not read as "playing" on a projector). */
static void
update_play_button (UthPlayback *self)
{
  gboolean playing = self->timer != 0;

  if (self->play == NULL)
    return;
  if (gtk_toggle_button_get_active (self->play) != playing)
    gtk_toggle_button_set_active (self->play, playing);
  gtk_button_set_icon_name (GTK_BUTTON (self->play),
                            playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
}

static gboolean
tick_cb (gpointer data)
{
  UthPlayback *self = data;
  UthPlaybackStepFunc tick = self->tick != NULL ? self->tick : self->step;

  if (tick (self->owner, 1))
    return G_SOURCE_CONTINUE;
  /* At the end: stop there. */
  self->timer = 0;
  update_play_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
  return G_SOURCE_REMOVE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                UthPlayback           *self)
{
  return uth_playback_handle_key (self, keyval, state);
}

UthPlayback *
uth_playback_new (GtkWidget              *owner,
                  guint                   interval_ms,
                  UthPlaybackStepFunc     step,
                  UthPlaybackRestartFunc  restart)
{
  UthPlayback *self;
  GtkEventController *keys;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);
  g_return_val_if_fail (interval_ms > 0, NULL);
  g_return_val_if_fail (step != NULL, NULL);

  self = g_object_new (UTH_TYPE_PLAYBACK, NULL);
  self->owner = owner;
  self->interval_ms = interval_ms;
  self->step = step;
  self->restart = restart;
  keys = gtk_event_controller_key_new ();
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self, 0);
  gtk_widget_add_controller (owner, keys);
  return self;
}

static void
play_toggled_cb (GtkToggleButton *button,
                 UthPlayback     *self)
{
  uth_playback_set_playing (self, gtk_toggle_button_get_active (button));
}

static void
back_clicked_cb (UthPlayback *self)
{
  uth_playback_step (self, -1);
}

static void
forward_clicked_cb (UthPlayback *self)
{
  uth_playback_step (self, 1);
}

void
uth_playback_set_buttons (UthPlayback     *self,
                          GtkToggleButton *play,
                          GtkButton       *back,
                          GtkButton       *forward)
{
  g_return_if_fail (UTH_IS_PLAYBACK (self));

  disconnect_buttons (self);
  g_set_weak_pointer (&self->play, play);
  g_set_weak_pointer (&self->back, back);
  g_set_weak_pointer (&self->forward, forward);
  if (play != NULL)
    g_signal_connect (play, "toggled", G_CALLBACK (play_toggled_cb), self);
  if (back != NULL)
    g_signal_connect_swapped (back, "clicked", G_CALLBACK (back_clicked_cb), self);
  if (forward != NULL)
    g_signal_connect_swapped (forward, "clicked", G_CALLBACK (forward_clicked_cb), self);
  update_play_button (self);
}

void
uth_playback_set_tick_func (UthPlayback         *self,
                            UthPlaybackStepFunc  tick)
{
  g_return_if_fail (UTH_IS_PLAYBACK (self));
  self->tick = tick;
}

gboolean
uth_playback_get_playing (UthPlayback *self)
{
  g_return_val_if_fail (UTH_IS_PLAYBACK (self), FALSE);
  return self->timer != 0;
}

void
uth_playback_set_playing (UthPlayback *self,
                          gboolean     playing)
{
  g_return_if_fail (UTH_IS_PLAYBACK (self));

  playing = !!playing;
  if (playing == (self->timer != 0))
    {
      update_play_button (self);
      return;
    }
  if (playing)
    {
      guint interval = (guint) (self->interval_ms / uth_page_get_animation_speed ());

      /* Playing already while the page restarts (the Overview animates a step played). */
      self->timer = g_timeout_add (MAX (interval, 1), tick_cb, self);
      if (self->restart != NULL)
        self->restart (self->owner);
    }
  else
    g_clear_handle_id (&self->timer, g_source_remove);
  update_play_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

void
uth_playback_step (UthPlayback *self,
                   int          delta)
{
  g_return_if_fail (UTH_IS_PLAYBACK (self));
  self->step (self->owner, delta);
}

gboolean
uth_playback_keys_free (GtkWidget       *page,
                        GdkModifierType  state)
{
  GtkRoot *root = gtk_widget_get_root (page);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  /* Typing in a text or number field keeps its keys. */
  return !(focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT (focus)));
}

gboolean
uth_playback_handle_key (UthPlayback     *self,
                         guint            keyval,
                         GdkModifierType  state)
{
  g_return_val_if_fail (UTH_IS_PLAYBACK (self), FALSE);

  if (!uth_playback_keys_free (self->owner, state))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_space:
      uth_playback_set_playing (self, self->timer == 0);
      return TRUE;
    case GDK_KEY_Left:
      uth_playback_step (self, -1);
      return TRUE;
    case GDK_KEY_Right:
      uth_playback_step (self, 1);
      return TRUE;
    default:
      return FALSE;
    }
}
