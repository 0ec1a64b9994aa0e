'use strict'
// count(string) against count(Buffer) on the cross-host benchmark's data (bench/README.md),
// for this package and optionally another copy of it (an older build, to compare), all
// contenders interleaved in one process, the order rotated each repetition.
//
//   node scripts/string-tax.js --data ../bench/data/full [--reps 9] [--other DIR] [--sets a,b]
//
// DIR is a directory holding an older `lib/` and its `hayscan.<abi>.node`. Prints per set
// and contender best and median wall time (ms) and CPU time, and count(string) / count(Buffer)
// throughput ratios.

const fs = require('node:fs')
const path = require('node:path')

const opt = { data: path.join(__dirname, '../../bench/data/full'), reps: '9', other: null, sets: null }
const argv = process.argv.slice(2)
while (argv.length) {
  const key = argv.shift().replace(/^--/, '')
  if (!(key in opt) || !argv.length) {
    console.error('usage: node scripts/string-tax.js [--data DIR] [--reps N] [--other DIR] [--sets a,b]')
    process.exit(2)
  }
  opt[key] = argv.shift()
}

const text = fs.readFileSync(path.join(opt.data, 'english.txt'), 'utf8')
const buf = Buffer.from(text)
const sets = opt.sets ? opt.sets.split(',') : ['sparse-10', 'sparse-1000', 'sparse-10000', 'sparse-100000', 'dense-10', 'dense-1000', 'dense-10000', 'dense-100000']
const pkgs = [['new', require('../lib/index.js')]]
if (opt.other) pkgs.push(['old', require(path.resolve(opt.other, 'lib/index.js'))])

function median (xs) {
  const s = [...xs].sort((a, b) => a - b)
  const n = s.length
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

const rows = []
for (const set of sets) {
  const words = fs.readFileSync(path.join(opt.data, 'patterns', `${set}.txt`), 'utf8').split('\n').filter((w) => w !== '')
  const sides = []
  for (const [name, pkg] of pkgs) {
    const m = new pkg.Matcher(words)
    sides.push([`${name} count(string)`, () => m.count(text)])
    sides.push([`${name} count(Buffer)`, () => m.count(buf)])
  }
  const answers = new Set(sides.map(([, fn]) => fn()))
  if (answers.size !== 1) throw new Error(`${set}: contenders disagree: ${[...answers]}`)
  const wall = sides.map(() => [])
  const cpu = sides.map(() => [])
  for (let r = 0; r < Number(opt.reps); r++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (k + r) % sides.length
      const c0 = process.cpuUsage()
      const t0 = process.hrtime.bigint()
      sides[i][1]()
      wall[i].push(Number(process.hrtime.bigint() - t0) / 1e6)
      const c = process.cpuUsage(c0)
      cpu[i].push((c.user + c.system) / 1e3)
    }
  }
  sides.forEach(([name], i) => {
    const row = { set, name, best: Math.min(...wall[i]), median: median(wall[i]), cpuBest: Math.min(...cpu[i]), cpuMedian: median(cpu[i]), spread: (Math.max(...wall[i]) - Math.min(...wall[i])) / median(wall[i]) }
    rows.push(row)
    console.log(`${set.padEnd(14)} ${name.padEnd(20)} wall best ${row.best.toFixed(2).padStart(7)} median ${row.median.toFixed(2).padStart(7)} ms  cpu best ${row.cpuBest.toFixed(1).padStart(6)} median ${row.cpuMedian.toFixed(1).padStart(6)} ms  spread ${(100 * row.spread).toFixed(0)}%${row.spread > 0.1 ? ' noisy' : ''}`)
  })
  for (const [name] of pkgs) {
    const s = rows.find((x) => x.set === set && x.name === `${name} count(string)`)
    const b = rows.find((x) => x.set === set && x.name === `${name} count(Buffer)`)
    console.log(`${set.padEnd(14)} ${name}: count(string) / count(Buffer) = ${(b.best / s.best).toFixed(2)}x (best), ${(b.median / s.median).toFixed(2)}x (median); string tax ${(100 * (s.best / b.best - 1)).toFixed(1)}%`)
  }
}
for (const [name] of pkgs) {
  const taxes = sets.map((set) => {
    const s = rows.find((x) => x.set === set && x.name === `${name} count(string)`)
    const b = rows.find((x) => x.set === set && x.name === `${name} count(Buffer)`)
    return s.best / b.best - 1
  })
  console.log(`${name}: median string tax vs count(Buffer) over ${sets.length} sets: ${(100 * median(taxes)).toFixed(1)}%`)
}
