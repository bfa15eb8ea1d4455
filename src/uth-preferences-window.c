/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "widgets/uth-accessible.h"
#include "uth-preferences-window.h"
#include "catalog/uth-catalog.h"
#include "catalog/uth-safe-json.h"
#include "catalog/uth-this-computer.h"

/* Rows built per list: a user catalog may hold 100,000 entries (issue 19). */
#define UTH_PREFERENCES_MAX_ROWS 200u

/* One row of the GPU or model editor, and where its value goes in the catalog JSON. */
typedef enum
{
  FIELD_TEXT,
  FIELD_NUMBER,
  FIELD_SWITCH,
  FIELD_NORM,
} FieldKind;

typedef struct
{
  const char *key;       /* JSON member; "peak_flops.bf16" is bf16 inside "peak_flops" */
  FieldKind   kind;
  const char *title;
  const char *subtitle;  /* the unit shown, or what to type */
  double      scale;     /* JSON value = shown value × scale */
  double      lower;
  double      upper;
  double      step;
  guint       digits;
  gboolean    required;  /* an empty optional field is left out of the JSON */
} Field;

static const Field gpu_fields[] = {
  { "id", FIELD_TEXT, N_("ID"), N_("Letters, digits, “.”, “_”, “-” or “+”, as typed on the command line"), 1, 0, 0, 0, 0, TRUE },
  { "name", FIELD_TEXT, N_("Name"), N_("As shown in the GPU list"), 1, 0, 0, 0, 0, TRUE },
  { "vendor", FIELD_TEXT, N_("Vendor"), NULL, 1, 0, 0, 0, 0, FALSE },
  { "source", FIELD_TEXT, N_("Source"), N_("A datasheet address, or how you measured the numbers"), 1, 0, 0, 0, 0, TRUE },
  { "peak_flops.bf16", FIELD_NUMBER, N_("Peak bf16"), N_("TFLOP/s, dense (a datasheet’s “with sparsity” figure halved)"), 1e12, 0, 1e5, 1, 1, FALSE },
  { "peak_flops.fp16", FIELD_NUMBER, N_("Peak fp16"), N_("TFLOP/s, dense"), 1e12, 0, 1e5, 1, 1, FALSE },
  { "peak_flops.fp8", FIELD_NUMBER, N_("Peak fp8"), N_("TFLOP/s, dense"), 1e12, 0, 1e5, 1, 1, FALSE },
  { "peak_flops.int8", FIELD_NUMBER, N_("Peak int8"), N_("TOP/s, dense"), 1e12, 0, 1e5, 1, 1, FALSE },
  { "peak_flops.fp32", FIELD_NUMBER, N_("Peak fp32"), N_("TFLOP/s"), 1e12, 0, 1e5, 1, 1, FALSE },
  { "memory_bytes", FIELD_NUMBER, N_("Memory"), N_("GiB (2³⁰ bytes)"), 1073741824.0, 0, 1e5, 1, 1, TRUE },
  { "memory_bandwidth", FIELD_NUMBER, N_("Memory bandwidth"), N_("GB/s (10⁹ bytes per second)"), 1e9, 0, 1e6, 10, 0, TRUE },
  { "sms", FIELD_NUMBER, N_("Streaming multiprocessors"), N_("SMs, compute units or cores"), 1, 1, 1e6, 1, 0, TRUE },
  { "l2_bytes", FIELD_NUMBER, N_("L2 cache"), N_("MiB (2²⁰ bytes)"), 1048576.0, 0, 1e5, 1, 1, FALSE },
  { "smem_per_sm_bytes", FIELD_NUMBER, N_("Shared memory per SM"), N_("KiB (2¹⁰ bytes)"), 1024.0, 0, 1e6, 8, 0, FALSE },
  { "interconnect", FIELD_TEXT, N_("Interconnect"), N_("For example NVLink 4 or PCIe Gen5 x16"), 1, 0, 0, 0, 0, FALSE },
  { "interconnect_bandwidth", FIELD_NUMBER, N_("Interconnect bandwidth"), N_("GB/s per GPU, one direction"), 1e9, 0, 1e5, 1, 0, FALSE },
  { "price_per_hour", FIELD_NUMBER, N_("Price"), N_("US dollars per GPU-hour; 0 for none"), 1, 0, 1e4, 0.1, 2, FALSE },
  { "price_source", FIELD_TEXT, N_("Price source"), N_("Where the price comes from (needed with a price)"), 1, 0, 0, 0, 0, FALSE },
  { "price_date", FIELD_TEXT, N_("Price date"), N_("When the price was seen, as YYYY-MM-DD (needed with a price)"), 1, 0, 0, 0, 0, FALSE },
};

static const Field model_fields[] = {
  { "id", FIELD_TEXT, N_("ID"), N_("Letters, digits, “.”, “_”, “-” or “+”, as typed on the command line"), 1, 0, 0, 0, 0, TRUE },
  { "name", FIELD_TEXT, N_("Name"), N_("As shown in the model list"), 1, 0, 0, 0, 0, TRUE },
  { "family", FIELD_TEXT, N_("Family"), N_("For example llama or qwen"), 1, 0, 0, 0, 0, FALSE },
  { "source", FIELD_TEXT, N_("Source"), N_("Where the shape comes from, for example the model’s config.json"), 1, 0, 0, 0, 0, TRUE },
  { "hidden_size", FIELD_NUMBER, N_("Hidden size"), N_("d_model"), 1, 1, 1 << 24, 64, 0, TRUE },
  { "layers", FIELD_NUMBER, N_("Layers"), NULL, 1, 1, 4096, 1, 0, TRUE },
  { "heads", FIELD_NUMBER, N_("Attention heads"), N_("Query heads"), 1, 1, 1 << 24, 1, 0, TRUE },
  { "kv_heads", FIELD_NUMBER, N_("Key-value heads"), N_("Equal to the heads for MHA, fewer for GQA, 1 for MQA"), 1, 1, 1 << 24, 1, 0, TRUE },
  { "head_dim", FIELD_NUMBER, N_("Head dimension"), NULL, 1, 1, 1 << 24, 1, 0, TRUE },
  { "ffn", FIELD_NUMBER, N_("MLP intermediate size"), NULL, 1, 1, 1 << 24, 64, 0, TRUE },
  { "vocab_size", FIELD_NUMBER, N_("Vocabulary size"), N_("Tokens"), 1, 1, 1 << 24, 1, 0, TRUE },
  { "gated_mlp", FIELD_SWITCH, N_("Gated MLP"), N_("SwiGLU or GeGLU: gate, up and down projections"), 1, 0, 0, 0, 0, TRUE },
  { "tied_embeddings", FIELD_SWITCH, N_("Tied embeddings"), N_("The output layer shares the embedding matrix"), 1, 0, 0, 0, 0, TRUE },
  { "norm", FIELD_NORM, N_("Normalization"), NULL, 1, 0, 0, 0, 0, TRUE },
  { "max_context", FIELD_NUMBER, N_("Maximum context"), N_("Tokens; 0 when unknown"), 1, 0, 1099511627776.0, 1024, 0, FALSE },
};

struct _UthPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GFile                *catalog_dir;

  /* Template widgets */
  AdwComboRow          *style_row;
  AdwComboRow          *units_row;
  GtkAdjustment        *zoom_adjustment;
  GtkAdjustment        *speed_adjustment;
  GtkListBox           *gpus_list;
  GtkListBox           *models_list;
  AdwActionRow         *folder_row;
  AdwActionRow         *this_computer_row;
  GtkProgressBar       *measure_progress;
  GtkButton            *measure_button;
  GCancellable         *measuring;     /* set while this computer is being measured */

  /* How many entries of each user catalog the lists show: the first UTH_PREFERENCES_MAX_ROWS,
   * and as many more again each time the reader asks for them. */
  guint                 shown[UTH_CATALOG_ENGINES + 1];

  /* The editor shown as a subpage: which table, and one widget per field. */
  UthCatalogKind        editing;
  const Field          *fields;
  guint                 n_fields;
  GtkWidget           **field_widgets;
  GtkLabel             *editor_error;
  GtkWidget            *editor;     /* the subpage while it exists (weak) */
  JsonNode             *editing_base; /* the entry being edited as read, NULL for a new one */
};

G_DEFINE_FINAL_TYPE (UthPreferencesWindow, uth_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* NULL-terminated: nick_to_index loops to NULL and index_to_nick counts with g_strv_length. */
static const char * const style_nicks[] = { "system", "light", "dark", NULL };
static const char * const units_nicks[] = { "decimal", "binary", NULL };

static void refresh_lists (UthPreferencesWindow *self);

/* GSettings enum (a nick) <-> AdwComboRow:selected (an index into the nicks). */
static gboolean
nick_to_index (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nicks[i], nick))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_nick (const GValue       *value,
               const GVariantType *expected_type,
               gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[index]);
}

/* The zoom key is a factor (1.0), the spin button shows percent (100). */
static gboolean
factor_to_percent (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  g_value_set_double (value, round (g_variant_get_double (variant) * 100.0));
  return TRUE;
}

static GVariant *
percent_to_factor (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  return g_variant_new_double (g_value_get_double (value) / 100.0);
}

static void
apply_style (GSettings  *settings,
             const char *key,
             gpointer    user_data)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
  };
  int style = g_settings_get_enum (settings, "style");

  if (style >= 0 && style < (int) G_N_ELEMENTS (schemes))
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), schemes[style]);
}

/* ---------------------------------------------------------------------------------------- */
/* The editor                                                                               */

/* The member a dotted key names: "peak_flops.bf16" is "bf16" in the object "peak_flops". */
static JsonNode *
lookup_member (JsonObject *object,
               const char *key)
{
  const char *dot = strchr (key, '.');
  g_autofree char *outer = NULL;
  JsonNode *node;

  if (dot == NULL)
    return object != NULL ? json_object_get_member (object, key) : NULL;
  outer = g_strndup (key, dot - key);
  node = object != NULL ? json_object_get_member (object, outer) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_get_member (json_node_get_object (node), dot + 1);
}

static void
set_member (JsonObject *object,
            const char *key,
            JsonNode   *value)
{
  const char *dot = strchr (key, '.');
  g_autofree char *outer = NULL;
  JsonObject *inner;

  if (dot == NULL)
    {
      json_object_set_member (object, key, value);
      return;
    }
  outer = g_strndup (key, dot - key);
  if (!json_object_has_member (object, outer))
    json_object_set_object_member (object, outer, json_object_new ());
  inner = json_object_get_object_member (object, outer);
  json_object_set_member (inner, dot + 1, value);
}

static double
node_number (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0.0;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    default:
      return 0.0;
    }
}

static GtkWidget *
make_field_widget (const Field *field)
{
  GtkWidget *widget = NULL;

  switch (field->kind)
    {
    case FIELD_TEXT:
      widget = gtk_entry_new ();
      gtk_entry_set_max_length (GTK_ENTRY (widget), 4096);
      gtk_editable_set_width_chars (GTK_EDITABLE (widget), 22);
      break;
    case FIELD_NUMBER:
      widget = gtk_spin_button_new_with_range (field->lower, field->upper, field->step);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (widget), field->digits);
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (widget), TRUE);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (widget), field->lower);
      break;
    case FIELD_SWITCH:
      widget = gtk_switch_new ();
      break;
    case FIELD_NORM:
      {
        /* Translators: the two kinds of normalization layer; keep the technical names */
        const char *norms[] = { N_("RMSNorm"), N_("LayerNorm"), NULL };
        const char *shown[] = { _(norms[0]), _(norms[1]), NULL };

        widget = gtk_drop_down_new_from_strings (shown);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(field->title),
                                  -1);
  if (GTK_IS_DROP_DOWN (widget))
    uth_accessible_label_inner_button (widget, NULL, _(field->title));
  return widget;
}

static void
fill_field (GtkWidget   *widget,
            const Field *field,
            JsonNode    *node)
{
  switch (field->kind)
    {
    case FIELD_TEXT:
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING)
        gtk_editable_set_text (GTK_EDITABLE (widget), json_node_get_string (node));
      break;
    case FIELD_NUMBER:
      if (node != NULL)
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (widget), node_number (node) / field->scale);
      break;
    case FIELD_SWITCH:
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        gtk_switch_set_active (GTK_SWITCH (widget), json_node_get_boolean (node));
      break;
    case FIELD_NORM:
      gtk_drop_down_set_selected (GTK_DROP_DOWN (widget),
                                  node != NULL && JSON_NODE_HOLDS_VALUE (node)
                                  && g_strcmp0 (json_node_get_string (node), "layer") == 0);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The field's value as JSON, or NULL to leave an empty optional field out. */
static JsonNode *
read_field (GtkWidget   *widget,
            const Field *field)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  switch (field->kind)
    {
    case FIELD_TEXT:
      {
        g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget))));

        if (*text == '\0')
          {
            /* A required empty text goes through, so the loader names the field. */
            json_node_free (node);
            return NULL;
          }
        json_node_set_string (node, text);
      }
      break;
    case FIELD_NUMBER:
      {
        double shown = gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget));
        double value = shown * field->scale;

        if (shown == 0.0 && !field->required)
          {
            json_node_free (node);
            return NULL;
          }
        /* Counts stay integers in the file; scaled sizes and rates become whole bytes and
         * FLOP/s (the scales are powers of 2 or of 10, so nothing is lost that was typed). */
        if (field->scale == 1.0 && field->digits == 0)
          json_node_set_int (node, (gint64) llround (value));
        else if (field->scale == 1.0)
          json_node_set_double (node, value);
        else
          json_node_set_double (node, round (value));
      }
      break;
    case FIELD_SWITCH:
      json_node_set_boolean (node, gtk_switch_get_active (GTK_SWITCH (widget)));
      break;
    case FIELD_NORM:
      json_node_set_string (node, gtk_drop_down_get_selected (GTK_DROP_DOWN (widget)) == 1
                                  ? "layer" : "rms");
      break;
    default:
      g_assert_not_reached ();
    }
  return node;
}

static void
remove_member (JsonObject *object,
               const char *key)
{
  const char *dot = strchr (key, '.');
  g_autofree char *outer = NULL;
  JsonNode *node;

  if (dot == NULL)
    {
      json_object_remove_member (object, key);
      return;
    }
  outer = g_strndup (key, dot - key);
  node = json_object_get_member (object, outer);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    json_object_remove_member (json_node_get_object (node), dot + 1);
}

/* The entry as edited. An edited entry starts from its file's object, so members the
 * editor does not show (notes, other data types' peaks, MoE shapes) are kept. */
static JsonObject *
editor_to_json (UthPreferencesWindow *self)
{
  JsonObject *object;

  if (self->editing_base != NULL)
    {
      JsonNode *copy = json_node_copy (self->editing_base);

      object = json_object_ref (json_node_get_object (copy));
      json_node_unref (copy);
    }
  else
    object = json_object_new ();
  for (guint i = 0; i < self->n_fields; i++)
    {
      JsonNode *node = read_field (self->field_widgets[i], &self->fields[i]);

      if (node != NULL)
        set_member (object, self->fields[i].key, node);
      else
        remove_member (object, self->fields[i].key);
    }
  return object;
}

static void
editor_save_cb (UthPreferencesWindow *self)
{
  g_autoptr(JsonObject) entry = editor_to_json (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *name;

  if (!uth_catalog_save_user_entry (uth_catalog_get_default (), self->editing, entry,
                                    self->catalog_dir, &error))
    {
      gtk_label_set_text (self->editor_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->editor_error), TRUE);
      return;
    }

  name = uth_safe_json_get_string (entry, "name");
  if (name == NULL)
    name = "";
  /* Translators: %s is the name of a GPU or model the user just saved */
  message = g_strdup_printf (_("Saved “%s”"), name);
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
  /* The running catalog says "changed" itself: the scenario bars list the entry. */
  refresh_lists (self);
}

static void
editor_back_cb (UthPreferencesWindow *self)
{
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
}

static void
open_editor (UthPreferencesWindow *self,
             UthCatalogKind        kind,
             JsonObject           *existing)
{
  GtkWidget *box, *header, *back, *save, *page, *group = NULL, *error_label, *title;
  const char *heading;

  self->editing = kind;
  g_clear_pointer (&self->editing_base, json_node_unref);
  if (existing != NULL)
    {
      self->editing_base = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (self->editing_base, existing);
    }
  self->fields = kind == UTH_CATALOG_GPUS ? gpu_fields : model_fields;
  self->n_fields = kind == UTH_CATALOG_GPUS ? G_N_ELEMENTS (gpu_fields) : G_N_ELEMENTS (model_fields);
  g_free (self->field_widgets);
  self->field_widgets = g_new0 (GtkWidget *, self->n_fields);

  if (kind == UTH_CATALOG_GPUS)
    heading = existing != NULL ? _("Edit GPU") : _("New GPU");
  else
    heading = existing != NULL ? _("Edit Model") : _("New Model");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_vexpand (box, TRUE);
  header = adw_header_bar_new ();
  title = adw_window_title_new (heading, NULL);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (back, _("Back"));
  g_signal_connect_swapped (back, "clicked", G_CALLBACK (editor_back_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), back);
  save = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (save, "suggested-action");
  g_signal_connect_swapped (save, "clicked", G_CALLBACK (editor_save_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  gtk_box_append (GTK_BOX (box), header);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);

  error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (error_label), 0.0);
  gtk_widget_add_css_class (error_label, "error");
  gtk_widget_set_visible (error_label, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (error_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Problem with this entry"), -1);
  self->editor_error = GTK_LABEL (error_label);
  group = adw_preferences_group_new ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), error_label);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  for (guint i = 0; i < self->n_fields; i++)
    {
      const Field *field = &self->fields[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *widget = make_field_widget (field);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->title));
      if (field->subtitle != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(field->subtitle));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), widget);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), widget);
      fill_field (widget, field, lookup_member (existing, field->key));
      self->field_widgets[i] = widget;
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_box_append (GTK_BOX (box), page);

  /* One subpage at a time: libadwaita 1.2 does not stack them, so a second editor replaces
   * the first one's content in place. */
  if (self->editor != NULL && gtk_widget_get_parent (self->editor) != NULL)
    {
      GtkWidget *old;

      while ((old = gtk_widget_get_first_child (self->editor)) != NULL)
        gtk_box_remove (GTK_BOX (self->editor), old);
      gtk_box_append (GTK_BOX (self->editor), box);
    }
  else
    {
      g_clear_weak_pointer (&self->editor);
      self->editor = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      g_object_add_weak_pointer (G_OBJECT (self->editor), (gpointer *) &self->editor);
      gtk_box_append (GTK_BOX (self->editor), box);
      adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), self->editor);
    }
  gtk_widget_grab_focus (self->field_widgets[0]);
}

/* ---------------------------------------------------------------------------------------- */
/* The lists of the user's entries                                                          */

static UthCatalogKind
row_kind (GtkWidget *row)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "uth-kind"));
}

static void
entry_row_activated_cb (AdwActionRow         *row,
                        UthPreferencesWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "uth-id");
  UthCatalogKind kind = row_kind (GTK_WIDGET (row));
  g_autoptr(GError) error = NULL;
  /* Rows are only built for the entries shown: the one clicked is among them. */
  g_autoptr(JsonArray) entries = uth_catalog_read_user_entries_range (self->catalog_dir, kind,
                                                                      self->shown[kind],
                                                                      NULL, &error);

  if (entries == NULL)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);

      if (JSON_NODE_HOLDS_OBJECT (node)
          && g_strcmp0 (uth_safe_json_get_string (json_node_get_object (node), "id"), id) == 0)
        {
          open_editor (self, kind, json_node_get_object (node));
          return;
        }
    }
}

static void
remove_clicked_cb (GtkButton            *button,
                   UthPreferencesWindow *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "uth-row");
  const char *id = g_object_get_data (G_OBJECT (row), "uth-id");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (uth_catalog_remove_user_entry (self->catalog_dir, row_kind (row), id, &error))
    /* Translators: %s is the id of a GPU or model; the running catalog keeps it until restart */
    message = g_strdup_printf (_("Removed “%s”; it leaves the lists at the next start"), id);
  else
    message = g_strdup (error->message);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
  refresh_lists (self);
}

static GtkWidget *
make_entry_row (UthPreferencesWindow *self,
                UthCatalogKind        kind,
                JsonObject           *entry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  /* Not json_object_get_string_member_with_default: it is a Json-CRITICAL when the member is
   * there but not a string (the loader has already named that field at start-up). */
  const char *id = uth_safe_json_get_string (entry, "id");
  const char *name = uth_safe_json_get_string (entry, "name");
  g_autofree char *remove_label = NULL;

  if (id == NULL)
    id = "";
  if (name == NULL)
    name = id;
  remove_label = g_strdup_printf (_("Remove %s"), name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), id);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "uth-id", g_strdup (id), g_free);
  g_object_set_data (G_OBJECT (row), "uth-kind", GUINT_TO_POINTER (kind));
  g_signal_connect (row, "activated", G_CALLBACK (entry_row_activated_cb), self);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_object_set_data (G_OBJECT (remove), "uth-row", row);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

static void fill_list (UthPreferencesWindow *self,
                       GtkListBox           *list,
                       UthCatalogKind        kind);

static void
more_row_activated_cb (AdwActionRow         *row,
                       UthPreferencesWindow *self)
{
  UthCatalogKind kind = row_kind (GTK_WIDGET (row));
  GtkListBox *list = g_object_get_data (G_OBJECT (row), "uth-list");

  self->shown[kind] += UTH_PREFERENCES_MAX_ROWS;
  fill_list (self, list, kind);
}

static void
fill_list (UthPreferencesWindow *self,
           GtkListBox           *list,
           UthCatalogKind        kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) entries = NULL;
  GtkWidget *row_widget;
  guint n;

  /* Rows only: the placeholder is a child of the list too, and stays. */
  while ((row_widget = (GtkWidget *) gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, row_widget);

  entries = uth_catalog_read_user_entries_range (self->catalog_dir, kind, self->shown[kind],
                                                 &n, &error);
  if (entries == NULL)
    {
      /* A file the app cannot read is shown, not overwritten: the user may be editing it. */
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("This file cannot be read"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      gtk_widget_add_css_class (row, "error");
      gtk_list_box_append (list, row);
      return;
    }
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        gtk_list_box_append (list, make_entry_row (self, kind, json_node_get_object (node)));
    }
  if (n > self->shown[kind])
    {
      /* One widget per entry of a catalog of 100,000 would freeze the window for seconds:
       * the list grows by UTH_PREFERENCES_MAX_ROWS each time the reader activates this row. */
      GtkWidget *row = adw_action_row_new ();
      g_autoptr(GFile) file = uth_catalog_user_file (self->catalog_dir, kind);
      g_autofree char *path = g_file_get_parse_name (file);
      guint more = n - self->shown[kind];
      g_autofree char *title = g_strdup_printf (ngettext ("%u more entry is not listed",
                                                          "%u more entries are not listed", more),
                                                more);
      /* Translators: %u is how many entries one activation adds; %s is the path of the
       * user's catalog file */
      g_autofree char *subtitle = g_strdup_printf (_("Activate to list %u more, or edit %s"),
                                                   MIN (more, UTH_PREFERENCES_MAX_ROWS), path);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "uth-kind", GUINT_TO_POINTER (kind));
      g_object_set_data (G_OBJECT (row), "uth-list", list);
      g_signal_connect (row, "activated", G_CALLBACK (more_row_activated_cb), self);
      gtk_list_box_append (list, row);
    }
}

static void
refresh_lists (UthPreferencesWindow *self)
{
  fill_list (self, self->gpus_list, UTH_CATALOG_GPUS);
  fill_list (self, self->models_list, UTH_CATALOG_MODELS);
}

static GtkWidget *
make_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  return label;
}

static void
add_gpu_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  open_editor (UTH_PREFERENCES_WINDOW (widget), UTH_CATALOG_GPUS, NULL);
}

static void
add_model_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  open_editor (UTH_PREFERENCES_WINDOW (widget), UTH_CATALOG_MODELS, NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* This computer                                                                            */

/* How long the measurement runs: long enough for a steady figure, short enough to wait for. */
#define MEASURE_SECONDS 3.0

static void
show_this_computer (UthPreferencesWindow *self)
{
  g_autofree char *text = g_settings_get_string (self->settings, "this-computer");
  UthThisComputer measured;

  if (uth_this_computer_from_string (&measured, text))
    {
      g_autofree char *summary = uth_this_computer_describe (&measured);

      adw_action_row_set_subtitle (self->this_computer_row, summary);
    }
  else
    adw_action_row_set_subtitle (self->this_computer_row, _("Not measured yet"));
}

static void
measure_progress_cb (double   fraction,
                     gpointer user_data)
{
  UthPreferencesWindow *self = user_data;

  if (self->measuring != NULL)
    gtk_progress_bar_set_fraction (self->measure_progress, fraction);
}

static void
measure_done (UthPreferencesWindow *self)
{
  g_clear_object (&self->measuring);
  gtk_widget_set_visible (GTK_WIDGET (self->measure_progress), FALSE);
  gtk_button_set_label (self->measure_button, _("_Measure"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->measure_button),
                               _("Measure this computer now (a few seconds)"));
}

static void
measure_finished_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(UthPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  UthThisComputer measured;

  if (!uth_this_computer_measure_finish (result, &measured, &error))
    {
      if (gtk_widget_in_destruction (GTK_WIDGET (self)))
        return;
      measure_done (self);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_this_computer (self);
      else
        adw_action_row_set_subtitle (self->this_computer_row, error->message);
      return;
    }
  {
    g_autofree char *text = uth_this_computer_to_string (&measured);

    g_settings_set_string (self->settings, "this-computer", text);
  }
  uth_this_computer_add_to_catalog (&measured, uth_catalog_get_default ());
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  /* The catalog's own "changed" (uth_catalog_add_gpu) puts it in the scenario bars. */
  measure_done (self);
  show_this_computer (self);
}

static void
measure_clicked_cb (UthPreferencesWindow *self)
{
  if (self->measuring != NULL)
    {
      g_cancellable_cancel (self->measuring);
      return;
    }
  self->measuring = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->measure_progress, 0.0);
  gtk_widget_set_visible (GTK_WIDGET (self->measure_progress), TRUE);
  gtk_button_set_label (self->measure_button, _("_Cancel"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->measure_button), _("Stop measuring"));
  adw_action_row_set_subtitle (self->this_computer_row, _("Measuring… the figures are best with other programs idle"));
  uth_this_computer_measure_async (MEASURE_SECONDS, measure_progress_cb, self, self->measuring,
                                   measure_finished_cb, g_object_ref (self));
}

/* ---------------------------------------------------------------------------------------- */

static void
uth_preferences_window_constructed (GObject *object)
{
  UthPreferencesWindow *self = UTH_PREFERENCES_WINDOW (object);
  g_autofree char *folder = g_file_get_parse_name (self->catalog_dir);

  G_OBJECT_CLASS (uth_preferences_window_parent_class)->constructed (object);

  g_settings_bind_with_mapping (self->settings, "style", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                (gpointer) style_nicks, NULL);
  g_settings_bind_with_mapping (self->settings, "units", self->units_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                (gpointer) units_nicks, NULL);
  g_settings_bind_with_mapping (self->settings, "zoom", self->zoom_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, factor_to_percent, percent_to_factor,
                                NULL, NULL);
  g_settings_bind (self->settings, "animation-speed", self->speed_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);

  adw_action_row_set_subtitle (self->folder_row, folder);
  show_this_computer (self);
  refresh_lists (self);
}

static void
uth_preferences_window_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  UthPreferencesWindow *self = UTH_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_preferences_window_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  UthPreferencesWindow *self = UTH_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_preferences_window_dispose (GObject *object)
{
  UthPreferencesWindow *self = UTH_PREFERENCES_WINDOW (object);

  if (self->measuring != NULL)
    g_cancellable_cancel (self->measuring);
  g_clear_object (&self->measuring);
  gtk_widget_dispose_template (GTK_WIDGET (self), UTH_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog_dir);
  g_clear_pointer (&self->field_widgets, g_free);
  g_clear_weak_pointer (&self->editor);
  g_clear_pointer (&self->editing_base, json_node_unref);

  G_OBJECT_CLASS (uth_preferences_window_parent_class)->dispose (object);
}

static void
uth_preferences_window_class_init (UthPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = uth_preferences_window_constructed;
  object_class->get_property = uth_preferences_window_get_property;
  object_class->set_property = uth_preferences_window_set_property;
  object_class->dispose = uth_preferences_window_dispose;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/uth-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, UthPreferencesWindow, units_row);
  gtk_widget_class_bind_template_child (widget_class, UthPreferencesWindow, zoom_adjustment);
  gtk_widget_class_bind_template_child (widget_class, UthPreferencesWindow, speed_adjustment);
  gtk_widget_class_bind_template_child (widget_class, UthPreferencesWindow, gpus_list);
  gtk_widget_class_bind_template_child (widget_class, UthPreferencesWindow, models_list);
  gtk_widget_class_bind_template_child (widget_class, UthPreferencesWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, UthPreferencesWindow, this_computer_row);
  gtk_widget_class_bind_template_child (widget_class, UthPreferencesWindow, measure_progress);
  gtk_widget_class_bind_template_child (widget_class, UthPreferencesWindow, measure_button);
  gtk_widget_class_bind_template_callback (widget_class, measure_clicked_cb);

  gtk_widget_class_install_action (widget_class, "prefs.add-gpu", NULL, add_gpu_action);
  gtk_widget_class_install_action (widget_class, "prefs.add-model", NULL, add_model_action);
}

static void
uth_preferences_window_init (UthPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->catalog_dir = uth_catalog_user_dir ();
  for (guint k = 0; k < G_N_ELEMENTS (self->shown); k++)
    self->shown[k] = UTH_PREFERENCES_MAX_ROWS;
  gtk_list_box_set_placeholder (self->gpus_list,
                                make_placeholder (_("No GPUs of your own yet")));
  gtk_list_box_set_placeholder (self->models_list,
                                make_placeholder (_("No models of your own yet")));
}

UthPreferencesWindow *
uth_preferences_window_new (GtkWindow *parent,
                            GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (UTH_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       "settings", settings,
                       NULL);
}

void
uth_preferences_window_add_entry (UthPreferencesWindow *self,
                                  const char           *kind)
{
  g_return_if_fail (UTH_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (kind != NULL);

  open_editor (self, g_str_equal (kind, "gpu") ? UTH_CATALOG_GPUS : UTH_CATALOG_MODELS, NULL);
}

void
uth_preferences_bind_style (GSettings *settings)
{
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_signal_connect (settings, "changed::style", G_CALLBACK (apply_style), NULL);
  apply_style (settings, "style", NULL);
}

const char * const *
uth_preferences_window_get_nicks (const char *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  if (g_str_equal (key, "style"))
    return style_nicks;
  if (g_str_equal (key, "units"))
    return units_nicks;
  return NULL;
}
