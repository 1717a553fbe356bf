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
/// # Units
/// `wtt_per_unit` and `ttw_per_unit` are kilograms of CO2e per `unit` of the carrier (litre,
/// kilogram or kilowatt-hour).
///
/// # Reference
/// ISO 14083:2023, energy carrier emission factors (WTT + TTW = WTW);
/// GLEC Framework v3.0 (Smart Freight Centre, 2023), fuel emission factors.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// Where the factors come from (publication, table, row).
    pub source: String,
    /// Year of the factor set.
    pub year: u16,
}

impl CarrierFactors {
    /// Factors for `carrier`, validated.
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
        let factors =
            Self { carrier, name: name.into(), unit, wtt_per_unit, ttw_per_unit, source: source.into(), year };
        factors.validate()?;
        Ok(factors)
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

    /// Diesel as sold at UK pumps (B7: average biofuel blend).
    ///
    /// TTW 2.51279 kg CO2e/l: DESNZ, *UK Government GHG Conversion Factors for Company
    /// Reporting 2024*, sheet "Fuels", Liquid fuels, "Diesel (average biofuel blend)", litres.
    /// WTT 0.61101 kg CO2e/l: same publication, sheet "WTT- fuels", same row.
    /// Both checked against secondary copies of the 2024 workbook; the WTT value is quoted to
    /// 5 decimals as published.
    #[must_use]
    pub fn diesel_uk_blend() -> Self {
        Self {
            carrier: EnergyCarrier::Diesel,
            name: "Diesel (average biofuel blend)".into(),
            unit: EnergyUnit::Litre,
            wtt_per_unit: 0.61101,
            ttw_per_unit: 2.51279,
            source: "DESNZ GHG Conversion Factors 2024: Fuels / WTT- fuels, Diesel (average biofuel blend), litres"
                .into(),
            year: 2024,
        }
    }

    /// 100 % mineral (fossil) diesel, filed as [`EnergyCarrier::Other`]`(`[`MINERAL_DIESEL`]`)`.
    ///
    /// TTW 2.66155 kg CO2e/l: DESNZ, *GHG Conversion Factors 2024*, sheet "Fuels", "Diesel (100%
    /// mineral diesel)", litres (the same value is published in the 2025 set).
    /// WTT 0.62409 kg CO2e/l: same publication, sheet "WTT- fuels", same row.
    #[must_use]
    pub fn diesel_mineral() -> Self {
        Self {
            carrier: EnergyCarrier::Other(MINERAL_DIESEL.into()),
            name: MINERAL_DIESEL.into(),
            unit: EnergyUnit::Litre,
            wtt_per_unit: 0.62409,
            ttw_per_unit: 2.66155,
            source: "DESNZ GHG Conversion Factors 2024: Fuels / WTT- fuels, Diesel (100% mineral diesel), litres"
                .into(),
            year: 2024,
        }
    }

    /// Hydrotreated vegetable oil (HVO100).
    ///
    /// TTW 0.03558 kg CO2e/l: DESNZ, *GHG Conversion Factors 2025*, sheet "Bioenergy",
    /// "Biodiesel HVO", litres (CH4 and N2O only: biogenic CO2 is reported outside the scopes,
    /// as ISO 14083 and the GHG Protocol require).
    /// WTT 0.36 kg CO2e/l: **approximate**. The upstream of HVO depends strongly on the
    /// feedstock (waste oils versus crop oils); this is the order of magnitude of the DESNZ
    /// "WTT- bioenergy" value for waste-derived HVO. Replace it with the supplier's proof of
    /// sustainability value where one exists.
    #[must_use]
    pub fn hvo() -> Self {
        Self {
            carrier: EnergyCarrier::Hvo,
            name: "HVO (hydrotreated vegetable oil)".into(),
            unit: EnergyUnit::Litre,
            wtt_per_unit: 0.36,
            ttw_per_unit: 0.03558,
            source: "TTW: DESNZ GHG Conversion Factors 2025, Bioenergy, Biodiesel HVO, litres; \
                     WTT: approximate (feedstock-dependent)"
                .into(),
            year: 2025,
        }
    }

    /// Petrol as sold at UK pumps (E10: average biofuel blend).
    ///
    /// TTW 2.08440 kg CO2e/l: DESNZ, *GHG Conversion Factors 2024*, sheet "Fuels", "Petrol
    /// (average biofuel blend)", litres.
    /// WTT 0.58094 kg CO2e/l: same publication, sheet "WTT- fuels", same row.
    #[must_use]
    pub fn petrol_uk_blend() -> Self {
        Self {
            carrier: EnergyCarrier::Petrol,
            name: "Petrol (average biofuel blend)".into(),
            unit: EnergyUnit::Litre,
            wtt_per_unit: 0.58094,
            ttw_per_unit: 2.08440,
            source: "DESNZ GHG Conversion Factors 2024: Fuels / WTT- fuels, Petrol (average biofuel blend), litres"
                .into(),
            year: 2024,
        }
    }

    /// Compressed natural gas, per kilogram.
    ///
    /// TTW 2.57546 kg CO2e/kg: DESNZ, *GHG Conversion Factors 2025*, sheet "Fuels", Gaseous
    /// fuels, "CNG", tonnes (2575.46441 kg CO2e/t).
    /// WTT 0.438 kg CO2e/kg: **approximate**, the DESNZ 2024 "WTT- fuels" natural gas factor
    /// (0.03347 kg CO2e per kWh net CV) times a net calorific value of 13.1 kWh/kg; it leaves out
    /// the electricity used for compression at the filling station.
    #[must_use]
    pub fn cng() -> Self {
        Self {
            carrier: EnergyCarrier::Cng,
            name: "CNG".into(),
            unit: EnergyUnit::Kilogram,
            wtt_per_unit: 0.438,
            ttw_per_unit: 2.57546,
            source: "TTW: DESNZ GHG Conversion Factors 2025, Fuels, CNG, tonnes; \
                     WTT: approximate (DESNZ 2024 WTT natural gas per kWh x 13.1 kWh/kg)"
                .into(),
            year: 2025,
        }
    }

    /// Liquefied natural gas, per kilogram.
    ///
    /// TTW 2.60330 kg CO2e/kg: DESNZ, *GHG Conversion Factors 2025*, sheet "Fuels", Gaseous
    /// fuels, "LNG", tonnes (2603.30441 kg CO2e/t).
    /// WTT 0.80 kg CO2e/kg: **approximate**, pipeline-gas upstream (as for CNG) plus
    /// liquefaction and shipping, of the order of the JEC Well-to-Wheels v5 (2020) LNG
    /// pathways. Replace it with the supplier's value where one exists.
    #[must_use]
    pub fn lng() -> Self {
        Self {
            carrier: EnergyCarrier::Lng,
            name: "LNG".into(),
            unit: EnergyUnit::Kilogram,
            wtt_per_unit: 0.80,
            ttw_per_unit: 2.60330,
            source: "TTW: DESNZ GHG Conversion Factors 2025, Fuels, LNG, tonnes; \
                     WTT: approximate (gas upstream + liquefaction, JEC WTW v5 order of magnitude)"
                .into(),
            year: 2025,
        }
    }

    /// Grid electricity drawn from the UK national grid (location-based), per kWh.
    ///
    /// TTW is 0: a battery-electric vehicle has no tailpipe emissions. All of the grid factor is
    /// well-to-tank (ISO 14083 counts energy provision, including generation, as WTT):
    /// - generation 0.20705 kg CO2e/kWh: DESNZ, *GHG Conversion Factors 2024*, sheet "UK
    ///   electricity", electricity generated;
    /// - upstream of generation 0.04590: same publication, sheet "WTT- UK electricity";
    /// - transmission and distribution losses 0.01830 and their upstream 0.00406: sheets
    ///   "Transmission and distribution" and "WTT- UK electricity" (**approximate**: rounded
    ///   recollections of the 2024 values).
    ///
    /// WTT = 0.20705 + 0.04590 + 0.01830 + 0.00406 = 0.27531 kg CO2e/kWh at the charge point.
    /// Charging losses are not included: count them in the kWh drawn.
    #[must_use]
    pub fn electricity_uk_grid() -> Self {
        Self {
            carrier: EnergyCarrier::Electricity,
            name: "Grid electricity (UK, location-based)".into(),
            unit: EnergyUnit::KilowattHour,
            wtt_per_unit: 0.27531,
            ttw_per_unit: 0.0,
            source: "DESNZ GHG Conversion Factors 2024: UK electricity generation 0.20705 + WTT 0.04590 \
                     + T&D 0.01830 + WTT T&D 0.00406 (T&D parts approximate)"
                .into(),
            year: 2024,
        }
    }
}

/// The emission factors of the energy carriers a calculation may meet, looked up by
/// [`EnergyCarrier`].
///
/// [`EnergyCarrier::Other`] names match case-insensitively, ignoring surrounding spaces. The
/// registry is small and ordered as built: lookups are linear and deterministic.
///
/// # Example
/// ```
/// use milkrun_cost::emissions::{CarrierFactors, CarrierRegistry, EnergyUnit, MINERAL_DIESEL};
/// use milkrun_model::EnergyCarrier;
///
/// let mut carriers = CarrierRegistry::default();
/// assert_eq!(carriers.get(&EnergyCarrier::Diesel)?.ttw_per_unit, 2.51279);
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CarrierRegistry {
    entries: Vec<CarrierFactors>,
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

    /// The default table, every factor cited on its constructor: diesel (UK pump blend) as
    /// [`EnergyCarrier::Diesel`], 100 % mineral diesel as `Other(`[`MINERAL_DIESEL`]`)`, HVO,
    /// petrol (UK pump blend), CNG, LNG and UK grid electricity.
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
        // 0.20705 + 0.04590 + 0.01830 + 0.00406 = 0.27531.
        assert!((electricity.wtt_per_unit - (0.20705 + 0.04590 + 0.01830 + 0.00406)).abs() < 1e-12);
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
