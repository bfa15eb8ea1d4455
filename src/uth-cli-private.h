/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the subcommands of the command line: option parsing, the scenario options,
 * errors with their exit codes, and people-readable and JSON output. */
#pragma once

#include <json-glib/json-glib.h>

#include "catalog/uth-catalog.h"
#include "core/uth-estimate.h"
#include "uth-cli.h"

G_BEGIN_DECLS

#define UTH_CLI_ERROR (uth_cli_error_quark ())

typedef enum
{
  UTH_CLI_ERROR_USAGE,   /* bad usage: exit 2 (unknown option or id, bad number) */
  UTH_CLI_ERROR_FAILED,  /* anything else: exit 1 */
} UthCliError;

GQuark uth_cli_error_quark (void);

/* Prints "under-the-hood: MESSAGE" on stderr, frees the error, returns 2 for
 * UTH_CLI_ERROR_USAGE and 1 otherwise. */
int      uth_cli_fail             (GError *error);

/* One option of a subcommand: "--name VALUE", "--name=VALUE", or a flag "--name". */
typedef struct
{
  const char  *name;    /* with the dashes: "--m" */
  char       **value;   /* receives a copy of the value (freed and replaced if repeated) */
  gboolean    *flag;    /* for options without a value; exactly one of value, flag is set */
} UthCliOption;

/* Takes the listed options out of argv (argv[0] is the subcommand and stays), leaving
 * everything else in order. A value option without a value is a usage error. */
gboolean uth_cli_take_options     (int                *argc,
                                   char             ***argv,
                                   const UthCliOption *options,
                                   guint               n_options,
                                   GError            **error);
/* A usage error naming the first thing left in argv after argv[0], if any. */
gboolean uth_cli_expect_no_more   (int                 argc,
                                   char              **argv,
                                   GError            **error);
/* Whether argv holds --help or -h (the subcommand then prints its usage and exits 0). */
gboolean uth_cli_wants_help       (int                 argc,
                                   char              **argv);

/* Numbers of options; the messages name the option. */
gboolean uth_cli_parse_uint       (const char  *option,
                                   const char  *text,
                                   guint64      min,
                                   guint64      max,
                                   guint64     *out,
                                   GError     **error);
gboolean uth_cli_parse_double     (const char  *option,
                                   const char  *text,
                                   double       min,
                                   double       max,
                                   double      *out,
                                   GError     **error);
/* A storage data type (fp32, bf16, fp16, fp8, int8, int4 and the block formats q8_0, q4_0,
 * q4_k_m, int4-g128); when compute is TRUE a type matrix products run in instead (tf32 too,
 * the block formats not). */
gboolean uth_cli_parse_dtype      (const char  *option,
                                   const char  *text,
                                   gboolean     compute,
                                   UthDtype    *out,
                                   GError     **error);

/* Catalog lookups: an unknown id is a usage error naming it, with the nearest ids. */
const UthModelEntry  *uth_cli_find_model  (UthCatalog *catalog, const char *id, GError **error);
const UthGpuEntry    *uth_cli_find_gpu    (UthCatalog *catalog, const char *id, GError **error);
const UthEngineEntry *uth_cli_find_engine (UthCatalog *catalog, const char *id, GError **error);

/* The shared scenario of DESIGN.md as the command line sets it. */
typedef struct
{
  UthCatalog           *catalog;   /* the default catalog, not owned */
  const UthModelEntry  *model;
  const UthGpuEntry    *gpu;
  const UthEngineEntry *engine;
  UthEstimateInput      input;     /* model, gpu and engine point at the entries' specs */
} UthCliScenario;

/* Takes the scenario options out of argv and resolves them against the default catalog:
 *   --model ID --gpu ID --gpus N --engine ID --batch B --prompt S --context L
 *   --step-tokens T --output-tokens N --weights DTYPE --kv DTYPE --activations DTYPE
 *   --price USD_PER_GPU_HOUR
 * Defaults: 1 GPU, engine "tuned", batch 1, prompt 1024, context 1024, step 1, 256 output
 * tokens, bf16, the GPU's own price. --model and --gpu are required when the defaults
 * given here are NULL. Other arguments stay in argv, in order, for the caller to parse.
 * Errors: UTH_CLI_ERROR_USAGE for anything the user typed wrong. */
gboolean uth_cli_parse_scenario   (int             *argc,
                                   char          ***argv,
                                   const char      *default_model,
                                   const char      *default_gpu,
                                   UthCliScenario  *out,
                                   GError         **error);
/* The scenario options' help text, for a subcommand's usage. */
const char *uth_cli_scenario_help (void);

/* Text from outside (files, catalogs, arguments) made safe for a terminal: control
 * characters (C0, DEL, C1) as \x1b or \u009b, bytes that are not UTF-8 as \xff. Every
 * message of uth_cli_fail and every value of uth_cli_print_row goes through it. */
char    *uth_cli_escape           (const char *text);

/* Output for people: a label padded (by characters, so translations line up) to width. */
void     uth_cli_print_row        (guint        indent,
                                   guint        width,
                                   const char  *label,
                                   const char  *value);
char    *uth_cli_format_bytes     (double bytes);     /* "14.96 GiB", "128.0 KiB" */
char    *uth_cli_format_seconds   (double seconds);   /* "12.3 ms", "45.6 µs", "1.23 s" */
char    *uth_cli_format_si        (double value, const char *unit); /* "16.1 GB", "3.35 TB" */
char    *uth_cli_format_count     (double count);     /* "8.03 billion", "1,024" */
char    *uth_cli_format_flops     (double flops);     /* "16.1 TFLOP" */
char    *uth_cli_format_rate      (double per_second, const char *unit); /* "1.23 k tok/s" */

/* JSON output: non-finite numbers become null; integral values below 2^53 are integers. */
void     uth_cli_json_add_number  (JsonBuilder *builder,
                                   const char  *key,
                                   double       value);
void     uth_cli_json_add_string  (JsonBuilder *builder,
                                   const char  *key,
                                   const char  *value);
/* Prints the builder's root, pretty, followed by a newline. */
void     uth_cli_json_print       (JsonBuilder *builder);

/* Subcommands: argv[0] is the subcommand's name. */
int      uth_cli_catalog          (int argc, char **argv);
int      uth_cli_estimate         (int argc, char **argv);
int      uth_cli_gemm             (int argc, char **argv);
int      uth_cli_inspect          (int argc, char **argv);
/* Written by the app's engineers in uth-cli-render.c and uth-cli-bench.c. */
int      uth_cli_render           (int argc, char **argv);
int      uth_cli_bench            (int argc, char **argv);
/* uth-cli-run.c: a model generates text (uth_cli_run is the dispatcher). */
int      uth_cli_run_model        (int argc, char **argv);
/* The app's own model folder ($UTH_DATA_DIR/model, the installed one, or the source tree's
 * when $UTH_SOURCE_ROOT is set); NULL with an error saying where it looked. */
GFile   *uth_cli_find_default_model (GError **error);

/* uth-cli-bench-forward.c: the forward pass's figures for bench. */
typedef struct _UthBenchForward UthBenchForward;
/* The default model over n_prompt tokens (random weights of its shape when not installed). */
UthBenchForward *uth_bench_forward_new_default  (guint32 n_prompt);
/* $UTH_BENCH_LARGE_MODEL's model; NULL with the reason it is skipped. */
UthBenchForward *uth_bench_forward_new_large    (guint32 n_prompt, char **skip_reason);
void             uth_bench_forward_free         (UthBenchForward *self);
const char      *uth_bench_forward_describe     (UthBenchForward *self);
guint64          uth_bench_forward_weight_bytes (UthBenchForward *self);
/* One prompt from an empty cache (traced as the pages trace it, for the default model). */
void             uth_bench_forward_prefill      (gpointer self);
/* One generated token after the prompt: sampled, then run. */
void             uth_bench_forward_token        (gpointer self);
int      uth_cli_tokenize         (int argc, char **argv);

G_END_DECLS
