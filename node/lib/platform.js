'use strict'
// Which platform package fits this system (lib/binding.js loads it; the tests check that it
// agrees with the npm/<abi>/package.json manifests).

const fs = require('node:fs')

// The C library on Linux: 'gnu' (glibc) or 'musl', as npm's `libc` field names them.
function linuxLibc () {
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
  if (report?.header?.glibcVersionRuntime) return 'gnu'
  const shared = report?.sharedObjects
  if (Array.isArray(shared) && shared.some((f) => f.includes('libc.musl-') || f.includes('ld-musl-'))) return 'musl'
  try {
    if (fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl')) return 'musl'
  } catch {}
  return 'gnu'
}

/** The napi-rs name of a platform: linux-x64-gnu, darwin-arm64, win32-x64-msvc, … */
function abiName (platform = process.platform, arch = process.arch, libc = platform === 'linux' ? linuxLibc() : undefined) {
  if (platform === 'linux') return { abi: `${platform}-${arch}-${libc}`, libc }
  if (platform === 'win32') return { abi: `${platform}-${arch}-msvc`, libc: 'msvc' }
  return { abi: `${platform}-${arch}`, libc: undefined }
}

module.exports = { abiName, linuxLibc }
