//! The routing engine of milkrun: capacitated vehicle routing with time windows, solved by an
//! iterated local search (granular local search with concatenated route segments, SISR-style
//! ruin and recreate, penalties adapted to a feasibility target, record-to-record acceptance).
//!
//! It handles, from a validated [`milkrun_model::Problem`]: multi-dimensional capacities (up to
//! 3), simultaneous delivery and pickup at a stop, linehauls before backhauls (VRPB), time
//! windows, service times, release times, vehicle shifts, maximum route duration and
//! distance, several vehicle types with counts, start and end sites (or open routes), fixed,
//! per-distance and per-duration costs (with whole-route moves that choose the fleet mix),
//! skills (a job only on vehicle types that have all it needs; up to 64 skills), optional
//! jobs with a penalty, and multi-trip routes (a vehicle returns to a reload site of its type and
//! goes out again, with a cap on reloads, a reload time, and release times that hold back the
//! trip a job goes on; moves on multi-trip routes stay O(1), see `src/trips.rs`). Stops with
//! several time windows are handled by a first version that simulates routes (moves cost
//! O(route length) on such instances, and they may not have release times or reloads; see
//! `src/windows.rs`). Paired shipments (pickup and delivery with time windows, PDPTW) are kept
//! whole on one route, pickup first, by refusing the moves that would split or invert a pair,
//! with pair relocation, pair exchange and pair insertion on top of the client moves (see
//! `src/search/pairs.rs`); a shipment's load is on board exactly between its two stops.
//! Maximum ride times of shipments (departure from the pickup to arrival at the delivery) are
//! handled by a first version that simulates routes as for several windows, following each
//! ride-limited shipment; a route leaves its depot as late as its windows allow without
//! returning later, which is also best for ride times (moves cost O(route length) on such
//! instances, and they may not have release times; past 16 ride-limited shipments on board at
//! once, or 8 delivered over their limit before that later departure, a route's ride excess is
//! overestimated, never underestimated; see `src/rides.rs`).
//! Driver breaks (a break inside a window, or before a driving-time limit is passed; up to 4
//! rules per vehicle type) are placed by a first version that simulates routes and takes each
//! break when it is due or fits into waiting (see `src/breaks.rs`; the output lists them as
//! [`milkrun_model::Visit::Break`]).
//! Shipments together with reloads or with linehauls before backhauls, ride times with
//! release times or with driver breaks, breaks together with reloads or release times, and
//! re-planning with shipments or breaks are rejected with [`RoutingError::Unsupported`] for
//! now.

//! The main loop is in `src/solver.rs`.
//!
//! ```
//! use std::time::Duration;
//! use milkrun_model::{Coordinates, Job, Load, ProblemData, Rounding, Site, SiteId, SiteKind, Speed, Stop, TravelMatrix, VehicleType};
//! use milkrun_routing::{Solver, SolverConfig};
//!
//! let mut sites = vec![Site::new("plant", SiteKind::Plant, Coordinates::Planar { x: 0.0, y: 0.0 })];
//! let mut jobs = Vec::new();
//! for (k, (x, y)) in [(10.0, 0.0), (10.0, 5.0), (-8.0, 3.0), (-9.0, -4.0)].into_iter().enumerate() {
//!     sites.push(Site::new(format!("supplier {k}"), SiteKind::Supplier, Coordinates::Planar { x, y }));
//!     jobs.push(Job::pickup(format!("parts {k}"), Stop::at(SiteId(k as u32 + 1)), Load::single(4)));
//! }
//! let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
//! let problem = ProblemData {
//!     name: "four suppliers".into(),
//!     dimensions: vec!["pallets".into()],
//!     travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance)?,
//!     sites,
//!     jobs,
//!     vehicle_types: vec![VehicleType::new("truck", 2, Load::single(8), SiteId(0))],
//!     ..ProblemData::default()
//! }
//! .validate()?;
//!
//! let solver = Solver::new(SolverConfig::default().seed(7).max_iterations(200));
//! let solved = solver.solve(&problem)?;
//! assert!(solved.feasible);
//! assert_eq!(solved.solution.routes.len(), 2); // east and west loops
//! assert_eq!(solved.cost.total.get(), 26 + 26); // 10 + 5 + 11 east, 9 + 7 + 10 west
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
// Loads are small fixed arrays indexed in parallel (delivery, pickup, capacity per dimension).
#![allow(clippy::needless_range_loop)]

#[doc(hidden)]
pub mod bench;
mod breaks;
mod data;
mod error;
mod output;
mod perturb;
pub mod replan;
mod rides;
mod rng;
mod route;
mod search;
mod segment;
mod solver;
mod trips;
mod windows;

pub use crate::error::RoutingError;
pub use crate::output::{CostBreakdown, RouteSchedule, Solved, Unassigned, UnassignedReason};
pub use crate::replan::{replan, Replanned, VehicleOrigin, VehicleProgress};
pub use crate::rng::Rng;
pub use crate::solver::{Progress, Solver, SolverConfig, StopCriteria};
