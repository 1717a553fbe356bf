//! Paired shipments in the local search and the insertions: which moves keep pairs whole, the
//! pair relocation and the insertion of a pair.
//!
//! A shipment is two client locations, its pickup and its delivery (partners of each other),
//! that must be on one route with the pickup first. The load on board between them needs no
//! special handling: the delivery is a negative pickup, so the load summaries of `segment.rs`
//! count the shipment on board exactly between its stops as long as the pickup comes first.
//! What no summary can hold, that the two are on one route in that order, is kept as an
//! invariant of the working solution: every move is checked against the partners' positions
//! before it is evaluated (O(1) for moves between routes, O(moved × 1) within a route, a
//! count of open pairs per position for 2-opt*), and the moves that would split or invert a
//! pair are not made. The ruin removes both halves of a pair together and the recreate inserts
//! them together.
//!
//! The pair exchange swaps two shipments of different routes, each put at its best two
//! positions in the other route (tried with the first few shipments met among the granular
//! neighbours of a pickup): what a single relocation cannot reach when the first of two
//! relocations costs more than it saves.
//!
//! The pair relocation removes a pickup and its delivery and puts them back at the best two
//! positions of another route (one with a granular neighbour of either half, or an empty one)
//! or of their own route: O(route length²) concatenations per route, each O(1) with
//! concatenable segments (the pickup is appended to a cached prefix, then the visits up to the
//! delivery's position one by one, then the delivery and a cached suffix).
//!
//! Reference: Li, H., Lim, A. (2001), "A metaheuristic for the pickup and delivery problem
//! with time windows", ICTAI; the pair relocation is the PD-shift operator of Nanry, W. P.,
//! Barnes, J. W. (2000), "Solving the pickup and delivery problem with time windows using
//! reactive tabu search", Transportation Research B 34(2).

use std::ops::Range;

use super::{LocalSearch, Move};
use crate::data::{Data, NO_PARTNER};
use crate::rng::Rng;
use crate::route::{with_chain, Chain, Eval, Route, Tours, NONE};

/// Whether applying `m` keeps every shipment on one route with its pickup first (pairs are
/// whole and in order before any move, an invariant of the working solution).
pub(super) fn keeps_pairs(data: &Data, tours: &Tours, m: Move) -> bool {
    // Position of the partner of the client at position `p` of route `r` (on `r` as well).
    let partner_at = |r: usize, p: usize| -> Option<usize> {
        let q = data.partner[tours.routes[r].nodes[p] as usize];
        (q != NO_PARTNER).then(|| tours.pos_of[q as usize] as usize)
    };
    // Positions `moved` of `r` keep their order with everything outside them except positions
    // `jumped`: no client in `moved` has its partner in `jumped`.
    let kept = |r: usize, moved: Range<usize>, jumped: Range<usize>| {
        moved.into_iter().all(|p| partner_at(r, p).is_none_or(|q| !jumped.contains(&q)))
    };
    // Positions `seg` of `r` leave their route together: each client's partner is among them
    // (and, `rev`ersed, there is no pair among them).
    let closed = |r: usize, seg: Range<usize>, rev: bool| {
        seg.clone().all(|p| partner_at(r, p).is_none_or(|q| !rev && seg.contains(&q)))
    };
    match m {
        Move::Exchange { ru, pu, n, rv, pv, m, rev } if ru != rv => {
            closed(ru, pu..pu + n, rev) && (m == 0 || closed(rv, pv..pv + m, false))
        }
        Move::Exchange { ru: r, pu, n, pv, m: 0, .. } => {
            let jumped = if pv < pu { pv + 1..pu } else { pu + n..pv + 1 };
            kept(r, pu..pu + n, jumped)
        }
        Move::Exchange { ru: r, pu, n, pv, m, .. } => {
            let ((a, na), (b, nb)) = if pu < pv { ((pu, n), (pv, m)) } else { ((pv, m), (pu, n)) };
            // (Overlapping blocks are never applied: their change is 0.)
            a + na > b || kept(r, a..a + na, a + na..b + nb) && kept(r, b..b + nb, a..b)
        }
        Move::TwoOpt { r, i, j } => kept(r, i..j + 1, i..j + 1),
        Move::Tails { ru, pu, rv, pv } => tours.routes[ru].open[pu] == 0 && tours.routes[rv].open[pv] == 0,
        Move::ToEmpty { u, .. } => data.partner[u as usize] == NO_PARTNER,
        Move::Remove { r, p } => partner_at(r, p).is_none(),
        // Whole routes keep their pairs; reloads never meet shipments (refused together).
        Move::SwapRoutes { .. }
        | Move::Merge { .. }
        | Move::ChainTrips { .. }
        | Move::AddReload { .. }
        | Move::DropReload { .. }
        | Move::WithReload { .. } => true,
    }
}

/// The cheapest way to put pickup `p` and delivery `d` into `route`: (cost of the route so
/// built, insert `p` after this position, `d` after that one, in `route`'s positions). With
/// `blink`, each pickup position is skipped with that probability.
///
/// # Complexity
/// O(route length²) concatenations.
fn best_in_route<C: Chain>(
    data: &Data,
    route: &Route,
    eval: &Eval,
    p: u32,
    d: u32,
    blink: &mut Option<(&mut Rng, f64)>,
) -> Option<(i64, usize, usize)> {
    let vt = &data.vtypes[route.vt];
    let end = route.nodes.len() - 1;
    let mut best: Option<(i64, usize, usize)> = None;
    for i in 0..end {
        if let Some((rng, rate)) = blink.as_mut() {
            if rng.unit() < *rate {
                continue;
            }
        }
        let mut acc = C::prefix_in(data, route, i).node(data, p);
        for j in i..end {
            if j > i {
                acc = acc.node(data, route.nodes[j]);
            }
            let cost = acc.node(data, d).suffix(data, route, j + 1).cost(eval, data, vt, true);
            if best.is_none_or(|b| cost < b.0) {
                best = Some((cost, i, j));
            }
        }
    }
    best
}

/// Shipments of other routes a pair exchange tries per pickup (the first met among its
/// granular neighbours): each costs two O(route length²) insertions.
const PAIR_EXCHANGES: usize = 4;

/// Longest two routes (visits of both) a pair exchange is tried between. Measured on Li &
/// Lim at 5 s: without the limit the long routes of the type-2 instances (3 routes of about 35
/// visits) lost most of their iterations to it (lr206 +22.8 %, lr210 +17.7 %).
const PAIR_EXCHANGE_SPAN: usize = 40;

/// Makes `out` a copy of `route` without the shipment of pickup `p`, caches refreshed.
fn reduce(data: &Data, route: &Route, p: u32, out: &mut Route) {
    let d = data.partner[p as usize];
    out.vt = route.vt;
    out.nodes.clear();
    out.nodes.extend(route.nodes.iter().copied().filter(|&c| c != p && c != d));
    out.update(data);
}

/// Cost change of removing the pair at positions `pp < pd` from `route` (whose cost is `cost`).
fn removal<C: Chain>(data: &Data, route: &Route, eval: &Eval, cost: i64, pp: usize, pd: usize) -> i64 {
    let mut acc = C::prefix_in(data, route, pp - 1);
    if pd > pp + 1 {
        acc = acc.range(data, route, pp + 1, pd - 1);
    }
    acc.suffix(data, route, pd + 1).cost(eval, data, &data.vtypes[route.vt], route.len() > 2) - cost
}

/// Where [`best_pair_insertion`] puts a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PairInsertion {
    delta: i64,
    route: usize,
    after_pickup: usize,
    after_delivery: usize,
}

/// The routes a pair may go to: those of the granular neighbours of either half (other than
/// `skip`), and one empty route per vehicle type; every non-empty route if that is none.
fn candidate_routes(data: &Data, tours: &Tours, p: u32, skip: usize, out: &mut Vec<usize>) {
    out.clear();
    let d = data.partner[p as usize];
    for &v in data.neighbours[p as usize].iter().chain(&data.neighbours[d as usize]) {
        let r = tours.route_of[v as usize];
        if r != NONE && r as usize != skip && !out.contains(&(r as usize)) {
            out.push(r as usize);
        }
    }
    for t in 0..data.vtypes.len() {
        if let Some(r) = tours.empty_route(data, t) {
            out.push(r);
        }
    }
    if out.is_empty() {
        out.extend((0..tours.routes.len()).filter(|&r| r != skip && !tours.routes[r].is_empty()));
    }
}

/// Cheapest insertion of the unassigned shipment with pickup `p` into `routes`, with the
/// instance's route summaries (reloads never meet shipments).
fn best_pair_insertion(
    data: &Data,
    tours: &Tours,
    eval: &Eval,
    costs: &[i64],
    p: u32,
    routes: &[usize],
    mut blink: Option<(&mut Rng, f64)>,
) -> Option<PairInsertion> {
    let d = data.partner[p as usize];
    let mut best: Option<PairInsertion> = None;
    for &r in routes {
        let route = &tours.routes[r];
        let found = with_chain!(single_trip data, C => best_in_route::<C>(data, route, eval, p, d, &mut blink));
        if let Some((cost, ap, ad)) = found {
            let delta = cost - costs[r];
            if best.is_none_or(|b| delta < b.delta) {
                best = Some(PairInsertion { delta, route: r, after_pickup: ap, after_delivery: ad });
            }
        }
    }
    best
}

/// Route `r`'s visits without the pair `p`, `d`, with the pair put after positions `ap` and
/// `ad` of `from` (a route whose visits are those of `r` less the pair), into `out`.
fn with_pair(from: &[u32], p: u32, d: u32, ap: usize, ad: usize, out: &mut Vec<u32>) {
    out.clear();
    for (k, &c) in from.iter().enumerate().take(from.len() - 1) {
        if k > 0 && c != p && c != d {
            out.push(c);
        }
        if k == ap {
            out.push(p);
        }
        if k == ad {
            out.push(d);
        }
    }
}

/// Inserts the shipment of unassigned client `u` (its pickup or delivery) at its cheapest
/// place if it is required, `force`d or its prize pays for it; keeps `costs` current. Returns
/// whether it was inserted (deliveries: never, their pickup inserts both).
pub(crate) fn insert_pair(
    data: &Data,
    tours: &mut Tours,
    eval: &Eval,
    costs: &mut [i64],
    u: u32,
    force: bool,
    blink: Option<(&mut Rng, f64)>,
) -> bool {
    if !data.is_pickup_half(u) {
        return false;
    }
    let mut routes = Vec::new();
    candidate_routes(data, tours, u, usize::MAX, &mut routes);
    let Some(ins) = best_pair_insertion(data, tours, eval, costs, u, &routes, blink) else {
        return false;
    };
    if !force && !data.required[u as usize] && ins.delta >= data.prize[u as usize] {
        return false;
    }
    place(data, tours, u, &ins);
    costs[ins.route] = eval.route_cost(data, &tours.routes[ins.route]);
    true
}

/// Applies `ins` to unassigned pickup `p`.
fn place(data: &Data, tours: &mut Tours, p: u32, ins: &PairInsertion) {
    let d = data.partner[p as usize];
    let mut out = Vec::with_capacity(tours.routes[ins.route].nodes.len());
    with_pair(&tours.routes[ins.route].nodes, p, d, ins.after_pickup, ins.after_delivery, &mut out);
    let stamp = tours.tick();
    tours.set_route(data, ins.route, &out, stamp);
}

impl LocalSearch {
    /// Relocates the shipment with pickup `p` (assigned) to the best two positions of another
    /// route or its own, if that pays.
    pub(super) fn relocate_pair(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, p: u32) -> bool {
        with_chain!(single_trip data, C => self.relocate_pair_in::<C>(data, tours, eval, p))
    }

    fn relocate_pair_in<C: Chain>(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, p: u32) -> bool {
        let d = data.partner[p as usize];
        let ru = tours.route_of[p as usize] as usize;
        let (pp, pd) = (tours.pos_of[p as usize] as usize, tours.pos_of[d as usize] as usize);
        let a = &tours.routes[ru];
        let out_delta = removal::<C>(data, a, eval, self.costs[ru], pp, pd);
        let mut routes = std::mem::take(&mut self.used_routes);
        candidate_routes(data, tours, p, ru, &mut routes);
        if a.len() == 2 {
            // Alone on its route: another empty route of the same type is no better.
            routes.retain(|&r| !tours.routes[r].is_empty() || tours.routes[r].vt != a.vt);
        }
        let mut best: Option<(i64, usize, usize, usize)> = None;
        for &r in &routes {
            self.evaluated += 1;
            let b = &tours.routes[r];
            if let Some((cost, ap, ad)) = best_in_route::<C>(data, b, eval, p, d, &mut None) {
                let delta = out_delta + cost - self.costs[r];
                if best.is_none_or(|x| delta < x.0) {
                    best = Some((delta, r, ap, ad));
                }
            }
        }
        self.used_routes = routes;
        // Its own route, without the pair.
        if a.len() > 2 {
            let mut reduced = self.reduced.take().unwrap_or_else(|| a.clone());
            reduce(data, a, p, &mut reduced);
            self.evaluated += 1;
            if let Some((cost, ap, ad)) = best_in_route::<C>(data, &reduced, eval, p, d, &mut None) {
                let delta = cost - self.costs[ru];
                if best.is_none_or(|x| delta < x.0) {
                    best = Some((delta, ru, ap, ad));
                }
            }
            self.reduced = Some(reduced);
        }
        let Some((delta, rv, ap, ad)) = best.filter(|b| b.0 < 0) else { return false };
        self.applied += 1;
        self.remove_u.set(None);
        let stamp = tours.tick();
        let mut nu = std::mem::take(&mut self.scratch_u);
        let mut nv = std::mem::take(&mut self.scratch_v);
        nu.clear();
        nu.extend(tours.routes[ru].nodes.iter().copied().filter(|&c| c != p && c != d));
        if rv == ru {
            with_pair(&nu, p, d, ap, ad, &mut nv);
            tours.set_route(data, ru, &nv, stamp);
        } else {
            with_pair(&tours.routes[rv].nodes, p, d, ap, ad, &mut nv);
            let len = nu.len();
            tours.set_route(data, ru, &nu[1..len - 1], stamp);
            tours.set_route(data, rv, &nv, stamp);
            self.refresh(data, tours, eval, rv);
        }
        self.refresh(data, tours, eval, ru);
        debug_assert!(delta < 0);
        self.scratch_u = nu;
        self.scratch_v = nv;
        true
    }

    /// Exchanges the shipment of pickup `p` with one of another route (one of the first
    /// [`PAIR_EXCHANGES`] met among the granular neighbours of `p`), each put at its best two
    /// positions in the other's route, if that pays.
    pub(super) fn exchange_pairs(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, p: u32) -> bool {
        with_chain!(single_trip data, C => self.exchange_pairs_in::<C>(data, tours, eval, p))
    }

    fn exchange_pairs_in<C: Chain>(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, p: u32) -> bool {
        let d = data.partner[p as usize];
        let ra = tours.route_of[p as usize] as usize;
        if tours.routes[ra].len() + 2 > PAIR_EXCHANGE_SPAN {
            return false;
        }
        let mut without_a = self.reduced.take().unwrap_or_else(|| tours.routes[ra].clone());
        let mut without_b = self.reduced_other.take().unwrap_or_else(|| tours.routes[ra].clone());
        reduce(data, &tours.routes[ra], p, &mut without_a);
        let mut tried = [NONE; PAIR_EXCHANGES];
        let mut k = 0;
        // (delta, other pickup, p after, d after (in b less q), q after, its delivery after (in a less p))
        let mut best: Option<(i64, u32, usize, usize, usize, usize)> = None;
        for &v in &data.neighbours[p as usize] {
            if k == PAIR_EXCHANGES {
                break;
            }
            let q = match data.partner[v as usize] {
                NO_PARTNER => continue,
                w if w > v => v,
                w => w,
            };
            let rb = tours.route_of[q as usize];
            if rb == NONE || rb as usize == ra || tried.contains(&q) {
                continue;
            }
            tried[k] = q;
            k += 1;
            let rb = rb as usize;
            if tours.routes[ra].len() + tours.routes[rb].len() > PAIR_EXCHANGE_SPAN {
                continue;
            }
            reduce(data, &tours.routes[rb], q, &mut without_b);
            self.evaluated += 1;
            let dq = data.partner[q as usize];
            let into_b = best_in_route::<C>(data, &without_b, eval, p, d, &mut None);
            let into_a = best_in_route::<C>(data, &without_a, eval, q, dq, &mut None);
            if let (Some((cb, ap, ad)), Some((ca, aq, adq))) = (into_b, into_a) {
                let delta = ca + cb - self.costs[ra] - self.costs[rb];
                if best.is_none_or(|b| delta < b.0) {
                    best = Some((delta, q, ap, ad, aq, adq));
                }
            }
        }
        self.reduced = Some(without_a);
        self.reduced_other = Some(without_b);
        let Some((_, q, ap, ad, aq, adq)) = best.filter(|b| b.0 < 0) else { return false };
        let dq = data.partner[q as usize];
        let rb = tours.route_of[q as usize] as usize;
        self.applied += 1;
        self.remove_u.set(None);
        let (mut nu, mut nv) = (std::mem::take(&mut self.scratch_u), std::mem::take(&mut self.scratch_v));
        // Route a less p's pair, then q's pair put in; route b the other way round.
        let mut rest: Vec<u32> = tours.routes[ra].nodes.iter().copied().filter(|&c| c != p && c != d).collect();
        with_pair(&rest, q, dq, aq, adq, &mut nu);
        rest.clear();
        rest.extend(tours.routes[rb].nodes.iter().copied().filter(|&c| c != q && c != dq));
        with_pair(&rest, p, d, ap, ad, &mut nv);
        let stamp = tours.tick();
        tours.set_route(data, ra, &nu, stamp);
        tours.set_route(data, rb, &nv, stamp);
        self.refresh(data, tours, eval, ra);
        self.refresh(data, tours, eval, rb);
        self.scratch_u = nu;
        self.scratch_v = nv;
        true
    }

    /// Removes the optional shipment of `u` (its pickup; deliveries do nothing) if its prize
    /// does not pay for it, or inserts it if absent and its prize pays.
    pub(super) fn optional_pair(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, u: u32) -> bool {
        if !data.is_pickup_half(u) {
            return false;
        }
        let prize = data.prize[u as usize];
        let d = data.partner[u as usize];
        if tours.assigned(u) {
            let r = tours.route_of[u as usize] as usize;
            let (pp, pd) = (tours.pos_of[u as usize] as usize, tours.pos_of[d as usize] as usize);
            let route = &tours.routes[r];
            let delta = with_chain!(single_trip data, C => removal::<C>(data, route, eval, self.costs[r], pp, pd));
            if delta + prize >= 0 {
                return false;
            }
            let mut nu = std::mem::take(&mut self.scratch_u);
            nu.clear();
            nu.extend(route.nodes[1..route.nodes.len() - 1].iter().copied().filter(|&c| c != u && c != d));
            let stamp = tours.tick();
            tours.set_route(data, r, &nu, stamp);
            self.scratch_u = nu;
            self.refresh(data, tours, eval, r);
            return true;
        }
        let mut routes = std::mem::take(&mut self.used_routes);
        candidate_routes(data, tours, u, usize::MAX, &mut routes);
        let ins = best_pair_insertion(data, tours, eval, &self.costs, u, &routes, None);
        let done = match ins {
            Some(ins) if ins.delta - prize < 0 => {
                place(data, tours, u, &ins);
                self.refresh(data, tours, eval, ins.route);
                true
            }
            _ => false,
        };
        self.used_routes = routes;
        done
    }
}
