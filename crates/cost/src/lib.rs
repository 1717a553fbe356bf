//! Cost and emissions of milkrun: what a route costs, what it emits under ISO 14083 and the
//! GLEC Framework, what the same suppliers would cost and emit shipping directly, and how the
//! shared cost of a loop is split fairly among its suppliers.
//!
//! - [`tariff`]: route cost from fixed, distance, time, overtime, waiting and stop charges in
//!   integer minor units, with per-route, per-day, per-supplier and plan breakdowns that add up
//!   exactly.
//! - [`emissions`]: energy carriers with well-to-tank and tank-to-wheel factors, consumption
//!   models (fuel-based, load-dependent vehicle classes, CMEM), emissions per leg from the load
//!   on board, transport operation category intensities, allocation to shipments, hub
//!   operations, iLEAP / PACT shaped reports.
//! - [`baseline`]: the same suppliers shipping directly (own round trips or a carrier's rate
//!   card), and the milk run's savings in cost and CO2e per supplier and in total.
//! - [`carrier`]: carrier selection, per shipment or per route: the own fleet against carriers'
//!   rate cards (zones by distance, price per kg, minimum charge, fuel surcharge), by cost, by
//!   CO2e or by both with a carbon price, every alternative priced.
//! - [`sharing`]: allocation of a coalition's cost among its members: proportional rules, the
//!   Shapley value (exact or sampled), the Equal Profit Method, core membership.
#![deny(missing_docs)]

pub mod baseline;
pub mod carrier;
pub mod emissions;
mod error;
pub mod sharing;
pub mod tariff;

pub use crate::error::CostError;
