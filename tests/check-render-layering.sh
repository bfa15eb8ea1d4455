#!/bin/sh
# Figures draw what they are given (issue 20): the render layer includes no catalog header
# and calls no catalog, tokenizer, counting-model or reference reader, and no process-wide
# singleton (*_get_default ()). Its analysis comes in UthFigureContext.analysis, computed
# by src/analysis.
set -u
src="$1"
status=0
if grep -nE '#\s*include\s*[<"](catalog/|analysis/|json-glib)' "$src"/render/*.c "$src"/render/*.h; then
  echo "FAIL: the render layer includes a catalog, analysis or json-glib header" >&2
  status=1
fi
if grep -nE '_get_default\s*\(' "$src"/render/*.c "$src"/render/*.h; then
  echo "FAIL: the render layer reaches for a singleton (_get_default)" >&2
  status=1
fi
if grep -nE '\b(uth_catalog_|uth_tokenizer_|uth_corpus_model_|uth_reference_(load|predict|roofline))[a-z_]*\s*\(' \
     "$src"/render/*.c "$src"/render/*.h; then
  echo "FAIL: the render layer calls the catalog layer" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "render draws only from its context"
exit "$status"
