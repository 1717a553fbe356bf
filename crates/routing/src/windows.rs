//! Several time windows per stop: a first version that evaluates routes by simulation.
//!
//! A stop with several windows has no constant-size duration summary (which window is used
//! depends on when the vehicle gets there), so on instances where some stop has several
//! windows, a route is simulated forwards from its earliest departure: at each stop the
//! vehicle waits for the first window that has not closed yet, or is late after the last one
//! (the independent checker's rule). Leaving as early as possible never arrives anywhere later,
//! so feasibility is exact. The duration then drops the waiting that a later departure would
//! avoid without moving any service start out of its window, exactly as the checker computes
//! it, and the route's departure is set to that later time.
//!
//! Prefixes are cached per position; appending a suffix simulates it, so a move costs
//! O(route length) instead of O(1). Release times and reloads are refused on such instances
//! (the earliest departure would depend on the whole route).

use crate::data::{Data, VType, FOREVER};
use crate::route::{Chain, Eval, Route, Totals};
use crate::segment::{DurSeg, LoadSeg};

/// A route simulated from its earliest departure.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SimAcc {
    pub(crate) dist: i64,
    pub(crate) load: LoadSeg,
    /// Departure from `last` (after the end depot: the arrival there).
    pub(crate) time: i64,
    /// Departure from the start depot.
    pub(crate) departure: i64,
    /// Lateness so far (and, after the end depot, the return after the shift).
    pub(crate) warp: i64,
    /// Waiting so far.
    pub(crate) waited: i64,
    /// How much later the route could leave without a service start leaving its window.
    pub(crate) slack: i64,
    pub(crate) last: u32,
}

impl Chain for SimAcc {
    #[inline(always)]
    fn prefix_in(_data: &Data, route: &Route, i: usize) -> Self {
        route.sim_fwd[i]
    }

    #[inline(always)]
    fn start(vt: &VType) -> Self {
        Self {
            dist: 0,
            load: LoadSeg::default(),
            time: vt.open,
            departure: vt.open,
            warp: 0,
            waited: 0,
            slack: FOREVER,
            last: vt.start,
        }
    }

    #[inline(always)]
    fn node(mut self, data: &Data, loc: u32) -> Self {
        let arrival = self.time + data.t(self.last, loc);
        let (start, late) = data.service_start(loc, arrival);
        self.warp += late;
        self.waited += start - arrival;
        let room = if data.multi_window {
            data.windows[loc as usize]
                .iter()
                .find(|&&(open, close)| open <= start && start <= close)
                .map_or(FOREVER, |&(_, close)| close - start)
        } else if late == 0 && data.late[loc as usize] < FOREVER {
            data.late[loc as usize] - start
        } else {
            FOREVER
        };
        self.slack = self.slack.min(self.waited.saturating_add(room));
        self.time = start + data.service[loc as usize];
        self.dist += data.d(self.last, loc);
        self.load = self.load.merge(LoadSeg::node(data, loc));
        self.last = loc;
        self
    }

    #[inline(always)]
    fn end(mut self, data: &Data, vt: &VType) -> Self {
        self.time += data.t(self.last, vt.end);
        self.dist += data.d(self.last, vt.end);
        self.warp += (self.time - vt.close).max(0);
        self.last = vt.end;
        self
    }

    #[inline(always)]
    fn totals(&self, _data: &Data, vt: &VType) -> Totals {
        // Leave later by what no service start needs, as long as nothing is late.
        let push = if self.warp == 0 { self.slack.min(self.waited).max(0) } else { 0 };
        let departure = self.departure + push;
        let dur = DurSeg {
            first: vt.start,
            last: vt.end,
            duration: self.time - departure,
            time_warp: self.warp,
            early: departure,
            late: departure,
            release: 0,
        };
        Totals { dist: self.dist, excess: self.load.excess(vt), dur }
    }

    #[inline(always)]
    fn cost(&self, eval: &Eval, data: &Data, vt: &VType, nonempty: bool) -> i64 {
        if !nonempty {
            return 0;
        }
        eval.cost_of(data, vt, &self.totals(data, vt))
    }
}
