// Node driver of the cross-host benchmark (bench/README.md): hayscan (napi-rs addon; string
// and Buffer input) against what Node users otherwise write — a RegExp alternation and
// pure-JS Aho-Corasick packages from npm (`ahocorasick`, `modern-ahocorasick/fast`, taken
// from node/'s devDependencies) — on the data of bench/corpus/generate.py, printing one
// JSON object per measurement in the common schema.
//
//   node driver.mjs --data DIR [--reps 3] [--calls 1000000] [--budget 0.25]
//   node driver.mjs --data DIR --memory hayscan:dense-10000
//   node driver.mjs --data DIR --workload answers   (only the `answers` rows)
//
// Slow contenders run on a prefix of the corpus sized so one run takes about --budget
// seconds ("capped": true in the row). Throughput is always UTF-8 bytes per second of the
// same corpus, whatever the input type, so every host's numbers compare.

import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const nodePkg = path.resolve(here, '../../node')
const require = createRequire(path.join(nodePkg, 'package.json'))

const SET_SIZES = [10, 1000, 10000, 100000]
const TRIAL_CHARS = 4096

const opt = { data: 'bench/data/quick', reps: '3', calls: '1000000', budget: '0.25', memory: null, 'min-rep-ms': '20', workload: 'all' }
const argv = process.argv.slice(2)
while (argv.length) {
  const flag = argv.shift()
  const key = flag.replace(/^--/, '')
  if (!flag.startsWith('--') || !(key in opt) || !argv.length) {
    console.error('usage: node driver.mjs --data DIR [--reps N] [--calls N] [--budget S] [--memory IMPL:SET] [--workload all|answers]')
    process.exit(2)
  }
  opt[key] = argv.shift()
}
const DIR = opt.data
if (!['all', 'answers'].includes(opt.workload)) {
  console.error(`unknown workload ${opt.workload} (all, answers)`)
  process.exit(2)
}
const REPS = Math.max(1, Number(opt.reps))
const BUDGET = Number(opt.budget)
const MIN_REP = Number(opt['min-rep-ms']) / 1000

function emit (row) {
  const out = { schema: 'hayscan-bench/1', host: 'node', ...row }
  out.status ??= 'ok'
  process.stdout.write(JSON.stringify(out) + '\n')
}

function stats (times, bytes, calls) {
  const sorted = [...times].sort((a, b) => a - b)
  const n = sorted.length
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
  const s = { reps: n, times_s: times, median_s: median, min_s: sorted[0], max_s: sorted[n - 1] }
  if (bytes != null && median > 0) s.mbps = bytes / median / 1e6
  if (calls != null) s.ns_per_call = (median * 1e9) / calls
  return s
}

function vmKb (field) {
  try {
    const m = fs.readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}\\s+(\\d+)`, 'm'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

const clock = () => Number(process.hrtime.bigint()) / 1e9

function loadText (name) {
  try {
    return fs.readFileSync(path.join(DIR, name), 'utf8')
  } catch (e) {
    console.error(`${e.message}: run bench/corpus/generate.py`)
    process.exit(1)
  }
}

function patterns (set) {
  return loadText(`patterns/${set}.txt`).split('\n').filter((p) => p !== '')
}

/** The first ~len characters of text, cut after a separator so no word is split. */
function prefix (text, len, sep) {
  if (len >= text.length) return text
  const cut = text.lastIndexOf(sep, len)
  return text.slice(0, cut > 0 ? cut + 1 : len)
}

const utf8Bytes = (x) => (typeof x === 'string' ? Buffer.byteLength(x) : x.length)

/**
 * Times fn(input): a warm-up run, then REPS repetitions of `inner` runs each (`inner`
 * chosen so a repetition lasts at least MIN_REP). With cappable (string input only), a
 * trial on a 4 KB prefix predicts the cost and, if the whole text would take more than
 * BUDGET, the measurement runs on a prefix sized to the budget.
 */
// For a 100 ms sleep (see `measure`).
const PAUSE = new Int32Array(new SharedArrayBuffer(4))

function measure (fn, input, { cappable = false, sep = ' ', maxChars = Infinity } = {}) {
  try {
    let capped = false
    if (input.length > maxChars) {
      input = prefix(input, maxChars, sep)
      capped = true
    }
    let growth = 1
    if (cappable) {
      // Two trials, on 4 KB and 8 KB, give the cost and how it grows with the input
      // (some contenders are superlinear): t(len) = t2 * (len / len2) ** growth.
      const trial = prefix(input, TRIAL_CHARS, sep)
      let t = clock()
      const r = fn(trial)
      const spent = clock() - t
      if (spent > 2 * BUDGET) {
        return { times: [spent], inner: 1, result: r, bytes: utf8Bytes(trial), capped: true, growth: null }
      }
      const trial2 = prefix(input, 2 * TRIAL_CHARS, sep)
      t = clock()
      fn(trial2)
      const spent2 = clock() - t
      growth = Math.min(3, Math.max(1, Math.log(spent2 / Math.max(spent, 1e-9)) / Math.log(trial2.length / trial.length)))
      const predicted = spent2 * (input.length / trial2.length) ** growth
      if (predicted > BUDGET) {
        const len = trial2.length * (BUDGET / spent2) ** (1 / growth)
        input = prefix(input, Math.max(TRIAL_CHARS, Math.floor(len)), sep)
        capped = true
      }
    }
    let t = clock()
    let result = fn(input)
    const warm = clock() - t
    // A contender whose cost grows faster than the input: the warm-up is the measurement.
    if (cappable && warm > 2 * BUDGET) return { times: [warm], inner: 1, result, bytes: utf8Bytes(input), capped, growth }
    const inner = warm >= MIN_REP ? 1 : Math.floor(MIN_REP / Math.max(warm, 1e-7)) + 1
    const times = []
    for (let r = 0; r < REPS; r++) {
      // Each repetition starts from a collected heap (bench/run.sh passes --expose-gc):
      // the garbage of earlier rows and repetitions otherwise lands its collection in
      // whichever measurement comes next, which swings object-heavy rows by 2x. Then a
      // pause: V8 sweeps after gc() on background threads, and on this 2-core machine a
      // count timed right after ran 20% slower (measured), for every side alike.
      if (typeof globalThis.gc === 'function') {
        result = null
        globalThis.gc()
        Atomics.wait(PAUSE, 0, 0, 100)
      }
      t = clock()
      for (let k = 0; k < inner; k++) {
        result = null // never hold two results while the next is built
        result = fn(input)
      }
      times.push((clock() - t) / inner)
    }
    return { times, inner, result, bytes: utf8Bytes(input), capped, growth }
  } catch (e) {
    return { error: `${e.name}: ${String(e.message).slice(0, 300)}` }
  }
}

function report (base, m, matches, extra = {}) {
  if (m.error) {
    emit({ ...base, status: 'error', reason: m.error, ...extra })
    return
  }
  const row = { ...base, bytes: m.bytes, capped: m.capped, inner: m.inner }
  const notes = [extra.note]
  if (m.growth != null && m.growth > 1.3) notes.push(`cost grows as input^${m.growth.toFixed(1)}: measured on a prefix, slower on longer input`)
  if (matches) row.matches = matches(m.result)
  emit({ ...row, ...extra, note: notes.filter(Boolean).join('; ') || undefined, ...stats(m.times, m.bytes) })
}

function timeBuild (build) {
  const times = []
  let result
  try {
    for (let r = 0; r < REPS; r++) {
      result = undefined
      const t = clock()
      result = build()
      times.push(clock() - t)
      if (times.at(-1) > 1.0) break
    }
  } catch (e) {
    return { error: `${e.name}: ${String(e.message).slice(0, 300)}` }
  }
  return { times, result }
}

const escape = (w) => w.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
/** A RegExp alternation of literal words (leftmost-first, like hayscan's default). */
const alternation = (words) => new RegExp(words.map(escape).join('|'), 'g')
const regexAlternation = (res) => new RegExp(res.map((r) => `(?:${r})`).join('|'), 'g')
/** Longest first: an alternation in this order matches leftmost-longest. */
const longestFirst = (words) => [...words].sort((a, b) => utf8Bytes(b) - utf8Bytes(a) || (a < b ? -1 : a > b ? 1 : 0))

/** Every match of a global RegExp, as objects with offsets (what findAll returns). */
function execAll (re, text) {
  re.lastIndex = 0
  const out = []
  let m
  while ((m = re.exec(text)) !== null) {
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0] })
    if (m[0].length === 0) re.lastIndex++
  }
  return out
}

/** Builds and keeps one match object per `[pattern, start, end]` of `flat` (see the floor rows). */
function objectFloor (flat, texts) {
  const out = []
  for (let i = 0; i < flat.length; i += 3) {
    const pattern = flat[i]
    out.push({ pattern, start: flat[i + 1], end: flat[i + 2], text: texts[pattern] })
  }
  return out
}

function load (name) {
  try {
    return { mod: require(name) }
  } catch (e) {
    return { error: e.message.split('\n')[0] }
  }
}

const hayscanLib = (() => {
  try {
    return { mod: require(nodePkg) }
  } catch (e) {
    return { error: e.message.split('\n')[0] }
  }
})()
const ahocorasick = load('ahocorasick')
const modernFast = load('modern-ahocorasick/fast')
const Hayscan = hayscanLib.mod

// ---- memory mode -------------------------------------------------------------------------

if (opt.memory) {
  const [impl, set] = opt.memory.split(':')
  const regex = set === 'secrets'
  const text = loadText(regex ? 'log.txt' : 'english.txt')
  const pats = patterns(set)
  const base = vmKb('VmHWM:')
  const row = { workload: 'memory', impl, set, patterns: pats.length, corpus: regex ? 'log' : 'english' }
  try {
    if (impl === 'hayscan') {
      const buf = fs.readFileSync(path.join(DIR, regex ? 'log.txt' : 'english.txt'))
      const m = regex ? Hayscan.Matcher.regex(pats) : new Hayscan.Matcher(pats)
      Object.assign(row, { api: 'new Matcher + count(Buffer)', matches: m.count(buf), bytes: buf.length, automaton_bytes: m.memoryUsage })
    } else if (impl === 'RegExp') {
      const re = regex ? regexAlternation(pats) : alternation(pats)
      const input = prefix(text, 1 << 20, regex ? '\n' : ' ')
      Object.assign(row, { api: 'exec loop', matches: execAll(re, input).length, bytes: utf8Bytes(input), capped: true })
    } else if (impl === 'modern-ahocorasick/fast') {
      const ac = new modernFast.mod(pats)
      const input = prefix(text, 1 << 20, ' ')
      Object.assign(row, { api: 'new + count', matches: ac.count(input), bytes: utf8Bytes(input), capped: true })
    } else {
      console.error(`unknown implementation ${impl}`)
      process.exit(2)
    }
  } catch (e) {
    emit({ ...row, status: 'error', reason: String(e.message).slice(0, 300) })
    process.exit(0)
  }
  emit({ ...row, base_rss_kb: base, peak_rss_kb: vmKb('VmHWM:') })
  process.exit(0)
}

// ---- the run -----------------------------------------------------------------------------

for (const [name, lib] of [['hayscan', hayscanLib], ['ahocorasick', ahocorasick], ['modern-ahocorasick/fast', modernFast]]) {
  if (lib.error) emit({ workload: 'scan', impl: name, status: 'unavailable', reason: lib.error })
}
const pkgVersion = (name) => {
  try {
    return require(`${name}/package.json`).version
  } catch {
    return null
  }
}
emit({
  workload: 'version',
  impl: 'node',
  version: process.versions.node,
  v8: process.versions.v8,
  hayscan: Hayscan ? Hayscan.version() : null,
  ahocorasick: pkgVersion('ahocorasick'),
  'modern-ahocorasick': pkgVersion('modern-ahocorasick'),
})

const english = loadText('english.txt')
const englishBuf = fs.readFileSync(path.join(DIR, 'english.txt'))

if (opt.workload === 'answers') {
  answers()
  process.exit(0)
}
const log = loadText('log.txt')
const logBuf = fs.readFileSync(path.join(DIR, 'log.txt'))

// Building.
for (const set of [...SET_SIZES.map((n) => `dense-${n}`), 'secrets']) {
  const pats = patterns(set)
  const regex = set === 'secrets'
  const base = { workload: 'build', set, patterns: pats.length }
  const builders = [
    ['hayscan', 'new Matcher', () => (regex ? Hayscan.Matcher.regex(pats) : new Hayscan.Matcher(pats)), !!Hayscan],
    // V8 compiles a RegExp on its first exec: time construction plus one exec.
    ['RegExp', 'new RegExp + first exec', () => {
      const re = regex ? regexAlternation(pats) : alternation(pats)
      re.exec('')
      return re
    }, true],
    ['modern-ahocorasick/fast', 'new', () => new modernFast.mod(pats), !regex && !!modernFast.mod],
    ['ahocorasick', 'new', () => new ahocorasick.mod(pats), !regex && !!ahocorasick.mod && pats.length <= 10000],
  ]
  for (const [impl, api, build, enabled] of builders) {
    if (!enabled) continue
    const b = timeBuild(build)
    if (b.error) emit({ ...base, impl, api, status: 'error', reason: b.error })
    else emit({ ...base, impl, api, ...(impl === 'hayscan' ? { automaton_bytes: b.result.memoryUsage } : {}), ...stats(b.times) })
  }
  if (!regex && pats.length > 10000 && ahocorasick.mod) {
    emit({ ...base, impl: 'ahocorasick', api: 'new', status: 'skipped', reason: 'its build (Array#shift queue over objects) takes minutes at this size' })
  }
}

// Scanning literal sets.
for (const density of ['sparse', 'dense']) {
  for (const n of SET_SIZES) {
    const set = `${density}-${n}`
    const pats = patterns(set)
    const base = { workload: 'scan', set, patterns: n, corpus: 'english' }
    if (Hayscan) {
      const m = new Hayscan.Matcher(pats)
      const lf = { ...base, impl: 'hayscan', semantics: 'leftmost-first' }
      report({ ...lf, api: 'count', input: 'string' }, measure((t) => m.count(t), english), (r) => r)
      report({ ...lf, api: 'count', input: 'buffer' }, measure((t) => m.count(t), englishBuf), (r) => r)
      report({ ...lf, api: 'findAll', input: 'string' }, measure((t) => m.findAll(t), english), (r) => r.length)
      report({ ...lf, api: 'findAll', input: 'buffer' }, measure((t) => m.findAll(t), englishBuf), (r) => r.length)
      if (density === 'dense') {
        // The floor under any API returning every match as an object, without hayscan:
        // creating and keeping one `{ pattern, start, end, text }` per match from offsets
        // already in a Float64Array (text = the pattern string, as findAll gives here).
        const all = m.findAll(english)
        const flat = new Float64Array(3 * all.length)
        all.forEach((x, j) => { flat.set([x.pattern, x.start, x.end], 3 * j) })
        report({ ...base, impl: 'floor', api: 'match objects alone', semantics: 'leftmost-first', input: 'string' },
          measure(() => objectFloor(flat, pats), english), (r) => r.length)
      }
      report({ ...lf, api: 'scan(callback)', input: 'string' }, measure((t) => {
        let seen = 0
        m.scan(t, () => { seen++ })
        return seen
      }, english), (r) => r)
      report({ ...lf, api: 'scan(callback)', input: 'buffer' }, measure((t) => {
        let seen = 0
        m.scan(t, () => { seen++ })
        return seen
      }, englishBuf), (r) => r)
      m.close()
      const o = new Hayscan.Matcher(pats, { matchKind: 'overlapping' })
      report({ ...base, impl: 'hayscan', semantics: 'overlapping', api: 'count', input: 'buffer' }, measure((t) => o.count(t), englishBuf), (r) => r)
      o.close()
    }
    const re = alternation(pats)
    report({ ...base, impl: 'RegExp', api: 'exec loop', semantics: 'leftmost-first', input: 'string' },
      measure((t) => execAll(re, t), english, { cappable: true }), (r) => r.length)
    if (modernFast.mod) {
      // Grapheme-aware and superlinear (from 0.1 MB/s on 4 KB down to 0.003 MB/s on 300 KB in
      // trials, with minutes of system time): measured on at most 32 KB.
      const ac = new modernFast.mod(pats)
      const small = { cappable: true, maxChars: 32 * 1024 }
      report({ ...base, impl: 'modern-ahocorasick/fast', api: 'count', semantics: 'overlapping', input: 'string' },
        measure((t) => ac.count(t), english, small), (r) => r, { note: 'at most 32 KB of the corpus (superlinear)' })
      report({ ...base, impl: 'modern-ahocorasick/fast', api: 'search(leftmost-first)', semantics: 'leftmost-first', input: 'string' },
        measure((t) => ac.search(t, { strategy: 'leftmost-first' }), english, small), (r) => r.length,
        { note: 'at most 32 KB of the corpus (superlinear)' })
    }
    if (ahocorasick.mod && n <= 10000) {
      const ac = new ahocorasick.mod(pats)
      report({ ...base, impl: 'ahocorasick', api: 'search', semantics: 'overlapping', input: 'string' },
        measure((t) => ac.search(t), english, { cappable: true }), (r) => r.reduce((s, [, words]) => s + words.length, 0))
    }
  }
}

// Regexes over the log corpus.
const secrets = patterns('secrets')
{
  const base = { workload: 'regex', set: 'secrets', patterns: secrets.length, corpus: 'log', semantics: 'leftmost-first' }
  if (Hayscan) {
    const m = Hayscan.Matcher.regex(secrets)
    report({ ...base, impl: 'hayscan', api: 'count', input: 'string' }, measure((t) => m.count(t), log), (r) => r)
    report({ ...base, impl: 'hayscan', api: 'count', input: 'buffer' }, measure((t) => m.count(t), logBuf), (r) => r)
    report({ ...base, impl: 'hayscan', api: 'findAll', input: 'string' }, measure((t) => m.findAll(t), log), (r) => r.length)
    m.close()
  }
  const re = regexAlternation(secrets)
  report({ ...base, impl: 'RegExp', api: 'exec loop', input: 'string' }, measure((t) => execAll(re, t), log, { cappable: true, sep: '\n' }), (r) => r.length)
}

// Replacing: leftmost-longest (a longest-first alternation); pattern i becomes "<i>".
for (const n of SET_SIZES) {
  const set = `dense-${n}`
  const pats = patterns(set)
  const withList = pats.map((_, i) => `<${i}>`)
  const base = { workload: 'replace', set, patterns: n, corpus: 'english', semantics: 'leftmost-longest', input: 'string' }
  let hayscanOut = null
  if (Hayscan) {
    const m = new Hayscan.Matcher(pats, { matchKind: 'leftmost-longest' })
    const r = measure((t) => m.replaceAll(t, withList), english)
    hayscanOut = r.result ?? null
    report({ ...base, impl: 'hayscan', api: 'replaceAll(list)' }, r, null,
      r.result != null ? { result_bytes: utf8Bytes(r.result), matches: m.count(englishBuf) } : {})
    m.close()
  }
  const map = new Map(pats.map((p, i) => [p, withList[i]]))
  const re = alternation(longestFirst(pats))
  const r = measure((t) => t.replace(re, (w) => map.get(w)), english, { cappable: true })
  const extra = r.result != null ? { result_bytes: utf8Bytes(r.result) } : {}
  if (r.result != null && hayscanOut != null && !r.capped) extra.same_result_as_hayscan = r.result === hayscanOut
  report({ ...base, impl: 'RegExp', api: 'String#replace(alternation, fn)' }, r, null, extra)
}

// One call per ~100-byte input.
{
  const small = loadText('small.txt').split('\n').filter((s) => s !== '')
  const smallBufs = small.map((s) => Buffer.from(s))
  const calls = Number(opt.calls)
  const words = patterns('dense-10')
  let bytes = 0
  for (let i = 0; i < calls; i++) bytes += smallBufs[i % small.length].length
  const base = { workload: 'is_match', set: 'dense-10', patterns: words.length, corpus: 'small', calls, bytes }
  // Slow sides make fewer calls (at least 1,000): about 4 budgets per repetition.
  const loop = (inputs, test) => {
    const n = inputs.length
    let t = clock()
    for (let i = 0; i < 1000; i++) test(inputs[i % n])
    const perCall = (clock() - t) / 1000
    const count = Math.min(calls, Math.max(1000, Math.floor((4 * BUDGET) / perCall)))
    const times = []
    let hits = 0
    for (let r = 0; r < REPS; r++) {
      hits = 0
      t = clock()
      for (let i = 0; i < count; i++) if (test(inputs[i % n])) hits++
      times.push(clock() - t)
    }
    return { times, hits, count }
  }
  // The loop itself: a function call per input, whose cost every row below includes.
  const sides = [['baseline', 'empty function', 'string', small, (s) => s.length === 0]]
  if (Hayscan) {
    const m = new Hayscan.Matcher(words)
    sides.push(['hayscan', 'isMatch', 'string', small, (s) => m.isMatch(s)])
    sides.push(['hayscan', 'isMatch', 'buffer', smallBufs, (s) => m.isMatch(s)])
  }
  const re = new RegExp(words.map(escape).join('|'))
  sides.push(['RegExp', 'RegExp#test', 'string', small, (s) => re.test(s)])
  if (modernFast.mod) {
    const ac = new modernFast.mod(words)
    sides.push(['modern-ahocorasick/fast', 'match', 'string', small, (s) => ac.match(s)])
  }
  sides.push(['includes', 'words.some(includes)', 'string', small, (s) => words.some((w) => s.includes(w))])
  for (const [impl, api, input, inputs, test] of sides) {
    const { times, hits, count } = loop(inputs, test)
    let sideBytes = 0
    for (let i = 0; i < count; i++) sideBytes += smallBufs[i % small.length].length
    emit({ ...base, impl, api, input, calls: count, bytes: sideBytes, capped: count < calls, matches: hits, ...stats(times, sideBytes, count) })
  }
}

answers()

// ---- answers without a match object per match --------------------------------------------

/**
 * The `answers` workload: per-pattern counts, which patterns occur, whole words, every
 * match as columns, and one call over many short inputs, each against what a Node user
 * writes today (a RegExp alternation, a Map or Set filled from findAll, per-input calls).
 */
function answers () {
  for (const set of ['dense-1000', 'dense-10000']) {
    const pats = patterns(set)
    const n = pats.length
    const base = { workload: 'answers', set, patterns: n, corpus: 'english', semantics: 'leftmost-first' }
    const re = alternation(pats)
    const m = Hayscan && new Hayscan.Matcher(pats)
    const row = (task, impl, api, input) => ({ ...base, task, impl, api, input })
    const total = (counts) => counts.reduce((a, b) => a + b, 0)
    const mapTotal = (map) => [...map.values()].reduce((a, b) => a + b, 0)

    // Per-pattern counts.
    if (m) {
      report(row('count_by_pattern', 'hayscan', 'countByPattern', 'string'), measure((t) => m.countByPattern(t), english), total)
      report(row('count_by_pattern', 'hayscan', 'countByPattern', 'buffer'), measure((t) => m.countByPattern(t), englishBuf), total)
      report(row('count_by_pattern', 'hayscan', 'findAll + Map of counts', 'string'), measure((t) => {
        const counts = new Map()
        for (const x of m.findAll(t)) counts.set(x.pattern, (counts.get(x.pattern) ?? 0) + 1)
        return counts
      }, english), mapTotal)
    }
    report(row('count_by_pattern', 'RegExp', 'exec loop + Map of counts', 'string'), measure((t) => {
      const counts = new Map()
      re.lastIndex = 0
      let x
      while ((x = re.exec(t)) !== null) counts.set(x[0], (counts.get(x[0]) ?? 0) + 1)
      return counts
    }, english, { cappable: true }), mapTotal)

    // Which patterns occur.
    if (m) {
      report(row('matching_patterns', 'hayscan', 'matchingPatterns', 'string'), measure((t) => m.matchingPatterns(t), english), (r) => r.length)
      report(row('matching_patterns', 'hayscan', 'matchingPatterns', 'buffer'), measure((t) => m.matchingPatterns(t), englishBuf), (r) => r.length)
      report(row('matching_patterns', 'hayscan', 'new Set(findAll ids)', 'string'), measure((t) => {
        const ids = new Set()
        for (const x of m.findAll(t)) ids.add(x.pattern)
        return ids
      }, english), (r) => r.size)
    }
    report(row('matching_patterns', 'RegExp', 'exec loop + Set', 'string'), measure((t) => {
      const seen = new Set()
      re.lastIndex = 0
      let x
      while ((x = re.exec(t)) !== null) seen.add(x[0])
      return seen
    }, english, { cappable: true }), (r) => r.size)

    // Whole words.
    const words = `\\b(?:${pats.map(escape).join('|')})\\b`
    if (m) {
      // ASCII word characters, as the RegExp's \b (no u/v flag) and the regex route below.
      const w = new Hayscan.Matcher(pats, { wholeWords: true, asciiClasses: true })
      report(row('whole_words', 'hayscan', 'wholeWords count (asciiClasses)', 'string'), measure((t) => w.count(t), english), (r) => r)
      report(row('whole_words', 'hayscan', 'wholeWords count (asciiClasses)', 'buffer'), measure((t) => w.count(t), englishBuf), (r) => r)
      w.close()
      const b = Hayscan.Matcher.regex([words], { asciiClasses: true })
      report(row('whole_words', 'hayscan', 'regex \\b(?:...)\\b count (asciiClasses)', 'string'), measure((t) => b.count(t), english, { cappable: true }), (r) => r)
      report(row('whole_words', 'hayscan', 'regex \\b(?:...)\\b count (asciiClasses)', 'buffer'), measure((t) => b.count(t), englishBuf), (r) => r)
      b.close()
    }
    const reWords = new RegExp(words, 'g')
    report(row('whole_words', 'RegExp', '\\b(?:...)\\b exec loop count', 'string'), measure((t) => {
      reWords.lastIndex = 0
      let k = 0
      while (reWords.exec(t) !== null) k++
      return k
    }, english, { cappable: true }), (r) => r)

    // Every match, as columns.
    if (m) {
      report(row('find_all_columns', 'hayscan', 'findAllColumns', 'string'), measure((t) => m.findAllColumns(t), english), (r) => r.pattern.length)
      report(row('find_all_columns', 'hayscan', 'findAllColumns', 'buffer'), measure((t) => m.findAllColumns(t), englishBuf), (r) => r.pattern.length)
      report(row('find_all_columns', 'hayscan', 'findAll (objects)', 'string'), measure((t) => m.findAll(t), english), (r) => r.length)
    }
    report(row('find_all_columns', 'RegExp', 'exec loop (objects)', 'string'), measure((t) => execAll(re, t), english, { cappable: true }), (r) => r.length)
    report(row('find_all_columns', 'RegExp', 'exec loop (start/end arrays)', 'string'), measure((t) => {
      const starts = []
      const ends = []
      re.lastIndex = 0
      let x
      while ((x = re.exec(t)) !== null) {
        starts.push(x.index)
        ends.push(x.index + x[0].length)
      }
      return starts
    }, english, { cappable: true }), (r) => r.length)
    if (m) m.close()
  }

  // Many short inputs in one call (ns per input).
  const small = loadText('small.txt').split('\n').filter((s) => s !== '')
  const smallBufs = small.map((s) => Buffer.from(s))
  const bytes = smallBufs.reduce((a, b) => a + b.length, 0)
  const words = patterns('dense-10')
  const base = { workload: 'answers', task: 'is_match_many', set: 'dense-10', patterns: words.length, corpus: 'small', semantics: 'leftmost-first' }
  const sides = []
  if (Hayscan) {
    const m = new Hayscan.Matcher(words)
    const hits = (list) => list.reduce((k, b) => k + (b ? 1 : 0), 0)
    sides.push(['hayscan', 'isMatchMany(list)', 'string', small, (list) => hits(m.isMatchMany(list))])
    sides.push(['hayscan', 'isMatchMany(list)', 'buffer', smallBufs, (list) => hits(m.isMatchMany(list))])
    const each = (list) => {
      let k = 0
      for (let i = 0; i < list.length; i++) if (m.isMatch(list[i])) k++
      return k
    }
    sides.push(['hayscan', 'isMatch per input', 'string', small, each])
    sides.push(['hayscan', 'isMatch per input', 'buffer', smallBufs, each])
  }
  const re = new RegExp(words.map(escape).join('|'))
  sides.push(['RegExp', 'RegExp#test per input', 'string', small, (list) => {
    let k = 0
    for (let i = 0; i < list.length; i++) if (re.test(list[i])) k++
    return k
  }])
  sides.push(['includes', 'words.some(includes) per input', 'string', small, (list) => {
    let k = 0
    for (let i = 0; i < list.length; i++) if (words.some((w) => list[i].includes(w))) k++
    return k
  }])
  for (const [impl, api, input, list, fn] of sides) {
    const r = measure(fn, list)
    if (r.error) {
      emit({ ...base, impl, api, input, status: 'error', reason: r.error })
      continue
    }
    emit({ ...base, impl, api, input, calls: list.length, bytes, inner: r.inner, matches: r.result, ...stats(r.times, bytes, list.length) })
  }
}
