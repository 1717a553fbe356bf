//! Emissions of road transport under ISO 14083:2023 and the GLEC Framework v3.
//!
//! Key points:
//! - **Energy carriers are data**: [`CarrierFactors`] hold well-to-tank and tank-to-wheel
//!   factors (kg CO2e per litre, kg or kWh) with their source and year; [`CarrierRegistry`]
//!   looks them up by [`EnergyCarrier`]. The defaults are the DESNZ (UK government) 2025
//!   conversion factors, tank-to-wheel and well-to-tank from the same year, each cited on its
//!   constructor; replace any of them.
//! - **Energy per leg** comes from a [`ConsumptionModel`] (linear in the load between empty and
//!   full, with [`VehicleClass`] defaults, or [`CmemParams`], the Comprehensive Modal Emissions
//!   Model of the Pollution-Routing Problem), or from fuel measured over a route or a period
//!   ([`MeasuredFuel`], split over legs by tonne-km or distance).
//! - **Emissions per leg** follow the load actually on board: [`route_emissions`] gives each
//!   leg's energy, TTW, WTT, WTW and tonne-km, empty running included; [`legs_from_timetable`]
//!   builds the legs from a routing timetable and its travel matrix.
//! - **Transport operation categories**: [`toc_intensity`] is total WTW over total tonne-km of
//!   the legs it groups; empty legs add emissions but no tonne-km.
//! - **Allocation to shipments**: [`allocate`] splits a total in proportion to mass × shortest
//!   feasible distance; shares sum to the total. Hubs ([`HubOperation`]) emit per tonne handled
//!   and are allocated by mass ([`allocate_hub`]).
//! - **Reports** are shaped like iLEAP: [`ShipmentFootprint`], [`Tce`], [`Toc`], [`Hoc`].
//!
//! Every function validates its input and returns a [`CostError`] naming the
//! offending item (`leg 3 load`, `carrier HVO wtt factor`, `shipment S17 mass`) instead of
//! panicking; results are deterministic.
//!
//! # Units
//! Emissions in kilograms of CO2e ([`Co2e`]); distances in metres
//! ([`Distance`](milkrun_model::Distance)) on input and kilometres in intensities and reports;
//! masses in kilograms ([`Kilograms`](milkrun_model::Kilograms)); transport activity in
//! tonne-kilometres ([`TonneKm`]); energy in the carrier's [`EnergyUnit`].
//!
//! # Example
//! ```
//! use milkrun_cost::emissions::{
//!     allocate, route_emissions, toc_intensity, CarrierRegistry, ConsumptionModel, Leg, Shipment,
//!     ShipmentFootprint, Tce, VehicleClass,
//! };
//! use milkrun_model::{Distance, Kilograms};
//!
//! // A 7.5-17 t rigid collects 3 t at A, 4 t at B, and drives back empty.
//! let model = ConsumptionModel::Linear(VehicleClass::RigidMedium.linear_model());
//! let legs = [
//!     Leg::new(Distance(20_000), Kilograms(0.0)),    // depot -> A, empty
//!     Leg::new(Distance(30_000), Kilograms(3000.0)), // A -> B
//!     Leg::new(Distance(40_000), Kilograms(7000.0)), // B -> plant
//! ];
//! let carriers = CarrierRegistry::default();
//! let route = route_emissions(&legs, &model, &carriers)?;
//! let toc = toc_intensity(std::slice::from_ref(&route))?;
//! assert!(toc.wtw_per_tkm.get() > 0.0);
//!
//! // Allocate the route's emissions to the two shipments by mass x shortest feasible distance.
//! let shipments = [
//!     Shipment::new("A", Kilograms(3000.0), Distance(65_000)),
//!     Shipment::new("B", Kilograms(4000.0), Distance(40_000)),
//! ];
//! let shares = allocate(route.emissions, &shipments)?;
//! let total: f64 = shares.iter().map(|s| s.emissions.wtw.kg()).sum();
//! assert!((total - route.emissions.wtw.kg()).abs() <= 1e-9 * route.emissions.wtw.kg());
//!
//! let footprint = ShipmentFootprint::new("A", Kilograms(3000.0), vec![Tce::transport("A-1", "rigid-milkrun", &shares[0])])?;
//! assert_eq!(footprint.emissions().wtw, shares[0].emissions.wtw);
//! # Ok::<(), milkrun_cost::CostError>(())
//! ```
//!
//! # Reference
//! - ISO 14083:2023, *Greenhouse gases — Quantification and reporting of greenhouse gas
//!   emissions arising from transport chain operations*.
//! - Smart Freight Centre (2023), *Global Logistics Emissions Council Framework for Logistics
//!   Emissions Accounting and Reporting*, version 3.0.
//! - DESNZ, *UK Government GHG Conversion Factors for Company Reporting* (2025).
//! - SINE Foundation & Smart Freight Centre, *iLEAP Technical Specifications* (data model:
//!   ShipmentFootprint, TCE, TOC, HOC).

mod allocation;
mod carrier;
mod cmem;
mod consumption;
mod hub;
mod report;
mod route;
mod toc;
mod units;

pub use self::allocation::{allocate, Shipment, ShipmentEmissions};
pub use self::carrier::{CarrierFactors, CarrierRegistry, Emissions, MINERAL_DIESEL};
pub use self::cmem::CmemParams;
pub use self::consumption::{ConsumptionModel, LinearConsumption, VehicleClass, VehicleClassDefaults};
pub use self::hub::{
    allocate_hub, HubEnergyUse, HubIntensity, HubMethod, HubOperation, HubShipment, HubShipmentEmissions, HubType,
};
pub use self::report::{
    ileap_carrier_name, GlecDistance, Hoc, HubActivityUnit, ReportEnergyCarrier, ShipmentFootprint, Tce, Toc,
    TransportActivityUnit, TransportMode,
};
pub use self::route::{
    legs_from_timetable, measured_emissions, route_emissions, Leg, LegEmissions, MeasuredFuel, RouteEmissions, SplitBy,
};
pub use self::toc::{toc_intensity, CarrierUse, TocIntensity};
pub use self::units::{Co2e, Co2ePerTonne, Co2ePerTonneKm, EnergyUnit, MetresPerSecond, TonneKm};

use milkrun_model::EnergyCarrier;

use crate::CostError;

/// Checks that `value` is finite and non-negative; `item` names it, `unit` follows the value in
/// the message.
fn non_negative(item: &str, value: f64, unit: &str) -> Result<f64, CostError> {
    let shown = if unit.is_empty() { format!("{value}") } else { format!("{value} {unit}") };
    if value.is_nan() {
        Err(CostError::invalid(item, "is NaN"))
    } else if value.is_infinite() {
        Err(CostError::invalid(item, format!("is infinite: {shown}")))
    } else if value < 0.0 {
        Err(CostError::invalid(item, format!("negative: {shown}")))
    } else {
        Ok(value)
    }
}

/// How a carrier is named in errors.
fn carrier_label(carrier: &EnergyCarrier) -> String {
    match carrier {
        EnergyCarrier::Diesel => "diesel".into(),
        EnergyCarrier::Hvo => "HVO".into(),
        EnergyCarrier::Petrol => "petrol".into(),
        EnergyCarrier::Cng => "CNG".into(),
        EnergyCarrier::Lng => "LNG".into(),
        EnergyCarrier::Electricity => "electricity".into(),
        EnergyCarrier::Other(name) => name.clone(),
    }
}

/// Splits `total` in proportion to `weights` (non-negative, positive sum) so that the parts sum
/// to `total`: each part is `total × w / Σw`, and the rounding residual (a few ulps) is added to
/// the largest part.
fn split_exact(total: f64, weights: &[f64]) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    let mut parts: Vec<f64> = weights.iter().map(|w| total * (w / sum)).collect();
    let residual = total - parts.iter().sum::<f64>();
    let largest = parts.iter().enumerate().fold(None, |best: Option<(usize, f64)>, (i, &p)| match best {
        Some((_, b)) if b >= p => best,
        _ => Some((i, p)),
    });
    if let Some((i, _)) = largest {
        parts[i] += residual;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_exact_sums_to_total() {
        let weights = [1.0, 3.0, 7.0, 0.0, 11.0, 13.0];
        let parts = split_exact(0.1 + 0.2, &weights);
        assert_eq!(parts.iter().sum::<f64>(), 0.1 + 0.2);
        assert_eq!(parts[3], 0.0);
    }

    #[test]
    fn non_negative_names_the_item() {
        assert_eq!(non_negative("leg 2 load", f64::NAN, "kg"), Err(CostError::invalid("leg 2 load", "is NaN")));
        assert_eq!(non_negative("leg 2 load", -1.0, "kg"), Err(CostError::invalid("leg 2 load", "negative: -1 kg")));
    }
}
