//! Dynamic lot sizing with known, time-varying demand: the Wagner-Whitin algorithm.
//!
//! Conventions: periods `0..T`; the order of period `t` arrives at once and covers the demand of
//! periods `t..s`; stock left at the end of period `j` costs `h_j` per unit; an order costs
//! `K_t` plus `c_t` per unit, and no fixed cost is charged for an order that covers no demand.
//! No backorders, no initial stock. stockpyl's `wagner_whitin` charges the holding cost of the
//! ordering period `h_t` for every period a unit is held; the two agree for a constant holding
//! cost, which is what its example uses.

use super::check;
use super::eoq::CostBreakdown;
use crate::InventoryError;

/// The costs of one period of a lot-sizing horizon.
///
/// # Units
/// Money per order (`fixed_cost`), per unit held to the next period (`holding_cost`) and per
/// unit bought (`unit_cost`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PeriodCosts {
    /// Fixed cost `K_t` of an order placed in this period, non-negative.
    pub fixed_cost: f64,
    /// Holding cost `h_t` per unit in stock at the end of this period, non-negative.
    pub holding_cost: f64,
    /// Purchase cost `c_t` per unit ordered in this period, non-negative.
    pub unit_cost: f64,
}

/// An optimal lot-sizing plan.
#[derive(Debug, Clone, PartialEq)]
pub struct LotSizingPlan {
    /// The quantity ordered in each period (0 where no order is placed).
    pub order_quantities: Vec<f64>,
    /// The costs over the whole horizon (not per period): setups, holding and purchases.
    pub cost: CostBreakdown,
}

/// The optimal order plan for deterministic, time-varying demand (Wagner-Whitin).
///
/// Backward dynamic programme over the zero-inventory-ordering property: with `theta_T = 0`,
/// `theta_t = min_{t < s <= T} ( [K_t if d_t + ... + d_{s-1} > 0] + c_t sum_{i=t}^{s-1} d_i
/// + sum_{i=t}^{s-1} d_i sum_{j=t}^{i-1} h_j + theta_s )`. Ties go to the shortest coverage.
///
/// # Arguments
/// * `demands`: the demand of each period, non-negative.
/// * `costs`: one [`PeriodCosts`] per period.
///
/// # Returns
/// The order quantities and their total cost.
///
/// # Errors
/// [`InventoryError::InvalidParameter`] when the slices are empty or of different lengths, or
/// a demand or cost is negative or not finite.
///
/// # Complexity
/// O(T^2) time, O(T) space.
///
/// # Reference
/// H. M. Wagner and T. M. Whitin, "Dynamic version of the economic lot size model",
/// *Management Science* 5 (1958) 89-96; Snyder & Shen (2019), section 3.7, Algorithm 3.1;
/// stockpyl `wagner_whitin`.
pub fn wagner_whitin(demands: &[f64], costs: &[PeriodCosts]) -> Result<LotSizingPlan, InventoryError> {
    if demands.is_empty() {
        return Err(InventoryError::invalid("demands", "must not be empty"));
    }
    if costs.len() != demands.len() {
        return Err(InventoryError::invalid(
            "costs",
            format!("must have one entry per period ({}), got {}", demands.len(), costs.len()),
        ));
    }
    for (t, (d, c)) in demands.iter().zip(costs).enumerate() {
        check::non_negative(&format!("demands[{t}]"), *d)?;
        check::non_negative(&format!("costs[{t}].fixed_cost"), c.fixed_cost)?;
        check::non_negative(&format!("costs[{t}].holding_cost"), c.holding_cost)?;
        check::non_negative(&format!("costs[{t}].unit_cost"), c.unit_cost)?;
    }
    let n = demands.len();
    let mut theta = vec![0.0; n + 1];
    let mut next = vec![n; n];
    for t in (0..n).rev() {
        let (mut best, mut best_next) = (f64::INFINITY, n);
        let (mut covered, mut holding, mut carry) = (0.0, 0.0, 0.0);
        for i in t..n {
            if i > t {
                // A unit for period i is held at the ends of periods t..i-1.
                carry += costs[i - 1].holding_cost;
            }
            covered += demands[i];
            holding += demands[i] * carry;
            let setup = if covered > 0.0 { costs[t].fixed_cost } else { 0.0 };
            let total = setup + costs[t].unit_cost * covered + holding + theta[i + 1];
            if total < best {
                (best, best_next) = (total, i + 1);
            }
        }
        theta[t] = check::computed("cost", best)?;
        next[t] = best_next;
    }

    let mut order_quantities = vec![0.0; n];
    let (mut setups, mut holding, mut purchase) = (0.0, 0.0, 0.0);
    let mut t = 0;
    while t < n {
        let s = next[t];
        let mut carry = 0.0;
        for i in t..s {
            if i > t {
                carry += costs[i - 1].holding_cost;
            }
            order_quantities[t] += demands[i];
            holding += demands[i] * carry;
        }
        if order_quantities[t] > 0.0 {
            setups += costs[t].fixed_cost;
        }
        purchase += costs[t].unit_cost * order_quantities[t];
        t = s;
    }
    Ok(LotSizingPlan { order_quantities, cost: CostBreakdown::new(setups, holding, 0.0, purchase).checked()? })
}

/// [`wagner_whitin`] with the same fixed and holding cost in every period and no purchase
/// cost.
///
/// # Errors
/// As [`wagner_whitin`].
///
/// # Complexity
/// O(T^2) time, O(T) space.
pub fn wagner_whitin_stationary(
    demands: &[f64],
    fixed_cost: f64,
    holding_cost: f64,
) -> Result<LotSizingPlan, InventoryError> {
    let costs = vec![PeriodCosts { fixed_cost, holding_cost, unit_cost: 0.0 }; demands.len()];
    wagner_whitin(demands, &costs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matches_stockpyl() {
        // stockpyl.wagner_whitin.wagner_whitin(4, 2, 500, [90, 120, 80, 70])
        //   -> Q = [0, 210, 0, 150, 0] (1-based), cost 1380.0
        let plan = wagner_whitin_stationary(&[90.0, 120.0, 80.0, 70.0], 500.0, 2.0).unwrap();
        assert_eq!(plan.order_quantities, vec![210.0, 0.0, 150.0, 0.0]);
        assert_eq!(plan.cost.total, 1380.0);
        assert_eq!(plan.cost.ordering, 1000.0);
        assert_eq!(plan.cost.holding, 380.0);
    }

    #[test]
    fn zero_demand_periods_cost_nothing() {
        let plan = wagner_whitin_stationary(&[0.0, 0.0, 5.0, 0.0], 10.0, 1.0).unwrap();
        assert_eq!(plan.order_quantities, vec![0.0, 0.0, 5.0, 0.0]);
        assert_eq!(plan.cost.total, 10.0);
    }

    #[test]
    fn invalid_inputs_are_errors() {
        assert!(wagner_whitin_stationary(&[], 1.0, 1.0).is_err());
        assert!(wagner_whitin_stationary(&[1.0, -1.0], 1.0, 1.0).is_err());
        assert!(wagner_whitin_stationary(&[1.0, f64::NAN], 1.0, 1.0).is_err());
        assert!(wagner_whitin_stationary(&[1.0], -1.0, 1.0).is_err());
        assert!(wagner_whitin_stationary(&[1.0], 1.0, f64::INFINITY).is_err());
        assert!(wagner_whitin(&[1.0, 2.0], &[PeriodCosts::default()]).is_err());
        let huge = PeriodCosts { fixed_cost: 1.0, holding_cost: 1.0, unit_cost: 1e300 };
        assert!(wagner_whitin(&[1e300, 1e300], &[huge, huge]).is_err());
    }

    /// The cost of ordering in exactly the periods of `mask`, computed from the inventory
    /// balance (an oracle independent of the dynamic programme); `None` if infeasible.
    fn brute_cost(demands: &[f64], costs: &[PeriodCosts], mask: u32) -> Option<f64> {
        let n = demands.len();
        let mut total = 0.0;
        let mut stock = 0.0;
        for t in 0..n {
            if mask & (1 << t) != 0 {
                let next = (t + 1..n).find(|s| mask & (1 << s) != 0).unwrap_or(n);
                let q: f64 = demands[t..next].iter().sum();
                if q > 0.0 {
                    total += costs[t].fixed_cost;
                }
                total += costs[t].unit_cost * q;
                stock += q;
            }
            stock -= demands[t];
            if stock < -1e-9 {
                return None;
            }
            total += costs[t].holding_cost * stock;
        }
        Some(total)
    }

    proptest! {
        #[test]
        fn matches_brute_force(
            demands in proptest::collection::vec(0.0f64..100.0, 1..9),
            raw in proptest::collection::vec((0.0f64..300.0, 0.0f64..5.0, 0.0f64..3.0), 9),
        ) {
            let costs: Vec<PeriodCosts> = raw[..demands.len()]
                .iter()
                .map(|&(fixed_cost, holding_cost, unit_cost)| PeriodCosts { fixed_cost, holding_cost, unit_cost })
                .collect();
            let plan = wagner_whitin(&demands, &costs).unwrap();
            let n = demands.len();
            let best = (0..1u32 << n).filter_map(|mask| brute_cost(&demands, &costs, mask)).fold(f64::INFINITY, f64::min);
            prop_assert!((plan.cost.total - best).abs() <= 1e-9 * best.max(1.0), "{} vs {best}", plan.cost.total);
            // The plan itself is feasible and costs what it says.
            let mask = plan.order_quantities.iter().enumerate().filter(|(_, q)| **q > 0.0).fold(0u32, |m, (t, _)| m | 1 << t);
            let own = brute_cost(&demands, &costs, mask).unwrap();
            prop_assert!((own - plan.cost.total).abs() <= 1e-9 * own.max(1.0));
        }
    }
}
