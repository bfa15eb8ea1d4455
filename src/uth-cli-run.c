/* SPDX-License-Identifier: GPL-3.0-or-later */
/* under-the-hood run: a model generates text from a prompt on the CPU, with each step's ten
 * most likely tokens. */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "catalog/uth-model-weights.h"
#include "catalog/uth-runnable-model.h"
#include "catalog/uth-safe-json.h"
#include "catalog/uth-tokenizer-json.h"
#include "catalog/uth-tokenizer.h"
#include "core/uth-forward.h"
#include "core/uth-rng.h"
#include "core/uth-sample.h"
#include "uth-cli-private.h"

#define TOP 10
#define MAX_NEW_TOKENS 4096

typedef struct
{
  guint32 id;
  guint32 top_ids[TOP];
  float   top_p[TOP];
  guint   n_top;
} Step;

static void
print_usage (void)
{
  g_print ("%s\n  under-the-hood run [MODEL_DIR] --prompt TEXT [OPTION…] [--json]\n\n%s\n",
           _("Usage:"),
           _("Runs a model on this computer's CPU: it reads the prompt, then generates tokens\n"
             "one at a time, printing each with the ten most likely candidates and their\n"
             "probabilities (after the temperature, before top-k and top-p), then the time the\n"
             "prompt took and the tokens per second. MODEL_DIR is a folder with config.json,\n"
             "tokenizer.json and model.safetensors (or a sharded index), a .safetensors or a\n"
             ".gguf with config and tokenizer.json beside it; without it, the app's own small\n"
             "model runs. Architectures: GPT-2, Llama, Mistral, Qwen2 (SmolLM, TinyLlama)."));
  g_print ("  --prompt TEXT         %s\n", _("the text to continue (required)"));
  g_print ("  --tokens N            %s\n", _("tokens to generate (default 20)"));
  g_print ("  --temperature T       %s\n", _("0 is greedy: always the most likely (default 0.8)"));
  g_print ("  --top-k K             %s\n", _("sample among the K most likely; 0 for all (default 40)"));
  g_print ("  --top-p P             %s\n", _("then among the fewest whose probabilities reach P (default 0.95)"));
  g_print ("  --seed S              %s\n", _("the random seed; the same seed gives the same text (default: random)"));
  g_print ("  --json                %s\n", _("print one JSON object"));
}

/* The app's own model: $UTH_DATA_DIR/model, the installed data folder, or the source
 * tree's data/model when $UTH_SOURCE_ROOT names it (uninstalled runs and tests). */
GFile *
uth_cli_find_default_model (GError **error)
{
  const char *roots[3] = { g_getenv ("UTH_DATA_DIR"), PKGDATADIR, NULL };
  g_autofree char *source = NULL;
  g_autoptr(GString) looked = g_string_new (NULL);

  if (g_getenv ("UTH_SOURCE_ROOT") != NULL)
    roots[2] = source = g_build_filename (g_getenv ("UTH_SOURCE_ROOT"), "data", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_autofree char *dir = NULL;
      g_autofree char *config = NULL;

      if (roots[i] == NULL || roots[i][0] == '\0')
        continue;
      dir = g_build_filename (roots[i], "model", NULL);
      config = g_build_filename (dir, "config.json", NULL);
      if (g_file_test (config, G_FILE_TEST_IS_REGULAR))
        return g_file_new_for_path (dir);
      g_string_append_printf (looked, "%s%s", looked->len > 0 ? ", " : "", dir);
    }
  g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
               _("the default model is not installed (looked in %s); name a model folder: "
                 "under-the-hood run MODEL_DIR --prompt TEXT"), looked->str);
  return NULL;
}

/* The tokenizer beside the model, and the token it puts first. */
static UthTokenizer *
load_tokenizer (GFile    *folder,
                guint32  *bos,
                GError  **error)
{
  g_autoptr(GFile) file = g_file_get_child (folder, "tokenizer.json");
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GBytes) bytes = NULL;
  UthTokenizer *tokenizer;

  *bos = G_MAXUINT32;
  if (!g_file_query_exists (file, NULL))
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                   _("%s: missing; the model's tokenizer.json must be beside its weights"), name);
      return NULL;
    }
  bytes = uth_safe_load_file (file, UTH_JSON_MAX_BYTES, error);
  if (bytes == NULL)
    return NULL;
  tokenizer = uth_tokenizer_new_from_bytes (bytes, name, error);
  if (tokenizer == NULL)
    return NULL;
  *bos = uth_tokenizer_json_find_bos (bytes, name);
  return tokenizer;
}

/* A token's own text (partial UTF-8 replaced), for JSON. */
static char *
token_text (UthTokenizer *tokenizer,
            guint32       id)
{
  gsize len = 0;
  const guint8 *bytes = uth_bpe_token_bytes (uth_tokenizer_get_bpe (tokenizer), id, &len);

  if (bytes == NULL)
    return g_strdup ("");
  return g_utf8_make_valid ((const char *) bytes, (gssize) len);
}

static void
print_json (UthTokenizer *tokenizer,
            GArray       *steps,
            double        prefill,
            double        rate)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; i < steps->len; i++)
    {
      const Step *s = &g_array_index (steps, Step, i);
      g_autofree char *text = token_text (tokenizer, s->id);

      json_builder_begin_object (b);
      uth_cli_json_add_string (b, "token", text);
      uth_cli_json_add_number (b, "id", s->id);
      json_builder_set_member_name (b, "top");
      json_builder_begin_array (b);
      for (guint k = 0; k < s->n_top; k++)
        {
          g_autofree char *candidate = token_text (tokenizer, s->top_ids[k]);

          json_builder_begin_object (b);
          uth_cli_json_add_string (b, "token", candidate);
          uth_cli_json_add_number (b, "id", s->top_ids[k]);
          uth_cli_json_add_number (b, "p", s->top_p[k]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  uth_cli_json_add_number (b, "prefill_seconds", prefill);
  uth_cli_json_add_number (b, "tokens_per_second", rate);
  json_builder_end_object (b);
  uth_cli_json_print (b);
}

static void
print_text (UthModelWeights *weights,
            UthTokenizer    *tokenizer,
            const char      *prompt,
            guint            n_prompt,
            GArray          *steps,
            double           prefill,
            double           rate,
            guint64          seed)
{
  g_autoptr(GString) generated = g_string_new (NULL);
  g_autofree char *shown_prompt = uth_cli_escape (prompt);
  g_autofree char *shown = NULL;
  g_autofree char *prefill_text = uth_cli_format_seconds (prefill);
  g_autofree char *params = uth_cli_format_count ((double) uth_model_weights_get_params (weights));
  const UthForwardConfig *c = &uth_model_weights_get_forward (weights)->config;

  for (guint i = 0; i < steps->len; i++)
    {
      gsize len = 0;
      const guint8 *bytes = uth_bpe_token_bytes (uth_tokenizer_get_bpe (tokenizer),
                                                 g_array_index (steps, Step, i).id, &len);
      if (bytes != NULL)
        g_string_append_len (generated, (const char *) bytes, (gssize) len);
    }
  /* Line by line: the text's own newlines are printed, other controls escaped. */
  {
    g_auto(GStrv) lines = g_strsplit (generated->str, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_autofree char *line = uth_cli_escape (lines[i]);
        g_free (lines[i]);
        lines[i] = g_steal_pointer (&line);
      }
    shown = g_strjoinv ("\n", lines);
  }
  g_print (ngettext ("Model: %s, %u layer, %s parameters, %s\n",
                     "Model: %s, %u layers, %s parameters, %s\n", c->layers),
           uth_model_weights_get_architecture (weights), c->layers, params,
           uth_model_weights_get_dtype (weights));
  g_print ("%s%s\n\n", shown_prompt, shown);
  for (guint i = 0; i < steps->len; i++)
    {
      const Step *s = &g_array_index (steps, Step, i);
      g_autofree char *token = uth_tokenizer_describe_token (tokenizer, s->id);
      g_autofree char *escaped = uth_cli_escape (token);

      g_print (_("Step %u: %s (%" PRIu32 ")\n"), i + 1, escaped, s->id);
      for (guint k = 0; k < s->n_top; k++)
        {
          g_autofree char *candidate = uth_tokenizer_describe_token (tokenizer, s->top_ids[k]);
          g_autofree char *safe = uth_cli_escape (candidate);

          g_print ("  %6.2f %%  %-16s %" PRIu32 "\n", 100.0 * s->top_p[k], safe, s->top_ids[k]);
        }
    }
  g_print ("\n");
  g_print (ngettext ("Prompt: %u token in %s\n", "Prompt: %u tokens in %s\n", n_prompt),
           n_prompt, prefill_text);
  if (isfinite (rate))
    g_print (_("Generation: %.1f tokens per second\n"), rate);
  g_print (_("Seed: %" PRIu64 "\n"), seed);
}

typedef struct
{
  char    *prompt;
  guint64  tokens;
  double   temperature;
  guint64  top_k;
  double   top_p;
  guint64  seed;
  gboolean has_seed;
  gboolean json;
} Options;

static gboolean
parse_options (int      *argc,
               char   ***argv,
               Options  *o,
               GError  **error)
{
  g_autofree char *tokens = NULL, *temperature = NULL, *top_k = NULL, *top_p = NULL;
  g_autofree char *seed = NULL;
  const UthCliOption options[] = {
    { "--prompt", &o->prompt, NULL }, { "--tokens", &tokens, NULL },
    { "--temperature", &temperature, NULL }, { "--top-k", &top_k, NULL },
    { "--top-p", &top_p, NULL }, { "--seed", &seed, NULL }, { "--json", NULL, &o->json },
  };

  o->tokens = 20;
  o->temperature = 0.8;
  o->top_k = 40;
  o->top_p = 0.95;
  if (!uth_cli_take_options (argc, argv, options, G_N_ELEMENTS (options), error) ||
      (tokens != NULL && !uth_cli_parse_uint ("--tokens", tokens, 1, MAX_NEW_TOKENS, &o->tokens, error)) ||
      (temperature != NULL &&
       !uth_cli_parse_double ("--temperature", temperature, 0.0, 100.0, &o->temperature, error)) ||
      (top_k != NULL && !uth_cli_parse_uint ("--top-k", top_k, 0, G_MAXUINT32, &o->top_k, error)) ||
      (top_p != NULL && !uth_cli_parse_double ("--top-p", top_p, 0.0, 1.0, &o->top_p, error)) ||
      (seed != NULL && !uth_cli_parse_uint ("--seed", seed, 0, G_MAXUINT64, &o->seed, error)))
    return FALSE;
  if (o->top_p <= 0.0)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE, "%s",
                   _("--top-p must be above 0 (1 keeps every token)"));
      return FALSE;
    }
  if (o->prompt == NULL)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE, "%s",
                   _("run: which prompt? under-the-hood run [MODEL_DIR] --prompt TEXT"));
      return FALSE;
    }
  o->has_seed = seed != NULL;
  if (!o->has_seed)
    o->seed = ((guint64) g_random_int () << 32) | g_random_int ();
  return TRUE;
}

static const char *
status_text (UthForwardStatus status)
{
  switch (status)
    {
    case UTH_FORWARD_BAD_TOKEN:    return _("the tokenizer gave a token id the model does not have");
    case UTH_FORWARD_CONTEXT_FULL: return _("the text is longer than the model's context");
    case UTH_FORWARD_NO_MEMORY:    return _("out of memory");
    default:                       return _("the forward pass failed");
    }
}

/* Prefill, then one step per token; the steps, seconds of the prompt and tokens per second
 * of the generation (NaN with a single token: nothing was decoded). */
static gboolean
generate (UthForward          *forward,
          const UthForwardConfig *c,
          GArray              *ids,
          const Options       *o,
          GArray              *steps,
          double              *prefill,
          double              *rate,
          GError             **error)
{
  UthSampleParams params = { o->temperature, (guint32) o->top_k, o->top_p };
  UthForwardStatus status;
  UthRng rng;
  gint64 start = g_get_monotonic_time (), decode_start;

  uth_rng_init (&rng, o->seed);
  status = uth_forward_eval (forward, (const guint32 *) ids->data, ids->len, NULL);
  *prefill = (double) (g_get_monotonic_time () - start) / 1e6;
  decode_start = g_get_monotonic_time ();
  for (guint i = 0; status == UTH_FORWARD_OK && i < o->tokens; i++)
    {
      const float *logits = uth_forward_logits (forward);
      Step s = { 0 };

      s.n_top = uth_sample_top (logits, c->vocab, o->temperature, TOP, s.top_ids, s.top_p);
      s.id = uth_sample_token (logits, c->vocab, &params, uth_rng_uniform (&rng));
      g_array_append_val (steps, s);
      if (i + 1 < o->tokens)
        status = uth_forward_eval (forward, &s.id, 1, NULL);
    }
  if (status != UTH_FORWARD_OK)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED, "%s", status_text (status));
      return FALSE;
    }
  *rate = o->tokens > 1 ? (double) (o->tokens - 1) /
                          ((double) (g_get_monotonic_time () - decode_start) / 1e6)
                        : NAN;
  return TRUE;
}

int
uth_cli_run_model (int    argc,
                   char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(UthModelWeights) weights = NULL;
  g_autoptr(UthTokenizer) tokenizer = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) steps = g_array_new (FALSE, TRUE, sizeof (Step));
  g_autofree char *prompt_owned = NULL;
  Options o = { NULL };
  const UthForwardConfig *c;
  UthForward *forward;
  guint64 context, needed;
  guint32 bos;
  double prefill = 0.0, rate = NAN;
  gboolean ok;

  if (uth_cli_wants_help (argc, argv))
    {
      print_usage ();
      return 0;
    }
  if (!parse_options (&argc, &argv, &o, &error))
    {
      g_free (o.prompt);
      return uth_cli_fail (g_steal_pointer (&error));
    }
  prompt_owned = o.prompt;
  if (argc > 2)
    return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                                      _("run: one model at a time (unexpected '%s')"), argv[2]));
  file = argc == 2 ? g_file_new_for_commandline_arg (argv[1]) : uth_cli_find_default_model (&error);
  if (file == NULL)
    return uth_cli_fail (g_steal_pointer (&error));
  weights = uth_model_weights_open (file, &error);
  if (weights == NULL)
    return uth_cli_fail (g_error_new_literal (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED, error->message));
  c = &uth_model_weights_get_forward (weights)->config;
  tokenizer = load_tokenizer (uth_model_weights_get_folder (weights), &bos, &error);
  if (tokenizer == NULL)
    return uth_cli_fail (g_error_new_literal (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED, error->message));
  ids = uth_tokenizer_encode (tokenizer, o.prompt, -1);
  if (bos < c->vocab)
    g_array_prepend_val (ids, bos);
  if (ids->len == 0)
    return uth_cli_fail (g_error_new_literal (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                                              _("run: the prompt is empty")));
  context = uth_model_weights_get_max_context (weights);
  needed = ids->len + o.tokens;
  if (context > 0 && needed > context)
    return uth_cli_fail (g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                                      _("run: the prompt's %u tokens and %" PRIu64 " more pass the "
                                        "model's context of %" PRIu64 " tokens"),
                                      ids->len, o.tokens, context));
  forward = uth_forward_new (uth_model_weights_get_forward (weights), (guint32) needed);
  if (forward == NULL)
    return uth_cli_fail (g_error_new_literal (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                                              _("out of memory for the key-value cache")));
  ok = generate (forward, c, ids, &o, steps, &prefill, &rate, &error);
  uth_forward_free (forward);
  if (!ok)
    return uth_cli_fail (g_steal_pointer (&error));
  if (o.json)
    print_json (tokenizer, steps, prefill, rate);
  else
    print_text (weights, tokenizer, o.prompt, ids->len, steps, prefill, rate, o.seed);
  return 0;
}
