//! The inventory engine of milkrun: a remote stock ledger fed by sensor, RFID and ERP events,
//! demand forecasting for smooth and intermittent series, and reorder policies.
//!
//! - [`Ledger`]: stock per (SKU, location) from events that arrive late, twice or out of order.
//! - [`forecast`]: exponential smoothing, Croston-family methods for intermittent demand,
//!   demand classification, accuracy metrics and automatic model choice.
//! - [`policy`]: EOQ, newsvendor, base-stock, (r, Q), (s, S), periodic review, min/max, safety
//!   stock and order rounding.
//! - [`replenish`]: reorder proposals (SKU, location, supplier, quantity, due date) and alerts
//!   (stockout risk, overstock, excess cover, silent sensors, unexplained drops).
//! - [`simulate`]: a replenishment rule played against a demand history or seeded scenarios.
//! - [`analytics`]: turnover, days of cover, fill rate, stockout periods, inventory value.
#![deny(missing_docs)]

pub mod analytics;
mod error;
pub mod forecast;
mod history;
mod ledger;
mod pages;
pub mod policy;
mod prefetch;
#[doc(hidden)]
pub mod properties;
pub mod replenish;
pub mod simulate;
mod table;

pub use crate::error::InventoryError;
pub use crate::ledger::{
    DeviceId, Event, EventId, EventKind, IngestReport, Ledger, LedgerConfig, LocationId, OpenOrder, OrderId, Position,
    Reading, Rejected, Rejection, ShortagePolicy, SkuId, Snapshot, SupplierId,
};
