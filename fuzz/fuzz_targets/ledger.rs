//! Fuzz target: any event stream keeps the ledger's invariants (conservation, idempotence,
//! snapshot replay, order independence; see `milkrun_inventory::properties::ledger_stream`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = milkrun_inventory::properties::ledger_stream(data) {
        panic!("{e}");
    }
});
