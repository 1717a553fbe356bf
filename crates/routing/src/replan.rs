//! Re-planning during the day: the rest of a day's plan after some of it has happened.
//!
//! Vehicles that have left keep what they did (their done visits are locked), start the rest
//! from where they are and when they are free there, and keep the goods they carry: a delivery
//! loaded on a vehicle that has left can only be made by that vehicle, and a delivery still at
//! the depot only by a vehicle that has not left. Jobs can be added (appended to the problem
//! after the previous plan's jobs) and cancelled. The rest is re-optimised by the engine,
//! starting from what was left of the previous plan (a warm start), so unchanged parts stay as
//! they were unless the engine finds something cheaper.
//!
//! # How the rest of the day is modelled
//! [`replan`] builds a *rest-of-day problem* from the day's problem and solves it:
//! - each vehicle on the road becomes a vehicle type of its own (count 1) starting at its
//!   position, its shift opening when it is free there, its capacity less what it picked up
//!   so far (that stays on board until the end), its distance and duration limits less what it
//!   has used, and no fixed cost (it is in use already);
//! - the vehicles still at the depot keep their types, their counts less the vehicles on the
//!   road;
//! - the jobs done and the jobs cancelled are left out;
//! - two kinds of skills are added: *on board of route r* (the deliveries a vehicle on the
//!   road carries need it, only that vehicle has it) and *loads at the depot* (deliveries not
//!   loaded yet need it, only vehicles at the depot have it).
//!
//! The rest-of-day problem is returned with its solution, and the whole day is given back in
//! the day's own terms ([`Replanned::plan`]): the done visits followed by the new ones.

use milkrun_model::{Distance, Duration, Job, JobId, Problem, Route, SiteId, Solution, VehicleTypeId, Visit};

use crate::error::RoutingError;
use crate::output::Solved;
use crate::solver::Solver;

/// Where a vehicle of the previous plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VehicleProgress {
    /// Index of its route in the previous plan.
    pub route: usize,
    /// How many visits of that route are done (a prefix).
    pub done: usize,
    /// Where the vehicle is, or will be when it is next free (the site of its last done visit,
    /// or the stop it is driving to if that is where it will continue from).
    pub at: SiteId,
    /// When it is free there.
    pub time: Duration,
}

/// Where a vehicle type of the rest-of-day problem comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VehicleOrigin {
    /// A vehicle on the road: the previous plan's route with this index.
    OnTheRoad {
        /// The route's index in the previous plan.
        route: usize,
    },
    /// Vehicles still at the depot, of this type of the day's problem.
    AtDepot {
        /// The day's vehicle type.
        vehicle_type: VehicleTypeId,
    },
}

/// The result of [`replan`].
#[derive(Debug, Clone)]
pub struct Replanned {
    /// The rest-of-day problem that was solved.
    pub problem: Problem,
    /// Its solution (routes in the rest-of-day problem's terms).
    pub solved: Solved,
    /// Per vehicle type of `problem`, where it comes from.
    pub vehicles: Vec<VehicleOrigin>,
    /// Per job of `problem`, its id in the day's problem.
    pub jobs: Vec<JobId>,
    /// The whole day in the day's terms: first the routes of the vehicles on the road (their
    /// done visits, then the new ones; in the order of the progress list), then the routes of
    /// vehicles leaving the depot. Jobs neither done nor routed are in `unassigned`.
    pub plan: Solution,
}

/// Re-plans the rest of the day: see the [module documentation](self).
///
/// # Arguments
/// * `problem`: the day's problem, with jobs added since the previous plan appended after the
///   jobs the previous plan knew.
/// * `previous`: the plan being carried out (routes in `problem`'s vehicle types and job ids).
/// * `progress`: one entry per vehicle on the road; routes of `previous` without an entry have
///   not left.
/// * `cancelled`: jobs of `problem` no longer to be served (none of them done).
/// * `solver`: the engine settings (seed, iterations, time).
///
/// # Errors
/// [`RoutingError::Replan`] naming the route or job when the inputs do not fit together (a
/// progress entry for an unknown route, twice for one route, more visits done than the route
/// has, an unknown site, a cancelled job that is done or unknown, a previous plan naming jobs
/// or vehicle types the problem does not have, more routes of a type than vehicles);
/// [`RoutingError::Unsupported`] naming the first paired shipment of `problem` (re-planning does
/// not handle them yet) or for problems the engine does not handle, and the rest-of-day problem's validation errors as
/// [`RoutingError::Replan`].
pub fn replan(
    problem: &Problem,
    previous: &Solution,
    progress: &[VehicleProgress],
    cancelled: &[JobId],
    solver: &Solver,
) -> Result<Replanned, RoutingError> {
    let bad = |what: String| RoutingError::Replan(what);
    let jobs = problem.jobs();
    // What a vehicle on the road has picked up would have to become a delivery from it, a job
    // kind the model does not have yet.
    if let Some(job) = jobs.iter().find(|j| matches!(j.kind, milkrun_model::JobKind::Shipment { .. })) {
        return Err(RoutingError::Unsupported {
            item: format!("job '{}'", job.name),
            feature: "re-planning with paired shipments",
        });
    }
    let types = problem.vehicle_types();
    // A driver on the road may have taken breaks already: the rest of the day would need the
    // breaks' state (driving so far, windows done) as a start, which the engine cannot take yet.
    if let Some(vt) = types.iter().find(|v| !v.breaks.is_empty()) {
        return Err(RoutingError::Unsupported {
            item: format!("vehicle type '{}'", vt.name),
            feature: "re-planning with driver breaks",
        });
    }
    let mut used_of_type = vec![0u32; types.len()];
    for (r, route) in previous.routes.iter().enumerate() {
        let t = route.vehicle_type.index();
        let count = used_of_type.get_mut(t).ok_or_else(|| bad(format!("route {r}: unknown vehicle type {t}")))?;
        *count += 1;
        for visit in &route.visits {
            match *visit {
                Visit::Service(j) if j.index() < jobs.len() => {}
                Visit::Service(j) => return Err(bad(format!("route {r}: job {j} is not in the problem"))),
                Visit::Reload(site) if types[t].reload_sites.contains(&site) => {}
                Visit::Reload(site) => {
                    return Err(bad(format!("route {r}: vehicle type '{}' may not reload at {site}", types[t].name)))
                }
                _ => return Err(bad(format!("route {r}: {visit:?} is not a service visit or a reload"))),
            }
        }
    }
    for (t, &used) in used_of_type.iter().enumerate() {
        if used > types[t].count {
            return Err(bad(format!(
                "{used} routes of vehicle type '{}', which has {}",
                types[t].name, types[t].count
            )));
        }
    }
    let mut on_road: Vec<Option<VehicleProgress>> = vec![None; previous.routes.len()];
    for p in progress {
        let route =
            previous.routes.get(p.route).ok_or_else(|| bad(format!("progress for unknown route {}", p.route)))?;
        if p.done > route.visits.len() {
            return Err(bad(format!("route {}: {} visits done, but it has {}", p.route, p.done, route.visits.len())));
        }
        if p.at.index() >= problem.sites().len() {
            return Err(bad(format!("route {}: position {} is not a site", p.route, p.at)));
        }
        if on_road[p.route].replace(*p).is_some() {
            return Err(bad(format!("route {}: progress given twice", p.route)));
        }
    }
    let job_of = |v: &Visit| match *v {
        Visit::Service(j) => Some(j),
        _ => None,
    };
    let mut done = vec![false; jobs.len()];
    for p in progress {
        for j in previous.routes[p.route].visits[..p.done].iter().filter_map(job_of) {
            done[j.index()] = true;
        }
    }
    let mut gone = done.clone();
    for &j in cancelled {
        let slot = gone.get_mut(j.index()).ok_or_else(|| bad(format!("cancelled job {j} is not in the problem")))?;
        if done[j.index()] {
            return Err(bad(format!("cancelled job '{}' is done already", jobs[j.index()].name)));
        }
        *slot = true;
    }

    // The rest-of-day problem.
    let mut data = problem.data().clone();
    let base_skill = data.skills.len();
    let depot_skill = milkrun_model::SkillId::from_index(base_skill);
    data.skills.push("loads at the depot (re-planning)".into());
    let mut vehicles = Vec::new();
    let mut vehicle_types = Vec::new();
    // Skills a job needs beyond its own: on board of a route, or loading at the depot.
    let mut extra_skill: Vec<Option<milkrun_model::SkillId>> = vec![None; jobs.len()];
    for p in progress {
        let route = &previous.routes[p.route];
        let original = &types[route.vehicle_type.index()];
        let skill = milkrun_model::SkillId::from_index(data.skills.len());
        data.skills.push(format!("on board of route {} (re-planning)", p.route));
        let mut vt = original.clone();
        vt.name = format!("{} (route {}, on the road)", original.name, p.route);
        vt.count = 1;
        vt.start = p.at;
        vt.shift.open = vt.shift.open.max(p.time);
        vt.fixed_cost = milkrun_model::Money::ZERO;
        vt.skills.push(skill);
        // What it picked up since its last reload stays on board; what it delivered is gone.
        let mut capacity = vt.capacity.clone();
        let mut driven = 0i64;
        let mut at = original.start;
        for visit in &route.visits[..p.done] {
            let site = match *visit {
                Visit::Reload(site) => {
                    capacity = vt.capacity.clone();
                    site
                }
                Visit::Service(j) => match &jobs[j.index()].kind {
                    milkrun_model::JobKind::Service { stop, pickup, .. } => {
                        capacity.sub_assign(pickup);
                        stop.site
                    }
                    // (Refused above.)
                    milkrun_model::JobKind::Shipment { .. } => continue,
                },
                _ => continue,
            };
            driven += problem.travel().distance(at.index(), site.index()).get();
            at = site;
        }
        driven += problem.travel().distance(at.index(), p.at.index()).get();
        vt.capacity = milkrun_model::Load::new(capacity.amounts().iter().map(|&c| c.max(0)).collect());
        vt.max_distance = vt.max_distance.map(|d| Distance((d.get() - driven).max(0)));
        let departed = route.departure.unwrap_or(original.shift.open);
        let elapsed = (p.time.get() - departed.get()).max(0);
        vt.max_duration = vt.max_duration.map(|d| Duration((d.get() - elapsed).max(0)));
        // Deliveries still to come stay with it: this trip's are on board, later trips' are
        // loaded at its next reload.
        for j in route.visits[p.done..].iter().filter_map(job_of) {
            if let milkrun_model::JobKind::Service { delivery, .. } = &jobs[j.index()].kind {
                if delivery.amounts().iter().any(|&x| x != 0) && !gone[j.index()] {
                    extra_skill[j.index()] = Some(skill);
                }
            }
        }
        vehicles.push(VehicleOrigin::OnTheRoad { route: p.route });
        vehicle_types.push(vt);
    }
    let mut on_road_of_type = vec![0u32; types.len()];
    for p in progress {
        on_road_of_type[previous.routes[p.route].vehicle_type.index()] += 1;
    }
    for (t, original) in types.iter().enumerate() {
        let mut vt = original.clone();
        vt.count = original.count.saturating_sub(on_road_of_type[t]);
        vt.skills.push(depot_skill);
        vehicles.push(VehicleOrigin::AtDepot { vehicle_type: VehicleTypeId::from_index(t) });
        vehicle_types.push(vt);
    }
    data.vehicle_types = vehicle_types;
    let mut kept: Vec<JobId> = Vec::new();
    let mut new_jobs: Vec<Job> = Vec::new();
    for (j, job) in jobs.iter().enumerate() {
        if gone[j] {
            continue;
        }
        let mut job = job.clone();
        match extra_skill[j] {
            Some(skill) => job.skills.push(skill),
            None => {
                if let milkrun_model::JobKind::Service { delivery, .. } = &job.kind {
                    if delivery.amounts().iter().any(|&x| x != 0) {
                        job.skills.push(depot_skill);
                    }
                }
            }
        }
        kept.push(JobId::from_index(j));
        new_jobs.push(job);
    }
    data.jobs = new_jobs;
    let rest = data.validate().map_err(|e| bad(format!("rest-of-day problem: {e}")))?;

    // Warm start: what was left of each route.
    let mut new_id = vec![None; jobs.len()];
    for (k, j) in kept.iter().enumerate() {
        new_id[j.index()] = Some(JobId::from_index(k));
    }
    let remap = |visits: &[Visit]| -> Vec<Visit> {
        visits
            .iter()
            .filter_map(|v| match *v {
                Visit::Reload(site) => Some(Visit::Reload(site)),
                _ => job_of(v).and_then(|j| new_id[j.index()]).map(Visit::Service),
            })
            .collect()
    };
    let mut warm = Vec::new();
    for (k, p) in progress.iter().enumerate() {
        warm.push(Route::new(VehicleTypeId::from_index(k), remap(&previous.routes[p.route].visits[p.done..])));
    }
    for (r, route) in previous.routes.iter().enumerate() {
        if on_road[r].is_none() {
            let t = progress.len() + route.vehicle_type.index();
            warm.push(Route::new(VehicleTypeId::from_index(t), remap(&route.visits)));
        }
    }
    let warm = Solution { routes: warm, unassigned: Vec::new() };
    let solved = match solver.solve_from(&rest, &warm) {
        Ok(solved) => solved,
        // A previous plan that no longer fits the rest of the day as a start (it cannot, as
        // built above, but a warm start is only a hint): solve from scratch.
        Err(RoutingError::WarmStart(_)) => solver.solve(&rest)?,
        Err(e) => return Err(e),
    };

    // The whole day in the day's terms.
    let back = |visits: &[Visit]| -> Vec<Visit> {
        visits
            .iter()
            .filter_map(|v| match *v {
                Visit::Reload(site) => Some(Visit::Reload(site)),
                _ => job_of(v).map(|j| Visit::Service(kept[j.index()])),
            })
            .collect()
    };
    let mut routes = Vec::new();
    for (k, p) in progress.iter().enumerate() {
        let before = &previous.routes[p.route];
        let mut visits: Vec<Visit> = before.visits[..p.done].to_vec();
        for r in solved.solution.routes.iter().filter(|r| r.vehicle_type.index() == k) {
            visits.extend(back(&r.visits));
        }
        routes.push(Route { vehicle_type: before.vehicle_type, visits, departure: before.departure });
    }
    for r in &solved.solution.routes {
        if let Some(VehicleOrigin::AtDepot { vehicle_type }) = vehicles.get(r.vehicle_type.index()) {
            routes.push(Route { vehicle_type: *vehicle_type, visits: back(&r.visits), departure: r.departure });
        }
    }
    let unassigned = solved.solution.unassigned.iter().map(|j| kept[j.index()]).collect();
    let plan = Solution { routes, unassigned };
    Ok(Replanned { problem: rest, solved, vehicles, jobs: kept, plan })
}
