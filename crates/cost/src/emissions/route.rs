//! Emissions of a route, leg by leg, from the load actually on board.

use milkrun_model::{Distance, EnergyCarrier, Kilograms, StopTime, TravelMatrix};

use super::carrier::{CarrierFactors, CarrierRegistry, Emissions};
use super::consumption::ConsumptionModel;
use super::units::{EnergyUnit, MetresPerSecond, TonneKm};
use super::{non_negative, split_exact};
use crate::CostError;

/// One leg of a route: a drive between two stops with a fixed load on board.
///
/// # Units
/// `distance` in metres, `load` in kilograms, `speed` in m/s, `gradient` as rise over run
/// (0.02 is a 2 % climb).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Leg {
    /// Distance driven.
    pub distance: Distance,
    /// Mass of freight on board (zero for empty running).
    pub load: Kilograms,
    /// Average speed, needed by speed-dependent models (CMEM).
    pub speed: Option<MetresPerSecond>,
    /// Average road gradient, used by CMEM (flat when absent).
    pub gradient: Option<f64>,
}

impl Leg {
    /// A leg of `distance` with `load` on board, no speed, flat.
    #[must_use]
    pub fn new(distance: Distance, load: Kilograms) -> Self {
        Self { distance, load, speed: None, gradient: None }
    }

    /// The same leg driven at `speed`.
    #[must_use]
    pub fn with_speed(mut self, speed: MetresPerSecond) -> Self {
        self.speed = Some(speed);
        self
    }

    /// The same leg on a road of `gradient` (rise over run).
    #[must_use]
    pub fn with_gradient(mut self, gradient: f64) -> Self {
        self.gradient = Some(gradient);
        self
    }

    /// Checks the leg, naming it `name` in errors: distance non-negative, load finite,
    /// non-negative and within `payload` when given, speed finite and positive, gradient finite
    /// and within ±1 (45°).
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] naming the leg and the field (`leg 3 load`).
    pub fn validate(&self, name: &str, payload: Option<Kilograms>) -> Result<(), CostError> {
        if self.distance.0 < 0 {
            return Err(CostError::invalid(format!("{name} distance"), format!("negative: {} m", self.distance.0)));
        }
        non_negative(&format!("{name} load"), self.load.0, "kg")?;
        if let Some(payload) = payload {
            if self.load.0 > payload.0 {
                return Err(CostError::invalid(
                    format!("{name} load"),
                    format!("{} kg is above the vehicle's payload of {} kg", self.load.0, payload.0),
                ));
            }
        }
        if let Some(speed) = self.speed {
            non_negative(&format!("{name} speed"), speed.0, "m/s")?;
            if speed.0 == 0.0 {
                return Err(CostError::invalid(format!("{name} speed"), "must be positive, got 0 m/s"));
            }
        }
        if let Some(gradient) = self.gradient {
            if !gradient.is_finite() || gradient.abs() > 1.0 {
                return Err(CostError::invalid(
                    format!("{name} gradient"),
                    format!("{gradient} is not a road gradient (finite, within ±1)"),
                ));
            }
        }
        Ok(())
    }
}

/// Energy and emissions of one leg.
///
/// # Units
/// `energy` in the route's carrier unit ([`RouteEmissions::unit`]); emissions in kg CO2e;
/// `tonne_km` = load (t) × distance (km), zero on an empty leg.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LegEmissions {
    /// Distance driven, metres.
    pub distance: Distance,
    /// Load on board, kg.
    pub load: Kilograms,
    /// Energy used.
    pub energy: f64,
    /// Emissions of that energy.
    pub emissions: Emissions,
    /// Transport activity.
    pub tonne_km: TonneKm,
}

/// Energy and emissions of a route, per leg and in total.
///
/// Empty legs (no load on board) are included: they use energy and emit, and carry no
/// tonne-km.
///
/// # Units
/// Energy in [`RouteEmissions::unit`]; emissions in kg CO2e; distances in metres.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RouteEmissions {
    /// The factors applied (kept for traceability and reports).
    pub factors: CarrierFactors,
    /// The vehicle's payload, when known (for load factors).
    pub payload: Option<Kilograms>,
    /// One entry per leg, in order.
    pub legs: Vec<LegEmissions>,
    /// Total energy.
    pub energy: f64,
    /// Total emissions.
    pub emissions: Emissions,
    /// Total transport activity.
    pub tonne_km: TonneKm,
    /// Total distance.
    pub distance: Distance,
    /// Distance driven with no load on board.
    pub empty_distance: Distance,
}

impl RouteEmissions {
    /// The unit energy is counted in.
    #[must_use]
    pub fn unit(&self) -> EnergyUnit {
        self.factors.unit
    }

    fn assemble(
        factors: &CarrierFactors,
        payload: Option<Kilograms>,
        legs: &[Leg],
        energies: &[f64],
        name: &str,
    ) -> Result<Self, CostError> {
        let mut out = Vec::with_capacity(legs.len());
        let mut distance = Distance::ZERO;
        let mut empty_distance = Distance::ZERO;
        for (leg, &energy) in legs.iter().zip(energies) {
            distance = checked_add(distance, leg.distance, name)?;
            if leg.load.0 == 0.0 {
                empty_distance = checked_add(empty_distance, leg.distance, name)?;
            }
            out.push(LegEmissions {
                distance: leg.distance,
                load: leg.load,
                energy,
                emissions: factors.emissions(energy),
                tonne_km: TonneKm::of(leg.load, leg.distance),
            });
        }
        Ok(Self {
            factors: factors.clone(),
            payload,
            energy: energies.iter().sum(),
            emissions: out.iter().map(|l| l.emissions).sum(),
            tonne_km: out.iter().map(|l| l.tonne_km).sum(),
            legs: out,
            distance,
            empty_distance,
        })
    }
}

/// The legs of a route from its timetable: one leg between each pair of consecutive stops,
/// with the distance from the travel matrix and the load on board when leaving the first of
/// the two, read in kilograms from one load dimension.
///
/// Feed the result to [`route_emissions`]; a checker's [`RouteReport`](milkrun_model::RouteReport)
/// gives the timetable (`&report.timetable`), the problem the travel matrix.
///
/// # Arguments
/// - `timetable`: the route's stops in order, start and end included, each with its site and
///   the load on board when leaving it ([`StopTime::load_after`]);
/// - `travel`: the travel matrix the sites index;
/// - `kg_dimension`: the index of the load dimension counted in kilograms (see
///   [`Problem::dimensions`](milkrun_model::Problem::dimensions)).
///
/// # Returns
/// `timetable.len() − 1` legs, without speed or gradient (set them with [`Leg::with_speed`]
/// and [`Leg::with_gradient`] for CMEM).
///
/// # Errors
/// [`CostError::InvalidInput`] naming the stop (`stop 3`, counted from 0 in the timetable) when
/// the timetable has fewer than two stops, a load has no dimension `kg_dimension`, a load in kg
/// is negative, or a site is outside the travel matrix.
///
/// # Complexity
/// O(stops).
///
/// # Example
/// ```
/// use milkrun_cost::emissions::{legs_from_timetable, Leg};
/// use milkrun_model::{Distance, Duration, Kilograms, Load, SiteId, StopTime, TravelMatrix};
///
/// // Depot 0 -> supplier 1 (picks up 400 kg) -> depot 0, 5 km each way.
/// let travel = TravelMatrix::new(
///     2,
///     vec![Distance(0), Distance(5_000), Distance(5_000), Distance(0)],
///     vec![Duration(0), Duration(600), Duration(600), Duration(0)],
/// )?;
/// let stop = |site, kg| StopTime {
///     visit: None, site: SiteId(site), arrival: Duration(0), wait: Duration(0), start: Duration(0),
///     departure: Duration(0), load_after: Load::new(vec![3, kg]),
/// };
/// // Dimension 0 counts pallets, dimension 1 kilograms.
/// let legs = legs_from_timetable(&[stop(0, 0), stop(1, 400), stop(0, 0)], &travel, 1)?;
/// assert_eq!(legs, vec![Leg::new(Distance(5_000), Kilograms(0.0)), Leg::new(Distance(5_000), Kilograms(400.0))]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn legs_from_timetable(
    timetable: &[StopTime],
    travel: &TravelMatrix,
    kg_dimension: usize,
) -> Result<Vec<Leg>, CostError> {
    if timetable.len() < 2 {
        return Err(CostError::invalid(
            "timetable",
            format!("{} stops: a route needs at least two (start and end)", timetable.len()),
        ));
    }
    let size = travel.size();
    let index = |k: usize, stop: &StopTime| {
        let site = stop.site.index();
        if site < size {
            Ok(site)
        } else {
            Err(CostError::invalid(
                format!("stop {k} site"),
                format!("site {site} is outside the travel matrix of {size} sites"),
            ))
        }
    };
    timetable
        .iter()
        .zip(timetable.iter().skip(1))
        .enumerate()
        .map(|(k, (from, to))| {
            let (a, b) = (index(k, from)?, index(k + 1, to)?);
            let distance = travel
                .distances()
                .get(a * size + b)
                .copied()
                .ok_or_else(|| CostError::invalid(format!("stop {k} site"), "no distance in the travel matrix"))?;
            let amounts = from.load_after.amounts();
            let kg = *amounts.get(kg_dimension).ok_or_else(|| {
                CostError::invalid(
                    format!("stop {k} load"),
                    format!("has {} dimensions, no kg dimension {kg_dimension}", amounts.len()),
                )
            })?;
            if kg < 0 {
                return Err(CostError::invalid(format!("stop {k} load"), format!("negative: {kg} kg")));
            }
            Ok(Leg::new(distance, Kilograms(kg as f64)))
        })
        .collect()
}

fn checked_add(a: Distance, b: Distance, name: &str) -> Result<Distance, CostError> {
    a.0.checked_add(b.0)
        .map(Distance)
        .ok_or_else(|| CostError::invalid(format!("{name} distance"), "total overflows i64 metres"))
}

/// Emissions of a route with a consumption model: each leg's energy from its distance and the
/// load on board, times the carrier's factors.
///
/// # Arguments
/// - `legs`: the route's legs in order, empty running included (legs are named `leg 0`,
///   `leg 1`... in errors);
/// - `model`: the vehicle's consumption model; its carrier is looked up in `carriers`;
/// - `carriers`: the emission factors.
///
/// # Returns
/// Per-leg energy, TTW, WTT, WTW and tonne-km, and the route totals.
///
/// # Errors
/// [`CostError::InvalidInput`] for an empty route, an invalid leg (negative distance, NaN load,
/// load above the payload, CMEM leg without speed), invalid model parameters, or a CMEM model
/// whose carrier is not counted in litres; [`CostError::Unknown`] for a carrier without factors.
///
/// # Complexity
/// O(legs) time and space.
///
/// # Example
/// ```
/// use milkrun_cost::emissions::{route_emissions, CarrierRegistry, ConsumptionModel, Leg, VehicleClass};
/// use milkrun_model::{Distance, Kilograms};
///
/// let model = ConsumptionModel::Linear(VehicleClass::RigidMedium.linear_model());
/// let legs = [Leg::new(Distance(100_000), Kilograms(7000.0)), Leg::new(Distance(100_000), Kilograms(0.0))];
/// let route = route_emissions(&legs, &model, &CarrierRegistry::default())?;
/// assert_eq!(route.tonne_km.get(), 700.0);
/// assert_eq!(route.empty_distance, Distance(100_000));
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
///
/// # Reference
/// ISO 14083:2023, quantification for transport operation categories (energy use
/// per leg times WTT and TTW factors).
pub fn route_emissions(
    legs: &[Leg],
    model: &ConsumptionModel,
    carriers: &CarrierRegistry,
) -> Result<RouteEmissions, CostError> {
    if legs.is_empty() {
        return Err(CostError::invalid("route", "no legs"));
    }
    model.validate()?;
    let factors = carriers.get(model.carrier())?;
    if matches!(model, ConsumptionModel::Cmem(_)) && factors.unit != EnergyUnit::Litre {
        return Err(CostError::invalid(
            format!("carrier {} unit", factors.name),
            format!("CMEM gives litres of fuel but the carrier is counted in {}", factors.unit),
        ));
    }
    let energies = legs
        .iter()
        .enumerate()
        .map(|(i, leg)| model.checked_leg_energy(leg, &format!("leg {i}")))
        .collect::<Result<Vec<_>, _>>()?;
    RouteEmissions::assemble(factors, Some(model.payload()), legs, &energies, "route")
}

/// How measured energy is split over the legs it was used on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum SplitBy {
    /// In proportion to each leg's tonne-km: empty legs get no energy, their share falls on the
    /// loaded legs (the total is unchanged). Needs at least one loaded leg.
    TonneKm,
    /// In proportion to each leg's distance. Needs a positive total distance.
    Distance,
}

/// Energy measured over a route or a period (fuel cards, tank logs, charge-point meters): the
/// fuel-based method of ISO 14083.
///
/// # Units
/// `quantity` in the carrier's unit (litres, kg or kWh).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MeasuredFuel {
    /// The carrier used.
    pub carrier: EnergyCarrier,
    /// Energy used over all the legs given with it.
    pub quantity: f64,
    /// How it is split over the legs.
    pub split: SplitBy,
    /// The vehicle's payload, if known: loads above it are refused.
    pub payload: Option<Kilograms>,
}

/// Emissions of one or more routes driven on a measured amount of energy (the fuel-based
/// method): the total is split over every leg of every route, then multiplied by the factors.
///
/// # Arguments
/// - `routes`: the routes the measurement covers (a single route, or every route of a period);
///   legs are named `route r leg i` in errors;
/// - `fuel`: the measured quantity, its carrier and how to split it;
/// - `carriers`: the emission factors.
///
/// # Returns
/// One [`RouteEmissions`] per route. The leg energies sum to `fuel.quantity` exactly up to a
/// rounding residual of a few ulps, added to the largest share.
///
/// # Errors
/// [`CostError::InvalidInput`] when no route or an empty route is given, the quantity is
/// negative or not finite, a leg is invalid, or there is nothing to split by (no tonne-km or
/// no distance); [`CostError::Unknown`] for a carrier without factors.
///
/// # Complexity
/// O(legs) time and space.
///
/// # Reference
/// ISO 14083:2023, the fuel-based (energy-based) method; GLEC Framework
/// v3.0, calculating emissions from fuel use.
pub fn measured_emissions(
    routes: &[&[Leg]],
    fuel: &MeasuredFuel,
    carriers: &CarrierRegistry,
) -> Result<Vec<RouteEmissions>, CostError> {
    if routes.is_empty() {
        return Err(CostError::invalid("measured fuel routes", "no routes"));
    }
    non_negative("measured fuel quantity", fuel.quantity, "")?;
    if let Some(payload) = fuel.payload {
        non_negative("measured fuel payload", payload.0, "kg")?;
    }
    let factors = carriers.get(&fuel.carrier)?;
    let mut weights = Vec::new();
    for (r, legs) in routes.iter().enumerate() {
        if legs.is_empty() {
            return Err(CostError::invalid(format!("route {r}"), "no legs"));
        }
        for (i, leg) in legs.iter().enumerate() {
            leg.validate(&format!("route {r} leg {i}"), fuel.payload)?;
            weights.push(match fuel.split {
                SplitBy::TonneKm => TonneKm::of(leg.load, leg.distance).0,
                SplitBy::Distance => leg.distance.0 as f64,
            });
        }
    }
    if weights.iter().sum::<f64>() <= 0.0 {
        let what = match fuel.split {
            SplitBy::TonneKm => "no tonne-km to split by: every leg is empty or of zero length",
            SplitBy::Distance => "no distance to split by: every leg is of zero length",
        };
        return Err(CostError::invalid("measured fuel split", what));
    }
    let energies = split_exact(fuel.quantity, &weights);
    let mut start = 0;
    let mut out = Vec::with_capacity(routes.len());
    for (r, legs) in routes.iter().enumerate() {
        let end = start + legs.len();
        out.push(RouteEmissions::assemble(factors, fuel.payload, legs, &energies[start..end], &format!("route {r}"))?);
        start = end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emissions::VehicleClass;

    fn diesel_route(legs: &[Leg]) -> Result<RouteEmissions, CostError> {
        let model = ConsumptionModel::Linear(VehicleClass::RigidMedium.linear_model());
        route_emissions(legs, &model, &CarrierRegistry::default())
    }

    #[test]
    fn empty_route_is_refused() {
        assert!(matches!(diesel_route(&[]), Err(CostError::InvalidInput { ref item, .. }) if item == "route"));
    }

    #[test]
    fn overload_names_the_leg() {
        let legs = [Leg::new(Distance(1000), Kilograms(10.0)), Leg::new(Distance(1000), Kilograms(7000.5))];
        let err = diesel_route(&legs);
        assert!(matches!(err, Err(CostError::InvalidInput { ref item, .. }) if item == "leg 1 load"), "{err:?}");
    }

    #[test]
    fn measured_split_by_tonne_km_gives_empty_legs_nothing() {
        let legs = [Leg::new(Distance(100_000), Kilograms(1000.0)), Leg::new(Distance(50_000), Kilograms(0.0))];
        let fuel =
            MeasuredFuel { carrier: EnergyCarrier::Diesel, quantity: 30.0, split: SplitBy::TonneKm, payload: None };
        let routes = measured_emissions(&[&legs], &fuel, &CarrierRegistry::default()).unwrap();
        assert_eq!(routes[0].legs[1].energy, 0.0);
        assert_eq!(routes[0].energy, 30.0);
        assert_eq!(routes[0].empty_distance, Distance(50_000));
    }

    #[test]
    fn measured_split_with_only_empty_legs_is_refused() {
        let legs = [Leg::new(Distance(100_000), Kilograms(0.0))];
        let fuel =
            MeasuredFuel { carrier: EnergyCarrier::Diesel, quantity: 30.0, split: SplitBy::TonneKm, payload: None };
        let err = measured_emissions(&[&legs], &fuel, &CarrierRegistry::default());
        assert!(matches!(err, Err(CostError::InvalidInput { ref item, .. }) if item == "measured fuel split"));
    }
}
