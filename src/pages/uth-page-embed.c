/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pages/uth-page-fundamentals.h"
#include "pages/uth-page-embed.h"
#include "render/uth-draw-fundamentals.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"

struct _UthPageEmbed
{
  UthPage      parent_instance;

  UthFigure   *figure;
  GtkEditable *text_entry;
  GtkWidget   *table_formula;
};

G_DEFINE_FINAL_TYPE (UthPageEmbed, uth_page_embed, UTH_TYPE_PAGE)

static void refresh (UthPageEmbed *self);

static void
refresh (UthPageEmbed *self)
{
  UthScenario *scenario = uth_page_get_scenario (UTH_PAGE (self));
  UthFigureContext ctx;
  const UthModel *m;

  uth_figure_update (self->figure);
  if (scenario == NULL)
    return;
  uth_scenario_get_figure_context (scenario, &ctx);
  m = ctx.input.model;
  if (m != NULL)
    {
      double bpp = uth_dtype_bytes (ctx.input.weights);
      g_autofree char *value = uth_format_bytes ((double) m->vocab * m->hidden * bpp);
      g_autofree char *sub = g_strdup_printf ("%u × %u × %g B = %.4g GB", m->vocab, m->hidden, bpp,
                                              (double) m->vocab * m->hidden * bpp / 1e9);
      uth_formula_button_set (UTH_FORMULA_BUTTON (self->table_formula), value, _("Embedding table"),
                              _("vocabulary V × width d × bytes per parameter"), sub);
    }
}

static void
uth_page_embed_refresh (UthPage *page)
{
  refresh (UTH_PAGE_EMBED (page));
}

static void
context_cb (UthFigure        *figure,
            UthFigureContext *ctx,
            gpointer          user_data)
{
  UthPageEmbed *self = user_data;

  (void) self;
}

static char *
describe_cb (const UthFigureContext *ctx)
{
  UthTokenizer *tok = uth_tokenizer_get_default ();
  g_autoptr(GArray) ids = NULL;

  if (tok == NULL)
    return g_strdup (_("The embedding table."));
  ids = uth_tokenizer_encode (tok, ctx->text != NULL && *ctx->text ? ctx->text : _(UTH_DEFAULT_TEXT), -1);
  return g_strdup_printf (ngettext ("Your %u token picks %u row of the embedding table.",
                                    "Your %u tokens pick %u rows of the embedding table.", ids->len),
                          ids->len, ids->len);
}

static const UthPageFigure *
uth_page_embed_get_figure (UthPage          *page,
                         UthFigureContext *ctx)
{
  const UthPageFigure *figure = UTH_PAGE_CLASS (uth_page_embed_parent_class)->get_figure (page, ctx);

  /* Export draws what the reader sees, the page's controls included. */
  context_cb (NULL, ctx, page);
  return figure;
}

static void
uth_page_embed_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UTH_TYPE_PAGE_EMBED);
  G_OBJECT_CLASS (uth_page_embed_parent_class)->dispose (object);
}

static void
uth_page_embed_class_init (UthPageEmbedClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UthPageClass *page_class = UTH_PAGE_CLASS (klass);

  object_class->dispose = uth_page_embed_dispose;
  page_class->refresh = uth_page_embed_refresh;
  page_class->get_figure = uth_page_embed_get_figure;

  g_type_ensure (UTH_TYPE_FIGURE);
  g_type_ensure (UTH_TYPE_FORMULA_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/pages/uth-page-embed.ui");
  gtk_widget_class_bind_template_child (widget_class, UthPageEmbed, figure);
  gtk_widget_class_bind_template_child (widget_class, UthPageEmbed, text_entry);
  gtk_widget_class_bind_template_child (widget_class, UthPageEmbed, table_formula);
}

static void
uth_page_embed_init (UthPageEmbed *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  uth_fundamentals_bind_text (UTH_PAGE (self), self->text_entry);
  uth_figure_set_draw_func (self->figure, uth_draw_embed, uth_draw_embed_hit);
  uth_figure_set_height_func (self->figure, uth_embed_page_height);
  uth_figure_set_context_func (self->figure, context_cb, self, NULL);
  uth_figure_set_describe_func (self->figure, describe_cb);
  uth_figure_set_label (self->figure, _("Token ids picking rows of the embedding table"));
  refresh (self);
}
