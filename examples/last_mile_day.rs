//! A day of parcel deliveries in Zwickau, followed through simulated tracking events and
//! re-planned while it runs, with [`milkrun::last_mile::LastMileDay`].
//!
//! # Key points
//! - The day is embedded ([`milkrun::demo::last_mile_day`]): a depot, 46 home deliveries with
//!   two-hour slots, 6 returns, 4 paired shipments from town shops to customers, 4 vans.
//! - The routing engine plans the day (seeded, so every run prints the same); shipments are
//!   inserted at the cheapest feasible place. Each stop gets a window promised to the
//!   customer: the planned ETA ± 10 minutes plus 5 minutes per hour on the road. An ETA
//!   counts as late (or early) 5 minutes outside its promise.
//! - A seeded simulation drives the vans: legs take 90 % to 125 % of the planned time, stops
//!   80 % to 160 %; one van is stuck in traffic, one customer is not at home, an urgent
//!   prescription (a shipment from the depot) comes in at 11:30. Every event goes through
//!   [`milkrun::last_mile::LastMileDay::apply`]; every ETA is recomputed at once, and the
//!   alert callback reports stops whose ETA leaves (or comes back into) its promised window.
//! - The day is re-planned when a job comes in, and when stops turn late (at most every 30
//!   minutes): done stops stay done, goods stay on their van, promises are kept where they
//!   still can be (a stop may end up to 30 minutes after its promise rather than be dropped),
//!   and each re-plan passes the independent checker.
//! - Own fleet or carriers: each van's route (90.00 a day, 0.35 per km, 28.00 an hour, a
//!   diesel van's CO2e with the load on board) against handing its jobs to a zoned parcel
//!   service (minimum charge, 18 % fuel surcharge) or e-cargo bikes (cleaner, 8 km at most),
//!   by cost and by CO2e ([`milkrun::last_mile::LastMileDay::carrier_options`]); and the jobs
//!   a carrier takes for less than their van saves without them. A what-if: the day runs the
//!   plan as it is.
//! - SVG maps of the plan before and after each re-plan, and charts of the lateness and the
//!   predicted return of each van, are written to `--out DIR` (default
//!   `target/milkrun-out/last_mile_day`) through [`milkrun::formats::write_string`].
//!
//! Run: `cargo run --release --example last_mile_day [-- --out DIR]`.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use milkrun::cost::baseline::{RateCard, RateZone};
use milkrun::cost::carrier::{Carrier, Objective, Provider, RouteProvider};
use milkrun::cost::emissions::{CarrierRegistry, Co2ePerTonneKm, ConsumptionModel, VehicleClass};
use milkrun::cost::tariff::Tariff;
use milkrun::formats::{line_chart_svg, routes_svg, write_string};
use milkrun::last_mile::{
    EtaAlert, EtaStatus, FailureReason, JobStatus, LastMileDay, LastMileOptions, LoadMass, OwnFleet, ReplanReport,
    StopOutcome, TrackingEvent, VehicleId,
};
use milkrun::model::{check_solution, Job, JobKind, Load, Money, SiteId, Stop, Visit};
use milkrun::{demo, Distance, Duration, TimeWindow};

const PLAN_SEED: u64 = 1;
const PLAN_ITERATIONS: u64 = 300;
const REPLAN_ITERATIONS: u64 = 300;
const SIM_SEED: u64 = 42;
/// The van stuck in traffic, on which leg, for how long.
const JAM: (usize, usize, Duration) = (0, 5, Duration::minutes(25));
/// The van whose customer is not at home, at which stop.
const ABSENT: (usize, usize) = (2, 4);
/// When the urgent job comes in.
const URGENT_AT: Duration = Duration(11 * 3600 + 30 * 60);
const MIN_REPLAN_GAP: Duration = Duration::minutes(30);

fn out_dir() -> Result<PathBuf, String> {
    let mut args = std::env::args().skip(1);
    let mut out = PathBuf::from("target/milkrun-out/last_mile_day");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().map(PathBuf::from).ok_or("--out needs a directory")?,
            "-h" | "--help" => return Err("usage: last_mile_day [--out DIR]".into()),
            other => return Err(format!("unknown argument '{other}' (usage: last_mile_day [--out DIR])")),
        }
    }
    Ok(out)
}

/// SplitMix64: uniform numbers in `[0, 1)`, the same on every run.
struct Random(u64);

impl Random {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

fn van(v: usize) -> String {
    format!("van {}", v + 1)
}

fn km(metres: i64) -> String {
    format!("{:.1} km", metres as f64 / 1000.0)
}

fn window(w: TimeWindow) -> String {
    format!("{}-{}", w.open.hhmm(), w.close.hhmm())
}

/// "parcels 17 at address 17 (Planitz)" for a stop of the day.
fn stop_name(day: &LastMileDay, visit: Visit) -> String {
    let Some(job) = visit.job().and_then(|j| day.problem().jobs().get(j.index())) else {
        return format!("{visit:?}");
    };
    let stop = match (&job.kind, visit) {
        (JobKind::Shipment { pickup, .. }, Visit::Pickup(_)) => pickup,
        (JobKind::Shipment { delivery, .. }, _) => delivery,
        (JobKind::Service { stop, .. }, _) => stop,
    };
    let site = day.problem().sites().get(stop.site.index()).map_or("?", |s| s.name.as_str());
    let what = match visit {
        Visit::Pickup(_) => "pickup of ",
        Visit::Delivery(_) => "delivery of ",
        _ => "",
    };
    format!("{what}{} at {site}", job.name)
}

/// What the simulated world knows about a van on its way.
#[derive(Debug, Clone)]
struct Leg {
    target: Visit,
    /// The window promised for the target when the van set off (for the punctuality count).
    promised: TimeWindow,
    /// A delay to report on the way: (when, how much).
    delay: Option<(Duration, Duration)>,
    /// When service starts and ends, for real.
    start: Duration,
    end: Duration,
    fails: bool,
}

struct World {
    rng: Random,
    /// Per van: the site it last left and when, its leg, legs driven, whether it is home.
    from: Vec<(SiteId, Duration)>,
    legs: Vec<Option<Leg>>,
    driven_legs: Vec<usize>,
    departed: Vec<bool>,
    home: Vec<bool>,
    /// Per van: stops served inside / outside the promised window.
    on_time: Vec<(usize, usize)>,
}

impl World {
    /// Sets van `v` off towards its next planned stop, leaving `from` at `leave`.
    fn start_leg(&mut self, day: &LastMileDay, v: usize, leave: Duration) {
        let Some(next) = day.vehicles()[v].remaining.first() else {
            self.legs[v] = None;
            return;
        };
        let (site, _) = self.from[v];
        let problem = day.problem();
        let Some(job) = next.visit.job().map(|j| problem.job(j)) else { return };
        let stop: &Stop = match (&job.kind, next.visit) {
            (JobKind::Shipment { pickup, .. }, Visit::Pickup(_)) => pickup,
            (JobKind::Shipment { delivery, .. }, _) => delivery,
            (JobKind::Service { stop, .. }, _) => stop,
        };
        let drive = problem.travel().duration(site.index(), stop.site.index()).get() as f64;
        let mut arrival = leave + Duration((drive * self.rng.between(0.9, 1.25)).round() as i64);
        let mut delay = None;
        if (v, self.driven_legs[v]) == (JAM.0, JAM.1) {
            delay = Some((leave + Duration::minutes(10), JAM.2));
            arrival += JAM.2;
        }
        let start = stop.windows.iter().find(|w| arrival <= w.close).map_or(arrival, |w| arrival.max(w.open));
        let fails = (v, self.driven_legs[v]) == (ABSENT.0, ABSENT.1);
        let service = if fails {
            Duration::minutes(4)
        } else {
            Duration((stop.service.get() as f64 * self.rng.between(0.8, 1.6)).round() as i64)
        };
        self.legs[v] =
            Some(Leg { target: next.visit, promised: next.promised, delay, start, end: start + service, fails });
    }
}

/// The next thing that happens in the simulated world.
enum Next {
    Depart(usize),
    Delay(usize, Duration, Duration),
    Finish(usize),
    Home(usize, Duration),
    Urgent,
    Tick(Duration),
}

struct Log {
    alerts: Vec<EtaAlert>,
    late: usize,
    early: usize,
    back: usize,
}

impl Log {
    fn take(&mut self, alert: &EtaAlert) {
        match alert.status {
            EtaStatus::Late => self.late += 1,
            EtaStatus::Early => self.early += 1,
            EtaStatus::OnTime => self.back += 1,
        }
        self.alerts.push(alert.clone());
    }

    /// Prints the alerts of the last event on one line, worst first, if a stop left its
    /// promise (stops coming back on time alone are only counted); tells whether one turned
    /// late.
    fn print(&mut self, day: &LastMileDay) -> bool {
        let mut alerts = std::mem::take(&mut self.alerts);
        if alerts.iter().all(|a| a.status == EtaStatus::OnTime) {
            return false;
        }
        let turned_late = alerts.iter().any(|a| a.status == EtaStatus::Late);
        alerts.sort_by_key(|a| std::cmp::Reverse((a.eta - a.promised.close).get()));
        let count = |s: EtaStatus| alerts.iter().filter(|a| a.status == s).count();
        let mut parts = Vec::new();
        for (status, label) in
            [(EtaStatus::Late, "late"), (EtaStatus::Early, "early"), (EtaStatus::OnTime, "back on time")]
        {
            if count(status) > 0 {
                parts.push(format!("{} {label}", count(status)));
            }
        }
        let worst = &alerts[0];
        println!(
            "  {}  alert: {} (e.g. {} {}: ETA {}, promised {})",
            day.now().hhmm(),
            parts.join(", "),
            van(worst.vehicle.index()),
            stop_name(day, worst.visit),
            worst.eta.hhmm(),
            window(worst.promised)
        );
        turned_late
    }
}

fn print_plan(day: &LastMileDay) {
    let problem = day.problem();
    let solution = day.current_solution();
    let report = check_solution(problem, &solution);
    println!(
        "Plan (engine seed {PLAN_SEED}, {PLAN_ITERATIONS} iterations): {} vans, {}, {} jobs left open, checker: {}",
        solution.routes.iter().filter(|r| !r.visits.is_empty()).count(),
        km(report.distance.get()),
        solution.unassigned.len(),
        if report.is_feasible() { "feasible" } else { "REJECTED" }
    );
    for (v, (vehicle, route)) in day.vehicles().iter().zip(&report.routes).enumerate() {
        let kg: i64 = vehicle.on_board.amounts().iter().sum();
        let first = vehicle.remaining.first().map_or("-".into(), |s| s.eta.hhmm());
        let count = |f: fn(&Job, Visit) -> bool| {
            vehicle.remaining.iter().filter(|s| s.visit.job().is_some_and(|j| f(problem.job(j), s.visit))).count()
        };
        println!(
            "  {}  leaves {}  first stop {}  back {}  {:>2} stops ({:>2} deliveries, {} returns, {} shipment stops)  {:>3} kg on board  {}",
            van(v),
            vehicle.departure.hhmm(),
            first,
            vehicle.end_eta.map_or("-".into(), Duration::hhmm),
            vehicle.remaining.len(),
            count(|job, _| job.is_linehaul()),
            count(|job, _| job.is_backhaul()),
            count(|_, visit| !matches!(visit, Visit::Service(_))),
            kg,
            km(route.distance.get())
        );
    }
    let mut widths: Vec<i64> = day
        .vehicles()
        .iter()
        .flat_map(|v| &v.remaining)
        .map(|s| (s.promised.close - s.promised.open).get() / 60)
        .collect();
    widths.sort_unstable();
    println!(
        "  promised windows: ETA ± (10 min + 5 min per hour on the road), clipped to the slot: {} to {} min wide, median {}",
        widths.first().unwrap_or(&0),
        widths.last().unwrap_or(&0),
        widths.get(widths.len() / 2).unwrap_or(&0)
    );
}

fn eur(cents: Money) -> String {
    format!("{:.2} EUR", cents.get() as f64 / 100.0)
}

/// The own fleet against two carriers, per van (by cost and by CO2e) and per job.
fn print_carrier_options(day: &LastMileDay) -> Result<(), Box<dyn std::error::Error>> {
    // The vans: 90.00 a day (lease, insurance), 0.35 per km, the driver at 28.00 an hour; a
    // diesel van (3.5 t class, 1 200 kg payload); the loads are in kg.
    let tariff = Tariff { fixed_per_day: Money(9_000), per_km: 35.0, per_hour: 2_800.0, ..Tariff::default() };
    let model = ConsumptionModel::Linear(VehicleClass::Van.linear_model());
    let energy = CarrierRegistry::default();
    let fleet = OwnFleet { tariff: &tariff, vehicle: &model, energy: &energy, mass: LoadMass::kilograms(0) };
    let zone =
        |km: i64, per_kg: f64, minimum: i64| RateZone { up_to: Distance(km * 1000), per_kg, minimum: Money(minimum) };
    let carriers = [
        // Time-slot parcel service by diesel van: three zones, 18 % fuel surcharge, a GLEC-like
        // intensity for light commercial vehicles.
        Carrier::new(
            "Parcel LTL",
            RateCard {
                zones: vec![zone(5, 45.0, 1_100), zone(10, 55.0, 1_300), zone(25, 70.0, 1_600)],
                fuel_surcharge: 0.18,
                intensity: Co2ePerTonneKm(0.95),
                ttw_share: 0.8,
            },
        )?,
        // E-cargo bikes from a micro-hub: no fuel surcharge, grid electricity (all well-to-tank),
        // nothing beyond 8 km.
        Carrier::new(
            "E-cargo bike",
            RateCard {
                zones: vec![zone(4, 40.0, 1_000), zone(8, 50.0, 1_500)],
                fuel_surcharge: 0.0,
                intensity: Co2ePerTonneKm(0.06),
                ttw_share: 0.0,
            },
        )?,
    ];
    let by_cost = day.carrier_options(&fleet, &carriers, Objective::Cost)?;
    let by_co2e = day.carrier_options(&fleet, &carriers, Objective::Co2e)?;
    println!(
        "\nOwn fleet or carriers (carriers: {}; a what-if on the plan, the day below runs the plan as it is)",
        carriers.iter().map(Carrier::name).collect::<Vec<_>>().join(", ")
    );
    let kg = |e: &milkrun::cost::emissions::Emissions| format!("{:.2} kg CO2e", e.wtw.kg());
    let who = |p: RouteProvider| match p {
        RouteProvider::OwnFleet => "own fleet",
        RouteProvider::Carriers => "carriers",
    };
    for (cost, co2e) in by_cost.iter().zip(&by_co2e) {
        let own = cost.route.own_fleet;
        let handed = match &cost.route.carriers {
            Ok(sel) => {
                let split: Vec<String> = carriers
                    .iter()
                    .enumerate()
                    .map(|(c, carrier)| {
                        let n = sel.shipments.iter().filter(|s| s.chosen == Provider::Carrier(c)).count();
                        format!("{n} {}", carrier.name())
                    })
                    .collect();
                format!("{} / {} ({})", eur(sel.cost), kg(&sel.emissions), split.join(", "))
            }
            Err(e) => format!("not all jobs ({e})"),
        };
        println!(
            "  {}  own fleet {} / {} vs carriers {} -> by cost: {}, by CO2e: {}",
            van(cost.vehicle.index()),
            eur(own.cost),
            kg(&own.emissions),
            handed,
            who(cost.chosen()),
            who(co2e.chosen())
        );
    }
    let cheaper: Vec<String> = by_cost
        .iter()
        .flat_map(|r| r.jobs_to_carriers().map(move |s| (r, s)))
        .map(|(r, s)| {
            let Provider::Carrier(c) = s.chosen else { return String::new() };
            let own = s.own_fleet.map_or(Money(0), |o| o.cost);
            let name = day.problem().jobs().get(s.shipment as usize).map_or("?", |j| j.name.as_str());
            format!("{name} ({}: {} {} vs {} saved)", van(r.vehicle.index()), carriers[c].name(), eur(s.cost), eur(own))
        })
        .collect();
    let jobs: usize = by_cost.iter().map(|r| r.jobs.len()).sum();
    println!("  jobs a carrier takes for less than the route saves without them: {} of {jobs}", cheaper.len());
    for line in cheaper.iter().take(6) {
        println!("    {line}");
    }
    if cheaper.len() > 6 {
        println!("    ... and {} more", cheaper.len() - 6);
    }
    Ok(())
}

fn print_replan(day: &LastMileDay, report: &ReplanReport, why: &str) {
    let names = |jobs: &[milkrun::model::JobId]| -> String {
        if jobs.is_empty() {
            return "none".into();
        }
        jobs.iter().map(|j| day.problem().job(*j).name.clone()).collect::<Vec<_>>().join(", ")
    };
    let feasible = check_solution(&report.problem, &report.solution).is_feasible();
    let mut changes = Vec::new();
    for (label, jobs) in
        [("placed", &report.placed), ("moved to another van", &report.moved), ("dropped", &report.dropped)]
    {
        if !jobs.is_empty() {
            changes.push(format!("{label} {}", names(jobs)));
        }
    }
    println!(
        "  {}  RE-PLAN #{} ({why}): late stops {} -> {}, remaining {} -> {}{}{}; checker: {}",
        report.at.hhmm(),
        day.replans(),
        report.late_before,
        report.late_after,
        km(report.distance_before.get()),
        km(report.distance_after.get()),
        if changes.is_empty() { "" } else { "; " },
        changes.join("; "),
        if feasible { "feasible" } else { "REJECTED" }
    );
    let late: Vec<String> = day
        .vehicles()
        .iter()
        .enumerate()
        .flat_map(|(v, vehicle)| vehicle.remaining.iter().map(move |s| (v, s)))
        .filter(|(_, s)| s.status == EtaStatus::Late)
        .map(|(v, s)| {
            format!("{} {} (ETA {}, promised {})", van(v), stop_name(day, s.visit), s.eta.hhmm(), window(s.promised))
        })
        .collect();
    for line in late.iter().take(3) {
        println!("         still late: {line}");
    }
    if late.len() > 3 {
        println!("         ... and {} more (goods on board stay with their van)", late.len() - 3);
    }
}

type Series = Vec<(String, Vec<(f64, f64)>)>;

/// Samples the charts: per van, minutes behind the promise at its worst remaining stop, and
/// its predicted return.
fn sample(day: &LastMileDay, lateness: &mut Series, returns: &mut Series) {
    let hour = day.now().get() as f64 / 3600.0;
    for (v, vehicle) in day.vehicles().iter().enumerate() {
        let worst = vehicle.remaining.iter().map(|s| (s.eta - s.promised.close).get().max(0)).max();
        if let Some(worst) = worst {
            lateness[v].1.push((hour, worst as f64 / 60.0));
        }
        if let (Some(end), false) = (vehicle.end_eta, vehicle.remaining.is_empty()) {
            returns[v].1.push((hour, end.get() as f64 / 3600.0));
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir()?;
    let problem = demo::last_mile_day()?;
    let jobs = problem.jobs();
    let deliveries = jobs.iter().filter(|j| j.is_linehaul()).count();
    let returns = jobs.iter().filter(|j| j.is_backhaul()).count();
    let shipments = jobs.len() - deliveries - returns;
    println!(
        "{}: {deliveries} deliveries, {returns} returns, {shipments} shop-to-customer shipments, {}",
        problem.name(),
        problem.vehicle_types().iter().map(|v| format!("{} x {}", v.count, v.name)).collect::<Vec<_>>().join(", ")
    );

    // Re-plans serve a stop up to 30 minutes after its promise rather than take the parcel
    // back; an ETA counts as late (or early) 5 minutes outside its promise.
    let options = LastMileOptions::default().late_grace(Duration::minutes(30)).alert_tolerance(Duration::minutes(5));
    let mut day = LastMileDay::plan(problem, options, PLAN_SEED, PLAN_ITERATIONS)?;
    print_plan(&day);
    print_carrier_options(&day)?;
    let mut files: Vec<(String, String)> = Vec::new();
    let title = format!("{} - plan at the start of the day", day.problem().name());
    files.push(("plan_start.svg".into(), routes_svg(day.problem(), &day.current_solution().routes, &title)));

    let n = day.vehicles().len();
    let mut world = World {
        rng: Random(SIM_SEED),
        from: day.vehicles().iter().map(|v| (v.position, v.departure)).collect(),
        legs: vec![None; n],
        driven_legs: vec![0; n],
        departed: vec![false; n],
        home: vec![false; n],
        on_time: vec![(0, 0); n],
    };
    let mut log = Log { alerts: Vec::new(), late: 0, early: 0, back: 0 };
    let mut lateness: Series = (0..n).map(|v| (van(v), Vec::new())).collect();
    let mut predicted: Series = (0..n).map(|v| (van(v), Vec::new())).collect();
    let mut urgent_done = false;
    let mut last_replan = Duration::ZERO;
    let mut tick = Duration::hours(7) + Duration::minutes(30);

    println!(
        "\nThe day (simulated tracking, seed {SIM_SEED}; stops done, and stops coming back on time, are not listed)"
    );
    loop {
        // The earliest thing that happens next.
        let mut next: Option<(Duration, Next)> = None;
        let mut consider = |at: Duration, what: Next| {
            if next.as_ref().is_none_or(|(t, _)| at < *t) {
                next = Some((at, what));
            }
        };
        let busy = (0..n).any(|v| !day.vehicles()[v].remaining.is_empty() || world.legs[v].is_some());
        for v in 0..n {
            if !world.departed[v] {
                if !day.vehicles()[v].remaining.is_empty() {
                    consider(day.vehicles()[v].departure.max(day.now()), Next::Depart(v));
                }
            } else if let Some(leg) = &world.legs[v] {
                match leg.delay {
                    Some((at, extra)) => consider(at, Next::Delay(v, at, extra)),
                    None => consider(leg.end, Next::Finish(v)),
                }
            } else if !world.home[v] && day.vehicles()[v].remaining.is_empty() {
                let (site, left) = world.from[v];
                let travel = day.problem().travel();
                let back = left + travel.duration(site.index(), SiteId(0).index());
                consider(back.max(day.now()), Next::Home(v, back.max(day.now())));
            }
        }
        if !urgent_done {
            consider(URGENT_AT, Next::Urgent);
        }
        if busy {
            consider(tick, Next::Tick(tick));
        }
        let Some((at, what)) = next else { break };

        let mut replan_why: Option<&str> = None;
        match what {
            Next::Depart(v) => {
                let depot = day.vehicles()[v].position;
                day.apply(&TrackingEvent::Position { vehicle: VehicleId(v as u32), at, site: depot }, |a| log.take(a))?;
                world.departed[v] = true;
                world.from[v] = (depot, at);
                world.start_leg(&day, v, at);
                println!("  {}  {} leaves the depot", at.hhmm(), van(v));
            }
            Next::Delay(v, at, extra) => {
                day.apply(&TrackingEvent::Delay { vehicle: VehicleId(v as u32), at, extra }, |a| log.take(a))?;
                if let Some(leg) = &mut world.legs[v] {
                    leg.delay = None;
                }
                println!("  {}  {} stuck in traffic, reports +{} min", at.hhmm(), van(v), extra.get() / 60);
            }
            Next::Finish(v) => {
                let Some(leg) = world.legs[v].take() else { continue };
                let vehicle = VehicleId(v as u32);
                if leg.fails {
                    let event = TrackingEvent::StopFailed {
                        vehicle,
                        visit: leg.target,
                        at,
                        reason: FailureReason::CustomerAbsent,
                    };
                    day.apply(&event, |a| log.take(a))?;
                    println!("  {}  {} FAILED {}: customer absent", at.hhmm(), van(v), stop_name(&day, leg.target));
                } else {
                    day.apply(&TrackingEvent::StopDone { vehicle, visit: leg.target, at }, |a| log.take(a))?;
                    let kept = &mut world.on_time[v];
                    if leg.promised.contains(leg.start) {
                        kept.0 += 1;
                    } else {
                        kept.1 += 1;
                    }
                }
                world.driven_legs[v] += 1;
                world.from[v] = (day.vehicles()[v].position, at);
                world.start_leg(&day, v, at);
            }
            Next::Home(v, at) => {
                day.apply(&TrackingEvent::Position { vehicle: VehicleId(v as u32), at, site: SiteId(0) }, |a| {
                    log.take(a)
                })?;
                world.home[v] = true;
                world.from[v] = (SiteId(0), at);
                println!("  {}  {} back at the depot", at.hhmm(), van(v));
            }
            Next::Urgent => {
                urgent_done = true;
                let recipient = SiteId(17);
                let window = TimeWindow::new(URGENT_AT, URGENT_AT + Duration::hours(2));
                let job = Job::shipment(
                    "urgent prescription",
                    Stop::at(SiteId(0)).service(Duration::minutes(5)).window(window),
                    Stop::at(recipient).service(Duration::minutes(3)).window(window),
                    Load::single(1),
                );
                let id = day.add_job(job, URGENT_AT, |a| log.take(a))?;
                println!(
                    "  {}  new job: {} from the depot to {}, by {}",
                    URGENT_AT.hhmm(),
                    day.problem().job(id).name,
                    day.problem().site(recipient).name,
                    window.close.hhmm()
                );
                replan_why = Some("new job");
            }
            Next::Tick(at) => {
                day.advance_to(at, |a| log.take(a))?;
                tick = at + Duration::minutes(15);
                sample(&day, &mut lateness, &mut predicted);
            }
        }
        let turned_late = log.print(&day);
        if replan_why.is_none() && turned_late && day.now() - last_replan >= MIN_REPLAN_GAP {
            replan_why = Some("stops turned late");
        }
        if let Some(why) = replan_why {
            let seed = u64::from(day.replans()) + 100;
            let report = day.replan(seed, REPLAN_ITERATIONS, |a| log.take(a))?;
            last_replan = day.now();
            print_replan(&day, &report, why);
            log.print(&day);
            let title = format!("{} - after re-plan #{} at {}", day.problem().name(), day.replans(), day.now().hhmm());
            files.push((
                format!("plan_replan_{}.svg", day.replans()),
                routes_svg(day.problem(), &day.current_solution().routes, &title),
            ));
            // Vans whose next stop changed set off towards the new one from where they are.
            for v in 0..n {
                let target = day.vehicles()[v].remaining.first().map(|s| s.visit);
                let leg = world.legs[v].as_ref().map(|l| l.target);
                if world.departed[v] && leg != target {
                    let leave = world.from[v].1.max(day.now());
                    world.from[v].1 = leave;
                    world.start_leg(&day, v, leave);
                }
                if target.is_some() && world.home[v] {
                    world.home[v] = false;
                    world.start_leg(&day, v, day.now());
                }
            }
        }
    }

    println!("\nEnd of the day");
    let (mut kept, mut missed) = (0, 0);
    for (v, vehicle) in day.vehicles().iter().enumerate() {
        let done = vehicle.done.iter().filter(|d| d.outcome == StopOutcome::Done).count();
        let failed = vehicle.done.len() - done;
        let (k, m) = world.on_time[v];
        kept += k;
        missed += m;
        println!(
            "  {}  {done:>2} stops done, {failed} failed, {:>3} kg back to the depot, {}, back {}; inside the promise {k}/{}",
            van(v),
            vehicle.on_board.amounts().iter().sum::<i64>(),
            km(vehicle.driven.get()),
            world.from[v].1.hhmm(),
            k + m
        );
    }
    let statuses = day.job_statuses();
    let count = |f: &dyn Fn(&JobStatus) -> bool| statuses.iter().filter(|s| f(s)).count();
    println!(
        "  jobs: {} done, {} failed, {} open; stops inside the promised window {kept}/{} ({:.0} %)",
        count(&|s| matches!(s, JobStatus::Done { .. })),
        count(&|s| matches!(s, JobStatus::Failed { .. })),
        count(&|s| !s.is_closed()),
        kept + missed,
        100.0 * kept as f64 / (kept + missed).max(1) as f64
    );
    println!("  alerts: {} late, {} early, {} back on time; {} re-plans", log.late, log.early, log.back, day.replans());

    let title = format!("{} - the day as driven", day.problem().name());
    files.push(("day_as_driven.svg".into(), routes_svg(day.problem(), &day.current_solution().routes, &title)));
    files.push((
        "eta_lateness.svg".into(),
        line_chart_svg(
            "Minutes behind the promise at each van's worst remaining stop",
            "hour of the day",
            "minutes late",
            &lateness,
        ),
    ));
    files.push((
        "eta_return.svg".into(),
        line_chart_svg("Predicted return to the depot", "hour of the day", "predicted return (hour)", &predicted),
    ));
    write_files(&out, &files)
}

fn write_files(out: &Path, files: &[(String, String)]) -> Result<(), Box<dyn std::error::Error>> {
    println!("\nFiles written:");
    for (name, text) in files {
        let path = out.join(name);
        write_string(&path, text)?;
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
