//! Reports shaped like the iLEAP data model (the logistics extension of the PACT data exchange):
//! shipment footprints, transport chain elements, transport and hub operation categories.
//!
//! With the `serde` feature, field names follow the iLEAP technical specification (camelCase,
//! `co2eWTW`, `tocId`...) and every number is written as a decimal string (`"12.5"`), as iLEAP
//! requires; reading accepts strings or JSON numbers. Two fields are milkrun additions the
//! specification does not define: `co2eWTT` on a TCE (its WTW minus TTW) and `mode` on a TCE
//! (iLEAP carries the mode on the TOC).

use milkrun_model::{Distance, EnergyCarrier, Kilograms};

use super::allocation::ShipmentEmissions;
use super::carrier::{CarrierFactors, Emissions, MINERAL_DIESEL};
use super::hub::{HubIntensity, HubShipmentEmissions, HubType};
use super::toc::{CarrierUse, TocIntensity};
use super::units::{km, Co2e, Co2ePerTonne, Co2ePerTonneKm, EnergyUnit, TonneKm};
use crate::CostError;

/// Transport mode, as iLEAP names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TransportMode {
    /// Road.
    Road,
    /// Rail.
    Rail,
    /// Air.
    Air,
    /// Sea.
    Sea,
    /// Inland waterway.
    InlandWaterway,
}

/// The unit of a TOC's transport activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TransportActivityUnit {
    /// Tonne-kilometres.
    #[cfg_attr(feature = "serde", serde(rename = "tkm"))]
    Tkm,
}

/// The unit of a HOC's activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HubActivityUnit {
    /// Tonnes handled.
    #[cfg_attr(feature = "serde", serde(rename = "tonnes"))]
    Tonnes,
}

/// A distance in the GLEC sense: the actual distance driven, the great-circle distance, or the
/// shortest feasible distance (at least one is set).
///
/// # Units
/// Kilometres.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GlecDistance {
    /// Actual distance.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none", with = "decimal::option"))]
    pub actual: Option<f64>,
    /// Great-circle distance.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none", with = "decimal::option"))]
    pub gcd: Option<f64>,
    /// Shortest feasible distance.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none", with = "decimal::option"))]
    pub sfd: Option<f64>,
}

/// An energy carrier of a TOC or HOC with its emission factors (iLEAP `EnergyCarrier`).
///
/// # Units
/// Factors in kg CO2e per `energyConsumptionUnit`; `relative_share` in `[0, 1]`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "camelCase"))]
pub struct ReportEnergyCarrier {
    /// The iLEAP carrier name: `Diesel`, `HVO`, `Petrol`, `CNG`, `LNG`, `Electric`, or the
    /// caller's name for other carriers.
    pub energy_carrier: String,
    /// Energy used over the category's reporting scope.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none", with = "decimal::option"))]
    pub energy_consumption: Option<f64>,
    /// Unit of the energy and of the factors.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub energy_consumption_unit: Option<EnergyUnit>,
    /// Well-to-wheel factor.
    #[cfg_attr(feature = "serde", serde(rename = "emissionFactorWTW", with = "decimal"))]
    pub emission_factor_wtw: f64,
    /// Tank-to-wheel factor.
    #[cfg_attr(feature = "serde", serde(rename = "emissionFactorTTW", with = "decimal"))]
    pub emission_factor_ttw: f64,
    /// Share of this carrier in the category. milkrun fills it with the carrier's share of the
    /// category's WTW emissions (carriers counted in different units have no common energy
    /// measure here); shares sum to 1.
    #[cfg_attr(feature = "serde", serde(with = "decimal"))]
    pub relative_share: f64,
}

impl ReportEnergyCarrier {
    /// The report entry of `factors`, with `energy` used and a `relative_share`.
    #[must_use]
    pub fn new(factors: &CarrierFactors, energy: Option<f64>, relative_share: f64) -> Self {
        Self {
            energy_carrier: ileap_carrier_name(&factors.carrier),
            energy_consumption: energy,
            energy_consumption_unit: Some(factors.unit),
            emission_factor_wtw: factors.wtw_per_unit(),
            emission_factor_ttw: factors.ttw_per_unit,
            relative_share,
        }
    }
}

/// The iLEAP `EnergyCarrierType` name of a carrier; mineral diesel is `Diesel`, other named
/// carriers keep their name.
#[must_use]
pub fn ileap_carrier_name(carrier: &EnergyCarrier) -> String {
    match carrier {
        EnergyCarrier::Diesel => "Diesel".into(),
        EnergyCarrier::Hvo => "HVO".into(),
        EnergyCarrier::Petrol => "Petrol".into(),
        EnergyCarrier::Cng => "CNG".into(),
        EnergyCarrier::Lng => "LNG".into(),
        EnergyCarrier::Electricity => "Electric".into(),
        EnergyCarrier::Other(name) if name.trim().eq_ignore_ascii_case(MINERAL_DIESEL) => "Diesel".into(),
        EnergyCarrier::Other(name) => name.clone(),
    }
}

fn carriers_by_emission_share(uses: &[CarrierUse]) -> Vec<ReportEnergyCarrier> {
    let total: f64 = uses.iter().map(|c| c.emissions.wtw.0).sum();
    let n = uses.len() as f64;
    uses.iter()
        .map(|c| {
            let share = if total > 0.0 { c.emissions.wtw.0 / total } else { 1.0 / n };
            ReportEnergyCarrier::new(&c.factors, Some(c.energy), share)
        })
        .collect()
}

/// A transport chain element: one shipment's part in one transport or hub operation (iLEAP
/// `TCE`).
///
/// # Units
/// `mass` in kg; distances in km; `transport_activity` in tkm; emissions in kg CO2e.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "camelCase"))]
pub struct Tce {
    /// The TCE's identifier.
    pub tce_id: String,
    /// The TCEs that precede it in the shipment's chain.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub prev_tce_ids: Vec<String>,
    /// The transport operation category it belongs to (transport TCEs).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub toc_id: Option<String>,
    /// The hub operation category it belongs to (hub TCEs).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub hoc_id: Option<String>,
    /// The shipment.
    pub shipment_id: String,
    /// Mass of the shipment.
    #[cfg_attr(feature = "serde", serde(with = "decimal"))]
    pub mass: Kilograms,
    /// Transport mode (a milkrun addition; iLEAP reads it from the TOC). `None` for hubs.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub mode: Option<TransportMode>,
    /// Distance.
    pub distance: GlecDistance,
    /// Transport activity: mass × SFD.
    #[cfg_attr(feature = "serde", serde(with = "decimal"))]
    pub transport_activity: TonneKm,
    /// Well-to-wheel emissions.
    #[cfg_attr(feature = "serde", serde(rename = "co2eWTW", with = "decimal"))]
    pub co2e_wtw: Co2e,
    /// Tank-to-wheel emissions.
    #[cfg_attr(feature = "serde", serde(rename = "co2eTTW", with = "decimal"))]
    pub co2e_ttw: Co2e,
    /// Well-to-tank emissions (a milkrun addition: `co2eWTW − co2eTTW`).
    #[cfg_attr(feature = "serde", serde(rename = "co2eWTT", with = "decimal"))]
    pub co2e_wtt: Co2e,
}

impl Tce {
    /// The road TCE of an allocated shipment in TOC `toc_id`: SFD distance, transport activity
    /// mass × SFD, the allocated emissions.
    #[must_use]
    pub fn transport(tce_id: impl Into<String>, toc_id: impl Into<String>, shipment: &ShipmentEmissions) -> Self {
        Self::with_emissions(
            tce_id.into(),
            shipment.id.clone(),
            shipment.mass,
            shipment.emissions,
            GlecDistance { sfd: Some(km(shipment.sfd)), ..GlecDistance::default() },
            shipment.transport_activity,
        )
        .in_toc(toc_id.into())
    }

    /// The hub TCE of a shipment's pass through HOC `hoc_id`: zero distance and activity.
    #[must_use]
    pub fn hub(tce_id: impl Into<String>, hoc_id: impl Into<String>, shipment: &HubShipmentEmissions) -> Self {
        let mut tce = Self::with_emissions(
            tce_id.into(),
            shipment.id.clone(),
            shipment.mass,
            shipment.emissions,
            GlecDistance { actual: Some(0.0), ..GlecDistance::default() },
            TonneKm::ZERO,
        );
        tce.hoc_id = Some(hoc_id.into());
        tce
    }

    /// The same TCE with the actual distance driven for the shipment.
    #[must_use]
    pub fn with_actual_distance(mut self, actual: Distance) -> Self {
        self.distance.actual = Some(km(actual));
        self
    }

    /// The same TCE preceded by `prev` in the chain.
    #[must_use]
    pub fn after(mut self, prev: impl Into<String>) -> Self {
        self.prev_tce_ids.push(prev.into());
        self
    }

    fn with_emissions(
        tce_id: String,
        shipment_id: String,
        mass: Kilograms,
        emissions: Emissions,
        distance: GlecDistance,
        transport_activity: TonneKm,
    ) -> Self {
        Self {
            tce_id,
            prev_tce_ids: Vec::new(),
            toc_id: None,
            hoc_id: None,
            shipment_id,
            mass,
            mode: None,
            distance,
            transport_activity,
            co2e_wtw: emissions.wtw,
            co2e_ttw: emissions.ttw,
            co2e_wtt: emissions.wtt,
        }
    }

    fn in_toc(mut self, toc_id: String) -> Self {
        self.toc_id = Some(toc_id);
        self.mode = Some(TransportMode::Road);
        self
    }
}

/// The footprint of one shipment over its transport chain (iLEAP `ShipmentFootprint`).
///
/// # Units
/// `mass` in kg.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "camelCase"))]
pub struct ShipmentFootprint {
    /// Mass of the shipment.
    #[cfg_attr(feature = "serde", serde(with = "decimal"))]
    pub mass: Kilograms,
    /// The shipment's identifier.
    pub shipment_id: String,
    /// Its transport chain elements, in chain order (at least one).
    pub tces: Vec<Tce>,
}

impl ShipmentFootprint {
    /// The footprint of shipment `shipment_id` of `mass` made of `tces`.
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] when `tces` is empty or a TCE belongs to another shipment.
    pub fn new(shipment_id: impl Into<String>, mass: Kilograms, tces: Vec<Tce>) -> Result<Self, CostError> {
        let shipment_id = shipment_id.into();
        if tces.is_empty() {
            return Err(CostError::invalid(format!("shipment {shipment_id} tces"), "none given (iLEAP needs one)"));
        }
        if let Some(t) = tces.iter().find(|t| t.shipment_id != shipment_id) {
            return Err(CostError::invalid(
                format!("shipment {shipment_id} tce {}", t.tce_id),
                format!("belongs to shipment {}", t.shipment_id),
            ));
        }
        Ok(Self { mass, shipment_id, tces })
    }

    /// Total emissions over the chain.
    #[must_use]
    pub fn emissions(&self) -> Emissions {
        self.tces.iter().map(|t| Emissions { ttw: t.co2e_ttw, wtt: t.co2e_wtt, wtw: t.co2e_wtw }).sum()
    }
}

/// A transport operation category (iLEAP `TOC`).
///
/// # Units
/// Intensities in kg CO2e per tkm; factors, load and empty-distance factors as in
/// [`TocIntensity`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "camelCase"))]
pub struct Toc {
    /// The TOC's identifier.
    pub toc_id: String,
    /// A description.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub description: Option<String>,
    /// The transport mode.
    pub mode: TransportMode,
    /// Load factor (tkm over payload-km), when known.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none", with = "decimal::option"))]
    pub load_factor: Option<f64>,
    /// Empty distance over total distance.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none", with = "decimal::option"))]
    pub empty_distance_factor: Option<f64>,
    /// The energy carriers with their factors.
    pub energy_carriers: Vec<ReportEnergyCarrier>,
    /// WTW intensity.
    #[cfg_attr(feature = "serde", serde(rename = "co2eIntensityWTW", with = "decimal"))]
    pub co2e_intensity_wtw: Co2ePerTonneKm,
    /// TTW intensity.
    #[cfg_attr(feature = "serde", serde(rename = "co2eIntensityTTW", with = "decimal"))]
    pub co2e_intensity_ttw: Co2ePerTonneKm,
    /// Unit of the activity the intensities are per.
    pub transport_activity_unit: TransportActivityUnit,
}

impl Toc {
    /// The report of a computed TOC intensity.
    #[must_use]
    pub fn from_intensity(toc_id: impl Into<String>, mode: TransportMode, toc: &TocIntensity) -> Self {
        Self {
            toc_id: toc_id.into(),
            description: None,
            mode,
            load_factor: toc.load_factor,
            empty_distance_factor: Some(toc.empty_distance_factor),
            energy_carriers: carriers_by_emission_share(&toc.carriers),
            co2e_intensity_wtw: toc.wtw_per_tkm,
            co2e_intensity_ttw: toc.ttw_per_tkm,
            transport_activity_unit: TransportActivityUnit::Tkm,
        }
    }
}

/// A hub operation category (iLEAP `HOC`).
///
/// # Units
/// Intensities in kg CO2e per tonne handled.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "camelCase"))]
pub struct Hoc {
    /// The HOC's identifier.
    pub hoc_id: String,
    /// A description.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub description: Option<String>,
    /// The kind of hub.
    pub hub_type: HubType,
    /// The energy carriers with their factors (empty when the intensity was given, not
    /// computed from energy).
    pub energy_carriers: Vec<ReportEnergyCarrier>,
    /// WTW intensity.
    #[cfg_attr(feature = "serde", serde(rename = "co2eIntensityWTW", with = "decimal"))]
    pub co2e_intensity_wtw: Co2ePerTonne,
    /// TTW intensity.
    #[cfg_attr(feature = "serde", serde(rename = "co2eIntensityTTW", with = "decimal"))]
    pub co2e_intensity_ttw: Co2ePerTonne,
    /// Unit of the activity the intensities are per.
    pub hub_activity_unit: HubActivityUnit,
}

impl Hoc {
    /// The report of a computed hub intensity.
    #[must_use]
    pub fn from_intensity(hub: &HubIntensity) -> Self {
        Self {
            hoc_id: hub.id.clone(),
            description: None,
            hub_type: hub.hub_type,
            energy_carriers: carriers_by_emission_share(&hub.carriers),
            co2e_intensity_wtw: hub.wtw_per_tonne,
            co2e_intensity_ttw: hub.ttw_per_tonne,
            hub_activity_unit: HubActivityUnit::Tonnes,
        }
    }
}

/// Numbers as iLEAP decimal strings (`^-?\d+(\.\d+)?$`): written with Rust's shortest
/// round-trip formatting, which never uses an exponent; read from strings or JSON numbers.
#[cfg(feature = "serde")]
mod decimal {
    use std::fmt;

    use milkrun_model::Kilograms;
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    use crate::emissions::units::{Co2e, Co2ePerTonne, Co2ePerTonneKm, TonneKm};

    /// A number-like type written as a decimal string.
    pub(super) trait Decimal: Copy {
        fn to_f64(self) -> f64;
        fn from_f64(v: f64) -> Self;
    }

    macro_rules! decimal_newtype {
        ($($t:ty),*) => {$(
            impl Decimal for $t {
                fn to_f64(self) -> f64 {
                    self.0
                }
                fn from_f64(v: f64) -> Self {
                    Self(v)
                }
            }
        )*};
    }
    decimal_newtype!(Kilograms, Co2e, Co2ePerTonne, Co2ePerTonneKm, TonneKm);

    impl Decimal for f64 {
        fn to_f64(self) -> f64 {
            self
        }
        fn from_f64(v: f64) -> Self {
            v
        }
    }

    fn format(v: f64) -> Option<String> {
        if !v.is_finite() {
            return None;
        }
        // `-0` would match the pattern but reads oddly.
        Some(if v == 0.0 { "0".to_owned() } else { v.to_string() })
    }

    pub(super) fn serialize<S: Serializer, T: Decimal>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        let v = value.to_f64();
        match format(v) {
            Some(s) => serializer.serialize_str(&s),
            None => Err(serde::ser::Error::custom(format!("{v} is not a finite decimal"))),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>, T: Decimal>(deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(DecimalVisitor).map(T::from_f64)
    }

    struct DecimalVisitor;

    impl Visitor<'_> for DecimalVisitor {
        type Value = f64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal number, as a string or a JSON number")
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<f64, E> {
            let v: f64 = s.trim().parse().map_err(|_| E::custom(format!("{s:?} is not a decimal")))?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(E::custom(format!("{s:?} is not a finite decimal")))
            }
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }
    }

    pub(super) mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        use super::Decimal;

        pub(in super::super) fn serialize<S: Serializer, T: Decimal>(
            value: &Option<T>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => super::serialize(v, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub(in super::super) fn deserialize<'de, D: Deserializer<'de>, T: Decimal>(
            deserializer: D,
        ) -> Result<Option<T>, D::Error> {
            #[derive(serde::Deserialize)]
            struct Wrapped(#[serde(deserialize_with = "super::deserialize")] f64);
            Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| T::from_f64(w.0)))
        }
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_strings_without_exponent() {
        let d = GlecDistance { actual: Some(1e-7), gcd: None, sfd: Some(1.5e21) };
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"{"actual":"0.0000001","sfd":"1500000000000000000000"}"#);
        let back: GlecDistance = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        let lenient: GlecDistance = serde_json::from_str(r#"{"sfd": 12}"#).unwrap();
        assert_eq!(lenient.sfd, Some(12.0));
    }

    #[test]
    fn non_finite_numbers_do_not_serialize() {
        let d = GlecDistance { actual: Some(f64::NAN), ..GlecDistance::default() };
        assert!(serde_json::to_string(&d).is_err());
    }
}
