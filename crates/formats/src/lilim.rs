//! Li & Lim's pickup and delivery with time windows format (PDPTW).
//!
//! ```text
//! 25  200  1
//! 0  40  50  0  0  1236  0  0  0
//! 1  45  68  -10  912  967  90  11  0
//! 11  35  69  10  448  505  90  0  1
//! ```
//!
//! The first line is `vehicles capacity speed`; then one row per node: `id x y demand ready due
//! service pickup delivery`. Node 0 is the depot; nodes are numbered 0, 1, 2... in order. A
//! pickup row has a positive demand, pickup index 0 and the index of its delivery; a delivery row
//! the opposite demand, the index of its pickup and delivery index 0.
//!
//! # Convention
//! As for Solomon ([`read_solomon`](crate::read_solomon)): unrounded Euclidean distances, travel
//! time equal to distance, everything exact up to `1/scale`, costs published with two decimals.
//! The `speed` field is ignored (the files carry 1 or 0 there; the convention is time = distance)
//! and written as 1.
//!
//! # Mapping
//! Site `i` is node `i` (site 0 the depot, [`SiteKind::Depot`](milkrun_model::SiteKind); the
//! others [`SiteKind::Customer`](milkrun_model::SiteKind), named by their index). One vehicle
//! type as for Solomon. One [`Job::shipment`] per pickup row, in the order of the pickup
//! indices, named `"<pickup>-<delivery>"`, carrying the pickup's demand (dimension "demand").
//!
//! # Reference
//! H. Li and A. Lim, A metaheuristic for the pickup and delivery problem with time windows,
//! ICTAI 2001.

use std::fmt::Write as _;

use milkrun_model::{Duration, Job, JobKind, Load, Problem, TimeWindow};

use crate::error::{check_count, FormatError};
use crate::instance::Instance;
use crate::solomon::{single, time_window_problem, Node};
use crate::text;

/// One parsed row: the node, its demand and its two indices.
struct Row {
    line: usize,
    node: Node,
    demand: i64,
    pickup: usize,
    delivery: usize,
}

/// Reads a Li & Lim PDPTW instance.
///
/// # Arguments
/// `text`: the file's content. `name`: the problem's name (the format has none; usually the
/// file's stem). `scale`: matrix and time units per instance unit
/// ([`SOLOMON_DEFAULT_SCALE`](crate::SOLOMON_DEFAULT_SCALE) keeps three decimals).
///
/// # Returns
/// The problem (see the module docs for the mapping) and the cost convention
/// `CostUnits { divisor: scale, decimals: 2 }`.
///
/// # Errors
/// [`FormatError::Parse`] naming the line for a bad number, a node out of order, an unmatched
/// pickup or delivery, demands that do not cancel, a depot with a demand or service time;
/// [`FormatError::TooLarge`] for a hostile vehicle count; [`FormatError::Model`] if the content is
/// not a valid problem (a demand above the capacity).
///
/// # Complexity
/// O(n²) time and space for the travel matrix of n nodes.
///
/// # Example
/// ```
/// let text = "2 10 1\n0 0 0 0 0 100 0 0 0\n1 3 4 5 0 50 10 0 2\n2 6 8 -5 0 60 10 1 0\n";
/// let instance = milkrun_formats::read_lilim(text, "tiny", 1000)?;
/// assert_eq!(instance.problem.jobs().len(), 1);
/// assert_eq!(instance.problem.jobs()[0].name, "1-2");
/// # Ok::<(), milkrun_formats::FormatError>(())
/// ```
pub fn read_lilim(text: &str, name: &str, scale: u32) -> Result<Instance, FormatError> {
    text::check_scale(scale)?;
    let mut lines = text::lines(text);
    let first = lines.next().ok_or_else(|| FormatError::parse(1, "empty file: expected 'vehicles capacity speed'"))?;
    let [vehicles, capacity, speed] = first.expect_fields(3, "vehicles capacity speed")? else {
        return Err(FormatError::parse(first.number, "expected 3 fields"));
    };
    let vehicles = text::count(first.number, "vehicles", vehicles)?;
    let capacity = text::non_negative(first.number, "capacity", capacity)?;
    text::non_negative_real(first.number, "speed", speed)?;

    let mut rows: Vec<Row> = Vec::new();
    let mut last = first.number;
    for line in lines {
        let l = line.number;
        last = l;
        check_count(l, "nodes", rows.len() as u64 + 1)?;
        let fields = line.expect_fields(9, "node row")?;
        let [id, _, _, demand, _, _, _, pickup, delivery] = fields else {
            return Err(FormatError::parse(l, "expected 9 fields"));
        };
        let id = text::non_negative(l, "node", id)?;
        if usize::try_from(id).ok() != Some(rows.len()) {
            return Err(FormatError::parse(l, format!("node {id} out of order: expected {}", rows.len())));
        }
        let index =
            |what: &'static str, s: &str| -> Result<usize, FormatError> { Ok(text::count(l, what, s)? as usize) };
        rows.push(Row {
            line: l,
            node: Node::parse(l, fields.get(1..).unwrap_or_default(), scale)?,
            demand: text::int(l, "demand", demand)?,
            pickup: index("pickup index", pickup)?,
            delivery: index("delivery index", delivery)?,
        });
    }
    let Some(depot) = rows.first() else {
        return Err(FormatError::parse(last + 1, "file ends before the depot row (node 0)"));
    };
    if depot.demand != 0 || depot.pickup != 0 || depot.delivery != 0 || depot.node.service != Duration::ZERO {
        return Err(FormatError::parse(
            depot.line,
            "the depot (node 0) must have no demand, no service time and pickup and delivery indices 0",
        ));
    }

    let mut jobs = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(1) {
        let l = row.line;
        // The sibling must point back and carry the opposite demand; checking from both ends
        // makes the pairing one-to-one.
        let is_pickup = row.demand > 0 && row.pickup == 0;
        let sibling = match row.demand {
            0 => return Err(FormatError::parse(l, format!("node {i} has demand 0: neither a pickup nor a delivery"))),
            _ if is_pickup => row.delivery,
            d if d < 0 && row.delivery == 0 => row.pickup,
            _ => {
                return Err(FormatError::parse(
                    l,
                    format!(
                        "node {i}: a pickup (positive demand) needs pickup index 0 and its delivery's index, \
                         a delivery (negative demand) its pickup's index and delivery index 0"
                    ),
                ))
            }
        };
        let Some(other) = rows.get(sibling).filter(|_| sibling != 0) else {
            return Err(FormatError::parse(l, format!("node {i}: its sibling {sibling} is not a node")));
        };
        let back = if is_pickup { (other.delivery, other.pickup) } else { (other.pickup, other.delivery) };
        if back != (0, i) {
            return Err(FormatError::parse(l, format!("node {i}: node {sibling} does not point back to it")));
        }
        if other.demand.checked_neg() != Some(row.demand) {
            return Err(FormatError::parse(
                l,
                format!("node {i}: demand {} does not cancel node {sibling}'s demand {}", row.demand, other.demand),
            ));
        }
        if row.demand > 0 {
            let (pickup, delivery) = (row.node.stop(i), other.node.stop(sibling));
            jobs.push(Job::shipment(format!("{i}-{sibling}"), pickup, delivery, Load::single(row.demand)));
        }
    }
    let nodes: Vec<Node> = rows.iter().map(|r| r.node).collect();
    time_window_problem(name.to_string(), &nodes, vehicles, capacity, jobs, scale)
}

/// Writes a problem as a Li & Lim instance: the inverse of [`read_lilim`] with the same scale (the
/// name is not written: the format has no place for it).
///
/// # Errors
/// [`FormatError::Parse`] (line 0) if the problem does not have the shape [`read_lilim`]
/// produces (see the module docs) and so cannot be written without loss: the message names what
/// differs. Writing checks this by reading its output back.
///
/// # Complexity
/// O(n²): the check rebuilds the travel matrix.
pub fn write_lilim(problem: &Problem, scale: u32) -> Result<String, FormatError> {
    text::check_scale(scale)?;
    let shape = |reason: String| FormatError::parse(0, format!("not a Li & Lim problem: {reason}"));
    let [vehicle] = problem.vehicle_types() else {
        return Err(shape(format!("{} vehicle types, expected one", problem.vehicle_types().len())));
    };
    let capacity = single(&vehicle.capacity).ok_or_else(|| shape("the capacity is not one-dimensional".into()))?;
    // For each site: (demand, window, service, pickup index, delivery index).
    type OutRow = (i64, TimeWindow, Duration, usize, usize);
    let n = problem.sites().len();
    let mut rows: Vec<Option<OutRow>> = vec![None; n];
    if let Some(depot) = rows.first_mut() {
        *depot = Some((0, vehicle.shift, Duration::ZERO, 0, 0));
    }
    for (j, job) in problem.jobs().iter().enumerate() {
        let JobKind::Shipment { pickup, delivery, load, max_ride: None } = &job.kind else {
            return Err(shape(format!("job #{j} is not a shipment without ride-time limit")));
        };
        let amount = single(load).ok_or_else(|| shape(format!("job #{j}'s load is not one-dimensional")))?;
        let (p, d) = (pickup.site.index(), delivery.site.index());
        for (stop, row) in [(pickup, (amount, p, 0, d)), (delivery, (-amount, d, p, 0))] {
            let [window] = stop.windows.as_slice() else {
                return Err(shape(format!("job #{j} has a stop with {} time windows", stop.windows.len())));
            };
            let (demand, site, pickup_index, delivery_index) = row;
            match rows.get_mut(site) {
                Some(slot @ None) => *slot = Some((demand, *window, stop.service, pickup_index, delivery_index)),
                _ => return Err(shape(format!("job #{j} visits site #{site}, which is the depot or used twice"))),
            }
        }
    }
    let mut out = format!("{}\t{capacity}\t1\n", vehicle.count);
    for (i, row) in rows.iter().enumerate() {
        let Some((demand, window, service, p, d)) = row else {
            return Err(shape(format!("site #{i} is visited by no job")));
        };
        let (x, y) = problem.sites().get(i).map_or((f64::NAN, f64::NAN), |s| s.location.xy());
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{i}\t{x}\t{y}\t{demand}\t{}\t{}\t{}\t{p}\t{d}",
            text::unscaled(window.open.get(), scale),
            text::unscaled(window.close.get(), scale),
            text::unscaled(service.get(), scale),
        );
    }
    let back = read_lilim(&out, problem.name(), scale)
        .map_err(|e| shape(format!("the written text does not read back ({e})")))?;
    match text::first_difference(problem.data(), back.problem.data()) {
        None => Ok(out),
        Some(what) => Err(shape(format!("{what} would not read back the same"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::text::tests_support::{files, shared_data};
    use crate::{CostUnits, SOLOMON_DEFAULT_SCALE};
    use milkrun_model::SiteId;
    use proptest::prelude::*;

    const TINY: &str = "2\t50\t1\n0 0 0 0 0 500 0 0 0\n1 3 4 -10 100 200 10 3 0\n2 0 1.5 7 20.25 60 5 0 4\n\
                        3 6 8 10 0 90 10 0 1\n4 1 1 -7 30 300 5 2 0\n";

    #[test]
    fn reads_a_small_instance() {
        let inst = read_lilim(TINY, "tiny", 1000).unwrap();
        let p = &inst.problem;
        assert_eq!((p.name(), p.jobs().len(), p.sites().len()), ("tiny", 2, 5));
        assert_eq!(inst.cost_units, CostUnits { divisor: 1000, decimals: 2 });
        let names: Vec<&str> = p.jobs().iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["2-4", "3-1"]);
        let JobKind::Shipment { pickup, delivery, load, .. } = &p.jobs()[1].kind else { panic!() };
        assert_eq!((pickup.site, delivery.site, load.amounts()), (SiteId(3), SiteId(1), &[10][..]));
        assert_eq!(delivery.windows, vec![TimeWindow::new(Duration(100_000), Duration(200_000))]);
        assert_eq!(pickup.service, Duration(10_000));
        assert_eq!(p.vehicle_types()[0].shift.close, Duration(500_000));
        assert_eq!(p.travel().duration(0, 3).get(), p.travel().distance(0, 3).get());
        assert_eq!(p.travel().distance(0, 3).get(), 10_000);
        let written = write_lilim(p, 1000).unwrap();
        assert_eq!(read_lilim(&written, "tiny", 1000).unwrap().problem, *p);
    }

    #[test]
    fn errors_name_the_line() {
        let err = |text: &str| read_lilim(text, "t", 1000).unwrap_err().to_string();
        let e = err(&TINY.replace("3 6 8 10", "3 6 8 1o"));
        assert!(e.starts_with("line 5:"), "{e}");
        let e = err(&TINY.replace("3 6 8 10", "3 6 8 11"));
        assert!(e.starts_with("line 3:") && e.contains("does not cancel"), "{e}");
        let e = err(&TINY.replace("-10 100 200 10 3 0", "-10 100 200 10 2 0"));
        assert!(e.starts_with("line 3:") && e.contains("point back"), "{e}");
        let e = err(&TINY.replace("-7 30 300 5 2 0", "-7 30 300 5 9 0"));
        assert!(e.starts_with("line 4:"), "{e}");
        let e = err(&TINY.replace("1 3 4 -10", "1 3 4 0"));
        assert!(e.starts_with("line 3:") && e.contains("neither"), "{e}");
        let e = err(&TINY.replace("0 0 0 0 0 500 0 0 0", "0 0 0 0 0 500 0 0 1"));
        assert!(e.starts_with("line 2:"), "{e}");
        let e = err(&TINY.replace("2\t50\t1", "2000000000000\t50\t1"));
        assert!(e.starts_with("line 1:") && e.contains("limit"), "{e}");
        // Truncated: the last delivery is missing.
        let cut = TINY.lines().take(4).collect::<Vec<_>>().join("\n");
        let e = err(&cut);
        assert!(e.starts_with("line 3:"), "{e}");
        assert!(read_lilim("", "t", 1000).is_err());
        assert!(read_lilim("2 50 1\n", "t", 1000).is_err());
    }

    #[test]
    fn writer_rejects_other_shapes() {
        let p = crate::read_solomon(
            "s\nVEHICLE\nNUMBER CAPACITY\n1 10\nCUSTOMER\nCUST\n0 0 0 0 0 9 0\n1 1 1 1 0 9 0\n",
            1000,
        )
        .unwrap();
        let e = write_lilim(&p.problem, 1000).unwrap_err();
        assert!(e.to_string().contains("job #0 is not a shipment"), "{e}");
    }

    #[test]
    fn every_li_lim_benchmark_reads_and_round_trips() {
        let Some(dir) = shared_data("li_lim_100") else { return };
        let mut n = 0;
        for f in files(&dir, "txt") {
            let text = crate::read_to_string(&f).unwrap();
            let name = f.file_stem().unwrap().to_string_lossy();
            let inst =
                read_lilim(&text, &name, SOLOMON_DEFAULT_SCALE).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert!(inst.problem.jobs().len() >= 50, "{}", f.display());
            let written = write_lilim(&inst.problem, SOLOMON_DEFAULT_SCALE).unwrap();
            assert_eq!(read_lilim(&written, &name, SOLOMON_DEFAULT_SCALE).unwrap().problem, inst.problem);
            n += 1;
        }
        assert!(n >= 28, "only {n} files");
    }

    type GenRow = (f64, f64, i64, f64, f64, f64);

    /// A Li & Lim text from generated numbers: `pairs` pairs placed on the nodes in `order`.
    fn render(capacity: i64, depot: GenRow, pairs: &[GenRow], order: &[usize]) -> String {
        let n = 2 * pairs.len();
        // rows[node] = (row data, demand, pickup index, delivery index)
        let mut rows = vec![(depot, 0, 0, 0); n + 1];
        for (k, pair) in pairs.iter().enumerate() {
            let (p, d) = (order[2 * k] + 1, order[2 * k + 1] + 1);
            rows[p] = (*pair, pair.2, 0, d);
            let (x, y, _, ready, width, service) = *pair;
            rows[d] = ((y, x, 0, ready / 2.0, width * 2.0, service / 3.0), -pair.2, p, 0);
        }
        let mut s = format!("3 {capacity}   0\r\n");
        for (i, ((x, y, _, ready, width, service), demand, p, d)) in rows.iter().enumerate() {
            let service = if i == 0 { 0.0 } else { *service };
            s += &format!("{i}\t{x}\t{y}\t{demand}\t{ready}\t{}\t{service}\t{p}\t{d}\r\n", ready + width);
        }
        s
    }

    fn row() -> impl Strategy<Value = GenRow> {
        (-100.0f64..100.0, -100.0f64..100.0, 1i64..50, 0.0f64..1000.0, 0.0f64..200.0, 0.0f64..90.0)
    }

    proptest! {
        #[test]
        fn write_then_read_gives_the_same_problem(
            capacity in 50i64..300,
            depot in row(),
            (pairs, order) in prop::collection::vec(row(), 0..6)
                .prop_flat_map(|p| { let n = 2 * p.len(); (Just(p), Just((0..n).collect::<Vec<_>>()).prop_shuffle()) }),
            scale in prop::sample::select(vec![1u32, 7, 100, 1000]),
        ) {
            let text = render(capacity, depot, &pairs, &order);
            let first = read_lilim(&text, "gen", scale).unwrap().problem;
            prop_assert_eq!(first.jobs().len(), pairs.len());
            let written = write_lilim(&first, scale).unwrap();
            let second = read_lilim(&written, "gen", scale).unwrap().problem;
            prop_assert_eq!(&first, &second);
            prop_assert_eq!(write_lilim(&second, scale).unwrap(), written);
        }
    }
}
