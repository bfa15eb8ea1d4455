/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "widgets/uth-accessible.h"

static GtkWidget *
inner_button (GtkWidget *control)
{
  GtkWidget *child;

  for (child = gtk_widget_get_first_child (control); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child))
      return child;
  return NULL;
}

void
uth_accessible_label_inner_button (GtkWidget  *control,
                                   GtkWidget  *label,
                                   const char *name)
{
  GtkWidget *button;

  g_return_if_fail (GTK_IS_WIDGET (control));
  g_return_if_fail (label == NULL || GTK_IS_LABEL (label));

  button = inner_button (control);
  if (button == NULL)
    return;
  if (label != NULL)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                    label, NULL, -1);
  else if (name != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    name, -1);
}

void
uth_accessible_label_drop_downs (GtkWidget *root)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_DROP_DOWN (root))
    {
      GList *labels = gtk_widget_list_mnemonic_labels (root);

      if (labels != NULL)
        uth_accessible_label_inner_button (root, labels->data, NULL);
      g_list_free (labels);
      return;
    }
  for (child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    uth_accessible_label_drop_downs (child);
}
