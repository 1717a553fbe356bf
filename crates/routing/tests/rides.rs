//! Maximum ride times of paired shipments: small instances where the limit decides the route,
//! and properties on random ones (checker-clean, repeatable, optimal on tiny ones).

use milkrun_model::{check_solution, Duration, JobId, Problem, Visit};
use milkrun_routing::{Solved, Solver, SolverConfig, UnassignedReason};
use proptest::prelude::*;

use crate::brute::{checked_and_repeatable, solved_to_optimality, warm_start_kept, with_shipments};
use crate::support::{brute_force, build, spec, with_ride_limits, ClientSpec, ShipmentSpec, Spec, Window};

/// One vehicle (fixed cost 10), the depot at (0, 0), plain clients `clients` (position,
/// window) and `shipments`.
fn one_vehicle(clients: &[((i32, i32), Window)], shipments: Vec<ShipmentSpec>) -> Spec {
    Spec {
        clients: clients
            .iter()
            .map(|&((x, y), window)| ClientSpec { x, y, delivery: 0, pickup: 0, window, penalty: None, service: 0 })
            .collect(),
        capacity: 10,
        second_type: None,
        shift_end: None,
        count: 1,
        asymmetric: false,
        open: false,
        duration_cost: 0,
        skilled: Vec::new(),
        vrpb: false,
        reloads: None,
        two_windows: false,
        shipments,
        breaks: Vec::new(),
    }
}

fn shipment(from: (i32, i32), to: (i32, i32), max_ride: Option<i64>) -> ShipmentSpec {
    ShipmentSpec { from, to, load: 1, windows: (None, None), penalty: None, service: 0, max_ride }
}

/// Solves `problem` with a few seeds; each answer is feasible, checker-clean and costs the
/// brute-force optimum. Returns the first.
fn solve_checked(problem: &Problem) -> Solved {
    let optimum = brute_force(problem);
    let mut answers = (0..4).map(|seed| {
        let solved = Solver::new(SolverConfig::default().seed(seed).max_iterations(200)).solve(problem).unwrap();
        let report = check_solution(problem, &solved.solution);
        assert!(solved.feasible && report.is_feasible(), "seed {seed}: {:?}", report.violations);
        assert_eq!(report.cost(), solved.cost.total);
        assert_eq!(Some(solved.cost.total.get()), optimum, "seed {seed}");
        solved
    });
    answers.next().unwrap()
}

/// Without its limit, the shipment rides along while the vehicle serves another client
/// (depot, pickup, s0, delivery, s1: 40); a limit of 12 (the direct trip takes 11, by s0 15)
/// makes the delivery come right after the pickup (depot, pickup, delivery, s0, s1: 46).
#[test]
fn a_ride_limit_delivers_right_after_the_pickup() {
    let clients = [((10, 10), None), ((0, 10), None)];
    let (pickup, delivery) = (Visit::Pickup(JobId(2)), Visit::Delivery(JobId(2)));
    let (s0, s1) = (Visit::Service(JobId(0)), Visit::Service(JobId(1)));

    let free = build(&one_vehicle(&clients, vec![shipment((10, 0), (5, 10), None)]));
    assert_eq!(brute_force(&free), Some(50));
    let solved = solve_checked(&free);
    assert_eq!(solved.solution.routes[0].visits, [pickup, s0, delivery, s1]);
    assert_eq!(solved.cost.total.get(), 50);

    let limited = build(&one_vehicle(&clients, vec![shipment((10, 0), (5, 10), Some(12))]));
    assert_eq!(brute_force(&limited), Some(56));
    let solved = solve_checked(&limited);
    assert_eq!(solved.solution.routes[0].visits, [pickup, delivery, s0, s1]);
    assert_eq!(solved.cost.total.get(), 56);
}

/// The shortest route (depot, pickup at (0, 10), s0 at (10, 10) opening at 50, delivery at
/// (10, 0): 40) keeps the shipment on board for 50 if it leaves at 0, waiting at s0; leaving
/// at 30 instead, it rides 20, within its limit of 25. Without that later departure only a
/// longer route (delivery before s0: 48) would be feasible.
#[test]
fn a_later_departure_keeps_a_ride_within_its_limit() {
    let spec = one_vehicle(&[((10, 10), Some((50, 60)))], vec![shipment((0, 10), (10, 0), Some(25))]);
    let problem = build(&spec);
    assert_eq!(brute_force(&problem), Some(50));
    let solved = solve_checked(&problem);
    let route = &solved.solution.routes[0];
    assert_eq!(route.visits, [Visit::Pickup(JobId(1)), Visit::Service(JobId(0)), Visit::Delivery(JobId(1))]);
    assert_eq!(route.departure, Some(Duration(30)));
    assert_eq!(solved.cost.total.get(), 50);
}

/// The push only removes the waiting between a pickup and its delivery: on the shortest route
/// (depot, pickup at (0, 10) opening at 30, s0 at (10, 15) opening at 60, delivery at
/// (20, 10), s1 at (20, 0) opening at 100: 62) the vehicle waits before, during and after the
/// ride; leaving 58 later, the ride is still its travel time of 22, over its limit of 21
/// (the direct trip takes 20). (Crediting the push beyond the waiting during the ride would
/// call that route feasible.)
#[test]
fn a_later_departure_removes_only_the_waiting_during_a_ride() {
    let mut ship = shipment((0, 10), (20, 10), Some(21));
    ship.windows.0 = Some((30, 1000));
    let spec = one_vehicle(&[((10, 15), Some((60, 1000))), ((20, 0), Some((100, 1000)))], vec![ship.clone()]);
    let solved = solve_checked(&build(&spec));
    assert!(solved.cost.total.get() > 72, "{:?}", solved.solution.routes);
    // Without the limit, that route is the answer.
    ship.max_ride = None;
    let spec = one_vehicle(&[((10, 15), Some((60, 1000))), ((20, 0), Some((100, 1000)))], vec![ship]);
    assert_eq!(solve_checked(&build(&spec)).cost.total.get(), 72);
}

/// A shipment whose direct trip takes longer than its limit is left out as unreachable.
#[test]
fn a_ride_limit_below_the_direct_trip_is_unreachable() {
    let mut late = shipment((10, 0), (5, 10), Some(10));
    late.penalty = Some(1000);
    let problem = build(&one_vehicle(&[((10, 10), None)], vec![late]));
    let solved = solve_checked(&problem);
    assert_eq!(solved.solution.unassigned, [JobId(1)]);
    assert_eq!(solved.unassigned[0].reason, UnassignedReason::Unreachable);
}

/// Random instances with shipments, most with a ride limit.
fn ride_spec(max_clients: usize, max_shipments: usize, with_time: bool) -> impl Strategy<Value = Spec> {
    with_ride_limits(with_shipments(spec(max_clients, with_time, with_time), max_shipments, with_time, with_time), 0.8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn ride_limit_solutions_pass_the_checker_and_repeat(
        s in (ride_spec(10, 8, true), proptest::collection::vec(0usize..18, 0..4), 0i64..3)
            .prop_map(|(mut s, k, c)| { s.skilled = k; s.duration_cost = c; s }),
        seed in 0u64..4,
    ) {
        checked_and_repeatable(&s, seed)?;
    }

    #[test]
    fn ride_limit_solutions_with_two_windows_pass_the_checker_and_repeat(
        s in ride_spec(8, 6, true).prop_map(|mut s| { s.two_windows = true; s }),
        seed in 0u64..4,
    ) {
        checked_and_repeatable(&s, seed)?;
    }

    #[test]
    fn a_feasible_warm_start_with_ride_limits_is_never_lost(s in ride_spec(8, 6, true), iterations in 0u64..3) {
        warm_start_kept(&s, iterations)?;
    }
}

proptest! {
    // A fixed sample, as the other optimality properties (see brute.rs).
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_128),
        ..ProptestConfig::default()
    })]

    #[test]
    fn tiny_problems_with_ride_limits_are_solved_to_optimality(s in ride_spec(2, 3, true)) {
        solved_to_optimality(&s, 10)?;
    }

    #[test]
    fn tiny_problems_with_ride_limits_and_duration_costs_are_solved_to_optimality(
        s in (ride_spec(2, 3, true), 1i64..3).prop_map(|(mut s, c)| { s.duration_cost = c; s })
    ) {
        solved_to_optimality(&s, 11)?;
    }

    #[test]
    fn tiny_capacitated_problems_with_ride_limits_are_solved_to_optimality(s in ride_spec(2, 3, false)) {
        solved_to_optimality(&s, 12)?;
    }
}
