//! The inventory routing format of Archetti et al. (2007), as distributed with the DIMACS 12th
//! implementation challenge and `InventoryRoutingProblems.jl`.
//!
//! ```text
//! 6  3  144  2
//! 0  154.0  417.0  510  193  0.30
//! 1  172.0  334.0  130  195  0  65  0.23
//! ```
//!
//! Line 1: `nodes H C K`: nodes including the supplier, horizon in periods, vehicle capacity,
//! number of vehicles. Supplier line: `0 x y I0 r h`: initial stock, production per period,
//! holding cost per unit and period. Retailer lines `i x y I0 U L r h`, `i` = 1, 2... in order:
//! initial stock, maximum level, minimum level, consumption per period, holding cost. Stocks,
//! levels, rates and the capacity are integers; coordinates and holding costs are decimals.
//! Travel cost is the Euclidean distance rounded to the nearest integer
//! ([`IrpInstance::distance`]).
//!
//! The inventory-routing domain types do not exist yet, so the reader returns this plain
//! [`IrpInstance`] rather than a model problem.
//!
//! # Reference
//! C. Archetti, L. Bertazzi, G. Laporte, M. G. Speranza, A branch-and-cut algorithm for a
//! vendor-managed inventory-routing problem, Transportation Science 41(3), 2007.

use std::fmt::Write as _;

use crate::error::FormatError;
use crate::text::{self, Line};

/// The supplier (node 0): where the vehicles start and the product is made.
///
/// # Units
/// Quantities in product units; holding cost in money per unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct IrpSupplier {
    /// Horizontal coordinate.
    pub x: f64,
    /// Vertical coordinate.
    pub y: f64,
    /// Stock at the start of period 1.
    pub initial: i64,
    /// Units made per period.
    pub production: i64,
    /// Cost of holding one unit for one period.
    pub holding_cost: f64,
}

/// A retailer: a customer whose stock the supplier manages.
///
/// # Units
/// Quantities in product units; holding cost in money per unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct IrpRetailer {
    /// Horizontal coordinate.
    pub x: f64,
    /// Vertical coordinate.
    pub y: f64,
    /// Stock at the start of period 1.
    pub initial: i64,
    /// Largest stock allowed (U).
    pub max_level: i64,
    /// Smallest stock allowed (L).
    pub min_level: i64,
    /// Units consumed per period.
    pub consumption: i64,
    /// Cost of holding one unit for one period.
    pub holding_cost: f64,
}

/// An inventory routing instance as the file states it.
///
/// Invariants checked by [`read_irp`]: every quantity is non-negative and finite, every
/// retailer's `min_level <= max_level`. `initial` is not required to lie within the levels.
#[derive(Debug, Clone, PartialEq)]
pub struct IrpInstance {
    /// Instance name (from the file name; the format has none).
    pub name: String,
    /// Number of periods H.
    pub horizon: u32,
    /// Capacity of each vehicle C.
    pub vehicle_capacity: i64,
    /// Number of vehicles K.
    pub vehicles: u32,
    /// The supplier, node 0.
    pub supplier: IrpSupplier,
    /// The retailers; retailer `k` is node `k + 1`.
    pub retailers: Vec<IrpRetailer>,
}

impl IrpInstance {
    /// Number of nodes, the supplier included.
    #[must_use]
    pub fn nodes(&self) -> usize {
        self.retailers.len() + 1
    }

    /// Coordinates of node `i` (0 = the supplier, `k + 1` = retailer `k`), if it exists.
    #[must_use]
    pub fn position(&self, i: usize) -> Option<(f64, f64)> {
        match i.checked_sub(1) {
            None => Some((self.supplier.x, self.supplier.y)),
            Some(k) => self.retailers.get(k).map(|r| (r.x, r.y)),
        }
    }

    /// Travel cost between nodes `i` and `j` (0 = the supplier): the Euclidean distance rounded
    /// to the nearest integer, or `None` if a node does not exist.
    #[must_use]
    pub fn try_distance(&self, i: usize, j: usize) -> Option<i64> {
        let ((x1, y1), (x2, y2)) = (self.position(i)?, self.position(j)?);
        // Coordinates are finite and below 10^12 in a read instance: the cast is exact.
        Some((x1 - x2).hypot(y1 - y2).round() as i64)
    }

    /// Travel cost between nodes `i` and `j` (0 = the supplier): the Euclidean distance rounded
    /// to the nearest integer.
    ///
    /// # Panics
    /// If `i` or `j` is not below [`IrpInstance::nodes`]; [`IrpInstance::try_distance`] returns
    /// `None` instead.
    #[must_use]
    pub fn distance(&self, i: usize, j: usize) -> i64 {
        match self.try_distance(i, j) {
            Some(d) => d,
            None => panic!("IRP node {} out of range (the instance has {} nodes)", i.max(j), self.nodes()),
        }
    }
}

/// Reads an IRP instance.
///
/// # Arguments
/// `text`: the file's content. `name`: the instance name (usually the file's stem).
///
/// # Errors
/// [`FormatError::Parse`] naming the line for a bad or negative number, a node out of order, a
/// minimum level above the maximum, more node lines than the header declares, or fewer (a
/// truncated file); [`FormatError::TooLarge`] for a hostile node, period or vehicle count.
///
/// # Complexity
/// O(n) time and space for n nodes.
///
/// # Example
/// ```
/// let text = "2 3 100 1\n0 0.0 0.0 50 20 0.3\n1 3.0 4.0 10 40 0 5 0.2\n";
/// let irp = milkrun_formats::read_irp(text, "tiny")?;
/// assert_eq!((irp.horizon, irp.retailers.len()), (3, 1));
/// assert_eq!(irp.distance(0, 1), 5);
/// # Ok::<(), milkrun_formats::FormatError>(())
/// ```
pub fn read_irp(text: &str, name: &str) -> Result<IrpInstance, FormatError> {
    let mut lines = text::lines(text);
    let header = lines.next().ok_or_else(|| FormatError::parse(1, "empty file: expected 'nodes H C K'"))?;
    let h = header.number;
    let [nodes, horizon, capacity, vehicles] = header.expect_fields(4, "header 'nodes H C K'")? else {
        return Err(FormatError::parse(h, "expected 4 fields"));
    };
    let nodes = text::count(h, "nodes", nodes)? as usize;
    if nodes == 0 {
        return Err(FormatError::parse(h, "no nodes: the supplier is node 0"));
    }
    let horizon = text::count(h, "horizon", horizon)?;
    let vehicle_capacity = text::non_negative(h, "vehicle capacity", capacity)?;
    let vehicles = text::count(h, "vehicles", vehicles)?;

    let supplier_line = lines.next().ok_or_else(|| FormatError::parse(h + 1, "file ends before the supplier"))?;
    let supplier = parse_supplier(&supplier_line)?;
    let mut retailers = Vec::new();
    let mut last = supplier_line.number;
    for line in lines {
        if retailers.len() + 1 == nodes {
            return Err(FormatError::parse(line.number, format!("more node lines than the header's {nodes}")));
        }
        retailers.push(parse_retailer(&line, retailers.len() + 1)?);
        last = line.number;
    }
    if retailers.len() + 1 != nodes {
        return Err(FormatError::parse(
            last + 1,
            format!("file ends after {} of the header's {nodes} nodes", retailers.len() + 1),
        ));
    }
    Ok(IrpInstance { name: name.to_string(), horizon, vehicle_capacity, vehicles, supplier, retailers })
}

fn check_id(line: &Line<'_>, id: &str, expected: usize) -> Result<(), FormatError> {
    let id = text::non_negative(line.number, "node", id)?;
    if usize::try_from(id).ok() != Some(expected) {
        return Err(FormatError::parse(line.number, format!("node {id} out of order: expected {expected}")));
    }
    Ok(())
}

fn parse_supplier(line: &Line<'_>) -> Result<IrpSupplier, FormatError> {
    let l = line.number;
    let [id, x, y, initial, production, holding] = line.expect_fields(6, "supplier 'i x y I0 r h'")? else {
        return Err(FormatError::parse(l, "expected 6 fields"));
    };
    check_id(line, id, 0)?;
    Ok(IrpSupplier {
        x: text::real(l, "x coordinate", x)?,
        y: text::real(l, "y coordinate", y)?,
        initial: text::non_negative(l, "initial stock", initial)?,
        production: text::non_negative(l, "production", production)?,
        holding_cost: text::non_negative_real(l, "holding cost", holding)?,
    })
}

fn parse_retailer(line: &Line<'_>, expected: usize) -> Result<IrpRetailer, FormatError> {
    let l = line.number;
    let [id, x, y, initial, max, min, consumption, holding] = line.expect_fields(8, "retailer 'i x y I0 U L r h'")?
    else {
        return Err(FormatError::parse(l, "expected 8 fields"));
    };
    check_id(line, id, expected)?;
    let retailer = IrpRetailer {
        x: text::real(l, "x coordinate", x)?,
        y: text::real(l, "y coordinate", y)?,
        initial: text::non_negative(l, "initial stock", initial)?,
        max_level: text::non_negative(l, "maximum level", max)?,
        min_level: text::non_negative(l, "minimum level", min)?,
        consumption: text::non_negative(l, "consumption", consumption)?,
        holding_cost: text::non_negative_real(l, "holding cost", holding)?,
    };
    if retailer.min_level > retailer.max_level {
        return Err(FormatError::parse(
            l,
            format!("minimum level {} is above the maximum level {}", retailer.min_level, retailer.max_level),
        ));
    }
    Ok(retailer)
}

/// Writes an IRP instance in the file format, tab-separated: the inverse of [`read_irp`] (the
/// name is not written; decimals are written in the shortest form that reads back exactly).
///
/// # Complexity
/// O(n) for n nodes.
#[must_use]
pub fn write_irp(irp: &IrpInstance) -> String {
    let mut out = format!("{}\t{}\t{}\t{}\n", irp.nodes(), irp.horizon, irp.vehicle_capacity, irp.vehicles);
    let s = &irp.supplier;
    // Writing to a String cannot fail.
    let _ = writeln!(out, "0\t{:?}\t{:?}\t{}\t{}\t{:?}", s.x, s.y, s.initial, s.production, s.holding_cost);
    for (k, r) in irp.retailers.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}\t{:?}\t{:?}\t{}\t{}\t{}\t{}\t{:?}",
            k + 1,
            r.x,
            r.y,
            r.initial,
            r.max_level,
            r.min_level,
            r.consumption,
            r.holding_cost
        );
    }
    out
}

/// Reads the `bounds.txt` of the IRP set: one `name lower upper` line per instance (lower bound
/// 0 when unknown, best-known upper bound).
///
/// # Errors
/// [`FormatError::Parse`] naming the line for a line without three fields, a number that is
/// not finite and non-negative, or a lower bound above the upper bound.
///
/// # Example
/// ```
/// let bounds = milkrun_formats::read_irp_bounds("S_abs1n5_2_H3\t0\t1234.5\n")?;
/// assert_eq!(bounds, vec![("S_abs1n5_2_H3".to_string(), 0.0, 1234.5)]);
/// # Ok::<(), milkrun_formats::FormatError>(())
/// ```
pub fn read_irp_bounds(text: &str) -> Result<Vec<(String, f64, f64)>, FormatError> {
    text::lines(text)
        .map(|line| {
            let l = line.number;
            let [name, lower, upper] = line.expect_fields(3, "bounds 'name lower upper'")? else {
                return Err(FormatError::parse(l, "expected 3 fields"));
            };
            let lower = text::non_negative_real(l, "lower bound", lower)?;
            let upper = text::non_negative_real(l, "upper bound", upper)?;
            if lower > upper {
                return Err(FormatError::parse(l, format!("{name}: lower bound {lower} above upper bound {upper}")));
            }
            Ok((name.to_string(), lower, upper))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::text::tests_support::{files, shared_data};
    use proptest::prelude::*;

    const S5: &str = "6\t3\t144\t2\n0\t154.0\t417.0\t510\t193\t0.30\n1\t172.0\t334.0\t130\t195\t0\t65\t0.23\n\
        2\t267.0\t87.0\t70\t105\t0\t35\t0.32\n3\t148.0\t433.0\t58\t116\t0\t58\t0.33\n\
        4\t355.0\t444.0\t48\t72\t0\t24\t0.23\n5\t38.0\t152.0\t11\t22\t0\t11\t0.18\n";

    #[test]
    fn reads_a_small_instance() {
        let irp = read_irp(S5, "S_abs1n5_2_H3").unwrap();
        assert_eq!((irp.nodes(), irp.horizon, irp.vehicle_capacity, irp.vehicles), (6, 3, 144, 2));
        assert_eq!(irp.supplier, IrpSupplier { x: 154.0, y: 417.0, initial: 510, production: 193, holding_cost: 0.3 });
        let r = &irp.retailers[4];
        assert_eq!((r.x, r.y, r.initial, r.max_level, r.min_level, r.consumption), (38.0, 152.0, 11, 22, 0, 11));
        assert_eq!(r.holding_cost, 0.18);
        // (154, 417) to (172, 334): sqrt(18² + 83²) = 84.93
        assert_eq!(irp.distance(0, 1), 85);
        assert_eq!(irp.distance(1, 0), 85);
        assert_eq!(irp.distance(3, 3), 0);
        assert_eq!(irp.try_distance(0, 6), None);
        assert_eq!(read_irp(&write_irp(&irp), &irp.name).unwrap(), irp);
    }

    #[test]
    fn errors_name_the_line() {
        let err = |text: &str| read_irp(text, "t").unwrap_err().to_string();
        let e = err(&S5.replace("0\t58\t0.33", "0\t5x\t0.33"));
        assert!(e.starts_with("line 5:"), "{e}");
        let e = err(&S5.replace("\t0\t24\t", "\t100\t24\t"));
        assert!(e.starts_with("line 6:") && e.contains("minimum level"), "{e}");
        let e = err(&S5.replace("0.18", "-0.18"));
        assert!(e.starts_with("line 7:") && e.contains("negative"), "{e}");
        let e = err(&S5.replace("0.18", "inf"));
        assert!(e.starts_with("line 7:"), "{e}");
        let e = err(&S5.replace("3\t148.0", "4\t148.0"));
        assert!(e.starts_with("line 5:") && e.contains("out of order"), "{e}");
        let e = err(&S5.replacen("6\t3", "5\t3", 1));
        assert!(e.starts_with("line 7:") && e.contains("more node lines"), "{e}");
        let e = err(&S5.replacen("6\t3", "1000000000000\t3", 1));
        assert!(e.starts_with("line 1:") && e.contains("limit"), "{e}");
        let truncated = S5.lines().take(4).collect::<Vec<_>>().join("\n");
        let e = err(&truncated);
        assert!(e.starts_with("line 5:") && e.contains("file ends"), "{e}");
        assert!(read_irp("", "t").is_err());
        assert!(read_irp("0 1 1 1\n", "t").is_err());
        assert!(read_irp("1 1 1 1\n", "t").is_err());
        assert!(read_irp("1 1 1 1\n0 0 0 0 0 0\n", "t").is_ok());
    }

    #[test]
    fn bounds() {
        let b = read_irp_bounds("a\t0\t5.5\n\nb 1 2\n").unwrap();
        assert_eq!(b, vec![("a".into(), 0.0, 5.5), ("b".into(), 1.0, 2.0)]);
        assert!(read_irp_bounds("a 3 2\n").unwrap_err().to_string().starts_with("line 1:"));
        assert!(read_irp_bounds("a 0 2\nb 0\n").unwrap_err().to_string().starts_with("line 2:"));
        assert!(read_irp_bounds("a 0 x\n").is_err());
    }

    #[test]
    fn every_irp_file_reads_and_round_trips() {
        let Some(dir) = shared_data("IRP") else { return };
        let mut n = 0;
        for f in files(&dir, "dat") {
            let text = crate::read_to_string(&f).unwrap();
            let name = f.file_stem().unwrap().to_string_lossy();
            let irp = read_irp(&text, &name).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert_eq!(read_irp(&write_irp(&irp), &name).unwrap(), irp);
            n += 1;
        }
        assert!(n >= 344, "only {n} files");
        let bounds = read_irp_bounds(&crate::read_to_string(dir.join("bounds.txt")).unwrap()).unwrap();
        assert_eq!(bounds.len(), 344);
        assert!(bounds.iter().all(|(name, _, ub)| dir.join(format!("{name}.dat")).is_file() && *ub > 0.0));
    }

    fn coordinate() -> impl Strategy<Value = f64> {
        prop_oneof![(0i32..500).prop_map(f64::from), -1e6f64..1e6]
    }

    fn retailer() -> impl Strategy<Value = IrpRetailer> {
        (coordinate(), coordinate(), 0i64..500, 0i64..500, 0i64..500, 0i64..100, 0.0f64..1.0).prop_map(
            |(x, y, initial, a, b, consumption, holding_cost)| IrpRetailer {
                x,
                y,
                initial,
                max_level: a.max(b),
                min_level: a.min(b),
                consumption,
                holding_cost,
            },
        )
    }

    proptest! {
        #[test]
        fn write_then_read_gives_the_same_instance(
            horizon in 1u32..10,
            vehicle_capacity in 0i64..10_000,
            vehicles in 1u32..5,
            supplier in (coordinate(), coordinate(), 0i64..10_000, 0i64..1000, 0.0f64..1.0),
            retailers in prop::collection::vec(retailer(), 0..8),
        ) {
            let (x, y, initial, production, holding_cost) = supplier;
            let irp = IrpInstance {
                name: "gen".into(),
                horizon,
                vehicle_capacity,
                vehicles,
                supplier: IrpSupplier { x, y, initial, production, holding_cost },
                retailers,
            };
            let written = write_irp(&irp);
            prop_assert_eq!(read_irp(&written, "gen").unwrap(), irp);
        }
    }
}
