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
    /// A last-mile event or request names a vehicle the day does not have.
    #[error("{vehicle}: the day has {count} vehicles")]
    UnknownVehicle {
        /// The vehicle named.
        vehicle: crate::last_mile::VehicleId,
        /// Vehicles of the day.
        count: usize,
    },
    /// A last-mile event or request names a job the day does not have.
    #[error("{job}: the day has {count} jobs")]
    UnknownJob {
        /// The job named.
        job: milkrun_model::JobId,
        /// Jobs of the day.
        count: usize,
    },
    /// A last-mile position names a site the problem does not have.
    #[error("{site}: the problem has {count} sites")]
    UnknownSite {
        /// The site named.
        site: milkrun_model::SiteId,
        /// Sites of the problem.
        count: usize,
    },
    /// A last-mile event or request is older than the day's clock (the latest event accepted).
    #[error("{what} at {}: time goes backwards, the day's clock is at {}", at.hhmm(), now.hhmm())]
    TimeWentBackwards {
        /// The event or request.
        what: String,
        /// Its time.
        at: milkrun_model::Duration,
        /// The day's clock.
        now: milkrun_model::Duration,
    },
    /// A stop reported done or failed that was already reported done or failed.
    #[error("{vehicle}: {visit:?} is already done")]
    StopAlreadyDone {
        /// The vehicle reporting.
        vehicle: crate::last_mile::VehicleId,
        /// The stop.
        visit: milkrun_model::Visit,
    },
    /// A stop reported by a vehicle whose remaining route does not hold it.
    #[error("{vehicle}: {visit:?} is not on its remaining route")]
    StopNotOnRoute {
        /// The vehicle reporting.
        vehicle: crate::last_mile::VehicleId,
        /// The stop.
        visit: milkrun_model::Visit,
    },
    /// A shipment's delivery reported before its pickup.
    #[error("{vehicle}: {job} is delivered before it is picked up")]
    NotPickedUp {
        /// The vehicle reporting.
        vehicle: crate::last_mile::VehicleId,
        /// The shipment.
        job: milkrun_model::JobId,
    },
    /// A request about a job that is done, failed or cancelled.
    #[error("{job} can no longer change: {status:?}")]
    JobClosed {
        /// The job.
        job: milkrun_model::JobId,
        /// Where it stands.
        status: crate::last_mile::JobStatus,
    },
    /// The independent checker rejects a plan.
    #[error("the checker rejects {what}: {}", violations.join("; "))]
    CheckFailed {
        /// The plan: "the day's plan", "the re-plan".
        what: &'static str,
        /// Every violation found.
        violations: Vec<String>,
    },
}
