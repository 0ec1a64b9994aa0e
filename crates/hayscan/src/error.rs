//! The one error type of the core. Bindings map each variant to their status code or
//! exception class; the variant set is part of the contract, so add, never renumber.

use std::fmt;

/// Result alias for the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong in the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// A pattern could not be compiled. `index` is its position in the input list;
    /// `message` is the engine's explanation.
    InvalidPattern { index: usize, message: String },
    /// An argument is out of range or inconsistent (e.g. a replacement list whose length
    /// is neither 1 nor the pattern count).
    InvalidArgument(String),
    /// A combination of options or an operation that hayscan does not provide, e.g.
    /// regex syntax with overlapping matches. Never silently replaced by something else.
    Unsupported(String),
    /// The pattern set as a whole could not be compiled (e.g. it exceeds an engine's size
    /// limit); no single pattern is at fault.
    Build(String),
    /// `feed` or `finish` was called on a stream that has already finished (by `finish`
    /// or because a callback stopped it).
    StreamFinished,
    /// Reading or writing a file failed (file scans, replace into a file). `kind` and
    /// `os_code` (errno, where the OS gave one) let bindings raise their own I/O errors.
    Io {
        kind: std::io::ErrorKind,
        os_code: Option<i32>,
        message: String,
    },
    /// Code running on a worker thread panicked (a job's scan, or a Rust callback it ran).
    Panicked(String),
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Io {
            kind: e.kind(),
            os_code: e.raw_os_error(),
            message: e.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidPattern { index, message } => {
                write!(f, "invalid pattern at index {index}: {message}")
            }
            Error::InvalidArgument(msg) => write!(f, "invalid argument: {msg}"),
            Error::Unsupported(msg) => write!(f, "unsupported: {msg}"),
            Error::Build(msg) => write!(f, "cannot build matcher: {msg}"),
            Error::StreamFinished => f.write_str("stream is finished"),
            Error::Io { message, .. } => write!(f, "I/O error: {message}"),
            Error::Panicked(what) => write!(f, "a worker thread panicked: {what}"),
        }
    }
}

impl std::error::Error for Error {}
