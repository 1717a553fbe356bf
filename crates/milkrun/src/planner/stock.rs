//! Plant stock over the cycle: how much each pickup collects, and the stock curve that results
//! from the arrivals.
//!
//! Consumption is continuous: `per_day` parts a production day, evenly over the production
//! hours, counted in containers (a container being used up is a fraction). A pickup collects
//! what was consumed since the previous pickup, in whole containers: with the pickups of a cycle
//! in time order, pickup `k` collects `ceil(consumed up to k) - ceil(consumed up to k-1)`
//! (counted from the first pickup, cyclically), so a cycle collects `ceil(weekly consumption)`
//! containers and no pickup rounds twice.

use milkrun_model::PartId;

use super::types::{CycleTime, StockCurve, StockPoint, DAY};

/// One cycle (a week) in seconds.
pub(crate) const CYCLE: CycleTime = 7 * DAY;

/// A part's consumption at the plant.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Consumption {
    /// Containers consumed per production day.
    pub(crate) per_day: f64,
    /// Production days, Monday first.
    pub(crate) days: [bool; 7],
    /// Production hours within a day, seconds from midnight, `open < close <= DAY`.
    pub(crate) open: i64,
    pub(crate) close: i64,
}

impl Consumption {
    /// Containers consumed over the whole cycle.
    pub(crate) fn weekly(&self) -> f64 {
        self.per_day * self.days.iter().filter(|&&d| d).count() as f64
    }

    /// Containers consumed from the start of the cycle to `t` (`0 <= t <= CYCLE`).
    pub(crate) fn until(&self, t: CycleTime) -> f64 {
        let t = t.clamp(0, CYCLE);
        let day = (t / DAY) as usize;
        let full = self.days[..day.min(7)].iter().filter(|&&d| d).count() as f64;
        let partial = if day < 7 && self.days[day] {
            let within = (t - day as i64 * DAY).clamp(self.open, self.close) - self.open;
            within as f64 / (self.close - self.open) as f64
        } else {
            0.0
        };
        self.per_day * (full + partial)
    }

    /// Containers consumed from `a` to `b`, going round the cycle when `b <= a`.
    pub(crate) fn between(&self, a: CycleTime, b: CycleTime) -> f64 {
        if b > a {
            self.until(b) - self.until(a)
        } else {
            self.weekly() - self.until(a) + self.until(b)
        }
    }

    /// Times at which the consumption rate changes (production starts or stops).
    fn breakpoints(&self) -> impl Iterator<Item = CycleTime> + '_ {
        (0..7).filter(|&d| self.days[d]).flat_map(move |d| [d as i64 * DAY + self.open, d as i64 * DAY + self.close])
    }
}

/// Whole containers collected at pickups made at `times` (any order): what was consumed since
/// the previous pickup, cyclically, rounded up cumulatively. Same order as `times`.
pub(crate) fn quantities(consumption: &Consumption, times: &[CycleTime]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by_key(|&k| (times[k], k));
    let mut out = vec![0u32; times.len()];
    let Some(&last) = order.last() else { return out };
    let mut previous = times[last];
    let (mut consumed, mut collected) = (0.0f64, 0u64);
    for &k in &order {
        let between = if order.len() == 1 { consumption.weekly() } else { consumption.between(previous, times[k]) };
        consumed += between;
        // A hair below an integer is that integer (floating sums of fractions).
        let due = (consumed - 1e-9).ceil().max(0.0) as u64;
        out[k] = u32::try_from(due.saturating_sub(collected)).unwrap_or(u32::MAX);
        collected = collected.max(due);
        previous = times[k];
    }
    out
}

/// The stock curve of `part` under `arrivals` (cycle time, containers): the initial stock is
/// the least that keeps the stock at or above `safety` over the cycle.
pub(crate) fn curve(
    part: PartId,
    consumption: &Consumption,
    arrivals: &[(CycleTime, u32)],
    safety: f64,
    max: f64,
) -> StockCurve {
    // Net change since the cycle start, before and after each event time.
    let mut times: Vec<CycleTime> = arrivals.iter().map(|a| a.0.clamp(0, CYCLE)).collect();
    times.extend(consumption.breakpoints());
    times.push(0);
    times.push(CYCLE);
    times.sort_unstable();
    times.dedup();
    let arrived_before =
        |t: CycleTime| -> f64 { arrivals.iter().filter(|a| a.0.clamp(0, CYCLE) < t).map(|a| f64::from(a.1)).sum() };
    let arrived_at =
        |t: CycleTime| -> f64 { arrivals.iter().filter(|a| a.0.clamp(0, CYCLE) == t).map(|a| f64::from(a.1)).sum() };
    let mut net = Vec::with_capacity(times.len() * 2);
    for &t in &times {
        let before = arrived_before(t) - consumption.until(t);
        net.push((t, before));
        let jump = arrived_at(t);
        if jump > 0.0 {
            net.push((t, before + jump));
        }
    }
    let low = net.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let initial = safety - low;
    let points: Vec<StockPoint> = net.iter().map(|&(at, n)| StockPoint { at, containers: initial + n }).collect();
    let peak = points.iter().map(|p| p.containers).fold(f64::NEG_INFINITY, f64::max);
    let mut area = 0.0;
    for w in points.windows(2) {
        area += (w[1].at - w[0].at) as f64 * (w[0].containers + w[1].containers) / 2.0;
    }
    let collected: f64 = arrivals.iter().map(|a| f64::from(a.1)).sum();
    StockCurve {
        part,
        safety,
        max,
        initial,
        min: safety,
        peak,
        average: area / CYCLE as f64,
        surplus_per_cycle: collected - consumption.weekly(),
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekdays(per_day: f64) -> Consumption {
        Consumption { per_day, days: [true, true, true, true, true, false, false], open: 6 * 3600, close: 22 * 3600 }
    }

    #[test]
    fn consumption_runs_on_production_hours_only() {
        let c = weekdays(8.0);
        assert_eq!(c.until(0), 0.0);
        assert_eq!(c.until(6 * 3600), 0.0);
        // Half the Monday shift: 4 containers.
        assert!((c.until(14 * 3600) - 4.0).abs() < 1e-12);
        assert!((c.until(DAY) - 8.0).abs() < 1e-12);
        assert!((c.until(CYCLE) - 40.0).abs() < 1e-12);
        // Friday 22:00 to Monday 14:00 round the weekend: 4 containers.
        assert!((c.between(4 * DAY + 22 * 3600, 14 * 3600) - 4.0).abs() < 1e-12);
    }

    #[test]
    fn quantities_replace_what_was_used_and_sum_to_the_cycle() {
        // 2.5 containers a day, picked daily at 10:00: 12.5 a week -> 13 collected.
        let c = weekdays(2.5);
        let times: Vec<CycleTime> = (0..5).map(|d| d * DAY + 10 * 3600).collect();
        let q = quantities(&c, &times);
        assert_eq!(q.iter().sum::<u32>(), 13);
        assert!(q.iter().all(|&x| x == 2 || x == 3), "{q:?}");
        // Order does not matter.
        let mut rev = times.clone();
        rev.reverse();
        let mut qr = quantities(&c, &rev);
        qr.reverse();
        assert_eq!(q, qr);
    }

    #[test]
    fn the_curve_starts_high_enough_to_stay_above_safety() {
        // 4 a day, one delivery of 20 on Monday 12:00.
        let c = weekdays(4.0);
        let s = curve(PartId(0), &c, &[(12 * 3600, 20)], 2.0, 30.0);
        // Lowest just before Monday 12:00 next week: initial + 20 - 20 at the cycle end equals
        // initial; before the arrival, initial - 1.5 (6:00-12:00 of 16 h at 4/day).
        assert!((s.initial - 3.5).abs() < 1e-9, "{s:?}");
        assert!((s.peak - 22.0).abs() < 1e-9, "{s:?}");
        assert!(s.points.iter().all(|p| p.containers >= 2.0 - 1e-9));
        assert!((s.surplus_per_cycle).abs() < 1e-12);
        assert!(s.average > 2.0 && s.average < 22.0);
    }
}
