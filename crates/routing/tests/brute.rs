//! Property tests on random small problems: checker-clean, deterministic, optimal.

use milkrun_model::check_solution;
use milkrun_routing::{Solver, SolverConfig};
use proptest::prelude::*;

use crate::support::{brute_force, build, shipment, spec, Spec};

pub(crate) fn solve(problem: &milkrun_model::Problem, seed: u64) -> milkrun_routing::Solved {
    Solver::new(SolverConfig::default().seed(seed).max_iterations(300)).solve(problem).unwrap()
}

/// The engine's answer for `spec` (300 iterations, `seed`) agrees with the checker on
/// feasibility and cost, and the same seed gives the same solution.
pub(crate) fn checked_and_repeatable(spec: &Spec, seed: u64) -> Result<(), TestCaseError> {
    let problem = build(spec);
    let a = solve(&problem, seed);
    let report = check_solution(&problem, &a.solution);
    prop_assert_eq!(report.is_feasible(), a.feasible, "{:?}", report.violations);
    if a.feasible {
        prop_assert_eq!(report.cost(), a.cost.total);
    }
    prop_assert_eq!(a.solution, solve(&problem, seed).solution);
    Ok(())
}

/// The engine (300 iterations, `seed`) finds the brute-force optimum of `spec`'s problem, or
/// no feasible solution when there is none.
pub(crate) fn solved_to_optimality(spec: &Spec, seed: u64) -> Result<(), TestCaseError> {
    let problem = build(spec);
    let optimum = brute_force(&problem);
    let solved = solve(&problem, seed);
    prop_assert_eq!(Some(solved.cost.total.get()).filter(|_| solved.feasible), optimum);
    Ok(())
}

/// A feasible solution of `spec`'s problem given back as a warm start (with `iterations`) is
/// never lost: the answer is feasible and costs at most as much.
pub(crate) fn warm_start_kept(spec: &Spec, iterations: u64) -> Result<(), TestCaseError> {
    let problem = build(spec);
    let first = solve(&problem, 1);
    prop_assume!(first.feasible);
    let again = Solver::new(SolverConfig::default().seed(2).max_iterations(iterations))
        .solve_from(&problem, &first.solution)
        .unwrap();
    prop_assert!(again.feasible);
    prop_assert!(again.cost.total <= first.cost.total, "{:?} > {:?}", again.cost.total, first.cost.total);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn solutions_pass_the_checker_and_repeat(
        s in (spec(20, true, true), proptest::collection::vec(0usize..20, 0..6))
            .prop_map(|(mut s, k)| { s.skilled = k; s }),
        seed in 0u64..4,
    ) {
        checked_and_repeatable(&s, seed)?;
    }

    #[test]
    fn multi_trip_solutions_pass_the_checker_and_repeat(
        s in (spec(20, true, true), 0u32..4, 0i64..10, 0i64..3)
            .prop_map(|(mut s, max, time, c)| {
                s.reloads = Some((max, time));
                s.count = s.count.min(3);
                s.duration_cost = c;
                s
            }),
        seed in 0u64..4,
    ) {
        checked_and_repeatable(&s, seed)?;
    }

    #[test]
    fn two_window_solutions_pass_the_checker_and_repeat(
        s in (spec(20, true, true), 0i64..3)
            .prop_map(|(mut s, c)| { s.two_windows = true; s.duration_cost = c; s }),
        seed in 0u64..4,
    ) {
        checked_and_repeatable(&s, seed)?;
    }

    #[test]
    fn a_feasible_warm_start_is_never_lost(
        s in (spec(20, true, true), proptest::option::of((0u32..3, 0i64..10)))
            .prop_map(|(mut s, r)| { s.reloads = r; s }),
        iterations in 0u64..3,
    ) {
        warm_start_kept(&s, iterations)?;
    }

    #[test]
    fn vrpb_solutions_pass_the_checker_and_repeat(
        s in spec(20, false, true).prop_map(|mut s| { s.vrpb = true; s }),
        seed in 0u64..4,
    ) {
        checked_and_repeatable(&s, seed)?;
    }
}

proptest! {
    // Optimality is a heuristic's claim, not an invariant: these run a fixed sample (the
    // seed below) so that CI is deterministic. Before changing the search, run them with
    // `cases: 3000` and `RngSeed::Random`: at 300 iterations about one case in a thousand
    // with time windows still ends a few units above the optimum (a symmetric route whose
    // reversal costs nothing but would let a relocate through its windows); the CVRP one
    // passed 3000 cases after the two regression tests below. With skills (1200 random cases)
    // one case in about 450 ends 1 above the optimum at 300 iterations and finds it by 3000:
    // the optimum drops an optional job and a route together.
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_128),
        ..ProptestConfig::default()
    })]

    #[test]
    fn tiny_problems_are_solved_to_optimality(s in spec(7, true, true)) {
        solved_to_optimality(&s, 1)?;
    }

    #[test]
    fn tiny_problems_with_duration_costs_are_solved_to_optimality(
        s in (spec(7, true, true), 1i64..3).prop_map(|(mut s, c)| { s.duration_cost = c; s })
    ) {
        solved_to_optimality(&s, 2)?;
    }

    #[test]
    fn tiny_problems_with_skills_are_solved_to_optimality(
        s in (spec(7, true, true), proptest::collection::vec(0usize..7, 1..4))
            .prop_map(|(mut s, k)| { s.skilled = k; s })
    ) {
        solved_to_optimality(&s, 4)?;
    }

    // Tiny VRPB instances (linehauls before backhauls, up to 8 clients): before the move of a
    // client with its successor to an empty route (VRPB only), about one case in 60 ended up
    // to 4 % above the optimum (191 against 184, 172 against 171); after it, 1000 random cases
    // (seed 99) failed once in about 400 (98 against 96) and 300 (seed 20261128) passed.
    #[test]
    fn tiny_vrpbs_are_solved_to_optimality(s in spec(8, false, false).prop_map(|mut s| { s.vrpb = true; s })) {
        solved_to_optimality(&s, 5)?;
    }

    #[test]
    fn tiny_multi_trip_problems_are_solved_to_optimality(
        s in (spec(6, true, false), 1u32..4, 0i64..10)
            .prop_map(|(mut s, max, time)| { s.reloads = Some((max, time)); s.count = s.count.min(2); s })
    ) {
        solved_to_optimality(&s, 6)?;
    }

    #[test]
    fn tiny_problems_with_two_windows_per_stop_are_solved_to_optimality(
        s in (spec(7, true, true), 0i64..3).prop_map(|(mut s, c)| { s.two_windows = true; s.duration_cost = c; s })
    ) {
        solved_to_optimality(&s, 7)?;
    }

    #[test]
    fn tiny_cvrps_are_solved_to_optimality(s in spec(8, false, false)) {
        solved_to_optimality(&s, 3)?;
    }
}

/// Found by the property above in CI: the optimum serves the optional job on a second route,
/// reached from the one-route local optimum (skip it, pay 13) only by moving a required job
/// and inserting the optional one together. The perturbation must offer absent optional jobs.
#[test]
fn an_absent_optional_job_is_offered_back_by_the_perturbation() {
    use crate::support::{ClientSpec, Spec};
    let client = |x, y, window, penalty, service| ClientSpec { x, y, delivery: 0, pickup: 0, window, penalty, service };
    let s = Spec {
        clients: vec![
            client(0, -6, Some((10, 20)), None, 4),
            client(5, 24, Some((0, 25)), Some(13), 0),
            client(1, 29, None, None, 3),
        ],
        capacity: 9,
        second_type: Some((82, 36, 1)),
        shift_end: None,
        count: 7,
        asymmetric: false,
        open: false,
        duration_cost: 0,
        skilled: Vec::new(),
        vrpb: false,
        reloads: None,
        two_windows: false,
        shipments: Vec::new(),
        breaks: Vec::new(),
    };
    let problem = build(&s);
    assert_eq!(brute_force(&problem), Some(92));
    for seed in 0..20 {
        let solved = solve(&problem, seed);
        assert!(check_solution(&problem, &solved.solution).is_feasible());
        assert_eq!(solved.cost.total.get(), 92, "seed {seed}: {:?}", solved.solution.routes);
    }
}

/// Found by the CVRP property: on an asymmetric matrix a route's direction matters, and
/// reaching the reversed route by client moves takes thousands of iterations; the local search
/// reverses whole routes.
#[test]
fn asymmetric_routes_are_turned_around() {
    use crate::support::{ClientSpec, Spec};
    let c = |x, y, delivery, pickup| ClientSpec { x, y, delivery, pickup, window: None, penalty: None, service: 0 };
    let s = Spec {
        clients: vec![
            c(16, -7, 1, 0),
            c(-10, -17, 0, 0),
            c(7, 6, 0, 0),
            c(-6, -10, 0, 0),
            c(1, 0, 5, 0),
            c(-7, -5, 3, 0),
            c(0, -12, 1, 0),
            c(6, -12, 0, 1),
        ],
        capacity: 8,
        second_type: None,
        shift_end: None,
        count: 2,
        asymmetric: true,
        open: false,
        duration_cost: 0,
        skilled: Vec::new(),
        vrpb: false,
        reloads: None,
        two_windows: false,
        shipments: Vec::new(),
        breaks: Vec::new(),
    };
    let problem = build(&s);
    assert_eq!(brute_force(&problem), Some(112));
    for seed in 0..10 {
        let solved = solve(&problem, seed);
        assert!(check_solution(&problem, &solved.solution).is_feasible());
        assert_eq!(solved.cost.total.get(), 112, "seed {seed}: {:?}", solved.solution.routes);
    }
}

/// `spec` with up to `max` paired shipments.
pub(crate) fn with_shipments(
    spec: impl Strategy<Value = Spec>,
    max: usize,
    with_time: bool,
    with_optional: bool,
) -> impl Strategy<Value = Spec> {
    (spec, proptest::collection::vec(shipment(with_time, with_optional), 1..=max)).prop_map(|(mut s, sh)| {
        s.shipments = sh;
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn shipment_solutions_pass_the_checker_and_repeat(
        s in (with_shipments(spec(10, true, true), 8, true, true), proptest::collection::vec(0usize..18, 0..4), 0i64..3)
            .prop_map(|(mut s, k, c)| { s.skilled = k; s.duration_cost = c; s }),
        seed in 0u64..4,
    ) {
        checked_and_repeatable(&s, seed)?;
    }

    #[test]
    fn shipment_solutions_with_two_windows_pass_the_checker_and_repeat(
        s in with_shipments(spec(8, true, true), 6, true, true).prop_map(|mut s| { s.two_windows = true; s }),
        seed in 0u64..4,
    ) {
        checked_and_repeatable(&s, seed)?;
    }

    #[test]
    fn a_feasible_warm_start_with_shipments_is_never_lost(
        s in with_shipments(spec(8, true, true), 6, true, true),
        iterations in 0u64..3,
    ) {
        warm_start_kept(&s, iterations)?;
    }
}

proptest! {
    // A fixed sample, as the optimality properties above. Wider run before committing (400
    // cases each, seeds 777 and 4242): the checker, repeatability and warm-start properties
    // passed all; the optimality one failed at case 224: two singles and two shipments on an
    // asymmetric matrix where the engine ends at 252 against 240 whatever the seed, even at
    // 5000 iterations. Reaching the optimum takes two pair moves of which the first costs
    // more (one pair to another route, +19, then a single into the pair left, -31), and the
    // recreate, under the low penalty weights the feasibility target keeps, puts the second
    // pair into an infeasible but cheaper place first. (The pair exchange does not reach it
    // either: the two pairs start on one route and the optimum needs a pair and a single
    // moved together.)
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_128),
        ..ProptestConfig::default()
    })]

    #[test]
    fn tiny_problems_with_shipments_are_solved_to_optimality(s in with_shipments(spec(2, true, true), 3, true, true)) {
        solved_to_optimality(&s, 8)?;
    }

    #[test]
    fn tiny_capacitated_problems_with_shipments_are_solved_to_optimality(
        s in with_shipments(spec(2, false, false), 3, false, false)
    ) {
        solved_to_optimality(&s, 9)?;
    }
}
