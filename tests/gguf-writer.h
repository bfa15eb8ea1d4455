/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing GGUF files in tests: little-endian integers, length-prefixed strings and typed
 * key/value pairs (GGUF v3: UINT32 is type 4, UINT64 type 10). */
#pragma once

#include <glib.h>
#include <string.h>

static inline void
put_u32 (GByteArray *a,
         guint32     v)
{
  v = GUINT32_TO_LE (v);
  g_byte_array_append (a, (const guint8 *) &v, 4);
}

static inline void
put_u64 (GByteArray *a,
         guint64     v)
{
  v = GUINT64_TO_LE (v);
  g_byte_array_append (a, (const guint8 *) &v, 8);
}

static inline void
put_str (GByteArray *a,
         const char *s)
{
  put_u64 (a, strlen (s));
  g_byte_array_append (a, (const guint8 *) s, (guint) strlen (s));
}

static inline void
put_kv_u32 (GByteArray *a,
            const char *key,
            guint32     v)
{
  put_str (a, key);
  put_u32 (a, 4);   /* UINT32 */
  put_u32 (a, v);
}

static inline void
put_kv_u64 (GByteArray *a,
            const char *key,
            guint64     v)
{
  put_str (a, key);
  put_u32 (a, 10);  /* UINT64 */
  put_u64 (a, v);
}
