#!/usr/bin/env python3
"""Counts results in meson testlog.json files and prints 'N passed, N failed'.

A TAP test counts each of its subtests; a test that failed without TAP output counts once.
Exits 1 when anything failed or no test ran."""
import json
import re
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except OSError as e:
        print(f"count-tests: {path}: {e}", file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        line = line.strip()
        if not line:
            continue
        r = json.loads(line)
        result = r.get("result", "")
        out = r.get("stdout", "") or ""
        tap_ok = len(re.findall(r"^ok \d+", out, re.M))
        tap_not_ok = len(re.findall(r"^not ok \d+", out, re.M))
        tap_skip = len(re.findall(r"^ok \d+.*# ?SKIP", out, re.M | re.I))
        if tap_ok or tap_not_ok:
            passed += tap_ok - tap_skip
            skipped += tap_skip
            failed += tap_not_ok
            if result not in ("OK", "SKIP", "EXPECTEDFAIL") and tap_not_ok == 0:
                failed += 1  # crashed or timed out after its last subtest
        elif result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1

line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
