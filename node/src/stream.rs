//! `NativeStream`: the core's push [`hayscan::Stream`] plus a [`Handlers`] registry of
//! JavaScript callbacks.
//!
//! A stream takes either strings or bytes, fixed by its first `write`. With bytes, offsets
//! are absolute byte offsets. With strings, offsets are absolute UTF-16 offsets into the
//! concatenation of all chunks; to convert them (and to give handlers the matched text) the
//! stream mirrors the bytes the core still retains — never more, so memory stays bounded
//! as in the core. Callers must not split a surrogate pair across string chunks (the
//! JavaScript wrapper holds a trailing high surrogate back until the next chunk).
//!
//! Handlers run while the core stream is borrowed: they may register or remove handlers
//! (themselves included) and close the stream, but a `write`/`end` from inside a handler of
//! the same stream is refused with `BUSY`.
//!
//! Streams are handles, as matchers are ([`crate::handle`]), passed to plain `stream*`
//! functions: `end()` and `close()` take the native stream back from its handle and drop
//! it at once, finalizer included. (As a napi-rs class, each closed stream kept its wrap and
//! weak reference until Node ran its finalizer from the event loop, so a loop that never
//! yields grew by about 0.7 KiB per stream.) A close from a handler of the running
//! `write` only marks the stream closed; the `write` frees it when it returns.
//!
//! This module uses the matcher's `slot`; `matcher` does not use this one (no import
//! circle).

use std::cell::{Cell, RefCell};
use std::ptr;
use std::sync::Arc;

use hayscan::{ControlFlow, Handlers, Matcher, Stream};
use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue};
use napi_derive::napi;

use crate::call::{self, CallError};
use crate::error::{throw, throw_core, Code};
use crate::handle::{self, Tagged};
use crate::haystack::{self, char_start, utf16_len, Input, Utf16Map};
use crate::live::Live;
use crate::matcher::slot;
use crate::report::ScanReport;

/// What a stream's chunks are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Unset,
    Bytes,
    Text,
}

/// The bytes the core still retains (string mode), for offset conversion and match text.
#[derive(Debug, Default)]
struct Mirror {
    bytes: Vec<u8>,
    /// Absolute byte offset of `bytes[0]`.
    base: usize,
    /// Absolute UTF-16 offset of `bytes[0]`.
    base_unit: usize,
    /// Conversion cursor, in coordinates relative to `bytes[0]`.
    map: Utf16Map,
}

impl Mirror {
    /// The absolute UTF-16 offset of absolute byte offset `at` (which the core guarantees
    /// is still mirrored).
    fn unit(&mut self, at: usize) -> usize {
        self.base_unit + self.map.units_at(&self.bytes, at - self.base)
    }

    /// Drops mirrored bytes before absolute offset `keep_from`.
    fn trim(&mut self, keep_from: usize) {
        let n = keep_from.saturating_sub(self.base).min(self.bytes.len());
        if n == 0 {
            return;
        }
        let units = utf16_len(&self.bytes[..n]);
        self.map = if self.map.byte() >= n {
            Utf16Map::at(self.map.byte() - n, self.map.unit() - units)
        } else {
            Utf16Map::default()
        };
        self.bytes.drain(..n);
        self.base += n;
        self.base_unit += units;
    }
}

/// A registered JavaScript handler: a strong reference, deleted when the handler is
/// removed or the stream is released.
#[derive(Debug)]
struct Handler {
    env: sys::napi_env,
    func: sys::napi_ref,
    _live: Live,
}

impl Drop for Handler {
    fn drop(&mut self) {
        // SAFETY: handlers are created and dropped on their environment's thread (streams
        // never leave it); deleting a reference runs no JavaScript.
        unsafe { sys::napi_delete_reference(self.env, self.func) };
    }
}

#[derive(Debug)]
struct Open {
    stream: Stream,
    mode: Mode,
    mirror: Mirror,
    /// Byte chunks are copied here first: handlers could detach the caller's buffer.
    scratch: Vec<u8>,
    _live: Live,
}

/// A push scanner with registered handlers (the native half of `MatchStream`), behind a
/// stream handle.
#[derive(Debug)]
pub(crate) struct NativeStream {
    open: RefCell<Option<Open>>,
    handlers: Handlers<Handler>,
    pattern_count: usize,
    /// Units (bytes or UTF-16 code units) written so far.
    position: Cell<f64>,
    finished: Cell<bool>,
    closed: Cell<bool>,
    /// A `write`/`end` is dispatching matches (it holds `&self`: the handle must not be
    /// freed under it).
    running: Cell<bool>,
}

impl Tagged for NativeStream {
    const TAG: sys::napi_type_tag = sys::napi_type_tag {
        lower: 0x6861_7973_6361_6e53,
        upper: 0x5e02_b7c1_93fa_4d6e,
    };
    const WHAT: &'static str = "stream";
}

impl NativeStream {
    pub(crate) fn new(matcher: Arc<Matcher>) -> NativeStream {
        let pattern_count = matcher.pattern_count();
        NativeStream {
            open: RefCell::new(Some(Open {
                stream: Stream::new(matcher),
                mode: Mode::Unset,
                mirror: Mirror::default(),
                scratch: Vec::new(),
                _live: Live::new(),
            })),
            handlers: Handlers::new(),
            pattern_count,
            position: Cell::new(0.0),
            finished: Cell::new(false),
            closed: Cell::new(false),
            running: Cell::new(false),
        }
    }

    /// Throws unless the stream can take input.
    fn check_usable(&self, env: &Env) -> Result<()> {
        if self.closed.get() {
            return throw(env, Code::Closed, "the stream is closed", None);
        }
        if self.finished.get() {
            return throw_core(env, hayscan::Error::StreamFinished);
        }
        Ok(())
    }

    /// Feeds `chunk` (or finishes, if `None`) and dispatches matches to the handlers.
    /// With `utf8_text`, a `Uint8Array` chunk is the UTF-8 encoding of a string chunk.
    fn push(
        &self,
        env: &Env,
        chunk: Option<Unknown<'_>>,
        utf8_text: Option<bool>,
    ) -> Result<ScanReport> {
        self.check_usable(env)?;
        let Ok(mut guard) = self.open.try_borrow_mut() else {
            return throw(
                env,
                Code::Busy,
                "write()/end() called from a handler of the same stream",
                None,
            );
        };
        let open = guard
            .as_mut()
            .expect("an unfinished, unclosed stream is open");
        let Open {
            stream,
            mode,
            mirror,
            scratch,
            ..
        } = open;
        let mut text_chunk = None;
        if let Some(chunk) = &chunk {
            let (chunk_mode, units) = match haystack::classify(env, chunk)? {
                Input::Text(b) => {
                    let units = utf16_len(&b);
                    text_chunk = Some(b);
                    (Mode::Text, units)
                }
                Input::Bytes(b) if utf8_text == Some(true) => {
                    let units = utf16_len(b);
                    text_chunk = Some(b.to_vec());
                    (Mode::Text, units)
                }
                Input::Bytes(b) => {
                    scratch.clear();
                    scratch.extend_from_slice(b);
                    (Mode::Bytes, b.len())
                }
                Input::Other => {
                    return throw(
                        env,
                        Code::InvalidArgument,
                        "chunk must be a string or a Uint8Array (Buffer)",
                        None,
                    )
                }
            };
            if *mode == Mode::Unset {
                *mode = chunk_mode;
            } else if *mode != chunk_mode {
                let was = if *mode == Mode::Text {
                    "strings"
                } else {
                    "bytes"
                };
                return throw(
                    env,
                    Code::InvalidArgument,
                    format!("this stream was started with {was}; do not mix strings and bytes"),
                    None,
                );
            }
            self.position.set(self.position.get() + units as f64);
        }
        let text_mode = *mode == Mode::Text;
        let data: &[u8] = match &text_chunk {
            Some(b) => {
                mirror.bytes.extend_from_slice(b);
                b
            }
            None => scratch,
        };
        let mut failure: Option<CallError> = None;
        let on_match = |m: hayscan::Match| {
            if self.closed.get() {
                return ControlFlow::Break(());
            }
            match call::in_scope(env, || {
                self.deliver(env, m, text_mode.then_some(&mut *mirror))
            }) {
                Ok(flow) => flow,
                Err(e) => {
                    failure = Some(e);
                    ControlFlow::Break(())
                }
            }
        };
        self.running.set(true);
        let report = match chunk {
            Some(_) => stream.feed(data, on_match),
            None => stream.finish(on_match),
        };
        self.running.set(false);
        if text_mode {
            mirror.trim(stream.position() - stream.buffered());
        }
        let done = stream.is_finished() || self.closed.get();
        drop(guard);
        if done {
            self.release();
        }
        if let Some(f) = failure {
            return f.into_result(env);
        }
        match report {
            Ok(r) => Ok(r.into()),
            Err(e) => throw_core(env, e),
        }
    }

    /// Hands one match to every handler registered for its pattern.
    fn deliver(
        &self,
        env: &Env,
        m: hayscan::Match,
        mirror: Option<&mut Mirror>,
    ) -> std::result::Result<ControlFlow<()>, CallError> {
        let napi = CallError::Napi;
        let (start, end, text) = match mirror {
            Some(mirror) => {
                // A byte pattern can match part of a character: report (and give the
                // text of) every character the match touches.
                let from = char_start(&mirror.bytes, m.start - mirror.base);
                let mut to = m.end - mirror.base;
                while to < mirror.bytes.len() && mirror.bytes[to] & 0xC0 == 0x80 {
                    to += 1;
                }
                let start = mirror.unit(mirror.base + from);
                let end = mirror.unit(mirror.base + to);
                let bytes = &mirror.bytes[from..to];
                let mut s = ptr::null_mut();
                // SAFETY: `bytes` is readable for its length; V8 copies it.
                check_status!(unsafe {
                    sys::napi_create_string_utf8(
                        env.raw(),
                        bytes.as_ptr().cast(),
                        bytes.len() as isize,
                        &mut s,
                    )
                })
                .map_err(napi)?;
                (start, end, Some(s))
            }
            None => (m.start, m.end, None),
        };
        let args = [
            call::number(env, f64::from(m.pattern)).map_err(napi)?,
            call::number(env, start as f64).map_err(napi)?,
            call::number(env, end as f64).map_err(napi)?,
            text.unwrap_or(ptr::null_mut()),
        ];
        let args = if text.is_some() {
            &args[..]
        } else {
            &args[..3]
        };
        let mut failure = None;
        let flow = self.handlers.dispatch(&m, |h, _| {
            let mut func = ptr::null_mut();
            // SAFETY: the reference is alive while the handler is (Handlers keeps it).
            let status = unsafe { sys::napi_get_reference_value(env.raw(), h.func, &mut func) };
            if status != sys::Status::napi_ok {
                failure = Some(CallError::Napi(Error::new(
                    Status::from(status),
                    "cannot read a stream handler",
                )));
                return ControlFlow::Break(());
            }
            match call::call(env, func, args) {
                Ok(ret) => match call::is_false(env, ret) {
                    Ok(true) => ControlFlow::Break(()),
                    Ok(false) => ControlFlow::Continue(()),
                    Err(e) => {
                        failure = Some(CallError::Napi(e));
                        ControlFlow::Break(())
                    }
                },
                Err(e) => {
                    failure = Some(e);
                    ControlFlow::Break(())
                }
            }
        });
        match failure {
            Some(e) => Err(e),
            None => Ok(flow),
        }
    }

    /// Releases the core stream and every handler.
    fn release(&self) {
        self.finished.set(true);
        let open = self.open.borrow_mut().take();
        drop(open);
        self.handlers.clear();
    }
}

/// The stream behind `stream`, or `None` once it was freed (by `end()`/`close()`).
fn get<'a>(env: &Env, stream: &Unknown<'a>) -> Result<Option<&'a NativeStream>> {
    handle::get::<NativeStream>(env, stream)
}

/// The stream behind `stream`, or a `CLOSED` / `STREAM_FINISHED` error once freed.
fn usable<'a>(env: &Env, stream: &Unknown<'a>) -> Result<&'a NativeStream> {
    match get(env, stream)? {
        Some(s) => Ok(s),
        None => throw(env, Code::Closed, "the stream is closed", None),
    }
}

/// Frees the stream behind `stream` unless one of its writes is running (that write frees
/// it when it returns, since it is then closed or finished).
fn free_if_idle(env: &Env, stream: &Unknown<'_>, s: &NativeStream) -> Result<()> {
    if s.running.get() || s.open.try_borrow_mut().is_err() {
        return Ok(());
    }
    handle::free::<NativeStream>(env, stream)
}

/// A new push stream over the matcher (it keeps the compiled set alive): a stream handle.
#[napi(
    catch_unwind,
    ts_args_type = "matcher: MatcherHandle",
    ts_return_type = "StreamHandle"
)]
pub fn stream<'e>(env: &'e Env, matcher: Unknown<'_>) -> Result<Unknown<'e>> {
    let matcher = slot(env, &matcher)?.matcher(env)?;
    handle::wrap(env, NativeStream::new(matcher))
}

/// Registers `handler(pattern, start, end, text?)` for matches of `patterns` (all if
/// omitted); `text` is given for string streams. Returns the handler's id. Returning
/// `false` from a handler stops the stream.
#[napi(
    catch_unwind,
    ts_args_type = "stream: StreamHandle, handler: (pattern: number, start: number, end: number, text?: string) => unknown, patterns?: number[] | undefined | null"
)]
pub fn stream_on(
    env: Env,
    stream: Unknown<'_>,
    handler: Unknown<'_>,
    patterns: Option<Unknown<'_>>,
) -> Result<f64> {
    let s = usable(&env, &stream)?;
    s.check_usable(&env)?;
    if handler.get_type()? != ValueType::Function {
        return throw(
            &env,
            Code::InvalidArgument,
            "handler must be a function",
            None,
        );
    }
    let filter = match patterns {
        None => None,
        Some(list) if matches!(list.get_type()?, ValueType::Undefined | ValueType::Null) => None,
        Some(list) => {
            let list = pattern_ids(&env, &list)?;
            let mut ids = Vec::with_capacity(list.len());
            for p in list {
                if !(p >= 0.0 && p.fract() == 0.0 && p < s.pattern_count as f64) {
                    return throw(
                        &env,
                        Code::InvalidArgument,
                        format!(
                            "pattern id {p} is not an index of the {} patterns",
                            s.pattern_count
                        ),
                        None,
                    );
                }
                ids.push(p as u32);
            }
            Some(ids)
        }
    };
    let mut func = ptr::null_mut();
    // SAFETY: `handler` is a live function of this env.
    check_status!(unsafe {
        sys::napi_create_reference(env.raw(), handler.value().value, 1, &mut func)
    })?;
    let handler = Handler {
        env: env.raw(),
        func,
        _live: Live::new(),
    };
    Ok(s.handlers.add(handler, filter) as f64)
}

/// Unregisters a handler; it is not called again. Returns false for an unknown id.
#[napi(catch_unwind, ts_args_type = "stream: StreamHandle, id: number")]
pub fn stream_off(env: Env, stream: Unknown<'_>, id: Unknown<'_>) -> Result<bool> {
    let s = get(&env, &stream)?;
    if id.get_type()? != ValueType::Number {
        return throw(&env, Code::InvalidArgument, "id must be a number", None);
    }
    // SAFETY: `id` is a number of this env.
    let id = unsafe { f64::from_napi_value(env.raw(), id.value().value) }?;
    Ok(s.is_some_and(|s| id >= 1.0 && id.fract() == 0.0 && s.handlers.remove(id as u64)))
}

/// Number of registered handlers (0 once freed).
#[napi(catch_unwind, ts_args_type = "stream: StreamHandle")]
pub fn stream_handler_count(env: Env, stream: Unknown<'_>) -> Result<u32> {
    Ok(get(&env, &stream)?.map_or(0, |s| s.handlers.len() as u32))
}

/// Units written so far: bytes, or UTF-16 code units for a string stream (`-1` once
/// freed: the wrapper keeps the last position).
#[napi(catch_unwind, ts_args_type = "stream: StreamHandle")]
pub fn stream_position(env: Env, stream: Unknown<'_>) -> Result<f64> {
    Ok(get(&env, &stream)?.map_or(-1.0, |s| s.position.get()))
}

/// True after `end()`, after a handler stopped the stream, or after `close()`.
#[napi(catch_unwind, ts_args_type = "stream: StreamHandle")]
pub fn stream_finished(env: Env, stream: Unknown<'_>) -> Result<bool> {
    Ok(get(&env, &stream)?.is_none_or(|s| s.finished.get() || s.closed.get()))
}

/// Scans the next chunk; handlers receive every match that is now final. With
/// `utf8Text`, a `Uint8Array` chunk is the UTF-8 encoding of a string chunk.
#[napi(
    catch_unwind,
    ts_args_type = "stream: StreamHandle, chunk: string | Uint8Array, utf8Text?: boolean"
)]
pub fn stream_write(
    env: Env,
    stream: Unknown<'_>,
    chunk: Unknown<'_>,
    utf8_text: Option<bool>,
) -> Result<ScanReport> {
    let s = usable(&env, &stream)?;
    let result = s.push(&env, Some(chunk), utf8_text);
    // A handler closed the stream: it is freed now that no Rust frame uses it.
    if s.closed.get() {
        free_if_idle(&env, &stream, s)?;
    }
    result
}

/// Ends the input: handlers receive the pending matches, then the stream and its
/// handlers are freed.
#[napi(catch_unwind, ts_args_type = "stream: StreamHandle")]
pub fn stream_end(env: Env, stream: Unknown<'_>) -> Result<ScanReport> {
    let s = usable(&env, &stream)?;
    let result = s.push(&env, None, None);
    if s.finished.get() || s.closed.get() {
        free_if_idle(&env, &stream, s)?;
    }
    result
}

/// Frees the stream and its handlers now, without reporting pending matches. Idempotent;
/// may be called from a handler (the current `write` stops and frees it).
#[napi(catch_unwind, ts_args_type = "stream: StreamHandle")]
pub fn stream_close(env: Env, stream: Unknown<'_>) -> Result<()> {
    let Some(s) = get(&env, &stream)? else {
        return Ok(());
    };
    s.closed.set(true);
    s.handlers.clear();
    // While a write is running, it releases the core stream when it returns.
    if let Ok(mut open) = s.open.try_borrow_mut() {
        let open = open.take();
        drop(open);
    }
    free_if_idle(&env, &stream, s)
}

/// Reads `options.patterns`: an array of numbers (checked against the pattern count by
/// the caller).
fn pattern_ids(env: &Env, list: &Unknown<'_>) -> Result<Vec<f64>> {
    let raw = env.raw();
    let mut is_array = false;
    // SAFETY: `list` is a live value of this env.
    check_status!(unsafe { sys::napi_is_array(raw, list.value().value, &mut is_array) })?;
    if !is_array {
        return throw(
            env,
            Code::InvalidArgument,
            "patterns must be an array of pattern ids",
            None,
        );
    }
    let mut len = 0;
    // SAFETY: `list` is an array of this env.
    check_status!(unsafe { sys::napi_get_array_length(raw, list.value().value, &mut len) })?;
    let mut ids = Vec::with_capacity(len as usize);
    for i in 0..len {
        let mut item = ptr::null_mut();
        // SAFETY: index within the array's length.
        check_status!(unsafe { sys::napi_get_element(raw, list.value().value, i, &mut item) })?;
        let mut n = f64::NAN;
        // SAFETY: `item` is a value of this env; a non-number gives a non-ok status and
        // leaves `n` NaN, which the caller rejects with the id in its message.
        unsafe { sys::napi_get_value_double(raw, item, &mut n) };
        ids.push(n);
    }
    Ok(ids)
}
