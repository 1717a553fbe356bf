//! Concatenable route segments: whatever a move needs to know about a stretch of a route
//! (load, duration with time warp) in a constant-size summary, so that the route a move would
//! produce is evaluated in O(1) by concatenating the untouched prefix, the moved pieces and the
//! untouched suffix.
//!
//! Reference: T. Vidal, T. G. Crainic, M. Gendreau, C. Prins (2013), "A hybrid genetic
//! algorithm with adaptive diversity management for a large class of vehicle routing problems
//! with time-windows", Computers & Operations Research 40(1); time warp after Nagata et al.
//! (2010). The load summary handles simultaneous pickup and delivery.

use crate::data::{Amounts, Data, VType, MAX_DIMS};

/// Duration summary of a visit sequence, as a function of the departure time from its first
/// location: the least duration, the time warp (lateness undone to stay feasible), and the
/// window `[early, late]` of departure times achieving them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct DurSeg {
    pub(crate) first: u32,
    pub(crate) last: u32,
    pub(crate) duration: i64,
    pub(crate) time_warp: i64,
    pub(crate) early: i64,
    pub(crate) late: i64,
    pub(crate) release: i64,
}

impl DurSeg {
    /// A single location with its service time and window.
    #[inline(always)]
    pub(crate) fn node(data: &Data, loc: u32) -> Self {
        let l = loc as usize;
        Self {
            first: loc,
            last: loc,
            duration: data.service[l],
            time_warp: 0,
            early: data.early[l],
            late: data.late[l],
            release: data.release[l],
        }
    }

    /// A depot of a vehicle type: no service, the shift as window.
    #[inline(always)]
    pub(crate) fn depot(loc: u32, open: i64, close: i64) -> Self {
        Self { first: loc, last: loc, duration: 0, time_warp: 0, early: open, late: close, release: 0 }
    }

    /// `self` followed by `other`.
    #[inline(always)]
    pub(crate) fn merge(self, data: &Data, other: Self) -> Self {
        let edge = data.t(self.last, other.first);
        let at = self.duration - self.time_warp + edge;
        let wait = (other.early - at - self.late).max(0);
        let warp = (self.early + at - other.late).max(0);
        Self {
            first: self.first,
            last: other.last,
            duration: self.duration + other.duration + edge + wait,
            time_warp: self.time_warp + other.time_warp + warp,
            early: (other.early - at).max(self.early) - wait,
            late: (other.late - at).min(self.late) + warp,
            release: self.release.max(other.release),
        }
    }

    /// Total time warp of a whole route with this summary: lateness, plus a release time after
    /// the latest departure, plus duration beyond `max_duration`.
    #[inline(always)]
    pub(crate) fn route_warp(&self, max_duration: i64) -> i64 {
        self.time_warp + (self.release - self.late).max(0) + (self.duration - max_duration).max(0)
    }

    /// The earliest departure achieving the least duration.
    #[inline(always)]
    pub(crate) fn start(&self) -> i64 {
        self.early.max(self.release)
    }
}

/// Load summary: total delivered, total picked up and the largest load on board along the
/// sequence (deliveries loaded at the start, pickups kept to the end); with linehauls before
/// backhauls (VRPB), also whether a backhaul occurs and how much linehaul delivery comes after
/// the first one (the precedence violation, counted as excess load).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct LoadSeg {
    pub(crate) delivery: Amounts,
    pub(crate) pickup: Amounts,
    pub(crate) load: Amounts,
    /// A backhaul occurs (only set when the problem orders linehauls before backhauls).
    pub(crate) backhaul: bool,
    /// Linehaul delivery, summed over dimensions, after the first backhaul.
    pub(crate) misplaced: i64,
    /// Skills the segment's jobs need, one bit per skill.
    pub(crate) skills: u64,
}

impl LoadSeg {
    #[inline(always)]
    pub(crate) fn node(data: &Data, loc: u32) -> Self {
        let l = loc as usize;
        let (d, p) = (data.delivery[l], data.pickup[l]);
        let mut load = [0; MAX_DIMS];
        for k in 0..MAX_DIMS {
            load[k] = d[k].max(p[k]);
        }
        let backhaul = data.vrpb && d.iter().all(|&x| x == 0) && p.iter().any(|&x| x > 0);
        Self { delivery: d, pickup: p, load, backhaul, misplaced: 0, skills: data.skills[l] }
    }

    #[inline(always)]
    pub(crate) fn merge(self, other: Self) -> Self {
        let mut out = Self::default();
        for k in 0..MAX_DIMS {
            out.delivery[k] = self.delivery[k] + other.delivery[k];
            out.pickup[k] = self.pickup[k] + other.pickup[k];
            out.load[k] = (self.load[k] + other.delivery[k]).max(other.load[k] + self.pickup[k]);
        }
        out.backhaul = self.backhaul || other.backhaul;
        out.skills = self.skills | other.skills;
        out.misplaced =
            self.misplaced + if self.backhaul { other.delivery.iter().sum::<i64>() } else { other.misplaced };
        out
    }

    /// Load beyond `capacity`, summed over dimensions, plus linehauls after backhauls.
    #[inline(always)]
    pub(crate) fn excess_capacity(&self, capacity: &Amounts) -> i64 {
        self.load.iter().zip(capacity).map(|(l, c)| (l - c).max(0)).sum::<i64>() + self.misplaced
    }

    /// [`LoadSeg::excess_capacity`] on a vehicle of type `vt`, plus each skill the segment
    /// needs and the vehicle lacks, counted as `vt.skill_penalty` units.
    #[inline(always)]
    pub(crate) fn excess(&self, vt: &VType) -> i64 {
        let missing = i64::from((self.skills & !vt.skills).count_ones());
        self.excess_capacity(&vt.capacity) + missing * vt.skill_penalty
    }
}
