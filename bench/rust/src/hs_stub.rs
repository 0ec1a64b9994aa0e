//! Stands in for `hs.rs` when the driver is built without the `hyperscan` feature (the
//! default, so the workspace builds where libhyperscan-dev is absent): every Hyperscan
//! side then reports `unavailable`.

use std::ffi::c_uint;

pub const HS_FLAG_MULTILINE: c_uint = 4;
pub const HS_FLAG_SOM_LEFTMOST: c_uint = 256;

/// Why there is no Hyperscan side.
pub const UNAVAILABLE: &str =
    "hayscan-bench was built without the `hyperscan` feature (bench/run.sh enables it)";

pub fn version() -> String {
    "none".into()
}

/// Why Hyperscan cannot run here, if it cannot.
pub fn unavailable_reason() -> Option<String> {
    Some(UNAVAILABLE.into())
}

#[derive(Debug)]
pub struct Database;

#[derive(Debug, Clone)]
pub struct CompileFailure {
    pub message: String,
    pub expression: Option<usize>,
}

impl Database {
    pub fn compile_literals(_pats: &[&[u8]], _flags: c_uint) -> Result<Database, CompileFailure> {
        Err(CompileFailure {
            message: UNAVAILABLE.into(),
            expression: None,
        })
    }

    pub fn compile(_exprs: &[&[u8]], _flags: &[c_uint]) -> Result<Database, CompileFailure> {
        Err(CompileFailure {
            message: UNAVAILABLE.into(),
            expression: None,
        })
    }

    pub fn size(&self) -> usize {
        0
    }

    pub fn count(&self, _hay: &[u8]) -> usize {
        0
    }
}
