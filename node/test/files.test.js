'use strict'
// countFile, scanFile and replaceFile: files read in chunks on the libuv pool, matches
// delivered on this thread in batches; errors before and during the scan, callbacks that
// throw or stop, aborts, and the thread-safe function released once (the process exits).

const { it, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const { spawn, spawnSync } = require('node:child_process')
const { Matcher, HayscanError, liveObjects } = require('..')
const { blockPool } = require('./fixtures/pool.js')

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hayscan-files-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))

const line = 'hay needle é 😀 straw NEEDLE haystack\n'
const text = line.repeat(40000) // about 1.6 MB: several 256 KiB chunks
const file = path.join(dir, 'text.txt')
fs.writeFileSync(file, text)
const bytes = fs.readFileSync(file)

function isIo (e, errno) {
  assert.ok(e instanceof HayscanError, String(e))
  assert.equal(e.code, 'IO')
  if (errno !== undefined) assert.equal(e.errno, errno)
  return true
}

function triples (list) {
  return list.map((m) => [m.pattern, m.start, m.end])
}

it('countFile, scanFile and replaceFile give the whole-buffer answers (byte offsets)', async () => {
  for (const options of [undefined, { matchKind: 'leftmost-longest' }, { caseInsensitive: true }]) {
    const m = new Matcher(['needle', 'hay', 'haystack', '😀'], options)
    assert.equal(await m.countFile(file), m.count(bytes))
    for (const batch of [1, 7, 1024, 1e6]) {
      const got = []
      const report = await m.scanFile(file, (x) => { got.push(x) }, { batch })
      assert.deepEqual(triples(got), triples(m.findAll(bytes)), `batch ${batch}`)
      assert.deepEqual(report, { matches: got.length, stopped: false })
    }
    const out = path.join(dir, 'out.txt')
    assert.equal(await m.replaceFile(file, out, ['N', 'H', 'S', ':)']), m.count(bytes))
    assert.deepEqual(fs.readFileSync(out), m.replaceAll(bytes, ['N', 'H', 'S', ':)']))
    m.close()
  }
  // Regex sets read files line by line: matches within lines, as findAll over the text.
  const r = Matcher.regex(['n\\w+e', '\\d+'])
  const got = []
  await r.scanFile(file, (x) => { got.push(x) })
  assert.deepEqual(triples(got), triples(r.findAll(bytes)))
  r.close()
  assert.equal(liveObjects(), 0)
})

it('paths may be strings, Buffers or file: URLs', async () => {
  const m = new Matcher(['needle'])
  assert.equal(await m.countFile(Buffer.from(file)), 40000)
  assert.equal(await m.countFile(pathToFileURL(file)), 40000)
  await assert.rejects(m.countFile(42), (e) => e.code === 'INVALID_ARGUMENT')
  await assert.rejects(m.scanFile(file, 'not a function'), (e) => e.code === 'INVALID_ARGUMENT')
  await assert.rejects(m.scanFile(file, () => {}, { batch: 0 }), (e) => e.code === 'INVALID_ARGUMENT')
  await assert.rejects(m.scanFile(file, () => {}, { size: 3 }), (e) => e.code === 'INVALID_ARGUMENT')
  m.close()
  await assert.rejects(m.scanFile(file, () => {}), (e) => e.code === 'CLOSED')
  await assert.rejects(m.countFile(file), (e) => e.code === 'CLOSED')
  assert.equal(liveObjects(), 0)
})

it('a missing file, a directory, a non-directory in the path: IO errors with errno and path', async () => {
  const m = new Matcher(['needle'])
  const missing = path.join(dir, 'missing.txt')
  await assert.rejects(m.countFile(missing), (e) => isIo(e, 2) && e.path === missing)
  let calls = 0
  await assert.rejects(m.scanFile(missing, () => { calls++ }), (e) => isIo(e, 2))
  await assert.rejects(m.countFile(dir), (e) => isIo(e) && /directory/.test(e.message))
  await assert.rejects(m.scanFile(dir, () => { calls++ }), (e) => isIo(e))
  await assert.rejects(m.countFile(path.join(file, 'inside')), (e) => isIo(e, 20)) // ENOTDIR
  const never = path.join(dir, 'never.txt')
  await assert.rejects(m.replaceFile(missing, never, 'x'), (e) => isIo(e, 2))
  assert.ok(!fs.existsSync(never), 'no output for a missing input')
  await assert.rejects(m.replaceFile(file, file, 'x'), (e) => e.code === 'INVALID_ARGUMENT')
  assert.deepEqual(fs.readFileSync(file), bytes, 'the input is untouched')
  await assert.rejects(m.replaceFile(file, path.join(missing, 'out'), 'x'), (e) => isIo(e))
  assert.equal(calls, 0)
  m.close()
  assert.equal(liveObjects(), 0)
})

it('an unreadable file is an IO error (EACCES)', { skip: process.getuid?.() === 0 && 'root reads every file' }, async () => {
  const locked = path.join(dir, 'locked.txt')
  fs.writeFileSync(locked, 'needle')
  fs.chmodSync(locked, 0)
  const m = new Matcher(['needle'])
  await assert.rejects(m.countFile(locked), (e) => isIo(e, 13))
  m.close()
})

it('a read that fails after the open (EIO from /proc/self/mem) rejects with IO', { skip: !fs.existsSync('/proc/self/mem') && 'no /proc' }, async () => {
  const m = new Matcher(['needle'])
  let calls = 0
  await assert.rejects(m.countFile('/proc/self/mem'), (e) => isIo(e, 5))
  await assert.rejects(m.scanFile('/proc/self/mem', () => { calls++ }), (e) => isIo(e, 5) && e.path === '/proc/self/mem')
  await assert.rejects(m.replaceFile('/proc/self/mem', path.join(dir, 'mem.out'), 'x'), (e) => isIo(e, 5))
  assert.equal(calls, 0)
  m.close()
  assert.equal(liveObjects(), 0)
})

it('a FIFO and a device are read to their end like files', { skip: process.platform === 'win32' && 'no FIFOs' }, async () => {
  const m = new Matcher(['needle'])
  assert.equal(await m.countFile('/dev/null'), 0)
  const fifo = path.join(dir, 'fifo')
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0)
  // The writer runs in another process; the scan blocks a pool thread, not this one.
  const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', file, fifo])
  const exited = new Promise((resolve) => writer.on('exit', resolve))
  const got = []
  const report = await m.scanFile(fifo, (x) => { got.push(x.start) })
  assert.equal(report.matches, 40000)
  assert.deepEqual(got, m.findAll(bytes).map((x) => x.start))
  assert.equal(await exited, 0)
  m.close()
})

it('a file removed or truncated during the scan: the open file is read on, or ends early', async () => {
  const m = new Matcher(['needle'])
  const doomed = path.join(dir, 'doomed.txt')
  fs.writeFileSync(doomed, text)
  let seen = 0
  const report = await m.scanFile(doomed, () => {
    if (seen++ === 0) fs.rmSync(doomed)
  }, { batch: 1 })
  assert.equal(report.matches, 40000, 'unlinking does not affect an open file')
  assert.ok(!fs.existsSync(doomed))
  await assert.rejects(m.scanFile(doomed, () => {}), (e) => isIo(e, 2))
  fs.writeFileSync(doomed, text)
  let n = 0
  const cut = await m.scanFile(doomed, () => {
    if (n++ === 0) fs.truncateSync(doomed, 0)
  }, { batch: 1 })
  assert.ok(cut.matches >= 1 && cut.matches < 40000, `stops where the file now ends: ${cut.matches}`)
  m.close()
  assert.equal(liveObjects(), 0)
})

it('a callback that throws rejects with the thrown value and is not called again', async () => {
  const m = new Matcher(['needle'])
  for (const thrown of [new Error('boom'), 42, undefined, { not: 'an error' }]) {
    let calls = 0
    await assert.rejects(m.scanFile(file, () => { calls++; throw thrown }, { batch: 10 }), (e) => {
      assert.equal(e, thrown)
      return true
    })
    assert.equal(calls, 1)
    assert.equal(liveObjects(), 1, 'the task and its thread-safe function are released')
  }
  // Throwing from a later batch.
  let calls = 0
  await assert.rejects(m.scanFile(file, () => { if (++calls === 2500) throw new RangeError('late') }, { batch: 100 }), RangeError)
  assert.equal(calls, 2500)
  m.close()
  assert.equal(liveObjects(), 0)
})

it('a callback returning false stops the scan; the report counts the matches delivered', async () => {
  const m = new Matcher(['needle'])
  let calls = 0
  const report = await m.scanFile(file, () => ++calls < 1500 ? undefined : false, { batch: 64 })
  assert.deepEqual(report, { matches: 1500, stopped: true })
  assert.equal(calls, 1500)
  m.close()
})

it('aborting stops a file scan: AbortError, no calls after the abort; output of replaceFile is a prefix', async () => {
  const m = new Matcher(['needle'])
  const ac = new AbortController()
  let calls = 0
  await assert.rejects(m.scanFile(file, () => { if (++calls === 10) ac.abort('enough') }, { batch: 5, signal: ac.signal }), (e) => {
    assert.equal(e.name, 'AbortError')
    assert.equal(e.cause, 'enough')
    return true
  })
  assert.equal(calls, 10)
  await assert.rejects(m.countFile(file, { signal: ac.signal }), { name: 'AbortError' })
  let never = 0
  await assert.rejects(m.scanFile(file, () => { never++ }, { signal: ac.signal }), { name: 'AbortError' })
  assert.equal(never, 0)
  const out = path.join(dir, 'aborted.txt')
  // Input from a FIFO: part of the text, the abort, then more, so the scan is cancelled at
  // the chunk after the abort, whatever the timing.
  const fifo = path.join(dir, 'replace-fifo')
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0)
  const ac2 = new AbortController()
  const p = m.replaceFile(fifo, out, 'pin', { signal: ac2.signal })
  const fd = fs.openSync(fifo, 'w') // returns once the task has opened the FIFO
  fs.writeSync(fd, bytes.subarray(0, 400000))
  ac2.abort()
  fs.writeSync(fd, bytes.subarray(400000, 410000))
  fs.closeSync(fd)
  await assert.rejects(p, { name: 'AbortError' })
  const written = fs.readFileSync(out)
  const full = m.replaceAll(bytes.subarray(0, 410000), 'pin')
  assert.ok(written.length < full.length && full.subarray(0, written.length).equals(written), 'a replaced prefix')
  // An abort before the task starts: nothing is scanned.
  const release = blockPool()
  const ac3 = new AbortController()
  const q = assert.rejects(m.countFile(file, { signal: ac3.signal }), { name: 'AbortError' })
  ac3.abort()
  await release()
  await q
  m.close()
  assert.equal(liveObjects(), 0)
})

it('closing the matcher from a scanFile callback is safe: the scan runs to its end', async () => {
  const m = new Matcher(['needle'])
  let calls = 0
  const report = await m.scanFile(file, () => { if (calls++ === 0) m.close() })
  assert.equal(report.matches, 40000)
  assert.ok(m.closed)
  assert.equal(liveObjects(), 0)
})

it('the process exits on its own after file scans that finish, throw, stop or are aborted (TSFN released once)', () => {
  const script = `
    const { Matcher, liveObjects } = require(${JSON.stringify(path.join(__dirname, '..'))})
    const m = new Matcher(['needle'])
    const f = ${JSON.stringify(file)}
    const ac = new AbortController()
    Promise.allSettled([
      m.scanFile(f, () => {}),
      m.scanFile(f, () => { throw new Error('x') }),
      m.scanFile(f, () => false),
      m.scanFile(f, () => ac.abort(), { batch: 1, signal: ac.signal }),
      m.countFile(f),
    ]).then((r) => {
      m.close()
      process.stdout.write(JSON.stringify({ status: r.map((x) => x.status), live: liveObjects() }))
    })`
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120000 }) // hang guard only
  assert.equal(r.error, undefined, `the process did not exit on its own: ${r.error}`)
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout), { status: ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'], live: 0 })
})

it('countFile with threads gives the one-thread count (regex sets split at line starts)', async () => {
  const lines = []
  for (let i = 0; i < 1000; i++) lines.push('ab '.repeat(i % 40) + (i % 3 ? 'the needle\n' : '\n'))
  const big = path.join(dir, 'lines.txt')
  fs.writeFileSync(big, lines.join('').repeat(60)) // about 4 MB: 2 or more segments
  const sets = [
    new Matcher(['^ab', 'needle$', '^$', 'b a'], { syntax: 'regex' }),
    new Matcher(['needle', 'b a', 'e\nt'], { matchKind: 'overlapping' }),
    new Matcher(['needle', 'b a'])
  ]
  for (const m of sets) {
    const one = await m.countFile(big)
    assert.ok(one > 0)
    for (const threads of [0, 2, 3, 8]) assert.equal(await m.countFile(big, { threads }), one, `threads ${threads}`)
    await assert.rejects(m.countFile(big + '.missing', { threads: 2 }), (e) => isIo(e))
    await assert.rejects(m.countFile(big, { threads: -1 }), (e) => e instanceof HayscanError && e.code === 'INVALID_ARGUMENT')
    await assert.rejects(m.countFile(big, { threads: 2, signal: AbortSignal.abort() }), (e) => e.name === 'AbortError')
    m.close()
  }
  assert.equal(liveObjects(), 0)
})
