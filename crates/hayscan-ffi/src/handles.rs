//! Handle registry, argument validation, the live-object count and byte buffers.
//!
//! A handle given to C is not an address: it is a token (tag, generation, slot index)
//! packed into a pointer-sized value, never dereferenced. Every entry point looks its
//! token up in a registry of live objects (ffi-support's HandleMap design). A freed
//! handle's slot gets the next generation, so its old token stays dead even when the slot
//! is reused, and a slot whose generation is used up is retired, never reused. A freed,
//! forged or foreign pointer, or a live handle of another type, is therefore refused by
//! construction, without reading the memory it points at.
//!
//! The registry holds `Arc`s: a lookup clones one under a read lock and releases the lock
//! before any host code runs, so a callback that frees the handle it runs under (or any
//! other) only removes the registry's reference; the object goes when the last call using
//! it returns. Objects are dropped outside the lock, since dropping a stream calls its
//! handlers' `release` functions, which may call back into hayscan.
//!
//! `hayscan_replacement_t` tokens live in a per-thread registry, opened when a replace
//! callback starts and closed when it returns: valid only during that call, on that thread.

use safer_ffi::c_char;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use hayscan_core::Matcher;

use crate::iter::IterObject;
use crate::job::JobObject;
use crate::status::Fail;
use crate::stream::StreamObject;

static LIVE: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn live_objects() -> usize {
    LIVE.load(Ordering::SeqCst)
}

/// Counts one live object from creation to drop.
#[derive(Debug)]
pub(crate) struct LiveCount(());

impl LiveCount {
    pub(crate) fn new() -> LiveCount {
        LIVE.fetch_add(1, Ordering::SeqCst);
        LiveCount(())
    }
}

impl Drop for LiveCount {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

// ---- tokens and the slab they index ----

/// Bits of a token: `tag | generation | index`, high to low. On 64-bit targets the tag
/// fills the top 16 bits, which no user-space address has set on today's platforms, so a
/// real pointer never even reaches the slot check.
const INDEX_BITS: u32 = if usize::BITS == 64 { 24 } else { 14 };
const GEN_BITS: u32 = if usize::BITS == 64 { 24 } else { 12 };
/// Tag of matcher, stream and iterator handles ("HS").
const HANDLE_TAG: usize = if usize::BITS == 64 { 0x4853 } else { 0xa };
/// Tag of `hayscan_replacement_t` tokens ("HR").
const REPLACEMENT_TAG: usize = if usize::BITS == 64 { 0x4852 } else { 0x5 };

/// What a token names in a slab.
enum Found<'a, T> {
    Live(&'a T),
    /// A token this slab issued, whose object has been removed.
    Freed,
    /// Not a token this slab issued.
    Foreign,
}

#[derive(Debug)]
struct Slot<T> {
    /// The generation of the current (or next) occupant, from 1 to `gen_max`.
    generation: usize,
    value: Option<T>,
}

/// Generation-checked slots addressed by token (the layout is a field so the unit tests
/// can exhaust small slabs).
#[derive(Debug)]
struct Slab<T> {
    slots: Vec<Slot<T>>,
    free: Vec<usize>,
    tag: usize,
    index_bits: u32,
    gen_bits: u32,
}

impl<T> Slab<T> {
    const fn new(tag: usize, index_bits: u32, gen_bits: u32) -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
            tag,
            index_bits,
            gen_bits,
        }
    }

    fn gen_max(&self) -> usize {
        (1 << self.gen_bits) - 1
    }

    fn token(&self, index: usize, generation: usize) -> usize {
        (self.tag << (self.index_bits + self.gen_bits)) | (generation << self.index_bits) | index
    }

    /// Stores `value`; `None` when every slot is live or retired.
    fn insert(&mut self, value: T) -> Option<usize> {
        let index = match self.free.pop() {
            Some(index) => index,
            None if self.slots.len() < (1 << self.index_bits) => {
                self.slots.push(Slot {
                    generation: 1,
                    value: None,
                });
                self.slots.len() - 1
            }
            None => return None,
        };
        let slot = &mut self.slots[index];
        slot.value = Some(value);
        let generation = slot.generation;
        Some(self.token(index, generation))
    }

    fn find(&self, token: usize) -> Found<'_, T> {
        if token >> (self.index_bits + self.gen_bits) != self.tag {
            return Found::Foreign;
        }
        let index = token & ((1 << self.index_bits) - 1);
        let generation = (token >> self.index_bits) & self.gen_max();
        let Some(slot) = self.slots.get(index) else {
            return Found::Foreign;
        };
        if generation == 0 || generation > slot.generation {
            return Found::Foreign; // generations only grow: never issued
        }
        match &slot.value {
            Some(value) if generation == slot.generation => Found::Live(value),
            _ => Found::Freed,
        }
    }

    /// Takes the value of a live token out; its slot moves to the next generation, or is
    /// retired when the generations are used up.
    fn remove(&mut self, token: usize) -> Option<T> {
        if !matches!(self.find(token), Found::Live(_)) {
            return None;
        }
        let index = token & ((1 << self.index_bits) - 1);
        let gen_max = self.gen_max();
        let slot = &mut self.slots[index];
        let value = slot.value.take();
        if slot.generation < gen_max {
            slot.generation += 1;
            self.free.push(index);
        }
        value
    }
}

// ---- the handle registry ----

/// What a matcher, stream or iterator handle names.
pub(crate) enum Object {
    Matcher(Arc<Matcher>, LiveCount),
    Stream(Arc<StreamObject>),
    Iter(Arc<IterObject>),
    Job(Arc<JobObject>),
}

impl Object {
    fn type_name(&self) -> &'static str {
        match self {
            Object::Matcher(..) => "hayscan_matcher_t",
            Object::Stream(_) => "hayscan_stream_t",
            Object::Iter(_) => "hayscan_iter_t",
            Object::Job(_) => "hayscan_job_t",
        }
    }
}

static HANDLES: RwLock<Slab<Object>> = RwLock::new(Slab::new(HANDLE_TAG, INDEX_BITS, GEN_BITS));

/// Registers `object` and returns its handle.
pub(crate) fn register<H>(object: Object) -> Result<*mut H, Fail> {
    let token = HANDLES
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(object);
    // Without a slot the object is dropped here, after the lock was released.
    token
        .map(|t| t as *mut H)
        .ok_or_else(|| Fail::arg("too many live hayscan handles"))
}

/// Clones what `pick` takes from the live object behind handle `p`, or fails with
/// `INVALID_ARGUMENT`: NULL, freed, never returned by hayscan, or of another type than
/// `expected` (a C type name, for the message).
pub(crate) fn lookup<H, R>(
    p: *const H,
    name: &str,
    expected: &str,
    pick: impl FnOnce(&Object) -> Option<R>,
) -> Result<R, Fail> {
    if p.is_null() {
        return Err(Fail::arg(format!("{name} is NULL")));
    }
    let handles = HANDLES.read().unwrap_or_else(PoisonError::into_inner);
    match handles.find(p as usize) {
        Found::Live(object) => pick(object).ok_or_else(|| {
            Fail::arg(format!(
                "{name} is not a live hayscan handle of the expected type: it is a {}, not a {expected}",
                object.type_name()
            ))
        }),
        Found::Freed => Err(Fail::arg(format!(
            "{name} is not a live hayscan handle: it was freed"
        ))),
        Found::Foreign => Err(Fail::arg(format!(
            "{name} is not a live hayscan handle: hayscan never returned it as a {expected}"
        ))),
    }
}

/// Frees handle `p` if it is live and `is_kind` accepts its object: NULL, stale, foreign
/// and wrong-type handles are left alone. The object is dropped after the lock is
/// released (a stream's drop runs host `release` functions), and only then if no call in
/// progress still holds it.
pub(crate) fn unregister<H>(p: *mut H, is_kind: impl FnOnce(&Object) -> bool) {
    if p.is_null() {
        return;
    }
    let token = p as usize;
    let removed = {
        let mut handles = HANDLES.write().unwrap_or_else(PoisonError::into_inner);
        match handles.find(token) {
            Found::Live(object) if is_kind(object) => handles.remove(token),
            _ => None,
        }
    };
    drop(removed);
}

// ---- one thread at a time ----

static NEXT_THREAD: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    static THREAD: usize = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
}

/// Admits one thread at a time into an object that is not thread-safe (a stream: its
/// handler list, its scanner), re-entrantly on that thread, so a handler can register
/// handlers on its own stream while another thread calling in gets `BUSY` instead of a
/// data race.
#[derive(Debug)]
pub(crate) struct ThreadOwner {
    /// The thread inside (its id from `THREAD`), 0 if none.
    owner: AtomicUsize,
    /// Nesting depth of the owning thread; only that thread reads or writes it.
    depth: Cell<usize>,
}

// SAFETY: `depth` is only touched by the thread recorded in `owner`, which it set with a
// compare-exchange and clears (Release) when its last nested call leaves.
unsafe impl Sync for ThreadOwner {}

/// Proof that the calling thread is inside; leaving on drop.
#[derive(Debug)]
pub(crate) struct Entered<'a>(&'a ThreadOwner);

impl ThreadOwner {
    pub(crate) fn new() -> ThreadOwner {
        ThreadOwner {
            owner: AtomicUsize::new(0),
            depth: Cell::new(0),
        }
    }

    /// Enters, or fails with `BUSY` if another thread is inside. `what` names the object.
    pub(crate) fn enter(&self, what: &str) -> Result<Entered<'_>, Fail> {
        let me = THREAD.with(|t| *t);
        if self.owner.load(Ordering::Acquire) == me {
            self.depth.set(self.depth.get() + 1);
        } else if self
            .owner
            .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            self.depth.set(1);
        } else {
            return Err(Fail::busy_elsewhere(what));
        }
        Ok(Entered(self))
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        let depth = self.0.depth.get() - 1;
        self.0.depth.set(depth);
        if depth == 0 {
            self.0.owner.store(0, Ordering::Release);
        }
    }
}

// ---- replacement tokens ----

thread_local! {
    /// The output buffers of the replace callbacks running on this thread.
    static REPLACEMENTS: RefCell<Slab<*mut Vec<u8>>> =
        const { RefCell::new(Slab::new(REPLACEMENT_TAG, INDEX_BITS, GEN_BITS)) };
}

/// The token of one running replace callback; closing it (on drop) kills the token.
#[derive(Debug)]
pub(crate) struct OpenReplacement(usize);

impl OpenReplacement {
    /// Opens a token for `out`, which must stay valid and untouched by anything else until
    /// the token is dropped.
    pub(crate) fn open(out: *mut Vec<u8>) -> Result<OpenReplacement, Fail> {
        REPLACEMENTS
            .with(|r| r.borrow_mut().insert(out))
            .map(OpenReplacement)
            .ok_or_else(|| Fail::arg("too many nested replace callbacks"))
    }

    pub(crate) fn token<H>(&self) -> *mut H {
        self.0 as *mut H
    }
}

impl Drop for OpenReplacement {
    fn drop(&mut self) {
        REPLACEMENTS.with(|r| r.borrow_mut().remove(self.0));
    }
}

/// Appends `data` to the buffer of replacement token `p`, if it is open on this thread.
pub(crate) fn write_replacement<H>(p: *mut H, data: &[u8]) -> Result<(), Fail> {
    if p.is_null() {
        return Err(Fail::arg("dst is NULL"));
    }
    let out = REPLACEMENTS.with(|r| match r.borrow().find(p as usize) {
        Found::Live(out) => Ok(*out),
        Found::Freed | Found::Foreign => Err(Fail::arg(
            "dst is not a live hayscan handle: a hayscan_replacement_t is valid only during \
             the callback that received it, on that callback's thread",
        )),
    })?;
    // SAFETY: the token is open, so the replace callback that received it is running on
    // this thread and `out` points at that match's live output buffer, which nothing else
    // touches until the callback returns.
    unsafe { (*out).extend_from_slice(data) };
    Ok(())
}

// ---- arguments ----

/// The `len` bytes at `ptr`, which may be NULL only when `len` is 0.
pub(crate) fn bytes<'a>(ptr: *const c_char, len: usize, name: &str) -> Result<&'a [u8], Fail> {
    array(ptr.cast::<u8>(), len, name)
}

/// The `len` elements at `ptr`, which may be NULL only when `len` is 0.
pub(crate) fn array<'a, T>(ptr: *const T, len: usize, name: &str) -> Result<&'a [T], Fail> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Fail::arg(format!("{name} is NULL but its length is {len}")))
        };
    }
    if len
        .checked_mul(std::mem::size_of::<T>())
        .is_none_or(|n| n > isize::MAX as usize)
    {
        return Err(Fail::arg(format!("{name}: length {len} is too large")));
    }
    // SAFETY: non-NULL, size checked; the caller promises `len` readable elements.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The `len` writable elements at `ptr` (a caller-owned output array), which may be NULL
/// only when `len` is 0.
pub(crate) fn array_mut<'a, T>(ptr: *mut T, len: usize, name: &str) -> Result<&'a mut [T], Fail> {
    array(ptr.cast_const(), len, name)?;
    if ptr.is_null() {
        return Ok(&mut []);
    }
    // SAFETY: checked as `array` does; the caller passes `len` writable elements that
    // nothing else touches during the call.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// Writes an out-parameter.
pub(crate) fn out<T>(p: *mut T, name: &str, value: T) -> Result<(), Fail> {
    if p.is_null() {
        return Err(Fail::arg(format!("{name} is NULL")));
    }
    // SAFETY: non-NULL; the caller passes writable storage for a `T`.
    unsafe { p.write(value) };
    Ok(())
}

// ---- byte buffers ----

/// Buffers handed out and not yet freed: (address, length) → how many (empty buffers
/// share one dangling address). `hayscan_bytes_free` frees only what is listed here. A
/// B-tree rather than a hash map: its nodes are pointed at from their start, so valgrind
/// sees the table as reachable rather than "possibly lost" at exit.
static BUFFERS: Mutex<BTreeMap<(usize, usize), usize>> = Mutex::new(BTreeMap::new());

/// Hands a byte buffer to C; freed by `free_bytes` with the same pointer and length.
pub(crate) fn give_bytes(
    data: Vec<u8>,
    out_ptr: *mut *mut c_char,
    out_len: *mut usize,
) -> Result<(), Fail> {
    if out_ptr.is_null() || out_len.is_null() {
        return Err(Fail::arg("out or out_len is NULL"));
    }
    let boxed = data.into_boxed_slice();
    let len = boxed.len();
    let ptr = Box::into_raw(boxed).cast::<c_char>();
    *BUFFERS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry((ptr as usize, len))
        .or_insert(0) += 1;
    LIVE.fetch_add(1, Ordering::SeqCst);
    out(out_ptr, "out", ptr)?;
    out(out_len, "out_len", len)
}

/// Frees a buffer from `give_bytes`. A pointer and length hayscan did not hand out (or
/// that were freed already) are ignored.
pub(crate) fn free_bytes(ptr: *mut c_char, len: usize) {
    if ptr.is_null() {
        return;
    }
    {
        let mut buffers = BUFFERS.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (ptr as usize, len);
        match buffers.get_mut(&key) {
            Some(n) if *n > 1 => *n -= 1,
            Some(_) => {
                buffers.remove(&key);
            }
            None => return,
        }
    }
    // SAFETY: listed in BUFFERS, so `give_bytes` returned this pointer with this length
    // and it has not been freed since.
    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr.cast::<u8>(), len)) });
    LIVE.fetch_sub(1, Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_tokens_stay_dead_across_reuse() {
        let mut slab = Slab::new(0x7, 2, 2);
        let a = slab.insert('a').unwrap();
        assert!(matches!(slab.find(a), Found::Live('a')));
        assert_eq!(slab.remove(a), Some('a'));
        assert!(matches!(slab.find(a), Found::Freed));
        assert_eq!(slab.remove(a), None);
        let b = slab.insert('b').unwrap(); // same slot, next generation
        assert_ne!(a, b);
        assert!(matches!(slab.find(a), Found::Freed));
        assert!(matches!(slab.find(b), Found::Live('b')));
        assert!(matches!(slab.find(0), Found::Foreign));
        assert!(matches!(slab.find(b ^ (0x7 << 4)), Found::Foreign)); // wrong tag
        assert!(matches!(slab.find(b + 3), Found::Foreign)); // slot never used
    }

    #[test]
    fn used_up_slots_retire_and_a_full_slab_refuses() {
        // 2 index bits, 2 generation bits: 4 slots of 3 generations each.
        let mut slab = Slab::new(0x1, 2, 2);
        let mut issued = Vec::new();
        while let Some(t) = slab.insert(()) {
            issued.push(t);
            slab.remove(t);
        }
        assert_eq!(issued.len(), 4 * 3);
        let mut unique = issued.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), issued.len(), "a token was issued twice");
        assert!(issued.iter().all(|&t| matches!(slab.find(t), Found::Freed)));
    }
}
