'use strict'
// Regex features for rulesets written for other engines: the `asciiClasses` option,
// capture groups of a reported match (`captures`), group names (`groupNames`), and engine
// limits reported against the pattern at fault. Happy paths with string input (UTF-16
// offsets) and byte input (byte offsets), then every way to call them wrongly.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const v8 = require('node:v8')
const vm = require('node:vm')
const { Worker } = require('node:worker_threads')
const { Matcher, HayscanError, ErrorCode, liveObjects } = require('..')

function throwsCode (fn, code, patternIndex, what = '') {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof HayscanError, `${what}: expected a HayscanError, got ${e && e.stack}`)
    assert.equal(e.code, code, `${what}: ${e.message}`)
    assert.equal(e.patternIndex, patternIndex)
    assert.ok(e.message.length > 0)
    return true
  })
}

function spans (caps) {
  return caps.groups.map((g) => g && [g.start, g.end])
}

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')

// Collects the matchers earlier tests left to the garbage collector (Node runs native
// finalizers from the event loop), so that liveObjects() counts only what is in use.
async function settle () {
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
}

// A token rule with a named and an optional unnamed group, and one without groups.
const RULES = ['(?P<kind>ghp|gho)_(?P<token>[0-9a-z]{4})(-v\\d)?', 'key=\\d+']

describe('asciiClasses', () => {
  it('gives \\w \\d \\s \\b their ASCII meaning; Unicode is the default', () => {
    const text = 'héllo wörld ٣4 éfoo'
    const unicode = Matcher.regex(['\\w+'])
    const ascii = Matcher.regex(['\\w+'], { asciiClasses: true })
    assert.deepEqual(unicode.findAll(text).map((x) => x.text), ['héllo', 'wörld', '٣4', 'éfoo'])
    assert.deepEqual(ascii.findAll(text).map((x) => x.text), ['h', 'llo', 'w', 'rld', '4', 'foo'])
    assert.deepEqual(Matcher.regex(['\\d+'], { asciiClasses: true }).findAll(text).map((x) => x.text), ['4'])
    assert.deepEqual(Matcher.regex(['\\bfoo'], { asciiClasses: true }).findAll(text).map((x) => x.start), [text.length - 3])
    assert.equal(Matcher.regex(['\\bfoo']).count(text), 0)
    assert.equal(new Matcher(['\\w+'], { syntax: 'regex', asciiClasses: false }).count(text), 4)
  })

  it('keeps case folding Unicode-aware', () => {
    const m = Matcher.regex(['(?i)é\\w'], { asciiClasses: true })
    assert.deepEqual(m.findAll('Éa éb éé').map((x) => x.text), ['Éa', 'éb'])
  })

  it('is ignored by literal matchers', () => {
    assert.deepEqual(new Matcher(['\\w'], { asciiClasses: true }).findAll('a\\w').map((x) => x.text), ['\\w'])
  })

  it('must be a boolean', () => {
    for (const bad of ['yes', 1, {}]) {
      throwsCode(() => Matcher.regex(['a'], { asciiClasses: bad }), ErrorCode.INVALID_ARGUMENT)
    }
    assert.equal(Matcher.regex(['a'], { asciiClasses: undefined }).count('aa'), 2)
  })
})

describe('engine limits', () => {
  const big = 'pypi-AgEIcHlwaS5vcmc[\\w-]{50,1000}' // Unicode \w, 1,000 times: too large

  it('a pattern beyond an engine limit is INVALID_PATTERN with its index', () => {
    throwsCode(() => Matcher.regex(['abc', big]), ErrorCode.INVALID_PATTERN, 1)
    throwsCode(() => Matcher.regex([big, 'abc', 'def']), ErrorCode.INVALID_PATTERN, 0)
    throwsCode(() => Matcher.regex(['a', 'b', Buffer.from(big)]), ErrorCode.INVALID_PATTERN, 2)
    try {
      Matcher.regex(['abc', big])
    } catch (e) {
      assert.match(e.message, /limit|large|size/i, e.message)
    }
  })

  it('the same rule builds with asciiClasses', () => {
    const m = Matcher.regex(['abc', big], { asciiClasses: true })
    const token = 'pypi-AgEIcHlwaS5vcmc' + 'x'.repeat(50)
    assert.deepEqual(m.findAll(`${token} abc`).map((x) => [x.pattern, x.start, x.end]), [[1, 0, 70], [0, 71, 74]])
    m.close()
  })
})

describe('captures', () => {
  const m = Matcher.regex(RULES)
  // Astral characters before and between the matches: UTF-16 offsets differ from bytes.
  const text = '😀 ghp_ab12-v2 é gho_zz99 key=42 𝒳'

  it('gives every group of a string match, with UTF-16 offsets and text', () => {
    const [first, second, third] = m.findAll(text)
    const c1 = m.captures(text, first)
    assert.equal(c1.pattern, 0)
    assert.deepEqual(c1.groups.map((g) => g && g.text), ['ghp_ab12-v2', 'ghp', 'ab12', '-v2'])
    assert.deepEqual(spans(c1), [[3, 14], [3, 6], [7, 11], [11, 14]])
    for (const g of c1.groups) assert.equal(text.slice(g.start, g.end), g.text)
    assert.deepEqual(c1.groups[0], { start: first.start, end: first.end, text: first.text })
    assert.equal(c1.named.kind, c1.groups[1])
    assert.equal(c1.named.token, c1.groups[2])
    assert.deepEqual(Object.keys(c1.named), ['kind', 'token'])

    const c2 = m.captures(text, second)
    assert.deepEqual(c2.groups.map((g) => g && g.text), ['gho_zz99', 'gho', 'zz99', null])
    assert.equal(c2.groups[3], null, 'a group that took no part is null')

    const c3 = m.captures(text, third)
    assert.equal(c3.pattern, 1)
    assert.deepEqual(c3.groups, [{ start: third.start, end: third.end, text: 'key=42' }])
    assert.deepEqual({ ...c3.named }, {})
  })

  it('gives byte offsets and no text for Buffer and Uint8Array input', () => {
    const bytes = Buffer.from(text)
    const first = m.find(bytes)
    const c = m.captures(bytes, first)
    assert.deepEqual(spans(c), [[5, 16], [5, 8], [9, 13], [13, 16]])
    assert.deepEqual(c.groups[2], { start: 9, end: 13 })
    assert.equal(bytes.subarray(c.named.token.start, c.named.token.end).toString(), 'ab12')
    // A view: offsets relative to the view, as for matches.
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 5, bytes.length - 5)
    const inView = m.find(view)
    assert.deepEqual(spans(m.captures(view, inView)), [[0, 11], [0, 3], [4, 8], [8, 11]])
  })

  it('works with the matches of every operation', () => {
    const want = m.findAll(text).map((x) => spans(m.captures(text, x)))
    const scanned = []
    m.scan(text, (x) => { scanned.push(spans(m.captures(text, x))) }) // re-entrant
    assert.deepEqual(scanned, want)
    assert.deepEqual([...m.matches(text)].map((x) => spans(m.captures(text, x))), want)
    const replaced = m.replaceWith(text, (x) => m.captures(text, x).groups.at(-1)?.text ?? '?')
    assert.equal(replaced, '😀 -v2 é ? key=42 𝒳')
    // Plain objects with the right numbers are accepted: the match need not be ours.
    const at = text.indexOf('key=42')
    assert.deepEqual(spans(m.captures(text, { pattern: 1, start: at, end: at + 6 })), [[at, at + 6]])
  })

  it('long strings (encoded in JavaScript), ASCII or not, inside a scan of another long string', () => {
    for (const filler of ['a', 'é', '😀']) {
      const long = (filler.repeat(700) + ' ghp_abcd gho_wxyz-v1 key=7 ').repeat(10)
      const other = 'é'.repeat(3000) + ' key=12345'
      const otherMatch = m.find(other)
      assert.ok(long.length >= 2048)
      assert.equal(m.findAll(long).length, 30)
      const seen = []
      m.scan(long, (x) => {
        // Another long string in between: the scan's own bytes must stay intact.
        assert.equal(m.captures(other, otherMatch).groups[0].text, 'key=12345')
        const c = m.captures(long, x)
        for (const g of c.groups) if (g) assert.equal(long.slice(g.start, g.end), g.text)
        seen.push(c.groups.map((g) => g && g.text))
      })
      assert.deepEqual(seen.slice(0, 3), [['ghp_abcd', 'ghp', 'abcd', null], ['gho_wxyz-v1', 'gho', 'wxyz', '-v1'], ['key=7']])
      assert.equal(seen.length, 30)
    }
  })

  it('empty matches and matches at the very end', () => {
    const e = Matcher.regex(['(a*)(b)?$'])
    const t = 'é😀'
    const all = e.findAll(t)
    const last = all[all.length - 1]
    assert.deepEqual(spans(e.captures(t, last)), [[3, 3], [3, 3], null])
    assert.deepEqual(e.captures(t, last).groups[1], { start: 3, end: 3, text: '' })
  })

  it('a group may be called __proto__: named has no prototype', () => {
    const p = Matcher.regex(['(?P<__proto__>x)(?P<constructor>y)'])
    const c = p.captures('xy', p.find('xy'))
    assert.equal(Object.getPrototypeOf(c.named), null)
    assert.deepEqual(Object.keys(c.named), ['__proto__', 'constructor'])
    assert.equal(c.named.__proto__.text, 'x') // eslint-disable-line no-proto
    assert.equal(c.named.constructor.text, 'y')
  })
})

describe('groupNames', () => {
  it('lists each group\'s name or null, group 0 first', () => {
    const m = Matcher.regex(RULES)
    assert.deepEqual(m.groupNames(0), [null, 'kind', 'token', null])
    assert.deepEqual(m.groupNames(1), [null])
    // A fresh array each time: changing one changes nothing else.
    m.groupNames(0).push('x')
    assert.deepEqual(m.groupNames(0), [null, 'kind', 'token', null])
    assert.deepEqual(Object.keys(m.captures('ghp_abcd', m.find('ghp_abcd')).named), ['kind', 'token'])
  })

  it('works for patterns without a literal factor (residual patterns) too', () => {
    const m = Matcher.regex(['[a-z]{2}(?P<d>\\d)', '(?P<x>\\d+)-(?P<y>\\d+)'])
    assert.deepEqual(m.groupNames(1), [null, 'x', 'y'])
    const c = m.captures('12-345', m.find('12-345'))
    assert.deepEqual([c.named.x.text, c.named.y.text], ['12', '345'])
  })
})

describe('captures and groupNames: failure paths', () => {
  const text = 'say ghp_ab12 and key=1'

  it('a literal matcher is UNSUPPORTED', () => {
    const lit = new Matcher(['ghp_', 'key'])
    const found = lit.find(text)
    throwsCode(() => lit.captures(text, found), ErrorCode.UNSUPPORTED)
    throwsCode(() => lit.captures(Buffer.from(text), found), ErrorCode.UNSUPPORTED)
    throwsCode(() => lit.groupNames(0), ErrorCode.UNSUPPORTED)
    lit.close()
  })

  it('a closed matcher is CLOSED', () => {
    const m = Matcher.regex(RULES)
    const found = m.find(text)
    assert.equal(m.captures(text, found).pattern, 0) // fills the wrapper's name cache
    m.close()
    throwsCode(() => m.captures(text, found), ErrorCode.CLOSED)
    throwsCode(() => m.groupNames(0), ErrorCode.CLOSED)
  })

  it('a haystack that is not a string or Uint8Array is INVALID_ARGUMENT', () => {
    const m = Matcher.regex(RULES)
    const found = m.find(text)
    for (const bad of [42, null, undefined, {}, [], new Int16Array(4), new ArrayBuffer(4)]) {
      throwsCode(() => m.captures(bad, found), ErrorCode.INVALID_ARGUMENT)
    }
  })

  it('a match that is not a match object is INVALID_ARGUMENT', () => {
    const m = Matcher.regex(RULES)
    for (const bad of [undefined, null, 42, 'ghp_ab12', true]) {
      throwsCode(() => m.captures(text, bad), ErrorCode.INVALID_ARGUMENT)
    }
    const ok = { pattern: 0, start: 4, end: 12 }
    assert.equal(m.captures(text, ok).groups[0].text, 'ghp_ab12')
    for (const [key, bad] of [
      ['pattern', '0'], ['pattern', -1], ['pattern', 0.5], ['pattern', NaN], ['pattern', undefined],
      ['start', '4'], ['start', -4], ['start', 4.5], ['start', Infinity], ['start', 4n], ['start', null],
      ['end', '12'], ['end', 1e300], ['end', undefined], ['end', { valueOf: () => 12 }],
    ]) {
      throwsCode(() => m.captures(text, { ...ok, [key]: bad }), ErrorCode.INVALID_ARGUMENT)
    }
  })

  it('a pattern id beyond the list is INVALID_ARGUMENT', () => {
    const m = Matcher.regex(RULES)
    throwsCode(() => m.captures(text, { pattern: 2, start: 4, end: 12 }), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => m.captures(text, { pattern: 2 ** 32, start: 4, end: 12 }), ErrorCode.INVALID_ARGUMENT)
    for (const bad of [2, -1, 0.5, '0', null, undefined, NaN, '__proto__']) {
      throwsCode(() => m.groupNames(bad), ErrorCode.INVALID_ARGUMENT)
    }
    throwsCode(() => Matcher.regex([]).groupNames(0), ErrorCode.INVALID_ARGUMENT)
  })

  it('a match that did not come from this text is INVALID_ARGUMENT', () => {
    const m = Matcher.regex(RULES)
    const found = m.find(text)
    assert.deepEqual([found.start, found.end], [4, 12])
    for (const [what, hay, forged] of [
      ['another text', 'say ghp_zz!! and key=1', found],
      ['shifted', text, { ...found, start: 5, end: 13 }],
      ['too short', text, { ...found, end: 11 }],
      ['too long', text, { ...found, end: 13 }],
      ['another pattern', text, { ...found, pattern: 1 }],
      ['start after end', text, { ...found, start: 12, end: 4 }],
      ['beyond the text', text, { ...found, start: 30, end: 38 }],
      ['end beyond the text', text, { ...found, end: text.length + 1 }],
      ['an empty text', '', found],
    ]) {
      throwsCode(() => m.captures(hay, forged), ErrorCode.INVALID_ARGUMENT, undefined, what)
      throwsCode(() => m.captures(Buffer.from(hay), forged), ErrorCode.INVALID_ARGUMENT, undefined, what)
    }
    try {
      m.captures(text, { ...found, start: 5 })
    } catch (e) {
      assert.match(e.message, /not a match of this matcher/)
    }
  })

  it('offsets of a string match are not byte offsets (and the other way round)', () => {
    const m = Matcher.regex(RULES)
    const t = '😀😀 ghp_ab12'
    const inString = m.find(t)
    const inBytes = m.find(Buffer.from(t))
    assert.notDeepEqual([inString.start, inString.end], [inBytes.start, inBytes.end])
    throwsCode(() => m.captures(Buffer.from(t), inString), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => m.captures(t, inBytes), ErrorCode.INVALID_ARGUMENT)
  })

  it('an offset between the halves of a surrogate pair is INVALID_ARGUMENT', () => {
    const m = Matcher.regex(['.x'])
    const t = 'a😀x'
    const found = m.find(t)
    assert.deepEqual([found.start, found.end, found.text], [1, 4, '😀x'])
    throwsCode(() => m.captures(t, { ...found, start: 2 }), ErrorCode.INVALID_ARGUMENT)
    throwsCode(() => m.captures('😀', { pattern: 0, start: 1, end: 1 }), ErrorCode.INVALID_ARGUMENT)
  })

  it('failures leave the matcher usable and nothing live', () => {
    const before = liveObjects()
    const m = Matcher.regex(RULES)
    const found = m.find(text)
    for (let i = 0; i < 1000; i++) {
      assert.throws(() => m.captures(text, { ...found, start: 5 }))
      assert.throws(() => m.captures(42, found))
      assert.equal(m.captures(text, found).named.token.text, 'ab12')
    }
    assert.equal(liveObjects(), before + 1)
    m.close()
    assert.equal(liveObjects(), before)
  })
})

describe('workers', () => {
  it('asciiClasses, captures and their errors work in worker_threads', async () => {
    const patterns = [...RULES, '\\w+']
    const text = '😀 ghp_ab12-v2 é gho_zz99 key=42 𝒳 héllo'
    await settle()
    const before = liveObjects()
    const m = Matcher.regex(patterns, { asciiClasses: true })
    const want = m.findAll(text).map((x) => spans(m.captures(text, x)))
    m.close()
    assert.ok(want.some((groups) => groups.length === 4))
    const results = await Promise.all(Array.from({ length: 3 }, () => new Promise((resolve, reject) => {
      const w = new Worker(path.join(__dirname, 'fixtures', 'captures-worker.js'), { workerData: { patterns, text } })
      let message
      w.once('message', (r) => { message = r })
      w.once('error', reject)
      w.once('exit', (code) => code === 0 ? resolve(message) : reject(new Error(`worker exit ${code}`)))
    })))
    for (const r of results) {
      assert.deepEqual(r.spans, want)
      assert.deepEqual(r.names, [null, 'kind', 'token', null])
      assert.deepEqual(r.errors, [ErrorCode.INVALID_ARGUMENT, ErrorCode.UNSUPPORTED, ErrorCode.CLOSED])
    }
    await settle()
    assert.equal(liveObjects(), before, 'the workers closed everything')
  })
})
