/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The libFuzzer entry point every target defines; fuzz-main.c drives it over a corpus when
 * the build is not a fuzzing build, so the corpus (and every crash found, once added to it)
 * runs as a regression test. */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
