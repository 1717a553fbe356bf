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
    /// A shipment offered to [`crate::carrier`] selection is invalid: a negative or non-finite
    /// mass, a negative distance, an id given twice, an own-fleet offer that names no shipment
    /// or with non-finite emissions.
    #[error("shipment {shipment}: {reason}")]
    InvalidShipment {
        /// The shipment's id, as the caller gave it.
        shipment: u32,
        /// Why it is refused, with the value.
        reason: String,
    },
    /// A carrier's rate card is invalid: no zone, zones not by increasing distance, a negative or
    /// non-finite price, minimum, fuel surcharge or intensity, a TTW share outside [0, 1].
    #[error("carrier {carrier}: {reason}")]
    InvalidCarrier {
        /// The carrier's name.
        carrier: String,
        /// Why its card is refused (the zone or field, and the value).
        reason: String,
    },
    /// No option can serve a shipment: there is no own-fleet offer for it and every carrier
    /// refuses it (or no carrier is given). The first such shipment, in input order, is named
    /// with each refusal; the others are listed, none is skipped.
    #[error("shipment {shipment}: no option can serve it ({reason}){}", also_unserved(.others))]
    Unserved {
        /// The first unserved shipment, in input order.
        shipment: u32,
        /// Why: the missing own-fleet offer and each carrier's refusal.
        reason: String,
        /// The other unserved shipments, in input order.
        others: Vec<u32>,
    },
}

fn also_unserved(others: &[u32]) -> String {
    if others.is_empty() {
        return String::new();
    }
    let ids: Vec<String> = others.iter().map(u32::to_string).collect();
    format!("; also unserved: shipments {}", ids.join(", "))
}

impl CostError {
    /// Shorthand for [`CostError::InvalidInput`].
    pub(crate) fn invalid(item: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidInput { item: item.into(), reason: reason.into() }
    }
}
