/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the How LLMs work pages share: the reader's text entry kept in step with the
 * scenario, so text typed on one page is the text of every page. */
#pragma once

#include "pages/uth-page.h"

G_BEGIN_DECLS

/* Binds entry's text to the scenario's, both ways (see uth_page_bind). */
void     uth_fundamentals_bind_text (UthPage     *page,
                                     GtkEditable *entry);

G_END_DECLS
