//! Unit newtypes: distances, durations, money and multi-dimensional loads.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};

macro_rules! integer_unit {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
        pub struct $name(pub i64);

        impl $name {
            /// Zero of this unit.
            pub const ZERO: Self = Self(0);
            /// The largest representable value, used as "unbounded".
            pub const MAX: Self = Self(i64::MAX);

            /// The raw integer value.
            #[must_use]
            pub const fn get(self) -> i64 {
                self.0
            }

            /// Addition that saturates at the numeric bounds instead of overflowing.
            #[must_use]
            pub const fn saturating_add(self, other: Self) -> Self {
                Self(self.0.saturating_add(other.0))
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
        impl Mul<i64> for $name {
            type Output = Self;
            fn mul(self, rhs: i64) -> Self {
                Self(self.0 * rhs)
            }
        }
        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|v| v.0).sum())
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

integer_unit!(
    /// A distance in the travel matrix's unit.
    ///
    /// # Units
    /// Metres for real-world problems (coordinates in lat/lon, road networks). For benchmark
    /// instances the unit follows the instance's rounding convention: for example one tenth of a
    /// coordinate unit under the DIMACS one-decimal truncation.
    Distance
);
integer_unit!(
    /// A duration, or an instant measured from the start of the planning day or horizon.
    ///
    /// # Units
    /// Seconds for real-world problems; benchmark instances use the instance's time unit scaled
    /// like its distances.
    Duration
);
integer_unit!(
    /// An amount of money in minor units (cents, pence...), currency-agnostic.
    ///
    /// # Units
    /// Minor units of whatever currency the caller uses; never a float.
    Money
);

impl Duration {
    /// `hours` hours in seconds.
    #[must_use]
    pub const fn hours(hours: i64) -> Self {
        Self(hours * 3600)
    }
    /// `minutes` minutes in seconds.
    #[must_use]
    pub const fn minutes(minutes: i64) -> Self {
        Self(minutes * 60)
    }
    /// Formats an instant in seconds as `HH:MM` (days beyond the first add 24 h per day).
    #[must_use]
    pub fn hhmm(self) -> String {
        let minutes = self.0.div_euclid(60);
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// A mass in kilograms.
///
/// # Units
/// Kilograms.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
pub struct Kilograms(pub f64);

/// A volume in cubic metres.
///
/// # Units
/// Cubic metres.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
pub struct CubicMetres(pub f64);

/// A time window `[open, close]`, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TimeWindow {
    /// Earliest start of service.
    pub open: Duration,
    /// Latest start of service.
    pub close: Duration,
}

impl TimeWindow {
    /// A window that is always open.
    pub const ALWAYS: Self = Self { open: Duration(0), close: Duration(i64::MAX) };

    /// The window `[open, close]`; validity (`open <= close`) is checked when the problem is built.
    #[must_use]
    pub const fn new(open: Duration, close: Duration) -> Self {
        Self { open, close }
    }

    /// Whether `t` lies inside the window.
    #[must_use]
    pub fn contains(&self, t: Duration) -> bool {
        self.open <= t && t <= self.close
    }
}

/// A multi-dimensional quantity: one integer amount per capacity dimension (kg, litres, pallets,
/// containers... the problem decides what each dimension means).
///
/// # Units
/// Each dimension in the unit the problem declares for it; integers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
pub struct Load(pub Vec<i64>);

impl Load {
    /// A load from its amounts per dimension.
    #[must_use]
    pub fn new(amounts: Vec<i64>) -> Self {
        Self(amounts)
    }
    /// A one-dimensional load.
    #[must_use]
    pub fn single(amount: i64) -> Self {
        Self(vec![amount])
    }
    /// The zero load with `dims` dimensions.
    #[must_use]
    pub fn zero(dims: usize) -> Self {
        Self(vec![0; dims])
    }
    /// Number of dimensions.
    #[must_use]
    pub fn dims(&self) -> usize {
        self.0.len()
    }
    /// The amounts, one per dimension.
    #[must_use]
    pub fn amounts(&self) -> &[i64] {
        &self.0
    }
    /// Whether every amount is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|&a| a == 0)
    }
    /// Adds `other` dimension by dimension (missing dimensions count as zero).
    pub fn add_assign(&mut self, other: &Load) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += b;
        }
    }
    /// Subtracts `other` dimension by dimension (missing dimensions count as zero).
    pub fn sub_assign(&mut self, other: &Load) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a -= b;
        }
    }
    /// The dimensions (index, amount, capacity) where this load exceeds `capacity`.
    pub fn excess_over<'a>(&'a self, capacity: &'a Load) -> impl Iterator<Item = (usize, i64, i64)> + 'a {
        self.0.iter().enumerate().filter_map(move |(d, &a)| {
            let cap = capacity.0.get(d).copied().unwrap_or(0);
            (a > cap).then_some((d, a, cap))
        })
    }
    /// Whether the load fits within `capacity` in every dimension.
    #[must_use]
    pub fn fits_within(&self, capacity: &Load) -> bool {
        self.excess_over(capacity).next().is_none()
    }
}

impl fmt::Display for Load {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.len() == 1 {
            return write!(f, "{}", self.0[0]);
        }
        write!(f, "[")?;
        for (i, a) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{a}")?;
        }
        write!(f, "]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_arithmetic_and_fit() {
        let mut a = Load::new(vec![3, 4]);
        a.add_assign(&Load::new(vec![1, 1]));
        assert_eq!(a, Load::new(vec![4, 5]));
        assert!(a.fits_within(&Load::new(vec![4, 5])));
        assert_eq!(a.excess_over(&Load::new(vec![4, 4])).collect::<Vec<_>>(), vec![(1, 5, 4)]);
        a.sub_assign(&Load::new(vec![4, 5]));
        assert!(a.is_zero());
    }

    #[test]
    fn hhmm_formats_instants() {
        assert_eq!(Duration::hours(6).hhmm(), "06:00");
        assert_eq!((Duration::hours(25) + Duration::minutes(7)).hhmm(), "25:07");
    }
}
