/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Does-not-fit as a state (issue 15): the one sentence every page that shows speed or cost
 * adds when the scenario's memory does not fit its GPUs. */
#pragma once

#include <glib.h>

#include "render/uth-draw.h"

G_BEGIN_DECLS

/* NULL when the scenario fits (or cannot be estimated); else "Does not fit: needs …, the
 * smallest set-up that fits is N × GPU; the times here are for a set-up that cannot run." */
char *uth_draw_fit_warning   (const UthFigureContext *ctx);
/* The subtitle with the warning in front of it when there is one (newly allocated). */
char *uth_draw_fit_subtitle  (const UthFigureContext *ctx,
                              const char             *subtitle);

G_END_DECLS
