'use strict'
// Packaging: `npm pack` gives a tarball that installs into an empty project (with a platform
// package holding the addon of this build) and works there with `require`, `import`, and
// TypeScript (CommonJS and ESM resolution); the platform packages are declared consistently;
// without an addon, `require('hayscan')` names what it looked for. (The release tarballs,
// built and installed without cargo, are tested by scripts/test-install.sh.)

const { it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const pkgDir = path.join(__dirname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const { abiName } = require('../lib/platform.js')
const { platformPackages } = require('../scripts/optional-deps.js')
const tsc = path.join(pkgDir, 'node_modules', 'typescript', 'bin', 'tsc')

function run (cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed:\n${e.stdout}\n${e.stderr}`)
  }
}

it('npm pack → npm install into an empty project → require, import and tsc work', (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hayscan-pack-'))
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }))

  const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', tmp], pkgDir))
  const files = packed[0].files.map((f) => f.path).sort()
  for (const want of ['package.json', 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'lib/index.js', 'lib/binding.js', 'lib/index.mjs', 'lib/index.d.ts', 'native.d.ts']) {
    assert.ok(files.includes(want), `${want} is in the tarball: ${files}`)
  }
  for (const f of files) assert.doesNotMatch(f, /\.node$|^(src|test|node_modules|scripts|examples|npm)\/|Cargo|\.rs$/)

  // The platform package, with the addon of this build in it.
  const { abi } = abiName()
  const plat = path.join(tmp, 'platform')
  fs.mkdirSync(plat)
  fs.copyFileSync(path.join(pkgDir, 'npm', abi, 'package.json'), path.join(plat, 'package.json'))
  fs.copyFileSync(path.join(pkgDir, `hayscan.${abi}.node`), path.join(plat, `hayscan.${abi}.node`))

  const project = path.join(tmp, 'consumer')
  fs.mkdirSync(project)
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }))
  // The packed manifest declares every platform package, at this version; the committed one
  // is restored by postpack.
  const committed = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
  assert.equal(committed.optionalDependencies, undefined)
  const packedManifest = JSON.parse(execFileSync('tar', ['xzOf', path.join(tmp, packed[0].filename), 'package/package.json'], { encoding: 'utf8' }))
  assert.deepEqual(packedManifest.optionalDependencies, Object.fromEntries(platformPackages().map((n) => [n, committed.version])))
  assert.equal(Object.keys(packedManifest.optionalDependencies).length, 7)

  run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(tmp, packed[0].filename), plat], project)

  fs.writeFileSync(path.join(project, 'cjs.js'), `
    const { Matcher, HayscanError } = require('hayscan')
    if (!require.resolve('hayscan').includes('node_modules')) throw new Error('not the installed package')
    const m = new Matcher(['needle', '😀'])
    const all = m.findAll('hay 😀 needle')
    let code = null
    try { Matcher.regex(['(']) } catch (e) { code = e instanceof HayscanError && e.code }
    console.log(JSON.stringify({ all, code }))
  `)
  fs.writeFileSync(path.join(project, 'esm.mjs'), `
    import { Matcher } from 'hayscan'
    import hayscan from 'hayscan'
    const m = new Matcher(['needle'])
    console.log(JSON.stringify({ count: m.count(Buffer.from('needle needle')), same: hayscan.Matcher === Matcher }))
  `)
  const cjs = JSON.parse(run(process.execPath, ['cjs.js'], project))
  assert.deepEqual(cjs, {
    all: [{ pattern: 1, start: 4, end: 6, text: '😀' }, { pattern: 0, start: 7, end: 13, text: 'needle' }],
    code: 'INVALID_PATTERN',
  })
  assert.deepEqual(JSON.parse(run(process.execPath, ['esm.mjs'], project)), { count: 2, same: true })

  // TypeScript against the installed package, through its `exports`/`types`.
  const usage = `
    import { Matcher, HayscanError, type TextMatch, type Match, type MatcherOptions, type MatchColumns, type Captures, type TextCaptures, type Group, type TextGroup } from 'hayscan'
    const options: MatcherOptions = { matchKind: 'leftmost-longest', caseInsensitive: true }
    const m: Matcher = new Matcher(['a', new Uint8Array([98])], options)
    const t: TextMatch[] = m.findAll('ab')
    const b: Match[] = m.findAll(Buffer.from('ab'))
    const first: TextMatch | null = m.find('ab')
    const out: string = m.replaceWith('ab', (x) => x.text.toUpperCase())
    const outBytes: Buffer = m.replaceAll(Buffer.from('ab'), ['x', 'y'])
    const report: { matches: number, stopped: boolean } = m.scan('ab', (x) => x.start > 0 ? false : undefined)
    for (const x of m.matches('ab')) { const s: string = x.text; void s }
    const s = m.stream()
    const id: number = s.on((x) => { void x.pattern }, { patterns: [0] })
    s.off(id)
    s.end('ab')
    try { Matcher.regex(['(']) } catch (e) { if (e instanceof HayscanError) { const c: string = e.code; void c } }
    const rx = Matcher.regex(['(?P<key>[a-z]+)=(\\d+)?'], { asciiClasses: true })
    const hit = rx.find('a=1')
    if (hit !== null) {
      const caps: TextCaptures = rx.captures('a=1', hit)
      const key: string | undefined = caps.named.key?.text
      const g: TextGroup | null | undefined = caps.groups[2]
      const byteCaps: Captures = rx.captures(Buffer.from('a=1'), hit)
      const span: Group | null | undefined = byteCaps.groups[0]
      // @ts-expect-error: groups of byte input carry no text
      void byteCaps.groups[0]?.text
      void key; void g; void span
    }
    const names: Array<string | null> = rx.groupNames(0)
    // @ts-expect-error: asciiClasses is a boolean
    Matcher.regex(['a'], { asciiClasses: 'yes' })
    // @ts-expect-error: the match kind is checked
    new Matcher(['a'], { matchKind: 'longest' })
    // @ts-expect-error: numbers are not haystacks
    m.count(42)
    const w = new Matcher(['cat'], { wholeWords: true, maxRepetition: 10, maxRegexStates: 100 })
    const counts: Float64Array = w.countByPattern('cat')
    const ids: Uint32Array = w.matchingPatterns(Buffer.from('cat'))
    const firsts: Array<TextMatch | null> = w.firstMatchPerPattern('cat')
    const byteFirsts: Array<Match | null> = w.firstMatchPerPattern(Buffer.from('cat'))
    const cols: MatchColumns = w.findAllColumns('cat')
    const colPattern: Uint32Array = cols.pattern
    const colStart: Float64Array = cols.start
    const many: boolean[] = w.isMatchMany(['cat', Buffer.from('dog')])
    const manyCounts: number[] = w.countMany(['cat'])
    const found: TextMatch[][] = w.findMany(['cat'])
    const foundBytes: Match[][] = w.findMany([Buffer.from('cat')])
    // @ts-expect-error: wholeWords is a boolean
    new Matcher(['a'], { wholeWords: 1 })
    // @ts-expect-error: the inputs are a list
    w.isMatchMany('cat')
    const lines: number = w.countLines(Buffer.from('cat cat'))
    const fileLines: Promise<number> = w.countFileLines(new URL('file:///tmp/x'), { threads: 2, signal: AbortSignal.timeout(1) })
    // @ts-expect-error: numbers are not haystacks
    w.countLines(42)
    // @ts-expect-error: countFileLines takes no batch option
    void w.countFileLines('x', { batch: 2 })
    void lines; void fileLines; void counts; void ids; void firsts; void byteFirsts; void colPattern; void colStart; void many; void manyCounts; void found; void foundBytes
    void t; void b; void first; void out; void outBytes; void report; void names
  `
  fs.writeFileSync(path.join(project, 'usage.ts'), usage)
  fs.writeFileSync(path.join(project, 'usage.mts'), usage)
  const typeRoots = path.join(pkgDir, 'node_modules', '@types')
  const common = ['--noEmit', '--strict', '--skipLibCheck', 'false', '--typeRoots', typeRoots, '--types', 'node']
  run(process.execPath, [tsc, ...common, '--module', 'node16', '--moduleResolution', 'node16', 'usage.ts'], project)
  run(process.execPath, [tsc, ...common, '--module', 'nodenext', '--moduleResolution', 'nodenext', 'usage.mts'], project)
})

it('the platform packages are the optional dependencies, with os, cpu and libc', () => {
  const main = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
  const abis = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc']
  assert.deepEqual(fs.readdirSync(path.join(pkgDir, 'npm')).sort(), [...abis].sort())
  // prepack declares these (the committed package.json does not: see scripts/optional-deps.js).
  assert.deepEqual(platformPackages(), abis.map((a) => `@hayscan/${a}`).sort())
  assert.equal(main.optionalDependencies, undefined)
  for (const abi of abis) {
    const p = JSON.parse(fs.readFileSync(path.join(pkgDir, 'npm', abi, 'package.json'), 'utf8'))
    assert.equal(p.name, `@hayscan/${abi}`)
    assert.equal(p.version, main.version)
    assert.equal(p.main, `hayscan.${abi}.node`)
    assert.deepEqual(p.files.sort(), [p.main, 'LICENSE-APACHE', 'LICENSE-MIT', 'README.md'].sort())
    const [os_, cpu, libc] = abi.split('-')
    assert.deepEqual(p.os, [os_])
    assert.deepEqual(p.cpu, [cpu])
    assert.deepEqual(p.libc, os_ === 'linux' ? [libc === 'gnu' ? 'glibc' : 'musl'] : undefined)
    // What the loader looks for on that system is this package.
    assert.equal(abiName(os_, cpu, os_ === 'linux' ? libc : undefined).abi, abi)
    assert.ok(fs.existsSync(path.join(pkgDir, 'npm', abi, 'README.md')))
  }
})

it('without an addon for the system, require names the platform and the package it looked for', (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hayscan-nobinary-'))
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }))
  const copy = path.join(tmp, 'node_modules', 'hayscan')
  fs.cpSync(path.join(pkgDir, 'lib'), path.join(copy, 'lib'), { recursive: true })
  fs.copyFileSync(path.join(pkgDir, 'package.json'), path.join(copy, 'package.json'))
  const { abi, libc } = abiName()
  const script = "try { require('hayscan'); console.log('loaded') } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, cause: String(e.cause) })) }"
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: tmp, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } }))
  assert.equal(out.code, 'HAYSCAN_NO_BINARY')
  assert.ok(out.message.includes(`platform ${process.platform}, arch ${process.arch}`), out.message)
  if (libc) assert.ok(out.message.includes(`libc ${libc}`), out.message)
  assert.ok(out.message.includes(`@hayscan/${abi}`), out.message)
  assert.ok(out.message.includes(`hayscan.${abi}.node`), out.message)
  assert.doesNotMatch(out.message, /npm has a bug/)
  assert.match(out.cause, /Cannot find module '@hayscan\//)
})
