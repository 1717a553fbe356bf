//! File formats of milkrun: the only crate that reads or writes files.
//!
//! Readers for the benchmark families (VRPLIB CVRP, VRPTW, VRPB, MTVRPTWR and HFVRP; Solomon;
//! Li & Lim; the IRP format), the VRPLIB `.sol` reader and writer, a documented JSON format for
//! problems and solutions, and GeoJSON/SVG export of routes. Readers take text and return a
//! validated [`Instance`]; errors carry the line and the reason.
//!
//! ```
//! let text = "NAME : tiny\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n\
//!             NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\nDEMAND_SECTION\n1 0\n2 4\n3 5\n\
//!             DEPOT_SECTION\n1\n-1\nEOF\n";
//! let instance = milkrun_formats::read_vrplib(text, &Default::default())?;
//! assert_eq!(instance.problem.jobs().len(), 2);
//! # Ok::<(), milkrun_formats::FormatError>(())
//! ```
#![deny(missing_docs)]

mod error;
mod geojson;
mod instance;
mod irp;
mod json;
mod lilim;
#[doc(hidden)]
pub mod properties;
mod sol;
mod solomon;
mod svg;
mod text;
mod vrplib;

pub use crate::error::{FormatError, MAX_ITEMS};
pub use crate::geojson::routes_to_geojson;
pub use crate::instance::{CostUnits, Instance};
pub use crate::irp::{read_irp, read_irp_bounds, write_irp, IrpInstance, IrpRetailer, IrpSupplier};
pub use crate::json::{
    problem_from_json, problem_to_json, solution_from_json, solution_to_json, JSON_PROBLEM_FORMAT,
    JSON_SOLUTION_FORMAT, JSON_VERSION,
};
pub use crate::lilim::{read_lilim, write_lilim};
pub use crate::sol::{read_sol, write_sol, SolFile};
pub use crate::solomon::{read_solomon, write_solomon, SOLOMON_DEFAULT_SCALE};
pub use crate::svg::{line_chart_svg, network_map_svg, routes_svg, MapPath, MapPlace};
pub use crate::vrplib::{read_vrplib, write_vrplib, HfvrpCost, VrplibOptions, VrplibType};

/// Reads a whole file to a string, mapping the error to [`FormatError::Io`].
///
/// # Errors
/// [`FormatError::Io`] naming the path.
pub fn read_to_string(path: impl AsRef<std::path::Path>) -> Result<String, FormatError> {
    let path = path.as_ref();
    std::fs::read_to_string(path).map_err(|source| FormatError::Io { path: path.to_path_buf(), source })
}

/// Writes a string to a file, creating parent folders, mapping the error to [`FormatError::Io`].
///
/// # Errors
/// [`FormatError::Io`] naming the path.
pub fn write_string(path: impl AsRef<std::path::Path>, text: &str) -> Result<(), FormatError> {
    let path = path.as_ref();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| FormatError::Io { path: dir.to_path_buf(), source })?;
    }
    std::fs::write(path, text).map_err(|source| FormatError::Io { path: path.to_path_buf(), source })
}
