'use strict'
// `#[napi(catch_unwind)]`: a Rust panic becomes a JavaScript error, the process survives
// and the addon keeps working. Uses the test-only export `__panicForTest`, present in
// builds with the `test-exports` feature (scripts/test.sh builds them).

const { it } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

it('a panic in Rust is a catchable Error, not an abort', () => {
  const script = `
    const native = require(${JSON.stringify(path.join(__dirname, '..', 'native.js'))})
    const { Matcher } = require(${JSON.stringify(path.join(__dirname, '..'))})
    if (typeof native.__panicForTest !== 'function') {
      console.log(JSON.stringify({ missing: true }))
      process.exit(0)
    }
    let caught = null
    try { native.__panicForTest('deliberate panic 42') } catch (e) { caught = e }
    const again = (() => { try { native.__panicForTest('second') } catch (e) { return e.message } })()
    console.log(JSON.stringify({
      isError: caught instanceof Error,
      message: caught && caught.message,
      again,
      stillWorks: new Matcher(['a']).count('banana'),
    }))
  `
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, RUST_BACKTRACE: '0' } })
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`)
  assert.equal(r.status, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.notEqual(out.missing, true, 'the addon was built without --features test-exports')
  assert.equal(out.isError, true)
  assert.match(out.message, /deliberate panic 42/)
  assert.match(out.again, /second/)
  assert.equal(out.stillWorks, 3)
  assert.match(r.stderr, /panicked/, 'the panic hook reported it')
})

it('a panic in an async task rejects its Promise with a PANIC HayscanError', () => {
  const script = `
    const native = require(${JSON.stringify(path.join(__dirname, '..', 'native.js'))})
    const { Matcher, HayscanError, liveObjects } = require(${JSON.stringify(path.join(__dirname, '..'))})
    if (typeof native.__panicInTaskForTest !== 'function') {
      console.log(JSON.stringify({ missing: true }))
      process.exit(0)
    }
    const handle = native.createMatcher(['a'])
    native.__panicInTaskForTest(handle, 'deliberate task panic 7').then(
      () => console.log(JSON.stringify({ resolved: true })),
      async (e) => {
        native.close(handle)
        const m = new Matcher(['a'])
        console.log(JSON.stringify({
          isHayscanError: e instanceof HayscanError,
          code: e.code,
          message: e.message,
          stillWorks: await m.countAsync('banana'),
          live: (m.close(), liveObjects()),
        }))
      })
  `
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, RUST_BACKTRACE: '0' } })
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`)
  assert.equal(r.status, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.notEqual(out.missing, true, 'the addon was built without --features test-exports')
  assert.deepEqual(out, {
    isHayscanError: true,
    code: 'PANIC',
    message: 'a worker thread panicked: deliberate task panic 7',
    stillWorks: 3,
    live: 0,
  })
})
