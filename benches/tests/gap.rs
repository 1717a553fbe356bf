//! Smoke tests of the gap harness on small instances with an iteration limit.

use std::path::PathBuf;

use milkrun_benches::gap::{read_instance, run, run_one, GapOptions};

fn data(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

fn quick() -> GapOptions {
    GapOptions { iterations: Some(50), ..GapOptions::default() }
}

#[test]
fn cvrp_and_solomon_lines_have_the_peer_columns() {
    let (Some(cvrp), Some(solomon)) = (data("CVRP/X-n101-k25.vrp"), data("solomon/C101.txt")) else { return };
    for path in [cvrp, solomon] {
        let line = run_one(&path, &quick()).unwrap();
        assert!(line.feasible, "{line:?}");
        assert!(line.gap_pct() > -0.05 && line.gap_pct() < 10.0, "{line:?}");
    }
    // A folder of two instances: header, two lines, mean.
    let dir = std::env::temp_dir().join(format!("milkrun-gap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["X-n101-k25", "X-n110-k13"] {
        for ext in ["vrp", "sol"] {
            let src = data(&format!("CVRP/{name}.{ext}")).unwrap();
            std::fs::copy(src, dir.join(format!("{name}.{ext}"))).unwrap();
        }
    }
    let mut out = Vec::new();
    let lines = run(&dir, &quick(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "solver,instance,n,budget_s,wall_s,cost,bks,gap_pct");
    assert!(rows[1].starts_with("milkrun,X-n101-k25,101,"), "{text}");
    assert!(rows[2].starts_with("milkrun,X-n110-k13,110,"), "{text}");
    assert_eq!(rows[2].split(',').count(), 8);
    assert!(rows[3].starts_with("mean_gap_pct,") && rows[3].ends_with(",2"), "{text}");
    assert_eq!(lines.len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bks_comes_from_the_sol_file_or_bks_json() {
    if let Some(p) = data("CVRP/X-n101-k25.vrp") {
        assert_eq!(read_instance(&p).unwrap().1, 27591.0);
    }
    if let Some(p) = data("solomon/C101.txt") {
        assert_eq!(read_instance(&p).unwrap().1, 828.94);
    }
    if let Some(p) = data("VRPTW/C1_10_1.vrp") {
        assert_eq!(read_instance(&p).unwrap().1, 42444.8);
    }
}

#[test]
fn hfvrp_reads_both_cost_conventions_and_solves() {
    // X110-HD's .sol Cost has decimals; X181-HD's is an integer in scaled units.
    let (Some(decimal), Some(integer)) = (data("HFVRP/X110-HD.vrp"), data("HFVRP/X181-HD.vrp")) else { return };
    assert_eq!(read_instance(&decimal).unwrap().1, 15859.34);
    assert_eq!(read_instance(&integer).unwrap().1, 2601826624.0);
    for path in [decimal, integer] {
        let line = run_one(&path, &GapOptions { iterations: Some(200), ..GapOptions::default() }).unwrap();
        assert!(line.feasible, "{line:?}");
        assert!(line.gap_pct() > -0.05 && line.gap_pct() < 15.0, "{line:?}");
    }
}

#[test]
fn pdptw_with_ride_limits_is_solved_checker_clean() {
    let Some(path) = data("li_lim_100/lr104.txt") else { return };
    let free = milkrun_benches::pdptw::run_pdptw_one(&path, &quick()).unwrap();
    let limited = milkrun_benches::pdptw::run_pdptw_one(&path, &GapOptions { max_ride: Some(1.5), ..quick() }).unwrap();
    assert!(free.gap.feasible && limited.gap.feasible, "{free:?} {limited:?}");
    // Tight limits cost vehicles (the BKS of lr104 needs 9).
    assert!(limited.vehicles > free.vehicles, "{free:?} {limited:?}");
}
