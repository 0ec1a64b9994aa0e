'use strict'
// Side-by-side benchmark of hayscan in Node against what Node users would otherwise use:
// a RegExp alternation and pure-JS Aho-Corasick packages from npm (modern-ahocorasick,
// ahocorasick). Run it with node/scripts/bench.sh (QUICK=1 for a short run).
//
// Corpus: English-like text generated deterministically (seeded PRNG, Zipf-distributed
// words) from /usr/share/dict/words when present, else from a seeded syllable generator.
// A second corpus has 1 token in 64 non-ASCII (accents, emoji), so the string path really
// converts UTF-16 offsets; modern-ahocorasick is super-linear on such text (it segments
// graphemes), so it runs on a prefix there, as labelled.
// Keywords: the N most frequent corpus words (dense matches), or the same words with a
// suffix that never occurs (sparse). Throughput is UTF-8 bytes of the corpus per second
// for every contender, so string and Buffer rows are comparable.
//
// Prints markdown tables and writes bench/out/node.json. No thresholds: numbers only.

const fs = require('node:fs')
const path = require('node:path')
const os = require('node:os')

const nodeDir = path.join(__dirname, '..', '..', 'node')
const { Matcher, version } = require(nodeDir)
const requireDev = require('node:module').createRequire(path.join(nodeDir, 'package.json'))
const ModernAhoCorasick = requireDev('modern-ahocorasick').default || requireDev('modern-ahocorasick')
const ClassicAhoCorasick = requireDev('ahocorasick')

const QUICK = process.env.QUICK === '1'
const CORPUS_BYTES = QUICK ? 1 << 20 : 8 << 20
const SIZES = [10, 1000, 10000]
const MIN_TIME_NS = QUICK ? 0.2e9 : 1e9 // repeat a measurement until it ran this long
const MAX_REPS = QUICK ? 3 : 7
const gc = typeof global.gc === 'function' ? global.gc : () => {}

// ---- deterministic corpus -------------------------------------------------------------

function mulberry32 (seed) {
  return function () {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function vocabulary (rand) {
  const dict = '/usr/share/dict/words'
  let words
  if (fs.existsSync(dict)) {
    words = [...new Set(fs.readFileSync(dict, 'utf8').split('\n').filter((w) => /^[a-z]{3,}$/.test(w)))]
  } else {
    const syl = ['ka', 'ri', 'to', 'men', 'sa', 'lo', 've', 'dan', 'pe', 'us', 'or', 'el', 'tri', 'ban', 'co']
    const set = new Set()
    while (set.size < 60000) {
      let w = ''
      const n = 2 + Math.floor(rand() * 3)
      for (let i = 0; i < n; i++) w += syl[Math.floor(rand() * syl.length)]
      set.add(w)
    }
    words = [...set]
  }
  // A deterministic shuffle, then the first 30,000 words are the corpus vocabulary,
  // ranked by frequency (Zipf).
  for (let i = words.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[words[i], words[j]] = [words[j], words[i]]
  }
  return { source: fs.existsSync(dict) ? dict : 'seeded syllables', ranked: words.slice(0, 30000) }
}

function corpus (nonAsciiRate) {
  const rand = mulberry32(20240601)
  const { source, ranked } = vocabulary(rand)
  const cumulative = new Float64Array(ranked.length)
  let sum = 0
  for (let r = 0; r < ranked.length; r++) {
    sum += 1 / (r + 1)
    cumulative[r] = sum
  }
  const pick = () => {
    const x = rand() * sum
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid] < x) lo = mid + 1
      else hi = mid
    }
    return ranked[lo]
  }
  const nonAscii = ['café', 'naïve', 'über', 'façade', 'jalapeño', 'Ångström', '😀', 'smörgåsbord']
  const parts = []
  let bytes = 0
  let sinceBreak = 0
  while (bytes < CORPUS_BYTES) {
    const w = rand() < nonAsciiRate ? nonAscii[Math.floor(rand() * nonAscii.length)] : pick()
    sinceBreak++
    let sep = ' '
    if (sinceBreak > 8 && rand() < 0.15) {
      sep = rand() < 0.3 ? '.\n' : ', '
      sinceBreak = 0
    }
    parts.push(w, sep)
    bytes += Buffer.byteLength(w) + sep.length
  }
  const text = parts.join('')
  return { source, ranked, text, buf: Buffer.from(text) }
}

// ---- measurement ----------------------------------------------------------------------

function measure (fn) {
  gc()
  let result = fn() // warm-up (and the value checked by the caller)
  const times = []
  let total = 0
  while (times.length < MAX_REPS && (total < MIN_TIME_NS || times.length < 2)) {
    // Every run starts from a collected heap: the results of findAll-like runs are large,
    // and collecting the previous run's inside the next one's time makes numbers jump.
    gc()
    const t0 = process.hrtime.bigint()
    result = fn()
    const dt = Number(process.hrtime.bigint() - t0)
    times.push(dt)
    total += dt
    if (dt > 4e9) break // slow contenders: one timed run is enough
  }
  times.sort((a, b) => a - b)
  return { ns: times[Math.floor(times.length / 2)], result }
}

function once (fn) {
  const t0 = process.hrtime.bigint()
  const result = fn()
  return { ns: Number(process.hrtime.bigint() - t0), result }
}

const mbps = (bytes, ns) => bytes / 1e6 / (ns / 1e9)
const fmt = (x, digits = 1) => x >= 100 ? x.toFixed(0) : x.toFixed(digits)

function escapeRegExp (s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

// RegExp alternation: all matches as objects, the way one would write it.
function regexpFindAll (re, text) {
  const out = []
  re.lastIndex = 0
  let m
  while ((m = re.exec(text)) !== null) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] })
  return out
}

function regexpCount (re, text) {
  let n = 0
  re.lastIndex = 0
  while (re.exec(text) !== null) n++
  return n
}

// ---- the benchmark --------------------------------------------------------------------

function throughput (c, results) {
  const bytes = c.buf.length
  for (const n of SIZES) {
    for (const density of ['dense', 'sparse']) {
      const keywords = c.ranked.slice(0, n).map((w) => density === 'dense' ? w : w + 'qzx')
      const rows = []
      const add = (name, op, { ns, result }, matches) => rows.push({ name, op, mbps: mbps(bytes, ns), matches })

      const build = {}
      let t = once(() => new Matcher(keywords))
      const hay = t.result
      build.hayscan = t.ns
      t = once(() => new Matcher(keywords, { matchKind: 'overlapping' }))
      const hayOverlap = t.result
      t = once(() => { const re = new RegExp(keywords.map(escapeRegExp).join('|'), 'g'); re.test('warm'); return re })
      const re = t.result
      build.regexp = t.ns
      t = once(() => new ModernAhoCorasick(keywords))
      const modern = t.result
      build.modern = t.ns
      t = once(() => new ClassicAhoCorasick(keywords))
      const classic = t.result
      build.classic = t.ns

      if (density === 'dense') {
        add('hayscan', 'findAll(string)', measure(() => hay.findAll(c.text).length), null)
        add('hayscan', 'findAll(Buffer)', measure(() => hay.findAll(c.buf).length), null)
      }
      add('hayscan', 'count(string)', measure(() => hay.count(c.text)), null)
      add('hayscan', 'count(Buffer)', measure(() => hay.count(c.buf)), null)
      if (density === 'dense') add('RegExp alternation', 'exec loop → objects', measure(() => regexpFindAll(re, c.text).length), null)
      add('RegExp alternation', 'exec loop, count', measure(() => regexpCount(re, c.text)), null)
      if (density === 'dense') {
        add('modern-ahocorasick', 'search leftmost-first', measure(() => modern.search(c.text, { strategy: 'leftmost-first' }).length), null)
        add('hayscan overlapping', 'findAll(string)', measure(() => hayOverlap.findAll(c.text).length), null)
        add('modern-ahocorasick', 'search (all overlaps)', measure(() => modern.search(c.text).length), null)
        add('ahocorasick', 'search (all overlaps)', measure(() => classic.search(c.text).reduce((k, [, ws]) => k + ws.length, 0)), null)
      }
      add('modern-ahocorasick', 'count (all overlaps)', measure(() => modern.count(c.text)), null)

      // Match counts, for the reader to see like is compared with like.
      const counts = {
        leftmostFirst: hay.count(c.buf),
        regexp: regexpCount(re, c.text),
        overlapping: hayOverlap.count(c.buf),
      }
      for (const r of rows) {
        r.matches = r.name === 'hayscan overlapping' || /all overlaps/.test(r.op) ? counts.overlapping : counts.leftmostFirst
      }
      const ref = rows.find((r) => r.name === 'RegExp alternation' && r.op.startsWith('exec loop → objects')) ||
        rows.find((r) => r.name === 'RegExp alternation')
      results.throughput.push({ keywords: n, density, build, memory: hay.memoryUsage, counts, rows, reference: `${ref.name} ${ref.op}` })

      console.log(`\n### ${n.toLocaleString('en')} keywords, ${density} (${counts.leftmostFirst.toLocaleString('en')} leftmost matches, ${counts.overlapping.toLocaleString('en')} overlapping; RegExp finds ${counts.regexp.toLocaleString('en')})\n`)
      console.log('| contender | operation | MB/s | vs RegExp |')
      console.log('|---|---|---:|---:|')
      for (const r of rows) {
        console.log(`| ${r.name} | ${r.op} | ${fmt(r.mbps)} | ${fmt(r.mbps / ref.mbps, 2)}x |`)
      }
      console.log(`\nbuild: hayscan ${fmt(build.hayscan / 1e6, 2)} ms (${(hay.memoryUsage / 1024).toFixed(0)} KiB), RegExp ${fmt(build.regexp / 1e6, 2)} ms, modern-ahocorasick ${fmt(build.modern / 1e6, 2)} ms, ahocorasick ${fmt(build.classic / 1e6, 2)} ms`)
      for (const m of [hay, hayOverlap]) m.close()
    }
  }
}

function nonAsciiText (results) {
  const c = corpus(1 / 64)
  const bytes = c.buf.length
  const keywords = c.ranked.slice(0, 1000)
  const hay = new Matcher(keywords)
  const re = new RegExp(keywords.map(escapeRegExp).join('|'), 'g')
  const classic = new ClassicAhoCorasick(keywords)
  const modern = new ModernAhoCorasick(keywords)
  const prefix = c.text.slice(0, 32 * 1024)
  const prefixBytes = Buffer.byteLength(prefix)
  const rows = []
  const add = (name, op, n, { ns }) => rows.push({ name, op, mbps: mbps(n, ns) })
  add('hayscan', 'findAll(string)', bytes, measure(() => hay.findAll(c.text).length))
  add('hayscan', 'findAll(Buffer)', bytes, measure(() => hay.findAll(c.buf).length))
  add('hayscan', 'count(string)', bytes, measure(() => hay.count(c.text)))
  add('hayscan', 'count(Buffer)', bytes, measure(() => hay.count(c.buf)))
  add('RegExp alternation', 'exec loop → objects', bytes, measure(() => regexpFindAll(re, c.text).length))
  add('ahocorasick', 'search (all overlaps)', bytes, measure(() => classic.search(c.text).length))
  add('modern-ahocorasick', 'search leftmost-first, first 32 KiB only', prefixBytes, measure(() => modern.search(prefix, { strategy: 'leftmost-first' }).length))
  hay.close()
  const ref = rows.find((r) => r.name === 'RegExp alternation')
  results.nonAscii = { keywords: 1000, bytes, rows }
  console.log(`\n### 1,000 keywords, dense, text with 1/64 non-ASCII words (${(bytes / 1e6).toFixed(1)} MB)\n`)
  console.log('| contender | operation | MB/s | vs RegExp |')
  console.log('|---|---|---:|---:|')
  for (const r of rows) console.log(`| ${r.name} | ${r.op} | ${fmt(r.mbps, 2)} | ${fmt(r.mbps / ref.mbps, 3)}x |`)
}

function perCall (c, results) {
  const iterations = QUICK ? 200000 : 2000000
  const rand = mulberry32(7)
  // 100-byte ASCII inputs from the corpus vocabulary (beyond the top 10 keywords).
  const inputs = []
  for (let i = 0; i < 64; i++) {
    let s = ''
    while (s.length < 100) s += c.ranked[100 + Math.floor(rand() * 20000)] + ' '
    inputs.push(s.slice(0, 100))
  }
  const bufs = inputs.map((s) => Buffer.from(s))
  const rows = []
  const time = (name, fn) => {
    let hits = 0
    for (let i = 0; i < 10000; i++) hits += fn(i & 63) ? 1 : 0
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) hits += fn(i & 63) ? 1 : 0
    const ns = Number(process.hrtime.bigint() - t0) / iterations
    rows.push({ name, ns, hits })
  }
  for (const n of [1, 10]) {
    const kw = c.ranked.slice(0, n).map((w) => w + 'qzx') // never found: the whole input is scanned
    const m = new Matcher(kw)
    const re = new RegExp(kw.map(escapeRegExp).join('|'))
    time(`${n} keyword(s): hayscan isMatch(string)`, (i) => m.isMatch(inputs[i]))
    time(`${n} keyword(s): hayscan isMatch(Buffer)`, (i) => m.isMatch(bufs[i]))
    time(`${n} keyword(s): RegExp.test`, (i) => re.test(inputs[i]))
    if (n === 1) time(`${n} keyword(s): String.prototype.includes`, (i) => inputs[i].includes(kw[0]))
    else time(`${n} keyword(s): keywords.some(k => s.includes(k))`, (i) => kw.some((k) => inputs[i].includes(k)))
    m.close()
  }
  results.perCall = rows
  console.log(`\n### isMatch on a 100-byte string (no match: the whole input is scanned), ${iterations.toLocaleString('en')} calls\n`)
  console.log('| operation | ns/call |')
  console.log('|---|---:|')
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.ns)} |`)
}

function perMatch (c, results) {
  const keywords = c.ranked.slice(0, 1000)
  const m = new Matcher(keywords)
  const re = new RegExp(keywords.map(escapeRegExp).join('|'), 'g')
  const total = m.count(c.buf)
  const rows = []
  const add = (name, fn) => {
    const { ns } = measure(fn)
    rows.push({ name, nsPerMatch: ns / total })
  }
  let sink = 0
  add('hayscan count(Buffer) (no objects: the floor)', () => m.count(c.buf))
  add('hayscan findAll(string): object per match', () => m.findAll(c.text).length)
  add('hayscan findAll(Buffer): object per match', () => m.findAll(c.buf).length)
  add('hayscan scan(string, cb)', () => m.scan(c.text, (x) => { sink += x.start }))
  add('hayscan scan(Buffer, cb)', () => m.scan(c.buf, (x) => { sink += x.start }))
  add('hayscan for...of matches(string)', () => { for (const x of m.matches(c.text)) sink += x.start })
  add('hayscan replaceWith(string, cb): callback from Rust', () => m.replaceWith(c.text, (x) => x.text).length)
  add('hayscan stream handler (Buffer, 64 KiB chunks)', () => {
    const s = m.stream()
    s.on((x) => { sink += x.start })
    for (let i = 0; i < c.buf.length; i += 65536) s.write(c.buf.subarray(i, i + 65536))
    s.end()
  })
  add('RegExp exec loop with a callback', () => {
    re.lastIndex = 0
    let x
    const cb = (y) => { sink += y.index }
    while ((x = re.exec(c.text)) !== null) cb(x)
  })
  add('String.prototype.replace(RegExp, fn)', () => c.text.replace(re, (w) => w).length)
  m.close()
  results.perMatch = { keywords: 1000, matches: total, rows }
  console.log(`\n### Per-match cost, 1,000 keywords, ${total.toLocaleString('en')} matches\n`)
  console.log('| operation | ns/match |')
  console.log('|---|---:|')
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.nsPerMatch)} |`)
  return sink
}

function main () {
  const c = corpus(0)
  const results = {
    date: new Date().toISOString(),
    hayscan: version(),
    node: process.version,
    cpu: os.cpus()[0].model,
    quick: QUICK,
    loadAverage: os.loadavg(),
    corpus: { source: c.source, bytes: c.buf.length, utf16Units: c.text.length },
    throughput: [],
  }
  console.log(`# hayscan ${version()} on Node ${process.version}, ${os.cpus()[0].model} x${os.cpus().length}, load average ${os.loadavg()[0].toFixed(2)}`)
  console.log(`corpus: ${(c.buf.length / 1e6).toFixed(1)} MB (${c.source}, Zipf-distributed words)${QUICK ? ' [QUICK]' : ''}`)
  throughput(c, results)
  nonAsciiText(results)
  perCall(c, results)
  perMatch(c, results)
  const outDir = path.join(__dirname, '..', 'out')
  fs.mkdirSync(outDir, { recursive: true })
  fs.writeFileSync(path.join(outDir, 'node.json'), JSON.stringify(results, null, 2) + '\n')
  console.log(`\nload average at the end ${os.loadavg()[0].toFixed(2)}; results: ${path.relative(process.cwd(), path.join(outDir, 'node.json'))}`)
}

main()
