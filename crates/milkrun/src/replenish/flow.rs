//! Optimal delivery quantities for fixed routes, as a minimum-cost network flow.
//!
//! Once the routes of every period are fixed, choosing the quantities is a transportation
//! problem over time: stock flows from the depot's production through vehicles to stores and
//! from one period to the next, each period end paying its holding cost. The network (one node
//! per depot stock, vehicle, store before and after consumption, per period) is solved by
//! successive shortest paths with Dijkstra on reduced costs (all costs are non-negative).
//! Consumption that cannot be met is bought from a penalty arc, so the flow always exists and
//! the shortage is priced. As in the ALNS of Coelho, Cordeau and Laporte (2012), where the
//! quantities of a routing plan come from a network flow.
//!
//! # Complexity
//! O(A · E log V) time for A augmentations (at most the number of supply and demand arcs) on a
//! network of V = O(H (n + K)) nodes and E = O(H (n + K) + visits) arcs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::problem::IrpProblem;

const INF: i64 = i64::MAX / 4;

#[derive(Debug, Clone, Copy)]
struct Arc {
    to: usize,
    cap: i64,
    cost: i64,
}

/// A residual network with paired arcs (`2e` forward, `2e + 1` backward).
#[derive(Debug, Default)]
struct Network {
    arcs: Vec<Arc>,
    out: Vec<Vec<usize>>,
}

impl Network {
    fn with_nodes(n: usize) -> Self {
        Self { arcs: Vec::new(), out: vec![Vec::new(); n] }
    }

    fn add(&mut self, from: usize, to: usize, cap: i64, cost: i64) -> usize {
        let e = self.arcs.len();
        self.arcs.push(Arc { to, cap, cost });
        self.arcs.push(Arc { to: from, cap: 0, cost: -cost });
        self.out[from].push(e);
        self.out[to].push(e + 1);
        e
    }

    fn flow(&self, e: usize) -> i64 {
        self.arcs[e + 1].cap
    }

    /// Sends as much flow as possible from `s` to `t` at least cost; costs must be
    /// non-negative on the arcs that have capacity.
    fn min_cost_max_flow(&mut self, s: usize, t: usize) {
        let n = self.out.len();
        let mut potential = vec![0_i64; n];
        let mut dist = vec![INF; n];
        let mut via = vec![usize::MAX; n];
        let mut heap = BinaryHeap::new();
        loop {
            dist.fill(INF);
            via.fill(usize::MAX);
            dist[s] = 0;
            heap.push(Reverse((0_i64, s)));
            while let Some(Reverse((d, v))) = heap.pop() {
                if d > dist[v] {
                    continue;
                }
                for &e in &self.out[v] {
                    let a = self.arcs[e];
                    if a.cap <= 0 {
                        continue;
                    }
                    let nd = d + a.cost + potential[v] - potential[a.to];
                    if nd < dist[a.to] {
                        dist[a.to] = nd;
                        via[a.to] = e;
                        heap.push(Reverse((nd, a.to)));
                    }
                }
            }
            if dist[t] >= INF {
                return;
            }
            let reach = dist[t];
            for (p, &d) in potential.iter_mut().zip(&dist) {
                *p += d.min(reach);
            }
            let mut push = INF;
            let mut v = t;
            while v != s {
                let e = via[v];
                push = push.min(self.arcs[e].cap);
                v = self.arcs[e ^ 1].to;
            }
            let mut v = t;
            while v != s {
                let e = via[v];
                self.arcs[e].cap -= push;
                self.arcs[e ^ 1].cap += push;
                v = self.arcs[e ^ 1].to;
            }
        }
    }
}

/// Costs are scaled to integers with this factor (holding costs have a few decimals).
const SCALE: f64 = 10_000.0;

/// The quantities minimising holding cost plus `shortage_penalty` per unit of unmet
/// consumption (or minimum level), for the routes given: `routes[t][k]` lists the stores of
/// vehicle `k` in period `t`. Returns `q[store * H + t]`.
///
/// The rules are the benchmark's: a store's level after delivery at most its maximum, the
/// depot ships only the stock it holds at the start of a period, each route at most the
/// vehicle capacity.
pub(crate) fn optimal_quantities(problem: &IrpProblem, routes: &[Vec<Vec<usize>>], shortage_penalty: f64) -> Vec<i64> {
    let h = problem.horizon;
    let n = problem.stores.len();
    let k_max = routes.iter().map(Vec::len).max().unwrap_or(0);
    // Node numbering.
    let src = 0;
    let sink = 1;
    let fin = 2;
    let pen = 3;
    let sup = |t: usize| 4 + t; // depot stock available to ship in t
    let prod = |t: usize| 4 + h + t; // depot stock after shipping, production added
    let veh = |t: usize, k: usize| 4 + 2 * h + t * k_max + k;
    let base = 4 + 2 * h + h * k_max;
    let inn = |i: usize, t: usize| base + 2 * (i * h + t);
    let outn = |i: usize, t: usize| base + 2 * (i * h + t) + 1;
    let mut net = Network::with_nodes(base + 2 * n * h);
    let scaled = |c: f64| (c * SCALE).round() as i64;
    let penalty = scaled(shortage_penalty);
    let mut supply = 0_i64;
    let mut demand = 0_i64;

    // The depot.
    net.add(src, sup(0), problem.depot.initial, 0);
    supply += problem.depot.initial;
    let h0 = scaled(problem.depot.holding_cost);
    for t in 0..h {
        net.add(sup(t), prod(t), INF, 0);
        net.add(src, prod(t), problem.depot.production[t], 0);
        supply += problem.depot.production[t];
        let next = if t + 1 < h { sup(t + 1) } else { fin };
        net.add(prod(t), next, INF, h0);
    }
    // Vehicles and their stores.
    let mut delivery_arcs = Vec::new();
    for (t, period) in routes.iter().enumerate().take(h) {
        for (k, route) in period.iter().enumerate() {
            if route.is_empty() {
                continue;
            }
            net.add(sup(t), veh(t, k), problem.capacity, 0);
            for &i in route {
                delivery_arcs.push((i, t, net.add(veh(t, k), inn(i, t), INF, 0)));
            }
        }
    }
    // Stores: level before consumption capped by the maximum; consumption and the minimum level
    // are forced demands (the minimum by the usual lower-bound transformation).
    for (i, s) in problem.stores.iter().enumerate() {
        let hi = scaled(s.holding_cost);
        net.add(src, inn(i, 0), s.initial, 0);
        supply += s.initial;
        // What is left of the initial stock before any delivery: above the maximum, it passes
        // (a store above its maximum gets no delivery, but its stock is not lost).
        let mut untouched = s.initial;
        for t in 0..h {
            net.add(inn(i, t), outn(i, t), s.max_level.max(untouched).max(s.min_level), 0);
            untouched -= s.consumption[t];
            let forced = s.consumption[t] + s.min_level;
            net.add(outn(i, t), sink, forced, 0);
            demand += forced;
            net.add(pen, outn(i, t), INF, penalty);
            let next = if t + 1 < h {
                net.add(src, inn(i, t + 1), s.min_level, 0);
                supply += s.min_level;
                inn(i, t + 1)
            } else {
                fin
            };
            net.add(outn(i, t), next, INF, hi);
        }
    }
    // Unused penalty capacity and all the stock left at the end go to the sink through `fin`,
    // whose capacity (the total supply) forces every demand arc to be saturated.
    net.add(src, pen, demand, 0);
    net.add(pen, fin, INF, 0);
    net.add(fin, sink, supply, 0);
    net.min_cost_max_flow(src, sink);
    let mut q = vec![0_i64; n * h];
    for (i, t, e) in delivery_arcs {
        q[i * h + t] += net.flow(e);
    }
    q
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use milkrun_routing::Rng;

    use super::optimal_quantities;
    use crate::replenish::problem::{IrpDepot, IrpProblem, IrpSpec, IrpStore};

    /// Whether `q` respects the routes (nothing delivered off them), the capacity, the
    /// depot's start-of-period stock and the maximum level after a delivery (levels as in
    /// `IrpProblem::holding_and_shortage`).
    fn allowed(p: &IrpProblem, routes: &[Vec<Vec<usize>>], q: &[i64]) -> bool {
        let h = p.horizon;
        let mut depot = p.depot.initial;
        let mut level: Vec<i64> = p.stores.iter().map(|s| s.initial).collect();
        for (t, period) in routes.iter().enumerate() {
            let mut shipped = 0;
            for route in period {
                let load: i64 = route.iter().map(|&i| q[i * h + t]).sum();
                if load > p.capacity {
                    return false;
                }
                shipped += load;
            }
            if shipped > depot {
                return false;
            }
            depot += p.depot.production[t] - shipped;
            for (i, s) in p.stores.iter().enumerate() {
                let visited = period.iter().any(|r| r.contains(&i));
                let qt = q[i * h + t];
                if qt < 0 || (!visited && qt != 0) || (qt > 0 && level[i] + qt > s.max_level) {
                    return false;
                }
                level[i] = (level[i] + qt - s.consumption[t]).max(s.min_level);
            }
        }
        true
    }

    fn cost(p: &IrpProblem, q: &[i64], penalty: f64) -> f64 {
        let (holding, shortage) = p.holding_and_shortage(q);
        holding + penalty * shortage as f64
    }

    /// The least cost over every integer quantity vector the rules allow, by enumeration of
    /// the visited cells (each at most the store's maximum level and the capacity).
    fn brute_force(p: &IrpProblem, routes: &[Vec<Vec<usize>>], penalty: f64) -> f64 {
        let h = p.horizon;
        let cells: Vec<(usize, i64)> = routes
            .iter()
            .enumerate()
            .flat_map(|(t, period)| period.iter().flatten().map(move |&i| (i, t)))
            .map(|(i, t)| (i * h + t, p.stores[i].max_level.min(p.capacity)))
            .collect();
        let mut q = vec![0_i64; p.stores.len() * h];
        let mut best = f64::INFINITY;
        loop {
            if allowed(p, routes, &q) {
                best = best.min(cost(p, &q, penalty));
            }
            // The next vector, odometer-wise.
            let mut c = 0;
            while c < cells.len() && q[cells[c].0] == cells[c].1 {
                q[cells[c].0] = 0;
                c += 1;
            }
            if c == cells.len() {
                return best;
            }
            q[cells[c].0] += 1;
        }
    }

    fn small(rng: &mut Rng, most: usize) -> i64 {
        rng.below(most + 1) as i64
    }

    fn cents(rng: &mut Rng, most: usize) -> f64 {
        rng.below(most + 1) as f64 / 100.0
    }

    /// A tiny random problem: 2 stores, `h` periods, levels at most 8 (an initial level may
    /// exceed the maximum).
    fn tiny_problem(rng: &mut Rng, h: usize) -> IrpProblem {
        let stores = (0..2)
            .map(|_| {
                let max_level = 1 + small(rng, 7);
                IrpStore {
                    initial: small(rng, 8),
                    max_level,
                    min_level: small(rng, max_level.min(3) as usize),
                    consumption: (0..h).map(|_| small(rng, 5)).collect(),
                    holding_cost: cents(rng, 100),
                }
            })
            .collect();
        IrpSpec {
            name: "tiny".into(),
            vehicle_capacity: 1 + small(rng, 9),
            vehicles: 2,
            travel_cost: vec![vec![0, 4, 5], vec![4, 0, 3], vec![5, 3, 0]],
            depot: IrpDepot {
                initial: small(rng, 10),
                production: (0..h).map(|_| small(rng, 6)).collect(),
                holding_cost: cents(rng, 100),
            },
            stores,
        }
        .validate()
        .unwrap()
    }

    /// Per period one or two routes, each store on one of them or on none.
    fn tiny_routes(rng: &mut Rng, h: usize) -> Vec<Vec<Vec<usize>>> {
        (0..h)
            .map(|_| {
                let mut routes = vec![Vec::new(); 1 + rng.below(2)];
                for i in 0..2 {
                    let k = rng.below(routes.len() + 1);
                    if k < routes.len() {
                        routes[k].push(i);
                    }
                }
                routes
            })
            .collect()
    }

    fn assert_optimal(p: &IrpProblem, routes: &[Vec<Vec<usize>>], penalty: f64, case: usize) {
        let q = optimal_quantities(p, routes, penalty);
        assert!(allowed(p, routes, &q), "case {case}: q {q:?} breaks a rule\n{p:?}\nroutes {routes:?}");
        let (got, best) = (cost(p, &q, penalty), brute_force(p, routes, penalty));
        assert!(
            (got - best).abs() < 1e-6,
            "case {case}: flow costs {got}, enumeration {best}\n{p:?}\nroutes {routes:?}\nq {q:?} penalty {penalty}"
        );
    }

    #[test]
    fn flow_quantities_cost_what_the_best_allowed_integer_vector_costs() {
        let mut rng = Rng::new(2024);
        for case in 0..600 {
            let h = 2 + rng.below(2);
            let p = tiny_problem(&mut rng, h);
            let routes = tiny_routes(&mut rng, h);
            let penalty = [0.5, 3.0, 40.0][rng.below(3)];
            assert_optimal(&p, &routes, penalty, case);
        }
    }

    #[test]
    fn stock_above_the_maximum_is_carried_not_lost() {
        // 8 units, maximum 5: the store starts periods 1 and 2 with 6 and 4 units, so period 2
        // can take 1 unit, not the 3 a flow that forgot the excess of period 1 would send.
        let p = IrpSpec {
            name: "above".into(),
            vehicle_capacity: 10,
            vehicles: 1,
            travel_cost: vec![vec![0, 4], vec![4, 0]],
            depot: IrpDepot { initial: 10, production: vec![0; 3], holding_cost: 1.0 },
            stores: vec![IrpStore {
                initial: 8,
                max_level: 5,
                min_level: 0,
                consumption: vec![2; 3],
                holding_cost: 0.1,
            }],
        }
        .validate()
        .unwrap();
        let routes = vec![vec![vec![]], vec![vec![]], vec![vec![0]]];
        assert_eq!(optimal_quantities(&p, &routes, 5.0), vec![0, 0, 1]);
        assert_optimal(&p, &routes, 5.0, 0);
    }

    #[test]
    fn without_routes_nothing_is_delivered() {
        let mut rng = Rng::new(7);
        let p = tiny_problem(&mut rng, 2);
        assert_eq!(optimal_quantities(&p, &[vec![vec![]], vec![vec![]]], 10.0), vec![0; 4]);
    }
}
