//! The direct-shipping baseline: what the suppliers of a milk run would cost and emit shipping
//! alone (each with its own round trip, or through a carrier's less-than-truckload rate card),
//! and the savings of the milk run against it, per supplier and in total.
//!
//! # Units
//! Money in minor units ([`Money`]), distances in metres ([`Distance`]), masses in kilograms,
//! emissions in kg CO2e ([`Co2e`]).

use milkrun_model::{Distance, Duration, Kilograms, Money};

use crate::emissions::{route_emissions, CarrierRegistry, Co2e, Co2ePerTonneKm, ConsumptionModel, Emissions, Leg};
use crate::emissions::{MetresPerSecond, TonneKm};
use crate::error::CostError;
use crate::tariff::{add_money, money, route_cost, sub_money, RouteUsage, Tariff};

/// What one supplier ships over the period compared (a week, say).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DirectSupplier {
    /// The caller's id of the supplier.
    pub supplier: u32,
    /// One-way road distance from the supplier to the plant.
    pub distance: Distance,
    /// Mass of one shipment.
    pub mass: Kilograms,
    /// Shipments in the period (as many as the milk run's pickups, for a fair comparison).
    pub shipments: u32,
}

/// A zone of a rate card: shipments going up to `up_to` pay `per_kg`, at least `minimum`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RateZone {
    /// The zone's largest distance.
    pub up_to: Distance,
    /// Price per kilogram, in minor units.
    pub per_kg: f64,
    /// Minimum charge per shipment.
    pub minimum: Money,
}

/// A carrier's less-than-truckload rate card, with the emission intensity the carrier reports
/// for the service (its transport operation category).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RateCard {
    /// Zones by increasing distance; a shipment beyond the last zone is refused.
    pub zones: Vec<RateZone>,
    /// Fuel surcharge as a fraction of the freight charge (0.12 for 12 %).
    pub fuel_surcharge: f64,
    /// Well-to-wheel intensity of the service per tonne-km (from the carrier's ISO 14083
    /// report, or a GLEC default for the road LTL category).
    pub intensity: Co2ePerTonneKm,
    /// Share of the intensity that is tank-to-wheel (the rest is well-to-tank), in [0, 1].
    pub ttw_share: f64,
}

/// How the suppliers would ship without the milk run.
#[derive(Debug, Clone, Copy)]
pub enum DirectMode<'a> {
    /// Each shipment is its own trip: loaded from the supplier to the plant, empty back.
    OwnTruck {
        /// Charges of the vehicle.
        tariff: &'a Tariff,
        /// Its consumption model (payload, energy carrier).
        model: &'a ConsumptionModel,
        /// Emission factors.
        carriers: &'a CarrierRegistry,
        /// Average speed, for the trip's duration.
        speed: MetresPerSecond,
        /// Loading at the supplier plus unloading at the plant.
        handling: Duration,
        /// A working day: a trip pays the vehicle's daily fixed charge in proportion to its
        /// duration over this (in full for a trip as long as the day or longer).
        working_day: Duration,
    },
    /// Each shipment goes through a carrier's rate card.
    Carrier(&'a RateCard),
}

/// One supplier shipping alone over the period.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DirectShipping {
    /// The supplier.
    pub supplier: u32,
    /// Cost over the period.
    pub cost: Money,
    /// Vehicle distance over the period (zero for a carrier's network, whose vehicle
    /// kilometres are the carrier's).
    pub distance: Distance,
    /// Freight moved, mass × one-way distance.
    pub tonne_km: TonneKm,
    /// Emissions over the period.
    pub emissions: Emissions,
}

/// The direct-shipping baseline of each supplier.
///
/// # Arguments
/// * `suppliers`: what each ships over the period.
/// * `mode`: own round trips, or a carrier's rate card.
///
/// # Returns
/// Cost, distance, tonne-km and emissions per supplier. Own trips: the tariff's charges for the
/// round trip (one stop, at the supplier) plus the daily fixed charge prorated by duration;
/// emissions of the loaded leg and the empty return from the consumption model (ISO 14083
/// counts the empty return). Carrier: zone price per kg (at least the zone minimum) plus the
/// fuel surcharge, and the card's intensity times tonne-km.
///
/// # Complexity
/// O(suppliers × zones).
///
/// # Errors
/// [`CostError::InvalidInput`] naming the supplier for a negative distance or mass, a mass
/// above the vehicle's payload, a distance beyond the rate card's last zone, a trip too long
/// to count in seconds at the given speed, or an invalid tariff (a negative fixed charge
/// included), speed or card.
///
/// # Example
/// ```
/// use milkrun_cost::baseline::{direct_baseline, DirectMode, DirectSupplier, RateCard, RateZone};
/// use milkrun_cost::emissions::Co2ePerTonneKm;
/// use milkrun_model::{Distance, Kilograms, Money};
///
/// let card = RateCard {
///     zones: vec![RateZone { up_to: Distance(100_000), per_kg: 12.0, minimum: Money(6_000) }],
///     fuel_surcharge: 0.10,
///     intensity: Co2ePerTonneKm(0.12),
///     ttw_share: 0.8,
/// };
/// let supplier = DirectSupplier { supplier: 7, distance: Distance(80_000), mass: Kilograms(800.0), shipments: 5 };
/// let base = direct_baseline(&[supplier], &DirectMode::Carrier(&card))?;
/// // 800 kg x 12 = 9600 (above the 6000 minimum), + 10 % = 10560 per shipment, x 5.
/// assert_eq!(base[0].cost, Money(52_800));
/// // 0.8 t x 80 km x 5 = 320 tkm x 0.12 = 38.4 kg CO2e.
/// assert!((base[0].emissions.wtw.kg() - 38.4).abs() < 1e-9);
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
pub fn direct_baseline(suppliers: &[DirectSupplier], mode: &DirectMode<'_>) -> Result<Vec<DirectShipping>, CostError> {
    suppliers
        .iter()
        .map(|s| {
            let name = |field: &str| format!("supplier {} {field}", s.supplier);
            if s.distance.0 < 0 {
                return Err(CostError::invalid(name("distance"), format!("is negative ({} m)", s.distance.0)));
            }
            if !s.mass.0.is_finite() || s.mass.0 < 0.0 {
                return Err(CostError::invalid(
                    name("mass"),
                    format!("must be finite and non-negative, got {}", s.mass.0),
                ));
            }
            let n = f64::from(s.shipments);
            let tonne_km = TonneKm::of(s.mass, s.distance) * n;
            match *mode {
                DirectMode::OwnTruck { tariff, model, carriers, speed, handling, working_day } => {
                    if !(speed.0.is_finite() && speed.0 > 0.0) {
                        return Err(CostError::invalid("speed", format!("must be positive, got {}", speed.0)));
                    }
                    if working_day.0 <= 0 || handling.0 < 0 {
                        return Err(CostError::invalid("working_day/handling", "must be positive / non-negative"));
                    }
                    if s.mass.0 > model.payload().0 {
                        return Err(CostError::invalid(
                            name("mass"),
                            format!("{} kg is above the vehicle's payload of {} kg", s.mass.0, model.payload().0),
                        ));
                    }
                    let round_trip = Distance(s.distance.0.saturating_mul(2));
                    let seconds = (round_trip.0 as f64 / speed.0).round();
                    let duration = (seconds < 9.0e18)
                        .then(|| (seconds as i64).checked_add(handling.0))
                        .flatten()
                        .ok_or_else(|| {
                            CostError::invalid(
                                name("trip duration"),
                                format!(
                                    "{} m round trip at {} m/s plus {} s handling does not fit in seconds",
                                    round_trip.0, speed.0, handling.0
                                ),
                            )
                        })?;
                    let usage = RouteUsage {
                        distance: round_trip,
                        duration: Duration(duration),
                        waiting: Duration(0),
                        stops: 1,
                    };
                    let trip = route_cost(tariff, &usage).map_err(|e| rename(e, &name("trip")))?;
                    let day_share = (usage.duration.0 as f64 / working_day.0 as f64).min(1.0);
                    let fixed = tariff.fixed_per_day.0 as f64 * day_share;
                    let per_trip = trip.total.0 as f64 + fixed;
                    let legs = [Leg::new(s.distance, s.mass), Leg::new(s.distance, Kilograms(0.0))];
                    let trip_emissions =
                        route_emissions(&legs, model, carriers).map_err(|e| rename(e, &name("trip")))?.emissions;
                    Ok(DirectShipping {
                        supplier: s.supplier,
                        cost: money(&name("cost"), per_trip * n)?,
                        distance: Distance(round_trip.0.saturating_mul(i64::from(s.shipments))),
                        tonne_km,
                        emissions: scale(trip_emissions, n),
                    })
                }
                DirectMode::Carrier(card) => {
                    check_card(card)?;
                    let zone = card.zones.iter().find(|z| s.distance <= z.up_to).ok_or_else(|| {
                        CostError::invalid(
                            name("distance"),
                            format!("{} m is beyond the rate card's last zone", s.distance.0),
                        )
                    })?;
                    let freight = (s.mass.0 * zone.per_kg).max(zone.minimum.0 as f64);
                    let per_shipment = money(&name("cost"), freight * (1.0 + card.fuel_surcharge))?;
                    let wtw = card.intensity.0 * tonne_km.0;
                    Ok(DirectShipping {
                        supplier: s.supplier,
                        cost: Money(per_shipment.0.saturating_mul(i64::from(s.shipments))),
                        distance: Distance(0),
                        tonne_km,
                        emissions: Emissions::new(Co2e(wtw * card.ttw_share), Co2e(wtw * (1.0 - card.ttw_share))),
                    })
                }
            }
        })
        .collect()
}

/// A supplier's share of the milk run, as the caller allocated it (cost by a sharing rule,
/// emissions by [`crate::emissions::allocate`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MilkRunShare {
    /// The supplier.
    pub supplier: u32,
    /// Its share of the milk run's cost.
    pub cost: Money,
    /// Its share of the milk run's emissions.
    pub emissions: Emissions,
}

/// One supplier, alone and in the milk run.
///
/// The milk run's vehicle distance is shared by its suppliers and not split among them: the
/// distance saving is [`Comparison::distance_saving`], in total.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SupplierSavings {
    /// The supplier.
    pub supplier: u32,
    /// Vehicle distance shipping alone over the period (zero through a carrier's network, as
    /// in [`DirectShipping::distance`]).
    pub direct_distance: Distance,
    /// Shipping alone.
    pub direct_cost: Money,
    /// Its share of the milk run.
    pub milk_run_cost: Money,
    /// `direct_cost − milk_run_cost` (negative: the milk run costs this supplier more).
    pub cost_saving: Money,
    /// Shipping alone, well-to-wheel.
    pub direct_co2e: Co2e,
    /// Its share of the milk run, well-to-wheel.
    pub milk_run_co2e: Co2e,
    /// `direct_co2e − milk_run_co2e`.
    pub co2e_saving: Co2e,
}

/// The milk run against the direct-shipping baseline.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Comparison {
    /// Per supplier, in the order of the baseline.
    pub suppliers: Vec<SupplierSavings>,
    /// Totals of the baseline.
    pub direct_cost: Money,
    /// Total cost of the milk run (sum of the shares).
    pub milk_run_cost: Money,
    /// Baseline vehicle distance.
    pub direct_distance: Distance,
    /// Milk-run vehicle distance.
    pub milk_run_distance: Distance,
    /// Baseline emissions.
    pub direct_emissions: Emissions,
    /// Milk-run emissions (sum of the shares).
    pub milk_run_emissions: Emissions,
}

impl Comparison {
    /// Total cost saving, `direct_cost − milk_run_cost` (saturating at the bounds of [`Money`],
    /// which [`compare`] never reaches).
    #[must_use]
    pub fn cost_saving(&self) -> Money {
        Money(self.direct_cost.0.saturating_sub(self.milk_run_cost.0))
    }
    /// Total vehicle distance saved, `direct_distance − milk_run_distance` (negative: the milk
    /// run drives more; saturating at the bounds of [`Distance`], which [`compare`] never
    /// reaches).
    #[must_use]
    pub fn distance_saving(&self) -> Distance {
        Distance(self.direct_distance.0.saturating_sub(self.milk_run_distance.0))
    }
    /// Total well-to-wheel saving.
    #[must_use]
    pub fn co2e_saving(&self) -> Co2e {
        self.direct_emissions.wtw - self.milk_run_emissions.wtw
    }
}

/// Compares each supplier's baseline with its share of the milk run.
///
/// # Arguments
/// * `baseline`: from [`direct_baseline`].
/// * `shares`: each supplier's share of the milk run's cost and emissions (every supplier of
///   the baseline exactly once).
/// * `milk_run_distance`: the vehicle distance of the milk run.
///
/// # Errors
/// [`CostError::InvalidInput`] when a supplier of the baseline has no share, a share names
/// a supplier not in the baseline or twice, a baseline's or the milk run's distance is
/// negative, or a saving
/// or total does not fit in [`Money`] or [`Distance`] (naming the supplier or the total).
///
/// # Complexity
/// O(n log n).
pub fn compare(
    baseline: &[DirectShipping],
    shares: &[MilkRunShare],
    milk_run_distance: Distance,
) -> Result<Comparison, CostError> {
    let mut sorted: Vec<&MilkRunShare> = shares.iter().collect();
    sorted.sort_by_key(|s| s.supplier);
    if let Some(w) = sorted.windows(2).find(|w| w[0].supplier == w[1].supplier) {
        return Err(CostError::invalid(format!("supplier {}", w[0].supplier), "has two milk-run shares"));
    }
    if let Some(s) = shares.iter().find(|s| !baseline.iter().any(|b| b.supplier == s.supplier)) {
        return Err(CostError::invalid(format!("supplier {}", s.supplier), "has a milk-run share but no baseline"));
    }
    if milk_run_distance.0 < 0 {
        return Err(CostError::invalid("milk run distance", format!("is negative ({} m)", milk_run_distance.0)));
    }
    let mut out = Comparison {
        suppliers: Vec::with_capacity(baseline.len()),
        direct_cost: Money(0),
        milk_run_cost: Money(0),
        direct_distance: Distance(0),
        milk_run_distance,
        direct_emissions: Emissions::ZERO,
        milk_run_emissions: Emissions::ZERO,
    };
    for b in baseline {
        let k = sorted
            .binary_search_by_key(&b.supplier, |s| s.supplier)
            .map_err(|_| CostError::invalid(format!("supplier {}", b.supplier), "has no milk-run share"))?;
        let share = sorted[k];
        let supplier = format!("supplier {}", b.supplier);
        if b.distance.0 < 0 {
            return Err(CostError::invalid(
                format!("{supplier} distance"),
                format!("is negative ({} m)", b.distance.0),
            ));
        }
        out.suppliers.push(SupplierSavings {
            supplier: b.supplier,
            direct_distance: b.distance,
            direct_cost: b.cost,
            milk_run_cost: share.cost,
            cost_saving: sub_money(&format!("{supplier} cost saving"), b.cost, share.cost)?,
            direct_co2e: b.emissions.wtw,
            milk_run_co2e: share.emissions.wtw,
            co2e_saving: b.emissions.wtw - share.emissions.wtw,
        });
        out.direct_cost = add_money("direct cost total", out.direct_cost, b.cost)?;
        out.milk_run_cost = add_money("milk run cost total", out.milk_run_cost, share.cost)?;
        out.direct_distance = out.direct_distance.0.checked_add(b.distance.0).map(Distance).ok_or_else(|| {
            CostError::invalid("direct distance total", format!("overflows at {supplier}: {} m", b.distance.0))
        })?;
        out.direct_emissions += b.emissions;
        out.milk_run_emissions += share.emissions;
    }
    sub_money("cost saving", out.direct_cost, out.milk_run_cost)?;
    Ok(out)
}

fn scale(e: Emissions, n: f64) -> Emissions {
    Emissions::new(e.ttw * n, e.wtt * n)
}

fn rename(e: CostError, item: &str) -> CostError {
    match e {
        CostError::InvalidInput { item: inner, reason } => {
            CostError::InvalidInput { item: format!("{item}: {inner}"), reason }
        }
        other => other,
    }
}

pub(crate) fn check_card(card: &RateCard) -> Result<(), CostError> {
    if card.zones.is_empty() {
        return Err(CostError::invalid("rate card", "has no zone"));
    }
    for (k, z) in card.zones.iter().enumerate() {
        if !(z.per_kg.is_finite() && z.per_kg >= 0.0) || z.minimum.0 < 0 {
            return Err(CostError::invalid(
                format!("rate card zone {k}"),
                "needs a finite non-negative price and minimum",
            ));
        }
        if k > 0 && z.up_to <= card.zones[k - 1].up_to {
            return Err(CostError::invalid(format!("rate card zone {k}"), "zones must go by increasing distance"));
        }
    }
    if !(card.fuel_surcharge.is_finite() && card.fuel_surcharge >= 0.0) {
        return Err(CostError::invalid(
            "rate card fuel_surcharge",
            format!("must be non-negative, got {}", card.fuel_surcharge),
        ));
    }
    if !(card.intensity.0.is_finite() && card.intensity.0 >= 0.0) {
        return Err(CostError::invalid(
            "rate card intensity",
            format!("must be non-negative, got {}", card.intensity.0),
        ));
    }
    if !(0.0..=1.0).contains(&card.ttw_share) {
        return Err(CostError::invalid("rate card ttw_share", format!("must be in [0, 1], got {}", card.ttw_share)));
    }
    Ok(())
}
