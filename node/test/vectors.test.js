'use strict'
// Runs every case of tests/vectors/*.json (format: tests/vectors/README.md) through the
// public API, twice: with Buffer input (byte offsets, compared as is) and, when the
// haystack is valid UTF-8, with string input (offsets converted to UTF-16 here). Each run
// has an async pass: countAsync (one and two threads), findAllAsync and replaceAllAsync
// give the sync answers, and for literal sets over Buffers so do countFile and scanFile on
// the haystack written to a file. `expect.lines` is checked by countLines, and by
// countFileLines (one and two threads) on the haystack written to a file.

const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const os = require('node:os')
const { Matcher, HayscanError, liveObjects } = require('..')

const VECTORS = path.join(__dirname, '..', '..', 'tests', 'vectors')
const utf8 = new TextDecoder('utf-8', { fatal: true })

function bytes (v) {
  if (typeof v === 'string') return Buffer.from(v, 'utf8')
  return Buffer.from(v.base64, 'base64')
}

function asText (buf) {
  try {
    return utf8.decode(buf)
  } catch {
    return null
  }
}

// Every option and expectation this runner knows; a vector using another one fails
// instead of being half-run (tests/vectors/README.md: never skip silently).
const OPTION_KEYS = ['syntax', 'match_kind', 'case_insensitive', 'ascii_classes', 'whole_words', 'max_line_len']
const EXPECT_KEYS = ['matches', 'captures', 'group_names', 'replace', 'stream', 'error', 'lines']

function options (o) {
  if (!o) return undefined
  for (const k of Object.keys(o)) assert.ok(OPTION_KEYS.includes(k), `unknown vector option ${k}`)
  const out = {}
  if (o.syntax !== undefined) out.syntax = o.syntax
  if (o.match_kind !== undefined) out.matchKind = o.match_kind.replace('_', '-')
  if (o.case_insensitive !== undefined) out.caseInsensitive = o.case_insensitive
  if (o.ascii_classes !== undefined) out.asciiClasses = o.ascii_classes
  if (o.whole_words !== undefined) out.wholeWords = o.whole_words
  if (o.max_line_len !== undefined) out.maxLineLen = o.max_line_len
  return out
}

// UTF-16 offset of byte offset `at` in valid UTF-8 `buf`, by the documented rule: the
// units of every character whose first byte is before `at`.
function utf16At (text, at) {
  let byte = 0
  let units = 0
  for (const ch of text) {
    if (byte >= at) break
    byte += Buffer.byteLength(ch, 'utf8')
    units += ch.length
  }
  return units
}

function triples (list) {
  return list.map((m) => [m.pattern, m.start, m.end])
}

// Splits `input` (Buffer or string) into chunks whose sizes cycle through `sizes`.
function chunked (input, sizes) {
  const out = []
  let at = 0
  for (let i = 0; at < input.length; i = (i + 1) % sizes.length) {
    const end = Math.min(at + sizes[i], input.length)
    out.push(input.slice(at, end))
    at = end
  }
  return out
}

function checkError (err, want) {
  assert.ok(err instanceof HayscanError, `expected a HayscanError, got ${err}`)
  assert.ok(err instanceof Error)
  assert.equal(err.code, want.code)
  if (want.pattern_index !== undefined) assert.equal(err.patternIndex, want.pattern_index)
}

function checkMatches (m, hay, want, text) {
  assert.deepEqual(triples(m.findAll(hay)), want, 'findAll')
  assert.equal(m.count(hay), want.length, 'count')
  const first = m.find(hay)
  assert.deepEqual(first && [first.pattern, first.start, first.end], want[0] || null, 'find')
  assert.equal(m.isMatch(hay), want.length > 0, 'isMatch')
  const scanned = []
  const report = m.scan(hay, (x) => { scanned.push(x) })
  assert.deepEqual(triples(scanned), want, 'scan')
  assert.deepEqual(report, { matches: want.length, stopped: false }, 'scan report')
  assert.deepEqual(triples([...m.matches(hay)]), want, 'matches()')
  if (text !== undefined) {
    for (const x of [...m.findAll(hay), ...scanned]) {
      assert.equal(x.text, text.slice(x.start, x.end), 'text')
    }
  }
}

// The answers without a match object per match, derived from `want` (tests/vectors/
// README.md): per-pattern counts, sorted distinct ids, first match per pattern, the
// columns of findAll, and the _many forms over [hay, empty, hay].
function checkAnswers (m, hay, want, text) {
  const n = m.patternCount
  const counts = new Array(n).fill(0)
  const firsts = new Array(n).fill(null)
  for (const [p, s, e] of want) {
    counts[p]++
    if (firsts[p] === null) firsts[p] = [p, s, e]
  }
  const byPattern = m.countByPattern(hay)
  assert.ok(byPattern instanceof Float64Array, 'countByPattern type')
  assert.deepEqual(Array.from(byPattern), counts, 'countByPattern')
  const ids = m.matchingPatterns(hay)
  assert.ok(ids instanceof Uint32Array, 'matchingPatterns type')
  assert.deepEqual(Array.from(ids), counts.flatMap((c, p) => c > 0 ? [p] : []), 'matchingPatterns')
  const first = m.firstMatchPerPattern(hay)
  assert.deepEqual(first.map((x) => x && [x.pattern, x.start, x.end]), firsts, 'firstMatchPerPattern')
  const cols = m.findAllColumns(hay)
  assert.ok(cols.pattern instanceof Uint32Array && cols.start instanceof Float64Array && cols.end instanceof Float64Array, 'column types')
  assert.deepEqual(Array.from(cols.pattern, (p, i) => [p, cols.start[i], cols.end[i]]), want, 'findAllColumns')
  const empty = typeof hay === 'string' ? '' : Buffer.alloc(0)
  const inputs = [hay, empty, hay]
  assert.deepEqual(m.isMatchMany(inputs), [want.length > 0, m.isMatch(empty), want.length > 0], 'isMatchMany')
  const emptyCount = m.count(empty)
  assert.deepEqual(m.countMany(inputs), [want.length, emptyCount, want.length], 'countMany')
  const many = m.findMany(inputs)
  assert.equal(many.length, 3, 'findMany: one list per input')
  assert.deepEqual(triples(many[0]), want, 'findMany[0]')
  assert.deepEqual(triples(many[1]), triples(m.findAll(empty)), 'findMany[1]')
  assert.deepEqual(triples(many[2]), want, 'findMany[2]')
  if (text !== undefined) {
    for (const x of [...first.filter(Boolean), ...many[0], ...many[2]]) {
      assert.equal(x.text, text.slice(x.start, x.end), 'text')
    }
  } else {
    for (const x of [...first.filter(Boolean), ...many[0]]) assert.equal(x.text, undefined, 'no text for bytes')
  }
}

// `want` holds, per match of `found`, each group as [start, end] (already in the units of
// `hay`) or null.
function checkCaptures (m, hay, found, want, text) {
  assert.equal(found.length, want.length, 'one captures entry per match')
  for (let i = 0; i < found.length; i++) {
    const caps = m.captures(hay, found[i])
    assert.equal(caps.pattern, found[i].pattern, 'captures pattern')
    assert.deepEqual(caps.groups.map((g) => g && [g.start, g.end]), want[i], `captures of match ${i}`)
    for (const g of caps.groups) {
      if (g === null) continue
      if (text === undefined) assert.equal(g.text, undefined, 'no text for byte input')
      else assert.equal(g.text, text.slice(g.start, g.end), 'group text')
    }
    // `named` holds the same groups under the pattern's names.
    const names = m.groupNames(found[i].pattern)
    assert.equal(names.length, caps.groups.length, 'a name (or null) per group')
    const named = Object.fromEntries(names.flatMap((n, g) => n === null ? [] : [[n, caps.groups[g]]]))
    assert.deepEqual({ ...caps.named }, named, 'named groups')
  }
}

function checkReplace (m, hay, rep, expectText) {
  const withList = rep.with.map(bytes)
  const withArg = expectText ? withList.map((b) => asText(b) ?? b) : withList
  const replaceFn = (x) => withArg.length === 1 ? withArg[0] : (withArg[x.pattern] ?? '')
  if (rep.error) {
    assert.throws(() => m.replaceAll(hay, withArg), (e) => { checkError(e, rep.error); return true })
    if (withArg.length === 1 || withArg.length === m.patternCount) {
      assert.throws(() => m.replaceWith(hay, replaceFn), (e) => { checkError(e, rep.error); return true })
    }
    return
  }
  const want = bytes(rep.output)
  const all = m.replaceAll(hay, withArg)
  const via = m.replaceWith(hay, replaceFn)
  if (expectText) {
    assert.equal(all, asText(want), 'replaceAll')
    assert.equal(via, asText(want), 'replaceWith')
  } else {
    assert.ok(Buffer.isBuffer(all) && Buffer.isBuffer(via))
    assert.deepEqual(all, want, 'replaceAll')
    assert.deepEqual(via, want, 'replaceWith')
  }
}

function checkStream (m, input, sizesList, want) {
  for (const sizes of sizesList) {
    const s = m.stream()
    const got = []
    s.on((x) => { got.push(x) })
    for (const chunk of chunked(input, sizes)) s.write(chunk)
    s.end()
    assert.deepEqual(triples(got), want, `stream with chunk sizes ${JSON.stringify(sizes)}`)
    if (typeof input === 'string') {
      for (const x of got) assert.equal(x.text, input.slice(x.start, x.end), 'stream text')
    }
  }
}

let fileSeq = 0
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'hayscan-vectors-'))
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }))

async function checkAsync (m, hay, c, want, text) {
  if (want !== undefined) {
    const found = await m.findAllAsync(hay)
    assert.deepEqual(triples(found), want, 'findAllAsync')
    if (text !== undefined) {
      for (const x of found) assert.equal(x.text, text.slice(x.start, x.end), 'findAllAsync text')
    }
    assert.equal(await m.countAsync(hay), want.length, 'countAsync')
    assert.equal(await m.countAsync(hay, { threads: 2 }), want.length, 'countAsync, 2 threads')
    if (text === undefined && (c.options?.syntax ?? 'literal') === 'literal') {
      const file = path.join(TMP, `case-${fileSeq++}`)
      fs.writeFileSync(file, hay)
      assert.equal(await m.countFile(file), want.length, 'countFile')
      const scanned = []
      const report = await m.scanFile(file, (x) => { scanned.push(x) }, { batch: 2 })
      assert.deepEqual(triples(scanned), want, 'scanFile')
      assert.deepEqual(report, { matches: want.length, stopped: false }, 'scanFile report')
      fs.rmSync(file)
    }
  }
  const rep = c.expect.replace
  if (rep) {
    const withList = rep.with.map(bytes)
    const withArg = text !== undefined ? withList.map((b) => asText(b) ?? b) : withList
    if (rep.error) {
      await assert.rejects(m.replaceAllAsync(hay, withArg), (e) => { checkError(e, rep.error); return true })
    } else {
      assert.deepEqual(await m.replaceAllAsync(hay, withArg), m.replaceAll(hay, withArg), 'replaceAllAsync')
    }
  }
}

// `count_lines`, in memory and of the haystack's bytes written to a file (the file only
// once per case: its bytes are the same in every mode).
async function checkLines (m, hay, hayBytes, want, mode) {
  assert.equal(m.countLines(hay), want, 'countLines')
  if (mode !== 'buffer') return
  const file = path.join(TMP, `case-${fileSeq++}`)
  fs.writeFileSync(file, hayBytes)
  assert.equal(await m.countFileLines(file), want, 'countFileLines')
  assert.equal(await m.countFileLines(file, { threads: 2 }), want, 'countFileLines, 2 threads')
  fs.rmSync(file)
}

async function runCase (c, mode) {
  const patternBytes = c.patterns.map(bytes)
  // Patterns as JS strings where they are text (as users write them), else Buffers;
  // the `buffer-patterns` mode passes every pattern as a Buffer.
  const patterns = mode === 'buffer-patterns'
    ? patternBytes
    : patternBytes.map((b, i) => typeof c.patterns[i] === 'string' ? c.patterns[i] : b)
  const opts = options(c.options)
  const expect = c.expect
  for (const k of Object.keys(expect)) assert.ok(EXPECT_KEYS.includes(k), `unknown vector expectation ${k}`)
  if (expect.error) {
    assert.throws(() => new Matcher(patterns, opts), (e) => { checkError(e, expect.error); return true })
    return
  }
  const m = new Matcher(patterns, opts)
  try {
    const hayBytes = bytes(c.haystack)
    const text = mode === 'string' ? asText(hayBytes) : null
    const toUnits = (list) => list.map(([p, s, e]) => [p, utf16At(text, s), utf16At(text, e)])
    const hay = text === null ? hayBytes : text
    if (expect.matches) {
      const want = text === null ? expect.matches : toUnits(expect.matches)
      checkMatches(m, hay, want, text ?? undefined)
      checkAnswers(m, hay, want, text ?? undefined)
    }
    if (expect.captures) {
      const want = expect.captures.map((groups) => groups.map((g) => g && (text === null ? g : [utf16At(text, g[0]), utf16At(text, g[1])])))
      checkCaptures(m, hay, m.findAll(hay), want, text ?? undefined)
    }
    if (expect.group_names) {
      expect.group_names.forEach((names, pattern) => {
        assert.deepEqual(m.groupNames(pattern), names, `group names of pattern ${pattern}`)
      })
    }
    if (expect.lines !== undefined) await checkLines(m, hay, hayBytes, expect.lines, mode)
    if (expect.replace) checkReplace(m, hay, expect.replace, text !== null)
    if (expect.stream) {
      const wantBytes = expect.stream.matches || expect.matches
      const want = text === null ? wantBytes : toUnits(wantBytes)
      checkStream(m, hay, expect.stream.chunks, want)
    }
    const want = expect.matches && (text === null ? expect.matches : toUnits(expect.matches))
    await checkAsync(m, hay, c, want, text ?? undefined)
  } finally {
    m.close()
  }
  assert.equal(liveObjects(), 0, 'no task or matcher left')
}

const files = fs.readdirSync(VECTORS).filter((f) => f.endsWith('.json')).sort()
let total = 0
for (const file of files) {
  const doc = JSON.parse(fs.readFileSync(path.join(VECTORS, file), 'utf8'))
  describe(`vectors/${file}`, () => {
    for (const c of doc.cases) {
      total++
      const skip = c.skip && c.skip.node
      const isText = asText(bytes(c.haystack)) !== null
      for (const mode of ['buffer', 'buffer-patterns', 'string']) {
        const why = skip || (mode === 'string' && !isText && 'haystack is not UTF-8: Buffer runs only')
        it(`${c.name} [${mode}]`, { skip: why }, () => runCase(c, mode))
      }
    }
  })
}

it('there are vectors to run', () => {
  assert.ok(files.length >= 3, `vector files: ${files}`)
  assert.ok(total >= 60, `only ${total} vectors`)
})
