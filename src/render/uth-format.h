/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Numbers with units for figures: SI prefixes, bytes, seconds, rates, money. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "core/uth-chart.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* ---- numbers ---- */
/* value with an SI prefix and unit, 3 significant digits: "13.5 GB", "4.02 ms",
 * "1.23 TFLOP/s". unit may be "" for a bare number ("8.03 G"). */
char  *uth_format_si             (double                  value,
                                  const char             *unit);
char  *uth_format_bytes          (double                  bytes);      /* "16.1 GB" */
/* Whether uth_format_bytes counts in binary units ("15.0 GiB") instead of SI ("16.1 GB"):
 * the app's Preferences set it for the whole process; rates (GB/s) stay SI. */
void      uth_format_set_binary_bytes (gboolean binary);
gboolean  uth_format_get_binary_bytes (void);
char  *uth_format_seconds        (double                  seconds);    /* "4.02 ms" */
char  *uth_format_flops          (double                  flops);      /* "1.23 TFLOP" */
char  *uth_format_flops_rate     (double                  flops_per_s);/* "989 TFLOP/s" */
char  *uth_format_bandwidth      (double                  bytes_per_s);/* "3.35 TB/s" */
char  *uth_format_intensity      (double                  flop_per_b); /* "295 FLOP/B" */
char  *uth_format_count          (double                  count);      /* "8.03 B", "4,096" */
char  *uth_format_tokens_rate    (double                  tokens_per_s);/* "208 tok/s" */
char  *uth_format_usd            (double                  dollars);    /* "$2.50" */
char  *uth_format_percent        (double                  fraction);   /* "65%" */
/* A tick label: plain below 10^4 ("0.01", "250"), else SI without trailing zeros ("10 k",
 * "1.5 T"). The unit belongs in the axis title. */
char  *uth_format_tick           (double                  value);
/* Three significant digits without unit, locale-independent decimal point. */
char  *uth_format_number         (double                  value);

typedef char *(*UthFormatFunc) (double value);

G_END_DECLS
