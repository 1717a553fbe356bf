//! Continuous-review `(r, Q)` policies: when the inventory position falls to `r`, order `Q`.
//!
//! Conventions (Snyder & Shen 2019, chapter 5, followed by stockpyl's `rq` module): demand
//! arrives at rate `lambda` per unit time; lead-time demand over the deterministic lead time `L`
//! has mean `lambda L` (and, for normal demand, standard deviation `tau sqrt(L)`, with `tau` the
//! standard deviation per unit time); unmet demand is backordered at cost `p` per unit per unit
//! time, on-hand stock costs `h` per unit per unit time, each order costs `K`. The inventory
//! position is uniform on `(r, r + Q]`, so the expected cost per unit time is
//! `g(r, Q) = (K lambda + integral_r^{r+Q} G(y) dy) / Q` for continuous demand and
//! `g(r, Q) = (K lambda + sum_{y=r+1}^{r+Q} G(y)) / Q` for integer demand, where
//! `G(y) = h nbar(y) + p n(y)` is the newsvendor cost against lead-time demand. The integral
//! and the sum have closed forms in the second-order loss functions:
//! `integral_a^b n = n2(a) - n2(b)` and `integral_a^b nbar = nbar2(b) - nbar2(a)` (the same with
//! `sum_{a+1}^{b}` in the discrete case).

use super::check;
use super::discrete::{DiscretePmf, Poisson};
use super::eoq::{CostBreakdown, Eoq, EoqBackorders};
use super::newsvendor::Newsvendor;
use super::normal::{std_normal_loss_inverse, Normal};
use crate::InventoryError;

/// Iteration cap of the fixed-point approximations (EIL, loss function).
const MAX_FIXED_POINT_ITERATIONS: usize = 10_000;
/// Relative change below which a fixed-point iteration has converged.
const FIXED_POINT_TOLERANCE: f64 = 1e-11;
/// The largest order quantity the exact Poisson algorithm grows to.
pub const MAX_POISSON_ORDER_QUANTITY: u64 = 10_000_000;

/// An `(r, Q)` policy under normal demand.
///
/// # Units
/// Costs in money (`fixed_cost` per order, the others per unit per unit time); demand in units
/// per unit time; lead time in the same time unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RqNormal {
    /// Holding cost per unit per unit time `h`, positive.
    pub holding_cost: f64,
    /// Backorder cost per unit per unit time `p`, positive.
    pub stockout_cost: f64,
    /// Fixed cost per order `K`, positive.
    pub fixed_cost: f64,
    /// Mean demand per unit time `lambda`, positive.
    pub demand_rate: f64,
    /// Standard deviation of demand per unit time `tau`, non-negative.
    pub demand_sd: f64,
    /// Lead time `L`, non-negative.
    pub lead_time: f64,
}

/// An `(r, Q)` policy with its exact expected cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RqSolution {
    /// The reorder point `r`.
    pub reorder_point: f64,
    /// The order quantity `Q`.
    pub order_quantity: f64,
    /// The exact expected cost per unit time of `(r, Q)`.
    pub cost: CostBreakdown,
}

/// An `(r, Q)` policy found by an approximation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RqApproximation {
    /// The reorder point `r`.
    pub reorder_point: f64,
    /// The order quantity `Q`.
    pub order_quantity: f64,
    /// The approximation's own cost estimate, for the approximations that define one (EIL).
    pub approximate_cost: Option<f64>,
    /// The exact expected cost per unit time of `(r, Q)`.
    pub cost: CostBreakdown,
}

/// Validated parameters of [`RqNormal`].
struct NormalModel {
    h: f64,
    p: f64,
    k: f64,
    lambda: f64,
    ltd: Normal,
}

impl NormalModel {
    /// `G(y) = h nbar(y) + p n(y)`.
    fn g(&self, y: f64) -> f64 {
        self.h * self.ltd.complementary_loss(y) + self.p * self.ltd.loss(y)
    }

    fn cost(&self, r: f64, q: f64) -> CostBreakdown {
        let holding = self.h * (self.ltd.complementary_second_loss(r + q) - self.ltd.complementary_second_loss(r)) / q;
        let shortage = self.p * (self.ltd.second_loss(r) - self.ltd.second_loss(r + q)) / q;
        CostBreakdown::new(self.k * self.lambda / q, holding.max(0.0), shortage.max(0.0), 0.0)
    }

    /// The newsvendor level `S* = F^-1(p / (h + p))`.
    fn newsvendor_level(&self) -> Result<f64, InventoryError> {
        Ok(Newsvendor { holding_cost: self.h, stockout_cost: self.p }.normal(&self.ltd)?.level)
    }

    /// The `r` solving `G(r) = G(r + Q)`, by bisection on `[S* - Q, S*]`.
    fn optimal_r(&self, q: f64, s_star: f64) -> f64 {
        let (mut lo, mut hi) = (s_star - q, s_star);
        for _ in 0..300 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if self.g(mid + q) < self.g(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// The `y` with `n(y) = target` (`target > 0`).
    fn loss_inverse(&self, target: f64) -> Result<f64, InventoryError> {
        let (mean, sd) = (self.ltd.mean(), self.ltd.sd());
        if sd == 0.0 {
            return Ok(mean - target);
        }
        Ok(mean + sd * std_normal_loss_inverse(target / sd)?)
    }

    fn approximation(&self, r: f64, q: f64, approximate_cost: Option<f64>) -> Result<RqApproximation, InventoryError> {
        check::computed("reorder_point", r)?;
        check::computed("order_quantity", q)?;
        Ok(RqApproximation { reorder_point: r, order_quantity: q, approximate_cost, cost: self.cost(r, q).checked()? })
    }
}

/// Whether a fixed-point iteration moved by less than the tolerance.
fn settled(old: f64, new: f64) -> bool {
    (new - old).abs() <= FIXED_POINT_TOLERANCE * new.abs().max(1.0)
}

impl RqNormal {
    fn model(&self) -> Result<NormalModel, InventoryError> {
        let h = check::positive("holding_cost", self.holding_cost)?;
        let p = check::positive("stockout_cost", self.stockout_cost)?;
        let k = check::positive("fixed_cost", self.fixed_cost)?;
        let lambda = check::positive("demand_rate", self.demand_rate)?;
        let tau = check::non_negative("demand_sd", self.demand_sd)?;
        let lead_time = check::non_negative("lead_time", self.lead_time)?;
        let ltd = Normal::new(check::computed("lead-time demand", lambda * lead_time)?, tau * lead_time.sqrt())?;
        Ok(NormalModel { h, p, k, lambda, ltd })
    }

    /// The lead-time demand `N(lambda L, tau^2 L)`.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain.
    pub fn lead_time_demand(&self) -> Result<Normal, InventoryError> {
        Ok(self.model()?.ltd)
    }

    /// The exact expected cost per unit time of `(r, Q)`:
    /// `g(r, Q) = (K lambda + integral_r^{r+Q} G(y) dy) / Q`, the integral in closed form.
    ///
    /// # Arguments
    /// * `reorder_point`: `r`.
    /// * `order_quantity`: `Q`.
    ///
    /// # Returns
    /// The expected cost per unit time: ordering, holding and backorder parts.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain,
    /// `reorder_point` is not finite or `order_quantity` is not positive and finite.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Reference
    /// Snyder & Shen (2019), eq. (5.7); stockpyl `r_q_cost` (which integrates numerically).
    pub fn cost(&self, reorder_point: f64, order_quantity: f64) -> Result<CostBreakdown, InventoryError> {
        let m = self.model()?;
        let r = check::finite("reorder_point", reorder_point)?;
        let q = check::positive("order_quantity", order_quantity)?;
        check::computed("reorder_point", r + q)?;
        m.cost(r, q).checked()
    }

    /// The optimal reorder point for a given order quantity: the `r` with `G(r) = G(r + Q)`,
    /// found by bisection to machine precision on `[S* - Q, S*]` (`S*` the newsvendor level,
    /// where `G(r + Q) - G(r)`, increasing in `r`, changes sign).
    ///
    /// # Arguments
    /// * `order_quantity`: `Q`.
    ///
    /// # Returns
    /// `r(Q)`.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain or
    /// `order_quantity` is not positive and finite.
    ///
    /// # Complexity
    /// O(1) (at most 300 bisection steps).
    ///
    /// # Reference
    /// Snyder & Shen (2019), eq. (5.9); stockpyl `r_q_optimal_r_for_q`.
    pub fn optimal_reorder_point(&self, order_quantity: f64) -> Result<f64, InventoryError> {
        let m = self.model()?;
        let q = check::positive("order_quantity", order_quantity)?;
        let r = m.optimal_r(q, m.newsvendor_level()?);
        check::computed("reorder_point", r)
    }

    /// The exact optimal `(r, Q)`.
    ///
    /// With `r(Q)` optimal for `Q`, `C(Q) = g(r(Q), Q)` is convex (`g` is jointly convex) and
    /// `dC/dQ = (G(r(Q) + Q) - C(Q)) / Q`, so the optimum is where `G(r(Q) + Q) = C(Q)`: found by
    /// bracketing from the EOQ-with-backorders quantity and bisection.
    ///
    /// # Arguments
    /// The model's fields.
    ///
    /// # Returns
    /// The optimal `(r, Q)` and its expected cost per unit time.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain or the inputs
    /// overflow.
    ///
    /// # Complexity
    /// O(1) (a few hundred evaluations of `r(Q)`).
    ///
    /// # Reference
    /// Y.-S. Zheng, "On properties of stochastic inventory systems", *Management Science* 38
    /// (1992) 87-103; Snyder & Shen (2019), section 5.2.
    pub fn optimize(&self) -> Result<RqSolution, InventoryError> {
        let m = self.model()?;
        let s_star = m.newsvendor_level()?;
        let at = |q: f64| {
            let r = m.optimal_r(q, s_star);
            let cost = m.cost(r, q);
            (r, cost, m.g(r + q) - cost.total)
        };
        let q0 = self.backorder_eoq()?.order_quantity;
        let (mut lo, mut hi) = (q0, q0);
        if at(q0).2 < 0.0 {
            while at(hi).2 < 0.0 {
                hi *= 2.0;
                if !hi.is_finite() {
                    return Err(InventoryError::invalid(
                        "fixed_cost",
                        "no optimal order quantity: the inputs overflow",
                    ));
                }
            }
        } else {
            while at(lo).2 >= 0.0 {
                lo *= 0.5;
                if lo < f64::MIN_POSITIVE {
                    return Err(InventoryError::invalid(
                        "fixed_cost",
                        "no optimal order quantity: the inputs underflow",
                    ));
                }
            }
        }
        for _ in 0..300 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if at(mid).2 < 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let q = 0.5 * (lo + hi);
        let (r, cost, _) = at(q);
        Ok(RqSolution { reorder_point: check::computed("reorder_point", r)?, order_quantity: q, cost: cost.checked()? })
    }

    fn backorder_eoq(&self) -> Result<super::eoq::EoqBackordersSolution, InventoryError> {
        EoqBackorders {
            fixed_cost: self.fixed_cost,
            holding_cost: self.holding_cost,
            stockout_cost: self.stockout_cost,
            demand_rate: self.demand_rate,
        }
        .solve()
    }

    fn eoq(&self) -> Result<f64, InventoryError> {
        Ok(Eoq { fixed_cost: self.fixed_cost, holding_cost: self.holding_cost, demand_rate: self.demand_rate }
            .solve()?
            .order_quantity)
    }

    /// The EOQ + safety stock approximation: `Q` the EOQ, `r` the newsvendor level against
    /// lead-time demand.
    ///
    /// # Returns
    /// `(r, Q)` and its exact expected cost.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Reference
    /// Snyder & Shen (2019), section 5.3.4, eqs. (3.4) and (5.21); stockpyl
    /// `r_q_eoqss_approximation`.
    pub fn eoq_ss(&self) -> Result<RqApproximation, InventoryError> {
        let m = self.model()?;
        m.approximation(m.newsvendor_level()?, self.eoq()?, None)
    }

    /// The EOQ-with-backorders approximation: `Q` from the EOQ with planned backorders, `r`
    /// optimal for that `Q`.
    ///
    /// # Returns
    /// `(r, Q)` and its exact expected cost.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Reference
    /// Zheng (1992); Snyder & Shen (2019), section 5.3.2; stockpyl `r_q_eoqb_approximation`.
    pub fn eoqb(&self) -> Result<RqApproximation, InventoryError> {
        let m = self.model()?;
        let q = self.backorder_eoq()?.order_quantity;
        m.approximation(m.optimal_r(q, m.newsvendor_level()?), q, None)
    }

    /// The expected-inventory-level (EIL) approximation: iterate
    /// `r = F^-1(1 - Q h / (p lambda))`, `Q = sqrt(2 lambda (K + p n(r)) / h)` from the EOQ until
    /// both settle (relative change below 1e-11). Its own cost estimate,
    /// `h (r - lambda L + Q / 2) + K lambda / Q + p lambda n(r) / Q`, is returned as
    /// `approximate_cost`.
    ///
    /// # Returns
    /// `(r, Q)`, the EIL cost estimate and the exact expected cost.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain, when
    /// `Q h / (p lambda)` reaches 1 (the stockout cost is too small for the approximation), or
    /// when the iteration does not settle in 10 000 steps.
    ///
    /// # Complexity
    /// O(iterations).
    ///
    /// # Reference
    /// Hadley & Whitin, *Analysis of Inventory Systems*, Prentice-Hall (1963); Snyder & Shen
    /// (2019), section 5.3.1, Algorithm 5.1; stockpyl `r_q_eil_approximation`.
    pub fn eil(&self) -> Result<RqApproximation, InventoryError> {
        let m = self.model()?;
        let mut q = self.eoq()?;
        let mut r = f64::NAN;
        for _ in 0..MAX_FIXED_POINT_ITERATIONS {
            let ratio = q * m.h / (m.p * m.lambda);
            let level = 1.0 - ratio;
            if !(level > 0.0 && level < 1.0) {
                return Err(InventoryError::invalid(
                    "stockout_cost",
                    format!("EIL approximation undefined: Q h / (p lambda) = {ratio} is not in (0, 1)"),
                ));
            }
            let r_next = m.ltd.quantile(level)?;
            let q_next = (2.0 * m.lambda * (m.k + m.p * m.ltd.loss(r_next)) / m.h).sqrt();
            let done = settled(q, q_next) && settled(r, r_next);
            (q, r) = (q_next, r_next);
            if done {
                let approx =
                    m.h * (r - m.ltd.mean() + 0.5 * q) + m.k * m.lambda / q + m.p * m.lambda * m.ltd.loss(r) / q;
                return m.approximation(r, q, Some(check::computed("cost", approx)?));
            }
        }
        Err(InventoryError::NoConvergence {
            item: "EIL approximation of (r, Q)".into(),
            iterations: MAX_FIXED_POINT_ITERATIONS,
        })
    }

    /// The loss-function approximation: iterate `n(r) = h Q / (h + p)`,
    /// `Q = sqrt(2 (K lambda + (h + p) n2(r)) / h)` from the EOQ until both settle (relative
    /// change below 1e-11).
    ///
    /// # Returns
    /// `(r, Q)` and its exact expected cost.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain or the
    /// iteration does not settle in 10 000 steps.
    ///
    /// # Complexity
    /// O(iterations).
    ///
    /// # Reference
    /// Hadley & Whitin (1963); Snyder & Shen (2019), section 5.3.3, eqs. (5.28)-(5.29); stockpyl
    /// `r_q_loss_function_approximation`.
    pub fn loss_function(&self) -> Result<RqApproximation, InventoryError> {
        let m = self.model()?;
        let mut q = self.eoq()?;
        let mut r = f64::NAN;
        for _ in 0..MAX_FIXED_POINT_ITERATIONS {
            let r_next = m.loss_inverse(m.h * q / (m.h + m.p))?;
            let q_next = (2.0 * (m.k * m.lambda + (m.h + m.p) * m.ltd.second_loss(r_next)) / m.h).sqrt();
            check::computed("order_quantity", q_next)?;
            let done = settled(q, q_next) && settled(r, r_next);
            (q, r) = (q_next, r_next);
            if done {
                return m.approximation(r, q, None);
            }
        }
        Err(InventoryError::NoConvergence {
            item: "loss-function approximation of (r, Q)".into(),
            iterations: MAX_FIXED_POINT_ITERATIONS,
        })
    }
}

/// An `(r, Q)` policy under Poisson demand (integer `r` and `Q`).
///
/// # Units
/// As [`RqNormal`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RqPoisson {
    /// Holding cost per unit per unit time `h`, positive.
    pub holding_cost: f64,
    /// Backorder cost per unit per unit time `p`, positive.
    pub stockout_cost: f64,
    /// Fixed cost per order `K`, positive.
    pub fixed_cost: f64,
    /// Mean demand per unit time `lambda`, positive.
    pub demand_rate: f64,
    /// Lead time `L`, non-negative; lead-time demand is Poisson with mean `lambda L`.
    pub lead_time: f64,
}

/// An integer `(r, Q)` policy with its exact expected cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RqPoissonSolution {
    /// The reorder point `r`.
    pub reorder_point: i64,
    /// The order quantity `Q`.
    pub order_quantity: u64,
    /// The exact expected cost per unit time.
    pub cost: CostBreakdown,
}

/// Validated parameters of [`RqPoisson`], with the lead-time demand tabulated.
struct PoissonModel {
    h: f64,
    p: f64,
    k: f64,
    lambda: f64,
    ltd: DiscretePmf,
}

impl PoissonModel {
    fn g(&self, y: i64) -> f64 {
        self.h * self.ltd.complementary_loss(y) + self.p * self.ltd.loss(y)
    }

    /// The cost of `(r, q)`, `q >= 1`, `r + q` representable.
    fn cost(&self, r: i64, q: u64, top: i64) -> CostBreakdown {
        let qf = q as f64;
        let holding = self.h * (self.ltd.complementary_second_loss(top) - self.ltd.complementary_second_loss(r)) / qf;
        let shortage = self.p * (self.ltd.second_loss(r) - self.ltd.second_loss(top)) / qf;
        CostBreakdown::new(self.k * self.lambda / qf, holding.max(0.0), shortage.max(0.0), 0.0)
    }
}

impl RqPoisson {
    fn model(&self) -> Result<PoissonModel, InventoryError> {
        let h = check::positive("holding_cost", self.holding_cost)?;
        let p = check::positive("stockout_cost", self.stockout_cost)?;
        let k = check::positive("fixed_cost", self.fixed_cost)?;
        let lambda = check::positive("demand_rate", self.demand_rate)?;
        let lead_time = check::non_negative("lead_time", self.lead_time)?;
        let ltd = Poisson::new(lambda * lead_time)
            .map_err(|e| InventoryError::invalid("lead_time", format!("lead-time demand lambda L: {e}")))?;
        Ok(PoissonModel { h, p, k, lambda, ltd: DiscretePmf::from_poisson(&ltd) })
    }

    /// The exact expected cost per unit time of `(r, Q)`:
    /// `g(r, Q) = (K lambda + sum_{y=r+1}^{r+Q} G(y)) / Q`, the sum in closed form.
    ///
    /// # Arguments
    /// * `reorder_point`: `r`.
    /// * `order_quantity`: `Q`, at least 1.
    ///
    /// # Returns
    /// The expected cost per unit time: ordering, holding and backorder parts.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain, `Q` is 0 or
    /// `r + Q` overflows.
    ///
    /// # Complexity
    /// O(sqrt(lambda L) + 1) to tabulate the lead-time demand.
    ///
    /// # Reference
    /// Snyder & Shen (2019), eq. (5.48); stockpyl `r_q_cost_poisson`.
    pub fn cost(&self, reorder_point: i64, order_quantity: u64) -> Result<CostBreakdown, InventoryError> {
        let m = self.model()?;
        if order_quantity == 0 {
            return Err(InventoryError::invalid("order_quantity", "must be at least 1"));
        }
        let top = i64::try_from(order_quantity)
            .ok()
            .and_then(|q| reorder_point.checked_add(q))
            .ok_or_else(|| InventoryError::invalid("order_quantity", "r + Q overflows"))?;
        m.cost(reorder_point, order_quantity, top).checked()
    }

    /// The exact optimal integer `(r, Q)` by the Federgruen-Zheng algorithm.
    ///
    /// For each `Q` the optimal levels `{r + 1, ..., r + Q}` are the `Q` smallest values of the
    /// convex `G`, so the algorithm starts from `{S*}` (the newsvendor level) and grows the set by
    /// whichever neighbour, `G(r)` or `G(r + Q + 1)`, is smaller (the upper one on ties), while
    /// that value is below the current average cost `g(r, Q)`.
    ///
    /// # Arguments
    /// The model's fields.
    ///
    /// # Returns
    /// The optimal integer `(r, Q)` and its expected cost per unit time.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain or the optimal
    /// `Q` exceeds [`MAX_POISSON_ORDER_QUANTITY`].
    ///
    /// # Complexity
    /// O(Q* + sqrt(lambda L)) time, O(sqrt(lambda L) + 1) space.
    ///
    /// # Reference
    /// A. Federgruen and Y.-S. Zheng, "An efficient algorithm for computing an optimal (r, Q)
    /// policy in continuous review stochastic inventory systems", *Operations Research* 40 (1992)
    /// 808-813; stockpyl `r_q_poisson_exact`.
    pub fn optimize(&self) -> Result<RqPoissonSolution, InventoryError> {
        let m = self.model()?;
        let alpha = Newsvendor { holding_cost: m.h, stockout_cost: m.p }.critical_ratio()?;
        let s_star = m.ltd.quantile(alpha)?;
        let fixed = m.k * m.lambda;
        let (mut r, mut q) = (s_star - 1, 1_u64);
        let mut sum = m.g(s_star);
        let mut average = fixed + sum;
        loop {
            let lower = m.g(r);
            let upper = m.g(r + q as i64 + 1);
            let next = lower.min(upper);
            if next >= average {
                break;
            }
            if q >= MAX_POISSON_ORDER_QUANTITY {
                return Err(InventoryError::invalid(
                    "fixed_cost",
                    format!("the optimal order quantity exceeds {MAX_POISSON_ORDER_QUANTITY}"),
                ));
            }
            if lower < upper {
                r -= 1;
            }
            sum += next;
            q += 1;
            average = (fixed + sum) / q as f64;
        }
        let cost = m.cost(r, q, r + q as i64).checked()?;
        Ok(RqPoissonSolution { reorder_point: r, order_quantity: q, cost })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs())
    }

    /// Snyder & Shen Example 5.1/5.2: h 0.225, p 7.5, K 8, lambda 1300, tau 150, L 1/12.
    const EXAMPLE: RqNormal = RqNormal {
        holding_cost: 0.225,
        stockout_cost: 7.5,
        fixed_cost: 8.0,
        demand_rate: 1300.0,
        demand_sd: 150.0,
        lead_time: 1.0 / 12.0,
    };

    #[test]
    fn normal_cost_matches_stockpyl() {
        // stockpyl.rq.r_q_cost(126.8, 328.5, 0.225, 7.5, 8, 1300, 150, 1/12) = 78.07116250928294
        let c = EXAMPLE.cost(126.8, 328.5).unwrap();
        assert!(close(c.total, 78.071_162_509_282_94, 1e-9), "{c:?}");
        assert!(close(c.ordering, 8.0 * 1300.0 / 328.5, 1e-12));
    }

    #[test]
    fn optimal_r_matches_stockpyl() {
        // stockpyl.rq.r_q_optimal_r_for_q(300, 0.225, 7.5, 1300, 150, 1/12, tol=1e-12)
        //   = 129.42727969763894 (129.4272799263067 at the default tol=1e-6)
        let r = EXAMPLE.optimal_reorder_point(300.0).unwrap();
        assert!(close(r, 129.427_279_697_638_94, 1e-10), "{r}");
    }

    #[test]
    fn approximations_match_stockpyl() {
        // stockpyl.rq.r_q_eoqss_approximation(0.225, 7.5, 8, 1300, 150, 1/12)
        //   = (190.3369965715624, 304.0467800264368)
        let a = EXAMPLE.eoq_ss().unwrap();
        assert!(close(a.reorder_point, 190.336_996_571_562_4, 1e-10));
        assert!(close(a.order_quantity, 304.046_780_026_436_8, 1e-12));
        // r_q_eoqb_approximation(0.225, 7.5, 8, 1300, 150, 1/12)
        //   = (128.63781442427097, 308.5737801203754)  (its r from a bisection to tol 1e-6)
        let a = EXAMPLE.eoqb().unwrap();
        assert!(close(a.reorder_point, 128.637_814_424_270_97, 1e-8));
        assert!(close(a.order_quantity, 308.573_780_120_375_4, 1e-12));
        // r_q_eil_approximation(0.225, 7.5, 8, 1300, 150, 1/12, tol=1e-12)
        //   = (213.97044212580516, 318.59018108687, 95.45114022285193)
        let a = EXAMPLE.eil().unwrap();
        assert!(close(a.reorder_point, 213.970_442_125_805_16, 1e-9), "{a:?}");
        assert!(close(a.order_quantity, 318.590_181_086_87, 1e-9));
        assert!(close(a.approximate_cost.unwrap(), 95.451_140_222_851_93, 1e-9));
        // r_q_loss_function_approximation(0.225, 7.5, 8, 1300, 150, 1/12, tol=1e-12)
        //   = (126.86706336762286, 328.44914227838507)
        let a = EXAMPLE.loss_function().unwrap();
        assert!(close(a.reorder_point, 126.867_063_367_622_86, 1e-9), "{a:?}");
        assert!(close(a.order_quantity, 328.449_142_278_385_07, 1e-9));
    }

    #[test]
    fn exact_optimum_beats_the_approximations() {
        let best = EXAMPLE.optimize().unwrap();
        for a in [EXAMPLE.eoq_ss(), EXAMPLE.eoqb(), EXAMPLE.eil(), EXAMPLE.loss_function()] {
            assert!(best.cost.total <= a.unwrap().cost.total * (1.0 + 1e-12));
        }
        // At the optimum r is optimal for Q, and G(r) = G(r + Q) = g(r, Q).
        let r = EXAMPLE.optimal_reorder_point(best.order_quantity).unwrap();
        assert!(close(r, best.reorder_point, 1e-9));
    }

    #[test]
    fn poisson_matches_stockpyl() {
        // stockpyl.rq.r_q_cost_poisson(3, 5, 20, 150, 100, 1.5, 2) = 107.92358063314975
        let m =
            RqPoisson { holding_cost: 20.0, stockout_cost: 150.0, fixed_cost: 100.0, demand_rate: 1.5, lead_time: 2.0 };
        assert!(close(m.cost(3, 5).unwrap().total, 107.923_580_633_149_75, 1e-10));
        // r_q_poisson_exact(20, 150, 100, 1.5, 2) = (3, 5, 107.92358063314975)
        let s = m.optimize().unwrap();
        assert_eq!((s.reorder_point, s.order_quantity), (3, 5));
        assert!(close(s.cost.total, 107.923_580_633_149_75, 1e-10));
    }

    #[test]
    fn invalid_inputs_are_errors() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(RqNormal { holding_cost: bad, ..EXAMPLE }.optimize().is_err());
            assert!(RqNormal { stockout_cost: bad, ..EXAMPLE }.eil().is_err());
            assert!(RqNormal { fixed_cost: bad, ..EXAMPLE }.loss_function().is_err());
            assert!(RqNormal { demand_rate: bad, ..EXAMPLE }.eoq_ss().is_err());
            assert!(EXAMPLE.cost(100.0, bad).is_err());
            assert!(EXAMPLE.optimal_reorder_point(bad).is_err());
        }
        assert!(RqNormal { demand_sd: -1.0, ..EXAMPLE }.cost(1.0, 1.0).is_err());
        assert!(RqNormal { lead_time: f64::NAN, ..EXAMPLE }.cost(1.0, 1.0).is_err());
        // EIL needs Q h < p lambda.
        assert!(RqNormal { stockout_cost: 1e-4, ..EXAMPLE }.eil().is_err());
        let m =
            RqPoisson { holding_cost: 20.0, stockout_cost: 150.0, fixed_cost: 100.0, demand_rate: 1.5, lead_time: 2.0 };
        assert!(m.cost(3, 0).is_err());
        assert!(m.cost(i64::MAX, 5).is_err());
        assert!(RqPoisson { lead_time: 1e12, ..m }.optimize().is_err());
        // Deterministic lead-time demand still has an answer.
        let d = RqNormal { demand_sd: 0.0, ..EXAMPLE }.optimize().unwrap();
        assert!(d.cost.total.is_finite());
    }

    proptest! {
        #[test]
        fn normal_optimum_beats_neighbours(h in 0.05f64..5.0, p in 0.5f64..50.0, k in 1.0f64..500.0, lambda in 10.0f64..5000.0, tau in 0.0f64..300.0, lt in 0.0f64..2.0, dr in -5.0f64..5.0, dq in -5.0f64..5.0) {
            let m = RqNormal { holding_cost: h, stockout_cost: p, fixed_cost: k, demand_rate: lambda, demand_sd: tau, lead_time: lt };
            let s = m.optimize().unwrap();
            let q = (s.order_quantity + dq).max(1e-3);
            let other = m.cost(s.reorder_point + dr, q).unwrap().total;
            prop_assert!(s.cost.total <= other * (1.0 + 1e-10), "{s:?} vs {other}");
            let r_q = m.optimal_reorder_point(q).unwrap();
            prop_assert!(m.cost(r_q, q).unwrap().total <= other * (1.0 + 1e-10));
        }

        #[test]
        fn poisson_optimum_beats_neighbours(h in 0.5f64..50.0, p in 1.0f64..300.0, k in 1.0f64..300.0, lambda in 0.1f64..50.0, lt in 0.0f64..5.0, dr in -3i64..4, dq in -3i64..4) {
            let m = RqPoisson { holding_cost: h, stockout_cost: p, fixed_cost: k, demand_rate: lambda, lead_time: lt };
            let s = m.optimize().unwrap();
            let q = (s.order_quantity as i64 + dq).max(1) as u64;
            let other = m.cost(s.reorder_point + dr, q).unwrap().total;
            prop_assert!(s.cost.total <= other * (1.0 + 1e-10), "{s:?} vs {other}");
            // The closed-form cost agrees with the direct sum.
            let pmf = DiscretePmf::from_poisson(&Poisson::new(lambda * lt).unwrap());
            let direct: f64 = (s.reorder_point + 1..=s.reorder_point + s.order_quantity as i64)
                .map(|y| h * pmf.complementary_loss(y) + p * pmf.loss(y))
                .sum::<f64>();
            let direct = (k * lambda + direct) / s.order_quantity as f64;
            prop_assert!(close(direct, s.cost.total, 1e-9));
        }
    }
}
