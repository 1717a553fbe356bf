//! Carrier selection against an independent pricing oracle and a brute-force choice.

use milkrun_cost::baseline::{direct_baseline, DirectMode, DirectSupplier, RateCard, RateZone};
use milkrun_cost::carrier::{
    choose_carrier, choose_for_route, Carrier, Objective, Offer, OwnFleetOffer, Provider, Quote, RouteProvider,
    Shipment,
};
use milkrun_cost::emissions::{Co2e, Co2ePerTonneKm, Emissions};
use milkrun_cost::CostError;
use milkrun_model::{Distance, Kilograms, Money};
use proptest::prelude::*;

/// The charge of a shipment by a card, recomputed with plain code: `None` beyond the last zone.
fn oracle_cost(card: &RateCard, s: &Shipment) -> Option<i64> {
    let zone = card.zones.iter().find(|z| s.distance.0 <= z.up_to.0)?;
    let freight = f64::max(s.mass.0 * zone.per_kg, zone.minimum.0 as f64);
    Some((freight * (1.0 + card.fuel_surcharge)).round() as i64)
}

fn oracle_co2e(card: &RateCard, s: &Shipment) -> f64 {
    card.intensity.0 * (s.mass.0 / 1000.0) * (s.distance.0 as f64 / 1000.0)
}

fn arb_card() -> impl Strategy<Value = RateCard> {
    (
        proptest::collection::vec((1i64..200_000, 0.0f64..40.0, 0i64..20_000), 1..4),
        0.0f64..0.3,
        0.0f64..0.3,
        0.0f64..=1.0,
    )
        .prop_map(|(steps, fuel, intensity, ttw_share)| {
            let mut up_to = 0;
            let zones = steps
                .into_iter()
                .map(|(step, per_kg, minimum)| {
                    up_to += step;
                    RateZone { up_to: Distance(up_to), per_kg, minimum: Money(minimum) }
                })
                .collect();
            RateCard { zones, fuel_surcharge: fuel, intensity: Co2ePerTonneKm(intensity), ttw_share }
        })
}

fn arb_shipments() -> impl Strategy<Value = Vec<Shipment>> {
    proptest::collection::vec((0.0f64..5_000.0, 0i64..600_000), 0..8).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(k, (kg, m))| Shipment { id: 10 + k as u32, mass: Kilograms(kg), distance: Distance(m) })
            .collect()
    })
}

fn arb_objective() -> impl Strategy<Value = Objective> {
    prop_oneof![
        Just(Objective::Cost),
        Just(Objective::Co2e),
        (0.0f64..500.0).prop_map(|carbon_price| Objective::Weighted { carbon_price }),
    ]
}

/// Own-fleet offers for some shipments: (present, cost, kg CO2e) per shipment.
fn offers(shipments: &[Shipment], own: &[(bool, i64, f64)]) -> Vec<OwnFleetOffer> {
    shipments
        .iter()
        .zip(own)
        .filter(|(_, o)| o.0)
        .map(|(s, &(_, cost, kg))| OwnFleetOffer {
            shipment: s.id,
            cost: Money(cost),
            emissions: Emissions::new(Co2e(kg * 0.8), Co2e(kg * 0.2)),
        })
        .collect()
}

/// Every option of every shipment as (cost, wtw), own fleet first, recomputed by the oracle.
fn options(s: &Shipment, own: Option<&OwnFleetOffer>, cards: &[RateCard]) -> Vec<(Provider, i64, f64)> {
    let mut out: Vec<(Provider, i64, f64)> =
        own.map(|o| (Provider::OwnFleet, o.cost.0, o.emissions.wtw.kg())).into_iter().collect();
    for (k, card) in cards.iter().enumerate() {
        if let Some(cost) = oracle_cost(card, s) {
            out.push((Provider::Carrier(k), cost, oracle_co2e(card, s)));
        }
    }
    out
}

fn named(cards: &[RateCard]) -> Vec<Carrier> {
    cards.iter().enumerate().map(|(k, c)| Carrier::new(format!("c{k}"), c.clone()).unwrap()).collect()
}

/// A carrier that takes anything up to 1 000 km.
fn extra() -> Carrier {
    let zones = vec![RateZone { up_to: Distance(1_000_000), per_kg: 3.0, minimum: Money(100) }];
    let card = RateCard { zones, fuel_surcharge: 0.1, intensity: Co2ePerTonneKm(0.2), ttw_share: 0.9 };
    Carrier::new("extra", card).unwrap()
}

fn score(objective: Objective, cost: i64, kg: f64) -> f64 {
    objective.score(Money(cost), &Emissions::new(Co2e(kg), Co2e(0.0)))
}

#[test]
fn the_carrier_pricing_is_the_baselines() {
    let card = RateCard {
        zones: vec![
            RateZone { up_to: Distance(50_000), per_kg: 8.0, minimum: Money(5_000) },
            RateZone { up_to: Distance(200_000), per_kg: 11.0, minimum: Money(7_500) },
        ],
        fuel_surcharge: 0.15,
        intensity: Co2ePerTonneKm(0.1),
        ttw_share: 0.75,
    };
    let carrier = Carrier::new("LTL", card.clone()).unwrap();
    for (kg, m) in [(300.0, 40_000), (1_000.0, 150_000), (0.0, 0), (681.3, 200_000)] {
        let s = Shipment { id: 1, mass: Kilograms(kg), distance: Distance(m) };
        let q = *carrier.quote(&s).unwrap().priced().unwrap();
        let supplier = DirectSupplier { supplier: 1, distance: Distance(m), mass: Kilograms(kg), shipments: 1 };
        let b = direct_baseline(&[supplier], &DirectMode::Carrier(&card)).unwrap();
        assert_eq!(q.cost, b[0].cost, "{kg} kg at {m} m");
        assert!((q.emissions.wtw.kg() - b[0].emissions.wtw.kg()).abs() < 1e-9);
        assert_eq!(q.freight + q.fuel_surcharge, q.cost);
    }
}

#[test]
fn a_route_example_by_cost_co2e_and_price() {
    // Two shipments; road is cheap and dirty, rail expensive and clean.
    let road = RateCard {
        zones: vec![RateZone { up_to: Distance(500_000), per_kg: 10.0, minimum: Money(0) }],
        fuel_surcharge: 0.0,
        intensity: Co2ePerTonneKm(0.125),
        ttw_share: 1.0,
    };
    let rail = RateCard { intensity: Co2ePerTonneKm(0.03125), ..road.clone() };
    let rail = RateCard { zones: vec![RateZone { per_kg: 14.0, ..rail.zones[0] }], ..rail };
    let carriers = [Carrier::new("road", road).unwrap(), Carrier::new("rail", rail).unwrap()];
    let shipments = [
        Shipment { id: 1, mass: Kilograms(1_000.0), distance: Distance(400_000) },
        Shipment { id: 2, mass: Kilograms(500.0), distance: Distance(400_000) },
    ];
    // Road 10000 + 5000 = 15000, 50 + 25 = 75 kg; rail 21000, 18.75 kg; the route 18000, 40 kg.
    let route = Offer { cost: Money(18_000), emissions: Emissions::new(Co2e(40.0), Co2e(0.0)) };
    let by_cost = choose_for_route(&shipments, route, &carriers, Objective::Cost).unwrap();
    assert_eq!((by_cost.chosen, by_cost.cost), (RouteProvider::Carriers, Money(15_000)));
    assert_eq!(by_cost.carriers.as_ref().unwrap().shipments[1].chosen, Provider::Carrier(0));
    let by_co2e = choose_for_route(&shipments, route, &carriers, Objective::Co2e).unwrap();
    assert_eq!((by_co2e.chosen, by_co2e.cost), (RouteProvider::Carriers, Money(21_000)));
    assert!((by_co2e.emissions.wtw.kg() - 18.75).abs() < 1e-12);
    // Weighted: road 15000 + 75 p, own 18000 + 40 p, rail 21000 + 18.75 p.
    // At p = 50: road 18750, own 20000, rail 21937.5 -> road. At p = 100: 22500, 22000, 22875
    // -> the own route.
    let at = |p| choose_for_route(&shipments, route, &carriers, Objective::Weighted { carbon_price: p }).unwrap();
    assert_eq!((at(50.0).chosen, at(50.0).cost), (RouteProvider::Carriers, Money(15_000)));
    assert_eq!((at(100.0).chosen, at(100.0).cost), (RouteProvider::OwnFleet, Money(18_000)));
}

proptest! {
    #[test]
    fn the_chosen_option_is_the_best_priced_one(
        shipments in arb_shipments(),
        cards in proptest::collection::vec(arb_card(), 0..4),
        own in proptest::collection::vec((any::<bool>(), 0i64..200_000, 0.0f64..200.0), 8),
        objective in arb_objective(),
    ) {
        let carriers = named(&cards);
        let offers = offers(&shipments, &own);
        let all: Vec<Vec<(Provider, i64, f64)>> = shipments
            .iter()
            .map(|s| options(s, offers.iter().find(|o| o.shipment == s.id), &cards))
            .collect();
        match choose_carrier(&shipments, &offers, &carriers, objective) {
            Err(CostError::Unserved { shipment, others, .. }) => {
                // Exactly the shipments without any option are reported, in order.
                let unserved: Vec<u32> =
                    shipments.iter().zip(&all).filter(|(_, o)| o.is_empty()).map(|(s, _)| s.id).collect();
                prop_assert_eq!(Some(&shipment), unserved.first());
                prop_assert_eq!(&others[..], &unserved[1..]);
            }
            Err(e) => prop_assert!(false, "unexpected error {}", e),
            Ok(sel) => {
                prop_assert_eq!(sel.shipments.len(), shipments.len());
                prop_assert_eq!(sel.cost.0, sel.shipments.iter().map(|c| c.cost.0).sum::<i64>());
                for (choice, opts) in sel.shipments.iter().zip(&all) {
                    prop_assert_eq!(choice.carriers.len(), carriers.len());
                    // The chosen option is one of the alternatives, as the oracle prices it...
                    let chosen = opts.iter().find(|o| o.0 == choice.chosen);
                    prop_assert!(chosen.is_some());
                    let &(_, cost, kg) = chosen.unwrap();
                    prop_assert_eq!(choice.cost.0, cost);
                    prop_assert!((choice.emissions.wtw.kg() - kg).abs() <= 1e-9 * (1.0 + kg.abs()));
                    // ...and no alternative is better under the objective.
                    for &(_, c, e) in opts {
                        match objective {
                            Objective::Cost => prop_assert!(cost <= c),
                            Objective::Co2e => prop_assert!(kg <= e + 1e-9 * (1.0 + e.abs())),
                            Objective::Weighted { .. } => {
                                let (mine, other) = (score(objective, cost, kg), score(objective, c, e));
                                prop_assert!(mine <= other + 1e-9 * (1.0 + other.abs()));
                            }
                        }
                    }
                    // Every carrier's quote is the oracle's, or a refusal where the oracle has none.
                    for (q, card) in choice.carriers.iter().zip(&cards) {
                        let s = shipments.iter().find(|s| s.id == choice.shipment).unwrap();
                        prop_assert_eq!(q.priced().map(|q| q.cost.0), oracle_cost(card, s));
                        if let Quote::Priced(q) = q {
                            prop_assert_eq!(q.freight + q.fuel_surcharge, q.cost);
                        }
                    }
                }
                // Same input, same answer; and another carrier never makes the chosen cost worse.
                prop_assert_eq!(&choose_carrier(&shipments, &offers, &carriers, objective).unwrap(), &sel);
                if objective == Objective::Cost {
                    let mut more = carriers.clone();
                    more.push(extra());
                    let wider = choose_carrier(&shipments, &offers, &more, objective).unwrap();
                    prop_assert!(wider.cost <= sel.cost);
                }
            }
        }
    }

    #[test]
    fn the_route_choice_is_the_better_total(
        shipments in arb_shipments(),
        cards in proptest::collection::vec(arb_card(), 1..4),
        route_cost in 0i64..400_000,
        route_kg in 0.0f64..300.0,
        objective in arb_objective(),
    ) {
        let carriers = named(&cards);
        let route = Offer { cost: Money(route_cost), emissions: Emissions::new(Co2e(route_kg), Co2e(0.0)) };
        let choice = choose_for_route(&shipments, route, &carriers, objective).unwrap();
        // Brute force: each shipment's best carrier alone, summed.
        let mut handed: Option<(i64, f64)> = Some((0, 0.0));
        for s in &shipments {
            let opts = options(s, None, &cards);
            let best = opts.iter().map(|&(_, c, e)| (c, e)).min_by(|a, b| {
                score(objective, a.0, a.1).total_cmp(&score(objective, b.0, b.1))
            });
            handed = match (handed, best) {
                (Some((c, e)), Some((bc, be))) => Some((c + bc, e + be)),
                _ => None,
            };
        }
        match handed {
            None => {
                prop_assert!(choice.carriers.is_err());
                prop_assert_eq!(choice.chosen, RouteProvider::OwnFleet);
                prop_assert_eq!(choice.cost, route.cost);
            }
            Some((c, e)) => {
                let sel = choice.carriers.as_ref().unwrap();
                let (own_score, carriers_score) = (score(objective, route_cost, route_kg), score(objective, c, e));
                let tol = 1e-9 * (1.0 + own_score.abs() + carriers_score.abs());
                let chosen_score = score(objective, choice.cost.0, choice.emissions.wtw.kg());
                // The chosen total is the min of the two (up to float rounding in CO2e sums)...
                prop_assert!((chosen_score - own_score.min(carriers_score)).abs() <= tol);
                prop_assert!((score(objective, sel.cost.0, sel.emissions.wtw.kg()) - carriers_score).abs() <= tol);
                // ...and a clear winner is the one chosen.
                if own_score + tol < carriers_score {
                    prop_assert_eq!(choice.chosen, RouteProvider::OwnFleet);
                } else if carriers_score + tol < own_score {
                    prop_assert_eq!(choice.chosen, RouteProvider::Carriers);
                }
                if objective == Objective::Cost {
                    prop_assert_eq!(choice.cost.0, route_cost.min(c));
                    prop_assert_eq!(sel.cost.0, c);
                }
            }
        }
    }
}
