//! Simulation of a replenishment rule over a demand history or seeded demand scenarios, to tune
//! a policy before it is used.
//!
//! # Sequence of a period
//! 1. orders due this period arrive (receipts fill backorders first);
//! 2. if the rule reviews this period, it looks at the inventory position (on hand + on order
//!    − backorders) and may order; an order placed in period `t` arrives at the start of period
//!    `t + lead_time` (with a lead time of 0 it arrives at once, before demand);
//! 3. demand occurs and is served from on hand; the rest is backordered or lost;
//! 4. costs are charged on the end-of-period state: holding per unit on hand, shortage per
//!    unit backordered (per period) or per unit lost, and a fixed cost per order.
//!
//! This is the convention of periodic-review inventory theory (Snyder & Shen, *Fundamentals of
//! Supply Chain Theory*, 2nd ed., ch. 4), under which a base-stock level covers demand over
//! `lead_time + 1` periods.

use crate::analytics::check_series;
use crate::error::InventoryError;
use crate::ledger::ShortagePolicy;
use crate::policy::check::{finite, non_negative, positive};
use crate::policy::OrderRounding;

/// A replenishment rule to simulate.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// Order up to `level` every period.
    BaseStock {
        /// Order-up-to level of the inventory position.
        level: f64,
    },
    /// (r, Q): each period, if the position is at or below `reorder_point`, order the smallest
    /// multiple of `quantity` that lifts it above.
    ReorderPoint {
        /// Reorder point r.
        reorder_point: f64,
        /// Batch size Q, positive.
        quantity: f64,
    },
    /// (s, S), also called min/max: each period, if the position is at or below `min`, order
    /// up to `max`.
    MinMax {
        /// Reorder level s.
        min: f64,
        /// Order-up-to level S, at least `min`.
        max: f64,
    },
    /// (R, S): every `period` periods, starting at period `offset`, order up to `level`; with
    /// `period` the milk-run pickup cycle this is the policy of a supplier on a loop.
    PeriodicReview {
        /// Review period R, at least 1.
        period: u32,
        /// First review period, below `period`.
        offset: u32,
        /// Order-up-to level S.
        level: f64,
    },
}

/// Settings of a simulation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulationConfig {
    /// Periods between ordering and receiving.
    pub lead_time: u32,
    /// On hand at the start.
    pub initial_on_hand: f64,
    /// Backorders or lost sales.
    pub shortage: ShortagePolicy,
    /// Cost per unit on hand at the end of a period.
    pub holding_cost: f64,
    /// Cost per unit backordered at the end of a period, or per unit lost.
    pub shortage_cost: f64,
    /// Fixed cost per order.
    pub order_cost: f64,
    /// Minimum order, lot multiple, maximum.
    pub rounding: OrderRounding,
    /// Periods at the start left out of the statistics.
    pub warmup: u32,
    /// Whether to keep the per-period records in the report.
    pub record: bool,
}

impl Default for SimulationConfig {
    fn default() -> Self {
        Self {
            lead_time: 0,
            initial_on_hand: 0.0,
            shortage: ShortagePolicy::Backorder,
            holding_cost: 1.0,
            shortage_cost: 10.0,
            order_cost: 0.0,
            rounding: OrderRounding::default(),
            warmup: 0,
            record: false,
        }
    }
}

/// One simulated period.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PeriodRecord {
    /// Demand.
    pub demand: f64,
    /// Demand served from stock this period.
    pub served: f64,
    /// Ordered this period.
    pub ordered: f64,
    /// Received this period.
    pub received: f64,
    /// On hand at the end.
    pub on_hand: f64,
    /// Backorders at the end.
    pub backorders: f64,
    /// Inventory position at the end.
    pub position: f64,
}

/// What a simulation measured, over the periods after the warm-up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimulationReport {
    /// Periods measured.
    pub periods: usize,
    /// Total demand.
    pub demand: f64,
    /// Demand served from stock in its period.
    pub served: f64,
    /// `served / demand` (1 without demand).
    pub fill_rate: f64,
    /// Share of periods without unserved demand.
    pub period_service_level: f64,
    /// Periods with unserved demand.
    pub stockout_periods: usize,
    /// Mean end-of-period on hand.
    pub average_on_hand: f64,
    /// Mean end-of-period backorders.
    pub average_backorders: f64,
    /// Demand lost (lost-sales setting).
    pub lost: f64,
    /// Orders placed.
    pub orders: usize,
    /// Holding cost.
    pub holding_cost: f64,
    /// Backorder or lost-sales cost.
    pub shortage_cost: f64,
    /// Fixed ordering cost.
    pub ordering_cost: f64,
    /// Sum of the three costs.
    pub total_cost: f64,
    /// Served demand over mean on hand (see [`crate::analytics::turnover`]).
    pub turnover: f64,
    /// Every period (warm-up included) when [`SimulationConfig::record`] is set.
    pub records: Vec<PeriodRecord>,
}

impl SimulationReport {
    /// Total cost per measured period.
    #[must_use]
    pub fn cost_per_period(&self) -> f64 {
        if self.periods == 0 {
            0.0
        } else {
            self.total_cost / self.periods as f64
        }
    }
}

/// Simulates `rule` against a demand series.
///
/// # Arguments
/// * `rule`: the replenishment rule.
/// * `config`: lead time, costs, start stock, order rounding.
/// * `demand`: demand per period.
///
/// # Returns
/// Service and cost over the periods after the warm-up.
///
/// # Complexity
/// O(n) time for n periods; O(lead time) space (plus O(n) with `record`).
///
/// # Errors
/// [`InventoryError::InvalidParameter`] for a rule or setting out of its domain or a negative
/// or non-finite demand; [`InventoryError::InsufficientData`] when the warm-up takes every
/// period.
///
/// # Example
/// ```
/// use milkrun_inventory::simulate::{simulate, Rule, SimulationConfig};
/// let demand = [4.0, 6.0, 5.0, 5.0, 7.0, 3.0];
/// let config = SimulationConfig { lead_time: 1, initial_on_hand: 12.0, ..SimulationConfig::default() };
/// let report = simulate(&Rule::BaseStock { level: 12.0 }, &config, &demand)?;
/// assert_eq!(report.fill_rate, 1.0);
/// assert_eq!(report.orders, 5); // none in the first period: the position is already 12
/// # Ok::<(), milkrun_inventory::InventoryError>(())
/// ```
pub fn simulate(rule: &Rule, config: &SimulationConfig, demand: &[f64]) -> Result<SimulationReport, InventoryError> {
    check_rule(rule)?;
    check_config(config)?;
    check_series("demand", demand)?;
    if demand.len() <= config.warmup as usize {
        return Err(InventoryError::InsufficientData {
            item: "demand (after the warm-up)".into(),
            needed: config.warmup as usize + 1,
            got: demand.len(),
        });
    }
    let lead = config.lead_time as usize;
    // pipeline[k]: quantity arriving k periods from now (ring buffer).
    let mut pipeline = vec![0.0_f64; lead + 1];
    let mut head = 0;
    let mut on_order = 0.0;
    let mut on_hand = config.initial_on_hand;
    let mut backorders = 0.0_f64;
    let mut report = SimulationReport::default();
    let mut stock_sum = 0.0;
    let mut backorder_sum = 0.0;
    let mut fine_periods = 0usize;
    for (t, &d) in demand.iter().enumerate() {
        // 1. arrivals
        let received = std::mem::take(&mut pipeline[head]);
        on_order -= received;
        let filled = received.min(backorders);
        backorders -= filled;
        on_hand += received - filled;
        // 2. review
        let position = on_hand + on_order - backorders;
        let wanted = order_quantity(rule, t, position);
        let ordered = if wanted > 0.0 { config.rounding.round(wanted)?.quantity as f64 } else { 0.0 };
        if ordered > 0.0 {
            if lead == 0 {
                let filled = ordered.min(backorders);
                backorders -= filled;
                on_hand += ordered - filled;
            } else {
                pipeline[(head + lead) % (lead + 1)] += ordered;
                on_order += ordered;
            }
        }
        // 3. demand
        let served = d.min(on_hand);
        on_hand -= served;
        let short = d - served;
        let mut lost = 0.0;
        match config.shortage {
            ShortagePolicy::Backorder => backorders += short,
            ShortagePolicy::LostSales => lost = short,
        }
        head = (head + 1) % (lead + 1);
        if config.record {
            report.records.push(PeriodRecord {
                demand: d,
                served,
                ordered,
                received,
                on_hand,
                backorders,
                position: on_hand + on_order - backorders,
            });
        }
        // 4. statistics and costs
        if t < config.warmup as usize {
            continue;
        }
        report.periods += 1;
        report.demand += d;
        report.served += served;
        report.lost += lost;
        if short > 0.0 {
            report.stockout_periods += 1;
        } else {
            fine_periods += 1;
        }
        if ordered > 0.0 {
            report.orders += 1;
            report.ordering_cost += config.order_cost;
        }
        stock_sum += on_hand;
        backorder_sum += backorders;
        report.holding_cost += config.holding_cost * on_hand;
        report.shortage_cost += config.shortage_cost * (backorders + lost);
    }
    let n = report.periods as f64;
    report.fill_rate = if report.demand > 0.0 { report.served / report.demand } else { 1.0 };
    report.period_service_level = fine_periods as f64 / n;
    report.average_on_hand = stock_sum / n;
    report.average_backorders = backorder_sum / n;
    report.total_cost = report.holding_cost + report.shortage_cost + report.ordering_cost;
    report.turnover = if report.served == 0.0 {
        0.0
    } else if report.average_on_hand == 0.0 {
        f64::INFINITY
    } else {
        report.served / report.average_on_hand
    };
    Ok(report)
}

/// What the rule wants to order in period `t` at inventory position `position`, before
/// rounding.
fn order_quantity(rule: &Rule, t: usize, position: f64) -> f64 {
    match *rule {
        Rule::BaseStock { level } => level - position,
        Rule::ReorderPoint { reorder_point, quantity } => {
            if position > reorder_point {
                0.0
            } else {
                ((reorder_point - position) / quantity).floor().mul_add(quantity, quantity)
            }
        }
        Rule::MinMax { min, max } => {
            if position <= min {
                max - position
            } else {
                0.0
            }
        }
        Rule::PeriodicReview { period, offset, level } => {
            if t % period as usize == offset as usize {
                level - position
            } else {
                0.0
            }
        }
    }
}

fn check_rule(rule: &Rule) -> Result<(), InventoryError> {
    match *rule {
        Rule::BaseStock { level } => finite("level", level).map(drop),
        Rule::ReorderPoint { reorder_point, quantity } => {
            finite("reorder_point", reorder_point)?;
            positive("quantity", quantity).map(drop)
        }
        Rule::MinMax { min, max } => {
            finite("min", min)?;
            finite("max", max)?;
            if max < min {
                return Err(InventoryError::invalid("max", format!("{max} is below min {min}")));
            }
            Ok(())
        }
        Rule::PeriodicReview { period, offset, level } => {
            finite("level", level)?;
            if period == 0 {
                return Err(InventoryError::invalid("period", "must be at least 1"));
            }
            if offset >= period {
                return Err(InventoryError::invalid("offset", format!("{offset} is not below the period {period}")));
            }
            Ok(())
        }
    }
}

fn check_config(c: &SimulationConfig) -> Result<(), InventoryError> {
    non_negative("initial_on_hand", c.initial_on_hand)?;
    non_negative("holding_cost", c.holding_cost)?;
    non_negative("shortage_cost", c.shortage_cost)?;
    non_negative("order_cost", c.order_cost)?;
    // An order of 0 checks the rounding rules themselves.
    c.rounding.round(0.0).map(|_| ())
}

/// A generator of demand scenarios.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DemandModel {
    /// Poisson demand per period.
    Poisson {
        /// Mean per period.
        mean: f64,
    },
    /// Normal demand per period, truncated at zero.
    Normal {
        /// Mean per period.
        mean: f64,
        /// Standard deviation per period.
        sd: f64,
    },
    /// Intermittent demand: a demand occurs with `probability`, its size lognormal.
    Intermittent {
        /// Probability of a demand in a period.
        probability: f64,
        /// Mean size of a demand.
        mean_size: f64,
        /// Coefficient of variation of the size.
        cv_size: f64,
    },
    /// Periods drawn with replacement from a history (bootstrap).
    Bootstrap(Vec<f64>),
}

/// Mean and standard error of each indicator over scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Estimate {
    /// Mean over scenarios.
    pub mean: f64,
    /// Standard error of the mean.
    pub std_error: f64,
}

/// A rule's performance over seeded scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScenarioSummary {
    /// Scenarios simulated.
    pub scenarios: usize,
    /// Fill rate.
    pub fill_rate: Estimate,
    /// Share of periods without a stockout.
    pub period_service_level: Estimate,
    /// Cost per period.
    pub cost_per_period: Estimate,
    /// Mean on hand.
    pub average_on_hand: Estimate,
    /// Orders per period.
    pub orders_per_period: Estimate,
}

/// Simulates `rule` over `scenarios` demand series of `periods` periods drawn from `model`.
///
/// # Returns
/// Mean and standard error of the indicators; the same seed gives the same summary.
///
/// # Complexity
/// O(scenarios × periods).
///
/// # Errors
/// As [`simulate`], and [`InventoryError::InvalidParameter`] for a model out of its domain
/// (negative mean, probability outside (0, 1], empty bootstrap history) or no scenario.
pub fn simulate_scenarios(
    rule: &Rule,
    config: &SimulationConfig,
    model: &DemandModel,
    periods: usize,
    scenarios: usize,
    seed: u64,
) -> Result<ScenarioSummary, InventoryError> {
    check_model(model)?;
    if scenarios == 0 {
        return Err(InventoryError::invalid("scenarios", "must be at least 1"));
    }
    let config = SimulationConfig { record: false, ..*config };
    let mut rng = SplitMix64(seed);
    let mut demand = vec![0.0; periods];
    let mut stats = [Welford::default(); 5];
    for _ in 0..scenarios {
        for d in &mut demand {
            *d = draw(model, &mut rng);
        }
        let r = simulate(rule, &config, &demand)?;
        let values = [
            r.fill_rate,
            r.period_service_level,
            r.cost_per_period(),
            r.average_on_hand,
            r.orders as f64 / r.periods as f64,
        ];
        for (s, v) in stats.iter_mut().zip(values) {
            s.push(v);
        }
    }
    let [fill_rate, period_service_level, cost_per_period, average_on_hand, orders_per_period] =
        stats.map(|s| s.estimate());
    Ok(ScenarioSummary {
        scenarios,
        fill_rate,
        period_service_level,
        cost_per_period,
        average_on_hand,
        orders_per_period,
    })
}

fn check_model(model: &DemandModel) -> Result<(), InventoryError> {
    match model {
        DemandModel::Poisson { mean } => {
            non_negative("mean", *mean)?;
            if *mean > 1e9 {
                return Err(InventoryError::invalid("mean", format!("{mean} is too large to sample")));
            }
            Ok(())
        }
        DemandModel::Normal { mean, sd } => {
            non_negative("mean", *mean)?;
            non_negative("sd", *sd).map(drop)
        }
        DemandModel::Intermittent { probability, mean_size, cv_size } => {
            non_negative("mean_size", *mean_size)?;
            non_negative("cv_size", *cv_size)?;
            if !(*probability > 0.0 && *probability <= 1.0) {
                return Err(InventoryError::invalid("probability", format!("must be in (0, 1], got {probability}")));
            }
            Ok(())
        }
        DemandModel::Bootstrap(history) => {
            if history.is_empty() {
                return Err(InventoryError::InsufficientData { item: "bootstrap history".into(), needed: 1, got: 0 });
            }
            check_series("bootstrap history", history)
        }
    }
}

/// Running mean and variance (Welford 1962).
#[derive(Debug, Clone, Copy, Default)]
struct Welford {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Welford {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (x - self.mean);
    }
    fn estimate(self) -> Estimate {
        let std_error = if self.n > 1.0 { (self.m2 / (self.n - 1.0) / self.n).sqrt() } else { 0.0 };
        Estimate { mean: self.mean, std_error }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small seedable generator, written here so that a
/// seed gives the same scenarios across dependency releases.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    fn open_unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }
    /// Standard normal (Box-Muller, one value per call).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.open_unit(), self.open_unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    /// Poisson: Knuth's product method below a mean of 30, otherwise the transformed rejection
    /// with squeeze of Hörmann (1993), "The transformed rejection method for generating Poisson
    /// random variables".
    fn poisson(&mut self, mean: f64) -> f64 {
        if mean <= 0.0 {
            return 0.0;
        }
        if mean < 30.0 {
            let limit = (-mean).exp();
            let mut k = 0.0;
            let mut p = self.open_unit();
            while p > limit {
                k += 1.0;
                p *= self.open_unit();
            }
            return k;
        }
        let slam = mean.sqrt();
        let loglam = mean.ln();
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let vr = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.open_unit() - 0.5;
            let v = self.open_unit();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + mean + 0.43).floor();
            if us >= 0.07 && v <= vr {
                return k;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            if (v * inv_alpha / (a / (us * us) + b)).ln() <= -mean + k * loglam - ln_factorial(k) {
                return k;
            }
        }
    }
}

/// ln(k!) by Stirling's series (exact enough beyond k = 10) or a product below.
fn ln_factorial(k: f64) -> f64 {
    if k < 10.0 {
        (2..=k as u32).map(f64::from).product::<f64>().ln()
    } else {
        let k1 = k + 1.0;
        (k1 - 0.5) * k1.ln() - k1 + 0.5 * std::f64::consts::TAU.ln() + 1.0 / (12.0 * k1) - 1.0 / (360.0 * k1.powi(3))
    }
}

fn draw(model: &DemandModel, rng: &mut SplitMix64) -> f64 {
    match model {
        DemandModel::Poisson { mean } => rng.poisson(*mean),
        DemandModel::Normal { mean, sd } => (mean + sd * rng.normal()).max(0.0),
        DemandModel::Intermittent { probability, mean_size, cv_size } => {
            if rng.open_unit() >= *probability {
                return 0.0;
            }
            let s2 = cv_size.mul_add(*cv_size, 1.0).ln();
            let mu = mean_size.ln() - 0.5 * s2;
            (mu + s2.sqrt() * rng.normal()).exp()
        }
        DemandModel::Bootstrap(history) => {
            let k = ((rng.next_u64() >> 32) * history.len() as u64) >> 32;
            history[k as usize]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(lead_time: u32) -> SimulationConfig {
        SimulationConfig { lead_time, record: true, ..SimulationConfig::default() }
    }

    #[test]
    fn base_stock_with_lead_time_follows_the_period_sequence() {
        // S = 10, L = 1: the order of period t (= demand of t - 1 after the first) arrives at t + 1.
        let report = simulate(&Rule::BaseStock { level: 10.0 }, &config(1), &[3.0, 4.0, 12.0, 0.0]).unwrap();
        let on_hand: Vec<f64> = report.records.iter().map(|r| r.on_hand).collect();
        let backorders: Vec<f64> = report.records.iter().map(|r| r.backorders).collect();
        let ordered: Vec<f64> = report.records.iter().map(|r| r.ordered).collect();
        // t0: order 10, on hand 0, demand 3 backordered. t1: 10 arrives (fills 3), order 3, demand 4 -> 3.
        // t2: 3 arrives -> 6, order 4, demand 12 -> 0 on hand, 6 backordered. t3: 4 arrives -> 2 backordered, order 12.
        assert_eq!(ordered, [10.0, 3.0, 4.0, 12.0]);
        assert_eq!(on_hand, [0.0, 3.0, 0.0, 0.0]);
        assert_eq!(backorders, [3.0, 0.0, 6.0, 2.0]);
        assert_eq!(report.served, 0.0 + 4.0 + 6.0 + 0.0);
        assert_eq!(report.stockout_periods, 2);
        assert_eq!(report.holding_cost, 3.0);
        assert_eq!(report.shortage_cost, 10.0 * 11.0);
    }

    #[test]
    fn reorder_point_orders_whole_batches() {
        let rule = Rule::ReorderPoint { reorder_point: 5.0, quantity: 4.0 };
        let r = simulate(&rule, &config(0), &[0.0, 0.0]).unwrap();
        // position 0 <= 5: two batches lift it to 8 > 5.
        assert_eq!(r.records[0].ordered, 8.0);
        assert_eq!(r.records[1].ordered, 0.0);
    }

    #[test]
    fn periodic_review_orders_on_its_days_with_rounding() {
        let rule = Rule::PeriodicReview { period: 3, offset: 1, level: 10.0 };
        let rounding = OrderRounding { min_order_quantity: 4, lot_multiple: 5, max_order_quantity: None };
        let c = SimulationConfig { rounding, initial_on_hand: 3.0, ..config(0) };
        // t1: position 2, wants 8, rounded to 10; t4: position 9, wants 1, raised to 4, rounded to 5.
        let r = simulate(&rule, &c, &[1.0; 7]).unwrap();
        let ordered: Vec<f64> = r.records.iter().map(|r| r.ordered).collect();
        assert_eq!(ordered, [0.0, 10.0, 0.0, 0.0, 5.0, 0.0, 0.0]);
    }

    #[test]
    fn lost_sales_are_counted_not_backordered() {
        let c = SimulationConfig { shortage: ShortagePolicy::LostSales, initial_on_hand: 2.0, ..config(2) };
        let r = simulate(&Rule::MinMax { min: -1.0, max: 0.0 }, &c, &[5.0, 1.0]).unwrap();
        assert_eq!((r.lost, r.average_backorders, r.orders), (4.0, 0.0, 0));
    }

    #[test]
    fn bad_settings_are_named() {
        let err = simulate(&Rule::MinMax { min: 5.0, max: 1.0 }, &config(0), &[1.0]).unwrap_err();
        assert!(err.to_string().contains("max"), "{err}");
        let c = SimulationConfig { holding_cost: f64::NAN, ..config(0) };
        assert!(simulate(&Rule::BaseStock { level: 1.0 }, &c, &[1.0])
            .unwrap_err()
            .to_string()
            .contains("holding_cost"));
        let c = SimulationConfig { warmup: 3, ..config(0) };
        assert!(simulate(&Rule::BaseStock { level: 1.0 }, &c, &[1.0; 3]).is_err());
        let m = DemandModel::Intermittent { probability: 0.0, mean_size: 1.0, cv_size: 1.0 };
        assert!(simulate_scenarios(&Rule::BaseStock { level: 1.0 }, &config(0), &m, 5, 2, 1).is_err());
    }

    #[test]
    fn sampled_poisson_matches_its_mean_and_variance() {
        for mean in [0.7, 12.0, 55.0, 400.0] {
            let mut rng = SplitMix64(3);
            let n = 40_000;
            let xs: Vec<f64> = (0..n).map(|_| rng.poisson(mean)).collect();
            let m = xs.iter().sum::<f64>() / n as f64;
            let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
            let se = (mean / n as f64).sqrt();
            assert!((m - mean).abs() < 5.0 * se, "mean {m} for {mean}");
            assert!((v / mean - 1.0).abs() < 0.05, "variance {v} for {mean}");
        }
    }

    #[test]
    fn scenarios_are_seeded_and_higher_stock_serves_better() {
        let c = SimulationConfig { lead_time: 2, warmup: 10, ..SimulationConfig::default() };
        let m = DemandModel::Poisson { mean: 5.0 };
        let low = simulate_scenarios(&Rule::BaseStock { level: 15.0 }, &c, &m, 200, 30, 9).unwrap();
        let again = simulate_scenarios(&Rule::BaseStock { level: 15.0 }, &c, &m, 200, 30, 9).unwrap();
        let high = simulate_scenarios(&Rule::BaseStock { level: 25.0 }, &c, &m, 200, 30, 9).unwrap();
        assert_eq!(low, again);
        assert!(high.fill_rate.mean > low.fill_rate.mean);
        assert!(high.average_on_hand.mean > low.average_on_hand.mean);
        assert!(low.fill_rate.std_error > 0.0);
    }
}
