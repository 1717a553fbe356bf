//! Inventory engine at scale.
//!
//! Key points:
//! - `cargo run --release -p milkrun-benches --bin inventory -- ingest --positions 1000000`
//!   streams synthetic events into the ledger (10 per position over a year, mostly in time
//!   order, a share up to a day late, a share sent twice) and reports events per second; the
//!   stream is generated in batches outside the timed part, and the ledger's memory for the
//!   event ids and positions is reserved before it (also not timed; the time is shown); with
//!   `--opening` the ledger first takes an opening cycle count for every position (untimed),
//!   so that the stream goes into a ledger that already holds its SKU-locations instead of
//!   creating them as it goes; with `--hashed-ids` the event ids are scrambled (unique, in no
//!   order) instead of numbered in sequence;
//! - `... --bin inventory -- plan --positions 1000000 --threads 2` generates a year of daily
//!   demand per position (smooth and intermittent) and classifies it (standing in for the
//!   weekly model-selection job: SES for smooth and erratic series, SBA for intermittent and
//!   lumpy ones, constants given), then times the daily job over all positions: forecast,
//!   forecast-error sigma, safety stock, reorder levels, proposals and alerts; it also times
//!   automatic model choice (holdout, fitted constants) on a sample;
//! - both print progress on stderr and one CSV line per size on stdout, with the peak memory
//!   of the process (run one size per process to read it per size).

#![allow(clippy::print_stdout)]

use std::process::ExitCode;
use std::time::{Duration as Elapsed, Instant};

use milkrun_inventory::forecast::{classify, DemandClass, Fit, Forecaster, Method, SelectionConfig};
use milkrun_inventory::replenish::{
    assess_into, Assessment, DemandView, ItemSettings, ReorderRule, ReplenishmentConfig,
};
use milkrun_inventory::{
    DeviceId, Event, EventId, EventKind, Ledger, LedgerConfig, LocationId, OrderId, Position, SkuId, SupplierId,
};
use milkrun_model::Duration;

#[derive(PartialEq)]
enum Mode {
    Ingest,
    Plan,
}

struct Options {
    mode: Mode,
    positions: Vec<usize>,
    events_per_position: f64,
    late: f64,
    repeated: f64,
    seed: u64,
    threads: usize,
    days: usize,
    sample: usize,
    batch: usize,
    opening: bool,
    hashed_ids: bool,
}

const USAGE: &str = "usage: inventory ingest|plan [--positions N[,N...]] [--seed 1]\n  \
    ingest: [--events-per-position 10] [--late 0.02] [--repeated 0.01] [--batch 100000] [--opening] [--hashed-ids]\n  \
    plan: [--threads 2] [--days 365] [--sample 2000]";

fn parse() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mode = match args.next().as_deref() {
        Some("ingest") => Mode::Ingest,
        Some("plan") => Mode::Plan,
        _ => return Err(USAGE.into()),
    };
    let mut o = Options {
        mode,
        positions: vec![1_000_000],
        events_per_position: 10.0,
        late: 0.02,
        repeated: 0.01,
        seed: 1,
        threads: 2,
        days: 365,
        sample: 2000,
        batch: 100_000,
        opening: false,
        hashed_ids: false,
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--positions" => {
                o.positions = value()?
                    .split(',')
                    .map(|s| s.trim().parse().map_err(|e| format!("--positions {s}: {e}")))
                    .collect::<Result<_, _>>()?;
            }
            "--events-per-position" => o.events_per_position = value()?.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--late" => o.late = value()?.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--repeated" => o.repeated = value()?.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--seed" => o.seed = value()?.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--threads" => o.threads = value()?.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--days" => o.days = value()?.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--sample" => o.sample = value()?.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--batch" => o.batch = value()?.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--opening" => o.opening = true,
            "--hashed-ids" => o.hashed_ids = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if o.threads == 0 || o.days < 60 || o.batch == 0 {
        return Err("--threads and --batch must be at least 1, --days at least 60".into());
    }
    Ok(o)
}

/// SplitMix64, for the synthetic stream.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The id of the `k`-th event: `k` (ids numbered in sequence, as most feeds number them), or
/// with `hashed`, `k` scrambled by a bijection of `u64` (SplitMix64's finaliser), as ids
/// hashed from strings are: unique, with no order the ledger's id table could use.
fn event_id(k: u64, hashed: bool) -> EventId {
    if !hashed {
        return EventId(k);
    }
    let mut z = k;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    EventId(z ^ (z >> 31))
}

/// Peak resident memory of this process in MiB, from /proc (Linux).
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn ingest(positions: usize, o: &Options) -> Result<(), String> {
    let skus = (positions as f64).sqrt().ceil() as usize;
    let locations = positions.div_ceil(skus);
    let mut ledger = Ledger::new(LedgerConfig::default());
    ledger.add_skus(skus).map_err(|e| e.to_string())?;
    ledger.add_locations(locations).map_err(|e| e.to_string())?;
    let total = (positions as f64 * o.events_per_position) as u64;
    let opening = if o.opening { positions as u64 } else { 0 };
    let start = Instant::now();
    ledger.reserve_events((total + opening) as usize);
    ledger.reserve_positions(positions);
    eprintln!(
        "  memory for {} event ids and {positions} positions reserved in {:.2} s (not timed)",
        total + opening,
        start.elapsed().as_secs_f64()
    );
    if o.opening {
        // Ids after the stream's, at time 0 (the stream's first events are at time 0 too).
        let counts: Vec<Event> = (0..positions)
            .map(|p| Event {
                id: event_id(total + p as u64, o.hashed_ids),
                time: Duration(0),
                sku: SkuId((p % skus) as u32),
                location: LocationId((p / skus) as u32),
                kind: EventKind::CycleCount { counted: 50.0 },
            })
            .collect();
        for chunk in counts.chunks(o.batch) {
            let report = ledger.ingest_with_threads(chunk, o.threads);
            if report.accepted != chunk.len() {
                return Err(format!("opening counts: {} of {} accepted", report.accepted, chunk.len()));
            }
        }
        eprintln!("  {positions} positions opened with a cycle count each (not timed)");
    }
    let year = 365 * 86_400_i64;
    let mut g = Gen(o.seed);
    let batch = o.batch as u64;
    let mut buffer: Vec<Event> = Vec::with_capacity(batch as usize);
    let mut timed = Elapsed::ZERO;
    let (mut accepted, mut duplicates, mut rejected, mut reordered) = (0, 0, 0, 0);
    let mut next_report = total / 10;
    let mut sent = 0u64;
    let mut id = 0u64;
    let mut open: Vec<Option<u64>> = vec![None; positions];
    while sent < total {
        buffer.clear();
        for _ in 0..batch.min(total - sent) {
            if id > 0 && g.unit() < o.repeated {
                let k = g.below(buffer.len().max(1) as u64) as usize;
                if let Some(&again) = buffer.get(k) {
                    buffer.push(again);
                    sent += 1;
                    continue;
                }
            }
            let p = g.below(positions as u64) as usize;
            let mut time = (id as i64 * year) / total as i64;
            if g.unit() < o.late {
                time -= g.below(86_400) as i64;
            }
            let r = g.unit();
            let q = (g.below(20) + 1) as f64;
            let kind = if r < 0.70 {
                EventKind::Issue { quantity: q, from_allocated: false }
            } else if r < 0.82 {
                // Against the position's open order, if any, which it closes.
                let order = open[p].take().map(OrderId);
                EventKind::Receipt { quantity: q * 6.0, order }
            } else if r < 0.92 {
                EventKind::SensorReading { level: q * 3.0, device: DeviceId(p as u32), sequence: id }
            } else if r < 0.97 {
                open[p] = Some(id);
                EventKind::OrderPlaced {
                    order: OrderId(id),
                    quantity: q * 6.0,
                    due: Duration(time + 3 * 86_400),
                    supplier: SupplierId((p % 97) as u32),
                }
            } else {
                EventKind::Adjustment { delta: -q / 2.0 }
            };
            buffer.push(Event {
                id: event_id(id, o.hashed_ids),
                time: Duration(time.max(0)),
                sku: SkuId((p % skus) as u32),
                location: LocationId((p / skus) as u32),
                kind,
            });
            id += 1;
            sent += 1;
        }
        let start = Instant::now();
        let report = ledger.ingest_with_threads(&buffer, o.threads);
        timed += start.elapsed();
        accepted += report.accepted;
        duplicates += report.duplicates;
        rejected += report.rejected.len();
        reordered += report.reordered;
        if sent >= next_report {
            eprintln!(
                "  {positions} positions: {:>3.0}% of {total} events, {:.2} M events/s so far",
                100.0 * sent as f64 / total as f64,
                sent as f64 / timed.as_secs_f64() / 1e6
            );
            next_report += total / 10;
        }
    }
    let start = Instant::now();
    ledger.compact();
    let compact = start.elapsed();
    let rate = total as f64 / timed.as_secs_f64();
    let peak = peak_mib().map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0}"));
    println!(
        "{positions},{total},{:.3},{:.2},{accepted},{duplicates},{rejected},{reordered},{:.3},{peak},{}",
        timed.as_secs_f64(),
        rate / 1e6,
        compact.as_secs_f64(),
        u8::from(o.opening)
    );
    Ok(())
}

fn main() -> ExitCode {
    let options = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if options.mode == Mode::Ingest {
        println!(
            "positions,events,ingest_s,mevents_per_s,accepted,duplicates,rejected,reordered,compact_s,peak_mib,opened"
        );
    } else {
        println!("positions,days,threads,plan_s,series_per_s,proposals,alerts,smooth,intermittent,select_us_per_series,peak_mib");
    }
    for &n in &options.positions {
        let run = match options.mode {
            Mode::Ingest => ingest(n, &options),
            Mode::Plan => plan(n, &options),
        };
        if let Err(e) = run {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// One position to plan.
struct Item {
    settings: ItemSettings,
    position: Position,
    /// The forecasting method, chosen from the demand class by the (weekly) model-selection
    /// job, which the generator stands in for.
    method: Method,
}

/// Counts of one worker.
#[derive(Default)]
struct Tally {
    proposals: usize,
    alerts: usize,
    smooth: usize,
    intermittent: usize,
}

/// A year of synthetic daily demand per position (40 % smooth with a weekly pattern, 60 %
/// intermittent) and matching positions and settings.
fn generate(positions: usize, days: usize, seed: u64) -> (Vec<f32>, Vec<Item>) {
    let mut g = Gen(seed);
    let mut history = vec![0f32; positions * days];
    let mut items = Vec::with_capacity(positions);
    for (p, row) in history.chunks_exact_mut(days).enumerate() {
        if g.unit() < 0.4 {
            let mean = 5.0 + 45.0 * g.unit();
            for (t, d) in row.iter_mut().enumerate() {
                let weekly = if t % 7 >= 5 { 0.5 } else { 1.2 };
                let noise = (g.unit() + g.unit() + g.unit() - 1.5) * 2.0;
                *d = (mean * weekly * (1.0 + 0.3 * noise)).round().max(0.0) as f32;
            }
        } else {
            let probability = 0.05 + 0.4 * g.unit();
            let size = 1.0 + 10.0 * g.unit();
            for d in row.iter_mut() {
                if g.unit() < probability {
                    *d = (size * (0.3 + 1.4 * g.unit())).round().max(1.0) as f32;
                }
            }
        }
        let mean = row.iter().map(|&x| f64::from(x)).sum::<f64>() / days as f64;
        let rule = if p % 2 == 0 {
            ReorderRule::ReorderPoint { quantity: (7.0 * mean).max(1.0) }
        } else {
            ReorderRule::OrderUpTo { review: 7, offset: (p % 7) as u32 }
        };
        let lead_time = 1.0 + g.below(5) as f64;
        let mut settings =
            ItemSettings::new(SkuId((p % 1000) as u32), LocationId((p / 1000) as u32), SupplierId(0), rule, lead_time);
        settings.max_cover = Some(60.0);
        let position = Position { on_hand: (mean * 20.0 * g.unit()).round(), ..Position::default() };
        let y: Vec<f64> = row.iter().map(|&x| f64::from(x)).collect();
        let method = match classify(&y).map(|c| c.class) {
            Ok(DemandClass::Smooth | DemandClass::Erratic) => Method::Ses { alpha: Some(0.1) },
            _ => Method::Sba { alpha_d: Some(0.1), alpha_i: Some(0.1) },
        };
        items.push(Item { settings, position, method });
    }
    (history, items)
}

/// Plans a slice of positions; `report` prints progress.
fn work(items: &[Item], history: &[f32], days: usize, report: bool) -> Result<Tally, String> {
    let now = Duration(days as i64 * 86_400);
    let config = ReplenishmentConfig::default();
    let mut forecaster = Forecaster::new();
    let mut fit = Fit::default();
    let mut y = vec![0.0; days];
    let mut forecast = [0.0; 21];
    let mut assessment = Assessment::default();
    let mut tally = Tally::default();
    let tenth = items.len().div_ceil(10).max(1);
    for (k, (item, row)) in items.iter().zip(history.chunks_exact(days)).enumerate() {
        for (to, &from) in y.iter_mut().zip(row) {
            *to = f64::from(from);
        }
        match item.method {
            Method::Ses { .. } => tally.smooth += 1,
            _ => tally.intermittent += 1,
        }
        forecaster.fit_into(&y, &item.method, &mut fit).map_err(|e| format!("series {k}: {e}"))?;
        fit.forecast_into(&mut forecast);
        let demand = DemandView { forecast: &forecast, sigma: fit.sigma() };
        assess_into(&item.settings, Some(&item.position), &demand, now, &config, &mut assessment)
            .map_err(|e| format!("series {k}: {e}"))?;
        tally.proposals += usize::from(assessment.proposal.is_some());
        tally.alerts += assessment.alerts.len();
        if report && (k + 1) % tenth == 0 {
            eprintln!("  worker 0: {:>3}% of {} positions", 100 * (k + 1) / items.len(), items.len());
        }
    }
    Ok(tally)
}

fn plan(positions: usize, o: &Options) -> Result<(), String> {
    let days = o.days;
    eprintln!("  generating {positions} series of {days} days...");
    let (history, items) = generate(positions, days, o.seed);
    let chunk = positions.div_ceil(o.threads).max(1);
    let start = Instant::now();
    let tallies: Vec<Result<Tally, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .zip(history.chunks(chunk * days))
            .enumerate()
            .map(|(t, (items, history))| scope.spawn(move || work(items, history, days, t == 0)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a worker panicked".into()))).collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let mut total = Tally::default();
    for t in tallies {
        let t = t?;
        total.proposals += t.proposals;
        total.alerts += t.alerts;
        total.smooth += t.smooth;
        total.intermittent += t.intermittent;
    }
    // Automatic model choice on a sample, one thread.
    let sample = o.sample.min(positions);
    let mut forecaster = Forecaster::new();
    let mut y = vec![0.0; days];
    let config = SelectionConfig::default();
    let start = Instant::now();
    for row in history.chunks_exact(days).take(sample) {
        for (to, &from) in y.iter_mut().zip(row) {
            *to = f64::from(from);
        }
        forecaster.select(&y, &config).map_err(|e| e.to_string())?;
    }
    let select_us = if sample == 0 { 0.0 } else { start.elapsed().as_secs_f64() * 1e6 / sample as f64 };
    let peak = peak_mib().map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0}"));
    println!(
        "{positions},{days},{},{elapsed:.3},{:.0},{},{},{},{},{select_us:.0},{peak}",
        o.threads,
        positions as f64 / elapsed,
        total.proposals,
        total.alerts,
        total.smooth,
        total.intermittent
    );
    Ok(())
}
