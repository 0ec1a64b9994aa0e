'use strict'
// worker_threads: one addon loaded in several environments at once.

const { it } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { Worker } = require('node:worker_threads')
const { Matcher, liveObjects } = require('..')

/** Runs fixtures/`name` in its own process; asserts it exits cleanly; its parsed stdout. */
function runFixture (name) {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', name)], {
    encoding: 'utf8',
    timeout: 120000, // a hang guard, not a performance threshold
  })
  assert.equal(r.error, undefined, `the process did not exit on its own: ${r.error}`)
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`)
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stderr, '')
  return JSON.parse(r.stdout)
}

it('main thread + 4 workers load and scan; terminated workers; the process exits cleanly', () => {
  assert.deepEqual(runFixture('workers-exit.js'), { ok: true, workers: 4, count: 10000 })
})

it('8 concurrent scans from workers on one pattern list equal sequential scans', async () => {
  const words = ['the', 'and', 'of', 'hay', 'needle', 'stack', 'é', '😀', 'ab', 'b']
  const patterns = words.concat(words.map((w) => w + 's'))
  const options = { matchKind: 'leftmost-longest' }
  let seed = 7
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
  const parts = []
  for (let i = 0; i < 60000; i++) parts.push(words[Math.floor(rand() * words.length)] + (rand() < 0.3 ? 's' : ''))
  const bytes = Buffer.from(parts.join(' '))
  const shared = new SharedArrayBuffer(bytes.length)
  new Uint8Array(shared).set(bytes)

  const m = new Matcher(patterns, options)
  const sequential = m.findAll(bytes).flatMap((x) => [x.pattern, x.start, x.end])
  const sequentialString = m.count(bytes.toString('utf8'))
  m.close()
  assert.ok(sequential.length > 3 * 50000)

  const results = await Promise.all(Array.from({ length: 8 }, () => new Promise((resolve, reject) => {
    const w = new Worker(path.join(__dirname, 'fixtures', 'scan-worker.js'), { workerData: { patterns, options, shared } })
    w.once('message', resolve)
    w.once('error', reject)
  })))
  for (const r of results) {
    assert.equal(r.flat.length, sequential.length)
    assert.deepEqual(Array.from(r.flat), sequential)
    assert.equal(r.viaString, sequentialString)
  }
})

it('the async API works in workers: the same answers as the main thread, nothing left live', async () => {
  const fs = require('node:fs')
  const os = require('node:os')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hayscan-workers-'))
  const file = path.join(dir, 'text.txt')
  fs.writeFileSync(file, 'hay needle é straw 😀 needles\n'.repeat(30000))
  const patterns = ['needle', 'é', '😀', 'hay']
  const m = new Matcher(patterns)
  const bytes = fs.readFileSync(file)
  const want = m.findAll(bytes).flatMap((x) => [x.pattern, x.start, x.end])
  const wantCount = m.count(bytes)
  m.close()
  try {
    const results = await Promise.all(Array.from({ length: 3 }, () => new Promise((resolve, reject) => {
      const w = new Worker(path.join(__dirname, 'fixtures', 'async-worker.js'), { workerData: { patterns, file, mode: 'answer' } })
      let answer
      w.once('message', (r) => { answer = r })
      w.once('error', reject)
      w.once('exit', () => resolve(answer))
    })))
    // The count is process-wide: checked once every worker has exited.
    assert.equal(liveObjects(), 0)
    for (const r of results) {
      assert.deepEqual(Array.from(r.flat), want)
      assert.deepEqual([r.count, r.parallel, r.countFile, r.scanned, r.strings], new Array(5).fill(wantCount))
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

it('workers terminated during file scans and tasks: the process exits cleanly', () => {
  assert.deepEqual(runFixture('async-workers-exit.js'), { ok: true, workers: 2 })
})
