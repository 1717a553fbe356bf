//! Exponential smoothing kernels: simple, Holt's linear trend, additive Holt-Winters.
//!
//! Every kernel runs the recursion once over the series and calls `emit(forecast, actual)` for
//! each period that has a one-step forecast; nothing here allocates. Preconditions (checked by
//! the caller): finite non-negative values, constants in `[0, 1]`, enough observations.

/// Simple exponential smoothing of `values`, started at the first value: `emit` receives the
/// one-step forecast of every value from the second on; returns the final level (the forecast
/// of the next value). An empty input returns 0.
pub(super) fn ses(values: impl IntoIterator<Item = f64>, alpha: f64, mut emit: impl FnMut(f64, f64)) -> f64 {
    let mut values = values.into_iter();
    let Some(first) = values.next() else { return 0.0 };
    let complement = 1.0 - alpha;
    let mut level = first;
    for v in values {
        emit(level, v);
        level = alpha * v + complement * level;
    }
    level
}

/// Sum of squared one-step errors of [`ses`]; 0 for fewer than two values (as statsforecast's
/// `ses_sse`).
pub(super) fn ses_sse(values: impl IntoIterator<Item = f64>, alpha: f64) -> f64 {
    let mut sse = 0.0;
    ses(values, alpha, |f, a| sse += (a - f) * (a - f));
    sse
}

/// Level and trend of Holt's method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Trend {
    pub(super) level: f64,
    pub(super) trend: f64,
}

impl Trend {
    /// The initial state after the first two observations: level `y[1]`, trend `y[1] - y[0]`.
    pub(super) fn start(y: &[f64]) -> Self {
        match *y {
            [y0, y1, ..] => Self { level: y1, trend: y1 - y0 },
            _ => Self { level: y.first().copied().unwrap_or(0.0), trend: 0.0 },
        }
    }

    /// The forecast `h` steps ahead, not clamped.
    pub(super) fn ahead(self, h: f64) -> f64 {
        self.level + h * self.trend
    }

    /// Observes `v`.
    pub(super) fn update(&mut self, v: f64, alpha: f64, beta: f64) {
        let level = alpha * v + (1.0 - alpha) * (self.level + self.trend);
        self.trend = beta * (level - self.level) + (1.0 - beta) * self.trend;
        self.level = level;
    }
}

/// Holt's linear trend over `y` (at least 2 values): `emit` receives the clamped one-step
/// forecast of every value from the third on; returns the final state.
pub(super) fn holt(y: &[f64], alpha: f64, beta: f64, mut emit: impl FnMut(f64, f64)) -> Trend {
    let mut state = Trend::start(y);
    for &v in y.get(2..).unwrap_or(&[]) {
        emit(state.ahead(1.0).max(0.0), v);
        state.update(v, alpha, beta);
    }
    state
}

/// Level, trend and the phase of the next period of additive Holt-Winters; the seasonal
/// indices live in a separate slice of `season_length` values, indexed by phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Seasonal {
    pub(super) level: f64,
    pub(super) trend: f64,
    /// Phase (index into the seasonal indices) of the next period.
    pub(super) phase: usize,
}

impl Seasonal {
    /// The heuristic initial state from the first two seasons of `y` (at least `2m` values,
    /// `m = season.len()`): trend `b = (mean(y[m..2m]) - mean(y[..m])) / m`, level
    /// `mean(y[..m]) + b (m - 1) / 2` (the first season's mean moved to its last period), and
    /// seasonal indices `s_j = y_j - (mean(y[..m]) + b (j - (m - 1) / 2))`, which sum to 0.
    /// The next period is `t = m`, phase 0.
    pub(super) fn start(y: &[f64], season: &mut [f64]) -> Self {
        let m = season.len();
        let mf = m as f64;
        let first = y.get(..m).unwrap_or(&[]);
        let second = y.get(m..m.saturating_mul(2)).unwrap_or(&[]);
        let mean1 = first.iter().sum::<f64>() / mf;
        let mean2 = second.iter().sum::<f64>() / mf;
        let trend = (mean2 - mean1) / mf;
        let centre = (mf - 1.0) / 2.0;
        for (j, (s, &v)) in season.iter_mut().zip(first).enumerate() {
            *s = v - (mean1 + trend * (j as f64 - centre));
        }
        Self { level: mean1 + trend * centre, trend, phase: 0 }
    }

    /// The forecast `h >= 1` steps ahead, not clamped.
    pub(super) fn ahead(self, h: usize, season: &[f64]) -> f64 {
        let m = season.len().max(1);
        let phase = (self.phase + h.saturating_sub(1) % m) % m;
        self.level + h as f64 * self.trend + season.get(phase).copied().unwrap_or(0.0)
    }

    /// Observes `v` (the period of phase `self.phase`) and returns the one-step forecast it had:
    /// `l' = alpha (v - s) + (1 - alpha)(l + b)`, `b' = beta (l' - l) + (1 - beta) b`,
    /// `s' = gamma (v - l - b) + (1 - gamma) s`.
    pub(super) fn update(&mut self, v: f64, season: &mut [f64], alpha: f64, beta: f64, gamma: f64) -> f64 {
        let Some(s) = season.get_mut(self.phase) else { return 0.0 };
        let base = self.level + self.trend;
        let forecast = base + *s;
        let level = alpha * (v - *s) + (1.0 - alpha) * base;
        *s = gamma * (v - base) + (1.0 - gamma) * *s;
        self.trend = beta * (level - self.level) + (1.0 - beta) * self.trend;
        self.level = level;
        self.phase += 1;
        if self.phase == season.len() {
            self.phase = 0;
        }
        forecast
    }
}

/// Additive Holt-Winters over `y` (at least `2m` values) from the state [`Seasonal::start`]
/// wrote into `season`: `emit` receives the clamped one-step forecast of every value from
/// `y[m]` on; returns the final state (`season` holds the final indices).
pub(super) fn holt_winters(
    y: &[f64],
    season: &mut [f64],
    (alpha, beta, gamma): (f64, f64, f64),
    mut emit: impl FnMut(f64, f64),
) -> Seasonal {
    let mut state = Seasonal::start(y, season);
    for &v in y.get(season.len()..).unwrap_or(&[]) {
        let forecast = state.update(v, season, alpha, beta, gamma);
        emit(forecast.max(0.0), v);
    }
    state
}
