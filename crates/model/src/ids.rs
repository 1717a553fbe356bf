//! Typed ids: `u32` newtypes that index the problem's flat vectors.

use std::fmt;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident, $prefix:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
        pub struct $name(pub u32);

        impl $name {
            /// The id as a vector index.
            #[must_use]
            pub const fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of the item at `index`.
            ///
            /// # Panics
            /// If `index` does not fit in `u32`; use [`Self::try_from_index`] to get `None` instead.
            #[must_use]
            pub fn from_index(index: usize) -> Self {
                Self::try_from_index(index).expect(concat!(stringify!($name), " index overflows u32"))
            }

            /// The id of the item at `index`, or `None` if it does not fit in `u32`.
            #[must_use]
            pub fn try_from_index(index: usize) -> Option<Self> {
                u32::try_from(index).ok().map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

typed_id!(
    /// Index of a [`Site`](crate::Site) in [`Problem::sites`](crate::Problem::sites); also its row
    /// and column in the travel matrix.
    SiteId,
    "site#"
);
typed_id!(
    /// Index of a [`Job`](crate::Job) in [`Problem::jobs`](crate::Problem::jobs).
    JobId,
    "job#"
);
typed_id!(
    /// Index of a [`VehicleType`](crate::VehicleType) in
    /// [`Problem::vehicle_types`](crate::Problem::vehicle_types).
    VehicleTypeId,
    "vehicle-type#"
);
typed_id!(
    /// Index of a [`Part`](crate::Part) in [`Problem::parts`](crate::Problem::parts).
    PartId,
    "part#"
);
typed_id!(
    /// Index of a [`ContainerType`](crate::ContainerType) in
    /// [`Problem::containers`](crate::Problem::containers).
    ContainerId,
    "container#"
);
typed_id!(
    /// Index of a [`BreakRule`](crate::BreakRule) in its vehicle type's
    /// [`breaks`](crate::VehicleType::breaks).
    BreakId,
    "break#"
);
typed_id!(
    /// Index of a skill name in [`Problem::skills`](crate::Problem::skills).
    SkillId,
    "skill#"
);
