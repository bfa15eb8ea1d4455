/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <inttypes.h>
#include <string.h>

#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-tokens.h"

/* Top panel chips beyond this are summarised as "… and N more". */
#define MAX_CHIPS 400

typedef struct
{
  double       s, m;
  UthChartRect cards;
  UthChartRect spans;       /* the panel */
  UthChartRect spans_body;  /* where chips go */
  UthChartRect steps;
} Layout;

/* The page's analysis (ctx->analysis->text). */
typedef struct
{
  const UthTextAnalysis *a;
  const char            *text;
  GArray                *ids;
  guint                  n_steps;
  guint                  step;
} Tokens;

static gboolean
tokens_init (Tokens                 *t,
             const UthFigureContext *ctx)
{
  t->a = ctx != NULL && ctx->analysis != NULL ? ctx->analysis->text : NULL;
  if (t->a == NULL || t->a->ids == NULL)
    return FALSE;
  t->text = t->a->text;
  t->ids = t->a->ids;
  t->n_steps = t->a->n_steps;
  t->step = t->a->step;
  return TRUE;
}

static void
layout_init (Layout                 *l,
             const UthFigureContext *ctx,
             double                  width,
             double                  height,
             double                  top)
{
  double gap;

  l->s = uth_draw_scale (ctx);
  l->m = uth_draw_margin (ctx);
  gap = 16 * l->s;
  l->cards = (UthChartRect) { l->m, top, width - 2 * l->m, 104 * l->s };
  l->spans = (UthChartRect) { l->m, l->cards.y + l->cards.h + gap, width - 2 * l->m, 0 };
  l->spans.h = (height - l->m - l->spans.y - gap) * 0.36;
  l->steps = (UthChartRect) { l->m, l->spans.y + l->spans.h + gap, width - 2 * l->m,
                              height - l->m - (l->spans.y + l->spans.h + gap) };
  l->spans_body = (UthChartRect) { l->spans.x + 16 * l->s, l->spans.y + 48 * l->s,
                                   l->spans.w - 32 * l->s, l->spans.h - 60 * l->s };
}

static char *
describe_tokenizer (const UthTokenizerInfo *tok)
{
  const char *kind = tok->byte_level ? _("byte-level BPE") : _("SentencePiece-style BPE");
  g_autofree char *vocab = uth_format_count (tok->vocab_size);
  g_autofree char *merges = uth_format_count ((double) tok->n_merges);

  if (tok->is_default)
    /* Translators: the project's own tokenizer; 1st %s a count of merges, 2nd the vocabulary size */
    return g_strdup_printf (_("Tokenizer: this app’s own byte-level BPE, %s merges learned at build time from its own six pages about LLMs and GPUs; vocabulary %s tokens"),
                            merges, vocab);
  /* Translators: file name, kind of BPE, number of merges, vocabulary size */
  return g_strdup_printf (_("Tokenizer: %s (%s, %s merges, vocabulary %s tokens)"),
                          tok->name, kind, merges, vocab);
}

static void
draw_cards (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Layout           *l,
            const Tokens           *t)
{
  double w = (l->cards.w - 3 * 16 * l->s) / 4;
  /* At the figure's narrowest (a 1280 px window with the sidebar) the long notes were cut
   * with an ellipsis, the output price with them: shorter ones fit. */
  gboolean narrow = w < 330 * l->s;
  glong chars = g_utf8_strlen (t->text, -1);
  gsize bytes = strlen (t->text);
  guint n = t->ids->len;
  g_autofree char *n_str = uth_format_count (n);
  g_autofree char *chars_str = uth_format_count ((double) chars);
  g_autofree char *bytes_str = g_strdup_printf (ngettext ("%" PRIu64 " byte of UTF-8",
                                                          "%" PRIu64 " bytes of UTF-8", bytes), (uint64_t) bytes);
  g_autofree char *ratio = n > 0 ? uth_format_number ((double) chars / n) : g_strdup ("–");
  g_autofree char *cost = NULL;
  g_autofree char *cost_detail = NULL;

  if (ctx->estimate != NULL && ctx->estimate->cost_per_million_input_tokens > 0)
    {
      /* One text costs a tiny fraction of a cent: a million of them reads better. */
      double in = ctx->estimate->cost_per_million_input_tokens * n;
      double out = ctx->estimate->cost_per_million_output_tokens * n;
      g_autofree char *out_s = uth_format_usd (out);

      cost = uth_format_usd (in);
      /* Translators: %s is a price like "$0.56" */
      cost_detail = narrow ? g_strdup_printf (_("as output: %s"), out_s)
                           : g_strdup_printf (_("read as a prompt; written as output: %s"), out_s);
    }
  else
    {
      cost = g_strdup ("–");
      cost_detail = g_strdup (_("choose a model and GPU to price it"));
    }
  uth_draw_card (cr, ctx, l->cards.x, l->cards.y, w, l->cards.h, _("Tokens"), n_str,
                 _("what the model reads and pays for"));
  uth_draw_card (cr, ctx, l->cards.x + (w + 16 * l->s), l->cards.y, w, l->cards.h,
                 _("Characters"), chars_str, bytes_str);
  uth_draw_card (cr, ctx, l->cards.x + 2 * (w + 16 * l->s), l->cards.y, w, l->cards.h,
                 _("Characters per token"), ratio,
                 narrow ? _("about 4 in English") : _("about 4 for English with a large vocabulary"));
  uth_draw_card (cr, ctx, l->cards.x + 3 * (w + 16 * l->s), l->cards.y, w, l->cards.h,
                 _("A million of these texts cost"), cost, cost_detail);
}

static void
draw_spans (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Layout           *l,
            const Tokens           *t)
{
  guint n = MIN (t->ids->len, MAX_CHIPS), fitted;
  double used;

  uth_draw_panel (cr, ctx, l->spans.x, l->spans.y, l->spans.w, l->spans.h,
                  _("Your text as tokens (each chip is one token; the number is its id)"));
  fitted = uth_draw_token_chips (cr, ctx, (const guint32 *) t->ids->data, n,
                                 NULL, UTH_CHIP_WITH_ID, ctx->hover, l->spans_body.x,
                                 l->spans_body.y, l->spans_body.w, l->spans_body.h, NULL, &used);
  if (fitted < t->ids->len)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("… and %u more token", "… and %u more tokens",
                                                         t->ids->len - fitted), t->ids->len - fitted);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, more, l->spans.x + l->spans.w - 16 * l->s,
                     l->spans.y + 14 * l->s, UTH_ANCHOR_NE, 0, NULL);
    }
}

/* One frame of the step-through: a label line, then the tokens after `step` merges. */
static double
draw_frame (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Tokens           *t,
            guint                   frame_index,
            const char             *label,
            double                  x,
            double                  y,
            double                  width,
            double                  max_height,
            gboolean                accent)
{
  const UthMergeFrame *frame = &t->a->frames[frame_index];
  guint step = frame->step;
  UthBpeStep last = frame->last;
  g_autofree guint *colors = NULL;
  g_autofree char *heading = NULL;
  UthChartRect ext;
  double used = 0;
  guint i, n, fitted;

  n = frame->n;
  colors = g_new0 (guint, n + 1);
  /* A token made by this frame's merge stands out; the rest alternate two colours. */
  for (i = 0; i < n; i++)
    {
      guint32 id = frame->ids[i];
      gsize len = frame->bytes[i];

      /* The whole-word step comes first, when every other token is still one byte. */
      colors[i] = (accent && step > 0 && (last.whole_words ? len > 1 : id == last.result))
                  ? 5 : (i % 2 ? 0 : 2);
    }
  if (accent && step > 0 && last.whole_words)
    /* Translators: "Step 1 of 25: 3 words that are whole vocabulary entries taken whole, before any merge (ignore_merges): 40 tokens" */
    heading = g_strdup_printf (ngettext ("%s: %u word that is a whole vocabulary entry taken whole, before any merge (ignore_merges): %u tokens",
                                         "%s: %u words that are whole vocabulary entries taken whole, before any merge (ignore_merges): %u tokens",
                                         last.places),
                               label, (guint) last.places, n);
  else if (accent && step > 0)
    {
      const char *a = uth_analysis_token_label (ctx->analysis, last.left);
      const char *b = uth_analysis_token_label (ctx->analysis, last.right);
      const char *c = uth_analysis_token_label (ctx->analysis, last.result);
      /* Translators: "Step 12 of 25: merge “␣t” + “he” → “␣the” (rank 3), at 2 places: 40 tokens" */
      /* %u: xgettext cuts a msgid at G_GSIZE_FORMAT; ranks and places are far below 2^32. */
      heading = g_strdup_printf (ngettext ("%s: merge “%s” + “%s” → “%s” (rank %u), at %u place: %u tokens",
                                           "%s: merge “%s” + “%s” → “%s” (rank %u), at %u places: %u tokens",
                                           last.places),
                                 label, a, b, c, (guint) last.rank, (guint) last.places, n);
    }
  else
    heading = g_strdup_printf (ngettext ("%s: %u token", "%s: %u tokens", n), label, n);
  uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
  uth_draw_text (cr, ctx, UTH_FONT_LABEL, heading, x, y, UTH_ANCHOR_NW, width, &ext);
  fitted = uth_draw_token_chips (cr, ctx, frame->ids, MIN (n, MAX_CHIPS),
                                 colors, UTH_CHIP_COMPACT, -1, x, ext.y + ext.h + 6, width,
                                 max_height - ext.h - 6, NULL, &used);
  if (fitted < n)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("… and %u more", "… and %u more", n - fitted), n - fitted);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, more, x + width, y, UTH_ANCHOR_NE, 0, NULL);
    }
  return ext.h + 6 + used;
}

static void
draw_steps (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Layout           *l,
            const Tokens           *t)
{
  double s = l->s, x = l->steps.x + 16 * s, w = l->steps.w - 32 * s;
  double y = uth_draw_panel (cr, ctx, l->steps.x, l->steps.y, l->steps.w, l->steps.h,
                             _("Byte-pair merges, step by step: from raw bytes, the lowest-ranked pair is joined everywhere it occurs"));
  double room = (l->steps.y + l->steps.h - 12 * s - y) / 3 - 8 * s;
  /* "Step 0 of 0" (a text like "a" or "7") says nothing: say why nothing merges. */
  g_autofree char *middle = t->n_steps == 0 ? g_strdup (_("No merge: no two neighbouring tokens of this text form a pair in the merge list"))
                                            : g_strdup_printf (_("Step %u of %u"), t->step, t->n_steps);
  g_autofree char *last = g_strdup_printf (_("Step %u, the end (no pair left with a rank)"), t->n_steps);

  draw_frame (cr, ctx, t, 0, _("Start, one token per byte"), x, y, w, room, FALSE);
  y += room + 8 * s;
  draw_frame (cr, ctx, t, 1, middle, x, y, w, room, TRUE);
  y += room + 8 * s;
  draw_frame (cr, ctx, t, 2, last, x, y, w, room, FALSE);
}

static double
draw_header (cairo_t                *cr,
             const UthFigureContext *ctx,
             const Tokens           *t,
             double                  width)
{
  double m = uth_draw_margin (ctx);
  g_autofree char *sub = describe_tokenizer (&t->a->tokenizer);

  if (t->a->cut)
    {
      char *longer = g_strdup_printf (_("%s. Only the first %u bytes of your text are shown."), sub, UTH_TOKENS_MAX_BYTES);
      g_free (sub);
      sub = longer;
    }
  {
    char *noted = uth_fundamentals_subtitle (ctx, sub);
    g_free (sub);
    sub = noted;
  }
  return uth_draw_title (cr, ctx, _("Tokens: how the model reads your text"), sub, m, m,
                         width - 2 * m);
}

static void
draw_fitted (cairo_t                *cr,
                 double                  width,
                 double                  height,
                 const UthFigureContext *ctx)
{
  Tokens t = { 0 };
  Layout l;
  double top;

  if (!tokens_init (&t, ctx))
    {
      uth_draw_computing (cr, width, height, ctx);
      return;
    }
  uth_draw_background (cr, width, height, ctx);
  top = draw_header (cr, ctx, &t, width);
  layout_init (&l, ctx, width, height, top);
  draw_cards (cr, ctx, &l, &t);
  if (uth_figure_shows_build (ctx, 2))
    draw_spans (cr, ctx, &l, &t);
  if (uth_figure_shows_build (ctx, 3))
    draw_steps (cr, ctx, &l, &t);
}

void
uth_draw_tokens (cairo_t                *cr,
                double                  width,
                double                  height,
                const UthFigureContext *ctx)
{
  double f = uth_fundamentals_fit (&width, &height);

  cairo_save (cr);
  cairo_scale (cr, f, f);
  draw_fitted (cr, width, height, ctx);
  cairo_restore (cr);
}

gboolean
uth_hit_tokens (double                  width,
                double                  height,
                const UthFigureContext *ctx,
                double                  x,
                double                  y,
                UthFigureHit           *hit)
{
  Tokens t = { 0 };
  Layout l;
  cairo_t *cr;
  g_autofree UthChartRect *rects = NULL;
  guint fitted, n, i;
  double top, used;
  gboolean found = FALSE;
  double f = uth_fundamentals_fit (&width, &height);

  x /= f;
  y /= f;
  hit->index = -1;
  hit->tooltip = NULL;
  if (!tokens_init (&t, ctx))
    return FALSE;
  cr = uth_fundamentals_scratch ();
  top = draw_header (cr, ctx, &t, width);
  layout_init (&l, ctx, width, height, top);
  n = MIN (t.ids->len, MAX_CHIPS);
  rects = g_new0 (UthChartRect, n + 1);
  fitted = uth_draw_token_chips (cr, ctx, (const guint32 *) t.ids->data, n, NULL,
                                 UTH_CHIP_WITH_ID, -1, l.spans_body.x, l.spans_body.y,
                                 l.spans_body.w, l.spans_body.h, rects, &used);
  for (i = 0; i < fitted && !found; i++)
    if (x >= rects[i].x && x < rects[i].x + rects[i].w && y >= rects[i].y && y < rects[i].y + rects[i].h)
      {
        guint32 id = g_array_index (t.ids, guint32, i);
        const char *label = uth_analysis_token_label (ctx->analysis, id);
        g_autofree char *escaped = g_markup_escape_text (label, -1);
        GString *hex = g_string_new (NULL);
        GBytes *token_bytes = uth_analysis_token_bytes (ctx->analysis, id);
        gsize len = 0;
        const guint8 *b = token_bytes != NULL ? g_bytes_get_data (token_bytes, &len) : NULL;

        for (gsize k = 0; k < len; k++)
          g_string_append_printf (hex, "%s%02X", k ? " " : "", b[k]);
        hit->index = (int) i;
        /* Translators: tooltip of a token: position, text, id, bytes in hex */
        hit->tooltip = g_strdup_printf (_("Token %u: <tt>%s</tt>\nid %u\nbytes %s"), i + 1,
                                        escaped, id, hex->str);
        g_string_free (hex, TRUE);
        found = TRUE;
      }
  cairo_destroy (cr);
  return found;
}
