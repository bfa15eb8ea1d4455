/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-tiling.h"

#include <math.h>
#include <string.h>

#define UTH_TILING_MAX_DIM  (UINT64_C (1) << 24)
#define UTH_TILING_MAX_TILE 4096u
#define UTH_TILING_MAX_SMS  65536u

static uint64_t
ceil_div (uint64_t a,
          uint64_t b)
{
  return a / b + (a % b != 0);
}

static UthTilingError
validate (const UthTilingInput *in)
{
  if (in->m == 0 || in->k == 0 || in->n == 0 ||
      in->m > UTH_TILING_MAX_DIM || in->k > UTH_TILING_MAX_DIM || in->n > UTH_TILING_MAX_DIM)
    return UTH_TILING_BAD_SHAPE;
  if (in->bm == 0 || in->bn == 0 || in->bk == 0 ||
      in->bm > UTH_TILING_MAX_TILE || in->bn > UTH_TILING_MAX_TILE || in->bk > UTH_TILING_MAX_TILE)
    return UTH_TILING_BAD_TILE;
  if (!isfinite (in->bytes_per_element) || in->bytes_per_element <= 0.0)
    return UTH_TILING_BAD_ELEMENT;
  if (in->sms == 0 || in->sms > UTH_TILING_MAX_SMS)
    return UTH_TILING_BAD_SMS;
  return UTH_TILING_OK;
}

/* Waves handed out row-major over the tile grid: wave w runs tiles [w sms, (w+1) sms).
 * Its distinct tile rows are (last / tiles_n) - (first / tiles_n) + 1 and its distinct
 * columns min (tiles in the wave, tiles_n), as fewer than tiles_n consecutive indices never
 * repeat a column. An A row panel is m k / tiles_m elements on average, a B column panel
 * k n / tiles_n, so summing whole-panel reads over all tiles gives bytes_tiled exactly.
 * Beyond 100,000 waves the rest is extrapolated from the average of those counted. */
static void
compute_l2 (const UthTilingInput *in,
            UthTiling            *out)
{
  double m = (double) in->m, k = (double) in->k, n = (double) in->n;
  double e = in->bytes_per_element;
  double a_panel = m * k / (double) out->tiles_m * e;
  double b_panel = k * n / (double) out->tiles_n * e;
  double operands = 0.0, c = m * n * e;
  uint64_t w, counted = out->waves < 100000 ? out->waves : 100000;

  for (w = 0; w < counted; w++)
    {
      uint64_t first = w * in->sms;
      uint64_t last = first + in->sms < out->tiles ? first + in->sms - 1 : out->tiles - 1;
      uint64_t count = last - first + 1;
      double rows = (double) (last / out->tiles_n - first / out->tiles_n + 1);
      double cols = (double) (count < out->tiles_n ? count : out->tiles_n);
      double shared = rows * a_panel + cols * b_panel;
      /* The tiles of a wave walk K together: the L2 must hold the wave's distinct blocks
       * of two K steps (the one in use and the next), not whole panels. */
      double window = (rows * in->bm + cols * in->bn) * in->bk * e * 2.0;

      if (in->l2_bytes > 0.0 && window <= in->l2_bytes)
        operands += shared;
      else
        operands += (double) count * (a_panel + b_panel);
    }
  if (counted < out->waves && counted > 0)
    operands *= (double) out->waves / (double) counted;
  out->bytes_l2 = operands + c;
  out->intensity_l2 = out->flops / out->bytes_l2;
  out->l2_absorbed = out->bytes_tiled > c ? 1.0 - operands / (out->bytes_tiled - c) : 0.0;
}

/* Traffic follows the matrix product example of the CUDA C Programming Guide (section
 * "Shared Memory"): without shared memory every thread reads a row of A and a column of B, so
 * A is read N times and B M times; with BM x BN blocks staged through shared memory, A is read
 * ceil (N / BN) times and B ceil (M / BM) times. C is written once either way. Edge tiles load
 * only the elements inside the matrices (out-of-range loads are predicated off), so the padding
 * of a partial tile costs compute but no DRAM bytes. No cache between DRAM and shared memory
 * is assumed in bytes_tiled; bytes_l2 adds the L2 (see the header): a real L2 lands the
 * tiled figure between tiled and ideal. */
static void
compute_traffic (const UthTilingInput *in,
                 UthTiling            *out)
{
  double m = (double) in->m, k = (double) in->k, n = (double) in->n;
  double e = in->bytes_per_element;

  out->flops = 2.0 * m * n * k;
  out->bytes_naive = (2.0 * m * n * k + m * n) * e;
  out->bytes_tiled = (m * k * (double) out->tiles_n + k * n * (double) out->tiles_m + m * n) * e;
  out->bytes_ideal = (m * k + k * n + m * n) * e;
  out->intensity_naive = out->flops / out->bytes_naive;
  out->intensity_tiled = out->flops / out->bytes_tiled;
  out->intensity_ideal = out->flops / out->bytes_ideal;
  compute_l2 (in, out);
  /* One K step loads a bm x bk block of A and a bk x bn block of B and does 2 bm bn bk FLOPs. */
  out->intensity_tile = 2.0 * in->bm * (double) in->bn /
                        (((double) in->bm + (double) in->bn) * e);
}

UthTilingError
uth_tiling_compute (const UthTilingInput *in,
                    UthTiling            *out)
{
  UthTilingError err;
  double capacity;
  double full_tile_flops;

  memset (out, 0, sizeof *out);
  if (in == NULL)
    return UTH_TILING_BAD_SHAPE;
  err = validate (in);
  if (err != UTH_TILING_OK)
    return err;

  out->tiles_m = ceil_div (in->m, in->bm);
  out->tiles_n = ceil_div (in->n, in->bn);
  out->tiles = out->tiles_m * out->tiles_n;
  out->k_steps = ceil_div (in->k, in->bk);
  out->waves = ceil_div (out->tiles, in->sms);
  out->tail_tiles = out->tiles - (out->waves - 1) * in->sms;
  out->tail_utilization = (double) out->tail_tiles / in->sms;
  out->wave_utilization = (double) out->tiles / ((double) out->waves * in->sms);

  full_tile_flops = 2.0 * in->bm * (double) in->bn * (double) (out->k_steps * in->bk);
  out->padding_efficiency = 2.0 * (double) in->m * (double) in->n * (double) in->k /
                            (full_tile_flops * (double) out->tiles);
  capacity = (double) out->waves * in->sms * full_tile_flops;

  compute_traffic (in, out);
  out->efficiency = out->flops / capacity;

  out->smem_tile_bytes = ((double) in->bm * in->bk + (double) in->bk * in->bn) *
                         in->bytes_per_element * (in->double_buffered ? 2.0 : 1.0);
  out->smem_fits = !(in->smem_per_sm_bytes > 0.0) || out->smem_tile_bytes <= in->smem_per_sm_bytes;

  if (isfinite (in->peak_flops) && in->peak_flops > 0.0)
    {
      /* Each SM gets its share of the peak; a wave lasts as long as one full tile. */
      out->tile_seconds = full_tile_flops / (in->peak_flops / in->sms);
      out->seconds = (double) out->waves * out->tile_seconds;
      out->ideal_seconds = out->flops / in->peak_flops;
    }
  return UTH_TILING_OK;
}

bool
uth_tiling_tile_place (const UthTilingInput *input,
                       const UthTiling      *tiling,
                       uint64_t              tile,
                       uint32_t             *sm,
                       uint64_t             *wave)
{
  if (input == NULL || tiling == NULL || input->sms == 0 || tile >= tiling->tiles)
    return false;
  if (sm != NULL)
    *sm = (uint32_t) (tile % input->sms);
  if (wave != NULL)
    *wave = tile / input->sms;
  return true;
}

UthUnitRect
uth_tiling_tile_rect (const UthTilingInput *input,
                      uint64_t              row,
                      uint64_t              col)
{
  UthUnitRect r = { 0, 0, 0, 0 };
  double y0, x0, y1, x1;

  if (input == NULL || input->m == 0 || input->n == 0 || input->bm == 0 || input->bn == 0)
    return r;
  y0 = (double) row * input->bm;
  x0 = (double) col * input->bn;
  if (y0 >= (double) input->m || x0 >= (double) input->n)
    return r;
  y1 = fmin (y0 + input->bm, (double) input->m);
  x1 = fmin (x0 + input->bn, (double) input->n);
  r.x = x0 / (double) input->n;
  r.y = y0 / (double) input->m;
  r.width = (x1 - x0) / (double) input->n;
  r.height = (y1 - y0) / (double) input->m;
  return r;
}

void
uth_grid_layout (uint32_t  n,
                 double    aspect,
                 uint32_t *cols,
                 uint32_t *rows)
{
  uint32_t c, r;

  if (n == 0)
    {
      *cols = 0;
      *rows = 0;
      return;
    }
  if (!isfinite (aspect) || aspect <= 0.0)
    aspect = 1.0;
  c = (uint32_t) ceil (sqrt ((double) n * aspect));
  if (c < 1)
    c = 1;
  if (c > n)
    c = n;
  r = (n + c - 1) / c;
  /* Fewest columns that still fit n cells in r rows: no needlessly empty last row. */
  c = (n + r - 1) / r;
  *cols = c;
  *rows = r;
}
