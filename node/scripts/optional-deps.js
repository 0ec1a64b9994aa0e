'use strict'
// `prepack`/`postpack` of the `hayscan` package (what `napi prepublish` does in napi-rs
// projects): `add` writes one optional dependency per platform package (npm/<abi>, at this
// version) into package.json, so the tarball declares them; `remove` takes them out again.
// They stay out of the committed package.json because they are not on the registry until a
// release, and package-lock.json (npm ci) cannot resolve them before that.
const fs = require('node:fs')
const path = require('node:path')

const dir = path.join(__dirname, '..')
const file = path.join(dir, 'package.json')

function platformPackages () {
  return fs.readdirSync(path.join(dir, 'npm')).sort().map((abi) => {
    return JSON.parse(fs.readFileSync(path.join(dir, 'npm', abi, 'package.json'), 'utf8')).name
  })
}

function write (pkg) {
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n')
}

if (require.main === module) {
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'))
  const what = process.argv[2]
  if (what === 'add') {
    pkg.optionalDependencies = Object.fromEntries(platformPackages().map((name) => [name, pkg.version]))
    write(pkg)
  } else if (what === 'remove') {
    delete pkg.optionalDependencies
    write(pkg)
  } else {
    console.error('usage: node scripts/optional-deps.js add|remove')
    process.exit(2)
  }
}

module.exports = { platformPackages }
