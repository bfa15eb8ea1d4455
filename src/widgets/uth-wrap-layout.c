/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "widgets/uth-wrap-layout.h"

struct _UthWrapLayout
{
  GtkLayoutManager parent_instance;

  int column_spacing;
  int row_spacing;
  gboolean use_natural;
  gboolean columns;       /* equal columns side by side, or one per line when they do not fit */
};

G_DEFINE_FINAL_TYPE (UthWrapLayout, uth_wrap_layout, GTK_TYPE_LAYOUT_MANAGER)

/* The width a child takes in a line of @width: its minimum (drop-downs' natural width is
 * their longest item), or with use_natural its natural width while that fits, as GtkFlowBox
 * gave it (a text field's comfortable width, shrinking to its minimum in a narrow window). */
static int
child_width (UthWrapLayout *self,
             GtkWidget     *child,
             int            width)
{
  int min, nat;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  return MIN (self->use_natural ? MAX (nat, min) : min, width);
}

/* Places the children of one line, [first, last), each as tall as the line: keyboard focus
 * goes through a line by the children's vertical centres, so a shorter child centred
 * higher up (the GPU count's spin button) came first in Tab order, before the fields to
 * its left. */
static void
allocate_line (UthWrapLayout *self,
               GtkWidget *first,
               GtkWidget *last,
               int        width,
               int        y,
               int        line_h,
               int        spacing)
{
  GtkWidget *child;
  int x = 0;

  for (child = first; child != last; child = gtk_widget_get_next_sibling (child))
    {
      int w;

      if (!gtk_widget_should_layout (child))
        continue;
      w = child_width (self, child, width);
      gtk_widget_size_allocate (child, &(GtkAllocation) { x, y, w, line_h }, -1);
      x += w + spacing;
    }
}

/* Walks the visible children in lines for a width; with alloc set, also places them.
 * Returns the total height. */
static int
flow (UthWrapLayout *self,
      GtkWidget     *widget,
      int            width,
      gboolean       alloc)
{
  GtkWidget *child, *line_start = gtk_widget_get_first_child (widget);
  int x = 0, y = 0, line_h = 0;

  for (child = line_start; child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int w, h;

      if (!gtk_widget_should_layout (child))
        continue;
      w = child_width (self, child, width);
      if (x > 0 && x + w > width)
        {
          if (alloc)
            allocate_line (self, line_start, child, width, y, line_h, self->column_spacing);
          y += line_h + self->row_spacing;
          x = 0;
          line_h = 0;
          line_start = child;
        }
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
      x += w + self->column_spacing;
      line_h = MAX (line_h, h);
    }
  if (alloc)
    allocate_line (self, line_start, NULL, width, y, line_h, self->column_spacing);
  return y + line_h;
}

/* Columns mode: do the visible children fit side by side, each at least its minimum width? */
static gboolean
columns_fit (UthWrapLayout *self,
             GtkWidget     *widget,
             int            width,
             int           *n_out)
{
  GtkWidget *child;
  int n = 0, widest = 0;

  for (child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int min;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      widest = MAX (widest, min);
      n++;
    }
  *n_out = n;
  return n > 0 && n * widest + (n - 1) * self->column_spacing <= width;
}

/* Columns mode: lays the children out (alloc) or measures them for a width; the height. */
static int
columns_flow (UthWrapLayout *self,
              GtkWidget     *widget,
              int            width,
              gboolean       alloc)
{
  GtkWidget *child;
  int n, x = 0, y = 0, height = 0, column;
  gboolean side_by_side = columns_fit (self, widget, width, &n);

  if (n == 0)
    return 0;
  column = side_by_side ? (width - (n - 1) * self->column_spacing) / n : width;
  for (child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int h;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, column, NULL, &h, NULL, NULL);
      if (side_by_side)
        {
          if (alloc)
            gtk_widget_size_allocate (child, &(GtkAllocation) { x, 0, column, gtk_widget_get_height (widget) }, -1);
          x += column + self->column_spacing;
          height = MAX (height, h);
        }
      else
        {
          if (alloc)
            gtk_widget_size_allocate (child, &(GtkAllocation) { 0, y, column, h }, -1);
          y += h + self->row_spacing;
          height = y - self->row_spacing;
        }
    }
  return height;
}

static GtkSizeRequestMode
uth_wrap_layout_get_request_mode (GtkLayoutManager *manager,
                                  GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
uth_wrap_layout_measure (GtkLayoutManager *manager,
                         GtkWidget        *widget,
                         GtkOrientation    orientation,
                         int               for_size,
                         int              *minimum,
                         int              *natural,
                         int              *minimum_baseline,
                         int              *natural_baseline)
{
  UthWrapLayout *self = UTH_WRAP_LAYOUT (manager);
  GtkWidget *child;
  int min = 0, nat = 0, n = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* At least the widest child; naturally all in one line. */
      for (child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
        {
          int cmin, cnat;

          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, orientation, -1, &cmin, &cnat, NULL, NULL);
          min = MAX (min, cmin);
          nat += (self->use_natural ? MAX (cnat, cmin) : cmin) + (n++ > 0 ? self->column_spacing : 0);
        }
      *minimum = min;
      *natural = MAX (nat, min);
      return;
    }
  if (for_size < 0)
    {
      int unused;

      uth_wrap_layout_measure (manager, widget, GTK_ORIENTATION_HORIZONTAL, -1, &unused, &for_size, NULL, NULL);
    }
  *minimum = *natural = self->columns ? columns_flow (self, widget, MAX (for_size, 1), FALSE)
                                      : flow (self, widget, MAX (for_size, 1), FALSE);
}

static void
uth_wrap_layout_allocate (GtkLayoutManager *manager,
                          GtkWidget        *widget,
                          int               width,
                          int               height,
                          int               baseline)
{
  if (UTH_WRAP_LAYOUT (manager)->columns)
    columns_flow (UTH_WRAP_LAYOUT (manager), widget, width, TRUE);
  else
    flow (UTH_WRAP_LAYOUT (manager), widget, width, TRUE);
}

static void
uth_wrap_layout_class_init (UthWrapLayoutClass *klass)
{
  GtkLayoutManagerClass *manager_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  manager_class->get_request_mode = uth_wrap_layout_get_request_mode;
  manager_class->measure = uth_wrap_layout_measure;
  manager_class->allocate = uth_wrap_layout_allocate;
}

static void
uth_wrap_layout_init (UthWrapLayout *self)
{
}

GtkLayoutManager *
uth_wrap_layout_new (int column_spacing,
                     int row_spacing)
{
  UthWrapLayout *self = g_object_new (UTH_TYPE_WRAP_LAYOUT, NULL);

  self->column_spacing = column_spacing;
  self->row_spacing = row_spacing;
  return GTK_LAYOUT_MANAGER (self);
}

void
uth_wrap_layout_set_use_natural (UthWrapLayout *self,
                                 gboolean       use_natural)
{
  g_return_if_fail (UTH_IS_WRAP_LAYOUT (self));

  if (self->use_natural == !!use_natural)
    return;
  self->use_natural = !!use_natural;
  gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
}

void
uth_wrap_layout_set_columns (UthWrapLayout *self,
                             gboolean       columns)
{
  g_return_if_fail (UTH_IS_WRAP_LAYOUT (self));

  if (self->columns == !!columns)
    return;
  self->columns = !!columns;
  gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
}
