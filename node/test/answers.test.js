'use strict'
// Answers without a match object per match (countByPattern, matchingPatterns,
// firstMatchPerPattern, findAllColumns, isMatchMany, countMany, findMany) and the options
// of issues 14/15 (wholeWords, maxRepetition, maxRegexStates): happy paths with string
// (UTF-16) and byte input, every failure path, and nothing left live.

const { describe, it, afterEach, beforeEach } = require('node:test')
const assert = require('node:assert/strict')
const { Matcher, HayscanError, liveObjects } = require('..')

function throwsCode (fn, code, patternIndex) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof HayscanError, `expected a HayscanError, got ${e && e.stack}`)
    assert.equal(e.code, code, e.message)
    assert.equal(e.patternIndex, patternIndex)
    return true
  })
}

function triples (list) {
  return list.map((m) => m && [m.pattern, m.start, m.end])
}

let baseline
beforeEach(() => { baseline = liveObjects() })
afterEach(() => { assert.equal(liveObjects(), baseline, 'live objects back to the start') })

const PATTERNS = ['apple', 'pie', '🍌', 'absent']
// 🍌 is two UTF-16 units and four UTF-8 bytes; é two bytes, one unit.
const TEXT = 'apple pie, 🍌 é apple'
const BYTES = Buffer.from(TEXT)

describe('per-pattern answers', () => {
  it('countByPattern: a Float64Array indexed by pattern id', () => {
    const m = new Matcher(PATTERNS)
    for (const hay of [TEXT, BYTES]) {
      const counts = m.countByPattern(hay)
      assert.ok(counts instanceof Float64Array)
      assert.deepEqual(Array.from(counts), [2, 1, 1, 0])
    }
    assert.deepEqual(Array.from(m.countByPattern('')), [0, 0, 0, 0])
    // A long string (encoded in JavaScript) gives the same counts.
    assert.deepEqual(Array.from(m.countByPattern(TEXT.repeat(500))), [1000, 500, 500, 0])
    m.close()
  })

  it('answers follow the match kind: a hidden occurrence does not count', () => {
    const first = new Matcher(['abc', 'b'])
    assert.deepEqual(Array.from(first.countByPattern('abc b')), [1, 1])
    assert.deepEqual(Array.from(first.countByPattern('abc')), [1, 0])
    assert.deepEqual(Array.from(first.matchingPatterns('abc')), [0])
    first.close()
    const over = new Matcher(['abc', 'b'], { matchKind: 'overlapping' })
    assert.deepEqual(Array.from(over.countByPattern('abc')), [1, 1])
    assert.deepEqual(Array.from(over.matchingPatterns('abc')), [0, 1])
    over.close()
  })

  it('matchingPatterns: sorted distinct ids as a Uint32Array', () => {
    const m = new Matcher(['zeta', 'alpha', 'beta'])
    const ids = m.matchingPatterns('beta zeta beta zeta')
    assert.ok(ids instanceof Uint32Array)
    assert.deepEqual(Array.from(ids), [0, 2])
    assert.deepEqual(Array.from(m.matchingPatterns(Buffer.from('alpha'))), [1])
    assert.equal(m.matchingPatterns('nothing').length, 0)
    m.close()
  })

  it('firstMatchPerPattern: the first match of each pattern or null, offsets as findAll', () => {
    const m = new Matcher(PATTERNS)
    const inText = m.firstMatchPerPattern(TEXT)
    assert.deepEqual(triples(inText), [[0, 0, 5], [1, 6, 9], [2, 11, 13], null])
    assert.deepEqual(inText.slice(0, 3).map((x) => x.text), ['apple', 'pie', '🍌'])
    const inBytes = m.firstMatchPerPattern(BYTES)
    assert.deepEqual(triples(inBytes), [[0, 0, 5], [1, 6, 9], [2, 11, 15], null])
    assert.equal(inBytes[0].text, undefined)
    // Non-ASCII before the first match of a later-listed pattern, long (JS-encoded) input.
    const long = 'é😀'.repeat(2000) + ' pie apple'
    assert.deepEqual(triples(m.firstMatchPerPattern(long)), [[0, 6005, 6010], [1, 6001, 6004], null, null])
    assert.deepEqual(m.firstMatchPerPattern(long).slice(0, 2).map((x) => x.text), ['apple', 'pie'])
    m.close()
  })

  it('firstMatchPerPattern of a case-insensitive set carries the haystack text', () => {
    const m = new Matcher(['été'], { caseInsensitive: true })
    assert.deepEqual(m.firstMatchPerPattern('un ÉTÉ').map((x) => x.text), ['ÉTÉ'])
    m.close()
  })
})

describe('findAllColumns', () => {
  it('three typed arrays equal to findAll, string and byte offsets', () => {
    const m = new Matcher(PATTERNS)
    for (const hay of [TEXT, BYTES, TEXT.repeat(300)]) {
      const cols = m.findAllColumns(hay)
      assert.ok(cols.pattern instanceof Uint32Array)
      assert.ok(cols.start instanceof Float64Array)
      assert.ok(cols.end instanceof Float64Array)
      assert.deepEqual(Object.keys(cols), ['pattern', 'start', 'end'])
      const all = m.findAll(hay)
      assert.equal(cols.pattern.length, all.length)
      assert.deepEqual(Array.from(cols.pattern, (p, i) => [p, cols.start[i], cols.end[i]]), triples(all))
    }
    const bytes = m.findAllColumns(BYTES)
    assert.deepEqual(Array.from(bytes.end), [5, 9, 15, 24])
    const none = m.findAllColumns('nothing here')
    assert.deepEqual([none.pattern.length, none.start.length, none.end.length], [0, 0, 0])
    m.close()
  })

  it('columns of overlapping matches in non-ASCII text (offsets that move backwards)', () => {
    const m = new Matcher(['é😀', '😀b', 'é😀b', 'b'], { matchKind: 'overlapping' })
    const hay = 'aé😀b '.repeat(1000) + 'x😀b'
    for (const input of [hay, Buffer.from(hay)]) {
      const cols = m.findAllColumns(input)
      assert.deepEqual(Array.from(cols.pattern, (p, i) => [p, cols.start[i], cols.end[i]]), triples(m.findAll(input)))
    }
    m.close()
  })

  it('regex sets give columns too', () => {
    const m = Matcher.regex(['[0-9]+', 'é+'])
    const cols = m.findAllColumns('a 12 éé 3')
    assert.deepEqual(Array.from(cols.pattern), [0, 1, 0])
    assert.deepEqual(Array.from(cols.start), [2, 5, 8])
    assert.deepEqual(Array.from(cols.end), [4, 7, 9])
    m.close()
  })
})

describe('many inputs in one call', () => {
  const inputs = ['an apple', '', Buffer.from('🍌 pie'), 'nothing', new Uint8Array(Buffer.from('apple apple'))]

  it('isMatchMany: boolean[] in input order', () => {
    const m = new Matcher(PATTERNS)
    assert.deepEqual(m.isMatchMany(inputs), [true, false, true, false, true])
    assert.deepEqual(m.isMatchMany([]), [])
    m.close()
  })

  it('countMany: number[] in input order', () => {
    const m = new Matcher(PATTERNS)
    assert.deepEqual(m.countMany(inputs), [1, 0, 2, 0, 2])
    assert.deepEqual(m.countMany([]), [])
    m.close()
  })

  it('findMany: one list of matches per input, offsets relative to each input', () => {
    const m = new Matcher(PATTERNS)
    const got = m.findMany(['🍌 pie', Buffer.from('🍌 pie'), '', 'apple'])
    assert.deepEqual(got, [
      [{ pattern: 2, start: 0, end: 2, text: '🍌' }, { pattern: 1, start: 3, end: 6, text: 'pie' }],
      [{ pattern: 2, start: 0, end: 4 }, { pattern: 1, start: 5, end: 8 }],
      [],
      [{ pattern: 0, start: 0, end: 5, text: 'apple' }],
    ])
    assert.deepEqual(m.findMany([]), [])
    m.close()
  })

  it('the _many forms agree with the one-input calls on every input', () => {
    const m = new Matcher(['he', 'she', 'his', 'hers'], { matchKind: 'overlapping' })
    const list = ['ushers', 'his', Buffer.from('she is hers'), 'é'.repeat(3000) + 'hers']
    assert.deepEqual(m.isMatchMany(list), list.map((h) => m.isMatch(h)))
    assert.deepEqual(m.countMany(list), list.map((h) => m.count(h)))
    assert.deepEqual(m.findMany(list), list.map((h) => m.findAll(h)))
    m.close()
  })

  it('lists of strings agree with per-input calls, whatever the text (lone surrogates, pairs split across inputs)', () => {
    const m = new Matcher(['é', 'ab', '😀', '\uFFFD', 'b'])
    const cases = [
      ['ab', 'xab', 'no', 'é', 'b', ''],
      ['😀ab', 'é😀é', 'plain', 'ab'.repeat(3000), 'ééé b'],
      // A pair formed across two strings: each half alone is a lone surrogate (U+FFFD).
      ['x\uD83D', '\uDE00x', 'ab', 'b', 'é'],
      // Lone surrogates inside strings.
      ['\uD800ab', 'a\uDC00b', 'ab', 'é', '\uD83D'],
      new Array(1000).fill('ab b é 😀'),
    ]
    for (const list of cases) {
      assert.deepEqual(m.isMatchMany(list), list.map((h) => m.isMatch(h)), JSON.stringify(list).slice(0, 60))
      assert.deepEqual(m.countMany(list), list.map((h) => m.count(h)), JSON.stringify(list).slice(0, 60))
    }
    assert.deepEqual(m.countMany(['x\uD83D', '\uDE00x', 'ab', 'b']), [1, 1, 1, 1])
    m.close()
  })

  it('a list of strings with a non-string element still throws INVALID_ARGUMENT', () => {
    const m = new Matcher(['a'])
    throwsCode(() => m.isMatchMany(['a', 'b', 'c', 'd', 5]), 'INVALID_ARGUMENT')
    throwsCode(() => m.countMany(['a', 'b', 'c', 'd', null]), 'INVALID_ARGUMENT')
    m.close()
    throwsCode(() => m.countMany(['a', 'b', 'c', 'd']), 'CLOSED')
  })

  it('an element read through a getter is read once', () => {
    const m = new Matcher(['a'])
    let reads = 0
    const list = ['a']
    Object.defineProperty(list, 1, { enumerable: true, get () { reads++; return reads === 1 ? 'aa' : 42 } })
    assert.deepEqual(triples(m.findMany(list)[1]), [[0, 0, 1], [0, 1, 2]])
    assert.equal(reads, 1)
    m.close()
  })

  it('no callback of the caller runs', () => {
    const m = new Matcher(['a'])
    // A string object is not a string: refused, its toString is never called.
    let called = false
    const boxed = { toString () { called = true; return 'a' } }
    throwsCode(() => m.countMany([boxed]), 'INVALID_ARGUMENT')
    assert.equal(called, false)
    m.close()
  })
})

describe('failure paths', () => {
  it('non-list inputs and elements of the wrong type throw INVALID_ARGUMENT', () => {
    const m = new Matcher(['a'])
    for (const fn of ['isMatchMany', 'countMany', 'findMany']) {
      for (const bad of ['a', Buffer.from('a'), 42, null, undefined, { length: 1, 0: 'a' }, new Set(['a'])]) {
        throwsCode(() => m[fn](bad), 'INVALID_ARGUMENT')
      }
      for (const bad of [['a', 1], [null], [undefined], [new Uint16Array(2)], [['a']], [{}]]) {
        assert.throws(() => m[fn](bad), (e) => {
          assert.ok(e instanceof HayscanError)
          assert.equal(e.code, 'INVALID_ARGUMENT')
          assert.match(e.message, /inputs\[\d\] must be a string or a Uint8Array/)
          return true
        })
      }
    }
    m.close()
  })

  it('a wrong haystack type throws INVALID_ARGUMENT', () => {
    const m = new Matcher(['a'])
    for (const fn of ['countByPattern', 'matchingPatterns', 'firstMatchPerPattern', 'findAllColumns']) {
      for (const bad of [42, null, undefined, {}, ['a'], new Float64Array(1)]) {
        throwsCode(() => m[fn](bad), 'INVALID_ARGUMENT')
      }
    }
    m.close()
  })

  it('a closed matcher throws CLOSED from every answer', () => {
    const m = new Matcher(['a'])
    m.close()
    for (const call of [
      () => m.countByPattern('a'), () => m.matchingPatterns('a'), () => m.firstMatchPerPattern('a'),
      () => m.findAllColumns('a'), () => m.isMatchMany(['a']), () => m.countMany(['a']),
      () => m.findMany(['a']), () => m.isMatchMany([]),
    ]) {
      throwsCode(call, 'CLOSED')
    }
  })
})

describe('options: wholeWords, maxRepetition, maxRegexStates', () => {
  it('wholeWords matches whole words only, in every API', () => {
    const m = new Matcher(['cat', 'dog'], { wholeWords: true })
    const hay = 'cat concat dog_ dog, catalog cat.'
    assert.deepEqual(triples(m.findAll(hay)), [[0, 0, 3], [1, 16, 19], [0, 29, 32]])
    assert.deepEqual(Array.from(m.countByPattern(hay)), [2, 1])
    assert.deepEqual(m.countMany([hay, 'concat']), [3, 0])
    const cols = m.findAllColumns(Buffer.from(hay))
    assert.deepEqual(Array.from(cols.start), [0, 16, 29])
    m.close()
  })

  it('wholeWords: Unicode word characters by default, ASCII ones with asciiClasses', () => {
    const uni = new Matcher(['cafe'], { wholeWords: true })
    assert.equal(uni.count('cafeé cafe'), 1)
    uni.close()
    const ascii = new Matcher(['cafe'], { wholeWords: true, asciiClasses: true })
    assert.equal(ascii.count('cafeé cafe'), 2)
    ascii.close()
  })

  it('wholeWords in a stream across chunks', () => {
    const m = new Matcher(['ab'], { wholeWords: true })
    const s = m.stream()
    const got = []
    s.on((x) => { got.push([x.start, x.end]) })
    for (const chunk of ['a', 'b a', 'bc ab', '']) s.write(chunk)
    s.end()
    assert.deepEqual(got, [[0, 2], [7, 9]])
    m.close()
  })

  it('wholeWords refuses an empty pattern (INVALID_PATTERN) and regex syntax (UNSUPPORTED)', () => {
    throwsCode(() => new Matcher(['a', ''], { wholeWords: true }), 'INVALID_PATTERN', 1)
    throwsCode(() => Matcher.regex(['a'], { wholeWords: true }), 'UNSUPPORTED')
    // false is the default and changes nothing.
    const m = Matcher.regex(['a'], { wholeWords: false })
    assert.equal(m.count('aa'), 2)
    m.close()
  })

  it('maxRepetition and maxRegexStates bound regexes, with the index of the pattern at fault', () => {
    throwsCode(() => Matcher.regex(['x', 'a{1001}']), 'INVALID_PATTERN', 1)
    const big = Matcher.regex(['a{1001}'], { maxRepetition: 2000 })
    assert.equal(big.count('a'.repeat(2001)), 1)
    big.close()
    throwsCode(() => Matcher.regex(['a{5}'], { maxRepetition: 4 }), 'INVALID_PATTERN', 0)
    throwsCode(() => Matcher.regex(['b', '(?:[ab]{100}){10}'], { maxRegexStates: 500 }), 'INVALID_PATTERN', 1)
    const ok = Matcher.regex(['(?:[ab]{100}){10}'], { maxRegexStates: 100000 })
    assert.equal(ok.count('ab'.repeat(600)), 1)
    ok.close()
    // Literal sets ignore both.
    const lit = new Matcher(['a{5}'], { maxRepetition: 1, maxRegexStates: 1 })
    assert.equal(lit.count('a{5}'), 1)
    lit.close()
  })

  it('bad option values throw INVALID_ARGUMENT', () => {
    for (const options of [
      { wholeWords: 'yes' }, { wholeWords: 1 }, { maxRepetition: -1 }, { maxRepetition: 1.5 },
      { maxRepetition: 2 ** 32 }, { maxRepetition: '10' }, { maxRegexStates: 0 },
      { maxRegexStates: 2.5 }, { maxRegexStates: null }, { wholeWord: true }, { maxRepetitions: 3 },
    ]) {
      throwsCode(() => new Matcher(['a'], options), 'INVALID_ARGUMENT')
    }
  })
})
