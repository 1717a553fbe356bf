use milkrun_model::{
    check_solution, BreakId, BreakRule, Duration, Job, JobId, Load, Money, Route, SiteId, SkillId, Solution, Stop,
    TimeWindow, Violation, Visit,
};

use crate::line_problem;

/// A solution with one route of vehicle type 0 through `visits`.
fn one_route(visits: Vec<Visit>) -> Solution {
    Solution { routes: vec![Route::new(milkrun_model::VehicleTypeId(0), visits)], unassigned: vec![] }
}

fn tw(open: i64, close: i64) -> TimeWindow {
    TimeWindow::new(Duration(open), Duration(close))
}

#[test]
fn distance_cost_and_load_profile() {
    // depot -> c1 (10) -> c2 (10) -> depot (20): 40 units; 2 units delivered.
    let mut data = line_problem(2);
    data.vehicle_types[0].fixed_cost = Money(100);
    let p = data.validate().unwrap();
    let s = one_route(vec![Visit::Service(JobId(0)), Visit::Service(JobId(1))]);
    let r = check_solution(&p, &s);
    assert!(r.is_feasible(), "{:?}", r.violations);
    assert_eq!(r.distance.get(), 40);
    assert_eq!(r.cost(), Money(140));
    let loads: Vec<i64> = r.routes[0].timetable.iter().map(|t| t.load_after.amounts()[0]).collect();
    assert_eq!(loads, vec![2, 1, 0, 0]);
}

#[test]
fn waiting_is_not_counted_in_the_shortest_duration() {
    // c1 opens at 100: leaving at 0 would wait 90; the shortest duration leaves at 90.
    let mut data = line_problem(1);
    if let milkrun_model::JobKind::Service { stop, .. } = &mut data.jobs[0].kind {
        stop.windows.push(tw(100, 200));
        stop.service = Duration(5);
    }
    data.vehicle_types[0].max_duration = Some(Duration(25));
    let p = data.validate().unwrap();
    let s = one_route(vec![Visit::Service(JobId(0))]);
    let r = check_solution(&p, &s);
    assert!(r.is_feasible(), "{:?}", r.violations);
    assert_eq!(r.routes[0].duration, Duration(25)); // 10 + 5 + 10
    assert_eq!(r.routes[0].wait, Duration(90));
    let c1 = &r.routes[0].timetable[1];
    assert_eq!((c1.arrival, c1.start, c1.departure), (Duration(10), Duration(100), Duration(105)));
}

#[test]
fn second_window_is_used_when_the_first_has_closed() {
    let mut data = line_problem(2);
    if let milkrun_model::JobKind::Service { stop, .. } = &mut data.jobs[1].kind {
        stop.windows = vec![tw(0, 5), tw(50, 60)];
    }
    let p = data.validate().unwrap();
    let s = one_route(vec![Visit::Service(JobId(0)), Visit::Service(JobId(1))]);
    let r = check_solution(&p, &s);
    assert!(r.is_feasible(), "{:?}", r.violations);
    assert_eq!(r.routes[0].timetable[2].start, Duration(50));
    // Arriving after the last window: late by arrival - 60.
    let mut late = p.clone().into_data();
    if let milkrun_model::JobKind::Service { stop, .. } = &mut late.jobs[1].kind {
        stop.windows = vec![tw(0, 5), tw(8, 12)];
    }
    let p = late.validate().unwrap();
    let v = check_solution(&p, &s).violations;
    assert_eq!(v, vec![Violation::TimeWindow { route: 0, job: JobId(1), arrival: Duration(20), late_by: Duration(8) }]);
}

#[test]
fn shipments_need_pickup_first_on_one_route_within_ride_time() {
    let mut data = line_problem(2);
    let mut ship = Job::shipment("s", Stop::at(SiteId(1)), Stop::at(SiteId(2)), Load::single(3));
    if let milkrun_model::JobKind::Shipment { max_ride, .. } = &mut ship.kind {
        max_ride.replace(Duration(10));
    }
    data.jobs = vec![ship];
    let p = data.validate().unwrap();
    let v0 = milkrun_model::VehicleTypeId(0);
    let ok = Solution {
        routes: vec![Route::new(v0, vec![Visit::Pickup(JobId(0)), Visit::Delivery(JobId(0))])],
        unassigned: vec![],
    };
    let r = check_solution(&p, &ok);
    assert!(r.is_feasible(), "{:?}", r.violations);
    let loads: Vec<i64> = r.routes[0].timetable.iter().map(|t| t.load_after.amounts()[0]).collect();
    assert_eq!(loads, vec![0, 3, 0, 0]);
    let reversed = Solution {
        routes: vec![Route::new(v0, vec![Visit::Delivery(JobId(0)), Visit::Pickup(JobId(0))])],
        unassigned: vec![],
    };
    assert!(check_solution(&p, &reversed)
        .violations
        .contains(&Violation::Shipment { job: JobId(0), reason: "delivery before pickup" }));
    let split = Solution {
        routes: vec![Route::new(v0, vec![Visit::Pickup(JobId(0))]), Route::new(v0, vec![Visit::Delivery(JobId(0))])],
        unassigned: vec![],
    };
    assert!(check_solution(&p, &split).violations.iter().any(|v| matches!(v, Violation::Shipment { .. })));
    // Ride time 10 is the limit; make the delivery wait... ride = arrival at delivery - departure from pickup = 10.
    let mut tight = p.clone().into_data();
    if let milkrun_model::JobKind::Shipment { max_ride, .. } = &mut tight.jobs[0].kind {
        max_ride.replace(Duration(9));
    }
    let p = tight.validate().unwrap();
    assert!(check_solution(&p, &ok).violations.iter().any(|v| matches!(v, Violation::MaxRide { .. })));
}

#[test]
fn skills_optional_jobs_and_bad_ids() {
    let mut data = line_problem(2);
    data.skills = vec!["tail-lift".into()];
    data.vehicle_types.push({
        let mut v = data.vehicle_types[0].clone();
        v.skills = vec![SkillId(0)];
        v
    });
    data.jobs[0] = data.jobs[0].clone().skills(&[SkillId(0)]);
    data.jobs[1] = data.jobs[1].clone().optional(Money(500));
    let p = data.validate().unwrap();
    let s = one_route(vec![Visit::Service(JobId(0)), Visit::Service(JobId(7))]);
    let r = check_solution(&p, &s);
    assert!(r.violations.iter().any(|v| matches!(v, Violation::Skills { job: JobId(0), .. })));
    assert!(r.violations.iter().any(|v| matches!(v, Violation::BadVisit { position: 1, .. })));
    assert_eq!(r.penalties, Money(500));
}

#[test]
fn shift_and_max_distance() {
    let mut data = line_problem(2);
    data.vehicle_types[0].shift = tw(0, 30);
    data.vehicle_types[0].max_distance = Some(milkrun_model::Distance(35));
    let p = data.validate().unwrap();
    let s = one_route(vec![Visit::Service(JobId(0)), Visit::Service(JobId(1))]);
    let v = check_solution(&p, &s).violations;
    assert!(v.iter().any(|v| matches!(v, Violation::Shift { route: 0, excess: Duration(10), .. })), "{v:?}");
    assert!(v.iter().any(|v| matches!(v, Violation::MaxDistance { route: 0, .. })), "{v:?}");
}

/// Breaks of the route's only break rule: (start, site) per timetable row of a break.
fn break_rows(r: &milkrun_model::CheckReport) -> Vec<(i64, SiteId)> {
    r.routes[0]
        .timetable
        .iter()
        .filter(|t| matches!(t.visit, Some(Visit::Break(_))))
        .map(|t| (t.start.get(), t.site))
        .collect()
}

#[test]
fn a_window_break_is_timed_where_the_vehicle_is_and_counted_in_the_duration() {
    // depot -> c1 (10) -> c2 (20) -> depot (40); lunch 25-40 for 15, taken after c2 from 25.
    let mut data = line_problem(2);
    data.vehicle_types[0].breaks = vec![BreakRule::in_window(Duration(15), tw(25, 40))];
    let p = data.validate().unwrap();
    let s = one_route(vec![Visit::Service(JobId(0)), Visit::Service(JobId(1)), Visit::Break(BreakId(0))]);
    let r = check_solution(&p, &s);
    assert!(r.is_feasible(), "{:?}", r.violations);
    assert_eq!(break_rows(&r), vec![(25, SiteId(2))]);
    // Waiting 20 -> 25 for the window is removed by leaving 5 later: 55, from 5 to 60.
    assert_eq!(r.routes[0].duration, Duration(55));
    assert_eq!(r.routes[0].timetable.last().unwrap().arrival, Duration(60));
}

#[test]
fn a_due_break_that_is_missing_late_or_unknown_is_reported() {
    let mut data = line_problem(2);
    data.vehicle_types[0].breaks = vec![BreakRule::in_window(Duration(15), tw(5, 12))];
    let p = data.validate().unwrap();
    let broken = |visits: Vec<Visit>| -> Vec<Violation> { check_solution(&p, &one_route(visits)).violations };
    let (c1, c2) = (Visit::Service(JobId(0)), Visit::Service(JobId(1)));
    // Back at 40, after the window opened at 5: the break is due.
    assert!(matches!(&broken(vec![c1, c2])[..], [Violation::Break { route: 0, rule: BreakId(0), .. }]));
    // Taken after c1 (from 10): fine; after c2 (at 20): started after the window closed at 12.
    assert!(broken(vec![c1, Visit::Break(BreakId(0)), c2]).is_empty());
    assert!(
        matches!(&broken(vec![c1, c2, Visit::Break(BreakId(0))])[..], [Violation::Break { reason, .. }] if reason.contains("after its window closed"))
    );
    // A rule the vehicle type does not have.
    assert!(matches!(
        &broken(vec![c1, Visit::Break(BreakId(3)), c2])[..],
        [Violation::BadVisit { position: 1, .. }, Violation::Break { .. }]
    ));
    // Nor one leaving after the window closed (from a later shift, or a given departure).
    let late = Solution {
        routes: vec![Route {
            departure: Some(Duration(13)),
            ..Route::new(milkrun_model::VehicleTypeId(0), vec![c1, c2])
        }],
        unassigned: vec![],
    };
    assert!(check_solution(&p, &late).is_feasible());
    // A route back before the window opens needs no break.
    let mut early = line_problem(1);
    early.vehicle_types[0].breaks = vec![BreakRule::in_window(Duration(15), tw(500, 600))];
    let early = early.validate().unwrap();
    assert!(check_solution(&early, &one_route(vec![Visit::Service(JobId(0))])).is_feasible());
}

#[test]
fn driving_too_long_without_a_break_is_reported() {
    // depot -> c1 -> c2 -> c3 -> depot: 10 + 10 + 10 + 30; at most 35 at the wheel, then 5 off.
    let mut data = line_problem(3);
    data.vehicle_types[0].breaks = vec![BreakRule::after_driving(Duration(5), Duration(35))];
    let p = data.validate().unwrap();
    let (c1, c2, c3) = (Visit::Service(JobId(0)), Visit::Service(JobId(1)), Visit::Service(JobId(2)));
    let r = check_solution(&p, &one_route(vec![c1, c2, c3]));
    assert!(
        matches!(&r.violations[..], [Violation::Break { reason, .. }] if reason.contains("drives 60")),
        "{:?}",
        r.violations
    );
    // A break after c3 restarts the count: 30 then 30.
    let r = check_solution(&p, &one_route(vec![c1, c2, c3, Visit::Break(BreakId(0))]));
    assert!(r.is_feasible(), "{:?}", r.violations);
    assert_eq!(r.routes[0].duration, Duration(65));
    // A shorter break does not count for a longer rule.
    let mut data = line_problem(3);
    data.vehicle_types[0].breaks =
        vec![BreakRule::after_driving(Duration(5), Duration(35)), BreakRule::in_window(Duration(2), tw(0, 1000))];
    let p = data.validate().unwrap();
    let r = check_solution(&p, &one_route(vec![c1, c2, c3, Visit::Break(BreakId(1))]));
    assert!(matches!(&r.violations[..], [Violation::Break { rule: BreakId(0), .. }]), "{:?}", r.violations);
}
