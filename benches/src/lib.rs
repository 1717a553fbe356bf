//! Benchmark binaries of milkrun and the helpers they share: the solution checker entry point
//! (`check`) and, later, the gap harness.
//!
//! ```no_run
//! let outcome = milkrun_benches::check_files("X-n101-k25.vrp".as_ref(), "X-n101-k25.sol".as_ref(), None)?;
//! assert!(outcome.report.is_feasible());
//! # Ok::<(), milkrun_formats::FormatError>(())
//! ```

use std::path::Path;

pub mod gap;
pub mod irp;
pub mod pdptw;

use milkrun_formats::{
    read_sol, read_to_string, read_vrplib, CostUnits, FormatError, HfvrpCost, Instance, VrplibOptions,
};
use milkrun_model::{check_solution, CheckReport, Solution};

/// Instance file formats the checker reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceFormat {
    /// VRPLIB (`.vrp`): CVRP, VRPTW, VRPB, MTVRPTWR, HFVRP; solution as a VRPLIB `.sol`.
    Vrplib,
    /// Solomon VRPTW text; solution as a `.sol` whose location indices are customer numbers.
    Solomon,
    /// Li & Lim PDPTW text; solution as a `.sol` whose location indices are node numbers.
    LiLim,
    /// milkrun JSON problem; solution as milkrun JSON.
    Json,
}

impl InstanceFormat {
    /// Parses a `--format` value.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "vrplib" => Some(Self::Vrplib),
            "solomon" => Some(Self::Solomon),
            "lilim" => Some(Self::LiLim),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    /// Guesses the format from the file name and content.
    #[must_use]
    pub fn detect(path: &Path, text: &str) -> Option<Self> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("vrp") => Some(Self::Vrplib),
            Some("json") => Some(Self::Json),
            Some("txt") => {
                // Li & Lim starts with three numbers (vehicles, capacity, speed); Solomon with a name.
                let first = text.lines().next().unwrap_or_default();
                let numeric = first.split_whitespace().all(|f| f.parse::<f64>().is_ok());
                Some(if numeric && first.split_whitespace().count() == 3 { Self::LiLim } else { Self::Solomon })
            }
            _ => None,
        }
    }
}

/// What [`check_files`] found.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    /// The instance read.
    pub instance: Instance,
    /// The solution read.
    pub solution: Solution,
    /// The checker's report.
    pub report: CheckReport,
    /// The cost stated in the solution file, if any (as text).
    pub stated_cost: Option<String>,
}

impl CheckOutcome {
    /// The cost in the units of the instance family's published costs.
    #[must_use]
    pub fn cost_units(&self) -> CostUnits {
        self.instance.cost_units
    }
}

/// Reads an instance and a solution file and checks the solution.
///
/// # Errors
/// Any [`FormatError`] from reading or parsing either file.
pub fn check_files(
    instance: &Path,
    solution: &Path,
    format: Option<InstanceFormat>,
) -> Result<CheckOutcome, FormatError> {
    let text = read_to_string(instance)?;
    let sol_text = read_to_string(solution)?;
    let format = match format.or_else(|| InstanceFormat::detect(instance, &text)) {
        Some(f) => f,
        None => {
            return Err(FormatError::Parse {
                line: 0,
                reason: format!("cannot tell the format of {}; pass --format", instance.display()),
            })
        }
    };
    match format {
        InstanceFormat::Vrplib => {
            let sol = read_sol(&sol_text)?;
            let hfvrp_cost = sol.cost.as_deref().map(HfvrpCost::of_cost_text).unwrap_or_default();
            let instance = read_vrplib(&text, &VrplibOptions { hfvrp_cost })?;
            let solution = sol.to_solution(&instance.problem)?;
            let report = check_solution(&instance.problem, &solution);
            Ok(CheckOutcome { instance, solution, report, stated_cost: sol.cost })
        }
        InstanceFormat::Solomon | InstanceFormat::LiLim => {
            let scale = milkrun_formats::SOLOMON_DEFAULT_SCALE;
            let instance = if format == InstanceFormat::Solomon {
                milkrun_formats::read_solomon(&text, scale)?
            } else {
                let name = instance.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
                milkrun_formats::read_lilim(&text, name, scale)?
            };
            let sol = read_sol(&sol_text)?;
            let solution = sol.to_solution(&instance.problem)?;
            let report = check_solution(&instance.problem, &solution);
            Ok(CheckOutcome { instance, solution, report, stated_cost: sol.cost })
        }
        InstanceFormat::Json => {
            let problem = milkrun_formats::problem_from_json(&text)?;
            let solution = milkrun_formats::solution_from_json(&sol_text)?;
            let report = check_solution(&problem, &solution);
            let instance = Instance { problem, cost_units: CostUnits::IDENTITY };
            Ok(CheckOutcome { instance, solution, report, stated_cost: None })
        }
    }
}
