/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "render/uth-draw-common.h"
#include "render/uth-layout-audit.h"

/* A text may reach this far past its clip, or into another text, before it counts:
 * antialiasing and Pango's rounding of ink boxes to whole pixels. */
#define TOLERANCE_PX 1.0

typedef struct
{
  UthChartRect rect;   /* on the device */
  UthChartRect clip;
} AuditPanel;

struct _UthLayoutAudit
{
  double  width, height, min_px;
  GArray *texts;    /* UthAuditText */
  GArray *panels;   /* AuditPanel */
};

static GPrivate current_audit;

static void
audit_text_clear (gpointer data)
{
  g_free (((UthAuditText *) data)->text);
}

static void
finding_clear (gpointer data)
{
  g_free (((UthAuditFinding *) data)->message);
}

UthLayoutAudit *
uth_layout_audit_new (double width,
                      double height,
                      double min_px)
{
  UthLayoutAudit *audit = g_new0 (UthLayoutAudit, 1);

  audit->width = width;
  audit->height = height;
  audit->min_px = min_px;
  audit->texts = g_array_new (FALSE, TRUE, sizeof (UthAuditText));
  g_array_set_clear_func (audit->texts, audit_text_clear);
  audit->panels = g_array_new (FALSE, TRUE, sizeof (AuditPanel));
  return audit;
}

void
uth_layout_audit_free (UthLayoutAudit *audit)
{
  if (audit == NULL)
    return;
  if (g_private_get (&current_audit) == audit)
    g_private_set (&current_audit, NULL);
  g_array_unref (audit->texts);
  g_array_unref (audit->panels);
  g_free (audit);
}

void
uth_layout_audit_begin (UthLayoutAudit *audit)
{
  g_return_if_fail (audit != NULL);
  g_return_if_fail (g_private_get (&current_audit) == NULL);
  g_private_set (&current_audit, audit);
}

void
uth_layout_audit_end (UthLayoutAudit *audit)
{
  g_return_if_fail (g_private_get (&current_audit) == audit);
  g_private_set (&current_audit, NULL);
}

/* The device box around a rectangle of user space (rotation included). */
static UthChartRect
user_rect_to_device (cairo_t *cr,
                     double   x,
                     double   y,
                     double   w,
                     double   h)
{
  double xs[4] = { x, x + w, x, x + w };
  double ys[4] = { y, y, y + h, y + h };
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  for (int i = 0; i < 4; i++)
    {
      cairo_user_to_device (cr, &xs[i], &ys[i]);
      x0 = MIN (x0, xs[i]);
      y0 = MIN (y0, ys[i]);
      x1 = MAX (x1, xs[i]);
      y1 = MAX (y1, ys[i]);
    }
  return (UthChartRect) { x0, y0, x1 - x0, y1 - y0 };
}

static UthChartRect
device_clip (cairo_t *cr)
{
  double x0, y0, x1, y1;

  cairo_clip_extents (cr, &x0, &y0, &x1, &y1);
  return user_rect_to_device (cr, x0, y0, x1 - x0, y1 - y0);
}

void
uth_layout_audit_note_layout (cairo_t     *cr,
                              PangoLayout *layout)
{
  UthLayoutAudit *audit = g_private_get (&current_audit);
  const PangoFontDescription *desc;
  PangoRectangle ink;
  UthAuditText t = { 0 };
  cairo_matrix_t m;
  double x, y, px = 0;

  if (audit == NULL)
    return;
  pango_layout_get_pixel_extents (layout, &ink, NULL);
  if (ink.width <= 0 || ink.height <= 0 || !cairo_has_current_point (cr))
    return;   /* white space draws nothing */
  cairo_get_current_point (cr, &x, &y);
  desc = pango_layout_get_font_description (layout);
  if (desc != NULL)
    px = pango_font_description_get_size (desc) / (double) PANGO_SCALE;
  cairo_get_matrix (cr, &m);
  /* The font's size on the device: its user size times the matrix's linear scale. */
  px *= sqrt (fabs (m.xx * m.yy - m.xy * m.yx));

  t.text = g_strdup (pango_layout_get_text (layout));
  t.box = user_rect_to_device (cr, x + ink.x, y + ink.y, ink.width, ink.height);
  {
    double cx[4] = { x + ink.x, x + ink.x + ink.width, x + ink.x + ink.width, x + ink.x };
    double cy[4] = { y + ink.y, y + ink.y, y + ink.y + ink.height, y + ink.y + ink.height };

    for (int k = 0; k < 4; k++)
      {
        cairo_user_to_device (cr, &cx[k], &cy[k]);
        t.quad[k][0] = cx[k];
        t.quad[k][1] = cy[k];
      }
  }
  t.clip = device_clip (cr);
  t.px = px;
  t.ellipsized = pango_layout_is_ellipsized (layout);
  g_array_append_val (audit->texts, t);
}

void
uth_layout_audit_note_panel (cairo_t            *cr,
                             const UthChartRect *panel)
{
  UthLayoutAudit *audit = g_private_get (&current_audit);
  AuditPanel p;

  if (audit == NULL)
    return;
  p.rect = user_rect_to_device (cr, panel->x, panel->y, panel->w, panel->h);
  p.clip = device_clip (cr);
  g_array_append_val (audit->panels, p);
}

guint
uth_layout_audit_get_n_texts (const UthLayoutAudit *audit)
{
  return audit->texts->len;
}

const UthAuditText *
uth_layout_audit_get_text (const UthLayoutAudit *audit,
                           guint                 index)
{
  g_return_val_if_fail (index < audit->texts->len, NULL);
  return &g_array_index (audit->texts, UthAuditText, index);
}

const char *
uth_audit_kind_name (UthAuditKind kind)
{
  static const char *names[] = { "clipped", "ellipsized", "overlap", "too small", "empty" };

  g_return_val_if_fail (kind <= UTH_AUDIT_EMPTY, "?");
  return names[kind];
}

static void
add_finding (GArray       *findings,
             UthAuditKind  kind,
             const char   *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
add_finding (GArray       *findings,
             UthAuditKind  kind,
             const char   *format,
             ...)
{
  UthAuditFinding f;
  va_list args;

  va_start (args, format);
  f.kind = kind;
  f.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (findings, f);
}

/* How far a reaches out of b on its worst side (0 or less: inside). */
static double
outside_by (const UthChartRect *a,
            const UthChartRect *b)
{
  double d = b->x - a->x;

  d = MAX (d, (a->x + a->w) - (b->x + b->w));
  d = MAX (d, b->y - a->y);
  d = MAX (d, (a->y + a->h) - (b->y + b->h));
  return d;
}

/* The overlap of two boxes as its smaller side (0 or less: apart). */
static double
overlap_by (const UthChartRect *a,
            const UthChartRect *b)
{
  double w = MIN (a->x + a->w, b->x + b->w) - MAX (a->x, b->x);
  double h = MIN (a->y + a->h, b->y + b->h) - MAX (a->y, b->y);

  return MIN (w, h);
}

/* How deep two texts' ink quads (convex, possibly rotated) run into each other: the least
 * overlap of their projections over the edge normals of both (0 or less: apart). Exact for
 * rotated labels, whose boxes around them would collide long before the glyphs do. */
static double
quad_overlap (const UthAuditText *a,
              const UthAuditText *b)
{
  const UthAuditText *both[2] = { a, b };
  double depth = G_MAXDOUBLE;

  for (int q = 0; q < 2; q++)
    for (int e = 0; e < 2; e++)
      {
        const double *p0 = both[q]->quad[e], *p1 = both[q]->quad[e + 1];
        double nx = -(p1[1] - p0[1]), ny = p1[0] - p0[0];
        double len = hypot (nx, ny);
        double lo[2] = { G_MAXDOUBLE, G_MAXDOUBLE }, hi[2] = { -G_MAXDOUBLE, -G_MAXDOUBLE };

        if (len < 1e-9)
          continue;
        nx /= len;
        ny /= len;
        for (int r = 0; r < 2; r++)
          for (int k = 0; k < 4; k++)
            {
              double d = both[r]->quad[k][0] * nx + both[r]->quad[k][1] * ny;

              lo[r] = MIN (lo[r], d);
              hi[r] = MAX (hi[r], d);
            }
        depth = MIN (depth, MIN (hi[0], hi[1]) - MAX (lo[0], lo[1]));
      }
  return depth;
}

static UthChartRect
intersect (const UthChartRect *a,
           const UthChartRect *b)
{
  double x0 = MAX (a->x, b->x), y0 = MAX (a->y, b->y);
  double x1 = MIN (a->x + a->w, b->x + b->w), y1 = MIN (a->y + a->h, b->y + b->h);

  return (UthChartRect) { x0, y0, MAX (x1 - x0, 0), MAX (y1 - y0, 0) };
}

/* Whether every pixel of the surface inside r is the same colour. */
static gboolean
uniform_pixels (cairo_surface_t    *surface,
                const UthChartRect *r)
{
  int sw, sh, stride, x0, y0, x1, y1;
  const guint8 *data;
  guint32 first;

  cairo_surface_flush (surface);
  sw = cairo_image_surface_get_width (surface);
  sh = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  x0 = CLAMP ((int) ceil (r->x), 0, sw);
  y0 = CLAMP ((int) ceil (r->y), 0, sh);
  x1 = CLAMP ((int) floor (r->x + r->w), 0, sw);
  y1 = CLAMP ((int) floor (r->y + r->h), 0, sh);
  if (data == NULL || x1 <= x0 || y1 <= y0)
    return TRUE;
  first = *(const guint32 *) (data + y0 * stride + x0 * 4);
  for (int y = y0; y < y1; y++)
    {
      const guint32 *row = (const guint32 *) (data + y * stride);

      for (int x = x0; x < x1; x++)
        if (row[x] != first)
          return FALSE;
    }
  return TRUE;
}

GArray *
uth_layout_audit_check (UthLayoutAudit  *audit,
                        cairo_surface_t *surface)
{
  GArray *findings = g_array_new (FALSE, TRUE, sizeof (UthAuditFinding));
  UthChartRect figure = { 0, 0, audit->width, audit->height };
  gboolean image = surface != NULL &&
                   cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE;
  guint i, j;

  g_array_set_clear_func (findings, finding_clear);
  for (i = 0; i < audit->texts->len; i++)
    {
      const UthAuditText *t = &g_array_index (audit->texts, UthAuditText, i);
      UthChartRect bounds = intersect (&t->clip, &figure);
      double out = outside_by (&t->box, &bounds);

      if (out > TOLERANCE_PX)
        add_finding (findings, UTH_AUDIT_CLIPPED,
                     "“%s” at %.0f,%.0f %.0f×%.0f reaches %.0f px outside its clip %.0f,%.0f %.0f×%.0f",
                     t->text, t->box.x, t->box.y, t->box.w, t->box.h, out,
                     bounds.x, bounds.y, bounds.w, bounds.h);
      if (t->ellipsized)
        add_finding (findings, UTH_AUDIT_ELLIPSIZED, "“%s” at %.0f,%.0f is cut short with “…”",
                     t->text, t->box.x, t->box.y);
      if (t->px < audit->min_px - 0.01)
        add_finding (findings, UTH_AUDIT_TOO_SMALL, "“%s” at %.0f,%.0f is %.1f px, below %.1f px",
                     t->text, t->box.x, t->box.y, t->px, audit->min_px);
      for (j = i + 1; j < audit->texts->len; j++)
        {
          const UthAuditText *u = &g_array_index (audit->texts, UthAuditText, j);
          /* Only what shows counts: two texts hidden by their clips do not collide. */
          UthChartRect a = intersect (&t->box, &bounds);
          UthChartRect ub = intersect (&u->clip, &figure);
          UthChartRect b = intersect (&u->box, &ub);

          if (a.w > 0 && a.h > 0 && b.w > 0 && b.h > 0 && overlap_by (&a, &b) > TOLERANCE_PX &&
              quad_overlap (t, u) > TOLERANCE_PX)
            add_finding (findings, UTH_AUDIT_OVERLAP,
                         "“%s” at %.0f,%.0f %.0f×%.0f overlaps “%s” at %.0f,%.0f %.0f×%.0f",
                         t->text, t->box.x, t->box.y, t->box.w, t->box.h,
                         u->text, u->box.x, u->box.y, u->box.w, u->box.h);
        }
    }

  if (audit->texts->len == 0 && (image ? uniform_pixels (surface, &figure) : TRUE))
    add_finding (findings, UTH_AUDIT_EMPTY, "the figure shows nothing");
  for (i = 0; i < audit->panels->len; i++)
    {
      const AuditPanel *p = &g_array_index (audit->panels, AuditPanel, i);
      UthChartRect shown = intersect (&p->rect, &p->clip);

      shown = intersect (&shown, &figure);
      if (shown.w < 1 || shown.h < 1)
        add_finding (findings, UTH_AUDIT_EMPTY, "a panel at %.0f,%.0f %.0f×%.0f has no room",
                     p->rect.x, p->rect.y, p->rect.w, p->rect.h);
      else if (image && uniform_pixels (surface, &shown))
        add_finding (findings, UTH_AUDIT_EMPTY, "a panel at %.0f,%.0f %.0f×%.0f shows nothing",
                     p->rect.x, p->rect.y, p->rect.w, p->rect.h);
    }
  return findings;
}

double
uth_layout_min_text_px (gboolean presentation,
                        double   width,
                        double   height)
{
  if (!presentation)
    return 13.0;
  return MAX (13.0, 24.0 * MIN (width / 1920.0, height / 1080.0));
}

GArray *
uth_layout_audit_page (const UthPageFigure    *page,
                       const UthFigureContext *ctx,
                       int                     width,
                       int                     height,
                       gboolean                presentation,
                       const char             *png)
{
  g_autoptr(UthLayoutAudit) audit = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  GArray *findings;
  int h = height;

  g_return_val_if_fail (page != NULL, NULL);
  if (page->height != NULL)
    h = MAX (h, (int) ceil (page->height (width, ctx)));
  audit = uth_layout_audit_new (width, h, uth_layout_min_text_px (presentation, width, height));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, h);
  cr = cairo_create (surface);
  uth_layout_audit_begin (audit);
  uth_draw_page (page, cr, width, h, ctx);
  uth_layout_audit_end (audit);
  cairo_destroy (cr);
  findings = uth_layout_audit_check (audit, surface);
  if (png != NULL && cairo_surface_write_to_png (surface, png) != CAIRO_STATUS_SUCCESS)
    g_warning ("Cannot write %s", png);
  cairo_surface_destroy (surface);
  return findings;
}
