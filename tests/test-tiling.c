/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Known answers for the tiling core, computed by hand from the formulas in uth-tiling.h.
 * Traffic model: CUDA C Programming Guide, "Shared Memory" matrix product example (A read
 * B.width / block_size times and B read A.height / block_size times when tiled). */
#include <glib.h>

#include "core/uth-tiling.h"

static UthTilingInput
h100_square (uint64_t size)
{
  UthTilingInput in = { 0 };

  in.m = in.k = in.n = size;
  in.bm = 128;
  in.bn = 128;
  in.bk = 32;
  in.bytes_per_element = 2.0;   /* bf16 */
  in.sms = 132;                 /* H100 SXM */
  in.smem_per_sm_bytes = 228.0 * 1024.0;
  in.double_buffered = true;
  return in;
}

/* 4096^3 with 128 x 128 tiles: 32 x 32 = 1024 tiles; 1024 / 132 = 7.76 so 8 waves, the last
 * holding 1024 - 7 x 132 = 100 tiles: 100 of 132 SMs busy. */
static void
test_waves_4096 (void)
{
  UthTilingInput in = h100_square (4096);
  UthTiling t;

  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpuint (t.tiles_m, ==, 32);
  g_assert_cmpuint (t.tiles_n, ==, 32);
  g_assert_cmpuint (t.tiles, ==, 1024);
  g_assert_cmpuint (t.k_steps, ==, 128);
  g_assert_cmpuint (t.waves, ==, 8);
  g_assert_cmpuint (t.tail_tiles, ==, 100);
  g_assert_cmpfloat_with_epsilon (t.tail_utilization, 100.0 / 132.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.wave_utilization, 1024.0 / 1056.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.padding_efficiency, 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.efficiency, 1024.0 / 1056.0, 1e-12);
}

/* 4097^3: ceil (4097 / 128) = 33, 33^2 = 1089 tiles; ceil (1089 / 132) = 9 waves, the last
 * holding 1089 - 8 x 132 = 33 tiles (a quarter of the SMs). K: ceil (4097 / 32) = 129 steps,
 * so a full tile covers 33 x 128 = 4224 rows and columns and 129 x 32 = 4128 of K. */
static void
test_waves_4097 (void)
{
  UthTilingInput in = h100_square (4097);
  UthTiling t;
  double padding = (4097.0 * 4097.0 * 4097.0) / (4224.0 * 4224.0 * 4128.0);

  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpuint (t.tiles, ==, 1089);
  g_assert_cmpuint (t.waves, ==, 9);
  g_assert_cmpuint (t.tail_tiles, ==, 33);
  g_assert_cmpuint (t.k_steps, ==, 129);
  g_assert_cmpfloat_with_epsilon (t.tail_utilization, 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.padding_efficiency, padding, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.efficiency, 1089.0 / (9.0 * 132.0) * padding, 1e-12);
}

/* Exactly one full wave: 132 tiles of 128 x 128 as 12 x 11 tiles = 1536 x 1408. */
static void
test_full_wave (void)
{
  UthTilingInput in = h100_square (1536);
  UthTiling t;

  in.n = 1408;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpuint (t.tiles, ==, 132);
  g_assert_cmpuint (t.waves, ==, 1);
  g_assert_cmpuint (t.tail_tiles, ==, 132);
  g_assert_cmpfloat_with_epsilon (t.tail_utilization, 1.0, 1e-12);
}

/* 4096^3 bf16: naive (2 x 4096^3 + 4096^2) x 2 = 274 911 461 376 bytes; tiled: A and B each
 * read 4096 / 128 = 32 times, (32 + 32 + 1) x 4096^2 x 2 = 2 181 038 080; ideal 3 x 4096^2 x 2
 * = 100 663 296. A 128 x 128 tile reaches 2 x 128 x 128 / (256 x 2) = 64 FLOP/byte. */
static void
test_traffic (void)
{
  UthTilingInput in = h100_square (4096);
  UthTiling t;

  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpfloat (t.flops, ==, 137438953472.0);
  g_assert_cmpfloat (t.bytes_naive, ==, 274911461376.0);
  g_assert_cmpfloat (t.bytes_tiled, ==, 2181038080.0);
  g_assert_cmpfloat (t.bytes_ideal, ==, 100663296.0);
  g_assert_cmpfloat_with_epsilon (t.intensity_tile, 64.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.intensity_ideal, 137438953472.0 / 100663296.0, 1e-9);
  g_assert_cmpfloat (t.bytes_naive, >, t.bytes_tiled);
  g_assert_cmpfloat (t.bytes_tiled, >, t.bytes_ideal);

  /* Uneven: 4097 rows of A read ceil (4097 / 128) = 33 times, not 32.0078 times. */
  in = h100_square (4097);
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpfloat (t.bytes_tiled, ==, (33.0 + 33.0 + 1.0) * 4097.0 * 4097.0 * 2.0);
}

/* Shared memory: (BM BK + BK BN) x 2 bytes x 2 stages. 128 x 128 x 32: 8192 elements, 32 KiB.
 * 256 x 256 x 64: 32768 elements, 128 KiB, fits in 228 KiB; 256 x 256 x 128: 256 KiB does not. */
static void
test_smem (void)
{
  UthTilingInput in = h100_square (4096);
  UthTiling t;

  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpfloat (t.smem_tile_bytes, ==, 32768.0);
  g_assert_true (t.smem_fits);

  in.bm = in.bn = 256;
  in.bk = 64;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpfloat (t.smem_tile_bytes, ==, 131072.0);
  g_assert_true (t.smem_fits);

  in.bk = 128;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpfloat (t.smem_tile_bytes, ==, 262144.0);
  g_assert_false (t.smem_fits);

  in.double_buffered = false;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpfloat (t.smem_tile_bytes, ==, 131072.0);
  g_assert_true (t.smem_fits);
}

/* Time: a wave lasts one full tile at peak / SMs. 4097 needs 9 waves of 4128-deep tiles
 * against 8 of 4096-deep: 9 x 4128 / (8 x 4096) = 1.1338 times as long for 0.07% more work. */
static void
test_time (void)
{
  UthTilingInput a = h100_square (4096), b = h100_square (4097);
  UthTiling ta, tb;
  double tile = 2.0 * 128 * 128 * 4096 / (989e12 / 132);

  a.peak_flops = b.peak_flops = 989e12;
  g_assert_cmpint (uth_tiling_compute (&a, &ta), ==, UTH_TILING_OK);
  g_assert_cmpint (uth_tiling_compute (&b, &tb), ==, UTH_TILING_OK);
  g_assert_cmpfloat_with_epsilon (ta.tile_seconds, tile, tile * 1e-12);
  g_assert_cmpfloat_with_epsilon (ta.seconds, 8 * tile, tile * 1e-11);
  g_assert_cmpfloat_with_epsilon (tb.seconds / ta.seconds, 9.0 * 4128.0 / (8.0 * 4096.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (ta.ideal_seconds, 2.0 * 4096.0 * 4096.0 * 4096.0 / 989e12, 1e-15);
  g_assert_cmpfloat (ta.seconds, >, ta.ideal_seconds);
}

static void
test_place (void)
{
  UthTilingInput in = h100_square (4096);
  UthTiling t;
  uint32_t sm = 0;
  uint64_t wave = 0;

  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_true (uth_tiling_tile_place (&in, &t, 0, &sm, &wave));
  g_assert_cmpuint (sm, ==, 0);
  g_assert_cmpuint (wave, ==, 0);
  g_assert_true (uth_tiling_tile_place (&in, &t, 133, &sm, &wave));
  g_assert_cmpuint (sm, ==, 1);
  g_assert_cmpuint (wave, ==, 1);
  /* The last tile, 1023 = 7 x 132 + 99: SM 99 of wave 7, so SMs 100..131 sit idle. */
  g_assert_true (uth_tiling_tile_place (&in, &t, 1023, &sm, &wave));
  g_assert_cmpuint (sm, ==, 99);
  g_assert_cmpuint (wave, ==, 7);
  g_assert_false (uth_tiling_tile_place (&in, &t, 1024, &sm, &wave));
}

static void
test_rect (void)
{
  UthTilingInput in = h100_square (4097);
  UthUnitRect r;

  r = uth_tiling_tile_rect (&in, 0, 1);
  g_assert_cmpfloat_with_epsilon (r.x, 128.0 / 4097.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (r.width, 128.0 / 4097.0, 1e-15);
  g_assert_cmpfloat (r.y, ==, 0.0);
  /* The last tile is one element square. */
  r = uth_tiling_tile_rect (&in, 32, 32);
  g_assert_cmpfloat_with_epsilon (r.x, 4096.0 / 4097.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (r.width, 1.0 / 4097.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (r.height, 1.0 / 4097.0, 1e-15);
  r = uth_tiling_tile_rect (&in, 33, 0);
  g_assert_cmpfloat (r.width, ==, 0.0);
}

/* 132 cells at aspect 2: ceil (sqrt (264)) = 17 columns, ceil (132 / 17) = 8 rows, and 17 is
 * already the fewest columns for 8 rows. 108 at aspect 2: 15 columns, 8 rows, trimmed to 14. */
static void
test_grid (void)
{
  uint32_t cols, rows;

  uth_grid_layout (132, 2.0, &cols, &rows);
  g_assert_cmpuint (cols, ==, 17);
  g_assert_cmpuint (rows, ==, 8);
  uth_grid_layout (108, 2.0, &cols, &rows);
  g_assert_cmpuint (cols, ==, 14);
  g_assert_cmpuint (rows, ==, 8);
  uth_grid_layout (1, 3.0, &cols, &rows);
  g_assert_cmpuint (cols, ==, 1);
  g_assert_cmpuint (rows, ==, 1);
  uth_grid_layout (0, 1.0, &cols, &rows);
  g_assert_cmpuint (cols, ==, 0);
}

static void
test_errors (void)
{
  UthTilingInput in = h100_square (4096);
  UthTiling t;

  in.m = 0;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_BAD_SHAPE);
  in = h100_square (4096);
  in.k = (UINT64_C (1) << 24) + 1;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_BAD_SHAPE);
  in = h100_square (4096);
  in.bk = 0;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_BAD_TILE);
  in = h100_square (4096);
  in.bytes_per_element = 0.0 / 0.0;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_BAD_ELEMENT);
  in = h100_square (4096);
  in.sms = 0;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_BAD_SMS);
  g_assert_cmpint (uth_tiling_compute (NULL, &t), ==, UTH_TILING_BAD_SHAPE);
  g_assert_cmpuint (t.tiles, ==, 0);
}

/* The L2 model (issue 15 item 8), by hand: C = A . B with m = n = 256, k = 64, 128 x 128
 * tiles, K step 32, 2 bytes, 2 SMs: 2 x 2 tiles in 2 waves of 2, each wave one tile row
 * and both tile columns. A row panel is 128 x 64 x 2 = 16,384 B, a B column panel the
 * same. Tiled: each of the 4 tiles reads its two panels, 131,072 B, plus C 256 x 256 x 2
 * = 131,072: 262,144 B. With an L2 each wave reads 1 A panel and 2 B panels once: 49,152
 * per wave, 98,304 in all, plus C: 229,376 B; the L2 absorbs 1 - 98,304 / 131,072 = 25%.
 * The L2 must hold two K steps of the wave's blocks: (1 x 128 + 2 x 128) x 32 x 2 B x 2
 * = 49,152 B; one byte less and it absorbs nothing. */
static void
test_l2 (void)
{
  UthTilingInput in = { .m = 256, .k = 64, .n = 256, .bm = 128, .bn = 128, .bk = 32,
                        .bytes_per_element = 2.0, .sms = 2, .l2_bytes = 49152.0 };
  UthTiling t;

  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpfloat (t.bytes_tiled, ==, 262144.0);
  g_assert_cmpfloat (t.bytes_l2, ==, 229376.0);
  g_assert_cmpfloat_with_epsilon (t.l2_absorbed, 0.25, 1e-12);
  g_assert_cmpfloat (t.intensity_l2, ==, t.flops / 229376.0);
  in.l2_bytes = 49151.0;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpfloat (t.bytes_l2, ==, t.bytes_tiled);
  g_assert_cmpfloat (t.l2_absorbed, ==, 0.0);
  in.l2_bytes = 0.0;
  g_assert_cmpint (uth_tiling_compute (&in, &t), ==, UTH_TILING_OK);
  g_assert_cmpfloat (t.bytes_l2, ==, t.bytes_tiled);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tiling/waves-4096", test_waves_4096);
  g_test_add_func ("/tiling/waves-4097", test_waves_4097);
  g_test_add_func ("/tiling/full-wave", test_full_wave);
  g_test_add_func ("/tiling/traffic", test_traffic);
  g_test_add_func ("/tiling/smem", test_smem);
  g_test_add_func ("/tiling/time", test_time);
  g_test_add_func ("/tiling/place", test_place);
  g_test_add_func ("/tiling/rect", test_rect);
  g_test_add_func ("/tiling/grid", test_grid);
  g_test_add_func ("/tiling/errors", test_errors);
  g_test_add_func ("/tiling/l2", test_l2);
  return g_test_run ();
}
