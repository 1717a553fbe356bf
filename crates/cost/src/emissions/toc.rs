//! Transport operation categories: emission intensity over the legs of a group of routes.

use milkrun_model::Distance;

use super::carrier::{CarrierFactors, Emissions};
use super::route::RouteEmissions;
use super::units::{km, Co2ePerTonneKm, TonneKm};
use crate::CostError;

/// The use of one energy carrier within a transport operation category or a hub.
///
/// # Units
/// `energy` in the carrier's unit; emissions in kg CO2e.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CarrierUse {
    /// The carrier's factors.
    pub factors: CarrierFactors,
    /// Energy used.
    pub energy: f64,
    /// Emissions of that energy.
    pub emissions: Emissions,
    /// Transport activity hauled with this carrier (zero for hubs).
    pub tonne_km: TonneKm,
}

/// Emission intensity of a transport operation category (TOC): total emissions of its legs over
/// their total transport activity.
///
/// Empty running counts in the numerator only: the emissions of empty legs are part of the
/// category's emissions, and empty legs add no tonne-km. The intensity is thus per tonne-km
/// actually hauled, as ISO 14083 and the GLEC Framework require (empty running is carried by
/// the loaded freight, not reported apart).
///
/// # Units
/// Intensities in kg CO2e per tonne-km; totals in kg CO2e, tonne-km and metres.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TocIntensity {
    /// Total emissions of the category's legs, empty legs included.
    pub emissions: Emissions,
    /// Total transport activity (load on board × distance).
    pub tonne_km: TonneKm,
    /// Total distance driven.
    pub distance: Distance,
    /// Distance driven with no load on board.
    pub empty_distance: Distance,
    /// WTW intensity: `emissions.wtw / tonne_km`.
    pub wtw_per_tkm: Co2ePerTonneKm,
    /// TTW intensity: `emissions.ttw / tonne_km`.
    pub ttw_per_tkm: Co2ePerTonneKm,
    /// WTT intensity: `emissions.wtt / tonne_km`.
    pub wtt_per_tkm: Co2ePerTonneKm,
    /// Empty distance over total distance, in `[0, 1]`.
    pub empty_distance_factor: f64,
    /// Tonne-km over payload-km (payload × distance, empty legs included), when every route
    /// knows its payload.
    pub load_factor: Option<f64>,
    /// The carriers used, in order of first appearance.
    pub carriers: Vec<CarrierUse>,
}

/// The emission intensity of a transport operation category made of `routes` (one or more;
/// all their legs belong to the category).
///
/// # Arguments
/// - `routes`: the routes of the category, as computed by
///   [`route_emissions`](super::route_emissions) or [`measured_emissions`](super::measured_emissions).
///
/// # Returns
/// Totals, WTW/TTW/WTT intensities per tonne-km, the empty distance factor, the load factor when
/// known, and the energy carriers with their emissions and tonne-km.
///
/// # Errors
/// [`CostError::InvalidInput`] when no route is given, or the routes carry no tonne-km (every
/// leg empty): an intensity per tonne-km is then undefined.
///
/// # Complexity
/// O(routes × (legs + carriers)) time, O(carriers) space.
///
/// # Reference
/// ISO 14083:2023, TOC emission intensity (TOC emissions / TOC transport
/// activity); GLEC Framework v3.0, road section (empty running included in the
/// TOC's emissions).
pub fn toc_intensity(routes: &[RouteEmissions]) -> Result<TocIntensity, CostError> {
    if routes.is_empty() {
        return Err(CostError::invalid("toc", "no routes"));
    }
    let mut emissions = Emissions::ZERO;
    let mut tonne_km = TonneKm::ZERO;
    let mut distance = Distance::ZERO;
    let mut empty_distance = Distance::ZERO;
    let mut payload_km = Some(0.0);
    let mut carriers: Vec<CarrierUse> = Vec::new();
    for (r, route) in routes.iter().enumerate() {
        emissions += route.emissions;
        tonne_km += route.tonne_km;
        distance = add(distance, route.distance, r)?;
        empty_distance = add(empty_distance, route.empty_distance, r)?;
        payload_km = match (payload_km, route.payload) {
            (Some(sum), Some(payload)) => Some(sum + payload.0 / 1000.0 * km(route.distance)),
            _ => None,
        };
        match carriers.iter_mut().find(|c| c.factors == route.factors) {
            Some(c) => {
                c.energy += route.energy;
                c.emissions += route.emissions;
                c.tonne_km += route.tonne_km;
            }
            None => carriers.push(CarrierUse {
                factors: route.factors.clone(),
                energy: route.energy,
                emissions: route.emissions,
                tonne_km: route.tonne_km,
            }),
        }
    }
    if tonne_km.0 <= 0.0 {
        return Err(CostError::invalid(
            "toc transport activity",
            "no tonne-km: every leg is empty, the intensity per tonne-km is undefined",
        ));
    }
    let per = |e: super::units::Co2e| Co2ePerTonneKm(e.0 / tonne_km.0);
    Ok(TocIntensity {
        wtw_per_tkm: per(emissions.wtw),
        ttw_per_tkm: per(emissions.ttw),
        wtt_per_tkm: per(emissions.wtt),
        empty_distance_factor: if distance.0 > 0 { empty_distance.0 as f64 / distance.0 as f64 } else { 0.0 },
        load_factor: payload_km.filter(|&p| p > 0.0).map(|p| tonne_km.0 / p),
        emissions,
        tonne_km,
        distance,
        empty_distance,
        carriers,
    })
}

fn add(a: Distance, b: Distance, r: usize) -> Result<Distance, CostError> {
    a.0.checked_add(b.0)
        .map(Distance)
        .ok_or_else(|| CostError::invalid(format!("toc route {r} distance"), "total overflows i64 metres"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emissions::{route_emissions, CarrierRegistry, ConsumptionModel, Leg, VehicleClass};
    use milkrun_model::Kilograms;

    #[test]
    fn all_empty_legs_have_no_intensity() {
        let model = ConsumptionModel::Linear(VehicleClass::Van.linear_model());
        let route =
            route_emissions(&[Leg::new(Distance(1000), Kilograms(0.0))], &model, &CarrierRegistry::default()).unwrap();
        let err = toc_intensity(&[route]);
        assert!(matches!(err, Err(CostError::InvalidInput { ref item, .. }) if item == "toc transport activity"));
        assert!(toc_intensity(&[]).is_err());
    }
}
