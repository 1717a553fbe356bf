//! Reorder policies: how much to order and when.
//!
//! - Demand distributions with their loss functions: [`Normal`] (and the standard normal
//!   [`std_normal_cdf`], [`std_normal_quantile`], [`std_normal_loss`], ...), [`Poisson`]
//!   (stable for means up to [`MAX_POISSON_MEAN`]) and an explicit [`DiscretePmf`].
//! - Deterministic demand: [`Eoq`], [`EoqBackorders`], [`DiscountedEoq`] (all-units and
//!   incremental quantity discounts), and Wagner-Whitin dynamic lot sizing ([`wagner_whitin`]).
//! - One period or a lead time: the [`Newsvendor`] and the periodic-review [`BaseStock`] policy.
//! - Continuous review `(r, Q)`: [`RqNormal`] (exact cost, optimal `r` for `Q`, exact optimum,
//!   EOQ+SS, EOQB, EIL and loss-function approximations) and [`RqPoisson`] (exact optimum).
//! - Periodic review `(s, S)` with discrete demand: [`SsPolicy`] (Zheng-Federgruen).
//! - Practice: [`PeriodicReview`] order-up-to levels (the review period may be the milk-run
//!   pickup cycle), [`MinMax`], safety stock for a cycle service level or a fill rate with
//!   lead-time variability ([`safety_stock_for_cycle_service`], [`safety_stock_for_fill_rate`]),
//!   supplier [`OrderRounding`] and [`SupplierCalendar`]s.
//!
//! Conventions follow Snyder & Shen, *Fundamentals of Supply Chain Theory* (2nd ed., Wiley
//! 2019) and its companion library stockpyl, against whose textbook examples the tests check
//! every model: `h` is a holding cost and `p` a stockout (backorder) cost per unit (per unit
//! time where the model has time), `K` a fixed cost per order; loss functions are
//! `n(x) = E[(D - x)+]`, `nbar(x) = E[(x - D)+]` and their second-order versions. Each module
//! documents its own conventions.
//!
//! Every function validates its inputs and returns [`InventoryError::InvalidParameter`] naming
//! the parameter and the reason for NaN, infinite, negative or degenerate values (a service
//! level of 1, zero demand where a rate is needed...); nothing here panics, and everything is
//! deterministic.
//!
//! [`InventoryError::InvalidParameter`]: crate::InventoryError::InvalidParameter
//!
//! # Example
//!
//! Key points: lead-time demand from daily demand with an uncertain lead time; a reorder point
//! for a 98 % cycle service level; a quantity from the EOQ, rounded to the supplier's rules.
//!
//! ```
//! use milkrun_inventory::policy::{safety_stock_for_cycle_service, Eoq, LeadTimeDemand, OrderRounding};
//!
//! // 40 parts a day (sd 10), lead time 3 days (sd 1 day).
//! let demand = LeadTimeDemand { demand_mean: 40.0, demand_sd: 10.0, lead_time: 3.0, lead_time_sd: 1.0 };
//! let ss = safety_stock_for_cycle_service(&demand, 0.98)?;
//! assert!((ss.sd - (3.0 * 100.0 + 1600.0_f64).sqrt()).abs() < 1e-9);
//! assert!(ss.reorder_point > 120.0);
//!
//! // Ordering costs 50, holding a part costs 0.02 a day.
//! let eoq = Eoq { fixed_cost: 50.0, holding_cost: 0.02, demand_rate: 40.0 }.solve()?;
//! assert!((eoq.order_quantity - 447.2136).abs() < 1e-3);
//!
//! // The supplier ships in boxes of 24, at least 100 parts, at most 960.
//! let rules = OrderRounding { min_order_quantity: 100, lot_multiple: 24, max_order_quantity: Some(960) };
//! let order = rules.round(eoq.order_quantity)?;
//! assert_eq!(order.quantity, 456);
//! # Ok::<(), milkrun_inventory::InventoryError>(())
//! ```

pub(crate) mod check;
mod discrete;
mod eoq;
mod lot_sizing;
mod newsvendor;
mod normal;
mod periodic;
mod rounding;
mod rq;
mod safety;
mod ss;

pub use self::discrete::{DiscretePmf, Poisson, MAX_POISSON_MEAN};
pub use self::eoq::{
    CostBreakdown, DiscountKind, DiscountSolution, DiscountedEoq, Eoq, EoqBackorders, EoqBackordersSolution,
    EoqSolution, PriceBreak,
};
pub use self::lot_sizing::{wagner_whitin, wagner_whitin_stationary, LotSizingPlan, PeriodCosts};
pub use self::newsvendor::{BaseStock, Newsvendor, NewsvendorSolution};
pub use self::normal::{
    std_normal_cdf, std_normal_complementary_loss, std_normal_complementary_second_loss, std_normal_loss,
    std_normal_loss_inverse, std_normal_pdf, std_normal_quantile, std_normal_second_loss, std_normal_sf, Normal,
};
pub use self::periodic::{MinMax, OrderUpTo, PeriodicReview, ServiceTarget};
pub use self::rounding::{OrderRounding, Replenishment, RoundedOrder, SupplierCalendar};
pub use self::rq::{RqApproximation, RqNormal, RqPoisson, RqPoissonSolution, RqSolution, MAX_POISSON_ORDER_QUANTITY};
pub use self::safety::{
    poisson_reorder_point_for_cycle_service, poisson_reorder_point_for_fill_rate, safety_stock,
    safety_stock_for_cycle_service, safety_stock_for_fill_rate, LeadTimeDemand, SafetyStock,
};
pub use self::ss::{SsPolicy, SsSolution, MAX_SS_GAP};

#[cfg(test)]
mod tests {
    //! Hostile inputs: every entry point answers (usually with an error) and never panics.

    use super::*;
    use milkrun_model::{Calendar, Weekday, WeekdaySet};
    use proptest::prelude::*;

    const SPECIAL: [f64; 14] = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        -1.0,
        1e-300,
        1e300,
        1.0,
        0.5,
        0.999_999_999,
        7.3,
        50.0,
        1e7,
    ];
    const INTEGERS: [i64; 8] = [i64::MIN, -1_000_000, -1, 0, 1, 17, 1_000_000, i64::MAX];

    fn special() -> impl Strategy<Value = f64> {
        prop::sample::select(SPECIAL.to_vec())
    }

    fn integer() -> impl Strategy<Value = i64> {
        prop::sample::select(INTEGERS.to_vec())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn hostile_inputs_never_panic(a in special(), b in special(), c in special(), d in special(), e in special(), f in special(), k in integer(), j in integer()) {
            let _ = std_normal_quantile(a);
            let _ = std_normal_loss_inverse(a);
            let _ = (std_normal_cdf(a), std_normal_pdf(a), std_normal_loss(a), std_normal_second_loss(a));
            if let Ok(n) = Normal::new(a, b) {
                let _ = (n.cdf(c), n.sf(c), n.quantile(c), n.loss(c), n.second_loss(c), n.complementary_second_loss(c));
                let _ = Newsvendor { holding_cost: d, stockout_cost: e }.normal(&n);
                let _ = Newsvendor { holding_cost: d, stockout_cost: e }.normal_cost(f, &n);
                let _ = n.over_periods(f);
            }
            if let Ok(p) = Poisson::new(a.abs().min(1e5)) {
                let _ = (p.pmf(k), p.cdf(k), p.sf(k), p.loss(k), p.complementary_second_loss(k), p.quantile(b));
                let _ = Newsvendor { holding_cost: c, stockout_cost: d }.poisson(&p);
                let _ = BaseStock { holding_cost: c, stockout_cost: d, lead_time: 3 }.poisson(&p);
                let _ = poisson_reorder_point_for_fill_rate(&p, b, c);
                let t = DiscretePmf::from_poisson(&p);
                let _ = (t.cdf(k), t.loss(j), t.second_loss(k), t.quantile(b));
                let _ = SsPolicy { holding_cost: c, stockout_cost: d, fixed_cost: e.abs().min(1e4) }.cost(k, j, &t);
            }
            let _ = DiscretePmf::new(&[a, b, c]);
            let _ = Eoq { fixed_cost: a, holding_cost: b, demand_rate: c }.solve();
            let _ = Eoq { fixed_cost: a, holding_cost: b, demand_rate: c }.cost(d);
            let _ = EoqBackorders { fixed_cost: a, holding_cost: b, stockout_cost: c, demand_rate: d }.cost(e, f);
            let breaks = vec![PriceBreak { min_quantity: 0.0, unit_cost: d }, PriceBreak { min_quantity: e, unit_cost: f }];
            for kind in [DiscountKind::AllUnits, DiscountKind::Incremental] {
                let m = DiscountedEoq { fixed_cost: a, holding_cost_rate: b, demand_rate: c, breaks: breaks.clone(), kind };
                let _ = (m.solve(), m.cost(d));
            }
            let rq = RqNormal { holding_cost: a, stockout_cost: b, fixed_cost: c, demand_rate: d, demand_sd: e, lead_time: f };
            let _ = (rq.cost(a, b), rq.optimal_reorder_point(c), rq.eoq_ss(), rq.eoqb(), rq.eil(), rq.loss_function(), rq.optimize());
            let rqp = RqPoisson { holding_cost: a, stockout_cost: b, fixed_cost: c.min(1e4), demand_rate: d.min(100.0), lead_time: e.min(10.0) };
            let _ = (rqp.cost(k, j.unsigned_abs()), rqp.optimize());
            let _ = wagner_whitin_stationary(&[a, b, c], d, e);
            let ltd = LeadTimeDemand { demand_mean: a, demand_sd: b, lead_time: c, lead_time_sd: d };
            let _ = (safety_stock_for_cycle_service(&ltd, e), safety_stock_for_fill_rate(&ltd, e, f));
            for service in [ServiceTarget::CycleServiceLevel(a), ServiceTarget::FillRate(a)] {
                let p = PeriodicReview { review_period: b, lead_time: c, lead_time_sd: d, service };
                let _ = (p.order_up_to(e, f), p.order_up_to_from_forecast(&[e, f, e, f], f));
            }
            let _ = MinMax { min: a, max: b }.order_quantity(c);
            let rules = OrderRounding { min_order_quantity: k.unsigned_abs(), lot_multiple: j.unsigned_abs(), max_order_quantity: Some(k.unsigned_abs() / 3) };
            let _ = rules.round(a);
            let cal = SupplierCalendar {
                calendar: Calendar { open_days: WeekdaySet::of(&[Weekday::Sat]), holidays: vec![u32::MAX - 3, 5] },
                first_weekday: Weekday::Sun,
                lead_time_days: j.unsigned_abs() as u32,
            };
            let _ = cal.replenishment(k.unsigned_abs() as u32);
        }
    }
}
