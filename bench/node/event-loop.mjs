// Event-loop latency while hayscan counts 100 MB (issue 13): the delay of a 1 ms
// setInterval timer during a synchronous `count` against `countAsync` (libuv pool, one
// thread) and `countAsync({ threads: 2 })`. Not a test; prints a table (or JSON lines).
//
//   node bench/node/event-loop.mjs [--mb 100] [--reps 5] [--json]
//
// Per run: a 1 ms interval timer is started, then the count; a timer sample is the lateness
// of a tick (time since the previous tick minus 1 ms), for each tick whose interval began
// between the count's start and the moment its result is back on the JavaScript thread. A synchronous count gives no tick while it runs, so its
// one sample is about the whole scan. Contenders are interleaved in one process with the
// order rotated per repetition; each row gives the best and median over repetitions of the
// p50 / p99 / max delay, the wall time and the process CPU time (all threads).
// The input is 100 MB of pseudo-random words (a fixed seed) as one Buffer; the patterns
// are 200 of those words. Run with `nice`; on a shared machine the numbers are noisy.

import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(path.join(here, '../../node/package.json'))
const { Matcher } = require('hayscan')

const opt = { mb: '100', reps: '5', json: false }
const argv = process.argv.slice(2)
while (argv.length) {
  const flag = argv.shift()
  if (flag === '--json') opt.json = true
  else if (flag === '--mb' || flag === '--reps') opt[flag.slice(2)] = argv.shift()
  else {
    console.error('usage: node event-loop.mjs [--mb N] [--reps N] [--json]')
    process.exit(2)
  }
}

let seed = 12345
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
const letters = 'abcdefghijklmnopqrstuvwxyz'
const words = Array.from({ length: 5000 }, () => {
  let w = ''
  const n = 3 + Math.floor(rand() * 8)
  for (let i = 0; i < n; i++) w += letters[Math.floor(rand() * 26)]
  return w
})
const size = Number(opt.mb) * 1e6
const haystack = Buffer.allocUnsafe(size)
for (let at = 0; at < size;) {
  const w = words[Math.floor(rand() * words.length)] + ' '
  at += haystack.write(w, at)
}
const m = new Matcher(words.slice(0, 200))
const want = m.count(haystack)

const contenders = {
  'count (sync)': () => m.count(haystack),
  'countAsync threads 1': () => m.countAsync(haystack),
  'countAsync threads 2': () => m.countAsync(haystack, { threads: 2 }),
}

function quantile (sorted, q) {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
}

async function once (run) {
  const delays = []
  let last = performance.now()
  // Ticks whose interval began within [start, end) count: the ticks during the scan,
  // and for a sync count the one late tick that fires after it.
  let start = Infinity
  let end = Infinity
  const timer = setInterval(() => {
    const now = performance.now()
    if (last >= start && last < end) delays.push(now - last - 1)
    last = now
  }, 1)
  // Let the timer settle before the count starts.
  await new Promise((resolve) => setTimeout(resolve, 20))
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  start = last
  const n = await run()
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  end = performance.now()
  await new Promise((resolve) => setTimeout(resolve, 5))
  clearInterval(timer)
  if (n !== want) throw new Error(`wrong count ${n}, want ${want}`)
  delays.sort((a, b) => a - b)
  return {
    p50: quantile(delays, 0.5),
    p99: quantile(delays, 0.99),
    max: delays[delays.length - 1] ?? 0,
    samples: delays.length,
    wall,
    cpu: (cpu.user + cpu.system) / 1000,
  }
}

const names = Object.keys(contenders)
const runs = Object.fromEntries(names.map((n) => [n, []]))
const reps = Number(opt.reps)
await once(contenders['countAsync threads 1']) // warm-up
for (let r = 0; r < reps; r++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length]
    runs[name].push(await once(contenders[name]))
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const k = s.length >> 1; return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2 }
const best = (xs) => Math.min(...xs)
const fmt = (x) => x.toFixed(1).padStart(7)
const cols = ['p50', 'p99', 'max', 'wall', 'cpu']
if (!opt.json) {
  console.log(`${opt.mb} MB, ${want} matches, ${reps} reps; milliseconds, best / median`)
  console.log('contender'.padEnd(22) + cols.map((c) => `${c} best / med`.padStart(20)).join('') + '  samples')
}
for (const name of names) {
  const rs = runs[name]
  if (opt.json) {
    const row = { schema: 'hayscan-bench/1', host: 'node', workload: 'event_loop', impl: name, mb: Number(opt.mb), reps }
    for (const c of cols) row[c] = { best: best(rs.map((x) => x[c])), median: median(rs.map((x) => x[c])) }
    console.log(JSON.stringify(row))
  } else {
    console.log(name.padEnd(22) + cols.map((c) => `${fmt(best(rs.map((x) => x[c])))} / ${fmt(median(rs.map((x) => x[c])))}`.padStart(20)).join('') + `  ${median(rs.map((x) => x.samples))}`)
  }
}
m.close()
