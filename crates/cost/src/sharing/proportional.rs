//! Allocations from a handful of coalition costs: proportional rules and the separable costs
//! remaining benefits method.

use super::game::{check_players, evaluate};
use super::{Coalition, CoalitionCost};
use crate::CostError;

/// Splits `total` in proportion to `weights`: player `i` pays `total · w_i / Σ w`.
///
/// With the stand-alone costs c({i}) as weights this is the stand-alone proportional rule (see
/// [`proportional_to_stand_alone`]); with each supplier's tonne-km, pallet-km or volume it is
/// the usual load-based rule.
///
/// # Arguments
/// - `total`: the cost to share, c(N); finite and non-negative.
/// - `weights`: one weight per player; finite, non-negative, not all zero.
///
/// # Returns
/// The shares, in player order; they sum to `total` (up to rounding).
///
/// # Errors
/// [`CostError::InvalidInput`] naming the total or the player whose weight is NaN, infinite or
/// negative, or the weights when there are none or they sum to zero.
///
/// # Complexity
/// O(n) time and memory.
///
/// # Reference
/// Tijs & Driessen (1986), "Game theory and cost allocation problems", Management Science
/// 32(8): 1015-1028 (proportional rules as the baseline of game-theoretic allocation).
///
/// # Example
/// ```
/// // A 900 EUR loop shared by tonne-km: 2, 3 and 4 t·km.
/// let shares = milkrun_cost::sharing::proportional(900.0, &[2.0, 3.0, 4.0])?;
/// assert_eq!(shares, vec![200.0, 300.0, 400.0]);
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
pub fn proportional(total: f64, weights: &[f64]) -> Result<Vec<f64>, CostError> {
    if !total.is_finite() || total < 0.0 {
        return Err(CostError::invalid("total cost", format!("{total} is not a finite non-negative number")));
    }
    if weights.is_empty() {
        return Err(CostError::invalid("weights", "no players: the coalition is empty"));
    }
    let mut sum = 0.0;
    for (i, &w) in weights.iter().enumerate() {
        if !w.is_finite() || w < 0.0 {
            return Err(CostError::invalid(
                format!("player {i} weight"),
                format!("{w} is not a finite non-negative number"),
            ));
        }
        sum += w;
    }
    if !sum.is_finite() || sum <= 0.0 {
        return Err(CostError::invalid("weights", format!("sum to {sum}: nothing to share by")));
    }
    Ok(weights.iter().map(|&w| total * (w / sum)).collect())
}

/// Splits the grand coalition's cost in proportion to the stand-alone costs c({i}).
///
/// # Arguments
/// - `players`: the number of players `n`, 1 to [`Coalition::MAX_PLAYERS`].
/// - `cost`: the coalition cost function (a closure or `&Game`).
///
/// # Returns
/// x_i = c(N) · c({i}) / Σ_j c({j}), in player order.
///
/// # Errors
/// The caller's error; [`CostError::InvalidInput`] for no players, more than 64, a bad cost
/// (naming the coalition) or stand-alone costs that are all zero.
///
/// # Complexity
/// n + 1 evaluations of `cost` (each singleton and the grand coalition); O(n) memory.
///
/// # Reference
/// Tijs & Driessen (1986), "Game theory and cost allocation problems", Management Science
/// 32(8): 1015-1028.
pub fn proportional_to_stand_alone<C: CoalitionCost>(players: usize, mut cost: C) -> Result<Vec<f64>, CostError> {
    let grand = grand(players)?;
    let total = evaluate(&mut cost, grand)?;
    let alone = stand_alone(players, &mut cost, grand, total)?;
    if alone.iter().all(|&c| c == 0.0) {
        return Err(CostError::invalid("stand-alone costs", "all zero: nothing to share by"));
    }
    proportional(total, &alone)
}

/// The separable costs remaining benefits (SCRB) allocation.
///
/// Each player pays its separable cost m_i = c(N) − c(N∖{i}) (what it adds to the loop) plus a
/// share of the non-separable cost g = c(N) − Σ m_j in proportion to its remaining benefit
/// r_i = c({i}) − m_i (what joining saves it beyond its separable cost):
/// x_i = m_i + g · r_i / Σ r_j. With the stand-alone cost as each player's alternative this is
/// also the alternative cost avoided method (ACAM). When the remaining benefits sum to zero the
/// players pay m_i, which is possible only when g is zero too.
///
/// # Arguments
/// - `players`: the number of players `n`, 1 to [`Coalition::MAX_PLAYERS`].
/// - `cost`: the coalition cost function (a closure or `&Game`).
///
/// # Returns
/// The shares, in player order; they sum to c(N).
///
/// # Errors
/// The caller's error; [`CostError::InvalidInput`] for no players, more than 64 or a bad cost;
/// [`CostError::NoSolution`] when the remaining benefits sum to zero or less while a
/// non-separable cost is left (a game far from subadditive).
///
/// # Complexity
/// 2n + 1 evaluations of `cost` (N, each N∖{i}, each {i}; n + 1 for a single player); O(n)
/// memory.
///
/// # Reference
/// Tijs & Driessen (1986), "Game theory and cost allocation problems", Management Science
/// 32(8): 1015-1028; Young, Okada & Hashimoto (1982), "Cost allocation in water resources
/// development", Water Resources Research 18(3): 463-475.
pub fn separable_costs_remaining_benefits<C: CoalitionCost>(
    players: usize,
    mut cost: C,
) -> Result<Vec<f64>, CostError> {
    const METHOD: &str = "separable costs remaining benefits";
    let grand = grand(players)?;
    let total = evaluate(&mut cost, grand)?;
    let alone = stand_alone(players, &mut cost, grand, total)?;
    let mut separable = Vec::with_capacity(players);
    for i in 0..players {
        let rest = grand.without(i);
        let without = if rest.is_empty() { 0.0 } else { evaluate(&mut cost, rest)? };
        separable.push(total - without);
    }
    let remaining: Vec<f64> = alone.iter().zip(&separable).map(|(c, m)| c - m).collect();
    let non_separable = total - separable.iter().sum::<f64>();
    let remaining_sum: f64 = remaining.iter().sum();
    let tolerance = 1e-12 * alone.iter().fold(total, |a, &b| a.max(b)).max(f64::MIN_POSITIVE);
    if remaining_sum > tolerance {
        Ok(separable.iter().zip(&remaining).map(|(m, r)| m + non_separable * (r / remaining_sum)).collect())
    } else if non_separable.abs() <= tolerance {
        Ok(separable)
    } else {
        Err(CostError::NoSolution {
            method: METHOD,
            reason: format!(
                "remaining benefits sum to {remaining_sum} while the non-separable cost {non_separable} is left"
            ),
        })
    }
}

fn grand(players: usize) -> Result<Coalition, CostError> {
    check_players("coalition", players, usize::MAX)?;
    Coalition::grand(players).ok_or_else(|| {
        CostError::invalid("players", format!("{players} exceed the {} a coalition holds", Coalition::MAX_PLAYERS))
    })
}

/// The stand-alone costs, reusing c(N) for a single player.
fn stand_alone<C: CoalitionCost>(
    players: usize,
    cost: &mut C,
    grand: Coalition,
    total: f64,
) -> Result<Vec<f64>, CostError> {
    (0..players)
        .map(|i| {
            let one = Coalition(1 << i);
            if one == grand {
                Ok(total)
            } else {
                evaluate(cost, one)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// c(1)=6, c(2)=7, c(3)=8, c(12)=10, c(13)=11, c(23)=12, c(123)=15 (players 0, 1, 2).
    fn three(s: Coalition) -> Result<f64, CostError> {
        Ok([0.0, 6.0, 7.0, 10.0, 8.0, 11.0, 12.0, 15.0][s.0 as usize])
    }

    #[test]
    fn stand_alone_proportional_by_hand() {
        // 15 · (6, 7, 8) / 21 = (30/7, 5, 40/7).
        let x = proportional_to_stand_alone(3, three).unwrap();
        for (a, b) in x.iter().zip([30.0 / 7.0, 5.0, 40.0 / 7.0]) {
            assert!((a - b).abs() < 1e-12, "{x:?}");
        }
    }

    #[test]
    fn scrb_by_hand() {
        // m = (15−12, 15−11, 15−10) = (3, 4, 5), g = 15 − 12 = 3, r = (6−3, 7−4, 8−5) = (3, 3, 3):
        // x = m + 3 · r / 9 = (4, 5, 6).
        let x = separable_costs_remaining_benefits(3, three).unwrap();
        for (a, b) in x.iter().zip([4.0, 5.0, 6.0]) {
            assert!((a - b).abs() < 1e-12, "{x:?}");
        }
    }

    #[test]
    fn single_player_pays_everything() {
        let one = |_: Coalition| Ok(5.0);
        assert_eq!(proportional_to_stand_alone(1, one).unwrap(), vec![5.0]);
        assert_eq!(separable_costs_remaining_benefits(1, one).unwrap(), vec![5.0]);
    }

    #[test]
    fn additive_game_pays_separable_costs() {
        // c(S) = |S|: m_i = 1, g = 0, r_i = 0.
        let additive = |s: Coalition| Ok(s.len() as f64);
        assert_eq!(separable_costs_remaining_benefits(4, additive).unwrap(), vec![1.0; 4]);
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(proportional(f64::NAN, &[1.0]).is_err());
        assert!(proportional(1.0, &[]).is_err());
        assert_eq!(
            proportional(1.0, &[1.0, -2.0]),
            Err(CostError::invalid("player 1 weight", "-2 is not a finite non-negative number"))
        );
        assert!(proportional(1.0, &[0.0, 0.0]).is_err());
        assert!(proportional_to_stand_alone(0, three).is_err());
        assert!(proportional_to_stand_alone(65, three).is_err());
        assert!(proportional_to_stand_alone(2, |s: Coalition| Ok(if s.len() == 1 { 0.0 } else { 1.0 })).is_err());
    }
}
