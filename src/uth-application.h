/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define UTH_TYPE_APPLICATION (uth_application_get_type ())
G_DECLARE_FINAL_TYPE (UthApplication, uth_application, UTH, APPLICATION, AdwApplication)

UthApplication *uth_application_new (void);

G_END_DECLS
