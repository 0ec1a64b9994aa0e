//! Input held alive for a task on the libuv pool.
//!
//! A synchronous call borrows a `Uint8Array`'s bytes for its own duration; an async task
//! reads them later, on another thread, while JavaScript keeps running. So the task holds
//! a strong reference (`napi_ref`) to the array, which keeps it and its memory from being
//! collected, and reads the bytes through a pointer taken at the call. The reference is
//! deleted when the task is dropped, on the JavaScript thread (napi-rs drops a task in its
//! completion callback).
//!
//! What a reference cannot do: stop JavaScript from *writing* to the array meanwhile (the
//! scan then reads whatever bytes are there when it reaches them: an answer mixing old
//! and new contents, never a crash), or from *detaching* its `ArrayBuffer` (transferring
//! it to a worker, `ArrayBuffer.prototype.transfer`), after which its memory may be freed:
//! the public docs say not to do either while a task runs. A string is converted to
//! UTF-8 once, at the call, and owned by the task.

use std::ptr;
use std::sync::Arc;

use hayscan::Source;
use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue};

use crate::error::{throw, Code};
use crate::haystack::{self, Input, Units};

/// Bytes a task reads: its own, or those of a referenced `Uint8Array`.
enum Bytes {
    Owned(Vec<u8>),
    Borrowed { data: *const u8, len: usize },
}

// SAFETY: the borrowed bytes stay allocated while the task's reference keeps their array
// alive (see the module docs for the one exception the docs forbid); they are only read.
unsafe impl Send for Bytes {}
// SAFETY: as above; shared reads only.
unsafe impl Sync for Bytes {}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            // SAFETY: see the `Send` impl; `data` is non-null with `len` readable bytes.
            Bytes::Borrowed { data, len } => unsafe { std::slice::from_raw_parts(*data, *len) },
        }
    }
}

/// A strong reference to a JavaScript value, deleted on drop (on the JavaScript thread).
struct Reference {
    env: sys::napi_env,
    raw: sys::napi_ref,
}

// SAFETY: the reference is created and deleted on the JavaScript thread only; the pool
// thread merely carries it inside the task.
unsafe impl Send for Reference {}

impl Drop for Reference {
    fn drop(&mut self) {
        // SAFETY: created in `env` by `pin`; tasks are dropped on that env's thread.
        unsafe { sys::napi_delete_reference(self.env, self.raw) };
    }
}

/// A haystack held for a task.
pub(crate) struct Pinned {
    pub(crate) source: Source,
    /// True for a string (or `utf8Text` bytes): UTF-16 offsets, string output.
    pub(crate) is_text: bool,
    _keep: Option<Reference>,
}

impl Pinned {
    /// A file, read by path.
    pub(crate) fn file(path: std::path::PathBuf) -> Pinned {
        Pinned {
            source: Source::File(path),
            is_text: false,
            _keep: None,
        }
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        match &self.source {
            Source::Bytes(b) => (**b).as_ref(),
            Source::File(_) => &[],
        }
    }

    /// The offset converter for this input (the one the sync functions use).
    pub(crate) fn units(&self) -> Units {
        if self.is_text {
            Units::for_text(self.bytes())
        } else {
            Units::Bytes
        }
    }
}

/// Holds `value` (a string, or a `Uint8Array`; with `utf8_text`, the UTF-8 encoding of a
/// string) for a task.
pub(crate) fn pin(
    env: &Env,
    value: &Unknown<'_>,
    utf8_text: Option<bool>,
    what: &str,
) -> Result<Pinned> {
    let (bytes, is_text, keep) = match haystack::classify(env, value)? {
        Input::Text(b) => (Bytes::Owned(b), true, None),
        Input::Bytes(b) => {
            let mut raw = ptr::null_mut();
            // SAFETY: `value` is an object (a typed array) of this env.
            check_status!(unsafe {
                sys::napi_create_reference(env.raw(), value.value().value, 1, &mut raw)
            })?;
            let keep = Reference {
                env: env.raw(),
                raw,
            };
            let bytes = if b.is_empty() {
                Bytes::Owned(Vec::new())
            } else {
                Bytes::Borrowed {
                    data: b.as_ptr(),
                    len: b.len(),
                }
            };
            (bytes, utf8_text == Some(true), Some(keep))
        }
        Input::Other => {
            return throw(
                env,
                Code::InvalidArgument,
                format!("{what} must be a string or a Uint8Array (Buffer)"),
                None,
            )
        }
    };
    Ok(Pinned {
        source: Source::Bytes(Arc::new(bytes)),
        is_text,
        _keep: keep,
    })
}
