//! Cancel tokens: the core's cancel flag as a handle JavaScript can set.
//!
//! The JavaScript wrapper makes one per async call, passes it to the task and sets it
//! when the call's `AbortSignal` aborts (or a callback stops a file scan); the task's scan
//! sees the flag at its next check (see `hayscan::job`). A token owns nothing but the
//! flag, shared with the task, so it is not a live object: the garbage collector frees it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::{sys, Env};
use napi_derive::napi;

use crate::error::{throw, Code};
use crate::handle::{self, Tagged};

/// What a cancel-token handle holds.
#[derive(Debug, Default)]
pub(crate) struct CancelSlot(pub(crate) Arc<AtomicBool>);

impl Tagged for CancelSlot {
    const TAG: sys::napi_type_tag = sys::napi_type_tag {
        lower: 0x6861_7973_6361_6e58,
        upper: 0x2b71_c4e9_0d5f_83a6,
    };
    const WHAT: &'static str = "cancel token";
}

/// The flag behind `token`, shared (the task keeps it after the token is collected).
pub(crate) fn flag(env: &Env, token: &Unknown<'_>) -> Result<Arc<AtomicBool>> {
    match handle::get::<CancelSlot>(env, token)? {
        Some(slot) => Ok(Arc::clone(&slot.0)),
        None => throw(env, Code::InvalidArgument, "expected a cancel token", None),
    }
}

/// A new cancel token for one async call, not set.
#[napi(catch_unwind, ts_return_type = "CancelHandle")]
pub fn create_cancel(env: &Env) -> Result<Unknown<'_>> {
    handle::wrap(env, CancelSlot::default())
}

/// Sets `token`: the task it was given to stops at its next check. Idempotent.
#[napi(catch_unwind, ts_args_type = "token: CancelHandle")]
pub fn cancel(env: Env, token: Unknown<'_>) -> Result<()> {
    flag(&env, &token)?.store(true, Ordering::Relaxed);
    Ok(())
}
