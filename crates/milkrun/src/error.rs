//! The facade's error type.

use milkrun_formats::FormatError;
use milkrun_model::ModelError;

/// Why a planning call failed. Every message names the offending item and the reason.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A problem (the network, or a day's problem built from it) does not validate.
    #[error("invalid problem: {0}")]
    Model(#[from] ModelError),
    /// Reading or writing a file failed, or a file does not follow its format.
    #[error("format: {0}")]
    Format(#[from] FormatError),
    /// The routing engine refused a problem.
    #[error("routing: {0}")]
    Routing(#[from] milkrun_routing::RoutingError),
    /// The inventory engine refused a computation.
    #[error("inventory: {0}")]
    Inventory(#[from] milkrun_inventory::InventoryError),
    /// A cost, emission or cost-sharing computation was refused.
    #[error("cost: {0}")]
    Cost(#[from] milkrun_cost::CostError),
    /// Planner input that does not fit the network or is out of range.
    #[error("{item}: {reason}")]
    InvalidInput {
        /// The item: a supplier, part, vehicle type, wave... by name.
        item: String,
        /// What is wrong.
        reason: String,
    },
    /// A supplier's demand does not fit the network.
    #[error("demand of supplier {supplier}: {reason}")]
    InvalidDemand {
        /// The supplier, by name (or by site id when the id is unknown).
        supplier: String,
        /// What is wrong.
        reason: String,
    },
}
