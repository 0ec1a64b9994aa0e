//! `ScanReport`, the answer of every push scan (`NativeStream::write`/`end`). Its own module
//! so that `matcher` (which creates streams) and `stream` (which returns reports) do not
//! import each other.

use napi_derive::napi;

/// What a push scan did.
#[napi(object)]
#[derive(Debug)]
pub struct ScanReport {
    /// Matches delivered (including the one whose callback stopped the scan).
    pub matches: f64,
    /// True if a callback returned `false`.
    pub stopped: bool,
}

impl From<hayscan::ScanReport> for ScanReport {
    fn from(r: hayscan::ScanReport) -> Self {
        ScanReport {
            matches: r.matches as f64,
            stopped: r.stopped,
        }
    }
}
