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

static void
sync_widgets (UthLogSlider *self)
{
  g_autofree char *text = g_strdup_printf ("%" PRIu64, self->value);

  self->updating = TRUE;
  gtk_range_set_value (GTK_RANGE (self->scale), log2 ((double) self->value));
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
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
  G_OBJECT_CLASS (uth_log_slider_parent_class)->dispose (object);
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
