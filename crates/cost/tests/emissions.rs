//! Integration tests of road emissions: hand-worked examples, allocation, monotonicity, bad
//! input and the iLEAP-shaped reports.

use milkrun_cost::emissions::{
    allocate, allocate_hub, legs_from_timetable, measured_emissions, route_emissions, toc_intensity, CarrierFactors,
    CarrierRegistry, CmemParams, Co2e, Co2ePerTonne, ConsumptionModel, Emissions, EnergyUnit, Hoc, HubMethod,
    HubOperation, HubShipment, HubType, Leg, LinearConsumption, MeasuredFuel, MetresPerSecond, Shipment,
    ShipmentFootprint, SplitBy, Tce, Toc, TransportMode, VehicleClass,
};
use milkrun_cost::CostError;
use milkrun_model::{Distance, Duration, EnergyCarrier, Kilograms, Load, SiteId, StopTime, TravelMatrix};
use proptest::prelude::*;

fn carriers() -> CarrierRegistry {
    CarrierRegistry::default()
}

fn rigid_medium() -> ConsumptionModel {
    ConsumptionModel::Linear(VehicleClass::RigidMedium.linear_model())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn invalid_item(result: Result<impl std::fmt::Debug, CostError>) -> String {
    match result {
        Err(CostError::InvalidInput { item, .. }) => item,
        other => panic!("expected an invalid input error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-worked examples

#[test]
fn linear_class_empty_and_full_legs_hand_worked() {
    // Rigid 7.5-17 t: 21.5 l/100 km empty, 29.0 l/100 km at its 7 000 kg payload.
    // Leg 0: 100 km full  -> 29.0 l;   leg 1: 100 km empty -> 21.5 l;   total 50.5 l.
    // Diesel (UK blend, DESNZ 2025): TTW 2.57082, WTT 0.61101 kg CO2e/l.
    // TTW = 50.5 × 2.57082 = 129.826 41 kg;   WTT = 50.5 × 0.61101 = 30.856 005 kg;
    // WTW = 160.682 415 kg.   Tonne-km = 7 t × 100 km = 700 tkm (the empty leg adds none).
    // TOC intensity = 160.682 415 / 700 = 0.229 546 307 kg CO2e/tkm.
    let legs = [Leg::new(Distance(100_000), Kilograms(7000.0)), Leg::new(Distance(100_000), Kilograms(0.0))];
    let route = route_emissions(&legs, &rigid_medium(), &carriers()).unwrap();
    assert!(close(route.legs[0].energy, 29.0));
    assert!(close(route.legs[1].energy, 21.5));
    assert!(close(route.energy, 50.5));
    assert!(close(route.emissions.ttw.kg(), 129.826_41));
    assert!(close(route.emissions.wtt.kg(), 30.856_005));
    assert!(close(route.emissions.wtw.kg(), 160.682_415));
    assert!(close(route.tonne_km.get(), 700.0));
    assert_eq!(route.legs[1].tonne_km.get(), 0.0);
    assert_eq!(route.empty_distance, Distance(100_000));
    assert_eq!(route.unit(), EnergyUnit::Litre);

    let toc = toc_intensity(std::slice::from_ref(&route)).unwrap();
    assert!(close(toc.wtw_per_tkm.get(), 160.682_415 / 700.0));
    assert!(close(toc.ttw_per_tkm.get(), 129.826_41 / 700.0));
    assert!(close(toc.empty_distance_factor, 0.5));
    // Load factor = 700 tkm / (7 t × 200 km) = 0.5.
    assert!(close(toc.load_factor.unwrap(), 0.5));
}

#[test]
fn half_load_on_a_van_hand_worked() {
    // Van: 9.5 l/100 km empty, 12.0 full at 1 200 kg. 600 kg over 50 km:
    // (9.5 + 2.5 × 0.5) = 10.75 l/100 km × 0.5 = 5.375 l; WTW = 5.375 × (2.57082 + 0.61101)
    // = 5.375 × 3.18183 = 17.102 336 25 kg CO2e.
    let model = ConsumptionModel::Linear(VehicleClass::Van.linear_model());
    let route = route_emissions(&[Leg::new(Distance(50_000), Kilograms(600.0))], &model, &carriers()).unwrap();
    assert!(close(route.energy, 5.375));
    assert!(close(route.emissions.wtw.kg(), 17.102_336_25));
}

#[test]
fn electric_van_has_only_well_to_tank() {
    // 20 kWh/100 km empty, 26 full at 1 000 kg; 100 km with 1 000 kg: 26 kWh.
    // TTW 0; WTT = 26 × 0.24540 = 6.3804 kg CO2e.
    let model = ConsumptionModel::Linear(
        LinearConsumption::new(EnergyCarrier::Electricity, 20.0, 26.0, Kilograms(1000.0)).unwrap(),
    );
    let route = route_emissions(&[Leg::new(Distance(100_000), Kilograms(1000.0))], &model, &carriers()).unwrap();
    assert_eq!(route.emissions.ttw, Co2e(0.0));
    assert!(close(route.emissions.wtt.kg(), 6.3804));
    assert_eq!(route.unit(), EnergyUnit::KilowattHour);
}

#[test]
fn cmem_route_hand_worked() {
    // Default PRP truck (kerb 6 350 kg, payload 3 650 kg), full, 100 km at 72 km/h on the flat:
    // F = (k N V d/v + (g C_r M d + ½ C_d ρ A d v²) / (1000 n_tf η)) / (κ ψ)
    //   = (165 000 + (98 100 000 + 65 946 148.8) / 360) / 32 428 = 19.140 364 705 l.
    // TTW = 19.140 364 705 × 2.57082 = 49.206 452 ... kg CO2e.
    let model = ConsumptionModel::Cmem(CmemParams::default());
    let leg = Leg::new(Distance(100_000), Kilograms(3650.0)).with_speed(MetresPerSecond::from_kmh(72.0));
    let route = route_emissions(&[leg], &model, &carriers()).unwrap();
    assert!((route.energy - 19.140_364_705).abs() < 1e-8, "{}", route.energy);
    assert!(close(route.emissions.ttw.kg(), 19.140_364_705_398_6 * 2.57082));
    assert_eq!(route.payload, Some(Kilograms(3650.0)));

    // A 2 % climb costs more, by g sin θ M d / 360 / 32 428 with θ = atan 0.02.
    let climb = Leg::new(Distance(100_000), Kilograms(3650.0)).with_speed(MetresPerSecond(20.0)).with_gradient(0.02);
    let uphill = route_emissions(&[climb], &model, &carriers()).unwrap();
    assert!((uphill.energy - 35.941_787_828).abs() < 1e-8, "{}", uphill.energy);
}

#[test]
fn measured_fuel_split_by_distance_over_a_period() {
    // 90 l over two routes of 100 km and 200 km: 30 l and 60 l, whatever the load.
    // WTW = 90 × 3.18183 = 286.364 7 kg CO2e in total.
    let r0 = [Leg::new(Distance(60_000), Kilograms(500.0)), Leg::new(Distance(40_000), Kilograms(0.0))];
    let r1 = [Leg::new(Distance(200_000), Kilograms(2000.0))];
    let fuel = MeasuredFuel { carrier: EnergyCarrier::Diesel, quantity: 90.0, split: SplitBy::Distance, payload: None };
    let routes = measured_emissions(&[&r0, &r1], &fuel, &carriers()).unwrap();
    assert!(close(routes[0].energy, 30.0));
    assert!(close(routes[0].legs[0].energy, 18.0));
    assert!(close(routes[1].energy, 60.0));
    let energy: f64 = routes.iter().flat_map(|r| &r.legs).map(|l| l.energy).sum();
    assert_eq!(energy, 90.0);
    let wtw: f64 = routes.iter().map(|r| r.emissions.wtw.kg()).sum();
    assert!(close(wtw, 286.364_7));

    // The TOC of the period: 286.3647 kg over 0.5 × 60 + 2 × 200 = 430 tkm.
    let toc = toc_intensity(&routes).unwrap();
    assert!(close(toc.wtw_per_tkm.get(), 286.364_7 / 430.0));
    assert_eq!(toc.load_factor, None);
}

#[test]
fn mineral_diesel_can_replace_the_blend() {
    let mut registry = carriers();
    let mut mineral = CarrierFactors::diesel_mineral();
    mineral.carrier = EnergyCarrier::Diesel;
    registry.insert(mineral).unwrap();
    // 29 l × (2.66155 + 0.62409) = 29 × 3.28564 = 95.283 56 kg CO2e.
    let route = route_emissions(&[Leg::new(Distance(100_000), Kilograms(7000.0))], &rigid_medium(), &registry).unwrap();
    assert!(close(route.emissions.wtw.kg(), 95.283_56));
}

#[test]
fn hub_allocation_by_mass_hand_worked() {
    // Given intensity 2.0 kg CO2e/t WTW, 0.5 TTW: 3 t -> 6.0 WTW, 1.5 TTW, 4.5 WTT.
    let hoc = HubOperation {
        id: "xdock-1".into(),
        hub_type: HubType::Transshipment,
        method: HubMethod::Intensity { wtw_per_tonne: Co2ePerTonne(2.0), ttw_per_tonne: Co2ePerTonne(0.5) },
    };
    let intensity = hoc.intensity(&carriers()).unwrap();
    let out = allocate_hub(&intensity, &[HubShipment { id: "A".into(), mass: Kilograms(3000.0) }]).unwrap();
    assert!(close(out[0].emissions.wtw.kg(), 6.0));
    assert!(close(out[0].emissions.ttw.kg(), 1.5));
    assert!(close(out[0].emissions.wtt.kg(), 4.5));
}

#[test]
fn legs_from_a_timetable_hand_worked() {
    // Depot 0 -> A (site 1) -> B (site 2) -> depot 0 on a matrix of 10, 20 and 30 km; loads in
    // kg on dimension 1 (dimension 0 counts pallets): 0 leaving the depot, 3 000 after A,
    // 7 000 after B. Legs: 10 km empty, 20 km with 3 t, 30 km with 7 t: the rigid's example
    // of the crate docs, 0 × 10 + 3 × 20 + 7 × 30 = 270 tkm.
    let km = |k: i64| Distance(k * 1000);
    let travel = TravelMatrix::new(
        3,
        vec![km(0), km(10), km(30), km(10), km(0), km(20), km(30), km(20), km(0)],
        vec![Duration(0); 9],
    )
    .unwrap();
    let stop = |site: u32, pallets: i64, kg: i64| StopTime {
        visit: None,
        site: SiteId(site),
        arrival: Duration(0),
        wait: Duration(0),
        start: Duration(0),
        departure: Duration(0),
        load_after: Load::new(vec![pallets, kg]),
    };
    let timetable = [stop(0, 0, 0), stop(1, 4, 3000), stop(2, 9, 7000), stop(0, 0, 0)];
    let legs = legs_from_timetable(&timetable, &travel, 1).unwrap();
    assert_eq!(
        legs,
        vec![
            Leg::new(km(10), Kilograms(0.0)),
            Leg::new(km(20), Kilograms(3000.0)),
            Leg::new(km(30), Kilograms(7000.0)),
        ]
    );
    let route = route_emissions(&legs, &rigid_medium(), &carriers()).unwrap();
    assert!(close(route.tonne_km.get(), 270.0));
    assert_eq!(route.empty_distance, km(10));

    // No kg dimension 2 in a two-dimension load, named by stop.
    assert_eq!(invalid_item(legs_from_timetable(&timetable, &travel, 2)), "stop 0 load");
    // A site outside the 3-site matrix.
    let outside = [stop(0, 0, 0), stop(7, 0, 0)];
    assert_eq!(invalid_item(legs_from_timetable(&outside, &travel, 1)), "stop 1 site");
    // A negative load in kg.
    let negative = [stop(0, 0, -5), stop(1, 0, 0)];
    assert_eq!(invalid_item(legs_from_timetable(&negative, &travel, 1)), "stop 0 load");
    // One stop is no route.
    assert_eq!(invalid_item(legs_from_timetable(&timetable[..1], &travel, 1)), "timetable");
}

// ---------------------------------------------------------------------------------------------
// Bad input

#[test]
fn negative_distance_is_refused_naming_the_leg() {
    let legs = [Leg::new(Distance(1000), Kilograms(0.0)), Leg::new(Distance(-5), Kilograms(0.0))];
    assert_eq!(invalid_item(route_emissions(&legs, &rigid_medium(), &carriers())), "leg 1 distance");
}

#[test]
fn load_above_capacity_is_refused_naming_the_leg() {
    let legs = [Leg::new(Distance(1000), Kilograms(7000.1))];
    let err = route_emissions(&legs, &rigid_medium(), &carriers()).unwrap_err();
    assert_eq!(err.to_string(), "leg 0 load: 7000.1 kg is above the vehicle's payload of 7000 kg");
    // Measured fuel with a payload checks it too.
    let fuel = MeasuredFuel {
        carrier: EnergyCarrier::Diesel,
        quantity: 1.0,
        split: SplitBy::Distance,
        payload: Some(Kilograms(7000.0)),
    };
    assert_eq!(invalid_item(measured_emissions(&[&legs], &fuel, &carriers())), "route 0 leg 0 load");
}

#[test]
fn nan_load_and_nan_factor_are_refused() {
    let legs = [Leg::new(Distance(1000), Kilograms(f64::NAN))];
    assert_eq!(invalid_item(route_emissions(&legs, &rigid_medium(), &carriers())), "leg 0 load");
    let nan = CarrierFactors::new(
        EnergyCarrier::Other("e-diesel".into()),
        "e-diesel",
        EnergyUnit::Litre,
        f64::NAN,
        0.1,
        "test",
        2025,
    );
    assert_eq!(invalid_item(nan), "carrier e-diesel wtt factor");
    let inf = CarrierFactors { ttw_per_unit: f64::INFINITY, ..CarrierFactors::hvo() };
    assert_eq!(invalid_item(carriers().insert(inf)), "carrier HVO ttw factor");
}

#[test]
fn unknown_carrier_is_refused() {
    let model = ConsumptionModel::Linear(
        LinearConsumption::new(EnergyCarrier::Other("hydrogen".into()), 7.0, 9.0, Kilograms(1000.0)).unwrap(),
    );
    let err = route_emissions(&[Leg::new(Distance(1000), Kilograms(0.0))], &model, &carriers()).unwrap_err();
    assert_eq!(err, CostError::Unknown { item: "energy carrier hydrogen".into() });
    let mut registry = carriers();
    registry.remove(&EnergyCarrier::Diesel).unwrap();
    assert!(matches!(
        route_emissions(&[Leg::new(Distance(1000), Kilograms(0.0))], &rigid_medium(), &registry),
        Err(CostError::Unknown { .. })
    ));
}

#[test]
fn cmem_needs_speeds_and_litres() {
    let model = ConsumptionModel::Cmem(CmemParams::default());
    let no_speed = [Leg::new(Distance(1000), Kilograms(0.0))];
    assert_eq!(invalid_item(route_emissions(&no_speed, &model, &carriers())), "leg 0 speed");
    let zero = [Leg::new(Distance(1000), Kilograms(0.0)).with_speed(MetresPerSecond(0.0))];
    assert_eq!(invalid_item(route_emissions(&zero, &model, &carriers())), "leg 0 speed");
    let cng = ConsumptionModel::Cmem(CmemParams { carrier: EnergyCarrier::Cng, ..CmemParams::default() });
    let leg = [Leg::new(Distance(1000), Kilograms(0.0)).with_speed(MetresPerSecond(10.0))];
    assert_eq!(invalid_item(route_emissions(&leg, &cng, &carriers())), "carrier CNG unit");
}

#[test]
fn allocation_bad_input() {
    let total = Emissions::new(Co2e(10.0), Co2e(2.0));
    assert_eq!(invalid_item(allocate(total, &[])), "allocation shipments");
    let negative = [Shipment::new("S17", Kilograms(-1.0), Distance(1000))];
    assert_eq!(invalid_item(allocate(total, &negative)), "shipment S17 mass");
    let bad_sfd = [Shipment::new("S18", Kilograms(1.0), Distance(-1000))];
    assert_eq!(invalid_item(allocate(total, &bad_sfd)), "shipment S18 sfd");
    let nan_total = Emissions::new(Co2e(f64::NAN), Co2e(2.0));
    let ok = [Shipment::new("S1", Kilograms(1.0), Distance(1000))];
    assert_eq!(invalid_item(allocate(nan_total, &ok)), "allocation total wtw");
}

// ---------------------------------------------------------------------------------------------
// Properties

fn arb_legs(payload: f64) -> impl Strategy<Value = Vec<Leg>> {
    prop::collection::vec(
        (0i64..500_000, 0.0..=payload, 5.0f64..30.0)
            .prop_map(|(d, load, v)| Leg::new(Distance(d), Kilograms(load)).with_speed(MetresPerSecond(v))),
        1..12,
    )
}

/// Every class's linear model and the CMEM truck.
fn models() -> Vec<ConsumptionModel> {
    let mut out: Vec<ConsumptionModel> =
        VehicleClass::ALL.iter().map(|c| ConsumptionModel::Linear(c.linear_model())).collect();
    out.push(ConsumptionModel::Cmem(CmemParams::default()));
    out
}

/// `legs` with each load read as a fraction of `payload`.
fn scaled(legs: &[Leg], payload: Kilograms) -> Vec<Leg> {
    legs.iter().map(|l| Leg { load: Kilograms(l.load.0 * payload.0), ..l.clone() }).collect()
}

proptest! {
    #[test]
    fn allocation_shares_sum_to_the_total(
        wtw in 0.0f64..1e6,
        ttw_fraction in 0.0f64..=1.0,
        shipments in prop::collection::vec((0.0f64..30_000.0, 0i64..2_000_000), 1..40),
    ) {
        prop_assume!(shipments.iter().any(|&(m, d)| m > 0.0 && d > 0));
        let total = Emissions::new(Co2e(wtw * ttw_fraction), Co2e(wtw * (1.0 - ttw_fraction)));
        let shipments: Vec<Shipment> = shipments
            .iter()
            .enumerate()
            .map(|(i, &(m, d))| Shipment::new(format!("S{i}"), Kilograms(m), Distance(d)))
            .collect();
        let out = allocate(total, &shipments).unwrap();
        let tol = 1e-9 * total.wtw.kg().max(1e-300);
        let sum_wtw: f64 = out.iter().map(|s| s.emissions.wtw.kg()).sum();
        let sum_ttw: f64 = out.iter().map(|s| s.emissions.ttw.kg()).sum();
        let sum_wtt: f64 = out.iter().map(|s| s.emissions.wtt.kg()).sum();
        prop_assert!((sum_wtw - total.wtw.kg()).abs() <= tol, "{sum_wtw} vs {}", total.wtw.kg());
        prop_assert!((sum_ttw - total.ttw.kg()).abs() <= tol);
        prop_assert!((sum_wtt - total.wtt.kg()).abs() <= tol);
        let shares: f64 = out.iter().map(|s| s.share).sum();
        prop_assert!((shares - 1.0).abs() <= 1e-9);
        for s in &out {
            prop_assert!(s.emissions.wtw.kg() >= 0.0);
        }
    }

    #[test]
    fn measured_energy_sums_to_the_measurement(
        legs in arb_legs(7000.0),
        quantity in 0.0f64..10_000.0,
        by_distance in any::<bool>(),
    ) {
        let split = if by_distance { SplitBy::Distance } else { SplitBy::TonneKm };
        let fuel = MeasuredFuel { carrier: EnergyCarrier::Diesel, quantity, split, payload: None };
        match measured_emissions(&[&legs], &fuel, &CarrierRegistry::default()) {
            Ok(routes) => {
                let energy: f64 = routes[0].legs.iter().map(|l| l.energy).sum();
                prop_assert!((energy - quantity).abs() <= 1e-9 * quantity.max(1.0));
            }
            Err(CostError::InvalidInput { item, .. }) => prop_assert_eq!(item, "measured fuel split"),
            Err(e) => prop_assert!(false, "{e}"),
        }
    }

    #[test]
    fn emissions_are_monotone_in_distance(
        fractions in arb_legs(1.0),
        leg in 0usize..12,
        extra in 0i64..100_000,
    ) {
        let leg = leg % fractions.len();
        for model in models() {
            let legs = scaled(&fractions, model.payload());
            let mut longer = legs.clone();
            longer[leg].distance = Distance(longer[leg].distance.0 + extra);
            let base = route_emissions(&legs, &model, &CarrierRegistry::default()).unwrap();
            let more = route_emissions(&longer, &model, &CarrierRegistry::default()).unwrap();
            prop_assert!(more.emissions.wtw.kg() >= base.emissions.wtw.kg());
            prop_assert!(more.legs[leg].emissions.ttw.kg() >= base.legs[leg].emissions.ttw.kg());
        }
    }

    #[test]
    fn emissions_are_monotone_in_load(
        fractions in arb_legs(1.0),
        leg in 0usize..12,
        extra in 0.0f64..=1.0,
    ) {
        let leg = leg % fractions.len();
        for model in models() {
            let payload = model.payload();
            let legs = scaled(&fractions, payload);
            let mut heavier = legs.clone();
            heavier[leg].load = Kilograms((heavier[leg].load.0 + extra * payload.0).min(payload.0));
            let base = route_emissions(&legs, &model, &CarrierRegistry::default()).unwrap();
            let more = route_emissions(&heavier, &model, &CarrierRegistry::default()).unwrap();
            prop_assert!(more.emissions.wtw.kg() >= base.emissions.wtw.kg());
            prop_assert!(more.tonne_km.get() >= base.tonne_km.get());
        }
    }

    #[test]
    fn route_totals_are_the_sum_of_legs(legs in arb_legs(7000.0)) {
        let route = route_emissions(&legs, &rigid_medium(), &CarrierRegistry::default()).unwrap();
        let wtw: f64 = route.legs.iter().map(|l| l.emissions.wtw.kg()).sum();
        prop_assert!(close(wtw, route.emissions.wtw.kg()));
        prop_assert!(close(route.emissions.wtw.kg(), route.emissions.ttw.kg() + route.emissions.wtt.kg()));
        let again = route_emissions(&legs, &rigid_medium(), &CarrierRegistry::default()).unwrap();
        prop_assert_eq!(again, route);
    }
}

// ---------------------------------------------------------------------------------------------
// iLEAP-shaped reports

#[cfg(feature = "serde")]
#[test]
fn ileap_reports_serialise_with_ileap_key_names() {
    let legs = [Leg::new(Distance(100_000), Kilograms(7000.0)), Leg::new(Distance(100_000), Kilograms(0.0))];
    let route = route_emissions(&legs, &rigid_medium(), &carriers()).unwrap();
    let toc = toc_intensity(std::slice::from_ref(&route)).unwrap();
    let shares = allocate(
        route.emissions,
        &[
            Shipment::new("S1", Kilograms(3000.0), Distance(90_000)),
            Shipment::new("S2", Kilograms(4000.0), Distance(100_000)),
        ],
    )
    .unwrap();
    let hoc = HubOperation {
        id: "hoc-xdock".into(),
        hub_type: HubType::Transshipment,
        method: HubMethod::Intensity { wtw_per_tonne: Co2ePerTonne(1.5), ttw_per_tonne: Co2ePerTonne(0.25) },
    }
    .intensity(&carriers())
    .unwrap();
    let at_hub = allocate_hub(&hoc, &[HubShipment { id: "S1".into(), mass: Kilograms(3000.0) }]).unwrap();

    let footprint = ShipmentFootprint::new(
        "S1",
        Kilograms(3000.0),
        vec![
            Tce::transport("S1-road", "toc-rigid", &shares[0]).with_actual_distance(Distance(100_000)),
            Tce::hub("S1-hub", "hoc-xdock", &at_hub[0]).after("S1-road"),
        ],
    )
    .unwrap();
    let json = serde_json::to_value(&footprint).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&json), ["mass", "shipmentId", "tces"]);
    assert_eq!(json["mass"], "3000");
    let road = &json["tces"][0];
    assert_eq!(
        keys(road),
        [
            "co2eTTW",
            "co2eWTT",
            "co2eWTW",
            "distance",
            "mass",
            "mode",
            "shipmentId",
            "tceId",
            "tocId",
            "transportActivity"
        ]
    );
    assert_eq!(road["mode"], "Road");
    assert_eq!(road["distance"]["sfd"], "90");
    assert_eq!(road["distance"]["actual"], "100");
    // 3 t × 90 km = 270 tkm.
    assert_eq!(road["transportActivity"], "270");
    let hub = &json["tces"][1];
    assert_eq!(hub["hocId"], "hoc-xdock");
    assert_eq!(hub["prevTceIds"][0], "S1-road");
    // 3 t × 1.5 = 4.5 kg CO2e.
    assert_eq!(hub["co2eWTW"], "4.5");
    assert!(hub.get("tocId").is_none());

    let toc_report = Toc::from_intensity("toc-rigid", TransportMode::Road, &toc);
    let toc_json = serde_json::to_value(&toc_report).unwrap();
    assert_eq!(
        keys(&toc_json),
        [
            "co2eIntensityTTW",
            "co2eIntensityWTW",
            "emptyDistanceFactor",
            "energyCarriers",
            "loadFactor",
            "mode",
            "tocId",
            "transportActivityUnit"
        ]
    );
    assert_eq!(toc_json["transportActivityUnit"], "tkm");
    assert_eq!(toc_json["mode"], "Road");
    let carrier = &toc_json["energyCarriers"][0];
    assert_eq!(
        keys(carrier),
        [
            "emissionFactorTTW",
            "emissionFactorWTW",
            "energyCarrier",
            "energyConsumption",
            "energyConsumptionUnit",
            "relativeShare"
        ]
    );
    assert_eq!(carrier["energyCarrier"], "Diesel");
    assert_eq!(carrier["energyConsumptionUnit"], "l");
    assert_eq!(carrier["emissionFactorTTW"], "2.57082");
    assert_eq!(carrier["relativeShare"], "1");

    let hoc_json = serde_json::to_value(Hoc::from_intensity(&hoc)).unwrap();
    assert_eq!(
        keys(&hoc_json),
        ["co2eIntensityTTW", "co2eIntensityWTW", "energyCarriers", "hocId", "hubActivityUnit", "hubType"]
    );
    assert_eq!(hoc_json["hubType"], "Transshipment");
    assert_eq!(hoc_json["hubActivityUnit"], "tonnes");

    // Round trip.
    let back: ShipmentFootprint = serde_json::from_value(json).unwrap();
    assert_eq!(back, footprint);
    let back: Toc = serde_json::from_value(toc_json).unwrap();
    assert_eq!(back, toc_report);
}

#[cfg(feature = "serde")]
#[test]
fn deserialised_factors_are_validated() {
    // A registry written to JSON with one factor turned negative: it used to load, and then
    // gave negative CO2e for every litre of HVO.
    let mut json = serde_json::to_value(CarrierRegistry::uk_defaults()).unwrap();
    let hvo = json["entries"].as_array_mut().unwrap().iter_mut().find(|e| e["carrier"] == "hvo").unwrap();
    hvo["wtt_per_unit"] = serde_json::json!(-0.5);
    let err = serde_json::from_value::<CarrierRegistry>(json.clone()).unwrap_err();
    assert!(err.to_string().contains("carrier HVO wtt factor: negative"), "{err}");
    // The same entry alone.
    let err = serde_json::from_value::<CarrierFactors>(hvo_entry(&json)).unwrap_err();
    assert!(err.to_string().contains("carrier HVO wtt factor"), "{err}");
    // A carrier filed twice is ambiguous.
    let mut twice = serde_json::to_value(CarrierRegistry::uk_defaults()).unwrap();
    let first = twice["entries"][0].clone();
    twice["entries"].as_array_mut().unwrap().push(first);
    let err = serde_json::from_value::<CarrierRegistry>(twice).unwrap_err();
    assert!(err.to_string().contains("energy carrier diesel: filed twice"), "{err}");
    // A valid registry round-trips.
    let back: CarrierRegistry = serde_json::from_value(serde_json::to_value(carriers()).unwrap()).unwrap();
    assert_eq!(back, carriers());
}

#[cfg(feature = "serde")]
fn hvo_entry(registry: &serde_json::Value) -> serde_json::Value {
    registry["entries"].as_array().unwrap().iter().find(|e| e["carrier"] == "hvo").unwrap().clone()
}

#[test]
fn footprint_refuses_foreign_or_missing_tces() {
    let shares =
        allocate(Emissions::new(Co2e(1.0), Co2e(0.0)), &[Shipment::new("S1", Kilograms(1.0), Distance(1))]).unwrap();
    assert_eq!(invalid_item(ShipmentFootprint::new("S1", Kilograms(1.0), vec![])), "shipment S1 tces");
    let foreign = vec![Tce::transport("t", "toc", &shares[0])];
    assert_eq!(invalid_item(ShipmentFootprint::new("S2", Kilograms(1.0), foreign)), "shipment S2 tce t");
}
