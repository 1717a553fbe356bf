use milkrun_model::{
    check_solution, Duration, Job, JobId, Load, Money, Route, SiteId, SkillId, Solution, Stop, TimeWindow, Violation,
    Visit,
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
