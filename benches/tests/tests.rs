//! Integration tests of the benchmark binaries' library: the checker against every published
//! solution in `../shared/data`, and against mutated copies.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod checker;
mod gap;
