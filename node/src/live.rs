//! The live-object counter behind `liveObjects()`: every native resource the addon hands to
//! JavaScript (an open matcher, cursor or stream, a registered stream handler) holds one
//! [`Live`] token, so the count drops back exactly when each is released, by `close()`,
//! `off()` or the garbage collector.

use std::sync::atomic::{AtomicUsize, Ordering};

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// One counted resource; the count is decremented when the token is dropped.
#[derive(Debug)]
pub(crate) struct Live(());

impl Live {
    pub(crate) fn new() -> Live {
        LIVE.fetch_add(1, Ordering::Relaxed);
        Live(())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Current number of live tokens in the process.
pub(crate) fn count() -> usize {
    LIVE.load(Ordering::Relaxed)
}
