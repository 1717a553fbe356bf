//! What the solver returns: the routes as a model [`Solution`], each route's timetable, the
//! cost breakdown, and the jobs left out with the reason.

use std::time::Duration as WallDuration;

use milkrun_model::{
    BreakId, Distance, Duration, JobId, Load, Money, Problem, Route, SiteId, Solution, StopTime, VehicleTypeId, Visit,
};

use crate::data::{Data, NO_PARTNER};
use crate::error::RoutingError;
use crate::route::{Acc, Eval, Plain, Tours, Weights};

/// Why a job is on no route.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnassignedReason {
    /// Its load exceeds the capacity of every vehicle type in some dimension.
    TooLarge {
        /// The load dimension.
        dim: usize,
    },
    /// No vehicle type can reach it within its time window and return within its shift and
    /// maximum duration, even serving it alone (for a shipment with a maximum ride time: or
    /// the direct trip from its pickup to its delivery takes longer than that).
    Unreachable,
    /// No vehicle type can serve it alone within its maximum distance.
    TooFar,
    /// It is optional and serving it would cost more than its penalty.
    NotWorthIt,
    /// It is required but no route could take it (every vehicle in use); the solution is
    /// infeasible.
    NoVehicleLeft,
}

/// A job left out, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unassigned {
    /// The job.
    pub job: JobId,
    /// Why.
    pub reason: UnassignedReason,
}

/// The timetable and totals of one route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSchedule {
    /// Vehicle type.
    pub vehicle_type: VehicleTypeId,
    /// Start, every visit, end: arrival, wait, service start, departure, load on board after.
    pub stops: Vec<StopTime>,
    /// Route distance.
    pub distance: Distance,
    /// Route duration (departure to return, the least possible for this sequence).
    pub duration: Duration,
    /// Fixed + distance + duration cost.
    pub cost: Money,
}

/// Cost totals of a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CostBreakdown {
    /// Fixed costs of the vehicles used.
    pub fixed: Money,
    /// Per-distance costs.
    pub distance: Money,
    /// Per-duration costs.
    pub duration: Money,
    /// Penalties of optional jobs left out.
    pub unassigned: Money,
    /// Sum of the above.
    pub total: Money,
    /// Total distance.
    pub total_distance: Distance,
    /// Total duration.
    pub total_duration: Duration,
    /// Vehicles used.
    pub vehicles: usize,
}

/// The solver's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Solved {
    /// Routes (non-empty only) and unassigned jobs, as the model's plain solution.
    pub solution: Solution,
    /// One schedule per route of `solution`, same order.
    pub schedules: Vec<RouteSchedule>,
    /// Costs.
    pub cost: CostBreakdown,
    /// Whether every constraint holds (otherwise the best infeasible solution found).
    pub feasible: bool,
    /// Jobs left out and why.
    pub unassigned: Vec<Unassigned>,
    /// Iterations of the search that produced it.
    pub iterations: u64,
    /// Wall time of the solve.
    pub elapsed: WallDuration,
}

/// Converts a model solution into route slots for a warm start.
pub(crate) fn plain_from_solution(data: &Data, problem: &Problem, warm: &Solution) -> Result<Plain, RoutingError> {
    let tours = Tours::new(data);
    let mut plain: Plain = vec![Vec::new(); tours.routes.len()];
    let mut next = tours.type_start.clone();
    let mut seen = vec![false; data.n];
    for (k, route) in warm.routes.iter().enumerate() {
        if route.visits.is_empty() {
            continue;
        }
        let t = route.vehicle_type.index();
        if t >= data.vtypes.len() {
            return Err(RoutingError::WarmStart(format!("route {k}: unknown vehicle type {}", route.vehicle_type)));
        }
        if next[t] >= tours.type_start[t] + data.vtypes[t].count {
            return Err(RoutingError::WarmStart(format!(
                "route {k}: more routes of vehicle type '{}' than vehicles",
                problem.vehicle_types()[t].name
            )));
        }
        let slot = &mut plain[next[t]];
        next[t] += 1;
        for visit in &route.visits {
            // The engine places breaks itself.
            if let Visit::Break(_) = *visit {
                continue;
            }
            if let Visit::Reload(site) = *visit {
                let loc = (0..data.n_depots as u32)
                    .find(|&l| data.depot_site[l as usize] == site.index() && data.vtypes[t].may_reload_at(l));
                let Some(loc) = loc else {
                    return Err(RoutingError::WarmStart(format!(
                        "route {k}: vehicle type '{}' may not reload at {site}",
                        problem.vehicle_types()[t].name
                    )));
                };
                slot.push(loc);
                continue;
            }
            let (Visit::Service(job) | Visit::Pickup(job) | Visit::Delivery(job)) = *visit else {
                return Err(RoutingError::WarmStart(format!("route {k}: {visit:?} is not a job's visit")));
            };
            let Some(&first) = data.loc_of_job.get(job.index()) else {
                return Err(RoutingError::WarmStart(format!("route {k}: {job} does not exist")));
            };
            let shipment = data.partner[first as usize] != NO_PARTNER;
            let loc = match *visit {
                Visit::Service(_) if !shipment => first,
                Visit::Pickup(_) if shipment => first,
                Visit::Delivery(_) if shipment => first + 1,
                _ => {
                    let kind = if shipment { "a paired shipment" } else { "a single-stop job" };
                    return Err(RoutingError::WarmStart(format!("route {k}: {visit:?}, but {job} is {kind}")));
                }
            };
            if std::mem::replace(&mut seen[loc as usize], true) {
                return Err(RoutingError::WarmStart(format!("{visit:?} is made twice")));
            }
            if shipment && loc == first + 1 && !slot.contains(&first) {
                return Err(RoutingError::WarmStart(format!(
                    "route {k}: {job} is delivered before it is picked up on this route"
                )));
            }
            slot.push(loc);
        }
    }
    // Each shipment whole: both halves (on one route, pickup first: checked above) or neither.
    for c in data.clients() {
        if data.is_pickup_half(c as u32) && seen[c] != seen[c + 1] {
            let job = JobId::from_index(data.job[c]);
            return Err(RoutingError::WarmStart(format!("{job} is picked up but not delivered")));
        }
    }
    Ok(plain)
}

/// Builds the answer from the best route slots; in debug builds, checks it independently.
pub(crate) fn solved(data: &Data, problem: &Problem, plain: &Plain, iterations: u64, elapsed: WallDuration) -> Solved {
    let mut tours = Tours::new(data);
    tours.load(data, plain, 1);
    let summary = tours.summary(data);
    let zero = Eval { w: Weights { load: 0, warp: 0, dist: 0 } };
    let mut solution = Solution::default();
    let mut schedules = Vec::new();
    let mut cost = CostBreakdown::default();
    for route in tours.routes.iter().filter(|r| !r.is_empty()) {
        let vt = &data.vtypes[route.vt];
        let acc = route.totals(data);
        let visits_at = &route.nodes[1..route.nodes.len() - 1];
        let departure =
            if data.has_time { acc.dur.start().max(vt.open).min(acc.dur.late.max(vt.open)) } else { vt.open };
        let route_cost = zero.cost_of(data, vt, &acc);
        // Trips: the visits between reloads; each trip's release and deliveries.
        let trips: Vec<&[u32]> = visits_at.split(|&c| data.is_depot(c)).collect();
        let trip_release = |k: usize| trips[k].iter().map(|&c| data.release[c as usize]).max().unwrap_or(0);

        // Timetable from the chosen departure.
        let vtype = VehicleTypeId::from_index(route.vt);
        let model_vt = problem.vehicle_type(vtype);
        let dims = problem.dimensions().len().max(1);
        let trip_load = |k: usize| {
            let mut load = Load::zero(dims);
            for &c in trips[k] {
                for (d, x) in data.delivery[c as usize].iter().take(dims).enumerate() {
                    load.0[d] += x;
                }
            }
            load
        };
        let mut load = trip_load(0);
        let mut trip = 0;
        let mut stops = Vec::with_capacity(visits_at.len() + 2);
        let t0 = Duration(departure);
        stops.push(StopTime {
            visit: None,
            site: model_vt.start,
            arrival: t0,
            wait: Duration::ZERO,
            start: t0,
            departure: t0,
            load_after: load.clone(),
        });
        let mut t = departure;
        let mut prev = route.nodes[0];
        let mut visits = Vec::with_capacity(visits_at.len());
        // Breaks: (position in `route.nodes` they are taken before, rule), in order.
        let placed = if data.has_breaks { crate::breaks::placed(data, route) } else { Vec::new() };
        let mut next_break = 0;
        let mut at_site = model_vt.start;
        let mut take_breaks =
            |p: usize, t: &mut i64, at_site: SiteId, visits: &mut Vec<Visit>, stops: &mut Vec<StopTime>| {
                while let Some(&(_, k)) = placed.get(next_break).filter(|&&(q, _)| q == p) {
                    next_break += 1;
                    let rule = &vt.breaks[k];
                    let start = (*t).max(rule.open);
                    let visit = Visit::Break(BreakId::from_index(k));
                    visits.push(visit);
                    stops.push(StopTime {
                        visit: Some(visit),
                        site: at_site,
                        arrival: Duration(*t),
                        wait: Duration(start - *t),
                        start: Duration(start),
                        departure: Duration(start + rule.duration),
                        load_after: stops.last().map_or_else(|| Load::zero(dims), |s: &StopTime| s.load_after.clone()),
                    });
                    *t = start + rule.duration;
                }
            };
        for (i, &c) in visits_at.iter().enumerate() {
            take_breaks(i + 1, &mut t, at_site, &mut visits, &mut stops);
            let ci = c as usize;
            if data.is_depot(c) {
                let arrival = t + data.t(prev, c);
                trip += 1;
                t = (arrival + vt.reload_time).max(trip_release(trip));
                load = trip_load(trip);
                let site = SiteId::from_index(data.depot_site[ci]);
                visits.push(Visit::Reload(site));
                stops.push(StopTime {
                    visit: Some(Visit::Reload(site)),
                    site,
                    arrival: Duration(arrival),
                    wait: Duration::ZERO,
                    start: Duration(arrival),
                    departure: Duration(t),
                    load_after: load.clone(),
                });
                prev = c;
                at_site = site;
                continue;
            }
            let arrival = t + data.t(prev, c);
            let (start, _) = data.service_start(c, arrival);
            t = start + data.service[ci];
            for k in 0..dims {
                load.0[k] += data.pickup[ci][k] - data.delivery[ci][k];
            }
            let job = JobId::from_index(data.job[ci]);
            let (visit, stop) = match data.partner[ci] {
                NO_PARTNER => (Visit::Service(job), 0),
                q if q > c => (Visit::Pickup(job), 0),
                _ => (Visit::Delivery(job), 1),
            };
            visits.push(visit);
            let site = problem.jobs()[data.job[ci]].stops()[stop].site;
            stops.push(StopTime {
                visit: Some(visit),
                site,
                arrival: Duration(arrival),
                wait: Duration(start - arrival),
                start: Duration(start),
                departure: Duration(t),
                load_after: load.clone(),
            });
            prev = c;
            at_site = site;
        }
        take_breaks(visits_at.len() + 1, &mut t, at_site, &mut visits, &mut stops);
        let end_site: SiteId = model_vt.end.unwrap_or(stops.last().map_or(model_vt.start, |s| s.site));
        let arrival = Duration(if model_vt.end.is_some() { t + data.t(prev, vt.end) } else { t });
        stops.push(StopTime {
            visit: None,
            site: end_site,
            arrival,
            wait: Duration::ZERO,
            start: arrival,
            departure: arrival,
            load_after: load,
        });
        // Without time constraints the timetable has no waiting: its length is the duration.
        let duration_total = if data.has_time { acc.dur.duration } else { arrival.get() - departure };
        cost.fixed += Money(vt.fixed);
        cost.distance += Money(vt.unit_distance * acc.dist);
        cost.duration += Money(vt.unit_duration * duration_total);
        cost.total_distance += Distance(acc.dist);
        cost.total_duration += Duration(duration_total);
        cost.vehicles += 1;
        let mut r = Route::new(vtype, visits);
        if data.has_time {
            r.departure = Some(t0);
        }
        solution.routes.push(r);
        schedules.push(RouteSchedule {
            vehicle_type: vtype,
            stops,
            distance: Distance(acc.dist),
            duration: Duration(duration_total),
            cost: Money(route_cost),
        });
    }
    let mut unassigned = Vec::new();
    for c in data.clients() {
        // (A shipment is reported once, by its pickup.)
        let delivery_half = data.partner[c] != NO_PARTNER && !data.is_pickup_half(c as u32);
        if tours.assigned(c as u32) || delivery_half {
            continue;
        }
        let job = JobId::from_index(data.job[c]);
        solution.unassigned.push(job);
        if !data.required[c] {
            cost.unassigned += Money(data.prize[c]);
        }
        unassigned.push(Unassigned { job, reason: reason(data, c) });
    }
    cost.total = cost.fixed + cost.distance + cost.duration + cost.unassigned;
    debug_assert_eq!(cost.total.get(), summary.cost, "output cost differs from the search's");
    let solved = Solved { solution, schedules, cost, feasible: summary.feasible(), unassigned, iterations, elapsed };
    #[cfg(debug_assertions)]
    verify(problem, &solved);
    solved
}

/// Why client `c` is left out.
fn reason(data: &Data, c: usize) -> UnassignedReason {
    for k in 0..data.dims {
        let need = data.delivery[c][k].max(data.pickup[c][k]);
        if data.vtypes.iter().all(|v| need > v.capacity[k]) {
            return UnassignedReason::TooLarge { dim: k };
        }
    }
    let alone = |t: usize| {
        let acc = Acc::start(&data.vtypes[t]).node(data, c as u32);
        let q = data.partner[c];
        let acc = if q == NO_PARTNER { acc } else { acc.node(data, q) };
        acc.end(data, &data.vtypes[t])
    };
    if (0..data.vtypes.len()).all(|t| alone(t).dist > data.vtypes[t].max_distance) {
        return UnassignedReason::TooFar;
    }
    if data.has_time && (0..data.vtypes.len()).all(|t| alone(t).dur.route_warp(data.vtypes[t].max_duration) > 0) {
        return UnassignedReason::Unreachable;
    }
    let q = data.partner[c];
    if q != NO_PARTNER && data.t(c as u32, q) > data.max_ride[q as usize] {
        return UnassignedReason::Unreachable;
    }
    if data.required[c] {
        UnassignedReason::NoVehicleLeft
    } else {
        UnassignedReason::NotWorthIt
    }
}

/// Debug builds: the independent checker must agree with the engine on feasibility, cost and
/// every route's distance and duration.
#[cfg(debug_assertions)]
fn verify(problem: &Problem, solved: &Solved) {
    let report = milkrun_model::check_solution(problem, &solved.solution);
    assert_eq!(
        report.is_feasible(),
        solved.feasible,
        "checker and engine disagree on feasibility: {:?}",
        report.violations
    );
    if solved.feasible {
        assert_eq!(report.cost(), solved.cost.total, "checker and engine disagree on the cost");
        for (r, s) in report.routes.iter().zip(&solved.schedules) {
            assert_eq!((r.distance, r.duration), (s.distance, s.duration), "checker and engine disagree on a route");
        }
    }
}
