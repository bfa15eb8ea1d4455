/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Position encodings.
 *
 * Sinusoidal (Vaswani et al. 2017, section 3.5), added to the token embedding:
 *   PE(pos, 2i)     = sin (pos / base^(2i/d))
 *   PE(pos, 2i + 1) = cos (pos / base^(2i/d))       base = 10000
 *
 * Rotary, RoPE (Su et al. 2021, RoFormer, section 3.2), applied to queries and keys:
 * each pair (x_2i, x_2i+1) is rotated by the angle pos * theta^(-2i/d), so that
 *   <R(m) q, R(n) k> depends on q, k and m - n only. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* PE(pos, dim) in a model of width d_model (dim < d_model). */
double uth_sinusoid        (double   pos,
                            uint32_t dim,
                            uint32_t d_model,
                            double   base);

/* The angular frequency of pair i: theta^(-2i/d), in radians per position. */
double uth_rope_frequency  (uint32_t pair,
                            uint32_t dim,
                            double   theta);

/* Rotates vector in (dim entries, dim even) to position pos into out (may alias in).
 * Pairs are adjacent entries (2i, 2i+1), as in the RoFormer paper; Llama's code pairs
 * i with i + d/2 instead, which is the same rotation on permuted entries. */
void   uth_rope_rotate     (const double *in,
                            double       *out,
                            uint32_t      dim,
                            double        pos,
                            double        theta);

/* <R(m) q, R(n) k>. Needs dim <= UTH_ROPE_MAX_DIM. */
#define UTH_ROPE_MAX_DIM 1024
double uth_rope_dot        (const double *q,
                            const double *k,
                            uint32_t      dim,
                            double        m,
                            double        n,
                            double        theta);

double uth_dot             (const double *a,
                            const double *b,
                            size_t        n);
