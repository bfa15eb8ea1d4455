/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The layout audit: records, for one drawing, every text box the figure drew (in device
 * pixels, with its font size on the device and the clip in force) and every panel, then
 * checks the layout contract: no text clipped or cut short, no text over other text, no text
 * below the smallest readable size, no empty figure or panel.
 *
 * Recording is switched on per thread between uth_layout_audit_begin and _end; the text
 * helpers of uth-draw-common.h (uth_draw_text, _markup, _paragraph, _text_vertical and
 * uth_draw_show_layout) and uth_draw_push_panel report to it, so every page is covered
 * without a line of its own. Outside an audit they cost one thread-local read. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "core/uth-chart.h"
#include "render/uth-draw.h"

G_BEGIN_DECLS

typedef struct
{
  char         *text;        /* the layout's text (markup stripped) */
  UthChartRect  box;         /* ink box on the device (around it when rotated) */
  double        quad[4][2];  /* the ink box's corners on the device, in drawing order */
  UthChartRect  clip;        /* clip in force on the device (the surface when none) */
  double        px;          /* font size on the device, pixels */
  gboolean      ellipsized;  /* Pango cut it short with "…" */
} UthAuditText;

typedef enum
{
  UTH_AUDIT_CLIPPED,      /* a text box reaches outside the clip in force or the figure */
  UTH_AUDIT_ELLIPSIZED,   /* a text was cut short with an ellipsis */
  UTH_AUDIT_OVERLAP,      /* two text boxes overlap */
  UTH_AUDIT_TOO_SMALL,    /* a text below the smallest size */
  UTH_AUDIT_EMPTY,        /* the figure or a panel shows nothing, or has no room */
} UthAuditKind;

typedef struct
{
  UthAuditKind  kind;
  char         *message;   /* what and where, for a test log */
} UthAuditFinding;

typedef struct _UthLayoutAudit UthLayoutAudit;

/* An audit of a figure of width x height device pixels whose texts must be at least
 * min_px pixels. */
UthLayoutAudit *uth_layout_audit_new        (double                width,
                                             double                height,
                                             double                min_px);
void            uth_layout_audit_free       (UthLayoutAudit       *audit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UthLayoutAudit, uth_layout_audit_free)

/* Makes audit the recorder of this thread until _end (audits do not nest). */
void            uth_layout_audit_begin      (UthLayoutAudit       *audit);
void            uth_layout_audit_end        (UthLayoutAudit       *audit);

/* Called by the drawing helpers: a layout about to be shown at the current point of cr. */
void            uth_layout_audit_note_layout (cairo_t             *cr,
                                              PangoLayout         *layout);
/* Called by uth_draw_push_panel: a panel (in user coordinates of cr) that should show
 * something. */
void            uth_layout_audit_note_panel  (cairo_t             *cr,
                                              const UthChartRect  *panel);

guint               uth_layout_audit_get_n_texts (const UthLayoutAudit *audit);
const UthAuditText *uth_layout_audit_get_text    (const UthLayoutAudit *audit,
                                                  guint                 index);

/* Checks what was recorded; surface (the image the figure was drawn on, or NULL) lets it
 * tell an empty figure or panel (every pixel alike) from one that shows something. Returns
 * the findings (element type UthAuditFinding), empty when the layout keeps the contract. */
GArray         *uth_layout_audit_check      (UthLayoutAudit       *audit,
                                             cairo_surface_t      *surface);
const char     *uth_audit_kind_name         (UthAuditKind          kind);

/* The smallest text of a figure of width x height: 13 px in the window; in presentation
 * mode 24 px at 1920 x 1080, in proportion to the figure (48 px at 3840 x 2160), never
 * below the window's 13 px. */
double          uth_layout_min_text_px      (gboolean              presentation,
                                             double                width,
                                             double                height);

/* Draws page at width x height with ctx into an image surface while auditing it, with
 * the page's own height when it reflows to a taller layout than height (as its page
 * scrolls in the window), and writes the drawing to png when that is not NULL. Returns
 * the findings. */
GArray         *uth_layout_audit_page       (const UthPageFigure    *page,
                                             const UthFigureContext *ctx,
                                             int                     width,
                                             int                     height,
                                             gboolean                presentation,
                                             const char             *png);

G_END_DECLS
