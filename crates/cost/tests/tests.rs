//! Integration tests of the cost and emissions crate.
#![allow(clippy::unwrap_used)]
mod baseline;
mod carrier;
mod emissions;
mod sharing;
