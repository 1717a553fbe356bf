//! Deterministic minimisation of in-sample squared errors over smoothing constants.

/// Bounds of the intermittent-demand searches (Croston, SBA, TSB, ADIDA, IMAPA), as in
/// statsforecast's `_optimized_ses_forecast`.
pub(super) const INTERMITTENT_BOUNDS: (f64, f64) = (0.1, 0.3);
/// Bracket width at which the intermittent-demand golden section stops, as in statsforecast.
pub(super) const INTERMITTENT_TOL: f64 = 1e-12;
/// Bounds of every constant of SES, Holt and Holt-Winters, as in statsforecast's
/// `SimpleExponentialSmoothingOptimized`.
pub(super) const SMOOTH_BOUNDS: (f64, f64) = (0.01, 0.99);
/// Bracket width at which a coordinate's golden section stops (SES, Holt, Holt-Winters).
const SMOOTH_TOL: f64 = 1e-9;
/// Golden sections never run more steps than this (the tolerances above need about 60).
const MAX_GOLDEN_STEPS: usize = 200;
/// Rounds of cyclic coordinate refinement after the grid, by number of free constants.
const ROUNDS: [usize; 4] = [0, 1, 4, 4];
/// Grid points per free constant, by number of free constants (19, 10x10, 6x6x6).
const GRID: [usize; 4] = [0, 19, 10, 6];

/// Golden-section search of the minimum of `f` on `[lo, hi]`: stops when the bracket is
/// narrower than `tol` or when both interior points score exactly the same, and returns the
/// bracket's midpoint.
///
/// The steps follow statsforecast's `golden_section_ses`, so that a unimodal objective gives the
/// same constant. A NaN score compares as a tie and stops the search.
pub(super) fn golden_section(mut f: impl FnMut(f64) -> f64, lo: f64, hi: f64, tol: f64) -> f64 {
    let ratio = (5f64.sqrt() + 1.0) / 2.0;
    let (mut a, mut b) = (lo, hi);
    let mut c = b - (b - a) / ratio;
    let mut d = a + (b - a) / ratio;
    let mut fc = f(c);
    let mut fd = f(d);
    let mut steps = 0;
    while (b - a).abs() >= tol && steps < MAX_GOLDEN_STEPS {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - (b - a) / ratio;
            fc = f(c);
        } else if fd < fc {
            a = c;
            c = d;
            fc = fd;
            d = a + (b - a) / ratio;
            fd = f(d);
        } else {
            break;
        }
        steps += 1;
    }
    (a + b) / 2.0
}

/// Minimises `sse` over the constants of `start` that are `None`, each in [`SMOOTH_BOUNDS`];
/// the given ones stay fixed. Returns all constants.
///
/// A regular grid over the free constants (19 points for one, 10 per axis for two, 6 for three,
/// bounds included), the first best point in grid order kept, then rounds of cyclic coordinate
/// golden-section search in a window of one grid step around the incumbent, halved each round. A
/// move is kept only when it lowers the objective, so the result is never worse than the best
/// grid point. Deterministic; a local search, so not guaranteed to find a global minimum of a
/// multimodal objective.
///
/// Evaluations: 19 + ~45 for one free constant, 100 + ~300 for two, 216 + ~450 for three.
pub(super) fn minimize<const N: usize>(start: [Option<f64>; N], mut sse: impl FnMut([f64; N]) -> f64) -> [f64; N] {
    let (lo, hi) = SMOOTH_BOUNDS;
    let mut free = [0usize; N];
    let mut n_free = 0;
    let mut x = [0.0; N];
    for (i, s) in start.iter().enumerate() {
        match s {
            Some(v) => x[i] = *v,
            None => {
                free[n_free] = i;
                n_free += 1;
            }
        }
    }
    let free = &free[..n_free];
    if free.is_empty() {
        return x;
    }
    let points = GRID[n_free.min(3)];
    let step = (hi - lo) / (points - 1) as f64;
    let grid_value = |k: usize| if k + 1 == points { hi } else { lo + k as f64 * step };
    // Grid in lexicographic order over the free constants.
    let mut best = x;
    let mut best_sse = f64::INFINITY;
    let total = points.pow(n_free as u32);
    for cell in 0..total {
        let mut rest = cell;
        let mut probe = x;
        for &i in free.iter().rev() {
            probe[i] = grid_value(rest % points);
            rest /= points;
        }
        let s = finite_or_max(sse(probe));
        // The first of equal scores wins.
        if cell == 0 || s < best_sse {
            best_sse = s;
            best = probe;
        }
    }
    let mut window = step;
    for _ in 0..ROUNDS[n_free.min(3)] {
        for &i in free {
            let a = (best[i] - window).max(lo);
            let b = (best[i] + window).min(hi);
            let mut probe = best;
            let v = golden_section(
                |v| {
                    probe[i] = v;
                    sse(probe)
                },
                a,
                b,
                SMOOTH_TOL,
            );
            probe[i] = v;
            let s = finite_or_max(sse(probe));
            if s < best_sse {
                best_sse = s;
                best = probe;
            }
        }
        window /= 2.0;
    }
    best
}

/// A NaN objective (impossible on validated series, kept for robustness) never wins.
fn finite_or_max(s: f64) -> f64 {
    if s.is_nan() {
        f64::INFINITY
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_section_finds_a_parabola_minimum() {
        let x = golden_section(|v| (v - 0.17) * (v - 0.17), 0.1, 0.3, 1e-12);
        assert!((x - 0.17).abs() < 1e-9, "{x}");
    }

    #[test]
    fn golden_section_stops_on_a_flat_objective_at_the_midpoint() {
        assert_eq!(golden_section(|_| 0.0, 0.1, 0.3, 1e-12), 0.2);
    }

    #[test]
    fn minimize_keeps_fixed_constants_and_finds_free_ones() {
        let x = minimize([Some(0.5), None, None], |p| (p[1] - 0.33).powi(2) + (p[2] - 0.71).powi(2) + p[0]);
        assert_eq!(x[0], 0.5);
        assert!((x[1] - 0.33).abs() < 1e-6 && (x[2] - 0.71).abs() < 1e-6, "{x:?}");
        let one = minimize([None], |p| (p[0] - 0.42).abs());
        assert!((one[0] - 0.42).abs() < 1e-8, "{one:?}");
        assert_eq!(minimize([Some(0.2)], |_| 1.0), [0.2]);
    }

    #[test]
    fn minimize_on_a_flat_objective_returns_the_first_grid_point() {
        assert_eq!(minimize([None, None], |_| 3.0), [0.01, 0.01]);
    }
}
