/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "catalog/uth-model-file.h"
#include "catalog/uth-model-weights.h"
#include "uth-cli-private.h"

#define LABEL_WIDTH 18

static void
print_usage (void)
{
  g_print ("%s\n  under-the-hood inspect FILE [--json]\n\n%s\n", _("Usage:"),
           _("Reads a model's config.json, tokenizer.json, .safetensors header, sharded\n"
             "model.safetensors.index.json (with its shards' headers) or .gguf metadata, or a\n"
             "model folder, and prints what it says: architecture, parameters, sizes, data types.\n"
             "The format is recognised by content. Weights are never read. FILE may be - (or\n"
             "/dev/stdin) for a file piped in, read into memory (at most 64 MiB). Only regular\n"
             "files are read: a FIFO, a device or a socket is refused."));
  g_print ("  --json                %s\n", _("print one JSON object"));
}

static const char *
format_text (UthModelFileFormat format)
{
  switch (format)
    {
    case UTH_MODEL_FILE_HF_CONFIG:         return _("Hugging Face config.json");
    case UTH_MODEL_FILE_TOKENIZER:         return _("Hugging Face tokenizer.json");
    case UTH_MODEL_FILE_SAFETENSORS:       return _("safetensors (header)");
    case UTH_MODEL_FILE_SAFETENSORS_INDEX: return _("sharded safetensors index");
    case UTH_MODEL_FILE_GGUF:              return "GGUF";
    default:                               return "";
    }
}

static void
row_u64 (const char *label,
         guint64     value)
{
  g_autofree char *text = NULL;

  if (value == 0)
    return;
  text = g_strdup_printf ("%" PRIu64, value);
  uth_cli_print_row (0, LABEL_WIDTH, label, text);
}

/* Whether the forward pass (uth-model-weights.h) can run what was inspected: a model
 * folder, a .safetensors or .gguf, or the folder of a file named config.json or of a
 * sharded index. *applies is FALSE when the question does not apply (a tokenizer.json, a
 * config under another name, standard input); else TRUE, or FALSE with the reason. */
static gboolean
can_run (GFile              *file,
         const UthModelFile *f,
         gboolean           *applies,
         char              **why)
{
  g_autoptr(GFile) target = NULL;
  g_autoptr(UthModelWeights) weights = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = file != NULL ? g_file_get_basename (file) : NULL;

  *applies = FALSE;
  if (file == NULL || f->format == UTH_MODEL_FILE_TOKENIZER)
    return FALSE;
  if (f->format == UTH_MODEL_FILE_HF_CONFIG && g_strcmp0 (base, "config.json") != 0 &&
      g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    return FALSE;
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY &&
      (f->format == UTH_MODEL_FILE_HF_CONFIG || f->format == UTH_MODEL_FILE_SAFETENSORS_INDEX))
    target = g_file_get_parent (file);
  else
    target = g_object_ref (file);
  *applies = TRUE;
  weights = uth_model_weights_open (target, &error);
  if (weights == NULL)
    *why = g_strdup (error->message);
  return weights != NULL;
}

static void
print_text (const UthModelFile *f)
{
  g_autofree char *name = uth_cli_escape (f->name);
  g_autofree char *architecture = uth_cli_escape (f->architecture);

  g_print ("%s: %s", name, format_text (f->format));
  if (architecture != NULL)
    g_print (_(", architecture %s"), architecture);
  g_print ("\n");
  if (f->title != NULL)
    uth_cli_print_row (0, LABEL_WIDTH, _("Name"), f->title);
  if (f->params > 0)
    {
      g_autofree char *count = uth_cli_format_count ((double) f->params);
      g_autofree char *text = f->params >= 1000000
        ? g_strdup_printf ("%s (%" PRIu64 ")", count, f->params)
        : g_strdup (count);
      uth_cli_print_row (0, LABEL_WIDTH, _("Parameters"), text);
    }
  row_u64 (_("Layers"), f->layers);
  row_u64 (_("Hidden size"), f->hidden_size);
  if (f->has_spec && f->spec.attention == UTH_ATTN_MLA)
    {
      g_autofree char *text = g_strdup_printf (_("%" PRIu64 " query; latent attention "
                                                 "caches %u + %u rotary values per token"),
                                               f->heads, f->spec.kv_lora_rank, f->spec.qk_rope_dim);
      uth_cli_print_row (0, LABEL_WIDTH, _("Heads"), text);
    }
  else if (f->heads > 0)
    {
      g_autofree char *text = g_strdup_printf (_("%" PRIu64 " query, %" PRIu64
                                                 " key/value, %" PRIu64 " wide"),
                                               f->heads, f->kv_heads, f->head_dim);
      uth_cli_print_row (0, LABEL_WIDTH, _("Heads"), text);
    }
  row_u64 (_("Vocabulary"), f->vocab_size);
  if (f->tokenizer_model != NULL)
    uth_cli_print_row (0, LABEL_WIDTH, _("Tokenizer model"), f->tokenizer_model);
  row_u64 (_("Merges"), f->merges);
  row_u64 (_("Added tokens"), f->added_tokens);
  if (f->shards > 0)
    {
      g_autofree char *text = g_strdup_printf (_("%" PRIu64 " (%" PRIu64 " read)"),
                                               f->shards, f->shards_read);
      uth_cli_print_row (0, LABEL_WIDTH, _("Shards"), text);
    }
  row_u64 (_("Tensors"), f->tensors);
  if (f->weight_bytes > 0)
    {
      g_autofree char *text = uth_cli_format_bytes ((double) f->weight_bytes);
      uth_cli_print_row (0, LABEL_WIDTH, _("Weights"), text);
    }
  if (f->dtype != NULL)
    uth_cli_print_row (0, LABEL_WIDTH, _("Data type"), f->dtype);
  if (f->has_weights_dtype)
    {
      g_autofree char *text = f->bits_per_weight > 0.0 ?
        g_strdup_printf (_("%s (this file: %.2f bits per weight)"), uth_dtype_id (f->weights_dtype),
                         f->bits_per_weight) :
        g_strdup (uth_dtype_id (f->weights_dtype));
      uth_cli_print_row (0, LABEL_WIDTH, _("Weights as"), text);
    }
  for (guint i = 0; i < f->dtypes->len && f->dtypes->len > 1; i++)
    {
      const UthDtypeShare *s = &g_array_index (f->dtypes, UthDtypeShare, i);
      g_autofree char *params = uth_cli_format_count ((double) s->params);
      g_autofree char *bytes = uth_cli_format_bytes ((double) s->bytes);
      g_autofree char *text = g_strdup_printf (ngettext ("%-8s %" PRIu64 " tensor, %s "
                                                         "parameters, %s",
                                                         "%-8s %" PRIu64 " tensors, %s "
                                                         "parameters, %s", s->tensors),
                                               s->dtype, s->tensors, params, bytes);
      uth_cli_print_row (0, LABEL_WIDTH, i == 0 ? _("By type") : "", text);
    }
  if (f->has_spec)
    {
      /* What it costs to hold, at the app's default 16 bits (estimate gives the rest). */
      g_autofree char *weights = uth_cli_format_bytes (2.0 * (double) uth_model_params (&f->spec));
      g_autofree char *kv = uth_cli_format_bytes (uth_model_kv_bytes_per_token (&f->spec, 2.0));
      g_autofree char *text = g_strdup_printf (_("%s of weights, %s of KV cache per token"),
                                               weights, kv);
      uth_cli_print_row (0, LABEL_WIDTH, _("At bf16"), text);
    }
  for (guint i = 0; i < f->notes->len; i++)
    {
      g_autofree char *note = uth_cli_escape (g_ptr_array_index (f->notes, i));
      g_print (_("Note: %s\n"), note);
    }
}

static void
add_known (JsonBuilder *b,
           const char  *key,
           guint64      value)
{
  if (value > 0)
    uth_cli_json_add_number (b, key, (double) value);
}

static void
print_runnable (GFile              *file,
                const UthModelFile *f)
{
  g_autofree char *why = NULL;
  gboolean applies;
  gboolean ok = can_run (file, f, &applies, &why);

  if (!applies)
    return;
  if (ok)
    uth_cli_print_row (0, LABEL_WIDTH, _("Runs here"),
                       _("yes: under-the-hood run can generate text with it"));
  else
    {
      g_autofree char *text = g_strdup_printf (_("no: %s"), why);
      uth_cli_print_row (0, LABEL_WIDTH, _("Runs here"), text);
    }
}

static void
print_json (const UthModelFile *f,
            GFile              *file)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *why = NULL;
  gboolean applies;
  gboolean runnable = can_run (file, f, &applies, &why);

  json_builder_begin_object (b);
  uth_cli_json_add_string (b, "format", uth_model_file_format_id (f->format));
  if (f->architecture != NULL)
    uth_cli_json_add_string (b, "architecture", f->architecture);
  add_known (b, "params", f->params);
  add_known (b, "layers", f->layers);
  add_known (b, "hidden_size", f->hidden_size);
  add_known (b, "heads", f->heads);
  add_known (b, "kv_heads", f->kv_heads);
  add_known (b, "head_dim", f->head_dim);
  add_known (b, "vocab_size", f->vocab_size);
  add_known (b, "tensors", f->tensors);
  add_known (b, "weight_bytes", f->weight_bytes);
  if (f->dtype != NULL)
    uth_cli_json_add_string (b, "dtype", f->dtype);
  if (f->has_weights_dtype)
    uth_cli_json_add_string (b, "weights_dtype", uth_dtype_id (f->weights_dtype));
  if (f->bits_per_weight > 0.0)
    uth_cli_json_add_number (b, "bits_per_weight", f->bits_per_weight);
  if (f->format == UTH_MODEL_FILE_TOKENIZER)
    {
      uth_cli_json_add_string (b, "tokenizer_model", f->tokenizer_model);
      uth_cli_json_add_number (b, "merges", (double) f->merges);
      uth_cli_json_add_number (b, "added_tokens", (double) f->added_tokens);
    }
  if (f->dtypes->len > 0)
    {
      json_builder_set_member_name (b, "dtypes");
      json_builder_begin_array (b);
      for (guint i = 0; i < f->dtypes->len; i++)
        {
          const UthDtypeShare *s = &g_array_index (f->dtypes, UthDtypeShare, i);
          json_builder_begin_object (b);
          uth_cli_json_add_string (b, "dtype", s->dtype);
          uth_cli_json_add_number (b, "tensors", (double) s->tensors);
          uth_cli_json_add_number (b, "params", (double) s->params);
          uth_cli_json_add_number (b, "bytes", (double) s->bytes);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  if (applies)
    {
      json_builder_set_member_name (b, "runnable");
      json_builder_add_boolean_value (b, runnable);
      if (!runnable)
        uth_cli_json_add_string (b, "not_runnable_because", why);
    }
  json_builder_end_object (b);
  uth_cli_json_print (b);
}

static gboolean
is_stdin (const char *arg)
{
  return g_str_equal (arg, "-") || g_str_equal (arg, "/dev/stdin") ||
         g_str_equal (arg, "/dev/fd/0") || g_str_equal (arg, "/proc/self/fd/0");
}

int
uth_cli_inspect (int    argc,
                 char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(UthModelFile) inspected = NULL;
  gboolean json = FALSE;
  const UthCliOption options[] = { { "--json", NULL, &json } };

  if (uth_cli_wants_help (argc, argv))
    {
      print_usage ();
      return 0;
    }
  if (!uth_cli_take_options (&argc, &argv, options, G_N_ELEMENTS (options), &error))
    return uth_cli_fail (g_steal_pointer (&error));
  /* Skip a "--" that protects a file name starting with a dash. */
  if (argc >= 2 && g_str_equal (argv[1], "--"))
    {
      argv[1] = argv[0];
      argc--;
      argv++;
    }
  if (argc < 2)
    return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE, "%s",
                                      _("inspect: which file? under-the-hood inspect FILE [--json]")));
  if (argc > 2)
    return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                                      _("inspect: one file at a time (unexpected '%s')"), argv[2]));

  /* "-" and /dev/stdin: a pipe is read once, as "standard input" (opening /dev/stdin again
   * would read the pipe as if it were a file). */
  if (is_stdin (argv[1]))
    inspected = uth_model_file_inspect_stdin (&error);
  else
    {
      file = g_file_new_for_commandline_arg (argv[1]);
      inspected = uth_model_file_inspect (file, &error);
    }
  if (inspected == NULL)
    return uth_cli_fail (g_error_new_literal (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED, error->message));

  if (json)
    print_json (inspected, file);
  else
    {
      print_text (inspected);
      print_runnable (file, inspected);
    }
  return 0;
}
