//! The independent solution checker: the oracle every solver's output is verified with.
//!
//! It recomputes everything from the problem and the routes' visit sequences with plain loops,
//! sharing no code with any solver's incremental move evaluation.
//!
//! Schedule semantics: a route leaves its start site at the explicit departure if given, else
//! at the later of the shift opening and the release times of the first trip's jobs; it then
//! drives, waits for the first window of each stop that has not yet closed, serves, and moves
//! on; a reload visit takes the vehicle type's reload time and the next trip leaves no earlier
//! than its jobs' release times. The reported duration is the shortest possible for the same
//! sequence: the single-trip departure is pushed as late as it can go without making any stop
//! later than it would otherwise be (waiting removed), as PyVRP and HGS count it.

use std::fmt;

use crate::ids::{BreakId, JobId, SiteId, VehicleTypeId};
use crate::job::{Assignment, Job, JobKind, Stop};
use crate::problem::Problem;
use crate::solution::{Solution, StopTime, Visit};
use crate::units::{Distance, Duration, Load, Money};
use crate::vehicle::BreakWhen;

/// One way a solution breaks the problem's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// A required job is on no route.
    Unserved {
        /// The job.
        job: JobId,
    },
    /// A job (or one stop of a shipment) is visited more than once.
    Duplicated {
        /// The job.
        job: JobId,
        /// How many times its stop occurs.
        times: usize,
    },
    /// A visit names a job that does not exist, or uses the wrong kind of visit for it.
    BadVisit {
        /// Route index.
        route: usize,
        /// Position in the route.
        position: usize,
        /// What is wrong.
        reason: String,
    },
    /// The vehicle type of a route does not exist.
    UnknownVehicleType {
        /// Route index.
        route: usize,
        /// The id given.
        vehicle_type: VehicleTypeId,
    },
    /// More routes of a type than vehicles of it.
    TooManyVehicles {
        /// The type.
        vehicle_type: VehicleTypeId,
        /// Non-empty routes using it.
        used: usize,
        /// Vehicles available.
        available: u32,
    },
    /// The load on board exceeds the capacity in some dimension.
    Capacity {
        /// Route index.
        route: usize,
        /// Position in the route (0 = leaving the start site, k = after visit k).
        position: usize,
        /// Load dimension.
        dim: usize,
        /// Load on board.
        load: i64,
        /// Capacity.
        capacity: i64,
    },
    /// Service starts after the stop's last window closes.
    TimeWindow {
        /// Route index.
        route: usize,
        /// The job.
        job: JobId,
        /// Arrival (service start if not late).
        arrival: Duration,
        /// How late.
        late_by: Duration,
    },
    /// The vehicle returns after its shift ends (or leaves before it opens).
    Shift {
        /// Route index.
        route: usize,
        /// Return (or departure) time.
        time: Duration,
        /// By how much the shift is exceeded.
        excess: Duration,
    },
    /// The route lasts longer than the vehicle type allows.
    MaxDuration {
        /// Route index.
        route: usize,
        /// Route duration.
        duration: Duration,
        /// Limit.
        limit: Duration,
    },
    /// The route is longer than the vehicle type allows.
    MaxDistance {
        /// Route index.
        route: usize,
        /// Route distance.
        distance: Distance,
        /// Limit.
        limit: Distance,
    },
    /// A shipment's pickup and delivery are not both on one route with the pickup first.
    Shipment {
        /// The job.
        job: JobId,
        /// What is wrong.
        reason: &'static str,
    },
    /// A shipment stays on board longer than its maximum ride time.
    MaxRide {
        /// The job.
        job: JobId,
        /// Ride time.
        ride: Duration,
        /// Limit.
        limit: Duration,
    },
    /// A linehaul (pure delivery) follows a backhaul (pure pickup) on one trip.
    BackhaulBeforeLinehaul {
        /// Route index.
        route: usize,
        /// The linehaul that comes too late.
        job: JobId,
    },
    /// A trip leaves before the release time of one of its jobs.
    Release {
        /// Route index.
        route: usize,
        /// The job.
        job: JobId,
        /// The trip's departure.
        departure: Duration,
        /// The job's release time.
        release: Duration,
    },
    /// A reload at a site the vehicle type may not reload at, or too many reloads.
    Reload {
        /// Route index.
        route: usize,
        /// What is wrong.
        reason: String,
    },
    /// The vehicle lacks a skill the job needs.
    Skills {
        /// Route index.
        route: usize,
        /// The job.
        job: JobId,
    },
    /// A driver break rule is broken: a break starts after its window, a due break is missing,
    /// or the driver drives too long without one.
    Break {
        /// Route index.
        route: usize,
        /// The rule of the route's vehicle type.
        rule: BreakId,
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Unserved { job } => write!(f, "unserved: {job} is on no route"),
            Violation::Duplicated { job, times } => write!(f, "duplicated: {job} is visited {times} times"),
            Violation::BadVisit { route, position, reason } => {
                write!(f, "bad visit: route {route} position {position}: {reason}")
            }
            Violation::UnknownVehicleType { route, vehicle_type } => {
                write!(f, "unknown vehicle type: route {route} uses {vehicle_type}")
            }
            Violation::TooManyVehicles { vehicle_type, used, available } => {
                write!(f, "fleet: {used} routes use {vehicle_type}, which has {available} vehicles")
            }
            Violation::Capacity { route, position, dim, load, capacity } => write!(
                f,
                "capacity: route {route} position {position}: load {load} exceeds capacity {capacity} in dimension {dim}"
            ),
            Violation::TimeWindow { route, job, arrival, late_by } => {
                write!(f, "time window: route {route}: {job} reached at {arrival}, {late_by} after its window closed")
            }
            Violation::Shift { route, time, excess } => {
                write!(f, "shift: route {route}: at {time}, {excess} outside the vehicle's shift")
            }
            Violation::MaxDuration { route, duration, limit } => {
                write!(f, "max duration: route {route} lasts {duration}, limit {limit}")
            }
            Violation::MaxDistance { route, distance, limit } => {
                write!(f, "max distance: route {route} covers {distance}, limit {limit}")
            }
            Violation::Shipment { job, reason } => write!(f, "shipment: {job}: {reason}"),
            Violation::MaxRide { job, ride, limit } => write!(f, "max ride: {job} rides {ride}, limit {limit}"),
            Violation::BackhaulBeforeLinehaul { route, job } => {
                write!(f, "backhaul before linehaul: route {route}: linehaul {job} follows a backhaul")
            }
            Violation::Release { route, job, departure, release } => {
                write!(f, "release: route {route}: trip leaves at {departure} before {job} is released at {release}")
            }
            Violation::Reload { route, reason } => write!(f, "reload: route {route}: {reason}"),
            Violation::Skills { route, job } => write!(f, "skills: route {route}: vehicle lacks a skill {job} needs"),
            Violation::Break { route, rule, reason } => write!(f, "break: route {route}: {rule}: {reason}"),
        }
    }
}

/// What the checker found about one route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteReport {
    /// The vehicle type.
    pub vehicle_type: VehicleTypeId,
    /// Total distance.
    pub distance: Distance,
    /// Shortest duration from departure to return (or to the last stop for open routes).
    pub duration: Duration,
    /// Waiting time in the reported (earliest-departure) schedule.
    pub wait: Duration,
    /// Lateness summed over stops (zero when feasible).
    pub time_warp: Duration,
    /// Number of reloads.
    pub reloads: usize,
    /// Cost: fixed + distance + duration cost.
    pub cost: Money,
    /// Start, each visit, end, with times and the load on board leaving each.
    pub timetable: Vec<StopTime>,
}

/// The checker's full answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckReport {
    /// One report per route of the solution, in order (empty routes included, at zero cost).
    pub routes: Vec<RouteReport>,
    /// Every violation found; empty means feasible.
    pub violations: Vec<Violation>,
    /// Sum of route costs.
    pub route_cost: Money,
    /// Penalties of optional jobs left out.
    pub penalties: Money,
    /// Total distance.
    pub distance: Distance,
}

impl CheckReport {
    /// Whether no rule is broken.
    #[must_use]
    pub fn is_feasible(&self) -> bool {
        self.violations.is_empty()
    }
    /// Route costs plus penalties.
    #[must_use]
    pub fn cost(&self) -> Money {
        self.route_cost + self.penalties
    }
}

fn stop_of(job: &Job, visit: Visit) -> Option<&Stop> {
    match (&job.kind, visit) {
        (JobKind::Service { stop, .. }, Visit::Service(_)) => Some(stop),
        (JobKind::Shipment { pickup, .. }, Visit::Pickup(_)) => Some(pickup),
        (JobKind::Shipment { delivery, .. }, Visit::Delivery(_)) => Some(delivery),
        _ => None,
    }
}

/// Start of service for an arrival at `t`: the first window that has not closed; `None` if all
/// have closed (then service starts on arrival and the lateness is counted against the last).
fn service_start(stop: &Stop, t: Duration) -> (Duration, Duration) {
    if stop.windows.is_empty() {
        return (t, Duration::ZERO);
    }
    for w in &stop.windows {
        if t <= w.close {
            return (t.max(w.open), Duration::ZERO);
        }
    }
    let last = stop.windows[stop.windows.len() - 1];
    (t, t - last.close)
}

/// Checks `solution` against `problem` and reports costs, schedules and every violation.
///
/// # Arguments
/// `problem`: a validated problem. `solution`: routes of visits (ids need not be valid: bad
/// ids are reported as violations, never a panic).
///
/// # Returns
/// A [`CheckReport`]; `is_feasible()` tells whether there is no violation.
///
/// # Complexity
/// O(total visits · (windows + dimensions) + jobs) time, O(jobs + visits) space.
#[must_use]
pub fn check_solution(problem: &Problem, solution: &Solution) -> CheckReport {
    let jobs = problem.jobs();
    let travel = problem.travel();
    let dims = problem.dimensions().len();
    let mut report = CheckReport::default();
    // Where each job's stops are: (route, position) of service/pickup and of delivery.
    let mut seen_first: Vec<Vec<(usize, usize)>> = vec![Vec::new(); jobs.len()];
    let mut seen_second: Vec<Vec<(usize, usize)>> = vec![Vec::new(); jobs.len()];
    let mut used = vec![0usize; problem.vehicle_types().len()];
    let mut departures: Vec<Vec<Duration>> = Vec::new(); // per route, departure time of each visit

    for (r, route) in solution.routes.iter().enumerate() {
        let mut deps = Vec::with_capacity(route.visits.len());
        let Some(vt) = problem.vehicle_types().get(route.vehicle_type.index()) else {
            report.violations.push(Violation::UnknownVehicleType { route: r, vehicle_type: route.vehicle_type });
            departures.push(deps);
            continue;
        };
        if !route.visits.is_empty() {
            used[route.vehicle_type.index()] += 1;
        }
        // Validate visits first; invalid ones are reported and skipped in the schedule.
        let mut valid: Vec<(usize, Visit, SiteId, Option<&Stop>)> = Vec::with_capacity(route.visits.len());
        for (pos, &visit) in route.visits.iter().enumerate() {
            match visit {
                Visit::Reload(site) => {
                    if site.index() >= problem.sites().len() {
                        report.violations.push(Violation::BadVisit {
                            route: r,
                            position: pos,
                            reason: format!("reload at unknown {site}"),
                        });
                    } else {
                        if !vt.reload_sites.contains(&site) {
                            report.violations.push(Violation::Reload {
                                route: r,
                                reason: format!("vehicle type '{}' may not reload at {site}", vt.name),
                            });
                        }
                        valid.push((pos, visit, site, None));
                    }
                }
                Visit::Break(b) => {
                    if b.index() >= vt.breaks.len() {
                        report.violations.push(Violation::BadVisit {
                            route: r,
                            position: pos,
                            reason: format!("vehicle type '{}' has no {b}", vt.name),
                        });
                    } else {
                        // Taken where the vehicle is: the site is set when scheduling.
                        valid.push((pos, visit, vt.start, None));
                    }
                }
                Visit::Service(j) | Visit::Pickup(j) | Visit::Delivery(j) => {
                    let Some(job) = jobs.get(j.index()) else {
                        report.violations.push(Violation::BadVisit {
                            route: r,
                            position: pos,
                            reason: format!("{j} does not exist"),
                        });
                        continue;
                    };
                    let Some(stop) = stop_of(job, visit) else {
                        report.violations.push(Violation::BadVisit {
                            route: r,
                            position: pos,
                            reason: format!("{visit:?} does not match the kind of job '{}'", job.name),
                        });
                        continue;
                    };
                    if matches!(visit, Visit::Delivery(_)) {
                        seen_second[j.index()].push((r, pos));
                    } else {
                        seen_first[j.index()].push((r, pos));
                    }
                    if !job.skills.iter().all(|s| vt.skills.contains(s)) {
                        report.violations.push(Violation::Skills { route: r, job: j });
                    }
                    valid.push((pos, visit, stop.site, Some(stop)));
                }
            }
        }
        let reloads = valid.iter().filter(|v| matches!(v.1, Visit::Reload(_))).count();
        if let Some(max) = vt.max_reloads {
            if reloads > max as usize {
                report
                    .violations
                    .push(Violation::Reload { route: r, reason: format!("{reloads} reloads, at most {max} allowed") });
            }
        }

        // Trips: split at reloads. Load leaving each trip's start = that trip's deliveries.
        let trip_bounds: Vec<(usize, usize)> = {
            let mut b = Vec::new();
            let mut s = 0;
            for (k, v) in valid.iter().enumerate() {
                if matches!(v.1, Visit::Reload(_)) {
                    b.push((s, k));
                    s = k + 1;
                }
            }
            b.push((s, valid.len()));
            b
        };
        let job_of = |v: &Visit| v.job().and_then(|j| jobs.get(j.index()).map(|job| (j, job)));
        let trip_release = |(a, b): (usize, usize)| {
            valid[a..b].iter().filter_map(|v| job_of(&v.1)).map(|(_, job)| job.release).max().unwrap_or(Duration::ZERO)
        };
        let trip_delivery = |(a, b): (usize, usize)| {
            let mut load = Load::zero(dims);
            for v in &valid[a..b] {
                if let (Visit::Service(_), Some((_, job))) = (v.1, job_of(&v.1)) {
                    if let JobKind::Service { delivery, .. } = &job.kind {
                        load.add_assign(delivery);
                    }
                }
            }
            load
        };

        let mut timetable = Vec::with_capacity(valid.len() + 2);
        let mut distance = Distance::ZERO;
        let mut time_warp = Duration::ZERO;
        let mut wait_total = Duration::ZERO;
        let first_release = trip_release(trip_bounds[0]);
        let mut t = match route.departure {
            Some(d) => {
                if let Some(&(_, Visit::Service(j) | Visit::Pickup(j) | Visit::Delivery(j), _, _)) = valid
                    [trip_bounds[0].0..trip_bounds[0].1]
                    .iter()
                    .find(|v| job_of(&v.1).is_some_and(|(_, job)| job.release > d))
                {
                    report.violations.push(Violation::Release {
                        route: r,
                        job: j,
                        departure: d,
                        release: first_release,
                    });
                }
                d
            }
            None => vt.shift.open.max(first_release),
        };
        if t < vt.shift.open {
            report.violations.push(Violation::Shift { route: r, time: t, excess: vt.shift.open - t });
        }
        let departure = t;
        let mut load = trip_delivery(trip_bounds[0]);
        let check_load = |load: &Load, position: usize, out: &mut Vec<Violation>| {
            for (dim, amount, capacity) in load.excess_over(&vt.capacity) {
                out.push(Violation::Capacity { route: r, position, dim, load: amount, capacity });
            }
        };
        check_load(&load, 0, &mut report.violations);
        timetable.push(StopTime {
            visit: None,
            site: vt.start,
            arrival: t,
            wait: Duration::ZERO,
            start: t,
            departure: t,
            load_after: load.clone(),
        });
        let mut prev = vt.start.index();
        let mut trip = 0;
        let mut seen_backhaul = false;
        // Driving since the last break long enough, per rule (window rules: unused).
        let mut driving = vec![Duration::ZERO; vt.breaks.len()];
        let mut drove_too_long = vec![false; vt.breaks.len()];
        let mut drive = |leg: Duration, driving: &mut [Duration], out: &mut Vec<Violation>| {
            for (k, rule) in vt.breaks.iter().enumerate() {
                if let BreakWhen::AfterDriving(limit) = rule.when {
                    driving[k] += leg;
                    if driving[k] > limit && !drove_too_long[k] {
                        drove_too_long[k] = true;
                        out.push(Violation::Break {
                            route: r,
                            rule: BreakId::from_index(k),
                            reason: format!("drives {} without a break, limit {limit}", driving[k]),
                        });
                    }
                }
            }
        };
        let mut taken = vec![false; vt.breaks.len()];
        for &(pos, visit, site, stop) in &valid {
            let site = if matches!(visit, Visit::Break(_)) { SiteId::from_index(prev) } else { site };
            distance += travel.distance(prev, site.index());
            let arrival = t + travel.duration(prev, site.index());
            drive(travel.duration(prev, site.index()), &mut driving, &mut report.violations);
            let (start, late, service) = match (stop, visit) {
                (Some(stop), _) => {
                    let (start, late) = service_start(stop, arrival);
                    (start, late, stop.service)
                }
                (None, Visit::Break(b)) => {
                    let rule = vt.breaks[b.index()];
                    taken[b.index()] = true;
                    for (k, other) in vt.breaks.iter().enumerate() {
                        if rule.duration >= other.duration {
                            driving[k] = Duration::ZERO;
                        }
                    }
                    match rule.when {
                        BreakWhen::Window(w) if arrival > w.close => {
                            report.violations.push(Violation::Break {
                                route: r,
                                rule: b,
                                reason: format!("starts at {arrival}, after its window closed at {}", w.close),
                            });
                            (arrival, arrival - w.close, rule.duration)
                        }
                        BreakWhen::Window(w) => (arrival.max(w.open), Duration::ZERO, rule.duration),
                        BreakWhen::AfterDriving(_) => (arrival, Duration::ZERO, rule.duration),
                    }
                }
                (None, _) => (arrival, Duration::ZERO, vt.reload_time),
            };
            wait_total += start - arrival;
            if late > Duration::ZERO {
                time_warp += late;
                if let Some(j) = visit.job() {
                    report.violations.push(Violation::TimeWindow { route: r, job: j, arrival, late_by: late });
                }
            }
            t = start + service;
            match visit {
                Visit::Break(_) => {}
                Visit::Reload(_) => {
                    trip += 1;
                    seen_backhaul = false;
                    let bounds = trip_bounds[trip];
                    let release = trip_release(bounds);
                    t = t.max(release);
                    load = trip_delivery(bounds);
                }
                Visit::Service(j) => {
                    if let Some(job) = jobs.get(j.index()) {
                        if let JobKind::Service { delivery, pickup, .. } = &job.kind {
                            load.sub_assign(delivery);
                            load.add_assign(pickup);
                        }
                        if problem.linehauls_before_backhauls() {
                            if job.is_backhaul() {
                                seen_backhaul = true;
                            } else if seen_backhaul && job.is_linehaul() {
                                report.violations.push(Violation::BackhaulBeforeLinehaul { route: r, job: j });
                            }
                        }
                    }
                }
                Visit::Pickup(j) | Visit::Delivery(j) => {
                    if let Some(JobKind::Shipment { load: l, .. }) = jobs.get(j.index()).map(|job| &job.kind) {
                        if matches!(visit, Visit::Pickup(_)) {
                            load.add_assign(l);
                        } else {
                            load.sub_assign(l);
                        }
                    }
                }
            }
            check_load(&load, pos + 1, &mut report.violations);
            deps.resize(pos + 1, Duration::ZERO);
            deps[pos] = t;
            timetable.push(StopTime {
                visit: Some(visit),
                site,
                arrival,
                wait: start - arrival,
                start,
                departure: t,
                load_after: load.clone(),
            });
            prev = site.index();
        }
        let end_time = match vt.end {
            Some(end) => {
                distance += travel.distance(prev, end.index());
                let arrival = t + travel.duration(prev, end.index());
                drive(travel.duration(prev, end.index()), &mut driving, &mut report.violations);
                timetable.push(StopTime {
                    visit: None,
                    site: end,
                    arrival,
                    wait: Duration::ZERO,
                    start: arrival,
                    departure: arrival,
                    load_after: load.clone(),
                });
                arrival
            }
            None => t,
        };
        // A window break is due on a route out at some time inside its window: it leaves no
        // later than the window closes and is back after it opens.
        let working = valid.iter().any(|v| v.1.job().is_some());
        for (k, rule) in vt.breaks.iter().enumerate() {
            if let BreakWhen::Window(w) = rule.when {
                if working && !taken[k] && departure <= w.close && end_time > w.open {
                    report.violations.push(Violation::Break {
                        route: r,
                        rule: BreakId::from_index(k),
                        reason: format!(
                            "out until {end_time}, after the window opens at {}, without the break",
                            w.open
                        ),
                    });
                }
            }
        }
        if end_time > vt.shift.close {
            time_warp += end_time - vt.shift.close;
            report.violations.push(Violation::Shift { route: r, time: end_time, excess: end_time - vt.shift.close });
        }
        // Shortest duration: with one trip and no fixed departure, leave as late as possible
        // without delaying any service start: the slack is the smallest cumulative wait ahead.
        let mut duration = end_time - departure;
        if reloads == 0 && route.departure.is_none() && time_warp == Duration::ZERO {
            let mut slack = Duration::MAX;
            let mut waited = Duration::ZERO;
            for st in &timetable[1..] {
                if let Some(visit) = st.visit {
                    // How far this start could move later without lateness: to its window's close
                    // (a break's window for a break).
                    let close = if let Visit::Break(b) = visit {
                        match vt.breaks[b.index()].when {
                            BreakWhen::Window(w) => w.close,
                            BreakWhen::AfterDriving(_) => Duration::MAX,
                        }
                    } else {
                        let stop = visit.job().and_then(|j| jobs.get(j.index())).and_then(|job| stop_of(job, visit));
                        stop.and_then(|s| s.windows.iter().find(|w| w.open <= st.start && st.start <= w.close))
                            .map_or(Duration::MAX, |w| w.close)
                    };
                    // Delaying departure by x delays this start by max(0, x - waits so far).
                    waited += st.wait;
                    let room = if close == Duration::MAX { Duration::MAX } else { close - st.start };
                    slack = slack.min(waited.saturating_add(room));
                }
            }
            // Delaying by at most the total wait never delays the return.
            duration -= slack.min(waited).max(Duration::ZERO);
        }
        if let Some(limit) = vt.max_duration {
            if duration > limit {
                report.violations.push(Violation::MaxDuration { route: r, duration, limit });
            }
        }
        if let Some(limit) = vt.max_distance {
            if distance > limit {
                report.violations.push(Violation::MaxDistance { route: r, distance, limit });
            }
        }
        let cost = if route.visits.is_empty() {
            Money::ZERO
        } else {
            vt.fixed_cost + Money(vt.unit_distance_cost * distance.0 + vt.unit_duration_cost * duration.0)
        };
        report.route_cost += cost;
        report.distance += distance;
        report.routes.push(RouteReport {
            vehicle_type: route.vehicle_type,
            distance,
            duration,
            wait: wait_total,
            time_warp,
            reloads,
            cost,
            timetable,
        });
        departures.push(deps);
    }

    for (t, (&n, vt)) in used.iter().zip(problem.vehicle_types()).enumerate() {
        if n > vt.count as usize {
            report.violations.push(Violation::TooManyVehicles {
                vehicle_type: VehicleTypeId::from_index(t),
                used: n,
                available: vt.count,
            });
        }
    }

    for (j, job) in jobs.iter().enumerate() {
        let id = JobId::from_index(j);
        let firsts = &seen_first[j];
        let seconds = &seen_second[j];
        for list in [firsts, seconds] {
            if list.len() > 1 {
                report.violations.push(Violation::Duplicated { job: id, times: list.len() });
            }
        }
        let served = !firsts.is_empty() || !seconds.is_empty();
        if !served {
            match job.assignment {
                Assignment::Required => report.violations.push(Violation::Unserved { job: id }),
                Assignment::Optional { penalty } => report.penalties += penalty,
            }
            continue;
        }
        if let JobKind::Shipment { max_ride, .. } = &job.kind {
            match (firsts.first(), seconds.first()) {
                (Some(&(rp, pp)), Some(&(rd, pd))) => {
                    if rp != rd {
                        report
                            .violations
                            .push(Violation::Shipment { job: id, reason: "pickup and delivery on different routes" });
                    } else if pp > pd {
                        report.violations.push(Violation::Shipment { job: id, reason: "delivery before pickup" });
                    } else if let Some(limit) = max_ride {
                        let left = departures[rp].get(pp).copied().unwrap_or_default();
                        // Arrival at the delivery: its timetable row is position pd + 1.
                        let arrived = report.routes.get(rp).and_then(|rr| {
                            rr.timetable.iter().find(|st| st.visit == Some(Visit::Delivery(id))).map(|st| st.arrival)
                        });
                        if let Some(arrived) = arrived {
                            if arrived - left > *limit {
                                report.violations.push(Violation::MaxRide {
                                    job: id,
                                    ride: arrived - left,
                                    limit: *limit,
                                });
                            }
                        }
                    }
                }
                (None, _) => {
                    report.violations.push(Violation::Shipment { job: id, reason: "delivered but never picked up" })
                }
                (_, None) => {
                    report.violations.push(Violation::Shipment { job: id, reason: "picked up but never delivered" })
                }
            }
        }
    }
    report
}
