//! The formats' error type.

use std::path::PathBuf;

use milkrun_model::ModelError;

/// Why a file could not be read or written. Parse errors carry the 1-based line and the reason.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The text does not follow the format.
    #[error("line {line}: {reason}")]
    Parse {
        /// 1-based line number (0 when the problem is the file as a whole).
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A declared size is beyond what this reader accepts (protects against hostile headers).
    #[error("line {line}: {what} = {value} exceeds the limit of {limit}")]
    TooLarge {
        /// 1-based line number.
        line: usize,
        /// The quantity.
        what: &'static str,
        /// Its declared value.
        value: u64,
        /// The largest accepted value.
        limit: u64,
    },
    /// The content parsed but does not make a valid problem.
    #[error("invalid problem: {0}")]
    Model(#[from] ModelError),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// JSON (de)serialization failed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

impl FormatError {
    pub(crate) fn parse(line: usize, reason: impl Into<String>) -> Self {
        FormatError::Parse { line, reason: reason.into() }
    }
}

/// Most nodes/customers/vehicles a reader accepts in one instance: a hostile header such as
/// `DIMENSION : 1000000000000` is an error, not an allocation.
pub const MAX_ITEMS: u64 = 1_000_000;

/// Checks a declared count against [`MAX_ITEMS`].
pub(crate) fn check_count(line: usize, what: &'static str, value: u64) -> Result<usize, FormatError> {
    if value > MAX_ITEMS {
        return Err(FormatError::TooLarge { line, what, value, limit: MAX_ITEMS });
    }
    usize::try_from(value).map_err(|_| FormatError::TooLarge { line, what, value, limit: MAX_ITEMS })
}
