/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uth-catalog"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "uth-catalog.h"
#include "uth-safe-json.h"

/* ---------------------------------------------------------------------------------------- */
/* Files                                                                                    */

static void
size_error (GError     **error,
            const char  *name,
            gsize        max_bytes)
{
  if (max_bytes >= 1024 * 1024)
    g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                 _("%s: larger than the limit of %zu MiB"), name, max_bytes / (1024 * 1024));
  else
    g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                 _("%s: larger than the limit of %zu bytes"), name, max_bytes);
}

/* Reads fd to its end, refusing once more than max_bytes arrived. */
static GBytes *
read_capped (int          fd,
             const char  *name,
             gsize        max_bytes,
             GError     **error)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 chunk[64 * 1024];

  for (;;)
    {
      gssize n = read (fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                       _("%s: cannot be read: %s"), name, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      if ((gsize) n > max_bytes - MIN (max_bytes, buffer->len))
        {
          size_error (error, name, max_bytes);
          return NULL;
        }
      g_byte_array_append (buffer, chunk, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

/* The kind of a file that is not a regular one, in the words of ls and stat: a technical term,
 * not translated. */
static const char *
describe_file_type (mode_t mode)
{
  if (S_ISDIR (mode))
    return "directory";
  if (S_ISFIFO (mode))
    return "FIFO";
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return "device";
  if (S_ISSOCK (mode))
    return "socket";
  return "special file";
}

/* A GFile without a local path (a resource, a remote location): GIO's stream, with the same
 * type and size checks on the opened stream. */
static GBytes *
load_stream (GFile       *file,
             const char  *name,
             gsize        max_bytes,
             GError     **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 chunk[64 * 1024];

  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: cannot be read: %s"), name, local_error->message);
      return NULL;
    }
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE) &&
      (guint64) g_file_info_get_size (info) > max_bytes)
    {
      size_error (error, name, max_bytes);
      return NULL;
    }
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
          size_error (error, name, max_bytes);
          return NULL;
        }
      g_byte_array_append (buffer, chunk, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

GBytes *
uth_safe_load_file (GFile   *file,
                    gsize    max_bytes,
                    GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  GBytes *bytes;
  struct stat st;
  int fd;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  path = g_file_get_path (file);
  if (path == NULL)
    return load_stream (file, name, max_bytes, error);

  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. The
   * descriptor is then checked, so nothing but a regular file is ever read from. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: cannot be read: %s"), name, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: cannot be read: %s"), name, g_strerror (saved));
      close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_IO,
                   _("%s: not an ordinary file (a %s); only ordinary files are read"),
                   name, describe_file_type (st.st_mode));
      close (fd);
      return NULL;
    }
  if ((guint64) st.st_size > max_bytes)
    {
      size_error (error, name, max_bytes);
      close (fd);
      return NULL;
    }
  /* A regular file never blocks; reads go back to the usual blocking mode anyway. */
  (void) fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
  bytes = read_capped (fd, name, max_bytes, error);
  close (fd);
  return bytes;
}

GBytes *
uth_safe_load_fd (int          fd,
                  const char  *name,
                  gsize        max_bytes,
                  GError     **error)
{
  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return read_capped (fd, name, max_bytes, error);
}

GBytes *
uth_safe_load_stdin (gsize    max_bytes,
                     GError **error)
{
  return uth_safe_load_fd (STDIN_FILENO, _("standard input"), max_bytes, error);
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

/* ---------------------------------------------------------------------------------------- */
/* Strict JSON (RFC 8259)                                                                   */

typedef struct
{
  gsize start;
  gsize end;
} Span;

struct _UthJsonDocument
{
  GBytes     *bytes;
  JsonNode   *root;
  GHashTable *spans;      /* JsonNode * -> index + 1 into span_list */
  GArray     *span_list;  /* of Span */
};

/* Where the parser is: one frame per open object or array, for the path in messages. */
typedef struct
{
  JsonNode   *container;
  const char *key;     /* the member being read, in an object */
  gsize       index;   /* the element being read, in an array */
} Frame;

typedef struct
{
  const char *data;
  gsize       length;
  gsize       pos;
  const char *name;
  guint       depth;
  guint       max_depth;
  Frame      *frames;
  gsize       values;
  gsize       cost;
  gsize       budget;
  GHashTable *spans;
  GArray     *span_list;
  gboolean    keep_infinite;
  GString    *scratch;   /* the text being decoded: one buffer for every string */
  const char *list_key;  /* stream the elements of root[list_key] to list_func */
  UthJsonElementFunc list_func;
  gpointer    list_data;
  GError    **error;
} Parser;

/* What json-glib's tree costs, roughly, with malloc's overhead: a node, an object (its hash
 * table and member list), a member, an array, a string's bytes. Calibrated on json-glib 1.6
 * and GLib 2.74: a 13.5 MB array of {"a":{"b":{}}} peaked at 623 MB of RSS when refused with
 * the old weights (64/192/56/48), about 1.45 times their estimate; these match it. */
#define COST_NODE    64u
#define COST_OBJECT  320u
#define COST_MEMBER  80u
#define COST_ARRAY   80u
#define COST_ELEMENT 8u
#define COST_STRING  16u

/* "models[0].memory_bytes", and the entry's id when the enclosing object has one already. */
static char *
parser_path (Parser *p)
{
  GString *path = g_string_new (NULL);
  const char *id = NULL;

  for (guint i = 0; i < p->depth; i++)
    {
      Frame *f = &p->frames[i];

      if (JSON_NODE_HOLDS_ARRAY (f->container))
        g_string_append_printf (path, "[%zu]", f->index);
      else if (f->key != NULL)
        {
          if (path->len > 0)
            g_string_append_c (path, '.');
          g_string_append (path, f->key);
        }
      if (i > 0 && JSON_NODE_HOLDS_OBJECT (f->container))
        {
          const char *s = uth_safe_json_get_string (json_node_get_object (f->container), "id");
          if (s != NULL)
            id = s;
        }
    }
  if (id != NULL && strlen (id) <= 128)
    {
      g_autofree char *escaped = g_strescape (id, NULL);
      g_string_append_printf (path, _(", entry '%s'"), escaped);
    }
  return g_string_free (path, FALSE);
}

static gpointer G_GNUC_PRINTF (3, 4)
parser_fail (Parser     *p,
             gsize       at,
             const char *format,
             ...)
{
  g_autofree char *why = NULL;
  g_autofree char *path = NULL;
  guint line = 1;
  gsize line_start = 0;
  va_list args;

  if (p->error == NULL || *p->error != NULL)
    return NULL;
  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  at = MIN (at, p->length);
  for (gsize i = 0; i < at; i++)
    if (p->data[i] == '\n')
      {
        line++;
        line_start = i + 1;
      }
  path = parser_path (p);
  if (*path != '\0')
    g_set_error (p->error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                 _("%s: not valid JSON at line %u, column %zu (in %s): %s"),
                 p->name, line, at - line_start + 1, path, why);
  else
    g_set_error (p->error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                 _("%s: not valid JSON at line %u, column %zu: %s"),
                 p->name, line, at - line_start + 1, why);
  return NULL;
}

static gboolean
parser_charge (Parser *p,
               gsize   cost)
{
  p->cost += cost;
  if (p->cost > p->budget)
    {
      parser_fail (p, p->pos, _("the values would take more than %zu MiB of memory for %zu bytes "
                                "of text; refused"), p->budget / (1024 * 1024), p->length);
      return FALSE;
    }
  return TRUE;
}

static void
skip_space (Parser *p)
{
  while (p->pos < p->length)
    {
      char c = p->data[p->pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        break;
      p->pos++;
    }
}

static gpointer
unexpected (Parser     *p,
            const char *expected)
{
  guchar c;

  if (p->pos >= p->length)
    return parser_fail (p, p->pos, _("the text ends where %s was expected"), expected);
  c = (guchar) p->data[p->pos];
  if (p->length - p->pos >= 3 && (memcmp (p->data + p->pos, "NaN", 3) == 0 ||
                                  memcmp (p->data + p->pos, "Inf", 3) == 0))
    return parser_fail (p, p->pos, _("NaN and Infinity are not JSON (expected %s)"), expected);
  if (c == '/')
    return parser_fail (p, p->pos, _("a comment, which JSON does not allow (expected %s)"), expected);
  if (c == '\'')
    return parser_fail (p, p->pos, _("a single quote; JSON texts use double quotes (expected %s)"),
                        expected);
  if (c >= 0x21 && c < 0x7f)
    return parser_fail (p, p->pos, _("unexpected '%c' (expected %s)"), c, expected);
  return parser_fail (p, p->pos, _("unexpected byte 0x%02x (expected %s)"), c, expected);
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Four hex digits after "\u"; -1 when they are not. */
static gint32
read_hex4 (Parser *p)
{
  gint32 v = 0;

  if (p->length - p->pos < 4)
    return -1;
  for (guint i = 0; i < 4; i++)
    {
      int h = hex_value (p->data[p->pos + i]);
      if (h < 0)
        return -1;
      v = v * 16 + h;
    }
  p->pos += 4;
  return v;
}

/* A string starting at the opening quote, decoded (UTF-8, no NUL) into p->scratch, which
 * stays valid until the next string; NULL on an error. */
static const char *
parse_string (Parser *p)
{
  GString *out = p->scratch;
  gsize start = p->pos;

  g_string_truncate (out, 0);
  p->pos++;   /* the opening quote */
  for (;;)
    {
      gsize run = p->pos;
      guchar c;

      while (p->pos < p->length)
        {
          c = (guchar) p->data[p->pos];
          if (c == '"' || c == '\\' || c < 0x20)
            break;
          p->pos++;
        }
      g_string_append_len (out, p->data + run, (gssize) (p->pos - run));
      if (p->pos >= p->length)
        return parser_fail (p, start, "%s", _("a text without its closing quote"));
      c = (guchar) p->data[p->pos];
      if (c == '"')
        {
          p->pos++;
          break;
        }
      if (c < 0x20)
        return parser_fail (p, p->pos, _("a control character (0x%02x) inside a text; write it "
                                         "as an escape such as \\n"), c);
      /* a backslash */
      p->pos++;
      if (p->pos >= p->length)
        return parser_fail (p, start, "%s", _("a text without its closing quote"));
      c = (guchar) p->data[p->pos++];
      switch (c)
        {
        case '"': g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case '/': g_string_append_c (out, '/'); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            gint32 u = read_hex4 (p);
            gunichar ch;

            if (u < 0)
              return parser_fail (p, p->pos - 2, "%s", _("\\u must be followed by four hex digits"));
            if (u >= 0xDC00 && u <= 0xDFFF)
              return parser_fail (p, p->pos - 6, "%s", _("a lone UTF-16 surrogate in a text"));
            if (u >= 0xD800 && u <= 0xDBFF)
              {
                gint32 low = -1;

                if (p->length - p->pos >= 6 && p->data[p->pos] == '\\' && p->data[p->pos + 1] == 'u')
                  {
                    p->pos += 2;
                    low = read_hex4 (p);
                  }
                if (low < 0xDC00 || low > 0xDFFF)
                  return parser_fail (p, p->pos, "%s", _("a lone UTF-16 surrogate in a text"));
                ch = 0x10000 + (((gunichar) u - 0xD800) << 10) + ((gunichar) low - 0xDC00);
              }
            else
              ch = (gunichar) u;
            if (ch == 0)
              return parser_fail (p, p->pos - 6, "%s", _("\\u0000 (a NUL character) in a text"));
            g_string_append_unichar (out, ch);
          }
          break;
        default:
          return parser_fail (p, p->pos - 2, _("an unknown escape \\%c in a text"),
                              c >= 0x21 && c < 0x7f ? c : '?');
        }
    }
  return out->str;
}

static gboolean
is_digit (Parser *p)
{
  return p->pos < p->length && g_ascii_isdigit (p->data[p->pos]);
}

static JsonNode *
parse_number (Parser *p)
{
  gsize start = p->pos;
  gboolean integer = TRUE;
  g_autofree char *text = NULL;
  JsonNode *node;
  double d;

  if (p->data[p->pos] == '-')
    p->pos++;
  if (!is_digit (p))
    return parser_fail (p, start, "%s", _("a number without digits (NaN and Infinity are not JSON)"));
  if (p->data[p->pos] == '0')
    {
      p->pos++;
      if (p->pos < p->length && (p->data[p->pos] == 'x' || p->data[p->pos] == 'X'))
        return parser_fail (p, start, "%s", _("a hexadecimal number, which JSON does not allow"));
      if (is_digit (p))
        return parser_fail (p, start, "%s", _("a number with a leading zero (octal is not JSON)"));
    }
  else
    while (is_digit (p))
      p->pos++;
  if (p->pos < p->length && p->data[p->pos] == '.')
    {
      p->pos++;
      integer = FALSE;
      if (!is_digit (p))
        return parser_fail (p, p->pos, "%s", _("a digit must follow the decimal point"));
      while (is_digit (p))
        p->pos++;
    }
  if (p->pos < p->length && (p->data[p->pos] == 'e' || p->data[p->pos] == 'E'))
    {
      p->pos++;
      integer = FALSE;
      if (p->pos < p->length && (p->data[p->pos] == '+' || p->data[p->pos] == '-'))
        p->pos++;
      if (!is_digit (p))
        return parser_fail (p, p->pos, "%s", _("a digit must follow the exponent"));
      while (is_digit (p))
        p->pos++;
    }

  node = json_node_alloc ();
  /* Most numbers are small integers: no copy, no strtoll. */
  if (integer && p->pos - start <= 18)
    {
      gint64 v = 0;

      for (gsize i = start + (p->data[start] == '-'); i < p->pos; i++)
        v = v * 10 + (p->data[i] - '0');
      return json_node_init_int (node, p->data[start] == '-' ? -v : v);
    }
  text = g_strndup (p->data + start, p->pos - start);
  if (integer)
    {
      char *end = NULL;
      gint64 v;

      errno = 0;
      v = g_ascii_strtoll (text, &end, 10);
      if (errno == 0 && end != NULL && *end == '\0')
        return json_node_init_int (node, v);
    }
  /* A fraction, an exponent or an integer beyond 64 bits: a double, which must be finite.
   * (A writer copies the original text of a value it did not change, so the digits of
   * 18446744073709551616 survive a save.) */
  d = g_ascii_strtod (text, NULL);
  if (!isfinite (d) && p->keep_infinite)
    return json_node_init_double (node, d);
  if (!isfinite (d))
    {
      json_node_unref (node);
      if (strlen (text) > 40)
        text[40] = '\0';
      return parser_fail (p, start, _("the number %s is too large (beyond the ±1.8e308 of a "
                                      "64-bit float)"), text);
    }
  return json_node_init_double (node, d);
}

static gboolean
match_literal (Parser     *p,
               const char *literal)
{
  gsize n = strlen (literal);

  if (p->length - p->pos < n || memcmp (p->data + p->pos, literal, n) != 0)
    return FALSE;
  p->pos += n;
  return TRUE;
}

static JsonNode *parse_value (Parser *p);

static gboolean
push_frame (Parser   *p,
            JsonNode *container)
{
  if (p->depth >= p->max_depth)
    {
      parser_fail (p, p->pos, _("nested deeper than %u levels"), p->max_depth);
      return FALSE;
    }
  p->frames[p->depth].container = container;
  p->frames[p->depth].key = NULL;
  p->frames[p->depth].index = 0;
  p->depth++;
  return TRUE;
}

typedef enum
{
  AFTER_NEXT,    /* a ',': another member or element follows */
  AFTER_CLOSE,   /* the closing bracket: the object or array ends */
  AFTER_ERROR,   /* anything else, reported */
} AfterMember;

/* What follows a member of an object or an element of an array (close is '}' or ']'). */
static AfterMember
after_member (Parser *p,
              char    close)
{
  skip_space (p);
  if (p->pos < p->length && p->data[p->pos] == ',')
    {
      p->pos++;
      return AFTER_NEXT;
    }
  if (p->pos < p->length && p->data[p->pos] == close)
    {
      p->pos++;
      return AFTER_CLOSE;
    }
  unexpected (p, close == '}' ? "',' / '}'" : "',' / ']'");
  return AFTER_ERROR;
}

static JsonNode *
parse_object (Parser *p)
{
  JsonNode *node = json_node_alloc ();
  JsonObject *object = json_object_new ();
  Frame *frame;

  json_node_init_object (node, object);
  json_object_unref (object);
  if (!parser_charge (p, COST_OBJECT) || !push_frame (p, node))
    goto fail;
  frame = &p->frames[p->depth - 1];
  p->pos++;   /* { */
  skip_space (p);
  if (p->pos < p->length && p->data[p->pos] == '}')
    {
      p->pos++;
      p->depth--;
      return node;
    }
  for (;;)
    {
      g_autofree char *key = NULL;
      const char *text;
      JsonNode *child;

      skip_space (p);
      if (p->pos >= p->length || p->data[p->pos] != '"')
        {
          unexpected (p, _("a member name in double quotes"));
          goto fail;
        }
      text = parse_string (p);
      if (text == NULL)
        goto fail;
      if (json_object_has_member (object, text))
        {
          g_autofree char *escaped = g_strescape (text, NULL);
          parser_fail (p, p->pos, _("the member \"%s\" appears twice in one object"), escaped);
          goto fail;
        }
      if (!parser_charge (p, COST_MEMBER + p->scratch->len))
        goto fail;
      key = g_strndup (text, p->scratch->len);
      skip_space (p);
      if (p->pos >= p->length || p->data[p->pos] != ':')
        {
          unexpected (p, "':'");
          goto fail;
        }
      p->pos++;
      frame->key = key;
      child = parse_value (p);
      frame->key = NULL;
      if (child == NULL)
        goto fail;
      json_object_set_member (object, key, child);
      switch (after_member (p, '}'))
        {
        case AFTER_NEXT:
          continue;
        case AFTER_CLOSE:
          break;
        case AFTER_ERROR:
          goto fail;
        }
      break;
    }
  p->depth--;
  return node;

fail:
  json_node_unref (node);
  return NULL;
}

static JsonNode *
parse_array (Parser *p)
{
  JsonNode *node = json_node_alloc ();
  JsonArray *array = json_array_new ();
  gboolean streaming;
  Frame *frame;

  json_node_init_array (node, array);
  json_array_unref (array);
  if (!parser_charge (p, COST_ARRAY) || !push_frame (p, node))
    goto fail;
  frame = &p->frames[p->depth - 1];
  streaming = p->list_func != NULL && p->depth == 2 &&
              JSON_NODE_HOLDS_OBJECT (p->frames[0].container) &&
              g_strcmp0 (p->frames[0].key, p->list_key) == 0;
  p->pos++;   /* [ */
  skip_space (p);
  if (p->pos < p->length && p->data[p->pos] == ']')
    {
      p->pos++;
      p->depth--;
      return node;
    }
  for (;;)
    {
      JsonNode *child;

      if (!parser_charge (p, COST_ELEMENT))
        goto fail;
      child = parse_value (p);
      if (child == NULL)
        goto fail;
      if (streaming)
        {
          GError *local_error = NULL;
          gboolean ok = p->list_func (child, (guint) frame->index, p->list_data, &local_error);

          json_node_unref (child);
          if (!ok)
            {
              g_propagate_error (p->error, local_error);
              goto fail;
            }
        }
      else
        json_array_add_element (array, child);
      frame->index++;
      switch (after_member (p, ']'))
        {
        case AFTER_NEXT:
          continue;
        case AFTER_CLOSE:
          break;
        case AFTER_ERROR:
          goto fail;
        }
      break;
    }
  p->depth--;
  return node;

fail:
  json_node_unref (node);
  return NULL;
}

static JsonNode *
parse_value (Parser *p)
{
  JsonNode *node = NULL;
  gsize start;
  char c;

  skip_space (p);
  start = p->pos;
  if (p->pos >= p->length)
    return unexpected (p, _("a value"));
  if (++p->values > UTH_JSON_MAX_VALUES)
    return parser_fail (p, p->pos, _("more than %u values"), UTH_JSON_MAX_VALUES);
  if (!parser_charge (p, COST_NODE))
    return NULL;

  c = p->data[p->pos];
  switch (c)
    {
    case '{':
      node = parse_object (p);
      break;
    case '[':
      node = parse_array (p);
      break;
    case '"':
      {
        const char *text = parse_string (p);

        if (text == NULL || !parser_charge (p, COST_STRING + p->scratch->len))
          return NULL;
        node = json_node_init_string (json_node_alloc (), text);
      }
      break;
    case 't':
    case 'f':
    case 'n':
      if (match_literal (p, "true"))
        node = json_node_init_boolean (json_node_alloc (), TRUE);
      else if (match_literal (p, "false"))
        node = json_node_init_boolean (json_node_alloc (), FALSE);
      else if (match_literal (p, "null"))
        node = json_node_init_null (json_node_alloc ());
      else
        return unexpected (p, _("a value"));
      break;
    default:
      if (c == '-' || g_ascii_isdigit (c))
        node = parse_number (p);
      else
        return unexpected (p, _("a value"));
    }
  if (node != NULL && p->spans != NULL)
    {
      Span span = { start, p->pos };

      g_array_append_val (p->span_list, span);
      g_hash_table_insert (p->spans, node, GUINT_TO_POINTER (p->span_list->len));
    }
  return node;
}

static JsonNode *
parse_strict (GBytes      *bytes,
              const char  *name,
              gsize        max_bytes,
              guint        max_depth,
              UthJsonFlags flags,
              GHashTable  *spans,
              GArray      *span_list,
              const char  *list_key,
              UthJsonElementFunc list_func,
              gpointer     list_data,
              GError     **error)
{
  g_autofree Frame *frames = NULL;
  g_autoptr(GString) scratch = NULL;
  Parser p = { 0 };
  JsonNode *root;
  const char *data;
  gsize length;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  if (length > max_bytes)
    {
      size_error (error, name, max_bytes);
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
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: not JSON: the text starts with a byte order mark"), name);
      return NULL;
    }

  frames = g_new0 (Frame, max_depth + 1);
  p.data = data;
  p.length = length;
  p.name = name;
  p.max_depth = max_depth;
  p.frames = frames;
  p.budget = UTH_JSON_MEMORY_SLACK + (length > (G_MAXSIZE - UTH_JSON_MEMORY_SLACK) / UTH_JSON_MEMORY_FACTOR
                                      ? G_MAXSIZE - UTH_JSON_MEMORY_SLACK
                                      : length * UTH_JSON_MEMORY_FACTOR);
  p.spans = spans;
  p.span_list = span_list;
  p.keep_infinite = (flags & UTH_JSON_KEEP_INFINITE) != 0;
  p.scratch = scratch = g_string_sized_new (64);
  p.list_key = list_key;
  p.list_func = list_func;
  p.list_data = list_data;
  p.error = error;

  skip_space (&p);
  if (p.pos >= p.length)
    {
      g_set_error (error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_PARSE,
                   _("%s: the file holds no JSON value"), name);
      return NULL;
    }
  root = parse_value (&p);
  if (root == NULL)
    return NULL;   /* parser_fail said why */
  skip_space (&p);
  if (p.pos < p.length)
    {
      unexpected (&p, _("the end of the text after the JSON value"));
      json_node_unref (root);
      return NULL;
    }
  return root;
}

JsonNode *
uth_safe_json_parse (GBytes     *bytes,
                     const char *name,
                     gsize       max_bytes,
                     guint       max_depth,
                     GError    **error)
{
  return parse_strict (bytes, name, max_bytes, max_depth, UTH_JSON_STRICT, NULL, NULL,
                       NULL, NULL, NULL, error);
}

JsonNode *
uth_safe_json_parse_flags (GBytes       *bytes,
                           const char   *name,
                           gsize         max_bytes,
                           guint         max_depth,
                           UthJsonFlags  flags,
                           GError      **error)
{
  return parse_strict (bytes, name, max_bytes, max_depth, flags, NULL, NULL, NULL, NULL, NULL, error);
}

JsonNode *
uth_safe_json_parse_list (GBytes             *bytes,
                          const char         *name,
                          gsize               max_bytes,
                          guint               max_depth,
                          UthJsonFlags        flags,
                          const char         *list_key,
                          UthJsonElementFunc  func,
                          gpointer            user_data,
                          GError            **error)
{
  g_return_val_if_fail (list_key != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return parse_strict (bytes, name, max_bytes, max_depth, flags, NULL, NULL, list_key, func,
                       user_data, error);
}

static gboolean
find_non_finite (JsonNode *node,
                 GString  *path)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    return json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node));
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);
      gsize len = path->len;

      for (GList *l = members; l != NULL; l = l->next)
        {
          if (len > 0)
            g_string_append_c (path, '.');
          g_string_append (path, l->data);
          if (find_non_finite (json_object_get_member (object, l->data), path))
            return TRUE;
          g_string_truncate (path, len);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      gsize len = path->len;

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_string_append_printf (path, "[%u]", i);
          if (find_non_finite (json_array_get_element (array, i), path))
            return TRUE;
          g_string_truncate (path, len);
        }
    }
  return FALSE;
}

char *
uth_safe_json_find_non_finite (JsonNode *node)
{
  GString *path = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);
  if (find_non_finite (node, path))
    return g_string_free (path, FALSE);
  g_string_free (path, TRUE);
  return NULL;
}

UthJsonDocument *
uth_json_document_parse (GBytes      *bytes,
                         const char  *name,
                         gsize        max_bytes,
                         guint        max_depth,
                         UthJsonFlags flags,
                         GError     **error)
{
  UthJsonDocument *doc = g_new0 (UthJsonDocument, 1);

  doc->bytes = g_bytes_ref (bytes);
  doc->spans = g_hash_table_new (NULL, NULL);
  doc->span_list = g_array_new (FALSE, FALSE, sizeof (Span));
  doc->root = parse_strict (bytes, name, max_bytes, max_depth, flags, doc->spans, doc->span_list,
                            NULL, NULL, NULL, error);
  if (doc->root == NULL)
    {
      uth_json_document_free (doc);
      return NULL;
    }
  return doc;
}

JsonNode *
uth_json_document_get_root (UthJsonDocument *doc)
{
  g_return_val_if_fail (doc != NULL, NULL);
  return doc->root;
}

gboolean
uth_json_document_get_text (UthJsonDocument  *doc,
                            JsonNode         *node,
                            const char      **text,
                            gsize            *length)
{
  guint index;
  const Span *span;

  g_return_val_if_fail (doc != NULL, FALSE);

  index = GPOINTER_TO_UINT (g_hash_table_lookup (doc->spans, node));
  if (index == 0)
    return FALSE;
  span = &g_array_index (doc->span_list, Span, index - 1);
  *text = (const char *) g_bytes_get_data (doc->bytes, NULL) + span->start;
  *length = span->end - span->start;
  return TRUE;
}

void
uth_json_document_free (UthJsonDocument *doc)
{
  if (doc == NULL)
    return;
  g_clear_pointer (&doc->root, json_node_unref);
  g_hash_table_unref (doc->spans);
  g_array_unref (doc->span_list);
  g_bytes_unref (doc->bytes);
  g_free (doc);
}

/* ---------------------------------------------------------------------------------------- */
/* Writing                                                                                  */

typedef struct
{
  GString         *out;
  UthJsonDocument *doc;
  GHashTable      *hints;
  GPtrArray       *path;   /* of const char * (keys) or NULL (array elements) */
  GError         **error;
} Writer;

static void
write_indent (GString *out,
              guint    indent)
{
  for (guint i = 0; i < indent; i++)
    g_string_append (out, "  ");
}

static void
write_string (GString    *out,
              const char *s)
{
  g_string_append_c (out, '"');
  for (const char *c = s; *c != '\0'; c++)
    {
      guchar u = (guchar) *c;

      switch (u)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (u < 0x20)
            g_string_append_printf (out, "\\u%04x", u);
          else
            g_string_append_c (out, (char) u);
        }
    }
  g_string_append_c (out, '"');
}

static gboolean
copy_original (Writer   *w,
               JsonNode *node)
{
  const char *text;
  gsize length;

  if (w->doc == NULL || node == NULL || !uth_json_document_get_text (w->doc, node, &text, &length))
    return FALSE;
  g_string_append_len (w->out, text, (gssize) length);
  return TRUE;
}

static gboolean
write_value (Writer   *w,
             JsonNode *node,
             JsonNode *original,
             guint     indent)
{
  JsonNode *hint;

  if (w->hints != NULL && (hint = g_hash_table_lookup (w->hints, node)) != NULL)
    original = hint;
  /* Unchanged values keep their text: digits beyond 64 bits, an exponent, escapes. */
  if (copy_original (w, node))
    return TRUE;
  if (original != NULL && json_node_equal (node, original) && copy_original (w, original))
    return TRUE;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_NULL:
      g_string_append (w->out, "null");
      return TRUE;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (w->out, "%" PRId64, json_node_get_int (node));
          return TRUE;
        case G_TYPE_DOUBLE:
          {
            double d = json_node_get_double (node);
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            if (!isfinite (d))
              {
                GString *path = g_string_new (NULL);

                for (guint i = 0; i < w->path->len; i++)
                  {
                    const char *key = g_ptr_array_index (w->path, i);
                    if (key != NULL)
                      g_string_append_printf (path, "%s%s", path->len > 0 ? "." : "", key);
                  }
                g_set_error (w->error, UTH_CATALOG_ERROR, UTH_CATALOG_ERROR_FIELD,
                             _("field '%s': %s is not a number JSON can hold; nothing was written"),
                             path->str, isnan (d) ? "NaN" : "Infinity");
                g_string_free (path, TRUE);
                return FALSE;
              }
            /* The shortest text that reads back as the same double (0.1, not 0.1000…01). */
            for (int digits = 15; digits <= 17; digits++)
              {
                g_ascii_formatd (buf, sizeof buf, digits == 15 ? "%.15g" : digits == 16 ? "%.16g" : "%.17g", d);
                if (g_ascii_strtod (buf, NULL) == d)
                  break;
              }
            g_string_append (w->out, buf);
            /* Keep it a double when read back: 17179869184.0, not the integer 17179869184. */
            if (strpbrk (buf, ".eE") == NULL)
              g_string_append (w->out, ".0");
            return TRUE;
          }
        case G_TYPE_BOOLEAN:
          g_string_append (w->out, json_node_get_boolean (node) ? "true" : "false");
          return TRUE;
        case G_TYPE_STRING:
          write_string (w->out, json_node_get_string (node));
          return TRUE;
        default:
          g_string_append (w->out, "null");
          return TRUE;
        }

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObject *before = original != NULL && JSON_NODE_HOLDS_OBJECT (original)
                             ? json_node_get_object (original) : NULL;
        g_autoptr(GList) members = json_object_get_members (object);

        if (members == NULL)
          {
            g_string_append (w->out, "{}");
            return TRUE;
          }
        g_string_append (w->out, "{\n");
        for (GList *l = members; l != NULL; l = l->next)
          {
            const char *key = l->data;
            JsonNode *was = before != NULL ? json_object_get_member (before, key) : NULL;
            gboolean ok;

            write_indent (w->out, indent + 1);
            write_string (w->out, key);
            g_string_append (w->out, ": ");
            g_ptr_array_add (w->path, (gpointer) key);
            ok = write_value (w, json_object_get_member (object, key), was, indent + 1);
            g_ptr_array_set_size (w->path, w->path->len - 1);
            if (!ok)
              return FALSE;
            g_string_append (w->out, l->next != NULL ? ",\n" : "\n");
          }
        write_indent (w->out, indent);
        g_string_append_c (w->out, '}');
        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *before = original != NULL && JSON_NODE_HOLDS_ARRAY (original)
                            ? json_node_get_array (original) : NULL;
        guint n = json_array_get_length (array);

        if (n == 0)
          {
            g_string_append (w->out, "[]");
            return TRUE;
          }
        g_string_append (w->out, "[\n");
        for (guint i = 0; i < n; i++)
          {
            JsonNode *was = before != NULL && i < json_array_get_length (before)
                            ? json_array_get_element (before, i) : NULL;

            write_indent (w->out, indent + 1);
            if (!write_value (w, json_array_get_element (array, i), was, indent + 1))
              return FALSE;
            g_string_append (w->out, i + 1 < n ? ",\n" : "\n");
          }
        write_indent (w->out, indent);
        g_string_append_c (w->out, ']');
        return TRUE;
      }

    default:
      g_string_append (w->out, "null");
      return TRUE;
    }
}

gboolean
uth_json_write (GString          *out,
                JsonNode         *node,
                UthJsonDocument  *doc,
                JsonNode         *original,
                GHashTable       *hints,
                guint             indent,
                GError          **error)
{
  g_autoptr(GPtrArray) path = g_ptr_array_new ();
  Writer w = { out, doc, hints, path, error };

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (node != NULL, FALSE);

  return write_value (&w, node, original, indent);
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
