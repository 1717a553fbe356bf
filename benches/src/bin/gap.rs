//! `gap`: solve benchmark instances within a budget and print the gap to the best-known costs.
//!
//! ```text
//! cargo run --release -p milkrun-benches --bin gap -- cvrp ../shared/data/CVRP --per100 2
//! cargo run --release -p milkrun-benches --bin gap -- vrptw ../shared/data/solomon --seconds 2
//! cargo run --release -p milkrun-benches --bin gap -- vrptw ../shared/data/VRPTW/C1_10_1.vrp --seconds 60
//! cargo run --release -p milkrun-benches --bin gap -- hfvrp ../shared/data/HFVRP --per100 2
//! cargo run --release -p milkrun-benches --bin gap -- mtvrptwr ../shared/data/MTVRPTWR --per100 2
//! cargo run --release -p milkrun-benches --bin gap -- pdptw ../shared/data/li_lim_100 --seconds 5
//! cargo run --release -p milkrun-benches --bin gap -- irp ../shared/data/IRP --prefix S_ --seconds 10
//! ```
//! Options: `--per100 S` (seconds per 100 nodes), `--seconds S` (per instance), `--iterations N`,
//! `--seed N`, `--threads N`, `--verbose` (progress on stderr); tuning: `--granularity K`,
//! `--removed R` (clients per ruin), `--threshold T` (initial acceptance threshold), `--feasible F` (target feasibility rate);
//! `--lunch A,B,L` adds a driver break to every vehicle type, starting between fractions A and B
//! of its shift and lasting the fraction L of it (the gap to the best-known cost, which has no
//! break, is then what the break costs).
//! `pdptw` only: `--max-ride F` (every shipment rides at most F x its direct travel time plus
//! its two service times).

use std::path::PathBuf;
use std::process::ExitCode;

use milkrun_benches::gap::{run, GapOptions};

const USAGE: &str =
    "usage: gap (cvrp|vrptw|hfvrp|vrpb|mtvrptwr|pdptw|irp) PATH [--prefix P (irp: file names starting with P)] [--per100 S | --seconds S] [--iterations N] [--seed N] [--threads N] [--granularity K] [--removed R] [--threshold T] [--feasible F] [--lunch A,B,L] [--max-ride F (pdptw: ride limit F x direct travel + services)] [--verbose]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(kind), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if !matches!(kind.as_str(), "cvrp" | "vrptw" | "hfvrp" | "vrpb" | "mtvrptwr" | "pdptw" | "irp") {
        eprintln!("unknown problem class '{kind}'\n{USAGE}");
        return ExitCode::from(2);
    }
    let mut opts = GapOptions::default();
    let mut prefix = String::new();
    let mut it = args[2..].iter();
    while let Some(flag) = it.next() {
        if flag == "--verbose" {
            opts.verbose = true;
            continue;
        }
        let Some(value) = it.next() else {
            eprintln!("{flag} needs a value\n{USAGE}");
            return ExitCode::from(2);
        };
        let ok = match flag.as_str() {
            "--per100" => value.parse().map(|v| opts.per100 = Some(v)).is_ok(),
            "--prefix" => {
                prefix.clone_from(value);
                true
            }
            "--seconds" => value.parse().map(|v| opts.seconds = Some(v)).is_ok(),
            "--iterations" => value.parse().map(|v| opts.iterations = Some(v)).is_ok(),
            "--seed" => value.parse().map(|v| opts.seed = v).is_ok(),
            "--threads" => value.parse().map(|v| opts.threads = v).is_ok(),
            "--granularity" => value.parse().map(|v| opts.granularity = Some(v)).is_ok(),
            "--removed" => value.parse().map(|v| opts.avg_removed = Some(v)).is_ok(),
            "--threshold" => value.parse().map(|v| opts.threshold = Some(v)).is_ok(),
            "--feasible" => value.parse().map(|v| opts.target_feasible = Some(v)).is_ok(),
            "--lunch" => {
                let parts: Vec<Option<f64>> = value.split(',').map(|x| x.parse().ok()).collect();
                match parts[..] {
                    [Some(a), Some(b), Some(len)] if 0.0 <= a && a <= b && b <= 1.0 && len >= 0.0 => {
                        opts.lunch = Some((a, b, len));
                        true
                    }
                    _ => false,
                }
            }
            "--max-ride" if kind == "pdptw" => value.parse().map(|v| opts.max_ride = Some(v)).is_ok(),
            _ => {
                eprintln!("unknown option {flag}\n{USAGE}");
                return ExitCode::from(2);
            }
        };
        if !ok {
            eprintln!("{flag}: cannot read '{value}'\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let path = PathBuf::from(path);
    let result = if kind == "irp" {
        milkrun_benches::irp::run_irp(&path, &prefix, &opts, &mut std::io::stdout()).map(drop)
    } else if kind == "pdptw" {
        milkrun_benches::pdptw::run_pdptw(&path, &opts, &mut std::io::stdout()).map(drop)
    } else {
        run(&path, &opts, &mut std::io::stdout()).map(drop)
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gap: {e}");
            ExitCode::FAILURE
        }
    }
}
