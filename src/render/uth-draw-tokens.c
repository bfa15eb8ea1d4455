/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <inttypes.h>
#include <string.h>

#include "render/uth-draw-fundamentals.h"
#include "render/uth-draw-tokens.h"

/* Top panel chips beyond this are summarised as "… and N more". */
#define MAX_CHIPS 400

/* The layout at scale 1, in pixels: gaps between cards and panels, a panel's inner
 * padding, the least height of the cards, the column width below which a card's note takes
 * its short form, and the share of the room below the cards the chips panel takes. */
#define GAP             16
#define PANEL_PAD       16
#define CARD_MIN_H      104
#define CARD_SHORT_W    330
#define SPANS_SHARE     0.36
#define FRAME_GAP       8
#define HEAD_GAP        6

#define SPANS_HEADING N_("Your text as tokens (each chip is one token; the number is its id)")

typedef struct
{
  double       s, m;
  int          columns;     /* cards side by side: 4, or 2 (two rows) when a label needs it */
  double       card_w, card_h;
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

/* The four cards' label, value and note; short notes when the cards are narrow. */
typedef struct
{
  char *label[4], *value[4], *detail[4];
} Cards;

static void
cards_init (Cards                  *c,
            const UthFigureContext *ctx,
            const Tokens           *t,
            gboolean                narrow)
{
  glong chars = g_utf8_strlen (t->text, -1);
  gsize bytes = strlen (t->text);
  guint n = t->ids->len;

  c->label[0] = g_strdup (_("Tokens"));
  c->value[0] = uth_format_count (n);
  c->detail[0] = g_strdup (_("what the model reads and pays for"));
  c->label[1] = g_strdup (_("Characters"));
  c->value[1] = uth_format_count ((double) chars);
  c->detail[1] = g_strdup_printf (ngettext ("%" PRIu64 " byte of UTF-8",
                                            "%" PRIu64 " bytes of UTF-8", bytes), (uint64_t) bytes);
  c->label[2] = g_strdup (_("Characters per token"));
  c->value[2] = n > 0 ? uth_format_number ((double) chars / n) : g_strdup ("–");
  c->detail[2] = g_strdup (narrow ? _("about 4 in English") : _("about 4 for English with a large vocabulary"));
  c->label[3] = g_strdup (_("A million of these texts cost"));
  if (ctx->estimate != NULL && ctx->estimate->cost_per_million_input_tokens > 0)
    {
      /* One text costs a tiny fraction of a cent: a million of them reads better. */
      double in = ctx->estimate->cost_per_million_input_tokens * n;
      double out = ctx->estimate->cost_per_million_output_tokens * n;
      g_autofree char *out_s = uth_format_usd (out);

      c->value[3] = uth_format_usd (in);
      /* Translators: %s is a price like "$0.56" */
      c->detail[3] = narrow ? g_strdup_printf (_("as output: %s"), out_s)
                            : g_strdup_printf (_("read as a prompt; written as output: %s"), out_s);
    }
  else
    {
      c->value[3] = g_strdup ("–");
      c->detail[3] = g_strdup (_("choose a model and GPU to price it"));
    }
}

static void
cards_clear (Cards *c)
{
  for (int i = 0; i < 4; i++)
    {
      g_free (c->label[i]);
      g_free (c->value[i]);
      g_free (c->detail[i]);
    }
}

/* Cards four across, or two by two when a label would not fit its card on one line (a
 * narrow window, German); as tall as the tallest card's wrapped note. Then the chips panel
 * and the merge steps share the room below. */
static void
layout_init (Layout                 *l,
             cairo_t                *cr,
             const UthFigureContext *ctx,
             const Tokens           *t,
             double                  width,
             double                  height,
             double                  top)
{
  double gap, rows, label_w = 0, pad;
  const char *heading = _(SPANS_HEADING);
  Cards c;

  l->s = uth_draw_scale (ctx);
  l->m = uth_draw_margin (ctx);
  gap = GAP * l->s;
  pad = 12 * l->s;  /* uth_draw_card's padding */
  l->cards = (UthChartRect) { l->m, top, width - 2 * l->m, 0 };
  cards_init (&c, ctx, t, FALSE);
  for (int i = 0; i < 4; i++)
    {
      double w;

      uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, c.label[i], &w, NULL);
      label_w = MAX (label_w, w);
    }
  cards_clear (&c);
  l->columns = label_w + 2 * pad <= (l->cards.w - 3 * gap) / 4 ? 4 : 2;
  l->card_w = (l->cards.w - (l->columns - 1) * gap) / l->columns;
  cards_init (&c, ctx, t, l->card_w < CARD_SHORT_W * l->s);
  l->card_h = CARD_MIN_H * l->s;
  for (int i = 0; i < 4; i++)
    l->card_h = MAX (l->card_h, uth_draw_card_height (cr, ctx, l->card_w, c.label[i], c.value[i], c.detail[i]));
  cards_clear (&c);
  rows = 4 / l->columns;
  l->cards.h = rows * l->card_h + (rows - 1) * gap;
  l->spans = (UthChartRect) { l->m, l->cards.y + l->cards.h + gap, width - 2 * l->m, 0 };
  l->spans.h = (height - l->m - l->spans.y - gap) * SPANS_SHARE;
  l->steps = (UthChartRect) { l->m, l->spans.y + l->spans.h + gap, width - 2 * l->m,
                              height - l->m - (l->spans.y + l->spans.h + gap) };
  {
    double body_top = uth_draw_panel_top (cr, ctx, l->spans.w, heading), more_h;

    /* Below the chips, a line for "… and N more tokens" when they do not all fit. */
    uth_draw_text_size (cr, ctx, UTH_FONT_LABEL, "Ag", NULL, &more_h);
    l->spans_body = (UthChartRect) { l->spans.x + PANEL_PAD * l->s, l->spans.y + body_top,
                                     l->spans.w - 2 * PANEL_PAD * l->s,
                                     l->spans.h - body_top - more_h - HEAD_GAP * l->s - 12 * l->s };
  }
}

static void
draw_cards (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Layout           *l,
            const Tokens           *t)
{
  Cards c;

  cards_init (&c, ctx, t, l->card_w < CARD_SHORT_W * l->s);
  for (int i = 0; i < 4; i++)
    uth_draw_card (cr, ctx, l->cards.x + (i % l->columns) * (l->card_w + GAP * l->s),
                   l->cards.y + (i / l->columns) * (l->card_h + GAP * l->s),
                   l->card_w, l->card_h, c.label[i], c.value[i], c.detail[i]);
  cards_clear (&c);
}

static void
draw_spans (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Layout           *l,
            const Tokens           *t)
{
  guint n = MIN (t->ids->len, MAX_CHIPS), fitted;
  double used;

  uth_draw_panel (cr, ctx, l->spans.x, l->spans.y, l->spans.w, l->spans.h, _(SPANS_HEADING));
  fitted = uth_draw_token_chips (cr, ctx, (const guint32 *) t->ids->data, n,
                                 NULL, UTH_CHIP_WITH_ID, ctx->hover, l->spans_body.x,
                                 l->spans_body.y, l->spans_body.w, l->spans_body.h, NULL, &used);
  if (fitted < t->ids->len)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("… and %u more token", "… and %u more tokens",
                                                         t->ids->len - fitted), t->ids->len - fitted);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_LABEL, more, l->spans_body.x,
                     l->spans_body.y + l->spans_body.h + HEAD_GAP * l->s, UTH_ANCHOR_NW, 0, NULL);
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
  double used = 0, more_h, s = uth_draw_scale (ctx);
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
  /* The heading wraps (a merge with long tokens, German); what does not fit is counted
   * on a line below the chips. */
  {
    g_autofree char *escaped = g_markup_escape_text (heading, -1);

    uth_draw_set_color (cr, ctx, UTH_COLOR_FOREGROUND);
    ext.h = uth_draw_paragraph (cr, ctx, UTH_FONT_LABEL, escaped, x, y, width);
  }
  uth_draw_text_size (cr, ctx, UTH_FONT_TICK, "Ag", NULL, &more_h);
  fitted = uth_draw_token_chips (cr, ctx, frame->ids, MIN (n, MAX_CHIPS),
                                 colors, UTH_CHIP_COMPACT, -1, x, y + ext.h + HEAD_GAP * s, width,
                                 max_height - ext.h - HEAD_GAP * s - more_h, NULL, &used);
  if (fitted < n)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("… and %u more", "… and %u more", n - fitted), n - fitted);
      uth_draw_set_color (cr, ctx, UTH_COLOR_DIM);
      uth_draw_text (cr, ctx, UTH_FONT_TICK, more, x, y + ext.h + HEAD_GAP * s + used, UTH_ANCHOR_NW, 0, NULL);
      used += more_h;
    }
  return ext.h + HEAD_GAP * s + used;
}

static void
draw_steps (cairo_t                *cr,
            const UthFigureContext *ctx,
            const Layout           *l,
            const Tokens           *t)
{
  double s = l->s, x = l->steps.x + PANEL_PAD * s, w = l->steps.w - 2 * PANEL_PAD * s;
  double y = uth_draw_panel (cr, ctx, l->steps.x, l->steps.y, l->steps.w, l->steps.h,
                             _("Byte-pair merges, step by step: from raw bytes, the lowest-ranked pair is joined everywhere it occurs"));
  double room = (l->steps.y + l->steps.h - 12 * s - y) / 3 - FRAME_GAP * s;
  /* "Step 0 of 0" (a text like "a" or "7") says nothing: say why nothing merges. */
  g_autofree char *middle = t->n_steps == 0 ? g_strdup (_("No merge: no two neighbouring tokens of this text form a pair in the merge list"))
                                            : g_strdup_printf (_("Step %u of %u"), t->step, t->n_steps);
  g_autofree char *last = g_strdup_printf (_("Step %u, the end (no pair left with a rank)"), t->n_steps);

  draw_frame (cr, ctx, t, 0, _("Start, one token per byte"), x, y, w, room, FALSE);
  y += room + FRAME_GAP * s;
  draw_frame (cr, ctx, t, 1, middle, x, y, w, room, TRUE);
  y += room + FRAME_GAP * s;
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
  layout_init (&l, cr, ctx, &t, width, height, top);
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
uth_draw_tokens_hit (double                  width,
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
  cr = uth_draw_scratch ();
  top = draw_header (cr, ctx, &t, width);
  layout_init (&l, cr, ctx, &t, width, height, top);
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
