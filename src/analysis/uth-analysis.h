/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The analysis step (issue 20): between the scenario and the figures. From a page's inputs
 * (the scenario in a UthFigureContext, the page's own parameters in ctx->page_data) and the
 * sources it reads (a catalog, a tokenizer, the counting model, the measured points), it
 * computes once what the page's figure shows (render/uth-analysis-data.h). The window
 * (UthFigure), the command line's render and bench, and the tests all build their contexts
 * through here, so they draw the same thing; the render layer never calls a catalog.
 *
 * This layer sees the catalog and the render layer's plain structs; it has no GTK. */
#pragma once

#include <gio/gio.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-reference.h"
#include "catalog/uth-runnable-model.h"
#include "catalog/uth-tokenizer.h"
#include "core/uth-ngram.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

/* Where an analysis reads from. Refcounted; immutable once made, so worker threads share it. */
typedef struct _UthAnalysisSources UthAnalysisSources;

/* catalog and tokenizer are referenced; ngram (may be NULL: no next-token pages) must
 * outlive the sources, corpus_words is how many words it was counted over; points (may be
 * NULL: no measured markers) is referenced. */
UthAnalysisSources *uth_analysis_sources_new     (UthCatalog      *catalog,
                                                  UthTokenizer    *tokenizer,
                                                  const UthNgram  *ngram,
                                                  guint            corpus_words,
                                                  GPtrArray       *points);
/* The application's: catalog (NULL: the bundled catalog plus the user's), the project's
 * tokenizer, its counting model and data/reference.json. */
UthAnalysisSources *uth_analysis_sources_new_app (UthCatalog      *catalog);
/* The same sources with another model for the How LLMs work pages (a model the reader
 * opened; NULL: none). Every source made otherwise runs the app's own model. */
UthAnalysisSources *uth_analysis_sources_new_with_model (UthAnalysisSources *base,
                                                         UthRunnableModel   *model);
UthRunnableModel   *uth_analysis_sources_get_model (UthAnalysisSources *self);
UthAnalysisSources *uth_analysis_sources_ref     (UthAnalysisSources *self);
void                uth_analysis_sources_unref   (UthAnalysisSources *self);
UthCatalog         *uth_analysis_sources_get_catalog (UthAnalysisSources *self);

/* The page's inputs as a string: two contexts with the same key have the same analysis
 * (hover, size, style and presentation builds are not inputs). page_id NULL: the catalog
 * rows only. */
char        *uth_analysis_key          (UthAnalysisSources     *sources,
                                        const char             *page_id,
                                        const UthFigureContext *ctx);
/* Whether computing it may take longer than a frame (a long text, a real model): then the
 * window runs it on a worker thread. */
gboolean     uth_analysis_is_slow      (UthAnalysisSources     *sources,
                                        const char             *page_id,
                                        const UthFigureContext *ctx);
/* Computes the page's analysis. NULL only when cancelled (error says so). */
UthAnalysis *uth_analysis_compute      (UthAnalysisSources     *sources,
                                        const char             *page_id,
                                        const UthFigureContext *ctx,
                                        GCancellable           *cancellable,
                                        GError                **error);
/* The same on a worker thread (GTask): what reads the catalog is done before this returns,
 * on the calling thread, and ctx is copied; the rest (tokens, forward pass, logits, runs)
 * reads only immutable sources. */
void         uth_analysis_compute_async  (UthAnalysisSources     *sources,
                                          const char             *page_id,
                                          const UthFigureContext *ctx,
                                          GCancellable           *cancellable,
                                          GAsyncReadyCallback     callback,
                                          gpointer                user_data);
UthAnalysis *uth_analysis_compute_finish (GAsyncResult           *result,
                                          GError                **error);
/* The catalog rows alone (models, GPUs, the A100 and the tuned engine), what any page of
 * the scenario may list. */
UthAnalysis *uth_analysis_new_catalog_rows (UthAnalysisSources   *sources);

/* Computes the page's analysis synchronously and puts it in ctx->analysis; returns it
 * (the caller keeps it alive while ctx is used, then unrefs it). For the command line,
 * the bench, tests and one-off contexts of pages. */
UthAnalysis *uth_analysis_prepare      (UthAnalysisSources     *sources,
                                        const char             *page_id,
                                        UthFigureContext       *ctx);

/* One page's analysis, kept until its inputs change. Not thread-safe: use it from one
 * thread (the window's main loop). */
typedef struct _UthAnalysisCache UthAnalysisCache;

typedef void (*UthAnalysisReadyFunc) (gpointer user_data);

UthAnalysisCache *uth_analysis_cache_new    (void);
/* Cancels a pending computation (its ready function is not called) and frees the cache. */
void              uth_analysis_cache_free   (UthAnalysisCache       *cache);
/* Puts the page's analysis in ctx->analysis (valid until the next call or the cache's
 * end): the cached one when ctx's inputs have not changed (uth_analysis_key), else a new
 * one, computed now, or, when it is slow and ready is not NULL, on a worker thread: then
 * ctx->analysis is NULL and ctx->analysis_pending TRUE until ready (user_data) is called
 * on this thread's main context, after which the next call finds it. A newer input
 * cancels an older pending one. */
void              uth_analysis_cache_attach (UthAnalysisCache       *cache,
                                             UthAnalysisSources     *sources,
                                             const char             *page_id,
                                             UthFigureContext       *ctx,
                                             UthAnalysisReadyFunc    ready,
                                             gpointer                user_data);
/* Whether a computation is running. */
gboolean          uth_analysis_cache_is_pending (UthAnalysisCache   *cache);

/* How many analyses were computed in this process (tests: once per input change, not per
 * frame). */
guint        uth_analysis_get_run_count (void);
/* Tests: every analysis takes at least this long and counts as slow (0: off). */
void         uth_analysis_set_delay_for_testing (guint milliseconds);

/* How many merge steps the text (its first UTH_ANALYSIS_MAX_TEXT_BYTES) takes with the
 * tokenizer: the Tokens page's step-through's end. */
guint        uth_tokens_count_steps    (UthTokenizer           *tokenizer,
                                        const char             *text);
/* Whether two models have the same shapes (so the same kernels and timings). */
gboolean     uth_measured_same_architecture (const UthModel    *a,
                                             const UthModel    *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UthAnalysisSources, uth_analysis_sources_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UthAnalysisCache, uth_analysis_cache_free)

G_END_DECLS
