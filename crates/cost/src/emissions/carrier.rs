//! Energy carriers as data: well-to-tank and tank-to-wheel emission factors, with their source,
//! and a registry the caller can build or modify.

use milkrun_model::EnergyCarrier;

use super::units::{Co2e, EnergyUnit};
use super::{carrier_label, non_negative};
use crate::CostError;

/// The name under which the default registry files 100 % mineral (unblended) diesel, as an
/// [`EnergyCarrier::Other`]. [`EnergyCarrier::Diesel`] itself is the pump blend.
pub const MINERAL_DIESEL: &str = "Diesel (100% mineral diesel)";

/// Emissions split into the tank-to-wheel and well-to-tank parts of ISO 14083.
///
/// `wtw = ttw + wtt` always holds for values this module produces (up to floating-point
/// rounding where a total is allocated; see [`allocate`](super::allocate)).
///
/// # Units
/// Kilograms of CO2e.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Emissions {
    /// Tank-to-wheel (operational, direct) emissions.
    pub ttw: Co2e,
    /// Well-to-tank (energy provision, upstream) emissions.
    pub wtt: Co2e,
    /// Well-to-wheel emissions, `ttw + wtt`.
    pub wtw: Co2e,
}

impl Emissions {
    /// No emissions.
    pub const ZERO: Self = Self { ttw: Co2e::ZERO, wtt: Co2e::ZERO, wtw: Co2e::ZERO };

    /// Emissions from their tank-to-wheel and well-to-tank parts; `wtw` is their sum.
    #[must_use]
    pub fn new(ttw: Co2e, wtt: Co2e) -> Self {
        Self { ttw, wtt, wtw: ttw + wtt }
    }
}

impl std::ops::Add for Emissions {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        Self { ttw: self.ttw + rhs.ttw, wtt: self.wtt + rhs.wtt, wtw: self.wtw + rhs.wtw }
    }
}

impl std::ops::AddAssign for Emissions {
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl std::iter::Sum for Emissions {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + b)
    }
}

/// The emission factors of one energy carrier.
///
/// Each factor carries its own source and year, so that a tank-to-wheel factor and a
/// well-to-tank factor taken from different publications (or different years of one) stay
/// traceable.
///
/// Deserialising validates the factors as [`CarrierFactors::new`] does: a file cannot bring
/// in a NaN, infinite or negative factor.
///
/// # Units
/// `wtt_per_unit` and `ttw_per_unit` are kilograms of CO2e per `unit` of the carrier (litre,
/// kilogram or kilowatt-hour).
///
/// # Reference
/// ISO 14083:2023, energy carrier emission factors (WTT + TTW = WTW);
/// GLEC Framework v3.0 (Smart Freight Centre, 2023), fuel emission factors.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(try_from = "CarrierFactorsData"))]
pub struct CarrierFactors {
    /// The carrier these factors belong to (the registry key).
    pub carrier: EnergyCarrier,
    /// A descriptive name, for reports ("Diesel (average biofuel blend)").
    pub name: String,
    /// The unit the carrier is counted in.
    pub unit: EnergyUnit,
    /// Well-to-tank factor, kg CO2e per unit.
    pub wtt_per_unit: f64,
    /// Tank-to-wheel factor, kg CO2e per unit.
    pub ttw_per_unit: f64,
    /// Where the tank-to-wheel factor comes from (publication, sheet, row, unit).
    pub ttw_source: String,
    /// Year of the factor set the tank-to-wheel factor belongs to.
    pub ttw_year: u16,
    /// Where the well-to-tank factor comes from (publication, sheet, row, unit).
    pub wtt_source: String,
    /// Year of the factor set the well-to-tank factor belongs to.
    pub wtt_year: u16,
}

/// The fields of [`CarrierFactors`] as read from a file, before validation.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct CarrierFactorsData {
    carrier: EnergyCarrier,
    name: String,
    unit: EnergyUnit,
    wtt_per_unit: f64,
    ttw_per_unit: f64,
    ttw_source: String,
    ttw_year: u16,
    wtt_source: String,
    wtt_year: u16,
}

#[cfg(feature = "serde")]
impl TryFrom<CarrierFactorsData> for CarrierFactors {
    type Error = CostError;

    fn try_from(d: CarrierFactorsData) -> Result<Self, CostError> {
        let factors = Self {
            carrier: d.carrier,
            name: d.name,
            unit: d.unit,
            wtt_per_unit: d.wtt_per_unit,
            ttw_per_unit: d.ttw_per_unit,
            ttw_source: d.ttw_source,
            ttw_year: d.ttw_year,
            wtt_source: d.wtt_source,
            wtt_year: d.wtt_year,
        };
        factors.validate()?;
        Ok(factors)
    }
}

/// The publication of the default factors.
const DESNZ_2025: &str = "DESNZ, UK Government GHG Conversion Factors for Company Reporting 2025";

impl CarrierFactors {
    /// Factors for `carrier`, validated, both taken from `source` of `year` (use
    /// [`CarrierFactors::with_ttw_source`] and [`CarrierFactors::with_wtt_source`] when they
    /// come from different publications).
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] when a factor is NaN, infinite or negative.
    pub fn new(
        carrier: EnergyCarrier,
        name: impl Into<String>,
        unit: EnergyUnit,
        wtt_per_unit: f64,
        ttw_per_unit: f64,
        source: impl Into<String>,
        year: u16,
    ) -> Result<Self, CostError> {
        let source = source.into();
        let factors = Self {
            carrier,
            name: name.into(),
            unit,
            wtt_per_unit,
            ttw_per_unit,
            ttw_source: source.clone(),
            ttw_year: year,
            wtt_source: source,
            wtt_year: year,
        };
        factors.validate()?;
        Ok(factors)
    }

    /// The same factors with the tank-to-wheel factor's source and year replaced.
    #[must_use]
    pub fn with_ttw_source(mut self, source: impl Into<String>, year: u16) -> Self {
        self.ttw_source = source.into();
        self.ttw_year = year;
        self
    }

    /// The same factors with the well-to-tank factor's source and year replaced.
    #[must_use]
    pub fn with_wtt_source(mut self, source: impl Into<String>, year: u16) -> Self {
        self.wtt_source = source.into();
        self.wtt_year = year;
        self
    }

    /// Checks that both factors are finite and non-negative.
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] naming the carrier and the factor.
    pub fn validate(&self) -> Result<(), CostError> {
        let label = carrier_label(&self.carrier);
        let per = format!("kg CO2e/{}", self.unit);
        non_negative(&format!("carrier {label} wtt factor"), self.wtt_per_unit, &per)?;
        non_negative(&format!("carrier {label} ttw factor"), self.ttw_per_unit, &per)?;
        Ok(())
    }

    /// Well-to-wheel factor, `wtt_per_unit + ttw_per_unit`, in kg CO2e per unit.
    #[must_use]
    pub fn wtw_per_unit(&self) -> f64 {
        self.wtt_per_unit + self.ttw_per_unit
    }

    /// Emissions of burning (or drawing) `quantity` units of the carrier.
    ///
    /// # Units
    /// `quantity` in [`CarrierFactors::unit`]; the result in kg CO2e.
    #[must_use]
    pub fn emissions(&self, quantity: f64) -> Emissions {
        Emissions::new(Co2e(quantity * self.ttw_per_unit), Co2e(quantity * self.wtt_per_unit))
    }

    /// A default: both factors from the DESNZ 2025 set.
    fn desnz_2025(
        carrier: EnergyCarrier,
        name: &str,
        unit: EnergyUnit,
        (ttw_per_unit, ttw_row): (f64, &str),
        (wtt_per_unit, wtt_row): (f64, &str),
    ) -> Self {
        Self {
            carrier,
            name: name.into(),
            unit,
            wtt_per_unit,
            ttw_per_unit,
            ttw_source: format!("{DESNZ_2025}: {ttw_row}"),
            ttw_year: 2025,
            wtt_source: format!("{DESNZ_2025}: {wtt_row}"),
            wtt_year: 2025,
        }
    }

    /// Diesel as sold at UK pumps (B7: average biofuel blend), per litre.
    ///
    /// DESNZ, *UK Government GHG Conversion Factors for Company Reporting 2025*:
    /// - TTW 2.57082 kg CO2e/l: sheet "Fuels", Liquid fuels, "Diesel (average biofuel blend)",
    ///   litres, kg CO2e;
    /// - WTT 0.61101 kg CO2e/l: sheet "WTT- fuels", Liquid fuels, same row, litres, kg CO2e.
    #[must_use]
    pub fn diesel_uk_blend() -> Self {
        Self::desnz_2025(
            EnergyCarrier::Diesel,
            "Diesel (average biofuel blend)",
            EnergyUnit::Litre,
            (2.57082, "Fuels, Liquid fuels, Diesel (average biofuel blend), litres"),
            (0.61101, "WTT- fuels, Liquid fuels, Diesel (average biofuel blend), litres"),
        )
    }

    /// 100 % mineral (fossil) diesel, filed as [`EnergyCarrier::Other`]`(`[`MINERAL_DIESEL`]`)`,
    /// per litre.
    ///
    /// DESNZ, *GHG Conversion Factors 2025*:
    /// - TTW 2.66155 kg CO2e/l: sheet "Fuels", Liquid fuels, "Diesel (100% mineral diesel)",
    ///   litres;
    /// - WTT 0.62409 kg CO2e/l: sheet "WTT- fuels", same row, litres.
    #[must_use]
    pub fn diesel_mineral() -> Self {
        Self::desnz_2025(
            EnergyCarrier::Other(MINERAL_DIESEL.into()),
            MINERAL_DIESEL,
            EnergyUnit::Litre,
            (2.66155, "Fuels, Liquid fuels, Diesel (100% mineral diesel), litres"),
            (0.62409, "WTT- fuels, Liquid fuels, Diesel (100% mineral diesel), litres"),
        )
    }

    /// Hydrotreated vegetable oil (HVO100), per litre.
    ///
    /// HVO is not on the "Fuels" and "WTT- fuels" sheets: DESNZ files biofuels on the
    /// bioenergy sheets of the same 2025 publication.
    /// - TTW 0.03558 kg CO2e/l: sheet "Bioenergy", Biofuel, "Biodiesel HVO", litres (CH4 and
    ///   N2O only: biogenic CO2 is reported outside the scopes, as ISO 14083 and the GHG
    ///   Protocol require);
    /// - WTT 0.56439 kg CO2e/l: sheet "WTT- bioenergy", WTT- biofuel, "Biodiesel HVO", litres
    ///   (DESNZ's average feedstock mix; a supplier's proof of sustainability is better where
    ///   one exists).
    #[must_use]
    pub fn hvo() -> Self {
        Self::desnz_2025(
            EnergyCarrier::Hvo,
            "HVO (hydrotreated vegetable oil)",
            EnergyUnit::Litre,
            (0.03558, "Bioenergy, Biofuel, Biodiesel HVO, litres"),
            (0.56439, "WTT- bioenergy, WTT- biofuel, Biodiesel HVO, litres"),
        )
    }

    /// Petrol as sold at UK pumps (E10: average biofuel blend), per litre.
    ///
    /// DESNZ, *GHG Conversion Factors 2025*:
    /// - TTW 2.06916 kg CO2e/l: sheet "Fuels", Liquid fuels, "Petrol (average biofuel blend)",
    ///   litres;
    /// - WTT 0.58094 kg CO2e/l: sheet "WTT- fuels", same row, litres.
    #[must_use]
    pub fn petrol_uk_blend() -> Self {
        Self::desnz_2025(
            EnergyCarrier::Petrol,
            "Petrol (average biofuel blend)",
            EnergyUnit::Litre,
            (2.06916, "Fuels, Liquid fuels, Petrol (average biofuel blend), litres"),
            (0.58094, "WTT- fuels, Liquid fuels, Petrol (average biofuel blend), litres"),
        )
    }

    /// Compressed natural gas, per kilogram.
    ///
    /// DESNZ, *GHG Conversion Factors 2025*, published per tonne and divided by 1 000 here:
    /// - TTW 2.57546441 kg CO2e/kg: sheet "Fuels", Gaseous fuels, "CNG", tonnes
    ///   (2 575.46441 kg CO2e/t);
    /// - WTT 0.53077887 kg CO2e/kg: sheet "WTT- fuels", Gaseous fuels, "CNG", tonnes
    ///   (530.77887 kg CO2e/t).
    #[must_use]
    pub fn cng() -> Self {
        Self::desnz_2025(
            EnergyCarrier::Cng,
            "CNG",
            EnergyUnit::Kilogram,
            (2.57546441, "Fuels, Gaseous fuels, CNG, tonnes (2575.46441 kg CO2e/t)"),
            (0.53077887, "WTT- fuels, Gaseous fuels, CNG, tonnes (530.77887 kg CO2e/t)"),
        )
    }

    /// Liquefied natural gas, per kilogram.
    ///
    /// DESNZ, *GHG Conversion Factors 2025*, published per tonne and divided by 1 000 here:
    /// - TTW 2.60330441 kg CO2e/kg: sheet "Fuels", Gaseous fuels, "LNG", tonnes
    ///   (2 603.30441 kg CO2e/t);
    /// - WTT 0.91222817 kg CO2e/kg: sheet "WTT- fuels", Gaseous fuels, "LNG", tonnes
    ///   (912.22817 kg CO2e/t).
    #[must_use]
    pub fn lng() -> Self {
        Self::desnz_2025(
            EnergyCarrier::Lng,
            "LNG",
            EnergyUnit::Kilogram,
            (2.60330441, "Fuels, Gaseous fuels, LNG, tonnes (2603.30441 kg CO2e/t)"),
            (0.91222817, "WTT- fuels, Gaseous fuels, LNG, tonnes (912.22817 kg CO2e/t)"),
        )
    }

    /// Grid electricity drawn from the UK national grid (location-based), per kWh at the
    /// charge point.
    ///
    /// TTW is 0 (its source names ISO 14083:2023, year 2023): a battery-electric vehicle burns
    /// nothing. ISO 14083 and the GLEC Framework
    /// count the whole provision of the electricity as well-to-tank: its generation, the
    /// upstream of the generators' fuels, and the transmission and distribution losses between
    /// the power station and the charge point with their own upstream. From DESNZ, *GHG
    /// Conversion Factors 2025*, all per kWh consumed:
    /// - generation 0.17700: sheet "UK electricity", Electricity generated;
    /// - upstream of generation 0.04590: sheet "WTT- UK electricity", WTT- UK electricity
    ///   (generation);
    /// - transmission and distribution losses 0.01853: sheet "Transmission and distribution",
    ///   T&D- UK electricity;
    /// - upstream of the losses 0.00397: sheet "WTT- UK electricity", WTT- UK electricity
    ///   (T&D).
    ///
    /// WTT = 0.17700 + 0.04590 + 0.01853 + 0.00397 = 0.24540 kg CO2e/kWh. Charging losses are
    /// not included: count them in the kWh drawn.
    #[must_use]
    pub fn electricity_uk_grid() -> Self {
        Self {
            carrier: EnergyCarrier::Electricity,
            name: "Grid electricity (UK, location-based)".into(),
            unit: EnergyUnit::KilowattHour,
            wtt_per_unit: 0.24540,
            ttw_per_unit: 0.0,
            ttw_source: "ISO 14083:2023 and GLEC Framework v3.0: electricity has no tank-to-wheel emissions".into(),
            ttw_year: 2023,
            wtt_source: format!(
                "{DESNZ_2025}: UK electricity, Electricity generated 0.17700 + WTT- UK electricity (generation) \
                 0.04590 + Transmission and distribution, T&D- UK electricity 0.01853 + WTT- UK electricity (T&D) \
                 0.00397, kWh"
            ),
            wtt_year: 2025,
        }
    }
}

/// The emission factors of the energy carriers a calculation may meet, looked up by
/// [`EnergyCarrier`].
///
/// [`EnergyCarrier::Other`] names match case-insensitively, ignoring surrounding spaces. The
/// registry is small and ordered as built: lookups are linear and deterministic.
///
/// Deserialising validates every entry (see [`CarrierFactors`]) and refuses a carrier filed
/// twice, so a registry read from a file holds only valid factors.
///
/// # Example
/// ```
/// use milkrun_cost::emissions::{CarrierFactors, CarrierRegistry, EnergyUnit, MINERAL_DIESEL};
/// use milkrun_model::EnergyCarrier;
///
/// let mut carriers = CarrierRegistry::default();
/// assert_eq!(carriers.get(&EnergyCarrier::Diesel)?.ttw_per_unit, 2.57082);
/// // A fleet that fills up with unblended diesel:
/// let mut mineral = carriers.get(&EnergyCarrier::Other(MINERAL_DIESEL.into()))?.clone();
/// mineral.carrier = EnergyCarrier::Diesel;
/// carriers.insert(mineral)?;
/// assert_eq!(carriers.get(&EnergyCarrier::Diesel)?.ttw_per_unit, 2.66155);
/// // A carrier of one's own:
/// carriers.insert(CarrierFactors::new(
///     EnergyCarrier::Other("bio-LNG".into()), "bio-LNG", EnergyUnit::Kilogram, 0.9, 0.05, "supplier PoS", 2025,
/// )?)?;
/// assert!(carriers.get(&EnergyCarrier::Other("Bio-LNG".into())).is_ok());
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(try_from = "CarrierRegistryData"))]
pub struct CarrierRegistry {
    entries: Vec<CarrierFactors>,
}

/// A [`CarrierRegistry`] as read from a file, before the check for carriers filed twice (each
/// entry is validated as it is read).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct CarrierRegistryData {
    entries: Vec<CarrierFactors>,
}

#[cfg(feature = "serde")]
impl TryFrom<CarrierRegistryData> for CarrierRegistry {
    type Error = CostError;

    fn try_from(data: CarrierRegistryData) -> Result<Self, CostError> {
        let mut registry = Self::empty();
        for factors in data.entries {
            let label = carrier_label(&factors.carrier);
            if registry.insert(factors)?.is_some() {
                return Err(CostError::invalid(format!("energy carrier {label}"), "filed twice"));
            }
        }
        Ok(registry)
    }
}

impl Default for CarrierRegistry {
    /// The default table: [`CarrierRegistry::uk_defaults`].
    fn default() -> Self {
        Self::uk_defaults()
    }
}

impl CarrierRegistry {
    /// A registry with no carriers.
    #[must_use]
    pub fn empty() -> Self {
        Self { entries: Vec::new() }
    }

    /// The default table, every factor from the DESNZ 2025 conversion factors and cited on its
    /// constructor: diesel (UK pump blend) as [`EnergyCarrier::Diesel`], 100 % mineral diesel
    /// as `Other(`[`MINERAL_DIESEL`]`)`, HVO, petrol (UK pump blend), CNG, LNG and UK grid
    /// electricity.
    #[must_use]
    pub fn uk_defaults() -> Self {
        Self {
            entries: vec![
                CarrierFactors::diesel_uk_blend(),
                CarrierFactors::diesel_mineral(),
                CarrierFactors::hvo(),
                CarrierFactors::petrol_uk_blend(),
                CarrierFactors::cng(),
                CarrierFactors::lng(),
                CarrierFactors::electricity_uk_grid(),
            ],
        }
    }

    /// Adds `factors`, replacing (and returning) those already filed for the same carrier.
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] when a factor is NaN, infinite or negative; the registry is
    /// then unchanged.
    pub fn insert(&mut self, factors: CarrierFactors) -> Result<Option<CarrierFactors>, CostError> {
        factors.validate()?;
        match self.position(&factors.carrier) {
            Some(i) => Ok(Some(std::mem::replace(&mut self.entries[i], factors))),
            None => {
                self.entries.push(factors);
                Ok(None)
            }
        }
    }

    /// Removes and returns the factors of `carrier`, if filed.
    pub fn remove(&mut self, carrier: &EnergyCarrier) -> Option<CarrierFactors> {
        self.position(carrier).map(|i| self.entries.remove(i))
    }

    /// The factors of `carrier`.
    ///
    /// # Errors
    /// [`CostError::Unknown`] naming the carrier when none are filed.
    pub fn get(&self, carrier: &EnergyCarrier) -> Result<&CarrierFactors, CostError> {
        self.position(carrier)
            .map(|i| &self.entries[i])
            .ok_or_else(|| CostError::Unknown { item: format!("energy carrier {}", carrier_label(carrier)) })
    }

    /// The filed factors, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &CarrierFactors> {
        self.entries.iter()
    }

    /// Number of carriers filed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no carrier is filed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, carrier: &EnergyCarrier) -> Option<usize> {
        self.entries.iter().position(|f| same_carrier(&f.carrier, carrier))
    }
}

fn same_carrier(a: &EnergyCarrier, b: &EnergyCarrier) -> bool {
    match (a, b) {
        (EnergyCarrier::Other(x), EnergyCarrier::Other(y)) => x.trim().eq_ignore_ascii_case(y.trim()),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_wtw_is_the_sum() {
        let carriers = CarrierRegistry::uk_defaults();
        assert_eq!(carriers.len(), 7);
        for f in carriers.iter() {
            f.validate().unwrap_or_else(|e| panic!("{}: {e}", f.name));
            assert_eq!(f.wtw_per_unit(), f.wtt_per_unit + f.ttw_per_unit);
        }
        let electricity = carriers.get(&EnergyCarrier::Electricity).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(electricity.ttw_per_unit, 0.0);
        // 0.17700 + 0.04590 + 0.01853 + 0.00397 = 0.24540.
        assert!((electricity.wtt_per_unit - (0.17700 + 0.04590 + 0.01853 + 0.00397)).abs() < 1e-12);
    }

    #[test]
    fn defaults_are_the_desnz_2025_set_for_both_factors() {
        // (carrier, TTW, WTT) as published in the 2025 set ("Fuels" / "WTT- fuels", HVO on the
        // bioenergy sheets, CNG and LNG per tonne / 1 000, electricity WTT the sum of four rows).
        let expected: [(EnergyCarrier, f64, f64); 7] = [
            (EnergyCarrier::Diesel, 2.57082, 0.61101),
            (EnergyCarrier::Other(MINERAL_DIESEL.into()), 2.66155, 0.62409),
            (EnergyCarrier::Hvo, 0.03558, 0.56439),
            (EnergyCarrier::Petrol, 2.06916, 0.58094),
            (EnergyCarrier::Cng, 2575.46441 / 1000.0, 530.77887 / 1000.0),
            (EnergyCarrier::Lng, 2603.30441 / 1000.0, 912.22817 / 1000.0),
            (EnergyCarrier::Electricity, 0.0, 0.24540),
        ];
        let carriers = CarrierRegistry::uk_defaults();
        for (carrier, ttw, wtt) in expected {
            let f = carriers.get(&carrier).unwrap_or_else(|e| panic!("{e}"));
            assert!((f.ttw_per_unit - ttw).abs() < 1e-12, "{}: ttw {}", f.name, f.ttw_per_unit);
            assert!((f.wtt_per_unit - wtt).abs() < 1e-12, "{}: wtt {}", f.name, f.wtt_per_unit);
            // Every DESNZ factor is the 2025 set's, TTW and WTT alike, and cited as such.
            assert_eq!(f.wtt_year, 2025, "{}", f.name);
            assert!(f.wtt_source.contains("2025"), "{}", f.wtt_source);
            assert!(!f.ttw_source.contains("pprox") && !f.wtt_source.contains("pprox"), "{}", f.name);
            if carrier != EnergyCarrier::Electricity {
                assert_eq!(f.ttw_year, 2025, "{}", f.name);
                assert!(f.ttw_source.contains("DESNZ") && f.ttw_source.contains("2025"), "{}", f.ttw_source);
            }
        }
    }

    #[test]
    fn unknown_carrier_is_a_typed_error() {
        let carriers = CarrierRegistry::empty();
        let err = carriers.get(&EnergyCarrier::Other("ammonia".into()));
        assert_eq!(err, Err(CostError::Unknown { item: "energy carrier ammonia".into() }));
    }

    #[test]
    fn nan_factor_is_refused_and_registry_unchanged() {
        let mut carriers = CarrierRegistry::uk_defaults();
        let mut bad = CarrierFactors::hvo();
        bad.wtt_per_unit = f64::NAN;
        let err = carriers.insert(bad);
        assert!(matches!(err, Err(CostError::InvalidInput { ref item, .. }) if item == "carrier HVO wtt factor"));
        assert_eq!(carriers, CarrierRegistry::uk_defaults());
    }

    #[test]
    fn insert_replaces_same_carrier() {
        let mut carriers = CarrierRegistry::uk_defaults();
        let mut mineral = CarrierFactors::diesel_mineral();
        mineral.carrier = EnergyCarrier::Diesel;
        let old = carriers.insert(mineral).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old, Some(CarrierFactors::diesel_uk_blend()));
        assert_eq!(carriers.len(), 7);
    }
}
