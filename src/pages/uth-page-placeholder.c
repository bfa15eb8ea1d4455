/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-placeholder.h"

struct _UthPagePlaceholder
{
  UthPage parent_instance;
};

G_DEFINE_FINAL_TYPE (UthPagePlaceholder, uth_page_placeholder, UTH_TYPE_PAGE)

static void
uth_page_placeholder_constructed (GObject *object)
{
  UthPage *page = UTH_PAGE (object);
  const UthPageFigure *figure;
  GtkWidget *status;
  g_autofree char *description = NULL;

  G_OBJECT_CLASS (uth_page_placeholder_parent_class)->constructed (object);

  figure = uth_draw_find_page (uth_page_get_id (page));
  description = g_strdup_printf ("%s\n\n%s", _("This page is not built yet. When it is, it will show:"),
                                 figure != NULL ? _(figure->summary) : "");
  status = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "applications-engineering-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), uth_page_get_title (page));
  adw_status_page_set_description (ADW_STATUS_PAGE (status), description);
  gtk_widget_set_parent (status, GTK_WIDGET (page));
}

static void
uth_page_placeholder_class_init (UthPagePlaceholderClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = uth_page_placeholder_constructed;
}

static void
uth_page_placeholder_init (UthPagePlaceholder *self)
{
}

GtkWidget *
uth_page_placeholder_new (const char *id)
{
  return g_object_new (UTH_TYPE_PAGE_PLACEHOLDER, "id", id, NULL);
}
