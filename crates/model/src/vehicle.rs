//! Vehicle types: capacity, sites, shift, limits, costs, energy and skills.

use crate::ids::{SiteId, SkillId};
use crate::units::{Distance, Duration, Load, Money, TimeWindow};

/// The energy a vehicle runs on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum EnergyCarrier {
    /// Diesel (the blend at the pump unless a factor set says otherwise); litres.
    Diesel,
    /// Hydrotreated vegetable oil; litres.
    Hvo,
    /// Petrol; litres.
    Petrol,
    /// Compressed natural gas; kilograms.
    Cng,
    /// Liquefied natural gas; kilograms.
    Lng,
    /// Grid electricity; kilowatt-hours.
    Electricity,
    /// Any other carrier, by name; the cost crate needs its factors.
    Other(String),
}

/// How much energy a vehicle uses.
///
/// # Units
/// Consumption in the carrier's unit (L, kg or kWh) per 100 km.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EnergyProfile {
    /// The energy carrier.
    pub carrier: EnergyCarrier,
    /// Consumption per 100 km when empty.
    pub empty_per_100km: f64,
    /// Consumption per 100 km when loaded to capacity (first dimension taken as payload mass).
    pub full_per_100km: f64,
    /// Empty (kerb) mass of the vehicle in kg, for models that need the total mass.
    pub kerb_mass_kg: f64,
}

/// A kind of vehicle of which the fleet holds `count`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VehicleType {
    /// Name, for reports and errors.
    pub name: String,
    /// How many vehicles of this type are available.
    pub count: u32,
    /// Capacity per load dimension.
    pub capacity: Load,
    /// Where the vehicles start.
    pub start: SiteId,
    /// Where they end; `None` for open routes that end at the last stop.
    pub end: Option<SiteId>,
    /// Earliest departure and latest return.
    #[cfg_attr(feature = "serde", serde(default = "always"))]
    pub shift: TimeWindow,
    /// Longest route duration (departure to return), if limited.
    #[cfg_attr(feature = "serde", serde(default))]
    pub max_duration: Option<Duration>,
    /// Longest route distance, if limited.
    #[cfg_attr(feature = "serde", serde(default))]
    pub max_distance: Option<Distance>,
    /// Cost of using one vehicle of this type (per day).
    #[cfg_attr(feature = "serde", serde(default))]
    pub fixed_cost: Money,
    /// Cost per unit of distance, in money minor units per distance unit.
    #[cfg_attr(feature = "serde", serde(default))]
    pub unit_distance_cost: i64,
    /// Cost per unit of duration, in money minor units per duration unit.
    #[cfg_attr(feature = "serde", serde(default))]
    pub unit_duration_cost: i64,
    /// Energy use, for emissions.
    #[cfg_attr(feature = "serde", serde(default))]
    pub energy: Option<EnergyProfile>,
    /// Skills the vehicle (and its driver) has.
    #[cfg_attr(feature = "serde", serde(default))]
    pub skills: Vec<SkillId>,
    /// Sites where the vehicle may unload and reload between trips (multi-trip); empty means a
    /// single trip per route.
    #[cfg_attr(feature = "serde", serde(default))]
    pub reload_sites: Vec<SiteId>,
    /// Most reloads per route, if limited.
    #[cfg_attr(feature = "serde", serde(default))]
    pub max_reloads: Option<u32>,
    /// Time spent at a reload site.
    #[cfg_attr(feature = "serde", serde(default))]
    pub reload_time: Duration,
}

#[cfg(feature = "serde")]
fn always() -> TimeWindow {
    TimeWindow::ALWAYS
}

impl VehicleType {
    /// `count` vehicles with the given capacity, starting and ending at `depot`, with a cost of
    /// one per distance unit and nothing else.
    #[must_use]
    pub fn new(name: impl Into<String>, count: u32, capacity: Load, depot: SiteId) -> Self {
        Self {
            name: name.into(),
            count,
            capacity,
            start: depot,
            end: Some(depot),
            shift: TimeWindow::ALWAYS,
            max_duration: None,
            max_distance: None,
            fixed_cost: Money::ZERO,
            unit_distance_cost: 1,
            unit_duration_cost: 0,
            energy: None,
            skills: Vec::new(),
            reload_sites: Vec::new(),
            max_reloads: None,
            reload_time: Duration::ZERO,
        }
    }
}
