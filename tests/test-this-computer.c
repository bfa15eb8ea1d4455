/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "This computer": a short measurement gives positive figures, can be cancelled, reports its
 * progress, survives a settings round trip, refuses a malformed setting, and becomes a
 * catalog device the estimator can use. The lower bounds are far below any real machine
 * (100 MB/s, 10 MFLOP/s): this checks that something was measured, never how fast. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "catalog/uth-this-computer.h"
#include "core/uth-gpu.h"

static void
assert_plausible (const UthThisComputer *m)
{
  g_assert_cmpfloat (m->memory_bandwidth, >, 1e8);
  g_assert_cmpfloat (m->memory_bandwidth, <, 1e14);
  g_assert_cmpfloat (m->flops_f32, >, 1e7);
  g_assert_cmpfloat (m->flops_f32, <, 1e16);
  g_assert_cmpfloat (m->memory_bytes, >, 0);
  g_assert_cmpuint (m->threads, ==, MAX (g_get_num_processors (), 1));
  g_assert_cmpint (m->measured_at, >, 1700000000);  /* after November 2023 */
}

static void
test_measure_short (void)
{
  UthThisComputer m = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (uth_this_computer_measure (&m, 0.1, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_plausible (&m);
}

static void
test_measure_cancelled (void)
{
  UthThisComputer m = { .threads = 42 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (uth_this_computer_measure (&m, 0.1, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (m.threads, ==, 42);   /* untouched */
}

typedef struct
{
  GPtrArray      *fractions;
  gboolean        done;
  gboolean        ok;
  UthThisComputer result;
} AsyncRun;

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  AsyncRun *run = user_data;
  double *copy = g_new (double, 1);

  /* Progress arrives on the main context, never from the measuring thread. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  *copy = fraction;
  g_ptr_array_add (run->fractions, copy);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncRun *run = user_data;
  g_autoptr(GError) error = NULL;

  run->ok = uth_this_computer_measure_finish (result, &run->result, &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

static void
test_measure_async_progress (void)
{
  AsyncRun run = { g_ptr_array_new_with_free_func (g_free), FALSE, FALSE, { 0 } };

  uth_this_computer_measure_async (0.1, progress_cb, &run, NULL, done_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (run.ok);
  assert_plausible (&run.result);
  /* Every progress report arrived before the result, in order, ending at 1. */
  g_assert_cmpuint (run.fractions->len, >=, 2);
  for (guint i = 1; i < run.fractions->len; i++)
    g_assert_cmpfloat (*(double *) run.fractions->pdata[i], >=, *(double *) run.fractions->pdata[i - 1]);
  g_assert_cmpfloat_with_epsilon (*(double *) run.fractions->pdata[run.fractions->len - 1], 1.0, 1e-9);
  g_ptr_array_unref (run.fractions);
}

static void
test_settings_round_trip (void)
{
  UthThisComputer m = { 21.4e9, 96.5e9, 16.0 * 1024 * 1024 * 1024, 8, 1796601600 }, back = { 0 };
  g_autofree char *text = uth_this_computer_to_string (&m);

  g_assert_true (uth_this_computer_from_string (&back, text));
  g_assert_cmpfloat (back.memory_bandwidth, ==, m.memory_bandwidth);
  g_assert_cmpfloat (back.flops_f32, ==, m.flops_f32);
  g_assert_cmpfloat (back.memory_bytes, ==, m.memory_bytes);
  g_assert_cmpuint (back.threads, ==, 8);
  g_assert_cmpint (back.measured_at, ==, 1796601600);
}

static void
test_settings_malformed (void)
{
  static const char *bad[] = {
    "",
    "v1",
    "v2 2e10 1e11 1.6e10 8 1796601600",        /* another version */
    "v1 2e10 1e11 1.6e10 8",                   /* a field short */
    "v1 2e10 1e11 1.6e10 8 1796601600 7",      /* a field too many */
    "v1 nan 1e11 1.6e10 8 1796601600",
    "v1 2e10 inf 1.6e10 8 1796601600",
    "v1 -2e10 1e11 1.6e10 8 1796601600",
    "v1 2e10 1e11 1.6e10 1.5 1796601600",      /* half a thread */
    "v1 2e10 1e11 1.6e10 0 1796601600",
    "v1 2e10x 1e11 1.6e10 8 1796601600",
    "v1 1e20 1e11 1.6e10 8 1796601600",        /* 100 EB/s: not a computer */
  };
  UthThisComputer m = { .threads = 42 };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("“%s”", bad[i]);
      g_assert_false (uth_this_computer_from_string (&m, bad[i]));
      g_assert_cmpuint (m.threads, ==, 42);
    }
  g_assert_false (uth_this_computer_from_string (&m, NULL));
}

static void
test_catalog_device (void)
{
  UthThisComputer m = { 21.4e9, 96.5e9, 16e9, 8, 1796601600 };
  UthCatalog *catalog = uth_catalog_new ();
  const UthGpuEntry *gpu;
  g_autofree char *summary = uth_this_computer_describe (&m);

  uth_this_computer_add_to_catalog (&m, catalog);
  gpu = uth_catalog_find_gpu (catalog, UTH_THIS_COMPUTER_ID);
  g_assert_nonnull (gpu);
  g_assert_true (uth_gpu_validate (&gpu->spec));
  g_assert_cmpfloat (gpu->spec.memory_bandwidth, ==, 21.4e9);
  g_assert_cmpfloat (gpu->spec.memory_bytes, ==, 16e9);
  g_assert_cmpuint (gpu->spec.sms, ==, 8);
  g_assert_cmpfloat (gpu->spec.price_per_hour, ==, 0.0);
  /* A CPU converts 16-bit weights to f32 to multiply them: bf16 runs at the f32 rate. */
  g_assert_cmpfloat (uth_gpu_peak_flops (&gpu->spec, UTH_DTYPE_BF16), ==, 96.5e9);
  g_assert_nonnull (strstr (gpu->source, "2026-12-07"));   /* 1796601600 is 2026-12-07 UTC */
  g_assert_cmpstr (summary, ==, "This computer: 21.4 GB/s from memory, 96.5 GFLOP/s (f32 matrix "
                                "multiply) on 8 threads, measured 2026-12-07.");
  /* Measured again, the device is replaced, not added twice. */
  m.memory_bandwidth = 30e9;
  uth_this_computer_add_to_catalog (&m, catalog);
  g_assert_cmpuint (uth_catalog_get_n_gpus (catalog), ==, 1);
  g_assert_cmpfloat (uth_catalog_find_gpu (catalog, UTH_THIS_COMPUTER_ID)->spec.memory_bandwidth, ==, 30e9);
  uth_catalog_unref (catalog);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/this-computer/measure-short", test_measure_short);
  g_test_add_func ("/this-computer/measure-cancelled", test_measure_cancelled);
  g_test_add_func ("/this-computer/measure-async-progress", test_measure_async_progress);
  g_test_add_func ("/this-computer/settings-round-trip", test_settings_round_trip);
  g_test_add_func ("/this-computer/settings-malformed", test_settings_malformed);
  g_test_add_func ("/this-computer/catalog-device", test_catalog_device);
  return g_test_run ();
}
