//! The working solution: a pool of routes (one slot per vehicle the engine may use) with
//! cached prefix and suffix segments, client positions, and the penalised cost evaluator.

use crate::data::{Data, VType};
use crate::segment::{DurSeg, LoadSeg};
use crate::trips::{self, TripSeg};

/// Marks an unassigned client in `route_of`.
pub(crate) const NONE: u32 = u32::MAX;

/// Penalty weights turning violations into cost: per unit of excess load, of time warp and of
/// distance beyond a vehicle's maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Weights {
    pub(crate) load: i64,
    pub(crate) warp: i64,
    pub(crate) dist: i64,
}

impl Weights {
    pub(crate) fn boosted(self, factor: i64) -> Self {
        Self {
            load: self.load.saturating_mul(factor),
            warp: self.warp.saturating_mul(factor),
            dist: self.dist.saturating_mul(factor),
        }
    }
}

/// What the cost of a whole route needs: distance, excess load (with every other violation
/// counted as load) and the duration summary.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Totals {
    pub(crate) dist: i64,
    pub(crate) excess: i64,
    pub(crate) dur: DurSeg,
}

/// A route summary built by concatenation, as moves evaluate the routes they would produce:
/// [`Acc`] for single-trip routes, [`trips::TAcc`] when routes may reload,
/// [`crate::windows::SimAcc`] when some stop has several windows, [`crate::rides::RideAcc`]
/// when some shipment has a maximum ride time. The search is generic over it and chooses once
/// per instance (see [`with_chain`]).
pub(crate) trait Chain: Copy {
    /// The prefix of `route` up to and including position `i`.
    fn prefix_in(data: &Data, route: &Route, i: usize) -> Self;
    /// A route that starts empty at the start depot of `vt`.
    fn start(vt: &VType) -> Self;
    /// Appends location `loc`.
    fn node(self, data: &Data, loc: u32) -> Self;
    /// Appends the end depot of `vt`.
    fn end(self, data: &Data, vt: &VType) -> Self;
    /// Appends positions `i..` of `route` (its visits from `i` and its end depot); by default
    /// one location at a time.
    #[inline(always)]
    fn suffix(self, data: &Data, route: &Route, i: usize) -> Self {
        self.visits_then_end(data, route, i, &data.vtypes[route.vt])
    }
    /// Appends the visits of `route` from position `i` on, then the end depot of `vt` (which
    /// may differ from the route's own type `own`); by default one location at a time.
    #[inline(always)]
    fn tail_to(self, data: &Data, route: &Route, i: usize, vt: &VType, _own: &VType) -> Self {
        self.visits_then_end(data, route, i, vt)
    }
    /// Appends positions `i..=j` of `route`, forwards (by default one location at a time).
    #[inline(always)]
    fn range(self, data: &Data, route: &Route, i: usize, j: usize) -> Self {
        route.nodes[i..=j].iter().fold(self, |acc, &loc| acc.node(data, loc))
    }
    /// Appends positions `j, j-1, ..., i` of `route` (reversed).
    #[inline(always)]
    fn range_rev(self, data: &Data, route: &Route, i: usize, j: usize) -> Self {
        route.nodes[i..=j].iter().rev().fold(self, |acc, &loc| acc.node(data, loc))
    }
    /// Appends the visits of `route` from position `i` on one by one, then the end depot of
    /// `vt`.
    #[inline(always)]
    fn visits_then_end(self, data: &Data, route: &Route, i: usize, vt: &VType) -> Self {
        let last = route.nodes.len() - 1;
        let acc = if i < last { self.range(data, route, i, last - 1) } else { self };
        acc.end(data, vt)
    }
    /// Distance, excess and duration of the whole route this summarises (depots included).
    fn totals(&self, data: &Data, vt: &VType) -> Totals;
    /// Penalised cost of the whole route on a vehicle of type `vt` (0 unless `nonempty`).
    fn cost(&self, eval: &Eval, data: &Data, vt: &VType, nonempty: bool) -> i64;
}

/// Evaluates `$body` with `$C` the route summary type of the instance `$data`: [`trips::TAcc`]
/// with reloads, [`crate::breaks::BreakAcc`] with driver breaks, [`crate::rides::RideAcc`]
/// with ride limits, [`crate::windows::SimAcc`] with several windows per stop, [`Acc`]
/// otherwise. `single_trip` leaves out the first (for code that
/// only runs with shipments, which never meet reloads).
macro_rules! with_chain {
    (single_trip $data:expr, $C:ident => $body:expr) => {
        if $data.has_breaks {
            type $C = $crate::breaks::BreakAcc;
            $body
        } else if $data.ride_limits {
            type $C = $crate::rides::RideAcc;
            $body
        } else if $data.multi_window {
            type $C = $crate::windows::SimAcc;
            $body
        } else {
            type $C = $crate::route::Acc;
            $body
        }
    };
    ($data:expr, $C:ident => $body:expr) => {
        if $data.multi_trip {
            type $C = $crate::trips::TAcc;
            $body
        } else {
            $crate::route::with_chain!(single_trip $data, $C => $body)
        }
    };
}
pub(crate) use with_chain;

impl Chain for Acc {
    #[inline(always)]
    fn prefix_in(data: &Data, route: &Route, i: usize) -> Self {
        Acc::prefix_in(data, route, i)
    }
    #[inline(always)]
    fn start(vt: &VType) -> Self {
        Acc::start(vt)
    }
    #[inline(always)]
    fn node(self, data: &Data, loc: u32) -> Self {
        Acc::node(self, data, loc)
    }
    #[inline(always)]
    fn end(self, data: &Data, vt: &VType) -> Self {
        Acc::end(self, data, vt)
    }
    #[inline(always)]
    fn suffix(self, data: &Data, route: &Route, i: usize) -> Self {
        Acc::suffix(self, data, route, i)
    }
    #[inline(always)]
    fn tail_to(self, data: &Data, route: &Route, i: usize, vt: &VType, own: &VType) -> Self {
        Acc::tail_to(self, data, route, i, vt, own)
    }
    #[inline(always)]
    fn range(self, data: &Data, route: &Route, i: usize, j: usize) -> Self {
        Acc::range(self, data, route, i, j)
    }
    #[inline(always)]
    fn range_rev(self, data: &Data, route: &Route, i: usize, j: usize) -> Self {
        Acc::range_rev(self, data, route, i, j)
    }
    #[inline(always)]
    fn totals(&self, _data: &Data, vt: &VType) -> Totals {
        Totals { dist: self.dist, excess: self.load.excess(vt), dur: self.dur }
    }
    #[inline(always)]
    fn cost(&self, eval: &Eval, data: &Data, vt: &VType, nonempty: bool) -> i64 {
        eval.cost(data, vt, self, nonempty)
    }
}

/// A route being built by concatenation: distance so far, load and duration summaries, last
/// location. Moves evaluate the routes they would produce with it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Acc {
    pub(crate) dist: i64,
    pub(crate) load: LoadSeg,
    pub(crate) dur: DurSeg,
    pub(crate) last: u32,
}

impl Acc {
    /// The prefix of `route` up to and including position `i`.
    #[inline(always)]
    pub(crate) fn prefix(route: &Route, i: usize) -> Self {
        Self { dist: route.cum_dist[i], load: route.load_fwd[i], dur: route.dur_fwd[i], last: route.nodes[i] }
    }

    /// [`Acc::prefix`] that leaves the duration summary empty when time does not matter.
    #[inline(always)]
    pub(crate) fn prefix_in(data: &Data, route: &Route, i: usize) -> Self {
        let dur = if data.has_time { route.dur_fwd[i] } else { DurSeg::default() };
        Self { dist: route.cum_dist[i], load: route.load_fwd[i], dur, last: route.nodes[i] }
    }

    /// A route that starts empty at the start depot of `vt`.
    #[inline(always)]
    pub(crate) fn start(vt: &VType) -> Self {
        Self { dist: 0, load: LoadSeg::default(), dur: DurSeg::depot(vt.start, vt.open, vt.close), last: vt.start }
    }

    #[inline(always)]
    pub(crate) fn node(mut self, data: &Data, loc: u32) -> Self {
        self.dist += data.d(self.last, loc);
        self.load = self.load.merge(LoadSeg::node(data, loc));
        if data.has_time {
            self.dur = self.dur.merge(data, DurSeg::node(data, loc));
        }
        self.last = loc;
        self
    }

    /// Appends the end depot of `vt`.
    #[inline(always)]
    pub(crate) fn end(mut self, data: &Data, vt: &VType) -> Self {
        self.dist += data.d(self.last, vt.end);
        if data.has_time {
            self.dur = self.dur.merge(data, DurSeg::depot(vt.end, vt.open, vt.close));
        }
        self.last = vt.end;
        self
    }

    /// Appends positions `i..` of `route` (its clients from `i` and its end depot).
    #[inline(always)]
    pub(crate) fn suffix(mut self, data: &Data, route: &Route, i: usize) -> Self {
        self.dist += data.d(self.last, route.nodes[i]) + route.distance() - route.cum_dist[i];
        self.load = self.load.merge(route.load_bwd[i]);
        if data.has_time {
            self.dur = self.dur.merge(data, route.dur_bwd[i]);
        }
        self.last = *route.nodes.last().unwrap_or(&self.last);
        self
    }

    /// Appends the clients of `route` from position `i` on, then the end depot of `vt` (which
    /// may differ from the route's own end).
    #[inline(always)]
    pub(crate) fn tail_to(self, data: &Data, route: &Route, i: usize, vt: &VType, own: &VType) -> Self {
        if vt.end == own.end && vt.open == own.open && vt.close == own.close {
            return self.suffix(data, route, i);
        }
        let last = route.nodes.len() - 1;
        let acc = if i < last { self.range(data, route, i, last - 1) } else { self };
        acc.end(data, vt)
    }

    /// Appends positions `i..=j` of `route`, forwards.
    #[inline(always)]
    pub(crate) fn range(mut self, data: &Data, route: &Route, i: usize, j: usize) -> Self {
        self.dist += data.d(self.last, route.nodes[i]) + route.cum_dist[j] - route.cum_dist[i];
        self.load = self.load.merge(route.load_between(data, i, j));
        if data.has_time {
            for &loc in &route.nodes[i..=j] {
                self.dur = self.dur.merge(data, DurSeg::node(data, loc));
            }
        }
        self.last = route.nodes[j];
        self
    }

    /// Appends positions `j, j-1, ..., i` of `route` (reversed).
    #[inline(always)]
    pub(crate) fn range_rev(mut self, data: &Data, route: &Route, i: usize, j: usize) -> Self {
        if data.symmetric {
            self.dist += data.d(self.last, route.nodes[j]) + route.cum_dist[j] - route.cum_dist[i];
        } else {
            self.dist += data.d(self.last, route.nodes[j]);
            for k in (i..j).rev() {
                self.dist += data.d(route.nodes[k + 1], route.nodes[k]);
            }
        }
        if data.mixed {
            for &loc in route.nodes[i..=j].iter().rev() {
                self.load = self.load.merge(LoadSeg::node(data, loc));
            }
        } else {
            self.load = self.load.merge(route.load_between(data, i, j));
        }
        if data.has_time {
            for &loc in route.nodes[i..=j].iter().rev() {
                self.dur = self.dur.merge(data, DurSeg::node(data, loc));
            }
        }
        self.last = route.nodes[i];
        self
    }
}

/// One route slot.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) vt: usize,
    /// Start depot, clients, end depot.
    pub(crate) nodes: Vec<u32>,
    pub(crate) cum_dist: Vec<i64>,
    pub(crate) load_fwd: Vec<LoadSeg>,
    pub(crate) load_bwd: Vec<LoadSeg>,
    pub(crate) dur_fwd: Vec<DurSeg>,
    pub(crate) dur_bwd: Vec<DurSeg>,
    /// Multi-trip caches (only when the instance has reloads): `tfwd[i]` summarises positions
    /// `0..=i`, `tbwd[i]` positions `i..`.
    pub(crate) tfwd: Vec<TripSeg>,
    pub(crate) tbwd: Vec<TripSeg>,
    /// Simulation caches (only when some stop has several windows and no shipment a ride
    /// limit): position `i` reached.
    pub(crate) sim_fwd: Vec<crate::windows::SimAcc>,
    /// Simulation caches with breaks (only when some vehicle type has break rules).
    pub(crate) brk_fwd: Vec<crate::breaks::BreakAcc>,
    /// Simulation caches with rides (only when some shipment has a ride limit): position `i`
    /// reached.
    pub(crate) ride_fwd: Vec<crate::rides::RideAcc>,
    /// Shipment caches (only when the instance has shipments): `open[i]` counts the pairs
    /// picked up at positions `..=i` and delivered after `i` (a cut after `i` with `open[i] > 0`
    /// would split a pair).
    pub(crate) open: Vec<u32>,
    /// Search counter value when the route last changed.
    pub(crate) modified: u64,
    /// Polar sector (min, max angle around the start depot, radians) for SWAP*.
    pub(crate) sector: (f64, f64),
}

impl Route {
    fn new(data: &Data, vt: usize) -> Self {
        let v = &data.vtypes[vt];
        let mut r = Self {
            vt,
            nodes: vec![v.start, v.end],
            cum_dist: Vec::new(),
            load_fwd: Vec::new(),
            load_bwd: Vec::new(),
            dur_fwd: Vec::new(),
            dur_bwd: Vec::new(),
            tfwd: Vec::new(),
            tbwd: Vec::new(),
            sim_fwd: Vec::new(),
            brk_fwd: Vec::new(),
            ride_fwd: Vec::new(),
            open: Vec::new(),
            modified: 0,
            sector: (0.0, 0.0),
        };
        r.update(data);
        r
    }

    #[inline(always)]
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.len() <= 2
    }

    /// Number of clients.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.nodes.len() - 2
    }

    #[inline(always)]
    pub(crate) fn distance(&self) -> i64 {
        self.cum_dist[self.nodes.len() - 1]
    }

    /// Load summary of positions `i..=j` (clients).
    #[inline(always)]
    pub(crate) fn load_between(&self, data: &Data, i: usize, j: usize) -> LoadSeg {
        if data.mixed {
            let mut s = LoadSeg::node(data, self.nodes[i]);
            for &loc in &self.nodes[i + 1..=j] {
                s = s.merge(LoadSeg::node(data, loc));
            }
            return s;
        }
        let (a, b) = (&self.load_fwd[i - 1], &self.load_fwd[j]);
        let mut s = LoadSeg::default();
        if data.has_skills {
            s.skills = self.nodes[i..=j].iter().fold(0, |m, &c| m | data.skills[c as usize]);
        }
        for k in 0..crate::data::MAX_DIMS {
            s.delivery[k] = b.delivery[k] - a.delivery[k];
            s.pickup[k] = b.pickup[k] - a.pickup[k];
            s.load[k] = s.delivery[k].max(s.pickup[k]);
        }
        s
    }

    /// The whole route as one accumulated summary (single-trip routes only).
    #[inline(always)]
    pub(crate) fn whole(&self) -> Acc {
        Acc::prefix(self, self.nodes.len() - 1)
    }

    /// Distance, excess and duration of the whole route, trip by trip when it may reload.
    pub(crate) fn totals(&self, data: &Data) -> Totals {
        let vt = &data.vtypes[self.vt];
        if data.multi_trip {
            trips::TAcc::prefix_in(data, self, self.nodes.len() - 1).totals(data, vt)
        } else if data.has_breaks {
            self.brk_fwd[self.nodes.len() - 1].totals(data, vt)
        } else if data.ride_limits {
            self.ride_fwd[self.nodes.len() - 1].totals(data, vt)
        } else if data.multi_window {
            self.sim_fwd[self.nodes.len() - 1].totals(data, vt)
        } else {
            self.whole().totals(data, vt)
        }
    }

    /// Number of reloads on the route.
    pub(crate) fn reloads(&self) -> u32 {
        self.tfwd.last().map_or(0, |s| s.reloads)
    }

    /// Fills `fwd` with the summaries of this route's prefixes: `fwd[i]` up to and including
    /// position `i` (the end depot included at the last).
    fn fill_forward<C: Chain>(&self, data: &Data, fwd: &mut Vec<C>) {
        let vt = &data.vtypes[self.vt];
        let len = self.nodes.len();
        fwd.clear();
        let mut acc = C::start(vt);
        fwd.push(acc);
        for &loc in &self.nodes[1..len - 1] {
            acc = acc.node(data, loc);
            fwd.push(acc);
        }
        fwd.push(acc.end(data, vt));
    }

    /// Recomputes every cache after `nodes` changed. O(length).
    pub(crate) fn update(&mut self, data: &Data) {
        let v = &data.vtypes[self.vt];
        let len = self.nodes.len();
        self.cum_dist.resize(len, 0);
        self.load_fwd.resize(len, LoadSeg::default());
        self.load_bwd.resize(len, LoadSeg::default());
        self.cum_dist[0] = 0;
        self.load_fwd[0] = LoadSeg::default();
        for i in 1..len {
            self.cum_dist[i] = self.cum_dist[i - 1] + data.d(self.nodes[i - 1], self.nodes[i]);
            self.load_fwd[i] = if i + 1 < len {
                self.load_fwd[i - 1].merge(LoadSeg::node(data, self.nodes[i]))
            } else {
                self.load_fwd[i - 1]
            };
        }
        self.load_bwd[len - 1] = LoadSeg::default();
        for i in (0..len - 1).rev() {
            self.load_bwd[i] = if i > 0 {
                LoadSeg::node(data, self.nodes[i]).merge(self.load_bwd[i + 1])
            } else {
                self.load_bwd[i + 1]
            };
        }
        if data.has_time {
            self.dur_fwd.resize(len, DurSeg::default());
            self.dur_bwd.resize(len, DurSeg::default());
            let seg = |i: usize| {
                if i == 0 {
                    DurSeg::depot(self.nodes[0], v.open, v.close)
                } else if i == len - 1 {
                    DurSeg::depot(self.nodes[i], v.open, v.close)
                } else {
                    DurSeg::node(data, self.nodes[i])
                }
            };
            let mut f = seg(0);
            self.dur_fwd[0] = f;
            for i in 1..len {
                f = f.merge(data, seg(i));
                self.dur_fwd[i] = f;
            }
            let mut b = seg(len - 1);
            self.dur_bwd[len - 1] = b;
            for i in (0..len - 1).rev() {
                b = seg(i).merge(data, b);
                self.dur_bwd[i] = b;
            }
        } else {
            self.dur_fwd.resize(len, DurSeg::default());
            self.dur_bwd.resize(len, DurSeg::default());
        }
        if data.multi_trip {
            trips::fill_caches(data, self);
        }
        // Simulated routes: the prefix summaries, position by position.
        if data.has_breaks {
            let mut fwd = std::mem::take(&mut self.brk_fwd);
            self.fill_forward(data, &mut fwd);
            self.brk_fwd = fwd;
        } else if data.ride_limits {
            let mut fwd = std::mem::take(&mut self.ride_fwd);
            self.fill_forward(data, &mut fwd);
            self.ride_fwd = fwd;
        } else if data.multi_window {
            let mut fwd = std::mem::take(&mut self.sim_fwd);
            self.fill_forward(data, &mut fwd);
            self.sim_fwd = fwd;
        }
        if data.shipments {
            self.open.clear();
            let mut open = 0u32;
            for &c in &self.nodes {
                if data.partner[c as usize] != crate::data::NO_PARTNER {
                    if data.is_pickup_half(c) {
                        open += 1;
                    } else {
                        open = open.saturating_sub(1);
                    }
                }
                self.open.push(open);
            }
        }
        // The polar sector is read by SWAP* only; skip the atan2 calls elsewhere.
        if !self.is_empty() && data.swap_star() && !data.shipments {
            let (ox, oy) = data.xy[self.nodes[0] as usize];
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for &c in &self.nodes[1..len - 1] {
                let (x, y) = data.xy[c as usize];
                let a = (y - oy).atan2(x - ox);
                lo = lo.min(a);
                hi = hi.max(a);
            }
            self.sector = (lo, hi);
        }
    }
}

/// Penalised cost of routes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Eval {
    pub(crate) w: Weights,
}

impl Eval {
    /// Penalised cost of a route of type `vt` summarised by `acc` (which includes both depots),
    /// with `nonempty` telling whether it serves any client.
    #[inline(always)]
    pub(crate) fn cost(&self, data: &Data, vt: &VType, acc: &Acc, nonempty: bool) -> i64 {
        if !nonempty {
            return 0;
        }
        // Penalty products saturate: weights can grow large while no feasible solution exists.
        let mut c =
            (vt.fixed + vt.unit_distance * acc.dist).saturating_add(self.w.load.saturating_mul(acc.load.excess(vt)));
        if acc.dist > vt.max_distance {
            c = c.saturating_add(self.w.dist.saturating_mul(acc.dist - vt.max_distance));
        }
        if data.has_time {
            c = c.saturating_add(vt.unit_duration * acc.dur.duration);
            c = c.saturating_add(self.w.warp.saturating_mul(acc.dur.route_warp(vt.max_duration)));
        }
        c
    }

    /// [`Eval::cost`] of a route's [`Totals`].
    #[inline(always)]
    pub(crate) fn cost_of(&self, data: &Data, vt: &VType, t: &Totals) -> i64 {
        let mut c = (vt.fixed + vt.unit_distance * t.dist).saturating_add(self.penalty(data, vt, t));
        if data.has_time {
            c = c.saturating_add(vt.unit_duration * t.dur.duration);
        }
        c
    }

    /// The penalty part of [`Eval::cost_of`].
    #[inline(always)]
    fn penalty(&self, data: &Data, vt: &VType, t: &Totals) -> i64 {
        let mut p = self
            .w
            .load
            .saturating_mul(t.excess)
            .saturating_add(self.w.dist.saturating_mul((t.dist - vt.max_distance).max(0)));
        if data.has_time {
            p = p.saturating_add(self.w.warp.saturating_mul(t.dur.route_warp(vt.max_duration)));
        }
        p
    }

    /// The penalty part of [`Eval::route_cost`].
    pub(crate) fn route_penalty(&self, data: &Data, route: &Route) -> i64 {
        if route.is_empty() {
            return 0;
        }
        self.penalty(data, &data.vtypes[route.vt], &route.totals(data))
    }

    #[inline(always)]
    pub(crate) fn route_cost(&self, data: &Data, route: &Route) -> i64 {
        if data.multi_trip || data.simulated() {
            if route.is_empty() {
                return 0;
            }
            return self.cost_of(data, &data.vtypes[route.vt], &route.totals(data));
        }
        self.cost(data, &data.vtypes[route.vt], &route.whole(), !route.is_empty())
    }
}

/// Violations and cost of a whole solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Summary {
    /// Route costs plus prizes of unserved optional clients, without penalties.
    pub(crate) cost: i64,
    pub(crate) load_excess: i64,
    pub(crate) warp: i64,
    pub(crate) dist_excess: i64,
    pub(crate) unserved_required: usize,
}

impl Summary {
    pub(crate) fn feasible(&self) -> bool {
        self.load_excess == 0 && self.warp == 0 && self.dist_excess == 0 && self.unserved_required == 0
    }

    pub(crate) fn penalised(&self, w: Weights) -> i64 {
        self.cost
            .saturating_add(w.load.saturating_mul(self.load_excess))
            .saturating_add(w.warp.saturating_mul(self.warp))
            .saturating_add(w.dist.saturating_mul(self.dist_excess))
    }
}

/// The routes of a solution as plain client sequences, one per route slot.
pub(crate) type Plain = Vec<Vec<u32>>;

/// The working solution.
#[derive(Debug, Clone)]
pub(crate) struct Tours {
    pub(crate) routes: Vec<Route>,
    pub(crate) route_of: Vec<u32>,
    pub(crate) pos_of: Vec<u32>,
    /// First route index of each vehicle type in `routes`.
    pub(crate) type_start: Vec<usize>,
    /// Logical clock: every change to a route stamps it with a new tick.
    pub(crate) clock: u64,
}

impl Tours {
    pub(crate) fn new(data: &Data) -> Self {
        let mut routes = Vec::new();
        let mut type_start = Vec::new();
        for (t, v) in data.vtypes.iter().enumerate() {
            type_start.push(routes.len());
            for _ in 0..v.count {
                routes.push(Route::new(data, t));
            }
        }
        Self { routes, route_of: vec![NONE; data.n], pos_of: vec![NONE; data.n], type_start, clock: 1 }
    }

    /// A new clock value.
    pub(crate) fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    pub(crate) fn assigned(&self, c: u32) -> bool {
        self.route_of[c as usize] != NONE
    }

    /// Replaces route `r`'s clients by `clients` and refreshes its caches and positions.
    pub(crate) fn set_route(&mut self, data: &Data, r: usize, clients: &[u32], stamp: u64) {
        let route = &mut self.routes[r];
        for &c in &route.nodes[1..route.nodes.len() - 1] {
            if !data.is_depot(c) && self.route_of[c as usize] == r as u32 {
                self.route_of[c as usize] = NONE;
                self.pos_of[c as usize] = NONE;
            }
        }
        let (start, end) = (route.nodes[0], route.nodes[route.nodes.len() - 1]);
        route.nodes.clear();
        route.nodes.push(start);
        route.nodes.extend_from_slice(clients);
        route.nodes.push(end);
        route.modified = stamp;
        self.refresh_route(data, r);
    }

    /// After route `r`'s visits changed: drops empty trips, refreshes its caches and positions.
    fn refresh_route(&mut self, data: &Data, r: usize) {
        let route = &mut self.routes[r];
        if data.multi_trip {
            let end = route.nodes.pop().unwrap_or(route.nodes[0]);
            let mut visits = route.nodes.split_off(1);
            trips::strip_empty_trips(data, &mut visits);
            route.nodes.extend_from_slice(&visits);
            route.nodes.push(end);
        }
        route.update(data);
        self.reindex(data, r);
    }

    /// Refreshes `route_of`/`pos_of` for route `r`'s clients.
    pub(crate) fn reindex(&mut self, data: &Data, r: usize) {
        let route = &self.routes[r];
        for (p, &c) in route.nodes.iter().enumerate().take(route.nodes.len() - 1).skip(1) {
            if data.is_depot(c) {
                continue;
            }
            self.route_of[c as usize] = r as u32;
            self.pos_of[c as usize] = p as u32;
        }
    }

    /// Removes the clients of route `r` at positions `from..=to`.
    pub(crate) fn remove_range(&mut self, data: &Data, r: usize, from: usize, to: usize, stamp: u64) {
        let route = &mut self.routes[r];
        for &c in &route.nodes[from..=to] {
            if !data.is_depot(c) {
                self.route_of[c as usize] = NONE;
                self.pos_of[c as usize] = NONE;
            }
        }
        route.nodes.drain(from..=to);
        route.modified = stamp;
        self.refresh_route(data, r);
    }

    /// Inserts client `c` into route `r` after position `after`.
    pub(crate) fn insert(&mut self, data: &Data, c: u32, r: usize, after: usize, stamp: u64) {
        let route = &mut self.routes[r];
        route.nodes.insert(after + 1, c);
        route.modified = stamp;
        self.refresh_route(data, r);
    }

    /// Inserts client `c` where [`crate::search::best_insertion`] found room for it.
    pub(crate) fn insert_at(&mut self, data: &Data, c: u32, at: &crate::search::Insertion, stamp: u64) {
        let route = &mut self.routes[at.route];
        match at.reload {
            None => route.nodes.insert(at.after + 1, c),
            Some((loc, true)) => route.nodes.splice(at.after + 1..at.after + 1, [loc, c]).for_each(drop),
            Some((loc, false)) => route.nodes.splice(at.after + 1..at.after + 1, [c, loc]).for_each(drop),
        }
        route.modified = stamp;
        self.refresh_route(data, at.route);
    }

    /// An empty route slot of type `t`, if any.
    pub(crate) fn empty_route(&self, data: &Data, t: usize) -> Option<usize> {
        let s = self.type_start[t];
        (s..s + data.vtypes[t].count).find(|&r| self.routes[r].is_empty())
    }

    pub(crate) fn plain(&self) -> Plain {
        self.routes.iter().map(|r| r.nodes[1..r.nodes.len() - 1].to_vec()).collect()
    }

    /// Copies into `plain` the routes changed after clock value `since` (`plain` must equal this
    /// solution's routes as they were at `since`).
    pub(crate) fn save_changed(&self, plain: &mut Plain, since: u64) {
        for (r, route) in self.routes.iter().enumerate() {
            if route.modified > since {
                plain[r].clear();
                plain[r].extend_from_slice(&route.nodes[1..route.nodes.len() - 1]);
            }
        }
    }

    /// Restores from `plain` the routes changed after clock value `since` (the inverse of
    /// [`Tours::save_changed`]).
    pub(crate) fn restore_changed(&mut self, data: &Data, plain: &Plain, since: u64) {
        let changed: Vec<usize> = (0..self.routes.len()).filter(|&r| self.routes[r].modified > since).collect();
        if changed.is_empty() {
            return;
        }
        let stamp = self.tick();
        for r in changed {
            self.set_route(data, r, &plain[r], stamp);
        }
    }

    /// Makes this solution equal to `plain`, touching only routes that differ. (`set_route`
    /// clears only positions still pointing at its route, so clients may move between routes in
    /// any order.)
    pub(crate) fn load(&mut self, data: &Data, plain: &Plain, stamp: u64) {
        for (r, clients) in plain.iter().enumerate() {
            let route = &self.routes[r];
            if route.nodes[1..route.nodes.len() - 1] != clients[..] {
                self.set_route(data, r, clients, stamp);
            }
        }
    }

    /// Cost and violations, recomputed from the caches.
    pub(crate) fn summary(&self, data: &Data) -> Summary {
        let mut s = Summary::default();
        let zero = Eval { w: Weights { load: 0, warp: 0, dist: 0 } };
        for route in &self.routes {
            if route.is_empty() {
                continue;
            }
            let vt = &data.vtypes[route.vt];
            let t = route.totals(data);
            s.cost += zero.cost_of(data, vt, &t);
            s.load_excess += t.excess;
            s.dist_excess += (t.dist - vt.max_distance).max(0);
            if data.has_time {
                s.warp += t.dur.route_warp(vt.max_duration);
            }
        }
        for c in data.clients() {
            if self.route_of[c] == NONE {
                if data.required[c] {
                    s.unserved_required += 1;
                } else {
                    s.cost += data.prize[c];
                }
            }
        }
        s
    }
}
