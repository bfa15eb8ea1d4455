#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes tests/data/json-strict-cases.txt: texts with the verdict of a second strict JSON
reader, Python's json module made strict (duplicate keys, NaN/Infinity and numbers beyond a
64-bit float refused, strict UTF-8). tests/test-safe-json.c checks that uth_safe_json_parse
agrees on every one.

Deliberate differences of our reader, applied here too (see src/catalog/uth-safe-json.h):
a string holding \\u0000 or a lone UTF-16 surrogate is refused, and so is nesting deeper
than 32 levels (the depth the test parses with).

Each line: A or R (accept, refuse), a tab, the text in hex, a tab, where the case comes from.
Run: python3 tools/gen-json-cases.py > tests/data/json-strict-cases.txt (deterministic)."""

import json
import math
import random
import sys

MAX_DEPTH = 32


def pairs_hook(pairs):
    keys = set()
    for key, _ in pairs:
        if key in keys:
            raise ValueError("duplicate key")
        keys.add(key)
    return dict(pairs)


def refuse_constant(name):
    raise ValueError(name)


def finite_float(text):
    value = float(text)
    if math.isinf(value):
        raise ValueError("not finite")
    return value


def finite_int(text):
    value = int(text)
    float(value)  # OverflowError beyond a double, as our reader refuses
    return value


def ours_too(value, depth=0):
    """Our extra rules on a value Python accepted."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return "\x00" not in value and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return all(ours_too(k, depth) and ours_too(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(ours_too(v, depth + 1) for v in value)
    return True


def depth_of(value):
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    return 0


def verdict(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    try:
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=refuse_constant,
                           parse_float=finite_float, parse_int=finite_int)
    except (ValueError, OverflowError, RecursionError):
        return False
    return depth_of(value) <= MAX_DEPTH and ours_too(value)


HAND = [
    "{}", "[]", "0", "-0", "1.5", "-1.5e10", "1E+2", "1e-2", "\"\"", "true", "false", "null",
    " [1, 2 ,3 ] ", "\t{\"a\":\n1}\r\n", "{\"a\":1,\"b\":[true,false,null]}",
    "18446744073709551616", "-9223372036854775808", "9223372036854775807",
    "1e308", "1e309", "-1e999", "1e999", "2.5e-400", "NaN", "Infinity", "-Infinity",
    "010", "00", "-01", "0x40", "+1", ".5", "5.", "1e", "1e+", "-", "--1", "1.e5",
    "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":1,\"A\":2}",
    "{'a':1}", "['a']", "{\"a\":1,}", "[1,]", "[,1]", "{,}", "[1 2]", "{\"a\" 1}", "{\"a\":}",
    "{}{}", "[] []", "1 2", "{\"a\":1}x", "/* c */ {}", "{} // c", "{\"a\":1 /* c */}",
    "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud83d\\ude00\"", "\"\\ud83d x\"",
    "\"\\u00e9\"", "\"é\"", "\"\\x41\"", "\"\\a\"", "\"\\/\"", "\"\\u12\"", "\"\\uZZZZ\"",
    "\"tab\there\"", "\"line\nbreak\"", "\"unterminated", "\"\\\"", "\"ok\\\\\"",
    "tru", "truex", "True", "nul", "[true false]", "",
    "   ", "\ufeff{}", "[" * 32 + "]" * 32, "[" * 33 + "]" * 33,
    "{\"a\":" * 32 + "1" + "}" * 32, "{\"a\":" * 33 + "1" + "}" * 33,
    "[" * 1000, "{\"\":\"\"}", "{\"\\u0061\":1,\"a\":2}",
]


def random_value(rng, depth):
    kind = rng.randrange(10 if depth < 6 else 7)
    if kind == 0:
        return rng.choice([True, False, None])
    if kind == 1:
        return rng.randrange(-10**6, 10**6)
    if kind == 2:
        return rng.choice([0.5, -2.25e-3, 6.02e23, 1e300, rng.random()])
    if kind in (3, 4, 5, 6):
        return "".join(rng.choice("ab\"\\/\n\té€\U0001F600 ") for _ in range(rng.randrange(6)))
    if kind in (7, 8):
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {"".join(rng.choice("abc") for _ in range(rng.randrange(1, 3))): random_value(rng, depth + 1)
            for _ in range(rng.randrange(4))}


MUTATIONS = list(", : [ ] { } \" ' / * 0 1 - + . e x \\ \x00 \x01 \x7f".split(" ")) + \
            [" ", "\n", "NaN", "1e999", "\"a\":1,", "\"a\":1", "\xff"]


def mutate(rng, text):
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randrange(1, 3)):
        op = rng.randrange(3)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            del data[min(pos, len(data) - 1)]
        else:
            piece = rng.choice(MUTATIONS)
            piece = piece.encode("latin-1") if piece == "\xff" else piece.encode("utf-8")
            if op == 1:
                data[pos:pos] = piece
            else:
                data[pos:pos + len(piece)] = piece
    return bytes(data)


def main():
    rng = random.Random(19)
    cases = [(case.encode("utf-8"), "hand-written") for case in HAND]
    cases.append((b"\"\xff\"", "hand-written: invalid UTF-8"))
    cases.append((b"\"\xed\xa0\x80\"", "hand-written: UTF-8 encoded surrogate"))
    for i in range(300):
        text = json.dumps(random_value(rng, 0), ensure_ascii=rng.random() < 0.5,
                          indent=rng.choice([None, 2]))
        cases.append((text.encode("utf-8"), "random %d" % i))
        cases.append((mutate(rng, text), "random %d mutated" % i))
    out = sys.stdout
    out.write("# Generated by tools/gen-json-cases.py; do not edit. Verdicts of Python %d.%d's json, "
              "made strict.\n" % sys.version_info[:2])
    for data, origin in cases:
        out.write("%s\t%s\t%s\n" % ("A" if verdict(data) else "R", data.hex(), origin))


if __name__ == "__main__":
    main()
