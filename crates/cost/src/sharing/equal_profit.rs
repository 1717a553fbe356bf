//! The Equal Profit Method of Frisk, Göthe-Lundgren, Jörnsten & Rönnqvist (2010).

use super::core_check::core_check;
use super::game::check_players;
use super::simplex::{Lp, Outcome, RowKind};
use super::Game;
use crate::CostError;

const METHOD: &str = "Equal Profit Method";

/// The largest number of players [`equal_profit`] accepts: its program has 2^n + n² rows.
pub const EQUAL_PROFIT_MAX_PLAYERS: usize = 14;

/// An Equal Profit Method allocation, from [`equal_profit`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EqualProfit {
    /// Each player's share x_i, in player order; they sum to c(N).
    pub shares: Vec<f64>,
    /// Each player's relative saving 1 − x_i / c({i}) against serving itself alone.
    pub relative_savings: Vec<f64>,
    /// The largest difference between two players' relative savings, the program's optimum f
    /// (0 when everyone saves the same fraction).
    pub spread: f64,
}

/// The Equal Profit Method: the core allocation whose relative savings are as equal as
/// possible.
///
/// Solves the linear program
///
/// ```text
/// min f  s.t.  f ≥ x_i / c({i}) − x_j / c({j})  for all i ≠ j,
///              Σ_{i∈S} x_i ≤ c(S)                for every proper coalition S,
///              Σ_i x_i = c(N),
/// ```
///
/// with n + 1 free variables and 2^n + n² − n − 1 rows, in the variables u_i = x_i / c({i})
/// (which keeps the coefficients near 1) and costs scaled by the largest, through the dual
/// simplex tableau of a small dense solver (Dantzig pricing, Bland's rule on degenerate
/// pivots). The allocation found is checked against the core by [`core_check`].
///
/// The program may have several optima, and a vertex the solver returns may treat symmetric
/// players differently. So players are then grouped into classes of interchangeable ones
/// (i and j are interchangeable when c(S ∪ {i}) = c(S ∪ {j}) for every S holding neither)
/// and each class's shares are replaced by their mean. Swapping two interchangeable players
/// maps the core onto itself and leaves the spread unchanged, and both are convex, so the
/// mean is still in the core with a spread no larger: the result is checked again, and the
/// solver's vertex kept should rounding ever say otherwise. Interchangeable players (suppliers
/// at the same address, say) thus always pay the same.
///
/// # Arguments
/// - `game`: the tabulated game; every stand-alone cost c({i}) must be positive.
///
/// # Returns
/// The shares, the relative savings and their spread.
///
/// # Errors
/// [`CostError::NoSolution`] when the core is empty (no allocation recovers c(N) without some
/// coalition paying more than alone) or the solver runs into numerical trouble;
/// [`CostError::InvalidInput`] naming a player whose stand-alone cost is zero (its relative
/// saving is undefined); [`CostError::TooManyPlayers`] above [`EQUAL_PROFIT_MAX_PLAYERS`].
///
/// # Complexity
/// The tableau has n + 1 rows and about 2^n + n² columns: O(n · (2^n + n²)) memory and as much
/// time per pivot; the number of pivots is small in practice (polynomially bounded only on
/// average). Finding the interchangeable players takes O(n² · 2^n) comparisons. Twelve
/// players take milliseconds.
///
/// # Reference
/// Frisk, Göthe-Lundgren, Jörnsten & Rönnqvist (2010), "Cost allocation in collaborative
/// forest transportation", European Journal of Operational Research 205(2): 448-458.
///
/// # Example
/// ```
/// use milkrun_cost::sharing::{equal_profit, Game};
///
/// // Three suppliers alone at 10 each; 0 and 1 together 12, anyone with 2 gains nothing
/// // (20), all three 22. Supplier 2 must pay 10 (22 − c(01)) and 0 and 1 split 12.
/// let game = Game::from_costs(3, vec![0.0, 10.0, 10.0, 12.0, 10.0, 20.0, 20.0, 22.0])?;
/// let epm = equal_profit(&game)?;
/// assert!((epm.shares[2] - 10.0).abs() < 1e-9);
/// assert!((epm.spread - 0.4).abs() < 1e-9);
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
pub fn equal_profit(game: &Game) -> Result<EqualProfit, CostError> {
    let n = game.players();
    check_players(METHOD, n, EQUAL_PROFIT_MAX_PLAYERS)?;
    let alone = game.stand_alone_costs();
    if let Some(i) = alone.iter().position(|&c| c <= 0.0) {
        return Err(CostError::invalid(
            format!("player {i} stand-alone cost"),
            "is zero: the Equal Profit Method's relative saving is undefined",
        ));
    }
    let shares = if n == 1 { vec![game.grand_cost()] } else { solve(game, &alone)? };
    let relative: Vec<f64> = shares.iter().zip(&alone).map(|(x, c)| x / c).collect();
    let high = relative.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let low = relative.iter().copied().fold(f64::INFINITY, f64::min);
    Ok(EqualProfit { relative_savings: relative.iter().map(|u| 1.0 - u).collect(), spread: high - low, shares })
}

/// Builds and solves the program for two or more players with positive stand-alone costs.
fn solve(game: &Game, alone: &[f64]) -> Result<Vec<f64>, CostError> {
    let n = alone.len();
    let costs = game.costs();
    let scale = costs.iter().copied().fold(0.0, f64::max);
    let weight: Vec<f64> = alone.iter().map(|c| c / scale).collect();
    let full = costs.len() - 1;
    // Variables u_0..u_{n−1}, then f.
    let mut objective = vec![0.0; n + 1];
    objective[n] = 1.0;
    let mut lp = Lp::new(objective);
    let mut row = vec![0.0; n + 1];
    for (mask, &c) in costs.iter().enumerate().skip(1) {
        for (i, a) in row.iter_mut().enumerate().take(n) {
            *a = if mask >> i & 1 == 1 { weight[i] } else { 0.0 };
        }
        let kind = if mask == full { RowKind::Equal } else { RowKind::AtMost };
        lp.add_row(&row, kind, c / scale);
    }
    for i in 0..n {
        for j in 0..n {
            if i != j {
                row.fill(0.0);
                row[i] = 1.0;
                row[j] = -1.0;
                row[n] = -1.0;
                lp.add_row(&row, RowKind::AtMost, 0.0);
            }
        }
    }
    let z = match lp.minimize() {
        Outcome::Optimal(z) => z,
        Outcome::Infeasible => {
            return Err(CostError::NoSolution {
                method: METHOD,
                reason: format!(
                    "the core is empty: no allocation recovers c(N) = {} without some coalition paying more than alone",
                    game.grand_cost()
                ),
            })
        }
        Outcome::UnboundedOrInfeasible | Outcome::Stalled => {
            return Err(CostError::NoSolution {
                method: METHOD,
                reason: "the simplex method ran into numerical trouble".to_owned(),
            })
        }
    };
    let shares: Vec<f64> = z.iter().zip(alone).map(|(u, c)| u * c).collect();
    let tolerance = 1e-7 * scale;
    let verdict = core_check(game, &shares, tolerance)?;
    if !verdict.in_core {
        let reason = match verdict.violation() {
            Some(v) => format!("numerical trouble: coalition {} would pay {} above its cost", v.coalition, v.excess),
            None => {
                format!("numerical trouble: the shares sum to {} instead of {}", verdict.allocated, verdict.grand_cost)
            }
        };
        return Err(CostError::NoSolution { method: METHOD, reason });
    }
    let symmetric = average_over_classes(&shares, &interchangeable_classes(game, scale));
    if symmetric != shares
        && core_check(game, &symmetric, tolerance)?.in_core
        && spread(&symmetric, alone) <= spread(&shares, alone) + 1e-9
    {
        return Ok(symmetric);
    }
    Ok(shares)
}

/// The largest difference between two players' relative costs x_i / c({i}).
fn spread(shares: &[f64], alone: &[f64]) -> f64 {
    let relative = shares.iter().zip(alone).map(|(x, c)| x / c);
    let high = relative.clone().fold(f64::NEG_INFINITY, f64::max);
    let low = relative.fold(f64::INFINITY, f64::min);
    high - low
}

/// The classes of interchangeable players, each in increasing order, classes by their
/// smallest member. Players i and j are interchangeable when c(S ∪ {i}) and c(S ∪ {j}) agree
/// within 1e-12 · `scale` for every S holding neither; a player joins the first class all of
/// whose members it is interchangeable with (with exact ties the relation is an equivalence,
/// and the classes are its classes).
fn interchangeable_classes(game: &Game, scale: f64) -> Vec<Vec<usize>> {
    let n = game.players();
    let costs = game.costs();
    let tie = 1e-12 * scale;
    let same = |i: usize, j: usize| {
        let (bi, bj) = (1usize << i, 1usize << j);
        (0..costs.len()).filter(|s| s & (bi | bj) == 0).all(|s| match (costs.get(s | bi), costs.get(s | bj)) {
            (Some(a), Some(b)) => (a - b).abs() <= tie,
            _ => false,
        })
    };
    let mut classes: Vec<Vec<usize>> = Vec::new();
    for i in 0..n {
        match classes.iter_mut().find(|class| class.iter().all(|&j| same(i, j))) {
            Some(class) => class.push(i),
            None => classes.push(vec![i]),
        }
    }
    classes
}

/// `shares` with each class's shares replaced by their mean.
fn average_over_classes(shares: &[f64], classes: &[Vec<usize>]) -> Vec<f64> {
    let mut out = shares.to_vec();
    for class in classes.iter().filter(|c| c.len() > 1) {
        let mean = class.iter().filter_map(|&i| shares.get(i)).sum::<f64>() / class.len() as f64;
        for &i in class {
            if let Some(x) = out.get_mut(i) {
                *x = mean;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_relative_savings_when_the_core_allows() {
        // c(1)=6, c(2)=7, c(3)=8, c(12)=10, c(13)=11, c(23)=12, c(123)=15. Everyone paying the
        // same fraction 15/21 = 5/7 of its stand-alone cost gives (30/7, 5, 40/7): pairs pay
        // 65/7 ≈ 9.29 ≤ 10, 10 ≤ 11, 75/7 ≈ 10.71 ≤ 12, so it is in the core and f = 0.
        let game = Game::from_costs(3, vec![0.0, 6.0, 7.0, 10.0, 8.0, 11.0, 12.0, 15.0]).unwrap();
        let epm = equal_profit(&game).unwrap();
        for (a, b) in epm.shares.iter().zip([30.0 / 7.0, 5.0, 40.0 / 7.0]) {
            assert!((a - b).abs() < 1e-9, "{epm:?}");
        }
        assert!(epm.spread.abs() < 1e-9);
        assert!(epm.relative_savings.iter().all(|s| (s - 2.0 / 7.0).abs() < 1e-9));
    }

    #[test]
    fn core_binds() {
        // c(i) = 10, c(12) = 12, c(13) = c(23) = 20, c(123) = 22. x3 ≥ 22 − 12 = 10 = c(3), so
        // x3 = 10, x1 + x2 = 12; the spread max(|u1 − u2|, 1 − u1, 1 − u2) with u = x/10 is
        // least at x1 = x2 = 6: u = (0.6, 0.6, 1), f = 0.4.
        let game = Game::from_costs(3, vec![0.0, 10.0, 10.0, 12.0, 10.0, 20.0, 20.0, 22.0]).unwrap();
        let epm = equal_profit(&game).unwrap();
        for (a, b) in epm.shares.iter().zip([6.0, 6.0, 10.0]) {
            assert!((a - b).abs() < 1e-9, "{epm:?}");
        }
        assert!((epm.spread - 0.4).abs() < 1e-9);
    }

    #[test]
    fn symmetric_players_pay_the_same_when_the_optimum_is_not_unique() {
        // Four players alone at 10; c(S) = 10 |S| except c({2,3}) = 14, c({0,1,2}) = 16 and
        // c(N) = 26. Players 0 and 1 are interchangeable: c(S+0) = c(S+1) for S = ∅, {2}, {3},
        // {2,3} (10, 20, 20, 30). x3 ≥ 26 − c(012) = 10 = c(3) pins x3 = 10, so u3 = 1;
        // x2 ≤ c(23) − x3 = 4, so u2 ≤ 0.4 and f ≥ 1 − 0.4 = 0.6, reached with x2 = 4. Then
        // x0 + x1 = 26 − 14 = 12 with u0, u1 anywhere in [0.4, 1]: every x0 in [4, 8] is optimal
        // and the program's vertices are x0 = 4 and x0 = 8. The symmetric optimum is (6, 6).
        let mut costs: Vec<f64> = (0u32..16).map(|s| 10.0 * f64::from(s.count_ones())).collect();
        costs[0b1100] = 14.0;
        costs[0b0111] = 16.0;
        costs[0b1111] = 26.0;
        let game = Game::from_costs(4, costs).unwrap();
        assert_eq!(interchangeable_classes(&game, 26.0), vec![vec![0, 1], vec![2], vec![3]]);
        let epm = equal_profit(&game).unwrap();
        for (a, b) in epm.shares.iter().zip([6.0, 6.0, 4.0, 10.0]) {
            assert!((a - b).abs() < 1e-9, "{epm:?}");
        }
        assert!((epm.spread - 0.6).abs() < 1e-9);
    }

    #[test]
    fn empty_core_is_reported() {
        // c(i) = c(ij) = 1, c(123) = 1.6: pairs force 2 Σ x ≤ 3, below 1.6 · 2.
        let game = Game::from_costs(3, vec![0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.6]).unwrap();
        assert!(matches!(equal_profit(&game), Err(CostError::NoSolution { method: METHOD, .. })));
    }

    #[test]
    fn one_player_zero_costs_and_size() {
        let one = Game::from_costs(1, vec![0.0, 4.0]).unwrap();
        let epm = equal_profit(&one).unwrap();
        assert_eq!((epm.shares, epm.spread), (vec![4.0], 0.0));
        let free_rider = Game::from_costs(2, vec![0.0, 0.0, 3.0, 3.0]).unwrap();
        assert!(matches!(equal_profit(&free_rider), Err(CostError::InvalidInput { .. })));
        let big = Game::from_fn(15, |s: super::super::Coalition| Ok(s.len() as f64)).unwrap();
        assert_eq!(
            equal_profit(&big),
            Err(CostError::TooManyPlayers { method: METHOD, max: EQUAL_PROFIT_MAX_PLAYERS, got: 15 })
        );
    }
}
