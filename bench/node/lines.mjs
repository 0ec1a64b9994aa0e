// countFileLines (grep -c's answer) against `rg -F -c -f` and `grep -F -c -f` (child
// processes, LC_ALL=C) on one big file: interleaved in this process, the order rotated
// each rep, wall and CPU time (hayscan: this process's, every thread; tools: the child's,
// from /usr/bin/time), best and median. Every answer must equal rg's.
//
//   nice node bench/node/lines.mjs [--file /tmp/hayscan-bench-english-100mb.txt]
//        [--patterns bench/data/full/patterns] [--sets dense-1000,sparse-1000] [--reps 5]

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const { Matcher } = createRequire(import.meta.url)(path.resolve(here, '../../node'))

const opt = { file: '/tmp/hayscan-bench-english-100mb.txt', patterns: path.resolve(here, '../data/full/patterns'), sets: 'dense-1000,sparse-1000', reps: '5' }
for (let a = process.argv.slice(2); a.length; a = a.slice(2)) {
  const key = a[0].replace(/^--/, '')
  if (!(key in opt) || a.length < 2) throw new Error(`usage: lines.mjs [--file F] [--patterns DIR] [--sets a,b] [--reps N]; got ${a[0]}`)
  opt[key] = a[1]
}

const ms = (t) => t.toFixed(1)

async function measure (run) {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const r = await run()
  const wall = performance.now() - t0
  const c = process.cpuUsage(cpu0)
  return { n: r.n, wall, cpu: r.cpu ?? (c.user + c.system) / 1000 }
}

// A tool's answer (its stdout) and its user+system CPU time (GNU time, 10 ms resolution;
// wall time includes starting /usr/bin/time and the tool, a few ms).
const TIMES = path.join(os.tmpdir(), `hayscan-lines-bench-${process.pid}.time`)
function tool (argv) {
  return async () => {
    let out
    try {
      out = execFileSync('/usr/bin/time', ['-f', '%U %S', '-o', TIMES, ...argv], { env: { ...process.env, LC_ALL: 'C' }, encoding: 'utf8' })
    } catch (e) {
      if (e.status !== 1) throw e
      out = e.stdout || '0' // no line matched: exit status 1 (rg prints nothing)
    }
    const [u, s] = fs.readFileSync(TIMES, 'utf8').trim().split(/\s+/).slice(-2).map(Number)
    return { n: Number(out.trim()), cpu: (u + s) * 1000 }
  }
}

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return { best: s[0], median: s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
}

console.log(`file ${opt.file} (${(fs.statSync(opt.file).size / 1048576).toFixed(0)} MiB), ${opt.reps} reps, load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`)
for (const set of opt.sets.split(',')) {
  const pats = path.join(opt.patterns, `${set}.txt`)
  const m = new Matcher(fs.readFileSync(pats, 'utf8').split('\n').filter((p) => p !== ''))
  const contenders = [
    ['countFileLines', async () => ({ n: await m.countFileLines(opt.file) })],
    ['countFileLines({ threads: 2 })', async () => ({ n: await m.countFileLines(opt.file, { threads: 2 }) })],
    ['rg -F -c -f', tool(['rg', '-F', '-c', '-f', pats, opt.file])],
    ['grep -F -c -f', tool(['grep', '-F', '-c', '-f', pats, opt.file])],
  ]
  const rows = contenders.map(() => ({ wall: [], cpu: [], n: new Set() }))
  for (let rep = 0; rep < Number(opt.reps); rep++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + rep) % contenders.length
      const r = await measure(contenders[i][1])
      rows[i].wall.push(r.wall)
      rows[i].cpu.push(r.cpu)
      rows[i].n.add(r.n)
    }
  }
  m.close()
  const want = [...rows[2].n]
  console.log(`\n${set}: rg's answer ${want.join(', ')} lines`)
  console.log('| contender | wall best / median (ms) | CPU best / median (ms) | answer |')
  console.log('|---|---|---|---|')
  contenders.forEach(([name], i) => {
    const w = stat(rows[i].wall)
    const c = stat(rows[i].cpu)
    const same = rows[i].n.size === 1 && want.length === 1 && rows[i].n.has(want[0])
    console.log(`| ${name} | ${ms(w.best)} / ${ms(w.median)} | ${ms(c.best)} / ${ms(c.median)} | ${same ? 'same as rg' : `DIFFERS: ${[...rows[i].n]}`} |`)
    if (!same) process.exitCode = 1
  })
}
fs.rmSync(TIMES, { force: true })
