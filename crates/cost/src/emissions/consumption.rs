//! Consumption models: the energy a vehicle uses on a leg, in its carrier's unit.

use milkrun_model::{Distance, EnergyCarrier, EnergyProfile, Kilograms, VehicleType};

use super::cmem::CmemParams;
use super::non_negative;
use super::route::Leg;
use super::units::km;
use crate::CostError;

/// A consumption model: how much energy a vehicle uses on a leg, given the load on board.
///
/// The fuel-based (measured) method of ISO 14083 is not a model of one leg: see
/// [`MeasuredFuel`](super::MeasuredFuel).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ConsumptionModel {
    /// Consumption per km linear in the load, between empty and full.
    Linear(LinearConsumption),
    /// The Comprehensive Modal Emissions Model: speed, mass and gradient; litres of fuel.
    Cmem(CmemParams),
}

impl ConsumptionModel {
    /// The energy carrier the model's vehicle runs on.
    #[must_use]
    pub fn carrier(&self) -> &EnergyCarrier {
        match self {
            Self::Linear(m) => &m.carrier,
            Self::Cmem(p) => &p.carrier,
        }
    }

    /// The vehicle's payload (capacity in mass).
    #[must_use]
    pub fn payload(&self) -> Kilograms {
        match self {
            Self::Linear(m) => m.payload,
            Self::Cmem(p) => p.payload,
        }
    }

    /// Checks the model's parameters.
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] naming the parameter.
    pub fn validate(&self) -> Result<(), CostError> {
        match self {
            Self::Linear(m) => m.validate(),
            Self::Cmem(p) => p.validate(),
        }
    }

    /// The energy used on `leg`, in the carrier's unit (litres for CMEM).
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] naming the leg (`leg distance`, `leg load`...) when the leg
    /// is invalid (negative distance, NaN load, load above the payload, CMEM without a speed) or
    /// the model's parameters are.
    ///
    /// # Complexity
    /// O(1).
    pub fn leg_energy(&self, leg: &Leg) -> Result<f64, CostError> {
        self.validate()?;
        self.checked_leg_energy(leg, "leg")
    }

    /// Validates `leg` (named `name` in errors) against the model and returns its energy; the
    /// model itself must have been validated.
    pub(crate) fn checked_leg_energy(&self, leg: &Leg, name: &str) -> Result<f64, CostError> {
        leg.validate(name, Some(self.payload()))?;
        match self {
            Self::Linear(m) => Ok(m.energy(leg.distance, leg.load)),
            Self::Cmem(p) => {
                let speed = leg.speed.ok_or_else(|| {
                    CostError::invalid(format!("{name} speed"), "missing: the CMEM model needs the speed of every leg")
                })?;
                Ok(p.fuel_litres(leg.distance, leg.load, speed, leg.gradient.unwrap_or(0.0)))
            }
        }
    }
}

/// Consumption per kilometre linear in the load between the empty and the fully laden vehicle:
/// `energy = km × (empty + (full − empty) × load / payload) / 100`.
///
/// # Units
/// `empty_per_100km` and `full_per_100km` in the carrier's unit (l, kg or kWh) per 100 km;
/// `payload` in kg.
///
/// # Reference
/// The load-dependent per-km factors of the DESNZ *GHG Conversion Factors* ("Freighting goods",
/// 0 %, 50 % and 100 % laden HGVs) and of the GLEC Framework v3.0 road section are linear in
/// the load factor in the same way.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LinearConsumption {
    /// The energy carrier.
    pub carrier: EnergyCarrier,
    /// Consumption per 100 km when empty.
    pub empty_per_100km: f64,
    /// Consumption per 100 km when carrying `payload`.
    pub full_per_100km: f64,
    /// The payload at which `full_per_100km` applies (the vehicle's capacity in mass).
    pub payload: Kilograms,
}

impl LinearConsumption {
    /// A linear model, validated.
    ///
    /// # Errors
    /// See [`LinearConsumption::validate`].
    pub fn new(
        carrier: EnergyCarrier,
        empty_per_100km: f64,
        full_per_100km: f64,
        payload: Kilograms,
    ) -> Result<Self, CostError> {
        let model = Self { carrier, empty_per_100km, full_per_100km, payload };
        model.validate()?;
        Ok(model)
    }

    /// The linear model of a model-crate [`EnergyProfile`] carrying at most `payload`.
    ///
    /// # Errors
    /// See [`LinearConsumption::validate`].
    pub fn from_profile(profile: &EnergyProfile, payload: Kilograms) -> Result<Self, CostError> {
        Self::new(profile.carrier.clone(), profile.empty_per_100km, profile.full_per_100km, payload)
    }

    /// The linear model of a [`VehicleType`]: its energy profile, with the first capacity
    /// dimension taken as the payload in kilograms (as [`EnergyProfile`] documents).
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] when the vehicle type has no energy profile or no capacity,
    /// and see [`LinearConsumption::validate`].
    pub fn from_vehicle_type(vehicle: &VehicleType) -> Result<Self, CostError> {
        let profile = vehicle
            .energy
            .as_ref()
            .ok_or_else(|| CostError::invalid(format!("vehicle type {} energy", vehicle.name), "no energy profile"))?;
        let payload = vehicle.capacity.amounts().first().copied().ok_or_else(|| {
            CostError::invalid(format!("vehicle type {} capacity", vehicle.name), "no capacity dimension")
        })?;
        Self::from_profile(profile, Kilograms(payload as f64))
    }

    /// Checks that consumptions are finite and non-negative, that the full consumption is not
    /// below the empty one (energy would fall as load rises) and that the payload is positive.
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] naming the field.
    pub fn validate(&self) -> Result<(), CostError> {
        let unit = "per 100 km";
        non_negative("linear consumption empty_per_100km", self.empty_per_100km, unit)?;
        non_negative("linear consumption full_per_100km", self.full_per_100km, unit)?;
        if self.full_per_100km < self.empty_per_100km {
            return Err(CostError::invalid(
                "linear consumption full_per_100km",
                format!("{} is below empty_per_100km {}", self.full_per_100km, self.empty_per_100km),
            ));
        }
        non_negative("linear consumption payload", self.payload.0, "kg")?;
        if self.payload.0 == 0.0 {
            return Err(CostError::invalid("linear consumption payload", "must be positive, got 0 kg"));
        }
        Ok(())
    }

    /// Energy for `distance` with `load` on board; inputs trusted (validated by the caller).
    ///
    /// # Returns
    /// Energy in the carrier's unit.
    ///
    /// # Complexity
    /// O(1).
    #[must_use]
    pub fn energy(&self, distance: Distance, load: Kilograms) -> f64 {
        let per_100km = self.empty_per_100km + (self.full_per_100km - self.empty_per_100km) * (load.0 / self.payload.0);
        km(distance) * per_100km / 100.0
    }
}

/// Road freight vehicle classes in the DESNZ (DEFRA) grouping, with default consumptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum VehicleClass {
    /// Diesel van, up to 3.5 t gross vehicle weight.
    Van,
    /// Rigid HGV, over 3.5 t and up to 7.5 t gross vehicle weight.
    RigidSmall,
    /// Rigid HGV, over 7.5 t and up to 17 t.
    RigidMedium,
    /// Rigid HGV, over 17 t.
    RigidLarge,
    /// Articulated HGV, over 33 t.
    Articulated,
}

/// Default consumption and masses of a [`VehicleClass`].
///
/// # Units
/// Litres of diesel per 100 km; kilograms.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VehicleClassDefaults {
    /// Diesel consumption empty, l/100 km.
    pub empty_per_100km: f64,
    /// Diesel consumption at full payload, l/100 km.
    pub full_per_100km: f64,
    /// Payload.
    pub payload: Kilograms,
    /// Kerb (empty) mass.
    pub kerb_mass: Kilograms,
}

impl VehicleClass {
    /// Every class, smallest first.
    pub const ALL: [Self; 5] = [Self::Van, Self::RigidSmall, Self::RigidMedium, Self::RigidLarge, Self::Articulated];

    /// The DESNZ name of the class.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Van => "Van (up to 3.5 t)",
            Self::RigidSmall => "Rigid (>3.5 - 7.5 t)",
            Self::RigidMedium => "Rigid (>7.5 - 17 t)",
            Self::RigidLarge => "Rigid (>17 t)",
            Self::Articulated => "Articulated (>33 t)",
        }
    }

    /// Default diesel consumption, payload and kerb mass.
    ///
    /// **Approximate** values, rounded to 0.5 l/100 km: the HGV consumptions are the DESNZ 2024
    /// "Freighting goods" per-km factors for diesel HGVs at 0 % and 100 % laden (kg CO2e/km)
    /// divided by the diesel TTW factor (2.51279 kg CO2e/l); the van's are typical of a
    /// class III diesel van. Payloads and kerb masses are typical UK values for the class, not
    /// published factors. Override them with fleet data (a measured [`EnergyProfile`]) whenever
    /// possible.
    ///
    /// | class | empty l/100 km | full l/100 km | payload kg | kerb kg |
    /// |---|---|---|---|---|
    /// | van | 9.5 | 12.0 | 1 200 | 2 000 |
    /// | rigid 3.5-7.5 t | 17.5 | 22.0 | 3 000 | 4 200 |
    /// | rigid 7.5-17 t | 21.5 | 29.0 | 7 000 | 8 000 |
    /// | rigid > 17 t | 28.5 | 44.0 | 14 000 | 12 000 |
    /// | articulated > 33 t | 26.0 | 44.0 | 27 000 | 14 500 |
    ///
    /// # Reference
    /// DESNZ, *UK Government GHG Conversion Factors for Company Reporting 2024*, sheets
    /// "Freighting goods" and "Delivery vehicles" (HGVs by class and % laden); GLEC Framework
    /// v3.0, road section (vehicle classes).
    #[must_use]
    pub const fn defaults(self) -> VehicleClassDefaults {
        let (empty, full, payload, kerb) = match self {
            Self::Van => (9.5, 12.0, 1_200.0, 2_000.0),
            Self::RigidSmall => (17.5, 22.0, 3_000.0, 4_200.0),
            Self::RigidMedium => (21.5, 29.0, 7_000.0, 8_000.0),
            Self::RigidLarge => (28.5, 44.0, 14_000.0, 12_000.0),
            Self::Articulated => (26.0, 44.0, 27_000.0, 14_500.0),
        };
        VehicleClassDefaults {
            empty_per_100km: empty,
            full_per_100km: full,
            payload: Kilograms(payload),
            kerb_mass: Kilograms(kerb),
        }
    }

    /// The class's default linear model, on [`EnergyCarrier::Diesel`].
    #[must_use]
    pub fn linear_model(self) -> LinearConsumption {
        let d = self.defaults();
        LinearConsumption {
            carrier: EnergyCarrier::Diesel,
            empty_per_100km: d.empty_per_100km,
            full_per_100km: d.full_per_100km,
            payload: d.payload,
        }
    }

    /// The class's defaults as a model-crate [`EnergyProfile`] (diesel).
    #[must_use]
    pub fn energy_profile(self) -> EnergyProfile {
        let d = self.defaults();
        EnergyProfile {
            carrier: EnergyCarrier::Diesel,
            empty_per_100km: d.empty_per_100km,
            full_per_100km: d.full_per_100km,
            kerb_mass_kg: d.kerb_mass.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use milkrun_model::{Load, SiteId};

    #[test]
    fn class_defaults_are_valid_and_grow_with_class() {
        let mut previous_payload = 0.0;
        for class in VehicleClass::ALL {
            class.linear_model().validate().unwrap();
            let d = class.defaults();
            assert!(d.payload.0 > previous_payload, "{}", class.name());
            previous_payload = d.payload.0;
        }
    }

    #[test]
    fn linear_is_interpolated_in_load() {
        // 21.5 + (29.0 − 21.5) × 3 500 / 7 000 = 25.25 l/100 km over 200 km = 50.5 l.
        let m = VehicleClass::RigidMedium.linear_model();
        assert!((m.energy(Distance(200_000), Kilograms(3500.0)) - 50.5).abs() < 1e-12);
    }

    #[test]
    fn from_vehicle_type_takes_first_dimension_as_payload() {
        let mut vt = VehicleType::new("truck", 1, Load::new(vec![7000, 33]), SiteId(0));
        assert!(LinearConsumption::from_vehicle_type(&vt).is_err());
        vt.energy = Some(VehicleClass::RigidMedium.energy_profile());
        let m = LinearConsumption::from_vehicle_type(&vt).unwrap();
        assert_eq!(m, VehicleClass::RigidMedium.linear_model());
    }

    #[test]
    fn full_below_empty_is_refused() {
        let err = LinearConsumption::new(EnergyCarrier::Diesel, 30.0, 20.0, Kilograms(1000.0));
        assert!(
            matches!(err, Err(CostError::InvalidInput { ref item, .. }) if item == "linear consumption full_per_100km")
        );
    }
}
