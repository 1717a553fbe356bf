//! The domain model of milkrun: sites, parts, loads, jobs, vehicles, schedules and travel
//! matrices, as plain data validated once.
//!
//! Build a [`ProblemData`], then [`ProblemData::validate`] it into a [`Problem`]; every later
//! crate trusts a `Problem`. Nothing here reads files, draws random numbers or looks at a clock.
//!
//! ```
//! use milkrun_model::{
//!     Coordinates, Job, Load, ProblemData, Rounding, Site, SiteId, SiteKind, Speed, Stop,
//!     TravelMatrix, VehicleType,
//! };
//!
//! let sites = vec![
//!     Site::new("plant", SiteKind::Plant, Coordinates::Planar { x: 0.0, y: 0.0 }),
//!     Site::new("supplier A", SiteKind::Supplier, Coordinates::Planar { x: 3.0, y: 4.0 }),
//! ];
//! let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
//! let data = ProblemData {
//!     name: "tiny".into(),
//!     dimensions: vec!["containers".into()],
//!     travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance)?,
//!     sites,
//!     jobs: vec![Job::pickup("A parts", Stop::at(SiteId(1)), Load::single(4))],
//!     vehicle_types: vec![VehicleType::new("truck", 1, Load::single(10), SiteId(0))],
//!     ..ProblemData::default()
//! };
//! let problem = data.validate()?;
//! assert_eq!(problem.travel().distance(0, 1).get(), 5);
//! # Ok::<(), milkrun_model::ModelError>(())
//! ```
#![deny(missing_docs)]

mod check;
mod error;
mod ids;
mod job;
mod part;
mod problem;
mod schedule;
mod site;
mod solution;
mod travel;
mod units;
mod vehicle;

pub use crate::check::{check_solution, CheckReport, RouteReport, Violation};
pub use crate::error::ModelError;
pub use crate::ids::{BreakId, ContainerId, JobId, PartId, SiteId, SkillId, VehicleTypeId};
pub use crate::job::{Assignment, Job, JobKind, Stop};
pub use crate::part::{ContainerType, Part};
pub use crate::problem::{Problem, ProblemData};
pub use crate::schedule::{DayPlan, Horizon, Plan, PlannedRoute, RecurringPattern};
pub use crate::site::{Calendar, Coordinates, Site, SiteKind, Weekday, WeekdaySet};
pub use crate::solution::{Route, Solution, StopTime, Visit};
pub use crate::travel::{haversine_m, RoadEdge, Rounding, Speed, TravelMatrix, EARTH_RADIUS_M};
pub use crate::units::{CubicMetres, Distance, Duration, Kilograms, Load, Money, TimeWindow};
pub use crate::vehicle::{BreakRule, BreakWhen, EnergyCarrier, EnergyProfile, VehicleType};
