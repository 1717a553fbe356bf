//! The solver and its main loop: iterated local search with SISR-style ruin and recreate,
//! granular local search in penalised infeasible space, and record-to-record acceptance.
//!
//! ```text
//! current = local_search(recreate(warm start or nothing))
//! repeat until a stop criterion holds:
//!     candidate = local_search(ruin_and_recreate(current))      (penalties adapt to a target
//!     if candidate is infeasible: local_search with boosted penalties   feasibility rate)
//!     if feasible and cheaper than best: best = current = candidate
//!     else if feasible and cost < best * (1 + threshold * (1 - progress)): current = candidate
//! ```
//!
//! References: H. R. Lourenço, O. C. Martin, T. Stützle (2019), "Iterated local search:
//! framework and applications"; J. Christiaens, G. Vanden Berghe (2020), SISR; T. Vidal (2022),
//! HGS-CVRP (granular search, penalty management); G. Dueck (1993), record-to-record travel.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration as WallDuration, Instant};

use milkrun_model::{Problem, Solution};

use crate::data::Data;
use crate::error::RoutingError;
use crate::output::{self, Solved};
use crate::perturb::{insert_one, Perturb};
use crate::rng::Rng;
use crate::route::{Eval, Plain, Summary, Tours, Weights};
use crate::search::LocalSearch;

/// When to stop. The search stops at the first criterion that holds; with none set it stops
/// after 1000 iterations.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StopCriteria {
    /// Wall-clock budget.
    pub max_time: Option<WallDuration>,
    /// Iterations (perturbation + local search each).
    pub max_iterations: Option<u64>,
    /// Iterations in a row without a new best solution.
    pub max_no_improvement: Option<u64>,
    /// Stop as soon as a feasible solution costs at most this (problem cost units).
    pub target_cost: Option<i64>,
}

/// Solver settings. Build with [`SolverConfig::default`] and the setters.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverConfig {
    /// Seed of the random number generator; same seed and iteration limit, same solution.
    pub seed: u64,
    /// Stop criteria.
    pub stop: StopCriteria,
    /// Independent searches run in parallel (seeds `seed`, `seed + 1`, ...); the best wins.
    pub threads: usize,
    /// Neighbour list length of the granular local search.
    pub granularity: usize,
    /// Average number of clients removed by one ruin step.
    pub avg_removed: f64,
    /// Initial record-to-record threshold, relative to the best cost; it falls linearly to zero
    /// over the run when the run has a time or iteration limit.
    pub threshold: f64,
    /// Target share of local search results that are feasible (penalty management).
    pub target_feasible: f64,
}

impl Default for SolverConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            stop: StopCriteria::default(),
            threads: 1,
            granularity: 40,
            avg_removed: 10.0,
            threshold: 0.01,
            target_feasible: 0.65,
        }
    }
}

impl SolverConfig {
    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Sets the wall-clock budget.
    #[must_use]
    pub fn max_time(mut self, t: WallDuration) -> Self {
        self.stop.max_time = Some(t);
        self
    }
    /// Sets the iteration limit.
    #[must_use]
    pub fn max_iterations(mut self, n: u64) -> Self {
        self.stop.max_iterations = Some(n);
        self
    }
    /// Sets the limit of iterations without improvement.
    #[must_use]
    pub fn max_no_improvement(mut self, n: u64) -> Self {
        self.stop.max_no_improvement = Some(n);
        self
    }
    /// Sets a target cost.
    #[must_use]
    pub fn target_cost(mut self, cost: i64) -> Self {
        self.stop.target_cost = Some(cost);
        self
    }
    /// Sets the number of parallel searches (at least 1).
    #[must_use]
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n.max(1);
        self
    }
}

/// A snapshot of the search, passed to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Which parallel search reports (0 with one thread).
    pub thread: usize,
    /// Iterations done.
    pub iteration: u64,
    /// Time since the solve started.
    pub elapsed: WallDuration,
    /// Cost of the best feasible solution, if one was found.
    pub best_cost: Option<i64>,
    /// Cost of the current solution (penalised if infeasible).
    pub current_cost: i64,
    /// Whether the current solution is feasible.
    pub feasible: bool,
}

type Callback = dyn Fn(&Progress) + Send + Sync;

/// The routing engine. Configure once, solve many problems.
///
/// See the [crate documentation](crate) for an example.
pub struct Solver {
    config: SolverConfig,
    on_progress: Option<Box<Callback>>,
    cancel: Option<Arc<AtomicBool>>,
}

impl std::fmt::Debug for Solver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Solver").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Solver {
    /// A solver with `config`.
    #[must_use]
    pub fn new(config: SolverConfig) -> Self {
        Self { config, on_progress: None, cancel: None }
    }

    /// Calls `f` on every new best solution and every 1000 iterations (from the thread that
    /// searches; keep it short).
    #[must_use]
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Box::new(f));
        self
    }

    /// Stops the search (returning the best solution so far) once `flag` is set.
    #[must_use]
    pub fn cancel_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &SolverConfig {
        &self.config
    }

    /// Solves `problem` from scratch.
    ///
    /// # Errors
    /// [`RoutingError::Unsupported`] for problems using features the engine does not handle
    /// (shipments with reloads or with linehauls before backhauls, maximum ride times of
    /// shipments with release times or driver breaks, several windows per stop or driver breaks
    /// with release times or reloads, more than 3 load dimensions, 64 skills or 4 break rules
    /// per vehicle type),
    /// [`RoutingError::NoVehicles`] without vehicles.
    pub fn solve(&self, problem: &Problem) -> Result<Solved, RoutingError> {
        self.run(problem, None)
    }

    /// Solves `problem` starting from `warm` (its routes are kept as the first current
    /// solution; jobs it leaves out are inserted).
    ///
    /// # Errors
    /// As [`Solver::solve`], and [`RoutingError::WarmStart`] if `warm` names unknown jobs or
    /// vehicle types, visits a job twice, uses more vehicles of a type than exist, makes a
    /// service visit to a shipment or a pickup or delivery of a single-stop job, or has a
    /// shipment not whole (both halves on one route, pickup first).
    pub fn solve_from(&self, problem: &Problem, warm: &Solution) -> Result<Solved, RoutingError> {
        self.run(problem, Some(warm))
    }

    fn run(&self, problem: &Problem, warm: Option<&Solution>) -> Result<Solved, RoutingError> {
        let started = Instant::now();
        let data = Data::new(problem, self.config.granularity)?;
        let warm = warm.map(|w| output::plain_from_solution(&data, problem, w)).transpose()?;
        let threads = self.config.threads.max(1);
        let runs: Vec<Run> = if threads == 1 {
            vec![self.search(&data, 0, warm.as_ref(), started)]
        } else {
            std::thread::scope(|s| {
                let (data, warm) = (&data, warm.as_ref());
                let handles: Vec<_> =
                    (0..threads).map(|t| s.spawn(move || self.search(data, t, warm, started))).collect();
                handles.into_iter().filter_map(|h| h.join().ok()).collect()
            })
        };
        // Best: feasible first, then cost, then lowest thread index (deterministic).
        let best = runs
            .into_iter()
            .min_by_key(|r| {
                (!r.summary.feasible(), r.summary.penalised(Weights { load: 1, warp: 1, dist: 1 }).max(0), r.thread)
            })
            .ok_or(RoutingError::NoVehicles)?;
        let iterations = best.iterations;
        Ok(output::solved(&data, problem, &best.plain, iterations, started.elapsed()))
    }

    /// One independent search (the main loop).
    fn search(&self, data: &Data, thread: usize, warm: Option<&Plain>, started: Instant) -> Run {
        let cfg = &self.config;
        let stop = &cfg.stop;
        let mut rng = Rng::new(cfg.seed.wrapping_add(thread as u64));
        let mut tours = Tours::new(data);
        let mut ls = LocalSearch::new(data);
        let mut perturb = Perturb::default();
        let mut penalties = Penalties::new(data, cfg.target_feasible);

        // Initial solution: the warm start (if any), then every missing client at its cheapest place.
        if let Some(plain) = warm {
            let stamp = tours.tick();
            tours.load(data, plain, stamp);
        }
        // A feasible warm start is never lost: inserting its absent optional jobs and the first
        // local search may end infeasible (penalties start low), and a short limit may stop the
        // search before it finds a feasible solution again.
        let start_sum = tours.summary(data);
        let started_feasible = (warm.is_some() && start_sum.feasible()).then(|| (tours.plain(), start_sum));
        let eval = penalties.eval();
        let mut costs: Vec<i64> = tours.routes.iter().map(|r| eval.route_cost(data, r)).collect();
        let mut missing: Vec<u32> = data.clients().map(|c| c as u32).filter(|&c| !tours.assigned(c)).collect();
        rng.shuffle(&mut missing);
        for u in missing {
            insert_one(data, &mut tours, &eval, &mut costs, u, false, None);
        }
        improve(data, &mut tours, &mut ls, &penalties, &mut rng);
        let mut current = tours.plain();
        // Clock value when `current` was last synchronised with `tours`.
        let mut saved_at = tours.clock;
        let mut current_sum = tours.summary(data);
        penalties.register(&current_sum, false);
        let mut best: Option<(Plain, Summary)> = current_sum.feasible().then(|| (current.clone(), current_sum));
        if let Some((plain, sum)) = started_feasible {
            if best.as_ref().is_none_or(|b| sum.cost < b.1.cost) {
                best = Some((plain, sum));
            }
        }
        let mut fallback = (current.clone(), current_sum);

        let max_iters = stop.max_iterations.unwrap_or(if stop.max_time.is_none() { 1000 } else { u64::MAX });
        let mut iteration = 0u64;
        let mut last_improvement = 0u64;
        let report = |iteration: u64, best: &Option<(Plain, Summary)>, cur: &Summary, w: Weights| {
            if let Some(f) = &self.on_progress {
                f(&Progress {
                    thread,
                    iteration,
                    elapsed: started.elapsed(),
                    best_cost: best.as_ref().map(|b| b.1.cost),
                    current_cost: cur.penalised(w),
                    feasible: cur.feasible(),
                });
            }
        };
        report(0, &best, &current_sum, penalties.weights());
        loop {
            // Stop criteria.
            if iteration >= max_iters
                || stop.max_no_improvement.is_some_and(|n| iteration - last_improvement >= n)
                || stop.target_cost.is_some_and(|t| best.as_ref().is_some_and(|b| b.1.cost <= t))
                || self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
                || stop.max_time.is_some_and(|t| started.elapsed() >= t)
            {
                break;
            }
            iteration += 1;
            let progress = match (stop.max_iterations, stop.max_time) {
                (Some(n), _) => iteration as f64 / n as f64,
                (None, Some(t)) => started.elapsed().as_secs_f64() / t.as_secs_f64().max(1e-9),
                (None, None) => 0.0,
            }
            .min(1.0);

            perturb.apply(data, &mut tours, &penalties.eval(), &mut rng, cfg.avg_removed);
            let (before_repair, sum) = improve(data, &mut tours, &mut ls, &penalties, &mut rng);
            penalties.register(&before_repair, best.is_some());

            let mut accepted = false;
            if sum.feasible() {
                let best_cost = best.as_ref().map_or(i64::MAX, |b| b.1.cost);
                if sum.cost < best_cost {
                    best = Some((tours.plain(), sum));
                    last_improvement = iteration;
                    accepted = true;
                    report(iteration, &best, &sum, penalties.weights());
                } else {
                    let limit = best_cost as f64 + cfg.threshold * (1.0 - progress) * (best_cost as f64).abs();
                    accepted = sum.cost < current_sum.cost || (sum.cost as f64) < limit || !current_sum.feasible();
                }
            } else if best.is_none() && sum.penalised(penalties.weights()) < fallback.1.penalised(penalties.weights()) {
                fallback = (tours.plain(), sum);
                accepted = true;
            }
            if accepted {
                tours.save_changed(&mut current, saved_at);
                current_sum = sum;
            } else {
                tours.restore_changed(data, &current, saved_at);
            }
            saved_at = tours.clock;
            if iteration % 1000 == 0 {
                report(iteration, &best, &current_sum, penalties.weights());
            }
        }
        let (plain, summary) = best.unwrap_or(fallback);
        Run { plain, summary, iterations: iteration, thread }
    }
}

/// Local search, then again with boosted penalties if the result is infeasible. Returns the
/// summaries of the first local search's result and of the final one. The first, not the
/// repaired solution, is what the penalty weights are adapted to (the repair would hide every
/// violation they let through, and the weights would fall without end).
fn improve(
    data: &Data,
    tours: &mut Tours,
    ls: &mut LocalSearch,
    penalties: &Penalties,
    rng: &mut Rng,
) -> (Summary, Summary) {
    ls.run(data, tours, &penalties.eval(), rng);
    let first = tours.summary(data);
    let mut last = first;
    for boost in [10, 100] {
        if last.feasible() {
            break;
        }
        // Re-examine the routes that break a constraint under the heavier penalties.
        let zero = Eval { w: Weights { load: 1, warp: 1, dist: 1 } };
        for r in 0..tours.routes.len() {
            let route = &tours.routes[r];
            if !route.is_empty() && zero.route_cost(data, route) != zero_penalty_cost(data, route) {
                let stamp = tours.tick();
                tours.routes[r].modified = stamp;
            }
        }
        ls.run(data, tours, &Eval { w: penalties.weights().boosted(boost) }, rng);
        last = tours.summary(data);
    }
    (first, last)
}

/// Route cost without penalties.
fn zero_penalty_cost(data: &Data, route: &crate::route::Route) -> i64 {
    Eval { w: Weights { load: 0, warp: 0, dist: 0 } }.route_cost(data, route)
}

struct Run {
    plain: Plain,
    summary: Summary,
    iterations: u64,
    thread: usize,
}

/// Penalty weights adapted so that about `target` of local search results are feasible in
/// each dimension (Vidal et al. 2012).
#[derive(Debug, Clone)]
struct Penalties {
    w: [f64; 3],
    feasible: [u32; 3],
    seen: u32,
    target: f64,
}

impl Penalties {
    const WINDOW: u32 = 50;

    fn new(data: &Data, target: f64) -> Self {
        let clients = data.clients();
        let mut max_arc = 1i64;
        let mut max_time = 1i64;
        // From start depots only: open-route ends have no real outgoing arcs.
        for vt in &data.vtypes {
            for b in clients.clone() {
                max_arc = max_arc.max(data.d(vt.start, b as u32));
                max_time = max_time.max(data.t(vt.start, b as u32));
            }
        }
        let demand: i64 =
            clients.clone().map(|c| data.delivery[c].iter().chain(&data.pickup[c]).map(|x| x.abs()).sum::<i64>()).sum();
        let avg_demand = (demand as f64 / data.n_clients().max(1) as f64).max(1.0);
        let unit = data.vtypes.iter().map(|v| v.unit_distance).max().unwrap_or(1).max(1) as f64;
        let unit_t = data.vtypes.iter().map(|v| v.unit_duration).max().unwrap_or(0).max(0) as f64;
        let load = (max_arc as f64 * unit / avg_demand).max(1.0);
        let warp = (max_arc as f64 * unit / max_time as f64 + unit_t).max(1.0);
        Self { w: [load, warp, unit], feasible: [0; 3], seen: 0, target }
    }

    fn weights(&self) -> Weights {
        let r = |x: f64| x.round().clamp(1.0, 1e12) as i64;
        Weights { load: r(self.w[0]), warp: r(self.w[1]), dist: r(self.w[2]) }
    }

    fn eval(&self) -> Eval {
        Eval { w: self.weights() }
    }

    /// Records one local search result; until a feasible solution exists (`found` false) the
    /// weights of violated dimensions grow after every result.
    fn register(&mut self, s: &Summary, found: bool) {
        let ok = [s.load_excess == 0, s.warp == 0, s.dist_excess == 0];
        if !found {
            for k in 0..3 {
                if !ok[k] {
                    self.w[k] = (self.w[k] * 1.25).min(1e12);
                }
            }
            return;
        }
        for (k, ok) in ok.into_iter().enumerate() {
            self.feasible[k] += u32::from(ok);
        }
        self.seen += 1;
        if self.seen < Self::WINDOW {
            return;
        }
        for k in 0..3 {
            let rate = f64::from(self.feasible[k]) / f64::from(self.seen);
            if rate < self.target - 0.05 {
                self.w[k] = (self.w[k] * 1.25).min(1e12);
            } else if rate > self.target + 0.05 {
                self.w[k] = (self.w[k] * 0.85).max(1.0);
            }
        }
        self.feasible = [0; 3];
        self.seen = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use milkrun_model::{
        Coordinates, Job, Load, ProblemData, Rounding, Site, SiteId, SiteKind, Speed, Stop, TravelMatrix, VehicleType,
    };

    /// Four pairs of clients, each pair at one spot 50 from the depot; every client fills 3 of a
    /// vehicle's 4 units, so each needs a vehicle of its own.
    fn pairs() -> Problem {
        let mut sites = vec![Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 0.0, y: 0.0 })];
        let mut jobs = Vec::new();
        for k in 0..8 {
            let angle = (k / 2) as f64 * std::f64::consts::FRAC_PI_2;
            let (x, y) = (50.0 * angle.cos(), 50.0 * angle.sin());
            sites.push(Site::new(format!("c{k}"), SiteKind::Customer, Coordinates::Planar { x, y }));
            jobs.push(Job::delivery(format!("j{k}"), Stop::at(SiteId(k as u32 + 1)), Load::single(3)));
        }
        let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
        ProblemData {
            name: "pairs".into(),
            dimensions: vec!["units".into()],
            travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance).unwrap(),
            sites,
            jobs,
            vehicle_types: vec![VehicleType::new("van", 8, Load::single(4), SiteId(0))],
            ..ProblemData::default()
        }
        .validate()
        .unwrap()
    }

    /// The penalty weights must see what the local search let through, not the repaired
    /// result: with the repair's verdict they fell after every feasible repair until the
    /// search spent its time among overloaded routes (X-n195-k51: load weight 13 -> 2 in 600
    /// iterations, 30 -> 1 900 moves applied per iteration).
    #[test]
    fn penalties_adapt_to_the_search_not_to_the_repair() {
        let problem = pairs();
        let data = Data::new(&problem, 40).unwrap();
        let mut tours = Tours::new(&data);
        let mut costs = vec![0; tours.routes.len()];
        let strict = Eval { w: Weights { load: 1000, warp: 1000, dist: 1000 } };
        for u in data.clients() {
            insert_one(&data, &mut tours, &strict, &mut costs, u as u32, false, None);
        }
        assert!(tours.summary(&data).feasible());
        // Cheap overload: merging a pair saves 100 of distance for 2 units over capacity.
        let mut penalties = Penalties { w: [1.0; 3], feasible: [0; 3], seen: 0, target: 0.65 };
        let mut ls = LocalSearch::new(&data);
        let (first, _) = improve(&data, &mut tours, &mut ls, &penalties, &mut Rng::new(1));
        assert!(first.load_excess > 0, "the search under weight 1 merges the pairs");
        assert!(tours.summary(&data).feasible(), "the boosted repair splits them again");
        // Three windows of overloaded results: 1 -> 1.25 -> 1.56 -> 1.95.
        for _ in 0..3 * Penalties::WINDOW {
            penalties.register(&first, true);
        }
        assert!(penalties.weights().load > 1, "{:?}", penalties.weights());
    }
}
