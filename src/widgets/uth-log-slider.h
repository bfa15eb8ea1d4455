/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A whole-number slider on a log scale with an entry to type the exact value
 * ("4096", "4k", "1M"). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UTH_TYPE_LOG_SLIDER (uth_log_slider_get_type ())
G_DECLARE_FINAL_TYPE (UthLogSlider, uth_log_slider, UTH, LOG_SLIDER, GtkWidget)

GtkWidget *uth_log_slider_new        (guint64       minimum,
                                      guint64       maximum);
guint64    uth_log_slider_get_value  (UthLogSlider *self);
void       uth_log_slider_set_value  (UthLogSlider *self,
                                      guint64       value);
void       uth_log_slider_set_range  (UthLogSlider *self,
                                      guint64       minimum,
                                      guint64       maximum);
/* Parses "4096", "4,096", "4k", "1.5M" (k = 1000, M = 10^6) and "4Ki", "1Mi" (powers of
 * two). FALSE for anything else. */
gboolean   uth_log_slider_parse      (const char   *text,
                                      guint64      *value);

G_END_DECLS
