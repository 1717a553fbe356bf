//! The direct-shipping baseline and the comparison with a milk run.

use milkrun_cost::baseline::{compare, direct_baseline, DirectMode, DirectSupplier, MilkRunShare, RateCard, RateZone};
use milkrun_cost::emissions::{
    CarrierRegistry, Co2e, Co2ePerTonneKm, ConsumptionModel, Emissions, LinearConsumption, MetresPerSecond,
};
use milkrun_cost::tariff::Tariff;
use milkrun_model::{Distance, Duration, EnergyCarrier, Kilograms, Money};
use proptest::prelude::*;

fn truck() -> ConsumptionModel {
    // 20 L/100 km empty, 30 L/100 km with 10 t.
    ConsumptionModel::Linear(LinearConsumption::new(EnergyCarrier::Diesel, 20.0, 30.0, Kilograms(10_000.0)).unwrap())
}

#[test]
fn own_round_trips_cost_and_emit_the_loaded_leg_and_the_empty_return() {
    let tariff = Tariff {
        fixed_per_day: Money(24_000),
        per_km: 100.0,
        per_hour: 3_000.0,
        per_stop: Money(1_000),
        ..Tariff::default()
    };
    let model = truck();
    let carriers = CarrierRegistry::uk_defaults();
    let mode = DirectMode::OwnTruck {
        tariff: &tariff,
        model: &model,
        carriers: &carriers,
        speed: MetresPerSecond(50_000.0 / 3600.0),
        handling: Duration::hours(1),
        working_day: Duration::hours(8),
    };
    let s = DirectSupplier { supplier: 3, distance: Distance(100_000), mass: Kilograms(5_000.0), shipments: 2 };
    let b = direct_baseline(&[s], &mode).unwrap();
    // Per trip: 200 km x 100 = 20000; 4 h driving + 1 h handling = 5 h x 3000 = 15000; a stop 1000;
    // fixed 24000 x 5/8 = 15000; total 51000; two trips 102000.
    assert_eq!(b[0].cost, Money(102_000));
    assert_eq!(b[0].distance, Distance(400_000));
    // Energy per trip: loaded 100 km at 25 L/100 km = 25 L, empty 100 km at 20 L/100 km = 20 L;
    // 45 L x 2 trips = 90 L of diesel x (2.57082 + 0.61101) = 90 x 3.18183 = 286.3647 kg
    // (DESNZ 2025 blend).
    let expected = 286.3647;
    assert!((b[0].emissions.wtw.kg() - expected).abs() < 1e-9, "{} vs {expected}", b[0].emissions.wtw.kg());
    assert!((b[0].tonne_km.0 - 5.0 * 100.0 * 2.0).abs() < 1e-9);
}

#[test]
fn carriers_charge_by_zone_with_minimum_and_surcharge() {
    let card = RateCard {
        zones: vec![
            RateZone { up_to: Distance(50_000), per_kg: 8.0, minimum: Money(5_000) },
            RateZone { up_to: Distance(200_000), per_kg: 11.0, minimum: Money(7_500) },
        ],
        fuel_surcharge: 0.15,
        intensity: Co2ePerTonneKm(0.1),
        ttw_share: 0.75,
    };
    let near = DirectSupplier { supplier: 1, distance: Distance(40_000), mass: Kilograms(300.0), shipments: 1 };
    let far = DirectSupplier { supplier: 2, distance: Distance(150_000), mass: Kilograms(1_000.0), shipments: 1 };
    let b = direct_baseline(&[near, far], &DirectMode::Carrier(&card)).unwrap();
    // near: 300 x 8 = 2400 < 5000 minimum -> 5000 x 1.15 = 5750; far: 11000 x 1.15 = 12650.
    assert_eq!((b[0].cost, b[1].cost), (Money(5_750), Money(12_650)));
    // far: 1 t x 150 km x 0.1 = 15 kg WTW, 11.25 TTW.
    assert!((b[1].emissions.wtw.kg() - 15.0).abs() < 1e-12 && (b[1].emissions.ttw.kg() - 11.25).abs() < 1e-12);
    let beyond = DirectSupplier { distance: Distance(250_000), ..far };
    let err = direct_baseline(&[beyond], &DirectMode::Carrier(&card)).unwrap_err();
    assert!(err.to_string().contains("supplier 2 distance"), "{err}");
}

#[test]
fn savings_per_supplier_and_in_total() {
    let base = [
        milkrun_cost::baseline::DirectShipping {
            supplier: 4,
            cost: Money(10_000),
            distance: Distance(200_000),
            tonne_km: Default::default(),
            emissions: Emissions::new(Co2e(40.0), Co2e(10.0)),
        },
        milkrun_cost::baseline::DirectShipping {
            supplier: 9,
            cost: Money(6_000),
            distance: Distance(120_000),
            tonne_km: Default::default(),
            emissions: Emissions::new(Co2e(24.0), Co2e(6.0)),
        },
    ];
    let shares = [
        MilkRunShare { supplier: 9, cost: Money(3_500), emissions: Emissions::new(Co2e(12.0), Co2e(3.0)) },
        MilkRunShare { supplier: 4, cost: Money(5_500), emissions: Emissions::new(Co2e(20.0), Co2e(5.0)) },
    ];
    let c = compare(&base, &shares, Distance(180_000)).unwrap();
    assert_eq!(c.cost_saving(), Money(16_000 - 9_000));
    assert_eq!(c.suppliers[0].cost_saving, Money(4_500));
    assert!((c.co2e_saving().kg() - (80.0 - 40.0)).abs() < 1e-12);
    assert_eq!(c.direct_distance, Distance(320_000));
    // Kilometres: alone 200 km (supplier 4) + 120 km (supplier 9) = 320 km; the loop drives
    // 180 km, saving 140 km.
    assert_eq!(
        (c.suppliers[0].direct_distance, c.suppliers[1].direct_distance),
        (Distance(200_000), Distance(120_000))
    );
    assert_eq!(c.distance_saving(), Distance(140_000));
    assert!(compare(&base, &shares, Distance(-1)).unwrap_err().to_string().contains("milk run distance"));
    assert!(compare(&base, &shares[..1], Distance(0)).unwrap_err().to_string().contains("supplier 4"));
    assert!(compare(&base, &[shares[0], shares[0], shares[1]], Distance(0)).is_err());
}

#[test]
fn bad_baseline_input_is_named() {
    let model = truck();
    let carriers = CarrierRegistry::uk_defaults();
    let tariff = Tariff::default();
    let mode = DirectMode::OwnTruck {
        tariff: &tariff,
        model: &model,
        carriers: &carriers,
        speed: MetresPerSecond(10.0),
        handling: Duration(0),
        working_day: Duration::hours(8),
    };
    let heavy = DirectSupplier { supplier: 5, distance: Distance(1000), mass: Kilograms(12_000.0), shipments: 1 };
    assert!(direct_baseline(&[heavy], &mode).unwrap_err().to_string().contains("payload"));
    let negative = DirectSupplier { supplier: 6, distance: Distance(-1), mass: Kilograms(1.0), shipments: 1 };
    assert!(direct_baseline(&[negative], &mode).unwrap_err().to_string().contains("supplier 6 distance"));
    let nan = DirectSupplier { supplier: 7, distance: Distance(1), mass: Kilograms(f64::NAN), shipments: 1 };
    assert!(direct_baseline(&[nan], &mode).unwrap_err().to_string().contains("supplier 7 mass"));
}

#[test]
fn comparison_overflow_is_a_typed_error() {
    let direct = |supplier, cost| milkrun_cost::baseline::DirectShipping {
        supplier,
        cost: Money(cost),
        distance: Distance(1_000),
        tonne_km: Default::default(),
        emissions: Emissions::ZERO,
    };
    let share = |supplier, cost| MilkRunShare { supplier, cost: Money(cost), emissions: Emissions::ZERO };
    // i64::MAX + 1 in the direct total.
    let err = compare(&[direct(1, i64::MAX), direct(2, 1)], &[share(1, 0), share(2, 0)], Distance(0)).unwrap_err();
    assert!(err.to_string().contains("direct cost total"), "{err}");
    // −5 − i64::MAX does not fit in a saving.
    let err = compare(&[direct(1, -5)], &[share(1, i64::MAX)], Distance(0)).unwrap_err();
    assert!(err.to_string().contains("supplier 1 cost saving"), "{err}");
}

#[test]
fn direct_trips_too_long_or_with_negative_fixed_charges_are_refused() {
    let model = truck();
    let carriers = CarrierRegistry::uk_defaults();
    let tariff = Tariff::default();
    let supplier = DirectSupplier { supplier: 5, distance: Distance(1_000), mass: Kilograms(1.0), shipments: 1 };
    // 2 km at 1e-300 m/s is 2e303 s: it saturated to i64::MAX seconds, and adding the hour of
    // handling overflowed.
    let crawling = DirectMode::OwnTruck {
        tariff: &tariff,
        model: &model,
        carriers: &carriers,
        speed: MetresPerSecond(1e-300),
        handling: Duration::hours(1),
        working_day: Duration::hours(8),
    };
    let err = direct_baseline(&[supplier], &crawling).unwrap_err();
    assert!(err.to_string().contains("supplier 5 trip duration"), "{err}");
    // A negative daily fixed charge would lower the baseline's cost.
    let credit = Tariff { fixed_per_day: Money(-24_000), ..Tariff::default() };
    let mode = DirectMode::OwnTruck {
        tariff: &credit,
        model: &model,
        carriers: &carriers,
        speed: MetresPerSecond(10.0),
        handling: Duration(0),
        working_day: Duration::hours(8),
    };
    let err = direct_baseline(&[supplier], &mode).unwrap_err();
    assert!(err.to_string().contains("supplier 5 trip: fixed_per_day"), "{err}");
}

proptest! {
    #[test]
    fn the_baseline_grows_with_distance_and_mass(d in 1_000i64..300_000, more in 0i64..100_000, m in 0.0f64..9_000.0, extra in 0.0f64..1_000.0) {
        let model = truck();
        let carriers = CarrierRegistry::uk_defaults();
        let tariff = Tariff { per_km: 90.0, per_hour: 2_800.0, fixed_per_day: Money(20_000), ..Tariff::default() };
        let mode = DirectMode::OwnTruck { tariff: &tariff, model: &model, carriers: &carriers, speed: MetresPerSecond(15.0), handling: Duration(1800), working_day: Duration::hours(9) };
        let a = direct_baseline(&[DirectSupplier { supplier: 0, distance: Distance(d), mass: Kilograms(m), shipments: 3 }], &mode).unwrap();
        let b = direct_baseline(&[DirectSupplier { supplier: 0, distance: Distance(d + more), mass: Kilograms(m + extra), shipments: 3 }], &mode).unwrap();
        prop_assert!(b[0].cost >= a[0].cost);
        prop_assert!(b[0].emissions.wtw.kg() >= a[0].emissions.wtw.kg() - 1e-9);
    }
}
