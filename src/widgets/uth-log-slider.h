/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A whole-number slider on a log scale with an entry to type the exact value
 * ("4096", "4k", "1M"). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UTH_TYPE_LOG_SLIDER (uth_log_slider_get_type ())
G_DECLARE_FINAL_TYPE (UthLogSlider, uth_log_slider, UTH, LOG_SLIDER, GtkWidget)

/* The value in words for assistive technologies ("32 sequences"); a new string. */
typedef char *(*UthLogSliderTextFunc) (guint64  value,
                                       gpointer user_data);

GtkWidget *uth_log_slider_new        (guint64       minimum,
                                      guint64       maximum);
guint64    uth_log_slider_get_value  (UthLogSlider *self);
void       uth_log_slider_set_value  (UthLogSlider *self,
                                      guint64       value);
void       uth_log_slider_set_range  (UthLogSlider *self,
                                      guint64       minimum,
                                      guint64       maximum);
void       uth_log_slider_set_label  (UthLogSlider *self,
                                      const char   *label);
const char *uth_log_slider_get_label (UthLogSlider *self);
void       uth_log_slider_set_value_text_func (UthLogSlider         *self,
                                               UthLogSliderTextFunc  func,
                                               gpointer              user_data,
                                               GDestroyNotify        destroy);
/* The round value @steps steps from @value (powers of two; negative steps go down),
 * rounding in the direction of travel. Not clamped to a slider's range. */
guint64    uth_log_slider_next_step  (guint64       value,
                                      int           steps);
/* Parses "4096", "4,096", "4k", "1.5M" (k = 1000, M = 10^6) and "4Ki", "1Mi" (powers of
 * two). FALSE for anything else. */
gboolean   uth_log_slider_parse      (const char   *text,
                                      guint64      *value);

G_END_DECLS
