'use strict'
// What the addon is given for a haystack, and in which units its offsets come back.
//
// The core searches bytes. A Uint8Array is passed as it is (offsets in bytes). A short
// string is passed as it is and the addon converts it (one Node-API call). A long string
// is turned into bytes here, the cheapest exact way first:
//
// 1. A string with no character above U+00FF (V8 stores most strings so, one byte per
//    character: a regex test for such a character answers at once on them) is copied as
//    Latin-1 (`latin1Write`, a memcpy). Each byte is one character and one UTF-16 unit.
//    For a matcher whose answers are the same on Latin-1 as on UTF-8 (see `latin1Exact`),
//    the calls that report only offsets search these bytes as they are, and the offsets
//    need no conversion. Otherwise, the bytes are exactly the string's UTF-8 when they are
//    all ASCII (checked: `buffer.isAscii`); if not, the addon widens them to UTF-8 in place
//    (`latin1ToUtf8`, src/latin1.rs), several times faster than TextEncoder on such text,
//    and converts the offsets.
// 2. Anything else is encoded to UTF-8 with TextEncoder.encodeInto and passed flagged
//    `utf8Text`; the addon converts the offsets to UTF-16 units.

const { isAscii } = require('node:buffer')

const native = require('./binding.js')

// Strings at least this long are turned into bytes here; Node-API's own UTF-8 conversion
// is several times slower on long strings, but saves a call on short ones.
const ENCODE_IN_JS = 2048
const encoder = new TextEncoder()

// A character Latin-1 cannot hold. On a one-byte string (no such character possible) V8
// answers without reading the string; on a two-byte string it scans up to the first one.
const NON_LATIN1 = /[^\x00-\xff]/

// One reusable buffer for the bytes of long strings, for the calls during which no
// JavaScript of the caller runs while the addon reads it (isMatch, find, findAll, count,
// replaceAll). A fresh buffer per call costs its page faults, more than the copy itself
// (a 32 MB string: 35 ms instead of 5-20 ms). It grows to the largest string searched, up
// to SCRATCH_MAX bytes (twice the length of the longest Latin-1 string: see `input`);
// longer strings, and calls that run callbacks (scan, matches,
// replaceWith, streams), get a buffer of their own.
const SCRATCH_MAX = 128 * 1024 * 1024
let scratch = Buffer.allocUnsafeSlow(0)

// Whether the bytes `input` returned last have offsets equal to the string's UTF-16
// offsets (ASCII, or Latin-1 searched as such): then the addon need not convert them.
let lastInUnits = false

/** A buffer of at least `want` bytes: the shared scratch buffer if `shared`. */
function room (want, shared) {
  if (shared && want <= SCRATCH_MAX) {
    if (scratch.length < want) {
      scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_MAX, Math.max(want, 2 * scratch.length)))
    }
    return scratch
  }
  return Buffer.allocUnsafeSlow(want)
}

/**
 * The UTF-8 encoding of `s` (lone surrogates become U+FFFD, as in the addon), in the shared
 * scratch buffer if `shared`. Sets `lastInUnits`.
 */
function utf8 (s, shared) {
  // Room for ASCII plus some headroom; grown once if the text needs more.
  let buf = room(s.length + (s.length >> 3) + 8, shared)
  let { read, written } = encoder.encodeInto(s, buf)
  // Every non-ASCII UTF-16 unit takes more than one byte, so equal counts mean ASCII.
  lastInUnits = read === s.length && written === read
  if (read < s.length) {
    const bigger = Buffer.allocUnsafeSlow(written + (s.length - read) * 3)
    bigger.set(buf.subarray(0, written))
    written += encoder.encodeInto(s.slice(read), bigger.subarray(written)).written
    buf = bigger
    if (shared && bigger.length <= SCRATCH_MAX) scratch = bigger
  }
  return buf.subarray(0, written)
}

/**
 * What to pass to the addon for `haystack` (see the top of this file): long strings as
 * bytes, in the shared scratch buffer unless `own`. With `latin1`, a string without
 * characters above U+00FF may be passed as its Latin-1 bytes even if they are not ASCII:
 * only for a matcher for which `latin1Exact` holds, in a call whose output is offsets.
 * Sets `lastInUnits` (false for anything the addon converts or that is not a string).
 */
function input (haystack, own, latin1) {
  if (typeof haystack !== 'string' || haystack.length < ENCODE_IN_JS) {
    lastInUnits = false
    return haystack
  }
  const len = haystack.length
  if (NON_LATIN1.test(haystack)) return utf8(haystack, !own)
  if (latin1 === true) {
    const buf = room(len, !own)
    lastInUnits = true
    return buf.subarray(0, buf.latin1Write(haystack, 0))
  }
  // The Latin-1 bytes in the second half; their UTF-8 form, unless ASCII, in the first.
  const buf = room(2 * len, !own)
  buf.latin1Write(haystack, len)
  const bytes = buf.subarray(len, 2 * len)
  if (isAscii(bytes)) {
    lastInUnits = true
    return bytes
  }
  lastInUnits = false
  return buf.subarray(0, native.latin1ToUtf8(buf.subarray(0, 2 * len), len))
}

// `count` of a literal matcher reads Latin-1 strings at least this long in chunks of
// COUNT_CHUNK characters (`countLatin1`, src/latin1.rs): each chunk is copied while the
// search still finds it in the CPU's cache, instead of the whole string copied and read
// back from memory (sparse sets: 9 ms instead of 12 ms for 32 MB, against 7 ms for a
// Buffer). Shorter strings fit in the cache anyway.
const COUNT_IN_CHUNKS = 1 << 20
const COUNT_CHUNK = 128 << 10
const slice = String.prototype.slice
const SAMPLE = 1 << 16
const SPARSE = 32

/**
 * `count` for a literal matcher `m` (its native handle) if `haystack` is a long string
 * without characters above U+00FF, else undefined. With `latin1`, the matcher's answers
 * on Latin-1 bytes are its UTF-8 ones (`latin1Exact`); otherwise each chunk is widened.
 */
function countInChunks (m, haystack, latin1) {
  if (typeof haystack !== 'string' || haystack.length < COUNT_IN_CHUNKS || NON_LATIN1.test(haystack)) return undefined
  // The stream costs more per match than a whole-buffer count: on text dense with
  // matches (more than one per SPARSE characters in a sample of its start) the whole
  // copy wins (dense-1000: 0.90x of count(Buffer) in chunks, 0.94x copied whole).
  if (native.count(m, input(haystack.slice(0, SAMPLE), false, latin1)) * SPARSE > SAMPLE) return undefined
  return native.countLatin1(m, haystack, slice, COUNT_CHUNK, latin1 !== true)
}

/** The `utf8Text` flag for `haystack` once `input` has run: a string whose offsets need converting. */
function isTextNeedingUnits (haystack) {
  return typeof haystack === 'string' && !lastInUnits
}

/**
 * True if a matcher built from `patterns` with `options` finds, in the Latin-1 bytes of a
 * string without characters above U+00FF, exactly the matches (at the same character
 * offsets) it finds in the UTF-8 bytes of that string: literal syntax, case-sensitive, no
 * whole words, and every pattern non-empty ASCII. Then every match covers ASCII bytes
 * only, which are the same characters in both encodings, and the two encodings place the
 * same candidates in the same order, so every match kind picks the same ones. (Case
 * folding and word characters read UTF-8, and an empty pattern matches between bytes.)
 */
function latin1Exact (patterns, options) {
  if (options != null && (options.syntax === 'regex' || options.caseInsensitive || options.wholeWords)) return false
  if (!Array.isArray(patterns)) return false
  for (const p of patterns) {
    if (typeof p === 'string') {
      if (p.length === 0 || !/^[\x00-\x7f]*$/.test(p)) return false
    } else if (p instanceof Uint8Array) {
      if (p.length === 0 || !isAscii(p)) return false
    } else {
      return false
    }
  }
  return true
}

module.exports = { input, isTextNeedingUnits, latin1Exact, countInChunks, ENCODE_IN_JS }
