/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "pages/uth-page-batching.h"
#include "pages/uth-page-cost.h"
#include "pages/uth-page-flash.h"
#include "pages/uth-page-home.h"
#include "pages/uth-page-layer.h"
#include "pages/uth-page-model.h"
#include "pages/uth-page-overview.h"
#include "pages/uth-page-kv.h"
#include "pages/uth-page-placeholder.h"
#include "pages/uth-page-speculative.h"
#include "pages/uth-page-tiling.h"
#include "pages/uth-page-tokens.h"
#include "pages/uth-page-embed.h"
#include "pages/uth-page-position.h"
#include "pages/uth-page-attention.h"
#include "pages/uth-page-softmax.h"
#include "pages/uth-page-generation.h"
#include "pages/uth-page-shapes.h"
#include "uth-window.h"
#include "uth-window-private.h"
#include "uth-window-actions.h"
#include "uth-window-lecture.h"
#include "uth-window-open.h"
#include "widgets/uth-accessible.h"
#include "widgets/uth-scenario-panel.h"

/* The page classes built so far, by id. An id of the figure table missing here gets a
 * placeholder page. Adding a page adds one line (see HACKING.md). */
static const struct
{
  const char *id;
  GType     (*get_type) (void);
} page_types[] = {
  { "overview", uth_page_overview_get_type },
  { "home", uth_page_home_get_type },
  { "model", uth_page_model_get_type },
  { "layer", uth_page_layer_get_type },
  { "tokens", uth_page_tokens_get_type },
  { "embed", uth_page_embed_get_type },
  { "position", uth_page_position_get_type },
  { "attention", uth_page_attention_get_type },
  { "softmax", uth_page_softmax_get_type },
  { "generation", uth_page_generation_get_type },
  { "shapes", uth_page_shapes_get_type },
  { "batching", uth_page_batching_get_type },
  { "speculative", uth_page_speculative_get_type },
  { "cost", uth_page_cost_get_type },
  { "tiling", uth_page_tiling_get_type },
  { "flash-attention", uth_page_flash_get_type },
  { "kv-cache", uth_page_kv_get_type },
};


enum
{
  PROP_0,
  PROP_SCENARIO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (UthWindow, uth_window, ADW_TYPE_APPLICATION_WINDOW)

static GType
page_type_for (const char *id)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (page_types); i++)
    if (g_strcmp0 (page_types[i].id, id) == 0)
      return page_types[i].get_type ();
  return UTH_TYPE_PAGE_PLACEHOLDER;
}

static GtkWidget *ensure_page (UthWindow *self,
                                guint      index);

static int
visible_index (UthWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);
  guint i;

  for (i = 0; i < self->pages->len; i++)
    if (g_ptr_array_index (self->pages, i) == (gpointer) child)
      return (int) i;
  return -1;
}

static void
update_actions (UthWindow *self)
{
  int i = visible_index (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.previous-page", i > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next-page",
                                 i >= 0 && i + 1 < (int) self->pages->len);
}

static void page_row_selected_cb (GtkListBox    *list,
                                  GtkListBoxRow *row,
                                  UthWindow     *self);

static void
visible_page_changed_cb (UthWindow *self)
{
  const UthPageFigure *figures;
  guint n, step = 0, steps = 0;
  int index = visible_index (self), i;
  g_autofree char *subtitle = NULL;
  g_autofree char *window_title = NULL;
  UthPage *page;

  if (index < 0)
    return;
  page = g_ptr_array_index (self->pages, index);
  figures = uth_draw_get_page_figures (&n);
  for (i = 0; i < (int) n; i++)
    if (figures[i].path == figures[index].path)
      {
        steps++;
        if (i <= index)
          step++;
      }
  if (figures[index].path != UTH_PATH_HOME)
    /* TRANSLATORS: the learning path, then "step 2 of 8" */
    subtitle = g_strdup_printf (_("%s · step %u of %u"),
                                figures[index].path == UTH_PATH_FUNDAMENTALS ? _("How LLMs Work")
                                                                             : _("Making It Fast"),
                                step, steps);
  adw_window_title_set_title (self->page_title, uth_page_get_title (page));
  adw_window_title_set_subtitle (self->page_title, subtitle != NULL ? subtitle : "");
  /* The window's own title names the page too: screen readers read it (Orca: Insert+T) and
   * the window switcher shows it, as GTK 4.8 has no way to announce the change itself. */
  /* TRANSLATORS: the window title: the page shown, then the application's name */
  window_title = g_strdup_printf (_("%s – Under the Hood"), uth_page_get_title (page));
  gtk_window_set_title (GTK_WINDOW (self), window_title);
  /* Selecting the shown page's row is not the reader choosing it. */
  g_signal_handlers_block_by_func (self->page_list, page_row_selected_cb, self);
  gtk_list_box_select_row (self->page_list, gtk_list_box_get_row_at_index (self->page_list, index));
  g_signal_handlers_unblock_by_func (self->page_list, page_row_selected_cb, self);
  update_actions (self);
  /* The shown page takes the keyboard focus: left where GTK puts it first (the header bar's
   * Back button, with no visible ring), Space, the pages' play key, would go back. Not while
   * the arrow keys walk the sidebar: the next arrow must move in the list. */
  if (!self->keep_focus)
    uth_page_focus_content (page);
}

/* The arrow keys select rows of the sidebar (GtkListBox's selection follows its cursor):
 * the selected row's page opens, so the highlight never names a page that is not shown.
 * The focus stays in the list; Enter moves it to the page. */
static void
page_row_selected_cb (GtkListBox    *list,
                      GtkListBoxRow *row,
                      UthWindow     *self)
{
  int index;

  /* Rows go away while the window is destroyed, and selection with them. */
  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || self->stack == NULL)
    return;
  index = row != NULL ? gtk_list_box_row_get_index (row) : -1;
  if (index < 0 || index >= (int) self->pages->len)
    {
      /* Nothing selected (a click with Ctrl): select the shown page again. */
      visible_page_changed_cb (self);
      return;
    }
  self->keep_focus = TRUE;
  gtk_stack_set_visible_child (self->stack, ensure_page (self, (guint) index));
  self->keep_focus = FALSE;
}

static void
page_row_activated_cb (GtkListBox    *list,
                       GtkListBoxRow *row,
                       UthWindow     *self)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0 && index < (int) self->pages->len)
    {
      GtkWidget *page = ensure_page (self, (guint) index);

      gtk_stack_set_visible_child (self->stack, page);
      adw_leaflet_set_visible_child (self->leaflet, self->content);
      /* Already shown when the arrows selected it: the focus goes to it now. */
      uth_page_focus_content (UTH_PAGE (page));
    }
}

/* The sidebar is one stop for Tab, as in GNOME's own sidebars: GtkListBox moves Tab from row
 * to row, selecting each, and each selected row opens its page. The arrow keys go through
 * the rows; Tab goes on to the page, Shift+Tab back to its end. */
static gboolean
page_list_key_cb (GtkEventControllerKey *keys,
                  guint                  keyval,
                  guint                  keycode,
                  GdkModifierType        state,
                  UthWindow             *self)
{
  GtkWidget *sidebar;
  gboolean backward;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return FALSE;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  backward = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0;
  if (gtk_widget_get_mapped (self->content))
    return gtk_widget_child_focus (self->content, backward ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD);
  /* Folded on the list: its header bar (the window's buttons) is the only other stop. */
  sidebar = gtk_widget_get_ancestor (GTK_WIDGET (self->page_list), GTK_TYPE_SCROLLED_WINDOW);
  sidebar = sidebar != NULL ? gtk_widget_get_parent (sidebar) : NULL;
  if (sidebar != NULL)
    gtk_widget_child_focus (gtk_widget_get_first_child (sidebar),
                            backward ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD);
  return TRUE;
}

/* The selected row in sight, once the list is laid out (it was hidden when folded). */
static gboolean
scroll_to_selected_cb (GtkWidget     *list,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (GTK_LIST_BOX (list));
  GtkWidget *scrolled = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  if (row == NULL || scrolled == NULL)
    return G_SOURCE_REMOVE;
  if (gtk_widget_get_height (list) <= 0 || !gtk_widget_compute_bounds (GTK_WIDGET (row), list, &bounds))
    return G_SOURCE_CONTINUE;
  gtk_adjustment_clamp_page (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                             bounds.origin.y, bounds.origin.y + bounds.size.height);
  return G_SOURCE_REMOVE;
}

/* Folded, the leaflet shows one side: the keyboard focus goes with it. Left in the hidden
 * side, Tab and the arrow keys moved nothing anyone could see (issue 14). */
static void
leaflet_changed_cb (UthWindow *self)
{
  GtkWidget *shown = adw_leaflet_get_visible_child (self->leaflet);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *page;

  if (!adw_leaflet_get_folded (self->leaflet) || shown == NULL ||
      gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  if (shown == self->content)
    {
      if (focus != NULL && (focus == shown || gtk_widget_is_ancestor (focus, shown)))
        return;
      page = gtk_stack_get_visible_child (self->stack);
      if (UTH_IS_PAGE (page))
        uth_page_focus_content (UTH_PAGE (page));
    }
  else
    {
      GtkListBoxRow *row = gtk_list_box_get_selected_row (self->page_list);

      if (focus == NULL || (focus != shown && !gtk_widget_is_ancestor (focus, shown)))
        {
          if (row == NULL || !gtk_widget_grab_focus (GTK_WIDGET (row)))
            gtk_widget_child_focus (shown, GTK_DIR_TAB_FORWARD);
        }
      /* The leaflet may have put the focus on the selected row itself, below the list's
       * first screenful (Cost, the last page). */
      gtk_widget_add_tick_callback (GTK_WIDGET (self->page_list), scroll_to_selected_cb, NULL, NULL);
    }
}

static void
back_clicked_cb (UthWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
toast_cb (UthPage    *page,
          const char *message,
          UthWindow  *self)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
open_page_cb (UthPage    *page,
              const char *id,
              UthWindow  *self)
{
  if (!uth_window_show_page (self, id))
    g_warning ("A page asked for unknown page “%s”", id);
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  const UthPageFigure *figures = uth_draw_get_page_figures (NULL);
  int i = gtk_list_box_row_get_index (row);
  int j = before != NULL ? gtk_list_box_row_get_index (before) : -1;
  GtkWidget *header = NULL;

  if (figures[i].path != UTH_PATH_HOME && (j < 0 || figures[j].path != figures[i].path))
    {
      header = gtk_label_new (figures[i].path == UTH_PATH_FUNDAMENTALS ? _("How LLMs Work")
                                                                       : _("Making It Fast"));
      gtk_label_set_xalign (GTK_LABEL (header), 0.0);
      gtk_widget_add_css_class (header, "heading");
      gtk_widget_add_css_class (header, "path-header");
    }
  gtk_list_box_row_set_header (row, header);
}

static GtkWidget *
make_row (const UthPageFigure *figure,
          guint                step)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *badge, *label;
  g_autofree char *num = NULL;

  if (figure->path == UTH_PATH_HOME)
    /* The Overview is where a reader starts; Home lists both paths. */
    badge = gtk_image_new_from_icon_name (g_str_equal (figure->id, "overview") ? "media-playback-start-symbolic"
                                                                             : "go-home-symbolic");
  else
    {
      num = g_strdup_printf ("%u", step);
      badge = gtk_label_new (num);
      gtk_widget_add_css_class (badge, "step-number");
      gtk_widget_add_css_class (badge, figure->path == UTH_PATH_FUNDAMENTALS ? "fundamentals" : "performance");
    }
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  label = gtk_label_new (_(figure->title));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_tooltip_text (box, _(figure->summary));
  return box;
}

/* Pages are built the first time they are shown or asked for: building all seventeen at
 * start-up (templates, controls, their text) was its largest part (issue 10, bench). */
static GtkWidget *
ensure_page (UthWindow *self,
             guint      index)
{
  const UthPageFigure *figures;
  GtkWidget *page;
  guint n;

  if (index >= self->pages->len)
    return NULL;
  page = g_ptr_array_index (self->pages, index);
  if (page != NULL)
    return page;
  figures = uth_draw_get_page_figures (&n);
  g_assert (index < n);
  page = g_object_new (page_type_for (figures[index].id), "id", figures[index].id,
                       "scenario", self->scenario, NULL);
  g_signal_connect_object (page, "toast", G_CALLBACK (toast_cb), self, 0);
  g_signal_connect_object (page, "open-page", G_CALLBACK (open_page_cb), self, 0);
  g_ptr_array_index (self->pages, index) = page;
  uth_accessible_label_drop_downs (page);
  gtk_stack_add_titled (self->stack, page, figures[index].id, uth_page_get_title (UTH_PAGE (page)));
  return page;
}

static GtkWidget *
ensure_page_by_id (UthWindow  *self,
                   const char *id)
{
  const UthPageFigure *figures;
  guint n, i;

  if (id == NULL)
    return NULL;
  figures = uth_draw_get_page_figures (&n);
  for (i = 0; i < n; i++)
    if (g_strcmp0 (figures[i].id, id) == 0)
      return ensure_page (self, i);
  return NULL;
}

static void
build_pages (UthWindow *self)
{
  const UthPageFigure *figures;
  guint n, i, steps[3] = { 0, 0, 0 };

  figures = uth_draw_get_page_figures (&n);
  gtk_list_box_set_header_func (self->page_list, header_func, NULL, NULL);
  /* The rows now, the pages when first shown (ensure_page). */
  g_ptr_array_set_size (self->pages, n);
  for (i = 0; i < n; i++)
    {
      GtkListBoxRow *row;

      gtk_list_box_append (self->page_list, make_row (&figures[i], ++steps[figures[i].path]));
      /* Read as the page's title, not its step number run into it ("1Tokens"). */
      row = gtk_list_box_get_row_at_index (self->page_list, (int) i);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(figures[i].title),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(figures[i].summary),
                                      -1);
    }
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  uth_window_step (UTH_WINDOW (widget), g_str_equal (action_name, "win.next-page") ? 1 : -1);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  const char *id = g_variant_get_string (parameter, NULL);

  if (!uth_window_show_page (UTH_WINDOW (widget), id))
    g_warning ("Unknown page “%s”", id);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    UthWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autofree char *lower = path != NULL ? g_ascii_strdown (path, -1) : NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;

      if (path != NULL && !g_str_has_suffix (lower, ".png") && !g_str_has_suffix (lower, ".svg") &&
          !g_str_has_suffix (lower, ".pdf"))
        {
          char *with_ext = g_strconcat (path, ".png", NULL);

          g_free (path);
          path = with_ext;
        }
      if (path == NULL)
        message = g_strdup (_("Cannot export there: choose a local file"));
      else if (uth_window_export_to_file (self, path, 0, 0, &error))
        {
          g_autofree char *base = g_path_get_basename (path);
          message = g_strdup_printf (_("Saved “%s”"), base);
        }
      else
        message = g_strdup (error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *pattern)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  UthWindow *self = UTH_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autofree char *name = NULL;

  native = gtk_file_chooser_native_new (_("Export Figure"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_filter (GTK_FILE_CHOOSER (native), _("PNG image"), "*.png");
  add_filter (GTK_FILE_CHOOSER (native), _("SVG drawing"), "*.svg");
  add_filter (GTK_FILE_CHOOSER (native), _("PDF document"), "*.pdf");
  name = g_strdup_printf ("%s.png", uth_window_get_visible_page_id (self));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  g_signal_connect (native, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
uth_window_realize (GtkWidget *widget)
{
  UthWindow *self = UTH_WINDOW (widget);

  GTK_WIDGET_CLASS (uth_window_parent_class)->realize (widget);
  uth_scenario_set_frame_clock (self->scenario, gtk_widget_get_frame_clock (widget));
}

/* A page shown before the window was mapped could not take the focus yet; left unset, GTK
 * puts it on the first button of the header bar (Back). */
static void
uth_window_map (GtkWidget *widget)
{
  UthWindow *self = UTH_WINDOW (widget);
  GtkWidget *page;

  GTK_WIDGET_CLASS (uth_window_parent_class)->map (widget);
  page = gtk_stack_get_visible_child (self->stack);
  if (UTH_IS_PAGE (page) && gtk_root_get_focus (GTK_ROOT (self)) == NULL)
    uth_page_focus_content (UTH_PAGE (page));
}

static void
uth_window_unrealize (GtkWidget *widget)
{
  UthWindow *self = UTH_WINDOW (widget);

  uth_scenario_set_frame_clock (self->scenario, NULL);
  GTK_WIDGET_CLASS (uth_window_parent_class)->unrealize (widget);
}

/* The whole list of start-up catalog problems, from the toast's Details button. */
static void
catalog_problems_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  UthWindow *self = UTH_WINDOW (user_data);
  GPtrArray *warnings = uth_catalog_get_load_warnings (uth_scenario_get_catalog (self->scenario));
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  for (guint i = 0; i < warnings->len && i < 20; i++)
    g_string_append_printf (body, "%s%s", i > 0 ? "\n\n" : "",
                            ((GError *) g_ptr_array_index (warnings, i))->message);
  if (warnings->len > 20)
    {
      g_string_append (body, "\n\n");
      /* Translators: %u is how many more catalog problems were printed on the terminal */
      g_string_append_printf (body, ngettext ("… and %u more, listed on the terminal.",
                                              "… and %u more, listed on the terminal.",
                                              warnings->len - 20), warnings->len - 20);
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Catalog Problems"), body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What the catalog skipped at start-up (a user's file that is not JSON, an entry with a bad
 * field) reaches the window, not only stderr: a toast naming the file and entry of the first
 * problem, with Details listing them all. A toast, as AdwBanner needs libadwaita 1.3. */
static void
show_catalog_warnings (UthWindow *self)
{
  static const GActionEntry entries[] = {
    { "catalog-problems", catalog_problems_activated, NULL, NULL, NULL, { 0 } },
  };
  GPtrArray *warnings = uth_catalog_get_load_warnings (uth_scenario_get_catalog (self->scenario));
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  if (warnings == NULL || warnings->len == 0)
    return;
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  /* Toast titles are markup in libadwaita 1.2. */
  escaped = g_markup_escape_text (((GError *) g_ptr_array_index (warnings, 0))->message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.catalog-problems");
  adw_toast_set_timeout (toast, 0);   /* stays until dismissed: it may need reading twice */
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
uth_window_constructed (GObject *object)
{
  UthWindow *self = UTH_WINDOW (object);

  G_OBJECT_CLASS (uth_window_parent_class)->constructed (object);
  if (self->scenario == NULL)
    self->scenario = uth_scenario_new (NULL);
  uth_scenario_panel_set_scenario (self->scenario_panel, self->scenario);
  build_pages (self);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (leaflet_changed_cb), self,
                           G_CONNECT_SWAPPED);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (page_list_key_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->page_list), keys);
  }
  g_signal_connect_object (self->leaflet, "notify::visible-child", G_CALLBACK (leaflet_changed_cb),
                           self, G_CONNECT_SWAPPED);
  /* A new reader starts with the Overview; Home, with both paths, is the next row. */
  uth_window_show_page (self, "overview");
  visible_page_changed_cb (self);
  /* Presentation mode, zoom, Preferences, About, and the remembered state (last page). */
  uth_window_actions_init (self);
  /* Presentation mode's builds and clicker keys, and "Check yourself" (issue 13). */
  uth_window_lecture_init (self);
  /* File › Open and drag-and-drop of model files (issue 9). */
  uth_window_open_init (self);
  show_catalog_warnings (self);
}

static void
uth_window_dispose (GObject *object)
{
  UthWindow *self = UTH_WINDOW (object);

  if (self->scenario != NULL)
    uth_scenario_set_frame_clock (self->scenario, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), UTH_TYPE_WINDOW);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  G_OBJECT_CLASS (uth_window_parent_class)->dispose (object);
}

static void
uth_window_finalize (GObject *object)
{
  UthWindow *self = UTH_WINDOW (object);

  uth_window_lecture_finalize (self);
  uth_window_open_finalize (self);
  uth_window_actions_finalize (self);
  g_clear_object (&self->scenario);
  G_OBJECT_CLASS (uth_window_parent_class)->finalize (object);
}

static void
uth_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  UthWindow *self = UTH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SCENARIO: g_value_set_object (value, self->scenario); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  UthWindow *self = UTH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SCENARIO: self->scenario = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_window_class_init (UthWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = uth_window_constructed;
  object_class->dispose = uth_window_dispose;
  object_class->finalize = uth_window_finalize;
  object_class->get_property = uth_window_get_property;
  object_class->set_property = uth_window_set_property;
  widget_class->realize = uth_window_realize;
  widget_class->unrealize = uth_window_unrealize;
  widget_class->map = uth_window_map;

  properties[PROP_SCENARIO] =
    g_param_spec_object ("scenario", NULL, NULL, UTH_TYPE_SCENARIO,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (UTH_TYPE_SCENARIO_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/uth-window.ui");
  gtk_widget_class_bind_template_child (widget_class, UthWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, page_list);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, page_title);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, scenario_panel);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, content);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, lecture_overlay);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, UthWindow, scenario_toggle);
  gtk_widget_class_bind_template_callback (widget_class, page_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, visible_page_changed_cb);
  uth_window_open_class_init (widget_class);

  gtk_widget_class_install_action (widget_class, "win.previous-page", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.next-page", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.previous-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "win.next-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
}

static void
uth_window_init (UthWindow *self)
{
  self->pages = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The focus lands on the menu button's inner button, which has only an icon. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_first_child (self->menu_button)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Main Menu"), -1);
}

UthWindow *
uth_window_new (GtkApplication *app,
                UthScenario    *scenario)
{
  return g_object_new (UTH_TYPE_WINDOW, "application", app, "scenario", scenario, NULL);
}

UthScenario *
uth_window_get_scenario (UthWindow *self)
{
  g_return_val_if_fail (UTH_IS_WINDOW (self), NULL);
  return self->scenario;
}

UthPage *
uth_window_get_page (UthWindow  *self,
                     const char *id)
{
  GtkWidget *page;

  g_return_val_if_fail (UTH_IS_WINDOW (self), NULL);
  page = ensure_page_by_id (self, id);
  return page != NULL ? UTH_PAGE (page) : NULL;
}

gboolean
uth_window_show_page (UthWindow  *self,
                      const char *id)
{
  GtkWidget *page;

  g_return_val_if_fail (UTH_IS_WINDOW (self), FALSE);

  page = ensure_page_by_id (self, id);
  if (page == NULL)
    return FALSE;
  gtk_stack_set_visible_child (self->stack, page);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  return TRUE;
}

const char *
uth_window_get_visible_page_id (UthWindow *self)
{
  GtkWidget *child;

  g_return_val_if_fail (UTH_IS_WINDOW (self), NULL);
  child = gtk_stack_get_visible_child (self->stack);
  return child != NULL ? uth_page_get_id (UTH_PAGE (child)) : NULL;
}

gboolean
uth_window_step (UthWindow *self,
                 int        direction)
{
  int i;

  g_return_val_if_fail (UTH_IS_WINDOW (self), FALSE);

  i = visible_index (self) + (direction < 0 ? -1 : 1);
  if (i < 0 || i >= (int) self->pages->len)
    return FALSE;
  gtk_stack_set_visible_child (self->stack, ensure_page (self, (guint) i));
  /* Folded on the list of pages, Alt+Right changed a page nobody saw. */
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  return TRUE;
}

gboolean
uth_window_export_to_file (UthWindow   *self,
                           const char  *path,
                           int          width,
                           int          height,
                           GError     **error)
{
  GtkWidget *child;
  const UthPageFigure *figure;
  UthFigureContext ctx;

  g_return_val_if_fail (UTH_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  child = gtk_stack_get_visible_child (self->stack);
  g_return_val_if_fail (UTH_IS_PAGE (child), FALSE);
  figure = uth_page_get_figure (UTH_PAGE (child), &ctx);
  if (figure == NULL)
    {
      g_set_error (error, UTH_DRAW_ERROR, UTH_DRAW_ERROR_FORMAT,
                   _("The page “%s” has no figure to export"), uth_page_get_id (UTH_PAGE (child)));
      return FALSE;
    }
  /* Exports are for slides and handouts: the light style, whatever the app shows. */
  ctx.dark = FALSE;
  ctx.hover = -1;
  return uth_draw_to_file (figure, &ctx, path, width > 0 ? width : 1600,
                           height > 0 ? height : 1000, error);
}
