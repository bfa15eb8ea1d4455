/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "This computer": a short measurement of the machine the app runs on (memory bandwidth and
 * matrix-multiply FLOP/s on all its cores), which the estimator then uses like any catalog
 * device. The figures are what this program reaches, not a datasheet's peaks. */
#pragma once

#include <gio/gio.h>

#include "catalog/uth-catalog.h"

G_BEGIN_DECLS

#define UTH_THIS_COMPUTER_ID "this-computer"

typedef struct
{
  double memory_bandwidth;  /* bytes/s read from RAM, all threads, best run */
  double flops_f32;         /* FLOP/s of an f32 matrix multiply, all threads, best run */
  double memory_bytes;      /* physical memory */
  guint  threads;           /* threads the measurement ran (the processors available) */
  gint64 measured_at;       /* Unix time in seconds */
} UthThisComputer;

/* Progress, 0 to 1, from the thread that measures. */
typedef void (*UthMeasureProgress) (double   fraction,
                                    gpointer user_data);

/* Measures for about @seconds (at least 0.05; the memory buffer is 256 MiB from one second up,
 * 32 MiB below, so a short test run stays short). Cancelled, it returns FALSE with
 * G_IO_ERROR_CANCELLED and leaves @out untouched. Blocking: call it from a worker thread. */
gboolean uth_this_computer_measure        (UthThisComputer    *out,
                                           double              seconds,
                                           UthMeasureProgress  progress,
                                           gpointer            progress_data,
                                           GCancellable       *cancellable,
                                           GError            **error);
/* The same on a worker thread; @progress is called on the caller's main context. */
void     uth_this_computer_measure_async  (double               seconds,
                                           UthMeasureProgress   progress,
                                           gpointer             progress_data,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean uth_this_computer_measure_finish (GAsyncResult        *result,
                                           UthThisComputer     *out,
                                           GError             **error);

/* One line for a settings key ("v1 <bytes/s> <FLOP/s> <bytes> <threads> <time>"), and back:
 * FALSE for an empty, malformed or implausible line (a hand-edited setting). */
char    *uth_this_computer_to_string      (const UthThisComputer *self);
gboolean uth_this_computer_from_string    (UthThisComputer       *self,
                                           const char            *text);

/* One sentence with the figures: "This computer: 21.4 GB/s from memory, 96.0 GFLOP/s (f32
 * matrix multiply) on 2 threads, measured 2026-12-07." */
char    *uth_this_computer_describe       (const UthThisComputer *self);

/* Adds (or replaces) the "this-computer" device in @catalog: bandwidth and f32 FLOP/s as
 * measured, 16-bit types at the f32 rate (a CPU converts them), RAM as memory, no price. */
void     uth_this_computer_add_to_catalog (const UthThisComputer *self,
                                           UthCatalog            *catalog);

G_END_DECLS
