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
        for t in 0..h {
            let start = if t == 0 { s.initial } else { 0 };
            net.add(inn(i, t), outn(i, t), s.max_level.max(start).max(s.min_level), 0);
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
