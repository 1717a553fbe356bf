//! Multi-trip routes: a route may return to a reload site (a depot location between its
//! clients) and go out again. The summaries here extend the concatenable segments of
//! [`crate::segment`] across reloads, so that a move on a multi-trip route is still evaluated
//! in O(1) from cached prefixes and suffixes.
//!
//! Semantics (those of the independent checker, `milkrun_model::check_solution`): a reload takes
//! the vehicle type's reload time; the next trip then leaves no earlier than the largest release
//! time of its clients; the load on board restarts with the next trip's deliveries, so capacity
//! (and the linehauls-before-backhauls rule) applies trip by trip; the first trip's release
//! bounds the route's departure as on a single-trip route.
//!
//! A stretch of route is summarised as its *head* (the clients before its first reload, through
//! that reload's service), its *middle* (the trips between its first and last reload, closed:
//! their release already folded into their start), and its *tail* (from the departure after its
//! last reload). A trip's release is only known once the trip is complete; closing a trip `T` is
//! the concatenation `V ⊕ T` with a zero-length visit `V` at the reload site whose window is
//! `[release(T), ∞)` (after PyVRP's reload depots, Wouda et al. 2024). Concatenation stays
//! associative, so any bracketing of a route gives the same summary.

use crate::data::{Data, VType, FOREVER};
use crate::route::{Chain, Eval, Route, Totals};
use crate::segment::{DurSeg, LoadSeg};

/// Multi-trip summary of a stretch of route (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct TripSeg {
    /// Load of the clients before the first reload (all clients without reloads).
    pub(crate) head_load: LoadSeg,
    /// From the first location through the first reload's service (everything without reloads).
    pub(crate) head_dur: DurSeg,
    /// The closed trips between the first and the last reload (with at least two reloads).
    pub(crate) mid_dur: DurSeg,
    /// Excess load of those trips on the summary's vehicle type.
    pub(crate) mid_excess: i64,
    /// Load of the clients after the last reload.
    pub(crate) tail_load: LoadSeg,
    /// From the departure after the last reload (with at least one reload).
    pub(crate) tail_dur: DurSeg,
    pub(crate) reloads: u32,
}

/// Closes a complete trip: its release becomes the earliest departure from its reload site.
#[inline(always)]
fn close(s: DurSeg) -> DurSeg {
    DurSeg {
        time_warp: s.time_warp + (s.release - s.late).max(0),
        early: s.early.max(s.release),
        late: s.late.max(s.release),
        release: 0,
        ..s
    }
}

impl TripSeg {
    /// A stretch without reloads.
    #[inline(always)]
    pub(crate) fn plain(load: LoadSeg, dur: DurSeg) -> Self {
        Self { head_load: load, head_dur: dur, ..Self::default() }
    }

    /// A client visit.
    #[inline(always)]
    pub(crate) fn client(data: &Data, loc: u32) -> Self {
        Self::plain(LoadSeg::node(data, loc), DurSeg::node(data, loc))
    }

    /// A reload at depot location `loc` taking `time`.
    #[inline(always)]
    pub(crate) fn reload(loc: u32, time: i64) -> Self {
        let at =
            |duration| DurSeg { first: loc, last: loc, duration, time_warp: 0, early: 0, late: FOREVER, release: 0 };
        Self { head_dur: at(time), tail_dur: at(0), reloads: 1, ..Self::default() }
    }

    /// `self` followed by `other`, on vehicle type `vt` (whose capacity prices closed trips).
    #[inline(always)]
    pub(crate) fn merge(self, data: &Data, other: Self, vt: &VType) -> Self {
        match (self.reloads, other.reloads) {
            (0, 0) => Self::plain(self.head_load.merge(other.head_load), self.head_dur.merge(data, other.head_dur)),
            (0, _) => Self {
                head_load: self.head_load.merge(other.head_load),
                head_dur: self.head_dur.merge(data, other.head_dur),
                ..other
            },
            (_, 0) => Self {
                tail_load: self.tail_load.merge(other.head_load),
                tail_dur: self.tail_dur.merge(data, other.head_dur),
                ..self
            },
            (a, b) => {
                let trip = close(self.tail_dur.merge(data, other.head_dur));
                let excess = self.tail_load.merge(other.head_load).excess(vt);
                let mut mid = if a >= 2 { self.mid_dur.merge(data, trip) } else { trip };
                if b >= 2 {
                    mid = mid.merge(data, other.mid_dur);
                }
                Self {
                    head_load: self.head_load,
                    head_dur: self.head_dur,
                    mid_dur: mid,
                    mid_excess: self.mid_excess + other.mid_excess + excess,
                    tail_load: other.tail_load,
                    tail_dur: other.tail_dur,
                    reloads: a + b,
                }
            }
        }
    }

    /// Excess load of every trip and the duration summary of a whole route (depots included).
    #[inline(always)]
    pub(crate) fn finish(&self, data: &Data, vt: &VType) -> (i64, DurSeg) {
        if self.reloads == 0 {
            return (self.head_load.excess(vt), self.head_dur);
        }
        let excess = self.head_load.excess(vt) + self.mid_excess + self.tail_load.excess(vt);
        let mut dur = self.head_dur;
        if self.reloads >= 2 {
            dur = dur.merge(data, self.mid_dur);
        }
        (excess, dur.merge(data, close(self.tail_dur)))
    }
}

/// [`crate::route::Acc`] for multi-trip routes: distance, the trip summary, the last location, the vehicle
/// type the route is built for, and reloads at sites that type may not use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TAcc {
    pub(crate) dist: i64,
    pub(crate) seg: TripSeg,
    pub(crate) last: u32,
    pub(crate) vt: u32,
    /// Reloads at sites the vehicle type may not reload at.
    pub(crate) foreign: u32,
}

impl TAcc {
    #[inline(always)]
    fn vtype<'a>(&self, data: &'a Data) -> &'a VType {
        &data.vtypes[self.vt as usize]
    }

    #[inline(always)]
    fn push(mut self, data: &Data, seg: TripSeg, first: u32, last: u32) -> Self {
        self.dist += data.d(self.last, first);
        self.seg = self.seg.merge(data, seg, self.vtype(data));
        self.last = last;
        self
    }
}

impl Chain for TAcc {
    #[inline(always)]
    fn prefix_in(_data: &Data, route: &Route, i: usize) -> Self {
        Self { dist: route.cum_dist[i], seg: route.tfwd[i], last: route.nodes[i], vt: route.vt as u32, foreign: 0 }
    }

    #[inline(always)]
    fn start(vt: &VType) -> Self {
        let seg = TripSeg::plain(LoadSeg::default(), DurSeg::depot(vt.start, vt.open, vt.close));
        Self { dist: 0, seg, last: vt.start, vt: vt.index as u32, foreign: 0 }
    }

    #[inline(always)]
    fn node(mut self, data: &Data, loc: u32) -> Self {
        let seg = if data.is_depot(loc) {
            let vt = self.vtype(data);
            if !vt.may_reload_at(loc) {
                self.foreign += 1;
            }
            TripSeg::reload(loc, vt.reload_time)
        } else {
            TripSeg::client(data, loc)
        };
        self.dist += data.d(self.last, loc);
        self.seg = self.seg.merge(data, seg, self.vtype(data));
        self.last = loc;
        self
    }

    #[inline(always)]
    fn end(self, data: &Data, vt: &VType) -> Self {
        let seg = TripSeg::plain(LoadSeg::default(), DurSeg::depot(vt.end, vt.open, vt.close));
        self.push(data, seg, vt.end, vt.end)
    }

    #[inline(always)]
    fn suffix(self, data: &Data, route: &Route, i: usize) -> Self {
        let cached = route.tbwd[i];
        let last = route.nodes.len() - 1;
        if cached.reloads > 0 && route.vt != self.vt as usize {
            // The cached closed trips are priced and checked for the route's own type.
            return self.visits_then_end(data, route, i, &data.vtypes[route.vt]);
        }
        let mut acc = self.push(data, cached, route.nodes[i], route.nodes[last]);
        acc.dist += route.distance() - route.cum_dist[i];
        acc
    }

    #[inline(always)]
    fn tail_to(self, data: &Data, route: &Route, i: usize, vt: &VType, own: &VType) -> Self {
        if vt.end == own.end && vt.open == own.open && vt.close == own.close {
            return self.suffix(data, route, i);
        }
        self.visits_then_end(data, route, i, vt)
    }

    #[inline(always)]
    fn totals(&self, data: &Data, vt: &VType) -> Totals {
        let (excess, dur) = self.seg.finish(data, vt);
        // Reloads beyond the cap or at foreign sites count like missing skills.
        let over = u64::from(self.seg.reloads.saturating_sub(vt.max_reloads)) + u64::from(self.foreign);
        let excess = excess.saturating_add((over as i64).saturating_mul(vt.skill_penalty));
        Totals { dist: self.dist, excess, dur }
    }

    #[inline(always)]
    fn cost(&self, eval: &Eval, data: &Data, vt: &VType, nonempty: bool) -> i64 {
        if !nonempty {
            return 0;
        }
        eval.cost_of(data, vt, &self.totals(data, vt))
    }
}

/// Caches of a multi-trip route: `fwd[i]` summarises positions `0..=i`, `bwd[i]` positions
/// `i..` (both depots included).
pub(crate) fn fill_caches(data: &Data, route: &mut Route) {
    let vt = &data.vtypes[route.vt];
    let len = route.nodes.len();
    let seg = |i: usize, loc: u32| {
        if i == 0 || i == len - 1 {
            TripSeg::plain(LoadSeg::default(), DurSeg::depot(loc, vt.open, vt.close))
        } else if data.is_depot(loc) {
            TripSeg::reload(loc, vt.reload_time)
        } else {
            TripSeg::client(data, loc)
        }
    };
    route.tfwd.resize(len, TripSeg::default());
    route.tbwd.resize(len, TripSeg::default());
    let mut f = seg(0, route.nodes[0]);
    route.tfwd[0] = f;
    for i in 1..len {
        f = f.merge(data, seg(i, route.nodes[i]), vt);
        route.tfwd[i] = f;
    }
    let mut b = seg(len - 1, route.nodes[len - 1]);
    route.tbwd[len - 1] = b;
    for i in (0..len - 1).rev() {
        b = seg(i, route.nodes[i]).merge(data, b, vt);
        route.tbwd[i] = b;
    }
}

/// Removes reloads that start or end no trip: right after the start, right before the end, and
/// all but the last of consecutive reloads (an empty trip only costs time).
pub(crate) fn strip_empty_trips(data: &Data, clients: &mut Vec<u32>) {
    let mut out = 0;
    for k in 0..clients.len() {
        let loc = clients[k];
        if data.is_depot(loc) && (out == 0 || clients[k + 1..].first().is_none_or(|&next| data.is_depot(next))) {
            continue;
        }
        clients[out] = loc;
        out += 1;
    }
    clients.truncate(out);
    while clients.last().is_some_and(|&l| data.is_depot(l)) {
        clients.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::plain_from_solution;
    use crate::route::{Tours, NONE};
    use milkrun_formats::{read_sol, read_to_string, read_vrplib, VrplibOptions};
    use std::path::PathBuf;

    /// Every MTVRPTWR best-known solution in `../shared/data`, compiled: (name, data, route
    /// slots, cost in the `.sol`).
    fn best_known() -> Vec<(String, Data, Tours, i64)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/MTVRPTWR");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("skipped: ../shared/data is absent");
            return Vec::new();
        };
        let mut names: Vec<PathBuf> =
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "vrp")).collect();
        names.sort();
        let mut out = Vec::new();
        for vrp in names {
            let inst = read_vrplib(&read_to_string(&vrp).unwrap(), &VrplibOptions::default()).unwrap();
            let sol = read_sol(&read_to_string(vrp.with_extension("sol")).unwrap()).unwrap();
            let solution = sol.to_solution(&inst.problem).unwrap();
            let cost: i64 = sol.cost.as_deref().unwrap().trim().parse().unwrap();
            let data = Data::new(&inst.problem, 20).unwrap();
            let plain = plain_from_solution(&data, &inst.problem, &solution).unwrap();
            let mut tours = Tours::new(&data);
            tours.load(&data, &plain, 1);
            out.push((vrp.file_stem().unwrap().to_string_lossy().into_owned(), data, tours, cost));
        }
        out
    }

    #[test]
    fn best_known_solutions_cost_what_their_files_say() {
        for (name, data, tours, cost) in best_known() {
            assert!(data.multi_trip, "{name}");
            let s = tours.summary(&data);
            assert!(s.feasible(), "{name}: {s:?}");
            assert_eq!(s.cost, cost, "{name}");
            assert!(tours.routes.iter().any(|r| r.reloads() > 0), "{name}");
        }
    }

    #[test]
    fn any_split_of_a_route_gives_the_whole() {
        for (name, data, tours, _) in best_known().into_iter().take(12) {
            for route in tours.routes.iter().filter(|r| !r.is_empty()) {
                let vt = &data.vtypes[route.vt];
                let whole = route.totals(&data);
                let last = route.nodes.len() - 1;
                for i in 0..last {
                    let split = TAcc::prefix_in(&data, route, i).suffix(&data, route, i + 1).totals(&data, vt);
                    assert_eq!(
                        (split.dist, split.excess, split.dur),
                        (whole.dist, whole.excess, whole.dur),
                        "{name} {i}"
                    );
                    let nodes = TAcc::start(vt).range(&data, route, 1, last - 1).end(&data, vt).totals(&data, vt);
                    assert_eq!((nodes.dist, nodes.excess, nodes.dur), (whole.dist, whole.excess, whole.dur), "{name}");
                }
                // Reloads are not clients: no position points at them.
                for &c in &route.nodes {
                    if data.is_depot(c) {
                        assert!(c as usize >= tours.route_of.len() || tours.route_of[c as usize] == NONE);
                    }
                }
            }
        }
    }
}
