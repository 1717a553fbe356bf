//! The inventory routing solver: iterated local search over the visit schedule and the routes,
//! with quantities from a fast greedy rule during the search and from an exact network flow
//! for the solutions that may become the best.
//!
//! The main loop is [`IrpSolver::solve`]. A solution is, per period, up to K routes (store
//! sequences). Moves: drop a visit, add a visit (cheapest insertion into the two routes where
//! it is cheapest, or a new route), move a visit to another period or to another route of its
//! period; each is priced by its exact travel delta plus the holding cost and shortage penalty
//! of the greedy quantities of the whole plan (O(H · n) per move). Greedy quantities: at each
//! visit a store whose holding cost is above the depot's gets just what covers it until its
//! next visit; one whose holding cost is below gets filled to its maximum (stock costs less
//! there); vehicle capacity and the depot's stock are met by cutting the fills that save least,
//! then the needs (a shortage, penalised). Perturbation: a few random drops, adds and period
//! moves; acceptance: record-to-record with a threshold that shrinks to zero over the budget.
//! Routes are polished by 2-opt and or-opt. Candidate bests get their quantities from
//! [`super::flow`], which is optimal for the routes.
//!
//! # Reference
//! Quantities by network flow for fixed routes: L. C. Coelho, J.-F. Cordeau, G. Laporte,
//! The inventory-routing problem with transshipment, Computers & OR 39(11), 2012; the
//! benchmark and its rules: C. Archetti, L. Bertazzi, G. Laporte, M. G. Speranza,
//! Transportation Science 41(3), 2007.

use std::time::{Duration, Instant};

use milkrun_routing::Rng;

use super::check::{check_irp, IrpDelivery, IrpPlan, IrpReport, IrpRoute, IrpRules};
use super::flow::optimal_quantities;
use super::problem::IrpProblem;

/// Settings of [`IrpSolver`]: seed and stop criteria.
#[derive(Debug, Clone, PartialEq)]
pub struct IrpSolverConfig {
    /// Seed of the random choices; with an iteration limit the same seed gives the same plan.
    pub seed: u64,
    /// Stop after this many iterations of the iterated local search.
    pub max_iterations: Option<u64>,
    /// Stop after this much time.
    pub max_time: Option<Duration>,
}

impl Default for IrpSolverConfig {
    /// Seed 1, 2000 iterations, no time limit.
    fn default() -> Self {
        Self { seed: 1, max_iterations: Some(2000), max_time: None }
    }
}

impl IrpSolverConfig {
    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the iteration limit.
    #[must_use]
    pub fn max_iterations(mut self, iterations: u64) -> Self {
        self.max_iterations = Some(iterations);
        self
    }

    /// Sets a time limit and lifts the iteration limit.
    #[must_use]
    pub fn max_time(mut self, time: Duration) -> Self {
        self.max_time = Some(time);
        self.max_iterations = None;
        self
    }
}

/// Progress of a solve, passed to the callback of [`IrpSolver::on_progress`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IrpProgress {
    /// Iterations done.
    pub iteration: u64,
    /// Time since the start.
    pub elapsed: Duration,
    /// Cost of the best plan (transport + holding + shortage penalty).
    pub best_cost: f64,
    /// Whether the best plan meets every minimum level.
    pub feasible: bool,
}

/// The result of a solve.
#[derive(Debug, Clone, PartialEq)]
pub struct IrpSolved {
    /// The best plan found.
    pub plan: IrpPlan,
    /// The plan as the independent checker sees it (default rules).
    pub report: IrpReport,
    /// Iterations done.
    pub iterations: u64,
    /// Wall time.
    pub elapsed: Duration,
}

type ProgressFn<'a> = Box<dyn FnMut(&IrpProgress) + 'a>;

/// The inventory routing solver (see the module documentation for the method).
///
/// ```
/// use milkrun::replenish::{IrpDepot, IrpSolver, IrpSolverConfig, IrpSpec, IrpStore};
///
/// let store = |initial, rate| IrpStore {
///     initial, max_level: 3 * rate, min_level: 0, consumption: vec![rate; 4], holding_cost: 0.3,
/// };
/// let problem = IrpSpec {
///     name: "tiny".into(),
///     vehicle_capacity: 100,
///     vehicles: 1,
///     travel_cost: vec![vec![0, 10, 12], vec![10, 0, 5], vec![12, 5, 0]],
///     depot: IrpDepot { initial: 100, production: vec![30; 4], holding_cost: 0.1 },
///     stores: vec![store(10, 10), store(20, 20)],
/// }
/// .validate()?;
/// let solved = IrpSolver::new(IrpSolverConfig::default().seed(7).max_iterations(200)).solve(&problem);
/// assert!(solved.report.is_feasible());
/// println!("transport {} holding {:.2}", solved.report.transport, solved.report.holding);
/// # Ok::<(), milkrun::Error>(())
/// ```
pub struct IrpSolver<'a> {
    config: IrpSolverConfig,
    progress: Option<ProgressFn<'a>>,
}

impl std::fmt::Debug for IrpSolver<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IrpSolver").field("config", &self.config).finish_non_exhaustive()
    }
}

impl<'a> IrpSolver<'a> {
    /// A solver with these settings.
    #[must_use]
    pub fn new(config: IrpSolverConfig) -> Self {
        Self { config, progress: None }
    }

    /// Calls `f` with the progress about every 100 iterations and whenever the best improves.
    #[must_use]
    pub fn on_progress(mut self, f: impl FnMut(&IrpProgress) + 'a) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// Solves the problem; the result's report is the independent checker's.
    ///
    /// # Complexity
    /// Each iteration is a local search of O(passes · n · H · (H + K) · (n H)) time; memory
    /// O(n H + n²).
    pub fn solve(&mut self, problem: &IrpProblem) -> IrpSolved {
        let start = Instant::now();
        let mut search = Search::new(problem, self.config.seed);
        let deadline = self.config.max_time.map(|d| start + d);
        let max_iterations = self.config.max_iterations.unwrap_or(u64::MAX);
        let out_of_time = |it: u64| it >= max_iterations || deadline.is_some_and(|d| Instant::now() >= d);

        let mut current = search.empty_state();
        search.local_search(&mut current);
        let mut current_cost = search.cost(&current);
        let (mut best, mut best_q, mut best_true) = search.exact(&current);
        let mut iteration = 0_u64;
        let mut report = |s: &Search<'_>, it: u64, cost: f64, q: &[i64], force: bool| {
            if let Some(f) = self.progress.as_mut() {
                if force || it % 100 == 0 {
                    let feasible = s.shortage_of(q) == 0;
                    f(&IrpProgress { iteration: it, elapsed: start.elapsed(), best_cost: cost, feasible });
                }
            }
        };
        while !out_of_time(iteration) {
            iteration += 1;
            let mut candidate = current.clone();
            search.perturb(&mut candidate);
            search.local_search(&mut candidate);
            let cost = search.cost(&candidate);
            if cost < best_true * (1.0 + EXACT_WINDOW) {
                let (polished, q, exact) = search.exact(&candidate);
                if exact < best_true - 1e-6 {
                    best = polished;
                    best_q = q;
                    best_true = exact;
                    report(&search, iteration, best_true, &best_q, true);
                }
            }
            let fraction = match (deadline, self.config.max_iterations) {
                (Some(d), _) => {
                    let total = d.saturating_duration_since(start).as_secs_f64().max(1e-9);
                    (start.elapsed().as_secs_f64() / total).min(1.0)
                }
                (None, Some(m)) => iteration as f64 / m.max(1) as f64,
                (None, None) => 0.0,
            };
            let threshold = THRESHOLD * (1.0 - fraction);
            if cost < current_cost || cost < best_true * (1.0 + threshold) {
                current = candidate;
                current_cost = cost;
            }
            if iteration % RESTART_EVERY == 0 {
                current = best.clone();
                current_cost = search.cost(&current);
            }
            report(&search, iteration, best_true, &best_q, false);
        }
        let plan = search.plan(&best, &best_q);
        let report = check_irp(problem, &plan, &IrpRules::default());
        IrpSolved { plan, report, iterations: iteration, elapsed: start.elapsed() }
    }
}

/// Initial acceptance threshold, relative to the best cost.
const THRESHOLD: f64 = 0.02;
/// Candidates whose greedy cost is within this fraction of the best exact cost get exact
/// quantities.
const EXACT_WINDOW: f64 = 0.01;
/// Iterations between returns to the best plan.
const RESTART_EVERY: u64 = 500;

/// Routes of every period: `routes[t][k]`, always K entries (empty routes allowed).
#[derive(Debug, Clone)]
struct State {
    routes: Vec<Vec<Vec<usize>>>,
    route_cost: Vec<Vec<i64>>,
    /// `slot[i * H + t]`: the route of store `i` in period `t` plus one, 0 if not visited.
    slot: Vec<u8>,
}

impl State {
    fn transport(&self) -> i64 {
        self.route_cost.iter().flatten().sum()
    }
}

/// The solver's working data and scratch buffers.
struct Search<'a> {
    p: &'a IrpProblem,
    h: usize,
    n: usize,
    k: usize,
    rng: Rng,
    penalty: f64,
    /// `cum[i * (H + 1) + t]`: consumption of store `i` over periods `0..t`.
    cum: Vec<i64>,
    /// Whether a store should be filled up (its holding cost is below the depot's).
    fill: Vec<bool>,
    /// Rank of a store's fill in cutting order (the least saving first).
    rank: Vec<usize>,
    // Scratch.
    level: Vec<i64>,
    need: Vec<i64>,
    q: Vec<i64>,
    members: Vec<usize>,
    pairs: Vec<(usize, usize)>,
}

impl<'a> Search<'a> {
    fn new(p: &'a IrpProblem, seed: u64) -> Self {
        let h = p.horizon;
        let n = p.stores.len();
        let k = p.vehicles.min(u8::MAX as usize - 1);
        let mut cum = vec![0_i64; n * (h + 1)];
        for (i, s) in p.stores.iter().enumerate() {
            for t in 0..h {
                cum[i * (h + 1) + t + 1] = cum[i * (h + 1) + t] + s.consumption[t];
            }
        }
        let h0 = p.depot.holding_cost;
        let fill = p.stores.iter().map(|s| s.holding_cost < h0).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            let sa = h0 - p.stores[a].holding_cost;
            let sb = h0 - p.stores[b].holding_cost;
            sa.total_cmp(&sb).then(a.cmp(&b))
        });
        let mut rank = vec![0; n];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        let max_travel = p.travel.iter().copied().max().unwrap_or(0) as f64;
        let max_holding = p.stores.iter().map(|s| s.holding_cost).fold(h0, f64::max);
        let penalty = 2.0 * max_travel + 10.0 * max_holding * h as f64 + 1.0;
        let pairs = (0..n).flat_map(|i| (0..h).map(move |t| (i, t))).collect();
        Self {
            p,
            h,
            n,
            k,
            rng: Rng::new(seed),
            penalty,
            cum,
            fill,
            rank,
            level: vec![0; n],
            need: vec![0; n],
            q: vec![0; n * h],
            members: Vec::new(),
            pairs,
        }
    }

    fn empty_state(&self) -> State {
        State {
            routes: vec![vec![Vec::new(); self.k]; self.h],
            route_cost: vec![vec![0; self.k]; self.h],
            slot: vec![0; self.n * self.h],
        }
    }

    fn route_cost(&self, route: &[usize]) -> i64 {
        let mut at = 0;
        let mut c = 0;
        for &i in route {
            c += self.p.cost(at, i + 1);
            at = i + 1;
        }
        c + self.p.cost(at, 0)
    }

    /// Cheapest insertion of store `i` into `route`: (delta, position).
    fn insertion(&self, route: &[usize], i: usize) -> (i64, usize) {
        let node = i + 1;
        let mut best = (i64::MAX, 0);
        let mut prev = 0;
        for pos in 0..=route.len() {
            let next = route.get(pos).map_or(0, |&j| j + 1);
            let d = self.p.cost(prev, node) + self.p.cost(node, next) - self.p.cost(prev, next);
            if d < best.0 {
                best = (d, pos);
            }
            prev = next;
        }
        best
    }

    fn insert(&self, st: &mut State, t: usize, k: usize, pos: usize, i: usize) {
        st.routes[t][k].insert(pos, i);
        st.route_cost[t][k] = self.route_cost(&st.routes[t][k]);
        st.slot[i * self.h + t] = (k + 1) as u8;
    }

    /// Removes store `i` from its route in period `t`; returns (route, position).
    fn remove(&self, st: &mut State, t: usize, i: usize) -> (usize, usize) {
        let k = st.slot[i * self.h + t] as usize - 1;
        let pos = st.routes[t][k].iter().position(|&j| j == i).unwrap_or(0);
        st.routes[t][k].remove(pos);
        st.route_cost[t][k] = self.route_cost(&st.routes[t][k]);
        st.slot[i * self.h + t] = 0;
        (k, pos)
    }

    /// Total cost of a state: travel plus greedy holding plus penalised shortage.
    fn cost(&mut self, st: &State) -> f64 {
        let (holding, shortage) = self.greedy(st);
        st.transport() as f64 + holding + self.penalty * shortage as f64
    }

    /// Greedy quantities into `self.q`; returns (holding cost, shortage units).
    fn greedy(&mut self, st: &State) -> (f64, i64) {
        let (h, n, p) = (self.h, self.n, self.p);
        for (l, s) in self.level.iter_mut().zip(&p.stores) {
            *l = s.initial;
        }
        let mut depot = p.depot.initial;
        let mut holding = 0.0;
        let mut shortage = 0;
        let mut members = std::mem::take(&mut self.members);
        for t in 0..h {
            let mut shipped = 0;
            for route in &st.routes[t] {
                if route.is_empty() {
                    continue;
                }
                let mut load = 0;
                for &i in route {
                    let s = &p.stores[i];
                    let next = (t + 1..h).find(|&u| st.slot[i * h + u] != 0).unwrap_or(h);
                    let cons = self.cum[i * (h + 1) + next] - self.cum[i * (h + 1) + t];
                    let cap = (s.max_level - self.level[i]).max(0);
                    let need = (s.min_level + cons - self.level[i]).clamp(0, cap);
                    self.need[i] = need;
                    let want = if self.fill[i] { cap } else { need };
                    self.q[i * h + t] = want;
                    load += want;
                }
                if load > p.capacity {
                    members.clear();
                    members.extend_from_slice(route);
                    load -= self.cut(&mut members, t, load - p.capacity);
                }
                shipped += load;
            }
            if shipped > depot {
                members.clear();
                for route in &st.routes[t] {
                    members.extend_from_slice(route);
                }
                shipped -= self.cut(&mut members, t, shipped - depot);
            }
            depot += p.depot.production[t] - shipped;
            holding += depot as f64 * p.depot.holding_cost;
            for i in 0..n {
                let s = &p.stores[i];
                if st.slot[i * h + t] != 0 {
                    self.level[i] += self.q[i * h + t];
                }
                self.level[i] -= s.consumption[t];
                if self.level[i] < s.min_level {
                    shortage += s.min_level - self.level[i];
                    self.level[i] = s.min_level;
                }
                holding += self.level[i] as f64 * s.holding_cost;
            }
        }
        self.members = members;
        (holding, shortage)
    }

    /// Cuts `excess` units from the quantities of `members` in period `t`: discretionary fills
    /// first, the least saving first, then needs from the last member. Returns the units cut.
    fn cut(&mut self, members: &mut [usize], t: usize, excess: i64) -> i64 {
        let h = self.h;
        let mut left = excess;
        members.sort_by_key(|&i| self.rank[i]);
        for &i in members.iter() {
            let extra = (self.q[i * h + t] - self.need[i]).min(left).max(0);
            self.q[i * h + t] -= extra;
            left -= extra;
            if left == 0 {
                return excess;
            }
        }
        for &i in members.iter().rev() {
            let c = self.q[i * h + t].min(left);
            self.q[i * h + t] -= c;
            left -= c;
            if left == 0 {
                break;
            }
        }
        excess - left
    }

    /// Units of minimum level missed with quantities `q` (`q[i * H + t]`).
    fn shortage_of(&self, q: &[i64]) -> i64 {
        self.simulate(q).1
    }

    /// Holding cost and shortage with the quantities `q`.
    fn simulate(&self, q: &[i64]) -> (f64, i64) {
        let (h, p) = (self.h, self.p);
        let mut depot = p.depot.initial;
        let mut holding = 0.0;
        let mut shortage = 0;
        let mut level: Vec<i64> = p.stores.iter().map(|s| s.initial).collect();
        for t in 0..h {
            let shipped: i64 = (0..self.n).map(|i| q[i * h + t]).sum();
            depot += p.depot.production[t] - shipped;
            holding += depot as f64 * p.depot.holding_cost;
            for (i, s) in p.stores.iter().enumerate() {
                level[i] += q[i * h + t] - s.consumption[t];
                if level[i] < s.min_level {
                    shortage += s.min_level - level[i];
                    level[i] = s.min_level;
                }
                holding += level[i] as f64 * s.holding_cost;
            }
        }
        (holding, shortage)
    }

    /// Exact quantities for the state's routes, with visits that get nothing dropped; returns
    /// the state, the quantities and the exact cost.
    fn exact(&mut self, st: &State) -> (State, Vec<i64>, f64) {
        let mut st = st.clone();
        let q = optimal_quantities(self.p, &st.routes, self.penalty);
        for t in 0..self.h {
            for i in 0..self.n {
                if st.slot[i * self.h + t] != 0 && q[i * self.h + t] == 0 {
                    self.remove(&mut st, t, i);
                }
            }
        }
        let (holding, shortage) = self.simulate(&q);
        let cost = st.transport() as f64 + holding + self.penalty * shortage as f64;
        (st, q, cost)
    }

    fn plan(&self, st: &State, q: &[i64]) -> IrpPlan {
        let periods = st
            .routes
            .iter()
            .enumerate()
            .map(|(t, routes)| {
                routes
                    .iter()
                    .filter(|r| !r.is_empty())
                    .map(|r| IrpRoute {
                        deliveries: r.iter().map(|&i| IrpDelivery { store: i, quantity: q[i * self.h + t] }).collect(),
                    })
                    .collect()
            })
            .collect();
        IrpPlan { periods }
    }

    /// First-improvement local search over visits, then route polishing, until no move helps.
    fn local_search(&mut self, st: &mut State) {
        let mut cost = self.cost(st);
        let mut pairs = std::mem::take(&mut self.pairs);
        loop {
            self.rng.shuffle(&mut pairs);
            let mut improved = false;
            for &(i, t) in &pairs {
                if let Some(c) = self.improve_pair(st, i, t, cost) {
                    cost = c;
                    improved = true;
                }
            }
            if self.polish(st) {
                cost = self.cost(st);
                improved = true;
            }
            if !improved {
                break;
            }
        }
        self.pairs = pairs;
    }

    /// Tries the moves of store `i` in period `t`; applies the first that lowers `cost`.
    fn improve_pair(&mut self, st: &mut State, i: usize, t: usize, cost: f64) -> Option<f64> {
        let h = self.h;
        if st.slot[i * h + t] != 0 {
            let (k, pos) = self.remove(st, t, i);
            let c = self.cost(st);
            if c < cost - EPS {
                return Some(c);
            }
            // Move to another period.
            for u in 0..h {
                if u == t || st.slot[i * h + u] != 0 {
                    continue;
                }
                if let Some(c) = self.try_insert(st, i, u, cost, None) {
                    return Some(c);
                }
            }
            // Move to another route of the same period.
            if let Some(c) = self.try_insert(st, i, t, cost, Some(k)) {
                return Some(c);
            }
            self.insert(st, t, k, pos, i);
            None
        } else {
            self.try_insert(st, i, t, cost, None)
        }
    }

    /// Inserts `i` into period `t` at the two cheapest routes (not `except`); keeps the
    /// insertion if the total falls below `cost`.
    fn try_insert(&mut self, st: &mut State, i: usize, t: usize, cost: f64, except: Option<usize>) -> Option<f64> {
        let mut first: Option<(i64, usize, usize)> = None;
        let mut second: Option<(i64, usize, usize)> = None;
        let mut empty_seen = false;
        for k in 0..self.k {
            if Some(k) == except {
                continue;
            }
            if st.routes[t][k].is_empty() {
                if empty_seen {
                    continue;
                }
                empty_seen = true;
            }
            let (d, pos) = self.insertion(&st.routes[t][k], i);
            let cand = (d, k, pos);
            if first.is_none_or(|f| d < f.0) {
                second = first;
                first = Some(cand);
            } else if second.is_none_or(|s| d < s.0) {
                second = Some(cand);
            }
        }
        for (_, k, pos) in [first, second].into_iter().flatten() {
            self.insert(st, t, k, pos, i);
            let c = self.cost(st);
            if c < cost - EPS {
                return Some(c);
            }
            self.remove(st, t, i);
        }
        None
    }

    /// 2-opt and or-opt inside every route; returns whether anything changed.
    fn polish(&self, st: &mut State) -> bool {
        let mut changed = false;
        for t in 0..self.h {
            for k in 0..self.k {
                if st.routes[t][k].len() < 3 {
                    continue;
                }
                let mut route = std::mem::take(&mut st.routes[t][k]);
                let before = st.route_cost[t][k];
                let after = self.polish_route(&mut route, before);
                if after < before {
                    changed = true;
                    st.route_cost[t][k] = after;
                }
                st.routes[t][k] = route;
            }
        }
        changed
    }

    fn polish_route(&self, route: &mut Vec<usize>, mut cost: i64) -> i64 {
        loop {
            let mut improved = false;
            let len = route.len();
            // 2-opt: reverse route[a..=b].
            for a in 0..len {
                for b in a + 1..len {
                    route[a..=b].reverse();
                    let c = self.route_cost(route);
                    if c < cost {
                        cost = c;
                        improved = true;
                    } else {
                        route[a..=b].reverse();
                    }
                }
            }
            // Or-opt: move one store elsewhere.
            for a in 0..len {
                let i = route.remove(a);
                let (d, pos) = self.insertion(route, i);
                let without = self.route_cost(route);
                if without + d < cost && pos != a {
                    route.insert(pos, i);
                    cost = without + d;
                    improved = true;
                } else {
                    route.insert(a, i);
                }
            }
            if !improved {
                return cost;
            }
        }
    }

    /// A few random drops, adds and period moves.
    fn perturb(&mut self, st: &mut State) {
        let h = self.h;
        let visits = st.slot.iter().filter(|&&s| s != 0).count();
        let moves = 1 + self.rng.below((visits / 8).max(2));
        for _ in 0..moves {
            let (i, t) = (self.rng.below(self.n), self.rng.below(h));
            let kind = self.rng.below(3);
            match (st.slot[i * h + t] != 0, kind) {
                (true, 0) => {
                    self.remove(st, t, i);
                }
                (true, _) => {
                    let u = self.rng.below(h);
                    if st.slot[i * h + u] == 0 {
                        self.remove(st, t, i);
                        self.insert_cheapest(st, i, u);
                    }
                }
                (false, _) => self.insert_cheapest(st, i, t),
            }
        }
    }

    fn insert_cheapest(&self, st: &mut State, i: usize, t: usize) {
        let mut best = (i64::MAX, 0, 0);
        for k in 0..self.k {
            let (d, pos) = self.insertion(&st.routes[t][k], i);
            if d < best.0 {
                best = (d, k, pos);
            }
        }
        self.insert(st, t, best.1, best.2, i);
    }
}

const EPS: f64 = 1e-6;
