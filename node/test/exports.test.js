'use strict'
// Drift checks on the native layer: every exported Rust function carries
// `#[napi(catch_unwind)]`, and the native exports are exactly the ones the wrapper uses.

const { it } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const srcDir = path.join(__dirname, '..', 'src')

it('every #[napi] function and method has catch_unwind', () => {
  let checked = 0
  for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith('.rs'))) {
    const src = fs.readFileSync(path.join(srcDir, file), 'utf8')
    // An attribute `#[napi...]` (possibly multi-line) followed by a `pub fn`.
    const re = /#\[napi(\((?:[^()]|\([^()]*\))*\))?\]\s*(?:#\[[^\]]*\]\s*)*pub fn (\w+)/g
    let m
    while ((m = re.exec(src)) !== null) {
      checked++
      assert.match(m[1] || '', /catch_unwind/, `${file}: fn ${m[2]} lacks #[napi(catch_unwind)]`)
    }
  }
  assert.ok(checked >= 20, `only ${checked} exports found: the pattern no longer matches the sources`)
})

it('the wrapper uses every native export, and nothing else', () => {
  const native = require('../native.js')
  // Functions only: the NativeStream class is reached through `stream()`.
  const exported = Object.keys(native).filter((k) => !k.startsWith('__') && !/^[A-Z]/.test(k)).sort()
  const lib = path.join(__dirname, '..', 'lib')
  const wrapper = fs.readdirSync(lib).filter((f) => f.endsWith('.js') && f !== 'binding.js')
    .map((f) => fs.readFileSync(path.join(lib, f), 'utf8')).join('\n')
  const used = [...new Set([...wrapper.matchAll(/[^/.]\bnative\.(\w+)/g)].map((m) => m[1]))].sort()
  assert.deepEqual(used, exported)
})
