//! Match batches from a pool thread to a JavaScript callback on the JavaScript thread,
//! through a Node-API thread-safe function.
//!
//! The scanning thread sends each batch as a flat `[pattern, start, end, ...]` list and
//! goes on scanning; at most [`MAX_IN_FLIGHT`] batches wait for the JavaScript thread at
//! a time (back-pressure: a slow callback slows the scan instead of queueing the whole
//! file). Before the task finishes it waits until every batch sent has been delivered
//! ([`Delivery::drain`]), so the Promise settles after the last callback, never before.
//!
//! The callback (the JavaScript wrapper's) does not throw: it catches what the user's
//! callback throws, keeps it to reject the Promise with, and sets the task's cancel
//! token, as it does when the user's callback returns `false`. A batch still queued then
//! is delivered and ignored by the wrapper.
//!
//! Release exactly once: the thread-safe function is released when the task is dropped
//! (on the JavaScript thread, after the Promise settled). If the environment is torn down
//! first (a worker thread terminated mid-scan), an environment cleanup hook closes the
//! delivery before Node finalizes the thread-safe function: the scan stops at its next
//! batch, sends nothing more, and no longer waits for batches Node drops unsent.

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue};

use crate::typed_array::typed_array;

/// Batches sent and not yet delivered, at most.
const MAX_IN_FLIGHT: usize = 4;

#[derive(Debug, Default)]
struct State {
    in_flight: usize,
    /// The environment is being torn down: send nothing more.
    closed: bool,
}

/// Shared by the scanning thread, the queued batches and the cleanup hook.
#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    cancel: Arc<AtomicBool>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One batch on its way; dropping it (delivered, or dropped by Node) counts it done.
struct Sent {
    flat: Vec<f64>,
    shared: Arc<Shared>,
}

impl Drop for Sent {
    fn drop(&mut self) {
        self.shared.lock().in_flight -= 1;
        self.shared.changed.notify_all();
    }
}

/// The channel of one scan; created and dropped on the JavaScript thread.
pub(crate) struct Delivery {
    env: sys::napi_env,
    tsfn: sys::napi_threadsafe_function,
    shared: Arc<Shared>,
    /// The `Arc` given to the cleanup hook as its argument (released in `drop`).
    hook_arg: *const Shared,
}

// SAFETY: `send` and `drain` (the pool thread's part) only call the thread-safe function,
// which Node-API allows from any thread, and lock `shared`; `env` and the hook are used
// on the JavaScript thread only (creation and drop).
unsafe impl Send for Delivery {}

impl Delivery {
    /// A delivery to `callback` (called as `callback(flat: Float64Array)`); `cancel` is
    /// set when the environment goes away.
    pub(crate) fn new(
        env: &Env,
        callback: &Unknown<'_>,
        cancel: Arc<AtomicBool>,
    ) -> Result<Delivery> {
        let raw = env.raw();
        let name = env.create_string("hayscan.scanFile")?.value().value;
        let mut tsfn = ptr::null_mut();
        // SAFETY: `callback` is a function of this env (checked by the caller); no
        // finalizer or context; `call_js` matches the expected signature.
        check_status!(unsafe {
            sys::napi_create_threadsafe_function(
                raw,
                callback.value().value,
                ptr::null_mut(),
                name,
                0,
                1,
                ptr::null_mut(),
                None,
                ptr::null_mut(),
                Some(call_js),
                &mut tsfn,
            )
        })?;
        let shared = Arc::new(Shared {
            cancel,
            ..Shared::default()
        });
        let hook_arg = Arc::into_raw(Arc::clone(&shared));
        // Registered after the thread-safe function, so it runs before the function's
        // own cleanup (Node runs cleanup hooks in reverse order of registration).
        // SAFETY: `hook_arg` stays valid until `drop` removes the hook and releases it.
        let status =
            unsafe { sys::napi_add_env_cleanup_hook(raw, Some(on_teardown), hook_arg as *mut _) };
        let delivery = Delivery {
            env: raw,
            tsfn,
            shared,
            hook_arg,
        };
        check_status!(status)?;
        Ok(delivery)
    }

    /// Sends one batch, waiting while [`MAX_IN_FLIGHT`] are undelivered. False if the
    /// environment is going away (the scan should stop).
    pub(crate) fn send(&self, flat: Vec<f64>) -> bool {
        let mut state = self.shared.lock();
        while state.in_flight >= MAX_IN_FLIGHT && !state.closed {
            state = self
                .shared
                .changed
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
        if state.closed {
            return false;
        }
        state.in_flight += 1;
        let sent = Box::into_raw(Box::new(Sent {
            flat,
            shared: Arc::clone(&self.shared),
        }));
        // Called with the lock held, so the cleanup hook (which takes it) cannot close the
        // function between the check above and this call.
        // SAFETY: `tsfn` is alive until `drop` releases it, and not closed (checked).
        let status = unsafe {
            sys::napi_call_threadsafe_function(
                self.tsfn,
                sent.cast::<c_void>(),
                sys::ThreadsafeFunctionCallMode::nonblocking,
            )
        };
        drop(state);
        if status != sys::Status::napi_ok {
            // Not queued: the batch is still ours.
            // SAFETY: `sent` came from `Box::into_raw` above and Node did not take it.
            drop(unsafe { Box::from_raw(sent) });
            return false;
        }
        true
    }

    /// Waits until every batch sent has been delivered (or the environment is going away).
    pub(crate) fn drain(&self) {
        let mut state = self.shared.lock();
        while state.in_flight > 0 && !state.closed {
            state = self
                .shared
                .changed
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        // After the cleanup hook ran, Node finalizes (and frees) the function itself.
        let torn_down = self.shared.lock().closed;
        // SAFETY: on the JavaScript thread of `env` (tasks are dropped there): the hook
        // registered in `new` is removed (a no-op if it ran), then its `Arc` released; the
        // thread-safe function is released once, here, unless Node already closed it.
        unsafe {
            sys::napi_remove_env_cleanup_hook(self.env, Some(on_teardown), self.hook_arg as *mut _);
            drop(Arc::from_raw(self.hook_arg));
            if !torn_down {
                sys::napi_release_threadsafe_function(
                    self.tsfn,
                    sys::ThreadsafeFunctionReleaseMode::release,
                );
            }
        }
    }
}

unsafe extern "C" fn on_teardown(arg: *mut c_void) {
    // SAFETY: `arg` is the `Arc` of `Delivery::new`, alive until `drop` removes this hook.
    let shared = unsafe { &*arg.cast::<Shared>() };
    shared.cancel.store(true, Ordering::Relaxed);
    shared.lock().closed = true;
    shared.changed.notify_all();
}

unsafe extern "C" fn call_js(
    env: sys::napi_env,
    callback: sys::napi_value,
    _context: *mut c_void,
    data: *mut c_void,
) {
    // SAFETY: every item queued is a `Sent` box from `Delivery::send`; Node hands each to
    // this function exactly once (with a null env when it drops the queue).
    let sent = unsafe { Box::from_raw(data.cast::<Sent>()) };
    if env.is_null() || callback.is_null() {
        return;
    }
    let env = Env::from_raw(env);
    let Ok(flat) = typed_array(&env, &sent.flat) else {
        sent.shared.cancel.store(true, Ordering::Relaxed);
        return;
    };
    let mut undefined = ptr::null_mut();
    let mut ret = ptr::null_mut();
    let args = [flat.value().value];
    // SAFETY: values of this env; Node opened a handle scope for this call.
    let status = unsafe {
        sys::napi_get_undefined(env.raw(), &mut undefined);
        sys::napi_call_function(env.raw(), undefined, callback, 1, args.as_ptr(), &mut ret)
    };
    if status == sys::Status::napi_pending_exception {
        // The wrapper's callback catches everything; if it threw anyway (a stack overflow),
        // stop the scan and report it as Node reports an exception in a callback.
        sent.shared.cancel.store(true, Ordering::Relaxed);
        let mut exception = ptr::null_mut();
        // SAFETY: an exception is pending in this env.
        unsafe {
            sys::napi_get_and_clear_last_exception(env.raw(), &mut exception);
            sys::napi_fatal_exception(env.raw(), exception);
        }
    }
    drop(sent);
}
