//! The newsvendor problem (one period, holding cost `h` on leftovers and stockout cost `p` on
//! shortages) and the single-stage periodic-review base-stock policy with a lead time, which
//! reduces to it.
//!
//! Conventions (Snyder & Shen 2019, chapter 4; stockpyl `newsvendor`): the expected cost of
//! stocking `S` against demand `D` is `g(S) = h E[(S - D)+] + p E[(D - S)+] = h nbar(S) + p n(S)`,
//! minimised at the critical fractile `F(S) = p / (h + p)` (the smallest such `S` for discrete
//! demand).

use super::check;
use super::discrete::{DiscretePmf, Poisson};
use super::normal::{std_normal_pdf, std_normal_quantile, Normal};
use crate::InventoryError;

/// The newsvendor cost parameters.
///
/// # Units
/// Money per unit left over (`holding_cost`) or short (`stockout_cost`) at the end of the
/// period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Newsvendor {
    /// Cost per unit left over `h`, positive.
    pub holding_cost: f64,
    /// Cost per unit short `p`, positive.
    pub stockout_cost: f64,
}

/// A stocking level with its expected cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewsvendorSolution<T> {
    /// The stocking (base-stock, order-up-to) level `S`.
    pub level: T,
    /// `E[(S - D)+]`: expected units left over.
    pub expected_leftover: f64,
    /// `E[(D - S)+]`: expected units short (backordered).
    pub expected_shortage: f64,
    /// `h E[(S - D)+] + p E[(D - S)+]`.
    pub expected_cost: f64,
}

impl Newsvendor {
    /// The critical ratio `alpha = p / (h + p)`.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a cost is not positive and finite, or their
    /// ratio is so extreme that `alpha` rounds to 0 or 1.
    pub fn critical_ratio(&self) -> Result<f64, InventoryError> {
        let h = check::positive("holding_cost", self.holding_cost)?;
        let p = check::positive("stockout_cost", self.stockout_cost)?;
        let alpha = p / (h + p);
        if alpha > 0.0 && alpha < 1.0 {
            Ok(alpha)
        } else {
            Err(InventoryError::invalid(
                "stockout_cost",
                format!("the critical ratio p / (h + p) = {p} / ({h} + {p}) rounds to {alpha}"),
            ))
        }
    }

    fn solution<T>(&self, level: T, leftover: f64, shortage: f64) -> NewsvendorSolution<T> {
        NewsvendorSolution {
            level,
            expected_leftover: leftover,
            expected_shortage: shortage,
            expected_cost: self.holding_cost * leftover + self.stockout_cost * shortage,
        }
    }

    /// The optimal level for normal demand, `S* = mean + sd Phi^-1(alpha)`, with expected cost
    /// `(h + p) sd phi(Phi^-1(alpha))`.
    ///
    /// # Arguments
    /// * `demand`: the demand distribution over the period.
    ///
    /// # Returns
    /// `S*`, the expected leftover and shortage, and the expected cost.
    ///
    /// # Errors
    /// As [`Newsvendor::critical_ratio`].
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Reference
    /// Snyder & Shen (2019), eqs. (4.30) and (4.37); stockpyl `newsvendor_normal`.
    pub fn normal(&self, demand: &Normal) -> Result<NewsvendorSolution<f64>, InventoryError> {
        let z = std_normal_quantile(self.critical_ratio()?)?;
        let level = check::computed("level", demand.mean() + demand.sd() * z)?;
        let mut s = self.solution(level, demand.complementary_loss(level), demand.loss(level));
        s.expected_cost = (self.holding_cost + self.stockout_cost) * demand.sd() * std_normal_pdf(z);
        Ok(s)
    }

    /// The expected cost of stocking `level` against normal demand.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a cost is not positive and finite or `level`
    /// is not finite.
    pub fn normal_cost(&self, level: f64, demand: &Normal) -> Result<NewsvendorSolution<f64>, InventoryError> {
        self.critical_ratio()?;
        let level = check::finite("level", level)?;
        Ok(self.solution(level, demand.complementary_loss(level), demand.loss(level)))
    }

    /// The optimal level for Poisson demand: the smallest `S` with `F(S) >= alpha`.
    ///
    /// # Arguments
    /// * `demand`: the demand distribution over the period.
    ///
    /// # Returns
    /// `S*`, the expected leftover and shortage, and the expected cost.
    ///
    /// # Errors
    /// As [`Newsvendor::critical_ratio`].
    ///
    /// # Complexity
    /// O(sqrt(mean) + 1).
    ///
    /// # Reference
    /// Snyder & Shen (2019), section 4.3.3; stockpyl `newsvendor_poisson`.
    pub fn poisson(&self, demand: &Poisson) -> Result<NewsvendorSolution<i64>, InventoryError> {
        let level = demand.quantile(self.critical_ratio()?)?;
        Ok(self.solution(level, demand.complementary_loss(level), demand.loss(level)))
    }

    /// The expected cost of stocking `level` against Poisson demand.
    ///
    /// # Errors
    /// As [`Newsvendor::critical_ratio`].
    pub fn poisson_cost(&self, level: i64, demand: &Poisson) -> Result<NewsvendorSolution<i64>, InventoryError> {
        self.critical_ratio()?;
        Ok(self.solution(level, demand.complementary_loss(level), demand.loss(level)))
    }

    /// The optimal level for demand with an explicit pmf: the smallest `S` with `F(S) >= alpha`.
    ///
    /// # Arguments
    /// * `demand`: the demand distribution over the period.
    ///
    /// # Returns
    /// `S*`, the expected leftover and shortage, and the expected cost.
    ///
    /// # Errors
    /// As [`Newsvendor::critical_ratio`].
    ///
    /// # Complexity
    /// O(log n) for n tabulated values.
    ///
    /// # Reference
    /// Snyder & Shen (2019), section 4.3.3; stockpyl `newsvendor_discrete`.
    pub fn discrete(&self, demand: &DiscretePmf) -> Result<NewsvendorSolution<i64>, InventoryError> {
        let level = demand.quantile(self.critical_ratio()?)?;
        Ok(self.solution(level, demand.complementary_loss(level), demand.loss(level)))
    }

    /// The expected cost of stocking `level` against demand with an explicit pmf.
    ///
    /// # Errors
    /// As [`Newsvendor::critical_ratio`].
    pub fn discrete_cost(&self, level: i64, demand: &DiscretePmf) -> Result<NewsvendorSolution<i64>, InventoryError> {
        self.critical_ratio()?;
        Ok(self.solution(level, demand.complementary_loss(level), demand.loss(level)))
    }
}

/// A single-stage, periodic-review base-stock policy with a lead time of `L` periods: at the
/// start of each period order up to `S`; the order arrives `L` periods later, so a level set
/// now must cover the demand of `L + 1` periods. Holding and stockout costs are charged on the
/// inventory at the end of each period (backorders).
///
/// The optimal `S` is the newsvendor level for the demand over `L + 1` periods, and the cost per
/// period is that newsvendor's expected cost.
///
/// # Units
/// Costs in money per unit per period; the lead time in periods.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaseStock {
    /// Holding cost per unit per period `h`, positive.
    pub holding_cost: f64,
    /// Backorder cost per unit per period `p`, positive.
    pub stockout_cost: f64,
    /// Lead time `L` in periods.
    pub lead_time: u32,
}

impl BaseStock {
    fn newsvendor(&self) -> Newsvendor {
        Newsvendor { holding_cost: self.holding_cost, stockout_cost: self.stockout_cost }
    }

    fn protection(&self) -> f64 {
        f64::from(self.lead_time) + 1.0
    }

    /// The optimal base-stock level for i.i.d. normal demand per period: demand over `L + 1`
    /// periods is `N((L + 1) mean, (L + 1) sd^2)`.
    ///
    /// # Arguments
    /// * `period_demand`: the demand of one period.
    ///
    /// # Returns
    /// `S*` with the expected leftover, shortage and cost per period.
    ///
    /// # Errors
    /// As [`Newsvendor::critical_ratio`].
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Reference
    /// Snyder & Shen (2019), section 4.3.4; stockpyl `newsvendor_normal(..., lead_time=L)`.
    pub fn normal(&self, period_demand: &Normal) -> Result<NewsvendorSolution<f64>, InventoryError> {
        self.newsvendor().normal(&period_demand.over_periods(self.protection())?)
    }

    /// The expected cost per period of base-stock level `level` under normal demand.
    ///
    /// # Errors
    /// As [`Newsvendor::normal_cost`].
    pub fn normal_cost(&self, level: f64, period_demand: &Normal) -> Result<NewsvendorSolution<f64>, InventoryError> {
        self.newsvendor().normal_cost(level, &period_demand.over_periods(self.protection())?)
    }

    /// The optimal base-stock level for Poisson demand per period: demand over `L + 1` periods is
    /// Poisson with mean `(L + 1) mean`.
    ///
    /// # Arguments
    /// * `period_demand`: the demand of one period.
    ///
    /// # Returns
    /// `S*` with the expected leftover, shortage and cost per period.
    ///
    /// # Errors
    /// As [`Newsvendor::critical_ratio`], and when the mean over `L + 1` periods exceeds
    /// [`super::MAX_POISSON_MEAN`].
    ///
    /// # Complexity
    /// O(sqrt((L + 1) mean) + 1).
    ///
    /// # Reference
    /// Snyder & Shen (2019), section 4.3.4; stockpyl `newsvendor_poisson` on the lead-time demand.
    pub fn poisson(&self, period_demand: &Poisson) -> Result<NewsvendorSolution<i64>, InventoryError> {
        self.newsvendor().poisson(&period_demand.over_periods(self.protection())?)
    }

    /// The expected cost per period of base-stock level `level` under Poisson demand.
    ///
    /// # Errors
    /// As [`BaseStock::poisson`].
    pub fn poisson_cost(&self, level: i64, period_demand: &Poisson) -> Result<NewsvendorSolution<i64>, InventoryError> {
        self.newsvendor().poisson_cost(level, &period_demand.over_periods(self.protection())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs())
    }

    const NV: Newsvendor = Newsvendor { holding_cost: 0.18, stockout_cost: 0.70 };

    #[test]
    fn normal_matches_stockpyl() {
        // stockpyl.newsvendor.newsvendor_normal(0.18, 0.70, 50, 8)
        //   = (56.60395592743389, 1.9976051931766445)
        let d = Normal::new(50.0, 8.0).unwrap();
        let s = NV.normal(&d).unwrap();
        assert!(close(s.level, 56.603_955_927_433_89, 1e-12));
        assert!(close(s.expected_cost, 1.997_605_193_176_644_5, 1e-12));
        let by_loss = 0.18 * s.expected_leftover + 0.70 * s.expected_shortage;
        assert!(close(by_loss, s.expected_cost, 1e-12));
        // newsvendor_normal_cost(60, 0.18, 0.70, 50, 8) = 2.156131552870387
        assert!(close(NV.normal_cost(60.0, &d).unwrap().expected_cost, 2.156_131_552_870_387, 1e-12));
    }

    #[test]
    fn poisson_matches_stockpyl() {
        // stockpyl.newsvendor.newsvendor_poisson(0.18, 0.70, 50) = (56.0, 1.797235211809178)
        let s = NV.poisson(&Poisson::new(50.0).unwrap()).unwrap();
        assert_eq!(s.level, 56);
        assert!(close(s.expected_cost, 1.797_235_211_809_178, 1e-12));
        // newsvendor_poisson_cost(5, 1, 4, 6) = 6.590296024616344
        let nv = Newsvendor { holding_cost: 1.0, stockout_cost: 4.0 };
        assert!(close(
            nv.poisson_cost(5, &Poisson::new(6.0).unwrap()).unwrap().expected_cost,
            6.590_296_024_616_344,
            1e-12
        ));
    }

    #[test]
    fn discrete_matches_stockpyl() {
        // stockpyl.newsvendor.newsvendor_discrete(1, 4, poisson(6)) = (8.0, 3.5701069457709416),
        // and with demand_pmf = {d: poisson.pmf(d, 6) for d in 0..=40}: (8, 3.570106945770941).
        let nv = Newsvendor { holding_cost: 1.0, stockout_cost: 4.0 };
        let pois = Poisson::new(6.0).unwrap();
        let pmf: Vec<f64> = (0..=40).map(|k| pois.pmf(k)).collect();
        for d in [DiscretePmf::from_poisson(&pois), DiscretePmf::new(&pmf).unwrap()] {
            let s = nv.discrete(&d).unwrap();
            assert_eq!(s.level, 8);
            assert!(close(s.expected_cost, 3.570_106_945_770_941_6, 1e-12));
        }
        // newsvendor_discrete(2, 5, demand_pmf={0: .1, 1: .2, 2: .3, 3: .25, 4: .15}) = (3, 2.75),
        // and with base_stock_level=1: (1, 6.45).
        let nv = Newsvendor { holding_cost: 2.0, stockout_cost: 5.0 };
        let d = DiscretePmf::new(&[0.1, 0.2, 0.3, 0.25, 0.15]).unwrap();
        let s = nv.discrete(&d).unwrap();
        assert_eq!(s.level, 3);
        assert!(close(s.expected_cost, 2.75, 1e-12));
        assert!(close(nv.discrete_cost(1, &d).unwrap().expected_cost, 6.45, 1e-12));
    }

    #[test]
    fn base_stock_matches_stockpyl() {
        // stockpyl.newsvendor.newsvendor_normal(0.18, 0.70, 50, 8, lead_time=4)
        //   = (264.76689437415484, 4.466781004149577)
        let bs = BaseStock { holding_cost: 0.18, stockout_cost: 0.70, lead_time: 4 };
        let d = Normal::new(50.0, 8.0).unwrap();
        let s = bs.normal(&d).unwrap();
        assert!(close(s.level, 264.766_894_374_154_84, 1e-12));
        assert!(close(s.expected_cost, 4.466_781_004_149_577, 1e-12));
        // newsvendor_normal(0.18, 0.70, 50, 8, lead_time=4, base_stock_level=260)
        //   = (260, 4.636608098894362)
        assert!(close(bs.normal_cost(260.0, &d).unwrap().expected_cost, 4.636_608_098_894_362, 1e-12));
        // Poisson(6) per period, L = 2: stockpyl.newsvendor.newsvendor_poisson(1, 4, 18)
        //   = (22.0, 6.13878287309948).
        let bs = BaseStock { holding_cost: 1.0, stockout_cost: 4.0, lead_time: 2 };
        let s = bs.poisson(&Poisson::new(6.0).unwrap()).unwrap();
        assert_eq!(s.level, 22);
        assert!(close(s.expected_cost, 6.138_782_873_099_48, 1e-12));
        let direct =
            Newsvendor { holding_cost: 1.0, stockout_cost: 4.0 }.poisson(&Poisson::new(18.0).unwrap()).unwrap();
        assert_eq!(s, direct);
        assert_eq!(bs.poisson_cost(s.level, &Poisson::new(6.0).unwrap()).unwrap(), s);
    }

    #[test]
    fn invalid_inputs_are_errors() {
        let d = Normal::new(50.0, 8.0).unwrap();
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(Newsvendor { holding_cost: bad, stockout_cost: 1.0 }.normal(&d).is_err());
            assert!(Newsvendor { holding_cost: 1.0, stockout_cost: bad }.normal(&d).is_err());
        }
        assert!(Newsvendor { holding_cost: 1e-300, stockout_cost: 1e10 }.normal(&d).is_err());
        assert!(NV.normal_cost(f64::NAN, &d).is_err());
        let bs = BaseStock { holding_cost: 1.0, stockout_cost: 4.0, lead_time: u32::MAX };
        assert!(bs.poisson(&Poisson::new(1e4).unwrap()).is_err());
        // Deterministic demand: stock the mean, no cost.
        let s = NV.normal(&Normal::new(50.0, 0.0).unwrap()).unwrap();
        assert_eq!((s.level, s.expected_cost), (50.0, 0.0));
    }

    proptest! {
        #[test]
        fn normal_optimum_beats_neighbours(h in 0.01f64..10.0, p in 0.01f64..10.0, mean in -100.0f64..1000.0, sd in 0.01f64..100.0, delta in 1e-3f64..10.0) {
            let nv = Newsvendor { holding_cost: h, stockout_cost: p };
            let d = Normal::new(mean, sd).unwrap();
            let s = nv.normal(&d).unwrap();
            let tol = 1e-12 * (h + p) * (sd + mean.abs());
            prop_assert!(s.expected_cost <= nv.normal_cost(s.level - delta, &d).unwrap().expected_cost + tol);
            prop_assert!(s.expected_cost <= nv.normal_cost(s.level + delta, &d).unwrap().expected_cost + tol);
        }

        #[test]
        fn discrete_optimum_beats_neighbours(h in 0.01f64..10.0, p in 0.01f64..10.0, mean in 0.0f64..500.0, step in 1i64..5) {
            let nv = Newsvendor { holding_cost: h, stockout_cost: p };
            let pois = Poisson::new(mean).unwrap();
            let s = nv.poisson(&pois).unwrap();
            let tol = 1e-12 * (h + p) * (mean + 1.0);
            prop_assert!(s.expected_cost <= nv.poisson_cost(s.level - step, &pois).unwrap().expected_cost + tol);
            prop_assert!(s.expected_cost <= nv.poisson_cost(s.level + step, &pois).unwrap().expected_cost + tol);
            let t = DiscretePmf::from_poisson(&pois);
            let st = nv.discrete(&t).unwrap();
            prop_assert_eq!(st.level, s.level);
            prop_assert!(close(st.expected_cost, s.expected_cost, 1e-9) || (st.expected_cost - s.expected_cost).abs() < 1e-12);
        }
    }
}
