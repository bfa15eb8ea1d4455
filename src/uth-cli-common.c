/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "catalog/uth-this-computer.h"
#include "uth-settings.h"
#include "uth-cli-private.h"

G_DEFINE_QUARK (uth-cli-error-quark, uth_cli_error)

char *
uth_cli_escape (const char *text)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text));
  for (p = text; *p != '\0';)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Not UTF-8: the byte, shown. */
          g_string_append_printf (out, "\\x%02x", (guint8) *p);
          p++;
          continue;
        }
      /* C0 controls, DEL and the C1 controls (U+0080 to U+009F, which some terminals obey
       * like ESC [) would move the cursor, recolour or retitle the terminal. */
      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", (guint) c);
      else if (c >= 0x80 && c <= 0x9f)
        g_string_append_printf (out, "\\u%04x", (guint) c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

int
uth_cli_fail (GError *error)
{
  g_autofree char *shown = NULL;
  int status;

  g_return_val_if_fail (error != NULL, 1);

  /* Messages quote file names, ids and values the user gave or a file holds. */
  shown = uth_cli_escape (error->message);
  g_printerr ("under-the-hood: %s\n", shown);
  status = g_error_matches (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE) ? 2 : 1;
  g_error_free (error);
  return status;
}

/* ---------------------------------------------------------------------------------------- */
/* Options                                                                                  */

static void
remove_args (int    *argc,
             char ***argv,
             int     index,
             int     count)
{
  char **args = *argv;

  memmove (&args[index], &args[index + count], sizeof (char *) * (gsize) (*argc - index - count));
  *argc -= count;
  args[*argc] = NULL;
}

gboolean
uth_cli_take_options (int                *argc,
                      char             ***argv,
                      const UthCliOption *options,
                      guint               n_options,
                      GError            **error)
{
  int i = 1;

  while (i < *argc)
    {
      const char *arg = (*argv)[i];
      gboolean taken = FALSE;

      /* Everything after "--" is an argument, never an option. */
      if (g_str_equal (arg, "--"))
        break;

      for (guint o = 0; o < n_options && !taken; o++)
        {
          const UthCliOption *opt = &options[o];
          gsize len = strlen (opt->name);

          if (strncmp (arg, opt->name, len) != 0 || (arg[len] != '\0' && arg[len] != '='))
            continue;
          taken = TRUE;
          if (opt->flag != NULL)
            {
              if (arg[len] == '=')
                {
                  g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                               _("%s takes no value"), opt->name);
                  return FALSE;
                }
              *opt->flag = TRUE;
              remove_args (argc, argv, i, 1);
            }
          else if (arg[len] == '=')
            {
              g_free (*opt->value);
              *opt->value = g_strdup (arg + len + 1);
              remove_args (argc, argv, i, 1);
            }
          else if (i + 1 < *argc)
            {
              g_free (*opt->value);
              *opt->value = g_strdup ((*argv)[i + 1]);
              remove_args (argc, argv, i, 2);
            }
          else
            {
              g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                           _("%s needs a value"), opt->name);
              return FALSE;
            }
        }
      if (!taken)
        i++;
    }
  return TRUE;
}

gboolean
uth_cli_expect_no_more (int     argc,
                        char  **argv,
                        GError **error)
{
  if (argc <= 1)
    return TRUE;
  if (argv[1][0] == '-' && argv[1][1] != '\0')
    g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                 _("%s: unknown option '%s'; see '%s --help'"), argv[0], argv[1], argv[0]);
  else
    g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                 _("%s: unexpected argument '%s'; see '%s --help'"), argv[0], argv[1], argv[0]);
  return FALSE;
}

gboolean
uth_cli_wants_help (int    argc,
                    char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        return TRUE;
    }
  return FALSE;
}

/* ---------------------------------------------------------------------------------------- */
/* Numbers and types                                                                        */

/* Only decimal notation: digits, one '.', an exponent (e6, E+3) and, when sign is TRUE, a
 * leading '-'. strtod alone would also take "0x10", "inf", "nan" and leading spaces. */
static gboolean
is_decimal (const char *text,
            gboolean    sign)
{
  const char *p = text;
  gboolean digits = FALSE, dot = FALSE;

  if (sign && *p == '-')
    p++;
  for (; g_ascii_isdigit (*p) || (*p == '.' && !dot); p++)
    {
      dot |= *p == '.';
      digits |= g_ascii_isdigit (*p);
    }
  if (!digits)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

gboolean
uth_cli_parse_uint (const char  *option,
                    const char  *text,
                    guint64      min,
                    guint64      max,
                    guint64     *out,
                    GError     **error)
{
  guint64 value = 0;
  gboolean ok = FALSE;

  if (text != NULL && is_decimal (text, FALSE))
    {
      ok = g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL);
      if (!ok)
        {
          /* 1e6 and 32768.0 are whole numbers too. */
          char *end = NULL;
          double d = g_ascii_strtod (text, &end);

          ok = end != NULL && *end == '\0' && isfinite (d) && d == floor (d) &&
               d >= (double) min && d <= (double) max;
          value = ok ? (guint64) d : 0;
        }
    }
  if (!ok)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                   _("%s: expected a whole number from %" PRIu64 " to %" PRIu64
                     ", got '%s'"), option, min, max, text != NULL ? text : "");
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
uth_cli_parse_double (const char  *option,
                      const char  *text,
                      double       min,
                      double       max,
                      double      *out,
                      GError     **error)
{
  char *end = NULL;
  double value = 0.0;

  if (text != NULL && is_decimal (text, TRUE))
    value = g_ascii_strtod (text, &end);
  if (end == NULL || end == text || *end != '\0' || !isfinite (value) || value < min || value > max)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                   _("%s: expected a number from %g to %g, got '%s'"),
                   option, min, max, text != NULL ? text : "");
      return FALSE;
    }
  *out = value;
  return TRUE;
}

/* The ids of the types `accept` takes, comma-separated. */
static char *
dtype_list (bool (*accept) (UthDtype))
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < UTH_N_DTYPES; i++)
    if (accept ((UthDtype) i))
      g_string_append_printf (list, "%s%s", list->len > 0 ? ", " : "", uth_dtype_id ((UthDtype) i));
  return g_string_free (list, FALSE);
}

static gboolean
parse_dtype_for (const char  *option,
                 const char  *text,
                 bool       (*accept) (UthDtype),
                 UthDtype    *out,
                 GError     **error)
{
  UthDtype dtype;

  if (!uth_dtype_from_id (text, &dtype) || !accept (dtype))
    {
      g_autofree char *list = dtype_list (accept);

      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                   _("%s: unknown data type '%s'; expected one of %s"), option,
                   text != NULL ? text : "", list);
      return FALSE;
    }
  *out = dtype;
  return TRUE;
}

/* A type matrix products run in (tf32 included, the block formats not). */
static bool
is_compute_storage (UthDtype dtype)
{
  return uth_dtype_is_compute (dtype) && uth_dtype_is_storage (dtype);
}

gboolean
uth_cli_parse_dtype (const char  *option,
                     const char  *text,
                     gboolean     compute,
                     UthDtype    *out,
                     GError     **error)
{
  return parse_dtype_for (option, text, compute ? uth_dtype_is_compute : uth_dtype_is_storage,
                          out, error);
}

/* ---------------------------------------------------------------------------------------- */
/* Catalog lookups                                                                          */

static void
set_unknown_id (GError        **error,
                UthCatalog     *catalog,
                UthCatalogKind  kind,
                const char     *id)
{
  static const char * const lists[] = { "models", "gpus", "engines" };
  g_auto(GStrv) near = uth_catalog_suggest (catalog, kind, id, 3);
  g_autofree char *joined = g_strjoinv (", ", near);
  const char *what = kind == UTH_CATALOG_MODELS ? _("model")
                   : kind == UTH_CATALOG_GPUS ? _("GPU") : _("engine");

  if (near[0] != NULL)
    /* Translators: unknown GPU 'h100'; did you mean: h100-sxm, h100-pcie? */
    g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                 _("unknown %s '%s'; did you mean: %s? (all: under-the-hood catalog %s)"),
                 what, id, joined, lists[kind]);
  else
    g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                 _("unknown %s '%s'; list them with: under-the-hood catalog %s"),
                 what, id, lists[kind]);
}

const UthModelEntry *
uth_cli_find_model (UthCatalog  *catalog,
                    const char  *id,
                    GError     **error)
{
  const UthModelEntry *entry = uth_catalog_find_model (catalog, id);

  if (entry == NULL)
    set_unknown_id (error, catalog, UTH_CATALOG_MODELS, id);
  return entry;
}

/* "this-computer": the figures remembered in the settings, else measured now (about two
 * seconds, said on standard error) and remembered. */
static const UthGpuEntry *
this_computer (UthCatalog  *catalog,
               GError     **error)
{
  UthThisComputer measured;

  if (!uth_settings_get_this_computer (&measured))
    {
      /* TRANSLATORS: printed while the command line measures this computer */
      g_printerr ("%s\n", _("Measuring this computer’s memory bandwidth and matrix-multiply speed (about 2 s)…"));
      if (!uth_this_computer_measure (&measured, 2.0, NULL, NULL, NULL, error))
        return NULL;
      uth_settings_set_this_computer (&measured);
      {
        g_autofree char *summary = uth_this_computer_describe (&measured);

        g_printerr ("%s\n", summary);
      }
    }
  uth_this_computer_add_to_catalog (&measured, catalog);
  return uth_catalog_find_gpu (catalog, UTH_THIS_COMPUTER_ID);
}

const UthGpuEntry *
uth_cli_find_gpu (UthCatalog  *catalog,
                  const char  *id,
                  GError     **error)
{
  const UthGpuEntry *entry = uth_catalog_find_gpu (catalog, id);

  if (entry == NULL && g_strcmp0 (id, UTH_THIS_COMPUTER_ID) == 0)
    return this_computer (catalog, error);
  if (entry == NULL)
    set_unknown_id (error, catalog, UTH_CATALOG_GPUS, id);
  return entry;
}

const UthEngineEntry *
uth_cli_find_engine (UthCatalog  *catalog,
                     const char  *id,
                     GError     **error)
{
  const UthEngineEntry *entry = uth_catalog_find_engine (catalog, id);

  if (entry == NULL)
    set_unknown_id (error, catalog, UTH_CATALOG_ENGINES, id);
  return entry;
}

/* ---------------------------------------------------------------------------------------- */
/* The scenario                                                                             */

typedef struct
{
  char *model, *gpu, *gpus, *engine, *batch, *prompt, *context, *step_tokens, *output_tokens;
  char *weights, *kv, *activations, *price, *attention;
} ScenarioText;

static void
scenario_text_clear (ScenarioText *t)
{
  g_free (t->model); g_free (t->gpu); g_free (t->gpus); g_free (t->engine);
  g_free (t->batch); g_free (t->prompt); g_free (t->context); g_free (t->step_tokens);
  g_free (t->output_tokens); g_free (t->weights); g_free (t->kv); g_free (t->activations);
  g_free (t->price); g_free (t->attention);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ScenarioText, scenario_text_clear)

/* Generous limits: far beyond any real deployment, small enough that nothing overflows. */
#define MAX_GPUS    1024   /* the estimator's own limit */
#define MAX_BATCH   G_GUINT64_CONSTANT (1000000000)
#define MAX_TOKENS  G_GUINT64_CONSTANT (10000000000)

static gboolean
parse_optional_uint (const char *option,
                     const char *text,
                     guint64     max,
                     guint64    *out,
                     GError    **error)
{
  return text == NULL || uth_cli_parse_uint (option, text, 1, max, out, error);
}

static gboolean
resolve_numbers (const ScenarioText *t,
                 UthEstimateInput   *in,
                 GError            **error)
{
  guint64 gpus = in->gpus;

  if (!parse_optional_uint ("--gpus", t->gpus, MAX_GPUS, &gpus, error) ||
      !parse_optional_uint ("--batch", t->batch, MAX_BATCH, &in->batch, error) ||
      !parse_optional_uint ("--prompt", t->prompt, MAX_TOKENS, &in->prompt, error) ||
      !parse_optional_uint ("--context", t->context, MAX_TOKENS, &in->context, error) ||
      !parse_optional_uint ("--step-tokens", t->step_tokens, MAX_TOKENS, &in->step_tokens, error) ||
      !parse_optional_uint ("--output-tokens", t->output_tokens, MAX_TOKENS, &in->output_tokens,
                            error))
    return FALSE;
  in->gpus = (uint32_t) gpus;

  if (t->weights != NULL && !uth_cli_parse_dtype ("--weights", t->weights, FALSE, &in->weights, error))
    return FALSE;
  if (t->kv != NULL && !parse_dtype_for ("--kv", t->kv, uth_dtype_is_kv, &in->kv, error))
    return FALSE;
  if (t->activations != NULL &&
      !parse_dtype_for ("--activations", t->activations, is_compute_storage, &in->activations,
                        error))
    return FALSE;
  if (t->price != NULL &&
      !uth_cli_parse_double ("--price", t->price, 0.0, 1e6, &in->price_per_hour, error))
    return FALSE;
  if (t->attention != NULL && !uth_attention_impl_from_id (t->attention, &in->attention))
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                   _("--attention: '%s' is not an attention implementation (flash or standard)"),
                   t->attention);
      return FALSE;
    }

  if (in->step_tokens > in->context)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                   _("--step-tokens (%" PRIu64 ") cannot exceed --context (%"
                     PRIu64 "): the context includes the new tokens"),
                   in->step_tokens, in->context);
      return FALSE;
    }
  return TRUE;
}

gboolean
uth_cli_parse_scenario (int             *argc,
                        char          ***argv,
                        const char      *default_model,
                        const char      *default_gpu,
                        UthCliScenario  *out,
                        GError         **error)
{
  g_auto(ScenarioText) t = { NULL };
  const UthCliOption options[] = {
    { "--model", &t.model, NULL },
    { "--gpu", &t.gpu, NULL },
    { "--gpus", &t.gpus, NULL },
    { "--engine", &t.engine, NULL },
    { "--batch", &t.batch, NULL },
    { "--prompt", &t.prompt, NULL },
    { "--context", &t.context, NULL },
    { "--step-tokens", &t.step_tokens, NULL },
    { "--output-tokens", &t.output_tokens, NULL },
    { "--weights", &t.weights, NULL },
    { "--kv", &t.kv, NULL },
    { "--activations", &t.activations, NULL },
    { "--price", &t.price, NULL },
    { "--attention", &t.attention, NULL },
  };
  const char *model_id, *gpu_id;

  g_return_val_if_fail (argc != NULL && argv != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!uth_cli_take_options (argc, argv, options, G_N_ELEMENTS (options), error))
    return FALSE;

  model_id = t.model != NULL ? t.model : default_model;
  gpu_id = t.gpu != NULL ? t.gpu : default_gpu;
  if (model_id == NULL || gpu_id == NULL)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                   _("%s is required; list the ids with: under-the-hood catalog %s"),
                   model_id == NULL ? "--model" : "--gpu", model_id == NULL ? "models" : "gpus");
      return FALSE;
    }

  uth_estimate_input_init (&out->input);
  if (!resolve_numbers (&t, &out->input, error))
    return FALSE;

  out->catalog = uth_catalog_get_default ();
  out->model = uth_cli_find_model (out->catalog, model_id, error);
  if (out->model == NULL)
    return FALSE;
  out->gpu = uth_cli_find_gpu (out->catalog, gpu_id, error);
  if (out->gpu == NULL)
    return FALSE;
  out->engine = uth_cli_find_engine (out->catalog, t.engine != NULL ? t.engine : "tuned", error);
  if (out->engine == NULL)
    return FALSE;

  out->input.model = &out->model->spec;
  out->input.gpu = &out->gpu->spec;
  out->input.engine = &out->engine->spec;
  return TRUE;
}

const char *
uth_cli_scenario_help (void)
{
  return _("Scenario options:\n"
           "  --model ID            a model of 'under-the-hood catalog models'\n"
           "  --gpu ID              a GPU of 'under-the-hood catalog gpus'\n"
           "  --gpus N              GPUs in tensor parallel (default 1)\n"
           "  --engine ID           efficiency profile (default tuned)\n"
           "  --batch B             sequences at once (default 1)\n"
           "  --prompt S            prompt tokens per sequence (default 1024)\n"
           "  --context L           tokens in the KV cache while decoding, new ones included\n"
           "                        (default 1024)\n"
           "  --step-tokens T       new tokens per sequence per decode step (default 1)\n"
           "  --output-tokens N     tokens generated per request (default 256)\n"
           "  --weights DTYPE       fp32, bf16, fp16, fp8, int8 or int4 (default bf16)\n"
           "  --kv DTYPE            KV cache data type (default bf16)\n"
           "  --activations DTYPE   activation data type (default bf16)\n"
           "  --price USD           price per GPU-hour (default: the GPU's catalog price)\n"
           "  --attention IMPL      flash (default) or standard attention\n");
}

/* ---------------------------------------------------------------------------------------- */
/* Output for people                                                                        */

void
uth_cli_print_row (guint       indent,
                   guint       width,
                   const char *label,
                   const char *value)
{
  g_autofree char *shown = uth_cli_escape (value);
  glong chars = g_utf8_strlen (label, -1);
  g_autofree char *pad = g_strnfill (width > chars ? width - (gsize) chars : 1, ' ');
  g_autofree char *lead = g_strnfill (indent, ' ');

  /* Values may come from a file (a GGUF's general.name) or a user catalog. */
  g_print ("%s%s%s%s\n", lead, label, pad, shown);
}

char *
uth_cli_format_bytes (double bytes)
{
  static const char * const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  guint unit = 0;

  if (!isfinite (bytes))
    return g_strdup ("—");
  while (fabs (bytes) >= 1024.0 && unit + 1 < G_N_ELEMENTS (units))
    {
      bytes /= 1024.0;
      unit++;
    }
  if (unit == 0)
    return g_strdup_printf ("%.0f %s", bytes, units[unit]);
  return g_strdup_printf ("%.2f %s", bytes, units[unit]);
}

char *
uth_cli_format_seconds (double seconds)
{
  if (!isfinite (seconds))
    return g_strdup ("—");
  if (seconds >= 3600.0 * 24.0)
    return g_strdup_printf (_("%.1f days"), seconds / (3600.0 * 24.0));
  if (seconds >= 3600.0)
    return g_strdup_printf (_("%.2f h"), seconds / 3600.0);
  if (seconds >= 1.0)
    return g_strdup_printf ("%.3g s", seconds);
  if (seconds >= 1e-3)
    return g_strdup_printf ("%.3g ms", seconds * 1e3);
  if (seconds >= 1e-6)
    return g_strdup_printf ("%.3g µs", seconds * 1e6);
  return g_strdup_printf ("%.3g ns", seconds * 1e9);
}

char *
uth_cli_format_si (double      value,
           const char *unit)
{
  static const char * const prefixes[] = { "", "k", "M", "G", "T", "P", "E" };
  guint p = 0;

  if (!isfinite (value))
    return g_strdup ("—");
  while (fabs (value) >= 1000.0 && p + 1 < G_N_ELEMENTS (prefixes))
    {
      value /= 1000.0;
      p++;
    }
  return g_strdup_printf ("%.3g %s%s", value, prefixes[p], unit);
}

char *
uth_cli_format_count (double count)
{
  if (!isfinite (count))
    return g_strdup ("—");
  if (fabs (count) >= 1e12)
    return g_strdup_printf (_("%.3g trillion"), count / 1e12);
  if (fabs (count) >= 1e9)
    return g_strdup_printf (_("%.3g billion"), count / 1e9);
  if (fabs (count) >= 1e6)
    return g_strdup_printf (_("%.3g million"), count / 1e6);
  return g_strdup_printf ("%.0f", count);
}

char *
uth_cli_format_flops (double flops)
{
  return uth_cli_format_si (flops, "FLOP");
}

char *
uth_cli_format_rate (double      per_second,
                     const char *unit)
{
  g_autofree char *with_unit = g_strdup_printf ("%s/s", unit);

  if (isfinite (per_second) && fabs (per_second) < 1000.0)
    return g_strdup_printf ("%.1f %s", per_second, with_unit);
  return uth_cli_format_si (per_second, with_unit);
}

/* ---------------------------------------------------------------------------------------- */
/* JSON                                                                                     */

void
uth_cli_json_add_number (JsonBuilder *builder,
                         const char  *key,
                         double       value)
{
  json_builder_set_member_name (builder, key);
  if (!isfinite (value))
    json_builder_add_null_value (builder);
  else if (value == floor (value) && fabs (value) < 9007199254740992.0)
    json_builder_add_int_value (builder, (gint64) value);
  else
    json_builder_add_double_value (builder, value);
}

void
uth_cli_json_add_string (JsonBuilder *builder,
                         const char  *key,
                         const char  *value)
{
  json_builder_set_member_name (builder, key);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

void
uth_cli_json_print (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  /* Not g_print: it would convert to a non-UTF-8 locale's charset and break the JSON. */
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}
