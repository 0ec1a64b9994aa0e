// Types of the public API (lib/index.js). Option and report types come from the
// napi-rs-generated native.d.ts, so they cannot drift from the Rust definitions.
/// <reference types="node" />
import type { Transform } from 'node:stream'
import type { MatcherOptions, ScanReport } from '../native'

export type { MatcherOptions, ScanReport }

/** Input accepted everywhere: a string (UTF-16 offsets) or bytes (byte offsets, no copy). */
export type Haystack = string | Uint8Array

/** A match in byte input: pattern id (index in the pattern list) and byte offsets. */
export interface Match {
  /** Index of the pattern in the list the matcher was built from. */
  pattern: number
  /** Offset of the first unit of the match (bytes, or UTF-16 code units for strings). */
  start: number
  /** Offset one past the last unit of the match. */
  end: number
}

/** A match in string input: offsets in UTF-16 code units, and the matched text. */
export interface TextMatch extends Match {
  /** `haystack.slice(start, end)`. */
  text: string
}

/** Every match of a haystack as columns (`findAllColumns`): entry `i` is match `i`. */
export interface MatchColumns {
  /** Pattern id of each match. */
  pattern: Uint32Array
  /** Start offset of each match (bytes, or UTF-16 code units for strings). */
  start: Float64Array
  /** End offset of each match. */
  end: Float64Array
}

/** A capture group of a match in byte input: byte offsets. */
export interface Group {
  /** Offset of the first unit of the group (bytes, or UTF-16 code units for strings). */
  start: number
  /** Offset one past the last unit of the group. */
  end: number
}

/** A capture group of a match in string input: UTF-16 offsets and the group's text. */
export interface TextGroup extends Group {
  /** `haystack.slice(start, end)`. */
  text: string
}

/** The capture groups of one regex match (`matcher.captures`). */
export interface Captures<G extends Group = Group> {
  /** The pattern that matched. */
  pattern: number
  /**
   * One entry per group of the pattern, group 0 (the whole match) first; `null` for a
   * group that took no part in the match.
   */
  groups: Array<G | null>
  /**
   * The named groups, by name (the same objects as in `groups`). An object without a
   * prototype, like `RegExp` match `groups`.
   */
  named: Record<string, G | null>
}

/** The capture groups of a match in string input. */
export type TextCaptures = Captures<TextGroup>

/** Options of `stream().on`, `createTransform` and `scanAsync`. */
export interface HandlerOptions {
  // Other keys throw an INVALID_ARGUMENT HayscanError.
  /** Only matches of these pattern ids (all patterns when omitted). */
  patterns?: number[]
}

/** Every `code` a HayscanError can carry. */
export declare const ErrorCode: Readonly<{
  INVALID_PATTERN: 'INVALID_PATTERN'
  INVALID_ARGUMENT: 'INVALID_ARGUMENT'
  UNSUPPORTED: 'UNSUPPORTED'
  BUILD: 'BUILD'
  STREAM_FINISHED: 'STREAM_FINISHED'
  CLOSED: 'CLOSED'
  BUSY: 'BUSY'
  IO: 'IO'
  PANIC: 'PANIC'
}>

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode]

/** The error hayscan raises. Exceptions thrown by your callbacks pass through unchanged. */
export declare class HayscanError extends Error {
  constructor(message: string, code: ErrorCodeValue, patternIndex?: number)
  readonly name: 'HayscanError'
  /** What went wrong, e.g. `'INVALID_PATTERN'`. */
  code: ErrorCodeValue
  /** For `'INVALID_PATTERN'`: the index of the pattern at fault; otherwise undefined. */
  patternIndex: number | undefined
  /** For `'IO'`: the OS error number (e.g. 2 for a missing file), where the OS gave one. */
  errno?: number
  /** For `'IO'` from `countFile`/`countFileLines`/`scanFile`: the path that failed. */
  path?: string
}

/**
 * The rejection of an async method whose `signal` aborted, as Node's own: `name`
 * `'AbortError'`, `code` `'ABORT_ERR'`, the signal's `reason` as `cause`.
 */
export declare class AbortError extends Error {
  constructor(message?: string, options?: { cause?: unknown })
  readonly name: 'AbortError'
  readonly code: 'ABORT_ERR'
}

/** A file path: a string, a Buffer / Uint8Array of its bytes, or a `file:` URL. */
export type FilePath = string | Uint8Array | URL

/** Options of every async method. Other keys reject with an INVALID_ARGUMENT HayscanError. */
export interface AsyncOptions {
  /** Aborting it cancels the scan; the Promise then rejects with an AbortError. */
  signal?: AbortSignal
}

/** Options of `countAsync`. */
export interface CountAsyncOptions extends AsyncOptions {
  /**
   * Threads for one count (default 1; 0: the available cores, at most 8). Above 1, a large
   * literal count runs in parallel segments (same answer); the signal is then checked once,
   * before it starts.
   */
  threads?: number
}

/** Options of `scanFile`. */
export interface ScanFileOptions extends AsyncOptions {
  /** Matches delivered per turn of the event loop (default 1024). */
  batch?: number
}

/**
 * A compiled set of literal strings or regexes, searched in one pass. Build it once and
 * search with it many times. `close()` releases it at once; otherwise the garbage
 * collector does.
 */
export declare class Matcher {
  /**
   * Compiles `patterns` (pattern id = index). Throws a HayscanError: `INVALID_PATTERN`
   * (with `patternIndex`), `UNSUPPORTED` (e.g. regex with `'overlapping'`),
   * `INVALID_ARGUMENT` or `BUILD`.
   */
  constructor(patterns: ReadonlyArray<string | Uint8Array>, options?: MatcherOptions)
  /** Same as `new Matcher(patterns, { ...options, syntax: 'regex' })`. */
  static regex(patterns: ReadonlyArray<string | Uint8Array>, options?: Omit<MatcherOptions, 'syntax'>): Matcher

  /** Number of patterns. */
  readonly patternCount: number
  /** Heap bytes used by the compiled automaton. */
  readonly memoryUsage: number
  /** True after `close()`. */
  readonly closed: boolean

  /** True if any pattern matches. */
  isMatch(haystack: Haystack): boolean
  /**
   * The first match, or null. With `matchKind: 'overlapping'`, the first match the
   * overlapping scan reports: the one that ends first (the longest among those ending
   * there), not the leftmost.
   */
  find(haystack: string): TextMatch | null
  find(haystack: Uint8Array): Match | null
  find(haystack: Haystack): Match | TextMatch | null
  /** Every match, in order. */
  findAll(haystack: string): TextMatch[]
  findAll(haystack: Uint8Array): Match[]
  findAll(haystack: Haystack): Array<Match | TextMatch>
  /** Number of matches. */
  count(haystack: Haystack): number
  /**
   * Number of lines in which a pattern matches: grep -c's answer (`count` is the number of
   * matches; a line with several counts once). Lines are the input split at `\n` (a final
   * line without one counts; the empty piece after a final `\n` does not; `\r` stays in
   * its line); each is searched alone, so regex `^`/`$` anchor at its edges. Every match
   * kind gives the same answer; a set with an empty pattern counts every line.
   */
  countLines(haystack: Haystack): number
  /**
   * Every match as three columns, no object per match: entry `i` of `pattern`, `start` and
   * `end` is the `i`-th match of `findAll` (same offsets: UTF-16 units for strings, bytes
   * for Uint8Arrays). The fast path for bulk consumers.
   */
  findAllColumns(haystack: Haystack): MatchColumns
  /**
   * Per pattern id, its number of matches (`patternCount` entries). A Float64Array: one
   * pattern may match more than 2^32 times in a Buffer over 4 GiB.
   */
  countByPattern(haystack: Haystack): Float64Array
  /** The distinct ids of the patterns that match, ascending; stops once all are seen. */
  matchingPatterns(haystack: Haystack): Uint32Array
  /** Per pattern id, its first match (in `findAll` order), or `null` if it does not match. */
  firstMatchPerPattern(haystack: string): Array<TextMatch | null>
  firstMatchPerPattern(haystack: Uint8Array): Array<Match | null>
  firstMatchPerPattern(haystack: Haystack): Array<Match | TextMatch | null>
  /** `isMatch` of each input, in one native call. */
  isMatchMany(inputs: ReadonlyArray<Haystack>): boolean[]
  /** `count` of each input, in one native call. */
  countMany(inputs: ReadonlyArray<Haystack>): number[]
  /**
   * `findAll` of each input, in one native call: `result[i]` holds the matches of
   * `inputs[i]`, offsets relative to it (a string's matches carry `text`).
   */
  findMany(inputs: ReadonlyArray<string>): TextMatch[][]
  findMany(inputs: ReadonlyArray<Uint8Array>): Match[][]
  findMany(inputs: ReadonlyArray<Haystack>): Array<Array<Match | TextMatch>>
  /**
   * Calls `onMatch` for each match in order; returning `false` stops the scan. A throw
   * stops the scan and reaches the caller unchanged. Callbacks may use the matcher.
   */
  scan(haystack: string, onMatch: (match: TextMatch) => unknown): ScanReport
  scan(haystack: Uint8Array, onMatch: (match: Match) => unknown): ScanReport
  scan(haystack: Haystack, onMatch: (match: Match | TextMatch) => unknown): ScanReport
  /** A lazy iterator over the matches; leaving a `for...of` early releases it. */
  matches(haystack: string): IterableIterator<TextMatch>
  matches(haystack: Uint8Array): IterableIterator<Match>
  matches(haystack: Haystack): IterableIterator<Match | TextMatch>
  /**
   * Replaces every match with `replacement` (one for all patterns) or
   * `replacement[match.pattern]`. Throws `UNSUPPORTED` for overlapping matchers and
   * `INVALID_ARGUMENT` for a list whose length is neither 1 nor `patternCount`.
   */
  replaceAll(haystack: string, replacement: string | Uint8Array | ReadonlyArray<string | Uint8Array>): string
  replaceAll(haystack: Uint8Array, replacement: string | Uint8Array | ReadonlyArray<string | Uint8Array>): Buffer
  /**
   * Replaces each match by what `replace` returns; returning `false` stops (that match
   * and the rest stay unchanged). A throw reaches the caller unchanged.
   */
  replaceWith(haystack: string, replace: (match: TextMatch) => string | Uint8Array | false): string
  replaceWith(haystack: Uint8Array, replace: (match: Match) => string | Uint8Array | false): Buffer
  /**
   * The capture groups of `match`, a match this regex matcher found in `haystack` (pass
   * the same string or bytes). Throws `UNSUPPORTED` for a literal matcher and
   * `INVALID_ARGUMENT` if `match` is not a match of this matcher in `haystack`.
   */
  captures(haystack: string, match: Match): TextCaptures
  captures(haystack: Uint8Array, match: Match): Captures
  captures(haystack: Haystack, match: Match): Captures | TextCaptures
  /**
   * The names of pattern `pattern`'s capture groups, indexed like `captures().groups`:
   * a name, or `null` for group 0 and unnamed groups. Throws `UNSUPPORTED` for a literal
   * matcher and `INVALID_ARGUMENT` for an unknown pattern id.
   */
  groupNames(pattern: number): Array<string | null>
  /** A push stream over this matcher. */
  stream(): MatchStream
  /**
   * A Transform stream: write Buffers (byte offsets) or strings (UTF-16 offsets), read
   * match objects (`readableObjectMode`).
   */
  createTransform(options?: HandlerOptions): Transform
  /** Scans an iterable or async iterable of chunks (e.g. a readable stream), yielding matches. */
  scanAsync(
    source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
    options?: HandlerOptions,
  ): AsyncGenerator<Match | TextMatch, void, undefined>
  /**
   * `count` on the libuv pool. The haystack is held, not copied: do not write to a Buffer
   * or transfer its ArrayBuffer until the Promise settles.
   */
  countAsync(haystack: Haystack, options?: CountAsyncOptions): Promise<number>
  /** `findAll` on the libuv pool: the same matches, offsets and texts. */
  findAllAsync(haystack: string, options?: AsyncOptions): Promise<TextMatch[]>
  findAllAsync(haystack: Uint8Array, options?: AsyncOptions): Promise<Match[]>
  findAllAsync(haystack: Haystack, options?: AsyncOptions): Promise<Array<Match | TextMatch>>
  /** `replaceAll` on the libuv pool: a string for string input, a Buffer otherwise. */
  replaceAllAsync(haystack: string, replacement: string | Uint8Array | ReadonlyArray<string | Uint8Array>, options?: AsyncOptions): Promise<string>
  replaceAllAsync(haystack: Uint8Array, replacement: string | Uint8Array | ReadonlyArray<string | Uint8Array>, options?: AsyncOptions): Promise<Buffer>
  /**
   * Number of matches in the file at `path`, read in chunks on the libuv pool. IO errors
   * reject. `threads` other than 1 (0: the cores, at most 8) splits a regular file between
   * native threads with the same answer: regex sets at line starts, overlapping literal
   * sets with an overlap; leftmost literal sets, pipes and files under 1 MiB per thread use
   * one. With threads, an abort is seen only before the count starts.
   */
  countFile(path: FilePath, options?: CountAsyncOptions): Promise<number>
  /**
   * `countLines` of the file at `path`, read in chunks on the libuv pool (memory stays
   * bounded). Options and errors as `countFile`; `threads` other than 1 splits a regular
   * file at line starts, with the same answer (pipes and files under 1 MiB per thread use
   * one thread). With threads, an abort is seen only before the count starts.
   */
  countFileLines(path: FilePath, options?: CountAsyncOptions): Promise<number>
  /**
   * Scans the file at `path` on the libuv pool; `onMatch` runs on this thread, in order,
   * with byte offsets. Returning `false` stops the scan; a throw rejects with the thrown
   * value. Resolves after the last call.
   */
  scanFile(path: FilePath, onMatch: (match: Match) => unknown, options?: ScanFileOptions): Promise<ScanReport>
  /**
   * Writes the file at `input` with every match replaced to `output` (created or
   * truncated), in chunks, on the libuv pool. Resolves with the number of replacements;
   * after an abort, `output` holds a replaced prefix.
   */
  replaceFile(input: FilePath, output: FilePath, replacement: string | Uint8Array | ReadonlyArray<string | Uint8Array>, options?: AsyncOptions): Promise<number>
  /** Releases the native resources now. Idempotent; other methods then throw `CLOSED`. */
  close(): void
}

/**
 * Push-based scanning of input arriving in chunks; matches carry absolute offsets (bytes
 * for Buffer chunks, UTF-16 code units for string chunks; one stream takes one kind).
 * Obtain one with `matcher.stream()`.
 */
export declare class MatchStream {
  private constructor()
  /**
   * Registers `handler` for every match (or those of `options.patterns`) and returns its
   * id. Returning `false` stops the stream; a throw stops it and propagates from `write`.
   * Handlers may call `on`/`off` (also on themselves) and `close`.
   */
  on(handler: (match: Match & Partial<TextMatch>) => unknown, options?: HandlerOptions): number
  /** Unregisters a handler; false for an unknown id. */
  off(id: number): boolean
  /** Number of registered handlers. */
  readonly handlerCount: number
  /** Units written so far. */
  readonly position: number
  /** True after `end()`, `close()`, or a handler stopping the stream. */
  readonly finished: boolean
  /** Scans the next chunk; handlers receive the matches that are now final. */
  write(chunk: string | Uint8Array): ScanReport
  /** Writes `chunk` if given, reports the pending matches and releases the stream. */
  end(chunk?: string | Uint8Array): ScanReport
  /** Releases the stream and its handlers without reporting pending matches. Idempotent. */
  close(): void
}

/** Live native objects in this process (open matchers, iterators, streams, handlers, running async tasks). */
export declare function liveObjects(): number
/** The hayscan version. */
export declare function version(): string
