//! Fuzz target: the irp reader never panics, and what it accepts round-trips
//! (see `milkrun_formats::properties::irp`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = milkrun_formats::properties::irp(data) {
        panic!("{e}");
    }
});
