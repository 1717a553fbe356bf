//! The Shapley value: exact over the table of a game, or estimated by sampling permutations.

use std::collections::HashMap;

use super::game::{check_players, evaluate};
use super::rng::SplitMix64;
use super::{Coalition, CoalitionCost, Game};
use crate::CostError;

/// The exact Shapley value of a tabulated game.
///
/// Player `i` pays its marginal cost c(S ∪ {i}) − c(S) averaged over the orders in which the
/// grand coalition can form: φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (c(S ∪ {i}) − c(S)).
/// The sum runs over the table in mask order, each coalition S adding its weighted marginal
/// cost to every non-member; the weight is 1 / (n · C(n − 1, |S|)).
///
/// # Arguments
/// - `game`: the tabulated game (every coalition evaluated once by [`Game::from_fn`]).
///
/// # Returns
/// The shares φ_i in player order. They sum to c(N) (efficiency), symmetric players get equal
/// shares and a player who adds nothing to any coalition pays nothing.
///
/// # Complexity
/// O(n · 2^n) time, O(n) memory beyond the table (itself O(2^n)); no evaluation of the cost
/// function.
///
/// # Reference
/// Shapley (1953), "A value for n-person games", in Contributions to the Theory of Games II,
/// Annals of Mathematics Studies 28: 307-317.
///
/// # Example
/// ```
/// use milkrun_cost::sharing::{shapley, Game};
///
/// // c(1)=6, c(2)=7, c(12)=10 for players 0 and 1: each pays its stand-alone cost minus half
/// // the saving, 6 − 1.5 and 7 − 1.5.
/// let game = Game::from_costs(2, vec![0.0, 6.0, 7.0, 10.0])?;
/// assert_eq!(shapley(&game), vec![4.5, 5.5]);
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
#[must_use]
pub fn shapley(game: &Game) -> Vec<f64> {
    let n = game.players();
    let costs = game.costs();
    let full = game.grand_coalition().0;
    // weight[k] = k! (n − k − 1)! / n! = 1 / (n · C(n − 1, k)); C(19, k) is exact in f64.
    let mut weight = Vec::with_capacity(n);
    let mut binomial = 1.0f64;
    for k in 0..n {
        weight.push(1.0 / (n as f64 * binomial));
        binomial = binomial * (n - 1 - k) as f64 / (k + 1) as f64;
    }
    let mut value = vec![0.0; n];
    for (mask, &c) in costs.iter().enumerate() {
        let mask = mask as u64;
        let w = weight.get(mask.count_ones() as usize).copied().unwrap_or(0.0);
        let mut outside = full & !mask;
        while outside != 0 {
            let i = outside.trailing_zeros() as usize;
            outside &= outside - 1;
            value[i] += w * (costs[(mask | 1 << i) as usize] - c);
        }
    }
    value
}

/// The parameters of [`shapley_sampled`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SamplingConfig {
    /// The number of random orders (permutations) sampled, at least 2.
    pub samples: usize,
    /// The seed of the random orders: the same seed, samples and game give the same estimate.
    pub seed: u64,
    /// How many coalition costs to remember, so that a coalition met again (singletons, small
    /// prefixes, the grand coalition) is not evaluated twice; 0 remembers none but the grand
    /// coalition. Default 2^20 (about 40 MiB at most).
    pub cache_capacity: usize,
}

impl SamplingConfig {
    /// `samples` orders drawn from `seed`, with the default cache capacity.
    #[must_use]
    pub fn new(samples: usize, seed: u64) -> Self {
        Self { samples, seed, cache_capacity: 1 << 20 }
    }

    /// The same configuration remembering at most `capacity` coalition costs.
    #[must_use]
    pub fn with_cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
        self
    }
}

/// A sampled Shapley value, from [`shapley_sampled`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShapleyEstimate {
    /// Each player's estimated share (the mean of its sampled marginal costs), in player
    /// order. They sum to c(N) up to rounding, whatever the number of samples.
    pub values: Vec<f64>,
    /// Each player's standard error: the sample standard deviation of its marginal costs over
    /// √samples. The exact value lies within two standard errors of the estimate about 95 %
    /// of the time.
    pub std_errors: Vec<f64>,
    /// The number of orders sampled.
    pub samples: usize,
    /// How many times the cost function was called (distinct coalitions while the cache has
    /// room).
    pub evaluations: usize,
}

/// The Shapley value estimated from random orders, for loops too large for [`shapley`].
///
/// Each sample draws an order of the players uniformly (Fisher-Yates with a seeded
/// SplitMix64), builds the grand coalition in that order and credits each player with its
/// marginal cost c(P ∪ {i}) − c(P) over its predecessors P. The estimate is the mean over the
/// samples, unbiased, with a standard error that shrinks as 1/√samples. Coalition costs are
/// cached (up to [`SamplingConfig::cache_capacity`]) so that no coalition is evaluated twice
/// while the cache has room.
///
/// # Arguments
/// - `players`: the number of players `n`, 1 to [`Coalition::MAX_PLAYERS`].
/// - `cost`: the coalition cost function (a closure or `&Game`).
/// - `config`: the number of samples, the seed, the cache capacity.
///
/// # Returns
/// The estimates and their standard errors, the number of samples and of evaluations.
///
/// # Errors
/// The caller's error; [`CostError::InvalidInput`] for no players, more than 64, fewer than two
/// samples or a bad cost (naming the coalition).
///
/// # Complexity
/// O(samples · n) time and at most samples · (n − 1) + 1 evaluations of `cost` (fewer when
/// coalitions repeat); O(n + cache) memory.
///
/// # Reference
/// Castro, Gómez & Tejada (2009), "Polynomial calculation of the Shapley value based on
/// sampling", Computers & Operations Research 36(5): 1726-1730.
///
/// # Example
/// ```
/// use milkrun_cost::sharing::{shapley_sampled, Coalition, SamplingConfig};
///
/// // 30 suppliers on a line; a loop costs twice the farthest member's distance.
/// let at: Vec<f64> = (1..=30).map(f64::from).collect();
/// let cost = |s: Coalition| Ok(2.0 * s.members().map(|i| at[i]).fold(0.0, f64::max));
/// let estimate = shapley_sampled(30, cost, &SamplingConfig::new(500, 7))?;
/// assert!((estimate.values.iter().sum::<f64>() - 60.0).abs() < 1e-9);
/// assert!(estimate.std_errors[29] > 0.0);
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
pub fn shapley_sampled<C: CoalitionCost>(
    players: usize,
    mut cost: C,
    config: &SamplingConfig,
) -> Result<ShapleyEstimate, CostError> {
    check_players("Shapley sampling", players, usize::MAX)?;
    let grand = Coalition::grand(players).ok_or_else(|| {
        CostError::invalid("players", format!("{players} exceed the {} a coalition holds", Coalition::MAX_PLAYERS))
    })?;
    if config.samples < 2 {
        return Err(CostError::invalid(
            "samples",
            format!("{} is too few: a standard error needs at least 2", config.samples),
        ));
    }
    let total = evaluate(&mut cost, grand)?;
    let mut evaluations = 1;
    let mut cache: HashMap<u64, f64> = HashMap::new();
    let mut rng = SplitMix64::new(config.seed);
    let mut order: Vec<usize> = (0..players).collect();
    // Welford's running mean and sum of squared deviations of each player's marginal cost.
    let mut mean = vec![0.0; players];
    let mut squares = vec![0.0; players];
    for sample in 1..=config.samples {
        rng.shuffle(&mut order);
        let mut prefix = Coalition::EMPTY;
        let mut before = 0.0;
        for &i in &order {
            prefix.0 |= 1 << i;
            let after = if prefix == grand {
                total
            } else if let Some(&c) = cache.get(&prefix.0) {
                c
            } else {
                let c = evaluate(&mut cost, prefix)?;
                evaluations += 1;
                if cache.len() < config.cache_capacity {
                    cache.insert(prefix.0, c);
                }
                c
            };
            let marginal = after - before;
            before = after;
            let delta = marginal - mean[i];
            mean[i] += delta / sample as f64;
            squares[i] += delta * (marginal - mean[i]);
        }
    }
    let m = config.samples as f64;
    let std_errors = squares.iter().map(|&s| (s.max(0.0) / (m - 1.0) / m).sqrt()).collect();
    Ok(ShapleyEstimate { values: mean, std_errors, samples: config.samples, evaluations })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// c(1)=6, c(2)=7, c(3)=8, c(12)=10, c(13)=11, c(23)=12, c(123)=15 (players 0, 1, 2).
    fn three() -> Game {
        Game::from_costs(3, vec![0.0, 6.0, 7.0, 10.0, 8.0, 11.0, 12.0, 15.0]).unwrap()
    }

    #[test]
    fn exact_by_hand() {
        // Weights |S|!(2−|S|)!/3!: 1/3 for S = ∅ and |S| = 2, 1/6 for |S| = 1.
        // φ1 = 6/3 + (10−7)/6 + (11−8)/6 + (15−12)/3 = 2 + 0.5 + 0.5 + 1 = 4
        // φ2 = 7/3 + (10−6)/6 + (12−8)/6 + (15−11)/3 = 7/3 + 2/3 + 2/3 + 4/3 = 5
        // φ3 = 8/3 + (11−6)/6 + (12−7)/6 + (15−10)/3 = 8/3 + 5/6 + 5/6 + 5/3 = 6
        let phi = shapley(&three());
        for (a, b) in phi.iter().zip([4.0, 5.0, 6.0]) {
            assert!((a - b).abs() < 1e-12, "{phi:?}");
        }
    }

    #[test]
    fn single_player() {
        let game = Game::from_costs(1, vec![0.0, 3.0]).unwrap();
        assert_eq!(shapley(&game), vec![3.0]);
        let estimate = shapley_sampled(1, &game, &SamplingConfig::new(4, 1)).unwrap();
        assert_eq!(estimate.values, vec![3.0]);
        assert_eq!(estimate.std_errors, vec![0.0]);
    }

    #[test]
    fn sampling_caches_and_repeats() {
        let game = three();
        let config = SamplingConfig::new(200, 11);
        let a = shapley_sampled(3, &game, &config).unwrap();
        let b = shapley_sampled(3, &game, &config).unwrap();
        assert_eq!(a, b);
        // Six coalitions besides ∅ and N can be asked, plus N once.
        assert!(a.evaluations <= 7, "{}", a.evaluations);
        let mut calls = 0;
        let counted = |s: Coalition| {
            calls += 1;
            Ok(game.cost(s).unwrap_or(0.0))
        };
        let c = shapley_sampled(3, counted, &config.clone().with_cache_capacity(0)).unwrap();
        assert_eq!(calls, 1 + 200 * 2);
        assert_eq!(c.values, a.values);
    }

    #[test]
    fn bad_input_is_refused() {
        let game = three();
        assert!(matches!(shapley_sampled(3, &game, &SamplingConfig::new(1, 0)), Err(CostError::InvalidInput { .. })));
        assert!(matches!(shapley_sampled(0, &game, &SamplingConfig::new(9, 0)), Err(CostError::InvalidInput { .. })));
        assert!(matches!(shapley_sampled(65, &game, &SamplingConfig::new(9, 0)), Err(CostError::InvalidInput { .. })));
        // Players beyond the game's table.
        assert!(matches!(shapley_sampled(4, &game, &SamplingConfig::new(9, 0)), Err(CostError::InvalidInput { .. })));
        let nan = |_: Coalition| Ok(f64::NAN);
        assert!(matches!(shapley_sampled(5, nan, &SamplingConfig::new(9, 0)), Err(CostError::InvalidInput { .. })));
    }
}
