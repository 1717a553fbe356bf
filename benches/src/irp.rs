//! The inventory routing harness: solves `../shared/data/IRP` instances (Archetti et al. 2007
//! format) within a time budget, checks each plan with the independent IRP checker and prints
//! the gap to the best-known upper bound of `bounds.txt` in the file's folder.
//!
//! Columns as the other harness commands: `solver,instance,n,budget_s,wall_s,cost,bks,gap_pct`
//! (cost = transport + holding at the period ends, as in the bounds), then
//! `mean_gap_pct,MEAN,N`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use milkrun::replenish::{IrpProblem, IrpSolver, IrpSolverConfig};
use milkrun_formats::{read_irp, read_to_string};

use crate::gap::{GapError, GapLine, GapOptions};

/// The `.dat` files under `path` (or `path` itself) whose name starts with `prefix`, sorted.
///
/// # Errors
/// [`GapError::Io`] if the folder cannot be read.
pub fn irp_files(path: &Path, prefix: &str) -> Result<Vec<PathBuf>, GapError> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|source| GapError::Io { path: path.into(), source })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("dat"))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)))
        .collect();
    files.sort();
    Ok(files)
}

/// The best-known upper bound of instance `name` in `bounds.txt` beside `path`.
fn bound(path: &Path, name: &str) -> Option<f64> {
    let text = read_to_string(path.with_file_name("bounds.txt")).ok()?;
    text.lines().find_map(|line| {
        let mut fields = line.split_whitespace();
        (fields.next()? == name).then_some(())?;
        fields.nth(1)?.parse().ok()
    })
}

/// Solves one instance and checks the plan.
///
/// # Errors
/// [`GapError`] if the file cannot be read, has no bound, or is refused.
pub fn run_irp_one(path: &Path, opts: &GapOptions) -> Result<GapLine, GapError> {
    let text = read_to_string(path).map_err(|source| GapError::Format { path: path.into(), source })?;
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    let instance = read_irp(&text, &name).map_err(|source| GapError::Format { path: path.into(), source })?;
    let bks = bound(path, &name).ok_or_else(|| GapError::NoBks(path.into()))?;
    let problem =
        IrpProblem::from_instance(&instance).map_err(|source| GapError::Planner { path: path.into(), source })?;
    let budget = opts.seconds.unwrap_or(10.0);
    let mut config = IrpSolverConfig::default().seed(opts.seed);
    config = match opts.iterations {
        Some(it) => config.max_iterations(it),
        None => config.max_time(Duration::from_secs_f64(budget)),
    };
    let mut solver = IrpSolver::new(config);
    if opts.verbose {
        solver = solver.on_progress(move |p| {
            eprintln!(
                "  {name} t={:.1}s it={} best={:.2}{}",
                p.elapsed.as_secs_f64(),
                p.iteration,
                p.best_cost,
                if p.feasible { "" } else { " (short of stock, penalised)" }
            );
        });
    }
    let solved = solver.solve(&problem);
    if opts.verbose {
        eprintln!(
            "  {}: transport {} holding {:.2} visits {} iterations {}",
            instance.name,
            solved.report.transport,
            solved.report.holding,
            solved.plan.visits(),
            solved.iterations
        );
        for (t, routes) in solved.plan.periods.iter().enumerate() {
            let loads: Vec<String> = routes
                .iter()
                .map(|r| format!("{}:{}", r.deliveries.len(), r.deliveries.iter().map(|d| d.quantity).sum::<i64>()))
                .collect();
            eprintln!("  period {t}: routes (stops:load) {}", loads.join(" "));
        }
        for v in &solved.report.violations {
            eprintln!("  {}: {v}", instance.name);
        }
    }
    Ok(GapLine {
        instance: instance.name.clone(),
        n: instance.nodes(),
        budget_s: budget,
        wall_s: solved.elapsed.as_secs_f64(),
        cost: solved.report.total(),
        bks,
        feasible: solved.report.is_feasible(),
    })
}

/// Runs every instance under `path` whose name starts with `prefix`, printing CSV lines.
///
/// # Errors
/// [`GapError`] on the first instance that cannot be read; write errors are ignored.
pub fn run_irp(path: &Path, prefix: &str, opts: &GapOptions, out: &mut impl Write) -> Result<Vec<GapLine>, GapError> {
    let files = irp_files(path, prefix)?;
    crate::gap::print_lines(files.iter().map(|f| run_irp_one(f, opts)), out)
}
