//! Integration tests of the routing engine. Every solution is checked by the model's
//! independent checker (and, in these debug-assertion builds, inside the solver as well).
#![allow(clippy::unwrap_used)]

mod support;

mod breaks;
mod brute;
mod control;
mod instances;
mod replan;
mod rides;
