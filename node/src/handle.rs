//! Native objects handed to JavaScript as type-tagged `External` values.
//!
//! Matchers and cursors are used in hot loops (`isMatch` on millions of small strings), and
//! a napi-rs class method costs about 300 ns per call on Node 20 (unwrapping plus its
//! aliasing bookkeeping), against about 60 ns for a plain function. So their operations are
//! plain functions taking a handle: an `External` holding a `Box<T>`, tagged with
//! `napi_type_tag_object` so that no other value can be mistaken for it, and dropped by its
//! finalizer when the garbage collector frees the handle.

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

/// Moves `value` into a new tagged `External`.
pub(crate) fn wrap<'e, T: Tagged>(env: &'e Env, value: T) -> Result<Unknown<'e>> {
    let data = Box::into_raw(Box::new(value));
    let mut external = ptr::null_mut();
    // SAFETY: `data` is a valid Box pointer; on success its ownership passes to the
    // External, whose finalizer (`release::<T>`) frees it exactly once.
    let status = unsafe {
        sys::napi_create_external(
            env.raw(),
            data.cast::<c_void>(),
            Some(release::<T>),
            ptr::null_mut(),
            &mut external,
        )
    };
    if status != sys::Status::napi_ok {
        // SAFETY: the External was not created, so the Box is still ours.
        drop(unsafe { Box::from_raw(data) });
        return Err(Error::new(Status::from(status), "cannot create a handle"));
    }
    // SAFETY: `external` is a fresh object of this env; the tag lives in a static.
    check_status!(unsafe { sys::napi_type_tag_object(env.raw(), external, &T::TAG) })?;
    // SAFETY: `external` was just created in this env.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), external) })
}

/// The value behind `handle`, or an `INVALID_ARGUMENT` error if `handle` is not a handle
/// of type `T`. The reference is valid while `handle` is (at least for the current call).
pub(crate) fn get<'a, T: Tagged>(env: &Env, handle: &Unknown<'a>) -> Result<&'a T> {
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
    // SAFETY: only `wrap::<T>` tags values with `T::TAG`, and it tags Externals.
    check_status!(unsafe { sys::napi_get_value_external(env.raw(), raw, &mut data) })?;
    // SAFETY: `data` is the `Box<T>` given to the External, freed only by its finalizer,
    // which cannot run while `handle` is reachable from the current call.
    Ok(unsafe { &*data.cast::<T>() })
}

unsafe extern "C" fn release<T: Tagged>(
    _env: sys::napi_env,
    data: *mut c_void,
    _hint: *mut c_void,
) {
    // SAFETY: `data` is the Box created in `wrap::<T>`; Node calls this finalizer once.
    drop(unsafe { Box::from_raw(data.cast::<T>()) });
}
