//! Schedules: a planning horizon, recurring visit patterns, and a multi-day plan.

use crate::ids::{JobId, VehicleTypeId};
use crate::site::{Weekday, WeekdaySet};
use crate::solution::{StopTime, Visit};
use crate::units::{Distance, Duration};

/// The days being planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Horizon {
    /// Number of days, day 0 first.
    pub days: u32,
    /// The weekday of day 0.
    pub first_weekday: Weekday,
}

impl Horizon {
    /// The weekday of horizon day `day`.
    #[must_use]
    pub fn weekday(&self, day: u32) -> Weekday {
        self.first_weekday.plus(day)
    }
}

/// How often something recurs: `visits_per_week` visits on some of `allowed_days`, each day with
/// that visit served by `loops_per_day` loops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RecurringPattern {
    /// Visits per week (k), at most the number of allowed days.
    pub visits_per_week: u32,
    /// Days the visits may fall on.
    pub allowed_days: WeekdaySet,
    /// Loops (pickups) per visiting day (n).
    pub loops_per_day: u32,
}

impl RecurringPattern {
    /// The `visits_per_week` visiting days, chosen among the allowed days so that the gaps
    /// between consecutive visits around the weekly cycle are as even as possible (smallest
    /// largest gap, then smallest sum of squared gaps, then earliest days).
    ///
    /// # Complexity
    /// O(1): at most 2^7 subsets are compared.
    #[must_use]
    pub fn spread_days(&self) -> Vec<Weekday> {
        let k = self.visits_per_week.min(self.allowed_days.len());
        if k == 0 {
            return Vec::new();
        }
        let mut best: Option<((u32, u32), u8)> = None;
        for mask in 0u8..128 {
            let days = WeekdaySet(mask);
            if days.len() != k || WeekdaySet(mask & !self.allowed_days.0) != WeekdaySet::EMPTY {
                continue;
            }
            let nums: Vec<u32> = days.iter().map(Weekday::number).collect();
            let gaps = nums.iter().enumerate().map(|(i, &d)| {
                let next = nums.get(i + 1).copied().unwrap_or(nums[0] + 7);
                next - d
            });
            let score = gaps.fold((0, 0), |(mx, sq), g| (mx.max(g), sq + g * g));
            if best.is_none_or(|(b, _)| score < b) {
                best = Some((score, mask));
            }
        }
        best.map(|(_, mask)| WeekdaySet(mask).iter().collect()).unwrap_or_default()
    }
}

/// One vehicle loop on one day, with its timetable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PlannedRoute {
    /// The vehicle type.
    pub vehicle_type: VehicleTypeId,
    /// Which vehicle of that type (0-based), so several loops can be chained on one truck.
    pub vehicle: u32,
    /// Visits in order.
    pub visits: Vec<Visit>,
    /// Timetable: start, each visit, end.
    pub timetable: Vec<StopTime>,
    /// Length of the loop.
    pub distance: Distance,
    /// Duration from departure to return.
    pub duration: Duration,
}

/// The routes of one day of the horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DayPlan {
    /// Horizon day index.
    pub day: u32,
    /// The day's loops.
    pub routes: Vec<PlannedRoute>,
    /// Jobs of that day that no loop serves.
    pub unassigned: Vec<JobId>,
}

/// A plan over a horizon: routes per day with timetables.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Plan {
    /// The horizon planned.
    pub horizon: Horizon,
    /// One entry per planned day, in day order.
    pub days: Vec<DayPlan>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_days_evenly() {
        let p = RecurringPattern { visits_per_week: 3, allowed_days: WeekdaySet::WORKDAYS, loops_per_day: 1 };
        assert_eq!(p.spread_days(), vec![Weekday::Mon, Weekday::Wed, Weekday::Fri]);
        let p = RecurringPattern { visits_per_week: 5, allowed_days: WeekdaySet::WORKDAYS, loops_per_day: 2 };
        assert_eq!(p.spread_days().len(), 5);
    }
}
