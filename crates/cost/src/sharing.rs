//! Sharing the cost of a coalition (the suppliers of a loop) among its members.
//!
//! Suppliers who share a milk-run loop save against being served alone; cooperative game
//! theory says how to split the loop's cost so that the split is fair and stable. The players
//! are the positions `0..n` of the caller's list of suppliers; a [`Coalition`] is a set of
//! them as a `u64` bit mask (bit `i` for player `i`), and the caller supplies the cost of any
//! coalition through [`CoalitionCost`], a closure `FnMut(Coalition) -> Result<f64, CostError>`
//! (typically a routing run over the coalition's suppliers), so this module needs no router.
//!
//! - Methods that need a handful of coalitions take the cost function directly:
//!   [`proportional`] (to any weights, such as tonne-km), [`proportional_to_stand_alone`],
//!   [`separable_costs_remaining_benefits`] and the sampled Shapley value
//!   [`shapley_sampled`], which works for up to 64 players.
//! - Exact methods need every coalition: build a [`Game`] once with [`Game::from_fn`] (each
//!   of the 2^n − 1 non-empty coalitions evaluated exactly once, up to 20 players) and pass it
//!   to [`shapley`], [`equal_profit`] (up to [`EQUAL_PROFIT_MAX_PLAYERS`]) and [`core_check`].
//!   `&Game` is itself a cost function, for the other methods.
//!
//! Costs are finite, non-negative and at most [`MAX_COST`], in any unit the caller keeps
//! (money, kilometres, kg CO2e); shares come back in that unit, as `f64`. When the unit is
//! money in minor units, [`round_to_money`] turns any allocation into [`Money`](milkrun_model::Money)
//! amounts that add up exactly to the rounded total. Nothing here panics on bad
//! input: NaN or negative costs, empty or oversized coalitions and mismatched lengths are
//! [`CostError`](crate::CostError)s naming the item and the reason. Sampling is deterministic for a given seed.
//!
//! # Example
//! ```
//! use milkrun_cost::sharing::{core_check, equal_profit, shapley, Coalition, Game};
//!
//! // Three suppliers: alone 6, 7 and 8; in pairs 10 ({0,1}), 11 ({0,2}), 12 ({1,2}); all
//! // three on one loop 15.
//! let pairs = [0.0, 0.0, 0.0, 10.0, 0.0, 11.0, 12.0, 0.0];
//! let game = Game::from_fn(3, |s: Coalition| {
//!     Ok(match s.len() {
//!         1 => [6.0, 7.0, 8.0][s.members().next().unwrap_or(0)],
//!         2 => pairs[s.0 as usize],
//!         _ => 15.0,
//!     })
//! })?;
//! let phi = shapley(&game);
//! assert!(phi.iter().zip([4.0, 5.0, 6.0]).all(|(a, b)| (a - b).abs() < 1e-12));
//! assert!(core_check(&game, &phi, 1e-9)?.in_core);
//! let epm = equal_profit(&game)?; // everyone saves 2/7 of its stand-alone cost
//! assert!(epm.spread.abs() < 1e-9);
//! # Ok::<(), milkrun_cost::CostError>(())
//! ```

mod coalition;
mod core_check;
mod equal_profit;
mod game;
mod proportional;
mod rng;
mod rounding;
mod shapley;
mod simplex;

pub use self::coalition::{Coalition, Members};
pub use self::core_check::{core_check, CoreCheck, Excess};
pub use self::equal_profit::{equal_profit, EqualProfit, EQUAL_PROFIT_MAX_PLAYERS};
pub use self::game::{CoalitionCost, Game, MAX_COST};
pub use self::proportional::{proportional, proportional_to_stand_alone, separable_costs_remaining_benefits};
pub use self::rounding::round_to_money;
pub use self::shapley::{shapley, shapley_sampled, SamplingConfig, ShapleyEstimate};
