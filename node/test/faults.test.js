'use strict'
// The fault matrix (issue 15): every kind of callback × every hostile thing a callback can
// do, each with its documented outcome, and the live-object count back to its baseline
// after each cell. Callback kinds: a `scan` callback, a `replaceWith` callback, a stream
// handler, the body of a `for...of` over `matches()`, and the consumer of `scanAsync`.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const { Worker } = require('node:worker_threads')
const path = require('node:path')
const v8 = require('node:v8')
const vm = require('node:vm')
const { Matcher, HayscanError, liveObjects } = require('..')

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')

const PKG = path.join(__dirname, '..')
const PATTERNS = ['ab', 'cd']
// Small and large inputs take different paths (one native call vs cursor batches).
const HAYSTACKS = { small: 'ab cd '.repeat(10), large: 'ab cd '.repeat(2000) }

// Each kind runs `cb(match)` for the matches of `hay` and returns the number of calls it
// made (a promise of it for the async kind). Returning `false` from `cb` stops (the loop
// kinds `break`, their idiom).
const KINDS = {
  scan: {
    run: (m, hay, cb) => m.scan(hay, cb).matches,
  },
  replaceWith: {
    run: (m, hay, cb) => {
      let n = 0
      m.replaceWith(hay, (x) => { n++; return cb(x) === false ? false : 'X' })
      return n
    },
  },
  'stream handler': {
    run: (m, hay, cb, own) => {
      const s = m.stream()
      own.stream = s
      let n = 0
      s.on((x) => { n++; return cb(x) })
      try {
        s.end(hay)
      } finally {
        s.close()
      }
      return n
    },
  },
  'matches() loop body': {
    run: (m, hay, cb) => {
      let n = 0
      for (const x of m.matches(hay)) {
        n++
        if (cb(x) === false) break
      }
      return n
    },
  },
  'scanAsync consumer': {
    run: async (m, hay, cb) => {
      let n = 0
      for await (const x of m.scanAsync([hay.slice(0, 7), hay.slice(7)])) {
        n++
        if (cb(x) === false) break
      }
      return n
    },
  },
}

function expected (hay) {
  const m = new Matcher(PATTERNS)
  const n = m.count(hay)
  m.close()
  return n
}

async function settle (baseline) {
  // Streams closed above are freed at once; anything only the collector frees gets a
  // bounded number of event-loop turns (no timing involved).
  for (let i = 0; i < 20 && liveObjects() > baseline; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  assert.equal(liveObjects(), baseline, 'live objects back to the baseline')
}

describe('fault matrix', () => {
  for (const [kindName, kind] of Object.entries(KINDS)) {
    for (const [size, hay] of Object.entries(HAYSTACKS)) {
      const all = expected(hay)
      describe(`${kindName} (${size} input)`, () => {
        it('throw: the same value reaches the caller; the matcher stays usable', async () => {
          const baseline = liveObjects()
          const m = new Matcher(PATTERNS)
          const token = new Error('from the callback')
          await assert.rejects(async () => kind.run(m, hay, () => { throw token }, {}), (e) => e === token)
          assert.equal(m.count(hay), all)
          m.close()
          await settle(baseline)
        })

        it('stop (return false / break): no further callback', async () => {
          const baseline = liveObjects()
          const m = new Matcher(PATTERNS)
          let calls = 0
          const n = await kind.run(m, hay, () => { calls++; return false }, {})
          assert.equal(calls, 1)
          assert.equal(n, 1)
          m.close()
          await settle(baseline)
        })

        it('close the owner inside: the running operation ends cleanly; later calls throw CLOSED', async () => {
          const baseline = liveObjects()
          const m = new Matcher(PATTERNS)
          const own = {}
          let calls = 0
          await kind.run(m, hay, () => {
            calls++
            if (own.stream !== undefined) own.stream.close()
            else m.close()
          }, own)
          if (own.stream !== undefined) {
            // Closing its stream stops the write at once.
            assert.equal(calls, 1)
            assert.ok(own.stream.finished)
            assert.throws(() => own.stream.write('ab'), (e) => e instanceof HayscanError && e.code === 'CLOSED')
            m.close()
          } else {
            // The operation keeps the compiled set until it is done.
            assert.equal(calls, all)
          }
          assert.throws(() => m.count(hay), (e) => e instanceof HayscanError && e.code === 'CLOSED')
          await settle(baseline)
        })

        it('re-enter the same matcher: nested operations give their normal answers', async () => {
          const baseline = liveObjects()
          const m = new Matcher(PATTERNS)
          let calls = 0
          await kind.run(m, hay, () => {
            calls++
            assert.equal(m.findAll('ab cd').length, 2)
            assert.equal(m.scan('ab', () => {}).matches, 1)
            assert.equal(m.replaceWith('cd', () => 'X'), 'X')
            const s = m.stream()
            let inner = 0
            s.on(() => { inner++ })
            s.end('ab cd')
            assert.equal(inner, 2)
          }, {})
          assert.equal(calls, all)
          m.close()
          await settle(baseline)
        })
      })
    }

    // The scanAsync consumer runs in promise jobs, one after another, not nested on the
    // stack: there is no deep nesting to test there.
    if (kindName !== 'scanAsync consumer') {
      it(`${kindName}: nesting without bound throws RangeError (or a HayscanError), never crashes`, async () => {
        const baseline = liveObjects()
        const m = new Matcher(PATTERNS)
        let depth = 0
        const dive = () => { depth++; kind.run(m, 'ab', dive, {}) }
        assert.throws(() => kind.run(m, 'ab', dive, {}), (e) => e instanceof RangeError || e instanceof HayscanError)
        assert.ok(depth > 100, `depth ${depth}`)
        assert.equal(m.count('ab cd'), 2)
        m.close()
        // Every level that threw released what it made (its `finally`), except that a
        // stack overflow can strike inside that cleanup itself (seen for one iterator of
        // the deepest level); the garbage collector then frees it.
        await settle(baseline)
      })
    }

    it(`${kindName}: process.exit inside the callback exits with its code, cleanly`, () => {
      const script = `
        const { Matcher } = require(${JSON.stringify(PKG)})
        const KINDS = {${Object.entries(KINDS).map(([k, v]) => `${JSON.stringify(k)}: ${v.run.toString()}`).join(',')}}
        KINDS[${JSON.stringify(kindName)}](new Matcher(['ab']), 'ab ab ab', () => process.exit(7), {})
      `
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
      assert.equal(r.signal, null, r.stderr)
      assert.equal(r.status, 7, r.stderr)
      assert.equal(r.stderr, '')
    })

    it(`${kindName}: a worker terminated inside the callback; the process and its counters recover`, async () => {
      const baseline = liveObjects()
      const source = `
        const { parentPort } = require('node:worker_threads')
        const { Matcher } = require(${JSON.stringify(PKG)})
        const run = ${kind.run.toString()}
        let told = false
        const m = new Matcher(['ab'])
        run(m, 'ab '.repeat(5000), () => {
          if (!told) { told = true; parentPort.postMessage('inside') }
          for (;;) {} // spin until terminated
        }, {})
      `
      const w = new Worker(source, { eval: true })
      await new Promise((resolve, reject) => {
        w.once('message', resolve)
        w.once('error', reject)
      })
      assert.equal(await w.terminate(), 1)
      await settle(baseline)
      // The main thread's addon is unaffected.
      const m = new Matcher(PATTERNS)
      assert.equal(m.count('ab cd'), 2)
      m.close()
    })
  }
})
