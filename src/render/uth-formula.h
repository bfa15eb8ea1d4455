/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rules of thumb with the scenario's values substituted, for figures and popovers:
 * "decode tok/s ≈ bandwidth ÷ weight bytes = 3.35 TB/s ÷ 16.1 GB = 208 tok/s". */
#pragma once

#include <glib.h>

#include "render/uth-draw.h"

G_BEGIN_DECLS

typedef enum
{
  UTH_RULE_FLOPS_PER_TOKEN,   /* ≈ 2 × active parameters */
  UTH_RULE_WEIGHT_MEMORY,     /* = parameters × bytes per parameter */
  UTH_RULE_DECODE_SPEED,      /* ≈ bandwidth ÷ weight bytes */
  UTH_RULE_PREFILL_SPEED,     /* ≈ FLOP/s ÷ (2 × active parameters) */
  UTH_RULE_DECODE_INTENSITY,  /* ≈ 2 × batch ÷ bytes per weight */
  UTH_N_RULES
} UthRule;

/* Translated name, e.g. "Decode speed". */
const char *uth_rule_name        (UthRule                 rule);
/* Translated formula in words, e.g. "tokens/s ≈ bandwidth ÷ weight bytes". */
const char *uth_rule_formula     (UthRule                 rule);
/* The value for the scenario; NaN when ctx has no model or GPU. */
double      uth_rule_value       (UthRule                 rule,
                                  const UthFigureContext *ctx);
/* The value with its unit, "208 tok/s" ("–" when unknown). */
char       *uth_rule_value_text  (UthRule                 rule,
                                  const UthFigureContext *ctx);
/* The formula with the scenario's values: "3.35 TB/s ÷ 16.1 GB = 208 tok/s". */
char       *uth_rule_substituted (UthRule                 rule,
                                  const UthFigureContext *ctx);

G_END_DECLS
