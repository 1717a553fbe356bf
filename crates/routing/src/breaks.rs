//! Driver breaks: a first version that places them by simulation.
//!
//! On instances where some vehicle type has break rules, routes are simulated forwards from
//! their earliest departure as in `windows.rs`, and before each leg the driver takes every
//! break that is
//! - **due**: a window rule whose window would have closed by the next chance (the departure
//!   from the next stop), or which the route still needs when it heads back to its end (it
//!   returns after the window opens); a driving rule whose limit the next leg would pass;
//! - or **free**: taking it here (from the window's opening if that is later) still reaches
//!   the next stop before its service would start anyway (the break fits in waiting there).
//!
//! A break is taken where the vehicle is, after the previous stop's service (at the start
//! site before the first), as the model's [`Visit::Break`](milkrun_model::Visit::Break). A
//! window rule whose window closes before the vehicle's shift opens is not due. A break at
//! least as long as a driving rule's restarts that rule's count. A leg longer than a driving
//! limit cannot be helped by a break: its excess counts as lateness.
//!
//! This greedy placement is exact in what it evaluates (the independent checker computes the
//! same schedule) but not optimal: taking a break earlier or at another stop can be cheaper
//! than the rule above. Waiting for a break window to open counts as waiting (the departure
//! is then pushed later as for time windows, the checker's rule). Release times and reloads
//! are refused together with breaks, as with several windows per stop.

use crate::data::{Data, VType, FOREVER, MAX_BREAKS};
use crate::route::{Chain, Eval, Route, Totals};
use crate::windows::SimAcc;

/// A route simulated from its earliest departure, breaks included.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BreakAcc {
    sim: SimAcc,
    /// The vehicle type whose rules apply.
    vt: u32,
    /// Window rules taken or not due, one bit per rule.
    done: u8,
    /// Driving since the last break at least as long, per driving rule.
    driving: [i64; MAX_BREAKS],
}

impl BreakAcc {
    /// Drives on to `to` (the end depot of `end_vt` when it is `Some`), first taking every
    /// break that is due or free; `taken` hears of each rule taken, in order.
    #[inline]
    fn advance(mut self, data: &Data, to: u32, end_vt: Option<&VType>, taken: &mut impl FnMut(usize)) -> Self {
        let rules = &data.vtypes[self.vt as usize].breaks;
        let tau = data.t(self.sim.last, to);
        'decide: loop {
            let arrival = self.sim.time + tau;
            // Without a break now: service start at `to` and the next chance, its departure
            // (at the end: the return).
            let (start, leave) = match end_vt {
                Some(_) => (arrival, arrival),
                None => {
                    let (start, _) = data.service_start(to, arrival);
                    (start, start + data.service[to as usize])
                }
            };
            // Window rules first: one may also serve a driving rule.
            let order =
                (0..rules.len()).filter(|&k| rules[k].window).chain((0..rules.len()).filter(|&k| !rules[k].window));
            for k in order {
                let rule = rules[k];
                let at = self.sim.time.max(rule.open);
                let free =
                    end_vt.is_none() && at <= rule.close && data.service_start(to, at + rule.duration + tau).0 <= start;
                let take = if rule.window {
                    let due = if end_vt.is_some() { arrival > rule.open } else { leave > rule.close };
                    self.done & (1 << k) == 0 && (free || due)
                } else {
                    self.driving[k] > 0 && (free || self.driving[k] + tau > rule.limit)
                };
                if take {
                    // A due driving break: an open window break at least as long does both.
                    let k = (0..rules.len())
                        .find(|&w| {
                            let r = rules[w];
                            !rule.window
                                && r.window
                                && self.done & (1 << w) == 0
                                && r.open <= self.sim.time
                                && self.sim.time <= r.close
                                && r.duration >= rule.duration
                        })
                        .unwrap_or(k);
                    self.take(rules, k);
                    taken(k);
                    continue 'decide;
                }
            }
            break;
        }
        for (k, rule) in rules.iter().enumerate() {
            if !rule.window {
                let before = self.driving[k];
                self.driving[k] += tau;
                if self.driving[k] > rule.limit {
                    self.sim.warp += self.driving[k] - before.max(rule.limit);
                }
            }
        }
        self.sim = match end_vt {
            Some(vt) => self.sim.end(data, vt),
            None => self.sim.node(data, to),
        };
        self
    }

    /// Takes break rule `k` now (from its window's opening if that is later), like a stop with
    /// the rule's window and the break as its service.
    #[inline]
    fn take(&mut self, rules: &[crate::data::BreakRule], k: usize) {
        let rule = rules[k];
        let at = self.sim.time.max(rule.open);
        self.sim.warp += (at - rule.close).max(0);
        self.sim.waited += at - self.sim.time;
        let room = if at <= rule.close && rule.close < FOREVER { rule.close - at } else { FOREVER };
        self.sim.slack = self.sim.slack.min(self.sim.waited.saturating_add(room));
        self.sim.time = at + rule.duration;
        if rule.window {
            self.done |= 1 << k;
        }
        for (j, other) in rules.iter().enumerate() {
            if rule.duration >= other.duration {
                self.driving[j] = 0;
            }
        }
    }
}

/// The breaks `route` takes: `(p, rule)` for each, in order, taken just before driving to
/// position `p` of its nodes.
pub(crate) fn placed(data: &Data, route: &Route) -> Vec<(usize, usize)> {
    let vt = &data.vtypes[route.vt];
    let len = route.nodes.len();
    let mut out = Vec::new();
    let mut acc = BreakAcc::start(vt);
    for p in 1..len {
        let mut note = |k: usize| out.push((p, k));
        acc = if p + 1 < len {
            acc.advance(data, route.nodes[p], None, &mut note)
        } else {
            acc.advance(data, vt.end, Some(vt), &mut note)
        };
    }
    out
}

impl Chain for BreakAcc {
    #[inline(always)]
    fn prefix_in(_data: &Data, route: &Route, i: usize) -> Self {
        route.brk_fwd[i]
    }

    #[inline(always)]
    fn start(vt: &VType) -> Self {
        let mut done = 0u8;
        for (k, rule) in vt.breaks.iter().enumerate() {
            if rule.window && rule.close < vt.open {
                done |= 1 << k;
            }
        }
        Self { sim: SimAcc::start(vt), vt: vt.index as u32, done, driving: [0; MAX_BREAKS] }
    }

    #[inline(always)]
    fn node(self, data: &Data, loc: u32) -> Self {
        self.advance(data, loc, None, &mut |_| {})
    }

    #[inline(always)]
    fn end(self, data: &Data, vt: &VType) -> Self {
        self.advance(data, vt.end, Some(vt), &mut |_| {})
    }

    #[inline(always)]
    fn totals(&self, data: &Data, vt: &VType) -> Totals {
        self.sim.totals(data, vt)
    }

    #[inline(always)]
    fn cost(&self, eval: &Eval, data: &Data, vt: &VType, nonempty: bool) -> i64 {
        self.sim.cost(eval, data, vt, nonempty)
    }
}
