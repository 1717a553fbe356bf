//! The forecasting methods and their parameters.

use std::fmt;

use crate::InventoryError;

/// The season length used when none is given: 7, a weekly cycle on daily data.
pub const DEFAULT_SEASON_LENGTH: usize = 7;

/// A forecasting method with its smoothing parameters.
///
/// A parameter given as `Some(value)` is used as is (it must lie in `[0, 1]`); a parameter left
/// `None` is fitted to the series (see [`Forecaster::fit`](super::Forecaster::fit) for the search
/// and its cost). The fitted model reports the parameters it used through
/// [`Fit::method`](super::Fit::method).
///
/// Every method forecasts the demand per period; forecasts and in-sample fitted values are
/// clamped at 0. The conventions, and where they depart from statsforecast's, are in the
/// [module documentation](super).
///
/// # Reference
///
/// One paper per method, listed in the [module documentation](super): Brown 1959 (SES),
/// Holt 1957, Winters 1960, Croston 1972, Syntetos & Boylan 2005 (SBA), Teunter, Syntetos &
/// Babai 2011 (TSB), Nikolopoulos et al. 2011 (ADIDA), Petropoulos & Kourentzes 2015 (IMAPA).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Method {
    /// Simple exponential smoothing: a flat forecast, the level
    /// `l_t = alpha * y_t + (1 - alpha) * l_{t-1}`, started at the first observation.
    Ses {
        /// Level smoothing constant.
        alpha: Option<f64>,
    },
    /// Holt's linear trend: level and additive trend, the forecast `h` steps ahead is
    /// `l + h * b`. Starts from level `y[1]` and trend `y[1] - y[0]`; then
    /// `l_t = alpha y_t + (1 - alpha)(l_{t-1} + b_{t-1})`,
    /// `b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}`.
    Holt {
        /// Level smoothing constant.
        alpha: Option<f64>,
        /// Trend smoothing constant.
        beta: Option<f64>,
    },
    /// Additive Holt-Winters: level, additive trend and additive seasonal indices; the forecast
    /// `h` steps ahead is `l + h * b + s` with `s` the latest index of that period's phase.
    ///
    /// Starts at the end of the first season `m` from the first two: trend
    /// `b = (mean(y[m..2m]) - mean(y[..m])) / m`, level `mean(y[..m]) + b (m - 1) / 2`, indices
    /// `s_j = y_j - (mean(y[..m]) + b (j - (m - 1) / 2))` (they sum to 0). Then, for `t >= m`,
    /// `l_t = alpha (y_t - s_{t-m}) + (1 - alpha)(l_{t-1} + b_{t-1})`,
    /// `b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}`,
    /// `s_t = gamma (y_t - l_{t-1} - b_{t-1}) + (1 - gamma) s_{t-m}`
    /// (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 2nd ed., §7.3; the
    /// recursion of statsmodels' `ExponentialSmoothing`).
    HoltWinters {
        /// Periods in a season (7 for a weekly cycle on daily data); at least 2.
        season_length: usize,
        /// Level smoothing constant.
        alpha: Option<f64>,
        /// Trend smoothing constant.
        beta: Option<f64>,
        /// Seasonal smoothing constant.
        gamma: Option<f64>,
    },
    /// Croston's method: exponential smoothing of the non-zero demand sizes and of the intervals
    /// between them; the forecast is their ratio.
    Croston {
        /// Smoothing constant of the demand sizes.
        alpha_d: Option<f64>,
        /// Smoothing constant of the inter-demand intervals.
        alpha_i: Option<f64>,
    },
    /// The Syntetos-Boylan approximation: Croston's forecast times `1 - alpha_i / 2`.
    Sba {
        /// Smoothing constant of the demand sizes.
        alpha_d: Option<f64>,
        /// Smoothing constant of the inter-demand intervals; also sets the bias correction.
        alpha_i: Option<f64>,
    },
    /// Teunter-Syntetos-Babai: exponential smoothing of the demand sizes (updated in demand
    /// periods) and of the probability of demand (updated every period); the forecast is their
    /// product.
    Tsb {
        /// Smoothing constant of the demand sizes.
        alpha_d: Option<f64>,
        /// Smoothing constant of the demand probability.
        alpha_p: Option<f64>,
    },
    /// ADIDA: sums over non-overlapping buckets of `k` periods (`k` the mean inter-demand
    /// interval, rounded), simple exponential smoothing of the sums, the forecast divided by `k`.
    Adida {
        /// Smoothing constant of the bucket sums.
        alpha: Option<f64>,
    },
    /// IMAPA: the mean of the ADIDA forecasts at every aggregation level from 1 to `k`.
    Imapa {
        /// Smoothing constant of the bucket sums at every level; `None` fits one per level.
        alpha: Option<f64>,
    },
}

impl Method {
    /// Simple exponential smoothing with its constant fitted.
    pub const SES: Self = Self::Ses { alpha: None };
    /// Holt's linear trend with both constants fitted.
    pub const HOLT: Self = Self::Holt { alpha: None, beta: None };
    /// Croston's method as statsforecast's `CrostonClassic`: both constants 0.1.
    pub const CROSTON: Self = Self::Croston { alpha_d: Some(0.1), alpha_i: Some(0.1) };
    /// Croston's method as statsforecast's `CrostonOptimized`: both constants fitted.
    pub const CROSTON_OPTIMIZED: Self = Self::Croston { alpha_d: None, alpha_i: None };
    /// The Syntetos-Boylan approximation as statsforecast's `CrostonSBA`: both constants 0.1,
    /// so the factor is 0.95.
    pub const SBA: Self = Self::Sba { alpha_d: Some(0.1), alpha_i: Some(0.1) };
    /// TSB with both constants fitted.
    pub const TSB: Self = Self::Tsb { alpha_d: None, alpha_p: None };
    /// ADIDA as statsforecast's `ADIDA`: the constant fitted on the bucket sums.
    pub const ADIDA: Self = Self::Adida { alpha: None };
    /// IMAPA as statsforecast's `IMAPA`: one constant fitted per aggregation level.
    pub const IMAPA: Self = Self::Imapa { alpha: None };

    /// Additive Holt-Winters with the given season length and all three constants fitted.
    pub const fn holt_winters(season_length: usize) -> Self {
        Self::HoltWinters { season_length, alpha: None, beta: None, gamma: None }
    }

    /// The method's short name: `SES`, `Holt`, `Holt-Winters`, `Croston`, `SBA`, `TSB`, `ADIDA`
    /// or `IMAPA`.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Ses { .. } => "SES",
            Self::Holt { .. } => "Holt",
            Self::HoltWinters { .. } => "Holt-Winters",
            Self::Croston { .. } => "Croston",
            Self::Sba { .. } => "SBA",
            Self::Tsb { .. } => "TSB",
            Self::Adida { .. } => "ADIDA",
            Self::Imapa { .. } => "IMAPA",
        }
    }

    /// Whether the method smooths the non-zero demands apart from the zeros (Croston, SBA,
    /// TSB) or aggregates them away (ADIDA, IMAPA).
    pub const fn is_intermittent(&self) -> bool {
        matches!(
            self,
            Self::Croston { .. } | Self::Sba { .. } | Self::Tsb { .. } | Self::Adida { .. } | Self::Imapa { .. }
        )
    }

    /// Checks every given parameter: smoothing constants in `[0, 1]`, a season length of at least
    /// 2.
    ///
    /// # Errors
    ///
    /// [`InventoryError::InvalidParameter`] naming the parameter, with its value.
    pub fn validate(&self) -> Result<(), InventoryError> {
        match *self {
            Self::Ses { alpha } | Self::Adida { alpha } | Self::Imapa { alpha } => check_constant("alpha", alpha),
            Self::Holt { alpha, beta } => {
                check_constant("alpha", alpha)?;
                check_constant("beta", beta)
            }
            Self::HoltWinters { season_length, alpha, beta, gamma } => {
                if season_length < 2 {
                    return Err(InventoryError::invalid(
                        "season_length",
                        format!("must be at least 2 (use Holt without a season), got {season_length}"),
                    ));
                }
                check_constant("alpha", alpha)?;
                check_constant("beta", beta)?;
                check_constant("gamma", gamma)
            }
            Self::Croston { alpha_d, alpha_i } | Self::Sba { alpha_d, alpha_i } => {
                check_constant("alpha_d", alpha_d)?;
                check_constant("alpha_i", alpha_i)
            }
            Self::Tsb { alpha_d, alpha_p } => {
                check_constant("alpha_d", alpha_d)?;
                check_constant("alpha_p", alpha_p)
            }
        }
    }
}

/// Checks one smoothing constant: `None`, or finite in `[0, 1]`.
fn check_constant(name: &str, value: Option<f64>) -> Result<(), InventoryError> {
    match value {
        Some(v) if !(0.0..=1.0).contains(&v) => {
            Err(InventoryError::invalid(name, format!("a smoothing constant must be in [0, 1], got {v}")))
        }
        _ => Ok(()),
    }
}

impl fmt::Display for Method {
    /// `SES(alpha=0.3)`, `Croston(alpha_d=0.1, alpha_i=fitted)`,
    /// `Holt-Winters(season_length=7, alpha=fitted, beta=fitted, gamma=fitted)`... A precision
    /// (`{:.3}`) applies to the constants.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let precision = f.precision();
        let p = |value: Option<f64>| P(value, precision);
        struct P(Option<f64>, Option<usize>);
        impl fmt::Display for P {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match (self.0, self.1) {
                    (Some(v), Some(digits)) => write!(f, "{v:.digits$}"),
                    (Some(v), None) => write!(f, "{v}"),
                    (None, _) => f.write_str("fitted"),
                }
            }
        }
        let name = self.name();
        match *self {
            Self::Ses { alpha } | Self::Adida { alpha } | Self::Imapa { alpha } => {
                write!(f, "{name}(alpha={})", p(alpha))
            }
            Self::Holt { alpha, beta } => write!(f, "{name}(alpha={}, beta={})", p(alpha), p(beta)),
            Self::HoltWinters { season_length, alpha, beta, gamma } => write!(
                f,
                "{name}(season_length={season_length}, alpha={}, beta={}, gamma={})",
                p(alpha),
                p(beta),
                p(gamma)
            ),
            Self::Croston { alpha_d, alpha_i } | Self::Sba { alpha_d, alpha_i } => {
                write!(f, "{name}(alpha_d={}, alpha_i={})", p(alpha_d), p(alpha_i))
            }
            Self::Tsb { alpha_d, alpha_p } => write!(f, "{name}(alpha_d={}, alpha_p={})", p(alpha_d), p(alpha_p)),
        }
    }
}
