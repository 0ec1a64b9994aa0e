'use strict'
// Streams: handler registration and removal (also from inside handlers), filters,
// absolute offsets for bytes and strings (surrogate pairs split across chunks), end/close,
// the Transform and async-iterator helpers.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const { Readable } = require('node:stream')
const { pipeline } = require('node:stream/promises')
const { Matcher, MatchStream, ErrorCode, liveObjects } = require('..')

function triples (list) {
  return list.map((m) => [m.pattern, m.start, m.end])
}

function codeIs (code) {
  return (e) => e.code === code
}

describe('handlers', () => {
  const m = new Matcher(['cat', 'dog', 'bird'])

  it('on returns increasing ids; off removes; unknown ids give false', () => {
    const s = m.stream()
    assert.ok(s instanceof MatchStream)
    const a = s.on(() => {})
    const b = s.on(() => {})
    assert.equal(typeof a, 'number')
    assert.ok(b > a)
    assert.equal(s.handlerCount, 2)
    assert.equal(s.off(a), true)
    assert.equal(s.off(a), false)
    assert.equal(s.off(12345), false)
    assert.equal(s.off(-1), false)
    assert.equal(s.off(1.5), false)
    assert.equal(s.handlerCount, 1)
    s.close()
  })

  it('a removed handler is not called again', () => {
    const s = m.stream()
    const seen = []
    const id = s.on((x) => { seen.push(x.text) })
    s.write('cat ')
    s.off(id)
    s.write('dog ')
    s.end()
    assert.deepEqual(seen, ['cat'])
  })

  it('filters by pattern id', () => {
    const s = m.stream()
    const all = []
    const birds = []
    const pets = []
    s.on((x) => { all.push(x.pattern) })
    s.on((x) => { birds.push(x.pattern) }, { patterns: [2] })
    s.on((x) => { pets.push(x.pattern) }, { patterns: [1, 0, 0] })
    s.end('bird cat dog bird')
    assert.deepEqual(all, [2, 0, 1, 2])
    assert.deepEqual(birds, [2, 2])
    assert.deepEqual(pets, [0, 1])
  })

  it('refuses bad handlers and pattern ids', () => {
    const s = m.stream()
    assert.throws(() => s.on('nope'), codeIs(ErrorCode.INVALID_ARGUMENT))
    assert.throws(() => s.on(() => {}, { patterns: [3] }), codeIs(ErrorCode.INVALID_ARGUMENT))
    assert.throws(() => s.on(() => {}, { patterns: [-1] }), codeIs(ErrorCode.INVALID_ARGUMENT))
    assert.throws(() => s.on(() => {}, { patterns: [0.5] }), codeIs(ErrorCode.INVALID_ARGUMENT))
    assert.equal(s.handlerCount, 0)
    s.close()
  })

  it('handlers run in registration order', () => {
    const s = m.stream()
    const order = []
    s.on(() => { order.push('first') })
    s.on(() => { order.push('second') })
    s.end('cat')
    assert.deepEqual(order, ['first', 'second'])
  })

  it('a handler may remove itself', () => {
    const s = m.stream()
    const seen = []
    const id = s.on((x) => { seen.push(x.text); assert.equal(s.off(id), true) })
    s.end('cat dog bird')
    assert.deepEqual(seen, ['cat'])
  })

  it('a handler may remove a later handler: it is skipped for the current match', () => {
    const s = m.stream()
    const seen = []
    s.on(() => { s.off(later) })
    const later = s.on((x) => { seen.push(x.text) })
    s.end('cat dog')
    assert.deepEqual(seen, [])
  })

  it('a handler added during a dispatch receives matches from the next one', () => {
    const s = m.stream()
    const seen = []
    let added = false
    s.on(() => {
      if (!added) {
        added = true
        s.on((x) => { seen.push(x.text) })
      }
    })
    s.end('cat dog bird')
    assert.deepEqual(seen, ['dog', 'bird'])
  })

  it('handler references are released by off, end and close', () => {
    const before = liveObjects()
    const s = m.stream()
    const ids = [s.on(() => {}), s.on(() => {}), s.on(() => {})]
    assert.equal(liveObjects(), before + 4)
    s.off(ids[0])
    assert.equal(liveObjects(), before + 3)
    s.end()
    assert.equal(liveObjects(), before)
    const t = m.stream()
    t.on(() => {})
    t.close()
    assert.equal(liveObjects(), before)
  })
})

describe('write, end, close', () => {
  const m = new Matcher(['needle'])

  it('matches straddling chunks have absolute byte offsets', () => {
    const hay = Buffer.from('haystack with a needle in it, needle')
    for (const size of [1, 2, 3, 5, 7, 100]) {
      const s = m.stream()
      const got = []
      s.on((x) => { got.push(x) })
      for (let i = 0; i < hay.length; i += size) s.write(hay.subarray(i, i + size))
      s.end()
      assert.deepEqual(triples(got), [[0, 16, 22], [0, 30, 36]], `chunk size ${size}`)
      assert.equal(got[0].text, undefined, 'byte streams give no text')
    }
  })

  it('write and end return what they delivered', () => {
    const s = m.stream()
    s.on(() => {})
    assert.deepEqual(s.write('a needle and a nee'), { matches: 1, stopped: false })
    assert.deepEqual(s.write('dle'), { matches: 1, stopped: false })
    assert.deepEqual(s.end(), { matches: 0, stopped: false })
  })

  it('end(chunk) writes the chunk first', () => {
    const s = m.stream()
    const got = []
    s.on((x) => { got.push(x.start) })
    s.write('needle ')
    assert.deepEqual(s.end('needle'), { matches: 1, stopped: false })
    assert.deepEqual(got, [0, 7])
  })

  it('string chunks give UTF-16 offsets and text, across split surrogate pairs', () => {
    const e = new Matcher(['😀', 'é😀x', 'needle'])
    const text = 'aé😀x 😀 needle 😀'
    const want = e.findAll(text)
    for (const size of [1, 2, 3, 4]) {
      const s = e.stream()
      const got = []
      s.on((x) => { got.push(x) })
      for (let i = 0; i < text.length; i += size) s.write(text.slice(i, i + size))
      s.end()
      assert.deepEqual(got, want, `chunk size ${size} (UTF-16 units)`)
      assert.equal(s.position, text.length)
    }
  })

  it('position counts units written', () => {
    const s = m.stream()
    s.write('ab')
    s.write('\uD83D') // held back until the pair is complete
    assert.equal(s.position, 3)
    s.write('\uDE00')
    assert.equal(s.position, 4)
    const b = m.stream()
    b.write(Buffer.from('😀'))
    assert.equal(b.position, 4)
    s.close()
    b.close()
  })

  it('a lone high surrogate at the end is flushed as U+FFFD', () => {
    const r = new Matcher(['\uFFFD'])
    const s = r.stream()
    const got = []
    s.on((x) => { got.push([x.start, x.end, x.text]) })
    s.write('ab\uD800')
    s.end()
    assert.deepEqual(got, [[2, 3, '\uFFFD']])
  })

  it('a stream takes strings or bytes, not both', () => {
    const s = m.stream()
    s.write('text')
    assert.throws(() => s.write(Buffer.from('bytes')), codeIs(ErrorCode.INVALID_ARGUMENT))
    const b = m.stream()
    b.write(Buffer.from('bytes'))
    assert.throws(() => b.write('text'), codeIs(ErrorCode.INVALID_ARGUMENT))
    assert.throws(() => b.write(42), codeIs(ErrorCode.INVALID_ARGUMENT))
    s.close()
    b.close()
  })

  it('after end, writes fail with STREAM_FINISHED', () => {
    const s = m.stream()
    s.end()
    assert.equal(s.finished, true)
    assert.throws(() => s.write('x'), codeIs(ErrorCode.STREAM_FINISHED))
    assert.throws(() => s.end(), codeIs(ErrorCode.STREAM_FINISHED))
    assert.throws(() => s.on(() => {}), codeIs(ErrorCode.STREAM_FINISHED))
  })

  it('close is idempotent; after it, calls fail with CLOSED', () => {
    const s = m.stream()
    s.on(() => {})
    s.close()
    s.close()
    assert.equal(s.finished, true)
    assert.equal(s.handlerCount, 0)
    assert.throws(() => s.write('x'), codeIs(ErrorCode.CLOSED))
    assert.throws(() => s.end(), codeIs(ErrorCode.CLOSED))
    assert.throws(() => s.on(() => {}), codeIs(ErrorCode.CLOSED))
  })

  it('a handler may close its stream: the write stops', () => {
    const before = liveObjects()
    const s = m.stream()
    let calls = 0
    s.on(() => { calls++; s.close() })
    s.write('needle needle needle')
    assert.equal(calls, 1)
    assert.equal(s.finished, true)
    assert.equal(liveObjects(), before)
  })

  it('write from inside a handler of the same stream is BUSY; other streams are fine', () => {
    const s = m.stream()
    const errors = []
    let inner = 0
    s.on(() => {
      try {
        s.write('needle')
      } catch (e) {
        errors.push(e.code)
      }
      const t = m.stream()
      t.on(() => { inner++ })
      t.end('needle')
    })
    s.write('needle needle')
    s.end()
    assert.deepEqual(errors, [ErrorCode.BUSY, ErrorCode.BUSY])
    assert.equal(inner, 2)
  })

  it('regex streams scan line by line', () => {
    const r = Matcher.regex(['^\\w+$', 'b c'])
    const s = r.stream()
    const got = []
    s.on((x) => { got.push(x.text) })
    for (const ch of 'one\nb c\ntwo') s.write(ch)
    s.end()
    assert.deepEqual(got, ['one', 'b c', 'two'])
  })

  it('overlapping literal streams report every match', () => {
    const o = new Matcher(['he', 'she', 'his', 'hers'], { matchKind: 'overlapping' })
    const hay = 'ushers and hishers'
    const s = o.stream()
    const got = []
    s.on((x) => { got.push(x) })
    for (const ch of hay) s.write(ch)
    s.end()
    assert.deepEqual(got, o.findAll(hay))
  })
})

describe('Node stream helpers', () => {
  const m = new Matcher(['needle', 'pin'])
  const chunks = ['hay needle hay pi', 'n hay nee', 'dle']

  it('createTransform turns a byte stream into match objects', async () => {
    const got = []
    await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), m.createTransform(), async function (source) {
      for await (const x of source) got.push(x)
    })
    assert.deepEqual(triples(got), [[0, 4, 10], [1, 15, 18], [0, 23, 29]])
  })

  it('createTransform with string chunks gives UTF-16 offsets and text', async () => {
    const text = ['😀 needle', ' 😀pin']
    const got = []
    await pipeline(Readable.from(text, { objectMode: true }), m.createTransform({ patterns: [1] }), async function (source) {
      for await (const x of source) got.push(x)
    })
    assert.deepEqual(got, [{ pattern: 1, start: 12, end: 15, text: 'pin' }])
  })

  it('createTransform propagates a stream error and releases the native stream', async () => {
    const before = liveObjects()
    const t = m.createTransform()
    const done = pipeline(Readable.from([Buffer.from('needle'), 'a string after bytes']), t, async function (source) {
      for await (const x of source) assert.ok(x)
    })
    await assert.rejects(done, codeIs(ErrorCode.INVALID_ARGUMENT))
    assert.equal(liveObjects(), before)
  })

  it('scanAsync yields matches from an async iterable', async () => {
    const got = []
    for await (const x of m.scanAsync(Readable.from(chunks.map((c) => Buffer.from(c))))) got.push(x)
    assert.deepEqual(triples(got), [[0, 4, 10], [1, 15, 18], [0, 23, 29]])
    const fromArray = []
    for await (const x of m.scanAsync(chunks, { patterns: [0] })) fromArray.push(x.text)
    assert.deepEqual(fromArray, ['needle', 'needle'])
  })

  it('leaving scanAsync early releases its stream', async () => {
    const before = liveObjects()
    for await (const x of m.scanAsync(chunks)) {
      assert.equal(x.text, 'needle')
      break
    }
    assert.equal(liveObjects(), before)
  })
})
