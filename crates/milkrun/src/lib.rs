//! milkrun: plan milk runs (one truck looping over several suppliers for one plant, on a
//! recurring schedule) and manage remote inventory.
//!
//! This facade re-exports the validated domain model ([`model`]), the file formats
//! ([`formats`]), the routing engine ([`routing`]), the inventory engine ([`inventory`]) and
//! cost and emissions ([`cost`]), and composes them into planners:
//! - [`MilkRunPlanner`] ([`planner`]): decides each supplier's pickup frequency, days and
//!   waves, the quantities in whole containers, the loops and timetables (routing engine), and
//!   prices the plan (transport, holding, CO2e, each supplier's share) against direct
//!   shipping; [`planner::check_plan`] verifies a plan independently. Guide: `docs/guide.md`.
//!   The same planner plans tugger trains inside a plant ([`planner::in_plant`]): stations on
//!   an aisle graph, a fixed cycle through the shift, capacity in bins.
//! - [`last_mile::LastMileDay`] ([`last_mile`]): a day of deliveries, returns and paired
//!   shipments with time windows, followed through tracking events (ETAs recomputed, alerts
//!   when an ETA leaves its promised window) and re-planned with what is done locked.
//! - [`ReplenishmentPlanner`] ([`replenish`]): outbound loops from a warehouse to stores whose
//!   stock it manages (inventory routing): when to visit each store, how much to deliver and
//!   the routes over a horizon of days, re-planned daily from the latest positions;
//!   [`replenish::check_irp`] verifies a plan independently.
//! - [`WeeklyMilkRunPlanner`], the walking skeleton: turns given recurring patterns into a week
//!   of loops with timetables, routing each day with [`ClarkeWrightSavings`], a **construction
//!   heuristic, not an optimiser**.
//!
//! ```
//! use milkrun::model::check_solution;
//! use milkrun::{demo, ClarkeWrightSavings, Duration, WeeklyMilkRunPlanner};
//!
//! let scenario = demo::automotive_week()?;
//! let planner = WeeklyMilkRunPlanner::builder()
//!     .savings(ClarkeWrightSavings::new().max_wait(Duration::minutes(45)))
//!     .build();
//! let weekly = planner.plan(&scenario.network, &scenario.demand)?;
//! for day in &weekly.days {
//!     // Every day's routes pass the independent checker.
//!     assert!(check_solution(&day.problem, &day.solution).is_feasible());
//! }
//! println!("{} loops, {} km", weekly.loop_count(), weekly.total_distance().get() / 1000);
//! # Ok::<(), milkrun::Error>(())
//! ```
#![deny(missing_docs)]

pub mod demo;
mod error;
pub mod last_mile;
pub mod planner;
pub mod replenish;
mod walking_skeleton;
mod weekly;

pub use milkrun_cost as cost;
pub use milkrun_formats as formats;
pub use milkrun_inventory as inventory;
pub use milkrun_model as model;
pub use milkrun_routing as routing;

pub use crate::error::Error;
pub use crate::planner::{MilkRunPlan, MilkRunPlanner, MilkRunPlannerBuilder};
pub use crate::replenish::{ReplenishmentPlan, ReplenishmentPlanner, ReplenishmentPlannerBuilder};
pub use crate::walking_skeleton::{
    Breach, ClarkeWrightSavings, Construction, RouteSchedule, Unassigned, UnassignedReason,
};
pub use crate::weekly::{
    PlannedDay, Progress, SkipReason, SkippedPickup, SupplierDemand, WeeklyDemand, WeeklyMilkRunPlanner,
    WeeklyMilkRunPlannerBuilder, WeeklyPlan,
};
pub use milkrun_model::{
    check_solution, Distance, Duration, Horizon, Load, Plan, Problem, ProblemData, RecurringPattern, Solution,
    TimeWindow, Weekday,
};

/// The README's embedding example, compiled and run as a doc test.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The guide's examples (`docs/guide.md`), compiled and run as doc tests.
#[doc = include_str!("../../../docs/guide.md")]
#[cfg(doctest)]
pub struct GuideDoctests;
