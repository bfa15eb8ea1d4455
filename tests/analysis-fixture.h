/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Figures draw what their context holds (issue 20): a test that draws a page puts the page's
 * analysis in the context first, computed from a catalog it chose, as the window does. */
#pragma once

#include "analysis/uth-analysis.h"

static UthAnalysisSources *fixture_sources;
static UthAnalysisCache   *fixture_cache;
static UthFigureContext    fixture_analysed;
static UthAnalysis        *fixture_rows;

/* Analyses read catalog (and the project's tokenizer, counting model, measured points). */
G_GNUC_UNUSED static void
analysis_fixture_init (UthCatalog *catalog)
{
  g_clear_pointer (&fixture_cache, uth_analysis_cache_free);
  g_clear_pointer (&fixture_sources, uth_analysis_sources_unref);
  fixture_sources = uth_analysis_sources_new_app (catalog);
  fixture_cache = uth_analysis_cache_new ();
}

G_GNUC_UNUSED static void
analysis_fixture_clear (void)
{
  g_clear_pointer (&fixture_rows, uth_analysis_unref);
  g_clear_pointer (&fixture_cache, uth_analysis_cache_free);
  g_clear_pointer (&fixture_sources, uth_analysis_sources_unref);
}

/* A copy of ctx with page_id's analysis, valid until the next call (computed again only
 * when ctx's inputs changed). */
G_GNUC_UNUSED static const UthFigureContext *
analysed (const char             *page_id,
          const UthFigureContext *ctx)
{
  g_assert_nonnull (fixture_sources);
  fixture_analysed = *ctx;
  uth_analysis_cache_attach (fixture_cache, fixture_sources, page_id, &fixture_analysed, NULL, NULL);
  g_assert_nonnull (fixture_analysed.analysis);
  return &fixture_analysed;
}

/* Puts the analysis of the Cost page (the catalog rows and the scenario's measured points)
 * in ctx itself, for tests that call a figure's functions directly; computed from ctx as it
 * is now. */
G_GNUC_UNUSED static void
analysis_fixture_rows (UthFigureContext *ctx)
{
  g_assert_nonnull (fixture_sources);
  g_clear_pointer (&fixture_rows, uth_analysis_unref);
  ctx->analysis = NULL;
  fixture_rows = uth_analysis_compute (fixture_sources, "cost", ctx, NULL, NULL);
  ctx->analysis = fixture_rows;
}
