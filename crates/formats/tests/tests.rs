//! Integration tests of milkrun-formats: every benchmark file reads and round-trips, and every
//! fuzz corpus entry satisfies its property.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use milkrun_formats::{properties, read_to_string};

fn shared_data() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    d.is_dir().then_some(d).or_else(|| {
        eprintln!("skipping: ../shared/data is absent");
        None
    })
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == ext)).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn every_vrplib_benchmark_round_trips() {
    let Some(d) = shared_data() else { return };
    let mut n = 0;
    for set in ["CVRP", "CVRP-XXL", "VRPTW", "VRPB", "MTVRPTWR", "HFVRP"] {
        for f in files(&d.join(set), "vrp") {
            let text = read_to_string(&f).unwrap();
            assert!(milkrun_formats::read_vrplib(&text, &Default::default()).is_ok(), "{}", f.display());
            properties::vrplib(text.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            n += 1;
        }
    }
    assert!(n >= 190, "only {n} files");
}

/// Replays `fuzz/corpus/<target>/*` through the same property the fuzz target checks.
#[test]
fn fuzz_corpora_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    type Property = fn(&[u8]) -> Result<(), String>;
    let targets: [(&str, Property); 6] = [
        ("vrplib", properties::vrplib),
        ("sol", properties::sol),
        ("solomon", properties::solomon),
        ("lilim", properties::lilim),
        ("irp", properties::irp),
        ("json", properties::json),
    ];
    for (name, property) in targets {
        let dir = root.join(name);
        let entries: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(!entries.is_empty(), "empty corpus {}", dir.display());
        for f in entries {
            let data = std::fs::read(&f).unwrap();
            property(&data).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        }
    }
}

/// The seeds are valid inputs, so the replay exercises the round trip, not only rejection.
#[test]
fn fuzz_seeds_are_accepted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let read = |p: &str| read_to_string(root.join(p)).unwrap();
    let scale = milkrun_formats::SOLOMON_DEFAULT_SCALE;
    milkrun_formats::read_solomon(&read("solomon/tiny.txt"), scale).unwrap();
    milkrun_formats::read_lilim(&read("lilim/tiny.txt"), "tiny", scale).unwrap();
    milkrun_formats::read_irp(&read("irp/tiny.dat"), "tiny").unwrap();
    milkrun_formats::problem_from_json(&read("json/problem.json")).unwrap();
    milkrun_formats::solution_from_json(&read("json/solution.json")).unwrap();
    for f in ["cvrp", "vrptw", "vrpb", "mtvrptwr", "hfvrp"] {
        milkrun_formats::read_vrplib(&read(&format!("vrplib/{f}.vrp")), &Default::default()).unwrap();
    }
    assert!(milkrun_formats::read_sol(&read("sol/plain.sol")).is_ok());
}
