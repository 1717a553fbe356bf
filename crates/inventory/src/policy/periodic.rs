//! Periodic review: the order-up-to `(R, S)` policy, where the review period `R` may be the
//! milk-run pickup cycle, and the min/max rule.
//!
//! An order placed at a review arrives `L` periods later and must last until the delivery of
//! the next review's order, so the order-up-to level covers the demand of the protection
//! interval `R + L`: `S = E[demand over R + L] + SS`, with
//! `sigma^2 = (R + L) sigma_d^2 + d^2 sigma_L^2` (Silver, Pyke & Thomas 2017, section 7.4).
//! For a fill-rate target the shortage allowed per review cycle is `(1 - beta)` times the
//! expected demand over `R`.

use super::check;
use super::normal::Normal;
use super::safety::{safety_stock, SafetyStock};
use crate::InventoryError;

/// A service target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ServiceTarget {
    /// The probability `alpha` of no stockout in a review cycle, in `(0, 1)`.
    CycleServiceLevel(f64),
    /// The fraction `beta` of demand served from stock, in `(0, 1)`.
    FillRate(f64),
}

/// A periodic-review, order-up-to policy: every `R` periods, order up to `S`.
///
/// # Units
/// Periods (days for a daily milk run) for the review period and lead time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeriodicReview {
    /// The review period `R`: the time between two orders (the pickup cycle), positive.
    pub review_period: f64,
    /// The mean lead time `L` from order to delivery, non-negative.
    pub lead_time: f64,
    /// The standard deviation of the lead time `sigma_L`, non-negative.
    pub lead_time_sd: f64,
    /// The service target.
    pub service: ServiceTarget,
}

/// An order-up-to level and how it is made up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrderUpTo {
    /// The order-up-to level `S`.
    pub level: f64,
    /// Expected demand over the protection interval `R + L`.
    pub expected_demand: f64,
    /// The safety stock `S - expected_demand`.
    pub safety_stock: f64,
    /// The standard deviation of demand over the protection interval.
    pub sd: f64,
    /// The safety factor `z`; `None` for a fill rate under deterministic demand.
    pub z: Option<f64>,
}

impl OrderUpTo {
    /// The quantity to order at a review: `max(0, S - inventory_position)`, before rounding
    /// (see [`super::OrderRounding`]).
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when `inventory_position` is not finite.
    pub fn order_quantity(&self, inventory_position: f64) -> Result<f64, InventoryError> {
        let ip = check::finite("inventory_position", inventory_position)?;
        Ok((self.level - ip).max(0.0))
    }
}

impl PeriodicReview {
    fn validate(&self) -> Result<(f64, f64, f64), InventoryError> {
        Ok((
            check::positive("review_period", self.review_period)?,
            check::non_negative("lead_time", self.lead_time)?,
            check::non_negative("lead_time_sd", self.lead_time_sd)?,
        ))
    }

    /// The order-up-to level for stationary demand with mean `demand_rate` and standard
    /// deviation `demand_sd` per period.
    ///
    /// # Arguments
    /// * `demand_rate`: mean demand per period `d`.
    /// * `demand_sd`: standard deviation of demand per period `sigma_d`.
    ///
    /// # Returns
    /// `S` with its expected demand, safety stock, standard deviation and safety factor.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is out of its domain, the service
    /// target is not strictly between 0 and 1, or a fill rate is asked for with zero demand.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Reference
    /// Silver, Pyke & Thomas, *Inventory and Production Management in Supply Chains*, 4th ed.
    /// (2017), section 7.4.
    pub fn order_up_to(&self, demand_rate: f64, demand_sd: f64) -> Result<OrderUpTo, InventoryError> {
        let (r, l, _) = self.validate()?;
        let d = check::non_negative("demand_rate", demand_rate)?;
        let expected = check::computed("expected demand", d * (r + l))?;
        self.level(expected, d, d * r, check::non_negative("demand_sd", demand_sd)?)
    }

    /// The order-up-to level from a per-period demand forecast: `forecast[i]` is the expected
    /// demand of the `i`-th period from now; the protection interval `R + L` takes whole
    /// periods and a pro-rata share of the last one. `demand_sd` is the standard deviation of
    /// one period's forecast error (e.g. its RMSE), errors independent across periods; the
    /// lead-time variability term uses the average forecast rate over the protection interval.
    ///
    /// # Arguments
    /// * `forecast`: expected demand per period, from the current period on.
    /// * `demand_sd`: standard deviation of one period's forecast error.
    ///
    /// # Returns
    /// As [`PeriodicReview::order_up_to`].
    ///
    /// # Errors
    /// [`InventoryError::InsufficientData`] when the forecast is shorter than `R + L` periods;
    /// [`InventoryError::InvalidParameter`] as [`PeriodicReview::order_up_to`], or when a
    /// forecast value is negative or not finite.
    ///
    /// # Complexity
    /// O(R + L).
    pub fn order_up_to_from_forecast(&self, forecast: &[f64], demand_sd: f64) -> Result<OrderUpTo, InventoryError> {
        let (r, l, _) = self.validate()?;
        let needed = (r + l).ceil();
        if needed > forecast.len() as f64 {
            return Err(InventoryError::InsufficientData {
                item: "forecast".into(),
                needed: needed as usize,
                got: forecast.len(),
            });
        }
        for (i, f) in forecast.iter().enumerate().take(needed as usize) {
            check::non_negative(&format!("forecast[{i}]"), *f)?;
        }
        let over = |periods: f64| -> f64 {
            let whole = periods.floor() as usize;
            let head: f64 = forecast[..whole].iter().sum();
            let part = periods - whole as f64;
            if part > 0.0 {
                head + part * forecast[whole]
            } else {
                head
            }
        };
        let expected = over(r + l);
        let rate = expected / (r + l);
        self.level(expected, rate, over(r), check::non_negative("demand_sd", demand_sd)?)
    }

    /// `S` from the expected demand over `R + L`, the demand rate `d` (for the lead-time
    /// variability term), the expected demand over `R` (for a fill rate) and `sigma_d`.
    fn level(&self, expected: f64, d: f64, cycle_demand: f64, sd_d: f64) -> Result<OrderUpTo, InventoryError> {
        let (r, l, sl) = self.validate()?;
        let variance = check::computed("demand variance", (r + l) * sd_d * sd_d + d * d * sl * sl)?;
        let protection = Normal::new(expected, variance.sqrt())?;
        if matches!(self.service, ServiceTarget::FillRate(_)) && cycle_demand <= 0.0 {
            return Err(InventoryError::invalid(
                "demand_rate",
                "a fill-rate target needs positive demand over the review period",
            ));
        }
        let SafetyStock { z, safety_stock: ss, .. } = safety_stock(&protection, self.service, cycle_demand)?;
        Ok(OrderUpTo {
            level: check::computed("level", expected + ss)?,
            expected_demand: expected,
            safety_stock: ss,
            sd: protection.sd(),
            z,
        })
    }
}

/// The min/max rule: when the inventory position is at or below `min`, order up to `max`.
///
/// It is an `(s, S)` policy with `s = min` and `S = max`, set by hand or from
/// [`super::SsPolicy`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinMax {
    /// The reorder level; finite.
    pub min: f64,
    /// The order-up-to level; finite, at least `min`.
    pub max: f64,
}

impl MinMax {
    /// The quantity to order: `max - inventory_position` when the position is at or below
    /// `min`, 0 otherwise (before rounding).
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a level or the position is not finite, or
    /// `max < min`.
    ///
    /// # Complexity
    /// O(1).
    pub fn order_quantity(&self, inventory_position: f64) -> Result<f64, InventoryError> {
        let min = check::finite("min", self.min)?;
        let max = check::finite("max", self.max)?;
        if max < min {
            return Err(InventoryError::invalid("max", format!("must be at least min {min}, got {max}")));
        }
        let ip = check::finite("inventory_position", inventory_position)?;
        Ok(if ip <= min { check::computed("order quantity", max - ip)? } else { 0.0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs())
    }

    #[test]
    fn order_up_to_covers_review_plus_lead_time() {
        // Weekly milk run (R 7 days), lead time 2 days +- 0.5, demand 40/day +- 10.
        // sigma^2 = 9 * 100 + 1600 * 0.25 = 1300; z = scipy.stats.norm.ppf(0.98) = 2.053748910631823.
        let p = PeriodicReview {
            review_period: 7.0,
            lead_time: 2.0,
            lead_time_sd: 0.5,
            service: ServiceTarget::CycleServiceLevel(0.98),
        };
        let s = p.order_up_to(40.0, 10.0).unwrap();
        assert!(close(s.expected_demand, 360.0, 1e-15));
        assert!(close(s.sd, 1300f64.sqrt(), 1e-15));
        assert!(close(s.level, 360.0 + 2.053_748_910_631_823 * 1300f64.sqrt(), 1e-13));
        assert_eq!(s.order_quantity(500.0).unwrap(), 0.0);
        assert!(close(s.order_quantity(100.0).unwrap(), s.level - 100.0, 1e-15));
    }

    #[test]
    fn forecast_gives_the_same_level_for_a_flat_forecast() {
        let p = PeriodicReview {
            review_period: 2.5,
            lead_time: 1.0,
            lead_time_sd: 0.3,
            service: ServiceTarget::FillRate(0.97),
        };
        let flat = p.order_up_to(12.0, 4.0).unwrap();
        let fc = p.order_up_to_from_forecast(&[12.0; 4], 4.0).unwrap();
        assert!(close(flat.level, fc.level, 1e-12));
        // Pro rata: 3.5 periods of [10, 20, 30, 40] = 10 + 20 + 30 + 20.
        let fc = p.order_up_to_from_forecast(&[10.0, 20.0, 30.0, 40.0], 4.0).unwrap();
        assert!(close(fc.expected_demand, 80.0, 1e-15));
        assert!(matches!(
            p.order_up_to_from_forecast(&[10.0, 20.0, 30.0], 4.0),
            Err(InventoryError::InsufficientData { needed: 4, got: 3, .. })
        ));
    }

    #[test]
    fn min_max() {
        let m = MinMax { min: 20.0, max: 100.0 };
        assert_eq!(m.order_quantity(25.0).unwrap(), 0.0);
        assert_eq!(m.order_quantity(20.0).unwrap(), 80.0);
        assert_eq!(m.order_quantity(-5.0).unwrap(), 105.0);
        assert!(MinMax { min: 10.0, max: 5.0 }.order_quantity(0.0).is_err());
        assert!(m.order_quantity(f64::NAN).is_err());
    }

    #[test]
    fn invalid_inputs_are_errors() {
        let p = PeriodicReview {
            review_period: 7.0,
            lead_time: 2.0,
            lead_time_sd: 0.0,
            service: ServiceTarget::CycleServiceLevel(0.95),
        };
        assert!(PeriodicReview { review_period: 0.0, ..p }.order_up_to(1.0, 1.0).is_err());
        assert!(PeriodicReview { lead_time: -1.0, ..p }.order_up_to(1.0, 1.0).is_err());
        assert!(PeriodicReview { service: ServiceTarget::CycleServiceLevel(1.0), ..p }.order_up_to(1.0, 1.0).is_err());
        assert!(PeriodicReview { service: ServiceTarget::FillRate(1.0), ..p }.order_up_to(1.0, 1.0).is_err());
        assert!(PeriodicReview { service: ServiceTarget::FillRate(0.9), ..p }.order_up_to(0.0, 1.0).is_err());
        assert!(p.order_up_to(f64::NAN, 1.0).is_err());
        assert!(p.order_up_to(1.0, -1.0).is_err());
        assert!(p.order_up_to_from_forecast(&[1.0; 9], f64::INFINITY).is_err());
        assert!(p.order_up_to_from_forecast(&[1.0, -1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 1.0).is_err());
        // Zero demand with a cycle service level: nothing to stock.
        assert_eq!(p.order_up_to(0.0, 0.0).unwrap().level, 0.0);
    }

    proptest! {
        #[test]
        fn level_is_demand_plus_safety(r in 0.5f64..14.0, l in 0.0f64..10.0, sl in 0.0f64..3.0, d in 0.1f64..500.0, sd in 0.0f64..100.0, a in 0.51f64..0.999) {
            for service in [ServiceTarget::CycleServiceLevel(a), ServiceTarget::FillRate(a)] {
                let p = PeriodicReview { review_period: r, lead_time: l, lead_time_sd: sl, service };
                let s = p.order_up_to(d, sd).unwrap();
                prop_assert!(close(s.level, s.expected_demand + s.safety_stock, 1e-12) || (s.level - s.expected_demand - s.safety_stock).abs() < 1e-9);
                // A longer lead time never lowers the level.
                let longer = PeriodicReview { lead_time: l + 1.0, ..p }.order_up_to(d, sd).unwrap();
                prop_assert!(longer.level >= s.level - 1e-9 * s.level.abs().max(1.0));
            }
        }
    }
}
