//! Point forecast accuracy metrics.
//!
//! Every metric compares `forecast[i]` with `actual[i]`; both slices must have the same,
//! non-zero length and hold finite values (negative values are accepted here). The scaled
//! metrics also take the training series the forecasts were made from.

use crate::InventoryError;

/// An accuracy metric, lower is better; used to rank candidates in
/// [`Forecaster::select`](super::Forecaster::select).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Metric {
    /// Mean absolute error, [`mae`].
    Mae,
    /// Root mean squared error, [`rmse`]. The default: it is minimised by the mean, which is
    /// what a replenishment policy needs, whereas MAE is minimised by the median, which is 0 for
    /// most intermittent series.
    #[default]
    Rmse,
    /// Mean absolute scaled error, [`mase`].
    Mase,
    /// Root mean squared scaled error, [`rmsse`].
    Rmsse,
}

impl Metric {
    /// The metric of `forecast` against `actual`; `train` is used only by the scaled metrics.
    ///
    /// # Errors
    ///
    /// As the metric's function.
    pub fn score(self, actual: &[f64], forecast: &[f64], train: &[f64]) -> Result<f64, InventoryError> {
        match self {
            Self::Mae => mae(actual, forecast),
            Self::Rmse => rmse(actual, forecast),
            Self::Mase => mase(actual, forecast, train),
            Self::Rmsse => rmsse(actual, forecast, train),
        }
    }
}

/// Checks the pair and returns the mean of `f(forecast - actual)`.
fn mean_of(actual: &[f64], forecast: &[f64], f: impl Fn(f64) -> f64) -> Result<f64, InventoryError> {
    if actual.len() != forecast.len() {
        return Err(InventoryError::invalid(
            "forecast",
            format!("{} forecasts for {} actual values", forecast.len(), actual.len()),
        ));
    }
    if actual.is_empty() {
        return Err(InventoryError::InsufficientData { item: "accuracy metric".into(), needed: 1, got: 0 });
    }
    check_finite("actual", actual)?;
    check_finite("forecast", forecast)?;
    let sum: f64 = actual.iter().zip(forecast).map(|(&a, &p)| f(p - a)).sum();
    finite("forecast", sum / actual.len() as f64)
}

fn check_finite(name: &str, values: &[f64]) -> Result<(), InventoryError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(InventoryError::invalid(format!("{name}[{i}]"), format!("must be finite, got {}", values[i]))),
        None => Ok(()),
    }
}

fn finite(name: &str, value: f64) -> Result<f64, InventoryError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(InventoryError::invalid(name, format!("the metric overflows f64 ({value})")))
    }
}

/// Mean absolute error: `mean(|forecast - actual|)`.
///
/// # Errors
///
/// [`InventoryError::InvalidParameter`] for slices of different lengths, a non-finite value or
/// an overflow; [`InventoryError::InsufficientData`] for empty slices.
///
/// # Complexity
///
/// O(n) time, O(1) space.
pub fn mae(actual: &[f64], forecast: &[f64]) -> Result<f64, InventoryError> {
    mean_of(actual, forecast, f64::abs)
}

/// Root mean squared error: `sqrt(mean((forecast - actual)²))`.
///
/// # Errors
///
/// As [`mae`].
///
/// # Complexity
///
/// O(n) time, O(1) space.
pub fn rmse(actual: &[f64], forecast: &[f64]) -> Result<f64, InventoryError> {
    mean_of(actual, forecast, |e| e * e).map(f64::sqrt)
}

/// Bias: `mean(forecast - actual)`. Positive when the forecasts are too high (over-forecast,
/// excess stock), negative when too low.
///
/// # Errors
///
/// As [`mae`].
///
/// # Complexity
///
/// O(n) time, O(1) space.
pub fn bias(actual: &[f64], forecast: &[f64]) -> Result<f64, InventoryError> {
    mean_of(actual, forecast, |e| e)
}

/// The mean of `f(train[t] - train[t - 1])` over the training series from its first non-zero
/// value on (M5's convention: the periods before an item was first sold do not count).
fn naive_scale(train: &[f64], f: impl Fn(f64) -> f64) -> Result<f64, InventoryError> {
    check_finite("train", train)?;
    let start = train.iter().position(|&v| v != 0.0).unwrap_or(train.len());
    let active = train.get(start..).unwrap_or(&[]);
    if active.len() < 2 {
        return Err(InventoryError::InsufficientData {
            item: "scaled metric: training series from its first non-zero value".into(),
            needed: 2,
            got: active.len(),
        });
    }
    let scale = active.windows(2).map(|w| f(w[1] - w[0])).sum::<f64>() / (active.len() - 1) as f64;
    if scale > 0.0 && scale.is_finite() {
        Ok(scale)
    } else {
        Err(InventoryError::invalid(
            "train",
            format!("the in-sample naive one-step errors scale the metric, and their mean is {scale}"),
        ))
    }
}

/// Mean absolute scaled error: [`mae`] divided by the mean absolute one-step naive error of the
/// training series, `mean(|train[t] - train[t-1]|)`, taken from the first non-zero value of
/// `train` on (as M5's RMSSE; Hyndman & Koehler take the whole series). Below 1, the forecasts
/// beat the in-sample naive forecast.
///
/// # Errors
///
/// As [`mae`]; also [`InventoryError::InsufficientData`] when `train` has fewer than 2 values
/// from its first non-zero one, and [`InventoryError::InvalidParameter`] (item `train`) when the
/// scale is 0 (a constant training series) or too small to divide by.
///
/// # Complexity
///
/// O(n + m) time for `m` training values, O(1) space.
///
/// # Example
///
/// ```
/// use milkrun_inventory::forecast::mase;
///
/// // Training series from its first non-zero value: [4, 0, 2], naive errors 4 and 2.
/// let scaled = mase(&[3.0, 1.0], &[2.0, 2.0], &[0.0, 4.0, 0.0, 2.0])?;
/// assert_eq!(scaled, 1.0 / 3.0);
/// # Ok::<(), milkrun_inventory::InventoryError>(())
/// ```
///
/// # Reference
///
/// R. J. Hyndman, A. B. Koehler, "Another look at measures of forecast accuracy",
/// *International Journal of Forecasting* 22(4), 679-688, 2006.
pub fn mase(actual: &[f64], forecast: &[f64], train: &[f64]) -> Result<f64, InventoryError> {
    let error = mae(actual, forecast)?;
    let scale = naive_scale(train, f64::abs)?;
    finite("train", error / scale)
}

/// Root mean squared scaled error: `sqrt(mean((forecast - actual)²) / mean((train[t] -
/// train[t-1])²))`, the training series taken from its first non-zero value on, as in M5.
///
/// # Errors
///
/// As [`mase`].
///
/// # Complexity
///
/// O(n + m) time for `m` training values, O(1) space.
///
/// # Reference
///
/// S. Makridakis, E. Spiliotis, V. Assimakopoulos, "M5 accuracy competition: Results, findings,
/// and conclusions", *International Journal of Forecasting* 38(4), 1346-1364, 2022.
pub fn rmsse(actual: &[f64], forecast: &[f64], train: &[f64]) -> Result<f64, InventoryError> {
    let mse = mean_of(actual, forecast, |e| e * e)?;
    let scale = naive_scale(train, |e| e * e)?;
    finite("train", (mse / scale).sqrt())
}
