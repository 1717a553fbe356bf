//! Jobs: pickups, deliveries, both at one stop, and paired shipments.

use crate::ids::{SiteId, SkillId};
use crate::units::{Duration, Load, Money, TimeWindow};

/// One stop of a job: where, how long, when.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Stop {
    /// The site visited.
    pub site: SiteId,
    /// Time spent at the site to serve the job.
    #[cfg_attr(feature = "serde", serde(default))]
    pub service: Duration,
    /// Windows in which service may start; empty means any time. Sorted and checked for overlap
    /// when the problem is built.
    #[cfg_attr(feature = "serde", serde(default))]
    pub windows: Vec<TimeWindow>,
}

impl Stop {
    /// A stop at `site` with no service time and no window.
    #[must_use]
    pub fn at(site: SiteId) -> Self {
        Self { site, service: Duration::ZERO, windows: Vec::new() }
    }
    /// Sets the service time.
    #[must_use]
    pub fn service(mut self, service: Duration) -> Self {
        self.service = service;
        self
    }
    /// Adds a time window.
    #[must_use]
    pub fn window(mut self, window: TimeWindow) -> Self {
        self.windows.push(window);
        self
    }
}

/// What a job asks a vehicle to do.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum JobKind {
    /// One stop where `delivery` is unloaded and `pickup` is loaded. A pure pickup has a zero
    /// delivery, a pure delivery a zero pickup; both non-zero is a simultaneous pickup and
    /// delivery (full containers collected, empties dropped).
    Service {
        /// The stop.
        stop: Stop,
        /// Load carried from the route's start to this stop and unloaded here.
        delivery: Load,
        /// Load loaded here and carried to the route's end.
        pickup: Load,
    },
    /// A paired shipment: loaded at `pickup`, unloaded at `delivery`, by the same vehicle.
    Shipment {
        /// Where the load is collected.
        pickup: Stop,
        /// Where it is delivered.
        delivery: Stop,
        /// What travels.
        load: Load,
        /// The longest time the load may spend on board (departure from the pickup to arrival at
        /// the delivery), if limited.
        #[cfg_attr(feature = "serde", serde(default))]
        max_ride: Option<Duration>,
    },
}

/// Whether a job must be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum Assignment {
    /// The job must be on a route.
    #[default]
    Required,
    /// The job may be left out; leaving it out costs `penalty` (equivalently, serving it earns
    /// `penalty` as a prize).
    Optional {
        /// Cost of not serving the job.
        penalty: Money,
    },
}

/// A unit of work for the fleet.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Job {
    /// Name, for reports and errors.
    pub name: String,
    /// What to do.
    pub kind: JobKind,
    /// Earliest departure from the depot of the trip that serves this job (multi-trip release
    /// time); zero when the job is available from the start.
    #[cfg_attr(feature = "serde", serde(default))]
    pub release: Duration,
    /// Required or optional.
    #[cfg_attr(feature = "serde", serde(default))]
    pub assignment: Assignment,
    /// Higher is more important; used by planners to rank what to drop first.
    #[cfg_attr(feature = "serde", serde(default))]
    pub priority: u32,
    /// Skills the vehicle needs (a tail-lift, a refrigerated body, an ADR licence).
    #[cfg_attr(feature = "serde", serde(default))]
    pub skills: Vec<SkillId>,
}

impl Job {
    fn with_kind(name: impl Into<String>, kind: JobKind) -> Self {
        Self {
            name: name.into(),
            kind,
            release: Duration::ZERO,
            assignment: Assignment::Required,
            priority: 0,
            skills: Vec::new(),
        }
    }

    /// A pickup of `load` at `stop`.
    #[must_use]
    pub fn pickup(name: impl Into<String>, stop: Stop, load: Load) -> Self {
        let delivery = Load::zero(load.dims());
        Self::with_kind(name, JobKind::Service { stop, delivery, pickup: load })
    }

    /// A delivery of `load` at `stop`.
    #[must_use]
    pub fn delivery(name: impl Into<String>, stop: Stop, load: Load) -> Self {
        let pickup = Load::zero(load.dims());
        Self::with_kind(name, JobKind::Service { stop, delivery: load, pickup })
    }

    /// A simultaneous delivery and pickup at `stop`.
    #[must_use]
    pub fn delivery_and_pickup(name: impl Into<String>, stop: Stop, delivery: Load, pickup: Load) -> Self {
        Self::with_kind(name, JobKind::Service { stop, delivery, pickup })
    }

    /// A paired shipment of `load` from `pickup` to `delivery`.
    #[must_use]
    pub fn shipment(name: impl Into<String>, pickup: Stop, delivery: Stop, load: Load) -> Self {
        Self::with_kind(name, JobKind::Shipment { pickup, delivery, load, max_ride: None })
    }

    /// Makes the job optional with the given penalty for leaving it out.
    #[must_use]
    pub fn optional(mut self, penalty: Money) -> Self {
        self.assignment = Assignment::Optional { penalty };
        self
    }

    /// Sets the release time.
    #[must_use]
    pub fn release(mut self, release: Duration) -> Self {
        self.release = release;
        self
    }

    /// Adds required skills.
    #[must_use]
    pub fn skills(mut self, skills: &[SkillId]) -> Self {
        self.skills.extend_from_slice(skills);
        self
    }

    /// The stops of the job: one for a service, pickup then delivery for a shipment.
    #[must_use]
    pub fn stops(&self) -> Vec<&Stop> {
        match &self.kind {
            JobKind::Service { stop, .. } => vec![stop],
            JobKind::Shipment { pickup, delivery, .. } => vec![pickup, delivery],
        }
    }

    /// Whether this job is a pure pickup (a backhaul in VRPB terms): it loads something and
    /// delivers nothing.
    #[must_use]
    pub fn is_backhaul(&self) -> bool {
        matches!(&self.kind, JobKind::Service { delivery, pickup, .. } if delivery.is_zero() && !pickup.is_zero())
    }

    /// Whether this job is a pure delivery (a linehaul in VRPB terms).
    #[must_use]
    pub fn is_linehaul(&self) -> bool {
        matches!(&self.kind, JobKind::Service { delivery, pickup, .. } if pickup.is_zero())
    }
}
