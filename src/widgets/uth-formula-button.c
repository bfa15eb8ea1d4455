/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "widgets/uth-formula-button.h"

struct _UthFormulaButton
{
  GtkWidget      parent_instance;

  GtkMenuButton *button;
  GtkLabel      *value_label;
  GtkLabel      *name_label;
  GtkLabel      *formula_label;
  GtkLabel      *substituted_label;
  char          *value;
  char          *name;
  char          *formula;
  char          *substituted;
};

enum
{
  PROP_0,
  PROP_VALUE,
  PROP_NAME,
  PROP_FORMULA,
  PROP_SUBSTITUTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (UthFormulaButton, uth_formula_button, GTK_TYPE_WIDGET)

static void
sync_labels (UthFormulaButton *self)
{
  g_autofree char *tip = NULL;

  gtk_label_set_text (self->value_label, self->value != NULL ? self->value : "–");
  gtk_label_set_text (self->name_label, self->name != NULL ? self->name : "");
  gtk_label_set_text (self->formula_label, self->formula != NULL ? self->formula : "");
  gtk_label_set_text (self->substituted_label, self->substituted != NULL ? self->substituted : "");
  tip = g_strdup_printf (_("%s: how is it computed?"), self->name != NULL ? self->name : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->name != NULL ? self->name : "",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->substituted != NULL ? self->substituted : "",
                                  -1);
}

static gboolean
replace (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
uth_formula_button_dispose (GObject *object)
{
  UthFormulaButton *self = UTH_FORMULA_BUTTON (object);

  if (self->button != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->button));
  self->button = NULL;
  G_OBJECT_CLASS (uth_formula_button_parent_class)->dispose (object);
}

static void
uth_formula_button_finalize (GObject *object)
{
  UthFormulaButton *self = UTH_FORMULA_BUTTON (object);

  g_free (self->value);
  g_free (self->name);
  g_free (self->formula);
  g_free (self->substituted);
  G_OBJECT_CLASS (uth_formula_button_parent_class)->finalize (object);
}

static void
uth_formula_button_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  UthFormulaButton *self = UTH_FORMULA_BUTTON (object);

  switch (prop_id)
    {
    case PROP_VALUE: g_value_set_string (value, self->value); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_FORMULA: g_value_set_string (value, self->formula); break;
    case PROP_SUBSTITUTED: g_value_set_string (value, self->substituted); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_formula_button_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  UthFormulaButton *self = UTH_FORMULA_BUTTON (object);
  char **field = NULL;

  switch (prop_id)
    {
    case PROP_VALUE: field = &self->value; break;
    case PROP_NAME: field = &self->name; break;
    case PROP_FORMULA: field = &self->formula; break;
    case PROP_SUBSTITUTED: field = &self->substituted; break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); return;
    }
  if (replace (field, g_value_get_string (value)))
    {
      sync_labels (self);
      g_object_notify_by_pspec (object, pspec);
    }
}

static void
uth_formula_button_class_init (UthFormulaButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = uth_formula_button_dispose;
  object_class->finalize = uth_formula_button_finalize;
  object_class->get_property = uth_formula_button_get_property;
  object_class->set_property = uth_formula_button_set_property;

  properties[PROP_VALUE] = g_param_spec_string ("value", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("quantity", NULL, NULL, NULL, flags);
  properties[PROP_FORMULA] = g_param_spec_string ("formula", NULL, NULL, NULL, flags);
  properties[PROP_SUBSTITUTED] = g_param_spec_string ("substituted", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "uthformulabutton");
}

static GtkLabel *
popover_label (GtkBox     *box,
               const char *css_class)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));

  gtk_label_set_xalign (label, 0.0);
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_max_width_chars (label, 48);
  /* Not selectable: GTK would select a whole label the moment the popover opens. */
  gtk_label_set_selectable (label, FALSE);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  gtk_box_append (box, GTK_WIDGET (label));
  return label;
}

static void
uth_formula_button_init (UthFormulaButton *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkBox *box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));

  self->button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_always_show_arrow (self->button, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->button), "flat");
  gtk_widget_add_css_class (GTK_WIDGET (self->button), "formula-button");
  self->value_label = GTK_LABEL (gtk_label_new ("–"));
  gtk_widget_add_css_class (GTK_WIDGET (self->value_label), "numeric");
  gtk_menu_button_set_child (self->button, GTK_WIDGET (self->value_label));

  gtk_widget_set_margin_start (GTK_WIDGET (box), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (box), 6);
  gtk_widget_set_margin_top (GTK_WIDGET (box), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (box), 6);
  self->name_label = popover_label (box, "heading");
  self->formula_label = popover_label (box, NULL);
  self->substituted_label = popover_label (box, "formula");
  gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (box));
  gtk_menu_button_set_popover (self->button, popover);
  gtk_widget_set_parent (GTK_WIDGET (self->button), GTK_WIDGET (self));
  sync_labels (self);
}

GtkWidget *
uth_formula_button_new (void)
{
  return g_object_new (UTH_TYPE_FORMULA_BUTTON, NULL);
}

void
uth_formula_button_set (UthFormulaButton *self,
                        const char       *value,
                        const char       *name,
                        const char       *formula,
                        const char       *substituted)
{
  g_return_if_fail (UTH_IS_FORMULA_BUTTON (self));

  g_object_freeze_notify (G_OBJECT (self));
  g_object_set (self, "value", value, "quantity", name, "formula", formula,
                "substituted", substituted, NULL);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
uth_formula_button_get_value (UthFormulaButton *self)
{
  g_return_val_if_fail (UTH_IS_FORMULA_BUTTON (self), NULL);
  return self->value;
}

const char *
uth_formula_button_get_substituted (UthFormulaButton *self)
{
  g_return_val_if_fail (UTH_IS_FORMULA_BUTTON (self), NULL);
  return self->substituted;
}

void
uth_formula_button_popup (UthFormulaButton *self)
{
  g_return_if_fail (UTH_IS_FORMULA_BUTTON (self));
  gtk_menu_button_popup (self->button);
}
