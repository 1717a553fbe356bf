//! Driver breaks: hand-made cases with exact timetables, and properties on random problems
//! (checker-clean, repeatable, optimal over visit orders under the documented placement rule).

use milkrun_model::{
    check_solution, BreakId, BreakRule, BreakWhen, Coordinates, Duration, Job, Load, Problem, ProblemData, Rounding,
    Site, SiteId, SiteKind, Speed, Stop, TimeWindow, TravelMatrix, VehicleType, Visit,
};
use milkrun_routing::{Solver, SolverConfig};
use proptest::prelude::*;

use crate::support::{brute_force, brute_force_with, build, checked_cost, spec, Spec};

/// The visits of a route through `order` with the breaks the engine's documented rule (see
/// `src/breaks.rs`) places, written out again from the model: before each leg, window rules
/// first, every break that is due (its window would close before the next chance, or the
/// route heads back after the window opens; a driving limit the leg would pass) or free (the
/// next stop's service starts no later) is taken; a due driving break is replaced by an open
/// window break at least as long.
pub(crate) fn placed_by_rule(problem: &Problem, vt: &VehicleType, order: &[Visit]) -> Vec<Visit> {
    let travel = problem.travel();
    let rules = &vt.breaks;
    let window = |k: usize| match rules[k].when {
        BreakWhen::Window(w) => Some(w),
        BreakWhen::AfterDriving(_) => None,
    };
    let open = |k: usize| window(k).map_or(Duration::ZERO, |w| w.open);
    let close = |k: usize| window(k).map_or(Duration::MAX, |w| w.close);
    // Start of service at `stop` for an arrival at `t` (the checker's rule).
    let service_start =
        |stop: &Stop, t: Duration| stop.windows.iter().find(|w| t <= w.close).map_or(t, |w| t.max(w.open));
    let stop_of = |v: Visit| -> Option<&Stop> {
        let job = &problem.jobs()[v.job()?.index()];
        match v {
            Visit::Delivery(_) => job.stops().get(1).copied(),
            _ => job.stops().first().copied(),
        }
    };
    let mut done: Vec<bool> = (0..rules.len()).map(|k| window(k).is_some_and(|w| w.close < vt.shift.open)).collect();
    let mut driving = vec![Duration::ZERO; rules.len()];
    let mut t = vt.shift.open;
    let mut at = vt.start;
    let mut out = Vec::new();
    let legs = order.iter().map(|&v| Some(v)).chain(std::iter::once(None));
    for next in legs {
        let (site, stop) = match next {
            Some(Visit::Reload(s)) => (s, None),
            Some(v) => {
                let stop = stop_of(v).unwrap();
                (stop.site, Some(stop))
            }
            None => (vt.end.unwrap_or(at), None),
        };
        let tau = travel.duration(at.index(), site.index());
        'decide: loop {
            let arrival = t + tau;
            let (start, leave) = match stop {
                Some(stop) => {
                    let s = service_start(stop, arrival);
                    (s, s + stop.service)
                }
                None => (arrival, arrival),
            };
            let ending = next.is_none();
            let order_k = (0..rules.len())
                .filter(|&k| window(k).is_some())
                .chain((0..rules.len()).filter(|&k| window(k).is_none()));
            for k in order_k {
                let from = t.max(open(k));
                let free = !ending
                    && from <= close(k)
                    && stop.is_some_and(|s| service_start(s, from + rules[k].duration + tau) <= start);
                let take = match window(k) {
                    Some(w) => !done[k] && (free || if ending { arrival > w.open } else { leave > w.close }),
                    None => {
                        let BreakWhen::AfterDriving(limit) = rules[k].when else { unreachable!() };
                        driving[k] > Duration::ZERO && (free || driving[k] + tau > limit)
                    }
                };
                if take {
                    let k = (0..rules.len())
                        .find(|&w| {
                            window(k).is_none()
                                && window(w).is_some_and(|win| win.open <= t && t <= win.close)
                                && !done[w]
                                && rules[w].duration >= rules[k].duration
                        })
                        .unwrap_or(k);
                    out.push(Visit::Break(BreakId::from_index(k)));
                    t = t.max(open(k)) + rules[k].duration;
                    if window(k).is_some() {
                        done[k] = true;
                    }
                    for j in 0..rules.len() {
                        if rules[k].duration >= rules[j].duration {
                            driving[j] = Duration::ZERO;
                        }
                    }
                    continue 'decide;
                }
            }
            break;
        }
        for d in &mut driving {
            *d += tau;
        }
        let arrival = t + tau;
        t = match (next, stop) {
            (Some(Visit::Reload(_)), _) => arrival + vt.reload_time,
            (_, Some(stop)) => service_start(stop, arrival) + stop.service,
            _ => arrival,
        };
        at = site;
        out.extend(next);
    }
    out
}

/// Sites on the x axis at the given positions (the depot at 0), one job per site after the
/// first, unit speed, and one vehicle with `rules`.
fn line(xs: &[i64], windows: &[Option<(i64, i64)>], rules: Vec<BreakRule>) -> Problem {
    let mut sites = vec![Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 0.0, y: 0.0 })];
    let mut jobs = Vec::new();
    for (k, (&x, w)) in xs.iter().zip(windows).enumerate() {
        sites.push(Site::new(format!("s{k}"), SiteKind::Customer, Coordinates::Planar { x: x as f64, y: 0.0 }));
        let mut stop = Stop::at(SiteId(k as u32 + 1));
        if let Some((a, b)) = *w {
            stop = stop.window(TimeWindow::new(Duration(a), Duration(b)));
        }
        jobs.push(Job::delivery(format!("c{k}"), stop, Load::single(1)));
    }
    let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
    let travel = TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance).unwrap();
    let mut vt = VehicleType::new("van", 1, Load::single(10), SiteId(0));
    vt.shift = TimeWindow::new(Duration(0), Duration(1000));
    vt.breaks = rules;
    ProblemData {
        name: "line".into(),
        dimensions: vec!["units".into()],
        travel,
        sites,
        jobs,
        vehicle_types: vec![vt],
        ..ProblemData::default()
    }
    .validate()
    .unwrap()
}

fn solve(problem: &Problem) -> milkrun_routing::Solved {
    let solved = Solver::new(SolverConfig::default().seed(1).max_iterations(200)).solve(problem).unwrap();
    let report = check_solution(problem, &solved.solution);
    assert!(report.is_feasible(), "{:?}", report.violations);
    assert_eq!(report.cost(), solved.cost.total);
    solved
}

/// (visit, start) of every timetable row of the only route, depots left out.
fn rows(solved: &milkrun_routing::Solved) -> Vec<(Visit, i64)> {
    solved.schedules[0].stops.iter().filter_map(|s| Some((s.visit?, s.start.get()))).collect()
}

const LUNCH: fn(i64, i64, i64) -> BreakRule =
    |open, close, length| BreakRule::in_window(Duration(length), TimeWindow::new(Duration(open), Duration(close)));

#[test]
fn a_window_break_is_taken_before_heading_back() {
    // Out along the line to 30 and back (either way round): the window (25-40) does not close
    // before a later chance on the way out, so the break comes at the last chance, 30 or 40
    // into the route, for 15: back at 75.
    let problem = line(&[10, 20, 30], &[None; 3], vec![LUNCH(25, 40, 15)]);
    let solved = solve(&problem);
    let breaks: Vec<(Visit, i64)> = rows(&solved).into_iter().filter(|(v, _)| v.job().is_none()).collect();
    assert_eq!(breaks.len(), 1);
    assert!(matches!(breaks[0], (Visit::Break(BreakId(0)), 30 | 40)), "{breaks:?}");
    assert_eq!(solved.schedules[0].duration, Duration(75));
    assert_eq!(solved.schedules[0].distance.get(), 60);
}

#[test]
fn a_window_break_that_would_close_is_taken_before_the_leg() {
    // One stop 20 away; the window 5-15 would have closed by the departure from it: the break
    // is taken at the depot from 5 (the departure moves there), then the drive.
    let problem = line(&[20], &[None], vec![LUNCH(5, 15, 10)]);
    let solved = solve(&problem);
    assert_eq!(rows(&solved), vec![(Visit::Break(BreakId(0)), 5), (Visit::Service(milkrun_model::JobId(0)), 35)]);
    assert_eq!(solved.schedules[0].stops[0].departure, Duration(5));
    assert_eq!(solved.schedules[0].duration, Duration(50));
}

#[test]
fn a_break_fits_into_waiting_and_the_departure_moves_later() {
    // One stop 10 away opening at 60; the break window 20-50 fits into the wait: the driver
    // leaves at 35, rests at the depot 35-50 and arrives exactly at 60.
    let problem = line(&[10], &[Some((60, 100))], vec![LUNCH(20, 50, 15)]);
    let solved = solve(&problem);
    assert_eq!(rows(&solved), vec![(Visit::Break(BreakId(0)), 35), (Visit::Service(milkrun_model::JobId(0)), 60)]);
    assert_eq!(solved.schedules[0].stops[0].departure, Duration(35));
    assert_eq!(solved.schedules[0].duration, Duration(35));
}

#[test]
fn a_break_fits_into_waiting_the_departure_cannot_remove() {
    // The stop at 10 opens and closes at 10, the one at 20 opens at 60: the wait there stays
    // (the departure cannot move), and the lunch break (20-80, 15) goes into it, at the first
    // stop from 20, rather than at the last chance (60) on the way back.
    let mut data = line(&[10, 20], &[Some((10, 10)), Some((60, 100))], vec![LUNCH(20, 80, 15)]).into_data();
    data.vehicle_types[0].unit_duration_cost = 1;
    let problem = data.validate().unwrap();
    let solved = solve(&problem);
    assert_eq!(
        rows(&solved),
        vec![
            (Visit::Service(milkrun_model::JobId(0)), 10),
            (Visit::Break(BreakId(0)), 20),
            (Visit::Service(milkrun_model::JobId(1)), 60)
        ]
    );
    assert_eq!(solved.schedules[0].duration, Duration(80));
}

#[test]
fn a_shift_starting_after_the_window_takes_no_break() {
    let mut data = line(&[10, 20], &[None; 2], vec![LUNCH(20, 50, 30)]).into_data();
    data.vehicle_types[0].shift = TimeWindow::new(Duration(60), Duration(1000));
    let solved = solve(&data.validate().unwrap());
    assert!(rows(&solved).iter().all(|(v, _)| v.job().is_some()));
    assert_eq!(solved.schedules[0].duration, Duration(40));
}

#[test]
fn a_route_back_before_the_window_takes_no_break() {
    let problem = line(&[10, 20], &[None; 2], vec![LUNCH(500, 600, 30)]);
    let solved = solve(&problem);
    assert!(rows(&solved).iter().all(|(v, _)| v.job().is_some()));
    assert_eq!(solved.schedules[0].duration, Duration(40));
}

#[test]
fn a_driving_limit_puts_a_break_before_the_leg_that_would_pass_it() {
    // Stops at 30, 60, 90 and back: at most 100 at the wheel, then 10 off. Either way round,
    // the break comes at the far stop (90 driven, 90 to go).
    let problem = line(&[30, 60, 90], &[None; 3], vec![BreakRule::after_driving(Duration(10), Duration(100))]);
    let solved = solve(&problem);
    let breaks: Vec<(Visit, i64)> = rows(&solved).into_iter().filter(|(v, _)| v.job().is_none()).collect();
    assert_eq!(breaks, vec![(Visit::Break(BreakId(0)), 90)]);
    assert_eq!(solved.schedules[0].duration, Duration(190));
}

#[test]
fn a_leg_longer_than_the_driving_limit_is_infeasible() {
    let problem = line(&[40], &[None], vec![BreakRule::after_driving(Duration(10), Duration(30))]);
    let solved = Solver::new(SolverConfig::default().seed(1).max_iterations(50)).solve(&problem).unwrap();
    let report = check_solution(&problem, &solved.solution);
    assert!(!solved.feasible);
    assert_eq!(report.is_feasible(), solved.feasible, "{:?}", report.violations);
}

fn with_breaks(s: impl Strategy<Value = Spec>) -> impl Strategy<Value = Spec> {
    let window = (0i64..150, 0i64..60, 5i64..30).prop_map(|(a, w, d)| LUNCH(a, a + w, d));
    let driving = (20i64..90, 5i64..20).prop_map(|(limit, d)| BreakRule::after_driving(Duration(d), Duration(limit)));
    (s, proptest::option::of(window), proptest::option::of(driving), 0i64..3).prop_map(|(mut s, w, d, c)| {
        s.breaks = w.into_iter().chain(d).collect();
        s.duration_cost = c;
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn solutions_with_breaks_pass_the_checker_and_repeat(s in with_breaks(spec(16, true, true)), seed in 0u64..4) {
        let problem = build(&s);
        let solve = || Solver::new(SolverConfig::default().seed(seed).max_iterations(300)).solve(&problem).unwrap();
        let a = solve();
        let report = check_solution(&problem, &a.solution);
        prop_assert_eq!(report.is_feasible(), a.feasible, "{:?}", report.violations);
        if a.feasible {
            prop_assert_eq!(report.cost(), a.cost.total);
        }
        prop_assert_eq!(a.solution, solve().solution);
    }
}

proptest! {
    // A fixed sample, as the other optimality properties.
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_128),
        ..ProptestConfig::default()
    })]

    #[test]
    fn tiny_problems_with_breaks_are_solved_to_optimality(s in with_breaks(spec(6, true, false))) {
        let problem = build(&s);
        let optimum = brute_force(&problem);
        let solved = Solver::new(SolverConfig::default().seed(3).max_iterations(300)).solve(&problem).unwrap();
        prop_assert_eq!(Some(solved.cost.total.get()).filter(|_| solved.feasible), optimum);
    }
}

/// The cheapest route through `order` with vehicle type `t` over every placement of breaks:
/// each window rule at most once at any gap (before a visit or before the way back), each
/// driving rule at any set of gaps.
fn best_placement(problem: &Problem, t: usize, order: &[Visit]) -> Option<i64> {
    let vt = &problem.vehicle_types()[t];
    let gaps = order.len() + 1;
    let windows: Vec<usize> =
        (0..vt.breaks.len()).filter(|&k| matches!(vt.breaks[k].when, BreakWhen::Window(_))).collect();
    let driving: Vec<usize> = (0..vt.breaks.len()).filter(|&k| !windows.contains(&k)).collect();
    let mut best = None::<i64>;
    // Window rule k at gap choice[k] (gaps: none).
    let combos_w = (gaps + 1).pow(windows.len() as u32);
    let combos_d = 1usize << (gaps * driving.len());
    // Per gap, whether its driving breaks come before its window breaks.
    let combos_o = if windows.is_empty() || driving.is_empty() { 1 } else { 1usize << gaps };
    for (cw, cd, co) in
        (0..combos_w).flat_map(|w| (0..combos_d).flat_map(move |d| (0..combos_o).map(move |o| (w, d, o))))
    {
        {
            let mut visits = Vec::new();
            for g in 0..gaps {
                let mut at_gap = Vec::new();
                let mut code = cw;
                for &k in &windows {
                    if code % (gaps + 1) == g {
                        at_gap.push(Visit::Break(BreakId::from_index(k)));
                    }
                    code /= gaps + 1;
                }
                for (i, &k) in driving.iter().enumerate() {
                    if cd >> (i * gaps + g) & 1 == 1 {
                        at_gap.push(Visit::Break(BreakId::from_index(k)));
                    }
                }
                if co >> g & 1 == 1 {
                    at_gap.reverse();
                }
                visits.extend(at_gap);
                if g < order.len() {
                    visits.push(order[g]);
                }
            }
            let route = milkrun_model::Route::new(milkrun_model::VehicleTypeId(t as u32), visits);
            if let Ok(c) = checked_cost(problem, &route) {
                best = Some(best.map_or(c, |b: i64| b.min(c)));
            }
        }
    }
    best
}

/// How far the placement rule is from the best placement, on tiny random problems: prints
/// the share of problems where the engine reaches the optimum over all placements and the
/// mean and largest excess. The engine is never below that optimum (its answer is a
/// placement the checker accepts). Run with `cargo test -p milkrun-routing --release --test
/// tests -- --ignored breaks_placement --nocapture` (2026-11-28, up to 4 clients, 300
/// problems: optimal on 289, mean excess 0.145 %, largest 18.27 %; up to 3 clients: 295,
/// 0.081 %, 6.08 %).
#[test]
#[ignore = "a measurement (minutes): the greedy placement against every placement"]
fn breaks_placement_against_every_placement() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = with_breaks(spec(4, true, false));
    let (mut cases, mut optimal, mut missed, mut sum, mut worst) = (0, 0, 0, 0.0f64, 0.0f64);
    while cases < 300 {
        let s = strategy.new_tree(&mut runner).unwrap().current();
        if s.breaks.is_empty() {
            continue;
        }
        let problem = build(&s);
        let Some(optimum) = brute_force_with(&problem, &best_placement) else { continue };
        let solved = Solver::new(SolverConfig::default().seed(3).max_iterations(300)).solve(&problem).unwrap();
        cases += 1;
        let engine = if solved.feasible { solved.cost.total.get() } else { i64::MAX };
        assert!(engine >= optimum, "{engine} < {optimum}: {s:?}");
        if engine == optimum {
            optimal += 1;
        } else if engine == i64::MAX {
            missed += 1;
        } else {
            let excess = 100.0 * (engine - optimum) as f64 / optimum.max(1) as f64;
            sum += excess;
            worst = worst.max(excess);
        }
    }
    println!(
        "{cases} feasible tiny problems with breaks: greedy placement optimal on {optimal}, none feasible found on {missed}; mean excess {:.3} %, largest {worst:.2} %",
        sum / cases as f64
    );
}
