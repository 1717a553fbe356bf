//! Automatic choice of a method per series by holdout accuracy.

use super::check_series;
use super::classify::{classify, Classification, DemandClass};
use super::fit::{Fit, Forecaster};
use super::method::{Method, DEFAULT_SEASON_LENGTH};
use super::metrics::Metric;
use crate::InventoryError;

/// Settings of [`Forecaster::select`].
#[derive(Debug, Clone, PartialEq)]
pub struct SelectionConfig {
    /// Number of final periods held out to score the candidates; at least 1. Default 28 (four
    /// weeks of daily data, the M5 horizon).
    pub holdout: usize,
    /// The score, lower is better. Default [`Metric::Rmse`].
    pub metric: Metric,
    /// The candidates, in tie-breaking order; `None` (the default) takes
    /// [`default_candidates`] for the series' demand class.
    pub candidates: Option<Vec<Method>>,
    /// Season length of the Holt-Winters default candidate. Default
    /// [`DEFAULT_SEASON_LENGTH`] (7).
    pub season_length: usize,
}

impl Default for SelectionConfig {
    fn default() -> Self {
        Self { holdout: 28, metric: Metric::Rmse, candidates: None, season_length: DEFAULT_SEASON_LENGTH }
    }
}

/// The candidates tried for a demand class, all with their constants fitted:
///
/// * smooth: SES, Holt, Holt-Winters (`season_length`);
/// * erratic: SES, Holt, Holt-Winters (`season_length`), TSB;
/// * intermittent, lumpy, no demand: Croston, SBA, TSB, ADIDA, IMAPA.
pub fn default_candidates(class: DemandClass, season_length: usize) -> Vec<Method> {
    let hw = Method::holt_winters(season_length);
    match class {
        DemandClass::Smooth => vec![Method::SES, Method::HOLT, hw],
        DemandClass::Erratic => vec![Method::SES, Method::HOLT, hw, Method::TSB],
        DemandClass::Intermittent | DemandClass::Lumpy | DemandClass::NoDemand => vec![
            Method::CROSTON_OPTIMIZED,
            Method::Sba { alpha_d: None, alpha_i: None },
            Method::TSB,
            Method::ADIDA,
            Method::IMAPA,
        ],
    }
}

/// The holdout score of one candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateScore {
    /// The candidate, as given.
    pub method: Method,
    /// Its holdout score, or why it could not be fitted to the training part or scored (too
    /// short a training part, a zero scale for the scaled metrics...).
    pub score: Result<f64, InventoryError>,
}

/// The outcome of [`Forecaster::select`].
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// The demand class of the whole series, which chose the default candidates.
    pub classification: Classification,
    /// One score per candidate, in candidate order.
    pub scores: Vec<CandidateScore>,
    /// Index in `scores` of the method refitted.
    pub chosen: usize,
    /// The chosen method refitted on the whole series.
    pub fit: Fit,
}

impl Forecaster {
    /// Chooses a method for the series `y` by holdout accuracy and fits it on the whole series.
    ///
    /// # Arguments
    ///
    /// * `y`: demand per period, oldest first, as for [`fit_into`](Self::fit_into).
    /// * `config`: holdout length, metric and candidates.
    ///
    /// # Returns
    ///
    /// The [`Selection`]. The algorithm:
    ///
    /// 1. Classify the whole series ([`classify`]); without explicit candidates take
    ///    [`default_candidates`] of its class.
    /// 2. Fit every candidate on `y[..n - holdout]` (constants left `None` are fitted there),
    ///    forecast the `holdout` following periods, score them against `y[n - holdout..]` with
    ///    the metric (the scaled metrics scaled by the training part).
    /// 3. The best score wins; ties go to the earlier candidate. Candidates that could not be
    ///    fitted or scored are skipped.
    /// 4. Refit the winner on the whole series (its constants fitted again). Should that fail
    ///    (ADIDA and IMAPA need two buckets at an aggregation level that depends on the data), the
    ///    next best is refitted, and so on.
    ///
    /// Deterministic: the same series and configuration give the same selection.
    ///
    /// # Example
    ///
    /// ```
    /// use milkrun_inventory::forecast::{Forecaster, Method, Metric, SelectionConfig};
    ///
    /// let y = [5.0, 7.0, 6.0, 8.0, 7.0, 9.0, 8.0, 10.0, 9.0, 11.0, 10.0, 12.0];
    /// let config = SelectionConfig {
    ///     holdout: 4,
    ///     metric: Metric::Mae,
    ///     candidates: Some(vec![Method::Ses { alpha: Some(0.5) }, Method::HOLT]),
    ///     ..SelectionConfig::default()
    /// };
    /// let selection = Forecaster::new().select(&y, &config)?;
    /// assert_eq!(selection.scores[selection.chosen].method, Method::HOLT); // the trend wins
    /// # Ok::<(), milkrun_inventory::InventoryError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * [`InventoryError::InvalidParameter`]: a holdout of 0, an empty candidate list, a
    ///   candidate with an invalid constant, an invalid value in `y`.
    /// * [`InventoryError::InsufficientData`]: fewer than `holdout + 2` observations.
    /// * The error of the first candidate when no candidate could be fitted and scored, or the
    ///   last refit error when none could be refitted.
    ///
    /// # Complexity
    ///
    /// The cost of fitting every candidate once on `n - holdout` values and the chosen one again
    /// on `n` (see [`fit_into`](Self::fit_into): the fitted constants dominate, up to some 700
    /// passes over the series for Holt-Winters), plus O(holdout) per candidate to score. Space:
    /// the forecaster's buffers and the result.
    pub fn select(&mut self, y: &[f64], config: &SelectionConfig) -> Result<Selection, InventoryError> {
        check_series("y", y)?;
        let classification = classify(y)?;
        let n = y.len();
        let h = config.holdout;
        if h == 0 {
            return Err(InventoryError::invalid("holdout", "must be at least 1 period, got 0"));
        }
        if n < h.saturating_add(2) {
            return Err(InventoryError::InsufficientData {
                item: format!("automatic selection with a holdout of {h}"),
                needed: h.saturating_add(2),
                got: n,
            });
        }
        let candidates = match &config.candidates {
            Some(list) => list.clone(),
            None => default_candidates(classification.class, config.season_length),
        };
        if candidates.is_empty() {
            return Err(InventoryError::invalid("candidates", "the list is empty"));
        }
        for method in &candidates {
            method.validate()?;
        }
        let (train, test) = y.split_at(n - h);
        let mut train_fit = std::mem::take(&mut self.train);
        let mut predictions = vec![0.0; h];
        let mut scores = Vec::with_capacity(candidates.len());
        for method in &candidates {
            let score = self.fit_into(train, method, &mut train_fit).and_then(|()| {
                train_fit.forecast_into(&mut predictions);
                config.metric.score(test, &predictions, train)
            });
            scores.push(CandidateScore { method: *method, score });
        }
        self.train = train_fit;
        // Candidates by score, ties by position (a stable sort keeps candidate order).
        let mut ranked: Vec<(usize, f64)> =
            scores.iter().enumerate().filter_map(|(i, s)| s.score.as_ref().ok().map(|&v| (i, v))).collect();
        ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
        let mut last_error = match scores.first().map(|s| &s.score) {
            Some(Err(e)) if ranked.is_empty() => return Err(e.clone()),
            _ => InventoryError::invalid("candidates", "no candidate could be scored"),
        };
        for (chosen, _) in ranked {
            let mut fit = Fit::default();
            match self.fit_into(y, &candidates[chosen], &mut fit) {
                Ok(()) => return Ok(Selection { classification, scores, chosen, fit }),
                Err(e) => last_error = e,
            }
        }
        Err(last_error)
    }
}
