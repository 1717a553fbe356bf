//! Integration tests of the inventory engine.
#![allow(clippy::unwrap_used)]

mod ledger;

/// Replays `fuzz/corpus/ledger/*` through the property the fuzz target checks.
#[test]
fn fuzz_corpus_replays() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/ledger");
    let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(entries.len() >= 3, "corpus {} has {} entries", dir.display(), entries.len());
    for f in entries {
        let data = std::fs::read(&f).unwrap();
        milkrun_inventory::properties::ledger_stream(&data).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
}
