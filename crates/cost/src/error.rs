//! Errors of the cost and emissions crate.

/// Why a cost, emission or allocation cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CostError {
    /// A value is outside its domain (a negative distance, a NaN factor, a load above the
    /// vehicle's capacity...).
    #[error("{item}: {reason}")]
    InvalidInput {
        /// The item and field, named as the caller knows them (`leg 3 distance`, `carrier HVO
        /// wtt factor`, `supplier S17`...).
        item: String,
        /// Why it is refused, with the value.
        reason: String,
    },
    /// A name refers to nothing known (an energy carrier without factors, a zone without a
    /// rate).
    #[error("{item}: unknown")]
    Unknown {
        /// The name.
        item: String,
    },
    /// Too many players for an exact method.
    #[error("{method} is exact for at most {max} players, got {got}")]
    TooManyPlayers {
        /// The method.
        method: &'static str,
        /// Its limit.
        max: usize,
        /// Players given.
        got: usize,
    },
    /// An iterative or optimisation method found no answer (an empty core, an infeasible
    /// program, no convergence).
    #[error("{method}: {reason}")]
    NoSolution {
        /// The method.
        method: &'static str,
        /// Why.
        reason: String,
    },
}

impl CostError {
    /// Shorthand for [`CostError::InvalidInput`].
    pub(crate) fn invalid(item: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidInput { item: item.into(), reason: reason.into() }
    }
}
