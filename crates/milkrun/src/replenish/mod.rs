//! Inventory routing: a depot (a supplier or a warehouse) keeps many stores supplied over a
//! horizon of periods, deciding when to visit each store, how much to deliver and the routes,
//! at the least transport plus holding cost, with no store below its minimum or above its
//! maximum level (vendor-managed inventory).
//!
//! - [`ReplenishmentPlanner`]: the planner in domain terms (sites, stock positions, daily
//!   forecasts, money per km), for outbound milk runs to stores, re-planned every day;
//! - [`IrpSpec`] / [`IrpProblem`]: the problem (from raw data, or from a benchmark instance
//!   with [`IrpProblem::from_instance`]);
//! - [`IrpSolver`]: the solver (iterated local search; quantities by network flow);
//! - [`check_irp`]: the independent checker, with the benchmark rules as [`IrpRules`].
//!
//! ```
//! use milkrun::formats::read_irp;
//! use milkrun::replenish::{check_irp, IrpProblem, IrpRules, IrpSolver, IrpSolverConfig};
//!
//! let text = "3 3 100 1\n0 0 0 60 30 0.3\n1 10 0 10 30 0 10 0.2\n2 0 10 20 40 0 20 0.4\n";
//! let problem = IrpProblem::from_instance(&read_irp(text, "tiny")?)?;
//! let solved = IrpSolver::new(IrpSolverConfig::default().seed(1).max_iterations(100)).solve(&problem);
//! let report = check_irp(&problem, &solved.plan, &IrpRules::default());
//! assert!(report.is_feasible());
//! assert_eq!(report, solved.report);
//! # Ok::<(), milkrun::Error>(())
//! ```

mod check;
mod flow;
mod planner;
mod problem;
mod solver;

pub use self::check::{check_irp, IrpDelivery, IrpPlan, IrpReport, IrpRoute, IrpRules, IrpViolation, MaxLevelRule};
pub use self::planner::{
    DeliveryFleet, DeliveryRoute, ReplenishmentInput, ReplenishmentPlan, ReplenishmentPlanner,
    ReplenishmentPlannerBuilder, StoreStock, WarehouseStock,
};
pub use self::problem::{IrpDepot, IrpProblem, IrpSpec, IrpStore};
pub use self::solver::{IrpProgress, IrpSolved, IrpSolver, IrpSolverConfig};
