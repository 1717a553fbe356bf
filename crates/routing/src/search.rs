//! Granular local search over the working solution: relocate (of one or two clients, the pair
//! possibly reversed), swap (1-1, 2-1, 2-2), 2-opt within a route, 2-opt* between routes,
//! moves into an empty route, insertion/removal of optional clients, SWAP*, and, with several
//! vehicle types, whole-route moves (exchange two routes' vehicles; merge two routes into one
//! vehicle of any type). Each candidate is
//! evaluated in O(1) from the routes' cached prefix and suffix segments (intra-route moves with
//! time windows cost O(route length)); the first improving move is applied.
//!
//! Which pairs are examined follows Vidal et al. (2012, 2022): client `u` with each of its
//! granular neighbours `v`, skipped when neither route changed since `u` was last examined.
//!
//! Reference: T. Vidal (2022), "Hybrid genetic search for the CVRP: Open-source implementation
//! and SWAP* neighborhood", Computers & Operations Research 140.

mod pairs;

pub(crate) use pairs::insert_pair;

use crate::data::{Data, NO_PARTNER};
use crate::rng::Rng;
use crate::route::{with_chain, Acc, Chain, Eval, Tours, NONE};

/// With time windows, an intra-route move costs O(distance between the two positions); moves
/// between positions farther apart than this are left to the perturbation.
const MAX_INTRA_SPAN: usize = 16;

/// Waiting time of `route`: its duration less its travel and service times (at least 0).
fn waiting(data: &Data, route: &crate::route::Route) -> i64 {
    if route.is_empty() {
        return 0;
    }
    let nodes = &route.nodes;
    let travel: i64 = nodes.windows(2).map(|w| data.t(w[0], w[1])).sum();
    let service: i64 = nodes.iter().map(|&c| data.service[c as usize]).sum();
    // (Reload times count as waiting: the bound only gets weaker.)
    (route.totals(data).dur.duration - travel - service).max(0)
}

/// Reusable local search state (timestamps and scratch buffers).
#[derive(Debug, Clone, Default)]
pub(crate) struct LocalSearch {
    last_tested: Vec<u64>,
    order: Vec<u32>,
    costs: Vec<i64>,
    scratch_u: Vec<u32>,
    scratch_v: Vec<u32>,
    /// Cost change of removing the current `u` from its route (valid until a move is applied).
    remove_u: std::cell::Cell<Option<i64>>,
    /// Per route: the penalty part of `costs`.
    pens: Vec<i64>,
    /// Whether the distance lower bound may prune evaluations (time windows, costs per
    /// distance and duration not negative).
    filter: bool,
    /// Whether the bound must account for costs per duration (then `waits` is kept).
    timed_bound: bool,
    /// Per route: its waiting time, duration minus travel and service time (with `timed_bound`).
    waits: Vec<i64>,
    /// Per route: clock value when SWAP* last examined it.
    swap_star_tested: Vec<u64>,
    /// SWAP* scratch: the non-empty routes.
    used_routes: Vec<usize>,
    /// SWAP* scratch: the three cheapest insertions of each client of one route into another.
    top3: Vec<[(i64, usize); 3]>,
    /// Pair relocation and exchange scratch: a route without the pair being moved.
    reduced: Option<crate::route::Route>,
    /// Pair exchange scratch: the other route without its pair.
    reduced_other: Option<crate::route::Route>,
    /// Moves evaluated (for the ns/move benchmark) and applied.
    pub(crate) evaluated: u64,
    pub(crate) applied: u64,
}

/// Where a segment goes: what a move does, for evaluation and application alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Move {
    /// Move `n` clients from `pu` in route `ru` to after `pv` in route `rv` (`rev`: reversed),
    /// or swap them with the `m` clients at `pv` when `m > 0`.
    Exchange { ru: usize, pu: usize, n: usize, rv: usize, pv: usize, m: usize, rev: bool },
    /// Reverse positions `i..=j` of route `r`.
    TwoOpt { r: usize, i: usize, j: usize },
    /// Exchange the tails after `pu` in `ru` and after `pv` in `rv`.
    Tails { ru: usize, pu: usize, rv: usize, pv: usize },
    /// Move client `u` into the empty route `rv`.
    ToEmpty { u: u32, rv: usize },
    /// Exchange the whole visit sequences of routes `r1` and `r2`, of different vehicle types
    /// (`r2` may be empty): the way to a cheaper or larger vehicle for a whole route.
    SwapRoutes { r1: usize, r2: usize },
    /// Serve the visits of `r1` then those of `r2` with route `into` (one of the two, or an
    /// empty route of any type); the other routes become empty.
    Merge { r1: usize, r2: usize, into: usize },
    /// Remove the client at position `p` of route `r` (optional clients only).
    Remove { r: usize, p: usize },
    /// Multi-trip: serve route `r2`'s visits as further trips of route `r1` (a reload at `loc`
    /// in between); `r2` becomes empty.
    ChainTrips { r1: usize, r2: usize, loc: u32 },
    /// Multi-trip: insert a reload at depot location `loc` after position `after` of route `r`.
    AddReload { r: usize, after: usize, loc: u32 },
    /// Multi-trip: remove the reload at position `p` of route `r` (its two trips become one).
    DropReload { r: usize, p: usize },
    /// Multi-trip: move the client at `pu` of `ru` to after `pv` of `rv` together with a new
    /// reload at `loc`, before the client (`v R u`) or after it (`v u R`).
    WithReload { ru: usize, pu: usize, rv: usize, pv: usize, loc: u32, before: bool },
}

/// The reload site of vehicle type `vt` closest to client `u`, if its routes may take another
/// reload (`reloads` so far).
#[inline]
fn reload_site(data: &Data, vt: &crate::data::VType, reloads: u32, u: u32) -> Option<u32> {
    if reloads >= vt.max_reloads {
        return None;
    }
    vt.reload_locs.iter().copied().min_by_key(|&r| (data.d(r, u) + data.d(u, r), r))
}

impl LocalSearch {
    pub(crate) fn new(data: &Data) -> Self {
        Self { last_tested: vec![0; data.n], ..Self::default() }
    }

    /// Improves `tours` until no move improves its penalised cost under `eval`.
    pub(crate) fn run(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, rng: &mut Rng) {
        if data.shipments {
            self.run_in::<true>(data, tours, eval, rng);
        } else {
            self.run_in::<false>(data, tours, eval, rng);
        }
    }

    /// [`LocalSearch::run`]; with `SHIP` (instances with shipments) only moves that keep
    /// every pair whole on one route, pickup first, plus the pair moves of `pairs.rs`.
    fn run_in<const SHIP: bool>(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, rng: &mut Rng) {
        self.costs.clear();
        self.costs.extend(tours.routes.iter().map(|r| eval.route_cost(data, r)));
        self.pens.clear();
        self.pens.extend(tours.routes.iter().map(|r| eval.route_penalty(data, r)));
        // (Also on simulated instances: the bound reads only distances, travel and service
        // times and each route's penalty and waiting, from its exact totals; a duration never
        // drops below the travel and service time, breaks or not.)
        self.filter = data.has_time && data.vtypes.iter().all(|v| v.unit_duration >= 0 && v.unit_distance >= 0);
        self.timed_bound = self.filter && data.vtypes.iter().any(|v| v.unit_duration > 0);
        self.waits.clear();
        if self.timed_bound {
            self.waits.extend(tours.routes.iter().map(|r| waiting(data, r)));
        }
        self.order.clear();
        self.order.extend(data.clients().map(|c| c as u32));
        rng.shuffle(&mut self.order);
        let order = std::mem::take(&mut self.order);
        loop {
            let mut improved = false;
            for &u in &order {
                let shipment = SHIP && data.partner[u as usize] != NO_PARTNER;
                if !data.required[u as usize] {
                    let changed = if shipment {
                        self.optional_pair(data, tours, eval, u)
                    } else {
                        self.optional(data, tours, eval, u)
                    };
                    improved |= changed;
                }
                if !tours.assigned(u) {
                    continue;
                }
                self.remove_u.set(None);
                let last = self.last_tested[u as usize];
                self.last_tested[u as usize] = tours.clock;
                for &v in &data.neighbours[u as usize] {
                    let (ru, rv) = (tours.route_of[u as usize], tours.route_of[v as usize]);
                    if rv == NONE || ru == NONE {
                        continue;
                    }
                    let changed = tours.routes[ru as usize].modified.max(tours.routes[rv as usize].modified);
                    if changed <= last {
                        continue;
                    }
                    if self.pair::<SHIP>(data, tours, eval, u, v) {
                        improved = true;
                    }
                }
                let ru = tours.route_of[u as usize];
                if !shipment
                    && ru != NONE
                    && tours.routes[ru as usize].modified > last
                    && self.move_to_empty_route(data, tours, eval, u)
                {
                    improved = true;
                }
                if shipment
                    && data.is_pickup_half(u)
                    && ru != NONE
                    && tours.routes[ru as usize].modified > last
                    && (self.relocate_pair(data, tours, eval, u) || self.exchange_pairs(data, tours, eval, u))
                {
                    improved = true;
                }
                let ru = tours.route_of[u as usize];
                if data.multi_trip
                    && ru != NONE
                    && tours.routes[ru as usize].modified > last
                    && self.reload_moves(data, tours, eval, u)
                {
                    improved = true;
                }
            }
            if !SHIP && data.swap_star() && self.swap_star_pass(data, tours, eval) {
                improved = true;
            }
            // O(routes²), every round (not only once the client moves are exhausted): with
            // several vehicle types a client move often pays only once its route has changed
            // vehicle, and the penalised search otherwise rarely reaches that pair of moves
            // (HFVRP at 2 s per 100 nodes, same run: mean gap 2.775 % -> 2.604 %).
            if data.vtypes.len() > 1 && self.swap_routes_pass(data, tours, eval) {
                improved = true;
            }
            // O(routes² x route length): only once the client moves are exhausted.
            if !improved && data.multi_trip && self.merge_trips_pass(data, tours, eval) {
                improved = true;
            }
            // O(route length) each: only once the client moves are exhausted. Not for windows
            // on a symmetric matrix: measured on Solomon at 2 s, the pass cost more search time
            // than it found (0.46-0.60 % mean gap with it, 0.40-0.43 % without).
            // (Never with shipments: a reversed route delivers before it picks up.)
            if !SHIP && !improved && (!data.symmetric || data.mixed) && self.reverse_pass(data, tours, eval) {
                improved = true;
            }
            if !improved {
                break;
            }
        }
        self.order = order;
    }

    /// Evaluates (without applying) every inter-route exchange of `n` clients at `u` with `m`
    /// at each neighbour `v` (after `v` when `m == 0`). Benchmarks only.
    pub(crate) fn sweep(&self, data: &Data, tours: &Tours, eval: &Eval, n: usize, m: usize) -> (u64, i64) {
        let (mut count, mut sum) = (0u64, 0i64);
        for u in data.clients() {
            let (ru, pu) = (tours.route_of[u] as usize, tours.pos_of[u] as usize);
            if tours.route_of[u] == NONE || pu + n - 1 > tours.routes[ru].len() {
                continue;
            }
            self.remove_u.set(None);
            for &v in &data.neighbours[u] {
                let (rv, pv) = (tours.route_of[v as usize] as usize, tours.pos_of[v as usize] as usize);
                if tours.route_of[v as usize] == NONE || rv == ru || pv + m.max(1) - 1 > tours.routes[rv].len() {
                    continue;
                }
                count += 1;
                sum += self.delta(data, tours, eval, Move::Exchange { ru, pu, n, rv, pv, m, rev: false });
            }
        }
        (count, sum)
    }

    /// Tries the node moves between `u` and its neighbour `v`; applies the first improving one.
    fn pair<const SHIP: bool>(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, u: u32, v: u32) -> bool {
        let (ru, pu) = (tours.route_of[u as usize] as usize, tours.pos_of[u as usize] as usize);
        let (rv, pv) = (tours.route_of[v as usize] as usize, tours.pos_of[v as usize] as usize);
        let (nodes_u, nodes_v) = (&tours.routes[ru].nodes, &tours.routes[rv].nodes);
        let mut last_u = nodes_u.len() - 2; // last client position of ru
        let mut last_v = nodes_v.len() - 2;
        if data.multi_trip {
            // Moved pairs never hold a reload: treat a reload after u (or v) as the route's end.
            if data.is_depot(nodes_u[pu + 1]) {
                last_u = pu;
            }
            if data.is_depot(nodes_v[pv + 1]) {
                last_v = pv;
            }
        }
        let mut candidates = [None; 9];
        let mut k = 0;
        let mut push = |m: Move| {
            candidates[k] = Some(m);
            k += 1;
        };
        if ru != rv {
            push(Move::Exchange { ru, pu, n: 1, rv, pv, m: 0, rev: false });
            if pv == 1 {
                push(Move::Exchange { ru, pu, n: 1, rv, pv: 0, m: 0, rev: false });
            }
            if pu < last_u {
                push(Move::Exchange { ru, pu, n: 2, rv, pv, m: 0, rev: false });
                push(Move::Exchange { ru, pu, n: 2, rv, pv, m: 0, rev: true });
            }
            push(Move::Exchange { ru, pu, n: 1, rv, pv, m: 1, rev: false });
            if pu < last_u {
                push(Move::Exchange { ru, pu, n: 2, rv, pv, m: 1, rev: false });
                if pv < last_v {
                    push(Move::Exchange { ru, pu, n: 2, rv, pv, m: 2, rev: false });
                }
            }
            push(Move::Tails { ru, pu, rv, pv });
        } else if !data.has_time || pu.abs_diff(pv) <= MAX_INTRA_SPAN {
            if pv + 1 != pu {
                push(Move::Exchange { ru, pu, n: 1, rv, pv, m: 0, rev: false });
            }
            if pu < last_u && pv + 1 != pu && pv != pu + 1 {
                push(Move::Exchange { ru, pu, n: 2, rv, pv, m: 0, rev: false });
            }
            push(Move::Exchange { ru, pu, n: 1, rv, pv, m: 1, rev: false });
            if pu < last_u && pv != pu + 1 {
                push(Move::Exchange { ru, pu, n: 2, rv, pv, m: 1, rev: false });
                if pv < last_v && pv + 1 != pu && pv != pu + 1 {
                    push(Move::Exchange { ru, pu, n: 2, rv, pv, m: 2, rev: false });
                }
            }
            if !data.has_time && pu < pv {
                push(Move::TwoOpt { r: ru, i: pu + 1, j: pv });
            }
        }
        // (By reference: iterating the array by value copied it whole on every call.)
        self.first_improving::<SHIP>(data, tours, eval, &candidates[..k])
            || data.multi_trip && ru != rv && self.pair_reloads(data, tours, eval, u, v)
    }

    /// The multi-trip moves between `u` and its neighbour `v` on another route: `u` to the
    /// start of `v`'s trip, and `u` after `v` with a new reload before or after it. (Out of
    /// line: `pair` runs for every neighbour pair and stays as small as it was.)
    #[inline(never)]
    fn pair_reloads(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, u: u32, v: u32) -> bool {
        let (ru, pu) = (tours.route_of[u as usize] as usize, tours.pos_of[u as usize] as usize);
        let (rv, pv) = (tours.route_of[v as usize] as usize, tours.pos_of[v as usize] as usize);
        let b = &tours.routes[rv];
        let nodes_v = &b.nodes;
        let mut candidates = [None; 3];
        if pv > 1 && data.is_depot(nodes_v[pv - 1]) {
            // At the start of v's trip.
            candidates[0] = Some(Move::Exchange { ru, pu, n: 1, rv, pv: pv - 1, m: 0, rev: false });
        }
        if let Some(loc) = reload_site(data, &data.vtypes[b.vt], b.reloads(), u) {
            candidates[1] = Some(Move::WithReload { ru, pu, rv, pv, loc, before: true });
            if !data.is_depot(nodes_v[pv + 1]) && pv + 1 < nodes_v.len() - 1 {
                candidates[2] = Some(Move::WithReload { ru, pu, rv, pv, loc, before: false });
            }
        }
        self.first_improving::<false>(data, tours, eval, &candidates)
    }

    /// Evaluates `moves` in order and applies the first improving one; with `SHIP`, only moves
    /// that keep shipment pairs whole.
    fn first_improving<const SHIP: bool>(
        &mut self,
        data: &Data,
        tours: &mut Tours,
        eval: &Eval,
        moves: &[Option<Move>],
    ) -> bool {
        for &m in moves.iter().flatten() {
            if SHIP && !pairs::keeps_pairs(data, tours, m) {
                continue;
            }
            self.evaluated += 1;
            if self.delta(data, tours, eval, m) < 0 {
                self.apply(data, tours, eval, m);
                return true;
            }
        }
        false
    }

    /// The non-empty routes, in the reusable scratch list (give it back with
    /// `self.used_routes = used`).
    fn take_used_routes(&mut self, tours: &Tours) -> Vec<usize> {
        let mut used = std::mem::take(&mut self.used_routes);
        used.clear();
        used.extend((0..tours.routes.len()).filter(|&r| !tours.routes[r].is_empty()));
        used
    }

    fn refresh(&mut self, data: &Data, tours: &Tours, eval: &Eval, r: usize) {
        self.costs[r] = eval.route_cost(data, &tours.routes[r]);
        self.pens[r] = eval.route_penalty(data, &tours.routes[r]);
        if self.timed_bound {
            self.waits[r] = waiting(data, &tours.routes[r]);
        }
    }

    /// A lower bound on [`LocalSearch::delta`] of an exchange: distances change exactly,
    /// penalties can at most vanish, fixed costs stay, and with a cost per duration a route's
    /// duration can at most lose all its waiting (it never drops below its travel and service
    /// time). `None` when a route would empty or a segment is too long to bound cheaply.
    #[inline]
    fn bound(&self, data: &Data, tours: &Tours, m: Move) -> Option<i64> {
        let Move::Exchange { ru, rv, n, m: mm, .. } = m else { return None };
        let dist_inner = |r: &crate::route::Route, i: usize, j: usize, rev: bool| {
            if !rev {
                Some(r.cum_dist[j] - r.cum_dist[i])
            } else if i == j {
                Some(0)
            } else if j == i + 1 {
                Some(data.d(r.nodes[j], r.nodes[i]))
            } else {
                None
            }
        };
        let (da, db) = self.edge_deltas(tours, m, |a, b| data.d(a, b), dist_inner)?;
        let (vta, vtb) = (&data.vtypes[tours.routes[ru].vt], &data.vtypes[tours.routes[rv].vt]);
        let mut lb = vta.unit_distance * da - self.pens[ru];
        if ru != rv {
            lb += vtb.unit_distance * db - self.pens[rv];
        }
        if self.timed_bound {
            if n > 2 || mm > 2 {
                return None;
            }
            let time_inner = |r: &crate::route::Route, i: usize, j: usize, rev: bool| match j - i {
                0 => Some(0),
                1 if rev => Some(data.t(r.nodes[j], r.nodes[i])),
                1 => Some(data.t(r.nodes[i], r.nodes[j])),
                _ => None,
            };
            let (ta, tb) = self.edge_deltas(tours, m, |a, b| data.t(a, b), time_inner)?;
            if ru == rv {
                lb += vta.unit_duration * (ta - self.waits[ru]);
            } else {
                let Move::Exchange { pu, pv, .. } = m else { return None };
                let service = |r: &crate::route::Route, i: usize, k: usize| -> i64 {
                    r.nodes[i..i + k].iter().map(|&c| data.service[c as usize]).sum()
                };
                let (a, b) = (&tours.routes[ru], &tours.routes[rv]);
                let moved = service(a, pu, n) - if mm > 0 { service(b, pv, mm) } else { 0 };
                lb += vta.unit_duration * (ta - moved - self.waits[ru]);
                lb += vtb.unit_duration * (tb + moved - self.waits[rv]);
            }
        }
        Some(lb)
    }

    /// Change of the summed edge metric `d` of the route(s) of an exchange: (first route,
    /// second route); for a move within one route, (change, 0). `inner(r, i, j, rev)` is the
    /// metric along positions `i..=j` of `r` (reversed with `rev`), `None` if unknown.
    #[inline(always)]
    fn edge_deltas(
        &self,
        tours: &Tours,
        m: Move,
        d: impl Fn(u32, u32) -> i64,
        inner: impl Fn(&crate::route::Route, usize, usize, bool) -> Option<i64>,
    ) -> Option<(i64, i64)> {
        let Move::Exchange { ru, pu, n, rv, pv, m, rev } = m else { return None };
        let a = &tours.routes[ru];
        let an = &a.nodes;
        let (u1, un) = (an[pu], an[pu + n - 1]);
        let (p, x) = (an[pu - 1], an[pu + n]);
        if ru != rv {
            if m == 0 && a.len() == n {
                return None;
            }
            let b = &tours.routes[rv];
            let bn = &b.nodes;
            let inner_u = inner(a, pu, pu + n - 1, false)?;
            return Some(if m == 0 {
                let (v, y) = (bn[pv], bn[pv + 1]);
                let (f, l) = if rev { (un, u1) } else { (u1, un) };
                let inner_moved = if rev { inner(a, pu, pu + n - 1, true)? } else { inner_u };
                (d(p, x) - d(p, u1) - inner_u - d(un, x), d(v, f) + inner_moved + d(l, y) - d(v, y))
            } else {
                let (v1, vm) = (bn[pv], bn[pv + m - 1]);
                let inner_v = inner(b, pv, pv + m - 1, false)?;
                let (pb, xb) = (bn[pv - 1], bn[pv + m]);
                (
                    d(p, v1) + inner_v + d(vm, x) - d(p, u1) - inner_u - d(un, x),
                    d(pb, u1) + inner_u + d(un, xb) - d(pb, v1) - inner_v - d(vm, xb),
                )
            });
        }
        let change = if m == 0 {
            let (v, y) = (an[pv], an[pv + 1]);
            d(p, x) + d(v, u1) + d(un, y) - d(p, u1) - d(un, x) - d(v, y)
        } else {
            let ((s, ns), (t, nt)) = if pu < pv { ((pu, n), (pv, m)) } else { ((pv, m), (pu, n)) };
            if s + ns > t {
                return None;
            }
            let (ps, s1, sn) = (an[s - 1], an[s], an[s + ns - 1]);
            let (t1, tn, xt) = (an[t], an[t + nt - 1], an[t + nt]);
            if s + ns == t {
                d(ps, t1) + d(tn, s1) + d(sn, xt) - d(ps, s1) - d(sn, t1) - d(tn, xt)
            } else {
                let (q, r) = (an[s + ns], an[t - 1]);
                d(ps, t1) + d(tn, q) + d(r, s1) + d(sn, xt) - d(ps, s1) - d(sn, q) - d(r, t1) - d(tn, xt)
            }
        };
        Some((change, 0))
    }

    /// Change of penalised cost if `m` were applied, or a lower bound of it when that is not
    /// negative (the move does not improve).
    ///
    /// The relocation of the current client `u` on plain capacity instances is checked here
    /// first, in the caller: with the change of removing `u` cached, most of them end at three
    /// distance look-ups, and the full evaluation (large, with many registers to save) is not
    /// entered.
    #[inline(always)]
    fn delta(&self, data: &Data, tours: &Tours, eval: &Eval, m: Move) -> i64 {
        if let Move::Exchange { ru, pu, n: 1, rv, pv, m: 0, rev: false } = m {
            if ru != rv && !self.filter && data.simple_loads() {
                if let Some(delta_u) = self.remove_u.get() {
                    // (Inserting never lowers the receiving route's load penalty.)
                    let b = &tours.routes[rv];
                    let u = tours.routes[ru].nodes[pu];
                    let (v, y) = (b.nodes[pv], b.nodes[pv + 1]);
                    let added = data.d(v, u) + data.d(u, y) - data.d(v, y);
                    let d = delta_u + data.vtypes[b.vt].unit_distance * added;
                    if d >= 0 {
                        return d;
                    }
                }
            }
        }
        self.delta_full(data, tours, eval, m)
    }

    /// [`LocalSearch::delta`] without the shortcut.
    #[inline(never)]
    fn delta_full(&self, data: &Data, tours: &Tours, eval: &Eval, m: Move) -> i64 {
        if self.filter {
            if let Some(lb) = self.bound(data, tours, m) {
                if lb >= 0 {
                    return lb;
                }
            }
        }
        if data.simple_loads() {
            if let Move::Exchange { ru, pu, n, rv, pv, m, rev } = m {
                if ru != rv {
                    return self.delta_simple(data, tours, eval, ru, pu, n, rv, pv, m, rev);
                }
            }
        }
        if data.multi_trip || data.simulated() {
            return self.delta_rare(data, tours, eval, m);
        }
        self.delta_in::<Acc>(data, tours, eval, m)
    }

    /// [`LocalSearch::delta`] on multi-trip, several-window or ride-limit instances, kept out of
    /// line so that the single-trip evaluation inlined into `delta` stays as lean as it was.
    #[inline(never)]
    fn delta_rare(&self, data: &Data, tours: &Tours, eval: &Eval, m: Move) -> i64 {
        with_chain!(data, C => self.delta_in::<C>(data, tours, eval, m))
    }

    /// [`LocalSearch::delta`] with route summaries of type `C`.
    #[inline(always)]
    fn delta_in<C: Chain>(&self, data: &Data, tours: &Tours, eval: &Eval, m: Move) -> i64 {
        match m {
            Move::Exchange { ru, pu, n, rv, pv, m, rev } if ru != rv => {
                let (a, b) = (&tours.routes[ru], &tours.routes[rv]);
                let (vta, vtb) = (&data.vtypes[a.vt], &data.vtypes[b.vt]);
                let cached = if n == 1 && m == 0 { self.remove_u.get() } else { None };
                let delta_u = match cached {
                    Some(d) => d,
                    None => {
                        let mut acc_u = C::prefix_in(data, a, pu - 1);
                        if m > 0 {
                            acc_u = acc_u.range(data, b, pv, pv + m - 1);
                        }
                        acc_u = acc_u.suffix(data, a, pu + n);
                        let d = acc_u.cost(eval, data, vta, a.len() + m > n) - self.costs[ru];
                        if n == 1 && m == 0 {
                            self.remove_u.set(Some(d));
                        }
                        d
                    }
                };
                if m == 0 && vtb.unit_distance >= 0 && vtb.unit_duration >= 0 && !b.is_empty() {
                    // Inserting never lowers the receiving route's penalties: bound by distance.
                    let (v, y) = (b.nodes[pv], b.nodes[pv + 1]);
                    let (first, lastn) =
                        if rev { (a.nodes[pu + n - 1], a.nodes[pu]) } else { (a.nodes[pu], a.nodes[pu + n - 1]) };
                    let inner =
                        if rev && n == 2 { data.d(first, lastn) } else { a.cum_dist[pu + n - 1] - a.cum_dist[pu] };
                    let added = data.d(v, first) + inner + data.d(lastn, y) - data.d(v, y);
                    if delta_u + vtb.unit_distance * added >= 0 {
                        return 0;
                    }
                }
                let mut acc_v = C::prefix_in(data, b, if m > 0 { pv - 1 } else { pv });
                acc_v =
                    if rev { acc_v.range_rev(data, a, pu, pu + n - 1) } else { acc_v.range(data, a, pu, pu + n - 1) };
                acc_v = acc_v.suffix(data, b, pv + m.max(1));
                delta_u + acc_v.cost(eval, data, vtb, true) - self.costs[rv]
            }
            Move::Exchange { ru: r, pu, n, pv, m, .. } => {
                let route = &tours.routes[r];
                let vt = &data.vtypes[route.vt];
                let acc = if m == 0 {
                    if pv < pu {
                        C::prefix_in(data, route, pv)
                            .range(data, route, pu, pu + n - 1)
                            .range(data, route, pv + 1, pu - 1)
                            .suffix(data, route, pu + n)
                    } else {
                        C::prefix_in(data, route, pu - 1)
                            .range(data, route, pu + n, pv)
                            .range(data, route, pu, pu + n - 1)
                            .suffix(data, route, pv + 1)
                    }
                } else {
                    let ((a, na), (b, nb)) = if pu < pv { ((pu, n), (pv, m)) } else { ((pv, m), (pu, n)) };
                    if a + na > b {
                        return 0;
                    }
                    let mut acc = C::prefix_in(data, route, a - 1).range(data, route, b, b + nb - 1);
                    if a + na < b {
                        acc = acc.range(data, route, a + na, b - 1);
                    }
                    acc.range(data, route, a, a + na - 1).suffix(data, route, b + nb)
                };
                acc.cost(eval, data, vt, true) - self.costs[r]
            }
            Move::TwoOpt { r, i, j } => {
                let route = &tours.routes[r];
                let acc = C::prefix_in(data, route, i - 1).range_rev(data, route, i, j).suffix(data, route, j + 1);
                acc.cost(eval, data, &data.vtypes[route.vt], true) - self.costs[r]
            }
            Move::Tails { ru, pu, rv, pv } => {
                let (a, b) = (&tours.routes[ru], &tours.routes[rv]);
                let (vta, vtb) = (&data.vtypes[a.vt], &data.vtypes[b.vt]);
                let acc_u = C::prefix_in(data, a, pu).tail_to(data, b, pv + 1, vta, vtb);
                let acc_v = C::prefix_in(data, b, pv).tail_to(data, a, pu + 1, vtb, vta);
                let len_u = pu + (b.nodes.len() - 2 - pv);
                let len_v = pv + (a.nodes.len() - 2 - pu);
                acc_u.cost(eval, data, vta, len_u > 0) + acc_v.cost(eval, data, vtb, len_v > 0)
                    - self.costs[ru]
                    - self.costs[rv]
            }
            Move::SwapRoutes { r1, r2 } => {
                let (a, b) = (&tours.routes[r1], &tours.routes[r2]);
                let (vt1, vt2) = (&data.vtypes[a.vt], &data.vtypes[b.vt]);
                let under = |route: &crate::route::Route, vt: &crate::data::VType| {
                    if route.is_empty() {
                        return 0;
                    }
                    let acc = C::start(vt).range(data, route, 1, route.nodes.len() - 2).end(data, vt);
                    acc.cost(eval, data, vt, true)
                };
                under(a, vt2) + under(b, vt1) - self.costs[r1] - self.costs[r2]
            }
            Move::Merge { r1, r2, into } => {
                let (a, b) = (&tours.routes[r1], &tours.routes[r2]);
                let vt = &data.vtypes[tours.routes[into].vt];
                let acc = C::start(vt)
                    .range(data, a, 1, a.nodes.len() - 2)
                    .range(data, b, 1, b.nodes.len() - 2)
                    .end(data, vt);
                let before =
                    self.costs[r1] + self.costs[r2] + if into != r1 && into != r2 { self.costs[into] } else { 0 };
                acc.cost(eval, data, vt, true) - before
            }
            Move::ToEmpty { u, rv } => {
                let (ru, pu) = (tours.route_of[u as usize] as usize, tours.pos_of[u as usize] as usize);
                let a = &tours.routes[ru];
                let vta = &data.vtypes[a.vt];
                let vtb = &data.vtypes[tours.routes[rv].vt];
                let acc_u = C::prefix_in(data, a, pu - 1).suffix(data, a, pu + 1);
                let acc_v = C::start(vtb).node(data, u).end(data, vtb);
                acc_u.cost(eval, data, vta, a.len() > 1) - self.costs[ru] + acc_v.cost(eval, data, vtb, true)
            }
            Move::ChainTrips { r1, r2, loc } => {
                let (a, b) = (&tours.routes[r1], &tours.routes[r2]);
                let vt = &data.vtypes[a.vt];
                let acc = C::prefix_in(data, a, a.nodes.len() - 2)
                    .node(data, loc)
                    .range(data, b, 1, b.nodes.len() - 2)
                    .end(data, vt);
                acc.cost(eval, data, vt, true) - self.costs[r1] - self.costs[r2]
            }
            Move::AddReload { r, after, loc } => {
                let route = &tours.routes[r];
                let acc = C::prefix_in(data, route, after).node(data, loc).suffix(data, route, after + 1);
                acc.cost(eval, data, &data.vtypes[route.vt], true) - self.costs[r]
            }
            Move::DropReload { r, p } | Move::Remove { r, p } => {
                let route = &tours.routes[r];
                let acc = C::prefix_in(data, route, p - 1).suffix(data, route, p + 1);
                acc.cost(eval, data, &data.vtypes[route.vt], route.len() > 1) - self.costs[r]
            }
            Move::WithReload { ru, pu, rv, pv, loc, before } => {
                let (a, b) = (&tours.routes[ru], &tours.routes[rv]);
                let delta_u = match self.remove_u.get() {
                    Some(d) => d,
                    None => {
                        let acc = C::prefix_in(data, a, pu - 1).suffix(data, a, pu + 1);
                        let d = acc.cost(eval, data, &data.vtypes[a.vt], a.len() > 1) - self.costs[ru];
                        self.remove_u.set(Some(d));
                        d
                    }
                };
                let u = a.nodes[pu];
                let acc = C::prefix_in(data, b, pv);
                let acc = if before { acc.node(data, loc).node(data, u) } else { acc.node(data, u).node(data, loc) };
                let acc = acc.suffix(data, b, pv + 1);
                delta_u + acc.cost(eval, data, &data.vtypes[b.vt], true) - self.costs[rv]
            }
        }
    }

    /// [`LocalSearch::delta`] of an inter-route exchange when only distance and total load
    /// matter (no time, no mixed loads, no maximum distance): a handful of matrix lookups.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn delta_simple(
        &self,
        data: &Data,
        tours: &Tours,
        eval: &Eval,
        ru: usize,
        pu: usize,
        n: usize,
        rv: usize,
        pv: usize,
        m: usize,
        rev: bool,
    ) -> i64 {
        let (a, b) = (&tours.routes[ru], &tours.routes[rv]);
        let (vta, vtb) = (&data.vtypes[a.vt], &data.vtypes[b.vt]);
        let (an, bn) = (&a.nodes, &b.nodes);
        // Segment of u: positions pu..pu+n-1; of v: pv..pv+m-1 (empty when m == 0).
        let (u1, un) = (an[pu], an[pu + n - 1]);
        let inner_u = a.cum_dist[pu + n - 1] - a.cum_dist[pu];
        let seg_load = |r: &crate::route::Route, i: usize, j: usize| {
            let (x, y) = (&r.load_fwd[i - 1], &r.load_fwd[j]);
            let mut q = [0i64; crate::data::MAX_DIMS];
            for k in 0..crate::data::MAX_DIMS {
                q[k] = (y.delivery[k] - x.delivery[k]) + (y.pickup[k] - x.pickup[k]);
            }
            q
        };
        let total = |r: &crate::route::Route| {
            let l = &r.load_fwd[r.nodes.len() - 1];
            let mut q = [0i64; crate::data::MAX_DIMS];
            for k in 0..crate::data::MAX_DIMS {
                q[k] = l.delivery[k] + l.pickup[k];
            }
            q
        };
        let excess = |l: &[i64; crate::data::MAX_DIMS], cap: &[i64; crate::data::MAX_DIMS]| -> i64 {
            l.iter().zip(cap).map(|(x, c)| (x - c).max(0)).sum()
        };
        let (pa, xa) = (an[pu - 1], an[pu + n]);
        if m == 0 {
            // Loads are read only when the distances leave room for an improvement (most
            // relocations end at the distance check, the removal's change being cached).
            let delta_u = match self.remove_u.get().filter(|_| n == 1) {
                Some(d) => d,
                None => {
                    let dd = data.d(pa, xa) - data.d(pa, u1) - inner_u - data.d(un, xa);
                    let (qu, la) = (seg_load(a, pu, pu + n - 1), total(a));
                    let old_a = eval.w.load * excess(&la, &vta.capacity);
                    let mut l = la;
                    for k in 0..crate::data::MAX_DIMS {
                        l[k] -= qu[k];
                    }
                    let empty = a.len() == n;
                    let d = if empty {
                        -self.costs[ru]
                    } else {
                        vta.unit_distance * dd + eval.w.load * excess(&l, &vta.capacity) - old_a
                    };
                    if n == 1 {
                        self.remove_u.set(Some(d));
                    }
                    d
                }
            };
            let (v, y) = (bn[pv], bn[pv + 1]);
            // Reversed moves exist for pairs only: the pair is then driven u2 -> u1.
            let (f, l, inner) = if rev { (un, u1, data.d(un, u1)) } else { (u1, un, inner_u) };
            let added = data.d(v, f) + inner + data.d(l, y) - data.d(v, y);
            let mut d = delta_u + vtb.unit_distance * added;
            if d >= 0 {
                return d;
            }
            let (qu, lb) = (seg_load(a, pu, pu + n - 1), total(b));
            let old_b = eval.w.load * excess(&lb, &vtb.capacity);
            let mut lnew = lb;
            for k in 0..crate::data::MAX_DIMS {
                lnew[k] += qu[k];
            }
            d += eval.w.load * excess(&lnew, &vtb.capacity) - old_b;
            return d;
        }
        // Swap.
        let qu = seg_load(a, pu, pu + n - 1);
        let (la, lb) = (total(a), total(b));
        let old_a = eval.w.load * excess(&la, &vta.capacity);
        let old_b = eval.w.load * excess(&lb, &vtb.capacity);
        let (v1, vm) = (bn[pv], bn[pv + m - 1]);
        let inner_v = b.cum_dist[pv + m - 1] - b.cum_dist[pv];
        let (pb, xb) = (bn[pv - 1], bn[pv + m]);
        let qv = seg_load(b, pv, pv + m - 1);
        let dd_a = data.d(pa, v1) + inner_v + data.d(vm, xa) - data.d(pa, u1) - inner_u - data.d(un, xa);
        let dd_b = data.d(pb, u1) + inner_u + data.d(un, xb) - data.d(pb, v1) - inner_v - data.d(vm, xb);
        let (mut na, mut nb) = (la, lb);
        for k in 0..crate::data::MAX_DIMS {
            na[k] += qv[k] - qu[k];
            nb[k] += qu[k] - qv[k];
        }
        vta.unit_distance * dd_a
            + vtb.unit_distance * dd_b
            + eval.w.load * (excess(&na, &vta.capacity) + excess(&nb, &vtb.capacity))
            - old_a
            - old_b
    }

    fn apply(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, m: Move) {
        self.applied += 1;
        self.remove_u.set(None);
        let stamp = tours.tick();
        let (mut nu, mut nv) = (std::mem::take(&mut self.scratch_u), std::mem::take(&mut self.scratch_v));
        nu.clear();
        nv.clear();
        let touched: [Option<usize>; 2] = match m {
            Move::Exchange { ru, pu, n, rv, pv, m, rev } if ru != rv => {
                let (a, b) = (&tours.routes[ru].nodes, &tours.routes[rv].nodes);
                let seg_u = &a[pu..pu + n];
                nu.extend_from_slice(&a[1..pu]);
                if m > 0 {
                    nu.extend_from_slice(&b[pv..pv + m]);
                }
                nu.extend_from_slice(&a[pu + n..a.len() - 1]);
                let keep = if m > 0 { pv } else { pv + 1 };
                nv.extend_from_slice(&b[1..keep]);
                if rev {
                    nv.extend(seg_u.iter().rev());
                } else {
                    nv.extend_from_slice(seg_u);
                }
                nv.extend_from_slice(&b[pv + m.max(1)..b.len() - 1]);
                tours.set_route(data, ru, &nu, stamp);
                tours.set_route(data, rv, &nv, stamp);
                [Some(ru), Some(rv)]
            }
            Move::Exchange { ru: r, pu, n, pv, m, .. } => {
                let a = &tours.routes[r].nodes;
                if m == 0 {
                    if pv < pu {
                        nu.extend_from_slice(&a[1..=pv]);
                        nu.extend_from_slice(&a[pu..pu + n]);
                        nu.extend_from_slice(&a[pv + 1..pu]);
                        nu.extend_from_slice(&a[pu + n..a.len() - 1]);
                    } else {
                        nu.extend_from_slice(&a[1..pu]);
                        nu.extend_from_slice(&a[pu + n..=pv]);
                        nu.extend_from_slice(&a[pu..pu + n]);
                        nu.extend_from_slice(&a[pv + 1..a.len() - 1]);
                    }
                } else {
                    let ((x, nx), (y, ny)) = if pu < pv { ((pu, n), (pv, m)) } else { ((pv, m), (pu, n)) };
                    nu.extend_from_slice(&a[1..x]);
                    nu.extend_from_slice(&a[y..y + ny]);
                    nu.extend_from_slice(&a[x + nx..y]);
                    nu.extend_from_slice(&a[x..x + nx]);
                    nu.extend_from_slice(&a[y + ny..a.len() - 1]);
                }
                tours.set_route(data, r, &nu, stamp);
                [Some(r), None]
            }
            Move::TwoOpt { r, i, j } => {
                let a = &tours.routes[r].nodes;
                nu.extend_from_slice(&a[1..i]);
                nu.extend(a[i..=j].iter().rev());
                nu.extend_from_slice(&a[j + 1..a.len() - 1]);
                tours.set_route(data, r, &nu, stamp);
                [Some(r), None]
            }
            Move::Tails { ru, pu, rv, pv } => {
                let (a, b) = (&tours.routes[ru].nodes, &tours.routes[rv].nodes);
                nu.extend_from_slice(&a[1..=pu]);
                nu.extend_from_slice(&b[pv + 1..b.len() - 1]);
                nv.extend_from_slice(&b[1..=pv]);
                nv.extend_from_slice(&a[pu + 1..a.len() - 1]);
                tours.set_route(data, ru, &nu, stamp);
                tours.set_route(data, rv, &nv, stamp);
                [Some(ru), Some(rv)]
            }
            Move::SwapRoutes { r1, r2 } => {
                let (a, b) = (&tours.routes[r1].nodes, &tours.routes[r2].nodes);
                nu.extend_from_slice(&b[1..b.len() - 1]);
                nv.extend_from_slice(&a[1..a.len() - 1]);
                tours.set_route(data, r1, &nu, stamp);
                tours.set_route(data, r2, &nv, stamp);
                [Some(r1), Some(r2)]
            }
            Move::Merge { r1, r2, into } => {
                let (a, b) = (&tours.routes[r1].nodes, &tours.routes[r2].nodes);
                nu.extend_from_slice(&a[1..a.len() - 1]);
                nu.extend_from_slice(&b[1..b.len() - 1]);
                for r in [r1, r2] {
                    if r != into {
                        tours.set_route(data, r, &[], stamp);
                        self.refresh(data, tours, eval, r);
                    }
                }
                tours.set_route(data, into, &nu, stamp);
                [Some(into), None]
            }
            Move::ToEmpty { u, rv } => {
                let ru = tours.route_of[u as usize] as usize;
                let pu = tours.pos_of[u as usize] as usize;
                tours.remove_range(data, ru, pu, pu, stamp);
                tours.insert(data, u, rv, 0, stamp);
                [Some(ru), Some(rv)]
            }
            Move::ChainTrips { r1, r2, loc } => {
                let (a, b) = (&tours.routes[r1].nodes, &tours.routes[r2].nodes);
                nu.extend_from_slice(&a[1..a.len() - 1]);
                nu.push(loc);
                nu.extend_from_slice(&b[1..b.len() - 1]);
                tours.set_route(data, r2, &[], stamp);
                tours.set_route(data, r1, &nu, stamp);
                [Some(r1), Some(r2)]
            }
            Move::AddReload { r, after, loc } => {
                let a = &tours.routes[r].nodes;
                nu.extend_from_slice(&a[1..=after]);
                nu.push(loc);
                nu.extend_from_slice(&a[after + 1..a.len() - 1]);
                tours.set_route(data, r, &nu, stamp);
                [Some(r), None]
            }
            Move::DropReload { r, p } | Move::Remove { r, p } => {
                tours.remove_range(data, r, p, p, stamp);
                [Some(r), None]
            }
            Move::WithReload { ru, pu, rv, pv, loc, before } => {
                let (a, b) = (&tours.routes[ru].nodes, &tours.routes[rv].nodes);
                let u = a[pu];
                nu.extend_from_slice(&a[1..pu]);
                nu.extend_from_slice(&a[pu + 1..a.len() - 1]);
                nv.extend_from_slice(&b[1..=pv]);
                nv.extend_from_slice(&if before { [loc, u] } else { [u, loc] });
                nv.extend_from_slice(&b[pv + 1..b.len() - 1]);
                tours.set_route(data, ru, &nu, stamp);
                tours.set_route(data, rv, &nv, stamp);
                [Some(ru), Some(rv)]
            }
        };
        for r in touched.into_iter().flatten() {
            self.refresh(data, tours, eval, r);
        }
        self.scratch_u = nu;
        self.scratch_v = nv;
    }

    /// SWAP* between every pair of non-empty routes with overlapping polar sectors of which one
    /// changed since it was last examined; applies each improving exchange found.
    fn swap_star_pass(&mut self, data: &Data, tours: &mut Tours, eval: &Eval) -> bool {
        self.swap_star_tested.resize(tours.routes.len(), 0);
        let used = self.take_used_routes(tours);
        let mut improved = false;
        for (i, &r1) in used.iter().enumerate() {
            let last = self.swap_star_tested[r1];
            self.swap_star_tested[r1] = tours.clock;
            for &r2 in &used[i + 1..] {
                let (a, b) = (&tours.routes[r1], &tours.routes[r2]);
                if a.is_empty() || b.is_empty() || a.modified.max(b.modified) <= last {
                    continue;
                }
                if a.sector.1 < b.sector.0 || b.sector.1 < a.sector.0 {
                    continue;
                }
                if self.swap_star(data, tours, eval, r1, r2) {
                    improved = true;
                }
            }
        }
        self.used_routes = used;
        improved
    }

    /// The three cheapest places (cost, insert after position) to insert each client of route
    /// `from` into route `into`, by distance.
    fn preprocess_insertions(&mut self, data: &Data, tours: &Tours, from: usize, into: usize, offset: usize) {
        let (a, b) = (&tours.routes[from], &tours.routes[into]);
        for (k, &u) in a.nodes[1..a.nodes.len() - 1].iter().enumerate() {
            let mut best = [(i64::MAX, 0usize); 3];
            for p in 0..b.nodes.len() - 1 {
                let (x, y) = (b.nodes[p], b.nodes[p + 1]);
                let c = data.d(x, u) + data.d(u, y) - data.d(x, y);
                if c < best[2].0 {
                    best[2] = (c, p);
                    if best[2].0 < best[1].0 {
                        best.swap(1, 2);
                        if best[1].0 < best[0].0 {
                            best.swap(0, 1);
                        }
                    }
                }
            }
            self.top3[offset + k] = best;
        }
    }

    /// SWAP* (Vidal 2022): exchange `u` of `r1` and `v` of `r2`, each inserted at its best place
    /// in the other route (not necessarily where the other was). Distance and load only (used
    /// when time, maximum distances and mixed loads play no role); the chosen exchange is
    /// re-evaluated exactly before it is applied.
    fn swap_star(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, r1: usize, r2: usize) -> bool {
        let (n1, n2) = (tours.routes[r1].len(), tours.routes[r2].len());
        self.top3.resize(n1 + n2, [(0, 0); 3]);
        self.preprocess_insertions(data, tours, r1, r2, 0);
        self.preprocess_insertions(data, tours, r2, r1, n1);
        let (a, b) = (&tours.routes[r1], &tours.routes[r2]);
        let (vta, vtb) = (&data.vtypes[a.vt], &data.vtypes[b.vt]);
        let (la, lb) = (a.whole().load, b.whole().load);
        let pen = |l: &crate::segment::LoadSeg, cap: &crate::data::Amounts, sub: u32, add: u32| {
            let mut e = 0;
            for k in 0..crate::data::MAX_DIMS {
                let tot = l.delivery[k] - data.delivery[sub as usize][k] + data.delivery[add as usize][k];
                let totp = l.pickup[k] - data.pickup[sub as usize][k] + data.pickup[add as usize][k];
                e += (tot.max(totp) - cap[k]).max(0);
            }
            eval.w.load * e
        };
        let base = eval.w.load * (la.excess(vta) + lb.excess(vtb));
        let removal = |r: &crate::route::Route, p: usize| {
            data.d(r.nodes[p - 1], r.nodes[p + 1])
                - data.d(r.nodes[p - 1], r.nodes[p])
                - data.d(r.nodes[p], r.nodes[p + 1])
        };
        // Cheapest insertion of the client with top-3 list `top` into route `r` from which the
        // client at position `pv` is removed: a listed place not next to it, or its own place.
        let insert = |top: &[(i64, usize); 3], r: &crate::route::Route, pv: usize, w: u32| {
            let mut best =
                data.d(r.nodes[pv - 1], w) + data.d(w, r.nodes[pv + 1]) - data.d(r.nodes[pv - 1], r.nodes[pv + 1]);
            let mut after = pv - 1;
            for &(c, p) in top {
                if c != i64::MAX && p != pv - 1 && p != pv && c < best {
                    best = c;
                    after = p;
                }
            }
            (best, after)
        };
        let mut best: Option<(i64, usize, usize, usize, usize)> = None; // delta, pu, pv, after_u (in b), after_v (in a)
        for pu in 1..=n1 {
            let u = a.nodes[pu];
            let rem_u = removal(a, pu);
            for pv in 1..=n2 {
                let v = b.nodes[pv];
                self.evaluated += 1;
                let dpen = pen(&la, &vta.capacity, u, v) + pen(&lb, &vtb.capacity, v, u) - base;
                let rem_v = removal(b, pv);
                if dpen + vta.unit_distance * rem_u + vtb.unit_distance * rem_v >= 0 {
                    continue;
                }
                let (ins_u, after_u) = insert(&self.top3[pu - 1], b, pv, u);
                let (ins_v, after_v) = insert(&self.top3[n1 + pv - 1], a, pu, v);
                let delta = dpen + vta.unit_distance * (rem_u + ins_v) + vtb.unit_distance * (rem_v + ins_u);
                if delta < 0 && best.is_none_or(|bst| delta < bst.0) {
                    best = Some((delta, pu, pv, after_u, after_v));
                }
            }
        }
        let Some((_, pu, pv, after_u, after_v)) = best else { return false };
        // Build both routes (positions `after_*` refer to the routes with u / v still in place).
        let build = |r: &crate::route::Route, remove: usize, after: usize, w: u32, out: &mut Vec<u32>| {
            out.clear();
            if after == remove - 1 {
                // In place of the removed client.
                for p in 1..=r.len() {
                    out.push(if p == remove { w } else { r.nodes[p] });
                }
                return;
            }
            for p in 1..=r.len() {
                if p != remove {
                    out.push(r.nodes[p]);
                }
                if p == after {
                    out.push(w);
                }
            }
            if after == 0 {
                out.insert(0, w);
            }
        };
        let (mut na, mut nb) = (std::mem::take(&mut self.scratch_u), std::mem::take(&mut self.scratch_v));
        build(a, pu, after_v, b.nodes[pv], &mut na);
        build(b, pv, after_u, a.nodes[pu], &mut nb);
        let cost_of = |vt: &crate::data::VType, nodes: &[u32]| {
            let mut acc = Acc::start(vt);
            for &c in nodes {
                acc = acc.node(data, c);
            }
            eval.cost(data, vt, &acc.end(data, vt), !nodes.is_empty())
        };
        let exact = cost_of(vta, &na) + cost_of(vtb, &nb) - self.costs[r1] - self.costs[r2];
        let applied = exact < 0;
        if applied {
            self.applied += 1;
            self.remove_u.set(None);
            let stamp = tours.tick();
            tours.set_route(data, r1, &na, stamp);
            tours.set_route(data, r2, &nb, stamp);
            self.refresh(data, tours, eval, r1);
            self.refresh(data, tours, eval, r2);
        }
        self.scratch_u = na;
        self.scratch_v = nb;
        applied
    }

    /// Gives each non-empty route the vehicle of another type when exchanging the two routes'
    /// visits (the other possibly empty) pays; O(routes²) evaluations, each O(1) without time
    /// windows. This is what lets a fleet-size-and-mix solution trade many small vehicles for
    /// fewer large ones route by route.
    /// Reverses whole routes where that pays: on asymmetric matrices, with time windows or
    /// with pickups and deliveries mixed on board, a route's direction matters and no client
    /// move turns it around.
    fn reverse_pass(&mut self, data: &Data, tours: &mut Tours, eval: &Eval) -> bool {
        let mut improved = false;
        for r in 0..tours.routes.len() {
            let len = tours.routes[r].len();
            if len < 2 {
                continue;
            }
            self.evaluated += 1;
            let m = Move::TwoOpt { r, i: 1, j: len };
            if self.delta(data, tours, eval, m) < 0 {
                self.apply(data, tours, eval, m);
                improved = true;
            }
        }
        improved
    }

    fn swap_routes_pass(&mut self, data: &Data, tours: &mut Tours, eval: &Eval) -> bool {
        let mut improved = false;
        let used = self.take_used_routes(tours);
        for &r1 in &used {
            if tours.routes[r1].is_empty() {
                continue;
            }
            let vt1 = tours.routes[r1].vt;
            let mut best: Option<(i64, usize)> = None;
            let mut consider = |this: &mut Self, r2: usize| {
                this.evaluated += 1;
                let d = this.delta(data, tours, eval, Move::SwapRoutes { r1, r2 });
                if d < 0 && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, r2));
                }
            };
            for t in 0..data.vtypes.len() {
                if t != vt1 {
                    // Empty routes of one type are interchangeable: one stands for all.
                    if let Some(r2) = tours.empty_route(data, t) {
                        consider(self, r2);
                    }
                }
            }
            for &r2 in &used {
                if tours.routes[r2].vt != vt1 && !tours.routes[r2].is_empty() {
                    consider(self, r2);
                }
            }
            if let Some((_, r2)) = best {
                self.apply(data, tours, eval, Move::SwapRoutes { r1, r2 });
                improved = true;
            }
        }
        // Merging two routes into one vehicle (one of theirs, or an empty one of another
        // type) when the pair fits the largest vehicle.
        let mut largest = [0i64; crate::data::MAX_DIMS];
        for v in &data.vtypes {
            for (l, c) in largest.iter_mut().zip(&v.capacity) {
                *l = (*l).max(*c);
            }
        }
        for i in 0..used.len() {
            for j in 0..used.len() {
                let (r1, r2) = (used[i], used[j]);
                if r1 == r2 || tours.routes[r1].is_empty() || tours.routes[r2].is_empty() {
                    continue;
                }
                // (Multi-trip routes may carry more than a truckload in all.)
                let load = tours.routes[r1].whole().load.merge(tours.routes[r2].whole().load);
                if !data.multi_trip && load.excess_capacity(&largest) > 0 {
                    continue;
                }
                let mut best: Option<(i64, usize)> = None;
                let mut targets = [r1, r2, usize::MAX, usize::MAX, usize::MAX, usize::MAX];
                for (k, t) in (0..data.vtypes.len()).take(4).enumerate() {
                    if let Some(r) = tours.empty_route(data, t) {
                        targets[2 + k] = r;
                    }
                }
                for &into in targets.iter().filter(|&&r| r != usize::MAX) {
                    self.evaluated += 1;
                    let d = self.delta(data, tours, eval, Move::Merge { r1, r2, into });
                    if d < 0 && best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, into));
                    }
                }
                if let Some((_, into)) = best {
                    self.apply(data, tours, eval, Move::Merge { r1, r2, into });
                    improved = true;
                }
            }
        }
        self.used_routes = used;
        improved
    }

    /// Multi-trip: drops a reload next to `u` or adds one right before or after it, whichever
    /// pays first.
    fn reload_moves(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, u: u32) -> bool {
        let (r, p) = (tours.route_of[u as usize] as usize, tours.pos_of[u as usize] as usize);
        let route = &tours.routes[r];
        let (nodes, end) = (&route.nodes, route.nodes.len() - 1);
        let mut candidates = [None; 4];
        if p > 1 && data.is_depot(nodes[p - 1]) {
            candidates[0] = Some(Move::DropReload { r, p: p - 1 });
        }
        if p + 1 < end && data.is_depot(nodes[p + 1]) {
            candidates[1] = Some(Move::DropReload { r, p: p + 1 });
        }
        if let Some(loc) = reload_site(data, &data.vtypes[route.vt], route.reloads(), u) {
            if p > 1 && !data.is_depot(nodes[p - 1]) {
                candidates[2] = Some(Move::AddReload { r, after: p - 1, loc });
            }
            if p + 1 < end && !data.is_depot(nodes[p + 1]) {
                candidates[3] = Some(Move::AddReload { r, after: p, loc });
            }
        }
        self.first_improving::<false>(data, tours, eval, &candidates)
    }

    /// Multi-trip: chains two routes into one vehicle's trips where that pays (what no client
    /// move does: the saving, a vehicle's fixed cost, comes only once the last client moved).
    fn merge_trips_pass(&mut self, data: &Data, tours: &mut Tours, eval: &Eval) -> bool {
        let mut improved = false;
        let used = self.take_used_routes(tours);
        for &r1 in &used {
            for &r2 in &used {
                let (a, b) = (&tours.routes[r1], &tours.routes[r2]);
                if r1 == r2 || a.is_empty() || b.is_empty() {
                    continue;
                }
                let last = a.nodes[a.nodes.len() - 2];
                let Some(loc) = reload_site(data, &data.vtypes[a.vt], a.reloads() + b.reloads(), last) else {
                    continue;
                };
                let m = Move::ChainTrips { r1, r2, loc };
                self.evaluated += 1;
                if self.delta(data, tours, eval, m) < 0 {
                    self.apply(data, tours, eval, m);
                    improved = true;
                }
            }
        }
        self.used_routes = used;
        improved
    }

    /// Moves `u` into an empty route of some type if that pays; with linehauls before
    /// backhauls, also `u` with its successor (either way round).
    fn move_to_empty_route(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, u: u32) -> bool {
        let (ru, pu) = (tours.route_of[u as usize] as usize, tours.pos_of[u as usize] as usize);
        let nodes = &tours.routes[ru].nodes;
        // A linehaul-backhaul pair alone on a new route is often what VRPB optima need, and no
        // single-client move gets there (each half alone is worse). Measured for VRPB only: on
        // every instance it made the heterogeneous-fleet benchmark worse (2.904 -> 3.230 %).
        let pair = data.vrpb && pu + 2 < nodes.len() && !data.is_depot(nodes[pu + 1]) && nodes.len() > 4;
        let mut best: Option<(i64, Move)> = None;
        for t in 0..data.vtypes.len() {
            if tours.routes[ru].vt == t && tours.routes[ru].len() == 1 {
                continue;
            }
            let Some(rv) = tours.empty_route(data, t) else { continue };
            let single = Move::ToEmpty { u, rv };
            let pairs = [false, true].map(|rev| Move::Exchange { ru, pu, n: 2, rv, pv: 0, m: 0, rev });
            for m in std::iter::once(single).chain(pairs.into_iter().filter(|_| pair)) {
                self.evaluated += 1;
                let d = self.delta(data, tours, eval, m);
                if d < 0 && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, m));
                }
            }
        }
        if let Some((_, m)) = best {
            self.apply(data, tours, eval, m);
            return true;
        }
        false
    }

    /// Inserts an unserved optional client if its prize pays for it, or removes a served one
    /// whose prize does not.
    fn optional(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, u: u32) -> bool {
        let prize = data.prize[u as usize];
        if tours.assigned(u) {
            let (ru, pu) = (tours.route_of[u as usize] as usize, tours.pos_of[u as usize] as usize);
            let d = self.delta(data, tours, eval, Move::Remove { r: ru, p: pu }) + prize;
            if d < 0 {
                let stamp = tours.tick();
                tours.remove_range(data, ru, pu, pu, stamp);
                self.refresh(data, tours, eval, ru);
                return true;
            }
            return false;
        }
        match best_insertion(data, tours, eval, &self.costs, u, None) {
            Some(ins) if ins.delta - prize < 0 => {
                let stamp = tours.tick();
                tours.insert_at(data, u, &ins, stamp);
                self.refresh(data, tours, eval, ins.route);
                true
            }
            _ => false,
        }
    }
}

/// Where [`best_insertion`] puts a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Insertion {
    /// Change of penalised cost.
    pub(crate) delta: i64,
    pub(crate) route: usize,
    /// Insert after this position.
    pub(crate) after: usize,
    /// Multi-trip: a new reload at this depot location, before the client (`true`) or after.
    pub(crate) reload: Option<(u32, bool)>,
}

/// Cheapest insertion of unassigned client `u`: next to its granular neighbours, or into an
/// empty route of each type; on multi-trip instances also with a new reload before or after
/// it. With `blink`, each candidate position is skipped with that probability (SISR's blinks).
pub(crate) fn best_insertion(
    data: &Data,
    tours: &Tours,
    eval: &Eval,
    costs: &[i64],
    u: u32,
    blink: Option<(&mut Rng, f64)>,
) -> Option<Insertion> {
    with_chain!(data, C => best_insertion_in::<C>(data, tours, eval, costs, u, blink))
}

fn best_insertion_in<C: Chain>(
    data: &Data,
    tours: &Tours,
    eval: &Eval,
    costs: &[i64],
    u: u32,
    mut blink: Option<(&mut Rng, f64)>,
) -> Option<Insertion> {
    let mut best: Option<Insertion> = None;
    let consider = |r: usize, after: usize, best: &mut Option<Insertion>| {
        let route = &tours.routes[r];
        let vt = &data.vtypes[route.vt];
        let prefix = C::prefix_in(data, route, after);
        let mut offer = |acc: C, reload| {
            let delta = acc.cost(eval, data, vt, true) - costs[r];
            if best.is_none_or(|b| delta < b.delta) {
                *best = Some(Insertion { delta, route: r, after, reload });
            }
        };
        offer(prefix.node(data, u).suffix(data, route, after + 1), None);
        if data.multi_trip && !route.is_empty() {
            if let Some(loc) = reload_site(data, vt, route.reloads(), u) {
                if after > 0 && !data.is_depot(route.nodes[after]) {
                    offer(prefix.node(data, loc).node(data, u).suffix(data, route, after + 1), Some((loc, true)));
                }
                let next = route.nodes[after + 1];
                if after + 2 < route.nodes.len() && !data.is_depot(next) {
                    offer(prefix.node(data, u).node(data, loc).suffix(data, route, after + 1), Some((loc, false)));
                }
            }
        }
    };
    for &v in &data.neighbours[u as usize] {
        let r = tours.route_of[v as usize];
        if r == NONE {
            continue;
        }
        let p = tours.pos_of[v as usize] as usize;
        for after in [p - 1, p] {
            if let Some((rng, rate)) = blink.as_mut() {
                if rng.unit() < *rate {
                    continue;
                }
            }
            consider(r as usize, after, &mut best);
        }
    }
    for t in 0..data.vtypes.len() {
        if let Some(r) = tours.empty_route(data, t) {
            consider(r, 0, &mut best);
        }
    }
    if best.is_none() {
        // No neighbour is routed and no route is empty: try every position.
        for r in 0..tours.routes.len() {
            if tours.routes[r].is_empty() {
                continue;
            }
            for after in 0..tours.routes[r].nodes.len() - 1 {
                consider(r, after, &mut best);
            }
        }
    }
    best
}
