//! Sites: plants, warehouses, depots, suppliers, stores and hubs, with their calendars.

use crate::units::TimeWindow;

/// Where a site is.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum Coordinates {
    /// Planar coordinates (benchmark instances, plant floor plans).
    ///
    /// # Units
    /// Whatever the instance uses; metres for floor plans.
    Planar {
        /// Horizontal coordinate.
        x: f64,
        /// Vertical coordinate.
        y: f64,
    },
    /// Geographic coordinates (WGS84).
    ///
    /// # Units
    /// Decimal degrees.
    LatLon {
        /// Latitude in degrees, -90..=90.
        lat: f64,
        /// Longitude in degrees, -180..=180.
        lon: f64,
    },
}

impl Coordinates {
    /// The two numbers as `(x, y)`: `(x, y)` for planar, `(lon, lat)` for geographic coordinates.
    #[must_use]
    pub fn xy(&self) -> (f64, f64) {
        match *self {
            Coordinates::Planar { x, y } => (x, y),
            Coordinates::LatLon { lat, lon } => (lon, lat),
        }
    }
}

/// What role a site plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum SiteKind {
    /// A plant that consumes parts (the usual end of an inbound milk run).
    Plant,
    /// A warehouse or distribution centre.
    Warehouse,
    /// A vehicle depot.
    Depot,
    /// A supplier that ships parts.
    Supplier,
    /// A store or customer that receives goods.
    Customer,
    /// A cross-dock or consolidation hub.
    Hub,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// All seven days, Monday first.
    pub const ALL: [Weekday; 7] =
        [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

    /// Monday = 0 ... Sunday = 6.
    #[must_use]
    pub const fn number(self) -> u32 {
        self as u32
    }

    /// The weekday `days` days after this one.
    #[must_use]
    pub const fn plus(self, days: u32) -> Weekday {
        // In 64 bits: `days` may be any u32.
        Weekday::ALL[((self as u64 + days as u64) % 7) as usize]
    }
}

/// A set of weekdays, stored as a bit mask (bit 0 = Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WeekdaySet(pub(crate) u8);

impl WeekdaySet {
    /// Every day of the week.
    pub const ALL: Self = Self(0x7f);
    /// Monday to Friday.
    pub const WORKDAYS: Self = Self(0x1f);
    /// No day.
    pub const EMPTY: Self = Self(0);

    /// The set of the given days.
    #[must_use]
    pub fn of(days: &[Weekday]) -> Self {
        Self(days.iter().fold(0, |m, d| m | (1 << d.number())))
    }
    /// Whether `day` is in the set.
    #[must_use]
    pub const fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day as u32) != 0
    }
    /// Number of days in the set.
    #[must_use]
    pub const fn len(self) -> u32 {
        (self.0 & 0x7f).count_ones()
    }
    /// Whether the set is empty.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
    /// The days in the set, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        Weekday::ALL.into_iter().filter(move |d| self.contains(*d))
    }
}

/// When a site is open: days of the week, minus holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Calendar {
    /// Days of the week the site works.
    pub open_days: WeekdaySet,
    /// Closed days, as day indices from the start of the planning horizon (day 0).
    pub holidays: Vec<u32>,
}

impl Default for Calendar {
    fn default() -> Self {
        Self { open_days: WeekdaySet::ALL, holidays: Vec::new() }
    }
}

impl Calendar {
    /// Whether the site is open on horizon day `day`, given the weekday of day 0.
    #[must_use]
    pub fn is_open(&self, day: u32, first_weekday: Weekday) -> bool {
        self.open_days.contains(first_weekday.plus(day)) && !self.holidays.contains(&day)
    }
}

/// A place vehicles visit.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Site {
    /// A human-readable name, used in error messages and reports.
    pub name: String,
    /// The role of the site.
    pub kind: SiteKind,
    /// Where it is.
    pub location: Coordinates,
    /// Opening hours within a day; empty means always open. Windows must not overlap and are
    /// sorted by the problem when it is built.
    #[cfg_attr(feature = "serde", serde(default))]
    pub windows: Vec<TimeWindow>,
    /// Days the site works.
    #[cfg_attr(feature = "serde", serde(default))]
    pub calendar: Calendar,
}

impl Site {
    /// A site open every day, all day.
    #[must_use]
    pub fn new(name: impl Into<String>, kind: SiteKind, location: Coordinates) -> Self {
        Self { name: name.into(), kind, location, windows: Vec::new(), calendar: Calendar::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_respects_weekdays_and_holidays() {
        let cal = Calendar { open_days: WeekdaySet::WORKDAYS, holidays: vec![2] };
        // Day 0 is a Thursday: Thu open, Fri open, Sat closed (and a holiday), Mon (day 4) open.
        assert!(cal.is_open(0, Weekday::Thu));
        assert!(cal.is_open(1, Weekday::Thu));
        assert!(!cal.is_open(2, Weekday::Thu));
        assert!(!cal.is_open(3, Weekday::Thu));
        assert!(cal.is_open(4, Weekday::Thu));
        assert_eq!(WeekdaySet::of(&[Weekday::Mon, Weekday::Fri]).len(), 2);
    }
}
