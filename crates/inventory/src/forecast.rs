//! Demand forecasting per series: exponential smoothing for smooth demand, the Croston family
//! and temporal aggregation for intermittent demand, demand classification, accuracy metrics,
//! automatic model choice and the lead-time forecast error that safety stocks need.
//!
//! A series is a `&[f64]` of demand per period (daily demand, say), oldest first: finite,
//! non-negative, at most [`MAX_DEMAND`]. Anything else is an
//! [`InventoryError::InvalidParameter`] naming the value (`y[17]`), never a panic.
//!
//! - [`Method`]: SES, Holt, additive Holt-Winters, Croston, SBA, TSB, ADIDA, IMAPA, each with its
//!   smoothing constants given or left `None` to be fitted.
//! - [`fit`] / [`Forecaster::fit_into`]: a [`Fit`] with the point forecasts, the in-sample
//!   one-step fitted values and residuals, the one-step error standard deviation
//!   ([`Fit::sigma`]) and the lead-time error ([`Fit::lead_time_sigma`]).
//! - [`classify`]: smooth, erratic, intermittent or lumpy by ADI and CV².
//! - [`Forecaster::select`]: holdout choice among candidates, with the scores.
//! - [`mae`], [`rmse`], [`bias`], [`mase`], [`rmsse`]: accuracy.
//!
//! ```
//! use milkrun_inventory::forecast::{classify, DemandClass, Forecaster, LeadTimeSigmaSource, SelectionConfig};
//!
//! // 8 weeks of daily demand for a slow mover.
//! let y = [
//!     0., 0., 3., 0., 4., 0., 0., 5., 0., 3., 0., 0., 0., 4., 0., 5., 0., 0., 3., 4., 0., 0., 0., 6., 0., 4., 0., 0.,
//!     5., 0., 0., 3., 0., 0., 4., 0., 0., 2., 0., 5., 0., 0., 4., 0., 3., 0., 0., 0., 5., 0., 4., 0., 0., 3., 0., 4.,
//! ];
//! assert_eq!(classify(&y)?.class, DemandClass::Intermittent);
//!
//! let mut forecaster = Forecaster::new();
//! let selection = forecaster.select(&y, &SelectionConfig { holdout: 14, ..SelectionConfig::default() })?;
//! let fit = &selection.fit;
//! let daily = fit.forecast(7); // flat for the intermittent methods
//! assert!(daily.iter().all(|&d| d > 0.0 && d < 3.0));
//!
//! // Safety stock inputs over a 5-day lead time: mean demand and error standard deviation.
//! let mean = fit.lead_time_demand(5);
//! let sigma = fit.lead_time_sigma(&y, 5, 30)?;
//! assert!(mean > 0.0 && sigma.sigma > 0.0);
//! assert!(matches!(sigma.source, LeadTimeSigmaSource::Empirical { .. }));
//! # Ok::<(), milkrun_inventory::InventoryError>(())
//! ```
//!
//! # Conventions
//!
//! The intermittent methods and SES follow statsforecast 2.1.1 (Nixtla), whose one-step
//! forecasts and fitted values the unit tests match to 1e-6:
//!
//! - A demand is a value `> 0`. The inter-demand interval of a demand counts the periods since
//!   the previous demand, the first one from the start of the series (a first demand in 0-based
//!   period `t` has interval `t + 1`).
//! - Simple exponential smoothing starts its level at the first value; the first period has no
//!   fitted value.
//! - Croston's sizes and intervals are smoothed separately, each started at its first value;
//!   [`Method::CROSTON`] uses 0.1 for both (statsforecast's `CrostonClassic`),
//!   [`Method::CROSTON_OPTIMIZED`] fits each by golden-section search on `[0.1, 0.3]`
//!   (`CrostonOptimized`). SBA multiplies by `1 - alpha_i / 2`: 0.95 with 0.1.
//! - TSB smooths the 0/1 demand indicator every period, started at the first period's indicator,
//!   and the sizes in demand periods.
//! - ADIDA's aggregation level `k` is the mean inter-demand interval rounded half to even (as
//!   Python's `round`); the `n % k` oldest periods are dropped, the sums of the buckets of `k`
//!   periods smoothed with a constant fitted by golden section on `[0.1, 0.3]`, and the
//!   forecast divided by `k`. IMAPA averages ADIDA's forecasts at levels `1..=k`.
//! - A series without demand forecasts 0 with every method.
//!
//! Where this module differs:
//!
//! - Forecasts and fitted values are clamped at 0: demand is non-negative. Only Holt and
//!   Holt-Winters can go below 0 on non-negative data; statsforecast would not clamp.
//! - Fitted values use the constants fitted on the whole series; statsforecast refits
//!   `CrostonOptimized`, `ADIDA` and `IMAPA` on every prefix to produce them (quadratic cost).
//!   ADIDA's fitted value of a period is the forecast of its bucket made at the bucket's start,
//!   divided by `k` (see [`Fit`]).
//! - Minimum lengths: every method needs one in-sample fitted value (two observations for SES,
//!   which statsforecast forecasts from one), ADIDA and IMAPA two full buckets at the top level
//!   (statsforecast forecasts from one).
//! - statsforecast's `Holt` and `HoltWinters` are ETS models with optimised initial states;
//!   here they are the classical recursions (Hyndman & Athanasopoulos, *Forecasting: Principles
//!   and Practice*, 2nd ed., §7.2-7.3, as statsmodels' `ExponentialSmoothing`) from a heuristic
//!   initial state: for Holt level `y[1]` and trend `y[1] - y[0]`; for Holt-Winters the first two
//!   seasons (see [`Method::HoltWinters`]). Their constants minimise the in-sample squared error
//!   on `[0.01, 0.99]` (the bounds of statsforecast's `SimpleExponentialSmoothingOptimized`).
//!
//! # Batch use
//!
//! With every constant given, a fit is one pass over the series (IMAPA: one per level) plus the
//! input check, with no allocation when a [`Forecaster`] and a [`Fit`] are reused through
//! [`Forecaster::fit_into`]; give each thread its own pair. Fitting constants multiplies the
//! passes (about 60 for SES, 55 per fitted intermittent component, 400 for Holt, 700 for
//! Holt-Winters) and [`Forecaster::select`] fits every candidate twice over, so fit constants
//! and select models on a slower cadence than the daily forecast, then fit the chosen methods
//! with their constants fixed.
//!
//! # References
//!
//! - R. G. Brown, *Statistical Forecasting for Inventory Control*, McGraw-Hill, 1959 (SES).
//! - C. C. Holt, "Forecasting seasonals and trends by exponentially weighted moving averages",
//!   ONR Memorandum 52, 1957; reprinted in *International Journal of Forecasting* 20(1), 5-10,
//!   2004.
//! - P. R. Winters, "Forecasting sales by exponentially weighted moving averages", *Management
//!   Science* 6(3), 324-342, 1960.
//! - J. D. Croston, "Forecasting and stock control for intermittent demands", *Operational
//!   Research Quarterly* 23(3), 289-303, 1972.
//! - A. A. Syntetos, J. E. Boylan, "The accuracy of intermittent demand estimates",
//!   *International Journal of Forecasting* 21(2), 303-314, 2005 (SBA).
//! - R. H. Teunter, A. A. Syntetos, M. Z. Babai, "Intermittent demand: Linking forecasting to
//!   inventory obsolescence", *European Journal of Operational Research* 214(3), 606-615, 2011
//!   (TSB).
//! - K. Nikolopoulos, A. A. Syntetos, J. E. Boylan, F. Petropoulos, V. Assimakopoulos, "An
//!   aggregate-disaggregate intermittent demand approach (ADIDA) to forecasting: an empirical
//!   proposition and analysis", *Journal of the Operational Research Society* 62(3), 544-554,
//!   2011.
//! - F. Petropoulos, N. Kourentzes, "Forecast combinations for intermittent demand", *Journal
//!   of the Operational Research Society* 66(6), 914-924, 2015 (IMAPA).
//! - J. Kiefer, "Sequential minimax search for a maximum", *Proceedings of the American
//!   Mathematical Society* 4(3), 502-506, 1953 (golden-section search).

mod classify;
mod fit;
mod intermittent;
mod method;
mod metrics;
mod search;
mod select;
mod smoothing;

pub use self::classify::{classify, Classification, DemandClass, ADI_CUTOFF, CV2_CUTOFF};
pub use self::fit::{Fit, Forecaster, LeadTimeSigma, LeadTimeSigmaSource};
pub use self::method::{Method, DEFAULT_SEASON_LENGTH};
pub use self::metrics::{bias, mae, mase, rmse, rmsse, Metric};
pub use self::select::{default_candidates, CandidateScore, Selection, SelectionConfig};

use crate::InventoryError;

/// The largest demand a series may hold: squares and sums of squares of larger values could
/// overflow `f64`.
pub const MAX_DEMAND: f64 = 1e100;

/// Fits `method` to the series `y` with a fresh [`Forecaster`]; for many series, reuse one
/// through [`Forecaster::fit_into`].
///
/// # Arguments
///
/// * `y`: demand per period, oldest first; finite, non-negative, at most [`MAX_DEMAND`].
/// * `method`: the method; constants left `None` are fitted (see [`Forecaster::fit_into`]).
///
/// # Returns
///
/// The [`Fit`]: forecasts, fitted values, residuals, one-step sigma.
///
/// # Errors
///
/// As [`Forecaster::fit_into`].
///
/// # Complexity
///
/// As [`Forecaster::fit_into`], plus the allocation of the buffers.
///
/// # Example
///
/// ```
/// use milkrun_inventory::forecast::{fit, Method};
///
/// let y = [0.0, 0.0, 3.0, 0.0, 4.0, 0.0, 0.0, 5.0];
/// let f = fit(&y, &Method::CROSTON)?; // sizes 3, 4, 5 every 3, 2, 3 periods
/// assert!((f.forecast(1)[0] - 3.29 / 2.91).abs() < 1e-12);
/// assert_eq!(f.fitted().len(), y.len() - f.offset());
/// # Ok::<(), milkrun_inventory::InventoryError>(())
/// ```
///
/// # Reference
///
/// The papers of each method are listed in the [module documentation](self).
pub fn fit(y: &[f64], method: &Method) -> Result<Fit, InventoryError> {
    Forecaster::new().fit(y, method)
}

/// Checks a demand series: every value finite, non-negative, at most [`MAX_DEMAND`].
fn check_series(name: &str, y: &[f64]) -> Result<(), InventoryError> {
    // Branch-free fast path (it vectorises); the loop below only runs to name the culprit.
    #[allow(clippy::manual_range_contains)] // `contains` does not vectorise
    let all_valid = y.iter().fold(true, |ok, &v| ok & (v >= 0.0) & (v <= MAX_DEMAND));
    if all_valid {
        return Ok(());
    }
    for (i, &v) in y.iter().enumerate() {
        if !(0.0..=MAX_DEMAND).contains(&v) {
            let why = if v.is_nan() {
                "demand must be a number, got NaN".to_string()
            } else if v < 0.0 {
                format!("demand must be non-negative, got {v}")
            } else {
                format!("demand must be finite and at most {MAX_DEMAND:e}, got {v}")
            };
            return Err(InventoryError::invalid(format!("{name}[{i}]"), why));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The three reference series: intermittent (ADI 2.69, CV² 0.051), lumpy (ADI 4.11,
    /// CV² 1.04), smooth with a weekly season and a trend (ADI 1, CV² 0.077).
    const INTERMITTENT: [f64; 36] = [
        0., 0., 3., 0., 4., 0., 0., 5., 0., 3., 0., 0., 0., 4., 0., 5., 0., 0., 3., 4., 0., 0., 0., 6., 0., 4., 0., 0.,
        5., 0., 0., 3., 0., 0., 4., 0.,
    ];
    const LUMPY: [f64; 40] = [
        0., 0., 0., 12., 0., 0., 1., 0., 0., 0., 0., 25., 0., 2., 0., 0., 0., 0., 0., 0., 18., 0., 0., 3., 0., 0., 0.,
        40., 0., 0., 1., 0., 0., 0., 0., 0., 9., 0., 0., 0.,
    ];
    const SMOOTH: [f64; 42] = [
        21., 19., 24., 30., 34., 45., 38., 23., 22., 26., 31., 37., 47., 40., 25., 23., 28., 33., 38., 50., 43., 26.,
        25., 30., 35., 40., 52., 44., 28., 26., 31., 37., 42., 54., 46., 29., 28., 33., 38., 44., 56., 48.,
    ];

    // In-sample fitted values `fitted[1..]` of statsforecast 2.1.1 (CrostonClassic(), CrostonSBA(),
    // TSB(alpha_d=0.2, alpha_p=0.1), SimpleExponentialSmoothing(alpha=0.3)):
    // `m.forecast(y=y, h=1, fitted=True)["fitted"][1:]`. Holt and Holt-Winters from statsmodels
    // 0.15.0 with this module's initial state passed as known (statsforecast has no fixed-parameter
    // Holt or Holt-Winters: its versions are ETS models whose initial states are optimised):
    //
    // ```python
    // from statsmodels.tsa.holtwinters import ExponentialSmoothing
    // y = np.asarray(SMOOTH, dtype=float)
    // r = ExponentialSmoothing(y[2:], trend="add", initialization_method="known",
    //         initial_level=y[1], initial_trend=y[1] - y[0]).fit(
    //         smoothing_level=0.3, smoothing_trend=0.1, optimized=False)
    // HOLT_FITTED, HOLT_FORECAST = r.fittedvalues, r.forecast(3)
    // m = 7; m1 = y[:m].mean(); b = (y[m:2*m].mean() - m1) / m; l = m1 + b * (m - 1) / 2
    // s = [y[j] - (m1 + b * (j - (m - 1) / 2)) for j in range(m)]
    // r = ExponentialSmoothing(y[m:], trend="add", seasonal="add", seasonal_periods=m,
    //         initialization_method="known", initial_level=l, initial_trend=b,
    //         initial_seasonal=s).fit(smoothing_level=0.3, smoothing_trend=0.1,
    //         smoothing_seasonal=0.2, optimized=False)
    // HW_FITTED, HW_FORECAST = r.fittedvalues, r.forecast(10)
    // ```
    //
    // Except HW_FORECAST[6] (7 = m steps ahead): statsmodels 0.15.0 gives 49.725991033770406 there,
    // because its `_predict` (`s[nobs + m - 1:] = [s[(nobs - 1) + j % m] ...]`) overwrites the
    // seasonal index updated by the last observation with the one of a season earlier, at every
    // step that is a multiple of m. The value below is the plain recursion's
    // `l + 7 b + s[n - 1]`, computed in Python from the same state.
    #[rustfmt::skip]
    const INTERMITTENT_CROSTON_FITTED: [f64; 35] = [
        0.0, 0.0, 1.0, 1.0, 1.0689655172413792, 1.0689655172413792, 1.0689655172413792, 1.1305841924398625,
        1.1305841924398625, 1.1567931890741396, 1.1567931890741396, 1.1567931890741396, 1.1567931890741396,
        1.1354397194511592, 1.1354397194511592, 1.231420944717397, 1.231420944717397, 1.231420944717397,
        1.2071379629114696, 1.3116164366486691, 1.3116164366486691, 1.3116164366486691, 1.3116164366486691,
        1.3384724436623383, 1.3384724436623383, 1.3870205033535774, 1.3870205033535774, 1.3870205033535774,
        1.4174971760841062, 1.4174971760841062, 1.4174971760841062, 1.3724021764969638, 1.3724021764969638,
        1.3724021764969638, 1.3682157893286069,
    ];
    #[rustfmt::skip]
    const INTERMITTENT_SBA_FITTED: [f64; 35] = [
        0.0, 0.0, 0.95, 0.95, 1.0155172413793103, 1.0155172413793103, 1.0155172413793103, 1.0740549828178694,
        1.0740549828178694, 1.0989535296204327, 1.0989535296204327, 1.0989535296204327, 1.0989535296204327,
        1.0786677334786012, 1.0786677334786012, 1.169849897481527, 1.169849897481527, 1.169849897481527,
        1.146781064765896, 1.2460356148162357, 1.2460356148162357, 1.2460356148162357, 1.2460356148162357,
        1.2715488214792214, 1.2715488214792214, 1.3176694781858984, 1.3176694781858984, 1.3176694781858984,
        1.3466223172799008, 1.3466223172799008, 1.3466223172799008, 1.3037820676721157, 1.3037820676721157,
        1.3037820676721157, 1.2998049998621766,
    ];
    #[rustfmt::skip]
    const INTERMITTENT_TSB_FITTED: [f64; 35] = [
        0.0, 0.0, 0.30000000000000004, 0.2700000000000001, 0.5792, 0.5212800000000001, 0.46915200000000007,
        0.8257384400000002, 0.7431645960000002, 0.9926057231200002, 0.8933451508080004, 0.8040106357272002,
        0.7236095721544803, 1.0279406587584259, 0.9251465928825834, 1.2847680857677501, 1.1562912771909752,
        1.0406621494718777, 1.2631018093312398, 1.530928336772278, 1.3778355030950502, 1.2400519527855451,
        1.1160467575069908, 1.5450228999370665, 1.3905206099433598, 1.655399762446517, 1.4898597862018654,
        1.340873807581679, 1.6882692691083594, 1.5194423421975234, 1.3674981079777708, 1.5612918269580043,
        1.4051626442622038, 1.2646463798359835, 1.5395949532338293,
    ];
    #[rustfmt::skip]
    const INTERMITTENT_SES_FITTED: [f64; 35] = [
        0.0, 0.0, 0.8999999999999999, 0.6299999999999999, 1.6409999999999998, 1.1486999999999998, 0.8040899999999999,
        2.062863, 1.4440041, 1.9108028699999997, 1.3375620089999998, 0.9362934062999998, 0.6554053844099998,
        1.6587837690869998, 1.1611486383608998, 2.3128040468526296, 1.6189628327968406, 1.1332739829577883,
        1.6932917880704517, 2.385304251649316, 1.6697129761545213, 1.1687990833081647, 0.8181593583157153,
        2.3727115508210006, 1.6608980855747004, 2.36262865990229, 1.653840061931603, 1.157688043352122,
        2.3103816303464852, 1.6172671412425397, 1.1320869988697777, 1.6924608992088443, 1.184722629446191,
        0.8293058406123337, 1.7805140884286335,
    ];
    #[rustfmt::skip]
    const LUMPY_CROSTON_FITTED: [f64; 39] = [
        0.0, 0.0, 0.0, 3.0, 3.0, 3.0, 2.7948717948717947, 2.7948717948717947, 2.7948717948717947, 2.7948717948717947,
        2.7948717948717947, 3.0698254364089776, 3.0698254364089776, 2.961144657390391, 2.961144657390391,
        2.961144657390391, 2.961144657390391, 2.961144657390391, 2.961144657390391, 2.961144657390391,
        2.8950606816695332, 2.8950606816695332, 2.8950606816695332, 2.7534723519347297, 2.7534723519347297,
        2.7534723519347297, 2.7534723519347297, 3.4756406771603987, 3.4756406771603987, 3.4756406771603987,
        3.234689894647124, 3.234689894647124, 3.234689894647124, 3.234689894647124, 3.234689894647124,
        3.234689894647124, 2.9821354272147778, 2.9821354272147778, 2.9821354272147778,
    ];
    #[rustfmt::skip]
    const LUMPY_SBA_FITTED: [f64; 39] = [
        0.0, 0.0, 0.0, 2.8499999999999996, 2.8499999999999996, 2.8499999999999996, 2.655128205128205, 2.655128205128205,
        2.655128205128205, 2.655128205128205, 2.655128205128205, 2.9163341645885286, 2.9163341645885286,
        2.8130874245208712, 2.8130874245208712, 2.8130874245208712, 2.8130874245208712, 2.8130874245208712,
        2.8130874245208712, 2.8130874245208712, 2.7503076475860566, 2.7503076475860566, 2.7503076475860566,
        2.615798734337993, 2.615798734337993, 2.615798734337993, 2.615798734337993, 3.3018586433023787,
        3.3018586433023787, 3.3018586433023787, 3.0729553999147674, 3.0729553999147674, 3.0729553999147674,
        3.0729553999147674, 3.0729553999147674, 3.0729553999147674, 2.8330286558540387, 2.8330286558540387,
        2.8330286558540387,
    ];
    #[rustfmt::skip]
    const LUMPY_TSB_FITTED: [f64; 39] = [
        0.0, 0.0, 0.0, 1.2000000000000002, 1.0800000000000003, 0.9720000000000003, 1.6944200000000005,
        1.5249780000000004, 1.3724802000000005, 1.2352321800000006, 1.1117089620000007, 2.5949090576400007,
        2.335418151876001, 2.8141800829547208, 2.532762074659249, 2.279485867193324, 2.0515372804739918,
        1.8463835524265926, 1.6617451971839332, 1.4955706774655397, 2.7446234547718484, 2.4701611092946636,
        2.223144998365197, 2.7305797857130365, 2.457521807141733, 2.2117696264275595, 1.9905926637848037,
        4.448154938439602, 4.0033394445956425, 3.6030055001360783, 3.953924050276854, 3.5585316452491687,
        3.202678480724252, 2.8824106326518266, 2.5941695693866444, 2.33475261244798, 3.203469421964042,
        2.883122479767638, 2.594810231790874,
    ];
    #[rustfmt::skip]
    const LUMPY_SES_FITTED: [f64; 39] = [
        0.0, 0.0, 0.0, 3.5999999999999996, 2.5199999999999996, 1.7639999999999996, 1.5347999999999997,
        1.0743599999999998, 0.7520519999999998, 0.5264363999999998, 0.36850547999999983, 7.7579538359999995,
        5.4305676852, 4.40139737964, 3.0809781657479998, 2.1566847160236, 1.5096793012165197, 1.0567755108515637,
        0.7397428575960946, 0.5178200003172662, 5.762474000222086, 4.03373180015546, 2.8236122601088214,
        2.876528582076175, 2.013570007453322, 1.4094990052173253, 0.9866493036521277, 12.69065451255649,
        8.883458158789542, 6.218420711152679, 4.652894497806875, 3.257026148464812, 2.2799183039253683,
        1.5959428127477577, 1.1171599689234304, 0.7820119782464012, 3.2474083847724806, 2.273185869340736,
        1.5912301085385152,
    ];
    #[rustfmt::skip]
    const HOLT_FITTED: [f64; 40] = [
        17.0, 17.31, 19.707699999999996, 23.014858999999994, 29.289424529999994, 31.842937665099996, 28.865108729716994,
        26.274675213057385, 25.653131495003937, 26.8784569475164, 29.83983105584964, 35.427598000007414,
        37.37620692091764, 33.868946957927264, 30.487796575096183, 29.546357409861542, 30.49095927190145,
        32.877451797172334, 38.661673010946785, 40.74077767026049, 36.65392760167227, 33.14351472561035,
        32.0919202705987, 32.94304654397258, 35.25054353901512, 40.96827512937445, 42.661638988744734, 38.6071445206416,
        34.79078405735015, 33.50560821132564, 34.51081687276871, 36.9391384295958, 42.750789366486885,
        44.51642134131604, 40.186871083456964, 36.4905797704519, 35.2984584582348, 36.045019785935786,
        38.60626212174841, 44.520943893164784,
    ];
    #[rustfmt::skip]
    const HOLT_FORECAST: [f64; 3] = [
        46.36559281636131, 47.16652490750727, 47.967456998653226,
    ];
    #[rustfmt::skip]
    const HW_FITTED: [f64; 35] = [
        23.142857142857146, 21.095714285714283, 26.389842857142856, 32.28403757142857, 35.87145274428572,
        47.21649978295714, 40.151537716538435, 25.215803852834892, 23.349458889800218, 27.96427936326766,
        33.7757120852254, 37.98179953632478, 48.67508039284175, 42.082126401636394, 27.48303488948624,
        25.200444861305627, 29.932131122725323, 35.58701189376786, 40.01024303914198, 50.95723249548323,
        44.1906569306201, 28.73800190522895, 26.91696811051345, 31.44739277996243, 36.76129368498379,
        41.516940395540296, 52.806668164623844, 45.827239352846966, 30.373705474054994, 28.30666112875901,
        33.112895929421384, 38.67320358469387, 43.185628562327835, 54.708224261656575, 47.54858763431243,
    ];
    #[rustfmt::skip]
    const HW_FORECAST: [f64; 10] = [
        31.872088849582425, 30.474508982527006, 35.46463896251225, 41.00328454426693, 46.091912388033364,
        57.51797315931564, 49.81627350690792, 33.91406853933413, 32.51648867227871, 37.50661865226395,
    ];

    /// `|a - b| <= 1e-6 * max(|b|, 1)`: 1e-6 relative, 1e-6 absolute near 0.
    #[track_caller]
    fn close(a: f64, b: f64, what: &str) {
        assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{what}: got {a}, expected {b}");
    }

    #[track_caller]
    fn close_all(a: &[f64], b: &[f64], what: &str) {
        assert_eq!(a.len(), b.len(), "{what}: lengths");
        for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
            close(x, y, &format!("{what}[{i}]"));
        }
    }

    fn one_step(y: &[f64], method: Method) -> f64 {
        fit(y, &method).unwrap().forecast(1)[0]
    }

    /// statsforecast 2.1.1 one-step forecasts, in the order CrostonClassic(), CrostonSBA(),
    /// CrostonOptimized(), TSB(alpha_d=0.2, alpha_p=0.1), ADIDA(), IMAPA(),
    /// SimpleExponentialSmoothing(alpha=0.3), SimpleExponentialSmoothingOptimized(), from
    /// `/work/peers/bin/python`:
    ///
    /// ```python
    /// import numpy as np
    /// from statsforecast.models import *
    /// for y in (INTERMITTENT, LUMPY, SMOOTH):
    ///     y = np.asarray(y, dtype=float)
    ///     print([repr(float(m.forecast(y=y, h=1)["mean"][0])) for m in models])
    /// ```
    const STATSFORECAST: [(&[f64], [f64; 8]); 3] = [
        (
            &INTERMITTENT,
            [
                1.3682157893286069,
                1.2998049998621766,
                1.4513843128076838,
                1.3856354579104464,
                1.4142187038901175,
                1.4058496247096908,
                1.2463598619000433,
                1.3896405511603471,
            ],
        ),
        (
            &LUMPY,
            [
                2.9821354272147778,
                2.8330286558540387,
                2.9821354272146334,
                2.3353292086117867,
                2.817233259749463,
                2.619449281166209,
                1.1138610759769605,
                2.1422744739142376,
            ],
        ),
        (
            &SMOOTH,
            [
                39.55291757698576,
                37.575271698136476,
                44.89553669720736,
                42.722347359584646,
                44.89553669720736,
                44.89553669720736,
                44.8955366972136,
                48.078793949504046,
            ],
        ),
    ];

    #[test]
    fn forecasts_match_statsforecast() {
        let methods = [
            Method::CROSTON,
            Method::SBA,
            Method::CROSTON_OPTIMIZED,
            Method::Tsb { alpha_d: Some(0.2), alpha_p: Some(0.1) },
            Method::ADIDA,
            Method::IMAPA,
            Method::Ses { alpha: Some(0.3) },
            Method::SES,
        ];
        for (s, (y, expected)) in STATSFORECAST.iter().enumerate() {
            for (method, &e) in methods.iter().zip(expected) {
                close(one_step(y, *method), e, &format!("series {s}, {method}"));
            }
        }
    }

    #[test]
    fn fitted_values_match_statsforecast() {
        let tsb = Method::Tsb { alpha_d: Some(0.2), alpha_p: Some(0.1) };
        let ses = Method::Ses { alpha: Some(0.3) };
        let cases: [(&[f64], Method, &[f64]); 8] = [
            (&INTERMITTENT, Method::CROSTON, &INTERMITTENT_CROSTON_FITTED),
            (&INTERMITTENT, Method::SBA, &INTERMITTENT_SBA_FITTED),
            (&INTERMITTENT, tsb, &INTERMITTENT_TSB_FITTED),
            (&INTERMITTENT, ses, &INTERMITTENT_SES_FITTED),
            (&LUMPY, Method::CROSTON, &LUMPY_CROSTON_FITTED),
            (&LUMPY, Method::SBA, &LUMPY_SBA_FITTED),
            (&LUMPY, tsb, &LUMPY_TSB_FITTED),
            (&LUMPY, ses, &LUMPY_SES_FITTED),
        ];
        for (y, method, expected) in cases {
            let f = fit(y, &method).unwrap();
            assert_eq!(f.offset(), 1);
            close_all(f.fitted(), expected, &method.to_string());
            for ((r, &v), &p) in f.residuals().iter().zip(&y[1..]).zip(f.fitted()) {
                assert_eq!(*r, v - p);
            }
        }
    }

    #[test]
    fn ses_sigma_matches_statsforecast() {
        // SimpleExponentialSmoothing(alpha=0.3).fit(y).model_["sigma"]
        let ses = Method::Ses { alpha: Some(0.3) };
        for (y, sigma) in
            [(&INTERMITTENT[..], 2.396662169778867), (&LUMPY, 9.015790269780686), (&SMOOTH, 9.70676933749971)]
        {
            close(fit(y, &ses).unwrap().sigma(), sigma, "sigma");
        }
    }

    #[test]
    fn holt_and_holt_winters_match_statsmodels() {
        let holt = fit(&SMOOTH, &Method::Holt { alpha: Some(0.3), beta: Some(0.1) }).unwrap();
        assert_eq!(holt.offset(), 2);
        close_all(holt.fitted(), &HOLT_FITTED, "Holt fitted");
        close_all(&holt.forecast(3), &HOLT_FORECAST, "Holt forecast");
        let hw = Method::HoltWinters { season_length: 7, alpha: Some(0.3), beta: Some(0.1), gamma: Some(0.2) };
        let hw = fit(&SMOOTH, &hw).unwrap();
        assert_eq!(hw.offset(), 7);
        close_all(hw.fitted(), &HW_FITTED, "Holt-Winters fitted");
        close_all(&hw.forecast(10), &HW_FORECAST, "Holt-Winters forecast");
    }

    #[test]
    fn holt_by_hand() {
        // Level 3, trend 2 after [1, 3]; 4 arrives against a forecast of 5: level 0.5*4 + 0.5*5 =
        // 4.5, trend 0.5*1.5 + 0.5*2 = 1.75; 8 against 6.25: level 7.125, trend 2.1875.
        let f = fit(&[1.0, 3.0, 4.0, 8.0], &Method::Holt { alpha: Some(0.5), beta: Some(0.5) }).unwrap();
        assert_eq!(f.fitted(), [5.0, 6.25]);
        assert_eq!(f.residuals(), [-1.0, 1.75]);
        assert_eq!(f.forecast(2), [9.3125, 11.5]);
        assert_eq!(f.sigma(), (4.0625f64 / 2.0).sqrt());
        assert_eq!(f.lead_time_demand(2), 9.3125 + 11.5);
        // A falling trend is clamped at 0.
        let down = fit(&[9.0, 6.0, 3.0], &Method::Holt { alpha: Some(1.0), beta: Some(1.0) }).unwrap();
        assert_eq!(down.forecast(3), [0.0, 0.0, 0.0]);
    }

    #[test]
    fn holt_winters_by_hand() {
        // m = 2 on [1, 3 | 3, 5 | 4, 7]: season means 2 and 4, trend (4 - 2) / 2 = 1, level
        // 2 + 1 * 0.5 = 2.5, indices 1 - 1.5 = -0.5 and 3 - 2.5 = 0.5. With every constant 0.5:
        // t=2: 3.5 - 0.5 = 3 (l 3.5, b 1, s0 -0.5); t=3: 4.5 + 0.5 = 5 (l 4.5, b 1, s1 0.5);
        // t=4: 5.5 - 0.5 = 5 (l 5, b 0.75, s0 -1); t=5: 5.75 + 0.5 = 6.25 (l 6.125, b 0.9375,
        // s1 0.875).
        let hw = Method::HoltWinters { season_length: 2, alpha: Some(0.5), beta: Some(0.5), gamma: Some(0.5) };
        let f = fit(&[1.0, 3.0, 3.0, 5.0, 4.0, 7.0], &hw).unwrap();
        assert_eq!(f.fitted(), [3.0, 5.0, 5.0, 6.25]);
        assert_eq!(f.forecast(3), [6.125 + 0.9375 - 1.0, 6.125 + 2.0 * 0.9375 + 0.875, 6.125 + 3.0 * 0.9375 - 1.0]);
    }

    #[test]
    fn adida_and_imapa_by_hand() {
        // Demands in periods 1, 3, 6: mean interval 7 / 3 rounds to k = 2; bucket sums
        // [2, 4, 0, 1]; SES(0.5) levels 2, 3, 1.5, 1.25.
        let y = [0.0, 2.0, 0.0, 4.0, 0.0, 0.0, 1.0, 0.0];
        let adida = fit(&y, &Method::Adida { alpha: Some(0.5) }).unwrap();
        assert_eq!(adida.aggregation_level(), Some(2));
        assert_eq!(adida.offset(), 2);
        assert_eq!(adida.fitted(), [1.0, 1.0, 1.5, 1.5, 0.75, 0.75]);
        assert_eq!(adida.forecast(2), [0.625, 0.625]);
        // Level 1 is SES(0.5) of y: one-step forecasts 1, 0.5, 2.25, 1.125, 0.5625, 0.78125 from
        // period 2, then 0.390625; IMAPA averages the two levels.
        let imapa = fit(&y, &Method::Imapa { alpha: Some(0.5) }).unwrap();
        assert_eq!(imapa.offset(), 2);
        assert_eq!(imapa.fitted(), [1.0, 0.75, 1.875, 1.3125, 0.65625, 0.765625]);
        assert_eq!(imapa.forecast(1), [(0.390625 + 0.625) / 2.0]);
    }

    #[test]
    fn fitted_constants_are_reported() {
        let f = fit(&SMOOTH, &Method::holt_winters(7)).unwrap();
        let Method::HoltWinters { alpha: Some(a), beta: Some(b), gamma: Some(g), .. } = f.method() else {
            panic!("{}", f.method())
        };
        for c in [a, b, g] {
            assert!((0.01..=0.99).contains(&c));
        }
        // The search never does worse than a grid point.
        let grid = fit(
            &SMOOTH,
            &Method::HoltWinters { season_length: 7, alpha: Some(0.01), beta: Some(0.01), gamma: Some(0.01) },
        );
        assert!(f.sigma() <= grid.unwrap().sigma());
        // SES as statsforecast's SimpleExponentialSmoothingOptimized: alpha 0.08628193945059481.
        let Method::Ses { alpha: Some(a) } = fit(&INTERMITTENT, &Method::SES).unwrap().method() else { panic!() };
        assert!((a - 0.08628193945059481).abs() < 1e-7, "{a}");
        // Without demand nothing can be fitted: the constants stay None, the forecast is 0.
        let zero = fit(&[0.0; 10], &Method::CROSTON_OPTIMIZED).unwrap();
        assert_eq!(zero.method(), Method::CROSTON_OPTIMIZED);
        assert_eq!(zero.forecast(1), [0.0]);
    }

    #[test]
    fn series_without_demand_forecast_zero_with_every_method() {
        for method in every_method() {
            let f = fit(&[0.0; 20], &method).unwrap();
            assert_eq!(f.forecast(3), [0.0; 3], "{method}");
            assert_eq!(f.sigma(), 0.0);
        }
    }

    #[test]
    fn refitting_into_a_used_fit_equals_a_fresh_fit() {
        let mut forecaster = Forecaster::new();
        let mut reused = Fit::default();
        for method in every_method() {
            for y in [&SMOOTH[..], &LUMPY, &INTERMITTENT[..20]] {
                let fresh = fit(y, &method);
                let again = forecaster.fit_into(y, &method, &mut reused).map(|()| reused.clone());
                assert_eq!(fresh, again, "{method}");
            }
        }
    }

    #[test]
    fn invalid_input_is_a_typed_error() {
        let bad = |r: Result<Fit, InventoryError>, item: &str| match r {
            Err(InventoryError::InvalidParameter { item: i, .. }) => assert_eq!(i, item),
            other => panic!("{other:?}"),
        };
        bad(fit(&[1.0, f64::NAN], &Method::SES), "y[1]");
        bad(fit(&[1.0, -2.0], &Method::SES), "y[1]");
        bad(fit(&[f64::INFINITY, 2.0], &Method::SES), "y[0]");
        bad(fit(&[1e101, 2.0], &Method::SES), "y[0]");
        bad(fit(&[1.0, 2.0], &Method::Ses { alpha: Some(1.5) }), "alpha");
        bad(fit(&[1.0, 2.0], &Method::Tsb { alpha_d: Some(0.1), alpha_p: Some(f64::NAN) }), "alpha_p");
        bad(fit(&SMOOTH, &Method::holt_winters(1)), "season_length");
        let short = |r: Result<Fit, InventoryError>, n: usize| match r {
            Err(InventoryError::InsufficientData { needed, .. }) => assert_eq!(needed, n),
            other => panic!("{other:?}"),
        };
        short(fit(&[], &Method::SES), 2);
        short(fit(&[1.0], &Method::CROSTON), 2);
        short(fit(&[1.0, 2.0], &Method::HOLT), 3);
        short(fit(&SMOOTH[..13], &Method::holt_winters(7)), 14);
        // A single demand in period 5: mean interval 6, two buckets need 12 periods.
        short(fit(&[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0], &Method::ADIDA), 12);
        short(fit(&[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0], &Method::IMAPA), 12);
    }

    /// The lead-time error of SES(0.4) from origin `t`, computed from scratch.
    fn ses_lead_time_errors(y: &[f64], alpha: f64, lead_time: usize) -> Vec<f64> {
        (0..y.len() - lead_time)
            .map(|t| {
                let level = y[1..=t].iter().fold(y[0], |l, &v| alpha * v + (1.0 - alpha) * l);
                y[t + 1..=t + lead_time].iter().sum::<f64>() - lead_time as f64 * level
            })
            .collect()
    }

    /// Holt-Winters written out with one array per component, as an oracle of the replay.
    fn holt_winters_lead_time_errors(y: &[f64], m: usize, (a, b, g): (f64, f64, f64), lead: usize) -> Vec<f64> {
        let n = y.len();
        let (mut l, mut tr, mut s) = (vec![0.0; n], vec![0.0; n], vec![0.0; n + m]);
        let m1 = y[..m].iter().sum::<f64>() / m as f64;
        let m2 = y[m..2 * m].iter().sum::<f64>() / m as f64;
        tr[m - 1] = (m2 - m1) / m as f64;
        let c = (m as f64 - 1.0) / 2.0;
        l[m - 1] = m1 + tr[m - 1] * c;
        for j in 0..m {
            s[j] = y[j] - (m1 + tr[m - 1] * (j as f64 - c));
        }
        for t in m..n {
            l[t] = a * (y[t] - s[t - m]) + (1.0 - a) * (l[t - 1] + tr[t - 1]);
            tr[t] = b * (l[t] - l[t - 1]) + (1.0 - b) * tr[t - 1];
            s[t] = g * (y[t] - l[t - 1] - tr[t - 1]) + (1.0 - g) * s[t - m];
        }
        (m - 1..n - lead)
            .map(|t| {
                let forecast: f64 = (1..=lead)
                    .map(|j| {
                        // The latest index, at most t, of the phase of t + j.
                        let k = t + j - m * j.div_ceil(m);
                        (l[t] + j as f64 * tr[t] + s[k]).max(0.0)
                    })
                    .sum();
                y[t + 1..=t + lead].iter().sum::<f64>() - forecast
            })
            .collect()
    }

    fn rms(errors: &[f64]) -> f64 {
        (errors.iter().map(|e| e * e).sum::<f64>() / errors.len() as f64).sqrt()
    }

    #[test]
    fn lead_time_sigma_matches_an_oracle() {
        let f = fit(&LUMPY, &Method::Ses { alpha: Some(0.4) }).unwrap();
        for lead in [1, 3, 7] {
            let errors = ses_lead_time_errors(&LUMPY, 0.4, lead);
            let lt = f.lead_time_sigma_empirical(&LUMPY, lead).unwrap();
            assert_eq!(lt.source, LeadTimeSigmaSource::Empirical { windows: errors.len() });
            close(lt.sigma, rms(&errors), "SES lead-time sigma");
        }
        let params = (0.3, 0.1, 0.2);
        let hw = Method::HoltWinters { season_length: 7, alpha: Some(0.3), beta: Some(0.1), gamma: Some(0.2) };
        let f = fit(&SMOOTH, &hw).unwrap();
        for lead in [1, 5, 14] {
            let errors = holt_winters_lead_time_errors(&SMOOTH, 7, params, lead);
            let lt = f.lead_time_sigma_empirical(&SMOOTH, lead).unwrap();
            assert_eq!(lt.source, LeadTimeSigmaSource::Empirical { windows: errors.len() });
            close(lt.sigma, rms(&errors), "Holt-Winters lead-time sigma");
        }
        // Holt: the forecast from origin t is the forecast of a fit on y[..=t] (origin 1 is the
        // initial state, level y[1] and trend y[1] - y[0]).
        let holt = Method::Holt { alpha: Some(0.3), beta: Some(0.1) };
        let f_holt = fit(&SMOOTH, &holt).unwrap();
        for lead in [1, 4, 9] {
            let errors: Vec<f64> = (1..SMOOTH.len() - lead)
                .map(|t| {
                    let forecast = if t == 1 {
                        (1..=lead).map(|j| (SMOOTH[1] + j as f64 * (SMOOTH[1] - SMOOTH[0])).max(0.0)).sum()
                    } else {
                        fit(&SMOOTH[..=t], &holt).unwrap().lead_time_demand(lead)
                    };
                    SMOOTH[t + 1..=t + lead].iter().sum::<f64>() - forecast
                })
                .collect();
            let lt = f_holt.lead_time_sigma_empirical(&SMOOTH, lead).unwrap();
            assert_eq!(lt.source, LeadTimeSigmaSource::Empirical { windows: errors.len() });
            close(lt.sigma, rms(&errors), "Holt lead-time sigma");
        }
        // One period ahead, the empirical estimate is the one-step sigma.
        close(f.lead_time_sigma_empirical(&SMOOTH, 1).unwrap().sigma, f.sigma(), "L = 1");
    }

    #[test]
    fn lead_time_sigma_falls_back_to_independent_errors() {
        let f = fit(&INTERMITTENT, &Method::CROSTON).unwrap();
        let both = f.lead_time_sigma(&INTERMITTENT, 4, 30).unwrap();
        assert_eq!(both.source, LeadTimeSigmaSource::Empirical { windows: 32 });
        assert_eq!(both, f.lead_time_sigma_empirical(&INTERMITTENT, 4).unwrap());
        let few = f.lead_time_sigma(&INTERMITTENT, 4, 33).unwrap();
        assert_eq!(few, LeadTimeSigma { sigma: f.sigma() * 2.0, source: LeadTimeSigmaSource::Independent });
        assert!(matches!(
            f.lead_time_sigma_empirical(&INTERMITTENT, 36),
            Err(InventoryError::InsufficientData { needed: 37, got: 36, .. })
        ));
        assert!(matches!(f.lead_time_sigma(&LUMPY, 4, 30), Err(InventoryError::InvalidParameter { .. })));
        assert_eq!(f.lead_time_sigma_empirical(&INTERMITTENT, 0).unwrap().sigma, 0.0);
    }

    #[test]
    fn classification_by_adi_and_cv2() {
        let c = classify(&INTERMITTENT).unwrap();
        assert_eq!(c.class, DemandClass::Intermittent);
        close(c.adi, 35.0 / 13.0, "ADI");
        close(c.cv2, 0.05055179779280885, "CV²"); // numpy sizes.var() / sizes.mean()**2
        let c = classify(&LUMPY).unwrap();
        assert_eq!((c.class, c.demand_periods), (DemandClass::Lumpy, 9));
        close(c.cv2, 1.0372534696859022, "CV²");
        assert_eq!(classify(&SMOOTH).unwrap().class, DemandClass::Smooth);
        assert_eq!(classify(&[1.0, 9.0, 1.0, 9.0]).unwrap().class, DemandClass::Erratic);
        // Trailing zeros do not count; a single demand has CV² 0.
        let one = classify(&[0.0, 5.0, 0.0, 0.0, 0.0]).unwrap();
        assert_eq!((one.class, one.adi, one.cv2), (DemandClass::Intermittent, 2.0, 0.0));
        assert_eq!(classify(&[5.0, 0.0, 0.0]).unwrap().class, DemandClass::Smooth);
        let none = classify(&[0.0; 4]).unwrap();
        assert_eq!((none.class, none.adi, none.demand_periods), (DemandClass::NoDemand, f64::INFINITY, 0));
        assert!(matches!(classify(&[]), Err(InventoryError::InsufficientData { .. })));
        // Tiny sizes do not underflow.
        assert_eq!(classify(&[1e-310, 2e-310, 1e-310]).unwrap().class, DemandClass::Smooth);
        // ADI exactly 1.32 (25 demands, the last in period 33) belongs to the lower class.
        let mut y = [1.0; 33];
        for t in [1, 5, 9, 13, 17, 21, 25, 29] {
            y[t] = 0.0;
        }
        let c = classify(&y).unwrap();
        assert_eq!((c.adi, c.class), (ADI_CUTOFF, DemandClass::Smooth));
        let mut longer = [0.0; 34];
        longer[1..].copy_from_slice(&y);
        assert_eq!(classify(&longer).unwrap().class, DemandClass::Intermittent);
    }

    #[test]
    fn metrics() {
        let actual = [1.0, 0.0, 3.0, 4.0];
        let forecast = [2.0, 0.0, 1.0, 4.0];
        assert_eq!(mae(&actual, &forecast).unwrap(), 0.75);
        assert_eq!(rmse(&actual, &forecast).unwrap(), 1.25f64.sqrt());
        assert_eq!(bias(&actual, &forecast).unwrap(), -0.25);
        // Training series from its first non-zero value: [2, 0, 4], naive errors 2 and 4.
        let train = [0.0, 0.0, 2.0, 0.0, 4.0];
        assert_eq!(mase(&actual, &forecast, &train).unwrap(), 0.75 / 3.0);
        assert_eq!(rmsse(&actual, &forecast, &train).unwrap(), (1.25f64 / 10.0).sqrt());
        assert_eq!(Metric::Mase.score(&actual, &forecast, &train), mase(&actual, &forecast, &train));
        assert!(matches!(mase(&actual, &forecast, &[3.0, 3.0, 3.0]), Err(InventoryError::InvalidParameter { .. })));
        assert!(matches!(rmsse(&actual, &forecast, &[0.0, 0.0, 3.0]), Err(InventoryError::InsufficientData { .. })));
        assert!(matches!(mae(&actual, &forecast[..3]), Err(InventoryError::InvalidParameter { .. })));
        assert!(matches!(mae(&[], &[]), Err(InventoryError::InsufficientData { .. })));
        assert!(matches!(rmse(&[f64::NAN], &[1.0]), Err(InventoryError::InvalidParameter { .. })));
        assert!(matches!(rmse(&[1e300], &[-1e300]), Err(InventoryError::InvalidParameter { .. })));
    }

    #[test]
    fn selection_scores_every_candidate_and_refits_the_best() {
        let mut forecaster = Forecaster::new();
        let config = SelectionConfig { holdout: 7, ..SelectionConfig::default() };
        let s = forecaster.select(&SMOOTH, &config).unwrap();
        assert_eq!(s.classification.class, DemandClass::Smooth);
        assert_eq!(s.scores.len(), 3);
        // The weekly season wins on a weekly series; the refit is the fit on the whole series.
        assert_eq!(s.scores[s.chosen].method, Method::holt_winters(7));
        assert_eq!(s.fit, fit(&SMOOTH, &Method::holt_winters(7)).unwrap());
        for score in &s.scores {
            let train = fit(&SMOOTH[..35], &score.method).unwrap();
            let expected = rmse(&SMOOTH[35..], &train.forecast(7)).unwrap();
            assert_eq!(score.score, Ok(expected));
        }
        let s = forecaster.select(&LUMPY, &config).unwrap();
        assert_eq!(s.classification.class, DemandClass::Lumpy);
        assert_eq!(s.scores.len(), 5);
        let best = s.scores.iter().map(|c| *c.score.as_ref().unwrap()).fold(f64::INFINITY, f64::min);
        assert_eq!(s.scores[s.chosen].score, Ok(best));
    }

    #[test]
    fn selection_breaks_ties_by_candidate_order_and_skips_failures() {
        let same = Method::Ses { alpha: Some(0.2) };
        let config = SelectionConfig {
            holdout: 5,
            candidates: Some(vec![Method::holt_winters(7), same, same]),
            ..SelectionConfig::default()
        };
        let s = Forecaster::new().select(&INTERMITTENT[..16], &config).unwrap();
        assert!(matches!(s.scores[0].score, Err(InventoryError::InsufficientData { .. })));
        assert_eq!(s.chosen, 1);
        let bad = |config: SelectionConfig| Forecaster::new().select(&SMOOTH, &config).unwrap_err();
        assert!(matches!(
            bad(SelectionConfig { holdout: 0, ..SelectionConfig::default() }),
            InventoryError::InvalidParameter { .. }
        ));
        assert!(matches!(
            bad(SelectionConfig { holdout: 41, ..SelectionConfig::default() }),
            InventoryError::InsufficientData { .. }
        ));
        assert!(matches!(
            bad(SelectionConfig { candidates: Some(vec![]), ..SelectionConfig::default() }),
            InventoryError::InvalidParameter { .. }
        ));
        let only_hw = SelectionConfig {
            holdout: 30,
            candidates: Some(vec![Method::holt_winters(7)]),
            ..SelectionConfig::default()
        };
        assert!(matches!(bad(only_hw), InventoryError::InsufficientData { needed: 14, got: 12, .. }));
    }

    fn every_method() -> Vec<Method> {
        vec![
            Method::SES,
            Method::Ses { alpha: Some(0.3) },
            Method::HOLT,
            Method::Holt { alpha: Some(0.9), beta: Some(0.9) },
            Method::holt_winters(7),
            Method::HoltWinters { season_length: 3, alpha: Some(0.5), beta: Some(0.9), gamma: Some(0.9) },
            Method::CROSTON,
            Method::CROSTON_OPTIMIZED,
            Method::SBA,
            Method::Sba { alpha_d: None, alpha_i: None },
            Method::TSB,
            Method::Tsb { alpha_d: Some(0.2), alpha_p: Some(0.1) },
            Method::ADIDA,
            Method::Adida { alpha: Some(0.5) },
            Method::IMAPA,
            Method::Imapa { alpha: Some(0.05) },
        ]
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// Demand series mixing zeros, ordinary quantities and extreme magnitudes.
        fn series() -> impl Strategy<Value = Vec<f64>> {
            let value = prop_oneof![
                6 => Just(0.0),
                4 => 0.0..100.0f64,
                1 => 0.0..1e6f64,
                1 => 1e90..MAX_DEMAND,
                1 => 1e-310..1e-300f64,
            ];
            proptest::collection::vec(value, 0..60)
        }

        proptest! {
            #[test]
            fn forecasts_are_finite_and_non_negative(y in series()) {
                for method in every_method() {
                    match fit(&y, &method) {
                        Ok(f) => {
                            for v in f.forecast(20).iter().chain(f.fitted()) {
                                prop_assert!(v.is_finite() && *v >= 0.0, "{method}: {v}");
                            }
                            prop_assert!(f.sigma().is_finite() && f.sigma() >= 0.0);
                            prop_assert_eq!(f.fitted().len(), y.len() - f.offset());
                            prop_assert!(f.lead_time_demand(30).is_finite());
                            let lt = f.lead_time_sigma(&y, 3, 1).unwrap();
                            prop_assert!(lt.sigma.is_finite() && lt.sigma >= 0.0);
                        }
                        Err(InventoryError::InsufficientData { needed, got, .. }) => prop_assert!(got < needed),
                        Err(e) => prop_assert!(false, "{method}: {e}"),
                    }
                }
            }

            #[test]
            fn automatic_choice_is_deterministic(y in series(), holdout in 1usize..10) {
                let config = SelectionConfig { holdout, ..SelectionConfig::default() };
                let mut reused = Forecaster::new();
                let _ = reused.select(&SMOOTH, &config);
                let first = Forecaster::new().select(&y, &config);
                prop_assert_eq!(&first, &reused.select(&y, &config));
                if let Ok(s) = first {
                    prop_assert!(s.scores[s.chosen].score.is_ok());
                    prop_assert!(s.fit.forecast(1)[0].is_finite());
                }
            }
        }
    }
}
