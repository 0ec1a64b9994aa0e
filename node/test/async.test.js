'use strict'
// countAsync, findAllAsync and replaceAllAsync: Promises on the libuv pool that give the
// sync answers, hold their input, honour AbortSignals and survive close() meanwhile.

const { it } = require('node:test')
const assert = require('node:assert/strict')
const v8 = require('node:v8')
const vm = require('node:vm')
const { Matcher, HayscanError, AbortError, liveObjects } = require('..')
const { blockPool } = require('./fixtures/pool.js')

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')

const patterns = ['needle', 'é', '😀', 'hay', Buffer.from([0xa9])]
const unit = 'hay needle é 😀 straw ab\u00e9 '
// Large enough for several 256 KiB chunks and for parallel segments.
const big = Buffer.from(unit.repeat(200000))

function triples (list) {
  return list.map((m) => [m.pattern, m.start, m.end, m.text])
}

it('async answers equal the sync ones: short and long strings, Buffers, every match kind', async () => {
  for (const matchKind of ['leftmost-first', 'leftmost-longest', 'overlapping']) {
    const m = new Matcher(patterns, { matchKind })
    // Short strings are converted by the addon, long ones by the wrapper: both paths.
    for (const hay of [unit, unit.repeat(300), 'plain ascii hay '.repeat(300), Buffer.from(unit.repeat(50)), big]) {
      assert.deepEqual(triples(await m.findAllAsync(hay)), triples(m.findAll(hay)), `findAllAsync ${matchKind}`)
      assert.equal(await m.countAsync(hay), m.count(hay))
      for (const threads of [0, 2, 3]) assert.equal(await m.countAsync(hay, { threads }), m.count(hay), `threads ${threads}`)
      if (matchKind !== 'overlapping') {
        assert.deepEqual(await m.replaceAllAsync(hay, ['N', 'E', 'S', 'H', 'C']), m.replaceAll(hay, ['N', 'E', 'S', 'H', 'C']))
        assert.deepEqual(await m.replaceAllAsync(hay, '_'), m.replaceAll(hay, '_'))
      }
    }
    m.close()
  }
  const r = Matcher.regex(['n[a-z]+e', '\\d+'])
  const text = 'needle 42 nose 7 é'.repeat(1000)
  assert.deepEqual(triples(await r.findAllAsync(text)), triples(r.findAll(text)))
  assert.equal(await r.countAsync(text, { threads: 2 }), r.count(text))
  assert.equal(await r.replaceAllAsync(text, '#'), r.replaceAll(text, '#'))
  r.close()
  assert.equal(liveObjects(), 0)
})

it('results are the same types as the sync API: a string for strings, a Buffer for bytes', async () => {
  const m = new Matcher(['a'])
  assert.equal(await m.replaceAllAsync('banana', 'o'), 'bonono')
  const out = await m.replaceAllAsync(Buffer.from('banana'), 'o')
  assert.ok(Buffer.isBuffer(out))
  assert.equal(out.toString(), 'bonono')
  assert.deepEqual(await m.findAllAsync(Buffer.from('xa')), [{ pattern: 0, start: 1, end: 2 }])
  assert.deepEqual(await m.findAllAsync(''), [])
  assert.equal(await m.countAsync(new Uint8Array(0)), 0)
  m.close()
})

it('bad arguments and closed matchers reject with a HayscanError', async () => {
  const m = new Matcher(['a'], { matchKind: 'overlapping' })
  const code = (c) => (e) => { assert.ok(e instanceof HayscanError, String(e)); assert.equal(e.code, c); return true }
  await assert.rejects(m.countAsync(42), code('INVALID_ARGUMENT'))
  await assert.rejects(m.findAllAsync({}), code('INVALID_ARGUMENT'))
  await assert.rejects(m.countAsync('a', { thread: 2 }), code('INVALID_ARGUMENT'))
  await assert.rejects(m.countAsync('a', { threads: -1 }), code('INVALID_ARGUMENT'))
  await assert.rejects(m.countAsync('a', { threads: 1.5 }), code('INVALID_ARGUMENT'))
  await assert.rejects(m.countAsync('a', { signal: {} }), code('INVALID_ARGUMENT'))
  await assert.rejects(m.countAsync('a', 'fast'), code('INVALID_ARGUMENT'))
  await assert.rejects(m.replaceAllAsync('a', 'b'), code('UNSUPPORTED'))
  m.close()
  await assert.rejects(m.countAsync('a'), code('CLOSED'))
  await assert.rejects(m.findAllAsync('a'), code('CLOSED'))
  const lit = new Matcher(['a', 'b'])
  await assert.rejects(lit.replaceAllAsync('ab', ['x', 'y', 'z']), code('INVALID_ARGUMENT'))
  lit.close()
  assert.equal(liveObjects(), 0)
})

it('an already-aborted signal rejects at once with an AbortError carrying its reason', async () => {
  const m = new Matcher(['a'])
  const ac = new AbortController()
  const reason = new Error('user gave up')
  ac.abort(reason)
  for (const p of [m.countAsync(big, { signal: ac.signal }), m.findAllAsync('aaa', { signal: ac.signal }), m.replaceAllAsync('a', 'b', { signal: ac.signal })]) {
    assert.equal(liveObjects(), 1, 'no task was started')
    await assert.rejects(p, (e) => {
      assert.ok(e instanceof AbortError && e instanceof Error)
      assert.equal(e.name, 'AbortError')
      assert.equal(e.code, 'ABORT_ERR')
      assert.equal(e.cause, reason)
      return true
    })
  }
  m.close()
})

it('aborting during a task stops the scan and rejects with an AbortError', async () => {
  const m = new Matcher(['needle', 'hay'])
  for (const start of [
    (signal) => m.countAsync(big, { signal }),
    (signal) => m.findAllAsync(big, { signal }),
    (signal) => m.replaceAllAsync(big, 'x', { signal }),
    (signal) => m.findAllAsync(big.toString(), { signal }),
  ]) {
    const ac = new AbortController()
    // Queued behind blocked pool threads, so aborted before it starts: the scan sees the
    // flag before its first chunk.
    const release = blockPool()
    const p = assert.rejects(start(ac.signal), (e) => e.name === 'AbortError' && e.code === 'ABORT_ERR' && e.cause instanceof Error)
    ac.abort()
    assert.deepEqual(await release(), new Array(blockPool.POOL).fill(0))
    await p
    assert.equal(liveObjects(), 1, 'the task is released when its Promise settles')
  }
  // An abort after the task finished changes nothing.
  const ac = new AbortController()
  assert.equal(await m.countAsync('hay hay', { signal: ac.signal }), 2)
  ac.abort()
  m.close()
  assert.equal(liveObjects(), 0)
})

it('close() while tasks run: they finish with the right answer, then everything is released', async () => {
  const m = new Matcher(['needle', 'hay'])
  const want = m.count(big)
  const tasks = [m.countAsync(big), m.countAsync(big, { threads: 2 }), m.findAllAsync(big), m.replaceAllAsync(big, '')]
  m.close()
  assert.ok(m.closed)
  assert.equal(liveObjects(), 4, 'four tasks, no matcher handle')
  const [n, n2, all, replaced] = await Promise.all(tasks)
  assert.equal(n, want)
  assert.equal(n2, want)
  assert.equal(all.length, want)
  assert.deepEqual(replaced, Buffer.from(unit.replaceAll('needle', '').replaceAll('hay', '').repeat(200000)))
  assert.equal(liveObjects(), 0)
})

it('the task holds its Buffer: no other reference and repeated GCs do not free it', async () => {
  const m = new Matcher(['needle'])
  const want = 200000
  const p = (() => m.countAsync(Buffer.from(unit.repeat(200000))))()
  for (let i = 0; i < 5; i++) gc()
  assert.equal(await p, want)
  // A string is encoded once, at the call: changing the variable changes nothing.
  let s = unit.repeat(1000)
  const q = m.findAllAsync(s)
  s = 'nothing'
  assert.equal((await q).length, 1000)
  m.close()
})

it('many tasks at once, more than the libuv pool has threads, all settle with their answers', async () => {
  const m = new Matcher(['hay', 'needle'])
  const inputs = Array.from({ length: 40 }, (_, i) => 'hay needle '.repeat(i))
  const counts = await Promise.all(inputs.map((s) => m.countAsync(s)))
  assert.deepEqual(counts, inputs.map((s) => m.count(s)))
  m.close()
  assert.equal(liveObjects(), 0)
})
