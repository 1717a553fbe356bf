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
