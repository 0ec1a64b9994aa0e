'use strict'
// Finds the native addon for this platform. A development tree has the addon built next to
// package.json (`hayscan.<abi>.node`, made by scripts/test.sh or `npm run build`); an
// installed package has it in the optional dependency `@hayscan/<abi>` that npm picked by
// its `os`/`cpu`/`libc` fields. When neither loads, the error names the platform, the
// architecture, the libc and the package it looked for, with the load errors as `cause`.
// (napi-rs's generated native.js is kept fresh for the types, but not loaded: it names
// platform packages `hayscan-<abi>` and fails with a message about an npm bug.)

const fs = require('node:fs')
const path = require('node:path')

const { abiName } = require('./platform.js')

function load () {
  const { abi, libc } = abiName()
  const pkg = `@hayscan/${abi}`
  const errors = []
  const local = path.join(__dirname, '..', `hayscan.${abi}.node`)
  if (fs.existsSync(local)) {
    try {
      return require(local)
    } catch (e) {
      errors.push(e)
    }
  }
  try {
    return require(pkg)
  } catch (e) {
    errors.push(e)
  }
  const where = `platform ${process.platform}, arch ${process.arch}` + (libc ? `, libc ${libc}` : '')
  const error = new Error(
    `hayscan has no native addon for this system (${where}): it looked for the package ${pkg} ` +
    `(an optional dependency of hayscan, installed only on the platform it is built for) ` +
    `and for ${path.basename(local)} next to hayscan's package.json. ` +
    'Prebuilt packages exist for linux-x64-gnu, linux-arm64-gnu, linux-x64-musl, linux-arm64-musl, ' +
    'darwin-x64, darwin-arm64 and win32-x64-msvc; on another system, build the addon from the ' +
    'repository (node/: npm run build). If yours is one of those, reinstall without --no-optional / --omit=optional.',
  )
  error.code = 'HAYSCAN_NO_BINARY'
  error.cause = errors.length === 1 ? errors[0] : new AggregateError(errors, 'load errors')
  throw error
}

module.exports = load()
