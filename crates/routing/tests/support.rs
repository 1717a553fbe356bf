//! Small random problems and the brute-force optimum.

use milkrun_model::{
    check_solution, Coordinates, Distance, Duration, Job, Load, Money, Problem, ProblemData, Rounding, Route, Site,
    SiteId, SiteKind, Solution, Speed, Stop, TimeWindow, TravelMatrix, VehicleType, VehicleTypeId, Visit,
};
use proptest::prelude::*;

/// A random client: position, delivery, pickup, optional window, optional penalty.
#[derive(Debug, Clone)]
pub(crate) struct ClientSpec {
    pub(crate) x: i32,
    pub(crate) y: i32,
    pub(crate) delivery: i64,
    pub(crate) pickup: i64,
    pub(crate) window: Option<(i64, i64)>,
    pub(crate) penalty: Option<i64>,
    pub(crate) service: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub(crate) clients: Vec<ClientSpec>,
    pub(crate) capacity: i64,
    /// (capacity factor in percent, fixed cost, count) of a second vehicle type.
    pub(crate) second_type: Option<(i64, i64, u32)>,
    pub(crate) shift_end: Option<i64>,
    pub(crate) count: u32,
    /// Add a direction-dependent detour to every arc (road networks are not symmetric).
    pub(crate) asymmetric: bool,
    /// The main vehicle type ends at its last stop (no return to the depot).
    pub(crate) open: bool,
    /// Cost per unit of route duration of every vehicle type (waiting included).
    pub(crate) duration_cost: i64,
    /// Clients (by index) that need a skill only the second vehicle type has (ignored without
    /// a second type).
    pub(crate) skilled: Vec<usize>,
    /// Linehauls before backhauls (VRPB): each client then only delivers (even index) or only
    /// picks up (odd index).
    pub(crate) vrpb: bool,
    /// Multi-trip: the main vehicle type may reload at the depot, at most this many times, each
    /// reload taking the given time; client `k` is then released at `7 k mod 40`.
    pub(crate) reloads: Option<(u32, i64)>,
    /// Every client with a window `[a, b]` also gets a second one, `[b + 20, b + 60]`.
    pub(crate) two_windows: bool,
    /// Paired shipments (jobs after the clients').
    pub(crate) shipments: Vec<ShipmentSpec>,
    /// Driver break rules of every vehicle type.
    pub(crate) breaks: Vec<milkrun_model::BreakRule>,
}

/// A time window `[a, b]`, if any.
pub(crate) type Window = Option<(i64, i64)>;

/// A random paired shipment: pickup and delivery positions, load, optional windows at either
/// stop, optional penalty, service time at both stops, optional maximum ride time.
#[derive(Debug, Clone)]
pub(crate) struct ShipmentSpec {
    pub(crate) from: (i32, i32),
    pub(crate) to: (i32, i32),
    pub(crate) load: i64,
    pub(crate) windows: (Window, Window),
    pub(crate) penalty: Option<i64>,
    pub(crate) service: i64,
    pub(crate) max_ride: Option<i64>,
}

pub(crate) fn shipment(with_time: bool, with_optional: bool) -> impl Strategy<Value = ShipmentSpec> {
    let window = move || proptest::option::weighted(if with_time { 0.6 } else { 1e-9 }, (0i64..120, 10i64..60));
    (
        (-30i32..30, -30i32..30, -30i32..30, -30i32..30),
        1i64..7,
        (window(), window()),
        proptest::option::weighted(if with_optional { 0.3 } else { 1e-9 }, 0i64..120),
        0i64..5,
    )
        .prop_map(|((a, b, c, d), load, (wp, wd), penalty, service)| ShipmentSpec {
            from: (a, b),
            to: (c, d),
            load,
            windows: (wp.map(|(a, w)| (a, a + w)), wd.map(|(a, w)| (a, a + w))),
            penalty,
            service,
            max_ride: None,
        })
}

/// `spec` with a maximum ride time on each of its shipments with probability `p`: the direct
/// travel time (on the symmetric matrix) plus 0 to 30.
pub(crate) fn with_ride_limits(spec: impl Strategy<Value = Spec>, p: f64) -> impl Strategy<Value = Spec> {
    (spec, proptest::collection::vec(proptest::option::weighted(p, 0i64..30), 8)).prop_map(|(mut s, extra)| {
        for (sh, extra) in s.shipments.iter_mut().zip(extra) {
            let (dx, dy) = (f64::from(sh.to.0 - sh.from.0), f64::from(sh.to.1 - sh.from.1));
            sh.max_ride = extra.map(|e| dx.hypot(dy).round() as i64 + e);
        }
        s
    })
}

pub(crate) fn client(with_time: bool, with_optional: bool) -> impl Strategy<Value = ClientSpec> {
    (
        -30i32..30,
        -30i32..30,
        0i64..6,
        0i64..3,
        proptest::option::weighted(if with_time { 0.6 } else { 1e-9 }, (0i64..80, 10i64..60)),
        proptest::option::weighted(if with_optional { 0.3 } else { 1e-9 }, 0i64..80),
        0i64..5,
    )
        .prop_map(|(x, y, delivery, pickup, window, penalty, service)| ClientSpec {
            x,
            y,
            delivery,
            pickup,
            window: window.map(|(a, w)| (a, a + w)),
            penalty,
            service,
        })
}

pub(crate) fn spec(max_clients: usize, with_time: bool, with_optional: bool) -> impl Strategy<Value = Spec> {
    (
        proptest::collection::vec(client(with_time, with_optional), 1..=max_clients),
        8i64..16,
        proptest::option::of((50i64..150, 0i64..40, 1u32..3)),
        proptest::option::weighted(if with_time { 0.5 } else { 1e-9 }, 150i64..300),
        1u32..9,
        proptest::bool::weighted(0.3),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(clients, capacity, second_type, shift_end, count, asymmetric, open)| Spec {
            clients,
            capacity,
            second_type,
            shift_end,
            count,
            asymmetric,
            open,
            duration_cost: 0,
            skilled: Vec::new(),
            vrpb: false,
            reloads: None,
            two_windows: false,
            shipments: Vec::new(),
            breaks: Vec::new(),
        })
}

pub(crate) fn build(spec: &Spec) -> Problem {
    let mut sites = vec![Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 0.0, y: 0.0 })];
    let mut jobs = Vec::new();
    for (k, c) in spec.clients.iter().enumerate() {
        sites.push(Site::new(
            format!("s{k}"),
            SiteKind::Customer,
            Coordinates::Planar { x: c.x.into(), y: c.y.into() },
        ));
        let mut stop = Stop::at(SiteId(k as u32 + 1)).service(Duration(c.service));
        if let Some((a, b)) = c.window {
            stop = stop.window(TimeWindow::new(Duration(a), Duration(b)));
            if spec.two_windows {
                stop = stop.window(TimeWindow::new(Duration(b + 20), Duration(b + 60)));
            }
        }
        let (delivery, pickup) = match (spec.vrpb, k % 2) {
            (false, _) => (c.delivery, c.pickup),
            (true, 0) => (c.delivery.max(1), 0),
            (true, _) => (0, c.pickup.max(1)),
        };
        let mut job = Job::delivery_and_pickup(format!("c{k}"), stop, Load::single(delivery), Load::single(pickup));
        if spec.reloads.is_some() {
            job.release = Duration(7 * k as i64 % 40);
        }
        if let Some(p) = c.penalty {
            job = job.optional(Money(p));
        }
        jobs.push(job);
    }
    for (k, sh) in spec.shipments.iter().enumerate() {
        let mut stops = Vec::new();
        for (end, (x, y), window) in [("from", sh.from, sh.windows.0), ("to", sh.to, sh.windows.1)] {
            sites.push(Site::new(
                format!("{end} {k}"),
                SiteKind::Customer,
                Coordinates::Planar { x: x.into(), y: y.into() },
            ));
            let mut stop = Stop::at(SiteId(sites.len() as u32 - 1)).service(Duration(sh.service));
            if let Some((a, b)) = window {
                stop = stop.window(TimeWindow::new(Duration(a), Duration(b)));
            }
            stops.push(stop);
        }
        let to = stops.pop().unwrap();
        let from = stops.pop().unwrap();
        let mut job = Job::shipment(format!("p{k}"), from, to, Load::single(sh.load));
        if let milkrun_model::JobKind::Shipment { max_ride, .. } = &mut job.kind {
            *max_ride = sh.max_ride.map(Duration);
        }
        if let Some(p) = sh.penalty {
            job = job.optional(Money(p));
        }
        jobs.push(job);
    }
    let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
    let mut travel = TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance).unwrap();
    if spec.asymmetric {
        let n = coords.len();
        let bump = |k: usize| (k / n * 7 + k % n * 3) as i64 % 5;
        let dist: Vec<Distance> = travel
            .distances()
            .iter()
            .enumerate()
            .map(|(k, d)| Distance(d.get() + if k / n == k % n { 0 } else { bump(k) }))
            .collect();
        let dur: Vec<Duration> = dist.iter().map(|d| Duration(d.get())).collect();
        travel = TravelMatrix::new(n, dist, dur).unwrap();
    }
    let needs_skill = |k: usize| spec.second_type.is_some() && spec.skilled.contains(&k);
    for (k, job) in jobs.iter_mut().enumerate() {
        if needs_skill(k) {
            *job = job.clone().skills(&[milkrun_model::SkillId(0)]);
        }
    }
    let mut main = VehicleType::new("main", spec.count, Load::single(spec.capacity), SiteId(0));
    if spec.open {
        main.end = None;
    }
    main.fixed_cost = Money(10);
    if let Some((max, time)) = spec.reloads {
        main.reload_sites = vec![SiteId(0)];
        main.max_reloads = Some(max);
        main.reload_time = Duration(time);
    }
    main.unit_duration_cost = spec.duration_cost;
    main.breaks.clone_from(&spec.breaks);
    if let Some(end) = spec.shift_end {
        main.shift = TimeWindow::new(Duration(0), Duration(end));
    }
    let mut vehicle_types = vec![main.clone()];
    if let Some((pct, fixed, count)) = spec.second_type {
        let mut second = main.clone();
        second.name = "second".into();
        second.capacity = Load::single((spec.capacity * pct / 100).max(6));
        second.fixed_cost = Money(fixed);
        second.count = count;
        second.unit_distance_cost = 2;
        second.skills = vec![milkrun_model::SkillId(0)];
        vehicle_types.push(second);
    }
    ProblemData {
        name: "random".into(),
        dimensions: vec!["units".into()],
        travel,
        sites,
        jobs,
        vehicle_types,
        skills: vec!["tail-lift".into()],
        linehauls_before_backhauls: spec.vrpb,
        ..ProblemData::default()
    }
    .validate()
    .unwrap()
}

/// The cost of one route serving `jobs` in this order with vehicle type `t`, if feasible
/// (evaluated by the independent checker).
/// With reload sites, every placement of reloads between the jobs (within the type's cap) is
/// tried; the route then leaves as early as its first trip allows.
fn route_cost(problem: &Problem, t: usize, order: &[Visit]) -> Option<i64> {
    let vt = &problem.vehicle_types()[t];
    let gaps = order.len().saturating_sub(1);
    let splits = if vt.reload_sites.is_empty() { 1usize } else { 1 << gaps };
    let mut best = None::<i64>;
    for split in 0..splits {
        if split.count_ones() > vt.max_reloads.unwrap_or(u32::MAX) {
            continue;
        }
        let mut visits = Vec::new();
        for (k, &visit) in order.iter().enumerate() {
            visits.push(visit);
            if k < gaps && split >> k & 1 == 1 {
                visits.push(Visit::Reload(vt.reload_sites[0]));
            }
        }
        if !vt.breaks.is_empty() {
            visits = crate::breaks::placed_by_rule(problem, vt, &visits);
        }
        // The checker leaves as early as the first trip allows: optimal when only distance
        // and fixed costs count (the multi-trip properties use no cost per duration).
        let mut route = Route::new(VehicleTypeId(t as u32), visits);
        let mut c = checked_cost(problem, &route);
        if let Err(Some((left, waited))) = c {
            // Only ride times broken: leaving later removes waiting between pickups and
            // deliveries. Try every later departure up to the route's total waiting (leaving
            // later still removes no more of it).
            for d in left..=left + waited {
                route.departure = Some(Duration(d));
                if let Ok(cd) = checked_cost(problem, &route) {
                    c = Ok(c.map_or(cd, |b| b.min(cd)));
                }
            }
        }
        if let Ok(c) = c {
            best = Some(best.map_or(c, |b: i64| b.min(c)));
        }
    }
    best
}

/// The checker's cost of `route` alone, if it breaks no route-level rule; otherwise, if it
/// breaks only maximum ride times, its departure and total waiting.
pub(crate) fn checked_cost(problem: &Problem, route: &Route) -> Result<i64, Option<(i64, i64)>> {
    use milkrun_model::Violation;
    let solution = Solution { routes: vec![route.clone()], unassigned: Vec::new() };
    let report = check_solution(problem, &solution);
    // Only route-level violations matter here (others' jobs are "unserved").
    if report.violations.iter().all(|v| matches!(v, Violation::Unserved { .. })) {
        return Ok(report.route_cost.get());
    }
    let rides_only =
        report.violations.iter().all(|v| matches!(v, Violation::Unserved { .. } | Violation::MaxRide { .. }));
    let r = &report.routes[0];
    Err(rides_only.then(|| (r.timetable[0].departure.get(), r.wait.get())))
}

/// Every order of `items` in which each shipment's pickup comes before its delivery.
fn orders(items: &mut Vec<Visit>, k: usize, f: &mut impl FnMut(&[Visit])) {
    if k == items.len() {
        f(items);
        return;
    }
    for i in k..items.len() {
        if let Visit::Delivery(j) = items[i] {
            if !items[..k].contains(&Visit::Pickup(j)) {
                continue;
            }
        }
        items.swap(k, i);
        orders(items, k + 1, f);
        items.swap(k, i);
    }
}

/// The optimal cost by enumeration: best route per (subset, vehicle type) over all orders,
/// then the best partition into routes respecting vehicle counts, unserved optional jobs paying
/// their penalty; a shipment's two visits in every order with the pickup first. `None` if
/// nothing is feasible. Exponential: at most about 8 visits.
pub(crate) fn brute_force(problem: &Problem) -> Option<i64> {
    brute_force_with(problem, &route_cost)
}

/// The cost of one route (vehicle type, visits in order), if feasible.
pub(crate) type RouteCost = dyn Fn(&Problem, usize, &[Visit]) -> Option<i64>;

/// [`brute_force`] with `route_cost(problem, vehicle type, order)` the cost of one route.
pub(crate) fn brute_force_with(problem: &Problem, route_cost: &RouteCost) -> Option<i64> {
    let n = problem.jobs().len();
    let types = problem.vehicle_types();
    let full = 1usize << n;
    // best[t][mask]
    let mut best_route = vec![vec![None::<i64>; full]; types.len()];
    for (t, row) in best_route.iter_mut().enumerate() {
        for (mask, cell) in row.iter_mut().enumerate().skip(1) {
            let mut items: Vec<Visit> = Vec::new();
            for (j, job) in problem.jobs().iter().enumerate().filter(|(j, _)| mask >> j & 1 == 1) {
                let id = milkrun_model::JobId(j as u32);
                match job.kind {
                    milkrun_model::JobKind::Service { .. } => items.push(Visit::Service(id)),
                    milkrun_model::JobKind::Shipment { .. } => items.extend([Visit::Pickup(id), Visit::Delivery(id)]),
                }
            }
            let mut best = None::<i64>;
            orders(&mut items, 0, &mut |order| {
                if let Some(c) = route_cost(problem, t, order) {
                    best = Some(best.map_or(c, |b: i64| b.min(c)));
                }
            });
            *cell = best;
        }
    }
    let penalty = |mask: usize| -> Option<i64> {
        let mut p = 0;
        for (j, job) in problem.jobs().iter().enumerate() {
            if mask >> j & 1 == 0 {
                match job.assignment {
                    milkrun_model::Assignment::Required => return None,
                    milkrun_model::Assignment::Optional { penalty } => p += penalty.get(),
                }
            }
        }
        Some(p)
    };
    // dp over (served mask, vehicles used per type) — counts are small in the generator.
    let counts: Vec<usize> = types.iter().map(|v| (v.count as usize).min(n)).collect();
    let mut states: std::collections::HashMap<(usize, Vec<usize>), i64> = std::collections::HashMap::new();
    states.insert((0, vec![0; types.len()]), 0);
    let mut frontier = vec![(0usize, vec![0usize; types.len()])];
    let mut answer = None::<i64>;
    while let Some((mask, used)) = frontier.pop() {
        let cost = states[&(mask, used.clone())];
        if let Some(p) = penalty(mask) {
            answer = Some(answer.map_or(cost + p, |a: i64| a.min(cost + p)));
        }
        // Next route must contain the lowest unserved job that will be served: enumerate
        // subsets of the complement that contain its lowest element.
        let rest = (full - 1) & !mask;
        if rest == 0 {
            continue;
        }
        let mut sub = rest;
        while sub > 0 {
            for t in 0..types.len() {
                if used[t] < counts[t] {
                    if let Some(rc) = best_route[t][sub] {
                        let mut u2 = used.clone();
                        u2[t] += 1;
                        let key = (mask | sub, u2.clone());
                        let c = cost + rc;
                        if states.get(&key).is_none_or(|&old| c < old) {
                            states.insert(key, c);
                            frontier.push((mask | sub, u2));
                        }
                    }
                }
            }
            sub = (sub - 1) & rest;
        }
    }
    answer
}
