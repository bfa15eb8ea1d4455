/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"


#include <inttypes.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "widgets/uth-log-slider.h"

struct _UthLogSlider
{
  GtkWidget  parent_instance;

  GtkScale  *scale;
  GtkEntry  *entry;
  GtkPopover *error_popover;   /* says what was wrong with a typed value, under the entry */
  GtkLabel  *error_label;
  guint64    value;
  guint64    minimum;
  guint64    maximum;
  gboolean   updating;
  char      *label;                    /* what a screen reader calls the slider */
  UthLogSliderTextFunc text_func;      /* its value in words: "32 sequences" */
  gpointer   text_data;
  GDestroyNotify text_destroy;
};

enum
{
  PROP_0,
  PROP_VALUE,
  PROP_MINIMUM,
  PROP_MAXIMUM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (UthLogSlider, uth_log_slider, GTK_TYPE_WIDGET)

gboolean
uth_log_slider_parse (const char *text,
                      guint64    *value)
{
  g_autofree char *s = NULL;
  char *end = NULL;
  double v, mult = 1.0;

  if (text == NULL)
    return FALSE;
  s = g_strstrip (g_strdup (text));
  /* Digit group separators people type: "4,096", "4 096", "4_096". */
  g_strdelimit (s, "_", ' ');
  {
    char *r = s, *w = s;

    for (; *r; r++)
      if (*r != ',' && *r != ' ')
        *w++ = *r;
    *w = '\0';
  }
  if (*s == '\0' || *s == '-')
    return FALSE;
  v = g_ascii_strtod (s, &end);
  if (end == s || !isfinite (v))
    return FALSE;
  if (g_ascii_strcasecmp (end, "ki") == 0)
    mult = 1024.0;
  else if (g_ascii_strcasecmp (end, "mi") == 0)
    mult = 1024.0 * 1024.0;
  else if (g_ascii_strcasecmp (end, "k") == 0)
    mult = 1e3;
  else if (g_ascii_strcasecmp (end, "m") == 0)
    mult = 1e6;
  else if (*end != '\0')
    return FALSE;
  v = round (v * mult);
  if (v < 0 || v > 1e15)
    return FALSE;
  *value = (guint64) v;
  return TRUE;
}

/* The scale's position is log2 of the value: GtkRange reports that exponent to assistive
 * technologies (Batch 1 read "0.0"). Told after the range, the real value and its words win. */
static void
update_accessible_value (UthLogSlider *self)
{
  g_autofree char *words = NULL;

  if (self->text_func != NULL)
    words = self->text_func (self->value, self->text_data);
  if (words == NULL)
    words = g_strdup_printf ("%" PRIu64, self->value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, (double) self->minimum,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, (double) self->maximum,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, (double) self->value,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, words,
                                  -1);
}

/* The next round value from @value, rounding in the direction of travel: the powers of two
 * (1, 2, 4 … 1024, 2048), which are the sizes people try (batch, context, matrix sides).
 * A value between two of them goes to the next one in that direction, never backwards:
 * 1000 goes up to 1024 and down to 512. */
guint64
uth_log_slider_next_step (guint64 value,
                          int     steps)
{
  while (steps > 0 && value < ((guint64) 1 << 62))
    {
      guint64 p = 1;

      while (p <= value)
        p <<= 1;
      value = p;
      steps--;
    }
  while (steps < 0 && value > 1)
    {
      guint64 p = 1;

      while ((p << 1) < value)
        p <<= 1;
      value = p;
      steps++;
    }
  return value;
}

static void
sync_widgets (UthLogSlider *self)
{
  g_autofree char *text = g_strdup_printf ("%" PRIu64, self->value);

  self->updating = TRUE;
  gtk_range_set_value (GTK_RANGE (self->scale), log2 ((double) self->value));
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  update_accessible_value (self);
  gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
  gtk_accessible_reset_state (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_STATE_INVALID);
  if (self->error_popover != NULL)
    gtk_popover_popdown (self->error_popover);
  self->updating = FALSE;
}

/* Rounds a slider position to two significant digits above 100, so dragging gives
 * 1000, 1100, ... rather than 1037; whole numbers below. */
static guint64
round_slider_value (double v)
{
  double mag;

  if (v < 100)
    return (guint64) MAX (1, round (v));
  mag = pow (10.0, floor (log10 (v)) - 1);
  return (guint64) (round (v / mag) * mag);
}

static void
scale_changed_cb (GtkRange     *range,
                  UthLogSlider *self)
{
  double v;

  if (self->updating)
    return;
  v = exp2 (gtk_range_get_value (range));
  uth_log_slider_set_value (self, round_slider_value (v));
}

/* Arrows step through round values, Page Up/Down by three of them (× 8), Home/End to the
 * ends. GtkRange's own keys move its log2 position by 0.01, which rounds back to the same
 * value: Batch stayed at 1 after ten presses of Right. */
static gboolean
scale_key_pressed_cb (GtkEventControllerKey *keys,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      UthLogSlider          *self)
{
  int steps;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK | GDK_SUPER_MASK))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Right: case GDK_KEY_KP_Right: case GDK_KEY_Up: case GDK_KEY_KP_Up:
      steps = 1;
      break;
    case GDK_KEY_Left: case GDK_KEY_KP_Left: case GDK_KEY_Down: case GDK_KEY_KP_Down:
      steps = -1;
      break;
    case GDK_KEY_Page_Up: case GDK_KEY_KP_Page_Up:
      steps = 3;
      break;
    case GDK_KEY_Page_Down: case GDK_KEY_KP_Page_Down:
      steps = -3;
      break;
    case GDK_KEY_Home: case GDK_KEY_KP_Home:
      uth_log_slider_set_value (self, self->minimum);
      return TRUE;
    case GDK_KEY_End: case GDK_KEY_KP_End:
      uth_log_slider_set_value (self, self->maximum);
      return TRUE;
    default:
      return FALSE;
    }
  uth_log_slider_set_value (self, uth_log_slider_next_step (self->value, steps));
  return TRUE;
}

static void
entry_activate_cb (GtkEntry     *entry,
                   UthLogSlider *self)
{
  guint64 v;

  if (uth_log_slider_parse (gtk_editable_get_text (GTK_EDITABLE (entry)), &v) &&
      v >= self->minimum && v <= self->maximum)
    {
      uth_log_slider_set_value (self, v);
      sync_widgets (self);
    }
  else
    {
      g_autofree char *tip = g_strdup_printf (_("Type a whole number from %" PRIu64
                                                " to %" PRIu64 ", e.g. 4096 or 4k"),
                                              self->minimum, self->maximum);

      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
      /* Said where the reader looks, not only in a tooltip: a red field alone does not
       * tell what is wrong. The focus stays in the entry to correct it. */
      gtk_label_set_text (self->error_label, tip);
      gtk_popover_popup (self->error_popover);
    }
}

static void
entry_focus_leave_cb (GtkEventControllerFocus *focus,
                      UthLogSlider            *self)
{
  guint64 v;

  if (uth_log_slider_parse (gtk_editable_get_text (GTK_EDITABLE (self->entry)), &v) &&
      v >= self->minimum && v <= self->maximum)
    uth_log_slider_set_value (self, v);
  sync_widgets (self);
}

static void
uth_log_slider_dispose (GObject *object)
{
  UthLogSlider *self = UTH_LOG_SLIDER (object);

  if (self->scale != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->scale));
  if (self->error_popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->error_popover));
  if (self->entry != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->entry));
  self->scale = NULL;
  self->entry = NULL;
  self->error_popover = NULL;
  self->error_label = NULL;
  uth_log_slider_set_value_text_func (self, NULL, NULL, NULL);
  G_OBJECT_CLASS (uth_log_slider_parent_class)->dispose (object);
}

static void
uth_log_slider_finalize (GObject *object)
{
  UthLogSlider *self = UTH_LOG_SLIDER (object);

  g_free (self->label);
  G_OBJECT_CLASS (uth_log_slider_parent_class)->finalize (object);
}

static void
uth_log_slider_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  UthLogSlider *self = UTH_LOG_SLIDER (object);

  switch (prop_id)
    {
    case PROP_VALUE: g_value_set_uint64 (value, self->value); break;
    case PROP_MINIMUM: g_value_set_uint64 (value, self->minimum); break;
    case PROP_MAXIMUM: g_value_set_uint64 (value, self->maximum); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_log_slider_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  UthLogSlider *self = UTH_LOG_SLIDER (object);

  switch (prop_id)
    {
    case PROP_VALUE: uth_log_slider_set_value (self, g_value_get_uint64 (value)); break;
    case PROP_MINIMUM: uth_log_slider_set_range (self, g_value_get_uint64 (value), self->maximum); break;
    case PROP_MAXIMUM: uth_log_slider_set_range (self, self->minimum, g_value_get_uint64 (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_log_slider_class_init (UthLogSliderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = uth_log_slider_dispose;
  object_class->finalize = uth_log_slider_finalize;
  object_class->get_property = uth_log_slider_get_property;
  object_class->set_property = uth_log_slider_set_property;

  properties[PROP_VALUE] = g_param_spec_uint64 ("value", NULL, NULL, 0, G_MAXUINT64, 1,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MINIMUM] = g_param_spec_uint64 ("minimum", NULL, NULL, 1, G_MAXUINT64, 1,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAXIMUM] = g_param_spec_uint64 ("maximum", NULL, NULL, 1, G_MAXUINT64, 1 << 20,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "uthlogslider");
}

static void
uth_log_slider_init (UthLogSlider *self)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->minimum = 1;
  self->maximum = 1 << 20;
  self->value = 1;
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);

  self->scale = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 20, 0.01));
  gtk_scale_set_draw_value (self->scale, FALSE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->scale), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->scale), 110, -1);
  gtk_widget_set_parent (GTK_WIDGET (self->scale), GTK_WIDGET (self));
  g_signal_connect (self->scale, "value-changed", G_CALLBACK (scale_changed_cb), self);
  /* Before the range's own key bindings (bubble phase), which it would otherwise run. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (scale_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scale), keys);

  self->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 7);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (self->entry), 8);
  gtk_entry_set_input_purpose (self->entry, GTK_INPUT_PURPOSE_DIGITS);
  gtk_widget_set_parent (GTK_WIDGET (self->entry), GTK_WIDGET (self));
  g_signal_connect (self->entry, "activate", G_CALLBACK (entry_activate_cb), self);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_max_width_chars (self->error_label, 32);
  self->error_popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->error_popover, GTK_WIDGET (self->error_label));
  gtk_popover_set_autohide (self->error_popover, FALSE);
  gtk_popover_set_position (self->error_popover, GTK_POS_BOTTOM);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_popover), "error");
  gtk_widget_set_parent (GTK_WIDGET (self->error_popover), GTK_WIDGET (self->entry));
  g_signal_connect (focus, "leave", G_CALLBACK (entry_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), focus);
  sync_widgets (self);
}

GtkWidget *
uth_log_slider_new (guint64 minimum,
                    guint64 maximum)
{
  return g_object_new (UTH_TYPE_LOG_SLIDER, "minimum", MAX (minimum, 1), "maximum", maximum, NULL);
}

guint64
uth_log_slider_get_value (UthLogSlider *self)
{
  g_return_val_if_fail (UTH_IS_LOG_SLIDER (self), 0);
  return self->value;
}

void
uth_log_slider_set_value (UthLogSlider *self,
                          guint64       value)
{
  g_return_if_fail (UTH_IS_LOG_SLIDER (self));

  value = CLAMP (value, self->minimum, self->maximum);
  if (self->value == value)
    return;
  self->value = value;
  if (!self->updating)
    sync_widgets (self);
  else
    update_accessible_value (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

void
uth_log_slider_set_range (UthLogSlider *self,
                          guint64       minimum,
                          guint64       maximum)
{
  g_return_if_fail (UTH_IS_LOG_SLIDER (self));

  minimum = MAX (minimum, 1);
  maximum = MAX (maximum, minimum);
  if (self->minimum == minimum && self->maximum == maximum)
    return;
  self->minimum = minimum;
  self->maximum = maximum;
  self->updating = TRUE;
  gtk_range_set_range (GTK_RANGE (self->scale), log2 ((double) minimum), log2 ((double) maximum));
  self->updating = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MINIMUM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAXIMUM]);
  if (self->value < minimum || self->value > maximum)
    uth_log_slider_set_value (self, CLAMP (self->value, minimum, maximum));
  else
    sync_widgets (self);
}

/* The name assistive technologies read for the slider and for its entry ("Batch"): the
 * visible label beside a log slider belongs to the whole, not to either part. */
void
uth_log_slider_set_label (UthLogSlider *self,
                          const char   *label)
{
  g_return_if_fail (UTH_IS_LOG_SLIDER (self));
  g_return_if_fail (label != NULL);

  g_free (self->label);
  self->label = g_strdup (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scale), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Type a whole number, e.g. 4096 or 4k"),
                                  -1);
}

const char *
uth_log_slider_get_label (UthLogSlider *self)
{
  g_return_val_if_fail (UTH_IS_LOG_SLIDER (self), NULL);
  return self->label;
}

/* Says the value with its unit ("32 sequences") as the slider's accessible value text; NULL
 * says the bare number. */
void
uth_log_slider_set_value_text_func (UthLogSlider         *self,
                                    UthLogSliderTextFunc  func,
                                    gpointer              user_data,
                                    GDestroyNotify        destroy)
{
  g_return_if_fail (UTH_IS_LOG_SLIDER (self));

  if (self->text_destroy != NULL)
    self->text_destroy (self->text_data);
  self->text_func = func;
  self->text_data = user_data;
  self->text_destroy = destroy;
  if (self->scale != NULL)
    update_accessible_value (self);
}
