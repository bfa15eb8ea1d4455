/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "uth-catalog.h"
#include "uth-safe-json.h"

GBytes *
uth_safe_load_file (GFile   *file,
                    gsize    max_bytes,
                    GError **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  guint8 chunk[64 * 1024];

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: cannot be read: %s"), name, local_error->message);
      return NULL;
    }

  /* Read in chunks and stop at the cap, rather than trusting a size queried beforehand:
   * the file may be a pipe, or grow while we read. */
  buffer = g_byte_array_new ();
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), chunk, sizeof chunk,
                                      NULL, &local_error);
      if (n < 0)
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: cannot be read: %s"), name, local_error->message);
          return NULL;
        }
      if (n == 0)
        break;
      if ((gsize) n > max_bytes - MIN (max_bytes, buffer->len))
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: larger than the limit of %zu MiB"),
                       name, max_bytes / (1024 * 1024));
          return NULL;
        }
      g_byte_array_append (buffer, chunk, (guint) n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

/* One pass over the text outside strings: nesting depth, and the number of values (every
 * ',' '[' '{' starts one), so that neither json-glib's recursion nor its nodes can be
 * driven without bound. */
static gboolean
scan_json (const char *data,
           gsize       length,
           guint       max_depth,
           gsize       max_values,
           GError    **error)
{
  guint depth = 0;
  gsize values = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;   /* whatever follows a backslash cannot end the string */
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                           _("nested deeper than %u levels (at byte %zu)"),
                           max_depth, i);
              return FALSE;
            }
          values++;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
      else if (c == ',')
        values++;
      if (values > max_values)
        {
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                       _("more than %zu values"), max_values);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
uth_safe_json_check_depth (const char *data,
                           gsize       length,
                           guint       max_depth,
                           GError    **error)
{
  return scan_json (data, length, max_depth, G_MAXSIZE, error);
}

JsonNode *
uth_safe_json_parse (GBytes     *bytes,
                     const char *name,
                     gsize       max_bytes,
                     guint       max_depth,
                     GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *data;
  gsize length;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  if (length > max_bytes)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: larger than the limit of %zu MiB"),
                   name, max_bytes / (1024 * 1024));
      return NULL;
    }
  if (length == 0 || data == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: the file is empty"), name);
      return NULL;
    }
  /* Also rejects NUL bytes, which would cut strings short. */
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: not JSON: the text is not valid UTF-8"), name);
      return NULL;
    }
  if (!scan_json (data, length, max_depth, UTH_JSON_MAX_VALUES, &local_error))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: refused: %s"), name, local_error->message);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: not valid JSON: %s"), name, local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: the file holds no JSON value"), name);
      return NULL;
    }
  return json_parser_steal_root (parser);
}

char *
uth_safe_json_describe (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (_("an object"));
  if (JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup (_("an array"));

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    case G_TYPE_INT64:
      return g_strdup_printf ("%" PRId64, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6g", json_node_get_double (node)));
      }
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        g_autofree char *head = g_utf8_substring (s, 0, MIN (g_utf8_strlen (s, -1), 40));
        g_autofree char *escaped = g_strescape (head, NULL);
        return g_strdup_printf ("\"%s%s\"", escaped, g_utf8_strlen (s, 41) > 40 ? "…" : "");
      }
    default:
      return g_strdup (_("an unknown value"));
    }
}

gboolean
uth_safe_json_get_uint (JsonObject  *object,
                        const char  *file,
                        const char  *field,
                        guint64      max,
                        guint64     *out,
                        gboolean    *present,
                        GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);
  g_autofree char *got = NULL;

  if (present != NULL)
    *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
      json_node_get_int (node) >= 0 && (guint64) json_node_get_int (node) <= max)
    {
      *out = (guint64) json_node_get_int (node);
      if (present != NULL)
        *present = TRUE;
      return TRUE;
    }
  got = uth_safe_json_describe (node);
  g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
               _("%s: field '%s': expected a whole number from 0 to %" PRIu64 ", got %s"),
               file, field, max, got);
  return FALSE;
}

const char *
uth_safe_json_get_string (JsonObject *object,
                          const char *field)
{
  JsonNode *node = json_object_get_member (object, field);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
uth_safe_json_get_bool (JsonObject *object,
                        const char *field,
                        gboolean    fallback)
{
  JsonNode *node = json_object_get_member (object, field);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}
