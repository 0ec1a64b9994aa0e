//! The few Hyperscan functions the real-ruleset section calls (Debian's libhyperscan-dev,
//! `hs/hs.h`), declared by hand so that no binding generator is needed. Compiled only with
//! the `hyperscan` feature; `build.rs` then links `-lhs`.

use std::ffi::{c_char, c_int, c_uint, c_ulonglong, c_void, CStr, CString};
use std::ptr;

pub const HS_FLAG_MULTILINE: c_uint = 4;
pub const HS_FLAG_SOM_LEFTMOST: c_uint = 256;
const HS_MODE_BLOCK: c_uint = 1;
const HS_SUCCESS: c_int = 0;

#[repr(C)]
struct CompileError {
    message: *mut c_char,
    expression: c_int,
}

#[repr(C)]
struct RawDatabase {
    _private: [u8; 0],
}

#[repr(C)]
struct RawScratch {
    _private: [u8; 0],
}

type MatchHandler =
    unsafe extern "C" fn(c_uint, c_ulonglong, c_ulonglong, c_uint, *mut c_void) -> c_int;

#[link(name = "hs")]
extern "C" {
    fn hs_compile_multi(
        expressions: *const *const c_char,
        flags: *const c_uint,
        ids: *const c_uint,
        elements: c_uint,
        mode: c_uint,
        platform: *const c_void,
        db: *mut *mut RawDatabase,
        error: *mut *mut CompileError,
    ) -> c_int;
    fn hs_compile_lit_multi(
        expressions: *const *const c_char,
        flags: *const c_uint,
        ids: *const c_uint,
        lens: *const usize,
        elements: c_uint,
        mode: c_uint,
        platform: *const c_void,
        db: *mut *mut RawDatabase,
        error: *mut *mut CompileError,
    ) -> c_int;
    fn hs_free_compile_error(error: *mut CompileError) -> c_int;
    fn hs_free_database(db: *mut RawDatabase) -> c_int;
    fn hs_database_size(db: *const RawDatabase, size: *mut usize) -> c_int;
    fn hs_alloc_scratch(db: *const RawDatabase, scratch: *mut *mut RawScratch) -> c_int;
    fn hs_free_scratch(scratch: *mut RawScratch) -> c_int;
    fn hs_scratch_size(scratch: *const RawScratch, size: *mut usize) -> c_int;
    fn hs_scan(
        db: *const RawDatabase,
        data: *const c_char,
        length: c_uint,
        flags: c_uint,
        scratch: *mut RawScratch,
        on_event: MatchHandler,
        context: *mut c_void,
    ) -> c_int;
    fn hs_version() -> *const c_char;
    fn hs_valid_platform() -> c_int;
}

/// `hs_version()`.
pub fn version() -> String {
    // SAFETY: hs_version returns a static NUL-terminated string.
    unsafe { CStr::from_ptr(hs_version()) }
        .to_string_lossy()
        .into_owned()
}

/// Why Hyperscan cannot run here, if it cannot (`hs_valid_platform`: SSSE3 is needed).
pub fn unavailable_reason() -> Option<String> {
    // SAFETY: no arguments, no state.
    if unsafe { hs_valid_platform() } == HS_SUCCESS {
        None
    } else {
        Some("hs_valid_platform: this CPU lacks SSSE3".into())
    }
}

/// A block-mode database with its scratch space.
#[derive(Debug)]
pub struct Database {
    db: *mut RawDatabase,
    scratch: *mut RawScratch,
}

/// A compile failure: the message and the index (into the list given) of the expression
/// at fault, if Hyperscan names one.
#[derive(Debug, Clone)]
pub struct CompileFailure {
    pub message: String,
    pub expression: Option<usize>,
}

impl Database {
    /// `hs_compile_lit_multi` (pure literals: any bytes, lengths given) in block mode, ids
    /// 0..n, every pattern with `flags`, then `hs_alloc_scratch`.
    pub fn compile_literals(pats: &[&[u8]], flags: c_uint) -> Result<Database, CompileFailure> {
        let ptrs: Vec<*const c_char> = pats.iter().map(|p| p.as_ptr() as *const c_char).collect();
        let lens: Vec<usize> = pats.iter().map(|p| p.len()).collect();
        let all_flags = vec![flags; pats.len()];
        let ids: Vec<c_uint> = (0..pats.len() as c_uint).collect();
        let mut db = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: the arrays hold `pats.len()` elements and outlive the call.
        let rc = unsafe {
            hs_compile_lit_multi(
                ptrs.as_ptr(),
                all_flags.as_ptr(),
                ids.as_ptr(),
                lens.as_ptr(),
                pats.len() as c_uint,
                HS_MODE_BLOCK,
                ptr::null(),
                &mut db,
                &mut err,
            )
        };
        Database::finish(rc, db, err, "hs_compile_lit_multi")
    }

    /// `hs_compile_multi` in block mode, ids 0..n, then `hs_alloc_scratch`.
    pub fn compile(exprs: &[&[u8]], flags: &[c_uint]) -> Result<Database, CompileFailure> {
        assert_eq!(exprs.len(), flags.len());
        let owned: Vec<CString> = exprs
            .iter()
            .map(|e| {
                CString::new(e.to_vec()).map_err(|_| CompileFailure {
                    message: "pattern holds a NUL byte".into(),
                    expression: None,
                })
            })
            .collect::<Result<_, _>>()?;
        let ptrs: Vec<*const c_char> = owned.iter().map(|c| c.as_ptr()).collect();
        let ids: Vec<c_uint> = (0..exprs.len() as c_uint).collect();
        let mut db = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: the arrays hold `exprs.len()` elements and outlive the call; the
        // strings are NUL-terminated.
        let rc = unsafe {
            hs_compile_multi(
                ptrs.as_ptr(),
                flags.as_ptr(),
                ids.as_ptr(),
                exprs.len() as c_uint,
                HS_MODE_BLOCK,
                ptr::null(),
                &mut db,
                &mut err,
            )
        };
        Database::finish(rc, db, err, "hs_compile_multi")
    }

    /// The error of a compile, or its database with scratch allocated.
    fn finish(
        rc: c_int,
        db: *mut RawDatabase,
        err: *mut CompileError,
        what: &str,
    ) -> Result<Database, CompileFailure> {
        if rc != HS_SUCCESS {
            let failure = if err.is_null() {
                CompileFailure {
                    message: format!("{what} returned {rc}"),
                    expression: None,
                }
            } else {
                // SAFETY: on failure Hyperscan hands us an error we must free.
                unsafe {
                    let e = &*err;
                    let message = if e.message.is_null() {
                        format!("{what} returned {rc}")
                    } else {
                        CStr::from_ptr(e.message).to_string_lossy().into_owned()
                    };
                    let expression = usize::try_from(e.expression).ok();
                    hs_free_compile_error(err);
                    CompileFailure {
                        message,
                        expression,
                    }
                }
            };
            return Err(failure);
        }
        let mut scratch = ptr::null_mut();
        // SAFETY: db is a valid database.
        let rc = unsafe { hs_alloc_scratch(db, &mut scratch) };
        if rc != HS_SUCCESS {
            // SAFETY: db is ours.
            unsafe { hs_free_database(db) };
            return Err(CompileFailure {
                message: format!("hs_alloc_scratch returned {rc}"),
                expression: None,
            });
        }
        Ok(Database { db, scratch })
    }

    /// Bytes of the database plus its scratch (`hs_database_size` + `hs_scratch_size`).
    pub fn size(&self) -> usize {
        let (mut d, mut s) = (0usize, 0usize);
        // SAFETY: both pointers are valid for the life of self.
        unsafe {
            hs_database_size(self.db, &mut d);
            hs_scratch_size(self.scratch, &mut s);
        }
        d + s
    }

    /// Number of match callbacks over `hay` (with SOM: every match end of every pattern).
    pub fn count(&self, hay: &[u8]) -> usize {
        unsafe extern "C" fn on_match(
            _id: c_uint,
            _from: c_ulonglong,
            _to: c_ulonglong,
            _flags: c_uint,
            ctx: *mut c_void,
        ) -> c_int {
            // SAFETY: ctx is the &mut usize passed to hs_scan below.
            unsafe { *(ctx as *mut usize) += 1 };
            0
        }
        let mut n = 0usize;
        let len = c_uint::try_from(hay.len()).expect("a corpus under 4 GiB");
        // SAFETY: db and scratch are valid; hay is `len` bytes; the callback gets `&mut n`.
        let rc = unsafe {
            hs_scan(
                self.db,
                hay.as_ptr() as *const c_char,
                len,
                0,
                self.scratch,
                on_match,
                &mut n as *mut usize as *mut c_void,
            )
        };
        assert_eq!(rc, HS_SUCCESS, "hs_scan failed");
        n
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // SAFETY: both were allocated by Hyperscan and are freed once.
        unsafe {
            hs_free_scratch(self.scratch);
            hs_free_database(self.db);
        }
    }
}
