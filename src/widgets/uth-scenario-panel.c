/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "widgets/uth-accessible.h"
#include "widgets/uth-log-slider.h"
#include "widgets/uth-wrap-layout.h"
#include "widgets/uth-scenario-panel.h"

struct _UthScenarioPanel
{
  GtkWidget    parent_instance;

  UthScenario *scenario;
  GtkWidget   *flow;
  GtkDropDown *model;
  GtkDropDown *gpu;
  GtkDropDown *engine;
  GtkDropDown *weights;
  GtkDropDown *kv;
  GtkDropDown *activations;
  GtkWidget   *gpus;
  GtkWidget   *batch;
  GtkWidget   *prompt;
  GtkWidget   *context;
  GtkWidget   *more;          /* engine and data types, in a popover */
  GtkWidget   *more_grid;
  GPtrArray   *bindings;
  GPtrArray   *list_bindings;  /* the drop-downs of catalog entries: redone when it changes */
  UthCatalog  *catalog;        /* the scenario's, while its "changed" is connected */
  gulong       catalog_handler;
};

enum
{
  PROP_0,
  PROP_SCENARIO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Storage types for weights and the KV cache; tf32 is a compute mode only. Weights also
 * take the block formats with their real bits; a KV cache q8_0 and q4_0 (llama.cpp). */
static const UthDtype storage_dtypes[] = {
  UTH_DTYPE_FP32, UTH_DTYPE_BF16, UTH_DTYPE_FP16, UTH_DTYPE_FP8, UTH_DTYPE_INT8, UTH_DTYPE_INT4,
  UTH_DTYPE_Q8_0, UTH_DTYPE_Q4_0, UTH_DTYPE_Q4_K_M, UTH_DTYPE_INT4_G128,
};
static const UthDtype kv_dtypes[] = {
  UTH_DTYPE_FP32, UTH_DTYPE_BF16, UTH_DTYPE_FP16, UTH_DTYPE_FP8, UTH_DTYPE_INT8, UTH_DTYPE_INT4,
  UTH_DTYPE_Q8_0, UTH_DTYPE_Q4_0,
};
static const UthDtype activation_dtypes[] = {
  UTH_DTYPE_FP32, UTH_DTYPE_BF16, UTH_DTYPE_FP16, UTH_DTYPE_FP8,
};

/* A drop-down's data types, for its binding's transform. */
typedef struct
{
  const UthDtype *dtypes;
  guint           n;
} DtypeList;

static const DtypeList storage_list = { storage_dtypes, G_N_ELEMENTS (storage_dtypes) };
static const DtypeList kv_list = { kv_dtypes, G_N_ELEMENTS (kv_dtypes) };
static const DtypeList activation_list = { activation_dtypes, G_N_ELEMENTS (activation_dtypes) };

G_DEFINE_FINAL_TYPE (UthScenarioPanel, uth_scenario_panel, GTK_TYPE_WIDGET)

/* The bundled engines' display names (data/catalog/engines.json), here for the translators:
 * a catalog name is looked up in the translations where it is shown, so a user's own engine
 * keeps its name. */
static const char *const bundled_engine_names[] G_GNUC_UNUSED = {
  N_("Roofline (ideal)"),
  N_("Tuned serving engine"),
  N_("PyTorch with CUDA graphs"),
  N_("llama.cpp (Metal)"),
};

static GtkDropDown *
make_drop_down (GtkStringList *strings,
                gboolean       search)
{
  GtkExpression *expr = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  GtkDropDown *drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (strings), expr));

  gtk_drop_down_set_enable_search (drop, search);
  return drop;
}

static GtkDropDown *
make_dtype_drop_down (const UthDtype *dtypes,
                      guint           n)
{
  GtkStringList *strings = gtk_string_list_new (NULL);
  guint i;

  for (i = 0; i < n; i++)
    gtk_string_list_append (strings, uth_dtype_id (dtypes[i]));
  return make_drop_down (strings, FALSE);
}

/* The sliders' values in words, for screen readers: "32 sequences", "1 token". */
static char *
sequences_text (guint64  value,
                gpointer user_data)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRIu64 " sequence", "%" PRIu64 " sequences",
                                       value), value);
}

static char *
tokens_text (guint64  value,
             gpointer user_data)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRIu64 " token", "%" PRIu64 " tokens", value),
                          value);
}

static GtkWidget *
new_log_slider (const char *property)
{
  double lo = 1, hi = 1;

  uth_scenario_get_range (property, &lo, &hi, NULL);
  return uth_log_slider_new ((guint64) lo, (guint64) hi);
}

static void
set_spin_range (GtkSpinButton *spin,
                const char    *property)
{
  double lo = 1, hi = 1;

  uth_scenario_get_range (property, &lo, &hi, NULL);
  gtk_spin_button_set_range (spin, lo, hi);
}

static void
add_field (UthScenarioPanel *self,
           const char       *label_text,
           const char       *tooltip,
           GtkWidget        *control)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (label_text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_tooltip_text (box, tooltip);
  if (UTH_IS_LOG_SLIDER (control))
    uth_log_slider_set_label (UTH_LOG_SLIDER (control), label_text);
  else
    gtk_accessible_update_relation (GTK_ACCESSIBLE (control), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                    label, NULL, -1);
  /* A menu button's or drop-down's focus is on the button inside it, read by its text
   * ("Tuned serving engine · bf16") or its type name unless it is labelled too. */
  if (GTK_IS_MENU_BUTTON (control) || GTK_IS_DROP_DOWN (control))
    uth_accessible_label_inner_button (control, label, NULL);
  gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), control);
  gtk_widget_set_parent (box, self->flow);
}

static void
add_more_field (UthScenarioPanel *self,
                int               row,
                const char       *label_text,
                const char       *tooltip,
                GtkWidget        *control)
{
  GtkWidget *label = gtk_label_new (label_text);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_tooltip_text (control, tooltip);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (control), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
  gtk_grid_attach (GTK_GRID (self->more_grid), label, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (self->more_grid), control, 1, row, 1, 1);
}

/* "Tuned serving engine · bf16": what the popover holds, at a glance. */
static void
update_more_label (UthScenarioPanel *self)
{
  const UthEngineEntry *engine = uth_scenario_get_engine (self->scenario);
  g_autofree char *text = NULL;
  UthDtype w = uth_scenario_get_weights (self->scenario);
  UthDtype kv = uth_scenario_get_kv (self->scenario);
  UthDtype a = uth_scenario_get_activations (self->scenario);

  if (w == kv && kv == a)
    text = g_strdup_printf ("%s · %s", engine != NULL ? _(engine->name) : "–", uth_dtype_id (w));
  else
    text = g_strdup_printf ("%s · %s/%s/%s", engine != NULL ? _(engine->name) : "–",
                            uth_dtype_id (w), uth_dtype_id (kv), uth_dtype_id (a));
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->more), text);
}

/* A scenario data type as its drop-down's item and back (one function for both ways). */
static gboolean
dtype_transform (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  const DtypeList *list = user_data;

  if (G_VALUE_HOLDS_ENUM (from))
    {
      for (guint i = 0; i < list->n; i++)
        if (list->dtypes[i] == (UthDtype) g_value_get_enum (from))
          {
            g_value_set_uint (to, i);
            return TRUE;
          }
      return FALSE;
    }
  if (g_value_get_uint (from) >= list->n)
    return FALSE;
  g_value_set_enum (to, list->dtypes[g_value_get_uint (from)]);
  return TRUE;
}

/* The catalog's entries of one kind, as a drop-down lists them. */
typedef struct
{
  guint        (*get_n) (UthCatalog *catalog);
  const char  *(*get_id) (UthCatalog *catalog, guint index);
} EntryList;

static const char *
model_id (UthCatalog *catalog,
          guint       index)
{
  return uth_catalog_get_model (catalog, index)->id;
}

static const char *
gpu_id (UthCatalog *catalog,
        guint       index)
{
  return uth_catalog_get_gpu (catalog, index)->id;
}

static const char *
engine_id (UthCatalog *catalog,
           guint       index)
{
  return uth_catalog_get_engine (catalog, index)->id;
}

static const EntryList model_list = { uth_catalog_get_n_models, model_id };
static const EntryList gpu_list = { uth_catalog_get_n_gpus, gpu_id };
static const EntryList engine_list = { uth_catalog_get_n_engines, engine_id };

/* A scenario's entry id as its drop-down's item and back; the binding's source is the
 * scenario, whose catalog the drop-down lists. */
static gboolean
entry_transform (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  const EntryList *list = user_data;
  g_autoptr(GObject) source = g_binding_dup_source (binding);
  UthCatalog *catalog;
  guint n;

  if (source == NULL)
    return FALSE;
  catalog = uth_scenario_get_catalog (UTH_SCENARIO (source));
  n = list->get_n (catalog);
  if (G_VALUE_HOLDS_STRING (from))
    {
      for (guint i = 0; i < n; i++)
        if (g_strcmp0 (list->get_id (catalog, i), g_value_get_string (from)) == 0)
          {
            g_value_set_uint (to, i);
            return TRUE;
          }
      return FALSE;
    }
  if (g_value_get_uint (from) >= n)
    return FALSE;
  g_value_set_string (to, list->get_id (catalog, g_value_get_uint (from)));
  return TRUE;
}

/* A drop-down's "selected" bound to a scenario property both ways through transform,
 * which reads user_data (the list of data types or of catalog entries). */
static GBinding *
bind_drop_down (UthScenarioPanel      *self,
                const char            *property,
                GtkDropDown           *drop,
                GBindingTransformFunc  transform,
                gconstpointer          user_data)
{
  return g_object_bind_property_full (self->scenario, property, drop, "selected",
                                      G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                                      transform, transform, (gpointer) user_data, NULL);
}

static void
bind_list (UthScenarioPanel *self,
           const char       *property,
           GtkDropDown      *drop,
           const EntryList  *list)
{
  g_ptr_array_add (self->list_bindings, bind_drop_down (self, property, drop, entry_transform, list));
}

static void
fill_catalog_lists (UthScenarioPanel *self)
{
  UthCatalog *catalog = uth_scenario_get_catalog (self->scenario);
  GtkStringList *models = gtk_string_list_new (NULL);
  GtkStringList *gpus = gtk_string_list_new (NULL);
  GtkStringList *engines = gtk_string_list_new (NULL);
  guint i;

  for (i = 0; i < uth_catalog_get_n_models (catalog); i++)
    gtk_string_list_append (models, uth_catalog_get_model (catalog, i)->name);
  for (i = 0; i < uth_catalog_get_n_gpus (catalog); i++)
    gtk_string_list_append (gpus, uth_catalog_get_gpu (catalog, i)->name);
  for (i = 0; i < uth_catalog_get_n_engines (catalog); i++)
    gtk_string_list_append (engines, _(uth_catalog_get_engine (catalog, i)->name));
  /* New lists move the drop-downs' selection: unbound meanwhile, so that it is not written
   * to the scenario, and bound again to show the scenario's entries in the new lists. */
  for (i = 0; i < self->list_bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (self->list_bindings, i));
  g_ptr_array_set_size (self->list_bindings, 0);
  gtk_drop_down_set_model (self->model, G_LIST_MODEL (models));
  gtk_drop_down_set_model (self->gpu, G_LIST_MODEL (gpus));
  gtk_drop_down_set_model (self->engine, G_LIST_MODEL (engines));
  bind_list (self, "model-id", self->model, &model_list);
  bind_list (self, "gpu-id", self->gpu, &gpu_list);
  bind_list (self, "engine-id", self->engine, &engine_list);
  g_object_unref (models);
  g_object_unref (gpus);
  g_object_unref (engines);
}

/* A model opened from a file or an entry saved in Preferences joined the catalog: the
 * drop-downs list it. */
static void
catalog_changed_cb (UthCatalog *catalog,
                    gpointer    user_data)
{
  UthScenarioPanel *self = user_data;

  fill_catalog_lists (self);
  update_more_label (self);
}

static void
bind (UthScenarioPanel *self,
      const char       *source_prop,
      GtkWidget        *target,
      const char       *target_prop)
{
  GBinding *b = g_object_bind_property (self->scenario, source_prop, target, target_prop,
                                        G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  g_ptr_array_add (self->bindings, b);
}

static void
bind_dtype (UthScenarioPanel *self,
            const char       *property,
            GtkDropDown      *drop,
            const DtypeList  *list)
{
  g_ptr_array_add (self->bindings, bind_drop_down (self, property, drop, dtype_transform, list));
}
static void
uth_scenario_panel_dispose (GObject *object)
{
  UthScenarioPanel *self = UTH_SCENARIO_PANEL (object);

  uth_scenario_panel_set_scenario (self, NULL);
  g_clear_pointer (&self->flow, gtk_widget_unparent);
  G_OBJECT_CLASS (uth_scenario_panel_parent_class)->dispose (object);
}

static void
uth_scenario_panel_finalize (GObject *object)
{
  UthScenarioPanel *self = UTH_SCENARIO_PANEL (object);

  g_ptr_array_unref (self->bindings);
  g_ptr_array_unref (self->list_bindings);
  G_OBJECT_CLASS (uth_scenario_panel_parent_class)->finalize (object);
}

static void
uth_scenario_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  UthScenarioPanel *self = UTH_SCENARIO_PANEL (object);

  switch (prop_id)
    {
    case PROP_SCENARIO: g_value_set_object (value, self->scenario); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_scenario_panel_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  UthScenarioPanel *self = UTH_SCENARIO_PANEL (object);

  switch (prop_id)
    {
    case PROP_SCENARIO: uth_scenario_panel_set_scenario (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
uth_scenario_panel_class_init (UthScenarioPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = uth_scenario_panel_dispose;
  object_class->finalize = uth_scenario_panel_finalize;
  object_class->get_property = uth_scenario_panel_get_property;
  object_class->set_property = uth_scenario_panel_set_property;

  properties[PROP_SCENARIO] =
    g_param_spec_object ("scenario", NULL, NULL, UTH_TYPE_SCENARIO,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "uthscenariopanel");
}

static void
uth_scenario_panel_init (UthScenarioPanel *self)
{
  GtkStringList *empty = gtk_string_list_new (NULL);

  self->bindings = g_ptr_array_new ();
  self->list_bindings = g_ptr_array_new ();
  /* Fields flow like words and wrap where the window ends (GtkFlowBox would align them in
   * columns, wasting a row on a laptop screen). */
  self->flow = g_object_new (GTK_TYPE_BOX, NULL);
  gtk_widget_set_layout_manager (self->flow, uth_wrap_layout_new (18, 6));
  gtk_widget_set_parent (self->flow, GTK_WIDGET (self));

  self->model = make_drop_down (g_object_ref (empty), TRUE);
  self->gpu = make_drop_down (g_object_ref (empty), TRUE);
  self->engine = make_drop_down (empty, FALSE);
  self->weights = make_dtype_drop_down (storage_dtypes, G_N_ELEMENTS (storage_dtypes));
  self->kv = make_dtype_drop_down (kv_dtypes, G_N_ELEMENTS (kv_dtypes));
  self->activations = make_dtype_drop_down (activation_dtypes, G_N_ELEMENTS (activation_dtypes));
  /* Every range is the scenario property's own (uth_scenario_get_range): a value the
   * scenario holds is a value the control can show. */
  self->gpus = gtk_spin_button_new_with_range (1, 2, 1);
  set_spin_range (GTK_SPIN_BUTTON (self->gpus), "gpus");
  self->batch = new_log_slider ("batch");
  self->prompt = new_log_slider ("prompt");
  self->context = new_log_slider ("context");
  uth_log_slider_set_value_text_func (UTH_LOG_SLIDER (self->batch), sequences_text, NULL, NULL);
  uth_log_slider_set_value_text_func (UTH_LOG_SLIDER (self->prompt), tokens_text, NULL, NULL);
  uth_log_slider_set_value_text_func (UTH_LOG_SLIDER (self->context), tokens_text, NULL, NULL);

  add_field (self, _("Model"), _("The model: type to search"), GTK_WIDGET (self->model));
  add_field (self, _("GPU"), _("The accelerator: type to search"), GTK_WIDGET (self->gpu));
  add_field (self, _("×"), _("Number of GPUs the model is split over (tensor parallel)"), self->gpus);
  /* "×" is what the eye needs beside the GPU; a screen reader needs words. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->gpus), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->gpus), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Number of GPUs"), -1);

  /* Engine and data types change less often: a popover keeps the bar to one or two rows. */
  self->more_grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (self->more_grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (self->more_grid), 12);
  gtk_widget_set_margin_start (self->more_grid, 6);
  gtk_widget_set_margin_end (self->more_grid, 6);
  gtk_widget_set_margin_top (self->more_grid, 6);
  gtk_widget_set_margin_bottom (self->more_grid, 6);
  add_more_field (self, 0, _("Engine"), _("How close to the hardware's peak the serving engine gets"), GTK_WIDGET (self->engine));
  add_more_field (self, 1, _("Weights"), _("Data type of the weights"), GTK_WIDGET (self->weights));
  add_more_field (self, 2, _("KV cache"), _("Data type of the KV cache"), GTK_WIDGET (self->kv));
  add_more_field (self, 3, _("Activations"), _("Data type of activations and of the arithmetic"), GTK_WIDGET (self->activations));
  self->more = gtk_menu_button_new ();
  {
    GtkWidget *popover = gtk_popover_new ();

    gtk_popover_set_child (GTK_POPOVER (popover), self->more_grid);
    gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->more), popover);
  }
  add_field (self, _("Engine"), _("Serving engine and data types of weights, KV cache and activations"), self->more);
  add_field (self, _("Batch"), _("Sequences processed together"), self->batch);
  add_field (self, _("Prompt"), _("Tokens of each prompt (prefill)"), self->prompt);
  add_field (self, _("Context"), _("Tokens in each sequence's KV cache while decoding"), self->context);

}

GtkWidget *
uth_scenario_panel_new (UthScenario *scenario)
{
  return g_object_new (UTH_TYPE_SCENARIO_PANEL, "scenario", scenario, NULL);
}

UthScenario *
uth_scenario_panel_get_scenario (UthScenarioPanel *self)
{
  g_return_val_if_fail (UTH_IS_SCENARIO_PANEL (self), NULL);
  return self->scenario;
}

void
uth_scenario_panel_set_scenario (UthScenarioPanel *self,
                                 UthScenario      *scenario)
{
  g_return_if_fail (UTH_IS_SCENARIO_PANEL (self));
  g_return_if_fail (scenario == NULL || UTH_IS_SCENARIO (scenario));

  if (self->scenario == scenario)
    return;
  if (self->scenario != NULL)
    {
      guint i;

      for (i = 0; i < self->bindings->len; i++)
        g_binding_unbind (g_ptr_array_index (self->bindings, i));
      g_ptr_array_set_size (self->bindings, 0);
      for (i = 0; i < self->list_bindings->len; i++)
        g_binding_unbind (g_ptr_array_index (self->list_bindings, i));
      g_ptr_array_set_size (self->list_bindings, 0);
      g_signal_handlers_disconnect_by_func (self->scenario, update_more_label, self);
      uth_catalog_disconnect_changed (self->catalog, self->catalog_handler);
      self->catalog_handler = 0;
      g_clear_pointer (&self->catalog, uth_catalog_unref);
    }
  g_set_object (&self->scenario, scenario);
  if (scenario != NULL)
    {
      self->catalog = uth_catalog_ref (uth_scenario_get_catalog (scenario));
      self->catalog_handler = uth_catalog_connect_changed (self->catalog, catalog_changed_cb, self);
      fill_catalog_lists (self);
      bind (self, "gpus", self->gpus, "value");
      bind (self, "batch", self->batch, "value");
      bind (self, "prompt", self->prompt, "value");
      bind (self, "context", self->context, "value");
      bind_dtype (self, "weights", self->weights, &storage_list);
      bind_dtype (self, "kv", self->kv, &kv_list);
      bind_dtype (self, "activations", self->activations, &activation_list);
      /* The engine button says what its popover holds. */
      g_signal_connect_object (scenario, "notify", G_CALLBACK (update_more_label), self,
                               G_CONNECT_SWAPPED);
      update_more_label (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCENARIO]);
}
