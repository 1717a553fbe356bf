//! Errors of the inventory engine.

/// Why an inventory computation cannot be carried out.
///
/// Per-event rejections of the ledger are not errors but [`Rejection`](crate::Rejection)s: a
/// batch is ingested even when some of its events are refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InventoryError {
    /// A parameter is outside its domain (a smoothing constant above 1, a negative cost, a
    /// service level of 100 %...).
    #[error("{item}: {reason}")]
    InvalidParameter {
        /// The parameter, named as in the API (`alpha`, `holding_cost`, `sku S17`...).
        item: String,
        /// Why the value is refused, with the value.
        reason: String,
    },
    /// A series is too short for the method asked for.
    #[error("{item}: needs at least {needed} observations, got {got}")]
    InsufficientData {
        /// The method or series.
        item: String,
        /// How many observations the method needs.
        needed: usize,
        /// How many it got.
        got: usize,
    },
    /// An iterative method did not settle.
    #[error("{item}: did not converge in {iterations} iterations")]
    NoConvergence {
        /// The method.
        item: String,
        /// Iterations made.
        iterations: usize,
    },
    /// A name is registered twice (a SKU, a location).
    #[error("{item}: registered twice")]
    Duplicate {
        /// The name.
        item: String,
    },
    /// An id does not refer to a registered item.
    #[error("{item}: unknown")]
    Unknown {
        /// The id, as displayed.
        item: String,
    },
}

impl InventoryError {
    /// Shorthand for [`InventoryError::InvalidParameter`].
    pub(crate) fn invalid(item: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidParameter { item: item.into(), reason: reason.into() }
    }
}
