//! Cost sharing: hand-worked games, independent oracles (all orders for the Shapley value, vertex
//! enumeration for the Equal Profit Method, the three-player core condition) and properties on
//! random travelling-salesman and airport games.

use milkrun_cost::sharing::{
    core_check, equal_profit, proportional, proportional_to_stand_alone, round_to_money,
    separable_costs_remaining_benefits, shapley, shapley_sampled, Coalition, CoalitionCost, Game, SamplingConfig,
    EQUAL_PROFIT_MAX_PLAYERS,
};
use milkrun_cost::CostError;
use milkrun_model::Money;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Fixtures

/// c(1)=6, c(2)=7, c(3)=8, c(12)=10, c(13)=11, c(23)=12, c(123)=15, as players 0, 1, 2.
fn three_suppliers() -> Game {
    Game::from_costs(3, vec![0.0, 6.0, 7.0, 10.0, 8.0, 11.0, 12.0, 15.0]).unwrap()
}

/// c(i) = 10, c(12) = 12, c(13) = c(23) = 20, c(123) = 22: supplier 3 gains nothing by joining.
fn binding_core() -> Game {
    Game::from_costs(3, vec![0.0, 10.0, 10.0, 12.0, 10.0, 20.0, 20.0, 22.0]).unwrap()
}

/// c(i) = c(ij) = 1, c(123) = 1.6: pairs alone would pay at most 2 Σ x ≤ 3 < 2 · 1.6.
fn empty_core() -> Game {
    Game::from_costs(3, vec![0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.6]).unwrap()
}

/// The travelling salesman game: the plant at the origin, supplier `i` at `points[i]`, c(S) the
/// shortest closed tour from the plant through S (Held & Karp's dynamic program, all coalitions
/// at once in O(2^n n²)).
fn tsp_game(points: &[(f64, f64)]) -> Game {
    let n = points.len();
    let d = |a: Option<usize>, b: Option<usize>| {
        let at = |k: Option<usize>| k.map_or((0.0, 0.0), |k| points[k]);
        let (p, q) = (at(a), at(b));
        (p.0 - q.0).hypot(p.1 - q.1)
    };
    let size = 1usize << n;
    // path[S][j]: shortest path from the plant through all of S ending at j ∈ S.
    let mut path = vec![f64::INFINITY; size * n];
    for j in 0..n {
        path[(1 << j) * n + j] = d(None, Some(j));
    }
    for s in 1..size {
        for j in 0..n {
            let here = path[s * n + j];
            if s >> j & 1 == 0 || here.is_infinite() {
                continue;
            }
            for k in 0..n {
                if s >> k & 1 == 0 {
                    let t = s | 1 << k;
                    let via = here + d(Some(j), Some(k));
                    if via < path[t * n + k] {
                        path[t * n + k] = via;
                    }
                }
            }
        }
    }
    let mut costs = vec![0.0; size];
    for (s, c) in costs.iter_mut().enumerate().skip(1) {
        *c = (0..n)
            .filter(|&j| s >> j & 1 == 1)
            .map(|j| path[s * n + j] + d(Some(j), None))
            .fold(f64::INFINITY, f64::min);
    }
    Game::from_costs(n, costs).unwrap()
}

/// The airport game c(S) = max_{i∈S} h_i, summed over several runways: concave (submodular), so
/// its core holds the Shapley value (Shapley 1971, "Cores of convex games").
fn airport_game(runways: &[Vec<f64>]) -> Game {
    let n = runways[0].len();
    Game::from_fn(n, |s: Coalition| Ok(runways.iter().map(|h| s.members().map(|i| h[i]).fold(0.0, f64::max)).sum()))
        .unwrap()
}

fn close(a: &[f64], b: &[f64], tolerance: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tolerance)
}

// ---------------------------------------------------------------------------------------------
// Independent oracles

/// The Shapley value by averaging marginal costs over all n! orders (Heap's algorithm).
fn shapley_over_all_orders(game: &Game) -> Vec<f64> {
    let n = game.players();
    let mut order: Vec<usize> = (0..n).collect();
    let mut total = vec![0.0; n];
    let mut count = 0.0;
    let mut credit = |order: &[usize]| {
        let mut s = Coalition::EMPTY;
        for &i in order {
            let before = game.cost(s).unwrap();
            s = s.with(i).unwrap();
            total[i] += game.cost(s).unwrap() - before;
        }
        count += 1.0;
    };
    let mut c = vec![0usize; n];
    credit(&order);
    let mut i = 0;
    while i < n {
        if c[i] < i {
            if i % 2 == 0 {
                order.swap(0, i);
            } else {
                order.swap(c[i], i);
            }
            credit(&order);
            c[i] += 1;
            i = 0;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    total.iter().map(|t| t / count).collect()
}

/// The Equal Profit Method's optimum spread f by enumerating the vertices of its program in the
/// variables (x_1..x_n, f): every choice of n inequality rows made tight together with
/// efficiency, solved by Gaussian elimination and kept when feasible. The polyhedron has no
/// line (the singleton rows and efficiency pin x, the pair rows f), so the minimum is at a
/// vertex when it is feasible. `None` when no vertex is feasible: the core is empty.
fn epm_by_vertex_enumeration(game: &Game) -> Option<f64> {
    let n = game.players();
    let alone = game.stand_alone_costs();
    let full = (1usize << n) - 1;
    // Rows a · (x, f) ≤ b.
    let mut rows: Vec<(Vec<f64>, f64)> = Vec::new();
    for s in 1..full {
        let a = (0..=n).map(|i| if i < n && s >> i & 1 == 1 { 1.0 } else { 0.0 }).collect();
        rows.push((a, game.costs()[s]));
    }
    for i in 0..n {
        for j in 0..n {
            if i != j {
                let mut a = vec![0.0; n + 1];
                a[i] = 1.0 / alone[i];
                a[j] = -1.0 / alone[j];
                a[n] = -1.0;
                rows.push((a, 0.0));
            }
        }
    }
    let efficiency: (Vec<f64>, f64) = ((0..=n).map(|i| if i < n { 1.0 } else { 0.0 }).collect(), game.grand_cost());
    let mut best: Option<f64> = None;
    let m = rows.len();
    let mut pick: Vec<usize> = (0..n).collect();
    loop {
        let mut a: Vec<Vec<f64>> = pick
            .iter()
            .map(|&r| &rows[r])
            .chain(std::iter::once(&efficiency))
            .map(|(row, b)| row.iter().copied().chain(std::iter::once(*b)).collect())
            .collect();
        let size = n + 1;
        let mut singular = false;
        for c in 0..size {
            let p = (c..size).max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs())).unwrap();
            if a[p][c].abs() < 1e-9 {
                singular = true;
                break;
            }
            a.swap(c, p);
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
            let z: Vec<f64> = (0..size).map(|c| a[c][size] / a[c][c]).collect();
            let fits = |(row, b): &(Vec<f64>, f64)| {
                let terms = row.iter().zip(&z).map(|(p, q)| p * q);
                let size = terms.clone().map(f64::abs).fold(b.abs(), f64::max).max(1.0);
                terms.sum::<f64>() <= b + 1e-9 * size
            };
            if rows.iter().all(fits) {
                best = Some(best.map_or(z[n], |b: f64| b.min(z[n])));
            }
        }
        // Next n-subset of the rows in lexicographic order.
        let Some(k) = (0..n).rev().find(|&k| pick[k] < m - n + k) else { return best };
        pick[k] += 1;
        for l in k + 1..n {
            pick[l] = pick[l - 1] + 1;
        }
    }
}

/// Bondareva-Shapley for three players: the core is non-empty exactly when c(N) is at most the
/// cost of each minimal balanced collection: {1}{2}{3}, {i}{jk}, and ½ ({12} + {13} + {23}).
fn three_player_core_is_non_empty(game: &Game) -> bool {
    let c = game.costs();
    let grand = c[7];
    let bounds = [c[1] + c[2] + c[4], c[1] + c[6], c[2] + c[5], c[4] + c[3], (c[3] + c[5] + c[6]) / 2.0];
    bounds.iter().all(|&b| grand <= b)
}

// ---------------------------------------------------------------------------------------------
// Hand-worked examples

#[test]
fn three_suppliers_by_hand() {
    let game = three_suppliers();
    // Shapley: weights 1/3 (alone or joining a pair), 1/6 (joining one other).
    // φ1 = 6/3 + (10−7)/6 + (11−8)/6 + (15−12)/3 = 2 + 0.5 + 0.5 + 1      = 4
    // φ2 = 7/3 + (10−6)/6 + (12−8)/6 + (15−11)/3 = 7/3 + 2/3 + 2/3 + 4/3 = 5
    // φ3 = 8/3 + (11−6)/6 + (12−7)/6 + (15−10)/3 = 8/3 + 5/6 + 5/6 + 5/3 = 6
    let phi = shapley(&game);
    assert!(close(&phi, &[4.0, 5.0, 6.0], 1e-12), "{phi:?}");
    assert!(close(&shapley_over_all_orders(&game), &phi, 1e-12));
    // In the core: pairs pay 9 ≤ 10, 10 ≤ 11, 11 ≤ 12.
    assert!(core_check(&game, &phi, 1e-9).unwrap().in_core);

    // Stand-alone proportional: 15 · (6, 7, 8) / 21 = (30/7, 5, 40/7).
    let by_alone = proportional_to_stand_alone(3, &game).unwrap();
    assert!(close(&by_alone, &[30.0 / 7.0, 5.0, 40.0 / 7.0], 1e-12), "{by_alone:?}");
    // Tonne-km weights 1, 1, 3: 15 · (1, 1, 3) / 5 = (3, 3, 9); supplier 3 pays 9 > c(3) = 8.
    let by_load = proportional(game.grand_cost(), &[1.0, 1.0, 3.0]).unwrap();
    assert_eq!(by_load, vec![3.0, 3.0, 9.0]);
    let verdict = core_check(&game, &by_load, 1e-9).unwrap();
    let worst = verdict.violation().unwrap();
    // Excesses: {3} 9 − 8 = 1, {1,3} 12 − 11 = 1, {2,3} 12 − 12 = 0: {3} comes first in mask
    // order (0b100 before 0b101).
    assert_eq!((worst.coalition, worst.excess), (Coalition(0b100), 1.0));

    // SCRB: m = (3, 4, 5), g = 3, r = (3, 3, 3): (4, 5, 6).
    let scrb = separable_costs_remaining_benefits(3, &game).unwrap();
    assert!(close(&scrb, &[4.0, 5.0, 6.0], 1e-12), "{scrb:?}");

    // EPM: the stand-alone proportional split saves everyone 2/7 and is in the core: f = 0.
    let epm = equal_profit(&game).unwrap();
    assert!(close(&epm.shares, &by_alone, 1e-9), "{epm:?}");
    assert!(epm.spread.abs() < 1e-9);
    assert_eq!(epm_by_vertex_enumeration(&game).map(|f| f.abs() < 1e-9), Some(true));
}

#[test]
fn binding_core_by_hand() {
    let game = binding_core();
    // Shapley: supplier 3 adds 10 whatever it joins, so φ3 = 10 and 1, 2 split 12.
    assert!(close(&shapley(&game), &[6.0, 6.0, 10.0], 1e-12));
    // Proportional to stand-alone: 22/3 each; {1,2} pays 44/3 > 12.
    let by_alone = proportional_to_stand_alone(3, &game).unwrap();
    let worst = core_check(&game, &by_alone, 1e-9).unwrap().violation().unwrap();
    assert_eq!(worst.coalition, Coalition(0b011));
    assert!((worst.excess - (44.0 / 3.0 - 12.0)).abs() < 1e-12);
    // EPM: x3 ≥ 22 − c(12) = 10 = c(3) pins x3 = 10; x1 = x2 = 6 minimise the spread,
    // relative costs (0.6, 0.6, 1.0), f = 0.4.
    let epm = equal_profit(&game).unwrap();
    assert!(close(&epm.shares, &[6.0, 6.0, 10.0], 1e-9), "{epm:?}");
    assert!((epm.spread - 0.4).abs() < 1e-9);
    assert!(close(&epm.relative_savings, &[0.4, 0.4, 0.0], 1e-9));
    assert!((epm_by_vertex_enumeration(&game).unwrap() - 0.4).abs() < 1e-9);
}

#[test]
fn empty_core_by_hand() {
    let game = empty_core();
    assert!(!three_player_core_is_non_empty(&game));
    assert_eq!(epm_by_vertex_enumeration(&game), None);
    assert!(matches!(equal_profit(&game), Err(CostError::NoSolution { .. })));
    // Shapley splits 1.6 evenly; every pair pays 1.0667 > 1, {1,2} first.
    let phi = shapley(&game);
    let worst = core_check(&game, &phi, 1e-9).unwrap().violation().unwrap();
    assert_eq!(worst.coalition, Coalition(0b011));
    assert!((worst.excess - (3.2 / 3.0 - 1.0)).abs() < 1e-12);
}

#[test]
fn shares_round_to_cents_keeping_the_total() {
    // three_suppliers with c(N) = 16 cents instead of 15: the grand coalition's extra cent
    // enters every Shapley share with weight 1/3, so φ = (4 1/3, 5 1/3, 6 1/3). Floors 4, 5, 6
    // recover 15; the 16th cent goes to the largest remainder, all 1/3: a tie, so player 0.
    let game = Game::from_costs(3, vec![0.0, 6.0, 7.0, 10.0, 8.0, 11.0, 12.0, 16.0]).unwrap();
    let phi = shapley(&game);
    assert!(close(&phi, &[13.0 / 3.0, 16.0 / 3.0, 19.0 / 3.0], 1e-12), "{phi:?}");
    assert_eq!(round_to_money(&phi).unwrap(), vec![Money(5), Money(5), Money(6)]);
    // EPM: 16 · (6, 7, 8) / 21 = (4.571, 5.333, 6.095) saves everyone 5/21 and is in the core
    // (pairs pay 9.90 ≤ 10, 10.67 ≤ 11, 11.43 ≤ 12). Floors 4, 5, 6; the cent goes to the
    // largest remainder, 0.571 (player 0).
    let epm = equal_profit(&game).unwrap();
    assert!(close(&epm.shares, &[32.0 / 7.0, 16.0 / 3.0, 128.0 / 21.0], 1e-9), "{epm:?}");
    assert_eq!(round_to_money(&epm.shares).unwrap(), vec![Money(5), Money(5), Money(6)]);
}

#[test]
fn exact_methods_never_evaluate_a_coalition_twice() {
    let points = [(10.0, 0.0), (0.0, 10.0), (10.0, 10.0), (-5.0, 3.0)];
    let reference = tsp_game(&points);
    let mut asked = vec![0u32; 16];
    let game = Game::from_fn(4, |s: Coalition| {
        asked[s.0 as usize] += 1;
        Ok(reference.cost(s).unwrap())
    })
    .unwrap();
    assert_eq!(asked[0], 0);
    assert!(asked[1..].iter().all(|&k| k == 1), "{asked:?}");
    assert_eq!(game, reference);
    // Everything after runs on the table.
    let _ = (shapley(&game), equal_profit(&game), core_check(&game, &[1.0; 4], 0.0));
}

#[test]
fn bad_input_gets_typed_errors() {
    let nan = |_: Coalition| Ok(f64::NAN);
    assert!(matches!(Game::from_fn(3, nan), Err(CostError::InvalidInput { item, .. }) if item == "coalition {0} cost"));
    let negative = |s: Coalition| Ok(if s.len() == 2 { -1.0 } else { 1.0 });
    assert!(
        matches!(Game::from_fn(3, negative), Err(CostError::InvalidInput { item, .. }) if item == "coalition {0, 1} cost")
    );
    let one = |_: Coalition| Ok(1.0);
    assert!(matches!(Game::from_fn(0, one), Err(CostError::InvalidInput { .. })));
    assert!(matches!(Game::from_fn(21, one), Err(CostError::TooManyPlayers { max: 20, got: 21, .. })));
    assert!(matches!(shapley_sampled(0, one, &SamplingConfig::new(10, 1)), Err(CostError::InvalidInput { .. })));
    assert!(matches!(shapley_sampled(65, one, &SamplingConfig::new(10, 1)), Err(CostError::InvalidInput { .. })));
    assert!(matches!(proportional_to_stand_alone(0, one), Err(CostError::InvalidInput { .. })));
    assert!(matches!(separable_costs_remaining_benefits(70, one), Err(CostError::InvalidInput { .. })));
    let big = Game::from_fn(EQUAL_PROFIT_MAX_PLAYERS + 1, one).unwrap();
    assert!(matches!(equal_profit(&big), Err(CostError::TooManyPlayers { .. })));
    assert!(matches!(core_check(&three_suppliers(), &[1.0], 0.0), Err(CostError::InvalidInput { .. })));
    assert!(matches!(proportional(10.0, &[1.0, f64::INFINITY]), Err(CostError::InvalidInput { .. })));
    // A coalition outside a tabulated game.
    let mut game = &three_suppliers();
    assert!(matches!(CoalitionCost::cost(&mut game, Coalition(0b1000)), Err(CostError::InvalidInput { .. })));
}

#[test]
fn sampled_shapley_converges_on_ten_suppliers() {
    let points: Vec<(f64, f64)> = (0..10).map(|k| (f64::from(k * 37 % 100), f64::from(k * 61 % 100) - 50.0)).collect();
    let game = tsp_game(&points);
    let exact = shapley(&game);
    let estimate = shapley_sampled(10, &game, &SamplingConfig::new(4000, 17)).unwrap();
    for (i, (value, se)) in estimate.values.iter().zip(&estimate.std_errors).enumerate() {
        let gap = (value - exact[i]).abs();
        assert!(gap <= 4.0 * se + 1e-9, "player {i}: {gap} vs se {se}");
    }
    // Four times the samples, about half the standard error.
    let more = shapley_sampled(10, &game, &SamplingConfig::new(16000, 17)).unwrap();
    for i in 0..10 {
        let ratio = more.std_errors[i] / estimate.std_errors[i];
        assert!((0.4..0.6).contains(&ratio), "player {i}: {ratio}");
    }
}

#[test]
fn equal_profit_on_twelve_suppliers() {
    // Twelve suppliers on a ring around the plant: a convex-ish game with a non-empty core.
    let points: Vec<(f64, f64)> = (0..12)
        .map(|k| {
            let a = f64::from(k) * std::f64::consts::TAU / 12.0;
            (50.0 * a.cos() + 60.0, 50.0 * a.sin())
        })
        .collect();
    let game = tsp_game(&points);
    let epm = equal_profit(&game).unwrap();
    assert!(core_check(&game, &epm.shares, 1e-6).unwrap().in_core);
    let phi = shapley(&game);
    if core_check(&game, &phi, 1e-9).unwrap().in_core {
        let spread = spread_of(&game, &phi);
        assert!(epm.spread <= spread + 1e-7, "{} > {spread}", epm.spread);
    }
}

fn spread_of(game: &Game, shares: &[f64]) -> f64 {
    let relative: Vec<f64> = shares.iter().zip(game.stand_alone_costs()).map(|(x, c)| x / c).collect();
    relative.iter().copied().fold(f64::NEG_INFINITY, f64::max) - relative.iter().copied().fold(f64::INFINITY, f64::min)
}

// ---------------------------------------------------------------------------------------------
// Properties

fn points(players: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((-100.0..100.0f64, -100.0..100.0f64), players)
}

fn runways(players: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Vec<Vec<f64>>> {
    players.prop_flat_map(|n| prop::collection::vec(prop::collection::vec(0.5..50.0f64, n), 1..=3))
}

/// A random game with no structure beyond positive costs (often with an empty core).
fn any_game(players: usize) -> impl Strategy<Value = Game> {
    prop::collection::vec(0.5..20.0f64, (1 << players) - 1).prop_map(move |mut costs| {
        costs.insert(0, 0.0);
        Game::from_costs(players, costs).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn allocations_recover_the_total(points in points(1..=8), seed in any::<u64>()) {
        let game = tsp_game(&points);
        let n = game.players();
        let total = game.grand_cost();
        let tolerance = 1e-9 * total.max(1.0);
        let sum = |x: &[f64]| x.iter().sum::<f64>();
        prop_assert!((sum(&shapley(&game)) - total).abs() <= tolerance);
        prop_assert!((sum(&proportional_to_stand_alone(n, &game).unwrap()) - total).abs() <= tolerance);
        let estimate = shapley_sampled(n, &game, &SamplingConfig::new(50, seed)).unwrap();
        prop_assert!((sum(&estimate.values) - total).abs() <= tolerance);
        if let Ok(scrb) = separable_costs_remaining_benefits(n, &game) {
            prop_assert!((sum(&scrb) - total).abs() <= tolerance);
        }
        if let Ok(epm) = equal_profit(&game) {
            prop_assert!((sum(&epm.shares) - total).abs() <= 1e-6 * total.max(1.0));
        }
    }

    #[test]
    fn rounded_shares_keep_the_total_to_the_cent(points in points(1..=7)) {
        // Costs in cents: Shapley and EPM rounded to Money add up to c(N) rounded, each share
        // within a cent of its exact value.
        // The tour lengths in cents, rounded: c(N) is a whole number of cents.
        let game = tsp_game(&points);
        let game = Game::from_costs(game.players(), game.costs().iter().map(|c| (c * 100.0).round()).collect()).unwrap();
        let total = game.grand_cost() as i64;
        let mut allocations = vec![shapley(&game)];
        if let Ok(epm) = equal_profit(&game) {
            allocations.push(epm.shares);
        }
        for shares in allocations {
            let money = round_to_money(&shares).unwrap();
            prop_assert_eq!(money.iter().map(|m| m.0).sum::<i64>(), total);
            for (m, x) in money.iter().zip(&shares) {
                prop_assert!((m.0 as f64 - x).abs() < 1.0 + 1e-9, "{:?} vs {}", m, x);
            }
        }
    }

    #[test]
    fn exact_shapley_matches_all_orders(points in points(1..=6)) {
        let game = tsp_game(&points);
        prop_assert!(close(&shapley(&game), &shapley_over_all_orders(&game), 1e-9));
    }

    #[test]
    fn symmetric_suppliers_pay_the_same(mut points in points(2..=7)) {
        // Suppliers 0 and 1 at the same address.
        points[1] = points[0];
        let game = tsp_game(&points);
        let n = game.players();
        let phi = shapley(&game);
        prop_assert!((phi[0] - phi[1]).abs() <= 1e-9, "{:?}", phi);
        let by_alone = proportional_to_stand_alone(n, &game).unwrap();
        prop_assert!((by_alone[0] - by_alone[1]).abs() <= 1e-9);
        if let Ok(scrb) = separable_costs_remaining_benefits(n, &game) {
            prop_assert!((scrb[0] - scrb[1]).abs() <= 1e-9);
        }
        if let Ok(epm) = equal_profit(&game) {
            let scale = game.costs().iter().copied().fold(1.0, f64::max);
            prop_assert!((epm.shares[0] - epm.shares[1]).abs() <= 1e-9 * scale, "{:?}", epm);
            prop_assert!(core_check(&game, &epm.shares, 1e-7 * scale).unwrap().in_core);
        }
    }

    #[test]
    fn a_dummy_supplier_pays_nothing(points in points(1..=6), dummy in 0usize..7, seed in any::<u64>()) {
        // The dummy is on the plant's doorstep: it adds nothing to any tour.
        let base = tsp_game(&points);
        let n = base.players() + 1;
        let dummy = dummy % n;
        let drop_dummy = |s: Coalition| {
            let low = s.0 & ((1 << dummy) - 1);
            let high = (s.0 >> (dummy + 1)) << dummy;
            Coalition(low | high)
        };
        let game = Game::from_fn(n, |s: Coalition| Ok(base.cost(drop_dummy(s)).unwrap())).unwrap();
        prop_assert!(shapley(&game)[dummy].abs() <= 1e-12);
        let estimate = shapley_sampled(n, &game, &SamplingConfig::new(20, seed)).unwrap();
        prop_assert!(estimate.values[dummy].abs() <= 1e-12 && estimate.std_errors[dummy] == 0.0);
    }

    #[test]
    fn sampled_shapley_is_reproducible_and_converges(points in points(8..=9), seed in any::<u64>()) {
        let game = tsp_game(&points);
        let n = game.players();
        let config = SamplingConfig::new(1500, seed);
        let estimate = shapley_sampled(n, &game, &config).unwrap();
        prop_assert_eq!(&estimate, &shapley_sampled(n, &game, &config).unwrap());
        let other = shapley_sampled(n, &game, &SamplingConfig::new(1500, seed ^ 1)).unwrap();
        prop_assert_ne!(&estimate.values, &other.values);
        let exact = shapley(&game);
        for (i, (value, se)) in estimate.values.iter().zip(&estimate.std_errors).enumerate() {
            let gap = (value - exact[i]).abs();
            prop_assert!(gap <= 5.0 * se + 1e-9, "player {}: {} vs se {}", i, gap, se);
        }
    }

    #[test]
    fn equal_profit_is_in_the_core_of_concave_games(runways in runways(2..=7)) {
        // Concave games have the Shapley value in their core, so the core is non-empty and the
        // Equal Profit Method must succeed, in the core, with a spread no larger than Shapley's.
        let game = airport_game(&runways);
        let phi = shapley(&game);
        prop_assert!(core_check(&game, &phi, 1e-9 * game.grand_cost()).unwrap().in_core);
        let epm = equal_profit(&game).unwrap();
        prop_assert!(core_check(&game, &epm.shares, 1e-7 * game.grand_cost()).unwrap().in_core);
        prop_assert!(epm.spread <= spread_of(&game, &phi) + 1e-7);
    }

    #[test]
    fn equal_profit_matches_vertex_enumeration_on_tsp_games(points in points(2..=4)) {
        let game = tsp_game(&points);
        prop_assume!(game.stand_alone_costs().iter().all(|&c| c > 1e-3));
        check_against_enumeration(&game)?;
    }

    #[test]
    fn equal_profit_matches_vertex_enumeration_on_any_game(game in (2usize..=4).prop_flat_map(any_game)) {
        check_against_enumeration(&game)?;
        if game.players() == 3 {
            prop_assert_eq!(equal_profit(&game).is_ok(), three_player_core_is_non_empty(&game));
        }
    }
}

fn check_against_enumeration(game: &Game) -> Result<(), TestCaseError> {
    let scale = game.costs().iter().copied().fold(0.0, f64::max);
    match (equal_profit(game), epm_by_vertex_enumeration(game)) {
        (Ok(epm), Some(best)) => {
            prop_assert!((epm.spread - best).abs() <= 1e-6, "{} vs {}", epm.spread, best);
            prop_assert!(core_check(game, &epm.shares, 1e-7 * scale).unwrap().in_core);
        }
        (Err(CostError::NoSolution { .. }), None) => {}
        (got, expected) => prop_assert!(false, "{:?} vs {:?}", got, expected),
    }
    Ok(())
}
