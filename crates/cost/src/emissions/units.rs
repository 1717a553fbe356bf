//! Units of the emissions module: kilograms of CO2e, tonne-kilometres, intensities, speeds and
//! the units energy carriers are counted in.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};

use milkrun_model::{Distance, Kilograms};

macro_rules! float_unit {
    ($(#[$meta:meta])* $name:ident, $suffix:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
        pub struct $name(pub f64);

        impl $name {
            /// Zero of this unit.
            pub const ZERO: Self = Self(0.0);

            /// The raw value.
            #[must_use]
            pub const fn get(self) -> f64 {
                self.0
            }

            /// Whether the value is neither NaN nor infinite.
            #[must_use]
            pub fn is_finite(self) -> bool {
                self.0.is_finite()
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }
        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }
        impl Neg for $name {
            type Output = Self;
            fn neg(self) -> Self {
                Self(-self.0)
            }
        }
        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }
        impl SubAssign for $name {
            fn sub_assign(&mut self, rhs: Self) {
                self.0 -= rhs.0;
            }
        }
        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, rhs: f64) -> Self {
                Self(self.0 * rhs)
            }
        }
        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|v| v.0).sum())
            }
        }
        impl<'a> Sum<&'a $name> for $name {
            fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
                Self(iter.map(|v| v.0).sum())
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)?;
                f.write_str($suffix)
            }
        }
    };
}

float_unit!(
    /// A mass of greenhouse gases expressed as carbon dioxide equivalent.
    ///
    /// # Units
    /// Kilograms of CO2e (100-year global warming potentials, as the emission factors that
    /// produced the value define them: DESNZ and GLEC use IPCC AR5/AR6 GWP100).
    Co2e,
    " kg CO2e"
);
float_unit!(
    /// Transport activity: the mass of freight times the distance it is carried.
    ///
    /// # Units
    /// Tonne-kilometres (t·km).
    TonneKm,
    " tkm"
);
float_unit!(
    /// An emission intensity of transport.
    ///
    /// # Units
    /// Kilograms of CO2e per tonne-kilometre.
    Co2ePerTonneKm,
    " kg CO2e/tkm"
);
float_unit!(
    /// An emission intensity of hub operations.
    ///
    /// # Units
    /// Kilograms of CO2e per tonne of freight handled.
    Co2ePerTonne,
    " kg CO2e/t"
);
float_unit!(
    /// A speed.
    ///
    /// # Units
    /// Metres per second.
    MetresPerSecond,
    " m/s"
);

impl Co2e {
    /// The value in kilograms of CO2e.
    #[must_use]
    pub const fn kg(self) -> f64 {
        self.0
    }
}

impl TonneKm {
    /// The transport activity of `load` carried over `distance`.
    ///
    /// # Units
    /// `load` in kilograms and `distance` in metres give tonne-kilometres:
    /// `kg / 1000 × m / 1000`.
    #[must_use]
    pub fn of(load: Kilograms, distance: Distance) -> Self {
        Self(load.0 / 1000.0 * (distance.0 as f64 / 1000.0))
    }
}

impl MetresPerSecond {
    /// A speed given in kilometres per hour.
    #[must_use]
    pub fn from_kmh(kmh: f64) -> Self {
        Self(kmh / 3.6)
    }
}

/// The unit an energy carrier is counted in; emission factors are per unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum EnergyUnit {
    /// Litres (liquid fuels: diesel, HVO, petrol).
    #[cfg_attr(feature = "serde", serde(rename = "l"))]
    Litre,
    /// Kilograms (gaseous fuels: CNG, LNG).
    #[cfg_attr(feature = "serde", serde(rename = "kg"))]
    Kilogram,
    /// Kilowatt-hours (electricity).
    #[cfg_attr(feature = "serde", serde(rename = "kWh"))]
    KilowattHour,
}

impl EnergyUnit {
    /// The symbol used in reports: `l`, `kg` or `kWh` (the iLEAP `energyConsumptionUnit` values).
    #[must_use]
    pub const fn symbol(self) -> &'static str {
        match self {
            Self::Litre => "l",
            Self::Kilogram => "kg",
            Self::KilowattHour => "kWh",
        }
    }
}

impl fmt::Display for EnergyUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Distance in kilometres as a float, for reports and intensities.
pub(crate) fn km(distance: Distance) -> f64 {
    distance.0 as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tonne_km_is_tonnes_times_kilometres() {
        // 7 000 kg over 100 000 m = 7 t × 100 km = 700 tkm.
        assert_eq!(TonneKm::of(Kilograms(7000.0), Distance(100_000)), TonneKm(700.0));
    }

    #[test]
    fn co2e_adds_and_sums() {
        let total: Co2e = [Co2e(1.5), Co2e(2.0), Co2e(0.5)].iter().sum();
        assert_eq!(total, Co2e(4.0));
        assert_eq!(Co2e(1.0) + Co2e(2.0) - Co2e(0.5), Co2e(2.5));
        assert_eq!(format!("{}", Co2e(2.5)), "2.5 kg CO2e");
    }

    #[test]
    fn kmh_converts_to_metres_per_second() {
        assert!((MetresPerSecond::from_kmh(72.0).get() - 20.0).abs() < 1e-12);
    }
}
