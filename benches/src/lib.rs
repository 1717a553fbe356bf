//! Benchmark binaries of milkrun and the helpers they share: the solution checker entry point
//! (`check`) and, later, the gap harness.
//!
//! ```no_run
//! let outcome = milkrun_benches::check_files("X-n101-k25.vrp".as_ref(), "X-n101-k25.sol".as_ref(), None)?;
//! assert!(outcome.report.is_feasible());
//! # Ok::<(), milkrun_formats::FormatError>(())
//! ```

use std::path::Path;

use milkrun_formats::{
    read_sol, read_to_string, read_vrplib, CostUnits, FormatError, HfvrpCost, Instance, VrplibOptions,
};
use milkrun_model::{check_solution, CheckReport, Solution};

/// Instance file formats the checker reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceFormat {
    /// VRPLIB (`.vrp`): CVRP, VRPTW, VRPB, MTVRPTWR, HFVRP.
    Vrplib,
}

impl InstanceFormat {
    /// Parses a `--format` value.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "vrplib" => Some(Self::Vrplib),
            _ => None,
        }
    }

    /// Guesses the format from the file name and content.
    #[must_use]
    pub fn detect(path: &Path, _text: &str) -> Option<Self> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("vrp") => Some(Self::Vrplib),
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
    }
}
