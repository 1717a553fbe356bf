//! Integration tests of the facade: the demo week end to end, checked by the model's independent
//! checker, and properties of the savings heuristic on random small instances.

use milkrun::model::{
    check_solution, Coordinates, Job, JobId, Load, ProblemData, Rounding, Site, SiteId, SiteKind, Speed, Stop,
    TravelMatrix, VehicleType, Violation, Visit,
};
use milkrun::{
    demo, ClarkeWrightSavings, Duration, Error, Problem, SkipReason, SupplierDemand, TimeWindow, UnassignedReason,
    Weekday, WeeklyMilkRunPlanner, WeeklyPlan,
};
use proptest::prelude::*;

fn demo_plan() -> (demo::Scenario, WeeklyPlan) {
    let scenario = demo::automotive_week().expect("the demo scenario validates");
    let planner = WeeklyMilkRunPlanner::builder().horizon(scenario.horizon).build();
    let plan = planner.plan(&scenario.network, &scenario.demand).expect("the demo week plans");
    (scenario, plan)
}

/// How many times each job of `problem` is visited by `routes`.
fn visit_counts(problem: &Problem, routes: &[milkrun::model::Route]) -> Vec<usize> {
    let mut seen = vec![0; problem.jobs().len()];
    for visit in routes.iter().flat_map(|r| &r.visits) {
        if let Some(j) = visit.job() {
            seen[j.index()] += 1;
        }
    }
    seen
}

#[test]
fn demo_serves_every_job_or_says_why() {
    let (_, weekly) = demo_plan();
    assert_eq!(weekly.days.len(), 7);
    for (day, plan) in weekly.days.iter().zip(&weekly.plan.days) {
        let seen = visit_counts(&day.problem, &day.solution.routes);
        for (j, &times) in seen.iter().enumerate() {
            let reported = day.unassigned.iter().filter(|u| u.job.index() == j).count();
            assert_eq!(times + reported, 1, "day {}: job {j} visited {times} times, reported {reported}", day.day);
        }
        let ids: Vec<JobId> = day.unassigned.iter().map(|u| u.job).collect();
        assert_eq!(plan.unassigned, ids);
        assert_eq!(day.solution.unassigned, ids);
    }
    // The demo fleet is large enough for the whole week.
    assert_eq!(weekly.unassigned_count(), 0);
    assert!(weekly.loop_count() > 20);
}

#[test]
fn demo_days_pass_the_independent_checker() {
    let (_, weekly) = demo_plan();
    for day in &weekly.days {
        let report = check_solution(&day.problem, &day.solution);
        assert!(report.is_feasible(), "day {}: {:?}", day.day, report.violations);
    }
}

#[test]
fn loop_timetables_agree_with_the_checker() {
    let (_, weekly) = demo_plan();
    for (day, plan) in weekly.days.iter().zip(&weekly.plan.days) {
        let report = check_solution(&day.problem, &day.solution);
        // Every service row the checker recomputes appears, identical, in some loop's timetable.
        let planned: Vec<_> = plan.routes.iter().flat_map(|r| &r.timetable).filter(|row| row.visit.is_some()).collect();
        for row in report.routes.iter().flat_map(|r| &r.timetable) {
            if let Some(Visit::Service(j)) = row.visit {
                let ours = planned.iter().find(|p| p.visit == Some(Visit::Service(j))).expect("the job is in a loop");
                assert_eq!(**ours, *row, "day {}: {j}", day.day);
            }
        }
        assert_eq!(plan.routes.iter().map(|r| r.distance).sum::<milkrun::Distance>(), report.distance);
        // Loops of one vehicle follow each other in time.
        for pair in plan.routes.windows(2) {
            if (pair[0].vehicle_type, pair[0].vehicle) == (pair[1].vehicle_type, pair[1].vehicle) {
                let back = pair[0].timetable.last().expect("an end row").arrival;
                let leave = pair[1].timetable[0].departure;
                assert!(back < leave, "day {}: loop leaves at {leave} before the previous is back at {back}", day.day);
            }
        }
    }
}

#[test]
fn demo_loops_respect_capacity_shift_and_dock_windows() {
    let (scenario, weekly) = demo_plan();
    let plant = scenario.network.site(SiteId(0));
    for (day, plan) in weekly.days.iter().zip(&weekly.plan.days) {
        for route in &plan.routes {
            let vt = day.problem.vehicle_type(route.vehicle_type);
            // Load recomputed from the jobs, not from the timetable: empties on board at the start.
            let mut load = Load::zero(2);
            for visit in &route.visits {
                if let Some(Job { kind: milkrun::model::JobKind::Service { delivery, .. }, .. }) =
                    visit.job().map(|j| day.problem.job(j))
                {
                    load.add_assign(delivery);
                }
            }
            assert!(load.fits_within(&vt.capacity), "day {}: empties {load} exceed {}", day.day, vt.capacity);
            for visit in &route.visits {
                if let Some(milkrun::model::JobKind::Service { delivery, pickup, .. }) =
                    visit.job().map(|j| &day.problem.job(j).kind)
                {
                    load.sub_assign(delivery);
                    load.add_assign(pickup);
                    assert!(load.fits_within(&vt.capacity), "day {}: load {load} exceeds {}", day.day, vt.capacity);
                }
            }
            let first = &route.timetable[0];
            let last = route.timetable.last().expect("an end row");
            assert!(first.departure >= vt.shift.open && last.arrival <= vt.shift.close);
            assert!(
                plant.windows.iter().any(|w| w.contains(last.arrival)),
                "day {}: back at the plant at {} while the docks are closed",
                day.day,
                last.arrival.hhmm()
            );
        }
    }
}

#[test]
fn demo_respects_calendars_and_patterns() {
    let (scenario, weekly) = demo_plan();
    let network = &scenario.network;
    let mut pickups = vec![0u32; network.sites().len()];
    for day in &weekly.days {
        for job in day.problem.jobs() {
            let site = job.stops()[0].site;
            assert!(network.site(site).calendar.is_open(day.day, Weekday::Mon), "{} on day {}", job.name, day.day);
            pickups[site.index()] += 1;
        }
    }
    for s in &scenario.demand.suppliers {
        let skipped = weekly.skipped.iter().filter(|k| k.supplier == s.site).count() as u32;
        let expected = s.pattern.visits_per_week * s.pattern.loops_per_day;
        assert_eq!(
            pickups[s.site.index()] + skipped * s.pattern.loops_per_day,
            expected,
            "{}",
            network.site(s.site).name
        );
    }
    assert_eq!(weekly.skipped.len(), 1);
    assert_eq!(weekly.skipped[0].day, 2);
    assert_eq!(weekly.skipped[0].reason, SkipReason::SupplierClosed);
    assert!(weekly.days[6].problem.jobs().is_empty(), "nothing on Sunday");
}

#[test]
fn same_input_same_plan() {
    let (_, a) = demo_plan();
    let (_, b) = demo_plan();
    assert_eq!(a, b);
}

#[test]
fn progress_is_reported_per_day() {
    let scenario = demo::automotive_week().expect("demo");
    let mut seen = Vec::new();
    let planner = WeeklyMilkRunPlanner::builder().build();
    planner
        .plan_with_progress(&scenario.network, &scenario.demand, &mut |p| seen.push((p.day, p.days)))
        .expect("plans");
    assert_eq!(seen, (0..7).map(|d| (d, 7)).collect::<Vec<_>>());
}

#[test]
fn bad_demand_is_an_error_naming_the_supplier() {
    let scenario = demo::automotive_week().expect("demo");
    let planner = WeeklyMilkRunPlanner::builder().build();
    let mut demand = scenario.demand.clone();
    demand.suppliers.push(SupplierDemand::new(SiteId(999), demand.suppliers[0].pattern, Load::new(vec![1, 1])));
    assert!(matches!(planner.plan(&scenario.network, &demand), Err(Error::InvalidDemand { .. })));
    let mut demand = scenario.demand.clone();
    demand.suppliers[3].pickup = Load::single(5);
    let err = planner.plan(&scenario.network, &demand).expect_err("wrong dimensions");
    assert!(err.to_string().contains("Crimmitschau"), "{err}");
}

#[test]
fn a_tiny_fleet_reports_what_it_cannot_serve() {
    let scenario = demo::automotive_week().expect("demo");
    let mut data = scenario.network.clone().into_data();
    data.vehicle_types[0].count = 1;
    data.vehicle_types[1].count = 0;
    let network = data.validate().expect("valid");
    let weekly = WeeklyMilkRunPlanner::builder().build().plan(&network, &scenario.demand).expect("plans");
    assert!(weekly.unassigned_count() > 0);
    for day in &weekly.days {
        let report = check_solution(&day.problem, &day.solution);
        // Only the jobs reported unassigned are missing; nothing else is broken.
        for v in &report.violations {
            match v {
                Violation::Unserved { job } => assert!(day.unassigned.iter().any(|u| u.job == *job)),
                other => panic!("day {}: {other}", day.day),
            }
        }
        assert!(day.unassigned.iter().all(|u| u.reason == UnassignedReason::NoVehicleLeft));
    }
}

/// A random small planar instance: a depot at the origin, pickups (and some deliveries) with
/// optional windows, a limited fleet that may reload.
fn instance() -> impl Strategy<Value = Problem> {
    let job = (0.0..100.0f64, 0.0..100.0f64, 0i64..8, 0i64..4, proptest::option::of((0i64..300, 20i64..200)), 0i64..15);
    (proptest::collection::vec(job, 1..12), 1u32..4, 8i64..15, proptest::bool::ANY, 200i64..800).prop_map(
        |(jobs, count, capacity, reload, shift_end)| {
            let mut sites = vec![Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 50.0, y: 50.0 })];
            let mut list = Vec::new();
            for (i, &(x, y, pickup, delivery, window, service)) in jobs.iter().enumerate() {
                sites.push(Site::new(format!("s{i}"), SiteKind::Supplier, Coordinates::Planar { x, y }));
                let mut stop = Stop::at(SiteId::from_index(i + 1)).service(Duration(service));
                if let Some((open, len)) = window {
                    stop = stop.window(TimeWindow::new(Duration(open), Duration(open + len)));
                }
                list.push(Job::delivery_and_pickup(
                    format!("j{i}"),
                    stop,
                    Load::single(delivery),
                    Load::single(pickup),
                ));
            }
            let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
            let mut vt = VehicleType::new("truck", count, Load::single(capacity), SiteId(0));
            vt.shift = TimeWindow::new(Duration(0), Duration(shift_end));
            if reload {
                vt.reload_sites = vec![SiteId(0)];
                vt.reload_time = Duration(5);
            }
            ProblemData {
                dimensions: vec!["units".into()],
                travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance)
                    .expect("finite"),
                sites,
                jobs: list,
                vehicle_types: vec![vt],
                ..ProblemData::default()
            }
            .validate()
            .expect("valid")
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the instance, the construction breaks no rule except leaving out the jobs it
    /// reports, each exactly once, and the same problem gives the same construction.
    #[test]
    fn savings_is_feasible_and_accounts_for_every_job(problem in instance()) {
        let savings = ClarkeWrightSavings::new().max_wait(Duration(50));
        let built = savings.solve(&problem);
        let report = check_solution(&problem, &built.solution);
        for v in &report.violations {
            match v {
                Violation::Unserved { job } => prop_assert!(built.unassigned.iter().any(|u| u.job == *job)),
                other => prop_assert!(false, "{}", other),
            }
        }
        let seen = visit_counts(&problem, &built.solution.routes);
        for (j, &times) in seen.iter().enumerate() {
            let reported = built.unassigned.iter().filter(|u| u.job.index() == j).count();
            prop_assert_eq!(times + reported, 1);
        }
        for (route, schedule) in report.routes.iter().zip(&built.schedules) {
            prop_assert_eq!(&route.timetable, &schedule.timetable);
            prop_assert_eq!(route.distance, schedule.distance);
        }
        prop_assert_eq!(savings.solve(&problem), built);
    }
}
