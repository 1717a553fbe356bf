//! Parts (SKUs) and the returnable containers they travel in.

use crate::ids::{ContainerId, SiteId};
use crate::units::{CubicMetres, Kilograms};

/// A container type: a returnable bin, a pallet, a rack.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ContainerType {
    /// Name, for reports and errors.
    pub name: String,
    /// Parts per full container.
    pub parts_per_container: u32,
    /// Empty weight of the container.
    pub tare: Kilograms,
    /// Outer volume of the container (full or empty, unless collapsible).
    pub volume: CubicMetres,
    /// Volume of an empty container on the way back (smaller when collapsible).
    pub empty_volume: CubicMetres,
    /// Whether empties go back to the supplier.
    pub returnable: bool,
}

/// A part or stock-keeping unit.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Part {
    /// Part number or name.
    pub name: String,
    /// Weight of one unit.
    pub unit_weight: Kilograms,
    /// Volume of one unit.
    pub unit_volume: CubicMetres,
    /// The container it travels in, if any.
    #[cfg_attr(feature = "serde", serde(default))]
    pub container: Option<ContainerId>,
    /// The supplier site that ships it, if known.
    #[cfg_attr(feature = "serde", serde(default))]
    pub supplier: Option<SiteId>,
}
