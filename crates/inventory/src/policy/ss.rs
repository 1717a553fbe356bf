//! Periodic-review `(s, S)` policies under discrete demand: at the start of each period, if the
//! inventory position is at or below `s`, order up to `S`.
//!
//! Conventions (Zheng & Federgruen 1991; Snyder & Shen 2019, section 4.6; stockpyl `ss`): zero
//! lead time, i.i.d. integer demand per period, a fixed cost `K` per order, and the newsvendor
//! cost `G(y) = h E[(y - D)+] + p E[(D - y)+]` charged each period on the level `y` after
//! ordering. With `m(j)` the renewal density of cumulative demand (`m(0) = 1 / (1 - P(D = 0))`,
//! `m(j) = m(0) sum_{l=1}^{j} P(D = l) m(j - l)`) and `M(n) = sum_{j<n} m(j)` the expected
//! number of periods between orders, the expected cost per period is
//! `c(s, S) = (K + sum_{d=0}^{S-s-1} m(d) G(S - d)) / M(S - s)`.

use super::check;
use super::discrete::DiscretePmf;
use super::eoq::CostBreakdown;
use super::newsvendor::Newsvendor;
use crate::InventoryError;

/// The largest gap `S - s` the (s, S) computations accept; the renewal recursion costs
/// O(gap x support) and the optimisation O(gap^2).
pub const MAX_SS_GAP: i64 = 50_000;

/// The cost parameters of a periodic-review `(s, S)` policy.
///
/// # Units
/// `fixed_cost` in money per order, the others in money per unit per period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SsPolicy {
    /// Holding cost per unit per period `h`, positive.
    pub holding_cost: f64,
    /// Backorder cost per unit per period `p`, positive.
    pub stockout_cost: f64,
    /// Fixed cost per order `K`, non-negative.
    pub fixed_cost: f64,
}

/// An `(s, S)` policy with its expected cost per period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SsSolution {
    /// The reorder point `s`: order when the inventory position is at or below it.
    pub reorder_point: i64,
    /// The order-up-to level `S`.
    pub order_up_to: i64,
    /// The expected cost per period.
    pub cost: CostBreakdown,
}

/// Evaluates `c(s, S)` for one demand distribution, growing the renewal density on demand.
struct Evaluator<'a> {
    h: f64,
    p: f64,
    k: f64,
    demand: &'a DiscretePmf,
    /// `P(D = l)` for `l` in `[first, last]`, indexed from `first`.
    pmf: Vec<f64>,
    first: i64,
    /// `1 / (1 - P(D = 0))`.
    m0: f64,
    /// The renewal density `m(j)`.
    m: Vec<f64>,
    /// `M(n) = sum_{j<n} m(j)`, so `big_m[0] = 0`.
    big_m: Vec<f64>,
}

impl<'a> Evaluator<'a> {
    fn new(policy: &SsPolicy, demand: &'a DiscretePmf) -> Result<Self, InventoryError> {
        let h = check::positive("holding_cost", policy.holding_cost)?;
        let p = check::positive("stockout_cost", policy.stockout_cost)?;
        let k = check::non_negative("fixed_cost", policy.fixed_cost)?;
        let p0 = demand.pmf(0);
        if p0 >= 1.0 {
            return Err(InventoryError::invalid(
                "demand",
                "is 0 with probability 1: the inventory position never moves",
            ));
        }
        let (first, last) = demand.support();
        let pmf = (first..=last).map(|l| demand.pmf(l)).collect();
        let m0 = 1.0 / (1.0 - p0);
        Ok(Self { h, p, k, demand, pmf, first, m0, m: Vec::new(), big_m: vec![0.0] })
    }

    fn g(&self, y: i64) -> f64 {
        self.h * self.demand.complementary_loss(y) + self.p * self.demand.loss(y)
    }

    /// Extends `m` to cover `0..n` (and `big_m` to `0..=n`).
    fn ensure(&mut self, n: i64) -> Result<(), InventoryError> {
        if n > MAX_SS_GAP {
            return Err(InventoryError::invalid(
                "fixed_cost",
                format!("the gap S - s would exceed {MAX_SS_GAP} units; the computation is too large"),
            ));
        }
        let n = usize::try_from(n).unwrap_or(0);
        let last = self.first + self.pmf.len() as i64 - 1;
        while self.m.len() < n {
            let j = self.m.len() as i64;
            let value = if j == 0 {
                self.m0
            } else {
                let mut acc = 0.0;
                for l in self.first.max(1)..=j.min(last) {
                    acc += self.pmf[(l - self.first) as usize] * self.m[(j - l) as usize];
                }
                self.m0 * acc
            };
            self.m.push(value);
            let total = self.big_m[self.big_m.len() - 1] + value;
            self.big_m.push(total);
        }
        Ok(())
    }

    /// `c(s, S)`, `s < S`, from scratch.
    fn cost(&mut self, s: i64, big_s: i64) -> Result<f64, InventoryError> {
        let n = big_s - s;
        self.ensure(n)?;
        let mut num = self.k;
        for d in 0..n {
            num += self.m[d as usize] * self.g(big_s - d);
        }
        Ok(num / self.big_m[n as usize])
    }

    /// `c(s, S)` by component.
    fn breakdown(&mut self, s: i64, big_s: i64) -> Result<CostBreakdown, InventoryError> {
        let n = big_s - s;
        self.ensure(n)?;
        let (mut holding, mut shortage) = (0.0, 0.0);
        for d in 0..n {
            let w = self.m[d as usize];
            holding += w * self.demand.complementary_loss(big_s - d);
            shortage += w * self.demand.loss(big_s - d);
        }
        let periods = self.big_m[n as usize];
        CostBreakdown::new(self.k / periods, self.h * holding / periods, self.p * shortage / periods, 0.0).checked()
    }
}

impl SsPolicy {
    /// The expected cost per period of `(s, S)` under i.i.d. discrete demand:
    /// `c(s, S) = (K + sum_{d=0}^{S-s-1} m(d) G(S - d)) / M(S - s)`.
    ///
    /// # Arguments
    /// * `reorder_point`: `s`.
    /// * `order_up_to`: `S`, above `s`.
    /// * `demand`: the demand of one period (for Poisson demand, [`DiscretePmf::from_poisson`]).
    ///
    /// # Returns
    /// The expected cost per period: ordering, holding and backorder parts.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a cost is out of its domain, `s >= S`, `S - s`
    /// exceeds [`MAX_SS_GAP`], or demand is 0 with probability 1.
    ///
    /// # Complexity
    /// O((S - s) x support) time, O(S - s + support) space.
    ///
    /// # Reference
    /// Y.-S. Zheng and A. Federgruen, "Finding optimal (s, S) policies is about as simple as
    /// evaluating a single policy", *Operations Research* 39 (1991) 654-665; stockpyl
    /// `s_s_cost_discrete`.
    pub fn cost(
        &self,
        reorder_point: i64,
        order_up_to: i64,
        demand: &DiscretePmf,
    ) -> Result<CostBreakdown, InventoryError> {
        let mut ev = Evaluator::new(self, demand)?;
        if reorder_point >= order_up_to {
            return Err(InventoryError::invalid(
                "reorder_point",
                format!("must be below the order-up-to level {order_up_to}, got {reorder_point}"),
            ));
        }
        let gap = order_up_to
            .checked_sub(reorder_point)
            .ok_or_else(|| InventoryError::invalid("order_up_to", "S - s overflows"))?;
        ev.ensure(gap)?;
        ev.breakdown(reorder_point, order_up_to)
    }

    /// The optimal `(s, S)` by the Zheng-Federgruen algorithm.
    ///
    /// 1. `y*` minimises `G` (the newsvendor level); `S = y*`.
    /// 2. Lower `s` from `y*` until `c(s, y*) <= G(s)`.
    /// 3. For `S = y* + 1, y* + 2, ...` while `G(S) <= c*`: if `c(s, S) < c*`, adopt `S` and raise
    ///    `s` while `c(s, S) <= G(s + 1)`; `c*` is the best cost so far.
    ///
    /// Ties keep the earlier policy (as stockpyl does).
    ///
    /// # Arguments
    /// * `demand`: the demand of one period (for Poisson demand, [`DiscretePmf::from_poisson`]).
    ///
    /// # Returns
    /// The optimal `(s, S)` and its expected cost per period.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a cost is out of its domain, the gap `S - s`
    /// would exceed [`MAX_SS_GAP`], or demand is 0 with probability 1.
    ///
    /// # Complexity
    /// O(gap x (gap + support)) time, O(gap + support) space.
    ///
    /// # Reference
    /// Zheng & Federgruen (1991); Snyder & Shen (2019), Algorithm 4.2; stockpyl
    /// `s_s_discrete_exact`.
    pub fn optimize(&self, demand: &DiscretePmf) -> Result<SsSolution, InventoryError> {
        let mut ev = Evaluator::new(self, demand)?;
        let alpha = Newsvendor { holding_cost: ev.h, stockout_cost: ev.p }.critical_ratio()?;
        let y_star = demand.quantile(alpha)?;

        // Step 2, with the numerator of c(s, y*) grown one term at a time.
        let s_up = y_star;
        let mut s = y_star;
        let mut num = ev.k;
        loop {
            let n = s_up - s;
            ev.ensure(n + 1)?;
            num += ev.m[n as usize] * ev.g(s);
            s -= 1;
            if num / ev.big_m[(n + 1) as usize] <= ev.g(s) {
                break;
            }
        }

        // Step 3.
        let mut best_s_up = s_up;
        let mut best = ev.cost(s, best_s_up)?;
        let mut big_s = s_up + 1;
        while ev.g(big_s) <= best {
            if ev.cost(s, big_s)? < best {
                best_s_up = big_s;
                // s stays below S (with K = 0, c(S - 1, S) = G(S) would let it reach S).
                while s + 1 < best_s_up && ev.cost(s, best_s_up)? <= ev.g(s + 1) {
                    s += 1;
                }
                best = ev.cost(s, best_s_up)?;
            }
            big_s += 1;
        }
        Ok(SsSolution { reorder_point: s, order_up_to: best_s_up, cost: ev.breakdown(s, best_s_up)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Poisson;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs())
    }

    /// Snyder & Shen Example 4.7: h 1, p 4, K 5, Poisson(6) demand.
    const EXAMPLE: SsPolicy = SsPolicy { holding_cost: 1.0, stockout_cost: 4.0, fixed_cost: 5.0 };

    #[test]
    fn cost_matches_stockpyl() {
        // stockpyl.ss.s_s_cost_discrete(4, 10, 1, 4, 5, True, 6) = 8.034111561471642
        let d = DiscretePmf::from_poisson(&Poisson::new(6.0).unwrap());
        let c = EXAMPLE.cost(4, 10, &d).unwrap();
        assert!(close(c.total, 8.034_111_561_471_642, 1e-12), "{c:?}");
    }

    #[test]
    fn optimum_matches_stockpyl() {
        // stockpyl.ss.s_s_discrete_exact(1, 4, 5, True, 6) = (4.0, 10.0, 8.034111561471642), and
        // with use_poisson=False, demand_hi=40, demand_pmf=[poisson.pmf(d, 6) for d in 0..=40]:
        // (4, 10, 8.034111561471644).
        let pois = Poisson::new(6.0).unwrap();
        let explicit: Vec<f64> = (0..=40).map(|k| pois.pmf(k)).collect();
        for d in [DiscretePmf::from_poisson(&pois), DiscretePmf::new(&explicit).unwrap()] {
            let s = EXAMPLE.optimize(&d).unwrap();
            assert_eq!((s.reorder_point, s.order_up_to), (4, 10));
            assert!(close(s.cost.total, 8.034_111_561_471_642, 1e-12));
        }
    }

    #[test]
    fn invalid_inputs_are_errors() {
        let d = DiscretePmf::from_poisson(&Poisson::new(6.0).unwrap());
        assert!(EXAMPLE.cost(10, 10, &d).is_err());
        assert!(EXAMPLE.cost(i64::MIN, 10, &d).is_err());
        assert!(EXAMPLE.cost(0, MAX_SS_GAP + 1, &d).is_err());
        assert!(SsPolicy { holding_cost: 0.0, ..EXAMPLE }.optimize(&d).is_err());
        assert!(SsPolicy { stockout_cost: f64::NAN, ..EXAMPLE }.optimize(&d).is_err());
        assert!(SsPolicy { fixed_cost: -1.0, ..EXAMPLE }.optimize(&d).is_err());
        let zero = DiscretePmf::new(&[1.0]).unwrap();
        assert!(EXAMPLE.optimize(&zero).is_err());
        assert!(SsPolicy { fixed_cost: 1e12, ..EXAMPLE }.optimize(&d).is_err());
        // No fixed cost: a base-stock policy, s = S - 1 = y*.
        let s = SsPolicy { fixed_cost: 0.0, ..EXAMPLE }.optimize(&d).unwrap();
        assert_eq!(s.order_up_to - s.reorder_point, 1);
    }

    proptest! {
        #[test]
        fn optimum_beats_nearby_policies(h in 0.1f64..5.0, p in 0.5f64..20.0, k in 0.0f64..100.0, mean in 0.2f64..30.0, ds in -3i64..4, d_up in -3i64..4) {
            let policy = SsPolicy { holding_cost: h, stockout_cost: p, fixed_cost: k };
            let d = DiscretePmf::from_poisson(&Poisson::new(mean).unwrap());
            let best = policy.optimize(&d).unwrap();
            let (s, big_s) = (best.reorder_point + ds, best.order_up_to + d_up);
            prop_assume!(s < big_s);
            let other = policy.cost(s, big_s, &d).unwrap().total;
            prop_assert!(best.cost.total <= other * (1.0 + 1e-12), "{best:?} vs ({s}, {big_s}) {other}");
        }

        #[test]
        fn optimum_beats_brute_force_on_small_pmfs(probs in proptest::collection::vec(0.0f64..1.0, 2..6), k in 0.0f64..20.0) {
            let total: f64 = probs.iter().sum();
            prop_assume!(total > 1e-3 && probs[0] / total < 0.99);
            let probs: Vec<f64> = probs.iter().map(|p| p / total).collect();
            let d = DiscretePmf::new(&probs).unwrap();
            let policy = SsPolicy { holding_cost: 1.0, stockout_cost: 4.0, fixed_cost: k };
            let best = policy.optimize(&d).unwrap();
            for s in -15..15 {
                for big_s in s + 1..s + 30 {
                    let other = policy.cost(s, big_s, &d).unwrap().total;
                    prop_assert!(best.cost.total <= other * (1.0 + 1e-12), "{best:?} vs ({s}, {big_s}) {other}");
                }
            }
        }
    }
}
