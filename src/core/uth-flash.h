/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Standard attention against Flash Attention: the same O = softmax (Q K^T) V for every head of
 * every sequence, with the HBM bytes of each algorithm counted from its loops.
 *
 * Standard attention is Algorithm 0 of Dao et al., "FlashAttention: Fast and Memory-Efficient
 * Exact Attention with IO-Awareness" (NeurIPS 2022): S = Q K^T written to HBM, P = softmax (S)
 * read and written, O = P V reading P. Flash Attention is that paper's Algorithm 1: K and V in
 * column blocks of Bc rows (outer loop), Q, O, l and m in row blocks of Br rows (inner loop),
 * Bc = ceil (M / 4d), Br = min (Bc, d) for an on-chip memory of M elements, softmax kept online
 * with a running maximum m and sum l so nothing N x N ever reaches HBM. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "uth-dtype.h"
#include "uth-engine.h"
#include "uth-gpu.h"
#include "uth-roofline.h"

typedef struct
{
  uint64_t seq;                 /* N: tokens per sequence */
  uint32_t head_dim;            /* d */
  uint32_t heads;               /* attention heads computed (query heads) */
  uint64_t batch;               /* sequences */
  double   bytes_per_element;   /* every element counted at this size (2 for bf16) */
  double   sram_bytes;          /* M in bytes: on-chip memory one thread block may use */
  bool     causal;              /* Flash Attention skips blocks wholly above the diagonal */
} UthFlashInput;

typedef enum
{
  UTH_FLASH_OK = 0,
  UTH_FLASH_BAD_SEQ,            /* 0 or above 2^22 tokens */
  UTH_FLASH_BAD_HEAD_DIM,       /* 0 or above 4096 */
  UTH_FLASH_BAD_HEADS,          /* no heads or sequences, or heads x batch above 2^20 */
  UTH_FLASH_BAD_ELEMENT,        /* bytes per element not positive and finite */
  UTH_FLASH_SRAM_TOO_SMALL,     /* M below d elements: not even one row of a block fits */
} UthFlashError;

/* The three passes of standard attention. */
typedef enum
{
  UTH_FLASH_PASS_SCORES,        /* S = Q K^T */
  UTH_FLASH_PASS_SOFTMAX,       /* P = softmax (S) */
  UTH_FLASH_PASS_OUTPUT,        /* O = P V */
  UTH_FLASH_N_PASSES
} UthFlashPass;

typedef struct
{
  uint64_t sram_elements;       /* M = sram_bytes / bytes_per_element */
  uint64_t bc;                  /* ceil (M / 4d), at most N: rows of a K or V block */
  uint64_t br;                  /* min (Bc, d), at most N: rows of a Q or O block */
  uint64_t tc;                  /* ceil (N / Bc): outer iterations */
  uint64_t tr;                  /* ceil (N / Br): inner iterations */
  uint64_t steps;               /* (i, j) block pairs visited: tr x tc, fewer when causal */

  /* Standard attention, all heads and sequences. Elements per head:
   * scores: read 2Nd, write N^2; softmax: read N^2, write N^2; output: read N^2 + Nd, write Nd. */
  double   standard_read_bytes[UTH_FLASH_N_PASSES];
  double   standard_write_bytes[UTH_FLASH_N_PASSES];
  double   standard_bytes;      /* all passes, read and written */
  double   standard_flops;      /* 4 N^2 d per head: the mask is applied after computing S */
  double   standard_peak_bytes; /* Q, K, V, O and S, P: 4Nd + 2N^2 per head */

  /* Flash Attention, all heads and sequences, counted from Algorithm 1's loops:
   * O, l, m initialised (Nd + 2N written); each K_j, V_j loaded once; every visited (i, j)
   * reads Q_i, O_i, l_i, m_i and writes O_i, l_i, m_i. */
  double   flash_read_bytes;
  double   flash_write_bytes;
  double   flash_bytes;
  double   flash_flops;         /* 4 Br Bc d per visited block (edge blocks smaller) */
  double   flash_peak_bytes;    /* Q, K, V, O and l, m: 4Nd + 2N per head */

  double   traffic_ratio;       /* standard_bytes / flash_bytes */
  double   memory_ratio;        /* standard_peak_bytes / flash_peak_bytes */
} UthFlash;

UthFlashError uth_flash_compute (const UthFlashInput *input,
                                 UthFlash            *out);

/* Animation: step s (0 <= s < steps) of Algorithm 1 visits K/V block j (outer) and Q/O block
 * i (inner). Returns false when s is out of range. */
bool          uth_flash_step_block (const UthFlashInput *input,
                                    const UthFlash      *flash,
                                    uint64_t             step,
                                    uint64_t            *i,
                                    uint64_t            *j);
/* HBM bytes Flash Attention has read and written once step s is done (all heads, sequences).
 * After the last step they equal flash_read_bytes and flash_write_bytes exactly. */
void          uth_flash_bytes_at_step (const UthFlashInput *input,
                                       const UthFlash      *flash,
                                       uint64_t             step,
                                       double              *read,
                                       double              *written);
/* Standard attention at the same fraction of the work (progress 0..1): each pass takes a
 * third, its bytes growing evenly within it. Sets the pass being run. */
void          uth_flash_standard_bytes_at (const UthFlash *flash,
                                           double          progress,
                                           double         *read,
                                           double         *written,
                                           UthFlashPass   *pass);
/* Whether block (i, j) is visited at all (false above the diagonal when causal). */
bool          uth_flash_block_visited (const UthFlashInput *input,
                                       const UthFlash      *flash,
                                       uint64_t             i,
                                       uint64_t             j);

typedef struct
{
  UthOpTime standard[UTH_FLASH_N_PASSES]; /* one kernel per pass */
  double    standard_seconds;
  UthOpTime flash;                        /* one fused kernel */
  double    flash_seconds;
} UthFlashTime;

/* Time of each algorithm on a GPU by the roofline (compute in dtype). Softmax FLOPs are not
 * counted, so the softmax pass is timed by its bytes alone. */
void          uth_flash_time (const UthFlashInput *input,
                              const UthFlash      *flash,
                              const UthGpu        *gpu,
                              const UthEngine     *engine,
                              UthDtype             dtype,
                              UthFlashTime        *out);
