/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "core/uth-gpu.h"
#include "core/uth-model.h"
#include "render/uth-draw-common.h"
#include "render/uth-formula.h"

typedef struct
{
  double params;          /* all parameters (stored) */
  double active;          /* parameters one token uses */
  double bytes_per_param;
  double bandwidth;       /* all GPUs */
  double peak;            /* all GPUs, in the activation dtype */
  double batch;
  guint  gpus;
} Inputs;

static gboolean
get_inputs (const UthFigureContext *ctx,
            Inputs                 *in)
{
  const UthModel *model;
  const UthGpu *gpu;

  if (ctx == NULL || ctx->input.model == NULL || ctx->input.gpu == NULL)
    return FALSE;
  model = ctx->input.model;
  gpu = ctx->input.gpu;
  if (uth_model_validate (model) != UTH_MODEL_OK)
    return FALSE;
  in->gpus = MAX (ctx->input.gpus, 1);
  in->params = (double) uth_model_params (model);
  in->active = (double) uth_model_active_params (model);
  in->bytes_per_param = uth_dtype_bytes (ctx->input.weights);
  in->bandwidth = gpu->memory_bandwidth * in->gpus;
  in->peak = uth_gpu_peak_flops (gpu, ctx->input.activations) * in->gpus;
  in->batch = (double) MAX (ctx->input.batch, 1);
  return in->params > 0;
}

const char *
uth_rule_name (UthRule rule)
{
  switch (rule)
    {
    case UTH_RULE_FLOPS_PER_TOKEN: return _("FLOPs per token");
    case UTH_RULE_WEIGHT_MEMORY: return _("Weight memory");
    case UTH_RULE_DECODE_SPEED: return _("Decode speed");
    case UTH_RULE_PREFILL_SPEED: return _("Prefill speed");
    case UTH_RULE_DECODE_INTENSITY: return _("Decode arithmetic intensity");
    case UTH_N_RULES:
    default: break;
    }
  g_return_val_if_reached ("");
}

const char *
uth_rule_formula (UthRule rule)
{
  switch (rule)
    {
    case UTH_RULE_FLOPS_PER_TOKEN: return _("FLOPs/token ≈ 2 × active parameters");
    case UTH_RULE_WEIGHT_MEMORY: return _("weight bytes = parameters × bytes per parameter");
    case UTH_RULE_DECODE_SPEED: return _("decode tokens/s ≈ memory bandwidth ÷ weight bytes a token reads");
    case UTH_RULE_PREFILL_SPEED: return _("prefill tokens/s ≈ peak FLOP/s ÷ (2 × active parameters)");
    case UTH_RULE_DECODE_INTENSITY: return _("decode intensity ≈ 2 × batch ÷ bytes per weight");
    case UTH_N_RULES:
    default: break;
    }
  g_return_val_if_reached ("");
}

double
uth_rule_value (UthRule                 rule,
                const UthFigureContext *ctx)
{
  Inputs in;

  if (!get_inputs (ctx, &in))
    return NAN;
  switch (rule)
    {
    case UTH_RULE_FLOPS_PER_TOKEN: return 2.0 * in.active;
    case UTH_RULE_WEIGHT_MEMORY: return in.params * in.bytes_per_param;
    /* A token reads the weights it uses: for a mixture of experts only the dense part and
     * the shared and active experts (the estimator's rule_of_thumb.decode_weight_bytes). */
    case UTH_RULE_DECODE_SPEED: return in.bandwidth / (in.active * in.bytes_per_param);
    case UTH_RULE_PREFILL_SPEED: return in.peak / (2.0 * in.active);
    case UTH_RULE_DECODE_INTENSITY: return 2.0 * in.batch / in.bytes_per_param;
    case UTH_N_RULES:
    default: break;
    }
  g_return_val_if_reached (NAN);
}

static char *
format_value (UthRule rule,
              double  v)
{
  if (isnan (v))
    return g_strdup ("–");
  switch (rule)
    {
    case UTH_RULE_FLOPS_PER_TOKEN: return uth_format_flops (v);
    case UTH_RULE_WEIGHT_MEMORY: return uth_format_bytes (v);
    case UTH_RULE_DECODE_SPEED:
    case UTH_RULE_PREFILL_SPEED: return uth_format_tokens_rate (v);
    case UTH_RULE_DECODE_INTENSITY: return uth_format_intensity (v);
    case UTH_N_RULES:
    default: break;
    }
  g_return_val_if_reached (g_strdup ("–"));
}

char *
uth_rule_value_text (UthRule                 rule,
                     const UthFigureContext *ctx)
{
  return format_value (rule, uth_rule_value (rule, ctx));
}

char *
uth_rule_substituted (UthRule                 rule,
                      const UthFigureContext *ctx)
{
  g_autofree char *result = uth_rule_value_text (rule, ctx);
  g_autofree char *a = NULL, *b = NULL;
  Inputs in;

  if (!get_inputs (ctx, &in))
    return g_strdup (_("Choose a model and a GPU to see the numbers."));
  switch (rule)
    {
    case UTH_RULE_FLOPS_PER_TOKEN:
      a = uth_format_count (in.active);
      return g_strdup_printf ("2 × %s = %s", a, result);
    case UTH_RULE_WEIGHT_MEMORY:
      a = uth_format_count (in.params);
      b = uth_format_number (in.bytes_per_param);
      return g_strdup_printf ("%s × %s B = %s", a, b, result);
    case UTH_RULE_DECODE_SPEED:
      a = uth_format_bandwidth (in.bandwidth);
      b = uth_format_bytes (in.active * in.bytes_per_param);
      if (in.active < in.params)
        /* Translators: the decode rule of a mixture of experts: bandwidth ÷ the bytes of
         * the shared and active experts = tokens/s */
        return g_strdup_printf (_("%s ÷ %s (active experts) = %s"), a, b, result);
      return g_strdup_printf ("%s ÷ %s = %s", a, b, result);
    case UTH_RULE_PREFILL_SPEED:
      a = uth_format_flops_rate (in.peak);
      b = uth_format_flops (2.0 * in.active);
      return g_strdup_printf ("%s ÷ %s = %s", a, b, result);
    case UTH_RULE_DECODE_INTENSITY:
      b = uth_format_number (in.bytes_per_param);
      return g_strdup_printf ("2 × %.0f ÷ %s B = %s", in.batch, b, result);
    case UTH_N_RULES:
    default: break;
    }
  g_return_val_if_reached (g_strdup (""));
}
