//! Rounding an allocation to money without losing or inventing a minor unit.

use milkrun_model::Money;

use crate::CostError;

/// Remainders are compared in units of 1e-9 of a minor unit, so that shares equal up to
/// floating-point noise tie (and the tie goes to the lower index) instead of being ordered by
/// the noise.
const REMAINDER_QUANTUM: f64 = 1e9;

/// Rounds an allocation in minor units of money (the shares of [`shapley`](super::shapley),
/// [`equal_profit`](super::equal_profit), [`proportional`](super::proportional)... of a game
/// whose costs are in cents, say) to [`Money`], keeping its total exact.
///
/// The total is Σ x_i rounded half away from zero. Each share is rounded down, and the minor
/// units left over go one each to the shares with the largest fractional remainders
/// (Hamilton's largest remainder method); remainders equal within 1e-9 of a minor unit tie,
/// and ties go to the lower player index, so the result is deterministic and symmetric
/// players' shares differ by at most one minor unit.
///
/// # Arguments
/// - `shares`: one finite share per player, in minor units; negative shares (a player paid to
///   join) are allowed.
///
/// # Returns
/// One amount per share, each within one minor unit of the share, summing exactly to the
/// rounded total.
///
/// # Errors
/// [`CostError::InvalidInput`] naming the player for a share that is not finite or does not
/// fit in [`Money`] (beyond ±9e18), or when the total does not fit.
///
/// # Complexity
/// O(n log n).
///
/// # Example
/// ```
/// use milkrun_cost::sharing::{round_to_money, shapley, Coalition, Game};
/// use milkrun_model::Money;
///
/// // Three suppliers sharing 100 cents equally: 33.33 each, the cent left over to the first.
/// let game = Game::from_fn(3, |s: Coalition| Ok(if s.len() == 3 { 100.0 } else { 40.0 * s.len() as f64 }))?;
/// assert_eq!(round_to_money(&shapley(&game))?, vec![Money(34), Money(33), Money(33)]);
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
pub fn round_to_money(shares: &[f64]) -> Result<Vec<Money>, CostError> {
    let mut floors = Vec::with_capacity(shares.len());
    let mut remainders = Vec::with_capacity(shares.len());
    for (i, &x) in shares.iter().enumerate() {
        if !x.is_finite() || x.abs() >= 9.0e18 {
            return Err(CostError::invalid(format!("player {i} share"), format!("{x} is not an amount of money")));
        }
        let floor = x.floor();
        floors.push(floor as i64);
        remainders.push(((x - floor) * REMAINDER_QUANTUM).round() as i64);
    }
    let sum: f64 = shares.iter().sum();
    if !sum.is_finite() || sum.abs() >= 9.0e18 {
        return Err(CostError::invalid("shares total", format!("{sum} is not an amount of money")));
    }
    let total = sum.round() as i128;
    let floor_sum: i128 = floors.iter().map(|&f| i128::from(f)).sum();
    // Σ ⌊x_i⌋ ≤ Σ x_i < Σ ⌊x_i⌋ + n, so 0 ≤ left ≤ n; only the rounding of a float sum of huge
    // shares could take it outside, and then units are taken back from the smallest remainders
    // (or handed round again), so that the total is always exact.
    let left = total - floor_sum;
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(remainders[i]), i));
    let units = usize::try_from(left.unsigned_abs()).unwrap_or(usize::MAX);
    let (step, picks): (i64, Vec<usize>) = if left >= 0 {
        (1, order.iter().copied().cycle().take(units).collect())
    } else {
        (-1, order.iter().rev().copied().cycle().take(units).collect())
    };
    for i in picks {
        floors[i] = floors[i]
            .checked_add(step)
            .ok_or_else(|| CostError::invalid(format!("player {i} share"), "rounded amount does not fit in Money"))?;
    }
    Ok(floors.into_iter().map(Money).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked_largest_remainders() {
        // 2.5 × 4 = 10: floors 2 each (8), two cents left, all remainders 0.5: players 0 and 1.
        assert_eq!(round_to_money(&[2.5; 4]).unwrap(), vec![Money(3), Money(3), Money(2), Money(2)]);
        // 1.2 + 2.7 + 3.1 = 7: floors 1, 2, 3 (6), one cent to the largest remainder 0.7.
        assert_eq!(round_to_money(&[1.2, 2.7, 3.1]).unwrap(), vec![Money(1), Money(3), Money(3)]);
        // Negative shares: −1.5 + 4.5 = 3: floors −2, 4 (2), one cent, remainders 0.5 and 0.5:
        // player 0.
        assert_eq!(round_to_money(&[-1.5, 4.5]).unwrap(), vec![Money(-1), Money(4)]);
        // Noise below 1e-9 of a cent is a tie: index order, not the noise, decides.
        let noisy = [1.0 / 3.0 + 1e-15, 1.0 / 3.0 + 2e-15, 1.0 / 3.0 + 3e-15];
        assert_eq!(round_to_money(&noisy).unwrap(), vec![Money(1), Money(0), Money(0)]);
        assert_eq!(round_to_money(&[]).unwrap(), vec![]);
    }

    #[test]
    fn bad_shares_are_named() {
        assert!(
            matches!(round_to_money(&[1.0, f64::NAN]), Err(CostError::InvalidInput { ref item, .. }) if item == "player 1 share")
        );
        assert!(matches!(round_to_money(&[1e19]), Err(CostError::InvalidInput { .. })));
        assert!(
            matches!(round_to_money(&[8e18, 8e18]), Err(CostError::InvalidInput { ref item, .. }) if item == "shares total")
        );
    }
}
