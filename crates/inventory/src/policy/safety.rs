//! Safety stock for a cycle service level or a fill rate, with uncertain demand and uncertain
//! lead time.
//!
//! Conventions (Silver, Pyke & Thomas 2017, sections 6.6-6.10): demand per period has mean `d`
//! and standard deviation `sigma_d`, independent across periods; the lead time has mean `L` and
//! standard deviation `sigma_L` periods, independent of demand. Lead-time demand is then
//! approximately normal with mean `d L` and variance `L sigma_d^2 + d^2 sigma_L^2`. The reorder
//! point is `d L + SS` with `SS = z sigma`.
//! - Cycle service level `alpha` (probability of no stockout in a replenishment cycle):
//!   `z = Phi^-1(alpha)`.
//! - Fill rate `beta` (fraction of demand met from stock) with order quantity `Q`:
//!   `sigma L(z) = (1 - beta) Q`, `L` the standard normal loss function. When `(1 - beta) Q`
//!   exceeds `0.3989 sigma` the order quantity alone already gives the fill rate and the safety
//!   stock is negative; it is reported as computed (clamp at 0 if a negative buffer is not
//!   wanted).

use super::check;
use super::discrete::Poisson;
use super::normal::{std_normal_loss_inverse, std_normal_quantile, Normal};
use super::periodic::ServiceTarget;
use crate::InventoryError;

/// Demand over an uncertain lead time.
///
/// # Units
/// Demand in units of the product per period; lead time in periods (the same period).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeadTimeDemand {
    /// Mean demand per period `d`, non-negative.
    pub demand_mean: f64,
    /// Standard deviation of demand per period `sigma_d`, non-negative.
    pub demand_sd: f64,
    /// Mean lead time `L` in periods, non-negative.
    pub lead_time: f64,
    /// Standard deviation of the lead time `sigma_L` in periods, non-negative (0 for a fixed
    /// lead time).
    pub lead_time_sd: f64,
}

impl LeadTimeDemand {
    fn validate(&self) -> Result<(f64, f64, f64, f64), InventoryError> {
        Ok((
            check::non_negative("demand_mean", self.demand_mean)?,
            check::non_negative("demand_sd", self.demand_sd)?,
            check::non_negative("lead_time", self.lead_time)?,
            check::non_negative("lead_time_sd", self.lead_time_sd)?,
        ))
    }

    /// The normal approximation `N(d L, L sigma_d^2 + d^2 sigma_L^2)`.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is negative or not finite, or the
    /// result overflows.
    ///
    /// # Reference
    /// Silver, Pyke & Thomas, *Inventory and Production Management in Supply Chains*, 4th ed.,
    /// CRC Press (2017), section 6.10.
    pub fn normal(&self) -> Result<Normal, InventoryError> {
        let (d, sd, l, sl) = self.validate()?;
        let mean = check::computed("lead-time demand", d * l)?;
        let variance = check::computed("lead-time demand variance", l * sd * sd + d * d * sl * sl)?;
        Normal::new(mean, variance.sqrt())
    }
}

/// A safety stock and the reorder point it gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SafetyStock {
    /// The safety factor `z`; `None` for a fill-rate target when lead-time demand is
    /// deterministic (`sigma = 0`), where no finite `z` exists.
    pub z: Option<f64>,
    /// The standard deviation `sigma` of lead-time demand.
    pub sd: f64,
    /// The safety stock `z sigma` (for `sigma = 0` and a fill rate, `-(1 - beta) Q`).
    pub safety_stock: f64,
    /// The reorder point: mean lead-time demand plus safety stock.
    pub reorder_point: f64,
}

/// The safety stock for a cycle service level `alpha`: `SS = Phi^-1(alpha) sigma`.
///
/// # Arguments
/// * `demand`: demand per period and lead time, each with its variability.
/// * `cycle_service_level`: the probability `alpha` of no stockout per cycle, in `(0, 1)`.
///
/// # Errors
/// [`InventoryError::InvalidParameter`] when a demand parameter is out of its domain or the
/// service level is not strictly between 0 and 1 (a level of 1 needs infinite stock).
///
/// # Complexity
/// O(1).
///
/// # Reference
/// Silver, Pyke & Thomas (2017), section 6.7.
pub fn safety_stock_for_cycle_service(
    demand: &LeadTimeDemand,
    cycle_service_level: f64,
) -> Result<SafetyStock, InventoryError> {
    let ltd = demand.normal()?;
    let alpha = check::open_unit("cycle_service_level", cycle_service_level)?;
    let z = std_normal_quantile(alpha)?;
    let ss = z * ltd.sd();
    Ok(SafetyStock { z: Some(z), sd: ltd.sd(), safety_stock: ss, reorder_point: ltd.mean() + ss })
}

/// The safety stock for a fill rate `beta` with order quantity `Q`: `sigma L(z) = (1 - beta) Q`.
///
/// # Arguments
/// * `demand`: demand per period and lead time, each with its variability.
/// * `fill_rate`: the fraction `beta` of demand to serve from stock, in `(0, 1)`.
/// * `order_quantity`: the replenishment quantity `Q` (for periodic review, the expected demand
///   per review period), positive.
///
/// # Errors
/// [`InventoryError::InvalidParameter`] when a parameter is out of its domain or the fill rate
/// is not strictly between 0 and 1.
///
/// # Complexity
/// O(1).
///
/// # Reference
/// Silver, Pyke & Thomas (2017), section 6.7.5 (criterion "P2").
pub fn safety_stock_for_fill_rate(
    demand: &LeadTimeDemand,
    fill_rate: f64,
    order_quantity: f64,
) -> Result<SafetyStock, InventoryError> {
    let ltd = demand.normal()?;
    let beta = check::open_unit("fill_rate", fill_rate)?;
    let q = check::positive("order_quantity", order_quantity)?;
    fill_rate_safety_stock(&ltd, beta, q)
}

/// The safety stock for a service target over a protection interval whose demand is
/// `protection` (normal): `z sigma` with `z` the `alpha` quantile for a cycle service level, or
/// the `z` of [`safety_stock_for_fill_rate`] for a fill rate with `cycle_quantity` as `Q`.
///
/// # Arguments
/// * `protection`: demand over the protection interval (lead time, plus the review period for
///   periodic review).
/// * `service`: the target.
/// * `cycle_quantity`: mean quantity per replenishment cycle (used by a fill rate only).
///
/// # Errors
/// [`InventoryError::InvalidParameter`] for a target outside (0, 1), or a fill rate with a
/// non-positive `cycle_quantity`.
///
/// # Complexity
/// O(1).
///
/// # Reference
/// Silver, Pyke & Thomas (2017), sections 6.7 and 6.7.5.
pub fn safety_stock(
    protection: &Normal,
    service: ServiceTarget,
    cycle_quantity: f64,
) -> Result<SafetyStock, InventoryError> {
    match service {
        ServiceTarget::CycleServiceLevel(alpha) => {
            let z = std_normal_quantile(check::open_unit("cycle_service_level", alpha)?)?;
            let ss = z * protection.sd();
            Ok(SafetyStock { z: Some(z), sd: protection.sd(), safety_stock: ss, reorder_point: protection.mean() + ss })
        }
        ServiceTarget::FillRate(beta) => {
            let beta = check::open_unit("fill_rate", beta)?;
            let q = check::positive("cycle_quantity", cycle_quantity)?;
            fill_rate_safety_stock(protection, beta, q)
        }
    }
}

/// [`safety_stock_for_fill_rate`] on a validated lead-time demand.
pub(crate) fn fill_rate_safety_stock(ltd: &Normal, beta: f64, q: f64) -> Result<SafetyStock, InventoryError> {
    let shortage = check::computed("order_quantity", (1.0 - beta) * q)?;
    let sd = ltd.sd();
    if sd == 0.0 {
        return Ok(SafetyStock { z: None, sd, safety_stock: -shortage, reorder_point: ltd.mean() - shortage });
    }
    let z = std_normal_loss_inverse(shortage / sd).map_err(|_| {
        InventoryError::invalid("fill_rate", format!("(1 - beta) Q / sigma = {} is out of range", shortage / sd))
    })?;
    let ss = z * sd;
    Ok(SafetyStock { z: Some(z), sd, safety_stock: ss, reorder_point: ltd.mean() + ss })
}

/// The reorder point for Poisson lead-time demand and a cycle service level: the smallest `r`
/// with `P(D <= r) >= alpha`.
///
/// # Errors
/// [`InventoryError::InvalidParameter`] when the service level is not strictly between 0 and 1.
///
/// # Complexity
/// O(sqrt(mean) + 1).
pub fn poisson_reorder_point_for_cycle_service(
    lead_time_demand: &Poisson,
    cycle_service_level: f64,
) -> Result<i64, InventoryError> {
    lead_time_demand.quantile(check::open_unit("cycle_service_level", cycle_service_level)?)
}

/// The reorder point for Poisson lead-time demand and a fill rate: the smallest `r` with
/// expected shortage per cycle `n(r) = E[(D - r)+] <= (1 - beta) Q` (the usual approximation
/// that ignores backorders carried between cycles), found by bisection on the decreasing `n`.
///
/// # Errors
/// [`InventoryError::InvalidParameter`] when the fill rate is not strictly between 0 and 1 or
/// `order_quantity` is not positive and finite.
///
/// # Complexity
/// O(sqrt(mean) log(mean + Q)).
///
/// # Reference
/// Silver, Pyke & Thomas (2017), section 6.7.5; Axsäter, *Inventory Control*, 3rd ed.,
/// Springer (2015), section 5.8.
pub fn poisson_reorder_point_for_fill_rate(
    lead_time_demand: &Poisson,
    fill_rate: f64,
    order_quantity: f64,
) -> Result<i64, InventoryError> {
    let beta = check::open_unit("fill_rate", fill_rate)?;
    let q = check::positive("order_quantity", order_quantity)?;
    let target = (1.0 - beta) * q;
    let mean = lead_time_demand.mean();
    if target >= mean {
        // For r <= 0, n(r) = mean - r: the answer is the smallest such r with mean - r <= target.
        let r = (mean - target).ceil();
        if r < -9.0e18 {
            return Err(InventoryError::invalid("order_quantity", format!("{q} is too large")));
        }
        return Ok(r as i64);
    }
    // n(-1) = mean + 1 > target; n(hi) = 0 (to double precision) <= target.
    let mut lo = -1_i64;
    let mut hi = (mean + 40.0 * mean.sqrt() + 60.0).ceil() as i64;
    if lead_time_demand.loss(hi) > target {
        return Err(InventoryError::invalid("fill_rate", format!("no reorder point reaches {beta}")));
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if lead_time_demand.loss(mid) <= target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::std_normal_loss;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs())
    }

    #[test]
    fn cycle_service_with_lead_time_variability() {
        // d 100/day, sd 20/day, L 4 days, sd_L 1 day: sigma^2 = 4 * 400 + 100^2 * 1 = 11600.
        // z = scipy.stats.norm.ppf(0.95) = 1.6448536269514722.
        let ltd = LeadTimeDemand { demand_mean: 100.0, demand_sd: 20.0, lead_time: 4.0, lead_time_sd: 1.0 };
        let s = safety_stock_for_cycle_service(&ltd, 0.95).unwrap();
        assert!(close(s.sd, 11_600f64.sqrt(), 1e-15));
        assert!(close(s.z.unwrap(), 1.644_853_626_951_472_2, 1e-13));
        assert!(close(s.safety_stock, 1.644_853_626_951_472_2 * 11_600f64.sqrt(), 1e-13));
        assert!(close(s.reorder_point, 400.0 + s.safety_stock, 1e-15));
    }

    #[test]
    fn fill_rate_solves_the_loss_equation() {
        // scipy: brentq(lambda z: 150 * (norm.pdf(z) - z * norm.sf(z)) - 0.01 * 500, -10, 10,
        //   xtol=1e-15) = 1.4429723416663356  (sigma 150, beta 0.99, Q 500).
        let ltd = LeadTimeDemand { demand_mean: 50.0, demand_sd: 75.0, lead_time: 4.0, lead_time_sd: 0.0 };
        let s = safety_stock_for_fill_rate(&ltd, 0.99, 500.0).unwrap();
        assert!(close(s.sd, 150.0, 1e-15));
        assert!(close(s.z.unwrap(), 1.442_972_341_666_335_6, 1e-12), "{s:?}");
        assert!(close(150.0 * std_normal_loss(s.z.unwrap()), 5.0, 1e-12));
        // Deterministic demand: no z; the shortage per cycle is -SS.
        let det = LeadTimeDemand { demand_sd: 0.0, ..ltd };
        let s = safety_stock_for_fill_rate(&det, 0.99, 500.0).unwrap();
        assert_eq!(s.z, None);
        assert!(close(s.safety_stock, -5.0, 1e-12));
    }

    #[test]
    fn poisson_reorder_points() {
        // scipy.stats.poisson.ppf(0.95, 15) = 22.0
        let d = Poisson::new(15.0).unwrap();
        assert_eq!(poisson_reorder_point_for_cycle_service(&d, 0.95).unwrap(), 22);
        let r = poisson_reorder_point_for_fill_rate(&d, 0.98, 20.0).unwrap();
        assert!(d.loss(r) <= 0.4 && d.loss(r - 1) > 0.4);
        // A large order quantity reaches the fill rate with a negative reorder point.
        let r = poisson_reorder_point_for_fill_rate(&d, 0.5, 100.0).unwrap();
        assert_eq!(r, -35);
        let r = poisson_reorder_point_for_fill_rate(&d, 0.5, 30.0).unwrap();
        assert_eq!(r, 0);
        assert!(d.loss(0) <= 15.0 && d.loss(-1) > 15.0);
        assert!(poisson_reorder_point_for_fill_rate(&d, 0.5, 1e300).is_err());
    }

    #[test]
    fn invalid_inputs_are_errors() {
        let ltd = LeadTimeDemand { demand_mean: 100.0, demand_sd: 20.0, lead_time: 4.0, lead_time_sd: 1.0 };
        for bad in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
            assert!(safety_stock_for_cycle_service(&ltd, bad).is_err());
            assert!(safety_stock_for_fill_rate(&ltd, bad, 10.0).is_err());
            assert!(poisson_reorder_point_for_cycle_service(&Poisson::new(3.0).unwrap(), bad).is_err());
            assert!(poisson_reorder_point_for_fill_rate(&Poisson::new(3.0).unwrap(), bad, 10.0).is_err());
        }
        assert!(safety_stock_for_fill_rate(&ltd, 0.9, 0.0).is_err());
        assert!(safety_stock_for_fill_rate(&ltd, 0.9, f64::INFINITY).is_err());
        for field in 0..4 {
            let mut bad = ltd;
            match field {
                0 => bad.demand_mean = -1.0,
                1 => bad.demand_sd = f64::NAN,
                2 => bad.lead_time = f64::INFINITY,
                _ => bad.lead_time_sd = -0.1,
            }
            assert!(safety_stock_for_cycle_service(&bad, 0.9).is_err());
        }
    }

    proptest! {
        #[test]
        fn safety_stock_grows_with_the_target(d in 0.0f64..1000.0, sd in 0.1f64..100.0, l in 0.1f64..30.0, sl in 0.0f64..5.0, a in 0.5f64..0.99, q in 1.0f64..1000.0) {
            let ltd = LeadTimeDemand { demand_mean: d, demand_sd: sd, lead_time: l, lead_time_sd: sl };
            let lo = safety_stock_for_cycle_service(&ltd, a).unwrap();
            let hi = safety_stock_for_cycle_service(&ltd, a + 0.005).unwrap();
            prop_assert!(hi.safety_stock > lo.safety_stock);
            let f = safety_stock_for_fill_rate(&ltd, a, q).unwrap();
            let shortage = f.sd * std_normal_loss(f.z.unwrap());
            prop_assert!((shortage - (1.0 - a) * q).abs() <= 1e-9 * q);
        }
    }
}
