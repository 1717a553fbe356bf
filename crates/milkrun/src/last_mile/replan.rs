//! Planning the day and re-planning what is left: the routing engine sequences service stops,
//! a greedy cheapest insertion places shipments and whatever the engine could not, and the
//! model's checker has the last word.

use milkrun_model::{
    check_solution, Assignment, Distance, Duration, Job, JobId, JobKind, Load, Money, Problem, ProblemData, Route,
    SiteId, Solution, Stop, TimeWindow, TravelMatrix, VehicleType, VehicleTypeId, Visit,
};
use milkrun_routing::{Solver, SolverConfig};

use super::eta::{service_start, stop_of};
use super::{EtaAlert, EtaStatus, JobStatus, LastMileDay, LastMileOptions, PlannedStop, StopOutcome, VehicleId};
use crate::error::Error;

/// What a re-plan did, with the routing problem it solved and its solution.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplanReport {
    /// The day's clock at the re-plan.
    pub at: Duration,
    /// The re-plan's problem: the remaining jobs (all optional, a picked-up shipment as a
    /// delivery from the vehicle's position, promised stops with the window they must keep),
    /// and one vehicle type per vehicle (`VehicleTypeId(k)` is `VehicleId(k)`) starting where
    /// and when the vehicle can, with the capacity left for the route's loads.
    pub problem: Problem,
    /// The remaining routes, one per vehicle with stops left; it passed
    /// [`check_solution`] against `problem`.
    pub solution: Solution,
    /// The day's job behind each job of `problem`.
    pub jobs: Vec<JobId>,
    /// Jobs routed now that were on no route before (new jobs, earlier drops).
    pub placed: Vec<JobId>,
    /// Jobs on a route before and on none now: they fit nowhere any more. Rare, since the
    /// current order is kept feasible; it happens to a vehicle loaded beyond its capacity by
    /// stops reported out of order, or to a shipment whose ride limit has passed.
    pub dropped: Vec<JobId>,
    /// Jobs now on another vehicle than before.
    pub moved: Vec<JobId>,
    /// Remaining stops late against their promise (status [`EtaStatus::Late`]) before the
    /// re-plan.
    pub late_before: usize,
    /// The same count after it.
    pub late_after: usize,
    /// Distance of the routes before the re-plan, from the same starts to the vehicles' ends
    /// (the checker's count on `problem`).
    pub distance_before: Distance,
    /// Distance of `solution`.
    pub distance_after: Distance,
}

/// What the routing problems of the planning see: the jobs and the matrix.
struct Ctx<'a> {
    jobs: &'a [Job],
    travel: &'a TravelMatrix,
}

impl Ctx<'_> {
    /// The distance of `visits` driven by `vt`, if every rule the checker applies holds;
    /// `None` otherwise. The duration limit is taken from the earliest departure to the
    /// return (the checker allows the shortest duration, so this is the stricter test).
    ///
    /// # Complexity
    /// O(visits · (windows + dimensions + shipments on the route)).
    fn route_distance(&self, vt: &VehicleType, visits: &[Visit]) -> Option<Distance> {
        self.schedule(vt, visits, None)
    }

    /// [`Ctx::route_distance`], also recording the start of service of each visit in
    /// `starts` (cleared first) if given.
    fn schedule(&self, vt: &VehicleType, visits: &[Visit], mut starts: Option<&mut Vec<Duration>>) -> Option<Distance> {
        let (jobs, travel) = (self.jobs, self.travel);
        if let Some(starts) = starts.as_deref_mut() {
            starts.clear();
        }
        let mut release = Duration::ZERO;
        let mut load = Load::zero(vt.capacity.dims());
        for visit in visits {
            let job = jobs.get(visit.job()?.index())?;
            release = release.max(job.release);
            if let (JobKind::Service { delivery, .. }, Visit::Service(_)) = (&job.kind, visit) {
                load.add_assign(delivery);
            }
        }
        if !load.fits_within(&vt.capacity) {
            return None;
        }
        let mut t = vt.shift.open.max(release);
        let departure = t;
        let (mut prev, mut distance) = (vt.start, Distance::ZERO);
        let mut picked: Vec<(JobId, Duration)> = Vec::new();
        for &visit in visits {
            let j = visit.job()?;
            let job = jobs.get(j.index())?;
            if !job.skills.iter().all(|s| vt.skills.contains(s)) {
                return None;
            }
            let stop = stop_of(job, visit);
            distance = distance.saturating_add(travel.distance(prev.index(), stop.site.index()));
            let arrival = t.saturating_add(travel.duration(prev.index(), stop.site.index()));
            if !stop.windows.is_empty() && !stop.windows.iter().any(|w| arrival <= w.close) {
                return None;
            }
            let start = service_start(&stop.windows, arrival);
            if let Some(starts) = starts.as_deref_mut() {
                starts.push(start);
            }
            t = start.saturating_add(stop.service);
            match (&job.kind, visit) {
                (JobKind::Service { delivery, pickup, .. }, Visit::Service(_)) => {
                    load.sub_assign(delivery);
                    load.add_assign(pickup);
                }
                (JobKind::Shipment { load: l, .. }, Visit::Pickup(_)) => {
                    load.add_assign(l);
                    picked.push((j, t));
                }
                (JobKind::Shipment { load: l, max_ride, .. }, Visit::Delivery(_)) => {
                    let k = picked.iter().position(|p| p.0 == j)?;
                    let (_, left) = picked.swap_remove(k);
                    if max_ride.is_some_and(|limit| arrival - left > limit) {
                        return None;
                    }
                    load.sub_assign(l);
                }
                _ => return None,
            }
            if !load.fits_within(&vt.capacity) {
                return None;
            }
            prev = stop.site;
        }
        if !picked.is_empty() {
            return None;
        }
        let end = match vt.end {
            Some(end) => {
                distance = distance.saturating_add(travel.distance(prev.index(), end.index()));
                t.saturating_add(travel.duration(prev.index(), end.index()))
            }
            None => t,
        };
        let too_long = vt.max_duration.is_some_and(|limit| end - departure > limit);
        let too_far = vt.max_distance.is_some_and(|limit| distance > limit);
        (end <= vt.shift.close && !too_long && !too_far).then_some(distance)
    }

    /// The cheapest feasible place for `job` in `route` (a service visit, or a shipment's
    /// pickup and delivery) where its stops also start by `deadline` (service or pickup,
    /// delivery; `None` for no deadline beyond the job's windows): (added distance, pickup or
    /// service position, delivery position). `None` if the route is infeasible as it is or no
    /// place fits.
    ///
    /// # Complexity
    /// O(n²) evaluations of O(n) each for a shipment, O(n) for a service (n = route length).
    fn cheapest_place(
        &self,
        vt: &VehicleType,
        route: &[Visit],
        job: JobId,
        deadline: Deadline,
    ) -> Option<(i64, usize, usize)> {
        let base = self.route_distance(vt, route)?.get();
        let shipment = matches!(self.jobs.get(job.index())?.kind, JobKind::Shipment { .. });
        let n = route.len();
        let mut best: Option<(i64, usize, usize)> = None;
        let mut scratch = Vec::with_capacity(n + 2);
        let mut starts = Vec::with_capacity(n + 2);
        for i in 0..=n {
            for k in i..=if shipment { n } else { i } {
                scratch.clear();
                scratch.extend_from_slice(&route[..i]);
                if shipment {
                    scratch.push(Visit::Pickup(job));
                    scratch.extend_from_slice(&route[i..k]);
                    scratch.push(Visit::Delivery(job));
                    scratch.extend_from_slice(&route[k..]);
                } else {
                    scratch.push(Visit::Service(job));
                    scratch.extend_from_slice(&route[i..]);
                }
                if let Some(d) = self.schedule(vt, &scratch, Some(&mut starts)) {
                    let in_time = scratch.iter().zip(&starts).all(|(visit, &start)| match *visit {
                        Visit::Delivery(j) if j == job => deadline[1].is_none_or(|d| start <= d),
                        Visit::Service(j) | Visit::Pickup(j) if j == job => deadline[0].is_none_or(|d| start <= d),
                        _ => true,
                    });
                    if !in_time {
                        continue;
                    }
                    let delta = d.get() - base;
                    if best.is_none_or(|b| delta < b.0) {
                        best = Some((delta, i, k));
                    }
                }
            }
        }
        best
    }

    /// Places `job` on the cheapest of the `allowed` routes; returns the route index.
    fn insert(
        &self,
        vts: &[VehicleType],
        routes: &mut [Vec<Visit>],
        allowed: &[usize],
        job: JobId,
        deadline: Deadline,
    ) -> Option<usize> {
        let mut best: Option<(i64, usize, usize, usize)> = None;
        for &r in allowed {
            let (Some(vt), Some(route)) = (vts.get(r), routes.get(r)) else { continue };
            if let Some((delta, i, k)) = self.cheapest_place(vt, route, job, deadline) {
                if best.is_none_or(|b| delta < b.0) {
                    best = Some((delta, r, i, k));
                }
            }
        }
        let (_, r, i, k) = best?;
        let route = &mut routes[r];
        if matches!(self.jobs[job.index()].kind, JobKind::Shipment { .. }) {
            route.insert(k, Visit::Delivery(job));
            route.insert(i, Visit::Pickup(job));
        } else {
            route.insert(i, Visit::Service(job));
        }
        Some(r)
    }

    /// A feasible route built by cheapest insertion of `services` in order, and those left out.
    fn greedy(&self, vt: &VehicleType, services: &[JobId]) -> (Vec<Visit>, Vec<JobId>) {
        let mut routes = vec![Vec::new()];
        let mut left = Vec::new();
        for &job in services {
            if self.insert(std::slice::from_ref(vt), &mut routes, &[0], job, NO_DEADLINE).is_none() {
                left.push(job);
            }
        }
        (routes.pop().unwrap_or_default(), left)
    }

    /// Sequences `services` (indices into `jobs`) for the vehicle type `vt` alone with the
    /// routing engine, warm-started from their order; a route the engine returns infeasible is
    /// rebuilt greedily. Returns the route and the jobs left out.
    fn sequence(
        &self,
        problem: &Problem,
        vts: &[VehicleType],
        services: &[JobId],
        seed: u64,
        iterations: u64,
    ) -> Result<(Vec<Visit>, Vec<JobId>), Error> {
        let Some(vt) = vts.first().filter(|_| !services.is_empty()) else {
            return Ok((Vec::new(), services.to_vec()));
        };
        let data = ProblemData {
            name: format!("{} (re-plan)", problem.name()),
            dimensions: problem.dimensions().to_vec(),
            sites: problem.sites().to_vec(),
            jobs: services.iter().map(|j| self.jobs[j.index()].clone()).collect(),
            vehicle_types: vts.to_vec(),
            travel: problem.travel().clone(),
            ..ProblemData::default()
        };
        let sub = data.validate()?;
        let warm = Solution {
            routes: vec![Route::new(
                VehicleTypeId(0),
                (0..services.len()).map(|k| Visit::Service(JobId::from_index(k))).collect(),
            )],
            unassigned: Vec::new(),
        };
        let solved = Solver::new(solver_config(seed, iterations, services.len())).solve_from(&sub, &warm)?;
        let visits: Vec<Visit> = solved
            .solution
            .routes
            .iter()
            .flat_map(|r| &r.visits)
            .filter_map(|v| v.job().and_then(|k| services.get(k.index())).map(|&j| Visit::Service(j)))
            .collect();
        if self.route_distance(vt, &visits).is_none() {
            return Ok(self.greedy(vt, services));
        }
        let left = services.iter().copied().filter(|&j| !visits.contains(&Visit::Service(j))).collect();
        Ok((visits, left))
    }
}

/// The engine's settings for `n` jobs: seeded, `iterations` long, ruining about a quarter of
/// the stops (as the milk-run planner does for its loops).
fn solver_config(seed: u64, iterations: u64, n: usize) -> SolverConfig {
    let mut config = SolverConfig::default().seed(seed).max_iterations(iterations);
    config.avg_removed = (n as f64 / 4.0).clamp(2.0, config.avg_removed);
    config
}

/// A penalty for leaving a job out that outweighs any detour serving it costs: four times the
/// costliest arc (distance and duration costs) plus the largest fixed cost.
fn drop_penalty(travel: &TravelMatrix, vehicle_types: &[VehicleType]) -> Money {
    let max_d = travel.distances().iter().map(|d| d.get()).max().unwrap_or(0).max(0);
    let max_t = travel.durations().iter().map(|d| d.get()).max().unwrap_or(0).max(0);
    let (mut arc, mut fixed) = (0i64, 0i64);
    for vt in vehicle_types {
        let cost = max_d
            .saturating_mul(vt.unit_distance_cost.max(0))
            .saturating_add(max_t.saturating_mul(vt.unit_duration_cost.max(0)));
        arc = arc.max(cost);
        fixed = fixed.max(vt.fixed_cost.get());
    }
    Money(arc.saturating_mul(4).saturating_add(fixed).saturating_add(1).clamp(1, 1_000_000_000_000))
}

/// Whether `job` fits `capacity` in every dimension (the larger of delivery and pickup for a
/// service, the load of a shipment).
fn fits(job: &Job, capacity: &Load) -> bool {
    match &job.kind {
        JobKind::Service { delivery, pickup, .. } => delivery.fits_within(capacity) && pickup.fits_within(capacity),
        JobKind::Shipment { load, .. } => load.fits_within(capacity),
    }
}

/// The delivery a service unloads (zero for shipments).
fn delivery_of(job: &Job) -> Option<&Load> {
    match &job.kind {
        JobKind::Service { delivery, .. } if !delivery.is_zero() => Some(delivery),
        _ => None,
    }
}

/// `windows` each closing `grace` later, up to just before the next window opens.
fn relax(windows: &[TimeWindow], grace: Duration) -> Vec<TimeWindow> {
    let mut out = windows.to_vec();
    if grace > Duration::ZERO {
        for k in 0..out.len() {
            let limit = out.get(k + 1).map_or(Duration::MAX, |next| Duration(next.open.get().saturating_sub(1)));
            out[k].close = out[k].close.saturating_add(grace).min(limit).max(out[k].close);
        }
    }
    out
}

/// A slot per stop of each job: `2 · job` for a service or pickup, `2 · job + 1` for a
/// shipment's delivery.
fn stop_key(visit: Visit) -> usize {
    visit.job().map_or(usize::MAX, |j| 2 * j.index() + usize::from(matches!(visit, Visit::Delivery(_))))
}

/// Latest starts of service a stop must keep beyond its windows: (service or pickup,
/// delivery).
type Deadline = [Option<Duration>; 2];

/// No deadline.
const NO_DEADLINE: Deadline = [None, None];

/// Where a vehicle starts in a re-plan.
struct Start {
    site: SiteId,
    time: Duration,
    on_board: Load,
    /// The stop it is driving to, kept first on its route.
    committed: Option<Visit>,
    /// Distance driven by then.
    driven: Distance,
}

/// Every amount at least zero.
fn clamp_zero(mut load: Load) -> Load {
    for a in &mut load.0 {
        *a = (*a).max(0);
    }
    load
}

/// A plan for `problem`: the routing engine routes the service jobs (required ones made
/// optional with a penalty above any detour, so the engine leaves out what it cannot serve
/// rather than returning an infeasible plan), then shipments are inserted at the cheapest
/// feasible place, on unused vehicles too.
fn initial_solution(problem: &Problem, seed: u64, iterations: u64) -> Result<Solution, Error> {
    let jobs = problem.jobs();
    let ctx = Ctx { jobs, travel: problem.travel() };
    let vehicle_types = problem.vehicle_types();
    let penalty = drop_penalty(problem.travel(), vehicle_types);
    let services: Vec<JobId> =
        (0..jobs.len()).filter(|&j| matches!(jobs[j].kind, JobKind::Service { .. })).map(JobId::from_index).collect();
    let mut routes: Vec<Route> = Vec::new();
    if !services.is_empty() {
        let mut data = problem.data().clone();
        data.jobs = services
            .iter()
            .map(|j| {
                let mut job = jobs[j.index()].clone();
                if job.assignment == Assignment::Required {
                    job.assignment = Assignment::Optional { penalty };
                }
                job
            })
            .collect();
        let sub = data.validate()?;
        let solved = Solver::new(solver_config(seed, iterations, services.len())).solve(&sub)?;
        for route in &solved.solution.routes {
            let visits: Vec<Visit> = route
                .visits
                .iter()
                .filter_map(|v| v.job().and_then(|k| services.get(k.index())).map(|&j| Visit::Service(j)))
                .collect();
            let vt = &vehicle_types[route.vehicle_type.index()];
            let visits = if ctx.route_distance(vt, &visits).is_some() {
                visits
            } else {
                let order: Vec<JobId> = visits.iter().filter_map(|v| v.job()).collect();
                ctx.greedy(vt, &order).0
            };
            routes.push(Route::new(route.vehicle_type, visits));
        }
    }
    let mut shipments: Vec<JobId> =
        (0..jobs.len()).filter(|&j| matches!(jobs[j].kind, JobKind::Shipment { .. })).map(JobId::from_index).collect();
    if !shipments.is_empty() {
        // Unused vehicles may take shipments: one empty route per vehicle left (at most one per
        // shipment).
        for (t, vt) in vehicle_types.iter().enumerate() {
            let used = routes.iter().filter(|r| r.vehicle_type.index() == t).count();
            let spare = (vt.count as usize).saturating_sub(used).min(shipments.len());
            routes.extend((0..spare).map(|_| Route::new(VehicleTypeId::from_index(t), Vec::new())));
        }
        shipments.sort_by_key(|j| (std::cmp::Reverse(jobs[j.index()].priority), *j));
        let vts: Vec<VehicleType> = routes.iter().map(|r| vehicle_types[r.vehicle_type.index()].clone()).collect();
        let mut visits: Vec<Vec<Visit>> = routes.iter_mut().map(|r| std::mem::take(&mut r.visits)).collect();
        let all: Vec<usize> = (0..visits.len()).collect();
        for &job in &shipments {
            ctx.insert(&vts, &mut visits, &all, job, NO_DEADLINE);
        }
        for (route, v) in routes.iter_mut().zip(visits) {
            route.visits = v;
        }
    }
    routes.retain(|r| !r.visits.is_empty());
    let mut routed = vec![false; jobs.len()];
    for j in routes.iter().flat_map(|r| &r.visits).filter_map(|v| v.job()) {
        routed[j.index()] = true;
    }
    let unassigned = (0..jobs.len()).filter(|&j| !routed[j]).map(JobId::from_index).collect();
    Ok(Solution { routes, unassigned })
}

/// Where the vehicles start in a re-plan, which jobs their committed stops finish, and when
/// each shipment on board was picked up (by which vehicle).
struct Starts {
    starts: Vec<Start>,
    finished: Vec<bool>,
    picked_at: Vec<Option<(usize, Duration)>>,
}

/// The work of a re-plan, in its own job ids: the jobs (windows set for the re-plan), the
/// day's job behind each, the vehicle holding its goods, the deadlines that keep its promise,
/// and each vehicle's current route after its committed stop.
#[derive(Default)]
struct Work {
    jobs: Vec<Job>,
    day_of: Vec<JobId>,
    pinned: Vec<Option<usize>>,
    deadlines: Vec<Deadline>,
    current: Vec<Vec<Visit>>,
}

/// The new routes of a re-plan: the engine sequences each vehicle's service stops, the room of
/// each vehicle shrinks by the goods of the deliveries it left out, the pool (shipments not
/// picked up, new jobs, leftovers) is inserted greedily, and late free stops move.
fn reroute(
    problem: &Problem,
    work: &Work,
    vts: &mut [VehicleType],
    seed: u64,
    iterations: u64,
) -> Result<Vec<Vec<Visit>>, Error> {
    let (jobs, pinned) = (&work.jobs, &work.pinned);
    let ctx = Ctx { jobs, travel: problem.travel() };
    let n_v = vts.len();

    // Each vehicle's service stops, sequenced by the engine; the rest goes to the pool.
    let mut routes: Vec<Vec<Visit>> = vec![Vec::new(); n_v];
    let mut pool: Vec<(JobId, Option<usize>)> = Vec::new();
    for v in 0..n_v {
        let mut services = Vec::new();
        for visit in work.current.get(v).map_or(&[][..], |r| &r[..]) {
            match *visit {
                Visit::Service(c) if fits(&jobs[c.index()], &vts[v].capacity) => services.push(c),
                Visit::Service(c) | Visit::Pickup(c) => pool.push((c, Some(v))),
                _ => {}
            }
        }
        let (route, left) =
            ctx.sequence(problem, std::slice::from_ref(&vts[v]), &services, seed.wrapping_add(v as u64), iterations)?;
        routes[v] = route;
        pool.extend(left.into_iter().map(|c| (c, Some(v))));
    }
    for c in (0..jobs.len()).map(JobId::from_index) {
        if !pool.iter().any(|p| p.0 == c) && !routes.iter().flatten().any(|v| v.job() == Some(c)) {
            pool.push((c, None));
        }
    }

    // Goods of pinned deliveries left out stay on board: the room shrinks by them.
    for v in 0..n_v {
        let mut dead = Load::zero(problem.dimensions().len());
        for (c, job) in jobs.iter().enumerate() {
            let on_route = routes[v].contains(&Visit::Service(JobId::from_index(c)));
            if pinned[c] == Some(v) && !on_route {
                if let Some(d) = delivery_of(job) {
                    dead.add_assign(d);
                }
            }
        }
        let mut capacity = vts[v].capacity.clone();
        capacity.sub_assign(&dead);
        vts[v].capacity = clamp_zero(capacity);
        while ctx.route_distance(&vts[v], &routes[v]).is_none() {
            // Take off the last free pickup until the rest fits (nothing else adds load).
            let Some(k) = routes[v].iter().rposition(|visit| {
                visit.job().is_some_and(|c| pinned[c.index()].is_none() && delivery_of(&jobs[c.index()]).is_none())
            }) else {
                break;
            };
            if let Some(c) = routes[v].remove(k).job() {
                pool.push((c, Some(v)));
            }
        }
    }

    // The pool: shipments first (the hardest), then by priority; pinned jobs only on their
    // vehicle, others on their previous vehicle if it can take them, else anywhere.
    pool.sort_by_key(|&(c, _)| {
        let job = &jobs[c.index()];
        (!matches!(job.kind, JobKind::Shipment { .. }), std::cmp::Reverse(job.priority), c)
    });
    pool.dedup_by_key(|p| p.0);
    let all: Vec<usize> = (0..n_v).collect();
    for &(c, previous) in &pool {
        if let Some(p) = pinned[c.index()] {
            ctx.insert(vts, &mut routes, &[p], c, NO_DEADLINE);
        } else if previous.is_none_or(|p| ctx.insert(vts, &mut routes, &[p], c, NO_DEADLINE).is_none()) {
            ctx.insert(vts, &mut routes, &all, c, NO_DEADLINE);
        }
    }
    move_late_free_stops(&ctx, work, vts, &mut routes);
    Ok(routes)
}

/// Free stops (returns, shipments not picked up) that stay late where they are move to the
/// cheapest other vehicle that keeps their promise, if any.
fn move_late_free_stops(ctx: &Ctx<'_>, work: &Work, vts: &[VehicleType], routes: &mut [Vec<Visit>]) {
    let n_v = routes.len();
    let mut times = Vec::new();
    for v in 0..n_v {
        if ctx.schedule(&vts[v], &routes[v], Some(&mut times)).is_none() {
            continue;
        }
        let mut late: Vec<JobId> = Vec::new();
        for (visit, &start) in routes[v].iter().zip(&times) {
            let Some(c) = visit.job() else { continue };
            let slot = usize::from(matches!(visit, Visit::Delivery(_)));
            let free = work.pinned[c.index()].is_none();
            if free && work.deadlines[c.index()][slot].is_some_and(|d| start > d) && !late.contains(&c) {
                late.push(c);
            }
        }
        let others: Vec<usize> = (0..n_v).filter(|&u| u != v).collect();
        for c in late {
            let kept = routes[v].clone();
            routes[v].retain(|visit| visit.job() != Some(c));
            let lighter = ctx.route_distance(&vts[v], &routes[v]).is_some();
            if !lighter || ctx.insert(vts, routes, &others, c, work.deadlines[c.index()]).is_none() {
                routes[v] = kept;
            }
        }
    }
}

/// A re-plan computed but not applied yet.
struct Replan {
    report: ReplanReport,
    /// Per vehicle, the new remaining visits (the day's job ids).
    routes: Vec<Vec<Visit>>,
    /// Per vehicle not dispatched yet, the earliest time its new route may leave.
    restart: Vec<Option<Duration>>,
}

impl LastMileDay {
    /// Plans `problem` with the routing engine (seeded, `iterations` long: same seed and
    /// iterations, same plan) and starts the day with that plan (see [`LastMileDay::new`]).
    ///
    /// The engine routes the service jobs; it does not handle paired shipments, so they are
    /// inserted afterwards at the cheapest feasible place (a greedy step, not optimised), on an
    /// unused vehicle if need be. Jobs that fit nowhere are left open.
    ///
    /// # Errors
    /// [`Error::Routing`] if the engine refuses the problem (several windows per stop, skills
    /// only some vehicles have, more than 3 load dimensions, reloads), and the errors of
    /// [`LastMileDay::new`].
    pub fn plan(problem: Problem, options: LastMileOptions, seed: u64, iterations: u64) -> Result<Self, Error> {
        if problem.linehauls_before_backhauls() {
            // Refused by `new`, with the reason: no need to solve first.
            return Self::new(problem, &Solution::default(), options);
        }
        let solution = initial_solution(&problem, seed, iterations)?;
        Self::new(problem, &solution, options)
    }

    /// Re-optimises the remaining stops of all vehicles with what is done locked, then
    /// recomputes the ETAs and calls `on_alert` for each stop whose status against its promise
    /// changed (a stop new to the routes gets its promise now, from its new ETA).
    ///
    /// See the [module documentation](super) for what may move and what is kept. Seeded: the
    /// same day, seed and iterations give the same re-plan.
    ///
    /// # Errors
    /// [`Error::Routing`] if the engine refuses a vehicle's problem (a stop with several
    /// windows that was never promised), [`Error::Model`] if a re-plan problem does not
    /// validate, and [`Error::CheckFailed`] if the checker rejects the re-plan (a bug). Nothing
    /// changes on error.
    ///
    /// # Complexity
    /// One engine run of `iterations` per vehicle with stops left, plus O(n³) per shipment
    /// or leftover job inserted (n = stops on a route).
    ///
    /// # Reference
    /// Cheapest feasible insertion: M. M. Solomon (1987), "Algorithms for the vehicle routing
    /// and scheduling problems with time window constraints", Operations Research 35(2).
    pub fn replan(
        &mut self,
        seed: u64,
        iterations: u64,
        mut on_alert: impl FnMut(&EtaAlert),
    ) -> Result<ReplanReport, Error> {
        let replan = self.compute_replan(seed, iterations)?;
        Ok(self.commit(replan, &mut on_alert))
    }

    fn compute_replan(&self, seed: u64, iterations: u64) -> Result<Replan, Error> {
        let starts = self.replan_starts();
        let mut work = self.remaining_work(&starts);
        let mut vts = self.replan_vehicle_types(&starts, &work);
        // Every remaining job is optional: what fits nowhere stays open.
        let penalty = drop_penalty(self.problem.travel(), &vts);
        for job in &mut work.jobs {
            job.assignment = Assignment::Optional { penalty };
        }
        let routes = reroute(&self.problem, &work, &mut vts, seed, iterations)?;
        self.finish_replan(&starts, &work, vts, routes)
    }

    /// Where each vehicle starts: a vehicle on its way to a stop is committed to it and starts
    /// after it; one that has not left yet starts where it is, when it can leave.
    fn replan_starts(&self) -> Starts {
        let (problem, now) = (&self.problem, self.now);
        let (day_jobs, travel) = (problem.jobs(), problem.travel());
        let mut starts = Starts {
            starts: Vec::with_capacity(self.vehicles.len()),
            finished: vec![false; day_jobs.len()],
            picked_at: vec![None; day_jobs.len()],
        };
        for (v, vehicle) in self.vehicles.iter().enumerate() {
            for done in &vehicle.done {
                if let (Visit::Pickup(j), StopOutcome::Done) = (done.visit, done.outcome) {
                    starts.picked_at[j.index()] = Some((v, done.at));
                }
            }
            let first = vehicle.remaining.first().filter(|_| now > vehicle.ready);
            let start = match first.and_then(|s| s.visit.job().map(|j| (s, j))) {
                Some((first, j)) => {
                    let job = &day_jobs[j.index()];
                    let leave = first.eta.saturating_add(stop_of(job, first.visit).service);
                    let mut on_board = vehicle.on_board.clone();
                    match (&job.kind, first.visit) {
                        (JobKind::Service { delivery, pickup, .. }, _) => {
                            on_board.sub_assign(delivery);
                            on_board.add_assign(pickup);
                            starts.finished[j.index()] = true;
                        }
                        (JobKind::Shipment { load, .. }, Visit::Pickup(_)) => {
                            on_board.add_assign(load);
                            starts.picked_at[j.index()] = Some((v, leave));
                        }
                        (JobKind::Shipment { load, .. }, _) => {
                            on_board.sub_assign(load);
                            starts.finished[j.index()] = true;
                        }
                    }
                    let driven =
                        vehicle.driven.saturating_add(travel.distance(vehicle.position.index(), first.site.index()));
                    Start { site: first.site, time: leave, on_board, committed: Some(first.visit), driven }
                }
                None => Start {
                    site: vehicle.position,
                    // A vehicle not dispatched yet may leave as soon as its shift opens.
                    time: if vehicle.started {
                        vehicle.ready.max(now)
                    } else {
                        problem.vehicle_type(vehicle.vehicle_type).shift.open.max(now)
                    },
                    on_board: vehicle.on_board.clone(),
                    committed: None,
                    driven: vehicle.driven,
                },
            };
            starts.starts.push(start);
        }
        starts
    }

    /// The jobs left (re-plan ids), with the windows they must keep, the vehicle holding their
    /// goods, and the routes as they are after the committed stops.
    fn remaining_work(&self, starts: &Starts) -> Work {
        let day_jobs = self.problem.jobs();
        let grace = self.options.late_grace;
        // The promise and ETA of every stop on a route (the committed ones aside).
        let mut planned: Vec<Option<(TimeWindow, Duration)>> = vec![None; 2 * day_jobs.len()];
        for (vehicle, start) in self.vehicles.iter().zip(&starts.starts) {
            let skip = usize::from(start.committed.is_some());
            for stop in vehicle.remaining.iter().skip(skip) {
                if let Some(slot) = planned.get_mut(stop_key(stop.visit)) {
                    *slot = Some((stop.promised, stop.eta));
                }
            }
        }
        // A promised stop must start by the end of its promise or, if already later, by its
        // ETA, and may start as early as its own window allows: the current order is always
        // feasible, and no re-plan makes a promised stop later than that. A stop never promised
        // keeps its own windows, closing `grace` later.
        let windows_of = |stop: &Stop, visit: Visit, ride_limit: Option<Duration>| -> Vec<TimeWindow> {
            match planned.get(stop_key(visit)).copied().flatten() {
                Some((promised, eta)) => {
                    let open = if stop.windows.is_empty() {
                        Duration::ZERO
                    } else {
                        stop.windows.iter().find(|w| w.close >= promised.open).map_or(promised.open, |w| w.open)
                    };
                    let close = promised.close.min(ride_limit.unwrap_or(Duration::MAX));
                    vec![TimeWindow::new(open.min(eta), close.max(eta))]
                }
                None => {
                    let mut windows = relax(&stop.windows, grace);
                    if let Some(limit) = ride_limit {
                        windows.retain(|w| w.open <= limit);
                        for w in &mut windows {
                            w.close = w.close.min(limit);
                        }
                        if windows.is_empty() {
                            windows.push(TimeWindow::new(limit, limit));
                        }
                    }
                    windows
                }
            }
        };
        let promise_close = |visit: Visit| planned.get(stop_key(visit)).copied().flatten().map(|(p, _)| p.close);

        let mut work = Work::default();
        let mut cand_of: Vec<Option<JobId>> = vec![None; day_jobs.len()];
        for (j, job) in day_jobs.iter().enumerate() {
            let day_id = JobId::from_index(j);
            if starts.finished[j] || self.status[j].is_closed() {
                continue;
            }
            let mut holder = self.loaded[j].map(VehicleId::index);
            let deadline = match (&job.kind, starts.picked_at[j]) {
                (JobKind::Shipment { .. }, Some(_)) => [promise_close(Visit::Delivery(day_id)), None],
                (JobKind::Shipment { .. }, None) => {
                    [promise_close(Visit::Pickup(day_id)), promise_close(Visit::Delivery(day_id))]
                }
                (JobKind::Service { .. }, _) => [promise_close(Visit::Service(day_id)), None],
            };
            let mut job = match (&job.kind, starts.picked_at[j]) {
                (JobKind::Shipment { delivery, load, max_ride, .. }, Some((v, at))) => {
                    // On board: a delivery from where the vehicle is.
                    holder = Some(v);
                    let limit = max_ride.map(|r| at.saturating_add(r));
                    let mut stop = delivery.clone();
                    stop.windows = windows_of(delivery, Visit::Delivery(day_id), limit);
                    let mut converted = Job::delivery(job.name.clone(), stop, load.clone());
                    converted.priority = job.priority;
                    converted.skills.clone_from(&job.skills);
                    converted
                }
                (JobKind::Service { stop, .. }, _) => {
                    if delivery_of(job).is_some() && holder.is_none() {
                        continue; // its goods are on no vehicle
                    }
                    let mut job = job.clone();
                    if let JobKind::Service { stop: s, .. } = &mut job.kind {
                        s.windows = windows_of(stop, Visit::Service(day_id), None);
                    }
                    job
                }
                (JobKind::Shipment { pickup, delivery, .. }, None) => {
                    let mut job = job.clone();
                    if let JobKind::Shipment { pickup: p, delivery: d, .. } = &mut job.kind {
                        p.windows = windows_of(pickup, Visit::Pickup(day_id), None);
                        d.windows = windows_of(delivery, Visit::Delivery(day_id), None);
                    }
                    job
                }
            };
            // Release times say when a trip may leave the depot: they have no meaning mid-day.
            job.release = Duration::ZERO;
            cand_of[j] = Some(JobId::from_index(work.jobs.len()));
            work.jobs.push(job);
            work.day_of.push(day_id);
            work.pinned.push(holder);
            work.deadlines.push(deadline);
        }

        let jobs = &work.jobs;
        let to_cand = |visit: Visit| -> Option<Visit> {
            let c = cand_of.get(visit.job()?.index()).copied().flatten()?;
            Some(match (&jobs[c.index()].kind, visit) {
                (JobKind::Service { .. }, _) => Visit::Service(c),
                (_, Visit::Pickup(_)) => Visit::Pickup(c),
                _ => Visit::Delivery(c),
            })
        };
        let current = self
            .vehicles
            .iter()
            .zip(&starts.starts)
            .map(|(v, s)| {
                let skip = usize::from(s.committed.is_some());
                v.remaining.iter().skip(skip).filter_map(|s| to_cand(s.visit)).collect()
            })
            .collect();
        work.current = current;
        work
    }

    /// One vehicle type per vehicle, where and when it starts, with the room its route may use
    /// (capacity less what is on board, plus the deliveries of its route, which the route's
    /// start load counts again), and limits no tighter than what the current route needs.
    fn replan_vehicle_types(&self, starts: &Starts, work: &Work) -> Vec<VehicleType> {
        let (day_jobs, travel) = (self.problem.jobs(), self.problem.travel());
        let mut vts = Vec::with_capacity(self.vehicles.len());
        for (v, (vehicle, start)) in self.vehicles.iter().zip(&starts.starts).enumerate() {
            let base = self.problem.vehicle_type(vehicle.vehicle_type);
            // A vehicle loaded beyond its capacity (stops reported out of order) is held to the
            // load it has: it may pick up only what it delivers.
            let mut capacity = base.capacity.clone();
            capacity.sub_assign(&start.on_board);
            let mut capacity = clamp_zero(capacity);
            for (job, _) in work.jobs.iter().zip(&work.pinned).filter(|(_, p)| **p == Some(v)) {
                if let Some(d) = delivery_of(job) {
                    capacity.add_assign(d);
                }
            }
            let skip = usize::from(start.committed.is_some());
            let rest = vehicle.remaining.get(skip..).unwrap_or(&[]);
            let last_departure = rest.last().and_then(|s| {
                s.visit.job().map(|j| s.eta.saturating_add(stop_of(&day_jobs[j.index()], s.visit).service))
            });
            let current_end = vehicle.end_eta.or(last_departure).unwrap_or(start.time).max(start.time);
            let mut current_distance = Distance::ZERO;
            let mut prev = start.site;
            for site in rest.iter().map(|s| s.site).chain(base.end) {
                current_distance = current_distance.saturating_add(travel.distance(prev.index(), site.index()));
                prev = site;
            }
            let label = format!("{} ({})", base.name, VehicleId(v as u32));
            let mut vt = VehicleType::new(label, 1, capacity, start.site);
            vt.end = base.end;
            vt.shift = TimeWindow::new(start.time, base.shift.close.max(current_end));
            vt.max_duration = base.max_duration.map(|d| {
                let used = start.time.get().saturating_sub(vehicle.departure.get());
                Duration(d.get().saturating_sub(used)).max(current_end - start.time).max(Duration::ZERO)
            });
            vt.max_distance = base.max_distance.map(|d| (d - start.driven).max(current_distance).max(Distance::ZERO));
            vt.skills.clone_from(&base.skills);
            vts.push(vt);
        }
        vts
    }

    /// The re-plan's problem (routed jobs, and unrouted ones some vehicle could carry), the
    /// checker's verdict, and the routes back in the day's ids.
    fn finish_replan(
        &self,
        starts: &Starts,
        work: &Work,
        vts: Vec<VehicleType>,
        routes: Vec<Vec<Visit>>,
    ) -> Result<Replan, Error> {
        let (problem, now) = (&self.problem, self.now);
        let jobs = &work.jobs;
        let mut vehicle_of: Vec<Option<usize>> = vec![None; jobs.len()];
        for (v, route) in routes.iter().enumerate() {
            for c in route.iter().filter_map(|visit| visit.job()) {
                vehicle_of[c.index()] = Some(v);
            }
        }
        let mut final_of: Vec<Option<JobId>> = vec![None; jobs.len()];
        let mut final_jobs = Vec::new();
        let mut final_day = Vec::new();
        for (c, job) in jobs.iter().enumerate() {
            let carried =
                vts.iter().any(|vt| fits(job, &vt.capacity) && job.skills.iter().all(|s| vt.skills.contains(s)));
            if vehicle_of[c].is_some() || carried {
                final_of[c] = Some(JobId::from_index(final_jobs.len()));
                final_jobs.push(job.clone());
                final_day.push(work.day_of[c]);
            }
        }
        let to_final = |visit: &Visit| -> Option<Visit> {
            let f = final_of.get(visit.job()?.index()).copied().flatten()?;
            Some(match visit {
                Visit::Pickup(_) => Visit::Pickup(f),
                Visit::Delivery(_) => Visit::Delivery(f),
                _ => Visit::Service(f),
            })
        };
        let as_solution = |routes: &[Vec<Visit>]| {
            let routes: Vec<Route> = routes
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.is_empty())
                .map(|(v, r)| Route::new(VehicleTypeId::from_index(v), r.iter().filter_map(to_final).collect()))
                .collect();
            let mut served = vec![false; final_jobs.len()];
            for j in routes.iter().flat_map(|r| &r.visits).filter_map(|v| v.job()) {
                served[j.index()] = true;
            }
            let unassigned = (0..final_jobs.len()).filter(|&f| !served[f]).map(JobId::from_index).collect();
            Solution { routes, unassigned }
        };
        let solution = as_solution(&routes);
        let before = as_solution(&work.current);
        let data = ProblemData {
            name: format!("{} at {}", problem.name(), now.hhmm()),
            dimensions: problem.dimensions().to_vec(),
            sites: problem.sites().to_vec(),
            jobs: final_jobs.clone(),
            vehicle_types: vts,
            travel: problem.travel().clone(),
            ..ProblemData::default()
        };
        let replan_problem = data.validate()?;
        let checked = check_solution(&replan_problem, &solution);
        if !checked.is_feasible() {
            let violations = checked.violations.iter().map(ToString::to_string).collect();
            return Err(Error::CheckFailed { what: "the re-plan", violations });
        }
        let distance_before = check_solution(&replan_problem, &before).distance;

        // Back to the day's ids, committed stops first, and what changed.
        let day_jobs = problem.jobs();
        let to_day = |visit: &Visit| -> Option<Visit> {
            let d = *work.day_of.get(visit.job()?.index())?;
            Some(match (&day_jobs[d.index()].kind, visit) {
                (JobKind::Shipment { .. }, Visit::Pickup(_)) => Visit::Pickup(d),
                (JobKind::Shipment { .. }, _) => Visit::Delivery(d),
                _ => Visit::Service(d),
            })
        };
        let day_routes: Vec<Vec<Visit>> = routes
            .iter()
            .zip(&starts.starts)
            .map(|(r, s)| s.committed.into_iter().chain(r.iter().filter_map(to_day)).collect())
            .collect();
        let (mut placed, mut dropped, mut moved) = (Vec::new(), Vec::new(), Vec::new());
        for (c, &d) in work.day_of.iter().enumerate() {
            let before = work.current.iter().position(|r| r.iter().any(|v| v.job() == Some(JobId::from_index(c))));
            match (before, vehicle_of[c]) {
                (None, Some(_)) => placed.push(d),
                (Some(_), None) => dropped.push(d),
                (Some(a), Some(b)) if a != b => moved.push(d),
                _ => {}
            }
        }
        let late_before =
            self.vehicles.iter().flat_map(|v| &v.remaining).filter(|s| s.status == EtaStatus::Late).count();
        let report = ReplanReport {
            at: now,
            problem: replan_problem,
            solution,
            jobs: final_day,
            placed,
            dropped,
            moved,
            late_before,
            late_after: 0,
            distance_before,
            distance_after: checked.distance,
        };
        let restart = self
            .vehicles
            .iter()
            .zip(&starts.starts)
            .map(|(vehicle, s)| (!vehicle.started && s.committed.is_none()).then_some(s.time))
            .collect();
        Ok(Replan { report, routes: day_routes, restart })
    }

    /// Applies a computed re-plan: new remaining routes (stops keep their promise), statuses,
    /// promises for stops new to the routes, ETA refresh.
    fn commit(&mut self, replan: Replan, on_alert: &mut dyn FnMut(&EtaAlert)) -> ReplanReport {
        let Replan { mut report, routes, restart } = replan;
        let key = stop_key;
        let mut previous: Vec<Option<(TimeWindow, EtaStatus)>> = vec![None; 2 * self.status.len()];
        for stop in self.vehicles.iter().flat_map(|v| &v.remaining) {
            if let Some(slot) = previous.get_mut(key(stop.visit)) {
                *slot = Some((stop.promised, stop.status));
            }
        }
        for &d in report.jobs.iter().chain(&report.dropped) {
            if let Some(status) = self.status.get_mut(d.index()) {
                if matches!(status, JobStatus::Planned { .. }) {
                    *status = JobStatus::Open;
                }
            }
        }
        let jobs = self.problem.jobs();
        let mut fresh = vec![false; previous.len()];
        for (v, route) in routes.into_iter().enumerate() {
            let vehicle = VehicleId(v as u32);
            let mut remaining = Vec::with_capacity(route.len());
            for visit in route {
                let Some(j) = visit.job() else { continue };
                let site = stop_of(&jobs[j.index()], visit).site;
                let k = key(visit);
                let (promised, status) = match previous.get(k).copied().flatten() {
                    Some(p) => p,
                    None => {
                        if let Some(f) = fresh.get_mut(k) {
                            *f = true;
                        }
                        (TimeWindow::new(Duration::ZERO, Duration::ZERO), EtaStatus::OnTime)
                    }
                };
                if let Some(s) = self.status.get_mut(j.index()) {
                    if matches!(s, JobStatus::Open | JobStatus::Planned { .. }) {
                        *s = JobStatus::Planned { vehicle };
                    }
                }
                remaining.push(PlannedStop {
                    visit,
                    site,
                    arrival: Duration::ZERO,
                    eta: Duration::ZERO,
                    promised,
                    status,
                });
            }
            if let Some(vehicle) = self.vehicles.get_mut(v) {
                vehicle.remaining = remaining;
            }
        }
        // A vehicle not dispatched yet leaves as late as its new route allows.
        for (v, start) in restart.iter().enumerate() {
            let Some(start) = *start else { continue };
            let Some(vehicle) = self.vehicles.get(v) else { continue };
            let first = vehicle.remaining.first().and_then(|s| s.visit.job().map(|j| (s, j)));
            let leave = match first {
                Some((first, j)) => {
                    let stop = stop_of(&jobs[j.index()], first.visit);
                    let drive = self.problem.travel().duration(vehicle.position.index(), stop.site.index());
                    let arrival = start.saturating_add(drive);
                    start.saturating_add(service_start(&stop.windows, arrival) - arrival)
                }
                None => start,
            };
            if let Some(vehicle) = self.vehicles.get_mut(v) {
                vehicle.departure = leave;
                vehicle.ready = leave;
            }
        }
        let all: Vec<usize> = (0..self.vehicles.len()).collect();
        self.promise_new_stops(&all, |visit| fresh.get(key(visit)).copied().unwrap_or(false));
        self.replans = self.replans.saturating_add(1);
        self.refresh(on_alert);
        report.late_after =
            self.vehicles.iter().flat_map(|v| &v.remaining).filter(|s| s.status == EtaStatus::Late).count();
        report
    }
}
