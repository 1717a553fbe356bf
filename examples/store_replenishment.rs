//! Outbound replenishment: a warehouse keeps 60 stores supplied from their remotely tracked
//! stock (vendor-managed inventory), planning when to visit each store, how much to deliver and
//! the routes, and re-planning every day for two weeks from the latest positions.
//!
//! # Key points
//! - The stores' point-of-sale feeds (eight weeks of daily sales, seeded; weekends busier, a
//!   few stores selling a slow line only now and then) go into the inventory engine's
//!   [`Ledger`]; each store's demand is forecast by the method that wins a two-week holdout.
//! - [`ReplenishmentPlanner`] plans the next 7 days: every store between its safety stock (one
//!   day of sales) and its shelf capacity, 5 vans of 600 cases, transport at 1.20 EUR/km plus
//!   holding at the stores and the warehouse. [`check_irp`](milkrun::replenish::check_irp), the
//!   independent checker, has verified the plan (its report is part of it).
//! - Rolling horizon: each day the first day's routes are dispatched; deliveries and the real
//!   sales (which differ from the forecast) go back into the ledger as events; the next day is
//!   planned from the new positions and refreshed forecasts.
//! - Written to `--out DIR` (default `target/milkrun-out/store_replenishment`): a map of the
//!   first day's routes, the planned and the realised stock of six stores (SVG).
//!
//! Run: `cargo run --release --example store_replenishment [-- --out DIR]`.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use milkrun::formats::{line_chart_svg, routes_svg, write_string};
use milkrun::inventory::forecast::{Forecaster, SelectionConfig};
use milkrun::inventory::{Event, EventId, EventKind, Ledger, LedgerConfig, LocationId, SkuId};
use milkrun::model::{
    Coordinates, Job, JobId, Load, ProblemData, Rounding, Route, Site, SiteId, SiteKind, Speed, Stop, TravelMatrix,
    VehicleType, VehicleTypeId, Visit,
};
use milkrun::replenish::{
    DeliveryFleet, ReplenishmentInput, ReplenishmentPlan, ReplenishmentPlanner, StoreStock, WarehouseStock,
};
use milkrun::Duration;

const STORES: usize = 60;
const HISTORY: usize = 56;
const SIMULATED: usize = 14;
const HORIZON: usize = 7;
const DAY: i64 = 24 * 3600;
/// Search iterations per daily plan (a fixed number: the same run gives the same plans).
const ITERATIONS: u64 = 40;
/// Weekday multipliers of demand, Monday first.
const WEEK: [f64; 7] = [0.9, 0.9, 1.0, 1.0, 1.2, 1.4, 0.6];
/// Stores shown in the charts.
const CHARTED: [usize; 6] = [0, 7, 19, 33, 48, 57];

fn out_dir() -> Result<PathBuf, String> {
    let mut args = std::env::args().skip(1);
    let mut out = PathBuf::from("target/milkrun-out/store_replenishment");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().map(PathBuf::from).ok_or("--out needs a directory")?,
            "-h" | "--help" => return Err("usage: store_replenishment [--out DIR]".into()),
            other => return Err(format!("unknown argument '{other}' (usage: store_replenishment [--out DIR])")),
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

/// A store of the demo: where it is and how it sells.
struct Shop {
    x: f64,
    y: f64,
    mean: f64,
    probability: f64,
}

impl Shop {
    fn sales(&self, day: usize, g: &mut Gen) -> f64 {
        if g.unit() >= self.probability {
            return 0.0;
        }
        (self.mean * WEEK[day % 7] / self.probability * (0.7 + 0.6 * g.unit())).round()
    }
    fn safety(&self) -> i64 {
        self.mean.ceil() as i64
    }
    fn shelf(&self) -> i64 {
        (self.mean * 5.0).ceil() as i64 + 20
    }
}

fn shops(g: &mut Gen) -> Vec<Shop> {
    (0..STORES)
        .map(|k| {
            let slow = k % 6 == 5;
            Shop {
                x: (g.unit() - 0.5) * 60_000.0,
                y: (g.unit() - 0.5) * 40_000.0,
                mean: if slow { 6.0 + 6.0 * g.unit() } else { 15.0 + 45.0 * g.unit() },
                probability: if slow { 0.4 } else { 1.0 },
            }
        })
        .collect()
}

/// The stock system: the ledger with one location per store, the sales history per store.
struct Stock {
    ledger: Ledger,
    sku: SkuId,
    locations: Vec<LocationId>,
    history: Vec<Vec<f64>>,
    next_id: u64,
}

impl Stock {
    fn event(&mut self, day: usize, hour: i64, store: usize, kind: EventKind) -> Event {
        self.next_id += 1;
        Event {
            id: EventId(self.next_id),
            time: Duration(day as i64 * DAY + hour * 3600),
            sku: self.sku,
            location: self.locations[store],
            kind,
        }
    }

    fn on_hand(&self, store: usize) -> f64 {
        self.ledger.position(self.sku, self.locations[store]).map_or(0.0, |p| p.on_hand)
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir()?;
    let mut g = Gen(20_261_128);
    let shops = shops(&mut g);

    // The network: the warehouse at the origin, stores around it (planar metres).
    let mut coords = vec![Coordinates::Planar { x: 0.0, y: 0.0 }];
    coords.extend(shops.iter().map(|s| Coordinates::Planar { x: s.x, y: s.y }));
    let travel = TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(13.9))?;

    // Eight weeks of sales into the ledger; stores were topped up twice a week.
    let mut stock = Stock {
        ledger: Ledger::new(LedgerConfig::default()),
        sku: SkuId(0),
        locations: Vec::new(),
        history: vec![Vec::new(); STORES],
        next_id: 0,
    };
    stock.sku = stock.ledger.add_sku("cases")?;
    for k in 0..STORES {
        stock.locations.push(stock.ledger.add_location(format!("store {k}"))?);
    }
    let mut batch = Vec::new();
    for (k, shop) in shops.iter().enumerate() {
        let counted = shop.shelf() as f64;
        batch.push(stock.event(0, 0, k, EventKind::CycleCount { counted }));
    }
    stock.ledger.ingest(&batch);
    for day in 0..HISTORY {
        let mut batch = Vec::new();
        for (k, shop) in shops.iter().enumerate() {
            if day % 7 == 0 || day % 7 == 3 {
                let quantity = (shop.shelf() as f64 - stock.on_hand(k)).max(0.0);
                batch.push(stock.event(day, 5, k, EventKind::Receipt { quantity, order: None }));
            }
            let sold = shop.sales(day, &mut g);
            stock.history[k].push(sold);
            batch.push(stock.event(day, 20, k, EventKind::Issue { quantity: sold, from_allocated: false }));
        }
        let report = stock.ledger.ingest(&batch);
        if !report.rejected.is_empty() {
            return Err(format!("history day {day}: {} events refused", report.rejected.len()).into());
        }
    }
    println!("{STORES} stores, {HISTORY} days of sales history ingested ({} events)", stock.next_id);

    let fleet = DeliveryFleet { vehicles: 5, capacity: 600, cost_per_km: 120.0 };
    let daily_total: f64 = shops.iter().map(|s| s.mean).sum();
    let mut warehouse = WarehouseStock {
        site: SiteId::from_index(0),
        on_hand: (daily_total * 4.0) as i64,
        inflow: vec![(daily_total * 1.05) as i64; HORIZON],
        holding_cost: 0.5,
    };
    let planner = ReplenishmentPlanner::builder().seed(7).iterations(ITERATIONS).build();
    let mut forecaster = Forecaster::new();
    let selection = SelectionConfig { holdout: 14, ..SelectionConfig::default() };

    let mut planned_first: Option<ReplenishmentPlan> = None;
    let mut realised: Vec<Vec<(f64, f64)>> = vec![Vec::new(); CHARTED.len()];
    let (mut km, mut transport_cents, mut visits, mut delivered) = (0.0, 0_i64, 0, 0.0);
    let (mut short_days, mut lost) = (0, 0.0);
    println!("\nday  routes  stops   cases      km   cost EUR  store-days short  plan time");
    for day in 0..SIMULATED {
        let today = HISTORY + day;
        // Positions and forecasts as of this morning.
        let mut stores = Vec::with_capacity(STORES);
        for (k, shop) in shops.iter().enumerate() {
            let fit = forecaster.select(&stock.history[k], &selection)?.fit;
            let position = stock.ledger.position(stock.sku, stock.locations[k]).cloned().unwrap_or_default();
            stores.push(StoreStock::from_position(
                format!("store {k}"),
                SiteId::from_index(k + 1),
                &position,
                (shop.safety(), shop.shelf()),
                fit.forecast(HORIZON),
                2.0,
            ));
        }
        let input = ReplenishmentInput { travel: &travel, warehouse: &warehouse, stores: &stores, fleet };
        let started = Instant::now();
        let plan = planner.plan(&input)?;
        let plan_time = started.elapsed();
        if !plan.is_feasible() {
            println!("     the plan breaks {} rules, first: {}", plan.issues().len(), plan.issues()[0]);
        }

        // Dispatch today's routes: deliveries at 06:00, then the day's real sales.
        let mut batch = Vec::new();
        let mut shipped = 0;
        for route in plan.first_day() {
            km += route.distance.get() as f64 / 1000.0;
            transport_cents += route.cost.get();
            visits += route.stops.len();
            for &(k, quantity) in &route.stops {
                shipped += quantity;
                delivered += quantity as f64;
                batch.push(stock.event(today, 6, k, EventKind::Receipt { quantity: quantity as f64, order: None }));
            }
        }
        let mut short_today = 0;
        for (k, shop) in shops.iter().enumerate() {
            let sold = shop.sales(today, &mut g);
            stock.history[k].push(sold);
            let before = stock.on_hand(k)
                + plan.first_day().iter().flat_map(|r| &r.stops).filter(|s| s.0 == k).map(|s| s.1 as f64).sum::<f64>();
            if before - sold < shop.safety() as f64 {
                short_today += 1;
            }
            lost += (sold - before).max(0.0);
            batch.push(stock.event(
                today,
                20,
                k,
                EventKind::Issue { quantity: sold.min(before.max(0.0)), from_allocated: false },
            ));
        }
        short_days += short_today;
        let report = stock.ledger.ingest(&batch);
        if !report.rejected.is_empty() {
            return Err(format!("day {today}: {} events refused", report.rejected.len()).into());
        }
        for (c, &k) in CHARTED.iter().enumerate() {
            realised[c].push((day as f64 + 1.0, stock.on_hand(k)));
        }
        let routes = plan.first_day();
        println!(
            "{:>3}  {:>6}  {:>5}  {:>6}  {:>6.1}  {:>9.2}  {:>16}  {:>7.2} s",
            day + 1,
            routes.len(),
            routes.iter().map(|r| r.stops.len()).sum::<usize>(),
            shipped,
            routes.iter().map(|r| r.distance.get()).sum::<i64>() as f64 / 1000.0,
            routes.iter().map(|r| r.cost.get()).sum::<i64>() as f64 / 100.0,
            short_today,
            plan_time.as_secs_f64()
        );
        // The warehouse ships what was dispatched and receives its inflow.
        warehouse.on_hand += warehouse.inflow[0] - shipped;
        if planned_first.is_none() {
            write_string(out.join("routes_day1.svg"), &day_map(&coords, &plan)?)?;
            planned_first = Some(plan);
        }
    }

    println!(
        "\nTwo weeks: {visits} store visits, {delivered:.0} cases, {km:.0} km, transport {:.2} EUR; \
         store-days below safety stock {short_days} of {}, cases not sold for lack of stock {lost:.0}",
        transport_cents as f64 / 100.0,
        STORES * SIMULATED
    );

    // Charts: the first plan's predicted stock and the realised stock of six stores.
    if let Some(plan) = &planned_first {
        let series: Vec<(String, Vec<(f64, f64)>)> = CHARTED
            .iter()
            .map(|&k| {
                let start = (0.0, stock_at_start(plan, &shops, k));
                let points = std::iter::once(start)
                    .chain(plan.store_levels[k].iter().enumerate().map(|(t, &l)| (t as f64 + 1.0, l as f64)))
                    .collect();
                (format!("store {k} (safety {}, shelf {})", shops[k].safety(), shops[k].shelf()), points)
            })
            .collect();
        write_string(
            out.join("stock_planned.svg"),
            &line_chart_svg("Planned stock, first 7-day plan", "day", "cases at day end", &series),
        )?;
    }
    let series: Vec<(String, Vec<(f64, f64)>)> =
        CHARTED.iter().zip(realised).map(|(&k, points)| (format!("store {k}"), points)).collect();
    write_string(
        out.join("stock_realised.svg"),
        &line_chart_svg("Realised stock, re-planned daily", "day", "cases at day end", &series),
    )?;
    println!("Charts and the map: {}", out.display());
    Ok(())
}

/// The store's stock when the first plan was made: its first day-end level minus that day's
/// deliveries plus the forecast sold (for the chart's starting point).
fn stock_at_start(plan: &ReplenishmentPlan, shops: &[Shop], k: usize) -> f64 {
    let got: i64 = plan.first_day().iter().flat_map(|r| &r.stops).filter(|s| s.0 == k).map(|s| s.1).sum();
    (plan.store_levels[k][0] - got) as f64 + shops[k].mean * WEEK[HISTORY % 7]
}

/// A map of a plan's first-day routes.
fn day_map(coords: &[Coordinates], plan: &ReplenishmentPlan) -> Result<String, Box<dyn std::error::Error>> {
    let mut sites = vec![Site::new("warehouse", SiteKind::Warehouse, coords[0])];
    let mut jobs = Vec::new();
    for (k, &at) in coords.iter().enumerate().skip(1) {
        sites.push(Site::new(format!("{}", k - 1), SiteKind::Customer, at));
        jobs.push(Job::delivery(format!("store {}", k - 1), Stop::at(SiteId::from_index(k)), Load::single(0)));
    }
    let travel = TravelMatrix::from_coordinates(coords, Rounding::Nearest, Speed::Constant(13.9))?;
    let vehicle = VehicleType::new("van", 5, Load::single(600), SiteId::from_index(0));
    let problem = ProblemData {
        name: "store replenishment".into(),
        dimensions: vec!["cases".into()],
        sites,
        jobs,
        vehicle_types: vec![vehicle],
        travel,
        ..ProblemData::default()
    }
    .validate()?;
    let routes: Vec<Route> = plan
        .first_day()
        .iter()
        .map(|r| {
            let visits = r.stops.iter().map(|&(k, _)| Visit::Service(JobId::from_index(k))).collect();
            Route::new(VehicleTypeId::from_index(0), visits)
        })
        .collect();
    Ok(routes_svg(&problem, &routes, "Store replenishment, first day's routes"))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("store_replenishment: {e}");
            ExitCode::FAILURE
        }
    }
}
