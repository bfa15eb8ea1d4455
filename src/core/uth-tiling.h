/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One matrix product C (M x N) = A (M x K) . B (K x N) cut into BM x BN output tiles, each
 * computed by one thread block that walks K in BK-wide steps; the tiles scheduled onto the
 * GPU's SMs in waves, and the DRAM traffic with and without reuse. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct
{
  uint64_t m, k, n;             /* C is m x n, the shared dimension is k */
  uint32_t bm, bn, bk;          /* tile rows, tile columns, K step */
  double   bytes_per_element;   /* of A, B and C (2 for bf16) */
  uint32_t sms;                 /* streaming multiprocessors that run tiles */
  double   smem_per_sm_bytes;   /* shared memory one SM offers (0: no limit checked) */
  bool     double_buffered;     /* two stages of A and B blocks: one loads while one computes */
  double   peak_flops;          /* of the whole GPU in this data type (0: no time) */
  double   l2_bytes;            /* the GPU's L2 cache (0: none modelled) */
} UthTilingInput;

typedef enum
{
  UTH_TILING_OK = 0,
  UTH_TILING_BAD_SHAPE,         /* m, k or n is 0 or above 2^24 */
  UTH_TILING_BAD_TILE,          /* a tile size is 0 or above 4096 */
  UTH_TILING_BAD_ELEMENT,       /* bytes per element not positive and finite */
  UTH_TILING_BAD_SMS,           /* no SMs, or more than 65536 */
} UthTilingError;

typedef struct
{
  uint64_t tiles_m;             /* ceil (m / bm): rows of tiles */
  uint64_t tiles_n;             /* ceil (n / bn): columns of tiles */
  uint64_t tiles;               /* tiles_m x tiles_n: thread blocks in the grid */
  uint64_t k_steps;             /* ceil (k / bk): iterations of each tile's K loop */
  uint64_t waves;               /* ceil (tiles / sms) */
  uint64_t tail_tiles;          /* tiles in the last wave (sms when it is full) */
  double   tail_utilization;    /* tail_tiles / sms: busy fraction of SMs in the last wave */
  double   wave_utilization;    /* tiles / (waves x sms): busy fraction over all waves */
  double   padding_efficiency;  /* m n k / (tiles_m bm . tiles_n bn . k_steps bk) */
  double   efficiency;          /* useful FLOPs / what waves x sms full tiles could do */

  double   flops;               /* 2 m n k */
  double   bytes_naive;         /* (2 m n k + m n) x element: no reuse at all */
  double   bytes_tiled;         /* (m k tiles_n + k n tiles_m + m n) x element */
  double   bytes_ideal;         /* (m k + k n + m n) x element: each matrix once */
  double   intensity_naive;     /* flops / bytes, FLOP per byte */
  double   intensity_tiled;
  double   intensity_ideal;
  /* With an L2 cache: the tiles of one wave run together and share their A row panels and
   * B column panels, walking K together; when two K steps of a wave's distinct blocks
   * ((rows x bm + cols x bn) x bk x 2 elements) fit in the L2, DRAM sends each panel once
   * per wave and the L2 serves the other tiles; a wave whose blocks do not fit reads as
   * plain tiling does. Tiles go out in the grid's row-major order. C is written once. */
  double   bytes_l2;
  double   intensity_l2;
  double   l2_absorbed;         /* 1 - (bytes_l2 - C) / (bytes_tiled - C): operand traffic the L2 keeps off DRAM */
  double   intensity_tile;      /* of one K step of one tile: 2 bm bn bk / ((bm + bn) bk x element) */

  double   smem_tile_bytes;     /* (bm bk + bk bn) x element, x 2 when double-buffered */
  bool     smem_fits;           /* smem_tile_bytes <= smem_per_sm_bytes (true when no limit) */

  double   tile_seconds;        /* one full tile on one SM at peak / sms (0 without a peak) */
  double   seconds;             /* waves x tile_seconds */
  double   ideal_seconds;       /* flops / peak: no padding, no idle SMs */
} UthTiling;

UthTilingError uth_tiling_compute (const UthTilingInput *input,
                                   UthTiling            *out);

/* Where tile number t (row-major over the tile grid, the order a CUDA grid hands out block
 * indices) runs: on SM t mod sms in wave t / sms. Returns false when t is out of range. */
bool           uth_tiling_tile_place (const UthTilingInput *input,
                                      const UthTiling      *tiling,
                                      uint64_t              tile,
                                      uint32_t             *sm,
                                      uint64_t             *wave);

/* Unit-coordinate rectangle of tile (row, col) inside the output matrix drawn as the unit
 * square (x along n, y along m, origin top left). Edge tiles are cut at the matrix edge. */
typedef struct
{
  double x, y, width, height;
} UthUnitRect;

UthUnitRect    uth_tiling_tile_rect (const UthTilingInput *input,
                                     uint64_t              row,
                                     uint64_t              col);

/* Columns and rows of a grid laying out n cells in a box of the given aspect
 * (width / height) with square-ish cells: cols x rows >= n, rows as small as it can be. */
void           uth_grid_layout      (uint32_t  n,
                                     double    aspect,
                                     uint32_t *cols,
                                     uint32_t *rows);
