/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pages/uth-page-fundamentals.h"

void
uth_fundamentals_bind_text (UthPage     *page,
                            GtkEditable *entry)
{
  uth_page_bind (page, "text", entry, "text", G_BINDING_BIDIRECTIONAL);
}
