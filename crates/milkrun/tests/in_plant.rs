//! The in-plant milk run (tugger train): the milk-run planner on aisle graphs. Every plan is
//! verified by the independent plan checker.
#![allow(clippy::unwrap_used)]

use milkrun::model::{Distance, Duration, Kilograms, Money, SiteId, TimeWindow};
use milkrun::planner::in_plant::{
    Aisle, AisleGraph, AisleNode, AislePoint, BinType, InPlantLayout, InPlantNetwork, InPlantPlan, InPlantPlanner,
    Station, StationPart, TuggerTrain,
};
use milkrun::planner::{check_plan, Service};
use milkrun::Error;
use proptest::prelude::*;

fn klt() -> BinType {
    BinType { name: "KLT 6428".into(), parts: 20, tare: Kilograms(2.2), returnable: true }
}

fn part(name: &str, per_hour: f64, max_bins: u32) -> StationPart {
    StationPart {
        name: name.into(),
        bin: klt(),
        unit_weight: Kilograms(0.5),
        per_hour,
        safety_bins: 1.0,
        max_bins,
        holding_per_bin: Money(10),
    }
}

fn station(name: &str, node: AisleNode, parts: Vec<StationPart>) -> Station {
    Station { name: name.into(), node, parts, stop_time: Duration(30), per_bin: Duration(8) }
}

/// One train of `bins` bins, 2 m/s, a `minutes`-minute cycle over `hours` hours from 06:00.
fn train(trains: u32, bins: u32, minutes: i64, hours: i64) -> TuggerTrain {
    TuggerTrain {
        name: "tugger".into(),
        trains,
        bins,
        payload: Kilograms(1_000.0),
        speed: 2.0,
        shift: TimeWindow::new(Duration::hours(6), Duration::hours(6 + hours)),
        cycle: Duration::minutes(minutes),
        fixed_per_shift: Money(5_000),
        cost_per_second: 1,
        cost_per_metre: 0,
        energy: None,
    }
}

/// A 3 x 2 aisle grid, 40 m by 30 m cells, the supermarket at the south-west corner, four
/// stations at the other crossings.
fn small_hall() -> InPlantLayout {
    let mut aisles = AisleGraph::default();
    let grid: Vec<Vec<AisleNode>> = (0..2)
        .map(|j| (0..3).map(|i| aisles.add_node(AislePoint { x: 40.0 * i as f64, y: 30.0 * j as f64 })).collect())
        .collect();
    for j in 0..2 {
        for i in 0..3 {
            if i + 1 < 3 {
                aisles.add_edge(grid[j][i], grid[j][i + 1], Aisle::straight());
            }
            if j + 1 < 2 {
                aisles.add_edge(grid[j][i], grid[j + 1][i], Aisle::straight());
            }
        }
    }
    let stations = vec![
        station("press", grid[0][1], vec![part("bracket", 90.0, 8)]),
        station("weld", grid[0][2], vec![part("frame", 60.0, 8), part("stud", 30.0, 6)]),
        station("mould", grid[1][2], vec![part("clip", 120.0, 10)]),
        station("sew", grid[1][1], vec![part("cover", 40.0, 6)]),
    ];
    InPlantLayout { name: "small hall".into(), aisles, supermarket: grid[0][0], stations }
}

fn assert_checked(hall: &InPlantNetwork, plan: &InPlantPlan) {
    let report = check_plan(hall.network(), hall.inbound(), &plan.milk_run);
    assert!(report.is_ok(), "{report}");
}

/// Sum of the straight aisle lengths along a path of node indices, or `None` if two
/// consecutive points are not joined by an aisle.
fn straight_length(hall: &InPlantNetwork, path: &[usize]) -> Option<i64> {
    let p = hall.points();
    path.windows(2)
        .map(|w| {
            hall.aisles()
                .iter()
                .any(|&(a, b, one_way)| (a, b) == (w[0], w[1]) || (!one_way && (b, a) == (w[0], w[1])))
                .then(|| (p[w[0]].0 - p[w[1]].0).hypot(p[w[0]].1 - p[w[1]].1).round() as i64)
        })
        .sum()
}

/// What every plan of a hall with straight aisles must satisfy beyond the checker: each run
/// starts and ends at the supermarket, drives along aisles, and its path is as long as the
/// plan says; stations' visits are evenly spaced when the cycles allow it.
fn assert_runs_follow_the_aisles(layout: &InPlantLayout, hall: &InPlantNetwork, plan: &InPlantPlan) {
    let market = layout.supermarket.index();
    for run in &plan.runs {
        assert_eq!(run.path.first(), Some(&market), "{run:?}");
        assert_eq!(run.path.last(), Some(&market), "{run:?}");
        assert_eq!(straight_length(hall, &run.path), Some(run.distance.get()), "{run:?}");
        for stop in &run.stops {
            assert!(run.path.contains(&layout.stations[stop.station].node.index()), "{run:?}");
        }
        let trains = hall.network().vehicle_types()[0].count as usize;
        assert!(run.train < trains && run.cycle < hall.cycles(), "{run:?}");
    }
}

#[test]
fn a_small_hall_is_planned_and_checker_clean() {
    let layout = small_hall();
    let hall = InPlantNetwork::new(&layout, &train(1, 16, 20, 4)).unwrap();
    assert_eq!(hall.cycles(), 12);
    let plan = InPlantPlanner::builder().iterations(100).build().plan(&hall).unwrap();
    assert_checked(&hall, &plan);
    assert!(plan.milk_run.issues.is_empty(), "{:?}", plan.milk_run.issues);
    assert_runs_follow_the_aisles(&layout, &hall, &plan);
    assert_eq!(plan.stations.len(), layout.stations.len());
    for (s, sp) in plan.stations.iter().enumerate() {
        // 12 cycles, intervals 1 to 4 all divide 12: every station is visited every k-th cycle.
        let k = sp.every.unwrap_or_else(|| panic!("station {s} not evenly spaced: {:?}", sp.cycles));
        assert!((1..=4).contains(&k), "{sp:?}");
        assert_eq!(sp.cycles.len() * k, 12, "{sp:?}");
        assert_eq!(sp.stock.len(), layout.stations[s].parts.len());
        for stock in &sp.stock {
            assert!(stock.low >= stock.safety - 1e-9 && stock.high <= f64::from(stock.limit) + 1e-9, "{stock:?}");
        }
        if matches!(sp.service, Service::MilkRun(_)) {
            let on_runs = plan.runs.iter().flat_map(|r| &r.stops).filter(|st| st.station == s).count();
            assert_eq!(on_runs, sp.cycles.len(), "station {s}");
        }
    }
    // One train: at most one run per cycle, and the train's figures add up.
    assert!(plan.trains.len() <= 1);
    let km: f64 = plan.runs.iter().map(|r| r.distance.get() as f64).sum::<f64>() / 1000.0;
    assert!((plan.km - km).abs() < 1e-9 && (plan.km - plan.milk_run.kpis.km).abs() < 1e-9);
    for t in &plan.trains {
        assert!(t.utilisation > 0.0 && t.utilisation <= 1.0 && t.bin_fill > 0.0 && t.bin_fill <= 1.0, "{t:?}");
    }
    // Bins collected over the shift cover what the line uses (rounded up to whole bins).
    for (s, station) in layout.stations.iter().enumerate() {
        for (j, part) in station.parts.iter().enumerate() {
            let id = hall.station_parts(s)[j];
            let collected: u32 = plan
                .milk_run
                .pickups
                .iter()
                .flat_map(|p| &p.parts)
                .filter(|q| q.part == id)
                .map(|q| q.containers)
                .sum();
            let used = part.per_hour * 4.0 / f64::from(part.bin.parts);
            assert_eq!(f64::from(collected), (used - 1e-9).ceil(), "{}", part.name);
        }
    }
}

/// Supermarket M, a crossing X 50 m east, station A 50 m further, station B 50 m north of A;
/// a winding aisle of 200 m from X to B; the aisle A-B one-way northwards; X-A limited to 1 m/s.
fn hand_checked() -> (InPlantLayout, [AisleNode; 4]) {
    let mut aisles = AisleGraph::default();
    let m = aisles.add_node(AislePoint { x: 0.0, y: 0.0 });
    let x = aisles.add_node(AislePoint { x: 50.0, y: 0.0 });
    let a = aisles.add_node(AislePoint { x: 100.0, y: 0.0 });
    let b = aisles.add_node(AislePoint { x: 100.0, y: 50.0 });
    aisles.add_edge(m, x, Aisle::straight());
    aisles.add_edge(x, a, Aisle { length: None, max_speed: Some(1.0), one_way: false });
    aisles.add_edge(a, b, Aisle::one_way());
    aisles.add_edge(x, b, Aisle { length: Some(Distance(200)), max_speed: None, one_way: false });
    let stations = vec![station("A", a, vec![part("bracket", 40.0, 8)]), station("B", b, vec![part("clip", 40.0, 8)])];
    (InPlantLayout { name: "hand-checked".into(), aisles, supermarket: m, stations }, [m, x, a, b])
}

#[test]
fn travel_is_the_fastest_aisle_path() {
    let (layout, [m, x, a, b]) = hand_checked();
    let hall = InPlantNetwork::new(&layout, &train(1, 16, 30, 2)).unwrap();
    let travel = hall.network().travel();
    let (sm, sa, sb) = (0, hall.station_site(0).index(), hall.station_site(1).index());
    // M -> A: 50 m at 2 m/s and 50 m at 1 m/s.
    assert_eq!((travel.distance(sm, sa), travel.duration(sm, sa)), (Distance(100), Duration(75)));
    // M -> B: through A and up the one-way aisle (150 m, 25 + 50 + 25 s), not the winding
    // aisle (250 m, 125 s).
    assert_eq!((travel.distance(sm, sb), travel.duration(sm, sb)), (Distance(150), Duration(100)));
    // A -> B: up the one-way aisle.
    assert_eq!((travel.distance(sa, sb), travel.duration(sa, sb)), (Distance(50), Duration(25)));
    // B -> A and B -> M: the one-way aisle cannot be driven south; the winding aisle back to X.
    assert_eq!((travel.distance(sb, sa), travel.duration(sb, sa)), (Distance(250), Duration(150)));
    assert_eq!((travel.distance(sb, sm), travel.duration(sb, sm)), (Distance(250), Duration(125)));
    let idx = |n: AisleNode| n.index();
    assert_eq!(hall.path(SiteId(0), hall.station_site(1)), vec![idx(m), idx(x), idx(a), idx(b)]);
    assert_eq!(hall.path(hall.station_site(1), SiteId(0)), vec![idx(b), idx(x), idx(m)]);
    assert!(hall.path(SiteId(9), SiteId(0)).is_empty());
    // A run visiting both drives M X A B X M: 400 m.
    let plan = InPlantPlanner::builder().iterations(60).build().plan(&hall).unwrap();
    assert_checked(&hall, &plan);
    for run in &plan.runs {
        let lengths = [(idx(m), idx(x), 50), (idx(x), idx(a), 50), (idx(a), idx(b), 50), (idx(x), idx(b), 200)];
        let driven: i64 = run
            .path
            .windows(2)
            .map(|w| lengths.iter().find(|l| (l.0, l.1) == (w[0], w[1]) || (l.1, l.0) == (w[0], w[1])).unwrap().2)
            .sum();
        assert_eq!(driven, run.distance.get(), "{run:?}");
        if run.stops.len() == 2 {
            assert_eq!(run.distance, Distance(400), "{run:?}");
        }
    }
}

/// The error message of planning `layout` with `train`, which must fail.
fn refusal(layout: &InPlantLayout, train: &TuggerTrain) -> String {
    match InPlantNetwork::new(layout, train) {
        Err(e @ Error::InvalidInput { .. }) => e.to_string(),
        Err(e) => panic!("not an input error: {e}"),
        Ok(hall) => match InPlantPlanner::builder().iterations(20).build().plan(&hall) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("planned"),
        },
    }
}

#[test]
fn bad_input_is_refused_by_name() {
    let good = small_hall();
    let t = train(1, 16, 20, 4);
    let expect = |layout: &InPlantLayout, train: &TuggerTrain, words: &[&str]| {
        let e = refusal(layout, train);
        assert!(words.iter().all(|w| e.contains(w)), "{e} (expected {words:?})");
    };
    let mut bad = good.clone();
    bad.stations[1].parts[1].per_hour = f64::NAN;
    expect(&bad, &t, &["station 'weld'", "part 'stud'", "consumption"]);
    let mut bad = good.clone();
    bad.stations[0].parts[0].safety_bins = 9.0;
    expect(&bad, &t, &["station 'press'", "part 'bracket'", "safety", "storage"]);
    let mut bad = good.clone();
    bad.stations[2].parts[0].unit_weight = Kilograms(80.0);
    expect(&bad, &t, &["station 'mould'", "part 'clip'", "payload"]);
    let mut bad = good.clone();
    bad.stations[3].parts.clear();
    expect(&bad, &t, &["station 'sew'", "no part"]);
    let mut bad = good.clone();
    bad.stations[3].name = "press".into();
    expect(&bad, &t, &["station 'press'", "twice"]);
    let mut bad = good.clone();
    bad.stations[0].node = AisleNode::new(99);
    expect(&bad, &t, &["station 'press'", "not in the aisle graph"]);
    let mut bad = good.clone();
    let lonely = bad.aisles.add_node(AislePoint { x: 500.0, y: 500.0 });
    bad.stations[2].node = lonely;
    expect(&bad, &t, &["station 'mould'", "cannot be reached from the supermarket"]);
    // A one-way spur: the train can get to the station but not back.
    let mut bad = good.clone();
    let spur = bad.aisles.add_node(AislePoint { x: 40.0, y: -20.0 });
    bad.aisles.add_edge(bad.stations[0].node, spur, Aisle::one_way());
    bad.stations[0].node = spur;
    expect(&bad, &t, &["station 'press'", "cannot get back to the supermarket"]);
    let mut bad = good.clone();
    bad.aisles.add_node(AislePoint { x: f64::INFINITY, y: 0.0 });
    expect(&bad, &t, &["aisle point", "finite"]);
    let mut bad = good.clone();
    let (a, b) = (bad.stations[0].node, bad.stations[1].node);
    bad.aisles.add_edge(a, b, Aisle { length: Some(Distance(-5)), max_speed: None, one_way: false });
    expect(&bad, &t, &["aisle segment", "negative"]);
    let mut bad = good.clone();
    bad.aisles.add_edge(a, b, Aisle { length: None, max_speed: Some(1e-9), one_way: false });
    expect(&bad, &t, &["aisle segment", "more than a day"]);
    // The station too far for one cycle.
    let mut bad = good.clone();
    let far = bad.aisles.add_node(AislePoint { x: 80.0, y: 3_000.0 });
    bad.aisles.add_edge(bad.stations[2].node, far, Aisle::straight());
    bad.stations[2].node = far;
    expect(&bad, &t, &["station 'mould'", "cycle"]);
    // The train.
    expect(&good, &train(0, 16, 20, 4), &["tugger train 'tugger'", "one train"]);
    expect(&good, &train(1, 0, 20, 4), &["tugger train 'tugger'", "bin"]);
    expect(&good, &train(1, 16, 300, 4), &["tugger train 'tugger'", "cycle"]);
    expect(&good, &train(1, 16, 20, 20), &["tugger train 'tugger'", "shift"]);
    let mut slow = train(1, 16, 20, 4);
    slow.speed = 0.0;
    expect(&good, &slow, &["tugger train 'tugger'", "speed"]);
    // The planner's own refusal names the station: no interval keeps this part within 2 bins.
    let mut bad = good.clone();
    bad.stations[2].parts[0].max_bins = 2;
    expect(&bad, &t, &["'mould'", "no frequency"]);
}

#[test]
fn same_seed_same_plan_whatever_the_threads() {
    let layout = small_hall();
    let hall = InPlantNetwork::new(&layout, &train(2, 12, 20, 4)).unwrap();
    let plan = |threads| InPlantPlanner::builder().seed(7).iterations(80).threads(threads).build().plan(&hall).unwrap();
    let first = plan(1);
    assert_checked(&hall, &first);
    assert_eq!(first, plan(1));
    assert_eq!(first, plan(2));
}

#[test]
fn a_tighter_line_side_means_more_visits() {
    let layout = small_hall();
    let t = train(1, 16, 20, 4);
    let planner = InPlantPlanner::builder().iterations(60).build();
    let visits = |layout: &InPlantLayout| {
        let hall = InPlantNetwork::new(layout, &t).unwrap();
        let plan = planner.plan(&hall).unwrap();
        assert_checked(&hall, &plan);
        plan.stations[2].cycles.len()
    };
    let mut roomy = layout.clone();
    roomy.stations[2].parts[0].max_bins = 14;
    let mut tight = layout;
    tight.stations[2].parts[0].max_bins = 4;
    // 6 bins an hour: 2 a cycle. A limit of 4 with a safety stock of 1 leaves room for one
    // cycle's bins only; 14 bins allow every 4th cycle.
    assert_eq!(visits(&tight), 12);
    assert!(visits(&roomy) < 12);
}

/// A random hall: an `nx` x `ny` grid of 25 m cells, the supermarket at a random crossing,
/// stations at other crossings, each with one part used at up to 1.5 bins a cycle.
fn random_hall() -> impl Strategy<Value = (InPlantLayout, TuggerTrain)> {
    (2usize..=4, 2usize..=3, any::<u64>(), 1u32..=2, prop_oneof![Just(20i64), Just(30)])
        .prop_flat_map(|(nx, ny, seed, trains, minutes)| {
            let n = nx * ny;
            (
                Just((nx, ny, seed, trains, minutes)),
                0..n,
                proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..n.min(9)),
                proptest::collection::vec((5.0f64..90.0, 0usize..3), 9),
            )
        })
        .prop_filter_map("the supermarket is not a station", |((nx, ny, seed, trains, minutes), market, at, parts)| {
            let at: Vec<usize> = at.into_iter().filter(|&k| k != market).collect();
            if at.is_empty() {
                return None;
            }
            let mut aisles = AisleGraph::default();
            let nodes: Vec<AisleNode> = (0..nx * ny)
                .map(|k| aisles.add_node(AislePoint { x: 25.0 * (k % nx) as f64, y: 25.0 * (k / nx) as f64 }))
                .collect();
            for k in 0..nx * ny {
                if k % nx + 1 < nx {
                    aisles.add_edge(nodes[k], nodes[k + 1], Aisle::straight());
                }
                if k + nx < nx * ny {
                    aisles.add_edge(nodes[k], nodes[k + nx], Aisle::straight());
                }
            }
            let stations = at
                .iter()
                .zip(&parts)
                .enumerate()
                .map(|(s, (&k, &(per_hour, slack)))| {
                    // At most 90 parts an hour of 20 a bin: 1.5 bins in a 20-minute cycle, 2.25 in
                    // 30; the line side holds safety + 5 bins or more, enough for every cycle.
                    let max = 7 + u32::try_from(slack).unwrap() * 3;
                    station(&format!("S{s}"), nodes[k], vec![part(&format!("part {s}"), per_hour, max)])
                })
                .collect();
            let layout = InPlantLayout { name: format!("random {seed}"), aisles, supermarket: nodes[market], stations };
            Some((layout, train(trains, 20, minutes, 2)))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_halls_plan_checker_clean((layout, train) in random_hall(), seed in 0u64..4) {
        let hall = InPlantNetwork::new(&layout, &train).unwrap();
        let plan = InPlantPlanner::builder().seed(seed).iterations(30).max_candidates(8).build().plan(&hall).unwrap();
        let report = check_plan(hall.network(), hall.inbound(), &plan.milk_run);
        prop_assert!(report.is_ok(), "{}", report);
        assert_runs_follow_the_aisles(&layout, &hall, &plan);
        // Every station is collected (on a train or direct) at least once a shift.
        for (s, sp) in plan.stations.iter().enumerate() {
            prop_assert!(!sp.cycles.is_empty(), "station {} never visited", s);
        }
    }
}
