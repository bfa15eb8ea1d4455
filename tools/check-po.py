#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that a translation is valid and at least MIN% complete against the current sources.

Usage: check-po.py SOURCE_ROOT LANG [MIN_PERCENT]

The template is extracted afresh from po/POTFILES.in (with the keywords of meson's glib
preset), the translation is merged into it, and msgfmt counts the result: a string added to
the code since the .po file was last updated counts as untranslated, as it would show.
"""
import os
import re
import subprocess
import sys
import tempfile

KEYWORDS = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dcgettext:2", "g_dngettext:2,3",
            "g_dpgettext2:2c,3", "ngettext:1,2"]


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def main():
    root, lang = sys.argv[1], sys.argv[2]
    minimum = float(sys.argv[3]) if len(sys.argv) > 3 else 90.0
    po = os.path.join(root, "po", lang + ".po")
    if not os.path.exists(po):
        print(f"check-po: {po} does not exist", file=sys.stderr)
        return 1
    try:
        run(["msgfmt", "--check", "-o", os.devnull, po])
    except subprocess.CalledProcessError as e:
        print(f"check-po: {po} is not valid:\n{e.stderr}", file=sys.stderr)
        return 1
    with open(po, encoding="utf-8") as f:
        if "charset=UTF-8" not in f.read(4096):
            print(f"check-po: {po} must declare charset=UTF-8", file=sys.stderr)
            return 1

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "template.pot")
        merged = os.path.join(tmp, lang + ".po")
        args = ["xgettext", "--from-code=UTF-8", "--add-comments", "--package-name=under-the-hood",
                "-D", root, "-f", os.path.join(root, "po", "POTFILES.in"), "-o", pot]
        args += ["--keyword=" + k for k in KEYWORDS]
        try:
            run(args)
            run(["msgmerge", "--quiet", "-o", merged, po, pot])
            stats = run(["msgfmt", "--check", "--statistics", "-o", os.devnull, merged]).stderr
        except subprocess.CalledProcessError as e:
            print(f"check-po: {' '.join(e.cmd)} failed:\n{e.stderr}", file=sys.stderr)
            return 1

    def count(word):
        m = re.search(r"(\d+) " + word, stats)
        return int(m.group(1)) if m else 0

    translated = count("translated")
    total = translated + count("fuzzy") + count("untranslated")
    percent = 100.0 * translated / total if total else 0.0
    print(f"{lang}: {translated} of {total} strings translated ({percent:.1f}%), need {minimum:.0f}%")
    if percent < minimum:
        print(f"check-po: {lang} is {percent:.1f}% translated, below {minimum:.0f}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
