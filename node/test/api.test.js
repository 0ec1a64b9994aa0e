'use strict'
// Every method of Matcher, with string input (UTF-16 offsets) and byte input (byte
// offsets), every option, and every error path.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const hayscan = require('..')
const { Matcher, MatchStream, HayscanError, ErrorCode, liveObjects, version } = hayscan

function triples (list) {
  return list.map((m) => [m.pattern, m.start, m.end])
}

function throwsCode (fn, code, patternIndex) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof HayscanError, `expected a HayscanError, got ${e && e.stack}`)
    assert.ok(e instanceof Error)
    assert.equal(e.name, 'HayscanError')
    assert.equal(e.code, code, e.message)
    assert.equal(e.patternIndex, patternIndex)
    assert.equal(typeof e.message, 'string')
    assert.ok(e.message.length > 0)
    return true
  })
}

describe('module', () => {
  it('exports the public API', () => {
    assert.equal(typeof Matcher, 'function')
    assert.equal(typeof MatchStream, 'function')
    assert.equal(typeof liveObjects, 'function')
    assert.equal(version(), require('../package.json').version)
    assert.deepEqual(Object.keys(ErrorCode).sort(), [
      'BUILD', 'BUSY', 'CLOSED', 'INVALID_ARGUMENT', 'INVALID_PATTERN', 'IO', 'PANIC', 'STREAM_FINISHED', 'UNSUPPORTED',
    ])
  })

  it('the ESM entry exposes the same objects as the CommonJS one', async () => {
    const esm = await import('../lib/index.mjs')
    assert.equal(esm.Matcher, Matcher)
    assert.equal(esm.HayscanError, HayscanError)
    assert.equal(esm.AbortError, hayscan.AbortError)
    assert.equal(esm.default, hayscan)
  })
})

describe('construction and options', () => {
  it('builds literal matchers from strings, Buffers and Uint8Arrays', () => {
    const m = new Matcher(['fox', Buffer.from('dog'), new Uint8Array([0x63, 0x61, 0x74])])
    assert.equal(m.patternCount, 3)
    assert.ok(m.memoryUsage > 0)
    assert.deepEqual(triples(m.findAll('cat dog fox')), [[2, 0, 3], [1, 4, 7], [0, 8, 11]])
    m.close()
  })

  it('an empty pattern list is valid and never matches', () => {
    const m = new Matcher([])
    assert.equal(m.patternCount, 0)
    assert.equal(m.isMatch('anything'), false)
    assert.deepEqual(m.findAll('anything'), [])
    m.close()
  })

  it('matchKind selects leftmost-first, leftmost-longest or overlapping', () => {
    const patterns = ['sam', 'samwise']
    assert.deepEqual(triples(new Matcher(patterns).findAll('samwise')), [[0, 0, 3]])
    assert.deepEqual(triples(new Matcher(patterns, { matchKind: 'leftmost-first' }).findAll('samwise')), [[0, 0, 3]])
    assert.deepEqual(triples(new Matcher(patterns, { matchKind: 'leftmost-longest' }).findAll('samwise')), [[1, 0, 7]])
    assert.deepEqual(triples(new Matcher(patterns, { matchKind: 'overlapping' }).findAll('samwise')), [[0, 0, 3], [1, 0, 7]])
  })

  it('caseInsensitive is Unicode-aware for literals and regexes', () => {
    const lit = new Matcher(['été', 'привет'], { caseInsensitive: true })
    assert.deepEqual(lit.findAll('ÉTÉ, ПРИВЕТ').map((m) => m.text), ['ÉTÉ', 'ПРИВЕТ'])
    const re = Matcher.regex(['straße'], { caseInsensitive: true })
    assert.deepEqual(re.findAll('STRASSE Straße').map((m) => m.text), ['Straße'])
  })

  it('Matcher.regex and syntax: "regex" compile regexes', () => {
    const a = Matcher.regex(['[0-9]+', '[A-Z]+'])
    const b = new Matcher(['[0-9]+', '[A-Z]+'], { syntax: 'regex' })
    for (const m of [a, b]) {
      assert.deepEqual(m.findAll('ab12CD').map((x) => [x.pattern, x.text]), [[0, '12'], [1, 'CD']])
    }
    // Matcher.regex forces the syntax even if the options say otherwise.
    assert.equal(Matcher.regex(['a+'], { syntax: 'literal' }).count('aaa a'), 2)
    assert.equal(new Matcher(['a+'], { syntax: 'literal' }).count('aaa a'), 0)
  })

  it('maxLineLen bounds regex stream frames', () => {
    const m = Matcher.regex(['abcd'], { maxLineLen: 4 })
    const s = m.stream()
    const got = []
    s.on((x) => { got.push([x.start, x.end]) })
    s.write('xxabcd')
    s.end()
    assert.deepEqual(got, [], 'the match crosses the frame cut at 4')
    assert.deepEqual(triples(m.findAll('xxabcd')), [[0, 2, 6]], 'whole-buffer scans are not framed')
  })

  it('options may be undefined or null; unknown keys are rejected', () => {
    assert.equal(new Matcher(['a'], undefined).count('aa'), 2)
    assert.equal(new Matcher(['a'], null).count('aa'), 2)
    throwsCode(() => new Matcher(['a'], { unrelated: 1 }), ErrorCode.INVALID_ARGUMENT)
  })
})

describe('errors', () => {
  it('an invalid regex is INVALID_PATTERN with its index', () => {
    throwsCode(() => Matcher.regex(['ok', 'fine', '(unclosed']), ErrorCode.INVALID_PATTERN, 2)
    try {
      Matcher.regex(['(unclosed'])
    } catch (e) {
      assert.match(e.message, /unclosed group/)
      assert.match(e.stack, /api\.test\.js/, 'the stack points at the caller')
    }
  })

  it('a regex pattern that is not UTF-8 is INVALID_PATTERN', () => {
    throwsCode(() => Matcher.regex(['a', Buffer.from([0xff])]), ErrorCode.INVALID_PATTERN, 1)
  })

  it('unsupported combinations are UNSUPPORTED', () => {
    throwsCode(() => Matcher.regex(['a'], { matchKind: 'overlapping' }), ErrorCode.UNSUPPORTED)
    throwsCode(() => Matcher.regex(['a'], { matchKind: 'leftmost-longest' }), ErrorCode.UNSUPPORTED)
    const m = new Matcher(['a'], { matchKind: 'overlapping' })
    throwsCode(() => m.replaceAll('aa', 'b'), ErrorCode.UNSUPPORTED)
    throwsCode(() => m.replaceWith('aa', () => 'b'), ErrorCode.UNSUPPORTED)
  })

  it('a regex beyond the engine limits is INVALID_PATTERN with its index, never a crash', () => {
    // One pattern alone too big for the compiler: reported against that pattern (more in
    // captures.test.js).
    throwsCode(() => Matcher.regex(['ok', '(?:\\w{100}){100}\\w{100}']), ErrorCode.INVALID_PATTERN, 1)
  })

  it('bad options are INVALID_ARGUMENT', () => {
    throwsCode(() => new Matcher(['a'], { syntax: 'glob' }), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => new Matcher(['a'], { syntax: 5 }), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => new Matcher(['a'], { matchKind: 'leftmost_first' }), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => new Matcher(['a'], { caseInsensitive: 'yes' }), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => new Matcher(['a'], { maxLineLen: 0 }), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => new Matcher(['a'], { maxLineLen: 1.5 }), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => new Matcher(['a'], { maxLineLen: -1 }), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => new Matcher(['a'], 'regex'), ErrorCode.INVALID_ARGUMENT)
  })

  it('bad patterns and haystacks are INVALID_ARGUMENT', () => {
    throwsCode(() => new Matcher('fox'), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => new Matcher(undefined), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => new Matcher(['fox', 42]), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => new Matcher([new Uint16Array(2)]), ErrorCode.INVALID_ARGUMENT)
    const m = new Matcher(['fox'])
    for (const bad of [42, null, undefined, {}, [], new Int16Array(4), new ArrayBuffer(4)]) {
      throwsCode(() => m.isMatch(bad), ErrorCode.INVALID_ARGUMENT)
      throwsCode(() => m.find(bad), ErrorCode.INVALID_ARGUMENT)
      throwsCode(() => m.findAll(bad), ErrorCode.INVALID_ARGUMENT)
      throwsCode(() => m.count(bad), ErrorCode.INVALID_ARGUMENT)
      throwsCode(() => m.scan(bad, () => {}), ErrorCode.INVALID_ARGUMENT)
      throwsCode(() => m.matches(bad), ErrorCode.INVALID_ARGUMENT)
      throwsCode(() => m.replaceAll(bad, 'x'), ErrorCode.INVALID_ARGUMENT)
      throwsCode(() => m.replaceWith(bad, () => 'x'), ErrorCode.INVALID_ARGUMENT)
    }
    throwsCode(() => m.replaceAll('fox', 42), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => m.replaceAll('fox', ['a', 'b']), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => m.scan('fox', 'not a function'), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => m.replaceWith('fox', null), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => m.replaceWith('fox', () => 42), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => m.replaceWith('fox', () => undefined), ErrorCode.INVALID_ARGUMENT)
    m.close()
  })

  it('HayscanError can be constructed and is an Error subclass', () => {
    const e = new HayscanError('msg', ErrorCode.BUILD)
    assert.ok(e instanceof Error)
    assert.equal(e.code, 'BUILD')
    assert.equal(e.patternIndex, undefined)
    assert.equal(String(e), 'HayscanError: msg')
  })
})

describe('string input: UTF-16 offsets', () => {
  const text = 'naïve café 😀 fox 👩‍👩‍👧 𝒳 fox'
  const m = new Matcher(['fox', 'café', '😀', '👩‍👩‍👧', '𝒳'])

  it('text.slice(m.start, m.end) === m.text, with astral characters', () => {
    const all = m.findAll(text)
    assert.deepEqual(all.map((x) => x.text), ['café', '😀', 'fox', '👩‍👩‍👧', '𝒳', 'fox'])
    for (const x of all) {
      assert.equal(text.slice(x.start, x.end), x.text)
      assert.equal(x.text, m.patternCount > x.pattern && ['fox', 'café', '😀', '👩‍👩‍👧', '𝒳'][x.pattern])
    }
    assert.equal(all[1].start, text.indexOf('😀'))
    assert.equal(all[5].start, text.lastIndexOf('fox'))
  })

  it('every operation reports the same UTF-16 offsets', () => {
    const want = triples(m.findAll(text))
    const scanned = []
    m.scan(text, (x) => { scanned.push(x) })
    assert.deepEqual(triples(scanned), want)
    assert.deepEqual(triples([...m.matches(text)]), want)
    assert.deepEqual(triples([m.find(text)]), want.slice(0, 1))
    const seen = []
    m.replaceWith(text, (x) => { seen.push(x); return x.text })
    assert.deepEqual(triples(seen), want)
  })

  it('overlapping matches (starts going backwards) convert correctly', () => {
    const o = new Matcher(['😀😀', '😀', 'é😀'], { matchKind: 'overlapping' })
    const t = 'aé😀😀é'
    const all = o.findAll(t)
    for (const x of all) assert.equal(t.slice(x.start, x.end), x.text)
    assert.deepEqual(all.map((x) => x.text), ['é😀', '😀', '😀😀', '😀'])
  })

  it('a lone surrogate counts as one unit (it is converted to U+FFFD)', () => {
    const t = 'a\uD800bc\uDC00fox'
    const f = new Matcher(['fox', 'bc']).findAll(t)
    assert.deepEqual(triples(f), [[1, 2, 4], [0, 5, 8]])
    assert.equal(new Matcher(['\uFFFD']).count(t), 2)
  })

  it('strings of every length around the conversion buffer sizes convert exactly', () => {
    const f = new Matcher(['fox', '😀', 'é'])
    for (let n = 490; n < 530; n++) {
      for (const tail of ['fox', '😀', 'é😀', '\uD800', 'xé']) {
        const t = 'a'.repeat(n) + tail + 'fox'
        const all = f.findAll(t)
        assert.equal(all[all.length - 1].start, t.length - 3, `length ${t.length}`)
        for (const x of all) assert.equal(t.slice(x.start, x.end), x.text)
        // Output strings are built from UTF-8: a lone surrogate comes back as U+FFFD.
        assert.equal(f.replaceWith(t, (x) => x.text), t.toWellFormed())
      }
    }
  })

  it('match text equals the haystack slice for every kind of pattern and option', () => {
    const t = 'a\uD800b \uFFFD c😀 Fox fox \uFFFD'
    const cases = [
      [['\uFFFD', 'fox', '😀'], undefined],
      [['\uFFFD', 'fox'], { matchKind: 'overlapping' }],
      [[Buffer.from('fox'), 'c😀'], undefined],
      [['FOX', 'fox'], { caseInsensitive: true }],
      [['f.x', '\uFFFD'], { syntax: 'regex' }],
      [['\uD800b', 'b'], undefined],
    ]
    for (const [patterns, opts] of cases) {
      const m = new Matcher(patterns, opts)
      const all = m.findAll(t)
      assert.ok(all.length > 0, JSON.stringify(patterns))
      for (const x of [...all, ...m.matches(t), m.find(t)]) assert.equal(x.text, t.slice(x.start, x.end))
      m.scan(t, (x) => { assert.equal(x.text, t.slice(x.start, x.end)) })
      if (!opts || opts.matchKind !== 'overlapping') {
        m.replaceWith(t, (x) => { assert.equal(x.text, t.slice(x.start, x.end)); return 'r' })
      }
    }
  })

  it('long strings (encoded in JavaScript) give the same results as short ones', () => {
    const f = new Matcher(['fox', '😀', 'é', '\uFFFD'])
    const unit = 'fox é😀 a\uD800 ok \uFFFD '
    for (const n of [2040, 2047, 2048, 2049, 4096, 5000, 100000]) {
      const t = unit.repeat(Math.ceil(n / unit.length)).slice(0, n)
      const bytes = Buffer.from(t) // lone surrogates become U+FFFD, as in the addon
      // Expected UTF-16 offsets, from the byte matches: one code unit per character,
      // two for characters of 4 bytes.
      const toUnits = (at) => bytes.subarray(0, at).toString().length
      const want = f.findAll(bytes).map((x) => [x.pattern, toUnits(x.start), toUnits(x.end)])
      assert.deepEqual(triples(f.findAll(t)), want, `findAll, length ${n}`)
      assert.deepEqual(triples([...f.matches(t)]), want, `matches, length ${n}`)
      const scanned = []
      f.scan(t, (x) => { scanned.push(x) })
      assert.deepEqual(triples(scanned), want, `scan, length ${n}`)
      assert.deepEqual(triples([f.find(t)]), want.slice(0, 1))
      assert.equal(f.count(t), want.length)
      assert.equal(f.isMatch(t), true)
      for (const x of scanned) assert.equal(x.text, t.slice(x.start, x.end))
      assert.equal(f.replaceAll(t, ['F', 'S', 'E', 'R']), f.replaceAll(bytes, ['F', 'S', 'E', 'R']).toString())
      assert.equal(f.replaceWith(t, (x) => `<${x.text}>`), f.replaceWith(bytes, (x) => `<${bytes.subarray(x.start, x.end)}>`).toString())
      const s = f.stream()
      const streamed = []
      s.on((x) => { streamed.push(x) })
      s.end(t)
      // Stream handlers get text decoded from the stream's UTF-8 bytes: a lone surrogate
      // reads as U+FFFD there.
      const wellFormed = f.findAll(t).map((x) => ({ ...x, text: x.text.toWellFormed() }))
      assert.deepEqual(streamed, wellFormed, `stream, length ${n}`)
    }
  })

  it('long strings in turn, ASCII or not, longer or shorter, reuse no stale bytes', () => {
    // Calls without callbacks encode long strings into one shared buffer: each must see
    // exactly its own bytes, and ASCII strings (offsets not converted) must not inherit
    // the conversion of the non-ASCII string before them.
    const f = new Matcher(['fox', 'é', 'dog'])
    const texts = ['é fox '.repeat(2000), 'a dog '.repeat(500), 'é fox '.repeat(3000), 'fox '.repeat(800), 'dog é '.repeat(900)]
    for (let round = 0; round < 2; round++) {
      for (const t of texts) {
        const bytes = Buffer.from(t)
        const toUnits = (at) => bytes.subarray(0, at).toString().length
        const want = f.findAll(bytes).map((x) => [x.pattern, toUnits(x.start), toUnits(x.end)])
        assert.deepEqual(triples(f.findAll(t)), want)
        for (const x of f.findAll(t)) assert.equal(x.text, t.slice(x.start, x.end))
        assert.deepEqual(triples([f.find(t)]), want.slice(0, 1))
        assert.equal(f.count(t), want.length)
        assert.equal(f.replaceAll(t, ['F', 'E', 'D']), f.replaceAll(bytes, ['F', 'E', 'D']).toString())
      }
    }
  })

  it('Latin-1 text, held by V8 one or two bytes per character, matches like its bytes', () => {
    // Every character from U+0080 to U+00FF, between keywords, in a string long enough to
    // be encoded in JavaScript; V8 keeps it one byte per character.
    let latin = ''
    for (let c = 0x80; c <= 0xff; c++) latin += String.fromCharCode(c) + ' fox '
    const f = new Matcher(['fox', 'ÿ', '\u00a0', 'é fox'])
    const check = (t) => {
      const bytes = Buffer.from(t)
      const toUnits = (at) => bytes.subarray(0, at).toString().length
      const want = f.findAll(bytes).map((x) => [x.pattern, toUnits(x.start), toUnits(x.end)])
      assert.ok(want.length > 128)
      assert.deepEqual(triples(f.findAll(t)), want)
      for (const x of f.findAll(t)) assert.equal(x.text, t.slice(x.start, x.end))
      const scanned = []
      f.scan(t, (x) => { scanned.push(x) })
      assert.deepEqual(triples(scanned), want)
      assert.equal(f.count(t), want.length)
      assert.equal(f.replaceAll(t, ['F', 'Y', 'N', 'E']), f.replaceAll(bytes, ['F', 'Y', 'N', 'E']).toString())
    }
    check(latin.repeat(8))
    // The same characters in a string V8 holds two bytes per character (a slice of a
    // string with a character above U+00FF).
    check(('\u0100' + latin.repeat(8)).slice(1))
    // Characters above U+00FF late (a surrogate pair, a lone surrogate) and early.
    check(latin.repeat(8) + '\u0100 fox 😀 fox \ud800 fox ÿ')
    check('\u0100' + latin.repeat(8))
  })

  it('a string longer than the shared encoding buffer allows is searched too', () => {
    // 64 MiB is the shared buffer's limit; longer strings get a buffer of their own.
    const big = 'a'.repeat(70 * 1024 * 1024) + 'fox'
    const f = new Matcher(['fox'])
    assert.equal(f.count(big), 1)
    assert.deepEqual(f.find(big), { pattern: 0, start: big.length - 3, end: big.length, text: 'fox' })
    assert.equal(f.count('é fox '.repeat(1000)), 1000)
  })

  it('ASCII text takes the same path as bytes', () => {
    const ascii = 'the fox and the dog'
    const a = new Matcher(['fox', 'dog'])
    assert.deepEqual(triples(a.findAll(ascii)), triples(a.findAll(Buffer.from(ascii))))
  })
})

describe('byte input: byte offsets', () => {
  const m = new Matcher(['fox', '😀'])
  const text = 'é 😀 fox'
  const buf = Buffer.from(text)

  it('Buffer input gives byte offsets and no text', () => {
    const all = m.findAll(buf)
    assert.deepEqual(triples(all), [[1, 3, 7], [0, 8, 11]])
    assert.deepEqual(Object.keys(all[0]).sort(), ['end', 'pattern', 'start'])
    assert.equal(buf.subarray(all[1].start, all[1].end).toString(), 'fox')
  })

  it('plain Uint8Arrays and subarray views work, offsets relative to the view', () => {
    const u8 = new Uint8Array(buf)
    assert.deepEqual(triples(m.findAll(u8)), [[1, 3, 7], [0, 8, 11]])
    const view = buf.subarray(3)
    assert.equal(view.byteOffset, buf.byteOffset + 3)
    assert.deepEqual(triples(m.findAll(view)), [[1, 0, 4], [0, 5, 8]])
    assert.deepEqual(m.find(view), { pattern: 1, start: 0, end: 4 })
  })

  it('reads the caller\'s memory in place (sees changes, no stale copy)', () => {
    const b = Buffer.from('xxx fox')
    assert.equal(m.count(b), 1)
    b.write('fox', 0)
    assert.equal(m.count(b), 2)
  })

  it('binary data with NUL and invalid UTF-8 is searched as bytes', () => {
    const bin = Buffer.from([0xff, 0x00, 0x66, 0x6f, 0x78, 0x00, 0xfe])
    assert.deepEqual(triples(m.findAll(bin)), [[0, 2, 5]])
    const nul = new Matcher([Buffer.from([0x00, 0x66])])
    assert.deepEqual(triples(nul.findAll(bin)), [[0, 1, 3]])
  })

  it('every operation agrees on byte input', () => {
    const want = triples(m.findAll(buf))
    const scanned = []
    m.scan(buf, (x) => { scanned.push(x) })
    assert.deepEqual(triples(scanned), want)
    assert.deepEqual(triples([...m.matches(buf)]), want)
    assert.equal(m.count(buf), 2)
    assert.equal(m.isMatch(buf), true)
    assert.equal(m.isMatch(Buffer.alloc(0)), false)
  })
})

describe('operations', () => {
  const m = new Matcher(['cat', 'dog'])

  it('find returns the first match or null', () => {
    assert.deepEqual(m.find('a dog and a cat'), { pattern: 1, start: 2, end: 5, text: 'dog' })
    assert.equal(m.find('nothing'), null)
    assert.equal(m.find(Buffer.from('nothing')), null)
  })

  it('findAll returns [] without matches; count and isMatch agree', () => {
    assert.deepEqual(m.findAll('nothing'), [])
    assert.equal(m.count('nothing'), 0)
    assert.equal(m.count('cat cat dog'), 3)
    assert.equal(m.isMatch('hotdog'), true)
  })

  it('findAll handles many matches (several batches)', () => {
    const big = 'cat dog '.repeat(5000)
    const all = m.findAll(big)
    assert.equal(all.length, 10000)
    assert.equal(m.count(big), 10000)
    let n = 0
    m.scan(big, () => { n++ })
    assert.equal(n, 10000)
    assert.equal([...m.matches(big)].length, 10000)
    assert.deepEqual(all[9999], { pattern: 1, start: 39996, end: 39999, text: 'dog' })
  })

  it('scan returns a report; false stops', () => {
    assert.deepEqual(m.scan('cat dog cat', () => {}), { matches: 3, stopped: false })
    const seen = []
    const r = m.scan('cat dog cat', (x) => { seen.push(x.text); return x.text !== 'dog' })
    assert.deepEqual(r, { matches: 2, stopped: true })
    assert.deepEqual(seen, ['cat', 'dog'])
    // Only false stops: other falsy values continue.
    assert.deepEqual(m.scan('cat dog cat', () => 0), { matches: 3, stopped: false })
  })

  it('matches() is a lazy iterable iterator', () => {
    const it = m.matches('cat dog')
    assert.equal(typeof it[Symbol.iterator], 'function')
    assert.equal(it[Symbol.iterator](), it)
    assert.deepEqual(it.next().value, { pattern: 0, start: 0, end: 3, text: 'cat' })
    assert.deepEqual(it.next().value, { pattern: 1, start: 4, end: 7, text: 'dog' })
    assert.equal(it.next().done, true)
  })

  it('matches() over bytes refuses a buffer detached during iteration', () => {
    const ab = new ArrayBuffer(400)
    const bytes = new Uint8Array(ab)
    bytes.set(Buffer.from('cat '.repeat(100)))
    const it = m.matches(bytes)
    assert.equal(it.next().value.pattern, 0)
    structuredClone(ab, { transfer: [ab] }) // detaches `ab`: its memory is gone
    assert.equal(bytes.length, 0)
    // The rest of the first batch (64 matches) was computed before; the next batch is not.
    const rest = []
    assert.throws(() => { for (const x of it) rest.push(x) }, (e) => e.code === ErrorCode.INVALID_ARGUMENT)
    assert.equal(rest.length, 63)
  })

  it('replaceAll with one replacement, a list, or bytes', () => {
    assert.equal(m.replaceAll('cat and dog', 'pet'), 'pet and pet')
    assert.equal(m.replaceAll('cat and dog', ['kitten', 'puppy']), 'kitten and puppy')
    assert.equal(m.replaceAll('cat and dog', [Buffer.from('🐈'), '🐕']), '🐈 and 🐕')
    const out = m.replaceAll(Buffer.from('cat and dog'), 'pet')
    assert.ok(Buffer.isBuffer(out))
    assert.equal(out.toString(), 'pet and pet')
    assert.equal(m.replaceAll('nothing here', 'x'), 'nothing here')
  })

  it('leftmost-longest replaceAll works like strtr', () => {
    const s = new Matcher(['a', 'ab', 'abc'], { matchKind: 'leftmost-longest' })
    assert.equal(s.replaceAll('ab a abc', ['1', '2', '3']), '2 1 3')
  })

  it('replaceWith uses the callback\'s string or bytes, and false stops', () => {
    assert.equal(m.replaceWith('cat and dog', (x) => x.text.toUpperCase()), 'CAT and DOG')
    assert.equal(m.replaceWith('cat and dog', (x) => x.pattern === 0 ? Buffer.from('😺') : new Uint8Array([0x44])), '😺 and D')
    const out = m.replaceWith(Buffer.from('cat and dog'), (x) => `<${x.start}-${x.end}>`)
    assert.ok(Buffer.isBuffer(out))
    assert.equal(out.toString(), '<0-3> and <8-11>')
    assert.equal(m.replaceWith('cat cat dog cat', (x) => x.pattern === 1 ? false : 'x'), 'x x dog cat')
    const t = '😀 cat 😀 dog'
    assert.equal(m.replaceWith(t, (x) => `[${t.slice(x.start, x.end)}@${x.start}]`), '😀 [cat@3] 😀 [dog@10]')
  })

  it('replaceWith copies Buffer input, so the callback may change it', () => {
    const b = Buffer.from('cat dog')
    const out = m.replaceWith(b, () => { b.fill(0x21); return 'x' })
    assert.equal(out.toString(), 'x x')
  })
})

describe('close', () => {
  it('is idempotent; use after close throws CLOSED', () => {
    const m = new Matcher(['a'])
    assert.equal(m.closed, false)
    m.close()
    m.close()
    assert.equal(m.closed, true)
    for (const call of [
      () => m.isMatch('a'), () => m.find('a'), () => m.findAll('a'), () => m.count('a'),
      () => m.scan('a', () => {}), () => m.matches('a'), () => m.replaceAll('a', 'b'),
      () => m.replaceWith('a', () => 'b'), () => m.stream(), () => m.patternCount, () => m.memoryUsage,
    ]) {
      throwsCode(call, ErrorCode.CLOSED)
    }
  })

  it('releases native objects (live-object counter)', () => {
    const before = liveObjects()
    const m = new Matcher(['a'])
    const s = m.stream()
    const id = s.on(() => {})
    const it = m.matches('a'.repeat(1000)) // more than one batch: the cursor stays open
    it.next()
    assert.equal(liveObjects(), before + 4)
    s.off(id)
    assert.equal(liveObjects(), before + 3)
    it.return()
    assert.equal(liveObjects(), before + 2)
    s.close()
    assert.equal(liveObjects(), before + 1)
    m.close()
    assert.equal(liveObjects(), before)
  })

  it('iterations and streams keep working after their matcher is closed', () => {
    const m = new Matcher(['a'])
    const it = m.matches('a a a')
    const s = m.stream()
    let n = 0
    s.on(() => { n++ })
    m.close()
    assert.equal([...it].length, 3)
    s.write('aa')
    s.end()
    assert.equal(n, 2)
  })
})
