'use strict'
// The errors of the `hayscan` package: HayscanError (every error the addon raises, with a
// stable `code`) and AbortError (an async call whose AbortSignal aborted).

/** Error codes; `err.code` is one of these. */
const ErrorCode = Object.freeze({
  INVALID_PATTERN: 'INVALID_PATTERN',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  UNSUPPORTED: 'UNSUPPORTED',
  BUILD: 'BUILD',
  STREAM_FINISHED: 'STREAM_FINISHED',
  CLOSED: 'CLOSED',
  BUSY: 'BUSY',
  IO: 'IO',
  PANIC: 'PANIC',
})

/** Every error hayscan raises (a callback's own exceptions pass through untouched). */
class HayscanError extends Error {
  constructor (message, code, patternIndex) {
    super(message)
    this.name = 'HayscanError'
    this.code = code
    this.patternIndex = patternIndex
  }
}

/**
 * The rejection of an async call whose `signal` aborted, as Node's own (`fs.promises`,
 * `timers/promises`): `name` 'AbortError', `code` 'ABORT_ERR', the signal's reason as
 * `cause`.
 */
class AbortError extends Error {
  constructor (message = 'The operation was aborted', options = undefined) {
    super(message, options)
    this.name = 'AbortError'
    this.code = 'ABORT_ERR'
  }
}

function invalid (message) {
  return new HayscanError(message, ErrorCode.INVALID_ARGUMENT, undefined)
}

module.exports = { ErrorCode, HayscanError, AbortError, invalid }
