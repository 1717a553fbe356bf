//! A small dense linear program solver for programs with few free variables and many rows,
//! such as the Equal Profit Method's (n + 1 variables, 2^n + n² rows).
//!
//! The primal `min cᵀz s.t. a_r·z ≤ b_r (or = b_r), z free` is solved through its dual
//! `min bᵀu s.t. Σ_r a_r u_r = −c, u ≥ 0` (an equality row gives two columns, ±a_r), whose
//! tableau has one row per primal variable and one column per primal row: 13 × ~4 300 for
//! twelve players instead of ~4 300 × 4 300. The dual is solved by the two-phase tableau
//! simplex method with one artificial column per row; the primal optimum is the dual's vector
//! of simplex multipliers c_B B⁻¹, read from the artificial columns at the end. Pricing is
//! Dantzig's (most negative reduced cost) while pivots make progress, and Bland's smallest
//! index rule (Bland 1977, "New finite pivoting rules for the simplex method", Mathematics of
//! Operations Research 2(2): 103-107) from a degenerate pivot until the next non-degenerate
//! one, so the method cannot cycle.

/// Whether a row is an inequality `a·z ≤ b` or an equality `a·z = b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    /// `a·z ≤ b`.
    AtMost,
    /// `a·z = b`.
    Equal,
}

/// `min cᵀz` over free variables `z`, subject to dense rows.
#[derive(Debug, Clone)]
pub(crate) struct Lp {
    objective: Vec<f64>,
    /// Row-major, `vars` coefficients per row.
    coefficients: Vec<f64>,
    rhs: Vec<f64>,
    kinds: Vec<RowKind>,
}

/// The end of a solve.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// An optimal point.
    Optimal(Vec<f64>),
    /// No point satisfies the rows (the dual is unbounded).
    Infeasible,
    /// The objective is unbounded below, or the rows are infeasible too (the dual is
    /// infeasible).
    UnboundedOrInfeasible,
    /// The pivot limit was reached (numerical trouble).
    Stalled,
}

/// Entries below this are zero (the program is expected scaled to values near 1).
const EPS: f64 = 1e-10;
/// Phase 1 ends feasible when the artificials sum to at most this.
const FEASIBLE: f64 = 1e-8;

impl Lp {
    /// A program minimising `objective · z`, without rows yet.
    pub(crate) fn new(objective: Vec<f64>) -> Self {
        Self { objective, coefficients: Vec::new(), rhs: Vec::new(), kinds: Vec::new() }
    }

    /// Adds the row `coefficients · z (≤ or =) rhs`; `coefficients` has one entry per variable.
    pub(crate) fn add_row(&mut self, coefficients: &[f64], kind: RowKind, rhs: f64) {
        debug_assert_eq!(coefficients.len(), self.objective.len());
        self.coefficients.extend_from_slice(coefficients);
        self.rhs.push(rhs);
        self.kinds.push(kind);
    }

    /// Solves the program.
    ///
    /// Complexity: O(pivots · vars · (rows + vars)) time, O(vars · (rows + vars)) memory.
    pub(crate) fn minimize(&self) -> Outcome {
        let p = self.objective.len();
        // Dual columns: (coefficients of the column, its cost).
        let mut columns: Vec<(usize, f64)> = Vec::with_capacity(self.rhs.len() + 1);
        for (r, &kind) in self.kinds.iter().enumerate() {
            columns.push((r, 1.0));
            if kind == RowKind::Equal {
                columns.push((r, -1.0));
            }
        }
        let q = columns.len();
        let width = q + p;
        // Row k of the dual: Σ_r a_rk u_r = −c_k, flipped so that its right-hand side is ≥ 0.
        let sign: Vec<f64> = self.objective.iter().map(|&c| if c > 0.0 { -1.0 } else { 1.0 }).collect();
        let mut t = Tableau {
            rows: p,
            width,
            entries: vec![0.0; p * width],
            rhs: self.objective.iter().zip(&sign).map(|(&c, &s)| -c * s).collect(),
            basis: (q..width).collect(),
            reduced: vec![0.0; width],
            value: 0.0,
        };
        for (j, &(r, s)) in columns.iter().enumerate() {
            let row = &self.coefficients[r * p..(r + 1) * p];
            for k in 0..p {
                t.entries[k * width + j] = s * row[k] * sign[k];
            }
        }
        for k in 0..p {
            t.entries[k * width + q + k] = 1.0;
        }
        let cost: Vec<f64> = columns.iter().map(|&(r, s)| s * self.rhs[r]).collect();
        let limit = 50 * (width + p) + 1000;

        // Phase 1: minimise the sum of the artificials.
        let phase_one: Vec<f64> = (0..width).map(|j| if j < q { 0.0 } else { 1.0 }).collect();
        t.price(&phase_one);
        match t.run(q, limit) {
            Run::Optimal => {}
            Run::Unbounded | Run::Stalled => return Outcome::Stalled,
        }
        if t.value > FEASIBLE {
            return Outcome::UnboundedOrInfeasible;
        }
        // Drive the artificials left in the basis (at zero) out where a structural column can
        // replace them; a row where none can is redundant and keeps its artificial at zero.
        for r in 0..p {
            if t.basis[r] >= q {
                let row = &t.entries[r * width..r * width + q];
                let best =
                    (0..q).filter(|&j| row[j].abs() > EPS).max_by(|&a, &b| row[a].abs().total_cmp(&row[b].abs()));
                if let Some(j) = best {
                    t.rhs[r] = 0.0;
                    t.pivot(r, j);
                }
            }
        }

        // Phase 2: the dual's own costs; artificials cost nothing and never enter.
        let phase_two: Vec<f64> = (0..width).map(|j| if j < q { cost[j] } else { 0.0 }).collect();
        t.price(&phase_two);
        match t.run(q, limit) {
            Run::Optimal => {}
            Run::Unbounded => return Outcome::Infeasible,
            Run::Stalled => return Outcome::Stalled,
        }
        // z_k = (c_B B⁻¹)_k, the artificial column k holding B⁻¹ e_k, unflipped.
        let z = (0..p)
            .map(|k| {
                let multiplier: f64 = (0..p).map(|i| phase_two[t.basis[i]] * t.entries[i * width + q + k]).sum();
                multiplier * sign[k]
            })
            .collect();
        Outcome::Optimal(z)
    }
}

enum Run {
    Optimal,
    Unbounded,
    Stalled,
}

/// A dense simplex tableau in canonical form for its basis.
struct Tableau {
    rows: usize,
    width: usize,
    entries: Vec<f64>,
    rhs: Vec<f64>,
    basis: Vec<usize>,
    /// Reduced costs of every column under the current costs.
    reduced: Vec<f64>,
    /// The objective value of the current basic solution.
    value: f64,
}

impl Tableau {
    /// Computes the reduced costs and the value for `cost` from scratch.
    fn price(&mut self, cost: &[f64]) {
        self.reduced.copy_from_slice(cost);
        self.value = 0.0;
        for i in 0..self.rows {
            let cb = cost[self.basis[i]];
            if cb != 0.0 {
                let row = &self.entries[i * self.width..(i + 1) * self.width];
                for (d, &a) in self.reduced.iter_mut().zip(row) {
                    *d -= cb * a;
                }
                self.value += cb * self.rhs[i];
            }
        }
    }

    /// Pivots until optimal, letting only columns `0..enter_below` enter.
    fn run(&mut self, enter_below: usize, limit: usize) -> Run {
        let mut bland = false;
        for _ in 0..limit {
            let candidates = self.reduced[..enter_below].iter().enumerate().filter(|&(_, &d)| d < -EPS);
            let entering = if bland {
                candidates.map(|(j, _)| j).next()
            } else {
                candidates.min_by(|a, b| a.1.total_cmp(b.1)).map(|(j, _)| j)
            };
            let Some(j) = entering else { return Run::Optimal };
            // Ratio test; ties go to the smallest basic index (Bland).
            let mut leave: Option<(usize, f64)> = None;
            for i in 0..self.rows {
                let a = self.entries[i * self.width + j];
                if a > EPS {
                    let ratio = self.rhs[i].max(0.0) / a;
                    let better = match leave {
                        None => true,
                        Some((l, best)) => ratio < best - EPS || (ratio <= best + EPS && self.basis[i] < self.basis[l]),
                    };
                    if better {
                        leave = Some((i, ratio));
                    }
                }
            }
            let Some((r, ratio)) = leave else { return Run::Unbounded };
            bland = ratio <= EPS;
            self.pivot(r, j);
        }
        Run::Stalled
    }

    /// Makes column `j` basic in row `r`.
    fn pivot(&mut self, r: usize, j: usize) {
        let w = self.width;
        let inverse = 1.0 / self.entries[r * w + j];
        for a in &mut self.entries[r * w..(r + 1) * w] {
            *a *= inverse;
        }
        self.rhs[r] = (self.rhs[r] * inverse).max(0.0);
        self.entries[r * w + j] = 1.0;
        let (before, rest) = self.entries.split_at_mut(r * w);
        let (pivot_row, after) = rest.split_at_mut(w);
        for (i, row) in before.chunks_exact_mut(w).chain(after.chunks_exact_mut(w)).enumerate() {
            let i = if i < r { i } else { i + 1 };
            let factor = row[j];
            if factor != 0.0 {
                for (a, &p) in row.iter_mut().zip(pivot_row.iter()) {
                    *a -= factor * p;
                    if a.abs() < 1e-14 {
                        *a = 0.0;
                    }
                }
                row[j] = 0.0;
                self.rhs[i] = (self.rhs[i] - factor * self.rhs[r]).max(0.0);
            }
        }
        let factor = self.reduced[j];
        if factor != 0.0 {
            for (d, &p) in self.reduced.iter_mut().zip(pivot_row.iter()) {
                *d -= factor * p;
            }
            self.reduced[j] = 0.0;
            self.value += factor * self.rhs[r];
        }
        self.basis[r] = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sharing::rng::SplitMix64;

    fn solve(objective: &[f64], rows: &[(&[f64], RowKind, f64)]) -> Outcome {
        let mut lp = Lp::new(objective.to_vec());
        for &(a, kind, b) in rows {
            lp.add_row(a, kind, b);
        }
        lp.minimize()
    }

    fn close(z: &[f64], expected: &[f64]) -> bool {
        z.len() == expected.len() && z.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-7)
    }

    use RowKind::{AtMost, Equal};

    #[test]
    fn textbook_program() {
        // max x + y s.t. x + 2y ≤ 4, 3x + y ≤ 6, x, y ≥ 0: the corner (1.6, 1.2).
        let rows: [(&[f64], RowKind, f64); 4] = [
            (&[1.0, 2.0], AtMost, 4.0),
            (&[3.0, 1.0], AtMost, 6.0),
            (&[-1.0, 0.0], AtMost, 0.0),
            (&[0.0, -1.0], AtMost, 0.0),
        ];
        let Outcome::Optimal(z) = solve(&[-1.0, -1.0], &rows) else { panic!("not optimal") };
        assert!(close(&z, &[1.6, 1.2]), "{z:?}");
    }

    #[test]
    fn equalities_infeasible_unbounded() {
        // min x − y s.t. x + y = 3, x ≥ 0, y ≥ 0, y ≤ 2: (1, 2).
        let rows: [(&[f64], RowKind, f64); 4] = [
            (&[1.0, 1.0], Equal, 3.0),
            (&[-1.0, 0.0], AtMost, 0.0),
            (&[0.0, -1.0], AtMost, 0.0),
            (&[0.0, 1.0], AtMost, 2.0),
        ];
        let Outcome::Optimal(z) = solve(&[1.0, -1.0], &rows) else { panic!("not optimal") };
        assert!(close(&z, &[1.0, 2.0]), "{z:?}");
        // x ≤ 1 and x ≥ 2.
        let rows: [(&[f64], RowKind, f64); 2] = [(&[1.0], AtMost, 1.0), (&[-1.0], AtMost, -2.0)];
        assert_eq!(solve(&[1.0], &rows), Outcome::Infeasible);
        // min −x s.t. y ≤ 1.
        let rows: [(&[f64], RowKind, f64); 1] = [(&[0.0, 1.0], AtMost, 1.0)];
        assert_eq!(solve(&[-1.0, 0.0], &rows), Outcome::UnboundedOrInfeasible);
        // No rows and nothing to minimise: the origin.
        assert_eq!(solve(&[0.0, 0.0], &[]), Outcome::Optimal(vec![0.0, 0.0]));
    }

    #[test]
    fn beale_cycling_example() {
        // Beale (1955): min −3/4 x4 + 20 x5 − 1/2 x6 + 6 x7 s.t.
        // 1/4 x4 − 8 x5 − x6 + 9 x7 ≤ 0, 1/2 x4 − 12 x5 − 1/2 x6 + 3 x7 ≤ 0, x6 ≤ 1, x ≥ 0.
        // Dantzig's rule cycles on it without an anti-cycling rule; the optimum is −5/4.
        let mut rows: Vec<(Vec<f64>, RowKind, f64)> = vec![
            (vec![0.25, -8.0, -1.0, 9.0], AtMost, 0.0),
            (vec![0.5, -12.0, -0.5, 3.0], AtMost, 0.0),
            (vec![0.0, 0.0, 1.0, 0.0], AtMost, 1.0),
        ];
        for k in 0..4 {
            let mut a = vec![0.0; 4];
            a[k] = -1.0;
            rows.push((a, AtMost, 0.0));
        }
        let objective = [-0.75, 20.0, -0.5, 6.0];
        let rows: Vec<(&[f64], RowKind, f64)> = rows.iter().map(|(a, k, b)| (a.as_slice(), *k, *b)).collect();
        let Outcome::Optimal(z) = solve(&objective, &rows) else { panic!("not optimal") };
        let value: f64 = objective.iter().zip(&z).map(|(c, x)| c * x).sum();
        assert!((value + 1.25).abs() < 1e-9, "{z:?} {value}");
    }

    /// The best vertex by enumeration of every choice of `vars` rows made tight.
    fn brute_force(objective: &[f64], rows: &[(Vec<f64>, f64)]) -> Option<f64> {
        let p = objective.len();
        let m = rows.len();
        let mut best: Option<f64> = None;
        let mut pick = vec![0usize; p];
        fn next(pick: &mut [usize], m: usize) -> bool {
            let p = pick.len();
            for k in (0..p).rev() {
                if pick[k] < m - p + k {
                    pick[k] += 1;
                    for l in k + 1..p {
                        pick[l] = pick[l - 1] + 1;
                    }
                    return true;
                }
            }
            false
        }
        for (k, v) in pick.iter_mut().enumerate() {
            *v = k;
        }
        loop {
            // Gaussian elimination with partial pivoting on the chosen rows.
            let mut a: Vec<Vec<f64>> = pick
                .iter()
                .map(|&r| {
                    let mut row = rows[r].0.clone();
                    row.push(rows[r].1);
                    row
                })
                .collect();
            let mut singular = false;
            for c in 0..p {
                let Some(piv) = (c..p).max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs())) else { break };
                if a[piv][c].abs() < 1e-9 {
                    singular = true;
                    break;
                }
                a.swap(c, piv);
                let pivot = a[c].clone();
                for (r, row) in a.iter_mut().enumerate() {
                    if r != c {
                        let f = row[c] / pivot[c];
                        for (x, y) in row[c..].iter_mut().zip(&pivot[c..]) {
                            *x -= f * y;
                        }
                    }
                }
            }
            if !singular {
                let z: Vec<f64> = (0..p).map(|c| a[c][p] / a[c][c]).collect();
                let feasible =
                    rows.iter().all(|(row, b)| row.iter().zip(&z).map(|(x, y)| x * y).sum::<f64>() <= b + 1e-7);
                if feasible {
                    let value: f64 = objective.iter().zip(&z).map(|(c, x)| c * x).sum();
                    best = Some(best.map_or(value, |b: f64| b.min(value)));
                }
            }
            if !next(&mut pick, m) {
                return best;
            }
        }
    }

    #[test]
    fn random_boxed_programs_match_vertex_enumeration() {
        let mut rng = SplitMix64::new(2024);
        let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
        for case in 0..300 {
            let p = 2 + case % 2;
            let objective: Vec<f64> = (0..p).map(|_| uniform()).collect();
            // A box −1 ≤ z ≤ 1 keeps the program bounded; random cuts may empty it.
            let mut rows: Vec<(Vec<f64>, f64)> = Vec::new();
            for k in 0..p {
                let mut a = vec![0.0; p];
                a[k] = 1.0;
                rows.push((a.clone(), 1.0));
                a[k] = -1.0;
                rows.push((a, 1.0));
            }
            for _ in 0..(case % 5) {
                rows.push(((0..p).map(|_| uniform()).collect(), uniform() * 0.8));
            }
            let mut lp = Lp::new(objective.clone());
            for (a, b) in &rows {
                lp.add_row(a, AtMost, *b);
            }
            let expected = brute_force(&objective, &rows);
            match (lp.minimize(), expected) {
                (Outcome::Optimal(z), Some(best)) => {
                    let value: f64 = objective.iter().zip(&z).map(|(c, x)| c * x).sum();
                    assert!((value - best).abs() < 1e-7, "case {case}: {value} vs {best}");
                    for (a, b) in &rows {
                        assert!(a.iter().zip(&z).map(|(x, y)| x * y).sum::<f64>() <= b + 1e-7, "case {case}");
                    }
                }
                (Outcome::Infeasible, None) => {}
                (got, expected) => panic!("case {case}: {got:?} vs {expected:?}"),
            }
        }
    }
}
