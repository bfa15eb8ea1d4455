/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "uth-batching.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* How step times are obtained fast enough for 10,000 requests.
 *
 * A decode step's time depends on the batch B and on the tokens in the cache. For a fixed B,
 * weight reads and launch overheads are constant and KV reads and attention FLOPs grow
 * linearly with the mean context c, so the time is affine in c until the roofline's max()
 * switches sides. The cache therefore asks the estimator for each batch size actually used
 * at contexts 1, 2, 4, ... 2^21 (lazily, on first use) and interpolates linearly between
 * neighbouring powers of two: exact at the knots, and within a knot interval only the bend
 * of the max() is smoothed. Prefill passes are cached the same way by (sequences, prompt).
 *
 * A step is composed from those entries:
 *  - decode of B sequences with mean context c: the estimator's decode step (B, c);
 *  - prefill of k sequences of mean prompt L: the estimator's prefill (k, L). The total
 *    tokens and the weight reads are exact; attention uses the mean length, which slightly
 *    undercounts its quadratic term when lengths differ;
 *  - static batching prefills (b, longest prompt): the padding is computed, as on a GPU;
 *  - a chunked-prefill step with P prompt tokens and B decoding sequences is one forward
 *    pass over P + B new tokens (the estimator's prefill of P + B tokens: every weight read
 *    once) plus the decoders' context-dependent part, decode (B, c) - decode (B, 1).
 * Each entry carries FLOPs and bytes as well, so utilization is achieved FLOP/s ÷ peak and
 * bytes/s ÷ peak bandwidth over the steps actually run. */

#define N_KNOTS 22          /* 2^0 .. 2^21 tokens */
#define MAX_TOKENS (1u << 20)
#define SMALLER(a, b) ((a) < (b) ? (a) : (b))

typedef struct
{
  double seconds;
  double flops;
  double bytes;
} StepCost;

typedef struct
{
  StepCost cost;
  bool     known;
} Knot;

struct _UthStepCache
{
  UthEstimateInput scenario;
  uint32_t         max_batch;
  Knot            *decode;   /* [batch - 1][knot] */
  Knot            *prefill;  /* [sequences - 1][knot] */
  bool             failed;
};

typedef struct
{
  uint32_t request;         /* UINT32_MAX when the slot is free */
  uint32_t prefilled;       /* prompt tokens processed */
  uint32_t last_segment;    /* index in the segment log, UINT32_MAX when none */
  bool     in_step;
} Slot;

typedef struct
{
  const UthBatchConfig *config;
  UthStepCache         *cache;
  UthBatchResult       *result;
  Slot                 *slots;
  size_t                seg_cap;
  size_t                step_cap;
  size_t                arrived;     /* requests with arrival <= now */
  size_t                head;        /* first request not yet admitted */
  size_t                finished;
  double                now;
  double                kv_reserved; /* tokens reserved by admitted requests */
  double                kv_capacity;
  double                sum_flops;
  double                sum_bytes;
  double                batch_time;  /* sum of batch x step seconds */
  bool                  oom;
} Sim;

/* ---- the step-time cache ---- */

/* One estimate gives both the prefill of batch x 2^knot tokens and the decode step at
 * context 2^knot, so both tables are filled at once. */
static void
estimate_knot (UthStepCache *cache,
               uint32_t      batch,
               int           knot)
{
  UthEstimateInput in = cache->scenario;
  UthEstimate est;
  uint64_t tokens = (uint64_t) 1 << knot;
  size_t i = (size_t) (batch - 1) * N_KNOTS + knot;
  Knot *pre = &cache->prefill[i], *dec = &cache->decode[i];

  in.batch = batch;
  in.step_tokens = 1;
  in.prompt = tokens;
  in.context = tokens;
  if (uth_estimate (&in, &est) != UTH_ESTIMATE_OK ||
      !(isfinite (est.prefill_seconds) && est.prefill_seconds > 0.0) ||
      !(isfinite (est.decode_step_seconds) && est.decode_step_seconds > 0.0))
    {
      cache->failed = true;
      memset (&est, 0, sizeof est);
    }
  pre->cost = (StepCost) { est.prefill_seconds, est.prefill_flops, est.prefill_bytes };
  dec->cost = (StepCost) { est.decode_step_seconds, est.decode_flops, est.decode_bytes };
  pre->known = dec->known = true;
}

static const StepCost *
knot_cost (UthStepCache *cache,
           bool          prefill,
           uint32_t      batch,
           int           knot)
{
  Knot *k = &(prefill ? cache->prefill : cache->decode)[(size_t) (batch - 1) * N_KNOTS + knot];

  if (!k->known)
    estimate_knot (cache, batch, knot);
  return &k->cost;
}

/* Piecewise-linear in tokens between powers of two (see the comment at the top). */
static StepCost
cached_cost (UthStepCache *cache,
             bool          prefill,
             uint32_t      batch,
             double        tokens)
{
  const StepCost *a, *b;
  double lo, f;
  int k;

  if (tokens < 1.0)
    tokens = 1.0;
  if (tokens > (double) ((uint64_t) 1 << (N_KNOTS - 1)))
    tokens = (double) ((uint64_t) 1 << (N_KNOTS - 1));
  /* tokens = m x 2^e with m in [0.5, 1): floor (log2 (tokens)) = e - 1, exactly. */
  frexp (tokens, &k);
  k -= 1;
  if (k >= N_KNOTS - 1)
    k = N_KNOTS - 1;
  lo = ldexp (1.0, k);
  a = knot_cost (cache, prefill, batch, k);
  if (tokens == lo)
    return *a;
  b = knot_cost (cache, prefill, batch, k + 1);
  f = (tokens - lo) / lo;
  return (StepCost) {
    a->seconds + f * (b->seconds - a->seconds),
    a->flops + f * (b->flops - a->flops),
    a->bytes + f * (b->bytes - a->bytes),
  };
}

UthStepCache *
uth_step_cache_new (const UthEstimateInput *scenario,
                    uint32_t                max_batch)
{
  UthStepCache *cache;

  if (scenario == NULL || max_batch == 0 || max_batch > UTH_BATCH_MAX_SLOTS)
    return NULL;
  cache = calloc (1, sizeof *cache);
  if (cache == NULL)
    return NULL;
  cache->scenario = *scenario;
  cache->max_batch = max_batch;
  cache->decode = calloc ((size_t) max_batch * N_KNOTS, sizeof (Knot));
  cache->prefill = calloc ((size_t) max_batch * N_KNOTS, sizeof (Knot));
  if (cache->decode == NULL || cache->prefill == NULL)
    {
      uth_step_cache_free (cache);
      return NULL;
    }
  return cache;
}

void
uth_step_cache_free (UthStepCache *cache)
{
  if (cache == NULL)
    return;
  free (cache->decode);
  free (cache->prefill);
  free (cache);
}

/* ---- configuration and trace ---- */

void
uth_batch_config_init (UthBatchConfig *config)
{
  memset (config, 0, sizeof *config);
  config->policy = UTH_BATCH_CONTINUOUS;
  config->arrival = UTH_ARRIVAL_POISSON;
  config->arrival_rate = 4.0;
  config->requests = 200;
  config->prompt = (UthLengthSpec) { UTH_LENGTH_UNIFORM, 512, 128, 1024 };
  config->output = (UthLengthSpec) { UTH_LENGTH_EXPONENTIAL, 128, 8, 512 };
  config->max_batch = 16;
  config->batch_timeout_s = 0.5;
  config->chunked_prefill = false;
  config->prefill_chunk = 512;
  config->kv_capacity_tokens = 0.0;
  config->seed = 1;
  config->record_timeline = true;
}

static bool
length_valid (const UthLengthSpec *spec)
{
  if (spec->min < 1 || spec->max < spec->min || spec->max > MAX_TOKENS)
    return false;
  if (spec->kind == UTH_LENGTH_UNIFORM)
    return true;
  return isfinite (spec->mean) && spec->mean >= 1.0 && spec->mean <= MAX_TOKENS;
}

static bool
config_valid (const UthBatchConfig *c)
{
  if (c->requests < 1 || c->requests > 1000000)
    return false;
  if (c->max_batch < 1 || c->max_batch > UTH_BATCH_MAX_SLOTS)
    return false;
  if (c->arrival == UTH_ARRIVAL_POISSON &&
      !(isfinite (c->arrival_rate) && c->arrival_rate > 0.0))
    return false;
  if (!(isfinite (c->batch_timeout_s) && c->batch_timeout_s >= 0.0))
    return false;
  if (c->chunked_prefill && (c->prefill_chunk < 1 || c->prefill_chunk > MAX_TOKENS))
    return false;
  if (!(isfinite (c->kv_capacity_tokens) && c->kv_capacity_tokens >= 0.0))
    return false;
  return length_valid (&c->prompt) && length_valid (&c->output);
}

static uint32_t
draw_length (UthRng              *rng,
             const UthLengthSpec *spec)
{
  double v;

  switch (spec->kind)
    {
    case UTH_LENGTH_UNIFORM:
      return spec->min + (uint32_t) floor (uth_rng_uniform (rng) * (spec->max - spec->min + 1));
    case UTH_LENGTH_EXPONENTIAL:
      v = round (uth_rng_exponential (rng, spec->mean));
      break;
    case UTH_LENGTH_FIXED:
    default:
      v = round (spec->mean);
      break;
    }
  if (v < spec->min)
    v = spec->min;
  if (v > spec->max)
    v = spec->max;
  return (uint32_t) v;
}

/* The same seed gives the same trace for both policies: one generator, drawn in a fixed
 * order (gap, prompt, output) per request. */
static void
make_trace (const UthBatchConfig *c,
            UthBatchRequest      *reqs)
{
  UthRng rng;
  double t = 0.0;
  uint32_t i;

  uth_rng_init (&rng, c->seed);
  for (i = 0; i < c->requests; i++)
    {
      double gap = uth_rng_exponential (&rng, 1.0);

      if (c->arrival == UTH_ARRIVAL_POISSON && i > 0)
        t += gap / c->arrival_rate;
      memset (&reqs[i], 0, sizeof reqs[i]);
      reqs[i].arrival = c->arrival == UTH_ARRIVAL_POISSON ? t : 0.0;
      reqs[i].prompt = draw_length (&rng, &c->prompt);
      reqs[i].output = draw_length (&rng, &c->output);
      reqs[i].admitted = reqs[i].first_token = reqs[i].finish = -1.0;
    }
}

/* Tokens of KV cache the GPU has left after weights, activations and the runtime's reserve. */
static double
free_kv_tokens (const UthEstimateInput *scenario)
{
  UthEstimateInput in = *scenario;
  UthEstimate est;
  double other;

  in.batch = 1;
  in.context = 1;
  in.prompt = 1;
  in.step_tokens = 1;
  if (uth_estimate (&in, &est) != UTH_ESTIMATE_OK || !(est.kv_bytes_per_token > 0.0))
    return -1.0;
  other = est.total_memory_bytes - est.kv_cache_bytes;
  return fmax (0.0, (est.gpu_memory_bytes - other) / est.kv_bytes_per_token);
}

/* ---- logging ---- */

static void *
grow (void   *array,
      size_t *cap,
      size_t  needed,
      size_t  elem)
{
  size_t n = *cap ? *cap : 256;
  void *p;

  if (needed <= *cap)
    return array;
  while (n < needed)
    n *= 2;
  p = realloc (array, n * elem);
  if (p != NULL)
    *cap = n;
  return p;
}

static void
log_segment (Sim            *sim,
             uint32_t        slot,
             UthSegmentKind  kind,
             double          t0,
             double          t1)
{
  UthBatchResult *r = sim->result;
  Slot *s = &sim->slots[slot];
  UthBatchSegment *seg;
  void *p;

  if (!sim->config->record_timeline)
    return;
  if (s->last_segment != UINT32_MAX)
    {
      seg = &r->segments[s->last_segment];
      if (seg->request == s->request && seg->kind == kind && seg->t1 == t0)
        {
          seg->t1 = t1;
          return;
        }
    }
  p = grow (r->segments, &sim->seg_cap, r->n_segments + 1, sizeof *r->segments);
  if (p == NULL)
    {
      sim->oom = true;
      return;
    }
  r->segments = p;
  s->last_segment = (uint32_t) r->n_segments;
  r->segments[r->n_segments++] = (UthBatchSegment) { slot, s->request, kind, t0, t1 };
}

static void
advance_arrivals (Sim *sim)
{
  while (sim->arrived < sim->result->n_requests &&
         sim->result->requests[sim->arrived].arrival <= sim->now)
    sim->arrived++;
}

/* Books a step that ran [now, now + cost.seconds] and moves the clock. */
static double
run_step (Sim            *sim,
          const StepCost *cost,
          uint32_t        batch,
          uint32_t        useful,
          uint64_t        new_tokens,
          double          kv_tokens)
{
  UthBatchResult *r = sim->result;
  double t0 = sim->now, t1 = sim->now + cost->seconds;

  r->steps++;
  r->busy_s += cost->seconds;
  sim->sum_flops += cost->flops;
  sim->sum_bytes += cost->bytes;
  sim->batch_time += batch * cost->seconds;
  if (sim->arrived - sim->head > r->max_queue)
    r->max_queue = (uint32_t) (sim->arrived - sim->head);
  if (sim->config->record_timeline && r->n_steps_log < UTH_BATCH_MAX_LOGGED_STEPS)
    {
      void *p = grow (r->steps_log, &sim->step_cap, r->n_steps_log + 1, sizeof *r->steps_log);

      if (p == NULL)
        sim->oom = true;
      else
        {
          r->steps_log = p;
          r->steps_log[r->n_steps_log++] = (UthBatchStep) {
            t0, t1, batch, useful, (uint32_t) (sim->arrived - sim->head),
            new_tokens, kv_tokens, cost->flops, cost->bytes,
          };
        }
    }
  sim->now = t1;
  advance_arrivals (sim);
  return t0;
}

static void
finish_token (Sim      *sim,
              uint32_t  request)
{
  UthBatchRequest *q = &sim->result->requests[request];

  q->generated++;
  if (q->generated == 1)
    q->first_token = sim->now;
  if (q->generated == q->output)
    {
      q->finish = sim->now;
      sim->finished++;
    }
}

/* A sequence produces `steps` tokens in a stretch of steps whose first ended at first_end. */
static void
advance_tokens (Sim             *sim,
                UthBatchRequest *q,
                uint32_t         steps,
                double           first_end)
{
  if (q->generated == 0)
    q->first_token = first_end;
  q->generated += steps;
  if (q->generated == q->output)
    {
      q->finish = sim->now;
      sim->finished++;
    }
}

/* ---- static batching ---- */

/* How many requests from the head of the queue fit one padded batch. */
static uint32_t
static_batch_size (Sim      *sim,
                   uint32_t *max_prompt,
                   uint32_t *max_output)
{
  UthBatchRequest *reqs = sim->result->requests;
  uint32_t n = 0, mp = 0, mo = 0;

  while (n < sim->config->max_batch && sim->head + n < sim->arrived)
    {
      const UthBatchRequest *q = &reqs[sim->head + n];
      uint32_t p = q->prompt > mp ? q->prompt : mp;
      uint32_t o = q->output > mo ? q->output : mo;

      if ((double) (n + 1) * ((double) p + o) > sim->kv_capacity)
        break;
      mp = p;
      mo = o;
      n++;
    }
  *max_prompt = mp;
  *max_output = mo;
  return n;
}

static void
static_run_batch (Sim      *sim,
                  uint32_t  n,
                  uint32_t  max_prompt,
                  uint32_t  max_output)
{
  UthBatchRequest *reqs = sim->result->requests;
  StepCost cost;
  double t0;
  uint32_t i, k, run;
  uint64_t prompt_tokens = 0;

  for (i = 0; i < n; i++)
    {
      sim->slots[i].request = (uint32_t) (sim->head + i);
      reqs[sim->head + i].admitted = sim->now;
      prompt_tokens += reqs[sim->head + i].prompt;
    }
  sim->head += n;

  /* One prefill pass padded to the longest prompt. */
  cost = cached_cost (sim->cache, true, n, max_prompt);
  t0 = run_step (sim, &cost, n, n, prompt_tokens, (double) n * max_prompt);
  for (i = 0; i < n; i++)
    log_segment (sim, i, UTH_SEGMENT_PREFILL, t0, sim->now);

  /* Decode to the longest output; finished sequences still occupy (and compute in) their
   * slot. Between two finishes every step is alike but for the context, so the slots are
   * updated once per stretch instead of once per step. */
  for (k = 1; k <= max_output && !sim->cache->failed; k += run)
    {
      uint32_t useful = 0, j;
      double start = sim->now, first_end = 0.0;

      run = max_output - k + 1;
      for (i = 0; i < n; i++)
        {
          const UthBatchRequest *q = &reqs[sim->slots[i].request];

          if (q->generated < q->output)
            {
              useful++;
              run = SMALLER (run, q->output - q->generated);
            }
        }
      for (j = 0; j < run; j++)
        {
          cost = cached_cost (sim->cache, false, n, (double) max_prompt + k + j);
          run_step (sim, &cost, n, useful, useful, (double) n * (max_prompt + k + j));
          if (j == 0)
            first_end = sim->now;
        }
      sim->result->padded_slot_steps += (uint64_t) (n - useful) * run;
      for (i = 0; i < n; i++)
        {
          UthBatchRequest *q = &reqs[sim->slots[i].request];

          if (q->generated < q->output)
            {
              advance_tokens (sim, q, run, first_end);
              log_segment (sim, i, UTH_SEGMENT_DECODE, start, sim->now);
            }
          else
            log_segment (sim, i, UTH_SEGMENT_PADDING, start, sim->now);
        }
    }
  for (i = 0; i < n; i++)
    sim->slots[i].request = UINT32_MAX;
}

static void
simulate_static (Sim *sim)
{
  const UthBatchConfig *c = sim->config;
  size_t n_req = sim->result->n_requests;

  while (sim->finished < n_req && !sim->cache->failed && !sim->oom)
    {
      uint32_t mp, mo, n;
      double oldest, deadline;

      advance_arrivals (sim);
      if (sim->head == sim->arrived)
        {
          sim->now = sim->result->requests[sim->arrived].arrival;
          continue;
        }
      n = static_batch_size (sim, &mp, &mo);
      oldest = sim->result->requests[sim->head].arrival;
      deadline = oldest + c->batch_timeout_s;
      /* Start when the batch is full (by slots or by memory), when the oldest has waited
       * long enough, or when nobody else is coming. */
      if (n == c->max_batch || sim->head + n < sim->arrived || sim->now >= deadline ||
          sim->arrived == n_req)
        static_run_batch (sim, n, mp, mo);
      else
        sim->now = fmin (deadline, sim->result->requests[sim->arrived].arrival);
    }
}

/* ---- continuous batching ---- */

static void
continuous_admit (Sim *sim)
{
  UthBatchRequest *reqs = sim->result->requests;
  uint32_t i;

  for (i = 0; i < sim->config->max_batch && sim->head < sim->arrived; i++)
    {
      UthBatchRequest *q = &reqs[sim->head];
      double need = (double) q->prompt + q->output;

      if (sim->slots[i].request != UINT32_MAX)
        continue;
      /* Reserve the request's whole KV up front (no preemption): it waits when full. */
      if (sim->kv_reserved + need > sim->kv_capacity)
        return;
      sim->kv_reserved += need;
      q->admitted = sim->now;
      sim->slots[i].request = (uint32_t) sim->head;
      sim->slots[i].prefilled = 0;
      sim->head++;
    }
}

static void
continuous_release (Sim      *sim,
                    uint32_t  slot)
{
  UthBatchRequest *q = &sim->result->requests[sim->slots[slot].request];

  sim->kv_reserved -= (double) q->prompt + q->output;
  sim->slots[slot].request = UINT32_MAX;
}

/* Prefill of every newly admitted sequence in one pass; the decoders wait for it. */
static void
continuous_prefill_step (Sim *sim,
                         double kv_tokens)
{
  UthBatchRequest *reqs = sim->result->requests;
  uint32_t i, k = 0;
  uint64_t tokens = 0;
  StepCost cost;
  double t0;

  for (i = 0; i < sim->config->max_batch; i++)
    {
      Slot *s = &sim->slots[i];

      s->in_step = s->request != UINT32_MAX && s->prefilled < reqs[s->request].prompt;
      if (s->in_step)
        {
          k++;
          tokens += reqs[s->request].prompt - s->prefilled;
        }
    }
  cost = cached_cost (sim->cache, true, k, (double) tokens / k);
  t0 = run_step (sim, &cost, k, k, tokens, kv_tokens + tokens);
  for (i = 0; i < sim->config->max_batch; i++)
    if (sim->slots[i].in_step)
      {
        sim->slots[i].prefilled = reqs[sim->slots[i].request].prompt;
        log_segment (sim, i, UTH_SEGMENT_PREFILL, t0, sim->now);
      }
}

/* Gives this step's prefill budget to prefilling sequences, oldest request first. */
static uint64_t
assign_chunks (Sim      *sim,
               uint32_t *chunk)
{
  UthBatchRequest *reqs = sim->result->requests;
  uint64_t budget = sim->config->prefill_chunk, used = 0;
  uint32_t i;

  for (i = 0; i < sim->config->max_batch; i++)
    chunk[i] = 0;
  while (budget > 0)
    {
      uint32_t best = UINT32_MAX, take;

      for (i = 0; i < sim->config->max_batch; i++)
        {
          Slot *s = &sim->slots[i];

          if (s->request != UINT32_MAX && chunk[i] == 0 && s->prefilled < reqs[s->request].prompt &&
              (best == UINT32_MAX || s->request < sim->slots[best].request))
            best = i;
        }
      if (best == UINT32_MAX)
        break;
      take = reqs[sim->slots[best].request].prompt - sim->slots[best].prefilled;
      if (take > budget)
        take = (uint32_t) budget;
      chunk[best] = take;
      budget -= take;
      used += take;
    }
  return used;
}

/* Whether the request at the head of the queue could join now, had it arrived. */
static bool
could_admit_next (Sim      *sim,
                  uint32_t  active)
{
  const UthBatchRequest *q;

  if (sim->head >= sim->result->n_requests || active >= sim->config->max_batch)
    return false;
  q = &sim->result->requests[sim->head];
  return sim->kv_reserved + (double) q->prompt + q->output <= sim->kv_capacity;
}

/* Decode-only steps up to the next event: a sequence finishes, or a request arrives that
 * could join. In between only the contexts grow (by one token per step), so the slots are
 * updated once for the stretch; each step is still timed and logged on its own. */
static void
continuous_decode_run (Sim      *sim,
                       uint32_t  decoders,
                       double    context,
                       double    kv_tokens)
{
  UthBatchRequest *reqs = sim->result->requests;
  uint32_t i, k, left = UINT32_MAX;
  bool admit = could_admit_next (sim, decoders);
  double start = sim->now, first_end = 0.0;

  for (i = 0; i < sim->config->max_batch; i++)
    if (sim->slots[i].request != UINT32_MAX)
      {
        const UthBatchRequest *q = &reqs[sim->slots[i].request];

        left = SMALLER (left, q->output - q->generated);
      }
  for (k = 0; k < left && !sim->cache->failed;)
    {
      StepCost cost = cached_cost (sim->cache, false, decoders, context / decoders + k);

      run_step (sim, &cost, decoders, decoders, decoders, kv_tokens + (double) decoders * (k + 1));
      if (k == 0)
        first_end = sim->now;
      k++;
      if (admit && sim->arrived > sim->head)
        break;
    }
  for (i = 0; i < sim->config->max_batch; i++)
    if (sim->slots[i].request != UINT32_MAX)
      {
        UthBatchRequest *q = &reqs[sim->slots[i].request];

        advance_tokens (sim, q, k, first_end);
        log_segment (sim, i, UTH_SEGMENT_DECODE, start, sim->now);
        if (q->generated == q->output)
          continuous_release (sim, i);
      }
}

static void
continuous_step (Sim      *sim,
                 uint32_t *chunk)
{
  UthBatchRequest *reqs = sim->result->requests;
  uint32_t i, decoders = 0, prefillers = 0;
  double context = 0.0, kv_tokens = 0.0, t0;
  uint64_t prefill_tokens = 0;
  StepCost cost;

  for (i = 0; i < sim->config->max_batch; i++)
    {
      Slot *s = &sim->slots[i];

      if (s->request == UINT32_MAX)
        continue;
      kv_tokens += s->prefilled + reqs[s->request].generated;
      if (s->prefilled == reqs[s->request].prompt)
        {
          decoders++;
          context += s->prefilled + reqs[s->request].generated + 1;
        }
      else
        prefillers++;
    }

  if (prefillers == 0)
    {
      continuous_decode_run (sim, decoders, context, kv_tokens);
      return;
    }
  if (!sim->config->chunked_prefill)
    {
      continuous_prefill_step (sim, kv_tokens);
      return;
    }
  if (prefillers > 0)
    prefill_tokens = assign_chunks (sim, chunk);
  else
    memset (chunk, 0, sim->config->max_batch * sizeof *chunk);

  if (prefill_tokens == 0)
    cost = cached_cost (sim->cache, false, decoders, context / decoders);
  else
    {
      StepCost pass = cached_cost (sim->cache, true, 1, (double) prefill_tokens + decoders);

      cost = pass;
      if (decoders > 0)
        {
          StepCost full = cached_cost (sim->cache, false, decoders, context / decoders);
          StepCost base = cached_cost (sim->cache, false, decoders, 1.0);

          cost.seconds += fmax (0.0, full.seconds - base.seconds);
          cost.flops += fmax (0.0, full.flops - base.flops);
          cost.bytes += fmax (0.0, full.bytes - base.bytes);
        }
    }

  t0 = run_step (sim, &cost, decoders + (uint32_t) (prefill_tokens > 0 ? prefillers : 0),
                 decoders, prefill_tokens + decoders, kv_tokens + prefill_tokens + decoders);
  for (i = 0; i < sim->config->max_batch; i++)
    {
      Slot *s = &sim->slots[i];
      uint32_t r = s->request;

      if (r == UINT32_MAX)
        continue;
      if (chunk[i] > 0)
        {
          s->prefilled += chunk[i];
          log_segment (sim, i, UTH_SEGMENT_PREFILL, t0, sim->now);
        }
      else if (s->prefilled == reqs[r].prompt && reqs[r].generated < reqs[r].output)
        {
          /* Sequences whose prompt finished in an earlier step decode; one that finished its
           * prefill in this very step went through the branch above. */
          finish_token (sim, r);
          log_segment (sim, i, UTH_SEGMENT_DECODE, t0, sim->now);
          if (reqs[r].generated == reqs[r].output)
            continuous_release (sim, i);
        }
    }
}

static void
simulate_continuous (Sim *sim)
{
  size_t n_req = sim->result->n_requests;
  uint32_t *chunk = calloc (sim->config->max_batch, sizeof *chunk);
  bool any;
  uint32_t i;

  if (chunk == NULL)
    {
      sim->oom = true;
      return;
    }
  while (sim->finished < n_req && !sim->cache->failed && !sim->oom)
    {
      advance_arrivals (sim);
      continuous_admit (sim);
      any = false;
      for (i = 0; i < sim->config->max_batch; i++)
        any |= sim->slots[i].request != UINT32_MAX;
      if (!any)
        {
          /* Idle: nothing running and the queue is empty (admission never blocks an empty
           * server, as every request fits the cache on its own). */
          sim->now = sim->result->requests[sim->arrived].arrival;
          continue;
        }
      continuous_step (sim, chunk);
    }
  free (chunk);
}

/* ---- statistics ---- */

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentiles. */
static UthPercentiles
percentiles (double *v,
             size_t  n)
{
  UthPercentiles p = { 0, 0, 0, 0 };
  double sum = 0.0;
  size_t i;

  if (n == 0)
    return p;
  qsort (v, n, sizeof *v, cmp_double);
  for (i = 0; i < n; i++)
    sum += v[i];
  p.mean = sum / n;
  p.p50 = v[(size_t) ceil (0.50 * n) - 1];
  p.p90 = v[(size_t) ceil (0.90 * n) - 1];
  p.p99 = v[(size_t) ceil (0.99 * n) - 1];
  return p;
}

static bool
summarize (Sim                    *sim,
           const UthEstimateInput *scenario)
{
  UthBatchResult *r = sim->result;
  size_t n = r->n_requests, i, m = 0;
  double *v = malloc (n * sizeof *v);
  double first = INFINITY, last = 0.0;
  double peak = uth_gpu_peak_flops (scenario->gpu, scenario->activations) * scenario->gpus;
  double bw = scenario->gpu->memory_bandwidth * scenario->gpus;

  if (v == NULL)
    return false;
  for (i = 0; i < n; i++)
    {
      first = fmin (first, r->requests[i].arrival);
      last = fmax (last, r->requests[i].finish);
      r->output_tokens += r->requests[i].output;
      r->prompt_tokens += r->requests[i].prompt;
    }
  r->makespan_s = last - first;
  if (r->makespan_s > 0.0)
    {
      r->output_tokens_per_s = r->output_tokens / r->makespan_s;
      r->requests_per_s = n / r->makespan_s;
    }
  if (r->busy_s > 0.0)
    {
      r->mean_batch = sim->batch_time / r->busy_s;
      r->compute_utilization = peak > 0.0 ? sim->sum_flops / (r->busy_s * peak) : 0.0;
      r->bandwidth_utilization = bw > 0.0 ? sim->sum_bytes / (r->busy_s * bw) : 0.0;
    }

  for (i = 0; i < n; i++)
    v[i] = r->requests[i].first_token - r->requests[i].arrival;
  r->ttft_s = percentiles (v, n);
  for (i = 0; i < n; i++)
    if (r->requests[i].output > 1)
      v[m++] = (r->requests[i].finish - r->requests[i].first_token) / (r->requests[i].output - 1);
  r->tpot_s = percentiles (v, m);
  for (i = 0; i < n; i++)
    v[i] = r->requests[i].finish - r->requests[i].arrival;
  r->latency_s = percentiles (v, n);
  free (v);
  return true;
}

/* ---- public ---- */

void
uth_batch_result_clear (UthBatchResult *result)
{
  free (result->requests);
  free (result->steps_log);
  free (result->segments);
  memset (result, 0, sizeof *result);
}

UthBatchError
uth_batch_simulate (const UthEstimateInput *scenario,
                    const UthBatchConfig   *config,
                    UthStepCache           *cache,
                    UthBatchResult         *result)
{
  UthStepCache *own = NULL;
  Sim sim;
  UthBatchError err = UTH_BATCH_OK;
  size_t i;

  if (result == NULL)
    return UTH_BATCH_BAD_CONFIG;
  memset (result, 0, sizeof *result);
  if (scenario == NULL || config == NULL || !config_valid (config))
    return UTH_BATCH_BAD_CONFIG;
  if (scenario->gpu == NULL || scenario->model == NULL || scenario->engine == NULL)
    return UTH_BATCH_ESTIMATE_FAILED;
  if (cache == NULL || cache->max_batch < config->max_batch)
    cache = own = uth_step_cache_new (scenario, config->max_batch);
  if (cache == NULL)
    return UTH_BATCH_NO_MEMORY;

  memset (&sim, 0, sizeof sim);
  sim.config = config;
  sim.cache = cache;
  sim.result = result;
  sim.kv_capacity = config->kv_capacity_tokens > 0.0 ? config->kv_capacity_tokens
                                                     : free_kv_tokens (scenario);
  result->kv_capacity_tokens = sim.kv_capacity;
  result->requests = calloc (config->requests, sizeof *result->requests);
  sim.slots = calloc (config->max_batch, sizeof *sim.slots);
  if (result->requests == NULL || sim.slots == NULL)
    {
      err = UTH_BATCH_NO_MEMORY;
      goto out;
    }
  if (sim.kv_capacity < 0.0)
    {
      err = UTH_BATCH_ESTIMATE_FAILED;
      goto out;
    }
  result->n_requests = config->requests;
  make_trace (config, result->requests);
  for (i = 0; i < result->n_requests; i++)
    if ((double) result->requests[i].prompt + result->requests[i].output > sim.kv_capacity)
      {
        err = UTH_BATCH_DOES_NOT_FIT;
        goto out;
      }
  for (i = 0; i < config->max_batch; i++)
    sim.slots[i] = (Slot) { UINT32_MAX, 0, UINT32_MAX, false };

  if (config->policy == UTH_BATCH_STATIC)
    simulate_static (&sim);
  else
    simulate_continuous (&sim);

  if (cache->failed)
    err = UTH_BATCH_ESTIMATE_FAILED;
  else if (sim.oom || !summarize (&sim, scenario))
    err = UTH_BATCH_NO_MEMORY;

out:
  free (sim.slots);
  uth_step_cache_free (own);
  if (err != UTH_BATCH_OK)
    {
      double cap = result->kv_capacity_tokens;

      uth_batch_result_clear (result);
      result->kv_capacity_tokens = cap;
    }
  return err;
}

const char *
uth_batch_error_id (UthBatchError error)
{
  switch (error)
    {
    case UTH_BATCH_OK: return "ok";
    case UTH_BATCH_BAD_CONFIG: return "bad-config";
    case UTH_BATCH_ESTIMATE_FAILED: return "estimate-failed";
    case UTH_BATCH_DOES_NOT_FIT: return "does-not-fit";
    case UTH_BATCH_NO_MEMORY: return "no-memory";
    default: return "unknown";
    }
}

bool
uth_batch_utilization (const UthEstimateInput *scenario,
                       uint64_t                batch,
                       UthBatchUtilization    *out)
{
  UthEstimateInput in;
  UthEstimate est;
  double peak, bw;

  if (scenario == NULL || out == NULL || batch == 0 || scenario->gpu == NULL)
    return false;
  in = *scenario;
  in.batch = batch;
  in.step_tokens = 1;
  if (uth_estimate (&in, &est) != UTH_ESTIMATE_OK || !(est.decode_step_seconds > 0.0))
    return false;
  peak = uth_gpu_peak_flops (scenario->gpu, scenario->activations) * scenario->gpus;
  bw = scenario->gpu->memory_bandwidth * scenario->gpus;
  out->batch = batch;
  out->step_seconds = est.decode_step_seconds;
  out->tokens_per_second = est.decode_tokens_per_second;
  out->compute_utilization = peak > 0.0 ? est.decode_flops / est.decode_step_seconds / peak : 0.0;
  out->bandwidth_utilization = bw > 0.0 ? est.decode_bytes / est.decode_step_seconds / bw : 0.0;
  out->intensity = est.decode_bytes > 0.0 ? est.decode_flops / est.decode_bytes : 0.0;
  out->weight_bytes = est.decode_weight_read_bytes;
  out->kv_bytes = est.decode_kv_read_bytes;
  out->fits = est.fits;
  return true;
}

bool
uth_batch_ridge (const UthEstimateInput *scenario,
                 UthBatchRidge          *out)
{
  UthEstimateInput in;
  UthEstimate est;
  double per_token;

  if (scenario == NULL || out == NULL || scenario->gpu == NULL || scenario->model == NULL)
    return false;
  memset (out, 0, sizeof *out);
  in = *scenario;
  in.batch = 1;
  in.step_tokens = 1;
  if (uth_estimate (&in, &est) != UTH_ESTIMATE_OK)
    return false;
  out->weight_bytes = est.decode_weight_read_bytes;
  out->kv_bytes = est.decode_kv_read_bytes;
  out->flops = est.decode_flops;
  out->ridge = uth_roofline_ridge (scenario->gpu, scenario->activations);
  out->limit_intensity = out->kv_bytes > 0.0 ? out->flops / out->kv_bytes : INFINITY;
  if (out->flops > out->ridge * out->kv_bytes)
    out->ridge_batch = out->ridge * out->weight_bytes / (out->flops - out->ridge * out->kv_bytes);
  per_token = out->kv_bytes / (double) (in.context > 0 ? in.context : 1);
  out->ridge_context = per_token > 0.0 && out->ridge > 0.0 ? out->flops / (out->ridge * per_token)
                                                           : INFINITY;
  return true;
}
