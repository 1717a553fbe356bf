//! The caller's coalition cost function and the tabulated game.

use super::Coalition;
use crate::CostError;

/// The largest cost a coalition may have: sums and differences of a few costs stay finite.
pub const MAX_COST: f64 = 1e150;

/// The cost of serving a coalition of suppliers on its own (for instance the length or money
/// cost of the best loop through its members), in the caller's units.
///
/// Implemented by every closure `FnMut(Coalition) -> Result<f64, CostError>` and by `&Game`.
/// The function may be expensive (a routing run): the exact methods evaluate each coalition at
/// most once, through [`Game::from_fn`]. Costs must be finite, non-negative and at most
/// [`MAX_COST`]; the empty coalition is never asked (its cost is zero). An error the function
/// returns is handed back unchanged.
pub trait CoalitionCost {
    /// The cost of `coalition`.
    ///
    /// # Errors
    /// Whatever the caller's function reports (a routing failure, a coalition outside the
    /// game).
    fn cost(&mut self, coalition: Coalition) -> Result<f64, CostError>;
}

impl<F> CoalitionCost for F
where
    F: FnMut(Coalition) -> Result<f64, CostError>,
{
    fn cost(&mut self, coalition: Coalition) -> Result<f64, CostError> {
        self(coalition)
    }
}

impl CoalitionCost for &Game {
    fn cost(&mut self, coalition: Coalition) -> Result<f64, CostError> {
        Game::cost(self, coalition).ok_or_else(|| {
            CostError::invalid(
                format!("coalition {coalition}"),
                format!("outside the game of {} players", self.players()),
            )
        })
    }
}

/// Asks `cost` for `coalition` and checks the answer: finite, non-negative, at most
/// [`MAX_COST`].
pub(crate) fn evaluate<C: CoalitionCost>(cost: &mut C, coalition: Coalition) -> Result<f64, CostError> {
    let value = cost.cost(coalition)?;
    check_cost(coalition, value)?;
    Ok(value)
}

fn check_cost(coalition: Coalition, value: f64) -> Result<(), CostError> {
    let reason = if value.is_nan() {
        "is NaN".to_owned()
    } else if value < 0.0 {
        format!("{value} is negative")
    } else if value > MAX_COST {
        format!("{value} exceeds the largest cost {MAX_COST:e}")
    } else {
        return Ok(());
    };
    Err(CostError::invalid(format!("coalition {coalition} cost"), reason))
}

/// Checks a player count for a method that handles at most `max` players.
pub(crate) fn check_players(method: &'static str, players: usize, max: usize) -> Result<(), CostError> {
    if players == 0 {
        return Err(CostError::invalid(method, "no players: the coalition is empty"));
    }
    if players > max {
        return Err(CostError::TooManyPlayers { method, max, got: players });
    }
    Ok(())
}

/// A cooperative cost game with every coalition's cost in a table: the input of the exact
/// methods ([`shapley`](super::shapley), [`equal_profit`](super::equal_profit),
/// [`core_check`](super::core_check)).
///
/// Build it once with [`Game::from_fn`] (which asks the caller's cost function for each
/// non-empty coalition exactly once) and pass it to as many methods as needed.
///
/// # Units
/// The caller's cost unit (money, metres, seconds...), the same for every coalition.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Game {
    players: usize,
    /// `costs[s]` is the cost of `Coalition(s)`; `costs[0] == 0`.
    costs: Vec<f64>,
}

impl Game {
    /// The largest number of players a table holds (2^20 costs, 8 MiB).
    pub const MAX_PLAYERS: usize = 20;

    /// Tabulates the game of `players` players from the caller's cost function.
    ///
    /// # Arguments
    /// - `players`: the number of players `n`, 1 to [`Game::MAX_PLAYERS`].
    /// - `cost`: the cost of a coalition; asked once for each of the 2^n − 1 non-empty
    ///   coalitions, in increasing mask order.
    ///
    /// # Returns
    /// The game, or the first error: the caller's own, or a cost that is NaN, negative or
    /// above [`MAX_COST`] (naming the coalition).
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] for no players or a bad cost; [`CostError::TooManyPlayers`]
    /// above [`Game::MAX_PLAYERS`]; the caller's error unchanged.
    ///
    /// # Complexity
    /// 2^n − 1 evaluations of `cost`; O(2^n) memory.
    ///
    /// # Example
    /// ```
    /// use milkrun_cost::sharing::{Coalition, Game};
    ///
    /// // Three suppliers on a line at 1, 2 and 3 km from the plant: a loop costs twice the
    /// // farthest member's distance.
    /// let at = [1.0, 2.0, 3.0];
    /// let game = Game::from_fn(3, |s: Coalition| Ok(2.0 * s.members().map(|i| at[i]).fold(0.0, f64::max)))?;
    /// assert_eq!(game.grand_cost(), 6.0);
    /// assert_eq!(game.stand_alone_costs(), vec![2.0, 4.0, 6.0]);
    /// # Ok::<(), milkrun_cost::CostError>(())
    /// ```
    pub fn from_fn<C: CoalitionCost>(players: usize, mut cost: C) -> Result<Self, CostError> {
        check_players("coalition cost table", players, Self::MAX_PLAYERS)?;
        let size = 1usize << players;
        let mut costs = Vec::with_capacity(size);
        costs.push(0.0);
        for mask in 1..size as u64 {
            costs.push(evaluate(&mut cost, Coalition(mask))?);
        }
        Ok(Self { players, costs })
    }

    /// The game of `players` players whose costs are given, indexed by coalition mask:
    /// `costs[s]` is the cost of `Coalition(s)`, so for three players the order is
    /// ∅, {0}, {1}, {0,1}, {2}, {0,2}, {1,2}, {0,1,2}.
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] when `costs` does not hold 2^n values, `costs[0]` is not
    /// zero or a cost is NaN, negative or above [`MAX_COST`]; [`CostError::TooManyPlayers`]
    /// above [`Game::MAX_PLAYERS`].
    ///
    /// # Complexity
    /// O(2^n) time.
    pub fn from_costs(players: usize, costs: Vec<f64>) -> Result<Self, CostError> {
        check_players("coalition cost table", players, Self::MAX_PLAYERS)?;
        let size = 1usize << players;
        if costs.len() != size {
            return Err(CostError::invalid(
                "coalition cost table",
                format!("{} players need 2^{players} = {size} costs, got {}", players, costs.len()),
            ));
        }
        if costs[0] != 0.0 {
            return Err(CostError::invalid(
                format!("coalition {} cost", Coalition::EMPTY),
                format!("{} is not zero: the empty coalition costs nothing", costs[0]),
            ));
        }
        for (mask, &c) in costs.iter().enumerate().skip(1) {
            check_cost(Coalition(mask as u64), c)?;
        }
        Ok(Self { players, costs })
    }

    /// The number of players `n`.
    #[must_use]
    pub fn players(&self) -> usize {
        self.players
    }

    /// The coalition of all players.
    #[must_use]
    pub fn grand_coalition(&self) -> Coalition {
        Coalition(self.costs.len() as u64 - 1)
    }

    /// The cost of `coalition`, or `None` when it has a member outside `0..n`.
    #[must_use]
    pub fn cost(&self, coalition: Coalition) -> Option<f64> {
        usize::try_from(coalition.0).ok().and_then(|i| self.costs.get(i)).copied()
    }

    /// The cost of the grand coalition, c(N).
    #[must_use]
    pub fn grand_cost(&self) -> f64 {
        self.costs[self.costs.len() - 1]
    }

    /// The stand-alone costs c({i}) of the players, in player order.
    #[must_use]
    pub fn stand_alone_costs(&self) -> Vec<f64> {
        (0..self.players).map(|i| self.costs[1 << i]).collect()
    }

    /// Every coalition's cost, indexed by mask (`costs()[s]` is the cost of `Coalition(s)`).
    #[must_use]
    pub fn costs(&self) -> &[f64] {
        &self.costs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_fn_evaluates_each_non_empty_coalition_once() {
        let mut asked = Vec::new();
        let game = Game::from_fn(3, |s: Coalition| {
            asked.push(s.0);
            Ok(s.len() as f64)
        });
        assert_eq!(asked, vec![1, 2, 3, 4, 5, 6, 7]);
        let game = game.unwrap();
        assert_eq!(game.cost(Coalition(0b101)), Some(2.0));
        assert_eq!(game.cost(Coalition(0b1000)), None);
        assert_eq!(game.grand_coalition(), Coalition(7));
    }

    #[test]
    fn bad_costs_name_the_coalition() {
        let err = Game::from_fn(2, |s: Coalition| Ok(if s.0 == 3 { f64::NAN } else { 1.0 }));
        assert_eq!(err, Err(CostError::invalid("coalition {0, 1} cost", "is NaN")));
        let err = Game::from_fn(2, |_: Coalition| Ok(-1.0));
        assert_eq!(err, Err(CostError::invalid("coalition {0} cost", "-1 is negative")));
        let err = Game::from_fn(2, |_: Coalition| Ok(f64::INFINITY));
        assert!(matches!(err, Err(CostError::InvalidInput { .. })));
        // The empty coalition is named as such, not as a literal "{}" placeholder.
        let err = Game::from_costs(1, vec![1.0, 1.0]);
        assert_eq!(
            err,
            Err(CostError::invalid("coalition {} cost", "1 is not zero: the empty coalition costs nothing"))
        );
        assert_eq!(Coalition::EMPTY.to_string(), "{}");
        let err = Game::from_costs(2, vec![0.0, 1.0]);
        assert!(matches!(err, Err(CostError::InvalidInput { .. })));
    }

    #[test]
    fn player_counts_are_checked() {
        let one = |_: Coalition| Ok(1.0);
        assert!(matches!(Game::from_fn(0, one), Err(CostError::InvalidInput { .. })));
        assert_eq!(
            Game::from_fn(21, one),
            Err(CostError::TooManyPlayers { method: "coalition cost table", max: 20, got: 21 })
        );
    }

    #[test]
    fn caller_errors_come_back_unchanged() {
        let boom = CostError::NoSolution { method: "router", reason: "no vehicle".into() };
        let err = Game::from_fn(2, |_: Coalition| Err(boom.clone()));
        assert_eq!(err, Err(boom));
    }
}
