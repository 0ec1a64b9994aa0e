'use strict'
// No leaks: 100,000 create/scan/close cycles keep RSS flat (a bound after a warm-up) and the live-object counter returns to its start; objects never closed are
// released by the garbage collector.

const { it } = require('node:test')
const assert = require('node:assert/strict')
const v8 = require('node:v8')
const vm = require('node:vm')
const { Matcher, liveObjects } = require('..')

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')

const patterns = ['alpha', 'beta', 'gamma', 'δέλτα', '😀', Buffer.from('epsilon')]
const text = 'alpha beta gamma δέλτα 😀 epsilon zeta '.repeat(4)
const bytes = Buffer.from(text)

function cycle (i) {
  const m = i % 2 === 0 ? new Matcher(patterns) : new Matcher(patterns, { caseInsensitive: true })
  let n = m.findAll(text).length
  n += m.findAll(bytes).length
  m.scan(text, () => { n++ })
  for (const x of m.matches(bytes)) { n += x.pattern; break }
  n += m.replaceWith(text, (x) => x.text.length > 4 ? 'X' : false).length
  n += m.replaceAll(bytes, '#').length
  const s = m.stream()
  s.on(() => { n++ })
  s.write(text.slice(0, 20))
  s.end(text.slice(20))
  try {
    m.scan(text, () => { throw new Error('stop') })
  } catch {}
  m.close()
  return n
}

function rssMiB () {
  return process.memoryUsage.rss() / (1 << 20)
}

// Node runs the finalizers of native objects (the JS wrappers of matchers, iterators and
// streams) from the event loop, after a collection; a program that never yields piles them
// up whatever the addon does. So the loop yields every 1,000 cycles, as real programs do.
function turn () {
  return new Promise((resolve) => setImmediate(resolve))
}

async function settle () {
  for (let i = 0; i < 3; i++) {
    gc()
    await turn()
  }
}

it('100,000 create/scan/close cycles: RSS stays flat, nothing stays live', async (t) => {
  const baseline = liveObjects()
  let checksum = 0
  for (let i = 0; i < 10000; i++) { // warm-up: JIT, allocator pools, heap sizing
    checksum += cycle(i)
    if (i % 1000 === 0) await turn()
  }
  await settle()
  const warm = rssMiB()
  for (let i = 10000; i < 100000; i++) {
    checksum += cycle(i)
    if (i % 1000 === 0) await turn()
    if (i % 10000 === 0) assert.equal(liveObjects(), baseline, `live objects after ${i} cycles`)
  }
  await settle()
  const after = rssMiB()
  t.diagnostic(`RSS after warm-up ${warm.toFixed(1)} MiB, after 100,000 cycles ${after.toFixed(1)} MiB`)
  assert.equal(liveObjects(), baseline)
  assert.ok(checksum > 0)
  // 90,000 cycles each allocate far more than this; a per-cycle leak of 200 bytes would
  // add ~17 MiB (measured growth: under 1 MiB).
  assert.ok(after - warm < 16, `RSS grew from ${warm.toFixed(1)} MiB to ${after.toFixed(1)} MiB`)
})

it('100,000 captures and groupNames calls, failing ones included: RSS stays flat, nothing stays live', async (t) => {
  const baseline = liveObjects()
  const m = Matcher.regex(['(?P<kind>ghp|gho)_(?P<token>[0-9a-z]{4})(-v\\d)?', 'key=\\d+'], { asciiClasses: true })
  const lit = new Matcher(['ghp'])
  const hay = '😀 ghp_ab12-v2 é gho_zz99 key=42 '.repeat(4)
  const hayBytes = Buffer.from(hay)
  const long = hay.repeat(100) // encoded in JavaScript
  const found = m.findAll(hay)
  const foundBytes = m.findAll(hayBytes)
  const foundLong = m.find(long)
  let checksum = 0
  function round (i) {
    const x = found[i % found.length]
    checksum += m.captures(hay, x).groups.length
    checksum += m.captures(hayBytes, foundBytes[i % foundBytes.length]).groups[0].end
    checksum += m.captures(long, foundLong).named.token.end
    checksum += m.groupNames(i % 2).length
    for (const bad of [() => m.captures(hay, { ...x, start: x.start + 1 }), () => lit.captures(hay, x), () => m.captures(42, x)]) {
      try {
        bad()
      } catch (e) {
        checksum += e.code.length
      }
    }
  }
  for (let i = 0; i < 10000; i++) {
    round(i)
    if (i % 1000 === 0) await turn()
  }
  await settle()
  const warm = rssMiB()
  for (let i = 10000; i < 100000; i++) {
    round(i)
    if (i % 1000 === 0) await turn()
  }
  await settle()
  const after = rssMiB()
  t.diagnostic(`RSS after warm-up ${warm.toFixed(1)} MiB, after 100,000 rounds ${after.toFixed(1)} MiB`)
  assert.equal(liveObjects(), baseline + 2)
  m.close()
  lit.close()
  assert.equal(liveObjects(), baseline)
  assert.ok(checksum > 0)
  assert.ok(after - warm < 16, `RSS grew from ${warm.toFixed(1)} MiB to ${after.toFixed(1)} MiB`)
})

it('100,000 rounds of the answers without match objects, failing calls included: RSS stays flat, nothing stays live', async (t) => {
  const baseline = liveObjects()
  const m = new Matcher(patterns)
  const w = new Matcher(['alpha', 'beta'], { wholeWords: true })
  const list = [text, bytes, '', 'zeta']
  let checksum = 0
  function round () {
    checksum += m.countByPattern(text)[0] + m.matchingPatterns(bytes).length
    checksum += m.firstMatchPerPattern(text).length + m.findAllColumns(bytes).start.length
    checksum += m.isMatchMany(list).length + m.countMany(list)[0] + m.findMany(list)[1].length
    checksum += w.countByPattern(bytes)[1]
    for (const bad of [() => m.countMany([text, 42]), () => m.findMany('x'), () => m.findAllColumns(null)]) {
      try {
        bad()
      } catch (e) {
        checksum += e.code.length
      }
    }
  }
  for (let i = 0; i < 10000; i++) {
    round()
    if (i % 1000 === 0) await turn()
  }
  await settle()
  const warm = rssMiB()
  for (let i = 10000; i < 100000; i++) {
    round()
    if (i % 1000 === 0) await turn()
  }
  await settle()
  const after = rssMiB()
  t.diagnostic(`RSS after warm-up ${warm.toFixed(1)} MiB, after 100,000 rounds ${after.toFixed(1)} MiB`)
  assert.equal(liveObjects(), baseline + 2)
  m.close()
  w.close()
  assert.equal(liveObjects(), baseline)
  assert.ok(checksum > 0)
  assert.ok(after - warm < 16, `RSS grew from ${warm.toFixed(1)} MiB to ${after.toFixed(1)} MiB`)
})

// A loop that never yields: closed matchers and cursors must not wait for the event loop
// (where Node runs finalizers) to give their memory back. Before close() removed the
// finalizer, 100,000 such cycles grew RSS by 26 MiB for matchers alone.
it('100,000 synchronous create/findAll/matches/close cycles without yielding: RSS stays flat', (t) => {
  const baseline = liveObjects()
  let checksum = 0
  function syncCycle () {
    const m = new Matcher(['alpha', 'beta'])
    checksum += m.findAll('alpha beta').length
    for (const x of m.matches('alpha beta')) checksum += x.pattern
    m.close()
  }
  for (let i = 0; i < 10000; i++) syncCycle()
  gc()
  const warm = rssMiB()
  for (let i = 0; i < 100000; i++) syncCycle()
  gc()
  const after = rssMiB()
  t.diagnostic(`synchronous loop: RSS after warm-up ${warm.toFixed(1)} MiB, after 100,000 cycles ${after.toFixed(1)} MiB`)
  assert.equal(liveObjects(), baseline)
  assert.ok(checksum > 0)
  assert.ok(after - warm < 12, `RSS grew from ${warm.toFixed(1)} MiB to ${after.toFixed(1)} MiB`)
})

it('100,000 synchronous matcher + stream cycles that never yield: RSS flat, nothing live', (t) => {
  const baseline = liveObjects()
  let checksum = 0
  function streamCycle (i) {
    const m = new Matcher(['alpha', 'beta'])
    const s = m.stream()
    s.on(() => { checksum++ })
    s.write('alpha be')
    if (i % 2 === 0) s.end('ta')
    s.close()
    if (i % 3 === 0) {
      // A stream closed by its own handler, in the middle of a write.
      const c = m.stream()
      c.on(() => { c.close() })
      c.write('alpha alpha')
    }
    m.close()
  }
  for (let i = 0; i < 10000; i++) streamCycle(i)
  gc()
  const warm = rssMiB()
  for (let i = 0; i < 100000; i++) streamCycle(i)
  gc()
  const after = rssMiB()
  t.diagnostic(`synchronous stream loop: RSS after warm-up ${warm.toFixed(1)} MiB, after 100,000 cycles ${after.toFixed(1)} MiB`)
  assert.equal(liveObjects(), baseline)
  assert.ok(checksum > 100000)
  // Before streams were handles freed by end()/close(): 65.7 -> 153.9 MiB.
  assert.ok(after - warm < 12, `RSS grew from ${warm.toFixed(1)} MiB to ${after.toFixed(1)} MiB`)
})

it('objects that are never closed are released by the garbage collector', async () => {
  const baseline = liveObjects()
  ;(() => {
    for (let i = 0; i < 1000; i++) {
      const m = new Matcher(patterns)
      const s = m.stream()
      s.on(() => {})
      s.write('alpha')
      const it = m.matches('alpha '.repeat(100)) // more than one batch: the cursor is open
      it.next()
    }
  })()
  assert.ok(liveObjects() >= baseline + 4000)
  // Node runs native finalizers after the collection, from the event loop; give it a
  // bounded number of turns (no timing involved).
  for (let turn = 0; turn < 50 && liveObjects() > baseline; turn++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  assert.equal(liveObjects(), baseline)
})
