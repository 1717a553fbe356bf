//! Criterion benchmarks of the inventory engine: ledger ingestion (events per second, in
//! order and with late events), one forecast fit per method on a year of daily demand, and one
//! reorder assessment.
//!
//! `cargo bench -p milkrun-benches --bench inventory`; the scale runs (a million positions)
//! are in the `inventory` binary.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use milkrun_inventory::forecast::{classify, Fit, Forecaster, Method};
use milkrun_inventory::replenish::{
    assess_into, Assessment, DemandView, ItemSettings, ReorderRule, ReplenishmentConfig,
};
use milkrun_inventory::{Event, EventId, EventKind, Ledger, LedgerConfig, LocationId, Position, SkuId, SupplierId};
use milkrun_model::Duration;

/// A deterministic generator (linear congruential).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// `n` events over `positions` positions, in time order, every `late`-th one an hour late.
fn events(n: usize, positions: u64, late: usize) -> Vec<Event> {
    let mut g = Lcg(7);
    (0..n)
        .map(|k| {
            let p = g.next() % positions;
            let mut time = k as i64 * 60;
            if late > 0 && k % late == 0 {
                time -= 3600;
            }
            let q = (g.next() % 20 + 1) as f64;
            let kind = if k % 5 == 0 {
                EventKind::Receipt { quantity: 4.0 * q, order: None }
            } else {
                EventKind::Issue { quantity: q, from_allocated: false }
            };
            Event {
                id: EventId(k as u64),
                time: Duration(time.max(0)),
                sku: SkuId((p % 100) as u32),
                location: LocationId((p / 100) as u32),
                kind,
            }
        })
        .collect()
}

fn ledger_with(positions: u64) -> Ledger {
    let mut l = Ledger::new(LedgerConfig::default());
    let skus = 100usize;
    l.add_skus(skus).expect("a hundred SKUs fit");
    l.add_locations((positions as usize).div_ceil(skus)).expect("the locations fit");
    l
}

fn ingest(c: &mut Criterion) {
    let mut group = c.benchmark_group("ledger ingest");
    let n = 100_000;
    group.throughput(Throughput::Elements(n as u64));
    for (name, positions, late) in [("10k positions in order", 10_000, 0), ("10k positions 1% late", 10_000, 100)] {
        let stream = events(n, positions, late);
        group.bench_function(name, |b| {
            b.iter_batched(|| ledger_with(positions), |mut l| black_box(l.ingest(&stream)), BatchSize::LargeInput)
        });
    }
    group.finish();
}

/// A year of daily demand: smooth with a weekly pattern, or intermittent.
fn series(intermittent: bool) -> Vec<f64> {
    let mut g = Lcg(11);
    (0..365)
        .map(|t| {
            if intermittent {
                if g.next() % 100 < 20 {
                    (g.next() % 9 + 1) as f64
                } else {
                    0.0
                }
            } else {
                let weekly = if t % 7 >= 5 { 10.0 } else { 25.0 };
                weekly + (g.next() % 11) as f64 - 5.0
            }
        })
        .collect()
}

fn forecasting(c: &mut Criterion) {
    let mut group = c.benchmark_group("forecast fit, 365 days");
    let smooth = series(false);
    let sparse = series(true);
    let given = [
        ("SES", Method::Ses { alpha: Some(0.1) }, &smooth),
        (
            "Holt-Winters",
            Method::HoltWinters { season_length: 7, alpha: Some(0.1), beta: Some(0.05), gamma: Some(0.1) },
            &smooth,
        ),
        ("Croston", Method::CROSTON, &sparse),
        ("SBA", Method::Sba { alpha_d: Some(0.1), alpha_i: Some(0.1) }, &sparse),
        ("TSB", Method::Tsb { alpha_d: Some(0.1), alpha_p: Some(0.1) }, &sparse),
        ("ADIDA", Method::Adida { alpha: Some(0.1) }, &sparse),
        ("SES fitted", Method::SES, &smooth),
    ];
    let mut forecaster = Forecaster::new();
    let mut fit = Fit::default();
    for (name, method, y) in given {
        group.bench_function(name, |b| b.iter(|| forecaster.fit_into(black_box(y), &method, &mut fit)));
    }
    group.bench_function("classify", |b| b.iter(|| classify(black_box(&sparse))));
    group.finish();
}

fn assessment(c: &mut Criterion) {
    let settings =
        ItemSettings::new(SkuId(0), LocationId(0), SupplierId(0), ReorderRule::ReorderPoint { quantity: 100.0 }, 3.0);
    let position = Position { on_hand: 40.0, ..Position::default() };
    let forecast = [20.0; 14];
    let demand = DemandView { forecast: &forecast, sigma: 5.0 };
    let config = ReplenishmentConfig::default();
    let mut out = Assessment::default();
    c.bench_function("assess one item", |b| {
        b.iter(|| assess_into(&settings, Some(black_box(&position)), &demand, Duration(864_000), &config, &mut out))
    });
}

criterion_group!(benches, ingest, forecasting, assessment);
criterion_main!(benches);
