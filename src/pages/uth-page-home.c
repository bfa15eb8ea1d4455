/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-home.h"
#include "render/uth-formula.h"
#include "widgets/uth-formula-button.h"

struct _UthPageHome
{
  UthPage              parent_instance;

  GtkListBox          *fundamentals_list;
  GtkListBox          *performance_list;
  GtkListBox          *rules_list;
  GtkWidget           *rules[UTH_N_RULES];
};

G_DEFINE_FINAL_TYPE (UthPageHome, uth_page_home, UTH_TYPE_PAGE)

static void
uth_page_home_refresh (UthPage *page)
{
  UthPageHome *self = UTH_PAGE_HOME (page);
  UthScenario *scenario = uth_page_get_scenario (page);
  UthFigureContext ctx;
  UthRule rule;

  uth_scenario_get_figure_context (scenario, &ctx);
  for (rule = 0; rule < UTH_N_RULES; rule++)
    {
      g_autofree char *value = uth_rule_value_text (rule, &ctx);
      g_autofree char *substituted = uth_rule_substituted (rule, &ctx);

      uth_formula_button_set (UTH_FORMULA_BUTTON (self->rules[rule]), value,
                              uth_rule_name (rule), uth_rule_formula (rule), substituted);
    }
}

static void
row_activated_cb (GtkListBox    *list,
                  GtkListBoxRow *row,
                  UthPageHome   *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "page-id");

  if (id != NULL)
    uth_page_open_page (UTH_PAGE (self), id);
}

/* One label per row, not wrapping: cheap to measure (issue 10, start-up). */
static GtkWidget *
path_row_new (const UthPageFigure *figure,
              guint                step)
{
  g_autofree char *title = g_strdup_printf ("%u. %s", step, _(figure->title));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_top (label, 14);
  gtk_widget_set_margin_bottom (label, 14);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_widget_set_tooltip_text (row, _(figure->summary));
  /* GTK 4.8 does not name a list row after its text for assistive technologies. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_object_set_data (G_OBJECT (row), "page-id", (gpointer) figure->id);
  return row;
}

static void
add_path_rows (UthPageHome *self)
{
  const UthPageFigure *pages;
  guint n, i, steps[3] = { 0, 0, 0 };

  pages = uth_draw_get_page_figures (&n);
  for (i = 0; i < n; i++)
    {
      if (pages[i].path == UTH_PATH_HOME)
        continue;
      gtk_list_box_append (pages[i].path == UTH_PATH_FUNDAMENTALS ? self->fundamentals_list
                                                                  : self->performance_list,
                           path_row_new (&pages[i], ++steps[pages[i].path]));
    }
}

static void
add_rule_rows (UthPageHome *self)
{
  UthRule rule;

  for (rule = 0; rule < UTH_N_RULES; rule++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
      GtkWidget *name = gtk_label_new (uth_rule_name (rule));
      GtkWidget *formula = gtk_label_new (uth_rule_formula (rule));

      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_label_set_xalign (GTK_LABEL (name), 0.0);
      gtk_label_set_xalign (GTK_LABEL (formula), 0.0);
      /* Wrapping, so a rule fits a phone-sized window (360 px) beside its number. */
      gtk_label_set_wrap (GTK_LABEL (name), TRUE);
      gtk_label_set_wrap (GTK_LABEL (formula), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (formula), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (formula, "dim-label");
      gtk_widget_add_css_class (formula, "caption");
      gtk_widget_set_hexpand (text, TRUE);
      gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (text), name);
      gtk_box_append (GTK_BOX (text), formula);
      self->rules[rule] = uth_formula_button_new ();
      gtk_widget_set_valign (self->rules[rule], GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), text);
      gtk_box_append (GTK_BOX (box), self->rules[rule]);
      gtk_widget_set_margin_top (box, 8);
      gtk_widget_set_margin_bottom (box, 8);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      name, NULL, GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, formula, NULL,
                                      -1);
      gtk_list_box_append (self->rules_list, row);
    }
}

static void
uth_page_home_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_HOME);
  G_OBJECT_CLASS (uth_page_home_parent_class)->dispose (object);
}

static void
uth_page_home_class_init (UthPageHomeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_home_dispose;
  page_class->refresh = uth_page_home_refresh;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-home.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageHome, fundamentals_list);
  gtk_widget_class_bind_template_child (widget_class, UthPageHome, performance_list);
  gtk_widget_class_bind_template_child (widget_class, UthPageHome, rules_list);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
uth_page_home_init (UthPageHome *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_path_rows (self);
  add_rule_rows (self);
}
