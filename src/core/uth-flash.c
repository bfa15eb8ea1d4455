/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-flash.h"

#include <math.h>
#include <string.h>

#define UTH_FLASH_MAX_SEQ      (UINT64_C (1) << 22)
#define UTH_FLASH_MAX_HEAD_DIM 4096u
#define UTH_FLASH_MAX_INSTANCES (UINT64_C (1) << 20)

static uint64_t
ceil_div (uint64_t a,
          uint64_t b)
{
  return a / b + (a % b != 0);
}

static UthFlashError
validate (const UthFlashInput *in)
{
  if (in->seq == 0 || in->seq > UTH_FLASH_MAX_SEQ)
    return UTH_FLASH_BAD_SEQ;
  if (in->head_dim == 0 || in->head_dim > UTH_FLASH_MAX_HEAD_DIM)
    return UTH_FLASH_BAD_HEAD_DIM;
  if (in->heads == 0 || in->batch == 0 || in->batch > UTH_FLASH_MAX_INSTANCES ||
      (uint64_t) in->heads * in->batch > UTH_FLASH_MAX_INSTANCES)
    return UTH_FLASH_BAD_HEADS;
  if (!isfinite (in->bytes_per_element) || in->bytes_per_element <= 0.0)
    return UTH_FLASH_BAD_ELEMENT;
  if (!isfinite (in->sram_bytes) || in->sram_bytes / in->bytes_per_element < in->head_dim)
    return UTH_FLASH_SRAM_TOO_SMALL;
  return UTH_FLASH_OK;
}

/* First row block that sees column block j: with a causal mask, block (i, j) is needed when
 * its first key, j Bc, is not after its last query, (i + 1) Br - 1. */
static uint64_t
first_row_block (const UthFlashInput *in,
                 const UthFlash      *f,
                 uint64_t             j)
{
  if (!in->causal)
    return 0;
  return (j * f->bc) / f->br;
}

static uint64_t
column_width (const UthFlashInput *in,
              const UthFlash      *f,
              uint64_t             j)
{
  uint64_t start = j * f->bc;
  return in->seq - start < f->bc ? in->seq - start : f->bc;
}

/* Query rows covered by row blocks first .. last (inclusive). */
static uint64_t
rows_between (const UthFlashInput *in,
              const UthFlash      *f,
              uint64_t             first,
              uint64_t             last)
{
  uint64_t start = first * f->br;
  uint64_t end = (last + 1) * f->br;

  if (end > in->seq)
    end = in->seq;
  return end > start ? end - start : 0;
}

static void
compute_standard (const UthFlashInput *in,
                  UthFlash            *f)
{
  double n = (double) in->seq, d = in->head_dim;
  double scale = (double) in->heads * (double) in->batch * in->bytes_per_element;

  f->standard_read_bytes[UTH_FLASH_PASS_SCORES] = 2.0 * n * d * scale;
  f->standard_write_bytes[UTH_FLASH_PASS_SCORES] = n * n * scale;
  f->standard_read_bytes[UTH_FLASH_PASS_SOFTMAX] = n * n * scale;
  f->standard_write_bytes[UTH_FLASH_PASS_SOFTMAX] = n * n * scale;
  f->standard_read_bytes[UTH_FLASH_PASS_OUTPUT] = (n * n + n * d) * scale;
  f->standard_write_bytes[UTH_FLASH_PASS_OUTPUT] = n * d * scale;
  f->standard_bytes = 0.0;
  for (int p = 0; p < UTH_FLASH_N_PASSES; p++)
    f->standard_bytes += f->standard_read_bytes[p] + f->standard_write_bytes[p];
  f->standard_flops = 4.0 * n * n * d * (double) in->heads * (double) in->batch;
  f->standard_peak_bytes = (4.0 * n * d + 2.0 * n * n) * scale;
}

static void
compute_flash (const UthFlashInput *in,
               UthFlash            *f)
{
  double n = (double) in->seq, d = in->head_dim;
  double instances = (double) in->heads * (double) in->batch;
  double scale = instances * in->bytes_per_element;
  double read = 2.0 * n * d;             /* every K_j and V_j once */
  double written = n * d + 2.0 * n;      /* O, l, m initialised in HBM */
  double flops = 0.0;

  f->steps = 0;
  for (uint64_t j = 0; j < f->tc; j++)
    {
      uint64_t first = first_row_block (in, f, j);
      double rows = (double) rows_between (in, f, first, f->tr - 1);

      f->steps += f->tr - first;
      read += rows * (2.0 * d + 2.0);    /* Q_i, O_i, l_i, m_i */
      written += rows * (d + 2.0);       /* O_i, l_i, m_i */
      flops += 4.0 * rows * (double) column_width (in, f, j) * d;
    }
  f->flash_read_bytes = read * scale;
  f->flash_write_bytes = written * scale;
  f->flash_bytes = f->flash_read_bytes + f->flash_write_bytes;
  f->flash_flops = flops * instances;
  f->flash_peak_bytes = (4.0 * n * d + 2.0 * n) * scale;
}

UthFlashError
uth_flash_compute (const UthFlashInput *in,
                   UthFlash            *out)
{
  UthFlashError err;
  uint64_t four_d;

  memset (out, 0, sizeof *out);
  if (in == NULL)
    return UTH_FLASH_BAD_SEQ;
  err = validate (in);
  if (err != UTH_FLASH_OK)
    return err;

  out->sram_elements = (uint64_t) floor (in->sram_bytes / in->bytes_per_element);
  four_d = 4 * (uint64_t) in->head_dim;
  out->bc = ceil_div (out->sram_elements, four_d);
  out->br = out->bc < in->head_dim ? out->bc : in->head_dim;
  /* An SRAM larger than the whole sequence still makes one block, not a block past the end. */
  if (out->bc > in->seq)
    out->bc = in->seq;
  if (out->br > in->seq)
    out->br = in->seq;
  out->tc = ceil_div (in->seq, out->bc);
  out->tr = ceil_div (in->seq, out->br);

  compute_standard (in, out);
  compute_flash (in, out);
  out->traffic_ratio = out->standard_bytes / out->flash_bytes;
  out->memory_ratio = out->standard_peak_bytes / out->flash_peak_bytes;
  return UTH_FLASH_OK;
}

bool
uth_flash_block_visited (const UthFlashInput *in,
                         const UthFlash      *f,
                         uint64_t             i,
                         uint64_t             j)
{
  if (in == NULL || f == NULL || f->tr == 0 || i >= f->tr || j >= f->tc)
    return false;
  return i >= first_row_block (in, f, j);
}

bool
uth_flash_step_block (const UthFlashInput *in,
                      const UthFlash      *f,
                      uint64_t             step,
                      uint64_t            *i,
                      uint64_t            *j)
{
  uint64_t left = step;

  if (in == NULL || f == NULL || step >= f->steps)
    return false;
  if (!in->causal)
    {
      *j = step / f->tr;
      *i = step % f->tr;
      return true;
    }
  for (uint64_t col = 0; col < f->tc; col++)
    {
      uint64_t first = first_row_block (in, f, col);
      uint64_t count = f->tr - first;

      if (left < count)
        {
          *j = col;
          *i = first + left;
          return true;
        }
      left -= count;
    }
  return false;
}

void
uth_flash_bytes_at_step (const UthFlashInput *in,
                         const UthFlash      *f,
                         uint64_t             step,
                         double              *read,
                         double              *written)
{
  double d, scale, r, w;
  uint64_t bi, bj;

  *read = 0.0;
  *written = 0.0;
  if (in == NULL || f == NULL || f->steps == 0)
    return;
  if (step >= f->steps)
    step = f->steps - 1;
  if (!uth_flash_step_block (in, f, step, &bi, &bj))
    return;

  d = in->head_dim;
  scale = (double) in->heads * (double) in->batch * in->bytes_per_element;
  r = 0.0;
  w = (double) in->seq * d + 2.0 * (double) in->seq;
  for (uint64_t col = 0; col <= bj; col++)
    {
      uint64_t first = first_row_block (in, f, col);
      uint64_t last = col < bj ? f->tr - 1 : bi;
      double rows = (double) rows_between (in, f, first, last);

      r += 2.0 * (double) column_width (in, f, col) * d;
      r += rows * (2.0 * d + 2.0);
      w += rows * (d + 2.0);
    }
  *read = r * scale;
  *written = w * scale;
}

void
uth_flash_standard_bytes_at (const UthFlash *f,
                             double          progress,
                             double         *read,
                             double         *written,
                             UthFlashPass   *pass)
{
  double pos, within;
  int p;

  *read = 0.0;
  *written = 0.0;
  if (pass != NULL)
    *pass = UTH_FLASH_PASS_SCORES;
  if (f == NULL || !(progress > 0.0))
    return;
  if (progress > 1.0)
    progress = 1.0;
  pos = progress * UTH_FLASH_N_PASSES;
  p = (int) floor (pos);
  if (p >= UTH_FLASH_N_PASSES)
    p = UTH_FLASH_N_PASSES - 1;
  within = pos - p;
  for (int k = 0; k < p; k++)
    {
      *read += f->standard_read_bytes[k];
      *written += f->standard_write_bytes[k];
    }
  *read += within * f->standard_read_bytes[p];
  *written += within * f->standard_write_bytes[p];
  if (pass != NULL)
    *pass = (UthFlashPass) p;
}

static void
set_op (UthOp       *op,
        const char  *id,
        const UthFlashInput *in,
        double       flops,
        double       read,
        double       written)
{
  memset (op, 0, sizeof *op);
  op->id = id;
  op->kind = UTH_OP_ATTN_MATMUL;
  op->group = UTH_OP_GROUP_ATTN_MATMUL;
  op->m = in->seq;
  op->k = in->head_dim;
  op->n = in->seq;
  op->count = (uint64_t) in->heads * in->batch;
  op->repeat = 1.0;
  op->rows = (double) in->seq;      /* queries sharing each key and value stream */
  op->kernels = 1.0;
  op->layer = -1;
  op->flops = flops;
  op->act_read_bytes = read;
  op->act_write_bytes = written;
}

void
uth_flash_time (const UthFlashInput *in,
                const UthFlash      *f,
                const UthGpu        *gpu,
                const UthEngine     *engine,
                UthDtype             dtype,
                UthFlashTime        *out)
{
  UthOp op;
  static const char *const ids[UTH_FLASH_N_PASSES] = { "attn_scores", "attn_softmax", "attn_output" };
  double pass_flops[UTH_FLASH_N_PASSES];

  memset (out, 0, sizeof *out);
  if (in == NULL || f == NULL || gpu == NULL || engine == NULL || f->steps == 0)
    return;
  pass_flops[UTH_FLASH_PASS_SCORES] = f->standard_flops / 2.0;
  pass_flops[UTH_FLASH_PASS_SOFTMAX] = 0.0;
  pass_flops[UTH_FLASH_PASS_OUTPUT] = f->standard_flops / 2.0;
  for (int p = 0; p < UTH_FLASH_N_PASSES; p++)
    {
      set_op (&op, ids[p], in, pass_flops[p], f->standard_read_bytes[p], f->standard_write_bytes[p]);
      if (p == UTH_FLASH_PASS_SOFTMAX)
        op.kind = UTH_OP_SOFTMAX;
      out->standard[p] = uth_roofline_op_time (&op, gpu, engine, dtype);
      out->standard_seconds += out->standard[p].seconds;
    }
  set_op (&op, "flash_attention", in, f->flash_flops, f->flash_read_bytes, f->flash_write_bytes);
  out->flash = uth_roofline_op_time (&op, gpu, engine, dtype);
  out->flash_seconds = out->flash.seconds;
}
