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
    /// Driver breaks every route of this type must take (see [`BreakRule`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub breaks: Vec<BreakRule>,
}

/// When a driver break is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum BreakWhen {
    /// Once, starting inside the window (a lunch break). Due on every route out at some time
    /// inside the window: one that returns to its end site (an open route: leaves its last
    /// stop) at or before the opening, or leaves its start after the window closes, needs
    /// none.
    Window(TimeWindow),
    /// Before the driving time since the route's start, or since the last break at least as
    /// long as this one, exceeds the limit (a driving-time rule such as 45 minutes after at
    /// most 4 h 30 min at the wheel). Only travel counts as driving; waiting and service do not.
    AfterDriving(Duration),
}

/// A driver break of a vehicle type.
///
/// A route takes a break as a [`Visit::Break`](crate::Visit::Break) between two visits: the
/// vehicle stays where its previous stop was (at the start site before the first), starts the
/// break at the window's opening if it is early, rests for `duration`, then drives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BreakRule {
    /// How long the break lasts.
    pub duration: Duration,
    /// When it is due.
    pub when: BreakWhen,
}

impl BreakRule {
    /// A break of `duration` starting inside `window`.
    #[must_use]
    pub fn in_window(duration: Duration, window: TimeWindow) -> Self {
        Self { duration, when: BreakWhen::Window(window) }
    }

    /// A break of `duration` before more than `max_driving` at the wheel.
    #[must_use]
    pub fn after_driving(duration: Duration, max_driving: Duration) -> Self {
        Self { duration, when: BreakWhen::AfterDriving(max_driving) }
    }
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
            breaks: Vec::new(),
        }
    }
}
