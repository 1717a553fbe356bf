//! Core membership of an allocation.

use super::{Coalition, Game};
use crate::CostError;

/// How much more a coalition pays under an allocation than it would alone.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Excess {
    /// The coalition S.
    pub coalition: Coalition,
    /// x(S) − c(S): positive when S would rather leave the loop and serve itself.
    pub excess: f64,
}

/// The verdict of [`core_check`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CoreCheck {
    /// Σ x_i, the cost the allocation recovers.
    pub allocated: f64,
    /// c(N), the cost to recover.
    pub grand_cost: f64,
    /// The proper non-empty coalition with the largest excess x(S) − c(S) (the first in mask
    /// order among equals); `None` for a single player, who has no proper coalition.
    pub worst: Option<Excess>,
    /// The tolerance the verdict allowed.
    pub tolerance: f64,
    /// Whether the allocation is in the core: |Σ x_i − c(N)| ≤ tolerance and every excess is at
    /// most the tolerance.
    pub in_core: bool,
}

impl CoreCheck {
    /// The most violated coalition, when some coalition pays more than alone (beyond the
    /// tolerance).
    #[must_use]
    pub fn violation(&self) -> Option<Excess> {
        self.worst.filter(|w| w.excess > self.tolerance)
    }

    /// Whether the allocation recovers c(N) within the tolerance.
    #[must_use]
    pub fn is_efficient(&self) -> bool {
        (self.allocated - self.grand_cost).abs() <= self.tolerance
    }
}

/// Checks whether an allocation is in the core of a game: it recovers the grand coalition's
/// cost and no coalition pays more than it would alone, Σ_{i∈S} x_i ≤ c(S) for every S.
///
/// # Arguments
/// - `game`: the tabulated game.
/// - `allocation`: one finite share per player, in player order.
/// - `tolerance`: the slack allowed on efficiency and on each coalition's excess, in cost
///   units; finite and non-negative (say 1e-9 · c(N)).
///
/// # Returns
/// The verdict, with the amount allocated and the coalition of largest excess.
///
/// # Errors
/// [`CostError::InvalidInput`] when the allocation's length is not the number of players, a
/// share is not finite, or the tolerance is negative or not finite.
///
/// # Complexity
/// O(2^n) time and memory (each coalition's share is its smaller part's plus one player's).
///
/// # Reference
/// Gillies (1959), "Solutions to general non-zero-sum games", in Contributions to the Theory of
/// Games IV, Annals of Mathematics Studies 40: 47-85.
///
/// # Example
/// ```
/// use milkrun_cost::sharing::{core_check, Coalition, Game};
///
/// let game = Game::from_costs(2, vec![0.0, 6.0, 7.0, 10.0])?;
/// assert!(core_check(&game, &[4.5, 5.5], 1e-9)?.in_core);
/// let verdict = core_check(&game, &[2.0, 8.0], 1e-9)?;
/// let violation = verdict.violation().expect("player 1 pays 8 > 7");
/// assert_eq!((violation.coalition, violation.excess), (Coalition(0b10), 1.0));
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
pub fn core_check(game: &Game, allocation: &[f64], tolerance: f64) -> Result<CoreCheck, CostError> {
    let n = game.players();
    if allocation.len() != n {
        return Err(CostError::invalid("allocation", format!("{} shares for a game of {n} players", allocation.len())));
    }
    if let Some((i, x)) = allocation.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        return Err(CostError::invalid(format!("player {i} share"), format!("{x} is not finite")));
    }
    if !tolerance.is_finite() || tolerance < 0.0 {
        return Err(CostError::invalid("tolerance", format!("{tolerance} is not a finite non-negative number")));
    }
    let costs = game.costs();
    let full = costs.len() - 1;
    let mut share = vec![0.0; costs.len()];
    let mut worst: Option<Excess> = None;
    for mask in 1..costs.len() {
        let low = mask.trailing_zeros() as usize;
        share[mask] = share[mask & (mask - 1)] + allocation[low];
        if mask != full {
            let excess = share[mask] - costs[mask];
            if worst.is_none_or(|w| excess > w.excess) {
                worst = Some(Excess { coalition: Coalition(mask as u64), excess });
            }
        }
    }
    let allocated = share[full];
    let grand_cost = game.grand_cost();
    let in_core = (allocated - grand_cost).abs() <= tolerance && worst.is_none_or(|w| w.excess <= tolerance);
    Ok(CoreCheck { allocated, grand_cost, worst, tolerance, in_core })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// c(1)=6, c(2)=7, c(3)=8, c(12)=10, c(13)=11, c(23)=12, c(123)=15 (players 0, 1, 2).
    fn three() -> Game {
        Game::from_costs(3, vec![0.0, 6.0, 7.0, 10.0, 8.0, 11.0, 12.0, 15.0]).unwrap()
    }

    #[test]
    fn boundary_allocation_is_in_the_core() {
        // (3, 7, 5): {2} pays 7 = c(2), {1,2} 10 = c(12), {2,3} 12 = c(23): all tight, none over.
        let verdict = core_check(&three(), &[3.0, 7.0, 5.0], 0.0).unwrap();
        assert!(verdict.in_core && verdict.is_efficient());
        assert_eq!(verdict.worst.map(|w| w.excess), Some(0.0));
        assert_eq!(verdict.violation(), None);
    }

    #[test]
    fn most_violated_coalition_by_hand() {
        // (1.5, 6, 7.5): excesses {1} −4.5, {2} −1, {3} −0.5, {12} 7.5−10 = −2.5,
        // {13} 9−11 = −2, {23} 13.5−12 = 1.5: {2,3} (players 1, 2) is the most violated.
        let verdict = core_check(&three(), &[1.5, 6.0, 7.5], 1e-9).unwrap();
        assert!(!verdict.in_core);
        assert_eq!(verdict.violation(), Some(Excess { coalition: Coalition(0b110), excess: 1.5 }));
    }

    #[test]
    fn inefficient_allocation_is_not_in_the_core() {
        let verdict = core_check(&three(), &[4.0, 5.0, 5.0], 1e-9).unwrap();
        assert!(!verdict.in_core && !verdict.is_efficient());
        assert_eq!(verdict.violation(), None);
        assert_eq!(verdict.allocated, 14.0);
    }

    #[test]
    fn single_player_and_bad_input() {
        let one = Game::from_costs(1, vec![0.0, 2.0]).unwrap();
        let verdict = core_check(&one, &[2.0], 0.0).unwrap();
        assert!(verdict.in_core && verdict.worst.is_none());
        assert!(core_check(&three(), &[1.0, 2.0], 0.0).is_err());
        assert_eq!(
            core_check(&three(), &[1.0, f64::NAN, 2.0], 0.0),
            Err(CostError::invalid("player 1 share", "NaN is not finite"))
        );
        assert!(core_check(&three(), &[5.0, 5.0, 5.0], -1.0).is_err());
        assert!(core_check(&three(), &[5.0, 5.0, 5.0], f64::NAN).is_err());
    }
}
