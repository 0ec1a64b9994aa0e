//! Errors raised by the addon: the core's error variants plus the two conditions only a
//! binding has (use after `close()`, re-entrant stream writes), each with a stable `code`.
//!
//! Errors are built as instances of the class the JavaScript wrapper registers with
//! `setErrorClass` (a per-environment `napi_ref` in the instance data, so workers work), so
//! callers get an `Error` subclass with `code` and `patternIndex`. Without a registered
//! class (the native layer used directly) they are plain `Error`s with the same properties.

use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue};

/// The `code` of every error this addon raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Code {
    InvalidPattern,
    InvalidArgument,
    Unsupported,
    Build,
    StreamFinished,
    /// The object was closed with `close()`.
    Closed,
    /// A stream handler called `write()`/`end()` on the stream that is calling it.
    Busy,
    /// Reading or writing a file failed (`errno` carries the OS code where there is one).
    Io,
    /// Native code on a worker thread panicked.
    Panic,
}

impl Code {
    fn as_str(self) -> &'static str {
        match self {
            Code::InvalidPattern => "INVALID_PATTERN",
            Code::InvalidArgument => "INVALID_ARGUMENT",
            Code::Unsupported => "UNSUPPORTED",
            Code::Build => "BUILD",
            Code::StreamFinished => "STREAM_FINISHED",
            Code::Closed => "CLOSED",
            Code::Busy => "BUSY",
            Code::Io => "IO",
            Code::Panic => "PANIC",
        }
    }
}

/// Per-environment state: the registered error class.
struct EnvData {
    error_class: sys::napi_ref,
}

pub(crate) fn set_error_class(env: &Env, class: Unknown<'_>) -> Result<()> {
    if class.get_type()? != ValueType::Function {
        return throw(
            env,
            Code::InvalidArgument,
            "errorClass must be a class",
            None,
        );
    }
    let mut reference = ptr::null_mut();
    // SAFETY: `class` is a live value of this env for the duration of the call.
    check_status!(unsafe {
        sys::napi_create_reference(env.raw(), class.value().value, 1, &mut reference)
    })?;
    if let Some(data) = env.get_instance_data::<EnvData>()? {
        // SAFETY: the old reference belongs to this env and is replaced right away.
        unsafe { sys::napi_delete_reference(env.raw(), data.error_class) };
        data.error_class = reference;
        return Ok(());
    }
    env.set_instance_data(
        EnvData {
            error_class: reference,
        },
        (),
        |ctx| {
            // SAFETY: called once by Node at environment teardown, on its thread.
            unsafe { sys::napi_delete_reference(ctx.env.raw(), ctx.value.error_class) };
        },
    )
}

/// Throws a hayscan error into JavaScript and returns the `Err` that tells napi-rs an
/// exception is already pending (so it throws nothing else).
pub(crate) fn throw<T>(
    env: &Env,
    code: Code,
    message: impl Into<String>,
    pattern_index: Option<usize>,
) -> Result<T> {
    let message = message.into();
    match build_error(env, code, &message, pattern_index) {
        Ok(err) => {
            // SAFETY: `err` is a value of this env created just above.
            check_status!(unsafe { sys::napi_throw(env.raw(), err) })?;
            Err(Error::new(Status::PendingException, message))
        }
        // Could not even build the error object: let napi-rs throw a plain one.
        Err(_) => Err(Error::new(Status::GenericFailure, message)),
    }
}

/// Maps a core error to its code and throws it.
pub(crate) fn throw_core<T>(env: &Env, err: hayscan::Error) -> Result<T> {
    let message = err.to_string();
    match core_error(env, err) {
        Ok(value) => {
            // SAFETY: `value` is a value of this env created just above.
            check_status!(unsafe { sys::napi_throw(env.raw(), value) })?;
            Err(Error::new(Status::PendingException, message))
        }
        Err(_) => Err(Error::new(Status::GenericFailure, message)),
    }
}

/// The error value for a core error (its code, `patternIndex`, and for `IO` the OS error
/// number as `errno` where the OS gave one), without throwing it: async tasks reject
/// their Promise with it.
pub(crate) fn core_error(env: &Env, err: hayscan::Error) -> Result<sys::napi_value> {
    let message = err.to_string();
    let (code, index, errno) = match err {
        hayscan::Error::InvalidPattern { index, .. } => (Code::InvalidPattern, Some(index), None),
        hayscan::Error::InvalidArgument(_) => (Code::InvalidArgument, None, None),
        hayscan::Error::Unsupported(_) => (Code::Unsupported, None, None),
        hayscan::Error::Build(_) => (Code::Build, None, None),
        hayscan::Error::StreamFinished => (Code::StreamFinished, None, None),
        hayscan::Error::Io { os_code, .. } => (Code::Io, None, os_code),
        hayscan::Error::Panicked(_) => (Code::Panic, None, None),
    };
    let value = build_error(env, code, &message, index)?;
    if let Some(errno) = errno {
        let mut n = ptr::null_mut();
        // SAFETY: plain value creation and a property write on an object of this env.
        unsafe {
            check_status!(sys::napi_create_int32(env.raw(), errno, &mut n))?;
            check_status!(sys::napi_set_named_property(
                env.raw(),
                value,
                c"errno".as_ptr(),
                n
            ))?;
        }
    }
    Ok(value)
}

fn build_error(
    env: &Env,
    code: Code,
    message: &str,
    pattern_index: Option<usize>,
) -> Result<sys::napi_value> {
    let raw = env.raw();
    let js_message = env.create_string(message)?.value().value;
    let js_code = env.create_string(code.as_str())?.value().value;
    let mut js_index = ptr::null_mut();
    // SAFETY: plain value creation in the current env.
    unsafe {
        match pattern_index {
            Some(i) => check_status!(sys::napi_create_double(raw, i as f64, &mut js_index))?,
            None => check_status!(sys::napi_get_undefined(raw, &mut js_index))?,
        }
    }
    if let Some(class) = registered_class(env)? {
        let args = [js_message, js_code, js_index];
        let mut instance = ptr::null_mut();
        // SAFETY: `class` is the function registered for this env; args are values of it.
        check_status!(unsafe {
            sys::napi_new_instance(raw, class, args.len(), args.as_ptr(), &mut instance)
        })?;
        return Ok(instance);
    }
    let mut err = ptr::null_mut();
    // SAFETY: plain value creation and property writes in the current env.
    unsafe {
        check_status!(sys::napi_create_error(raw, js_code, js_message, &mut err))?;
        check_status!(sys::napi_set_named_property(
            raw,
            err,
            c"patternIndex".as_ptr(),
            js_index
        ))?;
    }
    Ok(err)
}

fn registered_class(env: &Env) -> Result<Option<sys::napi_value>> {
    let Some(data) = env.get_instance_data::<EnvData>()? else {
        return Ok(None);
    };
    let mut class = ptr::null_mut();
    // SAFETY: the reference was created in this env and is deleted only at its teardown.
    check_status!(unsafe {
        sys::napi_get_reference_value(env.raw(), data.error_class, &mut class)
    })?;
    Ok((!class.is_null()).then_some(class))
}
