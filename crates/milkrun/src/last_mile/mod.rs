//! Last-mile delivery days: a day of deliveries with time windows, returns (pickups) and paired
//! shipments, followed through tracking events and re-planned while it runs.
//!
//! A [`LastMileDay`] starts from a routing [`Problem`] and a plan: either a [`Solution`] the
//! caller brings ([`LastMileDay::new`], checked by [`check_solution`]) or one the routing
//! engine finds ([`LastMileDay::plan`]). Each route becomes a vehicle's day: its stops with the
//! planned ETA and the window promised to the customer (ETA ± an [`EtaMargin`] that grows with
//! the time on the road, clipped to the stop's own window).
//!
//! Then, through the day:
//! - [`TrackingEvent`]s ([`LastMileDay::apply`]): a vehicle's position, a stop done, a stop
//!   failed, a delay. Each is validated in full before anything changes: an unknown vehicle or
//!   job, a time before the day's clock, a stop done twice or not on that vehicle's route is a
//!   typed [`Error`] and leaves the day as it was.
//! - After every accepted change, the ETAs of all remaining stops of all vehicles are
//!   recomputed at once from each vehicle's position and the time it can leave it, with the
//!   travel matrix, service times and windows (waiting when early), and never before the
//!   day's clock. The caller's callback receives an [`EtaAlert`] whenever a stop's ETA leaves
//!   its promised window, or comes back into it.
//! - [`LastMileDay::add_job`] and [`LastMileDay::cancel_job`] change the day's work;
//!   [`LastMileDay::replan`] re-optimises what is left, with what is done locked.
//!
//! # Own fleet or carriers
//! [`LastMileDay::carrier_options`] prices each van's route of the plan as it stands on the own
//! fleet ([`OwnFleet`]: a [`Tariff`](crate::cost::tariff::Tariff) over the route's distance
//! and duration plus the day's fixed charge; CO2e leg by leg with the load on board) and
//! compares it with handing each of its jobs to the best of some carriers' rate cards
//! ([`Carrier`](crate::cost::carrier::Carrier): zones by distance, price per kg, minimum
//! charge, fuel surcharge, CO2e intensity), by cost, by CO2e or by both with a carbon price
//! ([`Objective`](crate::cost::carrier::Objective)). Each job is a shipment of its mass
//! ([`LoadMass`] says which load dimension is a mass, in kg per unit) over the shortest
//! distance from the depot to its stop (ISO 14083). Job by job, it also compares every
//! carrier's quote with what the route saves without the job: the route minus the same route
//! without it, in the same order, one job at a time (savings of several jobs do not add up).
//! Every alternative is kept in the [`RouteCarrierChoice`]; nothing is changed in the day.
//!
//! # The ETA model
//! A vehicle is at `position` and can leave it at `ready`: its planned departure until the
//! first event, then the time of its last stop done or failed, or of its last position;
//! a [`TrackingEvent::Delay`] moves it later. If the clock is past `ready`, the vehicle is on
//! its way to its next stop, which it reaches at `ready` + travel time, or now if that has
//! passed. From there the stops follow in order: travel, wait for the stop's own window,
//! serve. The ETA of a stop is its start of service. An ETA is late when it is after the
//! promised window (early when before), by more than the options' `alert_tolerance`.
//!
//! # What is locked, and what a re-plan may change
//! - Done and failed stops never change (each vehicle's done prefix only grows). A vehicle on
//!   its way to a stop is committed to it: that stop stays first.
//! - **Goods stay on their vehicle.** The plan is loaded: the goods of a delivery are on the
//!   vehicle planned for it, and a picked-up shipment is on the vehicle that picked it up. A
//!   re-plan reorders such stops but never moves them to another vehicle. A delivery the plan
//!   left out has no vehicle holding its goods and stays open all day; a delivery added during
//!   the day must be given as a shipment from the depot ([`LastMileDay::add_job`] refuses a
//!   plain delivery).
//! - Returns (pickups) and shipments not yet picked up may move to another vehicle: the
//!   cheapest one that keeps their promise, when their own vehicle cannot any more.
//! - **Promises are kept where they still can be.** A re-plan never makes a promised stop
//!   start later than the end of its promise or, if its ETA was already later, than that ETA;
//!   nor a vehicle return later than the end of its shift or, if already later, its current
//!   estimate. So the current plan is always one of the answers, and nothing promised is
//!   dropped.
//! - **A failed stop is final for the day**: the job is reported failed, its goods (if any)
//!   stay on board and go back to the depot. A re-attempt is a new job.
//!
//! # How a re-plan works
//! Each vehicle starts after its committed stop, else where it is when it can leave; a
//! vehicle no event has been reported for yet may leave its start site as soon as its shift
//! opens (its departure then moves to suit its new route). Its capacity is what is left
//! beside the load on board for nobody on its route. The re-plan's [`Problem`] holds the
//! remaining jobs, all optional; a picked-up shipment is a delivery from the vehicle's
//! position (its ride limit becomes a deadline on the delivery's start); each promised stop
//! gets the single window [opening of its own window, end of its promise or its ETA if
//! later], a stop never promised (a new job) its own windows closing `late_grace` later; each
//! vehicle is a vehicle type of its own.
//!
//! The routing engine ([`crate::routing::Solver`], seeded, warm-started from the current
//! order so unchanged parts stay stable) re-sequences each vehicle's service stops. The engine
//! has no jobs pinned to one vehicle (it solves shipments, with or without maximum ride
//! times, but this module does not use that yet), so each vehicle is a
//! one-vehicle problem, and a greedy step (cheapest feasible insertion) places shipments not
//! yet picked up, new jobs and anything the engine left out; then returns and shipments still
//! late against their promise move to the cheapest other vehicle that keeps it. What fits
//! nowhere stays open, listed in the [`ReplanReport`]. The result is checked by
//! [`check_solution`] on the re-plan's problem before anything changes; the report holds that
//! problem and solution. Re-plans minimise the remaining distance; vehicle costs play no part
//! (the vehicles are out).
//!
//! # Approximations
//! - Positions are sites: the travel matrix knows no other place.
//! - Release times are not used during the day (they say when a trip may leave the depot);
//!   give goods that are ready later a pickup window instead.
//! - A vehicle on its way home when it is given new work is taken back to where it was last
//!   seen; a vehicle waiting for its next window waits where it is.
//! - The plan at the start of the day routes shipments by greedy insertion after the engine:
//!   it is not optimised for them.
//! - Linehauls before backhauls (VRPB), reloads (multi-trip) are refused; several windows per
//!   stop and skills only some vehicles have are refused by the engine ([`Error::Routing`]).
//!
//! ```
//! use milkrun::last_mile::{LastMileDay, LastMileOptions, TrackingEvent, VehicleId};
//! use milkrun::model::{
//!     check_solution, Coordinates, Job, Load, ProblemData, Rounding, Site, SiteId, SiteKind, Speed, Stop,
//!     TravelMatrix, VehicleType,
//! };
//! use milkrun::{Duration, TimeWindow};
//!
//! // A depot and six customers on a 10 km square, vans at 10 m/s.
//! let mut sites = vec![Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 0.0, y: 0.0 })];
//! for (k, (x, y)) in [(3e3, 1e3), (6e3, 2e3), (5e3, -4e3), (-2e3, 5e3), (-6e3, 1e3), (-3e3, -5e3)].into_iter().enumerate() {
//!     sites.push(Site::new(format!("customer {k}"), SiteKind::Customer, Coordinates::Planar { x, y }));
//! }
//! let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
//! let window = TimeWindow::new(Duration::hours(8), Duration::hours(12));
//! let stop = |s: u32| Stop::at(SiteId(s)).service(Duration::minutes(4)).window(window);
//! let mut jobs: Vec<Job> = (1..=5).map(|s| Job::delivery(format!("parcel {s}"), stop(s), Load::single(20))).collect();
//! jobs.push(Job::pickup("return 6", stop(6), Load::single(10)));
//! jobs.push(Job::shipment("flowers 1 -> 4", stop(1), stop(4), Load::single(5)));
//! let mut van = VehicleType::new("van", 2, Load::single(100), SiteId(0));
//! van.shift = TimeWindow::new(Duration::hours(7), Duration::hours(14));
//! let problem = ProblemData {
//!     name: "tiny day".into(),
//!     dimensions: vec!["kg".into()],
//!     travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(10.0))?,
//!     sites,
//!     jobs,
//!     vehicle_types: vec![van],
//!     ..ProblemData::default()
//! }
//! .validate()?;
//!
//! let mut day = LastMileDay::plan(problem, LastMileOptions::default(), 7, 200)?;
//! let van0 = VehicleId(0);
//! let first = day.vehicle(van0).and_then(|v| v.remaining.first()).map(|s| (s.visit, s.eta)).ok_or("empty")?;
//!
//! // The first stop is done five minutes late; then the van is stuck for 40 minutes.
//! let mut alerts = Vec::new();
//! let done_at = first.1 + Duration::minutes(9);
//! day.apply(&TrackingEvent::StopDone { vehicle: van0, visit: first.0, at: done_at }, |a| alerts.push(a.clone()))?;
//! day.apply(&TrackingEvent::Delay { vehicle: van0, at: done_at, extra: Duration::minutes(40) }, |a| alerts.push(a.clone()))?;
//! assert!(day.vehicles().iter().flat_map(|v| &v.remaining).all(|s| s.eta >= day.now()));
//!
//! // Doing the same stop twice is refused and changes nothing.
//! let before = day.clone();
//! assert!(day.apply(&TrackingEvent::StopDone { vehicle: van0, visit: first.0, at: done_at }, |_| {}).is_err());
//! assert_eq!(day, before);
//!
//! // Re-plan what is left: the done stop stays done, the result passes the checker.
//! let report = day.replan(7, 200, |a| alerts.push(a.clone()))?;
//! assert!(check_solution(&report.problem, &report.solution).is_feasible());
//! assert_eq!(day.vehicle(van0).map(|v| v.done[0].visit), Some(first.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod carrier;
mod eta;
mod events;
mod replan;

use std::fmt;

use milkrun_model::{
    check_solution, Distance, Duration, JobId, JobKind, Load, Problem, Route, SiteId, Solution, TimeWindow,
    VehicleTypeId, Violation, Visit,
};

pub use self::carrier::{LoadMass, OwnFleet, RouteCarrierChoice};
pub use self::eta::{EtaAlert, EtaMargin, EtaStatus};
pub use self::events::{FailureReason, TrackingEvent};
pub use self::replan::ReplanReport;

use self::eta::{stop_of, sweep, Times};
use crate::error::Error;

/// Index of a vehicle of the day: `VehicleId(k)` drives route `k` of the plan the day started
/// from, and is [`LastMileDay::vehicles`]`()[k]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VehicleId(pub u32);

impl VehicleId {
    /// The id as a vector index.
    #[must_use]
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for VehicleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vehicle#{}", self.0)
    }
}

/// Settings of a last-mile day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LastMileOptions {
    /// How wide the windows promised to customers are.
    pub margin: EtaMargin,
    /// How late a job not promised yet (added during the day, or left open) may still be
    /// served by a re-plan: its time windows close this much later (up to the next window's
    /// opening), so a job that can only be reached a little late is served late rather than
    /// left open. Zero (the default) keeps its windows hard. Stops already promised are held
    /// to their promise (see the [module documentation](self)); the plan at the start of the
    /// day keeps every window.
    pub late_grace: Duration,
    /// How far outside its promised window an ETA may be before the stop counts as early or
    /// late (for [`EtaStatus`] and alerts). Zero by default.
    pub alert_tolerance: Duration,
}

impl LastMileOptions {
    /// Sets the promise margin.
    #[must_use]
    pub fn margin(mut self, margin: EtaMargin) -> Self {
        self.margin = margin;
        self
    }

    /// Sets the grace for late stops in re-plans.
    #[must_use]
    pub fn late_grace(mut self, grace: Duration) -> Self {
        self.late_grace = grace;
        self
    }

    /// Sets the alert tolerance.
    #[must_use]
    pub fn alert_tolerance(mut self, tolerance: Duration) -> Self {
        self.alert_tolerance = tolerance;
        self
    }
}

/// How a finished stop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StopOutcome {
    /// Served.
    Done,
    /// Not served, for this reason; final for the day.
    Failed(FailureReason),
}

/// A stop a vehicle has finished (done or failed), in the order reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneStop {
    /// The stop.
    pub visit: Visit,
    /// Its site.
    pub site: SiteId,
    /// When it was reported finished.
    pub at: Duration,
    /// Done or failed.
    pub outcome: StopOutcome,
}

/// A stop still ahead of a vehicle, with its current estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStop {
    /// The stop.
    pub visit: Visit,
    /// Its site.
    pub site: SiteId,
    /// Estimated arrival.
    pub arrival: Duration,
    /// Estimated start of service (after waiting for the stop's window): the ETA.
    pub eta: Duration,
    /// The window promised to the customer, fixed when the stop was first planned.
    pub promised: TimeWindow,
    /// Where the ETA stands against the promise (with the options' alert tolerance).
    pub status: EtaStatus,
}

/// One vehicle's day: what is done, where it is, what is left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VehicleDay {
    /// The vehicle's type in the day's problem.
    pub vehicle_type: VehicleTypeId,
    /// Planned departure from its start site: the latest that keeps every planned service
    /// start (no waiting at the first stop), unless the plan fixes it.
    pub departure: Duration,
    /// The site it was last seen at (its start site until the first event).
    pub position: SiteId,
    /// Whether any tracking event was reported for it. Until then it waits at its start site,
    /// and a re-plan may move its departure (earlier too, down to its shift's opening).
    pub started: bool,
    /// When it can leave `position` (it may have left already: then it is on the way to its
    /// next stop).
    pub ready: Duration,
    /// Finished stops, in the order reported; only ever grows.
    pub done: Vec<DoneStop>,
    /// Stops ahead, in the order planned.
    pub remaining: Vec<PlannedStop>,
    /// Load on board now.
    pub on_board: Load,
    /// Distance driven so far along the sites reported (start, positions, stops).
    pub driven: Distance,
    /// Estimated arrival at its end site after the last stop; `None` for open routes.
    pub end_eta: Option<Duration>,
}

/// Where a job of the day stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// On no route: new, left out by the plan, or dropped by a re-plan.
    Open,
    /// On the remaining route of `vehicle`.
    Planned {
        /// The vehicle.
        vehicle: VehicleId,
    },
    /// A shipment picked up by `vehicle` and not delivered yet (its delivery may or may not be
    /// on the route).
    PickedUp {
        /// The vehicle.
        vehicle: VehicleId,
    },
    /// Served.
    Done {
        /// The vehicle.
        vehicle: VehicleId,
        /// When the last stop was reported done.
        at: Duration,
    },
    /// Failed: final for the day.
    Failed {
        /// The vehicle.
        vehicle: VehicleId,
        /// When.
        at: Duration,
        /// Why.
        reason: FailureReason,
    },
    /// Cancelled by [`LastMileDay::cancel_job`].
    Cancelled {
        /// When.
        at: Duration,
    },
}

impl JobStatus {
    /// Whether nothing more will happen to the job today (done, failed or cancelled).
    #[must_use]
    pub fn is_closed(self) -> bool {
        matches!(self, JobStatus::Done { .. } | JobStatus::Failed { .. } | JobStatus::Cancelled { .. })
    }
}

/// A day of last-mile deliveries, followed through tracking events and re-plans.
///
/// See the [module documentation](self) for the rules and an example. The day is plain data:
/// clone it to keep a snapshot, compare it to see whether something changed.
#[derive(Debug, Clone, PartialEq)]
pub struct LastMileDay {
    problem: Problem,
    options: LastMileOptions,
    now: Duration,
    vehicles: Vec<VehicleDay>,
    status: Vec<JobStatus>,
    /// The vehicle holding each job's goods (deliveries from the start, shipments once picked
    /// up); such jobs never move to another vehicle.
    loaded: Vec<Option<VehicleId>>,
    replans: u32,
}

impl LastMileDay {
    /// Starts a day from `problem` and a plan for it, with the clock at zero.
    ///
    /// Route `k` of `solution` is driven by `VehicleId(k)` (empty routes included: such a
    /// vehicle may take work in a re-plan). Jobs on no route are open.
    ///
    /// # Errors
    /// [`Error::CheckFailed`] if [`check_solution`] finds any violation other than an unserved
    /// job; [`Error::InvalidInput`] for reload visits (multi-trip routes are not supported), a
    /// problem with linehauls before backhauls (VRPB), a negative margin or grace, or more
    /// routes than `u32` ids.
    ///
    /// # Complexity
    /// O(check_solution + visits · windows).
    pub fn new(problem: Problem, solution: &Solution, options: LastMileOptions) -> Result<Self, Error> {
        if options.margin.minimum < Duration::ZERO
            || options.margin.per_hour < Duration::ZERO
            || options.late_grace < Duration::ZERO
            || options.alert_tolerance < Duration::ZERO
        {
            return Err(Error::InvalidInput {
                item: "last-mile options".into(),
                reason: format!(
                    "the promise margin ({} + {} per hour), the late grace ({}) and the alert tolerance ({}) \
                     must not be negative",
                    options.margin.minimum, options.margin.per_hour, options.late_grace, options.alert_tolerance
                ),
            });
        }
        if problem.linehauls_before_backhauls() {
            return Err(Error::InvalidInput {
                item: format!("problem '{}'", problem.name()),
                reason: "linehauls before backhauls (VRPB) is not supported in last-mile days: a picked-up \
                         shipment is delivered after pickups"
                    .into(),
            });
        }
        if let Some(vt) = problem.vehicle_types().iter().find(|v| !v.breaks.is_empty()) {
            return Err(Error::InvalidInput {
                item: format!("vehicle type '{}'", vt.name),
                reason: "driver breaks are not supported in last-mile days yet (ETAs and re-plans would skip them)"
                    .into(),
            });
        }
        if solution.routes.iter().flat_map(|r| &r.visits).any(|v| matches!(v, Visit::Reload(_))) {
            return Err(Error::InvalidInput {
                item: "the day's plan".into(),
                reason: "reload visits (multi-trip routes) are not supported in last-mile days".into(),
            });
        }
        if u32::try_from(solution.routes.len()).is_err() {
            return Err(Error::InvalidInput { item: "the day's plan".into(), reason: "too many routes".into() });
        }
        let report = check_solution(&problem, solution);
        let violations: Vec<String> = report
            .violations
            .iter()
            .filter(|v| !matches!(v, Violation::Unserved { .. }))
            .map(ToString::to_string)
            .collect();
        if !violations.is_empty() {
            return Err(Error::CheckFailed { what: "the day's plan", violations });
        }
        let dims = problem.dimensions().len();
        let mut status = vec![JobStatus::Open; problem.jobs().len()];
        let mut loaded = vec![None; problem.jobs().len()];
        let mut vehicles = Vec::with_capacity(solution.routes.len());
        for (k, (route, checked)) in solution.routes.iter().zip(&report.routes).enumerate() {
            let vehicle = VehicleId(k as u32);
            let vt = problem.vehicle_type(route.vehicle_type);
            // Leave as late as keeps every service start: by the wait at the first stop (waits
            // only add up along a route), unless the plan fixes the departure.
            let earliest = checked.timetable.first().map_or(vt.shift.open, |st| st.departure);
            let departure = match (route.departure, checked.timetable.get(1)) {
                (None, Some(first)) => earliest.saturating_add(first.wait),
                _ => earliest,
            };
            let mut on_board = Load::zero(dims);
            let mut remaining = Vec::with_capacity(route.visits.len());
            for &visit in &route.visits {
                let Some(j) = visit.job() else { continue };
                let job = problem.job(j);
                status[j.index()] = JobStatus::Planned { vehicle };
                if let JobKind::Service { delivery, .. } = &job.kind {
                    if !delivery.is_zero() {
                        loaded[j.index()] = Some(vehicle);
                        on_board.add_assign(delivery);
                    }
                }
                let site = stop_of(job, visit).site;
                let placeholder = TimeWindow::new(Duration::ZERO, Duration::ZERO);
                remaining.push(PlannedStop {
                    visit,
                    site,
                    arrival: Duration::ZERO,
                    eta: Duration::ZERO,
                    promised: placeholder,
                    status: EtaStatus::OnTime,
                });
            }
            vehicles.push(VehicleDay {
                vehicle_type: route.vehicle_type,
                departure,
                position: vt.start,
                started: false,
                ready: departure,
                done: Vec::new(),
                remaining,
                on_board,
                driven: Distance::ZERO,
                end_eta: None,
            });
        }
        let mut day = Self { problem, options, now: Duration::ZERO, vehicles, status, loaded, replans: 0 };
        let all: Vec<usize> = (0..day.vehicles.len()).collect();
        day.promise_new_stops(&all, |_| true);
        day.refresh(&mut |_| {});
        Ok(day)
    }

    /// The day's problem: every job of the day, including those added since the start.
    #[must_use]
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// The options.
    #[must_use]
    pub fn options(&self) -> &LastMileOptions {
        &self.options
    }

    /// The day's clock: the time of the latest accepted event.
    #[must_use]
    pub fn now(&self) -> Duration {
        self.now
    }

    /// Every vehicle's day, indexed by [`VehicleId`].
    #[must_use]
    pub fn vehicles(&self) -> &[VehicleDay] {
        &self.vehicles
    }

    /// One vehicle's day.
    #[must_use]
    pub fn vehicle(&self, vehicle: VehicleId) -> Option<&VehicleDay> {
        self.vehicles.get(vehicle.index())
    }

    /// Where each job stands, indexed by [`JobId`].
    #[must_use]
    pub fn job_statuses(&self) -> &[JobStatus] {
        &self.status
    }

    /// Where one job stands.
    #[must_use]
    pub fn job_status(&self, job: JobId) -> Option<JobStatus> {
        self.status.get(job.index()).copied()
    }

    /// The vehicle holding the job's goods, if any: the planned vehicle of a delivery, the
    /// vehicle that picked up a shipment. Such a job never moves to another vehicle.
    #[must_use]
    pub fn loaded_on(&self, job: JobId) -> Option<VehicleId> {
        self.loaded.get(job.index()).copied().flatten()
    }

    /// Re-plans done so far.
    #[must_use]
    pub fn replans(&self) -> u32 {
        self.replans
    }

    /// The day as a plain solution of [`LastMileDay::problem`], for maps and reports: each
    /// vehicle's finished stops (failed ones included) then its remaining stops, with its
    /// planned departure; open jobs are unassigned. After delays or failures this is a record
    /// of the day, not something the checker need accept.
    #[must_use]
    pub fn current_solution(&self) -> Solution {
        let routes = self
            .vehicles
            .iter()
            .map(|v| Route {
                vehicle_type: v.vehicle_type,
                visits: v.done.iter().map(|d| d.visit).chain(v.remaining.iter().map(|s| s.visit)).collect(),
                departure: Some(v.departure),
            })
            .collect();
        let unassigned = self
            .status
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s, JobStatus::Open))
            .map(|(j, _)| JobId::from_index(j))
            .collect();
        Solution { routes, unassigned }
    }

    /// Sweeps the remaining stops of vehicle `v` from its position with the clock as floor.
    fn sweep_vehicle(&self, v: usize, out: &mut Vec<Times>) -> Option<Duration> {
        let vehicle = &self.vehicles[v];
        let jobs = self.problem.jobs();
        let travel = self.problem.travel();
        let stops = vehicle.remaining.iter().filter_map(|s| s.visit.job().map(|j| stop_of(&jobs[j.index()], s.visit)));
        let (last, leave) = sweep(travel, vehicle.position, vehicle.ready, self.now, stops, out);
        let vt = self.problem.vehicle_type(vehicle.vehicle_type);
        vt.end.map(|end| {
            let back = leave.saturating_add(travel.duration(last.index(), end.index()));
            if vehicle.remaining.is_empty() {
                back.max(self.now)
            } else {
                back
            }
        })
    }

    /// Gives the stops of the listed vehicles that `needs` a promise their promised window,
    /// from their current ETA and time on the road since the vehicle's position.
    fn promise_new_stops(&mut self, vehicles: &[usize], needs: impl Fn(Visit) -> bool) {
        let mut times = Vec::new();
        for &v in vehicles {
            self.sweep_vehicle(v, &mut times);
            let jobs = self.problem.jobs();
            let (margin, now) = (self.options.margin, self.now);
            for (stop, t) in self.vehicles[v].remaining.iter_mut().zip(&times) {
                if !needs(stop.visit) {
                    continue;
                }
                let windows = stop.visit.job().map_or(&[][..], |j| &stop_of(&jobs[j.index()], stop.visit).windows[..]);
                stop.promised = margin.promise(t.start, t.on_road, windows, now);
                stop.status = EtaStatus::OnTime;
            }
        }
    }

    /// Recomputes the ETAs of all remaining stops of all vehicles at once, and reports each
    /// stop whose status against its promise changed.
    ///
    /// # Complexity
    /// O(remaining stops · windows).
    fn refresh(&mut self, on_alert: &mut dyn FnMut(&EtaAlert)) {
        let mut times = Vec::new();
        let mut alerts = Vec::new();
        let tolerance = self.options.alert_tolerance;
        for v in 0..self.vehicles.len() {
            let end_eta = self.sweep_vehicle(v, &mut times);
            let now = self.now;
            let vehicle = &mut self.vehicles[v];
            vehicle.end_eta = end_eta;
            for (stop, t) in vehicle.remaining.iter_mut().zip(&times) {
                stop.arrival = t.arrival;
                stop.eta = t.start;
                let status = EtaStatus::with_tolerance(t.start, stop.promised, tolerance);
                if status != stop.status {
                    alerts.push(EtaAlert {
                        vehicle: VehicleId(v as u32),
                        visit: stop.visit,
                        at: now,
                        eta: t.start,
                        promised: stop.promised,
                        previous: stop.status,
                        status,
                    });
                    stop.status = status;
                }
            }
        }
        for alert in &alerts {
            on_alert(alert);
        }
    }
}
