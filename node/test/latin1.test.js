'use strict'
// Long strings without characters above U+00FF are searched as their Latin-1 bytes
// (lib/input.js): as they are for ASCII-pattern literal matchers, as UTF-8 widened by the
// addon (latin1ToUtf8) for every other matcher. Every answer must equal the one for the
// string's UTF-8 bytes (a Buffer), with byte offsets converted to UTF-16 units: for
// Latin-1 text, ASCII text, and text with one character above U+00FF anywhere (astral
// pairs, lone surrogates), which takes the UTF-8 path.

const { describe, it, afterEach, beforeEach } = require('node:test')
const assert = require('node:assert/strict')
const { Matcher, HayscanError, ErrorCode, liveObjects } = require('..')
const native = require('../lib/binding.js')

let baseline
beforeEach(() => { baseline = liveObjects() })
afterEach(() => { assert.equal(liveObjects(), baseline, 'live objects back to the start') })

// Longer than lib/input.js's ENCODE_IN_JS, so the wrapper makes the bytes.
const LONG = 2048

/**
 * For each UTF-8 byte offset of `s` (lone surrogates as U+FFFD, as Buffer.from does), the
 * UTF-16 offset of the character it starts or falls in (`start`) and the offset after
 * that character unless it is a boundary (`end`).
 */
function unitMaps (s) {
  const start = []
  const end = []
  let unit = 0
  for (const ch of s) {
    const cp = ch.codePointAt(0)
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
    for (let k = 0; k < bytes; k++) {
      start.push(unit)
      end.push(k === 0 ? unit : unit + ch.length)
    }
    unit += ch.length
  }
  start.push(unit)
  end.push(unit)
  return { start, end }
}

function toUnits (maps, [pattern, s, e]) {
  return [pattern, maps.start[s], maps.end[e]]
}

const triple = (m) => m && [m.pattern, m.start, m.end]
const columns = (c) => Array.from(c.pattern, (p, i) => [p, c.start[i], c.end[i]])

/** Every answer of `m` for string `s` equals its answer for the UTF-8 bytes of `s`. */
function sameAsBytes (m, s, what) {
  const buf = Buffer.from(s)
  const maps = unitMaps(s)
  const msg = `${what}: ${JSON.stringify(s.length > 80 ? s.slice(0, 80) + '...' : s)}`
  const want = m.findAll(buf).map((x) => toUnits(maps, triple(x)))
  const got = m.findAll(s)
  assert.deepEqual(got.map(triple), want, `findAll ${msg}`)
  for (const x of got) assert.equal(x.text, s.slice(x.start, x.end), `text ${msg}`)
  assert.equal(m.count(s), m.count(buf), `count ${msg}`)
  assert.equal(m.isMatch(s), m.isMatch(buf), `isMatch ${msg}`)
  assert.deepEqual(triple(m.find(s)), want.length ? want[0] : null, `find ${msg}`)
  const scanned = []
  m.scan(s, (x) => { scanned.push(triple(x)) })
  assert.deepEqual(scanned, want, `scan ${msg}`)
  assert.deepEqual([...m.matches(s)].map(triple), want, `matches ${msg}`)
  assert.deepEqual(m.countByPattern(s), m.countByPattern(buf), `countByPattern ${msg}`)
  assert.deepEqual(m.matchingPatterns(s), m.matchingPatterns(buf), `matchingPatterns ${msg}`)
  assert.deepEqual(columns(m.findAllColumns(s)), want, `findAllColumns ${msg}`)
  assert.deepEqual(m.firstMatchPerPattern(s).map(triple),
    m.firstMatchPerPattern(buf).map((x) => x && toUnits(maps, triple(x))), `firstMatchPerPattern ${msg}`)
  if (!m.overlapping) {
    const replacements = Array.from(m.countByPattern(buf), (_, i) => `<${i}é>`)
    assert.equal(m.replaceAll(s, replacements), m.replaceAll(buf, replacements).toString(), `replaceAll ${msg}`)
  }
  return want.length
}

const ASCII_PATTERNS = ['a', 'ab', 'b a', '\0b', 'ba']
const LATIN1_PATTERNS = ['é', 'bé', 'ÿ', '\x80a', 'É', 'a']
const WIDE_PATTERNS = ['a', 'Ā', '€', '😀', 'é', '\uFFFD']

/** Runs `fn(list)` over fresh matchers of every kind, closing them however it ends. */
function withMatchers (fn) {
  const list = matchers()
  try {
    return fn(list)
  } finally {
    for (const [, m] of list) m.close()
  }
}

function matchers () {
  const overlapping = (m) => Object.assign(m, { overlapping: true })
  return [
    ['ascii', new Matcher(ASCII_PATTERNS)],
    ['ascii overlapping', overlapping(new Matcher(ASCII_PATTERNS, { matchKind: 'overlapping' }))],
    ['ascii leftmost-longest', new Matcher(ASCII_PATTERNS, { matchKind: 'leftmost-longest' })],
    ['ascii case-insensitive', new Matcher(ASCII_PATTERNS, { caseInsensitive: true })],
    ['ascii whole words', new Matcher(['a', 'ab', 'b'], { wholeWords: true })],
    ['latin-1', new Matcher(LATIN1_PATTERNS)],
    ['latin-1 overlapping', overlapping(new Matcher(LATIN1_PATTERNS, { matchKind: 'overlapping' }))],
    ['latin-1 case-insensitive', new Matcher(LATIN1_PATTERNS, { caseInsensitive: true })],
    ['latin-1 whole words', new Matcher(['é', 'ab', 'ÿ'], { wholeWords: true })],
    ['wide', new Matcher(WIDE_PATTERNS)],
    ['byte pattern inside é', new Matcher([Buffer.from([0xC3]), 'a'])],
    ['regex', Matcher.regex(['a+b', 'é.', 'ÿ\\b', '[^a]{2}a'])],
  ]
}

/** A seeded generator (mulberry32). */
function random (seed) {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const LATIN1_ALPHABET = ['a', 'b', ' ', 'é', 'É', 'ÿ', '\x80', '\x9f', '\0', 'ab', 'ba', 'A']
const WIDE = ['Ā', '€', '😀', '\uD800', '\uDC00', '\uFFFD']

function text (next, length, alphabet) {
  let s = ''
  while (s.length < length) s += alphabet[Math.floor(next() * alphabet.length)]
  return s
}

describe('long Latin-1 strings', () => {
  it('give the answers of their UTF-8 bytes: Latin-1, controls and NUL', () => {
    const all = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c)).join('')
    const cases = [
      'é'.repeat(LONG + 1),
      ('ab ÿ é\x80a\0b bé ÉÉ ba ').repeat(200),
      all.repeat(10),
      'a'.repeat(LONG) + 'é',
      'ÿ' + 'b a'.repeat(LONG),
    ]
    withMatchers((list) => {
      for (const [name, m] of list) for (const s of cases) sameAsBytes(m, s, name)
    })
  })

  it('report offsets in UTF-16 units (one per Latin-1 character)', () => {
    const m = new Matcher(LATIN1_PATTERNS)
    const s = 'é'.repeat(LONG) + 'xbéÿ'
    assert.equal(m.count(s), LONG + 2)
    const tail = m.findAll(s).slice(-2)
    assert.deepEqual(tail, [
      { pattern: 1, start: LONG + 1, end: LONG + 3, text: 'bé' },
      { pattern: 2, start: LONG + 3, end: LONG + 4, text: 'ÿ' },
    ])
    const a = new Matcher(['b a'])
    const t = 'ÿ'.repeat(LONG) + 'b a'
    assert.deepEqual(a.findAll(t), [{ pattern: 0, start: LONG, end: LONG + 3, text: 'b a' }])
    m.close()
    a.close()
  })

  it('with one character above U+00FF (start, middle, end; pairs; lone surrogates) take the UTF-8 path', () => {
    const base = ('ab ÿ é\x80a\0b bé ').repeat(160)
    withMatchers((list) => {
      for (const [name, m] of list) {
        for (const wide of WIDE) {
          for (const s of [wide + base, base.slice(0, 999) + wide + base.slice(999), base + wide]) {
            sameAsBytes(m, s, `${name}, ${JSON.stringify(wide)}`)
          }
        }
      }
    })
  })

  it('match random strings as their bytes do (seeded, long and short)', () => {
    const next = random(12)
    let found = 0
    withMatchers((list) => {
      for (let i = 0; i < 60; i++) {
        const length = i % 4 === 3 ? 1 + Math.floor(next() * 40) : LONG + Math.floor(next() * 600)
        let s = text(next, length, LATIN1_ALPHABET)
        if (i % 3 === 1) {
          const at = Math.floor(next() * (s.length + 1))
          s = s.slice(0, at) + WIDE[Math.floor(next() * WIDE.length)] + s.slice(at)
        }
        for (const [name, m] of list) found += sameAsBytes(m, s, `${name}, string ${i}`)
      }
    })
    assert.ok(found > 1000, `the strings have matches (${found})`)
  })

  it('work in the asynchronous calls and streams', async () => {
    const s = ('ab ÿ é\x80a\0b bé ').repeat(300)
    const buf = Buffer.from(s)
    for (const patterns of [ASCII_PATTERNS, LATIN1_PATTERNS]) {
      const m = new Matcher(patterns)
      try {
        const maps = unitMaps(s)
        assert.equal(await m.countAsync(s), m.count(buf))
        assert.deepEqual((await m.findAllAsync(s)).map(triple), m.findAll(buf).map((x) => toUnits(maps, triple(x))))
        assert.equal(await m.replaceAllAsync(s, '-'), m.replaceAll(buf, '-').toString())
        const stream = m.stream()
        const seen = []
        stream.on((x) => { seen.push(triple(x)) })
        stream.write(s)
        stream.end()
        assert.deepEqual(seen, m.findAll(s).map(triple))
      } finally {
        m.close()
      }
    }
  })
})

describe('latin1ToUtf8 (the addon half of the Latin-1 path)', () => {
  it('widens in place', () => {
    const latin1 = Buffer.from('aé\0ÿ\x80 plain ascii run, long enough', 'latin1')
    const buf = Buffer.alloc(2 * latin1.length)
    latin1.copy(buf, latin1.length)
    const n = native.latin1ToUtf8(buf, latin1.length)
    assert.equal(buf.subarray(0, n).toString(), latin1.toString('latin1'))
    assert.equal(native.latin1ToUtf8(Buffer.alloc(0), 0), 0)
  })

  it('refuses an offset that leaves no room or lies past the end', () => {
    for (const at of [1, 5]) {
      assert.throws(() => native.latin1ToUtf8(Buffer.alloc(4), at), (e) => {
        assert.ok(e instanceof HayscanError)
        assert.equal(e.code, ErrorCode.INVALID_ARGUMENT)
        return true
      })
    }
  })
})

describe('count of long Latin-1 strings, in chunks (countLatin1)', () => {
  const LITERAL = [
    [ASCII_PATTERNS, undefined, true],
    [ASCII_PATTERNS, { matchKind: 'overlapping' }, true],
    [ASCII_PATTERNS, { matchKind: 'leftmost-longest' }, true],
    [ASCII_PATTERNS, { caseInsensitive: true }, false],
    [['a', 'ab', 'b'], { wholeWords: true }, false],
    [LATIN1_PATTERNS, undefined, false],
    [LATIN1_PATTERNS, { matchKind: 'overlapping' }, false],
    [LATIN1_PATTERNS, { caseInsensitive: true }, false],
    [['é', 'ab', 'ÿ'], { wholeWords: true }, false],
  ]

  it('counts what one whole-buffer scan of the UTF-8 counts, for any chunk size', () => {
    const next = random(99)
    const strings = [('ab ÿ é\x80a\0b bé ÉÉ ba ').repeat(40), text(next, 3000, LATIN1_ALPHABET), 'é'.repeat(500)]
    for (const [patterns, options, exact] of LITERAL) {
      const m = native.createMatcher(patterns, options)
      try {
        for (const s of strings) {
          const want = native.count(m, Buffer.from(s))
          for (const chunk of [1, 2, 3, 7, 64, 4096]) {
            const what = `${JSON.stringify(patterns)} ${JSON.stringify(options)}, chunk ${chunk}`
            assert.equal(native.countLatin1(m, s, String.prototype.slice, chunk, true), want, `widened: ${what}`)
            if (exact) assert.equal(native.countLatin1(m, s, String.prototype.slice, chunk, false), want, `as Latin-1: ${what}`)
          }
        }
      } finally {
        native.close(m)
      }
    }
  })

  it('is what count uses on strings of a million characters', () => {
    // Dense text is counted as one copy, sparse text in chunks (lib/input.js).
    const dense = ('ab ÿ é\x80a\0b bé ÉÉ ba ').repeat(60000)
    const sparse = ('xyz ÿ é\x80 '.repeat(100) + 'ab bé ba\0b É').repeat(1200)
    for (const [patterns, options] of LITERAL) {
      const m = new Matcher(patterns, options)
      try {
        for (const s of [dense, sparse]) {
          assert.ok(s.length >= 1 << 20)
          assert.equal(m.count(s), m.count(Buffer.from(s)), `${JSON.stringify(patterns)} ${JSON.stringify(options)}`)
        }
        assert.equal(m.count(dense + '€'), m.count(Buffer.from(dense + '€')), 'a character above U+00FF: the UTF-8 path')
      } finally {
        m.close()
      }
    }
  })

  it('refuses regex matchers, a zero chunk, a slice that is not String.prototype.slice and non-strings', () => {
    const invalid = (e) => {
      assert.ok(e instanceof HayscanError, String(e))
      assert.equal(e.code, ErrorCode.INVALID_ARGUMENT)
      return true
    }
    const r = native.createMatcher(['a+'], { syntax: 'regex' })
    const m = native.createMatcher(['a'], undefined)
    try {
      assert.throws(() => native.countLatin1(r, 'aaa', String.prototype.slice, 2, true), invalid)
      assert.throws(() => native.countLatin1(m, 'aaa', String.prototype.slice, 0, true), invalid)
      assert.throws(() => native.countLatin1(m, 'aaa', () => 'a', 2, true), invalid)
      assert.throws(() => native.countLatin1(m, 42, String.prototype.slice, 2, true))
    } finally {
      native.close(r)
      native.close(m)
    }
  })
})
