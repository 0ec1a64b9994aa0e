'use strict'
// The examples of docs/node.md that show their output in `// → ...` comments are run, and
// their output must be those lines, in order: the documentation cannot drift from the
// package. (Other examples need files or are TypeScript; the API tests cover them.)

const { it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const pkgDir = path.join(__dirname, '..')
const doc = fs.readFileSync(path.join(pkgDir, '..', 'docs', 'node.md'), 'utf8')
const blocks = [...doc.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]).filter((b) => b.includes('// → '))

it('docs/node.md has examples with output lines', () => {
  assert.ok(blocks.length >= 1)
})

for (const [i, code] of blocks.entries()) {
  const first = code.split('\n').find((l) => l.trim() !== '' && !l.startsWith('//'))
  it(`docs/node.md example ${i + 1} (${first}) prints what it says`, () => {
    const want = [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1])
    // Run from the package directory, where `require('hayscan')` / `import 'hayscan'`
    // resolve to this package by name (self-reference through `exports`).
    const type = /^import /m.test(code) ? 'module' : 'commonjs'
    const r = spawnSync(process.execPath, ['--input-type', type, '-e', code], { cwd: pkgDir, encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
    assert.deepEqual(r.stdout.trimEnd().split('\n'), want)
  })
}
