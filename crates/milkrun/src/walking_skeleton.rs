//! The walking skeleton's router: the Clarke & Wright savings **construction heuristic**, standing
//! in until the routing engine lands. It builds a reasonable, feasible plan in one greedy pass;
//! it does not search, so it is not an optimiser and makes no claim about the gap to the best
//! plan.
//!
//! The whole algorithm is in this file: [`ClarkeWrightSavings::solve`] compiles the problem into
//! flat per-job data, merges single-job trips by decreasing savings, then chains the trips onto
//! vehicles (several loops per vehicle when the vehicle type may reload).

use std::fmt;

use milkrun_model::{
    Distance, Duration, JobId, JobKind, Load, Problem, Route, SiteId, SkillId, Solution, StopTime, VehicleType,
    VehicleTypeId, Visit,
};

/// A rule a trip or a chain of trips would break; the reason a job could not be served alone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Breach {
    /// The load on board would exceed the vehicle's capacity in dimension `dim`.
    Capacity {
        /// The load dimension.
        dim: usize,
    },
    /// The vehicle would arrive after the stop's last window closes.
    TimeWindow {
        /// The job.
        job: JobId,
        /// Earliest possible arrival.
        arrival: Duration,
    },
    /// The stop's own windows and its site's opening hours never overlap.
    NoCommonWindow {
        /// The job.
        job: JobId,
    },
    /// The vehicle would reach a reload or end site while it is closed (a plant's dock windows).
    SiteClosed {
        /// The site.
        site: SiteId,
        /// Arrival at it.
        arrival: Duration,
    },
    /// The vehicle would return after its shift ends.
    Shift {
        /// Return time.
        end: Duration,
    },
    /// The route would last longer than the vehicle type allows.
    MaxDuration {
        /// Route duration.
        duration: Duration,
    },
    /// The route would be longer than the vehicle type allows.
    MaxDistance {
        /// Route distance.
        distance: Distance,
    },
    /// The driver would wait longer than the configured maximum between two stops of a loop.
    MaxWait {
        /// The job waited for.
        job: JobId,
        /// The wait.
        wait: Duration,
    },
    /// The vehicle lacks a skill a job needs.
    Skills {
        /// The job.
        job: JobId,
    },
    /// The vehicle type may not reload, or not that often.
    Reloads,
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Breach::Capacity { dim } => write!(f, "exceeds capacity in load dimension {dim}"),
            Breach::TimeWindow { job, arrival } => {
                write!(f, "{job} reached at {} at the earliest, after its last window closes", arrival.hhmm())
            }
            Breach::NoCommonWindow { job } => {
                write!(f, "{job}: its windows and its site's opening hours never overlap")
            }
            Breach::SiteClosed { site, arrival } => {
                write!(f, "reaches {site} at {} while it is closed", arrival.hhmm())
            }
            Breach::Shift { end } => write!(f, "returns at {}, after the shift ends", end.hhmm()),
            Breach::MaxDuration { duration } => write!(f, "lasts {} s, longer than the vehicle allows", duration.get()),
            Breach::MaxDistance { distance } => write!(f, "covers {distance}, longer than the vehicle allows"),
            Breach::MaxWait { job, wait } => write!(f, "waits {} min before {job}", wait.get() / 60),
            Breach::Skills { job } => write!(f, "lacks a skill {job} needs"),
            Breach::Reloads => write!(f, "may not reload (that often)"),
        }
    }
}

/// Why the heuristic left a job out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnassignedReason {
    /// The job is a paired shipment; this heuristic serves single-stop jobs only.
    UnsupportedKind,
    /// No vehicle type can serve the job even on a trip of its own: the rule each type breaks.
    Infeasible(Vec<(VehicleTypeId, Breach)>),
    /// The job could be served alone, but every vehicle able to take its trip is used up or busy.
    NoVehicleLeft,
}

impl fmt::Display for UnassignedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnassignedReason::UnsupportedKind => write!(f, "shipments are not supported by the savings heuristic"),
            UnassignedReason::Infeasible(breaches) => {
                write!(f, "no vehicle can serve it alone:")?;
                for (i, (vt, breach)) in breaches.iter().enumerate() {
                    write!(f, "{} {vt} {breach}", if i == 0 { "" } else { ";" })?;
                }
                Ok(())
            }
            UnassignedReason::NoVehicleLeft => write!(f, "every vehicle that could take it is used up or busy"),
        }
    }
}

/// A job the heuristic left out, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unassigned {
    /// The job.
    pub job: JobId,
    /// Why.
    pub reason: UnassignedReason,
}

/// The timetable of one route of a [`Construction`], as the heuristic scheduled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSchedule {
    /// Start, each visit (reloads included), end, with arrival, wait, start, departure and the
    /// load on board leaving each.
    pub timetable: Vec<StopTime>,
    /// Total distance.
    pub distance: Distance,
    /// Departure to return (or to the last stop for open routes).
    pub duration: Duration,
}

/// What [`ClarkeWrightSavings::solve`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Construction {
    /// One route per vehicle used, loops separated by [`Visit::Reload`], with a fixed departure.
    /// `solution.unassigned` lists the jobs of `unassigned`.
    pub solution: Solution,
    /// One schedule per route of `solution`, in the same order.
    pub schedules: Vec<RouteSchedule>,
    /// Jobs left out, with the reason.
    pub unassigned: Vec<Unassigned>,
}

/// The Clarke & Wright (1964) parallel savings heuristic, extended with multi-dimensional
/// capacity, time windows, shifts, route limits, a heterogeneous limited fleet and multi-trip.
///
/// This is a **construction heuristic**, the walking skeleton's stand-in for the routing engine:
/// one greedy pass, no local search, no optimality claim.
///
/// # Algorithm
/// 1. Every single-stop job starts on a trip of its own; a job that no vehicle type can serve
///    alone is reported with the rule each type breaks.
/// 2. For every ordered pair `(i, j)` the saving `s(i,j) = d(i, end) + d(start, j) - d(i, j)` is
///    computed against the first vehicle type's start and end sites; pairs are taken by
///    decreasing saving (ties by job index), and the trip ending in `i` is joined to the trip
///    starting with `j` when some vehicle type can drive the joined trip: capacity in every
///    dimension at every point (deliveries on board from the start, pickups added), time windows
///    (the first window not yet closed; waiting if early, at most [`Self::max_wait`] after the
///    vehicle's first stop), release times, skills, shift, maximum duration and distance, and the opening
///    hours of the site the trip returns to (a plant's dock windows).
/// 3. Trips are taken by earliest service start and chained onto vehicles: appended after the
///    last loop of a vehicle already in use (reloading at its reload site) when the whole chain
///    stays feasible, choosing the vehicle that idles least; else a new vehicle of the cheapest
///    type that fits. A trip no vehicle can take is split into single-job trips; jobs still left
///    are reported as [`UnassignedReason::NoVehicleLeft`].
///
/// Schedules follow the model checker's semantics (leave, drive, wait for the window, serve,
/// reload for the reload time), with the departure fixed at the latest time that does not delay
/// the first service.
///
/// # Complexity
/// With `n` jobs, `t` vehicle types and `v` vehicles: O(n² log n) to sort the savings, O(n² · t ·
/// n) for the merge checks, O(n · v · n) to chain; O(n²) space for the savings list.
///
/// # Example
/// ```
/// use milkrun::model::{Coordinates, Job, Load, ProblemData, Rounding, Site, SiteId, SiteKind, Speed, Stop};
/// use milkrun::model::{TravelMatrix, VehicleType};
/// use milkrun::ClarkeWrightSavings;
///
/// let sites = vec![
///     Site::new("plant", SiteKind::Plant, Coordinates::Planar { x: 0.0, y: 0.0 }),
///     Site::new("A", SiteKind::Supplier, Coordinates::Planar { x: 10.0, y: 0.0 }),
///     Site::new("B", SiteKind::Supplier, Coordinates::Planar { x: 10.0, y: 1.0 }),
/// ];
/// let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
/// let problem = ProblemData {
///     dimensions: vec!["pallets".into()],
///     travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance)?,
///     sites,
///     jobs: vec![
///         Job::pickup("A", Stop::at(SiteId(1)), Load::single(4)),
///         Job::pickup("B", Stop::at(SiteId(2)), Load::single(5)),
///     ],
///     vehicle_types: vec![VehicleType::new("truck", 2, Load::single(10), SiteId(0))],
///     ..ProblemData::default()
/// }
/// .validate()?;
/// let built = ClarkeWrightSavings::new().solve(&problem);
/// assert_eq!(built.solution.routes.len(), 1); // both pickups fit one loop
/// assert!(built.unassigned.is_empty());
/// # Ok::<(), milkrun::Error>(())
/// ```
///
/// # Reference
/// G. Clarke and J. W. Wright, Scheduling of vehicles from a central depot to a number of
/// delivery points, Operations Research 12(4):568-581, 1964.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClarkeWrightSavings {
    max_wait: Duration,
}

impl Default for ClarkeWrightSavings {
    fn default() -> Self {
        Self::new()
    }
}

/// One single-stop job, compiled.
#[derive(Debug, Clone)]
struct FlatJob {
    site: usize,
    service: i64,
    /// Effective windows (the stop's intersected with its site's), `(open, close)`; empty means
    /// always open.
    windows: Vec<(i64, i64)>,
    delivery: Vec<i64>,
    pickup: Vec<i64>,
    release: i64,
    skills: Vec<SkillId>,
}

/// A chain of trips scheduled for one vehicle type.
#[derive(Debug, Clone)]
struct Sim {
    departure: i64,
    end: i64,
    distance: i64,
    rows: Vec<StopTime>,
}

/// A failed simulation: the rule broken, and how much later the departure would have to be for
/// the failing arrival to meet the next opening (when that might help).
struct Fail {
    breach: Breach,
    retry_after: Option<i64>,
}

impl From<Breach> for Fail {
    fn from(breach: Breach) -> Self {
        Fail { breach, retry_after: None }
    }
}

/// A vehicle in use: its type, its loops, and their schedule.
struct Vehicle {
    vt: usize,
    trips: Vec<Vec<usize>>,
    sim: Sim,
}

/// The problem compiled for the heuristic: flat jobs (`None` for shipments) and the problem.
struct Flat<'p> {
    problem: &'p Problem,
    jobs: Vec<Option<FlatJob>>,
    dims: usize,
    max_wait: i64,
}

/// Intersection of two sorted, non-overlapping window lists; an empty list means always open.
fn intersect(a: &[(i64, i64)], b: &[(i64, i64)]) -> Vec<(i64, i64)> {
    if a.is_empty() {
        return b.to_vec();
    }
    if b.is_empty() {
        return a.to_vec();
    }
    let mut out = Vec::new();
    for &(ao, ac) in a {
        for &(bo, bc) in b {
            let (o, c) = (ao.max(bo), ac.min(bc));
            if o <= c {
                out.push((o, c));
            }
        }
    }
    out.sort_unstable();
    out
}

/// The site a vehicle type reloads at between loops: its end site if allowed, else its first
/// reload site; `None` when it cannot reload.
fn reload_site(vt: &VehicleType) -> Option<usize> {
    match vt.end {
        Some(end) if vt.reload_sites.contains(&end) => Some(end.index()),
        _ => vt.reload_sites.first().map(|s| s.index()),
    }
}

/// `Some(delay)` to the next opening of `site` after `t`, `None` if open at `t` (or never again).
fn closed_until(problem: &Problem, site: usize, t: i64) -> Result<(), Option<i64>> {
    let windows = &problem.sites()[site].windows;
    if windows.is_empty() || windows.iter().any(|w| w.open.get() <= t && t <= w.close.get()) {
        return Ok(());
    }
    Err(windows.iter().find(|w| w.open.get() > t).map(|w| w.open.get() - t))
}

impl<'p> Flat<'p> {
    fn new(problem: &'p Problem, max_wait: i64) -> Self {
        let to_pairs = |ws: &[milkrun_model::TimeWindow]| ws.iter().map(|w| (w.open.get(), w.close.get())).collect();
        let jobs = problem
            .jobs()
            .iter()
            .map(|job| match &job.kind {
                JobKind::Service { stop, delivery, pickup } => {
                    let own: Vec<(i64, i64)> = to_pairs(&stop.windows);
                    let site: Vec<(i64, i64)> = to_pairs(&problem.site(stop.site).windows);
                    Some(FlatJob {
                        site: stop.site.index(),
                        service: stop.service.get(),
                        windows: intersect(&own, &site),
                        delivery: delivery.amounts().to_vec(),
                        pickup: pickup.amounts().to_vec(),
                        release: job.release.get(),
                        skills: job.skills.clone(),
                    })
                }
                JobKind::Shipment { .. } => None,
            })
            .collect();
        Flat { problem, jobs, dims: problem.dimensions().len(), max_wait }
    }

    fn job(&self, j: usize) -> &FlatJob {
        // Only indices of compiled service jobs ever reach trips.
        match &self.jobs[j] {
            Some(job) => job,
            None => unreachable!("shipments are filtered out before routing"),
        }
    }

    fn has_no_common_window(&self, j: usize) -> bool {
        let problem = self.problem;
        let job = self.job(j);
        job.windows.is_empty()
            && !problem.site(SiteId::from_index(job.site)).windows.is_empty()
            && problem.jobs()[j].stops().iter().any(|s| !s.windows.is_empty())
    }

    /// Schedules `trips` on one vehicle of type `vt`, leaving as early as useful (delayed while
    /// that helps to meet a closed reload or end site), then as late as does not delay the first
    /// service.
    fn simulate(&self, vt: usize, trips: &[Vec<usize>]) -> Result<Sim, Breach> {
        let v = &self.problem.vehicle_types()[vt];
        let first_release = trips.first().map_or(0, |t| t.iter().map(|&j| self.job(j).release).max().unwrap_or(0));
        let mut departure = v.shift.open.get().max(first_release);
        // Each retry moves the departure to an opening that was missed; a few suffice in practice.
        for _ in 0..8 {
            match self.run(v, trips, departure) {
                Ok(sim) => return Ok(sim),
                Err(Fail { retry_after: Some(delay), .. }) if delay > 0 => departure += delay,
                Err(fail) => return Err(fail.breach),
            }
        }
        self.run(v, trips, departure).map_err(|f| f.breach)
    }

    fn check_capacity(load: &[i64], capacity: &Load) -> Result<(), Breach> {
        match load.iter().zip(capacity.amounts()).position(|(a, c)| a > c) {
            Some(dim) => Err(Breach::Capacity { dim }),
            None => Ok(()),
        }
    }

    fn row(&self, visit: Option<Visit>, site: usize, times: (i64, i64, i64), load: &[i64]) -> StopTime {
        let (arrival, start, departure) = times;
        StopTime {
            visit,
            site: SiteId::from_index(site),
            arrival: Duration(arrival),
            wait: Duration(start - arrival),
            start: Duration(start),
            departure: Duration(departure),
            load_after: Load::new(load.to_vec()),
        }
    }

    fn run(&self, v: &VehicleType, trips: &[Vec<usize>], departure: i64) -> Result<Sim, Fail> {
        let travel = self.problem.travel();
        let reload = if trips.len() > 1 {
            let r = reload_site(v).ok_or(Breach::Reloads)?;
            if v.max_reloads.is_some_and(|m| trips.len() - 1 > m as usize) {
                return Err(Breach::Reloads.into());
            }
            r
        } else {
            0
        };
        let deliveries = |trip: &[usize]| {
            let mut load = vec![0; self.dims];
            for &j in trip {
                for (a, b) in load.iter_mut().zip(&self.job(j).delivery) {
                    *a += b;
                }
            }
            load
        };
        let closed = |site: usize, arrival: i64| -> Result<(), Fail> {
            closed_until(self.problem, site, arrival).map_err(|retry_after| Fail {
                breach: Breach::SiteClosed { site: SiteId::from_index(site), arrival: Duration(arrival) },
                retry_after,
            })
        };
        let mut rows = Vec::new();
        let mut t = departure;
        let mut distance = 0;
        let mut prev = v.start.index();
        let mut load = Vec::new();
        for (k, trip) in trips.iter().enumerate() {
            let release = trip.iter().map(|&j| self.job(j).release).max().unwrap_or(0);
            if k == 0 {
                load = deliveries(trip);
                Self::check_capacity(&load, &v.capacity)?;
                rows.push(self.row(None, prev, (t, t, t), &load));
            } else {
                distance += travel.distance(prev, reload).get();
                let arrival = t + travel.duration(prev, reload).get();
                closed(reload, arrival)?;
                t = (arrival + v.reload_time.get()).max(release);
                load = deliveries(trip);
                Self::check_capacity(&load, &v.capacity)?;
                rows.push(self.row(
                    Some(Visit::Reload(SiteId::from_index(reload))),
                    reload,
                    (arrival, arrival, t),
                    &load,
                ));
                prev = reload;
            }
            for (pos, &j) in trip.iter().enumerate() {
                let job = self.job(j);
                let id = JobId::from_index(j);
                if job.skills.iter().any(|s| !v.skills.contains(s)) {
                    return Err(Breach::Skills { job: id }.into());
                }
                distance += travel.distance(prev, job.site).get();
                let arrival = t + travel.duration(prev, job.site).get();
                let start = if job.windows.is_empty() {
                    arrival
                } else {
                    match job.windows.iter().find(|w| arrival <= w.1) {
                        Some(w) => arrival.max(w.0),
                        None => return Err(Breach::TimeWindow { job: id, arrival: Duration(arrival) }.into()),
                    }
                };
                if (k, pos) != (0, 0) && start - arrival > self.max_wait {
                    return Err(Breach::MaxWait { job: id, wait: Duration(start - arrival) }.into());
                }
                t = start + job.service;
                for ((a, p), d) in load.iter_mut().zip(&job.pickup).zip(&job.delivery) {
                    *a += p - d;
                }
                Self::check_capacity(&load, &v.capacity)?;
                rows.push(self.row(Some(Visit::Service(id)), job.site, (arrival, start, t), &load));
                prev = job.site;
            }
        }
        let end = match v.end {
            Some(end) => {
                let e = end.index();
                distance += travel.distance(prev, e).get();
                let arrival = t + travel.duration(prev, e).get();
                closed(e, arrival)?;
                rows.push(self.row(None, e, (arrival, arrival, arrival), &load));
                arrival
            }
            None => t,
        };
        if end > v.shift.close.get() {
            return Err(Breach::Shift { end: Duration(end) }.into());
        }
        // Leave later by the first stop's wait: every later time stays the same.
        let mut departure = departure;
        if let Some(first) = rows.get(1).filter(|r| matches!(r.visit, Some(Visit::Service(_)))) {
            let push = first.wait.get();
            departure += push;
            let (start, arrival) = (first.start, first.arrival + Duration(push));
            rows[1].arrival = arrival;
            rows[1].wait = start - arrival;
            rows[0].arrival = Duration(departure);
            rows[0].start = Duration(departure);
            rows[0].departure = Duration(departure);
        }
        let duration = end - departure;
        if let Some(limit) = v.max_duration {
            if duration > limit.get() {
                return Err(Breach::MaxDuration { duration: Duration(duration) }.into());
            }
        }
        if let Some(limit) = v.max_distance {
            if distance > limit.get() {
                return Err(Breach::MaxDistance { distance: Distance(distance) }.into());
            }
        }
        Ok(Sim { departure, end, distance, rows })
    }

    /// The first vehicle type (among those with vehicles) that can drive `trips`, if any.
    fn any_type(&self, trips: &[Vec<usize>]) -> Option<(usize, Sim)> {
        let types = self.problem.vehicle_types();
        (0..types.len()).filter(|&t| types[t].count > 0).find_map(|t| self.simulate(t, trips).ok().map(|s| (t, s)))
    }
}

impl ClarkeWrightSavings {
    /// The heuristic with the default maximum wait between two stops of a loop (one hour).
    #[must_use]
    pub fn new() -> Self {
        Self { max_wait: Duration::hours(1) }
    }

    /// Sets the longest a driver may wait for a window at any stop but the first of a vehicle's
    /// day (the wait before it is removed by leaving later). [`Duration::MAX`] lifts the limit.
    #[must_use]
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The configured maximum wait.
    #[must_use]
    pub fn max_wait_limit(&self) -> Duration {
        self.max_wait
    }

    /// Builds routes for every job of `problem`: see the type's documentation for the algorithm.
    ///
    /// # Arguments
    /// `problem`: one day's validated problem; shipments are reported unassigned.
    ///
    /// # Returns
    /// A [`Construction`]: one route per vehicle used (loops chained with reloads), its schedule,
    /// and every job left out with its reason. Deterministic: the same problem gives the same
    /// construction.
    #[must_use]
    pub fn solve(&self, problem: &Problem) -> Construction {
        let flat = Flat::new(problem, self.max_wait.get());
        let n = problem.jobs().len();
        let types = problem.vehicle_types();
        let mut unassigned = Vec::new();

        // 1. Single-job trips.
        let mut routable = Vec::with_capacity(n);
        for j in 0..n {
            let job = JobId::from_index(j);
            if flat.jobs[j].is_none() {
                unassigned.push(Unassigned { job, reason: UnassignedReason::UnsupportedKind });
            } else if flat.has_no_common_window(j) {
                let breaches =
                    (0..types.len()).map(|t| (VehicleTypeId::from_index(t), Breach::NoCommonWindow { job })).collect();
                unassigned.push(Unassigned { job, reason: UnassignedReason::Infeasible(breaches) });
            } else {
                let alone = [vec![j]];
                if flat.any_type(&alone).is_some() {
                    routable.push(j);
                } else {
                    let breaches = (0..types.len())
                        .filter(|&t| types[t].count > 0)
                        .filter_map(|t| flat.simulate(t, &alone).err().map(|b| (VehicleTypeId::from_index(t), b)))
                        .collect();
                    unassigned.push(Unassigned { job, reason: UnassignedReason::Infeasible(breaches) });
                }
            }
        }

        // 2. Savings, largest first, merging a trip's tail into another trip's head.
        let (start, end) = types.first().map_or((0, None), |v| (v.start.index(), v.end.map(SiteId::index)));
        let travel = problem.travel();
        let d = |a: usize, b: usize| travel.distance(a, b).get();
        let mut savings = Vec::with_capacity(routable.len() * routable.len().saturating_sub(1));
        for &i in &routable {
            for &j in &routable {
                if i != j {
                    let (si, sj) = (flat.job(i).site, flat.job(j).site);
                    let s = end.map_or(0, |e| d(si, e)) + d(start, sj) - d(si, sj);
                    if s > 0 {
                        savings.push((s, i, j));
                    }
                }
            }
        }
        savings.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut trips: Vec<Option<Vec<usize>>> = routable.iter().map(|&j| Some(vec![j])).collect();
        let mut trip_of = vec![usize::MAX; n];
        for (k, &j) in routable.iter().enumerate() {
            trip_of[j] = k;
        }
        for &(_, i, j) in &savings {
            let (a, b) = (trip_of[i], trip_of[j]);
            if a == b {
                continue;
            }
            let (Some(ta), Some(tb)) = (&trips[a], &trips[b]) else { continue };
            if ta.last() != Some(&i) || tb.first() != Some(&j) {
                continue;
            }
            let merged: Vec<usize> = ta.iter().chain(tb).copied().collect();
            if flat.any_type(std::slice::from_ref(&merged)).is_some() {
                for &m in tb {
                    trip_of[m] = a;
                }
                trips[a] = Some(merged);
                trips[b] = None;
            }
        }

        // 3. Chain trips onto vehicles, earliest first.
        let mut keyed: Vec<(i64, usize, Vec<usize>)> = trips
            .into_iter()
            .flatten()
            .map(|trip| {
                let key = flat
                    .any_type(std::slice::from_ref(&trip))
                    .and_then(|(_, sim)| sim.rows.get(1).map(|r| r.start.get()))
                    .unwrap_or(i64::MAX);
                (key, trip[0], trip)
            })
            .collect();
        keyed.sort_unstable_by_key(|k| (k.0, k.1));
        // Cheapest types first for new vehicles.
        let mut type_order: Vec<usize> = (0..types.len()).collect();
        type_order.sort_by(|&a, &b| {
            let key = |t: usize| (types[t].fixed_cost, types[t].capacity.amounts().to_vec());
            key(a).cmp(&key(b)).then(a.cmp(&b))
        });
        let mut vehicles: Vec<Vehicle> = Vec::new();
        let mut used = vec![0u32; types.len()];
        for (_, _, trip) in keyed {
            if !self.place(&flat, &type_order, &mut vehicles, &mut used, &trip) {
                let singles = if trip.len() > 1 { trip.clone() } else { Vec::new() };
                let mut left = if singles.is_empty() { trip } else { Vec::new() };
                for j in singles {
                    if !self.place(&flat, &type_order, &mut vehicles, &mut used, &[j]) {
                        left.push(j);
                    }
                }
                for j in left {
                    unassigned.push(Unassigned { job: JobId::from_index(j), reason: UnassignedReason::NoVehicleLeft });
                }
            }
        }

        // 4. Routes, grouped by vehicle type in order of first use.
        vehicles.sort_by_key(|v| v.vt);
        let mut routes = Vec::with_capacity(vehicles.len());
        let mut schedules = Vec::with_capacity(vehicles.len());
        for v in vehicles {
            let reload = reload_site(&types[v.vt]).map(SiteId::from_index);
            let mut visits = Vec::new();
            for (k, trip) in v.trips.iter().enumerate() {
                if k > 0 {
                    if let Some(r) = reload {
                        visits.push(Visit::Reload(r));
                    }
                }
                visits.extend(trip.iter().map(|&j| Visit::Service(JobId::from_index(j))));
            }
            routes.push(Route {
                vehicle_type: VehicleTypeId::from_index(v.vt),
                visits,
                departure: Some(Duration(v.sim.departure)),
            });
            schedules.push(RouteSchedule {
                timetable: v.sim.rows,
                distance: Distance(v.sim.distance),
                duration: Duration(v.sim.end - v.sim.departure),
            });
        }
        unassigned.sort_by_key(|u| u.job);
        let solution = Solution { routes, unassigned: unassigned.iter().map(|u| u.job).collect() };
        Construction { solution, schedules, unassigned }
    }

    /// Puts `trip` after the last loop of the vehicle that idles least, or on a new vehicle of
    /// the cheapest type that can drive it. Returns whether it was placed.
    fn place(
        &self,
        flat: &Flat<'_>,
        type_order: &[usize],
        vehicles: &mut Vec<Vehicle>,
        used: &mut [u32],
        trip: &[usize],
    ) -> bool {
        let mut best: Option<(i64, usize, Sim)> = None;
        for (k, v) in vehicles.iter().enumerate() {
            let mut chain = v.trips.clone();
            chain.push(trip.to_vec());
            if let Ok(sim) = flat.simulate(v.vt, &chain) {
                let idle = sim.end - v.sim.end;
                if best.as_ref().is_none_or(|b| idle < b.0) {
                    best = Some((idle, k, sim));
                }
            }
        }
        if let Some((_, k, sim)) = best {
            vehicles[k].trips.push(trip.to_vec());
            vehicles[k].sim = sim;
            return true;
        }
        let types = flat.problem.vehicle_types();
        for &t in type_order {
            if used[t] >= types[t].count {
                continue;
            }
            let chain = vec![trip.to_vec()];
            if let Ok(sim) = flat.simulate(t, &chain) {
                used[t] += 1;
                vehicles.push(Vehicle { vt: t, trips: chain, sim });
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use milkrun_model::{
        check_solution, Coordinates, Job, ProblemData, Rounding, Site, SiteKind, Speed, Stop, TimeWindow, TravelMatrix,
    };

    fn line_problem(loads: &[i64], capacity: i64, count: u32) -> Problem {
        let mut sites = vec![Site::new("plant", SiteKind::Plant, Coordinates::Planar { x: 0.0, y: 0.0 })];
        for (i, _) in loads.iter().enumerate() {
            let x = 10.0 + i as f64;
            sites.push(Site::new(format!("s{i}"), SiteKind::Supplier, Coordinates::Planar { x, y: 0.0 }));
        }
        let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
        let jobs = loads
            .iter()
            .enumerate()
            .map(|(i, &l)| Job::pickup(format!("j{i}"), Stop::at(SiteId::from_index(i + 1)), Load::single(l)))
            .collect();
        ProblemData {
            dimensions: vec!["pallets".into()],
            travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance)
                .expect("finite coordinates"),
            sites,
            jobs,
            vehicle_types: vec![VehicleType::new("truck", count, Load::single(capacity), SiteId(0))],
            ..ProblemData::default()
        }
        .validate()
        .expect("valid problem")
    }

    #[test]
    fn capacity_splits_loops() {
        let problem = line_problem(&[6, 6, 6], 10, 3);
        let built = ClarkeWrightSavings::new().solve(&problem);
        assert_eq!(built.solution.routes.len(), 3);
        assert!(check_solution(&problem, &built.solution).is_feasible());
    }

    #[test]
    fn too_few_vehicles_reports_jobs() {
        let problem = line_problem(&[6, 6, 6], 10, 2);
        let built = ClarkeWrightSavings::new().solve(&problem);
        assert_eq!(built.unassigned.len(), 1);
        assert_eq!(built.unassigned[0].reason, UnassignedReason::NoVehicleLeft);
        assert!(check_solution(&problem, &built.solution)
            .violations
            .iter()
            .all(|v| matches!(v, milkrun_model::Violation::Unserved { .. })));
    }

    #[test]
    fn multi_trip_chains_loops_on_one_vehicle() {
        let mut data = line_problem(&[6, 6, 6], 10, 1).into_data();
        data.vehicle_types[0].reload_sites = vec![SiteId(0)];
        let problem = data.validate().expect("valid");
        let built = ClarkeWrightSavings::new().solve(&problem);
        assert_eq!(built.solution.routes.len(), 1);
        let reloads = built.solution.routes[0].visits.iter().filter(|v| matches!(v, Visit::Reload(_))).count();
        assert_eq!(reloads, 2);
        let report = check_solution(&problem, &built.solution);
        assert!(report.is_feasible(), "{:?}", report.violations);
        assert_eq!(report.routes[0].timetable, built.schedules[0].timetable);
    }

    #[test]
    fn unreachable_window_is_reported() {
        let mut data = line_problem(&[1], 10, 1).into_data();
        data.vehicle_types[0].shift = TimeWindow::new(Duration(0), Duration(100));
        if let JobKind::Service { stop, .. } = &mut data.jobs[0].kind {
            stop.windows = vec![TimeWindow::new(Duration(0), Duration(5))];
        }
        let problem = data.validate().expect("valid");
        let built = ClarkeWrightSavings::new().solve(&problem);
        assert!(matches!(
            &built.unassigned[0].reason,
            UnassignedReason::Infeasible(b) if matches!(b[0].1, Breach::TimeWindow { .. })
        ));
    }

    #[test]
    fn closed_dock_delays_the_departure() {
        let mut data = line_problem(&[1], 10, 1).into_data();
        data.sites[0].windows =
            vec![TimeWindow::new(Duration(0), Duration(5)), TimeWindow::new(Duration(100), Duration(900))];
        let problem = data.validate().expect("valid");
        let built = ClarkeWrightSavings::new().solve(&problem);
        let rows = &built.schedules[0].timetable;
        // Out 10, back 10: leaving at 0 would return at 20, while the dock is closed.
        assert_eq!((rows[0].departure, rows[2].arrival), (Duration(80), Duration(100)));
        assert!(check_solution(&problem, &built.solution).is_feasible());
    }

    #[test]
    fn max_wait_keeps_distant_windows_on_separate_loops() {
        let mut data = line_problem(&[1, 1], 10, 2).into_data();
        for (job, open) in data.jobs.iter_mut().zip([0, 300]) {
            if let JobKind::Service { stop, .. } = &mut job.kind {
                stop.windows = vec![TimeWindow::new(Duration(open), Duration(open + 20))];
            }
        }
        let problem = data.validate().expect("valid");
        assert_eq!(ClarkeWrightSavings::new().max_wait(Duration(60)).solve(&problem).solution.routes.len(), 2);
        assert_eq!(ClarkeWrightSavings::new().max_wait(Duration::MAX).solve(&problem).solution.routes.len(), 1);
    }

    #[test]
    fn intersect_windows() {
        assert_eq!(intersect(&[(0, 10), (20, 30)], &[(5, 25)]), vec![(5, 10), (20, 25)]);
        assert_eq!(intersect(&[], &[(1, 2)]), vec![(1, 2)]);
    }
}
