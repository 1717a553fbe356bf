//! Property tests on random small problems: checker-clean, deterministic, optimal.

use milkrun_model::check_solution;
use milkrun_routing::{Solver, SolverConfig};
use proptest::prelude::*;

use crate::support::{brute_force, build, spec};

fn solve(problem: &milkrun_model::Problem, seed: u64) -> milkrun_routing::Solved {
    Solver::new(SolverConfig::default().seed(seed).max_iterations(300)).solve(problem).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn solutions_pass_the_checker_and_repeat(s in spec(20, true, true), seed in 0u64..4) {
        let problem = build(&s);
        let a = solve(&problem, seed);
        let report = check_solution(&problem, &a.solution);
        prop_assert_eq!(report.is_feasible(), a.feasible, "{:?}", report.violations);
        if a.feasible {
            prop_assert_eq!(report.cost(), a.cost.total);
        }
        let b = solve(&problem, seed);
        prop_assert_eq!(a.solution, b.solution);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn tiny_problems_are_solved_to_optimality(s in spec(7, true, true)) {
        let problem = build(&s);
        let optimum = brute_force(&problem);
        let solved = solve(&problem, 1);
        match optimum {
            Some(opt) => {
                prop_assert!(solved.feasible, "a feasible solution of cost {} exists", opt);
                prop_assert_eq!(solved.cost.total.get(), opt);
            }
            None => prop_assert!(!solved.feasible),
        }
    }

    #[test]
    fn tiny_cvrps_are_solved_to_optimality(s in spec(8, false, false)) {
        let problem = build(&s);
        let optimum = brute_force(&problem);
        let solved = solve(&problem, 3);
        prop_assert_eq!(Some(solved.cost.total.get()).filter(|_| solved.feasible), optimum);
    }
}
