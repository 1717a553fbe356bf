//! Criterion benchmarks of the routing engine: nanoseconds per evaluated move (relocate and
//! swap between routes, on a local optimum) and a whole solve of a small instance.
//!
//! `cargo bench -p milkrun-benches --bench routing`; the "move" groups report time per element,
//! one element being one evaluated move. They use `../shared/data/CVRP/X-n101-k25.vrp` and
//! `../shared/data/solomon/R102.txt` when present, else a generated 100-client instance.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use milkrun_formats::{read_solomon, read_to_string, read_vrplib, VrplibOptions};
use milkrun_model::{
    Coordinates, Job, Load, Problem, ProblemData, Rounding, Site, SiteId, SiteKind, Speed, Stop, TravelMatrix,
    VehicleType,
};
use milkrun_routing::bench::MoveBench;
use milkrun_routing::{Solver, SolverConfig};

/// A deterministic 100-client CVRP (linear congruential coordinates and demands).
fn generated() -> Problem {
    let mut x = 12345u64;
    let mut next = || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) % 1000
    };
    let mut sites = vec![Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 500.0, y: 500.0 })];
    let mut jobs = Vec::new();
    for k in 0..100 {
        sites.push(Site::new(
            format!("c{k}"),
            SiteKind::Customer,
            Coordinates::Planar { x: next() as f64, y: next() as f64 },
        ));
        jobs.push(Job::delivery(format!("c{k}"), Stop::at(SiteId(k + 1)), Load::single(1 + (next() % 20) as i64)));
    }
    let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
    ProblemData {
        name: "generated".into(),
        dimensions: vec!["units".into()],
        travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance)
            .expect("valid coordinates"),
        sites,
        jobs,
        vehicle_types: vec![VehicleType::new("truck", 100, Load::single(100), SiteId(0))],
        ..ProblemData::default()
    }
    .validate()
    .expect("valid problem")
}

fn cvrp() -> (String, Problem) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/CVRP/X-n101-k25.vrp");
    match read_to_string(&path).ok().and_then(|t| read_vrplib(&t, &VrplibOptions::default()).ok()) {
        Some(inst) => ("X-n101-k25".into(), inst.problem),
        None => ("generated-100".into(), generated()),
    }
}

fn vrptw() -> Option<(String, Problem)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/solomon/R102.txt");
    let inst = read_solomon(&read_to_string(&path).ok()?, milkrun_formats::SOLOMON_DEFAULT_SCALE).ok()?;
    Some(("R102".into(), inst.problem))
}

fn moves(c: &mut Criterion) {
    let mut problems = vec![cvrp()];
    problems.extend(vrptw());
    for (name, problem) in &problems {
        let bench = MoveBench::new(problem, 1).expect("supported problem");
        let mut group = c.benchmark_group(format!("move/{name}"));
        for (label, n, m) in [("relocate", 1, 0), ("swap", 1, 1), ("relocate2", 2, 0)] {
            let (count, _) = bench.sweep(n, m);
            group.throughput(Throughput::Elements(count));
            group.bench_function(label, |b| b.iter(|| black_box(bench.sweep(black_box(n), black_box(m)))));
        }
        group.finish();
    }
}

fn solve(c: &mut Criterion) {
    let (name, problem) = cvrp();
    let mut group = c.benchmark_group("solve");
    group.sample_size(10);
    group.bench_function(format!("{name}/200-iterations"), |b| {
        b.iter(|| {
            let solved = Solver::new(SolverConfig::default().seed(1).max_iterations(200)).solve(&problem);
            black_box(solved.map(|s| s.cost.total))
        });
    });
    group.finish();
}

criterion_group!(benches, moves, solve);
criterion_main!(benches);
