//! Demand classification by ADI and CV².

use super::check_series;
use crate::InventoryError;

/// ADI cut-off of Syntetos, Boylan & Croston (2005): above it demand is intermittent or lumpy.
pub const ADI_CUTOFF: f64 = 1.32;
/// CV² cut-off of Syntetos, Boylan & Croston (2005): above it demand sizes are erratic or lumpy.
pub const CV2_CUTOFF: f64 = 0.49;

/// The demand pattern of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DemandClass {
    /// Frequent demand of regular size: `ADI <= 1.32`, `CV² <= 0.49`.
    Smooth,
    /// Frequent demand of irregular size: `ADI <= 1.32`, `CV² > 0.49`.
    Erratic,
    /// Infrequent demand of regular size: `ADI > 1.32`, `CV² <= 0.49`.
    Intermittent,
    /// Infrequent demand of irregular size: `ADI > 1.32`, `CV² > 0.49`.
    Lumpy,
    /// No demand at all: every value is 0.
    NoDemand,
}

/// The demand pattern of a series with the statistics it was read from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classification {
    /// The pattern.
    pub class: DemandClass,
    /// Average inter-demand interval, in periods: `(t_last + 1) / D` (see [`classify`]);
    /// infinite without demand.
    pub adi: f64,
    /// Squared coefficient of variation of the non-zero demand sizes (population variance over
    /// squared mean); 0 with a single demand or without demand.
    pub cv2: f64,
    /// Number of periods with non-zero demand, `D`.
    pub demand_periods: usize,
}

/// Classifies the demand series `y` as smooth, erratic, intermittent or lumpy by its average
/// inter-demand interval (ADI) and the squared coefficient of variation of its non-zero sizes
/// (CV²), with the cut-offs [`ADI_CUTOFF`] 1.32 and [`CV2_CUTOFF`] 0.49; a cut-off value itself
/// belongs to the lower class.
///
/// # Arguments
///
/// * `y`: demand per period, finite, non-negative, at most [`MAX_DEMAND`](super::MAX_DEMAND).
///
/// # Returns
///
/// The [`Classification`]. How the statistics are counted:
///
/// * A demand period is one with `y > 0`; `D` is their number.
/// * ADI is the mean of the inter-demand intervals, the first one counted from the start of the
///   series (a first demand in 0-based period `t` has interval `t + 1`), as Croston's method and
///   ADIDA count them (statsforecast, R's tsintermittent). The intervals telescope, so
///   `ADI = (t_last + 1) / D` with `t_last` the 0-based period of the last demand: periods after
///   the last demand do not count. (Some authors use `n / D` instead, which counts them.)
/// * CV² is the population variance of the `D` non-zero sizes divided by their squared mean.
///
/// A series with a single demand has CV² 0 and is smooth or intermittent by its ADI; a series
/// without demand is [`DemandClass::NoDemand`] with an infinite ADI and CV² 0.
///
/// # Errors
///
/// [`InventoryError::InvalidParameter`] for a value negative, non-finite or too large (named
/// `y[i]`); [`InventoryError::InsufficientData`] for an empty series.
///
/// # Complexity
///
/// O(n) time, O(1) space.
///
/// # Example
///
/// ```
/// use milkrun_inventory::forecast::{classify, DemandClass};
///
/// // Demands 2, 9, 1, 12 in periods 1, 4, 6, 9: ADI 10 / 4 = 2.5, sizes very uneven.
/// let c = classify(&[0.0, 2.0, 0.0, 0.0, 9.0, 0.0, 1.0, 0.0, 0.0, 12.0, 0.0])?;
/// assert_eq!((c.class, c.adi, c.demand_periods), (DemandClass::Lumpy, 2.5, 4));
/// # Ok::<(), milkrun_inventory::InventoryError>(())
/// ```
///
/// # Reference
///
/// A. A. Syntetos, J. E. Boylan, J. D. Croston, "On the categorization of demand patterns",
/// *Journal of the Operational Research Society* 56(5), 495-503, 2005.
pub fn classify(y: &[f64]) -> Result<Classification, InventoryError> {
    check_series("y", y)?;
    if y.is_empty() {
        return Err(InventoryError::InsufficientData { item: "demand classification".into(), needed: 1, got: 0 });
    }
    // One branch-free pass for the count, the last demand, the largest and the sum, one for
    // the squared deviations of the demand sizes (zeros add nothing to either).
    let (demands, last, largest, sum) =
        y.iter().enumerate().fold((0usize, 0usize, 0.0_f64, 0.0_f64), |(n, last, m, s), (i, &v)| {
            let demand = v > 0.0;
            (n + usize::from(demand), if demand { i } else { last }, m.max(v), s + v)
        });
    if demands == 0 {
        return Ok(Classification { class: DemandClass::NoDemand, adi: f64::INFINITY, cv2: 0.0, demand_periods: 0 });
    }
    let d = demands as f64;
    let adi = (last + 1) as f64 / d;
    // Values so small that their squares underflow are scaled by the largest first.
    let scale = if largest < 1e-100 { 1.0 / largest } else { 1.0 };
    let scaled = |v: f64| if scale.is_finite() { v * scale } else { v / largest };
    let mean = if scale == 1.0 { sum / d } else { y.iter().map(|&v| scaled(v)).sum::<f64>() / d };
    let variance =
        y.iter().map(|&v| if v > 0.0 { (scaled(v) - mean) * (scaled(v) - mean) } else { 0.0 }).sum::<f64>() / d;
    let cv2 = variance / (mean * mean);
    let class = match (adi > ADI_CUTOFF, cv2 > CV2_CUTOFF) {
        (false, false) => DemandClass::Smooth,
        (false, true) => DemandClass::Erratic,
        (true, false) => DemandClass::Intermittent,
        (true, true) => DemandClass::Lumpy,
    };
    Ok(Classification { class, adi, cv2, demand_periods: demands })
}
