'use strict'
// Counting matching lines (`countLines`, `countFileLines`): grep -c's answer. A line is the
// input split at `\n` (the empty piece after a final `\n` is not a line); it counts when
// the matcher, searching the line alone, finds a match in it. The Matcher methods in
// index.js forward here with their native handle.

const native = require('./binding.js')
const { input } = require('./input.js')
const { fileCount } = require('./tasks.js')

/**
 * `countLines` of the matcher `m` (its native handle). Strings go through the input
 * conversion of the calls that report only offsets (`latin1`: see `latin1Exact`): `\n` is
 * the same byte in Latin-1 and UTF-8, and so are the lines.
 */
function countLines (m, haystack, latin1) {
  return native.countLines(m, input(haystack, false, latin1))
}

/** `countFileLines` of `m`: as `countFile`, on the libuv pool. */
function countFileLines (m, path, options) {
  return fileCount(native.countFileLines, m, path, options)
}

module.exports = { countLines, countFileLines }
