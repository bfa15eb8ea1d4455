/* SPDX-License-Identifier: GPL-3.0-or-later */
/* uth-train-model: trains, measures and samples the app's own small model (see
 * data/model/MODEL_CARD.md for the run that made the shipped one).
 *
 *   uth-train-model train --tokenizer TOKENIZER.json --train TRAIN.txt --valid VALID.txt
 *                         --out DIR [--dim 128 --layers 4 --heads 4 --hidden 384
 *                         --context 64 --batch 16 --steps 3000 --warmup 100 --lr 0.002
 *                         --lr-min 0.0002 --weight-decay 0.1 --clip 1 --seed 1
 *                         --threads 2 --eval-every 250]
 *   uth-train-model eval DIR --tokenizer T --text VALID.txt [--windows N]
 *   uth-train-model heads DIR --tokenizer T --text VALID.txt [--windows N]
 *   uth-train-model generate DIR --tokenizer T --prompt TEXT [--tokens N
 *                         --temperature 0.8 --top-k 40 --seed 1]
 *   uth-train-model logits DIR --tokenizer T --prompt TEXT
 *                         (JSON: the ids, BOS first, and every position's logits; what
 *                         tools/trainer/check-with-torch.py compares with PyTorch)
 *
 * Training is deterministic: the same options on the same build give the same losses and
 * weights, bit for bit, whatever --threads is. */
#include <gio/gio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/uth-rng.h"
#include "uth-train-io.h"

typedef struct
{
  const char *tokenizer, *train, *valid, *text, *out, *prompt, *dir;
  UthTrainConfig cfg;
  UthTrainOptim  opt;
  int batch, threads, eval_every, windows, tokens, top_k;
  double temperature;
  guint64 seed;
} Options;

static void
usage (void)
{
  fputs ("usage: uth-train-model train --tokenizer FILE --train FILE --valid FILE --out DIR "
         "[options]\n"
         "       uth-train-model eval|heads DIR --tokenizer FILE --text FILE [--windows N]\n"
         "       uth-train-model generate DIR --tokenizer FILE --prompt TEXT [--tokens N "
         "--temperature T --top-k K --seed S]\n"
         "       uth-train-model logits DIR --tokenizer FILE --prompt TEXT\n", stderr);
}

static gboolean
parse_number (const char *name,
              const char *text,
              double      min,
              double      max,
              double     *out)
{
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0' || !(v >= min && v <= max))
    {
      fprintf (stderr, "uth-train-model: %s: \"%s\" is not a number from %g to %g\n", name,
               text, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
parse_options (int      argc,
               char   **argv,
               Options *o)
{
  for (int i = 2; i < argc; i++)
    {
      const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
      double x = 0;

#define STR(flag, field) if (strcmp (a, flag) == 0 && v != NULL) { o->field = v; i++; continue; }
#define NUM(flag, min, max, field) \
      if (strcmp (a, flag) == 0 && v != NULL) { \
        if (!parse_number (flag, v, min, max, &x)) return FALSE; \
        o->field = x; i++; continue; }
      STR ("--tokenizer", tokenizer);
      STR ("--train", train);
      STR ("--valid", valid);
      STR ("--text", text);
      STR ("--out", out);
      STR ("--prompt", prompt);
      NUM ("--dim", 2, 8192, cfg.dim);
      NUM ("--layers", 1, 64, cfg.n_layers);
      NUM ("--heads", 1, 256, cfg.n_heads);
      NUM ("--hidden", 1, 65536, cfg.hidden_dim);
      NUM ("--context", 2, 65536, cfg.context);
      NUM ("--rope-theta", 2, 1e9, cfg.rope_theta);
      NUM ("--batch", 1, 4096, batch);
      NUM ("--steps", 1, 1e7, opt.total_steps);
      NUM ("--warmup", 0, 1e7, opt.warmup_steps);
      NUM ("--lr", 0, 1, opt.lr_peak);
      NUM ("--lr-min", 0, 1, opt.lr_min);
      NUM ("--weight-decay", 0, 10, opt.weight_decay);
      NUM ("--clip", 0, 1e6, opt.clip_norm);
      NUM ("--seed", 0, 1e15, seed);
      NUM ("--threads", 1, 16, threads);
      NUM ("--eval-every", 1, 1e7, eval_every);
      NUM ("--windows", 0, 1e7, windows);
      NUM ("--tokens", 1, 100000, tokens);
      NUM ("--temperature", 0, 100, temperature);
      NUM ("--top-k", 0, 1e7, top_k);
#undef STR
#undef NUM
      if (a[0] != '-' && o->dir == NULL)
        {
          o->dir = a;
          continue;
        }
      fprintf (stderr, "uth-train-model: unknown or incomplete option \"%s\"\n", a);
      return FALSE;
    }
  return TRUE;
}

static UthTokenizer *
load_tokenizer (const char *path)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  UthTokenizer *tok;

  if (path == NULL)
    {
      fputs ("uth-train-model: --tokenizer is needed\n", stderr);
      return NULL;
    }
  file = g_file_new_for_path (path);
  tok = uth_tokenizer_new_from_file (file, &error);
  if (tok == NULL)
    fprintf (stderr, "uth-train-model: %s\n", error->message);
  return tok;
}

static GArray *
tokenize (UthTokenizer *tok,
          const char   *path)
{
  g_autoptr (GError) error = NULL;
  GArray *ids;

  if (path == NULL)
    {
      fputs ("uth-train-model: a text file is needed (--train/--valid/--text)\n", stderr);
      return NULL;
    }
  ids = uth_train_tokenize_file (tok, path, &error);
  if (ids == NULL)
    fprintf (stderr, "uth-train-model: %s\n", error->message);
  return ids;
}

static int
special_id (UthTokenizer *tok)
{
  const UthBpe *bpe = uth_tokenizer_get_bpe (tok);
  uint32_t id = uth_bpe_lookup (bpe, (const uint8_t *) UTH_TRAIN_SPECIAL,
                                strlen (UTH_TRAIN_SPECIAL));

  if (id == UTH_BPE_NO_TOKEN)
    {
      fputs ("uth-train-model: the tokenizer has no " UTH_TRAIN_SPECIAL " token\n", stderr);
      return -1;
    }
  return (int) id;
}

static int
cmd_train (Options *o)
{
  g_autoptr (UthTokenizer) tok = load_tokenizer (o->tokenizer);
  GArray *train_ids, *valid_ids;
  UthTrainModel model = { 0 };
  UthTrainWork *work;
  const char *problem;
  size_t n_params;
  float *grads, *m, *v;
  int32_t *inputs, *targets;
  int T = o->cfg.context, B = o->batch;
  UthRng rng;
  double ema = 0;
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;

  if (tok == NULL)
    return 1;
  if (o->out == NULL)
    {
      fputs ("uth-train-model: --out is needed\n", stderr);
      return 2;
    }
  model.bos_id = special_id (tok);
  if (model.bos_id < 0)
    return 1;
  o->cfg.vocab_size = (int) uth_bpe_get_vocab_size (uth_tokenizer_get_bpe (tok));
  problem = uth_train_config_check (&o->cfg);
  if (problem != NULL)
    {
      fprintf (stderr, "uth-train-model: %s\n", problem);
      return 2;
    }
  train_ids = tokenize (tok, o->train);
  valid_ids = train_ids != NULL ? tokenize (tok, o->valid) : NULL;
  if (valid_ids == NULL)
    return 1;
  if (train_ids->len < (guint) T + 1)
    {
      fputs ("uth-train-model: the training text is shorter than one window\n", stderr);
      return 1;
    }
  model.cfg = o->cfg;
  n_params = uth_train_n_params (&o->cfg);
  model.params = g_new (float, n_params);
  grads = g_new (float, n_params);
  m = g_new0 (float, n_params);
  v = g_new0 (float, n_params);
  inputs = g_new (int32_t, (gsize) B * T);
  targets = g_new (int32_t, (gsize) B * T);
  work = uth_train_work_new (&o->cfg, B, T);
  if (work == NULL)
    {
      fputs ("uth-train-model: out of memory\n", stderr);
      return 1;
    }
  g_mkdir_with_parents (o->out, 0755);
  printf ("model: vocab %d, dim %d, layers %d, heads %d, hidden %d, context %d: %zu parameters\n"
          "corpus: %u training tokens (%s), %u validation tokens (%s); both round-trip\n"
          "run: %d steps of %d x %d tokens, lr %g -> %g (warm-up %d), wd %g, clip %g, seed %"
          G_GUINT64_FORMAT ", %d threads\n",
          o->cfg.vocab_size, o->cfg.dim, o->cfg.n_layers, o->cfg.n_heads, o->cfg.hidden_dim,
          o->cfg.context, n_params, train_ids->len, o->train, valid_ids->len, o->valid,
          o->opt.total_steps, B, T, o->opt.lr_peak, o->opt.lr_min, o->opt.warmup_steps,
          o->opt.weight_decay, o->opt.clip_norm, o->seed, o->threads);
  fflush (stdout);
  uth_train_init_params (&o->cfg, model.params, o->seed);
  uth_rng_init (&rng, o->seed ^ 0x9E3779B97F4A7C15ull);
  for (int step = 0; step < o->opt.total_steps; step++)
    {
      const guint32 *ids = (const guint32 *) train_ids->data;
      double loss, norm, lr;

      for (int b = 0; b < B; b++)
        {
          gsize off = (gsize) (uth_rng_uniform (&rng) * (train_ids->len - (guint) T));

          inputs[b * T] = model.bos_id;
          for (int t = 0; t < T; t++)
            {
              if (t > 0)
                inputs[b * T + t] = (int32_t) ids[off + t - 1];
              targets[b * T + t] = (int32_t) ids[off + t];
            }
        }
      memset (grads, 0, sizeof (float) * n_params);
      loss = uth_train_forward_backward (&o->cfg, model.params, grads, inputs, targets, work,
                                         o->threads, NULL);
      norm = uth_train_clip (grads, n_params, o->opt.clip_norm);
      lr = uth_train_lr (&o->opt, step);
      uth_train_adamw (&o->cfg, &o->opt, model.params, grads, m, v, step, lr);
      ema = step == 0 ? loss : 0.98 * ema + 0.02 * loss;
      if (step % 10 == 0 || step + 1 == o->opt.total_steps)
        {
          double secs = (g_get_monotonic_time () - start) / 1e6;

          printf ("step %5d  loss %.4f  (avg %.4f)  lr %.2e  grad-norm %.3f  %.0f s  %.0f tok/s\n",
                  step, loss, ema, lr, norm, secs, (step + 1.0) * B * T / secs);
          fflush (stdout);
        }
      if ((step + 1) % o->eval_every == 0 || step + 1 == o->opt.total_steps)
        {
          double vl = uth_train_eval_windows (&model, (const guint32 *) valid_ids->data,
                                              valid_ids->len, T, 64, o->threads, NULL);

          printf ("eval step %d  validation loss (first 64 windows) %.4f\n", step + 1, vl);
          if (!uth_train_model_save (&model, o->out, &error))
            {
              fprintf (stderr, "uth-train-model: %s\n", error->message);
              return 1;
            }
          fflush (stdout);
        }
    }
  {
    gsize nt = 0;
    double vl = uth_train_eval_windows (&model, (const guint32 *) valid_ids->data,
                                        valid_ids->len, T, 0, o->threads, &nt);
    double tl = uth_train_eval_windows (&model, (const guint32 *) train_ids->data,
                                        train_ids->len, T, 1000, o->threads, NULL);

    printf ("final: validation loss %.4f nats over %" G_GSIZE_FORMAT " tokens (all windows); "
            "training loss %.4f (first 1000 windows); %.0f s\n",
            vl, nt, tl, (g_get_monotonic_time () - start) / 1e6);
  }
  uth_train_work_free (work);
  g_array_unref (train_ids);
  g_array_unref (valid_ids);
  uth_train_model_clear (&model);
  g_free (grads);
  g_free (m);
  g_free (v);
  g_free (inputs);
  g_free (targets);
  return 0;
}

static gboolean
load_model (Options       *o,
            UthTrainModel *model)
{
  g_autoptr (GError) error = NULL;

  if (o->dir == NULL)
    {
      fputs ("uth-train-model: which model folder?\n", stderr);
      return FALSE;
    }
  if (!uth_train_model_load (model, o->dir, &error))
    {
      fprintf (stderr, "uth-train-model: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static int
cmd_eval (Options *o)
{
  g_autoptr (UthTokenizer) tok = load_tokenizer (o->tokenizer);
  UthTrainModel model;
  GArray *ids;
  gsize nt = 0;
  double loss;

  if (tok == NULL || !load_model (o, &model))
    return 1;
  ids = tokenize (tok, o->text);
  if (ids == NULL)
    return 1;
  loss = uth_train_eval_windows (&model, (const guint32 *) ids->data, ids->len,
                                 model.cfg.context, o->windows, o->threads, &nt);
  printf ("loss %.6f nats over %" G_GSIZE_FORMAT " tokens (%d windows of %d)\n", loss, nt,
          o->windows, model.cfg.context);
  g_array_unref (ids);
  uth_train_model_clear (&model);
  return 0;
}

static int
cmd_heads (Options *o)
{
  g_autoptr (UthTokenizer) tok = load_tokenizer (o->tokenizer);
  UthTrainModel model;
  UthTrainHeadScores s;
  GArray *ids;
  int H;

  if (tok == NULL || !load_model (o, &model))
    return 1;
  ids = tokenize (tok, o->text);
  if (ids == NULL)
    return 1;
  if (!uth_train_head_scores (&model, (const guint32 *) ids->data, ids->len, model.cfg.context,
                              o->windows > 0 ? o->windows : 200, 100, o->seed, &s))
    {
      fputs ("uth-train-model: text too short to measure the heads\n", stderr);
      return 1;
    }
  H = model.cfg.n_heads;
  {
    /* What a head that spreads its weight evenly over the positions it sees would score:
     * 1/(t + 1) at position t, averaged as the scores are. */
    int T = model.cfg.context, half = (T - 1) / 2;
    double even = 0, even_induction = 0;

    for (int t = 1; t < T; t++)
      even += 1.0 / (t + 1) / (T - 1);
    for (int i = 0; i < half - 1; i++)
      even_induction += 1.0 / (2 + half + i) / (half - 1);
    printf ("Even attention would score %.3f (previous, first) and %.3f (induction).\n\n",
            even, even_induction);
  }
  printf ("| layer | head | previous token | first token | induction |\n"
          "|------:|-----:|---------------:|------------:|----------:|\n");
  for (int l = 0; l < model.cfg.n_layers; l++)
    for (int h = 0; h < H; h++)
      printf ("| %d | %d | %.3f | %.3f | %.3f |\n", l, h, s.previous[l * H + h],
              s.first[l * H + h], s.induction[l * H + h]);
  uth_train_head_scores_clear (&s);
  g_array_unref (ids);
  uth_train_model_clear (&model);
  return 0;
}

static int
cmd_generate (Options *o)
{
  g_autoptr (UthTokenizer) tok = load_tokenizer (o->tokenizer);
  UthTrainModel model;
  GArray *ids, *prompt;
  UthRng rng;
  GString *text;
  int V, T;
  double *p;

  if (tok == NULL || !load_model (o, &model))
    return 1;
  V = model.cfg.vocab_size;
  T = model.cfg.context;
  prompt = uth_tokenizer_encode (tok, o->prompt != NULL ? o->prompt : "", -1);
  ids = g_array_new (FALSE, FALSE, sizeof (int32_t));
  for (guint i = 0; i < prompt->len; i++)
    {
      int32_t id = (int32_t) g_array_index (prompt, guint32, i);

      g_array_append_val (ids, id);
    }
  uth_rng_init (&rng, o->seed);
  p = g_new (double, V);
  for (int n = 0; n < o->tokens; n++)
    {
      /* BOS + the last T − 1 tokens */
      int len = MIN ((int) ids->len, T - 1) + 1;
      UthTrainWork *work = uth_train_work_new (&model.cfg, 1, len);
      int32_t *in = g_new (int32_t, len), *tg = g_new (int32_t, len);
      const float *logits;
      double maxv = -INFINITY, sum = 0, r;
      int next = 0;

      in[0] = model.bos_id;
      for (int t = 1; t < len; t++)
        in[t] = g_array_index (ids, int32_t, ids->len - (guint) (len - t));
      for (int t = 0; t < len; t++)
        tg[t] = -1;
      uth_train_forward_backward (&model.cfg, model.params, NULL, in, tg, work, o->threads,
                                  NULL);
      logits = uth_train_work_logits (work) + (gsize) (len - 1) * V;
      if (o->temperature <= 0)
        {
          for (int i = 1; i < V; i++)
            if (logits[i] > logits[next])
              next = i;
        }
      else
        {
          float kth = -INFINITY;

          if (o->top_k > 0 && o->top_k < V)
            {
              /* the k-th largest logit: count how many are above each candidate */
              float *sorted = g_new (float, V);

              memcpy (sorted, logits, sizeof (float) * V);
              for (int k = 0; k < o->top_k; k++)
                {
                  int best = k;
                  float tmp;

                  for (int i = k + 1; i < V; i++)
                    if (sorted[i] > sorted[best])
                      best = i;
                  tmp = sorted[k];
                  sorted[k] = sorted[best];
                  sorted[best] = tmp;
                }
              kth = sorted[o->top_k - 1];
              g_free (sorted);
            }
          for (int i = 0; i < V; i++)
            if (logits[i] > maxv)
              maxv = logits[i];
          for (int i = 0; i < V; i++)
            {
              p[i] = logits[i] >= kth ? exp ((logits[i] - maxv) / o->temperature) : 0;
              sum += p[i];
            }
          r = uth_rng_uniform (&rng) * sum;
          for (next = 0; next < V - 1; next++)
            {
              r -= p[next];
              if (r < 0)
                break;
            }
        }
      g_array_append_val (ids, next);
      uth_train_work_free (work);
      g_free (in);
      g_free (tg);
      if (next == model.bos_id)
        break;
    }
  {
    guint32 *u = g_new (guint32, ids->len);

    for (guint i = 0; i < ids->len; i++)
      u[i] = (guint32) g_array_index (ids, int32_t, i);
    text = uth_train_decode (tok, u, ids->len);
    g_free (u);
  }
  printf ("%s\n", text->str);
  g_string_free (text, TRUE);
  g_free (p);
  g_array_unref (ids);
  g_array_unref (prompt);
  uth_train_model_clear (&model);
  return 0;
}

static int
cmd_logits (Options *o)
{
  g_autoptr (UthTokenizer) tok = load_tokenizer (o->tokenizer);
  UthTrainModel model;
  GArray *prompt;
  UthTrainWork *work;
  int32_t *in, *tg;
  int len, V;
  const float *logits;

  if (tok == NULL || !load_model (o, &model))
    return 1;
  V = model.cfg.vocab_size;
  prompt = uth_tokenizer_encode (tok, o->prompt != NULL ? o->prompt : "", -1);
  len = (int) MIN (prompt->len + 1, (guint) model.cfg.context);
  work = uth_train_work_new (&model.cfg, 1, len);
  in = g_new (int32_t, len);
  tg = g_new (int32_t, len);
  in[0] = model.bos_id;
  for (int t = 0; t < len; t++)
    {
      if (t > 0)
        in[t] = (int32_t) g_array_index (prompt, guint32, t - 1);
      tg[t] = -1;
    }
  uth_train_forward_backward (&model.cfg, model.params, NULL, in, tg, work, o->threads, NULL);
  logits = uth_train_work_logits (work);
  printf ("{\"ids\": [");
  for (int t = 0; t < len; t++)
    printf ("%s%d", t > 0 ? ", " : "", in[t]);
  printf ("],\n \"logits\": [");
  for (int t = 0; t < len; t++)
    {
      printf ("%s[", t > 0 ? ",\n  " : "");
      for (int v = 0; v < V; v++)
        printf ("%s%.9g", v > 0 ? ", " : "", logits[(gsize) t * V + v]);
      printf ("]");
    }
  printf ("]}\n");
  uth_train_work_free (work);
  g_free (in);
  g_free (tg);
  g_array_unref (prompt);
  uth_train_model_clear (&model);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  Options o = {
    .cfg = { .dim = 128, .n_layers = 4, .n_heads = 4, .hidden_dim = 384, .context = 64,
             .rope_theta = 10000.0, .norm_eps = 1e-5 },
    .opt = { .lr_peak = 2e-3, .lr_min = 2e-4, .warmup_steps = 100, .total_steps = 3000,
             .beta1 = 0.9, .beta2 = 0.95, .eps = 1e-8, .weight_decay = 0.1, .clip_norm = 1.0 },
    .batch = 16, .threads = 2, .eval_every = 250, .windows = 0, .tokens = 60,
    .temperature = 0.8, .top_k = 40, .seed = 1,
  };

  if (argc < 2 || !parse_options (argc, argv, &o))
    {
      usage ();
      return 2;
    }
  if (strcmp (argv[1], "train") == 0)
    return cmd_train (&o);
  if (strcmp (argv[1], "eval") == 0)
    return cmd_eval (&o);
  if (strcmp (argv[1], "heads") == 0)
    return cmd_heads (&o);
  if (strcmp (argv[1], "generate") == 0)
    return cmd_generate (&o);
  if (strcmp (argv[1], "logits") == 0)
    return cmd_logits (&o);
  usage ();
  return 2;
}
