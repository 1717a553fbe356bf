//! Solutions: routes of visits, and the timetable of a route.

use crate::ids::{BreakId, JobId, SiteId, VehicleTypeId};
use crate::units::{Duration, Load};

/// One visit on a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum Visit {
    /// The single stop of a service job (pickup, delivery, or both).
    Service(JobId),
    /// The pickup stop of a shipment.
    Pickup(JobId),
    /// The delivery stop of a shipment.
    Delivery(JobId),
    /// A return to a reload site between two trips (multi-trip).
    Reload(SiteId),
    /// A driver break under rule `BreakId` of the route's vehicle type, taken where the
    /// previous stop was (see [`BreakRule`](crate::BreakRule)).
    Break(BreakId),
}

impl Visit {
    /// The job served, if this is not a reload or a break.
    #[must_use]
    pub fn job(self) -> Option<JobId> {
        match self {
            Visit::Service(j) | Visit::Pickup(j) | Visit::Delivery(j) => Some(j),
            Visit::Reload(_) | Visit::Break(_) => None,
        }
    }
}

/// The route of one vehicle: start site, visits in order, end site.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Route {
    /// The type of the vehicle driving it.
    pub vehicle_type: VehicleTypeId,
    /// Visits in order, between the vehicle's start and end sites.
    pub visits: Vec<Visit>,
    /// Departure time from the start site, if fixed; otherwise as early as useful.
    #[cfg_attr(feature = "serde", serde(default))]
    pub departure: Option<Duration>,
}

impl Route {
    /// A route of `vehicle_type` through `visits`, departing when useful.
    #[must_use]
    pub fn new(vehicle_type: VehicleTypeId, visits: Vec<Visit>) -> Self {
        Self { vehicle_type, visits, departure: None }
    }
}

/// A solution to one day's routing problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Solution {
    /// The routes; empty routes may be left out.
    pub routes: Vec<Route>,
    /// Jobs deliberately left out (optional jobs, or required ones the solver could not place).
    #[cfg_attr(feature = "serde", serde(default))]
    pub unassigned: Vec<JobId>,
}

/// When a vehicle is where, for one stop of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StopTime {
    /// What happens at the stop; `None` for the route's start and end.
    pub visit: Option<Visit>,
    /// The site.
    pub site: SiteId,
    /// Arrival at the site.
    pub arrival: Duration,
    /// Waiting before service may start.
    pub wait: Duration,
    /// Start of service.
    pub start: Duration,
    /// Departure from the site.
    pub departure: Duration,
    /// Load on board when leaving the site.
    pub load_after: Load,
}
