//! The gap harness: solves benchmark instances with a time budget and prints, per instance,
//! `solver,instance,n,budget_s,wall_s,cost,bks,gap_pct` (the columns of `../shared/tools/peers`),
//! then `mean_gap_pct,N`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use milkrun_formats::{
    read_sol, read_solomon, read_to_string, read_vrplib, FormatError, HfvrpCost, Instance, VrplibOptions,
};
use milkrun_routing::{Solver, SolverConfig};

/// Harness settings.
#[derive(Debug, Clone, PartialEq)]
pub struct GapOptions {
    /// Seconds per 100 nodes (depot included), as the peers' `PER100`.
    pub per100: Option<f64>,
    /// Seconds per instance (overrides `per100`).
    pub seconds: Option<f64>,
    /// Iteration limit instead of (or besides) time.
    pub iterations: Option<u64>,
    /// Seed.
    pub seed: u64,
    /// Parallel searches.
    pub threads: usize,
    /// Print progress lines to stderr.
    pub verbose: bool,
    /// Overrides of the solver's tuning parameters (granularity, average removed, threshold).
    pub granularity: Option<usize>,
    /// Average number of clients removed per ruin step.
    pub avg_removed: Option<f64>,
    /// Initial record-to-record threshold.
    pub threshold: Option<f64>,
    /// Target feasibility rate of the penalty manager.
    pub target_feasible: Option<f64>,
    /// A driver break added to every vehicle type: (window open, window close, length) as
    /// fractions of the type's shift (the best-known costs are without it: the gap is then
    /// what the break costs).
    pub lunch: Option<(f64, f64, f64)>,
    /// PDPTW only: gives every shipment a maximum ride time of this factor times its direct
    /// travel time, plus the service times of its two stops.
    pub max_ride: Option<f64>,
}

impl Default for GapOptions {
    fn default() -> Self {
        Self {
            per100: Some(2.0),
            seconds: None,
            iterations: None,
            seed: 1,
            threads: 1,
            verbose: false,
            granularity: None,
            avg_removed: None,
            threshold: None,
            target_feasible: None,
            lunch: None,
            max_ride: None,
        }
    }
}

/// One instance's result.
#[derive(Debug, Clone, PartialEq)]
pub struct GapLine {
    /// Instance name.
    pub instance: String,
    /// Nodes including the depot.
    pub n: usize,
    /// Budget in seconds.
    pub budget_s: f64,
    /// Wall time in seconds.
    pub wall_s: f64,
    /// Cost in the published units.
    pub cost: f64,
    /// Best-known cost.
    pub bks: f64,
    /// Whether the solution passed the checker.
    pub feasible: bool,
}

impl GapLine {
    /// Gap to the BKS in percent.
    #[must_use]
    pub fn gap_pct(&self) -> f64 {
        100.0 * (self.cost - self.bks) / self.bks
    }
}

/// Errors of the harness.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GapError {
    /// Reading an instance or solution failed.
    #[error("{path}: {source}")]
    Format {
        /// The file.
        path: PathBuf,
        /// Why.
        source: FormatError,
    },
    /// No best-known solution found for an instance.
    #[error("{0}: no best-known cost (.sol beside it or BKS.json in its folder)")]
    NoBks(PathBuf),
    /// The instance, changed by an option, does not validate.
    #[error("{path}: {source}")]
    Model {
        /// The file.
        path: PathBuf,
        /// Why.
        source: milkrun_model::ModelError,
    },
    /// The solver refused the instance.
    #[error("{path}: {source}")]
    Routing {
        /// The file.
        path: PathBuf,
        /// Why.
        source: milkrun_routing::RoutingError,
    },
    /// A planner refused an instance.
    #[error("{path}: {source}")]
    Planner {
        /// The file.
        path: PathBuf,
        /// Why.
        source: milkrun::Error,
    },
    /// A folder could not be listed.
    #[error("{path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Instance files under `path` (a file, or the `.vrp`/`.txt` files of a folder, sorted).
///
/// # Errors
/// [`GapError::Io`] if the folder cannot be read.
pub fn instance_files(path: &Path) -> Result<Vec<PathBuf>, GapError> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|source| GapError::Io { path: path.into(), source })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("vrp" | "txt")))
        .collect();
    files.sort();
    Ok(files)
}

fn format_err(path: &Path) -> impl FnOnce(FormatError) -> GapError + '_ {
    move |source| GapError::Format { path: path.into(), source }
}

/// Reads an instance and its best-known cost (in published units).
///
/// # Errors
/// [`GapError`] if a file cannot be read or parsed or the BKS is missing.
pub fn read_instance(path: &Path) -> Result<(Instance, f64), GapError> {
    let text = read_to_string(path).map_err(format_err(path))?;
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    if path.extension().and_then(|e| e.to_str()) == Some("txt") {
        let inst = read_solomon(&text, milkrun_formats::SOLOMON_DEFAULT_SCALE).map_err(format_err(path))?;
        let bks_path = path.with_file_name("BKS.json");
        let bks = read_to_string(&bks_path)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get(format!("{name}_distance"))?.get("best_known_cost")?.as_f64())
            .ok_or_else(|| GapError::NoBks(path.into()))?;
        return Ok((inst, bks));
    }
    let sol_path = path.with_extension("sol");
    let cost_text = read_to_string(&sol_path)
        .ok()
        .and_then(|t| read_sol(&t).ok())
        .and_then(|s| s.cost)
        .ok_or_else(|| GapError::NoBks(path.into()))?;
    // HFVRP files come with two cost conventions; the .sol's Cost says which.
    let options = VrplibOptions { hfvrp_cost: HfvrpCost::of_cost_text(&cost_text) };
    let inst = read_vrplib(&text, &options).map_err(format_err(path))?;
    let bks = cost_text.trim().parse::<f64>().map_err(|_| GapError::NoBks(path.into()))?;
    Ok((inst, bks))
}

/// The solver settings of `opts` with a time limit of `budget` seconds (unless it sets an
/// iteration limit).
#[must_use]
pub fn config(opts: &GapOptions, budget: f64) -> SolverConfig {
    let mut config = SolverConfig::default().seed(opts.seed).threads(opts.threads);
    if let Some(g) = opts.granularity {
        config.granularity = g;
    }
    if let Some(r) = opts.avg_removed {
        config.avg_removed = r;
    }
    if let Some(t) = opts.threshold {
        config.threshold = t;
    }
    if let Some(f) = opts.target_feasible {
        config.target_feasible = f;
    }
    if let Some(it) = opts.iterations {
        config = config.max_iterations(it);
    } else {
        config = config.max_time(Duration::from_secs_f64(budget));
    }
    config
}

/// Solves one instance within the budget and checks the result independently.
///
/// # Errors
/// [`GapError`] if reading or solving fails.
pub fn run_one(path: &Path, opts: &GapOptions) -> Result<GapLine, GapError> {
    let (mut inst, bks) = read_instance(path)?;
    if let Some((a, b, len)) = opts.lunch {
        let mut data = inst.problem.clone().into_data();
        for vt in &mut data.vehicle_types {
            let (open, close) = (vt.shift.open.get() as f64, vt.shift.close.get() as f64);
            let at = |f: f64| milkrun_model::Duration((open + f * (close - open)).round() as i64);
            let length = milkrun_model::Duration((len * (close - open)).round() as i64);
            vt.breaks.push(milkrun_model::BreakRule::in_window(length, milkrun_model::TimeWindow::new(at(a), at(b))));
        }
        inst.problem = data.validate().map_err(|source| GapError::Model { path: path.into(), source })?;
    }
    let problem = &inst.problem;
    let n = problem.jobs().len() + 1;
    let budget = opts.seconds.unwrap_or_else(|| opts.per100.unwrap_or(2.0) * n as f64 / 100.0);
    let config = config(opts, budget);
    let mut solver = Solver::new(config);
    if opts.verbose {
        let name = inst.problem.name().to_string();
        let units = inst.cost_units;
        solver = solver.on_progress(move |p| {
            let best = p.best_cost.map_or("none".to_string(), |c| units.format(c));
            eprintln!(
                "  {name} t={:.1}s it={} best={best} current={}{}",
                p.elapsed.as_secs_f64(),
                p.iteration,
                units.format(p.current_cost),
                if p.feasible { "" } else { " (infeasible, penalised)" }
            );
        });
    }
    let solved = solver.solve(problem).map_err(|source| GapError::Routing { path: path.into(), source })?;
    let report = milkrun_model::check_solution(problem, &solved.solution);
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    Ok(GapLine {
        instance: name,
        n,
        budget_s: budget,
        wall_s: solved.elapsed.as_secs_f64(),
        cost: inst.cost_units.value(report.cost().get()),
        bks,
        feasible: report.is_feasible(),
    })
}

/// Runs every instance under `path`, printing CSV lines to `out`; returns the lines.
///
/// # Errors
/// [`GapError`] on the first instance that cannot be read or solved; write errors are ignored.
pub fn run(path: &Path, opts: &GapOptions, out: &mut impl Write) -> Result<Vec<GapLine>, GapError> {
    let files = instance_files(path)?;
    print_lines(files.iter().map(|f| run_one(f, opts)), out)
}

/// Prints the CSV header, one line per result as it comes, and the mean gap.
///
/// # Errors
/// The first error among `results`; write errors are ignored.
pub fn print_lines(
    results: impl Iterator<Item = Result<GapLine, GapError>>,
    out: &mut impl Write,
) -> Result<Vec<GapLine>, GapError> {
    let mut lines = Vec::new();
    let _ = writeln!(out, "solver,instance,n,budget_s,wall_s,cost,bks,gap_pct");
    for line in results {
        let line = line?;
        let cost = if line.feasible { format!("{:.2}", line.cost) } else { "infeasible".to_string() };
        let _ = writeln!(
            out,
            "milkrun,{},{},{:.1},{:.1},{},{},{:.3}",
            line.instance,
            line.n,
            line.budget_s,
            line.wall_s,
            cost,
            line.bks,
            line.gap_pct()
        );
        let _ = out.flush();
        lines.push(line);
    }
    let feasible = lines.iter().filter(|l| l.feasible).count();
    let mean =
        if lines.is_empty() { 0.0 } else { lines.iter().map(GapLine::gap_pct).sum::<f64>() / lines.len() as f64 };
    if feasible < lines.len() {
        let _ = writeln!(out, "infeasible,{}", lines.len() - feasible);
    }
    let _ = writeln!(out, "mean_gap_pct,{mean:.3},{}", lines.len());
    Ok(lines)
}
