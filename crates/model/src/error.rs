//! The model's error type.

use crate::units::Duration;

/// Why a problem (or a part of one) is invalid. Every message names the offending item and the
/// reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A time window closes before it opens.
    #[error("{item}: time window {open}-{close} closes before it opens")]
    WindowClosesBeforeOpen {
        /// The item that owns the window.
        item: String,
        /// Its opening time.
        open: Duration,
        /// Its closing time.
        close: Duration,
    },
    /// Two time windows of one item overlap.
    #[error("{item}: time windows overlap ({first_open}-{first_close} and {second_open}-{second_close})")]
    WindowsOverlap {
        /// The item that owns the windows.
        item: String,
        /// Opening of the earlier window.
        first_open: Duration,
        /// Closing of the earlier window.
        first_close: Duration,
        /// Opening of the later window.
        second_open: Duration,
        /// Closing of the later window.
        second_close: Duration,
    },
    /// A number that must be finite (and usually non-negative) is not.
    #[error("{item}: {what} is {value}, expected a finite non-negative number")]
    InvalidNumber {
        /// The item that owns the number.
        item: String,
        /// What the number is.
        what: &'static str,
        /// The bad value.
        value: f64,
    },
    /// An integer quantity that must not be negative is.
    #[error("{item}: {what} is negative ({value})")]
    Negative {
        /// The item that owns the quantity.
        item: String,
        /// What the quantity is.
        what: &'static str,
        /// The bad value.
        value: i64,
    },
    /// An id refers to nothing.
    #[error("{item}: refers to {kind} #{index}, but the problem has {count}")]
    UnknownReference {
        /// The item holding the reference.
        item: String,
        /// What kind of thing it refers to.
        kind: &'static str,
        /// The bad index.
        index: u32,
        /// How many of that kind exist.
        count: usize,
    },
    /// A load has a different number of dimensions than the problem.
    #[error("{item}: load has {found} dimensions, the problem has {expected}")]
    DimensionMismatch {
        /// The item holding the load.
        item: String,
        /// Dimensions found.
        found: usize,
        /// Dimensions expected.
        expected: usize,
    },
    /// A job needs more capacity than any vehicle has.
    #[error("{item}: needs {need} in load dimension {dim}, but the largest vehicle holds {largest}")]
    HeavierThanEveryVehicle {
        /// The job.
        item: String,
        /// The dimension.
        dim: usize,
        /// What the job needs.
        need: i64,
        /// The largest capacity of any vehicle type in that dimension.
        largest: i64,
    },
    /// A job needs skills that no vehicle type has.
    #[error("{item}: needs skills no vehicle type has ({skills})")]
    NoCapableVehicle {
        /// The job.
        item: String,
        /// The skills, by name.
        skills: String,
    },
    /// A travel matrix has the wrong number of entries.
    #[error("travel matrix: {what} matrix has {found} entries, expected {expected} ({size} x {size})")]
    MatrixSize {
        /// Which matrix.
        what: &'static str,
        /// Entries found.
        found: usize,
        /// Entries expected.
        expected: usize,
        /// Number of sites.
        size: usize,
    },
    /// A travel matrix entry or road edge is negative.
    #[error("travel matrix: {what} from {from} to {to} is negative ({value})")]
    NegativeTravel {
        /// Which matrix or edge kind.
        what: &'static str,
        /// Row (site or node index).
        from: usize,
        /// Column (site or node index).
        to: usize,
        /// The bad value.
        value: i64,
    },
    /// No path connects two sites in the road network.
    #[error("road network: site #{to} cannot be reached from site #{from}")]
    Unreachable {
        /// Source site index.
        from: usize,
        /// Target site index.
        to: usize,
    },
    /// Anything else, with its reason.
    #[error("{item}: {reason}")]
    Invalid {
        /// The offending item.
        item: String,
        /// Why it is invalid.
        reason: String,
    },
}
