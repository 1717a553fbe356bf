//! Re-planning during the day: locked prefixes, goods kept on their vehicle, added and
//! cancelled jobs, every rest-of-day solution checked by the model's checker.

use milkrun_model::{check_solution, Job, JobId, JobKind, Load, Problem, SiteId, Solution, Stop, Visit};
use milkrun_routing::{replan, RoutingError, Solved, Solver, SolverConfig, VehicleOrigin, VehicleProgress};
use proptest::prelude::*;

use crate::support::{build, spec, Spec};

fn solver() -> Solver {
    Solver::new(SolverConfig::default().seed(3).max_iterations(200))
}

fn delivers(problem: &Problem, j: JobId) -> bool {
    matches!(&problem.jobs()[j.index()].kind, JobKind::Service { delivery, .. } if delivery.amounts().iter().any(|&x| x != 0))
}

fn jobs_of(visits: &[Visit]) -> Vec<JobId> {
    visits
        .iter()
        .filter_map(|v| match *v {
            Visit::Service(j) => Some(j),
            _ => None,
        })
        .collect()
}

/// Progress of the first `vehicles` routes: `done_of(route length)` visits done, the vehicle
/// at its last done stop (or its start) when it leaves there.
fn progress_of(solved: &Solved, vehicles: usize, done_of: impl Fn(usize) -> usize) -> Vec<VehicleProgress> {
    solved
        .solution
        .routes
        .iter()
        .zip(&solved.schedules)
        .take(vehicles)
        .enumerate()
        .map(|(r, (route, schedule))| {
            let done = done_of(route.visits.len()).min(route.visits.len());
            let stop = &schedule.stops[done]; // stops[0] is the start
            VehicleProgress { route: r, done, at: stop.site, time: stop.departure }
        })
        .collect()
}

/// What every re-plan must do, whatever happened.
fn assert_sound(
    problem: &Problem,
    previous: &Solution,
    progress: &[VehicleProgress],
    cancelled: &[JobId],
    out: &milkrun_routing::Replanned,
) {
    // The rest of the day is checker-clean (when the engine says it is feasible).
    let report = check_solution(&out.problem, &out.solved.solution);
    assert_eq!(report.is_feasible(), out.solved.feasible, "{:?}", report.violations);
    // Vehicles on the road keep their done visits, in order, and the deliveries they carry.
    for (k, p) in progress.iter().enumerate() {
        let before = &previous.routes[p.route];
        let after = &out.plan.routes[k];
        assert_eq!(after.vehicle_type, before.vehicle_type);
        assert_eq!(after.visits[..p.done], before.visits[..p.done]);
        let now = jobs_of(&after.visits);
        for j in jobs_of(&before.visits[p.done..]) {
            if delivers(problem, j) && !cancelled.contains(&j) {
                assert!(now.contains(&j) || out.plan.unassigned.contains(&j), "{j} left route {}", p.route);
            }
        }
        assert!(matches!(out.vehicles[k], VehicleOrigin::OnTheRoad { route } if route == p.route));
    }
    // Every job is done, routed once or unassigned, except the cancelled ones, which are gone.
    let mut seen = vec![0usize; problem.jobs().len()];
    for r in &out.plan.routes {
        for j in jobs_of(&r.visits) {
            seen[j.index()] += 1;
        }
    }
    for &j in &out.plan.unassigned {
        seen[j.index()] += 1;
    }
    for (j, &n) in seen.iter().enumerate() {
        let expected = usize::from(!cancelled.contains(&JobId::from_index(j)));
        assert_eq!(n, expected, "job {j}");
    }
    // Reloads are kept: those done, and those of the rest of the day.
    let reloads = |visits: &[Visit]| visits.iter().filter(|v| matches!(v, Visit::Reload(_))).count();
    let done: usize = progress.iter().map(|p| reloads(&previous.routes[p.route].visits[..p.done])).sum();
    let rest: usize = out.solved.solution.routes.iter().map(|r| reloads(&r.visits)).sum();
    assert_eq!(out.plan.routes.iter().map(|r| reloads(&r.visits)).sum::<usize>(), done + rest);
    // A vehicle on the road only delivers what it carries: deliveries not loaded yet leave
    // with vehicles from the depot.
    for (k, p) in progress.iter().enumerate() {
        let carried = jobs_of(&previous.routes[p.route].visits[p.done..]);
        for j in jobs_of(&out.plan.routes[k].visits[p.done..]) {
            assert!(!delivers(problem, j) || carried.contains(&j), "route {} delivers {j} it never loaded", p.route);
        }
    }
}

fn day() -> Spec {
    use crate::support::ClientSpec;
    let clients = (0..24)
        .map(|k| {
            let a = k as f64 * 0.9;
            ClientSpec {
                x: (25.0 * a.cos()) as i32,
                y: (25.0 * a.sin()) as i32,
                delivery: (k % 4) as i64 + 1,
                pickup: (k % 3) as i64,
                window: if k % 5 == 0 { Some((20, 200)) } else { None },
                penalty: None,
                service: 2,
            }
        })
        .collect();
    Spec {
        clients,
        capacity: 15,
        second_type: Some((80, 5, 2)),
        shift_end: Some(400),
        count: 6,
        asymmetric: false,
        open: false,
        duration_cost: 0,
        skilled: Vec::new(),
        vrpb: false,
        reloads: None,
        two_windows: false,
        shipments: Vec::new(),
        breaks: Vec::new(),
    }
}

#[test]
fn vehicles_on_the_road_keep_what_they_did_and_what_they_carry() {
    let problem = build(&day());
    let previous = solver().solve(&problem).unwrap();
    assert!(previous.feasible && previous.solution.routes.len() >= 3);
    let progress = progress_of(&previous, 2, |len| len / 2);
    let out = replan(&problem, &previous.solution, &progress, &[], &solver()).unwrap();
    assert_sound(&problem, &previous.solution, &progress, &[], &out);
    assert!(out.solved.feasible);
    // Nothing changed but time: the rest costs no more than the rest of the previous plan
    // (the warm start), evaluated by the checker on the rest-of-day problem.
    let new_id = |j: JobId| out.jobs.iter().position(|&k| k == j).map(JobId::from_index);
    let remainder = |visits: &[Visit]| -> Vec<Visit> {
        jobs_of(visits).into_iter().filter_map(new_id).map(Visit::Service).collect()
    };
    let mut routes = Vec::new();
    for (k, p) in progress.iter().enumerate() {
        let visits = remainder(&previous.solution.routes[p.route].visits[p.done..]);
        routes.push(milkrun_model::Route::new(milkrun_model::VehicleTypeId::from_index(k), visits));
    }
    for r in &previous.solution.routes[progress.len()..] {
        let t = progress.len() + r.vehicle_type.index();
        routes.push(milkrun_model::Route::new(milkrun_model::VehicleTypeId::from_index(t), remainder(&r.visits)));
    }
    let warm = check_solution(&out.problem, &Solution { routes, unassigned: Vec::new() });
    assert!(warm.is_feasible(), "{:?}", warm.violations);
    assert!(out.solved.cost.total <= warm.cost(), "{:?} > {:?}", out.solved.cost.total, warm.cost());
}

#[test]
fn added_and_cancelled_jobs() {
    let problem = build(&day());
    let previous = solver().solve(&problem).unwrap();
    let progress = progress_of(&previous, 1, |len| len.min(2));
    // A return to collect at client 3's site, appended; one not-done job cancelled.
    let mut data = problem.data().clone();
    data.jobs.push(Job::pickup("late return", Stop::at(SiteId(4)), Load::single(2)));
    let bigger = data.validate().unwrap();
    let added = JobId::from_index(problem.jobs().len());
    let done: Vec<JobId> = jobs_of(&previous.solution.routes[0].visits[..progress[0].done]);
    let cancel = (0..problem.jobs().len()).map(JobId::from_index).find(|j| !done.contains(j)).unwrap();
    let out = replan(&bigger, &previous.solution, &progress, &[cancel], &solver()).unwrap();
    assert_sound(&bigger, &previous.solution, &progress, &[cancel], &out);
    assert!(out.plan.routes.iter().any(|r| jobs_of(&r.visits).contains(&added)));
    assert!(!out.jobs.contains(&cancel));
    // Same inputs, same re-plan.
    let again = replan(&bigger, &previous.solution, &progress, &[cancel], &solver()).unwrap();
    assert_eq!(out.plan, again.plan);
}

#[test]
fn bad_progress_is_refused_by_name() {
    let problem = build(&day());
    let previous = solver().solve(&problem).unwrap();
    let ok = progress_of(&previous, 1, |len| len / 2)[0];
    let cases: Vec<(Vec<VehicleProgress>, Vec<JobId>, &str)> = vec![
        (vec![VehicleProgress { route: 99, ..ok }], vec![], "unknown route 99"),
        (vec![VehicleProgress { done: 999, ..ok }], vec![], "999 visits done"),
        (vec![ok, ok], vec![], "given twice"),
        (vec![VehicleProgress { at: SiteId(9999), ..ok }], vec![], "is not a site"),
        (vec![ok], vec![JobId::from_index(9999)], "is not in the problem"),
    ];
    for (progress, cancelled, expected) in cases {
        let err = replan(&problem, &previous.solution, &progress, &cancelled, &solver()).unwrap_err();
        assert!(matches!(&err, RoutingError::Replan(m) if m.contains(expected)), "{err} (expected '{expected}')");
    }
    if ok.done > 0 {
        let first_done = jobs_of(&previous.solution.routes[0].visits)[0];
        let err = replan(&problem, &previous.solution, &[ok], &[first_done], &solver()).unwrap_err();
        assert!(err.to_string().contains("done already"), "{err}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_progress_gives_a_sound_rest_of_day(
        s in spec(14, true, false),
        vehicles in 0usize..3,
        fraction in 0.0f64..1.0,
        cancel in proptest::option::of(any::<prop::sample::Index>()),
        multi_trip in proptest::bool::weighted(0.4),
    ) {
        let mut s = s;
        if multi_trip {
            // Few vehicles that reload: progress then often lies beyond a reload.
            s.reloads = Some((3, 2));
            s.count = s.count.min(2);
        }
        let problem = build(&s);
        let previous = solver().solve(&problem).unwrap();
        prop_assume!(previous.feasible);
        let progress = progress_of(&previous, vehicles, |len| (len as f64 * fraction) as usize);
        let done: Vec<JobId> = progress
            .iter()
            .flat_map(|p| jobs_of(&previous.solution.routes[p.route].visits[..p.done]))
            .collect();
        let open: Vec<JobId> = (0..problem.jobs().len()).map(JobId::from_index).filter(|j| !done.contains(j)).collect();
        let cancelled: Vec<JobId> = match cancel {
            Some(i) if !open.is_empty() => vec![open[i.index(open.len())]],
            _ => Vec::new(),
        };
        let out = replan(&problem, &previous.solution, &progress, &cancelled, &solver()).unwrap();
        assert_sound(&problem, &previous.solution, &progress, &cancelled, &out);
    }
}
