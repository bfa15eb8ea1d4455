/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the analysis step hands the figures (issue 20): the results of everything a page
 * computes from its inputs before it draws — tokens, the forward pass, logits, sampling
 * runs, measured points, the catalog rows a figure lists. Plain data, computed once per
 * input change by src/analysis/uth-analysis.c (on a worker thread when it is slow) and
 * carried to the draw functions in UthFigureContext.analysis. The render layer only reads
 * it: it never tokenizes, evaluates a model or looks anything up in a catalog. */
#pragma once

#include <glib.h>

#include "core/uth-bpe.h"
#include "core/uth-entry.h"
#include "core/uth-roofline.h"

G_BEGIN_DECLS

/* The text figures (How LLMs work) cut longer texts here for the Tokens page's merge
 * step-through, at a character boundary. */
#define UTH_ANALYSIS_MAX_TEXT_BYTES 2000
/* Logits the Softmax page shows, most likely first. */
#define UTH_ANALYSIS_SOFTMAX_SHOWN 12
#define UTH_ANALYSIS_GENERATION_MAX_STEPS 64
#define UTH_ANALYSIS_GENERATION_CANDIDATES 8

/* The tokenizer that made the tokens. */
typedef struct
{
  char     *name;        /* file name, or the project's own */
  gboolean  is_default;  /* the project's own vocabulary */
  gboolean  byte_level;  /* byte-level BPE (GPT-2 style) or SentencePiece style */
  guint     vocab_size;
  guint     n_merges;
} UthTokenizerInfo;

/* One frame of the byte-pair merge step-through: the tokens after `step` merges and the
 * merge that made it (last.places 0 at step 0). */
typedef struct
{
  guint       step;
  guint       n;
  guint32    *ids;
  guint8     *bytes;   /* each token's length in bytes, at most 255 */
  UthBpeStep  last;
} UthMergeFrame;

/* The reader's text as tokens. */
typedef struct
{
  char             *text;       /* the text analysed: the reader's or the example */
  gboolean          cut;        /* the text was longer than UTH_ANALYSIS_MAX_TEXT_BYTES (Tokens) */
  GArray           *ids;        /* guint32 token ids */
  UthTokenizerInfo  tokenizer;
  /* The merge step-through (Tokens page): frames at step 0, the page's step, the end. */
  guint             n_steps;
  guint             step;
  UthMergeFrame     frames[3];
} UthTextAnalysis;

/* One forward pass of the model the pages run (the app's own small model, or the one the
 * reader opened: src/catalog/uth-runnable-model.h) over the first n tokens of the text, as
 * core/uth-forward.h computes it (NULL where it keeps nothing). Row-major; "[l][h][i][j]"
 * is ((l * n_heads + h) * n + i) * n + j. */
typedef struct
{
  char    *source;          /* the model's name, for notes (not translated) */
  guint    n;               /* tokens run (the first of the text) */
  guint    n_text;          /* tokens of the whole text */
  guint32 *ids;             /* n ids */
  guint    d_model;
  guint    n_layers;
  guint    n_heads;
  guint    head_dim;
  double   rope_theta;      /* 0 without rotary positions */
  double  *embeddings;      /* [n][d_model]: each token's row of the embedding table */
  double  *positions;       /* [n][d_model]: added position terms; NULL for rotary models */
  double  *q;               /* [l][h][i][head_dim] after rotary positions; may be NULL */
  double  *k;               /* [l][h][i][head_dim]; may be NULL */
  double  *v;               /* [l][h][i][head_dim] value vectors; may be NULL */
  double  *out;             /* [l][h][i][head_dim] each head's output; may be NULL */
  double  *scores;          /* [l][h][i][j]: q_i · k_j / √head_dim, every entry */
  double  *weights;         /* [l][h][i][j]: the causal softmax rows */
  double  *residual_norms;  /* [n_layers + 1][n]: the residual's length after each layer; may be NULL */
  guint    vocab;
  double  *logits;          /* [vocab] after the last token; may be NULL */
  double  *angles;          /* [n][head_dim / 2]: RoPE rotation angles; NULL without */
  /* Sampled rows of the embedding table, for its picture: row r is token
   * r * vocab / table_rows. */
  guint    table_rows;
  double  *table;           /* [table_rows][d_model] */
  /* [l][h]: what the model's record (training.json) found a head does: 0 nothing named,
   * 1 previous token, 2 first token, 3 induction; NULL without a record. */
  guint   *head_patterns;
  char    *pattern_hint;    /* where to look ("Try layer 3, head 1: …"), translated; may be NULL */
} UthForwardData;

/* The next-token distribution after the text (Softmax page): logits, the sampling rule's
 * probabilities and the plain softmax at T = 1. */
typedef struct
{
  guint    vocab;
  double  *logits;
  double  *probs;     /* with the temperature and the cut-offs */
  double  *plain;     /* T = 1, no cut-offs */
  guint    order[UTH_ANALYSIS_SOFTMAX_SHOWN];  /* the largest logits, in order */
  guint    shown;
  guint    kept;      /* entries left after the cut-offs */
  double   temperature;
  guint    top_k;
  double   top_p;
} UthSoftmaxData;

/* A sampling run of the Generation page. */
typedef struct
{
  GArray  *prompt;           /* guint32 ids of the reader's text */
  GArray  *generated;        /* guint32 ids drawn, one per step */
  /* The last step's candidates, most probable first, after the sampling rule; the drawn
   * token takes the last place when it was not among them. */
  guint32  candidates[UTH_ANALYSIS_GENERATION_CANDIDATES];
  double   candidate_probs[UTH_ANALYSIS_GENERATION_CANDIDATES];
  guint    n_candidates;
  guint    kept;             /* tokens with a chance after the rule, last step */
  guint    prompt_cut;       /* prompt tokens left out (from the start, after the first) to
                              * leave room in the model's context */
  /* Estimator times on the scenario (0 when it has no model or GPU). */
  double   prefill_seconds;
  UthBound prefill_bound;
  double   step_seconds[UTH_ANALYSIS_GENERATION_MAX_STEPS];
  UthBound decode_bound;
  double   kv_bytes_per_token;
} UthGenerationRun;

/* A published measurement that matches the scenario (same GPU, GPU count and weight type;
 * the same model or one of the same shapes), with the estimator's time for it. */
typedef struct
{
  const UthReferencePoint *point;
  gboolean                 predicted_ok;
  double                   predicted;          /* seconds, with the scenario's engine */
  double                   roofline_fraction;  /* of the ideal roofline the run reached */
} UthMeasuredMatch;

typedef struct _UthAnalysis UthAnalysis;
struct _UthAnalysis
{
  char                   *page_id;
  /* Catalog rows the figure lists (Cost: GPUs; KV cache: models × GPUs; Speculative:
   * models; Overview: the A100 and the tuned engine). Entries stay valid while the
   * analysis lives (it keeps their catalog). */
  const UthModelEntry   **models;
  guint                   n_models;
  const UthGpuEntry     **gpus;
  guint                   n_gpus;
  const UthGpuEntry      *a100;
  const UthEngineEntry   *tuned;
  /* Measured points (Batching, Cost). */
  UthMeasuredMatch       *measured;
  guint                   n_measured;
  /* How LLMs work. */
  UthTextAnalysis        *text;
  UthForwardData         *forward;
  UthSoftmaxData         *softmax;
  UthGenerationRun       *generation;
  /* The model the How LLMs work pages ran, as a sentence for the figure ("uth-kjv-1m: 4
   * layers, 1.1 M parameters, trained by this app on the King James Bible"), with what was
   * cut to fit its context; NULL on other pages. Translated. */
  char                   *model_note;
  /* Every token id above as the figures write it (␣ for a space, <0xNN> for a byte). */
  GHashTable             *labels;
  /* Their bytes (GBytes), for tooltips. */
  GHashTable             *bytes;
  /* What keeps the entries and points alive. */
  gpointer                owner;
  GDestroyNotify          owner_free;
};

/* A new, empty analysis (refcounted, thread-safe counts). */
UthAnalysis *uth_analysis_new         (const char        *page_id);
UthAnalysis *uth_analysis_ref         (UthAnalysis       *self);
void         uth_analysis_unref       (UthAnalysis       *self);
/* How figures write a token id the analysis holds ("?" for one it does not). */
const char  *uth_analysis_token_label (const UthAnalysis *self,
                                       guint32            id);
/* Takes label (newly allocated) and bytes (may be NULL) as id's. */
void         uth_analysis_set_label   (UthAnalysis       *self,
                                       guint32            id,
                                       char              *label,
                                       GBytes            *bytes);
/* id's bytes, NULL when not known. */
GBytes      *uth_analysis_token_bytes (const UthAnalysis *self,
                                       guint32            id);
/* The matches of one phase (all with UTH_REFERENCE_N_PHASES), up to max, in file order. */
guint        uth_analysis_measured    (const UthAnalysis        *self,
                                       UthReferencePhase         phase,
                                       const UthMeasuredMatch  **out,
                                       guint                     max);

void         uth_text_analysis_free   (UthTextAnalysis   *text);
void         uth_forward_data_free    (UthForwardData    *fwd);
void         uth_softmax_data_free    (UthSoftmaxData    *data);
void         uth_generation_run_free  (UthGenerationRun  *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UthAnalysis, uth_analysis_unref)

G_END_DECLS
