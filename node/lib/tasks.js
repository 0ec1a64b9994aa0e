'use strict'
// What the async methods of Matcher share: their options, the AbortSignal plumbing, and
// file paths. The scans themselves run in the addon, on the libuv pool (src/task.rs).

const { fileURLToPath } = require('node:url')
const native = require('./binding.js')
const { AbortError, invalid } = require('./errors.js')

/**
 * `options` checked against `keys` (another key is an INVALID_ARGUMENT error, as for
 * matcher options), with `signal` checked to be an AbortSignal. Returns `{}` for none.
 */
function taskOptions (options, keys) {
  if (options == null) return {}
  if (typeof options !== 'object') throw invalid('options must be an object')
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) throw invalid(`unknown option '${key}' (options are ${keys.join(', ')})`)
  }
  const { signal } = options
  // Duck-typed: a signal from another realm (a vm context) is a signal too.
  if (signal !== undefined && (signal === null || typeof signal !== 'object' ||
      typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')) {
    throw invalid('options.signal must be an AbortSignal')
  }
  return options
}

/** `n`, checked to be an integer of at least `min`. */
function integer (n, min, what) {
  if (!Number.isInteger(n) || n < min || n > 1e9) {
    throw invalid(`${what} must be an integer from ${min} to 1000000000`)
  }
  return n
}

function abortError (signal) {
  return new AbortError(undefined, { cause: signal.reason })
}

/**
 * Runs `start(token)`, a native call returning the Promise of a task report, with a new
 * cancel token that `signal` sets when it aborts. An already-aborted signal rejects at
 * once. Settles once the task has stopped (so nothing of it runs any more): if the signal
 * aborted before that, with an AbortError (as `fetch` does, even if the scan happened to
 * finish first), unless `own(report)` says the scan ended by the caller's own doing (a
 * callback that stopped it); otherwise with the report.
 */
async function run (signal, start, own) {
  if (signal !== undefined && signal.aborted) throw abortError(signal)
  const token = native.createCancel()
  const onAbort = () => native.cancel(token)
  if (signal !== undefined) signal.addEventListener('abort', onAbort, { once: true })
  try {
    const report = await start(token)
    if (signal !== undefined && signal.aborted && !(own && own(report))) {
      throw abortError(signal)
    }
    return report
  } finally {
    if (signal !== undefined) signal.removeEventListener('abort', onAbort)
  }
}

/** A file path for the addon: a string, a Buffer / Uint8Array of its bytes, or a file: URL. */
function filePath (path, what) {
  if (typeof path === 'string' || path instanceof Uint8Array) return path
  if (path instanceof URL) return fileURLToPath(path)
  throw invalid(`${what} must be a string, a Buffer or a file: URL`)
}

/** Adds the path to an IO error, as Node's fs errors carry it. */
function withPath (err, path) {
  if (err !== null && typeof err === 'object' && err.code === 'IO' && err.path === undefined) {
    err.path = typeof path === 'string' ? path : Buffer.from(path).toString()
  }
  return err
}

/**
 * A count of the file at `path` by `count(m, file, threads, token)` (`native.countFile`,
 * `native.countFileLines`) for the matcher handle `m`: options `{ signal, threads }`
 * (default 1 thread), IO errors carrying the path.
 */
async function fileCount (count, m, path, options) {
  const { signal, threads = 1 } = taskOptions(options, ['signal', 'threads'])
  integer(threads, 0, 'options.threads')
  const file = filePath(path, 'path')
  try {
    return (await run(signal, (token) => count(m, file, threads, token))).matches
  } catch (err) {
    throw withPath(err, file)
  }
}

module.exports = { taskOptions, integer, run, filePath, withPath, fileCount }
