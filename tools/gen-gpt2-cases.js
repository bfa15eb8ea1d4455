#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// Prints the known answers of tests/test-gpt2-tokenizer.c: each test string's GPT-2 token
// ids as the npm package gpt-3-encoder's own JavaScript encoder gives them, as C literals.
// Development time only (the tests never run node):
//   cd /tmp && npm pack gpt-3-encoder && tar xzf gpt-3-encoder-*.tgz
//   node tools/gen-gpt2-cases.js /tmp/package
// The strings avoid two commas in a row: that encoder looks merge ranks up by the pair
// joined with a comma, so "a," + "b" and "a" + ",b" would share a key.
'use strict';
const path = require('path');
const enc = require(path.resolve(process.argv[2] || '.', 'Encoder.js'));

const cases = [
  'The quick brown fox jumps over the lazy dog.',
  'Hello world',
  ' Hello world',
  '  two leading spaces',
  "I'm sure they're fine, we've won, you'll see, he'd go, it's Tom's.",
  "Don't SHOUT: I'M HERE, 'tis 'quoted'.",
  'In 2024, 1234567 people paid $3.50 each (about 4.3M total).',
  'Punctuation!!! ...and "quotes" -- (brackets) [x] {y} <z> @#%^&*',
  'line one\nline two\n\nline four\n',
  'multiple   spaces\tand\ttabs   \n  end  ',
  'naïve café résumé',
  'Emoji: 🙂👍🏽 and 🚀!',
  '中文分词测试，日本語のテキスト、한국어 텍스트',
  'Ünïcödé Ελληνικά русский текст עברית العربية हिन्दी',
  '',
  '   ',
  'x² + ½ = Ⅻ and ٣٤ or ４２',
  'e\u0301 cafe\u0301',
  'def f(x):\n    return x**2  # square\n',
  '100\u00a0km\u2003wide\u3000gap',
  '<|endoftext|>',
  'https://example.com/path?q=1&r=2',
  'a'.repeat(64),
  'ab'.repeat(40) + ' ' + 'abc'.repeat(30),
  '1234567890'.repeat(7),
];

function cString(s) {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b === 0x22 || b === 0x5c) out += '\\' + String.fromCharCode(b);
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x09) out += '\\t';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\' + b.toString(8).padStart(3, '0');
  }
  return out + '"';
}

for (const s of cases) {
  const ids = enc.encode(s);
  if (enc.decode(ids) !== s) throw new Error('no round trip: ' + s);
  const comment = s.replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\*\//g, '* /');
  console.log('  /* ' + (comment.length > 80 ? comment.slice(0, 77) + '...' : comment) + ' */');
  console.log('  { ' + cString(s) + ',');
  console.log('    (const guint32[]) { ' + (ids.length ? ids.join(', ') : 0) + ' }, ' + ids.length + ' },');
}

// The corpus the app ships (data/corpus/*.txt): each file's token count.
const fs = require('fs');
const corpus = path.join(__dirname, '..', 'data', 'corpus');
for (const f of fs.readdirSync(corpus).sort()) {
  const text = fs.readFileSync(path.join(corpus, f), 'utf8');
  console.log('  { "' + f + '", ' + Buffer.byteLength(text) + ', ' + enc.encode(text).length + ' },');
}
