//! The milk-run planner at scale.
//!
//! Key points:
//! - `cargo run --release -p milkrun-benches --bin planner -- --plant 40x200 --plant 200x2000`
//!   plans synthetic plants (`milkrun::demo::synthetic_inbound`: suppliers x parts, one-week
//!   cycle, two waves) and prints one CSV line per plant: wall time, candidates tried, loops,
//!   vehicles, weekly cost against the two simple policies, CO2e, and whether the independent
//!   plan checker accepts the plan;
//! - `--demo` plans the embedded Zwickau plant instead; `--candidates N` bounds the
//!   improvement, `--time-limit SECONDS` the whole planning call (the policies' figures are
//!   computed after it, outside the wall time);
//! - progress (every kept candidate, a dot per 10 tried) goes to stderr.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use milkrun::planner::{check_plan, Inbound, PlanningStep, SimplePolicy};
use milkrun::{demo, MilkRunPlanner, Problem};

const USAGE: &str = "usage: planner [--plant SUPPLIERSxPARTS]... [--demo] [--seed 1] [--iterations 400] \
    [--threads N] [--rounds 1] [--candidates 60] [--time-limit SECONDS]";

/// A plant to plan, or why it could not be built.
type Plant = Result<(Problem, Inbound), milkrun::Error>;

struct Options {
    plants: Vec<(usize, usize)>,
    demo: bool,
    seed: u64,
    iterations: u64,
    threads: Option<usize>,
    rounds: usize,
    candidates: usize,
    time_limit: Option<f64>,
}

fn parse() -> Result<Options, String> {
    let mut o = Options {
        plants: Vec::new(),
        demo: false,
        seed: 1,
        iterations: 400,
        threads: None,
        rounds: 1,
        candidates: 60,
        time_limit: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--plant" => {
                let v = value()?;
                let (s, p) = v.split_once('x').ok_or_else(|| format!("--plant {v}: expected SUPPLIERSxPARTS"))?;
                let s = s.parse().map_err(|e| format!("--plant {v}: {e}"))?;
                let p = p.parse().map_err(|e| format!("--plant {v}: {e}"))?;
                o.plants.push((s, p));
            }
            "--demo" => o.demo = true,
            "--seed" => o.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--iterations" => o.iterations = value()?.parse().map_err(|e| format!("--iterations: {e}"))?,
            "--threads" => o.threads = Some(value()?.parse().map_err(|e| format!("--threads: {e}"))?),
            "--candidates" => o.candidates = value()?.parse().map_err(|e| format!("--candidates: {e}"))?,
            "--time-limit" => o.time_limit = Some(value()?.parse().map_err(|e| format!("--time-limit: {e}"))?),
            "--rounds" => o.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument '{other}'\n{USAGE}")),
        }
    }
    if o.plants.is_empty() && !o.demo {
        o.plants.push((40, 200));
    }
    Ok(o)
}

fn run(o: &Options, name: &str, network: &Problem, inbound: &Inbound) -> Result<(), String> {
    let mut builder = MilkRunPlanner::builder().seed(o.seed).iterations(o.iterations).improvement_rounds(o.rounds);
    if let Some(t) = o.threads {
        builder = builder.threads(t);
    }
    builder = builder.max_candidates(o.candidates);
    if let Some(limit) = o.time_limit {
        builder = builder.time_limit(std::time::Duration::from_secs_f64(limit.max(0.0)));
    }
    let planner = builder.build();
    let parts: usize = inbound.suppliers.iter().map(|s| s.parts.len()).sum();
    eprint!("{name}: {} suppliers, {parts} parts ", inbound.suppliers.len());
    let started = Instant::now();
    let mut tried = 0usize;
    let plan = planner
        .plan_with_progress(network, inbound, |step| {
            if let PlanningStep::Candidate { what, total, kept } = step {
                tried += 1;
                if *kept {
                    eprint!(
                        "\n  {:>7.1}s {what}: {:.2} EUR",
                        started.elapsed().as_secs_f64(),
                        total.get() as f64 / 100.0
                    );
                } else if tried % 10 == 0 {
                    eprint!(".");
                }
                let _ = std::io::stderr().flush();
            }
        })
        .map_err(|e| e.to_string())?;
    let wall = started.elapsed().as_secs_f64();
    eprintln!("\n  planned in {wall:.2} s");
    for issue in &plan.issues {
        eprintln!("  issue: {issue:?}");
    }
    let report = check_plan(network, inbound, &plan);
    if !report.is_ok() {
        eprintln!("{report}");
    }
    let policy =
        |p| planner.plan_policy(network, inbound, p).map(|plan| plan.kpis.total.get()).map_err(|e| e.to_string());
    let daily = policy(SimplePolicy::DailyMilkRun)?;
    let direct = policy(SimplePolicy::DailyDirect)?;
    let k = &plan.kpis;
    println!(
        "{name},{},{parts},{wall:.3},{tried},{},{},{:.2},{:.2},{:.2},{:.1},{:.1},{},{}",
        inbound.suppliers.len(),
        k.loops,
        k.vehicles,
        k.total.get() as f64 / 100.0,
        daily as f64 / 100.0,
        direct as f64 / 100.0,
        k.co2e_kg,
        k.direct_co2e_kg,
        plan.issues.len(),
        report.is_ok(),
    );
    Ok(())
}

fn main() -> ExitCode {
    let o = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "plant,suppliers,parts,wall_s,candidates,loops,vehicles,total_eur,daily_milk_run_eur,daily_direct_eur,\
         co2e_kg,direct_co2e_kg,issues,checker_ok"
    );
    let mut jobs: Vec<(String, Plant)> = Vec::new();
    if o.demo {
        jobs.push(("demo".into(), demo::automotive_inbound()));
    }
    for &(s, p) in &o.plants {
        jobs.push((format!("synthetic-{s}x{p}"), demo::synthetic_inbound(s, p, o.seed)));
    }
    for (name, job) in jobs {
        let result = job.map_err(|e| e.to_string()).and_then(|(network, inbound)| run(&o, &name, &network, &inbound));
        if let Err(e) = result {
            eprintln!("{name}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
