//! A week of inbound milk runs for a car plant, planned end to end with the
//! [`milkrun::MilkRunPlanner`].
//!
//! # Key points
//! - The scenario is embedded ([`milkrun::demo::automotive_inbound`]): the plant at Zwickau-Mosel,
//!   40 suppliers at real town coordinates within about 150 km, one part each in returnable
//!   containers (or one-way pallets), consumption for 500 cars a day Monday to Friday, safety
//!   stock and storage limits at the plant, supplier opening hours and calendars, two loop waves
//!   matching the plant's dock shifts, 40 t articulated trucks and 7.5 t rigids at 60 km/h.
//! - The planner chooses each supplier's frequency (days a week, pickups a day) against
//!   transport plus holding cost, spreads the visits over days and waves, collects what the
//!   plant consumed in whole containers, routes every (day, wave) with the routing engine, ships
//!   a supplier directly when the milk run would cost more for it, and prices the plan against
//!   direct shipping, with each supplier's Shapley and proportional cost shares and ISO 14083
//!   CO2e. Progress is printed to stderr while it works.
//! - The plan is verified by the independent checker ([`milkrun::planner::check_plan`]) before
//!   anything is printed; a rejected plan ends the run with a failure.
//! - One SVG map and one GeoJSON of each day's loops, and charts of the plant's stock, are
//!   written to `--out DIR` (default `target/milkrun-out`) through
//!   [`milkrun::formats::write_string`], the only code that touches files.
//!
//! Run: `cargo run --release --example inbound_milk_run [-- --out DIR]`.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use milkrun::formats::{line_chart_svg, routes_svg, routes_to_geojson, write_string};
use milkrun::model::{Job, JobId, Load, Money, Problem, Route, SiteId, Stop, TimeWindow, Visit, Weekday};
use milkrun::planner::{
    check_plan, Inbound, Loop, MilkRunPlan, PlanIssue, PlanningStep, Service, StockCurve, SupplierKpi, DAY,
};
use milkrun::{demo, Duration, MilkRunPlanner};

fn out_dir() -> Result<PathBuf, String> {
    let mut args = std::env::args().skip(1);
    let mut out = PathBuf::from("target/milkrun-out");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().map(PathBuf::from).ok_or("--out needs a directory")?,
            "-h" | "--help" => return Err("usage: inbound_milk_run [--out DIR]".into()),
            other => return Err(format!("unknown argument '{other}' (usage: inbound_milk_run [--out DIR])")),
        }
    }
    Ok(out)
}

/// Money in minor units (cents) as euros with two decimals and thousands separators.
fn eur(money: Money) -> String {
    let cents = money.get();
    let (euros, rest) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    let digits = euros.to_string();
    let mut grouped = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}.{rest:02}", if cents < 0 { "-" } else { "" })
}

/// `1 - part / whole` in percent, or "-" when there is no baseline.
fn saving(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.1} %", 100.0 * (1.0 - part / whole))
    } else {
        "-".into()
    }
}

/// The town of a demo site named "Company (Town)", else the whole name.
fn short_name(name: &str) -> &str {
    name.strip_suffix(')').and_then(|n| n.rsplit_once(" (")).map_or(name, |(_, town)| town)
}

/// At most `width` characters of `text`.
fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
        s.push('~');
        s
    }
}

fn weekday(day: u32) -> Weekday {
    Weekday::Mon.plus(day)
}

fn window(w: TimeWindow) -> String {
    format!("{}-{}", w.open.hhmm(), w.close.hhmm())
}

/// Progress on stderr: a line per kept candidate, a dot per rejected one.
struct ProgressPrinter {
    tried: usize,
    dots: usize,
    /// The simple policies the planner priced as finalists: (name, weekly total).
    policies: Vec<(String, Money)>,
}

impl ProgressPrinter {
    fn step(&mut self, step: &PlanningStep) {
        match step {
            PlanningStep::Frequencies { milk_run } => {
                eprintln!("starting frequencies chosen: {milk_run} suppliers in the milk run");
            }
            PlanningStep::Candidate { what, total, kept } => {
                self.tried += 1;
                if what.starts_with("DailyMilkRun") || what.starts_with("DailyDirect") {
                    self.policies.push((what.clone(), *total));
                }
                if *kept {
                    if self.dots > 0 {
                        eprintln!();
                        self.dots = 0;
                    }
                    eprintln!("  #{:<4} kept {what}: EUR {} per week", self.tried, eur(*total));
                } else {
                    if self.dots == 0 {
                        eprint!("  ");
                    }
                    eprint!(".");
                    self.dots += 1;
                    if self.dots == 60 {
                        eprintln!(" {} candidates tried", self.tried);
                        self.dots = 0;
                    }
                }
            }
            _ => {}
        }
    }

    fn finish(&mut self) {
        if self.dots > 0 {
            eprintln!();
        }
        eprintln!("{} candidates priced", self.tried);
    }
}

/// Containers collected and empties dropped by one pickup, over its parts.
fn pickup_containers(plan: &MilkRunPlan, pickup: usize) -> (u32, u32) {
    plan.pickups
        .get(pickup)
        .map_or((0, 0), |p| (p.parts.iter().map(|q| q.containers).sum(), p.parts.iter().map(|q| q.empties).sum()))
}

fn supplier_name<'a>(network: &'a Problem, inbound: &Inbound, supplier: usize) -> &'a str {
    inbound
        .suppliers
        .get(supplier)
        .and_then(|s| network.sites().get(s.site.index()))
        .map_or("?", |site| site.name.as_str())
}

fn print_header(network: &Problem, inbound: &Inbound) {
    let cycle = &inbound.cycle;
    let parts: usize = inbound.suppliers.iter().map(|s| s.parts.len()).sum();
    let days: Vec<String> =
        (0..7).map(weekday).filter(|d| cycle.production_days.contains(*d)).map(|d| format!("{d:?}")).collect();
    let waves: Vec<String> = cycle.waves.iter().map(|w| window(*w)).collect();
    println!("{}", network.name());
    println!(
        "  plant {}, {} suppliers, {} parts",
        network.sites().get(inbound.plant.index()).map_or("?", |s| s.name.as_str()),
        inbound.suppliers.len(),
        parts
    );
    println!(
        "  cycle: one week, production {} {}, waves {}",
        days.join(" "),
        window(cycle.production_hours),
        waves.join(", ")
    );
    println!(
        "  fleet: {}",
        network.vehicle_types().iter().map(|v| format!("{} x {}", v.count, v.name)).collect::<Vec<_>>().join(", ")
    );
}

fn print_suppliers(network: &Problem, inbound: &Inbound, plan: &MilkRunPlan) {
    println!(
        "\nSuppliers (money in EUR per week, CO2e in kg well-to-wheel per week; saving = transport share vs direct)"
    );
    println!(
        "  {:<26} {:<20} {:>5} {:>7} {:>9} {:>9} {:>8} {:>7} {:>9} {:>7} {:>7}",
        "supplier", "service", "pk/wk", "cont", "Shapley", "propor.", "holding", "CO2e", "direct", "CO2e", "saving"
    );
    for kpi in &plan.suppliers {
        let SupplierKpi {
            supplier,
            service,
            pickups,
            shapley,
            proportional,
            holding,
            co2e_kg,
            direct_cost,
            direct_co2e_kg,
        } = kpi;
        let service = match service {
            Service::MilkRun(f) => format!("milk run {f}"),
            Service::Direct(f) => format!("direct {f}"),
        };
        let counts: Vec<u32> = plan
            .pickups
            .iter()
            .enumerate()
            .filter(|(_, p)| p.supplier == *supplier)
            .map(|(k, _)| pickup_containers(plan, k).0)
            .collect();
        let range = match (counts.iter().min(), counts.iter().max()) {
            (Some(lo), Some(hi)) if lo == hi => format!("{lo}"),
            (Some(lo), Some(hi)) => format!("{lo}-{hi}"),
            _ => "-".into(),
        };
        println!(
            "  {:<26} {:<20} {:>5} {:>7} {:>9} {:>9} {:>8} {:>7.0} {:>9} {:>7.0} {:>7}",
            clip(supplier_name(network, inbound, *supplier), 26),
            service,
            pickups,
            range,
            eur(*shapley),
            eur(*proportional),
            eur(*holding),
            co2e_kg,
            eur(*direct_cost),
            direct_co2e_kg,
            saving(shapley.get() as f64, direct_cost.get() as f64),
        );
    }
}

/// What identifies a day's timetable: per loop its wave, vehicle type, stops (supplier,
/// times, containers) and times; per direct shipment its supplier and arrival.
type DayKey = (
    Vec<(usize, usize, u32, Duration, Vec<(usize, Duration, Duration, Duration, u32, u32)>, Duration)>,
    Vec<(usize, i64)>,
);

fn day_key(plan: &MilkRunPlan, loops: &[&Loop], direct: &[(usize, i64)]) -> DayKey {
    let loops = loops
        .iter()
        .map(|l| {
            let stops = l
                .stops
                .iter()
                .map(|s| {
                    let supplier = plan.pickups.get(s.pickup).map_or(usize::MAX, |p| p.supplier);
                    let (full, empty) = pickup_containers(plan, s.pickup);
                    (supplier, s.arrival, s.start, s.departure, full, empty)
                })
                .collect();
            (l.wave, l.vehicle_type.index(), l.vehicle, l.departure, stops, l.arrival)
        })
        .collect();
    let direct = direct
        .iter()
        .map(|&(p, at)| (plan.pickups.get(p).map_or(usize::MAX, |p| p.supplier), at.rem_euclid(DAY)))
        .collect();
    (loops, direct)
}

fn print_loop(network: &Problem, inbound: &Inbound, plan: &MilkRunPlan, number: usize, l: &Loop) {
    let name = network.vehicle_types().get(l.vehicle_type.index()).map_or("?", |v| v.name.as_str());
    // The truck of its type in the wave: a truck may run several loops one after the other.
    let vehicle = format!("{name} #{}", l.vehicle + 1);
    println!(
        "    loop {number:<2} {vehicle:<20} dep {}  back {}  {:>6.1} km  fill {:>3.0} %  EUR {}",
        l.departure.hhmm(),
        l.arrival.hhmm(),
        l.distance.get() as f64 / 1000.0,
        100.0 * l.fill,
        eur(l.variable_cost)
    );
    for stop in &l.stops {
        let supplier = plan.pickups.get(stop.pickup).map_or(usize::MAX, |p| p.supplier);
        let (full, empty) = pickup_containers(plan, stop.pickup);
        let wait = stop.start - stop.arrival;
        let wait = if wait > Duration::ZERO { format!(" (waits {} min)", wait.get() / 60) } else { String::new() };
        println!(
            "        {} arr  {}-{} load  {:<24} +{:>3} full  -{:>3} empty{wait}",
            stop.arrival.hhmm(),
            stop.start.hhmm(),
            stop.departure.hhmm(),
            clip(short_name(supplier_name(network, inbound, supplier)), 24),
            full,
            empty,
        );
    }
    println!("        {} arr  plant dock", l.arrival.hhmm());
}

fn print_timetable(network: &Problem, inbound: &Inbound, plan: &MilkRunPlan) {
    println!("\nTimetable (loops numbered as on the maps; arrival, loading, supplier, full containers, empties)");
    let mut printed: Vec<(u32, DayKey, Vec<u32>)> = Vec::new();
    let days = days_of(plan);
    for &day in &days {
        let loops = day_loops(plan, day);
        let direct: Vec<(usize, i64)> =
            plan.direct.iter().copied().filter(|&(p, _)| plan.pickups.get(p).is_some_and(|p| p.day == day)).collect();
        let key = day_key(plan, &loops, &direct);
        if let Some(entry) = printed.iter_mut().find(|(_, k, _)| *k == key) {
            entry.2.push(day);
            continue;
        }
        printed.push((day, key, Vec::new()));
    }
    for (day, _, same) in &printed {
        let loops = day_loops(plan, *day);
        let km: f64 = loops.iter().map(|l| l.distance.get() as f64 / 1000.0).sum();
        println!("\n  {:?}: {} loops, {km:.0} km", weekday(*day), loops.len());
        for (w, wave) in inbound.cycle.waves.iter().enumerate() {
            let in_wave = loops.iter().enumerate().filter(|(_, l)| l.wave == w);
            if in_wave.clone().next().is_none() {
                continue;
            }
            println!("   wave {} ({}): {} loops", w + 1, window(*wave), in_wave.clone().count());
            for (k, l) in in_wave {
                print_loop(network, inbound, plan, k + 1, l);
            }
        }
        for &(p, at) in &plan.direct {
            let Some(pickup) = plan.pickups.get(p).filter(|p| p.day == *day) else { continue };
            let (full, empty) = pickup_containers(plan, p);
            println!(
                "    direct  {:<24} +{full} full  -{empty} empty, at the plant {}",
                clip(short_name(supplier_name(network, inbound, pickup.supplier)), 24),
                Duration(at.rem_euclid(DAY)).hhmm()
            );
        }
        if !same.is_empty() {
            let names: Vec<String> = same.iter().map(|d| format!("{:?}", weekday(*d))).collect();
            println!("\n  {}: same as {:?}", names.join(", "), weekday(*day));
        }
    }
}

/// A day's loops in the order they are numbered, in the timetable and on the maps: by wave,
/// then departure.
fn day_loops(plan: &MilkRunPlan, day: u32) -> Vec<&Loop> {
    let mut loops: Vec<&Loop> = plan.loops.iter().filter(|l| l.day == day).collect();
    loops.sort_by_key(|l| (l.wave, l.departure, l.arrival));
    loops
}

/// The cycle days with a loop or a pickup, in order.
fn days_of(plan: &MilkRunPlan) -> Vec<u32> {
    let mut days: Vec<u32> = plan.loops.iter().map(|l| l.day).chain(plan.pickups.iter().map(|p| p.day)).collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// The plan against the simple policies the planner priced on the same data.
fn print_policies(plan: &MilkRunPlan, policies: &[(String, Money)]) {
    if policies.is_empty() {
        return;
    }
    println!("\nAgainst simple policies on the same data (priced by the planner as finalists)");
    for (what, total) in policies {
        let name = if what.starts_with("DailyMilkRun") {
            "every supplier daily in the milk run"
        } else {
            "every supplier shipping alone daily"
        };
        let how = if what.contains("screened") { ", screened at the quick routing effort" } else { "" };
        println!(
            "  {name:<38} {:>12} EUR{how}: this plan is {} lower",
            eur(*total),
            saving(plan.kpis.total.get() as f64, total.get() as f64)
        );
    }
}

fn print_kpis(plan: &MilkRunPlan) {
    let k = &plan.kpis;
    println!("\nWeek");
    println!(
        "  transport {:>12} EUR   (direct shipping {:>12} EUR, saving {})",
        eur(k.transport),
        eur(k.direct_cost),
        saving(k.transport.get() as f64, k.direct_cost.get() as f64)
    );
    println!("  holding   {:>12} EUR", eur(k.holding));
    println!("  total     {:>12} EUR   ({} EUR per production day)", eur(k.total), eur(k.per_production_day));
    println!(
        "  CO2e      {:>12.0} kg    (direct shipping {:>12.0} kg, saving {})",
        k.co2e_kg,
        k.direct_co2e_kg,
        saving(k.co2e_kg, k.direct_co2e_kg)
    );
    println!(
        "  {:.0} km, {} loops, at most {} vehicles a day, mean fill {:.0} %",
        k.km,
        k.loops,
        k.vehicles,
        100.0 * k.fill
    );
}

fn print_issues(network: &Problem, inbound: &Inbound, plan: &MilkRunPlan) {
    if plan.issues.is_empty() {
        return;
    }
    println!("\nIssues");
    for issue in &plan.issues {
        match issue {
            PlanIssue::StorageExceeded { part, peak, max } => {
                let name = network.parts().get(part.index()).map_or("?", |p| p.name.as_str());
                println!("  part '{name}': stock peaks at {peak:.1} containers, storage holds {max}");
            }
            PlanIssue::Unrouted { pickup, reason } => {
                let who = plan.pickups.get(*pickup).map_or_else(
                    || format!("pickup {pickup}"),
                    |p| format!("{} on {:?}", supplier_name(network, inbound, p.supplier), weekday(p.day)),
                );
                println!("  unrouted pickup at {who}: {reason}");
            }
            other => println!("  {other:?}"),
        }
    }
}

/// One day's loops as a problem (the network with that day's loop pickups as jobs, in pickup
/// order) and one route per loop, for the map and GeoJSON writers.
fn day_routes(
    network: &Problem,
    plan: &MilkRunPlan,
    day: u32,
) -> Result<(Problem, Vec<Route>), Box<dyn std::error::Error>> {
    let loops = day_loops(plan, day);
    let mut stops: Vec<(usize, SiteId)> = loops.iter().flat_map(|l| &l.stops).map(|s| (s.pickup, s.site)).collect();
    stops.sort_unstable();
    stops.dedup();
    let mut data = network.data().clone();
    data.jobs.clear();
    let mut job_of = BTreeMap::new();
    for (pickup, site) in stops {
        let Some(p) = plan.pickups.get(pickup) else { continue };
        job_of.insert(pickup, JobId::from_index(data.jobs.len()));
        let stop = Stop::at(site).service(p.service);
        data.jobs.push(Job::pickup(format!("pickup {pickup}"), stop, Load::new(p.load.clone())));
    }
    let problem = data.validate()?;
    let routes = loops
        .iter()
        .map(|l| Route {
            vehicle_type: l.vehicle_type,
            visits: l.stops.iter().filter_map(|s| job_of.get(&s.pickup).copied().map(Visit::Service)).collect(),
            departure: Some(l.departure),
        })
        .collect();
    Ok((problem, routes))
}

/// A part's name and its supplier's short name.
fn part_name<'a>(network: &'a Problem, c: &StockCurve) -> (&'a str, &'a str) {
    let part = network.parts().get(c.part.index());
    let town =
        part.and_then(|p| p.supplier).and_then(|s| network.sites().get(s.index())).map_or("?", |s| short_name(&s.name));
    (part.map_or("?", |p| p.name.as_str()), town)
}

/// Stock curves by peak stock relative to the storage limit, highest first.
fn closest_to_limit(plan: &MilkRunPlan) -> Vec<&StockCurve> {
    let mut curves: Vec<&StockCurve> = plan.stock.iter().filter(|c| c.max > 0.0).collect();
    curves.sort_by(|a, b| (b.storage_peak() / b.max).total_cmp(&(a.storage_peak() / a.max)));
    curves
}

/// The parts that cost most per container delivered (transport share and holding), with their
/// CO2e per container.
fn print_part_costs(network: &Problem, plan: &MilkRunPlan) {
    println!("\nParts, the 8 dearest per container delivered (a week: transport share by mass, holding)");
    println!(
        "  {:<18} {:<20} {:>6} {:>9} {:>9} {:>9} {:>10}",
        "part", "supplier", "cont", "transport", "holding", "EUR/cont", "kg CO2e/c"
    );
    let mut parts: Vec<_> = plan.parts.iter().filter(|p| p.containers > 0).collect();
    parts.sort_by_key(|p| std::cmp::Reverse(p.per_container));
    for p in parts.into_iter().take(8) {
        let name = network.parts().get(p.part.index()).map_or("?", |x| x.name.as_str());
        let town = network
            .parts()
            .get(p.part.index())
            .and_then(|x| x.supplier)
            .and_then(|s| network.sites().get(s.index()))
            .map_or("?", |s| short_name(&s.name));
        println!(
            "  {:<18} {:<20} {:>6} {:>9} {:>9} {:>9} {:>10.2}",
            clip(name, 18),
            clip(town, 20),
            p.containers,
            eur(p.transport),
            eur(p.holding),
            eur(p.per_container),
            p.co2e_kg / f64::from(p.containers)
        );
    }
}

fn print_stock(network: &Problem, plan: &MilkRunPlan) {
    println!("\nPlant stock, the 8 parts closest to their storage limit (containers)");
    println!(
        "  {:<18} {:<20} {:>7} {:>6} {:>6} {:>6} {:>8} {:>6} {:>9}",
        "part", "supplier", "safety", "min", "avg", "peak", "any week", "limit", "surplus"
    );
    for c in closest_to_limit(plan).into_iter().take(8) {
        let (part, town) = part_name(network, c);
        println!(
            "  {:<18} {:<20} {:>7.1} {:>6.1} {:>6.1} {:>6.1} {:>8.1} {:>6.0} {:>+9.2}",
            clip(part, 18),
            clip(town, 20),
            c.safety,
            c.min,
            c.average,
            c.peak,
            c.storage_peak(),
            c.max,
            c.surplus_per_cycle
        );
    }
    println!("  surplus: containers the first week collects beyond its consumption (whole containers);");
    println!("  later weeks collect that much less, so no week peaks above 'any week' (peak + 1 if any surplus)");
}

/// A stock curve as (hours since Monday 00:00, value) points.
fn curve(c: &StockCurve, scale: f64) -> Vec<(f64, f64)> {
    c.points.iter().map(|p| (p.at as f64 / 3600.0, p.containers * scale)).collect()
}

fn write_files(network: &Problem, plan: &MilkRunPlan, out: &Path) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let mut written = Vec::new();
    let mut write = |name: String, text: &str| -> Result<(), Box<dyn std::error::Error>> {
        let path = out.join(name);
        write_string(&path, text)?;
        written.push(path);
        Ok(())
    };
    for day in days_of(plan) {
        let (problem, routes) = day_routes(network, plan, day)?;
        if routes.is_empty() {
            continue;
        }
        let km: f64 = plan.loops.iter().filter(|l| l.day == day).map(|l| l.distance.get() as f64 / 1000.0).sum();
        let name = format!("{:?}", weekday(day)).to_lowercase();
        let title = format!("{} - {:?}: {} loops, {km:.0} km", network.name(), weekday(day), routes.len());
        write(format!("loops_{name}.svg"), &routes_svg(&problem, &routes, &title))?;
        write(format!("loops_{name}.geojson"), &routes_to_geojson(&problem, &routes))?;
    }

    let by_peak = closest_to_limit(plan);
    let series: Vec<(String, Vec<(f64, f64)>)> = by_peak
        .iter()
        .take(6)
        .map(|c| (format!("{} \u{2264}{:.0}", clip(part_name(network, c).0, 18), c.max), curve(c, 1.0)))
        .collect();
    write(
        "stock.svg".into(),
        &line_chart_svg(
            "Plant stock, the 6 parts closest to their storage limit",
            "hours since Monday 00:00",
            "containers",
            &series,
        ),
    )?;
    let hours = plan.stock.iter().flat_map(|c| c.points.last()).map(|p| p.at as f64 / 3600.0).fold(0.0, f64::max);
    let mut series: Vec<(String, Vec<(f64, f64)>)> =
        by_peak.iter().take(10).map(|c| (clip(part_name(network, c).0, 24), curve(c, 100.0 / c.max))).collect();
    series.push(("storage limit".into(), vec![(0.0, 100.0), (hours, 100.0)]));
    write(
        "stock_pct.svg".into(),
        &line_chart_svg(
            "Plant stock as a share of the storage limit, top 10 parts",
            "hours since Monday 00:00",
            "% of limit",
            &series,
        ),
    )?;
    Ok(written)
}

/// What if the first supplier's parts are needed 40 % faster (a new model ramps up)? Re-plans
/// from the plan, keeping what did not change, and says what moved.
fn what_if(
    planner: &MilkRunPlanner,
    network: &Problem,
    inbound: &Inbound,
    plan: &MilkRunPlan,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut ramp_up = inbound.clone();
    let Some(supplier) = ramp_up.suppliers.first_mut() else { return Ok(()) };
    for part in &mut supplier.parts {
        part.per_day *= 1.4;
        part.max_containers = (f64::from(part.max_containers) * 1.4).ceil() as u32;
    }
    let name = supplier_name(network, inbound, 0).to_string();
    println!("\nWhat if {name} ships 40 % more (and the plant stores 40 % more of it)?");
    let started = Instant::now();
    let replan = planner.replan(network, &ramp_up, inbound, plan)?;
    let report = check_plan(network, &ramp_up, &replan.plan);
    if !report.is_ok() {
        return Err(format!("the independent checker rejects the re-plan: {report}").into());
    }
    let c = &replan.changes;
    println!(
        "  re-planned in {:.1} s, checked; EUR {} -> {} per week ({} plan; the fresh plan would cost EUR {})",
        started.elapsed().as_secs_f64(),
        eur(c.total_before),
        eur(c.total_after),
        if replan.fresh { "fresh" } else { "stable" },
        replan.fresh_total.map_or_else(|| "-".into(), eur),
    );
    println!(
        "  loops: {} kept as they were, {} changed, {} added, {} dropped",
        c.loops_kept, c.loops_changed, c.loops_added, c.loops_dropped
    );
    for change in &c.suppliers {
        let site = network.sites().get(change.site.index()).map_or("?", |s| s.name.as_str());
        let show = |x: &Option<(Service, Vec<(u32, usize)>)>| {
            x.as_ref().map_or_else(|| "-".to_string(), |(svc, slots)| format!("{svc}, {} pickups", slots.len()))
        };
        println!("  {}: {} -> {}", clip(site, 30), show(&change.before), show(&change.after));
    }
    if c.suppliers.is_empty() {
        println!("  no supplier's service or pickup days change");
    }
    Ok(())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir()?;
    let (network, inbound) = demo::automotive_inbound()?;
    print_header(&network, &inbound);

    let planner = MilkRunPlanner::builder().build();
    let started = Instant::now();
    let mut progress = ProgressPrinter { tried: 0, dots: 0, policies: Vec::new() };
    let plan = planner.plan_with_progress(&network, &inbound, |step| progress.step(step))?;
    progress.finish();
    eprintln!("planned in {:.1} s", started.elapsed().as_secs_f64());

    let report = check_plan(&network, &inbound, &plan);
    if !report.is_ok() {
        return Err(format!("the independent checker rejects the plan: {report}").into());
    }
    println!("  plan checked: every rule of the network, windows, capacities, quantities and stock kept");

    print_suppliers(&network, &inbound, &plan);
    print_timetable(&network, &inbound, &plan);
    print_stock(&network, &plan);
    print_part_costs(&network, &plan);
    print_kpis(&plan);
    print_policies(&plan, &progress.policies);
    print_issues(&network, &inbound, &plan);

    what_if(&planner, &network, &inbound, &plan)?;

    let written = write_files(&network, &plan, &out)?;
    println!("\nFiles written:");
    for path in written {
        println!("  {}", path.display());
    }
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
