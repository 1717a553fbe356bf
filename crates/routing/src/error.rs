//! Errors of the routing engine.

/// Why a problem cannot be solved by this engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RoutingError {
    /// The problem uses a feature this engine does not handle yet.
    #[error("{item}: {feature} is not supported by the routing engine yet")]
    Unsupported {
        /// The job, vehicle type or setting that uses the feature.
        item: String,
        /// The feature.
        feature: &'static str,
    },
    /// The problem has no vehicle.
    #[error("the problem has no vehicle, so no job can be routed")]
    NoVehicles,
    /// Re-planning inputs that do not fit together (see [`crate::replan()`]).
    #[error("re-planning: {0}")]
    Replan(String),
    /// A warm-start solution does not fit the problem.
    #[error("warm start: {0}")]
    WarmStart(String),
    /// A numeric value is too large for the engine's integer arithmetic.
    #[error("{item}: {reason}")]
    OutOfRange {
        /// The offending item.
        item: String,
        /// Why.
        reason: String,
    },
}
