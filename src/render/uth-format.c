/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"

/* Three significant digits of a value in [1, 1000): "1.23", "12.3", "123". */
static char *
three_digits (double v)
{
  if (v >= 99.95)
    return g_strdup_printf ("%.0f", v);
  if (v >= 9.995)
    return g_strdup_printf ("%.1f", v);
  return g_strdup_printf ("%.2f", v);
}

/* Drops trailing zeros after a decimal point: "4.00" -> "4", "1.50" -> "1.5". */
static void
trim_zeros (char *s)
{
  char *dot = strpbrk (s, ".,");
  char *end;

  if (dot == NULL)
    return;
  end = s + strlen (s) - 1;
  while (end > dot && *end == '0')
    *end-- = '\0';
  if (end == dot)
    *end = '\0';
}

char *
uth_format_number (double value)
{
  double a = fabs (value);

  if (!isfinite (value))
    return g_strdup (isnan (value) ? "–" : (value > 0 ? "∞" : "−∞"));
  /* In the locale's digits, like every other number on the figure (German ticks showed
   * "0.01" beside "3,35"). */
  if (a >= 1e5 || (a > 0 && a < 1e-3))
    return g_strdup_printf ("%.3g", value);
  if (a >= 100)
    return g_strdup_printf ("%.0f", value);
  else
    {
      char *s = g_strdup_printf (a >= 10 ? "%.1f" : "%.2f", value);

      trim_zeros (s);
      return s;
    }
}

char *
uth_format_si (double      value,
               const char *unit)
{
  static const char *prefixes[] = { "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E" };
  double a = fabs (value);
  g_autofree char *digits = NULL;
  int e;

  if (unit == NULL)
    unit = "";
  if (!isfinite (value))
    return g_strdup_printf ("%s %s", value > 0 ? "∞" : "–", unit);
  if (a == 0.0)
    return *unit ? g_strdup_printf ("0 %s", unit) : g_strdup ("0");
  e = (int) floor (log10 (a) / 3.0);
  e = CLAMP (e, -4, 6);
  a /= pow (1000.0, e);
  /* Rounding may carry into the next prefix: 999.7 k is 1.00 M. */
  if (a >= 999.5 && e < 6)
    {
      a /= 1000.0;
      e++;
    }
  digits = three_digits (a);
  if (e == 0 && a >= 1.0)
    trim_zeros (digits);
  return g_strdup_printf ("%s%s%s%s%s", value < 0 ? "−" : "", digits,
                          (*unit || *prefixes[e + 4]) ? " " : "", prefixes[e + 4], unit);
}

char *
uth_format_tick (double value)
{
  char *s;
  double a = fabs (value);

  static const char *prefixes[] = { "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E" };
  int e;

  if (!isfinite (value))
    return g_strdup ("–");
  /* The locale's decimal mark, as the other numbers of a figure have it. */
  if (a == 0.0 || (a >= 1e-3 && a < 1e4))
    return g_strdup_printf ("%g", value);
  e = CLAMP ((int) floor (log10 (a) / 3.0), -4, 6);
  s = g_strdup_printf ("%.3g %s", value / pow (1000.0, e), prefixes[e + 4]);
  return s;
}

/* Process-wide, like the preference it mirrors; the command line keeps SI. */
static gboolean binary_bytes;

void
uth_format_set_binary_bytes (gboolean binary)
{
  binary_bytes = !!binary;
}

gboolean
uth_format_get_binary_bytes (void)
{
  return binary_bytes;
}

/* IEC prefixes, 3 significant digits: 2^30 bytes is "1.00 GiB". */
static char *
format_binary_bytes (double bytes)
{
  static const char *prefixes[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
  double a = fabs (bytes);
  g_autofree char *digits = NULL;
  int e = 0;

  if (!isfinite (bytes))
    return g_strdup_printf ("%s B", bytes > 0 ? "∞" : "–");
  while (a >= 1024.0 && e < 6)
    {
      a /= 1024.0;
      e++;
    }
  /* Rounding may carry into the next prefix: 1023.7 Ki is 1.00 Mi. */
  if (a >= 1023.5 && e < 6)
    {
      a /= 1024.0;
      e++;
    }
  digits = three_digits (a);
  if (e == 0)
    trim_zeros (digits);
  return g_strdup_printf ("%s%s %sB", bytes < 0 ? "−" : "", digits, prefixes[e]);
}

char *
uth_format_bytes (double bytes)
{
  if (binary_bytes)
    return format_binary_bytes (bytes);
  return uth_format_si (bytes, "B");
}

char *
uth_format_seconds (double seconds)
{
  g_autofree char *v = NULL;

  if (isfinite (seconds) && fabs (seconds) >= 3600.0)
    {
      v = three_digits (fabs (seconds) / 3600.0 < 1000 ? fabs (seconds) / 3600.0 : 999);
      return g_strdup_printf ("%s %s", v, "h");
    }
  if (isfinite (seconds) && fabs (seconds) >= 60.0)
    {
      v = three_digits (fabs (seconds) / 60.0);
      return g_strdup_printf ("%s %s", v, "min");
    }
  return uth_format_si (seconds, "s");
}

char *
uth_format_flops (double flops)
{
  return uth_format_si (flops, "FLOP");
}

char *
uth_format_flops_rate (double flops_per_s)
{
  return uth_format_si (flops_per_s, "FLOP/s");
}

char *
uth_format_bandwidth (double bytes_per_s)
{
  return uth_format_si (bytes_per_s, "B/s");
}

char *
uth_format_intensity (double flop_per_b)
{
  g_autofree char *n = NULL;

  if (!isfinite (flop_per_b))
    return g_strdup ("∞ FLOP/B");
  if (flop_per_b >= 1e4 || (flop_per_b > 0 && flop_per_b < 0.01))
    return uth_format_si (flop_per_b, "FLOP/B");
  n = uth_format_number (flop_per_b);
  trim_zeros (n);
  return g_strdup_printf ("%s FLOP/B", n);
}

char *
uth_format_count (double count)
{
  static const char *suffix[] = { "", "K", "M", "B", "T" };
  double a = fabs (count);
  g_autofree char *digits = NULL;
  int e;

  if (!isfinite (count))
    return g_strdup ("∞");
  if (a < 10000.0)
    {
      if (a == floor (a))
        return g_strdup_printf ("%.0f", count);
      return uth_format_number (count);
    }
  e = (int) floor (log10 (a) / 3.0);
  e = CLAMP (e, 1, 4);
  a /= pow (1000.0, e);
  if (a >= 999.5 && e < 4)
    {
      a /= 1000.0;
      e++;
    }
  digits = three_digits (a);
  return g_strdup_printf ("%s%s %s", count < 0 ? "−" : "", digits, suffix[e]);
}

char *
uth_format_tokens_rate (double tokens_per_s)
{
  g_autofree char *n = NULL;

  if (tokens_per_s >= 1e4)
    n = uth_format_count (tokens_per_s);
  else
    {
      n = uth_format_number (tokens_per_s);
      if (tokens_per_s >= 1)
        trim_zeros (n);
    }
  return g_strdup_printf ("%s tok/s", n);
}

char *
uth_format_usd (double dollars)
{
  if (!isfinite (dollars))
    return g_strdup ("–");
  if (dollars >= 1000.0)
    return g_strdup_printf ("$%.0f", dollars);
  if (dollars >= 0.01 || dollars == 0.0)
    return g_strdup_printf ("$%.2f", dollars);
  return g_strdup_printf ("$%.3g", dollars);
}

char *
uth_format_percent (double fraction)
{
  double p = fraction * 100.0;

  if (!isfinite (p))
    return g_strdup ("–");
  if (p > 0.0 && p < 0.05)
    return g_strdup ("<0.1%");
  if (p != 0.0 && fabs (p) < 9.95)
    return g_strdup_printf ("%.1f%%", p);
  return g_strdup_printf ("%.0f%%", p);
}
