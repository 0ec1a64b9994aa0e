//! Calling JavaScript callbacks from inside a scan.
//!
//! A callback that throws must stop the scan and reach the caller as the *same* value
//! (whatever was thrown, not only `Error`s), so the exception is taken off the engine here,
//! held while the core unwinds its loop through `ControlFlow::Break`, and thrown again by
//! [`Thrown::rethrow`] once no Rust frame of the scan is left. napi-rs' own `Function::call`
//! would wrap non-`Error` values in a new `Error`.

use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, Env};

/// A value thrown by a callback, valid until the native call that caught it returns.
#[derive(Debug)]
pub(crate) struct Thrown(sys::napi_value);

impl Thrown {
    /// Throws the value again and returns the `Err` that tells napi-rs not to throw
    /// anything else.
    pub(crate) fn rethrow<T>(self, env: &Env) -> Result<T> {
        // SAFETY: the value belongs to this env and the current handle scope.
        check_status!(unsafe { sys::napi_throw(env.raw(), self.0) })?;
        Err(Error::new(Status::PendingException, "callback threw"))
    }
}

/// Why a callback call did not produce a value.
#[derive(Debug)]
pub(crate) enum CallError {
    /// The callback threw.
    Thrown(Thrown),
    /// Node-API failed (e.g. the environment is shutting down).
    Napi(Error),
}

impl CallError {
    /// Rethrows or returns the failure as the result of the native call.
    pub(crate) fn into_result<T>(self, env: &Env) -> Result<T> {
        match self {
            CallError::Thrown(t) => t.rethrow(env),
            CallError::Napi(e) => Err(e),
        }
    }
}

/// Calls `func` with `this = undefined` and `args`.
pub(crate) fn call(
    env: &Env,
    func: sys::napi_value,
    args: &[sys::napi_value],
) -> std::result::Result<sys::napi_value, CallError> {
    let raw = env.raw();
    let mut undefined = ptr::null_mut();
    let mut ret = ptr::null_mut();
    // SAFETY: `func` and `args` are values of this env; the result pointer is valid.
    let status = unsafe {
        sys::napi_get_undefined(raw, &mut undefined);
        sys::napi_call_function(raw, undefined, func, args.len(), args.as_ptr(), &mut ret)
    };
    match status {
        sys::Status::napi_ok => Ok(ret),
        sys::Status::napi_pending_exception => {
            let mut exception = ptr::null_mut();
            // SAFETY: an exception is pending in this env.
            let status = unsafe { sys::napi_get_and_clear_last_exception(raw, &mut exception) };
            if status != sys::Status::napi_ok || exception.is_null() {
                return Err(CallError::Napi(Error::new(
                    Status::from(status),
                    "cannot read the exception thrown by a callback",
                )));
            }
            Err(CallError::Thrown(Thrown(exception)))
        }
        other => Err(CallError::Napi(Error::new(
            Status::from(other),
            "cannot call a callback",
        ))),
    }
}

/// A JavaScript number.
pub(crate) fn number(env: &Env, n: f64) -> Result<sys::napi_value> {
    let mut v = ptr::null_mut();
    // SAFETY: plain value creation in the current env.
    check_status!(unsafe { sys::napi_create_double(env.raw(), n, &mut v) })?;
    Ok(v)
}

/// The JavaScript type of a value.
pub(crate) fn type_of(env: &Env, value: sys::napi_value) -> Result<ValueType> {
    let mut t = 0;
    // SAFETY: `value` is a value of this env.
    check_status!(unsafe { sys::napi_typeof(env.raw(), value, &mut t) })?;
    Ok(ValueType::from(t))
}

/// True if `value` is the boolean `false` (the "stop" answer of every callback).
pub(crate) fn is_false(env: &Env, value: sys::napi_value) -> Result<bool> {
    if type_of(env, value)? != ValueType::Boolean {
        return Ok(false);
    }
    let mut b = true;
    // SAFETY: `value` is a boolean of this env.
    check_status!(unsafe { sys::napi_get_value_bool(env.raw(), value, &mut b) })?;
    Ok(!b)
}

/// Runs `f` (one callback invocation and the values made for it) in its own handle scope,
/// so the handles it creates are released when it returns rather than when the whole
/// native call does: a scan with millions of callbacks would otherwise keep every
/// argument, return value and handler lookup alive until it ends. A value the callback
/// threw is escaped to the enclosing scope, where it is rethrown.
pub(crate) fn in_scope<T>(
    env: &Env,
    f: impl FnOnce() -> std::result::Result<T, CallError>,
) -> std::result::Result<T, CallError> {
    let raw = env.raw();
    let mut scope = ptr::null_mut();
    // SAFETY: opening a scope on this env's thread; closed below on every path.
    let status = unsafe { sys::napi_open_escapable_handle_scope(raw, &mut scope) };
    if status != sys::Status::napi_ok {
        return Err(CallError::Napi(Error::new(
            Status::from(status),
            "cannot open a handle scope",
        )));
    }
    let mut result = f();
    if let Err(CallError::Thrown(Thrown(value))) = &mut result {
        let mut escaped = ptr::null_mut();
        // SAFETY: `value` was created in `scope`, which is still open; escaping it once.
        let status = unsafe { sys::napi_escape_handle(raw, scope, *value, &mut escaped) };
        if status == sys::Status::napi_ok {
            *value = escaped;
        } else {
            result = Err(CallError::Napi(Error::new(
                Status::from(status),
                "cannot keep the exception thrown by a callback",
            )));
        }
    }
    // SAFETY: `scope` is the innermost open scope (`f` closes any it opens).
    unsafe { sys::napi_close_escapable_handle_scope(raw, scope) };
    result
}
