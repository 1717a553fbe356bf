//! Remote inventory at a plant: line-side stock and a sealant tank tracked from ERP, RFID and
//! gauge events, forecast, and turned into reorder proposals and alerts.
//!
//! # Key points
//! - Eight weeks of events are generated here (seeded): consumption booked by the ERP for six
//!   line-side parts (six working days a week), receipts from the milk run every Monday,
//!   Wednesday and Friday (the containers emptied since the last pickup), and a tank
//!   gauge reading the sealant level every hour (its consumption is not booked). The stream has
//!   what real feeds have: an ERP batch sent twice, readings arriving hours late, a reading too
//!   late to use, and an event id reused for other content.
//! - [`milkrun::inventory::Ledger`] ingests it day by day (the report counts duplicates,
//!   corrections of history and rejections with their reasons); the end-of-day stock is kept
//!   for the chart.
//! - Each part's daily demand is classified (smooth, intermittent, lumpy...) and forecast by
//!   the method that wins a four-week holdout; the line-side parts are replenished by periodic
//!   review on the milk-run cycle, the tank by a reorder point and a tanker-sized batch.
//! - [`milkrun::inventory::replenish::assess`] proposes today's orders and raises alerts: here a
//!   leak in the tank shows as an unexplained drop, and a part runs short.
//! - For one part, (R, S) on the milk-run cycle is compared with (r, Q) by simulation over
//!   bootstrapped demand, for the same fill rate.
//! - A stock-over-time chart (SVG) is written to `--out DIR` (default `target/milkrun-out`).
//!
//! Run: `cargo run --release --example remote_inventory [-- --out DIR]`.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;

use milkrun::formats::{line_chart_svg, write_string};
use milkrun::inventory::forecast::{Forecaster, SelectionConfig};
use milkrun::inventory::policy::{OrderRounding, ServiceTarget};
use milkrun::inventory::replenish::{assess, Alert, DemandView, ItemSettings, ReorderRule, ReplenishmentConfig};
use milkrun::inventory::simulate::{simulate_scenarios, DemandModel, Rule, SimulationConfig};
use milkrun::inventory::{
    DeviceId, Event, EventId, EventKind, Ledger, LedgerConfig, LocationId, OrderId, SkuId, SupplierId,
};
use milkrun::model::Duration;

const DAYS: usize = 56;
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

fn out_dir() -> Result<PathBuf, String> {
    let mut args = std::env::args().skip(1);
    let mut out = PathBuf::from("target/milkrun-out");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().map(PathBuf::from).ok_or("--out needs a directory")?,
            "-h" | "--help" => return Err("usage: remote_inventory [--out DIR]".into()),
            other => return Err(format!("unknown argument '{other}' (usage: remote_inventory [--out DIR])")),
        }
    }
    Ok(out)
}

/// A small seeded generator (SplitMix64).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A line-side part: name, daily demand pattern, milk-run delivery per pickup.
struct Part {
    name: &'static str,
    /// Mean demand on a working day, and the probability of a demand (1 for smooth parts).
    mean: f64,
    probability: f64,
    container: u64,
}

const PARTS: [Part; 6] = [
    Part { name: "bolt M8x20", mean: 480.0, probability: 1.0, container: 200 },
    Part { name: "clip 6mm", mean: 900.0, probability: 1.0, container: 500 },
    Part { name: "door seal", mean: 60.0, probability: 1.0, container: 40 },
    Part { name: "bracket L", mean: 35.0, probability: 0.35, container: 20 },
    Part { name: "wiring loom", mean: 14.0, probability: 0.9, container: 10 },
    Part { name: "spare sensor", mean: 6.0, probability: 0.12, container: 5 },
];

/// The generated stream, one batch per day, and each part's true daily consumption.
struct Scenario {
    batches: Vec<Vec<Event>>,
    demand: Vec<Vec<f64>>,
}

fn scenario(line: LocationId, tank_site: LocationId, tank: SkuId) -> Scenario {
    let mut g = Gen(2026);
    let mut id = 0u64;
    let mut next_id = || {
        id += 1;
        EventId(id)
    };
    let mut batches: Vec<Vec<Event>> = vec![Vec::new(); DAYS];
    let mut demand = vec![vec![0.0; DAYS]; PARTS.len()];
    let mut level = 6500.0;
    let mut consumed = [0.0; PARTS.len()];
    for day in 0..DAYS {
        let weekday = day % 7; // day 0 is a Monday; the plant works Monday to Saturday
        let working = weekday < 6;
        let batch = &mut batches[day];
        for (p, part) in PARTS.iter().enumerate() {
            let sku = SkuId(p as u32);
            let t0 = day as i64 * DAY;
            if day == 0 {
                let counted = (part.mean * 2.5).round();
                batch.push(Event {
                    id: next_id(),
                    time: Duration(t0),
                    sku,
                    location: line,
                    kind: EventKind::CycleCount { counted },
                });
            }
            // Milk-run receipts Monday, Wednesday, Friday at 07:00: the containers emptied since
            // the last pickup come back full (kanban).
            if weekday < 5 && weekday % 2 == 0 && consumed[p] > 0.0 {
                let quantity = (consumed[p] / part.container as f64).ceil() * part.container as f64;
                consumed[p] -= quantity;
                let kind = EventKind::Receipt { quantity, order: None };
                batch.push(Event { id: next_id(), time: Duration(t0 + 7 * HOUR), sku, location: line, kind });
            }
            // ERP consumption bookings at the end of each shift.
            if working && g.unit() < part.probability {
                let size = part.mean * (0.6 + 0.8 * g.unit());
                demand[p][day] = size.round();
                consumed[p] += size.round();
                for (shift, share) in [(14, 0.5), (22, 0.5)] {
                    let kind = EventKind::Issue { quantity: (size * share).round(), from_allocated: false };
                    batch.push(Event { id: next_id(), time: Duration(t0 + shift * HOUR), sku, location: line, kind });
                }
            }
        }
        // The tank: 180 L a working day, read every hour; a tanker of 3000 L on day 20; a leak
        // in the last hour (300 L between the last two readings).
        for hour in 0..24_i64 {
            if working && (6..22).contains(&hour) {
                level -= 180.0 / 16.0;
            }
            if day == 20 && hour == 9 {
                level += 3000.0;
            }
            if day == DAYS - 1 && hour == 23 {
                level -= 300.0;
            }
            let kind = EventKind::SensorReading {
                level: (level * 10.0_f64).round() / 10.0,
                device: DeviceId(7),
                sequence: (day as i64 * 24 + hour) as u64,
            };
            batches[day].push(Event {
                id: next_id(),
                time: Duration(day as i64 * DAY + hour * HOUR),
                sku: tank,
                location: tank_site,
                kind,
            });
        }
    }
    // Feed defects: day 30's ERP batch arrives again on day 31; three readings of day 40
    // arrive on day 41 (late, still within the window); one of day 10 on day 41 (too late);
    // an id reused for other content.
    let resent: Vec<Event> = batches[30].iter().filter(|e| e.sku != tank).copied().collect();
    batches[31].extend(resent);
    let late: Vec<Event> = batches[40].iter().filter(|e| e.sku == tank).take(3).copied().collect();
    batches[40].retain(|e| !late.contains(e));
    batches[41].extend(late);
    let too_late = batches[10].iter().rev().find(|e| e.sku == tank).copied();
    batches[10].retain(|e| Some(*e) != too_late);
    batches[41].extend(too_late);
    if let Some(mut reused) = batches[45].first().copied() {
        reused.time = Duration(reused.time.0 + HOUR);
        batches[46].push(reused);
    }
    // An order for the tank placed on day 50 with the supplier, due on day 58.
    let order = EventKind::OrderPlaced {
        order: OrderId(9001),
        quantity: 2000.0,
        due: Duration(58 * DAY),
        supplier: SupplierId(2),
    };
    batches[50].push(Event {
        id: next_id(),
        time: Duration(50 * DAY + 10 * HOUR),
        sku: tank,
        location: tank_site,
        kind: order,
    });
    Scenario { batches, demand }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir()?;
    let mut ledger = Ledger::new(LedgerConfig { lateness: Duration(2 * DAY), ..LedgerConfig::default() });
    for part in &PARTS {
        ledger.add_sku(part.name)?;
    }
    let tank = ledger.add_sku("sealant (litres)")?;
    let line = ledger.add_location("assembly line 2 supermarket")?;
    let tank_site = ledger.add_location("paint shop tank")?;
    let Scenario { batches, demand } = scenario(line, tank_site, tank);

    println!("Ingesting {} days of events ...", DAYS);
    let mut stock: Vec<Vec<(f64, f64)>> = vec![Vec::new(); PARTS.len()];
    let (mut accepted, mut duplicates, mut reordered) = (0, 0, 0);
    for (day, batch) in batches.iter().enumerate() {
        let report = ledger.ingest(batch);
        accepted += report.accepted;
        duplicates += report.duplicates;
        reordered += report.reordered;
        for r in &report.rejected {
            println!("  day {day:>2}: refused {}: {}", r.id, r.reason);
        }
        for (p, series) in stock.iter_mut().enumerate() {
            let on_hand = ledger.position(SkuId(p as u32), line).map_or(0.0, |x| x.on_hand);
            series.push((day as f64 + 1.0, on_hand));
        }
        if (day + 1) % 14 == 0 {
            println!("  day {:>2}: {} events accepted so far", day + 1, accepted);
        }
    }
    println!("  {accepted} accepted, {duplicates} exact repeats ignored, {reordered} late events corrected history");

    // Forecast, policy and today's decisions.
    let now = Duration(DAYS as i64 * DAY);
    let config = ReplenishmentConfig::default();
    let mut forecaster = Forecaster::new();
    let selection = SelectionConfig::default();
    println!();
    println!(
        "{:<14} {:<12} {:<64} {:>7} {:>8} {:>8} {:>8}  proposal",
        "part", "class", "method", "fc/day", "on hand", "SS", "S / r"
    );
    let mut alerts: Vec<(String, Alert)> = Vec::new();
    for (p, part) in PARTS.iter().enumerate() {
        let chosen = forecaster.select(&demand[p], &selection)?;
        let forecast = chosen.fit.forecast(14);
        let mut settings = ItemSettings::new(
            SkuId(p as u32),
            line,
            SupplierId(p as u32 % 3),
            // The milk run comes Monday, Wednesday, Friday: review every 2 days, order arriving
            // with the next pickup's delivery (1 day).
            ReorderRule::OrderUpTo { review: 2, offset: 0 },
            1.0,
        );
        settings.service = ServiceTarget::FillRate(0.98);
        settings.rounding = OrderRounding { lot_multiple: part.container, ..OrderRounding::default() };
        settings.max_cover = Some(20.0);
        let position = ledger.position(SkuId(p as u32), line);
        let demand_view = DemandView { forecast: &forecast, sigma: chosen.fit.sigma() };
        let a = assess(&settings, position, &demand_view, now, &config)?;
        let proposal =
            a.proposal.map_or_else(|| "-".to_owned(), |o| format!("{} units due day {}", o.quantity, o.due.0 / DAY));
        println!(
            "{:<14} {:<12} {:<64} {:>7.1} {:>8.0} {:>8.1} {:>8.1}  {proposal}",
            part.name,
            format!("{:?}", chosen.classification.class),
            format!("{:.2}", chosen.fit.method()),
            forecast[0],
            position.map_or(0.0, |x| x.on_hand),
            a.targets.safety_stock,
            a.targets.reorder_level,
        );
        alerts.extend(a.alerts.into_iter().map(|x| (part.name.to_owned(), x)));
    }
    // The tank: consumption is what the readings show; reorder point with a tanker batch.
    let mut settings =
        ItemSettings::new(tank, tank_site, SupplierId(2), ReorderRule::ReorderPoint { quantity: 3000.0 }, 5.0);
    settings.consumption_recorded = false;
    let tank_demand = [180.0, 180.0, 180.0, 180.0, 180.0, 180.0, 0.0];
    let view = DemandView { forecast: &tank_demand, sigma: 25.0 };
    let a = assess(&settings, ledger.position(tank, tank_site), &view, now, &config)?;
    let on_hand = ledger.position(tank, tank_site).map_or(0.0, |x| x.on_hand);
    println!(
        "{:<14} {:<12} {:<64} {:>7.1} {:>8.0} {:>8.1} {:>8.1}  {}",
        "sealant tank",
        "(gauge)",
        "weekday profile",
        180.0,
        on_hand,
        a.targets.safety_stock,
        a.targets.reorder_level,
        a.proposal.map_or_else(
            || "- (2000 L on order)".to_owned(),
            |o| format!("{} L due day {}", o.quantity, o.due.0 / DAY)
        )
    );
    alerts.extend(a.alerts.into_iter().map(|x| ("sealant tank".to_owned(), x)));

    println!();
    println!("Alerts:");
    for (item, alert) in &alerts {
        let text = match alert {
            Alert::StockoutRisk { probability, expected_shortage, available } => format!(
                "stockout risk {:.0} % before a new order can arrive ({available:.0} available, {expected_shortage:.0} short expected)",
                probability * 100.0
            ),
            Alert::Overstock { position, limit } => format!("overstock: position {position:.0} above {limit:.0}"),
            Alert::ExcessCover { cover, limit } => match cover {
                Some(c) => format!("{c:.0} days of cover, more than {limit:.0}"),
                None => format!("covers the whole forecast, more than {limit:.0} days"),
            },
            Alert::SensorSilent { last } => format!("sensor silent since {:?}", last.map(|t| t.0 / DAY)),
            Alert::UnexplainedDrop { at, quantity, threshold } => format!(
                "unexplained drop of {quantity:.0} at day {} {:02}:00 (threshold {threshold:.0}): leak or unbooked withdrawal?",
                at.0 / DAY,
                at.0 % DAY / HOUR
            ),
            _ => format!("{alert:?}"),
        };
        println!("  {item:<14} {text}");
    }

    // Tuning: (R, S) on the milk-run cycle against (r, Q) for the door seal.
    let p = 2;
    let model = DemandModel::Bootstrap(demand[p].clone());
    let sim = SimulationConfig {
        lead_time: 1,
        initial_on_hand: 240.0,
        holding_cost: 0.02,
        shortage_cost: 2.0,
        order_cost: 15.0,
        warmup: 14,
        ..SimulationConfig::default()
    };
    println!();
    println!("Door seal, 200 bootstrapped years, order cost 15, holding 0.02/day, backorder 2/day:");
    for (name, rule) in [
        ("(R, S) R = 2 days, S = 190", Rule::PeriodicReview { period: 2, offset: 0, level: 190.0 }),
        ("(R, S) R = 2 days, S = 220", Rule::PeriodicReview { period: 2, offset: 0, level: 220.0 }),
        ("(r, Q) r = 110, Q = 160", Rule::ReorderPoint { reorder_point: 110.0, quantity: 160.0 }),
        ("(r, Q) r = 130, Q = 240", Rule::ReorderPoint { reorder_point: 130.0, quantity: 240.0 }),
    ] {
        let s = simulate_scenarios(&rule, &sim, &model, 365, 200, 7)?;
        println!(
            "  {name:<28} fill rate {:>6.2} % (+/- {:.2}), cost {:>6.2}/day, {:.2} orders/day, mean stock {:>5.0}",
            s.fill_rate.mean * 100.0,
            s.fill_rate.std_error * 100.0,
            s.cost_per_period.mean,
            s.orders_per_period.mean,
            s.average_on_hand.mean
        );
    }

    let series: Vec<(String, Vec<(f64, f64)>)> =
        PARTS.iter().zip(stock).map(|(part, points)| (part.name.to_owned(), points)).collect();
    let chart = line_chart_svg("Line-side stock at end of day", "day", "units on hand", &series);
    let path = out.join("inventory-stock.svg");
    write_string(&path, &chart)?;
    println!();
    println!("Wrote {}", path.display());
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
