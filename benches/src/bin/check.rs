//! Checks a solution file against an instance and prints every violation and the cost.
//!
//! Usage: `check [--format vrplib|solomon|lilim|json] [--verbose] INSTANCE SOLUTION`
//!
//! Prints one line per route (distance, duration, peak load), then `feasible` or one line per
//! violation, then a last line `cost <value>` in the units of the instance family's Cost line.
//! Exit status: 0 when feasible, 1 when not, 2 on a usage or read error.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;

use milkrun_benches::{check_files, InstanceFormat};

fn main() -> ExitCode {
    let mut format = None;
    let mut verbose = false;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--format" => match args.next().as_deref().and_then(InstanceFormat::parse) {
                Some(f) => format = Some(f),
                None => return usage("--format takes one of: vrplib, solomon, lilim, json"),
            },
            "--verbose" | "-v" => verbose = true,
            "--help" | "-h" => return usage(""),
            _ => files.push(PathBuf::from(a)),
        }
    }
    let [instance, solution] = files.as_slice() else { return usage("expected INSTANCE and SOLUTION") };
    let outcome = match check_files(instance, solution, format) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let problem = &outcome.instance.problem;
    for (k, r) in outcome.report.routes.iter().enumerate() {
        let peak = r.timetable.iter().map(|s| s.load_after.amounts().iter().copied().max().unwrap_or(0)).max();
        println!(
            "route {}: {} visits, distance {}, duration {}, peak load {}, reloads {}",
            k + 1,
            r.timetable.len().saturating_sub(2),
            r.distance,
            r.duration,
            peak.unwrap_or(0),
            r.reloads
        );
        if verbose {
            for s in &r.timetable {
                let what = match s.visit {
                    Some(v) => format!("{v:?}"),
                    None => "depot".into(),
                };
                println!(
                    "    {what:<16} site {:<6} arrive {:>8} wait {:>6} start {:>8} leave {:>8} load {}",
                    problem.site(s.site).name,
                    s.arrival,
                    s.wait,
                    s.start,
                    s.departure,
                    s.load_after
                );
            }
        }
    }
    if outcome.report.is_feasible() {
        println!("feasible");
    } else {
        for v in &outcome.report.violations {
            println!("{v}");
        }
    }
    println!("cost {}", outcome.cost_units().format(outcome.report.cost().get()));
    if outcome.report.is_feasible() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn usage(problem: &str) -> ExitCode {
    if !problem.is_empty() {
        eprintln!("error: {problem}");
    }
    eprintln!("usage: check [--format vrplib|solomon|lilim|json] [--verbose] INSTANCE SOLUTION");
    ExitCode::from(2)
}
