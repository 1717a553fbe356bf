//! Last-mile days: planning, tracking events, alerts and re-plans; own fleet or carriers.
//!
//! Every re-plan is re-checked here with `check_solution`; the property test drives random
//! days through random sequences of valid and invalid events.

use milkrun::cost::baseline::{RateCard, RateZone};
use milkrun::cost::carrier::{Carrier, Objective, Provider, RouteProvider};
use milkrun::cost::emissions::{route_emissions, CarrierRegistry, Co2ePerTonneKm, ConsumptionModel, Leg, VehicleClass};
use milkrun::cost::tariff::Tariff;
use milkrun::cost::CostError;
use milkrun::last_mile::{
    EtaAlert, EtaStatus, FailureReason, JobStatus, LastMileDay, LastMileOptions, LoadMass, OwnFleet, ReplanReport,
    StopOutcome, TrackingEvent, VehicleId,
};
use milkrun::model::{
    check_solution, Coordinates, Job, JobId, JobKind, Kilograms, Load, Money, Problem, ProblemData, Rounding, Route,
    Site, SiteId, SiteKind, Solution, Speed, Stop, TravelMatrix, VehicleType, Visit,
};
use milkrun::{demo, Distance, Duration, Error, TimeWindow};
use proptest::prelude::*;

/// SplitMix64 in `[0, 1)`.
struct Random(u64);

impl Random {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }
}

fn hours(h: f64) -> Duration {
    Duration((h * 3600.0).round() as i64)
}

/// A small day generated from `seed`: a depot, 8 to 14 customers within 8 km (10 m/s),
/// deliveries with two- to four-hour windows, a few returns, one or two shipments, 2 or 3
/// vans.
fn small_day(seed: u64) -> Problem {
    let mut rng = Random(seed);
    let n = 8 + rng.below(7);
    let mut sites = vec![Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 0.0, y: 0.0 })];
    for k in 0..n + 4 {
        let (x, y) = (16_000.0 * rng.unit() - 8000.0, 16_000.0 * rng.unit() - 8000.0);
        sites.push(Site::new(format!("c{k}"), SiteKind::Customer, Coordinates::Planar { x, y }));
    }
    let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
    let mut jobs = Vec::new();
    let window = |rng: &mut Random| {
        let open = 8.0 + 6.0 * rng.unit();
        TimeWindow::new(hours(open), hours(open + 2.0 + 2.0 * rng.unit()))
    };
    for k in 0..n {
        let stop = Stop::at(SiteId::from_index(k + 1))
            .service(Duration::minutes(2 + rng.below(4) as i64))
            .window(window(&mut rng));
        let load = Load::single(1 + rng.below(20) as i64);
        jobs.push(if rng.unit() < 0.75 {
            Job::delivery(format!("d{k}"), stop, load)
        } else {
            Job::pickup(format!("p{k}"), stop, load)
        });
    }
    for k in 0..1 + rng.below(2) {
        let pickup = Stop::at(SiteId::from_index(n + 1 + 2 * k)).service(Duration::minutes(3)).window(window(&mut rng));
        let w = pickup.windows[0];
        let delivery = Stop::at(SiteId::from_index(n + 2 + 2 * k))
            .service(Duration::minutes(3))
            .window(TimeWindow::new(w.open, w.close + Duration::hours(3)));
        jobs.push(Job::shipment(format!("s{k}"), pickup, delivery, Load::single(3)));
    }
    let mut van = VehicleType::new("van", 2 + rng.below(2) as u32, Load::single(80), SiteId(0));
    van.shift = TimeWindow::new(Duration::hours(7), Duration::hours(20));
    ProblemData {
        name: format!("small day {seed}"),
        dimensions: vec!["kg".into()],
        travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(10.0)).expect("finite"),
        sites,
        jobs,
        vehicle_types: vec![van],
        ..ProblemData::default()
    }
    .validate()
    .expect("the small day validates")
}

fn demo_day() -> LastMileDay {
    let problem = demo::last_mile_day().expect("the demo day validates");
    LastMileDay::plan(problem, LastMileOptions::default(), 3, 300).expect("the demo day plans")
}

/// The first remaining stop of the first vehicle that has one, and its vehicle.
fn some_stop(day: &LastMileDay) -> (VehicleId, Visit, Duration) {
    let (v, stop) = day
        .vehicles()
        .iter()
        .enumerate()
        .find_map(|(v, vehicle)| vehicle.remaining.first().map(|s| (v, s)))
        .expect("a stop left");
    (VehicleId(v as u32), stop.visit, stop.eta)
}

fn assert_etas_not_before_now(day: &LastMileDay) {
    for (v, vehicle) in day.vehicles().iter().enumerate() {
        for stop in &vehicle.remaining {
            assert!(
                stop.arrival >= day.now(),
                "vehicle {v}: {:?} arrives at {} before {}",
                stop.visit,
                stop.arrival,
                day.now()
            );
            assert!(stop.eta >= stop.arrival);
        }
    }
}

fn assert_checked(report: &ReplanReport) {
    let check = check_solution(&report.problem, &report.solution);
    assert!(check.is_feasible(), "re-plan rejected: {:?}", check.violations);
    assert_eq!(report.jobs.len(), report.problem.jobs().len());
}

/// The module's doc example, run here too.
#[test]
fn module_doc_example() -> Result<(), Box<dyn std::error::Error>> {
    let mut sites = vec![Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 0.0, y: 0.0 })];
    for (k, (x, y)) in
        [(3e3, 1e3), (6e3, 2e3), (5e3, -4e3), (-2e3, 5e3), (-6e3, 1e3), (-3e3, -5e3)].into_iter().enumerate()
    {
        sites.push(Site::new(format!("customer {k}"), SiteKind::Customer, Coordinates::Planar { x, y }));
    }
    let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
    let window = TimeWindow::new(Duration::hours(8), Duration::hours(12));
    let stop = |s: u32| Stop::at(SiteId(s)).service(Duration::minutes(4)).window(window);
    let mut jobs: Vec<Job> = (1..=5).map(|s| Job::delivery(format!("parcel {s}"), stop(s), Load::single(20))).collect();
    jobs.push(Job::pickup("return 6", stop(6), Load::single(10)));
    jobs.push(Job::shipment("flowers 1 -> 4", stop(1), stop(4), Load::single(5)));
    let mut van = VehicleType::new("van", 2, Load::single(100), SiteId(0));
    van.shift = TimeWindow::new(Duration::hours(7), Duration::hours(14));
    let problem = ProblemData {
        name: "tiny day".into(),
        dimensions: vec!["kg".into()],
        travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(10.0))?,
        sites,
        jobs,
        vehicle_types: vec![van],
        ..ProblemData::default()
    }
    .validate()?;

    let mut day = LastMileDay::plan(problem, LastMileOptions::default(), 7, 200)?;
    let van0 = VehicleId(0);
    let first = day.vehicle(van0).and_then(|v| v.remaining.first()).map(|s| (s.visit, s.eta)).ok_or("empty")?;

    let mut alerts = Vec::new();
    let done_at = first.1 + Duration::minutes(9);
    day.apply(&TrackingEvent::StopDone { vehicle: van0, visit: first.0, at: done_at }, |a| alerts.push(a.clone()))?;
    day.apply(&TrackingEvent::Delay { vehicle: van0, at: done_at, extra: Duration::minutes(40) }, |a| {
        alerts.push(a.clone())
    })?;
    assert!(day.vehicles().iter().flat_map(|v| &v.remaining).all(|s| s.eta >= day.now()));

    let before = day.clone();
    assert!(day.apply(&TrackingEvent::StopDone { vehicle: van0, visit: first.0, at: done_at }, |_| {}).is_err());
    assert_eq!(day, before);

    let report = day.replan(7, 200, |a| alerts.push(a.clone()))?;
    assert!(check_solution(&report.problem, &report.solution).is_feasible());
    assert_eq!(day.vehicle(van0).map(|v| v.done[0].visit), Some(first.0));
    Ok(())
}

#[test]
fn the_demo_day_plans_every_job_and_the_same_seed_gives_the_same_day() {
    let day = demo_day();
    let problem = day.problem();
    assert_eq!(problem.jobs().len(), 56);
    assert!(day.job_statuses().iter().all(|s| matches!(s, JobStatus::Planned { .. })), "every demo job is routed");
    let report = check_solution(problem, &day.current_solution());
    assert!(report.is_feasible(), "{:?}", report.violations);
    // Promises hold the planned ETA and lie inside the stop's own window.
    for vehicle in day.vehicles() {
        assert!(!vehicle.started);
        for stop in &vehicle.remaining {
            assert!(stop.promised.contains(stop.eta));
            assert_eq!(stop.status, EtaStatus::OnTime);
            let job = problem.job(stop.visit.job().expect("a job"));
            let own = job.stops().iter().find(|s| s.site == stop.site).map(|s| s.windows.clone()).unwrap_or_default();
            assert!(own.iter().any(|w| w.open <= stop.promised.open && stop.promised.close <= w.close));
        }
    }
    let again = demo_day();
    assert_eq!(day, again);
}

#[test]
fn bad_events_get_typed_errors_and_change_nothing() {
    let mut day = demo_day();
    let (vehicle, visit, eta) = some_stop(&day);
    day.apply(&TrackingEvent::StopDone { vehicle, visit, at: eta + Duration::minutes(3) }, |_| {}).expect("valid");
    let now = day.now();
    let before = day.clone();
    let other_visit = day
        .vehicles()
        .iter()
        .enumerate()
        .filter(|(v, _)| *v != vehicle.index())
        .find_map(|(_, vehicle)| vehicle.remaining.first().map(|s| s.visit))
        .expect("another van has stops");
    let delivery_first = day
        .job_statuses()
        .iter()
        .enumerate()
        .find(|(j, _)| matches!(day.problem().jobs()[*j].kind, JobKind::Shipment { .. }))
        .map(|(j, _)| JobId::from_index(j))
        .expect("a shipment");
    let shipment_van = match day.job_status(delivery_first) {
        Some(JobStatus::Planned { vehicle }) => vehicle,
        other => panic!("shipment not planned: {other:?}"),
    };
    type Expected = fn(&Error) -> bool;
    let cases: Vec<(TrackingEvent, Expected)> = vec![
        (TrackingEvent::Position { vehicle: VehicleId(99), at: now, site: SiteId(0) }, |e| {
            matches!(e, Error::UnknownVehicle { .. })
        }),
        (TrackingEvent::Delay { vehicle, at: now - Duration(1), extra: Duration::minutes(5) }, |e| {
            matches!(e, Error::TimeWentBackwards { .. })
        }),
        (TrackingEvent::StopDone { vehicle, visit, at: now + Duration::minutes(1) }, |e| {
            matches!(e, Error::StopAlreadyDone { .. })
        }),
        (TrackingEvent::StopFailed { vehicle, visit, at: now, reason: FailureReason::Refused }, |e| {
            matches!(e, Error::StopAlreadyDone { .. })
        }),
        (TrackingEvent::StopDone { vehicle, visit: other_visit, at: now }, |e| {
            matches!(e, Error::StopNotOnRoute { .. })
        }),
        (TrackingEvent::StopDone { vehicle, visit: Visit::Service(JobId(9999)), at: now }, |e| {
            matches!(e, Error::UnknownJob { .. })
        }),
        (TrackingEvent::StopDone { vehicle, visit: Visit::Reload(SiteId(0)), at: now }, |e| {
            matches!(e, Error::StopNotOnRoute { .. })
        }),
        (TrackingEvent::Position { vehicle, at: now, site: SiteId(9999) }, |e| matches!(e, Error::UnknownSite { .. })),
        (TrackingEvent::Delay { vehicle, at: now, extra: Duration(-60) }, |e| matches!(e, Error::InvalidInput { .. })),
        (TrackingEvent::StopDone { vehicle: shipment_van, visit: Visit::Delivery(delivery_first), at: now }, |e| {
            matches!(e, Error::NotPickedUp { .. })
        }),
    ];
    for (event, expected) in cases {
        let err = day.apply(&event, |_| panic!("no alert on a refused event")).expect_err("refused");
        assert!(expected(&err), "{event:?} gave {err}");
        assert_eq!(day, before, "{event:?} changed the day");
    }
    // Requests are checked the same way.
    assert!(matches!(day.advance_to(now - Duration(1), |_| {}), Err(Error::TimeWentBackwards { .. })));
    let delivery = Job::delivery("late parcel", Stop::at(SiteId(1)), Load::single(1));
    assert!(matches!(day.add_job(delivery, now, |_| {}), Err(Error::InvalidInput { .. })));
    let nowhere = Job::pickup("nowhere", Stop::at(SiteId(9999)), Load::single(1));
    assert!(matches!(day.add_job(nowhere, now, |_| {}), Err(Error::Model(_))));
    assert!(matches!(day.cancel_job(JobId(9999), now, |_| {}), Err(Error::UnknownJob { .. })));
    let done_job = visit.job().expect("a job");
    assert!(matches!(day.cancel_job(done_job, now, |_| {}), Err(Error::JobClosed { .. })));
    assert_eq!(day, before);
}

#[test]
fn a_failed_stop_is_final_and_its_goods_stay_on_board() {
    let mut day = demo_day();
    let (vehicle, visit, eta) = some_stop(&day);
    let job = visit.job().expect("a job");
    let on_board = day.vehicle(vehicle).expect("vehicle").on_board.clone();
    let at = eta + Duration::minutes(2);
    day.apply(&TrackingEvent::StopFailed { vehicle, visit, at, reason: FailureReason::CustomerAbsent }, |_| {})
        .expect("valid");
    let van = day.vehicle(vehicle).expect("vehicle");
    assert_eq!(van.on_board, on_board, "nothing unloaded");
    assert_eq!(van.done.last().map(|d| d.outcome), Some(StopOutcome::Failed(FailureReason::CustomerAbsent)));
    assert_eq!(day.job_status(job), Some(JobStatus::Failed { vehicle, at, reason: FailureReason::CustomerAbsent }));
    let report = day.replan(1, 100, |_| {}).expect("re-plans");
    assert_checked(&report);
    assert!(!report.jobs.contains(&job), "a failed job is not re-attempted");
    assert!(day.vehicles().iter().flat_map(|v| &v.remaining).all(|s| s.visit.job() != Some(job)));
}

#[test]
fn alerts_fire_once_per_change_of_status() {
    let mut day = demo_day();
    let (vehicle, visit, eta) = some_stop(&day);
    day.apply(&TrackingEvent::StopDone { vehicle, visit, at: eta }, |_| {}).expect("valid");
    let mut alerts: Vec<EtaAlert> = Vec::new();
    day.apply(&TrackingEvent::Delay { vehicle, at: eta, extra: Duration::hours(1) }, |a| alerts.push(a.clone()))
        .expect("valid");
    assert!(!alerts.is_empty(), "an hour's delay breaks a promise");
    assert!(alerts
        .iter()
        .all(|a| a.vehicle == vehicle && a.status == EtaStatus::Late && a.previous == EtaStatus::OnTime));
    let late = day.vehicles()[vehicle.index()].remaining.iter().filter(|s| s.status == EtaStatus::Late).count();
    assert_eq!(alerts.len(), late);
    // Nothing changes status on a zero delay: no alert.
    let mut again = 0;
    day.apply(&TrackingEvent::Delay { vehicle, at: eta, extra: Duration::ZERO }, |_| again += 1).expect("valid");
    assert_eq!(again, 0);
    assert_etas_not_before_now(&day);
}

#[test]
fn a_new_job_is_placed_by_the_next_replan_and_promises_are_kept() {
    let mut day = demo_day();
    let at = Duration::hours(10);
    day.advance_to(at, |_| {}).expect("valid");
    let window = TimeWindow::new(at, at + Duration::hours(3));
    let urgent = Job::shipment(
        "urgent",
        Stop::at(SiteId(0)).service(Duration::minutes(5)).window(window),
        Stop::at(SiteId(5)).service(Duration::minutes(3)).window(window),
        Load::single(1),
    );
    let id = day.add_job(urgent, at, |_| {}).expect("valid");
    assert_eq!(day.job_status(id), Some(JobStatus::Open));
    let before = day.clone();
    let report = day.replan(5, 200, |_| {}).expect("re-plans");
    assert_checked(&report);
    assert_eq!(report.placed, vec![id]);
    assert!(matches!(day.job_status(id), Some(JobStatus::Planned { .. })));
    assert_promises_kept(&before, &day);
    // Same day, same seed, same re-plan.
    let mut twin = before.clone();
    assert_eq!(twin.replan(5, 200, |_| {}).expect("re-plans"), report);
    assert_eq!(twin, day);
}

#[test]
fn cancelled_jobs_leave_the_routes() {
    let mut day = demo_day();
    let (_, visit, _) = some_stop(&day);
    let job = visit.job().expect("a job");
    day.cancel_job(job, Duration::hours(7), |_| {}).expect("valid");
    assert!(matches!(day.job_status(job), Some(JobStatus::Cancelled { .. })));
    assert!(day.vehicles().iter().flat_map(|v| &v.remaining).all(|s| s.visit.job() != Some(job)));
    let before = day.clone();
    assert!(matches!(day.cancel_job(job, Duration::hours(7), |_| {}), Err(Error::JobClosed { .. })));
    assert_eq!(day, before);
}

#[test]
fn plans_the_checker_rejects_are_refused() {
    let problem = demo::last_mile_day().expect("the demo day validates");
    let day = LastMileDay::plan(problem.clone(), LastMileOptions::default(), 3, 100).expect("plans");
    let mut solution = day.current_solution();
    solution.routes[0].visits.reverse();
    solution.routes[0].departure = None;
    assert!(matches!(
        LastMileDay::new(problem.clone(), &solution, LastMileOptions::default()),
        Err(Error::CheckFailed { .. })
    ));
    let mut data = problem.into_data();
    data.linehauls_before_backhauls = true;
    let vrpb = data.validate().expect("validates");
    assert!(matches!(LastMileDay::plan(vrpb, LastMileOptions::default(), 3, 100), Err(Error::InvalidInput { .. })));
    let mut data = demo::last_mile_day().expect("the demo day validates").into_data();
    data.vehicle_types[0].breaks =
        vec![milkrun::model::BreakRule::after_driving(Duration::minutes(45), Duration::hours(4))];
    let with_breaks = data.validate().expect("validates");
    let err = LastMileDay::plan(with_breaks, LastMileOptions::default(), 3, 100).unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { reason, .. } if reason.contains("driver breaks")), "{err}");
}

/// Every stop routed before and after a re-plan starts no later than the end of its promise
/// or, if it was already later, than its ETA before.
fn assert_promises_kept(before: &LastMileDay, after: &LastMileDay) {
    let eta_before = |visit: Visit| {
        before.vehicles().iter().flat_map(|v| &v.remaining).find(|s| s.visit == visit).map(|s| (s.eta, s.promised))
    };
    for stop in after.vehicles().iter().flat_map(|v| &v.remaining) {
        if let Some((eta, promised)) = eta_before(stop.visit) {
            assert_eq!(stop.promised, promised, "{:?}: a promise never changes", stop.visit);
            assert!(
                stop.eta <= promised.close.max(eta),
                "{:?}: ETA {} after the re-plan, promised {:?}, ETA before {}",
                stop.visit,
                stop.eta,
                promised,
                eta
            );
        }
    }
}

/// One valid step of a random day; a re-plan returns its report.
fn step(day: &mut LastMileDay, rng: &mut Random, replan_seed: u64) -> Result<Option<ReplanReport>, Error> {
    let n = day.vehicles().len();
    let v = rng.below(n);
    let vehicle = VehicleId(v as u32);
    let now = day.now();
    let later = now + Duration::minutes(rng.below(20) as i64);
    // Mostly the next stop, sometimes another one (drivers change the order), never a
    // shipment's delivery before its pickup.
    let remaining = &day.vehicles()[v].remaining;
    let k = if rng.unit() < 0.7 { 0 } else { rng.below(remaining.len().max(1)) };
    let next = remaining
        .get(k)
        .filter(|s| match s.visit {
            Visit::Delivery(j) => matches!(day.job_status(j), Some(JobStatus::PickedUp { .. })),
            _ => true,
        })
        .or(remaining.first())
        .map(|s| (s.visit, s.eta));
    match rng.below(12) {
        0..=3 => match next {
            Some((visit, eta)) => {
                let at = eta.max(now) + Duration::minutes(rng.below(10) as i64);
                day.apply(&TrackingEvent::StopDone { vehicle, visit, at }, |_| {}).map(|()| None)
            }
            None => day.apply(&TrackingEvent::Position { vehicle, at: later, site: SiteId(0) }, |_| {}).map(|()| None),
        },
        4 => match next {
            Some((visit, eta)) => {
                let event =
                    TrackingEvent::StopFailed { vehicle, visit, at: eta.max(now), reason: FailureReason::Other };
                day.apply(&event, |_| {}).map(|()| None)
            }
            None => Ok(None),
        },
        5 => {
            let extra = Duration::minutes(rng.below(60) as i64);
            day.apply(&TrackingEvent::Delay { vehicle, at: later, extra }, |_| {}).map(|()| None)
        }
        6 => {
            let site = SiteId::from_index(rng.below(day.problem().sites().len()));
            day.apply(&TrackingEvent::Position { vehicle, at: later, site }, |_| {}).map(|()| None)
        }
        7 => day.advance_to(later, |_| {}).map(|()| None),
        8 => {
            let site = SiteId::from_index(1 + rng.below(day.problem().sites().len() - 1));
            let window = TimeWindow::new(later, later + Duration::hours(2 + rng.below(3) as i64));
            let job =
                Job::pickup("new return", Stop::at(site).service(Duration::minutes(2)).window(window), Load::single(2));
            day.add_job(job, later, |_| {}).map(|_| None)
        }
        9 => {
            let open: Vec<usize> =
                day.job_statuses().iter().enumerate().filter(|(_, s)| !s.is_closed()).map(|(j, _)| j).collect();
            if open.is_empty() {
                return Ok(None);
            }
            let job = JobId::from_index(open[rng.below(open.len())]);
            day.cancel_job(job, later, |_| {}).map(|()| None)
        }
        _ => day.replan(replan_seed, 60, |_| {}).map(Some),
    }
}

/// An event that must be refused, from `rng`: unknown vehicle, time going backwards, a stop
/// done twice, a stop not on the vehicle's route.
fn bad_event(day: &LastMileDay, rng: &mut Random) -> Option<TrackingEvent> {
    let now = day.now();
    let n = day.vehicles().len();
    match rng.below(4) {
        0 => Some(TrackingEvent::Position { vehicle: VehicleId(n as u32 + 1), at: now, site: SiteId(0) }),
        1 => (now > Duration::ZERO).then(|| TrackingEvent::Delay {
            vehicle: VehicleId(0),
            at: now - Duration(1),
            extra: Duration::ZERO,
        }),
        2 => day.vehicles().iter().enumerate().find_map(|(v, vehicle)| {
            vehicle.done.last().map(|d| TrackingEvent::StopDone {
                vehicle: VehicleId(v as u32),
                visit: d.visit,
                at: now,
            })
        }),
        _ => day.vehicles().iter().enumerate().find_map(|(v, vehicle)| {
            let other = (v + 1) % n;
            vehicle.remaining.first().filter(|_| other != v).map(|s| TrackingEvent::StopDone {
                vehicle: VehicleId(other as u32),
                visit: s.visit,
                at: now,
            })
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the day and the events: done stops stay done and in order, every re-plan
    /// passes the checker and keeps its promises, ETAs never precede the clock, and refused
    /// events change nothing.
    #[test]
    fn days_stay_consistent_through_events_and_replans(seed in any::<u64>()) {
        let problem = small_day(seed);
        let mut day = LastMileDay::plan(problem, LastMileOptions::default().late_grace(Duration::minutes(15)), seed, 80)
            .expect("the small day plans");
        let mut rng = Random(seed ^ 0x5EED);
        assert_etas_not_before_now(&day);
        let (mut replans, mut refused) = (0, 0);
        for k in 0..60u64 {
            if rng.unit() < 0.2 {
                if let Some(event) = bad_event(&day, &mut rng) {
                    let before = day.clone();
                    prop_assert!(day.apply(&event, |_| {}).is_err(), "{:?} accepted", event);
                    prop_assert_eq!(&day, &before);
                    refused += 1;
                }
                continue;
            }
            let before = day.clone();
            match step(&mut day, &mut rng, seed.wrapping_add(k)) {
                Ok(report) => {
                    for (old, new) in before.vehicles().iter().zip(day.vehicles()) {
                        prop_assert!(new.done.len() >= old.done.len());
                        prop_assert_eq!(&new.done[..old.done.len()], &old.done[..], "a done stop changed");
                    }
                    if let Some(report) = report {
                        replans += 1;
                        assert_checked(&report);
                        assert_promises_kept(&before, &day);
                    }
                    for (j, status) in before.job_statuses().iter().enumerate() {
                        if status.is_closed() {
                            prop_assert_eq!(Some(*status), day.job_status(JobId::from_index(j)));
                        }
                    }
                    assert_etas_not_before_now(&day);
                    // Goods stay on their vehicle.
                    for (v, vehicle) in day.vehicles().iter().enumerate() {
                        for stop in &vehicle.remaining {
                            let job = stop.visit.job().expect("a job");
                            if let Some(holder) = day.loaded_on(job) {
                                prop_assert_eq!(holder.index(), v, "{:?} left the vehicle holding it", stop.visit);
                            }
                        }
                    }
                }
                Err(e) => {
                    // Every step is valid: a refusal (a re-plan the checker rejects) is a bug.
                    prop_assert_eq!(&day, &before, "a refused step changed the day");
                    prop_assert!(false, "a valid step was refused: {}", e);
                }
            }
        }
        let done: usize = day.vehicles().iter().map(|v| v.done.len()).sum();
        eprintln!("seed {seed}: {replans} re-plans, {refused} refused events, {done} stops finished");
    }
}

// Own fleet or carriers.

/// A rate card from `(up_to m, per_kg, minimum)` zones.
fn rate_card(zones: &[(i64, f64, i64)], fuel_surcharge: f64, intensity: f64) -> RateCard {
    RateCard {
        zones: zones
            .iter()
            .map(|&(up_to, per_kg, minimum)| RateZone { up_to: Distance(up_to), per_kg, minimum: Money(minimum) })
            .collect(),
        fuel_surcharge,
        intensity: Co2ePerTonneKm(intensity),
        ttw_share: 0.8,
    }
}

fn carrier(name: &str, zones: &[(i64, f64, i64)], fuel_surcharge: f64, intensity: f64) -> Carrier {
    Carrier::new(name, rate_card(zones, fuel_surcharge, intensity)).expect("a valid card")
}

/// A parcel service with three zones and a cleaner e-cargo bike that goes 8 km at most.
fn parcel_and_bike() -> [Carrier; 2] {
    [
        carrier("Parcel", &[(5_000, 45.0, 1_100), (10_000, 55.0, 1_300), (25_000, 70.0, 1_600)], 0.18, 0.95),
        carrier("Bike", &[(4_000, 40.0, 1_000), (8_000, 50.0, 1_500)], 0.0, 0.06),
    ]
}

fn van_tariff() -> Tariff {
    Tariff { fixed_per_day: Money(9_000), per_km: 35.0, per_hour: 2_800.0, ..Tariff::default() }
}

fn van_model() -> ConsumptionModel {
    ConsumptionModel::Linear(VehicleClass::Van.linear_model())
}

/// The objective's key of a priced option, compared lexicographically (the oracle's own).
fn key(objective: Objective, cost: Money, wtw: f64) -> (f64, f64, f64) {
    match objective {
        Objective::Cost => (cost.get() as f64, wtw, 0.0),
        Objective::Co2e => (wtw, cost.get() as f64, 0.0),
        Objective::Weighted { carbon_price } => (cost.get() as f64 + carbon_price * wtw, wtw, cost.get() as f64),
    }
}

#[test]
fn the_route_goes_to_the_better_of_own_fleet_and_carriers_and_every_job_is_priced() {
    let day = demo_day();
    let problem = day.problem();
    let (tariff, model, energy) = (van_tariff(), van_model(), CarrierRegistry::default());
    let fleet = OwnFleet { tariff: &tariff, vehicle: &model, energy: &energy, mass: LoadMass::kilograms(0) };
    let carriers = parcel_and_bike();
    let plan = day.current_solution();
    let checked = check_solution(problem, &plan);
    let mut seen_carriers = false;
    let mut seen_own = false;
    for objective in [Objective::Cost, Objective::Co2e, Objective::Weighted { carbon_price: 20.0 }] {
        let options = day.carrier_options(&fleet, &carriers, objective).expect("priced");
        assert_eq!(options.len(), day.vehicles().len());
        for (k, r) in options.iter().enumerate() {
            assert_eq!(r.vehicle, VehicleId(k as u32));
            // Every job of the route, once, as a shipment of its kg from the depot.
            let mut jobs: Vec<JobId> = plan.routes[k].visits.iter().filter_map(|v| v.job()).collect();
            jobs.sort_unstable();
            jobs.dedup();
            let mut listed = r.jobs.clone();
            listed.sort_unstable();
            assert_eq!(listed, jobs, "vehicle {k}: every job of the route, once");
            assert_eq!(r.shipments.iter().map(|s| JobId(s.id)).collect::<Vec<_>>(), r.jobs);
            for s in &r.shipments {
                let job = problem.job(JobId(s.id));
                if let JobKind::Service { stop, delivery, pickup } = &job.kind {
                    assert_eq!(s.mass.0, (delivery.amounts()[0] + pickup.amounts()[0]) as f64);
                    if pickup.is_zero() {
                        assert_eq!(s.distance, problem.travel().distance(0, stop.site.index()));
                    }
                }
            }
            // The own fleet: the checker's distance, the tariff's charges, the day's fixed charge.
            assert_eq!(r.usage.distance, checked.routes[k].distance);
            assert_eq!(r.cost.distance, Money((r.usage.distance.get() as f64 / 1000.0 * 35.0).round() as i64));
            assert_eq!(r.cost.total, Money(9_000) + r.cost.distance + r.cost.time);
            assert!(r.usage.duration <= checked.routes[k].duration);
            assert_eq!(r.route.own_fleet.cost, r.cost.total);
            // The carriers: each job at its best quote, recomputed here.
            let sel = r.route.carriers.as_ref().expect("every demo job is within the parcel zones");
            let mut total = Money(0);
            for (s, choice) in r.shipments.iter().zip(&sel.shipments) {
                let best = carriers
                    .iter()
                    .filter_map(|c| c.quote(s).expect("valid").priced().copied())
                    .min_by(|a, b| {
                        key(objective, a.cost, a.emissions.wtw.kg())
                            .partial_cmp(&key(objective, b.cost, b.emissions.wtw.kg()))
                            .expect("finite")
                    })
                    .expect("a carrier takes it");
                assert_eq!(choice.cost, best.cost);
                total += best.cost;
            }
            assert_eq!(sel.cost, total);
            // The route-level choice is the better of the two totals.
            let own = key(objective, r.route.own_fleet.cost, r.route.own_fleet.emissions.wtw.kg());
            let handed = key(objective, sel.cost, sel.emissions.wtw.kg());
            let expected = if handed < own { RouteProvider::Carriers } else { RouteProvider::OwnFleet };
            assert_eq!(r.chosen(), expected, "vehicle {k}, {objective:?}");
            seen_carriers |= expected == RouteProvider::Carriers;
            seen_own |= expected == RouteProvider::OwnFleet;
            // Job by job, the own fleet is always an option and never beaten by a worse one.
            for choice in &r.per_job.shipments {
                let own = choice.own_fleet.expect("an own-fleet offer for every job");
                assert!(
                    key(objective, choice.cost, choice.emissions.wtw.kg())
                        <= key(objective, own.cost, own.emissions.wtw.kg())
                );
            }
        }
    }
    assert!(seen_carriers && seen_own, "the demo shows both answers");
}

#[test]
fn an_expensive_carrier_leaves_every_route_on_the_own_fleet() {
    let day = demo_day();
    let (tariff, model, energy) = (van_tariff(), van_model(), CarrierRegistry::default());
    let fleet = OwnFleet { tariff: &tariff, vehicle: &model, energy: &energy, mass: LoadMass::kilograms(0) };
    // 500.00 a parcel at least.
    let dear = [carrier("Dear", &[(50_000, 100.0, 50_000)], 0.1, 0.5)];
    let options = day.carrier_options(&fleet, &dear, Objective::Cost).expect("priced");
    assert!(options.iter().any(|r| !r.jobs.is_empty()));
    for r in &options {
        assert_eq!(r.chosen(), RouteProvider::OwnFleet);
        assert_eq!((r.route.cost, r.route.emissions), (r.cost.total, r.route.own_fleet.emissions));
        assert_eq!(r.jobs_to_carriers().count(), 0);
    }
}

#[test]
fn a_carrier_at_a_fraction_of_the_cost_takes_every_route() {
    let day = demo_day();
    let (tariff, model, energy) = (van_tariff(), van_model(), CarrierRegistry::default());
    let fleet = OwnFleet { tariff: &tariff, vehicle: &model, energy: &energy, mass: LoadMass::kilograms(0) };
    // 0.50 a parcel, whatever it weighs.
    let cheap = [carrier("Cheap", &[(50_000, 0.0, 50)], 0.0, 0.5)];
    for r in day.carrier_options(&fleet, &cheap, Objective::Cost).expect("priced") {
        if r.jobs.is_empty() {
            continue;
        }
        assert_eq!(r.chosen(), RouteProvider::Carriers);
        assert_eq!(r.route.cost, Money(50 * r.jobs.len() as i64));
        assert!(r.route.cost.get() * 10 < r.cost.total.get());
    }
}

#[test]
fn by_co2e_a_low_intensity_carrier_wins_and_by_cost_it_does_not() {
    let day = demo_day();
    let (tariff, model, energy) = (van_tariff(), van_model(), CarrierRegistry::default());
    let fleet = OwnFleet { tariff: &tariff, vehicle: &model, energy: &energy, mass: LoadMass::kilograms(0) };
    let clean = [carrier("Clean but dear", &[(50_000, 50.0, 5_000)], 0.0, 0.001)];
    let by_cost = day.carrier_options(&fleet, &clean, Objective::Cost).expect("priced");
    let by_co2e = day.carrier_options(&fleet, &clean, Objective::Co2e).expect("priced");
    for (c, e) in by_cost.iter().zip(&by_co2e).filter(|(c, _)| !c.jobs.is_empty()) {
        assert_eq!(c.chosen(), RouteProvider::OwnFleet);
        assert_eq!(e.chosen(), RouteProvider::Carriers);
        let own = e.emissions.as_ref().expect("a van that runs").emissions.wtw.kg();
        assert!(e.route.emissions.wtw.kg() < own);
        // Job by job too: every job goes by the clean carrier on CO2e... unless the route saves
        // nothing (or less) without it.
        for choice in &e.per_job.shipments {
            let saved = choice.own_fleet.expect("an offer").emissions.wtw.kg();
            let expected_carrier = choice.carriers[0].priced().expect("priced").emissions.wtw.kg() < saved;
            assert_eq!(matches!(choice.chosen, Provider::Carrier(0)), expected_carrier);
        }
    }
}

#[test]
fn bad_carrier_input_gets_typed_errors() {
    let day = demo_day();
    let (tariff, model, energy) = (van_tariff(), van_model(), CarrierRegistry::default());
    let fleet = OwnFleet { tariff: &tariff, vehicle: &model, energy: &energy, mass: LoadMass::kilograms(0) };
    let carriers = parcel_and_bike();
    for carbon_price in [-1.0, f64::NAN, f64::INFINITY] {
        let err = day.carrier_options(&fleet, &carriers, Objective::Weighted { carbon_price }).unwrap_err();
        assert!(matches!(err, Error::Cost(CostError::InvalidInput { .. })), "{err}");
        assert!(err.to_string().contains("carbon_price"), "{err}");
    }
    // A rate card without zones never becomes a carrier.
    let err = Carrier::new("Empty", rate_card(&[], 0.1, 0.1)).unwrap_err();
    assert!(matches!(&err, CostError::InvalidCarrier { carrier, .. } if carrier == "Empty"), "{err}");
    // The mass of the loads.
    for mass in [LoadMass::kilograms(1), LoadMass::per_unit(0, 0.0), LoadMass::per_unit(0, f64::NAN)] {
        let bad = OwnFleet { mass, ..fleet };
        let err = day.carrier_options(&bad, &carriers, Objective::Cost).unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
    }
    // A van model whose payload is below the load on board, a registry without its fuel.
    let mut small = VehicleClass::Van.linear_model();
    small.payload = Kilograms(50.0);
    let small = ConsumptionModel::Linear(small);
    let err = day.carrier_options(&OwnFleet { vehicle: &small, ..fleet }, &carriers, Objective::Cost).unwrap_err();
    assert!(matches!(err, Error::Cost(_)) && err.to_string().contains("payload"), "{err}");
    let none = CarrierRegistry::empty();
    let err = day.carrier_options(&OwnFleet { energy: &none, ..fleet }, &carriers, Objective::Cost).unwrap_err();
    assert!(matches!(err, Error::Cost(_)), "{err}");
    // No carrier: every route stays, every job on the own fleet.
    for r in day.carrier_options(&fleet, &[], Objective::Cost).expect("priced") {
        assert!(r.jobs.is_empty() || matches!(r.route.carriers, Err(CostError::Unserved { .. })));
        assert_eq!(r.chosen(), RouteProvider::OwnFleet);
    }
}

/// A depot, A at 10 km and B at 20 km east, both delivered by one van on a straight road.
#[test]
fn hand_computed_route_cost_emissions_and_marginal_offers() {
    let sites = vec![
        Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 0.0, y: 0.0 }),
        Site::new("A", SiteKind::Customer, Coordinates::Planar { x: 10_000.0, y: 0.0 }),
        Site::new("B", SiteKind::Customer, Coordinates::Planar { x: 20_000.0, y: 0.0 }),
    ];
    let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
    let mut van = VehicleType::new("van", 1, Load::single(1_000), SiteId(0));
    van.shift = TimeWindow::new(Duration::hours(6), Duration::hours(20));
    let problem = ProblemData {
        name: "straight road".into(),
        dimensions: vec!["kg".into()],
        travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(10.0)).expect("finite"),
        sites,
        jobs: vec![
            Job::delivery("to A", Stop::at(SiteId(1)), Load::single(100)),
            Job::delivery("to B", Stop::at(SiteId(2)), Load::single(50)),
        ],
        vehicle_types: vec![van],
        ..ProblemData::default()
    }
    .validate()
    .expect("validates");
    let (a, b) = (JobId(0), JobId(1));
    let route = Route {
        vehicle_type: milkrun::model::VehicleTypeId(0),
        visits: vec![Visit::Service(a), Visit::Service(b)],
        departure: None,
    };
    let day =
        LastMileDay::new(problem, &Solution { routes: vec![route], unassigned: vec![] }, LastMileOptions::default())
            .expect("a valid plan");
    // 1.00 per km, 50.00 a day; nothing per hour.
    let tariff = Tariff { fixed_per_day: Money(5_000), per_km: 100.0, ..Tariff::default() };
    let (model, energy) = (van_model(), CarrierRegistry::default());
    let fleet = OwnFleet { tariff: &tariff, vehicle: &model, energy: &energy, mass: LoadMass::per_unit(0, 2.0) };
    // 0.10 per kg + 10 %: A (200 kg) 22.00, B (100 kg) 11.00.
    let carriers = [carrier("C", &[(30_000, 10.0, 0)], 0.1, 0.1)];
    let options = day.carrier_options(&fleet, &carriers, Objective::Cost).expect("priced");
    let r = &options[0];
    assert_eq!(r.jobs, vec![a, b]);
    assert_eq!(r.shipments[0].distance, Distance(10_000));
    assert_eq!(r.shipments[1].distance, Distance(20_000));
    assert_eq!((r.shipments[0].mass, r.shipments[1].mass), (Kilograms(200.0), Kilograms(100.0)));
    // 40 km in 4000 s: 40.00 + 50.00.
    assert_eq!(
        (r.usage.distance, r.usage.duration, r.usage.waiting, r.usage.stops),
        (Distance(40_000), Duration(4_000), Duration(0), 2)
    );
    assert_eq!(r.cost.total, Money(9_000));
    // CO2e leg by leg with the load on board: 300 kg, 100 kg, empty.
    let legs = |l: &[(i64, f64)]| l.iter().map(|&(m, kg)| Leg::new(Distance(m), Kilograms(kg))).collect::<Vec<_>>();
    let wtw = |l: &[(i64, f64)]| route_emissions(&legs(l), &model, &energy).expect("valid").emissions.wtw.kg();
    let full = wtw(&[(10_000, 300.0), (10_000, 100.0), (20_000, 0.0)]);
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * y.abs().max(1.0);
    assert!(close(r.route.own_fleet.emissions.wtw.kg(), full));
    // Carriers: 33.00 against 90.00.
    assert_eq!((r.chosen(), r.route.cost), (RouteProvider::Carriers, Money(3_300)));
    // Without A the van still drives 40 km: it saves nothing but A's load; without B it saves
    // 20 km (20.00), more than B's 11.00 by carrier.
    let (oa, ob) = (r.per_job.shipments[0].own_fleet.expect("offer"), r.per_job.shipments[1].own_fleet.expect("offer"));
    assert_eq!((oa.cost, ob.cost), (Money(0), Money(2_000)));
    assert!(close(oa.emissions.wtw.kg(), full - wtw(&[(20_000, 100.0), (20_000, 0.0)])));
    assert!(close(ob.emissions.wtw.kg(), full - wtw(&[(10_000, 200.0), (10_000, 0.0)])));
    assert_eq!(r.per_job.shipments[0].chosen, Provider::OwnFleet);
    assert_eq!((r.per_job.shipments[1].chosen, r.per_job.shipments[1].cost), (Provider::Carrier(0), Money(1_100)));
    assert_eq!(r.jobs_to_carriers().map(|s| s.shipment).collect::<Vec<_>>(), vec![b.0]);
    // The van's only job saves the whole route, fixed charge included.
    let alone =
        Route { vehicle_type: milkrun::model::VehicleTypeId(0), visits: vec![Visit::Service(b)], departure: None };
    let day = LastMileDay::new(
        day.problem().clone(),
        &Solution { routes: vec![alone], unassigned: vec![a] },
        LastMileOptions::default(),
    )
    .expect("a valid plan");
    let r = &day.carrier_options(&fleet, &carriers, Objective::Cost).expect("priced")[0];
    assert_eq!(r.per_job.shipments[0].own_fleet.map(|o| o.cost), Some(Money(9_000)));
}

/// The doc example of `LastMileDay::carrier_options`, run here too.
#[test]
fn carrier_options_doc_example() -> Result<(), Box<dyn std::error::Error>> {
    let day = LastMileDay::plan(demo::last_mile_day()?, LastMileOptions::default(), 1, 100)?;
    let tariff = Tariff { fixed_per_day: Money(9_000), per_km: 35.0, per_hour: 2_800.0, ..Tariff::default() };
    let model = ConsumptionModel::Linear(VehicleClass::Van.linear_model());
    let energy = CarrierRegistry::default();
    // The demo's loads are in kg.
    let fleet = OwnFleet { tariff: &tariff, vehicle: &model, energy: &energy, mass: LoadMass::kilograms(0) };
    let parcel = Carrier::new(
        "Parcel",
        RateCard {
            zones: vec![RateZone { up_to: Distance(20_000), per_kg: 40.0, minimum: Money(900) }],
            fuel_surcharge: 0.15,
            intensity: Co2ePerTonneKm(0.6),
            ttw_share: 0.8,
        },
    )?;
    let options = day.carrier_options(&fleet, &[parcel], Objective::Cost)?;
    for van in &options {
        let by_carrier = van.route.carriers.as_ref().map(|s| s.cost).ok();
        // The route goes to the carriers only when they are cheaper.
        if van.chosen() == RouteProvider::Carriers {
            assert!(by_carrier.is_some_and(|c| c <= van.cost.total));
        }
    }
    Ok(())
}
