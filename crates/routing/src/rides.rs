//! Maximum ride times of paired shipments: a first version on top of the route simulation of
//! `windows.rs`.
//!
//! A shipment's ride is the time from its departure at the pickup (service start plus service
//! time) to its arrival at the delivery, and must not exceed its limit (the independent
//! checker's rule). Ride times depend on when the route leaves its start depot, so no
//! constant-size duration summary holds them; on instances where some shipment has a limit,
//! routes are simulated forwards from their earliest departure as in [`SimAcc`], and each
//! ride-limited shipment is followed from its pickup to its delivery.
//!
//! # The departure
//! [`SimAcc`] leaves later by `p = min(slack, waited)` when nothing is late, which removes
//! waiting that no service start needs. A departure `p` later moves every time after `W` of
//! waiting by `max(0, p - W)`. For a shipment that leaves its pickup at `dep0` in the
//! earliest-departure simulation, after `B` of waiting (the wait at the pickup included), and
//! reaches its delivery at `arr0` after `A >= B` of waiting, the ride is therefore
//!
//! ```text
//! ride(p) = (arr0 - dep0) - (min(p, A) - min(p, B)) = ride(0) - clamp(p - B, 0, A - B)
//! ```
//!
//! It never grows with `p`, so the departure [`SimAcc`] picks is also the best one for ride
//! times: a later one makes a stop late (one window per stop) or gains nothing (`p >= A` for
//! every pair, as `p <= waited`). The excess over the limit at that departure is added to the
//! route's time warp: it is penalised like lateness and makes the route infeasible.
//!
//! # Limitations
//! The summary is `Copy` and of fixed size: it follows at most [`ON_BOARD`] ride-limited
//! shipments on board at once and keeps at most [`AT_RISK`] delivered ones whose ride before
//! the push exceeds their limit (shipments within their limit before the push stay within it).
//! Beyond those, the excess is overestimated, never underestimated: a delivered pair beyond
//! [`AT_RISK`] counts its excess before the push, and a delivery whose pickup was not followed
//! counts its ride from the route's departure (an upper bound; exact when the route is not
//! pushed). Such a route may then be called infeasible, or costlier, when it is not; a route
//! called feasible always is. With several windows per stop, a departure later than the push
//! that reaches a later window is not considered (as for [`SimAcc`]'s duration). Release
//! times, which would move the earliest departure, are refused with ride limits.
//!
//! # Complexity
//! As [`SimAcc`]: moves cost O(route length); each visit adds O([`ON_BOARD`]) and a route's
//! totals O([`AT_RISK`]).

use crate::data::{Data, VType, FOREVER};
use crate::route::{Chain, Eval, Route, Totals};
use crate::windows::SimAcc;

/// Most ride-limited shipments a summary follows on board at once.
pub(crate) const ON_BOARD: usize = 16;
/// Most delivered shipments over their limit before the push that a summary keeps exactly.
pub(crate) const AT_RISK: usize = 8;

/// A ride-limited shipment on board: its pickup location, its departure from there in the
/// earliest-departure simulation, and the waiting so far then (the pickup's own included).
#[derive(Debug, Clone, Copy, Default)]
struct OnBoard {
    pickup: u32,
    left: i64,
    waited: i64,
}

/// A delivered shipment over its limit before the push: `excess` at push 0, reduced by the
/// push beyond `from` (waiting when it left its pickup) up to `to` (waiting when it arrived).
#[derive(Debug, Clone, Copy, Default)]
struct AtRisk {
    excess: i64,
    from: i64,
    to: i64,
}

impl AtRisk {
    /// Its excess when the route leaves `push` later.
    #[inline(always)]
    fn excess_at(&self, push: i64) -> i64 {
        (self.excess - (push - self.from).clamp(0, self.to - self.from)).max(0)
    }
}

/// A route simulated from its earliest departure, with the rides of its ride-limited shipments.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RideAcc {
    sim: SimAcc,
    on_board: [OnBoard; ON_BOARD],
    n_on_board: u8,
    at_risk: [AtRisk; AT_RISK],
    n_at_risk: u8,
    /// Excess no push reduces: pairs with no waiting between their stops (exact), and pairs
    /// beyond [`AT_RISK`] (their excess before the push, an upper bound).
    fixed: i64,
}

impl RideAcc {
    /// Appends location `loc` in place (the summary is large: chains of visits step in place
    /// rather than copy it at every visit).
    #[inline(always)]
    fn step(&mut self, data: &Data, loc: u32) {
        let before = self.sim;
        self.sim = self.sim.node(data, loc);
        let l = loc as usize;
        let limit = data.max_ride[l];
        if limit < FOREVER {
            // A ride-limited delivery: its pickup is on board, or was not followed (a full
            // list), then bounded by a ride from the route's departure with no waiting before.
            let arrival = before.time + data.t(before.last, loc);
            let pickup = data.partner[l];
            let on = &self.on_board[..self.n_on_board as usize];
            let (left, waited) = match on.iter().position(|b| b.pickup == pickup) {
                Some(k) => {
                    let b = on[k];
                    self.n_on_board -= 1;
                    self.on_board[k] = self.on_board[self.n_on_board as usize];
                    (b.left, b.waited)
                }
                None => (self.sim.departure, 0),
            };
            self.delivered(arrival - left - limit, waited, before.waited);
        } else if data.is_pickup_half(loc)
            && data.max_ride[data.partner[l] as usize] < FOREVER
            && (self.n_on_board as usize) < ON_BOARD
        {
            self.on_board[self.n_on_board as usize] =
                OnBoard { pickup: loc, left: self.sim.time, waited: self.sim.waited };
            self.n_on_board += 1;
        }
    }

    /// Appends `visits`, then the end depot of `vt` if given.
    #[inline(always)]
    fn walk(mut self, data: &Data, visits: impl Iterator<Item = u32>, end: Option<&VType>) -> Self {
        for loc in visits {
            self.step(data, loc);
        }
        if let Some(vt) = end {
            self.sim = self.sim.end(data, vt);
        }
        self
    }

    /// Records a delivered pair with `excess` at push 0, left after `from` of waiting and
    /// arrived after `to`.
    #[inline(always)]
    fn delivered(&mut self, excess: i64, from: i64, to: i64) {
        if excess <= 0 {
            return;
        }
        if to <= from || self.n_at_risk as usize == AT_RISK {
            self.fixed += excess;
        } else {
            self.at_risk[self.n_at_risk as usize] = AtRisk { excess, from, to };
            self.n_at_risk += 1;
        }
    }
}

impl Chain for RideAcc {
    #[inline(always)]
    fn prefix_in(_data: &Data, route: &Route, i: usize) -> Self {
        route.ride_fwd[i]
    }

    #[inline(always)]
    fn start(vt: &VType) -> Self {
        Self {
            sim: SimAcc::start(vt),
            on_board: [OnBoard::default(); ON_BOARD],
            n_on_board: 0,
            at_risk: [AtRisk::default(); AT_RISK],
            n_at_risk: 0,
            fixed: 0,
        }
    }

    #[inline(always)]
    fn node(mut self, data: &Data, loc: u32) -> Self {
        self.step(data, loc);
        self
    }

    #[inline(always)]
    fn end(mut self, data: &Data, vt: &VType) -> Self {
        self.sim = self.sim.end(data, vt);
        self
    }

    #[inline(always)]
    fn range(self, data: &Data, route: &Route, i: usize, j: usize) -> Self {
        self.walk(data, route.nodes[i..=j].iter().copied(), None)
    }

    #[inline(always)]
    fn range_rev(self, data: &Data, route: &Route, i: usize, j: usize) -> Self {
        self.walk(data, route.nodes[i..=j].iter().rev().copied(), None)
    }

    #[inline(always)]
    fn visits_then_end(self, data: &Data, route: &Route, i: usize, vt: &VType) -> Self {
        let last = route.nodes.len() - 1;
        self.walk(data, route.nodes[i.min(last)..last].iter().copied(), Some(vt))
    }

    #[inline(always)]
    fn totals(&self, data: &Data, vt: &VType) -> Totals {
        let mut t = self.sim.totals(data, vt);
        // The departure the simulation settles on, and the rides' excess there.
        let push = t.dur.early - self.sim.departure;
        let excess = self.at_risk[..self.n_at_risk as usize].iter().map(|r| r.excess_at(push)).sum::<i64>();
        t.dur.time_warp += self.fixed + excess;
        t
    }

    #[inline(always)]
    fn cost(&self, eval: &Eval, data: &Data, vt: &VType, nonempty: bool) -> i64 {
        if !nonempty {
            return 0;
        }
        eval.cost_of(data, vt, &self.totals(data, vt))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::route::Tours;
    use milkrun_model::{
        check_solution, Coordinates, Duration, Job, JobId, JobKind, Load, Problem, ProblemData, Rounding, Site, SiteId,
        SiteKind, Solution, Speed, Stop, TimeWindow, TravelMatrix, VehicleType, VehicleTypeId, Violation, Visit,
    };

    /// `n` random shipments on one vehicle, most with a ride limit (the direct travel time plus
    /// 0 to 40), some stops with a window, service times 0 to 4.
    fn problem(rng: &mut Rng, n: usize) -> Problem {
        let mut sites = vec![Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 0.0, y: 0.0 })];
        let mut jobs = Vec::new();
        for k in 0..n {
            let stop = |sites: &mut Vec<Site>, rng: &mut Rng| {
                let (x, y) = (rng.below(60) as f64 - 30.0, rng.below(60) as f64 - 30.0);
                sites.push(Site::new(format!("s{}", sites.len()), SiteKind::Customer, Coordinates::Planar { x, y }));
                let mut stop = Stop::at(SiteId(sites.len() as u32 - 1)).service(Duration(rng.below(5) as i64));
                if rng.unit() < 0.5 {
                    let open = rng.below(300) as i64;
                    stop = stop.window(TimeWindow::new(Duration(open), Duration(open + 20 + rng.below(200) as i64)));
                }
                (stop, (x, y))
            };
            let (from, a) = stop(&mut sites, rng);
            let (to, b) = stop(&mut sites, rng);
            let mut job = Job::shipment(format!("p{k}"), from, to, Load::single(1));
            if rng.unit() < 0.8 {
                if let JobKind::Shipment { max_ride, .. } = &mut job.kind {
                    *max_ride = Some(Duration((a.0 - b.0).hypot(a.1 - b.1).round() as i64 + rng.below(40) as i64));
                }
            }
            jobs.push(job);
        }
        let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
        ProblemData {
            name: "rides".into(),
            dimensions: vec!["units".into()],
            travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance).unwrap(),
            sites,
            jobs,
            vehicle_types: vec![VehicleType::new("van", 1, Load::single(1000), SiteId(0))],
            ..ProblemData::default()
        }
        .validate()
        .unwrap()
    }

    /// A random order of all pickups and deliveries, each pickup before its delivery.
    fn order(rng: &mut Rng, n: usize) -> Vec<Visit> {
        let mut halves: Vec<usize> = (0..2 * n).collect();
        rng.shuffle(&mut halves);
        let mut seen = vec![false; n];
        halves
            .into_iter()
            .map(|h| {
                let j = h % n;
                let first = !std::mem::replace(&mut seen[j], true);
                if first {
                    Visit::Pickup(JobId(j as u32))
                } else {
                    Visit::Delivery(JobId(j as u32))
                }
            })
            .collect()
    }

    /// The checker's summed ride excess of one route leaving at `departure`.
    fn checker_excess(problem: &Problem, visits: &[Visit], departure: i64) -> i64 {
        let mut route = milkrun_model::Route::new(VehicleTypeId(0), visits.to_vec());
        route.departure = Some(Duration(departure));
        let report = check_solution(problem, &Solution { routes: vec![route], unassigned: Vec::new() });
        report
            .violations
            .iter()
            .map(|v| match v {
                Violation::MaxRide { ride, limit, .. } => (*ride - *limit).get(),
                _ => 0,
            })
            .sum()
    }

    /// The route's ride excess by the engine (its time warp less the simulation's), its
    /// departure, and whether every split into a cached prefix and a simulated suffix agrees.
    fn engine(data: &Data, visits: &[Visit]) -> (i64, i64, bool) {
        let locs: Vec<u32> = visits
            .iter()
            .map(|v| match *v {
                Visit::Pickup(j) => data.loc_of_job[j.index()],
                Visit::Delivery(j) => data.loc_of_job[j.index()] + 1,
                _ => unreachable!(),
            })
            .collect();
        let mut tours = Tours::new(data);
        tours.set_route(data, 0, &locs, 1);
        let route = &tours.routes[0];
        let vt = &data.vtypes[0];
        let whole = route.totals(data);
        let sim = crate::windows::SimAcc::start(vt);
        let sim = locs.iter().fold(sim, |acc, &l| acc.node(data, l)).end(data, vt).totals(data, vt);
        assert_eq!((whole.dist, whole.dur.duration, whole.dur.early), (sim.dist, sim.dur.duration, sim.dur.early));
        let splits_agree = (0..route.nodes.len() - 1).all(|i| {
            let split = RideAcc::prefix_in(data, route, i).suffix(data, route, i + 1).totals(data, vt);
            (split.dist, split.excess, split.dur) == (whole.dist, whole.excess, whole.dur)
        });
        (whole.dur.time_warp - sim.dur.time_warp, whole.dur.early, splits_agree)
    }

    #[test]
    fn ride_excess_is_the_checkers_within_capacity() {
        let mut rng = Rng::new(7);
        for case in 0..300 {
            let n = 1 + rng.below(AT_RISK);
            let problem = problem(&mut rng, n);
            let data = Data::new(&problem, 10).unwrap();
            if !data.ride_limits {
                continue;
            }
            for _ in 0..5 {
                let visits = order(&mut rng, n);
                let (excess, departure, splits_agree) = engine(&data, &visits);
                assert!(splits_agree, "case {case}: {visits:?}");
                assert_eq!(excess, checker_excess(&problem, &visits, departure), "case {case}: {visits:?}");
            }
        }
    }

    #[test]
    fn ride_excess_beyond_capacity_is_never_underestimated() {
        let mut rng = Rng::new(11);
        let mut overestimated = 0;
        for case in 0..60 {
            let n = 2 * ON_BOARD + rng.below(8);
            let problem = problem(&mut rng, n);
            let data = Data::new(&problem, 10).unwrap();
            if !data.ride_limits {
                continue;
            }
            for _ in 0..5 {
                let visits = order(&mut rng, n);
                let (excess, departure, splits_agree) = engine(&data, &visits);
                assert!(splits_agree, "case {case}");
                let exact = checker_excess(&problem, &visits, departure);
                assert!(excess >= exact, "case {case}: {excess} < {exact}");
                overestimated += usize::from(excess > exact);
            }
        }
        // (The random orders do overflow the lists.)
        assert!(overestimated > 0);
    }
}
