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

  AdwPreferencesGroup *fundamentals_group;
  AdwPreferencesGroup *performance_group;
  AdwPreferencesGroup *rules_group;
  GtkWidget           *rules[UTH_N_RULES];
};

G_DEFINE_FINAL_TYPE (UthPageHome, uth_page_home, UTH_TYPE_PAGE)

static void
update_rules (UthPageHome *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  UthFigureContext ctx;
  UthRule rule;

  if (scenario == NULL)
    return;
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
row_activated_cb (AdwActionRow *row,
                  UthPageHome  *self)
{
  uth_page_open_page (UTH_PAGE (self), g_object_get_data (G_OBJECT (row), "page-id"));
}

static void
uth_page_home_scenario_changed (UthPage     *page,
                                UthScenario *old)
{
  UthScenario *scenario = uth_page_get_scenario (page);

  if (old != NULL)
    g_signal_handlers_disconnect_by_func (old, update_rules, page);
  if (scenario != NULL)
    g_signal_connect_object (scenario, "changed", G_CALLBACK (update_rules), page, G_CONNECT_SWAPPED);
  update_rules (UTH_PAGE_HOME (page));
}

static void
add_path_rows (UthPageHome *self)
{
  const UthPageFigure *pages;
  guint n, i, steps[3] = { 0, 0, 0 };

  pages = uth_draw_get_page_figures (&n);
  for (i = 0; i < n; i++)
    {
      AdwPreferencesGroup *group;
      GtkWidget *row;
      g_autofree char *title = NULL;

      if (pages[i].path == UTH_PATH_HOME)
        continue;
      group = pages[i].path == UTH_PATH_FUNDAMENTALS ? self->fundamentals_group : self->performance_group;
      title = g_strdup_printf ("%u. %s", ++steps[pages[i].path], _(pages[i].title));
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_widget_set_tooltip_text (row, _(pages[i].summary));
      g_object_set_data (G_OBJECT (row), "page-id", (gpointer) pages[i].id);
      g_signal_connect (row, "activated", G_CALLBACK (row_activated_cb), self);
      adw_preferences_group_add (group, row);
    }
}

static void
add_rule_rows (UthPageHome *self)
{
  UthRule rule;

  for (rule = 0; rule < UTH_N_RULES; rule++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), uth_rule_name (rule));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), uth_rule_formula (rule));
      self->rules[rule] = uth_formula_button_new ();
      gtk_widget_set_valign (self->rules[rule], GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->rules[rule]);
      adw_preferences_group_add (self->rules_group, row);
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
  page_class->scenario_changed = uth_page_home_scenario_changed;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-home.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageHome, fundamentals_group);
  gtk_widget_class_bind_template_child (widget_class, UthPageHome, performance_group);
  gtk_widget_class_bind_template_child (widget_class, UthPageHome, rules_group);
}

static void
uth_page_home_init (UthPageHome *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_path_rows (self);
  add_rule_rows (self);
}
