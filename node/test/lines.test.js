'use strict'
// countLines and countFileLines: grep -c's answer (lines in which a pattern matches),
// against a per-line reference (isMatch of each line alone), for Buffers, strings on each
// input path, and files on one and several threads; the argument, IO, abort and closed
// errors of countFile.

const { it, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const { spawnSync } = require('node:child_process')
const { Matcher, HayscanError, liveObjects } = require('..')
const { blockPool } = require('./fixtures/pool.js')

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hayscan-lines-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))

let seq = 0
function fileOf (content) {
  const f = path.join(dir, `f-${seq++}.txt`)
  fs.writeFileSync(f, content)
  return f
}

// The definition: split at \n, drop the empty piece after a final \n, count the lines
// the matcher finds a match in (searched alone; lines here are shorter than maxLineLen).
function reference (m, hay) {
  const lines = (typeof hay === 'string' ? hay : hay.toString('latin1')).split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const asBytes = typeof hay !== 'string'
  return lines.filter((l) => m.isMatch(asBytes ? Buffer.from(l, 'latin1') : l)).length
}

function invalid (e) {
  assert.ok(e instanceof HayscanError, String(e))
  assert.equal(e.code, 'INVALID_ARGUMENT')
  return true
}

function isIo (e, errno) {
  assert.ok(e instanceof HayscanError, String(e))
  assert.equal(e.code, 'IO')
  if (errno !== undefined) assert.equal(e.errno, errno)
  return true
}

// Each case: patterns, options, haystack, lines.
const CASES = [
  [['ab', 'cd'], undefined, 'ab ab cd\nxx\ncd\n', 2], // several matches in a line: once
  [['x'], undefined, 'a\nx', 1], // a last line without \n is a line
  [['x'], undefined, '', 0],
  [['', 'q'], undefined, 'a\n\nb', 3], // an empty pattern counts every line, empty ones too
  [['', 'q'], undefined, 'a\n\nb\n', 3], // not the empty piece after the final \n
  [[''], undefined, '\n\n', 2],
  [['ab'], undefined, 'ab\r\nxy\r\nab', 2], // CRLF: \r stays in its line
  [['a\nb'], undefined, 'a\nb\n', 0], // a pattern holding \n matches in no line
  [['NEEDLE'], { caseInsensitive: true }, 'needle\nNeedle\nno\n', 2],
  [['cat'], { wholeWords: true }, 'cat\nconcat\ncat\'s\nbobcat cat\ncats', 3], // line edges are not word characters
  [['^ab', 'cd$'], { syntax: 'regex' }, 'ab x\nx ab\nx cd\ncd x\n', 2], // ^ and $ at the line's edges
  [['^$'], { syntax: 'regex' }, 'a\n\nb\n\n', 2],
  [['^$'], { syntax: 'regex' }, 'a\n', 0],
  [['ab$'], { syntax: 'regex' }, 'ab\r\nab\n', 1], // CRLF: `$` is before the \r's line end
  [['ab\\r?$'], { syntax: 'regex' }, 'ab\r\nab\n', 2],
  [['a.b'], { syntax: 'regex' }, 'a\nb\naxb\n', 1],
]

it('countLines: one per line with a match, by the definition, for Buffers and strings', () => {
  for (const [patterns, options, hay, want] of CASES) {
    const m = new Matcher(patterns, options)
    const what = `${JSON.stringify(patterns)} ${JSON.stringify(options)} ${JSON.stringify(hay)}`
    assert.equal(m.countLines(hay), want, what)
    assert.equal(m.countLines(Buffer.from(hay)), want, what)
    assert.equal(m.countLines(new Uint8Array(Buffer.from(hay))), want, what)
    assert.equal(reference(m, hay), want, `reference: ${what}`)
    m.close()
  }
  // Not the number of matches.
  const m = new Matcher(['ab', 'cd'])
  assert.equal(m.count('ab ab cd\nxx\ncd\n'), 4)
  m.close()
  assert.equal(liveObjects(), 0)
})

it('every match kind gives the same answer', () => {
  const hay = 'abc\nbc b\nxx\nab\nc\n'
  const answers = ['leftmost-first', 'leftmost-longest', 'overlapping'].map((matchKind) => {
    const m = new Matcher(['ab', 'abc', 'b'], { matchKind })
    const n = m.countLines(hay)
    m.close()
    return n
  })
  assert.deepEqual(answers, [3, 3, 3])
  assert.equal(liveObjects(), 0)
})

it('long strings (Latin-1, widened, UTF-8 paths) give the Buffer answer', () => {
  const latin1 = 'café needle straw\nno match here é\n\nNEEDLE à la carte\n'.repeat(500) + 'tail needle'
  const wide = latin1.replace(/straw/g, 'straw 😀')
  const sets = [
    new Matcher(['needle', 'carte']), // ASCII literals: searched as Latin-1 bytes
    new Matcher(['é', 'needle']), // non-ASCII: widened to UTF-8
    new Matcher(['needle'], { caseInsensitive: true }),
    new Matcher(['\\bneedle$', '^$'], { syntax: 'regex' }),
  ]
  for (const m of sets) {
    for (const s of [latin1, wide]) {
      const want = m.countLines(Buffer.from(s))
      assert.equal(m.countLines(s), want)
      assert.equal(reference(m, s), want)
      assert.ok(want > 0)
    }
    m.close()
  }
  assert.equal(liveObjects(), 0)
})

it('countFileLines of a 3 MiB file on 1, 2 and 0 threads equals countLines of its bytes', async () => {
  const parts = []
  for (let i = 0; i < 40000; i++) parts.push('ab '.repeat(i % 30) + (i % 3 ? 'the needle\r\n' : '\n'))
  // One line longer than 1 MiB with a match only at its end (streamed, not kept whole).
  parts.push('x'.repeat(1.5 * 1024 * 1024) + ' needle\n')
  parts.push('last line, no newline, needle')
  const text = parts.join('')
  assert.ok(text.length > 3 * 1024 * 1024)
  const file = fileOf(text)
  const buf = fs.readFileSync(file)
  const sets = [
    new Matcher(['needle', 'b a']),
    new Matcher(['NEEDLE'], { caseInsensitive: true, matchKind: 'leftmost-longest' }),
    new Matcher(['needle'], { wholeWords: true }),
    new Matcher(['^ab', 'needle\\r$', '^$'], { syntax: 'regex' }),
  ]
  for (const m of sets) {
    const want = m.countLines(buf)
    assert.ok(want > 0)
    assert.equal(m.countLines(text), want)
    assert.equal(await m.countFileLines(file), want)
    for (const threads of [2, 0]) assert.equal(await m.countFileLines(file, { threads }), want, `threads ${threads}`)
    assert.equal(await m.countFileLines(Buffer.from(file)), want)
    assert.equal(await m.countFileLines(pathToFileURL(file), { threads: 2 }), want)
    m.close()
  }
  assert.equal(liveObjects(), 0)
})

it('bad arguments: INVALID_ARGUMENT HayscanErrors, thrown or rejected as countFile does', async () => {
  const m = new Matcher(['needle'])
  const file = fileOf('needle\n')
  for (const bad of [42, null, undefined, {}, ['needle'], true]) {
    assert.throws(() => m.countLines(bad), invalid)
  }
  for (const bad of [42, null, {}, ['x']]) await assert.rejects(m.countFileLines(bad), invalid)
  for (const options of [{ threads: -1 }, { threads: 1.5 }, { threads: '2' }, { threads: 2e9 }, { batch: 2 }, { signal: 'no' }, 'threads']) {
    await assert.rejects(m.countFileLines(file, options), invalid, JSON.stringify(options))
  }
  assert.equal(await m.countFileLines(file, { threads: 1, signal: new AbortController().signal }), 1)
  m.close()
  assert.equal(liveObjects(), 0)
})

it('a missing file, a directory, a non-directory in the path: IO errors with errno and path', async () => {
  const m = new Matcher(['needle'])
  const file = fileOf('needle\n')
  const missing = path.join(dir, 'missing.txt')
  for (const threads of [1, 2]) {
    await assert.rejects(m.countFileLines(missing, { threads }), (e) => isIo(e, 2) && e.path === missing && e.message.includes(missing))
    await assert.rejects(m.countFileLines(dir, { threads }), (e) => isIo(e, 21) && /directory/i.test(e.message) && e.path === dir)
    await assert.rejects(m.countFileLines(path.join(file, 'inside'), { threads }), (e) => isIo(e, 20)) // ENOTDIR
  }
  m.close()
  assert.equal(liveObjects(), 0)
})

it('a closed matcher: CLOSED; closing during a count lets it finish', async () => {
  const m = new Matcher(['needle'])
  const file = fileOf('needle\nx\nneedle needle\n')
  const running = m.countFileLines(file)
  m.close()
  assert.equal(await running, 2)
  assert.throws(() => m.countLines('needle'), (e) => e instanceof HayscanError && e.code === 'CLOSED')
  await assert.rejects(m.countFileLines(file), (e) => e instanceof HayscanError && e.code === 'CLOSED')
  await assert.rejects(m.countFileLines(file, { threads: 2 }), (e) => e.code === 'CLOSED')
  m.close() // idempotent
  assert.equal(liveObjects(), 0)
})

it('aborts: before the start and while reading (the read stops at the next chunk)', { timeout: 120000 /* hang guard only */ }, async () => {
  const m = new Matcher(['needle'])
  const file = fileOf('needle\n'.repeat(1000))
  await assert.rejects(m.countFileLines(file, { signal: AbortSignal.abort('no') }), (e) => e.name === 'AbortError' && e.cause === 'no')
  await assert.rejects(m.countFileLines(file, { threads: 2, signal: AbortSignal.abort() }), { name: 'AbortError' })
  // Queued behind a blocked pool, aborted before it starts.
  const release = blockPool()
  const ac = new AbortController()
  const queued = assert.rejects(m.countFileLines(file, { signal: ac.signal }), { name: 'AbortError' })
  ac.abort()
  await release()
  await queued
  // From a FIFO whose writer stays open: without the cancel the count would wait for
  // the end of the input forever; with it, the read after the abort is the last.
  const fifo = path.join(dir, 'lines-fifo')
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0)
  const ac2 = new AbortController()
  const reading = m.countFileLines(fifo, { signal: ac2.signal })
  const fd = fs.openSync(fifo, 'w') // returns once the task has opened the FIFO
  fs.writeSync(fd, Buffer.from('needle\n'.repeat(50000)))
  ac2.abort()
  fs.writeSync(fd, Buffer.from('needle\n'))
  await assert.rejects(reading, { name: 'AbortError' })
  fs.closeSync(fd)
  m.close()
  assert.equal(liveObjects(), 0)
})
