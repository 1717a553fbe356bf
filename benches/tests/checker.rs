use std::path::{Path, PathBuf};

use milkrun_benches::check_files;

fn data_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!("skipping: ../shared/data is absent");
        None
    }
}

fn sol_files(set: &str) -> Vec<PathBuf> {
    let Some(d) = data_dir() else { return Vec::new() };
    let mut v: Vec<PathBuf> = std::fs::read_dir(d.join(set))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sol"))
        .collect();
    v.sort();
    v
}

fn reproduce(set: &str) {
    let files = sol_files(set);
    let mut failures = Vec::new();
    for sol in &files {
        let vrp = sol.with_extension("vrp");
        let o = check_files(&vrp, sol, None).unwrap();
        let stated = o.stated_cost.clone().unwrap();
        let ours = o.cost_units().format(o.report.cost().get());
        if !o.report.is_feasible() || !o.cost_units().matches(o.report.cost().get(), &stated) {
            failures.push(format!(
                "{}: feasible={} ours={ours} stated={stated} first violations: {:?}",
                sol.display(),
                o.report.is_feasible(),
                o.report.violations.iter().take(3).map(ToString::to_string).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn reproduces_cvrp() {
    reproduce("CVRP");
}
#[test]
fn reproduces_cvrp_xxl() {
    reproduce("CVRP-XXL");
}
#[test]
fn reproduces_vrptw() {
    reproduce("VRPTW");
}
#[test]
fn reproduces_vrpb() {
    reproduce("VRPB");
}
#[test]
fn reproduces_mtvrptwr() {
    reproduce("MTVRPTWR");
}
#[test]
fn reproduces_hfvrp() {
    reproduce("HFVRP");
}

use milkrun_model::{check_solution, JobKind, Problem, Solution, Violation, Visit};

fn load(set: &str, name: &str) -> Option<(Problem, Solution)> {
    let d = data_dir()?.join(set);
    let o = check_files(&d.join(format!("{name}.vrp")), &d.join(format!("{name}.sol")), None).unwrap();
    assert!(o.report.is_feasible());
    Some((o.instance.problem, o.solution))
}

fn violations(problem: &Problem, solution: &Solution) -> Vec<Violation> {
    check_solution(problem, solution).violations
}

#[test]
fn catches_a_dropped_client() {
    let Some((p, mut s)) = load("CVRP", "X-n101-k25") else { return };
    let dropped = s.routes[0].visits.remove(0);
    let v = violations(&p, &s);
    assert_eq!(v, vec![Violation::Unserved { job: dropped.job().unwrap() }]);
}

#[test]
fn catches_a_duplicated_client() {
    let Some((p, mut s)) = load("CVRP", "X-n101-k25") else { return };
    let dup = s.routes[0].visits[0];
    s.routes[1].visits.push(dup);
    let v = violations(&p, &s);
    assert!(v.contains(&Violation::Duplicated { job: dup.job().unwrap(), times: 2 }), "{v:?}");
}

#[test]
fn catches_an_overloaded_route() {
    let Some((p, mut s)) = load("CVRP", "X-n101-k25") else { return };
    let moved = std::mem::take(&mut s.routes[1].visits);
    s.routes[0].visits.extend(moved);
    let v = violations(&p, &s);
    assert!(v.iter().any(|v| matches!(v, Violation::Capacity { route: 0, .. })), "{v:?}");
}

#[test]
fn catches_a_broken_window() {
    let Some((p, mut s)) = load("VRPTW", "C1_10_1") else { return };
    s.routes[0].visits.reverse();
    let v = violations(&p, &s);
    assert!(v.iter().any(|v| matches!(v, Violation::TimeWindow { route: 0, .. })), "{v:?}");
}

#[test]
fn catches_a_backhaul_before_a_linehaul() {
    let Some((p, mut s)) = load("VRPB", "X-n524-50-k125") else { return };
    let is_backhaul = |v: &Visit| p.job(v.job().unwrap()).is_backhaul();
    let (r, route) = s
        .routes
        .iter_mut()
        .enumerate()
        .find(|(_, r)| r.visits.iter().any(is_backhaul) && !r.visits.iter().all(is_backhaul))
        .unwrap();
    let k = route.visits.iter().rposition(is_backhaul).unwrap();
    let b = route.visits.remove(k);
    route.visits.insert(0, b);
    let v = violations(&p, &s);
    assert!(v.iter().any(|v| matches!(v, Violation::BackhaulBeforeLinehaul { route, .. } if *route == r)), "{v:?}");
}

#[test]
fn catches_too_many_vehicles_and_a_foreign_reload() {
    let Some((p, mut s)) = load("MTVRPTWR", "C201R0.25") else { return };
    // Split every trip into its own route: more routes than the 8 vehicles.
    let mut routes = Vec::new();
    for r in &s.routes {
        for trip in r.visits.split(|v| matches!(v, Visit::Reload(_))) {
            routes.push(milkrun_model::Route::new(r.vehicle_type, trip.to_vec()));
        }
    }
    let split = Solution { routes, unassigned: Vec::new() };
    assert!(violations(&p, &split).iter().any(|v| matches!(v, Violation::TooManyVehicles { .. })));
    // A reload at a client's site is not a reload site.
    let client_site = match &p.jobs()[0].kind {
        JobKind::Service { stop, .. } => stop.site,
        JobKind::Shipment { .. } => unreachable!(),
    };
    s.routes[0].visits.insert(1, Visit::Reload(client_site));
    assert!(violations(&p, &s).iter().any(|v| matches!(v, Violation::Reload { route: 0, .. })));
}

#[test]
fn hfvrp_routes_beyond_the_fleet_of_a_type_are_caught() {
    let Some((p, mut s)) = load("HFVRP", "X110-HD") else { return };
    let t = s.routes[0].vehicle_type;
    for r in &mut s.routes {
        r.vehicle_type = t;
    }
    let v = violations(&p, &s);
    assert!(v.iter().any(|v| matches!(v, Violation::TooManyVehicles { .. })), "{v:?}");
}

#[test]
fn the_check_binary_reports_a_mutated_file() {
    let Some(d) = data_dir() else { return };
    let sol = std::fs::read_to_string(d.join("CVRP/X-n101-k25.sol")).unwrap();
    // Route #2 also visits route #1's first client.
    let first = sol.lines().next().unwrap().split_whitespace().nth(2).unwrap().to_string();
    let mutated: String = sol
        .lines()
        .map(|l| if l.starts_with("Route #2:") { format!("{l} {first}\n") } else { format!("{l}\n") })
        .collect();
    let tmp = std::env::temp_dir().join(format!("milkrun-check-{}.sol", std::process::id()));
    std::fs::write(&tmp, mutated).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_check"))
        .arg(d.join("CVRP/X-n101-k25.vrp"))
        .arg(&tmp)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&tmp);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("duplicated:"), "{stdout}");
    assert!(stdout.lines().last().unwrap().starts_with("cost "), "{stdout}");
}

#[test]
fn checks_json_and_solomon_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let o =
        check_files(&root.join("docs/examples/problem.json"), &root.join("docs/examples/solution.json"), None).unwrap();
    assert!(o.report.is_feasible(), "{:?}", o.report.violations);
    let tiny = root.join("fuzz/corpus/solomon/tiny.txt");
    let sol = std::env::temp_dir().join(format!("milkrun-solomon-{}.sol", std::process::id()));
    std::fs::write(&sol, "Route #1: 1 3\nRoute #2: 2\n").unwrap();
    let o = check_files(&tiny, &sol, None).unwrap();
    let _ = std::fs::remove_file(&sol);
    assert!(o.report.is_feasible(), "{:?}", o.report.violations);
    assert_eq!(o.report.routes.len(), 2);
}
