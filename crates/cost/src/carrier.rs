//! Carrier selection: per shipment or per route, the own fleet or a carrier's rate card, chosen
//! by cost, by CO2e, or by both with a carbon price.
//!
//! Key points:
//! - A [`Carrier`] is a haulier (not an energy carrier of [`crate::emissions`]) with a
//!   [`RateCard`]: zones by distance, each with a price per kilogram and a minimum charge, a
//!   fuel surcharge, and the well-to-wheel intensity of the service with its tank-to-wheel share.
//!   [`Carrier::new`] validates the card once; a `Carrier` is always valid.
//! - [`Carrier::quote`] prices one [`Shipment`] ([`CarrierQuote`]: zone, freight, surcharge,
//!   charge, tonne-km, emissions) or refuses it with a typed [`Refusal`] (beyond the last zone).
//! - The own fleet's offers come from the caller: the marginal cost and emissions of carrying a
//!   shipment ([`OwnFleetOffer`]) or the cost and emissions of running a whole route ([`Offer`]),
//!   from [`route_cost`](crate::tariff::route_cost) and
//!   [`route_emissions`](crate::emissions::route_emissions) for example. This module routes
//!   nothing.
//! - [`choose_carrier`] picks the best option of each shipment under an [`Objective`] and keeps
//!   every alternative priced (or refused, with the reason), so a planner can show why.
//!   [`choose_for_route`] compares keeping a route on the own fleet with handing each of its
//!   shipments to its best carrier.
//! - A shipment no option can serve is an error naming it ([`CostError::Unserved`]), never
//!   skipped.
//!
//! # Pricing
//! The zone is the first whose `up_to` is at least the shipment's distance; beyond the last zone
//! the carrier refuses. Freight is `max(minimum, per_kg × mass)`; the charge is
//! `freight × (1 + fuel_surcharge)`, rounded once, half away from zero, to a minor unit. The
//! freight is rounded the same way and the surcharge is the difference, so the two add up to the
//! charge. Totals are sums of the rounded charges. This is the pricing of
//! [`direct_baseline`](crate::baseline::direct_baseline) with
//! [`DirectMode::Carrier`](crate::baseline::DirectMode::Carrier).
//!
//! Emissions (ISO 14083): the card's well-to-wheel intensity times the shipment's transport
//! activity, mass × shortest feasible distance; tank-to-wheel is `ttw_share` of it, well-to-tank
//! the rest.
//!
//! # Choosing, and ties
//! Options are ordered by a key that depends on the [`Objective`], compared exactly (money as
//! integers, CO2e as numbers, so `0.0 == -0.0`):
//! - [`Objective::Cost`]: cost, then well-to-wheel CO2e;
//! - [`Objective::Co2e`]: well-to-wheel CO2e, then cost;
//! - [`Objective::Weighted`]: `cost + carbon_price × CO2e`, then CO2e, then cost.
//!
//! Options still equal go to the own fleet before any carrier, then to the carrier with the
//! lowest index in the slice given. The answer depends on nothing else (no hashing, no clock).
//!
//! # Units
//! Money in minor units ([`Money`]); distances in metres ([`Distance`]); masses in kilograms
//! ([`Kilograms`]); emissions in kg CO2e ([`Co2e`]); the carbon price in minor units of money per
//! kg CO2e (an EU ETS price of 80 EUR per tonne is 8 cents per kg: `carbon_price: 8.0`).
//!
//! # Example
//! ```
//! use milkrun_cost::baseline::{RateCard, RateZone};
//! use milkrun_cost::carrier::{
//!     choose_carrier, choose_for_route, Carrier, Objective, Offer, OwnFleetOffer, Provider, Quote, Refusal,
//!     RouteProvider, Shipment,
//! };
//! use milkrun_cost::emissions::{Co2e, Co2ePerTonneKm, Emissions};
//! use milkrun_model::{Distance, Kilograms, Money};
//!
//! let road = Carrier::new("Road LTL", RateCard {
//!     zones: vec![
//!         RateZone { up_to: Distance(100_000), per_kg: 12.0, minimum: Money(6_000) },
//!         RateZone { up_to: Distance(300_000), per_kg: 15.0, minimum: Money(9_000) },
//!     ],
//!     fuel_surcharge: 0.10,
//!     intensity: Co2ePerTonneKm(0.12),
//!     ttw_share: 0.8,
//! })?;
//! let rail = Carrier::new("Rail-road", RateCard {
//!     zones: vec![RateZone { up_to: Distance(500_000), per_kg: 10.0, minimum: Money(20_000) }],
//!     fuel_surcharge: 0.05,
//!     intensity: Co2ePerTonneKm(0.04),
//!     ttw_share: 0.5,
//! })?;
//! let carriers = [road, rail];
//! let shipments = [
//!     Shipment { id: 1, mass: Kilograms(800.0), distance: Distance(250_000) },
//!     Shipment { id: 2, mass: Kilograms(300.0), distance: Distance(400_000) },
//! ];
//! // Carrying shipment 1 on the own fleet's route adds 150.00 and 18 kg CO2e.
//! let own = [OwnFleetOffer { shipment: 1, cost: Money(15_000), emissions: Emissions::new(Co2e(15.0), Co2e(3.0)) }];
//!
//! let cheapest = choose_carrier(&shipments, &own, &carriers, Objective::Cost)?;
//! // Shipment 1 by road: 800 kg x 15 = 12000 (above the 9000 minimum), + 10 % = 13200.
//! assert_eq!((cheapest.shipments[0].chosen, cheapest.shipments[0].cost), (Provider::Carrier(0), Money(13_200)));
//! // Shipment 2 is beyond the road carrier's last zone; rail charges its minimum, 20000 + 5 %.
//! assert!(matches!(cheapest.shipments[1].carriers[0], Quote::Refused(Refusal::BeyondLastZone { .. })));
//! assert_eq!((cheapest.shipments[1].chosen, cheapest.shipments[1].cost), (Provider::Carrier(1), Money(21_000)));
//! assert_eq!(cheapest.cost, Money(13_200 + 21_000));
//!
//! // By CO2e, shipment 1 goes by rail: 0.8 t x 250 km x 0.04 = 8 kg, against 24 by road, 18 own.
//! let cleanest = choose_carrier(&shipments, &own, &carriers, Objective::Co2e)?;
//! assert_eq!(cleanest.shipments[0].chosen, Provider::Carrier(1));
//! assert!((cleanest.shipments[0].emissions.wtw.kg() - 8.0).abs() < 1e-12);
//!
//! // A route carrying both costs 300.00 and emits 20 kg: cheaper than 342.00 by carriers.
//! let route = Offer { cost: Money(30_000), emissions: Emissions::new(Co2e(16.0), Co2e(4.0)) };
//! let choice = choose_for_route(&shipments, route, &carriers, Objective::Cost)?;
//! assert_eq!((choice.chosen, choice.cost), (RouteProvider::OwnFleet, Money(30_000)));
//! # Ok::<(), milkrun_cost::CostError>(())
//! ```
//!
//! # Reference
//! - ISO 14083:2023, transport activity as mass × shortest feasible distance; WTW = TTW + WTT.
//! - Smart Freight Centre (2023), *GLEC Framework* v3.0, intensity-based calculation with
//!   carrier-reported or default transport operation category intensities.

use std::cmp::Ordering;
use std::fmt;

use milkrun_model::{Distance, Kilograms, Money};

use crate::baseline::{check_card, RateCard};
use crate::emissions::{Co2e, Emissions, TonneKm};
use crate::error::CostError;
use crate::tariff::money;

/// A shipment to hand to the own fleet or to a carrier.
///
/// Not the [`emissions::Shipment`](crate::emissions::Shipment) of emission allocation (which
/// carries a report id): here the id is the caller's integer.
///
/// # Units
/// `mass` in kilograms, `distance` in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Shipment {
    /// The caller's id of the shipment, unique among the shipments of one call.
    pub id: u32,
    /// Mass of the freight, finite and non-negative.
    pub mass: Kilograms,
    /// Shortest feasible road distance from origin to destination (ISO 14083): it selects the
    /// rate card's zone and gives the transport activity, mass × distance.
    pub distance: Distance,
}

/// A carrier (a haulier, not an energy carrier) and its validated rate card.
#[derive(Debug, Clone, PartialEq)]
pub struct Carrier {
    name: String,
    card: RateCard,
    reach: Distance,
}

impl Carrier {
    /// A carrier named `name` with its rate card, validated once.
    ///
    /// # Errors
    /// [`CostError::InvalidCarrier`] naming the carrier when the card has no zone, zones not by
    /// strictly increasing distance, a negative or non-finite price or minimum, a negative or
    /// non-finite fuel surcharge or intensity, or a TTW share outside [0, 1].
    pub fn new(name: impl Into<String>, card: RateCard) -> Result<Self, CostError> {
        let name = name.into();
        if let Err(e) = check_card(&card) {
            let reason = match e {
                CostError::InvalidInput { item, reason } => format!("{item}: {reason}"),
                other => other.to_string(),
            };
            return Err(CostError::InvalidCarrier { carrier: name, reason });
        }
        let Some(reach) = card.zones.last().map(|z| z.up_to) else {
            return Err(CostError::InvalidCarrier { carrier: name, reason: "rate card: has no zone".into() });
        };
        Ok(Self { name, card, reach })
    }

    /// The carrier's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its rate card.
    #[must_use]
    pub fn card(&self) -> &RateCard {
        &self.card
    }

    /// The farthest distance it takes: its last zone's `up_to`.
    #[must_use]
    pub fn reach(&self) -> Distance {
        self.reach
    }

    /// Prices one shipment through the card, or says why the carrier refuses it (formula in the
    /// [module docs](crate::carrier#pricing)).
    ///
    /// # Errors
    /// [`CostError::InvalidShipment`] for a negative or non-finite mass or a negative distance;
    /// [`CostError::InvalidInput`] when the charge or the emissions do not fit (an amount of
    /// money beyond ±9·10^18 minor units, infinite CO2e).
    ///
    /// # Complexity
    /// O(log zones).
    ///
    /// # Example
    /// ```
    /// use milkrun_cost::baseline::{RateCard, RateZone};
    /// use milkrun_cost::carrier::{Carrier, Quote, Shipment};
    /// use milkrun_cost::emissions::Co2ePerTonneKm;
    /// use milkrun_model::{Distance, Kilograms, Money};
    ///
    /// let card = RateCard {
    ///     zones: vec![RateZone { up_to: Distance(100_000), per_kg: 8.0, minimum: Money(5_000) }],
    ///     fuel_surcharge: 0.15,
    ///     intensity: Co2ePerTonneKm(0.1),
    ///     ttw_share: 0.75,
    /// };
    /// let carrier = Carrier::new("Spedition Nord", card)?;
    /// let small = Shipment { id: 4, mass: Kilograms(300.0), distance: Distance(40_000) };
    /// // 300 kg x 8 = 2400, below the 5000 minimum: 5000 + 15 % = 5750.
    /// let Quote::Priced(q) = carrier.quote(&small)? else { unreachable!() };
    /// assert_eq!((q.freight, q.fuel_surcharge, q.cost), (Money(5_000), Money(750), Money(5_750)));
    /// // 0.3 t x 40 km = 12 tkm x 0.1 = 1.2 kg CO2e well-to-wheel, 0.9 tank-to-wheel.
    /// assert!((q.emissions.wtw.kg() - 1.2).abs() < 1e-12 && (q.emissions.ttw.kg() - 0.9).abs() < 1e-12);
    /// # Ok::<(), milkrun_cost::CostError>(())
    /// ```
    pub fn quote(&self, shipment: &Shipment) -> Result<Quote, CostError> {
        check_shipment(shipment)?;
        self.price(shipment)
    }

    /// [`Carrier::quote`] of a shipment already checked.
    fn price(&self, s: &Shipment) -> Result<Quote, CostError> {
        let zones = &self.card.zones;
        let k = zones.partition_point(|z| z.up_to < s.distance);
        let Some(zone) = zones.get(k) else {
            return Ok(Quote::Refused(Refusal::BeyondLastZone { distance: s.distance, last_zone: self.reach }));
        };
        let item = || format!("shipment {} via carrier {}", s.id, self.name);
        let freight = (s.mass.0 * zone.per_kg).max(zone.minimum.0 as f64);
        let freight_money = money(&item(), freight)?;
        let cost = money(&item(), freight * (1.0 + self.card.fuel_surcharge))?;
        let tonne_km = TonneKm::of(s.mass, s.distance);
        let wtw = self.card.intensity.0 * tonne_km.0;
        if !wtw.is_finite() {
            return Err(CostError::invalid(item(), format!("emissions are not finite ({wtw} kg CO2e)")));
        }
        let share = self.card.ttw_share;
        Ok(Quote::Priced(CarrierQuote {
            zone: k,
            freight: freight_money,
            fuel_surcharge: cost - freight_money,
            cost,
            tonne_km,
            emissions: Emissions::new(Co2e(wtw * share), Co2e(wtw * (1.0 - share))),
        }))
    }
}

/// What a carrier charges for a shipment and what carrying it emits.
///
/// # Units
/// Money in minor units; tonne-km; kg CO2e.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CarrierQuote {
    /// Index of the zone of the card that applies.
    pub zone: usize,
    /// `max(minimum, per_kg × mass)`, rounded to a minor unit.
    pub freight: Money,
    /// The fuel surcharge: `cost − freight`.
    pub fuel_surcharge: Money,
    /// The charge, `freight × (1 + fuel_surcharge)` rounded once to a minor unit.
    pub cost: Money,
    /// Transport activity, mass × shortest feasible distance.
    pub tonne_km: TonneKm,
    /// The card's intensity times `tonne_km`, split into TTW and WTT by the card's TTW share.
    pub emissions: Emissions,
}

/// Why a carrier does not take a shipment.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Refusal {
    /// The shipment goes farther than the card's last zone.
    BeyondLastZone {
        /// The shipment's distance.
        distance: Distance,
        /// The last zone's `up_to`.
        last_zone: Distance,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BeyondLastZone { distance, last_zone } => {
                write!(f, "{distance} m is beyond the last zone ({last_zone} m)")
            }
        }
    }
}

/// A carrier's answer for one shipment.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Quote {
    /// The carrier takes it, at this price and these emissions.
    Priced(CarrierQuote),
    /// The carrier does not take it.
    Refused(Refusal),
}

impl Quote {
    /// The price, when the carrier takes the shipment.
    #[must_use]
    pub fn priced(&self) -> Option<&CarrierQuote> {
        match self {
            Self::Priced(q) => Some(q),
            Self::Refused(_) => None,
        }
    }
}

/// A cost and the emissions that go with it: an own-fleet offer for a whole route, or any
/// option once priced.
///
/// # Units
/// Money in minor units; kg CO2e.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Offer {
    /// The cost.
    pub cost: Money,
    /// The emissions (the choice uses `wtw`); each part must be finite.
    pub emissions: Emissions,
}

/// What carrying one shipment on the own fleet costs and emits, as the caller computed it (the
/// marginal cost and emissions of the shipment in its route, for example the route with it minus
/// the route without it, from [`route_cost`](crate::tariff::route_cost) and
/// [`route_emissions`](crate::emissions::route_emissions)).
///
/// # Units
/// Money in minor units; kg CO2e.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OwnFleetOffer {
    /// The shipment's id.
    pub shipment: u32,
    /// The cost, any amount (a marginal cost may be negative).
    pub cost: Money,
    /// The emissions, finite (a marginal value may be slightly negative).
    pub emissions: Emissions,
}

/// What "best" means when choosing between options.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Objective {
    /// The lowest cost; equal costs go to the lower well-to-wheel CO2e.
    Cost,
    /// The lowest well-to-wheel CO2e; equal emissions go to the lower cost.
    Co2e,
    /// The lowest `cost + carbon_price × CO2e` (well-to-wheel); equal scores go to the lower
    /// CO2e, then the lower cost.
    Weighted {
        /// Minor units of money per kg CO2e, finite and non-negative.
        carbon_price: f64,
    },
}

impl Objective {
    /// The quantity the objective minimises first: the cost in minor units (as a float), the
    /// well-to-wheel kg CO2e, or `cost + carbon_price × CO2e`.
    #[must_use]
    pub fn score(self, cost: Money, emissions: &Emissions) -> f64 {
        match self {
            Self::Cost => cost.0 as f64,
            Self::Co2e => emissions.wtw.0,
            Self::Weighted { carbon_price } => cost.0 as f64 + carbon_price * emissions.wtw.0,
        }
    }

    /// Orders two priced options, best first (the full key but the provider rank).
    fn order(self, a: &Offer, b: &Offer) -> Ordering {
        let cost = a.cost.cmp(&b.cost);
        let co2e = cmp_f64(a.emissions.wtw.0, b.emissions.wtw.0);
        match self {
            Self::Cost => cost.then(co2e),
            Self::Co2e => co2e.then(cost),
            Self::Weighted { .. } => {
                cmp_f64(self.score(a.cost, &a.emissions), self.score(b.cost, &b.emissions)).then(co2e).then(cost)
            }
        }
    }

    fn check(self) -> Result<(), CostError> {
        match self {
            Self::Weighted { carbon_price } if !(carbon_price.is_finite() && carbon_price >= 0.0) => {
                Err(CostError::invalid(
                    "objective carbon_price",
                    format!("must be finite and non-negative, got {carbon_price}"),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// Who carries a shipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Provider {
    /// The own fleet, at the caller's offer.
    OwnFleet,
    /// The carrier at this index of the slice given.
    Carrier(usize),
}

/// The choice for one shipment, with every alternative.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShipmentChoice {
    /// The shipment's id.
    pub shipment: u32,
    /// The best option under the objective.
    pub chosen: Provider,
    /// Its cost.
    pub cost: Money,
    /// Its emissions.
    pub emissions: Emissions,
    /// The own fleet's offer, when there is one.
    pub own_fleet: Option<Offer>,
    /// Every carrier's quote, in the order of the carriers given.
    pub carriers: Vec<Quote>,
}

/// The choice for every shipment.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CarrierSelection {
    /// One per shipment, in input order.
    pub shipments: Vec<ShipmentChoice>,
    /// Sum of the chosen costs.
    pub cost: Money,
    /// Sum of the chosen emissions.
    pub emissions: Emissions,
}

/// Who carries a route's shipments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RouteProvider {
    /// The own fleet runs the route.
    OwnFleet,
    /// Each shipment goes to its best carrier; the route does not run.
    Carriers,
}

/// The choice for a whole route.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteChoice {
    /// The better of the two alternatives under the objective.
    pub chosen: RouteProvider,
    /// Its cost.
    pub cost: Money,
    /// Its emissions.
    pub emissions: Emissions,
    /// The own fleet's offer for the route, as given.
    pub own_fleet: Offer,
    /// Each shipment with its best carrier (and every carrier's quote), or
    /// [`CostError::Unserved`] naming the shipments no carrier takes: then the route stays on
    /// the own fleet.
    pub carriers: Result<CarrierSelection, CostError>,
}

/// Chooses, for each shipment, the own fleet or one of the carriers.
///
/// # Arguments
/// * `shipments`: ids unique, masses finite and non-negative, distances non-negative.
/// * `own_fleet`: the own fleet's offers, at most one per shipment, in any order; a shipment
///   without one can only go to a carrier.
/// * `carriers`: the carriers; [`Provider::Carrier`] indexes this slice.
/// * `objective`: what "best" means; ties as in the
///   [module docs](crate::carrier#choosing-and-ties).
///
/// # Returns
/// Per shipment, in input order, the best option, its cost and emissions, the own-fleet offer
/// and every carrier's quote; and the totals (sums of the chosen per-shipment charges, each
/// rounded once).
///
/// # Errors
/// - [`CostError::InvalidShipment`]: a negative or non-finite mass, a negative distance, an id
///   given twice, an own-fleet offer for no shipment or twice for one, non-finite own-fleet
///   emissions.
/// - [`CostError::InvalidInput`]: a negative or non-finite carbon price, a charge or a total
///   that does not fit in [`Money`].
/// - [`CostError::Unserved`]: some shipment has no own-fleet offer and every carrier refuses it;
///   the first is named with the reasons, the others listed.
///
/// # Complexity
/// O(n log n + n · c · log z) time and O(n · c) space for n shipments, c carriers and z zones.
pub fn choose_carrier(
    shipments: &[Shipment],
    own_fleet: &[OwnFleetOffer],
    carriers: &[Carrier],
    objective: Objective,
) -> Result<CarrierSelection, CostError> {
    objective.check()?;
    let offers = own_offers(shipments, own_fleet)?;
    select(shipments, Some(&offers), carriers, objective)?
}

/// Chooses between running a route on the own fleet and handing each of its shipments to its
/// best carrier under the objective.
///
/// # Arguments
/// * `shipments`: the route's shipments (as for [`choose_carrier`]).
/// * `own_fleet`: what running the route costs and emits (for example its
///   [`route_cost`](crate::tariff::route_cost) with the vehicle's fixed charge, and its
///   [`route_emissions`](crate::emissions::route_emissions)); emissions finite.
/// * `carriers`: the carriers.
/// * `objective`: what "best" means.
///
/// # Returns
/// Both alternatives and the better one. The carriers' alternative gives each shipment to the
/// carrier that is best for it alone; with no volume discounts the shipments are independent,
/// so this also minimises the total under the objective. Equal totals (by the objective's full
/// key) keep the route on the own fleet. When some shipment is refused by every carrier, the
/// carriers' alternative is [`CostError::Unserved`] and the own fleet is chosen. An empty
/// route costs nothing by carriers.
///
/// # Errors
/// As [`choose_carrier`], but for [`CostError::Unserved`], which goes into
/// [`RouteChoice::carriers`]; [`CostError::InvalidInput`] for non-finite route emissions.
///
/// # Complexity
/// O(n log n + n · c · log z) time and O(n · c) space.
pub fn choose_for_route(
    shipments: &[Shipment],
    own_fleet: Offer,
    carriers: &[Carrier],
    objective: Objective,
) -> Result<RouteChoice, CostError> {
    objective.check()?;
    if !emissions_finite(&own_fleet.emissions) {
        return Err(CostError::invalid(
            "own-fleet route emissions",
            format!("must be finite, got {:?}", own_fleet.emissions),
        ));
    }
    own_offers(shipments, &[])?;
    let by_carriers = select(shipments, None, carriers, objective)?;
    let (chosen, best) = match &by_carriers {
        Ok(sel) => {
            let handed = Offer { cost: sel.cost, emissions: sel.emissions };
            if objective.order(&handed, &own_fleet) == Ordering::Less {
                (RouteProvider::Carriers, handed)
            } else {
                (RouteProvider::OwnFleet, own_fleet)
            }
        }
        Err(_) => (RouteProvider::OwnFleet, own_fleet),
    };
    Ok(RouteChoice { chosen, cost: best.cost, emissions: best.emissions, own_fleet, carriers: by_carriers })
}

/// Checks the shipments and lines the own-fleet offers up with them (index = shipment's index).
fn own_offers(shipments: &[Shipment], own_fleet: &[OwnFleetOffer]) -> Result<Vec<Option<Offer>>, CostError> {
    for s in shipments {
        check_shipment(s)?;
    }
    let mut by_id: Vec<usize> = (0..shipments.len()).collect();
    by_id.sort_by_key(|&k| (shipments[k].id, k));
    if let Some(w) = by_id.windows(2).find(|w| shipments[w[0]].id == shipments[w[1]].id) {
        return Err(CostError::InvalidShipment { shipment: shipments[w[0]].id, reason: "is given twice".into() });
    }
    let mut offers = vec![None; shipments.len()];
    for o in own_fleet {
        let invalid = |reason: String| CostError::InvalidShipment { shipment: o.shipment, reason };
        let k = by_id
            .binary_search_by_key(&o.shipment, |&k| shipments[k].id)
            .map(|at| by_id[at])
            .map_err(|_| invalid("has an own-fleet offer but is not among the shipments".into()))?;
        if !emissions_finite(&o.emissions) {
            return Err(invalid(format!("own-fleet emissions must be finite, got {:?}", o.emissions)));
        }
        if offers[k].is_some() {
            return Err(invalid("has two own-fleet offers".into()));
        }
        offers[k] = Some(Offer { cost: o.cost, emissions: o.emissions });
    }
    Ok(offers)
}

/// Prices every option of every (checked) shipment and picks the best. `offers` lines up with
/// `shipments`; `None` when the own fleet is not an option per shipment (a route's shipments).
/// The inner error is [`CostError::Unserved`].
fn select(
    shipments: &[Shipment],
    offers: Option<&[Option<Offer>]>,
    carriers: &[Carrier],
    objective: Objective,
) -> Result<Result<CarrierSelection, CostError>, CostError> {
    let mut out =
        CarrierSelection { shipments: Vec::with_capacity(shipments.len()), cost: Money(0), emissions: Emissions::ZERO };
    let mut unserved: Vec<(u32, String)> = Vec::new();
    for (k, s) in shipments.iter().enumerate() {
        let own = offers.and_then(|o| o.get(k).copied().flatten());
        let quotes = carriers.iter().map(|c| c.price(s)).collect::<Result<Vec<_>, _>>()?;
        // Own fleet first, then carriers by index: only a strictly better option replaces the
        // best so far, so ties go to the earlier one.
        let mut best: Option<(Provider, Offer)> = own.map(|o| (Provider::OwnFleet, o));
        for (c, q) in quotes.iter().enumerate() {
            if let Quote::Priced(q) = q {
                let offer = Offer { cost: q.cost, emissions: q.emissions };
                if best.is_none_or(|(_, b)| objective.order(&offer, &b) == Ordering::Less) {
                    best = Some((Provider::Carrier(c), offer));
                }
            }
        }
        let Some((chosen, offer)) = best else {
            unserved.push((s.id, unserved_reason(offers.is_some(), carriers, &quotes)));
            continue;
        };
        out.cost =
            Money(out.cost.0.checked_add(offer.cost.0).ok_or_else(|| CostError::invalid("total cost", "overflows"))?);
        out.emissions += offer.emissions;
        out.shipments.push(ShipmentChoice {
            shipment: s.id,
            chosen,
            cost: offer.cost,
            emissions: offer.emissions,
            own_fleet: own,
            carriers: quotes,
        });
    }
    let mut unserved = unserved.into_iter();
    Ok(match unserved.next() {
        None => Ok(out),
        Some((shipment, reason)) => {
            Err(CostError::Unserved { shipment, reason, others: unserved.map(|u| u.0).collect() })
        }
    })
}

fn unserved_reason(own_per_shipment: bool, carriers: &[Carrier], quotes: &[Quote]) -> String {
    let mut parts: Vec<String> = Vec::with_capacity(quotes.len() + 1);
    if own_per_shipment {
        parts.push("no own-fleet offer".into());
    }
    if carriers.is_empty() {
        parts.push("no carrier given".into());
    }
    for (k, (c, q)) in carriers.iter().zip(quotes).enumerate() {
        if let Quote::Refused(r) = q {
            parts.push(format!("carrier {k} ({}): {r}", c.name));
        }
    }
    parts.join("; ")
}

fn check_shipment(s: &Shipment) -> Result<(), CostError> {
    if !(s.mass.0.is_finite() && s.mass.0 >= 0.0) {
        return Err(CostError::InvalidShipment {
            shipment: s.id,
            reason: format!("mass must be finite and non-negative, got {} kg", s.mass.0),
        });
    }
    if s.distance.0 < 0 {
        return Err(CostError::InvalidShipment {
            shipment: s.id,
            reason: format!("distance is negative ({} m)", s.distance.0),
        });
    }
    Ok(())
}

fn emissions_finite(e: &Emissions) -> bool {
    e.ttw.is_finite() && e.wtt.is_finite() && e.wtw.is_finite()
}

/// Numeric order of two floats (`0.0 == -0.0`); NaN, which checked inputs never produce, falls
/// back to the total order so the result stays deterministic.
fn cmp_f64(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or_else(|| a.total_cmp(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::RateZone;
    use crate::emissions::Co2ePerTonneKm;

    fn card(zones: &[(i64, f64, i64)], fuel: f64, intensity: f64) -> RateCard {
        RateCard {
            zones: zones
                .iter()
                .map(|&(up_to, per_kg, minimum)| RateZone { up_to: Distance(up_to), per_kg, minimum: Money(minimum) })
                .collect(),
            fuel_surcharge: fuel,
            intensity: Co2ePerTonneKm(intensity),
            ttw_share: 0.8,
        }
    }

    fn shipment(id: u32, kg: f64, m: i64) -> Shipment {
        Shipment { id, mass: Kilograms(kg), distance: Distance(m) }
    }

    fn own(shipment: u32, cost: i64, kg: f64) -> OwnFleetOffer {
        OwnFleetOffer { shipment, cost: Money(cost), emissions: Emissions::new(Co2e(kg), Co2e(0.0)) }
    }

    fn priced(q: Quote) -> CarrierQuote {
        match q {
            Quote::Priced(q) => q,
            Quote::Refused(r) => panic!("refused: {r}"),
        }
    }

    /// Two zones: up to 100 km at 0.10/kg (min 20.00), up to 300 km at 0.15/kg (min 30.00), 12 % fuel.
    fn zoned() -> Carrier {
        Carrier::new("Zoned", card(&[(100_000, 10.0, 2_000), (300_000, 15.0, 3_000)], 0.12, 0.1)).unwrap()
    }

    #[test]
    fn hand_computed_prices_by_zone() {
        let c = zoned();
        // 1 000 kg at 250 km: zone 1, 1000 x 15 = 15000; 12 % = 1800; 16800.
        let q = priced(c.quote(&shipment(1, 1_000.0, 250_000)).unwrap());
        assert_eq!((q.zone, q.freight, q.fuel_surcharge, q.cost), (1, Money(15_000), Money(1_800), Money(16_800)));
        // Exactly at a zone's bound: still that zone.
        let q = priced(c.quote(&shipment(2, 1_000.0, 100_000)).unwrap());
        assert_eq!((q.zone, q.cost), (0, Money(11_200)));
        // 1 t x 250 km x 0.1 = 25 kg WTW, 80 % TTW.
        let q = priced(c.quote(&shipment(1, 1_000.0, 250_000)).unwrap());
        assert!((q.tonne_km.0 - 250.0).abs() < 1e-12);
        assert!((q.emissions.wtw.kg() - 25.0).abs() < 1e-12);
        assert!((q.emissions.ttw.kg() - 20.0).abs() < 1e-12 && (q.emissions.wtt.kg() - 5.0).abs() < 1e-12);
    }

    #[test]
    fn the_minimum_charge_applies_below_it_and_not_above() {
        let c = zoned();
        // 150 kg x 10 = 1500 < 2000: freight 2000, + 12 % = 2240.
        let q = priced(c.quote(&shipment(1, 150.0, 50_000)).unwrap());
        assert_eq!((q.freight, q.fuel_surcharge, q.cost), (Money(2_000), Money(240), Money(2_240)));
        // 250 kg x 10 = 2500 > 2000.
        assert_eq!(priced(c.quote(&shipment(1, 250.0, 50_000)).unwrap()).freight, Money(2_500));
        // Nothing at all still pays the minimum.
        assert_eq!(priced(c.quote(&shipment(1, 0.0, 0)).unwrap()).cost, Money(2_240));
    }

    #[test]
    fn the_surcharge_is_rounded_once_with_the_charge() {
        // 100 kg x 0.104 = 10.4 -> freight 10; 10.4 x 1.5 = 15.6 -> charge 16: surcharge 6, where
        // rounding each part apart would give 10 + 5 = 15.
        let c = Carrier::new("Half", card(&[(1_000, 0.104, 0)], 0.5, 0.0)).unwrap();
        let q = priced(c.quote(&shipment(1, 100.0, 10)).unwrap());
        assert_eq!((q.freight, q.cost, q.fuel_surcharge), (Money(10), Money(16), Money(6)));
    }

    #[test]
    fn beyond_the_last_zone_is_refused_with_the_reason() {
        let c = zoned();
        let q = c.quote(&shipment(9, 500.0, 300_001)).unwrap();
        assert_eq!(
            q,
            Quote::Refused(Refusal::BeyondLastZone { distance: Distance(300_001), last_zone: Distance(300_000) })
        );
        assert_eq!(q.priced(), None);
        // With no other option the shipment is reported, with the carrier and why.
        let err = choose_carrier(&[shipment(9, 500.0, 300_001)], &[], &[c], Objective::Cost).unwrap_err();
        assert_eq!(
            err.to_string(),
            "shipment 9: no option can serve it (no own-fleet offer; carrier 0 (Zoned): 300001 m is beyond the last zone (300000 m))"
        );
    }

    #[test]
    fn unserved_shipments_are_all_reported() {
        let s =
            [shipment(1, 1.0, 400_000), shipment(2, 1.0, 1_000), shipment(3, 1.0, 500_000), shipment(4, 1.0, 900_000)];
        let err = choose_carrier(&s, &[own(3, 100, 1.0)], &[zoned()], Objective::Cost).unwrap_err();
        match &err {
            CostError::Unserved { shipment, others, .. } => assert_eq!((*shipment, others.as_slice()), (1, &[4][..])),
            other => panic!("{other}"),
        }
        assert!(err.to_string().ends_with("; also unserved: shipments 4"), "{err}");
        let err = choose_carrier(&s[1..2], &[], &[], Objective::Cost).unwrap_err();
        assert!(err.to_string().contains("no own-fleet offer; no carrier given"), "{err}");
    }

    #[test]
    fn co2e_picks_the_cleaner_and_cost_the_cheaper() {
        // Own fleet: 150.00 and 10 kg; carrier: 120.00 and 25 kg (1 t x 250 km x 0.1).
        let s = [shipment(1, 1_000.0, 250_000)];
        let carriers = [Carrier::new("Cheap", card(&[(300_000, 12.0, 0)], 0.0, 0.1)).unwrap()];
        let offers = [own(1, 15_000, 10.0)];
        let by_cost = choose_carrier(&s, &offers, &carriers, Objective::Cost).unwrap();
        assert_eq!((by_cost.shipments[0].chosen, by_cost.cost), (Provider::Carrier(0), Money(12_000)));
        let by_co2e = choose_carrier(&s, &offers, &carriers, Objective::Co2e).unwrap();
        assert_eq!((by_co2e.shipments[0].chosen, by_co2e.cost), (Provider::OwnFleet, Money(15_000)));
        assert_eq!(by_co2e.emissions.wtw, Co2e(10.0));
        // Every alternative is kept, priced.
        assert_eq!(by_co2e.shipments[0].own_fleet.map(|o| o.cost), Some(Money(15_000)));
        assert_eq!(by_co2e.shipments[0].carriers[0].priced().map(|q| q.cost), Some(Money(12_000)));
    }

    #[test]
    fn the_weighted_objective_flips_at_the_break_even_carbon_price() {
        // Carrier: 1 t x 400 km = 400 tkm x 0.125 = 50 kg, 9000 + 50 p; own: 10000 + 30 p; equal
        // at p = 50 (values exact in binary, so the tie is exact).
        let s = [shipment(1, 1_000.0, 400_000)];
        let exact = RateCard { ttw_share: 1.0, ..card(&[(1_000_000, 9.0, 0)], 0.0, 0.125) };
        let carriers = [Carrier::new("C", exact).unwrap()];
        let offers = [own(1, 10_000, 30.0)];
        let pick = |p: f64| {
            choose_carrier(&s, &offers, &carriers, Objective::Weighted { carbon_price: p }).unwrap().shipments[0].chosen
        };
        assert_eq!(pick(0.0), Provider::Carrier(0));
        assert_eq!(pick(49.9), Provider::Carrier(0));
        // At the break-even price the scores tie and the lower CO2e wins.
        assert_eq!(pick(50.0), Provider::OwnFleet);
        assert_eq!(pick(50.1), Provider::OwnFleet);
        let err = choose_carrier(&s, &offers, &carriers, Objective::Weighted { carbon_price: f64::NAN }).unwrap_err();
        assert!(err.to_string().contains("carbon_price"), "{err}");
        assert!(choose_carrier(&s, &offers, &carriers, Objective::Weighted { carbon_price: -1.0 }).is_err());
    }

    #[test]
    fn ties_go_to_the_other_criterion_then_own_fleet_then_the_lowest_index() {
        let s = [shipment(1, 1_000.0, 100_000)];
        let a = Carrier::new("A", card(&[(100_000, 10.0, 0)], 0.0, 0.1)).unwrap(); // 10000, 10 kg
        let b = Carrier::new("B", card(&[(100_000, 10.0, 0)], 0.0, 0.05)).unwrap(); // 10000, 5 kg
        let choose = |offers: &[OwnFleetOffer], carriers: &[Carrier], o| {
            choose_carrier(&s, offers, carriers, o).unwrap().shipments[0].chosen
        };
        let same_as_a = |cost| OwnFleetOffer {
            shipment: 1,
            cost: Money(cost),
            emissions: priced(a.quote(&s[0]).unwrap()).emissions,
        };
        let twin = Carrier::new("A twin", a.card().clone()).unwrap();
        let (ab, ba, a_twin, twin_a) =
            ([a.clone(), b.clone()], [b, a.clone()], [a.clone(), twin.clone()], [twin, a.clone()]);
        let only_a = [a.clone()];
        // Equal cost: the cleaner, wherever it is.
        assert_eq!(choose(&[], &ab, Objective::Cost), Provider::Carrier(1));
        assert_eq!(choose(&[], &ba, Objective::Cost), Provider::Carrier(0));
        // Carriers equal in every respect: the lower index, whatever their names.
        assert_eq!(choose(&[], &a_twin, Objective::Cost), Provider::Carrier(0));
        assert_eq!(choose(&[], &twin_a, Objective::Co2e), Provider::Carrier(0));
        // Equal to a carrier in every respect: the own fleet.
        assert_eq!(choose(&[same_as_a(10_000)], &only_a, Objective::Cost), Provider::OwnFleet);
        assert_eq!(
            choose(&[same_as_a(10_000)], &only_a, Objective::Weighted { carbon_price: 3.0 }),
            Provider::OwnFleet
        );
        // Equal CO2e: the cheaper.
        assert_eq!(choose(&[same_as_a(9_999)], &only_a, Objective::Co2e), Provider::OwnFleet);
        assert_eq!(choose(&[same_as_a(10_001)], &only_a, Objective::Co2e), Provider::Carrier(0));
    }

    #[test]
    fn a_route_stays_or_goes_by_the_totals() {
        let s = [shipment(1, 1_000.0, 100_000), shipment(2, 500.0, 200_000)];
        // Zoned: 11200 + 500 x 15 = 7500 x 1.12 = 8400: 19600; 10 + 10 kg WTW.
        let carriers = [zoned()];
        let route = |cost| Offer { cost: Money(cost), emissions: Emissions::new(Co2e(30.0), Co2e(0.0)) };
        let r = choose_for_route(&s, route(20_000), &carriers, Objective::Cost).unwrap();
        assert_eq!((r.chosen, r.cost), (RouteProvider::Carriers, Money(19_600)));
        assert!((r.emissions.wtw.kg() - 20.0).abs() < 1e-12);
        // Equal cost: the cleaner (the carriers, 20 kg against 30).
        let r = choose_for_route(&s, route(19_600), &carriers, Objective::Cost).unwrap();
        assert_eq!(r.chosen, RouteProvider::Carriers);
        // Equal in every respect: the route stays.
        let handed = r.carriers.as_ref().map(|sel| Offer { cost: sel.cost, emissions: sel.emissions }).unwrap();
        for objective in [Objective::Cost, Objective::Co2e, Objective::Weighted { carbon_price: 7.0 }] {
            assert_eq!(choose_for_route(&s, handed, &carriers, objective).unwrap().chosen, RouteProvider::OwnFleet);
        }
        let r = choose_for_route(&s, route(19_000), &carriers, Objective::Cost).unwrap();
        assert_eq!((r.chosen, r.cost), (RouteProvider::OwnFleet, Money(19_000)));
        // A shipment no carrier takes keeps the route on the own fleet, and says why.
        let far = [s[0], shipment(3, 1.0, 400_000)];
        let r = choose_for_route(&far, route(1_000_000), &carriers, Objective::Cost).unwrap();
        assert_eq!(r.chosen, RouteProvider::OwnFleet);
        assert!(matches!(r.carriers, Err(CostError::Unserved { shipment: 3, .. })));
        // Empty route: nothing to hand over costs nothing.
        let r = choose_for_route(&[], route(1), &carriers, Objective::Cost).unwrap();
        assert_eq!((r.chosen, r.cost), (RouteProvider::Carriers, Money(0)));
    }

    #[test]
    fn bad_input_is_named() {
        let c = [zoned()];
        let err = choose_carrier(&[shipment(7, f64::NAN, 1)], &[], &c, Objective::Cost).unwrap_err();
        assert!(matches!(err, CostError::InvalidShipment { shipment: 7, .. }), "{err}");
        assert!(err.to_string().starts_with("shipment 7: mass"), "{err}");
        assert!(choose_carrier(&[shipment(7, -1.0, 1)], &[], &c, Objective::Cost).is_err());
        assert!(choose_carrier(&[shipment(7, f64::INFINITY, 1)], &[], &c, Objective::Cost).is_err());
        let err = choose_carrier(&[shipment(8, 1.0, -5)], &[], &c, Objective::Cost).unwrap_err();
        assert_eq!(err.to_string(), "shipment 8: distance is negative (-5 m)");
        let twice = [shipment(3, 1.0, 1), shipment(3, 2.0, 1)];
        assert_eq!(
            choose_carrier(&twice, &[], &c, Objective::Cost).unwrap_err().to_string(),
            "shipment 3: is given twice"
        );
        let one = [shipment(3, 1.0, 1)];
        let err = choose_carrier(&one, &[own(4, 1, 1.0)], &c, Objective::Cost).unwrap_err();
        assert!(matches!(err, CostError::InvalidShipment { shipment: 4, .. }), "{err}");
        assert!(choose_carrier(&one, &[own(3, 1, 1.0), own(3, 2, 1.0)], &c, Objective::Cost).is_err());
        assert!(choose_carrier(&one, &[own(3, 1, f64::NAN)], &c, Objective::Cost).is_err());
        let route = Offer { cost: Money(1), emissions: Emissions::new(Co2e(f64::INFINITY), Co2e(0.0)) };
        assert!(choose_for_route(&one, route, &c, Objective::Cost).is_err());

        let err = Carrier::new("Empty", card(&[], 0.1, 0.1)).unwrap_err();
        assert_eq!(err, CostError::InvalidCarrier { carrier: "Empty".into(), reason: "rate card: has no zone".into() });
        let err = Carrier::new("Unsorted", card(&[(200, 1.0, 0), (100, 1.0, 0)], 0.1, 0.1)).unwrap_err();
        assert!(err.to_string().starts_with("carrier Unsorted: rate card zone 1"), "{err}");
        assert!(Carrier::new("Nan", card(&[(200, f64::NAN, 0)], 0.1, 0.1)).is_err());
        assert!(Carrier::new("Fuel", card(&[(200, 1.0, 0)], -0.1, 0.1)).is_err());
        // A charge that does not fit in Money is an error, not a wrap.
        let huge = Carrier::new("Huge", card(&[(200, 1e300, 0)], 0.0, 0.1)).unwrap();
        assert!(huge.quote(&shipment(1, 1e10, 1)).unwrap_err().to_string().contains("shipment 1 via carrier Huge"));
    }
}
