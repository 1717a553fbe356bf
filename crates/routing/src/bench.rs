//! Hooks for the criterion benchmarks (not part of the stable API): move evaluation on a
//! local optimum, without applying anything.

use milkrun_model::Problem;

use crate::data::Data;
use crate::error::RoutingError;
use crate::perturb::insert_one;
use crate::rng::Rng;
use crate::route::{Eval, Tours, Weights};
use crate::search::LocalSearch;

/// A local optimum of a problem and the local search over it, for timing move evaluations.
#[derive(Debug, Clone)]
pub struct MoveBench {
    data: Data,
    tours: Tours,
    ls: LocalSearch,
    eval: Eval,
}

impl MoveBench {
    /// Builds a local optimum: cheapest insertion in seeded random order, then local search.
    ///
    /// # Errors
    /// As [`crate::Solver::solve`].
    pub fn new(problem: &Problem, seed: u64) -> Result<Self, RoutingError> {
        let data = Data::new(problem, 40)?;
        let mut tours = Tours::new(&data);
        let eval = Eval { w: Weights { load: 100, warp: 100, dist: 100 } };
        let mut rng = Rng::new(seed);
        let mut costs: Vec<i64> = tours.routes.iter().map(|r| eval.route_cost(&data, r)).collect();
        let mut order: Vec<u32> = data.clients().map(|c| c as u32).collect();
        rng.shuffle(&mut order);
        for u in order {
            insert_one(&data, &mut tours, &eval, &mut costs, u, false, None);
        }
        let mut ls = LocalSearch::new(&data);
        ls.run(&data, &mut tours, &eval, &mut rng);
        Ok(Self { data, tours, ls, eval })
    }

    /// Evaluates moving each client after each granular neighbour in another route (`n`
    /// clients moved, swapped with `m` of the neighbour's when `m > 0`). Returns the number of
    /// moves evaluated and the sum of their cost changes (so nothing is optimised away).
    pub fn sweep(&self, n: usize, m: usize) -> (u64, i64) {
        self.ls.sweep(&self.data, &self.tours, &self.eval, n, m)
    }
}
