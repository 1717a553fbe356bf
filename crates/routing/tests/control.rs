//! Stop criteria, progress, cancellation, warm start, threads and typed errors.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use milkrun_model::{check_solution, Job, JobKind, Load, ProblemData, SiteId, Stop, TimeWindow, Visit};
use milkrun_routing::{RoutingError, Solver, SolverConfig, UnassignedReason};

use crate::support::{build, ClientSpec, Spec};

fn ring(n: usize) -> Spec {
    let clients = (0..n)
        .map(|k| {
            let a = k as f64 / n as f64 * std::f64::consts::TAU;
            ClientSpec {
                x: (25.0 * a.cos()) as i32,
                y: (25.0 * a.sin()) as i32,
                delivery: 1 + (k as i64 % 4),
                pickup: 0,
                window: None,
                penalty: None,
                service: 0,
            }
        })
        .collect();
    Spec {
        clients,
        capacity: 15,
        second_type: None,
        shift_end: None,
        count: 8,
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
fn same_seed_same_solution_with_two_threads() {
    let problem = build(&ring(40));
    let cfg = SolverConfig::default().seed(5).max_iterations(200).threads(2);
    let a = Solver::new(cfg.clone()).solve(&problem).unwrap();
    let b = Solver::new(cfg).solve(&problem).unwrap();
    assert_eq!(a.solution, b.solution);
    assert!(check_solution(&problem, &a.solution).is_feasible());
}

#[test]
fn progress_is_reported_and_cancel_stops() {
    let problem = build(&ring(40));
    let calls = Arc::new(AtomicU64::new(0));
    let flag = Arc::new(AtomicBool::new(false));
    let (c, f) = (calls.clone(), flag.clone());
    let solver = Solver::new(SolverConfig::default().seed(1).max_iterations(1_000_000))
        .on_progress(move |p| {
            assert!(p.best_cost.is_none_or(|b| b > 0));
            if c.fetch_add(1, Ordering::Relaxed) >= 3 {
                f.store(true, Ordering::Relaxed);
            }
        })
        .cancel_flag(flag.clone());
    let solved = solver.solve(&problem).unwrap();
    assert!(calls.load(Ordering::Relaxed) >= 4);
    assert!(solved.iterations < 1_000_000);
    assert!(check_solution(&problem, &solved.solution).is_feasible());
}

#[test]
fn target_cost_and_no_improvement_stop_early() {
    let problem = build(&ring(30));
    let first = Solver::new(SolverConfig::default().seed(1).max_iterations(300)).solve(&problem).unwrap();
    let target = first.cost.total.get();
    let again = Solver::new(SolverConfig::default().seed(2).max_iterations(100_000).target_cost(target))
        .solve(&problem)
        .unwrap();
    assert!(again.cost.total.get() <= target);
    assert!(again.iterations < 100_000);
    let stalled = Solver::new(SolverConfig::default().seed(1).max_no_improvement(50).max_iterations(100_000))
        .solve(&problem)
        .unwrap();
    assert!(stalled.iterations < 100_000);
    let timed =
        Solver::new(SolverConfig::default().seed(1).max_time(Duration::from_millis(50))).solve(&problem).unwrap();
    assert!(
        timed.feasible,
        "{} iterations, {:?}",
        timed.iterations,
        check_solution(&problem, &timed.solution).violations
    );
}

#[test]
fn warm_start_is_kept_when_nothing_improves_it() {
    let problem = build(&ring(30));
    let best = Solver::new(SolverConfig::default().seed(1).max_iterations(500)).solve(&problem).unwrap();
    let again =
        Solver::new(SolverConfig::default().seed(9).max_iterations(0)).solve_from(&problem, &best.solution).unwrap();
    assert_eq!(again.cost.total, best.cost.total);
    // A partial warm start gets its missing jobs inserted.
    let mut partial = best.solution.clone();
    partial.routes.truncate(1);
    let completed =
        Solver::new(SolverConfig::default().seed(9).max_iterations(50)).solve_from(&problem, &partial).unwrap();
    assert!(completed.feasible);
    // A broken warm start is refused with a reason.
    let mut twice = best.solution.clone();
    let first = twice.routes[0].visits[0];
    twice.routes[1].visits.push(first);
    let err = Solver::new(SolverConfig::default()).solve_from(&problem, &twice).unwrap_err();
    assert!(matches!(err, RoutingError::WarmStart(ref m) if m.contains("twice")), "{err}");
}

#[test]
fn optional_jobs_left_out_say_why() {
    let mut spec = ring(10);
    spec.clients.push(ClientSpec {
        x: 500,
        y: 500,
        delivery: 1,
        pickup: 0,
        window: None,
        penalty: Some(5),
        service: 0,
    });
    let problem = build(&spec);
    let solved = Solver::new(SolverConfig::default().seed(1).max_iterations(100)).solve(&problem).unwrap();
    assert!(solved.feasible);
    assert_eq!(solved.unassigned.len(), 1);
    assert_eq!(solved.unassigned[0].reason, UnassignedReason::NotWorthIt);
    assert_eq!(solved.cost.unassigned.get(), 5);
}

#[test]
fn unsupported_features_are_refused_by_name() {
    let problem = build(&ring(5));
    let mut data: ProblemData = problem.into_data();
    data.jobs.push(Job::shipment("pallet A-B", Stop::at(SiteId(1)), Stop::at(SiteId(2)), Load::single(1)));
    // Shipments are solved, with or without a maximum ride time, but not with reloads, and
    // ride times not with release times.
    assert!(Solver::new(SolverConfig::default().max_iterations(10)).solve(&data.clone().validate().unwrap()).is_ok());
    if let Some(JobKind::Shipment { max_ride, .. }) = data.jobs.last_mut().map(|j| &mut j.kind) {
        *max_ride = Some(milkrun_model::Duration(100));
    }
    let problem = data.clone().validate().unwrap();
    let solved = Solver::new(SolverConfig::default().max_iterations(10)).solve(&problem).unwrap();
    assert!(solved.feasible && check_solution(&problem, &solved.solution).is_feasible());
    let mut released = data.clone();
    released.jobs[0].release = milkrun_model::Duration(5);
    let err = Solver::new(SolverConfig::default()).solve(&released.validate().unwrap()).unwrap_err();
    assert!(
        matches!(
            err,
            RoutingError::Unsupported {
                feature: "maximum ride times of paired shipments together with release times",
                ..
            }
        ),
        "{err}"
    );
    let mut with_breaks = data.clone();
    with_breaks.vehicle_types[0].breaks =
        vec![milkrun_model::BreakRule::after_driving(milkrun_model::Duration(10), milkrun_model::Duration(500))];
    let err = Solver::new(SolverConfig::default()).solve(&with_breaks.validate().unwrap()).unwrap_err();
    assert!(
        matches!(
            err,
            RoutingError::Unsupported { feature: "driver breaks together with maximum ride times of shipments", .. }
        ),
        "{err}"
    );
    if let Some(JobKind::Shipment { max_ride, .. }) = data.jobs.last_mut().map(|j| &mut j.kind) {
        *max_ride = None;
    }
    let mut reloading = data.clone();
    reloading.vehicle_types[0].reload_sites = vec![SiteId(0)];
    let err = Solver::new(SolverConfig::default()).solve(&reloading.validate().unwrap()).unwrap_err();
    assert!(
        matches!(err, RoutingError::Unsupported { feature: "paired shipments together with reloads", .. }),
        "{err}"
    );
    data.jobs.pop();
    if let JobKind::Service { stop, .. } = &mut data.jobs[0].kind {
        stop.windows = vec![
            TimeWindow::new(milkrun_model::Duration(0), milkrun_model::Duration(10)),
            TimeWindow::new(milkrun_model::Duration(20), milkrun_model::Duration(30)),
        ];
    }
    // Several windows are solved (by simulation), but not together with release times.
    assert!(Solver::new(SolverConfig::default().max_iterations(10)).solve(&data.clone().validate().unwrap()).is_ok());
    data.jobs[1].release = milkrun_model::Duration(5);
    let err = Solver::new(SolverConfig::default()).solve(&data.clone().validate().unwrap()).unwrap_err();
    assert!(
        matches!(
            err,
            RoutingError::Unsupported { feature: "several time windows per stop together with release times", .. }
        ),
        "{err}"
    );
    data.jobs[1].release = milkrun_model::Duration(0);
    // With max_reloads 0, reload sites mean nothing: no reload in the solution even when a
    // single vehicle cannot carry everything.
    let problem = build(&ring(5));
    let mut data: ProblemData = problem.into_data();
    data.vehicle_types[0].reload_sites = vec![SiteId(0)];
    data.vehicle_types[0].max_reloads = Some(0);
    data.vehicle_types[0].count = 1;
    data.vehicle_types[0].capacity = Load::single(4);
    let solved =
        Solver::new(SolverConfig::default().max_iterations(50)).solve(&data.clone().validate().unwrap()).unwrap();
    assert!(!solved.feasible);
    assert!(solved.solution.routes.iter().flat_map(|r| &r.visits).all(|v| !matches!(v, Visit::Reload(_))));
    // One reload allowed: still not enough for 11 units on a truck of 4 (three trips needed).
    data.vehicle_types[0].max_reloads = Some(1);
    let solved =
        Solver::new(SolverConfig::default().max_iterations(50)).solve(&data.clone().validate().unwrap()).unwrap();
    assert!(!solved.feasible);
    // Unlimited reloads: feasible, and every trip within capacity (checked in debug builds).
    data.vehicle_types[0].max_reloads = None;
    let solved = Solver::new(SolverConfig::default().max_iterations(50)).solve(&data.validate().unwrap()).unwrap();
    assert!(solved.feasible);
    let reloads = solved.solution.routes[0].visits.iter().filter(|v| matches!(v, Visit::Reload(_))).count();
    assert!(reloads >= 2, "{reloads}");
}
