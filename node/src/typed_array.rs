//! Typed arrays (`Uint8Array`, `Uint32Array`, `Float64Array`) holding a copy of a Rust
//! slice, in memory V8 owns: the one way the addon hands bulk numbers to JavaScript.

use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, Env};

/// Element types of the typed arrays made here.
pub(crate) trait Element: Copy {
    /// The typed array kind whose elements are this type.
    const KIND: sys::napi_typedarray_type;
}
impl Element for u8 {
    const KIND: sys::napi_typedarray_type = sys::TypedarrayType::uint8_array;
}
impl Element for u32 {
    const KIND: sys::napi_typedarray_type = sys::TypedarrayType::uint32_array;
}
impl Element for f64 {
    const KIND: sys::napi_typedarray_type = sys::TypedarrayType::float64_array;
}

/// A typed array of `T`s holding a copy of `values`, in memory V8 owns.
pub(crate) fn typed_array<'e, T: Element>(env: &'e Env, values: &[T]) -> Result<Unknown<'e>> {
    let raw = env.raw();
    let mut arraybuffer = ptr::null_mut();
    let mut data = ptr::null_mut();
    let mut array = ptr::null_mut();
    // SAFETY: V8 allocates `size_of_val(values)` writable bytes at `data`, aligned for any
    // element type (ArrayBuffer storage is at least 8-byte aligned); the copy stays within
    // them; `T::KIND` has elements of `T`.
    unsafe {
        check_status!(sys::napi_create_arraybuffer(
            raw,
            std::mem::size_of_val(values),
            &mut data,
            &mut arraybuffer,
        ))?;
        if !values.is_empty() {
            ptr::copy_nonoverlapping(values.as_ptr(), data.cast::<T>(), values.len());
        }
        check_status!(sys::napi_create_typedarray(
            raw,
            T::KIND,
            values.len(),
            arraybuffer,
            0,
            &mut array,
        ))?;
        Ok(Unknown::from_raw_unchecked(raw, array))
    }
}
