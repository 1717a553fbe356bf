//! The milk-run planner on the embedded demo and on random plants; every plan is verified by
//! the independent plan checker.
#![allow(clippy::unwrap_used)]

use milkrun::demo;
use milkrun::planner::{check_plan, MilkRunPlan, PlanIssue, PlanningStep, Service, SimplePolicy};
use milkrun::MilkRunPlanner;
use proptest::prelude::*;

fn assert_checked(network: &milkrun::Problem, inbound: &milkrun::planner::Inbound, plan: &MilkRunPlan) {
    let report = check_plan(network, inbound, plan);
    assert!(report.is_ok(), "{report}");
}

/// How the planner ranks plans, written out from the documented rule: fewer pickups left
/// unrouted, then fewer container places needed beyond the storage limits (a part over its
/// limit by `x` containers needs `ceil(x)` more), then the lower total cost.
fn rank(plan: &MilkRunPlan) -> (usize, u64, i64) {
    let mut unrouted = 0;
    let mut places = 0;
    for issue in &plan.issues {
        match issue {
            PlanIssue::Unrouted { .. } => unrouted += 1,
            PlanIssue::StorageExceeded { peak, max, .. } => {
                places += (peak - f64::from(*max) - 1e-6).ceil().max(1.0) as u64;
            }
            _ => {}
        }
    }
    (unrouted, places, plan.kpis.total.get())
}

#[test]
fn demo_plant_is_planned_checked_and_beats_the_simple_policies() {
    let (network, inbound) = demo::automotive_inbound().unwrap();
    let planner = MilkRunPlanner::builder().iterations(150).build();
    let mut candidates = 0;
    let plan = planner
        .plan_with_progress(&network, &inbound, |p| {
            if matches!(p, PlanningStep::Candidate { .. }) {
                candidates += 1;
            }
        })
        .unwrap();
    assert!(candidates >= 3, "progress reports the start, the improvement and the finalists: {candidates}");
    assert_checked(&network, &inbound, &plan);
    assert!(plan.issues.is_empty(), "{:?}", plan.issues);
    assert!(plan.services.iter().any(|s| matches!(s, Service::MilkRun(_))));
    // Milk runs save against every supplier shipping alone at the same frequencies.
    assert!(plan.kpis.transport < plan.kpis.direct_cost, "{:?}", plan.kpis);
    assert!(plan.kpis.co2e_kg < plan.kpis.direct_co2e_kg, "{:?}", plan.kpis);
    for policy in [SimplePolicy::DailyMilkRun, SimplePolicy::DailyDirect] {
        let simple = planner.plan_policy(&network, &inbound, policy).unwrap();
        assert_checked(&network, &inbound, &simple);
        assert!(rank(&plan) <= rank(&simple), "{policy:?}: {:?} vs {:?}", plan.kpis, simple.kpis);
    }
    // Shares add up to the loops' cost (up to rounding per supplier and loop).
    let shapley: i64 =
        plan.suppliers.iter().filter(|s| matches!(s.service, Service::MilkRun(_))).map(|s| s.shapley.get()).sum();
    let direct: i64 =
        plan.suppliers.iter().filter(|s| matches!(s.service, Service::Direct(_))).map(|s| s.direct_cost.get()).sum();
    let slack = 2 * (plan.loops.iter().map(|l| l.stops.len()).sum::<usize>() as i64 + 1);
    assert!(
        (shapley + direct - plan.kpis.transport.get()).abs() <= slack,
        "{shapley} + {direct} vs {:?}",
        plan.kpis.transport
    );
}

#[test]
fn bad_input_is_refused_by_name() {
    let (network, inbound) = demo::automotive_inbound().unwrap();
    let planner = MilkRunPlanner::builder().iterations(20).improvement_rounds(0).build();
    let mut bad = inbound.clone();
    bad.suppliers[3].parts[0].per_day = f64::NAN;
    let err = planner.plan(&network, &bad).unwrap_err().to_string();
    assert!(err.contains("Crimmitschauer") && err.contains("finite"), "{err}");
    let mut bad = inbound.clone();
    bad.suppliers.push(bad.suppliers[0].clone());
    let err = planner.plan(&network, &bad).unwrap_err().to_string();
    assert!(err.contains("listed twice"), "{err}");
    let mut bad = inbound.clone();
    bad.cycle.waves.reverse();
    assert!(planner.plan(&network, &bad).is_err());
    let mut bad = inbound.clone();
    bad.suppliers[0].parts[0].safety_days = 100.0;
    let err = planner.plan(&network, &bad).unwrap_err().to_string();
    assert!(err.contains("storage"), "{err}");
    let truck = network.vehicle_types()[0].name.clone();
    let mut data = network.into_data();
    data.vehicle_types[0].breaks = vec![milkrun::model::BreakRule::after_driving(
        milkrun::model::Duration::minutes(45),
        milkrun::model::Duration::hours(4),
    )];
    let err = planner.plan(&data.validate().unwrap(), &inbound).unwrap_err().to_string();
    assert!(err.contains("driver breaks") && err.contains(&truck), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random plants: every plan passes the checker, repeats with the same seed, and is never
    /// worse than the simple policies.
    #[test]
    fn random_plants_are_planned_and_checked(suppliers in 2usize..7, extra in 0usize..6, seed in any::<u64>()) {
        let (network, inbound) = demo::synthetic_inbound(suppliers, suppliers + extra, seed).unwrap();
        let planner = MilkRunPlanner::builder().iterations(60).seed(seed).build();
        let plan = planner.plan(&network, &inbound).unwrap();
        let report = check_plan(&network, &inbound, &plan);
        prop_assert!(report.is_ok(), "{}", report);
        let again = planner.plan(&network, &inbound).unwrap();
        prop_assert_eq!(&plan, &again);
        for policy in [SimplePolicy::DailyMilkRun, SimplePolicy::DailyDirect] {
            let simple = planner.plan_policy(&network, &inbound, policy).unwrap();
            let report = check_plan(&network, &inbound, &simple);
            prop_assert!(report.is_ok(), "{:?}: {}", policy, report);
            prop_assert!(rank(&plan) <= rank(&simple), "{:?}: {:?} vs {:?}", policy, plan.kpis, simple.kpis);
        }
    }
}

/// A synthetic plant whose fleet is one truck of each type, both allowed to reload at the
/// plant (`max_reloads` as given, 20 minutes per reload), with their capacities divided by
/// `shrink`.
fn one_truck_each(
    suppliers: usize,
    parts: usize,
    seed: u64,
    max_reloads: Option<u32>,
    shrink: i64,
) -> (milkrun::Problem, milkrun::planner::Inbound) {
    let (network, inbound) = demo::synthetic_inbound(suppliers, parts, seed).unwrap();
    let mut data = network.data().clone();
    for v in &mut data.vehicle_types {
        v.count = 1;
        v.reload_sites = vec![inbound.plant];
        v.reload_time = milkrun::model::Duration::minutes(20);
        v.max_reloads = max_reloads;
        v.capacity = milkrun::model::Load::new(v.capacity.amounts().iter().map(|a| a / shrink).collect());
    }
    (data.validate().unwrap(), inbound)
}

/// Several loops per truck in a wave: with one truck of each type, at a quarter of their
/// capacity, a plant of 12 suppliers needs trucks that come back, reload and leave again
/// within the wave.
#[test]
fn one_truck_runs_several_loops_in_a_wave() {
    let (network, inbound) = one_truck_each(12, 12, 7, None, 4);
    let plan = MilkRunPlanner::builder().iterations(100).build().plan(&network, &inbound).unwrap();
    assert_checked(&network, &inbound, &plan);
    let mut per_truck = std::collections::BTreeMap::new();
    for l in &plan.loops {
        *per_truck.entry((l.day, l.wave, l.vehicle_type, l.vehicle)).or_insert(0) += 1;
        assert!(l.vehicle < 1, "one truck of each type: {l:?}");
    }
    let most = per_truck.values().copied().max().unwrap_or(0);
    assert!(most >= 2, "no truck ran two loops in a wave: {per_truck:?}");
    assert!(plan.kpis.vehicles <= 2, "{:?}", plan.kpis);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random plants served by one truck of each type that may reload: every plan passes the
    /// checker (trips of a truck one after the other, reload time and cap kept) and repeats.
    #[test]
    fn random_plants_with_reloading_trucks_are_checked(
        suppliers in 3usize..9,
        max_reloads in prop::option::of(0u32..3),
        shrink in 1i64..5,
        seed in any::<u64>(),
    ) {
        let (network, inbound) = one_truck_each(suppliers, suppliers + 2, seed, max_reloads, shrink);
        let planner = MilkRunPlanner::builder().iterations(60).seed(seed).build();
        let plan = planner.plan(&network, &inbound).unwrap();
        let report = check_plan(&network, &inbound, &plan);
        prop_assert!(report.is_ok(), "{}", report);
        prop_assert_eq!(&plan, &planner.plan(&network, &inbound).unwrap());
    }
}

/// Several pickup windows per supplier: with one wave a day and every supplier open 06:00-10:00
/// and 13:00-17:00, pickups carry both windows, loops load in either (the checker holds them
/// to the first window not closed when the truck arrives), some in the morning, some in the
/// afternoon.
#[test]
fn pickups_use_every_window_of_their_supplier() {
    use milkrun::model::{Duration, TimeWindow};
    let hm = |h: i64, m: i64| Duration::minutes(60 * h + m);
    let (network, mut inbound) = demo::synthetic_inbound(10, 12, 3).unwrap();
    let mut data = network.data().clone();
    for site in data.sites.iter_mut().skip(1) {
        site.windows = vec![TimeWindow::new(hm(6, 0), hm(10, 0)), TimeWindow::new(hm(13, 0), hm(17, 0))];
    }
    let network = data.validate().unwrap();
    inbound.cycle.waves = vec![TimeWindow::new(hm(5, 0), hm(21, 0))];
    let plan = MilkRunPlanner::builder().iterations(100).build().plan(&network, &inbound).unwrap();
    assert_checked(&network, &inbound, &plan);
    assert!(plan.pickups.iter().all(|p| p.windows.len() == 2), "{:?}", plan.pickups[0].windows);
    let starts: Vec<Duration> = plan.loops.iter().flat_map(|l| l.stops.iter().map(|s| s.start)).collect();
    assert!(starts.iter().any(|&t| t >= hm(13, 0)), "{starts:?}");
    assert!(starts.iter().any(|&t| t <= hm(10, 0)), "{starts:?}");
    assert!(starts.iter().all(|&t| t <= hm(10, 0) || t >= hm(13, 0)), "{starts:?}");
}

/// A vehicle type's energy profile decides its CO2e: the same plan on battery-electric trucks
/// emits what their kWh at the grid factor emit, not the diesel class's litres.
#[test]
fn the_vehicles_energy_profile_sets_the_co2e() {
    use milkrun::model::{EnergyCarrier, EnergyProfile};
    let (network, inbound) = demo::automotive_inbound().unwrap();
    let planner = MilkRunPlanner::builder().iterations(60).improvement_rounds(0).build();
    let diesel = planner.plan_policy(&network, &inbound, SimplePolicy::DailyMilkRun).unwrap();
    let mut data = network.data().clone();
    for v in &mut data.vehicle_types {
        // 130 kWh/100 km empty, 180 full: a heavy battery-electric truck.
        v.energy = Some(EnergyProfile {
            carrier: EnergyCarrier::Electricity,
            empty_per_100km: 130.0,
            full_per_100km: 180.0,
            kerb_mass_kg: 12_000.0,
        });
    }
    let electric_network = data.validate().unwrap();
    let electric = planner.plan_policy(&electric_network, &inbound, SimplePolicy::DailyMilkRun).unwrap();
    assert_checked(&electric_network, &inbound, &electric);
    // Same loops (energy does not change routing), other CO2e.
    assert_eq!(electric.kpis.km, diesel.kpis.km);
    let milk_run_co2e = |p: &MilkRunPlan| {
        p.suppliers.iter().filter(|s| matches!(s.service, Service::MilkRun(_))).map(|s| s.co2e_kg).sum::<f64>()
    };
    let km = electric.kpis.km;
    let grid = milkrun::cost::emissions::CarrierFactors::electricity_uk_grid().wtw_per_unit();
    // Every kilometre uses between 1.3 and 1.8 kWh.
    let co2e = milk_run_co2e(&electric);
    assert!(co2e >= 1.3 * km * grid * 0.999 && co2e <= 1.8 * km * grid * 1.001, "{co2e} for {km} km at {grid}");
    assert!((co2e - milk_run_co2e(&diesel)).abs() > 1.0);
}
