//! A shift of tugger trains in an assembly hall, planned with the milk-run planner on the
//! hall's aisle graph ([`milkrun::planner::in_plant`]).
//!
//! # Key points
//! - The hall is embedded: 120 m x 60 m, an aisle grid (four north-south and three east-west
//!   aisles, the east aisle one-way northwards, a slow pedestrian crossing at the supermarket),
//!   16 fabrication stations along the aisles making 18 parts in returnable bins (KLT small
//!   load carriers and small pallet boxes), used by an assembly line building 60 cars an hour.
//! - Two tugger trains of 24 bins and 1.2 t run a fixed 20-minute cycle through an 8-hour
//!   shift (24 cycles): each cycle a train leaves the assembly supermarket with empty bins,
//!   drops them at stations, collects the full ones, and is back before the next cycle.
//! - The aisles become a travel matrix of the fastest aisle paths, the cycles the planner's
//!   waves, the stations its suppliers: the same `MilkRunPlanner` chooses how often each
//!   station is visited (every cycle, every 2nd, 3rd or 4th), the bins per visit, and each
//!   cycle's loops (routing engine), keeping line-side stock between safety stock and the
//!   storage at the supermarket. Progress is printed to stderr while it works.
//! - The plan is verified by the independent checker ([`milkrun::planner::check_plan`])
//!   before anything is printed; a rejected plan ends the run with a failure.
//! - An SVG map of the aisles with the loops drawn along them and an SVG chart of line-side
//!   stock over the shift are written to `--out DIR` (default
//!   `target/milkrun-out/in_plant_milk_run`) through [`milkrun::formats::write_string`].
//!
//! Run: `cargo run --release --example in_plant_milk_run [-- --out DIR]`.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use milkrun::formats::{line_chart_svg, network_map_svg, write_string, MapPath, MapPlace};
use milkrun::model::{Distance, EnergyCarrier, EnergyProfile, Kilograms, Money, TimeWindow};
use milkrun::planner::in_plant::{
    Aisle, AisleGraph, AisleNode, AislePoint, BinType, InPlantLayout, InPlantNetwork, InPlantPlan, InPlantPlanner,
    Station, StationPart, TuggerTrain,
};
use milkrun::planner::{check_plan, PlanIssue, PlanningStep, Service};
use milkrun::Duration;

fn out_dir() -> Result<PathBuf, String> {
    let mut args = std::env::args().skip(1);
    let mut out = PathBuf::from("target/milkrun-out/in_plant_milk_run");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().map(PathBuf::from).ok_or("--out needs a directory")?,
            "-h" | "--help" => return Err("usage: in_plant_milk_run [--out DIR]".into()),
            other => return Err(format!("unknown argument '{other}' (usage: in_plant_milk_run [--out DIR])")),
        }
    }
    Ok(out)
}

/// Most cycles between two visits of a station.
const MAX_INTERVAL: u32 = 4;

/// Cars the assembly line builds an hour.
const CARS_PER_HOUR: f64 = 60.0;

/// Bin types: name, parts are per part below; tare kg.
fn bin(name: &str, parts: u32, tare: f64) -> BinType {
    BinType { name: name.into(), parts, tare: Kilograms(tare), returnable: true }
}

/// One part: (name, bin type, parts per bin, kg per part, parts per car, safety bins, line-side
/// storage in bins).
type PartRow = (&'static str, &'static str, u32, f64, f64, f64, u32);

/// The stations: name, where (x, y in metres, on an aisle), parts.
#[rustfmt::skip]
const STATIONS: [(&str, (f64, f64), &[PartRow]); 16] = [
    ("press line 1", (20.0, 0.0), &[("bracket", "KLT 6428", 40, 0.3, 2.0, 1.0, 6)]),
    ("press line 2", (60.0, 0.0), &[("reinforcement", "GLT", 30, 1.8, 1.0, 1.0, 5)]),
    ("laser cutting", (100.0, 0.0), &[("panel blank", "GLT", 25, 2.5, 1.0, 1.0, 5)]),
    ("weld cell A", (20.0, 30.0), &[("front sub-frame", "GLT", 8, 6.0, 1.0, 1.5, 8)]),
    ("weld cell B", (60.0, 30.0), &[("cross member", "GLT", 12, 4.0, 1.0, 1.0, 7)]),
    ("stud welding", (100.0, 30.0), &[("stud plate", "KLT 4314", 50, 0.1, 4.0, 1.0, 9)]),
    ("moulding 1", (20.0, 60.0), &[("trim clip", "KLT 4314", 200, 0.01, 12.0, 1.0, 8), ("cable clip", "KLT 4314", 300, 0.01, 8.0, 1.0, 6)]),
    ("moulding 2", (60.0, 60.0), &[("bumper bracket", "KLT 6428", 20, 0.4, 2.0, 1.0, 9)]),
    ("foam line", (100.0, 60.0), &[("headrest foam", "GLT", 16, 0.6, 2.0, 1.5, 9)]),
    ("tube bending", (120.0, 15.0), &[("brake tube", "KLT 6428", 50, 0.3, 1.0, 1.0, 5)]),
    ("machining", (120.0, 45.0), &[("steering knuckle", "GLT", 16, 3.0, 2.0, 1.5, 9)]),
    ("harness prep", (40.0, 15.0), &[("door harness", "KLT 6428", 10, 1.1, 1.0, 1.0, 9)]),
    ("sewing", (40.0, 45.0), &[("seat cover", "KLT 6428", 12, 0.8, 1.0, 1.0, 8)]),
    ("sealing", (80.0, 15.0), &[("door seal", "KLT 6428", 24, 0.6, 2.0, 1.0, 8), ("screw kit", "KLT 4314", 100, 0.2, 1.0, 0.5, 3)]),
    ("kitting", (80.0, 45.0), &[("fuse box kit", "KLT 6428", 30, 0.7, 1.0, 1.0, 5)]),
    ("cable cutting", (0.0, 15.0), &[("battery cable", "KLT 6428", 30, 0.5, 1.0, 1.0, 5)]),
];

/// Aisles: north-south at these x, east-west at these y (metres).
const AISLES_X: [f64; 4] = [0.0, 40.0, 80.0, 120.0];
const AISLES_Y: [f64; 3] = [0.0, 30.0, 60.0];

/// The hall: the aisle grid with the stations on it, the supermarket west of the middle aisle.
fn hall() -> (InPlantLayout, TuggerTrain) {
    let mut aisles = AisleGraph::default();
    let mut nodes: Vec<((f64, f64), AisleNode)> = Vec::new();
    let mut node_at = |aisles: &mut AisleGraph, x: f64, y: f64| {
        if let Some(&(_, n)) = nodes.iter().find(|(p, _)| (p.0 - x).abs() < 1e-9 && (p.1 - y).abs() < 1e-9) {
            return n;
        }
        let n = aisles.add_node(AislePoint { x, y });
        nodes.push(((x, y), n));
        n
    };
    // Each aisle is a chain through its crossings and the stations on it.
    for &x in &AISLES_X {
        let mut ys: Vec<f64> = AISLES_Y.to_vec();
        ys.extend(STATIONS.iter().filter(|s| s.1 .0 == x).map(|s| s.1 .1));
        ys.sort_by(f64::total_cmp);
        let chain: Vec<AisleNode> = ys.iter().map(|&y| node_at(&mut aisles, x, y)).collect();
        // The east aisle is one-way northwards (too narrow to pass).
        let lane = if x == 120.0 { Aisle::one_way() } else { Aisle::straight() };
        for w in chain.windows(2) {
            aisles.add_edge(w[0], w[1], lane);
        }
    }
    for &y in &AISLES_Y {
        let mut xs: Vec<f64> = AISLES_X.to_vec();
        xs.extend(STATIONS.iter().filter(|s| s.1 .1 == y).map(|s| s.1 .0));
        xs.sort_by(f64::total_cmp);
        let chain: Vec<AisleNode> = xs.iter().map(|&x| node_at(&mut aisles, x, y)).collect();
        for w in chain.windows(2) {
            aisles.add_edge(w[0], w[1], Aisle::straight());
        }
    }
    // The supermarket, 15 m west of the middle aisle, behind a pedestrian crossing at walking pace.
    let supermarket = node_at(&mut aisles, -15.0, 30.0);
    let crossing = node_at(&mut aisles, 0.0, 30.0);
    aisles.add_edge(supermarket, crossing, Aisle { length: Some(Distance(15)), max_speed: Some(1.0), one_way: false });

    let stations = STATIONS
        .iter()
        .map(|&(name, (x, y), parts)| Station {
            name: name.into(),
            node: node_at(&mut aisles, x, y),
            parts: parts
                .iter()
                .map(|&(part, bin_name, per_bin, kg, per_car, safety, max)| StationPart {
                    name: part.into(),
                    bin: bin(
                        bin_name,
                        per_bin,
                        if bin_name == "GLT" {
                            18.0
                        } else if bin_name == "KLT 4314" {
                            0.9
                        } else {
                            2.2
                        },
                    ),
                    unit_weight: Kilograms(kg),
                    per_hour: per_car * CARS_PER_HOUR,
                    safety_bins: safety,
                    max_bins: max,
                    holding_per_bin: Money(10),
                })
                .collect(),
            stop_time: Duration(25),
            per_bin: Duration(7),
        })
        .collect();
    let layout = InPlantLayout { name: "Hall 4 (body & trim)".into(), aisles, supermarket, stations };
    let train = TuggerTrain {
        name: "tugger, 4 trolleys".into(),
        trains: 2,
        bins: 24,
        payload: Kilograms(1_200.0),
        speed: 2.2,
        shift: TimeWindow::new(Duration::hours(6), Duration::hours(14)),
        cycle: Duration::minutes(20),
        fixed_per_shift: Money(8_000),
        cost_per_second: 1,
        cost_per_metre: 0,
        // An electric tugger on grid power; illustrative consumption, kWh per 100 km empty and
        // with full trolleys.
        energy: Some(EnergyProfile {
            carrier: EnergyCarrier::Electricity,
            empty_per_100km: 30.0,
            full_per_100km: 45.0,
            kerb_mass_kg: 2_500.0,
        }),
    };
    (layout, train)
}

/// Money in minor units (cents) as euros with two decimals.
fn eur(money: Money) -> String {
    let cents = money.get();
    format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

/// "every cycle", "every 2nd cycle", ..., or the cycles themselves.
fn how_often(every: Option<usize>, cycles: &[usize]) -> String {
    match every {
        Some(1) => "every cycle".into(),
        Some(2) => "every 2nd cycle".into(),
        Some(3) => "every 3rd cycle".into(),
        Some(k) => format!("every {k}th cycle"),
        None => format!("{} visits", cycles.len()),
    }
}

fn print_header(layout: &InPlantLayout, train: &TuggerTrain, hall: &InPlantNetwork) {
    let parts: usize = layout.stations.iter().map(|s| s.parts.len()).sum();
    println!("{}", layout.name);
    println!(
        "  {} aisle points, {} aisle segments, {} stations making {parts} parts, assembly {CARS_PER_HOUR:.0} cars/h",
        hall.points().len(),
        hall.aisles().len(),
        layout.stations.len()
    );
    println!(
        "  {} x {}: {} bins, {:.0} kg, {:.1} km/h; shift {}-{}, a {}-minute cycle: {} cycles",
        train.trains,
        train.name,
        train.bins,
        train.payload.0,
        train.speed * 3.6,
        train.shift.open.hhmm(),
        train.shift.close.hhmm(),
        train.cycle.get() / 60,
        hall.cycles()
    );
}

fn print_stations(layout: &InPlantLayout, plan: &InPlantPlan) {
    println!("\nStations (S = station number on the timetable; stock in bins at the line side over the shift)");
    println!(
        "  {:<3} {:<14} {:<18} {:>6} {:<17} {:>6} {:>5}  {:>6} {:>5} {:>5} {:>5}",
        "", "station", "part", "bins/h", "collected", "visits", "bins", "safety", "min", "max", "limit"
    );
    for (k, (station, sp)) in layout.stations.iter().zip(&plan.stations).enumerate() {
        let service = match sp.service {
            Service::MilkRun(_) => how_often(sp.every, &sp.cycles),
            Service::Direct(_) => format!("direct, {}", how_often(sp.every, &sp.cycles)),
        };
        let bins =
            if sp.bins.0 == sp.bins.1 { format!("{}", sp.bins.0) } else { format!("{}-{}", sp.bins.0, sp.bins.1) };
        for (j, (part, stock)) in station.parts.iter().zip(&sp.stock).enumerate() {
            let (code, name, service, visits, bins) = if j == 0 {
                (
                    format!("S{:<2}", k + 1),
                    station.name.as_str(),
                    service.as_str(),
                    sp.cycles.len().to_string(),
                    bins.as_str(),
                )
            } else {
                (String::new(), "", "", String::new(), "")
            };
            println!(
                "  {code:<3} {name:<14} {:<18} {:>6.1} {service:<17} {visits:>6} {bins:>5}  {:>6.1} {:>5.1} {:>5.1} {:>5}",
                part.name,
                part.per_hour / f64::from(part.bin.parts),
                stock.safety,
                stock.low,
                stock.high,
                stock.limit
            );
        }
    }
    println!("  bins: full bins a visit; min, max: the least and most in any shift (max counts the one bin");
    println!("  that whole-bin rounding may carry from one shift into the next)");
}

fn print_timetable(plan: &InPlantPlan) {
    println!("\nTimetable (per train: cycle, departure-return, distance, most bins on board; stops as S+full/-empty)");
    for t in 0..plan.trains.len() {
        println!("  train {}", t + 1);
        for run in plan.runs.iter().filter(|r| r.train == t) {
            let stops: Vec<String> =
                run.stops.iter().map(|s| format!("S{}+{}/-{}", s.station + 1, s.full, s.empty)).collect();
            println!(
                "    cycle {:>2}  {}-{}  {:>4} m  {:>2} bins  {}",
                run.cycle + 1,
                run.departure.hhmm(),
                run.arrival.hhmm(),
                run.distance.get(),
                run.bins_on_board,
                stops.join(" ")
            );
        }
    }
    let direct = &plan.milk_run.direct;
    if !direct.is_empty() {
        println!("  direct trips outside the trains' cycles: {}", direct.len());
    }
}

fn print_kpis(plan: &InPlantPlan, train: &TuggerTrain) {
    println!("\nShift (one shift a day: per shift = per day)");
    println!(
        "  {} runs, {:.2} km, EUR {} for the trains (fixed cost and time on the road), {:.2} kg CO2e \
         (well-to-wheel, grid electricity)",
        plan.runs.len(),
        plan.km,
        eur(plan.milk_run.kpis.transport),
        // The planner's cycle is a week with the shift as its one production day.
        plan.milk_run.kpis.co2e_kg,
    );
    for (t, k) in plan.trains.iter().enumerate() {
        println!(
            "  train {}: {} runs, {:.2} km, on the road {} h {:02} min = {:.0} % of the shift, bins on board {:.0} % of {} on average",
            t + 1,
            k.runs,
            k.km,
            k.busy.get() / 3600,
            k.busy.get() % 3600 / 60,
            100.0 * k.utilisation,
            100.0 * k.bin_fill,
            train.bins
        );
    }
    let issues = &plan.milk_run.issues;
    if !issues.is_empty() {
        println!("\nIssues");
        for issue in issues {
            match issue {
                PlanIssue::Unrouted { pickup, reason } => println!("  pickup {pickup} not on a train: {reason}"),
                PlanIssue::StorageExceeded { part, peak, max } => {
                    println!("  part {part}: line-side stock peaks at {peak:.1} bins, storage holds {max}");
                }
                other => println!("  {other:?}"),
            }
        }
    }
}

/// The runs of the first `MAX_INTERVAL` cycles, as map paths: every station on the trains is
/// visited in them at least once.
fn map_paths(plan: &InPlantPlan) -> Vec<MapPath> {
    plan.runs
        .iter()
        .filter(|r| r.cycle < MAX_INTERVAL as usize)
        .map(|r| {
            let stops: Vec<String> = r.stops.iter().map(|s| format!("S{}", s.station + 1)).collect();
            MapPath {
                label: format!("cycle {} train {}: {}", r.cycle + 1, r.train + 1, stops.join(" ")),
                points: r.path.clone(),
            }
        })
        .collect()
}

fn write_files(
    layout: &InPlantLayout,
    hall: &InPlantNetwork,
    plan: &InPlantPlan,
    out: &Path,
) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let mut written = Vec::new();
    let mut places = vec![MapPlace { point: layout.supermarket.index(), name: "supermarket".into(), depot: true }];
    places.extend(layout.stations.iter().enumerate().map(|(k, s)| MapPlace {
        point: s.node.index(),
        name: format!("S{} {}", k + 1, s.name),
        depot: false,
    }));
    let edges: Vec<(usize, usize)> = hall.aisles().iter().map(|&(a, b, _)| (a, b)).collect();
    let title = format!("{}: the runs of cycles 1 to {MAX_INTERVAL} (of {})", layout.name, hall.cycles());
    let map = network_map_svg(&title, hall.points(), &edges, &places, &map_paths(plan));
    let path = out.join("loops.svg");
    write_string(&path, &map)?;
    written.push(path);

    // Line-side stock over the shift, as a share of the storage, for the parts closest to it.
    let shift = hall.inbound().cycle.production_hours;
    let mut parts: Vec<(String, usize, f64)> = Vec::new();
    for (k, (station, sp)) in layout.stations.iter().zip(&plan.stations).enumerate() {
        for (part, stock) in station.parts.iter().zip(&sp.stock) {
            parts.push((format!("{} (S{})", part.name, k + 1), stock.curve, stock.high / f64::from(stock.limit)));
        }
    }
    parts.sort_by(|a, b| b.2.total_cmp(&a.2));
    let mut series: Vec<(String, Vec<(f64, f64)>)> = parts
        .iter()
        .take(5)
        .filter_map(|(name, curve, _)| {
            let c = plan.milk_run.stock.get(*curve)?;
            let points = c
                .points
                .iter()
                .filter(|p| p.at >= shift.open.get() && p.at <= shift.close.get())
                .map(|p| ((p.at - shift.open.get()) as f64 / 60.0, 100.0 * p.containers / c.max))
                .collect();
            Some((name.clone(), points))
        })
        .collect();
    let minutes = (shift.close.get() - shift.open.get()) as f64 / 60.0;
    series.push(("storage limit".into(), vec![(0.0, 100.0), (minutes, 100.0)]));
    let chart = line_chart_svg(
        "Line-side stock over the shift, the 5 parts closest to their storage",
        &format!("minutes since {}", shift.open.hhmm()),
        "% of line-side storage",
        &series,
    );
    let path = out.join("stock.svg");
    write_string(&path, &chart)?;
    written.push(path);
    Ok(written)
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir()?;
    let (layout, train) = hall();
    let hall = InPlantNetwork::new(&layout, &train)?;
    print_header(&layout, &train, &hall);

    let planner = InPlantPlanner::builder().seed(1).iterations(200).max_interval(MAX_INTERVAL).build();
    let started = Instant::now();
    let mut tried = 0;
    let mut policies = Vec::new();
    let plan = planner.plan_with_progress(&hall, |step| match step {
        PlanningStep::Frequencies { milk_run } => {
            eprintln!("starting frequencies chosen: {milk_run} stations on the trains")
        }
        PlanningStep::Candidate { what, total, kept } => {
            tried += 1;
            if what.starts_with("DailyMilkRun") || what.starts_with("DailyDirect") {
                policies.push((what.clone(), *total));
            }
            if *kept {
                // The planner's words are for suppliers: here they are stations.
                let what = what.replace("supplier '", "station '");
                eprintln!("  #{tried:<3} kept {what}: EUR {} a shift", eur(*total));
            }
        }
        _ => {}
    })?;
    eprintln!("{tried} candidates priced, planned in {:.1} s", started.elapsed().as_secs_f64());

    let report = check_plan(hall.network(), hall.inbound(), &plan.milk_run);
    if !report.is_ok() {
        return Err(format!("the independent checker rejects the plan: {report}").into());
    }
    println!("  plan checked: timetables, train capacity, cycles, bins collected and line-side stock kept");

    print_stations(&layout, &plan);
    print_timetable(&plan);
    print_kpis(&plan, &train);
    // The simple policies the planner priced on the same hall as finalists.
    for (what, total) in &policies {
        let name = if what.starts_with("DailyMilkRun") {
            "every station on one train run a shift"
        } else {
            "every station served by a run of its own"
        };
        let how = if what.contains("screened") { " (screened at the quick routing effort)" } else { "" };
        let lower = 100.0 * (1.0 - plan.milk_run.kpis.total.get() as f64 / total.get().max(1) as f64);
        println!("  against {name}: EUR {} a shift{how}, this plan {lower:.1} % lower", eur(*total));
    }

    let written = write_files(&layout, &hall, &plan, &out)?;
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
