//! The matcher functions: a compiled pattern set and resumable pull iteration over it,
//! both behind handles (see [`crate::handle`] for why they are not classes).
//!
//! Matches leave the addon as flat runs of numbers — `[pattern, start, end, pattern, ...]`
//! in a `Float64Array` — and the JavaScript wrapper turns them into objects: one boundary
//! crossing per batch instead of several Node-API calls per match. Offsets are `f64`
//! because a `Buffer` may be longer than `u32::MAX` bytes.
//!
//! JavaScript may call back into a matcher while one of its operations runs a callback, so
//! state lives in `RefCell`s that are never borrowed across a callback.

use std::cell::RefCell;
use std::ptr;
use std::sync::Arc;

use hayscan::{ControlFlow, Cursor, Matcher, Options};
use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue};
use napi_derive::napi;

use crate::call::{self, CallError};
use crate::error::{throw, throw_core, Code};
use crate::handle::{self, Tagged};
use crate::haystack::{self, Haystack, Input, Units};
use crate::live::Live;
use crate::typed_array::typed_array;

/// How a matcher is built. Every field is optional.
#[napi(object)]
#[derive(Debug, Default)]
pub struct MatcherOptions {
    /// `'literal'` (default): patterns are exact strings (Aho-Corasick). `'regex'`: patterns
    /// are regular expressions (Rust `regex` syntax), searched in one pass.
    #[napi(ts_type = "'literal' | 'regex'")]
    pub syntax: Option<String>,
    /// Which matches are reported where patterns compete: `'leftmost-first'` (default; the
    /// pattern listed first wins, like a regex alternation), `'leftmost-longest'` (the
    /// longest wins, like PHP's `strtr`; literals only) or `'overlapping'` (every match;
    /// literals only, no replacement).
    #[napi(ts_type = "'leftmost-first' | 'leftmost-longest' | 'overlapping'")]
    pub match_kind: Option<String>,
    /// Match regardless of case (Unicode-aware). Default `false`.
    pub case_insensitive: Option<bool>,
    /// Regexes only: `\w \d \s \b \B` mean their ASCII forms, as in RE2 (Go), PCRE
    /// and Hyperscan, so rulesets written for those engines keep their meaning (and large
    /// counted repetitions such as `[\w-]{50,1000}` stay within the engine's limits).
    /// Case folding stays Unicode-aware. Default `false` (Unicode classes). Ignored for
    /// literals.
    pub ascii_classes: Option<bool>,
    /// Regex streams scan line by line; a line longer than this many bytes is cut into
    /// frames of this size (a match crossing a cut is not found). Default 1 MiB.
    pub max_line_len: Option<f64>,
    /// Literals only: a match counts only if the characters on both sides of it are not
    /// word characters (Unicode `\w`, or `[0-9A-Za-z_]` with `asciiClasses`); the ends of
    /// the input count as non-word. Empty patterns are refused (`INVALID_PATTERN`); with
    /// `syntax: 'regex'` it throws `UNSUPPORTED` (write `\b` in the pattern). Default
    /// `false`.
    pub whole_words: Option<bool>,
    /// Regexes only: the largest count of a counted repetition (`x{n}`, `x{m,n}`); a
    /// pattern with a larger one is `INVALID_PATTERN`. Default 1000 (RE2's limit).
    pub max_repetition: Option<f64>,
    /// Regexes only: the most automaton states one regex may need (against nested counted
    /// repetitions); a pattern needing more is `INVALID_PATTERN`. Default 10000.
    pub max_regex_states: Option<f64>,
}

/// An open matcher: the compiled set and its live-object token.
#[derive(Debug)]
struct Open {
    matcher: Arc<Matcher>,
    _live: Live,
}

/// What a matcher handle holds; `None` once closed.
#[derive(Debug)]
pub(crate) struct MatcherSlot(RefCell<Option<Open>>);

impl Tagged for MatcherSlot {
    const TAG: sys::napi_type_tag = sys::napi_type_tag {
        lower: 0x6861_7973_6361_6e4d,
        upper: 0x8d3c_27f1_5a9e_0b64,
    };
    const WHAT: &'static str = "matcher";
}

impl MatcherSlot {
    /// Runs `f` on the open matcher, or throws `CLOSED`. `f` must not run JavaScript.
    pub(crate) fn with<T>(&self, env: &Env, f: impl FnOnce(&Matcher) -> Result<T>) -> Result<T> {
        match self.0.borrow().as_ref() {
            Some(open) => f(&open.matcher),
            None => closed(env),
        }
    }

    /// A counted reference to the matcher, for operations that run JavaScript.
    pub(crate) fn matcher(&self, env: &Env) -> Result<Arc<Matcher>> {
        self.with(env, |_| Ok(()))?;
        let inner = self.0.borrow();
        Ok(Arc::clone(
            &inner.as_ref().expect("checked open just above").matcher,
        ))
    }
}

pub(crate) fn slot<'a>(env: &Env, matcher: &Unknown<'a>) -> Result<&'a MatcherSlot> {
    match handle::get::<MatcherSlot>(env, matcher)? {
        Some(slot) => Ok(slot),
        None => closed(env),
    }
}

/// Compiles `patterns` (strings or `Uint8Array`s; pattern id = index) with `options` and
/// returns a matcher handle for the other functions.
#[napi(
    catch_unwind,
    ts_args_type = "patterns: Array<string | Uint8Array>, options?: MatcherOptions | undefined | null",
    ts_return_type = "MatcherHandle"
)]
pub fn create_matcher<'e>(
    env: &'e Env,
    patterns: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Unknown<'e>> {
    let patterns = haystack::read_list(env, &patterns, "patterns")?;
    let options = parse_options(env, options)?;
    match Matcher::new(&patterns, &options) {
        Ok(m) => handle::wrap(
            env,
            MatcherSlot(RefCell::new(Some(Open {
                matcher: Arc::new(m),
                _live: Live::new(),
            }))),
        ),
        Err(e) => throw_core(env, e),
    }
}

/// Number of patterns.
#[napi(catch_unwind, ts_args_type = "matcher: MatcherHandle")]
pub fn pattern_count(env: Env, matcher: Unknown<'_>) -> Result<f64> {
    slot(&env, &matcher)?.with(&env, |m| Ok(m.pattern_count() as f64))
}

/// Heap bytes used by the compiled automaton.
#[napi(catch_unwind, ts_args_type = "matcher: MatcherHandle")]
pub fn memory_usage(env: Env, matcher: Unknown<'_>) -> Result<f64> {
    slot(&env, &matcher)?.with(&env, |m| Ok(m.memory_usage() as f64))
}

/// True after `close()`.
#[napi(catch_unwind, ts_args_type = "matcher: MatcherHandle")]
pub fn is_closed(env: Env, matcher: Unknown<'_>) -> Result<bool> {
    Ok(handle::get::<MatcherSlot>(&env, &matcher)?.is_none_or(|slot| slot.0.borrow().is_none()))
}

/// True if any pattern matches.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array"
)]
pub fn is_match(env: Env, matcher: Unknown<'_>, haystack: Unknown<'_>) -> Result<bool> {
    let slot = slot(&env, &matcher)?;
    let hay = haystack::read(&env, &haystack, None, "haystack")?;
    slot.with(&env, |m| Ok(m.is_match(hay.bytes())))
}

/// Number of matches.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array"
)]
pub fn count(env: Env, matcher: Unknown<'_>, haystack: Unknown<'_>) -> Result<f64> {
    let slot = slot(&env, &matcher)?;
    let hay = haystack::read(&env, &haystack, None, "haystack")?;
    slot.with(&env, |m| Ok(m.count(hay.bytes()) as f64))
}

/// Writes the first match as `[pattern, start, end]` into `out` and returns true, or
/// returns false if there is none. With `utf8Text`, a `Uint8Array` haystack is the UTF-8
/// encoding of a string and offsets are UTF-16 code units (likewise below).
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, out: Float64Array, utf8Text?: boolean"
)]
pub fn find(
    env: Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    mut out: Float64ArraySlice<'_>,
    utf8_text: Option<bool>,
) -> Result<bool> {
    let slot = slot(&env, &matcher)?;
    let hay = haystack::read(&env, &haystack, utf8_text, "haystack")?;
    // SAFETY: the wrapper's private scratch array; no JavaScript runs while it is held.
    let out = unsafe { out.as_mut() };
    if out.len() < 3 {
        return throw(&env, Code::InvalidArgument, "out must hold 3 numbers", None);
    }
    let Some(found) = slot.with(&env, |m| Ok(m.find(hay.bytes())))? else {
        return Ok(false);
    };
    let bytes = hay.bytes();
    let mut units = hay.units();
    out[0] = f64::from(found.pattern);
    out[1] = units.convert_start(bytes, found.start) as f64;
    out[2] = units.convert(bytes, found.end) as f64;
    Ok(true)
}

/// Every match, as a flat `[pattern, start, end, ...]` array, or null if there is none.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, utf8Text?: boolean",
    ts_return_type = "Float64Array | null"
)]
pub fn find_all<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    utf8_text: Option<bool>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let hay = haystack::read(env, &haystack, utf8_text, "haystack")?;
    let bytes = hay.bytes();
    let mut units = hay.units();
    let flat = slot.with(env, |m| {
        let mut flat = Vec::new();
        for found in m.find_iter(bytes) {
            flat.push(f64::from(found.pattern));
            flat.push(units.convert_start(bytes, found.start) as f64);
            flat.push(units.convert(bytes, found.end) as f64);
        }
        Ok(flat)
    })?;
    if flat.is_empty() {
        // No array to allocate in the common no-match case.
        let mut null = ptr::null_mut();
        // SAFETY: reading the `null` singleton of this env.
        check_status!(unsafe { sys::napi_get_null(env.raw(), &mut null) })?;
        // SAFETY: `null` is a value of this env.
        return Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), null) });
    }
    typed_array(env, &flat)
}

/// A resumable iteration over the matches of `haystack` (a cursor handle for
/// `cursorNext`). A string is copied into the cursor; a `Uint8Array` (also with
/// `utf8Text`) must be passed again to every `cursorNext` call.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, utf8Text?: boolean",
    ts_return_type = "CursorHandle"
)]
pub fn cursor<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    utf8_text: Option<bool>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let hay = haystack::read(env, &haystack, utf8_text, "haystack")?;
    let matcher = slot.matcher(env)?;
    let units = hay.units();
    let byte_len = hay.bytes().len();
    let text = match hay {
        Haystack::Text(b) => Some(b),
        Haystack::Utf8(_) | Haystack::Bytes(_) => None,
    };
    handle::wrap(
        env,
        CursorSlot(RefCell::new(Some(CursorState {
            cursor: matcher.cursor(),
            matcher,
            text,
            units,
            byte_len,
            _live: Live::new(),
        }))),
    )
}

/// Replaces every match: `replacements` holds one replacement for all patterns or one
/// per pattern. Returns a string for string input (or `utf8Text`), a `Buffer` for bytes.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, replacements: Array<string | Uint8Array>, utf8Text?: boolean",
    ts_return_type = "string | Buffer"
)]
pub fn replace_all<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    replacements: Unknown<'_>,
    utf8_text: Option<bool>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let hay = haystack::read(env, &haystack, utf8_text, "haystack")?;
    let with = haystack::read_list(env, &replacements, "replacements")?;
    match slot.with(env, |m| Ok(m.replace_all(hay.bytes(), &with)))? {
        Ok(out) => output(env, hay.is_text(), out),
        Err(e) => throw_core(env, e),
    }
}

/// Replaces each match by what `replace(pattern, start, end)` returns (a string or a
/// `Uint8Array`); `false` stops: that match and the rest are kept unchanged. A throw
/// stops the scan and is rethrown as is.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, replace: (pattern: number, start: number, end: number) => string | Uint8Array | false, utf8Text?: boolean",
    ts_return_type = "string | Buffer"
)]
pub fn replace_with<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    replace: Unknown<'_>,
    utf8_text: Option<bool>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    if replace.get_type()? != ValueType::Function {
        return throw(
            env,
            Code::InvalidArgument,
            "replace must be a function",
            None,
        );
    }
    let func = replace.value().value;
    // The callback may modify or detach a Buffer it can reach, so byte input is copied.
    let (bytes, is_text) = match haystack::read(env, &haystack, utf8_text, "haystack")? {
        Haystack::Text(b) => (b, true),
        Haystack::Utf8(b) => (b.to_vec(), true),
        Haystack::Bytes(b) => (b.to_vec(), false),
    };
    let matcher = slot.matcher(env)?;
    let mut units = if is_text {
        Units::for_text(&bytes)
    } else {
        Units::Bytes
    };
    let mut failure: Option<CallError> = None;
    let mut bad_return = false;
    let result = matcher.replace_with(&bytes, |m, dst| {
        match call::in_scope(env, || replacement(env, func, &bytes, &mut units, m, dst)) {
            Ok(Replaced::Written) => ControlFlow::Continue(()),
            Ok(Replaced::Stop) => ControlFlow::Break(()),
            Ok(Replaced::BadReturn) => {
                bad_return = true;
                ControlFlow::Break(())
            }
            Err(e) => {
                failure = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    if let Some(e) = failure {
        return e.into_result(env);
    }
    if bad_return {
        return throw(
            env,
            Code::InvalidArgument,
            "the replace callback must return a string, a Uint8Array or false",
            None,
        );
    }
    match result {
        Ok((out, _)) => output(env, is_text, out),
        Err(e) => throw_core(env, e),
    }
}

/// The capture groups of the match `pattern, start, end` of `haystack` (offsets in the
/// caller's units, as this addon reported them; `utf8Text` as for `find`), as a flat
/// `[start, end, start, end, ...]` array: group 0 (the match itself) first, then the
/// pattern's groups in order, `-1, -1` for a group that took no part in the match. Throws
/// `UNSUPPORTED` for a literal matcher and `INVALID_ARGUMENT` if that is not a match of
/// this matcher in `haystack`.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, haystack: string | Uint8Array, pattern: number, start: number, end: number, utf8Text?: boolean",
    ts_return_type = "Float64Array"
)]
pub fn captures<'e>(
    env: &'e Env,
    matcher: Unknown<'_>,
    haystack: Unknown<'_>,
    pattern: Unknown<'_>,
    start: Unknown<'_>,
    end: Unknown<'_>,
    utf8_text: Option<bool>,
) -> Result<Unknown<'e>> {
    let slot = slot(env, &matcher)?;
    let hay = haystack::read(env, &haystack, utf8_text, "haystack")?;
    let pattern = read_index(env, &pattern, "match.pattern")?;
    let start = read_index(env, &start, "match.start")?;
    let end = read_index(env, &end, "match.end")?;
    let bytes = hay.bytes();
    let mut units = hay.units();
    let flat = slot.with(env, |m| {
        check_groups(env, m, pattern)?;
        let not_a_match = || {
            throw(
                env,
                Code::InvalidArgument,
                format!(
                    "{{ pattern: {pattern}, start: {start}, end: {end} }} is not a match of \
                     this matcher in this haystack"
                ),
                None,
            )
        };
        let (Some(byte_start), Some(byte_end)) = (
            units.byte_offset(bytes, start),
            units.byte_offset(bytes, end),
        ) else {
            return not_a_match();
        };
        let found = hayscan::Match {
            pattern: pattern as u32,
            start: byte_start,
            end: byte_end,
        };
        let Some(caps) = m.captures(bytes, &found) else {
            if m.group_names(found.pattern).is_none() {
                // The pattern's own regex could not be built (an engine limit).
                return throw(
                    env,
                    Code::Build,
                    format!("cannot build the capture-group regex of pattern {pattern}"),
                    None,
                );
            }
            return not_a_match();
        };
        // The converter is at `end`; every group lies within the match, so each
        // conversion walks at most the match's bytes.
        let mut flat = Vec::with_capacity(2 * caps.len());
        for span in caps.spans {
            match span {
                Some((s, e)) => {
                    flat.push(units.convert(bytes, s) as f64);
                    flat.push(units.convert(bytes, e) as f64);
                }
                None => flat.extend([-1.0, -1.0]),
            }
        }
        Ok(flat)
    })?;
    typed_array(env, &flat)
}

/// The names of `pattern`'s capture groups, indexed like the groups of `captures`: a
/// name, or null for group 0 and unnamed groups. Throws `UNSUPPORTED` for a literal
/// matcher.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle, pattern: number",
    ts_return_type = "Array<string | null>"
)]
pub fn group_names(
    env: Env,
    matcher: Unknown<'_>,
    pattern: Unknown<'_>,
) -> Result<Vec<Option<String>>> {
    let slot = slot(&env, &matcher)?;
    let pattern = read_index(&env, &pattern, "pattern")?;
    slot.with(&env, |m| {
        check_groups(&env, m, pattern)?;
        match m.group_names(pattern as u32) {
            Some(names) => Ok(names.into_iter().map(|n| n.map(str::to_owned)).collect()),
            None => throw(
                &env,
                Code::Build,
                format!("cannot build the capture-group regex of pattern {pattern}"),
                None,
            ),
        }
    })
}

/// Throws unless `m` is a regex matcher and `pattern` one of its pattern ids.
fn check_groups(env: &Env, m: &Matcher, pattern: usize) -> Result<()> {
    if m.options().syntax != hayscan::Syntax::Regex {
        return throw(
            env,
            Code::Unsupported,
            "capture groups need a regex matcher (syntax: 'regex'); this one is literal",
            None,
        );
    }
    if pattern >= m.pattern_count() {
        return throw(
            env,
            Code::InvalidArgument,
            format!(
                "pattern id {pattern} is not an index of the {} patterns",
                m.pattern_count()
            ),
            None,
        );
    }
    Ok(())
}

/// Reads a pattern id or an offset: a number that is a non-negative integer.
fn read_index(env: &Env, value: &Unknown<'_>, what: &str) -> Result<usize> {
    if value.get_type()? == ValueType::Number {
        let mut n = 0.0;
        // SAFETY: `value` is a number of this env.
        check_status!(unsafe {
            sys::napi_get_value_double(env.raw(), value.value().value, &mut n)
        })?;
        // Up to 2^53: every such integer is exact in an f64 (and fits a usize here).
        if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_992.0 {
            return Ok(n as usize);
        }
    }
    throw(
        env,
        Code::InvalidArgument,
        format!("{what} must be a non-negative integer"),
        None,
    )
}

/// Releases the compiled set (once running iterations and streams are done with it).
/// Idempotent; later calls other than `close` throw a `CLOSED` error.
#[napi(catch_unwind, ts_args_type = "matcher: MatcherHandle")]
pub fn close(env: Env, matcher: Unknown<'_>) -> Result<()> {
    let Some(slot) = handle::get::<MatcherSlot>(&env, &matcher)? else {
        return Ok(());
    };
    // Emptied before the wrap is removed, so the handle reads as closed on either path.
    let open = slot.0.borrow_mut().take();
    drop(open);
    handle::free::<MatcherSlot>(&env, &matcher)
}

fn closed<T>(env: &Env) -> Result<T> {
    throw(env, Code::Closed, "the matcher is closed", None)
}

/// What a replacement callback answered.
enum Replaced {
    /// A replacement was appended.
    Written,
    /// `false`: stop, keep this match and the rest.
    Stop,
    /// Something other than a string, bytes or `false`.
    BadReturn,
}

/// Calls the replace callback for `m` and appends its answer to `dst`.
fn replacement(
    env: &Env,
    func: sys::napi_value,
    bytes: &[u8],
    units: &mut Units,
    m: &hayscan::Match,
    dst: &mut Vec<u8>,
) -> std::result::Result<Replaced, CallError> {
    let napi = CallError::Napi;
    let args = [
        call::number(env, f64::from(m.pattern)).map_err(napi)?,
        call::number(env, units.convert_start(bytes, m.start) as f64).map_err(napi)?,
        call::number(env, units.convert(bytes, m.end) as f64).map_err(napi)?,
    ];
    let ret = call::call(env, func, &args)?;
    if call::type_of(env, ret).map_err(napi)? == ValueType::String {
        haystack::append_utf8(env.raw(), ret, dst).map_err(napi)?;
        return Ok(Replaced::Written);
    }
    if call::is_false(env, ret).map_err(napi)? {
        return Ok(Replaced::Stop);
    }
    // SAFETY: `ret` was just returned into this env.
    let ret = unsafe { Unknown::from_raw_unchecked(env.raw(), ret) };
    match haystack::classify(env, &ret).map_err(napi)? {
        Input::Bytes(b) => {
            dst.extend_from_slice(b);
            Ok(Replaced::Written)
        }
        Input::Text(_) | Input::Other => Ok(Replaced::BadReturn),
    }
}

/// The result of a whole-buffer operation in the caller's type: a string for string
/// input, a `Buffer` (no copy) for byte input.
pub(crate) fn output<'e>(env: &'e Env, is_text: bool, bytes: Vec<u8>) -> Result<Unknown<'e>> {
    if is_text {
        let mut s = ptr::null_mut();
        // SAFETY: `bytes` is readable for its length; V8 copies it (invalid UTF-8 from byte
        // replacements becomes U+FFFD).
        check_status!(unsafe {
            sys::napi_create_string_utf8(
                env.raw(),
                bytes.as_ptr().cast(),
                bytes.len() as isize,
                &mut s,
            )
        })?;
        // SAFETY: `s` was just created in this env.
        return Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), s) });
    }
    // A copy into memory V8 owns: an external buffer would need a finalizer, and Node runs
    // those only from the event loop, so a synchronous loop would pile them up.
    let mut buf = ptr::null_mut();
    let mut data = ptr::null_mut();
    // SAFETY: `bytes` is readable for its length; Node copies it.
    check_status!(unsafe {
        sys::napi_create_buffer_copy(
            env.raw(),
            bytes.len(),
            bytes.as_ptr().cast(),
            &mut data,
            &mut buf,
        )
    })?;
    // SAFETY: the buffer was just created in this env.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), buf) })
}

fn parse_options(env: &Env, options: Option<Unknown<'_>>) -> Result<Options> {
    let mut out = Options::default();
    let Some(value) = options else {
        return Ok(out);
    };
    if value.get_type()? != ValueType::Object {
        return throw(
            env,
            Code::InvalidArgument,
            "options must be an object",
            None,
        );
    }
    reject_unknown_keys(env, &value)?;
    // SAFETY: `value` is an object of this env.
    let parsed = match unsafe { MatcherOptions::from_napi_value(env.raw(), value.value().value) } {
        Ok(p) => p,
        Err(e) => {
            return throw(
                env,
                Code::InvalidArgument,
                format!("invalid options: {}", e.reason),
                None,
            )
        }
    };
    if let Some(s) = parsed.syntax {
        out.syntax = match s.as_str() {
            "literal" => hayscan::Syntax::Literal,
            "regex" => hayscan::Syntax::Regex,
            other => {
                return throw(
                    env,
                    Code::InvalidArgument,
                    format!("options.syntax must be 'literal' or 'regex', got '{other}'"),
                    None,
                )
            }
        };
    }
    if let Some(k) = parsed.match_kind {
        out.match_kind = match k.as_str() {
            "leftmost-first" => hayscan::MatchKind::LeftmostFirst,
            "leftmost-longest" => hayscan::MatchKind::LeftmostLongest,
            "overlapping" => hayscan::MatchKind::Overlapping,
            other => {
                return throw(
                    env,
                    Code::InvalidArgument,
                    format!(
                        "options.matchKind must be 'leftmost-first', 'leftmost-longest' or \
                         'overlapping', got '{other}'"
                    ),
                    None,
                )
            }
        };
    }
    if let Some(ci) = parsed.case_insensitive {
        out.case_insensitive = ci;
    }
    if let Some(ascii) = parsed.ascii_classes {
        out.ascii_classes = ascii;
    }
    if let Some(n) = parsed.max_line_len {
        if !(n >= 1.0 && n.fract() == 0.0 && n <= usize::MAX as f64) {
            return throw(
                env,
                Code::InvalidArgument,
                format!("options.maxLineLen must be a positive integer, got {n}"),
                None,
            );
        }
        out.max_line_len = n as usize;
    }
    if let Some(w) = parsed.whole_words {
        out.whole_words = w;
    }
    if let Some(n) = parsed.max_repetition {
        if !(n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX)) {
            return throw(
                env,
                Code::InvalidArgument,
                format!("options.maxRepetition must be an integer from 0 to 4294967295, got {n}"),
                None,
            );
        }
        out.max_repetition = n as u32;
    }
    if let Some(n) = parsed.max_regex_states {
        if !(n >= 1.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_992.0) {
            return throw(
                env,
                Code::InvalidArgument,
                format!("options.maxRegexStates must be a positive integer, got {n}"),
                None,
            );
        }
        out.max_regex_states = n as usize;
    }
    Ok(out)
}

/// The keys `MatcherOptions` has, as JavaScript spells them.
const OPTION_KEYS: [&str; 8] = [
    "syntax",
    "matchKind",
    "caseInsensitive",
    "asciiClasses",
    "maxLineLen",
    "wholeWords",
    "maxRepetition",
    "maxRegexStates",
];

/// Throws `INVALID_ARGUMENT` for an enumerable key of `options` that is not an option (a
/// misspelt `caseInsensitve` would otherwise be ignored silently), as PHP and Ruby do.
fn reject_unknown_keys(env: &Env, options: &Unknown<'_>) -> Result<()> {
    let raw = env.raw();
    let mut keys = ptr::null_mut();
    // SAFETY: `options` is an object of this env.
    check_status!(unsafe { sys::napi_get_property_names(raw, options.value().value, &mut keys) })?;
    let mut len = 0;
    // SAFETY: `keys` is an array of this env.
    check_status!(unsafe { sys::napi_get_array_length(raw, keys, &mut len) })?;
    for i in 0..len {
        let mut key = ptr::null_mut();
        // SAFETY: index within the array's length.
        check_status!(unsafe { sys::napi_get_element(raw, keys, i, &mut key) })?;
        let mut name = ptr::null_mut();
        // Keys are strings (integer keys come as strings too); coerce to be sure.
        // SAFETY: `key` is a value of this env.
        check_status!(unsafe { sys::napi_coerce_to_string(raw, key, &mut name) })?;
        let name = String::from_utf8_lossy(&haystack::string_to_utf8(raw, name)?).into_owned();
        if !OPTION_KEYS.contains(&name.as_str()) {
            return throw(
                env,
                Code::InvalidArgument,
                format!(
                    "unknown option '{name}' (options are {})",
                    OPTION_KEYS.join(", ")
                ),
                None,
            );
        }
    }
    Ok(())
}

/// What a cursor handle holds; `None` once the iteration is over or closed.
#[derive(Debug)]
pub(crate) struct CursorSlot(RefCell<Option<CursorState>>);

impl Tagged for CursorSlot {
    const TAG: sys::napi_type_tag = sys::napi_type_tag {
        lower: 0x6861_7973_6361_6e43,
        upper: 0x41f0_9b2e_c7d3_5a18,
    };
    const WHAT: &'static str = "cursor";
}

#[derive(Debug)]
struct CursorState {
    matcher: Arc<Matcher>,
    cursor: Cursor,
    /// The UTF-8 copy of a string haystack; `None` for byte input (passed to each call).
    text: Option<Vec<u8>>,
    units: Units,
    byte_len: usize,
    _live: Live,
}

/// Writes up to `out.length / 3` next matches as `[pattern, start, end, ...]` into `out`
/// and returns how many; 0 means the iteration is over (and its memory released). For
/// byte input, pass the same `Uint8Array` as `haystack` every time.
#[napi(
    catch_unwind,
    ts_args_type = "cursor: CursorHandle, out: Float64Array, haystack?: Uint8Array"
)]
pub fn cursor_next(
    env: Env,
    cursor: Unknown<'_>,
    mut out: Float64ArraySlice<'_>,
    haystack: Option<Unknown<'_>>,
) -> Result<u32> {
    let Some(slot) = handle::get::<CursorSlot>(&env, &cursor)? else {
        return Ok(0);
    };
    // SAFETY: the wrapper's private batch array; no JavaScript runs while it is held.
    let out = unsafe { out.as_mut() };
    let given = match &haystack {
        Some(h) => match haystack::classify(&env, h)? {
            Input::Bytes(b) => Some(b),
            _ => None,
        },
        None => None,
    };
    let mut guard = slot.0.borrow_mut();
    let Some(state) = guard.as_mut() else {
        return Ok(0);
    };
    let CursorState {
        matcher,
        cursor,
        text,
        units,
        byte_len,
        ..
    } = state;
    let bytes: &[u8] = match (text.as_deref(), given) {
        (Some(t), _) => t,
        (None, Some(b)) if b.len() == *byte_len => b,
        (None, _) => {
            return throw(
                &env,
                Code::InvalidArgument,
                "pass the iteration's Uint8Array, unchanged in length, to every cursorNext()",
                None,
            )
        }
    };
    let mut n = 0;
    let mut done = false;
    for slot in out.chunks_exact_mut(3) {
        let Some(m) = matcher.next_match(bytes, cursor) else {
            done = true;
            break;
        };
        slot[0] = f64::from(m.pattern);
        slot[1] = units.convert_start(bytes, m.start) as f64;
        slot[2] = units.convert(bytes, m.end) as f64;
        n += 1;
    }
    if done {
        *guard = None;
    }
    Ok(n)
}

/// Ends an iteration early and releases its memory. Idempotent.
#[napi(catch_unwind, ts_args_type = "cursor: CursorHandle")]
pub fn cursor_close(env: Env, cursor: Unknown<'_>) -> Result<()> {
    let Some(slot) = handle::get::<CursorSlot>(&env, &cursor)? else {
        return Ok(());
    };
    let state = slot.0.borrow_mut().take();
    drop(state);
    handle::free::<CursorSlot>(&env, &cursor)
}
