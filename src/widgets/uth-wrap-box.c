/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "widgets/uth-wrap-box.h"
#include "widgets/uth-wrap-layout.h"

struct _UthWrapBox
{
  GtkWidget parent_instance;

  int       column_spacing;
  int       row_spacing;
  gboolean  columns;
};

enum
{
  PROP_0,
  PROP_COLUMN_SPACING,
  PROP_ROW_SPACING,
  PROP_COLUMNS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void uth_wrap_box_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UthWrapBox, uth_wrap_box, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, uth_wrap_box_buildable_init))

static GtkBuildableIface *parent_buildable;

static void
uth_wrap_box_add_child (GtkBuildable *buildable,
                        GtkBuilder   *builder,
                        GObject      *child,
                        const char   *type)
{
  if (GTK_IS_WIDGET (child))
    uth_wrap_box_append (UTH_WRAP_BOX (buildable), GTK_WIDGET (child));
  else
    parent_buildable->add_child (buildable, builder, child, type);
}

static void
uth_wrap_box_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable = g_type_interface_peek_parent (iface);
  iface->add_child = uth_wrap_box_add_child;
}

static void
update_layout (UthWrapBox *self)
{
  GtkLayoutManager *layout = uth_wrap_layout_new (self->column_spacing, self->row_spacing);

  /* Each control at its natural width while it fits, as in the GtkFlowBox it replaces. */
  uth_wrap_layout_set_use_natural (UTH_WRAP_LAYOUT (layout), TRUE);
  uth_wrap_layout_set_columns (UTH_WRAP_LAYOUT (layout), self->columns);
  gtk_widget_set_layout_manager (GTK_WIDGET (self), layout);
}

static void
uth_wrap_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (uth_wrap_box_parent_class)->dispose (object);
}

static void
uth_wrap_box_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  UthWrapBox *self = UTH_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_COLUMN_SPACING: g_value_set_int (value, self->column_spacing); break;
    case PROP_ROW_SPACING: g_value_set_int (value, self->row_spacing); break;
    case PROP_COLUMNS: g_value_set_boolean (value, self->columns); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_wrap_box_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  UthWrapBox *self = UTH_WRAP_BOX (object);
  int v = prop_id == PROP_COLUMNS ? g_value_get_boolean (value) : g_value_get_int (value);

  switch (prop_id)
    {
    case PROP_COLUMNS:
      if (self->columns == v)
        return;
      self->columns = v;
      break;
    case PROP_COLUMN_SPACING:
      if (self->column_spacing == v)
        return;
      self->column_spacing = v;
      break;
    case PROP_ROW_SPACING:
      if (self->row_spacing == v)
        return;
      self->row_spacing = v;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  update_layout (self);
  g_object_notify_by_pspec (object, pspec);
}

static void
uth_wrap_box_class_init (UthWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = uth_wrap_box_dispose;
  object_class->get_property = uth_wrap_box_get_property;
  object_class->set_property = uth_wrap_box_set_property;

  properties[PROP_COLUMN_SPACING] =
    g_param_spec_int ("column-spacing", NULL, NULL, 0, G_MAXINT16, 12,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROW_SPACING] =
    g_param_spec_int ("row-spacing", NULL, NULL, 0, G_MAXINT16, 6,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Equal columns side by side, stacked when they do not fit (replaces a homogeneous box). */
  properties[PROP_COLUMNS] =
    g_param_spec_boolean ("columns", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "uthwrapbox");
}

static void
uth_wrap_box_init (UthWrapBox *self)
{
  self->column_spacing = 12;
  self->row_spacing = 6;
  update_layout (self);
}

GtkWidget *
uth_wrap_box_new (int column_spacing,
                  int row_spacing)
{
  return g_object_new (UTH_TYPE_WRAP_BOX, "column-spacing", column_spacing,
                       "row-spacing", row_spacing, NULL);
}

void
uth_wrap_box_append (UthWrapBox *self,
                     GtkWidget  *child)
{
  g_return_if_fail (UTH_IS_WRAP_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));

  gtk_widget_set_parent (child, GTK_WIDGET (self));
}
