/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A deterministic discrete-event simulation of an inference server: requests arrive, wait,
 * are batched (static or continuous), prefilled and decoded, every step timed by the estimator. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uth-estimate.h"
#include "uth-rng.h"

typedef enum
{
  UTH_BATCH_STATIC,        /* collect a batch (or time out), run it to its longest output */
  UTH_BATCH_CONTINUOUS,    /* sequences join and leave the running batch at every step */
} UthBatchPolicy;

typedef enum
{
  UTH_ARRIVAL_POISSON,     /* exponential gaps at arrival_rate requests/s */
  UTH_ARRIVAL_BURST,       /* every request at t = 0 */
} UthArrivalKind;

typedef enum
{
  UTH_LENGTH_FIXED,        /* always mean */
  UTH_LENGTH_UNIFORM,      /* integers in [min, max] */
  UTH_LENGTH_EXPONENTIAL,  /* exponential with this mean, rounded, clamped to [min, max] */
} UthLengthKind;

typedef struct
{
  UthLengthKind kind;
  double        mean;      /* tokens (fixed, exponential) */
  uint32_t      min;       /* tokens, >= 1 */
  uint32_t      max;       /* tokens */
} UthLengthSpec;

/* The most batch slots the simulator runs (the Batching page's batch limit). */
#define UTH_BATCH_MAX_SLOTS 1024

typedef struct
{
  UthBatchPolicy policy;
  UthArrivalKind arrival;
  double         arrival_rate;      /* requests per second (Poisson) */
  uint32_t       requests;          /* how many requests the trace holds, 1..1000000 */
  UthLengthSpec  prompt;
  UthLengthSpec  output;
  uint32_t       max_batch;         /* batch slots, 1..UTH_BATCH_MAX_SLOTS */
  double         batch_timeout_s;   /* static: start a partial batch after its oldest waited this */
  bool           chunked_prefill;   /* continuous: prefill in chunks mixed into decode steps */
  uint32_t       prefill_chunk;     /* tokens per step for chunked prefill */
  double         kv_capacity_tokens;/* KV cache limit in tokens; 0 takes what the GPU has free */
  uint64_t       seed;
  bool           record_timeline;   /* keep per-slot segments and per-step records */
} UthBatchConfig;

typedef enum
{
  UTH_BATCH_OK = 0,
  UTH_BATCH_BAD_CONFIG,     /* a count, rate or length out of range */
  UTH_BATCH_ESTIMATE_FAILED,/* the estimator refused the scenario */
  UTH_BATCH_DOES_NOT_FIT,   /* the weights leave no room for one request's KV cache */
  UTH_BATCH_NO_MEMORY,
} UthBatchError;

/* Enough steps for any timeline a figure shows; a longer run logs only its beginning. */
#define UTH_BATCH_MAX_LOGGED_STEPS 50000

typedef enum
{
  UTH_SEGMENT_PREFILL,
  UTH_SEGMENT_DECODE,
  UTH_SEGMENT_PADDING,      /* a slot computing for a sequence that has already finished */
} UthSegmentKind;

/* One stretch of one batch slot doing one thing for one request. */
typedef struct
{
  uint32_t       slot;
  uint32_t       request;
  UthSegmentKind kind;
  double         t0, t1;    /* seconds */
} UthBatchSegment;

/* One forward pass of the server. */
typedef struct
{
  double   t0, t1;          /* seconds */
  uint32_t batch;           /* slots computing (padding included) */
  uint32_t useful;          /* slots producing a token or prefilling */
  uint32_t queue;           /* requests arrived and waiting at the start of the step */
  uint64_t new_tokens;      /* useful tokens processed (prefill + generated) */
  double   kv_tokens;       /* tokens held in the KV cache */
  double   flops;
  double   bytes;
} UthBatchStep;

typedef struct
{
  double   arrival;
  double   admitted;
  double   first_token;     /* end of the first decode step that produced a token */
  double   finish;          /* when its last token was produced */
  uint32_t prompt;
  uint32_t output;
  uint32_t generated;
} UthBatchRequest;

typedef struct
{
  double p50, p90, p99, mean;
} UthPercentiles;

typedef struct
{
  /* The whole run. */
  double         makespan_s;          /* first arrival to last finish */
  double         output_tokens_per_s; /* generated tokens / makespan */
  double         requests_per_s;
  uint64_t       output_tokens;
  uint64_t       prompt_tokens;
  uint64_t       padded_slot_steps;   /* decode slot-steps wasted on finished sequences */
  uint64_t       steps;
  double         busy_s;              /* time the GPU was running a step */
  double         mean_batch;          /* time-weighted over busy time */
  double         compute_utilization; /* achieved FLOP/s / peak, over busy time */
  double         bandwidth_utilization; /* bytes/s / peak bandwidth, over busy time */
  uint32_t       max_queue;
  double         kv_capacity_tokens;  /* the limit used */
  UthPercentiles ttft_s;              /* arrival to first token */
  UthPercentiles tpot_s;              /* time per output token after the first */
  UthPercentiles latency_s;           /* arrival to finish */

  /* Per request and, when recorded, per step and per slot. Owned; uth_batch_result_clear. */
  UthBatchRequest *requests;
  size_t           n_requests;
  UthBatchStep    *steps_log;       /* the first UTH_BATCH_MAX_LOGGED_STEPS steps */
  size_t           n_steps_log;
  UthBatchSegment *segments;
  size_t           n_segments;
} UthBatchResult;

/* Caches the estimator's step times for one scenario (see uth-batching.c for the
 * approximation). Owned by the caller; reusable across runs of the same scenario. */
typedef struct _UthStepCache UthStepCache;

void          uth_batch_config_init  (UthBatchConfig *config);
UthStepCache *uth_step_cache_new     (const UthEstimateInput *scenario,
                                      uint32_t                max_batch);
void          uth_step_cache_free    (UthStepCache *cache);

/* Runs the simulation; result is cleared first. With a NULL cache one is made for the run. */
UthBatchError uth_batch_simulate     (const UthEstimateInput *scenario,
                                      const UthBatchConfig   *config,
                                      UthStepCache           *cache,
                                      UthBatchResult         *result);
void          uth_batch_result_clear (UthBatchResult *result);
const char   *uth_batch_error_id     (UthBatchError error);

/* The decode step at each batch size (context from the scenario): achieved FLOP/s ÷ peak
 * and bytes/s ÷ peak bandwidth. Returns false when the estimator refuses. */
typedef struct
{
  uint64_t batch;
  double   compute_utilization;
  double   bandwidth_utilization;
  double   step_seconds;
  double   tokens_per_second;
  double   intensity;            /* FLOP per byte */
  double   weight_bytes;         /* of the step's bytes: the weights, read once for the batch */
  double   kv_bytes;             /* of the step's bytes: every sequence's KV cache */
  bool     fits;
} UthBatchUtilization;

bool          uth_batch_utilization  (const UthEstimateInput *scenario,
                                      uint64_t                batch,
                                      UthBatchUtilization    *out);

/* Why compute utilisation stops climbing with the batch: a decode step reads the weights
 * once (W bytes) but each sequence's KV cache (K bytes) and does F FLOPs per sequence, so
 * its intensity B F / (W + B K) tends to F / K, not to infinity. From the scenario's step
 * at batch 1 (attention FLOPs included, activations left out):
 * - limit_intensity = F / K;
 * - ridge_batch = ridge W / (F - ridge K), the batch whose step reaches the peak ridge,
 *   0 when F / K is below the ridge (no batch gets there at this context);
 * - ridge_context = the longest context at which F / K still reaches the ridge
 *   (F / (ridge x KV bytes per token)), in tokens.
 * False when the estimator refuses the scenario. */
typedef struct
{
  double   weight_bytes;      /* W */
  double   kv_bytes;          /* K, one sequence */
  double   flops;             /* F, one sequence */
  double   ridge;             /* peak FLOP/s ÷ bandwidth */
  double   limit_intensity;
  double   ridge_batch;
  double   ridge_context;
} UthBatchRidge;

bool          uth_batch_ridge        (const UthEstimateInput *scenario,
                                      UthBatchRidge          *out);
