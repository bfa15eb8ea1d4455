#!/bin/sh
# The core is plain C: a GLib or GTK include there must not compile with the core's flags,
# and no core file includes one.
set -u
cc="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '#include <glib.h>\nint f (void);\nint f (void) { return 0; }\n' > "$tmp/glib.c"
if "$cc" -std=gnu17 -I"$src" -c "$tmp/glib.c" -o "$tmp/glib.o" 2>/dev/null; then
  echo "FAIL: <glib.h> compiled with the core's include path" >&2
  exit 1
fi
printf '#include <gtk/gtk.h>\nint f (void);\nint f (void) { return 0; }\n' > "$tmp/gtk.c"
if "$cc" -std=gnu17 -I"$src" -c "$tmp/gtk.c" -o "$tmp/gtk.o" 2>/dev/null; then
  echo "FAIL: <gtk/gtk.h> compiled with the core's include path" >&2
  exit 1
fi
if grep -nE '#\s*include\s*[<"](glib|gio|gtk|adwaita|cairo|pango|json-glib)' "$src"/core/*.c "$src"/core/*.h; then
  echo "FAIL: the core includes a library it may not use" >&2
  exit 1
fi
echo "core includes only libc and libm"
