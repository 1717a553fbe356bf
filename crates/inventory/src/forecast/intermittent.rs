//! Intermittent-demand kernels: Croston (and SBA), TSB, ADIDA, IMAPA.
//!
//! Same contract as the smoothing kernels: one pass, `emit(forecast, actual)` per period with a
//! one-step forecast, no allocation (the buffers are the caller's). Conventions follow
//! statsforecast 2.1: a demand is a value `> 0`; the inter-demand interval of a demand is the
//! number of periods since the previous demand, the first one counted from the start of the
//! series (a first demand in period `t`, 0-based, has interval `t + 1`).

use super::search::{golden_section, INTERMITTENT_BOUNDS, INTERMITTENT_TOL};
use super::smoothing::{ses, ses_sse};

/// Fills `sizes` with the non-zero demands and `intervals` with their inter-demand intervals.
pub(super) fn sizes_and_intervals(y: &[f64], sizes: &mut Vec<f64>, intervals: &mut Vec<f64>) {
    sizes.clear();
    intervals.clear();
    let mut previous = 0usize; // 1-based period of the previous demand, 0 before the first
    for (t, &v) in y.iter().enumerate() {
        if v > 0.0 {
            sizes.push(v);
            intervals.push((t + 1 - previous) as f64);
            previous = t + 1;
        }
    }
}

/// The constant of one smoothed component: the given one, or statsforecast's golden section on
/// `[0.1, 0.3]` minimising the component's own one-step squared error.
pub(super) fn component_constant(given: Option<f64>, values: &[f64]) -> f64 {
    given.unwrap_or_else(|| {
        golden_section(
            |a| ses_sse(values.iter().copied(), a),
            INTERMITTENT_BOUNDS.0,
            INTERMITTENT_BOUNDS.1,
            INTERMITTENT_TOL,
        )
    })
}

/// Croston's method times `factor` (1 for Croston, `1 - alpha_i / 2` for SBA): `emit` receives
/// the forecast of every period from the second on (0 until the first demand); returns the
/// forecast after the last period (0 when there was no demand).
pub(super) fn croston(y: &[f64], alpha_d: f64, alpha_i: f64, factor: f64, mut emit: impl FnMut(f64, f64)) -> f64 {
    let (mut size, mut interval) = (0.0, 1.0);
    let mut seen = false;
    let mut since = 0usize; // periods since the previous demand (or the start), this one included
    let mut forecast = 0.0;
    for (t, &v) in y.iter().enumerate() {
        if t > 0 {
            emit(forecast, v);
        }
        since += 1;
        if v > 0.0 {
            let i = since as f64;
            if seen {
                size = alpha_d * v + (1.0 - alpha_d) * size;
                interval = alpha_i * i + (1.0 - alpha_i) * interval;
            } else {
                size = v;
                interval = i;
                seen = true;
            }
            since = 0;
            forecast = factor * size / interval;
        }
    }
    forecast
}

/// TSB: the probability of demand smoothed every period (started at the first period's
/// indicator), the size smoothed in demand periods; `emit` receives their product for every
/// period from the second on; returns the forecast after the last period.
pub(super) fn tsb(y: &[f64], alpha_d: f64, alpha_p: f64, mut emit: impl FnMut(f64, f64)) -> f64 {
    let mut probability = 0.0;
    let (mut size, mut seen) = (0.0, false);
    for (t, &v) in y.iter().enumerate() {
        let occurred = if v > 0.0 { 1.0 } else { 0.0 };
        if t == 0 {
            probability = occurred;
        } else {
            emit(probability * size, v);
            probability = alpha_p * occurred + (1.0 - alpha_p) * probability;
        }
        if v > 0.0 {
            size = if seen { alpha_d * v + (1.0 - alpha_d) * size } else { v };
            seen = true;
        }
    }
    probability * size
}

/// The aggregation level of ADIDA and the top level of IMAPA: the mean inter-demand interval
/// `(t_last + 1) / D` (`t_last` the 0-based period of the last demand, `D` the number of
/// demands) rounded half to even, as Python's `round`. `None` without demand.
pub(super) fn aggregation_level(y: &[f64]) -> Option<usize> {
    let demands = y.iter().filter(|&&v| v > 0.0).count();
    let last = y.iter().rposition(|&v| v > 0.0)?;
    let mean_interval = (last + 1) as f64 / demands as f64;
    // The mean interval is at least 1 and at most the series length.
    Some(mean_interval.round_ties_even() as usize)
}

/// Sums of `y` over non-overlapping buckets of `k` periods into `sums`, dropping the
/// `y.len() % k` oldest periods; returns how many were dropped.
pub(super) fn bucket_sums(y: &[f64], k: usize, sums: &mut Vec<f64>) -> usize {
    sums.clear();
    let k = k.max(1);
    let lost = y.len() % k;
    sums.extend(y.get(lost..).unwrap_or(&[]).chunks_exact(k).map(|c| c.iter().sum::<f64>()));
    lost
}

/// ADIDA at level `k` on bucket sums already in `sums` (at least 2 buckets, `lost` oldest
/// periods dropped): smooths the sums with `alpha` and calls `emit(forecast / k, actual)` for
/// every period of every bucket but the first, the forecast of a bucket being the one made at
/// its start; returns the next bucket's forecast divided by `k`.
pub(super) fn adida(y: &[f64], k: usize, lost: usize, sums: &[f64], alpha: f64, mut emit: impl FnMut(f64, f64)) -> f64 {
    let kf = k as f64;
    let mut buckets = y.get(lost..).unwrap_or(&[]).chunks_exact(k.max(1)).skip(1);
    let level = ses(sums.iter().copied(), alpha, |f, _| {
        if let Some(bucket) = buckets.next() {
            for &v in bucket {
                emit(f / kf, v);
            }
        }
    });
    level / kf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_count_the_first_one_from_the_series_start() {
        let (mut s, mut i) = (Vec::new(), Vec::new());
        sizes_and_intervals(&[0.0, 0.0, 3.0, 0.0, 4.0, 5.0], &mut s, &mut i);
        assert_eq!(s, [3.0, 4.0, 5.0]);
        assert_eq!(i, [3.0, 2.0, 1.0]);
    }

    #[test]
    fn aggregation_level_rounds_half_to_even() {
        // Mean interval 2.5 -> 2, 3.5 -> 4, 1.5 -> 2.
        assert_eq!(aggregation_level(&[0.0, 1.0, 0.0, 0.0, 1.0]), Some(2));
        assert_eq!(aggregation_level(&[0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0]), Some(4));
        assert_eq!(aggregation_level(&[0.0, 1.0, 1.0, 0.0]), Some(2));
        assert_eq!(aggregation_level(&[0.0, 0.0]), None);
    }

    #[test]
    fn bucket_sums_drop_the_oldest_remainder() {
        let mut sums = Vec::new();
        assert_eq!(bucket_sums(&[1.0, 2.0, 3.0, 4.0, 5.0], 2, &mut sums), 1);
        assert_eq!(sums, [5.0, 9.0]);
    }
}
