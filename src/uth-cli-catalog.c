/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "uth-cli-private.h"

static void
print_usage (void)
{
  g_print ("%s\n  under-the-hood catalog models|gpus|engines [--json]\n\n%s\n", _("Usage:"),
           _("Lists the bundled catalog with the user's own entries from\n"
             "$XDG_CONFIG_HOME/under-the-hood/{models,gpus,engines}.json (marked *)."));
}

/* Left-aligned text cell padded by characters, so that names with "×" or "µ" line up. */
static void
cell (const char *text,
      guint       width)
{
  g_autofree char *shown = uth_cli_escape (text);   /* names from the user's catalog */
  glong chars = g_utf8_strlen (shown, -1);

  g_print ("%s", shown);
  for (glong i = chars; i < (glong) width; i++)
    g_print (" ");
  g_print ("  ");
}

/* The widest id (field 0) or name (field 1) of a kind, plus room for the user mark. */
static guint
column_width (UthCatalog     *catalog,
              UthCatalogKind  kind,
              guint           field,
              guint           header)
{
  guint n = kind == UTH_CATALOG_MODELS ? uth_catalog_get_n_models (catalog)
          : kind == UTH_CATALOG_GPUS ? uth_catalog_get_n_gpus (catalog)
          : uth_catalog_get_n_engines (catalog);
  guint width = header;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *shown = NULL;
      const char *text;

      if (kind == UTH_CATALOG_MODELS)
        text = field == 0 ? uth_catalog_get_model (catalog, i)->id : uth_catalog_get_model (catalog, i)->name;
      else if (kind == UTH_CATALOG_GPUS)
        text = field == 0 ? uth_catalog_get_gpu (catalog, i)->id : uth_catalog_get_gpu (catalog, i)->name;
      else
        text = field == 0 ? uth_catalog_get_engine (catalog, i)->id : uth_catalog_get_engine (catalog, i)->name;
      shown = uth_cli_escape (text);
      width = MAX (width, (guint) g_utf8_strlen (shown, -1) + (field == 0 ? 1 : 0));
    }
  return width;
}

static void
list_models (UthCatalog *catalog,
             gboolean    json)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint w = column_width (catalog, UTH_CATALOG_MODELS, 0, 2);
  guint nw = column_width (catalog, UTH_CATALOG_MODELS, 1, 4);

  json_builder_begin_array (b);
  if (!json)
    {
      cell (_("id"), w); cell (_("name"), nw); cell (_("parameters"), 16);
      cell (_("layers"), 6); cell (_("hidden"), 6); cell (_("heads/kv"), 8); g_print ("%s\n", _("vocab"));
    }
  for (guint i = 0; i < uth_catalog_get_n_models (catalog); i++)
    {
      const UthModelEntry *e = uth_catalog_get_model (catalog, i);
      const UthModel *m = &e->spec;
      double params = (double) uth_model_params (m);

      if (json)
        {
          json_builder_begin_object (b);
          uth_cli_json_add_string (b, "id", e->id);
          uth_cli_json_add_string (b, "name", e->name);
          uth_cli_json_add_number (b, "params", params);
          uth_cli_json_add_number (b, "layers", m->layers);
          uth_cli_json_add_number (b, "hidden_size", m->hidden);
          uth_cli_json_add_number (b, "heads", m->heads);
          uth_cli_json_add_number (b, "kv_heads", m->kv_heads);
          uth_cli_json_add_number (b, "head_dim", m->head_dim);
          uth_cli_json_add_number (b, "vocab_size", m->vocab);
          uth_cli_json_add_string (b, "source", e->source);
          json_builder_end_object (b);
        }
      else
        {
          g_autofree char *id = g_strconcat (e->id, e->user ? "*" : "", NULL);
          g_autofree char *count = uth_cli_format_count (params);
          g_autofree char *layers = g_strdup_printf ("%u", m->layers);
          g_autofree char *hidden = g_strdup_printf ("%u", m->hidden);
          g_autofree char *heads = g_strdup_printf ("%u/%u", m->heads, m->kv_heads);

          cell (id, w); cell (e->name, nw); cell (count, 16);
          cell (layers, 6); cell (hidden, 6); cell (heads, 8); g_print ("%u\n", m->vocab);
        }
    }
  json_builder_end_array (b);
  if (json)
    uth_cli_json_print (b);
}

static void
list_gpus (UthCatalog *catalog,
           gboolean    json)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint w = column_width (catalog, UTH_CATALOG_GPUS, 0, 2);
  guint nw = column_width (catalog, UTH_CATALOG_GPUS, 1, 4);

  json_builder_begin_array (b);
  if (!json)
    {
      cell (_("id"), w); cell (_("name"), nw); cell (_("bf16 dense"), 14);
      cell (_("memory"), 10); cell (_("bandwidth"), 11); g_print ("%s\n", _("price/hour"));
    }
  for (guint i = 0; i < uth_catalog_get_n_gpus (catalog); i++)
    {
      const UthGpuEntry *e = uth_catalog_get_gpu (catalog, i);
      const UthGpu *g = &e->spec;
      double bf16 = uth_gpu_peak_flops (g, UTH_DTYPE_BF16);

      if (json)
        {
          json_builder_begin_object (b);
          uth_cli_json_add_string (b, "id", e->id);
          uth_cli_json_add_string (b, "name", e->name);
          uth_cli_json_add_number (b, "bf16_flops_per_second", bf16);
          uth_cli_json_add_number (b, "memory_bandwidth_bytes_per_second", g->memory_bandwidth);
          uth_cli_json_add_number (b, "memory_bytes", g->memory_bytes);
          uth_cli_json_add_number (b, "price_per_hour", g->price_per_hour);
          uth_cli_json_add_string (b, "source", e->source);
          json_builder_end_object (b);
        }
      else
        {
          g_autofree char *id = g_strconcat (e->id, e->user ? "*" : "", NULL);
          g_autofree char *peak = uth_cli_format_rate (bf16, "FLOP");
          g_autofree char *mem = uth_cli_format_bytes (g->memory_bytes);
          g_autofree char *bw = uth_cli_format_rate (g->memory_bandwidth, "B");

          cell (id, w); cell (e->name, nw); cell (peak, 14); cell (mem, 10); cell (bw, 11);
          if (g->price_per_hour > 0.0)
            g_print ("$%.2f\n", g->price_per_hour);
          else
            g_print ("—\n");
        }
    }
  json_builder_end_array (b);
  if (json)
    uth_cli_json_print (b);
}

static void
list_engines (UthCatalog *catalog,
              gboolean    json)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint w = column_width (catalog, UTH_CATALOG_ENGINES, 0, 2);
  guint nw = column_width (catalog, UTH_CATALOG_ENGINES, 1, 4);

  json_builder_begin_array (b);
  if (!json)
    {
      cell (_("id"), w); cell (_("name"), nw); cell (_("compute"), 8); cell (_("memory"), 8);
      g_print ("%s\n", _("launch overhead"));
    }
  for (guint i = 0; i < uth_catalog_get_n_engines (catalog); i++)
    {
      const UthEngineEntry *e = uth_catalog_get_engine (catalog, i);
      const UthEngine *s = &e->spec;

      if (json)
        {
          json_builder_begin_object (b);
          uth_cli_json_add_string (b, "id", e->id);
          uth_cli_json_add_string (b, "name", e->name);
          uth_cli_json_add_number (b, "compute_efficiency", s->compute_efficiency);
          uth_cli_json_add_number (b, "bandwidth_efficiency", s->bandwidth_efficiency);
          uth_cli_json_add_number (b, "launch_overhead_s", s->launch_overhead_s);
          uth_cli_json_add_number (b, "kernels_per_layer", s->kernels_per_layer);
          json_builder_set_member_name (b, "flash_attention");
          json_builder_add_boolean_value (b, s->flash_attention);
          uth_cli_json_add_string (b, "source", e->source);
          json_builder_end_object (b);
        }
      else
        {
          g_autofree char *id = g_strconcat (e->id, e->user ? "*" : "", NULL);
          g_autofree char *ce = g_strdup_printf ("%.0f%%", s->compute_efficiency * 100.0);
          g_autofree char *be = g_strdup_printf ("%.0f%%", s->bandwidth_efficiency * 100.0);
          g_autofree char *oh = uth_cli_format_seconds (s->launch_overhead_s);

          cell (id, w); cell (e->name, nw); cell (ce, 8); cell (be, 8);
          g_print (_("%s × %u kernels per layer\n"), oh, s->kernels_per_layer);
        }
    }
  json_builder_end_array (b);
  if (json)
    uth_cli_json_print (b);
}

int
uth_cli_catalog (int    argc,
                 char **argv)
{
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  const UthCliOption options[] = { { "--json", NULL, &json } };
  const char *what;
  UthCatalog *catalog;

  if (uth_cli_wants_help (argc, argv))
    {
      print_usage ();
      return 0;
    }
  if (!uth_cli_take_options (&argc, &argv, options, G_N_ELEMENTS (options), &error))
    return uth_cli_fail (g_steal_pointer (&error));
  if (argc < 2)
    return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE, "%s",
                                      _("catalog: say which one: models, gpus or engines")));
  what = argv[1];
  argc--;
  argv++;
  argv[0] = (char *) "catalog";
  if (!uth_cli_expect_no_more (argc, argv, &error))
    return uth_cli_fail (g_steal_pointer (&error));

  catalog = uth_catalog_get_default ();
  if (g_str_equal (what, "models"))
    list_models (catalog, json);
  else if (g_str_equal (what, "gpus"))
    list_gpus (catalog, json);
  else if (g_str_equal (what, "engines"))
    list_engines (catalog, json);
  else
    return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                                      _("catalog: unknown catalog '%s'; expected models, gpus or engines"),
                                      what));
  return 0;
}
