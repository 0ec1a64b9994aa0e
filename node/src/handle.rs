//! Native objects handed to JavaScript as type-tagged handle objects.
//!
//! Matchers and cursors are used in hot loops (`isMatch` on millions of small strings), and
//! a napi-rs class method costs about 300 ns per call on Node 20 (unwrapping plus its
//! aliasing bookkeeping), against about 60 ns for a plain function. So their operations are
//! plain functions taking a handle: an object wrapping a `Box<T>`, tagged with
//! `napi_type_tag_object` so that no other value can be mistaken for it, and dropped by
//! `close()` ([`free`]) or by its finalizer when the garbage collector frees the handle.

use std::ffi::c_void;
use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue};

use crate::error::{throw, Code};

/// A type that can live behind a handle.
pub(crate) trait Tagged: 'static {
    /// Unique per type (random 128 bits).
    const TAG: sys::napi_type_tag;
    /// What the handle is, for error messages.
    const WHAT: &'static str;
}

/// Moves `value` into a new tagged handle: a plain object wrapping it (`napi_wrap`).
///
/// A wrap rather than an `External`, so that [`free`] can take the value back and remove
/// the finalizer at `close()`: Node runs finalizers only from the event loop, so each
/// closed handle would otherwise keep its finalizer record and its (emptied) value until
/// the program yields, and a synchronous create/close loop would grow without bound.
pub(crate) fn wrap<'e, T: Tagged>(env: &'e Env, value: T) -> Result<Unknown<'e>> {
    let mut object = ptr::null_mut();
    // SAFETY: plain object creation in this env.
    check_status!(unsafe { sys::napi_create_object(env.raw(), &mut object) })?;
    let data = Box::into_raw(Box::new(value));
    // SAFETY: `data` is a valid Box pointer; on success its ownership passes to the wrap,
    // and exactly one of its finalizer (`release::<T>`) or `free::<T>` frees it.
    let status = unsafe {
        sys::napi_wrap(
            env.raw(),
            object,
            data.cast::<c_void>(),
            Some(release::<T>),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok {
        // SAFETY: the wrap was not made, so the Box is still ours.
        drop(unsafe { Box::from_raw(data) });
        return Err(Error::new(Status::from(status), "cannot create a handle"));
    }
    // SAFETY: `object` is a fresh object of this env; the tag lives in a static.
    check_status!(unsafe { sys::napi_type_tag_object(env.raw(), object, &T::TAG) })?;
    // SAFETY: `object` was just created in this env.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), object) })
}

/// The value behind `handle` (`None` once [`free`]d), or an `INVALID_ARGUMENT` error if
/// `handle` is not a handle of type `T`. The reference is valid while `handle` is
/// reachable and not freed; callers do not use it after running JavaScript that could
/// free it.
pub(crate) fn get<'a, T: Tagged>(env: &Env, handle: &Unknown<'a>) -> Result<Option<&'a T>> {
    let raw = handle.value().value;
    let mut tagged = false;
    // SAFETY: `raw` is a value of this env; a non-object gives a non-ok status.
    let status = unsafe { sys::napi_check_object_type_tag(env.raw(), raw, &T::TAG, &mut tagged) };
    if status != sys::Status::napi_ok || !tagged {
        return throw(
            env,
            Code::InvalidArgument,
            format!("expected a {} handle", T::WHAT),
            None,
        );
    }
    let mut data = ptr::null_mut();
    // SAFETY: only `wrap::<T>` tags objects with `T::TAG`; after `free` the object has no
    // wrap any more and this fails.
    let status = unsafe { sys::napi_unwrap(env.raw(), raw, &mut data) };
    if status != sys::Status::napi_ok || data.is_null() {
        return Ok(None);
    }
    // SAFETY: `data` is the `Box<T>` given to the wrap, still owned by it.
    Ok(Some(unsafe { &*data.cast::<T>() }))
}

/// Takes the value back from `handle` and drops it now, removing the finalizer. Later
/// [`get`]s give `None`.
pub(crate) fn free<T: Tagged>(env: &Env, handle: &Unknown<'_>) -> Result<()> {
    let mut data = ptr::null_mut();
    // SAFETY: `handle` was checked to be a `T` handle by the caller's `get`.
    let status = unsafe { sys::napi_remove_wrap(env.raw(), handle.value().value, &mut data) };
    if status == sys::Status::napi_ok && !data.is_null() {
        // SAFETY: the wrap held this Box; removing it gave its ownership back to us.
        drop(unsafe { Box::from_raw(data.cast::<T>()) });
    }
    Ok(())
}

unsafe extern "C" fn release<T: Tagged>(
    _env: sys::napi_env,
    data: *mut c_void,
    _hint: *mut c_void,
) {
    // SAFETY: `data` is the Box created in `wrap::<T>`; Node calls this finalizer once,
    // and only if `free` did not remove the wrap.
    drop(unsafe { Box::from_raw(data.cast::<T>()) });
}
