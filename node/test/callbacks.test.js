'use strict'
// The boundary rules for callbacks: a throw stops the scan and reaches the caller as the
// same value; `false` stops; callbacks may re-enter the matcher (and close it); leaving an
// iteration early releases it.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const { Matcher, ErrorCode, liveObjects } = require('..')

const thrownValues = [new Error('boom'), new TypeError('typed'), 'a string', 42, null, undefined, { custom: true }]

function triples (matches) {
  return matches.map((x) => [x.pattern, x.start, x.end])
}

/** The UTF-16 offset of UTF-8 byte offset `at` in `text`. */
function units (text, at) {
  return Buffer.from(text).subarray(0, at).toString().length
}

function sameThrown (fn, value) {
  let caught = 'nothing was thrown'
  try {
    fn()
  } catch (e) {
    caught = e
  }
  assert.ok(Object.is(caught, value), `expected the very value thrown, got ${String(caught)}`)
}

describe('a throw inside a callback reaches the caller as the same value and stops', () => {
  const m = new Matcher(['a'])
  const inputs = ['a a a a', Buffer.from('a a a a')]

  for (const value of thrownValues) {
    it(`scan, throwing ${String(value)}`, () => {
      for (const hay of inputs) {
        let calls = 0
        sameThrown(() => m.scan(hay, () => { calls++; if (calls === 2) throw value }), value)
        assert.equal(calls, 2)
      }
    })

    it(`replaceWith, throwing ${String(value)}`, () => {
      for (const hay of inputs) {
        let calls = 0
        sameThrown(() => m.replaceWith(hay, () => { calls++; if (calls === 2) throw value; return 'x' }), value)
        assert.equal(calls, 2)
      }
    })

    it(`stream handler, throwing ${String(value)}`, () => {
      for (const hay of inputs) {
        const s = m.stream()
        let calls = 0
        let other = 0
        s.on(() => { calls++; if (calls === 2) throw value })
        s.on(() => { other++ })
        sameThrown(() => s.write(hay), value)
        assert.equal(calls, 2)
        assert.equal(other, 1, 'handlers after the throwing one are not called for that match')
        assert.equal(s.finished, true, 'a throwing handler finishes the stream')
        assert.throws(() => s.write(hay), (e) => e.code === ErrorCode.STREAM_FINISHED)
      }
    })

    it(`for...of over matches(), throwing ${String(value)}`, () => {
      const before = liveObjects()
      let calls = 0
      sameThrown(() => {
        for (const x of m.matches('a'.repeat(500))) {
          calls += x.end - x.start
          if (calls === 2) throw value
        }
      }, value)
      assert.equal(calls, 2)
      assert.equal(liveObjects(), before, 'the iteration was released')
    })
  }

  it('the stack of a thrown Error is the callback\'s', () => {
    const err = (() => { try { m.replaceWith('a', function replacer () { throw new Error('x') }) } catch (e) { return e } })()
    assert.match(err.stack, /replacer/)
  })

  it('the matcher is usable after a callback threw', () => {
    assert.throws(() => m.scan('aaa', () => { throw new Error('x') }))
    assert.throws(() => m.replaceWith('aaa', () => { throw new Error('x') }))
    assert.equal(m.count('aaa'), 3)
    assert.equal(m.replaceWith('aaa', () => 'b'), 'bbb')
  })
})

describe('returning false stops', () => {
  const m = new Matcher(['x'])

  it('scan', () => {
    let calls = 0
    assert.deepEqual(m.scan('xxxx', () => ++calls < 2 ? undefined : false), { matches: 2, stopped: true })
    assert.equal(calls, 2)
  })

  it('replaceWith keeps the stopping match and the rest', () => {
    let calls = 0
    assert.equal(m.replaceWith('x-x-x-x', () => ++calls < 3 ? 'y' : false), 'y-y-x-x')
  })

  it('a stream handler stops the stream', () => {
    const s = m.stream()
    let calls = 0
    s.on(() => ++calls < 2 ? true : false)
    assert.deepEqual(s.write('xxxx'), { matches: 2, stopped: true })
    assert.equal(s.finished, true)
    assert.throws(() => s.write('x'), (e) => e.code === ErrorCode.STREAM_FINISHED)
    assert.throws(() => s.end(), (e) => e.code === ErrorCode.STREAM_FINISHED)
  })

  it('break in for...of releases the iteration', () => {
    const before = liveObjects()
    let seen = 0
    for (const x of m.matches(Buffer.from('x'.repeat(1000)))) {
      seen += x.end - x.start
      if (seen === 10) break
    }
    assert.equal(seen, 10)
    assert.equal(liveObjects(), before)
  })
})

describe('callbacks may re-enter the matcher', () => {
  const m = new Matcher(['ab', 'cd'])

  it('scan inside scan, findAll, replaceAll, a new matcher', () => {
    const outer = []
    m.scan('ab cd', (x) => {
      const inner = []
      m.scan('cd ab cd', (y) => { inner.push(y.text) })
      outer.push([x.text, inner.join(','), m.count('abab'), m.replaceAll('ab', 'Z'), new Matcher(['b']).count('bb')])
    })
    assert.deepEqual(outer, [['ab', 'cd,ab,cd', 2, 'Z', 2], ['cd', 'cd,ab,cd', 2, 'Z', 2]])
  })

  it('replaceWith inside replaceWith', () => {
    const out = m.replaceWith('ab-cd', (x) => m.replaceWith(x.text + x.text, (y) => y.text.toUpperCase()))
    assert.equal(out, 'ABAB-CDCD')
  })

  it('a stream handler uses the matcher and another stream', () => {
    const s = m.stream()
    const seen = []
    s.on((x) => {
      const t = m.stream()
      t.on((y) => { seen.push(`${x.text}:${y.text}`) })
      t.end(x.text + '|' + m.replaceAll(x.text, ['cd', 'ab']))
    })
    s.end('ab cd')
    assert.deepEqual(seen, ['ab:ab', 'ab:cd', 'cd:cd', 'cd:ab'])
  })

  it('closing the matcher inside a callback: the running operation completes', () => {
    const c = new Matcher(['q'])
    let n = 0
    assert.deepEqual(c.scan('q'.repeat(300), () => { n++; c.close() }), { matches: 300, stopped: false })
    assert.equal(n, 300)
    assert.throws(() => c.count('q'), (e) => e.code === ErrorCode.CLOSED)
    const d = new Matcher(['q'])
    assert.equal(d.replaceWith('qqq', () => { d.close(); return 'r' }), 'rrr')
    assert.equal(d.closed, true)
  })

  it('callbacks searching other long strings do not disturb the running search', () => {
    // Long strings are encoded to UTF-8 in JavaScript; calls without callbacks share one
    // encoding buffer, so the running scan, iteration, replaceWith and stream must each
    // have their own bytes while the callback uses the shared one.
    const w = new Matcher(['fox', 'é', 'dog'])
    const outerText = 'a fox é '.repeat(700) // non-ASCII, 5,600 units
    const other = 'the dog '.repeat(1000) // ASCII, encoded into the shared buffer
    const want = triples(w.findAll(Buffer.from(outerText))).map(([p, s, e]) => [p, units(outerText, s), units(outerText, e)])
    assert.equal(want.length, 1400)
    const check = () => {
      assert.equal(w.count(other), 1000)
      assert.deepEqual(w.find(other), { pattern: 2, start: 4, end: 7, text: 'dog' })
      assert.equal(w.findAll(other).length, 1000)
    }
    const scanned = []
    w.scan(outerText, (x) => { check(); scanned.push(x) })
    assert.deepEqual(triples(scanned), want)
    for (const x of scanned) assert.equal(x.text, outerText.slice(x.start, x.end))
    const iterated = []
    for (const x of w.matches(outerText)) { check(); iterated.push(x) }
    assert.deepEqual(triples(iterated), want)
    const replaced = w.replaceWith(outerText, (x) => { check(); return `<${x.text}>` })
    assert.equal(replaced, outerText.replaceAll(/fox|é/g, (t) => `<${t}>`))
    const s = w.stream()
    const streamed = []
    s.on((x) => { check(); streamed.push(x) })
    s.end(outerText)
    assert.deepEqual(triples(streamed), want)
  })

  it('the haystack string may be shadowed or rebuilt by the callback without effect', () => {
    let hay = 'ab cd ab'
    const texts = []
    m.scan(hay, (x) => { texts.push(x.text); hay = 'zz' })
    assert.deepEqual(texts, ['ab', 'cd', 'ab'])
  })
})
