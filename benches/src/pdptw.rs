//! The pickup and delivery harness (`gap pdptw`): solves Li & Lim instances within a time
//! budget, checks each solution with the independent checker and compares it with the
//! best-known solutions of `BKS.json` in the instance's folder.
//!
//! The best-known solutions minimise vehicles first, then distance; so does the harness, with a
//! fixed cost per vehicle larger than any route's distance ([`vehicle_cost`]). The reported cost
//! is the distance alone (in the published units) and the vehicles are printed beside the
//! best-known solution's: columns `solver,instance,n,budget_s,wall_s,cost,bks,gap_pct,vehicles,
//! bks_vehicles` (the shared columns first), then `mean_gap_pct,MEAN,N` and
//! `vehicles,OURS,BKS` (totals over the instances).
//!
//! With `--max-ride F` every shipment gets a maximum ride time of `F` times its direct travel
//! time plus the service times of its two stops (the best-known solutions then no longer
//! apply: the gap column only compares with them).

use std::io::Write;
use std::path::Path;

use milkrun_formats::{read_lilim, read_to_string, SOLOMON_DEFAULT_SCALE};
use milkrun_model::{check_solution, Duration, JobKind, Money, Problem};
use milkrun_routing::Solver;

use crate::gap::{instance_files, GapError, GapLine, GapOptions};

/// One instance's result: the shared columns and the vehicles.
#[derive(Debug, Clone, PartialEq)]
pub struct PdptwLine {
    /// Instance, budget, distance (as `cost`) and best-known distance.
    pub gap: GapLine,
    /// Vehicles used.
    pub vehicles: usize,
    /// Vehicles of the best-known solution.
    pub bks_vehicles: usize,
}

/// The fixed cost per vehicle that makes fewer vehicles always better: more than the longest
/// possible route set, `2 × (nodes) × (longest arc)` in matrix units.
#[must_use]
pub fn vehicle_cost(problem: &Problem) -> Money {
    let n = problem.sites().len();
    let travel = problem.travel();
    let longest = (0..n).flat_map(|a| (0..n).map(move |b| (a, b))).map(|(a, b)| travel.distance(a, b).get()).max();
    Money(2 * n as i64 * longest.unwrap_or(1).max(1))
}

/// Solves one Li & Lim instance (vehicles first, see the module docs) and checks the result.
///
/// # Errors
/// [`GapError`] if reading or solving fails or the BKS is missing.
pub fn run_pdptw_one(path: &Path, opts: &GapOptions) -> Result<PdptwLine, GapError> {
    let text = read_to_string(path).map_err(|source| GapError::Format { path: path.into(), source })?;
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    let inst = read_lilim(&text, &name, SOLOMON_DEFAULT_SCALE)
        .map_err(|source| GapError::Format { path: path.into(), source })?;
    let entry = read_to_string(path.with_file_name("BKS.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get(&name).cloned());
    let bks = entry.as_ref().and_then(|e| e.get("best_known_cost")?.as_f64());
    let bks_vehicles = entry.as_ref().and_then(|e| e.get("solved_with_vehicles")?.as_u64());
    let (Some(bks), Some(bks_vehicles)) = (bks, bks_vehicles) else {
        return Err(GapError::NoBks(path.into()));
    };
    let mut data = inst.problem.data().clone();
    let fixed = vehicle_cost(&inst.problem);
    for vt in &mut data.vehicle_types {
        vt.fixed_cost = fixed;
    }
    if let Some(factor) = opts.max_ride {
        let travel = data.travel.clone();
        for job in &mut data.jobs {
            if let JobKind::Shipment { pickup, delivery, max_ride, .. } = &mut job.kind {
                let direct = travel.duration(pickup.site.index(), delivery.site.index()).get() as f64;
                *max_ride = Some(Duration((factor * direct).round() as i64) + pickup.service + delivery.service);
            }
        }
    }
    let problem = data.validate().map_err(|e| GapError::Format { path: path.into(), source: e.into() })?;
    let n = problem.jobs().len() * 2 + 1;
    let budget = opts.seconds.unwrap_or_else(|| opts.per100.unwrap_or(2.0) * n as f64 / 100.0);
    let mut config = crate::gap::config(opts, budget);
    if opts.threshold.is_none() {
        // The acceptance threshold is relative to the whole cost, here mostly fixed costs:
        // relative to the distance alone it is the default 1 %.
        config.threshold = 0.01 * 0.1;
    }
    let solved =
        Solver::new(config).solve(&problem).map_err(|source| GapError::Routing { path: path.into(), source })?;
    let report = check_solution(&problem, &solved.solution);
    Ok(PdptwLine {
        gap: GapLine {
            instance: name,
            n,
            budget_s: budget,
            wall_s: solved.elapsed.as_secs_f64(),
            cost: inst.cost_units.value(report.distance.get()),
            bks,
            feasible: report.is_feasible(),
        },
        vehicles: solved.solution.routes.iter().filter(|r| !r.visits.is_empty()).count(),
        bks_vehicles: bks_vehicles as usize,
    })
}

/// Runs every instance under `path`, printing CSV lines to `out`; returns the lines.
///
/// # Errors
/// [`GapError`] on the first instance that cannot be read or solved; write errors are ignored.
pub fn run_pdptw(path: &Path, opts: &GapOptions, out: &mut impl Write) -> Result<Vec<PdptwLine>, GapError> {
    let files = instance_files(path)?;
    let _ = writeln!(out, "solver,instance,n,budget_s,wall_s,cost,bks,gap_pct,vehicles,bks_vehicles");
    let mut lines = Vec::new();
    for file in &files {
        let line = run_pdptw_one(file, opts)?;
        let g = &line.gap;
        let cost = if g.feasible { format!("{:.2}", g.cost) } else { "infeasible".to_string() };
        let _ = writeln!(
            out,
            "milkrun,{},{},{:.1},{:.1},{},{},{:.3},{},{}",
            g.instance,
            g.n,
            g.budget_s,
            g.wall_s,
            cost,
            g.bks,
            g.gap_pct(),
            line.vehicles,
            line.bks_vehicles
        );
        let _ = out.flush();
        lines.push(line);
    }
    let infeasible = lines.iter().filter(|l| !l.gap.feasible).count();
    if infeasible > 0 {
        let _ = writeln!(out, "infeasible,{infeasible}");
    }
    let mean = lines.iter().map(|l| l.gap.gap_pct()).sum::<f64>() / lines.len().max(1) as f64;
    let _ = writeln!(out, "mean_gap_pct,{mean:.3},{}", lines.len());
    let ours: usize = lines.iter().map(|l| l.vehicles).sum();
    let theirs: usize = lines.iter().map(|l| l.bks_vehicles).sum();
    let _ = writeln!(out, "vehicles,{ours},{theirs}");
    Ok(lines)
}
