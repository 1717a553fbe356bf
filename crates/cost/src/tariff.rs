//! What a route costs: a tariff of fixed, distance, time, overtime, waiting and stop charges,
//! and breakdowns per route, day, supplier and plan that add up to the cent.
//!
//! # Units
//! Money is [`Money`], integer minor units of a currency the caller chooses. Rates are money per
//! kilometre or per hour; distances are metres ([`Distance`]) and durations seconds
//! ([`Duration`]). Each charge of a route is rounded once, half away from zero, to a minor
//! unit; totals are sums of rounded charges, so every breakdown adds up exactly.

use std::collections::BTreeMap;

use milkrun_model::{Distance, Duration, Money, RouteReport};

use crate::error::CostError;

/// The charges of one vehicle type.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tariff {
    /// Charged once per vehicle and day it is used (lease, insurance, the driver's day).
    pub fixed_per_day: Money,
    /// Per kilometre driven (fuel, tyres, maintenance, tolls on average).
    pub per_km: f64,
    /// Per hour of the route's duration up to `overtime_after`.
    pub per_hour: f64,
    /// The duration after which hours are charged at `overtime_per_hour` instead.
    pub overtime_after: Option<Duration>,
    /// Per hour beyond `overtime_after`.
    pub overtime_per_hour: f64,
    /// Per hour of waiting (for a window to open, for a dock); `None` charges waiting as
    /// ordinary time.
    pub waiting_per_hour: Option<f64>,
    /// Per stop served (handling, paperwork).
    pub per_stop: Money,
}

/// What a route used, as the checker or a schedule reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RouteUsage {
    /// Distance driven.
    pub distance: Distance,
    /// Duration from departure to return, waiting included.
    pub duration: Duration,
    /// Waiting within `duration`.
    pub waiting: Duration,
    /// Stops served.
    pub stops: u32,
}

impl RouteUsage {
    /// The usage the independent checker reports for a route (stops: the timetable's visits
    /// other than reloads).
    #[must_use]
    pub fn from_report(report: &RouteReport) -> Self {
        let stops = report.timetable.iter().filter(|row| row.visit.is_some_and(|v| v.job().is_some())).count();
        Self {
            distance: report.distance,
            duration: report.duration,
            waiting: report.wait,
            stops: u32::try_from(stops).unwrap_or(u32::MAX),
        }
    }
}

/// The charges of one route; `total` is their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CostBreakdown {
    /// Fixed charge (once per vehicle and day: see [`PlanCost`]).
    pub fixed: Money,
    /// Distance charge.
    pub distance: Money,
    /// Ordinary time.
    pub time: Money,
    /// Overtime.
    pub overtime: Money,
    /// Waiting, when charged apart.
    pub waiting: Money,
    /// Stop charges.
    pub stops: Money,
    /// Sum of the above.
    pub total: Money,
}

impl CostBreakdown {
    /// Adds `other` charge by charge, refusing a sum that does not fit in [`Money`]; `item`
    /// names the sum in the error. `self` is unchanged on error.
    fn checked_add(&mut self, other: &Self, item: &str) -> Result<(), CostError> {
        let sum = |a: Money, b: Money| add_money(item, a, b);
        *self = Self {
            fixed: sum(self.fixed, other.fixed)?,
            distance: sum(self.distance, other.distance)?,
            time: sum(self.time, other.time)?,
            overtime: sum(self.overtime, other.overtime)?,
            waiting: sum(self.waiting, other.waiting)?,
            stops: sum(self.stops, other.stops)?,
            total: sum(self.total, other.total)?,
        };
        Ok(())
    }
}

/// `a + b`, or [`CostError::InvalidInput`] naming `item` when the sum does not fit in [`Money`].
pub(crate) fn add_money(item: &str, a: Money, b: Money) -> Result<Money, CostError> {
    a.0.checked_add(b.0)
        .map(Money)
        .ok_or_else(|| CostError::invalid(item, format!("{} + {} overflows the range of Money", a.0, b.0)))
}

/// `a − b`, or [`CostError::InvalidInput`] naming `item` when the difference does not fit in
/// [`Money`].
pub(crate) fn sub_money(item: &str, a: Money, b: Money) -> Result<Money, CostError> {
    a.0.checked_sub(b.0)
        .map(Money)
        .ok_or_else(|| CostError::invalid(item, format!("{} − {} overflows the range of Money", a.0, b.0)))
}

/// Rounds an amount in minor units half away from zero, refusing what does not fit.
pub(crate) fn money(item: &str, amount: f64) -> Result<Money, CostError> {
    if !amount.is_finite() || amount.abs() >= 9.0e18 {
        return Err(CostError::invalid(item, format!("amount {amount} is not a representable sum of money")));
    }
    Ok(Money(amount.round() as i64))
}

fn rate(item: &str, value: f64) -> Result<f64, CostError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(CostError::invalid(item, format!("must be a finite non-negative rate, got {value}")))
    }
}

/// The cost of one route under a tariff, without the fixed charge (charged per vehicle and day
/// by [`PlanCost`]).
///
/// # Arguments
/// * `tariff`: the vehicle type's charges.
/// * `usage`: distance, duration, waiting and stops of the route.
///
/// # Returns
/// Each charge rounded to a minor unit and their total. Waiting charged apart (when
/// `waiting_per_hour` is set) is taken out of the ordinary and overtime hours; overtime counts
/// the hours beyond `overtime_after` of the remaining duration.
///
/// # Errors
/// [`CostError::InvalidInput`] for a negative distance or duration, waiting longer than the
/// route, a negative or non-finite rate, a negative fixed or stop charge, or charges whose
/// total does not fit in [`Money`].
///
/// # Example
/// ```
/// use milkrun_cost::tariff::{route_cost, RouteUsage, Tariff};
/// use milkrun_model::{Distance, Duration, Money};
///
/// let tariff = Tariff {
///     per_km: 95.0,                    // 0.95 per km, in cents
///     per_hour: 3_200.0,               // 32.00 per hour
///     overtime_after: Some(Duration::hours(8)),
///     overtime_per_hour: 4_800.0,      // 48.00 per hour beyond 8 h
///     waiting_per_hour: Some(2_000.0), // 20.00 per hour waiting
///     per_stop: Money(500),
///     ..Tariff::default()
/// };
/// let usage = RouteUsage { distance: Distance(212_400), duration: Duration::hours(9) + Duration::minutes(30), waiting: Duration::minutes(30), stops: 6 };
/// let c = route_cost(&tariff, &usage)?;
/// // 212.4 km x 95 = 20178; 8 h x 3200 = 25600; 1 h x 4800 (9 h driving and working); 0.5 h x 2000; 6 x 500
/// assert_eq!((c.distance, c.time, c.overtime, c.waiting, c.stops), (Money(20_178), Money(25_600), Money(4_800), Money(1_000), Money(3_000)));
/// assert_eq!(c.total, Money(20_178 + 25_600 + 4_800 + 1_000 + 3_000));
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
pub fn route_cost(tariff: &Tariff, usage: &RouteUsage) -> Result<CostBreakdown, CostError> {
    if usage.distance.0 < 0 {
        return Err(CostError::invalid("route distance", format!("is negative ({} m)", usage.distance.0)));
    }
    if usage.duration.0 < 0 || usage.waiting.0 < 0 {
        return Err(CostError::invalid("route duration", "is negative"));
    }
    if usage.waiting > usage.duration {
        return Err(CostError::invalid(
            "route waiting",
            format!("{} s is longer than the route's {} s", usage.waiting.0, usage.duration.0),
        ));
    }
    let per_km = rate("per_km", tariff.per_km)?;
    let per_hour = rate("per_hour", tariff.per_hour)?;
    let overtime_rate = rate("overtime_per_hour", tariff.overtime_per_hour)?;
    let hours = |d: Duration| d.0 as f64 / 3600.0;
    let (working, waiting) = match tariff.waiting_per_hour {
        Some(w) => (usage.duration - usage.waiting, hours(usage.waiting) * rate("waiting_per_hour", w)?),
        None => (usage.duration, 0.0),
    };
    let (ordinary, overtime) = match tariff.overtime_after {
        Some(limit) if limit.0 < 0 => return Err(CostError::invalid("overtime_after", "is negative")),
        Some(limit) if working > limit => (limit, working - limit),
        _ => (working, Duration(0)),
    };
    if tariff.per_stop.0 < 0 {
        return Err(CostError::invalid("per_stop", format!("is negative ({})", tariff.per_stop.0)));
    }
    if tariff.fixed_per_day.0 < 0 {
        return Err(CostError::invalid("fixed_per_day", format!("is negative ({})", tariff.fixed_per_day.0)));
    }
    let mut c = CostBreakdown {
        fixed: Money(0),
        distance: money("distance charge", usage.distance.0 as f64 / 1000.0 * per_km)?,
        time: money("time charge", hours(ordinary) * per_hour)?,
        overtime: money("overtime charge", hours(overtime) * overtime_rate)?,
        waiting: money("waiting charge", waiting)?,
        stops: Money(
            tariff
                .per_stop
                .0
                .checked_mul(i64::from(usage.stops))
                .ok_or_else(|| CostError::invalid("stop charge", "overflows"))?,
        ),
        total: Money(0),
    };
    c.total = [c.time, c.overtime, c.waiting, c.stops]
        .into_iter()
        .try_fold(c.distance, |sum, charge| add_money("route cost total", sum, charge))?;
    Ok(c)
}

/// Splits an amount in proportion to weights so that the parts add up to it exactly (largest
/// remainder method: each part is rounded down, the minor units left over go to the largest
/// remainders, ties to the lower index).
///
/// # Arguments
/// * `total`: the amount to split (may be negative: a saving).
/// * `weights`: non-negative finite weights, not all zero (tonne-km, stand-alone costs...).
///
/// # Returns
/// One part per weight, summing to `total`.
///
/// # Complexity
/// O(n log n).
///
/// # Errors
/// [`CostError::InvalidInput`] for a negative or non-finite weight, or weights summing to 0.
///
/// # Example
/// ```
/// use milkrun_cost::tariff::split_money;
/// use milkrun_model::Money;
/// // 100 cents in thirds: 34, 33, 33.
/// assert_eq!(split_money(Money(100), &[1.0, 1.0, 1.0])?, vec![Money(34), Money(33), Money(33)]);
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
pub fn split_money(total: Money, weights: &[f64]) -> Result<Vec<Money>, CostError> {
    if let Some(k) = weights.iter().position(|w| !w.is_finite() || *w < 0.0) {
        return Err(CostError::invalid(
            format!("weight {k}"),
            format!("must be finite and non-negative, got {}", weights[k]),
        ));
    }
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 || !sum.is_finite() {
        return Err(CostError::invalid("weights", format!("must have a positive finite sum, got {sum}")));
    }
    let sign = total.0.signum();
    let magnitude = total.0.unsigned_abs();
    // Floors in 128-bit fixed point: exact for any i64 total.
    let scale = (1u128 << 64) as f64;
    let shares: Vec<u128> = weights.iter().map(|w| ((w / sum) * scale) as u128).collect();
    let share_sum: u128 = shares.iter().sum::<u128>().max(1);
    let mut parts: Vec<(u128, u128, usize)> = shares
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let exact = u128::from(magnitude) * s;
            (exact / share_sum, exact % share_sum, k)
        })
        .collect();
    let floor_sum: u128 = parts.iter().map(|p| p.0).sum();
    let mut left = u128::from(magnitude) - floor_sum;
    let mut by_remainder: Vec<usize> = (0..parts.len()).collect();
    by_remainder.sort_by(|&a, &b| parts[b].1.cmp(&parts[a].1).then(a.cmp(&b)));
    for &k in &by_remainder {
        if left == 0 {
            break;
        }
        if weights[k] > 0.0 {
            parts[k].0 += 1;
            left -= 1;
        }
    }
    // q ≤ |total| ≤ 2^63: with its sign it fits in i64 (−2^63 only for total = i64::MIN).
    parts
        .into_iter()
        .map(|(q, _, _)| {
            i128::try_from(q)
                .ok()
                .and_then(|q| i64::try_from(i128::from(sign) * q).ok())
                .map(Money)
                .ok_or_else(|| CostError::invalid("split", format!("a part of {} does not fit in Money", total.0)))
        })
        .collect()
}

/// One route of a plan, for [`PlanCost`].
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRouteCost {
    /// Day index in the plan.
    pub day: u32,
    /// The vehicle (its fixed charge is counted once per day however many routes it runs).
    pub vehicle: u32,
    /// The route's charges.
    pub cost: CostBreakdown,
    /// The suppliers served and their weight in the route's cost (tonne-km, stops...).
    pub suppliers: Vec<(u32, f64)>,
}

/// Cost of a plan: per route, per day, per supplier and in total, with each vehicle's fixed
/// charge counted once per day it is used and shared among that day's routes by their
/// variable cost.
///
/// Days and suppliers are keyed by the caller's ids, which need not be dense: only the days
/// and suppliers that appear are stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanCost {
    /// Every route, fixed charges included.
    pub routes: Vec<PlannedRouteCost>,
    /// Per day with at least one route, by day index.
    pub days: BTreeMap<u32, CostBreakdown>,
    /// Per supplier served, by supplier id: their weighted shares of each route's total.
    pub suppliers: BTreeMap<u32, Money>,
    /// The plan's total.
    pub total: CostBreakdown,
}

impl PlanCost {
    /// Builds the breakdowns from routes (their `cost.fixed` is ignored and recomputed).
    ///
    /// # Arguments
    /// * `routes`: the routes, each with its day, vehicle, variable charges and suppliers.
    /// * `fixed_per_day`: the daily fixed charge of each vehicle (index = vehicle).
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] for a negative fixed charge, a vehicle without a fixed
    /// charge entry, a route whose supplier weights cannot split its cost (negative, or all
    /// zero with suppliers listed), or a total (of a route, a day, a supplier or the plan) that
    /// does not fit in [`Money`], naming the route, day or supplier.
    ///
    /// # Complexity
    /// O(r log r + s log s) for r routes and s supplier entries; memory O(r + s) whatever the
    /// ids.
    pub fn new(mut routes: Vec<PlannedRouteCost>, fixed_per_day: &[Money]) -> Result<Self, CostError> {
        if let Some((v, fixed)) = fixed_per_day.iter().enumerate().find(|(_, f)| f.0 < 0) {
            return Err(CostError::invalid(format!("vehicle {v} fixed_per_day"), format!("is negative ({})", fixed.0)));
        }
        // Each (day, vehicle)'s fixed charge, split over its routes by their variable cost.
        let mut groups: Vec<usize> = (0..routes.len()).collect();
        groups.sort_by_key(|&k| (routes[k].day, routes[k].vehicle, k));
        let mut start = 0;
        while start < groups.len() {
            let (day, vehicle) = (routes[groups[start]].day, routes[groups[start]].vehicle);
            let end = start
                + groups[start..].iter().take_while(|&&k| (routes[k].day, routes[k].vehicle) == (day, vehicle)).count();
            let fixed = *fixed_per_day.get(vehicle as usize).ok_or_else(|| {
                CostError::invalid(format!("vehicle {vehicle}"), "has no fixed charge in fixed_per_day")
            })?;
            let weights: Vec<f64> =
                groups[start..end].iter().map(|&k| routes[k].cost.total.0.max(0) as f64 + 1.0).collect();
            for (&k, part) in groups[start..end].iter().zip(split_money(fixed, &weights)?) {
                let item = format!("route {k} (day {day}) total");
                let c = &mut routes[k].cost;
                c.total = add_money(&item, sub_money(&item, c.total, c.fixed)?, part)?;
                c.fixed = part;
            }
            start = end;
        }
        let mut plan = PlanCost::default();
        for (k, r) in routes.iter().enumerate() {
            plan.days.entry(r.day).or_default().checked_add(&r.cost, &format!("day {} total", r.day))?;
            plan.total.checked_add(&r.cost, "plan total")?;
            if r.suppliers.is_empty() {
                continue;
            }
            let weights: Vec<f64> = r.suppliers.iter().map(|s| s.1).collect();
            let parts = split_money(r.cost.total, &weights).map_err(|e| match e {
                CostError::InvalidInput { item, reason } => {
                    CostError::InvalidInput { item: format!("route {k} (day {}) {item}", r.day), reason }
                }
                other => other,
            })?;
            for (&(supplier, _), part) in r.suppliers.iter().zip(parts) {
                let share = plan.suppliers.entry(supplier).or_default();
                *share = add_money(&format!("supplier {supplier} total"), *share, part)?;
            }
        }
        plan.routes = routes;
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn waiting_apart_and_overtime() {
        let t = Tariff {
            per_km: 100.0,
            per_hour: 3600.0,
            overtime_after: Some(Duration::hours(2)),
            overtime_per_hour: 7200.0,
            waiting_per_hour: None,
            ..Tariff::default()
        };
        // 3 h with 1 h waiting charged as time: 2 h ordinary (7200) + 1 h overtime (7200).
        let u = RouteUsage {
            distance: Distance(1500),
            duration: Duration::hours(3),
            waiting: Duration::hours(1),
            stops: 0,
        };
        let c = route_cost(&t, &u).unwrap();
        assert_eq!((c.distance, c.time, c.overtime, c.waiting), (Money(150), Money(7200), Money(7200), Money(0)));
        // Waiting apart at 1000/h: 2 h working, no overtime.
        let c = route_cost(&Tariff { waiting_per_hour: Some(1000.0), ..t }, &u).unwrap();
        assert_eq!(
            (c.time, c.overtime, c.waiting, c.total),
            (Money(7200), Money(0), Money(1000), Money(150 + 7200 + 1000))
        );
    }

    #[test]
    fn bad_usage_and_rates_are_named() {
        let t = Tariff::default();
        let u = RouteUsage { distance: Distance(-1), ..RouteUsage::default() };
        assert!(route_cost(&t, &u).unwrap_err().to_string().contains("distance"));
        let u = RouteUsage { duration: Duration(10), waiting: Duration(20), ..RouteUsage::default() };
        assert!(route_cost(&t, &u).unwrap_err().to_string().contains("waiting"));
        let bad = Tariff { per_km: f64::NAN, ..t };
        assert!(route_cost(&bad, &RouteUsage::default()).unwrap_err().to_string().contains("per_km"));
        assert!(split_money(Money(10), &[0.0, 0.0]).is_err());
        assert!(split_money(Money(10), &[1.0, -1.0]).unwrap_err().to_string().contains("weight 1"));
    }

    #[test]
    fn a_plan_counts_each_vehicle_day_once() {
        let route = |day, vehicle, total: i64, suppliers: Vec<(u32, f64)>| PlannedRouteCost {
            day,
            vehicle,
            cost: CostBreakdown { distance: Money(total), total: Money(total), ..CostBreakdown::default() },
            suppliers,
        };
        let plan = PlanCost::new(
            vec![
                route(0, 0, 1000, vec![(0, 1.0), (1, 3.0)]),
                route(0, 0, 3000, vec![(2, 1.0)]),
                route(1, 1, 500, vec![(0, 1.0)]),
            ],
            &[Money(800), Money(200)],
        )
        .unwrap();
        // Day 0: vehicle 0's 800 split over its two loops by variable cost + 1: 1001:3001 -> 200, 600.
        assert_eq!(plan.routes[0].cost.fixed + plan.routes[1].cost.fixed, Money(800));
        assert_eq!(plan.days[&0].total, Money(1000 + 3000 + 800));
        assert_eq!(plan.days[&1].total, Money(500 + 200));
        assert_eq!(plan.total.total, Money(5500));
        assert_eq!(plan.suppliers.values().copied().sum::<Money>(), plan.total.total);
    }

    fn planned(day: u32, vehicle: u32, total: i64, suppliers: Vec<(u32, f64)>) -> PlannedRouteCost {
        PlannedRouteCost {
            day,
            vehicle,
            cost: CostBreakdown { distance: Money(total), total: Money(total), ..CostBreakdown::default() },
            suppliers,
        }
    }

    #[test]
    fn ids_near_u32_max_cost_no_memory() {
        // A day and a supplier id of u32::MAX used to grow a Vec to 2^32 entries (over 200 GB of
        // breakdowns); they are keys now. 700 + fixed 300 = 1000, all to supplier u32::MAX.
        let plan = PlanCost::new(vec![planned(u32::MAX, 0, 700, vec![(u32::MAX, 1.0)])], &[Money(300)]).unwrap();
        assert_eq!(plan.days.len(), 1);
        assert_eq!(plan.days[&u32::MAX].total, Money(1000));
        assert_eq!(plan.suppliers.get(&u32::MAX), Some(&Money(1000)));
    }

    #[test]
    fn negative_fixed_charges_are_refused() {
        let err = PlanCost::new(vec![planned(0, 0, 100, vec![])], &[Money(-5)]).unwrap_err();
        assert_eq!(err, CostError::invalid("vehicle 0 fixed_per_day", "is negative (-5)"));
        let t = Tariff { fixed_per_day: Money(-1), ..Tariff::default() };
        let err = route_cost(&t, &RouteUsage::default()).unwrap_err();
        assert_eq!(err, CostError::invalid("fixed_per_day", "is negative (-1)"));
    }

    #[test]
    fn money_overflow_is_a_typed_error() {
        // Distance 5e9 km x 1e9 per km = 5e18 and one stop at 5e18: each fits in i64, their sum
        // 1e19 does not (i64::MAX is about 9.22e18).
        let t = Tariff { per_km: 1e9, per_stop: Money(5_000_000_000_000_000_000), ..Tariff::default() };
        let u = RouteUsage { distance: Distance(5_000_000_000_000), stops: 1, ..RouteUsage::default() };
        let err = route_cost(&t, &u).unwrap_err();
        assert!(matches!(err, CostError::InvalidInput { ref item, .. } if item == "route cost total"), "{err}");
        // Two routes of day 3 at i64::MAX − 10 each: their day total overflows.
        let big = i64::MAX - 10;
        let err = PlanCost::new(vec![planned(3, 0, big, vec![]), planned(3, 1, big, vec![])], &[Money(0), Money(0)])
            .unwrap_err();
        assert!(matches!(err, CostError::InvalidInput { ref item, .. } if item == "day 3 total"), "{err}");
        // The fixed charge pushes one route's total over: i64::MAX − 10 + 11.
        let err = PlanCost::new(vec![planned(0, 0, big, vec![])], &[Money(11)]).unwrap_err();
        assert!(matches!(err, CostError::InvalidInput { ref item, .. } if item == "route 0 (day 0) total"), "{err}");
        // Two routes of two days add up past i64::MAX in the plan's total.
        let err = PlanCost::new(vec![planned(0, 0, big, vec![]), planned(1, 0, big, vec![])], &[Money(0)]).unwrap_err();
        assert!(matches!(err, CostError::InvalidInput { ref item, .. } if item == "plan total"), "{err}");
        // With a credit of −big on day 1 in between, the plan total stays at big, but supplier 7's
        // shares of days 0 and 2, big each, overflow.
        let err = PlanCost::new(
            vec![
                planned(0, 0, big, vec![(7, 1.0)]),
                planned(1, 0, -big, vec![(9, 1.0)]),
                planned(2, 0, big, vec![(7, 1.0)]),
            ],
            &[Money(0)],
        )
        .unwrap_err();
        assert!(matches!(err, CostError::InvalidInput { ref item, .. } if item == "supplier 7 total"), "{err}");
    }

    #[test]
    fn split_money_handles_the_most_negative_total() {
        // |i64::MIN| = 2^63 does not fit in i64: one part of 2^63 with sign −1 must still come
        // back as i64::MIN, and halves as −2^62 each.
        assert_eq!(split_money(Money(i64::MIN), &[1.0]).unwrap(), vec![Money(i64::MIN)]);
        assert_eq!(split_money(Money(i64::MIN), &[1.0, 1.0]).unwrap(), vec![Money(-(1 << 62)), Money(-(1 << 62))]);
        assert_eq!(split_money(Money(i64::MAX), &[1.0]).unwrap(), vec![Money(i64::MAX)]);
    }

    proptest! {
        #[test]
        fn splits_add_up_exactly(total in -1_000_000_000i64..1_000_000_000, weights in proptest::collection::vec(0.0f64..1e6, 1..12)) {
            prop_assume!(weights.iter().sum::<f64>() > 0.0);
            let parts = split_money(Money(total), &weights).unwrap();
            prop_assert_eq!(parts.iter().map(|m| m.0).sum::<i64>(), total);
            let sum: f64 = weights.iter().sum();
            for (p, w) in parts.iter().zip(&weights) {
                prop_assert!((p.0 as f64 - total as f64 * w / sum).abs() <= 1.0 + 1e-6 * total.abs() as f64);
                if *w == 0.0 {
                    prop_assert_eq!(p.0, 0);
                }
            }
        }

        #[test]
        fn route_cost_is_monotone_in_distance_and_time(d in 0i64..1_000_000, extra in 0i64..100_000, t in 0i64..50_000, more in 0i64..20_000) {
            let tariff = Tariff { per_km: 87.0, per_hour: 2900.0, overtime_after: Some(Duration(20_000)), overtime_per_hour: 4100.0, ..Tariff::default() };
            let a = route_cost(&tariff, &RouteUsage { distance: Distance(d), duration: Duration(t), ..RouteUsage::default() }).unwrap();
            let b = route_cost(&tariff, &RouteUsage { distance: Distance(d + extra), duration: Duration(t + more), ..RouteUsage::default() }).unwrap();
            prop_assert!(b.total >= a.total);
        }
    }
}
