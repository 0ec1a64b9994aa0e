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
        }
    }
}

impl std::error::Error for Error {}
