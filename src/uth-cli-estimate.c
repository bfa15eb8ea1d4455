/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>
#include <math.h>

#include "uth-cli-private.h"

#define LABEL_WIDTH 26

static void
print_usage (void)
{
  g_print ("%s\n  under-the-hood estimate --model ID --gpu ID [OPTION…] [--json]\n\n%s\n%s\n",
           _("Usage:"),
           _("Estimates memory, prefill, decode and cost of one scenario. Prefill is one "
             "forward pass\nover batch × prompt tokens; a decode step adds step-tokens tokens "
             "to each sequence,\nwith context tokens (the new ones included) in its KV cache."),
           uth_cli_scenario_help ());
  g_print ("  --json                print one JSON object in SI units\n");
}

/* Why the estimator refused a scenario the options allowed. */
static GError *
explain_refusal (const UthCliScenario *s,
                 UthEstimateError      err)
{
  const UthEstimateInput *in = &s->input;
  UthWorkload w = {
    .phase = UTH_PHASE_DECODE, .batch = in->batch, .tokens = in->step_tokens,
    .context = in->context, .weights = in->weights, .kv = in->kv,
    .activations = in->activations, .flash_attention = true, .tensor_parallel = in->gpus,
  };
  UthEstimate memory;

  switch (err)
    {
    case UTH_ESTIMATE_BAD_MODEL:
      return g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                          _("the estimator refused model '%s'"), s->model->id);
    case UTH_ESTIMATE_BAD_GPU:
      return g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                          _("the estimator refused GPU '%s'"), s->gpu->id);
    case UTH_ESTIMATE_BAD_ENGINE:
      return g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                          _("the estimator refused engine '%s'"), s->engine->id);
    case UTH_ESTIMATE_BAD_INPUT:
    case UTH_ESTIMATE_OK:
    default:
      break;
    }

  if (in->gpus > 1 && !(s->gpu->spec.interconnect_bandwidth > 0.0))
    return g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                        _("--gpus %u: GPU '%s' has no interconnect to split a model over"),
                        in->gpus, s->gpu->id);
  if (uth_workload_validate (&s->model->spec, &w) == UTH_OPS_BAD_TP)
    return g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                        _("--gpus %u: tensor parallelism splits attention heads, so it must "
                          "divide the %u query heads (and the %u KV heads) of '%s'"),
                        in->gpus, s->model->spec.heads, s->model->spec.kv_heads, s->model->id);
  /* Everything valid, yet no finite time: a catalog rate so small that a pass would take
   * longer than a double holds (a user's GPU with 1e-300 FLOP/s). Name GPU and field. */
  if (!(uth_gpu_peak_flops (&s->gpu->spec, in->activations) >= 1.0))
    return g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                        _("GPU '%s': its peak_flops for %s (%g FLOP/s) is too small for a "
                          "finite estimate; check its catalog entry"), s->gpu->id,
                        uth_dtype_id (in->activations),
                        uth_gpu_peak_flops (&s->gpu->spec, in->activations));
  if (!(s->gpu->spec.memory_bandwidth >= 1.0))
    return g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                        _("GPU '%s': its memory_bandwidth (%g B/s) is too small for a finite "
                          "estimate; check its catalog entry"), s->gpu->id,
                        s->gpu->spec.memory_bandwidth);
  if (in->gpus > 1 && !(s->gpu->spec.interconnect_bandwidth >= 1.0))
    return g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                        _("GPU '%s': its interconnect_bandwidth (%g B/s) is too small for a "
                          "finite estimate; check its catalog entry"), s->gpu->id,
                        s->gpu->spec.interconnect_bandwidth);
  if (err == UTH_ESTIMATE_BAD_INPUT && uth_estimate_memory (in, &memory) == UTH_ESTIMATE_OK)
    return g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_FAILED,
                        _("no finite time for model '%s' on GPU '%s' with engine '%s': a rate "
                          "in the GPU's or the engine's catalog entry is too small"),
                        s->model->id, s->gpu->id, s->engine->id);
  return g_error_new (UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE, "%s",
                      _("these options do not make a scenario the estimator accepts"));
}

static void
print_json (const UthCliScenario *s,
            const UthEstimate    *e)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const UthEstimateInput *in = &s->input;

  json_builder_begin_object (b);
  uth_cli_json_add_string (b, "model", s->model->id);
  uth_cli_json_add_string (b, "gpu", s->gpu->id);
  uth_cli_json_add_string (b, "engine", s->engine->id);
  uth_cli_json_add_number (b, "gpus", in->gpus);
  uth_cli_json_add_number (b, "batch", (double) in->batch);
  uth_cli_json_add_number (b, "prompt", (double) in->prompt);
  uth_cli_json_add_number (b, "context", (double) in->context);
  uth_cli_json_add_number (b, "step_tokens", (double) in->step_tokens);
  uth_cli_json_add_number (b, "params", e->params);
  uth_cli_json_add_number (b, "active_params", e->active_params);
  uth_cli_json_add_number (b, "weight_bytes", e->weight_bytes);
  uth_cli_json_add_number (b, "kv_bytes_per_token", e->kv_bytes_per_token);
  uth_cli_json_add_number (b, "kv_cache_bytes", e->kv_cache_bytes);
  uth_cli_json_add_number (b, "activation_bytes", e->activation_bytes);
  uth_cli_json_add_number (b, "total_memory_bytes", e->total_memory_bytes);
  uth_cli_json_add_number (b, "gpu_memory_bytes", e->gpu_memory_bytes);
  json_builder_set_member_name (b, "fits");
  json_builder_add_boolean_value (b, e->fits);
  /* The least GPU count that fits (this one when it fits), null when none up to 1024 does. */
  if (e->min_gpus > 0)
    uth_cli_json_add_number (b, "min_gpus", e->min_gpus);
  else
    {
      json_builder_set_member_name (b, "min_gpus");
      json_builder_add_null_value (b);
    }
  uth_cli_json_add_string (b, "attention", uth_attention_impl_id (in->attention));
  uth_cli_json_add_number (b, "prefill_flops", e->prefill_flops);
  uth_cli_json_add_number (b, "prefill_seconds", e->prefill_seconds);
  uth_cli_json_add_number (b, "prefill_tokens_per_second", e->prefill_tokens_per_second);
  uth_cli_json_add_number (b, "ttft_seconds", e->ttft_seconds);
  uth_cli_json_add_string (b, "prefill_bound", uth_bound_id (e->prefill_bound));
  uth_cli_json_add_number (b, "decode_flops", e->decode_flops);
  uth_cli_json_add_number (b, "decode_bytes", e->decode_bytes);
  uth_cli_json_add_number (b, "decode_step_seconds", e->decode_step_seconds);
  uth_cli_json_add_number (b, "decode_tokens_per_second", e->decode_tokens_per_second);
  uth_cli_json_add_number (b, "decode_tokens_per_second_per_sequence",
                           e->decode_tokens_per_second_per_sequence);
  uth_cli_json_add_string (b, "decode_bound", uth_bound_id (e->decode_bound));
  uth_cli_json_add_number (b, "cost_per_million_input_tokens", e->cost_per_million_input_tokens);
  uth_cli_json_add_number (b, "cost_per_million_output_tokens", e->cost_per_million_output_tokens);
  json_builder_set_member_name (b, "rule_of_thumb");
  json_builder_begin_object (b);
  uth_cli_json_add_number (b, "flops_per_token", e->rule_of_thumb.flops_per_token);
  uth_cli_json_add_number (b, "weight_bytes", e->rule_of_thumb.weight_bytes);
  uth_cli_json_add_number (b, "decode_tokens_per_second", e->rule_of_thumb.decode_tokens_per_second);
  uth_cli_json_add_number (b, "prefill_tokens_per_second", e->rule_of_thumb.prefill_tokens_per_second);
  uth_cli_json_add_number (b, "decode_intensity", e->rule_of_thumb.decode_intensity);
  uth_cli_json_add_number (b, "decode_weight_bytes", e->rule_of_thumb.decode_weight_bytes);
  json_builder_end_object (b);
  json_builder_end_object (b);
  uth_cli_json_print (b);
}

static const char *
bound_text (UthBound bound)
{
  switch (bound)
    {
    case UTH_BOUND_COMPUTE:       return _("compute-bound");
    case UTH_BOUND_MEMORY:        return _("memory-bound");
    case UTH_BOUND_OVERHEAD:      return _("bound by kernel launch overhead");
    case UTH_BOUND_COMMUNICATION: return _("bound by communication between GPUs");
    default:                      return "";
    }
}

static void
row (guint        indent,
     const char  *label,
     char        *value)   /* freed */
{
  uth_cli_print_row (indent, LABEL_WIDTH - indent, label, value);
  g_free (value);
}

static void
print_memory (const UthCliScenario *s,
              const UthEstimate    *e)
{
  g_autofree char *total = uth_cli_format_bytes (e->total_memory_bytes);
  g_autofree char *avail = uth_cli_format_bytes (e->gpu_memory_bytes);
  g_autofree char *per_token = uth_cli_format_bytes (e->kv_bytes_per_token);
  g_autofree char *kv = uth_cli_format_bytes (e->kv_cache_bytes);

  g_print ("%s\n", _("Memory"));
  row (2, _("Weights"), uth_cli_format_bytes (e->weight_bytes));
  row (2, _("KV cache"), g_strdup_printf (ngettext ("%s (%s per token × %" PRIu64
                                                      " tokens × %" PRIu64 " sequence)",
                                                      "%s (%s per token × %" PRIu64
                                                      " tokens × %" PRIu64 " sequences)",
                                                      s->input.batch),
                                          kv, per_token, MAX (s->input.prompt, s->input.context),
                                          s->input.batch));
  row (2, _("Activations"), uth_cli_format_bytes (e->activation_bytes));
  row (2, _("Runtime reserve"), uth_cli_format_bytes (e->reserve_bytes));
  row (2, _("Total"), g_strdup_printf (e->fits ? _("%s of %s: fits") : _("%s of %s: does not fit"),
                                       total, avail));
  if (!e->fits)
    row (2, _("Fits on"), e->min_gpus > 0
         ? g_strdup_printf (ngettext ("%u GPU (the times and costs below are for a set-up that cannot run)",
                                      "%u GPUs (the times and costs below are for a set-up that cannot run)",
                                      e->min_gpus), e->min_gpus)
         : g_strdup (_("no GPU count up to 1024 (the times and costs below are for a set-up that cannot run)")));
}

static void
print_phases (const UthCliScenario *s,
              const UthEstimate    *e)
{
  g_autofree char *per_seq = uth_cli_format_rate (e->decode_tokens_per_second_per_sequence, "tok");
  g_autofree char *agg = uth_cli_format_rate (e->decode_tokens_per_second, "tok");
  g_autofree char *ttft = uth_cli_format_seconds (e->ttft_seconds);

  g_print ("%s\n", _("Prefill (one pass over batch × prompt tokens)"));
  row (2, _("FLOPs"), uth_cli_format_flops (e->prefill_flops));
  row (2, _("Time"), uth_cli_format_seconds (e->prefill_seconds));
  row (2, _("Throughput"), uth_cli_format_rate (e->prefill_tokens_per_second, "tok"));
  row (2, _("Time to first token"), g_strdup_printf (_("%s (the prefill: its last logits give the first token)"),
                                                    ttft));
  row (2, _("Bound"), g_strdup (bound_text (e->prefill_bound)));

  g_print ("%s\n", _("Decode (one step)"));
  row (2, _("FLOPs"), uth_cli_format_flops (e->decode_flops));
  row (2, _("Bytes moved"), uth_cli_format_bytes (e->decode_bytes));
  row (2, _("Step time"), uth_cli_format_seconds (e->decode_step_seconds));
  row (2, _("Throughput"), g_strdup_printf (_("%s (%s per sequence)"), agg, per_seq));
  row (2, _("Intensity"), g_strdup_printf (_("%.3g FLOP/byte"), e->decode_intensity));
  row (2, _("Bound"), g_strdup (bound_text (e->decode_bound)));
}

static void
print_cost_and_rules (const UthCliScenario *s,
                      const UthEstimate    *e)
{
  const UthRuleOfThumb *r = &e->rule_of_thumb;
  double wb = uth_dtype_bytes (s->input.weights);
  g_autofree char *params = uth_cli_format_count (e->params);
  g_autofree char *active = uth_cli_format_count (e->active_params);
  g_autofree char *fpt = uth_cli_format_flops (r->flops_per_token);
  g_autofree char *wbytes = uth_cli_format_bytes (r->weight_bytes);
  /* Bandwidth is in decimal units, so the division is shown with decimal bytes too. */
  g_autofree char *wbytes_si = uth_cli_format_si (r->decode_weight_bytes, "B");
  g_autofree char *decode = uth_cli_format_rate (r->decode_tokens_per_second, "tok");
  g_autofree char *prefill = uth_cli_format_rate (r->prefill_tokens_per_second, "tok");
  g_autofree char *bw = uth_cli_format_rate (s->gpu->spec.memory_bandwidth * s->input.gpus, "B");
  g_autofree char *peak = uth_cli_format_rate (uth_gpu_peak_flops (&s->gpu->spec, s->input.activations)
                                               * s->input.gpus, "FLOP");

  g_print ("%s\n", _("Cost"));
  row (2, _("Price"), g_strdup_printf (_("$%.2f per GPU-hour × %u"), e->price_per_hour, s->input.gpus));
  row (2, _("Input tokens"), g_strdup_printf (_("$%.4g per million"), e->cost_per_million_input_tokens));
  row (2, _("Output tokens"), g_strdup_printf (_("$%.4g per million"), e->cost_per_million_output_tokens));

  g_print ("%s\n", _("Rules of thumb"));
  row (2, _("FLOPs per token"), g_strdup_printf ("≈ 2 × %s = %s", active, fpt));
  row (2, _("Weight memory"), g_strdup_printf ("= %s × %g B = %s", params, wb, wbytes));
  row (2, _("Decode tokens/s"), r->decode_weight_bytes < r->weight_bytes
       ? g_strdup_printf (_("≈ %s ÷ %s (the weights a token reads: shared and active experts) = %s"),
                          bw, wbytes_si, decode)
       : g_strdup_printf ("≈ %s ÷ %s = %s", bw, wbytes_si, decode));
  row (2, _("Prefill tokens/s"), g_strdup_printf ("≈ %s ÷ %s = %s", peak, fpt, prefill));
  row (2, _("Decode intensity"), g_strdup_printf ("≈ 2 × %" PRIu64 " ÷ %g B = %g FLOP/byte",
                                                  s->input.batch, wb, r->decode_intensity));
}

static void
print_text (const UthCliScenario *s,
            const UthEstimate    *e)
{
  const UthEstimateInput *in = &s->input;
  g_autofree char *params = uth_cli_format_count (e->params);
  g_autofree char *active = uth_cli_format_count (e->active_params);

  g_autofree char *model = uth_cli_escape (s->model->name);
  g_autofree char *gpu = uth_cli_escape (s->gpu->name);
  g_autofree char *engine = uth_cli_escape (s->engine->name);

  g_print (_("%s on %u × %s, engine %s\n"), model, in->gpus, gpu, engine);
  row (0, _("Scenario"),
       g_strdup_printf (_("batch %" PRIu64 ", prompt %" PRIu64
                          ", context %" PRIu64 ", step %" PRIu64
                          " token(s); weights %s, KV %s, activations %s; %s attention"),
                        in->batch, in->prompt, in->context, in->step_tokens,
                        uth_dtype_id (in->weights), uth_dtype_id (in->kv),
                        uth_dtype_id (in->activations), uth_attention_impl_id (in->attention)));
  row (0, _("Parameters"), e->active_params < e->params
       ? g_strdup_printf (_("%s (%s active per token)"), params, active)
       : g_strdup (params));
  print_memory (s, e);
  print_phases (s, e);
  print_cost_and_rules (s, e);
}

int
uth_cli_estimate (int    argc,
                  char **argv)
{
  g_autoptr(GError) error = NULL;
  UthCliScenario scenario;
  UthEstimate estimate;
  UthEstimateError err;
  gboolean json = FALSE;
  const UthCliOption options[] = { { "--json", NULL, &json } };

  if (uth_cli_wants_help (argc, argv))
    {
      print_usage ();
      return 0;
    }
  if (!uth_cli_take_options (&argc, &argv, options, G_N_ELEMENTS (options), &error) ||
      !uth_cli_parse_scenario (&argc, &argv, NULL, NULL, &scenario, &error) ||
      !uth_cli_expect_no_more (argc, argv, &error))
    return uth_cli_fail (g_steal_pointer (&error));

  err = uth_estimate (&scenario.input, &estimate);
  if (err != UTH_ESTIMATE_OK)
    return uth_cli_fail (explain_refusal (&scenario, err));

  if (json)
    print_json (&scenario, &estimate);
  else
    print_text (&scenario, &estimate);
  return 0;
}
