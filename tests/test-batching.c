/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The batching simulator: invariants that hold for any trace, and known answers from the
 * estimator for traces simple enough to work out by hand. */
#include <glib.h>
#include <math.h>

#include "core/uth-batching.h"
#include "core-fixtures.h"

typedef struct
{
  UthModel         model;
  UthGpu           gpu;
  UthEngine        engine;
  UthEstimateInput input;
} Scenario;

static void
scenario_init (Scenario *s)
{
  s->model = fixture_llama_3_8b ();
  s->gpu = fixture_h100_sxm ();
  uth_engine_init_roofline (&s->engine);
  uth_estimate_input_init (&s->input);
  s->input.model = &s->model;
  s->input.gpu = &s->gpu;
  s->input.engine = &s->engine;
}

static void
run_ok (const Scenario       *s,
        const UthBatchConfig *c,
        UthBatchResult       *r)
{
  UthBatchError err = uth_batch_simulate (&s->input, c, NULL, r);

  g_assert_cmpstr (uth_batch_error_id (err), ==, "ok");
}

/* Every request is admitted after it arrives, gets its first token after admission, and
 * finishes with exactly its output length generated. */
static void
check_finished (const UthBatchResult *r)
{
  size_t i;

  for (i = 0; i < r->n_requests; i++)
    {
      const UthBatchRequest *q = &r->requests[i];

      g_assert_cmpuint (q->generated, ==, q->output);
      g_assert_cmpfloat (q->admitted, >=, q->arrival);
      g_assert_cmpfloat (q->first_token, >, q->admitted);
      g_assert_cmpfloat (q->finish, >=, q->first_token);
    }
}

/* Tokens processed by the steps = every prompt token once + every generated token once. */
static void
check_conserved (const UthBatchResult *r)
{
  uint64_t steps = 0, out = 0, in = 0;
  size_t i;

  for (i = 0; i < r->n_steps_log; i++)
    steps += r->steps_log[i].new_tokens;
  for (i = 0; i < r->n_requests; i++)
    {
      out += r->requests[i].output;
      in += r->requests[i].prompt;
    }
  g_assert_cmpuint (r->output_tokens, ==, out);
  g_assert_cmpuint (r->prompt_tokens, ==, in);
  g_assert_cmpuint (steps, ==, in + out);
  g_assert_cmpuint (r->n_steps_log, ==, r->steps);
}

static void
test_invariants (void)
{
  Scenario s;
  UthBatchConfig c;
  UthBatchResult r;
  int policy, chunked;

  scenario_init (&s);
  for (policy = 0; policy < 2; policy++)
    for (chunked = 0; chunked < 2; chunked++)
      {
        uth_batch_config_init (&c);
        c.policy = policy ? UTH_BATCH_CONTINUOUS : UTH_BATCH_STATIC;
        c.chunked_prefill = chunked;
        c.requests = 300;
        c.arrival_rate = 20.0;
        run_ok (&s, &c, &r);
        g_assert_cmpuint (r.n_requests, ==, 300);
        check_finished (&r);
        check_conserved (&r);
        g_assert_cmpfloat (r.output_tokens_per_s, >, 0.0);
        g_assert_cmpfloat (r.ttft_s.p50, <=, r.ttft_s.p90);
        g_assert_cmpfloat (r.ttft_s.p90, <=, r.ttft_s.p99);
        g_assert_cmpfloat (r.tpot_s.p50, >, 0.0);
        g_assert_cmpfloat (r.compute_utilization, >, 0.0);
        g_assert_cmpfloat (r.compute_utilization, <=, 1.0);
        g_assert_cmpfloat (r.bandwidth_utilization, <=, 1.0);
        g_assert_cmpuint (r.n_segments, >, 0);
        uth_batch_result_clear (&r);
      }
}

/* Same trace: continuous batching never has lower throughput than static, under a burst
 * and under a heavy Poisson load, with and without chunked prefill. */
static void
test_continuous_beats_static (void)
{
  Scenario s;
  UthBatchConfig c;
  UthBatchResult st, co;
  int arrival, chunked;

  scenario_init (&s);
  for (arrival = 0; arrival < 2; arrival++)
    for (chunked = 0; chunked < 2; chunked++)
      {
        uth_batch_config_init (&c);
        c.arrival = arrival ? UTH_ARRIVAL_BURST : UTH_ARRIVAL_POISSON;
        c.arrival_rate = 50.0;
        c.requests = 400;
        c.max_batch = 32;
        c.chunked_prefill = chunked;
        c.policy = UTH_BATCH_STATIC;
        run_ok (&s, &c, &st);
        c.policy = UTH_BATCH_CONTINUOUS;
        run_ok (&s, &c, &co);
        g_assert_cmpfloat (co.output_tokens_per_s, >=, st.output_tokens_per_s);
        /* Static runs every batch to its longest output: padding is wasted. */
        g_assert_cmpuint (st.padded_slot_steps, >, 0);
        g_assert_cmpuint (co.padded_slot_steps, ==, 0);
        uth_batch_result_clear (&st);
        uth_batch_result_clear (&co);
      }
}

static void
test_deterministic (void)
{
  Scenario s;
  UthBatchConfig c;
  UthBatchResult a, b, d;
  size_t i;

  scenario_init (&s);
  uth_batch_config_init (&c);
  c.requests = 200;
  c.seed = 42;
  run_ok (&s, &c, &a);
  run_ok (&s, &c, &b);
  c.seed = 43;
  run_ok (&s, &c, &d);
  g_assert_cmpuint (a.steps, ==, b.steps);
  g_assert_cmpfloat (a.makespan_s, ==, b.makespan_s);
  for (i = 0; i < a.n_requests; i++)
    {
      g_assert_cmpfloat (a.requests[i].arrival, ==, b.requests[i].arrival);
      g_assert_cmpfloat (a.requests[i].finish, ==, b.requests[i].finish);
    }
  g_assert_cmpfloat (a.makespan_s, !=, d.makespan_s);
  uth_batch_result_clear (&a);
  uth_batch_result_clear (&b);
  uth_batch_result_clear (&d);
}

/* One request alone, fixed lengths: its time is the estimator's prefill plus one decode
 * step per output token. Prompt 512 is a cache knot (exact); the decode contexts 513..516
 * lie between the knots 512 and 1024, where the cache interpolates linearly, so allow 1%. */
static void
test_single_request (void)
{
  Scenario s;
  UthBatchConfig c;
  UthBatchResult r;
  UthEstimateInput in;
  UthEstimate est;
  double expect;
  uint64_t k;

  scenario_init (&s);
  uth_batch_config_init (&c);
  c.requests = 1;
  c.prompt = (UthLengthSpec) { UTH_LENGTH_FIXED, 512, 1, 4096 };
  c.output = (UthLengthSpec) { UTH_LENGTH_FIXED, 4, 1, 4096 };
  run_ok (&s, &c, &r);

  in = s.input;
  in.prompt = 512;
  in.context = 512;
  g_assert_cmpint (uth_estimate (&in, &est), ==, UTH_ESTIMATE_OK);
  expect = est.prefill_seconds;
  g_assert_cmpfloat_with_epsilon (r.steps_log[0].t1, expect, 1e-12);
  for (k = 1; k <= 4; k++)
    {
      in.context = 512 + k;
      g_assert_cmpint (uth_estimate (&in, &est), ==, UTH_ESTIMATE_OK);
      expect += est.decode_step_seconds;
    }
  g_assert_cmpfloat (fabs (r.makespan_s - expect) / expect, <, 0.01);
  g_assert_cmpuint (r.steps, ==, 5);
  /* TTFT is prefill plus the first decode step, as the estimator defines it. */
  g_assert_cmpfloat_with_epsilon (r.ttft_s.p50, r.steps_log[1].t1, 1e-12);
  uth_batch_result_clear (&r);
}

/* A static batch of equal requests wastes nothing; unequal outputs leave padding equal to
 * the sum over requests of (longest output - own output). */
static void
test_static_padding (void)
{
  Scenario s;
  UthBatchConfig c;
  UthBatchResult r;
  uint64_t expect = 0, longest = 0;
  size_t i;

  scenario_init (&s);
  uth_batch_config_init (&c);
  c.policy = UTH_BATCH_STATIC;
  c.arrival = UTH_ARRIVAL_BURST;
  c.requests = 8;
  c.max_batch = 8;
  c.prompt = (UthLengthSpec) { UTH_LENGTH_FIXED, 128, 1, 4096 };
  c.output = (UthLengthSpec) { UTH_LENGTH_FIXED, 64, 1, 4096 };
  run_ok (&s, &c, &r);
  g_assert_cmpuint (r.padded_slot_steps, ==, 0);
  g_assert_cmpuint (r.steps, ==, 1 + 64);
  uth_batch_result_clear (&r);

  c.output = (UthLengthSpec) { UTH_LENGTH_UNIFORM, 0, 10, 100 };
  run_ok (&s, &c, &r);
  for (i = 0; i < r.n_requests; i++)
    longest = MAX (longest, r.requests[i].output);
  for (i = 0; i < r.n_requests; i++)
    expect += longest - r.requests[i].output;
  g_assert_cmpuint (expect, >, 0);
  g_assert_cmpuint (r.padded_slot_steps, ==, expect);
  g_assert_cmpuint (r.steps, ==, 1 + longest);
  uth_batch_result_clear (&r);
}

/* With room for three requests' KV cache, at most three run at once, whatever the slots. */
static void
test_kv_limit (void)
{
  Scenario s;
  UthBatchConfig c;
  UthBatchResult r;
  size_t i;
  int policy;

  scenario_init (&s);
  for (policy = 0; policy < 2; policy++)
    {
      uth_batch_config_init (&c);
      c.policy = policy ? UTH_BATCH_CONTINUOUS : UTH_BATCH_STATIC;
      c.arrival = UTH_ARRIVAL_BURST;
      c.requests = 30;
      c.max_batch = 16;
      c.prompt = (UthLengthSpec) { UTH_LENGTH_FIXED, 100, 1, 4096 };
      c.output = (UthLengthSpec) { UTH_LENGTH_FIXED, 50, 1, 4096 };
      c.kv_capacity_tokens = 3 * 150 + 10;
      run_ok (&s, &c, &r);
      check_finished (&r);
      for (i = 0; i < r.n_steps_log; i++)
        {
          g_assert_cmpuint (r.steps_log[i].batch, <=, 3);
          g_assert_cmpfloat (r.steps_log[i].kv_tokens, <=, c.kv_capacity_tokens);
        }
      g_assert_cmpuint (r.max_queue, >=, 27);
      uth_batch_result_clear (&r);
    }

  /* A request longer than the whole cache can never run: an error, not a hang. */
  c.kv_capacity_tokens = 100;
  g_assert_cmpint (uth_batch_simulate (&s.input, &c, NULL, &r), ==, UTH_BATCH_DOES_NOT_FIT);
  g_assert_null (r.requests);
}

/* The GPU's own free memory: 80 GiB - 16 GB of weights, 128 KiB of KV per token. */
static void
test_kv_from_gpu (void)
{
  Scenario s;
  UthBatchConfig c;
  UthBatchResult r;
  UthEstimate est;

  scenario_init (&s);
  uth_batch_config_init (&c);
  c.requests = 10;
  run_ok (&s, &c, &r);
  g_assert_cmpint (uth_estimate (&s.input, &est), ==, UTH_ESTIMATE_OK);
  /* Llama 3 8B: 32 layers x 8 KV heads x 128 x 2 (K and V) x 2 bytes = 131072 B per token. */
  g_assert_cmpfloat (est.kv_bytes_per_token, ==, 131072.0);
  g_assert_cmpfloat (r.kv_capacity_tokens, >, 400000.0);
  g_assert_cmpfloat (r.kv_capacity_tokens, <, (85899345920.0 - est.weight_bytes) / 131072.0);
  uth_batch_result_clear (&r);
}

static void
test_bad_config (void)
{
  Scenario s;
  UthBatchConfig c;
  UthBatchResult r;

  scenario_init (&s);
  uth_batch_config_init (&c);
  c.requests = 0;
  g_assert_cmpint (uth_batch_simulate (&s.input, &c, NULL, &r), ==, UTH_BATCH_BAD_CONFIG);
  uth_batch_config_init (&c);
  c.max_batch = 0;
  g_assert_cmpint (uth_batch_simulate (&s.input, &c, NULL, &r), ==, UTH_BATCH_BAD_CONFIG);
  uth_batch_config_init (&c);
  c.arrival_rate = -1.0;
  g_assert_cmpint (uth_batch_simulate (&s.input, &c, NULL, &r), ==, UTH_BATCH_BAD_CONFIG);
  uth_batch_config_init (&c);
  c.arrival_rate = NAN;
  g_assert_cmpint (uth_batch_simulate (&s.input, &c, NULL, &r), ==, UTH_BATCH_BAD_CONFIG);
  uth_batch_config_init (&c);
  c.prompt.min = 0;
  g_assert_cmpint (uth_batch_simulate (&s.input, &c, NULL, &r), ==, UTH_BATCH_BAD_CONFIG);
  uth_batch_config_init (&c);
  c.output.max = 2;
  c.output.min = 5;
  g_assert_cmpint (uth_batch_simulate (&s.input, &c, NULL, &r), ==, UTH_BATCH_BAD_CONFIG);
  uth_batch_config_init (&c);
  s.input.model = NULL;
  g_assert_cmpint (uth_batch_simulate (&s.input, &c, NULL, &r), ==, UTH_BATCH_ESTIMATE_FAILED);
  g_assert_cmpint (uth_batch_simulate (NULL, &c, NULL, &r), ==, UTH_BATCH_BAD_CONFIG);
}

/* 10,000 requests complete (how fast is measured by the bench, never by a test). */
static void
test_ten_thousand (void)
{
  Scenario s;
  UthBatchConfig c;
  UthBatchResult r;
  UthStepCache *cache;

  scenario_init (&s);
  uth_batch_config_init (&c);
  c.requests = 10000;
  c.arrival_rate = 30.0;
  c.max_batch = 64;
  c.record_timeline = false;
  cache = uth_step_cache_new (&s.input, c.max_batch);
  g_assert_cmpint (uth_batch_simulate (&s.input, &c, cache, &r), ==, UTH_BATCH_OK);
  g_assert_cmpuint (r.n_requests, ==, 10000);
  g_assert_null (r.steps_log);
  check_finished (&r);
  uth_batch_result_clear (&r);
  uth_step_cache_free (cache);
}

/* Decode at batch 1 does ~2 FLOP per weight byte read (bf16: 2 bytes): utilization is
 * about 1 / ridge = 3.35e12 / 989.4e12 = 0.34% of peak on an H100, and grows with the batch. */
static void
test_utilization (void)
{
  Scenario s;
  UthBatchUtilization u1, u64, u512;

  scenario_init (&s);
  s.input.context = 128;
  g_assert_true (uth_batch_utilization (&s.input, 1, &u1));
  g_assert_true (uth_batch_utilization (&s.input, 64, &u64));
  g_assert_true (uth_batch_utilization (&s.input, 512, &u512));
  g_assert_cmpfloat (fabs (u1.compute_utilization - 3.35 / 989.4) / (3.35 / 989.4), <, 0.1);
  g_assert_cmpfloat (u1.bandwidth_utilization, >, 0.95);
  g_assert_cmpfloat (u64.compute_utilization, >, 40 * u1.compute_utilization);
  g_assert_cmpfloat (u512.compute_utilization, >, u64.compute_utilization);
  g_assert_cmpfloat (u512.compute_utilization, <=, 1.0);
  g_assert_false (uth_batch_utilization (&s.input, 0, &u1));
}

static void
test_rng (void)
{
  UthRng a, b;
  double sum = 0.0;
  int i;

  uth_rng_init (&a, 7);
  uth_rng_init (&b, 7);
  for (i = 0; i < 1000; i++)
    g_assert_cmpuint (uth_rng_next (&a), ==, uth_rng_next (&b));
  /* splitmix64's first output for seed 0, from the reference implementation. */
  uth_rng_init (&a, 0);
  g_assert_cmpuint (uth_rng_next (&a), ==, G_GUINT64_CONSTANT (0xe220a8397b1dcdaf));
  uth_rng_init (&a, 1);
  for (i = 0; i < 100000; i++)
    {
      double u = uth_rng_uniform (&a);

      g_assert_cmpfloat (u, >=, 0.0);
      g_assert_cmpfloat (u, <, 1.0);
      sum += u;
    }
  g_assert_cmpfloat (fabs (sum / 100000 - 0.5), <, 0.005);
}

/* Why compute utilisation levels off (issue 15 item 6), Llama 2 7B on an ideal H100.
 * A decode step reads W = 13,214,695,424 B of weights (test-estimate's case 1) and, per
 * sequence, K = 524,288 B per cached token; it does F ≈ 13.5 GFLOP per sequence. At 1024
 * tokens K = 536,870,912 B, so F / K ≈ 25 FLOP/B, far below the ridge 989.4 / 3.35 = 295:
 * no batch reaches it; only contexts under F / (295 x 524,288) ≈ 87 tokens can. At 32
 * tokens K = 16,777,216 B and the ridge comes at B = 295 W / (F - 295 K) ≈ 295 x 13.2 G /
 * (13.5 G - 4.95 G) ≈ 460 sequences. */
static void
test_ridge (void)
{
  UthModel m = fixture_llama_2_7b ();
  UthGpu h100 = fixture_h100_sxm ();
  UthEngine ideal;
  UthEstimateInput in;
  UthBatchRidge r;
  UthBatchUtilization u;
  double ridge = 989.4e12 / 3.35e12;

  uth_engine_init_roofline (&ideal);
  uth_estimate_input_init (&in);
  in.model = &m;
  in.gpu = &h100;
  in.engine = &ideal;
  g_assert_true (uth_batch_ridge (&in, &r));
  g_assert_cmpfloat (r.weight_bytes, ==, 13214695424.0);
  g_assert_cmpfloat (r.kv_bytes, ==, 536870912.0);
  g_assert_cmpfloat_with_epsilon (r.ridge, ridge, 1e-9);
  g_assert_cmpfloat (r.limit_intensity, >, 20.0);
  g_assert_cmpfloat (r.limit_intensity, <, 30.0);
  g_assert_cmpfloat (r.ridge_batch, ==, 0.0);
  g_assert_cmpfloat (r.ridge_context, >, 80.0);
  g_assert_cmpfloat (r.ridge_context, <, 95.0);

  in.context = 32;
  in.prompt = 32;
  g_assert_true (uth_batch_ridge (&in, &r));
  g_assert_cmpfloat (r.kv_bytes, ==, 16777216.0);
  g_assert_cmpfloat (r.ridge_batch, >, 420.0);
  g_assert_cmpfloat (r.ridge_batch, <, 500.0);
  /* The formula's batch puts B F / (W + B K) on the ridge. */
  g_assert_cmpfloat_with_epsilon (r.ridge_batch * r.flops / (r.weight_bytes + r.ridge_batch * r.kv_bytes),
                                  ridge, 1e-9);
  /* The utilisation's split: the weights once (plus one 8,192-byte embedding row per
   * sequence, 63 more than at batch 1) and 64 sequences' KV cache. */
  g_assert_true (uth_batch_utilization (&in, 64, &u));
  g_assert_cmpfloat (u.weight_bytes, ==, 13214695424.0 + 63 * 8192.0);
  g_assert_cmpfloat (u.kv_bytes, ==, 64 * 16777216.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/batching/rng", test_rng);
  g_test_add_func ("/batching/invariants", test_invariants);
  g_test_add_func ("/batching/continuous-beats-static", test_continuous_beats_static);
  g_test_add_func ("/batching/deterministic", test_deterministic);
  g_test_add_func ("/batching/single-request", test_single_request);
  g_test_add_func ("/batching/static-padding", test_static_padding);
  g_test_add_func ("/batching/kv-limit", test_kv_limit);
  g_test_add_func ("/batching/kv-from-gpu", test_kv_from_gpu);
  g_test_add_func ("/batching/bad-config", test_bad_config);
  g_test_add_func ("/batching/ten-thousand", test_ten_thousand);
  g_test_add_func ("/batching/utilization", test_utilization);
  g_test_add_func ("/batching/ridge", test_ridge);
  return g_test_run ();
}
