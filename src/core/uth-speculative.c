/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-speculative.h"

#include <math.h>
#include <string.h>

static bool
alpha_valid (double alpha)
{
  return isfinite (alpha) && alpha >= 0.0 && alpha <= 1.0;
}

double
uth_speculative_expected_tokens (double   alpha,
                                 uint32_t gamma)
{
  if (!alpha_valid (alpha))
    return NAN;
  /* The geometric series 1 + alpha + ... + alpha^gamma; its closed form divides by zero
   * at alpha = 1, where every drafted token and the bonus are kept. */
  if (alpha >= 1.0)
    return gamma + 1.0;
  return (1.0 - pow (alpha, gamma + 1.0)) / (1.0 - alpha);
}

double
uth_speculative_speedup (double   alpha,
                         uint32_t gamma,
                         double   c)
{
  if (!alpha_valid (alpha) || !(isfinite (c) && c >= 0.0))
    return NAN;
  return uth_speculative_expected_tokens (alpha, gamma) / (gamma * c + 1.0);
}

uint32_t
uth_speculative_best_gamma (double   alpha,
                            double   c,
                            uint32_t max_gamma)
{
  uint32_t g, best = 1;
  double best_s = -1.0;

  if (max_gamma > UTH_SPECULATIVE_MAX_GAMMA)
    max_gamma = UTH_SPECULATIVE_MAX_GAMMA;
  for (g = 1; g <= max_gamma; g++)
    {
      double s = uth_speculative_speedup (alpha, g, c);

      if (s > best_s)
        {
          best_s = s;
          best = g;
        }
    }
  return best;
}

static bool
step_time (const UthEstimateInput *scenario,
           const UthModel         *model,
           uint64_t                step_tokens,
           double                 *seconds,
           UthBound               *bound)
{
  UthEstimateInput in = *scenario;
  UthEstimate est;

  in.model = model;
  in.step_tokens = step_tokens;
  /* The verify pass appends gamma + 1 tokens to the cache, which must hold them. */
  if (in.context < step_tokens)
    in.context = step_tokens;
  if (uth_estimate (&in, &est) != UTH_ESTIMATE_OK || !(est.decode_step_seconds > 0.0))
    return false;
  *seconds = est.decode_step_seconds;
  if (bound != NULL)
    *bound = est.decode_bound;
  return true;
}

UthSpeculativeError
uth_speculative_time (const UthEstimateInput *target,
                      const UthModel         *draft,
                      double                  alpha,
                      uint32_t                gamma,
                      UthSpeculativeTiming   *out)
{
  UthBound bound = UTH_BOUND_MEMORY;

  if (target == NULL || draft == NULL || out == NULL || !alpha_valid (alpha) ||
      gamma < 1 || gamma > UTH_SPECULATIVE_MAX_GAMMA)
    return UTH_SPECULATIVE_BAD_INPUT;
  memset (out, 0, sizeof *out);
  if (!step_time (target, target->model, 1, &out->target_step_s, NULL) ||
      !step_time (target, target->model, gamma + 1, &out->verify_step_s, &bound) ||
      !step_time (target, draft, 1, &out->draft_step_s, NULL))
    return UTH_SPECULATIVE_ESTIMATE_FAILED;
  out->c = out->draft_step_s / out->target_step_s;
  out->verify_ratio = out->verify_step_s / out->target_step_s;
  out->expected_tokens = uth_speculative_expected_tokens (alpha, gamma);
  out->speedup_paper = uth_speculative_speedup (alpha, gamma, out->c);
  /* Without speculation one target step gives one token per sequence; with it, one
   * iteration of gamma draft steps and one verify pass gives E tokens per sequence. */
  out->speedup_timed = out->expected_tokens * out->target_step_s /
                       (gamma * out->draft_step_s + out->verify_step_s);
  out->verify_compute_bound = bound == UTH_BOUND_COMPUTE;
  return UTH_SPECULATIVE_OK;
}

UthSpeculativeError
uth_speculative_best_gamma_timed (const UthEstimateInput *target,
                                  const UthModel         *draft,
                                  double                  alpha,
                                  uint32_t                max_gamma,
                                  uint32_t               *best,
                                  UthSpeculativeTiming   *timing)
{
  UthSpeculativeTiming t;
  uint32_t g;
  double best_s = -1.0;

  if (best == NULL || max_gamma < 1)
    return UTH_SPECULATIVE_BAD_INPUT;
  if (max_gamma > UTH_SPECULATIVE_MAX_GAMMA)
    max_gamma = UTH_SPECULATIVE_MAX_GAMMA;
  *best = 1;
  for (g = 1; g <= max_gamma; g++)
    {
      UthSpeculativeError err = uth_speculative_time (target, draft, alpha, g, &t);

      if (err != UTH_SPECULATIVE_OK)
        return err;
      if (t.speedup_timed > best_s)
        {
          best_s = t.speedup_timed;
          *best = g;
          if (timing != NULL)
            *timing = t;
        }
    }
  return UTH_SPECULATIVE_OK;
}

UthSpeculativeError
uth_speculative_batch_sweep (const UthEstimateInput *target,
                             const UthModel         *draft,
                             double                  alpha,
                             uint32_t                gamma,
                             const uint64_t         *batches,
                             size_t                  n,
                             double                 *speedups,
                             uint64_t               *stops_paying)
{
  UthEstimateInput in;
  UthSpeculativeTiming t;
  size_t i;

  if (target == NULL || batches == NULL || speedups == NULL || stops_paying == NULL)
    return UTH_SPECULATIVE_BAD_INPUT;
  *stops_paying = 0;
  in = *target;
  for (i = 0; i < n; i++)
    {
      UthSpeculativeError err;

      if (batches[i] == 0)
        return UTH_SPECULATIVE_BAD_INPUT;
      in.batch = batches[i];
      err = uth_speculative_time (&in, draft, alpha, gamma, &t);
      if (err != UTH_SPECULATIVE_OK)
        return err;
      speedups[i] = t.speedup_timed;
      if (*stops_paying == 0 && t.speedup_timed < 1.0)
        *stops_paying = batches[i];
    }
  return UTH_SPECULATIVE_OK;
}

uint32_t
uth_speculative_draw_pass (UthRng  *rng,
                           double   alpha,
                           uint32_t gamma)
{
  uint32_t k = 0;

  /* Each drafted token is kept with probability alpha, independently (the paper's i.i.d.
   * assumption); the first rejection discards it and everything after it. */
  while (k < gamma && uth_rng_uniform (rng) < alpha)
    k++;
  return k;
}

UthSpeculativeError
uth_speculative_monte_carlo (double                    alpha,
                             uint32_t                  gamma,
                             double                    c,
                             uint64_t                  passes,
                             uint64_t                  seed,
                             UthSpeculativeMonteCarlo *out)
{
  UthRng rng;
  uint64_t i;

  if (out == NULL || !alpha_valid (alpha) || gamma < 1 || gamma > UTH_SPECULATIVE_MAX_GAMMA ||
      !(isfinite (c) && c >= 0.0) || passes == 0 || passes > UINT64_C (100000000))
    return UTH_SPECULATIVE_BAD_INPUT;
  memset (out, 0, sizeof *out);
  uth_rng_init (&rng, seed);
  for (i = 0; i < passes; i++)
    {
      uint32_t k = uth_speculative_draw_pass (&rng, alpha, gamma);

      out->accepted += k;
      out->tokens += k + 1;
      out->bonus += k == gamma;
    }
  out->passes = passes;
  out->drafted = passes * gamma;
  out->tokens_per_pass = (double) out->tokens / passes;
  out->speedup = out->tokens_per_pass / (gamma * c + 1.0);
  return UTH_SPECULATIVE_OK;
}
