//! The registry behind stream handlers in every binding.
//!
//! A binding registers a handler (a C function + user data, a JS function, ...) with an
//! optional pattern filter and gets an id back. The registry is re-entrancy safe: a
//! handler may add or remove handlers (itself included) while it is being called, because
//! no borrow of the registry is held during a call. Dropping the handler value is how a
//! binding releases it (the C ABI's `release`, a JS reference): it happens exactly once,
//! when the handler is removed or the registry is dropped, and never while the handler is
//! running (a handler removed from inside its own call is dropped when that call returns).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::ControlFlow;
use std::rc::Rc;

use crate::Match;

/// Identifies a registered handler. Ids start at 1 and are never reused by one registry.
pub type HandlerId = u64;

struct Entry<H> {
    id: HandlerId,
    /// Sorted, deduplicated pattern ids, or `None` for all patterns.
    filter: Option<Box<[u32]>>,
    handler: Rc<H>,
}

/// Handlers registered on one stream. Single-threaded (`!Send`), like the stream.
pub struct Handlers<H> {
    entries: RefCell<Vec<Entry<H>>>,
    next_id: Cell<HandlerId>,
}

impl<H> fmt::Debug for Handlers<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handlers")
            .field("len", &self.len())
            .finish()
    }
}

impl<H> Default for Handlers<H> {
    fn default() -> Self {
        Handlers {
            entries: RefCell::new(Vec::new()),
            next_id: Cell::new(1),
        }
    }
}

impl<H> Handlers<H> {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler`, called for matches of the listed pattern ids (all patterns if
    /// `patterns` is `None`). Returns its id. A handler added while a match is being
    /// dispatched receives matches from the next one on.
    pub fn add(&self, handler: H, patterns: Option<Vec<u32>>) -> HandlerId {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let filter = patterns.map(|mut p| {
            p.sort_unstable();
            p.dedup();
            p.into_boxed_slice()
        });
        self.entries.borrow_mut().push(Entry {
            id,
            filter,
            handler: Rc::new(handler),
        });
        id
    }

    /// Unregisters a handler. It is not called again; its value is dropped now, or when
    /// its current call returns if it is running. Returns false for an unknown id.
    pub fn remove(&self, id: HandlerId) -> bool {
        let removed = {
            let mut entries = self.entries.borrow_mut();
            match entries.binary_search_by_key(&id, |e| e.id) {
                Ok(i) => Some(entries.remove(i)),
                Err(_) => None,
            }
        };
        // Dropped outside the borrow: the drop may run host code that re-enters.
        removed.is_some()
    }

    /// Unregisters every handler.
    pub fn clear(&self) {
        let all = std::mem::take(&mut *self.entries.borrow_mut());
        drop(all);
    }

    /// Number of registered handlers.
    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    /// True if no handler is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `call` with each handler registered for `m.pattern`, in registration order,
    /// until one returns `Break` (which is returned). Handlers removed during the dispatch
    /// are skipped; handlers added during it are not called for this match.
    pub fn dispatch(
        &self,
        m: &Match,
        mut call: impl FnMut(&H, &Match) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let newest = self.next_id.get() - 1;
        let mut after = 0;
        loop {
            let next = {
                let entries = self.entries.borrow();
                let from = entries.partition_point(|e| e.id <= after);
                entries[from..]
                    .iter()
                    .take_while(|e| e.id <= newest)
                    .find(|e| {
                        e.filter
                            .as_ref()
                            .is_none_or(|f| f.binary_search(&m.pattern).is_ok())
                    })
                    .map(|e| (e.id, Rc::clone(&e.handler)))
            };
            let Some((id, handler)) = next else {
                return ControlFlow::Continue(());
            };
            after = id;
            call(&handler, m)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    struct Counted<'a>(&'a Cell<usize>, usize);
    impl Drop for Counted<'_> {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    fn m(pattern: u32) -> Match {
        Match {
            pattern,
            start: 0,
            end: 1,
        }
    }

    #[test]
    fn filters_and_releases_once() {
        let released = Cell::new(0);
        let calls = RefCell::new(Vec::new());
        {
            let h = Handlers::new();
            let a = h.add(Counted(&released, 1), None);
            let b = h.add(Counted(&released, 2), Some(vec![3, 1, 1]));
            assert_eq!((a, b), (1, 2));
            for p in [0, 1, 3] {
                let _ = h.dispatch(&m(p), |c, m| {
                    calls.borrow_mut().push((c.1, m.pattern));
                    ControlFlow::Continue(())
                });
            }
            assert!(h.remove(a));
            assert!(!h.remove(a));
            assert_eq!(released.get(), 1);
        }
        assert_eq!(released.get(), 2);
        assert_eq!(*calls.borrow(), [(1, 0), (1, 1), (2, 1), (1, 3), (2, 3)]);
    }

    #[test]
    fn handler_may_remove_itself_and_is_dropped_after_its_call() {
        let released = Cell::new(0);
        let h = Handlers::new();
        let id = h.add(Counted(&released, 7), None);
        let second = h.add(Counted(&released, 8), None);
        let mut seen = Vec::new();
        let flow = h.dispatch(&m(0), |c, _| {
            seen.push(c.1);
            if c.1 == 7 {
                assert!(h.remove(id));
                assert!(h.remove(second));
                // Still alive while we run.
                assert_eq!(released.get(), 1);
            }
            ControlFlow::Continue(())
        });
        assert!(flow.is_continue());
        assert_eq!(seen, [7]);
        assert_eq!(released.get(), 2);
        assert!(h.is_empty());
    }

    #[test]
    fn added_during_dispatch_waits_for_next_match_and_break_stops() {
        let released = Cell::new(0);
        let h = Handlers::new();
        h.add(Counted(&released, 1), None);
        let mut seen = Vec::new();
        let _ = h.dispatch(&m(0), |c, _| {
            seen.push(c.1);
            if c.1 == 1 {
                h.add(Counted(&released, 2), None);
            }
            ControlFlow::Continue(())
        });
        assert_eq!(seen, [1]);
        let flow = h.dispatch(&m(0), |c, _| {
            seen.push(c.1);
            ControlFlow::Break(())
        });
        assert!(flow.is_break());
        assert_eq!(seen, [1, 1]);
        h.clear();
        assert_eq!(released.get(), 2);
    }
}
