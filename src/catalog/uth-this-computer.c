/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "catalog/uth-this-computer.h"

/* A block of the matrix multiply: three 96 × 96 f32 matrices (108 KiB) stay in a core's L2,
 * so the loop measures arithmetic, not memory. */
#define MATMUL_N 96

/* The kernels are compiled for AVX2 + FMA too where GCC can pick at run time, so the figure is
 * what this processor's vector units reach, as llama.cpp's kernels use them. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define UTH_MEASURE_CLONES __attribute__ ((target_clones ("arch=x86-64-v3", "default"), optimize ("O3")))
#else
#define UTH_MEASURE_CLONES
#endif

/* Sums 64-bit words with four accumulators: reading memory, not adding, is the cost. */
UTH_MEASURE_CLONES static uint64_t
read_words (const uint64_t *words,
            size_t          n)
{
  uint64_t a = 0, b = 0, c = 0, d = 0;
  size_t i;

  for (i = 0; i + 4 <= n; i += 4)
    {
      a += words[i];
      b += words[i + 1];
      c += words[i + 2];
      d += words[i + 3];
    }
  for (; i < n; i++)
    a += words[i];
  return a ^ b ^ c ^ d;
}

/* c += a · b for MATMUL_N square matrices, row by row (i, k, j: the inner loop is a vector
 * multiply-add over a row of b). 2 N³ FLOPs. */
UTH_MEASURE_CLONES static void
matmul (const float *restrict a,
        const float *restrict b,
        float       *restrict c)
{
  for (int i = 0; i < MATMUL_N; i++)
    for (int k = 0; k < MATMUL_N; k++)
      {
        float aik = a[i * MATMUL_N + k];

        for (int j = 0; j < MATMUL_N; j++)
          c[i * MATMUL_N + j] += aik * b[k * MATMUL_N + j];
      }
}

typedef enum
{
  WORK_READ,
  WORK_MATMUL,
} WorkKind;

typedef struct
{
  WorkKind        kind;
  const uint64_t *words;      /* WORK_READ: this thread's slice */
  size_t          n_words;
  double          seconds;    /* WORK_MATMUL: how long to multiply */
  GCancellable   *cancellable;
  double          work;       /* out: FLOPs done */
  uint64_t        sink;       /* out: keeps the reads from being optimised away */
} Work;

static gpointer
work_thread (gpointer data)
{
  Work *w = data;

  if (w->kind == WORK_READ)
    w->sink = read_words (w->words, w->n_words);
  else
    {
      float *m = g_new0 (float, 3 * MATMUL_N * MATMUL_N);
      gint64 end = g_get_monotonic_time () + (gint64) (w->seconds * G_USEC_PER_SEC);

      for (int i = 0; i < 2 * MATMUL_N * MATMUL_N; i++)
        m[i] = (float) ((i % 7) - 3) * 0.125f;
      do
        {
          matmul (m, m + MATMUL_N * MATMUL_N, m + 2 * MATMUL_N * MATMUL_N);
          w->work += 2.0 * MATMUL_N * MATMUL_N * MATMUL_N;
        }
      while (g_get_monotonic_time () < end && !g_cancellable_is_cancelled (w->cancellable));
      w->sink = (uint64_t) m[2 * MATMUL_N * MATMUL_N + 1];
      g_free (m);
    }
  return NULL;
}

/* Runs one Work per thread and waits for all; returns the wall time in seconds. */
static double
run_threads (Work  *works,
             guint  n)
{
  g_autofree GThread **threads = g_new0 (GThread *, n);
  gint64 start = g_get_monotonic_time ();

  for (guint t = 0; t < n; t++)
    threads[t] = g_thread_new ("uth-measure", work_thread, &works[t]);
  for (guint t = 0; t < n; t++)
    g_thread_join (threads[t]);
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

static double
physical_memory (void)
{
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
  long pages = sysconf (_SC_PHYS_PAGES), size = sysconf (_SC_PAGESIZE);

  if (pages > 0 && size > 0)
    return (double) pages * (double) size;
#endif
  return 0.0;
}

static gboolean
cancelled (GCancellable  *cancellable,
           GError       **error)
{
  return g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
uth_this_computer_measure (UthThisComputer    *out,
                           double              seconds,
                           UthMeasureProgress  progress,
                           gpointer            progress_data,
                           GCancellable       *cancellable,
                           GError            **error)
{
  guint threads = MAX (g_get_num_processors (), 1);
  size_t bytes = (seconds >= 1.0 ? 256 : 32) * (size_t) 1024 * 1024;
  size_t n_words = bytes / sizeof (uint64_t);
  g_autofree uint64_t *words = NULL;
  g_autofree Work *works = g_new0 (Work, threads);
  double best_bandwidth = 0.0, best_flops = 0.0, memory = physical_memory ();
  double read_share = 0.5, spent = 0.0;
  int rounds = 0;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  seconds = MAX (seconds, 0.05);
  if (memory > 0 && (double) bytes * 4 > memory)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("This computer has too little memory (%.0f MiB) to measure its bandwidth"),
                   memory / (1024.0 * 1024.0));
      return FALSE;
    }
  words = g_try_malloc (bytes);
  if (words == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("Could not set aside %zu MiB to measure the memory bandwidth"),
                   bytes / (1024 * 1024));
      return FALSE;
    }
  /* Touch every page first, so the timed reads do not also count page faults. */
  for (size_t i = 0; i < n_words; i++)
    words[i] = i * 2654435761u;

  /* Memory: every thread reads its slice of the buffer at once; the best of several rounds
   * in the first half of the time. */
  while (spent < seconds * read_share || rounds < 3)
    {
      double t;

      if (cancelled (cancellable, error))
        return FALSE;
      for (guint i = 0; i < threads; i++)
        works[i] = (Work) { WORK_READ, words + i * (n_words / threads), n_words / threads,
                            0, cancellable, 0, 0 };
      t = run_threads (works, threads);
      spent += t;
      rounds++;
      if (t > 0)
        best_bandwidth = MAX (best_bandwidth, (double) (n_words / threads) * threads * sizeof (uint64_t) / t);
      if (progress != NULL)
        progress (MIN (spent / seconds, read_share), progress_data);
      if (rounds >= 64)
        break;
    }
  g_clear_pointer (&words, g_free);

  /* Arithmetic: every thread multiplies matrices for a slice of the rest of the time; the
   * best of three slices. */
  for (int slice = 0; slice < 3; slice++)
    {
      double t, work = 0;

      if (cancelled (cancellable, error))
        return FALSE;
      for (guint i = 0; i < threads; i++)
        works[i] = (Work) { WORK_MATMUL, NULL, 0, seconds * (1 - read_share) / 3, cancellable,
                            0, 0 };
      t = run_threads (works, threads);
      for (guint i = 0; i < threads; i++)
        work += works[i].work;
      if (t > 0)
        best_flops = MAX (best_flops, work / t);
      if (progress != NULL)
        progress (read_share + (1 - read_share) * (slice + 1) / 3.0, progress_data);
    }
  if (cancelled (cancellable, error))
    return FALSE;
  if (!(best_bandwidth > 0) || !(best_flops > 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The measurement of this computer gave no usable figures"));
      return FALSE;
    }
  *out = (UthThisComputer) {
    .memory_bandwidth = best_bandwidth,
    .flops_f32 = best_flops,
    .memory_bytes = memory > 0 ? memory : bytes,
    .threads = threads,
    .measured_at = g_get_real_time () / G_USEC_PER_SEC,
  };
  return TRUE;
}

/* ---- on a worker thread ---- */

typedef struct
{
  double             seconds;
  UthMeasureProgress progress;
  gpointer           progress_data;
  GMainContext      *context;
  UthThisComputer    result;
} AsyncData;

typedef struct
{
  AsyncData *data;
  double     fraction;
} ProgressCall;

static gboolean
progress_idle (gpointer user_data)
{
  ProgressCall *call = user_data;

  call->data->progress (call->fraction, call->data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_from_thread (double   fraction,
                      gpointer user_data)
{
  AsyncData *data = user_data;
  ProgressCall *call = g_new (ProgressCall, 1);

  *call = (ProgressCall) { data, fraction };
  /* The task keeps data alive until its callback ran, which is queued after these. */
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_idle, call, g_free);
}

static void
async_data_free (gpointer p)
{
  AsyncData *data = p;

  g_main_context_unref (data->context);
  g_free (data);
}

static void
measure_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;

  if (uth_this_computer_measure (&data->result, data->seconds,
                                 data->progress != NULL ? progress_from_thread : NULL, data,
                                 cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
uth_this_computer_measure_async (double               seconds,
                                 UthMeasureProgress   progress,
                                 gpointer             progress_data,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  AsyncData *data = g_new0 (AsyncData, 1);

  data->seconds = seconds;
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, uth_this_computer_measure_async);
  g_task_set_task_data (task, data, async_data_free);
  g_task_run_in_thread (task, measure_thread);
}

gboolean
uth_this_computer_measure_finish (GAsyncResult     *result,
                                  UthThisComputer  *out,
                                  GError          **error)
{
  GTask *task = G_TASK (result);

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  if (!g_task_propagate_boolean (task, error))
    return FALSE;
  if (out != NULL)
    *out = ((AsyncData *) g_task_get_task_data (task))->result;
  return TRUE;
}

/* ---- settings ---- */

char *
uth_this_computer_to_string (const UthThisComputer *self)
{
  char bw[G_ASCII_DTOSTR_BUF_SIZE], fl[G_ASCII_DTOSTR_BUF_SIZE], mem[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (self != NULL, NULL);
  return g_strdup_printf ("v1 %s %s %s %u %" G_GINT64_FORMAT,
                          g_ascii_dtostr (bw, sizeof bw, self->memory_bandwidth),
                          g_ascii_dtostr (fl, sizeof fl, self->flops_f32),
                          g_ascii_dtostr (mem, sizeof mem, self->memory_bytes),
                          self->threads, self->measured_at);
}

static gboolean
parse_number (const char *text,
              double      min,
              double      max,
              double     *out)
{
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0' || !isfinite (v) || v < min || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
uth_this_computer_from_string (UthThisComputer *self,
                               const char      *text)
{
  g_auto(GStrv) parts = NULL;
  double bw, fl, mem, threads, when;

  g_return_val_if_fail (self != NULL, FALSE);
  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, " ", -1);
  /* Bounds a real machine stays within: 10 MB/s to 100 TB/s, 1 MFLOP/s to 10 PFLOP/s. */
  if (g_strv_length (parts) != 6 || strcmp (parts[0], "v1") != 0 ||
      !parse_number (parts[1], 1e7, 1e14, &bw) ||
      !parse_number (parts[2], 1e6, 1e16, &fl) ||
      !parse_number (parts[3], 1e6, 1e15, &mem) ||
      !parse_number (parts[4], 1, 65536, &threads) || threads != floor (threads) ||
      !parse_number (parts[5], 0, 1e11, &when))
    return FALSE;
  *self = (UthThisComputer) { bw, fl, mem, (guint) threads, (gint64) when };
  return TRUE;
}

/* ---- the device ---- */

static char *
measured_date (const UthThisComputer *self)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (self->measured_at);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d") : g_strdup ("?");
}

char *
uth_this_computer_describe (const UthThisComputer *self)
{
  g_autofree char *date = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  date = measured_date (self);
  /* TRANSLATORS: GB/s from memory, GFLOP/s, number of threads, a date */
  return g_strdup_printf (ngettext ("This computer: %.1f GB/s from memory, %.1f GFLOP/s (f32 matrix multiply) on %u thread, measured %s.",
                                    "This computer: %.1f GB/s from memory, %.1f GFLOP/s (f32 matrix multiply) on %u threads, measured %s.",
                                    self->threads),
                          self->memory_bandwidth / 1e9, self->flops_f32 / 1e9, self->threads, date);
}

void
uth_this_computer_add_to_catalog (const UthThisComputer *self,
                                  UthCatalog            *catalog)
{
  g_autofree char *date = NULL, *source = NULL;
  UthGpuEntry entry = { 0 };

  g_return_if_fail (self != NULL);
  g_return_if_fail (catalog != NULL);

  date = measured_date (self);
  /* TRANSLATORS: where the figures of "This computer" come from; %s is a date */
  source = g_strdup_printf (_("measured on this computer by Under the Hood on %s"), date);
  entry.id = (char *) UTH_THIS_COMPUTER_ID;
  entry.name = (char *) _("This computer");
  entry.vendor = (char *) "";
  entry.source = source;
  entry.interconnect = (char *) "";
  entry.spec.peak_flops[UTH_DTYPE_FP32] = self->flops_f32;
  entry.spec.memory_bytes = self->memory_bytes;
  entry.spec.memory_bandwidth = self->memory_bandwidth;
  entry.spec.sms = MAX (self->threads, 1);
  entry.spec.price_per_hour = 0.0;
  uth_catalog_add_gpu (catalog, &entry);
}
