//! A week of inbound milk runs for a car plant, planned end to end through the `milkrun` facade.
//!
//! # Key points
//! - The scenario is embedded ([`milkrun::demo::automotive_week`]): the plant at Zwickau-Mosel,
//!   30 suppliers at real town coordinates within about 150 km, parts in returnable containers,
//!   daily consumption turned into containers per pickup, supplier opening hours and calendars,
//!   plant dock windows, 40 t articulated trucks and 7.5 t rigids at 60 km/h.
//! - [`milkrun::WeeklyMilkRunPlanner`] turns each supplier's recurring pattern (k pickups a week,
//!   n loops a day) into each day's pickup jobs and routes them with the Clarke & Wright savings
//!   heuristic: a **construction heuristic, not an optimiser**, until the routing engine lands.
//!   A truck may run several loops a day, reloading at the plant.
//! - Every day's routes are verified with the independent checker before printing.
//! - One SVG map and one load-over-the-day chart per day are written to `--out DIR` (default `target/milkrun-out`) through
//!   `milkrun_formats::write_string`, the only code that touches files.
//!
//! Run: `cargo run --release --example inbound_milk_run [-- --out DIR]`.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;

use milkrun::formats::{line_chart_svg, routes_svg, routes_to_geojson, write_string};
use milkrun::model::{check_solution, JobKind, Problem, RouteReport, StopTime, Visit};
use milkrun::{demo, ClarkeWrightSavings, Duration, PlannedDay, SkipReason, WeeklyMilkRunPlanner};

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

fn km(metres: i64) -> String {
    format!("{:.1} km", metres as f64 / 1000.0)
}

/// What is picked up at a stop: `+kg/+places` (and the empties dropped).
fn stop_load(problem: &Problem, row: &StopTime) -> String {
    let Some(job) = row.visit.and_then(Visit::job).map(|j| problem.job(j)) else { return String::new() };
    match &job.kind {
        JobKind::Service { delivery, pickup, .. } => {
            let (p, d) = (pickup.amounts(), delivery.amounts());
            format!("+{:>5} kg +{:>2} pl, empties -{:>2} pl", p[0], p[1], d[1])
        }
        JobKind::Shipment { .. } => String::new(),
    }
}

/// Per truck, pallet places on board over the day (a step at each departure), from the checker's
/// timetables.
fn load_series(problem: &Problem, routes: &[RouteReport]) -> Vec<(String, Vec<(f64, f64)>)> {
    routes
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let hours = |d: Duration| d.get() as f64 / 3600.0;
            let mut points = Vec::new();
            let mut on_board = 0.0;
            for row in &r.timetable {
                points.push((hours(row.arrival), on_board));
                on_board = row.load_after.amounts().get(1).copied().unwrap_or(0) as f64;
                points.push((hours(row.departure), on_board));
            }
            (format!("truck {} ({})", k + 1, problem.vehicle_type(r.vehicle_type).name), points)
        })
        .collect()
}

fn print_day(day: &PlannedDay, routes: &[milkrun::model::PlannedRoute]) {
    let problem = &day.problem;
    let distance: i64 = routes.iter().map(|r| r.distance.get()).sum();
    println!(
        "\n{:?} (day {}): {} pickups, {} loops on {} trucks, {}",
        day.weekday,
        day.day,
        problem.jobs().len(),
        routes.len(),
        day.solution.routes.len(),
        km(distance)
    );
    for (k, route) in routes.iter().enumerate() {
        let vt = problem.vehicle_type(route.vehicle_type);
        let (Some(first), Some(last)) = (route.timetable.first(), route.timetable.last()) else { continue };
        let peak = route.timetable.iter().map(|r| r.load_after.amounts().to_vec()).max().unwrap_or_default();
        println!(
            "  loop {:>2}  {} #{}  dep {}  back {}  {:>9}  {} stops, back with {} kg / {} pl (peak {} pl)",
            k + 1,
            vt.name,
            route.vehicle + 1,
            first.departure.hhmm(),
            last.arrival.hhmm(),
            km(route.distance.get()),
            route.visits.len(),
            last.load_after.amounts().first().copied().unwrap_or(0),
            last.load_after.amounts().get(1).copied().unwrap_or(0),
            peak.get(1).copied().unwrap_or(0),
        );
        for row in &route.timetable[1..route.timetable.len() - 1] {
            let wait =
                if row.wait > Duration::ZERO { format!(" (wait {} min)", row.wait.get() / 60) } else { String::new() };
            println!(
                "      {}-{}  {:<48} {}{wait}",
                row.arrival.hhmm(),
                row.departure.hhmm(),
                problem.site(row.site).name,
                stop_load(problem, row)
            );
        }
    }
    for u in &day.unassigned {
        println!("  UNASSIGNED {}: {}", problem.job(u.job).name, u.reason);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let out = out_dir()?;
    let scenario = demo::automotive_week()?;
    let network = &scenario.network;
    println!(
        "{}: {} suppliers, fleet {}",
        network.name(),
        network.sites().len() - 1,
        network.vehicle_types().iter().map(|v| format!("{} x {}", v.count, v.name)).collect::<Vec<_>>().join(", ")
    );
    println!("Routing: Clarke & Wright savings, a construction heuristic (not an optimiser).");

    let planner = WeeklyMilkRunPlanner::builder()
        .horizon(scenario.horizon)
        .savings(ClarkeWrightSavings::new().max_wait(Duration::minutes(45)))
        .build();
    let weekly = planner.plan_with_progress(network, &scenario.demand, &mut |p| {
        eprintln!("planning day {}/{}: {} pickups", p.day + 1, p.days, p.jobs);
    })?;

    for (day, plan) in weekly.days.iter().zip(&weekly.plan.days) {
        let report = check_solution(&day.problem, &day.solution);
        if !report.is_feasible() {
            let first = report.violations.iter().map(ToString::to_string).next().unwrap_or_default();
            return Err(format!("day {}: the checker rejects the plan: {first}", day.day).into());
        }
        print_day(day, &plan.routes);
        if !day.solution.routes.is_empty() {
            let title =
                format!("{} - {:?} (day {}): {} loops", network.name(), day.weekday, day.day, plan.routes.len());
            let path = out.join(format!("day-{}-{:?}.svg", day.day, day.weekday).to_lowercase());
            write_string(&path, &routes_svg(&day.problem, &day.solution.routes, &title))?;
            let geojson = out.join(format!("day-{}-{:?}.geojson", day.day, day.weekday).to_lowercase());
            write_string(&geojson, &routes_to_geojson(&day.problem, &day.solution.routes))?;
            let chart = line_chart_svg(
                &format!("{:?}: pallet places on board", day.weekday),
                "hour of day",
                "pallet places",
                &load_series(&day.problem, &report.routes),
            );
            write_string(out.join(format!("day-{}-{:?}-load.svg", day.day, day.weekday).to_lowercase()), &chart)?;
        }
    }
    for s in &weekly.skipped {
        let why = match s.reason {
            SkipReason::SupplierClosed => "supplier closed",
            SkipReason::PlantClosed => "plant closed",
            _ => "not possible",
        };
        println!(
            "\nSKIPPED pickup at {} on {:?}: {why}",
            network.site(s.supplier).name,
            weekly.plan.horizon.weekday(s.day)
        );
    }
    println!(
        "\nWeek: {} loops, {}, at most {} trucks a day, {} pickups unassigned, {} skipped by calendars",
        weekly.loop_count(),
        km(weekly.total_distance().get()),
        weekly.peak_vehicles(),
        weekly.unassigned_count(),
        weekly.skipped.len()
    );
    println!("Maps written to {}", out.display());
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
