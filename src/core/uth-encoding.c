/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-encoding.h"

#include <math.h>

double
uth_sinusoid (double   pos,
              uint32_t dim,
              uint32_t d_model,
              double   base)
{
  uint32_t i = dim / 2;
  double angle;

  if (d_model == 0)
    return 0.0;
  angle = pos / pow (base, (2.0 * i) / d_model);
  return dim % 2 == 0 ? sin (angle) : cos (angle);
}

double
uth_rope_frequency (uint32_t pair,
                    uint32_t dim,
                    double   theta)
{
  if (dim == 0)
    return 0.0;
  return pow (theta, -(2.0 * pair) / dim);
}

void
uth_rope_rotate (const double *in,
                 double       *out,
                 uint32_t      dim,
                 double        pos,
                 double        theta)
{
  uint32_t i;

  for (i = 0; i + 1 < dim; i += 2)
    {
      double a = pos * uth_rope_frequency (i / 2, dim, theta);
      double c = cos (a), s = sin (a);
      double x = in[i], y = in[i + 1];

      out[i] = x * c - y * s;
      out[i + 1] = x * s + y * c;
    }
  if (dim % 2 == 1)
    out[dim - 1] = in[dim - 1];
}

double
uth_dot (const double *a,
         const double *b,
         size_t        n)
{
  double sum = 0.0;
  size_t i;

  for (i = 0; i < n; i++)
    sum += a[i] * b[i];
  return sum;
}

double
uth_rope_dot (const double *q,
              const double *k,
              uint32_t      dim,
              double        m,
              double        n,
              double        theta)
{
  double rq[UTH_ROPE_MAX_DIM], rk[UTH_ROPE_MAX_DIM];

  if (dim > UTH_ROPE_MAX_DIM)
    dim = UTH_ROPE_MAX_DIM;
  uth_rope_rotate (q, rq, dim, m, theta);
  uth_rope_rotate (k, rk, dim, n, theta);
  return uth_dot (rq, rk, dim);
}
