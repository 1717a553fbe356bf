//! Fitting a method to one series, and the fitted model.

use std::fmt;

use super::check_series;
use super::intermittent::{
    adida, aggregation_level, bucket_sums, component_constant, croston, sizes_and_intervals, tsb,
};
use super::method::Method;
use super::search::minimize;
use super::smoothing::{holt, holt_winters, ses, ses_sse, Seasonal, Trend};
use crate::InventoryError;

/// What a fitted model forecasts from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// The same value at every step (SES and the intermittent methods), already clamped.
    Flat(f64),
    /// Holt's level and trend.
    Trend(Trend),
    /// Holt-Winters' level, trend and next phase; the indices are in [`Fit::season`].
    Seasonal(Seasonal),
}

/// A method fitted to one series: the point forecasts, the in-sample one-step fitted values and
/// residuals, and the one-step error standard deviation.
///
/// Built by [`fit`](super::fit) or [`Forecaster::fit`]; [`Forecaster::fit_into`] refills an
/// existing one without allocating once its buffers have grown. `Fit::default()` is an empty
/// model (no observation, forecast 0) meant only to be filled that way.
///
/// # Fitted values
///
/// `fitted()[i]` is the forecast of period `offset() + i` made with the observations before it;
/// the first `offset()` periods have none (they start the recursion):
///
/// | method | `offset()` | fitted value of period `t` |
/// |---|---|---|
/// | SES, Croston, SBA, TSB | 1 | the one-step forecast from `y[..t]` (0 before the first demand for the intermittent ones) |
/// | Holt | 2 | the one-step forecast from `y[..t]` |
/// | Holt-Winters | `m` | the one-step forecast from `y[..t]` |
/// | ADIDA | `(n % k) + k` | the forecast of `t`'s bucket made at the bucket's start, divided by `k` |
/// | IMAPA | max over levels of ADIDA's | the mean over levels of ADIDA's |
///
/// Fitted values, like forecasts, are clamped at 0. The smoothing constants are those of the
/// whole series (fitted once, not refitted per period), so the fitted values of a method with
/// fitted constants look slightly ahead; statsforecast refits on every prefix for
/// `CrostonOptimized`, `ADIDA` and `IMAPA`, at a quadratic cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    method: Method,
    n: usize,
    offset: usize,
    state: State,
    season: Vec<f64>,
    fitted: Vec<f64>,
    residuals: Vec<f64>,
    sigma: f64,
    aggregation_level: Option<usize>,
}

impl Default for Fit {
    fn default() -> Self {
        Self {
            method: Method::SES,
            n: 0,
            offset: 0,
            state: State::Flat(0.0),
            season: Vec::new(),
            fitted: Vec::new(),
            residuals: Vec::new(),
            sigma: 0.0,
            aggregation_level: None,
        }
    }
}

impl Fit {
    /// The method with the constants used: the given ones, and the fitted ones in place of
    /// `None`. A constant stays `None` when the series gave nothing to fit it on (no demand for
    /// the intermittent methods) and for IMAPA, which fits one constant per level.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Number of observations the model was fitted on.
    pub fn n_obs(&self) -> usize {
        self.n
    }

    /// The first period with an in-sample fitted value (see the table in the type's docs).
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// In-sample one-step fitted values of periods `offset()..n_obs()`, clamped at 0.
    pub fn fitted(&self) -> &[f64] {
        &self.fitted
    }

    /// In-sample residuals `y[t] - fitted` of periods `offset()..n_obs()`.
    pub fn residuals(&self) -> &[f64] {
        &self.residuals
    }

    /// Standard deviation of the one-step forecast error: the root mean square of
    /// [`residuals`](Self::residuals), without degrees-of-freedom correction (statsforecast's
    /// convention for SES). It includes any bias of the forecasts.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// The aggregation level `k` of ADIDA, or the top level of IMAPA; `None` for the other
    /// methods and for a series without demand.
    pub fn aggregation_level(&self) -> Option<usize> {
        self.aggregation_level
    }

    /// The point forecast `h >= 1` periods after the last observation (`h = 0` is read as 1),
    /// clamped at 0.
    fn ahead(&self, h: usize) -> f64 {
        let h = h.max(1);
        let v = match self.state {
            State::Flat(v) => v,
            State::Trend(t) => t.ahead(h as f64),
            State::Seasonal(s) => s.ahead(h, &self.season),
        };
        v.max(0.0)
    }

    /// Fills `out[i]` with the point forecast `i + 1` periods after the last observation,
    /// clamped at 0.
    ///
    /// # Complexity
    ///
    /// O(`out.len()`), no allocation.
    pub fn forecast_into(&self, out: &mut [f64]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.ahead(i + 1);
        }
    }

    /// The point forecasts of the next `horizon` periods, clamped at 0 (see
    /// [`forecast_into`](Self::forecast_into), which does not allocate).
    pub fn forecast(&self, horizon: usize) -> Vec<f64> {
        let mut out = vec![0.0; horizon];
        self.forecast_into(&mut out);
        out
    }

    /// Total forecast demand over the next `lead_time` periods: the sum of the point forecasts of
    /// steps `1..=lead_time`.
    ///
    /// # Complexity
    ///
    /// O(1) for the flat methods, O(`lead_time`) for Holt and Holt-Winters (each step clamped).
    pub fn lead_time_demand(&self, lead_time: usize) -> f64 {
        match self.state {
            State::Flat(v) => v.max(0.0) * lead_time as f64,
            _ => (1..=lead_time).map(|h| self.ahead(h)).sum(),
        }
    }

    /// Standard deviation of the forecast error of the total demand over `lead_time` periods,
    /// assuming independent one-step errors of equal variance: `sigma() * sqrt(lead_time)`.
    ///
    /// The classical textbook formula (Silver, Pyke & Thomas, *Inventory and Production
    /// Management in Supply Chains*, 4th ed., 2017, §6.7). It ignores that a forecast fixed at the
    /// start of the lead time is not updated during it, so it understates the error of methods
    /// whose errors are correlated over the lead time (most of them); prefer
    /// [`lead_time_sigma_empirical`](Self::lead_time_sigma_empirical) when the history is long
    /// enough.
    pub fn lead_time_sigma_independent(&self, lead_time: usize) -> f64 {
        self.sigma * (lead_time as f64).sqrt()
    }

    /// Empirical standard deviation of the forecast error of the total demand over `lead_time`
    /// periods, from the fitted series.
    ///
    /// For every origin `t` whose forecasts exist in sample (`offset() - 1 <= t` and
    /// `t + lead_time <= n - 1`), the error is `sum(y[t+1..=t+L]) - sum(F(t, 1..=L))` with
    /// `F(t, j)` the clamped `j`-step forecast made at `t` (the fitted value of `t + 1` for the
    /// flat methods; the state at `t` replayed for Holt and Holt-Winters). The result is the root
    /// mean square of these errors over the overlapping windows; the source says how many.
    ///
    /// # Arguments
    ///
    /// * `y`: the series the model was fitted on.
    /// * `lead_time`: `L`, in periods; 0 gives 0.
    ///
    /// # Errors
    ///
    /// [`InventoryError::InvalidParameter`] when `y` is not a valid series of
    /// [`n_obs`](Self::n_obs) values; [`InventoryError::InsufficientData`] when there is no
    /// window (`n_obs() < offset() + lead_time`).
    ///
    /// # Complexity
    ///
    /// O(`n * L`) time, O(season length) space (one allocation for Holt-Winters).
    pub fn lead_time_sigma_empirical(&self, y: &[f64], lead_time: usize) -> Result<LeadTimeSigma, InventoryError> {
        if y.len() != self.n {
            return Err(InventoryError::invalid(
                "y",
                format!("the model was fitted on {} observations, got {}", self.n, y.len()),
            ));
        }
        check_series("y", y)?;
        let windows = (self.n + 1).saturating_sub(self.offset.max(1).saturating_add(lead_time));
        if windows == 0 {
            return Err(InventoryError::InsufficientData {
                item: format!("empirical lead-time error of {} over {lead_time} periods", self.method),
                needed: self.offset.max(1).saturating_add(lead_time),
                got: self.n,
            });
        }
        let source = LeadTimeSigmaSource::Empirical { windows };
        if lead_time == 0 {
            return Ok(LeadTimeSigma { sigma: 0.0, source });
        }
        let lf = lead_time as f64;
        let first_origin = self.offset.max(1) - 1;
        let actual = |t: usize| y.get(t + 1..=t + lead_time).map_or(0.0, |w| w.iter().sum::<f64>());
        let mut sum_sq = 0.0;
        match (self.state, self.method) {
            (State::Trend(_), Method::Holt { alpha: Some(alpha), beta: Some(beta) }) => {
                let mut state = Trend::start(y);
                for (t, &v) in y.iter().enumerate().skip(2) {
                    let origin = t - 1;
                    if origin + lead_time < self.n {
                        let forecast: f64 = (1..=lead_time).map(|j| state.ahead(j as f64).max(0.0)).sum();
                        let e = actual(origin) - forecast;
                        sum_sq += e * e;
                    }
                    state.update(v, alpha, beta);
                }
            }
            (
                State::Seasonal(_),
                Method::HoltWinters { season_length, alpha: Some(alpha), beta: Some(beta), gamma: Some(gamma) },
            ) => {
                let mut season = vec![0.0; season_length];
                let mut state = Seasonal::start(y, &mut season);
                for (t, &v) in y.iter().enumerate().skip(season_length) {
                    let origin = t - 1;
                    if origin + lead_time < self.n {
                        let forecast: f64 = (1..=lead_time).map(|j| state.ahead(j, &season).max(0.0)).sum();
                        let e = actual(origin) - forecast;
                        sum_sq += e * e;
                    }
                    state.update(v, &mut season, alpha, beta, gamma);
                }
            }
            _ => {
                for (i, &f) in self.fitted.iter().take(windows).enumerate() {
                    let e = actual(first_origin + i) - lf * f;
                    sum_sq += e * e;
                }
            }
        }
        Ok(LeadTimeSigma { sigma: (sum_sq / windows as f64).sqrt(), source })
    }

    /// Standard deviation of the forecast error of the total demand over `lead_time` periods:
    /// [empirical](Self::lead_time_sigma_empirical) when the fitted series has at least
    /// `min_windows` (at least 1) lead-time windows (`n_obs() - offset() - lead_time + 1`,
    /// overlapping), otherwise [independent](Self::lead_time_sigma_independent). The result says which.
    ///
    /// Overlapping windows are correlated: with `L` periods, `W` windows carry about `W / L`
    /// independent observations, so ask for `min_windows` of the order of `10 * L` or more.
    ///
    /// # Errors
    ///
    /// [`InventoryError::InvalidParameter`] when `y` is not a valid series of
    /// [`n_obs`](Self::n_obs) values.
    ///
    /// # Complexity
    ///
    /// O(`n * L`) when empirical, O(`n`) otherwise (the check of `y`).
    pub fn lead_time_sigma(
        &self,
        y: &[f64],
        lead_time: usize,
        min_windows: usize,
    ) -> Result<LeadTimeSigma, InventoryError> {
        let windows = (self.n + 1).saturating_sub(self.offset.max(1).saturating_add(lead_time));
        if windows >= min_windows.max(1) {
            self.lead_time_sigma_empirical(y, lead_time)
        } else {
            if y.len() != self.n {
                return Err(InventoryError::invalid(
                    "y",
                    format!("the model was fitted on {} observations, got {}", self.n, y.len()),
                ));
            }
            check_series("y", y)?;
            Ok(LeadTimeSigma {
                sigma: self.lead_time_sigma_independent(lead_time),
                source: LeadTimeSigmaSource::Independent,
            })
        }
    }
}

/// The standard deviation of the lead-time forecast error, and how it was obtained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeadTimeSigma {
    /// Standard deviation of the error of the total demand forecast over the lead time, in
    /// demand units.
    pub sigma: f64,
    /// Which estimate it is.
    pub source: LeadTimeSigmaSource,
}

/// Which estimate of the lead-time error a [`LeadTimeSigma`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeadTimeSigmaSource {
    /// `sigma * sqrt(L)`, from the one-step errors assumed independent.
    Independent,
    /// Root mean square of the in-sample errors of `L`-period totals.
    Empirical {
        /// Number of (overlapping) lead-time windows averaged.
        windows: usize,
    },
}

/// Fits forecasting methods to series, reusing its scratch buffers from one series to the next.
///
/// Build one per thread and call [`fit_into`](Self::fit_into) with a reused [`Fit`] for batch
/// work: after the first few series nothing allocates.
///
/// ```
/// use milkrun_inventory::forecast::{Fit, Forecaster, Method};
///
/// let mut forecaster = Forecaster::new();
/// let mut fit = Fit::default();
/// for series in [[0.0, 3.0, 0.0, 0.0, 4.0, 0.0], [5.0, 6.0, 5.0, 7.0, 6.0, 5.0]] {
///     forecaster.fit_into(&series, &Method::CROSTON, &mut fit)?;
///     assert!(fit.forecast(1)[0] > 0.0);
/// }
/// # Ok::<(), milkrun_inventory::InventoryError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Forecaster {
    sizes: Vec<f64>,
    intervals: Vec<f64>,
    sums: Vec<f64>,
    acc: Vec<f64>,
    season: Vec<f64>,
    /// The fit on the training part during automatic selection.
    pub(super) train: Fit,
}

/// `InsufficientData` for `item` when `got < needed`.
fn need(item: impl fmt::Display, needed: usize, got: usize) -> Result<(), InventoryError> {
    if got < needed {
        Err(InventoryError::InsufficientData { item: item.to_string(), needed, got })
    } else {
        Ok(())
    }
}

impl Forecaster {
    /// A forecaster with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fits `method` to the series `y` (one demand per period, oldest first).
    ///
    /// See [`fit_into`](Self::fit_into), which this calls with a new [`Fit`].
    ///
    /// # Errors
    ///
    /// As [`fit_into`](Self::fit_into).
    pub fn fit(&mut self, y: &[f64], method: &Method) -> Result<Fit, InventoryError> {
        let mut fit = Fit::default();
        self.fit_into(y, method, &mut fit)?;
        Ok(fit)
    }

    /// Fits `method` to the series `y` (one demand per period, oldest first) into `fit`, reusing
    /// its buffers. On error `fit` is left unspecified (but valid).
    ///
    /// # Arguments
    ///
    /// * `y`: demand per period, finite, non-negative and at most [`MAX_DEMAND`](super::MAX_DEMAND).
    /// * `method`: the method; constants left `None` are fitted.
    ///
    /// # Returns
    ///
    /// Nothing; `fit` holds the model.
    ///
    /// # Fitting the constants
    ///
    /// * SES, Holt, Holt-Winters: the constants left `None` minimise the sum of squared in-sample
    ///   one-step errors (of the clamped fitted values), each in `[0.01, 0.99]`: a grid
    ///   (19 points for one free constant, 10x10 for two, 6x6x6 for three), then rounds of cyclic
    ///   coordinate golden-section search around the best grid point (1 round for one constant, 4
    ///   otherwise). About 60, 400 and 700 passes over the series for 1, 2 and 3 free constants.
    /// * Croston, SBA, TSB: each component on its own, as statsforecast's `CrostonOptimized`:
    ///   the constant minimises the component's own one-step squared error (sizes, intervals, or
    ///   the 0/1 demand indicator of every period for TSB's probability) by golden-section
    ///   search on `[0.1, 0.3]` down to a bracket of 1e-12 (about 55 passes over the component).
    /// * ADIDA, IMAPA: the same golden section on the bucket sums of each level.
    ///
    /// # Minimum length
    ///
    /// Enough observations for one in-sample forecast, so that [`Fit::sigma`] exists: 2 for SES,
    /// Croston, SBA, TSB and for ADIDA/IMAPA without demand; 3 for Holt; `2m` for Holt-Winters;
    /// `2k` (two full buckets) for ADIDA at level `k` and IMAPA at top level `k` (statsforecast
    /// forecasts from a single bucket; this refuses).
    ///
    /// # Errors
    ///
    /// * [`InventoryError::InvalidParameter`]: a constant outside `[0, 1]`, a season length below
    ///   2, a value of `y` negative, non-finite or above [`MAX_DEMAND`](super::MAX_DEMAND) (named
    ///   `y[i]`).
    /// * [`InventoryError::InsufficientData`]: `y` shorter than the minimum above; the item names
    ///   the method (and the aggregation level).
    ///
    /// # Complexity
    ///
    /// Time O(n) per pass: one pass with every constant given (O(n k) for IMAPA at top level
    /// `k`), plus the passes of the search above for each fitted constant. Space O(n) in `fit`
    /// and in the forecaster's buffers, reused: no allocation once they have grown to the
    /// longest series.
    pub fn fit_into(&mut self, y: &[f64], method: &Method, fit: &mut Fit) -> Result<(), InventoryError> {
        method.validate()?;
        check_series("y", y)?;
        let n = y.len();
        fit.fitted.clear();
        fit.residuals.clear();
        fit.season.clear();
        fit.aggregation_level = None;
        fit.n = 0;
        let (fitted, residuals) = (&mut fit.fitted, &mut fit.residuals);
        let mut sum_sq = 0.0;
        let mut push = |f: f64, a: f64| {
            fitted.push(f);
            residuals.push(a - f);
            sum_sq += (a - f) * (a - f);
        };
        let (resolved, state, offset) = match *method {
            Method::Ses { alpha } => {
                need(method, 2, n)?;
                let [alpha] = minimize([alpha], |[a]| ses_sse(y.iter().copied(), a));
                let level = ses(y.iter().copied(), alpha, push);
                (Method::Ses { alpha: Some(alpha) }, State::Flat(level), 1)
            }
            Method::Holt { alpha, beta } => {
                need(method, 3, n)?;
                let [alpha, beta] = minimize([alpha, beta], |[a, b]| {
                    let mut sse = 0.0;
                    holt(y, a, b, |f, v| sse += (v - f) * (v - f));
                    sse
                });
                let state = holt(y, alpha, beta, push);
                (Method::Holt { alpha: Some(alpha), beta: Some(beta) }, State::Trend(state), 2)
            }
            Method::HoltWinters { season_length: m, alpha, beta, gamma } => {
                need(method, m.saturating_mul(2), n)?;
                let season = &mut self.season;
                season.clear();
                season.resize(m, 0.0);
                let [alpha, beta, gamma] = minimize([alpha, beta, gamma], |[a, b, g]| {
                    let mut sse = 0.0;
                    holt_winters(y, season, (a, b, g), |f, v| sse += (v - f) * (v - f));
                    sse
                });
                fit.season.resize(m, 0.0);
                let state = holt_winters(y, &mut fit.season, (alpha, beta, gamma), push);
                let resolved =
                    Method::HoltWinters { season_length: m, alpha: Some(alpha), beta: Some(beta), gamma: Some(gamma) };
                (resolved, State::Seasonal(state), m)
            }
            Method::Croston { alpha_d, alpha_i } | Method::Sba { alpha_d, alpha_i } => {
                need(method, 2, n)?;
                let (alpha_d, alpha_i) = if (alpha_d.is_some() && alpha_i.is_some()) || !y.iter().any(|&v| v > 0.0) {
                    (alpha_d, alpha_i)
                } else {
                    if alpha_d.is_none() || alpha_i.is_none() {
                        sizes_and_intervals(y, &mut self.sizes, &mut self.intervals);
                    }
                    (Some(component_constant(alpha_d, &self.sizes)), Some(component_constant(alpha_i, &self.intervals)))
                };
                let sba = matches!(method, Method::Sba { .. });
                // Without demand the constants never enter the computation (every forecast is 0).
                let (ad, ai) = (alpha_d.unwrap_or(0.0), alpha_i.unwrap_or(0.0));
                let factor = if sba { 1.0 - ai / 2.0 } else { 1.0 };
                let forecast = croston(y, ad, ai, factor, push);
                let resolved =
                    if sba { Method::Sba { alpha_d, alpha_i } } else { Method::Croston { alpha_d, alpha_i } };
                (resolved, State::Flat(forecast), 1)
            }
            Method::Tsb { alpha_d, alpha_p } => {
                need(method, 2, n)?;
                let (alpha_d, alpha_p) = if !y.iter().any(|&v| v > 0.0) {
                    (alpha_d, alpha_p)
                } else {
                    if alpha_d.is_none() {
                        sizes_and_intervals(y, &mut self.sizes, &mut self.intervals);
                    }
                    let alpha_d = component_constant(alpha_d, &self.sizes);
                    if alpha_p.is_none() {
                        self.intervals.clear();
                        self.intervals.extend(y.iter().map(|&v| if v > 0.0 { 1.0 } else { 0.0 }));
                    }
                    (Some(alpha_d), Some(component_constant(alpha_p, &self.intervals)))
                };
                // Without demand the constants never enter the computation (every forecast is 0).
                let forecast = tsb(y, alpha_d.unwrap_or(0.0), alpha_p.unwrap_or(0.0), push);
                (Method::Tsb { alpha_d, alpha_p }, State::Flat(forecast), 1)
            }
            Method::Adida { alpha } | Method::Imapa { alpha } => match aggregation_level(y) {
                None => {
                    need(method, 2, n)?;
                    for &v in y.get(1..).unwrap_or(&[]) {
                        push(0.0, v);
                    }
                    (*method, State::Flat(0.0), 1)
                }
                Some(k) if matches!(method, Method::Adida { .. }) => {
                    need(format_args!("{method} at aggregation level {k}"), k.saturating_mul(2), n)?;
                    let lost = bucket_sums(y, k, &mut self.sums);
                    let alpha = component_constant(alpha, &self.sums);
                    let forecast = adida(y, k, lost, &self.sums, alpha, push);
                    fit.aggregation_level = Some(k);
                    (Method::Adida { alpha: Some(alpha) }, State::Flat(forecast), lost + k)
                }
                Some(top) => {
                    need(format_args!("{method} at top aggregation level {top}"), top.saturating_mul(2), n)?;
                    let offset = (1..=top).map(|k| n % k + k).max().unwrap_or(1);
                    self.acc.clear();
                    self.acc.resize(n - offset, 0.0);
                    let mut total = 0.0;
                    for k in 1..=top {
                        let lost = bucket_sums(y, k, &mut self.sums);
                        let alpha = component_constant(alpha, &self.sums);
                        let mut t = lost + k;
                        let acc = &mut self.acc;
                        total += adida(y, k, lost, &self.sums, alpha, |f, _| {
                            if let Some(a) = t.checked_sub(offset).and_then(|i| acc.get_mut(i)) {
                                *a += f;
                            }
                            t += 1;
                        });
                    }
                    let levels = top as f64;
                    for (&s, &v) in self.acc.iter().zip(y.get(offset..).unwrap_or(&[])) {
                        push(s / levels, v);
                    }
                    fit.aggregation_level = Some(top);
                    (*method, State::Flat(total / levels), offset)
                }
            },
        };
        let count = fit.residuals.len();
        fit.sigma = if count == 0 { 0.0 } else { (sum_sq / count as f64).sqrt() };
        fit.method = resolved;
        fit.state = match state {
            State::Flat(v) => State::Flat(v.max(0.0)),
            other => other,
        };
        fit.offset = offset;
        fit.n = n;
        Ok(())
    }
}
